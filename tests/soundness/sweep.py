"""Generated soundness sweep of bcad's C boundary: carriers x consumers.

Each case is `f(x) = consumer(carrier(x))` (carriers.py, consumers.py): the
carrier puts values derived from `x` into a container or object, the
consumer hands that to C-level or library code and returns a number.  Only
the combinations that run natively at x0 and return a finite number, and
whose central finite difference is stable, are kept.  `classify` then
compares `bcad.value_and_grad(f)(x0)` with the native function:

  correct      value equal to native, gradient equal to the finite difference
  clear error  bcad raised NonDifferentiableError / UnsupportedError (or the
               same TypeError as native)
  wrong        a gradient (or value) came back and it is not the native one:
               the bug bcad promises never to have
  other        any other exception from bcad, a timeout, or a crash of the
               worker process the cases run in (runner.py)

    python -m tests.soundness.sweep [-k SUBSTRING] [--json FILE] [--in-process]
"""
import argparse
import collections
import contextlib
import functools
import json
import math
import signal
import sys
import threading
import time
import warnings
from dataclasses import dataclass

import numpy as np

import bcad
from tests.soundness.carriers import CARRIERS, FD_STEP
from tests.soundness.consumers import CONSUMERS

X0 = 0.7
H, RTOL, ATOL = 1e-6, 1e-5, 1e-7
VALUE_RTOL = 1e-12
TIMEOUT = 20.0    # per case: a hang, not a slow first call on a loaded CI machine
CLEAR_ERRORS = (bcad.NonDifferentiableError, bcad.UnsupportedError)
OUTCOMES = ("correct", "clear error", "wrong", "other")

# Refusals that are false: the answer is easy (the builtin or statistics
# function only moves or adds tracked floats), so these cases must be correct.
_FR_CARRIERS = ("namedtuple", "tuple-subclass", "list-subclass", "deque",
                "dict.values()", "dict.keys()", "genexpr", "genfunc", "map(lambda)")
_FR_CONSUMERS = ("sum", "math.fsum", "math.prod", "min", "max", "sorted[0]",
                 "statistics.mean", "statistics.fmean", "statistics.median",
                 "statistics.stdev", "statistics.variance", "statistics.pstdev")
FALSE_REFUSAL_EXPECTED = frozenset(
    f"{a}-{b}" for a in _FR_CARRIERS for b in _FR_CONSUMERS)


@dataclass
class Case:
    name: str
    carrier: str
    consumer: str
    fn: object          # the composed function of one float
    x0: float
    native: float       # native f(x0)
    fd: float           # central finite difference of native f at x0
    rtol: float


@dataclass
class Result:
    name: str
    carrier: str
    consumer: str
    outcome: str
    value: object = None
    native: float = None
    grad: object = None
    fd: float = None
    error: str = None


def _compose(carrier, consumer, to_float):
    # Two plain functions rather than one with a flag, so that a case's
    # bytecode is only the composition (plus float() where the consumer
    # returns an int, Decimal, np.float32, ...).
    if to_float:
        def f(x):
            return float(consumer(carrier(x)))
    else:
        def f(x):
            return consumer(carrier(x))
    return f


@contextlib.contextmanager
def _quiet():
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield


def _real(r):
    """`r` as a float if it is a real number, else None."""
    if isinstance(r, (bool, complex, str, bytes)) or isinstance(r, np.ndarray):
        return None
    try:
        return float(r)
    except Exception:  # noqa: BLE001 - anything that is not a real number
        return None


def _close(a, b, rtol):
    return abs(a - b) <= rtol * max(abs(a), abs(b)) + ATOL


def _central(f, x0, h):
    return (float(f(x0 + h)) - float(f(x0 - h))) / (2.0 * h)


def make_case(carrier_name, carrier, consumer_name, consumer, x0=X0):
    """The case consumer(carrier(x)), or None if it does not fit: native f
    raises or returns a non-finite or non-real value, or its finite
    difference is not stable (a kink or jump within the step)."""
    name = f"{carrier_name}-{consumer_name}"
    h, rtol = FD_STEP.get(carrier_name, (H, RTOL))
    try:
        with _quiet():
            raw = _compose(carrier, consumer, False)(x0)
            value = _real(raw)
            if value is None or not math.isfinite(value):
                return None
            fn = _compose(carrier, consumer, not isinstance(raw, float))
            native = float(fn(x0))
            fd = _central(fn, x0, h)
            fd_fine = _central(fn, x0, h / 4.0)
    except Exception:  # noqa: BLE001 - the combination does not fit
        return None
    if not (math.isfinite(fd) and _close(fd, fd_fine, rtol)):
        return None
    return Case(name, carrier_name, consumer_name, fn, x0, native, fd, rtol)


@functools.lru_cache(maxsize=None)
def generate():
    """All fitting cases, in table order (cached: pytest collects once)."""
    cases = []
    for cname, carrier in CARRIERS:
        for kname, consumer in CONSUMERS:
            case = make_case(cname, carrier, kname, consumer)
            if case is not None:
                cases.append(case)
    names = [c.name for c in cases]
    assert len(names) == len(set(names)), "duplicate case names"
    return tuple(cases)


class _Timeout(BaseException):
    """Raised by the alarm; a BaseException so interpreted code's
    `except Exception` cannot swallow it."""


@contextlib.contextmanager
def _deadline(seconds):
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(signum, frame):
        raise _Timeout(f"no result after {seconds} s")
    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _native_exc(case):
    try:
        with _deadline(TIMEOUT), _quiet():
            case.fn(case.x0)
    except (Exception, _Timeout) as e:  # noqa: BLE001
        return e
    return None


def classify(case, mode="rev"):
    """Run bcad on one case and return its Result: reverse mode (the
    gradient) or, with mode="fwd", forward mode (bcad.jvp along 1.0: the
    same derivative), both against the finite difference."""
    res = Result(case.name, case.carrier, case.consumer, None, native=case.native, fd=case.fd)
    try:
        with _deadline(TIMEOUT), _quiet():
            if mode == "fwd":
                value, grad = bcad.jvp(case.fn, (case.x0,), (1.0,))
            else:
                value, grad = bcad.value_and_grad(case.fn)(case.x0)
    except CLEAR_ERRORS as e:
        res.outcome, res.error = "clear error", f"{type(e).__name__}: {e}"
        return res
    except (Exception, _Timeout) as e:  # noqa: BLE001
        res.error = f"{type(e).__name__}: {e}"
        # A TypeError is a clear error only if native raises the same one
        # (never for a generated case, which runs natively; kept for cases
        # built by hand).  Anything else, and a timeout, is "other".
        same = False
        if isinstance(e, TypeError):
            native = _native_exc(case)
            same = type(native) is type(e) and str(native) == str(e)
        res.outcome = "clear error" if same else "other"
        return res
    res.value, res.grad = value, grad
    v, g = _real(value), _real(grad)
    if v is None or g is None:
        res.outcome = "other"
        res.error = f"non-real result: value {value!r}, grad {grad!r}"
    elif not _close(v, case.native, VALUE_RTOL):
        res.outcome, res.error = "wrong", f"value {v!r} != native {case.native!r}"
    elif not (math.isfinite(g) and _close(g, case.fd, case.rtol)):
        res.outcome, res.error = "wrong", f"grad {g!r} != fd {case.fd!r}"
    else:
        res.outcome = "correct"
    return res


def run(cases, isolated=True, mode="rev"):
    """Results of `cases`: in a worker process that a crashing case cannot
    take down (runner.py), or in this process."""
    if isolated:
        from tests.soundness.runner import run_isolated
        return run_isolated(cases, mode)
    return [classify(c, mode) for c in cases]


# --- reporting -------------------------------------------------------------------

def _fmt(v):
    if isinstance(v, str):
        return v
    r = _real(v)
    return f"{r:.10g}" if r is not None else repr(v)


def _short(text, n=160):
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[:n - 3] + "..."


def report(results, out=sys.stdout, elapsed=None):
    counts = collections.Counter(r.outcome for r in results)
    print(f"bcad soundness sweep, Python {sys.version.split()[0]}: {len(results)} cases"
          f" (of {len(CARRIERS)} carriers x {len(CONSUMERS)} consumers)"
          + (f" in {elapsed:.1f} s" if elapsed is not None else ""), file=out)
    for o in OUTCOMES:
        print(f"  {o:12s} {counts[o]:5d}", file=out)

    bad = [r for r in results if r.outcome in ("wrong", "other")]
    for outcome in ("wrong", "other"):
        group = collections.defaultdict(list)
        for r in bad:
            if r.outcome == outcome:
                group[r.carrier].append(r)
        if not group:
            continue
        print(f"\n=== {outcome} cases, by carrier ===", file=out)
        for carrier, rs in group.items():
            print(f"[{carrier}] ({len(rs)})", file=out)
            for r in rs:
                if outcome == "wrong":
                    print(f"  {r.name}: bcad {_fmt(r.grad)}  fd {_fmt(r.fd)}"
                          f"  value {_fmt(r.value)} native {_fmt(r.native)}", file=out)
                else:
                    print(f"  {r.name}: {_short(r.error)}", file=out)

    if bad:
        print("\n=== wrong / other, by consumer ===", file=out)
        by_consumer = collections.defaultdict(list)
        for r in bad:
            by_consumer[r.consumer].append(r)
        for consumer, rs in sorted(by_consumer.items(), key=lambda kv: -len(kv[1])):
            kinds = collections.Counter(r.outcome for r in rs)
            carriers = ", ".join(r.carrier for r in rs)
            print(f"  {consumer}: {dict(kinds)}  <- {carriers}", file=out)

    refused = [r for r in results if r.name in FALSE_REFUSAL_EXPECTED and r.outcome != "correct"]
    if refused:
        print(f"\n=== FALSE_REFUSAL_EXPECTED cases not correct ({len(refused)}) ===", file=out)
        for r in refused:
            print(f"  {r.name}: {r.outcome}: {_short(r.error, 120)}", file=out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-k", dest="substring", help="only cases whose name contains this")
    parser.add_argument("--json", metavar="FILE", help="write per-case outcomes to FILE")
    parser.add_argument("--in-process", action="store_true",
                        help="run the cases in this process (a crashing case ends the sweep)")
    parser.add_argument("--fwd", action="store_true", help="forward mode (bcad.jvp)")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    cases = generate()
    if args.substring:
        cases = [c for c in cases if args.substring in c.name]
    results = run(cases, isolated=not args.in_process, mode="fwd" if args.fwd else "rev")
    report(results, elapsed=time.perf_counter() - t0)
    if args.json:
        from tests.soundness.runner import result_to_dict
        rows = [result_to_dict(r) for r in results]
        with open(args.json, "w") as fh:
            json.dump({"python": sys.version.split()[0], "cases": rows}, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
