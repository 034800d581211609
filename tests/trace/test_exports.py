"""Trace exports: JSON (the schema in docs/debugging.md) and Graphviz DOT."""
import json
import re
import shutil
import subprocess

import pytest

import bcad

from .helpers import CASES, trace_of

SITE_KEYS = {"file", "line", "function", "source"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_json_round_trip(name):
    tr = trace_of(name)
    data = json.loads(tr.to_json())
    assert data["version"] == 1
    assert set(data) >= {"version", "function", "inputs", "equations", "outputs", "adjoint"}
    assert data["function"]["name"] == tr.function_name
    assert [i["id"] for i in data["inputs"]] == tr.input_vars
    for i in data["inputs"]:
        assert set(i) >= {"id", "name", "type", "value", "gradient"}
    assert len(data["equations"]) == len(tr.tape) - len(tr.input_vars)
    ids = set(tr.input_vars)
    for eq in data["equations"]:
        assert set(eq) >= {"id", "prim", "inputs", "params", "type", "site"}
        assert eq["type"] in ("f64", "c128")
        assert isinstance(eq["params"], str)
        assert all(i == -1 or i in ids for i in eq["inputs"])     # SSA: defined before use
        assert len(eq["operands"]) == len(eq["inputs"]) or eq["prim"] not in ("add", "mul")
        assert set(eq["site"]) == SITE_KEYS
        assert eq["stack"][-1] == eq["site"]
        ids.add(eq["id"])
    assert [o["id"] for o in data["outputs"]] == tr.out_vars
    assert len(data["adjoint"]) == len(tr.program)
    for ins in data["adjoint"]:
        assert set(ins) >= {"out", "prim", "position", "input"}
    grads = {i["name"]: i["gradient"] for i in data["inputs"]}
    fun, argnums, args, _ = CASES[name]
    want = bcad.grad(fun, argnums)(*args)
    want = want if isinstance(want, tuple) else (want,)
    assert list(grads.values()) == [repr(g) for g in want]


def test_json_sites_point_at_user_source():
    data = json.loads(trace_of("physics").to_json())
    eq = data["equations"][0]
    assert eq["site"]["file"].endswith("physics.py")
    assert eq["site"]["function"] == "Particle.kick"
    assert eq["site"]["source"] == "self.v -= k * math.sin(self.x) * dt"
    assert [f["function"] for f in eq["stack"]] == ["energy", "Particle.kick"]


def _dot_check(text):
    assert text.startswith("digraph bcad_trace {") and text.rstrip().endswith("}")
    assert text.count("{") == text.count("}")
    declared = set(re.findall(r"^\s*(v\d+|out\d+) \[", text, re.M))
    for a, b in re.findall(r"^\s*(v\d+|out\d+) -> (v\d+|out\d+)", text, re.M):
        assert a in declared and b in declared, (a, b)
    return declared


@pytest.mark.parametrize("name", sorted(CASES))
def test_dot_sanity(name):
    tr = trace_of(name)
    declared = _dot_check(tr.to_dot())
    assert {f"v{v}" for v in range(len(tr.tape))} <= declared
    assert "cluster_" in tr.to_dot()


@pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz (dot) is not installed")
def test_dot_renders_with_graphviz():
    r = subprocess.run(["dot", "-Tsvg"], input=trace_of("library_collapsed").to_dot(),
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "<svg" in r.stdout
