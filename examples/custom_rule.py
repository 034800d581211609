"""Teaching bcad new derivatives.

bcad interprets Python code, so only C functions need derivative rules.
When a differentiable value reaches a C function bcad has no rule for,
it raises NonDifferentiableError rather than returning a wrong gradient.
This script shows the three ways to supply a derivative:

1. bcad.defvjp       a C function of one or two arguments: scipy.special.dawsn
                     (parts 1 and 2 need scipy: the standard library's and
                     numpy's functions used here all have rules in bcad);
2. bcad.defvjp_args  a C function of sequence arguments: BLAS ddot of two
                     lists of floats;
3. bcad.custom_vjp   a Python function whose derivative you would rather
                     write by hand (an iterative solver).

Every result is compared with a closed form and with
bcad.testing.check_grads (finite differences); the script exits non-zero if
any of them disagrees.

Run:  python examples/custom_rule.py
"""
import math
import sys

import bcad
from bcad.testing import check_grads

try:
    import scipy.special
except ImportError:
    scipy = None

FAILURES = []


def check(label, got, want, rel=1e-12):
    got_l = list(got) if isinstance(got, (list, tuple)) else [got]
    want_l = list(want) if isinstance(want, (list, tuple)) else [want]
    ok = len(got_l) == len(want_l) and all(
        math.isclose(float(a), float(b), rel_tol=rel, abs_tol=1e-15) for a, b in zip(got_l, want_l))
    print(f"  {label}: bcad {got}   closed form {want}   {'ok' if ok else 'MISMATCH'}")
    if not ok:
        FAILURES.append(label)


def check_fd(label, fun, args, **kw):
    try:
        check_grads(fun, args, **kw)
    except AssertionError as e:
        print(f"  {label}: check_grads FAILED: {e}")
        FAILURES.append(label + " (check_grads)")
    else:
        print(f"  {label}: check_grads ok")


def expect_refusal(f, *args):
    """bcad must refuse to differentiate through a C function without a rule."""
    try:
        bcad.grad(f)(*args)
    except bcad.NonDifferentiableError as e:
        print("  without a rule:", str(e).splitlines()[0][:100], "...")
    else:
        print("  without a rule: no NonDifferentiableError raised")
        FAILURES.append("refusal without a rule")


# ---------------------------------------------------------------- 1. defvjp
if scipy is not None:
    C_NAME = "scipy.special.dawsn"      # Dawson's integral: no rule in bcad

    def register_rule():
        # vjp(g, ans, x): the cotangent of x, given the output cotangent g
        # and the output ans = dawsn(x); D'(x) = 1 - 2 x D(x).
        bcad.defvjp(scipy.special.dawsn, lambda g, ans, x: g * (1.0 - 2.0 * x * ans))

    def profile_loss(w, x=1.5, target=0.4):
        d = float(scipy.special.dawsn(w * x))
        return (d - target) ** 2
else:
    C_NAME = None       # (every function of numpy and math bcad could use here has a rule)


def part1():
    if C_NAME is None:
        print("1. bcad.defvjp: skipped (needs scipy, for a C function without a rule)")
        return
    print(f"1. bcad.defvjp({C_NAME}, ...)")
    expect_refusal(profile_loss, 0.3)
    register_rule()
    w = 0.3
    g = bcad.grad(profile_loss)(w)
    d = float(scipy.special.dawsn(w * 1.5))
    check("d loss/dw", g, 2.0 * (d - 0.4) * (1.0 - 2.0 * w * 1.5 * d) * 1.5)
    check_fd("profile_loss", profile_loss, (w,))


# ----------------------------------------------------------- 2. defvjp_args
def dot_vjp(g, ans, args, kwargs):
    """Cotangents shaped like the arguments: one list per list argument."""
    xs, ws = args
    return ([g * w for w in ws], [g * x for x in xs])


if scipy is not None:
    import scipy.linalg.blas
    DOT = scipy.linalg.blas.ddot     # BLAS's dot product (Fortran): no rule in bcad

    def score(xs, ws):
        return math.tanh(DOT(xs, ws))


def part2():
    if scipy is None:
        print("2. bcad.defvjp_args: skipped (needs scipy, for a C function without a rule)")
        return
    print("2. bcad.defvjp_args(scipy.linalg.blas.ddot, ...) on lists of floats")
    xs, ws = [0.5, -1.0, 2.0], [0.3, 0.2, 0.1]
    expect_refusal(score, xs, ws)
    bcad.defvjp_args(DOT, dot_vjp)
    gx, gw = bcad.grad(score, argnums=(0, 1))(xs, ws)
    d = 1.0 - math.tanh(sum(x * w for x, w in zip(xs, ws))) ** 2
    check("d score/d xs", gx, [d * w for w in ws])
    check("d score/d ws", gw, [d * x for x in xs])
    check_fd("score", score, (xs, ws))


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
    grads = bcad.grad(energy, argnums=(0, 1))(a, b)
    x = cubic_root(a * b)
    dx = 1.0 / (3.0 * x * x + 1.0)
    check("d energy/d(a, b)", grads, (2.0 * x * dx * b + math.cos(a), 2.0 * x * dx * a))
    check_fd("energy", energy, (a, b))


if __name__ == "__main__":
    part1()
    part2()
    part3()
    if FAILURES:
        print("custom_rule: FAILED:", ", ".join(FAILURES))
        sys.exit(1)
    print("custom_rule: all rules checked")
