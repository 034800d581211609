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
SYM = A + A.T                       # distinct eigenvalues
NONSYM = RNG.standard_normal((3, 3))


def fd_grad(f, x, eps=1e-6):
    """Central differences entry by entry: checks every entry of the
    gradient, so a cotangent on the wrong triangle shows."""
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += eps
        xm[i] -= eps
        g[i] = (f(xp) - f(xm)) / (2 * eps)
    return g


def assert_grad_fd(f, x, atol=1e-6):
    np.testing.assert_allclose(bcad.grad(f)(x.copy()), fd_grad(f, x), atol=atol, rtol=1e-5)


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


# -- eigh: LAPACK reads one triangle (lower=True: the lower one) ------------------------
_EIGH_F = {
    "w": lambda M, lower: float(np.sum(sl.eigh(M, lower=lower)[0] * W[0])),
    "v": lambda M, lower: float(np.sum(np.abs(sl.eigh(M, lower=lower)[1]) * W)),
    "both": lambda M, lower: float(np.sum(sl.eigh(M, lower=lower)[0] ** 2) +
                                   np.sum(sl.eigh(M, lower=lower)[1][:, 0] ** 2 * W[1])),
    "eigvals_only": lambda M, lower: float(np.sum(sl.eigh(M, lower=lower, eigvals_only=True)
                                                  * W[0])),
    "eigvalsh": lambda M, lower: float(np.sum(sl.eigvalsh(M, lower=lower) ** 3)),
    "driver": lambda M, lower: float(np.sum(sl.eigh(M, lower=lower, driver="evd")[0] * W[2])),
}


@pytest.mark.parametrize("M", [SYM, NONSYM], ids=["symmetric", "one-triangle-read"])
@pytest.mark.parametrize("lower", [True, False])
@pytest.mark.parametrize("name", list(_EIGH_F))
def test_eigh(name, lower, M):
    f = _EIGH_F[name]
    assert_grad_fd(lambda M: f(M, lower), M)


def test_eigh_v_abs_signs():
    # |v| is sign-invariant, so the gradient exists; check_grads along a direction too
    check_grads(lambda M: np.sum(np.abs(sl.eigh(M)[1]) * W), (SYM,), order=1)


@pytest.mark.parametrize("call", [lambda M: sl.eigh(M, SPD),
                                  lambda M: sl.eigh(M, b=SPD, eigvals_only=True),
                                  lambda M: sl.eigvalsh(M, SPD),
                                  lambda M: sl.eigh(M, subset_by_index=[0, 1]),
                                  lambda M: sl.eigh(M, subset_by_value=[-1.0, 1.0]),
                                  lambda M: sl.eigh(M + 0j)],
                         ids=["b", "b-eigvals_only", "eigvalsh-b", "subset_by_index",
                              "subset_by_value", "complex"])
def test_eigh_refused(call):
    with pytest.raises(bcad.NonDifferentiableError, match="eigh"):
        bcad.grad(lambda M: float(np.sum(np.abs(call(M)[0]))))(SYM.copy())


@pytest.mark.parametrize("call", [
    lambda M: sl.solve(np.asfortranarray(M * 1.0), b, overwrite_a=True),
    lambda M: sl.inv(np.asfortranarray(M * 1.0), overwrite_a=True),
    lambda M: sl.det(np.asfortranarray(M * 1.0), overwrite_a=True),
    lambda M: sl.cholesky(np.asfortranarray(M * 1.0), overwrite_a=True),
    lambda M: sl.eigh(np.asfortranarray(M * 1.0), overwrite_a=True)[0],
    lambda M: sl.solve_triangular(SPD, np.asfortranarray(M * 1.0), overwrite_b=True)],
    ids=["solve", "inv", "det", "cholesky", "eigh", "solve_triangular"])
def test_overwrite_refused(call):
    # LAPACK would overwrite (a Fortran-ordered) argument in place: values the tape and
    # the VJP read.  Before this was refused the gradients were wrong.
    with pytest.raises(bcad.NonDifferentiableError, match="overwrite_"):
        bcad.grad(lambda M: float(np.sum(call(M) ** 2)))(SPD.copy())
