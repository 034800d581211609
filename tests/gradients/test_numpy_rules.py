"""Generated finite-difference tests of numpy's array rules
(bcad/rules/numpy/): every ufunc, reduction, product, shape function and
subscript, over shapes, dtypes (float64, float32, complex128) and calling
forms (functions, operators, methods, out=/where=, Python floats, lists).

Each case is `f(*arrays)`: bcad's VJP for a random cotangent `u` is paired
with a random direction `v` and compared to central differences,
Re<u, J v> == sum Re<vjp(u)_i, v_i> (the complex convention of autograd:
a cotangent is conjugate-linear, so for a holomorphic f, ct = u * conj(f')).
Gradients must have their input's shape and dtype.  Linear algebra:
test_numpy_linalg.py; numpy's Python layer and writes:
test_numpy_python_layer.py."""
import numpy as np
import pytest

import bcad

TOL = {np.dtype(np.float64): 1e-6, np.dtype(np.complex128): 1e-6, np.dtype(np.float32): 1e-2}


def _diff(a):
    return isinstance(a, np.ndarray) and a.dtype.kind in "fc"


def _rand(rng, shape, dtype):
    x = rng.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        x = x + 1j * rng.standard_normal(shape)
    return np.asarray(x).astype(dtype)


def _close(a, b, rtol):
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape, (a.shape, b.shape)
    np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol)


def _pairing(u, d):
    return float(np.real(np.vdot(np.asarray(u, dtype=complex), np.asarray(d, dtype=complex))))


def check_vjp(f, *args, rtol=None, eps=None, seed=0, copy=True):
    """bcad.vjp(f, *args) against central differences of f (run natively).
    `args`: the arrays (float/complex ndarrays are differentiated)."""
    rng = np.random.default_rng(seed)
    diff = [i for i, a in enumerate(args) if _diff(a)]
    dtypes = [args[i].dtype for i in diff]
    if rtol is None:
        rtol = max(TOL[dt] for dt in dtypes)
    low = any(dt == np.float32 for dt in dtypes)
    if eps is None:
        eps = 1e-6
    cp = (lambda a: a.copy() if isinstance(a, np.ndarray) else a) if copy else (lambda a: a)
    out, vjp_fn = bcad.vjp(f, *[cp(a) for a in args])
    ref = f(*[cp(a) for a in args])
    _close(out, ref, rtol)
    out = np.asarray(out)
    u = _rand(rng, out.shape, np.complex128 if out.dtype.kind == "c" else np.float64)
    ct_u = u.astype(out.dtype) if out.shape else out.dtype.type(u)
    if isinstance(ref, float) or (out.shape == () and not isinstance(ref, np.ndarray)):
        ct_u = type(ref)(u) if isinstance(ref, (float, complex)) else ct_u
    cts = vjp_fn(ct_u)
    assert len(cts) == len(args)
    vs = {}
    rhs = 0.0
    for i in diff:
        a, ct = args[i], cts[i]
        assert isinstance(ct, np.ndarray), (i, type(ct))
        assert ct.shape == a.shape, (i, ct.shape, a.shape)
        assert ct.dtype == a.dtype, (i, ct.dtype, a.dtype)
        v = _rand(rng, a.shape, a.dtype)
        vs[i] = v
        rhs += _pairing(ct, v)

    def at(t):
        xs = list(args)
        for i in diff:
            base = args[i].astype(np.complex128 if args[i].dtype.kind == "c" else np.float64) \
                if low else args[i].copy()
            xs[i] = base + t * vs[i]
        return np.asarray(f(*xs))

    fd = (at(eps) - at(-eps)) / (2 * eps)
    lhs = _pairing(u, fd)
    scale = max(abs(lhs), abs(rhs), 1.0)
    assert abs(lhs - rhs) <= rtol * scale, (lhs, rhs)
    check_jvp(f, args, diff, vs, fd, u, rhs, rtol, cp)
    return cts


def check_jvp(f, args, diff, vs, fd, u, rhs, rtol, cp):
    """Forward mode on the same case: bcad.jvp along the direction `vs`
    against the central difference `fd` (entrywise), and paired with `u`
    against reverse mode's <vjp(u), v> (the same number, to rounding)."""
    def of_diff(*xs):
        a = list(args)
        for i, x in zip(diff, xs):
            a[i] = x
        return f(*a)
    out, t_out = bcad.jvp(of_diff, [cp(args[i]) for i in diff], [vs[i] for i in diff])
    t_out = np.asarray(t_out)
    assert t_out.shape == np.shape(out), (t_out.shape, np.shape(out))
    assert (t_out.dtype.kind == "c") == (np.asarray(out).dtype.kind == "c"), t_out.dtype
    fwd = _pairing(u, t_out)
    assert abs(fwd - rhs) <= rtol * max(abs(rhs), abs(fwd), 1.0), \
        ("forward and reverse mode differ", fwd, rhs)
    scale = max(float(np.max(np.abs(fd), initial=0.0)), 1.0)
    np.testing.assert_allclose(t_out, fd, rtol=rtol, atol=rtol * scale)


def case_id(case):
    """The first field of a table row (a tuple or a pytest.param)."""
    return case.values[0] if hasattr(case, "marks") else case[0]


def grad_of(f, *args):
    """bcad's cotangents of a scalar f (the seed 1.0)."""
    out, vjp_fn = bcad.vjp(f, *args)
    return vjp_fn(type(out)(1.0) if isinstance(out, float) else np.ones_like(out))


# ------------------------------------------------------------------ inputs

def sample(domain, shape, dtype=np.float64, seed=1):
    """Points inside a function's domain (and away from its kinks)."""
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    if domain == "real":
        x = rng.standard_normal(n)
    elif domain == "pos":
        x = rng.uniform(0.5, 2.0, n)
    elif domain == "unit":
        x = rng.uniform(-0.9, 0.9, n)
    elif domain == "gt1":
        x = rng.uniform(1.2, 3.0, n)
    elif domain == "away":            # |x| >= 0.3: away from kinks at 0
        x = rng.uniform(0.3, 2.0, n) * rng.choice([-1.0, 1.0], n)
    elif domain == "frac":            # away from integers (floor, remainder)
        x = rng.integers(-3, 3, n) + rng.uniform(0.2, 0.8, n)
    else:
        raise ValueError(domain)
    x = x.reshape(shape)
    if np.dtype(dtype).kind == "c":
        x = x + 1j * 0.3 * rng.uniform(0.1, 1.0, shape)
    return np.asarray(x).astype(dtype)


# ------------------------------------------------------------------ unary ufuncs
# (name, ufunc, domain, supports complex)
UNARY = [
    ("negative", np.negative, "real", True),
    ("positive", np.positive, "real", True),
    ("conjugate", np.conjugate, "real", True),
    ("square", np.square, "real", True),
    ("reciprocal", np.reciprocal, "away", True),
    ("sqrt", np.sqrt, "pos", True),
    ("cbrt", np.cbrt, "away", False),
    ("absolute", np.absolute, "away", True),
    ("fabs", np.fabs, "away", False),
    ("exp", np.exp, "real", True),
    ("exp2", np.exp2, "real", True),
    ("expm1", np.expm1, "real", True),
    ("log", np.log, "pos", True),
    ("log2", np.log2, "pos", True),
    ("log10", np.log10, "pos", True),
    ("log1p", np.log1p, "pos", True),
    ("sin", np.sin, "real", True),
    ("cos", np.cos, "real", True),
    ("tan", np.tan, "unit", True),
    ("arcsin", np.arcsin, "unit", True),
    ("arccos", np.arccos, "unit", True),
    ("arctan", np.arctan, "real", True),
    ("sinh", np.sinh, "real", True),
    ("cosh", np.cosh, "real", True),
    ("tanh", np.tanh, "real", True),
    ("arcsinh", np.arcsinh, "real", True),
    ("arccosh", np.arccosh, "gt1", True),
    ("arctanh", np.arctanh, "unit", True),
    ("deg2rad", np.deg2rad, "real", False),
    ("rad2deg", np.rad2deg, "real", False),
    ("degrees", np.degrees, "real", False),
    ("radians", np.radians, "real", False),
]
UNARY_IDS = [c[0] for c in UNARY]
SHAPES = [(), (3,), (2, 3)]


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name,fn,domain,cplx", UNARY, ids=UNARY_IDS)
def test_unary_float64(name, fn, domain, cplx, shape):
    check_vjp(fn, sample(domain, shape))


@pytest.mark.parametrize("name,fn,domain,cplx", UNARY, ids=UNARY_IDS)
def test_unary_float32(name, fn, domain, cplx):
    check_vjp(fn, sample(domain, (2, 3), np.float32))


@pytest.mark.parametrize("name,fn,domain,cplx", [c for c in UNARY if c[3]],
                         ids=[c[0] for c in UNARY if c[3]])
def test_unary_complex(name, fn, domain, cplx):
    check_vjp(fn, sample(domain, (2, 3), np.complex128))


# Piecewise constant: the gradient is exactly 0.
ZERO = [np.floor, np.ceil, np.trunc, np.rint, np.sign, np.round,
        lambda x: np.floor_divide(x, 0.7), lambda x: np.heaviside(x, 0.5),
        lambda x: np.nextafter(x, 10.0), np.spacing]


@pytest.mark.parametrize("k", range(len(ZERO)))
def test_piecewise_constant(k):
    x = sample("frac", (2, 3))
    f = ZERO[k]
    (ct,) = grad_of(lambda x: np.sum(f(x) * x), x)
    np.testing.assert_allclose(ct, f(x), rtol=0, atol=0)
    assert ct.dtype == x.dtype


# ------------------------------------------------------------------ binary ufuncs
# (name, f(a, b), domain of a, domain of b, supports complex)
BINARY = [
    ("add", np.add, "real", "real", True),
    ("subtract", np.subtract, "real", "real", True),
    ("multiply", np.multiply, "real", "real", True),
    ("true_divide", np.true_divide, "real", "away", True),
    ("power", np.power, "pos", "real", True),
    ("float_power", np.float_power, "pos", "real", True),
    ("remainder", np.remainder, "frac", "pos", False),
    ("fmod", np.fmod, "frac", "pos", False),
    ("logaddexp", np.logaddexp, "real", "real", False),
    ("logaddexp2", np.logaddexp2, "real", "real", False),
    ("hypot", np.hypot, "away", "away", False),
    ("arctan2", np.arctan2, "real", "away", False),
    ("maximum", np.maximum, "real", "real", False),
    ("minimum", np.minimum, "real", "real", False),
    ("fmax", np.fmax, "real", "real", False),
    ("fmin", np.fmin, "real", "real", False),
    ("copysign", np.copysign, "away", "away", False),
]
BINARY_IDS = [c[0] for c in BINARY]
PAIRS = [((), ()), ((3,), (3,)), ((2, 3), ()), ((), (2, 3)), ((2, 1), (1, 3)),
         ((4, 1, 3), (3,)), ((3,), (4, 1, 3))]


@pytest.mark.parametrize("sa,sb", PAIRS, ids=[f"{a}x{b}" for a, b in PAIRS])
@pytest.mark.parametrize("name,fn,da,db,cplx", BINARY, ids=BINARY_IDS)
def test_binary_broadcast(name, fn, da, db, cplx, sa, sb):
    check_vjp(fn, sample(da, sa, seed=1), sample(db, sb, seed=2))


@pytest.mark.parametrize("name,fn,da,db,cplx", BINARY, ids=BINARY_IDS)
def test_binary_float32(name, fn, da, db, cplx):
    check_vjp(fn, sample(da, (2, 3), np.float32, seed=1), sample(db, (3,), np.float32, seed=2))


@pytest.mark.parametrize("name,fn,da,db,cplx", [c for c in BINARY if c[4]],
                         ids=[c[0] for c in BINARY if c[4]])
def test_binary_complex(name, fn, da, db, cplx):
    check_vjp(fn, sample(da, (2, 3), np.complex128, seed=1),
              sample(db, (3,), np.complex128, seed=2))


@pytest.mark.parametrize("name,fn,da,db,cplx", [c for c in BINARY if c[4]],
                         ids=[c[0] for c in BINARY if c[4]])
def test_binary_complex_real_mix(name, fn, da, db, cplx):
    check_vjp(fn, sample(da, (2, 3), np.complex128, seed=1), sample(db, (3,), seed=2))
    check_vjp(fn, sample(da, (2, 3), seed=1), sample(db, (3,), np.complex128, seed=2))


@pytest.mark.parametrize("name,fn,da,db,cplx", BINARY, ids=BINARY_IDS)
def test_binary_python_float(name, fn, da, db, cplx):
    a, b = sample(da, (2, 3), seed=1), sample(db, (3,), seed=2)
    ca, cb = float(sample(da, (), seed=3)), float(sample(db, (), seed=4))
    check_vjp(lambda a: fn(a, cb), a)
    check_vjp(lambda b: fn(ca, b), b)
    check_vjp(lambda a: fn(a, cb), a.astype(np.float32))   # stays float32


@pytest.mark.parametrize("name,fn,da,db,cplx", BINARY, ids=BINARY_IDS)
def test_binary_list_operand(name, fn, da, db, cplx):
    a, b = sample(da, (2, 3), seed=1), sample(db, (3,), seed=2)
    bl, al = b.tolist(), a.tolist()
    check_vjp(lambda a: fn(a, bl), a)
    check_vjp(lambda b: fn(al, b), b)


def test_ldexp():
    x = sample("real", (2, 3))
    check_vjp(lambda x: np.ldexp(x, np.array([1, -2, 3])), x)
    check_vjp(lambda x: np.ldexp(x, 2), x.astype(np.float32))


def test_power_integer_exponents_and_zero_base():
    x = np.array([0.0, 1.5, -2.0, 0.7])
    check_vjp(lambda x: x ** 2, x)
    check_vjp(lambda x: x ** 3, x)
    check_vjp(lambda x: np.power(x, 2.0), x)
    check_vjp(lambda x: x ** 1, x)
    (ct,) = grad_of(lambda x: np.sum(x ** 0), x)
    np.testing.assert_array_equal(ct, 0.0)
    (ct,) = grad_of(lambda x: np.sum(x ** 2), x)
    np.testing.assert_allclose(ct, 2 * x)


def test_max_min_ties_split():
    a = np.array([1.0, 2.0, 3.0])
    b = np.array([1.0, 5.0, 3.0])
    for fn in (np.maximum, np.minimum, np.fmax, np.fmin):
        ca, cb = grad_of(lambda a, b: np.sum(fn(a, b) * np.array([1.0, 2.0, 4.0])), a, b)
        pick = fn(a, b) == a
        want_a = np.where(a == b, 0.5, pick * 1.0) * np.array([1.0, 2.0, 4.0])
        want_b = np.where(a == b, 0.5, (~pick) * 1.0) * np.array([1.0, 2.0, 4.0])
        np.testing.assert_allclose(ca, want_a)
        np.testing.assert_allclose(cb, want_b)


CLIP = [
    ("both", lambda x: np.clip(x, -0.5, 0.5)),
    ("lo", lambda x: np.clip(x, -0.5, None)),
    ("hi", lambda x: np.clip(x, None, 0.5)),
    ("method", lambda x: x.clip(-0.5, 0.5)),
    ("arrays", lambda x: np.clip(x, np.full(3, -0.5), 0.5)),
]


@pytest.mark.parametrize("name,f", CLIP, ids=[c[0] for c in CLIP])
def test_clip(name, f):
    x = np.array([[-1.3, -0.2, 0.3], [0.9, 0.1, -0.7]])
    check_vjp(f, x)
    check_vjp(f, x.astype(np.float32))


def test_clip_bounds_get_gradient():
    x = np.array([-1.3, -0.2, 0.9])
    lo, hi = np.array([-0.5, -0.5, -0.5]), np.array([0.5, 0.5, 0.5])
    check_vjp(np.clip, x, lo, hi)


def test_where():
    c = np.array([[True, False, True], [False, False, True]])
    a, b = sample("real", (2, 3), seed=1), sample("real", (3,), seed=2)
    check_vjp(lambda a, b: np.where(c, a, b), a, b)
    check_vjp(lambda a: np.where(a > 0, a, 0.1 * a), a)
    check_vjp(lambda a: np.where(c, a, 2.0), a.astype(np.float32))
    check_vjp(lambda a, b: np.where(c, a, b), a.astype(complex), b)


# ------------------------------------------------------------------ operators
# (name, f(a, b), domain a, domain b)
OPERATORS = [
    ("a+b", lambda a, b: a + b, "real", "real"),
    ("a-b", lambda a, b: a - b, "real", "real"),
    ("a*b", lambda a, b: a * b, "real", "real"),
    ("a/b", lambda a, b: a / b, "real", "away"),
    ("a**b", lambda a, b: a ** b, "pos", "real"),
    ("a%b", lambda a, b: a % b, "frac", "pos"),
    ("a//b*a", lambda a, b: (a // b) * a, "frac", "pos"),
    ("-a*b", lambda a, b: -a * b, "real", "real"),
    ("+a*b", lambda a, b: +a * b, "real", "real"),
    ("abs(a)*b", lambda a, b: abs(a) * b, "away", "real"),
    ("a*2.0", lambda a, b: a * 2.0 + b, "real", "real"),
    ("2.0*a", lambda a, b: 2.0 * a - b, "real", "real"),
    ("2.0/a", lambda a, b: 2.0 / a + b, "away", "real"),
    ("a/2", lambda a, b: a / 2 + b, "real", "real"),
    ("2.0**a", lambda a, b: 2.0 ** a * b, "real", "real"),
    ("a**2", lambda a, b: a ** 2 * b, "real", "real"),
    ("a**0.5", lambda a, b: a ** 0.5 + b, "pos", "real"),
    ("1.0-a", lambda a, b: 1.0 - a * b, "real", "real"),
    ("np.float64*a", lambda a, b: np.float64(1.5) * a + b, "real", "real"),
    ("a.__mul__(b)", lambda a, b: a.__mul__(b), "real", "real"),
    ("a.__rsub__(b)", lambda a, b: a.__rsub__(b), "real", "real"),
    ("a.__rtruediv__(b)", lambda a, b: a.__rtruediv__(b), "real", "away"),
    ("a.__pow__(b)", lambda a, b: a.__pow__(b), "pos", "real"),
    ("a.__rpow__(b)", lambda a, b: a.__rpow__(b), "real", "pos"),
    ("a.__neg__()", lambda a, b: a.__neg__() * b, "real", "real"),
    ("a.__abs__()", lambda a, b: a.__abs__() * b, "away", "real"),
]
OPERATOR_SHAPES = [("2x3*3", (2, 3), (3,)), ("0*2x3", (), (2, 3)), ("2x1*1x3", (2, 1), (1, 3))]
OPERATOR_CASES = [
    pytest.param(f, da, db, sa, sb, id=f"{name}-{sid}")
    for name, f, da, db in OPERATORS for sid, sa, sb in OPERATOR_SHAPES]


@pytest.mark.parametrize("f,da,db,sa,sb", OPERATOR_CASES)
def test_operators(f, da, db, sa, sb):
    check_vjp(f, sample(da, sa, seed=1), sample(db, sb, seed=2))


@pytest.mark.parametrize("name,f,da,db", OPERATORS, ids=[c[0] for c in OPERATORS])
def test_operators_float32(name, f, da, db):
    check_vjp(f, sample(da, (2, 3), np.float32, seed=1), sample(db, (3,), np.float32, seed=2))


@pytest.mark.parametrize("name,f,da,db", [c for c in OPERATORS if "%" not in c[0]
                                          and "//" not in c[0] and "abs" not in c[0]],
                         ids=[c[0] for c in OPERATORS if "%" not in c[0]
                              and "//" not in c[0] and "abs" not in c[0]])
def test_operators_complex(name, f, da, db):
    check_vjp(f, sample(da, (2, 3), np.complex128, seed=1), sample(db, (3,), np.complex128, 2))


def test_operators_with_lists():
    a = sample("real", (3,))
    check_vjp(lambda a: a + [1.0, 2.0, 3.0], a)
    check_vjp(lambda a: [1.0, 2.0, 3.0] * a, a)
    check_vjp(lambda a: [1.0, 2.0, 3.0] - a, a)
    check_vjp(lambda a: a / [1.0, 2.0, 3.0], a)
    check_vjp(lambda a: [1.0, 2.0, 3.0] / a, a + 3.0)


MATMUL = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)),
          ((5, 2, 3), (3, 4)), ((5, 2, 3), (5, 3, 4)), ((2, 3), (5, 3, 4)), ((1, 2, 3), (5, 3, 2)),
          ((5, 2, 3), (3,))]


@pytest.mark.parametrize("sa,sb", MATMUL, ids=[f"{a}@{b}" for a, b in MATMUL])
def test_matmul_operator(sa, sb):
    a, b = sample("real", sa, seed=1), sample("real", sb, seed=2)
    check_vjp(lambda a, b: a @ b, a, b)
    check_vjp(np.matmul, a.astype(np.float32), b.astype(np.float32))
    check_vjp(lambda a, b: a @ b, a.astype(complex) * (1 + 0.5j), b)


def test_matmul_with_list_and_constant():
    a = sample("real", (2, 3))
    check_vjp(lambda a: a @ [1.0, 2.0, 3.0], a)
    check_vjp(lambda a: [1.0, 2.0] @ a, a)
    w = sample("real", (3, 2), seed=3)
    check_vjp(lambda a: a @ w, a)
    check_vjp(lambda a: w @ a, a)


# ------------------------------------------------------------------ out= and where=

def _out_fresh(x, y):
    out = np.empty_like(x)
    np.multiply(x, y, out=out)
    return out * 2.0


def _out_tracked(x, y):
    out = np.sin(x)
    np.add(out, y, out=out)          # in place over a tracked value
    return out * x


def _out_into_view(x, y):
    out = np.zeros((3, 2))
    np.exp(x, out=out[:, 0])
    np.multiply(y, x, out=out[:, 1])
    return out ** 2


def _out_tuple(x, y):
    out = np.zeros(3)
    np.subtract(x, y, out=(out,))
    return out


def _out_where(x, y):
    out = x * 1.0
    np.multiply(x, y, out=out, where=np.array([True, False, True]))
    return out ** 2


def _out_where_fresh_zeros(x, y):
    out = np.zeros(3)
    np.log(x, out=out, where=x > 1.0)
    return out * y


def _out_unary_self(x, y):
    z = x * y * y
    np.sqrt(z, out=z)
    return z


def _out_into_tracked_y(x, y):
    z = y.copy()
    np.multiply(z, x, out=z)         # needs the old z for x's gradient
    return z + y


def _out_reads_kept(x, y):
    z = x * y                        # keeps x and y
    np.sin(y, out=y)                 # overwrites y afterwards
    return z + y


OUTS = [("fresh", _out_fresh), ("tracked", _out_tracked), ("view", _out_into_view),
        ("tuple", _out_tuple), ("where", _out_where), ("where_fresh", _out_where_fresh_zeros),
        ("unary_self", _out_unary_self), ("into_tracked", _out_into_tracked_y),
        ("reads_kept", _out_reads_kept)]


@pytest.mark.parametrize("name,f", OUTS, ids=[c[0] for c in OUTS])
def test_out(name, f):
    check_vjp(f, np.array([0.7, 1.3, 2.1]), np.array([0.5, -1.2, 0.8]))
    check_vjp(f, np.array([0.7, 1.3, 2.1], np.float32), np.array([0.5, -1.2, 0.8], np.float32))


def test_where_without_out():
    x = np.array([0.7, 1.3, 2.1])
    check_vjp(lambda x: np.add(x, 1.0, where=np.array([True, False, True]), out=np.zeros(3)), x)


def test_operator_module_on_arrays():
    import operator
    a, b = sample("real", (2, 3)), sample("real", (3,), seed=2)
    for f in (operator.mul, operator.add, operator.sub, operator.truediv, operator.pow):
        check_vjp(f, np.abs(a) + 0.5, b)
    check_vjp(operator.matmul, a, b)


@pytest.mark.parametrize("name", ["neg", "pos", "abs"])
def test_operator_module_unary_on_arrays(name):
    import operator
    check_vjp(getattr(operator, name), sample("away", (2, 3)))



# ------------------------------------------------------------------ reductions
AXES = [None, 0, 1, -1, (0, 2), (0, 1, 2)]
# (name, f(x, axis, keepdims), domain)
REDUCTIONS = [
    ("np.sum", lambda x, ax, kd: np.sum(x, axis=ax, keepdims=kd), "real"),
    ("x.sum", lambda x, ax, kd: x.sum(axis=ax, keepdims=kd), "real"),
    ("np.add.reduce", lambda x, ax, kd: np.add.reduce(x, axis=ax, keepdims=kd), "real"),
    ("np.prod", lambda x, ax, kd: np.prod(x, axis=ax, keepdims=kd), "away"),
    ("x.prod", lambda x, ax, kd: x.prod(axis=ax, keepdims=kd), "away"),
    ("np.multiply.reduce", lambda x, ax, kd: np.multiply.reduce(x, axis=ax, keepdims=kd), "away"),
    ("np.max", lambda x, ax, kd: np.max(x, axis=ax, keepdims=kd), "real"),
    ("np.amax", lambda x, ax, kd: np.amax(x, axis=ax, keepdims=kd), "real"),
    ("x.max", lambda x, ax, kd: x.max(axis=ax, keepdims=kd), "real"),
    ("np.min", lambda x, ax, kd: np.min(x, axis=ax, keepdims=kd), "real"),
    ("x.min", lambda x, ax, kd: x.min(axis=ax, keepdims=kd), "real"),
    ("np.maximum.reduce", lambda x, ax, kd: np.maximum.reduce(x, axis=ax, keepdims=kd), "real"),
    ("np.minimum.reduce", lambda x, ax, kd: np.minimum.reduce(x, axis=ax, keepdims=kd), "real"),
    ("np.fmax.reduce", lambda x, ax, kd: np.fmax.reduce(x, axis=ax, keepdims=kd), "real"),
    ("np.mean", lambda x, ax, kd: np.mean(x, axis=ax, keepdims=kd), "real"),
    ("x.mean", lambda x, ax, kd: x.mean(axis=ax, keepdims=kd), "real"),
    ("np.var", lambda x, ax, kd: np.var(x, axis=ax, keepdims=kd), "real"),
    ("x.var", lambda x, ax, kd: x.var(axis=ax, keepdims=kd), "real"),
    ("np.var_ddof", lambda x, ax, kd: np.var(x, axis=ax, keepdims=kd, ddof=1), "real"),
    ("np.std", lambda x, ax, kd: np.std(x, axis=ax, keepdims=kd), "real"),
    ("x.std", lambda x, ax, kd: x.std(axis=ax, keepdims=kd), "real"),
    ("x.std_ddof", lambda x, ax, kd: x.std(axis=ax, keepdims=kd, ddof=1), "real"),
    ("np.average", lambda x, ax, kd: np.average(x, axis=ax, keepdims=kd), "real"),
    ("np.nansum", lambda x, ax, kd: np.nansum(x, axis=ax, keepdims=kd), "real"),
    ("np.nanmean", lambda x, ax, kd: np.nanmean(x, axis=ax, keepdims=kd), "real"),
    ("np.ptp", lambda x, ax, kd: np.ptp(x, axis=ax, keepdims=kd), "real"),
    ("logsumexp", lambda x, ax, kd: np.log(np.sum(np.exp(x - np.max(x, axis=ax, keepdims=True)),
                                                axis=ax, keepdims=kd)), "real"),
]
RED_IDS = [case_id(c) for c in REDUCTIONS]


@pytest.mark.parametrize("keepdims", [False, True], ids=["", "keepdims"])
@pytest.mark.parametrize("axis", AXES, ids=str)
@pytest.mark.parametrize("name,f,domain", REDUCTIONS, ids=RED_IDS)
def test_reduction(name, f, domain, axis, keepdims):
    x = sample(domain, (2, 3, 4))
    check_vjp(lambda x: f(x, axis, keepdims), x)


@pytest.mark.parametrize("name,f,domain", REDUCTIONS, ids=RED_IDS)
def test_reduction_float32_and_1d(name, f, domain):
    check_vjp(lambda x: f(x, 1, False), sample(domain, (2, 3), np.float32))
    check_vjp(lambda x: f(x, None, False), sample(domain, (5,)))
    check_vjp(lambda x: f(x, 0, False), sample(domain, (5,)))


COMPLEX_REDUCTIONS = ["np.sum", "x.sum", "np.add.reduce", "np.prod", "x.prod", "np.mean",
                      "x.mean", "np.var", "x.var", "np.std", "x.std"]


@pytest.mark.parametrize("axis", [1, None], ids=str)
@pytest.mark.parametrize("name", COMPLEX_REDUCTIONS)
def test_reduction_complex(name, axis):
    f = dict((c[0], c[1]) for c in REDUCTIONS if not hasattr(c, "marks"))[name]
    check_vjp(lambda x: f(x, axis, False), sample("away", (2, 3), np.complex128))


def test_complex_scalar_cotangent():
    """np.mean(z) ends in z.dtype.type(ret / n): np.complex128 scalar arithmetic."""
    check_vjp(lambda x: np.mean(x), sample("away", (2, 3), np.complex128))


# (name, f) at a (3, 4) input away from 0
FORMS = [
    ("np.sum", np.sum), ("np.prod", np.prod), ("np.max", np.max), ("np.min", np.min),
    ("np.mean", np.mean), ("np.var", np.var), ("np.std", np.std), ("np.cumsum", np.cumsum),
    ("np.cumprod", np.cumprod), ("x.sum()", lambda x: x.sum()), ("x.sum(1)", lambda x: x.sum(1)),
    ("np.sum(x,0)", lambda x: np.sum(x, 0)), ("add.reduce", lambda x: np.add.reduce(x)),
    ("add.reduce(x,1)", lambda x: np.add.reduce(x, 1)),
    ("sum_dtype", lambda x: np.sum(x, axis=1, dtype=np.float64)),
    ("sum_initial", lambda x: np.sum(x, initial=2.0)),
    ("prod_initial", lambda x: np.prod(x, axis=0, initial=2.0)),
    ("sum_where", lambda x: np.sum(x, where=np.array([True, False, True, True]))),
    ("max_initial", lambda x: np.max(x, axis=1, initial=-10.0)),
    ("max_initial_wins", lambda x: np.max(x, axis=0, initial=0.5)),
    ("min_initial", lambda x: np.min(x, axis=1, initial=0.0)),
    ("max_where", lambda x: np.max(x, axis=1, where=np.array([True, False, True, True]),
                                   initial=-9.0)),
    ("prod_where", lambda x: np.prod(x, where=np.array([True, False, True, True]))),
    ("prod_where_axis", lambda x: np.prod(x, axis=1, where=np.array([True, False, True, True]))),
    ("x.prod_initial", lambda x: x.prod(axis=1, initial=-1.5)),
    ("var_ddof_pos", lambda x: np.var(x, 0, None, None, 1)),
    ("mean_dtype", lambda x: np.mean(x, axis=0, dtype=np.float64)),
    ("builtin_sum_row", lambda x: sum(x[0])), ("builtin_max_row", lambda x: max(x[0])),
    ("builtin_sum_rows", lambda x: sum(x)),
    ("chained", lambda x: np.sum(x * x, axis=-1).sum()),
]


@pytest.mark.parametrize("name,f", FORMS, ids=[case_id(c) for c in FORMS])
def test_reduction_forms(name, f):
    check_vjp(f, sample("away", (3, 4)))


@pytest.mark.parametrize("fn", [np.max, np.min, np.amax, np.amin, lambda x, **k: x.max(**k),
                                lambda x, **k: np.maximum.reduce(x, **k)],
                         ids=["max", "min", "amax", "amin", "x.max", "maximum.reduce"])
def test_max_min_reduction_ties(fn):
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]])
    if fn in (np.min, np.amin):
        x = -x
    (ct,) = grad_of(lambda x: np.sum(fn(x, axis=1) * np.array([1.0, 3.0])), x)
    np.testing.assert_allclose(ct, [[0, 0.5, 0.5], [1, 1, 1]])
    (ct,) = grad_of(lambda x: fn(x, axis=None), x)
    np.testing.assert_allclose(ct, [[0, 0.5, 0.5], [0, 0, 0]])
    if fn not in (np.min, np.amin):   # initial= takes its share of a tie
        (ct,) = grad_of(lambda x: fn(x, axis=1, initial=2.0) @ np.array([1.0, 3.0]), x)
        np.testing.assert_allclose(ct, [[0, 0.5, 0.5], [0.75, 0.75, 0.75]])
        (ct,) = grad_of(lambda x: fn(x, axis=None, initial=5.0), x)
        np.testing.assert_array_equal(ct, 0.0)


@pytest.mark.parametrize("fn", [np.prod, lambda x, axis=None, **k: x.prod(axis=axis, **k),
                                lambda x, axis=None, **k: np.multiply.reduce(x, axis=axis, **k)],
                         ids=["np.prod", "x.prod", "multiply.reduce"])
def test_prod_with_zeros(fn):
    for x in (np.array([[0.0, 2.0, 3.0], [0.0, 0.0, 4.0]]), np.array([[1.5, 0.0, -2.0, 0.5]])):
        check_vjp(lambda x: fn(x, axis=1), x)
        check_vjp(lambda x: fn(x, axis=0), x)
        check_vjp(lambda x: fn(x), x)
        check_vjp(lambda x: fn(x, axis=1, initial=1.5), x)
        check_vjp(lambda x: fn(x, axis=1, where=np.array([True, True, False, True][:x.shape[1]])), x)
    (ct,) = grad_of(lambda x: fn(x), np.array([0.0, 2.0, 3.0]))
    np.testing.assert_allclose(ct, [6.0, 0.0, 0.0])


CUMULATIVE = [
    ("np.cumsum", lambda x, ax: np.cumsum(x, axis=ax), "real"),
    ("x.cumsum", lambda x, ax: x.cumsum(axis=ax), "real"),
    ("np.add.accumulate", lambda x, ax: np.add.accumulate(x, axis=0 if ax is None else ax),
     "real"),
    ("np.cumprod", lambda x, ax: np.cumprod(x, axis=ax), "away"),
    ("x.cumprod", lambda x, ax: x.cumprod(axis=ax), "away"),
    ("np.multiply.accumulate",
     lambda x, ax: np.multiply.accumulate(x, axis=0 if ax is None else ax), "away"),
    ("np.diff", lambda x, ax: np.diff(x, axis=-1 if ax is None else ax), "real"),
    ("np.cumulative_sum", lambda x, ax: np.cumulative_sum(x, axis=0 if ax is None else ax),
     "real"),
]


@pytest.mark.parametrize("axis", [None, 0, 1, -1], ids=str)
@pytest.mark.parametrize("name,f,domain", CUMULATIVE, ids=[c[0] for c in CUMULATIVE])
def test_cumulative(name, f, domain, axis):
    if name == "np.cumulative_sum" and not hasattr(np, "cumulative_sum"):
        pytest.skip("numpy < 2.1")
    check_vjp(lambda x: f(x, axis), sample(domain, (3, 4)))
    check_vjp(lambda x: f(x, axis), sample(domain, (3, 4), np.float32))
    check_vjp(lambda x: f(x, axis), sample(domain, (3, 4), np.complex128))


def test_cumprod_with_zeros():
    x = np.array([[2.0, 0.0, 3.0, 0.5], [0.0, 1.5, 0.0, 2.0]])
    check_vjp(lambda x: np.cumprod(x, axis=1), x)
    check_vjp(lambda x: np.cumprod(x), x)
    check_vjp(lambda x: np.cumprod(x, axis=0), x)


def test_nan_in_overwritten_entries_sends_back_nothing():
    # scikit-learn's _incremental_mean_and_var: 0/0 in entries then
    # overwritten; 0 * nan in the elementwise rules made the gradient nan.
    def f(a):
        cnt = np.zeros(a.size)
        cnt[0] = 2.0
        v = a ** 2 + cnt / cnt * (a / cnt - a) ** 2
        v[cnt == 0] = (a ** 2)[cnt == 0]
        return v.sum()
    a = np.array([1.0, -2.0, 3.0])
    with np.errstate(divide="ignore", invalid="ignore"):     # (forward and backward)
        np.testing.assert_allclose(bcad.grad(f)(a), [2.5, -4.0, 6.0])
    # a nan the output does use still gives nan
    with np.errstate(invalid="ignore"):
        g = bcad.grad(lambda a: np.sum(np.sqrt(a)))(np.array([-1.0, 4.0]))
    assert np.isnan(g[0]) and g[1] == 0.25
