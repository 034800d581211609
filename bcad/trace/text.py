"""The text format of traces: forward tape and adjoint program.

Both listings are a sequence of items (one equation, one adjoint
instruction, or a collapsed library call) nested under the interpreted
calls that produced them.  A header `in f (file.py:12)` opens a call (the
def line of the function); deeper calls are indented two more spaces.
Only base names of files are printed, so dumps do not depend on where the
code lives.
"""
import os

from .trace import COLUMN, MAX_SOURCE, vtype, const_text, is_zero_rule

INDENT = "  "


def plural(n, word):
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _base(path):
    return os.path.basename(path)


def _header(site, caller):
    h = f"in {site.function} ({_base(site.file)}:{site.def_line})"
    if caller is not None:
        h += f", called from {caller.short}"
    if site.library:
        h += " [library]"
    return h


def path_of(trace, v):
    """[(key, header)] of the calls above equation v, outermost first."""
    memo = trace.paths_memo
    p = memo.get(v)
    if p is None:
        p = memo[v] = _path_of(trace, v)
    return p


def _path_of(trace, v):
    fr = trace.frames(v)
    if fr is not None:
        return [(serial, _header(site, fr[k - 1][1] if k else None))
                for k, (serial, site) in enumerate(fr)]
    s = trace.site(v)
    if s is None:
        return []
    return [(("code", id(s.code)), _header(s, None))]


def library_block(trace, v, path):
    """For collapse_libraries: (block key, path above the block, the library
    site, the user site that called into it) or None for user code."""
    fr = trace.frames(v)
    if fr is not None:
        for k, (serial, site) in enumerate(fr):
            if site.library:
                return (tuple(key for key, _ in path[:k + 1]), path[:k], site,
                        fr[k - 1][1] if k else None)
        return None
    s = trace.site(v)
    if s is not None and s.library:
        return (("lib", id(s.code)), [], s, None)
    return None


def comment(site):
    if site is None:
        return ""
    src = site.source
    if len(src) > MAX_SOURCE:
        src = src[:MAX_SOURCE - 3] + "..."
    text = f"# {site.short} in {site.function}"
    return f"{text}   {src}" if src else text


def _line(indent, instr, note):
    text = INDENT * indent + instr
    if not note:
        return text
    pad = COLUMN - len(text)
    return text + (" " * pad if pad >= 2 else "  ") + note


def render(items, collapse, make_block):
    """Lay out items: (var, path, instr, note).  With `collapse`, runs of
    items inside the same library call become one line by `make_block`."""
    out = []
    open_keys = []
    k = 0
    while k < len(items):
        var, path, instr, note, block = items[k]
        if collapse and block is not None:
            j = k
            while j < len(items) and items[j][4] is not None and items[j][4][0] == block[0]:
                j += 1
            path = block[1]
            instr, note = make_block(items[k:j], block)
            k = j
        else:
            k += 1
        keys = [key for key, _ in path]
        common = 0
        while common < min(len(keys), len(open_keys)) and keys[common] == open_keys[common]:
            common += 1
        for d in range(common, len(path)):
            out.append(INDENT * d + path[d][1])
        open_keys = keys
        out.append(_line(len(path), instr, note))
    return out


def _value(x):
    return f" -> {const_text(x)}"


def _consumers(trace):
    users = {}
    for v in trace.equation_vars():
        for i in trace.input_vars_of(v):
            users.setdefault(i, []).append(v)
    return users


def _block_name(site):
    return f"{site.function} in {_base(site.file)}"


def equation_text(trace, v, values=False):
    """`%3:f64 = mul %1 %2` (with ` -> value` and `[unused]` marks)."""
    tape = trace.tape
    instr = f"%{v}:{vtype(tape.vals[v])} = {tape.prim[v].name}"
    ops = trace.operands(v)
    if ops:
        instr += " " + " ".join(ops)
    if values:
        instr += _value(tape.vals[v])
    if trace.error is None and v not in trace.used:
        instr += "  [unused]"
    return instr


def format_forward(trace, values=False, collapse_libraries=False):
    tape = trace.tape
    n_eq = len(tape) - len(trace.input_vars)
    where = f" ({trace.function_site})" if trace.function_site else ""
    lines = [f"trace of {trace.function_name}{where}: {plural(len(trace.input_vars), 'input')}, "
             f"{plural(n_eq, 'equation')}"]
    if trace.error is not None:
        lines.append(f"(partial: the function raised {type(trace.error).__name__})")
    for v in trace.input_vars:
        lines.append(f"%{v}:{vtype(tape.vals[v])} = input {trace.input_names.get(v, '?')}"
                     + (_value(tape.vals[v]) if values else ""))
    items = []
    for v in trace.equation_vars():
        path = path_of(trace, v)
        instr = equation_text(trace, v, values)
        block = library_block(trace, v, path) if collapse_libraries else None
        items.append((v, path, instr, comment(trace.site(v)), block))
    users = _consumers(trace)
    outs = set(trace.out_vars)

    def make_block(run, block):
        vs = [it[0] for it in run]
        inside = set(vs)
        reads = sorted({i for v in vs for i in trace.input_vars_of(v) if i not in inside})
        gives = [v for v in vs if v in outs or any(u not in inside for u in users.get(v, ()))]
        span = f"%{vs[0]}" if len(vs) == 1 else f"%{vs[0]}..%{vs[-1]}"
        text = f"[{_block_name(block[2])}: {plural(len(vs), 'equation')} {span}"
        if reads:
            text += ", reads " + " ".join(f"%{i}" for i in reads)
        if gives:
            text += ", gives " + " ".join(f"%{g}" for g in gives)
        return text + "]", comment(block[3]) if block[3] is not None else ""
    lines += render(items, collapse_libraries, make_block)
    lines.append(f"return {trace.output_text()}")
    return "\n".join(lines)


def adjoint_items(trace, values):
    items = []
    for v, prim, pos, i, _site in trace.program:
        ops = trace.operands(v)
        instr = f"ct%{i} += vjp[{prim.name}, {pos}](ct%{v}" + \
            "".join(", " + o for o in ops) + ")"
        if trace.seeds is not None:
            if (v, pos) not in trace.contrib:
                instr += f"  [skipped: ct%{v} is zero]"
            else:
                c = trace.contrib[(v, pos)]
                if c is None or is_zero_rule(prim, pos):
                    instr += "  [zero]"
                elif values:
                    instr += _value(c)
        elif is_zero_rule(prim, pos):
            instr += "  [zero]"
        items.append((v, i, instr, comment(trace.site(v))))
    return items


def format_adjoint(trace, values=False, collapse_libraries=False):
    tape = trace.tape
    prog = trace.program
    lines = [f"adjoint of {trace.function_name}: {plural(len(prog), 'instruction')}"]
    for k, v in enumerate(trace.out_vars):
        if v < 0:
            continue
        seed = trace.seeds.get(v) if trace.seeds else None
        src = const_text(seed) if seed is not None else \
            ("ct_out" if trace.out_tree is None else f"ct_out leaf {k}")
        lines.append(f"ct%{v} = {src}  (seed)")
    items = []
    for v, i, instr, note in adjoint_items(trace, values):
        path = path_of(trace, v)
        block = library_block(trace, v, path) if collapse_libraries else None
        items.append(((v, i), path, instr, note, block))

    def make_block(run, block):
        vs = {it[0][0] for it in run}
        to = sorted({it[0][1] for it in run if it[0][1] not in vs})
        frm = sorted(v for v in vs if not any(it[0][1] == v for it in run))
        text = (f"[{_block_name(block[2])}: {plural(len(run), 'adjoint instruction')}, "
                + " ".join(f"ct%{v}" for v in frm) + " -> "
                + " ".join(f"ct%{i}" for i in to) + "]")
        return text, comment(block[3]) if block[3] is not None else ""
    lines += render(items, collapse_libraries, make_block)
    for v in trace.input_vars:
        name = trace.input_names.get(v, "?")
        if v not in trace.used:
            lines.append(f"grad {name} = 0  [no path from %{v} to the output]")
            continue
        text = f"grad {name} = ct%{v}"
        if values and trace.cts is not None:
            c = trace.cts[v]
            text += _value(0.0 * tape.vals[v] if c is None else c)
        lines.append(text)
    return "\n".join(lines)
