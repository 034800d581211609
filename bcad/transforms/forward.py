"""Forward mode: tangents pushed through the recorded equations.

`linearize` interprets the function once, recording the same tape as reverse
mode (with every float leaf of the primals as an input); the linear map it
returns runs that tape *forwards*, computing each equation's tangent from
its inputs' tangents with the primitive's JVP (`push_one`).  `jvp` inside
another transform is one such push, `jacfwd` one per input number; `jvp`
at the top runs `push_one` on each equation as it is recorded instead
(streamed.py).  Writes and views need nothing of their own:
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

Inside another transform (`grad` of a function that calls `jvp`: a tape
still records in this thread, context.recording()), the push covers only
the equations the inner function recorded, and every JVP is interpreted so
that the outer transform differentiates it (nested.py),
reading its saved operands as the variables they were when recorded (an
operand written in place later is the tape's copy: nested.relink).

Conventions are reverse mode's: a complex number's tangent is complex; a
real value's tangent is real, of its dtype and shape (float32 in, float32
out); a tangent of None is zero.
"""
import numpy as np

from ..errors import NonDifferentiableError
from ..interpreter import ENTRY_LOCK
from ..tape.tape import INPUT, GENERAL, EXPRESSION, NO_KEYWORDS
from .expressions import expression_jvp
from ..rules import derived
from ..rules.numpy import set_needs
from . import arrays, context
from .nested import kernel, interpretable, relink, restore
from .reverse import derivative_errors

ndarray = np.ndarray
_Meta = arrays.Meta


def push(tape, seeds, start=0):
    """Tangents of the variables of `tape` from `start` on, given `seeds`
    {var: tangent} (the inputs'); None where zero."""
    n = len(tape.vals)
    tan = [None] * n
    for v, t in seeds.items():
        tan[v] = t
    with ENTRY_LOCK, derivative_errors():
        nested = context.recording() is not None
        set_needs(None)
        for v in range(start, n):
            t = push_one(tape, v, tan, start, nested)
            if t is not None:
                tan[v] = t
    return tan


def push_one(tape, v, tan, start=0, nested=False):
    """The tangent of equation v of `tape` (None: zero), from its inputs'
    tangents `tan[i]` (indexed by variable; None: zero; variables before
    `start` are constants).  (`push` runs it over a recorded tape; the
    streamed jvp, streamed.py, on each equation as it is recorded.)"""
    p = tape.prim[v]
    if p is INPUT:
        return None
    a, b = tape.a[v], tape.b[v]
    if b == EXPRESSION:
        ts = [None if i < start else tan[i] for i in a]
        if all(t is None for t in ts):
            return None
        if nested:
            raise AssertionError("bcad internal error: an expression equation in a "
                                 "differentiated pass")
        t = expression_jvp(p, ts, tape.params[v])
    elif b == GENERAL:
        ts = [None if i < start else tan[i] for i in a]
        for t in ts:
            if t is not None:
                break
        else:
            return None
        t = _push_general(tape, v, p, ts, nested)
    else:
        ta = None if a < start else tan[a]
        tb = None if b < start else tan[b]
        if ta is None and tb is None:
            return None
        t = _push_scalar(tape, v, p, ta, tb, nested)
    if t is None:
        return None
    if nested:
        return kernel(derived.like, tape.vals[v], t)
    return derived.like(tape.vals[v], t)


def _is_complex(x):
    return isinstance(x, complex) or getattr(x, "dtype", None) is not None and x.dtype.kind == "c"


def _rule(p, fn, nested):
    return interpretable(p, fn) if nested else fn


def _push_scalar(tape, v, p, ta, tb, nested):
    """A primitive of one or two numbers (vjps[i](g, ans, *args))."""
    ans = tape.vals[v]
    args = tape.operands(v)
    if not nested:      # (kernel's direct call: no tape records)
        if p.jvp is not None:
            return p.jvp((ta, tb), ans, *args)
        return derived.scalar_jvp(p.vjps, (ta, tb), ans, args, _is_complex(ans))
    if p.jvp is not None:
        return kernel(interpretable(p, p.jvp), (ta, tb), ans, *args)
    vjps = tuple(None if f is None else interpretable(p, f) for f in p.vjps)
    return kernel(derived.scalar_jvp, vjps, (ta, tb), ans, args, _is_complex(ans))


def _push_general(tape, v, p, ts, nested):
    if not nested:
        return _push_general_rule(tape, v, p, ts, nested)
    prm = tape.params[v]
    undo = relink(tape, v, tape.a[v], prm[0], prm[1] or NO_KEYWORDS,
                  prm[2] if len(prm) > 2 else tape.vals[v])
    try:
        return _push_general_rule(tape, v, p, ts, nested)
    finally:
        restore(tape, undo)


def _push_general_rule(tape, v, p, ts, nested):
    kind = p.kind
    prm = tape.params[v]
    args, kwargs = prm[0], prm[1] or NO_KEYWORDS
    ans = prm[2] if len(prm) > 2 else tape.vals[v]
    if p.jvp is not None:
        jvp = _rule(p, p.jvp, nested)
        if kind == "flat" or p.jvp_leaves:
            return kernel(jvp, ts, ans, args, kwargs)
        n = len(args)
        if len(ts) < n and not any(type(x) is list or type(x) is tuple for x in args):
            # (a view re-read: one input, the owner)
            return kernel(jvp, tuple(ts) + (None,) * (n - len(ts)), ans, args, kwargs)
        per_arg = _per_argument(args, kwargs, ts)
        if per_arg is not None:
            t = kernel(jvp, per_arg, ans, args, kwargs)
            if t is not NotImplemented:     # (else: this call's JVP is derived)
                return t
    if kind == "flat":
        raise NonDifferentiableError(f"bcad: the primitive {p.name} has no JVP rule")
    vjp = _rule(p, p.vjps[0], nested)
    if kind is None:
        return kernel(derived.general_scalar_jvp, vjp, ans, args, kwargs, ts, _is_complex(ans))
    return _transposed(p, vjp, tape.vals[v], ans, args, kwargs, ts)


def _leaves(x):
    tx = type(x)
    if tx is list or tx is tuple:
        return sum(_leaves(e) for e in x)
    if tx is dict:
        return sum(_leaves(e) for e in x.values())
    return 1


def _per_argument(args, kwargs, ts):
    """The tangents of the leaves (as recorded: args', then kwargs' values',
    sequences opened) as one tangent per positional argument, or None when
    a sequence or a keyword argument carries one (then the JVP is derived:
    an explicit JVP takes arrays and numbers)."""
    out, k = [], 0
    for i, a in enumerate((*args, *kwargs.values())):
        n = _leaves(a)
        sub = ts[k:k + n]
        k += n
        if n == 1 and type(a) is not list and type(a) is not tuple and type(a) is not dict:
            t = sub[0]
        else:
            t = None
            for s in sub:
                if s is not None:
                    return None
        if i >= len(args):
            if t is not None:
                return None
        else:
            out.append(t)
    return tuple(out) if k == len(ts) else None


# ------------------------------------------------- the transpose of a VJP

def _transposed(p, vjp, out, ans, args, kwargs, ts):
    """J t of an array rule without an explicit JVP: the gradient in g of
    <vjp(g), t>, by bcad's reverse mode over the VJP's code."""
    from ..api import grad
    try:
        return grad(derived.pairing(vjp, ans, args, kwargs, ts))(_seed(out))
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
