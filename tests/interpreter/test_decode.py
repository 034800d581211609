"""Cross-check the decoder against `dis` on many stdlib code objects: the
instruction sequence, jump targets and exception handlers must agree (the
`bytecode` package has had edge-case bugs around empty try blocks)."""
import dis
import importlib
import types

import pytest

from bcad.decode import decode
from bcad.decode import versions

MODULES = ["json.decoder", "json.encoder", "textwrap", "fractions", "statistics", "dataclasses",
           "contextlib", "functools", "colorsys", "shlex", "difflib", "string", "argparse",
           "ast", "inspect", "asyncio.tasks", "email.message", "tokenize", "enum", "typing"]
DROPPED = {"NOP", "PRECALL", "CACHE", "EXTENDED_ARG"}
SPLIT = {"LOAD_FAST_LOAD_FAST": 2, "STORE_FAST_LOAD_FAST": 2, "STORE_FAST_STORE_FAST": 2}


def code_objects(mod):
    todo = [mod]
    seen = set()
    out = []
    while todo:
        x = todo.pop()
        if id(x) in seen:
            continue
        seen.add(id(x))
        if isinstance(x, types.ModuleType) or isinstance(x, type):
            for v in vars(x).values():
                if isinstance(v, (types.FunctionType, type)) and getattr(v, "__module__", None) == mod.__name__:
                    todo.append(v)
        elif isinstance(x, types.FunctionType):
            todo.append(x.__code__)
        elif isinstance(x, types.CodeType):
            out.append(x)
            todo.extend(c for c in x.co_consts if isinstance(c, types.CodeType))
    return out


def expected(co):
    """(opnames, offset -> first index) per dis, after bcad's normalization."""
    names, index_of = [], {}
    for ins in dis.get_instructions(co):
        index_of[ins.offset] = len(names) + 1
        if ins.opname in DROPPED:
            continue
        names.extend([ins.opname] * SPLIT.get(ins.opname, 1))
    return names, index_of


def resolve(index_of, offset, n):
    """Index of the first kept instruction at or after `offset`."""
    while offset not in index_of and offset < 1 << 20:
        offset += 2
    return index_of.get(offset, n)


@pytest.mark.parametrize("modname", MODULES)
def test_decoder_matches_dis(modname):
    mod = importlib.import_module(modname)
    checked = 0
    for co in code_objects(mod):
        code = decode(co)
        names, index_of = expected(co)
        ours = [i.opname for i in code.instrs[1:]]
        assert ours == names, f"{co.co_qualname}: instruction sequence differs"
        n = len(code.instrs)
        dis_instrs = [i for i in dis.get_instructions(co) if i.opname not in DROPPED]
        k = 1
        for di in dis_instrs:
            span = SPLIT.get(di.opname, 1)
            mine = code.instrs[k]
            if di.opcode in dis.hasjrel or di.opcode in dis.hasjabs:
                want = resolve(index_of, di.argval, n)
                # our index_of maps to the first kept instruction at/after the offset
                assert mine.target == want, (co.co_qualname, di.offset, di.opname)
            k += span
        kept = []
        k = 1
        for di in dis_instrs:
            for _ in range(SPLIT.get(di.opname, 1)):
                kept.append((di.offset, k))
                k += 1
        table = dis._parse_exception_table(co)
        for off, idx in kept:
            want = None
            for start, end, target, depth, lasti in table:
                if start <= off < end:
                    want = (resolve(index_of, target, n), depth, lasti)
                    break
            assert code.instrs[idx].handler == want, (co.co_qualname, off, code.instrs[idx])
        checked += 1
    assert checked > 0


# The whole standard library, numpy and scipy take about 2 minutes per
# version (`python -m tests.interpreter.decode_crosscheck`); CI checks a fixed
# fifth of the files, chosen by a hash of their path.
SAMPLE = 0.2


def test_decoder_crosscheck_sample():
    from tests.interpreter import decode_crosscheck
    results = decode_crosscheck.run(SAMPLE)
    failures = [f"{path}: {msg}" for c in results.values() for path, msg in c.failures]
    assert sum(c.ok for c in results.values()) > 10000
    assert not failures, f"{len(failures)} code objects:\n" + "\n".join(failures[:20])


def test_class_body_comprehension_slots():
    """The case of issue 11: on 3.12+ `x` names a hidden local and a free
    variable of C's body; each instruction must get its own slot."""
    from tests.interpreter import decode_crosscheck

    def f():
        x = "function"

        class C:
            x = "class"
            z = [x for _ in range(1)]
            g = list(x for _ in range(1))
        return C

    body = next(c for c in f.__code__.co_consts if isinstance(c, types.CodeType))
    assert decode_crosscheck.compare_with_dis(body, decode(body)) == []
