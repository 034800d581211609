"""int(), float(), complex() and operator.index() of instances of Python
classes: CPython's PyNumber_Long, PyNumber_Float, complex_new and
PyNumber_Index with the conversion dunders interpreted.

CPython checks what a dunder returns: the exact type is returned as is, a
strict subclass draws a DeprecationWarning and is copied to the exact type,
anything else is a TypeError. The first dunder found decides; a C slot
(inherited from int, float or complex) means the native conversion, which
then runs no Python code.
"""
import operator
import types
import warnings

from ...decode import NULL
from .core import STATIC, lookup, call_method, type_name

FunctionType = types.FunctionType

_DEPRECATED = ("{}  The ability to return an instance of a strict subclass of {} is "
               "deprecated, and may be removed in a future version of Python.")


def _checked(r, exact, what):
    """`r`, returned by a dunder that must return `exact` (`what` names it
    in CPython's messages), as CPython checks it; a subclass is kept."""
    if type(r) is exact:
        return r
    msg = f"{what} returned non-{exact.__name__} (type {type_name(type(r))})"
    if not isinstance(r, exact):
        raise TypeError(msg)
    # stacklevel 1 is what C code passes: the warning's location is the caller
    warnings.warn(_DEPRECATED.format(msg + ".", exact.__name__), DeprecationWarning)
    return r


def _python_dunder(tp, name):
    """The Python function implementing `name` for `tp`; False if a C slot
    implements it, None if `tp` has no such dunder."""
    m = lookup(tp, name)
    if m is NULL:
        return None
    return m if type(m) is FunctionType else False


def index_(v):
    """operator.index(v) (an int subclass is taken as it is: copied, its
    __index__ not called)."""
    tp = type(v)
    if STATIC[tp]:
        return operator.index(v)
    if isinstance(v, int):
        return int.__int__(v)
    m = _python_dunder(tp, "__index__")
    if not m:
        return operator.index(v)            # a C __index__, or CPython's TypeError
    r = _checked(call_method(m, v), int, "__index__")
    return r if type(r) is int else int.__int__(r)


def float_(x):
    """float(x) for one argument."""
    tp = type(x)
    m = _python_dunder(tp, "__float__")
    if m:
        r = _checked(call_method(m, x), float, f"{type_name(tp)}.__float__")
        return r if type(r) is float else float.__float__(r)
    if m is None and _python_dunder(tp, "__index__"):
        return float(index_(x))
    return float(x)


def int_(x):
    """int(x) for one argument."""
    tp = type(x)
    m = _python_dunder(tp, "__int__")
    if m:
        r = _checked(call_method(m, x), int, "__int__")
        return r if type(r) is int else int.__int__(r)
    if m is None and _python_dunder(tp, "__index__"):
        return index_(x)
    if m is None and lookup(tp, "__index__") is NULL and _python_dunder(tp, "__trunc__"):
        return _trunc(x)
    return int(x)


def _trunc(x):
    warnings.warn("The delegation of int() to __trunc__ is deprecated.", DeprecationWarning)
    r = call_method(lookup(type(x), "__trunc__"), x)
    if isinstance(r, int):
        return r if type(r) is int else int.__int__(r)
    if lookup(type(r), "__index__") is NULL:
        raise TypeError(f"__trunc__ returned non-Integral (type {type_name(type(r))})")
    return index_(r)


def complex_(x):
    """complex(x) for one argument."""
    tp = type(x)
    if isinstance(x, str):
        return complex(x)                   # parsed, whatever its dunders
    m = _python_dunder(tp, "__complex__")
    if m:
        r = _checked(call_method(m, x), complex, "__complex__")
        if type(r) is complex:
            return r
        return complex(complex.real.__get__(r), complex.imag.__get__(r))
    if m is None and not isinstance(x, complex):
        f = _python_dunder(tp, "__float__")
        if f or (f is None and _python_dunder(tp, "__index__")):
            return complex(float_(x), 0.0)
    return complex(x)
