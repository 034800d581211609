"""Reductions and accumulations: `ufunc.reduce`/`.accumulate` (what
`np.sum`, `np.prod`, `np.max`, `np.cumsum` reach through numpy's Python
layer) and the ndarray methods (`a.sum()`, `a.mean()`, ...: C methods that
natively call numpy's Python `_methods`, so they need rules of their own;
`np.mean`/`np.var`/`np.std` themselves are interpreted).  `max`/`min`
split the cotangent evenly among tied elements, as autograd does."""
import numpy as np

from . import defarray, shape_of, unbroadcast, conj

ndarray = np.ndarray
_REDUCE_NAMES = ("axis", "dtype", "out", "keepdims", "initial", "where")


def opts(args, kwargs, names, start):
    """Argument values by name: positional from `start`, then keywords."""
    d = dict(zip(names, args[start:]))
    d.update(kwargs)
    return d


_opts = opts


def _axes(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    if type(axis) is not tuple:
        axis = (axis,)
    return tuple(sorted(a % ndim for a in axis)) if ndim else ()


def _expand(g, shape, axes, keepdims):
    """g of a reduction over `axes`, broadcast back to the input's shape."""
    g = np.asarray(g)
    if not keepdims:
        g = np.expand_dims(g, axes) if axes else g
    return np.broadcast_to(g, shape)


def _unsupported(names, start=1, no_initial=False):
    """check(): refuse out= (and initial= where the rule ignores it)."""
    def check(args, kwargs):
        o = _opts(args, kwargs, names, start)
        if o.get("out") is not None:
            return "out= on a reduction of a differentiable value is not supported"
        if no_initial and o.get("initial") is not None:
            return "initial= on this reduction is not supported"
        return None
    return check


# -- sum ----------------------------------------------------------------------
def _sum_cts(g, x, o):
    shape = shape_of(x)
    axes = _axes(o.get("axis"), len(shape))
    ct = _expand(g, shape, axes, o.get("keepdims", False))
    w = o.get("where", True)
    if w is not True:
        ct = ct * w
    return unbroadcast(x, ct)


def _with_initial(cts, g, ans, args, kwargs, names, start, o, d_initial):
    """cts with initial='s cotangent at its place, when it is given (a
    differentiable number: np.max(x, initial=y) is y where y is largest);
    args[start - 1] is the reduced array, args[start:] its options."""
    if d_initial is None or o.get("initial") is None:
        return tuple(cts)
    i = start + names.index("initial")
    pos = i if i < len(args) else len(args) + list(kwargs).index("initial")
    cts[pos] = d_initial(g, ans, args[start - 1], o)
    return tuple(cts)


def _method(names, d, d_initial=None):
    """VJP of a method `x.m(axis, ...)`: d(g, ans, x, options) (and
    d_initial(g, ans, x, options): initial='s cotangent)."""
    def vjp(g, ans, args, kwargs):
        o = _opts(args, kwargs, names, 1)
        cts = [d(g, ans, args[0], o)] + [None] * (len(args) - 1 + len(kwargs))
        return _with_initial(cts, g, ans, args, kwargs, names, 1, o, d_initial)
    return vjp


def _keep(g, x, o):
    """g of a reduction of x with its reduced axes kept (length 1)."""
    g = np.asarray(g)
    axes = _axes(o.get("axis"), np.ndim(x))
    return g if o.get("keepdims", False) or not axes else np.expand_dims(g, axes)


def _sum_initial_ct(g, ans, x, o):
    """initial= is added once to every output."""
    return np.sum(g)


defarray(ndarray.sum, _method(_REDUCE_NAMES, lambda g, a, x, o: _sum_cts(g, x, o), _sum_initial_ct),
         save=(),
         check=_unsupported(_REDUCE_NAMES))


# -- prod ---------------------------------------------------------------------
def _prod_cts(g, ans, x, o):
    x = np.asarray(x)
    axes = _axes(o.get("axis"), x.ndim)
    keep = o.get("keepdims", False)
    w = o.get("where", True)
    if w is not True:       # the elements left out are factors of 1
        x = np.where(w, x, 1)
    gg = _expand(g, x.shape, axes, keep)
    if not np.any(x == 0):
        full = _expand(ans, x.shape, axes, keep)
        ct = gg * conj(full / x)
    else:
        # Zeros: the product of the others (times initial=), by exclusive
        # cumulative products.
        moved = np.moveaxis(x, axes, tuple(range(-len(axes), 0))) if axes else x
        flat = moved.reshape(moved.shape[:moved.ndim - len(axes)] + (-1,))
        ones = np.ones(flat.shape[:-1] + (1,), dtype=flat.dtype)
        left = np.cumprod(np.concatenate([ones, flat[..., :-1]], axis=-1), axis=-1)
        right = np.cumprod(np.concatenate([ones, flat[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
        others = (left * right).reshape(moved.shape)
        others = np.moveaxis(others, tuple(range(-len(axes), 0)), axes) if axes else others
        if o.get("initial") is not None:
            others = others * o["initial"]
        ct = gg * conj(others)
    return ct if w is True else ct * w


def _prod_initial_ct(g, ans, x, o):
    """initial= multiplies the product of the (where=) elements."""
    axes = _axes(o.get("axis"), np.ndim(x))
    rest = np.prod(x, axis=axes, keepdims=o.get("keepdims", False), where=o.get("where", True))
    return np.sum(g * conj(rest))


defarray(ndarray.prod, _method(_REDUCE_NAMES, _prod_cts, _prod_initial_ct),
         check=_unsupported(_REDUCE_NAMES))


# -- max / min ----------------------------------------------------------------
def _max_share(ans, x, o):
    """(share, axes, keepdims, count, tie): each element's share of the
    derivative of max/min, split evenly among the tied elements and
    initial= when it ties (`tie`: whether it does, per output, axes kept)."""
    x = np.asarray(x)
    axes = _axes(o.get("axis"), x.ndim)
    keep = o.get("keepdims", False)
    full = _expand(ans, x.shape, axes, keep)
    hit = (x == full)
    w = o.get("where", True)
    if w is not True:
        hit = hit & w
    count = np.sum(hit, axis=axes, keepdims=True)
    tie = False
    if o.get("initial") is not None:
        a = np.asarray(ans)
        tie = (np.expand_dims(a, axes) if not keep and axes else a) == o["initial"]
        count = count + tie
    count = np.where(count == 0, 1, count)
    return hit / count, axes, keep, count, tie


def _max_cts(g, ans, x, o):
    """The cotangent of max/min: shared evenly among the tied elements (and
    initial=, when it ties)."""
    share, axes, keep, _, _ = _max_share(ans, x, o)
    return _expand(g, share.shape, axes, keep) * share


def _max_initial_ct(g, ans, x, o):
    _, _, _, count, tie = _max_share(ans, x, o)
    return np.sum(_keep(g, x, o) * (tie / count))


def max_tangent(t, ans, x, o):
    """J t of max/min in x (the transpose of _max_cts): the tangents of the
    tied elements averaged, per output."""
    share, axes, keep, _, _ = _max_share(ans, x, o)
    return np.sum(t * share, axis=axes, keepdims=keep)


MAX_NAMES = _MAX_NAMES = ("axis", "out", "keepdims", "initial", "where")
for _m in (ndarray.max, ndarray.min):
    defarray(_m, _method(_MAX_NAMES, _max_cts, _max_initial_ct), check=_unsupported(_MAX_NAMES))


# -- mean / var / std -----------------------------------------------------------
_STAT_NAMES = ("axis", "dtype", "out", "keepdims", "where")
_VAR_NAMES = ("axis", "dtype", "out", "ddof", "keepdims", "where")


def _count(shape, axes):
    n = 1
    for a in axes:
        n *= shape[a]
    return n


def _mean_cts(g, ans, x, o):
    shape = shape_of(x)
    axes = _axes(o.get("axis"), len(shape))
    return _expand(g, shape, axes, o.get("keepdims", False)) / _count(shape, axes)


def _var_cts(g, ans, x, o, std=False):
    x = np.asarray(x)
    axes = _axes(o.get("axis"), x.ndim)
    keep = o.get("keepdims", False)
    n = _count(x.shape, axes) - o.get("ddof", 0)
    centered = x - np.mean(x, axis=axes, keepdims=True)
    gg = _expand(g, x.shape, axes, keep)
    if std:
        # 0 for a constant input, where std is not differentiable (the chain
        # rule through sqrt would give inf * 0 = nan), including a deviation
        # below the inputs' rounding error (x * np.ones(3) has std ~1e-16).
        s = _expand(ans, x.shape, axes, keep)
        eps = np.finfo(x.dtype if x.dtype.kind in "fc" else np.float64).eps
        mean = np.abs(_expand(np.mean(x, axis=axes, keepdims=True), x.shape, axes, True))
        flat = s <= 8 * eps * mean
        gg = np.where(flat, 0.0, gg / (2 * np.where(flat, 1.0, s)))
    # var = sum |x - mean|^2 / n is real: d var = 2 Re(conj(c) dx) / n, so the
    # (conjugate-linear) cotangent of a complex x is 2 g c / n, not 2 g conj(c) / n.
    return gg * 2 * centered / n


def _where_unsupported(args, kwargs, names):
    o = _opts(args, kwargs, names, 1)
    if o.get("out") is not None or o.get("where", True) is not True:
        return "out=/where= on a statistic of a differentiable value is not supported"
    return None


defarray(ndarray.mean, _method(_STAT_NAMES, _mean_cts), save=(),
         check=lambda a, k: _where_unsupported(a, k, _STAT_NAMES))
defarray(ndarray.var, _method(_VAR_NAMES, _var_cts),
         check=lambda a, k: _where_unsupported(a, k, _VAR_NAMES))
defarray(ndarray.std, _method(_VAR_NAMES, lambda g, a, x, o: _var_cts(g, a, x, o, True)),
         check=lambda a, k: _where_unsupported(a, k, _VAR_NAMES))


def _np_std_check(args, kwargs):
    if kwargs.get("mean") is not None or kwargs.get("correction") is not None:
        return "np.std(mean=..., correction=...) is not supported"
    return _where_unsupported(args, kwargs, _VAR_NAMES)


# A direct rule (numpy's own Python code would be interpreted too): the
# chain rule through its sqrt gives nan for a constant input.
defarray(np.std, _method(_VAR_NAMES, lambda g, a, x, o: _var_cts(g, a, x, o, True)),
         check=_np_std_check)
# np.var too: numpy's _var squares a complex input through a float view of it
# (x.view((float64, (2,))) written in place), which bcad cannot follow.
defarray(np.var, _method(_VAR_NAMES, _var_cts), check=_np_std_check)


# -- cumulative -----------------------------------------------------------------
def _cum_axis(x, o):
    axis = o.get("axis")
    return None if axis is None else axis % max(np.ndim(x), 1)


def _cumsum_cts(g, ans, x, o):
    axis = _cum_axis(x, o)
    if axis is None:
        return np.reshape(np.flip(np.cumsum(np.flip(np.reshape(g, -1)))), shape_of(x))
    return np.flip(np.cumsum(np.flip(g, axis), axis), axis)


def _cumprod_cts(g, ans, x, o):
    x = np.asarray(x)
    axis = _cum_axis(x, o)
    xs = x.reshape(-1) if axis is None else np.moveaxis(x, axis, -1)
    gs = np.reshape(g, -1) if axis is None else np.moveaxis(g, axis, -1)
    if not np.any(xs == 0):
        ans_s = np.cumprod(xs, axis=-1)
        ct = np.flip(np.cumsum(np.flip(gs * conj(ans_s), -1), -1), -1) / conj(xs)
    else:   # d out_j / d x_i = prod_{k<=j, k!=i} x_k: quadratic, exact at zeros
        n = xs.shape[-1]
        ct = np.zeros(np.broadcast_shapes(xs.shape, gs.shape), dtype=np.result_type(xs, gs))
        for i in range(n):
            others = xs.copy()
            others[..., i] = 1
            part = np.cumprod(others, axis=-1)[..., i:]
            ct[..., i] = np.sum(gs[..., i:] * conj(part), axis=-1)
    return ct.reshape(x.shape) if axis is None else np.moveaxis(ct, -1, axis)


_CUM_NAMES = ("axis", "dtype", "out")
defarray(ndarray.cumsum, _method(_CUM_NAMES, _cumsum_cts), save=(),
         check=lambda a, k: _where_unsupported(a, k, _CUM_NAMES))
defarray(ndarray.cumprod, _method(_CUM_NAMES, _cumprod_cts),
         check=lambda a, k: _where_unsupported(a, k, _CUM_NAMES))
defarray(np.cumsum, _method(_CUM_NAMES, _cumsum_cts), save=(),
         check=lambda a, k: _where_unsupported(a, k, _CUM_NAMES))


# -- ufunc.reduce / ufunc.accumulate --------------------------------------------
_REDUCERS = {np.add: lambda g, ans, x, o: _sum_cts(g, x, o),
             np.multiply: _prod_cts,
             np.maximum: _max_cts, np.minimum: _max_cts, np.fmax: _max_cts, np.fmin: _max_cts}
_ACCUMULATORS = {np.add: _cumsum_cts, np.multiply: _cumprod_cts}
_INITIALS = {np.add: _sum_initial_ct, np.multiply: _prod_initial_ct, np.maximum: _max_initial_ct,
             np.minimum: _max_initial_ct, np.fmax: _max_initial_ct, np.fmin: _max_initial_ct}


def _ufunc_method(table, names, default_axis):
    def vjp(g, ans, args, kwargs):
        o = _opts(args, kwargs, names, 2)
        o.setdefault("axis", default_axis)
        cts = [None, table[args[0]](g, ans, args[1], o)] + [None] * (len(args) - 2 + len(kwargs))
        if "initial" not in names:
            return tuple(cts)
        return _with_initial(cts, g, ans, args, kwargs, names, 2, o, _INITIALS.get(args[0]))

    def check(args, kwargs):
        if args[0] not in table:
            return f"{args[0].__name__}.{vjp.__name__} has no derivative rule"
        o = _opts(args, kwargs, names, 2)
        if o.get("out") is not None:
            return "out= on a reduction of a differentiable value is not supported"
        return None
    return vjp, check


_vjp, _check = _ufunc_method(_REDUCERS, _REDUCE_NAMES, 0)
_vjp.__name__ = "reduce"
defarray(np.ufunc.reduce, _vjp, check=_check, name="ufunc.reduce")
_vjp, _check = _ufunc_method(_ACCUMULATORS, ("axis", "dtype", "out"), 0)
_vjp.__name__ = "accumulate"
defarray(np.ufunc.accumulate, _vjp, check=_check, name="ufunc.accumulate")
