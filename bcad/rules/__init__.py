"""Derivative rules for C-level primitives, one module per area.

`RULES` maps a callable (a C function, a slot wrapper such as
`float.__add__`, or a library function that needs a rule because it computes
through exact conversions, like `statistics.mean`) to its `Primitive`.
`BINARY[k]` / `UNARY[name]` are the primitives of the interpreter's
BINARY_OP / UNARY_* instructions.  Rules are written as small functions of
the cotangent `g`, the primal output `ans` and the primal inputs.
"""
from ..tape.tape import Primitive

RULES = {}
BINARY = [None] * 26        # BINARY_OP argument -> Primitive (None: not differentiable)
UNARY = {}                  # "__neg__"/"__pos__"/"__abs__"/"__invert__" -> Primitive
ATTRS = {}                  # (type, attribute name) -> Primitive of one argument


def defvjp(fn, *vjps, name=None, iterables=()):
    """Register the VJP rule of a C function of fixed arity.

    `vjps[i](g, ans, *args)` is the cotangent of argument i (None: that
    argument is not differentiable).
    """
    p = Primitive(name or _name_of(fn), fn, vjps, iterables=iterables)
    RULES[fn] = p
    return p


def defvjp_general(fn, vjp, name=None, iterables=()):
    """Register a rule `vjp(g, ans, args, kwargs)` returning cotangents shaped
    like `args` (None where not differentiable): for functions of sequences."""
    p = Primitive(name or _name_of(fn), fn, (vjp,), general=True, iterables=iterables)
    RULES[fn] = p
    return p


def defvjp_multi(fn, *out_vjps, name=None):
    """A function returning a tuple (math.frexp, divmod, ...): `out_vjps[j]`
    is the tuple of per-argument VJPs of output element j (None: element j
    is not differentiable, e.g. an integer exponent)."""
    base = name or _name_of(fn)
    prims = tuple(None if v is None else Primitive(f"{base}[{j}]", fn, v)
                  for j, v in enumerate(out_vjps))
    p = Primitive(base, fn, (), general=False)
    p.multi = prims
    RULES[fn] = p
    return p


def _name_of(fn):
    mod = getattr(fn, "__module__", None)
    qual = getattr(fn, "__qualname__", getattr(fn, "__name__", repr(fn)))
    if isinstance(fn, type(float.__add__)) or isinstance(fn, type(float.conjugate)):
        return f"{fn.__objclass__.__name__}.{fn.__name__}"
    if mod and mod != "builtins":
        return f"{mod}.{qual}"
    return qual


def cj(v):
    """Complex conjugate (identity for reals)."""
    return v.conjugate() if type(v) is complex else v


def real_if(x, ct):
    """The cotangent of a real input is real."""
    if type(ct) is complex and type(x) is not complex:
        return ct.real
    return ct


from . import python_scalars, math_rules, cmath_rules, builtins_rules, operator_rules, \
    statistics_rules  # noqa: E402,F401
