"""Object protocols with Python-level dunders routed through the interpreter.

For objects of static (C-defined) types, CPython's own operation is used
directly: no Python code can run.  For instances of heap types (classes
written in Python), the protocol is re-implemented here so that every
Python-level dunder, property and descriptor is *interpreted*, with CPython's
dispatch rules (reflected operands, the subclass priority rule,
NotImplemented, identity fallback of ==, __getattr__ fallback, ...).

- core.py: static/plain type classification, MRO lookup, calling dunders, truth
- attributes.py: getattr/setattr/delattr, descriptors, super()
- operators.py: binary, in-place, comparison and unary operators
- protocols.py: iteration, subscripts, membership, len, str/repr/format/hash
"""
# flake8: noqa: F401 - this package re-exports its modules' interface
from .core import (HEAPTYPE, STATIC, C_BASE, PLAIN, NATIVE_ATTR, native_name, AD_HOOKS, set_call, lookup, type_name,
                   call_method, class_mutated, truth, len_result, index_)
from .attributes import (getattr_, class_getattr, load_method, setattr_, delattr_,
                         super_getattr)
from .operators import (NATIVE_BINARY, NATIVE_COMPARE, NATIVE_UNARY, binary_op, binary_op_named,
                        compare, compare_bool, unary)
from .protocols import (SeqIter, len_, iter_, next_, iterate, getitem, setitem, delitem,
                        contains, repr_, str_, ascii_, format_, hash_)
