"""Derivative rules for C-level primitives, one module per area.

`RULES` maps a callable (a C function, a slot wrapper such as
`float.__add__`, or a library function that needs a rule because it computes
through exact conversions, like `statistics.mean`) to its `Primitive`.
`BINARY[k]` / `UNARY[name]` are the primitives of the interpreter's
BINARY_OP / UNARY_* instructions.  Rules are written as small functions of
the cotangent `g`, the primal output `ans` and the primal inputs.
"""
import math
from types import FunctionType

from ..tape.tape import Primitive

RULES = {}
BINARY = [None] * 26        # BINARY_OP argument -> Primitive (None: not differentiable)
UNARY = {}                  # "__neg__"/"__pos__"/"__abs__"/"__invert__" -> Primitive
ATTRS = {}                  # (type, attribute name) -> Primitive of one argument
# Python functions with a rule (RULES) whose calls the rule's check does not
# cover are interpreted instead of refused (scipy.spatial.distance.cdist with
# a callable metric is Python code all the way).
INTERPRET_UNCOVERED = set()


def defvjp(fn, *vjps, name=None, iterables=()):
    """Register the VJP rule of a C function of fixed arity.

    `vjps[i](g, ans, *args)` is the cotangent of argument i.  None marks an
    argument the output does not depend on differentiably (an integer
    exponent, the sign source of copysign): its cotangent is zero.
    """
    vjps = tuple(_zero_vjp if v is None else v for v in vjps)
    p = Primitive(name or _name_of(fn), fn, vjps, iterables=iterables)
    _register(fn, p)
    return p


def defvjp_general(fn, vjp, name=None, iterables=()):
    """Register a rule `vjp(g, ans, args, kwargs)` returning cotangents shaped
    like `args` (None where not differentiable): for functions of sequences.

    Keyword arguments: the rule may append the cotangents of
    `kwargs.values()`, in order, after those of `args` (the order in which
    the tape lists the argument leaves).  `kw_cts` builds that tuple.
    """
    p = Primitive(name or _name_of(fn), fn, (vjp,), general=True, iterables=iterables)
    _register(fn, p)
    return p


def defvjp_multi(fn, *out_vjps, name=None):
    """A function returning a tuple (math.frexp, divmod, ...): `out_vjps[j]`
    is the tuple of per-argument VJPs of output element j (None: element j
    is not differentiable, e.g. an integer exponent)."""
    base = name or _name_of(fn)
    prims = tuple(None if v is None else
                  Primitive(f"{base}[{j}]", fn, tuple(_zero_vjp if d is None else d for d in v))
                  for j, v in enumerate(out_vjps))
    p = Primitive(base, fn, (), general=False)
    p.multi = prims
    _register(fn, p)
    return p


def defzero(fn, name=None):
    """A function whose float result is piecewise constant in its arguments
    (round(x, n), x // y, math.ulp): its derivative is zero almost
    everywhere, so no cotangent flows back."""
    return defvjp_general(fn, lambda g, ans, args, kwargs: (None,) * (len(args) + len(kwargs)),
                          name=name)


def _zero_vjp(g, ans, *args):
    return 0.0 * g


def _register(fn, p):
    RULES[fn] = p
    if type(fn) is FunctionType:
        # A Python function with a rule of its own (statistics.mean, ...):
        # the interpreter consults PY_RULES before interpreting its body.
        from ..interpreter.calls import PY_RULES
        PY_RULES[fn] = p


def kw_cts(args_cts, kwargs, **kw_ct):
    """The cotangents of a general rule: `args_cts` (a tuple shaped like
    `args`), followed by those of `kwargs.values()` in order (`kw_ct[name]`,
    None for the others)."""
    if not kwargs:
        return tuple(args_cts)
    return tuple(args_cts) + tuple(kw_ct.get(k) for k in kwargs)


def _name_of(fn):
    mod = getattr(fn, "__module__", None)
    qual = getattr(fn, "__qualname__", getattr(fn, "__name__", repr(fn)))
    if isinstance(fn, type(float.__add__)) or isinstance(fn, type(float.conjugate)):
        return f"{fn.__objclass__.__name__}.{fn.__name__}"
    if mod and mod != "builtins":
        return f"{mod}.{qual}"
    return qual


def cj(v):
    """Complex conjugate (identity for reals; np.complex128 is a complex)."""
    return v.conjugate() if isinstance(v, complex) else v


def real_if(x, ct):
    """The cotangent of a real input is real."""
    if type(ct) is complex and not isinstance(x, complex):   # (np.complex128 is complex)
        return ct.real
    return ct


def div(a, b):
    """a / b with IEEE semantics where Python raises: a derivative that is
    infinite at a point the forward pass accepts (sqrt at 0, asin at 1) gives
    inf (nan for 0/0) instead of a ZeroDivisionError in the backward pass."""
    try:
        return a / b
    except ZeroDivisionError:
        pass
    if type(a) is complex:
        return complex(div(a.real, 0.0), div(a.imag, 0.0))
    if a != a or a == 0:
        return math.nan
    negative_zero = type(b) is float and math.copysign(1.0, b) < 0
    return -math.inf if (a < 0) != negative_zero else math.inf


from . import python_scalars, math_rules, cmath_rules, builtins_rules, operator_rules, \
    statistics_rules, numpy  # noqa: E402,F401

try:                    # scipy's rules load only when scipy is installed
    import scipy.special as _scipy_special  # noqa: F401
except ImportError:     # pragma: no cover - scipy is optional
    pass
else:
    from . import scipy  # noqa: E402,F401  (bcad/rules/scipy/)
