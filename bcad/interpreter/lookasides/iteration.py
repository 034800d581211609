"""Builtins and itertools that consume iterables or call callbacks: sorted,
list.sort, min/max, sum, any/all, list/tuple/zip/map/filter/..., dict,
reversed, str.join."""
import builtins
import functools
import itertools
import types

from ...decode import NULL
from .. import objects
from ..calls import LOOKASIDES, METHOD_LOOKASIDES, call, trampoline
from ..objects import STATIC, lookup, truth, iterate, type_name
from ._registry import lookaside, safe_iterable, lazy_iterable

FunctionType = types.FunctionType


class _Cmp:
    """Wraps a Python-class value so native sorting compares it through the
    interpreter (with CPython's reflected-operand rules)."""
    __slots__ = ("v",)

    def __init__(self, v):
        self.v = v

    def __lt__(self, other):
        return objects.compare(self.v, other.v if type(other) is _Cmp else other, 0)

    def __gt__(self, other):
        return objects.compare(self.v, other.v if type(other) is _Cmp else other, 4)


def _cmp_key(key):
    if key is None:
        return lambda x: x if STATIC[type(x)] else _Cmp(x)

    def k(x):
        r = call(key, x)
        return r if STATIC[type(r)] else _Cmp(r)
    return k


@lookaside(builtins.sorted)
def lk_sorted(*args, **kwargs):
    if len(args) == 1:
        items = list(safe_iterable(args[0]))
        key = kwargs.pop("key", None)
        items.sort(key=_cmp_key(key), **kwargs)
        return items
    return sorted(*args, **kwargs)


def lk_list_sort(self, *args, **kwargs):
    if not args:
        key = kwargs.pop("key", None)
        return self.sort(key=_cmp_key(key), **kwargs)
    return self.sort(*args, **kwargs)


METHOD_LOOKASIDES[(list, "sort")] = lk_list_sort


def _minmax(native):
    def la(*args, **kwargs):
        key = kwargs.pop("key", None)
        if len(args) == 1:
            args = (safe_iterable(args[0]),)
        return native(*args, key=_cmp_key(key), **kwargs)
    return la


LOOKASIDES[builtins.min] = _minmax(min)
LOOKASIDES[builtins.max] = _minmax(max)


@lookaside(builtins.sum, arity=(1, 2), kw=('start',))
def lk_sum(iterable, /, start=0):
    items = iterable if STATIC[type(iterable)] else iterate(iterable)
    it = iter(items)
    prefix = []
    rest = None
    for x in it:
        if STATIC[type(x)]:
            prefix.append(x)
        else:
            rest = x
            break
    total = sum(prefix, start) if STATIC[type(start)] else _fold(start, prefix)
    if rest is None:
        return total
    total = objects.binary_op(total, rest, 0)
    for x in it:
        total = objects.binary_op(total, x, 0)
    return total


def _fold(start, items):
    if isinstance(start, (str, bytes, bytearray)):
        return sum(items, start)   # CPython's error
    total = start
    for x in items:
        total = objects.binary_op(total, x, 0)
    return total


@lookaside(builtins.any, arity=1)
def lk_any(iterable, /):
    for x in safe_iterable(iterable):
        if truth(x):
            return True
    return False


@lookaside(builtins.all, arity=1)
def lk_all(iterable, /):
    for x in safe_iterable(iterable):
        if not truth(x):
            return False
    return True


def _iter_args(native, callbacks=(), iterables=None):
    """Wrap every positional iterable argument (or those at `iterables`), and
    callbacks at the given positions, so native consumption stays
    interpreted."""
    def la(*args, **kwargs):
        args = tuple(trampoline(a) if i in callbacks else
                     safe_iterable(a) if iterables is None or i in iterables else a
                     for i, a in enumerate(args))
        if "key" in kwargs:
            kwargs["key"] = trampoline(kwargs["key"])
        if "func" in kwargs:
            kwargs["func"] = trampoline(kwargs["func"])
        return native(*args, **kwargs)
    la.__name__ = f"lk_{getattr(native, '__name__', 'iter')}"
    return la


LOOKASIDES[itertools.islice] = _iter_args(itertools.islice, iterables=(0,))


def lk_chain(*iterables, **kwargs):
    """chain calls iter() on each iterable only when it reaches it."""
    return itertools.chain(*map(lazy_iterable, iterables), **kwargs)


LOOKASIDES[itertools.chain] = lk_chain
for _t in (list, tuple, set, frozenset, enumerate, zip,
           itertools.zip_longest, itertools.product, itertools.permutations,
           itertools.combinations, itertools.cycle, itertools.tee, itertools.pairwise,
           itertools.compress, itertools.combinations_with_replacement, bytearray,
           getattr(itertools, "batched", None)):
    if _t is not None:
        LOOKASIDES[_t] = _iter_args(_t)
for _t in (map, filter, itertools.starmap, itertools.takewhile, itertools.dropwhile,
           itertools.filterfalse, functools.reduce):
    LOOKASIDES[_t] = _iter_args(_t, callbacks=(0,))
def _add(a, b):
    return objects.binary_op(a, b, 0)   # interpreted dunders; recorded while differentiating


@lookaside(itertools.accumulate, arity=(1, 2), kw=("func", "initial"))
def lk_accumulate(iterable, func=None, *, initial=None):
    return itertools.accumulate(safe_iterable(iterable),
                                _add if func is None else trampoline(func), initial=initial)
LOOKASIDES[itertools.groupby] = _iter_args(itertools.groupby, callbacks=(1,))


def lk_str_join(self, iterable, /):
    if STATIC[type(iterable)]:
        return self.join(iterable)
    return self.join(list(iterate(iterable)))


METHOD_LOOKASIDES[(str, "join")] = lk_str_join


@lookaside(dict)
def lk_dict(*args, **kwargs):
    if len(args) == 1 and not STATIC[type(args[0])]:
        m = args[0]
        try:
            keys = objects.getattr_(m, "keys")
        except AttributeError:
            keys = NULL
        if keys is not NULL:
            d = {k: objects.getitem(m, k) for k in iterate(call(keys))}
        else:
            d = dict(iterate(m))
        d.update(kwargs)
        return d
    return dict(*args, **kwargs)


@lookaside(reversed, arity=1)
def lk_reversed(seq, /):
    tp = type(seq)
    if STATIC[tp]:
        return reversed(seq)
    m = lookup(tp, "__reversed__")
    if type(m) is FunctionType:
        return call(m, seq)
    if m is None:
        raise TypeError(f"'{type_name(tp)}' object is not reversible")
    if type(lookup(tp, "__getitem__")) is FunctionType and lookup(tp, "__len__") is not NULL:
        n = objects.len_(seq)
        return (objects.getitem(seq, i) for i in range(n - 1, -1, -1))
    return reversed(seq)
