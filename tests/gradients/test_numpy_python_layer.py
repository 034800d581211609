"""Generated finite-difference tests of numpy's shape functions, subscripts,
array construction and writes (mostly numpy's own Python code, interpreted
by bcad down to the rules of bcad/rules/numpy/shapes.py and creation.py).
The helper and conventions: test_numpy_rules.py."""
import numpy as np
import pytest

from tests.gradients.test_numpy_rules import check_vjp, case_id, grad_of

X = np.random.default_rng(3).standard_normal((2, 3, 4))
M = np.random.default_rng(4).standard_normal((3, 4))
V = np.random.default_rng(5).standard_normal(5)

# (name, f, input)
SHAPES = [
    ("reshape", lambda x: x.reshape(6, 4), X),
    ("np.reshape", lambda x: np.reshape(x, (4, -1)), X),
    ("reshape_F", lambda x: np.reshape(x, (4, 6), order="F"), X),
    ("ravel", lambda x: x.ravel(), X), ("np.ravel", np.ravel, X),
    ("flatten", lambda x: x.flatten(), X),
    ("squeeze", lambda x: np.squeeze(x[:, :1]), X),
    ("x.squeeze", lambda x: x[None].squeeze(0), X),
    ("expand_dims", lambda x: np.expand_dims(x, 1), X),
    ("transpose", np.transpose, X),
    ("transpose_axes", lambda x: np.transpose(x, (1, 2, 0)), X),
    ("x.transpose", lambda x: x.transpose(2, 0, 1), X),
    (".T", lambda x: x.T, X), (".mT", lambda x: x.mT, X),
    ("swapaxes", lambda x: np.swapaxes(x, 0, 2), X),
    ("moveaxis", lambda x: np.moveaxis(x, 0, -1), X),
    ("broadcast_to", lambda x: np.broadcast_to(x, (3, 3, 4)), M),
    ("concatenate", lambda x: np.concatenate([x, x * 2.0], axis=1), M),
    ("concatenate_none", lambda x: np.concatenate([x, x[:1]], axis=None), M),
    ("stack", lambda x: np.stack([x, x ** 2], axis=-1), M),
    ("hstack", lambda x: np.hstack([x, x]), M),
    ("vstack", lambda x: np.vstack([x, x[0]]), M),
    ("split", lambda x: np.split(x, 2, axis=1)[1], M),
    ("array_split", lambda x: np.array_split(x, 3, axis=1)[0], M),
    ("tile", lambda x: np.tile(x, (2, 1)), M),
    ("repeat", lambda x: np.repeat(x, 2, axis=0), M),
    ("repeat_flat", lambda x: np.repeat(x, [1, 2, 0, 1] * 3), M),
    ("flip", lambda x: np.flip(x, 1), M), ("flip_all", np.flip, M),
    ("fliplr", np.fliplr, M),
    ("roll", lambda x: np.roll(x, 2), M), ("roll_axis", lambda x: np.roll(x, -1, axis=1), M),
    ("diag_of_matrix", lambda x: np.diag(x, 1), M),
    ("diag_of_vector", lambda x: np.diag(x), V),
    ("diagonal", lambda x: np.diagonal(x, -1), M),
    ("x.diagonal", lambda x: x.diagonal(0, 1, 2), X),
    ("trace", np.trace, M),
    ("triu", lambda x: np.triu(x, 1), M), ("tril", np.tril, M),
    ("pad", lambda x: np.pad(x, 1), M),
    ("pad_edge", lambda x: np.pad(x, ((1, 0), (0, 2)), mode="edge"), M),
    ("pad_reflect", lambda x: np.pad(x, 2, mode="reflect"), V),
    ("sort", lambda x: np.sort(x, axis=1), M), ("sort_flat", lambda x: np.sort(x, axis=None), M),
    ("x.sort_copy", lambda x: np.sort(x)[::-1], V),
    ("take", lambda x: np.take(x, [0, 2, 2], axis=1), M),
    ("take_flat", lambda x: np.take(x, [5, 0, 5]), M),
    ("take_along_axis", lambda x: np.take_along_axis(x, np.argsort(x, axis=1), axis=1), M),
    ("atleast_2d", np.atleast_2d, V),
    ("column_stack", lambda x: np.column_stack([x, x]), V),
    ("real_if_close", lambda x: np.real(x), M),
    ("copy", np.copy, M), ("x.copy", lambda x: x.copy(), M),
    ("astype32", lambda x: x.astype(np.float32) * 2, M),
    ("where_index", lambda x: x[np.nonzero(x > 0)], M),
    ("partition", lambda x: np.partition(x, 2), V),
]


@pytest.mark.parametrize("name,f,x", SHAPES, ids=[case_id(c) for c in SHAPES])
def test_shapes(name, f, x):
    check_vjp(f, x, rtol=1e-2 if name == "astype32" else None)
    if name not in ("astype32",):
        check_vjp(f, x.astype(np.float32))
    if name not in ("sort", "sort_flat", "x.sort_copy", "take_along_axis", "where_index",
                    "partition", "astype32"):
        check_vjp(f, x + 0.5j * x[..., ::-1])


# ------------------------------------------------------------------ subscripts
MASK = M > 0
SUBSCRIPTS = [
    ("int", lambda x: x[1]), ("neg_int", lambda x: x[-1, 2]), ("slice", lambda x: x[1:, ::2]),
    ("neg_step", lambda x: x[::-1, 3:0:-2]), ("ellipsis", lambda x: x[..., 1]),
    ("none", lambda x: x[None, :, None, 1]), ("mask", lambda x: x[MASK]),
    ("row_mask", lambda x: x[np.array([True, False, True])]),
    ("int_list_repeats", lambda x: x[[0, 2, 0, 0]]),
    ("int_array_repeats", lambda x: x[np.array([0, 2, 0, 0])]),
    ("int_arrays_2d", lambda x: x[np.array([0, 1, 1]), np.array([3, 3, 0])]),
    ("mixed", lambda x: x[1:, np.array([0, 0, 2])]),
    ("mixed_ellipsis", lambda x: x[..., np.array([1, 1])]),
    ("int_lists_2d", lambda x: x[[0, 1, 1], [3, 3, 0]]),
    ("array_of_arrays", lambda x: x[np.array([[0, 1], [1, 1]])]),
    ("scalar_chain", lambda x: x[0][1] * x[2, 3]),
    ("np.int_index", lambda x: x[np.int64(1), np.intp(2)]),
    ("item", lambda x: x.item(5) * x.item((1, 2))),
    ("float", lambda x: float(x[0, 1]) ** 2),
    ("tolist", lambda x: sum(v * v for row in x.tolist() for v in row)),
    ("iterate", lambda x: sum(np.sum(row * i) for i, row in enumerate(x))),
    ("unpack", lambda x: (lambda a, b, c: a * b + c)(*x)),
    ("unpack_assign", lambda x: _unpack(x)),
    ("np.array_nested", lambda x: np.array([[x[0, 0], 2.0], [x[1, 1] * 3.0, x[2, 3]]])),
    ("np.array_rows", lambda x: np.array([x[0], x[2] ** 2])),
    ("np.asarray_list", lambda x: np.asarray([float(x[0, 0]), x[1, 1]]) ** 2),
]


def _unpack(x):
    a, b, c = x
    return a * c - b


@pytest.mark.parametrize("name,f", SUBSCRIPTS, ids=[case_id(c) for c in SUBSCRIPTS])
def test_subscripts(name, f):
    check_vjp(f, M)
    check_vjp(f, M.astype(np.float32))
    if name not in ("mask", "float", "tolist", "scalar_chain", "item", "np.asarray_list"):
        check_vjp(f, M + 0.5j)


def test_complex128_scalar_product():
    check_vjp(lambda x: x[0, 1] * x[2, 3], M + 0.5j)


@pytest.mark.parametrize("key", [np.array([0, 0, 0, 1]),
                                 [0, 0, 0, 1]], ids=["array", "list"])
def test_repeated_gather_scatter_adds(key):
    (ct,) = grad_of(lambda x: np.sum(x[key] * np.array([1.0, 2.0, 3.0, 4.0])), V)
    np.testing.assert_allclose(ct, [6.0, 4.0, 0, 0, 0])


# ------------------------------------------------------------------ writes
def w_setitem(x):
    y = x.copy()
    y[1] = x[0] ** 2
    return y * x


def w_mask(x):
    y = x.copy()
    y[x > 0] = 3.0 * x[x > 0] ** 2
    return y ** 3


def w_repeated(x, key=np.array([0, 0, 1])):
    y = np.zeros(3)
    y[key] = x[:3]          # y[0] = x[1]: the last write wins
    return y


def w_iadd(x):
    y = x.copy()
    y += x * x
    return y * y


def w_imul(x):
    y = np.sin(x)
    z = y * x              # the multiply rule keeps y's values ...
    y *= x                 # ... which this write must not corrupt
    return z + y


def w_isub_idiv(x):
    y = x * 2.0
    y -= x ** 2
    y /= (x ** 2 + 1.0)
    y **= 2
    return y


def w_copyto(x):
    y = np.empty(5)
    np.copyto(y, x ** 2)
    return y * x


def w_copyto_where(x):
    y = x * 3.0
    np.copyto(y, x ** 2, where=x > 0)
    return y


def w_fill(x):
    z = np.empty(5)
    z.fill(x[0])
    return z * x


def w_view(x):
    y = x * 1.0
    v = y[:2]
    v[0] = x[4] ** 2
    return y * v.sum()


def w_view_read_after(x):
    y = x * 2.0
    v = y[1:4]
    y[2] = x[0] ** 3
    return v * x[1:4]


def w_loop(x):
    out = np.empty(5)
    for i in range(5):
        out[i] = np.sin(x[i]) * x[(i + 1) % 5]
    return out


def w_loop_2d(x):
    out = np.zeros((5, 2))
    for i in range(5):
        out[i, :] = x[i] * np.array([1.0, 2.0])
    return out


def w_slice_assign(x):
    y = np.zeros(7)
    y[1:6] = x
    y[::3] = -x[:3]
    return y * 2.0


def w_ellipsis(x):
    y = np.ones(5)
    y[...] = x ** 2
    return y


def w_setitem_scalar_float(x):
    y = x.copy()
    y[2] = float(x[3]) * 2.0
    return y


def w_out_sibling_views(x):
    cp = np.empty((1, 3))
    cp0 = cp[..., 0]
    cp1 = cp[..., 1]
    np.multiply(x[:1], x[1:2], out=cp0)
    cp0 -= x[2:3]
    np.multiply(x[3:4], x[4:5], out=cp1)
    return cp[:, :2]


WRITES = [w_setitem, w_mask, w_repeated, w_iadd, w_imul, w_isub_idiv, w_copyto, w_copyto_where,
          w_fill, w_view, w_view_read_after, w_loop, w_loop_2d, w_slice_assign, w_ellipsis,
          w_setitem_scalar_float,
          w_out_sibling_views]


@pytest.mark.parametrize("f", WRITES, ids=[getattr(f, "__name__", None) or f.values[0].__name__
                                          for f in WRITES])
def test_writes(f):
    check_vjp(f, V)
    check_vjp(f, V.astype(np.float32))


@pytest.mark.parametrize("key", [np.array([0, 0, 1]), [0, 0, 1]], ids=["array", "list"])
def test_repeated_index_last_write_wins(key):
    (ct,) = grad_of(lambda x: np.sum(w_repeated(x, key) * np.array([1.0, 10.0, 100.0])), V)
    np.testing.assert_allclose(ct, [0.0, 1.0, 10.0, 0.0, 0.0])   # y = [x1, x2, 0]
