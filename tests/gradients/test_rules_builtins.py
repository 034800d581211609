"""Builtins (bcad/rules/builtins_rules.py: abs, sum, min, max, pow, float,
complex, round, divmod, conjugate, .real/.imag) and the operator module
(bcad/rules/operator_rules.py)."""
import operator

import pytest

import bcad
from .test_rules_support import case_params, check, grad_all


BUILTINS = [
    ("abs", lambda x: abs(x), [-1.5, 2.0]),
    ("abs_complex", lambda z: abs(z), [3 - 4j, -0.2 + 0.1j]),
    ("abs_complex_of_reals", lambda x, y: abs(complex(x, y)), [(1.5, 2.0), (-0.3, 0.4)]),
    ("sum_list", lambda x, y: sum([x, y, x * y]), [(1.5, -2.0)]),
    ("sum_tuple_ints", lambda x, y: sum((x, 1, y, 2)), [(1.5, -2.0)]),
    ("sum_gen", lambda x, y: sum(t * t for t in (x, y)), [(1.5, -2.0)]),
    ("sum_start", lambda x, y: sum([x, y], x * y), [(1.5, -2.0)]),
    ("sum_start_const", lambda x, y: sum([x, y], 10.0), [(1.5, -2.0)]),
    ("sum_start_only", lambda x: sum([], x) * x, [1.5]),
    ("sum_range_gen", lambda x: sum(x ** k for k in range(5)), [0.7]),
    ("sum_complex", lambda z, w: sum([z, w, 1j]), [(1 + 2j, -0.5 + 0.3j)]),
    ("sum_complex_start", lambda x, z: sum([x, 2.0], z), [(1.5, 1 + 2j)]),
    ("min2", lambda x, y: min(x, y), [(1.5, -2.0), (-2.0, 1.5)]),
    ("max2", lambda x, y: max(x, y), [(1.5, -2.0), (-2.0, 1.5)]),
    ("min_list", lambda x, y, z: min([x, y, z]), [(1.5, -2.0, 0.3)]),
    ("max_gen", lambda x, y, z: max(t * t for t in (x, y, z)), [(1.5, -2.0, 0.3)]),
    ("max_key", lambda x, y: max(x, y, key=abs), [(1.5, -2.0)]),
    ("min_default", lambda x: min([], default=x) * x, [1.5]),
    ("max_const", lambda x: max(x, 0.0), [1.5, -1.5]),
    ("pow2", lambda x: pow(x, 3), [1.5, -0.5]),
    ("pow2_xy", lambda x, y: pow(x, y), [(1.5, -2.0)]),
    ("pow2_rint", lambda x: pow(2, x), [1.5]),
    ("pow3_none", lambda x, y: pow(x, y, None), [(1.5, 2.5)]),
    ("pow_complex", lambda z, w: pow(z, w), [(1 + 2j, 0.5 - 0.3j)]),
    ("float_of_float", lambda x: float(x) * x, [1.5]),
    ("complex1", lambda x: complex(x) * (1 + 1j), [1.5]),
    ("complex2", lambda x, y: complex(x, y), [(1.5, -2.0)]),
    ("complex2_sq", lambda x, y: complex(x, y) ** 2, [(1.5, -2.0)]),
    ("complex_int_re", lambda y: complex(2, y), [1.5]),
    ("complex_of_complex", lambda z, w: complex(z, w), [(1 + 2j, -0.5 + 0.3j)]),
    ("complex_real_complex", lambda x, w: complex(x, w), [(1.5, -0.5 + 0.3j)]),
    ("complex_of_complex1", lambda z: complex(z) * 2, [1 + 2j]),
    ("conjugate", lambda z: z.conjugate(), [1 + 2j]),
    ("complex.conjugate", lambda z: complex.conjugate(z) * z, [1 + 2j]),
    ("float_conjugate", lambda x: x.conjugate() * x, [1.5]),
    ("real_imag", lambda z: (z.real, z.imag), [1 + 2j]),
    ("real_imag_expr", lambda z: z.real * z.imag ** 2, [1 + 2j]),
    ("float_real_imag", lambda x: x.real * 2.0 + x.imag, [1.5]),
    ("round_ndigits", lambda x: round(x, 1) * x, [1.37]),
    ("round_int", lambda x: round(x) * x, [1.37]),
    ("divmod", lambda x, y: divmod(x, y)[1], [(7.5, 2.0)]),
]


@pytest.mark.parametrize("fn,args", case_params(BUILTINS))
def test_builtins(fn, args):
    check(fn, args)


CLOSED = [
    ("sum_start", lambda x, y: sum([x, 2.0 * y], y), (1.5, -2.0), (1.0, 3.0)),
    ("min_tie_picks_first", lambda x, y: min(x, y), (1.0, 1.0), (1.0, 0.0)),
    ("max_tie_picks_first", lambda x, y: max(x, y), (1.0, 1.0), (1.0, 0.0)),
    ("abs_zero", lambda x: abs(x), (0.0,), (0.0,)),
    ("abs_complex_zero", lambda x, y: abs(complex(x, y)), (0.0, 0.0), (0.0, 0.0)),
    ("complex_parts", lambda x, y: complex(x, y).imag * 3.0 + complex(x, y).real, (1.5, 2.0),
     (1.0, 3.0)),
    ("round_ndigits", lambda x: round(x, 2), (1.234,), (0.0,)),
]


@pytest.mark.parametrize("fn,args,expected", [pytest.param(f, a, e, id=n)
                                              for n, f, a, e in CLOSED])
def test_closed_forms(fn, args, expected):
    assert grad_all(fn, *args) == pytest.approx(expected, rel=1e-14)


def test_complex_constructor_convention():
    # complex(x, w) = x + 1j * w with w complex: d/dw = 1j, so ct_w = g * conj(1j)
    g = 0.3 - 0.4j
    _, vjp_fn = bcad.vjp(lambda x, w: complex(x, w), 1.5, 0.5 + 0.25j)
    ct_x, ct_w = vjp_fn(g)
    assert ct_x == pytest.approx(g.real) and type(ct_x) is float
    assert ct_w == pytest.approx(g * -1j)


OPERATOR = [
    ("add", lambda x, y: operator.add(x, y), [(1.5, -2.0)]),
    ("add_int", lambda x: operator.add(2, x), [1.5]),
    ("sub", lambda x, y: operator.sub(x, y), [(1.5, -2.0)]),
    ("mul", lambda x, y: operator.mul(x, y), [(1.5, -2.0)]),
    ("mul_int", lambda x: operator.mul(x, 3), [1.5]),
    ("truediv", lambda x, y: operator.truediv(x, y), [(1.5, -2.0)]),
    ("rtruediv_int", lambda x: operator.truediv(3, x), [1.5]),
    ("floordiv", lambda x, y: operator.floordiv(x, y) * x + y, [(7.5, 2.0)]),
    ("mod", lambda x, y: operator.mod(x, y), [(7.5, 2.0), (-7.5, 2.0)]),
    ("pow", lambda x, y: operator.pow(x, y), [(1.5, -2.0)]),
    ("pow_int", lambda x: operator.pow(x, 3), [1.5]),
    ("rpow_int", lambda x: operator.pow(3, x), [1.5]),
    ("neg", lambda x: operator.neg(x), [1.5]),
    ("pos", lambda x: operator.pos(x) * x, [1.5]),
    ("abs", lambda x: operator.abs(x), [-1.5]),
    ("iadd", lambda x, y: operator.iadd(x, y), [(1.5, -2.0)]),
    ("isub", lambda x, y: operator.isub(x, y), [(1.5, -2.0)]),
    ("imul", lambda x, y: operator.imul(x, y), [(1.5, -2.0)]),
    ("itruediv", lambda x, y: operator.itruediv(x, y), [(1.5, -2.0)]),
    ("ifloordiv", lambda x, y: operator.ifloordiv(x, y) * x + y, [(7.5, 2.0)]),
    ("imod", lambda x, y: operator.imod(x, y), [(7.5, 2.0)]),
    ("ipow", lambda x, y: operator.ipow(x, y), [(1.5, -2.0)]),
    ("__add__", lambda x, y: operator.__add__(x, y), [(1.5, -2.0)]),
    ("__mul__", lambda x, y: operator.__mul__(x, y), [(1.5, -2.0)]),
    ("__truediv__", lambda x, y: operator.__truediv__(x, y), [(1.5, -2.0)]),
    ("__pow__", lambda x, y: operator.__pow__(x, y), [(1.5, -2.0)]),
    ("__neg__", lambda x: operator.__neg__(x), [1.5]),
    ("__abs__", lambda x: operator.__abs__(x), [-1.5]),
    ("__iadd__", lambda x, y: operator.__iadd__(x, y), [(1.5, -2.0)]),
    ("complex_mul", lambda z, w: operator.mul(z, w), [(1 + 2j, -0.5 + 0.3j)]),
    ("complex_truediv", lambda z, x: operator.truediv(z, x), [(1 + 2j, 0.7)]),
    ("complex_pow", lambda z: operator.pow(z, 2), [1 + 2j]),
    ("complex_abs", lambda z: operator.abs(z), [1 + 2j]),
    ("complex_neg", lambda z: operator.neg(z), [1 + 2j]),
]


@pytest.mark.parametrize("fn,args", case_params(OPERATOR))
def test_operator_module(fn, args):
    check(fn, args)


def test_operator_mod_quotient():
    # d(x % y)/dy = -(x // y), Python's quotient (69 here, not floor(7.0 / 0.1) = 70)
    assert grad_all(lambda x, y: operator.mod(x, y), 7.0, 0.1) == (1.0, -69.0)


def test_operator_through_getters():
    # itemgetter / attrgetter return the stored tracked values themselves
    get = operator.itemgetter(1)
    assert bcad.grad(lambda x, y: get([x, y]) * x, argnums=(0, 1))(1.5, 2.0) == (2.0, 1.5)
