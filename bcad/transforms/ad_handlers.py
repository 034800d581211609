"""Opcode handlers of differentiation mode.

They replace the arithmetic handlers while a tape is active: the value is
computed exactly as in the plain handler, then recorded when an operand is
tracked.  Frames pick this table when a tape is active (frame.run).
"""
from ..interpreter import objects
from ..interpreter.handlers import AD_OPS, OPS, fused
from ..interpreter.objects import STATIC, NATIVE_BINARY
from ..rules import BINARY, UNARY
from ..tape.tape import active, TRACKED_TYPES, _active
from . import tracking

_FLOATS = TRACKED_TYPES


def record_binary(k, a, b, r, site):
    """Record r = a <op k> b if an operand is tracked (r fresh float/complex)."""
    tape = active()
    ids = tape.ids
    if (id(a) in ids or id(b) in ids) and type(r) in _FLOATS and id(r) not in ids:
        p = BINARY[k]
        if p is not None:
            tape.record2(p, r, a, b, site)
    return r


def native_binary(k, a, b):
    """objects' native fallback for BINARY_OP while differentiating."""
    r = NATIVE_BINARY[k](a, b)
    if active() is not None:
        record_binary(k, a, b, r, tracking.current_site())
    return r


def native_unary(name, v):
    r = objects.NATIVE_UNARY[name](v)
    tape = active()
    if tape is not None and id(v) in tape.ids and type(r) in _FLOATS and id(r) not in tape.ids:
        tape.record1(UNARY[name], r, v, tracking.current_site())
    return r


def op(name):
    def deco(factory):
        AD_OPS[name] = factory
        return factory
    return deco


def recording_binary(k, ins):
    """native(x, y) for fused handlers: NATIVE_BINARY[k], recorded on the
    tape when an operand is tracked (text results are tainted)."""
    native = NATIVE_BINARY[k]
    p = BINARY[k]

    def rec(x, y):
        r = native(x, y)
        tr = type(r)
        if tr in TRACKED_TYPES:
            tape = _active[0]
            ids = tape.ids
            if p is not None and (id(x) in ids or id(y) in ids) and id(r) not in ids:
                tape.record2(p, r, x, y, ins)
        elif tr is str or tr is bytes:
            tracking.taint_text(_active[0], r, (x, y))
        return r
    return rec


fused.RECORDING_BINARY[0] = recording_binary


@op("BINARY_OP")
def BINARY_OP(ins):
    nxt, k, me = ins.next, ins.arg, ins.index
    native = NATIVE_BINARY[k]
    slow = objects.binary_op
    p = BINARY[k]

    def h(f):
        s = f.stack
        b = s.pop()
        a = s[-1]
        if STATIC[type(a)] and STATIC[type(b)]:
            r = native(a, b)
            tr = type(r)
            if tr in TRACKED_TYPES:
                tape = _active[0]
                ids = tape.ids
                if p is not None and (id(a) in ids or id(b) in ids) and id(r) not in ids:
                    tape.record2(p, r, a, b, ins)
            elif tr is str or tr is bytes:
                tracking.taint_text(_active[0], r, (a, b))
        else:
            f.pc = me
            r = slow(a, b, k)
        s[-1] = r
        return nxt
    return h


def _taint_result(name, operands):
    """Differentiation-mode variant of the plain handler `name`: the same
    closure, then text it produced from tainted or tracked operands (the top
    `operands` stack entries before it ran) is tainted too."""
    def factory(ins):
        plain = OPS[name](ins)

        def h(f):
            s = f.stack
            before = s[len(s) - operands:]
            nxt = plain(f)
            r = s[-1]
            if (type(r) is str or type(r) is bytes) and active().taint:
                tracking.taint_text(active(), r, before)
            return nxt
        return h
    AD_OPS[name] = factory


_taint_result("BINARY_SUBSCR", 2)
_taint_result("BINARY_SLICE", 3)


@op("BUILD_STRING")
def BUILD_STRING(ins):
    n = ins.arg
    plain = OPS["BUILD_STRING"](ins)

    def h(f):
        s = f.stack
        parts = s[len(s) - n:]
        nxt = plain(f)
        if active().taint:
            tracking.taint_text(active(), s[-1], parts)
        return nxt
    return h


def _unary(name):
    def factory(ins):
        nxt, me = ins.next, ins.index
        native = objects.NATIVE_UNARY[name]
        p = UNARY.get(name)

        def h(f):
            s = f.stack
            v = s[-1]
            if STATIC[type(v)]:
                r = native(v)
                if p is not None:
                    tape = active()
                    if id(v) in tape.ids and type(r) in _FLOATS and id(r) not in tape.ids:
                        tape.record1(p, r, v, ins)
            else:
                f.pc = me
                r = objects.unary(v, name)
            s[-1] = r
            return nxt
        return h
    return factory


op("UNARY_NEGATIVE")(_unary("__neg__"))
op("UNARY_POSITIVE")(_unary("__pos__"))


@op("LOAD_ATTR")
def LOAD_ATTR(ins):
    nxt, name, me = ins.next, ins.arg, ins.index
    getattr_ = objects.getattr_

    def h(f):
        s = f.stack
        o = s[-1]
        f.pc = me
        r = getattr_(o, name)
        if id(o) in active().ids:
            r = tracking.attr_hook(o, name, r)
        s[-1] = r
        return nxt
    return h
