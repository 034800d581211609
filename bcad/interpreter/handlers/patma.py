"""Structural pattern matching (match statements)."""
from ...decode import NULL
from .. import objects
from ..calls import call
from ..objects import type_name
from . import op

TPFLAGS_SEQUENCE = 1 << 5
TPFLAGS_MAPPING = 1 << 6
# Builtins that match a single positional sub-pattern against themselves.
_MATCH_SELF = (bool, bytearray, bytes, dict, float, frozenset, int, list, set, str, tuple)


@op("GET_LEN")
def GET_LEN(ins):
    nxt = ins.next

    def h(f):
        f.stack.append(objects.len_(f.stack[-1]))
        return nxt
    return h


@op("MATCH_MAPPING")
def MATCH_MAPPING(ins):
    nxt = ins.next

    def h(f):
        f.stack.append(bool(type(f.stack[-1]).__flags__ & TPFLAGS_MAPPING))
        return nxt
    return h


@op("MATCH_SEQUENCE")
def MATCH_SEQUENCE(ins):
    nxt = ins.next

    def h(f):
        f.stack.append(bool(type(f.stack[-1]).__flags__ & TPFLAGS_SEQUENCE))
        return nxt
    return h


_DUMMY = object()


def match_keys(subject, keys):
    if not keys:
        return ()
    get = objects.getattr_(subject, "get")
    seen = set()
    values = []
    for k in keys:
        if k in seen:
            raise ValueError(f"mapping pattern checks duplicate key ({objects.repr_(k)})")
        seen.add(k)
        v = call(get, k, _DUMMY)
        if v is _DUMMY:
            return None
        values.append(v)
    return tuple(values)


@op("MATCH_KEYS")
def MATCH_KEYS(ins):
    nxt = ins.next

    def h(f):
        s = f.stack
        s.append(match_keys(s[-2], s[-1]))
        return nxt
    return h


def _match_attr(subject, name):
    try:
        return objects.getattr_(subject, name)
    except AttributeError:
        return NULL


def match_class(subject, cls, nargs, kwnames):
    from ..lookasides import isinstance_
    if not isinstance(cls, type):
        raise TypeError("called match pattern must be a class" if not _PY311 else
                        "called match pattern must be a type")
    if not isinstance_(subject, cls):
        return None
    seen = []
    attrs = []
    match_self = False
    if nargs:
        match_args = _match_attr(cls, "__match_args__")
        if match_args is not NULL:
            if type(match_args) is not tuple:
                raise TypeError(f"{cls.__name__}.__match_args__ must be a tuple "
                                f"(got {type_name(type(match_args))})")
        elif issubclass(cls, _MATCH_SELF) and any(c in _MATCH_SELF for c in cls.__mro__):
            match_self = True
            match_args = ()
        else:
            match_args = ()
        allowed = 1 if match_self else len(match_args)
        if allowed < nargs:
            plural = "" if allowed == 1 else "s"
            raise TypeError(f"{cls.__name__}() accepts {allowed} positional sub-pattern{plural} "
                            f"({nargs} given)")
        if match_self:
            attrs.append(subject)
        else:
            for i in range(nargs):
                name = match_args[i]
                if not isinstance(name, str):
                    raise TypeError(f"__match_args__ elements must be strings "
                                    f"(got {type_name(type(name))})")
                if name in seen:
                    raise TypeError(f"{cls.__name__}() got multiple sub-patterns for "
                                    f"attribute {name!r}")
                seen.append(name)
                v = _match_attr(subject, name)
                if v is NULL:
                    return None
                attrs.append(v)
    for name in kwnames:
        if name in seen:
            raise TypeError(f"{cls.__name__}() got multiple sub-patterns for attribute {name!r}")
        seen.append(name)
        v = _match_attr(subject, name)
        if v is NULL:
            return None
        attrs.append(v)
    return tuple(attrs)


from ..versions import PY311 as _PY311  # noqa: E402


@op("MATCH_CLASS")
def MATCH_CLASS(ins):
    nxt, n = ins.next, ins.arg

    def h(f):
        s = f.stack
        names = s.pop()
        cls = s.pop()
        s[-1] = match_class(s[-1], cls, n, names)
        return nxt
    return h
