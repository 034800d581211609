"""What the protocol modules share: type classification (static types,
plain classes), MRO lookup, calling a dunder, type names, and truth."""
import types

from ...decode import NULL

HEAPTYPE = 1 << 9
FunctionType = types.FunctionType
ModuleType = types.ModuleType

_call = None          # set by calls.py (set_call): interpreted call(fn, *args)
# Set while differentiating (transforms/tracking): record what native code
# computes here: (binary(k, a, b), unary(name, v), text_made_from(v, text),
# iterator(iterable, it)).
AD_HOOKS = [None, None, None, None]


def set_call(fn):
    """Install the interpreter's call function in every protocol module."""
    from . import attributes, operators, protocols
    global _call
    _call = fn
    for m in (attributes, operators, protocols):
        m._call = fn


class _Static(dict):
    """type -> True if the type is static (defined in C)."""
    def __missing__(self, tp):
        v = self[tp] = not (tp.__flags__ & HEAPTYPE)
        return v


STATIC = _Static()


class _CBase(dict):
    """type -> the first class of its MRO defined in C: a static type, or a
    heap type made by an extension module (3.11+'s operator.itemgetter,
    3.13's ctypes and decimal types), whose own dict holds C descriptors."""
    def __missing__(self, tp):
        for k in tp.__mro__:
            if STATIC[k] or any(type(v) in _C_DESCRIPTORS for v in k.__dict__.values()):
                self[tp] = k
                return k
        self[tp] = object           # pragma: no cover - object is static
        return object


_C_DESCRIPTORS = (types.WrapperDescriptorType, types.MethodDescriptorType,
                  types.BuiltinFunctionType, types.ClassMethodDescriptorType)
C_BASE = _CBase()


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
        h = HOOKED[tp]
        v = self[tp] = h is not None and not h
        return v


class _Hooked(dict):
    """type -> the names of the attributes of its instances whose get or set
    may run Python code (properties and other Python-level descriptors in
    the MRO), when nothing else can: no Python __getattribute__/__setattr__/
    __delattr__ and no __getattr__; else None.  Getting or setting any other
    attribute natively is exact and runs no Python code (a solver class with
    one property need not take the slow path for all its attributes).  Same
    lifetime as PLAIN."""
    def __missing__(self, tp):
        v = self[tp] = _compute_hooked(tp)
        return v


def _compute_hooked(tp):
    if STATIC[tp] or issubclass(tp, type):
        return None
    for name in ("__getattribute__", "__setattr__", "__delattr__"):
        if type(lookup(tp, name)) is FunctionType:
            return None
    if lookup(tp, "__getattr__") is not NULL:
        return None
    names = set()
    for klass in tp.__mro__:
        if STATIC[klass]:
            continue
        for k, v in klass.__dict__.items():
            vt = type(v)
            if vt is FunctionType or vt is staticmethod or vt is classmethod:
                continue
            if vt is property or not STATIC[vt] and (
                    lookup(vt, "__get__") is not NULL or lookup(vt, "__set__") is not NULL
                    or lookup(vt, "__delete__") is not NULL):
                names.add(k)
    return frozenset(names)


PLAIN = _Plain()
HOOKED = _Hooked()


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


class _NativeName(dict):
    """type -> True when native getattr of attribute `name` on its instances
    is exact and runs no Python code: NATIVE_ATTR's classes, and instances
    of a class whose Python-level descriptors (HOOKED) do not include
    `name` (a solver object with a property: `self.t`, `self.K`).  What
    objects.getattr_ answers for them, asked once per type."""
    __slots__ = ("name",)

    def __init__(self, name):
        super().__init__()
        self.name = name

    def __missing__(self, tp):
        v = False
        if not STATIC[tp] and not issubclass(tp, type):
            if PLAIN[tp]:
                v = True
            else:
                hooked = HOOKED[tp]
                v = hooked is not None and self.name not in hooked
        self[tp] = v
        return v


_NATIVE_NAMES = {}      # attribute name -> its _NativeName


def native_name(name):
    """The _NativeName of attribute `name` (one per name: line blocks keep it)."""
    d = _NATIVE_NAMES.get(name)
    if d is None:
        d = _NATIVE_NAMES[name] = _NativeName(name)
    return d


def class_mutated():
    """Interpreted code changed a class: forget what was derived from classes."""
    PLAIN.clear()
    HOOKED.clear()
    NATIVE_ATTR.clear()
    for d in _NATIVE_NAMES.values():
        d.clear()


from ..state import ON_FIRST_ENTRY  # noqa: E402
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
        if obj is None and tm in _UNBOUND_WITH_SELF:
            # Python-level __get__(None, ...) returns the descriptor itself
            # (None means "no instance" there), where C binds to None
            return _call(m, obj, *args, **kwargs)
        m = m.__get__(obj, type(obj))
        return _call(m, *args, **kwargs)
    return _call(m, *args, **kwargs)


_UNBOUND_WITH_SELF = (types.WrapperDescriptorType, types.MethodDescriptorType)




# ------------------------------------------------------------------ truth

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


from .numbers import index_  # noqa: E402,F401 - CPython's checks live there
