"""A differentiable `initial=` of a reduction (its gradient was silently
zero), and the explicit forward-mode rule of max/min with ties (the
transpose of the VJP's even split)."""
import numpy as np
import pytest

import bcad
from tests.support import fd_grad

X = np.array([[0.3, -1.2, 0.7], [1.1, 0.4, -0.5]])

INITIAL = {
    "np.sum": lambda x, y: np.sum(x, axis=1, initial=y),
    "x.sum": lambda x, y: x.sum(axis=0, initial=y),
    "np.add.reduce": lambda x, y: np.add.reduce(x, 1, None, None, False, y),
    "np.prod": lambda x, y: np.prod(x, axis=1, initial=y),
    "x.prod where": lambda x, y: x.prod(axis=1, initial=y, where=np.array([True, False, True])),
    "np.multiply.reduce": lambda x, y: np.multiply.reduce(x, axis=None, initial=y),
    "np.max": lambda x, y: np.max(x, axis=1, initial=y),
    "x.max keepdims": lambda x, y: x.max(1, None, True, y),
    "np.min": lambda x, y: np.min(x, axis=0, initial=y),
    "np.fmax.reduce": lambda x, y: np.fmax.reduce(x, axis=None, initial=y),
    "np.maximum.reduce where": lambda x, y: np.maximum.reduce(
        x, axis=1, initial=y, where=np.array([False, True, True])),
}


@pytest.mark.parametrize("y", [-2.0, 0.5, 2.0])
@pytest.mark.parametrize("name", INITIAL)
def test_differentiable_initial(name, y):
    w = np.arange(1.0, 4.0)

    def f(p):
        out = INITIAL[name](X * p[0], p[1])
        return np.sum(np.ravel(out) * w[:np.size(out)])
    p = np.array([1.3, y])
    g = bcad.grad(f)(p)
    np.testing.assert_allclose(g, fd_grad(f, p), rtol=1e-6, atol=1e-8)
    # forward mode (the derived JVP, since initial= carries a tangent)
    for t in (np.array([1.0, 0.0]), np.array([0.0, 1.0])):
        np.testing.assert_allclose(bcad.jvp(f, (p,), (t,))[1], g @ t, rtol=1e-9, atol=1e-12)


def test_initial_tie_takes_its_share():
    f = lambda y: np.max(np.array([1.0, 2.0, 2.0]), initial=y)   # noqa: E731
    assert bcad.grad(f)(2.0) == pytest.approx(1 / 3)
    assert bcad.grad(f)(1.0) == 0.0 and bcad.grad(f)(3.0) == 1.0


MAXES = {
    "np.max axis=1 keepdims": lambda x: np.max(x, axis=1, keepdims=True),
    "np.amax": lambda x: np.amax(x),
    "x.min axis=0": lambda x: x.min(axis=0),
    "np.min axis=(0,1)": lambda x: np.min(x, axis=(0, 1)),
    "x.max initial": lambda x: x.max(1, initial=2.5),
    "x.max where": lambda x: x.max(1, where=np.array([True, False, True]), initial=0.0),
    "np.fmin.reduce": lambda x: np.fmin.reduce(x, 1),
    "np.maximum.reduce": lambda x: np.maximum.reduce(x),
}


@pytest.mark.parametrize("name", MAXES)
def test_max_jvp_is_the_transpose_of_the_vjp(name):
    f = MAXES[name]
    x = np.array([[1.0, 3.0, 3.0], [2.0, 0.5, 2.0]])      # ties in rows and columns
    if "min" in name:
        x = -x
    rng = np.random.default_rng(0)
    t = rng.standard_normal(x.shape)
    out, jt = bcad.jvp(f, (x,), (t,))
    out2, vjp = bcad.vjp(f, x)
    u = rng.standard_normal(np.shape(out))
    (ct,) = vjp(u if np.ndim(out) else float(u))
    assert np.shape(jt) == np.shape(out)
    np.testing.assert_allclose(np.sum(u * jt), np.sum(ct * t), rtol=1e-12, atol=1e-12)
    # away from ties: the finite difference
    y = x + np.array([[0.0, 0.1, 0.0], [0.3, 0.0, 0.0]])
    eps = 1e-7
    fd = (f(y + eps * t) - f(y - eps * t)) / (2 * eps)
    np.testing.assert_allclose(bcad.jvp(f, (y,), (t,))[1], fd, rtol=1e-6, atol=1e-8)


def test_max_jvp_is_explicit(monkeypatch):
    # (the transposed VJP costs an interpreted reverse pass per use)
    from bcad.transforms import forward
    monkeypatch.setattr(forward, "_transposed", None)
    x = np.array([[1.0, 3.0, 3.0], [2.0, 0.5, 2.0]])
    for f in MAXES.values():
        bcad.jvp(f, (x,), (np.ones((2, 3)),))
