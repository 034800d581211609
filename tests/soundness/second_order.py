"""The second-order sweep: every rule case of the first-order tables,
differentiated twice.

The cases are those of the derivative-rule tests (tests/gradients): the
scalar rules (math, cmath, Python arithmetic on floats and complex numbers,
builtins, statistics) at their points, numpy's ufuncs, reductions,
cumulative functions, products, linear algebra, shape functions, subscripts
and writes, scipy.special's functions, and a few bcad.custom_vjp functions;
ufuncs, operators and reductions also in float32 and complex128 where the
first-order tests have them.  A complex argument is differentiated as the
pair (real, imaginary part); a float32 one must give float32 answers,
checked against the reference of its float64 copy with a tolerance 1000
times wider.  Each case
`fn(*args)` becomes the real scalar s = sum_k <w_k, Re out_k> (random
weights), and its Hessian applied to a direction d is computed three ways:

- "fwd(rev)": `bcad.hvp(s, x, d)`, forward mode over reverse mode (the
  tangent push through an interpreted backward pass);
- "rev(rev)": `grad` of <grad(s), d>, reverse over reverse (each rule's VJP
  interpreted and differentiated);
- "rev(fwd)": `grad` of `jvp(s, x, d)`, reverse over forward (each rule's
  JVP interpreted and differentiated);

each against H d from central differences of bcad's first-order gradient
(4-point, with a step 1e-5 of each coordinate: the gradient is
checked against differences of the function by the first-order tests).
The tolerance is relative to the largest entry of H d or of the answer, so
a silent zero where H d is not zero fails.

A case passes when every mode gives H d, or raises NonDifferentiableError
and is listed in REFUSED with the reason (a listed refusal that starts
working fails too, so the table stays exact).
"""
import math

import numpy as np
import pytest

import bcad
from bcad.errors import NonDifferentiableError

MODES = ("fwd(rev)", "rev(rev)", "rev(fwd)")

# (case id prefix -> reason) cases that raise NonDifferentiableError in
# some mode: the reason is checked against nothing, it documents the gap.
REFUSED = {
    "linalg:lstsq_vec[complex128]": "lstsq's VJP calls pinv, and bcad has no rule for the svd "
                                     "of a complex matrix",
}


# ------------------------------------------------------------------ the checker
# (interpreted by bcad: plain Python and numpy, no asserts)

def _outs(out):
    if isinstance(out, (tuple, list)):
        return list(out)
    return [out]


def _weights(out, rng):
    ws = []
    for o in _outs(out):
        a = np.asarray(o)
        if a.dtype.kind not in "fc":
            ws.append(None)
        elif a.shape == ():
            ws.append(float(rng.uniform(0.5, 1.5)))
        else:
            ws.append(rng.uniform(0.5, 1.5, a.shape))
    return ws


def contract(out, ws):
    total = 0.0
    for o, w in zip(_outs(out), ws):
        if w is None:
            continue
        if np.iscomplexobj(o):
            o = np.real(o)
        total = total + np.sum(o * w)
    return total


def scalar_of(fn, args, diff, ws):
    """s(*diff args): the contracted output, the other arguments fixed."""
    def s(*xs):
        a = list(args)
        for i, x in zip(diff, xs):
            a[i] = x
        return contract(fn(*a), ws)
    return s


def _dot(gs, ds):
    """<gs, ds>, the real inner product (of z = x + iy as of (x, y): a
    complex gradient is dL/dx + i dL/dy)."""
    total = 0.0
    for g, d in zip(gs, ds):
        if np.iscomplexobj(d):
            total = total + np.sum(np.real(np.conj(g) * d))
        else:
            total = total + np.sum(g * d)
    return total


def rev_rev(s, xs, ds):
    g = bcad.grad(s, argnums=tuple(range(len(xs))))
    return bcad.grad(lambda *a: _dot(g(*a), ds), argnums=tuple(range(len(xs))))(*xs)


def rev_fwd(s, xs, ds):
    return bcad.grad(lambda *a: bcad.jvp(s, a, ds)[1], argnums=tuple(range(len(xs))))(*xs)


def fwd_rev(s, xs, ds):
    return bcad.hvp(s, xs, ds)


RUN = {"fwd(rev)": fwd_rev, "rev(rev)": rev_rev, "rev(fwd)": rev_fwd}


# ------------------------------------------------------------------ one case

def _is_diff(a):
    return type(a) is float or type(a) is complex or type(a) is np.ndarray and \
        a.dtype.name in ("float64", "float32", "complex128")


def _direction(x, rng):
    """A step of 1e-5 of each coordinate (1e-8 at 0), random signs and
    sizes: x +- 2d stays inside the case's domain (sqrt at 1e-6, acosh at
    1.01), and far enough from its singularities for the differences.
    (In double precision: a float32 argument's is rounded for bcad's modes.)"""
    if type(x) is float:
        return float(rng.uniform(0.5, 1.0) * rng.choice([-1.0, 1.0]) * 1e-5 * max(abs(x), 1e-3))
    scale = 1e-5 * np.maximum(np.abs(x), 1e-3)
    d = rng.uniform(0.5, 1.0, np.shape(x)) * rng.choice([-1.0, 1.0], np.shape(x)) * scale
    if np.iscomplexobj(x):
        d = d + 1j * rng.uniform(0.5, 1.0, np.shape(x)) * rng.choice([-1.0, 1.0], np.shape(x)) \
            * scale
    return complex(d) if type(x) is complex else d


def _wide(x):
    """x in double precision (the reference's differences need it)."""
    return x.astype(np.float64) if type(x) is np.ndarray and x.dtype == np.float32 else x


def _narrow(d, x):
    """Direction d in x's dtype."""
    return d.astype(x.dtype) if type(x) is np.ndarray else d


def _moved(xs, ds, t):
    return [x + t * d for x, d in zip(xs, ds)]


def check(fn, args, seed=0):
    """{mode: "correct" | "refused: ..."}; AssertionError on a wrong number."""
    args = list(args)
    diff = [i for i, a in enumerate(args) if _is_diff(a)]
    rng = np.random.default_rng(seed)
    ws = _weights(fn(*args), rng)
    s = scalar_of(fn, args, diff, ws)
    xs = [args[i] for i in diff]
    ds = [_direction(x, rng) for x in xs]
    # The reference, in double precision (float32 arguments widened).
    s_wide = scalar_of(fn, [_wide(a) for a in args], diff, ws)
    xs_wide = [_wide(x) for x in xs]
    g = bcad.grad(s_wide, argnums=tuple(range(len(xs))))
    gp1, gm1 = g(*_moved(xs_wide, ds, 1.0)), g(*_moved(xs_wide, ds, -1.0))
    gp2, gm2 = g(*_moved(xs_wide, ds, 2.0)), g(*_moved(xs_wide, ds, -2.0))
    ref = [(8.0 * (np.asarray(a) - np.asarray(b)) - (np.asarray(c) - np.asarray(e))) / 12.0
           for a, b, c, e in zip(gp1, gm1, gp2, gm2)]
    g0 = g(*xs_wide)
    s_scale = max(abs(float(s_wide(*xs_wide))), 1.0)
    g_scale = max(float(np.max(np.abs(x), initial=0.0)) for x in g0)
    if not all(np.all(np.isfinite(r)) for r in ref):
        raise AssertionError(f"the reference H d is not finite: {ref}")
    single = any(type(x) is np.ndarray and x.dtype == np.float32 for x in xs)
    d_scale = max(float(np.max(np.abs(d), initial=0.0)) for d in ds)
    ds = [_narrow(d, x) for d, x in zip(ds, xs)]
    status = {}
    for mode in MODES:
        try:
            got = RUN[mode](s, xs, ds)
        except NonDifferentiableError as e:
            status[mode] = "refused: " + e.args[0].splitlines()[0]
            continue
        for k, (x, h) in enumerate(zip(xs, got)):
            if np.asarray(h).dtype != np.asarray(x).dtype:
                raise AssertionError(f"{mode}: H d of argument {diff[k]} is of dtype "
                                     f"{np.asarray(h).dtype}, the argument {np.asarray(x).dtype}")
        got = [np.asarray(x, dtype=complex) for x in got]
        scale = max(max(float(np.max(np.abs(r), initial=0.0)) for r in ref),
                    max(float(np.max(np.abs(x), initial=0.0)) for x in got))
        # (rounding in the differences of g: ~1e-16 |g| per evaluation, more
        # through an eigen or singular value decomposition, and ~1e-15 |s|
        # where g is 0 but computed: a loss invariant to an eigenvector's
        # sign and norm.  In float32, bcad's own rounding: ~1e-7 of the
        # terms of H d, ~|s| |d| where they cancel)
        if single:
            tol = 1e-3 * scale + 1e-5 * (s_scale + g_scale) * d_scale
        else:
            tol = 1e-6 * scale + 1e-10 * g_scale + 1e-13 * s_scale
        for k, (r, x) in enumerate(zip(ref, got)):
            if x.shape != r.shape or not np.all(np.abs(x - r) <= tol):
                raise AssertionError(
                    f"{mode}: H d of argument {diff[k]} is {x!r}, differences of the "
                    f"gradient give {r!r} (tolerance {tol:.1e})")
        status[mode] = "correct"
    return status


# ------------------------------------------------------------------ the cases

def _row(row):
    """(values, marks) of a table row (a tuple or a pytest.param)."""
    if hasattr(row, "marks"):
        return tuple(row.values), tuple(row.marks)
    return tuple(row), ()


def _scalar_cases():
    from tests.gradients import (test_rules_math as m, test_rules_python_scalars as ps,
                                 test_rules_builtins as b, test_rules_statistics as st,
                                 test_rules_cmath as cm)
    out = []
    for name, f, _, zs, xs in cm.HOLOMORPHIC:
        for z in zs + xs:
            out.append(pytest.param(lambda z, f=f: f(z), (z,), id=f"cmath:{name}[{z}]"))
    for mod, table in ((m, "UNARY"), (m, "NARY"), (ps, "REAL"), (ps, "SLOTS"), (ps, "COMPLEX"),
                       (b, "BUILTINS"), (st, "STATS"), (cm, "OTHER")):
        for row in getattr(mod, table):
            values, marks = _row(row)
            if table == "UNARY" and mod is m:
                name, fn, points = values[0], values[1], values[3]
                marks = marks + tuple(values[4:])
            else:
                name, fn, points = values[0], values[1], values[2]
                marks = marks + tuple(values[3:])
            for p in points:
                args = p if isinstance(p, tuple) else (p,)
                if fn is None or not any(_is_diff(a) for a in args):
                    continue
                out.append(pytest.param(fn, args, id=f"{mod.__name__.split('.')[-1][11:]}:"
                                        f"{name}{list(args)}", marks=marks))
    return out


def _custom_cases():
    """bcad.custom_vjp: inside another transform its forward is recorded
    and its backward interpreted."""
    @bcad.custom_vjp
    def cube(x):
        return x ** 3
    cube.defvjp(lambda x: (x ** 3, x), lambda x, g: (3 * x * x * g,))

    @bcad.custom_vjp
    def sin_cos(x, y):
        return math.sin(x) * math.cos(y)
    sin_cos.defvjp(lambda x, y: (math.sin(x) * math.cos(y), (x, y)),
                   lambda r, g: (g * math.cos(r[0]) * math.cos(r[1]),
                                 -g * math.sin(r[0]) * math.sin(r[1])))

    @bcad.custom_vjp
    def logsumexp(x):
        m = np.max(x)
        return float(m + np.log(np.sum(np.exp(x - m))))
    logsumexp.defvjp(lambda x: (logsumexp(x), x), lambda x, g: (
        g * np.exp(x - np.max(x)) / np.sum(np.exp(x - np.max(x))),))
    return [pytest.param(lambda x: cube(x) * x, (0.7,), id="custom_vjp:cube"),
            pytest.param(sin_cos, (0.4, 1.3), id="custom_vjp:sin_cos"),
            pytest.param(lambda x: logsumexp(x * 2.0), (np.array([0.3, -1.2, 0.8]),),
                         id="custom_vjp:logsumexp")]


def _numpy_cases():
    from tests.gradients import (test_numpy_rules as nr, test_numpy_linalg as la,
                                 test_numpy_python_layer as pl)
    out = []

    def add(cid, fn, args, marks=()):
        out.append(pytest.param(fn, tuple(args), id=cid, marks=marks))

    f32, c128 = np.float32, np.complex128
    for row in nr.UNARY:
        (name, fn, domain, cplx), marks = _row(row)
        add(f"ufunc:{name}", fn, [nr.sample(domain, (2, 3))], marks)
        add(f"ufunc:{name}[float32]", fn, [nr.sample(domain, (2, 3), f32)], marks)
        if cplx:
            add(f"ufunc:{name}[complex128]", fn, [nr.sample(domain, (2, 3), c128)], marks)
    for row in nr.BINARY:
        (name, fn, da, db, cplx), marks = _row(row)
        add(f"ufunc:{name}", fn, [nr.sample(da, (2, 3), seed=1), nr.sample(db, (3,), seed=2)],
            marks)
        add(f"ufunc:{name}[float32]", fn, [nr.sample(da, (2, 3), f32, seed=1),
                                          nr.sample(db, (3,), f32, seed=2)], marks)
        if cplx:
            for ta, tb in ((c128, c128), (c128, np.float64), (np.float64, c128)):
                add(f"ufunc:{name}[{np.dtype(ta)},{np.dtype(tb)}]", fn,
                    [nr.sample(da, (2, 3), ta, seed=1), nr.sample(db, (3,), tb, seed=2)], marks)
    # (exponents at 0 and bases at 0: second derivatives the first-order
    # rules must keep as functions, not constants)
    y0 = np.array([0.0, 1.5, -0.5])
    for fn in (np.power, np.float_power):
        add(f"ufunc:{fn.__name__}[y=0]", fn, [nr.sample("pos", (2, 3)), y0.copy()])
        add(f"ufunc:{fn.__name__}[x=0]", lambda y, fn=fn: fn(np.array([0.0, 0.0, 1.5]), y),
            [np.array([2.0, 2.5, 0.0])])
    for row in nr.OPERATORS:
        (name, fn, da, db), marks = _row(row)
        for dt in (np.float64, f32, c128):
            if dt is c128 and ("%" in name or "//" in name or "abs" in name):
                continue
            add(f"operator:{name}" + ("" if dt is np.float64 else f"[{np.dtype(dt)}]"), fn,
                [nr.sample(da, (2, 3), dt, seed=1), nr.sample(db, (3,), dt, seed=2)], marks)
    for row in nr.REDUCTIONS:
        (name, fn, domain), marks = _row(row)
        for axis, kd in ((None, False), (1, True), ((0, 2), False)):
            add(f"reduction:{name}[{axis},{kd}]",
                lambda x, fn=fn, axis=axis, kd=kd: fn(x, axis, kd),
                [nr.sample(domain, (2, 3, 4))], marks)
        add(f"reduction:{name}[1,False,float32]", lambda x, fn=fn: fn(x, 1, False),
            [nr.sample(domain, (2, 3), f32)], marks)
        if name in nr.COMPLEX_REDUCTIONS:
            for axis in (1, None):
                add(f"reduction:{name}[{axis},False,complex128]",
                    lambda x, fn=fn, axis=axis: fn(x, axis, False),
                    [nr.sample("away", (2, 3), c128)], marks)
    for row in nr.FORMS:
        (name, fn), marks = _row(row)
        add(f"form:{name}", fn, [nr.sample("away", (3, 4))], marks)
    for row in nr.CUMULATIVE:
        (name, fn, domain), marks = _row(row)
        if name == "np.cumulative_sum" and not hasattr(np, "cumulative_sum"):
            continue
        for axis in (None, 1):
            add(f"cumulative:{name}[{axis}]", lambda x, fn=fn, axis=axis: fn(x, axis),
                [nr.sample(domain, (3, 4))], marks)
    for row in la.PRODUCTS:
        (name, fn, shapes), marks = _row(row)
        if name == "vecdot" and not hasattr(np, "vecdot"):
            continue
        for dt in (np.float64, f32, c128):
            add(f"product:{name}" + ("" if dt is np.float64 else f"[{np.dtype(dt)}]"), fn,
                [la.rand(*s, seed=k, dtype=dt) for k, s in enumerate(shapes)], marks)
    for row in la.LINALG:
        (name, fn, make), marks = _row(row)
        add(f"linalg:{name}", fn, make(), marks)
        add(f"linalg:{name}[float32]", fn, [a.astype(f32) for a in make()], marks)
        if la.case_id(row) in la.COMPLEX_LINALG:
            add(f"linalg:{name}[complex128]", fn, la._complexify(make(), name), marks)
    for row in pl.SHAPES:
        (name, fn, x), marks = _row(row)
        add(f"shape:{name}", fn, [x.copy()], marks)
        if name != "astype32":
            add(f"shape:{name}[float32]", fn, [x.astype(f32)], marks)
        if name not in ("sort", "sort_flat", "x.sort_copy", "take_along_axis", "where_index",
                        "partition", "astype32"):
            add(f"shape:{name}[complex128]", fn, [x + 0.5j * x[..., ::-1]], marks)
    for row in pl.SUBSCRIPTS:
        (name, fn), marks = _row(row)
        add(f"subscript:{name}", fn, [pl.M.copy()], marks)
        add(f"subscript:{name}[float32]", fn, [pl.M.astype(f32)], marks)
        if name not in ("mask", "float", "tolist", "scalar_chain", "item", "np.asarray_list"):
            add(f"subscript:{name}[complex128]", fn, [pl.M + 0.5j], marks)
    for f in pl.WRITES:
        (fn,), marks = _row(f) if hasattr(f, "marks") else ((f,), ())
        add(f"write:{fn.__name__}", fn, [pl.V.copy()], marks)
        add(f"write:{fn.__name__}[float32]", fn, [pl.V.astype(f32)], marks)
    return out


def _scipy_cases():
    try:
        from tests.gradients import test_scipy_special as ss
    except ImportError:         # (no scipy)
        return []
    out = []
    for k, row in enumerate(ss.UNARY):
        (name, fn, domain), marks = _row(row)
        out.append(pytest.param(fn, (ss.sample(domain, (3,)),), id=f"scipy.special:{name}",
                                marks=marks))
        if k < 6:               # (as the first-order tests)
            out.append(pytest.param(fn, (ss.sample(domain, (3,)).astype(np.float32),),
                                    id=f"scipy.special:{name}[float32]", marks=marks))
    for row in ss.BINARY:
        (name, fn, da, db), marks = _row(row)
        out.append(pytest.param(fn, (ss.sample(da, (3,)), ss.sample(db, (3,), seed=1)),
                                id=f"scipy.special:{name}", marks=marks))
    return out


def generate():
    return _scalar_cases() + _custom_cases() + _numpy_cases() + _scipy_cases()


def expected_refusal(case_id):
    for prefix, reason in REFUSED.items():
        if case_id.startswith(prefix):
            return reason
    return None
