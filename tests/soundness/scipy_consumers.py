"""scipy consumers for the array soundness sweep (array_sweep.py), loaded
only when scipy is installed: every carrier x consumer case must be a
correct gradient or a clear error.  They cover scipy's rules (special's
ufuncs, linalg's functions keyed on their Python functions, the
factorizations cho_factor/lu_factor read directly or solved with),
scipy's interpreted Python layers (stats, optimize.rosen, interp1d, FIR
lfilter) and compiled code without rules (CubicSpline's banded solve, IIR
lfilter, quad's callback): those must refuse.

PYTEST_DONT_REWRITE: the interpreted bytecode must be plain compiler output.
"""
import math

import numpy as np
import scipy.integrate as si
import scipy.interpolate as sint
import scipy.linalg as sl
import scipy.optimize as so
import scipy.signal as ss
import scipy.special as sp
import scipy.stats as st


def _a(c):
    return np.asarray(c, dtype=float) if not isinstance(c, np.ndarray) else c


def _m(c):
    """The carrier's first n*n values as an n x n matrix (n >= 1)."""
    a = _a(c).reshape(-1)
    n = max(1, int(math.isqrt(a.size)))
    return a[:n * n].reshape(n, n)


def _spd(c):
    m = _m(c)
    return m @ m.T + np.eye(m.shape[0])


def _spd_one_triangle(c, lower):
    """SPD in the triangle cho_factor reads (`lower`), the carrier's own
    values in the other: their gradient must be zero."""
    m = _m(c)
    s = m @ m.T + np.eye(m.shape[0])
    return s + (np.triu(m, 1) if lower else np.tril(m, -1))


def _gen(c):
    """A general (non-symmetric) well-conditioned matrix."""
    m = _m(c)
    return m + 2.5 * np.eye(m.shape[0]) + np.tril(np.ones(m.shape), -1)


def _rhs(M, k=None):
    n = M.shape[0]
    r = np.linspace(0.5, 1.5, n)
    return r if k is None else np.outer(r, np.arange(1.0, k + 1))


def _cho_solve(c, lower):
    S = _spd_one_triangle(c, lower)
    return np.sum(sl.cho_solve(sl.cho_factor(S, lower=lower), _rhs(S, 2)) * 0.7)


def _gp_nll(c):
    K = _spd(c)
    y = _rhs(K)
    cf = sl.cho_factor(K, lower=True)
    return 0.5 * y @ sl.cho_solve(cf, y) + np.sum(np.log(np.diag(cf[0])))


def _lu_solve(c, trans, pivot=False):
    M = _gen(c)[::-1] if pivot else _gen(c)     # (reversed rows: LAPACK pivots)
    lu_piv = sl.lu_factor(M)
    return np.sum(sl.lu_solve(lu_piv, _rhs(M, 2), trans=trans) ** 2)


def _lu_logabsdet(c):
    lu, piv = sl.lu_factor(_gen(c))
    return np.sum(np.log(np.abs(np.diag(lu))))


def _interp1d(c):
    y = _a(c).ravel()
    t = np.arange(float(y.size))
    return float(sint.interp1d(t, y)(0.4 * (y.size - 1)) if y.size > 1 else y[0])


def _cubic_spline(c):
    y = _a(c).ravel()
    return float(sint.CubicSpline(np.arange(float(y.size)), y)(0.5))


def _quad(c):
    p = _a(c).ravel()[0]
    return si.quad(lambda t: p * t ** 2 + math.sin(t), 0.0, 1.0)[0]


SCIPY_CONSUMERS = [
    ("sp.gammaln", lambda c: sp.gammaln(1.5 + _a(c) ** 2).sum()),
    ("sp.erf", lambda c: sp.erf(c).sum()),
    ("sp.expit", lambda c: sp.expit(c).sum()),
    ("sp.xlogy", lambda c: sp.xlogy(_a(c), 1.0 + _a(c) ** 2).sum()),
    ("sp.logsumexp", lambda c: sp.logsumexp(c)),
    ("sp.logsumexp-b", lambda c: sp.logsumexp(_a(c), b=np.abs(_a(c)) + 0.5)),
    ("sp.softmax", lambda c: (sp.softmax(_a(c).ravel()) * np.arange(_a(c).size)).sum()),
    ("sl.solve", lambda c: sl.solve(_gen(c), _rhs(_gen(c))).sum()),
    ("sl.solve-matrix", lambda c: (sl.solve(_gen(c), _rhs(_gen(c), 2)) ** 2).sum()),
    ("sl.cho_solve-upper", lambda c: _cho_solve(c, False)),
    ("sl.cho_solve-lower", lambda c: _cho_solve(c, True)),
    ("sl.cho_factor-logdet", lambda c: 2 * np.sum(np.log(np.diag(sl.cho_factor(_spd(c))[0])))),
    ("sl.cho_factor-read-c", lambda c: (sl.cho_factor(_spd_one_triangle(c, False))[0] *
                                        np.arange(1.0, _m(c).size + 1).reshape(_m(c).shape))
     .sum()),
    ("sl.gp-nll", _gp_nll),
    ("sl.lu_solve", lambda c: _lu_solve(c, 0)),
    ("sl.lu_solve-trans", lambda c: _lu_solve(c, 1)),
    ("sl.lu_solve-pivot", lambda c: _lu_solve(c, 0, pivot=True)),
    ("sl.lu_solve-pivot-trans", lambda c: _lu_solve(c, 1, pivot=True)),
    ("sl.lu_factor-logabsdet", _lu_logabsdet),
    ("sl.expm", lambda c: (sl.expm(0.3 * _gen(c)) * np.arange(_m(c).size).reshape(_m(c).shape))
     .sum()),
    ("sl.det", lambda c: sl.det(_gen(c))),
    ("sl.inv", lambda c: (sl.inv(_gen(c)) ** 2).sum()),
    ("sl.solve_triangular", lambda c: (sl.solve_triangular(_gen(c), _rhs(_gen(c)), lower=True)
                                       ** 2).sum()),
    ("sl.solve_triangular-T", lambda c: sl.solve_triangular(_gen(c).T, _rhs(_gen(c), 2),
                                                            trans="T").sum()),
    ("sl.cholesky", lambda c: sl.cholesky(_spd_one_triangle(c, False)).sum()),
    ("sl.eigh-w", lambda c: sl.eigh(_spd_one_triangle(c, True))[0].max()),
    ("sl.eigvalsh-upper", lambda c: (sl.eigvalsh(_spd_one_triangle(c, False), lower=False) ** 2)
     .sum()),
    ("st.norm.logpdf", lambda c: st.norm.logpdf(c, loc=0.2, scale=1.3).sum()),
    ("st.norm.cdf", lambda c: st.norm.cdf(c).sum()),
    ("st.norm-loc", lambda c: st.norm(loc=_a(c).ravel()[0], scale=2.0).logpdf(0.3)),
    ("so.rosen", lambda c: so.rosen(_a(c).ravel())),
    ("sint.interp1d", _interp1d),
    ("sint.CubicSpline", _cubic_spline),                   # refused (a compiled solve)
    ("ss.lfilter-fir", lambda c: (ss.lfilter([1.0, 0.5], [2.0], _a(c).ravel()) ** 2).sum()),
    ("ss.lfilter-iir", lambda c: ss.lfilter([1.0], [1.0, -0.5], _a(c).ravel()).sum()),  # refused
    ("si.quad", _quad),                                    # refused (a Fortran callback)
]
