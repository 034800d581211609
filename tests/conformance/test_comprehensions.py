"""List/set/dict comprehensions and generator expressions.

PYTEST_DONT_REWRITE: the interpreted bytecode must be plain compiler output.
"""
from tests.conformance._registry import Registry
from tests.support import assert_same

case = Registry()

x = "module x"


@case()
def q_list():
    return [i * i for i in range(6)]


@case()
def q_list_cond():
    return [i for i in range(20) if i % 3 == 0]


@case()
def q_list_multi_cond():
    return [i for i in range(50) if i % 2 if i % 3 if i > 10]


@case()
def q_set():
    return {i % 4 for i in range(20)}


@case()
def q_dict():
    return {str(i): i * i for i in range(5)}


@case()
def q_dict_key_collision():
    return {i % 3: i for i in range(10)}


@case()
def q_dict_swap():
    d = {"a": 1, "b": 2}
    return {v: k for k, v in d.items()}


@case()
def q_genexpr_list():
    return list(i + 1 for i in range(5))


@case()
def q_genexpr_sum():
    return sum(i * i for i in range(10))


@case()
def q_nested_loops():
    return [(i, j) for i in range(3) for j in range(i)]


@case()
def q_nested_loops_cond_between():
    return [(i, j) for i in range(4) if i % 2 for j in "ab" if j != "b"]


@case()
def q_nested_comprehension_transpose():
    m = [[1, 2, 3], [4, 5, 6]]
    return [[row[i] for row in m] for i in range(3)]


@case()
def q_nested_inner_uses_outer_var():
    return [[i * j for j in range(i)] for i in range(4)]


@case()
def q_flatten():
    return [y for xs in [[1, 2], [], [3]] for y in xs]


@case(3)
def q_uses_parameter(n):
    return [n * i for i in range(4)]


@case()
def q_uses_enclosing_local():
    k = 7
    return [k + i for i in range(3)], {k: i for i in range(2)}, list(k for _ in "ab")


@case()
def q_shadows_local_of_same_name():
    i = "outer"
    r = [i for i in range(3)]
    return r, i


@case()
def q_shadows_module_global():
    r = [x for x in range(3)]
    return r, x


@case()
def q_var_does_not_leak():
    [leak for leak in range(3)]
    try:
        return leak  # noqa: F821
    except NameError as e:
        return str(e)


@case()
def q_shadowed_var_is_cell():
    i = "outer"

    def g():
        return i

    r = [i for i in range(2)]
    return r, i, g()


@case()
def q_comprehension_var_captured_by_lambda():
    fs = [lambda: v for v in range(3)]
    return [f() for f in fs]


@case()
def q_comprehension_var_captured_default():
    fs = [lambda v=v: v for v in range(3)]
    return [f() for f in fs]


@case()
def q_lambda_in_comprehension_uses_outer():
    k = 2
    fs = [lambda v: v * k for _ in range(2)]
    k = 3
    return [f(1) for f in fs]


@case()
def q_walrus_in_element():
    r = [y := i * 2 for i in range(4)]  # noqa: F841
    return r, y


@case()
def q_walrus_in_condition():
    data = [1, 5, 2, 8]
    big = [v for v in data if (last := v) > 3]
    return big, last


@case()
def q_walrus_running_total():
    total = 0
    sums = [total := total + v for v in range(5)]
    return sums, total


@case()
def q_walrus_in_genexpr():
    if any((hit := v) > 2 for v in [1, 2, 3, 4]):
        return hit
    return None


@case()
def q_walrus_in_nested_function_comprehension():
    def g():
        [z := i for i in range(3)]
        return z

    return g()


@case()
def q_tuple_unpacking_target():
    pairs = [(1, "a"), (2, "b")]
    return [s * n for n, s in pairs]


@case()
def q_star_unpacking_target():
    return [(h, t) for h, *t in ["abc", "de", "f"]]


@case()
def q_nested_unpacking_target():
    return [a + b + c for a, (b, c) in [(1, (2, 3)), (4, (5, 6))]]


@case()
def q_conditional_element():
    return ["even" if i % 2 == 0 else "odd" for i in range(4)]


@case()
def q_over_generator():
    def gen():
        yield from range(3)
        yield 10

    return [v * 2 for v in gen()]


@case()
def q_calls_functions():
    def sq(v):
        return v * v

    return [sq(v) for v in range(4) if sq(v) > 1]


@case()
def q_over_string_and_dict():
    return [c.upper() for c in "abc"], [k for k in {"x": 1, "y": 2}]


@case()
def q_exception_midway():
    return [10 // (3 - i) for i in range(5)]


@case()
def q_exception_in_condition():
    return [i for i in range(5) if 1 / (i - 2)]


@case()
def q_genexpr_first_iterable_eager():
    try:
        g = (v for v in 1 / 0)  # noqa: F841
    except ZeroDivisionError:
        return "raised at creation"
    return "not raised"


@case()
def q_genexpr_second_iterable_lazy():
    g = (a for a in range(3) for b in 1 / 0)
    try:
        next(g)
    except ZeroDivisionError:
        return "raised at next"
    return "no"


@case()
def q_genexpr_lazy_side_effects():
    log = []

    def tap(v):
        log.append(v)
        return v

    g = (tap(v) for v in range(5))
    first = next(g)
    second = next(g)
    return first, second, log


@case()
def q_any_all_short_circuit():
    seen = []

    def chk(v):
        seen.append(v)
        return v > 2

    return any(chk(v) for v in range(10)), all(chk(v) for v in [5, 1, 9]), seen


@case()
def q_genexpr_partial_consumption():
    g = (i * 3 for i in range(10))
    a = [next(g) for _ in range(3)]
    return a, list(g)


@case()
def q_genexpr_in_call_sole_arg():
    return sorted(v % 3 for v in range(7)), "-".join(str(v) for v in range(4))


@case()
def q_nested_genexpr():
    return list(sum(j for j in range(i)) for i in range(5))


@case()
def q_set_of_tuples():
    return sorted({(i % 2, i % 3) for i in range(12)})


@case()
def q_dict_with_nested_comprehension():
    return {k: [c for c in k] for k in ("ab", "c")}


@case()
def q_in_lambda():
    f = lambda n: [i for i in range(n)]  # noqa: E731
    return f(4)


@case()
def q_in_class_body_first_iterable():
    class C:
        xs = [1, 2, 3]
        ys = [v * 2 for v in xs]

    return C.ys


@case()
def q_in_class_body_cannot_see_class_vars():
    class C:
        xs = [1, 2, 3]
        ys = [v for v in range(4) if v in xs]

    return C.ys


@case()
def q_in_class_body_sees_function_locals():
    k = 10

    class C:
        ys = [v + k for v in range(3)]

    return C.ys


@case()
def q_comprehension_returns_generator_values():
    return [list(g) for g in ((i for i in range(n)) for n in range(3))]


@case()
def q_mutating_outer_list():
    out = []
    [out.append(i) for i in range(3)]
    return out


@case()
def q_dict_comprehension_order_and_eval():
    log = []

    def k(v):
        log.append(("k", v))
        return v

    def val(v):
        log.append(("v", v))
        return v * 10

    d = {k(i): val(i) for i in range(2)}
    return d, log


@case()
def q_large():
    return sum([i for i in range(2000) if i % 7 == 3])


@case()
def q_iterating_modified_dict_error():
    d = {1: 1, 2: 2}
    return [d.setdefault(k + 10, 0) for k in d]


@case()
def q_comprehension_over_zip_enumerate():
    return [(i, a, b) for i, (a, b) in enumerate(zip("xyz", range(3)))]


@case.parametrize()
def test_conformance(fn, args, kwargs):
    assert_same(fn, *args, **kwargs)
