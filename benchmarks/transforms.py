"""Second-order benchmarks (issue 10), measured in one run against autograd.

    python benchmarks/transforms.py [--quick] [--jvp]

- hessian_10: the Hessian of a 10-parameter scalar function (a plain-float
  Python function: polynomial and transcendental terms coupling the
  parameters), bcad.hessian vs autograd.hessian (autograd's version is
  written with autograd.numpy on an array, as autograd requires).
- mlp_hvp: a Hessian-vector product of the MLP loss of benchmarks/problems.py
  (784-512-512-10, batch 256) with respect to its 6 parameter arrays,
  bcad.hvp vs autograd's grad of <grad, v>, and against bcad.grad's
  own time (target: the HVP at most 5x the gradient).
- streamed jvp (`--jvp`, run alone): bcad.jvp of a loop of scalar updates
  and of a loop of small-array updates, streamed (the default at the top)
  against the recorded path (`api_forward._recorded_jvp`): CPU time,
  best of 5, the two alternated; peak memory (tracemalloc) and the most
  variables the streaming tape kept at once.

Ratios are what count (timings here are noisy); nothing is asserted.
"""
import math
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

import bcad  # noqa: E402
import problems  # noqa: E402


def f10(p0, p1, p2, p3, p4, p5, p6, p7, p8, p9):
    p = [p0, p1, p2, p3, p4, p5, p6, p7, p8, p9]
    total = 0.0
    for i in range(10):
        a, b = p[i], p[(i + 1) % 10]
        total += a * a * b + math.sin(a * b) + math.exp(-0.1 * a * a)
    return total


def f10_ag(anp):
    def f(p):
        total = 0.0
        for i in range(10):
            a, b = p[i], p[(i + 1) % 10]
            total = total + a * a * b + anp.sin(a * b) + anp.exp(-0.1 * a * a)
        return total
    return f


def best(fn, n):
    fn()
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def _scalar_loop(x, n):
    y = x
    for _ in range(n):
        y = y * 0.9999 + math.sin(y) * 1e-4
    return y


def _array_loop(x, n):
    for _ in range(n):
        x = x * 0.999 + 1e-3 * np.tanh(x)
    return np.sum(x)


def streamed_jvp(quick):
    import tracemalloc
    from bcad import api_forward
    from bcad.transforms import streamed
    k = 5 if quick else 1

    def _recorded(f, primals, tangents):
        return api_forward._recorded_jvp(f, primals, tangents, False)
    cases = [("scalar loop", _scalar_loop, 0.3, 1.0, 20000 // k, 200000 // k),
             ("array loop (4 floats)", _array_loop, np.ones(4), np.ones(4), 2000 // k,
              20000 // k)]
    print(f"{'jvp of':24s} {'equations':>10s} {'streamed':>10s} {'recorded':>10s} {'ratio':>7s}"
          f"   {'peak memory streamed / recorded':>32s}  {'most kept':>9s}")
    for name, f, x, t, n_time, n_mem in cases:
        best_t = {True: 1e9, False: 1e9}
        for _ in range(5):
            for mode in (True, False):
                jvp = bcad.jvp if mode else _recorded
                c = time.process_time()
                jvp(lambda x: f(x, n_time), (x,), (t,))
                best_t[mode] = min(best_t[mode], time.process_time() - c)
        peak = {}
        for mode in (True, False):
            jvp = bcad.jvp if mode else _recorded
            tracemalloc.start()
            jvp(lambda x: f(x, n_mem), (x,), (t,))
            peak[mode] = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            if mode:
                stats = dict(streamed.LAST_STATS)
        print(f"{name:24s} {stats['recorded']:10d} {best_t[True] * 1e3:8.1f}ms "
              f"{best_t[False] * 1e3:8.1f}ms {best_t[True] / best_t[False]:7.3f}   "
              f"{peak[True] / 1e6:12.1f} MB / {peak[False] / 1e6:6.1f} MB  "
              f"{stats['peak_live']:9d}")
    print("(time: best of 5 of", ", ".join(f"{c[4]}" for c in cases), "steps; memory of",
          ", ".join(f"{c[5]}" for c in cases), "steps)")


def main(argv):
    if "--jvp" in argv:
        return streamed_jvp("--quick" in argv)
    n = 3 if "--quick" in argv else 7
    try:
        import autograd
        import autograd.numpy as anp
    except ImportError:
        autograd = None
    x = [0.1 * (i + 1) for i in range(10)]
    argnums = tuple(range(10))
    H = bcad.hessian(f10, argnums=argnums)
    t_b = best(lambda: H(*x), n)
    t_native = best(lambda: f10(*x), 50)
    rows = [("hessian_10 (bcad)", t_b, t_b / t_native)]
    Hb = np.array(H(*x))
    if autograd is not None:
        Ha = autograd.hessian(f10_ag(anp))
        t_a = best(lambda: Ha(np.array(x)), n)
        rows.append(("hessian_10 (autograd)", t_a, t_a / t_native))
        assert np.allclose(Ha(np.array(x)), Hb, rtol=1e-10), "Hessians differ"

    params, X, Y = problems.mlp_data()
    rng = np.random.default_rng(0)
    vs = [rng.standard_normal(p.shape) for p in params]
    loss = problems.mlp_loss
    t_fwd = best(lambda: loss(params, X, Y), n)
    t_grad = best(lambda: bcad.grad(loss)(params, X, Y), n)
    t_hvp = best(lambda: bcad.hvp(lambda p: loss(p, X, Y), (params,), (vs,)), n)
    rows += [("mlp forward (native)", t_fwd, 1.0), ("mlp grad (bcad)", t_grad, t_grad / t_fwd),
             ("mlp hvp (bcad)", t_hvp, t_hvp / t_fwd)]
    if autograd is not None:
        ag_loss = problems.make_mlp_loss(anp)
        g_ag = autograd.grad(lambda p: ag_loss(p, X, Y))
        # (autograd's hessian_tensor_product cannot take a list of arrays)
        hvp_ag = autograd.grad(lambda p, v: sum(anp.sum(g * w) for g, w in zip(g_ag(p), v)))
        t_hvp_ag = best(lambda: hvp_ag(params, vs), n)
        rows.append(("mlp hvp (autograd)", t_hvp_ag, t_hvp_ag / t_fwd))
        mine = bcad.hvp(lambda p: loss(p, X, Y), (params,), (vs,))[0]
        theirs = hvp_ag(params, vs)
        err = max(float(np.max(np.abs(a - b)) / (np.max(np.abs(b)) + 1e-300))
                  for a, b in zip(mine, theirs))
        print(f"mlp hvp: max relative difference bcad vs autograd {err:.1e}")
    print(f"{'case':28s} {'time':>10s} {'vs native':>10s}")
    for name, t, r in rows:
        print(f"{name:28s} {t * 1e3:9.2f}ms {r:9.1f}x")
    print(f"hvp / grad (bcad): {t_hvp / t_grad:.2f}x   (target <= 5x)")
    if autograd is not None:
        print(f"hessian_10: autograd / bcad = {t_a / t_b:.2f}x   mlp hvp: autograd / bcad = "
              f"{t_hvp_ag / t_hvp:.2f}x   (target >= 1x: no slower than autograd)")


if __name__ == "__main__":
    main(sys.argv[1:])
