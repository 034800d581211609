"""Pytest front end of the second-order sweep (second_order.py): every rule
case of the first-order tables differentiated twice, forward over reverse,
reverse over reverse and reverse over forward, against differences of the
gradient.  A case is correct, or a refusal listed in REFUSED; a wrong
number fails.

PYTEST_DONT_REWRITE: the interpreted bytecode must be plain compiler output.
"""
import pytest

from tests.soundness.second_order import REFUSED, check, expected_refusal, generate

MIN_CASES = 1100
CASES = generate()


def test_enough_cases():
    assert len(CASES) >= MIN_CASES, f"only {len(CASES)} cases generated"


def test_refusal_table_is_generated():
    ids = [c.id for c in CASES]
    for prefix in REFUSED:
        assert any(i.startswith(prefix) for i in ids), f"REFUSED names no case: {prefix}"


@pytest.mark.parametrize("fn,args", CASES)
def test_second_order(request, fn, args):
    status = check(fn, args)
    reason = expected_refusal(request.node.callspec.id)
    refused = {m: s for m, s in status.items() if s != "correct"}
    if reason is None:
        assert not refused, refused
    else:
        assert refused, f"now correct in every mode: remove it from REFUSED ({reason})"


# The check itself: a silent zero and a slightly wrong number fail it.
def test_a_silent_zero_fails(monkeypatch):
    import numpy as np
    from tests.soundness import second_order
    monkeypatch.setitem(second_order.RUN, "rev(fwd)",
                        lambda s, xs, ds: [np.zeros(np.shape(d)) for d in ds])
    with pytest.raises(AssertionError, match="rev\\(fwd\\)"):
        check(np.tanh, [np.array([0.3, -1.2])])
    with pytest.raises(AssertionError):
        check(lambda x, y: x * y ** 3, [0.7, 1e-3])     # (a small H d is not 0 either)


def test_a_conjugated_or_widened_answer_fails(monkeypatch):
    import numpy as np
    from tests.gradients.test_numpy_rules import sample
    from tests.soundness import second_order
    monkeypatch.setitem(second_order.RUN, "fwd(rev)", lambda s, xs, ds: [
        np.conj(h) for h in second_order.rev_rev(s, xs, ds)])
    with pytest.raises(AssertionError, match="fwd\\(rev\\)"):
        check(np.sin, [sample("real", (2, 3), np.complex128)])
    monkeypatch.setitem(second_order.RUN, "fwd(rev)", lambda s, xs, ds: [
        np.asarray(h, dtype=float) for h in second_order.rev_rev(s, xs, ds)])
    with pytest.raises(AssertionError, match="dtype float64, the argument float32"):
        check(np.tanh, [sample("real", (2, 3), np.float32)])
    monkeypatch.setitem(second_order.RUN, "fwd(rev)", lambda s, xs, ds: [
        np.zeros_like(d) for d in ds])
    with pytest.raises(AssertionError, match="fwd\\(rev\\)"):     # (float32's wider tolerance)
        check(np.tanh, [sample("real", (2, 3), np.float32)])


def test_a_slightly_wrong_number_fails(monkeypatch):
    import numpy as np
    from tests.soundness import second_order
    monkeypatch.setitem(second_order.RUN, "rev(rev)", lambda s, xs, ds: [
        1.0001 * h for h in second_order.fwd_rev(s, xs, ds)])
    with pytest.raises(AssertionError, match="rev\\(rev\\)"):
        check(lambda x: np.sum(np.exp(x) * x), [np.array([0.3, -1.2, 2.0])])
