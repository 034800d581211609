"""Float and complex arithmetic: the primitives of BINARY_OP and UNARY_*,
and the same operations reached as slot wrappers (float.__add__, ...)."""
import math

from ..tape.tape import Primitive
from . import BINARY, UNARY, RULES, cj


def _floor_div(x, y):
    return math.floor(x / y)


def _pow_dx(g, ans, x, y):
    if y == 0:
        return 0.0 * g
    return g * cj(y * x ** (y - 1))


def _pow_dy(g, ans, x, y):
    if type(x) is complex or type(ans) is complex:
        if x == 0:
            return 0.0 * g
        import cmath
        return g * cj(cmath.log(x) * ans)
    if x > 0:
        return g * math.log(x) * ans
    if x == 0:
        return 0.0 * g
    return math.nan * g    # d(x**y)/dy does not exist for real x < 0


def _mod_dy(g, ans, x, y):
    return -g * math.floor(x / y)


_ADD = Primitive("add", None, (lambda g, ans, x, y: g, lambda g, ans, x, y: g))
_SUB = Primitive("sub", None, (lambda g, ans, x, y: g, lambda g, ans, x, y: -g))
_MUL = Primitive("mul", None, (lambda g, ans, x, y: g * cj(y), lambda g, ans, x, y: g * cj(x)))
_DIV = Primitive("truediv", None, (lambda g, ans, x, y: g / cj(y),
                                   lambda g, ans, x, y: -g * cj(ans / y)))
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
