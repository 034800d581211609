"""numpy scalars (np.float64, np.float32, np.complex128) computed from a
differentiable input: subscripts that make arrays of them (`x[None]`,
`x[...]`, `x[()]`), and attributes that copy their value (`.flat`, `.data`,
`.base` of `x[None]`).  Each was a silent zero gradient before."""
import numpy as np
import pytest

import bcad
from bcad import NonDifferentiableError

X = np.float64(1.3)
C = 3.0 * np.cos(1.3)


@pytest.mark.parametrize("f", [
    lambda x: (np.sin(x)[None] * 3.0).sum(),
    lambda x: float(np.sin(x)[...] * 3.0),
    lambda x: np.sin(x)[()] * 3.0,
    lambda x: (np.sin(x)[None, None] * 3.0)[0, 0],
    lambda x: float((np.float32(np.sin(x)) * 3.0)[None][0]),
    lambda x: (np.complex128(np.sin(x)) * 3.0)[()].real,
    lambda x: float(np.sin(x)[None].base * 3.0),
], ids=["none", "ellipsis", "unit", "none2", "float32", "complex", "base"])
def test_arrays_made_from_a_numpy_scalar_carry_its_gradient(f):
    assert bcad.grad(f)(X) == pytest.approx(C, rel=1e-5)


def test_writes_into_the_view_of_a_numpy_scalar_reach_its_base():
    def f(x):
        a = np.sin(x)[None]
        b = a.base
        a[0] = a[0] * x
        return float(b * x)
    assert bcad.grad(f)(X) == pytest.approx(2 * np.sin(1.3) * 1.3 + np.cos(1.3) * 1.3 ** 2)

    def g(x):
        a = np.sin(x)[None]
        a[0] = 5.0
        return float(a.base * x)
    assert bcad.grad(g)(X) == pytest.approx(5.0)


@pytest.mark.parametrize("f", [
    lambda x: list(np.sin(x).flat)[0] * 3.0,
    lambda x: np.sin(x).flat[0] * 3.0,
    lambda x: bytes(np.sin(x).data)[0] * 3.0,
], ids=["list_flat", "flat_index", "data"])
def test_copies_of_a_numpy_scalar_in_its_attributes_refuse(f):
    with pytest.raises(NonDifferentiableError, match=r"attribute \.(flat|data)"):
        bcad.grad(f)(X)


def test_plain_attributes_of_a_numpy_scalar_still_differentiate():
    assert bcad.grad(lambda x: np.sin(x).real * 3.0)(X) == pytest.approx(C)
    assert bcad.grad(lambda x: np.sin(x).T * 3.0)(X) == pytest.approx(C)
    assert bcad.grad(lambda x: np.sin(x).imag * 3.0 + x)(X) == pytest.approx(1.0)
    assert bcad.grad(lambda x: np.sin(x).ndim + x)(X) == pytest.approx(1.0)
