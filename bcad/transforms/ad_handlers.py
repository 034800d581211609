"""Opcode handlers of differentiation mode.

They replace the arithmetic handlers while a tape is active: the value is
computed exactly as in the plain handler, then recorded when an operand is
tracked.  Frames pick this table when a tape is active (frame.run).
"""
from ..interpreter import objects
from ..interpreter.handlers import AD_OPS, OPS, fused
from ..interpreter.objects import STATIC, NATIVE_BINARY
from ..rules import BINARY, UNARY
from ..tape.tape import TRACKED_TYPES, _active
from . import tracking

def native_binary(k, a, b):
    """objects' native fallback for BINARY_OP while differentiating."""
    r = NATIVE_BINARY[k](a, b)
    tape = _active[0]
    ids = tape.ids
    if type(r) in TRACKED_TYPES and (id(a) in ids or id(b) in ids) and id(r) not in ids \
            and BINARY[k] is not None:
        tape.record2(BINARY[k], r, a, b, tracking.current_site())
    return r


def native_unary(name, v, site=None):
    """A unary operator on a C-typed value while differentiating, recorded
    when `v` is tracked (`site`: the instruction, else the current one)."""
    r = objects.NATIVE_UNARY[name](v)
    tape = _active[0]
    if id(v) in tape.ids and type(r) in TRACKED_TYPES and id(r) not in tape.ids \
            and UNARY.get(name) is not None:
        tape.record1(UNARY[name], r, v, site or tracking.current_site())
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
    rec = recording_binary(k, ins)
    slow = objects.binary_op

    def h(f):
        s = f.stack
        b = s.pop()
        a = s[-1]
        if STATIC[type(a)] and STATIC[type(b)]:
            s[-1] = rec(a, b)
        else:
            f.pc = me
            s[-1] = slow(a, b, k)
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
            if (type(r) is str or type(r) is bytes) and _active[0].taint:
                tracking.taint_text(_active[0], r, before)
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
        if _active[0].taint:
            tracking.taint_text(_active[0], s[-1], parts)
        return nxt
    return h


def _unary(name):
    def factory(ins):
        nxt, me = ins.next, ins.index

        def h(f):
            s = f.stack
            v = s[-1]
            if STATIC[type(v)]:
                s[-1] = native_unary(name, v, ins)
            else:
                f.pc = me
                s[-1] = objects.unary(v, name)
            return nxt
        return h
    return factory


op("UNARY_NEGATIVE")(_unary("__neg__"))
op("UNARY_POSITIVE")(_unary("__pos__"))


@op("LOAD_ATTR")
def LOAD_ATTR(ins):
    """The plain LOAD_ATTR, then: an attribute of a tracked value is recorded
    (complex .real/.imag) or refused if it is a new number without a rule."""
    plain = OPS["LOAD_ATTR"](ins)
    name = ins.arg

    def h(f):
        o = f.stack[-1]
        nxt = plain(f)
        if id(o) in _active[0].ids:
            f.stack[-1] = tracking.attr_hook(o, name, f.stack[-1])
        return nxt
    return h
