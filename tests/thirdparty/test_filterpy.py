"""filterpy (Kalman filtering): a KalmanFilter object configured and run as
its documentation shows (predict/update loops, batch_filter, rts_smoother,
an unscented filter), its log-likelihood or its estimates differentiated
with respect to the noise parameters and the initial state.  filterpy's
classes and helpers are interpreted unchanged.  Checked against central
finite differences."""
import numpy as np
import pytest

import bcad
from tests.support import fd_grad

pytest.importorskip("filterpy")
from filterpy.kalman import KalmanFilter, UnscentedKalmanFilter, MerweScaledSigmaPoints  # noqa
from filterpy.common import Q_discrete_white_noise  # noqa: E402

rng = np.random.default_rng(0)
ZS = np.cumsum(rng.normal(size=25)) * 0.5 + rng.normal(size=25)


def constant_velocity_filter(q, r, x0=(0.0, 0.0)):
    kf = KalmanFilter(dim_x=2, dim_z=1)
    kf.x = np.array([[x0[0]], [x0[1]]])
    kf.F = np.array([[1.0, 1.0], [0.0, 1.0]])
    kf.H = np.array([[1.0, 0.0]])
    kf.P *= 10.0
    kf.R = np.array([[r]])
    kf.Q = Q_discrete_white_noise(dim=2, dt=1.0, var=q)
    return kf


def loglik(theta, zs):
    """Sum of the filter's per-step log-likelihoods; theta = log [q, r]."""
    q, r = np.exp(theta)
    kf = constant_velocity_filter(q, r)
    ll = 0.0
    for z in zs:
        kf.predict()
        kf.update(z)
        ll += kf.log_likelihood
    return ll


def loglik_initial_state(x0, zs):
    kf = constant_velocity_filter(0.3, 0.8, x0)
    kf.P = np.diag([0.5, 0.5])
    ll = 0.0
    for z in zs:
        kf.predict()
        kf.update(z)
        ll += kf.log_likelihood
    return ll


def batch_then_smooth(theta, zs):
    """batch_filter, then the RTS smoother; a loss on the smoothed positions."""
    q, r = np.exp(theta)
    kf = constant_velocity_filter(q, r)
    kf.x = np.array([0.0, 0.0])
    mu, cov, _, _ = kf.batch_filter(zs)
    xs, Ps, Ks, Pp = kf.rts_smoother(mu, cov)
    return float(np.sum((xs[:, 0] - zs) ** 2) + np.sum(Ps[:, 0, 0]))


CASES = {
    "log-likelihood wrt log q, log r": (loglik, np.array([np.log(0.3), np.log(0.8)])),
    "log-likelihood wrt initial state": (loglik_initial_state, np.array([0.4, -0.2])),
    "batch_filter + rts_smoother": (batch_then_smooth, np.array([np.log(0.2), np.log(1.3)])),
}


@pytest.mark.parametrize("name", CASES)
def test_kalman_filter(name):
    f, theta = CASES[name]
    value, g = bcad.value_and_grad(f)(theta, ZS)
    assert value == f(theta, ZS)
    np.testing.assert_allclose(g, fd_grad(f, theta, ZS), rtol=1e-6, atol=1e-8)
    assert np.all(np.abs(g) > 1e-3)


def _reference_loglik(theta, zs):
    """The same filter written out with numpy (no filterpy)."""
    q, r = np.exp(theta)
    F = np.array([[1.0, 1.0], [0.0, 1.0]])
    H = np.array([[1.0, 0.0]])
    Q = q * np.array([[0.25, 0.5], [0.5, 1.0]])
    x, P = np.zeros(2), 10.0 * np.eye(2)
    ll = 0.0
    for z in zs:
        x, P = F @ x, F @ P @ F.T + Q
        S = H @ P @ H.T + r
        v = z - H @ x
        K = P @ H.T / S
        x, P = x + (K * v).ravel(), (np.eye(2) - K @ H) @ P
        ll += -0.5 * (np.log(2 * np.pi * S[0, 0]) + v[0] ** 2 / S[0, 0])
    return ll


def test_agrees_with_a_filter_written_in_numpy():
    theta = np.array([np.log(0.3), np.log(0.8)])
    np.testing.assert_allclose(loglik(theta, ZS), _reference_loglik(theta, ZS), rtol=1e-10)
    np.testing.assert_allclose(bcad.grad(loglik)(theta, ZS),
                               bcad.grad(_reference_loglik)(theta, ZS), rtol=1e-8)


def ukf_loss(theta, zs):
    """An unscented filter on a nonlinear (range) measurement."""
    q, r = np.exp(theta)

    def fx(x, dt):
        return np.array([x[0] + dt * x[1], x[1]])

    def hx(x):
        return np.array([np.sqrt(x[0] ** 2 + 4.0)])

    points = MerweScaledSigmaPoints(2, alpha=0.1, beta=2.0, kappa=1.0)
    ukf = UnscentedKalmanFilter(dim_x=2, dim_z=1, dt=1.0, fx=fx, hx=hx, points=points)
    ukf.x = np.array([1.0, 0.1])
    ukf.P *= 0.5
    ukf.R = np.array([[r]])
    ukf.Q = Q_discrete_white_noise(dim=2, dt=1.0, var=q)
    total = 0.0
    for z in zs:
        ukf.predict()
        ukf.update(np.array([z]))
        total += ukf.x[0] ** 2
    return float(total)


def test_unscented_kalman_filter():
    zs = np.sqrt((1.0 + 0.1 * np.arange(10)) ** 2 + 4.0) + 0.05 * rng.normal(size=10)
    theta = np.array([np.log(0.01), np.log(0.05)])
    value, g = bcad.value_and_grad(ukf_loss)(theta, zs)
    assert value == ukf_loss(theta, zs)
    np.testing.assert_allclose(g, fd_grad(ukf_loss, theta, zs), rtol=1e-5, atol=1e-8)
