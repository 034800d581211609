"""Two false refusals that scipy's solve_ivp(t_eval=...) ran into, and the
refusals that must stay.

- np.searchsorted(t_eval, t) with a differentiable t (and np.argmax /
  np.argmin of a differentiable array) return numpy integer scalars:
  positions, piecewise constant, so no gradient is lost (rules with zero
  derivative, bcad/rules/numpy/ufuncs.py);
- a Python class built from arrays it is given unchanged (solve_ivp's
  OdeResult(t=ts, y=ys), a dict subclass, with ts a piece of the constant
  t_eval) holds those very objects, not copies.
"""
import numpy as np
import pytest

import bcad
from bcad.testing import check_grads

T_EVAL = np.linspace(0.0, 1.0, 5)
X = np.array([0.3, 2.5, -0.7])


@pytest.mark.parametrize("f", [
    lambda x: float(x[0] * np.searchsorted(T_EVAL, x[0])),
    lambda x: float(x[0] * np.searchsorted(T_EVAL, 0.13 * x[1], side="right")),
    lambda x: float(np.sum(x * np.searchsorted(T_EVAL, x))),
    lambda x: float(x[0] * np.searchsorted(np.sort(x), 0.4)),
    lambda x: float(x[np.argmax(x)] * x[np.argmin(x)]),
    lambda x: float(x[x.argmax()] - 2 * x[x.argmin()]),
    lambda x: float(np.sum(np.stack([x, -x])[np.argmax(np.stack([x, -x]), axis=0), [0, 1, 2]])),
], ids=["searchsorted-scalar", "searchsorted-side", "searchsorted-array", "searchsorted-self",
        "argmax-argmin", "methods", "argmax-axis"])
def test_integer_positions_carry_no_gradient(f):
    check_grads(f, (X.copy(),), order=1)


def test_a_bit_view_is_still_refused():
    # (a numpy integer scalar holding every bit of the value)
    with pytest.raises(bcad.NonDifferentiableError, match="view"):
        bcad.grad(lambda x: float(np.float64(x[0]).view(np.int64).view(np.float64)))(X.copy())
    with pytest.raises(bcad.NonDifferentiableError, match="int64"):
        bcad.grad(lambda x: float(x[0] * np.int64(x[1])))(X.copy())


class Result(dict):
    """Like scipy's OptimizeResult/OdeResult (scipy._lib._util._RichResult)."""
    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError as e:
            raise AttributeError(name) from e

    __setattr__ = dict.__setitem__

    def __repr__(self):
        return f"Result({sorted(self)})"


class OdeLikeResult(Result):
    pass


def test_class_built_from_what_it_is_given():
    def f(x):
        r = OdeLikeResult(t=np.hstack([T_EVAL[1:2], T_EVAL[2:3]]), y=x * 2.0, n=3)
        return float(np.sum(r.t * r.y))
    check_grads(f, (X[:2].copy(),), order=1)


def test_class_holding_a_copy_is_still_refused():
    class Copying(dict):
        def __init__(self, y):
            super().__init__(y=np.array(y.tolist()))
    def f(x):
        return float(np.sum(Copying(x * 2.0)["y"]))
    with pytest.raises(bcad.NonDifferentiableError):
        bcad.grad(f)(X.copy())


def test_solve_ivp_with_t_eval():
    integrate = pytest.importorskip("scipy.integrate")

    def rhs(t, y, p):
        return np.array([p[0] * y[0] - p[1] * y[0] * y[1], p[2] * y[0] * y[1] - p[3] * y[1]])

    t_eval = np.linspace(0.0, 3.0, 7)

    def loss(p):
        sol = integrate.solve_ivp(rhs, (0.0, 3.0), np.array([1.0, 1.0]), args=(p,),
                                  t_eval=t_eval, rtol=1e-8, atol=1e-10)
        assert np.array_equal(sol.t, t_eval)
        return float(np.sum(sol.y ** 2))
    check_grads(loss, (np.array([1.5, 1.0, 3.0, 1.0]),), order=1, rtol=1e-5)
