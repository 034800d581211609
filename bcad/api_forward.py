"""bcad's public API for forward mode and Jacobians: jvp, linearize, jacfwd,
jacrev (jacobian).  (grad, vjp and the rule registration are in api.py.)"""
import functools

import numpy as np

from .transforms.reverse import run_forward, gradients, check_input
from .rules import derived
from .transforms.forward import push
from .transforms.reverse import zero_like
from .transforms.nested import kernel
from .transforms.context import recording
from .transforms.tree import flatten, unflatten, paths
from .transforms import streamed
from .api import _argnums


def _differentiable(x):
    return isinstance(x, (float, complex)) or \
        isinstance(x, (np.ndarray, np.generic)) and x.dtype.kind in "fc"


class _Linearized:
    """The recorded forward pass of fun at some primals, and the push of
    tangents through it."""

    def __init__(self, fun, args, kwargs, nums, kind):
        self.res = run_forward(fun, args, kwargs, nums, kind=kind)
        self.nums = nums
        self.out_leaves, self.out_tree = flatten(self.res.out)

    def input_leaves(self):
        """(argument position, leaf, differentiable) of every input leaf."""
        for k, (leaves, treedef, mask) in zip(self.nums, self.res.inputs):
            for leaf, m in zip(leaves, mask):
                yield k, leaf, m

    def push_leaves(self, seeds_by_leaf):
        """Output tangent leaves, given {id(input leaf): tangent}."""
        res = self.res
        seeds = {}
        for _, leaf, m in self.input_leaves():
            t = seeds_by_leaf.get(id(leaf))
            if m and t is not None:
                seeds[res.input_var[id(leaf)]] = kernel(derived.like, leaf, t)
        tan = push(res.tape, seeds, res.start or 0) if seeds else None
        return _output_tangents(self.out_leaves, res.tape, tan)

    def push(self, tangents):
        """Output tangent (shaped like the output), given one tangent per
        differentiated argument (shaped like it)."""
        seeds = {}
        for k, (leaves, treedef, mask), t in zip(self.nums, self.res.inputs, tangents):
            t_leaves, t_tree = flatten(t)
            if len(t_leaves) != len(leaves):
                raise ValueError(f"bcad.jvp: the tangent of argument {k} has {len(t_leaves)} "
                                 f"leaves, the primal has {len(leaves)}")
            for leaf, m, tl in zip(leaves, mask, t_leaves):
                if m and tl is not None:
                    _check_tangent(leaf, tl, k)
                    seeds[id(leaf)] = tl
        return unflatten(self.out_tree, self.push_leaves(seeds))


def _output_tangents(leaves, tape, tan):
    """The tangents of output `leaves`, given `tan` indexed by variable
    (None: all zero)."""
    out = []
    for leaf in leaves:
        if not _differentiable(leaf):
            out.append(None)
            continue
        v = tape.var_of(leaf)
        t = None if v < 0 or tan is None else tan[v]
        out.append(zero_like(leaf) if t is None else _owned(leaf, t))
    return out


def _owned(x, t):
    """A tangent the caller may keep and write (not a view of the tape's)."""
    if recording() is not None:
        return t                # (inside another transform: the recorded value itself)
    if type(t) is np.ndarray and (t.base is not None or not t.flags.writeable):
        return np.array(t)
    return t


def _check_tangent(x, t, k):
    if np.shape(t) != np.shape(x):
        raise ValueError(f"bcad.jvp: the tangent of argument {k} has shape {np.shape(t)}, its "
                         f"primal {np.shape(x)}")
    if np.iscomplexobj(t) and not np.iscomplexobj(x):
        raise TypeError(f"bcad.jvp: a complex tangent for a real primal of argument {k}")


def linearize(fun, *primals):
    """Evaluate `fun(*primals)` once and return `(out, f_jvp)`, where
    `f_jvp(*tangents)` is the derivative of fun at the primals applied to
    tangents shaped like the primals (`jvp` for many tangents at one point).

    Every float and complex leaf of the primals is differentiated; pass other
    arguments through a closure.  The forward pass is recorded like
    `bcad.vjp`'s, so memory is that of reverse mode; each call of `f_jvp`
    pushes tangents through the recorded operations."""
    lin = _Linearized(fun, primals, {}, tuple(range(len(primals))), "linearize")

    def f_jvp(*tangents):
        if len(tangents) != len(primals):
            raise TypeError(f"bcad.linearize: expected {len(primals)} tangents, got "
                            f"{len(tangents)}")
        return lin.push(tangents)
    return lin.res.out, f_jvp


def jvp(fun, primals, tangents, has_aux=False):
    """Forward mode: `(fun(*primals), J @ tangents)`, the directional
    derivative of fun at `primals` along `tangents` (a tuple shaped like
    `primals`: the same pytrees, floats for floats, arrays of the same shape
    for arrays; None for a leaf held fixed).  With `has_aux`, fun returns
    `(out, aux)` and the result is `(out, tangent_out, aux)`.  Complex
    values carry complex tangents (the derivative as a real-linear map).

    Called at the top, the tangents are computed as the operations are
    recorded, and memory is bounded by what is live (transforms/streamed.py);
    inside another transform, the function is recorded and the tangents
    pushed afterwards, so that the outer transform differentiates the push."""
    primals, tangents = tuple(primals), tuple(tangents)
    if len(primals) != len(tangents):
        raise ValueError(f"bcad.jvp: {len(primals)} primals but {len(tangents)} tangents")
    if recording() is None:
        return _streamed_jvp(fun, primals, tangents, has_aux)
    return _recorded_jvp(fun, primals, tangents, has_aux)


def _recorded_jvp(fun, primals, tangents, has_aux):
    """jvp inside another transform: the function recorded, then the
    tangents pushed (the outer transform differentiates the push).  (At the
    top too, for tests and benchmarks that compare the two paths.)"""
    lin = _Linearized(fun, primals, {}, tuple(range(len(primals))), "jvp")
    out = lin.res.out
    if has_aux:
        _check_aux(out)
        lin.out_leaves, lin.out_tree = flatten(out[0])
        return out[0], lin.push(tangents), out[1]
    return out, lin.push(tangents)


def _check_aux(out):
    if not (isinstance(out, tuple) and len(out) == 2):
        raise TypeError("bcad.jvp with has_aux=True: the function must return a pair "
                        f"(out, aux), got {type(out).__name__}")


def _streamed_jvp(fun, primals, tangents, has_aux):
    """jvp at the top: the tangents computed as the equations are recorded."""
    res, tape = streamed.record(fun, primals, _seeds(primals, tangents))
    out = res.out
    if has_aux:
        _check_aux(out)
        out, aux = out
    leaves, tree = flatten(out)
    t_out = unflatten(tree, _output_tangents(leaves, tape, tape.tan))
    return (out, t_out, aux) if has_aux else (out, t_out)


def _seeds(primals, tangents):
    """The tangents of the differentiable leaves of `primals`, in order (None:
    zero), checked as `_Linearized.push` checks them."""
    per_arg = []
    for k, p in enumerate(primals):
        leaves, treedef = flatten(p)
        per_arg.append((leaves, [check_input(leaf, name) for leaf, name in
                                 zip(leaves, paths(treedef, f"argument {k}"))]))
    seeds = []
    for k, ((leaves, mask), t) in enumerate(zip(per_arg, tangents)):
        t_leaves, _ = flatten(t)
        if len(t_leaves) != len(leaves):
            raise ValueError(f"bcad.jvp: the tangent of argument {k} has {len(t_leaves)} "
                             f"leaves, the primal has {len(leaves)}")
        for leaf, m, tl in zip(leaves, mask, t_leaves):
            if m:
                if tl is not None:
                    _check_tangent(leaf, tl, k)
                seeds.append(tl)
    return seeds


# ------------------------------------------------------------ Jacobians

def _real_leaf(x, what):
    if isinstance(x, complex) or isinstance(x, (np.ndarray, np.generic)) and x.dtype.kind == "c":
        raise TypeError(f"bcad.jacobian: {what} is complex; Jacobians are of real functions "
                        f"(use bcad.jvp or bcad.vjp for complex ones)")


def _block_dtype(o, i):
    dts = [np.asarray(x).dtype for x in (o, i) if isinstance(x, (np.ndarray, np.generic))]
    return np.result_type(*dts) if dts else np.float64


def _assemble(lin, rows_or_cols, forward):
    """Blocks out.shape + in.shape for every (output leaf, input leaf), in
    the output's structure holding the inputs' structure (a tuple of them
    for a tuple of argnums)."""
    per_out = []
    for j, o in enumerate(lin.out_leaves):
        args = []
        for k, (leaves, treedef, mask) in zip(lin.nums, lin.res.inputs):
            blocks = []
            for leaf, m in zip(leaves, mask):
                oshape, ishape = np.shape(o), np.shape(leaf)
                if not m or not _differentiable(o):
                    blocks.append(None if not m else np.zeros(oshape + ishape))
                    continue
                blocks.append(kernel(derived.block, rows_or_cols[(j, id(leaf))], oshape, ishape,
                                     forward, _block_dtype(o, leaf),
                                     not oshape and not ishape and isinstance(o, float)
                                     and isinstance(leaf, float)))
            args.append(unflatten(treedef, blocks))
        per_out.append(args)
    return per_out


def _finish(lin, per_out, single):
    return unflatten(lin.out_tree, [a[0] if single else tuple(a) for a in per_out])


def jacfwd(fun, argnums=0, has_aux=False):
    """The Jacobian of `fun` with respect to argument(s) `argnums`, by forward
    mode: one tangent push per input number.  For an output leaf `o` and an
    input leaf `x`, the block has shape `np.shape(o) + np.shape(x)` (a float
    for float-to-float); blocks are arranged in the output's structure, each
    holding the argument's structure (a tuple of them for a tuple of
    argnums).  With `has_aux`, returns `(jacobian, aux)`."""
    nums, single = _argnums(argnums)

    @functools.wraps(fun)
    def jacfwd_fun(*args, **kwargs):
        lin = _Linearized(fun, args, kwargs, nums, "jacfwd")
        aux = _split_aux(lin, has_aux)
        for o in lin.out_leaves:
            _real_leaf(o, "an output")
        cols = {}
        for k, leaf, m in lin.input_leaves():
            if not m:
                continue
            _real_leaf(leaf, f"argument {k}")
            n = int(np.size(leaf))
            for e in range(n):
                if type(leaf) is np.ndarray:
                    basis = np.zeros(leaf.shape, dtype=leaf.dtype)
                    basis.reshape(-1)[e] = 1
                else:
                    basis = 1.0
                outs = lin.push_leaves({id(leaf): basis})
                for j, t in enumerate(outs):
                    cols.setdefault((j, id(leaf)), []).append(t)
        jac = _finish(lin, _assemble(lin, cols, True), single)
        return (jac, aux) if has_aux else jac
    return jacfwd_fun


def jacrev(fun, argnums=0, has_aux=False):
    """The Jacobian of `fun` with respect to argument(s) `argnums`, by reverse
    mode: one backward pass per output number.  Shapes and structure as
    `jacfwd`.  With `has_aux`, returns `(jacobian, aux)`."""
    nums, single = _argnums(argnums)

    @functools.wraps(fun)
    def jacrev_fun(*args, **kwargs):
        lin = _Linearized(fun, args, kwargs, nums, "jacrev")
        aux = _split_aux(lin, has_aux)
        for _, leaf, m in lin.input_leaves():
            if m:
                _real_leaf(leaf, "an input")
        rows = {}
        outs = lin.out_leaves
        for j, o in enumerate(outs):
            if not _differentiable(o):
                continue
            _real_leaf(o, "an output")
            for e in range(int(np.size(o))):
                cts = [None] * len(outs)
                if type(o) is np.ndarray:
                    c = np.zeros(o.shape, dtype=o.dtype)
                    c.reshape(-1)[e] = 1
                else:
                    c = type(o)(1.0)
                cts[j] = c
                grads = gradients(lin.res, outs, cts)
                for (leaves, treedef, mask), g in zip(lin.res.inputs, grads):
                    g_leaves, _ = flatten(g)
                    for leaf, m, gl in zip(leaves, mask, g_leaves):
                        if m:
                            rows.setdefault((j, id(leaf)), []).append(gl)
        jac = _finish(lin, _assemble(lin, rows, False), single)
        return (jac, aux) if has_aux else jac
    return jacrev_fun


jacobian = jacrev


def _split_aux(lin, has_aux):
    if not has_aux:
        return None
    out = lin.res.out
    if not (isinstance(out, tuple) and len(out) == 2):
        raise TypeError("bcad.jacobian with has_aux=True: the function must return a pair "
                        f"(out, aux), got {type(out).__name__}")
    lin.out_leaves, lin.out_tree = flatten(out[0])
    return out[1]


# ------------------------------------------------------ second order

def hessian(fun, argnums=0, has_aux=False):
    """The Hessian of a real scalar `fun` with respect to argument(s)
    `argnums`: `jacrev(jacrev(fun))`.  For inputs x and y the block has
    shape `np.shape(x) + np.shape(y)` (a float for two floats), nested in
    the arguments' structure.  (Reverse over reverse: the outer passes are
    bcad's native backward over the recorded inner one, 20-40x faster here
    than forward over reverse, whose pushes go through rules interpreted.)"""
    return jacrev(jacrev(fun, argnums, has_aux), argnums, has_aux)


def hvp(fun, primals, tangents):
    """The Hessian of a real scalar `fun` at `primals` applied to `tangents`
    (shaped like the primals), without forming the Hessian: the forward-mode
    derivative of the gradient (one recorded gradient, one tangent push).
    Returns a tuple shaped like `primals`."""
    from .api import grad
    primals = tuple(primals)
    g = grad(fun, argnums=tuple(range(len(primals))))
    return jvp(g, primals, tuple(tangents))[1]
