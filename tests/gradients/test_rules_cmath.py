"""The `cmath` module (bcad/rules/cmath_rules.py), with complex and real
inputs.  Convention: the cotangent of z = x + iy is dL/dx + i dL/dy, so a
holomorphic f gives ct_z = g * conj(f'(z)), and a real input gets the real
part.  Real inputs include points on the branch cuts (cmath.asin(2.0)):
along the real axis the function is differentiable there, on the side
cmath picks (the sign of the zero imaginary part)."""
import cmath
import math

import pytest

import bcad
from .test_rules_support import case_params, check_vjp

Z = [0.3 + 0.4j, -1.2 + 0.7j, 0.8 - 1.5j]          # off every branch cut

# (name, f, f', complex points, real points)
HOLOMORPHIC = [
    ("exp", cmath.exp, cmath.exp, Z, [-1.0, 0.5]),
    ("log", cmath.log, lambda z: 1 / z, Z, [0.5, 3.0, -2.0]),
    ("log10", cmath.log10, lambda z: 1 / (z * math.log(10)), Z, [0.5, -3.0]),
    ("sqrt", cmath.sqrt, lambda z: 0.5 / cmath.sqrt(z), Z, [4.0, -4.0]),
    ("sin", cmath.sin, cmath.cos, Z, [0.7]),
    ("cos", cmath.cos, lambda z: -cmath.sin(z), Z, [0.7]),
    ("tan", cmath.tan, lambda z: 1 / cmath.cos(z) ** 2, Z, [0.7]),
    ("sinh", cmath.sinh, cmath.cosh, Z, [0.7]),
    ("cosh", cmath.cosh, cmath.sinh, Z, [0.7]),
    ("tanh", cmath.tanh, lambda z: 1 / cmath.cosh(z) ** 2, Z, [0.7]),
    ("asin", cmath.asin, lambda z: 1 / cmath.sqrt(1 - z * z), Z, [0.5, -0.5, 2.0, -2.0]),
    ("acos", cmath.acos, lambda z: -1 / cmath.sqrt(1 - z * z), Z, [0.5, -0.5, 2.0, -2.0]),
    ("atan", cmath.atan, lambda z: 1 / (1 + z * z), Z, [0.5, -3.0]),
    ("asinh", cmath.asinh, lambda z: 1 / cmath.sqrt(z * z + 1), Z, [0.5, -3.0]),
    ("acosh", cmath.acosh, lambda z: 1 / (cmath.sqrt(z - 1) * cmath.sqrt(z + 1)), Z,
     [2.0, 0.5, -0.5, -2.0]),
    ("atanh", cmath.atanh, lambda z: 1 / (1 - z * z), Z, [0.5, -0.5, 2.0, -2.0]),
]


def _params():
    out = []
    for name, f, df, zs, xs in HOLOMORPHIC:
        for z in zs:
            out.append(pytest.param(f, df, z, id=f"{name}[{z}]"))
        for x in xs:
            out.append(pytest.param(f, df, x, id=f"{name}[real {x}]"))
    return out


@pytest.mark.parametrize("f,df,z", _params())
def test_holomorphic(f, df, z):
    check_vjp(lambda z: f(z), (z,))
    if type(z) is complex:   # the closed form (off the cuts, where df's branch is f's)
        g = 0.25 - 0.5j
        _, vjp_fn = bcad.vjp(lambda z: f(z), z)
        want = g * df(z).conjugate()
        got = vjp_fn(g)[0]
        assert got == pytest.approx(want, rel=1e-13)


OTHER = [
    ("phase", lambda z: cmath.phase(z), [0.3 + 0.4j, -1.2 - 0.7j, 1.5, -2.0 + 0.5j]),
    ("phase_real_neg", lambda x: cmath.phase(x), [-2.0]),
    ("polar", lambda z: cmath.polar(z), [0.3 + 0.4j, -1.2 - 0.7j]),
    ("polar_real", lambda x: cmath.polar(x), [1.5, -2.0]),
    ("polar_r", lambda z: cmath.polar(z)[0], [0.3 + 0.4j]),
    ("polar_phi", lambda z: cmath.polar(z)[1], [0.3 + 0.4j]),
    ("rect", lambda r, phi: cmath.rect(r, phi), [(1.5, 0.7), (2.0, -2.5), (0.5, 0.0)]),
    ("rect_const_r", lambda phi: cmath.rect(2, phi), [0.7]),
    ("rect_polar", lambda z: cmath.rect(*cmath.polar(z)), [0.3 + 0.4j]),
    ("log_base_real", lambda z, b: cmath.log(z, b), [(0.3 + 0.4j, 2.0), (-1.2 + 0.7j, 0.5)]),
    ("log_base_complex", lambda z, b: cmath.log(z, b), [(0.3 + 0.4j, 2.0 + 1.0j)]),
    ("log_base_real_args", lambda x, b: cmath.log(x, b), [(3.0, 2.0), (-3.0, 2.0)]),
    ("log_base_const", lambda z: cmath.log(z, 10), [0.3 + 0.4j]),
    ("log_const_z", lambda b: cmath.log(1 + 1j, b), [2.0 + 0.5j, 3.0]),
    ("composite", lambda z, x: cmath.exp(z * x) / cmath.sqrt(z + x) - cmath.sin(z) ** 2,
     [(0.3 + 0.4j, 0.7)]),
]


@pytest.mark.parametrize("fn,args", case_params(OTHER))
def test_other(fn, args):
    check_vjp(fn, args)


def test_phase_closed_form():
    # phase(x + iy) = atan2(y, x): ct = g * (-y/r^2 + i x/r^2)
    z = 3.0 + 4.0j
    _, vjp_fn = bcad.vjp(cmath.phase, z)
    assert vjp_fn(1.0)[0] == pytest.approx(complex(-4 / 25, 3 / 25))


def test_rect_closed_form():
    r, phi = 2.0, 0.5
    g = 0.3 - 0.7j
    _, vjp_fn = bcad.vjp(cmath.rect, r, phi)
    ct_r, ct_phi = vjp_fn(g)
    e = cmath.exp(1j * phi)
    assert ct_r == pytest.approx((g * e.conjugate()).real)
    assert ct_phi == pytest.approx((g * (1j * r * e).conjugate()).real)


# cmath.asin(2.0) takes the +0j side of the cut: d/dx asin(x) = +i/sqrt(3)
# there (the formula 1/sqrt(1 - z*z) evaluates to -i/sqrt(3)).
@pytest.mark.parametrize("f,x,deriv", [
    (cmath.asin, 2.0, 1j / math.sqrt(3)),
    (cmath.asin, -2.0, -1j / math.sqrt(3)),
    (cmath.acos, 2.0, -1j / math.sqrt(3)),
    (cmath.acos, -2.0, 1j / math.sqrt(3)),
    (cmath.acosh, 0.5, -1j / math.sqrt(0.75)),
    (cmath.sqrt, -4.0, 0.5 / 2j),
    (cmath.log, -2.0, -0.5),
], ids=["asin2", "asin-2", "acos2", "acos-2", "acosh.5", "sqrt-4", "log-2"])
def test_real_input_on_branch_cut(f, x, deriv):
    g = 0.6 + 0.8j
    _, vjp_fn = bcad.vjp(lambda x: f(x), x)
    got = vjp_fn(g)[0]
    assert type(got) is float
    assert got == pytest.approx((g * deriv.conjugate()).real, rel=1e-12)


@pytest.mark.parametrize("f,z", [(cmath.sqrt, 0j), (cmath.asin, 1 + 0j), (cmath.acos, -1 + 0j),
                                 (cmath.acosh, 1 + 0j)], ids=["sqrt", "asin", "acos", "acosh"])
def test_singular_points_do_not_raise(f, z):
    _, vjp_fn = bcad.vjp(lambda z: f(z), z)
    ct = vjp_fn(1.0 + 0j)[0]
    assert type(ct) is complex and (math.isinf(ct.real) or math.isnan(ct.real))


def test_phase_and_abs_at_zero():
    assert bcad.vjp(cmath.phase, 0j)[1](1.0)[0] == 0
    assert bcad.vjp(lambda z: cmath.polar(z)[0], 0j)[1](1.0)[0] == 0
