"""Statistical models written as a user writes them, differentiated through
numpy and scipy unmodified: a Kalman filter's log-likelihood, a Gaussian
process's marginal likelihood, a scipy.stats likelihood fitted with
minimize. Checked against central finite differences and closed forms."""
import numpy as np
import pytest

import bcad
from tests.support import fd_grad

linalg = pytest.importorskip("scipy.linalg")
stats = pytest.importorskip("scipy.stats")
so = pytest.importorskip("scipy.optimize")


# ---------------------------------------------------------------- Kalman filter

def simulate_state_space(F, Q, H, R, n, seed):
    rng = np.random.default_rng(seed)
    x = np.zeros(F.shape[0])
    ys = np.empty((n, H.shape[0]))
    for t in range(n):
        x = F @ x + rng.multivariate_normal(np.zeros(len(x)), Q)
        ys[t] = H @ x + rng.multivariate_normal(np.zeros(H.shape[0]), R)
    return ys


H_OBS = np.array([[1.0, 0.0], [0.3, 1.0]])
F_TRUE = np.array([[0.9, 0.2], [-0.1, 0.8]])
YS = simulate_state_space(F_TRUE, np.diag([0.5, 0.2]), H_OBS, np.diag([0.3, 0.4]), 40, seed=0)


def unpack(theta):
    """theta = [log q1, log q2, log r1, log r2, F11, F12, F21, F22]."""
    Q = np.diag(np.exp(theta[0:2]))
    R = np.diag(np.exp(theta[2:4]))
    F = theta[4:8].reshape(2, 2)
    return F, Q, R


def kalman_loglik(theta, ys, H):
    """Predict/update with np.linalg.solve and slogdet; the filtered means,
    covariances and per-step terms are written into preallocated arrays."""
    F, Q, R = unpack(theta)
    n, m = ys.shape
    d = F.shape[0]
    means = np.zeros((n + 1, d))
    covs = np.zeros((n + 1, d, d))
    covs[0] = 10.0 * np.eye(d)
    terms = np.empty(n)
    for t in range(n):
        # predict
        x = F @ means[t]
        P = F @ covs[t] @ F.T + Q
        # update
        S = H @ P @ H.T + R
        v = ys[t] - H @ x
        K = np.linalg.solve(S, H @ P).T            # P H^T S^-1 (S, P symmetric)
        means[t + 1] = x + K @ v
        covs[t + 1] = P - K @ S @ K.T
        sign, logdet = np.linalg.slogdet(S)
        terms[t] = -0.5 * (m * np.log(2 * np.pi) + logdet + v @ np.linalg.solve(S, v))
    return float(terms.sum())


def kalman_loglik_joseph(theta, ys, H):
    """The same filter as another user writes it: np.linalg.inv, the
    Joseph-form covariance update, in-place row writes, det instead of slogdet."""
    F, Q, R = unpack(theta)
    d = F.shape[0]
    x = np.zeros(d)
    P = 10.0 * np.eye(d)
    ll = 0.0
    innovations = np.zeros_like(ys)
    for t, y in enumerate(ys):
        x = F @ x
        P = F @ P @ F.T + Q
        S = H @ P @ H.T + R
        Sinv = np.linalg.inv(S)
        K = P @ H.T @ Sinv
        innovations[t, :] = y - H @ x
        x += K @ innovations[t]
        IKH = np.eye(d) - K @ H
        P = IKH @ P @ IKH.T + K @ R @ K.T
        ll -= 0.5 * (len(y) * np.log(2 * np.pi) + np.log(np.linalg.det(S))
                     + innovations[t] @ Sinv @ innovations[t])
    return float(ll)


THETAS = [np.array([np.log(0.5), np.log(0.2), np.log(0.3), np.log(0.4), 0.9, 0.2, -0.1, 0.8]),
          np.array([0.1, -0.5, -1.0, 0.3, 0.7, 0.0, 0.1, 0.95])]


@pytest.mark.parametrize("loglik", [kalman_loglik, kalman_loglik_joseph],
                         ids=["solve-slogdet", "inv-joseph"])
@pytest.mark.parametrize("k", range(len(THETAS)))
def test_kalman_loglik_gradient(loglik, k):
    theta = THETAS[k]
    value, g = bcad.value_and_grad(loglik)(theta, YS, H_OBS)
    assert value == loglik(theta, YS, H_OBS)
    np.testing.assert_allclose(g, fd_grad(loglik, theta, YS, H_OBS), rtol=1e-6, atol=1e-6)


def test_kalman_filters_agree():
    for theta in THETAS:
        np.testing.assert_allclose(kalman_loglik(theta, YS, H_OBS),
                                   kalman_loglik_joseph(theta, YS, H_OBS), rtol=1e-10)
        np.testing.assert_allclose(bcad.grad(kalman_loglik)(theta, YS, H_OBS),
                                   bcad.grad(kalman_loglik_joseph)(theta, YS, H_OBS),
                                   rtol=1e-8, atol=1e-8)


def test_kalman_gradient_with_respect_to_a_pytree_of_parameters():
    def loglik(params, ys, H):
        theta = np.concatenate([params["log_q"], params["log_r"], params["F"].ravel()])
        return kalman_loglik(theta, ys, H)
    params = {"log_q": THETAS[0][0:2], "log_r": THETAS[0][2:4], "F": THETAS[0][4:].reshape(2, 2)}
    g = bcad.grad(loglik)(params, YS, H_OBS)
    flat = bcad.grad(kalman_loglik)(THETAS[0], YS, H_OBS)
    assert g["F"].shape == (2, 2)
    np.testing.assert_allclose(np.concatenate([g["log_q"], g["log_r"], g["F"].ravel()]), flat,
                               rtol=1e-12, atol=1e-12)


def test_kalman_maximum_likelihood():
    nll = lambda th: -kalman_loglik(th, YS, H_OBS)
    r = so.minimize(nll, THETAS[1], jac=bcad.grad(nll), method="BFGS")
    assert r.success, r
    np.testing.assert_allclose(bcad.grad(nll)(r.x), 0.0, atol=1e-4)
    assert nll(r.x) < nll(THETAS[0])          # at least as likely as the truth
    np.testing.assert_allclose(r.x[4:], F_TRUE.ravel(), atol=0.3)


# ---------------------------------------------------------------- Gaussian process

rng = np.random.default_rng(1)
XG = rng.uniform(-3, 3, size=(25, 2))
YG = np.sin(XG[:, 0]) * np.cos(0.5 * XG[:, 1]) + 0.1 * rng.standard_normal(25)


def rbf(X1, X2, ell, sf2):
    d2 = np.sum((X1[:, None, :] - X2[None, :, :]) ** 2, axis=-1)
    return sf2 * np.exp(-0.5 * d2 / ell ** 2)


def gp_loglik_numpy(theta, X, y):
    """log p(y | X, theta), theta = [log ell, log sf2, log sn2]."""
    ell, sf2, sn2 = np.exp(theta)
    K = rbf(X, X, ell, sf2) + sn2 * np.eye(len(X))
    L = np.linalg.cholesky(K)
    alpha = np.linalg.solve(L.T, np.linalg.solve(L, y))
    return float(-0.5 * y @ alpha - np.sum(np.log(np.diag(L))) - 0.5 * len(y) * np.log(2 * np.pi))


def gp_loglik_scipy(theta, X, y):
    ell, sf2, sn2 = np.exp(theta)
    K = rbf(X, X, ell, sf2)
    K[np.diag_indices_from(K)] += sn2                 # in place on the diagonal
    L = linalg.cholesky(K, lower=True)
    z = linalg.solve_triangular(L, y, lower=True)
    alpha = linalg.solve_triangular(L, z, lower=True, trans="T")
    logdet = 2.0 * np.sum(np.log(np.diag(L)))
    return float(-0.5 * y @ alpha - 0.5 * logdet - 0.5 * len(y) * np.log(2 * np.pi))


def gp_loglik_upper(theta, X, y):
    # scipy's default upper factor K = U^T U
    ell, sf2, sn2 = np.exp(theta)
    K = rbf(X, X, ell, sf2) + sn2 * np.eye(len(X))
    U = linalg.cholesky(K)
    z = linalg.solve_triangular(U, y, trans="T")
    return float(-0.5 * z @ z - np.log(np.diag(U)).sum() - 0.5 * len(y) * np.log(2 * np.pi))


def gp_closed_form_grad(theta, X, y):
    """d log p / d theta_j = tr((alpha alpha^T - K^-1) dK/dtheta_j) / 2."""
    ell, sf2, sn2 = np.exp(theta)
    Kf = rbf(X, X, ell, sf2)
    K = Kf + sn2 * np.eye(len(X))
    Kinv = np.linalg.inv(K)
    alpha = Kinv @ y
    d2 = np.sum((X[:, None, :] - X[None, :, :]) ** 2, axis=-1)
    dKs = [Kf * d2 / ell ** 2, Kf, sn2 * np.eye(len(X))]
    W = np.outer(alpha, alpha) - Kinv
    return np.array([0.5 * np.sum(W * dK) for dK in dKs])


GP_THETAS = [np.array([0.0, 0.0, np.log(0.01)]), np.array([0.4, -0.3, -2.0]),
             np.array([-0.5, 0.8, -4.0])]
GP_LOGLIKS = [gp_loglik_numpy, gp_loglik_scipy, gp_loglik_upper]


@pytest.mark.parametrize("loglik", GP_LOGLIKS, ids=["numpy", "scipy-lower", "scipy-upper"])
@pytest.mark.parametrize("k", range(len(GP_THETAS)))
def test_gp_marginal_likelihood_gradient(loglik, k):
    theta = GP_THETAS[k]
    g = bcad.grad(loglik)(theta, XG, YG)
    np.testing.assert_allclose(g, gp_closed_form_grad(theta, XG, YG), rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(g, fd_grad(loglik, theta, XG, YG), rtol=1e-5, atol=1e-6)


def test_gp_with_respect_to_the_inputs():
    # the gradient with respect to the training inputs goes through the
    # broadcast differences: against finite differences
    theta = GP_THETAS[1]
    g = bcad.grad(gp_loglik_scipy, argnums=1)(theta, XG, YG)
    assert g.shape == XG.shape
    np.testing.assert_allclose(g, fd_grad(lambda X: gp_loglik_scipy(theta, X, YG), XG),
                               rtol=1e-5, atol=1e-6)


def test_gp_hyperparameter_fit():
    nll = lambda th, X, y: -gp_loglik_scipy(th, X, y)
    r = so.minimize(nll, np.zeros(3), args=(XG, YG), jac=bcad.grad(nll), method="L-BFGS-B",
                    bounds=[(-3, 3), (-3, 3), (-10, 2)])
    assert r.success, r
    np.testing.assert_allclose(gp_closed_form_grad(r.x, XG, YG), 0.0, atol=1e-3)
    assert 0.005 < np.exp(r.x[2]) < 0.05           # noise variance near 0.1**2


# ---------------------------------------------------------------- scipy.stats likelihood

def test_norm_logpdf_maximum_likelihood():
    data = np.random.default_rng(2).normal(1.7, 0.6, size=200)

    def nll(th, x):
        return -np.sum(stats.norm.logpdf(x, loc=th[0], scale=np.exp(th[1])))

    th = np.array([0.3, 0.2])
    mu, s = th[0], np.exp(th[1])
    closed = -np.array([np.sum(data - mu) / s ** 2, np.sum((data - mu) ** 2) / s ** 2 - len(data)])
    np.testing.assert_allclose(bcad.grad(nll)(th, data), closed, rtol=1e-10)
    r = so.minimize(nll, np.zeros(2), args=(data,), jac=bcad.grad(nll), method="BFGS")
    assert r.success, r
    np.testing.assert_allclose(r.x[0], data.mean(), atol=1e-5)
    np.testing.assert_allclose(np.exp(r.x[1]), data.std(), rtol=1e-5)


def test_norm_logpdf_regression():
    # y ~ N(X beta, sigma^2): the optimum is the OLS fit, sigma^2 = RSS / n
    rng = np.random.default_rng(3)
    X = np.column_stack([np.ones(60), rng.standard_normal((60, 2))])
    y = X @ np.array([0.5, -1.0, 2.0]) + 0.3 * rng.standard_normal(60)

    def nll(th):
        return -np.sum(stats.norm(loc=X @ th[:3], scale=np.exp(th[3])).logpdf(y))

    r = so.minimize(nll, np.zeros(4), jac=bcad.grad(nll), method="L-BFGS-B")
    assert r.success, r
    beta = np.linalg.lstsq(X, y, rcond=None)[0]
    np.testing.assert_allclose(r.x[:3], beta, atol=1e-4)
    np.testing.assert_allclose(np.exp(2 * r.x[3]), np.mean((y - X @ beta) ** 2), rtol=1e-4)
    np.testing.assert_allclose(bcad.grad(nll)(r.x + 0.1), fd_grad(nll, r.x + 0.1), rtol=1e-6)
