"""Run CPython's own unittest test methods through bcad's interpreter.

For every unittest ``TestCase`` method of the selected CPython test modules
(``test.test_grammar`` and so on, as shipped with the running interpreter) the
harness runs the test twice, in the same worker process and one right after
the other:

* natively, exactly as unittest would;
* interpreted: a fresh instance of the same TestCase class whose test method is
  replaced, on the instance, by ``bcad.interpret(original_bound_method)``.
  setUp/tearDown, class and module fixtures stay native; only the test
  method body runs in bcad's interpreter.  Nothing from CPython is copied.

A test counts in the denominator only if it passes natively (an
``@expectedFailure`` test that fails as expected counts as passing); it passes
interpreted if its interpreted outcome equals its native one.  Doctests (e.g.
the ``__test__`` dicts of test_generators, the doctests test_statistics adds
in ``load_tests``) are not TestCase methods and are not run; their count is
reported.

Robustness:

* each test module runs in its own worker subprocess (``_worker.py``), so a
  module that corrupts global state, or a crash (segfault, C stack overflow,
  ``os._exit``) of the interpreter, does not take the whole run down: the
  parent records the test in progress as ``crash`` and restarts the worker
  after it;
* a per-test ``signal.alarm`` (default 20 s, ``--timeout``) raises
  ``SuiteTimeout`` (a BaseException, so ``except Exception`` in the test or
  the interpreter does not swallow it) in the test; if it is swallowed anyway
  it is re-raised twice more and then the worker exits, and a parent-side
  watchdog kills a worker that stops making progress (a hang in C code);
  either way the test is reported as ``timeout``/``hang``, not a stuck run;
* like regrtest's default, ``test.support.use_resources`` is set to ``[]``
  (no ``-u`` resources such as ``cpu``), so resource-hungry tests skip.

Environment:

* ``BCAD_SUITE_STUB=1``: if ``import bcad`` fails or ``bcad.interpret`` is
  missing, use an identity ``interpret`` instead (to develop the harness
  before the interpreter exists).  ``BCAD_SUITE_STUB=force`` always uses the
  identity (checks the harness itself: every native pass must then also pass
  "interpreted").  The mode in use is printed in the report.
"""
from __future__ import annotations

import builtins
import concurrent.futures
import dataclasses
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent  # repository root (contains bcad/ and tests/)

FULL_MODULES = [
    # the language core
    "test_grammar", "test_scope", "test_exceptions", "test_raise", "test_generators",
    "test_with", "test_contextlib", "test_class", "test_super", "test_keywordonlyarg",
    "test_positional_only_arg", "test_patma", "test_fstring", "test_named_expressions",
    "test_augassign", "test_compare", "test_richcmp", "test_unary", "test_binop",
    "test_opcodes", "test_contains", "test_funcattrs", "test_property", "test_iter",
    "test_types", "test_abc",
    # builtin types
    "test_bool", "test_int", "test_long", "test_float", "test_complex", "test_pow",
    "test_list", "test_tuple", "test_dict", "test_set", "test_range", "test_slice",
    "test_sort",
    # the pure-Python stdlib numerical code leans on
    "test_copy", "test_json", "test_itertools", "test_enum", "test_operator",
    "test_collections", "test_heapq", "test_bisect", "test_math", "test_cmath",
    "test_numeric_tower", "test_dataclasses", "test_functools", "test_statistics",
    "test_fractions",
]
# CI (and the default run) leaves out the modules that take over 7 s
# natively plus interpreted: about 55 s per version for the other 44, and
# 210 s for all 54 (2 cores, one run; see docs/supported-python.md).
SLOW_MODULES = {
    "test_pow", "test_fstring", "test_exceptions", "test_collections", "test_statistics",
    "test_set", "test_math", "test_json", "test_itertools", "test_long",
}
CI_MODULES = [m for m in FULL_MODULES if m not in SLOW_MODULES]

DEFAULT_TIMEOUT = 20.0
PASSING = ("pass", "xfail")  # native outcomes that put a test in the denominator


class HarnessError(Exception):
    """The harness cannot run (e.g. bcad is not importable and no stub)."""


# --------------------------------------------------------------------------
# Choosing the interpreter


def _identity(fn):
    return fn


def resolve_interpret(stub=None):
    """Return ``(interpret, description)``.

    ``stub`` defaults to the BCAD_SUITE_STUB environment variable.
    """
    if stub is None:
        stub = os.environ.get("BCAD_SUITE_STUB", "")
    if stub == "force":
        return _identity, "STUB: identity interpret (BCAD_SUITE_STUB=force)"
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    try:
        import bcad  # noqa: PLC0415
        interpret = bcad.interpret
    except Exception as e:  # noqa: BLE001 - any failure means "not usable"
        if stub == "1":
            return _identity, f"STUB: identity interpret (bcad unusable: {e!r})"
        raise HarnessError(
            f"bcad.interpret is not usable ({e!r}); set BCAD_SUITE_STUB=1 to "
            "run the harness with an identity stub") from e
    return interpret, f"bcad.interpret from {Path(bcad.__file__).parent}"


# --------------------------------------------------------------------------
# Records


@dataclasses.dataclass
class TestRecord:
    id: str                      # "test_grammar.GrammarTests.test_funcdef"
    native: str = "not-run"      # pass/xfail/fail/error/skip/timeout/crash/hang/...
    interp: str = "not-run"
    native_text: str = ""
    interp_text: str = ""
    native_time: float = 0.0
    interp_time: float = 0.0

    @property
    def natively_passing(self):
        return self.native in PASSING

    @property
    def interp_passing(self):
        return self.natively_passing and self.interp == self.native

    @property
    def interp_failing(self):
        return self.natively_passing and self.interp != self.native


@dataclasses.dataclass
class ModuleResult:
    name: str
    records: dict = dataclasses.field(default_factory=dict)  # id -> TestRecord
    notes: list = dataclasses.field(default_factory=list)    # import/fixture/crash notes
    doctests_skipped: int = 0
    restarts: int = 0
    wall: float = 0.0
    interpreter: str = ""

    def natively_passing(self):
        return [r for r in self.records.values() if r.natively_passing]

    def interp_failures(self):
        return [r for r in self.records.values() if r.interp_failing]


_EXC_LINE = re.compile(r"^([A-Za-z_][\w.]*)(?:: (.*))?$")
_EXC_SUFFIX = re.compile(r"(Error|Exception|Exit|Interrupt|Iteration|Warning|"
                         r"Timeout|Crash|Hang|Group)$")


def _is_exc_name(name):
    last = name.rsplit(".", 1)[-1]
    obj = getattr(builtins, last, None)
    return bool(_EXC_SUFFIX.search(last)) or (
        isinstance(obj, type) and issubclass(obj, BaseException))


def short_error(text, limit=300):
    """'ExcType: message' of the last exception in a formatted traceback.

    Skips what follows it (exception notes such as bcad's "interpreted
    traceback", indented frames); falls back to the last non-empty line."""
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    if not lines:
        return ""
    found = lines[-1].strip()
    for ln in reversed(lines):
        m = _EXC_LINE.match(ln)
        if m and _is_exc_name(m.group(1)):
            found = ln
            break
    return found if len(found) <= limit else found[:limit] + "..."


# --------------------------------------------------------------------------
# Running one module: parent side (spawns and restarts the worker)


def run_module(name, *, timeout=DEFAULT_TIMEOUT, match=None, stub=None,
               python=None, max_restarts=100, resources=None, watchdog=None):
    """Run one CPython test module natively and interpreted; ModuleResult."""
    name = name[5:] if name.startswith("test.") else name
    python = python or sys.executable
    res = ModuleResult(name)
    started = time.monotonic()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    env.setdefault("PYTHONFAULTHANDLER", "1")
    if stub is not None:
        env["BCAD_SUITE_STUB"] = stub
    # Longest time a worker may go without any progress before it is killed:
    # the alarm fires after `timeout`, is re-raised twice 5 s apart, then the
    # worker exits by itself; this is only for hangs signals cannot break.
    if watchdog is None:
        watchdog = 2 * timeout + 30
    done_ids = set()
    with tempfile.TemporaryDirectory(prefix=f"bcad-suite-{name}-") as tmp:
        skip_file = Path(tmp, "skip.txt")
        # Tests run in a scratch working directory, as under regrtest: some
        # write files relative to it (e.g. os_helper.temp_cwd("tempcwd")),
        # which must not land in the repository nor collide between workers.
        cwd = Path(tmp, "cwd")
        cwd.mkdir()
        attempt = 0
        while True:
            out_path = Path(tmp, f"out{attempt}.jsonl")
            log_path = Path(tmp, f"log{attempt}.txt")
            skip_file.write_text("\n".join(sorted(done_ids)))
            cmd = [python, "-X", "faulthandler", "-m", "tests.cpython_suite._worker",
                   "--module", name, "--out", str(out_path),
                   "--timeout", str(timeout), "--skip-file", str(skip_file)]
            if match:
                cmd += ["--match", match]
            if resources is not None:
                cmd += ["--resources", ",".join(resources)]
            with open(log_path, "wb") as log:
                proc = subprocess.Popen(cmd, cwd=str(cwd), env=env, stdout=log,
                                        stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL)
                killed = _watch(proc, out_path, watchdog)
            events = _read_events(out_path)
            finished, current = _apply_events(res, events, done_ids)
            if finished:
                break
            # The worker died or was killed before finishing the module.
            tail = log_path.read_text(errors="replace")[-3000:]
            how = ("hang" if killed else "crash")
            if killed:
                why = (f"WorkerHang: worker killed after {watchdog:g} s without "
                       "progress (a hang the per-test alarm could not break)")
            else:
                why = f"WorkerCrash: worker exited with code {proc.returncode}"
            detail = f"--- worker output tail ---\n{tail}\n--- end of tail ---\n{why}"
            if current is None:
                # Died between tests (e.g. after reporting a swallowed
                # timeout, or in a class fixture): go on if it got anywhere.
                if not any(ev["event"] == "result" for ev in events):
                    res.notes.append(f"worker {how} outside any test, giving up "
                                     f"on the module:\n{detail}")
                    break
            else:
                tid, mode = current
                rec = res.records.setdefault(tid, TestRecord(tid))
                if getattr(rec, mode) in ("not-run", "running"):
                    setattr(rec, mode, how)
                    setattr(rec, mode + "_text", detail)
                done_ids.add(tid)
            attempt += 1
            res.restarts += 1
            if attempt > max_restarts:
                res.notes.append(f"gave up after {max_restarts} worker restarts")
                break
    for rec in res.records.values():
        for mode in ("native", "interp"):
            if getattr(rec, mode) == "running":
                setattr(rec, mode, "not-run")
    res.wall = time.monotonic() - started
    return res


def _watch(proc, out_path, watchdog):
    """Wait for the worker; kill it if it makes no progress. True if killed."""
    last_size, last_change = -1, time.monotonic()
    while True:
        try:
            proc.wait(timeout=0.5)
            return False
        except subprocess.TimeoutExpired:
            pass
        try:
            size = out_path.stat().st_size
        except OSError:
            size = -1
        now = time.monotonic()
        if size != last_size:
            last_size, last_change = size, now
        elif now - last_change > watchdog:
            proc.kill()
            proc.wait()
            return True


def _read_events(path):
    events = []
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return events
    for line in text.splitlines():
        try:
            events.append(json.loads(line))
        except ValueError:
            pass  # a line cut short by a crash
    return events


def _apply_events(res, events, done_ids):
    """Fold worker events into res. Returns (finished, (id, mode) in progress)."""
    current = None
    finished = False
    for ev in events:
        kind = ev["event"]
        if kind == "worker":
            res.interpreter = ev["interpreter"]
        elif kind == "start":
            rec = res.records.setdefault(ev["id"], TestRecord(ev["id"]))
            setattr(rec, ev["mode"], "running")
            done_ids.add(ev["id"])
            current = (ev["id"], ev["mode"])
        elif kind == "result":
            rec = res.records.setdefault(ev["id"], TestRecord(ev["id"]))
            setattr(rec, ev["mode"], ev["outcome"])
            setattr(rec, ev["mode"] + "_text", ev["text"])
            setattr(rec, ev["mode"] + "_time", ev["time"])
            current = None
        elif kind == "doctests":
            res.doctests_skipped = ev["count"]
        elif kind == "note":
            res.notes.append(ev["text"])
        elif kind == "done":
            finished = True
    return finished, current


# --------------------------------------------------------------------------
# Running many modules


def run_modules(modules, *, jobs=1, progress=None, **kw):
    """Run modules (in parallel worker processes if jobs > 1); list of results
    in the order given.  progress(ModuleResult) is called as each finishes."""
    results = {}
    lock = threading.Lock()

    def one(m):
        r = run_module(m, **kw)
        with lock:
            results[m] = r
            if progress:
                progress(r)
        return r

    if jobs <= 1:
        for m in modules:
            one(m)
    else:
        with concurrent.futures.ThreadPoolExecutor(jobs) as ex:
            list(ex.map(one, modules))
    return [results[m] for m in modules]


# --------------------------------------------------------------------------
# Expected failures


def version_tag():
    return f"{sys.version_info[0]}.{sys.version_info[1]}"


def expected_path(version=None):
    return HERE / f"expected_failures_{version or version_tag()}.txt"


def read_expected(path=None):
    """{test id: reason} from an expected-failure file (missing file: {})."""
    path = Path(path or expected_path())
    entries = {}
    if not path.exists():
        return entries
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        tid, _, reason = line.partition("#")
        entries[tid.strip()] = reason.strip()
    return entries


HEADER = """\
# Expected interpreted failures of CPython's test suite under bcad, Python {ver}.
# One line per test: `module.Class.test_method  # reason`.
# A natively passing test that fails interpreted and is not listed here makes
# `python -m tests.cpython_suite` (and the cpython_suite pytest) fail.
# Regenerate with `python -m tests.cpython_suite --full --write-expected`
# (existing reasons are kept; new entries get `# TODO reason`).
"""


def write_expected(results, path=None, version=None):
    """Rewrite the expected-failure file from results; returns (added, removed).

    Entries of modules that were not run are kept; entries of modules that ran
    are kept if the test still fails interpreted (reason kept), or if it did
    not pass natively this time (cannot tell); dropped if it now passes or no
    longer exists.  New failures get '# TODO reason (<last error line>)'.
    """
    path = Path(path or expected_path(version))
    old = read_expected(path)
    ran = {r.name for r in results}
    records = {tid: rec for r in results for tid, rec in r.records.items()}
    new = {}
    for tid, reason in old.items():
        mod = next((m for m in ran if tid.startswith(m + ".")), tid.split(".", 1)[0])
        rec = records.get(tid)
        if mod not in ran:
            new[tid] = reason
        elif rec is None or rec.interp_passing:
            continue
        else:
            new[tid] = reason
    added = []
    for tid, rec in records.items():
        if rec.interp_failing and tid not in new:
            err = short_error(rec.interp_text, 120) or rec.interp
            new[tid] = f"TODO reason ({rec.interp}: {err})"
            added.append(tid)
    removed = sorted(set(old) - set(new))
    lines = [HEADER.format(ver=version or version_tag())]
    for tid in sorted(new):
        lines.append(f"{tid}  # {new[tid]}" if new[tid] else tid)
    path.write_text("\n".join(lines) + "\n")
    return sorted(added), removed


# --------------------------------------------------------------------------
# Reporting


@dataclasses.dataclass
class Summary:
    passing: int            # natively passing and interpreted passing
    total: int              # natively passing
    unexpected: list        # TestRecords failing interpreted, not expected
    expected: list          # TestRecords failing interpreted, expected
    stale: list             # ids expected to fail that now pass


def summarize(results, expected):
    passing = total = 0
    unexpected, exp, stale = [], [], []
    for r in results:
        for rec in r.records.values():
            if not rec.natively_passing:
                continue
            total += 1
            if rec.interp_passing:
                passing += 1
                if rec.id in expected:
                    stale.append(rec.id)
            elif rec.id in expected:
                exp.append(rec)
            else:
                unexpected.append(rec)
    return Summary(passing, total, sorted(unexpected, key=lambda x: x.id),
                   sorted(exp, key=lambda x: x.id), sorted(stale))


def module_line(r, expected):
    np = r.natively_passing()
    ok = sum(rec.interp_passing for rec in np)
    fails = r.interp_failures()
    n_exp = sum(rec.id in expected for rec in fails)
    excluded = len(r.records) - len(np)
    extra = [f"{n_exp} expected failures", f"{len(fails) - n_exp} unexpected"]
    if excluded:
        extra.append(f"{excluded} not passing natively, excluded")
    if r.doctests_skipped:
        extra.append(f"{r.doctests_skipped} doctests not run")
    if r.restarts:
        extra.append(f"{r.restarts} worker restarts")
    extra.append(f"{r.wall:.1f} s")
    return (f"{r.name}: {ok} of {len(np)} natively passing tests also pass "
            f"interpreted ({', '.join(extra)})")


def format_report(results, expected, *, verbose=False):
    s = summarize(results, expected)
    out = [f"CPython test suite under bcad: Python {sys.version.split()[0]}, "
           f"{results[0].interpreter if results else ''}", ""]
    for r in results:
        out.append(module_line(r, expected))
        for note in r.notes:
            out.append("    note: " + note.strip().replace("\n", "\n          "))
    wall = sum(r.wall for r in results)
    out.append("")
    out.append(f"TOTAL (Python {version_tag()}): {s.passing} of {s.total} natively "
               f"passing tests also pass interpreted ({len(s.expected)} expected "
               f"failures, {len(s.unexpected)} unexpected; {wall:.1f} s summed "
               f"over modules)")
    if s.unexpected:
        out.append("")
        out.append(f"UNEXPECTED interpreted failures ({len(s.unexpected)}), not in "
                   f"{expected_path().name}:")
        for rec in s.unexpected:
            out.append(f"  {rec.id}: {rec.interp}: {short_error(rec.interp_text)}")
            if verbose and rec.interp_text:
                out.append("    " + rec.interp_text.strip().replace("\n", "\n    "))
    if s.stale:
        out.append("")
        out.append(f"WARNING: {len(s.stale)} expected-failure entries now pass "
                   f"interpreted (stale; remove them or run --write-expected):")
        out.extend(f"  {tid}" for tid in s.stale)
    return "\n".join(out), s


_ADDR = re.compile(r" at 0x[0-9a-fA-F]+")
_NUM = re.compile(r"(?<![A-Za-z_])\d+(\.\d+)?")


def failure_cause(rec):
    """A normalized one-line cause of an interpreted failure, for grouping."""
    if rec.interp in ("timeout", "crash", "hang"):
        return rec.interp
    line = short_error(rec.interp_text, 160)
    return _NUM.sub("N", _ADDR.sub("", line)) or rec.interp


def group_causes(results, only=None):
    """[(cause, [TestRecord...])] of natively passing tests failing
    interpreted (restricted to the ids in `only` if given), most common first."""
    groups = {}
    for r in results:
        for rec in r.interp_failures():
            if only is None or rec.id in only:
                groups.setdefault(failure_cause(rec), []).append(rec)
    return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))


def format_causes(results, limit=40):
    out = ["Most common interpreted failure causes (natively passing tests):"]
    for cause, recs in group_causes(results)[:limit]:
        mods = sorted({r.id.split(".", 1)[0] for r in recs})
        out.append(f"  {len(recs):4d}  {cause}")
        out.append(f"        e.g. {recs[0].id}  [{', '.join(mods)}]")
    return "\n".join(out)


def results_to_json(results):
    return [{
        "module": r.name, "wall": r.wall, "restarts": r.restarts,
        "doctests_skipped": r.doctests_skipped, "notes": r.notes,
        "interpreter": r.interpreter,
        "tests": [dataclasses.asdict(rec) for rec in r.records.values()],
    } for r in results]
