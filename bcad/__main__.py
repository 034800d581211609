"""Command line: trace or differentiate a function in a Python file.

    python -m bcad trace path/to/file.py:function --args 1.0 2.0
    python -m bcad trace model.py:loss --args 0.5 "[1.0, 2.0]" --format html -o trace.html
    python -m bcad grad path/to/file.py:function --args 1.0 2.0 --argnums 0 1

Arguments are Python literals (ast.literal_eval): numbers, strings, lists,
tuples, dicts.  `--kwargs name=literal ...` passes keyword arguments (never
differentiated).  The function can be a dotted path inside the file
(`file.py:Model.loss`).
"""
import argparse
import ast
import importlib.util
import json
import os
import sys


def _literal(text):
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError) as e:
        raise SystemExit(f"bcad: {text!r} is not a Python literal ({e.__class__.__name__}); "
                         f"quote strings, e.g. --args \"'abc'\"") from None


def load_function(spec):
    """'path/to/file.py:name.attr' -> the object.  The file is imported as a
    module named after its stem, with its folder on sys.path."""
    path, sep, name = spec.rpartition(":")
    if not sep or not path or not name:
        raise SystemExit(f"bcad: expected FILE.py:FUNCTION, got {spec!r}")
    path = os.path.abspath(path)
    if not os.path.exists(path):
        raise SystemExit(f"bcad: no such file: {path}")
    modname = os.path.splitext(os.path.basename(path))[0]
    sys.path.insert(0, os.path.dirname(path))
    spec_ = importlib.util.spec_from_file_location(modname, path)
    module = importlib.util.module_from_spec(spec_)
    sys.modules[modname] = module
    spec_.loader.exec_module(module)
    obj = module
    for part in name.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise SystemExit(f"bcad: {os.path.basename(path)} has no {name!r}") from None
    if not callable(obj):
        raise SystemExit(f"bcad: {name} in {os.path.basename(path)} is not callable")
    return obj


def _parser():
    p = argparse.ArgumentParser(prog="python -m bcad", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    for cmd, text in (("trace", "print the recorded tape (and adjoint) of one call"),
                      ("grad", "print the gradient of one call")):
        s = sub.add_parser(cmd, help=text, description=text)
        s.add_argument("target", metavar="FILE.py:FUNCTION")
        s.add_argument("--args", nargs="*", default=[], metavar="LITERAL",
                       help="positional arguments, as Python literals")
        s.add_argument("--kwargs", nargs="*", default=[], metavar="NAME=LITERAL",
                       help="keyword arguments (not differentiated)")
        s.add_argument("--argnums", nargs="+", type=int, default=None,
                       help="positions of the arguments to differentiate (default 0)")
        s.add_argument("-o", "--output", metavar="FILE", help="write to FILE, not stdout")
        if cmd == "trace":
            s.add_argument("--format", choices=("text", "json", "dot", "html", "py"),
                           default="text", help="text (default), json, dot, html, or py "
                           "(the adjoint as Python source)")
            s.add_argument("--values", action="store_true", help="show values in text dumps")
            s.add_argument("--collapse-libraries", action="store_true",
                           help="one line per call into the stdlib / site-packages")
            s.add_argument("--no-adjoint", action="store_true",
                           help="text format: leave out the adjoint program")
        else:
            s.add_argument("--format", choices=("text", "json"), default="text")
    return p


def _call_args(ns):
    args = [_literal(a) for a in ns.args]
    kwargs = {}
    for item in ns.kwargs:
        key, eq, val = item.partition("=")
        if not eq or not key.isidentifier():
            raise SystemExit(f"bcad: --kwargs expects NAME=LITERAL, got {item!r}")
        kwargs[key] = _literal(val)
    if ns.argnums is None:
        argnums = 0
    else:
        argnums = ns.argnums[0] if len(ns.argnums) == 1 else tuple(ns.argnums)
    return args, kwargs, argnums


def _write(text, path):
    if path:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        print(f"bcad: wrote {path}", file=sys.stderr)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def main(argv=None):
    ns = _parser().parse_args(argv)
    import bcad
    from bcad.trace import trace
    fun = load_function(ns.target)
    args, kwargs, argnums = _call_args(ns)
    if ns.command == "grad":
        value, g = bcad.value_and_grad(fun, argnums)(*args, **kwargs)
        if ns.format == "json":
            text = json.dumps({"value": repr(value), "grad": repr(g)}, indent=1)
        else:
            text = f"value: {value!r}\ngrad: {g!r}"
        _write(text, ns.output)
        return 0
    try:
        tr = trace(fun, argnums)(*args, **kwargs)
    except bcad.BcadError as e:
        partial = getattr(e, "trace", None)
        print(f"bcad: {type(e).__name__}: {e}", file=sys.stderr)
        if "interpreted call stack" not in str(e):
            for note in getattr(e, "__notes__", ()):
                print(note, file=sys.stderr)
        if partial is None or ns.format != "text":
            return 1
        print("\nwhat was recorded before the error:", file=sys.stderr, flush=True)
        tr = partial
        ns.no_adjoint = True
        status = 1
    else:
        status = 0
    if ns.format == "text":
        text = tr.format(values=ns.values, collapse_libraries=ns.collapse_libraries)
        if not ns.no_adjoint:
            text += "\n\n" + tr.adjoint.format(values=ns.values,
                                               collapse_libraries=ns.collapse_libraries)
    else:
        text = {"json": tr.to_json, "dot": tr.to_dot, "html": tr.to_html,
                "py": tr.adjoint_source}[ns.format]()
    _write(text, ns.output)
    return status


if __name__ == "__main__":
    sys.exit(main())
