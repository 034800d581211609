"""Line blocks (bcad/interpreter/handlers/blocks.py) and the generated CALL
handlers: one handler per straight-line run of a line must behave exactly
as the instructions one by one (values, error order, object lifetimes,
line numbers, values left on the stack across calls)."""
import sys

import os

import pytest

import bcad
from bcad.interpreter import handlers as H
from bcad.decode import decode
from bcad.interpreter.frame import handlers_of

from ..support import assert_same


class Noisy:
    def __init__(self, name, log):
        self.name, self.log = name, log

    def __del__(self):
        self.log.append(f"del {self.name}")


class Prop:
    def __init__(self, log):
        self.log = log

    @property
    def fresh(self):
        self.log.append("fresh")
        return Noisy("fresh", self.log)

    @property
    def other(self):
        self.log.append("other")
        return 1


def lifetime_pop_top(log):
    Noisy("a", log); log.append("after")           # noqa: E702 - one line on purpose
    return log


def lifetime_attr(log):
    p = Prop(log)
    x = p.fresh.name + str(p.other)    # the fresh object dies before `other` runs
    log.append(x)
    return log


def unbound_in_block(flag):
    if flag:
        y = 1
    return y * 2 + 1


def error_order(a):
    return a.missing + undefined_name        # noqa: F821


def aug_attr_with_call(o):
    def f():
        o.n = 100
        return 1
    o.n += f()
    return o.n


def method_shapes(xs):
    class C:
        def __init__(self):
            self.v = 1.5

        def m(self, a, b):
            return self.v * a - b

        def __getattr__(self, name):
            return lambda *a: ("getattr", name, a)

    c = C()
    return c.m(2.0, 1.0), c.nope(1, 2), xs.count(1), C.m(c, 1.0, 2.0)


def compare_chain(a, b):
    return (a < b, a == b, a is b, -a, ~b, not a, a if a > b else b)


def try_on_one_line(x):
    try:
        return 1 / x + x.real
    except ZeroDivisionError:
        return "zero"


def swap_copy():
    d = NS()
    d.x = d.y = 3
    a, b = d.x, d.y
    d.x, d.y = d.y + 1, d.x + 2
    return a, b, d.x, d.y


class NS:
    pass


@pytest.mark.parametrize("fn,args", [
    (lifetime_pop_top, ([],)),
    (lifetime_attr, ([],)),
    (unbound_in_block, (False,)),
    (unbound_in_block, (True,)),
    (error_order, (1,)),
    (method_shapes, ([1, 2, 1],)),
    (compare_chain, (3, 4)),
    (try_on_one_line, (0,)),
    (try_on_one_line, (2.0,)),
    (swap_copy, ()),
])
def test_blocks_behave_like_instructions(fn, args):
    assert_same(fn, *args)


def test_aug_attr_with_call():
    def run():
        class O:
            n = 1
        return aug_attr_with_call(O())
    assert_same(run)


def test_line_of_error_in_block():
    def f(o):
        a = 1
        b = o.missing
        return a + b

    try:
        bcad.interpret(f)(object())
    except AttributeError as e:
        note = "".join(getattr(e, "__notes__", []))
    assert f"line {f.__code__.co_firstlineno + 2}, in" in note


def test_blocks_are_built():
    def g(p, q):
        r = p * q + p.real * 2.0
        return r

    if not H.BLOCKS or not H.FUSE:
        pytest.skip("blocks disabled")
    hs = handlers_of(decode(g.__code__))
    names = {os.path.basename(h.__code__.co_filename) for h in hs[1:]}
    assert any(n.startswith("<bcad block") for n in names)
    assert bcad.interpret(g)(2.0, 3.0) == g(2.0, 3.0)


def test_deep_recursion_through_blocks():
    def down(n):
        if n == 0:
            return 0
        return down(n - 1) + 1

    limit = sys.getrecursionlimit()
    assert bcad.interpret(down)(limit - 100) == limit - 100
    with pytest.raises(RecursionError):
        bcad.interpret(down)(limit + 100)


def numeric_edges(a, b):
    out = []
    for x, y in ((a, b), (b, a), (a, 0), (0.0, a), (-0.0, 0.0), (float("nan"), 1.0),
                 (2, -1), (10 ** 30, 3), (1e308, 10.0), (True, 2), (3, 2.5)):
        try:
            out.append((x + y, x - y, x * y, x / y, x // y, x % y, x ** y, -x, +x,
                        x < y, x <= y, x == y, x != y, x > y, x >= y))
        except (ZeroDivisionError, OverflowError, ValueError) as e:
            out.append(type(e).__name__ + str(e))
        try:
            out.append((a << 3, a >> 1, a & 6, a | 1, a ^ 5, ~a, x @ y))
        except TypeError as e:
            out.append(str(e))
    n = a
    n += 1.5
    n *= 2
    n //= 1
    n **= 2
    return out, n


@pytest.mark.parametrize("a,b", [(7, 3), (7.5, -2.0), (0, 1), (-3, 2.0)])
def test_numeric_fast_paths(a, b):
    assert_same(numeric_edges, a, b)


# ---- calls in the middle of a block run nested (calls._INLINE), up to
# state.INLINE_ROOM levels; deeper ones switch frames in the run loop.

def deep_sum(n):
    def down(k):
        if k == 0:
            return 0
        return down(k - 1) + 1          # a call in the middle of a block
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(4000)
    try:
        return down(2500)
    finally:
        sys.setrecursionlimit(old)


def deep_error(n):
    def down(k):
        if k == 0:
            raise ValueError("bottom")
        return down(k - 1) + 1

    def catch(k):
        try:
            return down(k) + 1
        except ValueError as e:
            return ("caught", str(e), k)
    return [catch(k) for k in (0, 5, 150, 250, 700)]


def handlers_in_callee(xs):
    def safe_div(a, b):
        try:
            return a / b
        except ZeroDivisionError:
            return float("inf")
        finally:
            xs.append(b)

    def total(vals):
        return sum(safe_div(1.0, v) for v in vals) + safe_div(2.0, 0) * 0.0 + len(xs)
    return total([1, 0, 2]) + safe_div(1.0, 4.0), xs


def frames_seen(n):
    def inner():
        f = sys._getframe(1)
        return f.f_code.co_name, f.f_back.f_code.co_name
    def middle(k):
        return inner() if k == 0 else middle(k - 1) + ()
    return middle(n)


def generator_in_inline(n):
    def gen(k):
        for i in range(k):
            yield i * i
    def use(k):
        return sum(gen(k)) + max(gen(k)) + use(k - 1) if k > 1 else 0
    return use(n)


@pytest.mark.parametrize("fn,args", [
    (deep_sum, (0,)),
    (deep_error, (0,)),
    (handlers_in_callee, ([],)),
    (frames_seen, (3,)),
    (frames_seen, (300,)),
    (generator_in_inline, (30,)),
])
def test_inline_calls(fn, args):
    assert_same(fn, *args)


def test_recursion_limit_through_inline_calls():
    def down(k):
        return down(k + 1) + 1
    with pytest.raises(RecursionError):
        bcad.interpret(down)(0)
    from bcad.interpreter.state import STATE
    assert STATE.frame is None


def yields_in_blocks(n):
    def gen(k):
        acc = 0
        for i in range(k):
            got = yield i * 2 + acc
            acc += got or 1
        return acc

    def pairs(xs):
        for a, b in zip(xs, xs[1:]):
            yield a * b, (yield a + b)

    g = gen(n)
    out = [next(g), g.send(5), g.send(None)]
    try:
        g.throw(ValueError("in"))
    except ValueError as e:
        out.append(str(e))
    h = gen(3)
    next(h)
    h.close()
    out.append(list(pairs([1, 2, 3, 4])))
    out.append(sum(x * x for x in gen(4) if x % 3))
    return out


def test_yield_blocks():
    assert_same(yields_in_blocks, 5)


# ---- regions: a block ending in a conditional jump goes on with the runs at
# its successors, on other lines; f.pc follows the run being executed.

class CondNoDel:
    """A condition object: __bool__ logs (and may raise).  (Without __del__:
    a condition whose __bool__ raises is freed with the traceback by bcad's
    handlers, not at the jump.)"""
    def __init__(self, log, value, fail=False):
        self.log, self.value, self.fail = log, value, fail

    def __bool__(self):
        self.log.append(("bool", self.value))
        if self.fail:
            raise ValueError("no truth")
        return self.value


class Cond(CondNoDel):
    """... and __del__ logs."""
    def __del__(self):
        self.log.append(("del", self.value))


def region_shapes(x, log):
    out = []
    if x < 2:
        out.append("small")
    else:
        out.append(x * 2)
    if Cond(log, x > 3):
        log.append("then")
    else:
        log.append("else")
    y = None if x % 2 else x
    if y is None:
        out.append("odd")
    if y is not None:
        out.append(y + 1)
    if not x:
        return out, log
    return out + [x and x - 1, x or 5], log


def region_bool_raises(log):
    try:
        if CondNoDel(log, True, fail=True):
            return "then"
        return "else"
    except ValueError as e:
        return str(e), log


def compare_to_jump(log):
    class R:
        def __lt__(self, o):
            log.append(("lt", o))
            return Cond(log, o > 1)
    if R() < 1:
        log.append("then")
    x = R() < 2          # not read by a jump: stays the object __lt__ returned
    log.append(type(x).__name__)
    del x
    n = 0
    while R() < n + 2:
        n += 1
        if n > 3:
            break
    try:
        if CondNoDel(log, 1, fail=True) == 1 or R() < 0:
            pass
    except ValueError as e:
        log.append(str(e))
    return log


def region_lines(x):
    def where():
        return sys._getframe(1).f_lineno
    if x > 0:
        a = where()
    else:
        a = where()
    if x > 1:
        return a, where()
    return a, where(), where()


def region_errors(x):
    out = []
    for v in (x, 0, "s", None):
        try:
            if v == 0:
                out.append(1 / v)
            else:
                out.append(v + 1)
        except (ZeroDivisionError, TypeError) as e:
            out.append((type(e).__name__, sys.exc_info()[2].tb_lineno if False else 0))
    return out


def region_reraise(x):
    try:
        if x:
            raise KeyError(x)
        else:
            raise ValueError(x)
    except KeyError:
        raise


def region_fib(n):
    if n < 2:
        return n
    return region_fib(n - 1) + region_fib(n - 2)


def region_deep(n):
    def down(k):
        if k == 0:
            return 0
        elif k < 0:
            raise ValueError(k)
        return down(k - 1) + 1
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(3000)
    try:
        return down(n), region_fib(15)
    finally:
        sys.setrecursionlimit(old)


def region_gen(n):
    def gen(k):
        for i in range(k):
            if i % 2:
                yield i
            else:
                yield -i
    return list(gen(n))


@pytest.mark.parametrize("fn,args", [
    (region_shapes, (0, [])),
    (region_shapes, (1, [])),
    (region_shapes, (4, [])),
    (region_shapes, (5.5, [])),
    (region_bool_raises, ([],)),
    (compare_to_jump, ([],)),
    (region_lines, (0,)),
    (region_lines, (1,)),
    (region_lines, (2,)),
    (region_errors, (3,)),
    (region_reraise, (1,)),
    (region_reraise, (0,)),
    (region_deep, (2000,)),
    (region_gen, (6,)),
])
def test_regions(fn, args):
    assert_same(fn, *args)


def _error_line(fn, *args):
    try:
        fn(*args)
    except Exception as e:
        tb = e.__traceback__
        while tb.tb_next is not None:
            tb = tb.tb_next
        native = tb.tb_lineno
    try:
        bcad.interpret(fn)(*args)
    except Exception as e:
        note = "".join(getattr(e, "__notes__", []))
    return native, note


def region_error_lines(x):
    if x > 0:
        y = x.missing
    else:
        y = undefined_name      # noqa: F821
    return y


def region_error_line_target(x):
    if x > 0:
        return 1
    return x.missing


@pytest.mark.parametrize("fn,arg", [(region_error_lines, 1), (region_error_lines, 0),
                                    (region_error_line_target, -1)])
def test_region_error_lines(fn, arg):
    native, note = _error_line(fn, arg)
    assert f"line {native}, in {fn.__name__}" in note


def test_regions_are_built():
    if not H.BLOCKS or not H.FUSE:
        pytest.skip("blocks disabled")
    from bcad.interpreter.frame import REGIONS

    def branchy(n):
        if n < 2:
            return n
        return n * 2
    hs = handlers_of(decode(branchy.__code__))
    assert not any(h in REGIONS for h in hs)        # compiled when first run
    assert bcad.interpret(branchy)(5) == 10
    assert any(h in REGIONS for h in hs)


def depth_reached(limit):
    def down(k):
        try:
            return down(k + 1) + 0
        except RecursionError:
            return k

    def down_region(k):
        if k < 0:
            return -1
        try:
            return down_region(k + 1) + 0
        except RecursionError:
            return k
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(limit)
    try:
        a = down(0)
        b = down_region(0)
    finally:
        sys.setrecursionlimit(old)
    return a, b


def lowered_in_line(n):
    def down(k):
        return down(k + 1) if k < n else k
    old = sys.getrecursionlimit()
    depth = len(__import__("traceback").extract_stack())
    try:
        r = sys.setrecursionlimit(depth + 30), down(0)     # the same line: one block
    except RecursionError:
        r = "RecursionError"
    finally:
        sys.setrecursionlimit(old)
    return r


@pytest.mark.xfail(sys.version_info < (3, 12), strict=False,
                   reason="3.11: bcad reaches a few levels more than CPython (as before "
                          "regions; native frames below the test counted differently)")
@pytest.mark.parametrize("limit", [120, 400, 1000])
def test_recursion_depth_like_cpython(limit):
    # the depth reached before RecursionError is CPython's, through blocks
    # and regions, inline calls and frames switched in the run loop
    assert_same(depth_reached, limit)


@pytest.mark.parametrize("n", [5, 100])
def test_recursion_limit_lowered_inside_a_block(n):
    assert_same(lowered_in_line, n)


def region_tb(k):
    if k > 0:
        return region_tb(k - 1) + 1
    elif k == 0:
        return region_tb_leaf(k)
    return 0


def region_tb_leaf(k):
    if k:
        return 1
    x = k + 1
    return x.missing


def test_region_traceback_lines():
    # every level of a recursion through regions reports its own line
    try:
        region_tb(4)
    except AttributeError as e:
        tb, native = e.__traceback__, []
        while tb is not None:
            if tb.tb_frame.f_code.co_name.startswith("region_tb"):
                native.append(f"line {tb.tb_lineno}, in {tb.tb_frame.f_code.co_name}")
            tb = tb.tb_next
    try:
        bcad.interpret(region_tb)(4)
    except AttributeError as e:
        note = "".join(getattr(e, "__notes__", []))
    got = [ln.strip().split('", ')[1] for ln in note.split("\n") if "region_tb" in ln and "File" in ln]
    assert got == native


def method_loads(xs):
    class K:
        def m(self, a):
            return ("m", a)

        @classmethod
        def c(cls, a):
            return ("c", cls.__name__, a)

        @staticmethod
        def s(a):
            return ("s", a)

    class Other:
        def m(self, a):
            return ("other", a)

    k = K()
    out = [k.m(1), k.c(2), k.s(3), K.c(4), K.m(k, 5)]
    k.m = Other().m                   # a bound method of another object, in the instance
    k.n = xs.append                   # a bound builtin method
    k.f = lambda a: ("f", a)
    out += [k.m(6), k.n(7), k.f(8), xs]
    try:
        K().m()
    except TypeError as e:
        out.append(str(e))
    try:
        k.n(1, 2)
    except TypeError as e:
        out.append(str(e))
    return out


def test_method_loads():
    assert_same(method_loads, [])


def closure_reads(a):
    b = a * 2
    c = [a]

    def inner(x):
        return x * b + c[0] - a     # LOAD_DEREF of three cells in one block
    return inner(3) + inner(1.5)


def closure_unbound():
    def g():
        return z + 1                # z is not bound yet: NameError
    r = g()
    z = 1
    return r + z


def closure_rebound(n):
    total = 0

    def add(k):
        nonlocal total
        total = total + k * n       # LOAD_DEREF and STORE_DEREF
        return total
    for i in range(3):
        add(i)
    return total


@pytest.mark.parametrize("fn,args", [(closure_reads, (2,)), (closure_reads, (2.5,)),
                                     (closure_unbound, ()), (closure_rebound, (4,))])
def test_closures_in_blocks(fn, args):
    assert_same(fn, *args)


def test_unbound_free_variable_in_block_line_and_context():
    with pytest.raises(NameError) as native:
        closure_unbound()
    with pytest.raises(NameError) as ours:
        bcad.interpret(closure_unbound)()
    assert str(ours.value) == str(native.value)
    assert ours.value.__context__ is None and ours.value.__cause__ is None
    note = "".join(getattr(ours.value, "__notes__", []))
    assert f"line {closure_unbound.__code__.co_firstlineno + 2}, in" in note


def test_closure_lines_compile_to_blocks():
    if not H.BLOCKS or not H.FUSE:
        pytest.skip("blocks disabled")
    inner = closure_reads.__code__.co_consts
    code = next(c for c in inner if hasattr(c, "co_code") and c.co_name == "inner")
    hs = handlers_of(decode(code))
    names = {os.path.basename(getattr(h, "__code__", None).co_filename) for h in hs[1:]
             if getattr(h, "__code__", None) is not None}
    assert any(n.startswith("<bcad block") for n in names)
