"""Rules for `statistics` functions.  They compute through exact conversions
(float.as_integer_ratio, Fraction), which carry no derivative, so they get
rules of their own at the library level (design-notes section 5)."""
import math
import statistics

from . import defvjp_general


def _n(data):
    return len(data)


def _mean_vjp(g, ans, args, kwargs):
    data = args[0]
    n = _n(data)
    return ([g / n] * n,)


def _fmean_vjp(g, ans, args, kwargs):
    data = list(args[0])
    weights = kwargs.get("weights", args[1] if len(args) > 1 else None)
    if weights is None:
        n = len(data)
        return ([g / n] * n,) + ((None,) if len(args) > 1 else ())
    w = list(weights)
    sw = math.fsum(w)
    return ([g * wi / sw for wi in w], [g * (x - ans) / sw for x in data])


def _median_vjp(g, ans, args, kwargs):
    data = list(args[0])
    n = len(data)
    order = sorted(range(n), key=data.__getitem__)
    ct = [0.0 * g] * n
    if n % 2:
        ct[order[n // 2]] = g
    else:
        ct[order[n // 2 - 1]] = g / 2
        ct[order[n // 2]] = g / 2
    return (ct,)


def _var_vjp(ddof):
    def vjp(g, ans, args, kwargs):
        data = list(args[0])
        n = len(data)
        m = math.fsum(data) / n
        return ([g * 2.0 * (x - m) / (n - ddof) for x in data],) + \
            ((None,) if len(args) > 1 else ())
    return vjp


def _std_vjp(ddof):
    def vjp(g, ans, args, kwargs):
        data = list(args[0])
        n = len(data)
        m = math.fsum(data) / n
        if ans == 0:
            return ([0.0 * g] * n,) + ((None,) if len(args) > 1 else ())
        return ([g * (x - m) / ((n - ddof) * ans) for x in data],) + \
            ((None,) if len(args) > 1 else ())
    return vjp


defvjp_general(statistics.mean, _mean_vjp, iterables=(0,))
defvjp_general(statistics.fmean, _fmean_vjp, iterables=(0, 1))
defvjp_general(statistics.median, _median_vjp, iterables=(0,))
defvjp_general(statistics.variance, _var_vjp(1), iterables=(0,))
defvjp_general(statistics.pvariance, _var_vjp(0), iterables=(0,))
defvjp_general(statistics.stdev, _std_vjp(1), iterables=(0,))
defvjp_general(statistics.pstdev, _std_vjp(0), iterables=(0,))
