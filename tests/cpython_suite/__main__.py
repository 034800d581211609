"""python -m tests.cpython_suite [--full] [--modules m1,m2] [--write-expected]

Runs CPython's own unittest test methods natively and through bcad.interpret
and prints, per module and in total, "N of M natively passing tests also pass
interpreted".  Exits 1 if a natively passing test fails interpreted and is not
listed in tests/cpython_suite/expected_failures_<X.Y>.txt, 2 if the harness
cannot run.  See harness.py for details (BCAD_SUITE_STUB, timeouts, workers).
"""
import argparse
import json
import sys
import time

from . import harness


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m tests.cpython_suite",
                                 description=__doc__.split("\n\n")[1])
    ap.add_argument("--full", action="store_true",
                    help="run the full module list (default: the CI subset: "
                         + ", ".join(harness.CI_MODULES) + ")")
    ap.add_argument("--modules", help="comma-separated modules to run instead "
                    "(e.g. test_raise,test_with)")
    ap.add_argument("--write-expected", action="store_true",
                    help="rewrite the expected-failure file for this Python from "
                         "this run (keeps reasons; new entries '# TODO reason')")
    ap.add_argument("-k", "--match", help="only tests whose id contains this "
                    "substring (cannot be combined with --write-expected)")
    ap.add_argument("--timeout", type=float, default=harness.DEFAULT_TIMEOUT,
                    help="per-test timeout in seconds (default %(default)s)")
    ap.add_argument("-j", "--jobs", type=int, default=1,
                    help="modules run in parallel (default 1)")
    ap.add_argument("--resources", help="comma-separated test.support resources "
                    "to enable (default none, as regrtest)")
    ap.add_argument("--json", help="write all results (with tracebacks) to this file")
    ap.add_argument("--causes", action="store_true",
                    help="also print interpreted failures grouped by cause")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print the full traceback of each unexpected failure")
    args = ap.parse_args(argv)

    if args.match and args.write_expected:
        ap.error("--match cannot be combined with --write-expected")
    if args.modules:
        modules = [m.strip() for m in args.modules.split(",") if m.strip()]
        modules = [m[5:] if m.startswith("test.") else m for m in modules]
    else:
        modules = harness.FULL_MODULES if args.full else harness.CI_MODULES

    try:
        _, desc = harness.resolve_interpret()
    except harness.HarnessError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"Python {sys.version.split()[0]}; interpreter: {desc}", flush=True)
    print(f"modules: {', '.join(modules)}", flush=True)

    expected = harness.read_expected()
    t0 = time.monotonic()
    results = harness.run_modules(
        modules, jobs=args.jobs, timeout=args.timeout, match=args.match,
        resources=args.resources.split(",") if args.resources else None,
        progress=lambda r: print("  done " + harness.module_line(r, expected),
                                 flush=True))
    elapsed = time.monotonic() - t0

    if args.json:
        with open(args.json, "w") as f:
            json.dump({"python": sys.version, "elapsed": elapsed,
                       "modules": harness.results_to_json(results)}, f, indent=1)

    print()
    report, summary = harness.format_report(results, expected, verbose=args.verbose)
    print(report)
    if args.causes:
        print()
        print(harness.format_causes(results))
    print(f"\nwall time: {elapsed:.1f} s")

    if args.write_expected:
        added, removed = harness.write_expected(results)
        print(f"\nwrote {harness.expected_path()}: {len(added)} new entries "
              f"(marked '# TODO reason'), {len(removed)} removed")
        return 0
    return 1 if summary.unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
