"""Sensitivities of an ODE solution: Lotka-Volterra predator-prey model.

    prey'     = alpha * prey - beta * prey * predator
    predator' = delta * prey * predator - gamma * predator

integrated with a fixed-step fourth-order Runge-Kutta scheme written on
plain floats and tuples.  bcad differentiates a loss of the trajectory
with respect to the four parameters; the result is compared with central
finite differences.

Run:  python examples/lotka_volterra.py
"""
import math

import bcad


def rhs(state, params):
    prey, pred = state
    alpha, beta, delta, gamma = params
    return (alpha * prey - beta * prey * pred,
            delta * prey * pred - gamma * pred)


def rk4_step(state, params, dt):
    def shifted(k, h):
        return tuple(s + h * ki for s, ki in zip(state, k))

    k1 = rhs(state, params)
    k2 = rhs(shifted(k1, dt / 2), params)
    k3 = rhs(shifted(k2, dt / 2), params)
    k4 = rhs(shifted(k3, dt), params)
    return tuple(s + dt / 6 * (a + 2 * b + 2 * c + d)
                 for s, a, b, c, d in zip(state, k1, k2, k3, k4))


def simulate(params, state=(10.0, 5.0), t_end=10.0, steps=400):
    dt = t_end / steps
    trajectory = [state]
    for _ in range(steps):
        state = rk4_step(state, params, dt)
        trajectory.append(state)
    return trajectory


# Observations from a "true" parameter set, sampled every 20 steps.
TRUE = (1.1, 0.4, 0.1, 0.4)
OBSERVED = simulate(TRUE)[::20]


def loss(params):
    """Mean squared error of the simulated trajectory against OBSERVED."""
    sim = simulate(params)[::20]
    err = 0.0
    for (x, y), (ox, oy) in zip(sim, OBSERVED):
        err += (x - ox) ** 2 + (y - oy) ** 2
    return err / len(sim)


def central_differences(f, params, h=1e-6):
    out = []
    for i in range(len(params)):
        up = list(params)
        down = list(params)
        up[i] += h
        down[i] -= h
        out.append((f(tuple(up)) - f(tuple(down))) / (2 * h))
    return out


if __name__ == "__main__":
    params = (1.0, 0.45, 0.12, 0.35)
    value, grads = bcad.value_and_grad(loss)(params)
    fd = central_differences(loss, params)

    print(f"loss at {params} = {value:.9f}")
    print(f"{'param':>7} {'bcad':>18} {'finite diff':>18} {'rel err':>10}")
    worst = 0.0
    for name, g, d in zip(("alpha", "beta", "delta", "gamma"), grads, fd):
        rel = abs(g - d) / max(abs(d), 1e-12)
        worst = max(worst, rel)
        print(f"{name:>7} {g:18.9f} {d:18.9f} {rel:10.2e}")

    assert isinstance(grads, tuple) and len(grads) == 4
    assert math.isclose(value, loss(params), rel_tol=0, abs_tol=0), "value differs from native"
    assert worst < 1e-5, f"gradient disagrees with finite differences (rel err {worst:.2e})"
    print("lotka_volterra: gradient matches finite differences")
