"""super() without arguments, __build_class__ (class statements), and
isinstance/issubclass honouring Python-level __instancecheck__/__subclasscheck__."""
import builtins
import types

from ...decode import NULL, decode
from .. import objects
from ..calls import call, call_ex
from ..frame import new_frame, run
from ..objects import lookup, truth, type_name
from ._registry import lookaside
from .frames import _caller

FunctionType = types.FunctionType


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
    f = new_frame(code, [NULL] * code.nlocalsplus, func.__globals__, func.__builtins__, func)
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
