"""scipy.spatial.distance: `cdist`, `pdist` and `squareform` are Python
functions over compiled kernels (pybind11 functions writing into arrays), so
the rules are keyed on the Python functions themselves, as in linalg.py.
scikit-learn's Gaussian-process kernels (RBF, Matern), its pairwise
kernels and many user models reach them.

Covered: real 2-d inputs, `metric` given as one of the names in `_METRICS`
(by position or keyword), no `out=` and no metric options (`w=`, `p=`, ...);
`squareform` in either direction.  Any other call is interpreted as scipy
wrote it (a callable metric runs as Python; the other compiled metrics are
refused at their kernel)."""
import numpy as np
import scipy.spatial.distance as sd

from .. import INTERPRET_UNCOVERED
from ..numpy import defarray

_METRICS = ("sqeuclidean", "euclidean", "cityblock")


def _metric(args, kwargs, n):
    """The metric of a cdist (n=2) / pdist (n=1) call, or None when the rule
    does not cover the call."""
    if len(args) > n + 1 or set(kwargs) - {"metric"}:
        return None
    m = args[n] if len(args) > n else kwargs.get("metric", "euclidean")
    if type(m) is not str or m not in _METRICS:
        return None
    for x in args[:n]:
        a = np.asarray(x)
        if a.ndim != 2 or a.dtype.kind not in "fiu":
            return None
    return m


def _cast(ct, x):
    dt = getattr(x, "dtype", None)
    return ct.astype(dt) if dt is not None and dt.kind == "f" and ct.dtype != dt else ct


def _pair_cts(h, A, B, metric, D):
    """Cotangents of A and B for sum_ij h_ij d(A_i, B_j)."""
    if metric == "cityblock":
        S = np.sign(A[:, None, :] - B[None, :, :])
        return np.einsum("ij,ijk->ik", h, S), -np.einsum("ij,ijk->jk", h, S)
    if metric == "sqeuclidean":
        w = 2.0 * h
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            w = np.where(D > 0, h / np.where(D > 0, D, 1.0), 0.0)
    return (w.sum(axis=1)[:, None] * A - w @ B,
            w.sum(axis=0)[:, None] * B - w.T @ A)


def _cdist_vjp(g, ans, args, kwargs):
    metric = _metric(args, kwargs, 2)
    A = np.asarray(args[0], dtype=float)
    B = np.asarray(args[1], dtype=float)
    ca, cb = _pair_cts(np.asarray(g, dtype=float), A, B, metric, ans)
    return (_cast(ca, args[0]), _cast(cb, args[1])) + (None,) * (len(args) - 2 + len(kwargs))


def _pdist_vjp(g, ans, args, kwargs):
    metric = _metric(args, kwargs, 1)
    X = np.asarray(args[0], dtype=float)
    G = sd.squareform(np.asarray(g, dtype=float), checks=False)   # symmetric, 0 diagonal
    D = sd.squareform(ans, checks=False) if metric == "euclidean" else None
    ca, cb = _pair_cts(G, X, X, metric, D)
    ct = 0.5 * (ca + cb)
    return (_cast(ct, args[0]),) + (None,) * (len(args) - 1 + len(kwargs))


def _cdist_check(args, kwargs):
    return None if _metric(args, kwargs, 2) else "this cdist call is not covered"


def _pdist_check(args, kwargs):
    return None if _metric(args, kwargs, 1) else "this pdist call is not covered"


defarray(sd.cdist, _cdist_vjp, save=True, name="scipy.spatial.distance.cdist",
         check=_cdist_check)
defarray(sd.pdist, _pdist_vjp, save=True, name="scipy.spatial.distance.pdist",
         check=_pdist_check)

_SF = ("X", "force", "checks")


def _squareform_check(args, kwargs):
    if len(args) > 3 or set(kwargs) - set(_SF[1:]):
        return "this squareform call is not covered"
    a = np.asarray(args[0]) if args else None
    if a is None or a.ndim not in (1, 2) or a.dtype.kind == "c":
        return "this squareform call is not covered"
    return None


def _squareform_vjp(g, ans, args, kwargs):
    g = np.asarray(g)
    x = args[0]
    if np.ndim(x) == 1:                     # vector -> symmetric matrix
        d = g.shape[0]
        iu = np.triu_indices(d, 1)
        ct = g[iu] + g.T[iu]
    else:                                   # matrix -> its upper triangle
        d = np.shape(x)[0]
        ct = np.zeros(np.shape(x), dtype=g.dtype)
        ct[np.triu_indices(d, 1)] = g
    return (_cast(ct, x),) + (None,) * (len(args) - 1 + len(kwargs))


defarray(sd.squareform, _squareform_vjp, save=True, name="scipy.spatial.distance.squareform",
         check=_squareform_check)

# A call these rules do not cover is interpreted (see tracking.call_c).
INTERPRET_UNCOVERED.update({sd.cdist, sd.pdist, sd.squareform})
