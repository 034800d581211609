"""Decorators, module-level source cases, is_interpreting(), async functions.

PYTEST_DONT_REWRITE: the interpreted bytecode must be plain compiler output.
"""
import functools
import inspect
import textwrap

import pytest

import bcad
from tests.conformance._registry import Registry
from tests.support import NATIVE_ONLY, assert_same, assert_same_source, interpret

case = Registry()


def _logged(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        print("calling", fn.__name__, args, kwargs)
        r = fn(*args, **kwargs)
        print("returned", r)
        return r

    return wrapper


def _repeat(n):
    def deco(fn):
        @functools.wraps(fn)
        def wrapper(*a):
            return [fn(*a) for _ in range(n)]
        return wrapper
    return deco


@_logged
def _decorated_add(a, b=1):
    "adds"
    return a + b


# ---------------------------------------------------------------- decorators
@case()
def z_decorator_with_wraps():
    r = _decorated_add(2, b=3)
    return r, _decorated_add.__name__, _decorated_add.__doc__, _decorated_add.__wrapped__.__name__


@case()
def z_local_decorator_without_wraps():
    def deco(fn):
        def inner(*a):
            return ("wrapped", fn(*a))
        return inner

    @deco
    def f(x):
        return x * 2

    return f(4), f.__name__, f.__qualname__


@case()
def z_decorator_with_arguments():
    @_repeat(3)
    def hi(name):
        return "hi " + name

    return hi("x"), hi.__name__


@case()
def z_stacked_decorators_order():
    log = []

    def tag(label):
        def deco(fn):
            log.append("decorating " + label)

            def w(*a):
                log.append("enter " + label)
                return fn(*a)
            return w
        return deco

    @tag("outer")
    @tag("inner")
    def f():
        log.append("body")
        return 1

    f()
    return log


@case()
def z_decorator_class_with_call():
    class CountCalls:
        def __init__(self, fn):
            functools.update_wrapper(self, fn)
            self.fn = fn
            self.calls = 0

        def __call__(self, *a, **k):
            self.calls += 1
            return self.fn(*a, **k)

    @CountCalls
    def sq(x):
        return x * x

    sq(2)
    sq(3)
    return sq(4), sq.calls, sq.__name__


@case()
def z_decorator_registering():
    registry = {}

    def register(name):
        def deco(fn):
            registry[name] = fn
            return fn
        return deco

    @register("double")
    def d(x):
        return x * 2

    @register("neg")
    def n(x):
        return -x

    return {k: f(5) for k, f in registry.items()}


@case()
def z_decorator_on_methods():
    def trace(fn):
        @functools.wraps(fn)
        def w(self, *a):
            self.log.append(fn.__name__)
            return fn(self, *a)
        return w

    class C:
        def __init__(self):
            self.log = []

        @trace
        def a(self):
            return "a"

        @trace
        def b(self, x):
            return self.a() + x

    c = C()
    return c.b("!"), c.log, C.b.__qualname__


@case()
def z_decorator_returning_non_callable():
    def to_value(fn):
        return fn()

    @to_value
    def answer():
        return 42

    return answer


@case()
def z_decorator_on_generator_function():
    def listify(fn):
        @functools.wraps(fn)
        def w(*a):
            return list(fn(*a))
        return w

    @listify
    def gen(n):
        yield from range(n)

    return gen(3)


@case()
def z_class_decorator_adding_repr():
    def auto_repr(cls):
        def __repr__(self):
            fields = ", ".join("%s=%r" % kv for kv in sorted(vars(self).items()))
            return "%s(%s)" % (cls.__name__, fields)
        cls.__repr__ = __repr__
        return cls

    @auto_repr
    class P:
        def __init__(self, a, b):
            self.a, self.b = a, b

    return repr(P(1, "x")), str(P(2, 3))


@case()
def z_decorator_expression_syntax():
    decorators = [lambda f: (lambda: f() + 1), lambda f: (lambda: f() * 10)]

    @decorators[0]
    def f():
        return 1

    @decorators[1]
    def g():
        return 2

    return f(), g()


@case()
def z_wraps_preserves_attributes():
    def deco(fn):
        @functools.wraps(fn)
        def w():
            return fn()
        return w

    def original():
        "orig doc"

    original.custom = "attr"
    wrapped = deco(original)
    return wrapped.__name__, wrapped.__doc__, wrapped.custom, wrapped.__wrapped__ is original


@case()
def z_decorated_recursion():
    calls = []

    def count(fn):
        def w(n):
            calls.append(n)
            return fn(n)
        return w

    @count
    def fact(n):
        return 1 if n <= 1 else n * fact(n - 1)

    return fact(5), calls


# ---------------------------------------------------------------- print
@case()
def z_print_interleaved_with_logic():
    for i in range(3):
        print("i =", i, end=" | " if i < 2 else "\n")
    print("%s-%d" % ("fmt", 1), f"{'f':>3}")
    return "done"


@case()
def z_print_from_nested_calls():
    def helper(v):
        print("helper got", v)
        return v + 1

    print("start")
    r = helper(helper(1))
    print("end", r)
    return r


@case()
def z_print_then_raise():
    print("about to fail")
    raise KeyError("after print")


@case()
def z_print_in_generator_and_class_body():
    def gen():
        print("gen start")
        yield 1
        print("gen end")

    class C:
        print("class body")

    return list(gen())


# ---------------------------------------------------------------- misc language bits
@case()
def z_docstring_only_function():
    def f():
        "only a docstring"

    return f(), f.__doc__


@case()
def z_exec_and_eval_inside():
    ns = {}
    exec("y = 2 * 21", ns)
    return ns["y"], eval("1 + 2"), eval("a * 2", {"a": 4})


@case()
def z_type_annotations_on_locals_ignored():
    x: int = 5
    y: "anything"  # noqa: F842
    return x


@case()
def z_long_function_many_locals():
    a0 = 0
    a1 = a0 + 1
    a2 = a1 + 1
    a3 = a2 + 1
    a4 = a3 + 1
    a5 = a4 + 1
    a6 = a5 + 1
    a7 = a6 + 1
    a8 = a7 + 1
    a9 = a8 + 1
    return [a0, a1, a2, a3, a4, a5, a6, a7, a8, a9]


@case()
def z_big_literal_constants():
    return (2 ** 100, -5, 1e-300, "x" * 50, (1, (2, (3,))), frozenset({1}), b"\x00\xff", None, ..., 0j)


@case()
def z_interpreted_calls_native_calls_interpreted():
    out = []

    def cb(v):
        out.append(v)
        return sorted([v, -v], key=lambda t: (t, out.append(("inner", t)))[0])

    return list(map(cb, [1, 2])), out


# ---------------------------------------------------------------- module-level / class-level source
SOURCES = [
    ("module_class_super", """
class Base:
    def __init__(self, v):
        self.v = v
    def show(self):
        return "Base(%r)" % self.v

class Derived(Base):
    def __init__(self, v):
        super().__init__(v * 2)
    def show(self):
        return "Derived/" + super().show()

def f(n):
    return [Derived(i).show() for i in range(n)]
""", (3,)),
    ("module_globals_statement", """
COUNTER = 0

def bump(k):
    global COUNTER
    COUNTER += k
    return COUNTER

def f():
    global COUNTER
    COUNTER = 0
    bump(2)
    bump(3)
    return COUNTER, globals()["COUNTER"], __name__
""", ()),
    ("class_body_uses_module_names", """
SCALE = 3

def helper(x):
    return x * SCALE

class Config:
    size = helper(2)
    names = [n.upper() for n in ("a", "b")]
    table = {k: helper(k) for k in range(3)}

def f():
    return Config.size, Config.names, Config.table
""", ()),
    ("module_level_generator_and_closure", """
def make_counter():
    n = 0
    def inc():
        nonlocal n
        n += 1
        return n
    return inc

counter = make_counter()

def squares(limit):
    for i in range(limit):
        yield i * i

def f(limit):
    global counter
    counter = make_counter()
    counter()
    return list(squares(limit)), counter(), counter()
""", (4,)),
    ("decorated_module_function", """
import functools

def memo(fn):
    cache = {}
    @functools.wraps(fn)
    def w(n):
        if n not in cache:
            cache[n] = fn(n)
        return cache[n]
    w.cache = cache
    return w

@memo
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)

def f(n):
    fib.cache.clear()
    r = fib(n)
    return r, len(fib.cache), fib.__name__
""", (40,)),
    ("module_exception_hierarchy", """
class Error(Exception):
    pass

class NotFound(Error):
    def __init__(self, key):
        super().__init__("missing %r" % (key,))
        self.key = key

def lookup(d, k):
    try:
        return d[k]
    except KeyError:
        raise NotFound(k) from None

def f():
    out = []
    for k in ("a", "b"):
        try:
            out.append(lookup({"a": 1}, k))
        except Error as e:
            out.append((type(e).__name__, str(e), e.key, e.__suppress_context__))
    return out
""", ()),
    ("module_dunder_class", """
class Vec:
    __slots__ = ("x", "y")
    def __init__(self, x, y):
        self.x, self.y = x, y
    def __add__(self, o):
        return Vec(self.x + o.x, self.y + o.y)
    def __iter__(self):
        yield self.x
        yield self.y
    def __repr__(self):
        return "Vec(%d, %d)" % (self.x, self.y)
    def __eq__(self, o):
        return tuple(self) == tuple(o)
    __hash__ = None

def f():
    v = Vec(1, 2) + Vec(3, 4)
    x, y = v
    return repr(v), x, y, v == Vec(4, 6), list(v)
""", ()),
    ("module_match_dataclass", """
from dataclasses import dataclass

@dataclass
class Add:
    left: object
    right: object

@dataclass
class Mul:
    left: object
    right: object

def ev(node):
    match node:
        case Add(l, r):
            return ev(l) + ev(r)
        case Mul(left=l, right=r):
            return ev(l) * ev(r)
        case int(n):
            return n

def f():
    return ev(Add(1, Mul(2, Add(3, 4))))
""", ()),
    ("module_raises_with_kwargs", """
def g(a, *, b):
    return a + b

def f(**kw):
    return g(1, **kw)
""", ()),
]


@pytest.mark.parametrize("name,src,args", SOURCES, ids=[s[0] for s in SOURCES])
def test_source(name, src, args):
    assert_same_source(textwrap.dedent(src), "f", *args)


def test_source_kwargs_error():
    # unexpected keyword argument via **kwargs forwarding
    src = dict((s[0], s[1]) for s in SOURCES)["module_raises_with_kwargs"]
    assert_same_source(textwrap.dedent(src), "f", b=2, c=3)


# ---------------------------------------------------------------- is_interpreting / async
def _report_interpreting():
    return bcad.is_interpreting()


@pytest.mark.skipif(NATIVE_ONLY, reason="needs the real interpreter")
def test_is_interpreting():
    assert _report_interpreting() is False
    assert bcad.interpret(_report_interpreting)() is True
    assert bcad.is_interpreting() is False


def _calls_report_indirectly():
    def nested():
        return bcad.is_interpreting()

    return nested(), list(map(lambda _: bcad.is_interpreting(), [0])), sorted([1], key=lambda _: _report_interpreting())


@pytest.mark.skipif(NATIVE_ONLY, reason="needs the real interpreter")
def test_is_interpreting_reaches_nested_calls_and_callbacks():
    assert _calls_report_indirectly() == (False, [False], [1])
    assert bcad.interpret(_calls_report_indirectly)() == (True, [True], [1])


async def _async_add(a, b):
    return a + b


async def _async_awaits(n):
    import asyncio

    total = 0
    for i in range(n):
        await asyncio.sleep(0)
        total += i
    return total


def _drive(coro):
    """Run a coroutine to completion without an event loop (sleep(0) only yields None)."""
    while True:
        try:
            coro.send(None)
        except StopIteration as e:
            return e.value


@pytest.mark.parametrize("fn,args,expected", [(_async_add, (1, 2), 3), (_async_awaits, (4,), 6)],
                         ids=["async_add", "async_awaits"])
def test_async_works_or_unsupported(fn, args, expected):
    try:
        wrapped = interpret(fn)
        coro = wrapped(*args)
    except bcad.UnsupportedError:
        return
    assert inspect.isawaitable(coro) or hasattr(coro, "send"), f"expected a coroutine, got {coro!r}"
    try:
        result = _drive(coro)
    except bcad.UnsupportedError:
        return
    assert result == expected


@case.parametrize()
def test_conformance(fn, args, kwargs):
    assert_same(fn, *args, **kwargs)
