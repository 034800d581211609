"""Interpreter differences between CPython 3.11, 3.12 and 3.13, in one place.

Handlers that differ register per version with `@op(..., versions=...)`;
the rest of the differences are the small values and helpers below.
"""
import sys

from ..decode import NULL

V = sys.version_info[:2]
PY311 = V == (3, 11)
PY312 = V == (3, 12)
PY313 = V >= (3, 13)

# FOR_ITER on exhaustion pops the iterator and jumps past its target's
# END_FOR (3.12) or END_FOR + POP_TOP (3.13); 3.11 has no END_FOR.
FOR_ITER_SKIP = {(3, 11): 0, (3, 12): 1}.get(V, 2)

# How many values END_FOR pops.
END_FOR_POPS = 2 if PY312 else 1


def unbound_local_message(name):
    return f"cannot access local variable '{name}' where it is not associated with a value"


def unbound_free_message(name):
    return (f"cannot access free variable '{name}' where it is not associated with a value "
            f"in enclosing scope")


def push_callable(stack, value):
    """A callable with no self (LOAD_ATTR/LOAD_SUPER_ATTR method form)."""
    if PY313:
        stack.append(value)
        stack.append(NULL)
    else:
        stack.append(NULL)
        stack.append(value)


def throw_after_delegation(f, err, resume):
    """A `yield from` sub-iterator raised `err` during throw(): continue the
    delegating frame.  3.12+ route it through the frame's exception table
    (CLEANUP_THROW); 3.11 pops the sub-iterator and jumps past the SEND loop."""
    if not PY311:
        return resume(f, err)
    f.stack.pop()
    send = f.code.instrs[f.yield_pc - 1]
    if isinstance(err, StopIteration):
        f.stack.append(err.value)
        f.pc = send.target
        return resume(f, None)
    return resume(f, err)

# BEFORE_WITH's message when __exit__ is missing.
MISSED_EXIT = " (missed __exit__ method)"
