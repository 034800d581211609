"""scipy.spatial.distance's cdist, pdist and squareform (rules keyed on the
Python functions, bcad/rules/scipy/spatial.py): every covered metric against
central finite differences; uncovered calls interpreted (a callable metric)
or refused at the compiled kernel."""
import numpy as np
import pytest

import bcad
from tests.support import fd_grad

sd = pytest.importorskip("scipy.spatial.distance")

rng = np.random.default_rng(3)
A = rng.normal(size=(4, 3))
B = rng.normal(size=(5, 3))
W = rng.normal(size=(4, 5))
WP = rng.normal(size=6)
METRICS = ["sqeuclidean", "euclidean", "cityblock"]


def close(f, x):
    value, g = bcad.value_and_grad(f)(x)
    assert value == f(x)
    np.testing.assert_allclose(g, fd_grad(f, x), rtol=1e-6, atol=1e-8)
    assert np.all(g != 0)
    return g


@pytest.mark.parametrize("metric", METRICS)
def test_cdist_first_argument(metric):
    close(lambda a: float(np.sum(sd.cdist(a, B, metric) * W)), A.copy())


@pytest.mark.parametrize("metric", METRICS)
def test_cdist_second_argument_metric_by_keyword(metric):
    close(lambda b: float(np.sum(sd.cdist(A, b, metric=metric) * W)), B.copy())


@pytest.mark.parametrize("metric", METRICS)
def test_cdist_same_array_twice(metric):
    # (euclidean: the zero diagonal gets the subgradient 0, as |x| at 0)
    close(lambda a: float(np.sum(sd.cdist(a, a[::-1] + 0.1, metric) ** 1.5)), A.copy())


@pytest.mark.parametrize("metric", METRICS)
def test_pdist(metric):
    close(lambda a: float(np.sum(sd.pdist(a, metric) * WP)), A.copy())


@pytest.mark.parametrize("metric", METRICS)
def test_squareform_of_pdist(metric):
    M = np.random.default_rng(4).normal(size=(4, 4))
    close(lambda a: float(np.sum(sd.squareform(sd.pdist(a, metric)) * M)), A.copy())


def test_squareform_matrix_to_vector_reads_the_upper_triangle():
    M = rng.normal(size=(4, 4))
    M = M + M.T
    np.fill_diagonal(M, 0.0)
    f = lambda m: float(np.sum(sd.squareform(m, checks=False) * WP))   # noqa: E731
    g = bcad.grad(f)(M)
    np.testing.assert_allclose(g, fd_grad(f, M), atol=1e-8)
    assert np.all(np.tril(g) == 0)


def test_squareform_vector_to_matrix():
    f = lambda v: float(np.sum(sd.squareform(v) ** 2 * np.arange(16.0).reshape(4, 4)))  # noqa
    close(f, WP.copy())


def test_closed_form_sqeuclidean():
    g = bcad.grad(lambda a: float(np.sum(sd.cdist(a, B, "sqeuclidean") * W)))(A.copy())
    expected = 2 * (W.sum(1)[:, None] * A - W @ B)
    np.testing.assert_allclose(g, expected, rtol=1e-12)


def test_float32_input_gets_a_float32_cotangent():
    a = A.astype(np.float32)
    g = bcad.grad(lambda a: float(np.sum(sd.cdist(a, B, "sqeuclidean"))))(a)
    assert g.dtype == np.float32


def test_callable_metric_is_interpreted():
    metric = lambda u, v: float(np.sum((u - v) ** 4))   # noqa: E731
    close(lambda a: float(np.sum(sd.cdist(a, B, metric) * W)), A.copy())


def test_uncovered_compiled_metric_is_refused():
    with pytest.raises(bcad.NonDifferentiableError,
                       match=r"cdist_minkowski.*test_scipy_spatial\.py:\d+"):
        bcad.grad(lambda a: float(np.sum(sd.cdist(a, B, "minkowski", p=3))))(A.copy())
    with pytest.raises(bcad.NonDifferentiableError, match=r"cdist_sqeuclidean"):
        # a weight vector is not covered by the rule
        bcad.grad(lambda a: float(np.sum(sd.cdist(a, B, "sqeuclidean", w=np.ones(3)))))(A.copy())


def test_without_differentiable_values_the_library_runs():
    # no tracked value reaches cdist: no rule applies, scipy's code runs
    f = lambda s: s * float(np.sum(sd.cdist(A, B)))   # noqa: E731
    assert bcad.grad(f)(2.0) == float(np.sum(sd.cdist(A, B)))
