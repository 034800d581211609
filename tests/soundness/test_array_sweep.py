"""Pytest front end of the array soundness sweep (array_sweep.py): every
generated case must be correct or a clear error, never a wrong number.

PYTEST_DONT_REWRITE: the interpreted bytecode must be plain compiler output.
"""
import pytest

from tests.soundness.array_sweep import generate, classify

MIN_CASES = 1500
CASES = generate()


def test_enough_cases():
    assert len(CASES) >= MIN_CASES, f"only {len(CASES)} cases generated"


def test_scipy_consumers():
    # scipy is in the test extra: its consumers are part of the sweep
    pytest.importorskip("scipy")
    from tests.soundness.scipy_consumers import SCIPY_CONSUMERS
    names = {n for n, _ in SCIPY_CONSUMERS}
    assert sum(c.consumer in names for c in CASES) >= 1000


@pytest.mark.parametrize("mode", ["rev", "fwd"])
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case, mode):
    r = classify(case, mode)
    assert r.outcome in ("correct", "clear error"), (
        f"{case.name}: {r.outcome}\n  bcad value {r.value!r}, native {case.native!r}\n"
        f"  <grad, v> {r.directional!r}, finite difference {case.fd!r}\n  {r.error or ''}")
