"""Run sweep cases in one worker process, surviving a case that kills it.

A case can take its process down: a segfault (e.g. CPython 3.11's garbage
collector clearing a memoryview that still has exports, when bcad leaves one
in a reference cycle) or a hang in C code that the per-case alarm cannot
interrupt.  So the cases run, in-process and in order, in ONE worker
process (`python -m tests.soundness.runner OUT NAMES`) that appends a line
to OUT before and after each case.  If the worker dies or stops making
progress, the case it was running is recorded as "other" and a new worker
resumes with the next case.
"""
import gc
import json
import os
import re
import subprocess
import sys
import tempfile
import time

from tests.soundness.sweep import TIMEOUT, Result, _real, classify, generate

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STALL = 6 * TIMEOUT  # no output for this long: the worker is stuck in C code


def _jsonable(v):
    if v is None or isinstance(v, str):
        return v
    r = _real(v)
    return r if r is not None else repr(v)


def result_to_dict(r):
    return {k: _jsonable(v) for k, v in vars(r).items()}


def _worker(out_path, names_path, mode="rev"):
    import faulthandler
    faulthandler.enable()          # a crash prints the Python stack to stderr
    with open(names_path) as fh:
        wanted = json.load(fh)
    by_name = {c.name: c for c in generate()}
    with open(out_path, "a", buffering=1) as out:
        for name in wanted:
            out.write(json.dumps({"begin": name}) + "\n")
            out.flush()
            res = classify(by_name[name], mode)
            # Collect this case's reference cycles now, so that a crash in
            # the garbage collector is blamed on the case that made them
            # (generation 1 only: a full collection per case costs ~10 ms).
            gc.collect(1)
            out.write(json.dumps(result_to_dict(res)) + "\n")
            out.flush()


def _read(out_path):
    """(finished results by name, name of the case begun but not finished)."""
    done, pending = {}, None
    with open(out_path) as fh:
        for line in fh:
            if not line.endswith("\n"):
                break               # a partial last line from a dying worker
            row = json.loads(line)
            if "begin" in row:
                pending = row["begin"]
            else:
                done[row["name"]] = Result(**row)
                pending = None
    return done, pending


def _run_worker(names, tmp, mode):
    """Run one worker over `names`; returns (results, pending, detail)."""
    out_path = os.path.join(tmp, "out.jsonl")
    names_path = os.path.join(tmp, "names.json")
    open(out_path, "w").close()
    with open(names_path, "w") as fh:
        json.dump(names, fh)
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    with open(os.path.join(tmp, "stderr"), "w+") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.soundness.runner", out_path, names_path, mode],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err)
        size, last_progress = -1, time.monotonic()
        while proc.poll() is None:
            time.sleep(0.05)
            now_size = os.path.getsize(out_path)
            if now_size != size:
                size, last_progress = now_size, time.monotonic()
            elif time.monotonic() - last_progress > STALL:
                proc.kill()
                proc.wait()
                break
        err.seek(0)
        stderr = err.read()
    done, pending = _read(out_path)
    detail = None
    if pending is not None:
        how = (f"no progress for {STALL:.0f} s (killed)" if proc.returncode == -9
               else f"worker died with return code {proc.returncode}")
        # The fatal error and any exception CPython printed on the way.
        lines = [ln.strip() for ln in stderr.splitlines()
                 if ln.startswith("Fatal Python error") or re.match(r"\w+(Error|Exception): ", ln)]
        detail = f"{how} while running this case: {' | '.join(dict.fromkeys(lines[-3:]))}"
    elif not done and names:
        raise RuntimeError(f"sweep worker failed before any case:\n{stderr}")
    return done, pending, detail


def run_isolated(cases, mode="rev"):
    """Results of `cases` (in order), run in worker processes."""
    by_name = {c.name: c for c in cases}
    remaining = [c.name for c in cases]
    results = {}
    with tempfile.TemporaryDirectory(prefix="bcad-sweep-") as tmp:
        while remaining:
            done, pending, detail = _run_worker(remaining, tmp, mode)
            results.update(done)
            if pending is not None:
                c = by_name[pending]
                results[pending] = Result(c.name, c.carrier, c.consumer, "other",
                                          native=c.native, fd=c.fd, error=detail)
            remaining = [n for n in remaining if n not in results]
    return [results[c.name] for c in cases]


if __name__ == "__main__":
    _worker(*sys.argv[1:4])
