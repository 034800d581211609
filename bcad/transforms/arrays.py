"""numpy arrays as differentiable values: recording, versions, views.

Arrays are tracked by identity like floats (`tape.ids[id(a)]` is the
variable of the array's *current* contents), but they are mutable:

- *Versions.*  A write (`a[k] = v`, `a += b`, `out=`, `np.copyto`, `a.fill`)
  records a new variable for the same object (`write`).  The equation of the
  new version is a `setitem` of the old one, so the old contents' cotangent
  is the new one's with the written region zeroed.
- *Residuals.*  A rule's VJP that needs the values of an array argument (or
  of its output) declares it (`Primitive.save`); the tape then holds the
  array in `tape.holders` under its memory's owner.  Just before a write
  into that memory, held arrays are replaced by copies in the equations that
  hold them.  Nothing else is ever copied, so a loop writing `out[i] = ...`
  stays linear: setitem needs no values.
- *Views.*  A view shares its owner's memory (`root`).  Writes through a
  view are writes to the owner at the view's positions (`positions`), and
  every registered view of an owner that overlaps a write is re-read from
  the owner's new version (a `gather` equation), so `v = a[:2]; a[0] = x`
  gives `v` the gradient of `x`.  Views are registered where interpreted
  code gets hold of them: subscripts, rules, and C calls' results.  Views
  bcad cannot map (a different dtype, an owner that is not contiguous)
  make such a write a clear error.
"""
import weakref

import numpy as np

from ..errors import NonDifferentiableError
from .boundary import current_site, refuse

ndarray = np.ndarray
_generic = np.generic
_inexact = np.inexact


def is_array_value(x):
    """Could `x` be a differentiable array value (a float/complex ndarray or
    numpy scalar)?"""
    tx = type(x)
    if tx is ndarray:
        return x.dtype.kind in "fc"
    return isinstance(x, _inexact)


class Meta:
    """Shape and dtype of an array argument whose values a VJP does not need
    (kept instead of the array, so later writes to it cost no copy)."""
    __slots__ = ("shape", "dtype", "ndim", "size")

    def __init__(self, x):
        self.shape = x.shape
        self.dtype = x.dtype
        self.ndim = x.ndim
        self.size = x.size

    def __repr__(self):
        return f"<array meta {self.shape} {self.dtype}>"


def root(a):
    """The array that owns `a`'s memory (a itself if it owns it)."""
    b = a.base
    while type(b) is ndarray or isinstance(b, ndarray):
        a, b = b, b.base
    return a


# ------------------------------------------------------------------ record

def _param(tape, x, save, v):
    """What the tape keeps of argument `x` of equation `v`."""
    tx = type(x)
    if tx is ndarray or isinstance(x, ndarray):
        if not save:
            return Meta(x)
        hold(tape, x, v)
        return x
    if tx is list or tx is tuple:
        # (arrays inside sequences are kept whole: the rules read the
        # sequence's shape and dtype through numpy, which a Meta would break)
        return tuple([_param(tape, e, True, v) for e in x])
    return x


def hold(tape, x, v):
    """Equation `v` needs the current values of array `x`."""
    r = x if x.base is None else root(x)
    lst = tape.holders.get(id(r))
    if lst is None:
        tape.holders[id(r)] = lst = [r]
    lst.append((x, v))


def record(tape, prim, out, args, kwargs, site, in_vars=None):
    """Record `out = prim(*args, **kwargs)` (an array rule)."""
    ids = tape.ids
    if in_vars is None:
        simple = not kwargs
        if simple:
            for a in args:
                ta = type(a)
                if ta is list or ta is tuple or ta is dict:
                    simple = False
                    break
        if simple:      # (the common case: arrays and numbers)
            in_vars = tuple([ids.get(id(a), -1) for a in args])
        else:
            from .tracking import leaves_of
            flat = []
            for a in args:
                leaves_of(tape, a, flat)
            for a in kwargs.values():
                leaves_of(tape, a, flat)
            in_vars = tuple([ids.get(id(x), -1) for x in flat])
    v = len(tape.vals)
    save = prim.save
    if save is True:
        args = tuple([_param(tape, a, True, v) for a in args])
    else:
        args = tuple([_param(tape, a, i in save, v) for i, a in enumerate(args)])
    if kwargs:
        kwargs = {k: _param(tape, a, save is True, v) for k, a in kwargs.items()}
    tape.record_general(prim, out, in_vars, args, kwargs, site)
    if type(out) is ndarray:
        if save is True or "ans" in save:
            hold(tape, out, v)
        if out.base is not None:
            register_view(tape, out)
    return v


def record_multi(tape, prim, outs, args, kwargs, site):
    """A rule returning a tuple (eigh, slogdet, qr...): one equation per
    differentiable output, each given the whole tuple as `ans`."""
    for j, p in enumerate(prim.multi):
        o = outs[j]
        if p is None or o is None or not is_array_value(o) or id(o) in tape.ids:
            continue
        v = record(tape, p, o, args, kwargs, site)
        a, k = tape.params[v]
        tape.params[v] = (a, k, outs)
        for x in outs:
            if type(x) is ndarray:
                hold(tape, x, v)


# ------------------------------------------------------------------ views

def register_view(tape, view):
    """`view` (an ndarray with a base) was handed to interpreted code."""
    r = root(view)
    lst = tape.views.get(id(r))
    if lst is None:
        tape.views[id(r)] = lst = [r]
    lst.append(weakref.ref(view))


def positions(view, owner):
    """Flat (C-order) indices into `owner` of the elements of `view`, shaped
    like `view`; None when bcad cannot map them."""
    if view.dtype != owner.dtype or not (owner.flags.c_contiguous or owner.flags.f_contiguous):
        return None
    size = owner.itemsize
    offset = view.__array_interface__["data"][0] - owner.__array_interface__["data"][0]
    if offset % size or any(s % size for s in view.strides):
        return None
    mem = np.full((1,) * view.ndim, offset // size, dtype=np.intp)
    for k, (n, s) in enumerate(zip(view.shape, view.strides)):
        shape = [1] * view.ndim
        shape[k] = n
        mem = mem + np.arange(n, dtype=np.intp).reshape(shape) * (s // size)
    mem = mem.reshape(view.shape)
    if owner.flags.c_contiguous or owner.ndim <= 1:
        return mem
    return np.ravel_multi_index(np.unravel_index(mem, owner.shape, order="F"), owner.shape)


def _unmappable(view, how):
    refuse(how, f"wrote into memory shared with a view bcad cannot map to its owner (dtype "
           f"{view.dtype}, strides {view.strides}); differentiating through it would be wrong."
           f" Write into a copy instead (arr.copy())")


# ------------------------------------------------------------------ writes

def _snapshot(tape, r):
    """Copy the arrays held as residuals that share `r`'s memory, in the
    equations that hold them, before `r` is written."""
    lst = tape.holders.pop(id(r), None)
    if lst is None or lst[0] is not r:
        return
    copies = {}
    for x, v in lst[1:]:
        c = copies.get(id(x))
        if c is None:
            c = copies[id(x)] = x.copy()
        p = tape.params[v]
        tape.params[v] = (_swap(p[0], x, c), {k: _swap1(a, x, c) for k, a in p[1].items()},
                          *((_swap(p[2], x, c),) if len(p) > 2 else ()))
        if tape.vals[v] is x:
            # (x is this equation's output: the old version keeps the old
            # contents, in a copy the tape owns.)
            tape.vals[v] = c


def _swap1(a, x, c):
    if a is x:
        return c
    if type(a) is tuple:
        return _swap(a, x, c)
    return a


def _swap(t, x, c):
    return tuple(_swap1(a, x, c) for a in t)


def involved(tape, target, value):
    """Does a write of `value` into `target` concern the tape?"""
    ids = tape.ids
    if id(value) in ids:
        return True
    r = root(target)
    if id(r) in ids or id(target) in ids:
        return True
    if type(value) is list or type(value) is tuple:
        from .boundary import reach
        found, _ = reach(tape, (value,))
        if found:
            return True
    lst = tape.views.get(id(r))
    if lst is not None and lst[0] is r:
        for w in lst[1:]:
            o = w()
            if o is not None and id(o) in ids:
                return True
    return False


def check_operands(tape, values, how):
    """Every differentiable value that reaches `values` is one of them or in
    a list among them (where the rules look); text or other objects made
    from one would be parsed or copied by numpy: refused."""
    from .boundary import reach
    from .tracking import leaves_of
    found, desc = reach(tape, values)
    if desc is not None:
        refuse(how, f"received {desc}, which numpy would read as a number (the gradient "
               f"would be lost)")
    if found:
        leaves = set()
        for v in values:
            leaves.update(id(x) for x in leaves_of(tape, v, []))
        for x in found:
            if id(x) not in leaves:
                refuse(how, "received a differentiable value inside an object numpy would "
                       "copy it out of (a copy carries no gradient)")


def write(tape, target, key, value, how, native):
    """Perform `native()` (which writes `value` into `target[key]`) and record
    the new versions (`key`: Ellipsis for the whole array)."""
    check_operands(tape, (value,), how)
    r = root(target)
    if id(r) in tape.holders:
        _snapshot(tape, r)
    if not involved(tape, target, value):
        return native()
    if not is_array_value(r):
        refuse(how, f"stored a differentiable value into a numpy array of dtype {r.dtype}, "
               f"which keeps a {r.dtype} copy of it (a copy carries no gradient)")
    from ..rules.numpy import SETITEM
    site = current_site()
    ids = tape.ids
    key = frozen_key(key)
    if target is not r:
        pos = positions(target, r)
        if pos is None:
            _unmappable(target, how)
        key = pos if key is None else pos[key]
    region = target[key] if key is not None and _basic(key) else target
    if type(region) is not ndarray:
        region = target         # (a scalar element: compare with the whole array)
    old_var = ids.get(id(r), -1)
    result = native()
    v = _record_setitem(tape, SETITEM, r, old_var, key, value, target is not r, site)
    _reread_views(tape, r, region, v, site)
    return result


def _basic(key):
    """A basic index (ints, slices, Ellipsis, None): no element twice."""
    if type(key) is not tuple:
        key = (key,)
    for k in key:
        tk = type(k)
        if not (tk is int or tk is slice or k is None or k is Ellipsis or
                isinstance(k, (int, np.integer)) and tk is not bool):
            return False
    return True


def _record_setitem(tape, prim, r, old_var, key, value, flat, site):
    """The new version of owner `r`: `old` with `old[key] = value` (`flat`:
    `key` indexes r's elements in C order, through their positions)."""
    ids = tape.ids
    vv = ids.get(id(value), -1)
    if vv < 0 and (type(value) is list or type(value) is tuple):
        from .tracking import leaves_of
        leaves = leaves_of(tape, value, [])
        in_vars = (old_var, *(ids.get(id(x), -1) for x in leaves))
        value_param = value
    else:
        in_vars = (old_var, vv)
        value_param = Meta(value) if type(value) is ndarray else value
        if not (type(value) is ndarray) and vv < 0:
            value_param = None          # a constant: only its shape could matter
    return tape.record_general(prim, r, in_vars, (Meta(r), key, value_param, flat), {}, site)


def _reread_views(tape, r, region, v, site):
    """Registered views of `r` (other than r) overlapping the write read
    their contents from r's new version `v`."""
    lst = tape.views.get(id(r))
    if lst is None or lst[0] is not r:
        return
    from ..rules.numpy import GATHER
    keep = [r]
    for w in lst[1:]:
        o = w()
        if o is None:
            continue
        keep.append(w)
        if not np.may_share_memory(o, region):
            continue
        pos = positions(o, r)
        if pos is None:
            _unmappable(o, "a write")
        tape.record_general(GATHER, o, (v,), (Meta(r), pos), {}, site)
    lst[:] = keep


def check_array_input(tape, x):
    """An ndarray argument to differentiate: its own object (writes to it
    are the caller's side effects, as natively), unless it is a view or
    already an input (then a copy, so that its memory is its own)."""
    if x.base is not None or id(x) in tape.ids or not x.flags.writeable:
        x = x.copy()
    return x


class ArrayError(NonDifferentiableError):
    pass


# ------------------------------------------------------------------ calls

def apply(tape, prim, fn, args, kwargs, site):
    """Call `fn` (whose array rule is `prim`) and record what it returned."""
    if prim.check is not None:
        why = prim.check(args, kwargs)
        if why:
            refuse(fn, f"received a differentiable value, but {why}")
    if kwargs and isinstance(fn, np.ufunc):
        o = kwargs.get("out")
        if o is not None and o is not Ellipsis or "where" in kwargs:
            return ufunc_out(tape, prim, fn, args, kwargs, site)
    out = fn(*args, **kwargs)
    if prim.nondiff:
        return out
    if prim.multi is not None:
        if isinstance(out, tuple):
            record_multi(tape, prim, tuple(out), args, kwargs, site)
        elif is_array_value(out):
            # One output only (svd(compute_uv=False) returns s): rule `single`.
            j = prim.single
            if j is None or prim.multi[j] is None:
                refuse(fn, "returned one array where its rule expects a tuple")
            outs = [None] * len(prim.multi)
            outs[j] = out
            record_multi(tape, prim, tuple(outs), args, kwargs, site)
        return out
    if id(out) in tape.ids:
        return out                      # an argument handed back (np.asarray(a))
    tout = type(out)
    if tout is float or tout is complex or is_array_value(out):
        if prim.prepare is not None:
            args, kwargs = prim.prepare(args, kwargs)
        record(tape, prim, out, args, kwargs, site)
    elif tout is ndarray:
        if out.dtype.kind == "O":
            # Its elements are new Python numbers: copies without a gradient.
            refuse(fn, "made an object array (dtype=object) from a differentiable value; "
                   "its elements would be copies without a gradient")
        if out.base is not None:
            register_view(tape, out)
    return out


def ufunc_out(tape, prim, fn, args, kwargs, site):
    """`ufunc(x, y, out=o, where=w)`: the ufunc's value, then a write into o
    (`where=`: the new values only where w holds)."""
    kwargs = dict(kwargs)
    o = kwargs.pop("out", None)
    w = kwargs.pop("where", True)
    if type(o) is tuple:
        if len(o) != 1:
            refuse(fn, "received a differentiable value and several out= arrays")
        o = o[0]
    if o is None:
        if w is not True:
            refuse(fn, "received a differentiable value and where= without out= (the other "
                   "elements are uninitialized)")
        return apply(tape, prim, fn, args, kwargs, site)
    if not involved(tape, o, args):
        r = root(o)
        if id(r) in tape.holders:
            _snapshot(tape, r)
        return fn(*args, out=o, where=w, **kwargs)
    casting = kwargs.get("casting", "same_kind")
    value = apply(tape, prim, fn, args, kwargs, site)
    if w is not True:
        from ..rules import RULES
        value = apply(tape, RULES[np.where], np.where, (w, value, o), {}, site)
    if not np.can_cast(np.result_type(value), o.dtype, casting):
        return fn(*args, out=o, where=w, **kwargs)     # (numpy's own casting error)
    write(tape, o, Ellipsis, value, f"{fn.__name__}(out=...)",
          lambda: np.copyto(o, value, casting="unsafe"))
    return o


def getitem(tape, a, key, site=None):
    """`a[key]` of an ndarray while differentiating."""
    r = a[key]
    if type(r) is ndarray and r.base is not None:
        register_view(tape, r)
    if id(a) in tape.ids and id(r) not in tape.ids and is_array_value(r):
        from ..rules.numpy import GETITEM
        record(tape, GETITEM, r, (a, frozen_key(key)), {}, site or current_site())
    return r


def frozen_key(key):
    """An index as the tape keeps it: lists (integer or boolean indices, as
    numpy reads them) become arrays, so that a later change to the list, or
    the tape's tuples for sequences, cannot change its meaning."""
    tk = type(key)
    if tk is list:
        return np.asarray(key) if key else np.zeros(0, dtype=np.intp)
    if tk is tuple:
        return tuple([frozen_key(k) if type(k) is list else k for k in key])
    return key


def rows(tape, a, it, site=None):
    """Iteration over a tracked array: its rows, recorded as subscripts at
    `site` (the loop's instruction)."""
    site = site or current_site()
    for i in range(len(a)):
        yield getitem(tape, a, i, site)


def row_list(tape, a):
    """The rows of tracked array `a` as a list (for C code that iterates)."""
    if a.ndim == 0:
        iter(a)                 # (numpy's TypeError)
    return [getitem(tape, a, i) for i in range(len(a))]


def tolist(tape, a):
    """`a.tolist()` of a tracked array: each number is an element of `a`."""
    from ..rules.numpy import GATHER
    out = a.tolist()
    v = tape.ids[id(a)]
    meta = Meta(a)
    site = current_site()
    flat = []
    _leaves(out, flat)
    for i, x in enumerate(flat):
        if (type(x) is float or type(x) is complex or is_array_value(x)) and \
                id(x) not in tape.ids:      # (longdouble arrays give numpy scalars)
            record(tape, GATHER, x, (meta, np.intp(i)), {}, site, in_vars=(v,))
    return out


def _leaves(x, out):
    if type(x) is list:
        for e in x:
            _leaves(e, out)
    else:
        out.append(x)


_ATTR_REFUSED = {"data": "the raw buffer of a differentiable array carries no gradient",
                 "ctypes": "the raw buffer of a differentiable array carries no gradient"}


def attribute(tape, a, name, value):
    """`a.<name>` of a tracked array returned `value`."""
    from ..rules.numpy.shapes import ATTR_PRIMS
    p = ATTR_PRIMS.get(name)
    if p is not None:
        if id(value) not in tape.ids and is_array_value(value):
            record(tape, p, value, (a,), {}, current_site())
        elif type(value) is ndarray and value.base is not None:
            register_view(tape, value)
    elif name in _ATTR_REFUSED:
        refuse(f"the attribute .{name}", _ATTR_REFUSED[name])
    return value


# ------------------------------------------------------------------ operators

_OPERATOR_UFUNCS = {0: np.add, 2: np.floor_divide, 4: np.matmul, 5: np.multiply,
                    6: np.remainder, 8: np.power, 10: np.subtract, 11: np.true_divide}


def operator(tape, k, r, a, b, site):
    """`r = a <op k> b` computed by numpy: recorded with the ufunc's rule.
    Returns False when it is not a numpy operation bcad knows."""
    from ..rules import RULES
    u = _OPERATOR_UFUNCS.get(k % 13)
    if u is None:
        return False
    prim = RULES[u]
    if prim.nondiff or id(r) in tape.ids:
        return True
    if is_array_value(r):
        record(tape, prim, r, (a, b), {}, site)
    return True


def inplace(tape, k, a, b, native):
    """`a <op>= b` for an ndarray `a`: numpy's `ufunc(a, b, out=a)`."""
    from ..rules import RULES
    u = _OPERATOR_UFUNCS.get(k - 13)
    check_operands(tape, (b,), "an in-place operator on an ndarray")
    if u is None or not involved(tape, a, (a, b)):
        r = root(a)
        if id(r) in tape.holders:
            _snapshot(tape, r)
        return native(a, b)
    prim = RULES[u]
    if prim.nondiff:          # (a //= b: a piecewise-constant new value)
        value = u(a, b)
        write(tape, a, Ellipsis, value, f"{u.__name__}=", lambda: np.copyto(a, value))
        return a
    return ufunc_out(tape, prim, u, (a, b), {"out": a}, current_site())


def is_numpy_operand(x):
    """An operand whose operators numpy computes (arrays, numpy scalars other
    than the float subclasses bcad records as floats)."""
    tx = type(x)
    return tx is ndarray or isinstance(x, _generic) or isinstance(x, ndarray)


# ------------------------------------------------------------------ writers

def copyto(tape, dst, src, casting="same_kind", where=True):
    if where is not True:
        from ..rules import RULES
        if involved(tape, dst, src):
            src = apply(tape, RULES[np.where], np.where, (where, src, dst), {}, current_site())
        else:
            return write(tape, dst, Ellipsis, src, "numpy.copyto",
                         lambda: np.copyto(dst, src, casting=casting, where=where))
    return write(tape, dst, Ellipsis, src, "numpy.copyto",
                 lambda: np.copyto(dst, src, casting=casting))


def fill(tape, a, value):
    return write(tape, a, Ellipsis, value, "ndarray.fill", lambda: a.fill(value))


def setitem(tape, a, key, value):
    """`a[key] = value` for an ndarray."""
    def native():
        a[key] = value
    write(tape, a, key, value, "ndarray.__setitem__", native)


def _flat_key(target, key):
    """`a.flat[key]` as an index of `a` (C order)."""
    return np.unravel_index(np.arange(target.size)[key], target.shape)


def flat_getitem(tape, fl, key, site=None):
    """`a.flat[key]`: elements of `a`, recorded as a subscript of it."""
    target = fl.base
    if id(target) not in tape.ids:
        return fl[key]
    return getitem(tape, target, _flat_key(target, key), site)


def flat_items(tape, fl, site=None):
    """Iteration over `a.flat` of a tracked `a`: its elements, recorded."""
    target = fl.base
    for i in range(target.size):
        yield getitem(tape, target, np.unravel_index(i, target.shape), site)


def flat_setitem(tape, fl, key, value):
    """`a.flat[key] = value`: a write into `a` at the elements the flat
    (C-order) index selects (np.diag builds its result this way)."""
    target = fl.base

    def native():
        fl[key] = value
    if not involved(tape, target, value):
        return write(tape, target, Ellipsis, value, "ndarray.flat[...] =", native)
    idx = np.arange(target.size)[key]
    if np.ndim(value) > 1 or np.size(value) not in (1, np.size(idx)):
        refuse("ndarray.flat[...] =", "stored a differentiable value whose shape differs "
               "from the selection (numpy repeats or flattens it); index the array instead")
    write(tape, target, _flat_key(target, key), value, "ndarray.flat[...] =", native)


def sort(tape, a, args, kwargs, partition=False):
    """`a.sort(...)` / `a.partition(kth, ...)` in place: the new version is
    a permutation of the old (numpy's argsort/argpartition of it)."""
    if not involved(tape, a, ()):
        r = root(a)
        if id(r) in tape.holders:
            _snapshot(tape, r)
        return (a.partition if partition else a.sort)(*args, **kwargs)
    from ..rules import RULES
    if partition:
        opts = dict(zip(("kth", "axis", "kind", "order"), args), **kwargs)
        axis = opts.get("axis", -1)
        order = np.argpartition(a, opts["kth"], axis=axis)
    else:
        opts = dict(zip(("axis", "kind", "order"), args), **kwargs)
        axis = opts.get("axis", -1)
        order = np.argsort(a, axis=axis, kind="stable")
    tmp = apply(tape, RULES[np.take_along_axis], np.take_along_axis, (a, order, axis), {},
                current_site())
    write(tape, a, Ellipsis, tmp, "ndarray.sort", lambda: np.copyto(a, tmp))
    return None


# ------------------------------------------------------- numpy's converters

try:
    from numpy._core._multiarray_umath import _array_converter as ArrayConverter
except ImportError:             # pragma: no cover - numpy < 2
    ArrayConverter = None
_CONVERTED = {}                 # id(converter) -> (converter, its arguments)


def converter(tape, args, kwargs):
    """numpy's `_array_converter(*values)` (np.linspace, np.polyval...):
    remember what it converts."""
    conv = ArrayConverter(*args, **kwargs)
    _CONVERTED[id(conv)] = (conv, args)
    return conv


def converter_method(tape, conv, name, args, kwargs):
    """`conv.as_arrays()` / `conv.wrap(y)`: the same values as what went in."""
    from ..rules import RULES
    out = getattr(conv, name)(*args, **kwargs)
    entry = _CONVERTED.get(id(conv))
    prim = RULES[np.asarray]
    site = current_site()
    if name == "as_arrays" and entry is not None and entry[0] is conv:
        from .tracking import leaves_of
        for o, src in zip(out, entry[1]):
            if o is not src and is_array_value(o) and any(
                    id(x) in tape.ids for x in leaves_of(tape, src, [])):
                record(tape, prim, o, (src,), {}, site)
    elif name == "wrap" and args and out is not args[0] and id(args[0]) in tape.ids \
            and is_array_value(out):
        record(tape, prim, out, (args[0],), {}, site)
    return out
