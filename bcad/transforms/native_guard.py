"""The guard around C code that could run Python natively while a tape
records: a profile hook that refuses Python code it sees called, when that
code is the user's or reaches a differentiable value (it would compute with
it untraced, a silently wrong gradient).

Most C calls a tape sees go through it (tracking.call_c).  numpy's own
computations (an array rule's call, an operator on arrays, a write) run
Python only through a floating-point error's handler: np.errstate(call=...)
or a replaced warnings.showwarning.  `guarded` checks for those cheaply
(numpy's error state object is replaced whenever it changes) and installs
the hook around the numpy call alone, never around bcad's own bookkeeping
(whose Python helpers, such as numpy's dispatchers given tracked arrays,
would be refused for nothing).
"""
import os
import sys
import types

import numpy as np

from ..interpreter.state import restore_profile
from .context import CTX
from .boundary import _BCAD_DIR, is_user_file, refuse, reach, reraise_pending


def _reference_only_code():
    """Code objects of stdlib helpers that C runs natively and that only move
    references or answer a type question (the results are classified
    afterwards; Python code they call is checked on its own): copy.copy and
    pickle of namedtuples and plain objects, isinstance against an ABC."""
    import abc
    import collections
    import copyreg
    codes = {collections.namedtuple("_T", "a").__getnewargs__.__code__}
    for name in ("__instancecheck__", "__subclasscheck__"):
        fn = vars(abc.ABCMeta).get(name)
        if type(fn) is types.FunctionType:
            codes.add(fn.__code__)
    for name in ("__reduce_ex__", "_reconstructor", "__newobj__", "__newobj_ex__"):
        fn = getattr(copyreg, name, None)
        if type(fn) is types.FunctionType:
            codes.add(fn.__code__)
    return frozenset(codes)


_REFERENCE_ONLY = _reference_only_code()


def _namedtuple_new(frame):
    """A namedtuple class's `__new__` (tuple.__new__ of its arguments, code
    that collections.namedtuple made with eval: file "<string>", like user
    code given to exec), called by the tokenize module under inspect.signature
    of a C function, or by any library code building a result."""
    return frame.f_code.co_filename == "<string>" and \
        str(frame.f_globals.get("__name__")).startswith("namedtuple_")


def is_numpy_dispatcher(code):
    """The helpers of numpy's __array_function__ layer that return the
    arguments to check: `_<name>_dispatcher`, and the functions of
    numpy/_core/multiarray.py named after the C function they dispatch
    (np.copyto, np.result_type, np.dot...)."""
    name, path = code.co_name, code.co_filename
    if f"{os.sep}numpy{os.sep}" not in path:
        return False
    return name.endswith("_dispatcher") or path.endswith(_MULTIARRAY) and not name.startswith("_")


_MULTIARRAY = f"core{os.sep}multiarray.py"


def no_python_hooks():
    """No Python code numpy could call natively on a floating-point error:
    no np.seterrcall handler, warnings.showwarning not replaced."""
    return _no_errcall() and WARNINGS.showwarning is ORIGINAL_SHOWWARNING


_EXTOBJ = getattr(getattr(np._core, "_ufunc_config", None), "_extobj_contextvar", None)
_errcall_seen = [None, False]     # (numpy's error state object, it has no Python errcall)
# numpy's error state object last seen with no Python errcall: hot paths
# test `errstate() is QUIET_STATE[0]` inline (about 50 ns; ad_handlers.rec).
QUIET_STATE = [None]
errstate = _EXTOBJ.get if _EXTOBJ is not None else object   # (object(): never QUIET)
WARNINGS = sys.modules["warnings"]
ORIGINAL_SHOWWARNING = WARNINGS.showwarning


def _no_errcall():
    """np.geterrcall() is None (numpy's Python call, answered once per state:
    the state object is replaced whenever np.seterr/seterrcall change it)."""
    if _EXTOBJ is None:
        return np.geterrcall() is None
    state = _EXTOBJ.get()
    if state is not _errcall_seen[0]:
        _errcall_seen[1] = np.geterrcall() is None
        _errcall_seen[0] = state
        if _errcall_seen[1]:
            QUIET_STATE[0] = state
    return _errcall_seen[1]


def guarded(what, fn, /, *args, **kwargs):
    """fn(*args, **kwargs), a numpy computation that bcad runs natively for
    the user's program (`what` names it in a refusal: the function, or a
    string such as "numpy's / operator"): under the guard when numpy could
    call Python natively on a floating-point error, through an
    np.errstate(call=handler) or a replaced warnings.showwarning (a handler
    computing with a differentiable value would be unseen)."""
    if (errstate() is QUIET_STATE[0] and WARNINGS.showwarning is ORIGINAL_SHOWWARNING) or \
            no_python_hooks():
        return fn(*args, **kwargs)
    tape = CTX.tape
    if tape is None:
        return fn(*args, **kwargs)
    refusal = tape.refusal
    with Guard(what, numpy_own=True):
        out = fn(*args, **kwargs)
    reraise_pending(tape, refusal)
    return out


class Guard:
    """Refuses Python code that C runs natively while differentiable values
    are in reach (it would compute with them untraced).  `numpy_own`: the
    call is numpy's computation of a rule or bcad's write, whose
    __array_function__ dispatchers (which return their arguments) are
    harmless."""
    __slots__ = ("fn", "prev", "numpy_own")

    def __init__(self, fn, numpy_own=False):
        self.fn = fn
        self.numpy_own = numpy_own

    def hook(self, frame, event, arg):
        if event == "call":
            fname_ = frame.f_code.co_filename
            if not fname_.startswith(_BCAD_DIR) and frame.f_code not in _REFERENCE_ONLY and \
                    not _namedtuple_new(frame):
                tape = CTX.tape
                if tape is None:
                    return
                if is_user_file(fname_):
                    refuse(self.fn, f"ran the Python function {frame.f_code.co_qualname} "
                           f"({fname_}:{frame.f_code.co_firstlineno}) natively while "
                           f"differentiating (bcad cannot see what it computes)")
                if self.numpy_own and is_numpy_dispatcher(frame.f_code):
                    return
                found, taint = reach(tape, tuple(frame.f_locals.values()))
                if found or taint:
                    if is_numpy_dispatcher(frame.f_code):
                        # numpy.sum(xs) and friends: the C dispatcher asks its
                        # Python helper for the arguments to check.
                        refuse(self.fn, "received a differentiable value where bcad's numpy "
                               "rules do not look for one (an object other than an array, "
                               "number or list of them)")
                    refuse(self.fn, f"ran the Python function {frame.f_code.co_qualname} "
                           f"({fname_}:{frame.f_code.co_firstlineno}) natively on a "
                           f"differentiable value")

    def __enter__(self):
        self.prev = sys.getprofile()
        sys.setprofile(self.hook)

    def __exit__(self, *exc):
        restore_profile(self.prev)
        return False
