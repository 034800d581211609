"""scipy.integrate.solve_ivp, unmodified: its Python RK45 is interpreted,
so the gradient is that of the discrete solver (its adaptive steps
included) and agrees with finite differences of the solve, which perturb
the same discrete program (the accepted steps do not change within the
finite-difference step)."""
import numpy as np
import pytest

import bcad
from tests.support import fd_grad

integrate = pytest.importorskip("scipy.integrate")


def lotka_volterra(t, y, a, b, c, d):
    u, v = y
    return np.array([a * u - b * u * v, c * u * v - d * v])


def final_state_loss(p, y0, t1=4.0):
    sol = integrate.solve_ivp(lotka_volterra, (0.0, t1), y0, args=tuple(p), method="RK45",
                              rtol=1e-8, atol=1e-10)
    return float(np.sum(sol.y[:, -1] ** 2))


P = np.array([1.5, 1.0, 3.0, 1.0])
Y0 = np.array([1.0, 1.0])


def test_solve_ivp_rk45_wrt_parameters():
    g = bcad.grad(final_state_loss)(P, Y0)
    np.testing.assert_allclose(g, fd_grad(lambda p: final_state_loss(p, Y0), P), rtol=1e-5)


def test_solve_ivp_rk45_wrt_initial_state():
    g = bcad.grad(final_state_loss, argnums=1)(P, Y0)
    np.testing.assert_allclose(g, fd_grad(lambda y: final_state_loss(P, y), Y0), rtol=1e-5)
