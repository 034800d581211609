"""Gradients through ordinary Python features, checked against finite
differences (and closed forms where known).  PYTEST_DONT_REWRITE"""
import colorsys
import dataclasses
import functools
import math
import statistics
from collections import namedtuple

import pytest

import bcad
from bcad.testing import check_grads


def fd(f, args, i, eps=1e-6):
    a = list(args)
    a[i] = args[i] + eps
    hi = f(*a)
    a[i] = args[i] - eps
    lo = f(*a)
    return (hi - lo) / (2 * eps)


def assert_grad_fd(f, *args, rtol=1e-6, atol=1e-8):
    g = bcad.grad(f, argnums=tuple(range(len(args))))(*args)
    for i in range(len(args)):
        want = fd(f, args, i)
        assert math.isclose(g[i], want, rel_tol=rtol, abs_tol=atol), (i, g[i], want)
    return g


# --- the two functions of the Python-vs-Julia AD discussion ----------------

def my_pow(x, n):
    net = x
    for _ in range(n - 1):
        net *= x
    return net


def square_or_negate(x):
    if x > 0:
        return x * x
    return -x


def test_my_pow():
    for n in (1, 2, 5, 1000):
        g = bcad.grad(my_pow)(1.001, n)
        assert math.isclose(g, n * 1.001 ** (n - 1), rel_tol=1e-12)


def test_square_or_negate_both_branches():
    assert bcad.grad(square_or_negate)(3.0) == 6.0
    assert bcad.grad(square_or_negate)(-3.0) == -1.0


# --- control flow ------------------------------------------------------------

def newton_sqrt(a):
    x = a
    while abs(x * x - a) > 1e-12 * a:      # value-dependent trip count
        x = 0.5 * (x + a / x)
    return x


def test_value_dependent_loop():
    g = bcad.grad(newton_sqrt)(2.0)
    assert math.isclose(g, 0.5 / math.sqrt(2.0), rel_tol=1e-9)


def poly_rec(x, n):
    return 1.0 if n == 0 else 1.0 + x * poly_rec(x, n - 1)


def test_recursion():
    assert_grad_fd(lambda x: poly_rec(x, 30), 0.7)


def test_closures_and_nonlocal():
    def f(x):
        total = 0.0

        def add(v):
            nonlocal total
            total += v * x
        for i in range(4):
            add(float(i))
        return total
    assert_grad_fd(f, 1.3)


def gen_squares(x, n):
    for i in range(n):
        yield (x + i) ** 2


def test_generators():
    assert_grad_fd(lambda x: sum(gen_squares(x, 5)), 0.4)
    assert_grad_fd(lambda x: sum(v for v in gen_squares(x, 3) if v > 0.1), 0.4)


def test_exceptions_caught_inside():
    def f(x):
        try:
            if x > 0:
                raise ValueError(x)
        except ValueError as e:
            return e.args[0] * 3.0
        return x
    assert bcad.grad(f)(2.0) == 3.0


# --- classes ------------------------------------------------------------------

class Dual:
    def __init__(self, v):
        self.v = v

    def __add__(self, o):
        return Dual(self.v + (o.v if isinstance(o, Dual) else o))

    __radd__ = __add__

    def __mul__(self, o):
        return Dual(self.v * (o.v if isinstance(o, Dual) else o))

    __rmul__ = __mul__

    @property
    def squared(self):
        return self.v * self.v


def test_operator_overloading_and_properties():
    def f(x):
        d = 2.0 * Dual(x) + 1.0
        return (d * d).v + Dual(x).squared
    assert_grad_fd(f, 0.3)


class Solver:
    """A class with one property among plain attributes: the others are read
    natively (objects.core.HOOKED), the property's code interpreted."""
    def __init__(self, y, h):
        self.y, self.h = y, h

    @property
    def step(self):
        return self.h * self.y


def test_class_with_a_property_among_plain_attributes():
    def f(x):
        s = Solver(x, 0.5)
        for _ in range(3):
            s.y = s.y + s.step
        return s.y
    assert bcad.grad(f)(2.0) == pytest.approx(1.5 ** 3)


def test_property_added_to_a_class_while_differentiating():
    # Which attributes of a class run Python code is derived once per class;
    # a property the differentiated code adds later must be interpreted (run
    # natively, its arithmetic on x would be unseen).
    def f(x):
        s = Solver(x, 0.5)
        first = s.y + s.step        # (the class's attributes looked at)
        Solver2 = type("Solver2", (Solver,), {})
        s.__class__ = Solver2
        s.y                         # (Solver2 looked at)
        Solver2.y = property(lambda self: self.__dict__["y"] * 3.0)
        return first + s.y
    assert bcad.grad(f)(2.0) == pytest.approx(1.5 + 3.0)


@dataclasses.dataclass
class Params:
    a: float
    b: float


Point = namedtuple("Point", "x y")


def test_pytree_inputs():
    def loss(p, q, d):
        return p.a * p.b + q.x ** 2 * q.y + d["k"] * sum(d["v"])
    g = bcad.grad(loss, argnums=(0, 1, 2))(Params(2.0, 3.0), Point(1.5, 2.0),
                                           {"k": 2.0, "v": [1.0, 2.0]})
    assert g[0] == Params(3.0, 2.0)
    assert g[1] == Point(6.0, 2.25)
    assert g[2] == {"k": 3.0, "v": [2.0, 2.0]}


def test_lists_and_dicts_as_intermediates():
    def f(x):
        xs = [x * i for i in range(4)]
        d = {"a": xs[1], "b": xs[3]}
        xs.append(d["a"] * d["b"])
        return sum(xs) + max(xs)
    assert_grad_fd(f, 0.9)


def test_unrelated_argument_gets_zero_of_its_structure():
    g = bcad.grad(lambda x, y: x * 2.0, argnums=1)(1.0, [1.0, {"z": 2.0}])
    assert g == [0.0, {"z": 0.0}]


# --- real values inside traced code -----------------------------------------

def test_isinstance_float_fstring_on_tracked_values():
    def f(x):
        assert isinstance(x, float) and type(x) is float
        label = f"{x:.3f}"
        y = float(x)
        return y * y if label else 0.0
    assert bcad.grad(f)(1.5) == 3.0


def test_callbacks_reduce_sorted_map():
    def f(x):
        xs = [x, 2 * x, x * x]
        total = functools.reduce(lambda a, b: a + b, xs)
        ordered = sorted(xs, key=lambda v: -v)
        mapped = list(map(lambda v: v * 3.0, ordered))
        return total + mapped[0] + min(xs, key=abs)
    assert_grad_fd(f, 1.2)


def test_colorsys_roundtrip():
    def f(r):
        h, l, s = colorsys.rgb_to_hls(r, 0.3, 0.6)
        return colorsys.hls_to_rgb(h, l * 1.1, s)[0]
    assert_grad_fd(f, 0.5, rtol=1e-5)


def test_statistics():
    def f(a, b, c):
        data = [a, b, c, 2.0]
        return statistics.mean(data) + statistics.stdev(data) + statistics.median(data)
    assert_grad_fd(f, 1.0, 3.0, 4.5)


def test_check_grads_public_helper():
    assert check_grads(lambda x, y: math.sin(x) * math.exp(y) / (1 + x * x), (0.3, 0.2))


# --- API behaviour ------------------------------------------------------------

def test_value_and_grad_has_aux_and_decorator():
    @bcad.grad
    def g(x):
        """doc"""
        return x ** 3
    assert g(2.0) == 12.0 and g.__name__ == "g" and g.__doc__ == "doc"
    (v, aux), gr = bcad.value_and_grad(lambda x: (x * x, "aux"), has_aux=True)(3.0)
    assert (v, aux, gr) == (9.0, "aux", 6.0)


def test_vjp_of_vector_output():
    out, f = bcad.vjp(lambda x, y: [x * y, x + y], 2.0, 3.0)
    assert out == [6.0, 5.0]
    assert f([1.0, 10.0]) == (13.0, 12.0)


def test_literal_input_not_confused_with_constant():
    # 1.0 passed in may be the very object of the constant 1.0 in the code
    def f(x):
        one = 1.0
        return x * one + one
    assert bcad.grad(f)(1.0) == 1.0


def test_complex_arithmetic():
    out, f = bcad.vjp(lambda z: z * z + 1j * z, 1.0 + 2.0j)
    # holomorphic: ct_z = g * conj(f'(z)), f'(z) = 2z + 1j
    assert f(1.0 + 0j)[0] == (2 * (1.0 + 2.0j) + 1j).conjugate()


def test_stop_gradient():
    assert bcad.grad(lambda x: x * bcad.stop_gradient(x))(3.0) == 3.0


def test_custom_vjp():
    @bcad.custom_vjp
    def clip_grad(x):
        return x

    clip_grad.defvjp(lambda x: (x, None), lambda res, g: (max(-1.0, min(1.0, g)),))
    assert bcad.grad(lambda x: 5.0 * clip_grad(x))(2.0) == 1.0
    assert clip_grad(3.0) == 3.0


def test_errors_for_bad_inputs_and_outputs():
    with pytest.raises(TypeError, match="int"):
        bcad.grad(lambda x: x * 2.0)(3)
    with pytest.raises(TypeError, match="real scalar"):
        bcad.grad(lambda x: [x])(3.0)
    with pytest.raises(TypeError, match="real scalar"):
        bcad.grad(lambda x: x * 1j)(3.0)


STATE = {}
scale = 1.0


def test_tracking_survives_containers_cells_globals_defaults_and_identity_functions():
    import copy

    def f(x):
        global scale
        scale = x * 2.0                       # a global written during the call

        def g(y=x):                           # a default argument
            return y * scale
        box = {"v": [x]}
        cell_val = x

        def h():
            return cell_val                   # a closure cell
        picked = max([x, -1.0]) + min(x, 5.0) + sorted([x])[0] + box.get("v")[0]
        cp = copy.copy(x) + copy.deepcopy([x])[0]
        STATE["last"] = x                     # a global container written
        try:
            raise ValueError(x)
        except ValueError as e:
            from_exc = e.args[0]
        return g() + h() + picked + cp + STATE["last"] + from_exc
    # d/dx: g = x * 2x -> 4x; h, max, min, sorted, get, copy, deepcopy, STATE, exc: 1 each
    assert math.isclose(bcad.grad(f)(1.5), 4 * 1.5 + 9, rel_tol=1e-12)
