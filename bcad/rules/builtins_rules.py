"""Rules for builtins: abs, sum, pow, divmod, float, complex, round, and the
attributes/methods of float and complex values."""
import builtins
import math

from ..tape.tape import Primitive
from . import RULES, ATTRS, defvjp, defvjp_general, defvjp_multi, cj, real_if
from .python_scalars import ABS, BINARY


RULES[builtins.abs] = ABS


def _sum_vjp(g, ans, args, kwargs):
    out = ([g] * len(args[0]),)
    if len(args) > 1:
        out += (g,)
    return out


defvjp_general(builtins.sum, _sum_vjp, iterables=(0,))


def _pow_vjp(g, ans, args, kwargs):
    x, y = args[0], args[1]
    p = BINARY[8]
    return (p.vjps[0](g, ans, x, y), p.vjps[1](g, ans, x, y)) + ((None,) if len(args) > 2 else ())


defvjp_general(builtins.pow, _pow_vjp)

# divmod(x, y) = (floor(x / y), x mod y): the quotient is piecewise constant.
defvjp_multi(builtins.divmod, None, BINARY[6].vjps)
for _tp in (float, int):
    for _name in ("__divmod__",):
        defvjp_multi(_tp.__dict__[_name], None, BINARY[6].vjps, name=f"{_tp.__name__}.{_name}")

# float(x) of a float subclass (a new object), complex(re, im), x.conjugate().
defvjp(builtins.float, lambda g, ans, x: real_if(x, g))


def _complex_vjp(g, ans, args, kwargs):
    g = complex(g)
    if len(args) == 1:
        return (real_if(args[0], g),)
    return (real_if(args[0], g), real_if(args[1], complex(g.imag, -g.real) * -1j * 1j)
            if type(args[1]) is complex else g.imag)


defvjp_general(builtins.complex, _complex_vjp)
defvjp(float.conjugate, lambda g, ans, x: g)
defvjp(complex.conjugate, lambda g, ans, x: cj(g))
# complex attributes: z.real, z.imag
ATTRS[(complex, "real")] = Primitive("complex.real", None, (lambda g, ans, z: complex(g, 0.0),))
ATTRS[(complex, "imag")] = Primitive("complex.imag", None, (lambda g, ans, z: complex(0.0, g),))


def _round_vjp(g, ans, args, kwargs):
    return tuple(0.0 * g if i == 0 else None for i in range(len(args)))


# round(x, n) returns a float that is piecewise constant in x.
defvjp_general(builtins.round, _round_vjp)
