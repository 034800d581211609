"""Binary and in-place operators (reflected operands, the subclass rule,
NotImplemented, sequence concat/repeat), comparisons and unary operators."""
import operator

from ...decode import NULL
from .core import STATIC, AD_HOOKS, FunctionType, lookup, type_name, call_method, truth, index_

_call = None          # installed by core.set_call


# ----------------------------------------------------------- binary operators

# BINARY_OP argument -> (symbol, method, reflected method, native function)
_BIN = [
    ("+", "__add__", "__radd__", operator.add),
    ("&", "__and__", "__rand__", operator.and_),
    ("//", "__floordiv__", "__rfloordiv__", operator.floordiv),
    ("<<", "__lshift__", "__rlshift__", operator.lshift),
    ("@", "__matmul__", "__rmatmul__", operator.matmul),
    ("*", "__mul__", "__rmul__", operator.mul),
    ("%", "__mod__", "__rmod__", operator.mod),
    ("|", "__or__", "__ror__", operator.or_),
    ("**", "__pow__", "__rpow__", operator.pow),
    (">>", "__rshift__", "__rrshift__", operator.rshift),
    ("-", "__sub__", "__rsub__", operator.sub),
    ("/", "__truediv__", "__rtruediv__", operator.truediv),
    ("^", "__xor__", "__rxor__", operator.xor),
]
_INPLACE = [
    ("+=", "__iadd__", operator.iadd), ("&=", "__iand__", operator.iand),
    ("//=", "__ifloordiv__", operator.ifloordiv), ("<<=", "__ilshift__", operator.ilshift),
    ("@=", "__imatmul__", operator.imatmul), ("*=", "__imul__", operator.imul),
    ("%=", "__imod__", operator.imod), ("|=", "__ior__", operator.ior),
    ("**=", "__ipow__", operator.ipow), (">>=", "__irshift__", operator.irshift),
    ("-=", "__isub__", operator.isub), ("/=", "__itruediv__", operator.itruediv),
    ("^=", "__ixor__", operator.ixor),
]
NATIVE_BINARY = [b[3] for b in _BIN] + [i[2] for i in _INPLACE]


def _has_python(tp, *names):
    """Does a Python-level implementation of one of `names` exist on `tp`
    (a function, or any descriptor whose type is a Python class)?  numpy's
    operators call a class's `__array_ufunc__` from C: it counts."""
    if STATIC[tp]:
        return False
    for n in (*names, "__array_ufunc__"):
        m = lookup(tp, n)
        if type(m) is FunctionType or (m is not NULL and not STATIC[type(m)]):
            return True
    return False


_WrapperDescriptor = type(object.__init__)
_SEQ_WRAPPERS = frozenset(
    lookup(t, n) for t in (list, tuple, str, bytes, bytearray)
    for n in ("__add__", "__mul__", "__rmul__", "__iadd__", "__imul__") if lookup(t, n) is not NULL)


def _number_slot(tp, name):
    """The number-protocol method `name` of `tp`, or NULL.  The sequence
    concat/repeat slots of list, str, ... show up as __add__/__mul__ too, but
    CPython tries them only after every number slot declined.  A dunder set
    to None is there: calling it raises TypeError, as in CPython."""
    m = lookup(tp, name)
    if m in _SEQ_WRAPPERS:
        return NULL
    return m


def _binary_numbers(a, b, op, rop):
    """binary_op1: the number slots, reflected-subclass rule first."""
    ta, tb = type(a), type(b)
    reflected_done = False
    if ta is not tb and issubclass(tb, ta):
        rm = _number_slot(tb, rop)
        if rm is not NULL and rm is not _number_slot(ta, rop):
            r = call_method(rm, b, a)
            if r is not NotImplemented:
                return r
            reflected_done = True
    m = _number_slot(ta, op)
    if m is not NULL:
        r = call_method(m, a, b)
        if r is not NotImplemented:
            return r
    if ta is not tb and not reflected_done:
        rm = _number_slot(tb, rop)
        if rm is not NULL:
            r = call_method(rm, b, a)
            if r is not NotImplemented:
                return r
    return NotImplemented


def _repeat(seq, n, method):
    tn = type(n)
    if lookup(tn, "__index__") is NULL:
        raise TypeError(f"can't multiply sequence by non-int of type '{type_name(tn)}'")
    return method(seq, index_(n))


def _seq_method(tp, names):
    for name in names:
        m = lookup(tp, name)
        if m in _SEQ_WRAPPERS:
            return m
    return NULL


def _binary_error(symbol, a, b):
    return TypeError(f"unsupported operand type(s) for {symbol}: "
                     f"'{type_name(type(a))}' and '{type_name(type(b))}'")


def _binary(a, b, k, symbol):
    _, op, rop, native = _BIN[k]
    return binary_op_named(a, b, op, rop, symbol, native, k)


def binary_op_named(a, b, op, rop, symbol, native, k=None):
    """CPython's PyNumber_* for dunders `op`/`rop` with Python-level methods
    interpreted: number slots, then sequence concat/repeat, then TypeError."""
    ta, tb = type(a), type(b)
    if not _has_python(ta, op, rop) and not _has_python(tb, op, rop):
        return native(a, b) if AD_HOOKS[0] is None or k is None else AD_HOOKS[0](k, a, b)
    r = _binary_numbers(a, b, op, rop)
    if r is not NotImplemented:
        return r
    if k == 0:
        m = _seq_method(ta, ("__add__",))
        if m is not NULL:
            return m(a, b)
    elif k == 5:
        m = _seq_method(ta, ("__mul__",))
        if m is not NULL:
            return _repeat(a, b, m)
        m = _seq_method(tb, ("__mul__",))
        if m is not NULL:
            return _repeat(b, a, m)
    if k == 8:
        raise _binary_error("** or pow()", a, b)
    raise _binary_error(symbol, a, b)


def binary_op(a, b, k):
    """BINARY_OP with argument `k` (0..12 binary, 13..25 in-place)."""
    if k < 13:
        return _binary(a, b, k, _BIN[k][0])
    sym, iop, native = _INPLACE[k - 13]
    _, op, rop, _n = _BIN[k - 13]
    ta = type(a)
    if not _has_python(ta, iop, op, rop) and not _has_python(type(b), op, rop):
        return native(a, b) if AD_HOOKS[0] is None else AD_HOOKS[0](k, a, b)
    m = _number_slot(ta, iop)
    if m is not NULL:
        r = call_method(m, a, b)
        if r is not NotImplemented:
            return r
    r = _binary_numbers(a, b, op, rop)
    if r is not NotImplemented:
        return r
    if k == 13:
        m = _seq_method(ta, ("__iadd__", "__add__"))
        if m is not NULL:
            return m(a, b)
    elif k == 18:
        m = _seq_method(ta, ("__imul__", "__mul__"))
        if m is not NULL:
            return _repeat(a, b, m)
        m = _seq_method(type(b), ("__mul__",))
        if m is not NULL:
            return _repeat(b, a, m)
    if k == 21:
        raise _binary_error("**=", a, b)
    raise _binary_error(sym, a, b)


# ------------------------------------------------------------------- compare

_CMP = [
    ("<", "__lt__", "__gt__", operator.lt),
    ("<=", "__le__", "__ge__", operator.le),
    ("==", "__eq__", "__eq__", operator.eq),
    ("!=", "__ne__", "__ne__", operator.ne),
    (">", "__gt__", "__lt__", operator.gt),
    (">=", "__ge__", "__le__", operator.ge),
]
NATIVE_COMPARE = [c[3] for c in _CMP]
_object_ne = object.__ne__


def _cmp_call(m, a, b):
    if m is _object_ne:
        eq = lookup(type(a), "__eq__")
        r = _cmp_call(eq, a, b)
        if r is NotImplemented:
            return r
        return not truth(r)
    return call_method(m, a, b)


def compare(a, b, k):
    sym, op, rop, native = _CMP[k]
    ta, tb = type(a), type(b)
    if STATIC[ta] and STATIC[tb]:
        return native(a, b)
    if not _has_python(ta, op, rop, "__eq__") and not _has_python(tb, op, rop, "__eq__"):
        return native(a, b)
    checked_reverse = False
    if ta is not tb and issubclass(tb, ta):
        rm = lookup(tb, rop)
        if rm is not NULL:
            checked_reverse = True
            r = _cmp_call(rm, b, a)
            if r is not NotImplemented:
                return r
    m = lookup(ta, op)
    if m is not NULL:
        r = _cmp_call(m, a, b)
        if r is not NotImplemented:
            return r
    if not checked_reverse:
        rm = lookup(tb, rop)
        if rm is not NULL:
            r = _cmp_call(rm, b, a)
            if r is not NotImplemented:
                return r
    if k == 2:
        return a is b
    if k == 3:
        return a is not b
    raise TypeError(f"'{sym}' not supported between instances of "
                    f"'{type_name(ta)}' and '{type_name(tb)}'")


def compare_bool(a, b, k):
    """PyObject_RichCompareBool: identity implies equality."""
    if a is b:
        if k == 2:
            return True
        if k == 3:
            return False
    return truth(compare(a, b, k))



NATIVE_UNARY = {"__neg__": operator.neg, "__pos__": operator.pos, "__invert__": operator.invert,
          "__abs__": abs}
UNARY_SYMBOL = {"__neg__": "unary -", "__pos__": "unary +", "__invert__": "unary ~",
              "__abs__": "abs()"}


def unary(v, name):
    tp = type(v)
    if not STATIC[tp]:
        m = lookup(tp, name)
        if type(m) is FunctionType:
            return _call(m, v)
    if AD_HOOKS[1] is not None:
        return AD_HOOKS[1](name, v)
    return NATIVE_UNARY[name](v)
