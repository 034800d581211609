"""Per-version decoding differences, resolved once at decode time.

Handlers see one form per operation:
- every unconditional jump is JUMP; 3.11's POP_JUMP_FORWARD/BACKWARD_IF_* are
  POP_JUMP_IF_*;
- LOAD_METHOD (3.11) and LOAD_ATTR with the method bit (3.12+) are
  LOAD_ATTR_METHOD; LOAD_GLOBAL with the NULL bit is LOAD_GLOBAL_NULL;
- 3.13's fused LOAD_FAST_LOAD_FAST, STORE_FAST_LOAD_FAST and
  STORE_FAST_STORE_FAST are split; LOAD_CLOSURE is LOAD_FAST (both load the
  cell object from its slot);
- local, cell and free variable arguments are indices into the fast-locals
  array; enum arguments (BINARY_OP, COMPARE_OP, intrinsics) are ints;
- NOP and 3.11's PRECALL are dropped (no semantics for us).
"""
import sys

from bytecode import CellVar, FreeVar
from bytecode.instr import UNSET

VERSION = sys.version_info[:2]

_RENAME = {
    "JUMP_FORWARD": "JUMP", "JUMP_BACKWARD": "JUMP",
    "JUMP_BACKWARD_NO_INTERRUPT": "JUMP", "JUMP_NO_INTERRUPT": "JUMP",
    "POP_JUMP_FORWARD_IF_FALSE": "POP_JUMP_IF_FALSE", "POP_JUMP_BACKWARD_IF_FALSE": "POP_JUMP_IF_FALSE",
    "POP_JUMP_FORWARD_IF_TRUE": "POP_JUMP_IF_TRUE", "POP_JUMP_BACKWARD_IF_TRUE": "POP_JUMP_IF_TRUE",
    "POP_JUMP_FORWARD_IF_NONE": "POP_JUMP_IF_NONE", "POP_JUMP_BACKWARD_IF_NONE": "POP_JUMP_IF_NONE",
    "POP_JUMP_FORWARD_IF_NOT_NONE": "POP_JUMP_IF_NOT_NONE",
    "POP_JUMP_BACKWARD_IF_NOT_NONE": "POP_JUMP_IF_NOT_NONE",
    "LOAD_CLOSURE": "LOAD_FAST",
}

_SLOT_OPS = frozenset([
    "LOAD_FAST", "STORE_FAST", "DELETE_FAST", "LOAD_FAST_CHECK", "LOAD_FAST_AND_CLEAR",
    "STORE_FAST_MAYBE_NULL", "LOAD_DEREF", "STORE_DEREF", "DELETE_DEREF", "MAKE_CELL",
    "LOAD_CLASSDEREF", "LOAD_FROM_DICT_OR_DEREF",
])

_DROP = frozenset(["NOP", "PRECALL", "CACHE", "EXTENDED_ARG"])


def _slot(code, arg):
    name = arg.name if isinstance(arg, (CellVar, FreeVar)) else arg
    if isinstance(arg, FreeVar):
        # free variables come last; by position, since the same name can
        # also be a local or a cell (decoder._for_bytecode)
        return code.nlocalsplus - code.nfree + code.co.co_freevars.index(name)
    return code.slot[name]


def normalize(name, arg, lineno, code):
    """Return the list of decoder Instrs for one `bytecode` instruction."""
    from .decoder import Instr
    if arg is UNSET:
        arg = None
    if name in _DROP:
        return []
    name = _RENAME.get(name, name)
    if name in _SLOT_OPS:
        return [Instr(name, _slot(code, arg), lineno)]
    if name == "LOAD_FAST_LOAD_FAST":
        return [Instr("LOAD_FAST", _slot(code, arg[0]), lineno),
                Instr("LOAD_FAST", _slot(code, arg[1]), lineno)]
    if name == "STORE_FAST_LOAD_FAST":
        return [Instr("STORE_FAST", _slot(code, arg[0]), lineno),
                Instr("LOAD_FAST", _slot(code, arg[1]), lineno)]
    if name == "STORE_FAST_STORE_FAST":
        return [Instr("STORE_FAST", _slot(code, arg[0]), lineno),
                Instr("STORE_FAST", _slot(code, arg[1]), lineno)]
    if name == "LOAD_METHOD":
        return [Instr("LOAD_ATTR_METHOD", arg, lineno)]
    if name == "LOAD_ATTR" and isinstance(arg, tuple):
        return [Instr("LOAD_ATTR_METHOD" if arg[0] else "LOAD_ATTR", arg[1], lineno)]
    if name == "LOAD_GLOBAL":
        return [Instr("LOAD_GLOBAL_NULL" if arg[0] else "LOAD_GLOBAL", arg[1], lineno)]
    if name == "COMPARE_OP":
        v = int(arg)
        return [Instr("COMPARE_OP", (v & 15, bool(v & 16)), lineno)]
    if name in ("BINARY_OP", "CALL_INTRINSIC_1", "CALL_INTRINSIC_2", "CONVERT_VALUE",
                "FORMAT_VALUE", "RESUME", "IS_OP", "CONTAINS_OP"):
        return [Instr(name, int(arg) if arg is not None else 0, lineno)]
    return [Instr(name, arg, lineno)]
