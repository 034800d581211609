"""The transform context (bcad/transforms/context.py): the levels that each
transform pushes while it records, and that whatever escapes pops again.
(Threads: tests/gradients/test_boundary.py.)"""
import math

import numpy as np
import pytest

import bcad
from bcad.transforms import context


def noting(log, f):
    """f, noting the kinds of the levels running whenever it is called."""
    def g(*args):
        log.append(context.kinds())
        return f(*args)
    return g


def assert_clean():
    """No level left, and nesting still works."""
    assert context.depth() == 0 and context.CTX.levels == []
    assert context.CTX.tape is None and context.CTX.owner is None
    assert bcad.grad(bcad.grad(lambda x: x ** 3))(2.0) == 12.0


def cube(x):
    return x ** 3


NESTS = {
    "grad": (lambda f: bcad.grad(f)(2.0), ["grad"]),
    "grad(grad)": (lambda f: bcad.grad(bcad.grad(f))(2.0), ["grad", "grad"]),
    "hessian": (lambda f: bcad.hessian(f)(2.0), ["jacrev", "jacrev"]),
    "jacfwd(jacrev)": (lambda f: bcad.jacfwd(bcad.jacrev(f))(2.0), ["jacfwd", "jacrev"]),
    "hvp": (lambda f: bcad.hvp(f, (2.0,), (1.0,)), ["jvp", "grad"]),
    "grad of vjp": (lambda f: bcad.grad(lambda x: bcad.vjp(f, x)[1](1.0)[0])(2.0),
                    ["grad", "vjp"]),
    "grad(grad(grad))": (lambda f: bcad.grad(bcad.grad(bcad.grad(f)))(2.0),
                         ["grad", "grad", "grad"]),
    "interpret(grad)": (lambda f: bcad.interpret(bcad.grad(f))(2.0), ["interpret", "grad"]),
    "grad(interpret)": (lambda f: bcad.grad(bcad.interpret(f))(2.0), ["grad", "interpret"]),
}


@pytest.mark.parametrize("nest", NESTS)
def test_levels_while_recording(nest):
    run, kinds = NESTS[nest]
    log = []
    run(noting(log, cube))
    assert log == [kinds]
    assert_clean()


def test_a_nested_level_records_on_the_outer_tape():
    seen = []

    def f(y, x):
        outer, inner = context.CTX.levels
        seen.append((outer.tape is inner.tape, outer.differentiated, inner.differentiated,
                     0 < inner.start < len(inner.tape)))
        return x * y
    # d/dx [x * d/dy (x y)] = 2x
    assert bcad.grad(lambda x: x * bcad.grad(f)(1.0, x))(1.5) == pytest.approx(3.0)
    assert seen == [(True, False, True, True)]
    assert_clean()


def test_custom_vjp_forward_levels():
    """Its forward runs natively under a level without a tape, or, when
    another transform differentiates the pass, recorded under a level."""
    log = []

    @bcad.custom_vjp
    def f(x):
        return x ** 3

    def fwd(x):
        log.append((context.kinds()[-2:] == ["grad", f], context.recording() is not None))
        return f(x), x
    f.defvjp(fwd, lambda x, g: (3 * x * x * g,))
    assert bcad.grad(f)(2.0) == 12.0
    assert bcad.grad(bcad.grad(f))(2.0) == pytest.approx(12.0)
    assert log == [(True, False), (True, True)]
    assert_clean()


# ------------------------------------------------------------ exceptions

class Interrupt(BaseException):
    """Like KeyboardInterrupt: not an Exception."""


def raises_value_error(x):
    return x * math.log(-1.0)


def raises_base_exception(x):
    if x > 0:
        raise Interrupt
    return x


def recurses(x, n=0):
    return recurses(x * 1.0, n + 1) + x


def numpy_raises(x):
    a = np.array([x, x * x])
    return np.sum(a @ np.ones(3))


@bcad.custom_vjp
def bad_backward(x):
    return x * x


bad_backward.defvjp(lambda x: (x * x, x), lambda x, g: (g * (1 / (x - x)),))


@bcad.custom_vjp
def bad_forward(x):
    return x * x


bad_forward.defvjp(lambda x: (x * [][0], x), lambda x, g: (2 * x * g,))

FAILING = {
    "ValueError": (raises_value_error, ValueError),
    "BaseException": (raises_base_exception, Interrupt),
    "RecursionError": (recurses, RecursionError),
    "numpy ValueError": (numpy_raises, ValueError),
    "custom_vjp backward": (bad_backward, ZeroDivisionError),
    "custom_vjp forward": (bad_forward, IndexError),
}


@pytest.mark.parametrize("nest", NESTS)
@pytest.mark.parametrize("case", FAILING)
def test_an_exception_pops_exactly_its_levels(nest, case):
    f, exc = FAILING[case]
    run, _ = NESTS[nest]
    with pytest.raises(exc):
        run(f)
    assert_clean()


@pytest.mark.parametrize("case", FAILING)
def test_an_inner_failure_caught_by_the_outer_function(case):
    f, exc = FAILING[case]
    depths = []

    def outer(x):
        try:
            bcad.grad(f)(x)
        except exc:
            pass
        depths.append(context.kinds())
        return x * bcad.grad(lambda y: x * y * y)(x)        # 2 x^3
    assert bcad.grad(outer)(1.5) == pytest.approx(6 * 1.5 ** 2)
    assert depths == [["grad"]]
    assert_clean()
