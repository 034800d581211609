"""lmfit (curve fitting): Model, composite models, Parameters with bounds
and constraint expressions (evaluated by asteval, a Python interpreter of
its own), differentiated with respect to parameter values: the objective a
fit minimizes, its gradient for a gradient-based optimizer.  lmfit's classes
are interpreted unchanged.  Checked against central finite differences."""
import numpy as np
import pytest

import bcad
from bcad import NonDifferentiableError
from tests.support import fd_grad

lmfit = pytest.importorskip("lmfit")
from lmfit import Model, Parameters  # noqa: E402
from lmfit.models import GaussianModel, LinearModel, ExponentialModel  # noqa: E402

X = np.linspace(-5, 5, 41)
Y = 3.0 * np.exp(-(X - 0.5) ** 2 / (2 * 1.2 ** 2)) + 0.1 * X + 0.05 * np.sin(7 * X)


def composite_sse(p):
    """A built-in composite model (Gaussian peak on a line): sum of squares."""
    mod = GaussianModel(prefix="g_") + LinearModel(prefix="l_")
    pars = mod.make_params(g_amplitude=p[0], g_center=p[1], g_sigma=p[2], l_slope=p[3],
                           l_intercept=0.0)
    return float(np.sum((mod.eval(pars, x=X) - Y) ** 2))


def decay(x, a, b):
    return a * np.exp(-b * x)


def user_model_weighted(p):
    """A Model of the user's own function, its residual with weights."""
    m = Model(decay)
    pars = m.make_params(a=p[0], b=p[1])
    r = m._residual(pars, Y, np.full(X.shape, 2.0), x=X)
    return float(r @ r)


def sine_residual(params, x, data):
    v = params.valuesdict()
    return v["amp"] * np.sin(x * v["freq"] + v["shift"]) - data


def residual_norm_bounded(p):
    """Parameters with bounds (lmfit maps them through its own transform)."""
    params = Parameters()
    params.add("amp", value=p[0], min=0.0, max=10.0)
    params.add("freq", value=p[1], min=0.0)
    params.add("shift", value=p[2])
    r = sine_residual(params, X, Y)
    return float(r @ r)


def residual_norm_constrained(p):
    """shift is tied to freq by an expression: 'freq / 2 + 0.1'."""
    params = Parameters()
    params.add("amp", value=p[0])
    params.add("freq", value=p[1])
    params.add("shift", expr="freq / 2 + 0.1")
    return float(np.sum(sine_residual(params, X, Y) ** 2))


def guessed_start(p):
    """GaussianModel.guess from scaled data: amplitude and width estimates."""
    pars = GaussianModel().guess(Y * p[0], x=X)
    return pars["amplitude"].value + pars["sigma"].value


def exponential_model_sse(p):
    mod = ExponentialModel()
    pars = mod.make_params(amplitude=p[0], decay=p[1])
    return float(np.sum((mod.eval(pars, x=X + 6.0) - 2.0 * np.exp(-(X + 6.0) / 3.0)) ** 2))


CASES = {
    "Gaussian + Linear": (composite_sse, np.array([2.5, 0.3, 1.0, 0.2])),
    "Model(user function), weights": (user_model_weighted, np.array([2.0, 0.3])),
    "Parameters with bounds": (residual_norm_bounded, np.array([1.0, 2.0, 0.3])),
    "Parameters with expr": (residual_norm_constrained, np.array([1.0, 2.0])),
    "Model.guess": (guessed_start, np.array([1.0])),
    "ExponentialModel": (exponential_model_sse, np.array([1.5, 2.5])),
}


@pytest.mark.parametrize("name", CASES)
def test_objective_gradient(name):
    f, p = CASES[name]
    value, g = bcad.value_and_grad(f)(p)
    assert value == f(p)
    np.testing.assert_allclose(g, fd_grad(f, p), rtol=1e-6, atol=1e-8)
    assert np.all(g != 0)


def test_expression_constraint_carries_the_gradient():
    # d/dfreq includes the path through shift = freq / 2 + 0.1
    def by_hand(p):
        amp, freq = p
        return float(np.sum((amp * np.sin(X * freq + freq / 2 + 0.1) - Y) ** 2))
    p = np.array([1.0, 2.0])
    np.testing.assert_allclose(bcad.grad(residual_norm_constrained)(p), bcad.grad(by_hand)(p),
                               rtol=1e-12)


def test_gradient_drives_a_fit():
    """lmfit's Model as the objective of scipy.optimize with bcad's gradient
    reaches the fit lmfit's own least-squares finds."""
    so = pytest.importorskip("scipy.optimize")
    r = so.minimize(composite_sse, np.array([2.5, 0.3, 1.0, 0.2]), jac=bcad.grad(composite_sse),
                    method="BFGS")
    mod = GaussianModel(prefix="g_") + LinearModel(prefix="l_")
    pars = mod.make_params(g_amplitude=2.5, g_center=0.3, g_sigma=1.0, l_slope=0.2,
                           l_intercept=dict(value=0.0, vary=False))
    fit = mod.fit(Y, pars, x=X)
    ref = [fit.params[k].value for k in ("g_amplitude", "g_center", "g_sigma", "l_slope")]
    np.testing.assert_allclose(r.x, ref, rtol=1e-4, atol=1e-5)


def test_fit_itself_is_a_clear_refusal():
    # Model.fit runs MINPACK (C) calling the residual back natively: the
    # fitted values depend on the data through code bcad cannot follow.
    def fitted_center(shift):
        mod = GaussianModel()
        out = mod.fit(np.interp(X - shift, X, Y), mod.make_params(amplitude=3, center=0,
                                                                     sigma=1), x=X)
        return out.params["center"].value
    # (lmfit sets np.seterr(all="ignore") around MINPACK and restores it
    # only when it returns: errstate puts numpy's state back after the
    # refusal, for the tests that run later)
    with np.errstate(), pytest.raises(NonDifferentiableError,
                                      match=r"_lmdif.*Minimizer.__residual.*test_lmfit\.py:\d+"):
        bcad.grad(fitted_center)(0.2)
