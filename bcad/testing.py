"""Checking derivatives against finite differences (public API)."""
import math
import random

import numpy as np

from .transforms.tree import flatten, unflatten


def _is_real_array(x):
    return type(x) is np.ndarray and x.dtype.kind == "f"


def _perturb(args, leaves_idx, direction, eps):
    out = []
    for i, a in enumerate(args):
        leaves, tree = flatten(a)
        leaves = list(leaves)
        for j in range(len(leaves)):
            key = (i, j)
            if key in leaves_idx:
                d = direction[leaves_idx[key]]
                x = leaves[j]
                leaves[j] = (x + eps * d).astype(x.dtype) if _is_real_array(x) else x + eps * d
        out.append(unflatten(tree, leaves))
    return out


def _diff_leaves(args):
    """(argument, leaf) -> index of the real leaves to differentiate: floats
    and real float arrays."""
    idx = {}
    for i, a in enumerate(args):
        leaves, _ = flatten(a)
        for j, x in enumerate(leaves):
            if type(x) is float or _is_real_array(x):
                idx[(i, j)] = len(idx)
    return idx


def _shapes(args, idx):
    shapes = [None] * len(idx)
    for i, a in enumerate(args):
        leaves, _ = flatten(a)
        for j, x in enumerate(leaves):
            if (i, j) in idx:
                shapes[idx[(i, j)]] = x.shape if _is_real_array(x) else None
    return shapes


def _random_like(rng, shape):
    if shape is None:
        return rng.uniform(-1, 1)
    return np.array([rng.uniform(-1, 1) for _ in range(int(np.prod(shape)))]).reshape(shape)


def _dot(a, b):
    return float(np.sum(np.real(a) * np.real(b)))


def _inner(ct_leaves, out):
    leaves, _ = flatten(out)
    return math.fsum(_dot(c, x) for c, x in zip(ct_leaves, leaves))


def check_grads(fun, args, order=2, eps=1e-6, rtol=1e-5, atol=1e-7, seed=0, modes=("rev",)):
    """Compare bcad's derivatives of `fun` at `args` with central finite
    differences along random directions.  Float leaves of `args` are
    differentiated; other arguments (ints, strings, ...) are passed as they are.

    `modes`: "rev" checks reverse mode (the VJP), "fwd" forward mode (the
    JVP, bcad.jvp, along the same direction).  order=1 checks first
    derivatives; order=2 also checks the derivative of the gradient (the
    gradient, differentiated by finite differences along a second
    direction, against a second-order difference of `fun`).
    Raises AssertionError with both numbers on a mismatch.
    """
    modes = (modes,) if isinstance(modes, str) else tuple(modes)
    if not modes or any(m not in ("fwd", "rev") for m in modes):
        raise ValueError(f"check_grads: modes must be 'fwd' and/or 'rev', got {modes!r}")
    from .transforms.reverse import run_forward, gradients
    args = tuple(args)
    rng = random.Random(seed)
    idx = _diff_leaves(args)
    if not idx:
        raise ValueError("check_grads: no float arguments to differentiate")
    shapes = _shapes(args, idx)
    v = [_random_like(rng, s) for s in shapes]
    out0 = fun(*args)
    out_leaves, _ = flatten(out0)
    ct = [_random_like(rng, np.shape(x) if np.ndim(x) else None) for x in out_leaves]

    def scalar(a):
        return _inner(ct, fun(*a))

    diff_args = sorted({i for i, _ in idx})

    def grad_dot(a, direction):
        res = run_forward(fun, a, {}, diff_args, kind="check_grads")
        out_leaves, _ = flatten(res.out)
        gs = dict(zip(diff_args, gradients(res, out_leaves, ct)))
        total = 0.0
        for (i, j), k in idx.items():
            g_leaves, _ = flatten(gs[i])
            gj = g_leaves[j]
            total += 0.0 if gj is None else _dot(gj, direction[k])
        return total

    def tangents_of(direction):
        """`direction` (one entry per differentiated leaf) as tangents shaped
        like the differentiated arguments."""
        out = []
        for i in diff_args:
            leaves, tree = flatten(args[i])
            out.append(unflatten(tree, [direction[idx[(i, j)]] if (i, j) in idx else None
                                        for j in range(len(leaves))]))
        return out

    def jvp_dot(direction):
        # (fun itself is what bcad records: a wrapper defined here would be
        # bcad's own code, which runs natively)
        from .api_forward import _Linearized
        lin = _Linearized(fun, args, {}, tuple(diff_args), "check_grads")
        return _inner(ct, lin.push(tangents_of(direction)))

    fd = (scalar(_perturb(args, idx, v, eps)) - scalar(_perturb(args, idx, v, -eps))) / (2 * eps)
    for mode in modes:
        ad = grad_dot(args, v) if mode == "rev" else jvp_dot(v)
        if not math.isclose(fd, ad, rel_tol=rtol, abs_tol=atol):
            raise AssertionError(f"check_grads: first order mismatch: "
                                 f"{'reverse' if mode == 'rev' else 'forward'} mode {ad!r}, "
                                 f"finite differences {fd!r}")
    if order >= 2:
        u = [_random_like(rng, s) for s in shapes]
        e2 = max(eps, 1e-4)
        d_grad = (grad_dot(_perturb(args, idx, u, e2), v)
                  - grad_dot(_perturb(args, idx, u, -e2), v)) / (2 * e2)

        def f2(s, t):
            a = _perturb(args, idx, [s * ui + t * vi for ui, vi in zip(u, v)], 1.0)
            return scalar(a)
        fd2 = (f2(e2, e2) - f2(e2, -e2) - f2(-e2, e2) + f2(-e2, -e2)) / (4 * e2 * e2)
        if not math.isclose(fd2, d_grad, rel_tol=max(rtol, 1e-3), abs_tol=max(atol, 1e-4)):
            raise AssertionError(f"check_grads: second order mismatch: derivative of the "
                                 f"gradient {d_grad!r}, finite differences {fd2!r}")
        if "fwd" in modes:
            # The same second derivative by AD: forward mode over the
            # reverse-mode gradient of <ct, fun>, along u, paired with v.
            from .api import grad
            from .api_forward import _Linearized
            from .rules.derived import contraction
            g = grad(contraction(fun, ct), argnums=tuple(diff_args))
            hu = _Linearized(g, args, {}, tuple(diff_args), "check_grads").push(tangents_of(u))
            ad2 = 0.0
            for i, hi in zip(diff_args, hu):
                h_leaves, _ = flatten(hi)
                for (ii, j), k in idx.items():
                    if ii == i and h_leaves[j] is not None:
                        ad2 += _dot(h_leaves[j], v[k])
            if not math.isclose(fd2, ad2, rel_tol=max(rtol, 1e-3), abs_tol=max(atol, 1e-4)):
                raise AssertionError(f"check_grads: second order mismatch: forward over reverse "
                                     f"mode {ad2!r}, finite differences {fd2!r}")
    return True
