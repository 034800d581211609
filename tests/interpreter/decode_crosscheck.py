"""Cross-check bcad's decoder against `dis` on every code object of the
standard library and of numpy's and scipy's Python files.

    python -m tests.interpreter.decode_crosscheck           # everything
    python -m tests.interpreter.decode_crosscheck --sample 0.05 -v

Each .py file is compiled by the running CPython and every code object in it
(recursively through co_consts) is decoded. A code object must decode, or be
refused with `UnsupportedError` for a documented reason (`REFUSED`); any
other failure of the decoder (an IndexError, KeyError... from the `bytecode`
package or from bcad's normalization, wrapped in UnsupportedError by
`decode`) is an internal error. A decoded code object is then compared with
`dis.get_instructions`: the instruction sequence, every argument that has a
counterpart in `dis`, the jump targets and the exception handlers.

`tests/interpreter/test_decode.py` runs a deterministic sample of files
within CI's time budget; this script runs all of them and prints counts.
"""
import argparse
import dis
import os
import sys
import sysconfig
import time
import types
import warnings
import zlib

from bcad.decode import decoder, versions
from bcad.errors import UnsupportedError

DROPPED = {"NOP", "PRECALL", "CACHE", "EXTENDED_ARG"}
SPLIT = {"LOAD_FAST_LOAD_FAST": 2, "STORE_FAST_LOAD_FAST": 2, "STORE_FAST_STORE_FAST": 2}
JUMPS = set(dis.hasjrel) | set(dis.hasjabs)
SLOTS = set(dis.haslocal) | set(dis.hasfree)
# Refusals documented in docs/supported-python.md: (version, what the bytecode
# package raises). 3.13's PEP 696 type parameter defaults use an intrinsic the
# bytecode package does not know.
REFUSED = {(3, 13): ("INTRINSIC_SET_TYPEPARAM_DEFAULT", "is not a valid Intrinsic2Op")}


# --------------------------------------------------------------------------
# What to check


def roots():
    """(label, directory) of the trees whose .py files are checked."""
    out = [("stdlib", sysconfig.get_paths()["stdlib"])]
    for name in ("numpy", "scipy"):
        try:
            mod = __import__(name)
        except ImportError:
            continue
        out.append((name, os.path.dirname(mod.__file__)))
    return out


def py_files(root):
    for d, subdirs, files in os.walk(root):
        # the stdlib's own site-packages holds installed third-party code
        subdirs[:] = sorted(s for s in subdirs if s not in ("site-packages", "__pycache__"))
        for f in sorted(files):
            if f.endswith(".py"):
                yield os.path.join(d, f)


def sampled(path, root, fraction):
    """Deterministic choice of a fraction of the files, by a hash of the path."""
    rel = os.path.relpath(path, root).encode()
    return zlib.crc32(rel) % 10000 < fraction * 10000


def compile_file(path):
    """The module code object, or None if this Python cannot compile it (the
    stdlib's test data holds deliberately bad files)."""
    try:
        with open(path, "rb") as f:
            src = f.read()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return compile(src, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError, UnicodeDecodeError, RecursionError, MemoryError):
        return None


def code_objects(co):
    todo = [co]
    while todo:
        c = todo.pop()
        yield c
        todo.extend(k for k in c.co_consts if isinstance(k, types.CodeType))


# --------------------------------------------------------------------------
# Checking one code object


def decode_one(co):
    """('ok', Code) / ('refused', message) / ('internal', message).

    Decodes without the cache (`decode` would keep every code object alive)."""
    try:
        return "ok", decoder.decode_uncached(co)
    except UnsupportedError as e:
        cause = e.__cause__
        why = f"{type(cause).__name__}: {cause}" if cause is not None else str(e)
        known = REFUSED.get(versions.VERSION)
        if known and known[1] in str(cause) and _uses(co, known[0]):
            return "refused", why
        return "internal", why
    except Exception as e:  # noqa: BLE001 - anything else is bcad's bug
        return "internal", f"{type(e).__name__}: {e} (not wrapped in UnsupportedError)"


def _uses(co, word):
    return any(word in (i.argrepr or "") for i in dis.get_instructions(co))


def _expected_index(co):
    """offset -> index in bcad's array of the first instruction at/after it."""
    index_of, k = {}, 1
    for di in dis.get_instructions(co):
        index_of[di.offset] = k
        if di.opname not in DROPPED:
            k += SPLIT.get(di.opname, 1)
    return index_of, k


def _resolve(index_of, offset, end):
    while offset not in index_of and offset < end * 2 + (1 << 16):
        offset += 2
    return index_of.get(offset, end)


def _arg_problem(co, di, mine, pos):
    """Why our argument disagrees with dis's, or None."""
    arg = mine.arg
    if di.opcode in JUMPS:
        return None                             # compared as targets
    if di.opcode in SLOTS:                      # index into the fast locals
        want = di.arg if di.opname not in SPLIT else (di.arg >> 4, di.arg & 15)[pos]
        return None if arg == want else f"slot {arg} != {want}"
    if di.opcode in dis.hasconst:               # (3.11's dis leaves KW_NAMES' unknown)
        want = co.co_consts[di.arg]
        return None if arg is want else f"const {arg!r} != {want!r}"
    if di.opname == "COMPARE_OP":
        ok = arg[0] == dis.cmp_op.index(di.argval) and (
            versions.VERSION < (3, 13) or arg[1] == bool(di.arg & 16))
        return None if ok else f"compare {arg} != {di.arg}"
    if di.opcode in dis.hasname:
        name = arg[-1] if isinstance(arg, tuple) else arg
        if name != di.argval:
            return f"name {name!r} != {di.argval!r}"
        # the low bit: push NULL (LOAD_GLOBAL), method form (3.12+ LOAD_ATTR)
        flagged = di.opname == "LOAD_GLOBAL" or (
            di.opname == "LOAD_ATTR" and versions.VERSION >= (3, 12))
        if flagged and mine.name.endswith(("_METHOD", "_NULL")) != bool(di.arg & 1):
            return f"{mine.name} for arg {di.arg}"
        return None
    if di.arg is None:
        return None if arg in (None, 0) else f"arg {arg!r} for no arg"
    try:
        return None if int(arg) == di.arg else f"arg {arg!r} != {di.arg}"
    except (TypeError, ValueError):
        return f"arg {arg!r} != {di.arg}"


def compare_with_dis(co, code):
    """A list of disagreements between the decoded `code` and dis (empty: ok)."""
    problems = []
    index_of, end = _expected_index(co)
    table = dis._parse_exception_table(co)
    k = 1
    for di in dis.get_instructions(co):
        if di.opname in DROPPED:
            continue
        for pos in range(SPLIT.get(di.opname, 1)):
            where = f"{co.co_qualname} offset {di.offset} {di.opname}"
            if k >= len(code.instrs):
                return problems + [f"{where}: missing from the decoded array"]
            mine = code.instrs[k]
            if mine.opname != di.opname:
                return problems + [f"{where}: decoded as {mine.opname}"]
            why = _arg_problem(co, di, mine, pos)
            if why:
                problems.append(f"{where}: {why}")
            if di.opcode in JUMPS and mine.target != _resolve(index_of, di.argval, end):
                problems.append(f"{where}: target {mine.target}")
            want = None
            for start, stop, target, depth, lasti in table:
                if start <= di.offset < stop:
                    want = (_resolve(index_of, target, end), depth, lasti)
                    break
            if mine.handler != want:
                problems.append(f"{where}: handler {mine.handler} != {want}")
            k += 1
    if k != len(code.instrs):
        problems.append(f"{co.co_qualname}: {len(code.instrs) - k} extra instructions")
    return problems


# --------------------------------------------------------------------------
# Running it


class Counts:
    def __init__(self):
        self.files = self.uncompilable = self.codes = 0
        self.ok = self.refused = self.internal = self.mismatched = 0
        self.failures = []          # (path, message): internal errors, mismatches
        self.refusals = []

    def line(self):
        return (f"{self.files} files ({self.uncompilable} not compilable), {self.codes} "
                f"code objects: {self.ok} decoded, {self.refused} refused with "
                f"UnsupportedError, {self.internal} internal errors, "
                f"{self.mismatched} disagreeing with dis")


def check_file(path, counts):
    counts.files += 1
    module = compile_file(path)
    if module is None:
        counts.uncompilable += 1
        return
    for co in code_objects(module):
        counts.codes += 1
        status, res = decode_one(co)
        if status == "ok":
            counts.ok += 1
            problems = compare_with_dis(co, res)
            if problems:
                counts.mismatched += 1
                counts.failures.append((path, "; ".join(problems[:3])))
        elif status == "refused":
            counts.refused += 1
            counts.refusals.append((path, f"{co.co_qualname}: {res}"))
        else:
            counts.internal += 1
            counts.failures.append((path, f"{co.co_qualname}: {res}"))


def run(fraction=1.0, progress=None):
    """{root label: Counts} over every (or a sampled fraction of the) file."""
    out = {}
    for label, root in roots():
        counts = out[label] = Counts()
        for path in py_files(root):
            if fraction >= 1.0 or sampled(path, root, fraction):
                check_file(path, counts)
        if progress:
            progress(label, counts)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m tests.interpreter.decode_crosscheck")
    ap.add_argument("--sample", type=float, default=1.0,
                    help="fraction of the files to check (default: all)")
    ap.add_argument("-v", "--verbose", action="store_true", help="list refusals too")
    args = ap.parse_args(argv)
    t0 = time.monotonic()
    print(f"Python {sys.version.split()[0]}, decoder cross-check against dis", flush=True)
    results = run(args.sample, lambda label, c: print(f"  {label}: {c.line()}", flush=True))
    total = Counts()
    for c in results.values():
        for attr in ("files", "uncompilable", "codes", "ok", "refused", "internal", "mismatched"):
            setattr(total, attr, getattr(total, attr) + getattr(c, attr))
        total.failures += c.failures
        total.refusals += c.refusals
    print(f"TOTAL: {total.line()} ({time.monotonic() - t0:.0f} s)")
    for path, msg in total.failures[:50]:
        print(f"  FAIL {path}: {msg}")
    if args.verbose:
        for path, msg in total.refusals:
            print(f"  refused {path}: {msg}")
    return 1 if total.failures else 0


if __name__ == "__main__":
    sys.exit(main())
