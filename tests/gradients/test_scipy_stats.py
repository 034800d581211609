"""scipy.stats distributions, unmodified: their Python layer (argument
checks, np.place into the outputs) interpreted down to scipy.special's
rules."""
import numpy as np
import pytest

import bcad
from bcad.testing import check_grads

stats = pytest.importorskip("scipy.stats")
X = np.array([0.3, -1.2, 2.0, 0.7])

CASES = {
    "norm.logpdf": lambda th: np.sum(stats.norm.logpdf(X, loc=th[0], scale=np.exp(th[1]))),
    "norm.cdf": lambda th: np.sum(stats.norm.cdf(X, loc=th[0], scale=np.exp(th[1]))),
    "norm.frozen": lambda th: np.sum(stats.norm(th[0], np.exp(th[1])).logpdf(X)),
    "t.logpdf": lambda th: np.sum(stats.t.logpdf(X, df=3.0, loc=th[0], scale=np.exp(th[1]))),
    "gamma.logpdf": lambda th: np.sum(stats.gamma.logpdf(np.abs(X), a=np.exp(th[0]),
                                                         scale=np.exp(th[1]))),
    "logistic.logcdf": lambda th: np.sum(stats.logistic.logcdf(X, loc=th[0],
                                                               scale=np.exp(th[1]))),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_distribution(name):
    check_grads(lambda th: float(CASES[name](th)), (np.array([0.2, -0.3]),), order=1)


def test_likelihood_with_respect_to_the_data():
    check_grads(lambda x: float(np.sum(stats.norm.logpdf(x, 0.5, 2.0))), (X.copy(),), order=1)


def test_place_repeating_values_is_refused():
    def f(x):
        a = np.zeros(4)
        np.place(a, np.array([True, True, True, False]), x[:2])    # numpy repeats x[:2]
        return float(a.sum())
    with pytest.raises(bcad.NonDifferentiableError, match="numpy.place"):
        bcad.grad(f)(X.copy())
