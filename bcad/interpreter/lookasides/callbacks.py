"""C objects that call back into Python: re.sub with a function replacement,
operator.attrgetter/itemgetter/methodcaller."""
import functools
import re

from .. import objects
from ..calls import LOOKASIDES, METHOD_LOOKASIDES, CALLABLE_TYPE_LOOKASIDES, call_ex, trampoline


# re.sub/subn with a function replacement call back into Python.
def _re_repl(native, pos):
    def la(*args, **kwargs):
        if len(args) > pos:
            args = args[:pos] + (trampoline(args[pos]),) + args[pos + 1:]
        elif "repl" in kwargs:
            kwargs["repl"] = trampoline(kwargs["repl"])
        return native(*args, **kwargs)
    return la


# operator.attrgetter/itemgetter/methodcaller objects fetch attributes, items
# and methods natively: replay them with interpreted attribute access.
def _getter_parts(fn):
    """The arguments the getter was built with, from its repr-free reduce."""
    return fn.__reduce__()[1]


def _attrgetter_call(fn, args, kwargs):
    if len(args) != 1 or kwargs:
        return fn(*args, **kwargs)
    obj = args[0]
    out = []
    for path in _getter_parts(fn):
        v = obj
        for part in path.split("."):
            v = objects.getattr_(v, part)
        out.append(v)
    return out[0] if len(out) == 1 else tuple(out)


def _itemgetter_call(fn, args, kwargs):
    if len(args) != 1 or kwargs:
        return fn(*args, **kwargs)
    keys = _getter_parts(fn)
    out = [objects.getitem(args[0], k) for k in keys]
    return out[0] if len(out) == 1 else tuple(out)


def _methodcaller_call(fn, args, kwargs):
    if len(args) != 1 or kwargs:
        return fn(*args, **kwargs)
    red = fn.__reduce__()
    if type(red[0]) is functools.partial:   # methodcaller(name, *args, **kw)
        name, margs, mkw = red[0].args[0], red[1], red[0].keywords
    else:                                   # methodcaller(name, *args)
        name, margs, mkw = red[1][0], red[1][1:], {}
    return call_ex(objects.getattr_(args[0], name), margs, mkw)


import operator as _operator  # noqa: E402
CALLABLE_TYPE_LOOKASIDES[_operator.attrgetter] = _attrgetter_call
CALLABLE_TYPE_LOOKASIDES[_operator.itemgetter] = _itemgetter_call
CALLABLE_TYPE_LOOKASIDES[_operator.methodcaller] = _methodcaller_call


for _fn, _pos in ((re.sub, 1), (re.subn, 1)):
    LOOKASIDES[_fn] = _re_repl(_fn, _pos)


def _pattern_repl(name):
    native = getattr(re.Pattern, name)
    wrapped = _re_repl(native, 1)
    return lambda self, *args, **kwargs: wrapped(self, *args, **kwargs)


METHOD_LOOKASIDES[(re.Pattern, "sub")] = _pattern_repl("sub")
METHOD_LOOKASIDES[(re.Pattern, "subn")] = _pattern_repl("subn")
