"""The lookaside table: replacements for C callables that would otherwise run
Python-level code natively (callbacks, dunders) or need the interpreted
frame (super(), locals(), sys._getframe, exec/eval, sys.exc_info).

Each replacement reproduces the C function's behaviour, including its
argument errors (usually by finally calling the C function itself with
arguments whose Python parts have been made safe: trampolines for
callbacks, interpreted iterators for iterables).  This package is the one place that
lists them (one module per area); it fills `calls.LOOKASIDES`,
`calls.METHOD_LOOKASIDES` and `calls.CALLABLE_TYPE_LOOKASIDES`.
"""
from ._registry import lookaside, safe_iterable  # noqa: F401  (the package interface)
from . import frames, classes, protocols, iteration, execution, callbacks  # noqa: F401
from .frames import frame_locals, FrameProxy  # noqa: F401
from .classes import isinstance_, issubclass_  # noqa: F401
from .execution import register_bcad  # noqa: F401
