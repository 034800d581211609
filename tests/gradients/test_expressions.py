"""Expression equations (interpreter/handlers/blocks.py, transforms/
expressions.py): a line's run of + - * and negation on floats and numpy
float64s is recorded as one equation.  Each program is differentiated
with them and with a tape that records every operation (`fuses` off): the
same values, gradients to rounding, fewer equations; and against finite
differences.  Where an expression cannot be one equation (other operand
types, numpy's error handler, nested transforms, forward mode, dumps) the
operations run one at a time, with CPython's order of effects."""
import importlib.util
import io
import contextlib
import random

import numpy as np
import pytest

import bcad
from bcad.interpreter import handlers as H
from bcad.tape.tape import Tape, EXPRESSION
from bcad.transforms import reverse
from bcad.transforms.expressions import expanded
from tests.support import fd_grad

pytestmark = pytest.mark.skipif(not H.BLOCKS or not H.FUSE, reason="blocks disabled")


def record(f, args, argnums, fuses):
    tape = Tape()
    tape.fuses = fuses
    res = reverse.run_forward(f, args, {}, argnums, tape=tape, kind="grad")
    grads = reverse.gradients(res, [res.out], [1.0])
    return res, grads


def n_expressions(res):
    return sum(1 for b in res.tape.b if b == EXPRESSION)


def both(f, *args, argnums=None):
    """Values, gradients and tapes with expression equations and without."""
    argnums = tuple(range(len(args))) if argnums is None else argnums
    fused, g1 = record(f, args, argnums, True)
    plain, g2 = record(f, args, argnums, False)
    assert n_expressions(plain) == 0
    assert type(fused.out) is type(plain.out) and fused.out == plain.out
    for a, b in zip(g1, g2):
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-15)
    return fused, plain, g1


def lotka_volterra(p, y):
    alpha, beta, delta, gamma = p
    u, v = y
    return np.array([alpha * u - beta * u * v, -delta * v + gamma * u * v])


def euler(p):
    y = np.array([1.0, 2.0])
    for _ in range(5):
        y = y + 0.1 * lotka_volterra(p, y)
    return np.sum(y * y)


def test_right_hand_side_is_two_equations_per_call():
    p = np.array([1.1, 0.4, 0.3, 0.7])
    fused, plain, g = both(euler, p)
    # each call: 6 products, a difference, a negation and a sum in 2 expressions
    assert n_expressions(fused) == 10
    assert len(plain.tape) - len(fused.tape) == 5 * (9 - 2)
    np.testing.assert_allclose(g[0], fd_grad(euler, p), rtol=1e-7)
    np.testing.assert_allclose(bcad.grad(euler)(p), g[0], rtol=0, atol=0)


def scalars(x, y, z):
    n = 3
    a = x * y - 2.0 * x + y * y * x        # (a local loaded twice: one leaf)
    b = -a * z + n * x                      # (an int leaf: a Python int times a float)
    c = a * b; c -= z * x; c *= -y          # noqa: E702 - in-place forms
    return c + (x - y) * (y - z) * (z - x)


def test_floats_and_in_place_forms():
    args = (1.3, -0.7, 2.1)
    fused, plain, g = both(scalars, *args)
    assert 0 < n_expressions(fused) and len(fused.tape) < len(plain.tape)
    np.testing.assert_allclose(g, fd_grad(lambda v: scalars(*v), np.array(args)), rtol=1e-7)


def float64_mix(p):
    a, b = p[0], p[1]           # numpy float64s
    x = float(p[2])             # a float
    return a * x - b * b * x + (a - x) * 3


def test_float64_and_float_leaves():
    p = np.array([0.5, 1.5, -2.0])
    fused, plain, g = both(float64_mix, p)
    assert n_expressions(fused) == 1
    assert type(fused.out) is np.float64
    np.testing.assert_allclose(g[0], fd_grad(float64_mix, p), rtol=1e-7)


# ------------------------------------------------------------- a sweep

LEAVES = ["x", "y", "z", "w", "2.0", "3", "-1.5"]


def _expr(rng, depth):
    if depth == 0 or rng.random() < 0.25:
        return rng.choice(LEAVES)
    r = rng.random()
    if r < 0.15:
        return f"-({_expr(rng, depth - 1)})"
    op = rng.choice(["+", "-", "*"])
    return f"({_expr(rng, depth - 1)} {op} {_expr(rng, depth - 1)})"


def _module(tmp_path, n):
    rng = random.Random(20261207)
    lines = []
    for k in range(n):
        e1, e2 = _expr(rng, 4), _expr(rng, 3)
        lines += [f"def f{k}(x, y, z, v):",
                  "    w = v[1]",
                  f"    t = {e1}; u = t * x - {e2}",
                  f"    return {_expr(rng, 2).replace('x', 't')} + u * y", ""]
    path = tmp_path / "generated_expressions.py"
    path.write_text("\n".join(lines))
    spec = importlib.util.spec_from_file_location("generated_expressions", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return [getattr(mod, f"f{k}") for k in range(n)]


def test_generated_expressions(tmp_path):
    """Random expressions of floats, a numpy float64 and constants: the
    same value as CPython, the same gradient as one equation per
    operation, and finite differences."""
    fns = _module(tmp_path, 60)
    args = (0.7, -1.2, 1.9, np.array([0.3, -0.45]))
    fused_somewhere = 0
    for f in fns:
        fused, plain, g = both(f, *args)
        assert fused.out == f(*args)
        fused_somewhere += n_expressions(fused) > 0

        def scalar(v):
            return f(v[0], v[1], v[2], v[3:])
        point = np.array([*args[:3], *args[3]])
        fd = fd_grad(scalar, point)
        got = np.array([*g[:3], *g[3]])
        np.testing.assert_allclose(got, fd, rtol=1e-5, atol=1e-6 * max(1.0, np.abs(fd).max()))
    assert fused_somewhere == len(fns)


# --------------------------------------------- where operations run alone

class Noisy:
    """Operands whose dunders print: the order of effects is visible."""
    def __init__(self, x):
        self.x = x

    def __mul__(self, k):
        print("mul")
        return Noisy(self.x * k)

    def __add__(self, k):
        print("add")
        return self.x + k


def noisy(x):
    o = Noisy(x)
    return o * x * 2.0 + 1.0


def unbound_mid_expression(x):
    o = Noisy(x)
    if x > 100:
        z = 1.0
    return o * x + z        # noqa: F821 - z unbound: raises after the product


def test_user_dunders_run_in_order():
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        g = bcad.grad(noisy)(1.5)
    assert out.getvalue() == "mul\nmul\nadd\n" and g == 2.0 * 1.5 * 2


def empty_cell_mid_expression(x):
    o = Noisy(x)

    def inner():
        return o * x * x + late    # noqa: F821 - late: assigned after the call
    r = inner()
    late = 1.0
    return r + late


@pytest.mark.parametrize("f, error, printed", [
    (unbound_mid_expression, UnboundLocalError, "mul\n"),
    (empty_cell_mid_expression, NameError, "mul\nmul\n")])
def test_a_load_that_raises_runs_the_pending_operations_first(f, error, printed):
    native = io.StringIO()
    with contextlib.redirect_stdout(native), pytest.raises(error) as e1:
        f(1.5)
    got = io.StringIO()
    with contextlib.redirect_stdout(got), pytest.raises(error) as e2:
        bcad.grad(f)(1.5)
    assert got.getvalue() == native.getvalue() == printed
    assert str(e1.value) == str(e2.value)


def complex_and_int(x):
    z = complex(x, 1.0)
    n = 4
    return (z * z - z * 2.0).real + n * n * x


def test_complex_operands_run_alone_int_ones_are_constants():
    fused, plain, g = both(complex_and_int, 0.8)
    leaves = [fused.tape.params[k] for k in range(len(fused.tape))
              if fused.tape.b[k] == EXPRESSION]
    assert [[type(x) for x in ls] for ls in leaves] == [[float, int, float]]  # (...).real + n * n * x
    np.testing.assert_allclose(g[0], fd_grad(lambda v: complex_and_int(v[0]), np.array([0.8]))[0],
                               rtol=1e-7)


def arrays(a, x):
    return a * x - a * a * 2.0 + x


def test_array_operands_run_alone():
    a = np.array([0.5, -1.0, 2.0])
    fused, plain, g = both(lambda a, x: np.sum(arrays(a, x)), a, 1.25)
    assert n_expressions(fused) == 0


def test_numpy_error_handler_runs_each_operation():
    calls = []

    def f(p):
        return p[0] * 1e300 * 1e300 + p[1] * p[1]
    with np.errstate(over="call", call=lambda *a: calls.append(a)):
        with pytest.raises(bcad.NonDifferentiableError, match=r"numpy's \* operator"):
            bcad.grad(f)(np.array([1.0, 2.0]))


def test_overflow_warns_as_natively():
    def f(p):
        return p[0] * 1e300 * 1e300 - p[1]
    p = np.array([1.0, 2.0])
    with pytest.warns(RuntimeWarning, match="overflow") as native:
        f(p)
    with pytest.warns(RuntimeWarning, match="overflow") as got:
        fused, plain, g = both(f, p)
    assert n_expressions(fused) == 1
    assert len(got) == 2 * len(native)      # (both recordings)


# ------------------------------------------------- other transforms

def cubic(x, y):
    return x * x * y - y * y * y + 2.0 * x * y


def test_hessian_and_nested_gradients():
    h = bcad.hessian(cubic, argnums=(0, 1))(0.7, -0.4)
    x, y = 0.7, -0.4
    exact = [[2 * y, 2 * x + 2.0], [2 * x + 2.0, -6 * y]]
    np.testing.assert_allclose(np.array(h, dtype=float), exact, rtol=1e-12)
    gg = bcad.grad(lambda x: bcad.grad(cubic)(x, -0.4) * x)(0.7)
    np.testing.assert_allclose(gg, 4 * x * y + 2 * y, rtol=1e-12)    # d/dx of (2xy + 2y) x


def test_forward_mode():
    out, t = bcad.jvp(cubic, (0.7, -0.4), (1.0, 0.5))
    x, y = 0.7, -0.4
    assert out == cubic(x, y)
    np.testing.assert_allclose(t, (2 * x * y + 2 * y) + 0.5 * (x * x - 3 * y * y + 2 * x), rtol=1e-12)
    jac = bcad.jacobian(lambda p: np.array([cubic(p[0], p[1]), p[0] * p[1] - p[0]]))(
        np.array([0.7, -0.4]))
    np.testing.assert_allclose(jac, [[2 * x * y + 2 * y, x * x - 3 * y * y + 2 * x],
                                     [y - 1.0, x]], rtol=1e-12)


def test_dumps_show_each_operation(tmp_path, monkeypatch):
    p = np.array([1.1, 0.4, 0.3, 0.7])
    fused, plain, _ = both(euler, p)
    assert n_expressions(fused) > 0
    flat = expanded(fused)
    assert len(flat.tape) == len(plain.tape)
    assert [q.name for q in flat.tape.prim] == [q.name for q in plain.tape.prim]
    assert [flat.tape.a[v] for v in range(len(flat.tape))] == \
        [plain.tape.a[v] for v in range(len(plain.tape))]
    monkeypatch.setenv("BCAD_TRACE_DIR", str(tmp_path))
    bcad.grad(euler)(p)
    assert bcad.last_tape_stats()["n_ops"] == len(plain.tape) - 1
    tr = bcad.trace(euler)(p)
    assert not any(b == EXPRESSION for b in tr.tape.b)
    np.testing.assert_allclose(tr.grad, bcad.grad(euler)(p), rtol=1e-13)


def test_expression_primitive_source():
    from bcad.transforms.expressions import expression_primitive, vjp_source
    ops = (("*", (("leaf", 0), ("leaf", 1))), ("*", (("leaf", 2), ("leaf", 1))),
           ("*", (("node", 1), ("leaf", 3))), ("-", (("node", 0), ("node", 2))))
    p = expression_primitive(ops, 4)
    assert p.name == "expression (x0 * x1) - ((x2 * x1) * x3)"
    assert expression_primitive(ops, 4) is p
    # d/dx of x0*x1 - x2*x1*x3 at (2, 3, 5, 7)
    assert p.vjps[0](1.0, 2.0, 3.0, 5.0, 7.0) == (3.0, 2.0 - 35.0, -21.0, -15.0)
    assert "n1 = x2 * x1" in vjp_source(ops, 4)
