"""Subscripts and slices inside line blocks (interpreter/handlers/blocks.py
translates BINARY_SUBSCR, BINARY_SLICE and STORE_SUBSCR): several on one
line, with Python dunders, class subscripts, and errors raised mid-line
and caught in the same function, against CPython.

PYTEST_DONT_REWRITE: the interpreted bytecode must be plain compiler output.
"""
from tests.conformance._registry import Registry
from tests.support import assert_same

case = Registry()


class Logged:
    """__getitem__/__setitem__ in Python, logging the order of calls."""
    def __init__(self):
        self.log, self.data = [], {}

    def __getitem__(self, k):
        self.log.append(("get", k))
        return self.data.get(k, 0)

    def __setitem__(self, k, v):
        self.log.append(("set", k, v))
        self.data[k] = v


@case()
def f_subscripts_on_one_line():
    a = [1, 2, 3, 4]; d = {"k": 5}; t = (7, 8)                  # noqa: E702
    x = a[0] + d["k"] * t[-1]; a[1] = x; d["j"] = a[1:3]; y = a[::2]   # noqa: E702
    s = "text"; c = s[1] + s[-2:]; b = bytearray(b"ab"); b[0] = 99    # noqa: E702
    return a, d, t, x, y, c, bytes(b)


@case()
def f_subscript_dunders_in_order():
    o = Logged()
    o["a"] = 1; o[("b", 2)] = o["a"] + 1; v = o["a"] * o[("b", 2)] + o[3:5]   # noqa: E702
    return o.log, v


@case()
def f_class_subscripts():
    class C:
        def __class_getitem__(cls, k):
            return ("class item", k)
    g = list[int]; h = C[3]; m = dict[str, list[int]]            # noqa: E702
    return repr(g), h, repr(m)


@case()
def f_subscript_errors_caught():
    out = []
    a = [1, 2]; d = {}                                           # noqa: E702
    for k in (0, 5, -3, "x", slice(1, None)):
        try:
            v = a[k] * 2; out.append(v)                          # noqa: E702
        except (IndexError, TypeError) as e:
            out.append((type(e).__name__, str(e)))
    try:
        out.append(d["missing"] + 1)
    except KeyError as e:
        out.append(repr(e))
    try:
        n = None; n[0] = 1                                       # noqa: E702
    except TypeError as e:
        out.append(str(e))
    try:
        t = (1, 2); t[0] = 5                                     # noqa: E702
    except TypeError as e:
        out.append(str(e))
    return out, a


@case()
def f_slices_of_numpy_arrays_mid_line():
    import numpy as np
    K = np.zeros((3, 2)); K[0] = np.ones(2); K[1:, 0] = 2.0      # noqa: E702
    v = K[:2].T @ np.array([1.0, 3.0]); K[2] = v; w = K[1:][0, 0]    # noqa: E702
    return K.tolist(), v.tolist(), w


@case.parametrize()
def test_conformance(fn, args, kwargs):
    assert_same(fn, *args, **kwargs)
