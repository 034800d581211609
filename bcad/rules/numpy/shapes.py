"""Indexing, writes and shape manipulation.

`GETITEM`/`SETITEM`/`GATHER` are the primitives of subscripts, of array
versions and of views re-read after a write (bcad/transforms/arrays.py).
Shape functions that numpy implements in Python (`np.stack`, `np.tile`,
`np.flip`, `np.split`, `np.moveaxis`, `np.expand_dims`, `np.diag`,
`np.pad`, `np.roll`, `np.take_along_axis`, ...) are interpreted down to the
methods and C functions below.
"""
import numpy as np

from . import defarray, defzero_array, array_primitive, unbroadcast, Scatter, shape_of, RULES
from .. import INTERPRET_UNCOVERED

ndarray = np.ndarray


def _distinct(key):
    """Does index `key` select each element at most once (ints, slices,
    Ellipsis, newaxis, one boolean mask), so that `buf[key] += g` adds
    every cotangent?  Integer arrays may repeat (then np.add.at)."""
    if type(key) is not tuple:
        key = (key,)
    masks = 0
    for k in key:
        tk = type(k)
        if tk is int or tk is slice or k is None or k is Ellipsis or \
                tk is not bool and isinstance(k, np.integer):
            continue
        if tk is ndarray and k.dtype == bool:
            masks += 1
            continue
        return False
    return masks <= 1


def _as_array(g):
    return g if type(g) is ndarray else np.asarray(g)


# x[key]
GETITEM = array_primitive(
    "getitem", None,
    lambda g, ans, args, kwargs: (Scatter(args[1], _as_array(g), _distinct(args[1])), None),
    save=(1,))


def _gather_vjp(g, ans, args, kwargs):
    meta, pos = args
    return (Scatter(pos, _as_array(g), False, flat=True), None)


# A view re-read from its owner's new version: owner.flat[positions].
GATHER = array_primitive("view of a written array", None, _gather_vjp, save=(1,))


def _setitem_vjp(g, ans, args, kwargs, owned):
    """The new version `r` of an array after `r[key] = value` (`flat`: key
    holds flat positions).  Returns the cotangents of (old version, value
    leaves...) and whether the first is owned (written in place)."""
    meta, key, value, flat = args
    g = _as_array(g)
    if not owned or not g.flags.c_contiguous:
        g = np.array(g, order="C")
    view = g.reshape(-1) if flat else g
    gv = None if value is None else np.array(view[key])
    if gv is not None and gv.size == 0:
        # Nothing was written (an all-False mask: np.place(a, cond, v) where
        # cond holds nowhere): the value has no cotangent at all, not a zero
        # one, which an infinite partial upstream would turn into nan
        # (scipy.stats' bounds `-inf * scale + loc`).
        cts = (None,) * (np.size(value) if type(value) is list or type(value) is tuple else 1)
    elif value is not None:
        if not _distinct(key):
            gv = gv * _winners(meta, key, flat, gv.shape)
        ct = unbroadcast(value, gv)
        if type(value) is list or type(value) is tuple:
            cts = tuple(ct.ravel())
        else:
            cts = (ct,)
    else:
        cts = (None,)
    view[key] = 0
    return (g, *cts), True


def _winners(meta, key, flat, shape):
    """1 where an element of the written region is the one that stays (a
    repeated index is written several times; the last write wins)."""
    pos = np.arange(meta.size).reshape(-1 if flat else meta.shape)[key]
    pos = np.broadcast_to(pos, shape).ravel()
    last = np.full(meta.size, -1, dtype=np.intp)
    last[pos] = np.arange(pos.size)
    return (last[pos] == np.arange(pos.size)).reshape(shape)


SETITEM = array_primitive("setitem", None, _setitem_vjp, save=(1,), kind="flat")
# a.shape = ...: the new version is the old one reshaped.
SET_SHAPE = array_primitive("set shape", None, lambda g, ans, args, kwargs: (
    np.reshape(g, args[0].shape),), save=())


def _scatter_add_vjp(g, ans, args, kwargs):
    meta, key, b = args
    return (None, None, unbroadcast(b, _as_array(g)[key]))


# np.add.at(a, key, b)'s increment: zeros of a's shape with b added at key.
SCATTER_ADD = array_primitive("ufunc.at increment", None, _scatter_add_vjp, save=(1,))


# ------------------------------------------------------------ shape methods

def _vjp0(f):
    """A rule whose only differentiable argument is the first."""
    return lambda g, ans, args, kwargs: (f(g, args[0], args, kwargs),) + (None,) * (
        len(args) - 1 + len(kwargs))


def _reshape_back(g, x, args, kwargs):
    return np.reshape(g, shape_of(x))


def _order_back(position):
    """reshape/ravel/flatten with an `order` (positional at `position`):
    read back in the same order ('K'/'A' were resolved at record time)."""
    def back(g, x, args, kwargs):
        order = kwargs.get("order", args[position] if len(args) > position else "C")
        if order == "C":
            return np.reshape(g, shape_of(x))
        if order == "F":
            return np.reshape(g, shape_of(x), order="F")
        perm = order.idx                    # a permutation (see resolve_order)
        ct = np.empty(int(np.prod(shape_of(x), dtype=np.intp)), dtype=np.asarray(g).dtype)
        ct[perm] = np.reshape(g, -1)
        return ct.reshape(shape_of(x))
    return back


def memory_order(x):
    """The positions (C-order indices) of x's elements in the order
    `x.ravel(order='K')` reads them: axes by decreasing absolute stride
    (a stable sort; numpy 2 keeps each axis's own direction)."""
    idx = np.arange(x.size, dtype=np.intp).reshape(x.shape)
    perm = sorted(range(x.ndim), key=lambda k: -abs(x.strides[k]))
    return np.transpose(idx, perm).reshape(-1)


def resolve_order(x, order):
    """'C', 'F', or the permutation that order 'K'/'A' means for array x.
    ('F' stays 'F' even for a 1-d x: `x.reshape((3, 2), order='F')` fills
    the result column by column.)"""
    if order in ("C", None) or order != "F" and x.ndim <= 1:
        return "C"
    if order == "A":
        return "F" if x.flags.f_contiguous and not x.flags.c_contiguous else "C"
    if order == "K":
        if x.flags.c_contiguous:
            return "C"
        if x.flags.f_contiguous:
            return "F"
        return Permutation(memory_order(x))
    return order


class Permutation:
    """An element order, kept whole by the tape (an array argument would be
    kept as its shape only)."""
    __slots__ = ("idx",)

    def __init__(self, idx):
        self.idx = idx

    def __repr__(self):
        return "order='K'"


def _prepare_order(position):
    """Record time: replace the `order` argument by what it means for this
    array ('K' and 'A' depend on its memory layout, which a Meta lacks)."""
    def prepare(args, kwargs):
        if "order" in kwargs:
            kwargs = dict(kwargs, order=resolve_order(args[0], kwargs["order"]))
        elif len(args) > position:
            args = args[:position] + (resolve_order(args[0], args[position]),) + \
                args[position + 1:]
        return args, kwargs
    return prepare


def _orderable(fn, position):
    p = defarray(fn, _vjp0(_order_back(position)), save=())
    p.prepare = _prepare_order(position)


_orderable(ndarray.ravel, 1)
_orderable(ndarray.flatten, 1)
_orderable(np.ravel, 1)
_orderable(np.reshape, 2)
_orderable(ndarray.reshape, 99)     # (order is keyword-only; shape may be *args)
defarray(ndarray.squeeze, _vjp0(_reshape_back), save=())
defarray(np.squeeze, _vjp0(_reshape_back), save=())
defarray(np.expand_dims, _vjp0(_reshape_back), save=())
defarray(ndarray.copy, _vjp0(lambda g, x, a, k: g), save=())
defarray(np.copy, _vjp0(lambda g, x, a, k: g), save=())


def _transpose_back(g, x, args, kwargs):
    axes = args[1:] if len(args) > 1 else kwargs.get("axes", ())
    if len(axes) == 1 and (axes[0] is None or type(axes[0]) in (tuple, list)):
        axes = axes[0]
    if not axes:
        return np.transpose(g)
    return np.transpose(g, np.argsort([a % len(shape_of(x)) for a in axes]))


def _axes_as_ints(args, kwargs):
    """Record time: axes given as an integer array (np.rot90's
    `m.transpose(axes_list)`) kept as ints (an array would be kept as its
    shape only)."""
    def ints(a):
        return tuple(int(k) for k in a) if type(a) is ndarray else a
    args = (args[0],) + tuple(ints(a) for a in args[1:])
    if "axes" in kwargs:
        kwargs = dict(kwargs, axes=ints(kwargs["axes"]))
    return args, kwargs


for _f in (ndarray.transpose, np.transpose):
    defarray(_f, _vjp0(_transpose_back), save=()).prepare = _axes_as_ints


def _swapaxes_back(g, x, args, kwargs):
    return np.swapaxes(g, args[1], args[2])


defarray(ndarray.swapaxes, _vjp0(_swapaxes_back), save=())
defarray(np.swapaxes, _vjp0(_swapaxes_back), save=())
defarray(np.broadcast_to, _vjp0(lambda g, x, a, k: unbroadcast(x, g)), save=())


def _astype_back(g, x, args, kwargs):
    g = _as_array(g)
    return g.real if g.dtype.kind == "c" and np.dtype(x.dtype).kind != "c" else g


defarray(ndarray.astype, _vjp0(_astype_back), save=())
defarray(ndarray.conj, _vjp0(lambda g, x, a, k: np.conj(g)), save=())
defarray(ndarray.conjugate, _vjp0(lambda g, x, a, k: np.conj(g)), save=())


def _concat_vjp(g, ans, args, kwargs):
    xs = args[0]
    axis = args[1] if len(args) > 1 else kwargs.get("axis", 0)
    if axis is None:        # the inputs flattened
        g = np.reshape(g, -1)
        sizes = [int(np.prod(shape_of(x))) for x in xs]
        axis = 0
    else:
        sizes = [shape_of(x)[axis] if len(shape_of(x)) else 1 for x in xs]
    parts = np.split(g, np.cumsum(sizes)[:-1], axis=axis)
    # (a list, not a generator: inside another transform, tuple() of a
    # generator yielding views of a tracked array is refused)
    cts = tuple([np.reshape(p, shape_of(x)) for p, x in zip(parts, xs)])
    return (cts,) + (None,) * (len(args) - 1 + len(kwargs))


defarray(np.concatenate, _concat_vjp, save=())


# np.vstack(tup): numpy's Python code makes each input at least 2-d (a view)
# and concatenates them; as a rule, one equation instead of one subscript per
# input (solve_ivp stacks every step's state this way).  Other forms (dtype=,
# casting=, a generator) are interpreted as numpy wrote them.
def _vstack_check(args, kwargs):
    if len(args) != 1 or type(args[0]) not in (list, tuple) or not args[0] or \
            set(kwargs) - {"dtype", "casting"} or kwargs.get("dtype") is not None or \
            kwargs.get("casting", "same_kind") != "same_kind":
        return "the rule covers vstack of a list or tuple, without dtype= or casting="
    return None


def _vstack_vjp(g, ans, args, kwargs):
    xs = args[0]
    shapes = [shape_of(x) for x in xs]
    rows = [s[0] if len(s) >= 2 else 1 for s in shapes]
    parts = np.split(_as_array(g), np.cumsum(rows)[:-1], axis=0)
    cts = tuple([np.reshape(part, s) for part, s in zip(parts, shapes)])
    return (cts,) + (None,) * (len(args) - 1 + len(kwargs))


defarray(np.vstack, _vstack_vjp, save=(), check=_vstack_check)
INTERPRET_UNCOVERED.add(np.vstack)


def _repeat_back(g, x, args, kwargs):
    repeats = args[1] if len(args) > 1 else kwargs["repeats"]
    axis = args[2] if len(args) > 2 else kwargs.get("axis")
    shape = shape_of(x)
    if axis is None:
        idx = np.repeat(np.arange(int(np.prod(shape))), repeats)
        out = np.zeros(int(np.prod(shape)), dtype=_as_array(g).dtype)
        np.add.at(out, idx, np.reshape(g, -1))
        return out.reshape(shape)
    axis %= len(shape)
    idx = np.repeat(np.arange(shape[axis]), repeats)
    out = np.zeros(shape, dtype=_as_array(g).dtype)
    np.add.at(np.moveaxis(out, axis, 0), idx, np.moveaxis(g, axis, 0))
    return out


defarray(ndarray.repeat, _vjp0(_repeat_back), save=(1,))
defarray(np.repeat, _vjp0(_repeat_back), save=(1,))


def _diagonal_back(g, x, args, kwargs):
    offset, axis1, axis2 = (list(args[1:]) + [0, 0, 1][len(args) - 1:])[:3]
    offset = kwargs.get("offset", offset)
    axis1 = kwargs.get("axis1", axis1)
    axis2 = kwargs.get("axis2", axis2)
    g = _as_array(g)
    out = np.zeros(shape_of(x), dtype=g.dtype)
    moved = np.moveaxis(out, (axis1, axis2), (-2, -1))
    i = np.arange(g.shape[-1])
    moved[..., i + max(-offset, 0), i + max(offset, 0)] = g
    return out


defarray(ndarray.diagonal, _vjp0(_diagonal_back), save=())
defarray(np.diagonal, _vjp0(_diagonal_back), save=())


def _take_back(g, x, args, kwargs):
    idx = args[1] if len(args) > 1 else kwargs["indices"]
    axis = args[2] if len(args) > 2 else kwargs.get("axis")
    shape = shape_of(x)
    out = np.zeros(shape, dtype=_as_array(g).dtype)
    if axis is None:
        np.add.at(out.reshape(-1), np.asarray(idx).reshape(-1) % max(out.size, 1),
                  np.reshape(g, -1))
        return out
    axis %= len(shape)
    key = (slice(None),) * axis + (idx,)
    np.add.at(out, key, g)
    return out


defarray(ndarray.take, _vjp0(_take_back), save=(1,))
defarray(np.take, _vjp0(_take_back), save=(1,))


# Attributes of tracked arrays: (name -> (compute, vjp of the array)).
ATTRIBUTES = {
    "T": (lambda a: a.T, lambda g, x: g.T),
    "mT": (lambda a: a.mT, lambda g, x: np.swapaxes(g, -1, -2)),
    "real": (lambda a: a.real, lambda g, x: np.real(g) if np.iscomplexobj(x) else g),
    # y = Im(z) = Re(-1j z): the cotangent is conj(-1j) g = 1j g (as complex.imag's)
    "imag": (lambda a: a.imag, lambda g, x: 1j * np.real(g) if np.iscomplexobj(x) else None),
}
ATTR_PRIMS = {name: array_primitive(f"ndarray.{name}", None,
                                    (lambda back: lambda g, ans, args, kwargs:
                                     (back(_as_array(g), args[0]),))(back), save=())
              for name, (_, back) in ATTRIBUTES.items()}


def _along_axis_key(idx, axis, ndim):
    idx = np.asarray(idx)
    key = list(np.indices(idx.shape, sparse=True))
    key[axis % ndim] = idx
    return tuple(key)


def _take_along_axis_back(g, x, args, kwargs):
    idx = args[1] if len(args) > 1 else kwargs["indices"]
    axis = args[2] if len(args) > 2 else kwargs.get("axis", -1)
    shape = shape_of(x)
    out = np.zeros(shape, dtype=_as_array(g).dtype)
    if axis is None:
        np.add.at(out.reshape(-1), np.asarray(idx), g)
    else:
        np.add.at(out, _along_axis_key(idx, axis, len(shape)), g)
    return out


defarray(np.take_along_axis, _vjp0(_take_along_axis_back), save=(1,))


# np.broadcast(a, b): an iterator of element tuples, used for its .shape (np.cross).
defzero_array(np.broadcast)


def _array_wrap_vjp(g, ans, args, kwargs):
    # self.__array_wrap__(arr, context, return_scalar): arr, as self's type
    arr = args[1]
    return (None, np.reshape(g, shape_of(arr))) + (None,) * (len(args) - 2 + len(kwargs))


# (numpy's linalg wraps its results: pinv, tensorsolve, cond...)
defarray(ndarray.__array_wrap__, _array_wrap_vjp, save=())



def _broadcast_to_vjp(g, ans, args, kwargs):
    return (unbroadcast(args[0], g),) + (None,) * (len(args) - 1 + len(kwargs))


# numpy's Python helper behind broadcast_to and broadcast_arrays (it makes
# the view with np.nditer, which has no rule): a rule of its own.
try:
    from numpy.lib import _stride_tricks_impl as _stride
except ImportError:             # pragma: no cover - numpy < 2
    from numpy.lib import stride_tricks as _stride
if hasattr(_stride, "_broadcast_to"):
    defarray(_stride._broadcast_to, _broadcast_to_vjp, save=(), name="numpy._broadcast_to")


def _bincount_vjp(g, ans, args, kwargs):
    x = args[0]
    weights = args[1] if len(args) > 1 else kwargs.get("weights")
    ct_w = None if weights is None else np.asarray(g)[np.asarray(x)]
    cts = [None, ct_w][:len(args)] + [None] * max(len(args) - 2, 0)
    return tuple(cts) + tuple(ct_w if k == "weights" else None for k in kwargs)


defarray(np.bincount, _bincount_vjp, save=(0,))