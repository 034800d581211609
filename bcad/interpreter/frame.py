"""Frames and the run loop.

A frame's instructions are closures built once per code object by the
handler factories (see `handlers/`): `pc = handlers[pc](frame)` is the whole
dispatch.  A handler returns the index of the next instruction; 0 leaves the
loop (return or yield).  An exception raised by a handler is unwound here
through the decoded exception table, exactly as CPython's `exception_unwind`.
"""
import linecache
from bisect import bisect_right

from ..errors import UnsupportedError
from .state import STATE, current_handled


class Frame:
    """An interpreted frame.  `locals` exists only for frames with a
    namespace mapping (class bodies, module code run by exec/eval).  `hs`
    is the handler array the frame runs (plain or differentiation mode),
    set by whoever makes it run (`run`, the CALL handler).  The CALL
    handler's fast path builds frames without `__init__`
    (handlers/calls.py): a slot added here must be set there too."""
    __slots__ = ("code", "fast", "stack", "globals", "builtins", "locals", "func",
                 "back", "retval", "pc", "resume", "yielded", "exc_slot", "gen",
                 "yield_pc", "yield_from", "hs", "__weakref__")

    @property
    def lineno(self):
        return self.code.line_of(self.pc)

    def __repr__(self):
        return f"<bcad frame {self.code.qualname} at {self.code.filename}:{self.lineno}>"


def new_frame(code, fast, globals_, builtins, func):
    """A frame about to run `code` with fast locals `fast`.  (Frame has no
    `__init__`: `Frame()` is cheaper, and the CALL handler sets the slots
    itself.)  `locals` (class bodies, exec), `retval` and `hs` are set when
    needed."""
    f = Frame()
    f.code = code
    f.fast = fast
    f.stack = []
    f.globals = globals_
    f.builtins = builtins
    f.func = func
    f.pc = code.start_pc
    return f


def handlers_of(code):
    """The closure array of a decoded code object, built on first use."""
    hs = code.handlers
    if hs is None:
        from .handlers import build_handlers
        hs = code.handlers = build_handlers(code)
    return hs


AD_MODE = [False]


def ad_handlers_of(code):
    from .handlers import build_handlers
    code.ad_handlers = build_handlers(code, ad=True)
    return code.ad_handlers


def _handlers(code):
    if AD_MODE[0]:
        return code.ad_handlers or ad_handlers_of(code)
    return code.handlers or handlers_of(code)


def run(f, exc=None):
    """Run frame `f` from `f.pc` until it returns, yields or raises.

    Calls of plain Python functions do not recurse into another `run`: the
    CALL handler makes the callee current (`STATE.frame`, with the caller's
    resume index in `resume`) and returns 0, and this loop switches to it; a return pops back to the caller, an exception unwinds
    frame by frame.  `f` is this invocation's base frame.  With `exc`, the
    exception is raised at `f.pc` first (generator throw).
    """
    st = STATE
    base = f
    code = f.code
    handlers = code.ad_handlers if AD_MODE[0] else code.handlers
    if handlers is None:
        handlers = _handlers(code)
    f.hs = handlers
    f.back = st.frame
    st.frame = f
    depth0 = st.depth
    st.depth += 1
    pc = f.pc
    try:
        if st.depth > st.user_limit:
            raise RecursionError("maximum recursion depth exceeded")
        if exc is not None:
            pc = unwind(f, pc, exc)
        while True:
            try:
                while pc:
                    pc = handlers[pc](f)
                g = st.frame
                if g is not f:                  # a call: switch to the callee
                    f = g
                    handlers = f.hs
                    pc = f.pc
                    continue
                if f is base:                   # return (or yield) from this run
                    return f.retval
                r = f.retval                    # return from a callee: resume its caller
                if FIRST_PC:
                    FIRST_PC.pop(id(f), None)
                st.frame = f = f.back
                st.depth -= 1
                f.stack.append(r)
                handlers = f.hs
                pc = f.resume
            except BaseException as e:
                pc = raise_pc(handlers, pc, f, e)
                while True:
                    f.pc = pc
                    try:
                        pc = unwind(f, pc, e)
                        break
                    except BaseException as escaped:
                        if f is base:
                            raise
                        e = escaped                 # unwind the caller at its CALL
                        if FIRST_PC:
                            FIRST_PC.pop(id(f), None)
                        st.frame = f = f.back
                        st.depth -= 1
                        handlers = f.hs
                        pc = f.pc
    finally:
        st.frame = base.back
        st.depth = depth0
        if FIRST_PC:
            FIRST_PC.pop(id(base), None)


def run_pushed(base):
    """`base`, running nested in its caller's CALL handler or block
    (handlers/calls.py, `_INLINE`), pushed a callee (`STATE.frame`) because
    no inline room was left: run it, and `base` after it, in a run loop
    until `base` returns; give its value.  An exception that `base` does
    not handle propagates (unwound at base).  (The loop is `run`'s, written
    out again rather than shared: a call per `run` would cost every
    generator resume; keep the two in step.)"""
    st = STATE
    f = st.frame
    handlers = f.hs
    pc = f.pc
    while True:
        try:
            while pc:
                pc = handlers[pc](f)
            g = st.frame
            if g is not f:                  # a call: switch to the callee
                f = g
                handlers = f.hs
                pc = f.pc
                continue
            if f is base:
                return f.retval
            r = f.retval                    # return from a callee: resume its caller
            if FIRST_PC:
                FIRST_PC.pop(id(f), None)
            st.frame = f = f.back
            st.depth -= 1
            f.stack.append(r)
            handlers = f.hs
            pc = f.resume
        except BaseException as e:
            pc = raise_pc(handlers, pc, f, e)
            while True:
                f.pc = pc
                try:
                    pc = unwind(f, pc, e)
                    break
                except BaseException as escaped:
                    if f is base:
                        raise
                    e = escaped                 # unwind the caller at its CALL
                    if FIRST_PC:
                        FIRST_PC.pop(id(f), None)
                    st.frame = f = f.back
                    st.depth -= 1
                    handlers = f.hs
                    pc = f.pc


def chain_context(e):
    """Implicit exception chaining, as CPython's _PyErr_SetObject does it."""
    cur = current_handled()
    if cur is None or cur is e:
        return
    o, steps = cur, 0
    while steps < 10000:
        ctx = o.__context__
        if ctx is None:
            break
        if ctx is e:
            o.__context__ = None
            break
        o = ctx
        steps += 1
    e.__context__ = cur


# The handlers that are regions (handlers/blocks.py): blocks whose runs may
# be on several lines.  handler -> (source lines where its runs begin, the
# first index of each run).
REGIONS = {}


def raise_pc(hs, pc, f, e):
    """The index where exception `e`, raised by handler `hs[pc]` of `f`, is
    unwound: `pc`, or for a region the first index of the run that raised
    it, read from the line of the region's entry in the traceback.  (The
    caller of this function caught `e` right around `hs[pc](f)`: the
    traceback's first entry is the caller's frame, which may run the same
    code in a recursion, and the next one is the handler's.)"""
    h = hs[pc]
    r = REGIONS.get(h)
    if r is None:
        return pc
    tb = e.__traceback__
    tb = tb.tb_next if tb is not None else None
    if tb is not None and tb.tb_frame.f_code is not h.__code__:
        tb = tb.tb_next         # (the region's first run: called by its stub)
    if tb is None or tb.tb_frame.f_code is not h.__code__:   # pragma: no cover
        return pc
    lines, pcs = r
    k = bisect_right(lines, tb.tb_lineno) - 1
    return pcs[k] if k >= 0 else pc


# id(frame) -> (id(exception), pc where it was raised in that frame), ids so
# that the exception is not kept alive (its __del__ side effects): a re-raise
# (RERAISE after an unmatched except) reports the original line, as CPython's
# traceback does.
FIRST_PC = {}


def unwind(f, pc, e):
    """Find the handler for exception `e` raised at instruction `pc`."""
    st = STATE
    if e is not st.propagating:
        chain_context(e)
    st.propagating = None
    h = f.code.exc_table[pc]
    first = FIRST_PC.get(id(f))
    if first is None or first[0] != id(e):
        FIRST_PC[id(f)] = first = (id(e), pc)  # where e was raised in this frame
    if h is None:
        FIRST_PC.pop(id(f), None)
        record_tb(e, f.code, first[1])
        st.propagating = e
        raise e.with_traceback(e.__traceback__)
    st.tb.pop(id(e), None)
    target, depth, lasti = h
    stack = f.stack
    del stack[depth:]
    if lasti:
        stack.append(pc)
    stack.append(e)
    return target


def record_tb(e, code, pc):
    entry = STATE.tb.get(id(e))
    if entry is None or entry[0] is not e:
        entry = STATE.tb[id(e)] = (e, [])
    entry[1].append((code.filename, code.line_of(pc), code.name))


def format_tb(e):
    entry = STATE.tb.get(id(e))
    if entry is None or entry[0] is not e:
        return None
    lines = ["bcad: interpreted traceback (most recent call last):"]
    for filename, lineno, name in reversed(entry[1]):
        lines.append(f'  File "{filename}", line {lineno}, in {name}')
        src = linecache.getline(filename, lineno).strip()
        if src:
            lines.append(f"    {src}")
    return "\n".join(lines)


def unsupported(f, what):
    """Raise UnsupportedError naming `what`, the function and file:line."""
    from ..trace.recorder import format_interpreted_stack   # (import cycle otherwise)
    code = f.code
    stack = format_interpreted_stack(f)
    raise UnsupportedError(
        f"{what} is not supported by bcad's interpreter "
        f"(in {code.qualname}, {code.filename}:{code.line_of(f.pc)}); "
        f"run this code natively or wrap the call in bcad.stop_gradient"
        + (f"\n{stack}" if stack else ""))
