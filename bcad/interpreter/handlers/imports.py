"""Imports, intrinsics and the interactive-mode PRINT_EXPR."""
import sys
import types
import typing

from ...decode import NULL
from .. import objects
from ..calls import call
from ..frame import unsupported
from . import op
from .exceptions import prep_reraise_star


def import_name(f, name, fromlist, level):
    imp = f.builtins.get("__import__", NULL) if type(f.builtins) is dict else \
        getattr(f.builtins, "__import__", NULL)
    if imp is NULL:
        raise ImportError("__import__ not found")
    locals_ = getattr(f, "locals", None)
    if type(imp) is types.FunctionType:
        return call(imp, name, f.globals, locals_, fromlist, level)
    return imp(name, f.globals, locals_, fromlist, level)


@op("IMPORT_NAME")
def IMPORT_NAME(ins):
    nxt, name = ins.next, ins.arg

    def h(f):
        s = f.stack
        fromlist = s.pop()
        level = s[-1]
        s[-1] = import_name(f, name, fromlist, level)
        return nxt
    return h


def import_from(module, name):
    try:
        return objects.getattr_(module, name)
    except AttributeError:
        pass
    pkgname = getattr(module, "__name__", None)
    if isinstance(pkgname, str):
        full = f"{pkgname}.{name}"
        m = sys.modules.get(full)
        if m is not None:
            return m
    else:
        pkgname = "<unknown module name>"
    path = getattr(module, "__file__", None)
    msg = f"cannot import name '{name}' from '{pkgname}'"
    msg += f" ({path})" if path else " (unknown location)"
    raise ImportError(msg, name=pkgname, path=path)


@op("IMPORT_FROM")
def IMPORT_FROM(ins):
    nxt, name = ins.next, ins.arg

    def h(f):
        s = f.stack
        s.append(import_from(s[-1], name))
        return nxt
    return h


def import_star(f, module):
    loc = getattr(f, "locals", None)
    if loc is None:
        raise SystemError("no locals found during 'import *'")
    try:
        names = objects.getattr_(module, "__all__")
        skip_private = False
    except AttributeError:
        names = list(objects.getattr_(module, "__dict__").keys())
        skip_private = True
    for n in names:
        if not isinstance(n, str):
            kind = "__all__" if not skip_private else "__dict__"
            raise TypeError(f"Item in {module.__name__}.{kind} must be str, not {type(n).__name__}")
        if skip_private and n.startswith("_"):
            continue
        objects.setitem(loc, n, objects.getattr_(module, n))


@op("IMPORT_STAR")
def IMPORT_STAR(ins):
    nxt = ins.next

    def h(f):
        import_star(f, f.stack.pop())
        return nxt
    return h


@op("PRINT_EXPR")
def PRINT_EXPR(ins):
    nxt = ins.next

    def h(f):
        sys.displayhook(f.stack.pop())
        return nxt
    return h


# ------------------------------------------------------------------ intrinsics

def _stopiteration_error(f, v):
    flags = f.code.flags
    if isinstance(v, StopIteration):
        kind = "async generator" if flags & 0x200 else "coroutine" if flags & 0x80 else "generator"
        e = RuntimeError(f"{kind} raised StopIteration")
    elif flags & 0x200 and isinstance(v, StopAsyncIteration):
        e = RuntimeError("async generator raised StopAsyncIteration")
    else:
        return v
    e.__cause__ = v
    e.__context__ = v
    return e


def _intrinsic1(f, k, v):
    if k == 1:
        sys.displayhook(v)
        return None
    if k == 2:
        import_star(f, v)
        return None
    if k == 3:
        return _stopiteration_error(f, v)
    if k == 5:
        return objects.unary(v, "__pos__")
    if k == 6:
        return tuple(v)
    if k == 7:
        return typing.TypeVar(v, infer_variance=True)
    if k == 8:
        return typing.ParamSpec(v, infer_variance=True)
    if k == 9:
        return typing.TypeVarTuple(v)
    if k == 10:
        return typing.Generic[v]
    if k == 11:
        # type X = ...: CPython evaluates the value lazily; bcad evaluates it on creation
        name, type_params, compute = v
        return typing.TypeAliasType(name, call(compute), type_params=type_params or ())
    unsupported(f, f"intrinsic function {k} (PEP 695 type parameter syntax)")


def _intrinsic2(f, k, a, b):
    if k == 1:
        return prep_reraise_star(a, b)
    # PEP 695: CPython evaluates bounds and constraints lazily; bcad on creation.
    if k == 2:
        return typing.TypeVar(a, bound=call(b), infer_variance=True)
    if k == 3:
        return typing.TypeVar(a, *call(b), infer_variance=True)
    if k == 4:
        a.__type_params__ = b
        return a
    unsupported(f, f"intrinsic function {k} (PEP 695 type parameter syntax)")


@op("CALL_INTRINSIC_1")
def CALL_INTRINSIC_1(ins):
    nxt, k = ins.next, ins.arg

    def h(f):
        s = f.stack
        s[-1] = _intrinsic1(f, k, s[-1])
        return nxt
    return h


@op("CALL_INTRINSIC_2")
def CALL_INTRINSIC_2(ins):
    nxt, k = ins.next, ins.arg

    def h(f):
        s = f.stack
        b = s.pop()
        s[-1] = _intrinsic2(f, k, s[-1], b)
        return nxt
    return h


@op("EXIT_INIT_CHECK")
def EXIT_INIT_CHECK(ins):
    nxt = ins.next

    def h(f):
        r = f.stack.pop()
        if r is not None:
            raise TypeError(f"__init__() should return None, not '{type(r).__name__}'")
        return nxt
    return h
