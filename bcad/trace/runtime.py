"""Runtime of the sources that `Trace.adjoint_source()` generates.

A generated adjoint refers to primitives by name: `call(name, *args)`
computes a primitive's value, `vjp(name, i, g, ans, *args)` the cotangent
of its input i, `vjp_general(name, g, ans, args, kwargs)` the cotangents of
all argument leaves of a primitive of any arity.  Names are those printed
in the dumps (`mul`, `math.sin`, `statistics.fmean`, ...), looked up in
bcad's rule tables; a rule that is not in them (a custom_vjp) is registered
here by the trace that printed it, so its source runs in that process.
"""
import base64
import math
import operator
import pickle

from ..transforms.tree import flatten, unflatten

_EXTRA = {}          # name -> Primitive registered by traces
_TABLE = {}          # name -> Primitive from bcad's rule tables
_MULTI = {}          # id(element primitive) -> index in the tuple result

# Values of primitives whose Primitive has no function (interpreter operators).
_OPS = {
    "add": operator.add, "sub": operator.sub, "mul": operator.mul,
    "truediv": operator.truediv, "mod": operator.mod, "pow": operator.pow,
    "neg": operator.neg, "pos": operator.pos, "abs": abs,
    "radd": lambda s, o: o + s, "rsub": lambda s, o: o - s, "rmul": lambda s, o: o * s,
    "rtruediv": lambda s, o: o / s, "rmod": lambda s, o: o % s, "rpow": lambda s, o: o ** s,
    "complex.real": lambda z: z.real, "complex.imag": lambda z: z.imag,
}


def _build():
    from ..rules import RULES, BINARY, UNARY, ATTRS
    table = {}
    prims = [p for p in BINARY if p is not None] + list(UNARY.values()) + \
        list(ATTRS.values()) + list(RULES.values())
    for p in prims:
        table.setdefault(p.name, p)
        if p.multi is not None:
            for j, q in enumerate(p.multi):
                if q is not None:
                    table.setdefault(q.name, q)
                    _MULTI[id(q)] = j
    _TABLE.clear()
    _TABLE.update(table)


def primitive(name):
    """The Primitive printed as `name` in a dump."""
    p = _TABLE.get(name) or _EXTRA.get(name)
    if p is None:
        _build()                 # rules registered since the last look-up
        p = _TABLE.get(name) or _EXTRA.get(name)
    if p is None:
        raise LookupError(f"bcad adjoint source: no primitive named {name!r} in this process "
                          f"(a custom rule of the program that was traced? import it first)")
    return p


def register(prim):
    """Make `prim` findable by name (unless the name is taken): returns the
    name to use in a generated source."""
    try:
        found = primitive(prim.name)
    except LookupError:
        found = None
    if found is None:
        _EXTRA[prim.name] = prim
        return prim.name
    if found is prim or found.vjps == prim.vjps:
        return prim.name
    k = 2
    while f"{prim.name}#{k}" in _EXTRA and _EXTRA[f"{prim.name}#{k}"] is not prim:
        k += 1
    _EXTRA[f"{prim.name}#{k}"] = prim
    return f"{prim.name}#{k}"


def call(name, *args, **kwargs):
    """The value of primitive `name` applied to args (the forward pass)."""
    op = _OPS.get(name)
    p = primitive(name)
    if op is not None and p.fn is None:
        return op(*args)
    owner = getattr(p.vjps[0], "__self__", None) if p.vjps else None
    if owner is not None and hasattr(owner, "_residuals") and getattr(owner, "fwd", None):
        # a bcad.custom_vjp: its backward finds the residuals by the output
        out, res = owner.fwd(*args, **kwargs)
        out = -(-out)
        owner._residuals[id(out)] = res
        return out
    fn = p.fn
    if fn is None:
        raise LookupError(f"bcad adjoint source: primitive {name!r} has no function to call")
    out = fn(*args, **kwargs)
    j = _MULTI.get(id(p))
    return out[j] if j is not None else out


def vjp(name, pos, g, ans, *args):
    """Cotangent of input `pos` of a primitive with 1 or 2 inputs."""
    return primitive(name).vjps[pos](g, ans, *args)


def vjp_general(name, g, ans, args, kwargs):
    """Cotangents of all argument leaves (args, then kwargs values) of a
    general primitive, flattened like the tape lists them (None: zero)."""
    from ..transforms.reverse import _flat_ct
    cts = primitive(name).vjps[0](g, ans, args, kwargs)
    flat = []
    for c, arg in zip(cts, args):
        _flat_ct(c, arg, flat)
    for c, arg in zip(cts[len(args):], kwargs.values()):
        _flat_ct(c, arg, flat)
    return flat


def real_for(x, c):
    """The cotangent of a real value is real."""
    if type(c) is complex and type(x) is not complex:
        return c.real
    return c


def leaves(value):
    """The leaves of a (nested) argument, in bcad's order."""
    return flatten(value)[0]


def rebuild(value, grads):
    """`grads` (one per leaf of `value`) shaped like `value`."""
    return unflatten(flatten(value)[1], grads)


def constants(data):
    """Constants a source could not spell as literals (pickled)."""
    return pickle.loads(base64.b64decode(data))


inf, nan = math.inf, math.nan
