"""Rules for the `math` module (real arguments)."""
import math

from . import defvjp, defvjp_general, defvjp_multi, defzero, kw_cts, cj, div

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


# B_2k / (2k) for k = 1..7 (the asymptotic series of digamma).
_PSI_SERIES = (1.0 / 12, -1.0 / 120, 1.0 / 252, -1.0 / 240, 1.0 / 132, -691.0 / 32760, 1.0 / 12)


def digamma(x):
    """psi(x) = d lgamma(x)/dx (= gamma'(x)/gamma(x)), to a few ulps.

    Recurrence psi(x) = psi(x + 1) - 1/x up to x >= 10, then the asymptotic
    series to B_14 (next term < 5e-17 there), the terms added by fsum;
    reflection for x < 0 with the cotangent of the exact distance to the
    nearest integer.
    """
    if x != x:
        return x
    if x <= 0:
        if x == -math.inf or x == math.floor(x):
            return math.nan                  # a pole (or no limit at -inf)
        # psi(x) = psi(1 - x) - pi cot(pi x); cot has period 1, and
        # d = x - round(x) is exact (Sterbenz), which keeps pi * d accurate
        # both for large |x| and next to a pole.
        d = x - round(x)
        return digamma(1.0 - x) - math.pi / math.tan(math.pi * d)
    if x == math.inf:
        return x
    terms = []                      # summed exactly: psi(1) is a difference of O(1) terms
    while x < 10.0:
        terms.append(-1.0 / x)
        x += 1.0
    f = 1.0 / (x * x)
    series = 0.0
    for c in reversed(_PSI_SERIES):
        series = (series + c) * f
    terms += (math.log(x), -0.5 / x, -series)
    return math.fsum(terms)


def _sign(x):
    return 1.0 if x > 0 else -1.0 if x < 0 else 0.0


def _ldexp(g, n):
    """g * 2**n without overflowing an intermediate 2**n."""
    try:
        return math.ldexp(g, n)
    except OverflowError:
        return g * math.inf
    except TypeError:           # a complex cotangent
        return complex(_ldexp(g.real, n), _ldexp(g.imag, n))


def _real_pow_dx(g, ans, x, y):
    """d math.pow(x, y)/dx = y * x**(y-1) (math.pow raises where ** would
    return 0**negative or a complex number)."""
    if y == 0:
        return 0.0 * g
    if x == 0:
        return g if y == 1 else g * (0.0 if y > 1 else math.inf)
    return g * y * math.pow(x, y - 1)


def _real_pow_dy(g, ans, x, y):
    if x > 0:
        return g * math.log(x) * ans
    if x == 0:
        return 0.0 * g
    return math.nan * g     # x < 0: math.pow is only defined at integral y


def _quotient(x, y, ans):
    """The integer q with ans = x - q * y (fmod, remainder), recovered from
    the exact result rather than from the rounded x / y."""
    return round((x - ans) / y)


_u = defvjp
_u(math.sin, lambda g, ans, x: g * math.cos(x))
_u(math.cos, lambda g, ans, x: -g * math.sin(x))
_u(math.tan, lambda g, ans, x: g * (1.0 + ans * ans))
_u(math.asin, lambda g, ans, x: div(g, math.sqrt((1.0 - x) * (1.0 + x))))
_u(math.acos, lambda g, ans, x: div(-g, math.sqrt((1.0 - x) * (1.0 + x))))
_u(math.atan, lambda g, ans, x: g / (1.0 + x * x))


def _atan2_r2(y, x):
    r = math.hypot(x, y)
    return r * r


_u(math.atan2, lambda g, ans, y, x: div(g * x, _atan2_r2(y, x)),
   lambda g, ans, y, x: div(-g * y, _atan2_r2(y, x)))
_u(math.sinh, lambda g, ans, x: g * math.cosh(x))
_u(math.cosh, lambda g, ans, x: g * math.sinh(x))
_u(math.tanh, lambda g, ans, x: g * (1.0 - ans * ans))
_u(math.asinh, lambda g, ans, x: g / math.hypot(x, 1.0))
_u(math.acosh, lambda g, ans, x: div(g, math.sqrt((x - 1.0) * (x + 1.0))))
_u(math.atanh, lambda g, ans, x: g / ((1.0 - x) * (1.0 + x)))
_u(math.exp, lambda g, ans, x: g * ans)
_u(math.expm1, lambda g, ans, x: g * math.exp(x))
_u(math.log1p, lambda g, ans, x: g / (1.0 + x))
_u(math.log2, lambda g, ans, x: g / (x * _LN2))
_u(math.log10, lambda g, ans, x: g / (x * _LN10))
_u(math.sqrt, lambda g, ans, x: div(g, 2.0 * ans))
_u(math.erf, lambda g, ans, x: g * _TWO_OVER_SQRT_PI * math.exp(-x * x))
_u(math.erfc, lambda g, ans, x: -g * _TWO_OVER_SQRT_PI * math.exp(-x * x))
_u(math.gamma, lambda g, ans, x: g * ans * digamma(x))
_u(math.lgamma, lambda g, ans, x: g * digamma(x))
_u(math.fabs, lambda g, ans, x: g * _sign(x))
_u(math.degrees, lambda g, ans, x: g * (180.0 / math.pi))
_u(math.radians, lambda g, ans, x: g * (math.pi / 180.0))
_u(math.pow, _real_pow_dx, _real_pow_dy)
_u(math.fmod, lambda g, ans, x, y: g, lambda g, ans, x, y: -g * _quotient(x, y, ans))
_u(math.remainder, lambda g, ans, x, y: g, lambda g, ans, x, y: -g * _quotient(x, y, ans))
# copysign(x, y) = |x| * sign(y): d/dx = sign(x) sign(y) (0 at x = 0, where
# |x| has a kink); piecewise constant in y.
_u(math.copysign, lambda g, ans, x, y: g * _sign(x) * _sign(ans) if x != 0 else 0.0 * g, None)
_u(math.ldexp, lambda g, ans, x, i: _ldexp(g, i), None)
if hasattr(math, "cbrt"):
    _u(math.cbrt, lambda g, ans, x: div(g, 3.0 * ans * ans))
if hasattr(math, "exp2"):
    _u(math.exp2, lambda g, ans, x: g * ans * _LN2)

# nextafter(x, y) moves x by one ulp: derivative 1 in x, 0 in y (3.12 adds
# `steps`, an integer).  ulp(x) is piecewise constant.
defvjp_general(math.nextafter, lambda g, ans, args, kwargs:
               kw_cts((g, None) + (None,) * (len(args) - 2), kwargs))
defzero(math.ulp)


def _log_vjp(g, ans, args, kwargs):
    x = args[0]
    if len(args) == 1:
        return (g / x,)
    b = args[1]
    lb = math.log(b)
    return (g / (x * lb), -g * math.log(x) / (b * lb * lb))


defvjp_general(math.log, _log_vjp)


def _hypot_vjp(g, ans, args, kwargs):
    if ans == 0:
        return tuple(0.0 * g for _ in args)     # a kink: the zero subgradient
    return tuple(g * x / ans for x in args)


defvjp_general(math.hypot, _hypot_vjp)


def _dist_vjp(g, ans, args, kwargs):
    p, q = args
    if ans == 0:
        return ([0.0 * g] * len(p), [0.0 * g] * len(q))
    d = [g * (a - b) / ans for a, b in zip(p, q)]
    return (d, [-x for x in d])


defvjp_general(math.dist, _dist_vjp, iterables=(0, 1))


def _fsum_vjp(g, ans, args, kwargs):
    return ([g] * len(args[0]),)


defvjp_general(math.fsum, _fsum_vjp, iterables=(0,))


def _prod_vjp(g, ans, args, kwargs):
    """d prod/dx_i = start * prod_{j != i} x_j, by prefix and suffix products
    (O(n), exact with zeros among the factors)."""
    xs = args[0]
    n = len(xs)
    start = kwargs.get("start", 1)
    suffix = [1] * (n + 1)
    for i in range(n - 1, -1, -1):
        suffix[i] = xs[i] * suffix[i + 1]
    out = []
    prefix = start
    for i in range(n):
        out.append(g * cj(prefix * suffix[i + 1]))
        prefix = prefix * xs[i]
    return kw_cts((out,), kwargs, start=g * cj(suffix[0]))


defvjp_general(math.prod, _prod_vjp, iterables=(0,))

if hasattr(math, "sumprod"):
    def _sumprod_vjp(g, ans, args, kwargs):
        p, q = args
        return ([g * cj(b) for b in q], [g * cj(a) for a in p])

    defvjp_general(math.sumprod, _sumprod_vjp, iterables=(0, 1))

if hasattr(math, "fma"):
    def _fma_vjp(g, ans, args, kwargs):
        x, y, z = args
        return (g * y, g * x, g)

    defvjp_general(math.fma, _fma_vjp)

# math.frexp(x) = (m, e) with x = m * 2**e: dm/dx = 2**-e; e is an integer.
defvjp_multi(math.frexp, (lambda g, ans, x: _ldexp(g, -math.frexp(x)[1]),), None)
# math.modf(x) = (fractional part, integral part): d frac/dx = 1, d int/dx = 0.
defvjp_multi(math.modf, (lambda g, ans, x: g,), None)
