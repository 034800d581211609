"""Rules for `statistics` functions.  They compute through exact conversions
(float.as_integer_ratio, Fraction), which carry no derivative, so they get
rules of their own at the library level (design-notes section 5).  These
are Python functions: registering them also puts them in the interpreter's
PY_RULES, so their bodies are not interpreted while differentiating."""
import math
import statistics

from . import defvjp_general, kw_cts


def _arg(args, kwargs, i, name):
    """Argument `name` (position i), or None."""
    if len(args) > i:
        return args[i]
    return kwargs.get(name)


def _mean_vjp(g, ans, args, kwargs):
    n = len(args[0])
    return ([g / n] * n,)


def _fmean_vjp(g, ans, args, kwargs):
    """fmean(data, weights=None) = sum(w x) / sum(w)."""
    data = args[0]
    weights = _arg(args, kwargs, 1, "weights")
    if weights is None:
        n = len(data)
        return kw_cts(([g / n] * n,) + (None,) * (len(args) - 1), kwargs)
    sw = math.fsum(weights)
    ct_data = [g * w / sw for w in weights]
    ct_w = [g * (x - ans) / sw for x in data]
    return kw_cts((ct_data,) + (ct_w,) * (len(args) - 1), kwargs, weights=ct_w)


def _median_vjp(g, ans, args, kwargs):
    data = args[0]
    n = len(data)
    order = sorted(range(n), key=data.__getitem__)
    ct = [0.0 * g] * n
    if n % 2:
        ct[order[n // 2]] = g
    else:
        ct[order[n // 2 - 1]] = g / 2
        ct[order[n // 2]] = g / 2
    return (ct,)


def _var_vjp(ddof, center, root):
    """(p)variance / (p)stdev of data around c: the mean, or the given
    `center` (xbar / mu), which statistics uses as is:
    var = sum((x - c)**2) / (n - ddof), std = sqrt(var)."""
    def vjp(g, ans, args, kwargs):
        data = args[0]
        n = len(data)
        c = _arg(args, kwargs, 1, center)
        given = c is not None
        if not given:
            c = math.fsum(data) / n
        if root:
            if ans == 0:
                zero = [0.0 * g] * n
                return kw_cts((zero,) + (0.0 * g,) * (len(args) - 1), kwargs, **{center: 0.0 * g})
            scale = g / ((n - ddof) * ans)          # d sqrt(v) = dv / (2 sqrt(v))
        else:
            scale = 2.0 * g / (n - ddof)
        d = [x - c for x in data]
        ct_c = -scale * math.fsum(d) if given else None
        return kw_cts(([scale * di for di in d],) + (ct_c,) * (len(args) - 1), kwargs,
                      **{center: ct_c})
    return vjp


def _harmonic_vjp(g, ans, args, kwargs):
    """harmonic_mean(data, weights=None) = W / S with W = sum(w), S =
    sum(w / x); statistics returns 0 when a value is 0 (the zero
    subgradient there)."""
    data = args[0]
    n = len(data)
    weights = _arg(args, kwargs, 1, "weights")
    w = [1.0] * n if weights is None else weights
    if ans == 0:
        ct_x, ct_w = [0.0 * g] * n, [0.0 * g] * n
    else:
        sw = math.fsum(w)
        ct_x = [g * ans * ans * wi / (sw * x * x) for wi, x in zip(w, data)]
        ct_w = [g * (ans / sw - ans * ans / (sw * x)) for x in data]
    ct_w = None if weights is None else ct_w
    return kw_cts((ct_x,) + (ct_w,) * (len(args) - 1), kwargs, weights=ct_w)


def _geometric_vjp(g, ans, args, kwargs):
    """geometric_mean(data) = exp(mean(log x)): d/dx_i = ans / (n x_i)."""
    data = args[0]
    n = len(data)
    if ans == 0:
        return ([0.0 * g] * n,)
    return ([g * ans / (n * x) for x in data],)


def _inv_cdf_vjp(g, ans, args, kwargs):
    """x = mu + sigma * Phi^-1(p): dx/dp = sigma / phi(z), z = (x - mu)/sigma."""
    p, mu, sigma = args
    z = (ans - mu) / sigma
    return (g * sigma * math.sqrt(2.0 * math.pi) * math.exp(0.5 * z * z), g, g * z)


defvjp_general(statistics.mean, _mean_vjp, iterables=(0,))
defvjp_general(statistics.fmean, _fmean_vjp, iterables=(0, 1))
defvjp_general(statistics.median, _median_vjp, iterables=(0,))
defvjp_general(statistics.variance, _var_vjp(1, "xbar", False), iterables=(0,))
defvjp_general(statistics.pvariance, _var_vjp(0, "mu", False), iterables=(0,))
defvjp_general(statistics.stdev, _var_vjp(1, "xbar", True), iterables=(0,))
defvjp_general(statistics.pstdev, _var_vjp(0, "mu", True), iterables=(0,))
defvjp_general(statistics.harmonic_mean, _harmonic_vjp, iterables=(0, 1))
defvjp_general(statistics.geometric_mean, _geometric_vjp, iterables=(0,))
# NormalDist.inv_cdf calls this (the C accelerator when _statistics exists).
if hasattr(statistics, "_normal_dist_inv_cdf"):
    defvjp_general(statistics._normal_dist_inv_cdf, _inv_cdf_vjp)
