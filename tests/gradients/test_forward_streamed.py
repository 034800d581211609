"""The streamed jvp (bcad/transforms/streamed.py): a top-level bcad.jvp
computes each equation's tangent as it is recorded and forgets what no later
equation reads.  Its tangents are the recorded path's, bit for bit (the same
push_one on the same equations); its memory is bounded by what is live.

Every program runs three ways: recorded then pushed (`api_forward._recorded_jvp`,
the path jvp takes inside another transform), streamed with the defaults,
and streamed with a push and a sweep at (almost) every equation, which puts
every site that completes an equation after recording it (record_multi,
keep_weakly, the copies before a write) at a batch boundary.  (The whole
suite runs that way with BCAD_JVP_BATCH=1 BCAD_JVP_SWEEP=1 in the
environment: every rule table's forward-mode check then goes through it.)
"""
import gc
import math
import sys
import threading
import tracemalloc

import numpy as np
import pytest

import bcad
from bcad import api_forward
from bcad.errors import NonDifferentiableError
from bcad.transforms import context, streamed
from tests.gradients.test_context import FAILING, assert_clean
from tests.gradients.test_forward import (SCALAR, fd_jvp, mlp, rollout, series,
                                          _power)

MODES = ["streamed", "streamed, batch 1", "streamed, batch 3, sweep always"]


@pytest.fixture(params=MODES)
def mode(request, monkeypatch):
    if request.param != "streamed":
        monkeypatch.setattr(streamed, "BATCH", 1 if "batch 1" in request.param else 3)
        monkeypatch.setattr(streamed, "SWEEP_MIN", 1 if "sweep" in request.param else 8192)
    return request.param


def recorded_jvp(f, primals, tangents, lengths=None, has_aux=False):
    """bcad.jvp by the recorded path (appending its tape's length to
    `lengths`)."""
    init = api_forward._Linearized.__init__

    def noting(self, *args):
        init(self, *args)
        if lengths is not None:
            lengths.append(len(self.res.tape))
    api_forward._Linearized.__init__ = noting
    try:
        return api_forward._recorded_jvp(f, tuple(primals), tuple(tangents), has_aux)
    finally:
        api_forward._Linearized.__init__ = init


def same(a, b):
    """Equal leaves, of the same types (arrays bit for bit)."""
    la, ta = bcad.transforms.tree.flatten(a)
    lb, tb = bcad.transforms.tree.flatten(b)
    assert len(la) == len(lb)
    for x, y in zip(la, lb):
        assert type(x) is type(y), (x, y)
        if isinstance(x, np.ndarray):
            assert x.dtype == y.dtype and x.shape == y.shape
            np.testing.assert_array_equal(x, y)
        elif isinstance(x, float) and math.isnan(x):
            assert math.isnan(y)
        else:
            assert x == y, (x, y)


def check(f, primals, tangents, fd=True, **kw):
    """The streamed jvp equals the recorded one (value, tangent, and the
    number of equations recorded: nothing of the pushes lands on the tape),
    and finite differences."""
    got = bcad.jvp(f, primals, tangents, **kw)
    n_streamed = streamed.LAST_STATS["recorded"]
    lengths = []
    want = recorded_jvp(f, primals, tangents, lengths, **kw)
    assert lengths[-1] == n_streamed     # (the last: inner jvps come first)
    same(got, want)
    if fd:
        np.testing.assert_allclose(np.asarray(got[1], dtype=complex),
                                   fd_jvp(f, primals, tangents), rtol=1e-6, atol=1e-8)
    assert_clean()
    return got


# ------------------------------------------------------------ exactness

@pytest.mark.parametrize("name,f,args", SCALAR, ids=[c[0] for c in SCALAR])
def test_scalar_programs(name, f, args, mode):
    for t in [(1.0, 0.0), (0.3, -0.7)]:
        check(f, args, t)


def test_generators_and_recursion(mode):
    check(series, (0.8,), (1.0,))
    check(lambda x: _power(x, 13), (1.1,), (0.5,))

    def gen_sum(x):
        def g():
            y = x
            for _ in range(50):
                y = math.sin(y) + x
                yield y
        return sum(g())
    check(gen_sum, (0.4,), (1.0,))


def test_numpy_writes_views_and_models(mode):
    rng = np.random.default_rng(0)
    W, x = rng.standard_normal((3, 3)), rng.standard_normal(3)
    check(rollout, (W, x), (rng.standard_normal((3, 3)), rng.standard_normal(3)))
    params = [(rng.standard_normal((4, 5)), rng.standard_normal(5)),
              (rng.standard_normal((5, 3)), rng.standard_normal(3))]
    xs = rng.standard_normal((7, 4))
    tangents = [(rng.standard_normal((4, 5)), rng.standard_normal(5)),
                (rng.standard_normal((5, 3)), rng.standard_normal(3))]
    check(lambda p: mlp(p, xs), (params,), (tangents,), fd=False)


def inplace_program(x):
    a = np.zeros(5)
    b = a[1:4]                  # a view of a
    for i in range(5):
        a[i] = x[i] * x[(i + 1) % 5]
        y = np.exp(b)           # reads the view after each write (residual: held)
        a += 0.1 * y.sum()      # an in-place write into the residual's memory
    c = a.copy()
    c[::2] *= np.sin(c[1::2].sum())
    return np.sum(a * c) + float(b[0])


def test_in_place_writes_and_views(mode):
    x = np.array([0.3, -0.2, 0.5, 0.9, -1.1])
    check(inplace_program, (x,), (np.array([1.0, 0.5, -0.3, 0.2, 0.7]),))


def test_rules_of_several_outputs(mode):
    rng = np.random.default_rng(1)
    A = rng.standard_normal((4, 4))
    S = A @ A.T + 4 * np.eye(4)
    T = rng.standard_normal((4, 4))
    T = T + T.T

    def f(S):
        w, V = np.linalg.eigh(S)
        sign, logdet = np.linalg.slogdet(S)
        q, r = np.linalg.qr(S)
        return np.sum(w ** 2) + np.sum(V[:, 0] ** 4) + sign * logdet + np.trace(np.abs(r))
    check(f, (S,), (T,))


def test_custom_vjp(mode):
    @bcad.custom_vjp
    def cube(x):
        return x ** 3
    cube.defvjp(lambda x: (x ** 3, x), lambda x, g: (3 * x * x * g,))

    def f(x):
        y = 0.0
        for k in range(20):
            y = y + cube(x * (1 + k / 10))
        return y
    check(f, (0.7,), (1.0,))


def test_transposed_rules(mode):
    # rules without an explicit JVP: the transpose of the VJP, by bcad's
    # reverse mode on a tape of its own while the streaming tape waits
    pytest.importorskip("scipy")
    import scipy.linalg as sl
    rng = np.random.default_rng(2)
    A = rng.standard_normal((3, 3)) + 3 * np.eye(3)
    TA = rng.standard_normal((3, 3))

    def f(A):
        y = 0.0
        for k in range(4):
            y = y + np.sum(sl.expm(A * (0.1 * k))) + np.linalg.det(A + k) + \
                np.sum(np.linalg.inv(A) * k)
        return y
    check(f, (A,), (TA,))


def test_complex_and_float32(mode):
    check(lambda z: z * z * np.exp(z) + abs(z) ** 2, (1.0 + 2j,), (1.0 + 0.5j,))
    a = np.linspace(0.1, 1.0, 5, dtype=np.float32)
    got = check(lambda a: np.sin(a) * a, (a,), (np.ones(5, np.float32),), fd=False)
    assert got[1].dtype == np.float32


def test_structure_aux_and_none_tangents(mode):
    f = lambda x, p: ({"a": x * p[0], "b": (p[1] ** 2, 3)}, "aux")      # noqa: E731
    got = check(f, (2.0, [1.5, -0.5]), (None, [1.0, None]), fd=False, has_aux=True)
    assert got[2] == "aux" and got[1]["b"][1] is None
    check(lambda x: 5.0, (1.0,), (1.0,))
    check(lambda x: x, (np.ones(3),), (np.arange(3.0),))


def test_nested_transforms_inside(mode):
    # a transform inside: its pass reads its segment after its level ends,
    # so the tape keeps everything from then on (still streamed, still exact)
    x = 1.1
    check(lambda x: bcad.grad(_power)(x, 5), (x,), (1.0,))
    assert streamed.LAST_STATS["kept"]
    check(lambda x: bcad.jvp(lambda y: y * math.sin(x * y), (x,), (1.0,))[1] * x, (x,), (1.0,))
    f = lambda x: np.sum(np.tanh(x) ** 2 * x[::-1]) + np.prod(x)     # noqa: E731
    x = np.array([0.3, -0.5, 0.8])
    got = bcad.hvp(f, (x,), (np.ones(3),))[0]
    want = recorded_jvp(bcad.grad(f, argnums=(0,)), (x,), (np.ones(3),))[1][0]
    same(got, want)
    np.testing.assert_allclose(got, bcad.hessian(f)(x) @ np.ones(3), rtol=1e-12)
    # and a streamed jvp's tape left alone by loops before the transform
    def g(x):
        y = x
        for _ in range(600):
            y = y * 0.999 + 0.001 * math.cos(y)
        return y * bcad.grad(lambda z: z * y * z)(x)
    check(g, (0.5,), (1.0,))
    # and an inner transform longer than a batch
    check(lambda x: bcad.grad(lambda z: z * scalar_loop(z, 400))(x), (0.5,), (1.0,))
    assert streamed.LAST_STATS["kept"]


# ------------------------------------------------------------ memory

def scalar_loop(x, n):
    y = x
    for _ in range(n):
        y = y * 0.9999 + math.sin(y) * 1e-4
    return y


def array_loop(x, n):
    acc = np.zeros_like(x)
    for i in range(n):
        x = x * 0.999 + 1e-3 * np.tanh(x)
        acc[i % len(x)] += x[i % len(x)]       # a write and a view per step
        v = acc[1:]
        x = x + 1e-4 * v.sum()
    return np.sum(x) + np.sum(acc)


@pytest.mark.skipif(streamed.BATCH < 64, reason="sized for the default batches")
@pytest.mark.parametrize("loop,x,t", [(scalar_loop, 0.3, 1.0),
                                      (array_loop, np.ones(4), np.linspace(1, 2, 4))],
                         ids=["scalar", "small array"])
def test_live_entries_stay_bounded(loop, x, t):
    peaks = []
    for n in (2000, 20000):
        out, tan = bcad.jvp(lambda x: loop(x, n), (x,), (t,))
        stats = streamed.LAST_STATS
        assert stats["recorded"] > 3 * n and not stats["kept"]
        peaks.append(stats["peak_live"])
    # ten times the equations, not more live variables: a batch, what lives,
    # and what waits for a sweep
    assert peaks[1] <= peaks[0]
    assert peaks[1] <= 2 * streamed.SWEEP_MIN + streamed.BATCH
    same((out, tan), recorded_jvp(lambda x: loop(x, 20000), (x,), (t,)))


def test_reference_counts_are_read_right(monkeypatch):
    assert streamed.COUNTS_OK and streamed.BASE > 0
    # a BASE one too high would forget values held elsewhere: the check says so
    monkeypatch.setattr(streamed, "BASE", streamed.BASE + 1)
    assert not streamed._check_counts() and streamed.BASE == -1


def test_memory_against_the_recorded_path():
    def peak(f):
        gc.collect()
        tracemalloc.start()
        try:
            f()
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    n = 5000
    s = peak(lambda: bcad.jvp(lambda x: scalar_loop(x, n), (0.3,), (1.0,)))
    r = peak(lambda: recorded_jvp(lambda x: scalar_loop(x, n), (0.3,), (1.0,)))
    assert s * 5 < r, (s, r)
    s = peak(lambda: bcad.jvp(lambda x: array_loop(x, n), (np.ones(4),), (np.ones(4),)))
    r = peak(lambda: recorded_jvp(lambda x: array_loop(x, n), (np.ones(4),), (np.ones(4),)))
    assert s * 3 < r, (s, r)


@pytest.mark.skipif(streamed.BATCH < 64, reason="sized for the default batches")
def test_the_tape_keeps_no_dead_values():
    """What a sweep finds: no value only the tape holds, no holder of a
    pushed equation, no view registration whose views died."""
    seen = []

    def grab(fun, primals, seeds, kind="jvp"):
        res, tape = record(fun, primals, seeds, kind)
        seen.append(tape)
        return res, tape
    record = streamed.record
    streamed.record = grab
    try:
        bcad.jvp(lambda x: array_loop(x, 1000) + scalar_loop(x[0], 1000), (np.ones(4),),
                 (np.ones(4),))
    finally:
        streamed.record = record
    tape, = seen
    assert tape.live() < 2 * streamed.SWEEP_MIN
    assert not tape.holders
    tape._sweep()
    assert tape.live() <= 8 and len(tape.ids) <= 8
    assert not tape.prim and not tape.params


# ------------------------------------------------------------ errors

def test_a_refusal_is_raised_even_if_the_function_catches_it(mode):
    def f(x):
        try:
            float.fromhex(x.hex())
        except NonDifferentiableError:
            pass
        return x * 2
    with pytest.raises(NonDifferentiableError, match="fromhex"):
        bcad.jvp(f, (1.0,), (1.0,))
    assert_clean()


def test_a_push_failure_is_raised_after_the_function_returns(mode):
    # a rule whose VJP bcad cannot differentiate (np.fft on the cotangent,
    # as in test_forward): no derived JVP.  The push fails while the
    # function runs: it is not raised into the function (which catches
    # everything), the streaming stalls, and the push is tried again when
    # the function has returned, where the recorded path raises it.
    pytest.importorskip("scipy")
    import scipy.special as sp
    from bcad.rules import RULES
    assert sp.dawsn not in RULES

    def vjp(g, ans, args, kwargs):
        g = np.real(np.fft.ifft(np.fft.fft(np.atleast_1d(g)))).reshape(np.shape(g))
        return (g * (1 - 2 * args[0] * ans),)
    bcad.defvjp_array(sp.dawsn, vjp)
    calls = []

    def f(x):
        try:
            y = sp.dawsn(x * 1.0)
            y = scalar_loop(float(y[0]), 300) + y    # (more batches after it)
        except Exception:
            y = x
        calls.append(1)
        return np.sum(y) * 2.0
    try:
        with pytest.raises(NonDifferentiableError, match="forward mode through .*dawsn"):
            bcad.jvp(f, (np.array([0.5, 0.7]),), (np.ones(2),))
    finally:
        del RULES[sp.dawsn]
    assert calls == [1]
    assert_clean()


def _deep(x, n):
    if n == 0:
        return np.linalg.det(x) * 1.0      # (a derived JVP: a grad of its own)
    return _deep(x, n - 1) * 1.0


def test_a_push_failing_deep_in_the_recursion_is_retried_at_the_end(monkeypatch):
    """Pushed at once (batch 1), the derived JVP at the bottom of a deep
    recursion may meet the recursion limit where the recorded path's push,
    after the function returned, does not: the streaming stalls and the
    push runs again at the end."""
    monkeypatch.setattr(streamed, "BATCH", 1)
    A, T = np.eye(2) * 2, np.array([[1.0, 0.5], [0.2, 1.0]])
    stalled = []
    for n in range(sys.getrecursionlimit() - 150, sys.getrecursionlimit() + 1, 2):
        # (the two paths' own frames differ: at the very limit one of them
        # may stop a call earlier than the other)
        try:
            got = bcad.jvp(lambda x: _deep(x, n), (A,), (T,))
            kept = streamed.LAST_STATS["kept"]
            want = recorded_jvp(lambda x: _deep(x, n), (A,), (T,))
        except RecursionError:
            continue
        same(got, want)
        stalled.append(kept)
        assert_clean()
    assert stalled[0] is False and True in stalled, stalled


@pytest.mark.parametrize("case", FAILING)
def test_an_exception_leaves_no_level(case, mode):
    f, exc = FAILING[case]

    def long(x):
        y = scalar_loop(x, 300)             # (a few batches pushed first)
        return f(y * 0.0 + x)
    with pytest.raises(exc):
        bcad.jvp(long, (2.0,), (1.0,))
    assert_clean()
    assert sys.getprofile() is None


def test_floating_point_modes_inside_the_function_are_not_the_pushs(mode):
    """np.errstate(all="raise") inside the function: the function's own
    arithmetic raises as natively, the pushes (after it, on the recorded
    path) neither raise nor stall the streaming.  (sqrt's tangent at 0 is
    infinite.)"""
    import warnings

    def f(x):
        with np.errstate(all="raise"):
            y = np.sqrt(x * x * 0.0) + x
            for _ in range(5):
                y = y * 1.5
            try:
                np.float64(1.0) / np.zeros(1)
            except FloatingPointError:
                y = y + 1.0
        return np.sum(y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        got = bcad.jvp(f, (np.array([1.0, 2.0]),), (np.ones(2),))
        assert not streamed.LAST_STATS["kept"]
        same(got, recorded_jvp(f, (np.array([1.0, 2.0]),), (np.ones(2),)))
    assert got[0] == f(np.array([1.0, 2.0]))


def test_an_interrupt_in_a_push_leaves_no_level(monkeypatch):
    """Not an Exception (KeyboardInterrupt-like), raised by a JVP while
    the function runs: it propagates, the levels and the context the push
    emptied are restored."""
    from bcad.rules import RULES
    from tests.gradients.test_context import Interrupt
    monkeypatch.setattr(streamed, "BATCH", 1)

    def jvp(ts, ans, x):
        raise Interrupt
    monkeypatch.setattr(RULES[math.sin], "jvp", jvp)
    seen = []

    def f(x):
        try:
            y = math.sin(x) * 2.0       # (sin is pushed when `* 2.0` records)
        finally:
            seen.append(context.kinds())
        return y
    with pytest.raises(Interrupt):
        bcad.jvp(f, (0.5,), (1.0,))
    assert seen == [["jvp"]]
    assert_clean()
    assert sys.getprofile() is None


def native(v):
    return v * 2.0


@pytest.mark.skipif(not hasattr(threading, "setprofile_all_threads"),
                    reason="3.12+: the hook reaches threads already running")
def test_other_threads_are_still_refused_after_a_derived_jvp(monkeypatch):
    """A derived JVP runs a top-level grad while the streaming tape waits
    (pushed at once here: batch 1): the hook that refuses other threads'
    native code on differentiable values is back afterwards (leaving a
    recording removes it from the running threads)."""
    pytest.importorskip("scipy")
    import scipy.linalg as sl
    monkeypatch.setattr(streamed, "BATCH", 1)
    go, done = threading.Event(), threading.Event()
    box = []

    def worker():
        go.wait(10)
        try:
            native(box[0])               # a Python function run natively on a value
        except NonDifferentiableError:
            box.append("refused")
        finally:
            done.set()

    def f(A):
        for _ in range(3):
            A = sl.expm(A * 0.5) * 0.5   # a derived JVP, pushed at the next equation
        y = A[0, 0] * 1.0
        box.append(y)
        go.set()
        done.wait(10)
        return y
    th = threading.Thread(target=worker)
    th.start()
    try:
        with pytest.raises(NonDifferentiableError, match="another thread"):
            bcad.jvp(f, (np.eye(2) * 0.1,), (np.ones((2, 2)),))
    finally:
        go.set()
        th.join(10)
    assert box[-1] == "refused"
    assert_clean()
