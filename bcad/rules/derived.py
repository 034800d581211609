"""The arithmetic of the derivative passes, as code bcad interprets.

bcad runs its own modules natively, except this folder (the rules are
ordinary numpy code).  The functions here compute with cotangents and
tangents: JVPs derived from VJPs, the pairing whose gradient transposes a
VJP, cotangents and tangents shaped like their values, the assembly of
Jacobian blocks.  Called directly by a pass at the top level, they are
interpreted when a pass runs inside another transform (transforms/nested.py),
so that what they compute is recorded and differentiated in turn.
"""
import numpy as np


def _inner(c, t):
    """Re<c, t> summed (numbers or arrays)."""
    if np.iscomplexobj(c) or np.iscomplexobj(t):
        return np.sum(np.real(np.conj(c) * t))
    return np.sum(np.multiply(c, t))


def rdot(c, t):
    """The real inner product Re(conj(c) t) of two numbers: what a cotangent
    `c` (bcad's convention: d/dRe + i d/dIm of a real functional) pairs with
    a tangent `t` to give that functional's directional derivative."""
    if isinstance(c, complex) or isinstance(t, complex):
        c, t = complex(c), complex(t)
        return c.real * t.real + c.imag * t.imag
    return c * t


def _rdot_leaf(c, t):
    """rdot of a number's cotangent and tangent, or Re<c, t> summed of an
    array's (a rule of arrays whose output is a number: a custom_vjp)."""
    if type(c) is np.ndarray or type(t) is np.ndarray:
        return _inner(c, t)
    return rdot(c, t)


def flat_cts(cts, args, kwargs):
    """A general rule's cotangents flattened like the argument leaves (of
    args, then of kwargs' values; None for a whole subtree), as reverse mode
    pairs them with the recorded input variables."""
    flat = []
    for c, arg in zip(cts, (*args, *kwargs.values())):
        _flat(c, arg, flat)
    return flat


def _flat(c, arg, out):
    ta = type(arg)
    if ta is list or ta is tuple:
        for i, x in enumerate(arg):
            _flat(None if c is None else c[i], x, out)
    elif ta is dict:
        for k, x in arg.items():
            _flat(None if c is None else c[k], x, out)
    else:
        out.append(c)


def pairing(vjp, ans, args, kwargs, ts, inner=_inner):
    """g -> <vjp(g, ans, args, kwargs), ts>, with `ts` the tangents of the
    argument leaves: its gradient in g is the rule's JVP, J t."""
    def paired(g):
        total = 0.0
        for c, t in zip(flat_cts(vjp(g, ans, args, kwargs), args, kwargs), ts):
            if c is not None and t is not None:
                total = total + inner(c, t)
        return total
    return paired


def scalar_jvp(vjps, ts, ans, args, cplx):
    """J t of a primitive of numbers, from its VJPs at the cotangents 1 (and
    1j for a complex output): exact, since a VJP is linear in g."""
    out = None
    for i, t in enumerate(ts):
        if t is None or i >= len(vjps) or vjps[i] is None:
            continue
        d = rdot(vjps[i](1.0, ans, *args), t)
        if cplx:
            d = d + 1j * rdot(vjps[i](1j, ans, *args), t)
        out = d if out is None else out + d
    return out


def general_scalar_jvp(vjp, ans, args, kwargs, ts, cplx):
    """J t of a rule of any arguments whose output is a number (fsum, hypot,
    custom_vjp): its VJP at 1 (and 1j) is the gradient, paired with `ts`."""
    pair = pairing(vjp, ans, args, kwargs, ts, _rdot_leaf)
    d = pair(1.0)
    if cplx:
        d = d + 1j * pair(1j)
    return d


def like(x, t):
    """Tangent or cotangent `t` of value `x` (an array, a numpy scalar, a
    number, or the shape-and-dtype record of an array): x's type, shape and
    dtype, real for a real x."""
    tx = type(x)
    if tx is float:
        if type(t) is float:
            return t
        return float(np.real(t))
    if tx is complex:
        return complex(t)
    if tx is np.ndarray or hasattr(x, "shape") and not isinstance(x, np.generic):
        if type(t) is not np.ndarray:
            t = np.asarray(t)
        if t.dtype.kind == "c" and x.dtype.kind != "c":
            t = np.real(t)
        if t.shape != x.shape:
            if t.size != 1 and np.broadcast_shapes(t.shape, x.shape) != x.shape:
                if t.size != int(np.prod(x.shape)):
                    raise AssertionError(f"bcad internal error: a tangent or cotangent of "
                                         f"shape {t.shape} for a value of shape {x.shape}")
                t = np.reshape(t, x.shape)
            else:
                t = np.broadcast_to(t, x.shape)
        if t.dtype != x.dtype:
            t = t.astype(x.dtype)
        return t
    if isinstance(x, np.generic):
        if np.iscomplexobj(t) and x.dtype.kind != "c":
            t = np.real(t)
        return x.dtype.type(t)
    return t


def add(a, b):
    return a + b


def dense(x, key, g, basic, flat):
    """The cotangent of a subscript's input: zeros of x's shape with `g`
    added at `key` (flat C-order positions if `flat`)."""
    buf = np.zeros(x.shape, dtype=np.result_type(x.dtype, np.real(g).dtype))
    if np.iscomplexobj(g) and buf.dtype.kind != "c":
        g = np.real(g)
    if flat:
        view = np.zeros(buf.size, dtype=buf.dtype)
        np.add.at(view, key, g)
        return np.reshape(view, x.shape)
    np.add.at(buf, key, g)
    return buf


def block(parts, oshape, ishape, forward, dtype, scalar):
    """A Jacobian block of shape oshape + ishape from its columns (forward
    mode: one output tangent per input element) or rows (reverse mode: one
    input cotangent per output element)."""
    if forward:
        blk = np.stack([np.reshape(np.asarray(c, dtype=dtype), oshape) for c in parts], axis=-1)
    else:
        blk = np.stack([np.reshape(np.asarray(r, dtype=dtype), ishape) for r in parts], axis=0)
    blk = np.reshape(blk, oshape + ishape)
    if scalar:
        return float(blk)
    return blk


def fresh(x):
    """A new object equal to x (a transform's own input variable)."""
    if type(x) is np.ndarray:
        return x.copy()
    return -(-x)


def custom_vjp_rule(custom):
    """The VJP of a bcad.custom_vjp: its backward on the residuals its
    forward saved for this output."""
    def vjp(g, ans, args, kwargs):
        cts = custom.bwd(custom._residuals[id(ans)], g)
        if not isinstance(cts, tuple) or len(cts) != len(args):
            raise TypeError(f"custom_vjp backward of {custom.__qualname__} must return a tuple "
                            f"of {len(args)} cotangents, got {cts!r:.80}")
        return cts
    vjp.__self__ = custom       # (as a bound method's: trace/runtime.py finds the custom_vjp)
    return vjp


def contraction(fun, ct):
    """*args -> sum_k Re<ct_k, out_k> over the leaves of fun's output (a
    real scalar to take derivatives of, bcad.testing.check_grads)."""
    from ..transforms.tree import flatten

    def contracted(*args):
        leaves, _ = flatten(fun(*args))
        total = 0.0
        for c, x in zip(ct, leaves):
            total = total + _inner(c, x)
        return total
    return contracted
