"""Products and linear algebra: `dot`, `matmul`/`@`, `vdot`, `inner`,
`outer`, `tensordot`, `einsum`, `kron`, and `np.linalg`'s compiled
functions (`inv`, `solve`, `det`, `slogdet`, `cholesky`, `eigh`, `qr`,
`svd`, `pinv` through its Python code, `lstsq`).  The rest of numpy's
Python linear algebra is interpreted, and so is `np.linalg.norm` except in
its common case (the 2-norm of all entries), which has a direct rule
because it is faster: an ODE solver's error norm at every step costs ~10x
less than interpreting numpy's code, with the same numbers.  Formulas as in
autograd's linalg VJPs (real and complex, batched where numpy batches)."""
import numpy as np

from . import defarray, defarray_multi, unbroadcast, conj, shape_of, needed, _NEEDS
from .. import INTERPRET_UNCOVERED

la = np.linalg


def _T(x):
    return np.swapaxes(x, -1, -2)


def _H(x):
    return np.conj(_T(x)) if np.iscomplexobj(x) else _T(x)


# -- products --------------------------------------------------------------------
# dot, matmul and ndarray.dot are "crossed" (Primitive.crossed): an operand's
# value is kept only when the other operand is tracked, since only the other
# operand's cotangent reads it; the one not kept is a Meta (shape and dtype),
# and these VJPs compute only the cotangents the pass needs.  A solver's
# `K[:s].T @ a[:s]` with constant coefficients then holds no view of its
# stage array K, and writing K's next stage copies nothing.
def _operand(x):
    return x if hasattr(x, "ndim") else np.asarray(x)    # (an array, a Meta, a number)


def _matmul_vjp(g, ans, args, kwargs):
    return _product_cts(np.asarray(g), _operand(args[0]), _operand(args[1]))


def _product_cts(g, a, b):
    """The cotangents of a @ b (vectors and stacks of matrices), those
    needed."""
    na, nb = needed(0), needed(1)
    if a.ndim == 1 and b.ndim == 1:
        return (unbroadcast(a, g * conj(b)) if na else None,
                unbroadcast(b, g * conj(a)) if nb else None)
    if a.ndim == 1:
        ga = np.matmul(g[..., None, :], _H(b))[..., 0, :] if na else None
        gb = conj(a)[:, None] * g[..., None, :] if nb else None
    elif b.ndim == 1:
        ga = g[..., :, None] * conj(b) if na else None
        gb = np.matmul(_H(a), g[..., :, None])[..., 0] if nb else None
    else:
        ga = np.matmul(g, _H(b)) if na else None
        gb = np.matmul(_H(a), g) if nb else None
    return (None if ga is None else unbroadcast(a, ga)), (None if gb is None else
                                                           unbroadcast(b, gb))


defarray(np.matmul, lambda g, ans, args, kwargs: _matmul_vjp(g, ans, args, kwargs)
         + (None,) * (len(args) - 2 + len(kwargs)), save=(0, 1)).crossed = True


def _dot_vjp(g, ans, args, kwargs):
    a, b = args[0], args[1]
    if type(g) is np.ndarray and g.ndim == 1 and g.dtype.kind == "f" and \
            getattr(a, "ndim", None) == 2 and getattr(b, "ndim", None) == 1 and \
            a.dtype.kind == "f" and b.dtype.kind == "f":
        # (a real matrix times a real vector: `K[:s].T @ a[:s]` of a solver's
        # step, `A @ x`.  _product_cts's results, written out.)
        n, lowest = _NEEDS
        ga = gb = None
        if not (n is not None and len(n) > 0 and n[0] < lowest):
            if type(b) is not np.ndarray:
                return _dot_vjp_general(g, ans, args, kwargs)
            ga = g[:, None] * b
        if not (n is not None and len(n) > 1 and n[1] < lowest):
            if type(a) is not np.ndarray:
                return _dot_vjp_general(g, ans, args, kwargs)
            gb = np.matmul(a.T, g[:, None])[..., 0]
        return ga, gb
    return _dot_vjp_general(g, ans, args, kwargs)


def _dot_vjp_general(g, ans, args, kwargs):
    a, b = _operand(args[0]), _operand(args[1])
    g = np.asarray(g)
    if a.ndim == 0 or b.ndim == 0:
        return (unbroadcast(a, np.sum(g * conj(b)) if a.ndim == 0 else g * conj(b))
                if needed(0) else None,
                unbroadcast(b, np.sum(g * conj(a)) if b.ndim == 0 else g * conj(a))
                if needed(1) else None)
    if b.ndim <= 2:
        return _product_cts(g, a, b)
    # dot(a, b)[i..., j...] = sum_k a[i..., k] b[j..., k, m]
    ga = np.tensordot(g, conj(b), axes=(list(range(a.ndim - 1, g.ndim)),
                                        [d for d in range(b.ndim) if d != b.ndim - 2])) \
        if needed(0) else None
    if not needed(1):
        return ga, None
    gb = np.tensordot(conj(a), g, axes=(list(range(a.ndim - 1)), list(range(a.ndim - 1))))
    gb = np.moveaxis(gb, 0, b.ndim - 2)
    return ga, gb


defarray(np.dot, lambda g, ans, args, kwargs: _dot_vjp(g, ans, args, kwargs)
         + (None,) * (len(args) - 2 + len(kwargs)), save=(0, 1)).crossed = True
defarray(np.ndarray.dot, lambda g, ans, args, kwargs: _dot_vjp(g, ans, args, kwargs)
         + (None,) * (len(args) - 2 + len(kwargs)), save=(0, 1)).crossed = True


def _vdot_vjp(g, ans, args, kwargs):
    a, b = np.asarray(args[0]), np.asarray(args[1])   # sum(conj(a) * b), flattened
    return (np.reshape(np.conj(g) * b, a.shape) if np.iscomplexobj(a) or np.iscomplexobj(b)
            else np.reshape(g * b, a.shape), np.reshape(g * a, b.shape))


defarray(np.vdot, _vdot_vjp)


def _inner_vjp(g, ans, args, kwargs):
    a, b = np.asarray(args[0]), np.asarray(args[1])
    if a.ndim == 0 or b.ndim == 0:
        return _dot_vjp(g, ans, (a, b), {})
    # inner(a, b) = tensordot(a, b, axes=(-1, -1))
    return _tensordot_vjp(g, ans, (a, b, ([a.ndim - 1], [b.ndim - 1])), {})


defarray(np.inner, _inner_vjp)


def _tensordot_vjp(g, ans, args, kwargs):
    a, b = np.asarray(args[0]), np.asarray(args[1])
    axes = args[2] if len(args) > 2 else kwargs.get("axes", 2)
    if isinstance(axes, (int, np.integer)):
        axes = (list(range(a.ndim - axes, a.ndim)), list(range(axes)))
    ax_a, ax_b = ([x] if isinstance(x, (int, np.integer)) else list(x) for x in axes)
    ax_a = [x % a.ndim for x in ax_a]
    ax_b = [x % b.ndim for x in ax_b]
    free_a = [d for d in range(a.ndim) if d not in ax_a]
    free_b = [d for d in range(b.ndim) if d not in ax_b]
    g = np.asarray(g)
    na = len(free_a)
    # ga[free_a, ax_a] = sum over free_b of g[free_a, free_b] * b[ax_b, free_b]
    # (its axes: free_a, then a's contracted axes in the order of b's, which
    # tensordot leaves in b's order)
    ga = np.tensordot(g, conj(b), axes=(list(range(na, g.ndim)), free_b))
    ga = np.transpose(ga, np.argsort(free_a + [ax_a[j] for j in np.argsort(ax_b)]))
    gb = np.tensordot(conj(a), g, axes=(free_a, list(range(na))))
    gb = np.transpose(gb, np.argsort([ax_b[j] for j in np.argsort(ax_a)] + free_b))
    return (ga, gb) + (None,) * (len(args) - 2 + len(kwargs))


defarray(np.tensordot, _tensordot_vjp)


def _vecdot_vjp(g, ans, args, kwargs):
    # vecdot(a, b, axis=k) = sum(conj(a) * b) over each operand's own axis k
    # (a gufunc's core axis): moved last, the rule is that of the last axis.
    a, b = np.asarray(args[0]), np.asarray(args[1])
    k = kwargs.get("axis", -1)
    ka, kb = k % a.ndim, k % b.ndim
    a_, b_ = np.moveaxis(a, ka, -1), np.moveaxis(b, kb, -1)
    g = np.asarray(g)[..., None]
    ga = np.conj(g) * b_ if np.iscomplexobj(a) or np.iscomplexobj(b) or np.iscomplexobj(g) \
        else g * b_
    return (np.moveaxis(unbroadcast(a_, ga), -1, ka), np.moveaxis(unbroadcast(b_, g * a_), -1, kb)) \
        + (None,) * (len(args) - 2 + len(kwargs))


def _vecdot_check(args, kwargs):
    if set(kwargs) - {"dtype", "casting", "axis"} or len(args) != 2:
        return "vecdot is differentiated without out= and axes= (axis= is supported)"
    return None


if isinstance(getattr(np, "vecdot", None), np.ufunc):
    defarray(np.vecdot, _vecdot_vjp, check=_vecdot_check)


def _trace_vjp(g, ans, args, kwargs):
    from .shapes import _diagonal_back
    x = args[0]
    o = dict(zip(("offset", "axis1", "axis2"), args[1:4]))
    o.update((k, kwargs[k]) for k in ("offset", "axis1", "axis2") if k in kwargs)
    offset, axis1, axis2 = o.get("offset", 0), o.get("axis1", 0), o.get("axis2", 1)
    n1, n2 = x.shape[axis1], x.shape[axis2]
    k = max(0, min(n1 + min(offset, 0), n2 - max(offset, 0)))
    gd = np.broadcast_to(np.asarray(g)[..., None], np.shape(g) + (k,))
    ct = _diagonal_back(gd, x, (x, offset, axis1, axis2), {})
    return (ct,) + (None,) * (len(args) - 1 + len(kwargs))


def _trace_check(args, kwargs):
    if (len(args) > 5 and args[5] is not None) or kwargs.get("out") is not None:
        return "trace(out=...) of a differentiable value is not supported"
    return None


defarray(np.ndarray.trace, _trace_vjp, save=(), check=_trace_check)


def _outer_vjp(g, ans, args, kwargs):
    a, b = np.ravel(args[0]), np.ravel(args[1])
    g = np.asarray(g)
    return (np.reshape(g @ conj(b), shape_of(args[0])), np.reshape(conj(a) @ g, shape_of(args[1])))


defarray(np.outer, _outer_vjp)


def _kron_vjp(g, ans, args, kwargs):
    a, b = np.asarray(args[0]), np.asarray(args[1])
    nd = max(a.ndim, b.ndim)
    a2 = a.reshape((1,) * (nd - a.ndim) + a.shape)
    b2 = b.reshape((1,) * (nd - b.ndim) + b.shape)
    # g viewed as [a0, b0, a1, b1, ...]
    g4 = np.asarray(g).reshape(tuple(x for pair in zip(a2.shape, b2.shape) for x in pair))
    ia = "".join(chr(97 + 2 * i) for i in range(nd))
    ib = "".join(chr(98 + 2 * i) for i in range(nd))
    ig = "".join(chr(97 + i) for i in range(2 * nd))
    ga = np.einsum(f"{ig},{ib}->{ia}", g4, conj(b2)).reshape(a.shape)
    gb = np.einsum(f"{ig},{ia}->{ib}", g4, conj(a2)).reshape(b.shape)
    return ga, gb


defarray(np.kron, _kron_vjp)


def _einsum_vjp(g, ans, args, kwargs):
    spec = args[0]
    ops = [np.asarray(x) for x in args[1:]]
    ins, out = spec.replace(" ", "").split("->")
    ins = ins.split(",")
    cts = [None]
    for i, x in enumerate(ops):
        others = [f for j, f in enumerate(ins) if j != i]
        # The cotangent of operand i: g with the others contracted, summed
        # over letters of operand i that appear only in it (and repeated
        # letters on a diagonal).
        letters = ins[i]
        if len(set(letters)) != len(letters):
            raise NotImplementedError("einsum with a repeated index in one operand")
        seen = set(out) | {c for f in others for c in f}
        target = "".join(c for c in letters if c in seen)
        ct = np.einsum(",".join([out] + others) + "->" + target, g,
                       *[conj(o) for j, o in enumerate(ops) if j != i])
        if target != letters:
            shape = [x.shape[letters.index(c)] if c in target else 1 for c in letters]
            ct = np.broadcast_to(np.reshape(np.einsum(target + "->" + "".join(
                c for c in letters if c in target), ct), shape), x.shape)
        cts.append(ct)
    return tuple(cts) + (None,) * len(kwargs)


def _einsum_check(args, kwargs):
    if not args or not isinstance(args[0], str) or "->" not in args[0] or "..." in args[0]:
        return "einsum is differentiated only with an explicit '->' and no '...'"
    ins = args[0].replace(" ", "").split("->")[0].split(",")
    if any(len(set(f)) != len(f) for f in ins):
        return "einsum with a repeated index in one operand (a diagonal) is not supported"
    if kwargs.get("out") is not None:
        return "einsum(out=...) is not supported"
    return None


defarray(np.einsum, _einsum_vjp, check=_einsum_check)


# -- np.linalg ---------------------------------------------------------------------
def _inv_vjp(g, ans, args, kwargs):
    return (-_H(ans) @ g @ _H(ans),)


defarray(la.inv, _inv_vjp, save=("ans",))


def _solve_vjp(g, ans, args, kwargs):
    a, b = np.asarray(args[0]), np.asarray(args[1])
    vec = b.ndim == 1
    gb = la.solve(_H(a), g[..., None] if vec else g)
    x = ans[..., None] if vec else ans
    ga = -gb @ _H(x)
    return unbroadcast(a, ga), unbroadcast(b, gb[..., 0] if vec else gb)


defarray(la.solve, _solve_vjp)


def _det_vjp(g, ans, args, kwargs):
    a = np.asarray(args[0])
    return (np.asarray(g)[..., None, None] * conj(ans[..., None, None] * _T(la.inv(a))),)


defarray(la.det, _det_vjp)


def _slogdet_logdet(g, outs, args, kwargs):
    a = np.asarray(args[0])
    return (np.asarray(g)[..., None, None] * conj(_T(la.inv(a))),)


defarray_multi(la.slogdet, None, _slogdet_logdet)


def _one_triangle(G, lower):
    """The cotangent of a function of a Hermitian matrix that reads one
    triangle of its argument (cholesky, eigh: LAPACK never looks at the
    other), from the Hermitian cotangent G of the matrix it stands for: the
    triangle read, with the mirrored entries' share (tril(G) + tril(G^H, -1))."""
    if lower:
        ct = np.tril(G) + np.tril(_H(G), -1)
    else:
        ct = np.triu(G) + np.triu(_H(G), 1)
    return ct


def _cholesky_vjp(g, ans, args, kwargs):
    # Iain Murray's formula (as in autograd): A = L L^H.
    L = ans
    upper = kwargs.get("upper", False) or (len(args) > 1 and args[1])
    if upper:
        L = _H(L)
        g = _H(g)
    phi = lambda X: np.tril(X) - 0.5 * np.eye(X.shape[-1]) * X   # noqa: E731
    Linv = la.inv(L)
    P = phi(_H(L) @ g)
    S = _H(Linv) @ P @ Linv
    S = 0.5 * (S + _H(S))
    return (_one_triangle(S, not upper),) + (None,) * (len(args) - 1 + len(kwargs))


defarray(la.cholesky, _cholesky_vjp, save=("ans",))


def _eigh_vjp(gw, gv, outs, args, kwargs=None):
    w, v = outs
    a = np.asarray(args[0])
    n = w.shape[-1]
    vh = _H(v)
    total = np.zeros(a.shape, dtype=np.result_type(a, v))
    if gw is not None:
        total = total + v @ (np.asarray(gw)[..., None] * vh)
    if gv is not None:
        off = w[..., None, :] - w[..., :, None]
        F = np.where(np.eye(n, dtype=bool), 0.0, 1.0 / np.where(off == 0, np.inf, off))
        total = total + v @ (F * (vh @ gv)) @ vh
    # eigh reads one triangle (UPLO, lower by default).
    total = 0.5 * (total + _H(total))
    uplo = args[1] if len(args) > 1 else (kwargs or {}).get("UPLO", "L")
    total = _one_triangle(total, uplo.upper() == "L")
    return (total if np.iscomplexobj(a) else np.real(total),)


defarray_multi(la.eigh,
               lambda g, outs, args, kw: _eigh_vjp(g, None, outs, args, kw) + (None,) * (
                   len(args) - 1 + len(kw)),
               lambda g, outs, args, kw: _eigh_vjp(None, g, outs, args, kw) + (None,) * (
                   len(args) - 1 + len(kw)))


def _eigvalsh_vjp(g, ans, args, kwargs):
    w, v = la.eigh(*args, **kwargs)
    return _eigh_vjp(g, None, (w, v), args, kwargs) + (None,) * (len(args) - 1 + len(kwargs))


defarray(la.eigvalsh, _eigvalsh_vjp)


def _qr_vjp(gq, gr, outs, args):
    # Reduced QR of a tall or square matrix (m >= n), as in JAX's qr_jvp transposed.
    q, r = outs
    gq = np.zeros_like(q) if gq is None else np.asarray(gq)
    gr = np.zeros_like(r) if gr is None else np.asarray(gr)
    m = r @ _H(gr) - gq.swapaxes(-1, -2).conj() @ q
    # copyltu(M) = tril(M, -1) + tril(M, -1)^H + diag(M)
    low = np.tril(m, -1)
    cm = low + _H(low) + np.eye(m.shape[-1]) * m
    b = gq + q @ cm
    return (_H(la.solve(r, _H(b))),)


def _qr_check(args, kwargs):
    mode = args[1] if len(args) > 1 else kwargs.get("mode", "reduced")
    a = args[0]
    if mode != "reduced":
        return "qr is differentiated in mode='reduced' only"
    if np.shape(a)[-2] < np.shape(a)[-1]:
        return "qr of a wide matrix (more columns than rows) is not supported"
    return None


defarray_multi(la.qr, lambda g, outs, args, kw: _qr_vjp(g, None, outs, args) + (None,) * (
    len(args) - 1 + len(kw)), lambda g, outs, args, kw: _qr_vjp(None, g, outs, args) + (None,) * (
    len(args) - 1 + len(kw)), check=_qr_check)


def _svd_vjp(gu, gs, gv, outs, args, kwargs):
    """Reduced SVD (full_matrices=False) of real or complex matrices."""
    u, s, vh = outs
    a = np.asarray(args[0])
    k = s.shape[-1]
    v = _H(vh)
    total = np.zeros(a.shape, dtype=np.result_type(a, u))
    if gs is not None:
        total = total + u @ (np.asarray(gs)[..., :, None] * vh)
    if gu is not None or gv is not None:
        s2 = s[..., None, :] ** 2 - s[..., :, None] ** 2
        F = np.where(np.eye(k, dtype=bool), 0.0, 1.0 / np.where(s2 == 0, np.inf, s2))
        sm = s[..., :, None] * np.eye(k)
        sinv = np.eye(k) / np.where(s == 0, np.inf, s)[..., :, None]
        if gu is not None:
            gu = np.asarray(gu)
            uhgu = _H(u) @ gu
            J = F * (uhgu - _H(uhgu))
            total = total + u @ (J @ sm) @ vh
            m = a.shape[-2]
            if m > k:
                total = total + (np.eye(m) - u @ _H(u)) @ gu @ sinv @ vh
        if gv is not None:
            gv_ = _H(np.asarray(gv))       # cotangent of v from that of vh
            vhgv = _H(v) @ gv_
            K = F * (vhgv - _H(vhgv))
            total = total + u @ (sm @ K) @ vh
            n = a.shape[-1]
            if n > k:
                total = total + u @ sinv @ _H(gv_) @ (np.eye(n) - v @ vh)
    return (total if np.iscomplexobj(a) else np.real(total),)


def _svd_check(args, kwargs):
    full = args[1] if len(args) > 1 else kwargs.get("full_matrices", True)
    uv = args[2] if len(args) > 2 else kwargs.get("compute_uv", True)
    if uv and full and np.shape(args[0])[-1] != np.shape(args[0])[-2]:
        return "svd of a non-square matrix is differentiated with full_matrices=False only"
    if np.iscomplexobj(args[0]):
        return "svd of a complex matrix is not supported"
    return None


def _svd_out(j):
    def vjp(g, outs, args, kw):
        if not (args[2] if len(args) > 2 else kw.get("compute_uv", True)):
            u, s, vh = la.svd(args[0], full_matrices=False)
            return _svd_vjp(None, g, None, (u, s, vh), args, kw) + (None,) * (
                len(args) - 1 + len(kw))
        gs = [None, None, None]
        gs[j] = g
        return _svd_vjp(*gs, outs, args, kw) + (None,) * (len(args) - 1 + len(kw))
    return vjp


_svd = defarray_multi(la.svd, _svd_out(0), _svd_out(1), _svd_out(2), check=_svd_check)
_svd.single = 1      # svd(compute_uv=False) returns s alone


def _lstsq_vjp(g, outs, args, kwargs):
    # x = pinv(a) b for a full-rank a: differentiate through the pseudo-inverse.
    a, b = np.asarray(args[0]), np.asarray(args[1])
    x = outs[0]
    vec = b.ndim == 1
    g = np.asarray(g)
    g2 = g[:, None] if vec else g
    x2 = x[:, None] if vec else x
    pinv = la.pinv(a)
    gb = _H(pinv) @ g2
    r = b[:, None] - a @ x2 if vec else b - a @ x2
    # dx = pinv (db - dA x) + (A^H A)^-1 dA^H r, and (A^H A)^-1 = pinv pinv^H
    ga = -gb @ _H(x2) + r @ _H(g2) @ pinv @ _H(pinv)
    return (ga, gb[:, 0] if vec else gb) + (None,) * (len(args) - 2 + len(kwargs))


def _lstsq_check(args, kwargs):
    if np.shape(args[0])[-2] < np.shape(args[0])[-1]:
        return "lstsq of a wide matrix (a minimum-norm solution) is not supported"
    return None


defarray_multi(la.lstsq, _lstsq_vjp, None, None, None, check=_lstsq_check)


def _svd_n_vjp(g, ans, args, kwargs):
    # numpy's private singular values gufunc (np.linalg.cond, matrix_rank...)
    u, s, vh = la.svd(args[0], full_matrices=False)
    return _svd_vjp(None, g, None, (u, s, vh), args, kwargs) + (None,) * (
        len(args) - 1 + len(kwargs))


def _svd_n_check(args, kwargs):
    if np.iscomplexobj(args[0]):
        return "svd of a complex matrix is not supported"
    return None


for _n in ("svd", "svd_n"):
    _svd_n = getattr(getattr(la, "_umath_linalg", None), _n, None)
    if isinstance(_svd_n, np.ufunc) and _svd_n.nout == 1:
        defarray(_svd_n, _svd_n_vjp, check=_svd_n_check)



# -- norm: its common case --------------------------------------------------------
_NORM_ARGS = ("x", "ord", "axis", "keepdims")


def _norm_options(args, kwargs):
    o = dict(zip(_NORM_ARGS, args))
    o.update(kwargs)
    return o


def _norm_check(args, kwargs):
    """None when the call is the 2-norm of all of x's entries (numpy's fast
    path: axis None, ord None, 'fro' of a matrix or 2 of a vector)."""
    o = _norm_options(args, kwargs)
    x = o.get("x")
    if len(args) > 4 or set(o) - set(_NORM_ARGS) or o.get("axis") is not None:
        return "the rule covers norm(x), norm(x, 'fro') and keepdims= (interpreted otherwise)"
    dt = getattr(x, "dtype", None)
    if dt is None or dt.kind not in "fc" or not hasattr(x, "ndim"):
        return "the rule covers float and complex arrays"
    ord_ = o.get("ord")
    if not (ord_ is None or isinstance(ord_, str) and ord_ in ("f", "fro") and x.ndim == 2 or
            type(ord_) is int and ord_ == 2 and x.ndim == 1):
        return "the rule covers the 2-norm of all entries"
    return None


def _norm_vjp(g, ans, args, kwargs):
    # d sqrt(sum |x|^2) = x / norm (g * x / |x|, as for abs); at x = 0 it is
    # nan, as numpy's own code gives when it is interpreted (sqrt'(0) * 0).
    x = args[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        ct = x * (np.asarray(g).reshape(()) / np.asarray(ans).reshape(()))
    return (ct,) + (None,) * (len(args) - 1 + len(kwargs))


def _norm_jvp(ts, ans, args, kwargs):
    t = ts[0]
    if t is None:
        return None
    x = args[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        d = np.real(np.vdot(x, t)) / np.asarray(ans).reshape(())
    return np.reshape(d, np.shape(ans)).astype(np.result_type(ans), copy=False)


defarray(la.norm, _norm_vjp, check=_norm_check).jvp = _norm_jvp
INTERPRET_UNCOVERED.add(la.norm)
