"""bcad's public API: grad, value_and_grad, vjp, stop_gradient, custom_vjp,
defvjp."""
import functools

import numpy as np

from .rules import defvjp as _defvjp, defvjp_general
from .tape.tape import Primitive, TRACKED_TYPES
from .transforms import context
from .transforms.reverse import run_forward, gradients, differentiating
from .transforms.tree import flatten, unflatten
from .trace.dump import dump_if_requested, tape_if_requested


def _argnums(argnums):
    if isinstance(argnums, int):
        return (argnums,), True
    t = tuple(argnums)
    if not t or not all(isinstance(i, int) for i in t):
        raise TypeError(f"argnums must be an int or a non-empty tuple of ints, got {argnums!r}")
    return t, False


def _scalar_output(out, fun):
    t = type(out)
    if t is float or (isinstance(out, float) and not isinstance(out, bool)):
        return
    if isinstance(out, np.floating) or t is np.ndarray and out.shape == () and \
            out.dtype.kind == "f":
        return          # (a numpy real scalar: np.sum(x) of a float32 array)
    kind = type(out).__name__
    hint = " (use bcad.vjp for non-scalar or complex outputs)" if t in (complex, list, tuple, dict) \
        else ""
    raise TypeError(f"bcad.grad: {getattr(fun, '__qualname__', fun)} must return a real scalar "
                    f"(a float), but returned {kind} {out!r:.60}{hint}")


def value_and_grad(fun, argnums=0, has_aux=False):
    """Return a function computing `(fun(*args), gradient)`.

    The gradient is taken with respect to the positional argument(s)
    `argnums` (an int, or a tuple giving a tuple of gradients); each gradient
    has the structure of its argument (floats in nested tuples, lists, dicts,
    namedtuples, dataclasses).  `fun` must return a float (or, with
    `has_aux`, a pair `(float, aux)`; the result is then `((value, aux), grad)`).
    `fun` runs through bcad's interpreter: ordinary Python code works as is.
    """
    nums, single = _argnums(argnums)

    @functools.wraps(fun)
    def value_and_grad_fun(*args, **kwargs):
        res = run_forward(fun, args, kwargs, nums, kind="grad", tape=tape_if_requested())
        out = res.out
        if has_aux:
            if not (isinstance(out, tuple) and len(out) == 2):
                raise TypeError("bcad.grad with has_aux=True: the function must return a pair "
                                f"(scalar, aux), got {type(out).__name__}")
            value, aux = out
        else:
            value = out
        _scalar_output(value, fun)
        dump_if_requested(res, fun, nums, single, out=value)
        grads = gradients(res, [value], [1.0])
        g = grads[0] if single else tuple(grads)
        return ((value, aux) if has_aux else value), g
    return value_and_grad_fun


def grad(fun, argnums=0, has_aux=False):
    """Return a function computing the gradient of `fun` (see value_and_grad).
    With `has_aux`, it returns `(gradient, aux)`."""
    vg = value_and_grad(fun, argnums, has_aux)

    @functools.wraps(fun)
    def grad_fun(*args, **kwargs):
        value, g = vg(*args, **kwargs)
        if has_aux:
            return g, value[1]
        return g
    return grad_fun


def vjp(fun, *primals, has_aux=False):
    """Evaluate `fun(*primals)` and return `(out, vjp_fn)`; `vjp_fn(ct)` maps a
    cotangent shaped like `out` to a tuple of cotangents shaped like the
    primals.  With `has_aux`, `fun` returns `(out, aux)` and the result is
    `(out, vjp_fn, aux)`."""
    res = run_forward(fun, primals, {}, tuple(range(len(primals))))
    out = res.out
    aux = None
    if has_aux:
        out, aux = out
    out_leaves, out_tree = flatten(out)

    def vjp_fn(ct):
        ct_leaves, ct_tree = flatten(ct)
        if len(ct_leaves) != len(out_leaves):
            raise ValueError(f"bcad.vjp: cotangent has {len(ct_leaves)} leaves, the output has "
                             f"{len(out_leaves)}")
        return tuple(gradients(res, out_leaves, ct_leaves))
    if has_aux:
        return out, vjp_fn, aux
    return out, vjp_fn


def last_tape_stats():
    """{'n_ops': operations recorded by the last grad/vjp call, 'n_inputs': ...}"""
    from .transforms.reverse import LAST_STATS
    return dict(LAST_STATS)


def stop_gradient(x):
    """Return `x` with its float/complex leaves cut from differentiation: a
    value that carries no gradient (the result is equal to `x`)."""
    leaves, treedef = flatten(x)
    return unflatten(treedef, [-(-v) if type(v) in TRACKED_TYPES else v for v in leaves])


def defvjp(fn, *vjps, name=None):
    """Register derivative rules for a C function `fn` of 1 or 2 positional
    arguments: `vjps[i](g, ans, *args)` returns the cotangent of argument i
    given the output cotangent `g` and the output `ans` (None for an argument
    that is not differentiable).  Example::

        bcad.defvjp(scipy.special.dawsn, lambda g, ans, x: g * (1 - 2 * x * ans))
    """
    return _defvjp(fn, *vjps, name=name)


def defvjp_args(fn, vjp, name=None):
    """Register a rule for a C function with any arguments: `vjp(g, ans, args,
    kwargs)` returns a tuple of cotangents shaped like `args` (lists for
    sequence arguments, None where not differentiable)."""
    return defvjp_general(fn, vjp, name=name)


def defvjp_array(fn, vjp, save=True, name=None):
    """Register a rule for a C function that returns a numpy array (or a
    numpy scalar): `vjp(g, ans, args, kwargs)` returns a tuple of cotangents
    shaped like `args` (an array for an array argument, None where not
    differentiable).  `save`: True, or the positions of the arguments (and
    "ans" for the output) whose *values* `vjp` reads; the others reach it as
    objects with only `.shape`, `.dtype`, `.ndim` and `.size`, which spares a
    copy when the array is written in place later.  Example::

        bcad.defvjp_array(scipy.special.dawsn, lambda g, ans, args, kwargs:
                          (g * (1 - 2 * args[0] * ans),), save=(0, "ans"))
    """
    from .rules.numpy import defarray
    return defarray(fn, vjp, name=name, save=save)


class custom_vjp:
    """A Python function with a hand-written derivative (like jax.custom_vjp).

        @bcad.custom_vjp
        def f(x, y): ...
        def f_fwd(x, y): return f(x, y), residuals
        def f_bwd(residuals, g): return (ct_x, ct_y)
        f.defvjp(f_fwd, f_bwd)

    While differentiating, `f` is not interpreted: `f_fwd` computes the value
    and the residuals natively (without recording) and `f_bwd(residuals, g)`
    returns the cotangents of the positional arguments (shaped like them;
    None for a non-differentiable one).  Called normally, `f` just runs.
    The output must be a float or complex number.
    """

    def __init__(self, fun):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.fwd = self.bwd = self.prim = None
        self._residuals = {}

    def defvjp(self, fwd, bwd):
        from .rules.derived import custom_vjp_rule
        self.fwd, self.bwd = fwd, bwd
        # (the rule is interpretable code: inside another transform, the
        # backward is interpreted and differentiated in turn)
        self.prim = Primitive(getattr(self.fun, "__qualname__", "custom_vjp"), self.fun,
                              (custom_vjp_rule(self),), general=True)
        return self

    def __call__(self, *args, **kwargs):
        tape = context.recording()
        if tape is None or self.fwd is None:
            return self.fun(*args, **kwargs)
        from .transforms.tracking import leaves_of, current_site
        from .interpreter import run_call
        if context.running(self):   # called by its own forward: itself, recorded
            return run_call(self.fun, args, kwargs)
        if context.inside():
            # Another transform will differentiate this one's pass: the
            # forward is recorded (under a level of its own, on the tape), so
            # that the residuals the backward reads carry their dependence
            # on the inputs.
            with context.Level(self, tape, differentiated=True):
                out, res = run_call(self.fwd, args, kwargs)
        else:
            out, res = _unrecorded(self, args, kwargs)
        if type(out) not in TRACKED_TYPES:
            raise TypeError(f"custom_vjp {self.__qualname__}: the forward rule must return a "
                            f"float or complex output, got {type(out).__name__}")
        out = -(-out)          # a fresh object owned by the tape
        self._residuals[id(out)] = res
        flat = []
        for a in args:
            leaves_of(tape, a, flat)
        tape.record_general(self.prim, out, tuple(tape.ids.get(id(x), -1) for x in flat),
                            args, kwargs, current_site())
        return out


def _unrecorded(cv, args, kwargs):
    """custom_vjp `cv`'s forward, called natively with differentiation
    switched off (under a level without a tape)."""
    with differentiating(False), context.Level(cv, None):
        return cv.fwd(*args, **kwargs)
