"""numpy's floating-point error modes: the user's program keeps them
exactly, bcad's derivative passes ignore them (reverse.derivative_errors).

A derivative rule meets infinities and nan the program never made (sqrt's
derivative at 0 under a zero cotangent, cleared afterwards): under
`np.seterr(all="raise")`, warnings as errors, or an errcall handler, the
backward pass raised where the program itself did not.
"""
import warnings

import numpy as np
import pytest

import bcad


def sqrt_unused_at_zero(x):
    # sqrt(0) is 0, no error; its derivative there is infinite, times 0
    return np.sum(np.sqrt(x) * 0.0 + x)


def sqrt_used_at_zero(x):
    return np.sum(np.sqrt(x))


X0 = np.array([0.0, 4.0])


@pytest.fixture
def raise_mode():
    old = np.seterr(all="raise")
    yield
    np.seterr(**old)


def test_backward_under_raise_mode(raise_mode):
    sqrt_unused_at_zero(X0)         # (natively: no error)
    np.testing.assert_array_equal(bcad.grad(sqrt_unused_at_zero)(X0), [1.0, 1.0])


def test_vjp_function_under_raise_mode(raise_mode):
    out, pull = bcad.vjp(sqrt_unused_at_zero, X0)
    np.testing.assert_array_equal(pull(1.0)[0], [1.0, 1.0])


def test_second_order_under_raise_mode(raise_mode):
    # the inner gradient's backward is interpreted and recorded (nested.py)
    h = bcad.hessian(lambda x: np.sum(np.sqrt(x) * 0.0 + x ** 3))(X0)
    np.testing.assert_allclose(h, np.diag(6 * X0))


def test_backward_under_warnings_as_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(bcad.grad(sqrt_unused_at_zero)(X0), [1.0, 1.0])


def test_non_finite_gradient_is_a_value_without_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = bcad.grad(sqrt_used_at_zero)(X0)
    assert g[0] == np.inf and g[1] == 0.25


def test_errcall_handler_not_called_by_the_backward_pass():
    calls = []
    with np.errstate(all="call", call=lambda kind, flag: calls.append(kind)):
        sqrt_unused_at_zero(X0)
        np.testing.assert_array_equal(bcad.grad(sqrt_unused_at_zero)(X0), [1.0, 1.0])
    assert calls == []


def test_forward_pass_keeps_the_programs_modes(raise_mode):
    f = lambda x: np.sum(np.log(x))      # noqa: E731  log(0): divide by zero
    with pytest.raises(FloatingPointError) as native:
        f(X0)
    with pytest.raises(FloatingPointError) as traced:
        bcad.grad(f)(X0)
    assert str(traced.value) == str(native.value)
    with np.errstate(divide="ignore"):
        g = bcad.grad(f)(X0)
    assert g[0] == np.inf and g[1] == 0.25


@pytest.mark.parametrize("how", ["jvp", "jvp inside grad", "linearize", "hvp"])
def test_forward_mode_under_raise_mode(raise_mode, how):
    # A zero tangent where sqrt's derivative is infinite: the push computes
    # 0 * inf (nan) and clears it.  (Along a nonzero tangent there, forward
    # mode's answer is itself nan: sqrt's tangent is infinite, then times 0.)
    d = np.array([0.0, 1.0])
    if how == "jvp":                    # (streamed: pushed while the function runs)
        assert bcad.jvp(sqrt_unused_at_zero, (X0,), (d,))[1] == 1.0
    elif how == "jvp inside grad":      # (recorded, then pushed: forward.push)
        g = bcad.grad(lambda x: bcad.jvp(sqrt_unused_at_zero, (x,), (d,))[1] * np.sum(x))(X0)
        np.testing.assert_array_equal(g, [1.0, 1.0])
    elif how == "linearize":
        assert bcad.linearize(sqrt_unused_at_zero, X0)[1](d) == 1.0
    else:
        h, = bcad.hvp(lambda x: np.sum(np.sqrt(x) * 0.0 + x ** 3), (X0,), (d,))
        np.testing.assert_allclose(h, 6 * X0 * d)
