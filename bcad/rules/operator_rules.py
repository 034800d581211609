"""The `operator` module's functions are the interpreter's operators."""
import operator

from . import RULES, BINARY, UNARY, defzero

for _name, _k in (("add", 0), ("sub", 10), ("mul", 5), ("truediv", 11), ("mod", 6), ("pow", 8),
                  ("iadd", 13), ("isub", 23), ("imul", 18), ("itruediv", 24), ("imod", 19),
                  ("ipow", 21)):
    RULES[getattr(operator, _name)] = BINARY[_k]
RULES[operator.neg] = UNARY["__neg__"]
RULES[operator.pos] = UNARY["__pos__"]
RULES[operator.abs] = UNARY["__abs__"]
# x // y on floats is piecewise constant (the BINARY_OP form records nothing).
for _name in ("floordiv", "ifloordiv"):
    defzero(getattr(operator, _name))
# The dunder aliases (operator.__add__ is operator.add in CPython, but the
# pure-Python module defines them separately).
for _name in ("add", "sub", "mul", "truediv", "mod", "pow", "neg", "pos", "abs", "floordiv",
              "iadd", "isub", "imul", "itruediv", "imod", "ipow", "ifloordiv"):
    _dunder = getattr(operator, f"__{_name}__", None)
    if _dunder is not None:
        RULES[_dunder] = RULES[getattr(operator, _name)]
