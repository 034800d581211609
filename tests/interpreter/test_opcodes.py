"""Every real opcode of the running CPython has a handler, and the
conformance corpus (plus a few snippets for rare opcodes) executes each."""
import dis
import importlib
import pkgutil
import sys

import pytest

import bcad
from bcad.decode import versions as dv
from bcad.interpreter import handlers

# Opcodes bcad refuses with UnsupportedError (documented in docs/supported-python.md).
UNSUPPORTED = {
    "GET_AWAITABLE": "async", "GET_AITER": "async", "GET_ANEXT": "async",
    "END_ASYNC_FOR": "async", "BEFORE_ASYNC_WITH": "async", "ASYNC_GEN_WRAP": "async",
}
# Opcodes the compiler does not emit in code objects of this version (pseudo
# or interpreter-internal), or that decoding removes.
NOT_EMITTED = {"CACHE", "EXTENDED_ARG", "RESERVED", "INTERPRETER_EXIT", "ENTER_EXECUTOR",
               "NOP", "PRECALL", "LOAD_METHOD", "SETUP_FINALLY", "SETUP_CLEANUP", "SETUP_WITH",
               "POP_BLOCK", "JUMP", "JUMP_NO_INTERRUPT", "LOAD_SUPER_METHOD",
               "LOAD_ZERO_SUPER_METHOD", "LOAD_ZERO_SUPER_ATTR", "STORE_FAST_MAYBE_NULL",
               "EXIT_INIT_CHECK"}


def real_opcodes():
    out = set()
    for name, op in dis.opmap.items():
        if name.startswith("INSTRUMENTED_") or op >= 256:
            continue
        out.add(name)
    spec = getattr(dis, "_specialized_opmap", None) or {}
    return out - set(spec)


def handler_name(opname):
    """The handler an opcode is decoded to."""
    if opname in ("LOAD_FAST_LOAD_FAST",):
        return "LOAD_FAST"
    if opname in ("STORE_FAST_LOAD_FAST", "STORE_FAST_STORE_FAST"):
        return "STORE_FAST"
    if opname == "LOAD_METHOD":
        return "LOAD_ATTR_METHOD"
    return dv._RENAME.get(opname, opname)


def test_every_opcode_has_a_handler():
    missing = sorted(op for op in real_opcodes() - set(UNSUPPORTED) - NOT_EMITTED
                     if handler_name(op) not in handlers.OPS)
    assert not missing, f"opcodes without a handler: {missing}"


# Opcodes never executed by design: FOR_ITER jumps over END_FOR when the
# iterator is exhausted (CPython's own eval loop does the same).
NEVER_EXECUTED = {"END_FOR"}


def _rare_snippets():
    """Code for opcodes the function-level corpus does not reach."""
    def while_none(xs):
        i = 0
        while xs[i] is None:         # 3.11: POP_JUMP_BACKWARD_IF_NONE
            i += 1
        return i
    assert bcad.interpret(while_none)([None, None, 3]) == 2
    if sys.version_info >= (3, 12):
        src = ("class D:\n"
               "    X = int\n"
               "    def m[T](self, x: X) -> T: return x\n"   # LOAD_FROM_DICT_OR_GLOBALS
               "r = D().m(3), D.m.__annotations__\n")
        ns = {}
        bcad.interpret(exec)(compile(src, "<rare>", "exec"), ns)
        assert ns["r"][0] == 3
    ns = {}
    src = (
        "from math import *\n"                      # IMPORT_STAR
        "x: int = 1\n"                              # SETUP_ANNOTATIONS
        "def outer():\n"
        "    v = 1\n"
        "    class C:\n"
        "        w = v\n"                           # LOAD_CLASSDEREF / LOAD_FROM_DICT_OR_DEREF
        "        def m(self): return __class__\n"
        "    return C\n"
        "outer()\n"
        "del x\n"
    )
    code = compile(src, "<rare>", "exec")
    bcad.interpret(exec)(code, ns)
    single = compile("1 + 1\n", "<rare>", "single")  # PRINT_EXPR
    import io
    import contextlib
    with contextlib.redirect_stdout(io.StringIO()):
        bcad.interpret(exec)(single, {})


def test_corpus_executes_every_opcode():
    import tests.conformance as conf
    executed = handlers.record_executed_opcodes(True)
    try:
        for info in pkgutil.iter_modules(conf.__path__):
            if not info.name.startswith("test_"):
                continue
            mod = importlib.import_module(f"tests.conformance.{info.name}")
            case = getattr(mod, "case", None)
            for p in getattr(case, "cases", []):
                fn, args, kwargs = p.values
                try:
                    bcad.interpret(fn)(*args, **kwargs)
                except BaseException:   # noqa: BLE001 - cases may raise on purpose
                    pass
        _rare_snippets()
    finally:
        handlers.record_executed_opcodes(False)
    want = real_opcodes() - set(UNSUPPORTED) - NOT_EMITTED - NEVER_EXECUTED
    never = sorted(want - executed)
    assert not never, f"opcodes never executed by the corpus: {never}"
