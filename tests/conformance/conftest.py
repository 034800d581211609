"""Conformance-corpus fixtures.

When BCAD_TEST_NATIVE=1 the corpus only validates itself against native
CPython, so it must not need a working interpreter.  If `bcad` cannot be
imported yet (e.g. `bcad.interpreter` is still being written), install a
stand-in `bcad.interpreter` so `tests.support` can import `bcad`.  This is
never done for real (non-native) runs.
"""
import os
import sys
import types

if os.environ.get("BCAD_TEST_NATIVE") == "1":
    try:
        import bcad  # noqa: F401
    except ImportError:
        for _name in [m for m in sys.modules if m == "bcad" or m.startswith("bcad.")]:
            del sys.modules[_name]
        _stub = types.ModuleType("bcad.interpreter")
        _stub.interpret = lambda fn: fn
        _stub.is_interpreting = lambda: False
        sys.modules["bcad.interpreter"] = _stub
        import bcad  # noqa: F401,F811
