"""Iteration, subscripts, membership, len, and str/repr/format/hash with
Python-level dunders interpreted."""
from ...decode import NULL
from ..state import interpreting_here
from .core import STATIC, C_BASE, AD_HOOKS, FunctionType, lookup, type_name, truth, len_result

_call = None          # installed by core.set_call
from .operators import compare_bool


def len_(v):
    tp = type(v)
    if STATIC[tp]:
        return len(v)
    m = lookup(tp, "__len__")
    if type(m) is FunctionType:
        return len_result(_call(m, v))
    return len(v)


# ------------------------------------------------------------------ iteration

class SeqIter:
    """The old sequence-iteration protocol over a Python-level __getitem__,
    with the methods of CPython's `iterator` (iterobject.c)."""
    __slots__ = ("obj", "i")

    def __init__(self, obj):
        self.obj, self.i = obj, 0

    def __iter__(self):
        return self

    def __next__(self):
        if self.obj is None:
            raise StopIteration
        if self.i == _MAXSIZE:
            raise OverflowError("iter index too large")
        try:
            v = getitem(self.obj, self.i)
        except (IndexError, StopIteration):
            self.obj = None
            raise StopIteration from None
        self.i += 1
        return v

    def __length_hint__(self):
        if self.obj is None:
            return 0
        if lookup(type(self.obj), "__len__") is NULL:
            return NotImplemented
        return max(len_(self.obj) - self.i, 0)

    def __reduce__(self):
        # unpickled, it is CPython's own iterator over the same object
        if self.obj is None:
            return (iter, ((),))
        return (iter, (self.obj,), self.i)

    def __setstate__(self, state):
        i = int.__index__(state) if isinstance(state, int) else state.__index__()
        if i > _MAXSIZE:
            raise OverflowError("Python int too large to convert to C ssize_t")
        if self.obj is not None:
            self.i = max(i, 0)


_MAXSIZE = (1 << 63) - 1


def iter_(v):
    if AD_HOOKS[3] is not None:          # differentiation mode: iterating tainted objects
        return AD_HOOKS[3](v, _iter(v))
    return _iter(v)


def _iter(v):
    tp = type(v)
    if STATIC[tp]:
        return iter(v)
    m = lookup(tp, "__iter__")
    if m is None:
        raise TypeError(f"'{type_name(tp)}' object is not iterable")
    if type(m) is FunctionType:
        it = _call(m, v)
        if lookup(type(it), "__next__") is NULL:
            raise TypeError(f"iter() returned non-iterator of type '{type_name(type(it))}'")
        return it
    if m is NULL:
        g = lookup(tp, "__getitem__")
        if type(g) is FunctionType:
            return SeqIter(v)
    return iter(v)


def next_(it):
    """next(it) for FOR_ITER; raises StopIteration when exhausted."""
    tp = type(it)
    if STATIC[tp]:
        return next(it)
    m = lookup(tp, "__next__")
    if type(m) is FunctionType:
        return _call(m, it)
    return next(it)


def iterate(v):
    """A native iterator over `v` whose Python-level dunders are interpreted."""
    it = iter_(v)
    ti = type(it)
    if STATIC[ti] or C_BASE[ti] is ti:      # (3.12+: itertools' types are heap types)
        return it
    return _Iterate(it)


class _Iterate:
    """A native iterator over a Python-level one: each step runs its
    __next__ through the interpreter.  A class, not a generator, because C
    consumers may be re-entered from that __next__ (itertools.pairwise's
    reentrancy tests): a generator would raise "generator already
    executing", and CPython 3.11's pairwise crashes on that error path."""
    __slots__ = ("it",)

    def __init__(self, it):
        self.it = it

    def __iter__(self):
        return self

    def __next__(self):
        if interpreting_here():
            return next_(self.it)
        from .. import callback_entry       # (C code in another thread)
        return callback_entry(next_, (self.it,), {}, next)

    def __reduce__(self):
        return iter, (self.it,)     # pickles as the iterator it drives


# ------------------------------------------------------------------ subscript

def getitem(obj, key):
    tp = type(obj)
    if STATIC[tp]:
        if tp is type and not STATIC[obj]:
            m = lookup(obj, "__class_getitem__")
            if type(m) is classmethod and type(m.__func__) is FunctionType:
                return _call(m.__func__, obj, key)
        return obj[key]
    m = lookup(tp, "__getitem__")
    if type(m) is FunctionType:
        return _call(m, obj, key)
    return obj[key]


def setitem(obj, key, value):
    tp = type(obj)
    if not STATIC[tp]:
        m = lookup(tp, "__setitem__")
        if type(m) is FunctionType:
            _call(m, obj, key, value)
            return
    obj[key] = value


def delitem(obj, key):
    tp = type(obj)
    if not STATIC[tp]:
        m = lookup(tp, "__delitem__")
        if type(m) is FunctionType:
            _call(m, obj, key)
            return
    del obj[key]


def contains(container, item):
    tp = type(container)
    if STATIC[tp]:
        return item in container
    m = lookup(tp, "__contains__")
    if m is not NULL:
        if m is None:
            raise TypeError(f"'{type_name(tp)}' object is not a container")
        if type(m) is FunctionType:
            return truth(_call(m, container, item))
        return item in container
    if type(lookup(tp, "__iter__")) is FunctionType or type(lookup(tp, "__getitem__")) is FunctionType:
        for x in iterate(container):
            if x is item or compare_bool(x, item, 2):
                return True
        return False
    return item in container


# ------------------------------------------------------- str, repr, format

def _check_str(r, what):
    if not isinstance(r, str):
        raise TypeError(f"{what} returned non-string (type {type_name(type(r))})")
    return r


def _text(v, r):
    if AD_HOOKS[2] is not None:
        AD_HOOKS[2](v, r)
    return r


def repr_(v):
    tp = type(v)
    if STATIC[tp]:
        return _text(v, repr(v))
    m = lookup(tp, "__repr__")
    if type(m) is FunctionType:
        return _check_str(_call(m, v), "__repr__")
    return repr(v)


_object_str = object.__str__
_object_format = object.__format__


def str_(v):
    tp = type(v)
    if tp is str:
        return v
    if STATIC[tp]:
        return _text(v, str(v))
    m = lookup(tp, "__str__")
    if type(m) is FunctionType:
        return _check_str(_call(m, v), "__str__")
    if m is _object_str:
        return repr_(v)
    return str(v)


def ascii_(v):
    return repr_(v).encode("ascii", "backslashreplace").decode("ascii")


def format_(v, spec=""):
    tp = type(v)
    if tp is str and not spec:
        return v
    if STATIC[tp]:
        return _text(v, format(v, spec))
    m = lookup(tp, "__format__")
    if type(m) is FunctionType:
        r = _call(m, v, spec)
        if not isinstance(r, str):
            raise TypeError(f"__format__ must return a str, not {type_name(type(r))}")
        return r
    if m is _object_format:
        if spec:
            raise TypeError(f"unsupported format string passed to {type_name(tp)}.__format__")
        return str_(v)
    return format(v, spec)


def hash_(v):
    tp = type(v)
    if STATIC[tp]:
        return hash(v)
    m = lookup(tp, "__hash__")
    if m is None:
        raise TypeError(f"unhashable type: '{type_name(tp)}'")
    if type(m) is FunctionType:
        r = _call(m, v)
        if not isinstance(r, int):
            raise TypeError("__hash__ method should return an integer")
        if -(1 << 63) <= r < (1 << 63):
            return -2 if r == -1 else int(r)
        return hash(int(r))
    return hash(v)
