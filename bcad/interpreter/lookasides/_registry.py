"""The lookaside registry: `@lookaside(c_function, arity=..., kw=...)`."""
from ..calls import LOOKASIDES
from ..objects import STATIC, iterate


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
    if STATIC[type(v)]:
        return v
    return iterate(v)
