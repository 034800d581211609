"""The C boundary policy (bcad/transforms/boundary.py), case by case: the
holes and false refusals the soundness issue listed, each giving the right
gradient or a clear error at the user's line.  The generated sweep in
tests/soundness covers the products of carriers and consumers.
PYTEST_DONT_REWRITE"""
import array
import collections
import ctypes
import functools
import io
import itertools
import json
import math
import operator
import pickle
import re
import statistics
import struct
import sys
import threading
import types
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import bcad
from bcad import NonDifferentiableError
from bcad.transforms import context

HERE = re.escape(__file__)
P = collections.namedtuple("P", "x y")


class T(tuple):
    pass


class L(list):
    pass


class F(float):
    def double(self):
        return 2 * self


class Z(complex):
    def twice(self):
        return 2 * self


def refused(f, x=0.7, *names):
    """bcad.grad(f)(x) raises NonDifferentiableError naming this file:line
    (and each of `names`); returns the message."""
    with pytest.raises(NonDifferentiableError) as info:
        bcad.grad(f)(x)
    msg = str(info.value)
    assert re.search(HERE + r":\d+", msg), msg
    for n in names:
        assert n in msg, msg
    return msg


def fd(f, x, h=1e-6):
    return (f(x + h) - f(x - h)) / (2 * h)


# ----------------------------------------------------- no false refusals

EASY = {
    "sum(namedtuple)": lambda x: sum(P(x, 2 * x)),
    "math.fsum(namedtuple)": lambda x: math.fsum(P(x, x * x)),
    "math.prod(namedtuple)": lambda x: math.prod(P(x, x)),
    "sum(T(tuple))": lambda x: sum(T((x, 3 * x))),
    "sum(L(list))": lambda x: sum(L([x, x * x])),
    "sum(deque)": lambda x: sum(collections.deque([x, 2 * x])),
    "sum(dict.values())": lambda x: sum({"a": x, "b": x * x}.values()),
    "math.fsum(generator)": lambda x: math.fsum(v * v for v in (x, 2 * x)),
    "math.prod(map)": lambda x: math.prod(map(math.sin, [x, x])),
    "min(namedtuple)": lambda x: min(P(x, x + 1)),
    "max(deque)": lambda x: max(collections.deque([x, 2 * x])),
    "sorted(T)[0]": lambda x: sorted(T((3 * x, x)))[0],
    "statistics.mean(namedtuple)": lambda x: statistics.mean(P(x, 3 * x)),
    "statistics.fmean(deque)": lambda x: statistics.fmean(collections.deque([x, x * x])),
    "statistics.median(T)": lambda x: statistics.median(T((x, 2 * x, 4 * x))),
    "np.float64(x) * x": lambda x: float(np.float64(x) * x),
    "np.float64 dunders": lambda x: float(np.float64(x).__mul__(3.0) + np.float64(x).__neg__()),
    "abs(-np.float64(x))": lambda x: float(abs(-np.float64(x))),
    "float(np.float64(x))": lambda x: float(np.float64(x)) * 2.0,
    "np.complex128(x).real": lambda x: np.complex128(complex(x, 1.0)).real * 2.0,
    "np.float64(x).real": lambda x: np.float64(x).real * 3.0,
    "types.CellType(x)": lambda x: types.CellType(x).cell_contents * 2.0,
    "operator.concat": lambda x: sum(operator.concat([x], [1.0, x])),
    "io.StringIO.write": lambda x: io.StringIO().write(f"{x:.3f}") + x,
    "float subclass with methods": lambda x: float(F(x).double()),
    "unary operators on a float subclass": lambda x: float(-F(x)) * 2.0 + abs(F(x)),
    "complex subclass of a float": lambda x: (Z(x) * 2.0).real,
    "f.__call__ of a closure": lambda x: (lambda v: v * x).__call__(2.0),
    "pickle of map(float)": lambda x: sum(map(float, [x, 2.0])),
    "functools.cache": lambda x: _cached_square(x) + _cached_coeffs(3)[2] * x,
    "math.sin(obj with __float__)": lambda x: math.sin(_Quantity(x)) + math.atan2(_Quantity(x), 2.0),
    # numpy scalars handed back by a C function, beside a tracked value
    "list() of numpy scalars": lambda x: sum(float(v) * x for v in list(
        (x, np.float64(0.5), np.float32(1.5), np.complex128(2 - 1j).real))[1:]),
    "tuple() of a numpy complex": lambda x: (tuple((np.complex128(0.5 - 1j), x))[0] * x).real,
}


class _Quantity:
    def __init__(self, v):
        self.v = v

    def __float__(self):
        return 3.0 * self.v


@functools.cache
def _cached_square(v):
    return v * v


@functools.lru_cache(maxsize=4)
def _cached_coeffs(n):
    return [1.0 / (k + 1) for k in range(n)]


@pytest.mark.parametrize("name", sorted(EASY))
def test_no_false_refusal(name):
    f = EASY[name]
    value, g = bcad.value_and_grad(f)(0.7)
    assert value == pytest.approx(f(0.7), rel=1e-12)
    assert g == pytest.approx(fd(f, 0.7), rel=1e-6, abs=1e-9)


# ----------------------------------------------------- the issue's examples

def _view_write(x):
    a = np.zeros(4)
    v = a[:2]
    v[0] = x
    v[1] = x
    return float(a.sum())


@pytest.mark.parametrize("f, expected", [
    (lambda x: float(np.array([[x, 2 * x], [x, x]]).sum()), 5.0),
    (lambda x: float((x * np.ones(3)).sum()), 3.0),
    (lambda x: float((np.ones(3) * x).sum()), 3.0),
    (_view_write, 2.0),
    (lambda x: float(x * np.float32(2.0)), 2.0),
    (lambda x: float([x, 1.0] @ np.ones(2)), 1.0),
    (lambda x: float((np.ones(2) + [x, 1.0]).sum()), 1.0),
    (lambda x: float(np.sum([x, 2.0 * x])), 3.0),
], ids=["nested np.array", "float*ndarray", "ndarray*float", "view write", "x*float32",
        "list@ndarray", "ndarray+list", "np.sum(list)"])
def test_numpy_holes_of_the_soundness_issue_now_differentiate(f, expected):
    # (refused until numpy arrays became differentiable values)
    assert bcad.grad(f)(0.7) == pytest.approx(expected, rel=1e-6)


def test_longdouble_operand():
    assert bcad.grad(lambda x: float(x * np.longdouble(2.0)))(0.7) == pytest.approx(2.0)


# ----------------------------------------------------- stores

def _store(kind):
    def f(x):
        if kind == "ndarray[i]":
            a = np.zeros(3)
            a[0] = x
        elif kind == "ndarray[mask]":
            a = np.zeros(3)
            a[a == 0] = x
        elif kind == "ndarray[...]":
            a = np.zeros(3)
            a[...] = x
        elif kind == "ndarray.fill":
            a = np.zeros(3)
            a.fill(x)
        elif kind == "ndarray.put":
            a = np.zeros(3)
            a.put([0], [x])
        elif kind == "ndarray.flat":
            a = np.zeros(3)
            a.flat[0] = x
        elif kind == "ndarray +=":
            a = np.zeros(3)
            a += x
        elif kind == "np.copyto":
            a = np.zeros(3)
            np.copyto(a, x)
        elif kind == "array[i]":
            a = array.array("d", [0.0])
            a[0] = x
        elif kind == "array.append":
            a = array.array("d")
            a.append(x)
        elif kind == "array.extend":
            a = array.array("d")
            a.extend([x, x])
        elif kind == "array.insert":
            a = array.array("d")
            a.insert(0, x)
        elif kind == "memoryview[i]":
            a = memoryview(bytearray(8)).cast("d")
            a[0] = x
        elif kind == "struct.pack_into":
            a = bytearray(8)
            struct.pack_into("d", a, 0, x)
            return struct.unpack("d", a)[0]
        elif kind == "ctypes.c_double.value":
            a = ctypes.c_double(0.0)
            a.value = x
            return a.value
        elif kind == "ctypes array":
            a = (ctypes.c_double * 2)()
            a[0] = x
            return a[0]
        elif kind == "ctypes Structure":
            class S(ctypes.Structure):
                _fields_ = [("v", ctypes.c_double)]
            a = S()
            a.v = x
            return a.v
        return float(a[0])
    return f


STORES = ["ndarray[i]", "ndarray[mask]", "ndarray[...]", "ndarray.fill", "ndarray.put",
          "ndarray.flat", "ndarray +=", "np.copyto", "array[i]", "array.append", "array.extend",
          "array.insert", "memoryview[i]", "struct.pack_into", "ctypes.c_double.value",
          "ctypes array", "ctypes Structure"]


NUMPY_WRITES = {"ndarray[i]", "ndarray[mask]", "ndarray[...]", "ndarray.fill", "ndarray +=",
                "np.copyto", "ndarray.flat"}


@pytest.mark.parametrize("kind", [k for k in STORES if k not in NUMPY_WRITES])
def test_store_into_copying_container_refused(kind):
    f = _store(kind)
    assert f(0.7) == pytest.approx(0.7)
    refused(f, 0.7)


@pytest.mark.parametrize("kind", sorted(NUMPY_WRITES))
def test_numpy_writes_differentiate(kind):
    # (refused while arrays were not differentiable values)
    f = _store(kind)
    assert bcad.value_and_grad(f)(0.7) == pytest.approx((0.7, 1.0))


def _sqlite(x):
    import sqlite3
    con = sqlite3.connect(":memory:")
    con.execute("create table t (v real)")
    con.executemany("insert into t values (?)", [(x,), (2 * x,)])
    return sum(row[0] for row in con.execute("select v from t"))


def test_c_object_keeping_a_copy_is_tainted():
    """A C object's method given a differentiable value may keep a copy
    (sqlite3); numbers read back out of it are refused, naming both sites."""
    msg = refused(_sqlite, 0.7, "Connection.executemany")
    assert len(re.findall(HERE + r":\d+", msg.split("interpreted call stack")[0])) >= 2, msg


def test_text_written_into_stringio_is_tainted():
    def f(x):
        buf = io.StringIO()
        buf.write(f"{x!r}")
        return float(buf.getvalue())
    refused(f, 0.7, "float")


# ----------------------------------------------------- text and bytes round trips

ROUND_TRIPS = {
    "json indent": lambda x: json.loads(json.dumps([x], indent=2))[0],
    "json": lambda x: json.loads(json.dumps({"a": x}))["a"],
    "ast.literal_eval(repr)": lambda x: __import__("ast").literal_eval(repr([x]))[0],
    "eval(repr)": lambda x: eval(repr(x)),
    "pickle": lambda x: pickle.loads(pickle.dumps([x]))[0],
    "struct.iter_unpack": lambda x: next(struct.iter_unpack("d", struct.pack("d", x)))[0],
    "memoryview.cast": lambda x: memoryview(struct.pack("d", x)).cast("d")[0],
    "np.frombuffer": lambda x: float(np.frombuffer(struct.pack("d", x))[0]),
    "bytes iterated": lambda x: struct.unpack("d", bytes([b for b in struct.pack("d", x)]))[0],
    "str iterated": lambda x: float("".join([c for c in repr(x)])),
    "float.hex": lambda x: float.fromhex(x.hex()),
    "as_integer_ratio (descriptor)": lambda x: operator.truediv(*float.as_integer_ratio(x)),
    "np.float64.as_integer_ratio": lambda x: operator.truediv(*np.float64(x).as_integer_ratio()),
}


@pytest.mark.parametrize("name", sorted(ROUND_TRIPS))
def test_round_trip_refused(name):
    f = ROUND_TRIPS[name]
    assert f(0.7) == 0.7
    refused(f, 0.7)


def test_tainted_read_names_both_sites():
    def f(x):
        a = ctypes.c_double(x)          # where the value went in
        return a.value * 2.0            # where the number came out
    msg = refused(f, 0.7, "ctypes.c_double")
    assert len(re.findall(HERE + r":\d+", msg.split("interpreted call stack")[0])) >= 2, msg


# ----------------------------------------------------- callbacks

def test_c_callback_closing_over_a_value_refused():
    """Nothing differentiable among the arguments, but the callback C runs
    natively closes over one."""
    refused(lambda x: float(np.frompyfunc(lambda v: v * x, 1, 1)(np.ones(2)).sum()), 0.7,
            "natively")


def test_frompyfunc_ufunc_methods_of_a_closure_refused():
    """Methods of numpy's own ufuncs given plain data run without the
    guard; a ufunc of np.frompyfunc is not numpy's, and its Python runs."""
    def f(x):
        u = np.frompyfunc(lambda a, b: a + b * x, 2, 1)
        return float(u.reduce(np.ones(3)))      # (plain float data)
    refused(f, 0.7, "natively")
    g = bcad.grad(lambda x: float(np.add.reduce(np.ones(3))) * x +
                  sum(v for _, v in {"a": x, "b": 2.0}.items()))(0.7)
    assert g == 4.0


def test_scipy_quad_of_a_closure_refused():
    integrate = pytest.importorskip("scipy.integrate")
    refused(lambda x: integrate.quad(lambda t: t * x, 0.0, 1.0)[0], 0.7, "natively")


# ----------------------------------------------------- finality

def test_refusal_is_final_when_caught():
    def f(x):
        try:
            return float(np.fft.fft([x, 1.0]).real[0])     # (no rule for fft)
        except Exception:
            return x
    refused(f, 0.7, "fft")


def test_refusal_wins_over_a_later_exception():
    def f(x):
        try:
            array.array("d").append(x)
        except Exception:
            pass
        raise ValueError("after the refusal")
    refused(f, 0.7, "array.append")


def test_refusal_swallowed_does_not_break_later_code():
    """After a swallowed refusal the code runs on unharmed (a lock taken by
    `with` is released) and the differentiation still ends with the refusal."""
    lock = threading.Lock()
    seen = []

    def f(x):
        try:
            array.array("d").append(x)
        except Exception:
            pass
        with lock:
            pass
        seen.append(lock.locked())
        return x
    refused(f, 0.7, "array.append")
    assert seen == [False]


# ----------------------------------------------------- threads

def _loss(x, k):
    s = 0.0
    for i in range(60):
        s += math.sin(k * x + i) * x
    return s


def test_threads_take_turns():
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)       # switch threads as often as possible
    try:
        ks = [0.1 * i for i in range(12)]
        with ThreadPoolExecutor(4) as ex:
            got = list(ex.map(lambda k: bcad.grad(_loss)(0.3, k), ks))
    finally:
        sys.setswitchinterval(old)
    for k, g in zip(ks, got):
        assert g == pytest.approx(fd(lambda x: _loss(x, k), 0.3), rel=1e-6)


def _cubic_sin(x, k):
    return math.sin(k * x) * x ** 3


def _d2_cubic_sin(x, k):       # d^2/dx^2 of sin(kx) x^3
    s, c = math.sin(k * x), math.cos(k * x)
    return -k * k * s * x ** 3 + 6 * k * c * x ** 2 + 6 * s * x


def test_nested_transforms_in_threads_take_turns():
    """grad(grad(...)) in two threads: each nests on levels of its own
    (transforms/context.py), never on the other thread's tape."""
    seen = []

    def f(x, k):
        seen.append(context.kinds())
        return _cubic_sin(x, k)
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    try:
        ks = [0.2 * i for i in range(10)]
        with ThreadPoolExecutor(2) as ex:
            got = list(ex.map(lambda k: bcad.grad(bcad.grad(f))(0.7, k), ks))
    finally:
        sys.setswitchinterval(old)
    for k, g in zip(ks, got):
        assert g == pytest.approx(_d2_cubic_sin(0.7, k), rel=1e-12)
    assert seen == [["grad", "grad"]] * len(ks)
    assert context.depth() == 0 and context.CTX.tape is None


def test_transform_started_in_another_thread_while_one_records():
    """A thread that calls grad while another records sees none of its
    levels, waits for the interpreter, then nests on a tape of its own."""
    started, out, threads = threading.Event(), [], []

    def other():
        out.append(("other", context.depth(), context.recording(), context.inside()))
        started.set()
        out.append(("other's grad", bcad.grad(bcad.grad(_cubic_sin))(0.4, 1.5)))

    def f(x):
        t = threading.Thread(target=other)
        threads.append(t)
        t.start()
        started.wait()          # (the other thread runs while this one records)
        out.append(("recording", context.kinds()))
        return x * x
    assert bcad.grad(f)(0.3) == pytest.approx(0.6)
    threads[0].join(60)
    assert out[:2] == [("other", 0, None, False), ("recording", ["grad"])]
    assert out[2][1] == pytest.approx(_d2_cubic_sin(0.4, 1.5), rel=1e-12)
    assert context.depth() == 0 and context.CTX.tape is None


def test_callback_from_another_thread_while_recording_runs_natively():
    """C code in another thread calling back into interpreted Python code
    (an iterator that itertools.tee drives) runs it natively, outside the
    recording thread's levels, as CPython would."""
    levels = []

    class Slow:
        def __init__(self):
            self.n = 0

        def __iter__(self):
            return self

        def __next__(self):
            levels.append((threading.get_ident(), context.depth()))
            self.n += 1
            if self.n > 3:
                raise StopIteration
            return self.n

    def f(x):
        a, b = itertools.tee(Slow())
        out = []
        t = threading.Thread(target=lambda: out.extend(a))
        t.start()
        t.join()
        return x * sum(out) + x * x * len(list(b))
    assert bcad.grad(f)(0.5) == pytest.approx(6 + 2 * 0.5 * 3)
    me = threading.get_ident()
    assert {d for i, d in levels if i != me} == {0}      # natively, in the other thread
    assert context.depth() == 0


def test_native_code_in_another_thread_refused():
    def f(x):
        with ThreadPoolExecutor(2) as ex:
            return sum(ex.map(lambda v: v * x, [1.0, 2.0]))
    msg = refused(f, 0.7, "another thread")
    assert "<lambda>" in msg


def test_thread_target_refused(monkeypatch):
    seen = []
    monkeypatch.setattr(threading, "excepthook", seen.append)   # the thread's own report

    def f(x):
        out = []
        t = threading.Thread(target=lambda: out.append(x * 2.0))
        t.start()
        t.join()
        return out[0]
    refused(f, 0.7, "another thread")
    assert seen and seen[0].exc_type is NonDifferentiableError


def test_interpreted_threads_still_run():
    def f(k):
        with ThreadPoolExecutor(2) as ex:
            return sum(ex.map(lambda v: v * k, [1, 2, 3]))
    assert bcad.interpret(f)(2) == f(2) == 12


# ---------------------------------------------------- numpy C calls without the guard
# numpy's C functions given only plain data (numeric arrays, numbers, dtypes)
# run without the profile hook that refuses native Python code (it costs more
# than the call); whatever could run Python keeps it.

def test_numpy_errcall_that_reads_a_differentiable_value_is_refused():
    def f(x):
        seen = []

        def handler(kind, flag):
            seen.append(x * 2.0)        # natively, on a differentiable value
        with np.errstate(divide="call", call=handler):
            np.log(np.zeros(2))         # (plain data: only the errcall runs Python)
        return x * len(seen)
    with pytest.raises(NonDifferentiableError, match="handler"):
        bcad.grad(f)(1.5)


def test_numpy_errcall_of_a_recorded_ufunc_is_refused():
    """np.log of a tracked array calls the errcall handler natively: the
    handler's arithmetic on x was a silently lost gradient."""
    def f(x):
        seen = []

        def handler(kind, flag):
            seen.append(np.sum(x) * 2.0)
        with np.errstate(divide="call", call=handler):
            np.log(x - x)
        return seen[0] + np.sum(x)
    with pytest.raises(NonDifferentiableError, match="handler"):
        bcad.grad(f)(np.array([1.0, 2.0]))


# An operator's floating-point error calls the handler too: x / 0 of arrays,
# of numpy scalars, in place, spelled as operator.truediv or a dunder.
def _divide(x, z):
    return x / z


def _divide_in_place(x, z):
    y = x.copy()
    y /= z
    return y


def _scalar_divide(x, z):
    return x[0] / z[0]             # numpy float64 / float64


def _untracked_divide(x, z):
    return np.ones(2) / z          # plain data; the handler reads x


def _operator_divide(x, z):
    import operator
    return operator.truediv(x, z)


def _dunder_in_place(x, z):
    y = x.copy()
    y.__itruediv__(z)
    return y


def _negate_overflow(x, z):
    return -np.int64(np.iinfo(np.int64).min)       # overflow in scalar negative


def _cast_nan_into_ints(x, z):
    k = np.zeros(2, dtype=np.int64)
    k[:1] = np.array([np.nan])                      # invalid value in cast
    return k


def _convert_nan_to_ints(x, z):
    return np.asarray(np.array([np.nan]), dtype=np.int64)    # plain data, a keyword


@pytest.mark.parametrize("divide", [_divide, _divide_in_place, _scalar_divide,
                                    _untracked_divide, _operator_divide, _dunder_in_place,
                                    _negate_overflow, _cast_nan_into_ints,
                                    _convert_nan_to_ints])
def test_numpy_errcall_of_an_operator_is_refused(divide):
    def f(x):
        seen = []

        def handler(kind, flag):
            seen.append(np.sum(x) * 2.0)
        with np.errstate(all="call", call=handler):
            divide(x, x - x)
        return seen[0] + np.sum(x)
    with pytest.raises(NonDifferentiableError, match="handler"):
        bcad.grad(f)(np.array([1.0, 2.0]))


@pytest.mark.parametrize("divide", [_divide, _divide_in_place, _scalar_divide, _untracked_divide])
def test_numpy_errcall_that_is_never_called_is_harmless(divide):
    """With a handler installed, operators that raise no floating-point
    error run under the guard and the gradient is exact."""
    def f(x):
        seen = []

        def handler(kind, flag):
            seen.append(kind)
        with np.errstate(divide="call", invalid="call", call=handler):
            y = divide(x, x + 1.0)
        assert not seen
        return np.sum(x * y)
    x = np.array([1.0, 2.0])
    ref = lambda x: np.sum(x * divide(x, x + 1.0))   # noqa: E731
    h = 1e-6
    fd = [(ref(x + h * e) - ref(x - h * e)) / (2 * h) for e in np.eye(2)]
    assert np.allclose(bcad.grad(f)(x), fd, rtol=1e-6)


def test_numpy_errstate_ignore_needs_no_guard():
    def f(x):
        with np.errstate(divide="ignore", invalid="ignore"):
            y = x / (x - x) + x[0] / (x[0] - x[0])
        return np.sum(x * x) + float(np.isfinite(y).sum())
    x = np.array([1.0, 2.0])
    assert np.allclose(bcad.grad(f)(x), 2 * x)


def test_replaced_showwarning_and_an_operator_is_refused():
    import warnings

    def f(x):
        seen = []

        def show(message, category, filename, lineno, file=None, line=None):
            seen.append(np.sum(x) + 1.0)
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.showwarning = show
            x / (x - x)
        return np.sum(x) * 2.0 + seen[0]
    with pytest.raises(NonDifferentiableError, match="show"):
        bcad.grad(f)(np.array([1.0, 2.0]))


def test_replaced_showwarning_is_still_guarded(monkeypatch):
    import warnings
    seen = []

    def f(x):
        def show(message, category, filename, lineno, file=None, line=None):
            seen.append(x + 1.0)
        monkeypatch.setattr(warnings, "showwarning", show)
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.showwarning = show
            np.log(np.zeros(2))         # RuntimeWarning: divide by zero
        return x * 2.0
    with pytest.raises(NonDifferentiableError, match="show"):
        bcad.grad(f)(1.5)


def test_object_arrays_keep_the_guard():
    class Box:
        def __init__(self, v):
            self.v = v

        def __add__(self, other):
            return Box(self.v + other)

    def f(x):
        objs = np.empty(2, dtype=object)
        objs[0], objs[1] = Box(1.0), Box(2.0)
        k = [x]

        class Late(Box):
            def __add__(self, other):
                return Box(k[0] * other)        # natively, closing over x
        objs[1] = Late(0.0)
        out = np.add(objs, 1.0)                 # the elements' Python __add__
        return out[1].v
    with pytest.raises(NonDifferentiableError):
        bcad.grad(f)(1.5)


def test_plain_numpy_calls_on_constants_still_give_right_gradients():
    def f(x):
        A = np.arange(6.0).reshape(2, 3)
        c = np.dot(A, np.ones(3)) + np.asarray([1, 2], dtype=float)   # constants only
        return x * np.sqrt(np.abs(c)).sum() + np.dot(np.array([x, x]), c)
    A = np.arange(6.0).reshape(2, 3)
    c = A @ np.ones(3) + np.array([1.0, 2.0])
    assert bcad.grad(f)(1.5) == pytest.approx(np.sqrt(np.abs(c)).sum() + c.sum(), rel=1e-12)


class _Hooked(__import__("abc").ABC):
    """An ABC whose __subclasshook__ (run natively by _abc) sees classes only."""
    seen = []

    @classmethod
    def __subclasshook__(cls, C):
        cls.seen.append(C)
        return NotImplemented


def test_isinstance_against_an_abc_is_a_question_about_the_class():
    # ABCMeta.__instancecheck__ is interpreted; the C _abc_instancecheck it
    # calls reads only the instance's class (a bool: no gradient to carry).
    import collections.abc
    import numbers
    import scipy.sparse

    def f(x):
        a = x * 2.0
        s = np.sin(a)
        assert not isinstance(s, collections.abc.Sequence)
        assert not isinstance(s, _Hooked)
        assert not scipy.sparse.issparse(s)
        assert isinstance(float(s[0]), numbers.Real)
        assert issubclass(type(s), collections.abc.Hashable) is False
        return float(np.sum(s))
    x = np.array([0.3, 0.7])
    np.testing.assert_allclose(bcad.grad(f)(x), 2.0 * np.cos(2.0 * x))
    assert np.ndarray in _Hooked.seen


def test_scipy_linalg_reaches_its_own_code_past_issparse():
    # scipy.linalg.svd(a) asks issparse(a) first: the refusal names the
    # LAPACK wrapper scipy calls, not abc's isinstance machinery.
    import scipy.linalg
    with pytest.raises(NonDifferentiableError, match=r"scipy\.linalg") as e:
        bcad.grad(lambda x: scipy.linalg.svd(np.diag(x), compute_uv=False).sum())(
            np.array([1.0, 2.0]))
    assert "_abc" not in str(e.value).split("\n")[0]


def test_pop_methods_hand_back_an_element_they_held():
    # The popped element is no longer in the container when the result is
    # checked: a constant beside a differentiable value is not "new".
    # (uncertainties' LinearCombination.expand pops (factor, variable) pairs.)
    def f(x):
        pairs = [(x * 2.0, "a"), (3.0, "b")]
        a, _ = pairs.pop()
        b, _ = pairs.pop(0)
        d = {"k": x * 3.0, "c": 0.5}
        c = d.pop("c") + d.pop("k") + d.pop("missing", 0.25)
        e = {"q": x, "r": 1.0}.popitem()[1]
        q = collections.deque([x * 5.0, 7.0])
        g = q.pop() + q.popleft()
        return a + b + c + e + g
    assert bcad.grad(f)(1.5) == pytest.approx(2.0 + 3.0 + 5.0)
    assert bcad.value_and_grad(f)(1.5)[0] == pytest.approx(f(1.5))


def test_a_number_computed_natively_from_a_popped_element_still_refuses():
    # (the pop is a reference move; what C code computes from it is not)
    def f(x):
        pairs = [x * 2.0, x * 3.0]
        return float(np.float64(pairs.pop()).as_integer_ratio()[0]) + x
    with pytest.raises(NonDifferentiableError):
        bcad.grad(f)(1.5)


# list(zip(xs, a)) hands back xs's floats, but the exhausted list iterator
# inside the zip no longer refers to xs: they were taken for new numbers
# (uncertainties' correlated_values refused).
ZIPPED = {
    "list(zip(list, array))": lambda a: list(zip([1.0, 2.0], np.sqrt(a)))[1][1] * 3.0,
    "tuple(zip(array, list))": lambda a: sum(p * q for p, q in tuple(zip(np.sqrt(a), [1.5, 2.5]))),
    "dict(zip(list, array))": lambda a: dict(zip([0.5, 1.5], a * a))[1.5],
    "sorted(zip(list, array))": lambda a: sorted(zip([2.0, 1.0], np.exp(a)))[0][1],
    "list(iter(list of tracked))": lambda a: list(iter([4.0, a[0] * a[1]]))[1],
}


@pytest.mark.parametrize("name", ZIPPED)
def test_consumed_iterator_hands_back_its_elements(name):
    f = ZIPPED[name]
    a = np.array([1.3, 0.4])
    from tests.support import fd_grad
    np.testing.assert_allclose(bcad.grad(f)(a), fd_grad(f, a), rtol=1e-6, atol=1e-9)


def test_numpy_memory_questions_are_bools():
    # scikit-learn's check_array asks whether it must copy
    def f(a):
        b = a * 2.0
        assert not np.may_share_memory(b, a) and np.shares_memory(b, b[1:])
        return b.sum()
    np.testing.assert_allclose(bcad.grad(f)(np.array([1.0, 2.0])), [2.0, 2.0])


@functools.cache
def _installed_table():
    return [1.5, 2.5]


def test_cached_function_of_no_arguments_is_served_from_its_cache():
    # (narwhals' entry-point discovery, reached from every scikit-learn
    # check_array: interpreted at each call it read all package metadata)
    _installed_table()
    hits = _installed_table.cache_info().hits
    assert bcad.grad(lambda x: _installed_table()[1] * x)(2.0) == 2.5
    assert _installed_table.cache_info().hits == hits + 1

    @functools.cache
    def never_called():
        return 4.0
    # not cached yet: interpreted (and not cached by bcad)
    assert bcad.grad(lambda x: never_called() * x)(2.0) == 4.0
    assert never_called.cache_info().currsize == 0


def test_operator_comparisons_of_arrays_are_comparisons():
    # operator.gt(a, b) with arrays (pint's Quantity compares magnitudes so)
    # was taken for a C function that may write into a
    import operator as op

    def f(x):
        m = op.gt(x, np.array([0.5, 0.5])) | op.__le__(x, 0.0)
        return float(np.where(m, x, 2 * x).sum() + op.le(x[0], 0.4) * x[1]
                     + np.sum(op.eq(x, x) * x))
    np.testing.assert_allclose(bcad.grad(f)(np.array([0.3, 0.9])), [3.0, 3.0])


# ------------------------------------------------ native attribute access

class Holder:
    @property
    def unrelated(self):
        return 0.0


def _read_k(h, x):
    return h.k * x          # (one LOAD_ATTR of `k`, native while no descriptor hooks it)


def property_added_later(x):
    h = Holder()
    h.k = 2.0
    first = _read_k(h, x)
    Holder.k = property(lambda self: self.__dict__["k"] * x * x)     # reads x: must be seen
    try:
        second = _read_k(h, x)
    finally:
        del Holder.k
    return first + second


def test_property_added_to_a_class_is_interpreted():
    """Attribute reads of a name no descriptor hooks run natively (per
    class and name); a property given that name later is interpreted, so
    what it computes is differentiated."""
    g = bcad.grad(property_added_later)(1.5)
    assert property_added_later(1.5) == 2.0 * 1.5 + 2.0 * 1.5 ** 3
    np.testing.assert_allclose(g, 2.0 + 3 * 2.0 * 1.5 ** 2, rtol=1e-12)


# ------------------------------------------------ zip and enumerate, unscanned
# (tracking.call_c calls them without scanning their arguments, once tracked
# arrays among them are their recorded rows: each item must still carry its
# gradient, or the call be refused as before)

class _Iterable:
    def __init__(self, v):
        self.v = v

    def __iter__(self):
        return iter(self.v)


_ITERATED = {
    "arrays": lambda x: sum(a * b for a, b in zip(x, x[::-1])),
    "flat": lambda x: sum(a * b for a, b in zip(x.flat, [1.0, 2.0, 3.0])),
    "enumerate": lambda x: sum(i * a for i, a in enumerate(x)),
    "enumerate start": lambda x: sum(i * a for i, a in enumerate(x * 2.0, start=3)),
    "list": lambda x: sum(a * b for a, b in zip([x[0], x[1] * 2], [x[2], 1.0])),
    "generator": lambda x: sum(a * b for a, b in zip((e * e for e in x), x)),
    "dict values": lambda x: sum(a * b for a, b in zip({"a": x[0], "b": x[1]}.values(), x)),
    "python iterable": lambda x: sum(a * b for a, b in zip(_Iterable(x), x)),
    "rows": lambda x: sum(np.sum(r) * c for r, c in zip(np.outer(x, x), x)),
    "tolist": lambda x: sum(a * b for a, b in zip(x.tolist(), x)),
    "tuple of arrays": lambda x: sum(np.sum(a * b) for a, b in zip((x, x * 2), (x, x))),
    "dict(zip)": lambda x: sum(dict(zip("abc", x)).values()),
    "list(zip)": lambda x: sum(a * b for a, b in list(zip(x, x))),
    "strict": lambda x: sum(a * b for a, b in zip(x, x, strict=True)),
    "enumerate of zip": lambda x: sum(i * a * b for i, (a, b) in enumerate(zip(x, x))),
}
_ITERATED_REFUSED = {
    "nditer": lambda x: sum(float(a) * b for a, b in zip(np.nditer(x), x)),
    "memoryview": lambda x: sum(a * b for a, b in zip(memoryview(x), x)),
    "text": lambda x: sum(float(s) for s, _ in zip(str(x[0]).split(), x)),
    # (a tainted container: zip and enumerate are then scanned, as before)
    "array('d')": lambda x: sum(a * b for a, b in zip(array.array("d", x), x)),
    "enumerate array('d')": lambda x: sum(i * a for i, a in enumerate(array.array("d", [x[0], x[1]]))),
}


@pytest.mark.parametrize("name", _ITERATED)
def test_zip_and_enumerate_items_carry_their_gradients(name):
    from tests.support import fd_grad
    x = np.array([0.3, -1.2, 2.0])
    f = _ITERATED[name]
    np.testing.assert_allclose(bcad.grad(f)(x), fd_grad(f, x), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name", _ITERATED_REFUSED)
def test_zip_of_what_copies_a_tracked_array_is_refused(name):
    with pytest.raises(NonDifferentiableError, match=r"test_boundary\.py"):
        bcad.grad(_ITERATED_REFUSED[name])(np.array([0.3, -1.2, 2.0]))


def test_dict_get_runs_unguarded_only_among_text_and_int_keys():
    # (a key of a Python class: the lookup of "a" runs its __eq__ natively,
    # which the guard refuses)
    class K:
        def __hash__(self):
            return hash("a")

        def __eq__(self, other):
            return False

    def f(x):
        d = {K(): 1.0, "b": 2.0}
        return x * d.get("a", 3.0)
    with pytest.raises(NonDifferentiableError, match="natively"):
        bcad.grad(f)(1.5)

    def g(x):
        d = {"a": 1.0, 0: 2.0, "b": x}
        return x * d.get("a", 3.0) + d.get(0) + d.get("b")
    assert bcad.grad(g)(1.5) == 2.0
