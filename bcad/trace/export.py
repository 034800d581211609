"""Exports of a Trace: JSON (schema in docs/debugging.md), Graphviz DOT of
the data flow, and a self-contained HTML page (source beside the tape)."""
import html
import json
import linecache

from ..transforms.tree import flatten
from .text import equation_text, adjoint_items, path_of, plural
from .trace import vtype

SCHEMA_VERSION = 1


# ------------------------------------------------------------------- JSON

def _operand_vars(trace, v):
    tape = trace.tape
    a, b, prm = tape.a[v], tape.b[v], tape.params[v]
    if isinstance(a, tuple):
        return list(a)
    n = len(prm) if isinstance(prm, tuple) else 1
    return ([a, b] + [-1] * max(0, n - 2))[:n]


def _grad_leaves(trace):
    """{input var: repr of its gradient} from trace.grad (bcad.grad's)."""
    if trace.grad is None:
        return {}
    grads = (trace.grad,) if trace.single else trace.grad
    out = {}
    for g, (leaves, _treedef, mask) in zip(grads, trace.result.inputs):
        for x, gx, m in zip(leaves, flatten(g)[0], mask):
            if m:
                out[trace.tape.var_of(x)] = repr(gx)
    return out


def to_dict(trace):
    tape = trace.tape
    fn = getattr(trace.fun, "__bcad_interpreted__", trace.fun)
    co = getattr(fn, "__code__", None)
    grads = _grad_leaves(trace)
    inputs = []
    for v in trace.input_vars:
        inputs.append({"id": v, "name": trace.input_names.get(v), "type": vtype(tape.vals[v]),
                       "value": repr(tape.vals[v]), "gradient": grads.get(v)})
    equations = []
    for v in trace.equation_vars():
        site = trace.site(v)
        frames = trace.frames(v)
        equations.append({
            "id": v,
            "prim": tape.prim[v].name,
            "inputs": _operand_vars(trace, v),
            "operands": trace.operands(v),
            "params": repr(tape.params[v]),
            "type": vtype(tape.vals[v]),
            "value": repr(tape.vals[v]),
            "used": v in trace.used,
            "site": site.as_dict() if site is not None else None,
            "stack": [s.as_dict() for _, s in frames] if frames is not None else None,
        })
    outputs = [{"id": v, "value": repr(x)} for v, x in zip(trace.out_vars, trace.out_leaves)]
    adjoint = []
    for v, prim, pos, i, _site in trace.program:
        ran = trace.seeds is not None and (v, pos) in trace.contrib
        c = trace.contrib.get((v, pos)) if ran else None
        adjoint.append({"out": v, "prim": prim.name, "position": pos, "input": i,
                        "zero": ran and c is None, "skipped": trace.seeds is not None and not ran,
                        "value": repr(c) if c is not None else None})
    return {
        "version": SCHEMA_VERSION,
        "function": {"name": trace.function_name,
                     "file": co.co_filename if co else None,
                     "line": co.co_firstlineno if co else None},
        "error": None if trace.error is None else f"{type(trace.error).__name__}: {trace.error}",
        "inputs": inputs,
        "equations": equations,
        "outputs": outputs,
        "adjoint": adjoint,
    }


def to_json(trace):
    """Compact JSON with one input, equation, output or adjoint instruction
    per line (readable, diffable, and fast: the C encoder does each line)."""
    d = to_dict(trace)
    parts = []
    for key, value in d.items():
        if isinstance(value, list):
            inner = ",\n".join("  " + json.dumps(x) for x in value)
            parts.append(f" {json.dumps(key)}: [\n{inner}\n ]" if value else
                         f" {json.dumps(key)}: []")
        else:
            parts.append(f" {json.dumps(key)}: {json.dumps(value)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


# -------------------------------------------------------------------- DOT

def _q(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(trace):
    """Graphviz DOT: one node per variable, an edge per use, equations
    nested in clusters by the interpreted call that made them."""
    tape = trace.tape
    lines = ["digraph bcad_trace {", "  rankdir=TB;",
             '  node [shape=box, fontname="monospace", fontsize=10];',
             f"  label={_q('trace of ' + trace.function_name)};"]
    for v in trace.input_vars:
        lines.append(f"  v{v} [shape=ellipse, label="
                     f"{_q(f'%{v}:{vtype(tape.vals[v])} input {trace.input_names.get(v)}')}];")
    # nested clusters: key -> [header, {child key: ...}, [vars]]
    root = [None, {}, []]
    for v in trace.equation_vars():
        node = root
        for key, header in path_of(trace, v):
            node = node[1].setdefault(key, [header, {}, []])
        node[2].append(v)
    counter = [0]

    def emit(node, depth):
        pad = "  " * depth
        for v in node[2]:
            site = trace.site(v)
            label = equation_text(trace, v) + (f"\n{site.short}" if site else "")
            style = "" if v in trace.used else ", style=dashed, color=gray"
            lines.append(f"{pad}v{v} [label={_q(label)}{style}];")
        for child in node[1].values():
            counter[0] += 1
            lines.append(f"{pad}subgraph cluster_{counter[0]} {{")
            lines.append(f"{pad}  label={_q(child[0])}; style=rounded;")
            emit(child, depth + 1)
            lines.append(f"{pad}}}")
    emit(root, 1)
    for v in trace.equation_vars():
        for pos, i in enumerate(_operand_vars(trace, v)):
            if i is not None and i >= 0:
                lines.append(f"  v{i} -> v{v} [label={_q(str(pos))}];")
    for k, v in enumerate(trace.out_vars):
        if v >= 0:
            lines.append(f"  out{k} [shape=doubleoctagon, label={_q('output')}];")
            lines.append(f"  v{v} -> out{k};")
    lines.append("}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------- HTML

_CSS = """
body { font: 13px/1.35 system-ui, sans-serif; margin: 0; color: #222; }
header { padding: 8px 14px; background: #f3f3f3; border-bottom: 1px solid #ccc; }
main { display: flex; gap: 12px; padding: 8px; align-items: flex-start; }
section { flex: 1; min-width: 0; overflow: auto; max-height: calc(100vh - 70px); }
#tape { flex: 1.6; }
h2 { font-size: 14px; margin: 6px 0; }
.file { margin-bottom: 14px; }
.src, td { font-family: ui-monospace, monospace; white-space: pre; }
.src { cursor: default; padding: 0 4px; }
.src .ln { color: #999; display: inline-block; width: 4em; text-align: right; margin-right: 1em; }
.src.ops { cursor: pointer; background: #f5f9ff; }
.src .n { color: #36c; display: inline-block; width: 3.5em; }
.src.sel { background: #ffe88a; }
table { border-collapse: collapse; width: 100%; }
td { padding: 0 6px; border-bottom: 1px solid #eee; cursor: pointer; }
td.site { color: #777; }
tr.hdr td { color: #555; font-style: italic; cursor: default; background: #fafafa; }
tr.unused td { color: #aaa; }
tr.hl td { background: #ffe88a; }
tr.zero td.ins { color: #b00; }
"""

_JS = """
(function () {
  function all(sel) { return Array.prototype.slice.call(document.querySelectorAll(sel)); }
  function clear() { all('.hl, .sel').forEach(function (e) { e.classList.remove('hl', 'sel'); }); }
  function keysOf(e) { return (e.getAttribute('data-keys') || '').split(' '); }
  function selectKey(key) {
    clear();
    all('.src[data-key="' + key + '"]').forEach(function (e) { e.classList.add('sel'); });
    all('tr.row').forEach(function (r) {
      if (keysOf(r).indexOf(key) >= 0) { r.classList.add('hl'); }
    });
  }
  function selectVar(v) {
    clear();
    all('tr.row[data-var="' + v + '"]').forEach(function (r) {
      r.classList.add('hl');
      keysOf(r).forEach(function (k) {
        all('.src[data-key="' + k + '"]').forEach(function (e) { e.classList.add('sel'); });
      });
    });
  }
  all('.src.ops').forEach(function (e) {
    e.addEventListener('click', function () { selectKey(e.getAttribute('data-key')); });
  });
  all('tr.row').forEach(function (r) {
    r.addEventListener('click', function () { selectVar(r.getAttribute('data-var')); });
  });
  window.bcadSelectKey = selectKey;
  window.bcadSelectVar = selectVar;
})();
"""


def _user_files(trace):
    """User (non-library) files of all sites, in first-seen order."""
    files = []
    for v in trace.equation_vars():
        frames = trace.frames(v)
        sites = [s for _, s in frames] if frames else [trace.site(v)]
        for s in sites:
            if s is not None and not s.library and s.file not in files:
                files.append(s.file)
    return files


def _keys(trace, v, index):
    frames = trace.frames(v)
    sites = [s for _, s in frames] if frames else [trace.site(v)]
    return " ".join(f"f{index[s.file]}:{s.line}" for s in sites
                    if s is not None and s.file in index)


def _rows(out, trace, items, index, cls_of):
    e = html.escape
    open_keys = []
    for v, instr, note, extra_cls in items:
        path = path_of(trace, v)
        keys = [k for k, _ in path]
        common = 0
        while common < min(len(keys), len(open_keys)) and keys[common] == open_keys[common]:
            common += 1
        for d in range(common, len(path)):
            out.append(f'<tr class="hdr"><td colspan="2">{e("  " * d + path[d][1])}</td></tr>')
        open_keys = keys
        cls = " ".join(c for c in ("row", cls_of, extra_cls) if c)
        out.append(f'<tr class="{cls}" data-var="{v}" data-keys="{_keys(trace, v, index)}">'
                   f'<td class="ins">{e("  " * len(path) + instr)}</td>'
                   f'<td class="site">{e(note)}</td></tr>')


def to_html(trace):
    """A self-contained page: the user's source files beside the forward
    tape and the adjoint.  Clicking a source line highlights its equations
    and adjoint instructions; clicking a row highlights its variable."""
    from .text import comment
    e = html.escape
    tape = trace.tape
    files = _user_files(trace)
    index = {f: k for k, f in enumerate(files)}
    counts = {}
    for v in trace.equation_vars():
        for key in _keys(trace, v, index).split():
            counts[key] = counts.get(key, 0) + 1
    title = f"bcad trace of {trace.function_name}"
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>{e(title)}</title><style>{_CSS}</style></head><body>",
           f"<header><b>{e(title)}</b> {e(trace.function_site)} &mdash; "
           f"{plural(len(trace.input_vars), 'input')}, "
           f"{plural(len(trace.equation_vars()), 'equation')}, "
           f"{plural(len(trace.program), 'adjoint instruction')}. "
           f"Click a source line (the number before it counts its operations) or a row."
           f"</header>",
           "<main><section id=\"sources\"><h2>Source</h2>"]
    for f in files:
        k = index[f]
        out.append(f'<div class="file" id="f{k}"><h2>{e(f)}</h2>')
        for n, text in enumerate(linecache.getlines(f), 1):
            key = f"f{k}:{n}"
            c = counts.get(key)
            cls = "src ops" if c else "src"
            badge = f'<span class="n" title="operations recorded">{c if c else ""}</span>'
            out.append(f'<div class="{cls}" data-key="{key}"><span class="ln">{n}</span>'
                       f'{badge}{e(text.rstrip())}</div>')
        out.append("</div>")
    out.append('</section><section id="tape"><h2>Forward tape</h2><table id="forward">')
    for v in trace.input_vars:
        out.append(f'<tr class="row input" data-var="{v}" data-keys=""><td class="ins">'
                   f'{e(f"%{v}:{vtype(tape.vals[v])} = input {trace.input_names.get(v)}")}'
                   f' {e("-> " + repr(tape.vals[v]))}</td><td class="site"></td></tr>')
    items = [(v, equation_text(trace, v, values=True), comment(trace.site(v)),
              "" if trace.error is not None or v in trace.used else "unused")
             for v in trace.equation_vars()]
    _rows(out, trace, items, index, "eq")
    out.append(f'<tr class="hdr"><td colspan="2">{e("return " + trace.output_text())}</td></tr>')
    out.append('</table><h2>Adjoint</h2><table id="adjoint">')
    items = [(v, instr, note, "zero" if "[zero]" in instr else "")
             for (v, _i, instr, note) in adjoint_items(trace, values=True)]
    _rows(out, trace, items, index, "adj")
    out.append("</table></section></main>")
    out.append(f"<script>{_JS}</script></body></html>")
    return "\n".join(out) + "\n"

