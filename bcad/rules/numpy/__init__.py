"""Rules for numpy's C level, one module per area.

An array rule is `vjp(g, ans, args, kwargs)` returning the cotangents of
the positional arguments (a tuple shaped like `args`: an array for an array
or a list of numbers, None where not differentiable), like the general
scalar rules.  Conventions (those of the scalar rules and of autograd):
the cotangent of a complex input is conjugate-linear (`g * conj(y)` for
`x * y`); a real input gets a real cotangent; a cotangent has its
argument's shape (`unbroadcast`).  `defarray(..., save=...)` lists the
arguments whose *values* the VJP reads (the others are kept as `Meta`:
shape, dtype, ndim, size), which is what makes in-place writes cheap.

Modules: scalars (np.float64/complex128 as Python numbers), ufuncs,
reductions, linalg, shapes (and indexing), creation.
"""
import numpy as np

from ...tape.tape import Primitive
from .. import RULES

ndarray = np.ndarray
_add_reduce = np.add.reduce


def defarray(fn, vjp, name=None, save=True, kind="array", check=None):
    """Register the array rule `vjp(g, ans, args, kwargs)` of `fn` (see the
    module docstring); `save`: True, or the positions (and "ans") whose
    values the VJP reads; `check(args, kwargs)`: None when the rule covers a
    call, else the reason it does not (the call is then refused)."""
    p = array_primitive(name or _name(fn), fn, vjp, save, kind)
    p.check = check
    RULES[fn] = p
    return p


def array_primitive(name, fn, vjp, save=True, kind="array"):
    p = Primitive(name, fn, (vjp,), general=True)
    p.kind = kind
    p.save = save
    return p


def defarray_multi(fn, *out_vjps, name=None, save=True, check=None):
    """A function returning a tuple of arrays: `out_vjps[j](g_j, outs, args,
    kwargs)` gives the argument cotangents for output j's cotangent (None: not
    differentiable).  VJPs are linear, so the sum over outputs is exact."""
    base = name or _name(fn)
    p = array_primitive(base, fn, None, save)
    p.multi = tuple(None if v is None else array_primitive(f"{base}[{j}]", fn, v, save)
                    for j, v in enumerate(out_vjps))
    p.check = check
    RULES[fn] = p
    return p


def defzero_array(*fns):
    """Functions whose float result is piecewise constant in their inputs
    (floor, sign, ...): the output is not tracked."""
    for fn in fns:
        p = array_primitive(_name(fn), fn, None, ())
        p.nondiff = True
        RULES[fn] = p


def _name(fn):
    if isinstance(fn, np.ufunc):
        return f"numpy.{fn.__name__}"
    obj = getattr(fn, "__objclass__", None)
    if obj is not None:
        return f"{obj.__name__}.{fn.__name__}"
    mod = getattr(fn, "__module__", None) or "numpy"
    return f"{mod.replace('numpy._core', 'numpy')}.{getattr(fn, '__qualname__', fn.__name__)}"


# ------------------------------------------------------------------ helpers

# What the backward pass running now needs (reverse.backward sets it under
# the interpreter's entry lock, so one pass at a time): the equation's input
# variables (None: everything) and the lowest variable it needs a cotangent
# of (variables before a nested pass's segment are constants to it).
_NEEDS = [None, 0]


def needed(i):
    """While a VJP runs: does the backward pass need the cotangent of
    argument i?  (A rule may skip computing the others: the gradient of
    `X @ W` with respect to the data X is a matrix product nobody reads.)"""
    n = _NEEDS[0]
    return n is None or i >= len(n) or n[i] >= _NEEDS[1]


def set_needs(in_vars, lowest=0):
    """The input variables of the equation whose VJP runs next (argument i
    is needed when in_vars[i] >= lowest), or None: all are needed."""
    _NEEDS[0] = in_vars
    _NEEDS[1] = lowest


def shape_of(x):
    s = getattr(x, "shape", None)
    return s if s is not None else np.shape(x)


def is_complex(x):
    dt = getattr(x, "dtype", None)
    if dt is not None:
        return dt.kind == "c"
    if type(x) is complex:
        return True
    if type(x) in (list, tuple):
        return np.asarray(x).dtype.kind == "c"
    return isinstance(x, complex)


def unbroadcast(x, g):
    """The cotangent `g` of a broadcast result, summed back to `x`'s shape
    (and made real for a real `x`)."""
    tx = type(x)
    if tx is float or tx is int:                    # (a Python number: `h * K`)
        g = _add_reduce(g, None) if type(g) is ndarray and g.ndim else g
        return g.real if getattr(g, "dtype", None) is not None and g.dtype.kind == "c" else g
    shape = getattr(x, "shape", None)               # (shape_of, inline)
    if shape is None:
        shape = np.shape(x)
    if type(g) is ndarray and g.shape == shape and g.dtype.kind != "c":
        return g                                    # (the common case)
    g = np.asarray(g) if not hasattr(g, "shape") else g
    if g.shape != shape:
        extra = g.ndim - len(shape)
        if extra > 0:
            g = g.sum(axis=tuple(range(extra)))
        axes = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
        if axes:
            g = g.sum(axis=axes, keepdims=True)
        if g.shape != shape:
            g = np.broadcast_to(g, shape)
    if g.dtype.kind == "c" and not is_complex(x):
        g = g.real
    return g


def conj(x):
    tx = type(x)
    if tx is float or tx is int:        # (`dy * h`: a real number)
        return x
    if tx is ndarray:
        return np.conj(x) if x.dtype.kind == "c" else x
    return np.conj(x) if is_complex(x) else x


class Scatter:
    """A cotangent that is zero except at `key` (the VJP of a subscript):
    accumulated in place into the input's cotangent buffer (reverse.py), so
    a loop reading `x[i]` costs O(1) per read, not O(x.size)."""
    __slots__ = ("key", "g", "basic", "flat")

    def __init__(self, key, g, basic, flat=False):
        self.key, self.g, self.basic, self.flat = key, g, basic, flat

    def add_into(self, buf):
        """buf[key] += g (key: flat C-order positions if `flat`)."""
        g = self.g
        if g.dtype.kind == "c" and buf.dtype.kind != "c":
            g = g.real
        if self.flat:
            view = buf.reshape(-1)
            if not np.shares_memory(view, buf):
                view = buf.ravel()
                np.add.at(view, self.key, g)
                buf[...] = view.reshape(buf.shape)
                return
            np.add.at(view, self.key, g)
        elif self.basic:
            buf[self.key] += g
        else:
            np.add.at(buf, self.key, g)

    def dense(self, x):
        buf = np.zeros(shape_of(x), dtype=np.result_type(x.dtype, np.asarray(self.g).real.dtype)
                       if hasattr(x, "dtype") else float)
        self.add_into(buf)
        return buf


from . import scalars, ufuncs, reductions, shapes, linalg, creation, interpolation, convolution  # noqa: E402,F401,E501
scalars._register_array_rules()
ufuncs._operator_methods()   # (after linalg: matmul's rule)
from .shapes import SETITEM, GATHER, GETITEM  # noqa: E402,F401
from . import jvps  # noqa: E402,F401  (after the tables it completes)
