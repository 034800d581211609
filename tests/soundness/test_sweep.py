"""Pytest front end of the generated soundness sweep (sweep.py).

Every generated case must be "correct" or a "clear error"; the cases in
FALSE_REFUSAL_EXPECTED must be "correct".  Cases bcad currently gets wrong
are deliberately not marked xfail: they fail until bcad is fixed.

The selected cases run once, in one worker process (runner.py), so that a
case crashing its interpreter fails that case instead of the whole pytest
session.  BCAD_SWEEP_IN_PROCESS=1 runs them in the pytest process instead
(e.g. to use --pdb).

PYTEST_DONT_REWRITE: the interpreted bytecode must be plain compiler output.
"""
import os

import pytest

from tests.soundness.sweep import FALSE_REFUSAL_EXPECTED, classify, generate, run

MIN_CASES = 1000
CASES = generate()
IN_PROCESS = os.environ.get("BCAD_SWEEP_IN_PROCESS") == "1"


def test_enough_cases():
    assert len(CASES) >= MIN_CASES, f"only {len(CASES)} cases generated"


def test_false_refusal_table_is_generated():
    # A name in the table that no longer fits (renamed carrier or consumer,
    # or native now fails) would silently stop being checked.
    missing = FALSE_REFUSAL_EXPECTED - {c.name for c in CASES}
    assert not missing, f"not generated: {sorted(missing)}"


def _selected(request, test):
    return [item.callspec.params["case"] for item in request.session.items
            if getattr(item, "function", None) is test]


@pytest.fixture(scope="session")
def sweep_results(request):
    """Results of the test_case items pytest selected, by case name."""
    return {r.name: r for r in run(_selected(request, test_case), isolated=True)}


@pytest.fixture(scope="session")
def sweep_results_fwd(request):
    """The same in forward mode (test_case_fwd)."""
    return {r.name: r for r in run(_selected(request, test_case_fwd), isolated=True,
                                   mode="fwd")}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case, request):
    r = classify(case) if IN_PROCESS else request.getfixturevalue("sweep_results")[case.name]
    _check(case, r)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_fwd(case, request):
    # Forward mode on the same cases: a missing JVP is a clear error, never
    # a zero tangent; a false refusal in reverse mode is one here too.
    r = classify(case, "fwd") if IN_PROCESS else \
        request.getfixturevalue("sweep_results_fwd")[case.name]
    _check(case, r)


def _check(case, r):
    allowed = ("correct",) if case.name in FALSE_REFUSAL_EXPECTED else ("correct", "clear error")
    assert r.outcome in allowed, (
        f"{case.name}: {r.outcome} (allowed: {', '.join(allowed)})\n"
        f"  bcad value {r.value!r}, native {r.native!r}\n"
        f"  bcad grad {r.grad!r}, finite difference {r.fd!r}\n"
        f"  {r.error or ''}")
