"""Interpreter-wide state: the interpreted call stack, handled exceptions,
recursion accounting and pending traceback entries.

bcad interprets on one thread at a time; this module is that thread's state.
"""
import sys


class State:
    __slots__ = ("frame", "depth", "exc_slots", "propagating", "tb", "user_limit",
                 "native_limit", "entries")
    # `depth` starts at the number of native Python frames below the first
    # interpret() call, so the user's recursion limit counts them as CPython does.

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
        st.depth = _native_depth()
        st.user_limit = sys.getrecursionlimit()
        st.native_limit = st.user_limit
        want = st.user_limit * NATIVE_FRAMES_PER_FRAME + 200
        if want > st.native_limit:
            sys.setrecursionlimit(want)
    st.entries += 1


def _native_depth():
    """Native Python frames of the caller, not counting bcad's own."""
    f = sys._getframe(2)
    n = 0
    while f is not None:
        if not f.f_code.co_filename.startswith(_BCAD_DIR):
            n += 1
        f = f.f_back
    return n


_BCAD_DIR = __file__.rsplit("/interpreter/", 1)[0] + "/"


def leave():
    st = STATE
    st.entries -= 1
    if st.entries == 0:
        st.depth = 0
        sys.setrecursionlimit(st.user_limit)
        st.tb.clear()
        st.propagating = None


def set_user_recursion_limit(n):
    """sys.setrecursionlimit as seen by interpreted code: the limit applies to
    the interpreted depth (plus the native frames below the interpreter)."""
    st = STATE
    if not isinstance(n, int) or isinstance(n, bool):
        sys.setrecursionlimit(n)      # CPython's TypeError
    if n < 1:
        raise ValueError("recursion limit must be greater or equal than 1")
    if st.depth >= n:
        raise RecursionError(f"cannot set the recursion limit to {n} at the recursion depth "
                             f"{st.depth}: the limit is too low")
    st.user_limit = n
    sys.setrecursionlimit(max(n * NATIVE_FRAMES_PER_FRAME + 200, sys.getrecursionlimit()))
