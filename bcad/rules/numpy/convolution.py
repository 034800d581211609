"""`np.convolve` and `np.correlate`: numpy's Python functions call the
compiled kernels `multiarray.correlate(a, v[::-1], mode)` and
`multiarray.correlate2(a, v, mode)` (mode 0 'valid', 1 'same', 2 'full').
Their rules go through the full correlation, whose VJPs are correlations
again; the output of the other modes is a window of it, found once per
call by numpy itself (so its offsets are numpy's, whatever the sizes).
Real inputs only (complex ones are refused)."""
import numpy as np

from . import defarray

try:
    from numpy._core import multiarray as _mu
except ImportError:         # pragma: no cover - numpy < 2
    from numpy.core import multiarray as _mu


def _window(kernel, n, m, mode):
    """Offset of kernel(·, ·, mode)'s output inside the full correlation."""
    rng = np.random.default_rng(0)
    a, v = rng.standard_normal(n), rng.standard_normal(m)
    full = kernel(a, v, 2)
    out = kernel(a, v, mode)
    for off in range(len(full) - len(out) + 1):
        if np.allclose(full[off:off + len(out)], out, rtol=1e-12, atol=1e-12):
            return off
    raise AssertionError("bcad: no window of the full correlation matches")   # pragma: no cover


def _vjp(kernel):
    def vjp(g, ans, args, kwargs):
        a = np.asarray(args[0]).reshape(-1)
        v = np.asarray(args[1]).reshape(-1)
        mode = args[2] if len(args) > 2 else kwargs.get("mode", 0)
        n, m = a.size, v.size
        g = np.asarray(g).reshape(-1)
        full = np.zeros(n + m - 1, dtype=np.result_type(g, a, v))
        off = 0 if mode == 2 else _window(kernel, n, m, mode)
        full[off:off + g.size] = g
        # z[K] = sum_i a[i + K - (m - 1)] v[i]  (numpy's c_k, K = k + m - 1):
        # dz/da is a convolution with v, dz/dv a correlation with a.
        ct_a = np.convolve(full, v)[m - 1:m - 1 + n]
        ct_v = np.correlate(full, a, "valid")[::-1]
        return (ct_a.reshape(np.shape(args[0])), ct_v.reshape(np.shape(args[1]))) + \
            (None,) * (len(args) - 2 + len(kwargs))
    return vjp


def _real_only(args, kwargs):
    if np.iscomplexobj(args[0]) or np.iscomplexobj(args[1]):
        return "convolve/correlate of complex values is not supported"
    return None


def _old_kernel(args, kwargs):
    # multiarray.correlate (what np.convolve calls, longer operand first)
    # follows numpy's definition only when len(a) >= len(v).
    if np.size(args[0]) < np.size(args[1]):
        return "multiarray.correlate with a shorter first operand is not supported"
    return _real_only(args, kwargs)


for _name in ("correlate", "correlate2"):
    _k = getattr(_mu, _name, None)
    if _k is not None:
        defarray(_k, _vjp(_k), name=f"numpy.{_name}",
                 check=_old_kernel if _name == "correlate" else _real_only)
