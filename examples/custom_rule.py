"""Teaching bcad new derivatives.

bcad interprets Python code, so only C functions need derivative rules.
When a differentiable value reaches a C function bcad has no rule for,
it raises NonDifferentiableError rather than returning a wrong gradient.
This script shows the three ways to supply a derivative:

1. bcad.defvjp       a C function of one or two arguments
                     (scipy.special.expit, when scipy is installed);
2. bcad.defvjp_args  a C function of any arguments: the C accelerator
                     behind statistics.NormalDist.inv_cdf (this stands in
                     for part 1 when scipy is missing: the standard
                     library's C functions of one or two floats all have
                     rules in bcad already);
3. bcad.custom_vjp   a Python function whose derivative you would rather
                     write by hand (an iterative solver).

Each rule is checked with bcad.testing.check_grads (finite differences).

Run:  python examples/custom_rule.py
"""
import math
import statistics
import types

import bcad
from bcad.testing import check_grads

try:
    import scipy.special
except ImportError:
    scipy = None


def expect_refusal(f, *args):
    """bcad must refuse to differentiate through a C function without a rule."""
    try:
        bcad.grad(f)(*args)
    except bcad.NonDifferentiableError as e:
        print("  without a rule:", str(e).splitlines()[0][:110], "...")
    else:
        raise AssertionError("expected NonDifferentiableError before the rule is registered")


# ---------------------------------------------------------------- 1. defvjp
def logistic_loss(w, x=1.5, y=1.0):
    p = scipy.special.expit(w * x)
    return -(y * math.log(p) + (1.0 - y) * math.log(1.0 - p))


def part1():
    print("1. bcad.defvjp(scipy.special.expit, ...)")
    expect_refusal(logistic_loss, 0.3)
    # vjp(g, ans, x): the cotangent of x, given the output cotangent g and
    # the output ans = expit(x).
    bcad.defvjp(scipy.special.expit, lambda g, ans, x: g * ans * (1.0 - ans))
    w = 0.3
    g = bcad.grad(logistic_loss)(w)
    exact = (scipy.special.expit(w * 1.5) - 1.0) * 1.5      # (p - y) * x
    print(f"  d loss/dw = {g!r}   closed form {exact!r}")
    assert math.isclose(g, exact, rel_tol=1e-12), (g, exact)
    check_grads(logistic_loss, (w,))
    print("  check_grads: ok")


# ----------------------------------------------------------- 2. defvjp_args
def quantile(p, mu, sigma):
    return statistics.NormalDist(mu, sigma).inv_cdf(p)


def inv_cdf_vjp(g, ans, args, kwargs):
    """Cotangents of (p, mu, sigma) for x = mu + sigma * Phi^-1(p)."""
    p, mu, sigma = args
    z = (ans - mu) / sigma
    density = math.exp(-0.5 * z * z) / (sigma * math.sqrt(2.0 * math.pi))
    return (g / density, g, g * z)


def part2():
    c_fn = statistics._normal_dist_inv_cdf
    print(f"2. bcad.defvjp_args({c_fn.__module__}.{c_fn.__name__}, ...)")
    if type(c_fn) is not types.BuiltinFunctionType:
        # Without the C accelerator, statistics' Python fallback is simply
        # interpreted and differentiated: no rule is needed.
        print("  (this CPython has no C accelerator; the Python fallback is differentiated)")
    else:
        expect_refusal(quantile, 0.3, 1.0, 2.0)
        bcad.defvjp_args(c_fn, inv_cdf_vjp)
    args = (0.3, 1.0, 2.0)
    grads = bcad.grad(quantile, argnums=(0, 1, 2))(*args)
    nd = statistics.NormalDist(1.0, 2.0)
    x = nd.inv_cdf(0.3)
    exact = (1.0 / nd.pdf(x), 1.0, (x - 1.0) / 2.0)
    print(f"  d quantile/d(p, mu, sigma) = {grads}")
    print(f"  closed form                = {exact}")
    assert all(math.isclose(a, b, rel_tol=1e-9) for a, b in zip(grads, exact)), grads
    check_grads(quantile, args, rtol=1e-4)
    print("  check_grads: ok")


# ------------------------------------------------------------ 3. custom_vjp
@bcad.custom_vjp
def cubic_root(a):
    """The real x with x**3 + x = a, by Newton's method."""
    x = a / 2.0
    for _ in range(100):
        step = (x ** 3 + x - a) / (3.0 * x * x + 1.0)
        x -= step
        if abs(step) < 1e-15 * (1.0 + abs(x)):
            break
    return x


def cubic_root_fwd(a):
    x = cubic_root(a)
    return x, x                      # value, residuals for the backward pass


def cubic_root_bwd(x, g):
    # Implicit function theorem: d/da (x**3 + x - a) = 0  =>  dx/da = 1 / (3x**2 + 1)
    return (g / (3.0 * x * x + 1.0),)


cubic_root.defvjp(cubic_root_fwd, cubic_root_bwd)


def energy(a, b):
    return cubic_root(a * b) ** 2 + math.sin(a)


def part3():
    print("3. bcad.custom_vjp (Newton solve, derivative by the implicit function theorem)")
    a, b = 1.2, 2.5
    ga, gb = bcad.grad(energy, argnums=(0, 1))(a, b)
    x = cubic_root(a * b)
    dx = 1.0 / (3.0 * x * x + 1.0)
    exact = (2.0 * x * dx * b + math.cos(a), 2.0 * x * dx * a)
    print(f"  d energy/d(a, b) = {(ga, gb)}")
    print(f"  closed form      = {exact}")
    assert math.isclose(ga, exact[0], rel_tol=1e-12) and math.isclose(gb, exact[1], rel_tol=1e-12)
    check_grads(energy, (a, b))
    print("  check_grads: ok")


if __name__ == "__main__":
    if scipy is not None:
        part1()
    else:
        print("1. scipy is not installed: part 2 stands in, with a C function of the "
              "standard library")
    part2()
    part3()
    print("custom_rule: all rules checked")
