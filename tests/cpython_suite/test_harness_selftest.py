"""The harness itself, on made-up TestCases (_selftest_cases.py), with the
identity stub as "interpreter": outcomes, subtests, async tests, timeouts,
swallowed timeouts, crashes and hangs in C, and the expected-failure file."""
import pytest

from tests.cpython_suite import harness

pytestmark = pytest.mark.cpython_suite

CASES = "tests.cpython_suite._selftest_cases"


@pytest.fixture(scope="module")
def result():
    return harness.run_module(CASES, timeout=1, watchdog=6, stub="force")


def outcomes(res):
    return {tid.rsplit(".", 1)[1]: (rec.native, rec.interp)
            for tid, rec in res.records.items()}


def test_outcomes(result):
    assert outcomes(result) == {
        "test_a_pass": ("pass", "pass"),
        "test_b_fail_interp": ("pass", "error"),
        "test_c_skip": ("skip", "skip"),
        "test_d_xfail": ("xfail", "xfail"),
        "test_e_native_fail": ("fail", "fail"),
        "test_f_subtest_interp": ("pass", "fail"),
        "test_g_hang_interp": ("pass", "timeout"),
        "test_h_swallow_interp": ("pass", "timeout"),
        "test_i_crash_interp": ("pass", "crash"),
        "test_j_c_hang_interp": ("pass", "hang"),
        "test_k_after": ("pass", "pass"),
        "test_async_pass": ("pass", "pass"),
        "test_async_fail_interp": ("pass", "error"),
        "test_subtest_hang_interp": ("pass", "timeout"),
    }
    assert "STUB" in result.interpreter
    rec = result.records[CASES + ".Cases.test_b_fail_interp"]
    assert harness.short_error(rec.interp_text) == "ValueError: only when interpreted"


def test_counts_and_expected_file(result, tmp_path):
    path = tmp_path / "expected.txt"
    path.write_text(f"{CASES}.Cases.test_b_fail_interp  # known reason\n"
                    f"{CASES}.Cases.test_a_pass  # stale\n"
                    "test_other.X.test_y  # module not run: kept\n")
    expected = harness.read_expected(path)
    s = harness.summarize([result], expected)
    assert (s.passing, s.total) == (4, 12)  # skip and native failure excluded
    assert [r.id.rsplit(".", 1)[1] for r in s.expected] == ["test_b_fail_interp"]
    assert len(s.unexpected) == 7
    assert s.stale == [f"{CASES}.Cases.test_a_pass"]
    added, removed = harness.write_expected([result], path)
    assert len(added) == 7 and removed == [f"{CASES}.Cases.test_a_pass"]
    new = harness.read_expected(path)
    assert new[f"{CASES}.Cases.test_b_fail_interp"] == "known reason"
    assert new["test_other.X.test_y"] == "module not run: kept"
    assert new[f"{CASES}.Cases.test_g_hang_interp"].startswith("TODO reason")
    assert harness.summarize([result], new).unexpected == []
