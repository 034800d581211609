"""Opcode handlers of differentiation mode.

They replace the arithmetic handlers while a tape is active: the value is
computed exactly as in the plain handler, then recorded when an operand is
tracked.  Frames pick this table when a tape is active (frame.run).
"""
from ..interpreter import objects
from ..interpreter.handlers import AD_OPS, OPS, fused, blocks
from ..interpreter.handlers.containers import unpack
from ..interpreter.objects import STATIC, NATIVE_BINARY
from ..rules import BINARY, UNARY, RULES
from ..interpreter.objects.operators import _BIN, _INPLACE, UNARY_SYMBOL
from ..tape.tape import TRACKED_TYPES
from .context import CTX
from . import boundary, tracking, arrays, array_ops, native_guard, expressions
from .boundary import SCALARS

_ndarray = arrays.ndarray
_float64 = arrays.np.float64
_flatiter = arrays.np.flatiter
_is_numpy = arrays.is_numpy_operand
_DIRECT = frozenset(SCALARS | {arrays.np.float32, arrays.np.complex64, arrays.np.float16,
                               arrays.np.int64, arrays.np.int32, arrays.np.bool_})

# Operand types whose operator results are recorded (numbers), tainted (text)
# or references to the operands (concatenation and repetition): any other
# operand is a C type without a rule (ndarray, numpy's float32, Decimal...),
# and the boundary policy classifies what the operator returned.
_PLAIN = SCALARS | {list, tuple, str, bytes}
_NUMBERS = (float, complex, int)       # (their subclasses reach here without Python dunders)
_SYMBOL = [b[0] for b in _BIN] + [i[0] for i in _INPLACE]
_NP_SCALARS = frozenset(t for t in vars(arrays.np).values()
                        if isinstance(t, type) and issubclass(t, arrays._inexact))


def _record_binary(tape, k, p, r, a, b, site):
    """`r = a <op k> b` computed natively while differentiating."""
    tr = type(r)
    ta, tb = type(a), type(b)
    if (tr is _ndarray or tr not in TRACKED_TYPES or ta not in SCALARS or tb not in SCALARS) \
            and (_is_numpy(a) or _is_numpy(b)) and _numpy_operator(tape, k, r, a, b, site):
        return
    if tr in TRACKED_TYPES:
        ids = tape.ids
        if (id(a) in ids or id(b) in ids) and id(r) not in ids:
            if p is not None and (ta in SCALARS or issubclass(ta, _NUMBERS)) and \
                    (tb in SCALARS or issubclass(tb, _NUMBERS)):
                tape.record2(p, r, a, b, site)
                return
            boundary.check_operator(tape, _SYMBOL[k], r, (a, b), k >= 13)
        elif ta not in _PLAIN or tb not in _PLAIN:
            boundary.check_operator(tape, _SYMBOL[k], r, (a, b), k >= 13)
    elif tr is str or tr is bytes:
        tracking.taint_text(tape, r, (a, b))
    elif ta not in _PLAIN or tb not in _PLAIN:
        boundary.check_operator(tape, _SYMBOL[k], r, (a, b), k >= 13)


def _numpy_operator(tape, k, r, a, b, site):
    """An operator numpy computed: recorded with its ufunc's rule when every
    differentiable value in reach is an operand (or in a list operand)."""
    ta, tb = type(a), type(b)
    if (ta in _DIRECT or ta is _ndarray and a.dtype.kind in "fcbiu") and \
            (tb in _DIRECT or tb is _ndarray and b.dtype.kind in "fcbiu"):
        # Numbers and numeric arrays hold nothing else: no scan needed.
        ids, taint = tape.ids, tape.taint
        if taint and (id(a) in taint or id(b) in taint):
            return False
        if id(a) not in ids and id(b) not in ids:
            return True
        return array_ops.operator(tape, k, r, a, b, site)
    found, desc = boundary.reach(tape, (a, b))
    if not found and desc is None:
        return True
    if desc is None:
        leaves = {id(x) for x in tracking.leaves_of(tape, a, tracking.leaves_of(tape, b, []))}
        if all(id(x) in leaves for x in found) and array_ops.operator(tape, k, r, a, b, site):
            return True
    return False


def native_binary(k, a, b):
    """objects' native fallback for BINARY_OP while differentiating."""
    if k >= 13 and type(a) is _ndarray:
        return array_ops.inplace(CTX.tape, k, a, b, NATIVE_BINARY[k])
    r = _guarded(f"numpy's {_SYMBOL[k]} operator", NATIVE_BINARY[k], a, b)
    _record_binary(CTX.tape, k, BINARY[k], r, a, b, tracking.current_site())
    return r


# numpy calls Python natively on a floating-point error of an operator only
# through np.errstate(call=...) or a replaced warnings.showwarning: operators
# on numpy operands test for them inline (native_guard: a state object's
# identity, about 50 ns) and run under the C-boundary guard when one exists.
_NUMPY_TYPES = frozenset(t for t in vars(arrays.np).values() if isinstance(t, type) and
                         issubclass(t, (arrays.np.generic, _ndarray)))
_errstate, _QUIET = native_guard.errstate, native_guard.QUIET_STATE
_WARNINGS, _SHOW = native_guard.WARNINGS, native_guard.ORIGINAL_SHOWWARNING
_guarded = native_guard.guarded


def native_unary(name, v, site=None):
    """A unary operator on a C-typed value while differentiating, recorded
    when `v` is tracked (`site`: the instruction, else the current one)."""
    if type(v) in _NUMPY_TYPES:        # (-np.int64 min overflows: numpy's error handler)
        r = _guarded(f"numpy's {UNARY_SYMBOL[name]} operator", objects.NATIVE_UNARY[name], v)
    else:
        r = objects.NATIVE_UNARY[name](v)
    tape = CTX.tape
    if _is_numpy(v) and id(v) in tape.ids and (type(r) not in TRACKED_TYPES or
                                                type(v) is _ndarray):   # (-a of a 0-d a)
        if name in _UNARY_UFUNCS and id(r) not in tape.ids and arrays.is_array_value(r):
            arrays.record(tape, RULES[_UNARY_UFUNCS[name]], r, (v,), {},
                          site or tracking.current_site())
            return r
    if id(v) in tape.ids and type(r) in TRACKED_TYPES and id(r) not in tape.ids \
            and UNARY.get(name) is not None and (type(v) in SCALARS or isinstance(v, _NUMBERS)):
        tape.record1(UNARY[name], r, v, site or tracking.current_site())
    elif type(v) not in _PLAIN or id(v) in tape.ids and id(r) not in tape.ids:
        boundary.check_operator(tape, UNARY_SYMBOL[name], r, (v,))
    return r


_UNARY_UFUNCS = {"__neg__": arrays.np.negative, "__pos__": arrays.np.positive,
                 "__abs__": arrays.np.absolute}


def iterator_hook(v, it):
    """objects.iter_ while differentiating: an iterator over a tainted object
    checks what it yields; one over a tracked array yields recorded rows."""
    tape = CTX.tape
    if type(v) is _ndarray and id(v) in tape.ids:
        return array_ops.rows(tape, v, it)
    if type(v) is _flatiter and id(v.base) in tape.ids:
        return array_ops.flat_items(tape, v)
    taint = tape.taint
    if taint and id(v) in taint and taint[id(v)][0] is v:
        return boundary.checked_iter(v, it)
    return it


def op(name):
    def deco(factory):
        AD_OPS[name] = factory
        return factory
    return deco


def recording_binary(k, ins, plain=False):
    """native(x, y) for fused handlers: NATIVE_BINARY[k], recorded on the
    tape when an operand is tracked (text results are tainted)."""
    native = NATIVE_BINARY[k]
    p = BINARY[k]
    what = f"numpy's {_SYMBOL[k]} operator"
    if k >= 13 and not plain:
        return _recording_inplace(k, recording_binary(k, ins, True))

    u = array_ops._OPERATOR_UFUNCS.get(k % 13)
    array_prim = RULES[u] if u is not None and not RULES[u].nondiff else None

    def rec(x, y):
        tx, ty = type(x), type(y)
        if (tx in _NUMPY_TYPES or ty in _NUMPY_TYPES) and not (
                _errstate() is _QUIET[0] and _WARNINGS.showwarning is _SHOW):
            r = _guarded(what, native, x, y)
        else:
            r = native(x, y)
        tr = type(r)
        if tr is float or tr is _float64:
            # The hot case: float, numpy float64 (a float subclass: the
            # elements of a float64 array) and int operands, identity tests only.
            if (tx is float or tx is int or tx is _float64) and \
                    (ty is float or ty is int or ty is _float64):
                ids = CTX.tape.ids
                if p is not None and (id(x) in ids or id(y) in ids) and id(r) not in ids:
                    CTX.tape.record2(p, r, x, y, ins)
                return r
        elif (tr is int or tr is bool) and type(x) in _PLAIN and type(y) in _PLAIN:
            return r
        elif tr is _ndarray and array_prim is not None and \
                (tx is _ndarray and x.dtype.kind in "fcbiu" or tx in _DIRECT) and \
                (ty is _ndarray and y.dtype.kind in "fcbiu" or ty in _DIRECT):
            # Arrays of numbers, numbers (`y + dy`, `dy * h` in a solver's
            # step): what _numpy_operator and array_ops.operator do for them.
            tape = CTX.tape
            taint = tape.taint
            if not (taint and (id(x) in taint or id(y) in taint)):
                ids = tape.ids
                if (id(x) in ids or id(y) in ids) and id(r) not in ids and r.dtype.kind in "fc":
                    arrays.record_pair(tape, array_prim, r, x, y, ins)
                return r
        _record_binary(CTX.tape, k, p, r, x, y, ins)
        return r
    return rec


def _recording_inplace(k, rec_plain):
    """`x <op>= y`: an ndarray is written in place (array_ops.inplace), before
    numpy computes anything; anything else as `x = x <op> y`."""
    native = NATIVE_BINARY[k]

    def rec(x, y):
        if type(x) is _ndarray:
            return array_ops.inplace(CTX.tape, k, x, y, native)
        return rec_plain(x, y)
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


def subscript(f, c, key, ins, before=None):
    """`c[key]` while differentiating (BINARY_SUBSCR's handler below and a
    line block's subscript; `before`: BINARY_SLICE's three operands): a
    tracked array's read recorded at this instruction; text read from
    tainted or tracked operands tainted, a value read out of a tainted
    container checked (boundary.check_read)."""
    tc = type(c)
    if tc is _flatiter and id(c.base) in CTX.tape.ids:
        f.pc = ins.index
        return array_ops.flat_getitem(CTX.tape, c, key, ins)
    if tc is _ndarray or tc in _NP_SCALARS and id(c) in CTX.tape.ids:
        f.pc = ins.index
        tape = CTX.tape
        r = array_ops.getitem(tape, c, key)
        if tape.taint and id(c) in tape.taint:
            boundary.check_read(tape, c, r, "subscript")
        return r
    if before is None:
        r = c[key] if STATIC[tc] and tc is not type else objects.getitem(c, key)
    else:
        r = objects.getitem(c, key)
    tape = CTX.tape
    if tape.taint:
        if type(r) is str or type(r) is bytes:
            tracking.taint_text(tape, r, [c, key] if before is None else list(before))
        else:
            boundary.check_read(tape, c, r, "subscript")
    return r


def slice_subscript(f, c, start, stop, ins):
    """`c[start:stop]` (BINARY_SLICE, 3.12+)."""
    return subscript(f, c, slice(start, stop), ins, (c, start, stop))


def store_subscript(f, c, key, v, ins):
    """`c[key] = v` while differentiating (STORE_SUBSCR's handler below and
    a line block's store): a write into an ndarray recorded (or refused) by
    array_ops, a differentiable value stored into another container that
    keeps a copy refused."""
    tc = type(c)
    if tc is _ndarray or tc is _flatiter:
        f.pc = ins.index
        if tc is _ndarray:
            array_ops.setitem(CTX.tape, c, key, v)
        else:
            array_ops.flat_setitem(CTX.tape, c, key, v)
        return
    if tc is not list and tc is not dict and boundary.copies_into(c):
        boundary.check_store(c, v, _setitem(c, ins))
    if STATIC[tc]:
        c[key] = v
    else:
        objects.setitem(c, key, v)


def _checked_store(name, container, value, what):
    """Differentiation-mode variant of the store opcode `name`: the plain
    handler, after refusing a differentiable value written into a container
    that keeps a copy (ndarray, array.array, bytearray, ctypes...).  The
    container and the value are the stack entries at depths `container` and
    `value`; `what(container)` names the store in the error."""
    def factory(ins):
        plain = OPS[name](ins)
        nxt_ = ins.next

        def h(f):
            s = f.stack
            c = s[-container]
            tc = type(c)
            if (tc is _ndarray or tc is _flatiter) and container > 1:
                f.pc = ins.index
                key = s.pop() if container == 2 else slice(*_pop2(s))
                s.pop()
                if tc is _ndarray:
                    array_ops.setitem(CTX.tape, c, key, s.pop())
                else:
                    array_ops.flat_setitem(CTX.tape, c, key, s.pop())
                return nxt_
            if tc is _ndarray and container == 1:
                f.pc = ins.index
                if array_ops.store_layout(CTX.tape, c, ins.arg, s[-2]):
                    del s[-2:]
                    return nxt_
            if tc is not list and tc is not dict and boundary.copies_into(c):
                boundary.check_store(c, s[-value], what(c, ins))
            return plain(f)
        return h
    AD_OPS[name] = factory


def _pop2(s):
    stop = s.pop()
    return s.pop(), stop


def _setitem(c, ins):
    return f"{type(c).__name__}.__setitem__"




@op("BINARY_SUBSCR")
def BINARY_SUBSCR(ins):
    nxt = ins.next

    def h(f):
        s = f.stack
        key = s.pop()
        s[-1] = subscript(f, s[-1], key, ins)
        return nxt
    return h


@op("BINARY_SLICE")
def BINARY_SLICE(ins):
    nxt = ins.next

    def h(f):
        s = f.stack
        stop = s.pop()
        start = s.pop()
        s[-1] = slice_subscript(f, s[-1], start, stop, ins)
        return nxt
    return h


@op("STORE_SUBSCR")
def STORE_SUBSCR(ins):
    nxt = ins.next

    def h(f):
        s = f.stack
        key = s.pop()
        c = s.pop()
        store_subscript(f, c, key, s.pop(), ins)
        return nxt
    return h


if "STORE_SLICE" in OPS:        # 3.12+: container[start:stop] = value
    _checked_store("STORE_SLICE", 3, 4, _setitem)
_checked_store("STORE_ATTR", 1, 2, lambda c, ins: f"setting .{ins.arg} of")


@op("GET_ITER")
def GET_ITER(ins):
    """The plain GET_ITER; an iterator over a tainted object checks its items."""
    plain = OPS["GET_ITER"](ins)

    def h(f):
        s = f.stack
        v = s[-1]
        nxt = plain(f)
        tape = CTX.tape
        if type(v) is _ndarray and id(v) in tape.ids:
            s[-1] = array_ops.rows(tape, v, s[-1], ins)
            return nxt
        if type(v) is _flatiter and id(v.base) in tape.ids:
            s[-1] = array_ops.flat_items(tape, v, ins)
            return nxt
        taint = tape.taint
        if taint and id(v) in taint and taint[id(v)][0] is v:
            s[-1] = boundary.checked_iter(v, s[-1])
        return nxt
    return h


def unpack_values(f, v, n, ins):
    """The items of `a, b = v` past a tuple or list of the length
    (UNPACK_SEQUENCE's handler below and a line block's unpacking): a
    tracked array of that many rows gives them at once (what iterating it
    gives: recorded subscripts)."""
    if type(v) is _ndarray and v.ndim and len(v) == n and id(v) in CTX.tape.ids:
        f.pc = ins.index
        return array_ops.row_list(CTX.tape, v, ins)
    return unpack(v, n)


@op("UNPACK_SEQUENCE")
def UNPACK_SEQUENCE(ins):
    n, nxt = ins.arg, ins.next

    def h(f):
        s = f.stack
        v = s.pop()
        tv = type(v)
        if (tv is tuple or tv is list) and len(v) == n:
            s.extend(v[::-1])
        else:
            s.extend(unpack_values(f, v, n, ins)[::-1])
        return nxt
    return h


@op("BUILD_STRING")
def BUILD_STRING(ins):
    n = ins.arg
    plain = OPS["BUILD_STRING"](ins)

    def h(f):
        s = f.stack
        parts = s[len(s) - n:]
        nxt = plain(f)
        if CTX.tape.taint:
            tracking.taint_text(CTX.tape, s[-1], parts)
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
        tape = CTX.tape
        if id(o) in tape.ids:
            f.stack[-1] = tracking.attr_hook(o, name, f.stack[-1])
        elif tape.taint and id(o) in tape.taint:
            boundary.check_read(tape, o, f.stack[-1], "." + name)
        return nxt
    return h


# What differentiation mode's line blocks call (interpreter/handlers/blocks.py):
# the functions of the handlers above.
blocks.AD_NAMESPACE.update(
    recording_binary=recording_binary, native_unary=native_unary, CTX=CTX,
    attr_hook=tracking.attr_hook, check_read=boundary.check_read,
    store_layout=array_ops.store_layout, copies_into=boundary.copies_into,
    check_store=boundary.check_store, ad_ndarray=_ndarray,
    binary_primitive=BINARY.__getitem__, float64_=_float64, errstate_=_errstate,
    QUIET_=_QUIET, WARNINGS_=_WARNINGS, SHOW_=_SHOW,
    expression_primitive=expressions.expression_primitive, ad_subscript=subscript,
    ad_slice=slice_subscript, ad_store_subscript=store_subscript, ad_unpack=unpack_values)
