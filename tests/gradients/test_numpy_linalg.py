"""Generated finite-difference tests of numpy's products and linear algebra
(bcad/rules/numpy/linalg.py; np.linalg.norm and pinv through numpy's own
Python code).  The helper and conventions: test_numpy_rules.py."""
import numpy as np
import pytest

from tests.gradients.test_numpy_rules import check_vjp, case_id

la = np.linalg


def rand(*shape, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        x = x + 1j * rng.standard_normal(shape)
    return x.astype(dtype)


def spd(n, seed=0, batch=()):
    a = rand(*batch, n, n, seed=seed)
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


def well(n, seed=0, batch=()):
    """A well-conditioned square matrix."""
    return rand(*batch, n, n, seed=seed) + 3 * np.eye(n)


# ------------------------------------------------------------------ products
# (name, f, operand shapes)
PRODUCTS = [
    ("dot_1d", np.dot, [(3,), (3,)]),
    ("dot_2d_1d", np.dot, [(2, 3), (3,)]),
    ("dot_1d_2d", np.dot, [(3,), (3, 4)]),
    ("dot_2d", np.dot, [(2, 3), (3, 4)]),
    ("dot_3d_2d", np.dot, [(5, 2, 3), (3, 4)]),
    ("dot_2d_3d", np.dot, [(2, 3), (5, 3, 4)]),
    ("dot_3d_3d", np.dot, [(2, 2, 3), (4, 3, 2)]),
    ("dot_scalar", np.dot, [(), (2, 3)]),
    ("dot_scalar_r", np.dot, [(2, 3), ()]),
    ("x.dot", lambda a, b: a.dot(b), [(2, 3), (3, 4)]),
    ("matmul_1d", np.matmul, [(3,), (3,)]),
    ("matmul_batched", np.matmul, [(5, 2, 3), (5, 3, 4)]),
    ("matmul_bcast", np.matmul, [(5, 2, 3), (3, 4)]),
    ("matmul_vec_batch", np.matmul, [(3,), (5, 3, 4)]),
    ("vdot", np.vdot, [(3,), (3,)]),
    ("vdot_2d", np.vdot, [(2, 3), (2, 3)]),
    ("inner_1d", np.inner, [(3,), (3,)]),
    ("inner_2d", np.inner, [(2, 3), (4, 3)]),
    ("inner_2d_1d", np.inner, [(2, 3), (3,)]),
    ("inner_1d_2d", np.inner, [(3,), (4, 3)]),
    ("inner_3d_2d", np.inner, [(5, 2, 3), (4, 3)]),
    ("inner_scalar", np.inner, [(), (2, 3)]),
    ("outer", np.outer, [(3,), (4,)]),
    ("outer_2d", np.outer, [(2, 2), (3,)]),
    ("tensordot_2", np.tensordot, [(2, 3, 4), (3, 4, 5)]),
    ("tensordot_1", lambda a, b: np.tensordot(a, b, axes=1), [(2, 3, 4), (4, 5)]),
    ("tensordot_0", lambda a, b: np.tensordot(a, b, axes=0), [(2, 3), (4,)]),
    ("tensordot_tuple", lambda a, b: np.tensordot(a, b, axes=([0, 2], [1, 0])),
     [(2, 3, 4), (4, 2, 5)]),
    ("tensordot_int_pair", lambda a, b: np.tensordot(a, b, axes=(1, 0)), [(2, 3), (3, 4)]),
    ("einsum_ij,jk", lambda a, b: np.einsum("ij,jk->ik", a, b), [(2, 3), (3, 4)]),
    ("einsum_i,i", lambda a, b: np.einsum("i,i->", a, b), [(3,), (3,)]),
    ("einsum_bij,bjk", lambda a, b: np.einsum("bij,bjk->bik", a, b), [(5, 2, 3), (5, 3, 4)]),
    ("einsum_ij->ji", lambda a: np.einsum("ij->ji", a), [(2, 3)]),
    ("einsum_ij->i", lambda a: np.einsum("ij->i", a), [(2, 3)]),
    ("einsum_ij,j->i", lambda a, b: np.einsum("ij,j->i", a, b), [(2, 3), (3,)]),
    ("einsum_3ops", lambda a, b, c: np.einsum("ij,jk,k->i", a, b, c), [(2, 3), (3, 4), (4,)]),
    ("einsum_outer", lambda a, b: np.einsum("i,j->ij", a, b), [(2,), (3,)]),
    ("kron_2d", np.kron, [(2, 3), (2, 2)]),
    ("kron_1d", np.kron, [(2,), (3,)]),
    ("kron_mixed", np.kron, [(2, 3), (2,)]),
    ("trace", np.trace, [(3, 3)]),
    ("trace_offset", lambda a: np.trace(a, offset=1), [(3, 4)]),
    ("x.trace", lambda a: a.trace(), [(3, 3)]),
    ("vecdot", lambda a, b: np.vecdot(a, b), [(2, 3), (3,)]),
    ("linalg.outer", lambda a, b: la.outer(a, b), [(3,), (2,)]),
    ("linalg.matmul", lambda a, b: la.matmul(a, b), [(2, 3), (3,)]),
    ("linalg.multi_dot", lambda a, b, c: la.multi_dot([a, b, c]), [(2, 3), (3, 4), (4, 2)]),
    ("matrix_power", lambda a: la.matrix_power(a, 3), [(3, 3)]),
    ("linalg.matrix_transpose", lambda a: la.matrix_transpose(a), [(2, 3)]),
    ("trace_axes", lambda a: np.trace(a, 1, 1, 2), [(2, 3, 4)]),
    ("trace_neg_offset", lambda a: np.trace(a, -1, axis1=-1, axis2=0), [(4, 2, 3)]),
    ("cross", np.cross, [(3,), (3,)]),
    ("cross_2d", np.cross, [(2, 3), (3,)]),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128], ids=str)
@pytest.mark.parametrize("name,f,shapes", PRODUCTS, ids=[case_id(c) for c in PRODUCTS])
def test_products(name, f, shapes, dtype):
    if name == "vecdot" and not hasattr(np, "vecdot"):
        pytest.skip("numpy < 2.0")
    args = [rand(*s, seed=i, dtype=dtype) for i, s in enumerate(shapes)]
    check_vjp(f, *args)


def test_products_mixed_real_complex():
    a, b = rand(2, 3, seed=1), rand(3, 4, seed=2, dtype=complex)
    for f in (np.dot, np.matmul, lambda a, b: np.einsum("ij,jk->ik", a, b),
              lambda a, b: np.tensordot(a, b, 1), lambda a, b: np.kron(a, b)):
        check_vjp(f, a, b)
        check_vjp(f, b.T.copy(), a.T.copy())
    check_vjp(np.vdot, rand(3, seed=1), rand(3, seed=2, dtype=complex))
    check_vjp(np.vdot, rand(3, seed=1, dtype=complex), rand(3, seed=2))


# ------------------------------------------------------------------ np.linalg
def _sym(a):
    return 0.5 * (a + np.swapaxes(a, -1, -2).conj())


W = np.arange(1.0, 10.0)    # weights of sign-invariant losses


def _wloss(v):
    """A loss of eigen/singular vectors invariant to each column's sign."""
    n = v.shape[-1]
    return np.sum(np.abs(v) ** 2 * W[:n])


def _wloss_rows(vh):
    return np.sum(np.abs(vh) ** 2 * W[:vh.shape[-1]]) + np.sum(np.abs(vh[..., 0, :]))


# (name, f, args factory)
LINALG = [
    ("inv", la.inv, lambda: [well(3)]),
    ("inv_batched", la.inv, lambda: [well(3, batch=(2,))]),
    ("solve_vec", la.solve, lambda: [well(3), rand(3, seed=1)]),
    ("solve_mat", la.solve, lambda: [well(3), rand(3, 2, seed=1)]),
    ("solve_batched", la.solve, lambda: [well(3, batch=(2,)), rand(2, 3, 2, seed=1)]),
    ("det", la.det, lambda: [well(3)]),
    ("det_batched", la.det, lambda: [well(3, batch=(2,))]),
    ("slogdet_logdet", lambda a: la.slogdet(a)[1], lambda: [well(3)]),
    ("slogdet_neg", lambda a: la.slogdet(a)[1], lambda: [-well(3)]),
    ("slogdet_attr", lambda a: la.slogdet(a).logabsdet, lambda: [well(3, batch=(2,))]),
    ("cholesky", la.cholesky, lambda: [spd(3)]),
    ("cholesky_sym_input", lambda a: la.cholesky(_sym(a) + 4 * np.eye(3)), lambda: [rand(3, 3)]),
    ("cholesky_batched", la.cholesky, lambda: [spd(3, batch=(2,))]),
    ("eigh_w", lambda a: la.eigh(_sym(a))[0], lambda: [rand(4, 4)]),
    ("eigh_v", lambda a: _wloss(la.eigh(_sym(a))[1]), lambda: [rand(4, 4)]),
    ("eigh_both", lambda a: np.sum(la.eigh(_sym(a)).eigenvalues ** 2)
     + _wloss(la.eigh(_sym(a)).eigenvectors), lambda: [rand(4, 4)]),
    ("eigh_batched", lambda a: _wloss(la.eigh(_sym(a))[1]) + np.sum(la.eigh(_sym(a))[0]),
     lambda: [rand(2, 3, 3)]),
    ("eigvalsh", lambda a: la.eigvalsh(_sym(a)), lambda: [rand(4, 4)]),
    # unsymmetrized inputs: numpy reads one triangle
    ("cholesky_upper", lambda a: la.cholesky(a, upper=True), lambda: [spd(3)]),
    ("eigh_raw_w", lambda a: la.eigh(a)[0], lambda: [rand(4, 4)]),
    ("eigh_raw_v", lambda a: _wloss(la.eigh(a)[1]), lambda: [rand(4, 4)]),
    ("eigh_U", lambda a: _wloss(la.eigh(a, UPLO="U")[1]) + np.sum(la.eigh(a, "U")[0] ** 3),
     lambda: [rand(4, 4)]),
    ("eigvalsh_raw", la.eigvalsh, lambda: [rand(4, 4)]),
    ("eigvalsh_U", lambda a: la.eigvalsh(a, UPLO="U"), lambda: [rand(4, 4)]),
    ("qr_tall_q", lambda a: _wloss(la.qr(a)[0]), lambda: [rand(5, 3)]),
    ("qr_tall_r", lambda a: np.abs(la.qr(a)[1]), lambda: [rand(5, 3)]),
    ("qr_square", lambda a: np.sum(la.qr(a).Q ** 2 * rand(3, 3, seed=5) ** 2)
     + np.sum(np.abs(la.qr(a).R)), lambda: [rand(3, 3)]),
    ("qr_qr", lambda a: (lambda q, r: np.abs(q * np.diagonal(r)))(*la.qr(a)),
     lambda: [rand(4, 3)]),
    ("svd_s", lambda a: la.svd(a, compute_uv=False), lambda: [rand(4, 3)]),
    ("svd_s_wide", lambda a: la.svd(a, compute_uv=False), lambda: [rand(3, 5)]),
    ("svd_s_from_usv", lambda a: la.svd(a, full_matrices=False)[1], lambda: [rand(4, 3)]),
    ("svd_u", lambda a: _wloss(la.svd(a, full_matrices=False)[0]), lambda: [rand(4, 3)]),
    ("svd_vh", lambda a: _wloss_rows(la.svd(a, full_matrices=False)[2]), lambda: [rand(4, 3)]),
    ("svd_u_wide", lambda a: _wloss(la.svd(a, full_matrices=False)[0]), lambda: [rand(3, 5)]),
    ("svd_vh_wide", lambda a: np.sum(np.abs(la.svd(a, full_matrices=False)[2]) ** 2
                                     * rand(3, 5, seed=7) ** 2), lambda: [rand(3, 5)]),
    ("svd_square_full", lambda a: _wloss(la.svd(a)[0]) + np.sum(la.svd(a)[1]),
     lambda: [rand(3, 3)]),
    ("svd_usv", lambda a: (lambda u, s, vh: (u * s) @ vh)(*la.svd(a, full_matrices=False)),
     lambda: [rand(4, 3)]),
    ("svd_batched", lambda a: _wloss(la.svd(a, full_matrices=False)[0])
     + np.sum(la.svd(a, full_matrices=False)[1]), lambda: [rand(2, 4, 3)]),
    ("lstsq_vec", lambda a, b: la.lstsq(a, b, rcond=None)[0], lambda: [rand(5, 3), rand(5, seed=1)]),
    ("lstsq_mat", lambda a, b: la.lstsq(a, b, rcond=None)[0],
     lambda: [rand(5, 3), rand(5, 2, seed=1)]),
    ("lstsq_square", lambda a, b: la.lstsq(a, b)[0], lambda: [well(3), rand(3, seed=1)]),
    ("pinv", la.pinv, lambda: [rand(4, 3)]),
    ("pinv_wide", la.pinv, lambda: [rand(3, 4)]),
    ("norm", la.norm, lambda: [rand(4)]),
    ("norm_2d", la.norm, lambda: [rand(3, 4)]),
    ("norm_fro", lambda a: la.norm(a, "fro"), lambda: [rand(3, 4)]),
    ("norm_ord1", lambda a: la.norm(a, ord=1), lambda: [rand(4)]),
    ("norm_ord3", lambda a: la.norm(a, ord=3), lambda: [rand(4)]),
    ("norm_ordinf", lambda a: la.norm(a, ord=np.inf), lambda: [rand(4)]),
    ("norm_ord-inf", lambda a: la.norm(a, ord=-np.inf), lambda: [rand(4)]),
    ("norm_ord0.5", lambda a: la.norm(a, ord=0.5), lambda: [rand(4)]),
    ("norm_axis", lambda a: la.norm(a, axis=1), lambda: [rand(3, 4)]),
    ("norm_axis0_keep", lambda a: la.norm(a, axis=0, keepdims=True), lambda: [rand(3, 4)]),
    ("norm_mat1", lambda a: la.norm(a, 1), lambda: [rand(3, 4)]),
    ("norm_matinf", lambda a: la.norm(a, np.inf), lambda: [rand(3, 4)]),
    ("norm_mat2", lambda a: la.norm(a, 2), lambda: [rand(3, 4)]),
    ("norm_nuc", lambda a: la.norm(a, "nuc"), lambda: [rand(3, 4)]),
    ("norm_keepdims", lambda a: la.norm(a, keepdims=True), lambda: [rand(3, 4)]),
    ("norm_vec_ord2", lambda a: la.norm(a, 2), lambda: [rand(4)]),
    ("norm_3d", lambda a: la.norm(a), lambda: [rand(2, 3, 2)]),
    ("vector_norm", lambda a: la.vector_norm(a, axis=-1), lambda: [rand(3, 4)]),
    ("matrix_norm", lambda a: la.matrix_norm(a), lambda: [rand(2, 3, 4)]),
    ("cond", lambda a: la.cond(a), lambda: [well(3)]),
    ("tensorsolve", lambda a, b: la.tensorsolve(a, b), lambda: [well(4).reshape(2, 2, 4),
                                                              rand(2, 2, seed=1)]),
    ("tensorinv", lambda a: la.tensorinv(a, ind=1), lambda: [well(4)]),
]
COMPLEX_LINALG = {"inv", "cholesky", "norm_2d", "vector_norm", "matrix_norm", "norm_ord3", "eigh_raw_v", "eigh_U", "eigvalsh_U", "solve_vec", "solve_mat", "det", "slogdet_logdet", "cholesky_sym_input",
                  "eigh_w", "eigh_v", "eigvalsh", "qr_tall_r", "norm",
                  "norm_fro", "norm_axis", "lstsq_vec", "tensorinv", "norm_keepdims", "norm_3d"}


@pytest.mark.parametrize("name,f,make", LINALG, ids=[case_id(c) for c in LINALG])
def test_linalg(name, f, make):
    check_vjp(f, *make())


@pytest.mark.parametrize("name,f,make", LINALG, ids=[case_id(c) for c in LINALG])
def test_linalg_float32(name, f, make):
    check_vjp(f, *[a.astype(np.float32) for a in make()], rtol=3e-2)


def _complexify(args, name):
    out = []
    for i, a in enumerate(args):
        z = a + 0.3j * rand(*a.shape, seed=10 + i)
        if name.startswith("cholesky"):     # Hermitian positive definite
            z = a + 0.3j * (rand(*a.shape, seed=10 + i) - rand(*a.shape, seed=10 + i).T)
        out.append(z)
    return out


@pytest.mark.parametrize("name,f,make", [c for c in LINALG if case_id(c) in COMPLEX_LINALG],
                         ids=[case_id(c) for c in LINALG if case_id(c) in COMPLEX_LINALG])
def test_linalg_complex(name, f, make):
    check_vjp(f, *_complexify(make(), name))


# ------------------------------------------------------------------ norm's rule
# np.linalg.norm has a direct rule for the 2-norm of all entries (faster than
# interpreting numpy's code); every other call is interpreted.

def _equations(f, x):
    import bcad
    from bcad.transforms import reverse
    res = reverse.run_forward(f, (x,), {}, (0,))
    return [p.name for p in res.tape.prim]


@pytest.mark.parametrize("call,direct", [
    (lambda a: la.norm(a), True),
    (lambda a: la.norm(a, "fro"), True),
    (lambda a: la.norm(a, keepdims=True), True),
    (lambda a: la.norm(a, ord=1), False),
    (lambda a: la.norm(a, axis=1), False),
    (lambda a: la.norm(a, 2), False),           # (a matrix 2-norm: singular values)
])
def test_norm_rule_or_interpreted(call, direct):
    names = _equations(call, rand(3, 4))
    assert ("numpy.linalg.norm" in names) is direct, names


def test_norm_at_zero_is_nan_as_interpreted():
    """At x = 0 the 2-norm has no derivative: the rule gives nan, as
    interpreting numpy's own code does (sqrt'(0) times 0), and warns nothing."""
    import warnings
    import bcad
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = bcad.grad(lambda a: la.norm(a))(np.zeros(3))
    assert np.isnan(g).all()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # (numpy's code divides by zero there)
        g_interp = bcad.grad(lambda a: la.norm(a, ord=2, axis=0))(np.zeros(3))
    assert np.isnan(g_interp).all()


def test_norm_second_order():
    import bcad
    from bcad.testing import check_grads
    x = rand(4)
    check_grads(lambda a: la.norm(a) ** 3, (x,), modes=("fwd", "rev"), order=2)
    h = bcad.hessian(lambda a: la.norm(a))(x)
    n = np.linalg.norm(x)
    np.testing.assert_allclose(h, (np.eye(4) - np.outer(x, x) / n ** 2) / n, rtol=1e-10)
