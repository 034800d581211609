"""Every script in examples/ runs with this interpreter and exits 0.

The examples check their own numbers (closed forms, finite differences)
and exit non-zero on a wrong one, so a passing run means correct results.
"""
import pathlib
import subprocess
import sys

import pytest

EXAMPLES = pathlib.Path(__file__).resolve().parent.parent / "examples"
SCRIPTS = sorted(EXAMPLES.glob("*.py"))


def test_examples_exist():
    names = {p.name for p in SCRIPTS}
    assert {"demo.py", "lotka_volterra.py", "pricing.py", "custom_rule.py", "fit_ode.py"} <= names


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.name for p in SCRIPTS])
def test_example_runs(script):
    proc = subprocess.run([sys.executable, str(script)], cwd=EXAMPLES.parent,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, (
        f"{script.name} exited with {proc.returncode}\n"
        f"--- stdout ---\n{proc.stdout[-4000:]}\n--- stderr ---\n{proc.stderr[-4000:]}")
