"""The lookaside registry: `@lookaside(c_function, arity=..., kw=...)`."""
from ..calls import LOOKASIDES
from ...decode import NULL
from ..objects import STATIC, C_BASE, iterate, lookup


def lookaside(*targets, arity=None, kw=()):
    """Register `fn` as the replacement of `targets`.  With `arity` (int or
    tuple of allowed positional counts) and `kw` (allowed keywords), calls of
    another shape go to the C function itself, for its exact errors."""
    def deco(fn):
        impl = fn
        if arity is not None:
            allowed = (arity,) if isinstance(arity, int) else tuple(arity)
            native = targets[0]

            def checked(*args, **kwargs):
                if len(args) not in allowed or any(k not in kw for k in kwargs):
                    return native(*args, **kwargs)
                return fn(*args, **kwargs)
            checked.__name__ = fn.__name__
            impl = checked
        for t in targets:
            LOOKASIDES[t] = impl
        return fn
    return deco


def safe_iterable(v):
    """An iterable native code can consume without running Python code natively."""
    tv = type(v)
    if STATIC[tv] or C_BASE[tv] is tv:      # (3.12+: itertools' types are heap types)
        return v
    if lookup(tv, "__iter__") in (NULL, None) and lookup(tv, "__getitem__") is NULL:
        return v        # not iterable: the C function raises its own error, when it would
    return iterate(v)


class LazyIterable:
    """For C consumers that call iter() on an argument only when they reach
    it (itertools.chain): iterating this wraps the object then, so its
    errors come when CPython's would."""
    __slots__ = ("v",)

    def __init__(self, v):
        self.v = v

    def __iter__(self):
        return iterate(self.v)


def lazy_iterable(v):
    tv = type(v)
    if STATIC[tv] or C_BASE[tv] is tv:
        return v
    return LazyIterable(v)
