"""scipy.special: its functions are numpy ufuncs, so an array rule covers
`f(x)`, broadcasting, `out=` and the operators' dtype rules.  Derivatives as
in autograd's scipy rules and DLMF; an argument a function is not
differentiable in (a Bessel order, polygamma's n, zeta's s) is refused
when a differentiable value is passed there (never a silent zero)."""
import numpy as np
import scipy.special as sp

from ...transforms.context import CTX
from ..numpy import defarray, defzero_array, unbroadcast, conj

_SQRT_PI = np.sqrt(np.pi)
_SQRT_2PI = np.sqrt(2 * np.pi)


def _holds_tracked(x):
    tape = CTX.tape
    if tape is None:
        return False
    if id(x) in tape.ids:
        return True
    if type(x) in (list, tuple):
        return any(_holds_tracked(e) for e in x)
    return False


def _fixed(*positions, what="this argument"):
    """check(): refuse a differentiable value at `positions`."""
    def check(args, kwargs):
        for i in positions:
            if i < len(args) and _holds_tracked(args[i]):
                return f"its derivative in {what} (argument {i}) has no rule"
        return None
    return check


def _arr(x):
    """A list or tuple argument (sp.erf([[...]])) as the array the ufunc made
    of it: the formulas' arithmetic (`-x`, `2 * x`, `x + y`) is numpy's."""
    return np.asarray(x) if type(x) in (list, tuple) else x


def _unary(f, d, save=(0,)):
    """d(g, ans, x): the cotangent of x before unbroadcasting."""
    defarray(f, lambda g, ans, args, kwargs: (unbroadcast(args[0], d(g, ans, _arr(args[0]))),)
             + (None,) * (len(args) - 1 + len(kwargs)), save=save, name=f"scipy.special.{f.__name__}")


def _binary(f, dx, dy, check=None, save=True):
    def vjp(g, ans, args, kwargs):
        x, y = _arr(args[0]), _arr(args[1])
        cx = None if dx is None else unbroadcast(x, dx(g, ans, x, y))
        cy = None if dy is None else unbroadcast(y, dy(g, ans, x, y))
        return (cx, cy) + (None,) * (len(args) - 2 + len(kwargs))
    defarray(f, vjp, save=save, check=check, name=f"scipy.special.{f.__name__}")


# -- gamma family ---------------------------------------------------------------
_unary(sp.gammaln, lambda g, a, x: g * sp.digamma(x))
_unary(sp.gamma, lambda g, a, x: g * a * sp.digamma(x), save=True)
_unary(sp.rgamma, lambda g, a, x: -g * a * sp.digamma(x), save=True)
_unary(sp.digamma, lambda g, a, x: g * sp.polygamma(1, x))
_unary(sp.loggamma, lambda g, a, x: g * conj(sp.digamma(x)))
_binary(sp.betaln, lambda g, a, x, y: g * (sp.digamma(x) - sp.digamma(x + y)),
        lambda g, a, x, y: g * (sp.digamma(y) - sp.digamma(x + y)))
_binary(sp.beta, lambda g, a, x, y: g * a * (sp.digamma(x) - sp.digamma(x + y)),
        lambda g, a, x, y: g * a * (sp.digamma(y) - sp.digamma(x + y)))
# zeta(s, q): d/dq = -s zeta(s + 1, q); none in s (polygamma(n, x) reaches it).
_binary(sp.zeta, None, lambda g, a, s, q: -g * s * sp.zeta(s + 1, q),
        check=_fixed(0, what="s"))
_binary(sp.gammainc, None, lambda g, a, s, x: g * np.exp(-x + (s - 1) * np.log(x) - sp.gammaln(s)),
        check=_fixed(0, what="the shape a"))
_binary(sp.gammaincc, None,
        lambda g, a, s, x: -g * np.exp(-x + (s - 1) * np.log(x) - sp.gammaln(s)),
        check=_fixed(0, what="the shape a"))

# poch(z, m) = gamma(z + m) / gamma(z) (scipy.stats.t.logpdf in its df)
_binary(sp.poch, lambda g, a, z, m: g * a * (sp.digamma(z + m) - sp.digamma(z)),
        lambda g, a, z, m: g * a * sp.digamma(z + m))


def _beta_density(a, b, x):
    """d/dx of the regularized incomplete beta function I_x(a, b)."""
    return np.exp((a - 1) * np.log(x) + (b - 1) * np.log1p(-x) - sp.betaln(a, b))


def _incomplete_beta(f, sign):
    """betainc(a, b, x) / betaincc(a, b, x): a rule in x (scipy.stats' t and
    F distributions' cdf, pearsonr's p-value); none in the shapes a, b."""
    def vjp(g, ans, args, kwargs):
        a, b, x = (_arr(v) for v in args[:3])
        return (None, None, unbroadcast(x, sign * g * _beta_density(a, b, x))) + \
            (None,) * (len(args) - 3 + len(kwargs))
    defarray(f, vjp, save=True, check=_fixed(0, 1, what="the shapes a, b"),
             name=f"scipy.special.{f.__name__}")


_incomplete_beta(sp.betainc, 1.0)
_incomplete_beta(sp.betaincc, -1.0)
# stdtr(df, t), Student's t cdf (scipy.stats.t.cdf): d/dt is the t density.
_binary(sp.stdtr, None, lambda g, a, df, t: g * np.exp(
    sp.gammaln((df + 1) / 2) - sp.gammaln(df / 2) - 0.5 * np.log(df * np.pi)
    - (df + 1) / 2 * np.log1p(t * t / df)), check=_fixed(0, what="the degrees of freedom"))

# -- error functions and the normal distribution ----------------------------------
_unary(sp.erf, lambda g, a, x: g * conj(2 / _SQRT_PI * np.exp(-x * x)))
_unary(sp.erfc, lambda g, a, x: -g * conj(2 / _SQRT_PI * np.exp(-x * x)))
_unary(sp.erfcx, lambda g, a, x: g * (2 * x * a - 2 / _SQRT_PI), save=True)
_unary(sp.erfinv, lambda g, a, x: g * _SQRT_PI / 2 * np.exp(a * a), save=("ans",))
_unary(sp.erfcinv, lambda g, a, x: -g * _SQRT_PI / 2 * np.exp(a * a), save=("ans",))
_unary(sp.ndtr, lambda g, a, x: g * np.exp(-0.5 * x * x) / _SQRT_2PI)
_unary(sp.log_ndtr, lambda g, a, x: g * np.exp(-0.5 * x * x - a) / _SQRT_2PI, save=True)
_unary(sp.ndtri, lambda g, a, x: g * _SQRT_2PI * np.exp(0.5 * a * a), save=("ans",))
_unary(sp.wofz, lambda g, a, z: g * conj(-2 * z * a + 2j / _SQRT_PI), save=True)

# -- logistic -------------------------------------------------------------------
_unary(sp.expit, lambda g, a, x: g * a * (1 - a), save=("ans",))
_unary(sp.logit, lambda g, a, x: g / (x * (1 - x)))
_unary(sp.log_expit, lambda g, a, x: g * sp.expit(-x))

# -- x log y, entropies -------------------------------------------------------------


def _where_x(x, value):
    """`value` where x != 0, else 0 (x log y is 0 at x = 0 for every y)."""
    return np.where(np.asarray(x) == 0, 0.0, value)


_binary(sp.xlogy, lambda g, a, x, y: g * _where_x(x, np.log(np.where(np.asarray(x) == 0, 1, y))),
        lambda g, a, x, y: g * _where_x(x, x / np.where(np.asarray(y) == 0, 1, y)))
_binary(sp.xlog1py, lambda g, a, x, y: g * _where_x(x, np.log1p(y)),
        lambda g, a, x, y: g * _where_x(x, x / np.where(np.asarray(y) == -1, 1, 1 + y)))
_unary(sp.entr, lambda g, a, x: g * np.where(np.asarray(x) > 0, -np.log(np.where(
    np.asarray(x) > 0, x, 1)) - 1, np.where(np.asarray(x) == 0, np.inf, np.nan)))
_binary(sp.rel_entr, lambda g, a, x, y: g * _where_x(x, np.log(x / y) + 1),
        lambda g, a, x, y: g * _where_x(x, -x / y))
_binary(sp.kl_div, lambda g, a, x, y: g * _where_x(x, np.log(x / y)),
        lambda g, a, x, y: g * (1 - x / y))

# -- Bessel functions ---------------------------------------------------------------
_unary(sp.i0, lambda g, a, x: g * sp.i1(x))
_unary(sp.i0e, lambda g, a, x: g * (sp.i1e(x) - np.sign(x) * a), save=True)
_unary(sp.i1, lambda g, a, x: g * np.where(np.asarray(x) == 0, 0.5,
                                           sp.i0(x) - a / np.where(np.asarray(x) == 0, 1, x)),
       save=True)
_unary(sp.i1e, lambda g, a, x: g * np.where(
    np.asarray(x) == 0, 0.5, sp.i0e(x) - a * (np.sign(x) + 1 / np.where(np.asarray(x) == 0, 1,
                                                                          x))), save=True)
_unary(sp.j0, lambda g, a, x: -g * sp.j1(x))
_unary(sp.y0, lambda g, a, x: -g * sp.y1(x))
_unary(sp.j1, lambda g, a, x: g * 0.5 * (sp.j0(x) - sp.jv(2, x)))
_unary(sp.y1, lambda g, a, x: g * 0.5 * (sp.y0(x) - sp.yv(2, x)))
for _f, _p in ((sp.jv, lambda v, x: 0.5 * (sp.jv(v - 1, x) - sp.jv(v + 1, x))),
               (sp.yv, lambda v, x: 0.5 * (sp.yv(v - 1, x) - sp.yv(v + 1, x))),
               (sp.iv, lambda v, x: 0.5 * (sp.iv(v - 1, x) + sp.iv(v + 1, x))),
               (sp.kv, lambda v, x: -0.5 * (sp.kv(v - 1, x) + sp.kv(v + 1, x)))):
    _binary(_f, None, (lambda p: lambda g, a, v, x: g * p(v, x))(_p),
            check=_fixed(0, what="the order v"))
_unary(sp.k0, lambda g, a, x: -g * sp.k1(x))
_unary(sp.k1, lambda g, a, x: -g * (sp.k0(x) + a / x), save=True)
_unary(sp.k0e, lambda g, a, x: g * (a - sp.k1e(x)), save=True)
_unary(sp.k1e, lambda g, a, x: g * (a * (1 - 1 / x) - sp.k0e(x)), save=True)

# -- elementary functions scipy.special has its own versions of ---------------------
_unary(sp.log1p, lambda g, a, x: g * conj(1 / (1 + x)))
_unary(sp.expm1, lambda g, a, x: g * conj(a + 1), save=("ans",))
_unary(sp.cbrt, lambda g, a, x: g / (3 * a * a), save=("ans",))
_unary(sp.cosm1, lambda g, a, x: -g * np.sin(x))
_unary(sp.exp2, lambda g, a, x: g * a * np.log(2.0), save=("ans",))
_unary(sp.exp10, lambda g, a, x: g * a * np.log(10.0), save=("ans",))
# exprel(x) = (e^x - 1) / x, d/dx = (x e^x - e^x + 1) / x^2, 1/2 at 0
_unary(sp.exprel, lambda g, a, x: g * np.where(
    np.asarray(x) == 0, 0.5, (np.exp(x) - a) / np.where(np.asarray(x) == 0, 1, x)), save=True)
_unary(sp.erfi, lambda g, a, x: g * conj(2 / _SQRT_PI * np.exp(x * x)))
# (no rule for dawsn: it is the worked example of docs/rules.md and
# examples/custom_rule.py, a function users give a rule themselves)
_unary(sp.exp1, lambda g, a, x: -g * conj(np.exp(-x) / x))
_unary(sp.expi, lambda g, a, x: g * conj(np.exp(x) / x))
# spence(z) = integral from 1 to z of log(t) / (1 - t)
_unary(sp.spence, lambda g, a, z: g * conj(np.log(z) / (1 - z)))
# ellipk(m) = K(m): dK/dm = (E(m) - (1 - m) K(m)) / (2 m (1 - m))
_unary(sp.ellipk, lambda g, a, m: g * (sp.ellipe(m) - (1 - m) * a) / (2 * m * (1 - m)),
       save=True)
_unary(sp.ellipe, lambda g, a, m: g * (a - sp.ellipk(m)) / (2 * m), save=True)
# expn(n, x): d/dx = -expn(n - 1, x) (n an integer order, no derivative)
_binary(sp.expn, None, lambda g, a, n, x: -g * np.where(np.asarray(n) == 0,
                                                         a * (1 + 1 / x), sp.expn(np.maximum(
                                                             np.asarray(n) - 1, 0), x)),
        check=_fixed(0, what="the order n"))
# binom(n, k) = Gamma(n + 1) / (Gamma(k + 1) Gamma(n - k + 1))
_binary(sp.binom, lambda g, a, n, k: g * a * (sp.digamma(n + 1) - sp.digamma(n - k + 1)),
        lambda g, a, n, k: g * a * (sp.digamma(n - k + 1) - sp.digamma(k + 1)))
# Huber losses (in r; delta is a constant of the loss)
_binary(sp.huber, None, lambda g, a, d, r: g * np.clip(r, -d, d),
        check=_fixed(0, what="delta"))
_binary(sp.pseudo_huber, None, lambda g, a, d, r: g * r / np.sqrt(1 + (r / d) ** 2),
        check=_fixed(0, what="delta"))
# Box-Cox (in x; the exponent lmbda is refused)
_binary(sp.boxcox, lambda g, a, x, lm: g * np.where(np.asarray(lm) == 0, 1 / x,
                                                    np.power(x, lm - 1)),
        None, check=_fixed(1, what="lmbda"))
_binary(sp.boxcox1p, lambda g, a, x, lm: g * np.where(np.asarray(lm) == 0, 1 / (1 + x),
                                                      np.power(1 + x, lm - 1)),
        None, check=_fixed(1, what="lmbda"))
def _inv_boxcox_dy(g, a, y, lm):
    lm = np.asarray(lm, dtype=float)
    safe = np.where(lm == 0, 1.0, lm)
    return g * np.where(lm == 0, a, np.power(1 + safe * y, 1 / safe - 1))


_binary(sp.inv_boxcox, _inv_boxcox_dy, None, check=_fixed(1, what="lmbda"))
# chdtr(v, x) = gammainc(v/2, x/2); gdtr(a, b, x) = gammainc(b, a x); pdtr(k, m) = gammaincc(k+1, m)
_binary(sp.chdtr, None, lambda g, a, v, x: g * np.exp(
    (v / 2 - 1) * np.log(x / 2) - x / 2 - sp.gammaln(v / 2)) / 2,
        check=_fixed(0, what="the degrees of freedom"))
_binary(sp.chdtrc, None, lambda g, a, v, x: -g * np.exp(
    (v / 2 - 1) * np.log(x / 2) - x / 2 - sp.gammaln(v / 2)) / 2,
        check=_fixed(0, what="the degrees of freedom"))
_binary(sp.pdtr, None, lambda g, a, k, m: -g * np.exp(
    np.floor(k) * np.log(m) - m - sp.gammaln(np.floor(k) + 1)),
        check=_fixed(0, what="k"))
# Piecewise constant in every argument: no gradient.
defzero_array(sp.round, sp.gammasgn)
