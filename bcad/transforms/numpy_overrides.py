"""numpy's override protocols, done in Python so the overrides are interpreted.

A ufunc (`np.multiply(a, q)`), a ufunc method (`np.add.reduce(q)`), an
operator of an ndarray or numpy scalar (`a * q`, `x[0] * unit`) or an
`__array_function__` dispatcher (`np.sum(q)`) given an object whose class
defines `__array_ufunc__` / `__array_function__` in Python (pint's
Quantity and Unit, a user's wrapper class) calls that method from C.  Run
natively, its Python code computes with differentiable values untraced, and
a rule applied to the call would record an operation that never happened on
those values (pint's `x * ureg.kg` was a silent zero gradient).  Here numpy's
dispatch (NEP 13 and NEP 18, as `numpy/_core/src/umath/ufunc_override.c`,
`binop_override.h` and `arrayfunction_override.c` do it) runs in Python:
the override is interpreted, and the ufunc it calls on plain arrays meets
its rule.

An argument of a Python class without an override (numpy would convert it
through Python dunders: `__float__`, `__len__`, `__rmul__` of its elements)
is not a rule's case: `dispatch` says NO_RULE, and the call is checked like
any C function without a rule.
"""
import types

from ..decode import NULL as _NULL
from ..interpreter import objects
from ..interpreter.objects import STATIC, C_BASE, lookup
from . import arrays

NOT_SPECIAL = object()
NO_RULE = object()

_np = arrays.np
_ndarray = arrays.ndarray
_UFUNC = _np.ufunc
_DISPATCHER = type(_np.mean)
_DEFAULT_UFUNC = _ndarray.__dict__["__array_ufunc__"]
_DEFAULT_FUNCTION = _ndarray.__dict__["__array_function__"]
_MethodWrapper = types.MethodWrapperType
_Builtin = types.BuiltinFunctionType

# ndarray / numpy-scalar number slots -> (ufunc, reflected, in place).
_BINOPS = {}
for _names, _u in [(("add",), _np.add), (("sub",), _np.subtract), (("mul",), _np.multiply),
                   (("truediv",), _np.true_divide), (("floordiv",), _np.floor_divide),
                   (("mod",), _np.remainder), (("pow",), _np.power),
                   (("matmul",), _np.matmul), (("and",), _np.bitwise_and),
                   (("or",), _np.bitwise_or), (("xor",), _np.bitwise_xor),
                   (("lshift",), _np.left_shift), (("rshift",), _np.right_shift),
                   (("divmod",), _np.divmod)]:
    for _n in _names:
        _BINOPS[f"__{_n}__"] = (_u, False, False)
        _BINOPS[f"__r{_n}__"] = (_u, True, False)
        if _n != "divmod":
            _BINOPS[f"__i{_n}__"] = (_u, False, True)
for _n, _u in [("lt", _np.less), ("le", _np.less_equal), ("gt", _np.greater),
               ("ge", _np.greater_equal), ("eq", _np.equal), ("ne", _np.not_equal)]:
    _BINOPS[f"__{_n}__"] = (_u, False, False)

# Positional parameters of the ufunc methods after their inputs (numpy passes
# them to __array_ufunc__ as keywords).
_METHOD_PARAMS = {
    "reduce": (1, ("axis", "dtype", "out", "keepdims", "initial", "where")),
    "accumulate": (1, ("axis", "dtype", "out")),
    "reduceat": (2, ("axis", "dtype", "out")),
    "outer": (2, ()),
    "at": (3, ()),
}


def _python_type(tp):
    """A class written in Python (not a C type, nor an extension's heap type)."""
    return not STATIC[tp] and C_BASE[tp] is not tp


def _python_operand(objs):
    for a in objs:
        ta = type(a)
        if ta is list or ta is tuple:
            for e in a:
                if _python_type(type(e)):
                    return True
        elif _python_type(ta):
            return True
    return False


def _override(tp, name, default):
    """The override `tp` defines for `name`, None if it is set to None, or
    NOT_SPECIAL when it has none of its own (numpy's default)."""
    m = lookup(tp, name)
    if m is _NULL or m is default:
        return NOT_SPECIAL
    return m


def _with_override(objs, name, default):
    """numpy's ordered candidates: one per type, subclasses before their
    bases, otherwise left to right."""
    seen, cands = set(), []
    for o in objs:
        t = type(o)
        if t in seen or t is _ndarray or not _python_type(t):
            continue
        seen.add(t)
        m = _override(t, name, default)
        if m is not NOT_SPECIAL:
            cands.append((o, m))
    return cands


def _call_in_order(cands, call):
    """Call each candidate's override until one does not return
    NotImplemented (a subclass's before its base's, as numpy orders them)."""
    pending = list(cands)
    while pending:
        for i, (o, m) in enumerate(pending):
            if any(type(p) is not type(o) and isinstance(p, type(o)) for p, _ in pending[i + 1:]):
                continue
            del pending[i]
            r = call(o, m)
            if r is not NotImplemented:
                return r
            break
    return NotImplemented


def _type_names(objs):
    return ", ".join(repr(type(o).__name__) for o in objs)


def ufunc_call(ufunc, method, inputs, kwargs):
    """`getattr(ufunc, method)(*inputs, **kwargs)` with numpy's
    __array_ufunc__ dispatch interpreted; NOT_SPECIAL if no operand overrides."""
    kwargs = dict(kwargs)
    if method == "__call__":
        if len(inputs) > ufunc.nin:
            if "out" in kwargs:
                raise TypeError("cannot specify 'out' as both a positional and keyword argument")
            kwargs["out"] = tuple(inputs[ufunc.nin:])
            inputs = inputs[:ufunc.nin]
    else:
        n, params = _METHOD_PARAMS.get(method, (len(inputs), ()))
        for p, v in zip(params, inputs[n:]):
            kwargs[p] = v
        inputs = inputs[:n]
    out = kwargs.get("out", NOT_SPECIAL)
    if out is None:
        del kwargs["out"]
        out = ()
    elif out is NOT_SPECIAL:
        out = ()
    elif type(out) is not tuple:
        out = kwargs["out"] = (out,)
    cands = _with_override((*inputs, *out), "__array_ufunc__", _DEFAULT_UFUNC)
    if not cands:
        return NOT_SPECIAL
    for o, m in cands:
        if m is None:
            raise TypeError(f"operand '{type(o).__name__}' does not support ufuncs "
                            f"(__array_ufunc__=None)")
    r = _call_in_order(cands, lambda o, m: objects.call_method(
        m, o, ufunc, method, *inputs, **kwargs))
    if r is NotImplemented:
        raise TypeError(f"operand type(s) all returned NotImplemented from "
                        f"__array_ufunc__({ufunc!r}, {method!r}, ...): "
                        f"{_type_names((*inputs, *out))}")
    return r


def _binop(fn, args, kwargs):
    """An ndarray's or numpy scalar's operator slot: numpy defers to an
    operand whose __array_ufunc__ is None, else calls the ufunc (which hands
    the call to the operand's override)."""
    spec = _BINOPS.get(fn.__name__)
    if spec is None or kwargs or len(args) != 1:
        return NOT_SPECIAL
    other = args[0]
    to = type(other)
    if not _python_type(to):
        return NOT_SPECIAL
    m = _override(to, "__array_ufunc__", _DEFAULT_UFUNC)
    if m is NOT_SPECIAL:
        return NO_RULE
    ufunc, reflected, inplace = spec
    me = fn.__self__
    if m is None:
        if inplace:
            raise TypeError(f"operand '{to.__name__}' does not support ufuncs "
                            f"(__array_ufunc__=None)")
        return NotImplemented
    if inplace:
        return ufunc_call(ufunc, "__call__", (me, other), {"out": (me,)})
    return ufunc_call(ufunc, "__call__", (other, me) if reflected else (me, other), {})


def _relevant(args, kwargs):
    """The arguments numpy's dispatchers would name: every argument and the
    elements of sequences among them (a superset of what a dispatcher
    returns: numpy keeps its `_<name>_dispatcher` out of reach)."""
    out = []
    for a in (*args, *kwargs.values()):
        ta = type(a)
        if ta is list or ta is tuple:
            out.extend(a)
        else:
            out.append(a)
    return out


def _function(fn, args, kwargs):
    cands = _with_override(_relevant(args, kwargs), "__array_function__", _DEFAULT_FUNCTION)
    if not cands:
        return NOT_SPECIAL
    tps = tuple(dict.fromkeys(type(o) for o, _ in cands))
    r = _call_in_order([(o, m) for o, m in cands if m is not None], lambda o, m: objects.call_method(
        m, o, fn, tps, tuple(args), dict(kwargs)))
    if r is NotImplemented:
        raise TypeError(f"no implementation found for '{fn.__module__}.{fn.__name__}' on types "
                        f"that implement __array_function__: {list(tps)}")
    return r


def dispatch(fn, args, kwargs):
    """The call `fn(*args, **kwargs)` of a numpy callable with an operand of
    a Python class: its override's answer (interpreted), NO_RULE when the
    operand has no override (no rule may be applied), or NOT_SPECIAL."""
    tf = type(fn)
    if tf is _UFUNC:
        if not _python_operand((*args, *kwargs.values())):
            return NOT_SPECIAL
        r = ufunc_call(fn, "__call__", args, kwargs)
    elif tf is _Builtin and type(fn.__self__) is _UFUNC:
        if not _python_operand((*args, *kwargs.values())):
            return NOT_SPECIAL
        r = ufunc_call(fn.__self__, fn.__name__, args, kwargs)
    elif tf is _DISPATCHER:
        if not _python_operand((*args, *kwargs.values())):
            return NOT_SPECIAL
        r = _function(fn, args, kwargs)
    elif isinstance(fn.__self__, (_ndarray, arrays._generic)):
        return _binop(fn, args, kwargs)
    else:
        return NOT_SPECIAL
    return NO_RULE if r is NOT_SPECIAL else r


# What call_c hands to `dispatch` (with builtin methods of a ufunc).
CALLABLES = frozenset({_UFUNC, _DISPATCHER, _MethodWrapper})
