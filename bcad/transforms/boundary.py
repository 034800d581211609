"""The C boundary while differentiating: one information-flow policy.

bcad sees every operation interpreted code performs, but not what C code
does with the values it is handed.  This module decides, at each place where
a value crosses into C (a call, an operator, a store, a read from a C
object), whether the result can be trusted.  The policy, in full:

1. *Reach.*  A differentiable value reaches C code when it is anywhere in
   what that code can read: in containers of any type at any depth, in the
   attributes of objects, in cells, inside iterators and generators
   (`reach`, through `gc.get_referents`).  Text and other objects derived
   from differentiable values are *tainted* (`tape.taint`) and reach C code
   the same way.
2. *Results.*  What a C function (or operator) without a rule returns while
   something reaches it (`check_result`):
   - the very objects it was given (identity): still tracked, fine;
   - a bool, or an int when only tracked values reached it (int(), round(),
     comparisons are piecewise constant): fine;
   - a new float/complex/other number: refused (it would carry no gradient);
   - text (str/bytes) and any other object that may hold a copy: tainted,
     with the site where it was made;
   - containers holding references (list, tuple, dict, namedtuple, ...):
     their contents are classified the same way.
3. *Reads.*  A number read out of a tainted object (a C call on it, an
   attribute, a subscript, iteration, unpacking) is refused, naming both the
   site where the differentiable value went in and the site where the number
   came out.  Ints only where the function is known to count (`COUNTS`).
4. *Stores.*  A differentiable value written into an object that copies
   what it is given (ndarray, array.array, bytearray, memoryview, ctypes...)
   is refused at the store (`check_store`, `check_receiver`): that is where
   the information is lost.
5. *Threads.*  Other threads running Python code natively on a
   differentiable value while differentiating are refused (OtherThreads).
6. *Final.*  A refusal ends the differentiation even when C code catches
   the exception and carries on (`refuse` records it; `reraise_pending`
   raises it again after the native call that swallowed it, and the end of
   the forward pass raises whatever is still pending).

Fast paths first: exact builtin scalars and strings are classified by type
without a scan, and the deep scan stops at modules, classes, functions and
code.
"""
import _abc
import array
import collections
import functools
import gc
import mmap
import numbers
import os
import re
import struct
import sys
import threading
import types
import typing

from ..errors import NonDifferentiableError
from ..interpreter.frame import Frame
from ..interpreter.objects import C_BASE
from ..interpreter.state import STATE, restore_profile
from ..tape.tape import TRACKED_TYPES
from .context import CTX

_BCAD_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_STDLIB = os.path.dirname(os.__file__) + os.sep
BuiltinFunctionType = types.BuiltinFunctionType
FunctionType = types.FunctionType

# ------------------------------------------------------------------ tables

# C functions whose result cannot depend on a differentiable value in a way
# that carries a derivative (identity, bookkeeping, piecewise constant).
# Their results are still classified when something tainted reaches them.
SAFE_C = {
    len, isinstance, issubclass, type, id, hash, callable, range, enumerate, zip, iter, next,
    print, repr, str, format, ascii, bool, int, sorted, min, max, list, tuple, dict, set,
    frozenset, reversed, any, all, getattr, setattr, hasattr, delattr, vars, dir, locals,
    globals, object.__new__, super,
}
# Never given a scan: their result is a type, an identity or a size.
NO_SCAN = {len, isinstance, issubclass, type, id, callable, hasattr, vars, dir, locals,
           globals, print, super}
# isinstance/issubclass against an ABC (abc.ABCMeta's Python methods call
# these; scipy's issparse(a) is one): a bool about the object's class.
NO_SCAN |= {_abc._abc_instancecheck, _abc._abc_subclasscheck}
SAFE_C |= {_abc._abc_instancecheck, _abc._abc_subclasscheck}
# Methods of these containers only store, fetch and compare references.
SAFE_METHOD_TYPES = {list, dict, set, frozenset, tuple, collections.deque}
UNSAFE_METHODS = {"sort", "index", "count", "remove", "__contains__"}
# Exact conversions: all the bits of a value, as integers.
EXACT_NAMES = {"as_integer_ratio", "__getnewargs__", "__reduce__", "__reduce_ex__",
               "__getstate__"}
# C functions that read numbers out of text.
PARSERS = {float, complex, float.fromhex}
# C functions returning an int that counts or locates, never a value.
COUNT_NAMES = {"__len__", "find", "rfind", "index", "rindex", "count", "write", "tell",
               "seek", "startswith", "endswith", "isdigit", "isnumeric", "isdecimal"}

# C types that keep references to what they are given (the objects inside are
# the tracked objects themselves).
REFERENCE_HOLDERS = {
    type(None), bool, int, str, bytes, list, tuple, dict, set, frozenset, slice, range, object,
    type, FunctionType, types.MethodType, BuiltinFunctionType, types.ModuleType,
    types.SimpleNamespace, types.GeneratorType, types.CellType, zip, map, filter, enumerate,
    reversed, functools.partial, collections.deque, collections.OrderedDict,
    collections.defaultdict, property, staticmethod, classmethod, super, type(iter([])),
    type(iter(())), type(iter({})), type(iter(set())), type(iter(range(0))),
    type(iter(reversed([]))), type({}.keys()), type({}.values()), type({}.items()),
    type(iter({}.values())), type(iter({}.items())), types.MappingProxyType,
    # (a C type on 3.12+: class Q(Generic[T]) instances are plain objects)
    typing.Generic,
}
_REFERENCE_MODULES = ("itertools", "operator", "functools", "weakref", "re", "_sre",
                      "collections", "_collections")
# C types that copy the values stored into them (stores are refused).
_COPYING = {array.array, bytearray, memoryview, mmap.mmap}

# Not descended into by the scan: what they reference is code or namespaces,
# not data a C function reads as its input.
_OPAQUE = (type, types.ModuleType, FunctionType, BuiltinFunctionType, types.CodeType,
           types.FrameType, types.TracebackType, types.MethodType, types.MethodWrapperType,
           types.WrapperDescriptorType, types.MethodDescriptorType,
           types.GetSetDescriptorType, types.MemberDescriptorType, property)

_STRINGS = (str, bytes, bytearray)

import json.scanner
_json_scanner = json.scanner.make_scanner(json.JSONDecoder())

try:
    import numpy as _np
    _NDARRAY = _np.ndarray
    _FLATITER = _np.flatiter
    _COPYING |= {_np.ndarray, _np.flatiter}
    _NUMPY_BOOL = _np.bool_
    _DESCRIPTORS = frozenset(type(_np.dtype(c)) for c in "?bhilqBHILQefdgFDGO") | {_np.dtype}
    # Type and shape questions (their results are classified like any
    # other: a broadcast object is tainted, so numbers read from it refuse).
    _TYPE_QUESTIONS = {_np.result_type, _np.broadcast, _np.can_cast, _np.promote_types,
                       _np.min_scalar_type, _np.dtype, _np.shape, _np.ndim, _np.isscalar,
                       _np.iscomplexobj, _np.isrealobj}
    # Memory questions: a bool about where the arrays' data lie (scikit-learn's
    # check_array asks np.may_share_memory whether it must copy).
    _TYPE_QUESTIONS |= {_np.may_share_memory, _np.shares_memory}
    # (and the C functions numpy's dispatchers wrap)
    SAFE_C |= _TYPE_QUESTIONS | {getattr(f, "_implementation", f) for f in _TYPE_QUESTIONS}
except ImportError:     # pragma: no cover - numpy is a dependency
    _NDARRAY = _NUMPY_BOOL = _FLATITER = ()
    _DESCRIPTORS = frozenset()

try:
    import ctypes as _ctypes
    _CTYPES = (_ctypes._SimpleCData, _ctypes.Array, _ctypes.Structure, _ctypes.Union)
except ImportError:     # pragma: no cover
    _CTYPES = ()


def holds_references(tp):
    """Do instances of `tp` hold the objects given to them (not copies)?
    A Python class holds references when the C type it builds on does."""
    if tp in REFERENCE_HOLDERS or issubclass(tp, BaseException):
        return True
    base = C_BASE[tp]
    if base is not tp:
        return holds_references(base)
    return tp.__module__ in _REFERENCE_MODULES


def copies_into(obj):
    """Is `obj` a mutable buffer that keeps copies of what is stored into it
    (an ndarray, array.array, bytearray, memoryview, mmap, a ctypes object)?"""
    tp = type(obj)
    return tp in _COPYING or C_BASE[tp] in _COPYING or isinstance(obj, _CTYPES)


# Buffers of numbers: text stored into them is parsed into numbers.
_NUMERIC_BUFFERS = (_NDARRAY, _np.flatiter, array.array, *_CTYPES) if _NDARRAY else _CTYPES


# ------------------------------------------------------------- where / refuse

def current_site():
    """The instruction the innermost interpreted frame runs (None outside
    one; a frame's `instrs[0]` is its exit slot, None)."""
    f = STATE.frame
    if f is None:
        return None
    try:
        return f.code.instrs[f.pc]
    except IndexError:
        return None


def is_user_file(filename):
    return not (filename.startswith(_BCAD_DIR) or filename.startswith(_STDLIB)
                or "site-packages" in filename or filename.startswith("<frozen"))


def where():
    """'file:line (in function)' of the user code that led here, plus the
    innermost interpreted frame when that is library code."""
    f = STATE.frame
    inner = f
    while f is not None and not is_user_file(f.code.filename):
        f = f.back
    parts = []
    if f is not None:
        parts.append(f"{f.code.filename}:{f.code.line_of(f.pc)} (in {f.code.qualname})")
    if inner is not None and inner is not f:
        parts.append(f"reached in {inner.code.filename}:{inner.code.line_of(inner.pc)} "
                     f"(in {inner.code.qualname})")
    return ", ".join(parts) if parts else "<unknown location>"


def fname(fn):
    if isinstance(fn, str):
        return fn
    self = getattr(fn, "__self__", None)
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None)
    if name is None:
        return repr(fn)             # a callable object: operator.itemgetter(0)
    if type(fn) is BuiltinFunctionType and self is not None and type(self) is not types.ModuleType:
        owner = self if isinstance(self, type) else type(self)     # (dict.fromkeys)
        return f"{owner.__name__}.{fn.__name__}"
    mod = getattr(fn, "__module__", None)
    if mod and mod != "builtins" and type(self) is not type:
        return f"{mod}.{name}"
    return name


def refuse(fn, what):
    """Raise NonDifferentiableError for `fn`, and remember it: the refusal is
    final even if C code catches the exception (see reraise_pending)."""
    from ..trace.recorder import format_interpreted_stack   # (import cycle otherwise)
    name = fname(fn)
    stack = format_interpreted_stack()
    if isinstance(fn, str):     # an operator, a read, a store, natively run code
        text = (f"{name} {what} at {where()}: a gradient through it would be silently wrong.\n"
                f"  Remedies: compute the value with code bcad interprets (plain Python, or a "
                f"function with a rule), or wrap it in bcad.stop_gradient(...) if no gradient "
                f"should flow through it.")
    else:
        text = (f"{name}() {what} at {where()}. bcad has no derivative rule for {name}, so a "
                f"gradient through it would be silently wrong.\n"
                f"  Remedies: register a rule with bcad.defvjp({name}, ...) (or bcad.custom_vjp "
                f"for a Python function), or wrap the value in bcad.stop_gradient(...) if no "
                f"gradient should flow through it.")
    err = NonDifferentiableError(text + (f"\n{stack}" if stack else ""))
    tape = CTX.tape
    if tape is not None and tape.refusal is None:
        # The message, not the exception: an exception kept here would make a
        # cycle (its traceback holds the frames that hold the tape) left to
        # the cycle collector, which can crash CPython on a memoryview whose
        # buffer something else still exports.
        tape.refusal = err.args[0]
        tape.refusal_thread = threading.get_ident()
    try:
        raise err
    finally:
        err = None      # (no cycle through this frame either)


def reraise_pending(tape, before):
    """A refusal raised in this thread inside the native call that just
    returned, and swallowed by it (`before`: tape.refusal before the call).
    Only then: raising again at every later C call would break library
    invariants (a lock acquired in a `with` whose body never runs); the end
    of the forward pass raises any refusal that is still pending."""
    if tape.refusal is not before and tape.refusal_thread == threading.get_ident():
        raise NonDifferentiableError(tape.refusal)


def callback_returned(r):
    """An interpreted callback (a trampoline) returned `r` to the C code that
    called it: the C function then received a differentiable value that no
    scan of its arguments could see (np.fromiter(map(lambda k: k * x, ...)))."""
    tape = CTX.tape
    if tape is not None and type(r) is not int and type(r) is not bool and r is not None \
            and reaches(tape, (r,)):
        tape.callbacks += 1


# ------------------------------------------------------------------ reach

def reach(tape, objs):
    """(tracked values, taint description or None) reachable from `objs`."""
    ids, taint = tape.ids, tape.taint
    found = []
    desc = None
    todo = list(objs)
    seen = set()
    while todo:
        o = todo.pop()
        t = type(o)
        if t in TRACKED_TYPES:
            if id(o) in ids:
                found.append(o)
            continue
        if t is int or t is bool or o is None:
            continue
        i = id(o)
        if i in ids:
            found.append(o)
            continue
        if taint and i in taint and taint[i][0] is o:
            desc = desc or taint[i][1]
            continue
        if t is str or t is bytes or t is float or t is complex or i in seen:
            continue
        seen.add(i)
        if t is list or t is tuple or t is set or t is frozenset:
            todo.extend(o)
        elif t is _NDARRAY:
            _array_parts(o, todo)
        elif t is dict:
            todo.extend(o.keys())
            todo.extend(o.values())
        elif t is Frame:                    # an interpreted generator's frame: its
            todo.extend(o.fast)             # values, not its globals or callers
            todo.extend(o.stack)
        elif _opaque(o, t):
            pass
        elif t is _FLATITER:
            todo.append(o.base)             # (a.flat: gc does not show its array)
        elif isinstance(o, _NDARRAY):       # (a subclass: its own attributes too)
            _array_parts(o, todo)
            todo.extend(gc.get_referents(o))
        else:
            todo.extend(gc.get_referents(o))
    return found, desc


def _array_parts(a, todo):
    """What an ndarray can hold a differentiable value through: its elements
    (an object array) or the array whose memory it views."""
    if a.dtype.hasobject:
        todo.extend(a.ravel().tolist())
    elif a.base is not None:
        todo.append(a.base)


_OPAQUE_STATIC = {}     # static type -> are its instances opaque (see _OPAQUE)


def _opaque(o, t):
    """isinstance(o, _OPAQUE), answered once per static type (the isinstance
    test of 14 types cost more than the rest of a scan of a few objects)."""
    if t.__flags__ & _HEAPTYPE:
        return isinstance(o, _OPAQUE)
    r = _OPAQUE_STATIC.get(t)
    if r is None:
        r = _OPAQUE_STATIC[t] = issubclass(t, _OPAQUE)
    return r


_HEAPTYPE = 1 << 9


def reaches(tape, objs):
    found, desc = reach(tape, objs)
    return bool(found) or desc is not None


# ------------------------------------------------------------------ results

def _is_number(o):
    t = type(o)
    if t is bool or t is _NUMPY_BOOL:
        return False
    return t is float or t is int or t is complex or isinstance(o, numbers.Number)


def _counts(fn):
    return fn is len or getattr(fn, "__name__", None) in COUNT_NAMES


class _Held(set):
    """ids, with the objects they name kept alive (an id seen before a call
    must not be reused by an object the call makes)."""
    __slots__ = ("objects",)


def _members(objs, keep=False):
    """ids of the objects in `objs` and in the containers among them: what a
    C function can hand back by reference (max(x, 1.0) returns the 1.0)."""
    out = _Held() if keep else set()
    if keep:
        out.objects = alive = []
    todo = list(objs)
    while todo:
        o = todo.pop()
        if id(o) in out:
            continue
        out.add(id(o))
        if keep:
            alive.append(o)
        t = type(o)
        if t is float or t is int or t is str or t is bytes or t is complex:
            continue
        if isinstance(o, (list, tuple, set, frozenset, collections.deque)):
            todo.extend(o)
        elif isinstance(o, dict):
            todo.extend(o.keys())
            todo.extend(o.values())
        elif t is Frame:
            # An interpreted generator's frame: what it can yield is in its
            # values and, a level deep, its globals (a module's constants and
            # tables), not in its callers, its decoded code or everything a
            # module holds (thousands of objects: a scan per tuple(genexpr)
            # of every rule interpreted inside another transform).  What is
            # left out can only be refused, never let through.
            todo.extend(o.fast)
            todo.extend(o.stack)
            ns = getattr(o, "locals", None)     # (a slot set only for namespaces)
            if ns is not None:
                todo.append(ns)
            _shallow(o.globals, out, alive if keep else None)
        elif not isinstance(o, _OPAQUE) and not (_NDARRAY and isinstance(o, _NDARRAY)):
            todo.extend(gc.get_referents(o))    # iterators, zip, map, instances
    return out


def _shallow(ns, out, alive):
    """The ids of a namespace's values and of their elements (one level)."""
    for v in ns.values():
        out.add(id(v))
        tv = type(v)
        if tv is list or tv is tuple:
            items = v
        elif tv is dict:
            items = v.values()
        else:
            items = ()
        for e in items:
            out.add(id(e))
        if alive is not None:
            alive.append(v)
            alive.extend(items)


_PLAIN = frozenset({float, int, complex, str, bytes, bool, list, tuple, dict, set, frozenset,
                    type(None)})


def members_before(objs):
    """`_members(objs)` for a call that may consume an iterator among `objs`
    (list(zip(xs, ys)) hands back xs's floats, but once the list iterator
    inside the zip is exhausted it no longer refers to xs); None when no
    iterator is among them (check_result looks afterwards)."""
    for o in objs:
        t = type(o)
        if t not in _PLAIN and not (_NDARRAY and t is _NDARRAY) and hasattr(t, "__next__"):
            return _members(objs, keep=True)
    return None


def check_result(tape, fn, out, found, taint, inputs=(), moves_references=False,
                 members=None):
    """Classify what `fn` (a C callable or an operator name) returned while
    `found` (tracked values) or `taint` (a description) reached it; objects
    among `inputs` handed back unchanged are fine.  `moves_references`: `fn`
    only builds containers of what it is given (dict(), zip(), sorted()...),
    so text inside its result is not made from numbers.  `members`: the ids
    `members_before(inputs)` took before the call (an iterator the call
    exhausted no longer shows what it held)."""
    ids = tape.ids
    if id(out) in ids:
        return
    head = fn if isinstance(fn, str) else f"{fname(fn)}()"
    made = taint or f"the result of {head} on a differentiable value (at {where()})"
    todo = [out]
    seen = set()
    while todo:
        o = todo.pop()
        t = type(o)
        if o is None or t is bool or t is _NUMPY_BOOL or id(o) in ids or t in _DESCRIPTORS \
                or isinstance(o, type):
            continue            # (a dtype or a type describes, it holds no value)
        if t is int and (not taint or _counts(fn)):
            continue
        if inputs and (t is float or t is complex or t is str or t is bytes):
            if members is None:
                members = _members(inputs)
            if id(o) in members:
                continue
        if _is_number(o):
            if inputs and t is not int:     # (a numpy scalar handed back)
                if members is None:
                    members = _members(inputs)
                if id(o) in members:
                    continue
            if taint:
                refuse(fn, f"turned {taint} back into a number")
            refuse(fn, f"received a differentiable value and returned a new "
                   f"{'number' if t in TRACKED_TYPES else t.__name__} computed from it")
        if _NDARRAY and isinstance(o, _NDARRAY) and o.dtype.kind == "O":
            if id(o) not in seen:
                seen.add(id(o))
                todo.extend(o.ravel().tolist())
            continue
        if _NDARRAY and isinstance(o, _NDARRAY):
            if o.dtype.kind in "fc" or taint:
                if members is None:
                    members = _members(inputs)
                if id(o) in members:
                    continue
                refuse(fn, f"received a differentiable value and returned a new {o.dtype} "
                       f"array computed from it" if not taint else f"turned {taint} back into "
                       f"a numpy array")
            continue
        if id(o) in seen:
            continue
        seen.add(id(o))
        if t in _STRINGS or isinstance(o, _STRINGS):
            if taint or not moves_references or o is out:
                tape.taint[id(o)] = (o, made)
        elif isinstance(o, dict):
            todo.extend(o.keys())
            todo.extend(o.values())
        elif isinstance(o, (list, tuple, set, frozenset, collections.deque)):
            todo.extend(o)
        elif taint or not holds_references(t):
            tape.taint[id(o)] = (o, made)


def check_read(tape, obj, value, how):
    """`value` was read out of the tainted object `obj` (`how`: '.attr',
    'subscript', 'iteration', ...)."""
    entry = tape.taint.get(id(obj))
    if entry is None or entry[0] is not obj:
        return
    if type(value) is int and how in _STRUCTURE:
        return
    check_result(tape, how, value, (), entry[1])


# Attributes that describe an object's structure, not its values.
_STRUCTURE = {".shape", ".ndim", ".size", ".itemsize", ".nbytes", ".strides", ".__len__",
              ".nbytes", ".typecode", ".format", ".readonly", ".start", ".stop", ".step"}


# ------------------------------------------------------------------ stores

def check_store(container, value, how):
    """`container[...] = value`, `container.attr = value` (`how` names it)."""
    tape = CTX.tape
    if not copies_into(container):
        return
    found, desc = reach(tape, (value,))
    if found or desc is not None and isinstance(container, _NUMERIC_BUFFERS):
        what = "a differentiable value" if found else f"{desc}"
        refuse(how, f"stored {what} into a {type(container).__module__}."
               f"{type(container).__qualname__}, which keeps a copy of it (a copy carries "
               f"no gradient)")
    if desc is not None:
        taint_buffer(tape, container, desc)


def taint_buffer(tape, buf, desc):
    """Text written into a byte buffer taints the buffer and what it views."""
    while buf is not None and id(buf) not in tape.ids:
        tape.taint[id(buf)] = (buf, desc)
        buf = getattr(buf, "obj", None) if type(buf) is memoryview else None


def check_receiver(tape, fn, args, kwargs):
    """A C function or method that may have written what it was given into
    one of its arguments (a copying buffer among them) or into its own object
    (a C object with state: a database connection, a StringIO), while a
    differentiable value reached it.  Buffers: refused; other objects:
    tainted, so that numbers read back out of them are refused."""
    self = getattr(fn, "__self__", None)
    receivers = [a for a in (self, *args, *kwargs.values()) if a is not None and copies_into(a)]
    absorbs = self is not None and not (receivers and receivers[0] is self) and may_absorb(self)
    if not receivers and not absorbs:
        return
    found, desc = reach(tape, (*args, *kwargs.values()))   # (a buffer can be both)
    if found and receivers:
        r = receivers[0]
        refuse(fn, f"received a differentiable value and a {type(r).__module__}."
               f"{type(r).__qualname__} it may have written a copy of it into (a copy carries "
               f"no gradient)")
    if desc is not None:
        for r in receivers:
            taint_buffer(tape, r, desc)
    if absorbs and (found or desc is not None) and id(self) not in tape.ids:
        tape.taint[id(self)] = (self, desc or f"a {type(self).__qualname__} given a "
                                f"differentiable value by {fname(fn)}() (at {where()})")


# C objects whose methods never keep what they are given.
_PURE_RECEIVERS = {re.Pattern, struct.Struct, type(re.match("", "")), type(_json_scanner),
                   types.SimpleNamespace}
_IMMUTABLE = (str, bytes, int, float, complex, tuple, frozenset, range, slice, type,
              types.ModuleType, numbers.Number)


def may_absorb(obj):
    """Can a C method of `obj` have stored a copy of its arguments in it?"""
    tp = type(obj)
    return not (isinstance(obj, _IMMUTABLE) or obj is None or tp in _PURE_RECEIVERS
                or holds_references(tp))


# ------------------------------------------------------------------ operators

SCALARS = frozenset({float, int, bool, complex}) | TRACKED_TYPES


def check_operator(tape, symbol, r, operands, inplace=False):
    """An operator computed natively `r` from `operands` without a rule
    (an operand is a C type bcad has no rule for, such as an ndarray)."""
    found, desc = reach(tape, operands)
    if not found and desc is None:
        return
    what = f"the operator {symbol}"
    if inplace and r is operands[0] and copies_into(r):
        check_store(r, operands[1], what)
    check_result(tape, what, r, found, desc)


def checked_iter(obj, it):
    """Iterate `it` (over the tainted `obj`), checking every item it yields."""
    tape = CTX.tape
    for v in it:
        if tape is not None:
            check_read(tape, obj, v, "iteration")
        yield v


# ------------------------------------------------------------------ threads

class OtherThreads:
    """While differentiating, Python code that other threads run natively
    (a ThreadPoolExecutor worker calling a function of the differentiated
    code) must not compute with differentiable values unseen: a profile hook
    in every other thread refuses a call whose arguments or closure reach
    one.  3.12+ reaches threads already running; 3.11 only threads started
    while the hook is set (threading.setprofile)."""

    def __init__(self, tape):
        self.tape = tape
        self.owner = threading.get_ident()
        self.refused = set()        # threads already refused (once is enough)

    def hook(self, frame, event, arg):
        if event != "call":
            return
        me = threading.get_ident()
        if me == self.owner or me in self.refused:
            return
        code = frame.f_code
        if code.co_filename.startswith(_BCAD_DIR) or CTX.tape is not self.tape:
            return
        found, desc = reach(self.tape, tuple(frame.f_locals.values()))
        if found or desc is not None:
            self.refused.add(me)
            refuse(f"{code.co_qualname} ({code.co_filename}:{code.co_firstlineno})",
                   "ran natively in another thread on a differentiable value (bcad cannot "
                   "see what it computes; call it from the differentiated thread)")

    def __enter__(self):
        self.prev = threading.getprofile() if hasattr(threading, "getprofile") else None
        threading.setprofile(self.hook)
        if hasattr(threading, "setprofile_all_threads"):
            mine = sys.getprofile()
            threading.setprofile_all_threads(self.hook)
            restore_profile(mine)
        return self

    def __exit__(self, *exc):
        if hasattr(threading, "setprofile_all_threads"):
            mine = sys.getprofile()
            threading.setprofile_all_threads(None)
            restore_profile(mine)
        threading.setprofile(self.prev)
        return False
