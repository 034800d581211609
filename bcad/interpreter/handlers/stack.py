"""Stack manipulation."""
from ...decode import NULL
from . import op


@op("POP_TOP")
def POP_TOP(ins):
    nxt = ins.next

    def h(f):
        f.stack.pop()
        return nxt
    return h


@op("PUSH_NULL")
def PUSH_NULL(ins):
    nxt = ins.next

    def h(f):
        f.stack.append(NULL)
        return nxt
    return h


@op("COPY")
def COPY(ins):
    nxt, n = ins.next, ins.arg

    def h(f):
        s = f.stack
        s.append(s[-n])
        return nxt
    return h


@op("SWAP")
def SWAP(ins):
    nxt, n = ins.next, ins.arg

    def h(f):
        s = f.stack
        s[-1], s[-n] = s[-n], s[-1]
        return nxt
    return h


@op("RESUME", "NOP", "SETUP_FINALLY", "SETUP_CLEANUP", "SETUP_WITH", "POP_BLOCK")
def NOP(ins):
    nxt = ins.next

    def h(f):
        return nxt
    return h
