"""Raising and handling exceptions, `with` blocks and except*."""
import types

from ...decode import NULL
from ..calls import call
from ..objects import type_name, lookup
from ..versions import MISSED_EXIT
from ..state import STATE, current_handled
from . import op


@op("PUSH_EXC_INFO")
def PUSH_EXC_INFO(ins):
    nxt = ins.next

    def h(f):
        s = f.stack
        v = s[-1]
        slot = STATE.exc_slots[-1]
        s[-1] = slot[0]
        slot[0] = v
        s.append(v)
        return nxt
    return h


@op("POP_EXCEPT")
def POP_EXCEPT(ins):
    nxt = ins.next

    def h(f):
        STATE.exc_slots[-1][0] = f.stack.pop()
        return nxt
    return h


def reraise(e):
    """Raise `e` again without implicit chaining (RERAISE semantics)."""
    STATE.propagating = e
    raise e


def _instantiate_exception(v, what):
    if isinstance(v, type) and issubclass(v, BaseException):
        inst = call(v)
        if not isinstance(inst, BaseException):
            raise TypeError(f"calling {v!r} should have returned an instance of BaseException, "
                            f"not {type_name(type(inst))}")
        return inst
    if isinstance(v, BaseException):
        return v
    raise TypeError(what)


@op("RAISE_VARARGS")
def RAISE_VARARGS(ins):
    n = ins.arg

    def h(f):
        s = f.stack
        if n == 0:
            e = current_handled()
            if e is None:
                raise RuntimeError("No active exception to reraise")
            reraise(e)
        cause = s.pop() if n == 2 else NULL
        exc = _instantiate_exception(s.pop(), "exceptions must derive from BaseException")
        if cause is not NULL:
            if cause is None:
                exc.__cause__ = None
            else:
                exc.__cause__ = _instantiate_exception(
                    cause, "exception causes must derive from BaseException")
        raise exc
    return h


@op("RERAISE")
def RERAISE(ins):
    n = ins.arg

    def h(f):
        s = f.stack
        e = s.pop()
        if n:
            lasti = s[-n]
            if isinstance(lasti, int):
                f.pc = lasti
        reraise(e)
    return h


@op("LOAD_ASSERTION_ERROR")
def LOAD_ASSERTION_ERROR(ins):
    nxt = ins.next

    def h(f):
        f.stack.append(AssertionError)
        return nxt
    return h


def _valid_except_type(t):
    if isinstance(t, tuple):
        return all(isinstance(x, type) and issubclass(x, BaseException) for x in t)
    return isinstance(t, type) and issubclass(t, BaseException)


def _matches(exc, t):
    """PyErr_GivenExceptionMatches: by MRO, without __subclasscheck__."""
    mro = type(exc).__mro__
    if isinstance(t, tuple):
        return any(x in mro for x in t)
    return t in mro


@op("CHECK_EXC_MATCH")
def CHECK_EXC_MATCH(ins):
    nxt = ins.next

    def h(f):
        s = f.stack
        t = s.pop()
        if not _valid_except_type(t):
            raise TypeError("catching classes that do not inherit from BaseException is not allowed")
        s.append(_matches(s[-1], t))
        return nxt
    return h


def _eg_match(exc, t):
    if exc is None:
        return None, None
    if _matches(exc, t):
        if isinstance(exc, BaseExceptionGroup):
            return exc, None
        wrapped = BaseExceptionGroup("", [exc])
        return wrapped, None
    if isinstance(exc, BaseExceptionGroup):
        return exc.split(t)
    return None, None


@op("CHECK_EG_MATCH")
def CHECK_EG_MATCH(ins):
    nxt = ins.next

    def h(f):
        s = f.stack
        t = s.pop()
        if not _valid_except_type(t):
            raise TypeError("catching classes that do not inherit from BaseException is not allowed")
        ts = t if isinstance(t, tuple) else (t,)
        if any(issubclass(x, BaseExceptionGroup) for x in ts):
            raise TypeError("catching ExceptionGroup with except* is not allowed. "
                            "Use except instead.")
        exc = s[-1]
        match, rest = _eg_match(exc, t)
        if match is None:
            s.append(None)
            return nxt
        s[-1] = rest
        s.append(match)
        STATE.exc_slots[-1][0] = match
        return nxt
    return h


def _leaves(e, out):
    if isinstance(e, BaseExceptionGroup):
        for x in e.exceptions:
            _leaves(x, out)
    else:
        out.add(id(e))
    return out


def _same_metadata(a, b):
    return (a.__traceback__ is b.__traceback__ and a.__cause__ is b.__cause__
            and a.__context__ is b.__context__
            and getattr(a, "__notes__", None) is getattr(b, "__notes__", None))


def prep_reraise_star(orig, excs):
    """_PyExc_PrepReraiseStar: the exception an except* block re-raises."""
    if not isinstance(orig, BaseExceptionGroup):
        for e in excs:
            if e is not None:
                return e
        return None
    raised, reraised = [], []
    for e in excs:
        if e is None:
            continue
        (reraised if _same_metadata(e, orig) else raised).append(e)
    ids = set()
    for e in reraised:
        _leaves(e, ids)
    reraised_eg = None
    if ids:
        reraised_eg = orig.split(
            lambda x: not isinstance(x, BaseExceptionGroup) and id(x) in ids)[0]
    if not raised:
        return reraised_eg
    if reraised_eg is not None:
        raised.append(reraised_eg)
    if len(raised) > 1:
        return BaseExceptionGroup("", raised)
    return raised[0]


@op("PREP_RERAISE_STAR")
def PREP_RERAISE_STAR(ins):
    nxt = ins.next

    def h(f):
        s = f.stack
        excs = s.pop()
        s[-1] = prep_reraise_star(s[-1], excs)
        return nxt
    return h


# ----------------------------------------------------------------------- with

def _special(obj, name):
    """_PyObject_LookupSpecial: a bound dunder from the type, or NULL."""
    tp = type(obj)
    m = lookup(tp, name)
    if m is NULL:
        return NULL
    if type(m) is types.FunctionType:
        return types.MethodType(m, obj)
    get = lookup(type(m), "__get__")
    if get is NULL:
        return m
    if type(get) is types.FunctionType:
        return call(get, m, obj, tp)
    return get(m, obj, tp)


@op("BEFORE_WITH")
def BEFORE_WITH(ins):
    nxt = ins.next

    def h(f):
        s = f.stack
        mgr = s.pop()
        enter = _special(mgr, "__enter__")
        if enter is NULL:
            raise TypeError(f"'{type_name(type(mgr))}' object does not support the "
                            f"context manager protocol")
        exit_ = _special(mgr, "__exit__")
        if exit_ is NULL:
            raise TypeError(f"'{type_name(type(mgr))}' object does not support the "
                            f"context manager protocol{MISSED_EXIT}")
        s.append(exit_)
        s.append(call(enter))
        return nxt
    return h


@op("WITH_EXCEPT_START")
def WITH_EXCEPT_START(ins):
    nxt = ins.next

    def h(f):
        s = f.stack
        val = s[-1]
        exit_ = s[-4]
        s.append(call(exit_, type(val), val, val.__traceback__))
        return nxt
    return h


@op("CLEANUP_THROW")
def CLEANUP_THROW(ins):
    nxt = ins.next

    def h(f):
        s = f.stack
        exc = s.pop()
        if isinstance(exc, StopIteration):
            s.pop()
            s[-1] = None
            s.append(exc.value)
            return nxt
        reraise(exc)
    return h
