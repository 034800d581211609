"""Rules for numpy's float64 and complex128 scalars (subclasses of float and
complex, tracked like them): their constructors, their own dunders (numpy
defines its own slot wrappers; the derivatives are float's and complex's),
`float(...)`/`complex(...)`/`round(...)` and `.real`/`.imag`.

Arrays and the other numpy scalar types (float32, longdouble, ...) have no
rules yet: the boundary policy refuses them."""
import numpy as np

from ...tape.tape import Primitive
from .. import RULES, ATTRS, defvjp, defzero, real_if

_PAIRS = ((np.float64, float), (np.complex128, complex))

for _np_type, _py_type in _PAIRS:
    for _name, _w in list(vars(_py_type).items()):
        _np_w = vars(_np_type).get(_name)
        if _np_w is not None and _w in RULES:
            RULES[_np_w] = RULES[_w]

# np.float64(x), np.complex128(z): the same value as another type.
defvjp(np.float64, lambda g, ans, x: real_if(x, g), name="numpy.float64")
defvjp(np.complex128, lambda g, ans, x: complex(g), name="numpy.complex128")
defvjp(np.float64.__float__, lambda g, ans, x: g, name="numpy.float64.__float__")
defvjp(np.complex128.__complex__, lambda g, ans, x: g, name="numpy.complex128.__complex__")
defzero(np.float64.__round__, name="numpy.float64.__round__")
defzero(np.float64.__floordiv__, name="numpy.float64.__floordiv__")
defzero(np.float64.__rfloordiv__, name="numpy.float64.__rfloordiv__")

ATTRS[(np.float64, "real")] = Primitive("numpy.float64.real", None, (lambda g, ans, x: g,))
ATTRS[(np.float64, "imag")] = Primitive("numpy.float64.imag", None, (lambda g, ans, x: 0.0 * g,))
ATTRS[(np.complex128, "real")] = ATTRS[(complex, "real")]
ATTRS[(np.complex128, "imag")] = ATTRS[(complex, "imag")]


# numpy's other inexact scalars: their constructors keep the value (in
# their own precision); an array rule records them (bcad/transforms/arrays.py).
def _same_value(g, ans, args, kwargs):
    x = args[0] if args else 0.0
    g = np.asarray(g)
    if g.dtype.kind == "c" and not np.iscomplexobj(x):
        g = g.real
    return (g,) + (None,) * (len(args) - 1 + len(kwargs))


def _register_array_rules():
    from . import array_primitive
    from .reductions import ndarray as _nd  # noqa: F401  (the ndarray rules exist first)
    for tp in (np.float32, np.float16, np.longdouble, np.complex64, np.clongdouble):
        p = array_primitive(f"numpy.{tp.__name__}", tp, _same_value, save=(0,))
        RULES[tp] = p
    # Methods of numpy scalars (x[0].sum(), np.sum(x[0]), x[0].item()) are
    # numpy.generic's: the same derivatives as the ndarray methods.
    for name in ("sum", "prod", "max", "min", "mean", "var", "std", "cumsum", "cumprod",
                 "item", "reshape", "ravel", "flatten", "squeeze", "copy", "astype", "conj",
                 "conjugate", "transpose", "repeat", "take", "clip", "round", "__deepcopy__",
                 "__copy__"):
        nd = vars(np.ndarray).get(name)
        gen = vars(np.generic).get(name)
        if nd is not None and gen is not None and nd in RULES and gen not in RULES:
            RULES[gen] = RULES[nd]
