"""The lookaside table: replacements for C callables that would otherwise run
Python-level code natively (callbacks, dunders) or need the interpreted
frame (super(), locals(), sys._getframe, exec/eval, sys.exc_info).

Each replacement reproduces the C function's behaviour, including its
argument errors (usually by finally calling the C function itself with
arguments whose Python parts have been made safe: trampolines for
callbacks, interpreted iterators for iterables).  This is the one place that
lists them; `calls.LOOKASIDES` and `calls.METHOD_LOOKASIDES` are filled here.
"""
import builtins
import functools
import itertools
import re
import sys
import types

from ..decode import NULL, decode
from ..decode.decoder import localsplus_names
from . import objects
from .calls import LOOKASIDES, METHOD_LOOKASIDES, call, call_ex, trampoline, construct
from .frame import Frame, run
from .objects import STATIC, lookup, truth, iterate, type_name
from .state import STATE, current_handled, set_user_recursion_limit

FunctionType = types.FunctionType


def lookaside(*targets, arity=None, kw=()):
    """Register `fn` as the replacement of `targets`.  With `arity` (int or
    tuple of allowed positional counts) and `kw` (allowed keywords), calls of
    another shape go to the C function itself, for its exact errors."""
    def deco(fn):
        impl = fn
        if arity is not None:
            allowed = (arity,) if isinstance(arity, int) else tuple(arity)
            native = targets[0]

            def impl(*args, **kwargs):
                if len(args) not in allowed or any(k not in kw for k in kwargs):
                    return native(*args, **kwargs)
                return fn(*args, **kwargs)
            impl.__name__ = fn.__name__
        for t in targets:
            LOOKASIDES[t] = impl
        return fn
    return deco


def _safe_iterable(v):
    """An iterable native code can consume without running Python code natively."""
    if STATIC[type(v)]:
        return v
    return iterate(v)


# ------------------------------------------------------------ frame access

def _caller():
    return STATE.frame


def frame_locals(f):
    ns = getattr(f, "locals", None)
    if ns is not None:
        return ns
    co = f.code.co
    cells = set(co.co_cellvars) | set(co.co_freevars)
    out = {}
    for name, v in zip(localsplus_names(co), f.fast):
        if type(v) is types.CellType and name in cells:
            try:
                v = v.cell_contents
            except ValueError:
                continue
        if v is not NULL:
            out[name] = v
    return out


@lookaside(builtins.locals, arity=0)
def lk_locals():
    return frame_locals(_caller())


@lookaside(builtins.globals, arity=0)
def lk_globals():
    return _caller().globals


@lookaside(builtins.vars, arity=(0, 1))
def lk_vars(*args):
    if not args:
        return frame_locals(_caller())
    if len(args) == 1:
        try:
            return objects.getattr_(args[0], "__dict__")
        except AttributeError:
            pass
        raise TypeError("vars() argument must have __dict__ attribute")
    return vars(*args)


@lookaside(builtins.dir, arity=(0, 1))
def lk_dir(*args):
    if not args:
        return sorted(frame_locals(_caller()))
    obj = args[0]
    m = lookup(type(obj), "__dir__") if not isinstance(obj, type) else NULL
    if type(m) is FunctionType and len(args) == 1:
        return sorted(iterate(call(m, obj)))
    return dir(*args)


class FrameProxy:
    """What sys._getframe returns for an interpreted frame."""
    __slots__ = ("_f",)

    def __init__(self, f):
        self._f = f

    f_globals = property(lambda self: self._f.globals)
    f_builtins = property(lambda self: self._f.builtins)
    f_code = property(lambda self: self._f.code.co)
    f_lineno = property(lambda self: self._f.code.line_of(self._f.pc))
    f_lasti = property(lambda self: self._f.pc * 2)
    f_locals = property(lambda self: frame_locals(self._f))
    f_trace = None

    @property
    def f_back(self):
        b = self._f.back
        return FrameProxy(b) if b is not None else _native_caller()

    def __repr__(self):
        co = self._f.code
        return f"<frame (bcad) file '{co.filename}', line {self.f_lineno}, code {co.name}>"


def _native_caller():
    """The innermost native frame outside bcad (who called interpret())."""
    import os
    here = os.path.dirname(os.path.dirname(__file__))
    f = sys._getframe(1)
    while f is not None and f.f_code.co_filename.startswith(here):
        f = f.f_back
    return f


@lookaside(sys._getframe, arity=(0, 1))
def lk_getframe(depth=0):
    f = _caller()
    while depth > 0 and f is not None:
        f = f.back
        depth -= 1
    if f is not None:
        return FrameProxy(f)
    nf = _native_caller()
    while depth > 0 and nf is not None:
        nf = nf.f_back
        depth -= 1
    if nf is None:
        raise ValueError("call stack is not deep enough")
    return nf


if hasattr(sys, "_getframemodulename"):
    @lookaside(sys._getframemodulename)
    def lk_getframemodulename(depth=0):
        f = _caller()
        while depth > 0 and f is not None:
            f = f.back
            depth -= 1
        if f is not None:
            return f.globals.get("__name__")
        return None


@lookaside(sys.exc_info, arity=0)
def lk_exc_info():
    e = current_handled()
    if e is None:
        return (None, None, None)
    return (type(e), e, e.__traceback__)


if hasattr(sys, "exception"):
    @lookaside(sys.exception, arity=0)
    def lk_exception():
        return current_handled()


@lookaside(sys.getrecursionlimit, arity=0)
def lk_getrecursionlimit():
    return STATE.user_limit


@lookaside(sys.setrecursionlimit, arity=1)
def lk_setrecursionlimit(n):
    set_user_recursion_limit(n)


# ----------------------------------------------------------- super, classes

@lookaside(builtins.super)
def lk_super(*args, **kwargs):
    if args or kwargs:
        return super(*args, **kwargs)
    f = _caller()
    co = f.code.co
    if co.co_argcount == 0 and not co.co_flags & 0x04:
        raise RuntimeError("super(): no arguments")
    first = f.fast[0]
    if co.co_varnames and co.co_varnames[0] in co.co_cellvars and type(first) is types.CellType:
        try:
            first = first.cell_contents
        except ValueError:
            first = NULL
    if first is NULL:
        raise RuntimeError("super(): arg[0] deleted")
    if "__class__" not in co.co_freevars:
        raise RuntimeError("super(): __class__ cell not found")
    cell = f.fast[f.code.nlocalsplus - f.code.nfree + co.co_freevars.index("__class__")]
    try:
        cls = cell.cell_contents
    except ValueError:
        cls = NULL
    if cls is NULL:
        raise RuntimeError("super(): empty __class__ cell")
    if not isinstance(cls, type):
        raise RuntimeError(f"super(): __class__ is not a type ({type(cls).__name__})")
    return super(cls, first)


@lookaside(builtins.__build_class__)
def lk_build_class(func, name, /, *bases, **kwds):
    if type(func) is not FunctionType:
        if not callable(func):
            raise TypeError("__build_class__: func must be a function")
        return builtins.__build_class__(func, name, *bases, **kwds)
    if not isinstance(name, str):
        raise TypeError("__build_class__: name is not a string")
    orig_bases = bases
    bases = types.resolve_bases(bases)
    meta = kwds.pop("metaclass", NULL)
    if meta is NULL:
        meta = type(bases[0]) if bases else type
        is_class = True
    else:
        is_class = isinstance(meta, type)
    if is_class:
        meta = types._calculate_meta(meta, bases)
    prepare = NULL
    try:
        prepare = objects.getattr_(meta, "__prepare__")
    except AttributeError:
        pass
    ns = call_ex(prepare, (name, bases), kwds) if prepare is not NULL else {}
    if not _is_mapping(ns):
        mname = meta.__name__ if is_class else "<metaclass>"
        raise TypeError(f"{mname}.__prepare__() must return a mapping, not {type_name(type(ns))}")
    code = decode(func.__code__)
    f = Frame(code, [NULL] * code.nlocalsplus, func.__globals__, func.__builtins__, func)
    f.locals = ns
    cell = run(f)
    if bases is not orig_bases:
        objects.setitem(ns, "__orig_bases__", orig_bases)
    cls = call_ex(meta, (name, bases, ns), kwds)
    if isinstance(cls, type) and type(cell) is types.CellType:
        try:
            cell_cls = cell.cell_contents
        except ValueError:
            cell_cls = NULL
        if cell_cls is not cls:
            if cell_cls is NULL:
                raise RuntimeError(f"__class__ not set defining {name!r} as {cls!r}. "
                                   f"Was __classcell__ propagated to type.__new__?")
            raise TypeError(f"__class__ set to {cell_cls!r} defining {name!r} as {cls!r}")
    return cls


def _is_mapping(ns):
    return hasattr(type(ns), "__getitem__")


def isinstance_(obj, cls):
    if type(obj) is cls:
        return True
    tc = type(cls)
    if tc is type:
        return isinstance(obj, cls)
    if tc is tuple:
        return any(isinstance_(obj, c) for c in cls)
    m = lookup(tc, "__instancecheck__")
    if type(m) is FunctionType:
        return truth(call(m, cls, obj))
    return isinstance(obj, cls)


@lookaside(builtins.isinstance, arity=2)
def lk_isinstance(obj, cls, /):
    return isinstance_(obj, cls)


def issubclass_(sub, cls):
    tc = type(cls)
    if tc is type:
        return issubclass(sub, cls)
    if tc is tuple:
        return any(issubclass_(sub, c) for c in cls)
    m = lookup(tc, "__subclasscheck__")
    if type(m) is FunctionType:
        return truth(call(m, cls, sub))
    return issubclass(sub, cls)


@lookaside(builtins.issubclass, arity=2)
def lk_issubclass(sub, cls, /):
    return issubclass_(sub, cls)


# ------------------------------------------------------------ protocols

@lookaside(builtins.len, arity=1)
def lk_len(obj, /):
    return objects.len_(obj)


@lookaside(builtins.iter, arity=(1, 2))
def lk_iter(*args):
    if len(args) == 1:
        return objects.iter_(args[0])
    if len(args) == 2:
        return iter(trampoline(args[0]), args[1])
    return iter(*args)


_MISSING = object()


@lookaside(builtins.next, arity=(1, 2))
def lk_next(*args):
    if len(args) not in (1, 2):
        return next(*args)
    it = args[0]
    tp = type(it)
    if not STATIC[tp] and type(lookup(tp, "__next__")) is FunctionType:
        if len(args) == 1:
            return objects.next_(it)
        try:
            return objects.next_(it)
        except StopIteration:
            pass
        return args[1]
    return next(*args)


@lookaside(builtins.repr, arity=1)
def lk_repr(obj, /):
    return objects.repr_(obj)


@lookaside(builtins.ascii, arity=1)
def lk_ascii(obj, /):
    return objects.ascii_(obj)


@lookaside(builtins.format, arity=(1, 2))
def lk_format(value, format_spec="", /):
    if type(format_spec) is not str and not isinstance(format_spec, str):
        return format(value, format_spec)      # CPython's TypeError
    return objects.format_(value, format_spec)


@lookaside(builtins.hash, arity=1)
def lk_hash(obj, /):
    return objects.hash_(obj)


@lookaside(builtins.str)
def lk_str(*args, **kwargs):
    if len(args) == 1 and not kwargs:
        return objects.str_(args[0])
    return str(*args, **kwargs)


@lookaside(builtins.bool)
def lk_bool(*args):
    if len(args) == 1:
        return truth(args[0])
    return bool(*args)


@lookaside(builtins.abs, arity=1)
def lk_abs(x, /):
    return objects.unary(x, "__abs__")


def _dunder_or_native(native, name):
    def la(*args, **kwargs):
        if args and not kwargs and not STATIC[type(args[0])]:
            m = lookup(type(args[0]), name)
            if type(m) is FunctionType:
                return call(m, *args)
        return native(*args, **kwargs)
    la.__name__ = f"lk_{native.__name__}"
    return la


LOOKASIDES[builtins.round] = _dunder_or_native(round, "__round__")


@lookaside(builtins.divmod, arity=2)
def lk_divmod(a, b, /):
    ta, tb = type(a), type(b)
    if STATIC[ta] and STATIC[tb]:
        return divmod(a, b)
    return objects.binary_op_named(a, b, "__divmod__", "__rdivmod__", "divmod()", divmod)


@lookaside(builtins.pow, arity=(2, 3), kw=('base', 'exp', 'mod'))
def lk_pow(base, exp, mod=None):
    if mod is None:
        return objects.binary_op(base, exp, 8)
    if not STATIC[type(base)]:
        m = lookup(type(base), "__pow__")
        if type(m) is FunctionType:
            return call(m, base, exp, mod)
    return pow(base, exp, mod)


def _number(native, dunders):
    def la(*args, **kwargs):
        if len(args) == 1 and not kwargs and not STATIC[type(args[0])]:
            for d in dunders:
                m = lookup(type(args[0]), d)
                if type(m) is FunctionType:
                    r = call(m, args[0])
                    return native(r) if type(r) is not native else r
        return native(*args, **kwargs)
    return la


LOOKASIDES[builtins.float] = _number(float, ("__float__", "__index__"))
LOOKASIDES[builtins.int] = _number(int, ("__int__", "__index__", "__trunc__"))
LOOKASIDES[builtins.complex] = _number(complex, ("__complex__", "__float__", "__index__"))


@lookaside(builtins.getattr, arity=(2, 3))
def lk_getattr(*args):
    if len(args) == 2:
        return objects.getattr_(args[0], _attr_name(args[1], "getattr"))
    if len(args) == 3:
        try:
            return objects.getattr_(args[0], _attr_name(args[1], "getattr"))
        except AttributeError:
            pass
        return args[2]
    return getattr(*args)


def _attr_name(name, fn):
    if not isinstance(name, str):
        raise TypeError(f"attribute name must be string, not '{type_name(type(name))}'")
    return name


@lookaside(builtins.hasattr, arity=2)
def lk_hasattr(obj, name, /):
    try:
        objects.getattr_(obj, _attr_name(name, "hasattr"))
    except AttributeError:
        return False
    return True


@lookaside(builtins.setattr, arity=3)
def lk_setattr(obj, name, value, /):
    objects.setattr_(obj, _attr_name(name, "setattr"), value)


@lookaside(builtins.delattr, arity=2)
def lk_delattr(obj, name, /):
    objects.delattr_(obj, _attr_name(name, "delattr"))


@lookaside(builtins.callable, arity=1)
def lk_callable(obj, /):
    return callable(obj)


@lookaside(builtins.print, arity=range(0, 1000), kw=('sep', 'end', 'file', 'flush'))
def lk_print(*args, sep=" ", end="\n", file=None, flush=False):
    import io
    print(sep=sep, end="", file=io.StringIO())   # CPython's checks of sep
    print(end=end, file=io.StringIO())
    if file is None:
        file = sys.stdout
        if file is None:
            return None
    write = objects.getattr_(file, "write")
    if sep is None:
        sep = " "
    if end is None:
        end = "\n"
    for i, a in enumerate(args):
        if i:
            call(write, sep)
        call(write, objects.str_(a))
    call(write, end)
    if flush:
        call(objects.getattr_(file, "flush"))
    return None


# --------------------------------------------------------- iteration helpers

class _Cmp:
    """Wraps a Python-class value so native sorting compares it through the
    interpreter (with CPython's reflected-operand rules)."""
    __slots__ = ("v",)

    def __init__(self, v):
        self.v = v

    def __lt__(self, other):
        return objects.compare(self.v, other.v if type(other) is _Cmp else other, 0)

    def __gt__(self, other):
        return objects.compare(self.v, other.v if type(other) is _Cmp else other, 4)


def _cmp_key(key):
    if key is None:
        return lambda x: x if STATIC[type(x)] else _Cmp(x)

    def k(x):
        r = call(key, x)
        return r if STATIC[type(r)] else _Cmp(r)
    return k


@lookaside(builtins.sorted)
def lk_sorted(*args, **kwargs):
    if len(args) == 1:
        items = list(_safe_iterable(args[0]))
        key = kwargs.pop("key", None)
        items.sort(key=_cmp_key(key), **kwargs)
        return items
    return sorted(*args, **kwargs)


def lk_list_sort(self, *args, **kwargs):
    if not args:
        key = kwargs.pop("key", None)
        return self.sort(key=_cmp_key(key), **kwargs)
    return self.sort(*args, **kwargs)


METHOD_LOOKASIDES[(list, "sort")] = lk_list_sort


def _minmax(native):
    def la(*args, **kwargs):
        key = kwargs.pop("key", None)
        if len(args) == 1:
            args = (_safe_iterable(args[0]),)
        return native(*args, key=_cmp_key(key), **kwargs)
    return la


LOOKASIDES[builtins.min] = _minmax(min)
LOOKASIDES[builtins.max] = _minmax(max)


@lookaside(builtins.sum, arity=(1, 2), kw=('start',))
def lk_sum(iterable, /, start=0):
    items = iterable if STATIC[type(iterable)] else iterate(iterable)
    it = iter(items)
    prefix = []
    rest = None
    for x in it:
        if STATIC[type(x)]:
            prefix.append(x)
        else:
            rest = x
            break
    total = sum(prefix, start) if STATIC[type(start)] else _fold(start, prefix)
    if rest is None:
        return total
    total = objects.binary_op(total, rest, 0)
    for x in it:
        total = objects.binary_op(total, x, 0)
    return total


def _fold(start, items):
    if isinstance(start, (str, bytes, bytearray)):
        return sum(items, start)   # CPython's error
    total = start
    for x in items:
        total = objects.binary_op(total, x, 0)
    return total


@lookaside(builtins.any, arity=1)
def lk_any(iterable, /):
    for x in _safe_iterable(iterable):
        if truth(x):
            return True
    return False


@lookaside(builtins.all, arity=1)
def lk_all(iterable, /):
    for x in _safe_iterable(iterable):
        if not truth(x):
            return False
    return True


def _iter_args(native, callbacks=()):
    """Wrap every positional iterable argument (and callbacks at the given
    positions) so native consumption stays interpreted."""
    def la(*args, **kwargs):
        args = tuple(trampoline(a) if i in callbacks else _safe_iterable(a)
                     for i, a in enumerate(args))
        if "key" in kwargs:
            kwargs["key"] = trampoline(kwargs["key"])
        if "func" in kwargs:
            kwargs["func"] = trampoline(kwargs["func"])
        return native(*args, **kwargs)
    la.__name__ = f"lk_{getattr(native, '__name__', 'iter')}"
    return la


for _t in (list, tuple, set, frozenset, enumerate, zip, itertools.chain, itertools.islice,
           itertools.zip_longest, itertools.product, itertools.permutations,
           itertools.combinations, itertools.cycle, itertools.tee, itertools.pairwise,
           itertools.compress, itertools.combinations_with_replacement, bytearray,
           getattr(itertools, "batched", None)):
    if _t is not None:
        LOOKASIDES[_t] = _iter_args(_t)
for _t in (map, filter, itertools.starmap, itertools.takewhile, itertools.dropwhile,
           itertools.filterfalse, functools.reduce):
    LOOKASIDES[_t] = _iter_args(_t, callbacks=(0,))
def _add(a, b):
    return objects.binary_op(a, b, 0)   # interpreted dunders; recorded while differentiating


@lookaside(itertools.accumulate, arity=(1, 2), kw=("func", "initial"))
def lk_accumulate(iterable, func=None, *, initial=None):
    return itertools.accumulate(_safe_iterable(iterable),
                                _add if func is None else trampoline(func), initial=initial)
LOOKASIDES[itertools.groupby] = _iter_args(itertools.groupby, callbacks=(1,))


def lk_str_join(self, iterable, /):
    if STATIC[type(iterable)]:
        return self.join(iterable)
    return self.join(list(iterate(iterable)))


METHOD_LOOKASIDES[(str, "join")] = lk_str_join


@lookaside(dict)
def lk_dict(*args, **kwargs):
    if len(args) == 1 and not STATIC[type(args[0])]:
        m = args[0]
        try:
            keys = objects.getattr_(m, "keys")
        except AttributeError:
            keys = NULL
        if keys is not NULL:
            d = {k: objects.getitem(m, k) for k in iterate(call(keys))}
        else:
            d = dict(iterate(m))
        d.update(kwargs)
        return d
    return dict(*args, **kwargs)


@lookaside(reversed, arity=1)
def lk_reversed(seq, /):
    tp = type(seq)
    if STATIC[tp]:
        return reversed(seq)
    m = lookup(tp, "__reversed__")
    if type(m) is FunctionType:
        return call(m, seq)
    if m is None:
        raise TypeError(f"'{type_name(tp)}' object is not reversible")
    if type(lookup(tp, "__getitem__")) is FunctionType and lookup(tp, "__len__") is not NULL:
        n = objects.len_(seq)
        return (objects.getitem(seq, i) for i in range(n - 1, -1, -1))
    return reversed(seq)


# ------------------------------------------------------------ exec and eval

def _run_source(source, globals_, locals_, mode, fname, closure=None):
    caller = _caller()
    if globals_ is None:
        globals_ = caller.globals
        if locals_ is None:
            locals_ = frame_locals(caller)
    elif locals_ is None:
        locals_ = globals_
    if not isinstance(globals_, dict):
        raise TypeError(f"{fname}() globals must be a dict, not {type(globals_).__name__}")
    if "__builtins__" not in globals_:
        globals_["__builtins__"] = caller.builtins if caller is not None else builtins.__dict__
    if isinstance(source, types.CodeType):
        co = source
    else:
        if isinstance(source, str) and mode == "eval":
            source = source.lstrip(" \t")
        co = compile(source, "<string>", mode)
    b = globals_["__builtins__"]
    if isinstance(b, types.ModuleType):
        b = b.__dict__
    code = decode(co)
    fast = [NULL] * code.nlocalsplus
    func = None
    if co.co_freevars:
        if closure is None:
            raise TypeError("code object requires a closure of exactly the right length")
        func = types.FunctionType(co, globals_, co.co_name, None, closure)
    f = Frame(code, fast, globals_, b, func)
    f.locals = locals_
    return run(f)


@lookaside(builtins.eval, arity=(1, 2, 3))
def lk_eval(source, globals=None, locals=None, /):
    return _run_source(source, globals, locals, "eval", "eval")


@lookaside(builtins.exec, arity=(1, 2, 3), kw=('closure',))
def lk_exec(source, globals=None, locals=None, /, *, closure=None):
    _run_source(source, globals, locals, "exec", "exec", closure)
    return None


# ------------------------------------------------------------------ bcad itself

def lk_is_interpreting():
    return True


def register_bcad(is_interpreting):
    LOOKASIDES[is_interpreting] = lk_is_interpreting


# re.sub/subn with a function replacement call back into Python.
def _re_repl(native, pos):
    def la(*args, **kwargs):
        if len(args) > pos:
            args = args[:pos] + (trampoline(args[pos]),) + args[pos + 1:]
        elif "repl" in kwargs:
            kwargs["repl"] = trampoline(kwargs["repl"])
        return native(*args, **kwargs)
    return la


# operator.attrgetter/itemgetter/methodcaller objects fetch attributes, items
# and methods natively: replay them with interpreted attribute access.
def _getter_parts(fn):
    """The arguments the getter was built with, from its repr-free reduce."""
    return fn.__reduce__()[1]


def _attrgetter_call(fn, args, kwargs):
    if len(args) != 1 or kwargs:
        return fn(*args, **kwargs)
    obj = args[0]
    out = []
    for path in _getter_parts(fn):
        v = obj
        for part in path.split("."):
            v = objects.getattr_(v, part)
        out.append(v)
    return out[0] if len(out) == 1 else tuple(out)


def _itemgetter_call(fn, args, kwargs):
    if len(args) != 1 or kwargs:
        return fn(*args, **kwargs)
    keys = _getter_parts(fn)
    out = [objects.getitem(args[0], k) for k in keys]
    return out[0] if len(out) == 1 else tuple(out)


def _methodcaller_call(fn, args, kwargs):
    if len(args) != 1 or kwargs:
        return fn(*args, **kwargs)
    red = fn.__reduce__()
    if type(red[0]) is functools.partial:   # methodcaller(name, *args, **kw)
        name, margs, mkw = red[0].args[0], red[1], red[0].keywords
    else:                                   # methodcaller(name, *args)
        name, margs, mkw = red[1][0], red[1][1:], {}
    return call_ex(objects.getattr_(args[0], name), margs, mkw)


from .calls import CALLABLE_TYPE_LOOKASIDES  # noqa: E402
import operator as _operator  # noqa: E402
CALLABLE_TYPE_LOOKASIDES[_operator.attrgetter] = _attrgetter_call
CALLABLE_TYPE_LOOKASIDES[_operator.itemgetter] = _itemgetter_call
CALLABLE_TYPE_LOOKASIDES[_operator.methodcaller] = _methodcaller_call


for _fn, _pos in ((re.sub, 1), (re.subn, 1)):
    LOOKASIDES[_fn] = _re_repl(_fn, _pos)


def _pattern_repl(name):
    native = getattr(re.Pattern, name)
    wrapped = _re_repl(native, 1)
    return lambda self, *args, **kwargs: wrapped(self, *args, **kwargs)


METHOD_LOOKASIDES[(re.Pattern, "sub")] = _pattern_repl("sub")
METHOD_LOOKASIDES[(re.Pattern, "subn")] = _pattern_repl("subn")
