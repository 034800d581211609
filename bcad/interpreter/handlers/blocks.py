"""Line blocks: straight-line runs of instructions compiled to one handler.

The superinstructions of `fused.py` fuse a few fixed pairs and triples; a
*block* generalizes them.  Starting at an instruction, the compiler walks
forward while the instructions share the first one's line and exception
handler and none after the first is a jump target (the rule of
`fused.py`: unwinding at the block's first index is then exactly what
unwinding at any of its instructions would be).  It keeps a symbolic
value stack of Python local variables and writes one Python function for
the whole run, so `energy = 0.5 * self.v * self.v + 0.5 * self.k * self.x`
costs one dispatch instead of a dozen, and intermediate values never touch
`f.stack`.

Each instruction is translated into the same expression its own handler
evaluates (the native operation for C types, `objects.*` otherwise), in
instruction order, so errors are raised in CPython's order.  Values the
block pushed but did not consume are spilled to `f.stack` where it ends;
when the block consumes more than it pushed, it pops `f.stack` exactly as
the instructions would.  An exception inside a block propagates with
`f.stack` holding the values below the ones the block had in flight; the
unwinder truncates the stack to the handler's depth, which is never above
them, so the result is the same.

A block ends at an instruction it cannot translate (that instruction's own
handler runs next), or with a terminator: `RETURN_VALUE`/`RETURN_CONST`,
`YIELD_VALUE`, a conditional or unconditional jump.  Positional calls are
translated anywhere: in the middle of a block the callee runs nested and
its result becomes a temporary; a call that ends the block may instead
push the callee's frame for the run loop (with the block's values spilled
below, as the CALL handler would leave them).

In differentiation mode (`ad`) a block translates the instructions that
have handlers of their own there (arithmetic, attribute reads and stores:
`transforms/ad_handlers.py`) into the calls those handlers make, with the
same operands, sites and `f.pc` updates (`AD_NAMESPACE`, which
ad_handlers fills: the interpreter does not import the transforms), and
its calls are differentiation-mode calls.  It makes no regions: a region's
later runs are on other lines, and a recorded operation's site is read
from `f.pc`.  Its + - * and negations form expressions, which a block
may record as one equation each ("Expression equations" below).
"""
import os
import sys
from types import MethodType, ModuleType

from ...decode import NULL
from .. import objects
from ..objects import STATIC, NATIVE_BINARY, NATIVE_COMPARE, NATIVE_UNARY, truth, native_name
from ..versions import PY313
from ..state import STATE
from ..frame import REGIONS

# opcodes a block translates (the terminators are handled apart)
_SIMPLE = {"LOAD_FAST", "LOAD_FAST_CHECK", "LOAD_CONST", "STORE_FAST", "LOAD_GLOBAL",
           "LOAD_GLOBAL_NULL", "PUSH_NULL", "LOAD_ATTR", "LOAD_ATTR_METHOD", "STORE_ATTR",
           "BINARY_OP", "UNARY_NEGATIVE", "UNARY_POSITIVE", "UNARY_INVERT", "COMPARE_OP",
           "POP_TOP", "COPY", "SWAP", "NOP", "RESUME", "LOAD_DEREF", "COPY_FREE_VARS",
           "BUILD_TUPLE", "BUILD_LIST", "BUILD_SLICE", "BINARY_SUBSCR", "BINARY_SLICE",
           "STORE_SUBSCR", "UNPACK_SEQUENCE"}
_UNARY = {"UNARY_NEGATIVE": "__neg__", "UNARY_POSITIVE": "__pos__", "UNARY_INVERT": "__invert__"}
_JUMPS = {"POP_JUMP_IF_FALSE", "POP_JUMP_IF_TRUE", "POP_JUMP_IF_NONE",
          "POP_JUMP_IF_NOT_NONE", "JUMP"}

# Smallest number of instructions worth a block of their own (shorter runs
# keep the handlers of fused.py).
MIN_BLOCK = 2

_FACTORIES = {}

# Differentiation mode's names for blocks (filled by transforms/ad_handlers.py):
# recording_binary(k, ins) and binary_primitive(k) (an operator's recording
# function and primitive), native_unary(name, v, site), CTX, attr_hook,
# check_read, store_layout, copies_into, check_store, ad_ndarray, and what
# the inline float arithmetic tests: float64_, errstate_, QUIET_,
# WARNINGS_, SHOW_.
AD_NAMESPACE = {}

# Python's operator for each BINARY_OP / COMPARE_OP argument: on operands
# whose type is exactly int or float a block writes the operator itself
# (what NATIVE_BINARY's operator.* would compute, without the call; an
# in-place operator on an immutable number is the plain one).
_BIN_SYMBOL = [sym.rstrip("=") for sym in ("+", "&", "//", "<<", "@", "*", "%", "|", "**", ">>",
                                           "-", "/", "^", "+=", "&=", "//=", "<<=", "@=", "*=",
                                           "%=", "|=", "**=", ">>=", "-=", "/=", "^=")]
_CMP_SYMBOL = ["<", "<=", "==", "!=", ">", ">="]


def _numeric(b, operands, fast, generic):
    """Emit `fast` when every operand is exactly an int or a float (known
    at compile time for constants), else `generic`."""
    conds = []
    for v in operands:
        if v in b.known:
            if type(b.known[v]) not in (int, float):
                b.emit(generic)
                return
            continue
        conds.append(f"((tp := type({v})) is float or tp is int)")
    if not conds:
        b.emit(fast)
        return
    b.emit(f"if {' and '.join(conds)}:")
    b.emit(f"    {fast}")
    b.emit("else:")
    b.emit(f"    {generic}")


class _Builder:
    def __init__(self):
        self.params = []
        self.consts = []
        self.known = {}         # constant parameter -> its value
        self.lines = []
        self.stack = []         # symbolic: variable names (or "NULL")
        self.ntemp = 0
        self.uses_fast = False
        self.uses_stack = False
        self.bools = set()      # temporaries known to hold True or False
        self.next_ins = None    # the instruction after the one being translated
        self.ad = False         # differentiation mode's translations
        # Differentiation mode's expressions not computed yet (see
        # "Expression equations"): temp -> its node, and the temps holding
        # the locals loaded since the last instruction that is not part of
        # an expression (local index -> temp).
        self.pending = {}
        self.loaded = {}

    def const(self, v):
        name = f"k{len(self.params)}"
        self.params.append(name)
        self.consts.append(v)
        self.known[name] = v
        return name

    def temp(self):
        self.ntemp += 1
        return f"t{self.ntemp}"

    def emit(self, line):
        self.lines.append(line)

    def push(self, name):
        self.stack.append(name)

    def pop(self):
        if self.stack:
            return self.stack.pop()
        self.uses_stack = True
        t = self.temp()
        self.emit(f"{t} = s.pop()")
        return t

    def peek(self, n):
        """The n-th value from the top (1 is the top), materialized."""
        while len(self.stack) < n:
            # values below the block's own: pop them into temps, in order
            self.uses_stack = True
            t = self.temp()
            self.emit(f"{t} = s.pop()")
            self.stack.insert(0, t)
        return self.stack[-n]

    def release(self, *names):
        """`del` temps an instruction consumed and nothing else holds, so
        objects die when CPython would free them (a `__del__` runs at the
        same point)."""
        dead = [x for x in dict.fromkeys(names) if x[0] == "t" and x not in self.stack]
        if dead:
            self.emit(f"del {', '.join(dead)}")

    def spill(self):
        if self.stack:
            self.uses_stack = True
            items = ", ".join(self.stack)
            self.emit(f"s += ({items},)")
            self.stack = []


def _load_fast(b, ins):
    if b.ad:
        t = b.loaded.get(ins.arg)
        if t is not None:       # (`u` again in `beta * u * v - u`: the same value)
            b.push(t)
            return
    b.uses_fast = True
    t = b.temp()
    b.emit(f"{t} = fast[{b.const(ins.arg)}]")
    if ins.name == "LOAD_FAST_CHECK" or not BOUND_LOAD_FAST:
        b.emit(f"if {t} is NULL:")
        _before_raise(b)
        b.emit(f"    raise unbound({b.const(ins)})")
    if b.ad:
        b.loaded[ins.arg] = t
    b.push(t)


# From 3.12 the compiler emits LOAD_FAST only where the local is certainly
# bound (LOAD_FAST_CHECK elsewhere; CPython's LOAD_FAST does not check), so
# a block checks only LOAD_FAST_CHECK; 3.11's LOAD_FAST checks.
BOUND_LOAD_FAST = sys.version_info >= (3, 12)


def _walk(instrs, i, ok):
    """The straight-line run from `i`: (index after its last translated
    instruction, terminator or None)."""
    n = len(instrs)
    j = i
    while j < n and (j == i or ok(j)):
        ins = instrs[j]
        name = ins.name
        if name in _SIMPLE:
            j += 1
            continue
        if name in _JUMPS or name in ("RETURN_VALUE", "RETURN_CONST", "YIELD_VALUE"):
            return j, ins
        if name == "CALL" and not (j > 1 and instrs[j - 1].name == "KW_NAMES"):
            j += 1
            continue
        break
    return j, None


# A block ending in a conditional jump may go on with the runs that start at
# its forward successors (a *region*: `if n < 2: return n` and the `return
# fib(n - 1) + fib(n - 2)` after it are one handler).  Each run is one line
# with one exception handler, as a block is, but the runs may be on other
# lines: an exception raised by a region is unwound at the first index of
# the run that raised it, found from the line of the region's own entry in
# the exception's traceback (frame.raise_pc; REGIONS maps each region to the
# source lines where its runs begin and their first indices).
# Branches nest up to REGION_DEPTH levels, with at most REGION_SIZE
# instructions in all.
REGION_DEPTH = 2
REGION_SIZE = 48


def compile_block(instrs, i, ok, fallback=None, ok_at=None, install=None, ad=False):
    """A handler for the block starting at instruction `i`, and the index
    where its first run ends (the instruction after its last), or (None, i).
    `fallback`: the handler of instruction `i` alone, run instead of a
    block that makes calls when no inline room is left.  `ok_at(s)`: the
    `ok` rule of a run starting at `s`; with it, the block may be a region
    (see above).  With `install(h)`, a region is compiled the first time it
    runs (a stub stands for it until then and installs it).  `ad`: a block
    of differentiation mode's handlers (no regions)."""
    j, term = _walk(instrs, i, ok)
    body = instrs[i:j] + ([term] if term is not None else [])
    if len(body) < MIN_BLOCK:
        return None, i
    end = j + 1 if term is not None else j
    if install is not None and term is not None and term.name in _BRANCHES and REGION_DEPTH \
            and _branch_runs(len(body), instrs, term, ok_at, instrs[i].handler) != [None, None]:
        def region_stub(f):
            # (an exception raised by the region on this first run is
            # unwound through this frame: frame.raise_pc looks past it)
            h = compile_block(instrs, i, ok, fallback, ok_at)[0] or fallback
            install(h)
            return h(f)
        return region_stub, end
    b = _Builder()
    b.ad = ad
    b.calls = b.mid = 0
    b.region = False
    b.size = len(body)
    b.runs = []             # the first index of each run, in the order of their markers
    _mark(b, i)
    _run(b, instrs, body, j, term, ok_at, instrs[i].handler, REGION_DEPTH if ok_at else 0)
    if b.mid and fallback is None:
        return None, i
    lines = _prologue(b) + b.lines
    if b.mid:
        lines = ["if st.depth >= st.call_limit:", f"    return {b.const(fallback)}(f)"] + lines
    caches = [str(c) for c in range(1, b.calls + 1)]
    fac = make_factory("\n".join(lines), tuple(b.params), caches, ad)
    h = fac(*b.consts)
    if b.region:
        lines, runs = fac.marks
        REGIONS[h] = (lines, tuple(b.runs[r] for r in runs))
    return h, end


def _mark(b, s):
    """A marker comment where the code of the run starting at `s` begins
    (make_factory finds the markers' line numbers in the source)."""
    b.emit(f"# run {len(b.runs)}")
    b.runs.append(s)


def _run(b, instrs, body, j, term, ok_at, handler, depth):
    """Translate one run (`body`, ending before `j` or at `term`)."""
    last = body[-1]
    for k, ins in enumerate(body):
        b.next_ins = body[k + 1] if k + 1 < len(body) else None
        if b.ad and not _in_expression(ins):
            _flush(b)
        if ins is term:
            if depth and ins.name in _BRANCHES and _branch(b, instrs, ins, ok_at, handler, depth):
                return
            _terminate(b, ins)
        elif ins.name == "CALL":
            b.calls += 1
            if ins is last:
                _end_call(b, ins, b.calls)
            else:
                b.mid += 1
                _mid_call(b, ins, b.calls)
        else:
            _translate(b, ins)
    if term is None and last.name != "CALL":
        _flush(b)
        b.spill()
        b.emit(f"return {b.const(j)}")


_TRUTH_JUMPS = ("POP_JUMP_IF_FALSE", "POP_JUMP_IF_TRUE")
_BRANCHES = {"POP_JUMP_IF_FALSE", "POP_JUMP_IF_TRUE", "POP_JUMP_IF_NONE", "POP_JUMP_IF_NOT_NONE"}


def _branch_runs(size, instrs, ins, ok_at, handler):
    """The runs a region goes on with after conditional jump `ins`, for
    its fall-through and its target (None where it does not)."""
    runs = []
    for s in (ins.next, ins.target):
        if s <= ins.index or s >= len(instrs) or instrs[s].handler != handler:
            runs.append(None)
            continue
        j, term = _walk(instrs, s, ok_at(s))
        body = instrs[s:j] + ([term] if term is not None else [])
        if not body or size + len(body) > REGION_SIZE:
            runs.append(None)
            continue
        runs.append((s, body, j, term))
    return runs


def _branch(b, instrs, ins, ok_at, handler, depth):
    """A conditional jump that goes on with the runs at its successors, as
    an `if`/`else` (False: not worth it, the jump ends the block)."""
    runs = _branch_runs(b.size, instrs, ins, ok_at, handler)
    if runs == [None, None]:
        return False
    v = b.pop()
    b.spill()
    truth_of = v if v in b.bools else f"{v} is True or ({v} is not False and truth({v}))"
    if ins.name == "POP_JUMP_IF_FALSE":
        cond, on_true, on_false = truth_of, 0, 1
    elif ins.name == "POP_JUMP_IF_TRUE":
        cond, on_true, on_false = truth_of, 1, 0
    elif ins.name == "POP_JUMP_IF_NONE":
        cond, on_true, on_false = f"{v} is None", 1, 0
    else:
        cond, on_true, on_false = f"{v} is None", 0, 1
    b.region = True
    outer = b.lines
    arms = []
    for which in (on_true, on_false):
        b.lines = []
        b.stack = []
        if v[0] == "t":
            b.emit(f"del {v}")          # (CPython drops the condition at the jump)
        run = runs[which]
        if run is None:
            b.emit(f"return {b.const((ins.next, ins.target)[which])}")
        else:
            s, body, j, term = run
            b.size += len(body)
            _mark(b, s)
            _run(b, instrs, body, j, term, ok_at, handler, depth - 1)
        arms.append(b.lines)
    b.lines = outer
    b.stack = []
    b.emit(f"if {cond}:")
    b.lines += ["    " + line for line in arms[0]]
    b.emit("else:")
    b.lines += ["    " + line for line in arms[1]]
    return True


def make_factory(body, params, caches, ad):
    """A factory `(*params) -> handler` for a handler of source `body`
    (the statements of `h(f)`), with per-site call caches `cache_co<c>`,
    `cache_code<c>` for each `c` in `caches`.  Cached by source."""
    key = (body, params, tuple(caches), ad)
    fac = _FACTORIES.get(key)
    if fac is not None:
        return fac
    src = [f"def factory({', '.join(params)}):"]
    for c in caches:
        src.append(f"    cache_co{c} = cache_code{c} = None")
    src.append("    def h(f):")
    if caches:
        src.append("        nonlocal " + ", ".join(f"cache_co{c}, cache_code{c}" for c in caches))
    src += ["        " + line for line in body.strip("\n").split("\n")]
    src.append("    return h")
    ns = dict(NAMESPACE)
    if ad:
        ns.update(AD_NAMESPACE)
    if caches:
        from .calls import CALL_NAMESPACE
        from ..frame import handlers_of, ad_handlers_of
        ns.update(CALL_NAMESPACE, build=ad_handlers_of if ad else handlers_of)
    # (named as a file in this folder: code under bcad's directory is bcad's
    # own, which the C-boundary guard never takes for user code run natively)
    name = os.path.join(os.path.dirname(os.path.abspath(__file__)), f"<bcad block {len(_FACTORIES)}>")
    exec(compile("\n".join(src) + "\n", name, "exec"), ns)
    fac = _FACTORIES[key] = ns["factory"]
    marks = [(n, int(line.split()[-1])) for n, line in enumerate(src, 1)
             if line.lstrip().startswith("# run ")]
    fac.marks = ([n for n, _ in marks], [r for _, r in marks])
    return fac


def _call_operands(b, ins):
    """The callable and arguments of CALL `ins` on the symbolic stack."""
    n = ins.arg
    args = [b.pop() for _ in range(n)][::-1]
    second = b.pop()
    first = b.pop()
    return first, second, args


def _emit_fn_args(b, first, second, args):
    """`fn = ...; args = [...]` from the CALL's stack entries."""
    argl = "".join(f"{a}, " for a in args)
    if first == "NULL":
        b.emit(f"fn = {second}")
        b.emit(f"args = [{argl}]")
    elif second == "NULL":
        b.emit(f"fn = {first}")
        b.emit(f"args = [{argl}]")
    else:
        # a method load: (meth, self) or, resolved at run time,
        # (NULL, callable) / (callable, NULL)
        b.emit(f"if {first} is NULL:")
        b.emit(f"    fn = {second}; args = [{argl}]")
        b.emit(f"elif {second} is NULL:")
        b.emit(f"    fn = {first}; args = [{argl}]")
        b.emit("else:")
        b.emit(f"    fn = {first}; args = [{second}, {argl}]")
    b.release(first, second, *args)


def _end_call(b, ins, c):
    """A CALL that ends the block: the values below it are spilled, and
    the result is pushed (or the callee's frame is, for the run loop)."""
    from .calls import call_source
    first, second, args = _call_operands(b, ins)
    b.spill()
    b.emit(f"f.pc = {b.const(ins.index)}")
    _emit_fn_args(b, first, second, args)
    b.emit(f"nxt = {b.const(ins.next)}")
    b.lines += call_source(b.ad, str(c)).strip("\n").split("\n")


def _mid_call(b, ins, c):
    """A CALL inside a block: the callee runs nested (calls._INLINE for
    a non-leaf one) and the result becomes a temporary."""
    from .calls import call_source
    first, second, args = _call_operands(b, ins)
    b.emit(f"f.pc = {b.const(ins.index)}")
    _emit_fn_args(b, first, second, args)
    t = b.temp()
    b.lines += call_source(b.ad, str(c), t).strip("\n").split("\n")
    b.push(t)


def _prologue(b):
    pre = []
    if b.uses_fast:
        pre.append("fast = f.fast")
    if b.uses_stack:
        pre.append("s = f.stack")
    return pre


def _translate(b, ins):
    name = ins.name
    if name in ("NOP", "RESUME"):
        return
    if name in ("LOAD_FAST", "LOAD_FAST_CHECK"):
        _load_fast(b, ins)
    elif name == "LOAD_CONST":
        b.push(b.const(ins.arg))
    elif name == "LOAD_DEREF":
        # (variables.LOAD_DEREF: an empty cell raises outside the except,
        # with no ValueError as its context)
        b.uses_fast = True
        t = b.temp()
        b.emit("try:")
        b.emit(f"    {t} = fast[{b.const(ins.arg)}].cell_contents")
        b.emit("except ValueError:")
        b.emit(f"    {t} = NULL")
        b.emit(f"if {t} is NULL:")
        _before_raise(b)
        b.emit(f"    raise deref_error({b.const(ins)}, {b.const(ins.arg)})")
        b.push(t)
    elif name == "COPY_FREE_VARS":
        b.uses_fast = True
        b.emit(f"fast[-{b.const(ins.arg)}:] = f.func.__closure__")
    elif name == "STORE_FAST":
        v = b.pop()
        b.uses_fast = True
        b.emit(f"fast[{b.const(ins.arg)}] = {v}")
        b.release(v)
    elif name in ("LOAD_GLOBAL", "LOAD_GLOBAL_NULL"):
        g = b.const(ins.arg)
        t = b.temp()
        b.emit(f"{t} = f.globals.get({g}, NULL)")
        b.emit(f"if {t} is NULL:")
        b.emit(f"    {t} = load_global(f, {g})")
        if name == "LOAD_GLOBAL":
            b.push(t)
        elif PY313:
            b.push(t)
            b.push("NULL")
        else:
            b.push("NULL")
            b.push(t)
    elif name == "PUSH_NULL":
        b.push("NULL")
    elif name == "LOAD_ATTR":
        o = b.pop()
        a = b.const(ins.arg)
        t = b.temp()
        # (native where objects.getattr_ would be: types whose attributes are
        # all native, classes with no Python descriptor of this name, and a
        # module's own variables)
        # (differentiation mode: a module's variable needs no attribute
        # hook, a module being neither tracked nor tainted)
        b.emit(f"if ATTR_FAST[type({o})] or {b.const(native_name(ins.arg))}[type({o})]:")
        b.emit(f"    {t} = getattr({o}, {a})")
        if b.ad:
            _ad_attribute_read(b, o, a, t, ins, "    ")
        b.emit(f"elif type({o}) is ModuleType and ({t} := {o}.__dict__.get({a}, NULL)) is not NULL:")
        b.emit("    pass")
        b.emit("else:")
        b.emit(f"    f.pc = {b.const(ins.index)}")
        b.emit(f"    {t} = super_getattr({o}, {a}) if type({o}) is super else getattr_({o}, {a})")
        if b.ad:
            _ad_attribute_read(b, o, a, t, ins, "    ")
        b.release(o)
        b.push(t)
    elif name == "LOAD_ATTR_METHOD":
        o = b.pop()
        a = b.const(ins.arg)
        t, u = b.temp(), b.temp()
        first, second = (t, u)
        # (a bound method is split into its function and self, as CPython's
        # LOAD_ATTR leaves a method: the call then needs not unwrap it)
        b.emit(f"if ATTR_FAST[type({o})] or {b.const(native_name(ins.arg))}[type({o})]:")
        b.emit(f"    {t} = getattr({o}, {a})")
        b.emit(f"    if type({t}) is MethodType:")
        b.emit(f"        {u} = {t}.__self__; {t} = {t}.__func__")
        b.emit("    else:")
        b.emit(f"        {u} = NULL" if PY313 else f"        {u} = {t}; {t} = NULL")
        b.emit(f"elif type({o}) is ModuleType and ({t} := {o}.__dict__.get({a}, NULL)) is not NULL:")
        b.emit(f"    {u} = NULL" if PY313 else f"    {u} = {t}; {t} = NULL")
        b.emit("else:")
        b.emit(f"    f.pc = {b.const(ins.index)}")
        b.emit(f"    {t}, {u} = load_method_push({o}, {a})")
        b.release(o)
        b.push(first)
        b.push(second)
    elif name == "STORE_ATTR":
        o = b.pop()
        v = b.pop()
        a = b.const(ins.arg)
        mark = _ad_attribute_store(b, o, v, a, ins) if b.ad else None
        b.emit(f"if ATTR_FAST[type({o})] or {b.const(native_name(ins.arg))}[type({o})]:")
        b.emit(f"    setattr({o}, {a}, {v})")
        b.emit("else:")
        b.emit(f"    f.pc = {b.const(ins.index)}")
        b.emit(f"    setattr_({o}, {a}, {v})")
        if mark is not None:
            b.lines[mark:] = ["    " + line for line in b.lines[mark:]]
        b.release(o, v)
    elif name == "BINARY_OP" and b.ad:
        _ad_binary(b, ins)
    elif name in ("UNARY_NEGATIVE", "UNARY_POSITIVE") and b.ad:
        _ad_unary(b, ins)
    elif name == "BINARY_OP":
        y = b.pop()
        x = b.pop()
        k = ins.arg
        nat = b.const(NATIVE_BINARY[k])
        t = b.temp()
        generic = (f"{nat}({x}, {y}) if STATIC[type({x})] and STATIC[type({y})] "
                   f"else binary_op({x}, {y}, {b.const(k)})")
        _numeric(b, (x, y), f"{t} = {x} {_BIN_SYMBOL[k]} {y}", f"{t} = {generic}")
        b.release(x, y)
        b.push(t)
    elif name in _UNARY:
        x = b.pop()
        dunder = _UNARY[name]
        nat = b.const(NATIVE_UNARY[dunder])
        t = b.temp()
        generic = f"{t} = {nat}({x}) if STATIC[type({x})] else unary({x}, {dunder!r})"
        if name == "UNARY_INVERT":
            b.emit(generic)
        else:
            _numeric(b, (x,), f"{t} = {'-' if name == 'UNARY_NEGATIVE' else '+'}{x}", generic)
        b.release(x)
        b.push(t)
    elif name == "COMPARE_OP":
        y = b.pop()
        x = b.pop()
        k, cast = ins.arg
        # (a comparison whose result only a conditional jump reads is made a
        # bool right away, as the jump would: then the jump tests it plainly)
        cast = cast or (b.next_ins is not None and b.next_ins.name in _TRUTH_JUMPS)
        nat = b.const(NATIVE_COMPARE[k])
        t = b.temp()
        if cast:
            b.bools.add(t)
        generic = (f"{nat}({x}, {y}) if STATIC[type({x})] and STATIC[type({y})] "
                   f"else compare({x}, {y}, {b.const(k)})")
        _numeric(b, (x, y), f"{t} = {x} {_CMP_SYMBOL[k]} {y}",
                 f"{t} = truth({generic})" if cast else f"{t} = {generic}")
        b.release(x, y)
        b.push(t)
    elif name in ("BUILD_TUPLE", "BUILD_LIST", "BUILD_SLICE"):
        # (containers.py's and operators.py's handlers: they run no Python
        # code and raise nothing)
        items = [b.pop() for _ in range(ins.arg)][::-1]
        t = b.temp()
        if name == "BUILD_TUPLE":
            b.emit(f"{t} = ({''.join(x + ', ' for x in items)})")
        elif name == "BUILD_LIST":
            b.emit(f"{t} = [{', '.join(items)}]")
        else:
            b.emit(f"{t} = slice({', '.join(items)})")
        b.release(*items)
        b.push(t)
    elif name in ("BINARY_SUBSCR", "BINARY_SLICE"):
        # (operators.py's handlers; differentiation mode's, ad_handlers'
        # subscript on the values, with this instruction's site)
        key = b.pop()
        start = b.pop() if name == "BINARY_SLICE" else None
        c = b.pop()
        t = b.temp()
        if b.ad:
            if start is None:
                b.emit(f"{t} = ad_subscript(f, {c}, {key}, {b.const(ins)})")
            else:
                b.emit(f"{t} = ad_slice(f, {c}, {start}, {key}, {b.const(ins)})")
        elif start is None:
            b.emit(f"{t} = {c}[{key}] if STATIC[type({c})] and type({c}) is not type "
                   f"else getitem({c}, {key})")
        else:
            b.emit(f"{t} = getitem({c}, slice({start}, {key}))")
        b.release(*[x for x in (c, start, key) if x is not None])
        b.push(t)
    elif name == "STORE_SUBSCR":
        key = b.pop()
        c = b.pop()
        v = b.pop()
        if b.ad:
            b.emit(f"ad_store_subscript(f, {c}, {key}, {v}, {b.const(ins)})")
        else:
            b.emit(f"if STATIC[type({c})]:")
            b.emit(f"    {c}[{key}] = {v}")
            b.emit("else:")
            b.emit(f"    setitem({c}, {key}, {v})")
        b.release(c, key, v)
    elif name == "UNPACK_SEQUENCE":
        # (containers.py's handler: a tuple or list of the length natively,
        # else its `unpack`; differentiation mode's takes a tracked array's
        # rows as ad_handlers' does)
        v = b.pop()
        n = ins.arg
        ts = [b.temp() for _ in range(n)]
        lhs = "".join(t + ", " for t in ts) or "()"
        slow = f"ad_unpack(f, {v}, {n}, {b.const(ins)})" if b.ad else f"unpack({v}, {n})"
        b.emit(f"if (type({v}) is tuple or type({v}) is list) and len({v}) == {n}:")
        b.emit(f"    {lhs} = {v}")
        b.emit("else:")
        b.emit(f"    {lhs} = {slow}")
        b.release(v)
        for t in reversed(ts):
            b.push(t)
    elif name == "POP_TOP":
        b.release(b.pop())
    elif name == "COPY":
        b.push(b.peek(ins.arg))
    elif name == "SWAP":
        k = ins.arg
        b.peek(k)
        st = b.stack
        st[-1], st[-k] = st[-k], st[-1]
    else:  # pragma: no cover - _SIMPLE and _translate disagree
        raise AssertionError(name)


# -- differentiation mode: what transforms/ad_handlers.py's handlers do

# Operators whose result on two floats / numpy float64s is always one of
# them (+ - * and their in-place forms; / raises or warns, ** may be complex).
_REAL_CLOSED = frozenset({0, 5, 10, 13, 18, 23})


def _ad_binary(b, ins):
    """ad_handlers.BINARY_OP: ints natively (nothing to record), numbers
    and arrays through the recording operator, other operands (Python
    dunders) through objects.binary_op at this instruction.  + - * are
    parts of an expression (see "Expression equations")."""
    y = b.pop()
    x = b.pop()
    t = b.temp()
    if ins.arg in _REAL_CLOSED:
        b.pending[t] = (ins, b.pending.pop(x, x), b.pending.pop(y, y))
    else:
        _emit_binary(b, ins, x, y, t)
        b.release(x, y)
    b.push(t)


def _emit_binary(b, ins, x, y, t):
    """The code of BINARY_OP `ins` computing temp `t` from `x` and `y`."""
    k = ins.arg
    rec = b.const(AD_NAMESPACE["recording_binary"](k, ins))
    op = _BIN_SYMBOL[k]
    b.emit(f"if type({x}) is int and type({y}) is int:")
    b.emit(f"    {t} = {x} {op} {y}")
    if k in _REAL_CLOSED:
        # float and numpy float64 operands (an ODE right-hand side's
        # arithmetic): the recording operator's hot case written out, when
        # numpy's error state calls no Python (else it guards the call)
        p = b.const(AD_NAMESPACE["binary_primitive"](k))
        b.emit(f"elif (type({x}) is float or type({x}) is float64_) and "
               f"(type({y}) is float or type({y}) is float64_) and errstate_() is QUIET_[0] "
               f"and WARNINGS_.showwarning is SHOW_:")
        b.emit(f"    {t} = {x} {op} {y}")
        b.emit("    tape_ = CTX.tape")
        b.emit("    ids_ = tape_.ids")
        b.emit(f"    va_ = ids_.get(id({x}), -1)")
        b.emit(f"    vb_ = ids_.get(id({y}), -1)")
        b.emit(f"    if (va_ >= 0 or vb_ >= 0) and id({t}) not in ids_:")
        b.emit(f"        tape_.record2_vars({p}, {t}, va_, vb_, {x}, {y}, {b.const(ins)})")
    b.emit(f"elif STATIC[type({x})] and STATIC[type({y})]:")
    b.emit(f"    {t} = {rec}({x}, {y})")
    b.emit("else:")
    b.emit(f"    f.pc = {b.const(ins.index)}")
    b.emit(f"    {t} = binary_op({x}, {y}, {b.const(k)})")


def _ad_unary(b, ins):
    """ad_handlers._unary: C-typed values through native_unary (recorded),
    others through objects.unary at this instruction.  Negation is part of
    an expression."""
    x = b.pop()
    t = b.temp()
    if ins.name == "UNARY_NEGATIVE":
        b.pending[t] = (ins, b.pending.pop(x, x))
    else:
        _emit_unary(b, ins, x, t)
        b.release(x)
    b.push(t)


def _emit_unary(b, ins, x, t):
    dunder = _UNARY[ins.name]
    b.emit(f"if STATIC[type({x})]:")
    b.emit(f"    {t} = native_unary({dunder!r}, {x}, {b.const(ins)})")
    b.emit("else:")
    b.emit(f"    f.pc = {b.const(ins.index)}")
    b.emit(f"    {t} = unary({x}, {dunder!r})")


# -- differentiation mode: expression equations
#
# In differentiation mode, + - * and negation do not emit their code where
# they are met: each becomes a node of a pending expression, whose leaves
# are the values it was given (temporaries, constants).  The expression is
# computed (*materialized*) just before the next instruction that is not
# part of one (a call, a store, an attribute read, the end of the block),
# or when an operand load is about to raise.  Between a node and that
# point only loads of locals and constants run, which have no effects, so
# computing the arithmetic later is unobservable: pending expressions are
# materialized bottom of the stack first, which is the order their
# operations were met.
#
# A materialized expression of two operations or more tests its leaves: all
# floats, numpy float64s or ints, numpy's error state calling no Python, and a
# context that allows it (Context.fuse: one reverse transform, whose
# backward pass runs natively).  Then it is computed as one Python
# expression, with the same operations in the same order, and recorded as
# one equation (tape.EXPRESSION, transforms/expressions.py).  Otherwise
# each operation runs as its own handler would, in order (_emit_binary).

def _in_expression(ins):
    """Can `ins` run while an expression is pending?"""
    name = ins.name
    return name in _EXPRESSION_OPS or name == "BINARY_OP" and ins.arg in _REAL_CLOSED


_EXPRESSION_OPS = frozenset({"LOAD_FAST", "LOAD_FAST_CHECK", "LOAD_CONST", "LOAD_DEREF",
                             "UNARY_NEGATIVE", "NOP", "RESUME"})


def _flush(b):
    """Materialize the pending expressions, bottom of the stack first."""
    b.loaded = {}
    if b.pending:
        for name in list(b.stack):
            node = b.pending.pop(name, None)
            if node is not None:
                _materialize(b, name, node)


def _before_raise(b):
    """In the branch of an operand load that raises (an unbound local, an
    empty cell): the pending expressions' operations run first, as they
    did before the load (their results are then dropped by the raise).
    Emitted one level indented; the builder's state is unchanged."""
    if not b.pending:
        return
    outer, b.lines = b.lines, []
    for name in b.stack:
        node = b.pending.get(name)
        if node is not None:
            _emit_operations(b, name, _post_order(node, [], []), release=False)
    body, b.lines = b.lines, outer
    b.lines += ["    " + line for line in body]


def _post_order(node, order, leaves):
    """The nodes of `node` in evaluation order into `order`, its distinct
    leaves (names) in order of first use into `leaves`; returns order."""
    for c in node[1:]:
        if type(c) is tuple:
            _post_order(c, order, leaves)
        elif c not in leaves:
            leaves.append(c)
    order.append(node)
    return order


def _held(b):
    """The temps still in use: on the stack, or leaves of the expressions
    still pending."""
    held = set(b.stack)
    for node in b.pending.values():
        leaves = []
        _post_order(node, [], leaves)
        held.update(leaves)
    return held


def _emit_operations(b, t, order, release=True):
    """Each operation of an expression as its own handler runs it, the
    result into temp `t`; temps are deleted after their last use."""
    held = _held(b) if release else ()
    names = {}
    last = {}
    for j, node in enumerate(order):
        for c in node[1:]:
            if type(c) is not tuple:
                last[c] = j
    for j, node in enumerate(order):
        out = t if j == len(order) - 1 else b.temp()
        names[id(node)] = out
        xs = [names[id(c)] if type(c) is tuple else c for c in node[1:]]
        ins = node[0]
        if ins.name == "UNARY_NEGATIVE":
            _emit_unary(b, ins, xs[0], out)
        else:
            _emit_binary(b, ins, xs[0], xs[1], out)
        if release:
            dead = [x for x, c in zip(xs, node[1:]) if x[0] == "t" and (
                type(c) is tuple or last[c] == j and x not in held)]
            if dead:
                b.emit(f"del {', '.join(dict.fromkeys(dead))}")


def _materialize(b, t, node):
    """Emit the code of pending expression `node`, its result into `t`."""
    leaves = []
    order = _post_order(node, [], leaves)
    runtime = [x for x in leaves if x not in b.known]
    if len(order) < 2 or not runtime or \
            any(type(b.known[x]) not in (int, float) for x in leaves if x in b.known):
        _emit_operations(b, t, order)
        return
    index = {x: i for i, x in enumerate(leaves)}
    ops = []
    position = {}
    for node in order:
        ins = node[0]
        op = "neg" if ins.name == "UNARY_NEGATIVE" else _BIN_SYMBOL[ins.arg]
        ops.append((op, tuple(("node", position[id(c)]) if type(c) is tuple else
                              ("leaf", index[c]) for c in node[1:])))
        position[id(node)] = len(ops) - 1
    prim = b.const(AD_NAMESPACE["expression_primitive"](tuple(ops), len(leaves)))
    # (an int leaf, `x * i` of a loop's index, is a constant: Python
    # computes float arithmetic with it as with the float it converts to)
    conds = ["CTX.fuse"] + [f"((tp_ := type({x})) is float or tp_ is float64_ or tp_ is int)"
                            for x in runtime] + \
        ["errstate_() is QUIET_[0]", "WARNINGS_.showwarning is SHOW_"]
    b.emit(f"if {' and '.join(conds)}:")
    b.emit(f"    {t} = {_source(node)}")
    b.emit("    tape_ = CTX.tape")
    b.emit("    ids_ = tape_.ids")
    in_vars = []
    for i, x in enumerate(leaves):
        if x in b.known:
            in_vars.append("-1")
        else:
            b.emit(f"    va{i}_ = ids_.get(id({x}), -1)")
            in_vars.append(f"va{i}_")
    tracked = " or ".join(f"{v} >= 0" for v in in_vars if v != "-1")
    b.emit(f"    if ({tracked}) and id({t}) not in ids_:")
    b.emit(f"        tape_.record_expression({prim}, {t}, ({', '.join(in_vars)},), "
           f"({', '.join(leaves)},), {b.const(order[-1][0])})")
    held = _held(b)
    dead = [x for x in leaves if x[0] == "t" and x not in held]
    if dead:
        b.emit(f"    del {', '.join(dead)}")
    outer, b.lines = b.lines, []
    _emit_operations(b, t, order)
    body, b.lines = b.lines, outer
    b.emit("else:")
    b.lines += ["    " + line for line in body]


def _source(node):
    """A node as a Python expression over its leaves' names."""
    ins = node[0]
    if ins.name == "UNARY_NEGATIVE":
        c = node[1]
        return f"(-{_source(c) if type(c) is tuple else c})"
    x, y = [_source(c) if type(c) is tuple else c for c in node[1:]]
    return f"({x} {_BIN_SYMBOL[ins.arg]} {y})"


def _ad_attribute_read(b, o, a, t, ins, pad=""):
    """ad_handlers.LOAD_ATTR, after the plain read: an attribute of a
    tracked value goes through attr_hook; one of a tainted object is
    checked (`pad`: the indentation of the read it follows)."""
    b.emit(f"{pad}tape_ = CTX.tape")
    b.emit(f"{pad}if id({o}) in tape_.ids:")
    b.emit(f"{pad}    {t} = attr_hook({o}, {a}, {t})")
    b.emit(f"{pad}elif tape_.taint and id({o}) in tape_.taint:")
    b.emit(f"{pad}    check_read(tape_, {o}, {t}, {b.const('.' + ins.arg)})")


def _ad_attribute_store(b, o, v, a, ins):
    """ad_handlers' checked STORE_ATTR, before the plain store (which the
    caller indents under `if not done_`, from the line index returned): `.shape = ` of
    an ndarray through store_layout; a differentiable value stored into
    an object that copies it refused."""
    b.emit(f"if type({o}) is ad_ndarray:")
    b.emit(f"    f.pc = {b.const(ins.index)}")
    b.emit(f"    done_ = store_layout(CTX.tape, {o}, {a}, {v})")
    b.emit("else:")
    b.emit("    done_ = False")
    b.emit(f"if not done_ and type({o}) is not list and type({o}) is not dict and "
           f"copies_into({o}):")
    b.emit(f"    check_store({o}, {v}, {b.const(f'setting .{ins.arg} of')})")
    b.emit("if not done_:")
    return len(b.lines)


def _terminate(b, ins):
    name = ins.name
    if name == "RETURN_VALUE":
        v = b.pop()
        b.emit(f"f.retval = {v}")
        b.emit("return 0")
    elif name == "RETURN_CONST":
        b.emit(f"f.retval = {b.const(ins.arg)}")
        b.emit("return 0")
    elif name == "YIELD_VALUE":
        # generators.py's YIELD_VALUE: leave the run loop with the value
        from .generators import yields_from
        v = b.pop()
        b.spill()
        b.emit(f"f.retval = {v}")
        b.emit("f.yielded = True")
        b.emit(f"f.pc = {b.const(ins.next)}")
        b.emit(f"f.yield_pc = {b.const(ins.index)}")
        b.emit(f"f.yield_from = {b.const(yields_from(ins))}")
        b.emit("return 0")
    elif name == "JUMP":
        b.spill()
        b.emit(f"return {b.const(ins.target)}")
    elif name in ("POP_JUMP_IF_FALSE", "POP_JUMP_IF_TRUE"):
        v = b.pop()
        b.spill()
        if name == "POP_JUMP_IF_FALSE":
            on_true, on_false = b.const(ins.next), b.const(ins.target)
        else:
            on_true, on_false = b.const(ins.target), b.const(ins.next)
        if v in b.bools:
            b.emit(f"return {on_true} if {v} else {on_false}")
            return
        b.emit(f"if {v} is True:")
        b.emit(f"    return {on_true}")
        b.emit(f"if {v} is False:")
        b.emit(f"    return {on_false}")
        b.emit(f"return {on_true} if truth({v}) else {on_false}")
    elif name in ("POP_JUMP_IF_NONE", "POP_JUMP_IF_NOT_NONE"):
        v = b.pop()
        b.spill()
        nxt, target = b.const(ins.next), b.const(ins.target)
        if name == "POP_JUMP_IF_NONE":
            b.emit(f"return {target} if {v} is None else {nxt}")
        else:
            b.emit(f"return {nxt} if {v} is None else {target}")
    else:  # pragma: no cover
        raise AssertionError(name)


def _load_method_push(o, name):
    """LOAD_ATTR_METHOD's two stack entries, in stack order, for an object
    whose attribute access is not native."""
    if type(o) is super:
        v = objects.super_getattr(o, name)
        return (v, NULL) if PY313 else (NULL, v)
    meth, self = objects.load_method(o, name)
    if meth is NULL:
        return (self, NULL) if PY313 else (NULL, self)
    return meth, self


def _namespace():
    from .variables import _global, _unbound_local, _name, _deref_error
    from .containers import unpack

    def unbound(ins):
        return _unbound_local(_name(ins))
    return dict(
        NULL=NULL, STATIC=STATIC, truth=truth, MethodType=MethodType,
        binary_op=objects.binary_op,
        compare=objects.compare, unary=objects.unary, ATTR_FAST=objects.NATIVE_ATTR,
        getattr_=objects.getattr_, super_getattr=objects.super_getattr,
        setattr_=objects.setattr_, load_global=_global, load_method_push=_load_method_push,
        unbound=unbound, deref_error=_deref_error, super=super, st=STATE, ModuleType=ModuleType,
        getitem=objects.getitem, setitem=objects.setitem, unpack=unpack)


NAMESPACE = _namespace()
