"""Closures, cells, nonlocal and global.

PYTEST_DONT_REWRITE: the interpreted bytecode must be plain compiler output.
"""
from tests.conformance._registry import Registry
from tests.support import assert_same

case = Registry()

_G = 0
_GLIST = []
shadowed = "module-level"


@case()
def c_basic():
    x = 1

    def g():
        return x

    return g()


@case()
def c_sees_later_rebinding():
    x = 1

    def g():
        return x

    x = 2
    return g()


@case()
def c_nonlocal_increment():
    x = 0

    def inc():
        nonlocal x
        x += 1
        return x

    inc()
    inc()
    return x, inc()


@case()
def c_counter_factory_independent():
    def make():
        n = 0

        def step():
            nonlocal n
            n += 1
            return n

        return step

    a, b = make(), make()
    return a(), a(), b(), a(), b()


@case(5)
def c_cell_is_parameter(a):
    def g():
        return a * 2

    return g()


@case(5)
def c_cell_parameter_rebound(a):
    def g():
        nonlocal a
        a += 1

    g()
    g()
    return a


@case(1, 2, 3, k=4)
def c_cell_star_params(*args, **kw):
    def g():
        return args, kw

    args = args + (9,)
    return g()


@case()
def c_cell_kwonly_param():
    def outer(*, k=3):
        return lambda: k * k

    return outer()(), outer(k=4)()


@case()
def c_late_binding_comprehension():
    fs = [lambda: i for i in range(3)]
    return [f() for f in fs]


@case()
def c_late_binding_for_loop():
    fs = []
    for i in range(3):
        fs.append(lambda: i)
    return [f() for f in fs]


@case()
def c_loop_default_binding():
    fs = []
    for i in range(3):
        fs.append(lambda i=i: i)
    return [f() for f in fs]


@case()
def c_loop_factory_binding():
    def mk(i):
        return lambda: i * 10

    fs = [mk(i) for i in range(3)]
    return [f() for f in fs]


@case()
def c_while_loop_closures():
    fs = []
    n = 0
    while n < 3:
        def g(n=n):
            return n
        fs.append(g)
        n += 1
    return [f() for f in fs], n


@case()
def c_three_levels():
    a = "a"

    def mid():
        b = "b"

        def inner():
            return a + b

        return inner()

    return mid()


@case()
def c_nonlocal_two_levels_up():
    x = 1

    def mid():
        def inner():
            nonlocal x
            x = x + 100

        inner()
        return x

    return mid(), x


@case()
def c_nonlocal_intermediate_shadow():
    x = "outer"

    def mid():
        x = "mid"

        def inner():
            nonlocal x
            x = "changed"

        inner()
        return x

    return mid(), x


@case()
def c_shared_cell_getter_setter():
    v = 0

    def get():
        return v

    def set_(n):
        nonlocal v
        v = n

    set_(5)
    a = get()
    set_(7)
    return a, get(), v


@case()
def c_closure_attributes():
    x, y = 1, 2

    def g():
        return x + y

    return (g.__code__.co_freevars, len(g.__closure__),
            [c.cell_contents for c in g.__closure__])


@case()
def c_cell_contents_tracks_changes():
    x = 1

    def g():
        return x

    cell = g.__closure__[0]
    before = cell.cell_contents
    x = 42
    return before, cell.cell_contents


@case()
def c_cellvars_of_outer():
    def outer(p):
        q = 2

        def inner():
            return p + q

        return inner

    return outer.__code__.co_cellvars, outer(1)()


@case()
def c_deleted_cell():
    x = 1

    def g():
        return x

    del x
    return g()


@case()
def c_free_var_not_yet_bound():
    def g():
        return x

    r = g()
    x = 1
    return r, x


@case()
def c_unbound_local():
    def h():
        y = x + 1  # noqa: F841
        x = 1
        return x

    return h()


@case()
def c_unbound_local_after_del():
    x = 5
    del x
    return x  # noqa: F821


@case()
def c_nonlocal_del():
    x = 1

    def kill():
        nonlocal x
        del x

    kill()
    try:
        return x
    except NameError as e:
        return type(e).__name__, str(e)


@case()
def c_class_body_reads_enclosing():
    x = "fn"

    class C:
        y = x

    return C.y


@case()
def c_class_body_shadows_for_methods():
    x = "fn"

    class C:
        x = "cls"

        def m(self):
            return x

    return C().m(), C.x


@case()
def c_class_body_local_read_before_assign():
    shadowed = "fn"  # noqa: F841 - class body must NOT see this

    class C:
        y = shadowed  # noqa: F821 - local to class body -> global lookup
        shadowed = "cls"

    return C.y, C.shadowed


@case()
def c_class_body_nonlocal_write():
    x = 1

    class C:
        nonlocal x
        x = 2

    return x, hasattr(C, "x")


@case()
def c_generator_closure():
    base = 10

    def gen():
        for i in range(3):
            yield base + i

    g = gen()
    first = next(g)
    base = 100
    return first, list(g)


@case()
def c_recursive_inner_via_closure():
    def fact(n):
        return 1 if n < 2 else n * fact(n - 1)

    return fact(10)


@case()
def c_except_var_cleared():
    try:
        raise ValueError("v")
    except ValueError as e:
        def g():
            return e.args
        inside = g()
    try:
        g()
    except NameError as ne:
        return inside, type(ne).__name__, str(ne)


@case()
def c_closure_in_method_captures_self():
    class A:
        def __init__(self):
            self.v = 3

        def getter(self):
            return lambda k: self.v * k

    return A().getter()(5)


@case()
def c_closure_over_loop_var_after_loop():
    for i in range(5):
        pass

    def g():
        return i

    return g()


@case()
def c_closure_captures_mutable():
    acc = []

    def add(v):
        acc.append(v)
        return len(acc)

    add(1)
    add(2)
    return acc


@case()
def c_lambda_nonlocal_via_helper():
    total = 0

    def add(n):
        nonlocal total
        total += n

    list(map(add, [1, 2, 3]))
    return total


@case()
def c_closure_sees_later_defined_function():
    def a():
        return b() + 1

    def b():
        return 41

    return a()


# ---------------------------------------------------------------- globals
@case()
def c_global_read():
    return shadowed


@case()
def c_global_write():
    global _G
    _G = 5
    _G += 1
    return _G


@case()
def c_global_in_nested():
    def setter():
        global _G
        _G = "nested"

    setter()
    return _G


@case()
def c_global_mutation_through_method():
    _GLIST.clear()
    _GLIST.append(1)
    _GLIST.extend([2, 3])
    r = list(_GLIST)
    _GLIST.clear()
    return r


@case()
def c_global_new_name():
    global _brand_new_global
    _brand_new_global = 11
    r = _brand_new_global
    del _brand_new_global
    return r


@case()
def c_global_del_then_read():
    global _tmp_global
    _tmp_global = 1
    del _tmp_global
    return _tmp_global  # noqa: F821


@case()
def c_undefined_name():
    return definitely_not_defined_anywhere  # noqa: F821


@case()
def c_builtin_shadowed_by_local():
    len = lambda x: -1  # noqa: E731
    return len([1, 2, 3])


@case()
def c_builtin_lookup():
    return len("abc"), abs(-2), max(1, 5)


@case()
def c_nonlocal_shadows_global():
    shadowed = "local"

    def g():
        nonlocal shadowed
        shadowed = "changed"

    g()
    return shadowed, globals()["shadowed"]


@case()
def c_globals_and_locals_builtin():
    a = 1
    b = "x"
    return sorted(locals().items())


@case()
def c_decorator_factory_closure():
    def times(n):
        def deco(f):
            def w(*a):
                return [f(*a) for _ in range(n)]
            return w
        return deco

    @times(3)
    def hello(x):
        return x + 1

    return hello(1)


@case.parametrize()
def test_conformance(fn, args, kwargs):
    assert_same(fn, *args, **kwargs)
