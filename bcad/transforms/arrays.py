"""numpy arrays as differentiable values: recording, versions, views.
(The operations built on them, calls of array rules, subscripts, operators
and the functions that write, are in array_ops.py.)

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
from sys import getrefcount

import numpy as np

from .boundary import current_site, refuse, reach, SCALARS
from .native_guard import guarded
from ..rules.numpy import SETITEM, GATHER
from ..tape.tape import SHAREABLE, SHARED, NO_KEYWORDS, shared_params
from .context import CTX

ndarray = np.ndarray
_float64 = np.float64
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
    (kept instead of the array, so later writes to it cost no copy).
    `elements`: for a short vector, the shared parameters of the element
    reads `(meta, i)` (row_list), made when first read."""
    __slots__ = ("shape", "dtype", "elements", "ndim", "size", "shared")

    def __init__(self, x):
        self.shape = x.shape
        self.dtype = x.dtype
        self.elements = None
        # The shared parameters of this Meta with others after it (a key of
        # exact ints, None, Metas and bools) -> shared_params of them: the
        # one-array rules' (`K[:s].T`), slices' (`K[:s]`) and writes'
        # (`K[s] = f`), found without shared_params' scan
        self.shared = {}
        # (Metas are shared by shape and dtype, never changed: rules read these)
        self.ndim = x.ndim
        self.size = x.size

    def __repr__(self):
        return f"<{self.dtype} array {self.shape}>"


def meta_params(m, key, args):
    """shared_params(args) of `args` starting with Meta `m`, kept in its
    table under `key` (read it as `m.shared.get(key) or meta_params(...)`)."""
    table = m.shared
    if len(table) >= 1024:      # (a program of ever new slices: bounded)
        table.clear()
    p = table[key] = shared_params(args)
    return p


_METAS = {}     # (shape, dtype) -> its Meta
SHAREABLE.add(Meta)     # (parameter tuples of Metas and indices are shared: tape.py)


def meta_of(x):
    """The Meta of array `x`.  One is shared by every array of a shape and
    dtype (Metas are never changed): a recording of thousands of operations
    on a few shapes allocates a few, not one per operation, and a tape of
    long-lived objects makes the cyclic garbage collector's full passes, in
    which every tracked object is visited, more frequent."""
    s, d = x.shape, x.dtype
    m = _METAS.get((s, d))
    if m is None or m.dtype is not d:
        m = Meta(x)
        if len(_METAS) >= 4096:     # (a program of ever new shapes: bounded)
            _METAS.clear()
        _METAS[s, d] = m
    return m


def root(a):
    """The array that owns `a`'s memory (a itself if it owns it)."""
    b = a.base
    while type(b) is ndarray or isinstance(b, ndarray):
        a, b = b, b.base
    return a


# ------------------------------------------------------------------ record

def leaves_of(tape, x, out):
    """Tracked-or-not scalar leaves of an argument, for general rules (lists,
    tuples and dicts are opened; call sites materialize other iterables)."""
    tx = type(x)
    if tx is list or tx is tuple:
        for v in x:
            leaves_of(tape, v, out)
    elif tx is dict:
        for v in x.values():
            leaves_of(tape, v, out)
    else:
        out.append(x)
    return out


def _param(tape, x, save, v):
    """What the tape keeps of argument `x` of equation `v`."""
    tx = type(x)
    if tx is ndarray or isinstance(x, ndarray):
        if not save:
            return meta_of(x)
        hold(tape, x, v)
        return x
    if tx is list or tx is tuple:
        # (arrays inside sequences are kept whole: the rules read the
        # sequence's shape and dtype through numpy, which a Meta would break)
        return tuple([_param(tape, e, True, v) for e in x])
    return x


# Zeros standing for the numbers of a sequence whose values no VJP reads.
_ZEROS = {float: 0.0, _float64: _float64(0.0), int: 0}
_NUMBERS_PARAMS = {}    # the element types of such a sequence -> its parameters


def _numbers_params(x):
    """The parameters of `np.array([u, v])` of numbers (float, float64,
    int), for a rule that reads no argument's value (`save=()`): the
    sequence's length and element types are all it needs, so the tape
    keeps a shared tuple of zeros of those types instead of the numbers.
    A new `((numbers,), None)` per call nests a tuple in a tuple in a
    tuple, and the cyclic garbage collector, which stops tracking one
    level per pass, still tracked four in five of them when it moved
    them to its oldest generation.  Only while line blocks fuse (one level
    of a reverse transform, CTX.fuse): a trace dump shows the numbers, and
    a pass an outer transform differentiates relinks them."""
    key = tuple(map(type, x))
    p = _NUMBERS_PARAMS.get(key)
    if p is None:
        if len(_NUMBERS_PARAMS) >= 4096:     # (bounded, as the shared tuples are)
            _NUMBERS_PARAMS.clear()
        p = _NUMBERS_PARAMS[key] = ((tuple([_ZEROS[t] for t in key]),), None)
    return p


def hold(tape, x, v):
    """Equation `v` needs the current values of array `x`."""
    r = x if x.base is None else root(x)
    holders = tape.holders
    lst = holders.get(id(r))
    # (The owner, then each array and its equation, flat: no tuple per
    # residual.  A tuple while there are few: arrays and numbers only, the
    # cyclic garbage collector stops tracking it, and a tape of thousands
    # of residuals then promotes fewer objects to its oldest generation,
    # whose full passes visit the whole process.  A list past eight, so
    # that an owner of many, a constant table read at every step, is not
    # copied at each.)
    if lst is None:
        holders[id(r)] = (r, x, v)
    elif type(lst) is tuple:
        holders[id(r)] = (*lst, x, v) if len(lst) < 17 else [*lst, x, v]
    else:
        lst.append(x)
        lst.append(v)


def record(tape, prim, out, args, kwargs, site, in_vars=None):
    """Record `out = prim(*args, **kwargs)` (an array rule)."""
    ids = tape.ids
    save = prim.save
    if in_vars is None and not kwargs:
        n = len(args)
        if n == 2:
            tx, ty = type(args[0]), type(args[1])
            if (tx is ndarray or tx in _PAIR_OPERANDS) and (ty is ndarray or ty in _PAIR_OPERANDS):
                return record_pair(tape, prim, out, args[0], args[1], site)
        elif n == 1 and type(args[0]) is ndarray:
            # (one array: `K[:s].T`, `np.abs(y)`)
            x = args[0]
            v = len(tape.vals)
            if save is True or 0 in save:
                hold(tape, x, v)
                params = (args, None)
            else:
                m = _METAS.get((x.shape, x.dtype))
                if m is None or m.dtype is not x.dtype:
                    m = meta_of(x)
                params = m.shared.get(()) or meta_params(m, (), (m,))
            tape.record_params(prim, out, (ids.get(id(x), -1),), params, site)
            if type(out) is ndarray:
                _recorded_array(tape, v, out, save)
            return v
        elif n == 1 and (type(args[0]) is list or type(args[0]) is tuple):
            # `np.array([u, v])` of numbers (a right-hand side's result):
            # what the general path below keeps, without its recursion
            x = args[0]
            for e in x:
                te = type(e)
                if te is not float and te is not _float64 and te is not int:
                    break
            else:
                v = len(tape.vals)
                tape.record_params(prim, out, tuple([ids.get(id(e), -1) for e in x]),
                                   _numbers_params(x) if save == () and CTX.fuse else
                                   ((tuple(x),), None), site)
                if type(out) is ndarray:
                    _recorded_array(tape, v, out, save)
                return v
    v = len(tape.vals)
    if in_vars is None and not kwargs:
        # The common case, arrays and numbers: one pass over the arguments,
        # and parameters made only of Metas and indices shared at once.
        in_vars = []
        for a in args:
            ta = type(a)
            if ta is list or ta is tuple or ta is dict:
                in_vars = None
                break
            in_vars.append(ids.get(id(a), -1))
        if in_vars is not None:
            in_vars = tuple(in_vars)
            if prim.crossed and len(args) == 2 and tape.compact:
                # An operand's value only for the other's cotangent: kept
                # when the other is tracked (Primitive.crossed).
                save = (0,) if in_vars[1] >= 0 else ()
                if in_vars[0] >= 0:
                    save += (1,)
            kept = []
            share = True
            for i, a in enumerate(args):
                ta = type(a)
                if ta is ndarray:
                    if save is True or i in save:
                        hold(tape, a, v)
                        share = False
                    else:
                        m = _METAS.get((a.shape, a.dtype))
                        a = m if m is not None and m.dtype is a.dtype else meta_of(a)
                elif ta not in SHAREABLE and ta is not slice:     # (shared_params: plain slices)
                    if isinstance(a, ndarray):
                        a = _param(tape, a, save is True or i in save, v)
                    share = False
                kept.append(a)
            kept = tuple(kept)
            tape.record_params(prim, out, in_vars, shared_params(kept) if share else (kept, None),
                               site)
            if type(out) is ndarray:
                _recorded_array(tape, v, out, prim.save)
            return v
    if in_vars is None:
        flat = []
        for a in args:
            leaves_of(tape, a, flat)
        for a in kwargs.values():
            leaves_of(tape, a, flat)
        in_vars = tuple([ids.get(id(x), -1) for x in flat])
    if save is True:
        args = tuple([_param(tape, a, True, v) for a in args])
    else:
        args = tuple([_param(tape, a, i in save, v) for i, a in enumerate(args)])
    if kwargs:
        kwargs = {k: _param(tape, a, save is True, v) for k, a in kwargs.items()}
    tape.record_general(prim, out, in_vars, args, kwargs, site)
    if type(out) is ndarray:
        _recorded_array(tape, v, out, prim.save)
    return v


# Operands record_pair keeps as they are (record's `_param` would too).
_PAIR_OPERANDS = SCALARS | {slice, type(None)}


def record_pair(tape, prim, out, x, y, site):
    """record() of `out = prim(x, y)` for two operands that are exact
    ndarrays, numbers, slices or None: the operators of a solver's step
    (`y + dy`, `dy * h`), its slices (`K[:s]`) and products, without
    record()'s loops."""
    ids = tape.ids
    vx = ids.get(id(x), -1)
    vy = ids.get(id(y), -1)
    v = len(tape.vals)
    save = prim.save
    if prim.crossed and tape.compact:
        keep_x, keep_y = vy >= 0, vx >= 0
    elif save is True:
        keep_x = keep_y = True
    else:
        keep_x, keep_y = 0 in save, 1 in save
    share = True
    # A crossed rule's operand not kept is tracked (the other is not), and
    # its input's value on the tape gives its shape and dtype: while line
    # blocks fuse (only reverse.backward reads this tape), None stands for
    # its Meta, which the backward pass puts back (`crossed_args`).  A
    # tuple holding a Meta (a Python object) is never untracked by the
    # cyclic garbage collector: `K[:s].T @ a[:s]`'s, one per stage, were
    # most of the tape's objects promoted to its oldest generation.
    as_none = prim.crossed and CTX.fuse
    if type(x) is ndarray:
        if keep_x:
            hold(tape, x, v)
            share = False
        elif as_none:
            x = None
        else:
            m = _METAS.get((x.shape, x.dtype))
            x = m if m is not None and m.dtype is x.dtype else meta_of(x)
    elif type(x) not in SHAREABLE:
        share = False
    if type(y) is ndarray:
        if keep_y:
            hold(tape, y, v)
            share = False
        elif as_none:
            y = None
        else:
            m = _METAS.get((y.shape, y.dtype))
            y = m if m is not None and m.dtype is y.dtype else meta_of(y)
    elif type(y) not in SHAREABLE and type(y) is not slice:     # (shared_params: plain slices)
        share = False
    if not share:
        params = ((x, y), None)
    elif type(y) is slice or type(x) is bool or type(y) is bool:
        params = shared_params((x, y))
    else:
        # (shared_params of two Metas, numbers or None: the pair is its own
        # key, looked up here)
        params = SHARED.get((x, y))
        if params is None:
            params = shared_params((x, y))
    tape.record_params(prim, out, (vx, vy), params, site)
    if type(out) is ndarray and (out.base is not None or save is True or "ans" in save):
        _recorded_array(tape, v, out, save)     # (a view, or a residual: `y + dy` is neither)
    return v


def crossed_args(args, in_vars, vals):
    """The operands of a crossed rule's equation as its VJP reads them:
    one recorded as None (record_pair) is the Meta of its input's value."""
    x, y = args
    if x is None and in_vars[0] >= 0:
        x = vals[in_vars[0]]
        x = meta_of(x) if type(x) is ndarray else x
    if y is None and in_vars[1] >= 0:
        y = vals[in_vars[1]]
        y = meta_of(y) if type(y) is ndarray else y
    return x, y


def _recorded_array(tape, v, out, save):
    """Array `out` of equation `v` was recorded: a residual if the rule reads
    it, a view registered (and not kept by the tape, if no rule reads it)."""
    needs_ans = save is True or "ans" in save
    if needs_ans:
        hold(tape, out, v)
    if out.base is not None:
        if needs_ans:
            register_view(tape, out)
        elif tape.keeps_views:
            # (`K[:s]`, `K[:s].T` of a solver's step: the registry holds the
            # view until it sweeps it, when nothing else does, and forgets
            # its `ids` entry then, as keep_weakly's reference would)
            tape.vals[v] = meta_of(out)
            register_view(tape, out)
        else:
            # (a view no rule reads is registered by the weak reference that
            # forgets it)
            register_view(tape, out, keep_weakly(tape, v, out))


def keep_weakly(tape, v, view):
    """The tape does not keep view `v` alive (its VJP needs no values):
    once interpreted code drops it, no write to its owner re-reads it (a
    solver writing `K[i] = ...` into a stage array whose slices it took at
    every step would otherwise re-read them all, quadratically), and its
    `ids` entry goes with it, so that a new object given its address is not
    taken for it.  Returns the weak reference."""
    tape.vals[v] = meta_of(view)
    return forget_when_dropped(tape, view)


class _Dropping(weakref.ref):
    """A weak reference to a value the tape does not keep alive, which
    removes the value's `ids` entry when it dies (`_dropped`)."""
    __slots__ = ("key", "ids", "weak")


def _dropped(w):
    weak = w.weak
    if weak.get(w.key) is w:
        del weak[w.key]
        w.ids.pop(w.key, None)


def forget_when_dropped(tape, x):
    """The tape does not keep `x` alive: its `ids` entry goes with it.
    Returns the weak reference to x."""
    i = id(x)
    weak = tape.weak
    w = weak.get(i)
    if w is not None and w() is x:
        return w
    w = weak[i] = _Dropping(x, _dropped)
    w.key, w.ids, w.weak = i, tape.ids, weak
    return w


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


def release_values(tape, out):
    """After the forward pass: arrays no rule reads any more (an
    intermediate like `X @ W` before `+ b`) are replaced on the tape by their
    shape and dtype, so that the backward pass does not keep them alive.
    The output's arrays, those held as residuals and their copies stay,
    and so do small arrays (16 elements or fewer: an ODE solver's
    thousands of state vectors), whose memory is not worth the pass."""
    from .tree import flatten
    keep = {id(x) for x in flatten(out)[0]}
    held = {}       # id(owner) -> ids of the arrays held under it, as asked
    holders = tape.holders
    vals, ids = tape.vals, tape.ids
    # (only the variables recorded as arrays of more than 16 elements: most
    # of a long tape is numbers and small vectors)
    for v in tape.large_arrays:
        x = vals[v]
        if type(x) is not ndarray or x.size <= 16:
            continue
        i = id(x)
        if i in keep or i not in ids:
            continue
        r = x if x.base is None else root(x)
        h = held.get(id(r))
        if h is None:
            lst = holders.get(id(r))
            h = held[id(r)] = {id(e) for e in lst[1::2]} if lst is not None else ()
        if i not in h:
            if ids[i] == v:
                del ids[i]
            vals[v] = meta_of(x)


# ------------------------------------------------------------------ views

def register_view(tape, view, ref=None):
    """`view` (an ndarray with a base) was handed to interpreted code
    (`ref`: a weak reference to it, if there is one).

    Without one, the registry holds the view itself (`Tape.keeps_views`):
    a weak reference is an object the cyclic garbage collector tracks, and
    a solver's step takes several views of its constant tables (`a[:s]`),
    which, held for the tape's lifetime, made a fifth of the objects
    promoted to the collector's oldest generation (whose full passes visit
    the whole process).  An array is not tracked.  A view only the registry
    holds is dropped at its owner's writes and when the owner's list
    doubles (`_live_views`), as a dead weak reference was."""
    r = root(view)
    views = tape.views
    lst = views.get(id(r))
    if lst is None:
        views[id(r)] = lst = [r]
    elif len(lst) >= 64 and len(lst) >= tape.view_caps.get(id(r), 0):
        lst[:] = _live_views(lst, tape.ids)
        tape.view_caps[id(r)] = 2 * len(lst)       # (amortized: scanned at doublings)
    if ref is None:
        ref = view if tape.keeps_views else weakref.ref(view)
    lst.append(ref)


_REFERENCE = weakref.ReferenceType
# The references to a view that only a registry list holds, as
# _live_views counts them: the list's, the loop's and getrefcount's.
_ONLY_REGISTERED = 3


def _live_views(lst, ids):
    """`lst` (an owner and its registered views) without the views nobody
    else refers to any more; those of them that are tracked lose their
    `ids` entries (they die with the list's reference, and their addresses
    become anybody's)."""
    keep = [lst[0]]
    entries = iter(lst)
    next(entries)
    for w in entries:
        if type(w) is ndarray or not isinstance(w, _REFERENCE):
            if getrefcount(w) > _ONLY_REGISTERED:
                keep.append(w)
            else:
                ids.pop(id(w), None)
        elif w() is not None:
            keep.append(w)
    return keep


def registered(w):
    """The view of registry entry `w` (a weak reference or the view), or None."""
    return w() if type(w) is _Dropping or isinstance(w, _REFERENCE) else w


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
    for x, v in zip(lst[1::2], lst[2::2]):
        c = copies.get(id(x))
        if c is None:
            c = copies[id(x)] = x.copy()
        p = tape.params[v]
        tape.params[v] = (_swap(p[0], x, c), {k: _swap1(a, x, c) for k, a in (p[1] or NO_KEYWORDS).items()},
                          *((_swap(p[2], x, c),) if len(p) > 2 else ()))
        if tape.vals[v] is x:
            # (x is this equation's output: the old version keeps the old
            # contents, in a copy the tape owns.  If no write follows (a C
            # function that might have written did not), x stays v's
            # until it dies: then its address is nobody's.)
            tape.vals[v] = c
            forget_when_dropped(tape, x)


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
        found, _ = reach(tape, (value,))
        if found:
            return True
    lst = tape.views.get(id(r))
    if lst is not None and lst[0] is r:
        for w in lst[1:]:
            o = registered(w)
            if o is not None and id(o) in ids:
                return True
    return False


def check_operands(tape, values, how):
    """Every differentiable value that reaches `values` is one of them or in
    a list among them (where the rules look); text or other objects made
    from one would be parsed or copied by numpy: refused."""
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
    tv = type(value)
    if not (tv is ndarray and value.dtype.kind != "O" or tv in SCALARS) or \
            tape.taint and id(value) in tape.taint:
        check_operands(tape, (value,), how)     # (a number or numeric array holds nothing)
    # (root, involved's first tests, is_array_value, frozen_key and _basic
    # written out where they are quick: `K[s] = f` of a solver's step comes
    # here thousands of times)
    r = target if target.base is None else root(target)
    if id(r) in tape.holders:
        _snapshot(tape, r)
    ids = tape.ids
    if not (id(value) in ids or id(r) in ids or involved(tape, target, value)):
        return guarded(how, native)
    if not (type(r) is ndarray and r.dtype.kind in "fc" or is_array_value(r)):
        refuse(how, f"stored a differentiable value into a numpy array of dtype {r.dtype}, "
               f"which keeps a {r.dtype} copy of it (a copy carries no gradient)")
    site = current_site()
    tk = type(key)
    if tk is list or tk is tuple:
        key = frozen_key(key)
    if target is not r:
        pos = positions(target, r)
        if pos is None:
            _unmappable(target, how)
        key = pos if key is None else pos[key]
    tk = type(key)
    region = target[key] if key is not None and (tk is int or tk is slice or _basic(key)) \
        else target
    if type(region) is not ndarray:
        region = target         # (a scalar element: compare with the whole array)
    old_var = ids.get(id(r), -1)
    result = guarded(how, native)
    v = _record_setitem(tape, SETITEM, r, old_var, key, value, target is not r, site)
    if target is not r and id(target) not in ids:
        # A view made before recording began (a global `K = np.arange(6.).reshape(3, 2)`)
        # was never registered: the view written through reads its new contents too.
        register_view(tape, target)
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
        leaves = leaves_of(tape, value, [])
        in_vars = (old_var, *(ids.get(id(x), -1) for x in leaves))
        value_param = value
    else:
        in_vars = (old_var, vv)
        value_param = meta_of(value) if type(value) is ndarray else value
        if not (type(value) is ndarray) and vv < 0:
            value_param = None          # a constant: only its shape could matter
    m = meta_of(r)
    if type(key) is int and (value_param is None or type(value_param) is Meta):
        # (`K[s] = f` of a solver's stage: key an int, not a bool; flat a bool)
        ck = (key, value_param, flat)
        params = m.shared.get(ck) or meta_params(m, ck, (m, key, value_param, flat))
    else:
        params = shared_params((m, key, value_param, flat))
    return tape.record_params(prim, r, in_vars, params, site)


def _reread_views(tape, r, region, v, site):
    """Registered views of `r` (other than r) overlapping the write read
    their contents from r's new version `v` (the dead ones swept first)."""
    lst = tape.views.get(id(r))
    if lst is None or lst[0] is not r:
        return
    lst[:] = _live_views(lst, tape.ids)
    for i in range(1, len(lst)):
        o = registered(lst[i])
        if o is None or not np.may_share_memory(o, region):
            continue
        pos = positions(o, r)
        if pos is None:
            _unmappable(o, "a write")
        keep_weakly(tape, tape.record_general(GATHER, o, (v,), (meta_of(r), pos), {}, site), o)


def check_array_input(tape, x):
    """An ndarray argument to differentiate: its own object (writes to it
    are the caller's side effects, as natively), unless it is a view or
    already an input (then a copy, so that its memory is its own)."""
    if x.base is not None or id(x) in tape.ids or not x.flags.writeable:
        x = x.copy()
    return x


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


def is_numpy_operand(x):
    """An operand whose operators numpy computes (arrays, numpy scalars other
    than the float subclasses bcad records as floats)."""
    tx = type(x)
    return tx is ndarray or isinstance(x, _generic) or isinstance(x, ndarray)
