"""Worker process: runs the TestCase methods of one CPython test module, each
natively and then interpreted, writing one JSON line per event to --out.

Started by harness.run_module; not meant to be run by hand (but it can be:
``python -m tests.cpython_suite._worker --module test_raise --out /dev/stdout``).
"""
import argparse
import doctest
import importlib
import inspect
import json
import os
import signal
import sys
import time
import traceback
import unittest

from tests.cpython_suite.harness import resolve_interpret

RECURSION_LIMIT = 10000
_COPIED_ATTRS = ("__unittest_skip__", "__unittest_skip_why__",
                 "__unittest_expecting_failure__")


class SuiteTimeout(BaseException):
    """Raised in a test that ran longer than the per-test timeout.

    A BaseException so that ``except Exception`` does not swallow it."""


def make_interpreted(bound, interpret):
    """A stand-in for the bound test method that runs it through interpret.

    interpret(bound) is called when the test runs, so an error bcad raises
    while preparing the function is reported as the test's failure."""
    if inspect.iscoroutinefunction(bound):
        # IsolatedAsyncioTestCase awaits test methods that are coroutine
        # functions: keep it so; the coroutine is produced by the interpreter.
        async def interpreted_test():
            return await interpret(bound)()
    else:
        def interpreted_test():
            return interpret(bound)()
    for attr in _COPIED_ATTRS:
        if hasattr(bound, attr):
            setattr(interpreted_test, attr, getattr(bound, attr))
    interpreted_test.__name__ = getattr(bound, "__name__", "interpreted_test")
    interpreted_test.__qualname__ = getattr(bound, "__qualname__", interpreted_test.__name__)
    return interpreted_test


def short_id(test):
    tid = test.id()
    return tid[5:] if tid.startswith("test.") else tid


class RecordingResult(unittest.TestResult):
    """Records each test's outcome and writes it out; arms the per-test alarm."""

    def __init__(self, emit, timeout):
        super().__init__()
        self.emit = emit
        self.timeout = timeout
        self.cur = None
        self.fired = 0
        signal.signal(signal.SIGALRM, self._on_alarm)

    # -- timeout ----------------------------------------------------------
    def _on_alarm(self, signum, frame):
        self.fired += 1
        if self.fired >= 3 and self.cur is not None:
            # The SuiteTimeout was swallowed twice: give up on this worker;
            # the parent restarts it after this test.
            self.cur["outcome"] = "timeout"
            self.cur["texts"].append(
                f"SuiteTimeout: test exceeded {self.timeout:g} s; the timeout "
                "exception was caught twice (by the test, e.g. a bare except, "
                "or by the interpreter) and the test ran on; worker stopped")
            self._emit_result()
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(75)
        # Re-raise if the exception gets swallowed.
        signal.setitimer(signal.ITIMER_REAL, min(5.0, self.timeout))
        raise SuiteTimeout(f"test exceeded the {self.timeout:g} s per-test timeout")

    # -- bookkeeping ------------------------------------------------------
    def startTest(self, test):
        super().startTest(test)
        mode = getattr(test, "_bcad_mode", "native")
        self.cur = {"id": short_id(test), "mode": mode, "outcome": "pass",
                    "texts": [], "t0": time.perf_counter()}
        self.emit({"event": "start", "id": self.cur["id"], "mode": mode})
        self.fired = 0
        signal.setitimer(signal.ITIMER_REAL, self.timeout)

    def stopTest(self, test):
        signal.setitimer(signal.ITIMER_REAL, 0)
        super().stopTest(test)
        if self.cur is not None:
            self._emit_result()
        self.cur = None

    def _emit_result(self):
        cur = self.cur
        text = "\n".join(cur["texts"])
        if len(text) > 20000:
            text = text[:5000] + "\n[... cut ...]\n" + text[-15000:]
        self.emit({"event": "result", "id": cur["id"], "mode": cur["mode"],
                   "outcome": cur["outcome"], "text": text,
                   "time": round(time.perf_counter() - cur["t0"], 4)})
        self.cur = None

    def _set(self, outcome, text):
        if self.cur is None:
            # Outside a test: class or module fixture (setUpClass, ...).
            self.emit({"event": "note", "text": text})
            return
        rank = {"pass": 0, "skip": 1, "xfail": 1, "unexpected-success": 2,
                "fail": 3, "error": 4, "timeout": 5}
        if rank.get(outcome, 4) >= rank.get(self.cur["outcome"], 0):
            self.cur["outcome"] = outcome
        self.cur["texts"].append(text)

    def _err(self, err, test, default):
        text = self._exc_info_to_string(err, test)
        lines = text.strip().splitlines()
        if err[0] is SuiteTimeout or (lines and "SuiteTimeout" in lines[-1]):
            return "timeout", text
        return default, text

    # -- outcomes ---------------------------------------------------------
    def addError(self, test, err):
        outcome, text = self._err(err, test, "error")
        if self.cur is None:
            text = f"fixture error in {test}:\n{text}"
        self._set(outcome, text)

    def addFailure(self, test, err):
        self._set(*self._err(err, test, "fail"))

    def addSubTest(self, test, subtest, err):
        if err is not None:
            kind = "fail" if issubclass(err[0], test.failureException) else "error"
            outcome, text = self._err(err, test, kind)
            self._set(outcome, f"[subtest {subtest._subDescription()}]\n{text}")
            if err[0] is SuiteTimeout:
                # subTest() records the exception and lets the test go on to
                # its next subtest: end the whole test instead (this is
                # called from inside subTest's except clause).
                raise SuiteTimeout(f"test exceeded the {self.timeout:g} s "
                                   "per-test timeout (in a subtest)")

    def addSkip(self, test, reason):
        if self.cur is None:
            if hasattr(test, "_bcad_mode"):
                # Python 3.12+ reports skipped tests without startTest.
                self.emit({"event": "result", "id": short_id(test),
                           "mode": test._bcad_mode, "outcome": "skip",
                           "text": f"skipped: {reason}", "time": 0.0})
            else:
                self.emit({"event": "note", "text": f"skipped {test}: {reason}"})
            return
        self._set("skip", f"skipped: {reason}")

    def addExpectedFailure(self, test, err):
        self._set("xfail", "expected failure: " + self._exc_info_to_string(err, test))

    def addUnexpectedSuccess(self, test):
        self._set("unexpected-success", "unexpected success of an @expectedFailure test")


def iter_tests(suite):
    for t in suite:
        if isinstance(t, unittest.TestSuite):
            yield from iter_tests(t)
        else:
            yield t


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--module", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--timeout", type=float, default=20.0)
    ap.add_argument("--skip-file")
    ap.add_argument("--match")
    ap.add_argument("--resources", default="",
                    help="comma-separated test.support resources to enable")
    args = ap.parse_args(argv)

    out = open(args.out, "a", buffering=1)

    def emit(ev):
        out.write(json.dumps(ev) + "\n")
        out.flush()

    interpret, desc = resolve_interpret()
    emit({"event": "worker", "interpreter": desc})

    from test import support
    # As regrtest does by default: no optional resources (cpu, network...).
    support.use_resources = [r for r in args.resources.split(",") if r]
    # Users run bcad the way scientific code runs: often with a raised
    # recursion limit. Both runs of every test see it.
    sys.setrecursionlimit(RECURSION_LIMIT)

    skip = set()
    if args.skip_file and os.path.exists(args.skip_file):
        with open(args.skip_file) as f:
            skip = {ln.strip() for ln in f if ln.strip()}

    try:
        # A dotted name is imported as is (the harness's self-test uses it).
        mod = importlib.import_module(
            args.module if "." in args.module else "test." + args.module)
        suite = unittest.defaultTestLoader.loadTestsFromModule(mod)
    except BaseException:  # noqa: BLE001
        emit({"event": "note", "text": "cannot import/load module:\n" + traceback.format_exc()})
        emit({"event": "done"})
        return 0

    run = unittest.TestSuite()
    n_doctests = 0
    for t in iter_tests(suite):
        if isinstance(t, doctest.DocTestCase):
            n_doctests += 1
            continue
        if type(t).__name__ == "_FailedTest" or isinstance(t, unittest.FunctionTestCase):
            emit({"event": "note", "text": f"not a TestCase method, not run: {t.id()}"
                  + (f"\n{t._exception}" if hasattr(t, "_exception") else "")})
            continue
        tid = short_id(t)
        if tid in skip or (args.match and args.match not in tid):
            continue
        name = t._testMethodName
        t._bcad_mode = "native"
        it = type(t)(name)
        it._bcad_mode = "interp"
        # Shadow the class's method on the instance: TestCase.run looks the
        # test method up with getattr(self, self._testMethodName).
        setattr(it, name, make_interpreted(getattr(it, name), interpret))
        run.addTest(t)
        run.addTest(it)
    emit({"event": "doctests", "count": n_doctests})

    result = RecordingResult(emit, args.timeout)
    run.run(result)
    signal.setitimer(signal.ITIMER_REAL, 0)
    emit({"event": "done"})
    out.close()
    # Skip interpreter teardown: a test may have left threads or state that
    # makes a normal exit slow or noisy; everything is written already.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
