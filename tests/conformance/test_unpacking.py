"""`a, b = v` inside line blocks (interpreter/handlers/blocks.py translates
UNPACK_SEQUENCE): tuples and lists of the length natively, every other
iterable through containers.unpack, with CPython's errors, mid-line and
caught in the same function.

PYTEST_DONT_REWRITE: the interpreted bytecode must be plain compiler output.
"""
from tests.conformance._registry import Registry
from tests.support import assert_same

case = Registry()


class Counting:
    """An iterable in Python, logging how far it was iterated."""
    def __init__(self, n, log):
        self.n, self.log = n, log

    def __iter__(self):
        for i in range(self.n):
            self.log.append(i)
            yield i * 10


@case()
def f_unpack_kinds_on_one_line():
    a, b = (1, 2); c, d = [3, 4]; e, g = "xy"; h, i = {"k": 1, "j": 2}   # noqa: E702
    j, = [5]; () = []; k, (m, n) = 6, (7, 8); p, q = range(2)              # noqa: E702
    r, s = (x * 2 for x in (9, 10)); t, u = b"ab"; v, w = {1.5, 1.5}.union({2})  # noqa
    return a, b, c, d, e, g, h, i, j, k, m, n, p, q, r, s, t, u, sorted([v, w])


@case()
def f_unpack_python_iterable_in_order():
    log = []
    x, y, z = Counting(3, log); w = x + y + z                              # noqa: E702
    return log, w


@case()
def f_unpack_errors_caught():
    out = []
    log = []
    for v in ((1,), [1, 2, 3], 5, None, Counting(1, log), Counting(4, log), iter([1])):
        try:
            a, b = v; out.append(a + b)                                    # noqa: E702
        except (ValueError, TypeError) as e:
            out.append((type(e).__name__, str(e)))
    try:
        () = [1]
    except ValueError as e:
        out.append(str(e))
    return out, log


@case()
def f_unpack_numpy_rows():
    import numpy as np
    a = np.arange(6.0).reshape(3, 2)
    r0, r1, r2 = a; x, y = r1; s = x * y + r2[0]                           # noqa: E702
    try:
        p, q = a
    except ValueError as e:
        err = str(e)
    return r0.tolist(), float(s), err


@case.parametrize()
def test_conformance(fn, args, kwargs):
    assert_same(fn, *args, **kwargs)
