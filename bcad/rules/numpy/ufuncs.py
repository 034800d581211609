"""numpy's ufuncs: `np.sin(x)`, `a + b` (ndarray operators reach the same
ufuncs), with broadcasting, dtype promotion, `out=` and `where=` (the last
two are writes: bcad/transforms/arrays.py).  The derivatives follow
autograd's numpy_vjps (`maximum`/`minimum` split ties evenly).  Reductions
and accumulations are in reductions.py."""
import numpy as np

from . import defarray, defzero_array, unbroadcast, conj, _NEEDS

um = np._core.umath if hasattr(np, "_core") else np.core.umath
_add_reduce = np.add.reduce
_ndarray = np.ndarray
_float64 = np.float64


def _push(d, t, ans, *xs):
    """The JVP from an elementwise derivative `d(g, ans, *xs)` = g * conj(f')
    (the VJP's, before unbroadcasting): t * f' = conj(d(conj(t))).  For a
    real-valued f of a complex x (absolute) it is the real part, which the
    tangent of a real output keeps (transforms/forward.py)."""
    if _complex(t) or _complex(ans) or any(_complex(x) for x in xs):
        return np.conj(d(np.conj(t), ans, *xs))
    return d(t, ans, *xs)


def _complex(x):
    dt = getattr(x, "dtype", None)      # (an array, numpy scalar or Meta)
    if dt is not None:
        return dt.kind == "c"
    return isinstance(x, complex) or type(x) is tuple and np.iscomplexobj(x)


def _strong_zero(g, c):
    """The cotangent `c` an elementwise rule computed from `g`, with 0 where
    `g` is 0 and the local derivative was nan or infinite (0 * nan is nan).
    An entry of the output that nothing downstream uses sends back nothing,
    even when the value there was nan: scikit-learn's variance update
    computes `x / 0` (nan) in entries it then overwrites (`v[mask] = ...`),
    and a nan gradient came back through the overwritten entries."""
    if type(c) is np.ndarray:
        # (one pass: no nan anywhere.  A small vector's dot with itself is
        # nan exactly when an entry is, or when inf meets -inf in a complex
        # square, which only costs the exact test below; it is 3x cheaper
        # than .sum() on the few-element arrays of an ODE right-hand side.)
        s = c.dot(c) if c.ndim == 1 and c.size <= 64 else _add_reduce(c, None)
    else:
        s = c
    if s == s:
        return c
    bad = np.isnan(c) & (np.asarray(g) == 0)
    if not bad.any():
        return c
    return np.where(bad, 0, c) if isinstance(c, np.ndarray) else type(c)(0)


def _keep(g, c):
    return c


def _unary(ufunc, d, save=True, linear=False):
    """d(g, ans, x): the cotangent of x (before unbroadcasting).  `linear`:
    d is +-g (or its conjugate), which is 0 where g is: no nan to clear."""
    zero = _keep if linear else _strong_zero

    def vjp(g, ans, args, kwargs):
        x = args[0]
        return (unbroadcast(x, zero(g, d(g, ans, x))),) + \
            (None,) * (len(args) - 1 + len(kwargs))

    def jvp(ts, ans, args, kwargs):
        t = ts[0]
        return None if t is None else _strong_zero(t, _push(d, t, ans, args[0]))
    defarray(ufunc, vjp, save=save).jvp = jvp


def _values(x):
    """A saved list operand (kept as a tuple of its elements) as an array."""
    return np.asarray(x) if type(x) is tuple else x


def _identity(g, ans, x, y):
    return g


def _binary(ufunc, dx, dy, save=True, linear=False):
    """dx, dy(g, ans, x, y): the cotangents of x and y (before
    unbroadcasting; None: not differentiable; `_identity`: g itself);
    `linear` as for _unary.  A side the pass does not need (a constant
    operand) is not computed."""
    zero = _keep if linear else _strong_zero
    same_x, same_y = dx is _identity and linear, dy is _identity and linear

    def vjp(g, ans, args, kwargs):
        x, y = args[0], args[1]
        if save:
            x, y = _values(x), _values(y)
        n, lowest = _NEEDS     # (needed(0), needed(1), written out: `y + dy` of a solver's step)
        if dx is None or n is not None and len(n) > 0 and n[0] < lowest:
            cx = None
        else:
            cx = g if same_x else zero(g, dx(g, ans, x, y))
            # (unbroadcast's common case first: a real array of x's shape)
            if not (type(cx) is _ndarray and cx.dtype.kind == "f" and
                    getattr(x, "shape", None) == cx.shape):
                cx = unbroadcast(x, cx)
        if dy is None or n is not None and len(n) > 1 and n[1] < lowest:
            cy = None
        else:
            cy = g if same_y else zero(g, dy(g, ans, x, y))
            if not (type(cy) is _ndarray and cy.dtype.kind == "f" and
                    getattr(y, "shape", None) == cy.shape):
                cy = unbroadcast(y, cy)
        if len(args) == 2 and not kwargs:
            return cx, cy
        return (cx, cy) + (None,) * (len(args) - 2 + len(kwargs))

    def jvp(ts, ans, args, kwargs):
        x, y = args[0], args[1]
        if save:
            x, y = _values(x), _values(y)
        out = None
        for t, d in ((ts[0], dx), (ts[1], dy)):
            if t is not None and d is not None:
                c = _strong_zero(t, _push(d, t, ans, x, y))
                out = c if out is None else out + c
        return out
    p = defarray(ufunc, vjp, save=save)
    p.jvp = jvp
    return p


def _nz(x, fill):
    """x with its zeros replaced by `fill` (so a derivative that is 0/0 at
    a point the function is defined gives 0, as autograd does)."""
    x = np.asarray(x)
    return np.where(x == 0, fill, x)


# -- arithmetic --------------------------------------------------------------
_add = _binary(np.add, _identity, _identity, save=(), linear=True)
_add_general = _add.vjps[0]


def _add_vjp(g, ans, args, kwargs):
    """add's VJP; two operands of g's shape (`y + dy` of a solver's step),
    its common case: g for each operand the pass needs, without the
    general VJP's unbroadcasting tests."""
    if len(args) == 2 and not kwargs and type(g) is _ndarray and g.dtype.kind == "f":
        x, y = args
        if getattr(x, "shape", None) == g.shape and getattr(y, "shape", None) == g.shape:
            n, lowest = _NEEDS
            if n is None:
                return g, g
            return (None if len(n) > 0 and n[0] < lowest else g,
                    None if len(n) > 1 and n[1] < lowest else g)
    return _add_general(g, ans, args, kwargs)


_add.vjps = (_add_vjp,)
_binary(np.subtract, _identity, lambda g, a, x, y: -g, save=(), linear=True)
_multiply = _binary(np.multiply, lambda g, a, x, y: g * conj(y),
                    lambda g, a, x, y: g * conj(x), save=(0, 1))
_multiply.crossed = True    # (x's value only for y's cotangent: Primitive.crossed)
_multiply_general = _multiply.vjps[0]
_F64 = np.dtype(np.float64)


def _multiply_vjp(g, ans, args, kwargs):
    """multiply's VJP.  A float64 array times a finite real number (`dy * h`,
    `h * K` of a solver's step) is its common case, done here in at most
    three numpy calls with the general VJP's exact results: g * h has no 0 *
    inf to clear, and the number's cotangent, the sum of g * dy, is taken as
    unbroadcast takes it once that sum shows no nan."""
    if len(args) == 2 and not kwargs and type(g) is _ndarray and g.dtype is _F64 and g.ndim:
        x, y = args
        ty = type(y)
        if ty is float or ty is _float64:
            a, s, ia, i_s = x, y, 0, 1
        else:
            tx = type(x)
            if not (tx is float or tx is _float64):
                return _multiply_general(g, ans, args, kwargs)
            a, s, ia, i_s = y, x, 1, 0
        if getattr(a, "dtype", None) is _F64 and a.shape == g.shape and s - s == 0:
            n, lowest = _NEEDS
            cts = [None, None]
            if not (n is not None and len(n) > ia and n[ia] < lowest):
                cts[ia] = g * s
            if not (n is not None and len(n) > i_s and n[i_s] < lowest):
                if type(a) is not _ndarray:
                    return _multiply_general(g, ans, args, kwargs)
                c = _add_reduce(g * a, None)
                if c != c:
                    return _multiply_general(g, ans, args, kwargs)
                cts[i_s] = c
            return cts[0], cts[1]
    return _multiply_general(g, ans, args, kwargs)


_multiply.vjps = (_multiply_vjp,)
_binary(np.true_divide, lambda g, a, x, y: g / conj(y),
        lambda g, a, x, y: -g * conj(a) / conj(y))
_unary(np.negative, lambda g, a, x: -g, save=(), linear=True)
_unary(np.positive, lambda g, a, x: g, save=(), linear=True)
_unary(np.conjugate, lambda g, a, x: np.conj(g), save=(), linear=True)


def _pow_dx(g, ans, x, y):
    y = np.asarray(y)
    # (y * x**(y-1) as a function of y too: at y == 0 its derivative is 1/x)
    return g * conj(y * np.power(np.where((y == 0) & (np.asarray(x) == 0), 1, x), y - 1))


def _pow_dy(g, ans, x, y):
    logx = np.log(_nz(x, 1)) if np.iscomplexobj(x) or np.iscomplexobj(ans) else \
        np.log(np.where(np.asarray(x) == 0, 1, np.abs(x)))
    return g * conj(logx * ans)


_binary(np.power, _pow_dx, _pow_dy)
_binary(np.float_power, _pow_dx, _pow_dy)
_unary(np.square, lambda g, a, x: g * conj(2 * x), save=(0,))
_unary(np.reciprocal, lambda g, a, x: -g * conj(a * a), save=("ans",))
_unary(np.sqrt, lambda g, a, x: g * conj(0.5 / a), save=("ans",))
_unary(np.cbrt, lambda g, a, x: g / (3 * a * a), save=("ans",))
_binary(np.remainder, lambda g, a, x, y: g, lambda g, a, x, y: -g * np.floor_divide(x, y))
_binary(np.fmod, lambda g, a, x, y: g, lambda g, a, x, y: -g * np.trunc(np.true_divide(x, y)))


def _abs(g, ans, x):
    if np.iscomplexobj(x):
        return g * x / _nz(ans, 1) * (ans != 0)   # (conj of conj(x)/|x|)
    return g * np.sign(x)


_unary(np.absolute, _abs)
_unary(np.fabs, lambda g, a, x: g * np.sign(x))

# -- exponentials and logarithms --------------------------------------------
_unary(np.exp, lambda g, a, x: g * conj(a), save=("ans",))
_unary(np.exp2, lambda g, a, x: g * conj(a * np.log(2.0)), save=("ans",))
_unary(np.expm1, lambda g, a, x: g * conj(a + 1), save=("ans",))
_unary(np.log, lambda g, a, x: g / conj(x), save=(0,))
_unary(np.log2, lambda g, a, x: g / conj(x * np.log(2.0)), save=(0,))
_unary(np.log10, lambda g, a, x: g / conj(x * np.log(10.0)), save=(0,))
_unary(np.log1p, lambda g, a, x: g / conj(x + 1), save=(0,))
_binary(np.logaddexp, lambda g, a, x, y: g * np.exp(x - a), lambda g, a, x, y: g * np.exp(y - a))
_binary(np.logaddexp2, lambda g, a, x, y: g * np.exp2(x - a),
        lambda g, a, x, y: g * np.exp2(y - a))

# -- trigonometric and hyperbolic --------------------------------------------
_unary(np.sin, lambda g, a, x: g * conj(np.cos(x)), save=(0,))
_unary(np.cos, lambda g, a, x: -g * conj(np.sin(x)), save=(0,))
_unary(np.tan, lambda g, a, x: g / conj(np.cos(x) ** 2), save=(0,))
_unary(np.arcsin, lambda g, a, x: g / conj(np.sqrt(1 - x * x)), save=(0,))
_unary(np.arccos, lambda g, a, x: -g / conj(np.sqrt(1 - x * x)), save=(0,))
_unary(np.arctan, lambda g, a, x: g / conj(1 + x * x), save=(0,))
_unary(np.sinh, lambda g, a, x: g * conj(np.cosh(x)), save=(0,))
_unary(np.cosh, lambda g, a, x: g * conj(np.sinh(x)), save=(0,))
def _tanh(g, a, x):
    t = np.multiply(a, a)
    if np.iscomplexobj(a) or type(t) is not np.ndarray:
        return g * conj(1 - t)
    np.subtract(1, t, out=t)            # (1 - a^2) g with one temporary
    return np.multiply(t, g, out=t) if np.shape(g) == t.shape and \
        np.result_type(g, t) == t.dtype else t * g


_unary(np.tanh, _tanh, save=("ans",))
_unary(np.arcsinh, lambda g, a, x: g / conj(np.sqrt(x * x + 1)), save=(0,))
_unary(np.arccosh, lambda g, a, x: g / conj(np.sqrt(x * x - 1)), save=(0,))
_unary(np.arctanh, lambda g, a, x: g / conj(1 - x * x), save=(0,))
_unary(np.deg2rad, lambda g, a, x: g * (np.pi / 180), save=())
_unary(np.rad2deg, lambda g, a, x: g * (180 / np.pi), save=())
_unary(np.radians, lambda g, a, x: g * (np.pi / 180), save=())    # (not the same ufunc
_unary(np.degrees, lambda g, a, x: g * (180 / np.pi), save=())    # objects as the two above)
_binary(np.hypot, lambda g, a, x, y: g * x / _nz(a, 1), lambda g, a, x, y: g * y / _nz(a, 1))


def _atan2_d(g, a, y, x, first):
    r2 = _nz(np.asarray(x) ** 2 + np.asarray(y) ** 2, 1)
    return g * (x if first else -y) / r2


_binary(np.arctan2, lambda g, a, y, x: _atan2_d(g, a, y, x, True),
        lambda g, a, y, x: _atan2_d(g, a, y, x, False))

# -- piecewise ------------------------------------------------------------------


def _tie(x, y, ans):
    """Shares of a max/min among equal operands (1, or 1/2 on ties)."""
    ex = np.asarray(x == ans, dtype=float)
    ey = np.asarray(y == ans, dtype=float)
    return ex / _nz(ex + ey, 1)


_binary(np.maximum, lambda g, a, x, y: g * _tie(x, y, a), lambda g, a, x, y: g * _tie(y, x, a))
_binary(np.minimum, lambda g, a, x, y: g * _tie(x, y, a), lambda g, a, x, y: g * _tie(y, x, a))
_binary(np.fmax, lambda g, a, x, y: g * _tie(x, y, a), lambda g, a, x, y: g * _tie(y, x, a))
_binary(np.fmin, lambda g, a, x, y: g * _tie(x, y, a), lambda g, a, x, y: g * _tie(y, x, a))
_binary(np.copysign, lambda g, a, x, y: g * np.sign(x) * np.sign(a), None)
_binary(np.ldexp, lambda g, a, x, y: g * np.exp2(y), None)


def _clip_vjp(g, ans, args, kwargs):
    x, lo, hi = args[0], args[1], args[2]
    inside = np.asarray((ans == x), dtype=float)
    at_lo = (1 - inside) * (ans == lo) if lo is not None else 0
    at_hi = (1 - inside) * (ans == hi) * (1 - at_lo) if hi is not None else 0
    return (unbroadcast(x, g * inside),
            None if lo is None else unbroadcast(lo, g * at_lo),
            None if hi is None else unbroadcast(hi, g * at_hi)) + (None,) * (
        len(args) - 3 + len(kwargs))


if isinstance(getattr(um, "clip", None), np.ufunc):
    defarray(um.clip, _clip_vjp)


def _where_vjp(g, ans, args, kwargs):
    c = args[0]
    return (None, unbroadcast(args[1], np.where(c, g, 0)),
            unbroadcast(args[2], np.where(c, 0, g)))


defarray(np.where, _where_vjp, save=(0,))

# Piecewise constant: no gradient flows.
defzero_array(np.floor, np.ceil, np.trunc, np.rint, np.sign, np.floor_divide, np.heaviside,
              np.nextafter, np.spacing, np.ndarray.round)
# Boolean results (np.isnan(a) in nansum's _replace_nan, masks): nothing to track.
defzero_array(np.isnan, np.isinf, np.isfinite, np.signbit, np.equal, np.not_equal, np.less,
              np.less_equal, np.greater, np.greater_equal, np.logical_and, np.logical_or,
              np.logical_xor, np.logical_not)
# Integer results, positions (np.searchsorted(t_eval, t) in solve_ivp, np.argmax(x)):
# nothing to track, and a constant array searched is not written.
defzero_array(np.ndarray.searchsorted, np.ndarray.argmax, np.ndarray.argmin)


# -- ndarray's operator methods called by name (`a.__mul__(b)`, `a.__radd__(b)`):
# the ufuncs' rules, with the operands swapped for the reflected ones.  (The
# operators themselves reach the ufuncs: bcad/transforms/arrays.py.)
def _swapped(vjp):
    def swapped(g, ans, args, kwargs):
        ct = vjp(g, ans, (args[1], args[0]), kwargs)
        return (ct[1], ct[0])
    return swapped


def _swapped_jvp(jvp):
    if jvp is None:
        return None
    return lambda ts, ans, args, kwargs: jvp((ts[1], ts[0]), ans, (args[1], args[0]), kwargs)


def _swap_save(save):
    if save is True:
        return True
    return tuple({0: 1, 1: 0}.get(s, s) for s in save)


_OPERATOR_METHODS = (("add", np.add), ("sub", np.subtract), ("mul", np.multiply),
                     ("truediv", np.true_divide), ("pow", np.power), ("mod", np.remainder),
                     ("matmul", np.matmul))
_OPERATOR_UNARY = (("neg", np.negative), ("pos", np.positive), ("abs", np.absolute))


def _operator_methods():
    from .. import RULES
    nd = np.ndarray
    for name, u in _OPERATOR_METHODS:
        p = RULES[u]
        q = defarray(getattr(nd, f"__{name}__"), p.vjps[0], save=p.save)
        r = defarray(getattr(nd, f"__r{name}__"), _swapped(p.vjps[0]), save=_swap_save(p.save))
        q.jvp, r.jvp = p.jvp, _swapped_jvp(p.jvp)
        q.crossed = r.crossed = p.crossed
    for name, u in _OPERATOR_UNARY:
        p = RULES[u]
        defarray(getattr(nd, f"__{name}__"), p.vjps[0], save=p.save).jvp = p.jvp
    for name in ("floordiv", "rfloordiv"):
        defzero_array(getattr(nd, f"__{name}__"))
