"""Interpreter-wide state: the interpreted call stack, handled exceptions,
recursion accounting and pending traceback entries.

bcad interprets on one thread at a time; this module is that thread's state.
"""
import sys


class State:
    __slots__ = ("frame", "depth", "exc_slots", "propagating", "tb", "user_limit",
                 "native_limit", "entries")

    def __init__(self):
        self.frame = None          # innermost interpreted Frame
        self.depth = 0             # number of interpreted frames running
        self.exc_slots = [[None]]  # handled-exception slots; generators push their own
        self.propagating = None    # exception leaving an interpreted frame (no re-chaining)
        self.tb = {}               # id(exc) -> (exc, [(code, pc), ...]) innermost first
        self.user_limit = None     # the recursion limit user code sees
        self.native_limit = None
        self.entries = 0           # nesting of top-level interpret() calls


STATE = State()

# How many native Python frames one interpreted frame may need (run loop,
# handler, call dispatch, binding, plus lookasides and trampolines).
NATIVE_FRAMES_PER_FRAME = 12


def current_handled():
    """The exception currently being handled (sys.exception()) in interpreted code."""
    for slot in reversed(STATE.exc_slots):
        if slot[0] is not None:
            return slot[0]
    return None


# Called when interpretation starts afresh (caches derived from classes must
# not outlive code that ran natively in between).
ON_FIRST_ENTRY = []


def enter():
    st = STATE
    if st.entries == 0:
        for hook in ON_FIRST_ENTRY:
            hook()
        st.user_limit = sys.getrecursionlimit()
        st.native_limit = st.user_limit
        want = st.user_limit * NATIVE_FRAMES_PER_FRAME + 200
        if want > st.native_limit:
            sys.setrecursionlimit(want)
    st.entries += 1


def leave():
    st = STATE
    st.entries -= 1
    if st.entries == 0:
        sys.setrecursionlimit(st.user_limit)
        st.tb.clear()
        st.propagating = None


def set_user_recursion_limit(n):
    st = STATE
    sys.setrecursionlimit(n)      # validates like CPython (and raises its errors)
    st.user_limit = n
    sys.setrecursionlimit(max(n * NATIVE_FRAMES_PER_FRAME + 200, 1000))
