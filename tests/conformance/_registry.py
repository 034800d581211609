"""Tiny case registry: `@case(*args)` records a module-level function as one
differential conformance case (stackable for several argument sets)."""
import pytest


class Registry:
    def __init__(self):
        self.cases = []
        self._seen = {}

    def __call__(self, *args, known_limit=None, **kwargs):
        """`known_limit="reason"` marks a documented difference from CPython
        (docs/supported-python.md): the case must fail, strictly."""
        def deco(fn):
            n = self._seen.get(fn.__name__, 0)
            self._seen[fn.__name__] = n + 1
            ident = fn.__name__ if n == 0 else f"{fn.__name__}-{n}"
            marks = ()
            if known_limit is not None:
                from tests.support import NATIVE_ONLY
                if not NATIVE_ONLY:
                    marks = (pytest.mark.xfail(reason=known_limit, strict=True),)
            self.cases.append(pytest.param(fn, args, kwargs, id=ident, marks=marks))
            return fn
        return deco

    def parametrize(self):
        return pytest.mark.parametrize("fn,args,kwargs", self.cases)
