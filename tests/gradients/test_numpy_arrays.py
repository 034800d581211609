"""numpy arrays as differentiable values: inputs, versions (in-place writes),
views, interop with floats, and the refusal paths of the array layer.
(The rules themselves: test_numpy_rules.py.)"""
import dataclasses
import tracemalloc

import numpy as np
import pytest

import bcad
from tests.support import fd_grad
from bcad import NonDifferentiableError
from bcad.testing import check_grads

RNG = np.random.default_rng(0)
X = RNG.standard_normal(4)
M = RNG.standard_normal((3, 4))


def check(f, x, rtol=1e-6):
    g = bcad.grad(f)(x.copy())
    assert type(g) is np.ndarray and g.shape == x.shape and g.dtype == x.dtype
    np.testing.assert_allclose(g, fd_grad(f, x), rtol=rtol, atol=1e-8)
    return g


# ----------------------------------------------------------------- writes

def _setitem_square(x):
    y = x * 2.0
    y[0] = x[1] ** 2
    return np.sum(y * y)


def _mask_write(x):
    y = x.copy()
    y[x > 0] = 3.0 * x[x > 0] ** 2
    return np.sum(y ** 3)


def _repeated_index(x):
    y = np.zeros(3)
    y[[0, 0, 1]] = x[:3]          # y[0] = x[1] wins (the last write)
    return np.sum(y * np.array([1.0, 10.0, 100.0]))


def _iadd(x):
    y = x.copy()
    y += x * x
    return np.sum(y * y)


def _imul_keeps_residual(x):
    y = np.sin(x)
    z = y * x              # the multiply rule keeps y's values
    y *= 3.0               # ... which this write must not corrupt
    return np.sum(z) + np.sum(y)


def _copyto_fill(x):
    y = np.empty(4)
    np.copyto(y, x ** 2)
    z = np.empty(4)
    z.fill(x[0])
    return np.sum(y * z)


def _out_into_view(x):
    y = np.zeros((2, 4))
    np.multiply(x, x, out=y[1])
    return np.sum(y * np.arange(8.0).reshape(2, 4))


def _where_out(x):
    y = np.ones(4)
    np.exp(x, out=y, where=x > 0)
    return np.sum(y * y)


def _view_write(x):
    a = np.zeros(6)
    v = a[1:5]
    v[:] = x ** 2
    return np.sum(a * np.arange(6.0))


def _view_reread(x):
    a = x * 1.0
    v = a[:2]              # a view of a: must see the write below
    a[0] = x[3] ** 3
    return np.sum(v ** 2)


def _transposed_view_write(x):
    a = np.zeros((2, 2))
    a.T[0] = x[:2]         # a[:, 0]
    return float(a[1, 0] * 3.0 + a[0, 0])


def _loop_rows(x):
    out = np.zeros(len(x))
    for i in range(len(x)):
        out[i] = np.sin(x[i]) * x[i - 1]
    return out.sum()


def _sort_inplace(x):
    y = x.copy()
    y.sort()
    return float(y[0] * 2.0 + y[-1] * 5.0)


def _flat(x):
    a = np.zeros((2, 3))
    a.flat[[1, 4]] = x[:2]
    a.flat[0] = x[2] ** 2
    s = a.flat[1] * a.flat[4] + float(sum(a.flat[1:3]))
    for v in a.flat:
        s = s + v * v
    return s + float(np.sum(np.array(list(a.flat)))) + float(np.diag(x[:3]).sum())


def _shared_cotangents(x):
    # add's VJP hands one cotangent object to both operands: the backward
    # pass must not accumulate into it in place for one of them.
    a = x * 1.0
    b = a + a
    c = b + x
    d = c * c
    e = d + d + c
    a[0] = 5.0
    a += e
    return np.sum(e) + np.sum(a * x) + np.sum(b)


def _floordiv_inplace(x):
    y = x * 10.0
    y //= 3.0               # piecewise constant: no gradient through y
    return np.sum(y * x)


WRITES = [_setitem_square, _mask_write, _repeated_index, _iadd, _imul_keeps_residual,
          _copyto_fill, _out_into_view, _where_out, _view_write, _view_reread,
          _transposed_view_write, _loop_rows, _sort_inplace, _floordiv_inplace, _flat,
          _shared_cotangents]


@pytest.mark.parametrize("f", WRITES, ids=[f.__name__.strip("_") for f in WRITES])
def test_writes_against_finite_differences(f):
    check(f, X)
    np.testing.assert_equal(bcad.value_and_grad(f)(X.copy())[0], f(X.copy()))


def test_repeated_index_last_write_wins():
    g = bcad.grad(_repeated_index)(X.copy())
    np.testing.assert_allclose(g, [0.0, 1.0, 10.0, 0.0])


def test_write_of_a_constant_drops_exactly_the_overwritten_part():
    def f(x):
        y = x * 1.0
        y[1:3] = 5.0
        return np.sum(y * y)
    np.testing.assert_allclose(bcad.grad(f)(X.copy()), [2 * X[0], 0, 0, 2 * X[3]])


def test_writes_to_the_input_are_the_callers_side_effects():
    x = X.copy()

    def f(a):
        a[0] = 0.0
        return np.sum(a)
    g = bcad.grad(f)(x)
    assert x[0] == 0.0                     # as natively
    np.testing.assert_allclose(g, [0, 1, 1, 1])


def test_loop_of_writes_stays_linear():
    """out[i] = ... for i in range(n): no copy of `out` per write."""
    def f(x):
        out = np.zeros(x.shape[0])
        for i in range(x.shape[0]):
            out[i] = x[i] * 2.0
        return out.sum()

    def peak(n):
        x = np.ones(n)
        tracemalloc.start()
        bcad.grad(f)(x)
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top
    small, big = peak(200), peak(800)
    # Quadratic (a copy of out per write) would be 16x; linear is 4x.
    assert big < 7 * small, (small, big)


def _stage_solver(x, steps):
    """An explicit Runge-Kutta loop as scipy writes it: stage rows written
    in place, slices of the stage array taken at every step."""
    K = np.empty((3, x.shape[0]))
    y = x
    for _ in range(steps):
        K[0] = np.sin(y)
        K[1] = np.sin(y + 0.05 * K[0])
        y = y + 0.1 * np.dot(K[:-1].T, np.array([0.5, 0.5]))
        K[-1] = y                         # (each write used to re-read every slice)
    return np.sum(y * y)


def test_slices_taken_every_step_stay_linear():
    """A view interpreted code has dropped is not re-read by later writes
    into its owner: the tape grows linearly with the steps."""
    n10 = len(bcad.trace(_stage_solver)(X.copy(), 10).tape)
    n40 = len(bcad.trace(_stage_solver)(X.copy(), 40).tape)
    assert n40 < 4.5 * n10, (n10, n40)
    check(lambda x: _stage_solver(x, 12), X)


def test_views_kept_by_the_user_are_still_reread():
    def f(x):
        K = np.zeros((3, 4))
        views = [K[i] for i in range(3)]      # kept alive by the list
        for i in range(3):
            K[i] = x * (i + 1.0)
        return sum(np.sum(v * v) for v in views)
    check(f, X)


def test_a_dropped_view_address_is_not_taken_for_it():
    """The tape does not keep an unneeded view alive; a new array that gets
    its address must not be taken for the tracked view."""
    def f(x):
        s = 0.0
        for _ in range(50):
            v = x[1:3]                 # tracked view, then dropped
            s = s + np.sum(v + 1.0)    # (add keeps no values of v)
            del v
            w = np.array([1.0, 1.0])   # a constant, often at v's address
            s = s + np.sum(w * 2.0)
        return s
    g = bcad.grad(f)(X.copy())
    np.testing.assert_allclose(g, [0.0, 50.0, 50.0, 0.0])


# ----------------------------------------------------------------- inputs

def test_float32_in_float32_out():
    x = X.astype(np.float32)
    g = bcad.grad(lambda a: np.sum(a * a))(x)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, 2 * x, rtol=1e-6)


def test_pytrees_of_arrays():
    @dataclasses.dataclass
    class Params:
        w: np.ndarray
        b: float

    def loss(p, data):
        return np.sum(np.tanh(data["x"] @ p.w + p.b) ** 2)
    p = Params(M[0].copy(), 0.3)
    g = bcad.grad(loss)(p, {"x": M})
    assert isinstance(g, Params) and g.w.shape == (4,) and type(g.b) is float
    eps = 1e-6
    fd_b = (loss(Params(p.w, 0.3 + eps), {"x": M}) - loss(Params(p.w, 0.3 - eps), {"x": M})) / 2e-6
    assert g.b == pytest.approx(fd_b, rel=1e-6)
    np.testing.assert_allclose(g.w, fd_grad(lambda w: loss(Params(w, 0.3), {"x": M}), p.w),
                               rtol=1e-6)


def test_same_array_twice_is_two_inputs():
    x = X.copy()
    ga, gb = bcad.grad(lambda a, b: np.sum(a * b * b), argnums=(0, 1))(x, x)
    np.testing.assert_allclose(ga, x * x)
    np.testing.assert_allclose(gb, 2 * x * x)


def test_integer_array_input_is_a_type_error():
    with pytest.raises(TypeError, match="int64"):
        bcad.grad(lambda a: float(a.sum()))(np.arange(3))


def test_check_grads_on_arrays():
    check_grads(lambda A, x: np.sum(np.tanh(A @ x)) * np.linalg.norm(x), (M, X))


# ----------------------------------------------------------------- interop

def test_floats_and_arrays_mix():
    def f(t):
        a = np.array([t, 2.0 * t, 3.0])          # floats into an array
        b = t * a + a * t                         # both operand orders
        c = np.sin(t) + float(b[1]) + b.tolist()[0] + np.float64(t) * a[2]
        s = 0.0
        for row in np.outer(a, a):                # iteration over rows
            u, v, w = row                         # unpacking
            s = s + u * w
        return float(c + s + sum(a))
    eps = 1e-6
    assert bcad.grad(f)(0.7) == pytest.approx((f(0.7 + eps) - f(0.7 - eps)) / 2e-6, rel=1e-6)


def test_unpacking_arrays():
    # `a, b = x` of a tracked array: its rows at once (elements, or views of
    # a 2-d array), as iterating it gives them.
    def f(x):
        a, b, c = x                               # numpy float64 elements
        (r, s), (t, u) = np.outer(x[:2], x[1:])   # rows of a 2-d array, then elements
        p, q = x.reshape(3, 1)[:2]                # rows that are 1-element views
        assert type(a) is np.float64 and p.shape == (1,)
        return a * b + c * r - s * t * u + np.sum(p * q)
    x = np.array([0.3, -1.2, 2.0])
    np.testing.assert_allclose(bcad.grad(f)(x), fd_grad(f, x), rtol=1e-6)


@pytest.mark.parametrize("shape, n", [((3,), 2), ((2,), 3), ((), 2), ((2, 2), 3)])
def test_unpacking_arrays_errors_as_native(shape, n):
    def f(x):
        y = x * 1.0
        if n == 2:
            a, b = y
        else:
            a, b, c = y
        return 0.0
    x = np.ones(shape)
    with pytest.raises((ValueError, TypeError)) as native:
        f(x)
    with pytest.raises(type(native.value)) as traced:
        bcad.grad(f)(x)
    assert str(traced.value) == str(native.value)


def test_math_of_numpy_scalars():
    f = lambda x: __import__("math").sin(x[0]) * x[1]     # noqa: E731
    np.testing.assert_allclose(bcad.grad(f)(X.copy()),
                               [np.cos(X[0]) * X[1], np.sin(X[0]), 0, 0])


def test_numpy_python_layer_is_interpreted():
    def f(x):
        return (np.linalg.norm(x) + np.mean(x) + np.var(x) + np.trapezoid(x ** 2) +
                np.polyval(x, 0.5) + np.sum(np.linspace(x[0], x[1], 5)))
    check(f, X)


# ----------------------------------------------------------------- refusals

def refused(f, x, *names):
    with pytest.raises(NonDifferentiableError) as info:
        bcad.grad(f)(x)
    msg = str(info.value)
    assert "test_numpy_arrays.py:" in msg, msg
    for n in names:
        assert n in msg, msg
    return msg


@pytest.mark.parametrize("f, names", [
    (lambda x: (x.put([0], [1.0]), float(x.sum()))[1], ("ndarray.put",)),
    (lambda x: float(np.zeros(2, dtype=int).__setitem__(0, x[0]) or 0.0) + float(x[1]), ()),
    (lambda x: float(np.einsum("ii->", x.reshape(2, 2))), ("einsum",)),
    (lambda x: float(np.fft.fft(x).real.sum()), ()),
    (lambda x: float(np.sum(np.frompyfunc(lambda t: t * 2, 1, 1)(x))), ()),
], ids=["put", "int array store", "einsum diagonal", "fft", "frompyfunc"])
def test_refusals(f, names):
    refused(f, X.copy(), *names)


def test_unmappable_view_write_refused():
    def f(x):
        z = x.astype(complex)
        r = z.real                   # a float view of a complex array
        z[0] = 5.0 + 0j              # a write its owner cannot map to r
        return float(np.sum(r))
    refused(f, X.copy())


def test_object_array_is_not_differentiated_silently():
    def f(x):
        a = np.array([x[0], x[1]], dtype=object)
        return float(np.cumsum(a)[-1])
    refused(f, X.copy())


# ----------------------------------------------------------------- trace dumps

def test_trace_of_array_code_names_the_lines():
    def f(W, x):
        y = np.tanh(W @ x)
        y[0] = y[1] * 2.0
        return np.sum(y ** 2)
    tr = bcad.trace(f, argnums=(0, 1))(M[:, :3].copy(), X[:3].copy())
    text = tr.format(values=True)
    assert "numpy.matmul" in text and "numpy.tanh" in text
    setitem = [line for line in text.splitlines() if "setitem" in line]
    assert setitem and "y[0] = y[1] * 2.0" in setitem[0], text
    adj = str(tr.adjoint)
    assert "vjp[setitem, 1]" in adj and "vjp[numpy.matmul, 0]" in adj, adj
    with pytest.raises(NotImplementedError, match="numpy array operations"):
        tr.adjoint_source()


def test_defvjp_array_registers_a_rule_for_a_c_function():
    special = pytest.importorskip("scipy.special")
    from bcad.rules.numpy import unbroadcast
    from bcad.rules import RULES
    dawsn = special.dawsn                  # (Dawson's integral: no rule in bcad)
    assert dawsn not in RULES
    f = lambda x: np.sum(dawsn(x) * x)     # noqa: E731
    refused(f, X.copy(), "dawsn")
    try:
        bcad.defvjp_array(dawsn, lambda g, ans, args, kwargs: (
            unbroadcast(args[0], g * (1 - 2 * args[0] * ans)),), save=(0, "ans"))
        check_grads(f, (X.copy(),))
    finally:
        RULES.pop(dawsn, None)


def test_memory_order_is_numpys_ravel_K():
    import itertools
    from bcad.rules.numpy.shapes import memory_order
    x = np.arange(24.0).reshape(2, 3, 4)
    for perm in itertools.permutations(range(3)):
        for sl in itertools.product([slice(None), slice(None, None, -1), slice(None, None, 2)],
                                    repeat=3):
            v = x.transpose(perm)[sl]
            assert np.array_equal(v.ravel()[memory_order(v)], v.ravel("K")), (perm, sl)


@pytest.mark.parametrize("order", ["C", "F", "A", "K"])
@pytest.mark.parametrize("view", ["T", "rev", "revcol", "plain"])
def test_ravel_and_reshape_orders(order, view):
    w = np.arange(12.0)
    make = {"T": lambda x: x.T, "rev": lambda x: x[::-1], "revcol": lambda x: x[:, ::-1],
            "plain": lambda x: x}[view]
    check(lambda x: np.sum(make(x).ravel(order=order) * w), M.copy())
    check(lambda x: np.sum(np.ravel(make(x), order) * w), M.copy())
    if order != "K":
        check(lambda x: np.sum(make(x).reshape((2, 6), order=order) * w.reshape(2, 6)), M.copy())


@pytest.mark.parametrize("form", ["plain", "left_right", "scalar_x", "period", "complex_fp"])
def test_interp(form):
    xp = np.array([0.0, 0.5, 1.2, 2.0])
    fp = np.array([1.0, -0.5, 2.0, 0.3])
    x = np.array([-0.3, 0.1, 0.7, 1.5, 2.4])
    w = np.arange(5.0)
    if form == "plain":
        check_grads(lambda x, xp, fp: np.sum(np.interp(x, xp, fp) ** 2), (x, xp, fp), order=1)
    elif form == "left_right":
        check_grads(lambda x, fp, lr: np.sum(np.interp(x, xp, fp, left=lr[0], right=lr[1]) * w),
                    (x, fp, [0.5, -1.0]), order=1)
    elif form == "scalar_x":
        check_grads(lambda t, fp: float(np.interp(t, xp, fp)), (0.8, fp), order=1)
    elif form == "period":
        check_grads(lambda t: np.sum(np.interp(t, xp, fp, period=2.0)), (x,), order=1)
    else:
        check_grads(lambda fr, fi: np.sum(np.abs(np.interp(x, xp, fr + 1j * fi)) ** 2),
                    (fp, fp[::-1].copy()), order=1)


def _assemble(x):
    K = np.zeros(3)
    np.add.at(K, [0, 1, 1, 2], x * x)       # (a repeated index accumulates)
    np.subtract.at(K, [2], x[0])
    return np.sum(K ** 2)


def _add_at_tracked(x):
    y = x * 1.0
    np.add.at(y, [0, 0, 3], 2.5)
    np.add.at(y, np.array([1, 1]), x[2:])
    return np.sum(y ** 3)


def _ufunc_outer(x):
    return (np.sum(np.multiply.outer(x, x[:2]) ** 2) + np.sum(np.add.outer(x[:2], x)) +
            np.sum(np.subtract.outer(x, 1.0)))


@pytest.mark.parametrize("f", [_assemble, _add_at_tracked, _ufunc_outer],
                         ids=["add.at", "add.at-tracked", "outer"])
def test_ufunc_at_and_outer(f):
    check(f, X)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")     # (numpy >= 2.5)
def test_setting_the_shape_of_a_differentiable_array():
    def f(x):
        y = x * 2.0
        y.shape = (2, 2)                # (numpy's tensorsolve and meshgrid do this)
        y[0, 1] = y[1, 0] ** 2
        return float(np.sum(y.sum(axis=0) * np.array([1.0, 3.0])))
    check(f, X)


def _written_then_reshaped(x):
    a = x * 1.0
    a += 1.0                            # (a second version of the same object)
    a[0] = a[1] * 3.0                   # (a third)
    a.shape = (2, 2)
    return float(np.sum(a * a * np.array([1.0, 2.0])))


def _reshaped_twice(x):
    a = x * 3.0
    a.shape = (4, 1)
    a *= 2.0
    a.shape = (1, 4)
    return float(np.sum(np.sin(a)))


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("f", [_written_then_reshaped, _reshaped_twice])
def test_setting_the_shape_of_an_array_written_in_place(f):
    # Every version of the array was recorded as the object whose shape
    # changed: all of them keep the old layout (only the last did: the
    # older versions' cotangents were reshaped, a silently wrong gradient).
    check(f, X)
    t = bcad.jvp(f, (X.copy(),), (np.arange(1.0, 5.0),))[1]
    eps = 1e-6
    d = np.arange(1.0, 5.0)
    assert t == pytest.approx((f(X + eps * d) - f(X - eps * d)) / (2 * eps), rel=1e-6)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_setting_the_dtype_of_a_differentiable_array_refused():
    def f(x):
        y = x * 2.0
        y.dtype = np.int64
        return float(y[0])
    refused(f, X.copy(), "setting .dtype", "reshape")


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_layout_store_on_a_residual_copies_it():
    def f(x):
        c = np.arange(4.0)
        y = x * c
        c.shape = (2, 2)
        return float(np.sum(y) + c[0, 1])
    np.testing.assert_allclose(bcad.grad(f)(X.copy()), np.arange(4.0))


@pytest.mark.parametrize("n, m", [(5, 3), (3, 5), (4, 4), (1, 3), (6, 1)])
@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("f", [np.convolve, np.correlate], ids=["convolve", "correlate"])
def test_convolve_correlate(f, mode, n, m):
    rng = np.random.default_rng(n * 10 + m)
    a, v = rng.standard_normal(n), rng.standard_normal(m)
    w = rng.standard_normal(len(f(a, v, mode)))
    check_grads(lambda a, v: float(np.sum(f(a, v, mode) * w)), (a, v), order=1)


NUMPY_PYTHON_LAYER = {
    "polynomial": lambda c, x: np.sum(np.polynomial.Polynomial(c)(x)),
    "chebval": lambda c, x: np.sum(np.polynomial.chebyshev.chebval(x, c)),
    "polyfit": lambda c, x: float(np.polyfit(np.linspace(0, 1, 6),
                                             np.linspace(0, 1, 6) * c[0] + c[1], 1).sum()),
    "cov": lambda c, x: float(np.cov(np.vstack([c, c ** 2])).sum()),
    "corrcoef": lambda c, x: float(np.corrcoef(c, c ** 2 + x[0])[0, 1]),
    "matrix_power": lambda c, x: float(np.linalg.matrix_power(np.outer(c, c) * 0.1 + np.eye(4),
                                                              3).sum()),
    "einsum-optimize": lambda c, x: float(np.einsum("i,j,j->", c, c, c, optimize=True)),
    "meshgrid": lambda c, x: float(np.sum(np.meshgrid(c, x)[0] * np.meshgrid(c, x)[1])),
    "apply_along_axis": lambda c, x: float(np.apply_along_axis(np.sum, 0, np.outer(c, x)).sum()),
    "bincount-weights": lambda c, x: float(np.sum(np.bincount([0, 2, 2, 1], weights=c) ** 2)),
    "sinc": lambda c, x: float(np.sum(np.sinc(c))),
    "unwrap": lambda c, x: float(np.sum(np.unwrap(c * 3))),
    "piecewise": lambda c, x: float(np.sum(np.piecewise(c, [c < 0, c >= 0],
                                                        [lambda t: -t, lambda t: t * t]))),
    "select": lambda c, x: float(np.sum(np.select([c < 0, c >= 0], [c, c ** 2]))),
    "quantile": lambda c, x: float(np.quantile(c, 0.3)),
}


@pytest.mark.parametrize("name", sorted(NUMPY_PYTHON_LAYER))
def test_numpy_python_layer_functions(name):
    c = np.array([1.0, -2.0, 0.5, 0.25])
    x = np.array([0.3, -0.7, 1.1])
    check_grads(NUMPY_PYTHON_LAYER[name], (c, x), order=1)


def test_vectorize_is_refused():
    # (np.vectorize computes on object arrays: its elements are copies)
    refused(lambda x: float(np.sum(np.vectorize(lambda t: t * t)(x))), X.copy(), "object array")


# ----------------------------------------------------------------- models as users write them

def _kalman_nll(params, ys):
    q, r = np.exp(params[0]), np.exp(params[1])
    F = np.array([[1.0, 1.0], [0.0, 1.0]])
    H = np.array([[1.0, 0.0]])
    Q, R = q * np.eye(2), np.array([[r]])
    x, P = np.zeros(2), np.eye(2)
    nll = 0.0
    for y in ys:
        x = F @ x
        P = F @ P @ F.T + Q
        S = H @ P @ H.T + R
        K = P @ H.T @ np.linalg.inv(S)
        innov = y - H @ x
        x = x + K @ innov
        P = (np.eye(2) - K @ H) @ P
        nll += 0.5 * (np.log(np.linalg.det(2 * np.pi * S)) + innov @ np.linalg.solve(S, innov))
    return float(nll)


def _gp_nll(theta, X, y):
    ell, sf, sn = np.exp(theta)
    d = X[:, None, :] - X[None, :, :]
    K = sf ** 2 * np.exp(-0.5 * np.sum(d ** 2, axis=-1) / ell ** 2) + sn ** 2 * np.eye(len(X))
    L = np.linalg.cholesky(K)
    alpha = np.linalg.solve(L.T, np.linalg.solve(L, y))
    return float(0.5 * y @ alpha + np.sum(np.log(np.diag(L))) + 0.5 * len(X) * np.log(2 * np.pi))


def test_kalman_filter_likelihood():
    ys = np.cumsum(np.random.default_rng(0).standard_normal(20)).reshape(-1, 1)
    check_grads(_kalman_nll, (np.array([-1.0, 0.5]), ys), order=1)


def test_gaussian_process_marginal_likelihood():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((15, 2))
    y = np.sin(X[:, 0]) + 0.1 * rng.standard_normal(15)
    check_grads(_gp_nll, (np.array([0.1, 0.2, -1.0]), X, y), order=1)


def test_scipy_rosen_and_minimize():
    so = pytest.importorskip("scipy.optimize")
    x0 = np.array([-1.2, 1.0, 0.5, 1.5])
    # scipy's rosen goes through its array-API layer (dtype objects as arguments)
    np.testing.assert_allclose(bcad.grad(so.rosen)(x0), so.rosen_der(x0), rtol=1e-12)
    r = so.minimize(so.rosen, np.array([1.3, 0.7, 0.8, 1.9]), jac=bcad.grad(so.rosen),
                    method="BFGS")
    assert r.success and np.allclose(r.x, 1.0, atol=1e-4), r


def test_grad_under_cprofile():
    # (3.11 reports a running cProfile as its Profile object, which
    # sys.setprofile cannot take back: bcad's guards restore it)
    import cProfile
    import math
    prof = cProfile.Profile()
    prof.enable()
    try:
        g = bcad.grad(lambda x: float(np.sum(np.sort(x) * np.arange(4.0))) + math.sin(x[0]))(X)
    finally:
        prof.disable()
    np.testing.assert_allclose(g, np.arange(4.0)[np.argsort(np.argsort(X))] +
                               np.array([math.cos(X[0]), 0, 0, 0]))


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128])
def test_element_reads_in_a_loop_accumulate(dtype):
    """`a, b, c = p` at every step, and p[0] read twice: each element's
    cotangent adds up (the backward pass adds element reads into one owned
    buffer in place, for float64; the others go through Scatter)."""
    def f(p):
        s = 0.0
        for i in range(30):
            a, b, c = p
            s = s + a * b - c * i + p[0] * p[0]
        return s.real if np.iscomplexobj(p) else s

    p = np.array([1.5, -2.0, 0.5], dtype=dtype)
    g = bcad.grad(f)(p)
    a, b, c = (complex(x) for x in p)
    want = np.array([30 * b + 60 * a, 30 * a, -sum(range(30))])
    # (complex inputs: the conjugate, bcad's convention for complex gradients)
    want = np.conj(want) if np.iscomplexobj(p) else want.real
    assert g.dtype == p.dtype
    np.testing.assert_allclose(g, want.astype(dtype), rtol=1e-5 if dtype == np.float32 else 1e-12)


# ---------------------------------------------------- numpy scalars, subscripted
@pytest.mark.parametrize("key", [(), Ellipsis, None], ids=["()", "...", "None"])
def test_subscripts_of_a_numpy_scalar_keep_its_gradient(key):
    """s[()], s[...], s[None] of a differentiable numpy scalar are new objects
    (a scalar, a 0-d or 1-d array): they were silent zeros
    (scipy.stats.multivariate_normal's `np.array(log_pdet, dtype=float)[()]`)."""
    def f(x):
        s = x.sum()
        return float(np.sum(s[key] * 2.0) + s * 3.0)      # a read and arithmetic, mixed
    np.testing.assert_allclose(bcad.grad(f)(np.array([1.0, 2.0])), [5.0, 5.0])

    def g(x):
        s = x.sum() * np.ones(())          # float64 times a 0-d array: a numpy scalar
        return s[key]
    np.testing.assert_allclose(np.sum(bcad.grad(lambda x: np.sum(g(x)))(np.array([1.0, 2.0]))),
                               2.0)


def test_subscript_of_a_float32_scalar():
    def f(x):
        return x[0][()] * x[1][...]
    g = bcad.grad(lambda x: float(np.sum(f(x))))(np.array([2.0, 3.0], dtype=np.float32))
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, [3.0, 2.0])


def test_a_write_through_an_all_false_mask_gives_its_value_no_cotangent():
    """Nothing is written, so the value gets no cotangent at all: a zero one
    times an infinite partial upstream would be nan (scipy.stats' bounds
    `-inf * scale + loc` placed where no argument is out of range)."""
    def f(x):
        out = np.zeros(2)
        np.place(out, np.array([False, False]), np.array([-np.inf]) * x)
        out[np.array([False, False])] = np.inf * x
        return float(out.sum() + 2.0 * x)
    with np.errstate(invalid="raise"):
        assert bcad.grad(f)(1.5) == 2.0


def test_builtin_pow_of_arrays_is_the_power_operator():
    x = np.array([0.5, 1.5, 2.0])
    check(lambda x: np.sum(pow(x, 3.0)) + pow(x[0], 2.0) + pow(2.0, x[1]), x)


@pytest.mark.skipif(not isinstance(getattr(np, "vecdot", None), np.ufunc), reason="numpy < 2")
@pytest.mark.parametrize("axis, bshape", [(0, (2, 1)), (-2, (2, 3)), (1, (1, 3)), (-1, (3,)),
                                          (0, (2,))])
def test_vecdot_along_an_axis(axis, bshape):
    """axis= is each operand's own core axis (b of shape (2,) with axis=0
    pairs with a's first axis)."""
    a = np.arange(6.0).reshape(2, 3) / 5 + 0.1
    b = np.linspace(-1.0, 2.0, int(np.prod(bshape))).reshape(bshape)
    check(lambda a: np.sum(np.vecdot(a, b, axis=axis) ** 2), a)
    check(lambda b: np.sum(np.vecdot(a, b, axis=axis) ** 2), b)


def test_reshape_of_a_vector_in_fortran_order():
    """order='F' fills the result column by column even from a 1-d array
    (it was read as 'C': a silently wrong gradient)."""
    x = np.array([0.3, 1.2, -2.5, 0.9, 1.7, -0.6])
    check(lambda x: np.sum(x.reshape((3, 2), order="F")[0] ** 2), x)
    check(lambda x: np.sum(np.reshape(x, (2, 3), "F")[0] * np.arange(3.0)), x)


def test_axes_given_as_an_integer_array():
    """np.rot90 transposes with an ndarray of axes: kept as ints on the tape."""
    x = np.arange(6.0).reshape(2, 3) / 4 + 0.1
    w = np.arange(6.0).reshape(3, 2)
    for k in (1, 2, 3):
        check(lambda x: np.sum(np.rot90(x, k) ** 2 * (w if k % 2 else w.T)), x)
    check(lambda x: np.sum(x.transpose(np.array([1, 0])) * w), x)
    check(lambda x: np.sum(np.transpose(x, axes=np.array([1, 0])) * w), x)


POSITIONAL_OUT = {
    # out given by position: once the ufunc handed back its (tracked) out
    # array and the write went unseen, a silently wrong gradient
    "np.exp(y, y)": lambda y: np.exp(y, y),
    "np.multiply(y, y, y)": lambda y: np.multiply(y, y, y),
    "np.sin(y, z)": lambda y: np.sin(y, np.empty_like(y)),
    "np.add(y, 1, y, where=)": lambda y: np.add(y, 1.0, y, where=np.array([True, False, True])),
    "np.power(y, 3, (y,))": lambda y: np.power(y, 3.0, y),
}


@pytest.mark.parametrize("name", POSITIONAL_OUT)
def test_ufunc_with_positional_out(name):
    from tests.support import fd_grad
    op = POSITIONAL_OUT[name]

    def f(x):
        y = 2.0 * x
        r = op(y)
        return float((r * y).sum() + y.sum())
    x = np.array([0.3, -0.5, 0.8])
    np.testing.assert_allclose(bcad.grad(f)(x), fd_grad(f, x), rtol=1e-6, atol=1e-9)


GIVEN_OUT = {
    # a rule applied with its out array handed back: the write went unseen
    # (np.round(y, 1, out=y) kept y's old tape value: silently wrong)
    "np.round(y, 1, out=y)": lambda y: np.round(y, 1, out=y),
    "y.round(2, y)": lambda y: y.round(2, y),
    "np.dot(a, b, out=view)": lambda y: np.dot(y[:2], np.eye(2) * 3.0, out=y[1:]),
    "np.dot(a, b, view) by position": lambda y: np.dot(y[:2], np.eye(2) * 3.0, y[:2]),
    "np.cumsum(y, 0, None, y)": lambda y: np.cumsum(y, 0, None, y),
    "y.sum(0, None, zeros)": lambda y: y.sum(0, None, np.zeros(())) * y,
    "np.add.reduce(y, 0, None, out)": lambda y: np.add.reduce(y, 0, None, np.zeros(())) * y,
    "np.multiply.accumulate(y, out=y)": lambda y: np.multiply.accumulate(y, out=y),
    "np.clip(y, 0, .5, y)": lambda y: np.clip(y, 0.0, 0.5, y),
    "np.matmul(a, b, out=view)": lambda y: np.matmul(y[:2], np.eye(2), y[:2]),
    "np.concatenate(.., out=)": lambda y: np.concatenate([y[:1], y[1:] * 2], out=np.empty(3)),
    "np.einsum(out=)": lambda y: np.einsum("i,i->i", y, y, out=y),
}


@pytest.mark.parametrize("name", GIVEN_OUT)
def test_numpy_function_with_out(name):
    op = GIVEN_OUT[name]

    def f(x):
        y = 2.0 * x
        r = op(y)
        return float(np.sum(r * r) * x[0] + np.sum(y * y * x))
    x = np.array([0.3, -0.55, 0.8])
    np.testing.assert_allclose(bcad.grad(f)(x), fd_grad(f, x), rtol=1e-6, atol=1e-9)


# ------------------------------------------------------------------ crossed rules
# dot, matmul and multiply keep an operand's value only when the other one is
# tracked (Primitive.crossed): a Runge-Kutta stage loop holds no view of its
# stage array, yet the gradient through the later writes stays exact.

def _stages(y0, h, n_stages=4):
    A = [np.array([]), np.array([0.5]), np.array([0.0, 0.5]), np.array([0.0, 0.0, 1.0])]
    K = np.empty((n_stages, y0.size))
    K[0] = np.sin(y0)
    for s in range(1, n_stages):
        dy = np.dot(K[:s].T, A[s]) * h
        K[s] = np.sin(y0 + dy) * y0
    return y0 + h * (K[0] + 2 * K[1] + 2 * K[2] + K[3]) / 6


@pytest.mark.parametrize("mode", ["rev", "fwd"])
def test_crossed_stage_loop(mode):
    y0 = np.array([0.3, -0.7, 1.1])

    def f(y0, h):
        return float(np.sum(_stages(y0, h) ** 2))
    g = bcad.grad(f, argnums=(0, 1)) if mode == "rev" else bcad.jacfwd(f, argnums=(0, 1))
    gy, gh = g(y0, 0.2)
    np.testing.assert_allclose(gy, fd_grad(lambda y: f(y, 0.2), y0), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(gh, fd_grad(lambda h: f(y0, h[0]), np.array([0.2]))[0],
                               rtol=1e-6)
    check_grads(lambda y: np.sum(_stages(y, 0.2) ** 3), (y0,), modes=("fwd", "rev"), order=2)


def test_crossed_keeps_only_the_operand_a_cotangent_reads():
    from bcad.transforms import reverse
    a = np.array([0.2, 0.3, 0.5])
    made = []

    def f(x):
        K = np.arange(6.0).reshape(3, 2)
        made.append(K)
        K[0] = x                          # K is tracked, a is a constant
        r = np.dot(K.T, a) * 2.0 + K[:2].T @ a[:2]
        K[1] = x * 3.0                    # a write after: nothing of K to copy
        return np.sum(r * x) + np.sum(K * K)
    from bcad.transforms.arrays import Meta, crossed_args
    tape = reverse.run_forward(f, (np.array([1.0, 2.0]),), {}, (0,)).tape
    products = [v for v, p in enumerate(tape.prim) if p.name in ("numpy.dot", "numpy.matmul")]
    assert len(products) == 2
    for v, shape in zip(products, [(2, 3), (2, 2)]):
        (k_side, a_side), _ = tape.params[v][:2]
        # (not kept: only a's cotangent would read it; on a grad's tape its
        # Meta is recorded as None and put back for the VJP)
        assert k_side is None
        meta, a_side2 = crossed_args((k_side, a_side), tape.a[v], tape.vals)
        assert type(meta) is Meta and meta.shape == shape and a_side2 is a_side
        assert isinstance(a_side, np.ndarray)   # (kept: K's cotangent reads it)
    x = np.array([1.0, 2.0])
    np.testing.assert_allclose(bcad.grad(f)(x), fd_grad(f, x), rtol=1e-6)


def test_write_through_a_view_made_before_recording():
    """A global view (`reshape` of an arange) written in place: the view
    itself reads its new contents (it was never registered with the tape)."""
    buf = np.arange(6.0).reshape(3, 2)
    a = np.array([0.2, 0.3, 0.5])

    def f(x):
        buf[0] = x
        return np.sum(np.dot(buf.T, a) ** 2)
    x = np.array([1.0, 2.0])
    np.testing.assert_allclose(bcad.grad(f)(x), fd_grad(f, x), rtol=1e-6)


# ------------------------------------------------------------------ explicit dunder writes
# `a.__setitem__(k, v)`, `np.ndarray.__setitem__(a, k, v)`, `operator.setitem`
# and `a.__iadd__(b)` are the statements `a[k] = v` and `a += b` (they were
# refused as C functions that may have copied the value).
import operator as _operator

_DUNDER_WRITES = {
    "a.__setitem__": lambda K, x: K.__setitem__(0, x * 2),
    "ndarray.__setitem__": lambda K, x: np.ndarray.__setitem__(K, 0, x * 2),
    "operator.setitem": lambda K, x: _operator.setitem(K, 0, x * 2),
    "view.__setitem__": lambda K, x: K[:, 1].__setitem__(slice(None, 2), x),
    "a.__iadd__": lambda K, x: (K.__setitem__(0, x), K.__iadd__(K * 2.0)),
    "ndarray.__imul__": lambda K, x: (K.__setitem__(1, x), np.ndarray.__imul__(K, K + 1.0)),
}


@pytest.mark.parametrize("name", list(_DUNDER_WRITES))
def test_explicit_dunder_writes(name):
    write = _DUNDER_WRITES[name]

    def f(x):
        K = np.ones((2, 2))
        write(K, x)
        return np.sum(K * K * x[0])
    x = np.array([0.7, -1.3])
    np.testing.assert_allclose(bcad.grad(f)(x), fd_grad(f, x), rtol=1e-6, atol=1e-9)
    check_grads(f, (x,), modes=("fwd", "rev"))


# ------------------------------------------------------------------ np.vstack's rule
# (one equation; the forms it does not cover are interpreted as numpy wrote them)

_VSTACKS = {
    "1-d arrays": lambda p: np.sum(np.vstack([p, p * 2.0, p ** 2]) * np.arange(12.0).reshape(3, 4)),
    "1-d and 2-d": lambda p: np.sum(np.vstack((p[:2], np.outer(p[:2], p[2:]), [p[3], 1.0])) ** 2),
    "numbers": lambda p: np.sum(np.vstack([p[0], p[1] * 3.0]) * np.array([[2.0], [5.0]])),
    "nested lists": lambda p: np.sum(np.vstack([[p[0], p[1]], [p[2], 2.0]]) ** 3),
    "3-d": lambda p: np.sum(np.vstack([np.ones((1, 2, 2)) * p[0], np.ones((2, 2, 2)) * p[1]]) ** 2),
    "one": lambda p: np.sum(np.vstack([p]) ** 2),
    "complex": lambda p: np.abs(np.sum(np.vstack([p * 1j, p]) ** 2)),
    "dtype= (interpreted)": lambda p: np.sum(np.vstack([p, p], dtype=float) ** 2),
    "casting= (interpreted)": lambda p: np.sum(np.vstack([p, p], casting="safe") ** 2),
}


@pytest.mark.parametrize("name", _VSTACKS)
def test_vstack(name):
    x = np.array([1.5, -0.7, 3.0, 0.4])
    check_grads(_VSTACKS[name], (x,), order=2, modes=("rev", "fwd"))
    names = [p.name for p in bcad.trace(_VSTACKS[name])(x).tape.prim]
    assert ("numpy.vstack" in names) == ("interpreted" not in name)


def test_vstack_errors_are_numpys():
    x = np.array([1.5, -0.7, 3.0, 0.4])
    for bad in (lambda p: np.vstack([p, p[:2]]), lambda p: np.vstack([])):
        with pytest.raises(ValueError) as native:
            bad(x)
        with pytest.raises(ValueError) as interpreted:
            bcad.grad(lambda p: np.sum(bad(p)))(x)
        assert str(interpreted.value) == str(native.value)
