"""scipy.special's rules (bcad/rules/scipy/special.py) against finite
differences, over shapes and dtypes; functions of scipy's Python layer
(logsumexp, softmax, polygamma) through them; refusals of the arguments
a function has no derivative in."""
import numpy as np
import pytest

import bcad
from bcad.testing import check_grads

sp = pytest.importorskip("scipy.special")

RNG = np.random.default_rng(0)
# Domains: "pos" (0.3, 3), "unit" (0.05, 0.95), "real" (-2, 2), "sym" (-0.9, 0.9)
DOMAINS = {"pos": (0.3, 3.0), "unit": (0.05, 0.95), "real": (-2.0, 2.0), "sym": (-0.9, 0.9)}


def sample(domain, shape, seed=0):
    lo, hi = DOMAINS[domain]
    return np.random.default_rng(seed).uniform(lo, hi, shape)


UNARY = [
    ("gammaln", sp.gammaln, "pos"), ("gamma", sp.gamma, "pos"), ("rgamma", sp.rgamma, "pos"),
    ("digamma", sp.digamma, "pos"), ("psi", sp.psi, "pos"), ("loggamma", sp.loggamma, "pos"),
    ("erf", sp.erf, "real"), ("erfc", sp.erfc, "real"), ("erfcx", sp.erfcx, "real"),
    ("erfinv", sp.erfinv, "sym"), ("erfcinv", sp.erfcinv, "unit"),
    ("ndtr", sp.ndtr, "real"), ("log_ndtr", sp.log_ndtr, "real"), ("ndtri", sp.ndtri, "unit"),
    ("expit", sp.expit, "real"), ("logit", sp.logit, "unit"), ("log_expit", sp.log_expit, "real"),
    ("entr", sp.entr, "pos"),
    ("i0", sp.i0, "real"), ("i1", sp.i1, "real"), ("i0e", sp.i0e, "real"), ("i1e", sp.i1e, "real"),
    ("j0", sp.j0, "real"), ("j1", sp.j1, "real"), ("y0", sp.y0, "pos"), ("y1", sp.y1, "pos"),
    ("k0", sp.k0, "pos"), ("k1", sp.k1, "pos"), ("k0e", sp.k0e, "pos"), ("k1e", sp.k1e, "pos"),
    ("log1p", sp.log1p, "pos"), ("expm1", sp.expm1, "real"), ("cbrt", sp.cbrt, "pos"),
    ("cosm1", sp.cosm1, "real"), ("exp2", sp.exp2, "real"), ("exp10", sp.exp10, "sym"),
    ("exprel", sp.exprel, "real"), ("erfi", sp.erfi, "real"),
    ("exp1", sp.exp1, "pos"), ("expi", sp.expi, "pos"), ("spence", sp.spence, "pos"),
    ("ellipk", sp.ellipk, "unit"), ("ellipe", sp.ellipe, "unit"),
]
BINARY = [
    ("betaln", sp.betaln, "pos", "pos"), ("beta", sp.beta, "pos", "pos"),
    ("xlogy", sp.xlogy, "real", "pos"), ("xlog1py", sp.xlog1py, "real", "pos"),
    ("rel_entr", sp.rel_entr, "pos", "pos"), ("kl_div", sp.kl_div, "pos", "pos"),
    ("poch", sp.poch, "pos", "pos"), ("binom", sp.binom, "pos", "unit"),
]
SHAPES = [(), (3,), (2, 3)]


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name, f, domain", UNARY, ids=[u[0] for u in UNARY])
def test_unary(name, f, domain, shape):
    x = sample(domain, shape)
    w = np.random.default_rng(1).uniform(0.5, 1.5, shape)
    check_grads(lambda x: np.sum(f(x) * w), (x,), order=1, rtol=1e-5)


@pytest.mark.parametrize("name, f, domain", UNARY[:6], ids=[u[0] for u in UNARY[:6]])
def test_unary_float32(name, f, domain):
    x = sample(domain, (4,)).astype(np.float32)
    g = bcad.grad(lambda x: np.sum(f(x)))(x)
    assert g.dtype == np.float32
    ref = bcad.grad(lambda x: np.sum(f(x)))(x.astype(np.float64))
    np.testing.assert_allclose(g, ref, rtol=1e-3)


@pytest.mark.parametrize("shapes", [((), ()), ((3,), (3,)), ((2, 3), (3,)), ((2, 1), (1, 3))],
                         ids=str)
@pytest.mark.parametrize("name, f, dx, dy", BINARY, ids=[b[0] for b in BINARY])
def test_binary(name, f, dx, dy, shapes):
    x, y = sample(dx, shapes[0], 2), sample(dy, shapes[1], 3)
    check_grads(lambda x, y: np.sum(f(x, y) ** 2), (x, y), order=1, rtol=1e-5)


def test_xlogy_at_zero():
    x = np.array([0.0, 0.5])
    gx, gy = bcad.grad(lambda x, y: np.sum(sp.xlogy(x, y)), argnums=(0, 1))(x, np.array([0.0, 2.0]))
    assert gy[0] == 0.0 and gy[1] == pytest.approx(0.25)


@pytest.mark.parametrize("f, first", [(sp.jv, 1.5), (sp.yv, 0.5), (sp.iv, 2.0), (sp.kv, 0.7),
                                      (sp.gammainc, 2.5), (sp.gammaincc, 1.3), (sp.zeta, 3.0),
                                      (sp.stdtr, 2.5), (sp.expn, 0.0), (sp.expn, 3.0),
                                      (sp.huber, 0.8), (sp.pseudo_huber, 0.8), (sp.chdtr, 3.0),
                                      (sp.chdtrc, 3.0), (sp.pdtr, 2.0)],
                         ids=["jv", "yv", "iv", "kv", "gammainc", "gammaincc", "zeta", "stdtr",
                              "expn0", "expn3", "huber", "pseudo_huber", "chdtr", "chdtrc",
                              "pdtr"])
def test_functions_of_a_fixed_first_argument(f, first):
    x = sample("pos", (3,)) + 0.5
    check_grads(lambda x: np.sum(f(first, x)), (x,), order=1, rtol=1e-5)
    with pytest.raises(bcad.NonDifferentiableError, match="argument 0"):
        bcad.grad(lambda a: float(np.sum(f(a, x))))(first)


def test_wofz():
    z = np.array([0.3 + 0.4j, -1.0 + 0.5j])
    check_grads(lambda re, im: np.sum(np.abs(sp.wofz(re + 1j * im)) ** 2),
                (z.real.copy(), z.imag.copy()), order=1)


@pytest.mark.parametrize("name", ["logsumexp", "logsumexp-axis", "softmax", "log_softmax",
                                  "polygamma", "multigammaln", "expit-out"])
def test_scipy_python_layer(name):
    x = sample("real", (2, 3))
    f = {"logsumexp": lambda x: float(sp.logsumexp(x)),
         "logsumexp-axis": lambda x: float(np.sum(sp.logsumexp(x, axis=1, b=2.0) ** 2)),
         "softmax": lambda x: float(np.sum(sp.softmax(x, axis=0) * np.arange(6.0).reshape(2, 3))),
         "log_softmax": lambda x: float(np.sum(sp.log_softmax(x) ** 2)),
         "polygamma": lambda x: float(np.sum(sp.polygamma(1, x + 3.0))),
         "multigammaln": lambda x: float(sp.multigammaln(x[0, 0] + 3.0, 2)),
         "expit-out": lambda x: float(np.sum(_expit_out(x)))}[name]
    check_grads(f, (x,), order=1)


def _expit_out(x):
    out = np.empty_like(x)
    sp.expit(x, out=out)
    return out * x


def test_a_function_without_a_rule_is_refused():
    with pytest.raises(bcad.NonDifferentiableError, match="struve"):
        bcad.grad(lambda x: float(sp.struve(1.0, x)))(0.7)


@pytest.mark.parametrize("name, f, domain", UNARY, ids=[u[0] for u in UNARY])
def test_unary_of_nested_lists(name, f, domain):
    # the ufunc makes an array of the list; the VJP's formula must too (`-x * x`
    # of a list raised; `2 * x` of a list repeats it)
    x = sample(domain, (2, 3))
    np.testing.assert_allclose(bcad.grad(lambda x: float(np.sum(f(x.tolist()))))(x),
                               bcad.grad(lambda x: float(np.sum(f(x))))(x), rtol=1e-12)


@pytest.mark.parametrize("name, f, dx, dy", BINARY, ids=[b[0] for b in BINARY])
def test_binary_of_lists(name, f, dx, dy):
    x, y = sample(dx, (3,)), sample(dy, (3,), seed=1)
    np.testing.assert_allclose(
        bcad.grad(lambda x, y: float(np.sum(f(list(x), list(y)))), argnums=(0, 1))(x, y),
        bcad.grad(lambda x, y: float(np.sum(f(x, y))), argnums=(0, 1))(x, y), rtol=1e-12)


@pytest.mark.parametrize("f", [sp.betainc, sp.betaincc], ids=["betainc", "betaincc"])
def test_incomplete_beta_in_x(f):
    """d/dx of I_x(a, b) is the beta density (negated for betaincc); the
    shapes a, b have no rule and refuse."""
    x = np.array([0.05, 0.3, 0.55, 0.9])
    for a, b in ((2.5, 1.5), (0.7, 3.0), (1.0, 1.0)):
        check_grads(lambda x: np.sum(f(a, b, x)), (x,), order=1, rtol=1e-5)
    with pytest.raises(bcad.NonDifferentiableError, match="argument 0"):
        bcad.grad(lambda a: float(np.sum(f(a, 2.0, x))))(1.5)
    with pytest.raises(bcad.NonDifferentiableError, match="argument 1"):
        bcad.grad(lambda b: float(np.sum(f(1.5, b, x))))(2.0)


@pytest.mark.parametrize("f", [sp.boxcox, sp.boxcox1p, sp.inv_boxcox],
                         ids=["boxcox", "boxcox1p", "inv_boxcox"])
@pytest.mark.parametrize("lmbda", [0.0, 0.5, -0.7])
def test_box_cox_in_x(f, lmbda):
    x = sample("unit", (4,))       # (1 + lmbda * x > 0 for inv_boxcox)
    check_grads(lambda x: np.sum(f(x, lmbda)), (x,), order=1, rtol=1e-5)
    with pytest.raises(bcad.NonDifferentiableError, match="argument 1"):
        bcad.grad(lambda lm: float(np.sum(f(x, lm))))(0.5)


def test_piecewise_constant_functions_have_no_gradient():
    x = np.array([0.4, 1.6, -2.2])
    np.testing.assert_array_equal(bcad.grad(lambda x: float(np.sum(sp.round(3 * x) + x)))(x),
                                  np.ones(3))
    np.testing.assert_array_equal(bcad.grad(lambda x: float(np.sum(sp.gammasgn(x) * x)))(x),
                                  sp.gammasgn(x))
