"""bcad in one screen: gradients of plain Python code.

Run:  python examples/demo.py
Each result is checked (against a closed form or central finite
differences); the script exits non-zero on a wrong number.
"""
import math
import statistics

import bcad


def fd(f, x, h=1e-6):
    """Central finite difference of a function of one float."""
    return (f(x + h) - f(x - h)) / (2 * h)


def close(a, b, tol=1e-6):
    return math.isclose(a, b, rel_tol=tol, abs_tol=tol)


# 1. A loop: the number of iterations is an ordinary int argument.
def iterate(x, n):
    y = x
    for _ in range(n):
        y = math.sin(y) * x
    return y


g = bcad.grad(iterate)(0.5, 3)
print(f"d/dx iterate(x, 3) at 0.5        = {g:.12f}")
assert close(g, fd(lambda x: iterate(x, 3), 0.5)), g


# 2. A user class with operator overloading, used as in any Python program.
class Vec:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __add__(self, other):
        return Vec(self.x + other.x, self.y + other.y)

    def __mul__(self, s):
        return Vec(self.x * s, self.y * s)

    __rmul__ = __mul__

    def __abs__(self):
        return math.hypot(self.x, self.y)


def path_length(t):
    points = [Vec(math.cos(k * t), math.sin(k * t)) * (1.0 + k) for k in range(4)]
    return sum(abs(b + a * -1.0) for a, b in zip(points, points[1:]))


g = bcad.grad(path_length)(0.3)
print(f"d/dt path_length(t) at 0.3       = {g:.12f}")
assert close(g, fd(path_length, 0.3)), g


# 3. math functions, several arguments at once (argnums), a dict argument.
def model(params, x):
    return math.exp(-params["decay"] * x) * math.cos(params["freq"] * x) + math.log1p(x * x)


p = {"decay": 0.7, "freq": 2.0}
gp, gx = bcad.grad(model, argnums=(0, 1))(p, 1.5)
print(f"d/dparams model = {gp}")
print(f"d/dx      model = {gx:.12f}")
exact_decay = -1.5 * math.exp(-0.7 * 1.5) * math.cos(2.0 * 1.5)
exact_freq = -math.exp(-0.7 * 1.5) * 1.5 * math.sin(2.0 * 1.5)
assert close(gp["decay"], exact_decay) and close(gp["freq"], exact_freq), gp
assert close(gx, fd(lambda x: model(p, x), 1.5)), gx


# 4. A library function: statistics.mean over a list of floats.
def spread(xs):
    m = statistics.mean(xs)
    return sum((x - m) ** 2 for x in xs)


xs = [1.0, 2.5, 4.0, 7.5]
g = bcad.grad(spread)(xs)
print(f"d/dxs spread(xs)                 = {g}")
m = sum(xs) / len(xs)
assert all(close(gi, 2 * (x - m)) for gi, x in zip(g, xs)), g


# 5. What bcad refuses: an exact conversion carries the value through
# integers, so no derivative can follow it.  bcad raises instead of
# returning a silently wrong 0.
def via_ratio(x):
    num, den = x.as_integer_ratio()
    return num / den * x


try:
    bcad.grad(via_ratio)(0.75)
except bcad.NonDifferentiableError as e:
    print("NonDifferentiableError:")
    print("  " + str(e).replace("\n", "\n  "))
else:
    raise AssertionError("expected NonDifferentiableError")

print("demo: all gradients checked")
