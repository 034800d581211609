"""Building containers and strings, unpacking."""
import types

from ...decode import NULL
from .. import objects
from ..objects import STATIC, type_name, iterate
from ..versions import V
from . import op


def _funcstr(fn):
    """_PyObject_FunctionStr: how CPython names a callee in call errors."""
    try:
        qualname = fn.__qualname__
    except AttributeError:
        return str(fn)
    module = getattr(fn, "__module__", None)
    if module is not None and module != "builtins":
        return f"{module}.{qualname}()"
    return f"{qualname}()"


@op("BUILD_TUPLE")
def BUILD_TUPLE(ins):
    nxt, n = ins.next, ins.arg

    def h(f):
        s = f.stack
        if n:
            t = tuple(s[-n:])
            del s[-n:]
            s.append(t)
        else:
            s.append(())
        return nxt
    return h


@op("BUILD_LIST")
def BUILD_LIST(ins):
    nxt, n = ins.next, ins.arg

    def h(f):
        s = f.stack
        if n:
            t = s[-n:]
            del s[-n:]
            s.append(t)
        else:
            s.append([])
        return nxt
    return h


@op("BUILD_SET")
def BUILD_SET(ins):
    nxt, n = ins.next, ins.arg

    def h(f):
        s = f.stack
        items = s[len(s) - n:]
        del s[len(s) - n:]
        out = set()
        for x in items:
            _set_add(out, x)
        s.append(out)
        return nxt
    return h


def _set_add(st, x):
    if not STATIC[type(x)]:
        objects.hash_(x)   # a Python __hash__ is interpreted (and its errors raised) first
    st.add(x)


@op("BUILD_MAP")
def BUILD_MAP(ins):
    nxt, n = ins.next, ins.arg

    def h(f):
        s = f.stack
        items = s[len(s) - 2 * n:]
        del s[len(s) - 2 * n:]
        d = {}
        for i in range(0, 2 * n, 2):
            d[items[i]] = items[i + 1]
        s.append(d)
        return nxt
    return h


@op("BUILD_CONST_KEY_MAP")
def BUILD_CONST_KEY_MAP(ins):
    nxt, n = ins.next, ins.arg

    def h(f):
        s = f.stack
        keys = s.pop()
        vals = s[len(s) - n:]
        del s[len(s) - n:]
        s.append(dict(zip(keys, vals)))
        return nxt
    return h


@op("BUILD_STRING")
def BUILD_STRING(ins):
    nxt, n = ins.next, ins.arg

    def h(f):
        s = f.stack
        t = "".join(s[len(s) - n:])
        del s[len(s) - n:]
        s.append(t)
        return nxt
    return h


@op("LIST_APPEND")
def LIST_APPEND(ins):
    nxt, i = ins.next, ins.arg

    def h(f):
        s = f.stack
        v = s.pop()
        s[-i].append(v)
        return nxt
    return h


@op("SET_ADD")
def SET_ADD(ins):
    nxt, i = ins.next, ins.arg

    def h(f):
        s = f.stack
        v = s.pop()
        _set_add(s[-i], v)
        return nxt
    return h


@op("MAP_ADD")
def MAP_ADD(ins):
    nxt, i = ins.next, ins.arg

    def h(f):
        s = f.stack
        v = s.pop()
        k = s.pop()
        s[-i][k] = v
        return nxt
    return h


def _iterable_or_error(v):
    tp = type(v)
    if objects.lookup(tp, "__iter__") in (NULL, None) and objects.lookup(tp, "__getitem__") is NULL:
        raise TypeError(f"Value after * must be an iterable, not {type_name(tp)}")


@op("LIST_EXTEND")
def LIST_EXTEND(ins):
    nxt, i = ins.next, ins.arg

    def h(f):
        s = f.stack
        v = s.pop()
        if type(v) is tuple or type(v) is list:
            s[-i].extend(v)
        else:
            _iterable_or_error(v)
            s[-i].extend(iterate(v))
        return nxt
    return h


@op("SET_UPDATE")
def SET_UPDATE(ins):
    nxt, i = ins.next, ins.arg

    def h(f):
        s = f.stack
        v = s.pop()
        target = s[-i]
        for x in iterate(v):
            _set_add(target, x)
        return nxt
    return h


def _mapping_items(m):
    """Items of a mapping for ** and dict.update: keys() then __getitem__."""
    if type(m) is dict:
        return list(m.items())
    keys = objects.getattr_(m, "keys")
    from ..calls import call
    return [(k, objects.getitem(m, k)) for k in iterate(call(keys))]


def _has_keys(m):
    if type(m) is dict:
        return True
    try:
        objects.getattr_(m, "keys")
        return True
    except AttributeError:
        return False


@op("DICT_UPDATE")
def DICT_UPDATE(ins):
    nxt, i = ins.next, ins.arg

    def h(f):
        s = f.stack
        v = s.pop()
        if not _has_keys(v):
            raise TypeError(f"'{type_name(type(v))}' object is not a mapping")
        s[-i].update(_mapping_items(v))
        return nxt
    return h


@op("DICT_MERGE")
def DICT_MERGE(ins):
    nxt, i = ins.next, ins.arg

    def h(f):
        s = f.stack
        v = s.pop()
        target = s[-i]
        a, b = s[-i - 3], s[-i - 2]
        fn = b if a is NULL else a
        if not _has_keys(v):
            raise TypeError(f"{_funcstr(fn)} argument after ** must be a mapping, "
                            f"not {type_name(type(v))}")
        for k, val in _mapping_items(v):
            if k in target:
                if not isinstance(k, str):
                    raise TypeError(f"{_funcstr(fn)} keywords must be strings")
                raise TypeError(f"{_funcstr(fn)} got multiple values for keyword argument '{k}'")
            target[k] = val
        return nxt
    return h


@op("LIST_TO_TUPLE")
def LIST_TO_TUPLE(ins):
    nxt = ins.next

    def h(f):
        s = f.stack
        s[-1] = tuple(s[-1])
        return nxt
    return h


# ------------------------------------------------------------------ unpacking

def _unpack_iter(v):
    tp = type(v)
    if not STATIC[tp] or tp is not list and tp is not tuple:
        if objects.lookup(tp, "__iter__") is NULL and not _is_sequence(v, tp):
            raise TypeError(f"cannot unpack non-iterable {_tp_name(v)} object")
    return objects.iter_(v)


def _tp_name(v):
    """The type's C name, as CPython's own "not iterable" error gives it (a C
    type created at run time, re.Match, is named with its module; a class
    statement's is not).  (v has no __iter__ and is no sequence: iter(v)
    fails natively, running no Python code.)"""
    try:
        iter(v)
    except TypeError as e:
        m, tail = str(e), "' object is not iterable"
        if m.startswith("'") and m.endswith(tail):
            return m[1:-len(tail)]
    return type_name(type(v))


def _is_sequence(v, tp):
    """PySequence_Check(v), which CPython's unpacking error asks: a
    __getitem__ that fills the sequence slot.  A Python class's does; a C
    type's may be a mapping's only (numpy scalars: `x[()]`), which only
    reversed()'s error tells apart ("not reversible": no sequence slot)."""
    g = objects.lookup(tp, "__getitem__")
    if g is NULL or issubclass(tp, dict):
        return False
    if type(g) is types.FunctionType:
        return True
    if type(objects.lookup(tp, "__len__")) is types.FunctionType or \
            type(objects.lookup(tp, "__reversed__")) is types.FunctionType:
        # (reversed() would call them natively: the answer before reversed()
        # was asked)
        return True
    try:
        reversed(v)
    except TypeError as e:
        return "not reversible" not in str(e)
    return True


def _take(it, n, expected_msg):
    out = []
    for i in range(n):
        try:
            out.append(objects.next_(it))
        except StopIteration:
            out = None
            got = i
            break
    if out is None:
        raise ValueError(expected_msg(got))
    return out


def unpack(v, n):
    """The `n` items `a, b = v` takes from `v` (in order), with CPython's
    errors: UNPACK_SEQUENCE past its exact tuple or list case."""
    it = _unpack_iter(v)
    items = _take(it, n, lambda got: f"not enough values to unpack (expected {n}, got {got})")
    extra = True
    try:
        objects.next_(it)
    except StopIteration:
        extra = False
    if extra:
        tv = type(v)
        if V >= (3, 14) and tv in (list, tuple, dict):  # pragma: no cover
            raise ValueError(f"too many values to unpack (expected {n}, got {len(v)})")
        raise ValueError(f"too many values to unpack (expected {n})")
    return items


@op("UNPACK_SEQUENCE")
def UNPACK_SEQUENCE(ins):
    nxt, n = ins.next, ins.arg

    def h(f):
        s = f.stack
        v = s.pop()
        tv = type(v)
        if (tv is tuple or tv is list) and len(v) == n:
            s.extend(v[::-1])
            return nxt
        s.extend(unpack(v, n)[::-1])
        return nxt
    return h


@op("UNPACK_EX")
def UNPACK_EX(ins):
    nxt = ins.next
    before, after = ins.arg & 0xFF, ins.arg >> 8

    def h(f):
        s = f.stack
        v = s.pop()
        it = _unpack_iter(v)
        need = before + after
        head = _take(it, before, lambda got: f"not enough values to unpack "
                                             f"(expected at least {need}, got {got})")
        rest = list(iterate(it)) if not STATIC[type(it)] else list(it)
        if len(rest) < after:
            raise ValueError(f"not enough values to unpack (expected at least {need}, "
                             f"got {before + len(rest)})")
        if after:
            mid, tail = rest[:len(rest) - after], rest[len(rest) - after:]
        else:
            mid, tail = rest, []
        s.extend(reversed(tail))
        s.append(mid)
        s.extend(reversed(head))
        return nxt
    return h


# ------------------------------------------------------------------- f-strings

_CONVERT = {0: None, 1: objects.str_, 2: objects.repr_, 3: objects.ascii_}


@op("FORMAT_VALUE")
def FORMAT_VALUE(ins):
    nxt = ins.next
    conv = _CONVERT[ins.arg & 3]
    has_spec = bool(ins.arg & 4)
    fmt = objects.format_

    def h(f):
        s = f.stack
        spec = s.pop() if has_spec else ""
        v = s[-1]
        if conv is not None:
            v = conv(v)
        s[-1] = fmt(v, spec)
        return nxt
    return h


@op("CONVERT_VALUE")
def CONVERT_VALUE(ins):
    nxt = ins.next
    conv = _CONVERT[ins.arg]

    def h(f):
        s = f.stack
        s[-1] = conv(s[-1])
        return nxt
    return h


@op("FORMAT_SIMPLE")
def FORMAT_SIMPLE(ins):
    nxt = ins.next
    fmt = objects.format_

    def h(f):
        s = f.stack
        v = s[-1]
        if type(v) is not str:
            s[-1] = fmt(v, "")
        return nxt
    return h


@op("FORMAT_WITH_SPEC")
def FORMAT_WITH_SPEC(ins):
    nxt = ins.next
    fmt = objects.format_

    def h(f):
        s = f.stack
        spec = s.pop()
        s[-1] = fmt(s[-1], spec)
        return nxt
    return h
