"""Arithmetic, comparison, truth, identity, membership and subscripting."""
from .. import objects
from ..objects import STATIC, NATIVE_BINARY, NATIVE_COMPARE, truth
from . import op


@op("BINARY_OP")
def BINARY_OP(ins):
    nxt, k = ins.next, ins.arg
    native = NATIVE_BINARY[k]
    slow = objects.binary_op

    def h(f):
        s = f.stack
        b = s.pop()
        a = s[-1]
        if STATIC[type(a)] and STATIC[type(b)]:
            s[-1] = native(a, b)
        else:
            s[-1] = slow(a, b, k)
        return nxt
    return h


def _unary(name):
    def factory(ins):
        nxt = ins.next
        unary = objects.unary
        native = objects.NATIVE_UNARY[name]

        def h(f):
            s = f.stack
            v = s[-1]
            s[-1] = native(v) if STATIC[type(v)] else unary(v, name)
            return nxt
        return h
    return factory


op("UNARY_NEGATIVE")(_unary("__neg__"))
op("UNARY_POSITIVE")(_unary("__pos__"))
op("UNARY_INVERT")(_unary("__invert__"))


@op("UNARY_NOT")
def UNARY_NOT(ins):
    nxt = ins.next

    def h(f):
        s = f.stack
        s[-1] = not truth(s[-1])
        return nxt
    return h


@op("TO_BOOL")
def TO_BOOL(ins):
    nxt = ins.next

    def h(f):
        s = f.stack
        s[-1] = truth(s[-1])
        return nxt
    return h


@op("COMPARE_OP")
def COMPARE_OP(ins):
    nxt = ins.next
    k, cast = ins.arg
    native = NATIVE_COMPARE[k]
    slow = objects.compare

    def h(f):
        s = f.stack
        b = s.pop()
        a = s[-1]
        if STATIC[type(a)] and STATIC[type(b)]:
            r = native(a, b)
        else:
            r = slow(a, b, k)
        s[-1] = truth(r) if cast else r
        return nxt
    return h


@op("IS_OP")
def IS_OP(ins):
    nxt, inv = ins.next, bool(ins.arg)

    def h(f):
        s = f.stack
        b = s.pop()
        s[-1] = (s[-1] is b) is not inv
        return nxt
    return h


@op("CONTAINS_OP")
def CONTAINS_OP(ins):
    nxt, inv = ins.next, bool(ins.arg)
    contains = objects.contains

    def h(f):
        s = f.stack
        container = s.pop()
        s[-1] = contains(container, s[-1]) is not inv
        return nxt
    return h


# ---------------------------------------------------------------- subscripts

@op("BINARY_SUBSCR")
def BINARY_SUBSCR(ins):
    nxt = ins.next
    getitem = objects.getitem

    def h(f):
        s = f.stack
        key = s.pop()
        c = s[-1]
        if STATIC[type(c)] and type(c) is not type:
            s[-1] = c[key]
        else:
            s[-1] = getitem(c, key)
        return nxt
    return h


@op("STORE_SUBSCR")
def STORE_SUBSCR(ins):
    nxt = ins.next
    setitem = objects.setitem

    def h(f):
        s = f.stack
        key = s.pop()
        c = s.pop()
        v = s.pop()
        if STATIC[type(c)]:
            c[key] = v
        else:
            setitem(c, key, v)
        return nxt
    return h


@op("DELETE_SUBSCR")
def DELETE_SUBSCR(ins):
    nxt = ins.next

    def h(f):
        s = f.stack
        key = s.pop()
        objects.delitem(s.pop(), key)
        return nxt
    return h


@op("BINARY_SLICE")
def BINARY_SLICE(ins):
    nxt = ins.next

    def h(f):
        s = f.stack
        stop = s.pop()
        start = s.pop()
        s[-1] = objects.getitem(s[-1], slice(start, stop))
        return nxt
    return h


@op("STORE_SLICE")
def STORE_SLICE(ins):
    nxt = ins.next

    def h(f):
        s = f.stack
        stop = s.pop()
        start = s.pop()
        c = s.pop()
        objects.setitem(c, slice(start, stop), s.pop())
        return nxt
    return h


@op("BUILD_SLICE")
def BUILD_SLICE(ins):
    nxt, n = ins.next, ins.arg

    def h(f):
        s = f.stack
        if n == 3:
            step = s.pop()
            stop = s.pop()
            s[-1] = slice(s[-1], stop, step)
        else:
            stop = s.pop()
            s[-1] = slice(s[-1], stop)
        return nxt
    return h
