"""uncertainties (linear error propagation): its AffineScalarFunc and
Variable classes carry first derivatives forward in Python dicts; bcad
differentiates through that machinery, so the propagated standard deviation
(or a propagated partial derivative: a second derivative) is differentiated
with respect to an input's value or uncertainty.  Checked against central
finite differences and closed forms."""
import math

import numpy as np
import pytest

import bcad
from bcad import NonDifferentiableError
from tests.support import fd_grad

unc = pytest.importorskip("uncertainties")
from uncertainties import ufloat, umath, correlated_values, covariance_matrix  # noqa: E402
from uncertainties import unumpy  # noqa: E402


def fd(f, x):
    return fd_grad(lambda y: f(float(y)), x)[()]


def pendulum_g_std(sigma_L):
    """g = 4 pi^2 L / T^2 from a measured length and period."""
    L = ufloat(1.2, sigma_L)
    T = ufloat(2.2, 0.01)
    g = 4 * math.pi ** 2 * L / T ** 2
    return g.std_dev


def product_std(sigma_a):
    a = ufloat(2.0, sigma_a)
    b = ufloat(3.0, 0.2)
    c = a * b + umath.sin(a)
    return c.std_dev


def nominal_value(x):
    a = ufloat(x, 0.1)
    b = ufloat(1.5, 0.2)
    return (a ** 2 / b + umath.exp(a)).nominal_value


def relative_error_of_a_ratio(x):
    """std_dev/nominal of x/y with a value-dependent uncertainty."""
    a = ufloat(x, 0.05 * x + 0.01)
    b = ufloat(4.0, 0.3)
    r = umath.log(a / b + 1.0)
    return r.s / r.n


def second_derivative_via_derivatives(x):
    """The partial derivative uncertainties propagated, as a function of x:
    its gradient is f''(x)."""
    a = ufloat(x, 0.1)
    f = umath.sin(a) * a ** 3
    return f.derivatives[a]


CASES = {
    "pendulum g std": (pendulum_g_std, 0.01,
                       lambda s: (4 * math.pi ** 2 / 2.2 ** 2) ** 2 * s / pendulum_g_std(s)),
    "product std": (product_std, 0.1, None),
    "nominal value": (nominal_value, 0.7, lambda x: 2 * x / 1.5 + math.exp(x)),
    "relative error": (relative_error_of_a_ratio, 2.5, None),
    "f'' from .derivatives": (second_derivative_via_derivatives, 0.8,
                              lambda x: -math.sin(x) * x ** 3 + 6 * math.cos(x) * x ** 2
                              + 6 * x * math.sin(x)),
}


@pytest.mark.parametrize("name", CASES)
def test_propagation(name):
    f, x, closed = CASES[name]
    value, g = bcad.value_and_grad(f)(x)
    assert value == f(x)
    assert g != 0
    assert math.isclose(g, fd(f, x), rel_tol=1e-6)
    if closed is not None:
        assert math.isclose(g, closed(x), rel_tol=1e-10)


def correlated_product_std(var_a):
    """correlated_values from a covariance matrix (numpy in, Variables out)."""
    a, b = correlated_values([1.0, 2.0], np.array([[var_a, 0.01], [0.01, 0.04]]))
    return (a * b).std_dev


def test_correlated_values():
    v = 0.09
    value, g = bcad.value_and_grad(correlated_product_std)(v)
    assert value == correlated_product_std(v)
    # var(ab) = b^2 var_a + a^2 var_b + 2ab cov -> d std / d var_a = b^2 / (2 std)
    assert math.isclose(g, 2.0 ** 2 / (2 * value), rel_tol=1e-6)
    assert math.isclose(g, fd(correlated_product_std, v), rel_tol=1e-6)


def test_covariance_matrix_of_derived_quantities():
    def f(p):
        x = ufloat(p[0], p[1])
        y = ufloat(p[2], 0.3)
        u, v = x + y, x * y
        C = np.array(covariance_matrix([u, v]))
        return C[0, 1] + 0.5 * C[1, 1]
    p = np.array([1.5, 0.2, -0.7])
    value, g = bcad.value_and_grad(f)(p)
    assert value == f(p)
    np.testing.assert_allclose(g, fd_grad(f, p), rtol=1e-6, atol=1e-9)


def test_unumpy_arrays_are_a_clear_refusal():
    # unumpy builds object arrays with np.vectorize: numpy copies the
    # elements in C, so bcad refuses rather than lose the gradient.
    def f(s):
        xs = unumpy.uarray([1.0, 2.0, 3.0], [s, 0.1, 0.2])
        return xs.sum().std_dev
    with pytest.raises(NonDifferentiableError, match=r"object array.*test_uncertainties\.py:\d+"):
        bcad.grad(f)(0.3)


def test_wrapped_function_with_numerical_derivatives():
    """uncertainties.wrap of a plain function estimates its derivative by
    finite differences inside uncertainties: bcad differentiates that
    estimate (closed form 0.3 * 6x up to the estimate's own error; a
    step-1e-6 difference of it is noise, so the reference uses 1e-3)."""
    cube = unc.wrap(lambda t: t ** 3)

    def f(x):
        return cube(ufloat(x, 0.3)).s
    value, g = bcad.value_and_grad(f)(1.3)
    assert value == f(1.3)
    assert math.isclose(g, 0.3 * 6 * 1.3, rel_tol=1e-7)
    assert math.isclose(g, (f(1.3 + 1e-3) - f(1.3 - 1e-3)) / 2e-3, rel_tol=1e-6)
