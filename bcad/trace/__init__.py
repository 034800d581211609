"""Debug dumps of bcad's tapes: `bcad.trace(f)(*args)` returns a `Trace`.

    tr = bcad.trace(f)(1.0, 2.0)
    print(tr)                      # forward tape, SSA form, with source lines
    print(tr.adjoint)              # adjoint program
    tr.adjoint_source()            # readable Python of the adjoint
    tr.to_json(), tr.to_dot(), tr.to_html()

Also: `dump_if_requested(res)` (BCAD_TRACE_DIR dumps of bcad.grad calls)
and `format_interpreted_stack()` (the interpreted call stack, for error
messages).  See docs/debugging.md.
"""
from .trace import Trace, trace
from .recorder import format_interpreted_stack, interpreted_stack, is_library_file
from .dump import dump_if_requested

# `from .trace import trace` in bcad/__init__.py makes `bcad.trace` this
# function: give it the package's other names too.
trace.Trace = Trace
trace.dump_if_requested = dump_if_requested
trace.format_interpreted_stack = format_interpreted_stack
trace.interpreted_stack = interpreted_stack

__all__ = ["trace", "Trace", "dump_if_requested", "format_interpreted_stack",
           "interpreted_stack", "is_library_file"]
