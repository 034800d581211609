"""Fitting ODE parameters: Lotka-Volterra with scipy's solve_ivp and minimize.

    prey'     = alpha * prey - beta * prey * predator
    predator' = delta * prey * predator - gamma * predator

The loss integrates the model with scipy.integrate.solve_ivp (adaptive
RK45, the parameters passed through args=) and compares it with
observations at fixed times (t_eval=).  bcad differentiates the loss
through scipy's unmodified Python solver; scipy.optimize.minimize uses
that gradient (jac=bcad.grad(loss)) to recover the parameters from
noise-free synthetic observations.

The script checks its own numbers: the gradient against central finite
differences at the start point, and the recovered parameters against the
truth.  It exits non-zero if either is off.

Needs scipy (pip install -e ".[test]").  Run:  python examples/fit_ode.py
"""
import sys
import time

import numpy as np
from scipy.integrate import solve_ivp
from scipy.optimize import minimize

import bcad


def lotka_volterra(t, y, params):
    prey, pred = y
    alpha, beta, delta, gamma = params
    return np.array([alpha * prey - beta * prey * pred,
                     delta * prey * pred - gamma * pred])


Y0 = np.array([10.0, 5.0])
T_OBS = np.linspace(0.0, 6.0, 25)
TOL = dict(rtol=1e-7, atol=1e-9)


def simulate(params):
    sol = solve_ivp(lotka_volterra, (0.0, T_OBS[-1]), Y0, method="RK45", args=(params,),
                    t_eval=T_OBS, **TOL)
    return sol.y


TRUE = np.array([1.1, 0.4, 0.1, 0.4])
OBSERVED = simulate(TRUE)          # noise-free: the loss is 0 at TRUE


def loss(params):
    """Mean squared error of the simulated populations."""
    return float(np.mean((simulate(params) - OBSERVED) ** 2))


def central_differences(f, x, h=1e-6):
    return np.array([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(len(x))])


def main():
    start = np.array([1.0, 0.45, 0.12, 0.35])
    names = ("alpha", "beta", "delta", "gamma")
    failures = []

    t0 = time.perf_counter()
    value, g = bcad.value_and_grad(loss)(start)
    t_grad = time.perf_counter() - t0
    fd = central_differences(loss, start)
    rel = np.abs(g - fd) / np.maximum(np.abs(fd), 1e-12)
    print(f"loss at the start {start} = {value:.6g}  (gradient in {t_grad:.2f} s)")
    print(f"{'param':>7} {'bcad':>16} {'finite diff':>16} {'rel err':>9}")
    for name, a, b, r in zip(names, g, fd, rel):
        print(f"{name:>7} {a:16.9g} {b:16.9g} {r:9.1e}")
    if value != loss(start):
        failures.append("value differs from the native loss")
    if rel.max() > 1e-5:
        failures.append(f"gradient disagrees with finite differences (rel err {rel.max():.1e})")

    t0 = time.perf_counter()
    res = minimize(loss, start, jac=bcad.grad(loss), method="L-BFGS-B",
                   bounds=[(0.01, 5.0)] * 4, options={"ftol": 1e-15, "gtol": 1e-10})
    t_fit = time.perf_counter() - t0
    err = np.abs(res.x - TRUE) / TRUE
    print(f"L-BFGS-B: {res.nit} iterations, {res.nfev} gradient evaluations, {t_fit:.1f} s: "
          f"{res.message}")
    print(f"{'param':>7} {'true':>10} {'fitted':>12} {'rel err':>9}")
    for name, a, b, r in zip(names, TRUE, res.x, err):
        print(f"{name:>7} {a:10.4f} {b:12.8f} {r:9.1e}")
    if err.max() > 1e-4:
        failures.append(f"parameters not recovered (rel err {err.max():.1e})")

    for f in failures:
        print("FAILED:", f)
    if failures:
        return 1
    print("fit_ode: gradient matches finite differences, parameters recovered")
    return 0


if __name__ == "__main__":
    sys.exit(main())
