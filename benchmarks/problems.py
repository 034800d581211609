"""Benchmark problems for bcad, in plain Python (no AD library in mind).

Two sets:

* Interpreter set (``INTERP_CASES``): ordinary Python that ``bcad.interpret``
  must run correctly and not much slower than CPython.

  a. scalar_loop          float multiply/add over ``range(n)``
  b. fib                  naive recursion, ``fib(20)`` (21 891 calls)
  c. method_calls         a small class: methods, attribute reads/writes
  d. generator_pipeline   generator functions + generator expressions,
                          consumed by ``sum`` and by a ``for`` loop

* AD set (``AD_CASES``), copied from the AD anchors
  (``/work/shared/anchors/problems.py``; see ``RESULTS.md`` there for the
  autograd/JAX/torch figures these are compared against):

  pow_loop                   ``my_pow(x)``: ``net *= x`` 999 times, grad wrt x
  poly_horner                Horner, degree 1000, coefficients a Python *list*
                             of floats; grad wrt x and the coefficient list
  lotka_volterra_rk4_scalar  fixed-step RK4, 1000 steps, plain floats;
                             grad wrt the 4 parameters
  lotka_volterra_adaptive    hand-written Dormand-Prince 5(4) on floats with
                             value-dependent ``while``/``if``/``max``/``abs``;
                             grad wrt the 4 parameters
  mlp_numpy, small_array_loop  numpy (issue 8)
  solve_ivp_rk45             ``scipy.integrate.solve_ivp(method="RK45")`` of the
                             same ODE with a numpy right-hand side, scipy as
                             installed; grad wrt the parameter array (issue 9:
                             first call under 100 ms; autograd cannot run it)

The AD functions are differentiated *unchanged* by autograd (exactly as in the
anchors: none of them needs ``autograd.numpy``); ``autograd_version()`` is the
single place to put an adapted version should one ever be needed.

All arithmetic is float64.  Every definition here is deterministic.
"""

import numpy as np

# ===========================================================================
# Interpreter set
# ===========================================================================

# --- a. scalar arithmetic loop ---------------------------------------------
SCALAR_N = 20_000


def scalar_loop(n):
    acc = 0.0
    x = 0.0
    for i in range(n):
        x = x * 0.9999 + 0.0001
        acc = acc * 0.5 + x * i
    return acc


# --- b. recursion ----------------------------------------------------------
FIB_N = 20


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


# --- c. method calls on a small class ----------------------------------------
METHOD_N = 5_000


class Particle:
    """A 1-D particle on a spring: a couple of methods, attribute reads/writes."""

    def __init__(self, x, v, k):
        self.x = x
        self.v = v
        self.k = k
        self.steps = 0

    def force(self):
        return -self.k * self.x

    def step(self, dt):
        self.v = self.v + self.force() * dt
        self.x = self.x + self.v * dt
        self.steps += 1

    def energy(self):
        return 0.5 * self.v * self.v + 0.5 * self.k * self.x * self.x


def method_calls(n):
    p = Particle(1.0, 0.0, 4.0)
    e = 0.0
    for _ in range(n):
        p.step(0.001)
        e += p.energy()
    return p.x, p.v, e, p.steps


# --- d. generator pipeline ---------------------------------------------------
GEN_N = 10_000


def _count(n):
    i = 0
    while i < n:
        yield i
        i += 1


def _scaled(it, factor):
    for v in it:
        yield v * factor


def _pairwise_sum(it):
    prev = None
    for v in it:
        if prev is not None:
            yield prev + v
        prev = v


def generator_pipeline(n):
    odd = (i for i in _count(n) if i % 2)
    total = sum(_pairwise_sum(_scaled(odd, 0.5)))
    sq = 0.0
    for v in (x * x for x in _scaled(range(n), 0.001)):
        sq += v
    return total, sq


# (name, function, args, target ratio interpreted/native): issue 11, call-heavy
# code at most 25x, no case worse than 30x.
INTERP_CASES = [
    ("scalar_loop", scalar_loop, (SCALAR_N,), 25.0),
    ("fib", fib, (FIB_N,), 25.0),
    ("method_calls", method_calls, (METHOD_N,), 25.0),
    ("generator_pipeline", generator_pipeline, (GEN_N,), 30.0),
]


# ===========================================================================
# AD set (copied from the anchors' problems.py, unchanged)
# ===========================================================================

# --- pow_loop (the seed's my_pow) --------------------------------------------
POW_N = 1000
POW_X = 1.001  # x**1000 ~ 2.717, derivative 1000*x**999 ~ 2714


def my_pow(x, n=POW_N):
    net = x
    for i in range(n - 1):
        net *= x
    return net


# --- poly_horner -------------------------------------------------------------
HORNER_DEG = 1000
HORNER_X = 0.999


def horner_coeffs():
    """Coefficient list (highest degree first), plain Python floats."""
    rng = np.random.default_rng(1234)
    return [float(c) for c in rng.uniform(-1.0, 1.0, HORNER_DEG + 1)]


def horner(x, coeffs):
    acc = 0.0
    for c in coeffs:
        acc = acc * x + c
    return acc


# --- Lotka-Volterra, plain floats --------------------------------------------
#   du/dt = alpha*u - beta*u*v
#   dv/dt = -delta*v + gamma*u*v
LV_P = (1.5, 1.0, 3.0, 1.0)  # alpha, beta, delta, gamma
LV_U0 = (1.0, 1.0)
LV_T1 = 10.0
RK4_STEPS = 1000
DP_RTOL = 1e-6
DP_ATOL = 1e-8
DP_H0 = 1e-2


def lv_rhs(u, v, alpha, beta, delta, gamma):
    return alpha * u - beta * u * v, -delta * v + gamma * u * v


def rk4_step(u, v, h, alpha, beta, delta, gamma):
    k1u, k1v = lv_rhs(u, v, alpha, beta, delta, gamma)
    k2u, k2v = lv_rhs(u + 0.5 * h * k1u, v + 0.5 * h * k1v, alpha, beta, delta, gamma)
    k3u, k3v = lv_rhs(u + 0.5 * h * k2u, v + 0.5 * h * k2v, alpha, beta, delta, gamma)
    k4u, k4v = lv_rhs(u + h * k3u, v + h * k3v, alpha, beta, delta, gamma)
    u = u + h / 6.0 * (k1u + 2.0 * k2u + 2.0 * k3u + k4u)
    v = v + h / 6.0 * (k1v + 2.0 * k2v + 2.0 * k3v + k4v)
    return u, v


def lv_rk4_loss(p, u0=LV_U0, t1=LV_T1, nsteps=RK4_STEPS):
    alpha, beta, delta, gamma = p
    u, v = u0
    h = t1 / nsteps
    for _ in range(nsteps):
        u, v = rk4_step(u, v, h, alpha, beta, delta, gamma)
    return u * u + v * v


# Dormand-Prince 5(4) tableau
DP_C = (0.0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1.0, 1.0)
DP_A = (
    (),
    (1 / 5,),
    (3 / 40, 9 / 40),
    (44 / 45, -56 / 15, 32 / 9),
    (19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729),
    (9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656),
    (35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84),
)
# 5th-order weights are DP_A[6]; error weights e = b5 - b4
DP_E = (71 / 57600, 0.0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40)


def dp_attempt(u, v, h, k1u, k1v, alpha, beta, delta, gamma, rtol, atol):
    """One Dormand-Prince trial step from (u, v) with FSAL stage k1.

    Returns the 5th-order proposal, its derivative (next k1) and the scaled
    RMS error estimate.
    """
    a2, a3, a4, a5, a6, a7 = DP_A[1:]
    e1, _, e3, e4, e5, e6, e7 = DP_E
    k2u, k2v = lv_rhs(u + h * (a2[0] * k1u),
                      v + h * (a2[0] * k1v), alpha, beta, delta, gamma)
    k3u, k3v = lv_rhs(u + h * (a3[0] * k1u + a3[1] * k2u),
                      v + h * (a3[0] * k1v + a3[1] * k2v), alpha, beta, delta, gamma)
    k4u, k4v = lv_rhs(u + h * (a4[0] * k1u + a4[1] * k2u + a4[2] * k3u),
                      v + h * (a4[0] * k1v + a4[1] * k2v + a4[2] * k3v),
                      alpha, beta, delta, gamma)
    k5u, k5v = lv_rhs(u + h * (a5[0] * k1u + a5[1] * k2u + a5[2] * k3u + a5[3] * k4u),
                      v + h * (a5[0] * k1v + a5[1] * k2v + a5[2] * k3v + a5[3] * k4v),
                      alpha, beta, delta, gamma)
    k6u, k6v = lv_rhs(u + h * (a6[0] * k1u + a6[1] * k2u + a6[2] * k3u + a6[3] * k4u
                               + a6[4] * k5u),
                      v + h * (a6[0] * k1v + a6[1] * k2v + a6[2] * k3v + a6[3] * k4v
                               + a6[4] * k5v),
                      alpha, beta, delta, gamma)
    un = u + h * (a7[0] * k1u + a7[2] * k3u + a7[3] * k4u + a7[4] * k5u + a7[5] * k6u)
    vn = v + h * (a7[0] * k1v + a7[2] * k3v + a7[3] * k4v + a7[4] * k5v + a7[5] * k6v)
    k7u, k7v = lv_rhs(un, vn, alpha, beta, delta, gamma)
    eu = h * (e1 * k1u + e3 * k3u + e4 * k4u + e5 * k5u + e6 * k6u + e7 * k7u)
    ev = h * (e1 * k1v + e3 * k3v + e4 * k4v + e5 * k5v + e6 * k6v + e7 * k7v)
    su = atol + rtol * max(abs(u), abs(un))
    sv = atol + rtol * max(abs(v), abs(vn))
    err = (((eu / su) ** 2 + (ev / sv) ** 2) / 2.0) ** 0.5
    return un, vn, k7u, k7v, err


def lv_dopri5_loss(p, u0=LV_U0, t1=LV_T1, rtol=DP_RTOL, atol=DP_ATOL, h0=DP_H0,
                   stats=None):
    """Adaptive Dormand-Prince 5(4) with FSAL and standard step-size control.

    Control flow depends on values (accept/reject, last-step clipping).  The
    step size itself depends on the parameters, and AD systems that trace the
    Python execution differentiate through the controller too; every anchor
    does, so their gradients agree with each other and with central FD.
    """
    alpha, beta, delta, gamma = p
    t = 0.0
    u, v = u0
    h = h0
    k1u, k1v = lv_rhs(u, v, alpha, beta, delta, gamma)
    n_acc = n_rej = 0
    while True:
        last = False
        if t + h >= t1:
            h = t1 - t
            last = True
        un, vn, k7u, k7v, err = dp_attempt(u, v, h, k1u, k1v, alpha, beta, delta, gamma,
                                           rtol, atol)
        if err <= 1.0:
            n_acc += 1
            t = t + h
            u, v = un, vn
            k1u, k1v = k7u, k7v  # FSAL
            if last:
                break
        else:
            n_rej += 1
        if err == 0.0:
            fac = 5.0
        else:
            fac = min(5.0, max(0.2, 0.9 * err ** -0.2))
        h = h * fac
    if stats is not None:
        stats["accepted"] = n_acc
        stats["rejected"] = n_rej
    return u * u + v * v


# --- references ---------------------------------------------------------------

def central_fd(f, x, rel=1e-6):
    """Central finite-difference gradient of scalar f at the flat vector x."""
    x = np.array(x, dtype=np.float64)
    g = np.empty_like(x)
    for i in range(x.size):
        h = rel * max(1.0, abs(x.flat[i]))
        xp = x.copy()
        xp.flat[i] += h
        xm = x.copy()
        xm.flat[i] -= h
        g.flat[i] = (f(xp) - f(xm)) / (2 * h)
    return g


def _ref_pow():
    return np.array([POW_N * POW_X ** (POW_N - 1)]), "analytic n*x**(n-1)", 1e-9


def _ref_horner():
    c = horner_coeffs()
    n = len(c) - 1
    # d/dx by Horner on the derivative polynomial; d/dc_i = x**(n-i)
    dx = 0.0
    for i, ci in enumerate(c[:-1]):
        dx = dx * HORNER_X + (n - i) * ci
    dc = [HORNER_X ** (n - i) for i in range(n + 1)]
    return np.array([dx] + dc), "analytic", 1e-9


def _ref_rk4():
    return (central_fd(lambda p: lv_rk4_loss(tuple(float(q) for q in p)), LV_P),
            "central FD (rel step 1e-6)", 1e-6)


def _ref_dopri5():
    return (central_fd(lambda p: lv_dopri5_loss(tuple(float(q) for q in p)), LV_P),
            "central FD (rel step 1e-6)", 1e-6)


# ---------------------------------------------------------------------------
# e. mlp_numpy
# ---------------------------------------------------------------------------
MLP_SIZES = (784, 512, 512, 10)
MLP_BATCH = 256


def mlp_data():
    rng = np.random.default_rng(42)
    params = []
    for fan_in, fan_out in zip(MLP_SIZES[:-1], MLP_SIZES[1:]):
        params.append(rng.standard_normal((fan_in, fan_out)) / np.sqrt(fan_in))
        params.append(0.01 * rng.standard_normal(fan_out))
    X = rng.standard_normal((MLP_BATCH, MLP_SIZES[0]))
    labels = rng.integers(0, MLP_SIZES[-1], MLP_BATCH)
    Y = np.zeros((MLP_BATCH, MLP_SIZES[-1]))
    Y[np.arange(MLP_BATCH), labels] = 1.0
    return params, X, Y


def make_mlp_loss(np):
    """Build the loss against a numpy-like module (numpy, autograd.numpy, jax.numpy)."""

    def mlp_loss(params, X, Y):
        W1, b1, W2, b2, W3, b3 = params
        h1 = np.tanh(X @ W1 + b1)
        h2 = np.tanh(h1 @ W2 + b2)
        logits = h2 @ W3 + b3
        m = np.max(logits, axis=1, keepdims=True)
        lse = m + np.log(np.sum(np.exp(logits - m), axis=1, keepdims=True))
        return -np.sum(Y * (logits - lse)) / X.shape[0]

    return mlp_loss


mlp_loss = make_mlp_loss(np)


# ---------------------------------------------------------------------------
# f. small_array_loop
# ---------------------------------------------------------------------------
SMALL_ITERS = 200


def small_data():
    rng = np.random.default_rng(7)
    W = rng.standard_normal((3, 3))
    x0 = rng.standard_normal(3)
    return W, x0


def make_small_loop_loss(np):
    def small_loop_loss(W, x0, n=SMALL_ITERS):
        x = x0
        for _ in range(n):
            x = x + 0.01 * np.tanh(W @ x)
        return np.sum(x * x)

    return small_loop_loss


small_loop_loss = make_small_loop_loss(np)


def _ref_mlp():
    """The MLP's gradient by a hand-written backward pass (numpy)."""
    g = _ref_mlp_with(*mlp_data())
    return np.concatenate([x.ravel() for x in g]), "hand-written backward", 1e-9


def _ref_small():
    W, x0 = small_data()
    xs = [x0]
    for _ in range(SMALL_ITERS):
        xs.append(xs[-1] + 0.01 * np.tanh(W @ xs[-1]))
    gx = 2 * xs[-1]
    gW = np.zeros_like(W)
    for x in reversed(xs[:-1]):
        d = 0.01 * (1 - np.tanh(W @ x) ** 2) * gx
        gW += np.outer(d, x)
        gx = gx + W.T @ d
    return gW.ravel(), "hand-written backward", 1e-9


# ---------------------------------------------------------------------------
# g. solve_ivp_rk45 (the anchors' definition)
# ---------------------------------------------------------------------------
def lv_rhs_vec(t, y, p):
    alpha, beta, delta, gamma = p
    u, v = y
    return np.array([alpha * u - beta * u * v, -delta * v + gamma * u * v])


def solve_ivp_loss(p):
    from scipy.integrate import solve_ivp

    sol = solve_ivp(lv_rhs_vec, (0.0, LV_T1), [LV_U0[0], LV_U0[1]], method="RK45",
                    rtol=DP_RTOL, atol=DP_ATOL, args=(p,))
    return np.sum(sol.y[:, -1] ** 2)


def _ref_solve_ivp():
    # bcad differentiates the discrete solver (accepted and rejected steps,
    # the step-size controller included); finite differences of the same
    # solve agree with it to FD accuracy while no step decision flips.
    return (central_fd(solve_ivp_loss, np.array(LV_P)), "central FD (rel step 1e-6)", 1e-5)


# Differentiable scalar ops per forward, as counted by the anchors (a float
# subclass counting + - * / ** neg abs on parameter-dependent values).  Used to
# express tape memory per op even when bcad does not report its own count.
ANCHOR_OPS = {
    "pow_loop": 999,
    "poly_horner": 2002,
    "lotka_volterra_rk4_scalar": 62003,
    "lotka_volterra_adaptive": 20503,
    "mlp_numpy": 12,            # (array operations, as the anchors count them)
    "small_array_loop": 800,
    "solve_ivp_rk45": 108 * 6,  # (~108 steps of 6 RHS evaluations; array ops)
}


def _mlp_manual_grad():
    params, X, Y = mlp_data()
    return lambda: _ref_mlp_with(params, X, Y)


def _ref_mlp_with(params, X, Y):
    W1, b1, W2, b2, W3, b3 = params
    h1 = np.tanh(X @ W1 + b1)
    h2 = np.tanh(h1 @ W2 + b2)
    logits = h2 @ W3 + b3
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    d3 = (p * Y.sum(axis=1, keepdims=True) - Y) / X.shape[0]
    d2 = (d3 @ W3.T) * (1 - h2 ** 2)
    d1 = (d2 @ W2.T) * (1 - h1 ** 2)
    return [X.T @ d1, d1.sum(0), h1.T @ d2, d2.sum(0), h2.T @ d3, d3.sum(0)]


# Targets of the AD set (run.py's last ratio column): the scalar cases aim
# at 10x autograd's speed; the numpy cases at issue 8's figures.
AD_TARGETS = {"mlp_numpy": ("1st/native", 2.2), "small_array_loop": ("autograd/1st", 1.0),
              "solve_ivp_rk45": ("1st seconds", 0.100)}


# A hand-written gradient of the same function: its peak memory is what the
# adjoint needs (residuals and cotangents), bcad's is compared with it.
MEMORY_REFERENCE = {"mlp_numpy": _mlp_manual_grad}


class ADCase:
    """One AD benchmark: fn(*args), gradient wrt `argnums`, and its reference.

    `reference()` returns (flat gradient, description, relative tolerance).
    """

    def __init__(self, name, fn, args, argnums, reference):
        self.name = name
        self.fn = fn
        self.args = args
        self.argnums = argnums
        self.reference = reference


AD_CASES = [
    ADCase("pow_loop", my_pow, (POW_X,), 0, _ref_pow),
    ADCase("poly_horner", horner, (HORNER_X, horner_coeffs()), (0, 1), _ref_horner),
    ADCase("lotka_volterra_rk4_scalar", lv_rk4_loss, (LV_P,), 0, _ref_rk4),
    ADCase("lotka_volterra_adaptive", lv_dopri5_loss, (LV_P,), 0, _ref_dopri5),
    ADCase("mlp_numpy", mlp_loss, mlp_data(), 0, _ref_mlp),
    ADCase("small_array_loop", small_loop_loss, small_data(), 0, _ref_small),
    ADCase("solve_ivp_rk45", solve_ivp_loss, (np.array(LV_P),), 0, _ref_solve_ivp),
]


def autograd_version(name):
    """The function autograd differentiates for AD case `name`.

    autograd takes all four unchanged (the anchors' finding): `net *= x`,
    tuples/lists of floats as containers, and `max`/`abs`/`**` on ArrayBoxes
    all work, and nothing calls `math.*` or numpy.  Were an adaptation ever
    needed (e.g. `math.exp` -> `autograd.numpy.exp`), it would go here.
    """
    if name in ("mlp_numpy", "small_array_loop"):
        import autograd.numpy as anp       # (the anchors' one-line change)
        return make_mlp_loss(anp) if name == "mlp_numpy" else make_small_loop_loss(anp)
    if name == "solve_ivp_rk45":
        return None         # autograd cannot differentiate scipy's solver (anchors)
    return {c.name: c.fn for c in AD_CASES}[name]
