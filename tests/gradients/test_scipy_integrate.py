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


@pytest.mark.parametrize("method", ["RK23", "DOP853"])
def test_the_other_explicit_runge_kutta_methods(method):
    """RK23 and DOP853 are scipy Python code like RK45 (DOP853's dense
    error estimate included)."""
    def loss(p):
        sol = integrate.solve_ivp(lotka_volterra, (0.0, 3.0), Y0, args=tuple(p), method=method,
                                  rtol=1e-8, atol=1e-10)
        return float(np.sum(sol.y[:, -1] ** 2))
    np.testing.assert_allclose(bcad.grad(loss)(P), fd_grad(loss, P), rtol=1e-5)


def test_dense_output_and_events_free_t_eval():
    """sol.y at t_eval points and the dense-output interpolant."""
    t_eval = np.linspace(0.0, 2.0, 7)

    def loss(p):
        sol = integrate.solve_ivp(lotka_volterra, (0.0, 2.0), Y0, args=tuple(p), t_eval=t_eval,
                                  dense_output=True, rtol=1e-8, atol=1e-10)
        return float(np.sum(sol.y ** 2) + np.sum(sol.sol(1.234)))
    np.testing.assert_allclose(bcad.grad(loss)(P), fd_grad(loss, P), rtol=1e-5)


@pytest.mark.parametrize("method", ["Radau", "BDF", "LSODA"])
def test_implicit_and_compiled_methods_are_refused(method):
    """Radau and BDF factor their iteration matrix with overwrite_a=True
    (LAPACK would destroy values the VJP reads); LSODA is Fortran that calls
    the right-hand side back natively. Each is a clear error."""
    def loss(p):
        sol = integrate.solve_ivp(lotka_volterra, (0.0, 1.0), Y0, args=tuple(p), method=method)
        return float(np.sum(sol.y[:, -1] ** 2))
    with pytest.raises(bcad.NonDifferentiableError):
        bcad.grad(loss)(P)
