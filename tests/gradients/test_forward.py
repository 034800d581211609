"""Forward mode and Jacobians: bcad.jvp, linearize, jacfwd, jacrev/jacobian.

Every rule's JVP is checked case by case beside its VJP (check_jvp in
test_numpy_rules.py and test_rules_support.py); here the transforms
themselves: programs with control flow, classes, generators and numpy
writes and views, against closed forms, finite differences and reverse
mode; the shapes and structures of Jacobians; and every error path.
"""
import math

import numpy as np
import pytest

import bcad
from bcad.errors import NonDifferentiableError
from tests.support import fd_grad


def fd_jvp(f, primals, tangents, eps=1e-6):
    def at(s):
        return np.asarray(f(*[p + s * t for p, t in zip(primals, tangents)]), dtype=complex)
    return (at(eps) - at(-eps)) / (2 * eps)


# ------------------------------------------------------------ scalar programs

class Oscillator:
    def __init__(self, k):
        self.k, self.x, self.v = k, 1.0, 0.0

    def step(self, dt):
        self.v -= self.k * math.sin(self.x) * dt
        self.x += self.v * dt


def simulate(k, dt):
    o = Oscillator(k)
    for _ in range(30):
        o.step(dt)
    return o.x * o.v


def series(x):
    def terms():
        t, n = 1.0, 1
        while abs(t) > 1e-14:
            yield t
            t *= x / n
            n += 1
    return sum(terms())          # exp(x), by a generator and a data-dependent loop


def piecewise(x, y):
    if x > y:
        return x * y ** 2
    return math.hypot(x, y) + max(x, 2 * y)


SCALAR = [
    ("closed form", lambda x, y: math.sin(x) * y + x ** 2, (0.5, 2.0)),
    ("class and loop", simulate, (0.7, 0.05)),
    ("piecewise, taken", piecewise, (2.0, 1.5)),
    ("piecewise, not taken", piecewise, (1.0, 1.5)),
    ("closure", lambda x, y: (lambda z: z * x)(y) / (1.0 + x), (1.3, -0.4)),
]


@pytest.mark.parametrize("name,f,args", SCALAR, ids=[c[0] for c in SCALAR])
def test_scalar_programs_against_reverse_and_fd(name, f, args):
    g = bcad.grad(f, argnums=(0, 1))(*args)
    for t in [(1.0, 0.0), (0.0, 1.0), (0.3, -0.7)]:
        out, t_out = bcad.jvp(f, args, t)
        assert out == f(*args)
        assert type(t_out) is float
        assert t_out == pytest.approx(g[0] * t[0] + g[1] * t[1], rel=1e-12, abs=1e-14)
        assert t_out == pytest.approx(fd_jvp(f, args, t).real, rel=1e-6, abs=1e-8)


def test_generator_series_is_exp():
    out, t = bcad.jvp(series, (0.8,), (1.0,))
    assert t == pytest.approx(math.exp(0.8), rel=1e-13)


def test_complex_holomorphic():
    z = 1.0 + 2j
    out, t = bcad.jvp(lambda z: z * z * np.exp(z), (z,), (1.0 + 0.5j,))
    assert t == pytest.approx((2 * z + z * z) * np.exp(z) * (1.0 + 0.5j), rel=1e-13)


def test_complex_to_real():
    # |z|^2 of a complex z: the tangent is the real directional derivative.
    z = 0.6 - 1.1j
    out, t = bcad.jvp(lambda z: abs(z) ** 2, (z,), (0.3 + 0.4j,))
    assert type(t) is float
    assert t == pytest.approx(2 * (z.real * 0.3 + z.imag * 0.4), rel=1e-13)


def test_zero_and_none_tangents():
    f = lambda x, y: x * y            # noqa: E731
    assert bcad.jvp(f, (2.0, 3.0), (None, 1.0))[1] == 2.0
    assert bcad.jvp(f, (2.0, 3.0), (0.0, 0.0))[1] == 0.0
    # an output that does not depend on the inputs: a zero of its type
    out, t = bcad.jvp(lambda x: 5.0, (1.0,), (1.0,))
    assert (out, t) == (5.0, 0.0)
    out, t = bcad.jvp(lambda x: (x, 3), (1.0,), (2.0,))
    assert out == (1.0, 3) and t == (2.0, None)


# ------------------------------------------------------------------- numpy

def rollout(W, x):
    xs = np.zeros((6, 3))
    for i in range(6):
        x = x + 0.1 * np.tanh(W @ x)
        xs[i] = x                       # written in place
    v = xs[2:4]                         # a view, read after more writes
    xs[3, 1] = x[0] ** 2
    return np.linalg.norm(xs) + v.sum()


def mlp(params, x):
    (W1, b1), (W2, b2) = params
    h = np.tanh(x @ W1 + b1)
    logits = h @ W2 + b2
    m = logits.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(logits - m).sum(axis=1))
    return np.mean(lse - logits[:, 0])


def test_numpy_writes_and_views():
    rng = np.random.default_rng(0)
    W, x = rng.standard_normal((3, 3)), rng.standard_normal(3)
    tW, tx = rng.standard_normal((3, 3)), rng.standard_normal(3)
    out, t = bcad.jvp(rollout, (W, x), (tW, tx))
    assert out == rollout(W, x)
    gW, gx = bcad.grad(rollout, argnums=(0, 1))(W, x)
    assert t == pytest.approx(np.sum(gW * tW) + np.sum(gx * tx), rel=1e-11)
    assert t == pytest.approx(fd_jvp(rollout, (W, x), (tW, tx)).real, rel=1e-6)


def test_pytree_of_arrays():
    rng = np.random.default_rng(1)
    params = [(rng.standard_normal((4, 5)), rng.standard_normal(5)),
              (rng.standard_normal((5, 3)), rng.standard_normal(3))]
    x = rng.standard_normal((7, 4))
    tangents = [(rng.standard_normal((4, 5)), rng.standard_normal(5)),
                (rng.standard_normal((5, 3)), rng.standard_normal(3))]
    out, t = bcad.jvp(lambda p: mlp(p, x), (params,), (tangents,))
    g = bcad.grad(mlp)(params, x)
    want = sum(np.sum(gl * tl) for gp, tp in zip(g, tangents) for gl, tl in zip(gp, tp))
    assert t == pytest.approx(want, rel=1e-11)


def test_float32_tangent_is_float32():
    a = np.linspace(0.1, 1.0, 5, dtype=np.float32)
    out, t = bcad.jvp(lambda a: np.sin(a) * a, (a,), (np.ones(5, np.float32),))
    assert t.dtype == np.float32 and t.shape == (5,)
    np.testing.assert_allclose(t, np.cos(a) * a + np.sin(a), rtol=1e-6)


def test_array_output_and_list_input():
    def f(x, y):
        return np.array([x * y, np.sin(x), y ** 3])
    out, t = bcad.jvp(f, (0.4, 1.2), (1.0, 2.0))
    np.testing.assert_allclose(t, [1.2 + 0.4 * 2.0, math.cos(0.4), 3 * 1.2 ** 2 * 2.0], rtol=1e-13)


def test_linearize_is_linear_and_reuses_the_recording():
    rng = np.random.default_rng(2)
    W, x = rng.standard_normal((3, 3)), rng.standard_normal(3)
    out, f_jvp = bcad.linearize(rollout, W, x)
    assert out == rollout(W, x)
    a = (rng.standard_normal((3, 3)), rng.standard_normal(3))
    b = (rng.standard_normal((3, 3)), rng.standard_normal(3))
    ta, tb = f_jvp(*a), f_jvp(*b)
    tab = f_jvp(a[0] + 2 * b[0], a[1] + 2 * b[1])
    assert tab == pytest.approx(ta + 2 * tb, rel=1e-12)
    assert ta == bcad.jvp(rollout, (W, x), a)[1]


# --------------------------------------------------------------- Jacobians

def field(x):
    return np.array([x[0] * x[1], np.exp(x[2]) - x[0], np.sum(x ** 2)]) * np.cos(x[1])


@pytest.mark.parametrize("jac", [bcad.jacfwd, bcad.jacrev, bcad.jacobian])
def test_jacobian_of_vector_field(jac):
    x = np.array([0.3, -1.2, 0.8])
    J = jac(field)(x)
    assert J.shape == (3, 3) and J.dtype == np.float64
    fd = np.stack([fd_jvp(field, (x,), (e,)).real for e in np.eye(3)], axis=1)
    np.testing.assert_allclose(J, fd, rtol=1e-6, atol=1e-8)


def test_jacfwd_equals_jacrev_on_a_model():
    rng = np.random.default_rng(3)
    W = rng.standard_normal((2, 3))

    def f(W, x):
        h = np.tanh(W @ x)
        return np.outer(h, x)[:, 1:]

    x = rng.standard_normal(3)
    Jf, Jr = bcad.jacfwd(f)(W, x), bcad.jacrev(f)(W, x)
    assert Jf.shape == Jr.shape == (2, 2, 2, 3)
    np.testing.assert_allclose(Jf, Jr, rtol=1e-12, atol=1e-14)
    # one block against finite differences
    np.testing.assert_allclose(Jf[1, 0], fd_grad(lambda W: f(W, x)[1, 0], W), rtol=1e-6)


@pytest.mark.parametrize("jac", [bcad.jacfwd, bcad.jacrev])
def test_jacobian_shapes_and_structure(jac):
    def f(p, s):
        return {"a": p["w"] * s, "b": (np.sum(p["w"]) * p["c"], s ** 2)}
    p = {"w": np.array([1.0, 2.0]), "c": 3.0}
    J = jac(f, argnums=(0, 1))(p, 0.5)
    # output structure holding, per output leaf, a tuple over argnums of the
    # argument's structure: blocks out.shape + in.shape
    assert set(J) == {"a", "b"}
    Ja_p, Ja_s = J["a"]
    assert Ja_p["w"].shape == (2, 2) and np.shape(Ja_p["c"]) == (2,) and Ja_s.shape == (2,)
    np.testing.assert_allclose(Ja_p["w"], 0.5 * np.eye(2))
    np.testing.assert_allclose(Ja_s, [1.0, 2.0])
    (Jb0_p, Jb0_s), (Jb1_p, Jb1_s) = J["b"]
    np.testing.assert_allclose(Jb0_p["w"], [3.0, 3.0])
    assert float(Jb0_p["c"]) == 3.0 and float(Jb0_s) == 0.0
    assert isinstance(Jb1_s, float) and Jb1_s == 1.0          # float to float: a float
    single = jac(f)(p, 0.5)
    np.testing.assert_allclose(single["a"]["w"], 0.5 * np.eye(2))


@pytest.mark.parametrize("jac", [bcad.jacfwd, bcad.jacrev])
def test_jacobian_has_aux(jac):
    J, aux = jac(lambda x: (x ** 2, "aux"), has_aux=True)(np.array([1.0, 3.0]))
    assert aux == "aux"
    np.testing.assert_allclose(J, np.diag([2.0, 6.0]))


def test_jvp_has_aux():
    out, t, aux = bcad.jvp(lambda x: (x * x, {"n": 1}), (3.0,), (1.0,), has_aux=True)
    assert (out, t, aux) == (9.0, 6.0, {"n": 1})


# ------------------------------------------------------- check_grads modes

def test_check_grads_forward_mode():
    assert bcad.testing.check_grads(rollout, (np.eye(3), np.ones(3)), order=1,
                                    modes=("fwd", "rev"))
    with pytest.raises(ValueError, match="modes"):
        bcad.testing.check_grads(rollout, (np.eye(3), np.ones(3)), modes=("sideways",))


def test_check_grads_forward_mode_catches_a_wrong_jvp():
    from bcad.rules import RULES
    p = RULES[math.sin]
    saved = p.jvp
    p.jvp = lambda ts, ans, x: ts[0] * 2.0        # wrong on purpose
    try:
        bcad.testing.check_grads(math.sin, (0.3,), order=1, modes="rev")
        with pytest.raises(AssertionError, match="forward mode"):
            bcad.testing.check_grads(math.sin, (0.3,), order=1, modes="fwd")
    finally:
        p.jvp = saved


# ------------------------------------------------------------------ errors

def test_tangent_mismatches():
    with pytest.raises(ValueError, match="shape"):
        bcad.jvp(lambda a: a * 2, (np.ones(3),), (np.ones(2),))
    with pytest.raises(ValueError, match="leaves"):
        bcad.jvp(lambda p: p[0] * p[1], ([1.0, 2.0],), ([1.0],))
    with pytest.raises(TypeError, match="complex tangent"):
        bcad.jvp(lambda x: x * 2, (1.0,), (1j,))
    with pytest.raises(ValueError, match="2 primals but 1 tangents"):
        bcad.jvp(lambda x, y: x * y, (1.0, 2.0), (1.0,))


def test_jacobian_of_complex_is_refused():
    with pytest.raises(TypeError, match="complex"):
        bcad.jacfwd(lambda z: z * z)(1j)
    with pytest.raises(TypeError, match="complex"):
        bcad.jacrev(lambda x: x * 1j)(1.0)


def test_c_function_without_rule_is_refused_in_forward_mode():
    pytest.importorskip("scipy")
    import scipy.special as sp
    with pytest.raises(NonDifferentiableError, match="struve"):
        bcad.jvp(lambda x: sp.struve(1, x), (0.5,), (1.0,))


def test_rule_whose_vjp_cannot_be_transposed_is_refused():
    pytest.importorskip("scipy")
    import scipy.special as sp
    from bcad.rules import RULES
    assert sp.dawsn not in RULES

    def vjp(g, ans, args, kwargs):
        # d dawsn/dx = 1 - 2 x D(x), written through np.fft (no rule) on g
        g = np.real(np.fft.ifft(np.fft.fft(np.atleast_1d(g)))).reshape(np.shape(g))
        return (g * (1 - 2 * args[0] * ans),)
    bcad.defvjp_array(sp.dawsn, vjp)
    try:
        x = np.array([0.2, 0.7])
        g = bcad.grad(lambda x: np.sum(sp.dawsn(x)))(x)       # reverse mode is fine
        np.testing.assert_allclose(g, 1 - 2 * x * sp.dawsn(x), rtol=1e-12)
        with pytest.raises(NonDifferentiableError, match="forward mode through .*dawsn"):
            bcad.jvp(lambda x: sp.dawsn(x), (x,), (np.ones(2),))
    finally:
        del RULES[sp.dawsn]


# ------------------------------------------------------ nested transforms

def _cubic_sin(x):
    return math.sin(x) * x ** 3


def _d2_cubic_sin(x):
    return -math.sin(x) * x ** 3 + 6 * x ** 2 * math.cos(x) + 6 * x * math.sin(x)


def test_grad_of_grad_closed_form():
    for x in (0.7, -1.3, 2.0):
        assert bcad.grad(bcad.grad(_cubic_sin))(x) == pytest.approx(_d2_cubic_sin(x), rel=1e-13)
    assert bcad.grad(bcad.grad(bcad.grad(lambda x: x ** 4)))(2.0) == pytest.approx(48.0)


def test_second_derivative_through_loops_and_classes():
    d2 = bcad.grad(bcad.grad(simulate))(0.7, 0.05)
    h = 1e-4
    fd = (bcad.grad(simulate)(0.7 + h, 0.05) - bcad.grad(simulate)(0.7 - h, 0.05)) / (2 * h)
    assert d2 == pytest.approx(fd, rel=1e-6)
    assert bcad.jvp(bcad.grad(series), (0.8,), (1.0,))[1] == pytest.approx(math.exp(0.8))


def test_no_perturbation_confusion():
    x = 1.3
    # d/dx [x * d/dy (x y)] = d/dx x^2 = 2x (confusing the two would give x)
    assert bcad.grad(lambda x: x * bcad.grad(lambda y: x * y)(1.0))(x) == pytest.approx(2 * x)
    assert bcad.grad(lambda x: x * bcad.jvp(lambda y: x * y, (1.0,), (1.0,))[1])(x) == \
        pytest.approx(2 * x)
    assert bcad.jvp(lambda x: x * bcad.grad(lambda y: x * y)(1.0), (x,), (1.0,))[1] == \
        pytest.approx(2 * x)
    # an inner function of the outer variable only through a closure
    f = lambda x: bcad.grad(lambda y: math.sin(x) * y ** 2)(x)     # noqa: E731  2y sin(x) at y=x
    assert bcad.grad(f)(x) == pytest.approx(2 * math.sin(x) + 2 * x * math.cos(x))


def test_grad_of_a_function_calling_vjp():
    def f(x):
        out, back = bcad.vjp(lambda a: np.sin(a) * a, x)
        return np.sum(back(np.ones_like(out))[0] ** 2)
    x = np.array([0.2, -0.9, 1.4])
    np.testing.assert_allclose(bcad.grad(f)(x), fd_grad(f, x), rtol=1e-6)


def test_hessian_of_numpy_code_every_composition():
    rng = np.random.default_rng(4)
    W, x = rng.standard_normal((3, 3)), rng.standard_normal(3)
    f = lambda x: rollout(W, x)               # noqa: E731  (writes and views)
    H = bcad.hessian(f)(x)
    assert H.shape == (3, 3)
    fd = np.stack([(bcad.grad(f)(x + 1e-5 * e) - bcad.grad(f)(x - 1e-5 * e)) / 2e-5
                   for e in np.eye(3)], axis=1)
    np.testing.assert_allclose(H, fd, rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(H, H.T, rtol=1e-10, atol=1e-12)
    for jac_out, jac_in in [(bcad.jacrev, bcad.jacrev), (bcad.jacrev, bcad.jacfwd),
                            (bcad.jacfwd, bcad.jacfwd)]:
        np.testing.assert_allclose(jac_out(jac_in(f))(x), H, rtol=1e-10, atol=1e-12)
    v = rng.standard_normal(3)
    np.testing.assert_allclose(bcad.hvp(f, (x,), (v,))[0], H @ v, rtol=1e-10, atol=1e-12)


def test_hessian_of_mlp_parameters_block():
    rng = np.random.default_rng(5)
    W1, b1 = rng.standard_normal((3, 4)), rng.standard_normal(4)
    W2, b2 = rng.standard_normal((4, 2)), rng.standard_normal(2)
    x = rng.standard_normal((5, 3))
    f = lambda b1: mlp([(W1, b1), (W2, b2)], x)      # noqa: E731
    H = bcad.hessian(f)(b1)
    fd = np.stack([(bcad.grad(f)(b1 + 1e-5 * e) - bcad.grad(f)(b1 - 1e-5 * e)) / 2e-5
                   for e in np.eye(4)], axis=1)
    np.testing.assert_allclose(H, fd, rtol=1e-5, atol=1e-8)


def test_hessian_structure_with_argnums():
    def f(x, y):
        return x * y ** 2 + math.exp(x * y)
    (hxx, hxy), (hyx, hyy) = bcad.hessian(f, argnums=(0, 1))(0.5, 1.5)
    e = math.exp(0.75)
    assert (hxx, hxy, hyx, hyy) == pytest.approx((2.25 * e, 3 + 1.75 * e, 3 + 1.75 * e,
                                                   1 + 0.25 * e))
    assert all(type(h) is float for h in (hxx, hxy, hyx, hyy))
    p = {"w": np.array([0.5, -1.0]), "s": 2.0}
    H = bcad.hessian(lambda p: np.sum(p["w"] ** 3) * p["s"])(p)
    np.testing.assert_allclose(H["w"]["w"], np.diag(6 * p["w"] * 2.0))
    np.testing.assert_allclose(H["w"]["s"], 3 * p["w"] ** 2)
    assert float(H["s"]["s"]) == 0.0


def test_custom_vjp_inside_nested_transform():
    # inside another transform, the forward is recorded (the residuals carry
    # their dependence on the inputs) and the backward interpreted
    @bcad.custom_vjp
    def cube(x):
        return x ** 3
    cube.defvjp(lambda x: (x ** 3, x), lambda x, g: (3 * x * x * g,))
    assert bcad.grad(cube)(2.0) == 12.0
    for second in (bcad.grad(bcad.grad(cube)), bcad.hessian(cube),
                   bcad.jacfwd(bcad.jacrev(cube)), bcad.jacrev(bcad.jacfwd(cube)),
                   lambda x: bcad.hvp(cube, (x,), (1.0,))[0],
                   bcad.grad(lambda x: bcad.jvp(cube, (x,), (1.0,))[1])):
        assert second(2.0) == pytest.approx(12.0, rel=1e-12)

    @bcad.custom_vjp
    def sin(x):
        return math.sin(x)
    sin.defvjp(lambda x: (math.sin(x), math.cos(x)), lambda c, g: (c * g,))
    assert bcad.grad(bcad.grad(lambda x: sin(x) * x))(0.4) == \
        pytest.approx(2 * math.cos(0.4) - 0.4 * math.sin(0.4), rel=1e-12)
    assert bcad.grad(lambda y: y * bcad.grad(lambda x: sin(x * y))(0.4))(1.5) == \
        pytest.approx(3.0 * math.cos(0.6) - 0.9 * math.sin(0.6), rel=1e-12)   # y^2 cos(0.4 y)


def test_custom_vjp_implicit_function_second_derivative():
    # docs/rules.md's Newton solver: its forward calls itself (recorded as
    # plain code); d2x/da2 = -6x (dx/da)^3 for x**3 + x = a
    @bcad.custom_vjp
    def cubic_root(a):
        x = a / 2.0
        for _ in range(100):
            step = (x ** 3 + x - a) / (3.0 * x * x + 1.0)
            x -= step
            if abs(step) < 1e-15 * (1.0 + abs(x)):
                break
        return x
    cubic_root.defvjp(lambda a: (cubic_root(a), cubic_root(a)),
                      lambda x, g: (g / (3.0 * x * x + 1.0),))
    a = 2.0
    x = cubic_root(a)
    dx = 1 / (3 * x * x + 1)
    assert bcad.grad(cubic_root)(a) == pytest.approx(dx, rel=1e-12)
    assert bcad.grad(bcad.grad(cubic_root))(a) == pytest.approx(-6 * x * dx ** 3, rel=1e-9)


def test_custom_vjp_inside_nested_transform_needs_a_differentiable_forward():
    # (its forward is recorded there: a C function without a rule is refused)
    @bcad.custom_vjp
    def f(x):
        return x * 2.0
    f.defvjp(lambda x: (x * 2.0, float.fromhex(x.hex())), lambda r, g: (2.0 * g * r / r,))
    assert bcad.grad(f)(1.5) == 2.0
    with pytest.raises(NonDifferentiableError):
        bcad.grad(bcad.grad(f))(1.5)


def test_check_grads_second_order_by_forward_over_reverse():
    x = np.array([0.3, 0.7])
    assert bcad.testing.check_grads(lambda x, y: np.sin(x) * y ** 3, (x, 1.3), order=2,
                                    modes=("fwd", "rev"))
    # A rule whose VJP is right but not differentiable as written (the
    # derivative's own dependence on x cut): its first derivatives and the
    # finite differences of its gradients are right, its second derivative
    # by AD is not, and check_grads(order=2, modes="fwd") says so.
    from bcad.rules import RULES
    p = RULES[math.sin]
    saved = p.vjps
    p.vjps = (lambda g, ans, x: g * bcad.stop_gradient(math.cos(x)),)
    try:
        assert bcad.testing.check_grads(math.sin, (0.4,), order=2, modes="rev")
        with pytest.raises(AssertionError, match="forward over reverse"):
            bcad.testing.check_grads(math.sin, (0.4,), order=2, modes="fwd")
    finally:
        p.vjps = saved


def _power(x, n):
    """x**n by recursion (squaring)."""
    if n == 0:
        return 1.0
    half = _power(x, n // 2)
    return half * half * (x if n % 2 else 1.0)


def test_nested_through_recursion_and_generators():
    x = 1.1
    assert bcad.grad(bcad.grad(_power))(x, 7) == pytest.approx(42 * x ** 5, rel=1e-13)
    assert bcad.jvp(lambda x: bcad.grad(_power)(x, 5), (x,), (1.0,))[1] == \
        pytest.approx(20 * x ** 3, rel=1e-13)

    def moments(x):
        return sum(x ** k / k for k in (gen for gen in range(1, 5)))
    assert bcad.hessian(moments)(0.5) == pytest.approx(sum((k - 1) * 0.5 ** (k - 2)
                                                           for k in range(2, 5)))


def test_jvp_of_a_number_valued_rule_of_arrays():
    # (the pairing of an array argument's cotangent with its tangent is a
    # sum: it was an array, and the jvp raised a TypeError)
    @bcad.custom_vjp
    def lse(x):
        m = np.max(x)
        return float(m + np.log(np.sum(np.exp(x - m))))
    lse.defvjp(lambda x: (lse(x), x),
               lambda x, g: (g * np.exp(x - np.max(x)) / np.sum(np.exp(x - np.max(x))),))
    x, t = np.array([0.3, -1.2, 0.8]), np.array([1.0, -2.0, 0.5])
    out, jt = bcad.jvp(lse, (x,), (t,))
    assert out == lse(x)
    assert jt == pytest.approx(float(bcad.grad(lse)(x) @ t), rel=1e-12)
