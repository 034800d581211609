"""Float and complex arithmetic (bcad/rules/python_scalars.py): every operator
form (BINARY_OP, in-place, unary), both argument orders, mixed int / float /
complex operands, and the slot wrappers (float.__add__, float.__rpow__, ...)."""
import math

import pytest

import bcad
from .test_rules_support import case_params, check, check_vjp, grad_all


# -- in-place forms (statements: need def) ---------------------------------
def _iadd(x, y):
    z = x
    z += y
    z += 2
    return z


def _isub(x, y):
    z = x
    z -= y
    z -= 0.5
    return z


def _imul(x, y):
    z = x
    z *= y
    z *= 3
    return z


def _itruediv(x, y):
    z = x
    z /= y
    z /= 2
    return z


def _ifloordiv(x, y):
    z = x
    z //= y
    return z * x + y


def _imod(x, y):
    z = x
    z %= y
    return z


def _ipow(x, y):
    z = x
    z **= y
    z **= 2
    return z


def _iops_chain(x):
    z = 1.0
    for k in range(1, 4):
        z += x * k
        z *= x
        z -= k
        z /= x + k
    return z


REAL = [
    # + - * / with ints, floats, both orders
    ("add", lambda x, y: x + y, [(1.3, -0.7)]),
    ("add_int", lambda x: x + 2, [1.3]),
    ("radd_int", lambda x: 2 + x, [1.3]),
    ("add_self", lambda x: x + x, [1.3]),
    ("sub", lambda x, y: x - y, [(1.3, -0.7)]),
    ("sub_int", lambda x: x - 3, [1.3]),
    ("rsub_int", lambda x: 3 - x, [1.3]),
    ("rsub_float", lambda x: 3.5 - x, [1.3]),
    ("sub_self", lambda x: x - x * 0.5, [1.3]),
    ("mul", lambda x, y: x * y, [(1.3, -0.7)]),
    ("mul_int", lambda x: x * 3, [1.3]),
    ("rmul_int", lambda x: 2 * x, [1.3]),
    ("mul_bool", lambda x: True * x + x * False, [1.3]),
    ("mul_self", lambda x: x * x, [-1.3]),
    ("truediv", lambda x, y: x / y, [(1.3, -0.7), (-2.0, 3.0)]),
    ("truediv_int", lambda x: x / 3, [1.3]),
    ("rtruediv_int", lambda x: 3 / x, [1.3, -0.4]),
    ("rtruediv_float", lambda x: 2.5 / x, [1.3]),
    ("truediv_self", lambda x: (x + 1.0) / x, [1.3]),
    # // is piecewise constant: only the other terms carry a derivative
    ("floordiv", lambda x, y: (x // y) * x + y, [(3.7, 1.1), (-3.7, 1.1)]),
    ("floordiv_int", lambda x: (x // 2) * x, [3.7]),
    ("rfloordiv", lambda x: (7.0 // x) * x, [2.3]),
    # % : d/dx = 1, d/dy = -(x // y)
    ("mod", lambda x, y: x % y, [(3.7, 1.1), (-3.7, 1.1), (3.7, -1.1), (-3.7, -1.1)]),
    ("mod_float", lambda x: x % 2.5, [3.7, -3.7]),
    ("mod_neg_float", lambda x: x % -2.5, [3.7]),
    ("mod_int", lambda x: x % 2, [5.3]),
    ("rmod_float", lambda x: 7.0 % x, [2.3, -2.3]),
    ("rmod_neg", lambda x: -7.0 % x, [2.3]),
    ("rmod_int", lambda x: 7 % x, [2.3]),
    ("mod_small_q", lambda x, y: x % y, [(0.3, 1.1)]),
    # ** : real base, int / float / tracked exponents
    ("pow_int", lambda x: x ** 3, [-1.3, 0.0, 2.0]),
    ("pow_int2", lambda x: x ** 2, [0.0, -0.7]),
    ("pow_neg_int", lambda x: x ** -2, [1.3, -0.8]),
    ("pow_zero", lambda x: x ** 0 + x, [1.3, 0.0]),
    ("pow_one", lambda x: x ** 1, [1.3, 0.0]),
    ("pow_float", lambda x: x ** 2.5, [1.3]),
    ("pow_float_int_valued", lambda x: x ** 2.0, [-1.5]),
    ("pow_half", lambda x: x ** 0.5, [2.0]),
    ("rpow_int", lambda x: 3 ** x, [1.5, -0.5]),
    ("rpow_float", lambda x: 0.5 ** x, [1.5]),
    ("rpow_e", lambda x: math.e ** x, [0.25]),
    ("pow_xy", lambda x, y: x ** y, [(1.3, 2.2), (0.4, -1.5), (2.0, 0.0)]),
    ("pow_self", lambda x: x ** x, [1.3]),
    # unary
    ("neg", lambda x: -x, [1.3]),
    ("pos", lambda x: +x, [1.3]),
    ("neg_neg", lambda x: -(-x) * x, [1.3]),
    ("abs_pos", lambda x: abs(x), [1.3]),
    ("abs_neg", lambda x: abs(x), [-1.3]),
    ("abs_expr", lambda x, y: abs(x - y) * x, [(1.3, 2.0)]),
    # divmod (builtin and both argument orders); the quotient is constant
    ("divmod_r", lambda x, y: divmod(x, y)[1], [(3.7, 1.1), (-3.7, 1.1)]),
    ("divmod_q", lambda x, y: divmod(x, y)[0] * x + y, [(3.7, 1.1)]),
    ("divmod_both", lambda x, y: divmod(x, y)[0] * y + divmod(x, y)[1], [(3.7, 1.1)]),
    ("divmod_float", lambda x: divmod(x, 2.5)[1], [3.7]),
    ("divmod_int", lambda x: divmod(x, 2)[1], [3.7]),
    ("rdivmod", lambda x: divmod(7.0, x)[1], [2.3]),
    ("rdivmod_int", lambda x: divmod(7, x)[1], [2.3]),
    # builtin pow with two and three arguments
    ("pow2", lambda x: pow(x, 2), [1.3]),
    ("pow2_xy", lambda x, y: pow(x, y), [(1.3, 2.2)]),
    ("pow2_r", lambda x: pow(2, x), [1.3]),
    ("pow3_none", lambda x, y: pow(x, y, None), [(1.3, 2.2)]),
    # in-place forms
    ("iadd", _iadd, [(1.3, -0.7)]),
    ("isub", _isub, [(1.3, -0.7)]),
    ("imul", _imul, [(1.3, -0.7)]),
    ("itruediv", _itruediv, [(1.3, -0.7)]),
    ("ifloordiv", _ifloordiv, [(3.7, 1.1)]),
    ("imod", _imod, [(3.7, 1.1), (-3.7, 1.1)]),
    ("ipow", _ipow, [(1.3, 2.2)]),
    ("iops_chain", _iops_chain, [0.7]),
    # a composite
    ("poly_ratio", lambda x, y: (x * x - 3 * x * y + 2) / (1 + y * y) ** 1.5 - x % 0.75,
     [(1.3, -0.7)]),
]


@pytest.mark.parametrize("fn,args", case_params(REAL))
def test_real_arithmetic(fn, args):
    check(fn, args)


# Complex operands: complex inputs and real inputs mixed with complex values.
COMPLEX = [
    ("cadd", lambda z, w: z + w, [(1 + 2j, -0.5 + 0.3j)]),
    ("cadd_real", lambda z, x: z + x, [(1 + 2j, 0.7)]),
    ("cadd_int", lambda z: 2 + z, [1 + 2j]),
    ("csub", lambda z, w: z - w, [(1 + 2j, -0.5 + 0.3j)]),
    ("rsub_real", lambda x, z: x - z, [(0.7, 1 + 2j)]),
    ("cmul", lambda z, w: z * w, [(1 + 2j, -0.5 + 0.3j)]),
    ("cmul_real", lambda z, x: z * x, [(1 + 2j, 0.7)]),
    ("real_mul_1j", lambda x: x * 1j, [0.7]),
    ("imag_unit_mul", lambda x: (1 + 2j) * x, [0.7]),
    ("cmul_int", lambda z: 2 * z, [1 + 2j]),
    ("cmul_self", lambda z: z * z, [1 + 2j]),
    ("cdiv", lambda z, w: z / w, [(1 + 2j, -0.5 + 0.3j)]),
    ("cdiv_real_num", lambda x, z: x / z, [(0.7, 1 + 2j)]),
    ("cdiv_real_den", lambda z, x: z / x, [(1 + 2j, 0.7)]),
    ("cdiv_int", lambda z: 1 / z, [1 + 2j]),
    ("real_div_c", lambda x: x / (1 - 1j), [0.7]),
    ("cpow_int", lambda z: z ** 3, [1 + 2j, -0.5 - 0.3j]),
    ("cpow_neg_int", lambda z: z ** -2, [1 + 2j]),
    ("cpow_half", lambda z: z ** 0.5, [1 + 2j]),
    ("cpow_c", lambda z, w: z ** w, [(1 + 2j, 0.5 - 0.3j)]),
    ("rpow_c", lambda z: 2 ** z, [1 + 2j]),
    ("real_pow_c", lambda x, z: x ** z, [(1.5, 0.5 - 0.3j)]),
    ("c_pow_real", lambda z, x: z ** x, [(1 + 2j, 1.5)]),
    ("real_pow_cconst", lambda x: x ** (1 + 1j), [1.5]),
    # a negative real base with a fractional exponent gives a complex result
    ("negbase_frac", lambda x: x ** 0.5, [-2.0]),
    ("negbase_frac_xy", lambda x, y: x ** y, [(-2.0, 0.5)]),
    ("negconst_pow", lambda y: (-2.0) ** y, [0.5]),
    ("cneg", lambda z: -z, [1 + 2j]),
    ("cpos", lambda z: +z, [1 + 2j]),
    ("cabs", lambda z: abs(z), [3 - 4j, -0.5 + 0.2j]),
    ("cabs_prod", lambda z, x: abs(z * x), [(3 - 4j, 0.7)]),
    ("c_inplace", lambda z, w: (z.__class__(0) + z) * w - z / w, [(1 + 2j, -0.5 + 0.3j)]),
]


@pytest.mark.parametrize("fn,args", case_params(COMPLEX))
def test_complex_arithmetic(fn, args):
    check_vjp(fn, args)


# Slot wrappers called directly (what a float/complex subclass reaches
# through super()).
SLOTS = [
    ("float.__add__", lambda x, y: float.__add__(x, y), [(1.3, -0.7)]),
    ("float.__radd__", lambda x: float.__radd__(x, 2.0), [1.3]),
    ("float.__sub__", lambda x, y: float.__sub__(x, y), [(1.3, -0.7)]),
    ("float.__rsub__", lambda x, y: float.__rsub__(x, y), [(1.3, -0.7)]),
    ("float.__mul__", lambda x, y: float.__mul__(x, y), [(1.3, -0.7)]),
    ("float.__rmul__", lambda x: float.__rmul__(x, 3.0), [1.3]),
    ("float.__truediv__", lambda x, y: float.__truediv__(x, y), [(1.3, -0.7)]),
    ("float.__rtruediv__", lambda x, y: float.__rtruediv__(x, y), [(1.3, -0.7)]),
    ("float.__mod__", lambda x, y: float.__mod__(x, y), [(3.7, 1.1)]),
    ("float.__rmod__", lambda x, y: float.__rmod__(x, y), [(1.1, 3.7)]),
    ("float.__pow__", lambda x, y: float.__pow__(x, y), [(1.3, 2.2)]),
    ("float.__rpow__", lambda x, y: float.__rpow__(x, y), [(2.2, 1.3)]),
    ("float.__neg__", lambda x: float.__neg__(x), [1.3]),
    ("float.__pos__", lambda x: float.__pos__(x) * x, [1.3]),
    ("float.__abs__", lambda x: float.__abs__(x), [-1.3]),
    ("float.__divmod__", lambda x, y: float.__divmod__(x, y)[1], [(3.7, 1.1)]),
    ("float.__rdivmod__", lambda x, y: float.__rdivmod__(x, y)[1], [(1.1, 3.7)]),
    ("float.__floordiv__", lambda x, y: float.__floordiv__(x, y) * x + y, [(3.7, 1.1)]),
    ("float.__rfloordiv__", lambda x, y: float.__rfloordiv__(x, y) * x + y, [(1.1, 3.7)]),
    ("float.__round__", lambda x: float.__round__(x, 1) + x, [1.37]),
    ("complex.__add__", lambda z, w: complex.__add__(z, w), [(1 + 2j, -0.5 + 0.3j)]),
    ("complex.__rsub__", lambda z, w: complex.__rsub__(z, w), [(1 + 2j, -0.5 + 0.3j)]),
    ("complex.__mul__", lambda z, w: complex.__mul__(z, w), [(1 + 2j, -0.5 + 0.3j)]),
    ("complex.__truediv__", lambda z, w: complex.__truediv__(z, w), [(1 + 2j, -0.5 + 0.3j)]),
    ("complex.__rtruediv__", lambda z, w: complex.__rtruediv__(z, w), [(1 + 2j, -0.5 + 0.3j)]),
    ("complex.__pow__", lambda z, w: complex.__pow__(z, w), [(1 + 2j, 0.5 - 0.3j)]),
    ("complex.__rpow__", lambda z, w: complex.__rpow__(z, w), [(0.5 - 0.3j, 1 + 2j)]),
    ("complex.__neg__", lambda z: complex.__neg__(z), [1 + 2j]),
    ("complex.__abs__", lambda z: complex.__abs__(z), [1 + 2j]),
]


@pytest.mark.parametrize("fn,args", case_params(SLOTS))
def test_slot_wrappers(fn, args):
    check(fn, args)


# Closed forms, including the quotient of % and divmod: x % y = x - y * (x // y)
# where Python's quotient can differ from floor(x / y) (7.0 // 0.1 == 69.0
# while 7.0 / 0.1 == 70.0); finite differences cannot see it (a jump lies
# within 1e-16 of y = 0.1), so compare with the closed form.
CLOSED = [
    ("mod_dy_quotient", lambda x, y: x % y, (7.0, 0.1), (1.0, -69.0)),
    ("divmod_dy_quotient", lambda x, y: divmod(x, y)[1], (7.0, 0.1), (1.0, -69.0)),
    ("rmod_dy", lambda x, y: float.__rmod__(y, x), (7.0, 0.1), (1.0, -69.0)),
    ("mod_neg", lambda x, y: x % y, (-7.5, 2.0), (1.0, 4.0)),
    ("pow_dx", lambda x, y: x ** y, (2.0, 3.0), (12.0, 8.0 * math.log(2.0))),
    ("pow_dy_zero_base", lambda x, y: x ** y, (0.0, 2.5), (0.0, 0.0)),
    ("pow_dx_zero_exp", lambda x, y: x ** y, (0.0, 0.0), (0.0, 0.0)),
    ("pow_dx_zero_base_one", lambda x, y: x ** y, (0.0, 1.0), (1.0, 0.0)),
    ("pow_dx_zero_base_two", lambda x, y: x ** y, (0.0, 2.0), (0.0, 0.0)),
    ("pow_sqrt_at_zero", lambda x, y: x ** y, (0.0, 0.5), (math.inf, 0.0)),
    ("div", lambda x, y: x / y, (3.0, 4.0), (0.25, -3.0 / 16.0)),
    ("abs_at_zero", lambda x, y: abs(x) + y, (0.0, 1.0), (0.0, 1.0)),
    ("floordiv", lambda x, y: x // y + x * y, (7.0, 2.0), (2.0, 7.0)),
]


@pytest.mark.parametrize("fn,args,expected", [pytest.param(f, a, e, id=n)
                                              for n, f, a, e in CLOSED])
def test_closed_forms(fn, args, expected):
    assert grad_all(fn, *args) == pytest.approx(expected, rel=1e-14)


def test_pow_negative_base_tracked_exponent_is_nan():
    # (-2.0) ** y is real only at integers: no real derivative in y.
    gx, gy = grad_all(lambda x, y: x ** y, -2.0, 3.0)
    assert gx == pytest.approx(12.0) and math.isnan(gy)


def test_complex_holomorphic_convention():
    # f(z) = z**2: ct_z = g * conj(f'(z)) = g * conj(2 z)
    z, g = 1.0 + 2.0j, 0.3 - 0.4j
    out, vjp_fn = bcad.vjp(lambda z: z * z, z)
    assert vjp_fn(g)[0] == pytest.approx(g * (2 * z).conjugate())
    # |z|: real output, ct_z = g * z / |z|
    out, vjp_fn = bcad.vjp(abs, 3.0 - 4.0j)
    assert vjp_fn(1.0)[0] == pytest.approx((3.0 - 4.0j) / 5.0)


def test_division_by_zero_of_a_numpy_float64_differentiates():
    # np.float64 / 0.0 is numpy's division: an infinity, not
    # ZeroDivisionError.  Its derivative is numpy's too (the backward pass
    # divided a Python float cotangent by 0.0 and raised).
    import warnings
    import numpy as np
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert bcad.grad(lambda x: np.float64(x) / 0.0)(1.0) == math.inf
        assert bcad.grad(lambda x: np.float64(x) / -0.0)(1.0) == -math.inf
        assert bcad.grad(lambda x: 2.0 / np.float64(x))(0.0) == -math.inf
        g = bcad.grad(lambda p: p[0] / (float(p[1]) * 0.0))(np.array([1.5, 2.0]))
        assert g[0] == math.inf and math.isnan(g[1])


def test_python_float_division_by_zero_is_pythons_error():
    with pytest.raises(ZeroDivisionError, match="float division by zero"):
        bcad.grad(lambda x: x / 0.0)(1.0)
