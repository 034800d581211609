"""Forward mode: tangents pushed through the recorded equations.

`linearize` interprets the function once, recording the same tape as reverse
mode (with every float leaf of the primals as an input); the linear map it
returns runs that tape *forwards*, computing each equation's tangent from
its inputs' tangents with the primitive's JVP.  `jvp` is one such push,
`jacfwd` one per input number.  Writes and views need nothing of their own:
a write is a `setitem` equation like any other.

Where an equation's JVP comes from (`_push_equation`):

- an explicit JVP (`Primitive.jvp`), written beside the VJP in the rule
  tables: numpy's ufuncs (from the same elementwise derivative as their
  VJP), subscripts, writes, views re-read after a write, and the linear and
  multilinear functions (`rules/numpy/jvps.py`);
- a scalar primitive (`math.sin`, `float.__mul__`, `fsum`): its VJP at the
  cotangents 1 (and 1j for a complex output) gives its partial derivatives
  as numbers; exact, because a VJP is linear in its cotangent;
- any other rule: the transpose of its VJP.  `vjp(g)` is linear in g, so
  `J t` is the gradient with respect to g of `<vjp(g), t>` (the real inner
  product), which bcad's reverse mode computes by interpreting the rule's
  own Python code.  Exact, and slower than an explicit JVP (an interpreted
  call per equation); a rule whose VJP bcad cannot differentiate raises
  NonDifferentiableError naming it.

Conventions are reverse mode's: a complex number's tangent is complex; a
real value's tangent is real, of its dtype and shape (float32 in, float32
out); a tangent of None is zero.
"""
import numpy as np

from ..errors import NonDifferentiableError
from ..interpreter import ENTRY_LOCK
from ..tape.tape import INPUT, GENERAL
from ..rules.numpy import set_needs
from ..rules.transpose import pairing
from . import arrays
from .reverse import _flat_ct

ndarray = np.ndarray
_Meta = arrays.Meta


def push(tape, seeds):
    """Tangents of every variable of `tape`, given `seeds` {var: tangent}
    (the inputs'); None where zero."""
    n = len(tape.vals)
    tan = [None] * n
    for v, t in seeds.items():
        tan[v] = t
    vals, prims, A, B = tape.vals, tape.prim, tape.a, tape.b
    with ENTRY_LOCK:
        set_needs(None)
        for v in range(n):
            p = prims[v]
            if p is INPUT:
                continue
            a, b = A[v], B[v]
            if b == GENERAL:
                ts = [None if i < 0 else tan[i] for i in a]
                for t in ts:
                    if t is not None:
                        break
                else:
                    continue
                t = _push_general(tape, v, p, ts)
            else:
                ta = None if a < 0 else tan[a]
                tb = None if b < 0 else tan[b]
                if ta is None and tb is None:
                    continue
                t = _push_scalar(tape, v, p, ta, tb)
            if t is not None:
                tan[v] = like(vals[v], t)
    return tan


# ------------------------------------------------------------ scalar rules

def rdot(c, t):
    """The real inner product Re(conj(c) t) of two numbers: what a cotangent
    `c` (bcad's convention: d/dRe + i d/dIm of a real functional) pairs with
    a tangent `t` to give that functional's directional derivative."""
    if isinstance(c, complex) or isinstance(t, complex):
        c, t = complex(c), complex(t)
        return c.real * t.real + c.imag * t.imag
    return c * t


def _is_complex(x):
    return isinstance(x, complex) or getattr(x, "dtype", None) is not None and x.dtype.kind == "c"


def _push_scalar(tape, v, p, ta, tb):
    """A primitive of one or two numbers (vjps[i](g, ans, *args))."""
    ans = tape.vals[v]
    args = tape.operands(v)
    if p.jvp is not None:
        return p.jvp((ta, tb), ans, *args)
    cplx = _is_complex(ans)
    out = None
    for i, t in ((0, ta), (1, tb)):
        if t is None or i >= len(p.vjps) or p.vjps[i] is None:
            continue
        vjp = p.vjps[i]
        d = rdot(vjp(1.0, ans, *args), t)
        if cplx:
            d = complex(d, rdot(vjp(1j, ans, *args), t))
        out = d if out is None else out + d
    return out


def _push_general(tape, v, p, ts):
    kind = p.kind
    prm = tape.params[v]
    args, kwargs = prm[0], prm[1]
    ans = prm[2] if len(prm) > 2 else tape.vals[v]
    if p.jvp is not None:
        if kind == "flat" or p.jvp_leaves:
            return p.jvp(ts, ans, args, kwargs)
        n = len(args)
        if not any(type(x) is list or type(x) is tuple for x in args):
            if len(ts) < n:         # (a view re-read: one input, the owner)
                return p.jvp(tuple(ts) + (None,) * (n - len(ts)), ans, args, kwargs)
            if len(ts) == n + len(kwargs) and all(t is None for t in ts[n:]):
                return p.jvp(tuple(ts[:n]), ans, args, kwargs)
    if kind is None:
        return _push_scalar_general(p, ans, args, kwargs, ts)
    if kind == "flat":
        raise NonDifferentiableError(f"bcad: the primitive {p.name} has no JVP rule")
    return _transposed(p, tape.vals[v], ans, args, kwargs, ts)


def _flat_cts(cts, args, kwargs):
    flat = []
    for c, arg in zip(cts, (*args, *kwargs.values())):
        _flat_ct(c, arg, flat)
    return flat


def _push_scalar_general(p, ans, args, kwargs, ts):
    """A rule of any arguments with a number as its output (fsum, hypot,
    custom_vjp): its VJP at 1 (and 1j) is the gradient, paired with `ts`."""
    def pairing(g):
        total = 0.0
        for c, t in zip(_flat_cts(p.vjps[0](g, ans, args, kwargs), args, kwargs), ts):
            if c is not None and t is not None:
                total += rdot(c, t)
        return total
    d = pairing(1.0)
    if _is_complex(ans):
        d = complex(d, pairing(1j))
    return d


# ------------------------------------------------- the transpose of a VJP

def _transposed(p, out, ans, args, kwargs, ts):
    """J t of an array rule without an explicit JVP: the gradient in g of
    <vjp(g), t>, by bcad's reverse mode over the VJP's code."""
    from ..api import grad
    try:
        return grad(pairing(p.vjps[0], ans, args, kwargs, ts))(_seed(out))
    except NonDifferentiableError as e:
        raise NonDifferentiableError(
            f"bcad: forward mode through {p.name} needs the transpose of its VJP rule, and bcad "
            f"could not differentiate that rule ({e.args[0].splitlines()[0]}). Give the "
            f"primitive an explicit JVP (Primitive.jvp).") from None


def _seed(x):
    """A cotangent shaped and typed like x (its value does not matter: the
    VJP is linear in it)."""
    if type(x) is ndarray or type(x) is _Meta:
        return np.ones(x.shape, dtype=x.dtype)
    if isinstance(x, np.generic):
        return x.dtype.type(1)
    return 1.0 if isinstance(x, float) else 1.0 + 0j


# ------------------------------------------------------------------ shapes

def like(x, t):
    """Tangent `t` of value `x`: x's type, shape and dtype (real for a real x)."""
    tx = type(x)
    if tx is float:
        if type(t) is float:
            return t
        return float(np.real(t))
    if tx is complex:
        return complex(t)
    if tx is ndarray or tx is _Meta:
        if type(t) is not ndarray:
            t = np.asarray(t)
        if t.dtype.kind == "c" and x.dtype.kind != "c":
            t = t.real
        if t.shape != x.shape:
            if t.size != 1 and np.broadcast_shapes(t.shape, x.shape) != x.shape:
                raise AssertionError(f"bcad internal error: tangent of shape {t.shape} for a "
                                     f"value of shape {x.shape}")
            t = np.broadcast_to(t, x.shape)
        if t.dtype != x.dtype:
            t = t.astype(x.dtype)
        return t
    if isinstance(x, np.generic):
        if np.iscomplexobj(t) and x.dtype.kind != "c":
            t = np.real(t)
        return x.dtype.type(t)
    return t


def zeros_like_value(x):
    if type(x) is ndarray:
        return np.zeros_like(x)
    if isinstance(x, np.generic):
        return x.dtype.type(0)
    return 0j if type(x) is complex else 0.0
