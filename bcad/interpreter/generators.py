"""Interpreted generators are real generator objects.

`make_generator` returns a native generator (a `driver`) that resumes the
interpreted frame on every `send`/`throw`/`close`.  Because it is a real
generator, native code can suspend and resume it (zip over two interpreted
generators, list(gen), ...), and CPython itself enforces the generator
protocol: 'can't send non-None value to a just-started generator',
'generator already executing', 'generator ignored GeneratorExit', and
PEP 479's StopIteration -> RuntimeError conversion on 3.11.

What the driver does itself is the delegation of `yield from` for
throw/close (CPython's gen_throw/gen_close look at the frame's sub-iterator).
"""
import types

from ..errors import UnsupportedError
from .frame import run, format_tb
from . import state
from .state import STATE
from . import versions

CO_GENERATOR, CO_COROUTINE, CO_ITERABLE_COROUTINE, CO_ASYNC_GENERATOR = 0x20, 0x80, 0x100, 0x200


def make_generator(f, func):
    co = f.code.co
    if co.co_flags & (CO_COROUTINE | CO_ASYNC_GENERATOR):
        kind = "async generator" if co.co_flags & CO_ASYNC_GENERATOR else "coroutine"
        raise UnsupportedError(
            f"{kind} function {func.__qualname__} ({co.co_filename}:{co.co_firstlineno}): "
            f"bcad interprets synchronous code only; call it natively")
    f.exc_slot = [None]
    f.yielded = False
    f.yield_pc = 0
    f.yield_from = False
    # Run the prologue (MAKE_CELL, COPY_FREE_VARS) up to RETURN_GENERATOR.
    _resume(f, None)
    g = _driver(f)
    g.__name__ = func.__name__
    g.__qualname__ = func.__qualname__
    return g


def _resume(f, exc):
    """Run the frame until it yields or returns: (yielded, value)."""
    slots = STATE.exc_slots
    slots.append(f.exc_slot)
    f.yielded = False
    if STATE.entries:          # resumed from interpreted code (the common case)
        try:
            out = run(f, exc)
        finally:
            slots.pop()
        return f.yielded, out
    state.enter()              # resumed by native code after interpretation ended
    try:
        out = run(f, exc)
    except BaseException as e:
        if STATE.entries == 1:
            note = format_tb(e)
            if note is not None:
                e.add_note(note)
        raise
    finally:
        state.leave()
        slots.pop()
    return f.yielded, out


def _driver(f):
    value = None
    exc = None
    st = STATE
    slots = st.exc_slots
    slot = f.exc_slot
    while True:
        if exc is None:
            f.stack.append(value)
            if st.entries:      # _resume's common case, inline: one call less per next()
                slots.append(slot)
                f.yielded = False
                try:
                    out = run(f)
                finally:
                    slots.pop()
                yielded = f.yielded
            else:
                yielded, out = _resume(f, None)
        else:
            yielded, out = _throw(f, exc)
        if not yielded:
            return out
        exc = value = None
        try:
            value = yield out
        except BaseException as e:  # noqa: BLE001 - throw() and close() land here
            exc = e


def _throw(f, exc):
    """Throw `exc` into the suspended frame, first delegating to a
    `yield from` sub-iterator as CPython's gen_throw/gen_close do."""
    if not f.yield_from:
        f.pc = f.yield_pc
        return _resume(f, exc)
    yf = f.stack[-1]
    if isinstance(exc, GeneratorExit):
        err = _close_iter(yf)
        f.pc = f.yield_pc
        return _resume(f, err if err is not None else exc)
    if type(yf) is types.GeneratorType:
        throw = yf.throw
    else:
        throw = _get_throw(yf)
        if throw is None:
            f.pc = f.yield_pc
            return _resume(f, exc)
    err = None
    try:
        ret = throw(exc)
    except BaseException as e:  # noqa: BLE001
        err = e
    if err is None:
        return True, ret
    f.pc = f.yield_pc
    return versions.throw_after_delegation(f, err, _resume)


def _get_throw(yf):
    try:
        return getattr(yf, "throw")
    except AttributeError:
        return None


def _close_iter(yf):
    """gen_close_iter: close the sub-iterator; return the error it raised."""
    try:
        if type(yf) is types.GeneratorType:
            yf.close()
        else:
            try:
                close = getattr(yf, "close")
            except AttributeError:
                return None
            close()
    except BaseException as e:  # noqa: BLE001
        return e
    return None
