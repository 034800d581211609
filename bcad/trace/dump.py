"""BCAD_TRACE_DIR: dump a trace of every bcad.grad / value_and_grad call.

api.py calls `dump_if_requested(res, fun, nums, single, out=value)` in
value_and_grad once the output is known; when the environment variable BCAD_TRACE_DIR names a folder,
the trace is written there as text (`.txt`: forward tape and adjoint) and
JSON (`.json`).  Costs one environment look-up when the variable is unset.
"""
import itertools
import os
import re
import sys

ENV = "BCAD_TRACE_DIR"
_COUNTER = itertools.count(1)


def tape_if_requested():
    """The tape for a gradient whose trace will be dumped: one on which
    every operation is an equation (no expression equations), as the dump
    shows them; None (a new default tape) when no dump is requested, or
    inside another transform (which records on its own tape)."""
    if not os.environ.get(ENV):
        return None
    from ..tape.tape import Tape
    from ..transforms.context import recording
    if recording() is not None:
        return None
    tape = Tape()
    tape.fuses = False
    return tape


def dump_if_requested(res, fun=None, argnums=(0,), single=None, out=None):
    """Write the trace of `res` (a VJPResult) into $BCAD_TRACE_DIR, if set.
    `out`: the differentiated output when it is not `res.out` (has_aux).
    Returns the paths written (an empty list when not requested).  A failure
    to dump is reported on stderr and never breaks the gradient call."""
    folder = os.environ.get(ENV)
    if not folder or getattr(res, "start", None) is not None:
        return []       # (a transform inside another: its equations are on the outer trace)
    try:
        from .trace import Trace
        nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
        tr = Trace(res, fun, nums, len(nums) == 1 if single is None else single, out=out)
        os.makedirs(folder, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", tr.function_name)[:60] or "function"
        stem = os.path.join(folder, f"bcad-{os.getpid()}-{next(_COUNTER):04d}-{name}")
        return tr.save(stem, ("txt", "json"))
    except Exception as e:          # noqa: BLE001 - a debug aid must not break grad
        print(f"bcad: could not write a trace to {folder}: {type(e).__name__}: {e}",
              file=sys.stderr)
        return []
