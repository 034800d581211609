"""Opcode handlers, grouped by family.

Each handler is a *factory*: given a decoded instruction it returns the
closure the run loop calls, `h(frame) -> next pc`.  Factories run once per
code object, so per-instruction constants (argument, jump target, next
index) are bound as closure variables instead of being looked up per step.
"""
from ..versions import V, FOR_ITER_SKIP
from ..frame import unsupported

OPS = {}
AD_OPS = {}   # differentiation-mode overrides (bcad/transforms/ad_handlers.py)


def op(*names, versions=None):
    """Register a handler factory for opcode `names` on `versions` (all if None)."""
    def deco(factory):
        if versions is None or V in versions:
            for n in names:
                OPS[n] = factory
        return factory
    return deco


def _unsupported_factory(ins):
    what = f"opcode {ins.name}"

    def h(f):
        f.pc = ins.index
        unsupported(f, what)
    return h


def _exit(f):  # pragma: no cover - index 0 is never dispatched
    return 0


def jump_targets(code):
    targets = set()
    for ins in code.instrs[1:]:
        if ins.target is not None:
            targets.add(ins.target)
            if ins.name == "FOR_ITER":   # its exit skips END_FOR (and POP_TOP)
                targets.add(ins.target + FOR_ITER_SKIP)
        if ins.handler is not None:
            targets.add(ins.handler[0])
        if ins.name in ("YIELD_VALUE", "RETURN_GENERATOR", "SEND"):
            targets.add(ins.index + 1)    # resumption points
    return targets


def build_handlers(code, ad=False):
    """The closure array of `code`; with `ad`, the differentiation-mode one."""
    instrs = code.instrs
    hs = [_exit]
    for ins in instrs[1:]:
        factory = (AD_OPS.get(ins.name) if ad else None) or OPS.get(ins.name, _unsupported_factory)
        hs.append(factory(ins))
    plain = list(hs)
    if EXECUTED is not None:
        hs = [_exit] + [_counting(h, ins.opname) for h, ins in zip(hs[1:], instrs[1:])]
    elif FUSE:
        targets = jump_targets(code)
        for i in range(1, len(instrs)):
            h = fuse(instrs, i, targets, ad)
            if h is not None:
                hs[i] = h
        if BLOCKS:
            # line blocks (blocks.py), from each instruction where
            # execution can arrive: after a block, or where none compiled
            # (differentiation mode's: no regions)
            i, n = 1, len(instrs)
            while i < n:
                ok = _fusable(instrs, i, targets)
                if ad:
                    h, end = compile_block(instrs, i, ok, hs[i], ad=True)
                else:
                    h, end = compile_block(instrs, i, ok, hs[i],
                                           lambda s: _fusable(instrs, s, targets),
                                           lambda h, i=i: hs.__setitem__(i, h))
                if h is None:
                    # (fused.py's FOR_ITER; STORE_FAST continues after both)
                    i += 2 if instrs[i].name == "FOR_ITER" and hs[i] is not plain[i] else 1
                else:
                    hs[i] = h
                    i = end
    return hs


def _fusable(instrs, i, targets):
    """May instruction j join a fused sequence starting at i?  (Not a jump
    target, same exception handler and line: unwinding at i is then the
    same as unwinding at j.)"""
    n = len(instrs)
    first = instrs[i]

    def ok(j):
        return (j < n and j not in targets and instrs[j].handler == first.handler
                and instrs[j].lineno == first.lineno)
    return ok


FUSE = True
BLOCKS = True
# Opcode names executed, when recording (tests/interpreter/test_opcodes.py).
EXECUTED = None


def _counting(h, opname):
    def counted(f):
        EXECUTED.add(opname)
        return h(f)
    return counted


def record_executed_opcodes(on=True):
    """Start (or stop) recording which CPython opcodes the interpreter runs.
    Fusion is off while recording, so every opcode runs its own handler."""
    global EXECUTED
    from ...decode.decoder import CODES
    for code in CODES.values():
        code.handlers = code.ad_handlers = None
    EXECUTED = set() if on else None
    return EXECUTED


from .fused import fuse  # noqa: E402
from .blocks import compile_block  # noqa: E402
from . import stack, variables, operators, containers, control, calls, exceptions, \
    generators, patma, imports  # noqa: E402,F401  (registration)
