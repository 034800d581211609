"""The `operator` module's functions are the interpreter's operators."""
import operator

from . import RULES, BINARY, UNARY

for _name, _k in (("add", 0), ("sub", 10), ("mul", 5), ("truediv", 11), ("mod", 6), ("pow", 8),
                  ("iadd", 13), ("isub", 23), ("imul", 18), ("itruediv", 24), ("imod", 19),
                  ("ipow", 21)):
    RULES[getattr(operator, _name)] = BINARY[_k]
for _name in ("__add__", "__sub__", "__mul__", "__truediv__", "__mod__", "__pow__"):
    RULES[getattr(operator, _name)] = RULES[getattr(operator, _name.strip("_"))]
RULES[operator.neg] = UNARY["__neg__"]
RULES[operator.pos] = UNARY["__pos__"]
RULES[operator.abs] = UNARY["__abs__"]
