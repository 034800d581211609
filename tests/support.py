"""Shared test helpers: differential conformance checks against native CPython.

`assert_same(fn, *args, **kwargs)` runs `fn` natively and through
`bcad.interpret`, and compares the returned value, the exception (type and
args), everything printed to stdout, and the final state of the arguments
(mutation).  Arguments are deep-copied for each run so mutation is visible.

Set BCAD_TEST_NATIVE=1 to replace `bcad.interpret` by the identity: useful to
check that a new test case is itself correct before blaming the interpreter.
"""
import contextlib
import copy
import io
import math
import os

import bcad

NATIVE_ONLY = os.environ.get("BCAD_TEST_NATIVE") == "1"


def interpret(fn):
    return fn if NATIVE_ONLY else bcad.interpret(fn)


class Outcome:
    __slots__ = ("value", "exc", "stdout", "args")

    def __init__(self, value, exc, stdout, args):
        self.value, self.exc, self.stdout, self.args = value, exc, stdout, args


def _run(fn, args, kwargs):
    buf = io.StringIO()
    value = exc = None
    with contextlib.redirect_stdout(buf):
        try:
            value = fn(*args, **kwargs)
        except BaseException as e:  # noqa: BLE001 - we compare every exception
            if isinstance(e, (KeyboardInterrupt, SystemExit)) and not isinstance(e, SystemExit):
                raise
            exc = e
    return Outcome(value, exc, buf.getvalue(), (args, kwargs))


def same_value(a, b):
    """Structural equality that treats NaN == NaN and compares types too."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
    if isinstance(a, complex):
        return same_value(a.real, b.real) and same_value(a.imag, b.imag)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same_value(a[k], b[k]) for k in a)
    try:
        eq = a == b
        if isinstance(eq, bool):
            return eq or repr(a) == repr(b)
    except Exception:  # noqa: BLE001
        pass
    return repr(a) == repr(b)


def describe_exc(e):
    if e is None:
        return None
    return (type(e), tuple(repr(a) for a in e.args), str(e))


def assert_same(fn, *args, **kwargs):
    """Assert `fn(*args, **kwargs)` behaves identically natively and interpreted."""
    nargs = copy.deepcopy((args, kwargs))
    iargs = copy.deepcopy((args, kwargs))
    native = _run(fn, *nargs)
    interp = _run(interpret(fn), *iargs)
    assert describe_exc(interp.exc) == describe_exc(native.exc), (
        f"exception differs: native {native.exc!r}, interpreted {interp.exc!r}")
    if native.exc is not None:
        assert describe_exc(interp.exc.__cause__) == describe_exc(native.exc.__cause__)
        assert describe_exc(interp.exc.__context__) == describe_exc(native.exc.__context__)
    assert same_value(interp.value, native.value), (
        f"value differs: native {native.value!r}, interpreted {interp.value!r}")
    assert interp.stdout == native.stdout, (
        f"stdout differs:\n--- native\n{native.stdout}\n--- interpreted\n{interp.stdout}")
    assert same_value(interp.args, native.args), (
        f"argument mutation differs: native {native.args!r}, interpreted {interp.args!r}")
    return native.value


def assert_same_source(src, name="f", *args, **kwargs):
    """Compile `src` (module-level code defining `name`), then `assert_same` on it."""
    ns = {"__name__": "bcad_test_src"}
    exec(compile(src, f"<test {name}>", "exec"), ns)
    return assert_same(ns[name], *args, **kwargs)


def fd_grad(f, x, *args, eps=1e-6):
    """Central differences of scalar `f(x, *args)`, entry by entry of the
    array `x` (in x's own dtype; the result is float64), so every entry of a
    gradient is checked (a cotangent on a wrong entry shows)."""
    import numpy as np
    x = np.asarray(x)
    if x.dtype.kind not in "fc":
        x = x.astype(float)
    g = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += eps
        xm[i] -= eps
        g[i] = (f(xp, *args) - f(xm, *args)) / (2 * eps)
    return g
