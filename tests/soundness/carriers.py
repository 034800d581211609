"""Carriers: functions of one float `x` that put tracked values derived from
`x` into some container or object, for the soundness sweep (sweep.py).

Every carrier is a `(name, fn)` pair; `fn(x)` builds a fresh object on each
call (iterators are consumed once).  Most carriers hold the three values
`x, 2*x, x*x` (0.7, 1.4, 0.49 at x0 = 0.7): distinct, so that `min`/`max`/
`sorted` pick a definite one, and far apart, so no kink is within the
finite-difference step.
"""
import array
import collections
import ctypes
import dataclasses
import decimal
import fractions
import itertools
import json
import pickle
import struct

import numpy as np


def _three(x):
    return [x, 2.0 * x, x * x]


# --- user types that hold the values -------------------------------------------

Point = collections.namedtuple("Point", "a b c")


class T(tuple):
    pass


class L(list):
    pass


class Plain:
    """Attributes a, b, c; iterable so that generic consumers apply."""

    def __init__(self, a, b, c):
        self.a, self.b, self.c = a, b, c

    def __iter__(self):
        return iter((self.a, self.b, self.c))


@dataclasses.dataclass
class Data:
    a: float
    b: float
    c: float

    def __iter__(self):
        return iter((self.a, self.b, self.c))


class Slots:
    __slots__ = ("a", "b", "c")

    def __init__(self, a, b, c):
        self.a, self.b, self.c = a, b, c

    def __iter__(self):
        return iter((self.a, self.b, self.c))


class Number:
    """Converts to a number the way C code asks for one (__float__,
    __complex__, __index__ via int()), and iterates like the others."""

    def __init__(self, a, b, c):
        self.a, self.b, self.c = a, b, c

    def __float__(self):
        return self.a

    def __complex__(self):
        return complex(self.a)

    def __iter__(self):
        return iter((self.a, self.b, self.c))


class Text(str):
    """A str subclass: constructing it from a number is formatting it."""


class CStruct(ctypes.Structure):
    _fields_ = [("a", ctypes.c_double), ("b", ctypes.c_double), ("c", ctypes.c_double)]


def _genfunc(x):
    yield x
    yield 2.0 * x
    yield x * x


def _closure(x):
    a, b, c = _three(x)

    def get():
        return [a, b, c]
    return get


# --- the table -------------------------------------------------------------------

CARRIERS = [
    # scalars
    ("float", lambda x: x),
    # builtin containers
    ("list", _three),
    ("tuple", lambda x: tuple(_three(x))),
    ("nested-list", lambda x: [[x, 2.0 * x], [x * x, x]]),
    ("list-of-tuples", lambda x: [(x, 2.0 * x), (x * x, x)]),
    ("dict", lambda x: dict(zip("abc", _three(x)))),
    ("dict-float-keys", lambda x: dict.fromkeys(_three(x), "v")),
    ("dict-tuple-keys", lambda x: {(x, 2.0 * x): 1, (x * x,): 2}),
    ("dict-frozenset-keys", lambda x: {frozenset([x, 2.0 * x]): 1, frozenset([x * x]): 2}),
    ("set", lambda x: set(_three(x))),
    ("frozenset", lambda x: frozenset(_three(x))),
    # user and library sequence types
    ("namedtuple", lambda x: Point(*_three(x))),
    ("tuple-subclass", lambda x: T(_three(x))),
    ("list-subclass", lambda x: L(_three(x))),
    ("deque", lambda x: collections.deque(_three(x))),
    # dict views
    ("dict.values()", lambda x: dict(zip("abc", _three(x))).values()),
    ("dict.keys()", lambda x: dict.fromkeys(_three(x)).keys()),
    ("dict.items()", lambda x: {1: x, 2: 2.0 * x, 3: x * x}.items()),
    # iterators
    ("iter(list)", lambda x: iter(_three(x))),
    ("genexpr", lambda x: (v for v in _three(x))),
    ("genfunc", _genfunc),
    ("map(lambda)", lambda x: map(lambda k: k * x, [1.0, 2.0, 3.0])),
    ("map(float)", lambda x: map(float, _three(x))),
    ("zip", lambda x: zip([x, 2.0 * x], [x * x, 1.0])),
    ("reversed", lambda x: reversed(_three(x))),
    ("itertools.chain", lambda x: itertools.chain([x], [2.0 * x, x * x])),
    ("itertools.islice", lambda x: itertools.islice(_three(x) + [9.0], 3)),
    ("filter", lambda x: filter(None, _three(x))),
    # objects with attributes, closures
    ("object", lambda x: Plain(*_three(x))),
    ("dataclass", lambda x: Data(*_three(x))),
    ("slots", lambda x: Slots(*_three(x))),
    ("__float__-object", lambda x: Number(*_three(x))),
    ("closure", _closure),
    # numpy scalars and arrays
    ("np.float64", lambda x: np.float64(x)),
    ("np.float32", lambda x: np.float32(x)),
    ("np.longdouble", lambda x: np.longdouble(x)),
    ("list-of-np.float64", lambda x: [np.float64(v) for v in _three(x)]),
    ("np.array", lambda x: np.array(_three(x))),
    ("x*np.ones", lambda x: x * np.ones(3)),
    ("np.ones*x", lambda x: np.ones(3) * x),
    ("np.array-2d", lambda x: np.array([[x, 2.0 * x], [x * x, x]])),
    ("np.array-float32", lambda x: np.array(_three(x), dtype=np.float32)),
    ("np.array-object", lambda x: np.array(_three(x), dtype=object)),
    ("np.array.tolist()", lambda x: np.array(_three(x)).tolist()),
    # stdlib C containers
    ("array('d')", lambda x: array.array("d", _three(x))),
    ("array('f')", lambda x: array.array("f", _three(x))),
    ("memoryview(array('d'))", lambda x: memoryview(array.array("d", _three(x)))),
    ("ctypes.c_double", lambda x: ctypes.c_double(x)),
    ("ctypes-array", lambda x: (ctypes.c_double * 3)(*_three(x))),
    ("ctypes-Structure", lambda x: CStruct(*_three(x))),
    # text and bytes made from the values
    ("repr", lambda x: repr(x)),
    ("str", lambda x: str(x)),
    ("str-subclass", lambda x: Text(x)),
    ("repr(list)", lambda x: repr(_three(x))),
    ("json.dumps", lambda x: json.dumps(_three(x))),
    ("json.dumps-indent", lambda x: json.dumps(_three(x), indent=2)),
    ("json.dumps-dict", lambda x: json.dumps(dict(zip("abc", _three(x))))),
    ("f-string", lambda x: f"{x} {2.0 * x} {x * x}"),
    ("f-string-.3f", lambda x: f"{x:.3f}"),
    ("format-.17g", lambda x: format(x, ".17g")),
    ("percent-r", lambda x: "%r" % (x,)),
    ("float.hex", lambda x: x.hex()),
    ("struct.pack", lambda x: struct.pack("3d", *_three(x))),
    ("pickle.dumps", lambda x: pickle.dumps(_three(x))),
    ("bytearray(pack)", lambda x: bytearray(struct.pack("3d", *_three(x)))),
    ("memoryview(pack)", lambda x: memoryview(struct.pack("3d", *_three(x)))),
    ("np.tobytes", lambda x: np.array(_three(x)).tobytes()),
    # exact conversions
    ("Decimal", lambda x: decimal.Decimal(x)),
    ("Fraction", lambda x: fractions.Fraction(x)),
    ("as_integer_ratio", lambda x: x.as_integer_ratio()),
    ("list-of-Decimal", lambda x: [decimal.Decimal(v) for v in _three(x)]),
]

# Carriers whose native value is rounded coarsely: the finite difference of the
# native function needs a larger step and a looser tolerance (h, rtol).
FD_STEP = {
    "np.float32": (1e-3, 1e-3),
    "np.array-float32": (1e-3, 1e-3),
    "array('f')": (1e-3, 1e-3),
}
