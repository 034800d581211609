"""scipy.linalg's rules (bcad/rules/scipy/linalg.py) against finite
differences; the functions without rules refuse."""
import numpy as np
import pytest

import bcad
from tests.support import fd_grad
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


@pytest.mark.parametrize("f", [lambda M: sl.solve(M, b, assume_a="banded").sum(),
                               lambda M: sl.inv(M, assume_a="pos").sum(),
                               lambda M: sl.solve(M, b, transposed=True).sum(),
                               lambda M: np.abs(sl.inv(M + 0j)).sum()],
                         ids=["assume_a=banded", "inv-assume_a=pos", "transposed", "complex"])
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


@pytest.mark.parametrize("name", ["solve", "solve_triangular", "cholesky", "inv", "det"])
def test_keyword_arguments(name):
    f = {"solve": lambda M, r: sl.solve(a=M, b=r),
         "solve_triangular": lambda M, r: sl.solve_triangular(b=r, a=TRI + 0.1 * M, lower=True),
         "cholesky": lambda M, r: sl.cholesky(a=M + M.T, lower=True) @ r,
         "inv": lambda M, r: sl.inv(a=M) @ r,
         "det": lambda M, r: sl.det(a=M) * r}[name]
    check_grads(lambda M, r: np.sum(f(M, r) ** 2), (SPD, b), order=1)


# -- cho_factor / cho_solve ----------------------------------------------------------
RNG4 = np.random.default_rng(4)
A4 = RNG4.standard_normal((4, 4))
SPD4 = A4 @ A4.T + 2 * np.eye(4)
# SPD in one triangle, anything in the other: the entries LAPACK does not read
ONE_TRI = SPD4 + np.tril(RNG4.standard_normal((4, 4)), -1)
ONE_TRI_T = ONE_TRI.T.copy()
b4 = RNG4.standard_normal(4)
B4 = RNG4.standard_normal((4, 3))
W4 = RNG4.standard_normal((4, 4))


def _read_tri(lower):
    """A matrix whose read triangle (the one `lower` names) is SPD4's."""
    return ONE_TRI_T if lower else ONE_TRI


@pytest.mark.parametrize("lower", [False, True])
@pytest.mark.parametrize("M", ["symmetric", "one-triangle"])
@pytest.mark.parametrize("use", ["solve-vector", "solve-matrix", "logdet", "read-c", "gp-nll",
                                 "from-cholesky"])
def test_cho_factor_solve(use, M, lower):
    M = SPD4 if M == "symmetric" else _read_tri(lower)
    f = {"solve-vector": lambda M: np.sum(sl.cho_solve(sl.cho_factor(M, lower=lower), b4) ** 2),
         "solve-matrix": lambda M: np.sum(sl.cho_solve(sl.cho_factor(M, lower), B4) * W4[:, :3]),
         "logdet": lambda M: 2 * np.sum(np.log(np.diag(sl.cho_factor(M, lower=lower)[0]))),
         # reading all of c, the triangle cho_factor does not compute included
         "read-c": lambda M: np.sum(sl.cho_factor(M, lower=lower)[0] * W4),
         "gp-nll": lambda M: _gp_nll(M, b4, lower),
         "from-cholesky": lambda M: np.sum(sl.cho_solve((sl.cholesky(M, lower=lower), lower),
                                                        B4) ** 2)}[use]
    assert_grad_fd(lambda M: float(f(M)), M)


def _gp_nll(K, y, lower):
    cf = sl.cho_factor(K, lower=lower)
    alpha = sl.cho_solve(cf, y)
    return 0.5 * y @ alpha + np.sum(np.log(np.diag(cf[0])))


@pytest.mark.parametrize("lower", [False, True])
@pytest.mark.parametrize("rhs", ["vector", "matrix"])
def test_cho_solve_rhs_and_keywords(rhs, lower):
    r = b4 if rhs == "vector" else B4
    cf = sl.cho_factor(SPD4, lower=lower)
    assert_grad_fd(lambda r: float(np.sum(sl.cho_solve(cf, r) ** 2)), r)
    check_grads(lambda M, r: np.sum(sl.cho_solve(b=r, c_and_lower=sl.cho_factor(
        a=M, lower=lower)) ** 2), (SPD4, r), order=1)
    # the factor through a parameter of the matrix, b constant
    check_grads(lambda t: np.sum(sl.cho_solve(sl.cho_factor(SPD4 + t * np.eye(4), lower=lower),
                                              r)), (0.3,), order=1)


@pytest.mark.parametrize("lower", [False, True])
def test_cho_solve_of_a_given_factor(lower):
    # c differentiated directly: the triangle potrs does not read gets nothing
    c = np.linalg.cholesky(SPD4)
    c = (c if lower else c.T) + _tri_other(RNG4.standard_normal((4, 4)), lower)
    assert_grad_fd(lambda c: float(np.sum(sl.cho_solve((c, lower), B4) * W4[:, :3])), c)


def _tri_other(x, lower):
    return np.triu(x, 1) if lower else np.tril(x, -1)


def test_cho_factor_other_triangle_copy_mode(monkeypatch):
    # scipy versions whose cho_factor leaves a's entries in the other triangle (the
    # one installed may zero it): the VJP passes their cotangent through.
    from bcad.rules.scipy import linalg as rl
    monkeypatch.setattr(rl, "_CHO_OTHER", "copy")
    for lower in (False, True):
        def f(a):
            return sl.cholesky(a, lower=lower) + _tri_other(a, lower)
        a = _read_tri(lower)
        ct = rl._cho_factor_vjp(W4, (f(a), lower), (a,), {"lower": lower})[0]
        np.testing.assert_allclose(ct, fd_grad(lambda a: float(np.sum(f(a) * W4)), a),
                                   atol=1e-6)


def test_cho_factor_other_triangle_unexplained(monkeypatch):
    from bcad.rules.scipy import linalg as rl
    c = np.linalg.cholesky(SPD4).T + np.tril(np.ones((4, 4)), -1)
    for mode in ("copy", "zero"):
        monkeypatch.setattr(rl, "_CHO_OTHER", mode)
        with pytest.raises(bcad.NonDifferentiableError, match="cho_factor"):
            rl._cho_factor_vjp(W4, (c, False), (SPD4,), {})


# -- lu_factor / lu_solve -------------------------------------------------------------
GEN4 = A4 + 0.5 * np.eye(4)            # needs pivoting


@pytest.mark.parametrize("trans", [0, 1, 2])
@pytest.mark.parametrize("rhs", ["vector", "matrix"])
def test_lu_factor_solve(rhs, trans):
    r = b4 if rhs == "vector" else B4
    assert not np.array_equal(sl.lu_factor(GEN4)[1], np.arange(4))
    assert_grad_fd(lambda M: float(np.sum(sl.lu_solve(sl.lu_factor(M), r, trans=trans) ** 2)),
                   GEN4)
    assert_grad_fd(lambda r: float(np.sum(sl.lu_solve(sl.lu_factor(GEN4), r, trans=trans)
                                          * W4[:, :np.shape(r)[-1]] if np.ndim(r) == 2 else
                                          sl.lu_solve(sl.lu_factor(GEN4), r, trans=trans))), r)
    check_grads(lambda M, r: np.sum(sl.lu_solve(b=r, lu_and_piv=sl.lu_factor(a=M),
                                                trans=trans) ** 3), (GEN4, r), order=1)


@pytest.mark.parametrize("use", ["read-lu", "logabsdet", "reuse"])
def test_lu_factor_read(use):
    f = {"read-lu": lambda M: np.sum(sl.lu_factor(M)[0] * W4),
         "logabsdet": lambda M: np.sum(np.log(np.abs(np.diag(sl.lu_factor(M)[0])))),
         # one factorization, two solves
         "reuse": lambda M: (lambda lp: np.sum(sl.lu_solve(lp, b4) * sl.lu_solve(lp, b4, 1)))(
             sl.lu_factor(M))}[use]
    assert_grad_fd(lambda M: float(f(M)), GEN4)


def test_lu_solve_of_a_given_factor():
    lu, piv = sl.lu_factor(GEN4)
    assert_grad_fd(lambda lu: float(np.sum(sl.lu_solve((lu, piv), B4) * W4[:, :3])), lu)
    assert_grad_fd(lambda lu: float(np.sum(sl.lu_solve((lu, piv), b4, trans=1) ** 2)), lu)


@pytest.mark.parametrize("call", [
    lambda M: sl.cho_factor(np.asfortranarray(M * 1.0), overwrite_a=True)[0],
    lambda M: sl.cho_factor(np.stack([M, M]))[0],
    lambda M: sl.cho_factor(M + 0j)[0],
    lambda M: sl.cho_solve(sl.cho_factor(M), np.asfortranarray(B4.copy()), overwrite_b=True),
    lambda M: sl.cho_solve((np.stack([M, M]), False), b4),
    lambda M: sl.lu_factor(np.asfortranarray(M * 1.0), overwrite_a=True)[0],
    lambda M: sl.lu_factor(M[:, :3])[0],
    lambda M: sl.lu_factor(M + 0j)[0],
    lambda M: sl.lu_solve(sl.lu_factor(M), np.asfortranarray(B4.copy()), overwrite_b=True)],
    ids=["cho_factor-overwrite", "cho_factor-batched", "cho_factor-complex",
         "cho_solve-overwrite", "cho_solve-batched", "lu_factor-overwrite",
         "lu_factor-non-square", "lu_factor-complex", "lu_solve-overwrite"])
def test_factorizations_refused(call):
    name = ("cho_factor", "cho_solve", "lu_factor", "lu_solve")
    with pytest.raises(bcad.NonDifferentiableError, match="|".join(name)):
        bcad.grad(lambda M: float(np.sum(np.abs(call(M)))))(SPD4.copy())


LS_A = RNG.standard_normal((7, 3))
LS_b = RNG.standard_normal(7)
LS_B = RNG.standard_normal((7, 2))
LS_w = RNG.standard_normal(3)
LSTSQ = {
    "x wrt a": (lambda a: float(sl.lstsq(a, LS_b)[0] @ LS_w), LS_A),
    "x wrt b": (lambda v: float(sl.lstsq(LS_A, v)[0] @ LS_w), LS_b),
    "X wrt B (2 columns)": (lambda v: float(np.sum(sl.lstsq(LS_A, v)[0] * W[:, :2])), LS_B),
    "X wrt a (2 columns)": (lambda a: float(np.sum(sl.lstsq(a, LS_B)[0] ** 2)), LS_A),
    "residues wrt a": (lambda a: float(sl.lstsq(a, LS_b)[1]), LS_A),
    "residues wrt b": (lambda v: float(sl.lstsq(LS_A, v)[1]), LS_b),
    "residues (2 columns)": (lambda a: float(np.sum(sl.lstsq(a, LS_B)[1] * [1.0, 3.0])), LS_A),
    "singular values": (lambda a: float(sl.lstsq(a, LS_b)[3] @ LS_w), LS_A),
    "square": (lambda a: float(sl.lstsq(a, LS_b[:3])[0] @ LS_w), LS_A[:3]),
    "keywords": (lambda a: float(sl.lstsq(a=a, b=LS_b, lapack_driver="gelsy")[0] @ LS_w), LS_A),
}


@pytest.mark.parametrize("name", LSTSQ)
def test_lstsq(name):
    f, x = LSTSQ[name]
    value, g = bcad.value_and_grad(f)(x.copy())
    assert value == f(x)
    np.testing.assert_allclose(g, fd_grad(f, x), rtol=1e-6, atol=1e-8)


def test_lstsq_closed_form():
    g = bcad.grad(lambda v: float(sl.lstsq(LS_A, v)[0] @ LS_w))(LS_b)
    np.testing.assert_allclose(g, LS_A @ np.linalg.solve(LS_A.T @ LS_A, LS_w), rtol=1e-10)


@pytest.mark.parametrize("a", [np.c_[LS_A, LS_A[:, :1]], LS_A[:2].copy()],
                         ids=["rank-deficient", "underdetermined"])
def test_lstsq_minimum_norm_refused(a):
    with pytest.raises(bcad.NonDifferentiableError, match=r"rank-deficient.*test_scipy_linalg"):
        bcad.grad(lambda a: float(np.sum(sl.lstsq(a, LS_b[:len(a)])[0])))(a)


def test_lstsq_cond_cutoff_refused():
    # cond truncates the smallest singular value: a minimum-norm solution
    s = np.linalg.svd(LS_A, compute_uv=False)
    with pytest.raises(bcad.NonDifferentiableError, match="rank-deficient"):
        bcad.grad(lambda a: float(np.sum(sl.lstsq(a, LS_b, cond=(s[-1] / s[0]) * 1.01)[0])))(LS_A)


# -- solve(assume_a="sym"/"pos"): LAPACK reads one triangle (lower=True: the lower) -------
@pytest.mark.parametrize("assume", ["pos", "sym"])
@pytest.mark.parametrize("lower", [False, True])
@pytest.mark.parametrize("rhs", ["vector", "matrix"])
def test_solve_symmetric(assume, lower, rhs):
    r = b if rhs == "vector" else B
    f = lambda M: float(np.sum(sl.solve(M, r, assume_a=assume, lower=lower).T @ W[0]))  # noqa
    g = bcad.grad(f)(SPD.copy())
    np.testing.assert_allclose(g, fd_grad(f, SPD), rtol=1e-6, atol=1e-8)
    read = np.tril(np.ones((3, 3))) if lower else np.triu(np.ones((3, 3)))
    assert np.all(g[read == 0] == 0) and np.all(g[read == 1] != 0)
    fb = lambda v: float(np.sum(sl.solve(SPD, v, assume_a=assume, lower=lower).T @ W[0]))  # noqa
    np.testing.assert_allclose(bcad.grad(fb)(r.copy()), fd_grad(fb, r), rtol=1e-6, atol=1e-8)


def test_solve_symmetric_matches_general_on_symmetric_directions():
    # along a symmetric perturbation every triangle convention agrees
    E = np.array([[0.3, 0.1, -0.2], [0.1, 0.5, 0.4], [-0.2, 0.4, -0.1]])
    gs = [bcad.grad(lambda M: float(sl.solve(M, b, assume_a=a) @ W[0]))(SPD.copy())
          for a in ("gen", "pos", "sym")]
    for g in gs[1:]:
        np.testing.assert_allclose(np.sum(g * E), np.sum(gs[0] * E), rtol=1e-10)
