"""Object protocols with Python-level dunders routed through the interpreter.

For objects of static (C-defined) types, CPython's own operation is used
directly: no Python code can run.  For instances of heap types (classes
written in Python), the protocol is re-implemented here so that every
Python-level dunder, property and descriptor is *interpreted*, with CPython's
dispatch rules (reflected operands, the subclass priority rule,
NotImplemented, identity fallback of ==, __getattr__ fallback, ...).
"""
import operator
import types

from ..decode import NULL

HEAPTYPE = 1 << 9
FunctionType = types.FunctionType
ModuleType = types.ModuleType

_call = None          # set by calls.py: interpreted call(fn, *args)
# Set while differentiating (transforms/tracking): record what native code
# computes here: (binary(k, a, b), unary(name, v), text_made_from(v, text)).
AD_HOOKS = [None, None, None]


def set_call(fn):
    global _call
    _call = fn


class _Static(dict):
    """type -> True if the type is static (defined in C)."""
    def __missing__(self, tp):
        v = self[tp] = not (tp.__flags__ & HEAPTYPE)
        return v


STATIC = _Static()


def lookup(tp, name):
    """_PyType_Lookup: `name` in the MRO of `tp`, or NULL."""
    for klass in tp.__mro__:
        d = klass.__dict__
        if name in d:
            return d[name]
    return NULL


class _Plain(dict):
    """type -> True when attribute get/set on its instances can run no Python
    code: no Python __getattribute__/__getattr__/__setattr__/__delattr__ and
    no property or Python-level descriptor anywhere in the MRO.

    Computed once per class; interpreted code that mutates a class clears it.
    If native code adds a property to a class later, CPython would still
    compute the right value (the getter would just run natively).
    """
    def __missing__(self, tp):
        v = self[tp] = _compute_plain(tp)
        return v


def _compute_plain(tp):
    if STATIC[tp] or issubclass(tp, type):
        return False
    for name in ("__getattribute__", "__setattr__", "__delattr__"):
        if type(lookup(tp, name)) is FunctionType:
            return False
    if lookup(tp, "__getattr__") is not NULL:
        return False
    for klass in tp.__mro__:
        if STATIC[klass]:
            continue
        for v in klass.__dict__.values():
            vt = type(v)
            if vt is FunctionType or vt is staticmethod or vt is classmethod:
                continue
            if vt is property or not STATIC[vt] and (
                    lookup(vt, "__get__") is not NULL or lookup(vt, "__set__") is not NULL
                    or lookup(vt, "__delete__") is not NULL):
                return False
    return True


PLAIN = _Plain()


class _NativeAttr(dict):
    """type -> True when native getattr/setattr on its instances is exact
    and runs no Python code (static non-type types, and PLAIN classes)."""
    def __missing__(self, tp):
        if STATIC[tp]:
            v = not issubclass(tp, type) and tp is not ModuleType and tp is not super
        else:
            v = PLAIN[tp]
        self[tp] = v
        return v


NATIVE_ATTR = _NativeAttr()


def class_mutated():
    """Interpreted code changed a class: forget what was derived from classes."""
    PLAIN.clear()
    NATIVE_ATTR.clear()


from .state import ON_FIRST_ENTRY  # noqa: E402
ON_FIRST_ENTRY.append(class_mutated)


def type_name(tp):
    """The tp_name CPython prints in error messages."""
    if STATIC[tp]:
        mod = tp.__module__
        if mod and mod != "builtins":
            return f"{mod}.{tp.__qualname__}"
    return tp.__name__


def call_method(m, obj, /, *args, **kwargs):
    """Call a dunder found by `lookup` on `obj`: interpreted when it is Python
    code, natively when it is a C slot; descriptors are bound first."""
    tm = type(m)
    if tm is FunctionType:
        return _call(m, obj, *args, **kwargs)
    if tm is staticmethod:
        return _call(m.__func__, *args, **kwargs)
    if tm is classmethod:
        return _call(m.__func__, type(obj), *args, **kwargs)
    get = lookup(tm, "__get__")
    if get is not NULL and not STATIC[tm]:
        bound = call_method(get, m, obj, type(obj))
        return _call(bound, *args, **kwargs)
    if get is not NULL:
        m = m.__get__(obj, type(obj))
        return _call(m, *args, **kwargs)
    return _call(m, *args, **kwargs)


# ---------------------------------------------------------------- attributes

_property_get = property.__get__
_object_getattribute = object.__getattribute__
_object_setattr = object.__setattr__
_object_delattr = object.__delattr__


def _py_get(tp, descr):
    """Classify descriptor `descr`: None (plain/C, let CPython do it), or a
    callable that yields its value through the interpreter."""
    dt = type(descr)
    if dt is FunctionType or STATIC[dt] and dt is not property:
        return None
    get = lookup(dt, "__get__")
    if get is NULL:
        return None
    if get is _property_get:
        return "property"
    if type(get) is FunctionType:
        return get
    return None


def getattr_(obj, name):
    tp = type(obj)
    if STATIC[tp]:
        if tp is ModuleType:
            d = obj.__dict__
            if name in d:
                return d[name]
            ga = d.get("__getattr__")
            if type(ga) is FunctionType and name not in ("__dict__", "__class__", "__spec__"):
                try:
                    return getattr(obj, name)   # module type attributes (__dict__ ...)
                except AttributeError:
                    return _call(ga, name)
            return getattr(obj, name)
        if issubclass(tp, type):
            return class_getattr(obj, name)
        return getattr(obj, name)
    if issubclass(tp, type):
        return class_getattr(obj, name)
    if PLAIN[tp]:
        return getattr(obj, name)
    ga = lookup(tp, "__getattribute__")
    try:
        if type(ga) is FunctionType:
            return _call(ga, obj, name)
        descr = lookup(tp, name)
        if descr is NULL:
            return ga(obj, name)
        g = _py_get(tp, descr)
        if g is None:
            return ga(obj, name)
        if g == "property":
            fget = descr.fget
            if fget is None:
                return ga(obj, name)
            return _call(fget, obj)
        dt = type(descr)
        if lookup(dt, "__set__") is NULL and lookup(dt, "__delete__") is NULL:
            try:
                d = _object_getattribute(obj, "__dict__")
            except AttributeError:
                d = None
            if d is not None and name in d:
                return d[name]
        return _call(g, descr, obj, tp)
    except AttributeError as e:
        gattr = lookup(tp, "__getattr__")
        if gattr is NULL:
            raise
    return call_method(gattr, obj, name)


def class_getattr(cls, name):
    meta = type(cls)
    if not STATIC[meta]:
        ga = lookup(meta, "__getattribute__")
        if type(ga) is FunctionType:
            return _call(ga, cls, name)
        mattr = lookup(meta, name)
        if mattr is not NULL:
            g = _py_get(meta, mattr)
            if g == "property" and mattr.fget is not None:
                return _call(mattr.fget, cls)
    attr = lookup(cls, name)
    if attr is not NULL:
        g = _py_get(cls, attr)
        if g is not None and g != "property":
            return _call(g, attr, None, cls)
    if STATIC[meta]:
        return getattr(cls, name)
    try:
        return getattr(cls, name)
    except AttributeError:
        gattr = lookup(meta, "__getattr__")
        if type(gattr) is not FunctionType:
            raise
    return _call(gattr, cls, name)


def load_method(obj, name):
    """LOAD_ATTR with the method bit: (function, self) when the attribute is a
    plain function found on the type, else (NULL, attribute)."""
    tp = type(obj)
    if PLAIN[tp]:
        return NULL, getattr(obj, name)
    if not STATIC[tp] and not issubclass(tp, type):
        ga = lookup(tp, "__getattribute__")
        if ga is _object_getattribute:
            descr = lookup(tp, name)
            if type(descr) is FunctionType:
                try:
                    d = obj.__dict__
                except AttributeError:
                    return descr, obj
                if name not in d:
                    return descr, obj
    return NULL, getattr_(obj, name)


def setattr_(obj, name, value):
    tp = type(obj)
    if STATIC[tp]:
        if tp is type:
            class_mutated()
        return setattr(obj, name, value)
    if issubclass(tp, type):
        return _class_setattr(obj, name, value)
    if PLAIN[tp]:
        setattr(obj, name, value)
        return
    sa = lookup(tp, "__setattr__")
    if type(sa) is FunctionType:
        _call(sa, obj, name, value)
        return
    descr = lookup(tp, name)
    if descr is not NULL:
        dt = type(descr)
        if dt is property:
            if descr.fset is not None:
                _call(descr.fset, obj, value)
                return
        elif not STATIC[dt]:
            s = lookup(dt, "__set__")
            if type(s) is FunctionType:
                _call(s, descr, obj, value)
                return
            if s is _property_set and descr.fset is not None:
                _call(descr.fset, obj, value)
                return
    sa(obj, name, value)


_property_set = property.__set__
_property_delete = property.__delete__


def _class_setattr(cls, name, value):
    class_mutated()
    meta = type(cls)
    sa = lookup(meta, "__setattr__")
    if type(sa) is FunctionType:
        _call(sa, cls, name, value)
        return
    setattr(cls, name, value)


def delattr_(obj, name):
    tp = type(obj)
    if STATIC[tp] or issubclass(tp, type):
        if issubclass(tp, type):
            class_mutated()
        if not STATIC[tp]:
            da = lookup(type(obj), "__delattr__")
            if type(da) is FunctionType:
                _call(da, obj, name)
                return
        return delattr(obj, name)
    da = lookup(tp, "__delattr__")
    if type(da) is FunctionType:
        _call(da, obj, name)
        return
    descr = lookup(tp, name)
    if descr is not NULL:
        dt = type(descr)
        if dt is property or (not STATIC[dt] and lookup(dt, "__delete__") is _property_delete):
            if descr.fdel is not None:
                _call(descr.fdel, obj)
                return
        elif not STATIC[dt]:
            dl = lookup(dt, "__delete__")
            if type(dl) is FunctionType:
                _call(dl, descr, obj)
                return
    da(obj, name)


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
    (a function, or any descriptor whose type is a Python class)?"""
    if STATIC[tp]:
        return False
    for n in names:
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
    CPython tries them only after every number slot declined."""
    m = lookup(tp, name)
    if m is None or m in _SEQ_WRAPPERS:
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
    if m is not NULL and m is not None:
        r = _cmp_call(m, a, b)
        if r is not NotImplemented:
            return r
    if not checked_reverse:
        rm = lookup(tb, rop)
        if rm is not NULL and rm is not None:
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


# ------------------------------------------------------------ unary, truth

def truth(v):
    if v is True:
        return True
    if v is False or v is None:
        return False
    tp = type(v)
    if STATIC[tp]:
        return bool(v)
    m = lookup(tp, "__bool__")
    if m is not NULL:
        if type(m) is not FunctionType:
            return bool(v)
        r = _call(m, v)
        if type(r) is not bool:
            raise TypeError(f"__bool__ should return bool, returned {type_name(type(r))}")
        return r
    m = lookup(tp, "__len__")
    if m is not NULL:
        if type(m) is not FunctionType:
            return bool(v)
        return len_result(_call(m, v)) != 0
    return True


_MAXSIZE = (1 << 63) - 1


def len_result(r):
    tr = type(r)
    if tr is int:
        if r < 0:
            raise ValueError("__len__() should return >= 0")
        if r > _MAXSIZE:
            raise OverflowError("cannot fit 'int' into an index-sized integer")
        return r
    if not hasattr(tr, "__index__"):
        raise TypeError(f"'{type_name(tr)}' object cannot be interpreted as an integer")
    r = index_(r)
    if r < 0:
        raise ValueError("__len__() should return >= 0")
    if r > _MAXSIZE:
        raise OverflowError("cannot fit 'int' into an index-sized integer")
    return r


def index_(v):
    tp = type(v)
    if STATIC[tp]:
        return operator.index(v)
    m = lookup(tp, "__index__")
    if type(m) is FunctionType:
        r = _call(m, v)
        if type(r) is not int:
            if isinstance(r, int):
                return r
            raise TypeError(f"__index__ returned non-int (type {type_name(type(r))})")
        return r
    return operator.index(v)


def len_(v):
    tp = type(v)
    if STATIC[tp]:
        return len(v)
    m = lookup(tp, "__len__")
    if type(m) is FunctionType:
        return len_result(_call(m, v))
    return len(v)


_UNARY = {"__neg__": operator.neg, "__pos__": operator.pos, "__invert__": operator.invert,
          "__abs__": abs}
_UNARY_SYM = {"__neg__": "unary -", "__pos__": "unary +", "__invert__": "unary ~",
              "__abs__": "abs()"}


def unary(v, name):
    tp = type(v)
    if not STATIC[tp]:
        m = lookup(tp, name)
        if type(m) is FunctionType:
            return _call(m, v)
    if AD_HOOKS[1] is not None:
        return AD_HOOKS[1](name, v)
    return _UNARY[name](v)


# ------------------------------------------------------------------ iteration

class SeqIter:
    """The old sequence-iteration protocol over a Python-level __getitem__."""
    __slots__ = ("obj", "i")

    def __init__(self, obj):
        self.obj, self.i = obj, 0

    def __iter__(self):
        return self

    def __next__(self):
        if self.obj is None:
            raise StopIteration
        try:
            v = getitem(self.obj, self.i)
        except (IndexError, StopIteration):
            self.obj = None
            raise StopIteration from None
        self.i += 1
        return v


def iter_(v):
    tp = type(v)
    if STATIC[tp]:
        return iter(v)
    m = lookup(tp, "__iter__")
    if m is None:
        raise TypeError(f"'{type_name(tp)}' object is not iterable")
    if type(m) is FunctionType:
        it = _call(m, v)
        if lookup(type(it), "__next__") is NULL:
            raise TypeError(f"iter() returned non-iterator of type '{type_name(type(it))}'")
        return it
    if m is NULL:
        g = lookup(tp, "__getitem__")
        if type(g) is FunctionType:
            return SeqIter(v)
    return iter(v)


def next_(it):
    """next(it) for FOR_ITER; raises StopIteration when exhausted."""
    tp = type(it)
    if STATIC[tp]:
        return next(it)
    m = lookup(tp, "__next__")
    if type(m) is FunctionType:
        return _call(m, it)
    return next(it)


def iterate(v):
    """A native iterator over `v` whose Python-level dunders are interpreted."""
    it = iter_(v)
    if STATIC[type(it)]:
        return it
    return _iterate(it)


def _iterate(it):
    while True:
        try:
            x = next_(it)
        except StopIteration:
            return
        yield x


# ------------------------------------------------------------------ subscript

def getitem(obj, key):
    tp = type(obj)
    if STATIC[tp]:
        if tp is type and not STATIC[obj]:
            m = lookup(obj, "__class_getitem__")
            if type(m) is classmethod and type(m.__func__) is FunctionType:
                return _call(m.__func__, obj, key)
        return obj[key]
    m = lookup(tp, "__getitem__")
    if type(m) is FunctionType:
        return _call(m, obj, key)
    return obj[key]


def setitem(obj, key, value):
    tp = type(obj)
    if not STATIC[tp]:
        m = lookup(tp, "__setitem__")
        if type(m) is FunctionType:
            _call(m, obj, key, value)
            return
    obj[key] = value


def delitem(obj, key):
    tp = type(obj)
    if not STATIC[tp]:
        m = lookup(tp, "__delitem__")
        if type(m) is FunctionType:
            _call(m, obj, key)
            return
    del obj[key]


def contains(container, item):
    tp = type(container)
    if STATIC[tp]:
        return item in container
    m = lookup(tp, "__contains__")
    if m is not NULL:
        if m is None:
            raise TypeError(f"'{type_name(tp)}' object is not a container")
        if type(m) is FunctionType:
            return truth(_call(m, container, item))
        return item in container
    if type(lookup(tp, "__iter__")) is FunctionType or type(lookup(tp, "__getitem__")) is FunctionType:
        for x in iterate(container):
            if x is item or compare_bool(x, item, 2):
                return True
        return False
    return item in container


# ------------------------------------------------------- str, repr, format

def _check_str(r, what):
    if not isinstance(r, str):
        raise TypeError(f"{what} returned non-string (type {type_name(type(r))})")
    return r


def _text(v, r):
    if AD_HOOKS[2] is not None:
        AD_HOOKS[2](v, r)
    return r


def repr_(v):
    tp = type(v)
    if STATIC[tp]:
        return _text(v, repr(v))
    m = lookup(tp, "__repr__")
    if type(m) is FunctionType:
        return _check_str(_call(m, v), "__repr__")
    return repr(v)


_object_str = object.__str__
_object_format = object.__format__


def str_(v):
    tp = type(v)
    if tp is str:
        return v
    if STATIC[tp]:
        return _text(v, str(v))
    m = lookup(tp, "__str__")
    if type(m) is FunctionType:
        return _check_str(_call(m, v), "__str__")
    if m is _object_str:
        return repr_(v)
    return str(v)


def ascii_(v):
    return repr_(v).encode("ascii", "backslashreplace").decode("ascii")


def format_(v, spec=""):
    tp = type(v)
    if tp is str and not spec:
        return v
    if STATIC[tp]:
        return _text(v, format(v, spec))
    m = lookup(tp, "__format__")
    if type(m) is FunctionType:
        r = _call(m, v, spec)
        if not isinstance(r, str):
            raise TypeError(f"__format__ must return a str, not {type_name(type(r))}")
        return r
    if m is _object_format:
        if spec:
            raise TypeError(f"unsupported format string passed to {type_name(tp)}.__format__")
        return str_(v)
    return format(v, spec)


def hash_(v):
    tp = type(v)
    if STATIC[tp]:
        return hash(v)
    m = lookup(tp, "__hash__")
    if m is None:
        raise TypeError(f"unhashable type: '{type_name(tp)}'")
    if type(m) is FunctionType:
        r = _call(m, v)
        if not isinstance(r, int):
            raise TypeError("__hash__ method should return an integer")
        if -(1 << 63) <= r < (1 << 63):
            return -2 if r == -1 else int(r)
        return hash(int(r))
    return hash(v)


# ---------------------------------------------------------------------- super

def super_getattr(s, name):
    """super().name with Python-level descriptors (properties, ...) interpreted."""
    start = s.__thisclass__
    obj = s.__self__
    objtype = s.__self_class__
    if obj is None or name == "__class__":
        return getattr(s, name)
    mro = objtype.__mro__
    try:
        i = mro.index(start) + 1
    except ValueError:
        return getattr(s, name)
    inst = None if obj is objtype else obj
    for klass in mro[i:]:
        d = klass.__dict__
        if name in d:
            res = d[name]
            rt = type(res)
            if rt is FunctionType:
                return res if inst is None else types.MethodType(res, inst)
            g = _py_get(objtype, res)
            if g is None:
                get = lookup(rt, "__get__")
                if get is NULL:
                    return res
                return get(res, inst, objtype)
            if g == "property":
                if inst is None or res.fget is None:
                    return res.__get__(inst, objtype)
                return _call(res.fget, inst)
            return _call(g, res, inst, objtype)
    return getattr(s, name)
