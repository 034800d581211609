"""Explicit JVPs (forward-mode rules) of numpy primitives that are linear or
multilinear in their differentiable arguments, and of subscripts, writes
and views.  The ufuncs' JVPs are in ufuncs.py, beside their VJPs (the same
elementwise derivative); every other rule gets one derived from its VJP
(bcad/transforms/forward.py).

`jvp(tangents, ans, args, kwargs)`: `tangents` is parallel to `args` (None
for an argument without a tangent); returns the output's tangent.
"""
import numpy as np

from . import RULES, reductions
from ...transforms.context import CTX
from .shapes import GETITEM, GATHER, SETITEM, SET_SHAPE

ndarray = np.ndarray


def _multilinear(fn):
    """J t of a function linear in each differentiable argument (a product:
    f(.., 0, ..) = 0): the sum over arguments of f with that argument's
    tangent in its place (the product rule)."""
    owner = getattr(fn, "__objclass__", None)
    name = getattr(fn, "__name__", None)

    def jvp(ts, ans, args, kwargs):
        out = None
        for i, t in enumerate(ts):
            if t is None:
                continue
            a = (*args[:i], t, *args[i + 1:])
            if owner is ndarray:        # a.method(...), of the tangent as an array
                r = getattr(np.asarray(a[0]), name)(*a[1:], **kwargs)
            elif owner is np.ufunc:     # np.add.reduce(...): the bound method
                r = getattr(a[0], name)(*a[1:], **kwargs)
            else:
                r = fn(*a, **kwargs)
            out = r if out is None else _accumulate(out, r)
        return out
    return jvp


def _accumulate(out, r):
    """out + r, into `out` when it is a new array of the sum's shape and
    dtype (a product's term: one temporary less per term)."""
    if type(out) is ndarray and out.base is None and type(r) is ndarray and \
            out.shape == np.broadcast_shapes(out.shape, r.shape) and \
            np.result_type(out, r) == out.dtype and CTX.tape is None:
        return np.add(out, r, out=out)
    return out + r


# Products: multilinear in their operands.
_PRODUCTS = [np.matmul, np.dot, ndarray.dot, np.vdot, np.inner, np.outer, np.tensordot,
             np.kron, np.einsum, ndarray.__matmul__, ndarray.__rmatmul__]
if hasattr(np, "vecdot"):
    _PRODUCTS.append(np.vecdot)
# Linear in their one differentiable argument (the others are axes, shapes,
# indices, counts).
_LINEAR = [ndarray.mean, ndarray.cumsum, np.cumsum, ndarray.squeeze, np.squeeze,
           np.expand_dims, ndarray.copy, np.copy, ndarray.swapaxes, np.swapaxes, np.broadcast_to,
           ndarray.conj, ndarray.conjugate, ndarray.diagonal, np.diagonal, ndarray.trace,
           ndarray.take, np.take, ndarray.repeat, np.repeat, ndarray.astype, ndarray.__copy__,
           ndarray.item]

for _fn in _PRODUCTS + _LINEAR:
    _p = RULES.get(_fn)
    if _p is not None and _p.prepare is None:
        _p.jvp = _multilinear(_fn)


def _copy_jvp(ts, ans, args, kwargs):
    """A copy's tangent is its argument's, not a copy of it (tangents are
    never written in place: a write's JVP builds a new array)."""
    return ts[0]


for _fn in (ndarray.copy, np.copy, ndarray.__copy__):
    _p = RULES.get(_fn)
    if _p is not None and _p.prepare is None:
        _p.jvp = _copy_jvp


def _initial(args, kwargs, position):
    v = kwargs.get("initial", args[position] if len(args) > position else None)
    return v is not None and v is not np._NoValue


def _sum_jvp(fn, initial_at, only_add=False):
    """A sum (ndarray.sum, np.add.reduce/accumulate) is linear, except for
    its `initial=` (an added constant): then, and for a ufunc method of
    another ufunc (max, prod), NotImplemented (the JVP derived from the
    VJP)."""
    linear = _multilinear(fn)

    def jvp(ts, ans, args, kwargs):
        if only_add and args[0] is not np.add or _initial(args, kwargs, initial_at):
            return NotImplemented
        return linear(ts, ans, args, kwargs)
    return jvp


def _max_jvp(start, default_axis=None):
    """max/min (a.max(axis, out, keepdims, initial, where), and
    ufunc.reduce of maximum, minimum, fmax, fmin): the tangents of the tied
    elements averaged, as the VJP shares the cotangent.  A tangent of
    initial= (or of where=) leaves it to the derived JVP."""
    def jvp(ts, ans, args, kwargs):
        for t in ts[start:]:
            if t is not None:
                return NotImplemented
        o = reductions.opts(args, kwargs, reductions.MAX_NAMES, start)
        if default_axis is not None:
            o.setdefault("axis", default_axis)
        return reductions.max_tangent(ts[start - 1], ans, args[start - 1], o)
    return jvp


_MAX_REDUCERS = (np.maximum, np.minimum, np.fmax, np.fmin)


def _reduce_jvp():
    """ufunc.reduce: a sum's JVP for add, a max's for maximum and the like,
    else NotImplemented (derived)."""
    as_sum = _sum_jvp(np.ufunc.reduce, 6, only_add=True)
    as_max = _max_jvp(2, default_axis=0)

    def jvp(ts, ans, args, kwargs):
        if args[0] in _MAX_REDUCERS:
            if ts[0] is not None:
                return NotImplemented
            return as_max(ts, ans, (args[0], args[1], *_reduce_options(args[2:])), kwargs)
        return as_sum(ts, ans, args, kwargs)
    return jvp


def _reduce_options(rest):
    """ufunc.reduce's options after the array (axis, dtype, out, keepdims,
    initial, where) as max's (axis, out, keepdims, initial, where)."""
    return rest[:1] + rest[2:]


# (positions of initial=: a.sum(axis, dtype, out, keepdims, initial, where);
# ufunc.reduce(ufunc, a, axis, dtype, out, keepdims, initial, where);
# accumulate has none)
RULES[ndarray.sum].jvp = _sum_jvp(ndarray.sum, 5)
RULES[np.ufunc.reduce].jvp = _reduce_jvp()
RULES[np.ufunc.accumulate].jvp = _sum_jvp(np.ufunc.accumulate, 99, only_add=True)
RULES[ndarray.max].jvp = RULES[ndarray.min].jvp = _max_jvp(1)


def _getitem_jvp(ts, ans, args, kwargs):
    return np.asarray(ts[0])[args[1]]


def _gather_jvp(ts, ans, args, kwargs):
    return np.ravel(ts[0])[args[1]]


def _setitem_jvp(ts, ans, args, kwargs):
    """The new version after `old[key] = value`: old's tangent with the
    value's written at key (`flat`: key holds flat positions)."""
    meta, key, value, flat = args
    t_old = ts[0]
    new = np.zeros(meta.shape, meta.dtype) if t_old is None else \
        np.array(t_old, dtype=meta.dtype, order="C")
    if type(value) is list or type(value) is tuple:
        tv = np.array([0.0 if t is None else t for t in ts[1:]]).reshape(np.shape(value))
    else:
        tv = 0.0 if ts[1] is None else ts[1]
    if np.iscomplexobj(tv) and meta.dtype.kind != "c":
        tv = np.real(tv)
    view = new.reshape(-1) if flat else new
    view[key] = tv
    return new


# (these three take the tangents of the leaves as recorded: the owner's or
# operand's first, then a written value's leaves)
GETITEM.jvp = _getitem_jvp
GATHER.jvp = _gather_jvp
SETITEM.jvp = _setitem_jvp
GETITEM.jvp_leaves = GATHER.jvp_leaves = SETITEM.jvp_leaves = True
SET_SHAPE.jvp = lambda ts, ans, args, kwargs: np.reshape(ts[0], ans.shape)
