"""`np.interp`: numpy's Python function calls a compiled kernel
(`multiarray.interp`, `interp_complex`) with `(x, xp, fp, left, right)`;
its rule is that of piecewise-linear interpolation.  At a breakpoint the
derivative in x is the right-hand slope (a one-sided choice, as numpy's
kernel evaluates the right-hand segment there)."""
import numpy as np

from . import defarray, unbroadcast, conj

try:
    from numpy._core import multiarray as _mu
except ImportError:         # pragma: no cover - numpy < 2
    from numpy.core import multiarray as _mu


def _segments(x, xp):
    """(segment index k, weight w in [0, 1], inside mask) of each x."""
    n = len(xp)
    k = np.clip(np.searchsorted(xp, x, side="right") - 1, 0, max(n - 2, 0))
    inside = (x >= xp[0]) & (x <= xp[-1])
    if n < 2:
        return k, np.zeros(np.shape(x)), inside
    span = xp[k + 1] - xp[k]
    w = np.where(span == 0, 0.0, (x - xp[k]) / np.where(span == 0, 1.0, span))
    return k, w, inside


def _interp_vjp(g, ans, args, kwargs):
    x, xp, fp = (np.asarray(a) for a in args[:3])
    left = args[3] if len(args) > 3 else kwargs.get("left")
    right = args[4] if len(args) > 4 else kwargs.get("right")
    g = np.asarray(g)
    k, w, inside = _segments(x, xp)
    n = len(xp)
    below, above = x < xp[0], x > xp[-1]
    gi = np.where(inside, g, 0)
    # fp: the two ends of each segment, and the ends outside the range
    # unless left/right replace them.
    ct_fp = np.zeros(fp.shape, dtype=np.result_type(fp, g))
    np.add.at(ct_fp, k, gi * (1 - w))
    if n > 1:
        np.add.at(ct_fp, k + 1, gi * w)
    if left is None:
        ct_fp[0] += np.sum(np.where(below, g, 0))
    if right is None:
        ct_fp[-1] += np.sum(np.where(above, g, 0))
    slope = np.zeros(np.shape(x), dtype=np.result_type(fp, float))
    if n > 1:
        span = xp[k + 1] - xp[k]
        slope = np.where(span == 0, 0.0, (fp[k + 1] - fp[k]) / np.where(span == 0, 1.0, span))
    ct_x = np.real(gi * conj(slope)) if not np.iscomplexobj(x) else gi * conj(slope)
    ct_xp = np.zeros(xp.shape, dtype=float)
    if n > 1:
        np.add.at(ct_xp, k, np.real(gi * conj(slope * (w - 1))))
        np.add.at(ct_xp, k + 1, np.real(gi * conj(-slope * w)))
    ct_left = None if left is None else unbroadcast(left, np.sum(np.where(below, g, 0)))
    ct_right = None if right is None else unbroadcast(right, np.sum(np.where(above, g, 0)))
    return (unbroadcast(args[0], ct_x), ct_xp, ct_fp, ct_left, ct_right)[:len(args)] + \
        (None,) * len(kwargs)


for _f in (getattr(_mu, "interp", None), getattr(_mu, "interp_complex", None)):
    if _f is not None:
        defarray(_f, _interp_vjp, name=f"numpy.{_f.__name__}")
