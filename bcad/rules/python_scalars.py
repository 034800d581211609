"""Float and complex arithmetic: the primitives of BINARY_OP and UNARY_*,
and the same operations reached as slot wrappers (float.__add__, ...)."""
import cmath
import math

import numpy

from ..tape.tape import Primitive
from . import BINARY, UNARY, RULES, cj, defzero


def _pow_dx(g, ans, x, y):
    """d(x**y)/dx = y * x**(y-1), as a function of x and y (its own
    derivatives are the second ones: 2 for x**2 at 0, 1/x in y at y == 0)."""
    if x == 0:
        # 0**(y-1): 1 for y == 1, 0 for y > 1, infinite for 0 < y < 1
        # (y < 0 raised in the forward pass); complex y: by its real part.
        if y == 0:
            return 0.0 * g
        if y == 1:
            return g
        return g * (cj(y * x ** (y - 1)) if y.real > 1 else math.inf)
    return g * cj(y * x ** (y - 1))


def _pow_dy(g, ans, x, y):
    """d(x**y)/dy = log(x) * x**y."""
    if x == 0:
        return 0.0 * g          # 0**y is 0 for every y > 0
    if type(x) is complex or type(ans) is complex:
        return g * cj(cmath.log(x) * ans)
    if x > 0:
        return g * math.log(x) * ans
    # real x < 0 with an integral y: x**y is real only at integers, so it
    # has no real derivative in y.
    return math.nan * g


def _div_dx(g, ans, x, y):
    """d(x/y)/dx = 1/y.  At y == 0 the forward division was numpy's (a
    float64 operand: an infinity, not ZeroDivisionError), and so is this
    one: a Python float cotangent divided by 0.0 would raise."""
    if y == 0:
        g = numpy.complex128(g) if isinstance(g, complex) else numpy.float64(g)
    return g / cj(y)


def _mod_dy(g, ans, x, y):
    """x % y = x - y * q with q = x // y (Python's quotient, consistent with
    %, which can differ from floor(x / y) by one: 7.0 % 0.1 has q = 69)."""
    return -g * (x // y)


_ADD = Primitive("add", None, (lambda g, ans, x, y: g, lambda g, ans, x, y: g))
_SUB = Primitive("sub", None, (lambda g, ans, x, y: g, lambda g, ans, x, y: -g))
_MUL = Primitive("mul", None, (lambda g, ans, x, y: g * cj(y), lambda g, ans, x, y: g * cj(x)))
_DIV = Primitive("truediv", None, (_div_dx, lambda g, ans, x, y: -g * cj(ans / y)))
_MOD = Primitive("mod", None, (lambda g, ans, x, y: g, _mod_dy))
_POW = Primitive("pow", None, (_pow_dx, _pow_dy))

# BINARY_OP arguments (NB_* numbering); in-place forms share the primitive.
for k, p in ((0, _ADD), (10, _SUB), (5, _MUL), (11, _DIV), (6, _MOD), (8, _POW)):
    BINARY[k] = p
    BINARY[k + 13] = p


def _abs_vjp(g, ans, x):
    if type(x) is complex:
        return g * x / ans if ans else 0.0 * g
    return g if x > 0 else -g if x < 0 else 0.0 * g


NEG = Primitive("neg", None, (lambda g, ans, x: -g,))
POS = Primitive("pos", None, (lambda g, ans, x: g,))
ABS = Primitive("abs", None, (_abs_vjp,))
UNARY["__neg__"] = NEG
UNARY["__pos__"] = POS
UNARY["__abs__"] = ABS


def reflected(p):
    """The primitive of a reflected slot wrapper: `float.__radd__(y, x)` is
    `x + y`, so its argument order is swapped relative to `p`."""
    d0, d1 = p.vjps
    return Primitive(f"r{p.name}", None, (lambda g, ans, s, o: d1(g, ans, o, s),
                                         lambda g, ans, s, o: d0(g, ans, o, s)))


# Slot wrappers reached when a Python subclass of float/complex defers to its
# base (`super().__add__(o)`), or through `float.__add__(x, y)` directly.
for _tp in (float, complex, int):
    for _dunder, _prim in (("__add__", _ADD), ("__sub__", _SUB), ("__mul__", _MUL),
                           ("__truediv__", _DIV), ("__mod__", _MOD), ("__pow__", _POW)):
        _fwd = _tp.__dict__.get(_dunder)
        if _fwd is not None:
            RULES[_fwd] = _prim
        _rev = _tp.__dict__.get("__r" + _dunder[2:])
        if _rev is not None:
            RULES[_rev] = reflected(_prim)
    for _dunder, _prim in (("__neg__", NEG), ("__pos__", POS), ("__abs__", ABS)):
        _w = _tp.__dict__.get(_dunder)
        if _w is not None:
            RULES[_w] = _prim

# Piecewise-constant float results: x // y (the BINARY_OP form records
# nothing: BINARY[2] is None) and round(x, n) through the slot wrappers.
for _w in (float.__floordiv__, float.__rfloordiv__, float.__round__):
    defzero(_w)
