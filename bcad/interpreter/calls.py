"""Call dispatch: what happens when interpreted code calls something.

Order (design-notes section 5):
  1. a Python function or a bound method of one: interpret it;
  2. a lookaside (lookasides/): a replacement that keeps Python-level
     callbacks and dunders interpreted (super, __build_class__, sorted, ...);
  3. a class: type.__call__ emulated, so Python __new__/__init__ (and a
     metaclass __call__) are interpreted;
  4. an object with a Python __call__, a functools.partial: unwrapped;
  5. anything else is C: run natively.  Known C functions that call back
     (map, filter, sorted's key, ...) receive trampolines that re-enter the
     interpreter.
"""
import functools
import types

from ..decode import decode, NULL
from . import objects
from .binding import bind
from .frame import new_frame, run
from .objects import STATIC, C_BASE, lookup, type_name

FunctionType = types.FunctionType
MethodType = types.MethodType
BuiltinFunctionType = types.BuiltinFunctionType
MethodWrapperType = types.MethodWrapperType
WrapperDescriptorType = types.WrapperDescriptorType
partial = functools.partial

CO_GENERATOR, CO_COROUTINE, CO_ITERABLE_COROUTINE, CO_ASYNC_GENERATOR = 0x20, 0x80, 0x100, 0x200
_GEN_FLAGS = CO_GENERATOR | CO_COROUTINE | CO_ITERABLE_COROUTINE | CO_ASYNC_GENERATOR

# Filled by lookasides/: callee -> replacement taking the same arguments.
LOOKASIDES = {}
# (type of __self__, method name) -> replacement taking (self, *args, **kwargs)
METHOD_LOOKASIDES = {}
# type of a callable object -> replacement taking (the object, args, kwargs)
CALLABLE_TYPE_LOOKASIDES = {}


def call_function(func, args, kwargs):
    """Interpret a Python function."""
    co = func.__code__
    code = decode(co)
    if code.native:
        la = LOOKASIDES.get(func)
        if la is not None:
            return la(*args, **(kwargs or {}))
        return func(*args, **(kwargs or {}))
    fast = bind(func, co, code.nlocalsplus, args, kwargs)
    f = new_frame(code, fast, func.__globals__, func.__builtins__, func)
    if co.co_flags & _GEN_FLAGS:
        from .generators import make_generator
        return make_generator(f, func)
    return run(f)


def call(fn, /, *args, **kwargs):
    return call_ex(fn, args, kwargs)


def call_ex(fn, args, kwargs):
    """Call `fn(*args, **kwargs)` from interpreted code."""
    tf = type(fn)
    if tf is FunctionType:
        if AD_CALL[0] is not None and fn in PY_RULES:
            return AD_CALL[0](fn, args, kwargs)
        return call_function(fn, args, kwargs)
    if tf is MethodType:
        func = fn.__func__
        if type(func) is FunctionType:
            return call_function(func, (fn.__self__, *args), kwargs)
        return call_ex(func, (fn.__self__, *args), kwargs)
    if tf is MethodWrapperType and fn.__name__ == "__call__" and _interpreted_call(fn.__self__):
        return call_ex(fn.__self__, args, kwargs)   # f.__call__(...) of a Python callable
    if AD_CALL[0] is not None and tf is not partial and (
            STATIC[tf] or isinstance(fn, type) or C_BASE[tf] is tf):
        return AD_CALL[0](fn, args, kwargs)     # C callables, classes included
    return call_static(fn, tf, args, kwargs)


# Set while differentiating: routes C callables through their derivative
# rules and the checks that refuse untracked dependence (transforms/tracking).
AD_CALL = [None]
# Set while differentiating: sees what interpreted callbacks return to C code.
AD_CALLBACK = [None]
# Callables with a derivative rule (bcad.rules.RULES, installed by the
# differentiation mode): Python functions in it (statistics.mean, ...) are
# not interpreted while differentiating.
PY_RULES = {}


def call_static(fn, tf, args, kwargs):
    """Call a callable whose type is defined in C (or a Python class)."""
    if tf is BuiltinFunctionType:
        self = fn.__self__
        if self is None or type(self) is types.ModuleType:
            la = LOOKASIDES.get(fn)
        else:
            la = METHOD_LOOKASIDES.get((type(self), fn.__name__))
            if la is not None:
                return la(self, *args, **kwargs)
        if la is not None:
            return la(*args, **kwargs)
        return fn(*args, **kwargs)
    if tf is type or issubclass(tf, type):
        la = LOOKASIDES.get(fn) if STATIC[tf] else None   # (3.12+: itertools types are heap types)
        if la is not None:
            return la(*args, **kwargs)
        return instantiate(fn, args, kwargs)
    if tf is partial:
        return call_ex(fn.func, (*fn.args, *args), {**fn.keywords, **kwargs})
    la = CALLABLE_TYPE_LOOKASIDES.get(tf)
    if la is not None:
        return la(fn, args, kwargs)
    if STATIC[tf]:
        if tf is MethodWrapperType and fn.__name__ == "__call__" and isinstance(fn.__self__, type):
            return construct(fn.__self__, args, kwargs)
        if tf is WrapperDescriptorType and fn is type.__call__:
            return construct(args[0], args[1:], kwargs)
        try:
            la = LOOKASIDES.get(fn)
        except TypeError:
            la = None
        if la is not None:
            return la(*args, **kwargs)
        return fn(*args, **kwargs)
    m = lookup(tf, "__call__")
    if m is NULL:
        raise TypeError(f"'{type_name(tf)}' object is not callable")
    return objects.call_method(m, fn, *args, **kwargs)


def instantiate(cls, args, kwargs):
    """type.__call__(cls, ...), honouring a Python metaclass __call__."""
    meta = type(cls)
    if meta is not type:
        mc = lookup(meta, "__call__")
        if type(mc) is FunctionType:
            return call_function(mc, (cls, *args), kwargs)
    return construct(cls, args, kwargs)


_object_new = object.__new__
_object_init = object.__init__


def construct(cls, args, kwargs):
    """The body of type.__call__: __new__ then __init__, interpreted when Python."""
    if cls is type and len(args) == 1 and not kwargs:
        return type(args[0])
    if len(args) == 3 and isinstance(cls, type) and issubclass(cls, type) and \
            type(args[2]) is dict and "__module__" not in args[2]:
        # type.__new__ takes __module__ from the calling frame's globals,
        # which natively is bcad's: give it the interpreted caller's.
        from .state import STATE
        if STATE.frame is not None and "__name__" in STATE.frame.globals:
            args = (args[0], args[1], {"__module__": STATE.frame.globals["__name__"], **args[2]})
    new = lookup(cls, "__new__")
    init = lookup(cls, "__init__")
    py_new = type(new) is staticmethod and type(new.__func__) is FunctionType
    if not py_new and type(init) is not FunctionType:
        return cls(*args, **kwargs)
    if py_new:
        obj = call_function(new.__func__, (cls, *args), kwargs)
    else:
        obj = new(cls, *args, **kwargs)
    if not issubclass(type(obj), cls):
        return obj
    init = lookup(type(obj), "__init__")
    if type(init) is FunctionType:
        r = call_function(init, (obj, *args), kwargs)
        if r is not None:
            raise TypeError(f"__init__() should return None, not '{type_name(type(r))}'")
    else:
        init(obj, *args, **kwargs)
    return obj


# ------------------------------------------------------------------ trampolines

def is_python_callable(fn):
    """Would calling `fn` natively run Python code bcad should interpret?"""
    tf = type(fn)
    if tf is FunctionType or tf is partial:
        return True
    if tf is MethodType:
        return True
    if tf is BuiltinFunctionType:
        return False
    if isinstance(fn, type):
        return not STATIC[fn] or not STATIC[tf]
    return not STATIC[tf]


def _interpreted_call(obj):
    """Is calling `obj` interpreting Python code (not a C __call__)?"""
    to = type(obj)
    return to is FunctionType or to is MethodType or \
        not STATIC[to] and not isinstance(obj, type) and type(lookup(to, "__call__")) is FunctionType


def trampoline(fn):
    """A native callable that runs `fn` through the interpreter."""
    if fn is None or AD_CALL[0] is None and not is_python_callable(fn):
        return fn      # (while differentiating, C callbacks need their rules too)
    return Trampoline(fn)


class Trampoline:
    """What C code receives instead of a Python callable (map's function,
    sorted's key, ...): calling it re-enters the interpreter.  It pickles as
    what it stands for (pickle.dumps(map(f, xs)) loads back a map calling f)."""
    __slots__ = ("__wrapped__",)

    def __init__(self, fn):
        self.__wrapped__ = fn

    def __call__(self, *args, **kwargs):
        from . import callback_entry
        r = callback_entry(self.__wrapped__, args, kwargs)
        if AD_CALLBACK[0] is not None:
            AD_CALLBACK[0](r)       # what C code receives from the callback
        return r

    def __reduce_ex__(self, protocol):
        # Unpickles as the callable's own __call__: equivalent to calling it.
        return getattr, (self.__wrapped__, "__call__")

    def __repr__(self):
        return repr(self.__wrapped__)


objects.set_call(call)
