"""Generator functions, generator expressions, send/throw/close, yield from.

PYTEST_DONT_REWRITE: the interpreted bytecode must be plain compiler output.
"""
import itertools

from tests.conformance._registry import Registry
from tests.support import assert_same

case = Registry()


class GenErr(Exception):
    pass


def _count(n):
    for i in range(n):
        yield i


def _with_return(n):
    for i in range(n):
        yield i
    return "done-%d" % n


def _echo():
    got = []
    while True:
        v = yield len(got)
        if v is None:
            break
        got.append(v)
    return got


def _acc():
    total = 0
    while True:
        v = yield total
        total += v


class _Iter:
    """A plain (non-generator) iterator."""

    def __init__(self, n):
        self.i, self.n = 0, n

    def __iter__(self):
        return self

    def __next__(self):
        if self.i >= self.n:
            raise StopIteration
        self.i += 1
        return self.i * 10


@case()
def g_basic_list():
    return list(_count(4))


@case()
def g_next_until_exhausted():
    g = _count(2)
    out = [next(g), next(g)]
    try:
        next(g)
    except StopIteration as e:
        out.append(("stop", e.value))
    return out


@case()
def g_exhausted_stays_exhausted():
    g = _count(1)
    a = list(g)
    b = list(g)
    return a, b, next(g, "default")


@case()
def g_return_value_in_stopiteration():
    g = _with_return(1)
    next(g)
    try:
        next(g)
    except StopIteration as e:
        return e.value, e.args


@case()
def g_return_value_not_in_list():
    return list(_with_return(3))


@case()
def g_lazy_body():
    log = []

    def gen():
        log.append("start")
        yield 1
        log.append("after")

    g = gen()
    before = list(log)
    next(g)
    mid = list(log)
    list(g)
    return before, mid, log


@case()
def g_send():
    g = _echo()
    r = [next(g), g.send("a"), g.send("b")]
    try:
        g.send(None)
    except StopIteration as e:
        r.append(e.value)
    return r


@case()
def g_send_accumulator():
    g = _acc()
    next(g)
    return [g.send(v) for v in (1, 2, 3, 4)]


@case()
def g_send_non_none_to_fresh():
    g = _acc()
    return g.send(5)


@case()
def g_send_none_to_fresh_ok():
    g = _acc()
    return g.send(None)


@case()
def g_throw_caught_inside():
    def gen():
        while True:
            try:
                yield "ok"
            except GenErr as e:
                yield "caught %s" % e.args[0]

    g = gen()
    next(g)
    return g.throw(GenErr("x")), next(g)


@case()
def g_throw_uncaught_propagates():
    g = _count(3)
    next(g)
    try:
        g.throw(GenErr("boom"))
    except GenErr as e:
        return "propagated", e.args, next(g, "closed")


@case()
def g_throw_into_fresh():
    g = _count(3)
    try:
        g.throw(GenErr("early"))
    except GenErr as e:
        return e.args, list(g)


@case()
def g_throw_type_only():
    def gen():
        try:
            yield 1
        except ValueError as e:
            yield ("got", type(e).__name__, e.args)

    g = gen()
    next(g)
    return g.throw(ValueError)


@case()
def g_throw_generator_returns():
    def gen():
        try:
            yield 1
        except GenErr:
            return "ret-after-throw"

    g = gen()
    next(g)
    try:
        g.throw(GenErr())
    except StopIteration as e:
        return e.value


@case()
def g_close_runs_finally():
    log = []

    def gen():
        try:
            yield 1
            yield 2
        finally:
            log.append("finally")

    g = gen()
    next(g)
    g.close()
    return log, next(g, "exhausted")


@case()
def g_close_fresh_and_twice():
    log = []

    def gen():
        try:
            yield 1
        finally:
            log.append("fin")

    g = gen()
    g.close()
    g.close()
    return log


@case()
def g_close_catches_generatorexit_and_yields():
    def gen():
        try:
            yield 1
        except GeneratorExit:
            yield 2

    g = gen()
    next(g)
    try:
        g.close()
    except RuntimeError as e:
        return str(e)


@case()
def g_close_generatorexit_seen():
    seen = []

    def gen():
        try:
            yield 1
        except GeneratorExit as e:
            seen.append(type(e).__name__)
            raise

    g = gen()
    next(g)
    g.close()
    return seen


@case()
def g_close_with_return_value():
    def gen():
        try:
            yield 1
        except GeneratorExit:
            return "ignored"

    g = gen()
    next(g)
    return g.close()


@case()
def g_finally_on_exhaustion():
    log = []

    def gen():
        try:
            yield 1
        finally:
            log.append("done")

    return list(gen()), log


@case()
def g_yield_in_finally_block_order():
    def gen():
        try:
            yield "try"
        finally:
            yield "finally"
        yield "after"

    return list(gen())


@case()
def g_yield_from_list():
    def gen():
        yield from [1, 2]
        yield from "ab"
        yield 3

    return list(gen())


@case()
def g_yield_from_return_value():
    def outer():
        r = yield from _with_return(2)
        yield r

    return list(outer())


@case()
def g_yield_from_non_generator_iterator():
    def outer():
        r = yield from _Iter(3)
        yield ("ret", r)

    return list(outer())


@case()
def g_yield_from_send_delegates():
    def outer():
        r = yield from _echo()
        yield ("inner returned", r)

    g = outer()
    out = [next(g), g.send(1), g.send(2), g.send(None)]
    return out


@case()
def g_yield_from_throw_delegates_caught():
    def inner():
        try:
            yield 1
        except GenErr:
            yield "inner caught"
        return "inner done"

    def outer():
        r = yield from inner()
        yield r

    g = outer()
    next(g)
    return g.throw(GenErr()), next(g)


@case()
def g_yield_from_throw_delegates_uncaught():
    log = []

    def inner():
        try:
            yield 1
        finally:
            log.append("inner finally")

    def outer():
        try:
            yield from inner()
        except GenErr as e:
            log.append("outer caught %s" % e.args)
            yield "recovered"

    g = outer()
    next(g)
    return g.throw(GenErr("t")), log


@case()
def g_yield_from_close_delegates():
    log = []

    def inner():
        try:
            yield 1
            yield 2
        finally:
            log.append("inner closed")

    def outer():
        try:
            yield from inner()
        finally:
            log.append("outer closed")

    g = outer()
    next(g)
    g.close()
    return log


@case()
def g_yield_from_throw_into_plain_iterator():
    def outer():
        try:
            yield from _Iter(5)
        except GenErr:
            yield "outer handled"

    g = outer()
    next(g)
    return g.throw(GenErr())


@case()
def g_yield_from_nested_three():
    def a():
        yield "a"
        return 1

    def b():
        x = yield from a()
        yield "b"
        return x + 1

    def c():
        y = yield from b()
        yield y

    return list(c())


@case()
def g_yield_from_generator_expression():
    def gen():
        yield from (i * i for i in range(4))

    return list(gen())


@case()
def g_yield_from_send_to_plain_iterator_fails():
    def outer():
        yield from _Iter(3)

    g = outer()
    next(g)
    try:
        g.send(5)
    except AttributeError as e:
        return type(e).__name__, "send" in str(e)


@case()
def g_pep479_stopiteration_becomes_runtimeerror():
    def gen():
        yield 1
        raise StopIteration("inner")

    g = gen()
    next(g)
    try:
        next(g)
    except RuntimeError as e:
        return str(e), type(e.__cause__).__name__, e.__cause__.args


@case()
def g_pep479_uncaught():
    def gen():
        yield 1
        next(iter([]))

    return list(gen())


@case()
def g_pep479_in_genexpr():
    def boom(v):
        if v == 2:
            raise StopIteration
        return v

    return list(boom(v) for v in range(4))


@case()
def g_stopiteration_in_map_silently_stops():
    def boom(v):
        if v == 2:
            raise StopIteration
        return v

    return list(map(boom, range(4)))


@case()
def g_exception_inside_generator():
    def gen():
        yield 1
        raise GenErr("inside")

    g = gen()
    r = [next(g)]
    try:
        next(g)
    except GenErr as e:
        r.append(e.args)
    r.append(next(g, "after-error"))
    return r


@case()
def g_running_value_error():
    def gen():
        yield next(g)

    g = gen()
    try:
        next(g)
    except ValueError as e:
        return str(e)


@case()
def g_consumed_by_builtins():
    return (list(_count(3)), tuple(_count(3)), set(_count(3)),
            dict(zip(_count(3), _count(3))), sum(_count(5)), sorted(_count(4), reverse=True),
            max(_count(4)), min(_count(4)), "".join(str(v) for v in _count(3)))


@case()
def g_dict_from_pair_generator():
    def pairs():
        yield "a", 1
        yield "b", 2

    return dict(pairs())


@case()
def g_zip_two_generators():
    return list(zip(_count(3), _with_return(5)))


@case()
def g_zip_stops_consumption_order():
    log = []

    def gen(name, n):
        for i in range(n):
            log.append((name, i))
            yield i

    r = list(zip(gen("a", 2), gen("b", 5)))
    return r, log


@case()
def g_enumerate_generator():
    return list(enumerate(_count(3), start=1))


@case()
def g_in_operator_on_generator():
    g = _count(10)
    return 3 in g, next(g), 100 in g


@case()
def g_unpack_generator():
    a, b, *rest = _count(5)
    return a, b, rest


@case()
def g_unpack_generator_too_many():
    a, b = _count(3)
    return a, b


@case()
def g_infinite_with_islice():
    def naturals():
        n = 0
        while True:
            yield n
            n += 1

    return list(itertools.islice(naturals(), 3, 8))


@case()
def g_fibonacci_generator():
    def fib():
        a, b = 0, 1
        while True:
            yield a
            a, b = b, a + b

    out = []
    for v in fib():
        if v > 100:
            break
        out.append(v)
    return out


@case()
def g_generator_with_args_and_defaults():
    def gen(start, step=2, *, stop=10):
        v = start
        while v < stop:
            yield v
            v += step

    return list(gen(1)), list(gen(0, 3, stop=7))


@case()
def g_generator_method():
    class Tree:
        def __init__(self, v, kids=()):
            self.v, self.kids = v, kids

        def walk(self):
            yield self.v
            for k in self.kids:
                yield from k.walk()

    t = Tree(1, [Tree(2, [Tree(3)]), Tree(4)])
    return list(t.walk())


@case()
def g_iter_protocol_via_generator_dunder():
    class Bag:
        def __init__(self, items):
            self.items = items

        def __iter__(self):
            for it in self.items:
                yield it * 2

    return list(Bag([1, 2])), [v for v in Bag([3])], sum(Bag([1, 1]))


@case()
def g_generator_object_attrs():
    g = _count(2)
    return type(g).__name__, hasattr(g, "send"), iter(g) is g, g.__name__


@case()
def g_yield_expression_value_none():
    def gen():
        got = yield 1
        yield got

    g = gen()
    return next(g), next(g)


@case()
def g_yield_in_expression():
    def gen():
        x = (yield 1) + (yield 2)
        yield x

    g = gen()
    return next(g), g.send(10), g.send(20)


@case()
def g_bare_yield():
    def gen():
        yield
        yield

    return list(gen())


@case()
def g_generator_return_in_try_finally():
    log = []

    def gen():
        try:
            yield 1
            return "r"
        finally:
            log.append("f")

    g = gen()
    next(g)
    try:
        next(g)
    except StopIteration as e:
        return e.value, log


@case()
def g_closed_in_finally_of_consumer():
    log = []

    def gen():
        try:
            for i in range(10):
                yield i
        finally:
            log.append("gen cleanup")

    g = gen()
    try:
        for v in g:
            if v == 2:
                break
    finally:
        g.close()
        log.append("consumer cleanup")
    return log


@case()
def g_generator_exception_context():
    def gen():
        try:
            yield 1
        except GenErr:
            raise ValueError("from gen")

    g = gen()
    next(g)
    try:
        g.throw(GenErr("orig"))
    except ValueError as e:
        return e.args, type(e.__context__).__name__, e.__context__.args


@case()
def g_generator_sees_outer_exception_state():
    def gen():
        yield 1

    try:
        raise KeyError("k")
    except KeyError:
        return list(gen())


@case()
def g_genexpr_over_generator():
    return list(v * 2 for v in _count(3) if v)


@case()
def g_chained_genexprs():
    a = (i for i in range(10))
    b = (i * 2 for i in a if i % 3 == 0)
    c = (str(i) for i in b)
    return list(c)


@case()
def g_generator_state_machine():
    def parser():
        out = []
        while True:
            tok = yield
            if tok == "end":
                return out
            out.append(tok.upper())

    p = parser()
    next(p)
    for t in ["a", "b"]:
        p.send(t)
    try:
        p.send("end")
    except StopIteration as e:
        return e.value


@case()
def g_yield_from_returns_none_default():
    def inner():
        yield 1

    def outer():
        r = yield from inner()
        yield r

    return list(outer())


@case()
def g_yield_from_empty():
    def outer():
        r = yield from []
        yield ("r", r)

    return list(outer())


@case()
def g_yield_from_inner_raises():
    def inner():
        yield 1
        raise GenErr("inner fail")

    def outer():
        try:
            yield from inner()
        except GenErr as e:
            yield ("outer saw", e.args)

    return list(outer())


@case()
def g_throw_with_traceback_none_and_instance():
    def gen():
        try:
            yield 1
        except Exception as e:
            yield repr(e)

    g = gen()
    next(g)
    return g.throw(KeyError("k"))


@case()
def g_gen_in_sorted_with_key():
    return sorted(_count(6), key=lambda v: (v % 3, -v))


@case()
def g_generator_local_state_independent():
    a, b = _count(3), _count(3)
    return next(a), next(a), next(b), next(a), next(b)


@case.parametrize()
def test_conformance(fn, args, kwargs):
    assert_same(fn, *args, **kwargs)
