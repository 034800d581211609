#!/usr/bin/env python
"""bcad benchmark runner: interpreter overhead and gradient cost, in one run.

    python benchmarks/run.py [--quick] [--json out.json] [--only NAME[,NAME...]]

Interpreter set: native time vs ``bcad.interpret(fn)`` time, ratio.
AD set (when ``bcad.grad`` exists): native forward, bcad first-call grad,
bcad steady-state grad, autograd grad (when installed), ratios, and tape
memory.  Every bcad result is checked: interpreted results must equal the
native ones exactly, gradients must match an analytic / central-FD reference
(and autograd, when installed).  Failures print ``MISMATCH`` and make the exit
status 1; timings are never asserted on.

BCAD_BENCH_STUB=1 replaces bcad by a stand-in (``interpret`` = identity,
``grad`` = autograd's grad when autograd is installed) to test the runner
itself; its numbers say nothing about bcad.

See benchmarks/README.md.
"""
import argparse
import datetime
import gc
import json
import math
import os
import platform
import statistics
import sys
import time
import tracemalloc
import types

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)   # problems.py
sys.path.insert(1, ROOT)   # the working tree's bcad, ahead of any installed one

import numpy as np  # noqa: E402

import problems as P  # noqa: E402

perf = time.perf_counter
STUB = os.environ.get("BCAD_BENCH_STUB") == "1"


# ---------------------------------------------------------------------------
# Loading bcad (or the stub) and autograd
# ---------------------------------------------------------------------------

def load_autograd():
    try:
        import autograd
        return autograd, None
    except Exception as e:  # noqa: BLE001 - optional dependency
        return None, f"{type(e).__name__}: {e}"


def make_stub(autograd):
    """Stand-in for bcad (BCAD_BENCH_STUB=1): exercises the runner, not bcad."""
    stub = types.SimpleNamespace(__version__="STUB", __file__="(BCAD_BENCH_STUB=1)")
    stub.interpret = lambda fn: fn
    if autograd is not None:
        stub.grad = lambda fn, argnums=0: autograd.grad(fn, argnum=argnums)
    return stub


def _dist_version(name):
    try:
        from importlib.metadata import version
        return version(name)
    except Exception:  # noqa: BLE001
        return "?"


def load_bcad(autograd):
    if STUB:
        return make_stub(autograd), None
    try:
        import bcad
        return bcad, None
    except Exception as e:  # noqa: BLE001 - report and carry on with native numbers
        return None, f"{type(e).__name__}: {e}"


def bcad_grad(bcad, fn, argnums):
    """A new bcad gradient function of `fn` wrt `argnums`."""
    try:
        return bcad.grad(fn, argnums=argnums)
    except TypeError:
        return bcad.grad(fn, argnums)


def fresh_bcad_grad(bcad, fn, argnums):
    """HOOK (first-call timing): a gradient function with nothing cached for `fn`.

    "First call" means: a newly made ``bcad.grad(fn)`` called once, so that the
    call interprets `fn`, records the tape and runs the backward pass.  Caches
    keyed by code object (decoded instructions) are shared and stay warm; the
    separate "cold" column shows the very first call of the process.  If bcad
    grows a process-wide tape/replay cache, clear it here, e.g.
    ``bcad.clear_replay_cache()``, so first-call numbers stay first-call.
    """
    return bcad_grad(bcad, fn, argnums)


# ---------------------------------------------------------------------------
# HOOK: tape statistics.  Adapt `recorded_ops()` to bcad's API once it has one.
# ---------------------------------------------------------------------------

_TAPE_STATS_NAMES = ("last_tape_stats", "tape_stats", "last_tape")
_TAPE_OPS_KEYS = ("n_ops", "num_ops", "ops", "n_equations", "equations", "n_eqns")


def recorded_ops(bcad):
    """Number of ops on the tape bcad recorded last, or None if bcad doesn't say.

    Accepts ``bcad.last_tape_stats`` (or ``tape_stats``/``last_tape``) as a
    value or a zero-argument callable giving an int, a dict or an object with
    one of the keys/attributes in _TAPE_OPS_KEYS (an int, or a sized container).
    """
    for name in _TAPE_STATS_NAMES:
        obj = getattr(bcad, name, None)
        if obj is None:
            continue
        stats = obj() if callable(obj) else obj
        if isinstance(stats, int):
            return stats
        for key in _TAPE_OPS_KEYS:
            v = stats.get(key) if isinstance(stats, dict) else getattr(stats, key, None)
            if isinstance(v, int):
                return v
            if v is not None and hasattr(v, "__len__"):
                return len(v)
    return None


def tape_bytes_per_op(bcad, peak_bytes):
    """HOOK: traced memory per recorded op of the last grad call, or None.

    `peak_bytes` is the tracemalloc peak of one fresh grad call (measured by
    `grad_peak_bytes`).  Returns None until bcad exposes its op count
    (see `recorded_ops`).
    """
    n = recorded_ops(bcad)
    if not n:
        return None
    return peak_bytes / n


def grad_peak_bytes(make_grad, args):
    """tracemalloc peak (bytes above the baseline) of one fresh grad call."""
    gc.collect()
    g = make_grad()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        g(*args)
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


# ---------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------

class Timing:
    __slots__ = ("median", "min", "samples", "number", "first")

    def __init__(self, samples, number, first):
        self.samples, self.number, self.first = samples, number, first
        self.median = statistics.median(samples)
        self.min = min(samples)

    def as_dict(self):
        return {"median_s": self.median, "min_s": self.min, "n_samples": len(self.samples),
                "number": self.number, "first_call_s": self.first}


def _timed(call, number):
    t0 = perf()
    for _ in range(number):
        call()
    return perf() - t0


def measure(call, cfg):
    """Time `call()`; return (Timing, value of the warm-up call).

    One warm-up call, then `number` is sized so one sample takes at least
    cfg.min_time; up to cfg.repeats samples while the measurement stays within
    cfg.budget seconds (at least one).  Per-call median.  GC stays enabled
    (as in the anchors); garbage is collected before the measurement starts.
    """
    gc.collect()
    start = perf()
    t0 = perf()
    value = call()
    first = perf() - t0
    samples = []
    number = 1
    if first >= cfg.long_call:
        samples.append(first)
    else:
        per_call = max(first, 1e-7)
        for _ in range(6):
            number = max(1, math.ceil(cfg.min_time * 1.05 / per_call))
            t = _timed(call, number)
            per_call = t / number
            if t >= cfg.min_time * 0.95 or number == 1:
                samples.append(per_call)
                break
    while len(samples) < cfg.repeats:
        if perf() - start + samples[-1] * number > cfg.budget:
            break
        samples.append(_timed(call, number) / number)
    return Timing(samples, number, first), value


# ---------------------------------------------------------------------------
# Comparisons
# ---------------------------------------------------------------------------

def same_value(a, b):
    """Exact structural equality (types too; NaN == NaN; -0.0 != 0.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or (
            a == b and math.copysign(1, a) == math.copysign(1, b))
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same_value(a[k], b[k]) for k in a)
    return a == b


def flatten(g):
    """Flat float64 vector from a gradient: a number, an array, or nested tuples/lists."""
    if isinstance(g, (list, tuple)):
        parts = [flatten(x) for x in g]
        return np.concatenate(parts) if parts else np.zeros(0)
    if isinstance(g, np.ndarray):
        return g.astype(np.float64).ravel()
    return np.array([float(g)])


def rel_err(a, ref):
    """max |a - ref| / max |ref|; inf on a shape mismatch or non-finite value."""
    a, ref = flatten(a), flatten(ref)
    if a.shape != ref.shape:
        return math.inf
    err = float(np.max(np.abs(a - ref))) / max(float(np.max(np.abs(ref))), 1e-300)
    return err if math.isfinite(err) else math.inf


# ---------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------

def fmt_t(s):
    if s is None:
        return "—"
    if s < 1e-3:
        return f"{s * 1e6:.1f} µs"
    if s < 1.0:
        return f"{s * 1e3:.2f} ms"
    return f"{s:.2f} s"


def fmt_timing(t):
    return "—" if t is None else fmt_t(t.median)


def fmt_r(r):
    if r is None:
        return "—"
    if r >= 100:
        return f"{r:,.0f}x"
    if r >= 10:
        return f"{r:.1f}x"
    return f"{r:.2f}x"


def fmt_bytes(b):
    if b is None:
        return "—"
    if b >= 1 << 20:
        return f"{b / (1 << 20):.1f} MB"
    if b >= 1 << 10:
        return f"{b / (1 << 10):.1f} KB"
    return f"{b:.0f} B"


def print_table(headers, rows):
    cols = list(zip(*([headers] + rows)))
    widths = [max(len(str(c)) for c in col) for col in cols]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"
    print(line(headers))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print(line(r))
    print()


def short_exc(e):
    tb = e.__traceback__
    where = ""
    while tb is not None:
        f = tb.tb_frame.f_code
        where = f" at {os.path.relpath(f.co_filename, ROOT)}:{tb.tb_lineno} in {f.co_name}"
        tb = tb.tb_next
    msg = str(e).splitlines()[0] if str(e) else ""
    return f"{type(e).__name__}: {msg}{where}"


def _short(v, n=200):
    r = repr(v)
    return r if len(r) <= n else r[:n] + "..."


def ratio(a, b):
    if a is None or b is None or b <= 0:
        return None
    return a / b


# ---------------------------------------------------------------------------
# The two sets
# ---------------------------------------------------------------------------

class Report:
    def __init__(self):
        self.problems = []

    def mismatch(self, what):
        self.problems.append(what)
        print(f"\n!!!!!!!! MISMATCH: {what}", flush=True)


def run_interp(cfg, bcad, bcad_err, report, selected):
    print("## Interpreter set: bcad.interpret(fn)(*args) vs fn(*args)\n")
    if bcad is None:
        print(f"bcad not importable ({bcad_err}); native times only. "
              "(BCAD_BENCH_STUB=1 tests the runner with a stand-in.)\n")
    records, rows = [], []
    for name, fn, args, target in P.INTERP_CASES:
        if not selected(name):
            continue
        print(f"  {name} ...", end="", flush=True)
        rec = {"case": name, "target_ratio": target}
        native, expected = measure(lambda: fn(*args), cfg)
        rec["native"] = native.as_dict()
        interp = cold = None
        status = "—"
        if bcad is not None:
            try:
                f_i = bcad.interpret(fn)
                t0 = perf()
                got = f_i(*args)
                cold = perf() - t0
                if same_value(got, expected):
                    status = "ok"
                else:
                    status = "MISMATCH"
                    report.mismatch(f"interpret {name}: got {_short(got)}, "
                                    f"native {_short(expected)}")
                interp, again = measure(lambda: f_i(*args), cfg)
                if status == "ok" and not same_value(again, expected):
                    status = "MISMATCH"
                    report.mismatch(f"interpret {name}, second call: got {_short(again)}, "
                                    f"native {_short(expected)}")
                rec["interpreted"] = interp.as_dict()
                rec["cold_first_call_s"] = cold
            except Exception as e:  # noqa: BLE001 - report, go on with the next case
                status = "FAILED"
                rec["error"] = short_exc(e)
                report.mismatch(f"interpret {name} raised {short_exc(e)}")
        r = ratio(interp and interp.median, native.median)
        rec["ratio"] = r
        rec["check"] = status
        verdict = "—" if r is None else ("ok" if r <= target else "OVER")
        rows.append([name, fmt_timing(native), fmt_t(cold), fmt_timing(interp), fmt_r(r),
                     f"<= {target:g}x {verdict}", status])
        records.append(rec)
        print(" done", flush=True)
    print()
    print_table(["case", "native", "bcad 1st call (cold)", "bcad interpreted", "interp/native",
                 "target", "check"], rows)
    return records


def run_ad(cfg, bcad, bcad_err, autograd, autograd_err, report, selected):
    print("## AD set: gradients\n")
    if autograd is None:
        print(f"autograd not installed ({autograd_err}); autograd columns empty.\n")
    if bcad is None or not hasattr(bcad, "grad"):
        why = f"bcad not importable ({bcad_err})" if bcad is None else \
            "bcad has no attribute 'grad' yet"
        print(f"NOTE: {why}: AD set skipped.  Native/autograd/JAX/torch baselines for "
              "these problems: /work/shared/anchors/RESULTS.md\n")
        return []
    records, time_rows, ratio_rows, check_rows, mem_rows = [], [], [], [], []
    hand_notes = []
    for case in P.AD_CASES:
        if not selected(case.name):
            continue
        print(f"  {case.name} ...", end="", flush=True)
        fn, args, argnums = case.fn, case.args, case.argnums
        rec = {"case": case.name, "argnums": argnums}
        ref, ref_how, tol = case.reference()
        rec["reference"] = ref_how
        native, _ = measure(lambda: fn(*args), cfg)
        rec["native_forward"] = native.as_dict()

        cold = first = steady = ag = None
        bcad_g = ag_g = None
        err_ref = err_ag = ag_err_ref = None
        status = "ok"
        try:
            t0 = perf()
            bcad_g = fresh_bcad_grad(bcad, fn, argnums)(*args)
            cold = perf() - t0
            rec["bcad_cold_first_call_s"] = cold
            err_ref = rel_err(bcad_g, ref)
            if not err_ref <= tol:
                status = "MISMATCH"
                report.mismatch(f"bcad grad {case.name}: rel. error {err_ref:.2e} vs "
                                f"{ref_how} (tolerance {tol:g})")
            first, _ = measure(lambda: fresh_bcad_grad(bcad, fn, argnums)(*args), cfg)
            rec["bcad_grad_first_call"] = first.as_dict()
            g = fresh_bcad_grad(bcad, fn, argnums)
            steady, g_last = measure(lambda: g(*args), cfg)
            rec["bcad_grad_steady"] = steady.as_dict()
            e2 = rel_err(g_last, ref)
            if status == "ok" and not e2 <= tol:
                status = "MISMATCH"
                report.mismatch(f"bcad grad {case.name}, repeated call on one grad "
                                f"function: rel. error {e2:.2e} vs {ref_how}")
        except Exception as e:  # noqa: BLE001
            status = "FAILED"
            rec["error"] = short_exc(e)
            report.mismatch(f"bcad grad {case.name} raised {short_exc(e)}")

        ag_version = P.autograd_version(case.name)
        if ag_version is None:
            rec["autograd_error"] = "cannot run this code unchanged (the anchors' finding)"
        if autograd is not None and ag_version is not None:
            try:
                ag_fn = autograd.grad(ag_version, argnum=argnums)
                ag, ag_g = measure(lambda: ag_fn(*args), cfg)
                rec["autograd_grad"] = ag.as_dict()
                ag_err_ref = rel_err(ag_g, ref)
                if not ag_err_ref <= tol:
                    report.mismatch(f"autograd grad {case.name}: rel. error "
                                    f"{ag_err_ref:.2e} vs {ref_how} (benchmark bug?)")
            except Exception as e:  # noqa: BLE001
                ag_g = None
                rec["autograd_error"] = short_exc(e)
                report.mismatch(f"autograd grad {case.name} raised {short_exc(e)}")
            if bcad_g is not None and ag_g is not None:
                err_ag = rel_err(bcad_g, ag_g)
                if not err_ag <= 1e-9:
                    status = "MISMATCH"
                    report.mismatch(f"bcad grad {case.name}: rel. difference "
                                    f"{err_ag:.2e} from autograd (tolerance 1e-9)")
        rec.update(err_vs_reference=err_ref, err_vs_autograd=err_ag,
                   autograd_err_vs_reference=ag_err_ref, check=status)

        slow = first is not None and first.median > cfg.memory_max_call
        if cfg.memory and slow:
            mem_rows.append([case.name, f"skipped: grad call > {cfg.memory_max_call:g} s",
                             "", "", "", "", ""])
        if cfg.memory and status != "FAILED" and not slow:
            try:
                peak = grad_peak_bytes(lambda: fresh_bcad_grad(bcad, fn, argnums), args)
                n_ops = recorded_ops(bcad)
                per_op = tape_bytes_per_op(bcad, peak)
                rec.update(tracemalloc_peak_bytes=peak, bcad_recorded_ops=n_ops,
                           bytes_per_recorded_op=per_op,
                           bytes_per_anchor_op=peak / P.ANCHOR_OPS[case.name])
                ref = P.MEMORY_REFERENCE.get(case.name)
                vs_ref = "—"
                if ref is not None:
                    ref_peak = grad_peak_bytes(lambda: (lambda: ref())(), ())
                    rec.update(hand_written_peak_bytes=ref_peak,
                               peak_over_hand_written=peak / ref_peak)
                    vs_ref = f"{peak / ref_peak:.2f}x of {fmt_bytes(ref_peak)}"
                mem_rows.append([case.name, fmt_bytes(peak), f"{P.ANCHOR_OPS[case.name]:,}",
                                 fmt_bytes(peak / P.ANCHOR_OPS[case.name]),
                                 "—" if n_ops is None else f"{n_ops:,}", fmt_bytes(per_op),
                                 vs_ref])
            except Exception as e:  # noqa: BLE001
                rec["memory_error"] = short_exc(e)
                mem_rows.append([case.name, f"FAILED: {short_exc(e)}", "", "", "", "", ""])

        hand_ref = P.MEMORY_REFERENCE.get(case.name)
        if hand_ref is not None and first is not None:
            # The same gradient written out by hand in numpy: the floor for
            # any AD running the same numpy kernels (its ratio to the native
            # forward is what a "1st/native" target can at best reach).
            hand, _ = measure(hand_ref(), cfg)
            rec.update(hand_written_grad=hand.as_dict(),
                       ratio_hand_written_over_native=ratio(hand.median, native.median),
                       ratio_first_over_hand_written=ratio(first.median, hand.median))
            hand_notes.append(
                f"- {case.name}: the hand-written numpy gradient takes {fmt_timing(hand)}, "
                f"{fmt_r(rec['ratio_hand_written_over_native'])} the native forward; bcad's "
                f"first call is {fmt_r(rec['ratio_first_over_hand_written'])} the hand-written "
                f"gradient.")
        t_first = first and first.median
        t_steady = steady and steady.median
        t_ag = ag and ag.median
        rec.update(ratio_first_over_native=ratio(t_first, native.median),
                   ratio_steady_over_native=ratio(t_steady, native.median),
                   ratio_autograd_over_first=ratio(t_ag, t_first),
                   ratio_autograd_over_steady=ratio(t_ag, t_steady))
        speedup = rec["ratio_autograd_over_first"]
        kind, bound = P.AD_TARGETS.get(case.name, ("autograd/1st", 10.0))
        if kind == "1st/native":        # (the numpy cases' targets, issue 8)
            value = rec["ratio_first_over_native"]
            verdict = "—" if value is None else ("ok" if value <= bound else "OVER")
            target_text = f"1st/native <= {bound:g}x {verdict}"
        elif kind == "1st seconds":     # (an absolute budget: solve_ivp, issue 9)
            verdict = "—" if t_first is None else ("ok" if t_first <= bound else "OVER")
            target_text = f"1st call <= {fmt_t(bound)} {verdict}"
        else:
            value = speedup
            verdict = "—" if value is None else ("ok" if value >= bound else "UNDER")
            target_text = f"{kind} >= {bound:g}x {verdict}"
        time_rows.append([case.name, fmt_timing(native), fmt_t(cold), fmt_timing(first),
                          fmt_timing(steady), fmt_timing(ag)])
        ratio_rows.append([case.name, fmt_r(rec["ratio_first_over_native"]),
                           fmt_r(rec["ratio_steady_over_native"]), fmt_r(speedup),
                           fmt_r(rec["ratio_autograd_over_steady"]), target_text])
        fe = lambda x: "—" if x is None else f"{x:.1e}"
        check_rows.append([case.name, ref_how, fe(err_ref), fe(err_ag), fe(ag_err_ref),
                           f"{tol:g}", status])
        records.append(rec)
        print(" done", flush=True)
    print()
    print("Median time per call (first call = a new bcad.grad(fn) called once: "
          "interpretation + recording + backward; cold = the process's very first call):\n")
    print_table(["problem", "native fwd", "bcad grad cold", "bcad grad 1st call",
                 "bcad grad steady", "autograd grad"], time_rows)
    print_table(["problem", "bcad 1st / native", "bcad steady / native",
                 "autograd / bcad 1st", "autograd / bcad steady", "target"],
                ratio_rows)
    if hand_notes:
        print("\n".join(hand_notes) + "\n")
    print("Gradient checks (relative max-abs error):\n")
    print_table(["problem", "reference", "bcad vs ref", "bcad vs autograd",
                 "autograd vs ref", "tol (ref)", "check"], check_rows)
    if cfg.memory:
        print("Tape memory: tracemalloc peak of one fresh bcad grad call (tape plus "
              "everything else live during the call).  'Anchor ops' = differentiable scalar "
              "ops counted by the anchors; autograd's figure for RK4 is 83 MB "
              "(≈1.3 KB/op), see RESULTS.md.  bytes/recorded op needs bcad's own count "
              "(hook: tape_bytes_per_op / recorded_ops in run.py).\n")
        print_table(["problem", "traced peak", "anchor ops", "per anchor op",
                     "bcad recorded ops", "per recorded op", "vs hand-written gradient"],
                    mem_rows)
    else:
        print("Tape memory: skipped with --quick.\n")
    return records


# ---------------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true",
                    help="shorter samples and fewer repeats (~20 s); no memory table")
    ap.add_argument("--json", metavar="OUT", help="also write all measurements to OUT")
    ap.add_argument("--only", metavar="NAMES",
                    help="comma-separated case names (or substrings) to run")
    opts = ap.parse_args(argv)
    cfg = types.SimpleNamespace(
        min_time=0.05 if opts.quick else 0.2,
        repeats=3 if opts.quick else 5,
        budget=1.5 if opts.quick else 6.0,
        long_call=0.2 if opts.quick else 1.0,
        memory=not opts.quick,
        memory_max_call=5.0,  # s; tracemalloc slows allocation-heavy code ~2-3x
    )
    wanted = [w.strip() for w in opts.only.split(",")] if opts.only else None
    selected = lambda name: wanted is None or any(w in name for w in wanted)

    t_start = perf()
    autograd, autograd_err = load_autograd()
    bcad, bcad_err = load_bcad(autograd)
    meta = {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "loadavg_at_start": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "numpy": np.__version__,
        "bcad": None if bcad is None else getattr(bcad, "__version__", "?"),
        "bcad_file": None if bcad is None else getattr(bcad, "__file__", "?"),
        "bcad_error": bcad_err,
        "stub": STUB,
        "autograd": None if autograd is None else _dist_version("autograd"),
        "quick": opts.quick,
        "min_sample_s": cfg.min_time, "max_repeats": cfg.repeats,
        "budget_per_measurement_s": cfg.budget,
        "gc_enabled": gc.isenabled(),
    }
    print("# bcad benchmarks\n")
    if STUB:
        banner = ["BCAD_BENCH_STUB=1: bcad is a STAND-IN",
                  "(interpret = identity, grad = autograd's grad if installed).",
                  "These numbers test the runner; they say nothing about bcad."]
        width = max(map(len, banner)) + 6
        print("*" * width)
        for b in banner:
            print("*  " + b.ljust(width - 6) + "  *")
        print("*" * width + "\n")
    for k in ("date", "python", "platform", "cpus", "loadavg_at_start", "numpy", "bcad",
              "bcad_file", "autograd", "quick"):
        v = meta[k]
        if k == "loadavg_at_start" and v:
            v = " ".join(f"{x:.2f}" for x in v)
        print(f"- {k}: {v if v is not None else '—'}")
    print(f"- timing: median of up to {cfg.repeats} samples, each >= {cfg.min_time} s "
          f"(a warm-up call >= {cfg.long_call:g} s counts as one), <= {cfg.budget} s per "
          "measurement; time.perf_counter; GC enabled\n")

    report = Report()
    interp = run_interp(cfg, bcad, bcad_err, report, selected)
    ad = run_ad(cfg, bcad, bcad_err, autograd, autograd_err, report, selected)

    total = perf() - t_start
    meta["total_s"] = total
    print(f"Total run time {total:.1f} s.")
    if report.problems:
        print(f"\n!!!!!!!! {len(report.problems)} MISMATCH/FAILURE(S):")
        for p in report.problems:
            print(f"!!!!!!!!   {p}")
    else:
        print("All correctness checks passed." if bcad is not None else
              "No bcad results were checked.")
    if opts.json:
        d = os.path.dirname(os.path.abspath(opts.json))
        os.makedirs(d, exist_ok=True)
        with open(opts.json, "w") as f:
            json.dump({"meta": meta, "interpreter": interp, "ad": ad,
                       "problems": report.problems}, f, indent=1, default=str)
        print(f"Wrote {opts.json}")
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
