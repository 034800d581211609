"""numpy's override protocols (__array_ufunc__, __array_function__) with
differentiable values: the override's Python code is interpreted.

Before numpy_overrides.py, `x * unit` with a class like pint's Unit (whose
__array_ufunc__ numpy calls from C) applied np.multiply's rule to a call
that never multiplied `x`: a silent zero gradient.
"""
import numpy as np
import pytest

import bcad
from bcad.errors import NonDifferentiableError
from tests.support import fd_grad


class Tagged:
    """A unit-like wrapper: numpy hands every ufunc to its __array_ufunc__."""
    def __init__(self, value, tag="m"):
        self.value, self.tag = value, tag

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        raw = [i.value if isinstance(i, Tagged) else i for i in inputs]
        if "out" in kwargs:
            kwargs["out"] = tuple(o.value if isinstance(o, Tagged) else o for o in kwargs["out"])
        return Tagged(getattr(ufunc, method)(*raw, **kwargs), self.tag)


class Unit:
    """Like pint's Unit: a ufunc with it is redone with a wrapped 1."""
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method != "__call__" or ufunc is not np.multiply:
            return NotImplemented
        return ufunc(*(Tagged(1.0) if i is self else i for i in inputs), **kwargs)


class Declines:
    __array_ufunc__ = None

    def __mul__(self, other):
        return other * 3.0

    __rmul__ = __mul__


class Wrapped:
    def __init__(self, data):
        self.data = data

    def __array_function__(self, func, types, args, kwargs):
        args = tuple(a.data if isinstance(a, Wrapped) else a for a in args)
        return func(*args, **kwargs) * 2.0


class NoOverride:
    def __rmul__(self, other):
        return other * 5.0


def value(r):
    return r.value if isinstance(r, Tagged) else r


CASES = {
    "array * unit": lambda p: value(p * Unit()).sum(),
    "unit * array": lambda p: value(Unit() * p).sum(),
    "numpy scalar * unit": lambda p: value(p[0] * Unit()) * p[1],
    "np.multiply(array, unit)": lambda p: value(np.multiply(p, Unit())).sum(),
    "np.sin(wrapper)": lambda p: value(np.sin(Tagged(p))).sum(),
    "wrapper ** 2 via ufunc": lambda p: value(np.power(Tagged(p), 2.0)).sum(),
    "array + wrapper": lambda p: value(p + Tagged(p * p)).sum(),
    "np.add.reduce(wrapper)": lambda p: value(np.add.reduce(Tagged(p * p), 0)),
    "np.multiply.accumulate": lambda p: value(np.multiply.accumulate(Tagged(p))).sum(),
    "__array_ufunc__ = None defers": lambda p: (p * Declines()).sum() + (Declines() * p).sum(),
    "np.sum(__array_function__)": lambda p: np.sum(Wrapped(p * p)),
    "np.dot(__array_function__)": lambda p: np.dot(Wrapped(p), p),
}


@pytest.mark.parametrize("name", CASES)
def test_gradient_through_override(name):
    f = CASES[name]
    p = np.array([1.5, -0.7, 2.0])
    assert np.allclose(bcad.value_and_grad(f)(p)[0], f(p))
    assert np.allclose(bcad.grad(f)(p), fd_grad(f, p), rtol=1e-6, atol=1e-8)


def test_inplace_operator_hands_out_to_override():
    def f(p):
        a = p * 1.0
        a *= Unit()
        return value(a).sum() if isinstance(a, Tagged) else a.sum()
    p = np.array([1.0, 2.0])
    assert np.allclose(bcad.grad(f)(p), fd_grad(f, p))


def test_errors_are_numpys():
    p = np.array([1.0, 2.0])
    with pytest.raises(TypeError, match="does not support ufuncs"):
        bcad.grad(lambda p: np.multiply(p, Declines()).sum())(p)

    class Never:
        def __array_ufunc__(self, *a, **k):
            return NotImplemented
    with pytest.raises(TypeError, match="all returned NotImplemented"):
        bcad.grad(lambda p: np.add(p, Never()))(p)


def test_operand_without_override_is_no_rule_case():
    # numpy runs NoOverride.__rmul__ from C for each element of an object
    # array: bcad cannot see it, and np.multiply's rule does not apply.
    with pytest.raises(NonDifferentiableError, match="NoOverride.__rmul__"):
        bcad.grad(lambda p: (p * NoOverride()).sum())(np.array([1.0, 2.0]))


def test_override_sees_numpy_arguments_in_order():
    seen = []

    class Spy:
        def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
            seen.append((ufunc.__name__, method, len(inputs), sorted(kwargs)))
            return NotImplemented if ufunc is np.subtract else 1.0

    def f(p):
        np.add(p, Spy())
        np.add.reduce(Spy(), 0, None)
        try:
            np.subtract(Spy(), p)
        except TypeError:
            pass
        return p.sum()
    bcad.grad(f)(np.array([1.0]))
    native = list(seen)
    seen.clear()
    f(np.array([1.0]))
    assert native == seen == [("add", "__call__", 2, []), ("add", "reduce", 1, ["axis", "dtype"]),
                              ("subtract", "__call__", 2, [])]
