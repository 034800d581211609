"""What one interpreted Python-level call costs (issue 11).

    python benchmarks/call_cost.py            # this tree's bcad, ~20 s
    python benchmarks/call_cost.py --reps 20  # more repetitions (noisy machine)

Each figure is the difference of two loops that differ only by the call,
so the loop's own instructions cancel out: `f(i)` against `f` (a leaf
callee: no calls, no exception handlers), the same with a callee that
makes a call on a path it does not take (not a leaf), and a method call
`p.get()` against `p`.  `fib(20)` is given per call, its own instructions
included (21 891 calls).  Times are the minimum over the repetitions
(other processes only ever add time), native and interpreted in the same
process.  Run it several times, or alternate two trees, before trusting a
difference under 10%.
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import bcad  # noqa: E402

N = 20_000
FIB_CALLS = 21_891


def ident(x):
    return x


def nonleaf(x):
    if x is None:
        ident(x)
    return x


class P:
    def __init__(self):
        self.x = 1

    def get(self):
        return self.x


def leaf_call(n):
    f = ident
    for i in range(n):
        f(i)


def nonleaf_call(n):
    f = nonleaf
    for i in range(n):
        f(i)


def no_call(n):
    f = ident
    for i in range(n):
        f


def method_call(n):
    p = P()
    for _ in range(n):
        p.get()


def no_method_call(n):
    p = P()
    for _ in range(n):
        p


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def best(fn, arg, reps):
    fn(arg)
    t = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        fn(arg)
        t = min(t, time.perf_counter() - t0)
    return t


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=10)
    a = ap.parse_args()
    print(f"python {sys.version.split()[0]}, bcad {bcad.__file__}")
    times = {}
    for fn in (leaf_call, nonleaf_call, no_call, method_call, no_method_call):
        times[fn.__name__] = (best(fn, N, a.reps * 3), best(bcad.interpret(fn), N, a.reps))
    fib_t = (best(fib, 20, a.reps * 3), best(bcad.interpret(fib), 20, a.reps))
    for label, with_, without in (("leaf call f(i)", "leaf_call", "no_call"),
                                  ("non-leaf call f(i)", "nonleaf_call", "no_call"),
                                  ("method call p.get()", "method_call", "no_method_call")):
        nat = (times[with_][0] - times[without][0]) / N
        itp = (times[with_][1] - times[without][1]) / N
        print(f"{label:22s} native {nat * 1e9:6.0f} ns   interpreted {itp * 1e6:5.2f} us")
    print(f"{'fib(20), per call':22s} native {fib_t[0] / FIB_CALLS * 1e9:6.0f} ns   "
          f"interpreted {fib_t[1] / FIB_CALLS * 1e6:5.2f} us   ({fib_t[1] / fib_t[0]:.1f}x)")


if __name__ == "__main__":
    main()
