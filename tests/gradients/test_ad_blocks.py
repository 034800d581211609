"""Line blocks in differentiation mode (interpreter/handlers/blocks.py with
`ad`): a straight-line run must record exactly what differentiation mode's
handlers record one instruction at a time (transforms/ad_handlers.py):
the same values, gradients, equations and sites, errors and refusals with
the same messages and lines.  Each program runs with blocks and without
(the handlers alone), and against finite differences."""
import os

import numpy as np
import pytest

import bcad
from bcad.decode import decode
from bcad.decode.decoder import CODES
from bcad.interpreter import handlers as H
from bcad.interpreter.frame import ad_handlers_of
from bcad.transforms import reverse
from bcad.tape.tape import Tape
from tests.support import fd_grad

P = np.array([1.5, -0.7, 3.0, 0.4])


def _set_blocks(on):
    H.BLOCKS = on
    for code in CODES.values():
        code.handlers = code.ad_handlers = None


@pytest.fixture
def without_blocks():
    saved = H.BLOCKS
    _set_blocks(False)
    try:
        yield
    finally:
        _set_blocks(saved)


def both_ways(run):
    """run() with differentiation-mode blocks, then without: both results."""
    if not H.BLOCKS or not H.FUSE:
        pytest.skip("blocks disabled")
    with_blocks = run()
    saved = H.BLOCKS
    _set_blocks(False)
    try:
        alone = run()
    finally:
        _set_blocks(saved)
    return with_blocks, alone


class Vec:
    """A user class: its dunders run interpreted (the operator's slow path)."""
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __mul__(self, k):
        return Vec(self.x * k, self.y * k)

    def __neg__(self):
        return Vec(-self.x, -self.y)

    def norm2(self):
        return self.x * self.x + self.y * self.y


class Slots:
    __slots__ = ("a", "b")


def rhs(p):
    alpha, beta, delta, gamma = p
    u, v = p[1] + 2.0, p[3] * 3.0
    for _ in range(4):
        du = alpha * u - beta * u * v
        dv = -delta * v + gamma * u * v
        u, v = u + 0.01 * du, v + 0.01 * dv
    return u * v


def user_class(p):
    w = -(Vec(p[0], p[1]) * p[2])
    return w.norm2() + +p[3]


def attributes(p):
    s = Slots()
    s.a = p[0] * p[1]; s.b = -s.a * p[2]           # noqa: E702 - one line on purpose
    z = complex(p[0], p[3]); r = z.real * z.imag - s.b   # noqa: E702
    return r + s.a


def inplace(p):
    a, b, c, d = p
    acc = a
    acc += b * c; acc -= d; acc *= a              # noqa: E702
    n = 3
    n += 1; n *= 2                                 # noqa: E702 - ints natively
    return acc * n


def numpy_mix(p):
    y = p * 2.0
    y.shape = (2, 2); z = y.T * p[0] - y        # noqa: E702
    return np.sum(z * z) + float(p[1]) * p[2]


def subscripts(p):
    # (subscripts, slices and stores of arrays, lists and dicts mid-line:
    # blocks translate them, with the handlers' sites)
    K = np.zeros((3, 2)); d = {"k": p[1]}; lst = [p[0], p[2]]      # noqa: E702
    K[0] = p[:2] * 2.0; K[1] = K[0] * p[3]; w = K[:2].T @ p[2:]     # noqa: E702
    s = lst[0] * d["k"] + lst[-1] * K[1, 0]; lst[1] = s * 2.0; t = lst[1] + K[0][1]  # noqa
    return np.sum(w) + s + t + p[1:3].sum()


PROGRAMS = {f.__name__: f for f in (rhs, user_class, attributes, inplace, numpy_mix,
                                    subscripts)}


@pytest.mark.filterwarnings("ignore:Setting the shape:DeprecationWarning")   # (numpy >= 2.5)
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_same_gradient_and_equations(name):
    f = PROGRAMS[name]

    def run():
        # (one equation per operation: expression equations are compared
        # with their operations in tests/gradients/test_expressions.py)
        tape = Tape()
        tape.fuses = False
        res = reverse.run_forward(f, (P,), {}, (0,), tape=tape, kind="vjp")
        t = res.tape
        eqs = [(t.prim[v].name, t.a[v], t.b[v],
                None if t.site[v] is None else (t.site[v].index, t.site[v].lineno))
               for v in range(len(t.vals))]
        return eqs, reverse.gradients(res, [res.out], [1.0])[0], bcad.grad(f)(P)
    (eq1, g1, fused1), (eq2, g2, fused2) = both_ways(run)
    assert eq1 == eq2
    np.testing.assert_array_equal(g1, g2)
    np.testing.assert_array_equal(fused2, g2)     # (no blocks: nothing is fused)
    np.testing.assert_allclose(fused1, g1, rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(g1, fd_grad(f, P), rtol=1e-6, atol=1e-9)


def test_blocks_are_built_in_differentiation_mode():
    if not H.BLOCKS or not H.FUSE:
        pytest.skip("blocks disabled")
    hs = ad_handlers_of(decode(rhs.__code__))
    names = {os.path.basename(h.__code__.co_filename) for h in hs[1:]}
    assert any(n.startswith("<bcad block") for n in names)


class Fragile:
    """A dunder that raises mid-line: the error and its line must be the
    handlers' ones."""
    def __mul__(self, k):
        raise ValueError(f"no product with {type(k).__name__}")


def raises_mid_line(p):
    a = p[0] * 2.0
    b = a * 3.0; c = Fragile() * b; d = c + 1.0     # noqa: E702
    return d


def raises_in_arithmetic(p):
    a = p[0] * 2.0
    b = a + 1.0; c = a * "x"; d = b + c             # noqa: E702 - float * str
    return d


def raises_in_subscript(p):
    a = p[0] * 2.0
    b = [a, a]; c = b[0] * 3.0; d = b[5] + c                    # noqa: E702 - IndexError
    return d


@pytest.mark.parametrize("f", [raises_mid_line, raises_in_arithmetic, raises_in_subscript])
def test_same_error_and_line(f):
    def run():
        with pytest.raises(Exception) as info:
            bcad.grad(f)(P)
        tb, lines = info.value.__traceback__, []
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == __file__:
                lines.append(tb.tb_lineno)
            tb = tb.tb_next
        return type(info.value).__name__, str(info.value), lines, \
            "".join(getattr(info.value, "__notes__", []))
    a, b = both_ways(run)
    assert a == b
    native = pytest.raises(Exception, f, P)
    assert (a[0], a[1]) == (type(native.value).__name__, str(native.value))
    assert f"line {f.__code__.co_firstlineno + 2}" in a[3]


def refused_numpy_attr(p):
    y = p * 2.0
    z = y[0] * 1.0; w = y.data and z + 1.0      # noqa: E702 - .data refused mid-line
    return w


def refused_store(p):
    import array
    buf = array.array("d", [0.0])
    y = p[0] * 2.0; buf[0] = y; z = buf[0] * 1.0                 # noqa: E702 - a copy
    return z


def refused_text_slice(p):
    y = p[0] * 2.0
    s = str(y); t = s[:2] + "25"; z = float(t) * 1.0              # noqa: E702 - parsed
    return z


@pytest.mark.parametrize("f", [refused_numpy_attr, refused_store, refused_text_slice])
def test_same_refusal_and_site(f):
    def run():
        with pytest.raises(bcad.NonDifferentiableError) as info:
            bcad.grad(f)(P)
        return str(info.value)
    a, b = both_ways(run)
    assert a == b
    assert f":{f.__code__.co_firstlineno + 2}" in a or \
        f":{f.__code__.co_firstlineno + 3}" in a


def test_errstate_handler_path_same():
    # numpy's error state calls Python: a float64 product that overflows
    # calls the handler, natively, so the operator runs under the guard
    # (which refuses), not the inlined float64 path, in both modes
    calls = []

    def f(p):
        big = p[0] * 1e300
        return big * (p[2] * 1e300) + p[1]     # float64 overflow in `*`

    def run():
        calls.clear()
        with np.errstate(over="call", call=lambda *a: calls.append(a)):
            with pytest.raises(bcad.NonDifferentiableError) as info:
                bcad.grad(f)(P)
        return str(info.value), len(calls)
    a, b = both_ways(run)
    assert a == b
    assert "numpy's * operator" in a[0] and a[1] == 0
