"""`bcad.trace`: record a function's tape and show it.

    tr = bcad.trace(f)(1.0, 2.0)
    print(tr)                         # the forward tape, one equation a line
    print(tr.adjoint)                 # the adjoint program
    print(tr.format(values=True, collapse_libraries=True))

A line of the forward dump:

    %3:f64 = mul %1 %2                    # model.py:14 in step   net *= x

(variable, type f64/c128, primitive, operands: %variables or constants,
then the user's file:line, function and source text).  Equations are nested
under headers `in f (file.py:12)` of the interpreted calls that made them.
"""
import inspect
import os
import numpy as np

from ..errors import NonDifferentiableError
from ..tape.tape import INPUT, GENERAL, NO_KEYWORDS
from ..transforms import context
from ..transforms.reverse import run_forward, adjoint_program, gradients
from ..transforms.expressions import expanded
from ..transforms.tree import flatten, paths
from .recorder import StackTape, Sites

COLUMN = 40          # where the `# file:line` comment starts (when it fits)
MAX_CONST = 40       # longest constant shown in full
MAX_SOURCE = 72      # longest source text shown in full


def vtype(x):
    return "c128" if isinstance(x, complex) else "f64"


def const_text(x):
    r = repr(x)
    return r if len(r) <= MAX_CONST else r[:MAX_CONST - 3] + "..."


def _render_tree(x, it, var_text):
    """Text of a general primitive's argument, leaves replaced by variables."""
    tx = type(x)
    if tx is list or tx is tuple:
        inner = ", ".join(_render_tree(e, it, var_text) for e in x)
        if tx is tuple:
            return f"({inner},)" if len(x) == 1 else f"({inner})"
        return f"[{inner}]"
    if tx is dict:
        return "{" + ", ".join(f"{k!r}: {_render_tree(e, it, var_text)}"
                               for k, e in x.items()) + "}"
    var = next(it, -1)
    return var_text(var) if var >= 0 else const_text(x)


def _pct(v):
    return f"%{v}"


def _expand_operands(tape):
    """A compact tape (bcad.grad's) leaves out argument tuples made only of
    tracked values; the dumps show every operand, so put them back."""
    if not tape.compact:
        return
    params = tape.params
    for v in range(len(params)):
        if params[v] is None and tape.a[v] != -1 and tape.b[v] != GENERAL:
            params[v] = tape.operands(v)


class Trace:
    """The recorded forward pass of one call, with its adjoint.

    Attributes: `tape` (the Tape), `result` (the VJPResult), `value` (what
    the function returned), `grad` (the gradient as bcad.grad returns it,
    or None when the output is not a real scalar), `error` (the exception
    that stopped a partial trace, else None).
    """

    def __init__(self, result, fun=None, argnums=(0,), single=True, out=None, error=None):
        # (a dump shows each operation: expression equations are expanded)
        result = expanded(result)
        self.result = result
        self.tape = result.tape
        _expand_operands(self.tape)
        self.fun = fun
        self.argnums = tuple(argnums)
        self.single = single
        self.error = error
        self.value = result.out if out is None else out
        self.sites = Sites()
        self._frames_memo = {}
        self.paths_memo = {}
        self.stacks = getattr(self.tape, "stacks", None)
        self.input_vars, self.input_names = self._inputs()
        self.out_leaves, self.out_tree = flatten(self.value) if error is None else ([], None)
        self.out_vars = [self.tape.var_of(x) for x in self.out_leaves]
        self.program = adjoint_program(self.tape, [v for v in self.out_vars if v >= 0])
        self.used = set(v for v in self.out_vars if v >= 0)
        self.used.update(ins[3] for ins in self.program)
        self.seeds = self._seeds()
        self.cts, self.contrib, _ = replay(self.tape, self.seeds) if self.seeds else \
            (None, {}, None)
        self.grad = self._grad()

    # ------------------------------------------------------------- model
    def _inputs(self):
        names = {}
        params = []
        if self.fun is not None:
            try:
                sig = inspect.signature(self.fun)
                params = [p.name for p in sig.parameters.values()
                          if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
            except (TypeError, ValueError):
                params = []
        order = []
        for argnum, (leaves, treedef, mask) in zip(self.argnums, self.result.inputs):
            base = params[argnum] if argnum < len(params) else f"args[{argnum}]"
            for leaf, name, m in zip(leaves, paths(treedef, base), mask):
                if m:
                    v = self.tape.var_of(leaf)
                    names[v] = name
                    order.append(v)
        return order, names

    def _seeds(self):
        """Seed ct = 1.0 for a real scalar output (what bcad.grad does)."""
        if self.error is None and len(self.out_vars) == 1 and self.out_tree is None \
                and isinstance(self.value, float) and self.out_vars[0] >= 0:
            return {self.out_vars[0]: 1.0}
        return None

    def _grad(self):
        if not self.seeds:
            return None
        g = gradients(self.result, self.out_leaves, [1.0])
        return g[0] if self.single else tuple(g)

    def site(self, v):
        """The Site (file, line, function, source) that recorded equation v."""
        instr = self.tape.site[v]
        if instr is None:
            return None
        st = self.stacks[v] if self.stacks is not None else None
        if st and st[-1][1] is instr.code:
            return self.sites.get(instr.code, instr.lineno or instr.code.line_of(st[-1][2]))
        return self.sites.of_instr(instr)

    def frames(self, v):
        """The interpreted call stack of equation v, outermost first, as
        (call serial, Site of the running line); None without stack data."""
        if self.stacks is None or self.stacks[v] is None:
            return None
        memo = self._frames_memo
        if v in memo:
            return memo[v]
        st = self.stacks[v]
        out = memo[v] = []
        for k, (serial, code, pc) in enumerate(st):
            if k == len(st) - 1:
                site = self.site(v) or self.sites.get(code, code.line_of(pc))
            else:
                site = self.sites.get(code, code.line_of(pc))
            out.append((serial, site))
        return out

    def user_site(self, v):
        """The innermost user-code (non-library) site on v's stack."""
        fr = self.frames(v)
        if fr:
            for _, s in reversed(fr):
                if not s.library:
                    return s
        return self.site(v)

    def operands(self, v, var_text=_pct):
        """The operands of equation v as text: variables or constants."""
        tape = self.tape
        a, b, prm = tape.a[v], tape.b[v], tape.params[v]
        if b == GENERAL:
            args, kwargs = prm[0], prm[1] or NO_KEYWORDS
            if tape.prim[v].kind == "flat":     # a write: old[key] = value
                meta, key, value, flat = args
                old = var_text(a[0]) if a[0] >= 0 else const_text(meta)
                new = [var_text(i) for i in a[1:] if i >= 0]
                val = new[0] if len(new) == 1 else (f"[{', '.join(new)}]" if new else
                                                    const_text(value))
                where = "flat positions" if flat else "key"
                return [old, f"{where} {_key_text(key)}", f"value {val}"]
            it = iter(a)
            parts = [_render_tree(x, it, var_text) for x in args]
            parts += [f"{k}={_render_tree(x, it, var_text)}" for k, x in kwargs.items()]
            return parts
        if prm is None:
            return [var_text(a)] if a >= 0 else []
        parts = []
        for k, x in enumerate(prm):
            var = a if k == 0 else b if k == 1 else -1
            parts.append(var_text(var) if var >= 0 else const_text(x))
        return parts

    def input_vars_of(self, v):
        """The variables equation v reads (tracked inputs only)."""
        a, b = self.tape.a[v], self.tape.b[v]
        ins = a if b == GENERAL else (a, b)
        return [i for i in ins if i >= 0]

    def equation_vars(self):
        return [v for v in range(len(self.tape)) if self.tape.prim[v] is not INPUT]

    @property
    def function_name(self):
        f = self.fun
        return getattr(f, "__qualname__", None) or getattr(f, "__name__", None) or "function"

    @property
    def function_site(self):
        """'file.py:12' of the traced function's def line, or ''."""
        co = getattr(getattr(self.fun, "__bcad_interpreted__", self.fun), "__code__", None)
        if co is None:
            return ""
        return f"{os.path.basename(co.co_filename)}:{co.co_firstlineno}"

    def output_text(self, var_text=_pct):
        if self.error is not None:
            return f"raised {type(self.error).__name__}"
        leaves = iter(self.out_vars)
        return _render_tree(self.value, leaves, var_text) if self.out_tree is not None \
            else (var_text(self.out_vars[0]) if self.out_vars[0] >= 0
                  else const_text(self.value))

    # -------------------------------------------------------------- text
    def __str__(self):
        return self.format()

    def __repr__(self):
        from .text import plural
        n = len(self.tape) - len(self.input_vars)
        return (f"<bcad.Trace of {self.function_name}: {plural(len(self.input_vars), 'input')}, "
                f"{plural(n, 'equation')}>")

    def format(self, values=False, collapse_libraries=False):
        """The forward tape as text (see the module docstring)."""
        from .text import format_forward
        return format_forward(self, values, collapse_libraries)

    @property
    def adjoint(self):
        """The adjoint program: print(trace.adjoint), or
        trace.adjoint.format(values=True, collapse_libraries=True)."""
        return AdjointListing(self)

    # ------------------------------------------------------------ exports
    def adjoint_source(self):
        """Python source of `adjoint(ct_out, *primals)` along the recorded path."""
        from .adjoint_source import adjoint_source
        return adjoint_source(self)

    def adjoint_function(self):
        """exec of adjoint_source(): the function it defines."""
        from .adjoint_source import adjoint_function
        return adjoint_function(self)

    def to_dict(self):
        from .export import to_dict
        return to_dict(self)

    def to_json(self):
        """JSON text (schema: docs/debugging.md), one equation per line."""
        from .export import to_json
        return to_json(self)

    def to_dot(self):
        from .export import to_dot
        return to_dot(self)

    def to_html(self):
        from .export import to_html
        return to_html(self)

    def save(self, path_stem, formats=("txt", "json")):
        """Write `path_stem.txt`, `.json`, `.dot`, `.html`, `.py` as asked;
        returns the paths written."""
        makers = {"txt": lambda: self.format(collapse_libraries=False) + "\n\n" +
                  str(self.adjoint) + "\n",
                  "json": self.to_json, "dot": self.to_dot, "html": self.to_html,
                  "py": self.adjoint_source}
        written = []
        for ext in formats:
            p = f"{path_stem}.{ext}"
            with open(p, "w", encoding="utf-8") as fh:
                fh.write(makers[ext]())
            written.append(p)
        return written


class AdjointListing:
    """`trace.adjoint`: prints the adjoint instructions like the tape."""

    def __init__(self, trace):
        self.trace = trace

    def __str__(self):
        return self.format()

    def __repr__(self):
        return f"<bcad adjoint of {self.trace.function_name}: {len(self)} instructions>"

    def __len__(self):
        return len(self.trace.program)

    def __iter__(self):
        return iter(self.trace.program)

    def format(self, values=False, collapse_libraries=False):
        from .text import format_adjoint
        return format_adjoint(self.trace, values, collapse_libraries)


# ---------------------------------------------------------------- replay

def _key_text(key):
    """An index as text (arrays of positions shortened)."""
    if type(key) is tuple:
        return "[" + ", ".join(_key_text(k)[1:-1] for k in key) + "]"
    if type(key) is slice:
        return "[" + ":".join("" if x is None else str(x)
                              for x in (key.start, key.stop, key.step)).rstrip(":") + "]" \
            if key.step is not None else f"[{'' if key.start is None else key.start}:" \
            f"{'' if key.stop is None else key.stop}]"
    if key is Ellipsis:
        return "[...]"
    if type(key) is np.ndarray:
        return f"[array{key.shape}]" if key.size > 6 else f"[{key.tolist()}]"
    return f"[{key!r}]"


def replay(tape, seeds):
    """Run the adjoint like reverse.backward, also keeping every single
    contribution: returns (ct list, {(out var, input position): c}, casts)
    where c is None when the rule gave no cotangent (a structural zero), the
    key is missing when the instruction did not run (its ct was zero), and
    `casts` holds the keys whose complex contribution to a real input was
    cast to its real part."""
    from ..transforms.reverse import _flat_ct, _real_for
    n = len(tape.vals)
    ct = [None] * n
    contrib = {}
    casts = set()

    def real(x, c, key):
        if type(c) is complex and type(x) is not complex:
            casts.add(key)
        return _real_for(x, c)
    for v, g in seeds.items():
        ct[v] = g if ct[v] is None else ct[v] + g
    vals, prims, A, B, params = tape.vals, tape.prim, tape.a, tape.b, tape.params
    for v in range(n - 1, -1, -1):
        g = ct[v]
        p = prims[v]
        if g is None or p is INPUT:
            continue
        a, b = A[v], B[v]
        if b == GENERAL:
            prm = params[v]
            args, kwargs = prm[0], prm[1] or NO_KEYWORDS
            if p.kind == "flat":         # (never in place here: contributions are kept)
                cts, _ = p.vjps[0](g, vals[v], args, kwargs, False)
                for pos, (i, c) in enumerate(zip(a, cts)):
                    if i >= 0:
                        if c is not None:
                            c = real(vals[i], _dense(vals[i], c), (v, pos))
                            ct[i] = c if ct[i] is None else ct[i] + c
                        contrib[(v, pos)] = c
                continue
            cts = p.vjps[0](g, prm[2] if len(prm) > 2 else vals[v], args, kwargs)
            flat = []
            for c, arg in zip(cts, args):
                _flat_ct(c, arg, flat)
            # keyword arguments' leaves follow (their cotangents come after
            # those of args, see rules.kw_cts)
            for c, arg in zip(cts[len(args):], kwargs.values()):
                _flat_ct(c, arg, flat)
            for pos, (i, c) in enumerate(zip(a, flat)):
                if i < 0:
                    continue
                if c is not None:
                    c = real(vals[i], _dense(vals[i], c), (v, pos))
                    ct[i] = c if ct[i] is None else ct[i] + c
                contrib[(v, pos)] = c
            continue
        prm = params[v]
        for pos, i in ((0, a), (1, b)):
            if i >= 0:
                rule = p.vjps[pos] if pos < len(p.vjps) else None
                if rule is None:              # no rule: no cotangent (as backward)
                    contrib[(v, pos)] = None
                    continue
                c = real(vals[i], rule(g, vals[v], *prm), (v, pos))
                ct[i] = c if ct[i] is None else ct[i] + c
                contrib[(v, pos)] = c
    return ct, contrib, casts


def _dense(x, c):
    """A cotangent as a value: subscripts' sparse cotangents made dense, and
    an array cotangent shaped like its array."""
    from ..rules.numpy import Scatter
    from ..transforms.reverse import _shaped
    if type(c) is Scatter:
        return c.dense(x)
    return _shaped(x, c, -1) if type(x) is np.ndarray else c


def is_zero_rule(prim, pos):
    """True when the rule of `prim` for input `pos` is bcad's `None` (zero)
    rule: the output does not depend differentiably on that input."""
    try:
        from ..rules import _zero_vjp
    except ImportError:          # pragma: no cover - rules module changed
        return False
    if prim.general:
        return False
    rule = prim.vjps[pos] if pos < len(prim.vjps) else None
    return rule is None or rule is _zero_vjp


# ------------------------------------------------------------------ entry

def trace(fun, argnums=0):
    """Return a function that runs `fun` like bcad.grad would and returns a
    `Trace` of the recorded tape instead of the gradient.

        print(bcad.trace(f)(1.0, 2.0))

    `argnums`: an int or a tuple of ints, as for bcad.grad.  When the
    function raises while recording, the exception gets an attribute
    `trace` holding the partial Trace (what was recorded until then).
    """
    if isinstance(argnums, int):
        nums, single = (argnums,), True
    else:
        nums, single = tuple(argnums), False
        if not nums or not all(isinstance(i, int) for i in nums):
            raise TypeError(f"argnums must be an int or a non-empty tuple of ints, "
                            f"got {argnums!r}")

    def traced(*args, **kwargs):
        if context.recording() is not None:
            raise NonDifferentiableError(
                f"bcad: bcad.trace({getattr(fun, '__qualname__', fun)}) was called inside another "
                f"transform (grad, jvp, ...) of this thread; a trace records its own tape and "
                f"cannot be differentiated. Call bcad.trace at top level, or bcad.trace the "
                f"outer function.")
        tape = StackTape()
        try:
            res = run_forward(fun, args, kwargs, nums, tape=tape, kind="trace")
        except Exception as e:
            if tape.vals:
                try:
                    e.trace = partial_trace(tape, fun, nums, single, args, e)
                except Exception:            # noqa: BLE001 - never hide the real error
                    pass
            raise
        return Trace(res, fun, nums, single)

    traced.__name__ = f"trace_{getattr(fun, '__name__', 'fun')}"
    traced.__doc__ = f"Trace of {getattr(fun, '__qualname__', fun)!s} (see bcad.trace)."
    return traced


def partial_trace(tape, fun, nums, single, args, error):
    """A Trace of what was recorded before `error` stopped the function."""
    from ..transforms.reverse import VJPResult
    inputs = []
    k = 0
    for i in nums:
        if i >= len(args):
            break
        leaves, treedef = flatten(args[i])
        mask = [type(x) in (float, complex) or isinstance(x, float) for x in leaves]
        new = []
        for m, leaf in zip(mask, leaves):
            if m and k < len(tape.vals) and tape.prim[k] is INPUT:
                new.append(tape.vals[k])
                k += 1
            else:
                new.append(leaf)
        inputs.append((new, treedef, mask))
    return Trace(VJPResult(tape, None, inputs), fun, nums, single, error=error)
