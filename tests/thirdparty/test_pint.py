"""pint (units): physics formulas written with Quantity objects, units
converted on the way, differentiated with respect to a magnitude.  pint's
Quantity is a Python class whose arithmetic, unit conversion and numpy
overrides (__array_ufunc__, __array_function__) are interpreted unchanged.
Checked against central finite differences and closed forms."""
import math

import numpy as np
import pytest

import bcad
from tests.support import fd_grad

pint = pytest.importorskip("pint")
ureg = pint.UnitRegistry()
Q_ = ureg.Quantity


def kinetic_energy_joules(m_kg):
    m = Q_(m_kg, "kg")
    v = Q_(30.0, "km/h")
    E = 0.5 * m * v ** 2
    return E.to("J").magnitude


def projectile_range_feet(v0):
    v = v0 * ureg.meter / ureg.second
    theta = 35.0 * ureg.degree
    g = 9.81 * ureg.meter / ureg.second ** 2
    R = v ** 2 * np.sin(2 * theta) / g
    return R.to(ureg.foot).magnitude


def ideal_gas_pressure_kpa(t_celsius):
    T = Q_(t_celsius, ureg.degC)            # an offset unit
    n = 2.0 * ureg.mol
    V = 10.0 * ureg.liter
    R = 8.314 * ureg.J / ureg.mol / ureg.K
    P = n * R * T.to(ureg.kelvin) / V
    return P.to(ureg.kPa).magnitude


def pendulum_period_ms(length_in):
    L = Q_(length_in, "inch")
    g = Q_(9.80665, "m/s**2")
    T = 2 * math.pi * (L / g) ** 0.5
    return T.m_as("ms")


def _closed_forms():
    kmh = 30.0 / 3.6
    return {
        kinetic_energy_joules: (3.0, 0.5 * kmh ** 2),
        projectile_range_feet: (20.0, 2 * 20.0 * math.sin(math.radians(70)) / 9.81 / 0.3048),
        ideal_gas_pressure_kpa: (25.0, 2.0 * 8.314 / 10.0),
        pendulum_period_ms: (40.0, 1000 * math.pi * math.sqrt(0.0254 / 9.80665 / 40.0)),
    }


@pytest.mark.parametrize("f", list(_closed_forms()), ids=lambda f: f.__name__)
def test_scalar_formula(f):
    x, dfdx = _closed_forms()[f]
    value, g = bcad.value_and_grad(f)(x)
    assert value == f(x)
    assert math.isclose(g, dfdx, rel_tol=1e-9)
    assert math.isclose(g, fd_grad(lambda y: f(float(y)), x)[()], rel_tol=1e-6)


def spring_energy_array(k_n_per_cm):
    """Elastic energy of springs with stiffnesses in N/cm, extensions in mm:
    arrays of quantities, np.sum through pint's __array_function__."""
    k = Q_(k_n_per_cm, "N/cm")
    x = Q_(np.array([3.0, 5.0, 2.0]), "mm")
    E = np.sum(0.5 * k * x ** 2)
    return E.to("mJ").magnitude


def rms_speed(v_kmh):
    """sqrt(mean(v^2)) with np.mean and np.sqrt on a Quantity array, then
    in-place conversion (ito) to m/s."""
    v = Q_(v_kmh, "km/h")
    r = np.sqrt(np.mean(v ** 2))
    r.ito("m/s")
    return float(r.magnitude)


def path_length_miles(xy_km):
    """Length of a polyline with np.diff and np.hypot on quantities."""
    p = Q_(xy_km.reshape(-1, 2), "km")
    d = np.diff(p, axis=0)
    seg = np.hypot(d[:, 0], d[:, 1])
    return seg.sum().to("mile").magnitude


def clipped_extension_mm(x_m):
    """Quantity comparisons (pint compares magnitudes with operator.gt)
    selecting a branch per element with np.where."""
    x = Q_(x_m, "m")
    limit = Q_(50.0, "cm")
    y = np.where(x > limit, limit + 0.1 * (x - limit), x)
    return float(np.sum(y ** 2).to("mm**2").magnitude)


ARRAY_CASES = {
    "comparison and np.where": (clipped_extension_mm, np.array([0.3, 0.9, 0.45, 1.2])),
    "spring energy": (spring_energy_array, np.array([2.0, 0.5, 1.5])),
    "rms speed": (rms_speed, np.array([50.0, 80.0, 120.0, 30.0])),
    "path length": (path_length_miles, np.array([0.0, 0.0, 3.0, 4.0, 6.0, 8.5, 7.0, 12.0])),
}


@pytest.mark.parametrize("name", ARRAY_CASES)
def test_array_of_quantities(name):
    f, x = ARRAY_CASES[name]
    value, g = bcad.value_and_grad(f)(x)
    assert value == f(x)
    np.testing.assert_allclose(g, fd_grad(f, x), rtol=1e-6, atol=1e-9)
    assert np.all(g != 0)


def test_spring_energy_closed_form():
    k = np.array([2.0, 0.5, 1.5])
    x_m = np.array([3.0, 5.0, 2.0]) * 1e-3
    # E[mJ] = sum(0.5 * k[N/cm] * 100 * x[m]^2) * 1000
    np.testing.assert_allclose(bcad.grad(spring_energy_array)(k), 0.5 * 100 * x_m ** 2 * 1000,
                               rtol=1e-12)


@ureg.wraps("W", ("V", "ohm"))
def joule_power(voltage, resistance):
    """A plain-float function wrapped by pint's unit-checking decorator."""
    return voltage ** 2 / resistance


def heater_power_kw(v):
    return joule_power(Q_(v, "kV"), 20.0 * ureg.ohm).to("kW").magnitude


def test_wraps_decorator():
    v = 0.23
    value, g = bcad.value_and_grad(heater_power_kw)(v)
    assert value == heater_power_kw(v)
    # P[kW] = (1000 v)^2 / 20 / 1000
    assert math.isclose(g, 2 * 1000 * v / 20, rel_tol=1e-12)
    assert math.isclose(g, fd_grad(lambda y: heater_power_kw(float(y)), v)[()], rel_tol=1e-6)


def test_gradient_with_respect_to_a_quantity_factor():
    """The differentiated magnitude scales a Quantity made elsewhere."""
    base = Q_(np.array([1.0, 2.0, 4.0]), "m/s")

    def drag_force(c):
        rho = Q_(1.2, "kg/m**3")
        area = Q_(c, "cm**2")
        F = 0.5 * rho * area * base ** 2
        return F.to("mN").magnitude.sum()

    c = 35.0
    g = bcad.grad(drag_force)(c)
    assert math.isclose(g, 0.5 * 1.2 * 1e-4 * np.sum(base.magnitude ** 2) * 1e3, rel_tol=1e-12)
