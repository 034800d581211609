"""Trickier corners: exception state across frames and generators, odd dunders,
super() details, recursion limits.

PYTEST_DONT_REWRITE: the interpreted bytecode must be plain compiler output.
"""
import sys

from tests.conformance._registry import Registry
from tests.support import assert_same

case = Registry()


class EdgeErr(Exception):
    pass


def _reraise_current():
    raise


def _current_exc_name():
    e = sys.exc_info()[1]
    return None if e is None else type(e).__name__


def _infinite(n):
    return _infinite(n + 1)


# ---------------------------------------------------------------- exception state across frames
@case()
def e_bare_raise_in_callee_reraises_callers_exception():
    try:
        raise EdgeErr("handled by caller")
    except EdgeErr:
        _reraise_current()


@case()
def e_exc_info_in_callee_during_except():
    try:
        raise KeyError("k")
    except KeyError:
        inside = _current_exc_name()
    return inside, _current_exc_name()


@case()
def e_exc_info_restored_after_nested_handler():
    out = []
    try:
        raise KeyError("outer")
    except KeyError:
        try:
            raise ValueError("inner")
        except ValueError:
            out.append(_current_exc_name())
        out.append(_current_exc_name())
    out.append(_current_exc_name())
    return out


@case()
def e_generator_raise_gets_callers_context():
    def gen():
        yield 1
        raise ValueError("in gen")

    g = gen()
    next(g)
    try:
        try:
            raise KeyError("caller handling")
        except KeyError:
            next(g)
    except ValueError as e:
        return type(e.__context__).__name__


@case()
def e_generator_exc_info_sees_callers_exception():
    def gen():
        yield _current_exc_name()
        yield _current_exc_name()

    g = gen()
    first = next(g)
    try:
        raise KeyError()
    except KeyError:
        second = next(g)
    return first, second


@case()
def e_generator_own_handler_state_preserved_across_yield():
    def gen():
        try:
            raise EdgeErr("gen's own")
        except EdgeErr:
            yield _current_exc_name()
            yield _current_exc_name()

    g = gen()
    a = next(g)
    outside = _current_exc_name()
    b = next(g)
    return a, outside, b


@case()
def e_exception_in_comprehension_inside_except_has_context():
    try:
        try:
            raise KeyError("first")
        except KeyError:
            [1 / 0 for _ in range(1)]
    except ZeroDivisionError as e:
        return type(e.__context__).__name__


@case()
def e_context_set_by_raise_in_finally_during_return():
    def h():
        try:
            return 1
        finally:
            raise EdgeErr("finally")

    try:
        h()
    except EdgeErr as e:
        return e.__context__


@case()
def e_exception_caught_in_callee_does_not_leak():
    def callee():
        try:
            raise KeyError()
        except KeyError:
            pass
        return _current_exc_name()

    return callee(), _current_exc_name()


@case()
def e_raise_same_instance_twice_context():
    err = EdgeErr("same")
    try:
        try:
            raise err
        except EdgeErr:
            raise err
    except EdgeErr as e:
        return e is err, e.__context__


@case()
def e_del_exception_var_inside_handler():
    try:
        raise EdgeErr()
    except EdgeErr as e:
        del e
    return "ok"


@case()
def e_exit_returns_truthy_non_bool():
    class CM:
        def __enter__(self):
            return self

        def __exit__(self, *a):
            return "yes"

    with CM():
        raise EdgeErr()
    return "suppressed"


@case()
def e_return_inside_with_inside_loop_inside_finally():
    log = []

    def h():
        try:
            for i in range(3):
                with _Log(log, i):
                    if i == 1:
                        return i
        finally:
            log.append("finally")

    return h(), log


class _Log:
    def __init__(self, log, i):
        self.log, self.i = log, i

    def __enter__(self):
        self.log.append(("enter", self.i))

    def __exit__(self, *a):
        self.log.append(("exit", self.i))


# ---------------------------------------------------------------- generators
@case()
def e_throw_stopiteration_into_generator():
    def gen():
        yield 1

    g = gen()
    next(g)
    try:
        g.throw(StopIteration())
    except RuntimeError as e:
        return str(e), type(e.__cause__).__name__


@case()
def e_close_with_yield_in_finally():
    def gen():
        try:
            yield 1
        finally:
            yield 2

    g = gen()
    next(g)
    try:
        g.close()
    except RuntimeError as e:
        return str(e)


@case()
def e_throw_into_generator_inside_with():
    log = []

    def gen():
        with _Log(log, "g"):
            yield 1
            yield 2

    g = gen()
    next(g)
    try:
        g.throw(EdgeErr("thrown"))
    except EdgeErr as e:
        log.append(e.args)
    return log


@case()
def e_yield_from_chain_send_at_depth():
    def leaf():
        total = 0
        while True:
            v = yield total
            if v is None:
                return total
            total += v

    def mid():
        r = yield from leaf()
        return r * 10

    def top():
        r = yield from mid()
        yield ("final", r)

    g = top()
    out = [next(g), g.send(1), g.send(2), g.send(None)]
    return out


@case()
def e_generator_return_in_finally_overrides_on_close():
    def gen():
        try:
            yield 1
        finally:
            return "from finally"  # noqa: B012

    g = gen()
    next(g)
    return g.close(), next(g, "exhausted")


@case()
def e_nonlocal_in_generator():
    count = 0

    def gen():
        nonlocal count
        for i in range(3):
            count += 1
            yield i

    r = list(gen())
    return r, count


@case()
def e_closure_over_star_args():
    def make(*args, **kw):
        return lambda: (args, kw)

    return make(1, 2, a=3)()


@case()
def e_generator_frame_locals_independent_across_instances():
    def gen(tag):
        local = [tag]
        yield local
        local.append("resumed")
        yield local

    a, b = gen("a"), gen("b")
    la, lb = next(a), next(b)
    next(a)
    return la, lb


# ---------------------------------------------------------------- odd dunders
@case()
def e_iter_set_to_none():
    class NotIter:
        __iter__ = None

    return list(NotIter())


@case()
def e_contains_set_to_none():
    class C:
        __contains__ = None

    return 1 in C()


@case()
def e_hash_returning_non_int():
    class H:
        def __hash__(self):
            return "x"

    return hash(H())


@case()
def e_index_returning_non_int():
    class I:  # noqa: E742
        def __index__(self):
            return 1.5

    return [1, 2][I()]


@case()
def e_eq_raising_during_list_membership():
    class Boom:
        def __eq__(self, o):
            raise EdgeErr("eq called")

    return Boom() in [1, 2]


@case()
def e_explicit_dunder_calls():
    class C:
        pass

    obj = object.__new__(C)
    return (int.__add__(1, 2), (1).__add__("x"), list.__len__([1, 2]), str.upper("ab"),
            type(obj).__name__, object.__eq__(obj, obj), object.__ne__(obj, 5))


@case()
def e_type_call_with_metaclass_getitem():
    class Meta(type):
        def __getitem__(cls, item):
            return (cls.__name__, item)

        def __len__(cls):
            return 7

        def __iter__(cls):
            return iter("xyz")

    class C(metaclass=Meta):
        pass

    return C[3], len(C), list(C)


@case()
def e_sort_list_modified_during_sort():
    lst = [3, 1, 2]

    def key(v):
        lst.append(v)
        return v

    lst.sort(key=key)


@case()
def e_bool_subclass_and_int_ops():
    class Flag(int):
        def __bool__(self):
            return False

    f = Flag(5)
    return bool(f), f + 1, "truthy" if f else "falsy", not f


@case()
def e_radd_on_str_subclass():
    class S(str):
        def __radd__(self, o):
            return "S.__radd__(" + o + ")"

    return "a" + S("b"), S("b") + "a"


@case()
def e_inplace_returning_not_implemented_falls_back():
    class A:
        def __iadd__(self, o):
            return NotImplemented

        def __add__(self, o):
            return "A.__add__"

    a = A()
    a += 1
    return a


@case()
def e_setitem_via_slice_on_custom_class():
    class S:
        def __init__(self):
            self.log = []

        def __setitem__(self, k, v):
            self.log.append((k.start, k.stop, k.step, v))

        def __delitem__(self, k):
            self.log.append(("del", k.start, k.stop))

    s = S()
    s[1:2] = "x"
    s[::3] = "y"
    del s[4:]
    return s.log


# ---------------------------------------------------------------- super() details
@case()
def e_super_with_reassigned_self():
    class A:
        def f(self):
            return "A"

    class B(A):
        def f(self):
            self = 5  # noqa: F841
            return super().f()

    return B().f()


@case()
def e_super_in_init_subclass_chain_and_new():
    class A:
        def __new__(cls, *args):
            inst = super().__new__(cls)
            inst.made_by = "A.__new__"
            return inst

    class B(A):
        def __new__(cls, v):
            inst = super().__new__(cls, v)
            inst.v = v
            return inst

    b = B(3)
    return b.made_by, b.v


@case()
def e_super_object_attributes():
    class A:
        pass

    class B(A):
        def get(self):
            s = super()
            return s.__thisclass__.__name__, type(s.__self__).__name__

    return B().get()


@case()
def e_class_cell_survives_class_rename():
    class C:
        def which(self):
            return __class__.__name__

    D = C
    del C
    return D().which()


# ---------------------------------------------------------------- calls
@case()
def e_keyword_args_to_c_functions():
    return int("ff", base=16), sorted([3, 1], reverse=True), "a-b".split(sep="-"), dict.fromkeys("ab", 0)


@case()
def e_c_function_bad_keyword():
    return sorted([1], cmp=None)


@case()
def e_method_call_with_star_args():
    class C:
        def m(self, *a, **k):
            return a, k

        @classmethod
        def cm(cls, **k):
            return cls.__name__, k

    args, kw = (1, 2), {"x": 3}
    return C().m(*args, **kw), C.cm(**kw), C.m(C(), *args)


@case()
def e_print_file_none():
    print("goes to stdout", file=None)


@case()
def e_recursion_error_is_raised_and_catchable():
    try:
        _infinite(0)
    except RecursionError as e:
        return type(e).__name__
    return "no error"


@case()
def e_deep_recursion_then_normal_call():
    def depth(n):
        return 0 if n == 0 else 1 + depth(n - 1)

    return depth(500), depth(3)


@case()
def e_call_with_many_arguments():
    def f(*a, **k):
        return sum(a), sorted(k)

    return f(*range(300), **{"k%d" % i: i for i in range(50)})


@case()
def e_function_defaults_mutated_via_dunder():
    def f(a=1):
        return a

    f.__defaults__ = (99,)
    return f()


@case()
def e_function_code_swapped():
    def f():
        return "f"

    def g():
        return "g"

    f.__code__ = g.__code__
    return f()


@case.parametrize()
def test_conformance(fn, args, kwargs):
    assert_same(fn, *args, **kwargs)
