"""scikit-learn's numpy code: pairwise kernels and distances, metrics,
preprocessing, linear models' predictions and Gaussian-process kernels and
marginal likelihood, differentiated with respect to data or
hyperparameters.  scikit-learn's input validation (check_array,
validate_params), its estimator classes and kernel algebra are interpreted
unchanged; scipy.spatial.distance's cdist/pdist/squareform have rules
(bcad/rules/scipy/spatial.py).  Checked against central finite differences
and closed forms."""
import warnings

import numpy as np
import pytest

import bcad
from bcad import NonDifferentiableError
from tests.support import fd_grad

pytest.importorskip("sklearn")
from sklearn.metrics import pairwise  # noqa: E402
from sklearn import metrics  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.linear_model import LinearRegression, Ridge  # noqa: E402
from sklearn.kernel_ridge import KernelRidge  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402
from sklearn.preprocessing import PowerTransformer, QuantileTransformer  # noqa: E402
from sklearn.mixture import GaussianMixture  # noqa: E402
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis  # noqa: E402
from sklearn.neural_network import MLPRegressor  # noqa: E402
from sklearn.gaussian_process import GaussianProcessRegressor  # noqa: E402
from sklearn.gaussian_process.kernels import (RBF, Matern, WhiteKernel,  # noqa: E402
                                              ConstantKernel, RationalQuadratic)

rng = np.random.default_rng(0)
X = rng.normal(size=(10, 3))
Y = X @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.normal(size=10)
Z0 = X[:2] + 0.05


def check(f, p, rtol=1e-6, atol=1e-8):
    value, g = bcad.value_and_grad(f)(p)
    assert value == f(p)
    np.testing.assert_allclose(g, fd_grad(f, p), rtol=rtol, atol=atol)
    assert np.any(g != 0)
    return g


# ----------------------------------------------------------------- pairwise

PAIRWISE = {
    "rbf_kernel": lambda Z: float(pairwise.rbf_kernel(Z, X, gamma=0.3).sum()),
    "euclidean_distances": lambda Z: float(pairwise.euclidean_distances(Z, X).sum()),
    "polynomial_kernel": lambda Z: float(pairwise.polynomial_kernel(Z, X, degree=2).sum()),
    "cosine_similarity": lambda Z: float(pairwise.cosine_similarity(Z, X).sum()),
    "laplacian_kernel": lambda Z: float(pairwise.laplacian_kernel(Z, X).sum()),
    "manhattan_distances": lambda Z: float(np.sum(pairwise.manhattan_distances(Z, X) ** 2)),
}


@pytest.mark.parametrize("name", PAIRWISE)
def test_pairwise(name):
    check(PAIRWISE[name], Z0.copy())


def test_rbf_kernel_closed_form():
    gamma = 0.3
    K = np.exp(-gamma * ((Z0[:, None, :] - X[None]) ** 2).sum(-1))
    expected = (-2 * gamma * K[:, :, None] * (Z0[:, None, :] - X[None])).sum(1)
    np.testing.assert_allclose(bcad.grad(PAIRWISE["rbf_kernel"])(Z0.copy()), expected,
                               rtol=1e-10)


# ----------------------------------------------------------------- metrics

def logistic(w):
    return 1.0 / (1.0 + np.exp(-(X @ w)))


YB = (Y > 0).astype(int)
METRICS = {
    "log_loss": lambda w: metrics.log_loss(YB, logistic(w)),
    "mean_squared_error": lambda w: metrics.mean_squared_error(Y, X @ w),
    "r2_score": lambda w: metrics.r2_score(Y, X @ w),
    "mean_absolute_error": lambda w: metrics.mean_absolute_error(Y, X @ w),
}


@pytest.mark.parametrize("name", METRICS)
def test_metric(name):
    check(METRICS[name], np.array([0.3, -0.2, 0.1]))


def test_mean_squared_error_closed_form():
    w = np.array([0.3, -0.2, 0.1])
    np.testing.assert_allclose(bcad.grad(METRICS["mean_squared_error"])(w),
                               2 * X.T @ (X @ w - Y) / len(Y), rtol=1e-12)


# ----------------------------------------------------------------- estimators

SCALER = StandardScaler().fit(X)
LINEAR = LinearRegression().fit(X, Y)
PCA2 = PCA(n_components=2).fit(X)


def ridge_risk(Z):
    """A fitted pipeline's prediction on new points: scale, then predict."""
    return float(np.sum((LINEAR.predict(SCALER.inverse_transform(SCALER.transform(Z))) - 1) ** 2))


POWER = PowerTransformer().fit(np.abs(X) + 0.5)
QUANTILE = QuantileTransformer(n_quantiles=10).fit(X)
MIXTURE = GaussianMixture(2, random_state=0).fit(X)
LDA = LinearDiscriminantAnalysis().fit(X, Y > 0)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")     # (not converged in 50 iterations: fine here)
    MLP = MLPRegressor(hidden_layer_sizes=(5,), max_iter=50, random_state=0).fit(X, Y)

ESTIMATORS = {
    "PowerTransformer (Yeo-Johnson)": lambda Z: float(POWER.transform(np.abs(Z) + 0.5).sum()),
    "QuantileTransformer": lambda Z: float(QUANTILE.transform(Z).sum()),
    "GaussianMixture.score_samples": lambda Z: float(MIXTURE.score_samples(Z).sum()),
    "LinearDiscriminantAnalysis.predict_proba": lambda Z: float(LDA.predict_proba(Z)[:, 1] @
                                                                [1.0, 2.0]),
    "MLPRegressor.predict": lambda Z: float(MLP.predict(Z).sum()),
    "pairwise_kernels(callable metric)": lambda Z: float(pairwise.pairwise_kernels(
        Z, X[:3], metric=lambda a, b: np.exp(-np.sum((a - b) ** 2))).sum()),
    "StandardScaler.transform": lambda Z: float((SCALER.transform(Z) ** 2).sum()),
    "StandardScaler.fit_transform": lambda Z: float(StandardScaler().fit_transform(Z)[:, 0] @ Y),
    "LinearRegression.predict": lambda Z: float(LINEAR.predict(Z) @ np.arange(len(Z))),
    "scale/inverse/predict": ridge_risk,
    "PCA.transform": lambda Z: float(np.sum(PCA2.transform(Z) ** 2)),
}


@pytest.mark.parametrize("name", ESTIMATORS)
def test_estimator(name):
    p = X.copy() if name == "StandardScaler.fit_transform" else Z0.copy()
    check(ESTIMATORS[name], p)


def test_standard_scaler_fit_is_the_z_score():
    """fit_transform's variance update computes 0/0 in entries it then
    overwrites: once a nan gradient (bcad/rules/numpy/ufuncs.py)."""
    by_hand = lambda Z: float((((Z - Z.mean(0)) / Z.std(0)))[:, 0] @ Y)   # noqa: E731
    np.testing.assert_allclose(bcad.grad(ESTIMATORS["StandardScaler.fit_transform"])(X.copy()),
                               bcad.grad(by_hand)(X.copy()), rtol=1e-10, atol=1e-12)


def ols_prediction(y):
    """LinearRegression.fit (scipy.linalg.lstsq on centered data) w.r.t. the
    targets: a prediction at a new point, linear in y."""
    m = LinearRegression().fit(X, y)
    return float(m.coef_ @ np.array([1.0, 2.0, 3.0]) + m.intercept_)


def ols_wrt_design(Xd):
    m = LinearRegression().fit(Xd, Y)
    return float(m.coef_ @ np.array([1.0, 2.0, 3.0]) + m.intercept_ + m.singular_.sum())


def test_linear_regression_fit_wrt_targets():
    g = check(ols_prediction, Y.copy())
    np.testing.assert_allclose(g @ Y, ols_prediction(Y), rtol=1e-10)
    Xc = X - X.mean(0)
    expected = Xc @ np.linalg.solve(Xc.T @ Xc, [1.0, 2.0, 3.0] - X.mean(0)) + 1 / len(Y)
    np.testing.assert_allclose(g, expected, rtol=1e-8)


def test_linear_regression_fit_wrt_design():
    check(ols_wrt_design, X.copy())


def test_kernel_ridge_fit_then_predict():
    """KernelRidge.fit solves with scipy.linalg.solve(assume_a="pos")."""
    def prediction(y):
        return float(KernelRidge(alpha=1.0, kernel="rbf").fit(X, y).predict(Z0).sum())
    g = check(prediction, Y.copy())
    np.testing.assert_allclose(g @ Y, prediction(Y), rtol=1e-10)     # linear in y
    check(lambda Xd: float(KernelRidge(alpha=1.0, kernel="rbf", gamma=0.3).fit(Xd, Y)
                           .predict(Z0).sum()), X.copy())


# ----------------------------------------------------------------- Gaussian processes

def kernel(theta):
    return ConstantKernel(theta[0]) * RBF(length_scale=theta[1]) + WhiteKernel(theta[2])


KERNELS = {
    "C * RBF + White (X, X)": lambda t: float(np.sum(kernel(t)(X))),
    "C * RBF + White (X, Y)": lambda t: float(np.sum(kernel(t)(X, X[:3] + 0.2))),
    "Matern nu=2.5": lambda t: float(np.sum(Matern(length_scale=t[1], nu=2.5)(X))),
    "Matern nu=1.5, ARD": lambda t: float(np.sum(Matern(length_scale=t, nu=1.5)(X))),
    "RationalQuadratic": lambda t: float(np.sum(RationalQuadratic(length_scale=t[1],
                                                                  alpha=t[0])(X))),
}


@pytest.mark.parametrize("name", KERNELS)
def test_kernel_value_wrt_hyperparameters(name):
    check(KERNELS[name], np.array([1.5, 0.8, 0.1]))


def test_kernel_gradient_matches_sklearns_own():
    """sklearn's kernels return their gradient with respect to log theta."""
    t = np.array([1.5, 0.8, 0.1])
    k = kernel(t)
    K, dK = k(X, eval_gradient=True)
    g = bcad.grad(lambda t: float(np.sum(kernel(t)(X))))(t)
    np.testing.assert_allclose(g * t, dK.sum(axis=(0, 1)), rtol=1e-10)


GP_KERNEL = ConstantKernel(1.0) * RBF(length_scale=1.0) + WhiteKernel(0.1)
GP = GaussianProcessRegressor(kernel=GP_KERNEL, optimizer=None).fit(X, Y)


def gp_log_marginal_likelihood(log_theta):
    return GP.log_marginal_likelihood(log_theta)


def test_gp_marginal_likelihood_matches_sklearns_gradient():
    log_theta = np.array([0.1, -0.3, np.log(0.1)])
    value, g = bcad.value_and_grad(gp_log_marginal_likelihood)(log_theta)
    ref, ref_grad = GP.log_marginal_likelihood(log_theta, eval_gradient=True)
    assert value == gp_log_marginal_likelihood(log_theta)
    np.testing.assert_allclose(g, ref_grad, rtol=1e-8)
    np.testing.assert_allclose(g, fd_grad(gp_log_marginal_likelihood, log_theta), rtol=1e-6)


def test_gp_fit_then_predict_wrt_data():
    """Fit (Cholesky through scipy.linalg) and predict, both interpreted:
    the posterior mean at a point, differentiated w.r.t. the targets."""
    def posterior_mean(y):
        gp = GaussianProcessRegressor(kernel=GP_KERNEL, optimizer=None).fit(X, y)
        return float(gp.predict(np.array([[0.1, 0.2, -0.3]]))[0])
    g = check(posterior_mean, Y.copy())
    # the mean is linear in y: k*^T (K + s I)^-1 y
    np.testing.assert_allclose(g @ Y, posterior_mean(Y), rtol=1e-8)


def test_gp_predict_wrt_inputs():
    check(lambda Z: float(np.sum(GP.predict(Z))), Z0.copy())
    check(lambda Z: float(np.sum(GP.predict(Z, return_std=True)[1])), Z0.copy())
    check(lambda Z: float(np.sum(GP.predict(Z, return_cov=True)[1])), Z0.copy())


def test_fitting_ridge_is_a_clear_refusal():
    # Ridge solves with scipy.linalg.solve(assume_a="pos", overwrite_a=True)
    with pytest.raises(NonDifferentiableError, match=r"solve.*overwrite_a.*test_sklearn\.py:\d+"):
        bcad.grad(lambda y: float(Ridge(alpha=1.0).fit(X, y).coef_.sum()))(Y.copy())
