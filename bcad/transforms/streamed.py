"""Forward mode with the tangents carried beside the values: a `bcad.jvp`
called at the top (no tape recording in this thread) records on a
`TangentTape`, which computes each equation's tangent shortly after the
equation is recorded and then forgets it, so that memory is bounded by what
is live, not by the length of the computation.

- *Pushing.*  Equations are pushed in batches (`BATCH`), at the start of a
  later record and when the function returns: a few sites complete an
  equation after recording it (`arrays.record_multi` sets the outputs
  tuple, `keep_weakly` its value, `_snapshot` copies a held argument before
  a write), and all of them happen before the next equation is recorded.
  Each push is `forward.push_one`, the very code of the recorded path's
  `forward.push`, run in the environment that push runs in: no transform
  level, no tape recording (`CTX` emptied for the batch), the interpreter's
  differentiation switched off, `set_needs(None)`, no profile hook in this
  thread (and numpy's floating-point errors ignored: modes the user sets
  inside the function are not the push's).  So a derived JVP (the
  transpose of a VJP by `grad`, a custom_vjp's backward) is a transform of
  its own on its own tape, as after a recording, and nothing lands on the
  streaming tape.
- *Forgetting.*  Once a batch is pushed (nothing pending), its
  equations' primitives, inputs and parameters are dropped, with the
  residual holders (`tape.holders`) that pointed at them.  A value and its
  tangent stay while a later equation may read them: while `ids` maps an
  object to the variable and something other than the tape holds that
  object.  Each batch's values that only the tape holds are dropped (with
  their `ids` entries) right after the batch, and those that survived get
  a second look after the next one; a sweep (amortized: when the live
  variables have doubled, from SWEEP_MIN) drops the rest: variables no
  object maps to any more (older versions of an array written in place,
  views kept weakly) and the view registrations whose views all died.
- *Nesting.*  Once a transform runs inside (its level on this tape: `hvp`
  is a `jvp` of `grad`), its pass reads its segment of the tape after its
  level ends: from then on nothing is forgotten (tangents are still pushed
  as recorded; memory is the recorded path's).
- *Failures.*  A push that fails while the function runs (a rule without a
  JVP, a recursion limit met deep in the user's code) is not raised into
  the user's code: the streaming stalls, the tape keeps everything from
  that equation on, and the pushes resume when the function has returned,
  where the recorded path runs them (raising there if they fail again).

The columns are dicts of the live variables (`Values`: `len()` is the
number of variables recorded, as a Tape's lists have it).
"""
import os
import sys
import threading

from ..interpreter import ENTRY_LOCK
from ..interpreter.state import restore_profile
from ..rules import derived
from ..rules.numpy import set_needs, _NEEDS
from ..tape.tape import Tape, INPUT
from .context import CTX
from .forward import push_one
from .reverse import differentiating, run_forward, derivative_errors

# Equations recorded between two pushes, and live variables below which no
# sweep runs.  (BCAD_JVP_BATCH=1 BCAD_JVP_SWEEP=1 run every streamed jvp
# with a push at every equation and a sweep at every push: the test suite
# passes that way too.)
BATCH = int(os.environ.get("BCAD_JVP_BATCH", 256))
SWEEP_MIN = int(os.environ.get("BCAD_JVP_SWEEP", 1024))


# The last streamed jvp: variables recorded, the most kept at once (before
# a batch was pushed and forgotten), kept at the end, whether a transform
# inside made it keep everything.  (tests, benchmarks)
LAST_STATS = {}


class Values(dict):
    """The values column of a TangentTape: variable -> value, for the live
    variables (a forgotten one reads as None); `len()` is the number of
    variables recorded (the next variable), as a Tape's list has it.  (The
    other columns are plain dicts.)"""
    __slots__ = ("n",)

    def __missing__(self, key):
        return None

    def __len__(self):
        return self.n


def _count(vals, v):
    """References to the value of variable v, counted as
    TangentTape._collect counts them (BASE: held by `vals` only)."""
    x = vals[v]
    return sys.getrefcount(x)


def _base():
    vals = Values()
    vals.n = 1
    vals[0] = object()
    return _count(vals, 0)


BASE = _base()


class TangentTape(Tape):
    """A Tape whose equations' tangents are computed as they are recorded
    (module docstring).  `seeds`: the tangents of the differentiable input
    leaves in the order they become inputs (None: zero)."""
    __slots__ = ("tan", "seeds", "seeded", "pushed", "flush_at", "keep", "stalled", "sweep_at",
                 "flushing", "peak", "young")
    keeps_views = False     # (a view the registry held would never be forgotten)

    def __init__(self, seeds):
        super().__init__()
        self.reads = None   # (an alias of a forgotten variable would lose its tangent)
        self.fuses = False  # (each equation is pushed as it is recorded)
        self.vals = Values()
        self.vals.n = 0
        # (no list of the array variables: release_values, which reads it,
        # must leave the values alone for the pushes still to come, and
        # recorded_as scans the live values)
        self.large_arrays = ()
        # (plain dicts: their subscripts are the interpreter's fast ones)
        self.prim, self.a, self.b, self.params = {}, {}, {}, {}
        self.site = {}               # (sites are for dumps of recorded tapes: none kept)
        self.tan = {}                # var -> tangent (None: zero), every pushed variable's
        self.seeds = seeds
        self.seeded = 0
        self.pushed = 0              # equations before it are pushed
        self.flush_at = BATCH
        self.keep = False            # a transform ran inside: forget nothing
        self.stalled = False         # a push failed: the rest waits for finish()
        self.sweep_at = SWEEP_MIN
        self.flushing = False
        self.peak = 0                # the most variables kept at once (LAST_STATS)
        self.young = []              # variables that survived their batch's _collect

    # -- recording ---------------------------------------------------------
    def _next(self):
        """The variable of the equation about to be recorded."""
        vals = self.vals
        v = vals.n
        if v >= self.flush_at or len(CTX.levels) > 1:
            self._between(v)
        vals.n = v + 1
        return v

    def _between(self, v):
        """Before equation v is recorded: note a transform running inside
        (its pass will read the tape: keep everything), push the pending
        equations when a batch is full."""
        if len(CTX.levels) > 1:
            self.keep = True
        if v >= self.flush_at:
            self._flush(v)

    def new_input(self, value, site=None):
        v = self._next()
        self.ids[id(value)] = v
        self.vals[v] = value
        self.prim[v] = INPUT
        self.a[v] = -1
        self.b[v] = -1
        self.params[v] = None
        k = self.seeded
        if k < len(self.seeds):
            # (the transform's own inputs come first, in order; those of a
            # transform inside it are constants here)
            self.seeded = k + 1
            t = self.seeds[k]
            if t is not None:
                self.tan[v] = derived.like(value, t)
                return v
        self.tan[v] = None
        return v

    def record2(self, prim, out, x, y, site):
        vals = self.vals
        v = vals.n
        if v >= self.flush_at or len(CTX.levels) > 1:
            self._between(v)
        vals.n = v + 1
        ids = self.ids
        va = ids.get(id(x), -1)
        vb = ids.get(id(y), -1)
        ids[id(out)] = v
        vals[v] = out
        self.prim[v] = prim
        self.a[v] = va
        self.b[v] = vb
        self.params[v] = None if va >= 0 and vb >= 0 else (x, y)
        return v

    def record2_vars(self, prim, out, va, vb, x, y, site):
        return self.record2(prim, out, x, y, site)

    def record1(self, prim, out, x, site, params=None):
        vals = self.vals
        v = vals.n
        if v >= self.flush_at or len(CTX.levels) > 1:
            self._between(v)
        vals.n = v + 1
        ids = self.ids
        va = ids.get(id(x), -1)
        ids[id(out)] = v
        vals[v] = out
        self.prim[v] = prim
        self.a[v] = va
        self.b[v] = -1
        if params is None and va < 0:
            params = (x,)
        self.params[v] = params
        return v

    def record_general(self, prim, out, in_vars, args, kwargs, site):
        return self.record_params(prim, out, in_vars, (args, kwargs), site)

    def record_params(self, prim, out, in_vars, params, site):
        vals = self.vals
        v = vals.n
        if v >= self.flush_at or len(CTX.levels) > 1:
            self._between(v)
        vals.n = v + 1
        self.ids[id(out)] = v
        vals[v] = out
        self.prim[v] = prim
        self.a[v] = in_vars
        self.b[v] = -2
        self.params[v] = params
        return v

    # -- pushing and forgetting ---------------------------------------------
    def finish(self):
        """Push the pending equations (the function has returned): a failure
        raises now."""
        with ENTRY_LOCK:
            self.stalled = False
            lo = self.pushed
            self._push(self.vals.n, final=True)
            if not self.keep:
                self._forget(lo, self.vals.n)
        LAST_STATS.clear()
        LAST_STATS.update(recorded=self.vals.n, peak_live=max(self.peak, self.live()),
                          live=self.live(), kept=self.keep)
        if self.seeded != len(self.seeds):
            raise AssertionError("bcad internal error: the streamed jvp's inputs and seeds "
                                 "differ")

    def _flush(self, end):
        if self.flushing:
            raise AssertionError("bcad internal error: recorded on the streaming tape while "
                                 "pushing its tangents")
        lo = self.pushed
        if not self.stalled:
            self._push(end)
        n = dict.__len__(self.vals)
        if n > self.peak:
            self.peak = n
        if not self.keep:
            self._forget(lo, end)
        self.flush_at = end + BATCH

    def _push(self, end, final=False):
        """Push equations self.pushed..end, in the environment of a push
        after a recording (module docstring)."""
        ctx = CTX
        saved = ctx.tape, ctx.levels, ctx.owner
        needs = tuple(_NEEDS)
        prof = sys.getprofile()
        if prof is not None:
            sys.setprofile(None)
        self.flushing = True
        levels = _Levels()
        ctx.tape, ctx.levels, ctx.owner = None, levels, None
        v = self.pushed
        try:
            with differentiating(False), derivative_errors():
                set_needs(None)
                tan = self.tan
                for v in range(v, end):
                    t = push_one(self, v, tan)
                    if t is not None or v not in tan:     # (an input has its seed)
                        tan[v] = t
                v = end
        except Exception:
            if final:
                raise
            self.stalled = self.keep = True     # (v and on: pushed by finish())
        finally:
            self.pushed = v
            ctx.tape, ctx.levels, ctx.owner = saved
            set_needs(*needs)
            if prof is not None:
                restore_profile(prof)
            self.flushing = False
        if levels.entered:
            _rearm_other_threads()

    def _forget(self, lo, end):
        """Drop the equations lo..end just pushed but their values and
        tangents (and the residual holders pointing at them); sweep the
        values when the live ones have doubled."""
        # (nothing is pending: the columns hold only pushed equations)
        self.prim.clear()
        self.a.clear()
        self.b.clear()
        self.params.clear()
        holders = self.holders
        if holders:
            for k in [*holders.keys()]:
                lst = holders[k]
                kept = [lst[0]]
                for x, v in zip(lst[1::2], lst[2::2]):
                    if v >= end:
                        kept += (x, v)
                if len(kept) > 1:
                    holders[k] = kept
                else:
                    del holders[k]
        self._collect(lo, end)
        if dict.__len__(self.vals) >= self.sweep_at:
            self._sweep()
            self.sweep_at = max(SWEEP_MIN, 2 * dict.__len__(self.vals))

    def _collect(self, lo, end):
        """Forget the values (and tangents) of the equations lo..end just
        pushed, and of those that survived the previous batch, that only the
        tape holds, when their variable is their value's: most die young (a
        loop's intermediates, its carried values a batch later); what
        survives twice waits for a sweep."""
        vals, tan, ids = self.vals, self.tan, self.ids
        ids_get = ids.get
        getrc = sys.getrefcount
        base = BASE
        tan_pop = tan.pop
        for v in self.young:
            x = vals[v]
            if getrc(x) <= base:
                i = id(x)
                if ids_get(i) == v:
                    del ids[i]
                    del vals[v]
                    tan_pop(v, None)
        young = []
        for v in range(lo, end):
            x = vals[v]
            if getrc(x) <= base:
                i = id(x)
                if ids_get(i) == v:
                    del ids[i]
                    del vals[v]
                    tan_pop(v, None)
                    continue
            young.append(v)
        self.young = young

    def _sweep(self):
        """Forget the values (and tangents) no later equation can read: a
        variable `ids` does not map to, or whose value only the tape holds
        (with its `ids` entry).  Nothing is pending when this runs."""
        views = self.views
        for k in [*views.keys()]:
            lst = views[k]
            for w in lst[1:]:
                if w() is not None:
                    break
            else:
                del views[k]
        vals, tan, ids = self.vals, self.tan, self.ids
        mapped = set(ids.values())
        dead = [v for v in vals.keys() if v not in mapped]
        for v in dead:
            del vals[v]
            tan.pop(v, None)
        base = BASE
        for v in [*vals.keys()]:
            i = id(vals[v])
            if ids.get(i) == v and _count(vals, v) <= base:
                del ids[i]
                del vals[v]
                tan.pop(v, None)

    def recorded_as(self, x):
        vals = self.vals
        return [v for v in dict.keys(vals) if vals[v] is x]

    def live(self):
        """How many variables the tape keeps (tests, benchmarks)."""
        return dict.__len__(self.vals)


class _Levels(list):
    """The (empty) level stack while a batch is pushed: did a transform
    run there (a derived JVP's `grad`)?"""
    __slots__ = ("entered",)

    def __init__(self):
        super().__init__()
        self.entered = False

    def append(self, level):
        self.entered = True
        list.append(self, level)


_ALL_THREADS = hasattr(threading, "setprofile_all_threads")


def _rearm_other_threads():
    """A transform the push ran (a derived JVP's `grad`) removed the hook
    that refuses other threads' native code on differentiable values from
    the threads running (3.12+: OtherThreads.__exit__): put it back."""
    if not _ALL_THREADS:
        return
    from .boundary import OtherThreads
    hook = threading.getprofile()
    if type(getattr(hook, "__self__", None)) is OtherThreads:
        mine = sys.getprofile()
        threading.setprofile_all_threads(hook)
        restore_profile(mine)


def _check_counts():
    """Do _collect and _sweep count references as BASE says (a value only
    the tape holds is forgotten, one held elsewhere too is kept)?  Else
    (another interpreter's reference counting) nothing is forgotten by
    count: memory grows as the recorded path's, the tangents stay exact."""
    global BASE
    for how in ("_collect", "_sweep"):
        tape = TangentTape([])
        held = []
        for v in range(4):
            x = float(v) + 0.5
            tape.ids[id(x)] = v
            tape.vals[v] = x
            tape.tan[v] = None
            if v % 2:
                held.append(x)
        del x
        tape.vals.n = 4
        if how == "_collect":
            tape._collect(0, 4)
        else:
            tape._sweep()
        if sorted(dict.keys(tape.vals)) != [1, 3] or sorted(tape.ids.values()) != [1, 3]:
            BASE = -1
            return False
    return True


COUNTS_OK = _check_counts()


def record(fun, primals, seeds, kind="jvp"):
    """Interpret fun(*primals) on a TangentTape with `seeds` the tangents of
    the differentiable leaves of the primals, in order; returns the
    forward result (reverse.VJPResult) and the tape, every tangent pushed."""
    tape = TangentTape(seeds)
    res = run_forward(fun, primals, {}, tuple(range(len(primals))), tape=tape, kind=kind)
    tape.finish()
    return res, tape
