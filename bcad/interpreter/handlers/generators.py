"""Generator opcodes: creation, yield, and the `yield from` / await loop."""
import types

from ...decode import NULL
from .. import objects
from ..objects import STATIC
from ..versions import PY311
from . import op


@op("RETURN_GENERATOR")
def RETURN_GENERATOR(ins):
    nxt = ins.next

    def h(f):
        f.pc = nxt
        f.yielded = True
        f.retval = None
        return 0
    return h


def yields_from(ins):
    """Is YIELD_VALUE `ins` the yield of a `yield from`/await loop (the
    RESUME after it says so)?"""
    instrs = ins.code.instrs
    after = instrs[ins.next] if ins.next < len(instrs) else None
    return after is not None and after.name == "RESUME" and (after.arg & 3) >= 2


@op("YIELD_VALUE")
def YIELD_VALUE(ins):
    nxt, me = ins.next, ins.index
    yield_from = yields_from(ins)

    def h(f):
        f.retval = f.stack.pop()
        f.yielded = True
        f.pc = nxt
        f.yield_pc = me
        f.yield_from = yield_from
        return 0
    return h


def _send(receiver, v):
    """PyIter_Send: (returned, value)."""
    try:
        if type(receiver) is types.GeneratorType:
            return False, receiver.send(v)
        if v is None and (STATIC[type(receiver)] or
                          objects.lookup(type(receiver), "__next__") is not NULL):
            return False, objects.next_(receiver)
        return False, _call_send(receiver, v)
    except StopIteration as e:
        return True, e.value


def _call_send(receiver, v):
    from ..calls import call
    return call(objects.getattr_(receiver, "send"), v)


@op("SEND")
def SEND(ins):
    nxt, t = ins.next, ins.target

    def h(f):
        s = f.stack
        v = s.pop()
        returned, r = _send(s[-1], v)
        if returned:
            if PY311:
                s[-1] = r
            else:
                s.append(r)
            return t
        s.append(r)
        return nxt
    return h


@op("END_SEND")
def END_SEND(ins):
    nxt = ins.next

    def h(f):
        s = f.stack
        v = s.pop()
        s[-1] = v
        return nxt
    return h


@op("GET_YIELD_FROM_ITER")
def GET_YIELD_FROM_ITER(ins):
    nxt = ins.next

    def h(f):
        s = f.stack
        v = s[-1]
        if type(v) is types.CoroutineType:
            if not f.code.flags & 0x180:
                raise TypeError("cannot 'yield from' a coroutine object in a non-coroutine generator")
        elif type(v) is not types.GeneratorType:
            s[-1] = objects.iter_(v)
        return nxt
    return h
