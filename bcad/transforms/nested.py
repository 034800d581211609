"""Transforms inside transforms: `grad(grad(f))`, `jvp` of a function that
calls `grad` (Hessian-vector products), `jacfwd(jacrev(f))` (Hessians),
`grad` of a function that calls `vjp`.

One tape records everything.  A transform called while a tape records in
this thread (from interpreted code; context.recording()) starts no tape of
its own:

- it pushes a transform level on the same tape, marked differentiated,
  whose segment starts at the tape's length (context.Level);
- its inputs become fresh variables of the tape: copies of the values
  passed in, recorded as such (`-(-x)`, `a.copy()`), so the outer derivative
  flows through them;
- the function is interpreted on that tape, as any code would be; the level
  is popped when it returns or raises;
- its own pass (backward here, the tangent push in forward.py) runs over the
  *segment* of equations it recorded, and every computation of that pass
  (each rule's VJP or JVP, each accumulation) is interpreted: recorded like
  the user's arithmetic, hence differentiated by the outer transform.

Perturbation confusion cannot happen: an inner pass propagates only inside
its segment, from its outputs to its own fresh inputs.  A value of the
outer computation that the inner function reads (a closure's `x`) is a
constant to the inner pass, and the inner result depends on it through
recorded equations that the outer pass sees.  (`x * grad(lambda y: x * y)(1.0)`
has derivative 2x.)

A rule whose VJP bcad cannot interpret (bcad's own code, run natively)
makes an inner pass through it raise NonDifferentiableError.  A
custom_vjp's backward is user code: inside another transform its forward is
recorded (api.custom_vjp) and its backward interpreted, so that both are
differentiated.
"""
import numpy as np

from ..decode import decode
from ..errors import NonDifferentiableError
from ..interpreter import run_call
from ..rules import derived
from ..rules.numpy import Scatter, set_needs, GETITEM, GATHER
from ..tape.tape import INPUT, GENERAL, EXPRESSION, NO_KEYWORDS
from .context import Level, recording
from .tree import flatten, unflatten, paths


def kernel(fn, *args):
    """fn(*args), interpreted while a tape records in this thread (so that
    the transform around sees what it computes), called directly otherwise."""
    if recording() is not None:
        return run_call(fn, args, {})
    return fn(*args)


def interpretable(p, fn):
    """Refuse a pass through rule `p` inside another transform when `fn`
    (its VJP or JVP) is bcad's own code, which runs natively (unseen)."""
    code = getattr(fn, "__code__", None)
    if code is None:
        code = getattr(getattr(fn, "__func__", None), "__code__", None)
    if code is None or decode(code).native:
        raise NonDifferentiableError(
            f"bcad: differentiating through {p.name} inside another transform (grad of grad, a "
            f"Hessian) needs its derivative rule to be Python code bcad can interpret; this "
            f"one is not. Differentiate once, or write the rule with bcad.defvjp_array.")
    return fn


# ------------------------------------------------------------ the inputs

def run_forward(tape, fun, args, kwargs, diff_positions, kind):
    """`reverse.run_forward` inside a recording on `tape`: a level of `kind`
    on it, the inputs fresh variables of it, the function interpreted on it."""
    with Level(kind, tape, differentiated=True) as level:
        return _run_forward(tape, level.start, fun, args, kwargs, diff_positions)


def _run_forward(tape, start, fun, args, kwargs, diff_positions):
    from .reverse import VJPResult, check_input
    args = list(args)
    inputs, input_var = [], {}
    for i in diff_positions:
        if i >= len(args):
            raise TypeError(f"bcad: argnums refers to argument {i}, but only {len(args)} "
                            f"positional arguments were given")
        leaves, treedef = flatten(args[i])
        new, mask = [], []
        for leaf, name in zip(leaves, paths(treedef, f"argument {i}")):
            if not check_input(leaf, name):
                new.append(leaf)
                mask.append(False)
                continue
            x = kernel(derived.fresh, leaf)
            v = tape.ids.get(id(x), -1)
            if v < start:               # not computed from a tracked value: an input
                v = tape.new_input(x)
            input_var[id(x)] = v
            new.append(x)
            mask.append(True)
        args[i] = unflatten(treedef, new)
        inputs.append((new, treedef, mask))
    out = run_call(fun, tuple(args), kwargs)
    res = VJPResult(None, out, inputs)
    res.tape, res.input_var, res.start = tape, input_var, start
    return res


# ------------------------------------------------------------ the backward

def gradients(res, out_leaves, cts):
    """`reverse.gradients` inside a recording: the backward pass over the
    segment res.start.., each rule interpreted."""
    tape, start = res.tape, res.start
    end = len(tape)
    ct = {}
    for leaf, c in zip(out_leaves, cts):
        v = tape.var_of(leaf)
        if v >= start and c is not None:
            ct[v] = c if v not in ct else kernel(derived.add, ct[v], c)
    inputs = set(res.input_var.values())
    got = {}
    set_needs(None)
    from .reverse import input_gradients, derivative_errors
    with derivative_errors():
        for v in range(end - 1, start - 1, -1):
            g = ct.pop(v, None)
            if g is None:
                continue
            if v in inputs:
                got[v] = g
                continue
            p = tape.prim[v]
            if p is INPUT:
                continue
            for i, c in _vjp_equation(tape, v, p, g, start):
                if i >= start and c is not None:
                    c = kernel(derived.like, tape.vals[i], c)
                    ct[i] = c if i not in ct else kernel(derived.add, ct[i], c)
    return input_gradients(res, lambda leaf, v: None if v not in got else
                           kernel(derived.like, leaf, got[v]))


def _vjp_equation(tape, v, p, g, start):
    """(input variable, cotangent) pairs of equation v given its output's
    cotangent g, every rule interpreted (none for inputs before `start`:
    values of the outer computation, constants to this pass)."""
    vals = tape.vals
    if tape.b[v] == EXPRESSION:     # (recorded only when no pass is differentiated: context)
        raise AssertionError("bcad internal error: an expression equation in a "
                             "differentiated pass")
    if tape.b[v] != GENERAL:
        args = tape.operands(v)
        out = []
        for k, i in enumerate((tape.a[v], tape.b[v])):
            if i >= start and k < len(p.vjps) and p.vjps[k] is not None:
                out.append((i, run_call(interpretable(p, p.vjps[k]), (g, vals[v], *args), {})))
        return out
    prm = tape.params[v]
    args, kwargs = prm[0], prm[1] or NO_KEYWORDS
    ans = prm[2] if len(prm) > 2 else vals[v]
    in_vars = tape.a[v]
    undo = relink(tape, v, in_vars, args, kwargs, ans)
    set_needs(in_vars if len(in_vars) == len(args) + len(kwargs) else None, start)
    try:
        vjp = interpretable(p, p.vjps[0])
        if p.kind == "flat":
            cts, _ = run_call(vjp, (g, ans, args, kwargs, False), {})
            flat = list(cts)
        else:
            cts = run_call(vjp, (g, ans, args, kwargs), {})
            if p is GETITEM or p is GATHER:
                flat = [_dense(args[0], cts[0])]
            else:
                flat = run_call(derived.flat_cts, (cts, args, kwargs), {})
    finally:
        set_needs(None)
        restore(tape, undo)
    return [(i, c) for i, c in zip(in_vars, flat)]


def _dense(x, s):
    if type(s) is not Scatter:
        return s
    return run_call(derived.dense, (x, s.key, s.g, s.basic, s.flat), {})


def relink(tape, v, in_vars, args, kwargs, ans):
    """While equation v's rule (VJP, or JVP in forward.py) runs, its saved
    arguments (and output) are its recorded input variables (and v): an
    array the tape copied before a later write is the variable it was when
    v was recorded.  Returns what `restore` undoes."""
    from .tracking import leaves_of
    leaves = []
    for a in (*args, *kwargs.values()):
        leaves_of(tape, a, leaves)
    pairs = [(x, k) for x, k in zip(leaves, in_vars) if k >= 0]
    if type(ans) is np.ndarray:
        pairs.append((ans, v))
    elif type(ans) is tuple:
        # A rule of several outputs (svd, eigh): one equation per output,
        # recorded one after another, each output the value of its own (or,
        # written in place later, the copy the tape made of it: pinv's
        # `divide(1, s, out=s)`).
        vals, n = tape.vals, len(ans)
        for x in ans:
            if type(x) is np.ndarray:
                for w in range(max(v - n + 1, 0), min(v + n, len(vals))):
                    if vals[w] is x:
                        pairs.append((x, w))
                        break
    undo = []
    ids = tape.ids
    for x, k in pairs:
        if type(x) is not np.ndarray:
            continue
        cur = ids.get(id(x))
        if cur != k:
            undo.append((id(x), cur))
            ids[id(x)] = k
    return undo


def restore(tape, undo):
    for i, old in undo:
        if old is None:
            tape.ids.pop(i, None)
        else:
            tape.ids[i] = old
