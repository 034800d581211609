"""scikit-learn's numpy code: pairwise kernels and distances, metrics,
preprocessing, linear models' predictions and Gaussian-process kernels and
marginal likelihood, differentiated with respect to data or
hyperparameters.  scikit-learn's input validation (check_array,
validate_params), its estimator classes and kernel algebra are interpreted
unchanged; scipy.spatial.distance's cdist/pdist/squareform have rules
(bcad/rules/scipy/spatial.py).  Checked against central finite differences
and closed forms."""
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
from sklearn.decomposition import PCA  # noqa: E402
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


ESTIMATORS = {
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


def test_fitting_a_linear_model_is_a_clear_refusal():
    # LinearRegression.fit solves with scipy.linalg.lstsq (LAPACK gelsd),
    # which has no rule
    def coef(y):
        return float(LinearRegression().fit(X, y).coef_.sum())
    with pytest.raises(NonDifferentiableError, match=r"lstsq.*test_sklearn\.py:\d+"):
        bcad.grad(coef)(Y.copy())
