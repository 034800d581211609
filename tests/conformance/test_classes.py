"""Class bodies, inheritance, super(), __init__/__new__/__call__, type(), isinstance.

PYTEST_DONT_REWRITE: the interpreted bytecode must be plain compiler output.
"""
from tests.conformance._registry import Registry
from tests.support import assert_same

case = Registry()


class Base:
    tag = "base"

    def __init__(self, x):
        self.x = x

    def who(self):
        return "Base"

    def describe(self):
        return "%s(%r)" % (self.who(), self.x)

    @classmethod
    def make(cls, *args):
        return cls(*args)


class Child(Base):
    tag = "child"

    def __init__(self, x, y):
        super().__init__(x)
        self.y = y

    def who(self):
        return "Child<" + super().who() + ">"

    @classmethod
    def make(cls, x):
        obj = super().make(x, "y-default")
        return obj


class GrandChild(Child):
    def __init__(self, x, y, z):
        super().__init__(x, y)
        self.z = z

    def who(self):
        return "Grand<" + super().who() + ">"


class _Counted:
    created = 0

    def __new__(cls, *args, **kw):
        inst = super().__new__(cls)
        inst.new_args = (args, kw)
        return inst

    def __init__(self, a, b=0):
        self.a, self.b = a, b


# ---------------------------------------------------------------- class bodies
@case()
def k_class_attrs_and_methods():
    class C:
        a = 1
        b = a + 1

        def m(self):
            return self.a + self.b

    return C.a, C.b, C().m(), C.__name__, C.__qualname__


@case()
def k_class_body_executes_statements():
    log = []

    class C:
        log.append("body")
        for i in range(3):
            log.append(i)
        total = sum(range(4))

    return log, C.total, C.i


@case()
def k_methods_reference_class_name():
    class Node:
        count = 0

        def __init__(self):
            Node.count += 1

        @staticmethod
        def make_two():
            return [Node(), Node()]

    Node.make_two()
    Node()
    return Node.count


@case()
def k_nested_classes_qualname():
    class Outer:
        class Inner:
            class Deepest:
                def m(self):
                    return 1

    return (Outer.__qualname__, Outer.Inner.__qualname__, Outer.Inner.Deepest.__qualname__,
            Outer.Inner.Deepest.m.__qualname__, Outer.Inner.__name__)


@case()
def k_method_qualname_and_module():
    class C:
        def m(self):
            pass

    return C.m.__qualname__, C.__module__, C.m.__module__


@case()
def k_class_doc_and_dict_keys():
    class C:
        "the doc"
        a = 1

        def m(self):
            pass

    return C.__doc__, sorted(k for k in C.__dict__ if not k.startswith("__")), "__module__" in C.__dict__


@case()
def k_instance_vs_class_attribute():
    class C:
        v = "class"

    c = C()
    before = c.v
    c.v = "inst"
    r = (before, c.v, C.v)
    del c.v
    return r, c.v, vars(c)


@case()
def k_mutable_class_attribute_shared():
    class C:
        items = []

        def add(self, v):
            self.items.append(v)

    a, b = C(), C()
    a.add(1)
    b.add(2)
    return C.items, a.items is b.items


@case()
def k_class_attribute_augmented_via_instance():
    class C:
        n = 0

    c = C()
    c.n += 5
    return C.n, c.n


@case()
def k_dynamic_attribute_and_vars():
    class C:
        pass

    c = C()
    c.a = 1
    setattr(c, "b", 2)
    return vars(c), c.__dict__ == {"a": 1, "b": 2}


@case()
def k_class_body_uses_function_local():
    factor = 3

    class C:
        v = factor * 2

        def m(self):
            return factor

    return C.v, C().m()


@case()
def k_class_in_loop_distinct():
    classes = []
    for i in range(3):
        class C:
            val = i
        classes.append(C)
    return [c.val for c in classes], classes[0] is classes[1]


@case()
def k_slots():
    class P:
        __slots__ = ("x", "y")

        def __init__(self):
            self.x = 1

    p = P()
    p.y = 2
    try:
        p.z = 3
    except AttributeError as e:
        return p.x, p.y, str(e)


@case()
def k_slots_unset_attribute():
    class P:
        __slots__ = ("x",)

    return P().x


@case()
def k_missing_attribute_error():
    class C:
        pass

    return C().nope


@case()
def k_missing_class_attribute_error():
    class C:
        pass

    return C.nope


# ---------------------------------------------------------------- inheritance / super
@case()
def k_super_in_init():
    c = Child(1, 2)
    return c.x, c.y, c.describe()


@case()
def k_super_multilevel():
    g = GrandChild(1, 2, 3)
    return g.x, g.y, g.z, g.describe(), g.tag


@case()
def k_super_in_classmethod():
    c = Child.make(7)
    return type(c).__name__, c.x, c.y


@case()
def k_super_local_classes():
    class A:
        def f(self):
            return ["A"]

    class B(A):
        def f(self):
            return ["B"] + super().f()

    class C(B):
        def f(self):
            return ["C"] + super().f()

    return C().f()


@case()
def k_super_diamond_mro():
    class A:
        def f(self):
            return ["A"]

    class B(A):
        def f(self):
            return ["B"] + super().f()

    class C(A):
        def f(self):
            return ["C"] + super().f()

    class D(B, C):
        def f(self):
            return ["D"] + super().f()

    return D().f(), [k.__name__ for k in D.__mro__]


@case()
def k_super_explicit_two_arg():
    class A:
        def f(self):
            return "A"

    class B(A):
        def f(self):
            return "B" + super(B, self).f()

    return B().f()


@case()
def k_super_in_classmethod_local():
    class A:
        @classmethod
        def create(cls):
            return "A.create(%s)" % cls.__name__

    class B(A):
        @classmethod
        def create(cls):
            return "B>" + super().create()

    return B.create()


@case()
def k_super_in_staticmethod_fails():
    class A:
        @staticmethod
        def s():
            return super().s()

    try:
        A.s()
    except RuntimeError as e:
        return type(e).__name__, str(e)


@case()
def k_super_attribute_lookup():
    class A:
        val = "A.val"

    class B(A):
        val = "B.val"

        def get(self):
            return super().val, self.val

    return B().get()


@case()
def k_super_in_property():
    class A:
        @property
        def p(self):
            return 1

    class B(A):
        @property
        def p(self):
            return super().p + 10

    return B().p


@case()
def k_super_in_nested_function_via_class_cell():
    class A:
        def f(self):
            return "A"

    class B(A):
        def f(self):
            def helper():
                return super(B, self).f()
            return "B" + helper()

    return B().f()


@case()
def k_class_cell():
    class C:
        def which(self):
            return __class__.__name__

    class D(C):
        pass

    return D().which()


@case()
def k_super_missing_method():
    class A:
        pass

    class B(A):
        def f(self):
            return super().f()

    return B().f()


@case()
def k_method_override_and_inherit():
    class A:
        def a(self):
            return "A.a"

        def b(self):
            return "A.b"

    class B(A):
        def b(self):
            return "B.b"

    x = B()
    return x.a(), x.b(), A.b(x)


@case()
def k_init_subclass():
    registry = []

    class Plugin:
        def __init_subclass__(cls, name=None, **kw):
            super().__init_subclass__(**kw)
            registry.append((cls.__name__, name))

    class P1(Plugin, name="one"):
        pass

    class P2(Plugin):
        pass

    return registry


@case()
def k_set_name():
    class Field:
        def __set_name__(self, owner, name):
            self.name = owner.__name__ + "." + name

    class M:
        a = Field()
        b = Field()

    return M.a.name, M.b.name


@case()
def k_metaclass_simple():
    class Meta(type):
        def __new__(mcls, name, bases, ns):
            ns["added"] = name.lower()
            return super().__new__(mcls, name, bases, ns)

        def __call__(cls, *a):
            inst = super().__call__(*a)
            inst.via_meta = True
            return inst

    class Thing(metaclass=Meta):
        def __init__(self, v):
            self.v = v

    t = Thing(3)
    return Thing.added, t.v, t.via_meta, type(Thing).__name__


@case()
def k_metaclass_prepare():
    class Meta(type):
        @classmethod
        def __prepare__(mcls, name, bases):
            return {"injected": 42}

    class C(metaclass=Meta):
        seen = injected  # noqa: F821

    return C.seen


@case()
def k_class_keyword_bases_from_tuple():
    class A:
        pass

    class B:
        pass

    bases = (A, B)

    class C(*bases):
        pass

    return [b.__name__ for b in C.__bases__]


# ---------------------------------------------------------------- __new__ / __init__ / __call__
@case()
def k_new_and_init():
    c = _Counted(1, b=2)
    return c.new_args, c.a, c.b


@case()
def k_new_returning_other_type_skips_init():
    log = []

    class C:
        def __new__(cls):
            log.append("new")
            return 42

        def __init__(self):
            log.append("init")

    return C(), log


@case()
def k_new_singleton():
    class S:
        _inst = None

        def __new__(cls):
            if cls._inst is None:
                cls._inst = super().__new__(cls)
            return cls._inst

    return S() is S()


@case()
def k_init_returning_value_error():
    class C:
        def __init__(self):
            return 5

    return C()


@case()
def k_call_dunder():
    class Adder:
        def __init__(self, n):
            self.n = n

        def __call__(self, x, *, times=1):
            return (self.n + x) * times

    a = Adder(3)
    return a(4), a(1, times=3), callable(a), callable(Adder)


@case()
def k_call_missing_args():
    class F:
        def __call__(self, x):
            return x

    return F()()


@case()
def k_not_callable_instance():
    class C:
        pass

    return C()()


@case()
def k_init_wrong_args_message():
    class C:
        def __init__(self, a):
            pass

    return C(1, 2)


@case()
def k_object_init_takes_no_args():
    class C:
        pass

    return C(1)


@case()
def k_int_subclass():
    class MyInt(int):
        def double(self):
            return MyInt(self * 2)

    m = MyInt(21)
    return m.double() + 0, isinstance(m, int), m + 1, type(m + 1).__name__


@case()
def k_list_subclass():
    class Stack(list):
        def push(self, v):
            self.append(v)

        def peek(self):
            return self[-1]

    s = Stack([1])
    s.push(2)
    return list(s), s.peek(), len(s)


@case()
def k_dict_subclass_missing():
    class D(dict):
        def __missing__(self, key):
            return key * 2

    d = D(a=1)
    return d["a"], d["zz"], d.get("zz"), "zz" in d


@case()
def k_exception_subclass_with_init():
    class MyErr(Exception):
        def __init__(self, code):
            super().__init__("code %d" % code)
            self.code = code

    try:
        raise MyErr(7)
    except MyErr as e:
        return e.code, e.args, str(e)


# ---------------------------------------------------------------- type(), isinstance, issubclass
@case()
def k_type_three_args():
    def m(self):
        return self.v * 2

    T = type("T", (object,), {"v": 21, "m": m})
    return T.__name__, T().m(), T.__qualname__


@case()
def k_type_three_args_with_base():
    B = type("B", (Base,), {"who": lambda self: "B"})
    b = B(5)
    return b.describe(), isinstance(b, Base), B.__mro__[1].__name__


@case()
def k_type_of_instance():
    return type(Child(1, 2)).__name__, type(Child(1, 2)) is Child, type(3) is int


@case()
def k_isinstance_issubclass():
    c, g = Child(1, 2), GrandChild(1, 2, 3)
    return (isinstance(c, Base), isinstance(c, GrandChild), isinstance(g, (int, Child)),
            issubclass(GrandChild, Base), issubclass(Base, Child), issubclass(Child, (str, Base)),
            issubclass(bool, int), isinstance(True, int))


@case()
def k_isinstance_local_classes():
    class A:
        pass

    class B(A):
        pass

    return isinstance(B(), A), isinstance(A(), B), issubclass(B, object)


@case()
def k_instancecheck_hook():
    class Meta(type):
        def __instancecheck__(cls, inst):
            return inst == "special"

        def __subclasscheck__(cls, sub):
            return sub is int

    class Magic(metaclass=Meta):
        pass

    return isinstance("special", Magic), isinstance(3, Magic), issubclass(int, Magic), issubclass(str, Magic)


@case()
def k_isinstance_bad_arg():
    return isinstance(1, "int")


@case()
def k_issubclass_bad_arg():
    return issubclass(1, int)


@case()
def k_mro_names():
    return [c.__name__ for c in GrandChild.__mro__], [c.__name__ for c in GrandChild.__bases__]


@case()
def k_inconsistent_mro():
    class A:
        pass

    class B(A):
        pass

    class C(A, B):
        pass

    return C


@case()
def k_class_decorator():
    def register(cls):
        cls.registered = True
        return cls

    def add_method(cls):
        cls.hello = lambda self: "hello from " + type(self).__name__
        return cls

    @register
    @add_method
    class C:
        pass

    return C.registered, C().hello()


@case()
def k_class_decorator_replaces():
    def to_name(cls):
        return cls.__name__ + "!"

    @to_name
    class Foo:
        pass

    return Foo


@case()
def k_classmethod_alternate_constructor():
    class Point:
        def __init__(self, x, y):
            self.x, self.y = x, y

        @classmethod
        def origin(cls):
            return cls(0, 0)

        def __repr__(self):
            return "Point(%r, %r)" % (self.x, self.y)

    class Point3(Point):
        pass

    return repr(Point.origin()), type(Point3.origin()).__name__


@case()
def k_staticmethod_via_instance_and_class():
    class C:
        @staticmethod
        def s(a=1):
            return a * 3

    return C.s(), C().s(2)


@case()
def k_abc_abstract_method():
    import abc

    class A(abc.ABC):
        @abc.abstractmethod
        def f(self):
            pass

    class B(A):
        def f(self):
            return "B.f"

    try:
        A()
    except TypeError as e:
        msg = str(e)
    return B().f(), msg


@case()
def k_dataclass():
    import dataclasses

    @dataclasses.dataclass
    class P:
        x: int
        y: int = 0

        def norm1(self):
            return abs(self.x) + abs(self.y)

    p = P(3, -4)
    return repr(p), p.norm1(), p == P(3, -4), dataclasses.asdict(p)


@case()
def k_namedtuple():
    import collections

    Pt = collections.namedtuple("Pt", "x y")
    p = Pt(1, y=2)
    return repr(p), p.x + p.y, repr(p._replace(x=5)), tuple(p), isinstance(p, tuple)


@case()
def k_enum():
    import enum

    class Color(enum.Enum):
        RED = 1
        GREEN = 2

    return Color.RED.name, Color(2).name, [c.value for c in Color], repr(Color.GREEN)


@case()
def k_type_three_arguments_module():
    class Meta(type):
        pass

    made = type("Made", (), {"a": 1})
    meta_made = Meta("MetaMade", (), {})
    explicit = type("Explicit", (), {"__module__": "somewhere"})
    return made.__module__, meta_made.__module__, explicit.__module__, made.a


@case.parametrize()
def test_conformance(fn, args, kwargs):
    assert_same(fn, *args, **kwargs)
