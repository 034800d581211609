"""Decode a code object once, with the `bytecode` package, into a flat array.

The array is what the interpreter's handler factories see: one `Instr` per
executed instruction with its (normalized) name and argument, the index of
its jump target, the exception handler that covers it and its line number.
Index 0 is reserved: a handler returns 0 to leave the run loop, so real
instructions start at index 1.

Normalization (so handlers see fewer forms) lives in `versions.NORMALIZE`:
the per-version differences of opcode names and argument encodings are
resolved here, once, rather than in handlers.
"""
import sys

import bytecode
from bytecode import Instr as _BInstr, Label, TryBegin, TryEnd, SetLineno

from . import versions


class _Null:
    """The NULL of CPython's value stack (and of unbound local slots)."""
    __slots__ = ()

    def __repr__(self):
        return "NULL"


NULL = _Null()


class Instr:
    """One decoded instruction."""
    __slots__ = ("name", "arg", "index", "target", "lineno", "handler", "code", "opname")

    def __init__(self, name, arg, lineno):
        self.name = name
        self.arg = arg
        self.lineno = lineno
        self.index = 0
        self.target = None      # index of the jump target, for jumps
        self.handler = None     # (target index, stack depth, push lasti) or None
        self.code = None
        self.opname = name      # the CPython opcode it came from (before normalization)

    @property
    def next(self):
        return self.index + 1

    def __repr__(self):
        t = f" ->{self.target}" if self.target is not None else ""
        return f"<{self.index}: {self.name} {self.arg!r}{t} line {self.lineno}>"


_BCAD_DIR = __file__.rsplit("/decode/", 1)[0] + "/"
# The derivative rules are ordinary numpy code, not the interpreter: forward
# mode differentiates a VJP rule by interpreting it (transforms/forward.py).
_RULES_DIR = _BCAD_DIR + "rules/"


class Code:
    """A decoded code object: instructions plus what handlers need about it."""
    __slots__ = ("co", "instrs", "handlers", "exc_table", "lines", "name", "qualname",
                 "filename", "nlocalsplus", "slot", "flags", "cell_slots", "nfree", "native",
                 "simple_argc", "null_tail", "start_pc", "ad_handlers", "leaf",
                 "__weakref__")

    def __init__(self, co):
        self.co = co
        self.name = co.co_name
        self.qualname = getattr(co, "co_qualname", co.co_name)
        self.filename = co.co_filename
        self.flags = co.co_flags
        names = localsplus_names(co)
        self.nlocalsplus = len(names)
        self.slot = {n: i for i, n in reversed(list(enumerate(names)))}
        self.nfree = len(co.co_freevars)
        # bcad's own functions are never interpreted (they are the interpreter)
        self.native = co.co_filename.startswith(_BCAD_DIR) and \
            not co.co_filename.startswith(_RULES_DIR)
        # Calls with exactly this many positional arguments and nothing else
        # bind by copying (-1: always use the full binder).
        plain = not (co.co_flags & 0x3AC) and not co.co_kwonlyargcount and not self.native
        self.simple_argc = co.co_argcount if plain else -1
        self.null_tail = [NULL] * (self.nlocalsplus - co.co_argcount)
        self.start_pc = 1
        self.leaf = False       # no calls, no exception handlers (run inside the CALL handler)
        self.instrs = []
        self.handlers = None
        self.ad_handlers = None
        self.exc_table = None
        self.lines = None

    def line_of(self, pc):
        if 0 < pc < len(self.lines):
            ln = self.lines[pc]
            if ln is not None:
                return ln
            for j in range(pc, 0, -1):
                if self.lines[j] is not None:
                    return self.lines[j]
        return self.co.co_firstlineno

    def __repr__(self):
        return f"<decoded {self.qualname} {self.filename}:{self.co.co_firstlineno}>"


def localsplus_names(co):
    """Names of the fast-locals array: varnames, then cells that are not
    arguments, then free variables (CPython's co_localsplusnames order)."""
    names = list(co.co_varnames)
    names += [c for c in co.co_cellvars if c not in co.co_varnames]
    names += list(co.co_freevars)
    return names


# id(code object) -> Code; the Code keeps its code object alive, so the id
# cannot be reused while the entry exists.
CODES = {}


def decode(co):
    """Return the cached `Code` for code object `co`, decoding it on first use."""
    code = CODES.get(id(co))
    if code is None:
        code = CODES[id(co)] = decode_uncached(co)
    return code


def decode_uncached(co):
    """Decode `co` (not cached); `UnsupportedError`, caused by what the
    `bytecode` package or the normalization raised, if it cannot be."""
    # The bytecode package is Python: a profile hook set by the caller
    # (differentiation mode's guard around a C call) would see every one
    # of its calls; decoding is bcad's own work.
    hook = sys.getprofile()
    if hook is not None:
        sys.setprofile(None)
    try:
        return _decode(co)
    except Exception as e:  # noqa: BLE001 - the bytecode package could not read it
        err = e
    finally:
        if hook is not None:
            from ..interpreter.state import restore_profile
            restore_profile(hook)
    from ..errors import UnsupportedError
    raise UnsupportedError(
        f"bcad cannot decode the bytecode of {getattr(co, 'co_qualname', co.co_name)} "
        f"({co.co_filename}:{co.co_firstlineno}): {err}. This construct is not supported "
        f"by bcad's interpreter; run this code natively") from err


def _for_bytecode(co, code):
    """The code object to hand to `bytecode`, which names fast-locals slots.

    3.12+ compile a comprehension inlined in a class body (or in a PEP 695
    annotation scope) that reads a free variable `x` with a hidden local,
    sometimes a cell, of the same name: it saves and restores slot `x` with
    LOAD_FAST_AND_CLEAR/STORE_FAST and reads the free `x` with LOAD_DEREF,
    so `x` names two slots. `bytecode` (0.19 at least) keeps only the first
    one on 3.13, where LOAD_FAST may load a free variable's slot: an
    IndexError. Such locals and cells are renamed for decoding only (both
    alike, so a cell that is also a local stays one slot); `code.slot` maps
    the new name to the slot."""
    dup = (set(co.co_varnames) | set(co.co_cellvars)) & set(co.co_freevars)
    if not dup:
        return co
    new = {n: f"{n} (local)" for n in dup}      # not an identifier: no clash
    for n, m in new.items():
        code.slot[m] = code.slot[n]
    return co.replace(co_varnames=tuple(new.get(n, n) for n in co.co_varnames),
                      co_cellvars=tuple(new.get(n, n) for n in co.co_cellvars))


def _decode(co):
    code = Code(co)
    bc = bytecode.Bytecode.from_code(_for_bytecode(co, code),
                                     conserve_exception_block_stackdepth=True)
    instrs = [None]                # index 0: the exit slot
    label_index = {}
    pending_labels = []
    current_try = None
    for item in bc:
        if isinstance(item, Label):
            pending_labels.append(item)
        elif isinstance(item, TryBegin):
            current_try = item
        elif isinstance(item, TryEnd):
            current_try = None
        elif isinstance(item, SetLineno):
            continue
        elif isinstance(item, _BInstr):
            lineno = item.lineno if isinstance(item.lineno, int) else None
            for ins in versions.normalize(item.name, item.arg, lineno, code):
                ins.opname = item.name
                ins.index = len(instrs)
                ins.code = code
                ins.handler = current_try
                instrs.append(ins)
                for lab in pending_labels:
                    label_index[id(lab)] = ins.index
                pending_labels = []
        else:  # pragma: no cover - bytecode added a new pseudo item
            raise AssertionError(f"unexpected bytecode item {item!r}")
    end = len(instrs)
    for lab in pending_labels:
        label_index[id(lab)] = end
    for ins in instrs[1:]:
        if isinstance(ins.arg, Label):
            ins.target = label_index[id(ins.arg)]
            ins.arg = None
        tb = ins.handler
        if tb is not None:
            ins.handler = (label_index[id(tb.target)], int(tb.stack_depth), bool(tb.push_lasti))
    code.instrs = instrs
    if len(instrs) > 1 and instrs[1].name == "RESUME":
        code.start_pc = 2
    code.exc_table = [None] + [ins.handler for ins in instrs[1:]]
    code.leaf = all(ins.name != "CALL" and ins.handler is None for ins in instrs[1:])
    code.lines = [None] + [ins.lineno for ins in instrs[1:]]
    return code
