"""Lookasides that need the interpreted frame: locals(), globals(), vars(),
dir(), sys._getframe, sys.exc_info/exception, the recursion limit."""
import builtins
import sys
import types

from ...decode import NULL
from ...decode.decoder import localsplus_names
from .. import objects
from ..calls import call
from ..objects import lookup, iterate
from ..state import STATE, current_handled, set_user_recursion_limit
from ._registry import lookaside

FunctionType = types.FunctionType


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
