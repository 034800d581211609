"""Generated soundness sweep for numpy arrays: array carriers x consumers.

The scalar sweep (sweep.py) differentiates with respect to one float.  Here
the input is an array `x` (2x3 float64): a carrier makes something from it
(a view, a copy written in place, a float32 cast, nested lists, rows...),
a consumer hands that to numpy, the stdlib or the interpreter and returns
a number.  Each fitting case (native runs, the directional finite
difference is stable) is classified like the scalar sweep's:

  correct      value equal to native; <grad, v> equal to the finite
               difference along a fixed direction v, and the gradient has
               x's shape and dtype
  clear error  NonDifferentiableError / UnsupportedError
  wrong        anything else that returned: the bug bcad must never have
  other        any other exception

    python -m tests.soundness.array_sweep [-k SUBSTRING]
"""
import argparse
import collections
import copy
import functools
import math
import statistics
import sys
import time
import warnings
from dataclasses import dataclass

import numpy as np

import bcad

X0 = np.array([[0.7, -0.4, 1.3], [0.2, 0.9, -1.1]])
V = np.array([[0.3, -0.5, 0.2], [0.8, 0.1, -0.6]])
H, RTOL, ATOL = 1e-6, 2e-5, 1e-7
# float32 carriers: a step and tolerance that float32 rounding does not swamp.
FD_STEP = {"float32": (1e-2, 5e-3)}
CLEAR_ERRORS = (bcad.NonDifferentiableError, bcad.UnsupportedError)


# --- carriers: x -> something derived from x -----------------------------------------

def _row_writes(x):
    y = np.empty_like(x)
    for i in range(x.shape[0]):
        y[i] = x[i] * 2.0
    return y


def _embed(x):
    y = np.zeros((3, 4))
    y[:2, 1:] = x
    return y


def _through_view(x):
    y = np.zeros_like(x)
    v = y[:, 1:]
    v += x[:, 1:] ** 2
    y[:, 0] = x[:, 0]
    return y


def _inplace_ops(x):
    y = x.copy()
    y *= 2.0
    y += x
    y /= 3.0
    y -= x * x
    return y


def _masked(x):
    y = x.copy()
    y[y < 0] = 0.5 * y[y < 0] ** 2
    return y


def _fancy_write(x):
    y = np.zeros(5)
    y[[0, 2, 2, 4]] = x[0, :2].tolist() + [x[1, 0], x[1, 2]]
    return y


def _views_then_write(x):
    y = x * 1.0
    top = y[0]
    y[0, 1] = y[1, 1] ** 2          # top sees it
    return np.concatenate([top, y[1]])


def _residual_then(native_write):
    """y = x * c keeps c for its gradient; then C code writes into c."""
    def carrier(x):
        c = np.full(x.shape, 1.5)
        y = x * c
        native_write(c)
        return y + c
    return carrier


CARRIERS = [
    ("x", lambda x: x),
    ("x.T", lambda x: x.T),
    ("x[::-1]", lambda x: x[::-1]),
    ("reshape", lambda x: x.reshape(3, 2)),
    ("ravel", lambda x: x.ravel()),
    ("copy", lambda x: x.copy()),
    ("x*1.0", lambda x: x * 1.0),
    ("float32", lambda x: x.astype(np.float32)),
    ("tolist->array", lambda x: np.array(x.tolist())),
    ("nested-lists", lambda x: x.tolist()),
    ("rows-list", lambda x: list(x)),
    ("stack-rows", lambda x: np.stack([r for r in x])),
    ("concatenate", lambda x: np.concatenate([x, x ** 2])),
    ("row-writes", _row_writes),
    ("embed", _embed),
    ("through-view", _through_view),
    ("inplace-ops", _inplace_ops),
    ("masked-write", _masked),
    ("fancy-write", _fancy_write),
    ("views-then-write", _views_then_write),
    ("where", lambda x: np.where(x > 0, x, x ** 2)),
    ("sort", lambda x: np.sort(x, axis=1)),
    ("fancy-read", lambda x: x[:, [0, 2, 2]]),
    ("mask-read", lambda x: x[x > -10]),
    ("broadcast", lambda x: x + x[:, :1]),
    ("scalar", lambda x: x[0, 2]),
    ("object", lambda x: np.array(x, dtype=object)),
    ("matrix-product", lambda x: x @ x.T),
    ("residual-add.at", _residual_then(lambda c: np.add.at(c, (0, 1), 5.0))),
    ("residual-put", _residual_then(lambda c: c.put([0, 4], [2.0, 3.0]))),
    ("residual-dot-out", _residual_then(lambda c: np.dot(np.eye(2), np.ones((2, 3)), out=c))),
    ("residual-putmask", _residual_then(lambda c: np.putmask(c, c > 0, 4.0))),
    ("residual-shuffle", _residual_then(lambda c: np.random.default_rng(0).shuffle(c))),
]


# --- consumers: something -> a number --------------------------------------------------

def _a(c):
    return np.asarray(c, dtype=float) if not isinstance(c, np.ndarray) else c


def _square(c):
    a = _a(c).reshape(-1)
    n = int(math.isqrt(a.size))
    m = a[:n * n].reshape(n, n) if n > 1 else a[:1].reshape(1, 1)
    return m @ m.T + np.eye(m.shape[0])


def _out_write(c):
    a = _a(c)
    out = np.zeros(a.shape)
    np.multiply(a, a, out=out)
    return out.sum()


def _loop_sum(c):
    s = 0.0
    for row in _a(c).reshape(-1):
        s = s + row * row
    return s


def _place_nowhere(c):
    a = _a(c).ravel()
    out = np.zeros(a.size)
    np.place(out, np.zeros(a.size, dtype=bool), -np.inf * a[:1])   # (nothing is written)
    return out.sum() + a.sum()


def _masked_nan(c):
    """scikit-learn's variance update: nan (0/0) computed in entries that are
    then overwritten; no gradient may come back through them (once nan)."""
    a = _a(c).ravel()
    cnt = np.zeros(a.size)
    cnt[0] = 2.0
    with np.errstate(divide="ignore", invalid="ignore"):
        v = a ** 2 + cnt / cnt * (a / cnt - a) ** 2
    v[cnt == 0] = (a ** 2)[cnt == 0]
    return v.sum()


def _positional_out(c):
    """np.exp(a, a): out given by position (scikit-learn's laplacian_kernel;
    once a silently wrong gradient, the write unseen)."""
    a = _a(c) * 1.0
    np.exp(a, a)
    np.multiply(a, a, a)
    return a.sum()


def _positional_out_where(c):
    a = _a(c) * 1.0
    np.add(a, a, a, where=np.arange(a.size).reshape(a.shape) % 2 == 0)
    return (a * a).sum()


def _function_out(c):
    """out= of numpy functions and methods with rules, by position and by
    keyword (np.cumsum(a, 0, None, a) once handed back a unseen: wrong)."""
    a = _a(c).ravel() * 1.0
    np.cumsum(a, 0, None, a)
    z = np.zeros(())
    a.sum(0, None, z)
    np.multiply.accumulate(a, out=a)
    return float((a * a).sum() + z * a[0])


def _dot_out(c):
    """np.dot(M, m, o) into an array that holds a differentiable value."""
    a = _a(c).ravel() * 1.0
    o = a * 0.5
    np.dot(np.eye(a.size) * 3.0 + 1.0, a, o)
    return float((o * o).sum() + a.sum())


CONSUMERS = [
    ("np.sum", lambda c: np.sum(c)),
    ("np.dot out", _dot_out),
    ("function out=", _function_out),
    ("ufunc positional out", _positional_out),
    ("ufunc positional out where=", _positional_out_where),
    ("masked-nan-overwrite", _masked_nan),
    # numpy scalars subscripted (a new object each: once a silent zero)
    ("scalar[()]", lambda c: np.sum(c)[()] * 2.0),
    ("scalar[...]", lambda c: np.sum(c)[...].sum()),
    ("scalar[None]", lambda c: np.sum(c)[None].sum()),
    ("0-d product[()]", lambda c: (np.sum(c) * np.ones(()))[()]),
    ("np.array(scalar)[()]", lambda c: np.array(np.max(c), dtype=float)[()]),
    ("np.place-nowhere", _place_nowhere),
    ("builtin-pow", lambda c: np.sum(pow(_a(c), 3.0))),
    # orders and axes given as arrays (once read from a Meta, or ignored)
    ("reshape-F", lambda c: (_a(c).ravel().reshape((-1, 2), order="F")[0] ** 2).sum()),
    ("ravel-F", lambda c: (np.ravel(_a(c), order="F") * np.arange(_a(c).size)).sum()),
    ("rot90", lambda c: (np.rot90(_a(c).reshape(2, -1)) ** 3).sum()),
    ("transpose-array-axes", lambda c: (_a(c).reshape(2, -1).transpose(np.array([1, 0]))[0]
                                        ** 2).sum()),
    ("repeat-array", lambda c: (np.repeat(_a(c).ravel()[:3], np.array([1, 3, 2])) ** 2).sum()),
    ("take-array", lambda c: (np.take(_a(c).ravel(), np.array([2, 0, 2])) ** 2).sum()),
    ("swapaxes", lambda c: (np.swapaxes(_a(c).reshape(2, -1), 0, 1)[0] ** 2).sum()),
    ("moveaxis", lambda c: (np.moveaxis(_a(c).reshape(2, -1, 1), 0, -1)[0] ** 2).sum()),
    ("sum-axis0@w", lambda c: np.sum(_a(c).reshape(-1)[:2] * np.array([1.0, 2.0]))),
    ("method-sum", lambda c: _a(c).sum()),
    ("np.prod", lambda c: np.prod(c)),
    ("np.max", lambda c: np.max(c)),
    ("np.min-axis", lambda c: np.min(_a(c).reshape(-1, 1), axis=1).sum()),
    ("np.mean", lambda c: np.mean(c)),
    ("np.var", lambda c: np.var(c)),
    ("np.std", lambda c: np.std(c)),
    ("np.median", lambda c: np.median(c)),
    ("np.percentile", lambda c: np.percentile(c, 30)),
    ("np.cumsum[-1]", lambda c: np.cumsum(c)[-1]),
    ("np.cumprod[-1]", lambda c: np.cumprod(c)[-1]),
    ("np.linalg.norm", lambda c: np.linalg.norm(c)),
    ("np.dot", lambda c: np.dot(_a(c).ravel(), _a(c).ravel())),
    ("einsum", lambda c: np.einsum("i,i->", _a(c).ravel(), _a(c).ravel() ** 2)),
    ("np.tanh.sum", lambda c: np.tanh(c).sum()),
    ("np.exp.sum", lambda c: np.exp(c).sum()),
    ("np.abs.sum", lambda c: np.abs(c).sum()),
    ("sqrt(1+c^2)", lambda c: np.sqrt(1.0 + _a(c) ** 2).sum()),
    ("c**3", lambda c: (_a(c) ** 3).sum()),
    ("maximum", lambda c: np.maximum(c, 0.1).sum()),
    ("clip", lambda c: np.clip(c, -0.5, 1.0).sum()),
    ("hypot", lambda c: np.hypot(c, 0.5).sum()),
    ("logaddexp", lambda c: np.logaddexp(c, 0.3).sum()),
    ("arctan2", lambda c: np.arctan2(c, 2.0).sum()),
    ("det", lambda c: np.linalg.det(_square(c))),
    ("inv", lambda c: np.linalg.inv(_square(c)).sum()),
    ("solve", lambda c: np.linalg.solve(_square(c), np.ones(len(_square(c)))).sum()),
    ("slogdet", lambda c: np.linalg.slogdet(_square(c))[1]),
    ("eigvalsh", lambda c: np.linalg.eigvalsh(_square(c)).max()),
    ("svd-s", lambda c: np.linalg.svd(_square(c), compute_uv=False).sum()),
    ("cholesky", lambda c: np.linalg.cholesky(_square(c)).sum()),
    ("np.diff", lambda c: (np.diff(_a(c).ravel()) ** 2).sum()),
    ("np.gradient", lambda c: np.gradient(_a(c).ravel()).sum()),
    ("np.trapezoid", lambda c: np.trapezoid(_a(c).ravel() ** 2)),
    ("np.polyval", lambda c: np.polyval(_a(c).ravel(), 0.5)),
    ("np.interp", lambda c: np.interp(0.5, [0.0, 1.0], _a(c).ravel()[:2])),
    ("np.roll", lambda c: (np.roll(_a(c).ravel(), 1) * np.arange(_a(c).size)).sum()),
    ("np.flip", lambda c: (np.flip(_a(c).ravel()) * np.arange(_a(c).size)).sum()),
    ("np.tile", lambda c: np.tile(_a(c), 2).sum()),
    ("np.pad", lambda c: (np.pad(_a(c).ravel(), 1, mode="edge") ** 2).sum()),
    ("np.outer", lambda c: np.outer(_a(c).ravel(), _a(c).ravel()[:2]).sum()),
    ("np.kron", lambda c: np.kron(_a(c).ravel()[:2], _a(c).ravel()[:2]).sum()),
    ("np.cross", lambda c: np.cross(_a(c).ravel()[:3], [1.0, 2.0, 3.0]).sum()),
    ("np.cov", lambda c: np.cov(_a(c).ravel()[:3], _a(c).ravel()[-3:])[0, 1]),
    ("np.average", lambda c: np.average(_a(c).ravel(), weights=np.arange(1.0, _a(c).size + 1))),
    ("np.take", lambda c: np.take(_a(c).ravel(), [0, 0, 1]).sum()),
    ("out=", _out_write),
    ("float(c[0])", lambda c: float(_a(c).ravel()[0])),
    (".item()", lambda c: _a(c).ravel()[1].item() * 3.0),
    ("tolist-sum", lambda c: sum(_a(c).ravel().tolist())),
    ("builtin-sum", lambda c: sum(_a(c).ravel())),
    ("math.fsum", lambda c: math.fsum(_a(c).ravel())),
    ("max(iter)", lambda c: max(_a(c).ravel())),
    ("sorted[0]", lambda c: sorted(_a(c).ravel())[0]),
    ("statistics.mean", lambda c: statistics.mean(_a(c).ravel())),
    ("loop", _loop_sum),
    ("zip-products", lambda c: sum(p * q for p, q in zip(_a(c).ravel(), _a(c).ravel()[::-1]))),
    ("deepcopy", lambda c: copy.deepcopy(_a(c)).sum()),
    ("np.fft", lambda c: np.fft.fft(_a(c).ravel()).real.sum()),
    ("tobytes", lambda c: np.frombuffer(_a(c).tobytes()).sum()),
    ("repr", lambda c: float(repr(float(_a(c).ravel()[0])))),
    ("savetxt-like", lambda c: float(np.array2string(_a(c).ravel()[:1])[1:-1])),
    ("np.unique", lambda c: np.unique(_a(c)).sum()),
    ("nansum", lambda c: np.nansum(c)),
]

try:
    import scipy  # noqa: F401
except ImportError:      # (scipy is in the test extra)
    pass
else:
    from .scipy_consumers import SCIPY_CONSUMERS
    CONSUMERS = CONSUMERS + SCIPY_CONSUMERS


# --- cases -----------------------------------------------------------------------------

@dataclass
class Case:
    name: str
    carrier: str
    consumer: str
    fn: object
    native: float
    fd: float


@dataclass
class Result:
    name: str
    outcome: str
    error: str = None
    value: object = None
    directional: float = None
    fd: float = None


def _quiet():
    w = warnings.catch_warnings()
    w.__enter__()
    warnings.simplefilter("ignore")
    e = np.errstate(all="ignore")
    e.__enter__()
    return w, e


def _unquiet(ctx):
    w, e = ctx
    e.__exit__(None, None, None)
    w.__exit__(None, None, None)


def _real(r):
    if isinstance(r, (bool, complex, str, bytes, np.ndarray, np.complexfloating)):
        return None
    try:
        return float(r)
    except Exception:   # noqa: BLE001
        return None


def _compose(carrier, consumer):
    def f(x):
        return float(consumer(carrier(x)))
    return f


def _close(a, b, rtol=RTOL):
    return abs(a - b) <= rtol * max(abs(a), abs(b)) + ATOL


def make_case(cname, carrier, kname, consumer):
    ctx = _quiet()
    try:
        raw = consumer(carrier(X0.copy()))
        if _real(raw) is None or not math.isfinite(_real(raw)):
            return None
        fn = _compose(carrier, consumer)
        native = fn(X0.copy())
        h, tol = FD_STEP.get(cname, (H, RTOL))
        fd = (fn(X0 + h * V) - fn(X0 - h * V)) / (2 * h)
        fine = (fn(X0 + h / 4 * V) - fn(X0 - h / 4 * V)) / (h / 2)
    except Exception:   # noqa: BLE001 - the combination does not fit
        return None
    finally:
        _unquiet(ctx)
    if not (math.isfinite(fd) and _close(fd, fine, tol)):
        return None
    return Case(f"{cname}-{kname}", cname, kname, fn, native, fd)


@functools.lru_cache(maxsize=None)
def generate():
    cases = [make_case(cn, c, kn, k) for cn, c in CARRIERS for kn, k in CONSUMERS]
    return tuple(c for c in cases if c is not None)


def classify(case, mode="rev"):
    """bcad on one case: the gradient paired with V (mode "rev"), or the
    forward-mode derivative along V (mode "fwd"), against the finite
    difference along V."""
    ctx = _quiet()
    try:
        if mode == "fwd":
            value, t = bcad.jvp(case.fn, (X0.copy(),), (V.copy(),))
        else:
            value, g = bcad.value_and_grad(case.fn)(X0.copy())
    except CLEAR_ERRORS as e:
        return Result(case.name, "clear error", f"{type(e).__name__}: {e}")
    except Exception as e:   # noqa: BLE001
        return Result(case.name, "other", f"{type(e).__name__}: {e}")
    finally:
        _unquiet(ctx)
    res = Result(case.name, None, value=value, fd=case.fd)
    if mode == "fwd":
        if type(t) is not float:
            res.outcome, res.error = "wrong", f"tangent {type(t).__name__} {t!r}"
            return res
        res.directional = t
    elif type(g) is not np.ndarray or g.shape != X0.shape or g.dtype != X0.dtype:
        res.outcome, res.error = "wrong", f"gradient {type(g).__name__} {getattr(g, 'shape', '')}"
        return res
    else:
        res.directional = float(np.sum(g * V))
    tol = FD_STEP.get(case.carrier, (H, RTOL))[1]
    if not _close(float(value), case.native, 1e-12 if case.carrier != "float32" else 1e-6):
        res.outcome, res.error = "wrong", f"value {value!r} != native {case.native!r}"
    elif not (math.isfinite(res.directional) and _close(res.directional, case.fd, tol)):
        res.outcome, res.error = "wrong", f"<grad, v> {res.directional!r} != fd {case.fd!r}"
    else:
        res.outcome = "correct"
    return res


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("-k", dest="substring")
    p.add_argument("--fwd", action="store_true", help="forward mode (bcad.jvp)")
    args = p.parse_args(argv)
    t0 = time.perf_counter()
    cases = [c for c in generate() if not args.substring or args.substring in c.name]
    results = [classify(c, "fwd" if args.fwd else "rev") for c in cases]
    counts = collections.Counter(r.outcome for r in results)
    print(f"bcad array soundness sweep, Python {sys.version.split()[0]}: {len(results)} cases "
          f"(of {len(CARRIERS)} carriers x {len(CONSUMERS)} consumers) in "
          f"{time.perf_counter() - t0:.1f} s")
    for o in ("correct", "clear error", "wrong", "other"):
        print(f"  {o:12s} {counts[o]:5d}")
    for r in results:
        if r.outcome in ("wrong", "other"):
            print(f"  {r.outcome}: {r.name}: {' '.join(str(r.error).split())[:200]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
