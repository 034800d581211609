"""scipy's compiled functions without derivative rules, given a
differentiable value: each raises NonDifferentiableError naming the
function (or, for a callback run from Fortran, the compiled caller and the
Python function it ran) and the user's line; never a silently wrong (or
zero) gradient."""
import numpy as np
import pytest

import bcad

scipy = pytest.importorskip("scipy")
import scipy.integrate as si  # noqa: E402
import scipy.interpolate as sint  # noqa: E402
import scipy.linalg as sl  # noqa: E402
import scipy.ndimage as nd  # noqa: E402
import scipy.signal as ss  # noqa: E402
import scipy.spatial.distance as sd  # noqa: E402
import scipy.special as sp  # noqa: E402
from scipy.linalg import lapack  # noqa: E402

X = np.array([[1.0, 2.0], [3.0, 4.5]])

# (call of a 2x2 array x, what the message must name)
CASES = {
    "special.struve": (lambda x: sp.struve(1.0, x), r"struve\(\)"),
    "special.struve-order": (lambda x: sp.struve(x, 1.0), r"struve\(\)"),
    "lapack.dgetrf": (lambda x: lapack.dgetrf(x)[0], r"dgetrf\(\)"),
    "get_lapack_funcs": (lambda x: sl.get_lapack_funcs("getrf", (x,))(x)[0], r"dgetrf\(\)"),
    "linalg.solve-assume_a": (lambda x: sl.solve(x @ x.T + np.eye(2), np.ones(2),
                                                 assume_a="tridiagonal"),
                              r"solve\(\).*assume_a='tridiagonal'"),
    "linalg.solve-overwrite": (lambda x: sl.solve(np.asfortranarray(x * 1.0), np.ones(2),
                                                  overwrite_a=True), r"solve\(\).*overwrite_a"),
    "linalg.sqrtm": (lambda x: sl.sqrtm(x @ x.T + np.eye(2)), r"sqrtm"),
    "linalg.qr": (lambda x: sl.qr(x)[1], r"_qr\(\)|geqrf\(\)"),   # (scipy >= 1.18 | older)
    "linalg.logm": (lambda x: np.real(sl.logm(x @ x.T + np.eye(2))), r"dgees\(\)"),
    # the integrand is called back from Fortran (QUADPACK): bcad cannot see it
    "integrate.quad-closure": (lambda x: si.quad(lambda t: x[0, 0] * t ** 2, 0.0, 1.0)[0],
                               r"_qagse\(\) ran the Python function"),
    "integrate.quad-args": (lambda x: si.quad(lambda t, a: a * t ** 2, 0.0, 1.0,
                                              args=(x[0, 0],))[0],
                            r"_qagse\(\) ran the Python function"),
    "integrate.odeint": (lambda x: si.odeint(lambda y, t: -x[0, 0] * y, 1.0, [0.0, 1.0])[-1],
                         r"odeint\(\) ran the Python function"),
    # (sqeuclidean, euclidean and cityblock have rules: bcad/rules/scipy/spatial.py;
    # the other metrics are refused at their compiled kernel)
    "spatial.distance.cdist": (lambda x: sd.cdist(x, x, "minkowski", p=3),
                               r"cdist_minkowski\(\)"),
    "spatial.distance.pdist": (lambda x: sd.pdist(x, "chebyshev"), r"pdist_chebyshev"),
    "signal.lfilter-iir": (lambda x: ss.lfilter([1.0], [1.0, -0.5], x[0]), r"_linear_filter\(\)"),
    "signal.sosfilt": (lambda x: ss.sosfilt([[1.0, 0, 0, 1.0, -0.5, 0]], x[0]), r"sosfilt"),
    "ndimage.gaussian_filter": (lambda x: nd.gaussian_filter(x, 1.0), r"correlate1d\(\)"),
    "interpolate.splrep": (lambda x: sint.splev(0.3, sint.splrep([0.0, 1.0, 2.0, 3.0],
                                                                 np.r_[x[0], 1.0, 2.0])),
                           r"curfit\(\)"),
    # not-a-knot: solve(..., overwrite_a=True) in scipy's code (a clear refusal)
    "interpolate.CubicSpline": (lambda x: sint.CubicSpline([0.0, 1.0, 2.0], np.r_[x[0], 1.0])(0.3),
                                r"solve\(\)|solve_banded"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_refused(name):
    call, names = CASES[name]
    with pytest.raises(bcad.NonDifferentiableError, match=names) as e:
        bcad.grad(lambda x: float(np.sum(np.abs(call(x)))))(X.copy())
    assert "test_scipy_refusals.py" in str(e.value)     # the user's file:line


def test_quad_never_silently_zero():
    # the value does depend on a: a zero gradient would be silently wrong
    f = lambda a: si.quad(lambda t: a * t ** 2, 0.0, 1.0)[0]   # noqa: E731
    assert f(2.0) != f(3.0)
    with pytest.raises(bcad.NonDifferentiableError, match="natively"):
        bcad.grad(f)(2.0)


@pytest.mark.parametrize("f, expected", [
    # FIR filters (a = [a0]) are numpy code in scipy: interpreted, right
    (lambda x: np.sum(ss.lfilter([1.0, 0.3], [2.0], x)), [0.65, 0.65, 0.65, 0.5]),
    (lambda x: np.sum(ss.lfilter(x[:2], [1.0], np.ones(3))), [3.0, 2.0, 0.0, 0.0]),
])
def test_lfilter_fir_interpreted(f, expected):
    x = np.array([1.0, 2.0, 0.5, -1.0])
    np.testing.assert_allclose(bcad.grad(lambda x: float(f(x)))(x), expected, atol=1e-12)


def test_linprog_of_a_differentiable_cost_is_refused():
    """HiGHS is C++ behind pybind11 (whose callables are unhashable: the
    boundary once failed with a TypeError of its own there)."""
    import scipy.optimize as so

    def f(c):
        return so.linprog([c, 1.0], bounds=[(0, 1), (0, 1)]).fun
    with pytest.raises(bcad.NonDifferentiableError):
        bcad.grad(f)(0.3)
