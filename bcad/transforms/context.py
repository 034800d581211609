"""The transform context: which transforms are running, and which tape records.

One object, `CTX`, holds a stack of levels.  Every transform pushes a level
while it records its function and pops it when that returns or raises
(`with Level(...)`, so an exception of any kind pops exactly the levels it
crossed):

- `grad`, `vjp`, `jvp`, `linearize`, the Jacobians (reverse.run_forward):
  a level with a new tape; or, called while a tape records in this thread (a
  transform inside a transform: nested.py), a level on that same tape whose
  segment starts at the tape's length then, marked `differentiated`: its
  pass (backward or tangent push) will be recorded and differentiated by the
  transform around it;
- a `custom_vjp` (api.py): its forward runs natively under a level without
  a tape (nothing records), or, when another transform will differentiate
  the pass, recorded under a level of the tape;
- `bcad.interpret`: a level on the tape recording, if any (interpreting
  inside a recording records, as before).

`CTX.tape`, the innermost level's tape, is where every recorded operation
goes: the interpreter's handlers and the rules read it directly.  A pass
(backward, tangent push) pushes no level: it runs after its transform's
level is popped, and is recorded, on the outer level's segment, exactly
when a tape still records in this thread (`recording()`).

Per thread.  Only the thread holding the interpreter (interpreter.ENTRY_LOCK)
pushes levels (`push` checks), and it pops them before it releases the lock:
a transform started in another thread meanwhile waits for the lock before
pushing its own, on a tape of its own.  So the levels belong to one thread
at a time, `CTX.owner`, and one module attribute is as correct as a
threading.local while costing a slot read instead of a thread-local lookup
on every recorded operation.  The questions a thread asks about itself go
through `recording()`, `inside()` and `depth()`, which answer "none" in any
thread but the owner (a C callback running natively in another thread, a
transform waiting for the lock); `CTX.tape` read directly answers "the tape
recording in whichever thread", which is what code running only under the
interpreter, and the hooks that refuse other threads' native code while a
tape records (boundary.OtherThreads), want.
"""
from threading import get_ident

from ..interpreter.state import ENTRY_LOCK


class Context:
    __slots__ = ("tape", "levels", "owner", "fuse")

    def __init__(self):
        self.tape = None     # the innermost level's tape: what records now
        self.levels = []     # the running transforms, outermost first
        self.owner = None    # the thread they run in (get_ident), None without levels
        # May line blocks record runs of real arithmetic as single equations
        # (tape.EXPRESSION)?  Only under one level, of a reverse transform,
        # whose tape allows it: its backward pass runs natively.  A pass
        # differentiated by an outer transform interprets each rule, and a
        # tangent push reads each operation.
        self.fuse = False


# The kinds of level whose tape only reverse.backward reads.
FUSING_KINDS = ("grad", "vjp", "check_grads")


def _fusing(level):
    """Context.fuse for `level` alone."""
    tape = level.tape
    return tape is not None and tape.fuses and type(level.kind) is str and \
        level.kind in FUSING_KINDS


CTX = Context()


class Level:
    """One running transform: `kind` (its name, or the custom_vjp whose
    forward runs), the tape it records on (None: nothing records), where its
    segment of that tape starts, and whether its pass will be differentiated
    by an outer transform.  `with Level(...)` pushes and pops it."""
    __slots__ = ("kind", "tape", "start", "differentiated", "index")

    def __init__(self, kind, tape, differentiated=False):
        self.kind = kind
        self.tape = tape
        self.start = len(tape) if tape is not None else 0
        self.differentiated = differentiated
        self.index = None

    def __enter__(self):
        ctx = CTX
        if not ENTRY_LOCK._is_owned():
            raise AssertionError("bcad internal error: a transform level pushed without "
                                 "holding the interpreter")
        if not ctx.levels:
            ctx.owner = get_ident()
        self.index = len(ctx.levels)
        ctx.levels.append(self)
        ctx.tape = self.tape
        ctx.fuse = self.index == 0 and _fusing(self)
        return self

    def __exit__(self, *exc):
        ctx = CTX
        levels = ctx.levels
        left = len(levels) - self.index - 1
        del levels[self.index:]
        ctx.tape = levels[-1].tape if levels else None
        ctx.fuse = len(levels) == 1 and _fusing(levels[0])
        if not levels:
            ctx.owner = None
        if left:
            raise AssertionError(f"bcad internal error: {left} transform level(s) left "
                                 f"above {self!r}")
        return False

    def __repr__(self):
        return f"<level {getattr(self.kind, '__qualname__', self.kind)} at {self.start}>"


def recording():
    """The tape recording in this thread, or None.  (Another thread's
    recording is not this one's: a transform called here now waits for the
    interpreter and records on its own tape.)"""
    ctx = CTX
    if ctx.tape is not None and ctx.owner == get_ident():
        return ctx.tape
    return None


def inside():
    """Is this thread recording for a transform whose pass another one will
    differentiate (a custom_vjp then records its forward)?"""
    ctx = CTX
    return bool(ctx.levels) and ctx.owner == get_ident() and ctx.levels[-1].differentiated


def running(kind):
    """Is a level of `kind` (a custom_vjp's forward) running in this thread?"""
    ctx = CTX
    if ctx.owner != get_ident():
        return False
    for level in ctx.levels:
        if level.kind is kind:
            return True
    return False


def interpreting():
    """The level of `bcad.interpret` (entered with the interpreter held):
    inside a recording, interpreted code records on its tape."""
    return Level("interpret", recording(), inside())


def depth():
    """How many transform levels run in this thread (tests)."""
    ctx = CTX
    return len(ctx.levels) if ctx.owner == get_ident() else 0


def kinds():
    """The kinds of the levels running in this thread, outermost first (tests)."""
    ctx = CTX
    return [level.kind for level in ctx.levels] if ctx.owner == get_ident() else []
