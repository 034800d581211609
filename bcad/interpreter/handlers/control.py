"""Jumps, loops and returns."""
from ...decode import NULL
from .. import objects
from ..objects import STATIC, truth
from ..versions import FOR_ITER_SKIP, END_FOR_POPS
from . import op


@op("JUMP")
def JUMP(ins):
    t = ins.target

    def h(f):
        return t
    return h


@op("POP_JUMP_IF_FALSE")
def POP_JUMP_IF_FALSE(ins):
    nxt, t = ins.next, ins.target

    def h(f):
        v = f.stack.pop()
        if v is True:
            return nxt
        if v is False:
            return t
        return nxt if truth(v) else t
    return h


@op("POP_JUMP_IF_TRUE")
def POP_JUMP_IF_TRUE(ins):
    nxt, t = ins.next, ins.target

    def h(f):
        v = f.stack.pop()
        if v is True:
            return t
        if v is False:
            return nxt
        return t if truth(v) else nxt
    return h


@op("POP_JUMP_IF_NONE")
def POP_JUMP_IF_NONE(ins):
    nxt, t = ins.next, ins.target

    def h(f):
        return t if f.stack.pop() is None else nxt
    return h


@op("POP_JUMP_IF_NOT_NONE")
def POP_JUMP_IF_NOT_NONE(ins):
    nxt, t = ins.next, ins.target

    def h(f):
        return nxt if f.stack.pop() is None else t
    return h


@op("JUMP_IF_FALSE_OR_POP")
def JUMP_IF_FALSE_OR_POP(ins):
    nxt, t = ins.next, ins.target

    def h(f):
        s = f.stack
        if truth(s[-1]):
            s.pop()
            return nxt
        return t
    return h


@op("JUMP_IF_TRUE_OR_POP")
def JUMP_IF_TRUE_OR_POP(ins):
    nxt, t = ins.next, ins.target

    def h(f):
        s = f.stack
        if truth(s[-1]):
            return t
        s.pop()
        return nxt
    return h


@op("GET_ITER")
def GET_ITER(ins):
    nxt = ins.next
    iter_ = objects.iter_

    def h(f):
        s = f.stack
        v = s[-1]
        s[-1] = iter(v) if STATIC[type(v)] else iter_(v)
        return nxt
    return h


@op("FOR_ITER")
def FOR_ITER(ins):
    nxt = ins.next
    done = ins.target + FOR_ITER_SKIP
    next_ = objects.next_

    def h(f):
        s = f.stack
        it = s[-1]
        if STATIC[type(it)]:
            v = next(it, NULL)
            if v is NULL:
                s.pop()
                return done
        else:
            try:
                v = next_(it)
            except StopIteration:
                s.pop()
                return done
        s.append(v)
        return nxt
    return h


@op("END_FOR")
def END_FOR(ins):
    nxt = ins.next

    def h(f):
        del f.stack[-END_FOR_POPS:]
        return nxt
    return h


@op("RETURN_VALUE")
def RETURN_VALUE(ins):
    def h(f):
        f.retval = f.stack.pop()
        return 0
    return h


@op("RETURN_CONST")
def RETURN_CONST(ins):
    c = ins.arg

    def h(f):
        f.retval = c
        return 0
    return h
