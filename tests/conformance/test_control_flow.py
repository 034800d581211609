"""Loops, branches, boolean logic, comparisons, conditional expressions, walrus.

PYTEST_DONT_REWRITE: the interpreted bytecode must be plain compiler output.
"""
from tests.conformance._registry import Registry
from tests.support import assert_same

case = Registry()


@case(-5)
@case(0)
@case(7)
@case(100)
def cf_if_elif_else(n):
    if n < 0:
        return "neg"
    elif n == 0:
        return "zero"
    elif n < 10:
        return "small"
    else:
        return "big"


@case()
def cf_for_else_no_break():
    out = []
    for i in range(3):
        out.append(i)
    else:
        out.append("else")
    return out


@case()
def cf_for_else_with_break():
    out = []
    for i in range(3):
        if i == 1:
            break
        out.append(i)
    else:
        out.append("else")
    return out


@case()
def cf_while_else():
    n, out = 0, []
    while n < 3:
        n += 1
    else:
        out.append("else")
    while True:
        break
    else:
        out.append("never")
    return n, out


@case()
def cf_continue_and_break():
    out = []
    for i in range(10):
        if i % 2:
            continue
        if i > 6:
            break
        out.append(i)
    return out


@case()
def cf_nested_loops_break_inner():
    out = []
    for i in range(3):
        for j in range(3):
            if j > i:
                break
            out.append((i, j))
    return out


@case()
def cf_loop_var_after_loop():
    for i in range(4):
        pass
    for j in []:
        pass
    try:
        return i, j  # noqa: F821
    except UnboundLocalError as e:
        return i, str(e)


@case()
def cf_while_with_complex_condition():
    a, b, steps = 10, 0, 0
    while a > b and steps < 100:
        a -= 2
        b += 1
        steps += 1
    return a, b, steps


@case()
def cf_for_over_various():
    out = []
    for c in "ab":
        out.append(c)
    for k in {"x": 1, "y": 2}:
        out.append(k)
    for k, v in {"x": 1}.items():
        out.append((k, v))
    for t in (1, 2):
        out.append(t)
    for r in range(10, 0, -3):
        out.append(r)
    for b in b"AB":
        out.append(b)
    return out


@case()
def cf_modify_list_while_iterating():
    lst = [1, 2, 3, 4]
    for v in lst:
        if v == 2:
            lst.remove(v)
    return lst


@case()
def cf_dict_changed_size_during_iteration():
    d = {1: 1}
    for k in d:
        d[k + 1] = 1


@case()
def cf_for_target_attribute_and_subscript():
    class C:
        pass

    c = C()
    lst = [0, 0]
    out = []
    for c.attr in range(3):
        out.append(c.attr)
    for lst[1] in "xy":
        pass
    return out, c.attr, lst


@case()
def cf_for_nested_unpacking():
    out = []
    for a, (b, *c) in [(1, (2, 3, 4)), (5, (6,))]:
        out.append((a, b, c))
    return out


@case()
def cf_pass_and_ellipsis():
    if True:
        pass
    x = ...
    return x, type(x).__name__


# ---------------------------------------------------------------- boolean logic
@case()
def cf_and_or_return_operands():
    return [0 and 1, 2 and 3, 0 or "", "" or "x", None or 0 or [], 1 and 2 and 3, [] and 1 / 0]


@case()
def cf_short_circuit_side_effects():
    log = []

    def t(v):
        log.append(v)
        return v

    r1 = t(0) and t(1)
    r2 = t(2) or t(3)
    r3 = t(0) or t(0) or t(4)
    r4 = t(5) and t(0) and t(6)
    return (r1, r2, r3, r4), log


@case()
def cf_not_operator():
    return [not 0, not 1, not [], not [0], not None, not "s", not not 5]


@case()
def cf_bool_in_conditions():
    out = []
    for v in (0, 1, "", "a", [], [0], {}, None, 0.0, -1):
        out.append("T" if v else "F")
    return "".join(out)


@case()
def cf_conditional_expression():
    return [("a" if i % 2 else "b") for i in range(4)], (1 if [] else 2), ("x" if None else "y" if 0 else "z")


@case()
def cf_conditional_expression_lazy():
    return 1 if True else 1 / 0, 2 if False else 3


# ---------------------------------------------------------------- comparisons
@case()
def cf_chained_comparisons():
    x = 5
    return [1 < x < 10, 1 < x > 10, 1 == 1 < 2, 3 > 2 > 1 > 0, 1 < 2 < 2, x == 5 != 6, 0 <= x <= 5]


@case()
def cf_chained_comparison_evaluates_once():
    log = []

    def v(n):
        log.append(n)
        return n

    r = v(1) < v(2) < v(3)
    r2 = v(5) < v(4) < v(9)
    return r, r2, log


@case()
def cf_identity_and_membership():
    a = [1]
    b = a
    c = [1]
    return [a is b, a is c, a is not c, a == c, None is None, 1 in a, 2 not in a,
            "b" in "abc", "ab" in "abc", 3 in range(5), "k" in {"k": 1}, (1, 2) in {(1, 2)}]


@case()
def cf_comparison_of_containers():
    return [[1, 2] < [1, 3], (1, 2) < (1, 2, 0), "abc" < "abd", [1] == [1.0], {1: 2} == {1: 2},
            {1, 2} <= {1, 2, 3}, {1} < {1}, (1, [2]) == (1, [2])]


@case()
def cf_numeric_comparisons_mixed():
    return [1 == 1.0, 1 == True, 0.1 + 0.2 == 0.3, float("nan") == float("nan"),
            2 ** 70 > 1e20, -0.0 == 0.0, 1 < 1.5, complex(1, 0) == 1]


@case()
def cf_comparison_dict_order_error():
    return {1: 2} < {3: 4}


# ---------------------------------------------------------------- walrus
@case()
def cf_walrus_in_if():
    data = {"a": 3}
    if (n := data.get("a")) is not None:
        return n * 2
    return None


@case()
def cf_walrus_in_while():
    items = [1, 2, 3, 0, 5]
    out = []
    it = iter(items)
    while (v := next(it)) != 0:
        out.append(v)
    return out, v


@case()
def cf_walrus_in_expression():
    return [(y := 5), y + 1], y


@case()
def cf_walrus_in_call_args():
    return max(a := 3, b := 9), a, b


@case()
def cf_walrus_nested():
    if (a := (b := 2) * 3) > 5:
        return a, b


# ---------------------------------------------------------------- numbers & misc expressions
@case()
def cf_int_arithmetic():
    return [7 // 2, -7 // 2, 7 % -3, -7 % 3, 2 ** 10, 2 ** -1, 7 / 2, divmod(-7, 2), abs(-3),
            10 ** 20 * 10 ** 20, (-2) ** 3, -2 ** 2, 1 << 70, -1 >> 3, 5 & 3, 5 | 3, 5 ^ 3, ~5]


@case()
def cf_float_arithmetic():
    return [0.1 + 0.2, 1e308 * 10, -1e308 * 10, 7.5 // 2, -7.5 % 2, round(2.5), round(3.5),
            round(2.675, 2), 1 / 3, float("inf") - float("inf"), -0.0, 3.0 ** 0.5, int(-2.7)]


@case()
def cf_complex_and_bool_arithmetic():
    return [(1 + 2j) * (3 - 1j), abs(3 + 4j), True + True, True * 3, (1j) ** 2, complex("1+2j")]


@case()
def cf_numeric_builtins():
    return [pow(3, 4, 5), pow(2, -1, 7), round(123.456, -1), round(7, -1), int("ff", 16), int("0b101", 0),
            hex(255), oct(8), bin(5), float("1e3"), int(3.99), max([3, 1, 2]), min(4, 2, 8), sum([0.5] * 3)]


@case()
def cf_augmented_assignment_variety():
    x = 10
    x += 5
    x -= 3
    x *= 2
    x //= 5
    x **= 3
    x %= 7
    x <<= 3
    x >>= 1
    x |= 1
    x &= 0xFF
    x ^= 3
    s = "a"
    s += "b"
    s *= 3
    return x, s


@case()
def cf_multiple_assignment_targets():
    a = b = c = []
    a.append(1)
    x, y = y2, x2 = 1, 2
    return a, b, c, a is c, x, y, x2, y2


@case()
def cf_swap_and_rotate():
    a, b, c = 1, 2, 3
    a, b = b, a
    a, b, c = c, a, b
    return a, b, c


@case()
def cf_evaluation_order_assignment():
    log = []

    def v(n):
        log.append(n)
        return n

    d = {}
    d[v("key")] = v("value")
    lst = [0, 0]
    lst[v(0)], lst[v(1)] = v("a"), v("b")
    return d, lst, log


@case()
def cf_evaluation_order_call_args():
    log = []

    def v(n):
        log.append(n)
        return n

    def f(*a, **k):
        return a, k

    return f(v(1), v(2), k=v(3), **{v("x"): v(4)}), log


@case()
def cf_evaluation_order_binary():
    log = []

    def v(n):
        log.append(n)
        return n

    r = v(1) + v(2) * v(3) - v(4) ** v(2)
    return r, log


@case()
def cf_deep_nesting_blocks():
    total = 0
    for i in range(3):
        if i:
            for j in range(3):
                while j < 2:
                    try:
                        if (i + j) % 2:
                            total += 1
                        else:
                            total += 10
                    finally:
                        j += 1
    return total


@case()
def cf_large_loop_accumulate():
    s = 0
    for i in range(3000):
        if i % 3 == 0 or i % 5 == 0:
            s += i
    return s


@case()
def cf_sieve():
    n = 200
    is_p = [True] * (n + 1)
    is_p[0] = is_p[1] = False
    for i in range(2, int(n ** 0.5) + 1):
        if is_p[i]:
            for j in range(i * i, n + 1, i):
                is_p[j] = False
    return [i for i, p in enumerate(is_p) if p][-5:], sum(is_p)


@case()
def cf_collatz():
    def steps(n):
        c = 0
        while n != 1:
            n = n // 2 if n % 2 == 0 else 3 * n + 1
            c += 1
        return c

    return [steps(n) for n in (1, 7, 27)]


@case()
def cf_binary_search():
    data = list(range(0, 100, 3))

    def bs(t):
        lo, hi = 0, len(data)
        while lo < hi:
            mid = (lo + hi) // 2
            if data[mid] < t:
                lo = mid + 1
            else:
                hi = mid
        return lo

    return [bs(t) for t in (0, 1, 50, 99, 200)]


@case.parametrize()
def test_conformance(fn, args, kwargs):
    assert_same(fn, *args, **kwargs)
