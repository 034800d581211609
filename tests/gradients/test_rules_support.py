"""Helpers shared by the derivative-rule tests (no tests here).

`check_vjp` is a first-order check for float AND complex arguments/outputs
(bcad.testing.check_grads perturbs float leaves only and reads only the real
part of outputs): bcad's cotangents are compared with a 4-point central
difference of L = sum_k Re(conj(ct_k) * out_k) along every real coordinate
(a complex argument z = x + iy has two: the cotangent must be dL/dx + i dL/dy).

`check` runs check_vjp and, when every argument is a float, also the public
second-order check bcad.testing.check_grads(order=2).
"""
import math
import random

import bcad
from bcad.testing import check_grads

H = 1e-4


def case_params(table):
    """Expand rows (name, fn, [args, args, ...]) into pytest params, one per
    point, with ids name[args]."""
    import pytest
    out = []
    for row in table:
        name, fn, points = row[0], row[1], row[2]
        marks = row[3] if len(row) > 3 else ()
        for args in points:
            args = args if isinstance(args, tuple) else (args,)
            out.append(pytest.param(fn, args, id=f"{name}{list(args)}", marks=marks))
    return out


def _outs(o):
    return o if isinstance(o, tuple) else (o,)


def _loss(fun, args, ct):
    total = 0.0
    for c, v in zip(ct, _outs(fun(*args))):
        total += (complex(c).conjugate() * v).real
    return total


def _fd(fun, args, ct, i, step):
    h = H * min(1.0, abs(args[i])) if args[i] else H      # relative near 0 (log(1e-3))

    def at(t):
        a = list(args)
        a[i] = a[i] + t * step
        return _loss(fun, a, ct)
    f1, f_1, f2, f_2 = at(h), at(-h), at(2 * h), at(-2 * h)
    noise = 8 * 2.2e-16 * max(abs(f1), abs(f_1), abs(f2), abs(f_2)) / h   # rounding in L
    return (8.0 * (f1 - f_1) - (f2 - f_2)) / (12.0 * h), noise


def random_ct(out, seed=0):
    rng = random.Random(seed)
    return tuple(complex(rng.uniform(-1, 1), rng.uniform(-1, 1)) if type(o) is complex
                 else rng.uniform(-1, 1) for o in _outs(out))


def close(a, b, rtol=1e-7, atol=1e-9):
    if type(a) is complex or type(b) is complex:
        a, b = complex(a), complex(b)
        return close(a.real, b.real, rtol, atol) and close(a.imag, b.imag, rtol, atol)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=rtol, abs_tol=atol)


def check_vjp(fun, args, ct=None, rtol=1e-7, atol=1e-9):
    """Compare bcad.vjp with finite differences (first order, any float or
    complex scalar arguments, scalar or tuple outputs)."""
    out, vjp_fn = bcad.vjp(fun, *args)
    ref = fun(*args)
    assert len(_outs(out)) == len(_outs(ref)) and all(
        close(o, r, 1e-15, 0) for o, r in zip(_outs(out), _outs(ref))), \
        f"bcad computed {out!r}, CPython {ref!r}"
    ct = random_ct(out) if ct is None else ct
    got = vjp_fn(ct if isinstance(out, tuple) else ct[0])
    for i, a in enumerate(args):
        if type(a) is float:
            want, noise = _fd(fun, args, ct, i, 1.0)
            assert type(got[i]) is float, f"argument {i}: cotangent {got[i]!r} of a float input"
        else:
            (re, n1), (im, n2) = _fd(fun, args, ct, i, 1.0), _fd(fun, args, ct, i, 1j)
            want, noise = complex(re, im), max(n1, n2)
        assert close(got[i], want, rtol, atol + noise), \
            f"argument {i}: bcad {got[i]!r}, finite differences {want!r}"
    check_jvp(fun, args, ct, got)


def check_jvp(fun, args, ct, cts):
    """Forward mode along each real coordinate of each argument, paired with
    the cotangent `ct`, equals reverse mode's cotangents `cts` there (the
    two modes read the same rules; they agree to rounding)."""
    for i, a in enumerate(args):
        for e in ((1.0,) if type(a) is float else (1.0, 1j)):
            tangents = [None] * len(args)
            tangents[i] = e if type(a) is complex or e == 1.0 else e
            if type(a) is complex:
                tangents[i] = complex(e)
            out, t_out = bcad.jvp(fun, args, tangents)
            fwd = sum((complex(c).conjugate() * t).real for c, t in zip(ct, _outs(t_out)))
            rev = cts[i].real if e == 1.0 else complex(cts[i]).imag
            assert close(fwd, rev, 1e-9, 1e-12) or math.isnan(fwd) and math.isnan(rev), \
                f"argument {i}, direction {e}: forward mode {fwd!r}, reverse mode {rev!r}"


def check(fun, args, order=2):
    """check_vjp, plus check_grads(order) when every argument is a float
    (check_grads uses absolute steps of 1e-6 and 1e-4: not below |x| ~ 1e-2)."""
    check_vjp(fun, args)
    if all(type(a) is float for a in args) and not any(0 < abs(a) < 1e-2 for a in args):
        check_grads(fun, args, order=order)


def grad_all(fun, *args):
    """The gradient with respect to every argument (a tuple)."""
    return bcad.grad(fun, argnums=tuple(range(len(args))))(*args)
