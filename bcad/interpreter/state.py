"""Interpreter-wide state: the interpreted call stack, handled exceptions,
recursion accounting and pending traceback entries.

bcad interprets on one thread at a time; this module is that thread's state.
"""
import sys
import threading


class State:
    __slots__ = ("frame", "depth", "exc_slots", "propagating", "tb", "user_limit",
                 "native_limit", "native_base", "entries", "inline_limit", "call_limit")
    # `depth` starts at the number of native Python frames below the first
    # interpret() call, so the user's recursion limit counts them as CPython does.

    def __init__(self):
        self.frame = None          # innermost interpreted Frame
        self.depth = 0             # number of interpreted frames running
        self.exc_slots = [[None]]  # handled-exception slots; generators push their own
        self.propagating = None    # exception leaving an interpreted frame (no re-chaining)
        self.tb = {}               # id(exc) -> (exc, [(code, pc), ...]) innermost first
        self.user_limit = None     # the recursion limit user code sees
        self.native_limit = None   # the native limit while interpreting
        self.native_base = 0       # native Python frames when interpretation started
        self.entries = 0           # nesting of top-level interpret() calls
        self.inline_limit = INLINE_ROOM  # callees up to this depth may run nested (calls._INLINE)
        self.call_limit = INLINE_ROOM    # min(user_limit, inline_limit): blocks that call check it


# How many levels of interpreted calls above the depth where interpretation
# started may run nested in their caller's handler (handlers/calls.py,
# _INLINE: about one native frame each, no C stack on 3.11+).  Counted by
# depth (STATE.inline_limit), so frames of nested runs count too; deeper
# calls switch frames in the run loop.
INLINE_ROOM = 200

STATE = State()

# The interpreter's state (STATE, the differentiation mode's tables, the
# transform context and its tapes: transforms/context.py) is one per
# process: threads take turns, one top-level call at a time (a parameter
# sweep on a ThreadPoolExecutor gets correct results); the context's levels
# belong to the thread holding this lock.  C code
# calling back into Python from another thread while one interprets runs
# that Python code natively, as CPython would (`callback_entry`).
ENTRY_LOCK = threading.RLock()


def interpreting_here():
    """Does this thread hold the interpreter?"""
    return ENTRY_LOCK._is_owned()

# How many native Python frames one interpreted frame may need (run loop,
# handler, call dispatch, binding, plus lookasides and trampolines).
NATIVE_FRAMES_PER_FRAME = 12

# The native recursion limit is raised while interpreting (a nested `run`
# costs several native frames), but never so far that the C stack can
# overflow.  Some paths recurse natively without creating interpreted frames
# (an instance whose __call__ is an instance, __getattr__, dunders called by C
# code, sorted(key=...) calling sorted, map), and each native Python frame of
# bcad may sit on C frames (list.sort's is several KiB): CPython 3.11 counts C
# recursion and Python frames against one limit, 3.12/3.13 bound C recursion
# with a fixed limit sized for an 8 MiB stack that list.sort's frames (and on
# smaller stacks, str.format's and others) exceed.  So the native limit is
# capped at a budget of native frames above the depth where interpretation
# started: the thread's stack size divided by the worst C stack use per native
# Python frame measured on bcad's recursion shapes
# (tests/interpreter/test_no_crash.py), about 560 bytes (sorted, list.sort,
# str.format on 3.11), and on 3.13 with a stack under 8 MiB 1200 bytes
# (str.format), with 25% to spare.  CPython's own check then raises
# RecursionError before the stack runs out.  Calls of plain Python functions
# run nested in their caller's handler only up to INLINE_ROOM levels at once,
# then switch frames in the run loop without native frames (handlers/calls.py),
# so they still reach the user's limit; recursion through nested runs (keyword
# arguments, generators, dunders, callbacks of C functions) can hit the cap
# first when the user's limit is raised.
NATIVE_FRAME_BYTES = 700
SMALL_STACK = 8 << 20
SMALL_STACK_FRAME_BYTES = 1500 if sys.version_info >= (3, 13) else NATIVE_FRAME_BYTES
_DEBUG_FACTOR = 4 if hasattr(sys, "gettotalrefcount") else 1    # debug build: larger C frames
_ASSUMED_STACK = 8 << 20      # when the stack size is unknown or unlimited
_MIN_BUDGET = 100             # native frames bcad always allows itself
NATIVE_BUDGET = None          # overrides the computed budget (measurements, tests)


def _stack_bytes(main):
    """A conservative size of the current thread's C stack."""
    if not main:
        size = _thread_stack_size()
        return size if size else _THREAD_STACK_FALLBACK
    try:
        import resource
        soft = resource.getrlimit(resource.RLIMIT_STACK)[0]
    except Exception:                   # no resource module (Windows: 1-2 MiB stacks)
        return 1 << 20
    if soft == resource.RLIM_INFINITY or soft <= 0:
        return _ASSUMED_STACK
    return soft


_THREAD_STACK_FALLBACK = 1 << 20


def _thread_stack_size():
    """The stack size of the current (non-main) thread, from pthreads, or 0.
    (threading.stack_size() is the size for threads created later, and
    calling it without an argument resets it.)"""
    try:
        import ctypes
        libc = ctypes.CDLL(None)
        self_ = libc.pthread_self
        self_.restype = ctypes.c_void_p
        if sys.platform == "darwin":
            get = libc.pthread_get_stacksize_np
            get.restype, get.argtypes = ctypes.c_size_t, [ctypes.c_void_p]
            return int(get(self_()))
        if not sys.platform.startswith("linux"):
            return 0
        attr = ctypes.create_string_buffer(256)          # >= sizeof(pthread_attr_t)
        getattr_np = libc.pthread_getattr_np
        getattr_np.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        if getattr_np(self_(), attr) != 0:
            return 0
        addr, size = ctypes.c_void_p(), ctypes.c_size_t()
        getstack = libc.pthread_attr_getstack
        getstack.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
        rc = getstack(attr, ctypes.byref(addr), ctypes.byref(size))
        libc.pthread_attr_destroy.argtypes = [ctypes.c_void_p]
        libc.pthread_attr_destroy(attr)
        return int(size.value) if rc == 0 else 0
    except Exception:
        return 0


def native_budget():
    """How many native Python frames interpretation may use above its entry
    (computed once per thread)."""
    if NATIVE_BUDGET is not None:
        return NATIVE_BUDGET
    try:
        return _PER_THREAD.budget
    except AttributeError:
        pass
    stack = _stack_bytes(threading.current_thread() is threading.main_thread())
    usable = stack - min(stack // 8, 256 << 10)     # what ran below the first entry
    per = NATIVE_FRAME_BYTES if stack >= SMALL_STACK else SMALL_STACK_FRAME_BYTES
    budget = _PER_THREAD.budget = max(_MIN_BUDGET, usable // (per * _DEBUG_FACTOR))
    return budget


_PER_THREAD = threading.local()


def _native_limit(user_limit):
    """The native recursion limit for a user limit: enough for `user_limit`
    nested interpreted frames, capped by the stack."""
    st = STATE
    want = user_limit * NATIVE_FRAMES_PER_FRAME + 200
    return min(want, st.native_base + native_budget())


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
        st.depth, st.native_base = _native_depth()
        st.inline_limit = st.depth + INLINE_ROOM
        st.user_limit = sys.getrecursionlimit()
        st.call_limit = min(st.user_limit, st.inline_limit)
        st.native_limit = _native_limit(st.user_limit)
        _set_native(st.native_limit)
    st.entries += 1


def _native_depth():
    """Native Python frames of the caller not counting bcad's own, and all of
    them."""
    f = sys._getframe(1)
    n = total = 0
    while f is not None:
        if not f.f_code.co_filename.startswith(_BCAD_DIR):
            n += 1
        total += 1
        f = f.f_back
    return n, total


def _set_native(n):
    try:
        sys.setrecursionlimit(n)
    except RecursionError:            # already deeper natively: keep the current limit
        pass


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
    st.call_limit = min(n, st.inline_limit)
    st.native_limit = _native_limit(n)
    _set_native(st.native_limit)


def restore_profile(prev):
    """sys.setprofile(prev) for a `prev` that sys.getprofile() returned.  On
    3.11 a running cProfile profiler is reported as its Profile object,
    which sys.setprofile cannot take back: it is re-enabled instead."""
    if prev is None or callable(prev):
        sys.setprofile(prev)
    elif hasattr(prev, "enable"):
        prev.enable()
    else:                               # pragma: no cover
        sys.setprofile(None)
