"""exec and eval run their code through the interpreter; bcad's own
is_interpreting."""
import builtins
import types

from ...decode import NULL, decode
from ..calls import LOOKASIDES
from ..frame import new_frame, run
from ._registry import lookaside
from .frames import _caller, frame_locals

FunctionType = types.FunctionType


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
    f = new_frame(code, fast, globals_, b, func)
    f.locals = locals_
    return run(f)


@lookaside(builtins.eval, arity=(1, 2, 3))
def lk_eval(source, globals=None, locals=None, /):
    return _run_source(source, globals, locals, "eval", "eval")


@lookaside(builtins.exec, arity=(1, 2, 3), kw=('closure',))
def lk_exec(source, globals=None, locals=None, /, *, closure=None):
    _run_source(source, globals, locals, "exec", "exec", closure)
    return None


@lookaside(types.FunctionType)
def lk_function(*args, **kwargs):
    """FunctionType(code, globals, ...): when `globals` has no __builtins__,
    CPython gives the function the calling frame's builtins, which natively
    would be bcad's own; lend the interpreted caller's for the call."""
    g = args[1] if len(args) > 1 else kwargs.get("globals")
    caller = _caller()
    if type(g) is not dict or "__builtins__" in g or caller is None \
            or caller.builtins is builtins.__dict__:
        return FunctionType(*args, **kwargs)
    g["__builtins__"] = caller.builtins
    try:
        return FunctionType(*args, **kwargs)
    finally:
        del g["__builtins__"]


# ------------------------------------------------------------------ bcad itself

def lk_is_interpreting():
    return True


def register_bcad(is_interpreting):
    LOOKASIDES[is_interpreting] = lk_is_interpreting
