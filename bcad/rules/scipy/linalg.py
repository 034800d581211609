"""scipy.linalg: Python functions over LAPACK (Fortran objects bcad has no
rules for), so the rules are keyed on the Python functions themselves:
`solve_triangular`, `cholesky`, `solve`, `inv`, `det`, `expm`, `eigh` (the
standard problem; `eigvalsh` is interpreted down to it), `cho_factor` /
`cho_solve` and `lu_factor` / `lu_solve`.

Real 2-d matrices.  Refused with NonDifferentiableError (the rule's
`check`): complex inputs, `solve`/`inv` with `assume_a` other than general,
`solve(transposed=True)`, eigh's generalized problem (`b=`) and
`subset_by_*`, batched or non-square `cho_factor`/`lu_factor`, and
`overwrite_a=True`/`overwrite_b=True` anywhere (LAPACK would overwrite, in
place and unseen, values the tape and the VJPs read).  Arguments may be
given by position or by keyword (`_opts`, `_cts`).

The factorizations are differentiated as what they return, so a user who
reads the factor (the log-determinant `2 * sum(log(diag(c)))`) gets its
gradient, and the solves as functions of the factor they are given (the
entries LAPACK reads): `cho_solve(cho_factor(A), b)` and
`lu_solve(lu_factor(A), b)` chain to the gradient of `solve(A, b)` on the
entries of A that the factorization read."""
import numpy as np
import scipy.linalg as sl

from ..numpy import defarray, defarray_multi, unbroadcast
from ..numpy.linalg import _eigh_vjp as _np_eigh_vjp
from ...errors import NonDifferentiableError


def _opts(args, kwargs, names):
    """The call's arguments by name (positional ones named by `names`)."""
    d = dict(zip(names, args))
    d.update(kwargs)
    return d


def _cts(args, kwargs, names, **cts):
    """The cotangent tuple of a call (positional arguments, then the keyword
    ones in their order) from cotangents by argument name."""
    return tuple(cts.get(n) for n in names[:len(args)]) + tuple(cts.get(k) for k in kwargs)


def _overwrites(o):
    """LAPACK writing into an argument bcad cannot see (the tape, and the
    VJPs, would read the destroyed values)."""
    for k in ("overwrite_a", "overwrite_b"):
        if o.get(k):
            return (f"{k}=True is not supported (LAPACK would overwrite values the "
                    f"gradient needs); drop it")
    return None


_COMPLEX = "complex matrices are not supported by bcad's scipy.linalg rules"


def _real_only(names, allowed=None, arrays=2):
    def check(args, kwargs):
        o = _opts(args, kwargs, names)
        if any(np.iscomplexobj(o[n]) for n in names[:arrays] if o.get(n) is not None):
            return _COMPLEX
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


def _tri(x, lower, k=0):
    """The lower (or upper) triangle of x, k diagonals off the main one."""
    return np.tril(x, -k) if lower else np.triu(x, k)


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
    return _cts(args, kwargs, _ST, a=ct_a, b=unbroadcast(o["b"], ct_b))


defarray(sl.solve_triangular, _solve_triangular_vjp, save=True,
         check=_real_only(_ST), name="scipy.linalg.solve_triangular")


# -- cholesky -----------------------------------------------------------------------
_CH = ("a", "lower", "overwrite_a", "check_finite")


def _cholesky_ct(g, c, lower):
    """The cotangent of a in c = cholesky(a, lower): A = L L^T reading one
    triangle of a (the upper one unless lower=True)."""
    L, gL = (c, np.asarray(g)) if lower else (c.T, np.asarray(g).T)
    n = L.shape[-1]
    P = L.T @ gL
    P = np.tril(P) - 0.5 * np.eye(n) * P
    Linv = sl.solve_triangular(L, np.eye(n), lower=True)
    S = Linv.T @ P @ Linv
    S = 0.5 * (S + S.T)                       # the cotangent of the symmetric A
    tri = np.tril(2 * S) - np.eye(n) * S      # on the triangle LAPACK reads
    return tri if lower else tri.T


def _cholesky_vjp(g, c, args, kwargs):
    lower = _opts(args, kwargs, _CH).get("lower", False)
    return _cts(args, kwargs, _CH, a=_cholesky_ct(g, c, lower))


defarray(sl.cholesky, _cholesky_vjp, save=("ans",), check=_real_only(_CH, arrays=1),
         name="scipy.linalg.cholesky")


# -- solve, inv, det, expm --------------------------------------------------------------
_SOLVE = ("a", "b", "lower", "overwrite_a", "overwrite_b", "check_finite", "assume_a",
          "transposed")


# assume_a="sym"/"pos" (scikit-learn's KernelRidge, GP code): LAPACK reads
# one triangle (the upper unless lower=True) as the symmetric matrix it
# stands for, so the cotangent of that symmetric matrix lands on the triangle
# read (off-diagonal entries count twice), as cholesky's does.
_SYMMETRIC = ("sym", "symmetric", "pos", "positive definite")


def _solve_vjp(g, x, args, kwargs):
    o = _opts(args, kwargs, _SOLVE)
    a = np.asarray(o["a"])
    if o.get("assume_a") in _SYMMETRIC:
        lower = bool(o.get("lower", False))
        t = _tri(a, lower)
        a = t + _tri(a, lower, 1).T
    ct_b = np.linalg.solve(a.T, np.asarray(g))
    ct_a = -_outer(ct_b, x)
    if o.get("assume_a") in _SYMMETRIC:
        ct_a = _tri(ct_a + ct_a.T, lower, 1) + np.diag(np.diag(ct_a))
    return _cts(args, kwargs, _SOLVE, a=ct_a, b=unbroadcast(o["b"], ct_b))


def _solve_check(args, kwargs):
    why = _real_only(_SOLVE, {"assume_a": (None, "gen", "general") + _SYMMETRIC,
                              "transposed": (False,)})(args, kwargs)
    if why:
        return why
    if _opts(args, kwargs, _SOLVE).get("assume_a") in _SYMMETRIC and \
            np.ndim(_opts(args, kwargs, _SOLVE)["a"]) != 2:
        return "a batched symmetric solve is not supported"
    return None


defarray(sl.solve, _solve_vjp, save=True, name="scipy.linalg.solve", check=_solve_check)

_INV = ("a", "overwrite_a", "check_finite", "assume_a", "lower")


def _inv_vjp(g, ans, args, kwargs):
    return _cts(args, kwargs, _INV, a=-ans.T @ np.asarray(g) @ ans.T)


defarray(sl.inv, _inv_vjp, save=("ans",), name="scipy.linalg.inv",
         check=_real_only(_INV, {"assume_a": (None, "gen", "general")}, arrays=1))

_DET = ("a", "overwrite_a", "check_finite")


def _det_vjp(g, ans, args, kwargs):
    a = np.asarray(_opts(args, kwargs, _DET)["a"])
    return _cts(args, kwargs, _DET, a=np.asarray(g)[..., None, None] * ans[..., None, None] *
                np.swapaxes(np.linalg.inv(a), -1, -2))


defarray(sl.det, _det_vjp, name="scipy.linalg.det", check=_real_only(_DET, arrays=1))

_EXPM = ("A",)


def _expm_vjp(g, ans, args, kwargs):
    a = np.asarray(_opts(args, kwargs, _EXPM)["A"])
    # <g, L(A, E)> = <L(A^T, g), E>: the adjoint of the Frechet derivative.
    return _cts(args, kwargs, _EXPM,
                A=sl.expm_frechet(a.T, np.asarray(g), compute_expm=False))


defarray(sl.expm, _expm_vjp, name="scipy.linalg.expm", check=_real_only(_EXPM, arrays=1))


# -- eigh ---------------------------------------------------------------------------
_EIGH = ("a", "b")


def _eigh_check(args, kwargs):
    o = _opts(args, kwargs, _EIGH)
    if o.get("b") is not None:
        return "the generalized problem (b=...) is not supported"
    for k in ("subset_by_index", "subset_by_value"):
        if o.get(k) is not None:
            return f"{k}= is not supported"
    if np.iscomplexobj(o.get("a")):
        return _COMPLEX
    return _overwrites(o)


def _eigh_out(j):
    def vjp(g, outs, args, kwargs):
        """numpy's eigh rule; LAPACK reads the triangle `lower` names."""
        o = _opts(args, kwargs, _EIGH)
        lower = o.get("lower", True)
        a = np.asarray(o["a"])
        w, v = outs
        if v is None:       # eigvals_only=True: the eigenvectors are needed too
            w, v = sl.eigh(a, lower=lower)
        gs = (g, None) if j == 0 else (None, g)
        ct = _np_eigh_vjp(*gs, (w, v), (a,), {"UPLO": "L" if lower else "U"})[0]
        return _cts(args, kwargs, _EIGH, a=ct)
    return vjp


_eigh = defarray_multi(sl.eigh, _eigh_out(0), _eigh_out(1), check=_eigh_check,
                       name="scipy.linalg.eigh")
_eigh.single = 0        # eigvals_only=True returns w alone


def _square(names, why_other=None):
    base = _real_only(names, arrays=1)

    def check(args, kwargs):
        why = base(args, kwargs)
        if why:
            return why
        s = np.shape(_opts(args, kwargs, names).get("a"))
        if len(s) != 2 or s[0] != s[1]:
            return f"a matrix of shape {s} is not supported (square 2-d matrices only)"
        return why_other() if why_other else None
    return check


# -- cho_factor / cho_solve -------------------------------------------------------------
# cho_factor(a, lower) returns (c, lower): the Cholesky factor in the triangle
# LAPACK read (upper unless lower=True: A = U^T U or L L^T); what the other
# strict triangle holds depends on scipy's version: a's entries untouched
# (potrf with clean=0, older versions) or zeros (the batched code of newer
# ones).  The factor is differentiated through cholesky's rule; the other
# triangle as what it is (a copy of a's entries: their gradient there; zeros:
# none), found by calling cho_factor once on a known matrix, and checked again
# on each call's values.  cho_solve never reads that triangle: nothing flows
# there from it.
_CF = ("a", "lower", "overwrite_a", "check_finite")


def _cho_other_probe():
    """"copy", "zero" or None (neither, or a mix): what cho_factor leaves in
    the triangle it does not compute, in this scipy."""
    a = np.array([[4.0, 2.0, 1.0], [2.0, 5.0, 3.0], [1.0, 3.0, 6.0]])
    modes = set()
    for lower in (False, True):
        for m in (a, np.asfortranarray(a)):
            c = sl.cho_factor(m.copy(order="K"), lower=lower)[0]
            other = _tri(c, not lower, 1)
            if np.array_equal(other, _tri(a, not lower, 1)):
                modes.add("copy")
            elif not other.any():
                modes.add("zero")
            else:
                modes.add(None)
    return modes.pop() if len(modes) == 1 else None


_CHO_OTHER = _cho_other_probe()


def _cho_other_unknown():
    if _CHO_OTHER is None:
        return ("this scipy's cho_factor leaves neither a's entries nor zeros in the "
                "triangle it does not compute")
    return None


def _cho_factor_vjp(g, outs, args, kwargs):
    o = _opts(args, kwargs, _CF)
    lower = bool(o.get("lower", False))
    a = np.asarray(o["a"])
    c = np.asarray(outs[0])
    g = np.asarray(g)
    ct = _cholesky_ct(_tri(g, lower), _tri(c, lower), lower)
    other = _tri(c, not lower, 1)
    if _CHO_OTHER == "copy" and np.array_equal(other, _tri(a, not lower, 1)):
        ct = ct + _tri(g, not lower, 1)          # the copied entries
    elif not (_CHO_OTHER == "zero" and not other.any()):
        raise NonDifferentiableError(
            "scipy.linalg.cho_factor: the triangle it does not compute holds values bcad "
            "cannot account for (neither a's entries nor zeros); its gradient would be wrong")
    return _cts(args, kwargs, _CF, a=ct)


defarray_multi(sl.cho_factor, _cho_factor_vjp, None, name="scipy.linalg.cho_factor",
               check=_square(_CF, _cho_other_unknown))

_CS = ("c_and_lower", "b", "overwrite_b", "check_finite")


def _pair(o, name, what):
    p = o.get(name)
    if type(p) not in (tuple, list) or len(p) != 2:
        return None, f"its first argument is not {what} pair"
    if any(np.iscomplexobj(x) for x in (p[0], o.get("b")) if x is not None):
        return None, _COMPLEX
    if np.ndim(p[0]) != 2:
        return None, "batched factors are not supported (2-d matrices only)"
    return p, None


def _cho_solve_vjp(g, x, args, kwargs):
    """x = A^-1 b with A = L L^T (or U^T U) from the triangle of c potrs reads."""
    o = _opts(args, kwargs, _CS)
    pair = o["c_and_lower"]
    c, lower = np.asarray(pair[0]), bool(pair[1])
    ct_b = sl.cho_solve((c, lower), np.asarray(g))
    G = -_outer(ct_b, x)                        # the cotangent of A
    G = G + G.T
    F = _tri(c, lower)
    # dA = dL L^T + L dL^T (or dU^T U + U^T dU) on the triangle read
    ct_c = _tri(G @ F, True) if lower else _tri(F @ G, False)
    return _cts(args, kwargs, _CS, c_and_lower=type(pair)((ct_c, None)),
                b=unbroadcast(o["b"], ct_b))


def _cho_solve_check(args, kwargs):
    o = _opts(args, kwargs, _CS)
    _, why = _pair(o, "c_and_lower", "a (c, lower)")
    return why or _overwrites(o)


defarray(sl.cho_solve, _cho_solve_vjp, save=True, check=_cho_solve_check,
         name="scipy.linalg.cho_solve")


# -- lu_factor / lu_solve ---------------------------------------------------------------
# lu_factor(a) returns (lu, piv): P a = L U with L unit lower (strictly below
# the diagonal of lu) and U upper (on and above it); piv (integers, not
# differentiable) is LAPACK's row interchanges.  Every entry of lu is used.
_LF = ("a", "overwrite_a", "check_finite")


def _perm(piv, n):
    """perm with a[perm] = P a = L U."""
    perm = np.arange(n)
    for i, p in enumerate(np.asarray(piv)):
        perm[i], perm[p] = perm[p], perm[i]
    return perm


def _lu_parts(lu):
    n = lu.shape[-1]
    return np.tril(lu, -1) + np.eye(n), np.triu(lu)


def _lu_factor_vjp(g, outs, args, kwargs):
    # dL = L tril(F, -1), dU = triu(F) U with F = L^-1 P da U^-1; transposed.
    lu, piv = outs
    n = lu.shape[-1]
    L, U = _lu_parts(lu)
    g = np.asarray(g)
    H = np.tril(L.T @ np.tril(g, -1), -1) + np.triu(np.triu(g) @ U.T)
    X = sl.solve_triangular(L, H, trans=1, lower=True, unit_diagonal=True)    # L^-T H
    X = sl.solve_triangular(U, X.T, trans=0, lower=False).T                   # X U^-T
    ct = np.empty_like(X)
    ct[_perm(piv, n)] = X                                                    # P^T X
    return _cts(args, kwargs, _LF, a=ct)


defarray_multi(sl.lu_factor, _lu_factor_vjp, None, name="scipy.linalg.lu_factor",
               check=_square(_LF))

_LS = ("lu_and_piv", "b", "trans", "overwrite_b", "check_finite")


def _lu_solve_vjp(g, x, args, kwargs):
    """x = A^-1 b (trans=0) or A^-T b, with A = P^T L U from lu and piv."""
    o = _opts(args, kwargs, _LS)
    pair = o["lu_and_piv"]
    lu, piv = np.asarray(pair[0]), pair[1]
    n = lu.shape[-1]
    trans = _TRANS[o.get("trans", 0)]
    ct_b = sl.lu_solve((lu, piv), np.asarray(g), trans=1 - trans)
    G = -_outer(ct_b, x)                        # the cotangent of op(A)
    if trans:
        G = G.T
    L, U = _lu_parts(lu)
    PG = G[_perm(piv, n)]
    # dA = P^T (dL U + L dU): dL strictly lower, dU upper
    ct_lu = np.tril(PG @ U.T, -1) + np.triu(L.T @ PG)
    return _cts(args, kwargs, _LS, lu_and_piv=type(pair)((ct_lu, None)),
                b=unbroadcast(o["b"], ct_b))


def _lu_solve_check(args, kwargs):
    o = _opts(args, kwargs, _LS)
    _, why = _pair(o, "lu_and_piv", "an (lu, piv)")
    if why:
        return why
    if o.get("trans", 0) not in (0, 1, 2):
        return None         # (scipy raises its own error)
    return _overwrites(o)


defarray(sl.lu_solve, _lu_solve_vjp, save=True, check=_lu_solve_check,
         name="scipy.linalg.lu_solve")


# -- lstsq ------------------------------------------------------------------------------
# x = A^+ b for A of full column rank (m >= n): with z = (A^T A)^-1 g and
# r = b - A x, the cotangents are A z for b and r z^T - (A z) x^T for A.
# The residues |r|^2 (m > n) by the envelope theorem, the singular values
# by svd's rule; rank is an int.  Rank-deficient and underdetermined
# problems (a minimum-norm solution) are refused (scikit-learn's
# LinearRegression.fit reaches this).
_LSTSQ = ("a", "b", "cond", "overwrite_a", "overwrite_b", "check_finite", "lapack_driver")


def _lstsq_check(args, kwargs):
    why = _real_only(_LSTSQ)(args, kwargs)
    if why:
        return why
    o = _opts(args, kwargs, _LSTSQ)
    a, b = np.asarray(o["a"]), np.asarray(o["b"])
    if a.ndim != 2 or b.ndim not in (1, 2) or b.shape[0] != a.shape[0]:
        return f"shapes {a.shape} and {b.shape} are not supported (a 2-d, b 1-d or 2-d)"
    m, n = a.shape
    if m < n or not np.all(np.isfinite(a)):
        return _RANK
    sv = np.linalg.svd(a, compute_uv=False)
    cut = sv[0] * max(o.get("cond") or 0.0, np.finfo(float).eps * max(m, n))
    if n and (sv[0] == 0 or sv[-1] <= cut):      # (scipy's cutoff, or numpy's if larger)
        return _RANK
    return None


_RANK = "a rank-deficient or underdetermined problem (a minimum-norm solution) is not supported"


def _full_rank(outs, args, kwargs):
    """The rank LAPACK found (the check's estimate may differ by driver)."""
    n = np.shape(_opts(args, kwargs, _LSTSQ)["a"])[1]
    if outs[2] is not None and outs[2] != n:
        raise NonDifferentiableError(f"scipy.linalg.lstsq: {_RANK} (rank {outs[2]} < {n})")


def _lstsq_x(g, outs, args, kwargs):
    _full_rank(outs, args, kwargs)
    o = _opts(args, kwargs, _LSTSQ)
    a, b = np.asarray(o["a"], dtype=float), np.asarray(o["b"], dtype=float)
    x = outs[0]
    z = np.linalg.solve(a.T @ a, np.asarray(g))
    az = a @ z
    r = b - a @ x
    ct_a = np.outer(r, z) - np.outer(az, x) if x.ndim == 1 else r @ z.T - az @ x.T
    return _cts(args, kwargs, _LSTSQ, a=ct_a, b=az)


def _lstsq_residues(g, outs, args, kwargs):
    _full_rank(outs, args, kwargs)
    o = _opts(args, kwargs, _LSTSQ)
    a, b = np.asarray(o["a"], dtype=float), np.asarray(o["b"], dtype=float)
    g = np.asarray(g, dtype=float)
    if g.size == 0:
        return _cts(args, kwargs, _LSTSQ)
    x = outs[0]
    r = b - a @ x
    rg = r * (g if b.ndim == 1 else g.reshape(1, -1))
    ct_a = -2 * (np.outer(rg, x) if x.ndim == 1 else rg @ x.T)
    return _cts(args, kwargs, _LSTSQ, a=ct_a, b=2 * rg)


def _lstsq_s(g, outs, args, kwargs):
    _full_rank(outs, args, kwargs)
    a = np.asarray(_opts(args, kwargs, _LSTSQ)["a"], dtype=float)
    u, _, vt = np.linalg.svd(a, full_matrices=False)
    return _cts(args, kwargs, _LSTSQ, a=(u * np.asarray(g)) @ vt)


defarray_multi(sl.lstsq, _lstsq_x, _lstsq_residues, None, _lstsq_s, name="scipy.linalg.lstsq",
               check=_lstsq_check)
