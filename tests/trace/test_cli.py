"""python -m bcad trace / grad."""
import json
import os
import subprocess
import sys

import bcad

from .programs import physics

PROGRAMS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "programs")


def run(*argv, cwd=PROGRAMS):
    return subprocess.run([sys.executable, "-m", "bcad", *argv], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


def test_cli_trace_text():
    r = run("trace", "physics.py:energy", "--args", "0.8")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("trace of energy (physics.py:14): 1 input, 17 equations\n")
    assert "\nadjoint of energy: 22 instructions\n" in r.stdout
    assert r.stdout.rstrip().endswith("grad k = ct%0")


def test_cli_trace_formats(tmp_path):
    r = run("trace", "piecewise.py:price", "--args", "3.0", "19.99", "--argnums", "0", "1",
            "--format", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert [i["name"] for i in data["inputs"]] == ["qty", "unit"]
    out = tmp_path / "t.html"
    r = run("trace", "library.py:hue_and_light", "--args", "0.5", "0.75", "--format", "html",
            "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert out.read_text().startswith("<!DOCTYPE html>")
    r = run("trace", "physics.py:energy", "--args", "0.8", "--format", "dot")
    assert r.stdout.startswith("digraph")
    r = run("trace", "physics.py:energy", "--args", "0.8", "--format", "py")
    ns = {}
    exec(r.stdout, ns)
    assert ns["adjoint"](1.0, 0.8) == bcad.grad(physics.energy)(0.8)


def test_cli_trace_options():
    r = run("trace", "library.py:hue_and_light", "--args", "0.5", "0.75", "--argnums", "0", "1",
            "--collapse-libraries",
            "--values", "--no-adjoint")
    assert r.returncode == 0, r.stderr
    assert "[rgb_to_hls in colorsys.py: 14 equations" in r.stdout
    assert "-> 0.5" in r.stdout and "adjoint of" not in r.stdout


def test_cli_grad_and_kwargs():
    r = run("grad", "physics.py:energy", "--args", "0.8", "--kwargs", "steps=3")
    assert r.returncode == 0, r.stderr
    value, g = bcad.value_and_grad(physics.energy)(0.8, steps=3)
    assert r.stdout == f"value: {value!r}\ngrad: {g!r}\n"
    r = run("grad", "piecewise.py:price", "--args", "3.0", "19.99", "--argnums", "0", "1",
            "--format", "json")
    assert json.loads(r.stdout)["grad"] == repr((19.990000000000002, 0.0))


def test_cli_refusal_shows_error_and_partial_trace(tmp_path):
    prog = tmp_path / "refuse.py"
    prog.write_text("import fractions\n\ndef f(x):\n    y = x * 2.0\n"
                    "    return float(fractions.Fraction(y))\n")
    r = run("trace", f"{prog}:f", "--args", "1.5", cwd=str(tmp_path))
    assert r.returncode == 1
    assert "NonDifferentiableError: float.as_integer_ratio()" in r.stderr
    assert "refuse.py:5" in r.stderr
    assert "%1:f64 = mul %0 2.0" in r.stdout


def test_cli_usage_errors():
    r = run("trace", "physics.py", "--args", "0.8")
    assert r.returncode != 0 and "FILE.py:FUNCTION" in r.stderr
    r = run("trace", "physics.py:nope", "--args", "0.8")
    assert r.returncode != 0 and "no 'nope'" in r.stderr
    r = run("trace", "physics.py:energy", "--args", "zero")
    assert r.returncode != 0 and "not a Python literal" in r.stderr
