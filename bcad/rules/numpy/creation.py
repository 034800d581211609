"""Arrays made from differentiable values, and values taken back out.

`np.array`/`np.asarray` of (nested) lists of floats and arrays, `.item()`,
`float(a)` (the builtin's rule), `.tolist()` (bcad/transforms/arrays.py:
one equation per element).  `np.full`, `np.full_like`, `np.zeros_like`,
`np.linspace`... are interpreted: numpy builds them with `empty`/`copyto`
(a write) and arithmetic.  `empty_like`/`zeros_like`'s values do not depend
on their argument's values: no gradient."""
import numpy as np

from . import defarray, defzero_array, shape_of


def _array_vjp(g, ans, args, kwargs):
    g = np.asarray(g)
    src = args[0]
    if g.dtype.kind == "c" and not np.iscomplexobj(np.asarray(src) if not hasattr(src, "dtype")
                                                    else src):
        g = g.real
    if (type(src) is list or type(src) is tuple) and "ndmin" not in kwargs:
        pass                           # (already the list's shape: np.shape would copy it)
    elif hasattr(src, "shape"):
        g = np.reshape(g, src.shape)   # (ndmin= adds leading axes)
    else:
        g = np.reshape(g, np.shape(src)) if g.size == np.size(src) else g
    return (g,) + (None,) * (len(args) - 1 + len(kwargs))


for _f in (np.array, np.asarray, np.asanyarray, np.ascontiguousarray, np.asfortranarray):
    defarray(_f, _array_vjp, save=())


def _item_vjp(g, ans, args, kwargs):
    x = args[0]
    shape = shape_of(x)
    idx = args[1:]
    if not idx:
        flat = 0
    elif len(idx) == 1 and not isinstance(idx[0], tuple):
        flat = int(idx[0]) % max(int(np.prod(shape)), 1)
    else:
        idx = idx[0] if len(idx) == 1 else idx
        flat = int(np.ravel_multi_index(tuple(int(i) % n for i, n in zip(idx, shape)), shape))
    ct = np.zeros(shape, dtype=np.result_type(x.dtype, np.asarray(g).dtype))
    ct.flat[flat] = g
    return (ct,) + (None,) * (len(args) - 1)


defarray(np.ndarray.item, _item_vjp, save=())
# copy.copy / copy.deepcopy of an array: a copy.
for _m in (np.ndarray.__copy__, np.ndarray.__deepcopy__):
    defarray(_m, lambda g, ans, args, kwargs: (g,) + (None,) * (len(args) - 1 + len(kwargs)),
             save=())
defzero_array(np.empty_like)
