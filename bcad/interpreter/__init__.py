"""bcad's CPython bytecode interpreter.

`interpret(fn)` returns a callable that runs `fn`, and every Python-level
function it reaches, through bcad's own eval loop (frame.run).  See
docs/interpreter.md for the architecture.
"""
import functools
import traceback

from . import state
from .calls import call_ex
from .frame import format_tb
from . import lookasides, handlers  # noqa: F401  (fill the tables)
from ..transforms import context


def is_interpreting():
    """True when called from code that bcad is interpreting."""
    return False


lookasides.register_bcad(is_interpreting)


ENTRY_LOCK = state.ENTRY_LOCK


def run_call(fn, args, kwargs):
    """Call `fn(*args, **kwargs)` through the interpreter (public entry)."""
    with ENTRY_LOCK:
        return _run_call(fn, args, kwargs)


def callback_entry(fn, args, kwargs, native=None):
    """C code calling back into Python code bcad should interpret (a
    trampoline, an iterator driven by C): interpreted in the thread that
    holds the interpreter, or when it is free; run natively, as CPython
    would, from another thread while the interpreter is busy (waiting
    could deadlock: the busy thread may be waiting for this one).  `native`:
    what to call natively instead of `fn`, when that is not `fn` itself."""
    if ENTRY_LOCK.acquire(blocking=False):
        try:
            return _run_call(fn, args, kwargs)
        finally:
            ENTRY_LOCK.release()
    return (native or fn)(*args, **kwargs)


def _run_call(fn, args, kwargs):
    state.enter()
    try:
        return call_ex(fn, args, kwargs)
    except BaseException as e:
        if state.STATE.entries == 1:
            note = format_tb(e)
            if note is not None:
                e.add_note(note)
            # The traceback's frames are bcad's run loop, whose locals hold
            # the interpreted frames (and their values): cleared, they free
            # by reference counting instead of forming cycles with the
            # exception.  (The cycle collector can crash CPython clearing a
            # memoryview whose buffer another object still exports.)
            traceback.clear_frames(e.__traceback__)
        raise
    finally:
        state.leave()


def interpret(fn):
    """Return a callable that runs `fn` through bcad's bytecode interpreter.

    The result behaves like `fn`: same return values, exceptions and side
    effects as CPython.  Every Python function reached from `fn` is
    interpreted too; C functions run natively (callbacks they make into
    Python code are routed back through the interpreter).  An exception that
    escapes carries a note with the interpreted traceback (file:line of the
    user's code).  It runs under a transform level of its own
    (transforms/context.py): inside a recording, on that tape.
    """
    if not callable(fn):
        raise TypeError(f"bcad.interpret() needs a callable, not {type(fn).__name__}")

    @functools.wraps(fn)
    def interpreted(*args, **kwargs):
        with ENTRY_LOCK, context.interpreting():
            return _run_call(fn, args, kwargs)
    interpreted.__bcad_interpreted__ = fn
    return interpreted
