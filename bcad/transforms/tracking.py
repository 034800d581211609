"""Differentiation mode of the interpreter: where values meet the tape.

While a tape is active:
- arithmetic handlers record float/complex operations (ad_handlers);
- every call of a C-level callable goes through `call_c`: a primitive with a
  rule is recorded (numpy's calls outside the rule tables: numpy_calls.py); a lookaside or a Python class runs as usual; any other C
  function that something differentiable reaches runs under a guard that
  refuses Python code C would run natively (a profile hook), and its result
  is classified by the boundary policy (boundary.py: refused, tainted, or
  fine).
"""
import functools
import math
import types

from ..errors import NonDifferentiableError
from ..interpreter import calls, objects
from ..interpreter.calls import LOOKASIDES, METHOD_LOOKASIDES
from ..interpreter.objects import STATIC
from ..rules import RULES, ATTRS, INTERPRET_UNCOVERED
from ..tape.tape import Primitive, TRACKED_TYPES
from .context import CTX
from . import boundary, arrays, array_ops, numpy_calls, numpy_overrides
from .native_guard import Guard, guarded, no_python_hooks
from .boundary import (SAFE_C, NO_SCAN, SAFE_METHOD_TYPES, UNSAFE_METHODS, EXACT_NAMES,
                       PARSERS, current_site, where, refuse, reach, check_result,
                       fname)

calls.PY_RULES = RULES

BuiltinFunctionType = types.BuiltinFunctionType
__all__ = ["call_c", "current_site", "where", "refuse", "fname"]


# ------------------------------------------------------------------ rules

leaves_of = arrays.leaves_of


def rule_of(fn):
    """(rule, bound self as a tuple) of a callable: a bound method of a C type
    (x.conjugate, x.__add__) is its type's method applied to (self, ...)."""
    tf = type(fn)
    if tf is BuiltinFunctionType or tf is types.MethodWrapperType:
        self = fn.__self__
        if self is not None and type(self) is not types.ModuleType:
            desc = getattr(type(self), fn.__name__, None)
            try:
                p = RULES.get(desc) if desc is not None else None
            except TypeError:
                p = None
            return p, (self,)
    try:
        return RULES.get(fn), ()
    except TypeError:
        return None, ()


def _materialize(args, positions):
    """Iterables at `positions` as exact lists (a namedtuple, a deque, a
    generator): what the rule's flattening and its cotangents expect."""
    args = list(args)
    for i in positions:
        if i < len(args) and type(args[i]) is not list and type(args[i]) is not tuple:
            args[i] = list(objects.iterate(args[i]))
    return tuple(args)


def _rule_leaves(tape, prim, args, kwargs):
    """ids of the tracked values where the rule of `prim` looks for them."""
    ids = tape.ids
    flat = list(args) + list(kwargs.values()) if kwargs else args
    if prim.general:
        flat = []
        for a in (*args, *kwargs.values()):
            leaves_of(tape, a, flat)
    return {id(x) for x in flat if id(x) in ids}


def apply_rule(tape, prim, fn, args, kwargs, site, found):
    if prim.kind is not None:
        return array_ops.apply(tape, prim, fn, args, kwargs, site)
    out = guarded(fn, fn, *args, **kwargs)
    if prim.multi is not None:
        if type(out) is tuple:
            for j, p in enumerate(prim.multi):
                if p is not None and type(out[j]) in TRACKED_TYPES and id(out[j]) not in tape.ids:
                    _record_fixed(tape, p, out[j], args, site)
        return out
    if type(out) not in TRACKED_TYPES or id(out) in tape.ids:
        to = type(out)
        if out is NotImplemented or to is int or to is bool or id(out) in tape.ids:
            return out      # not differentiable, or an input returned unchanged
        if isinstance(out, arrays._inexact):
            # A float rule on numpy float32 (or other) scalars: sum() of a
            # float32 array's elements.  The rule's arithmetic is the same.
            _record_rule(tape, prim, out, args, kwargs, site)
            return out
        if isinstance(out, (float, complex)) or boundary._is_number(out):
            refuse(fn, f"has a rule but returned a {to.__module__}.{to.__qualname__},"
                   f" a number type bcad does not track")
        check_result(tape, fn, out, found, None, (*args, *kwargs.values()))   # an ndarray...
        return out
    _record_rule(tape, prim, out, args, kwargs, site)
    return out


def _record_rule(tape, prim, out, args, kwargs, site):
    if prim.general:
        flat = []
        for a in args:
            leaves_of(tape, a, flat)
        for a in kwargs.values():
            leaves_of(tape, a, flat)
        tape.record_general(prim, out, tuple(tape.ids.get(id(x), -1) for x in flat),
                            args, kwargs, site)
    else:
        _record_fixed(tape, prim, out, args, site)


def _record_fixed(tape, prim, out, args, site):
    if len(args) == 1:
        tape.record1(prim, out, args[0], site)
    elif len(args) == 2:
        tape.record2(prim, out, args[0], args[1], site)
    else:
        raise NonDifferentiableError(f"rule {prim.name} takes 1 or 2 arguments, got {len(args)}")


# ------------------------------------------------------------------ calls

def _numpy_c_functions():
    np = arrays.np
    kinds = (BuiltinFunctionType, np.ufunc, type(np.dot))
    out = set()
    for mod in (np, np._core.multiarray, np._core.umath):
        for v in vars(mod).values():
            if type(v) in kinds:
                out.add(v)
                impl = getattr(v, "_implementation", None)
                if type(impl) is BuiltinFunctionType:
                    out.add(impl)        # (np.dot's C function, as its dispatcher calls it)
    return frozenset(out)


# numpy's own C functions and ufuncs (np.dot, np.asarray, np.sqrt...): given
# only arrays of numbers, numbers and sequences of them, they run no Python
# code (no dunder, no __array_function__ of an exact ndarray, no callback).
_NUMPY_C = _numpy_c_functions()
_PLAIN_DATA = frozenset({float, int, bool, complex, str, bytes, type(None), type(Ellipsis),
                         arrays.np.dtype}) | frozenset(
    # (numpy >= 1.25: a dtype instance is of a class per type, Float64DType)
    type(arrays.np.dtype(c)) for c in arrays.np.typecodes["AllInteger"] +
    arrays.np.typecodes["AllFloat"] + "?") | frozenset(
    t for t in vars(arrays.np).values()
    if isinstance(t, type) and issubclass(t, arrays.np.number | arrays.np.bool_))
# Types given as a dtype (np.asarray(x, dtype=float)).
_PLAIN_TYPES = frozenset({float, int, complex, bool}) | frozenset(
    t for t in _PLAIN_DATA if isinstance(t, type) and issubclass(t, arrays.np.generic))
_PLAIN_DATA = _PLAIN_DATA | {type}
# ndarray methods that are C code through and through (a.sum, a.mean, a.clip,
# a.any... call numpy's Python `_methods`: not these).
_C_ARRAY_METHODS = frozenset({
    "dot", "ravel", "astype", "copy", "reshape", "transpose", "flatten", "squeeze",
    "swapaxes", "take", "item", "tolist", "view", "nonzero", "diagonal", "conj",
    "conjugate", "argmax", "argmin", "searchsorted", "__getitem__", "__len__"})


# dict methods that run no Python: views of the dict and a shallow copy.
_DICT_NO_PYTHON = frozenset({"items", "keys", "values", "copy", "__len__"})
_TEXT_OR_INT = frozenset({str, int})
_UFUNC_METHODS = frozenset({"reduce", "accumulate", "reduceat", "outer"})


def _plain(objs, depth=0):
    for o in objs:
        t = type(o)
        if t in _PLAIN_DATA:
            if t is type and o not in _PLAIN_TYPES:
                return False
            continue
        if t is arrays.ndarray:
            if o.dtype.hasobject:
                return False
            continue
        if (t is list or t is tuple) and depth < 2 and _plain(o, depth + 1):
            continue
        return False
    return True


def _runs_no_python(fn, objs):
    """Can the C call `fn(*objs)` be made without the Guard profile hook
    (whose install costs more than a small numpy call)?  A dict's views
    and shallow copy (`kwargs.items()` in numpy's reductions); a numpy
    function, or a method of one of numpy's own ufuncs (np.add.reduce),
    given plain data, with no Python hook numpy or a floating-point warning
    could call (np.seterrcall, a replaced warnings.showwarning)."""
    if type(fn) is BuiltinFunctionType and type(fn.__self__) is arrays.ndarray:
        if fn.__name__ not in _C_ARRAY_METHODS or fn.__self__.dtype.hasobject:
            return False
    elif type(fn) is BuiltinFunctionType and type(fn.__self__) is dict:
        if fn.__name__ == "get" and 1 <= len(objs) <= 2 and type(objs[0]) in _TEXT_OR_INT:
            # (a text or int key looked up among text and int keys hashes
            # and compares in C; another key could have an __eq__ in Python.
            # A few keys only: the test is a scan.)
            d = fn.__self__
            return len(d) <= 32 and all([type(k) in _TEXT_OR_INT for k in d])
        return fn.__name__ in _DICT_NO_PYTHON and not objs
    elif type(fn) is BuiltinFunctionType and type(fn.__self__) is numpy_calls.UFUNC:
        # (not a ufunc of np.frompyfunc or np.vectorize, which calls Python)
        u = fn.__self__
        if fn.__name__ not in _UFUNC_METHODS or getattr(arrays.np, u.__name__, None) is not u:
            return False
    else:
        try:
            if fn not in _NUMPY_C:
                return False
        except TypeError:
            return False
    return _plain(objs) and no_python_hooks()


FunctionType_ = types.FunctionType


def _converts_to_float(fn):
    """math functions read their arguments as C doubles (PyFloat_AsDouble:
    __float__), all but those that ask for __floor__/__ceil__/__trunc__
    first."""
    return getattr(fn, "__module__", None) == "math" and \
        fn not in (math.floor, math.ceil, math.trunc)


_MATH_CONVERTS = {}


def _converts(fn):
    try:
        v = _MATH_CONVERTS.get(fn)
        if v is None:
            v = _MATH_CONVERTS[fn] = _converts_to_float(fn)
        return v
    except TypeError:               # (an unhashable callable)
        return False


def _as_floats(args):
    """`args` with objects of Python classes that have a Python __float__
    replaced by float(obj), interpreted (what C would call natively)."""
    out = None
    for i, a in enumerate(args):
        ta = type(a)
        if not STATIC[ta] and type(objects.lookup(ta, "__float__")) is FunctionType_:
            if out is None:
                out = list(args)
            out[i] = calls.call_ex(float, (a,), {})
    return args if out is None else tuple(out)


_LRU_WRAPPER = type(functools.lru_cache()(lambda: None))


def _bound_self(fn):
    """The object a C method is bound to (None for functions of modules)."""
    tf = type(fn)
    if tf is BuiltinFunctionType or tf is types.MethodWrapperType:
        self = fn.__self__
        if self is not None and type(self) is not types.ModuleType:
            return self
    return None


def _is_exact(fn, args):
    """A conversion whose result carries all the bits of a number as ints
    (x.as_integer_ratio(), float.as_integer_ratio(x), x.__reduce__())."""
    if getattr(fn, "__name__", None) not in EXACT_NAMES or type(fn) is FunctionType_:
        return False
    number = _bound_self(fn)
    if number is None and args:
        number = args[0]
    return boundary._is_number(number)


def _is_parser(fn):
    try:
        return fn in PARSERS
    except TypeError:       # (an unhashable callable: pybind11's instancemethod)
        return False


_STORES_REFERENCE = frozenset({"append", "appendleft", "insert"})
_ndarray = arrays.ndarray
_SCALARS = boundary.SCALARS
_DIRECT = {}        # fn -> its array rule, when _direct_rule may apply it (else None)
# numpy's conversions: they return an argument or a new array, never write.
_WRITES_NOTHING = frozenset({arrays.np.array, arrays.np.asarray, arrays.np.asanyarray,
                             arrays.np.ascontiguousarray, arrays.np.asfortranarray})


def _direct_rule(fn):
    """The array rule call_c applies straight away to `fn` (a ufunc, a numpy
    dispatcher or a module-level C function of numpy) called with numbers,
    numeric arrays and flat lists of numbers only, and plain keywords
    (_plain_keywords): a rule with no `check`, no tuple
    result and no iterable arguments, of a function that is not one of the
    special calls (numpy_calls.maybe_special), not an iterating consumer and
    not interpreted when uncovered.  For such arguments the general path's
    checks all pass (no Python operand for __array_ufunc__ or
    __array_function__, nothing to materialize or scan), and it ends in
    array_ops.apply, which is called instead."""
    tf = type(fn)
    if tf is not numpy_calls.UFUNC and tf is not numpy_calls._DISPATCHER and \
            tf is not BuiltinFunctionType:
        return None
    prim = _DIRECT.get(fn, False)
    if prim is False:
        if tf is BuiltinFunctionType and type(fn.__self__) is not types.ModuleType:
            return None     # (a bound method: not kept in _DIRECT)
        prim = _DIRECT[fn] = _direct_candidate(fn)
    if prim is not None and RULES.get(fn) is not prim:   # (a rule replaced since)
        prim = _DIRECT[fn] = _direct_candidate(fn)
    return prim


def _direct_candidate(fn):
    """(fn: a ufunc, a dispatcher or a module's C function, see _direct_rule)"""
    if type(fn) is BuiltinFunctionType and not fn.__self__.__name__.startswith("numpy"):
        return None
    prim = RULES.get(fn)
    if prim is None or prim.kind is None or prim.check is not None or prim.multi is not None \
            or prim.iterables or prim.nondiff or not prim.general:
        return None
    if numpy_calls.maybe_special(fn) or fn in INTERPRET_UNCOVERED or \
            fn in numpy_calls._ITERATING or _converts(fn):
        return None
    return prim


def _plain_keywords(kwargs):
    """Keywords the direct path passes on as they are (np.asarray(y,
    dtype=float), np.sum(a, axis=0)): no out= or where= (a write), values
    that are numbers, text, None, dtypes, numeric types or tuples of ints."""
    for k, v in kwargs.items():
        if k == "out" or k == "where":
            return False
        tv = type(v)
        if tv in _PLAIN_DATA:
            if tv is type and v not in _PLAIN_TYPES:
                return False
        elif tv is not tuple or not all(type(e) is int for e in v):
            return False
    return True


_asarray, _asanyarray = arrays.np.asarray, arrays.np.asanyarray


def _dtypes_of(types_):
    out = {}
    for t in types_:
        try:
            out[t] = arrays.np.dtype(t)
        except TypeError:       # (abstract ones: np.complexfloating)
            pass
    return out


_DTYPE_OF = _dtypes_of(_PLAIN_TYPES)


def _keeps_dtype(kwargs, a):
    """Plain keywords (_plain_keywords) with which np.asarray(a, **kwargs)
    of the exact ndarray `a` is `a` itself: only a dtype, `a`'s own."""
    if len(kwargs) != 1:
        return False
    d = kwargs.get("dtype", 0)
    if d is None or d is a.dtype:
        return True
    # (a numeric type, float or np.float64: no Python __hash__ or __eq__ runs)
    return type(d) is type and _DTYPE_OF.get(d) is a.dtype


def _tracked_keyword(kwargs, ids):
    for v in kwargs.values():
        if id(v) in ids:
            return True
    return False


def call_c(fn, args, kwargs):
    """AD-mode call of a C-level callable (see module docstring)."""
    tape = CTX.tape
    if tape is None:
        return calls.call_static(fn, type(fn), args, kwargs)
    if (fn is _asarray or fn is _asanyarray) and len(args) == 1 and \
            type(args[0]) is _ndarray and (not kwargs or _keeps_dtype(kwargs, args[0])):
        # np.asarray(y, dtype=float) of a float64 y (scipy's right-hand side
        # wrapper, at every call): y itself, as numpy returns it
        return args[0]
    prim = _direct_rule(fn)
    if prim is not None and (not kwargs or _plain_keywords(kwargs)):
        # np.dot(K, a), np.add(x, y), np.array(...) of numbers and numeric
        # arrays with a tracked one among them: what the general path
        # below ends in for such arguments, without its checks (each
        # one's answer is known for them: see _direct_rule).
        ids, taint = tape.ids, tape.taint
        tracked = bool(kwargs) and _tracked_keyword(kwargs, ids)
        for a in args:
            ta = type(a)
            if ta is _ndarray:
                if a.dtype.kind == "O" or taint and id(a) in taint:
                    break
            elif ta is list or ta is tuple:
                # np.array([u, v]) of numbers: the rule's leaves, as
                # _rule_leaves and reach would find them
                for e in a:
                    if type(e) not in _SCALARS:
                        break
                    if not tracked and id(e) in ids:
                        tracked = True
                else:
                    continue
                break
            elif ta not in _SCALARS:
                break
            if not tracked and id(a) in ids:
                tracked = True
        else:
            if tracked:
                return array_ops.apply_direct(tape, prim, fn, args if type(args) is tuple else
                                               tuple(args), kwargs, current_site())
            if (fn in _WRITES_NOTHING or type(fn) is numpy_calls.UFUNC and
                    len(args) <= fn.nin) and no_python_hooks():
                # Nothing differentiable, no way to write into an argument
                # (no out) and no Python hook a floating-point error could
                # call: the general path's guard, and its copies of the
                # residuals the arguments share memory with, have nothing
                # to catch (np.asarray(X) of the data X inside a rule
                # interpreted by a nested transform copied X).
                out = fn(*args, **kwargs)
                if type(out) is _ndarray and out.base is not None:
                    arrays.register_view(tape, out)     # (a later write must reach it)
                return out
    if type(fn) is BuiltinFunctionType and fn.__name__ in _STORES_REFERENCE and \
            type(fn.__self__) in SAFE_METHOD_TYPES and not kwargs:
        # lst.append(x), dq.appendleft(x), lst.insert(i, x): a reference
        # stored, None returned; nothing to classify (a solver appending a
        # step to its list of steps would otherwise scan the list each time).
        return fn(*args)
    if type(fn) is types.MethodWrapperType and type(fn.__self__) is numpy_calls.UFUNC and \
            fn.__name__ == "__call__":
        fn = fn.__self__        # getattr(ufunc, "__call__"), as __array_ufunc__ code does
    if type(fn) is _LRU_WRAPPER:
        # functools.lru_cache/cache: a cached result is a number computed in
        # an earlier call (no gradient), and a miss would run the function
        # natively: interpret the function itself, every call.  Except a
        # function of no arguments already cached (narwhals' entry-point
        # discovery, reached from scikit-learn's check_array, reads every
        # installed package's metadata): a sure hit runs no code, and its
        # result was made before this call's values existed.
        if not args and not kwargs and fn.cache_info().currsize:
            refusal = tape.refusal
            with Guard(fn):
                out = calls.call_static(fn, type(fn), args, kwargs)
            boundary.reraise_pending(tape, refusal)
            return out
        return calls.call_ex(fn.__wrapped__, args, kwargs)
    if numpy_calls.maybe_special(fn):
        out = numpy_calls.special(tape, fn, args, kwargs)
        if out is not numpy_calls.NOT_SPECIAL:
            return out
    args = numpy_calls.iterated(tape, fn, args)
    if (fn is zip or fn is enumerate) and not (tape.taint and _any_tainted(tape.taint, args)):
        # zip(A[1:], C[1:]), enumerate(...) of a solver's step, iterating
        # what a for loop's GET_ITER would iterate as it is: a tracked array
        # among the arguments is now its recorded rows (`iterated`), the
        # lookasides have Python-level iterables' dunders interpreted
        # (lookasides/iteration.py), none of them is tainted (a tainted
        # container, `array('d', [x])`, would give new numbers), and zip and
        # enumerate only hold what they are given: each item comes out as
        # the object it was.  No scan of the arguments is needed.
        return calls.call_static(fn, type, args, kwargs)
    prim, self_args = rule_of(fn)
    tf = type(fn)
    if prim is not None and (tf is FunctionType_ or tf is numpy_calls._DISPATCHER) and \
            fn in INTERPRET_UNCOVERED and prim.check(args, kwargs):
        prim = None         # (interpreted below, as the library wrote it)
    if tf in numpy_overrides.CALLABLES or tf is BuiltinFunctionType and \
            type(fn.__self__) is numpy_calls.UFUNC:
        # (an operand of a Python class: its __array_ufunc__/__array_function__
        # interpreted, or no rule applies)
        out = numpy_overrides.dispatch(fn, args, kwargs)
        if out is numpy_overrides.NO_RULE:
            prim = None
        elif out is not numpy_overrides.NOT_SPECIAL:
            return out
    if prim is not None and not prim.general and _converts(fn):
        converted = _as_floats(args)
        if converted is not args:
            return call_c(fn, converted, kwargs)
    if prim is not None:
        full = self_args + tuple(args)
        if prim.iterables:
            full = _materialize(full, prim.iterables)
            args = full[len(self_args):]
        found = numpy_calls.direct_found(tape, full, kwargs)
        if found is not None:       # math.sin(x), np.tanh(a): numbers and arrays, no scan
            if found:
                impl = getattr(type(self_args[0]), fn.__name__) if self_args else fn
                return apply_rule(tape, prim, impl, full, kwargs, current_site(), found)
            seen = None
        else:
            seen = _rule_leaves(tape, prim, full, kwargs)
        if seen:
            found, taint = reach(tape, (*full, *kwargs.values()) if kwargs else full)
            if taint is None and all(id(x) in seen for x in found):
                impl = getattr(type(self_args[0]), fn.__name__) if self_args else fn
                return apply_rule(tape, prim, impl, full, kwargs, current_site(), found)
            # A differentiable value nested where the rule does not look (an
            # object with Python dunders, a list in a list): not the rule's case.
    if type(fn) is FunctionType_:
        return calls.call_function(fn, args, kwargs)
    if type(fn) in numpy_calls.NUMPY_CALLABLES:
        out = numpy_calls.without_rule(tape, fn, args, kwargs)
        if out is not numpy_calls.NOT_SPECIAL:
            return out
    try:
        if fn in NO_SCAN:
            return calls.call_static(fn, type(fn), args, kwargs)
        safe = fn in SAFE_C
    except TypeError:
        safe = False
    bound = _bound_self(fn)
    objs = (*args, *kwargs.values()) if kwargs else args
    if tape.holders and not safe:
        numpy_calls.protect_residuals(tape, objs if bound is None else (bound, *objs))
    found, taint = reach(tape, objs if bound is None else (bound, *objs))
    if not found and not taint:
        before = tape.callbacks
        if safe or _has_lookaside(fn) or isinstance(fn, type) and _python_class(fn) or \
                _runs_no_python(fn, objs):
            out = calls.call_static(fn, type(fn), args, kwargs)
        else:
            # Nothing differentiable among the arguments, but Python code the
            # function calls natively may reach one (a callback's closure:
            # np.frompyfunc(lambda t: t * x, 1, 1), scipy's quad).
            refusal = tape.refusal
            with Guard(fn):
                out = calls.call_static(fn, type(fn), args, kwargs)
            boundary.reraise_pending(tape, refusal)
        if type(out) is arrays.ndarray and out.base is not None:
            arrays.register_view(tape, out)     # (a later write must reach it)
        if tape.callbacks != before:
            check_result(tape, fn, out, [fn], None, objs)
            return out
        if args and type(args[0]) in boundary._STRINGS and _is_parser(fn) and \
                type(out) in TRACKED_TYPES and _equals_tracked(tape, out):
            refuse(fn, f"parsed the number {out!r} from text, and a differentiable value equals "
                   f"it (the text was probably made from that value: the gradient would be "
                   f"lost)")
        return out
    if isinstance(fn, type) and _python_class(fn):
        return _construct(tape, fn, args, kwargs, found, taint)
    if fn is float.__new__ or fn is complex.__new__:
        return _number_new(tape, fn, args, kwargs, found, taint)
    if safe or _has_lookaside(fn) or type(bound) in SAFE_METHOD_TYPES and \
            fn.__name__ not in UNSAFE_METHODS:
        if fn is setattr and len(args) == 3:
            boundary.check_store(args[0], args[2], f"setattr(..., {args[1]!r}, ...) of")
        inputs = (bound, *objs, kwargs)
        members = boundary.members_before(inputs)
        out = calls.call_static(fn, type(fn), args, kwargs)
        if bound is not None and fn.__name__ in _POPS:
            # list.pop(), dict.popitem(), deque.popleft()...: what they return
            # was in the container (or is the default given), a reference
            # moved; the container no longer holds it for the check to see.
            check_result(tape, fn, out, found, taint, (bound, *objs, kwargs, out), True)
            return out
        check_result(tape, fn, out, found, taint, inputs, True, members)
        return out
    if found and _is_exact(fn, args):
        refuse(fn, "is an exact conversion of a differentiable value (its result carries "
               "all the bits of the value as integers)")
    before, refusal = tape.callbacks, tape.refusal
    with Guard(fn):
        out = calls.call_static(fn, type(fn), args, kwargs)
    boundary.reraise_pending(tape, refusal)
    if tape.callbacks != before and not found:
        found = [fn]            # (callbacks handed it differentiable values)
    check_result(tape, fn, out, found, taint, (bound, *objs, kwargs))
    boundary.check_receiver(tape, fn, args, kwargs)   # (after: the result says more)
    return out


_POPS = frozenset({"pop", "popitem", "popleft"})


def _construct(tape, cls, args, kwargs, found, taint):
    """A Python class: its construction is interpreted; the C base it builds
    on (float, ndarray, ctypes.Structure...) may copy what it is given."""
    out = calls.call_static(cls, type(cls), args, kwargs)
    if id(out) in tape.ids or boundary.holds_references(type(out)) and \
            not isinstance(out, (str, bytes)):      # (class S(str): S(x) is text of x)
        return out
    # (what it was given may be in it unchanged: OdeResult(t=t_eval_part, y=ys))
    return _same_value_or_check(tape, cls, out, args[0] if args else None, found, taint,
                                (*args, *kwargs.values()) if kwargs else args)


def _number_new(tape, fn, args, kwargs, found, taint):
    """float.__new__(cls, x) / complex.__new__(cls, x) from a Python __new__."""
    out = calls.call_static(fn, type(fn), args, kwargs)
    src = args[1] if len(args) == 2 and not kwargs else None
    return _same_value_or_check(tape, fn, out, src, found, taint)


# F(x) for a subclass F of float or complex: the value of x under another class.
_SAME_VALUE = Primitive("same value", None, (lambda g, ans, x: g,))


def _same_value_or_check(tape, fn, out, src, found, taint, inputs=()):
    if found and isinstance(out, (float, complex)) and src is not None and \
            id(src) in tape.ids and out == src:
        tape.record1(_SAME_VALUE, out, src, current_site())
    else:
        check_result(tape, fn, out, found, taint, inputs)
    return out


def _python_class(cls):
    """A class with Python code of its own (bcad interprets its construction),
    as opposed to a C type, even one allocated on the heap like 3.13's
    decimal.Decimal (those go through the C-call checks)."""
    if STATIC[cls]:
        return False
    if type(objects.lookup(type(cls), "__call__")) is FunctionType_:
        return True
    for k in cls.__mro__:
        if not STATIC[k]:
            for v in k.__dict__.values():
                if type(v) in (FunctionType_, staticmethod, classmethod, property):
                    return True
    return False


def _any_tainted(taint, args):
    for a in args:
        if id(a) in taint:
            return True
    return False


def _has_lookaside(fn):
    tf = type(fn)
    if tf is BuiltinFunctionType:
        self = fn.__self__
        if self is not None and type(self) is not types.ModuleType:
            return (type(self), fn.__name__) in METHOD_LOOKASIDES
    try:
        return fn in LOOKASIDES
    except TypeError:
        return False


def _equals_tracked(tape, v):
    for x in tape.vals:
        if type(x) in TRACKED_TYPES and x == v:
            return True
    return False


# ------------------------------------------------------------- taint hooks

def taint_text(tape, out, operands):
    """A string computed from tracked values or tainted strings is tainted."""
    ids, taint = tape.ids, tape.taint
    for a in operands:
        ta = type(a)
        if id(a) in ids or (id(a) in taint and taint[id(a)][0] is a):
            desc = taint[id(a)][1] if id(a) in taint else \
                f"text made from a differentiable value (at {where()})"
            tape.taint[id(out)] = (out, desc)
            return
        if ta is tuple or ta is list:
            taint_text(tape, out, a)
            if id(out) in taint:
                return


def taint_hook(v, r):
    """objects.str_/repr_/format_ computed string `r` from `v` (a tracked
    value, or an object that one reaches: a list, a tainted ndarray)."""
    tape = CTX.tape
    if tape is None:
        return
    tv = type(v)
    if id(v) in tape.ids:
        tape.taint[id(r)] = (r, f"the text of a differentiable value (made at {where()})")
    elif tv is not str and tv is not int and tv is not bool and v is not None:
        found, desc = reach(tape, (v,))
        if found or desc:
            tape.taint[id(r)] = (r, desc or f"the text of a differentiable value (made at "
                                 f"{where()})")


def attr_hook(obj, name, r):
    """LOAD_ATTR on a tracked value returned `r`."""
    tape = CTX.tape
    if type(obj) is arrays.ndarray:
        return array_ops.attribute(tape, obj, name, r)
    p = ATTRS.get((type(obj), name))
    if p is not None:
        if type(r) in TRACKED_TYPES and id(r) not in tape.ids:
            tape.record1(p, r, obj, current_site())
        return r
    if type(r) in TRACKED_TYPES and id(r) not in tape.ids and r != 0:
        refuse(getattr(type(obj), name, obj), f"(attribute .{name}) computed a new number from a "
               f"differentiable value")
    if isinstance(obj, arrays.np.generic) and id(r) not in tape.ids:
        # A numpy scalar's .flat, .data, ... hold a copy of its value: the
        # boundary taints them (numbers read from them refuse).
        check_result(tape, f"the attribute .{name}", r, [obj], None, (obj,))
    return r
