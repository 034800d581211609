"""scipy.linalg's rules (bcad/rules/scipy/linalg.py) against finite
differences; the functions without rules refuse."""
import numpy as np
import pytest

import bcad
from bcad.testing import check_grads

sl = pytest.importorskip("scipy.linalg")

RNG = np.random.default_rng(0)
A = RNG.standard_normal((3, 3))
SPD = A @ A.T + 3 * np.eye(3)
TRI = np.tril(A) + 3 * np.eye(3)
b = RNG.standard_normal(3)
B = RNG.standard_normal((3, 2))
W = np.arange(9.0).reshape(3, 3)


@pytest.mark.parametrize("unit", [False, True])
@pytest.mark.parametrize("trans", [0, 1, "T", "C"])
@pytest.mark.parametrize("lower", [True, False])
@pytest.mark.parametrize("rhs", ["vector", "matrix"])
def test_solve_triangular(rhs, lower, trans, unit):
    M = TRI if lower else TRI.T
    r = b if rhs == "vector" else B
    check_grads(lambda M, r: np.sum(sl.solve_triangular(M, r, trans=trans, lower=lower,
                                                        unit_diagonal=unit) ** 2), (M, r), order=1)


@pytest.mark.parametrize("lower", [True, False])
def test_cholesky(lower):
    check_grads(lambda S: np.sum(sl.cholesky(S, lower=lower) * W), (SPD,), order=1)


@pytest.mark.parametrize("name", ["solve-vector", "solve-matrix", "inv", "det", "expm"])
def test_dense(name):
    M = A + 3 * np.eye(3)
    f = {"solve-vector": lambda M: np.sum(sl.solve(M, b) ** 2),
         "solve-matrix": lambda M: np.sum(sl.solve(M, B) ** 2),
         "inv": lambda M: np.sum(sl.inv(M) ** 2),
         "det": lambda M: float(sl.det(M)),
         "expm": lambda M: np.sum(sl.expm(0.3 * M) * W)}[name]
    check_grads(f, (M,), order=1)


def test_cholesky_solve_as_users_write_it():
    def nll(S, y):
        L = sl.cholesky(S, lower=True)
        alpha = sl.solve_triangular(L.T, sl.solve_triangular(L, y, lower=True), lower=False)
        return float(0.5 * y @ alpha + np.sum(np.log(np.diag(L))))
    check_grads(nll, (SPD, b), order=1)


@pytest.mark.parametrize("f", [lambda M: sl.cho_solve(sl.cho_factor(M), b).sum(),
                               lambda M: sl.lu_solve(sl.lu_factor(M), b).sum(),
                               lambda M: sl.solve(M, b, assume_a="pos").sum(),
                               lambda M: np.abs(sl.inv(M + 0j)).sum()],
                         ids=["cho_factor", "lu_factor", "assume_a=pos", "complex"])
def test_without_rules_refused(f):
    with pytest.raises(bcad.NonDifferentiableError):
        bcad.grad(lambda M: float(f(M)))(SPD.copy())
