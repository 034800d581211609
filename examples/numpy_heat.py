"""numpy code as written, differentiated: a 1-d heat equation solved with an
explicit finite-difference scheme that updates its grid in place, and the
gradient of a misfit with respect to the initial temperature profile and
the (per-cell) conductivity.

Nothing here is written for AD: `u[1:-1] += ...` writes into the array,
boundary cells are assigned, `np.linalg.norm` and `np.gradient` are numpy's
own Python code.  The gradient is checked against finite differences.

Run:  python examples/numpy_heat.py
"""
import numpy as np

import bcad
from bcad.testing import check_grads


def simulate(u0, kappa, steps=60, dt=0.2):
    u = u0.copy()
    flux = np.empty(len(u) - 1)
    for _ in range(steps):
        flux[:] = kappa[:-1] * np.diff(u)        # a write into a work array
        u[1:-1] += dt * (flux[1:] - flux[:-1])   # in place, through a view
        u[0] = u[-1] = 0.0                       # cold ends
    return u


def misfit(u0, kappa, target):
    u = simulate(u0, kappa)
    smooth = np.linalg.norm(np.gradient(kappa))  # numpy Python code
    return 0.5 * np.sum((u - target) ** 2) + 1e-2 * smooth


def main():
    n = 24
    x = np.linspace(0.0, 1.0, n)
    u0 = np.exp(-40 * (x - 0.4) ** 2)
    kappa = 0.5 + 0.3 * np.sin(3 * x)
    target = simulate(np.exp(-30 * (x - 0.5) ** 2), np.full(n, 0.6))

    value, (g_u0, g_kappa) = bcad.value_and_grad(misfit, argnums=(0, 1))(u0, kappa, target)
    assert np.isclose(value, misfit(u0, kappa, target), rtol=1e-12)
    assert g_u0.shape == u0.shape and g_kappa.shape == kappa.shape
    print(f"misfit {value:.6f}")
    print("d misfit / d u0[:5]    ", np.round(g_u0[:5], 6))
    print("d misfit / d kappa[:5] ", np.round(g_kappa[:5], 6))

    check_grads(misfit, (u0, kappa, target), order=1)
    print("finite differences agree")

    # A few steps of gradient descent on the initial profile.
    for _ in range(5):
        g = bcad.grad(misfit)(u0, kappa, target)
        u0 = u0 - 2.0 * g
    final = misfit(u0, kappa, target)
    assert final < value, (final, value)
    print(f"after 5 descent steps: misfit {final:.6f}")
    print("numpy_heat: ok")


if __name__ == "__main__":
    main()
