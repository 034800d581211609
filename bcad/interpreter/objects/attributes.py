"""Attribute access with Python-level descriptors, properties and
__getattribute__/__getattr__/__setattr__ interpreted; super() lookups."""
import types

from ...decode import NULL
from .core import STATIC, PLAIN, HOOKED, FunctionType, ModuleType, lookup, call_method, class_mutated

_call = None          # installed by core.set_call


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
    hooked = HOOKED[tp]
    if hooked is not None and name not in hooked:
        return getattr(obj, name)       # (no Python code on the way: exact)
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
    except AttributeError:
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
    hooked = HOOKED[tp]
    if hooked is not None and name not in hooked:
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
    hooked = HOOKED[tp]
    if hooked is not None and name not in hooked:
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
