"""int(), float(), complex(), operator.index() of objects with Python
conversion dunders (CPython checks what they return), dunders set to None,
and other protocol details from CPython's test suite (issue 11).

PYTEST_DONT_REWRITE: the interpreted bytecode must be plain compiler output.
"""
import operator
import warnings

from tests.conformance._registry import Registry
from tests.support import assert_same

case = Registry()


class FloatSub(float):
    pass


class IntSub(int):
    pass


class ComplexSub(complex):
    pass


def _attempt(fn, *args):
    """(result, its type, warning messages) or the exception's text."""
    with warnings.catch_warnings(record=True) as ws:
        warnings.simplefilter("always")
        try:
            r = fn(*args)
        except (TypeError, ValueError, OverflowError) as e:
            return type(e).__name__, str(e)
    return r, type(r).__name__, [str(w.message) for w in ws]


@case()
def v_float_dunder_results():
    class F:
        def __init__(self, v):
            self.v = v

        def __float__(self):
            return self.v

    return [_attempt(float, F(v)) for v in (1.5, FloatSub(2.5), 3, "4", None)]


@case()
def v_int_dunder_results():
    class I:
        def __init__(self, v):
            self.v = v

        def __int__(self):
            return self.v

    class Ix:
        def __init__(self, v):
            self.v = v

        def __index__(self):
            return self.v

    out = [_attempt(int, I(v)) for v in (1, IntSub(2), True, 3.0)]
    out += [_attempt(f, Ix(v)) for f in (int, float, operator.index, complex)
            for v in (4, IntSub(5), 6.0)]
    return out


@case()
def v_int_subclass_dunders():
    class MyIndex(int):
        def __index__(self):
            return 42

    class MyInt(int):
        def __int__(self):
            return 43

    class BadInt(int):
        def __int__(self):
            return 44.0

    return [_attempt(f, x) for f in (int, float, operator.index)
            for x in (MyIndex(7), MyInt(8), BadInt(9))]


@case()
def v_trunc_delegation():
    class T:
        def __init__(self, v):
            self.v = v

        def __trunc__(self):
            return self.v

    class Ix:
        def __index__(self):
            return 9

    return [_attempt(int, T(v)) for v in (1, IntSub(2), 3.5, Ix())]


@case()
def v_complex_dunder_results():
    class C:
        def __init__(self, v):
            self.v = v

        def __complex__(self):
            return self.v

    class F:
        def __float__(self):
            return 2.5

    return [_attempt(complex, C(v)) for v in (1 + 2j, ComplexSub(3j), 1.5, 1, None)] + [
        _attempt(complex, F()), _attempt(complex, {})]


@case()
def v_dunders_set_to_none():
    class A:
        def __add__(self, o):
            return "A.add"

        def __eq__(self, o):
            return "A.eq"

    class B(A):
        __iadd__ = None

    class C(A):
        __add__ = None

    class D(A):
        __radd__ = None
        __lt__ = None

    class E(A):
        __eq__ = None

    def attempt(fn):
        try:
            return fn()
        except TypeError as e:
            return str(e)

    def iadd():
        x = B()
        x += 1
        return x

    return [attempt(f) for f in (iadd, lambda: C() + 1, lambda: 1 + C(), lambda: 1 + D(),
                                 lambda: D() < 1, lambda: 1 > D(), lambda: E() == 1,
                                 lambda: E() != 1, lambda: A() == E())]


@case()
def v_none_compared_with_instances():
    class Cmp:
        def __init__(self, arg):
            self.arg = arg

        def __eq__(self, other):
            return self.arg == other

    vals = [2, 2.0, 2 + 0j, Cmp(2.0), [1], (3,), None]
    return [(a != b, a == b) for a in vals for b in vals]


@case()
def v_sequence_iterator_protocol():
    import pickle

    class Seq:
        def __getitem__(self, i):
            if i >= 5:
                raise IndexError
            return i * i

        def __len__(self):
            return 5

    it = iter(Seq())
    first = next(it)
    hint = it.__length_hint__()
    it.__setstate__(3)
    rest = pickle.loads(pickle.dumps(it))
    return first, hint, list(rest), list(it), it.__reduce__()[1:]


@case()
def v_function_builtins_from_caller():
    src = "def g(s): pass\nh = type(g)(g.__code__, {})\n"
    safe = {"None": None}
    ns = {"type": type, "__builtins__": safe}
    exec(src, ns)
    return ns["h"].__builtins__ is safe, ns["g"].__builtins__ is safe


@case.parametrize()
def test_conformance(fn, args, kwargs):
    assert_same(fn, *args, **kwargs)
