"""Reverse mode: record the forward pass on a tape, then run the adjoint.

The adjoint program is the tape read backwards with each equation replaced
by the VJPs of its primitive: `ct[input] += vjp_i(ct[output], primals)`.
`adjoint_program(tape, outputs)` lists those instructions (what the trace
dumps print); `backward` executes them.
"""
import contextlib

from ..errors import NonDifferentiableError
from ..interpreter import calls, frame, objects, run_call, ENTRY_LOCK
from ..tape.tape import Tape, INPUT, GENERAL, active
from . import boundary, tracking, ad_handlers
from .tree import flatten, unflatten, paths


@contextlib.contextmanager
def recording(tape):
    """Run interpreted code in differentiation mode, recording on `tape`."""
    if active() is not None:
        raise NonDifferentiableError(
            "nested differentiation (grad of a function that itself calls bcad.grad/vjp) is "
            "not supported yet")
    saved = (frame.AD_MODE[0], calls.AD_CALL[0], list(objects.AD_HOOKS), calls.AD_CALLBACK[0])
    frame.AD_MODE[0] = True
    calls.AD_CALL[0] = tracking.call_c
    calls.AD_CALLBACK[0] = boundary.callback_returned
    objects.AD_HOOKS[:] = [ad_handlers.native_binary, ad_handlers.native_unary,
                           tracking.taint_hook, ad_handlers.iterator_hook]
    try:
        with tape, boundary.OtherThreads(tape):
            yield tape
    finally:
        frame.AD_MODE[0], calls.AD_CALL[0], calls.AD_CALLBACK[0] = saved[0], saved[1], saved[3]
        objects.AD_HOOKS[:] = saved[2]


def fresh(x):
    """A new object equal to x: an input must never be the same object as a
    constant inside the code (a literal 1.0 passed in may be the code's 1.0)."""
    return -(-x)


def _zero(x):
    return 0j if type(x) is complex else 0.0


def check_input(x, where):
    tx = type(x)
    if tx is float or tx is complex:
        return True
    if tx is bool or isinstance(x, int):
        raise TypeError(
            f"bcad: {where} is {type(x).__name__} {x!r}; differentiable inputs must be "
            f"float or complex. Pass {float(x)!r} instead, or leave the argument out of argnums.")
    if isinstance(x, float):          # a float subclass: differentiate its float value
        return True
    if type(x).__module__ == "numpy":
        raise TypeError(f"bcad: {where} is a numpy {type(x).__name__}; differentiating with "
                        f"respect to numpy arrays is not supported yet (pass floats, or lists "
                        f"of floats)")
    return False


def prepare_inputs(tape, value, where):
    """Copy the float/complex leaves of `value` into fresh tracked objects.
    Returns (new value, leaves, treedef, differentiable mask)."""
    leaves, treedef = flatten(value)
    names = paths(treedef, where)
    new, mask = [], []
    for leaf, name in zip(leaves, names):
        if check_input(leaf, name):
            v = fresh(float(leaf) if type(leaf) not in (float, complex) else leaf)
            tape.new_input(v)
            new.append(v)
            mask.append(True)
        else:
            new.append(leaf)
            mask.append(False)
    return unflatten(treedef, new), new, treedef, mask


def backward(tape, seeds):
    """Run the adjoint program from `seeds` {var: cotangent}; returns the
    cotangent list indexed by variable (None where zero)."""
    n = len(tape.vals)
    ct = [None] * n
    for v, g in seeds.items():
        ct[v] = g if ct[v] is None else ct[v] + g
    vals, prims, A, B, params = tape.vals, tape.prim, tape.a, tape.b, tape.params
    for v in range(n - 1, -1, -1):
        g = ct[v]
        if g is None:
            continue
        p = prims[v]
        if p is INPUT:
            continue
        a = A[v]
        b = B[v]
        if b == GENERAL:
            args, kwargs = params[v]
            cts = p.vjps[0](g, vals[v], args, kwargs)
            flat = []
            for c, arg in zip(cts, (*args, *kwargs.values())):
                _flat_ct(c, arg, flat)
            for i, c in zip(a, flat):
                if i >= 0 and c is not None:
                    c = _real_for(vals[i], c)
                    ct[i] = c if ct[i] is None else ct[i] + c
            continue
        prm = params[v]
        if prm is None:
            prm = (vals[a],) if b == -1 else (vals[a], vals[b])
        if a >= 0 and p.vjps[0] is not None:
            c = _real_for(vals[a], p.vjps[0](g, vals[v], *prm))
            ct[a] = c if ct[a] is None else ct[a] + c
        if b >= 0 and p.vjps[1] is not None:
            c = _real_for(vals[b], p.vjps[1](g, vals[v], *prm))
            ct[b] = c if ct[b] is None else ct[b] + c
    return ct


def _real_for(x, c):
    if type(c) is complex and type(x) is not complex:
        return c.real
    return c


def _flat_ct(c, arg, out):
    """Flatten cotangent `c` like argument `arg` (None for a whole subtree)."""
    ta = type(arg)
    if ta is list or ta is tuple:
        if c is None:
            for x in arg:
                _flat_ct(None, x, out)
        else:
            for ci, x in zip(c, arg):
                _flat_ct(ci, x, out)
    elif ta is dict:
        for k, x in arg.items():
            _flat_ct(None if c is None else c[k], x, out)
    else:
        out.append(c)


def adjoint_program(tape, out_vars):
    """The adjoint instructions, in execution order:
    (output var, primitive, input position, input var, site)."""
    needed = [False] * len(tape.vals)
    for v in out_vars:
        if v >= 0:
            needed[v] = True
    prog = []
    for v in range(len(tape.vals) - 1, -1, -1):
        if not needed[v] or tape.prim[v] is INPUT:
            continue
        a, b = tape.a[v], tape.b[v]
        ins = a if b == GENERAL else (a, b)
        for pos, i in enumerate(ins):
            if i >= 0:
                needed[i] = True
                prog.append((v, tape.prim[v], pos, i, tape.site[v]))
    return prog


class VJPResult:
    """What `vjp` computed: the output and the recorded tape."""

    def __init__(self, tape, out, inputs):
        self.tape = tape
        self.out = out
        self.inputs = inputs      # list of (leaves, treedef, mask) per argument


def run_forward(fun, args, kwargs, diff_positions, tape=None):
    """Interpret fun(*args, **kwargs) recording on a tape, with the float
    leaves of args[i] (i in diff_positions) as inputs."""
    tape = tape if tape is not None else Tape()
    args = list(args)
    inputs = []
    for i in diff_positions:
        if i >= len(args):
            raise TypeError(f"bcad: argnums refers to argument {i}, but only {len(args)} "
                            f"positional arguments were given")
        args[i], leaves, treedef, mask = prepare_inputs(tape, args[i], f"argument {i}")
        inputs.append((leaves, treedef, mask))
    n_inputs = len(tape)
    with ENTRY_LOCK, recording(tape):
        try:
            out = run_call(fun, tuple(args), kwargs)
        except Exception as e:
            first, tape.refusal = tape.refusal, None
            if first is not None and not (type(e) is NonDifferentiableError
                                          and e.args[0] == first):
                raise NonDifferentiableError(first) from None   # it came first: it wins
            raise
        finally:
            # Text and objects derived from tracked values are needed only
            # while recording.  Dropping them here frees them by reference
            # counting, in order: left to the cycle collector (an exception's
            # traceback references this frame, hence the tape), CPython can
            # crash clearing a memoryview that another one still exports.
            tape.taint.clear()
    first, tape.refusal = tape.refusal, None
    if first is not None:           # a refusal that interpreted or C code swallowed
        raise NonDifferentiableError(first)
    LAST_STATS.clear()
    LAST_STATS.update(n_ops=len(tape) - n_inputs, n_inputs=n_inputs)
    return VJPResult(tape, out, inputs)


# What the last forward pass recorded (bcad.last_tape_stats()).
LAST_STATS = {}


def gradients(res, out_leaves, cts):
    """Cotangents of the inputs given cotangents `cts` of `out_leaves`."""
    tape = res.tape
    seeds = {}
    for leaf, c in zip(out_leaves, cts):
        v = tape.var_of(leaf)
        if v >= 0 and c is not None:
            seeds[v] = c if v not in seeds else seeds[v] + c
    ct = backward(tape, seeds) if seeds else [None] * len(tape.vals)
    grads = []
    for leaves, treedef, mask in res.inputs:
        out = []
        for leaf, m in zip(leaves, mask):
            if not m:
                out.append(None)
                continue
            g = ct[tape.var_of(leaf)]
            out.append(_zero(leaf) if g is None else _real_for(leaf, g))
        grads.append(unflatten(treedef, out))
    return grads
