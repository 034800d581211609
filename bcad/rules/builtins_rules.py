"""Rules for builtins: abs, sum, pow, divmod, float, complex, round, and the
attributes/methods of float and complex values."""
import builtins

from ..tape.tape import Primitive
from . import RULES, ATTRS, defvjp, defvjp_general, defvjp_multi, defzero, cj, real_if, kw_cts
from .python_scalars import ABS, BINARY, reflected


RULES[builtins.abs] = ABS


def _sum_vjp(g, ans, args, kwargs):
    """sum(iterable, start=0): every term and the start get the cotangent."""
    return kw_cts(([g] * len(args[0]),) + (g,) * (len(args) - 1), kwargs, start=g)


defvjp_general(builtins.sum, _sum_vjp, iterables=(0,))


_POW_PARAMS = ("base", "exp", "mod")


def _pow_vjp(g, ans, args, kwargs):
    """pow(base, exp[, mod]) (mod: integers only, or None)."""
    bound = dict(zip(_POW_PARAMS, args), **kwargs)
    x, y = bound["base"], bound["exp"]
    p = BINARY[8]
    cts = {"base": p.vjps[0](g, ans, x, y), "exp": p.vjps[1](g, ans, x, y), "mod": None}
    return tuple(cts[n] for n in _POW_PARAMS[:len(args)]) + tuple(cts[k] for k in kwargs)


defvjp_general(builtins.pow, _pow_vjp)

# divmod(x, y) = (floor(x / y), x mod y): the quotient is piecewise constant.
defvjp_multi(builtins.divmod, None, BINARY[6].vjps)
for _tp in (float, int):
    defvjp_multi(_tp.__divmod__, None, BINARY[6].vjps, name=f"{_tp.__name__}.__divmod__")
    # float.__rdivmod__(y, x) is divmod(x, y): the arguments swap.
    defvjp_multi(_tp.__rdivmod__, None, reflected(BINARY[6]).vjps,
                 name=f"{_tp.__name__}.__rdivmod__")

# float(x) of a float subclass (a new object), complex(re, im), x.conjugate().
defvjp(builtins.float, lambda g, ans, x: real_if(x, g))


def _complex_vjp(g, ans, args, kwargs):
    """complex(real=0, imag=0) = real + 1j * imag (either may be complex):
    d/dreal = 1, d/dimag = 1j, so ct_real = g and ct_imag = g * conj(1j)."""
    g = complex(g)
    bound = dict(zip(("real", "imag"), args), **kwargs)
    cts = {}
    if "real" in bound:
        cts["real"] = real_if(bound["real"], g)
    if "imag" in bound:
        cts["imag"] = real_if(bound["imag"], g * -1j)
    return tuple(cts[n] for n in ("real", "imag")[:len(args)]) + tuple(cts[k] for k in kwargs)


defvjp_general(builtins.complex, _complex_vjp)
defvjp(float.conjugate, lambda g, ans, x: g)
defvjp(complex.conjugate, lambda g, ans, x: cj(g))
# complex attributes: z.real, z.imag
ATTRS[(complex, "real")] = Primitive("complex.real", None, (lambda g, ans, z: complex(g, 0.0),))
ATTRS[(complex, "imag")] = Primitive("complex.imag", None, (lambda g, ans, z: complex(0.0, g),))


# round(x, n) returns a float that is piecewise constant in x (round(x) an int).
defzero(builtins.round)
