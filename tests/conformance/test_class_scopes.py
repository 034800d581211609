"""Class bodies holding comprehensions, lambdas and nested classes that read
an enclosing function's variables (issue 11: on 3.12+ an inlined
comprehension in a class body gives a free variable's name a second, local
slot, which the `bytecode` package could not decode on 3.13).

PYTEST_DONT_REWRITE: the interpreted bytecode must be plain compiler output.
"""
from tests.conformance._registry import Registry
from tests.support import assert_same

case = Registry()


@case()
def k_list_comprehension_shadowed_by_class_var():
    x = "function"

    class C:
        x = "class"
        z = [x for _ in range(1)]

    return C.z, C.x


@case()
def k_nested_comprehensions():
    x, y = "fx", "fy"

    class C:
        x = "class"
        z = [[x + y for _ in range(2)] for _ in range(2)]
        w = [(i, j, x) for i in range(2) for j in [y, x]]

    return C.z, C.w


@case()
def k_class_in_class():
    x = "function"

    class Outer:
        x = "outer"

        class Inner:
            x = "inner"
            z = [x for _ in range(2)]

            def m(self):
                return x

        zz = [x for _ in range(1)]

    return Outer.Inner.z, Outer.zz, Outer.Inner().m()


@case()
def k_generator_set_dict():
    x = "function"

    class C:
        x = "class"
        g = list(x + str(i) for i in range(3))
        s = {x for _ in range(1)}
        d = {x: i for i in range(2)}

    return C.g, C.s, C.d


@case()
def k_lambdas():
    x = "function"

    class C:
        x = "class"
        f = lambda self: x  # noqa: E731
        h = (lambda: [x for _ in range(1)])()

    return C().f(), C.h


@case()
def k_class_cell_and_super():
    x = 3

    class Base:
        def m(self):
            return "base"

    class C(Base):
        z = [x for _ in range(2)]

        def m(self):
            return [super().m() for _ in range(x)] + [__class__.__name__]

    return C.z, C().m()


@case()
def k_free_and_class_local():
    x = "function"

    class C:
        y = x          # the function's x: not bound in the class yet
        x = x + "!"    # now x is both free and class-local
        z = [x for _ in range(1)]
        w = x

    return C.y, C.x, C.z, C.w


@case()
def k_nonlocal_in_class_body():
    x = 1

    class C:
        nonlocal x
        x = 2
        z = [x for _ in range(2)]

    return x, C.z, hasattr(C, "x")


@case()
def k_first_iterable_is_class_var():
    x = "f"

    class C:
        xs = [1, 2]
        z = [(v, x) for v in xs if x]

    return C.z


@case("par")
def k_parameter_cell(p):
    class C:
        p = "class"
        z = [p for _ in range(1)]

        def m(self):
            return p

    return C.z, C().m(), C.p


@case()
def k_in_a_loop():
    x = "f"
    out = []
    for k in range(2):
        class C:
            x = "class"
            z = [x + str(k) for _ in range(1)]
        out.append(C.z)
    return out


@case()
def k_class_var_deleted():
    x = "f"

    class C:
        x = "class"
        del x
        z = [x for _ in range(1)]

    return C.z, hasattr(C, "x")


@case()
def k_comprehension_binds_the_name():
    x = "f"

    class C:
        z = [x for x in range(3)]  # the comprehension's own x
        w = [x for _ in range(1)]

    return C.z, C.w


@case()
def k_methods_and_classmethod():
    x = "function"

    class C:
        x = "class"
        z = [x for _ in range(1)]

        def m(self):
            return super().__repr__() and x

        @classmethod
        def c(cls):
            return [x for _ in range(1)] + [cls.x]

    return C.z, C().m(), C.c()


@case()
def k_two_levels_of_functions():
    x = "f"

    def g():
        class C:
            x = "c"
            z = [x for _ in range(1)]
            y = [lambda: x for _ in range(1)][0]()
        return C

    C = g()
    return C.z, C.y


@case()
def k_unbound_free_variable():
    class C:
        z = [x for _ in range(1)]

    x = 1
    return C.z


@case()
def k_genexpr_sees_later_rebinding():
    x = "early"

    class C:
        x = "class"
        g = (x for _ in range(1))

    x = "late"
    return list(C.g)


@case()
def k_locals_of_class_body():
    x = "f"

    class C:
        x = "class"
        z = [x for _ in range(1)]
        names = sorted(k for k in locals() if not k.startswith("__"))

    return C.names


# A function-local __class__ read by a class body: compiled at run time,
# since CPython 3.12's compiler raises SystemError for it (both runs must).
_CLASS_LOCAL_SRC = '''
def f():
    __class__ = "fn"
    class C:
        z = [__class__ for _ in range(1)]
        def m(self):
            return __class__
    return C.z, C().m().__name__
'''


@case()
def k_function_local_named_class():
    ns = {}
    exec(compile(_CLASS_LOCAL_SRC, "<class-local>", "exec"), ns)
    return ns["f"]()


# 3.12+: in a PEP 695 scope, T is a local cell of F's comprehension and a
# free variable of F (compiled at run time: 3.11 has no such syntax).
_TYPE_PARAM_SRC = '''
def f():
    def F[T](): return [lambda: T for T in T.__name__]
    class C[T]:
        T = "class"
        z = [T for _ in range(1)]
    return [g() for g in F()], C.z, C.__type_params__[0].__name__
'''


@case()
def k_type_param_scope_comprehension():
    import sys
    if sys.version_info < (3, 12):
        return None
    ns = {}
    exec(compile(_TYPE_PARAM_SRC, "<type-params>", "exec"), ns)
    return ns["f"]()


@case.parametrize()
def test_conformance(fn, args, kwargs):
    assert_same(fn, *args, **kwargs)
