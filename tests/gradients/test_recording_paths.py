"""The recording and backward shortcuts an ODE right-hand side runs through
thousands of times, each against its general path and finite differences:

- real `+ - * neg` inlined in the backward pass (reverse.backward), with a
  constant on either side, Python floats next to numpy float64, and the
  complex case that goes through the rule;
- `alpha, beta = p` of a float64 vector taking its elements at once
  (array_ops.row_list), and the dtypes and layouts that do not;
- `np.asarray(y, dtype=float)` of a tracked float64 array, which is `y`
  itself (tracking.call_c), and the conversions that copy;
- parameter tuples of Metas and indices, one shared object per distinct
  contents (tape.shared_params), never merging an int with a bool;
- the backward pass's written-out VJPs of a solver's step: `np.array` of
  numbers, `x * h` (with its 0 * inf cases), `K[:s]`, `K[s] = f` and
  `K[:s].T @ a`.
"""
import gc

import numpy as np
import pytest

import bcad
from bcad.tape import tape as tape_module
from bcad.transforms import reverse
from tests.support import fd_grad

P = np.array([1.5, -0.7, 3.0, 0.4])


def check(f, x=P, rtol=1e-6, eps=1e-6):
    g = bcad.grad(f)(x)
    np.testing.assert_allclose(g, fd_grad(f, x, eps=eps), rtol=rtol, atol=1e-8)
    return g


# ---------------------------------------------------------------- scalar backward

SCALAR_PROGRAMS = {
    # (a constant first or second: record2 leaves the constant's variable -1)
    "const - x": lambda p: 2.0 - p[0] * p[1],
    "x - const": lambda p: p[0] * p[1] - 2.0,
    "const * x": lambda p: 3.0 * p[0] + p[1] * 2,
    "int * x": lambda p: 3 * p[0] - p[1] * True,
    "neg": lambda p: -(p[0] * p[1]) + -p[2],
    "float and float64": lambda p: float(p[0]) * p[1] - float(p[2]) * float(p[3]),
    "same operand twice": lambda p: p[0] * p[0] - p[1] - p[1],
    "inplace": lambda p: _inplace(p),
    "chain": lambda p: _lv(p),
    "complex through the rule": lambda p: (complex(p[0], p[1]) * complex(p[2], -p[3])).real,
    "into an array cotangent": lambda p: np.sum(p * p) + p[0] * p[1],
}


def _inplace(p):
    a, b, c, d = p
    s = a
    s *= b
    s -= c
    s += d * a
    return s


def _lv(p):
    alpha, beta, delta, gamma = p
    u, v = p[1] * 2.0, p[3] + 1.0
    for _ in range(5):
        du = alpha * u - beta * u * v
        dv = -delta * v + gamma * u * v
        u, v = u + 0.01 * du, v + 0.01 * dv
    return u * v


@pytest.mark.parametrize("name", sorted(SCALAR_PROGRAMS))
def test_real_arithmetic_backward(name):
    check(SCALAR_PROGRAMS[name])


def test_python_float_input_gets_python_float_gradient():
    # A float variable's cotangent stays a float when a float64 product
    # (x * element of an array) sends it one.
    def f(x, a):
        return x * a[0] - x * a[1]
    g = bcad.grad(f)(0.5, np.array([3.0, 1.0]))
    assert type(g) is float and g == 2.0


def test_closed_form_products():
    # d/dp (p0*p1 - p2*p3) exactly, no finite differences
    g = bcad.grad(lambda p: p[0] * p[1] - p[2] * p[3])(P)
    assert g.tolist() == [P[1], P[0], -P[3], -P[2]]


# ---------------------------------------------------------------- element unpacking

def _unpack4(p):
    a, b, c, d = p
    return a * b - c * d + a


@pytest.mark.parametrize("prepare", [
    lambda p: p,                                   # the input itself
    lambda p: p * 1.0,                             # a computed vector
    lambda p: (p * 1.0)[::-1][::-1],               # a view
    lambda p: np.concatenate([p, p])[::2],         # a strided view
    lambda p: (p * 1.0).astype(">f8"),             # byte-swapped float64
    lambda p: (p * 1.0).astype(np.float32),        # not float64: the general path
    lambda p: (p * 1.0).astype(np.complex128),     # complex: the general path
], ids=["input", "computed", "view", "strided", "byteswapped", "float32", "complex"])
def test_unpack_elements(prepare):
    def f(p):
        v = _unpack4(prepare(p))
        return float(np.real(v))
    check(f, rtol=1e-3, eps=1e-3)      # (float32: differences of float32 values)


def test_unpack_records_one_read_per_element_and_matches_indexing():
    res = reverse.run_forward(_unpack4, (P,), {}, (0,), kind="vjp")
    t = res.tape
    reads = [t.params[v][0][1] for v in range(len(t.vals)) if t.prim[v].name == "getitem"]
    assert reads == [0, 1, 2, 3]
    out_u, pull_u = bcad.vjp(lambda p: _unpack4(p), P)
    out_i, pull_i = bcad.vjp(lambda p: p[0] * p[1] - p[2] * p[3] + p[0], P)
    assert out_u == out_i
    np.testing.assert_array_equal(pull_u(1.0)[0], pull_i(1.0)[0])


def test_unpack_wrong_count_is_cpythons_error():
    def f(p):
        a, b = p
        return a
    with pytest.raises(ValueError) as native:
        f(P)
    with pytest.raises(ValueError) as ours:
        bcad.grad(f)(P)
    assert str(ours.value) == str(native.value)


# ---------------------------------------------------------------- asarray

def test_asarray_same_dtype_is_the_array_itself():
    seen = []

    def f(p):
        y = p * 2.0
        z = np.asarray(y, dtype=float)
        seen.append(z is y)
        w = np.asarray(y, dtype=np.dtype("float64"))
        seen.append(w is y)
        u = np.asanyarray(y, dtype=None)
        seen.append(u is y)
        return np.sum(z * w * u)
    check(f)
    assert seen and all(seen)


@pytest.mark.parametrize("convert", [
    lambda y: np.asarray(y, dtype=np.float32).astype(float),   # a cast: a copy
    lambda y: np.asarray(y, dtype=complex).real,
    lambda y: np.asarray(y, dtype="float64"),
    lambda y: np.asarray(y, order="F"),
    lambda y: np.array(y, dtype=float),                          # np.array copies
    lambda y: np.asarray(y.reshape(2, 2), dtype=float, order="F").ravel(),
], ids=["float32", "complex", "text dtype", "order", "np.array", "2-d order"])
def test_asarray_conversions_still_recorded(convert):
    def f(p):
        return np.sum(convert(p * 2.0) ** 2)
    g = check(f, rtol=1e-3, eps=1e-3)   # (float32: differences of float32 values)
    np.testing.assert_allclose(g, 8.0 * P, rtol=1e-6)


def test_asarray_then_write_keeps_versions():
    # y is returned itself: a write through the result is a write to y
    def f(p):
        y = p * 1.0
        z = np.asarray(y, dtype=float)
        z[0] = p[1] * p[2]
        return np.sum(y * y)
    check(f)


# ---------------------------------------------------------------- shared parameters

def test_element_reads_share_one_parameter_tuple():
    def f(p):
        s = 0.0
        for _ in range(3):
            a, b, c, d = p
            s = s + a * d
        return s
    res = reverse.run_forward(f, (P,), {}, (0,), kind="vjp")
    tape = res.tape
    reads = [v for v in range(len(tape.vals)) if tape.prim[v].name == "getitem"]
    by_index = {}
    for v in reads:
        args, kwargs = tape.params[v]
        assert kwargs == {} and not kwargs
        by_index.setdefault(args[1], set()).add(id(tape.params[v]))
    assert sorted(by_index) == [0, 1, 2, 3]
    assert all(len(ids) == 1 for ids in by_index.values())


def test_shared_parameters_tell_bool_from_int():
    m = object()
    tape_module.SHAREABLE.add(object)
    try:
        p_int = tape_module.shared_params((m, 1))
        p_bool = tape_module.shared_params((m, True))
    finally:
        tape_module.SHAREABLE.discard(object)
    assert type(p_int[0][1]) is int and type(p_bool[0][1]) is bool
    assert p_int is not p_bool


def test_unshareable_parameters_stay_per_equation():
    a = np.zeros(2)
    p1 = tape_module.shared_params((a, 1))
    p2 = tape_module.shared_params((a, 1))
    assert p1 is not p2 and p1[0][0] is a
    s = slice(0, 2.5)
    assert tape_module.shared_params((s,)) is not tape_module.shared_params((s,))


def test_shared_keywords_are_read_only():
    kw = tape_module.shared_params((1, 2))[1]
    with pytest.raises(TypeError):
        kw["x"] = 1
    with pytest.raises(TypeError):
        kw.update(x=1)
    assert kw == {} and repr(kw) == "{}"


def test_tape_of_many_element_reads_keeps_few_gc_tracked_objects():
    # The reason for sharing: per-equation tuples holding a Meta stay
    # tracked by the cyclic GC for the tape's lifetime.
    def f(p):
        s = 0.0
        for _ in range(500):
            a, b, c, d = p
            s = s + a
        return s
    gc.collect()
    before = len(gc.get_objects())
    tape = tape_module.Tape()
    tape.reads = None       # (every read an equation: no aliases of earlier reads)
    res = reverse.run_forward(f, (P,), {}, (0,), tape=tape, kind="vjp")
    gc.collect()
    grown = len(gc.get_objects()) - before
    assert len(res.tape.vals) > 2000
    assert grown < 300, grown


# ------------------------------------------- reads of an unchanged vector (Tape.reads)

def _rhs_like(p):
    """An ODE right-hand side's shape: the parameters unpacked at every call,
    the state changing between calls."""
    z = p[:2] * 1.0
    for _ in range(20):
        a, b, c, d = p
        u, v = z
        z = np.array([a * u - b * u * v, -c * v + d * u * v]) * 0.05 + z
    return float(np.sum(z * z))


def _recorded(f, x, reads=True):
    tape = tape_module.Tape()
    if not reads:
        tape.reads = None
    res = reverse.run_forward(f, (x,), {}, (0,), tape=tape, kind="vjp")
    return res, tape


def _grad(f, x, reads=True):
    res, _ = _recorded(f, x, reads)
    return reverse.gradients(res, [res.out], [1.0])[0]


def _p_reads(tape, var):
    from bcad.rules.numpy import GETITEM
    return [v for v in range(len(tape.vals)) if tape.prim[v] is GETITEM and tape.a[v][0] == var
            and type(tape.params[v][0][1]) is int]      # (element reads, not slices)


def test_repeated_reads_of_an_unchanged_vector_share_the_first_reads_variables():
    res, tape = _recorded(_rhs_like, P)
    _, tape_all = _recorded(_rhs_like, P, reads=False)
    # 4 parameter reads per call: 19 of the 20 calls alias the first's
    assert len(tape_all.vals) - len(tape.vals) == 19 * 4
    assert len(tape.aliases) == 19 * 4
    assert len(_p_reads(tape, 0)) == 4 and len(_p_reads(tape_all, 0)) == 80


def test_aliased_reads_give_the_same_gradient_as_recorded_ones():
    g = check(_rhs_like, rtol=1e-5)
    np.testing.assert_allclose(g, _grad(_rhs_like, P, reads=False), rtol=1e-13)
    np.testing.assert_allclose(g, _grad(_rhs_like, P), rtol=1e-13)


def test_a_write_between_reads_makes_a_new_version_read_anew():
    def f(p):
        q = p * 1.0
        a, b, c, d = q
        q[0] = b * b          # a new version of q: read anew, then shared
        a2, b2, c2, d2 = q
        e, f_, g, h = q
        return a * a2 + e * c2 + b2 * d + h * f_
    check(f)
    np.testing.assert_allclose(_grad(f, P), _grad(f, P, reads=False), rtol=1e-13)
    _, tape = _recorded(f, P)
    assert len(tape.aliases) == 4


def test_a_changed_value_under_the_same_version_is_read_anew():
    # Memory changed without a recorded write (bcad records or refuses every
    # write it sees; here the test writes natively): the values differ, so
    # the read is an equation of its own, not an alias.
    from bcad.transforms import array_ops
    tape = tape_module.Tape()
    a = np.array([1.0, 2.0])
    tape.new_input(a)
    first = array_ops.row_list(tape, a)
    a[0] = 5.0
    second = array_ops.row_list(tape, a)
    assert tape.ids[id(second[0])] != tape.ids[id(first[0])]
    assert tape.ids[id(second[1])] == tape.ids[id(first[1])]
    assert tape.aliases == [second[1]]


def test_signed_zeros_alias_only_zeros_of_their_own_sign():
    # -0.0 == 0.0, but they are different numbers (np.arctan2 tells them
    # apart): a -0.0 read where the earlier read was 0.0 is read anew.
    from bcad.transforms import array_ops
    tape = tape_module.Tape()
    a = np.array([0.0, -0.0, 0.0])
    tape.new_input(a)
    first = array_ops.row_list(tape, a)
    a[0], a[1] = -0.0, 0.0       # (natively, as above)
    second = array_ops.row_list(tape, a)
    assert [tape.ids[id(x)] == tape.ids[id(y)] for x, y in zip(first, second)] == \
        [False, False, True]


def test_streamed_jvp_and_trace_dumps_record_every_read():
    t = np.ones_like(P)
    out, tan = bcad.jvp(_rhs_like, (P,), (t,))
    eps = 1e-6
    fd = (_rhs_like(P + eps * t) - _rhs_like(P - eps * t)) / (2 * eps)
    np.testing.assert_allclose(tan, fd, rtol=1e-5)


# ------------------------------------------------------------ release_values

def test_release_values_frees_big_intermediates_and_keeps_what_rules_read():
    def f(p):
        a = p * np.ones((10, 4))         # 40 elements: np.sin's VJP reads it
        b = a + 1.0                      # 40 elements: nothing reads it (`* 2.0`: a
        c = p + 1.0                      # constant's cotangent is not needed)
        return np.sum(b * 2.0) + np.sum(np.sin(a)) + np.sum(c * 2.0)   # (c: 4 elements, left)
    res, tape = _recorded(f, P)
    kinds = {tape.prim[v].name: type(tape.vals[v]).__name__ for v in range(len(tape.vals))
             if tape.prim[v].name in ("numpy.multiply", "numpy.add")}
    by_size = {}
    for v in range(len(tape.vals)):
        if tape.prim[v].name == "numpy.add":
            by_size[tape.vals[v].shape] = type(tape.vals[v]).__name__
    assert kinds["numpy.multiply"] == "ndarray"
    assert by_size == {(10, 4): "Meta", (4,): "ndarray"}
    check(f)


# ------------------------------------------ backward shortcuts of a solver's step
# Each against finite differences and against the same program written so
# that the rule's general path runs (a keyword, a list, another layout).

def _array_of_numbers(p, **kw):
    u = p[0] * p[1]
    v = float(p[2])                     # (a Python float element)
    w = np.float64(2.0) * p[3]
    a = np.array([u, u, v, w, 3], **kw)  # (a number twice, an int constant)
    return a @ np.array([1.0, 2.0, -1.0, 0.5, 1.0]) + u * v


def test_array_of_numbers_backward_accumulates_like_the_general_path():
    g = check(_array_of_numbers)
    # (dtype= sends the same program through _array_vjp and _flat_ct)
    general = bcad.grad(lambda p: _array_of_numbers(p, dtype=float))(P)
    np.testing.assert_allclose(g, general, rtol=1e-14)
    u, v = P[0] * P[1], P[2]
    np.testing.assert_allclose(g, [(3.0 + v) * P[1], (3.0 + v) * P[0], -1.0 + u, 1.0],
                               rtol=1e-14)


def test_array_of_numbers_with_an_array_element_keeps_its_shape():
    def f(p):
        return np.sum(np.array([p[0] * 2.0, np.sum(p[1:] ** 2)]) ** 2)
    check(f)


def test_scalar_times_array_backward_matches_the_general_path():
    def f(p, h_first=False):
        h = p[0] * p[3]
        x = p[1:3] * 1.0
        y = h * x if h_first else x * h
        return y @ np.array([1.0, -2.0]) + np.sum(y * y)
    g = check(f)
    np.testing.assert_allclose(g, bcad.grad(lambda p: f(p, True))(P), rtol=1e-14)
    # (the general path: an array operand of another shape broadcasts)
    general = bcad.grad(lambda p: (lambda h, x: (x * h[None])[0] @ np.array([1.0, -2.0])
                                   + np.sum((x * h[None])[0] ** 2))(
        np.array([p[0] * p[3]]), (p[1:3] * 1.0)[None]))(P)
    np.testing.assert_allclose(g, general, rtol=1e-13)


def test_scalar_times_array_clears_zero_times_infinity_as_the_general_path():
    def inf_in_array(p):
        x = np.array([np.inf, 1.0]) * p[1]      # (x[0] is inf)
        return (x * p[0])[1]                     # (g is 0 where x is inf)
    g = bcad.grad(inf_in_array)(P)
    np.testing.assert_array_equal(g, [P[1], P[0], 0.0, 0.0])

    def infinite_number(p):
        return (p[:2] * np.float64(np.inf))[0]  # (g * inf is nan where g is 0)
    g = bcad.grad(infinite_number)(P)
    np.testing.assert_array_equal(g, [np.inf, 0.0, 0.0, 0.0])


def test_stage_writes_and_slices_backward_match_the_general_path():
    # K[s] = f and K[:s] (a solver's stage array) against the same program
    # with a fancy index (Scatter) and a list key (setitem's general VJP).
    A = np.array([[0.0, 0.0], [0.5, 0.0], [0.25, 0.25]])

    def f(p, general=False):
        K = np.zeros((3, 2))
        y = p[:2] * 1.0
        for s in range(3):
            dy = np.dot((K[[i for i in range(s)]] if general else K[:s]).T, A[s, :s])
            f_ = np.array([y[1] + dy[0] * p[2], -y[0] * p[3] + dy[1]])
            if general:
                K[[s]] = f_[None]
            else:
                K[s] = f_
            y = y + 0.1 * f_
        return np.sum(K ** 2) + y @ y
    g = check(f)
    np.testing.assert_allclose(g, bcad.grad(lambda p: f(p, True))(P), rtol=1e-13)


# ------------------------------------------- what a tape leaves to the cyclic GC
# A tuple holding a Python object (a Meta, a weak reference) is never
# untracked; held for the tape's lifetime, such objects are promoted to the
# collector's oldest generation, whose full passes visit the whole process.

_TABLE = np.array([[0.0, 0.0], [0.5, 0.0], [0.25, 0.25]])
_WEIGHTS = np.array([0.3, 0.3, 0.4])


def _stages(p, steps=60):
    """A solver's steps: stage writes, slices of the stage array and of a
    constant table, products with them, a right-hand side's np.array."""
    K = np.zeros((3, 2))
    y = p[:2] * 1.0
    for _ in range(steps):
        K[0] = np.array([y[1] * p[2], -y[0] * p[3]])
        for s, a in enumerate(_TABLE[1:], start=1):
            dy = np.dot(K[:s].T, a[:s]) * 0.1
            u, v = y + dy
            K[s] = np.array([v * p[2], -u * p[3]])
        y = y + 0.1 * np.dot(K.T, _WEIGHTS)
    return y @ y


def test_a_solvers_tape_leaves_few_objects_to_the_cyclic_gc():
    check(_stages)
    reverse.run_forward(_stages, (P,), {}, (0,), kind="vjp")     # (caches warm)
    gc.collect()
    before = len(gc.get_objects())
    res = reverse.run_forward(_stages, (P,), {}, (0,), kind="vjp")
    gc.collect()
    gc.collect()    # (a pass untracks a tuple's tuples after it: a second, the tuple)
    grown = len(gc.get_objects()) - before
    assert len(res.tape.vals) > 2000
    # (measured: about 20; with a weak reference per view of the table, 140;
    # with a Meta in each product's parameters, 740)
    assert grown < 80, grown


def test_crossed_operands_recorded_as_none_only_on_a_grad_tape():

    def products(tape):
        return [tape.params[v][0] for v, p in enumerate(tape.prim) if p.name == "numpy.dot"]
    res = reverse.run_forward(_stages, (P,), {}, (0,), kind="vjp")
    assert products(res.tape) and all(k is None for k, _ in products(res.tape))
    # (a trace keeps every operand; a pass an outer transform differentiates
    # relinks its operands' leaves, and is compared with a derivation that
    # records no backward pass)
    tape = bcad.trace(_stages)(P).tape
    assert products(tape) and all(type(k) is np.ndarray for k, _ in products(tape))
    np.testing.assert_allclose(bcad.hessian(lambda p: _stages(p, 3))(P),
                               bcad.jacfwd(bcad.grad(lambda p: _stages(p, 3)))(P), rtol=1e-10)


def test_array_of_numbers_keeps_shared_zeros_on_a_grad_tape_and_the_numbers_in_a_trace():
    from bcad.rules import RULES

    def f(p):
        a = np.array([p[0] * 2.0, 3.0, 1])
        b = np.array([p[1] + 1.0, float(p[2]), 2])
        return np.sum(a * b)

    def arrays(tape):
        return [tape.params[v] for v, p in enumerate(tape.prim) if p is RULES[np.array]]
    res = reverse.run_forward(f, (P,), {}, (0,), kind="vjp")
    a, b = arrays(res.tape)
    assert a is b                                   # (one shared tuple per element types)
    assert a[0][0] == (0.0, 0.0, 0) and [type(e) for e in a[0][0]] == [np.float64, float, int]
    tape = bcad.trace(f)(P).tape
    a, b = arrays(tape)
    assert a[0][0] == (P[0] * 2.0, 3.0, 1) and b[0][0] == (P[1] + 1.0, float(P[2]), 2)
    check(f)


def test_views_only_the_registry_holds_are_dropped():
    table = np.arange(8.0)
    kept = []

    def f(p):
        s = 0.0
        for i in range(1000):
            w = table[i % 4:]           # a view handed to interpreted code, dropped
            if i % 100 == 0:
                kept.append(table[i % 3:])     # ten views that stay alive
            s = s + w[0] * p[0]
        return s
    res = reverse.run_forward(f, (P,), {}, (0,), kind="vjp")
    views = res.tape.views[id(table)]
    assert views[0] is table
    assert len(views) < 200, len(views)     # (swept at doublings: 1001 without)
    held = [w for w in views[1:] if any(w is k for k in kept)]
    assert len(held) == len(kept) == 10     # (the views themselves, not weak references)
    assert res.out == pytest.approx(sum(table[i % 4] for i in range(1000)) * P[0])


def test_a_swept_tracked_view_leaves_its_address_to_new_objects():
    # Views of a tracked vector no rule reads, dropped at once: the registry
    # sweeps them at its doublings, and their `ids` entries with them, so
    # the constant arrays then made at their addresses are not taken for
    # them (the gradient would flow into p through a constant).
    def f(p):
        s = 0.0
        for i in range(400):
            v = p[i % 2:]
            c = np.ones(2)
            s = s + np.sum(c) * p[0] + v[0] * 0.5
        return s
    check(f)
    np.testing.assert_allclose(bcad.grad(f)(P), [800 + 100, 100, 0, 0])

    def g(p):       # (swept at each write to their owner)
        K = p * 1.0
        s = 0.0
        for i in range(400):
            v = K[i % 2:2]          # (not overlapping the write: not read again)
            K[3] = p[3] * 2.0
            c = np.ones(2)
            s = s + np.sum(c) * p[0] + v[0] * 0.5
        return s
    check(g)
    np.testing.assert_allclose(bcad.grad(g)(P), [800 + 100, 100, 0, 0])


def test_slices_and_int_writes_of_one_shape_keep_their_own_parameters():
    # (the per-Meta table of shared parameters: bounds, steps, the written
    # value's kind and a bool key each their own entry)
    def f(p):
        x = p * 1.0
        s = np.sum(x[0:4] ** 2) + np.sum(x[0:4:2] * 3.0) + np.sum(x[::-1][:3] * x[1:])
        s = s + np.sum(x[-3:-1] * 5.0) + np.sum(x[1:None] * 7.0)
        K = np.zeros((3, 4))
        K[1] = x                # a tracked value
        K[2] = np.ones(4)       # a constant
        K[True] = x * 2.0       # a bool key: row 1 again
        return s + np.sum(K * K * np.arange(12.0).reshape(3, 4))
    check(f)


def test_a_metas_table_of_parameters_is_bounded():
    from bcad.transforms.arrays import meta_of

    def f(p):
        x = np.concatenate([p] * 500)
        s = 0.0
        for i in range(1500):
            s = s + x[i:i + 2][0]
        return s
    res = reverse.run_forward(f, (P,), {}, (0,), kind="vjp")
    assert len(meta_of(np.zeros(2000)).shared) <= 1024
    np.testing.assert_allclose(reverse.gradients(res, [res.out], [1.0])[0], [375.0] * 4)


def test_asarray_of_an_array_is_the_array_whatever_it_holds():
    # (tracking.call_c returns it before any other test: as numpy does)
    def f(p):
        x = p * 2.0
        same = [np.asarray(x) is x, np.asarray(x, dtype=float) is x,
                np.asanyarray(x, dtype=np.float64) is x, np.asarray(x, dtype=None) is x,
                np.asarray(x, dtype=np.float32) is x, np.asarray(x, order="F") is x]
        obj = np.array([2.0, 1.0], dtype=object)
        same.append(np.asarray(obj) is obj)
        return float(np.sum(np.asarray(x, dtype=float) * x) + x[0]), same
    value, same = bcad.interpret(f)(P)
    assert same == [True, True, True, True, False, True, True]
    assert same == f(P)[1]
    check(lambda p: f(p)[0], rtol=1e-5)
