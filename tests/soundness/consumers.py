"""Consumers: functions that hand a carrier (carriers.py) to some C-level or
library code and return a number, for the soundness sweep (sweep.py).

Every consumer is a `(name, fn)` pair; `fn(c)` returns a real number.  A
consumer need not fit every carrier: the sweep keeps only the combinations
that run natively and return a finite number.  The helpers `_vals`,
`_first` and `_total` are plain Python, so bcad interprets them; they only
adapt a carrier's shape and are not what is being tested.
"""
import array
import ast
import bisect
import copy
import ctypes
import dataclasses
import decimal
import fractions
import functools
import heapq
import io
import itertools
import json
import math
import operator
import pickle
import sqlite3
import statistics
import struct

import numpy as np


def _vals(c):
    """The carrier's values as a list (a scalar or a string is one value)."""
    if isinstance(c, (str, bytes)):
        return [c]
    try:
        return list(c)
    except TypeError:
        return [c]


def _first(c):
    return _vals(c)[0]


def _total(obj):
    """Sum of every number in a nested structure (dict values included)."""
    if isinstance(obj, dict):
        obj = obj.values()
    if isinstance(obj, (str, bytes, bytearray)):
        raise TypeError("text is not a number")
    try:
        items = iter(obj)
    except TypeError:
        return obj
    acc = 0.0
    for v in items:
        acc = acc + _total(v)
    return acc


class _CPair(ctypes.Structure):
    _fields_ = [("a", ctypes.c_double), ("b", ctypes.c_double)]


def _store(kind):
    """A consumer that stores the carrier's first value (or all its values)
    into a fresh C container in the way `kind` names, then reads it back."""
    def consume(c):
        vals = _vals(c)
        v = vals[0]
        if kind == "index":
            a = np.zeros(3)
            a[0] = v
        elif kind == "slice":
            a = np.zeros(len(vals))
            a[:len(vals)] = vals
        elif kind == "ellipsis":
            a = np.zeros(2)
            a[...] = v
        elif kind == "mask":
            a = np.zeros(3)
            a[np.array([True, False, True])] = v
        elif kind == "fill":
            a = np.zeros(2)
            a.fill(v)
        elif kind == "put":
            a = np.zeros(2)
            a.put(0, v)
        elif kind == "flat":
            a = np.zeros(2)
            a.flat[0] = v
        elif kind == "iadd":
            a = np.zeros(2)
            a += v
        elif kind == "view":
            a = np.zeros(3)
            view = a[:2]
            view[0] = v
        elif kind == "copyto":
            a = np.zeros(2)
            np.copyto(a, v)
        else:
            return _store_other(kind, vals)
        return a.sum()
    return consume


def _store_other(kind, vals):
    v = vals[0]
    if kind == "array-setitem":
        a = array.array("d", [0.0])
        a[0] = v
        return a[0]
    if kind == "array-append":
        a = array.array("d")
        a.append(v)
        return a[-1]
    if kind == "array-extend":
        a = array.array("d")
        a.extend(vals)
        return sum(a)
    if kind == "pack_into":
        fmt = "%dd" % len(vals)
        buf = bytearray(8 * len(vals))
        struct.pack_into(fmt, buf, 0, *vals)
        return _total(struct.unpack(fmt, buf))
    if kind == "memoryview":
        m = memoryview(bytearray(8)).cast("d")
        m[0] = v
        return m[0]
    if kind == "ctypes-setitem":
        a = (ctypes.c_double * 2)()
        a[0] = v
        return a[0]
    if kind == "ctypes-init":
        return sum((ctypes.c_double * len(vals))(*vals))
    if kind == "ctypes-struct":
        s = _CPair(*vals[:2])
        return s.a + s.b
    if kind == "c_double":
        return ctypes.c_double(v).value
    if kind == "list":
        a = [0.0]
        a[0] = v
        return a[0]
    raise AssertionError(kind)


def _insort(c):
    s = []
    for v in c:
        bisect.insort(s, v)
    return s[0]


def _sqlite_round_trip(vals):
    """Values stored in an in-memory database (a C object that keeps copies)
    and read back."""
    con = sqlite3.connect(":memory:")
    con.execute("create table t (v real)")
    con.executemany("insert into t values (?)", [(v,) for v in vals])
    return sum(row[0] for row in con.execute("select v from t"))


def _string_io(text):
    buf = io.StringIO()
    buf.write(text)
    return buf.getvalue()


def _matmul(c):
    vals = _vals(c)
    return vals @ np.ones(len(vals))


CONSUMERS = [
    # builtins and the math module
    ("sum", lambda c: sum(c)),
    ("math.fsum", lambda c: math.fsum(c)),
    ("math.prod", lambda c: math.prod(c)),
    ("min", lambda c: min(c)),
    ("max", lambda c: max(c)),
    ("min(key=abs)", lambda c: min(c, key=abs)),
    ("sorted[0]", lambda c: sorted(c)[0]),
    ("sorted(reverse)[0]", lambda c: sorted(c, reverse=True)[0]),
    ("math.hypot(*c)", lambda c: math.hypot(*c)),
    ("math.dist", lambda c: math.dist(_vals(c), [0.0] * len(_vals(c)))),
    ("math.sumprod", lambda c: math.sumprod(_vals(c), _vals(c))),
    ("sum(v*v)", lambda c: sum(v * v for v in c)),
    ("sum(dict.fromkeys)", lambda c: sum(dict.fromkeys(c))),
    ("sum(set)", lambda c: sum(set(c))),
    ("sum(zip)", lambda c: sum(a for (a,) in zip(c))),
    ("next(iter)", lambda c: next(iter(c))),
    ("unpack-star", lambda c: (lambda a, *rest: a + rest[-1])(*c)),
    ("c[0]", lambda c: c[0]),
    ("c[-1]", lambda c: c[-1]),
    # statistics
    ("statistics.mean", lambda c: statistics.mean(c)),
    ("statistics.fmean", lambda c: statistics.fmean(c)),
    ("statistics.median", lambda c: statistics.median(c)),
    ("statistics.stdev", lambda c: statistics.stdev(c)),
    ("statistics.variance", lambda c: statistics.variance(c)),
    ("statistics.pstdev", lambda c: statistics.pstdev(c)),
    ("statistics.geometric_mean", lambda c: statistics.geometric_mean(c)),
    ("statistics.harmonic_mean", lambda c: statistics.harmonic_mean(c)),
    # operator, functools, itertools, heapq, bisect
    ("operator.add", lambda c: operator.add(*_vals(c)[:2])),
    ("operator.mul", lambda c: operator.mul(*_vals(c)[:2])),
    ("operator.itemgetter", lambda c: operator.itemgetter(0)(c)),
    ("operator.attrgetter", lambda c: operator.attrgetter("a")(c)),
    ("functools.reduce(add)", lambda c: functools.reduce(operator.add, c)),
    ("functools.reduce(mul)", lambda c: functools.reduce(operator.mul, c)),
    ("itertools.accumulate", lambda c: list(itertools.accumulate(c))[-1]),
    ("itertools.chain.from_iterable", lambda c: math.fsum(itertools.chain.from_iterable(c))),
    ("sum(map(sum))", lambda c: sum(map(sum, c))),
    ("heapq.nsmallest", lambda c: heapq.nsmallest(1, c)[0]),
    ("heapq.nlargest", lambda c: heapq.nlargest(2, c)[1]),
    ("bisect.insort", _insort),
    # structure-generic: copies, serialisation, attributes
    ("total", _total),
    ("total(list)", lambda c: _total(list(c))),
    ("total(copy.copy)", lambda c: _total(copy.copy(c))),
    ("total(copy.deepcopy)", lambda c: _total(copy.deepcopy(c))),
    ("total(pickle)", lambda c: _total(pickle.loads(pickle.dumps(c)))),
    ("total(json)", lambda c: _total(json.loads(json.dumps(c)))),
    ("total(vars)", lambda c: _total(vars(c))),
    ("dataclasses.astuple", lambda c: _total(dataclasses.astuple(c))),
    ("attrs", lambda c: c.a + c.b * c.c),
    ("call", lambda c: _total(c())),
    ("cell_contents", lambda c: _total(cell.cell_contents for cell in c.__closure__)),
    # numpy functions and methods
    ("np.sum", lambda c: np.sum(c)),
    ("np.mean", lambda c: np.mean(c)),
    ("np.prod", lambda c: np.prod(c)),
    ("np.max", lambda c: np.max(c)),
    ("np.min", lambda c: np.min(c)),
    ("np.std", lambda c: np.std(c)),
    ("np.median", lambda c: np.median(c)),
    ("np.cumsum[-1]", lambda c: np.cumsum(c)[-1]),
    ("np.sort[0]", lambda c: np.sort(c)[0]),
    ("np.polyval", lambda c: np.polyval(c, 0.5)),
    ("np.linalg.norm", lambda c: np.linalg.norm(c)),
    ("np.dot", lambda c: np.dot(c, c)),
    ("np.add.reduce", lambda c: np.add.reduce(c)),
    ("np.array().sum()", lambda c: np.array(c).sum()),
    ("np.array()[0]", lambda c: np.array(c)[0]),
    ("np.fromiter", lambda c: np.fromiter(c, float).sum()),
    ("np.exp().sum()", lambda c: np.exp(c).sum()),
    ("np.sin().sum()", lambda c: np.sin(c).sum()),
    ("ndarray.tolist", lambda c: _total(np.asarray(c).tolist())),
    ("ndarray.item", lambda c: np.asarray(c).ravel()[0].item()),
    ("float(np.sum)", lambda c: float(np.sum(c))),
    ("np.float64()", lambda c: np.float64(c)),
    # operators against foreign types
    ("c*np.ones(3)", lambda c: np.sum(c * np.ones(3))),
    ("np.ones(3)+c", lambda c: (np.ones(3) + c).sum()),
    ("c*np.float32(2)", lambda c: np.sum(c * np.float32(2.0))),
    ("c*np.float64(2)", lambda c: np.sum(c * np.float64(2.0))),
    ("c*np.longdouble(2)", lambda c: np.sum(c * np.longdouble(2.0))),
    ("c@np.ones", _matmul),
    ("Decimal(1)*c", lambda c: decimal.Decimal(1) * c),
    ("Fraction(1)*c", lambda c: fractions.Fraction(1) * c),
    ("sum(Decimal)", lambda c: sum(decimal.Decimal(v) for v in c)),
    # scalar consumers
    ("float()", lambda c: float(c)),
    ("complex().real", lambda c: complex(c).real),
    ("c*c", lambda c: c * c),
    ("math.sin", lambda c: math.sin(c)),
    ("abs", lambda c: abs(c)),
    ("c.real", lambda c: c.real),
    ("c.value", lambda c: c.value),
    ("ratio", lambda c: c[0] / c[1]),
    # text and bytes back to numbers
    ("float.fromhex", lambda c: float.fromhex(c)),
    ("Decimal(text)", lambda c: decimal.Decimal(c)),
    ("Fraction(text)", lambda c: fractions.Fraction(c)),
    ("sum(map(float, split))", lambda c: sum(map(float, c.split()))),
    ("json.loads", lambda c: _total(json.loads(c))),
    ("ast.literal_eval", lambda c: _total(ast.literal_eval(c))),
    ("eval", lambda c: _total(eval(c))),
    ("struct.unpack", lambda c: _total(struct.unpack("%dd" % (len(c) // 8), c))),
    ("struct.iter_unpack", lambda c: _total(struct.iter_unpack("d", c))),
    ("pickle.loads", lambda c: _total(pickle.loads(c))),
    ("np.frombuffer", lambda c: np.frombuffer(c).sum()),
    ("memoryview.cast", lambda c: sum(memoryview(c).cast("B").cast("d"))),
    ("array('d', c)", lambda c: sum(array.array("d", c))),
    # stores into C containers, then a read
    ("ndarray[0]=v", _store("index")),
    ("ndarray[:n]=vals", _store("slice")),
    ("ndarray[...]=v", _store("ellipsis")),
    ("ndarray[mask]=v", _store("mask")),
    ("ndarray.fill", _store("fill")),
    ("ndarray.put", _store("put")),
    ("ndarray.flat[0]=v", _store("flat")),
    ("ndarray+=v", _store("iadd")),
    ("ndarray-view-write", _store("view")),
    ("np.copyto", _store("copyto")),
    ("array[0]=v", _store("array-setitem")),
    ("array.append", _store("array-append")),
    ("array.extend", _store("array-extend")),
    ("struct.pack_into", _store("pack_into")),
    ("memoryview[0]=v", _store("memoryview")),
    ("ctypes-array[0]=v", _store("ctypes-setitem")),
    ("ctypes-array(*vals)", _store("ctypes-init")),
    ("ctypes-Structure", _store("ctypes-struct")),
    ("ctypes.c_double().value", _store("c_double")),
    ("pylist[0]=v", _store("list")),
    ("sqlite3.executemany", lambda c: _sqlite_round_trip(_vals(c))),
    # C code calling back a Python function that closes over the carrier
    ("np.frompyfunc(closure)", lambda c: float(
        np.frompyfunc(lambda v: v * _first(c), 1, 1)(np.ones(2)).sum())),
    ("StringIO.write(repr)", lambda c: float(_string_io(repr(_first(c))))),
    # piecewise and structural: derivative 0 (or a branch) away from kinks
    ("float(len)", lambda c: float(len(_vals(c)))),
    ("compare>0.5", lambda c: 1.0 if _first(c) > 0.5 else -1.0),
    ("branch", lambda c: _first(c) if _first(c) > 0.5 else -_first(c)),
    ("round(sum,1)", lambda c: round(sum(_vals(c)), 1)),
    ("math.floor", lambda c: float(math.floor(10.0 * _first(c)))),
    ("int(v*100)", lambda c: float(int(100.0 * _first(c)))),
]
