"""numpy operations on arrays while differentiating: calls of array rules
(with ufuncs' `out=`/`where=`), subscripts, iteration, `.tolist()`,
attributes, operators and in-place operators, the methods and functions
that write into arrays, and numpy's `_array_converter`.  The values, the
tape's records, views and writes they build on are in arrays.py."""
import inspect

import numpy as np

from .arrays import (ndarray, is_array_value, meta_of, root, record, record_pair, record_multi,
                     _recorded_array, meta_params,
                     register_view, involved, write, check_operands, frozen_key, _snapshot)
from .boundary import current_site, refuse
from .native_guard import guarded, errstate, QUIET_STATE, WARNINGS, ORIGINAL_SHOWWARNING
from ..interpreter.objects.operators import _INPLACE
from ..rules import RULES
from ..rules.numpy import GETITEM, GATHER
from ..rules.numpy.shapes import ATTR_PRIMS, SCATTER_ADD, SET_SHAPE
from ..tape.tape import NO_KEYWORDS, shared_params

_float64 = np.float64
_signbit = np.signbit
_ufunc = np.ufunc


def apply_direct(tape, prim, fn, args, kwargs, site):
    """apply() for tracking.call_c's direct path: a rule with no `check` and
    no tuple result, of numbers, numeric arrays and flat lists of numbers,
    with plain keywords (no out= or where=).  Only a positional out sends
    it the general way."""
    if type(fn) is _ufunc:
        if len(args) > fn.nin:
            return apply(tape, prim, fn, args, kwargs, site)
    else:
        k = _out_index(fn)
        if k is not None and 0 <= k < len(args) and args[k] is not None:
            return apply(tape, prim, fn, args, kwargs, site)
    # (guarded's quiet case first, inline: a C call numpy can make no Python
    # call in is made as it is)
    if errstate() is QUIET_STATE[0] and WARNINGS.showwarning is ORIGINAL_SHOWWARNING:
        out = fn(*args, **kwargs)
    else:
        out = guarded(fn, fn, *args, **kwargs)
    return _recorded_result(tape, prim, fn, out, args, kwargs, site)


def apply(tape, prim, fn, args, kwargs, site):
    """Call `fn` (whose array rule is `prim`) and record what it returned."""
    if isinstance(fn, np.ufunc) and len(args) > fn.nin and "out" not in kwargs:
        # np.exp(y, y): a positional out is out= (once the write went unseen:
        # y handed back kept its old tape value, a silently wrong gradient)
        outs = args[fn.nin:]
        args = args[:fn.nin]
        kwargs = dict(kwargs, out=outs if len(outs) > 1 else outs[0])
    if kwargs and isinstance(fn, np.ufunc):
        o = kwargs.get("out")
        if o is not None and o is not Ellipsis or "where" in kwargs:
            return ufunc_out(tape, prim, fn, args, kwargs, site)
    elif not isinstance(fn, np.ufunc):
        k = _out_index(fn)
        if k is not None and ("out" in kwargs and kwargs["out"] is not None and
                              kwargs["out"] is not Ellipsis or
                              0 <= k < len(args) and args[k] is not None):
            return given_out(tape, prim, fn, args, kwargs, site, k)
    if prim.check is not None:     # (out= handled above: the rule sees the call without it)
        why = prim.check(args, kwargs)
        if why:
            refuse(fn, f"received a differentiable value, but {why}")
    return _recorded_result(tape, prim, fn, guarded(fn, fn, *args, **kwargs), args, kwargs, site)


def _recorded_result(tape, prim, fn, out, args, kwargs, site):
    """`out`, which `fn(*args, **kwargs)` returned, recorded with rule `prim`."""
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
    if tout is ndarray and out.dtype.kind in "fc" or tout is float or tout is complex or \
            is_array_value(out):
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


_OUT_INDEX = {}


def _out_index(fn):
    """The position of `fn`'s `out` parameter (-1: keyword only; None: it has
    none, or its signature is unknown)."""
    try:
        return _OUT_INDEX[fn]
    except KeyError:
        pass
    except TypeError:
        return None
    k = None
    try:
        for i, p in enumerate(inspect.signature(fn).parameters.values()):
            if p.name == "out":
                k = i if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) else -1
                break
            if p.kind is p.VAR_POSITIONAL:
                k = -1
    except (TypeError, ValueError):
        k = None
    _OUT_INDEX[fn] = k
    return k


def given_out(tape, prim, fn, args, kwargs, site, k):
    """`np.dot(a, b, out=o)`, `a.sum(0, None, o)`, `a.round(1, out=a)`: the
    function's value computed without `out` by its rule, then written into
    o (a rule applied with the out array handed back unseen was a silently
    wrong gradient when o held, or viewed, a differentiable value)."""
    if "out" in kwargs:
        kwargs = dict(kwargs)
        o = kwargs.pop("out")
    else:
        o = args[k]
        args = args[:k] + (None,) + args[k + 1:]
    if type(o) is tuple and len(o) == 1:
        o = o[0]
    if type(o) is not ndarray:
        refuse(fn, f"received a differentiable value and an out= that is not an ndarray "
               f"({type(o).__name__})")
    value = apply(tape, prim, fn, args, kwargs, site)
    if np.shape(value) != o.shape:
        refuse(fn, f"received a differentiable value and an out= of shape {o.shape} for a "
               f"result of shape {np.shape(value)}")
    write(tape, o, Ellipsis, value, f"{getattr(fn, '__name__', 'function')}(out=...)",
          lambda: np.copyto(o, value, casting="unsafe"))
    return o


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
        return guarded(fn, fn, *args, out=o, where=w, **kwargs)
    casting = kwargs.get("casting", "same_kind")
    value = apply(tape, prim, fn, args, kwargs, site)
    if w is not True:
        value = apply(tape, RULES[np.where], np.where, (w, value, o), {}, site)
    if not np.can_cast(np.result_type(value), o.dtype, casting):
        return guarded(fn, fn, *args, out=o, where=w, **kwargs)     # (numpy's own casting error)
    write(tape, o, Ellipsis, value, f"{fn.__name__}(out=...)",
          lambda: np.copyto(o, value, casting="unsafe"))
    return o


def getitem(tape, a, key, site=None, meta=None):
    """`a[key]` of an ndarray while differentiating (`meta`: a's Meta, when
    the caller reads several elements of it)."""
    r = a[key]
    tr = type(r)
    if tr is _float64 and type(key) is int:
        # An element (`alpha, beta = p` in a right-hand side called a thousand
        # times): what record() would keep, without its general scans.
        ids = tape.ids
        va = ids.get(id(a), -1)
        if va >= 0 and id(r) not in ids:
            meta = meta or meta_of(a)
            params = meta.elements
            tape.record_params(GETITEM, r, (va, -1), params[key] if params is not None and
                               0 <= key < len(params) else shared_params((meta, key)),
                               site or current_site())
        return r
    if tr is ndarray and type(key) is slice and type(a) is ndarray:
        # A slice of an array (`K[:s]` of a solver's stage array): a view,
        # recorded as record() would, without its scans.
        ids = tape.ids
        va = ids.get(id(a), -1)
        if va >= 0 and id(r) not in ids and r.dtype.kind in "fc":
            start, stop, step = key.start, key.stop, key.step
            if (start is None or type(start) is int) and (stop is None or type(stop) is int) \
                    and (step is None or type(step) is int):
                # (record_pair's parameters, shared per Meta and bounds)
                m = meta_of(a)
                params = m.shared.get((start, stop, step)) or \
                    meta_params(m, (start, stop, step), (m, key))
                v = tape.record_params(GETITEM, r, (va, -1), params, site or current_site())
                _recorded_array(tape, v, r, GETITEM.save)
            else:
                record_pair(tape, GETITEM, r, a, key, site or current_site())
        else:
            register_view(tape, r)
        return r
    recorded = id(a) in tape.ids and id(r) not in tape.ids and is_array_value(r)
    if tr is ndarray and r.base is not None:
        b = r.base
        if type(a) is not ndarray and type(b) is ndarray and id(b) not in tape.ids and \
                id(a) in tape.ids:
            # A numpy scalar's `x[None]` is a view of a new 0-d array of its
            # value (`.base`): that array is `x` too.
            record(tape, GETITEM, b, (a, ()), {}, site or current_site())
        if not recorded:
            register_view(tape, r)          # (record() registers the ones it records)
    if recorded:
        record(tape, GETITEM, r, (a, frozen_key(key)), {}, site or current_site())
    return r


def rows(tape, a, it, site=None):
    """Iteration over a tracked array: its rows, recorded as subscripts at
    `site` (the loop's instruction)."""
    site = site or current_site()
    meta = meta_of(a)
    for i in range(len(a)):
        if a.shape != meta.shape:       # (`a.shape = ...` meanwhile)
            meta = meta_of(a)
        yield getitem(tape, a, i, site, meta)


def row_list(tape, a, site=None):
    """The rows of tracked array `a` as a list (for C code that iterates, and
    `x, y = a`), recorded as subscripts at `site`."""
    if a.ndim == 0:
        iter(a)                 # (numpy's TypeError)
    site = site or current_site()
    meta = meta_of(a)
    if a.ndim == 1 and a.dtype.type is _float64:
        # (`alpha, beta, delta, gamma = p` of a right-hand side: the
        # elements at once, each recorded as getitem does)
        items = list(a.flat)     # (list(a) ends on an IndexError numpy formats: 2.5x slower)
        ids = tape.ids
        va = ids.get(id(a), -1)
        if va >= 0:
            if len(items) > 64:
                rec = tape.record_general
                for i, r in enumerate(items):
                    if id(r) not in ids:
                        rec(GETITEM, r, (va, -1), (meta, i), NO_KEYWORDS, site)
                return items
            params = meta.elements
            if params is None:
                params = meta.elements = [shared_params((meta, i)) for i in range(len(items))]
            rec = tape.record_params
            in_vars = (va, -1)
            reads = tape.reads
            if reads is None:
                for r, p in zip(items, params):
                    if id(r) not in ids:
                        rec(GETITEM, r, in_vars, p, site)
                return items
            # A read of the same version of the vector (its variable) as an
            # earlier one: its elements are that read's variables
            # (Tape.reads).  The memory is compared, in case it changed
            # unseen; the new element objects are mapped at once.
            mem = a.tobytes()
            seen = reads.get(va)
            if seen is not None and seen[0] == mem:
                ids.update(zip(map(id, items), seen[1]))
                tape.aliases.extend(items)
                return items
            evars = []
            for k, (r, p) in enumerate(zip(items, params)):
                e = ids.get(id(r), -1)
                if e < 0 and seen is not None:
                    # (changed unseen: an element of the same value, sign of
                    # zero included, keeps its variable)
                    old_e = seen[1][k]
                    old = tape.vals[old_e]
                    if old == r and (r != 0 or _signbit(old) == _signbit(r)):
                        ids[id(r)] = e = old_e
                        tape.aliases.append(r)
                evars.append(rec(GETITEM, r, in_vars, p, site) if e < 0 else e)
            reads[va] = (mem, tuple(evars))
        return items
    return [getitem(tape, a, i, site, meta) for i in range(len(a))]


def tolist(tape, a):
    """`a.tolist()` of a tracked array: each number is an element of `a`."""
    out = a.tolist()
    v = tape.ids[id(a)]
    meta = meta_of(a)
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
    u = _OPERATOR_UFUNCS.get(k - 13)
    check_operands(tape, (b,), "an in-place operator on an ndarray")
    if u is None or not involved(tape, a, (a, b)):
        r = root(a)
        if id(r) in tape.holders:
            _snapshot(tape, r)
        return guarded(f"numpy's {_INPLACE[k - 13][0]} operator", native, a, b)
    prim = RULES[u]
    if prim.nondiff:          # (a //= b: a piecewise-constant new value)
        value = guarded(u, u, a, b)
        write(tape, a, Ellipsis, value, f"{u.__name__}=", lambda: np.copyto(a, value))
        return a
    return ufunc_out(tape, prim, u, (a, b), {"out": a}, current_site())


# ------------------------------------------------------------------ writers

def copyto(tape, dst, src, casting="same_kind", where=True):
    if where is not True:
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


def converter(tape, args, kwargs):
    """numpy's `_array_converter(*values)` (np.linspace, np.polyval...):
    remember what it converts."""
    conv = ArrayConverter(*args, **kwargs)
    tape.converted[id(conv)] = (conv, args)
    return conv


def converter_method(tape, conv, name, args, kwargs):
    """`conv.as_arrays()` / `conv.wrap(y)`: the same values as what went in."""
    out = getattr(conv, name)(*args, **kwargs)
    entry = tape.converted.get(id(conv))
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


def ufunc_at(tape, u, a, idx, b):
    """`np.add.at(a, idx, b)` / `np.subtract.at`: unbuffered accumulation
    into a, a write: the new version is a +/- (b scattered-added at idx)."""
    def native():
        u.at(a, idx, b)
    check_operands(tape, (b,), f"numpy.{u.__name__}.at")
    if not involved(tape, a, b):
        return write(tape, a, Ellipsis, b, f"numpy.{u.__name__}.at", native)
    if not is_array_value(a):
        return native()       # (write's own refusal: a copy into an int array)
    site = current_site()
    key = frozen_key(idx)
    delta = np.zeros(a.shape, dtype=np.result_type(a, b))
    np.add.at(delta, key, b)
    from .tracking import leaves_of
    if any(id(v) in tape.ids for v in leaves_of(tape, b, [])):
        record(tape, SCATTER_ADD, delta, (meta_of(a), key, b), {}, site)
    new = apply(tape, RULES[u], u, (a, delta), {}, site)
    write(tape, a, Ellipsis, new, f"numpy.{u.__name__}.at",
          lambda: np.copyto(a, new, casting="unsafe"))
    return None


_LAYOUT = {"shape", "strides", "dtype", "data"}


def store_layout(tape, a, name, value):
    """`a.shape = ...` (strides, dtype) changes an array in place without a
    write.  Arrays recorded rules still read are copied for them first; a
    tracked array's new shape is a new version (a reshape of the old one:
    numpy's own tensorsolve and meshgrid do this); its strides or dtype
    cannot be followed and are refused.  Returns True when it stored."""
    if name not in _LAYOUT:
        return False
    r = root(a)
    if id(r) in tape.holders:
        _snapshot(tape, r)
    if not involved(tape, a, ()):
        return False
    old_var = tape.ids.get(id(a), -1)
    if name != "shape" or old_var < 0:
        refuse(f"setting .{name} of", "changed the layout of a differentiable array in place; "
               "use a.reshape(...) / a.view(...), which return a new array")
    old = meta_of(a)
    setattr(a, name, value)
    # Every version of `a` (one per write) was recorded as the object itself,
    # whose shape the backward pass reads: they are the old layout's.  (Only
    # the last one changed, the cotangents of the older ones were reshaped,
    # a silently wrong gradient.)  Their values live on in the new version.
    for v in tape.recorded_as(a):
        tape.vals[v] = old
    tape.record_general(SET_SHAPE, a, (old_var,), (old,), {}, current_site())
    return True


def place(tape, arr, mask, vals):
    """`np.place(arr, mask, vals)` (scipy.stats fills its outputs this way):
    `arr[mask] = vals` when vals has one value or one per selected element
    (numpy repeats a shorter vals; that case is refused)."""
    from numpy._core._multiarray_umath import _place

    def native():
        _place(arr, mask, vals)
    if not involved(tape, arr, vals):
        return write(tape, arr, Ellipsis, vals, "numpy.place", native)
    key = np.asarray(mask, dtype=bool).reshape(np.shape(arr))
    n = int(np.count_nonzero(key))
    if np.size(vals) not in (1, n) or np.ndim(vals) > 1:
        refuse("numpy.place", "received differentiable values it would repeat to fill the "
               "selection; index the array instead (a[mask] = values)")
    write(tape, arr, key, vals, "numpy.place", native)
    return None
