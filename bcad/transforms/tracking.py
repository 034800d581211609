"""Differentiation mode of the interpreter: where values meet the tape.

While a tape is active:
- arithmetic handlers record float/complex operations (handlers below);
- every call of a C-level callable goes through `call_c`: a primitive with a
  rule is recorded; a lookaside or a Python class runs as usual; any other C
  function that receives a tracked value runs under a guard that refuses
  results which depend on the value without a rule (NonDifferentiableError),
  and refuses Python code that C would run natively (a profile hook);
- strings made from tracked values (repr, str, format, f-strings, hex) are
  tainted: turning them back into numbers raises.
"""
import collections
import functools
import numbers
import os
import sys
import types

from ..errors import NonDifferentiableError
from ..interpreter import calls, objects
from ..interpreter.calls import LOOKASIDES, METHOD_LOOKASIDES
from ..interpreter.objects import STATIC
from ..interpreter.state import STATE
from ..rules import RULES, ATTRS
from ..tape.tape import active, TRACKED_TYPES

calls.PY_RULES = RULES

_BCAD_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_STDLIB = os.path.dirname(os.__file__) + os.sep
BuiltinFunctionType = types.BuiltinFunctionType

# C functions whose result cannot depend on a tracked value in a way that
# carries a derivative (piecewise constant, identity, bookkeeping): called
# without inspection.
SAFE_C = {
    len, isinstance, issubclass, type, id, hash, callable, range, enumerate, zip, iter, next,
    print, repr, str, format, ascii, bool, int, sorted, min, max, list, tuple, dict, set,
    frozenset, reversed, any, all, getattr, setattr, hasattr, delattr, vars, dir, locals,
    globals, object.__new__, super,
}
# Methods of these containers only store, fetch and compare: no value is
# computed (element comparisons of Python objects aside, see UNSAFE_METHODS).
SAFE_METHOD_TYPES = {list, dict, set, frozenset, tuple}
UNSAFE_METHODS = {"sort", "index", "count", "remove", "__contains__"}
# C types that keep references to the objects they are given (so a tracked
# value inside stays the tracked object).  Any other C type returned by a C
# function that received a tracked value may hold a copy: refused.
_REFERENCE_HOLDERS = {
    type(None), bool, int, str, bytes, list, tuple, dict, set, frozenset, slice, range,
    type, types.FunctionType, types.MethodType, types.BuiltinFunctionType, types.ModuleType,
    types.SimpleNamespace, types.GeneratorType, zip, map, filter, enumerate, reversed,
    functools.partial, collections.deque, collections.OrderedDict, collections.defaultdict,
    property, staticmethod, classmethod, super, type(iter([])), type(iter(())),
    type(iter({})), type(iter(set())), type(iter("")), type(iter(range(0))),
    type({}.keys()), type({}.values()), type({}.items()),
}


def _holds_references(tp):
    if tp in _REFERENCE_HOLDERS or issubclass(tp, BaseException):
        return True
    if not STATIC[tp] and _python_class(tp):
        return True
    return tp.__module__ in ("itertools", "operator", "functools", "weakref", "re", "_sre")
# Exact conversions: all the bits of the value, as integers.
EXACT = {(float, "as_integer_ratio"), (float, "__getnewargs__"), (complex, "__getnewargs__")}


def current_site():
    f = STATE.frame
    if f is None:
        return None
    instrs = f.code.instrs
    pc = f.pc
    return instrs[pc] if 0 < pc < len(instrs) else None


def _is_user_file(filename):
    return not (filename.startswith(_BCAD_DIR) or filename.startswith(_STDLIB)
                or "site-packages" in filename or filename.startswith("<frozen"))


def where():
    """'file:line (in function)' of the user code that led here, plus the
    innermost interpreted frame when that is library code."""
    f = STATE.frame
    inner = f
    while f is not None and not _is_user_file(f.code.filename):
        f = f.back
    parts = []
    if f is not None:
        parts.append(f"{f.code.filename}:{f.code.line_of(f.pc)} (in {f.code.qualname})")
    if inner is not None and inner is not f:
        parts.append(f"reached in {inner.code.filename}:{inner.code.line_of(inner.pc)} "
                     f"(in {inner.code.qualname})")
    return ", ".join(parts) if parts else "<unknown location>"


def _fname(fn):
    self = getattr(fn, "__self__", None)
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or repr(fn)
    if type(fn) is BuiltinFunctionType and self is not None and type(self) is not types.ModuleType:
        return f"{type(self).__name__}.{fn.__name__}"
    mod = getattr(fn, "__module__", None)
    if mod and mod != "builtins" and type(self) is not type:
        return f"{mod}.{name}"
    return name


def refuse(fn, what):
    from ..trace.recorder import format_interpreted_stack   # (import cycle otherwise)
    name = _fname(fn)
    stack = format_interpreted_stack()
    raise NonDifferentiableError(
        f"{name}() {what} at {where()}. bcad has no derivative rule for {name}, so a gradient "
        f"through it would be silently wrong.\n"
        f"  Remedies: register a rule with bcad.defvjp({name}, ...) (or bcad.custom_vjp for a "
        f"Python function), or wrap the value in bcad.stop_gradient(...) if no gradient should "
        f"flow through it." + (f"\n{stack}" if stack else ""))


# ------------------------------------------------------------- argument scans

def tracked_in(tape, args, kwargs):
    """The tracked values among the arguments (one container level deep)."""
    ids = tape.ids
    found = []
    for a in (*args, *kwargs.values()) if kwargs else args:
        ta = type(a)
        if ta in TRACKED_TYPES:
            if id(a) in ids:
                found.append(a)
        elif ta is list or ta is tuple or ta is set or ta is frozenset:
            for x in a:
                if id(x) in ids:
                    found.append(x)
        elif ta is dict:
            for x in a.values():
                if id(x) in ids:
                    found.append(x)
        elif id(a) in ids:
            found.append(a)
    return found


def tainted_in(tape, args, kwargs):
    taint = tape.taint
    if not taint:
        return None
    for a in (*args, *kwargs.values()) if kwargs else args:
        if id(a) in taint and taint[id(a)][0] is a:
            return taint[id(a)][1]
    return None


def leaves_of(tape, x, out):
    """Tracked-or-not scalar leaves of an argument, for general rules."""
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


# ------------------------------------------------------------------ rules

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


def _materialize(args, kwargs, positions):
    args = list(args)
    for i in positions:
        if i < len(args) and not isinstance(args[i], (list, tuple)):
            args[i] = list(objects.iterate(args[i]))
    return tuple(args)


def apply_rule(tape, prim, fn, args, kwargs, site):
    out = fn(*args, **kwargs)
    if prim.multi is not None:
        if type(out) is tuple:
            for j, p in enumerate(prim.multi):
                if p is not None and type(out[j]) in TRACKED_TYPES and id(out[j]) not in tape.ids:
                    _record_fixed(tape, p, out[j], args, site)
        return out
    if type(out) not in TRACKED_TYPES or id(out) in tape.ids:
        if type(out) not in TRACKED_TYPES and isinstance(out, (float, complex)) or \
                isinstance(out, numbers.Number) and not isinstance(out, (int, float, complex)):
            refuse(fn, f"has a rule but returned a {type(out).__module__}.{type(out).__qualname__},"
                   f" a number type bcad does not track")
        return out      # NotImplemented, an int, or an input returned unchanged
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
    return out


def _record_fixed(tape, prim, out, args, site):
    if len(args) == 1:
        tape.record1(prim, out, args[0], site)
    elif len(args) == 2:
        tape.record2(prim, out, args[0], args[1], site)
    else:
        raise NonDifferentiableError(f"rule {prim.name} takes 1 or 2 arguments, got {len(args)}")


# ------------------------------------------------------------------ calls

class _Guard:
    """Refuses Python code that C runs natively while tracked values are in
    reach (it would compute with them untraced)."""
    __slots__ = ("fn", "prev")

    def __init__(self, fn):
        self.fn = fn

    def hook(self, frame, event, arg):
        if event == "call":
            fname = frame.f_code.co_filename
            if not fname.startswith(_BCAD_DIR):
                tape = active()
                if tape is None:
                    return
                if _is_user_file(fname):
                    refuse(self.fn, f"ran the Python function {frame.f_code.co_qualname} "
                           f"({fname}:{frame.f_code.co_firstlineno}) natively while "
                           f"differentiating (bcad cannot see what it computes)")
                if tracked_in(tape, tuple(frame.f_locals.values()), {}):
                    refuse(self.fn, f"ran the Python function {frame.f_code.co_qualname} "
                           f"({fname}:{frame.f_code.co_firstlineno}) natively on a "
                           f"differentiable value")

    def __enter__(self):
        self.prev = sys.getprofile()
        sys.setprofile(self.hook)

    def __exit__(self, *exc):
        sys.setprofile(self.prev)
        return False


def call_c(fn, args, kwargs):
    """AD-mode call of a C-level callable (see module docstring)."""
    tape = active()
    if tape is None:
        return calls.call_static(fn, type(fn), args, kwargs)
    prim, self_args = rule_of(fn)
    if prim is not None:
        full = self_args + tuple(args)
        if prim.iterables:
            full = _materialize(full, kwargs, prim.iterables)
            args = full[len(self_args):]
        if tracked_in(tape, full, kwargs):
            impl = getattr(type(self_args[0]), fn.__name__) if self_args else fn
            return apply_rule(tape, prim, impl, full, kwargs, current_site())
    if type(fn) is FunctionType_:
        return calls.call_function(fn, args, kwargs)
    bound = getattr(fn, "__self__", None) if type(fn) is BuiltinFunctionType else None
    taint = tainted_in(tape, (bound, *args) if bound is not None else args, kwargs)
    if not taint:
        try:
            safe = fn in SAFE_C
        except TypeError:
            safe = False
        parse = fn in _PARSERS if safe or _has_lookaside(fn) else False
        if not parse and (safe or isinstance(fn, type) and _python_class(fn)
                          or _has_lookaside(fn)):
            return calls.call_static(fn, type(fn), args, kwargs)
    if type(fn) is BuiltinFunctionType:
        self = fn.__self__
        if type(self) in SAFE_METHOD_TYPES and fn.__name__ not in UNSAFE_METHODS:
            return calls.call_static(fn, type(fn), args, kwargs)
    if not self_args and (type(fn) is BuiltinFunctionType or type(fn) is types.MethodWrapperType):
        bound = fn.__self__
        if bound is not None and type(bound) is not types.ModuleType:
            self_args = (bound,)
    found = tracked_in(tape, (*self_args, *args), kwargs)
    if found and type(fn) is BuiltinFunctionType and fn.__self__ is not None and \
            (type(fn.__self__), fn.__name__) in EXACT:
        refuse(fn, "is an exact conversion of a differentiable value (its result carries all "
               "the bits of the value as integers)")
    with _Guard(fn):
        out = calls.call_static(fn, type(fn), args, kwargs)
    check_result(tape, fn, out, found, taint, args)
    return out


FunctionType_ = types.FunctionType


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


_STRINGS = (str, bytes, bytearray)


def _has_number(out):
    to = type(out)
    if to is float or to is complex or to is int or isinstance(out, numbers.Number) \
            and to is not bool:
        return True
    if to is tuple or to is list:
        return any(_has_number(x) for x in out)
    return False


_PARSERS = {float, complex, float.fromhex}


def _equals_tracked(tape, v):
    for x in tape.vals:
        if type(x) in TRACKED_TYPES and x == v:
            return True
    return False


def check_result(tape, fn, out, found, taint, args=()):
    ids = tape.ids
    to = type(out)
    if id(out) in ids:
        return
    if to in _STRINGS:
        if found or taint:
            tape.taint[id(out)] = (out, taint or f"{_fname(fn)}() of a differentiable value")
        return
    if (found or taint) and (to is list or to is tuple):
        for x in out:
            if type(x) in _STRINGS:
                tape.taint[id(x)] = (x, taint or f"{_fname(fn)}() of a differentiable value")
    if not taint and not found and fn in _PARSERS and args and type(args[0]) in _STRINGS:
        v = out if type(out) in TRACKED_TYPES else None
        if v is not None and _equals_tracked(tape, v):
            refuse(fn, f"parsed the number {v!r} from text, and a differentiable value equals it "
                   f"(the text was probably made from that value: the gradient would be lost)")
    if taint and _has_number(out):
        refuse(fn, f"turned text made from a differentiable value ({taint}) back into "
               f"a number")
    if not found:
        return
    if to in TRACKED_TYPES:
        refuse(fn, "received a differentiable value and returned a new number computed from it")
    if to is tuple or to is list:
        for x in out:
            tx = type(x)
            if tx in TRACKED_TYPES and id(x) not in ids:
                refuse(fn, "received a differentiable value and returned new numbers computed "
                       "from it")
        return
    if isinstance(out, numbers.Number) and to is not bool and to is not int:
        refuse(fn, f"received a differentiable value and returned a {type(out).__name__} "
               f"computed from it")
    if not _holds_references(to):
        refuse(fn, f"received a differentiable value and returned a {to.__module__}."
               f"{to.__qualname__}, which may hold a copy of it (a copy carries no gradient)")


# ------------------------------------------------------------- taint hooks

def taint_text(tape, out, operands):
    """A string computed from tracked values or tainted strings is tainted."""
    ids, taint = tape.ids, tape.taint
    for a in operands:
        ta = type(a)
        if id(a) in ids or (id(a) in taint and taint[id(a)][0] is a):
            tape.taint[id(out)] = (out, "text made from a differentiable value")
            return
        if ta is tuple or ta is list:
            taint_text(tape, out, a)
            if id(out) in taint:
                return


def taint_hook(v, r):
    """objects.str_/repr_/format_ computed string `r` from `v`."""
    tape = active()
    if tape is not None and id(v) in tape.ids:
        tape.taint[id(r)] = (r, "the text of a differentiable value")


def attr_hook(obj, name, r):
    """LOAD_ATTR on a tracked value returned `r`."""
    tape = active()
    p = ATTRS.get((type(obj), name))
    if p is not None:
        if type(r) in TRACKED_TYPES and id(r) not in tape.ids:
            tape.record1(p, r, obj, current_site())
        return r
    if type(r) in TRACKED_TYPES and id(r) not in tape.ids and r != 0:
        refuse(getattr(type(obj), name, obj), f"(attribute .{name}) computed a new number from a "
               f"differentiable value")
    return r
