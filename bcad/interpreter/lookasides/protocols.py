"""Builtins that call dunders: len, iter, next, repr, str, format, hash,
bool, abs, round, divmod, pow, float/int/complex, getattr & co, print."""
import builtins
import operator
import sys
import types

from .. import objects
from ..objects import numbers
from ..calls import LOOKASIDES, call, trampoline
from ..objects import STATIC, lookup, truth, type_name
from ._registry import lookaside

FunctionType = types.FunctionType


@lookaside(builtins.len, arity=1)
def lk_len(obj, /):
    return objects.len_(obj)


@lookaside(builtins.iter, arity=(1, 2))
def lk_iter(*args):
    if len(args) == 1:
        return objects.iter_(args[0])
    if len(args) == 2:
        return iter(trampoline(args[0]), args[1])
    return iter(*args)


_MISSING = object()


@lookaside(builtins.next, arity=(1, 2))
def lk_next(*args):
    if len(args) not in (1, 2):
        return next(*args)
    it = args[0]
    tp = type(it)
    if not STATIC[tp] and type(lookup(tp, "__next__")) is FunctionType:
        if len(args) == 1:
            return objects.next_(it)
        try:
            return objects.next_(it)
        except StopIteration:
            pass
        return args[1]
    return next(*args)


@lookaside(builtins.repr, arity=1)
def lk_repr(obj, /):
    return objects.repr_(obj)


@lookaside(builtins.ascii, arity=1)
def lk_ascii(obj, /):
    return objects.ascii_(obj)


@lookaside(builtins.format, arity=(1, 2))
def lk_format(value, format_spec="", /):
    if type(format_spec) is not str and not isinstance(format_spec, str):
        return format(value, format_spec)      # CPython's TypeError
    return objects.format_(value, format_spec)


@lookaside(builtins.hash, arity=1)
def lk_hash(obj, /):
    return objects.hash_(obj)


@lookaside(builtins.str)
def lk_str(*args, **kwargs):
    if len(args) == 1 and not kwargs:
        return objects.str_(args[0])
    return str(*args, **kwargs)


@lookaside(builtins.bool)
def lk_bool(*args):
    if len(args) == 1:
        return truth(args[0])
    return bool(*args)


@lookaside(builtins.abs, arity=1)
def lk_abs(x, /):
    return objects.unary(x, "__abs__")


def _dunder_or_native(native, name):
    def la(*args, **kwargs):
        if args and not kwargs and not STATIC[type(args[0])]:
            m = lookup(type(args[0]), name)
            if type(m) is FunctionType:
                return call(m, *args)
        return native(*args, **kwargs)
    la.__name__ = f"lk_{native.__name__}"
    return la


LOOKASIDES[builtins.round] = _dunder_or_native(round, "__round__")


@lookaside(builtins.divmod, arity=2)
def lk_divmod(a, b, /):
    ta, tb = type(a), type(b)
    if STATIC[ta] and STATIC[tb]:
        return divmod(a, b)
    return objects.binary_op_named(a, b, "__divmod__", "__rdivmod__", "divmod()", divmod)


@lookaside(builtins.pow, arity=(2, 3), kw=('base', 'exp', 'mod'))
def lk_pow(base, exp, mod=None):
    if mod is None:
        return objects.binary_op(base, exp, 8)
    if not STATIC[type(base)]:
        m = lookup(type(base), "__pow__")
        if type(m) is FunctionType:
            return call(m, base, exp, mod)
    return pow(base, exp, mod)


def _number(native, convert):
    def la(*args, **kwargs):
        if len(args) == 1 and not kwargs and not STATIC[type(args[0])]:
            return convert(args[0])
        return native(*args, **kwargs)
    la.__name__ = f"lk_{native.__name__}"
    return la


LOOKASIDES[builtins.float] = _number(float, numbers.float_)
LOOKASIDES[builtins.int] = _number(int, numbers.int_)
LOOKASIDES[builtins.complex] = _number(complex, numbers.complex_)
LOOKASIDES[operator.index] = _number(operator.index, numbers.index_)


@lookaside(builtins.getattr, arity=(2, 3))
def lk_getattr(*args):
    if len(args) == 2:
        return objects.getattr_(args[0], _attr_name(args[1], "getattr"))
    if len(args) == 3:
        try:
            return objects.getattr_(args[0], _attr_name(args[1], "getattr"))
        except AttributeError:
            pass
        return args[2]
    return getattr(*args)


def _attr_name(name, fn):
    if not isinstance(name, str):
        raise TypeError(f"attribute name must be string, not '{type_name(type(name))}'")
    return name


@lookaside(builtins.hasattr, arity=2)
def lk_hasattr(obj, name, /):
    try:
        objects.getattr_(obj, _attr_name(name, "hasattr"))
    except AttributeError:
        return False
    return True


@lookaside(builtins.setattr, arity=3)
def lk_setattr(obj, name, value, /):
    objects.setattr_(obj, _attr_name(name, "setattr"), value)


@lookaside(builtins.delattr, arity=2)
def lk_delattr(obj, name, /):
    objects.delattr_(obj, _attr_name(name, "delattr"))


@lookaside(builtins.callable, arity=1)
def lk_callable(obj, /):
    return callable(obj)


@lookaside(builtins.print, arity=range(0, 1000), kw=('sep', 'end', 'file', 'flush'))
def lk_print(*args, sep=" ", end="\n", file=None, flush=False):
    import io
    print(sep=sep, end="", file=io.StringIO())   # CPython's checks of sep
    print(end=end, file=io.StringIO())
    if file is None:
        file = sys.stdout
        if file is None:
            return None
    write = objects.getattr_(file, "write")
    if sep is None:
        sep = " "
    if end is None:
        end = "\n"
    for i, a in enumerate(args):
        if i:
            call(write, sep)
        call(write, objects.str_(a))
    call(write, end)
    if flush:
        call(objects.getattr_(file, "flush"))
    return None
