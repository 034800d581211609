"""Reverse mode: record the forward pass on a tape, then run the adjoint.

The adjoint program is the tape read backwards with each equation replaced
by the VJPs of its primitive: `ct[input] += vjp_i(ct[output], primals)`.
`adjoint_program(tape, outputs)` lists those instructions (what the trace
dumps print); `backward` executes them.  `run_forward` records under a
transform level (context.py); called while a tape records in this thread,
it hands over to nested.py.
"""
import contextlib

import numpy as np

from ..errors import NonDifferentiableError
from ..interpreter import calls, frame, objects, run_call, ENTRY_LOCK
from ..tape.tape import Tape, INPUT, GENERAL, EXPRESSION, NO_KEYWORDS
from . import boundary, tracking, ad_handlers, arrays, context, native_guard
from .tree import flatten, unflatten, paths
from ..rules import BINARY, UNARY, RULES
from ..rules.numpy import Scatter, set_needs, GETITEM, SETITEM, _NEEDS

_Meta = arrays.Meta
crossed_args = arrays.crossed_args
_float64 = np.float64
_F64 = np.dtype(np.float64)
_ADD, _SUB, _MUL, _NEG = BINARY[0], BINARY[10], BINARY[5], UNARY["__neg__"]
_REAL_ARITH = frozenset({_ADD, _SUB, _MUL, _NEG})
_REALS = frozenset({float, _float64, int, bool})


@contextlib.contextmanager
def recording(tape, kind):
    """Run interpreted code in differentiation mode, recording on `tape`
    under a transform level of `kind` (context.py).  (A transform called
    while a tape records does not get here: nested.py.)"""
    if context.recording() is not None:
        raise AssertionError("bcad internal error: a second tape while one records")
    with differentiating(True), context.Level(kind, tape), boundary.OtherThreads(tape):
        yield tape


@contextlib.contextmanager
def differentiating(on):
    """The interpreter's differentiation mode (its handlers and hooks that
    record) switched on, or off (api.custom_vjp's forward, run natively
    inside a recording), and back as it was."""
    saved = (frame.AD_MODE[0], calls.AD_CALL[0], list(objects.AD_HOOKS), calls.AD_CALLBACK[0])
    frame.AD_MODE[0] = on
    calls.AD_CALL[0] = tracking.call_c if on else None
    calls.AD_CALLBACK[0] = boundary.callback_returned if on else None
    objects.AD_HOOKS[:] = [ad_handlers.native_binary, ad_handlers.native_unary,
                           tracking.taint_hook, ad_handlers.iterator_hook] if on else \
        [None] * len(objects.AD_HOOKS)
    try:
        yield
    finally:
        frame.AD_MODE[0], calls.AD_CALL[0], calls.AD_CALLBACK[0] = saved[0], saved[1], saved[3]
        objects.AD_HOOKS[:] = saved[2]


def fresh(x):
    """A new object equal to x: an input must never be the same object as a
    constant inside the code (a literal 1.0 passed in may be the code's 1.0)."""
    return -(-x)


def zero_like(x):
    """The zero gradient (or tangent) of value x: its type, shape and dtype."""
    if type(x) is np.ndarray:
        return np.zeros_like(x)
    if isinstance(x, np.generic):
        return x.dtype.type(0)
    return 0j if type(x) is complex else 0.0


def check_input(x, where):
    tx = type(x)
    if tx is float or tx is complex:
        return True
    if tx is np.ndarray or isinstance(x, np.generic) and not isinstance(x, float):
        if x.dtype.kind in "fc":
            return True
        raise TypeError(
            f"bcad: {where} is a numpy {tx.__name__} of dtype {x.dtype}; only float and complex "
            f"arrays are differentiable. Pass x.astype(float), or leave the argument out of "
            f"argnums.")
    if tx is bool or isinstance(x, int):
        raise TypeError(
            f"bcad: {where} is {type(x).__name__} {x!r}; differentiable inputs must be "
            f"float or complex. Pass {float(x)!r} instead, or leave the argument out of argnums.")
    if isinstance(x, float):          # a float subclass: differentiate its float value
        return True
    if isinstance(x, np.ndarray):
        raise TypeError(f"bcad: {where} is a {tx.__module__}.{tx.__qualname__} (an ndarray "
                        f"subclass); pass np.asarray(x)")
    return False


def _fresh_input(tape, leaf):
    tl = type(leaf)
    if tl is np.ndarray:
        return arrays.check_array_input(tape, leaf)
    if isinstance(leaf, np.generic) and not isinstance(leaf, float):
        return leaf.copy() if id(leaf) in tape.ids else leaf
    return fresh(float(leaf) if tl not in (float, complex) else leaf)


def prepare_inputs(tape, value, where):
    """Copy the float/complex leaves of `value` into fresh tracked objects
    (arrays: the caller's own, unless a view or passed twice).
    Returns (new value, leaves, treedef, differentiable mask)."""
    leaves, treedef = flatten(value)
    names = paths(treedef, where)
    new, mask = [], []
    for leaf, name in zip(leaves, names):
        if check_input(leaf, name):
            v = _fresh_input(tape, leaf)
            tape.new_input(v)
            new.append(v)
            mask.append(True)
        else:
            new.append(leaf)
            mask.append(False)
    return unflatten(treedef, new), new, treedef, mask


_SEQUENCES = frozenset((list, tuple))
_ARRAY = RULES[np.array]


def backward(tape, seeds, owned_out=None):
    """Run the adjoint program from `seeds` {var: cotangent}; returns the
    cotangent list indexed by variable (None where zero).

    Array cotangents the pass created itself are *owned* (no rule holds
    them): they are accumulated into in place, and a write's VJP zeroes its
    region in place, so loops of subscripts and writes stay linear.  A
    variable's cotangent is dropped once its equation has run."""
    n = len(tape.vals)
    ct = [None] * n
    owned = set()
    vals, prims, A, B, params = tape.vals, tape.prim, tape.a, tape.b, tape.params
    acc = _Accumulator(ct, owned, vals)
    needs = _NEEDS
    set_needs(None)
    for v, g in seeds.items():
        acc.add(v, g)

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
            kind = p.kind
            prm = params[v]
            args, kwargs = prm[0], prm[1] or NO_KEYWORDS
            if p.crossed and len(args) == 2 and (args[0] is None or args[1] is None):
                args = crossed_args(args, a, vals)      # (an operand's Meta: record_pair)
            if p is GETITEM:
                # An element read (`u, v = y`) or a slice (`K[:s]`) into a
                # buffer this pass owns already: added in place; the first
                # one into a float64 array: a new buffer of zeros.  No Scatter.
                key = args[1]
                tk = type(key)
                i = a[0]
                if i >= 0 and (tk is int and (type(g) is float or type(g) is _float64) or
                               tk is slice and type(g) is np.ndarray and g.dtype is _F64):
                    if i in owned:
                        cur = ct[i]
                        if cur.dtype.kind == "f":
                            cur[key] += g
                            ct[v] = None
                            owned.discard(v)
                            continue
                    elif ct[i] is None:
                        x = vals[i]
                        tx = type(x)
                        if (tx is _Meta or tx is np.ndarray) and x.dtype is _F64:
                            cur = ct[i] = np.zeros(x.shape)
                            cur[key] += g       # (+=, as Scatter does: -0.0 stays 0.0)
                            owned.add(i)
                            ct[v] = None
                            owned.discard(v)
                            continue
            if kind == "flat":
                if p is SETITEM and type(args[1]) is int and type(g) is np.ndarray and \
                        v in owned and len(a) == 2 and not args[3]:
                    # `K[s] = f` (a solver's stage) with a float64 cotangent
                    # this pass owns: _setitem_vjp's results, written out.
                    # The value's cotangent is row s of g, copied; the old
                    # version's is g with that row zeroed, in place.
                    value = args[2]
                    if type(value) is _Meta and g.dtype is _F64 and g.flags.c_contiguous and \
                            value.size and value.shape == g.shape[1:]:
                        gv = g[args[1]].copy()
                        g[args[1]] = 0
                        ct[v] = None
                        owned.discard(v)
                        if a[0] >= 0:
                            acc.add(a[0], g, True)
                        if a[1] >= 0:
                            acc.add(a[1], gv, True)
                        continue
                cts, first_owned = p.vjps[0](g, vals[v], args, kwargs, v in owned)
                ct[v] = None
                owned.discard(v)
                for k, (i, c) in enumerate(zip(a, cts)):
                    if i >= 0 and c is not None:
                        acc.add(i, c, k == 0 and first_owned)
                continue
            if kind is not None and p is _ARRAY and len(args) == 1 and \
                    type(args[0]) is tuple and type(g) is np.ndarray and g.ndim == 1 and \
                    g.dtype is _F64 and len(g) == len(a) == len(args[0]) and not kwargs:
                # `np.array([u, v])` of numbers (an ODE right-hand side's
                # return): element k of g goes to number k, added below as
                # the real arithmetic's are (_array_vjp and _flat_ct's
                # results, written out).
                ct[v] = None
                owned.discard(v)
                ins, cs = a, list(g)
            else:
                if kind is not None:
                    # (one variable per argument, none a sequence of leaves)
                    leafwise = len(a) == len(args) + len(kwargs) and \
                        _SEQUENCES.isdisjoint(map(type, args))
                    needs[0] = a if leafwise else None      # (set_needs(a): lowest stays 0)
                    cts = p.vjps[0](g, prm[2] if len(prm) > 2 else vals[v], args, kwargs)
                    ct[v] = None
                    g_owned = v in owned
                    if g_owned:
                        owned.discard(v)
                    if leafwise:
                        for i, c in zip(a, cts):
                            if i < 0 or c is None:
                                continue
                            if type(c) is not np.ndarray:
                                acc.add(i, c)
                                continue
                            own = g_owned if c is g else c.base is None
                            if own:
                                # (_fresh's other tests; for two operands, inline:
                                # used once among the cotangents, not an argument)
                                if len(cts) == 2 and len(args) == 2:
                                    own = cts[0] is not cts[1] and c is not args[0] and \
                                        c is not args[1]
                                else:
                                    own = _fresh(c, cts, g, g_owned, args)
                            # (the accumulator's hot case written out: a float64
                            # cotangent of an array's shape, the first one or
                            # added into a buffer the pass owns)
                            x = vals[i]
                            tx = type(x)
                            if (tx is np.ndarray or tx is _Meta) and c.dtype is _F64 and \
                                    c.shape == x.shape:
                                cur = ct[i]
                                if cur is None:
                                    ct[i] = c
                                    if own:
                                        owned.add(i)
                                    continue
                                if type(cur) is np.ndarray and cur.dtype is _F64 and i in owned:
                                    cur += c
                                    continue
                            acc.add(i, c, own)
                        continue
                else:
                    cts = p.vjps[0](g, vals[v], args, kwargs)
                flat = []
                for c, arg in zip(cts, (*args, *kwargs.values())):
                    _flat_ct(c, arg, flat)
                for i, c in zip(a, flat):
                    if i >= 0 and c is not None:
                        acc.add(i, c)
                continue
        else:
            prm = params[v]
            cs = None
            if b == EXPRESSION:
                # A run of real arithmetic recorded at once (transforms/
                # expressions.py): its generated VJP gives each leaf's cotangent.
                cs = p.vjps[0](g, *prm)
                if not (type(g) is float or type(g) is _float64):
                    for i, c in zip(a, cs):
                        if i >= 0:
                            acc.add(i, c)
                    continue
                ins = a
            elif p in _REAL_ARITH and (type(g) is float or type(g) is _float64):
                # x + y, x - y, x * y, -x of real numbers: the VJP inlined
                ins = (a, b)
                if p is _MUL:
                    x, y = (vals[a], vals[b]) if prm is None else prm
                    if type(x) in _REALS and type(y) in _REALS:    # (complex: the rule conjugates)
                        cs = (g * y, g * x)
                elif p is _NEG:
                    cs = (-g, None)
                else:
                    cs = (g, g if p is _ADD else -g)
        if cs is not None:
            # ct[i] += c (real numbers) for an input holding a float or a
            # numpy float64 (an array element) whose cotangent is a number so
            # far; else the accumulator's general add.  (A float64 so far is
            # a float64 input's, or one the accumulator would add to alike:
            # its input's value is not looked at.)
            for i, c in zip(ins, cs):
                if i >= 0:
                    cur = ct[i]
                    tc = type(cur)
                    if tc is _float64:
                        ct[i] = cur + c
                    elif cur is None:
                        tx = type(vals[i])
                        if tx is _float64:
                            ct[i] = c
                        elif tx is float:
                            ct[i] = c if type(c) is float else float(c)
                        else:
                            acc.add(i, c)
                    elif tc is float and type(vals[i]) is float:
                        ct[i] = cur + (c if type(c) is float else float(c))
                    else:
                        acc.add(i, c)
            continue
        if prm is None:
            prm = (vals[a],) if b == -1 else (vals[a], vals[b])
        if a >= 0 and p.vjps[0] is not None:
            acc.add(a, p.vjps[0](g, vals[v], *prm))
        if b >= 0 and p.vjps[1] is not None:
            acc.add(b, p.vjps[1](g, vals[v], *prm))
    set_needs(None)
    if owned_out is not None:
        owned_out.update(owned)
    return ct


def _fresh(c, cts, g, g_owned, args):
    """Is cotangent `c` (one of a rule's `cts`) a buffer nothing else refers
    to, which the pass may own and accumulate into in place?  A new array
    the rule computed (no base), or the output's own owned buffer handed
    on, used once among `cts` and not an argument."""
    if type(c) is not np.ndarray:
        return False
    if c is g:
        if not g_owned:
            return False
    elif c.base is not None:
        return False
    n = 0
    for x in cts:
        if x is c:
            n += 1
    if n != 1:
        return False
    for x in args:
        if x is c:
            return False
    return True


class _Accumulator:
    """ct[i] += c, with cotangents shaped and typed like variable i's value."""
    __slots__ = ("ct", "owned", "vals")

    def __init__(self, ct, owned, vals):
        self.ct, self.owned, self.vals = ct, owned, vals

    def add(self, i, c, is_owned=False):
        ct = self.ct
        x = self.vals[i]
        tx = type(x)
        if type(c) is np.ndarray and (tx is np.ndarray or tx is _Meta):
            # (the array case first: a solver step's vectors)
            if c.dtype.kind != "f" or c.shape != x.shape:
                c = _shaped(x, _real_for(x, c), i)
        else:
            if tx is float or tx is complex:        # the scalar fast path
                if type(c) is not tx:
                    # (a float's cotangent from a rule on arrays: `h` of `h * y`)
                    c = float(c) if tx is float and type(c) is _float64 else \
                        _as_python_number(x, c)
                cur = ct[i]
                ct[i] = c if cur is None else cur + c
                return
            if tx is _float64 and (type(c) is float or type(c) is _float64):
                cur = ct[i]                         # (an element of an array, in numbers)
                if cur is None or type(cur) is not np.ndarray:
                    ct[i] = c if cur is None else cur + c
                    return
            if type(c) is Scatter:
                cur = ct[i]
                if cur is None or i not in self.owned:
                    buf = c.dense(x) if cur is None else np.array(_shaped(x, cur, i), order="C")
                    if cur is not None:
                        c.add_into(buf)
                    ct[i] = buf
                    self.owned.add(i)
                else:
                    c.add_into(cur)
                return
            c = _shaped(x, _real_for(x, c), i)
        cur = ct[i]
        if cur is None:
            ct[i] = c
            if is_owned:
                self.owned.add(i)
        elif i in self.owned and type(cur) is np.ndarray and (
                getattr(c, "dtype", None) is cur.dtype or
                np.can_cast(np.result_type(c), cur.dtype, "same_kind")):
            cur += c
        else:
            ct[i] = cur + c
            if type(ct[i]) is np.ndarray:
                self.owned.add(i)


def _as_python_number(x, c):
    if type(x) is float:
        c = np.real(c) if np.iscomplexobj(c) else c
        return float(c)
    return complex(c)


def _shaped(x, c, i):
    """Cotangent `c` of variable i, whose value is `x`: an array of x's
    shape (a rule may return a scalar for a one-element array)."""
    if type(x) is np.ndarray or type(x) is arrays.Meta:
        if type(c) is not np.ndarray or c.shape != x.shape:
            c = np.asarray(c)
            if c.shape != x.shape:
                if c.size != x.size and c.size != 1:
                    raise AssertionError(
                        f"bcad internal error: cotangent of shape {c.shape} for variable {i} "
                        f"of shape {x.shape}")
                c = np.broadcast_to(c, x.shape) if c.size == 1 else c.reshape(x.shape)
    return c


def _real_for(x, c):
    if type(c) is complex and not isinstance(x, complex):   # (np.complex128 is complex)
        return c.real
    if type(c) is np.ndarray or isinstance(c, np.generic):
        if c.dtype.kind == "c" and not np.iscomplexobj(x):
            return c.real
    return c


_CONTAINERS = (list, tuple, dict)


def _flat_ct(c, arg, out):
    """Flatten cotangent `c` like argument `arg` (None for a whole subtree)."""
    ta = type(arg)
    if ta is list or ta is tuple:
        if c is None:
            for x in arg:
                _flat_ct(None, x, out)
        elif type(c) is np.ndarray and c.ndim == 1 and len(c) == len(arg) and \
                all([type(x) not in _CONTAINERS for x in arg]):
            out.extend(c)       # (`np.array([u, v])` of numbers: its elements)
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
        ins = a if b == GENERAL or b == EXPRESSION else (a, b)
        for pos, i in enumerate(ins):
            if i >= 0:
                needed[i] = True
                prog.append((v, tape.prim[v], pos, i, tape.site[v]))
    return prog


def _like_input(x, g, owned=False):
    """The gradient of input `x`: its shape and dtype (float32 in, float32
    out), a fresh array the caller owns (`owned`: g is a buffer only the
    backward pass refers to, which it can hand over as it is)."""
    tx = type(x)
    if tx is np.ndarray:
        if owned and type(g) is np.ndarray and g.shape == x.shape and g.dtype == x.dtype:
            return g
        return np.array(np.broadcast_to(g, x.shape), dtype=x.dtype)
    if isinstance(x, np.generic):
        return x.dtype.type(g)
    if tx is float and type(g) is not float:
        return float(g)
    return g


class VJPResult:
    """What `vjp` computed: the output and the recorded tape."""

    def __init__(self, tape, out, inputs):
        self.tape = tape
        self.out = out
        self.inputs = inputs      # list of (leaves, treedef, mask) per argument
        self.start = None         # inside another transform: where its equations begin
        # The input variables (an array input written in place has later
        # versions under the same id).
        self.input_var = dict(tape.ids) if tape is not None else {}


def run_forward(fun, args, kwargs, diff_positions, tape=None, kind="vjp"):
    """Interpret fun(*args, **kwargs) recording on a tape, with the float
    leaves of args[i] (i in diff_positions) as inputs, under a transform
    level of `kind`.  Called while a tape records in this thread (a
    transform inside a transform), it records on that tape (nested.py)."""
    outer = context.recording()
    if tape is None and outer is not None:
        from .nested import run_forward as run_nested
        return run_nested(outer, fun, args, kwargs, diff_positions, kind)
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
    input_var = dict(tape.ids)
    # (numpy's error state, if it calls no Python, is the one whose identity
    # the inline arithmetic of floats tests: a program that has not called
    # numpy yet has not made it known)
    native_guard.no_python_hooks()
    with ENTRY_LOCK, recording(tape, kind):
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
    if tape.compact:
        arrays.release_values(tape, out)
    res = VJPResult(None, out, inputs)
    res.tape, res.input_var = tape, input_var
    return res


def derivative_errors():
    """numpy's floating-point error modes while bcad computes derivatives
    (backward passes, tangent pushes): ignored.  A derivative rule meets
    infinities and nan the program never made (the derivative of sqrt at 0,
    0 * inf where a cotangent is zero, which the rules then clear): under
    the user's np.seterr(all="raise"), `warnings.simplefilter("error")` or
    np.errstate(call=handler) they would raise, or call the handler, where
    the program itself did not.  A non-finite derivative is returned as a
    value.  The forward pass keeps the user's modes exactly."""
    return np.errstate(all="ignore")


# What the last forward pass recorded (bcad.last_tape_stats()).
LAST_STATS = {}


def gradients(res, out_leaves, cts):
    """Cotangents of the inputs given cotangents `cts` of `out_leaves`."""
    if res.start is not None:
        from .nested import gradients as nested_gradients
        return nested_gradients(res, out_leaves, cts)
    tape = res.tape
    seeds = {}
    for leaf, c in zip(out_leaves, cts):
        v = tape.var_of(leaf)
        if v >= 0 and c is not None:
            seeds[v] = c if v not in seeds else seeds[v] + c
    owned = set()
    with ENTRY_LOCK, derivative_errors():   # (one backward pass at a time: rules read set_needs)
        ct = backward(tape, seeds, owned) if seeds else [None] * len(tape.vals)
    return input_gradients(res, lambda leaf, v: None if ct[v] is None else
                           _like_input(leaf, _real_for(leaf, ct[v]), v in owned))


def input_gradients(res, gradient_of):
    """The gradients shaped like the differentiated arguments:
    `gradient_of(leaf, var)` for each input leaf (None: zero)."""
    grads = []
    for leaves, treedef, mask in res.inputs:
        out = []
        for leaf, m in zip(leaves, mask):
            if not m:
                out.append(None)
                continue
            g = gradient_of(leaf, res.input_var[id(leaf)])
            out.append(zero_like(leaf) if g is None else g)
        grads.append(unflatten(treedef, out))
    return grads
