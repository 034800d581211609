"""Properties, descriptors, __getattr__/__getattribute__/__setattr__/__delattr__.

PYTEST_DONT_REWRITE: the interpreted bytecode must be plain compiler output.
"""
import functools

from tests.conformance._registry import Registry
from tests.support import assert_same

case = Registry()


class Temp:
    def __init__(self, c):
        self._c = c
        self.log = []

    @property
    def c(self):
        self.log.append("get")
        return self._c

    @c.setter
    def c(self, v):
        self.log.append(("set", v))
        if v < -273:
            raise ValueError("too cold")
        self._c = v

    @c.deleter
    def c(self):
        self.log.append("del")
        del self._c

    @property
    def f(self):
        return self._c * 9 / 5 + 32


class DataDesc:
    """Data descriptor: wins over the instance dict."""

    def __set_name__(self, owner, name):
        self.name = "_" + name

    def __get__(self, obj, objtype=None):
        if obj is None:
            return ("class access", objtype.__name__)
        return ("data", getattr(obj, self.name, None))

    def __set__(self, obj, value):
        setattr(obj, self.name, value * 2)

    def __delete__(self, obj):
        setattr(obj, self.name, "deleted")


class NonDataDesc:
    """Non-data descriptor: instance dict wins."""

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return "non-data"


class Holder:
    d = DataDesc()
    n = NonDataDesc()


class Lazy:
    def __init__(self):
        self.calls = 0

    @functools.cached_property
    def value(self):
        self.calls += 1
        return 42


class GA:
    real = "real"

    def __init__(self):
        self.inst = "inst"

    def __getattr__(self, name):
        if name.startswith("dyn_"):
            return name[4:]
        raise AttributeError("no %s here" % name)


class GAttribute:
    def __init__(self):
        self.log = []
        self.x = 1

    def __getattribute__(self, name):
        if name == "secret":
            return "intercepted"
        log = object.__getattribute__(self, "log")
        log.append(name)
        return object.__getattribute__(self, name)


class Recorder:
    def __init__(self):
        object.__setattr__(self, "events", [])

    def __setattr__(self, name, value):
        self.events.append(("set", name, value))
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        self.events.append(("del", name))
        if name == "protected":
            raise AttributeError("cannot delete protected")
        object.__delattr__(self, name)


class Frozen:
    def __init__(self, v):
        object.__setattr__(self, "v", v)

    def __setattr__(self, name, value):
        raise AttributeError("Frozen is immutable: %s" % name)


@case()
def p_property_get_set_del():
    t = Temp(20)
    a = t.c
    t.c = 30
    b = t.c
    del t.c
    return a, b, hasattr(t, "_c"), t.log


@case()
def p_property_setter_validation():
    t = Temp(0)
    t.c = -300


@case()
def p_readonly_property_set():
    t = Temp(0)
    t.f = 5


@case()
def p_readonly_property_del():
    t = Temp(0)
    del t.f


@case()
def p_property_on_class():
    return type(Temp.c).__name__, Temp.c.fget.__name__, Temp.f.fset is None


@case()
def p_property_computed():
    t = Temp(100)
    return t.f


@case()
def p_property_raises_attribute_error_falls_to_getattr():
    class C:
        @property
        def p(self):
            raise AttributeError("inner")

        def __getattr__(self, name):
            return "fallback for " + name

    return C().p


@case()
def p_property_function_form():
    class C:
        def __init__(self):
            self._v = 1

        def getv(self):
            return self._v

        def setv(self, v):
            self._v = v + 100

        v = property(getv, setv, doc="the v")

    c = C()
    c.v = 5
    return c.v, C.v.__doc__


@case()
def p_local_property_class():
    class Circle:
        def __init__(self, r):
            self.r = r

        @property
        def area(self):
            return 3 * self.r * self.r

        @area.setter
        def area(self, a):
            self.r = int((a / 3) ** 0.5)

    c = Circle(2)
    before = c.area
    c.area = 300
    return before, c.r, c.area


@case()
def p_data_descriptor_precedence():
    h = Holder()
    h.d = 5
    h.__dict__["d"] = "instance dict value"
    return h.d, Holder.d


@case()
def p_data_descriptor_delete():
    h = Holder()
    h.d = 1
    del h.d
    return h.d


@case()
def p_non_data_descriptor_shadowed():
    h = Holder()
    before = h.n
    h.n = "instance"
    after = h.n
    del h.n
    return before, after, h.n, type(Holder.n).__name__


@case()
def p_descriptor_local_class():
    class Typed:
        def __init__(self, kind):
            self.kind = kind

        def __set_name__(self, owner, name):
            self.name = name

        def __get__(self, obj, owner):
            if obj is None:
                return self
            return obj.__dict__[self.name]

        def __set__(self, obj, value):
            if not isinstance(value, self.kind):
                raise TypeError("%s must be %s" % (self.name, self.kind.__name__))
            obj.__dict__[self.name] = value

    class P:
        x = Typed(int)
        name = Typed(str)

    p = P()
    p.x = 3
    p.name = "n"
    try:
        p.x = "bad"
    except TypeError as e:
        return p.x, p.name, str(e)


@case()
def p_function_is_non_data_descriptor():
    class C:
        def m(self):
            return "method"

    c = C()
    c.m = lambda: "shadowed"
    return c.m(), C.m(c), C.__dict__["m"].__get__(c, C)()


@case()
def p_cached_property():
    lz = Lazy()
    return lz.value, lz.value, lz.calls, "value" in lz.__dict__


@case()
def p_classmethod_staticmethod_descriptors():
    class C:
        @classmethod
        def cm(cls):
            return cls.__name__

        @staticmethod
        def sm():
            return "static"

    cm = C.__dict__["cm"]
    sm = C.__dict__["sm"]
    return type(cm).__name__, cm.__get__(None, C)(), type(sm).__name__, sm.__func__()


@case()
def p_getattr_fallback():
    g = GA()
    return g.real, g.inst, g.dyn_hello, getattr(g, "dyn_x"), hasattr(g, "nope"), getattr(g, "nope", "dflt")


@case()
def p_getattr_raises():
    return GA().missing


@case()
def p_getattribute_intercepts():
    g = GAttribute()
    v = (g.x, g.secret)
    log = object.__getattribute__(g, "log")
    return v, list(log)


@case()
def p_setattr_delattr_hooks():
    r = Recorder()
    r.a = 1
    r.b = 2
    r.a += 10
    del r.b
    return r.a, r.events, hasattr(r, "b")


@case()
def p_delattr_raises():
    r = Recorder()
    r.protected = 1
    del r.protected


@case()
def p_frozen_setattr():
    f = Frozen(1)
    f.v = 2


@case()
def p_frozen_via_setattr_builtin():
    f = Frozen(1)
    try:
        setattr(f, "w", 3)
    except AttributeError as e:
        return f.v, str(e)


@case()
def p_getattr_setattr_hasattr_with_properties():
    t = Temp(5)
    r = [getattr(t, "c"), hasattr(t, "c"), hasattr(t, "f")]
    setattr(t, "c", 7)
    r.append(getattr(t, "c"))
    delattr(t, "c")
    r.append(hasattr(t, "c"))
    r.append(getattr(t, "c", "gone"))
    return r, t.log


@case()
def p_hasattr_propagates_non_attribute_errors():
    class C:
        @property
        def p(self):
            raise ValueError("not an attribute error")

    return hasattr(C(), "p")


@case()
def p_getattr_non_string_name():
    return getattr(Temp(1), 5)


@case()
def p_delattr_missing():
    class C:
        pass

    del C().missing


@case()
def p_set_attribute_on_builtin_instance():
    x = 5
    x.foo = 1


@case()
def p_set_attribute_on_object_instance():
    o = object()
    o.foo = 1


@case()
def p_class_attribute_via_descriptor_get_none():
    class D:
        def __get__(self, obj, owner):
            return ("obj is None" if obj is None else "obj", owner.__name__)

    class C:
        attr = D()

    class Sub(C):
        pass

    return C.attr, C().attr, Sub.attr, Sub().attr


@case()
def p_property_in_subclass_override():
    class A:
        @property
        def v(self):
            return "A"

    class B(A):
        @property
        def v(self):
            return "B+" + super().v

    class C(A):
        v = "plain class attr"

    return B().v, C().v


@case()
def p_property_setter_inherited_extension():
    class A:
        def __init__(self):
            self._x = 0

        @property
        def x(self):
            return self._x

        @x.setter
        def x(self, v):
            self._x = v

    class B(A):
        @A.x.setter
        def x(self, v):
            self._x = v * 10

    b = B()
    b.x = 2
    return b.x


@case()
def p_slots_with_property():
    class S:
        __slots__ = ("_v",)

        def __init__(self):
            self._v = 1

        @property
        def v(self):
            return self._v

    s = S()
    return s.v, hasattr(s, "__dict__")


@case()
def p_getattr_called_only_on_miss():
    calls = []

    class C:
        present = 1

        def __getattr__(self, name):
            calls.append(name)
            return 0

    c = C()
    return c.present, c.absent, calls


@case()
def p_instance_dict_manipulation():
    class C:
        pass

    c = C()
    c.__dict__["k"] = "direct"
    c.__dict__.update(m=2)
    return c.k, c.m, sorted(vars(c))


@case()
def p_dunder_dict_class_access():
    class C:
        x = 1

    C.y = 2
    del C.x
    return hasattr(C, "x"), C.y, "y" in C.__dict__


@case()
def p_getattribute_raising_attribute_error_triggers_getattr():
    class C:
        def __getattribute__(self, name):
            if name == "odd":
                raise AttributeError(name)
            return object.__getattribute__(self, name)

        def __getattr__(self, name):
            return "getattr:" + name

    return C().odd


@case()
def p_property_deleter_missing():
    class C:
        @property
        def p(self):
            return 1

        @p.setter
        def p(self, v):
            pass

    c = C()
    c.p = 2
    del c.p


# A class with a property among plain attributes (scipy's OdeSolver has
# `step_size`): its other attributes are read and written natively
# (objects.core.HOOKED), the property's through the interpreter.
class Stepper:
    def __init__(self, t):
        self.t, self.h, self.log = t, 0.5, []

    @property
    def step_size(self):
        self.log.append("step_size")
        return self.h


@case()
def p_hooked_class_plain_and_property_attributes():
    s = Stepper(1.0)
    for _ in range(3):
        s.t = s.t + s.step_size
        s.h = s.h / 2
    return s.t, s.h, s.log, sorted(vars(s))


@case()
def p_hooked_class_missing_attribute():
    s = Stepper(0.0)
    try:
        s.missing
    except AttributeError as e:
        return str(e), s.log


@case()
def p_hooked_class_property_added_later():
    class C:
        @property
        def p(self):
            return "p"

    c = C()
    c.x = 1
    first = c.x
    C.x = property(lambda self: "property x")    # a data descriptor now wins
    second = c.x
    C.y = property(lambda self: "y", lambda self, v: c.__dict__.__setitem__("seen", v))
    c.y = 5
    return first, second, c.y, c.__dict__


@case()
def p_hooked_subclass_shadows_property_with_attribute():
    class Base:
        @property
        def a(self):
            return "base property"

    class Sub(Base):
        a = "class attribute"

    class SubSub(Sub):
        pass

    o = SubSub()
    try:
        o.a = 1                 # Sub.a is a plain attribute: the instance gets one
    except AttributeError as e:
        return "refused", str(e)
    return o.a, Sub.a, vars(o)


@case()
def p_hooked_class_method_and_setattr_on_property_without_setter():
    s = Stepper(2.0)
    bound = s.__init__
    try:
        s.step_size = 3.0
    except AttributeError as e:
        msg = str(e)
    return bound.__name__, msg, s.step_size, s.log


@case()
def p_property_added_after_plain_reads_and_writes():
    # attribute reads and writes of a name no descriptor hooks are native
    # (per type and name, objects.native_name): a property added to the
    # class later must be seen by the same instructions
    class Solver:
        @property
        def step_size(self):
            return 1.0

    def touch(s):
        s.t = s.t + 1           # (the same LOAD_ATTR / STORE_ATTR each time)
        return s.t
    s = Solver()
    s.t = 0
    out = [touch(s), touch(s)]
    Solver.t = property(lambda self: 100, lambda self, v: out.append(("set", v)))
    out.append(touch(s))
    del Solver.t
    out.append(touch(s))
    return out


@case.parametrize()
def test_conformance(fn, args, kwargs):
    assert_same(fn, *args, **kwargs)
