"""CI subset of CPython's test suite, natively and through bcad.interpret.

Fails, listing them, if natively passing tests fail interpreted without being
listed in expected_failures_<X.Y>.txt.  Deselect with -m 'not cpython_suite'.
Same as `python -m tests.cpython_suite` (which also prints the pass counts).
"""
import pytest

from tests.cpython_suite import harness

pytestmark = pytest.mark.cpython_suite


def test_cpython_suite_ci_subset():
    try:
        _, desc = harness.resolve_interpret()
    except harness.HarnessError as e:
        pytest.fail(str(e))
    expected = harness.read_expected()
    results = harness.run_modules(harness.CI_MODULES)
    report, summary = harness.format_report(results, expected)
    print(report)  # shown by pytest with -s, or on failure
    if summary.unexpected:
        lines = [f"{rec.id}: {rec.interp}: {harness.short_error(rec.interp_text)}"
                 for rec in summary.unexpected]
        pytest.fail(
            f"{len(summary.unexpected)} natively passing CPython tests fail under "
            f"{desc} and are not in {harness.expected_path().name}:\n  "
            + "\n  ".join(lines), pytrace=False)
