"""Shared by the trace tests: the golden cases and file locations."""
import os

import bcad
from .programs import physics, piecewise, library

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "golden")

# name -> (function, argnums, args, format options)
CASES = {
    "physics": (physics.energy, 0, (0.8,), {}),
    "piecewise_price": (piecewise.price, (0, 1), (3.0, 19.99), {"values": True}),
    "piecewise_scaled": (piecewise.scaled, (0, 1), (3.0, 0.26), {"values": True}),
    "library_collapsed": (library.hue_and_light, (0, 1), (0.5, 0.75),
                          {"collapse_libraries": True}),
}


def trace_of(name):
    fun, argnums, args, _ = CASES[name]
    return bcad.trace(fun, argnums)(*args)


def dump(name):
    """The golden text: forward tape, a blank line, the adjoint."""
    opts = CASES[name][3]
    tr = trace_of(name)
    return tr.format(**opts) + "\n\n" + tr.adjoint.format(**opts) + "\n"
