"""Superinstructions: common instruction sequences fused into one handler.

CPython fuses a few pairs itself (3.13's LOAD_FAST_LOAD_FAST); for an
interpreter written in Python each dispatch costs far more than in C, so
fusing the hot sequences of scalar code (load, load, binary op, store;
load, load, compare, branch; ...) is the main speed lever.  A sequence is
fused only when no instruction after its first is a jump target and all its
instructions share the exception handler and line, so unwinding and
tracebacks see exactly what they would see unfused.  The unfused handlers
stay in place for the same indices.

The variants below differ only in where their operands come from (a local,
a constant, the stack); they are written out one by one on purpose: a shared
helper would cost a Python call per instruction, which is what fusion removes.
"""
from ...decode import NULL
from .. import objects
from ..objects import STATIC, NATIVE_BINARY, NATIVE_COMPARE, truth
from .variables import _unbound_local, _name


def _is_load(ins):
    return ins.name in ("LOAD_FAST", "LOAD_CONST")


def _unbound(ins):
    return _unbound_local(_name(ins))


def binop_sources(a, b, k, store, nxt, native=None):
    """LOAD a; LOAD b; BINARY_OP k [; STORE_FAST store]."""
    native = native or NATIVE_BINARY[k]
    slow = objects.binary_op
    if a.name == "LOAD_FAST" and b.name == "LOAD_FAST":
        i, j = a.arg, b.arg

        def h(f):
            fast = f.fast
            x = fast[i]
            y = fast[j]
            if x is NULL:
                raise _unbound(a)
            if y is NULL:
                raise _unbound(b)
            r = native(x, y) if STATIC[type(x)] and STATIC[type(y)] else slow(x, y, k)
            if store is None:
                f.stack.append(r)
            else:
                fast[store] = r
            return nxt
        return h
    if a.name == "LOAD_FAST":
        i, c = a.arg, b.arg
        const_static = STATIC[type(c)]

        def h(f):
            fast = f.fast
            x = fast[i]
            if x is NULL:
                raise _unbound(a)
            r = native(x, c) if const_static and STATIC[type(x)] else slow(x, c, k)
            if store is None:
                f.stack.append(r)
            else:
                fast[store] = r
            return nxt
        return h
    if b.name == "LOAD_FAST":
        c, j = a.arg, b.arg
        const_static = STATIC[type(c)]

        def h(f):
            fast = f.fast
            y = fast[j]
            if y is NULL:
                raise _unbound(b)
            r = native(c, y) if const_static and STATIC[type(y)] else slow(c, y, k)
            if store is None:
                f.stack.append(r)
            else:
                fast[store] = r
            return nxt
        return h
    return None


def binop_stack_source(b, k, store, nxt, native=None):
    """(left on the stack) LOAD b; BINARY_OP k [; STORE_FAST store]."""
    native = native or NATIVE_BINARY[k]
    slow = objects.binary_op
    if b.name == "LOAD_FAST":
        j = b.arg

        def h(f):
            s = f.stack
            y = f.fast[j]
            if y is NULL:
                raise _unbound(b)
            x = s.pop()
            r = native(x, y) if STATIC[type(x)] and STATIC[type(y)] else slow(x, y, k)
            if store is None:
                s.append(r)
            else:
                f.fast[store] = r
            return nxt
        return h
    c = b.arg
    const_static = STATIC[type(c)]

    def h(f):
        s = f.stack
        x = s.pop()
        r = native(x, c) if const_static and STATIC[type(x)] else slow(x, c, k)
        if store is None:
            s.append(r)
        else:
            f.fast[store] = r
        return nxt
    return h


def binop_store(k, store, nxt, native=None):
    """BINARY_OP k; STORE_FAST store (both operands on the stack)."""
    native = native or NATIVE_BINARY[k]
    slow = objects.binary_op

    def h(f):
        s = f.stack
        y = s.pop()
        x = s.pop()
        f.fast[store] = native(x, y) if STATIC[type(x)] and STATIC[type(y)] else slow(x, y, k)
        return nxt
    return h


def compare_jump(a, b, cmp, jump):
    """LOAD a; LOAD b; COMPARE_OP; POP_JUMP_IF_FALSE/TRUE."""
    k, _cast = cmp.arg
    native = NATIVE_COMPARE[k]
    slow = objects.compare
    fall, target = jump.next, jump.target
    if jump.name == "POP_JUMP_IF_FALSE":
        on_true, on_false = fall, target
    else:
        on_true, on_false = target, fall
    get_a = (a.name, a.arg)
    get_b = (b.name, b.arg)
    if get_a[0] == "LOAD_FAST" and get_b[0] == "LOAD_CONST":
        i, c = a.arg, b.arg

        def h(f):
            x = f.fast[i]
            if x is NULL:
                raise _unbound(a)
            r = native(x, c) if STATIC[type(x)] and STATIC[type(c)] else slow(x, c, k)
            if r is True:
                return on_true
            if r is False:
                return on_false
            return on_true if truth(r) else on_false
        return h
    if get_a[0] == "LOAD_FAST" and get_b[0] == "LOAD_FAST":
        i, j = a.arg, b.arg

        def h(f):
            fast = f.fast
            x = fast[i]
            y = fast[j]
            if x is NULL:
                raise _unbound(a)
            if y is NULL:
                raise _unbound(b)
            r = native(x, y) if STATIC[type(x)] and STATIC[type(y)] else slow(x, y, k)
            if r is True:
                return on_true
            if r is False:
                return on_false
            return on_true if truth(r) else on_false
        return h
    return None


def for_iter_store(it_ins, store):
    """FOR_ITER; STORE_FAST."""
    from ..versions import FOR_ITER_SKIP
    nxt = store.next
    done = it_ins.target + FOR_ITER_SKIP
    i = store.arg
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
        f.fast[i] = v
        return nxt
    return h


def load_load(a, b):
    nxt = b.next
    va = (a.name == "LOAD_CONST", a.arg)
    vb = (b.name == "LOAD_CONST", b.arg)
    if not va[0] and not vb[0]:
        i, j = a.arg, b.arg

        def h(f):
            fast = f.fast
            x = fast[i]
            y = fast[j]
            if x is NULL:
                raise _unbound(a)
            if y is NULL:
                raise _unbound(b)
            f.stack += (x, y)
            return nxt
        return h
    if not va[0]:
        i, c = a.arg, b.arg

        def h(f):
            x = f.fast[i]
            if x is NULL:
                raise _unbound(a)
            f.stack += (x, c)
            return nxt
        return h
    return None


def load_return(a):
    i = a.arg

    def h(f):
        x = f.fast[i]
        if x is NULL:
            raise _unbound(a)
        f.retval = x
        return 0
    return h


def load_attr(a, attr):
    from .calls import ATTR_FAST
    nxt = attr.next
    i, name, me = a.arg, attr.arg, attr.index
    getattr_ = objects.getattr_
    native = objects.native_name(name)

    def h(f):
        o = f.fast[i]
        if o is NULL:
            raise _unbound(a)
        if ATTR_FAST[type(o)] or native[type(o)]:
            f.stack.append(getattr(o, name))
        else:
            f.pc = me
            f.stack.append(objects.super_getattr(o, name) if type(o) is super else getattr_(o, name))
        return nxt
    return h


def load_method(a, m):
    """LOAD_FAST o; LOAD_ATTR_METHOD name."""
    from .calls import ATTR_FAST
    from ..versions import PY313
    nxt = m.next
    i, name, me = a.arg, m.arg, m.index
    load_method_ = objects.load_method

    def h(f):
        o = f.fast[i]
        if o is NULL:
            raise _unbound(a)
        if ATTR_FAST[type(o)]:
            v = getattr(o, name)
            f.stack += (v, NULL) if PY313 else (NULL, v)
            return nxt
        f.pc = me
        if type(o) is super:
            v = objects.super_getattr(o, name)
            f.stack += (v, NULL) if PY313 else (NULL, v)
            return nxt
        meth, self = load_method_(o, name)
        if meth is NULL:
            f.stack += (self, NULL) if PY313 else (NULL, self)
        else:
            f.stack += (meth, self)
        return nxt
    return h


def store_attr(a, st):
    """LOAD_FAST o; STORE_ATTR name (the value below)."""
    from .calls import ATTR_FAST
    nxt = st.next
    i, name = a.arg, st.arg
    setattr_ = objects.setattr_
    native = objects.native_name(name)

    def h(f):
        o = f.fast[i]
        if o is NULL:
            raise _unbound(a)
        if ATTR_FAST[type(o)] or native[type(o)]:
            setattr(o, name, f.stack.pop())
        else:
            setattr_(o, name, f.stack.pop())
        return nxt
    return h


def binop_return(k, native=None):
    """BINARY_OP k; RETURN_VALUE."""
    native = native or NATIVE_BINARY[k]
    slow = objects.binary_op

    def h(f):
        s = f.stack
        y = s.pop()
        x = s.pop()
        f.retval = native(x, y) if STATIC[type(x)] and STATIC[type(y)] else slow(x, y, k)
        return 0
    return h


def const_return(c):
    def h(f):
        f.retval = c.arg
        return 0
    return h


def fuse(instrs, i, targets, ad=False):
    """A fused handler starting at instruction `i`, or None.  In
    differentiation mode only sequences without arithmetic or attribute
    loads are fused (those record on the tape)."""
    n = len(instrs)

    def ok(j):
        # instruction j may be fused after instruction i
        return (j < n and j not in targets and instrs[j].handler == instrs[i].handler
                and instrs[j].lineno == instrs[i].lineno)

    a = instrs[i]
    name = a.name
    if ad:
        return _fuse_ad(instrs, i, ok)
    if _is_load(a) and ok(i + 1):
        b = instrs[i + 1]
        if _is_load(b) and ok(i + 2):
            c = instrs[i + 2]
            if c.name == "BINARY_OP":
                store = None
                end = c
                if ok(i + 3) and instrs[i + 3].name == "STORE_FAST":
                    store = instrs[i + 3].arg
                    end = instrs[i + 3]
                h = binop_sources(a, b, c.arg, store, end.next)
                if h is not None:
                    return h
            if c.name == "COMPARE_OP" and ok(i + 3) and instrs[i + 3].name in (
                    "POP_JUMP_IF_FALSE", "POP_JUMP_IF_TRUE"):
                h = compare_jump(a, b, c, instrs[i + 3])
                if h is not None:
                    return h
        if b.name == "BINARY_OP":
            store = None
            end = b
            if ok(i + 2) and instrs[i + 2].name == "STORE_FAST":
                store = instrs[i + 2].arg
                end = instrs[i + 2]
            return binop_stack_source(a, b.arg, store, end.next)
        if name == "LOAD_FAST" and b.name == "RETURN_VALUE":
            return load_return(a)
        if name == "LOAD_FAST" and b.name == "LOAD_ATTR":
            return load_attr(a, b)
        if name == "LOAD_FAST" and b.name == "LOAD_ATTR_METHOD":
            return load_method(a, b)
        if name == "LOAD_FAST" and b.name == "STORE_ATTR":
            return store_attr(a, b)
        if name == "LOAD_CONST" and b.name == "RETURN_VALUE":
            return const_return(a)
        if _is_load(b):
            return load_load(a, b)
    if name == "BINARY_OP" and ok(i + 1) and instrs[i + 1].name == "STORE_FAST":
        return binop_store(a.arg, instrs[i + 1].arg, instrs[i + 1].next)
    if name == "BINARY_OP" and ok(i + 1) and instrs[i + 1].name == "RETURN_VALUE":
        return binop_return(a.arg)
    if name == "FOR_ITER" and ok(i + 1) and instrs[i + 1].name == "STORE_FAST":
        return for_iter_store(a, instrs[i + 1])
    return None


# Differentiation mode installs here a factory `(k, binary-op instruction) ->
# native(x, y)` that computes like NATIVE_BINARY[k] and records on the tape.
RECORDING_BINARY = [None]


def _fuse_ad(instrs, i, ok):
    a = instrs[i]
    rec = RECORDING_BINARY[0]
    if _is_load(a) and ok(i + 1):
        b = instrs[i + 1]
        if _is_load(b) and ok(i + 2):
            c = instrs[i + 2]
            if c.name == "BINARY_OP" and rec is not None:
                store, end = None, c
                if ok(i + 3) and instrs[i + 3].name == "STORE_FAST":
                    store, end = instrs[i + 3].arg, instrs[i + 3]
                h = binop_sources(a, b, c.arg, store, end.next, rec(c.arg, c))
                if h is not None:
                    return h
            if c.name == "COMPARE_OP" and ok(i + 3) and instrs[i + 3].name in (
                    "POP_JUMP_IF_FALSE", "POP_JUMP_IF_TRUE"):
                h = compare_jump(a, b, c, instrs[i + 3])
                if h is not None:
                    return h
        if b.name == "BINARY_OP" and rec is not None:
            store, end = None, b
            if ok(i + 2) and instrs[i + 2].name == "STORE_FAST":
                store, end = instrs[i + 2].arg, instrs[i + 2]
            return binop_stack_source(a, b.arg, store, end.next, rec(b.arg, b))
        if a.name == "LOAD_FAST" and b.name == "RETURN_VALUE":
            return load_return(a)
        if a.name == "LOAD_CONST" and b.name == "RETURN_VALUE":
            return const_return(a)
        if _is_load(b):
            return load_load(a, b)
    # (no LOAD_FAST+STORE_ATTR here: differentiation mode checks stores
    # into C objects.)
    if a.name == "BINARY_OP" and rec is not None and ok(i + 1):
        nxt_ins = instrs[i + 1]
        if nxt_ins.name == "STORE_FAST":
            return binop_store(a.arg, nxt_ins.arg, nxt_ins.next, rec(a.arg, a))
        if nxt_ins.name == "RETURN_VALUE":
            return binop_return(a.arg, rec(a.arg, a))
    if a.name == "FOR_ITER" and ok(i + 1) and instrs[i + 1].name == "STORE_FAST":
        return for_iter_store(a, instrs[i + 1])
    return None
