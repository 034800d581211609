"""Second order through generators handed to C functions: what an
interpreted generator can yield (its values, its module's constants) is
recognised without a scan of everything its frame refers to (the rules'
`tuple(i for i ... if g.shape[i] != 1)` run interpreted in every inner
backward pass)."""
import numpy as np
import pytest

import bcad
from tests.support import fd_grad

SCALE = 2.5
TABLE = [1.5, 4.0]


GENERATED = {
    "a global constant": lambda a: np.prod(tuple(SCALE if k == 0 else a[1] for k in range(2))),
    "a global table's element": lambda a: sum(sorted(TABLE[k] * a[k] for k in range(2)))
    + max(TABLE[0] if k else a[0] for k in range(2)),
    "a local's elements": lambda a: np.prod(tuple(v for v in [a[0] * 3.0, 0.5, a[1]])),
}


@pytest.mark.parametrize("name", GENERATED)
def test_generator_into_c_function(name):
    f = GENERATED[name]
    a = np.array([1.3, 0.4])
    np.testing.assert_allclose(bcad.grad(f)(a), fd_grad(f, a), rtol=1e-6, atol=1e-9)
    # inside another transform: the Hessian against differences of the gradient
    H = bcad.hessian(f)(a)
    g = bcad.grad(f)
    fd = np.stack([fd_grad(lambda b, i=i: g(b)[i], a) for i in range(2)])
    np.testing.assert_allclose(H, fd, rtol=1e-5, atol=1e-7)


def test_broadcast_hvp_scans_no_frames(monkeypatch):
    # an hvp through broadcasting rules: no deep member scan of a generator
    from bcad.transforms import boundary
    sizes = []
    orig = boundary._members

    def counting(objs, keep=False):
        out = orig(objs, keep)
        sizes.append(len(out))
        return out
    monkeypatch.setattr(boundary, "_members", counting)
    W = np.linspace(-1, 1, 12).reshape(4, 3)

    def f(p):
        return np.sum(np.tanh(W @ p[0] + p[1]) ** 2)
    p = [np.array([0.3, -0.2, 0.5]), np.array([0.1])]
    v = [np.ones(3), np.ones(1)]
    hv = bcad.hvp(f, (p,), (v,))[0]
    eps = 1e-6
    g = bcad.grad(f)
    plus = g([p[0] + eps * v[0], p[1] + eps * v[1]])
    minus = g([p[0] - eps * v[0], p[1] - eps * v[1]])
    for h, a, b in zip(hv, plus, minus):
        np.testing.assert_allclose(h, (a - b) / (2 * eps), rtol=1e-5, atol=1e-8)
    assert sizes and max(sizes) < 1000, max(sizes)
