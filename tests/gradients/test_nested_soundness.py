"""Second derivatives the second-order sweep (tests/soundness/second_order.py)
found wrong, each as a closed case."""
import numpy as np
import pytest

import bcad


def _hvp_by_differences(f, x, d, eps=1e-5):
    g = bcad.grad(f)
    return (g(x + eps * d) - g(x - eps * d)) / (2 * eps)


def test_repeated_reverse_over_forward_through_cumprod():
    # A C call that might have written (np.add.at) made the tape copy a
    # cotangent it held and stop keeping the original alive while `ids`
    # still named it: once freed, a new array at its address was taken for
    # it (the second and later calls were wrong).
    x = np.random.default_rng(1).uniform(0.5, 2, (2, 3))
    d = np.random.default_rng(2).standard_normal((2, 3))
    w = np.random.default_rng(3).standard_normal((2, 3))

    def s(x):
        return np.sum(x.cumprod(axis=1) * w)
    want = _hvp_by_differences(s, x, d)
    for _ in range(3):
        got = bcad.grad(lambda a: bcad.jvp(s, (a,), (d,))[1])(x)
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-9)


def test_reverse_over_forward_after_an_in_place_write():
    # the JVP of an equation whose operand was written later reads the
    # tape's copy of it, relinked to the variable it was
    def s(x):
        y = x * 1.5
        z = y * x
        y *= 2.0
        return np.sum(z * y)
    x, d = np.array([0.3, -0.7, 1.1]), np.array([1.0, 0.5, -2.0])
    want = _hvp_by_differences(s, x, d)
    got = bcad.grad(lambda a: bcad.jvp(s, (a,), (d,))[1])(x)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-9)


def test_pinv_hessian():
    # svd's outputs, one written in place (pinv's divide(1, s, out=s)):
    # the inner backward reads the tape's copy, relinked to its variable
    a = np.random.default_rng(0).standard_normal((4, 3))
    w = np.random.default_rng(1).standard_normal((3, 4))
    f = lambda a: np.sum(np.linalg.pinv(a) * w)     # noqa: E731
    d = np.random.default_rng(2).standard_normal((4, 3))
    want = _hvp_by_differences(f, a, d)
    np.testing.assert_allclose(bcad.hvp(f, (a,), (d,))[0], want, rtol=1e-5, atol=1e-8)


def test_python_power_second_derivatives_at_zero():
    # d/dx x**y kept as a function of x at x == 0 and of y at y == 0
    h = bcad.hessian(lambda x, y: x ** y, argnums=(0, 1))
    assert h(0.0, 2.0)[0][0] == pytest.approx(2.0, abs=1e-12)
    assert h(2.0, 0.0)[0][1] == pytest.approx(0.5, abs=1e-12)
    assert h(2.0, 0.0)[1][0] == pytest.approx(0.5, abs=1e-12)


@pytest.mark.parametrize("power", [np.power, np.float_power])
def test_numpy_power_second_derivatives_at_zero(power):
    h = bcad.hessian(lambda p: np.sum(power(p[:2], p[2:])))
    H = h(np.array([0.0, 2.0, 2.0, 0.0]))    # 0 ** 2 and 2 ** 0
    want = np.zeros((4, 4))
    want[0, 0] = 2.0                         # d2/dx2 x**2
    want[1, 3] = want[3, 1] = 0.5            # d2/dxdy x**y at y == 0: 1/x
    want[3, 3] = np.log(2.0) ** 2
    np.testing.assert_allclose(H, want, atol=1e-12)
