"""scipy.linalg: Python functions over LAPACK (Fortran objects bcad has no
rules for), so the rules are keyed on the Python functions themselves:
`solve_triangular`, `cholesky`, `solve`, `inv`, `det`, `expm`, `eigh`
(the standard problem; `eigvalsh` is interpreted down to it).  Real
matrices; `cho_factor`/`cho_solve`, `lu_factor`/`lu_solve` and complex
inputs are refused (their LAPACK calls have no rule) for now."""
import numpy as np
import scipy.linalg as sl

from ..numpy import defarray, defarray_multi, unbroadcast
from ..numpy.linalg import _eigh_vjp as _np_eigh_vjp


def _opts(args, kwargs, names):
    d = dict(zip(names, args))
    d.update(kwargs)
    return d


def _overwrites(o):
    """LAPACK writing into an argument bcad cannot see (the tape, and the
    VJPs, would read the destroyed values)."""
    for k in ("overwrite_a", "overwrite_b"):
        if o.get(k):
            return (f"{k}=True is not supported (LAPACK would overwrite values the "
                    f"gradient needs); drop it")
    return None


def _real_only(names, allowed=None):
    def check(args, kwargs):
        if any(np.iscomplexobj(a) for a in args[:2] if not isinstance(a, (bool, int, str))):
            return "complex matrices are not supported by bcad's scipy.linalg rules"
        o = _opts(args, kwargs, names)
        why = _overwrites(o)
        if why:
            return why
        for k, ok in (allowed or {}).items():
            if o.get(k, ok[0]) not in ok:
                return f"{k}={o.get(k)!r} is not supported"
        return None
    return check


def _outer(u, x):
    """u x^T for matrices or vectors (the cotangent of A in A x = b)."""
    return np.outer(u, x) if np.ndim(x) == 1 else u @ np.swapaxes(x, -1, -2)


# -- solve_triangular -----------------------------------------------------------------
_ST = ("a", "b", "trans", "lower", "unit_diagonal", "overwrite_b", "check_finite")
_TRANS = {0: 0, "N": 0, 1: 1, "T": 1, 2: 1, "C": 1}


def _solve_triangular_vjp(g, x, args, kwargs):
    o = _opts(args, kwargs, _ST)
    a = np.asarray(o["a"])
    trans = _TRANS[o.get("trans", 0)]
    lower = o.get("lower", False)
    unit = o.get("unit_diagonal", False)
    ct_b = sl.solve_triangular(a, g, trans=1 - trans, lower=lower, unit_diagonal=unit)
    ct_op = -_outer(ct_b, x)                 # the cotangent of op(A)
    ct_a = ct_op.T if trans else ct_op
    ct_a = np.tril(ct_a) if lower else np.triu(ct_a)
    if unit:
        np.fill_diagonal(ct_a, 0.0)
    return (ct_a, unbroadcast(args[1], ct_b)) + (None,) * (len(args) - 2 + len(kwargs))


defarray(sl.solve_triangular, _solve_triangular_vjp, save=True,
         check=_real_only(_ST), name="scipy.linalg.solve_triangular")


# -- cholesky -----------------------------------------------------------------------
_CH = ("a", "lower", "overwrite_a", "check_finite")


def _cholesky_vjp(g, c, args, kwargs):
    """A = L L^T reading one triangle of a (the upper one unless lower=True)."""
    lower = _opts(args, kwargs, _CH).get("lower", False)
    L, gL = (c, np.asarray(g)) if lower else (c.T, np.asarray(g).T)
    n = L.shape[-1]
    P = L.T @ gL
    P = np.tril(P) - 0.5 * np.eye(n) * P
    Linv = sl.solve_triangular(L, np.eye(n), lower=True)
    S = Linv.T @ P @ Linv
    S = 0.5 * (S + S.T)                       # the cotangent of the symmetric A
    tri = np.tril(2 * S) - np.eye(n) * S      # on the triangle LAPACK reads
    ct = tri if lower else tri.T
    return (ct,) + (None,) * (len(args) - 1 + len(kwargs))


defarray(sl.cholesky, _cholesky_vjp, save=("ans",), check=_real_only(_CH),
         name="scipy.linalg.cholesky")


# -- solve, inv, det, expm --------------------------------------------------------------
_SOLVE = ("a", "b", "lower", "overwrite_a", "overwrite_b", "check_finite", "assume_a",
          "transposed")


def _solve_vjp(g, x, args, kwargs):
    a = np.asarray(args[0])
    ct_b = np.linalg.solve(a.T, np.asarray(g))
    return (-_outer(ct_b, x), unbroadcast(args[1], ct_b)) + (None,) * (
        len(args) - 2 + len(kwargs))


defarray(sl.solve, _solve_vjp, save=True, name="scipy.linalg.solve",
         check=_real_only(_SOLVE, {"assume_a": (None, "gen", "general"),
                                   "transposed": (False,)}))


def _inv_vjp(g, ans, args, kwargs):
    return (-ans.T @ np.asarray(g) @ ans.T,) + (None,) * (len(args) - 1 + len(kwargs))


defarray(sl.inv, _inv_vjp, save=("ans",), name="scipy.linalg.inv",
         check=_real_only(("a", "overwrite_a", "check_finite", "assume_a", "lower"),
                          {"assume_a": (None, "gen", "general")}))


def _det_vjp(g, ans, args, kwargs):
    a = np.asarray(args[0])
    return (np.asarray(g)[..., None, None] * ans[..., None, None] *
            np.swapaxes(np.linalg.inv(a), -1, -2),) + (None,) * (len(args) - 1 + len(kwargs))


defarray(sl.det, _det_vjp, name="scipy.linalg.det",
         check=_real_only(("a", "overwrite_a", "check_finite")))


def _expm_vjp(g, ans, args, kwargs):
    a = np.asarray(args[0])
    # <g, L(A, E)> = <L(A^T, g), E>: the adjoint of the Frechet derivative.
    return (sl.expm_frechet(a.T, np.asarray(g), compute_expm=False),) + (None,) * (
        len(args) - 1 + len(kwargs))


defarray(sl.expm, _expm_vjp, name="scipy.linalg.expm", check=_real_only(("A",)))


# -- eigh ---------------------------------------------------------------------------
_EIGH = ("a", "b")


def _eigh_check(args, kwargs):
    o = _opts(args, kwargs, _EIGH)
    if o.get("b") is not None:
        return "the generalized problem (b=...) is not supported"
    for k in ("subset_by_index", "subset_by_value"):
        if o.get(k) is not None:
            return f"{k}= is not supported"
    if np.iscomplexobj(args[0]):
        return "complex matrices are not supported by bcad's scipy.linalg rules"
    return _overwrites(o)


def _eigh_out(j):
    def vjp(g, outs, args, kwargs):
        """numpy's eigh rule; LAPACK reads the triangle `lower` names."""
        lower = kwargs.get("lower", True)
        w, v = outs
        if v is None:       # eigvals_only=True: the eigenvectors are needed too
            w, v = sl.eigh(np.asarray(args[0]), lower=lower)
        gs = (g, None) if j == 0 else (None, g)
        ct = _np_eigh_vjp(*gs, (w, v), args[:1], {"UPLO": "L" if lower else "U"})
        return ct + (None,) * (len(args) - 1 + len(kwargs))
    return vjp


_eigh = defarray_multi(sl.eigh, _eigh_out(0), _eigh_out(1), check=_eigh_check,
                       name="scipy.linalg.eigh")
_eigh.single = 0        # eigvals_only=True returns w alone
