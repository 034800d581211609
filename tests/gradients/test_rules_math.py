"""The `math` module (bcad/rules/math_rules.py): every differentiable
function over its domain, against finite differences (first and second
order) and closed forms."""
import math

import pytest

import bcad
from bcad.rules.math_rules import digamma
from .test_rules_support import case_params, check, grad_all

needs = {name: pytest.mark.skipif(not hasattr(math, name), reason=f"no math.{name}")
         for name in ("cbrt", "exp2", "sumprod", "fma")}
EULER = 0.5772156649015329

# (name, f, f', points)
UNARY = [
    ("sin", math.sin, math.cos, [-2.0, 0.3, 4.0]),
    ("cos", math.cos, lambda x: -math.sin(x), [-2.0, 0.3, 4.0]),
    ("tan", math.tan, lambda x: 1.0 / math.cos(x) ** 2, [-1.2, 0.3, 2.0]),
    ("asin", math.asin, lambda x: 1.0 / math.sqrt(1.0 - x * x), [-0.9, 0.0, 0.5, 0.99]),
    ("acos", math.acos, lambda x: -1.0 / math.sqrt(1.0 - x * x), [-0.9, 0.0, 0.5, 0.99]),
    ("atan", math.atan, lambda x: 1.0 / (1.0 + x * x), [-3.0, 0.0, 0.5, 10.0]),
    ("sinh", math.sinh, math.cosh, [-2.0, 0.0, 3.0]),
    ("cosh", math.cosh, math.sinh, [-2.0, 0.0, 3.0]),
    ("tanh", math.tanh, lambda x: 1.0 / math.cosh(x) ** 2, [-2.0, 0.0, 0.7]),
    ("asinh", math.asinh, lambda x: 1.0 / math.sqrt(x * x + 1.0), [-5.0, 0.0, 0.5, 1e3]),
    ("acosh", math.acosh, lambda x: 1.0 / math.sqrt(x * x - 1.0), [1.01, 2.0, 100.0]),
    ("atanh", math.atanh, lambda x: 1.0 / (1.0 - x * x), [-0.9, 0.0, 0.5, 0.99]),
    ("exp", math.exp, math.exp, [-3.0, 0.0, 2.0]),
    ("exp2", getattr(math, "exp2", None), lambda x: 2.0 ** x * math.log(2.0), [-1.5, 0.0, 3.3],
     needs["exp2"]),
    ("expm1", math.expm1, math.exp, [-3.0, -1e-8, 0.5, 5.0]),
    ("log", math.log, lambda x: 1.0 / x, [1e-3, 0.5, 3.0, 1e5]),
    ("log1p", math.log1p, lambda x: 1.0 / (1.0 + x), [-0.9, 1e-10, 2.0]),
    ("log2", math.log2, lambda x: 1.0 / (x * math.log(2.0)), [0.1, 3.0]),
    ("log10", math.log10, lambda x: 1.0 / (x * math.log(10.0)), [0.1, 3.0]),
    ("sqrt", math.sqrt, lambda x: 0.5 / math.sqrt(x), [1e-6, 0.5, 4.0, 1e6]),
    ("cbrt", getattr(math, "cbrt", None), lambda x: 1.0 / (3.0 * abs(x) ** (2.0 / 3.0)),
     [-8.0, -0.1, 0.5, 27.0], needs["cbrt"]),
    ("erf", math.erf, lambda x: 2.0 / math.sqrt(math.pi) * math.exp(-x * x), [-2.0, 0.0, 0.5, 3.0]),
    ("erfc", math.erfc, lambda x: -2.0 / math.sqrt(math.pi) * math.exp(-x * x),
     [-2.0, 0.0, 0.5, 3.0]),
    ("gamma", math.gamma, None, [0.3, 1.0, 2.5, 7.7, -0.5, -2.5, -3.3]),
    ("lgamma", math.lgamma, None, [1e-3, 0.3, 1.0, 1.5, 2.5, 7.3, 30.0, 1e4,
                                   -0.3, -0.5, -2.5, -3.7, -10.2]),
    ("fabs", math.fabs, lambda x: math.copysign(1.0, x), [-2.0, 3.0]),
    ("degrees", math.degrees, lambda x: 180.0 / math.pi, [-2.0, 0.7]),
    ("radians", math.radians, lambda x: math.pi / 180.0, [-200.0, 45.0]),
]


def _unary_params():
    out = []
    for row in UNARY:
        name, f, df, points = row[:4]
        marks = row[4:] if len(row) > 4 else ()
        for x in points:
            out.append(pytest.param(f, df, x, id=f"{name}[{x}]", marks=marks))
    return out


@pytest.mark.parametrize("f,df,x", _unary_params())
def test_unary(f, df, x):
    check(lambda x: f(x), (x,))
    if df is not None:
        got = bcad.grad(lambda x: f(x))(x)
        assert got == pytest.approx(df(x), rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("f,x", [
    pytest.param(math.gamma, x, id=f"gamma[{x}]") for x in (0.3, 2.5, -2.5, 5.0)] + [
    pytest.param(math.lgamma, x, id=f"lgamma[{x}]") for x in (0.3, 2.5, -2.5, -0.7, 40.0)])
def test_gamma_lgamma_closed_form(f, x):
    d = bcad.grad(lambda x: f(x))(x)
    want = digamma(x) * (math.gamma(x) if f is math.gamma else 1.0)
    assert d == pytest.approx(want, rel=1e-13)


# Digamma against exact values: psi(1) = -gamma, psi(n + 1) = H_n - gamma,
# psi(1/2) = -gamma - 2 ln 2, psi(1/4) = -gamma - pi/2 - 3 ln 2,
# psi(1/3) = -gamma - pi / (2 sqrt 3) - 3/2 ln 3, psi(x + 1) = psi(x) + 1/x.
_PSI_HALF = -EULER - 2 * math.log(2.0)
DIGAMMA = [
    (1.0, -EULER),
    (2.0, 1.0 - EULER),
    (5.0, 1.0 + 1 / 2 + 1 / 3 + 1 / 4 - EULER),
    (11.0, math.fsum(1 / k for k in range(1, 11)) - EULER),
    (101.0, math.fsum(1 / k for k in range(1, 101)) - EULER),
    (0.5, _PSI_HALF),
    (1.5, _PSI_HALF + 2.0),
    (10.5, _PSI_HALF + math.fsum(1 / (k + 0.5) for k in range(10))),
    (0.25, -EULER - math.pi / 2 - 3 * math.log(2.0)),
    (1 / 3, -EULER - math.pi / (2 * math.sqrt(3)) - 1.5 * math.log(3.0)),
    (-0.5, _PSI_HALF + 2.0),
    (-1.5, _PSI_HALF + 2.0 + 2.0 / 3.0),
    (-2.5, _PSI_HALF + 2.0 + 2.0 / 3.0 + 0.4),
    (1e-9, -1e9 - EULER),
]


@pytest.mark.parametrize("x,want", DIGAMMA, ids=[str(x) for x, _ in DIGAMMA])
def test_digamma_exact_values(x, want):
    assert digamma(x) == pytest.approx(want, rel=4e-16, abs=4e-16)
    assert bcad.grad(lambda t: math.lgamma(t))(x) == pytest.approx(want, rel=4e-16, abs=4e-16)


def test_digamma_against_scipy():
    special = pytest.importorskip("scipy.special")
    xs = [k / 8 for k in range(-80, 200) if k % 8] + [1e-6, 0.01, 9.99, 10.0, 10.01, 1e3, 1e8,
                                                     -1e3 + 0.3, -12345.6]
    for x in xs:
        want = float(special.digamma(x))
        assert digamma(x) == pytest.approx(want, rel=2e-15, abs=2e-15), x


def test_digamma_poles_and_specials():
    assert math.isnan(digamma(0.0)) and math.isnan(digamma(-3.0))
    assert math.isnan(digamma(math.nan)) and digamma(math.inf) == math.inf
    assert math.isnan(digamma(-math.inf))
    # the positive root of psi
    assert abs(digamma(1.4616321449683622)) < 1e-15


NARY = [
    ("atan2", lambda y, x: math.atan2(y, x),
     [(1.0, 2.0), (1.0, -2.0), (-1.0, -2.0), (-1.0, 2.0), (0.5, 0.0), (1e-3, 1e3)]),
    ("atan2_const_x", lambda y: math.atan2(y, 2), [0.7]),
    ("hypot0", lambda x: math.hypot() + x, [1.0]),
    ("hypot1", lambda x: math.hypot(x), [-2.0, 3.0]),
    ("hypot2", lambda x, y: math.hypot(x, y), [(3.0, -4.0), (1e-3, 2.0)]),
    ("hypot3", lambda x, y, z: math.hypot(x, y, z), [(1.5, 2.0, 0.3)]),
    ("hypot5", lambda *a: math.hypot(*a), [(1.5, -2.0, 0.3, 4.0, -0.1)]),
    ("hypot_const", lambda x: math.hypot(x, 3, 0.5), [1.5]),
    ("hypot_star_list", lambda x, y: math.hypot(*[x, y, 2.0]), [(1.5, -2.0)]),
    ("dist2", lambda a, b, c, d: math.dist((a, b), (c, d)), [(1.0, 2.0, -0.5, 0.3)]),
    ("dist3_lists", lambda x, y, z: math.dist([x, y, z], [1, 2, 3]), [(1.5, -2.0, 0.3)]),
    ("dist_q", lambda x, y: math.dist([1.0, 2.0], [x, y]), [(1.5, -2.0)]),
    ("dist_gen", lambda x, y: math.dist(iter([x, y]), (t for t in [y, 0.5])), [(1.5, -2.0)]),
    ("exp_log", lambda x, y: math.exp(x) * math.log(y), [(0.3, 2.0)]),
    ("log_base", lambda x, b: math.log(x, b), [(3.0, 2.0), (0.5, 10.0), (3.0, 0.5)]),
    ("log_base_int", lambda x: math.log(x, 2), [3.0]),
    ("log_const_x", lambda b: math.log(8.0, b), [2.5]),
    ("log_int_x", lambda b: math.log(8, b), [2.5]),
    ("pow", lambda x, y: math.pow(x, y), [(1.3, 2.2), (0.5, -1.5), (4.0, 0.5)]),
    ("pow_negbase", lambda x: math.pow(x, 3.0), [-1.5]),
    ("pow_negbase_int", lambda x: math.pow(x, 2), [-1.5]),
    ("pow_rconst", lambda y: math.pow(2, y), [1.5]),
    ("pow_zero_exp", lambda x: math.pow(x, 0) + x, [1.5]),
    ("fmod", lambda x, y: math.fmod(x, y), [(7.5, 2.0), (-7.5, 2.0), (7.5, -2.0), (0.5, 2.0)]),
    ("fmod_const", lambda x: math.fmod(x, 2.5), [7.3]),
    ("fmod_rconst", lambda y: math.fmod(7.0, y), [2.3]),
    ("remainder", lambda x, y: math.remainder(x, y), [(7.5, 2.0), (-7.2, 2.0), (6.7, -2.0)]),
    ("remainder_const", lambda x: math.remainder(x, 2.5), [6.6]),
    ("copysign", lambda x, y: math.copysign(x, y), [(1.5, -2.0), (-1.5, 2.0), (1.5, 2.0),
                                                    (-1.5, -2.0)]),
    ("copysign_const", lambda x: math.copysign(x, -1), [1.5]),
    ("ldexp", lambda x: math.ldexp(x, 3), [1.5, -0.2]),
    ("ldexp_neg", lambda x: math.ldexp(x, -2), [1.5]),
    ("frexp_m", lambda x: math.frexp(x)[0], [3.0, -0.3, 1e10]),
    ("frexp_rebuild", lambda x: math.frexp(x)[0] * 2.0 ** math.frexp(x)[1], [3.0]),
    ("modf_frac", lambda x: math.modf(x)[0], [2.3, -2.3]),
    ("modf_both", lambda x: math.modf(x)[0] * 3.0 + math.modf(x)[1], [2.3]),
    ("fsum", lambda x, y: math.fsum([x, y, x * y]), [(1.5, -2.0)]),
    ("fsum_tuple", lambda x, y: math.fsum((x, 1, y)), [(1.5, -2.0)]),
    ("fsum_gen", lambda x, y: math.fsum(t * t for t in (x, y)), [(1.5, -2.0)]),
    ("fsum_empty", lambda x: math.fsum([]) + x, [1.5]),
    ("prod", lambda x, y, z: math.prod([x, y, z]), [(1.5, -2.0, 0.3)]),
    ("prod_int_items", lambda x, y: math.prod((x, 2, y, 3)), [(1.5, -2.0)]),
    ("prod_gen", lambda x, y: math.prod(t + 1.0 for t in (x, y)), [(1.5, -2.0)]),
    ("prod_one", lambda x: math.prod([x]), [1.5]),
    ("prod_zero_factor", lambda x, y: math.prod([x, y]), [(0.0, 2.0), (2.0, 0.0)]),
    ("prod_two_zeros", lambda x, y, z: math.prod([x, y, z]), [(0.0, 0.0, 2.0)]),
    ("prod_const_start", lambda x, y: math.prod([x, y], start=2.5), [(1.5, -2.0)]),
    ("sumprod", lambda a, b, c, d: math.sumprod([a, b], [c, d]), [(1.5, -2.0, 0.3, 4.0)],
     needs["sumprod"]),
    ("sumprod_consts", lambda a, b: math.sumprod([a, 2, b], (b, 0.5, 3)), [(1.5, -2.0)],
     needs["sumprod"]),
    ("prod_complex", lambda z, w, x: math.prod([z, w, x]), [(1 + 2j, -0.5 + 0.3j, 0.7)]),
    ("sumprod_complex", lambda z, w, x: math.sumprod([z, x], [w, 2.0]),
     [(1 + 2j, -0.5 + 0.3j, 0.7)], needs["sumprod"]),
    ("fma", lambda x, y, z: math.fma(x, y, z), [(1.5, -2.0, 0.3)], needs["fma"]),
    ("fma_consts", lambda x: math.fma(x, 3, x), [1.5], needs["fma"]),
    ("nextafter", lambda x, y: math.nextafter(x, y), [(1.5, 3.0)]),
]


@pytest.mark.parametrize("fn,args", case_params(NARY))
def test_nary(fn, args):
    check(fn, args)


CLOSED = [
    ("atan2", lambda y, x: math.atan2(y, x), (3.0, 4.0), (4.0 / 25, -3.0 / 25)),
    ("hypot", lambda x, y, z: math.hypot(x, y, z), (2.0, 3.0, 6.0), (2 / 7, 3 / 7, 6 / 7)),
    ("hypot_at_zero", lambda x, y: math.hypot(x, y), (0.0, 0.0), (0.0, 0.0)),
    ("dist_same_point", lambda x, y: math.dist([x], [y]), (1.0, 1.0), (0.0, 0.0)),
    ("log_base", lambda x, b: math.log(x, b), (8.0, 2.0),
     (1 / (8 * math.log(2)), -math.log(8) / (2 * math.log(2) ** 2))),
    ("prod_zeros", lambda x, y, z: math.prod([x, y, z]), (0.0, 3.0, 2.0), (6.0, 0.0, 0.0)),
    ("prod_two_zeros", lambda x, y, z: math.prod([x, y, z]), (0.0, 0.0, 2.0), (0.0, 0.0, 0.0)),
    ("copysign", lambda x, y: math.copysign(x, y), (-1.5, 2.0), (-1.0, 0.0)),
    ("copysign_neg_zero", lambda x, y: math.copysign(x, y), (1.5, -0.0), (-1.0, 0.0)),
    ("ldexp", lambda x: math.ldexp(x, 10), (1.5,), (1024.0,)),
    ("frexp", lambda x: math.frexp(x)[0], (12.0,), (1 / 16,)),
    # the quotient from the exact result: 7.0 = 69 * 0.1 + 0.0999...
    ("fmod_quotient", lambda x, y: math.fmod(x, y), (7.0, 0.1), (1.0, -69.0)),
    ("remainder_quotient", lambda x, y: math.remainder(x, y), (7.0, 0.1), (1.0, -70.0)),
    ("fmod_neg", lambda x, y: math.fmod(x, y), (-7.5, 2.0), (1.0, 3.0)),
    ("nextafter", lambda x, y: math.nextafter(x, y), (1.0, 2.0), (1.0, 0.0)),
    ("pow", lambda x, y: math.pow(x, y), (2.0, 3.0), (12.0, 8 * math.log(2))),
    ("pow_zero_base", lambda x, y: math.pow(x, y), (0.0, 2.5), (0.0, 0.0)),
]


@pytest.mark.parametrize("fn,args,expected", [pytest.param(f, a, e, id=n)
                                              for n, f, a, e in CLOSED])
def test_closed_forms(fn, args, expected):
    assert grad_all(fn, *args) == pytest.approx(expected, rel=1e-14, abs=1e-300)


def test_remainder_quotient_matches_python():
    # remainder rounds the quotient to even; 7.0 / 0.1 rounds to 70.0 too
    assert math.remainder(7.0, 0.1) == pytest.approx(7.0 - 70 * 0.1, abs=1e-15)


# Derivatives that are infinite (or undefined) at a point the forward pass
# accepts: IEEE values, not a ZeroDivisionError from the backward pass.
SINGULAR = [
    ("sqrt", lambda x: math.sqrt(x), 0.0, math.inf),
    ("cbrt", lambda x: math.cbrt(x), 0.0, math.inf) if hasattr(math, "cbrt") else None,
    ("asin", lambda x: math.asin(x), 1.0, math.inf),
    ("asin_neg", lambda x: math.asin(x), -1.0, math.inf),
    ("acos", lambda x: math.acos(x), 1.0, -math.inf),
    ("acosh", lambda x: math.acosh(x), 1.0, math.inf),
    ("pow_half", lambda x: math.pow(x, 0.5), 0.0, math.inf),
    ("atan2_origin", lambda x: math.atan2(x, 0.0), 0.0, math.nan),
    ("sqrt_times_zero", lambda x: math.sqrt(x * x), 0.0, math.nan),
]


@pytest.mark.parametrize("fn,x,want", [pytest.param(*r[1:], id=r[0]) for r in SINGULAR if r])
def test_singular_points(fn, x, want):
    got = bcad.grad(fn)(x)
    if math.isnan(want):
        assert math.isnan(got)
    else:
        assert got == want
