"""Rules for the `math` module (real arguments)."""
import math

from . import defvjp, defvjp_general, defvjp_multi

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def digamma(x):
    """psi(x) = d lgamma(x)/dx, by recurrence and the asymptotic series."""
    if x <= 0 and x == math.floor(x):
        return math.nan
    result = 0.0
    if x < 0:
        # reflection: psi(1 - x) - psi(x) = pi cot(pi x)
        return digamma(1.0 - x) - math.pi / math.tan(math.pi * x)
    while x < 6.0:
        result -= 1.0 / x
        x += 1.0
    f = 1.0 / (x * x)
    series = f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f * (1.0 / 132)))))
    return result + math.log(x) - 0.5 / x - series


def _sign(x):
    return 1.0 if x > 0 else -1.0 if x < 0 else 0.0


_u = defvjp
_u(math.sin, lambda g, ans, x: g * math.cos(x))
_u(math.cos, lambda g, ans, x: -g * math.sin(x))
_u(math.tan, lambda g, ans, x: g * (1.0 + ans * ans))
_u(math.asin, lambda g, ans, x: g / math.sqrt(1.0 - x * x))
_u(math.acos, lambda g, ans, x: -g / math.sqrt(1.0 - x * x))
_u(math.atan, lambda g, ans, x: g / (1.0 + x * x))
_u(math.atan2, lambda g, ans, y, x: g * x / (x * x + y * y),
   lambda g, ans, y, x: -g * y / (x * x + y * y))
_u(math.sinh, lambda g, ans, x: g * math.cosh(x))
_u(math.cosh, lambda g, ans, x: g * math.sinh(x))
_u(math.tanh, lambda g, ans, x: g * (1.0 - ans * ans))
_u(math.asinh, lambda g, ans, x: g / math.sqrt(x * x + 1.0))
_u(math.acosh, lambda g, ans, x: g / math.sqrt(x * x - 1.0))
_u(math.atanh, lambda g, ans, x: g / (1.0 - x * x))
_u(math.exp, lambda g, ans, x: g * ans)
_u(math.expm1, lambda g, ans, x: g * (ans + 1.0))
_u(math.log1p, lambda g, ans, x: g / (1.0 + x))
_u(math.log2, lambda g, ans, x: g / (x * _LN2))
_u(math.log10, lambda g, ans, x: g / (x * _LN10))
_u(math.sqrt, lambda g, ans, x: g / (2.0 * ans))
_u(math.erf, lambda g, ans, x: g * _TWO_OVER_SQRT_PI * math.exp(-x * x))
_u(math.erfc, lambda g, ans, x: -g * _TWO_OVER_SQRT_PI * math.exp(-x * x))
_u(math.gamma, lambda g, ans, x: g * ans * digamma(x))
_u(math.lgamma, lambda g, ans, x: g * digamma(x))
_u(math.fabs, lambda g, ans, x: g * _sign(x))
_u(math.degrees, lambda g, ans, x: g * (180.0 / math.pi))
_u(math.radians, lambda g, ans, x: g * (math.pi / 180.0))
_u(math.pow, lambda g, ans, x, y: 0.0 * g if y == 0 else g * y * math.pow(x, y - 1),
   lambda g, ans, x, y: g * math.log(x) * ans if x > 0 else (0.0 * g if x == 0 else math.nan * g))
_u(math.fmod, lambda g, ans, x, y: g, lambda g, ans, x, y: -g * math.trunc(x / y))
_u(math.remainder, lambda g, ans, x, y: g, lambda g, ans, x, y: -g * round((x - ans) / y))
_u(math.copysign, lambda g, ans, x, y: g * _sign(x) * _sign(ans) if x != 0 else 0.0 * g, None)
_u(math.ldexp, lambda g, ans, x, i: g * math.ldexp(1.0, i), None)
if hasattr(math, "cbrt"):
    _u(math.cbrt, lambda g, ans, x: g / (3.0 * ans * ans))
if hasattr(math, "exp2"):
    _u(math.exp2, lambda g, ans, x: g * ans * _LN2)


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
        return tuple(0.0 * g for _ in args)
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
    xs = list(args[0])
    out = []
    for i in range(len(xs)):
        p = kwargs.get("start", args[1] if len(args) > 1 else 1)
        for j, x in enumerate(xs):
            if j != i:
                p = p * x
        out.append(g * p)
    start_ct = None
    start = kwargs.get("start", args[1] if len(args) > 1 else None)
    if start is not None:
        p = 1
        for x in xs:
            p = p * x
        start_ct = g * p
    return (out,) + ((start_ct,) if len(args) > 1 else ())


defvjp_general(math.prod, _prod_vjp, iterables=(0,))

if hasattr(math, "sumprod"):
    def _sumprod_vjp(g, ans, args, kwargs):
        p, q = args
        return ([g * b for b in q], [g * a for a in p])

    defvjp_general(math.sumprod, _sumprod_vjp, iterables=(0, 1))

if hasattr(math, "fma"):
    def _fma_vjp(g, ans, args, kwargs):
        x, y, z = args
        return (g * y, g * x, g)

    defvjp_general(math.fma, _fma_vjp)

# math.frexp(x) = (m, e) with x = m * 2**e: dm/dx = 2**-e; e is an integer.
defvjp_multi(math.frexp, (lambda g, ans, x: g * math.ldexp(1.0, -math.frexp(x)[1]),), None)
# math.modf(x) = (fractional part, integral part): d frac/dx = 1, d int/dx = 0.
defvjp_multi(math.modf, (lambda g, ans, x: g,), None)
