"""Second-order sensitivities of an unmodified pricer, and Newton's method
with exact Hessians, by bcad's nested transforms.

1. Gamma, vanna and volga of the Black-Scholes call of pricing.py (a plain
   Python pricer: math.erf, a dataclass) as a Hessian, against the closed
   forms; speed as the forward-mode derivative of delta.
2. A logistic regression written with numpy, fitted by Newton's method with
   bcad.grad and bcad.hessian, against scipy's optimizer on the same loss;
   Hessian-vector products (bcad.hvp) against the Hessian.

Run:  python examples/second_order.py
"""
import math
import sys

import numpy as np

import bcad

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from pricing import Market, black_scholes  # noqa: E402


def check(name, got, want, rtol=1e-9):
    ok = np.allclose(got, want, rtol=rtol, atol=1e-12)
    print(f"{name:28s} bcad {np.round(got, 10)}  closed form {np.round(want, 10)}  "
          f"{'ok' if ok else 'WRONG'}")
    if not ok:
        sys.exit(1)


def greeks():
    spot, vol, strike, t = 100.0, 0.2, 105.0, 0.75
    rate = 0.01

    def price(spot, vol):
        return black_scholes(Market(spot, rate, vol), strike, t, "call")

    H = bcad.hessian(price, argnums=(0, 1))(spot, vol)
    d1 = (math.log(spot / strike) + (rate + 0.5 * vol * vol) * t) / (vol * math.sqrt(t))
    d2 = d1 - vol * math.sqrt(t)
    pdf = math.exp(-0.5 * d1 * d1) / math.sqrt(2 * math.pi)
    gamma = pdf / (spot * vol * math.sqrt(t))
    vanna = -pdf * d2 / vol
    volga = spot * pdf * math.sqrt(t) * d1 * d2 / vol
    check("gamma  d2C/dS2", H[0][0], gamma)
    check("vanna  d2C/dS dvol", [H[0][1], H[1][0]], [vanna, vanna])
    check("volga  d2C/dvol2", H[1][1], volga)
    # gamma again, as forward mode over reverse mode: d(delta)/dS
    _, g = bcad.jvp(bcad.grad(price), (spot, vol), (1.0, 0.0))
    check("gamma  jvp of grad", g, gamma)


def logistic():
    rng = np.random.default_rng(0)
    X = np.column_stack([np.ones(200), rng.standard_normal((200, 2))])
    w_true = np.array([-0.5, 1.5, -2.0])
    y = (rng.uniform(size=200) < 1 / (1 + np.exp(-X @ w_true))).astype(float)

    def nll(w):
        z = X @ w
        return np.sum(np.logaddexp(0.0, z) - y * z) / len(y) + 0.01 * (w @ w)

    w = np.zeros(3)
    grad, hess = bcad.grad(nll), bcad.hessian(nll)
    for it in range(8):
        step = np.linalg.solve(hess(w), grad(w))
        w = w - step
        if np.max(np.abs(step)) < 1e-12:
            break
    print(f"Newton: {it + 1} steps, w = {np.round(w, 6)}, |grad| = {np.abs(grad(w)).max():.1e}")
    # the closed-form Hessian of this loss
    p = 1 / (1 + np.exp(-X @ w))
    H_exact = X.T @ (X * (p * (1 - p))[:, None]) / len(y) + 0.02 * np.eye(3)
    check("logistic Hessian", hess(w), H_exact, rtol=1e-10)
    v = np.array([0.3, -1.0, 2.0])
    check("Hessian-vector product", bcad.hvp(nll, (w,), (v,))[0], H_exact @ v, rtol=1e-10)
    try:
        import scipy.optimize as so
    except ImportError:
        return
    r = so.minimize(nll, np.zeros(3), jac=grad, hess=hess, method="trust-exact")
    # (scipy stops at its own tolerance, a few 1e-5 from Newton's optimum)
    check("scipy trust-exact vs Newton", r.x, w, rtol=1e-4)


if __name__ == "__main__":
    greeks()
    logistic()
