"""numpy calls while differentiating, outside the rule tables.

`tracking.call_c` hands over here what a rule table cannot express:
- `special`: calls that write into an array (`a.fill`, `a.sort`,
  `np.copyto`, `a.flat[...]`...), `.tolist()`, ndarray methods numpy
  implements in Python (interpreted instead), numpy's `_array_converter`,
  and builtins or `operator` functions applied to arrays (`abs(a)`,
  `sum(rows)`, `operator.mul(a, b)`: numpy's operators, recorded);
- `iterated`: a tracked array given to a C function that iterates it
  (`zip`, `sorted`, `itertools.*`) is handed over as its recorded rows;
- `direct_found`: the tracked values among arguments that are numbers and
  numeric arrays, without a scan;
- `without_rule`: ufuncs that only answer yes/no (`np.isnan`), and
  numpy's `__array_function__` dispatchers, whose implementation is
  interpreted (or checked like any C function);
- `protect_residuals`: arrays recorded rules still read are copied before
  a C function without a rule may write into them.
"""
import functools
import types

from ..interpreter import calls, objects
from ..interpreter.objects.operators import _INPLACE
from ..tape.tape import TRACKED_TYPES
from . import arrays, array_ops
from .boundary import refuse, check_result, SCALARS

BuiltinFunctionType = types.BuiltinFunctionType
FunctionType = types.FunctionType
NOT_SPECIAL = object()

_KEYWORD_VALUES = (int, bool, str, type(None), float)


def direct_found(tape, full, kwargs):
    """The tracked values among `full` when every argument is a number or a
    numeric array (nothing inside them to scan), else None."""
    ids, taint = tape.ids, tape.taint
    found = []
    for a in full:
        ta = type(a)
        if ta in SCALARS:
            if id(a) in ids:
                found.append(a)
        elif ta is arrays.ndarray and a.dtype.kind != "O" and not (taint and id(a) in taint):
            if id(a) in ids:
                found.append(a)
        else:
            return None
    if kwargs:
        for a in kwargs.values():
            ta = type(a)
            if ta is arrays.ndarray and a.dtype.kind != "O" and not (taint and id(a) in taint):
                # (out=, where=: the array rules handle them; a write into a
                # tracked array's memory concerns the tape)
                if id(a) in ids or a.base is not None and id(arrays.root(a)) in ids:
                    found.append(a)
                continue
            if ta not in _KEYWORD_VALUES:
                return None
            if id(a) in ids:
                found.append(a)
    return found


_UFUNC = UFUNC = arrays.np.ufunc
_PREDICATES = {}


def _is_predicate(u):
    """A ufunc all of whose loops return bool (no derivative to lose)."""
    p = _PREDICATES.get(u)
    if p is None:
        p = _PREDICATES[u] = bool(u.types) and all(t.endswith("->?") for t in u.types)
    return p


_DISPATCHER = type(arrays.np.mean)
_ndarray = arrays.ndarray


def _forwarded_methods():
    """ndarray methods that numpy implements by calling its Python
    `_methods` natively: interpreted instead (the others have rules)."""
    try:
        from numpy._core import _methods
    except ImportError:         # pragma: no cover - numpy < 2
        from numpy.core import _methods
    return {name: getattr(_methods, "_" + name) for name in ("any", "all", "clip")
            if hasattr(_methods, "_" + name)}


_FORWARDED = _forwarded_methods()
# Bound ndarray methods that write into their array (bcad/transforms/arrays.py).
_ARRAY_WRITERS = {
    "fill": lambda tape, a, args, kwargs: array_ops.fill(tape, a, *args, **kwargs),
    "sort": array_ops.sort,
    "partition": lambda tape, a, args, kwargs: array_ops.sort(tape, a, args, kwargs, True),
    "__setitem__": lambda tape, a, args, kwargs: array_ops.setitem(tape, a, *args, **kwargs),
    "tolist": lambda tape, a, args, kwargs: array_ops.tolist(tape, a) if id(a) in tape.ids
    else a.tolist(*args, **kwargs),
}
# Argument types that cannot override __array_function__ (functions too:
# np.apply_along_axis(np.sum, ...), np.piecewise(x, conds, [lambda t: ...])).
_PLAIN_ARGS = (int, float, complex, bool, str, type(None), slice, type(Ellipsis), _ndarray,
               arrays.np.dtype, type, tuple, list, type(arrays.np._NoValue), FunctionType,
               BuiltinFunctionType, functools.partial, _UFUNC, _DISPATCHER)


def _plain_arguments(args, kwargs):
    """No argument overrides __array_function__ (numpy would hand the call to
    it): exact ndarrays, numpy scalars, Python numbers, and lists of them."""
    for a in (*args, *kwargs.values()):
        if not _plain(a):
            return False
    return True


def _plain(a):
    ta = type(a)
    if ta is list or ta is tuple:
        for e in a:
            if not _plain(e):
                return False
        return True
    return ta in _PLAIN_ARGS or isinstance(a, (arrays._generic, arrays.np.dtype))


def _mutating(name):
    def refuse_(tape, a, args, kwargs):
        arrays.check_operands(tape, (*args, *kwargs.values()), f"ndarray.{name}")
        if arrays.involved(tape, a, args):
            refuse(f"ndarray.{name}", "would write into a differentiable array in place, "
                   "which bcad does not record; write with a[...] = ... instead")
        r = arrays.root(a)
        if id(r) in tape.holders:
            arrays._snapshot(tape, r)
        return getattr(a, name)(*args, **kwargs)
    return refuse_


for _name in ("put", "itemset", "resize", "setfield", "byteswap", "__iadd__", "__isub__",
              "__imul__", "__itruediv__", "__ipow__", "__imatmul__", "__ifloordiv__",
              "__imod__", "__setstate__"):
    _ARRAY_WRITERS[_name] = _mutating(_name)


def _iterating_consumers():
    import itertools
    fns = {zip, map, filter, enumerate, reversed, iter, list, tuple, sorted, min, max, set,
           frozenset, dict, any, all, functools.reduce}
    fns |= {v for v in vars(itertools).values() if callable(v)}
    return fns


# C functions that iterate what they are given: a tracked array among their
# arguments is handed over as its list of (recorded) rows.
_ITERATING = _iterating_consumers()


def _iterable_array(tape, a):
    ta = type(a)
    return ta is _ndarray and id(a) in tape.ids or ta is _FLATITER and id(a.base) in tape.ids


def _as_rows(tape, a):
    """What a C function iterating `a` should see: a tracked array's rows,
    a tracked array's elements for its .flat (recorded subscripts)."""
    if not _iterable_array(tape, a):
        return a
    if type(a) is _FLATITER:
        return list(array_ops.flat_items(tape, a))
    return array_ops.row_list(tape, a)


_FLATITER = arrays.np.flatiter


def special(tape, fn, args, kwargs):
    """numpy calls handled outside the rule tables: writes into arrays,
    `.tolist()`, methods that numpy implements in Python, `abs(array)`."""
    tf = type(fn)
    if fn is _CONVERTER:
        return array_ops.converter(tape, args, kwargs)
    if tf is BuiltinFunctionType:
        self = fn.__self__
        if type(self) is _CONVERTER:
            return array_ops.converter_method(tape, self, fn.__name__, args, kwargs)
        if type(self) is _UFUNC:
            return _ufunc_method(tape, self, fn.__name__, args, kwargs)
        if type(self) in _INEXACT_SCALARS:       # (a[0].clip(...), np.clip of a scalar)
            impl = _FORWARDED.get(fn.__name__)
            return NOT_SPECIAL if impl is None else calls.call_function(impl, (self, *args),
                                                                         kwargs)
        if type(self) is _ndarray:
            w = _ARRAY_WRITERS.get(fn.__name__)
            if w is not None:
                return w(tape, self, args, kwargs)
            impl = _FORWARDED.get(fn.__name__)
            if impl is not None:
                return calls.call_function(impl, (self, *args), kwargs)
        elif fn is abs and len(args) == 1 and arrays.is_numpy_operand(args[0]) and \
                type(args[0]) not in TRACKED_TYPES:
            from .tracking import call_c
            return call_c(arrays.np.absolute, args, kwargs)
        elif fn in _OPERATOR_K and len(args) == 2 and not kwargs and (
                arrays.is_numpy_operand(args[0]) or arrays.is_numpy_operand(args[1])):
            # operator.mul(a, b) is a * b: numpy's operator, recorded as one.
            return objects.binary_op(args[0], args[1], _OPERATOR_K[fn])
        elif fn in _OPERATOR_CMP and len(args) == 2 and not kwargs and (
                arrays.is_numpy_operand(args[0]) or arrays.is_numpy_operand(args[1])):
            # operator.gt(a, b) is a > b (pint's Quantity compares magnitudes
            # so): a comparison, not a C function that may write into a
            return objects.compare(args[0], args[1], _OPERATOR_CMP[fn])
        elif fn in _OPERATOR_UNARY and len(args) == 1 and not kwargs and \
                arrays.is_numpy_operand(args[0]) and type(args[0]) not in TRACKED_TYPES:
            return objects.unary(args[0], _OPERATOR_UNARY[fn])
        elif fn is sum and args and not kwargs.keys() - {"start"}:
            return _sum_of_arrays(tape, args, kwargs)
        elif fn is _PLACE and len(args) == 3 and not kwargs:
            return array_ops.place(tape, *args)
        elif fn is _SETITEM and len(args) == 3 and not kwargs and type(args[0]) is _ndarray:
            return _array_dunder(tape, args[0], "__setitem__", args[1:])
        return NOT_SPECIAL
    if fn is _COPYTO:
        return array_ops.copyto(tape, *args, **kwargs)
    if kwargs:
        return NOT_SPECIAL
    if tf is _METHOD_WRAPPER and type(fn.__self__) is _ndarray:
        return _array_dunder(tape, fn.__self__, fn.__name__, args)
    if tf is _SLOT_WRAPPER and fn.__objclass__ is _ndarray and args and type(args[0]) is _ndarray:
        return _array_dunder(tape, args[0], fn.__name__, args[1:])
    return NOT_SPECIAL


def _array_dunder(tape, a, name, args):
    """`a.__setitem__(k, v)`, `ndarray.__iadd__(a, b)`, `operator.setitem(a,
    k, v)`: the statements `a[k] = v` and `a += b` they are."""
    if name == "__setitem__" and len(args) == 2:
        array_ops.setitem(tape, a, args[0], args[1])
        return None
    k = _INPLACE_K.get(name)
    if k is not None and len(args) == 1 and objects.STATIC[type(args[0])]:
        # (an operand of a Python class gets its __array_ufunc__ from numpy's
        # own call, as before)
        return array_ops.inplace(tape, k, a, args[0], objects.NATIVE_BINARY[k])
    return NOT_SPECIAL


def _operator_k():
    import operator
    names = {"add": 0, "floordiv": 2, "matmul": 4, "mul": 5, "mod": 6, "pow": 8, "sub": 10,
             "truediv": 11}
    out = {}
    for name, k in names.items():
        out[getattr(operator, name)] = k
        out[getattr(operator, "i" + name)] = k + 13
    out[pow] = 8            # (builtin pow(a, b) of two arguments: a ** b)
    return out


_OPERATOR_K = _operator_k()
_OPERATOR_UNARY = {}
_OPERATOR_CMP = {}
for _k, _n in enumerate(("lt", "le", "eq", "ne", "gt", "ge")):     # (COMPARE_OP's order)
    _OPERATOR_CMP[getattr(__import__("operator"), _n)] = _k
    _OPERATOR_CMP[getattr(__import__("operator"), f"__{_n}__")] = _k
for _n in ("neg", "pos", "abs"):
    _OPERATOR_UNARY[getattr(__import__("operator"), _n)] = f"__{_n}__"
    _OPERATOR_UNARY[getattr(__import__("operator"), f"__{_n}__")] = f"__{_n}__"


def _sum_of_arrays(tape, args, kwargs):
    """sum(rows) where the items are arrays: the builtin adds them with `+`
    (recorded); any other sum goes to its rule (NOT_SPECIAL)."""
    it = args[0]
    if type(it) is _ndarray and it.ndim >= 2 and id(it) in tape.ids:
        items = array_ops.row_list(tape, it)
    elif type(it) is list and any(type(x) is _ndarray for x in it):
        items = it
    else:
        return NOT_SPECIAL
    total = args[1] if len(args) > 1 else kwargs.get("start", 0)
    for x in items:
        total = objects.binary_op(total, x, 0)
    return total


_COPYTO = arrays.np.copyto
_PLACE = getattr(arrays.np.place, "_implementation", None)   # (np.place's Python calls it)
_PLACE = getattr(__import__("numpy._core._multiarray_umath", fromlist=["_place"]), "_place",
                 _PLACE)
_CONVERTER = array_ops.ArrayConverter
_INEXACT_SCALARS = frozenset({arrays.np.float64, arrays.np.float32, arrays.np.float16,
                              arrays.np.longdouble, arrays.np.complex128, arrays.np.complex64})
_SPECIAL_SELF = frozenset({_ndarray, _CONVERTER, _UFUNC}) | _INEXACT_SCALARS


def _ufunc_method(tape, u, name, args, kwargs):
    """`u.outer(a, b)`: u of a broadcast against b (recorded through the
    reshape and u's rules); `u.at(a, idx, b)` for add/subtract: a write."""
    np = arrays.np
    if name == "outer" and len(args) == 2 and not kwargs and \
            any(arrays.is_numpy_operand(a) or type(a) in (float, complex) for a in args):
        from .tracking import call_c
        a, b = args
        a2 = call_c(np.reshape, (a, np.shape(a) + (1,) * np.ndim(b)), {})
        return call_c(u, (a2, b), {})
    if name == "at" and u in (np.add, np.subtract) and len(args) == 3 and not kwargs:
        return array_ops.ufunc_at(tape, u, *args)
    return NOT_SPECIAL


def protect_residuals(tape, objs):
    """A C function without a rule may write into the arrays it is given
    (np.add.at, a.put, out= of np.dot, scipy's overwrite_a=True): arrays
    that recorded rules still read are copied for them first."""
    for o in objs:
        to = type(o)
        if to is _ndarray or isinstance(o, _ndarray):
            r = arrays.root(o)
            if id(r) in tape.holders:
                arrays._snapshot(tape, r)
        elif to is list or to is tuple:
            protect_residuals(tape, o)
        elif to is _FLATITER:
            protect_residuals(tape, (o.base,))




def maybe_special(fn):
    """Cheap test before `special` (call_c runs it on every C call)."""
    tf = type(fn)
    return fn is abs or fn is sum or fn is _COPYTO or fn is _CONVERTER or fn is _PLACE or \
        tf is BuiltinFunctionType and (type(fn.__self__) in _SPECIAL_SELF
                                       or fn in _OPERATOR_K or fn in _OPERATOR_UNARY
                                       or fn in _OPERATOR_CMP or fn is _SETITEM) or \
        tf is _METHOD_WRAPPER and type(fn.__self__) is _ndarray or \
        tf is _SLOT_WRAPPER and fn.__objclass__ is _ndarray


_METHOD_WRAPPER = types.MethodWrapperType       # a.__setitem__, a.__iadd__
_SLOT_WRAPPER = types.WrapperDescriptorType     # ndarray.__setitem__
_SETITEM = __import__("operator").setitem
# `__iadd__` -> 13...: BINARY_OP's numbering of the in-place operators
_INPLACE_K = {name: 13 + i for i, (_, name, _) in enumerate(_INPLACE)}


def iterated(tape, fn, args):
    """`args`, with tracked arrays handed to an iterating C function as
    their recorded rows (elements, for a tracked array's .flat)."""
    try:
        iterating = fn in _ITERATING
    except TypeError:
        return args
    if iterating and any(_iterable_array(tape, a) for a in args):
        return tuple(_as_rows(tape, a) for a in args)
    return args


def without_rule(tape, fn, args, kwargs):
    """A ufunc or dispatcher without a rule of its own."""
    if type(fn) is _UFUNC:
        if _is_predicate(fn) and kwargs.get("out") is None and _plain_arguments(args, kwargs):
            # np.isnan, np.isfinite, np.greater...: every loop returns bool.
            out = fn(*args, **kwargs)
            if type(out) is _ndarray and out.dtype.kind == "b" or type(out) is arrays.np.bool_:
                return out
            check_result(tape, fn, out, [fn], None, args)
            return out
        return NOT_SPECIAL
    if _plain_arguments(args, kwargs):
        # numpy's __array_function__ layer: its implementation, interpreted
        # (or, for a C one, checked like any C function).
        impl = fn._implementation
        if type(impl) is FunctionType:
            return calls.call_function(impl, args, kwargs)
        from .tracking import call_c
        return call_c(impl, args, kwargs)
    return NOT_SPECIAL


NUMPY_CALLABLES = (_UFUNC, _DISPATCHER)
