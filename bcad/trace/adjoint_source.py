"""`Trace.adjoint_source()`: the adjoint as Python source a person can read,
exec and step through in a debugger.

The generated `adjoint(ct_out, *primals)` is straight-line code along the
recorded path: it first recomputes the primal values the adjoint needs (one
statement per equation of the tape that reaches the output), then runs the
adjoint program backwards, one statement per instruction.  Arithmetic
(add, sub, mul, truediv, neg, pos) is written inline; other primitives call
their derivative rule through `bcad.trace.runtime`, by the name the dumps
print.  Branches are those taken when the trace was recorded: at other
primal values the source computes the derivative of that same path.
"""
import base64
import keyword
import linecache
import math
import pickle

from ..rules import BINARY, UNARY
from ..tape.tape import GENERAL, INPUT, NO_KEYWORDS
from . import runtime
from .trace import replay

_INFIX = {id(BINARY[0]): "+", id(BINARY[10]): "-", id(BINARY[5]): "*", id(BINARY[11]): "/",
          id(BINARY[6]): "%", id(BINARY[8]): "**"}
_PREFIX = {id(UNARY["__neg__"]): "-", id(UNARY["__pos__"]): "+"}
_ADJ = {"+": ("{g}", "{g}"), "-": ("{g}", "-{g}"), "*": ("{g} * {cy}", "{g} * {cx}"),
        "/": ("{g} / {cy}", "-{g} * {cans_y}")}


class _Consts:
    """Literals for constants; what has no literal goes to a pickled table."""

    def __init__(self):
        self.table = []

    def text(self, x):
        t = type(x)
        if isinstance(x, (float, complex)) and t is not float and t is not complex:
            return self._table(x)          # a subclass (numpy.float64): keep its type
        if t is float:
            if math.isfinite(x):
                return repr(x)
            return "rt.nan" if x != x else ("rt.inf" if x > 0 else "-rt.inf")
        if t is complex:
            return f"complex({self.text(x.real)}, {self.text(x.imag)})"
        if t in (int, bool, str, bytes) or x is None:
            return repr(x)
        if t is list:
            return "[" + ", ".join(self.text(e) for e in x) + "]"
        if t is tuple:
            inner = ", ".join(self.text(e) for e in x)
            return f"({inner},)" if len(x) == 1 else f"({inner})"
        if t is dict:
            return "{" + ", ".join(f"{self.text(k)}: {self.text(e)}" for k, e in x.items()) + "}"
        return self._table(x)

    def _table(self, x):
        self.table.append(x)
        return f"K[{len(self.table) - 1}]"


def _ident(name, taken):
    base = "".join(c if c.isalnum() or c == "_" else "_" for c in name) or "arg"
    if base[0].isdigit() or keyword.iskeyword(base):
        base = "_" + base
    while base in taken or base in ("rt", "K", "c", "ct_out") or \
            (base[:1] == "v" or base[:2] == "ct") and base.lstrip("vct").isdigit():
        base += "_"
    taken.add(base)
    return base


def _cj(text, value):
    return f"{text}.conjugate()" if isinstance(value, complex) else text


class _Writer:
    def __init__(self, trace):
        self.tr = trace
        self.tape = trace.tape
        self.k = _Consts()
        self.lines = []

    def emit(self, stmt, note=""):
        self.lines.append(f"    {stmt}" + (f"  # {note}" if note else ""))

    def operand(self, v, k):
        """Text of operand k of fixed-arity equation v."""
        tape = self.tape
        var = tape.a[v] if k == 0 else tape.b[v]
        return f"v{var}" if var >= 0 else self.k.text(tape.params[v][k])

    def tree(self, x, it):
        tx = type(x)
        if tx is list or tx is tuple:
            inner = ", ".join(self.tree(e, it) for e in x)
            if tx is tuple:
                return f"({inner},)" if len(x) == 1 else f"({inner})"
            return f"[{inner}]"
        if tx is dict:
            return "{" + ", ".join(f"{self.k.text(key)}: {self.tree(e, it)}"
                                   for key, e in x.items()) + "}"
        var = next(it, -1)
        return f"v{var}" if var >= 0 else self.k.text(x)

    def general_args(self, v):
        prm = self.tape.params[v]
        args, kwargs = prm[0], prm[1] or NO_KEYWORDS
        it = iter(self.tape.a[v])
        a = [self.tree(x, it) for x in args]
        kw = [(key, self.tree(x, it)) for key, x in kwargs.items()]
        return a, kw

    def general_call(self, v, name):
        a, kw = self.general_args(v)
        parts = a + [f"{key}={t}" if key.isidentifier() else f"**{{{key!r}: {t}}}"
                     for key, t in kw]
        return f"rt.call({name!r}, " + ", ".join(parts) + ")"

    def general_vjp(self, v, name):
        a, kw = self.general_args(v)
        args = "(" + ", ".join(a) + ("," if len(a) == 1 else "") + ")"
        kwargs = "{" + ", ".join(f"{key!r}: {t}" for key, t in kw) + "}"
        return f"rt.vjp_general({name!r}, ct{v}, v{v}, {args}, {kwargs})"

    def note(self, v):
        tr = self.tr
        s = tr.site(v)
        text = f"%{v} = {self.tape.prim[v].name} " + " ".join(tr.operands(v))
        if s is not None:
            text += f"   {s.short} in {s.function}"
            if s.source:
                src = s.source if len(s.source) <= 60 else s.source[:57] + "..."
                text += f": {src}"
        return text

    # -- forward --------------------------------------------------------
    def forward(self, v, name):
        tape = self.tape
        p = tape.prim[v]
        if tape.b[v] == GENERAL:
            expr = self.general_call(v, name)
        elif id(p) in _INFIX and len(tape.params[v]) == 2:
            expr = f"{self.operand(v, 0)} {_INFIX[id(p)]} {self.operand(v, 1)}"
        elif id(p) in _PREFIX:
            expr = f"{_PREFIX[id(p)]}{self.operand(v, 0)}"
        else:
            n = len(tape.params[v]) if tape.params[v] is not None else 1
            expr = f"rt.call({name!r}, " + ", ".join(self.operand(v, k) for k in range(n)) + ")"
            if not self._recomputes(v, name):
                expr = self.k.text(tape.vals[v])
                self.emit(f"v{v} = {expr}", f"{self.note(v)}  (recorded value: "
                                             f"{p.name} cannot be called again)")
                return
        self.emit(f"v{v} = {expr}", self.note(v))

    def _recomputes(self, v, name):
        tape = self.tape
        try:
            r = runtime.call(name, *tape.params[v])
        except Exception:               # noqa: BLE001
            return False
        x = tape.vals[v]
        return type(r) is type(x) and (r == x or r != r and x != x)

    # -- backward -------------------------------------------------------
    def backward(self, v, instrs, name, defined, contrib, casts):
        tape = self.tape
        p = tape.prim[v]
        g = f"ct{v}"
        general = tape.b[v] == GENERAL
        self.lines.append(f"    # {self.note(v)}")
        if general:
            self.emit(f"c = {self.general_vjp(v, name)}")
        for _, _, pos, i, _ in instrs:
            c = contrib.get((v, pos))
            if c is None:
                self.lines.append(f"    # ct%{i} += 0: the rule of {p.name} gives no cotangent "
                                  f"for input {pos}")
                continue
            if general:
                expr = f"c[{pos}]"
            elif id(p) in _INFIX and _INFIX[id(p)] in _ADJ:
                x, y = tape.params[v]
                ans = tape.vals[v]
                cx = _cj(self.operand(v, 0), x)
                cy = _cj(self.operand(v, 1), y)
                cans_y = _cj(f"(v{v} / {self.operand(v, 1)})",
                             ans if type(ans) is complex else y)
                expr = _ADJ[_INFIX[id(p)]][pos].format(g=g, cx=cx, cy=cy, cans_y=cans_y)
            elif id(p) in _PREFIX:
                expr = f"-{g}" if _PREFIX[id(p)] == "-" else g
            else:
                ops = ", ".join(self.operand(v, k) for k in range(len(tape.params[v])))
                expr = f"rt.vjp({name!r}, {pos}, {g}, v{v}, {ops})"
            if (v, pos) in casts:
                expr = f"({expr}).real"
            op = "+=" if i in defined else "="
            defined.add(i)
            self.emit(f"ct{i} {op} {expr}")


def adjoint_source(trace):
    """Python source of `adjoint(ct_out, <primals>)` for `trace` (a Trace)."""
    tape = trace.tape
    for v in trace.used:
        if tape.prim[v].kind is not None:
            raise NotImplementedError(
                f"bcad: adjoint_source() covers float and complex operations only; this trace "
                f"has numpy array operations ({tape.prim[v].name} at "
                f"{trace.site_text(v) if hasattr(trace, 'site_text') else 'equation %' + str(v)})"
                f". Read the array adjoint with trace.adjoint / trace.format() instead.")
    w = _Writer(trace)
    names = {}
    for v in range(len(tape)):
        if tape.prim[v] is not INPUT and v in trace.used:
            names[v] = runtime.register(tape.prim[v])
    # cotangents along the path, seeded with ones (None-ness is structural)
    seeds = {}
    for v, x in zip(trace.out_vars, trace.out_leaves):
        if v >= 0:
            seeds[v] = seeds.get(v, 0.0) + (1 + 0j if isinstance(x, complex) else 1.0)
    cts, contrib, casts = replay(tape, seeds) if seeds else ([None] * len(tape), {}, set())

    taken = set()
    params, unpack, returns = [], [], []
    for argnum, (leaves, treedef, mask) in zip(trace.argnums, trace.result.inputs):
        vars_ = [tape.var_of(x) if m else -1 for x, m in zip(leaves, mask)]
        first = next((x for x in vars_ if x >= 0), None)
        base = trace.input_names.get(first, f"arg{argnum}") if first is not None else \
            f"arg{argnum}"
        pname = _ident(base.split("[")[0].split(".")[0], taken)
        params.append(pname)

        def grad_of(v, leaf):
            if v < 0:
                return "None"
            if v in trace.used and cts[v] is not None:
                # (a float's gradient is a float, as bcad.grad returns it)
                return f"float(ct{v})" if type(leaf) is float else f"ct{v}"
            return "0j" if isinstance(leaf, complex) else "0.0"
        if treedef is None:
            unpack.append(f"v{vars_[0]} = {pname}")
            returns.append(grad_of(vars_[0], leaves[0]))
        else:
            unpack.append(f"{pname}_leaves = rt.leaves({pname})")
            for k, v in enumerate(vars_):
                if v >= 0:
                    unpack.append(f"v{v} = {pname}_leaves[{k}]")
            returns.append(f"rt.rebuild({pname}, [" +
                           ", ".join(grad_of(v, x) for v, x in zip(vars_, leaves)) + "])")

    for stmt in unpack:
        w.emit(stmt)
    w.lines.append("")
    w.lines.append("    # forward: the primal values of the recorded path")
    for v in range(len(tape)):
        if tape.prim[v] is not INPUT and v in trace.used:
            w.forward(v, names[v])
    w.lines.append("")
    w.lines.append("    # backward: the adjoint program (ct%v: cotangent of %v)")
    defined = set()
    if trace.out_tree is None:
        if trace.out_vars and trace.out_vars[0] >= 0:
            w.emit(f"ct{trace.out_vars[0]} = ct_out", "seed")
            defined.add(trace.out_vars[0])
    else:
        w.emit("ct_out_leaves = rt.leaves(ct_out)")
        for k, v in enumerate(trace.out_vars):
            if v >= 0:
                w.emit(f"ct{v} {'+=' if v in defined else '='} ct_out_leaves[{k}]", "seed")
                defined.add(v)
    prog = trace.program
    k = 0
    while k < len(prog):
        v = prog[k][0]
        j = k
        while j < len(prog) and prog[j][0] == v:
            j += 1
        if cts[v] is None:
            w.lines.append(f"    # ct%{v} is zero here: nothing flows back through "
                           f"%{v} = {tape.prim[v].name}")
        else:
            w.backward(v, prog[k:j], names[v], defined, contrib, casts)
        k = j
    w.lines.append("")
    ret = returns[0] if trace.single else "(" + ", ".join(returns) + \
        ("," if len(returns) == 1 else "") + ")"
    w.emit(f"return {ret}")

    where = f" ({trace.function_site})" if trace.function_site else ""
    plist = ", ".join(params)
    head = [f'"""Adjoint of {trace.function_name}{where}, generated by bcad.trace.',
            "",
            f"adjoint(ct_out, {plist}) returns the cotangents of {plist} (the gradient",
            "when ct_out is 1.0) along the path the trace recorded: straight-line code,",
            "one statement per equation and per adjoint instruction.",
            '"""',
            "from bcad.trace import runtime as rt",
            ""]
    if w.k.table:
        data = base64.b64encode(pickle.dumps(w.k.table)).decode("ascii")
        head.append(f"K = rt.constants({data!r})  # constants without a literal")
        head.append("")
    head.append("")
    head.append(f"def adjoint(ct_out, {plist}):")
    return "\n".join(head + w.lines) + "\n"


_COUNT = [0]


def adjoint_function(trace, filename=None):
    """Compile and exec `adjoint_source(trace)`; return its `adjoint`.
    The source is registered with linecache under `filename`, so a debugger
    (pdb, an IDE) shows it while stepping."""
    src = adjoint_source(trace)
    if filename is None:
        _COUNT[0] += 1
        filename = f"<bcad adjoint {_COUNT[0]} of {trace.function_name}>"
    lines = src.splitlines(True)
    linecache.cache[filename] = (len(src), None, lines, filename)
    ns = {"__name__": "bcad_adjoint"}
    exec(compile(src, filename, "exec"), ns)
    return ns["adjoint"]

