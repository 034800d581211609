"""The pairing <vjp(g), t> whose gradient in g is a rule's JVP, J t (forward
mode's fallback for rules without an explicit JVP: transforms/forward.py).

It lives among the rules because bcad interprets the code of this folder
(the rules are ordinary numpy code) and runs the rest of itself natively:
this function and the VJP it calls must be interpreted for reverse mode to
see g flow through them.
"""
import numpy as np


def _inner(c, t):
    """Re<c, t> summed (numbers or arrays)."""
    if np.iscomplexobj(c) or np.iscomplexobj(t):
        return np.sum(np.real(np.conj(c) * t))
    return np.sum(np.multiply(c, t))


def _flat(c, arg, out):
    """Cotangent `c` flattened like argument `arg` (None for a whole
    subtree), as reverse mode pairs cotangents with argument leaves.  (Here,
    not in transforms/reverse.py, so that it is interpreted: `c` may be an
    array whose rows go to the elements of a list argument.)"""
    ta = type(arg)
    if ta is list or ta is tuple:
        for i, x in enumerate(arg):
            _flat(None if c is None else c[i], x, out)
    elif ta is dict:
        for k, x in arg.items():
            _flat(None if c is None else c[k], x, out)
    else:
        out.append(c)


def pairing(vjp, ans, args, kwargs, ts):
    """g -> <vjp(g, ans, args, kwargs), ts>, with `ts` the tangents of the
    argument leaves (of args, then of kwargs' values)."""
    def paired(g):
        flat = []
        for c, arg in zip(vjp(g, ans, args, kwargs), (*args, *kwargs.values())):
            _flat(c, arg, flat)
        total = 0.0
        for c, t in zip(flat, ts):
            if c is not None and t is not None:
                total = total + _inner(c, t)
        return total
    return paired
