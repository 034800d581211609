"""bcad.trace: the Trace object, the adjoint listing, adjoint_source,
partial traces, BCAD_TRACE_DIR dumps and the interpreted call stack."""
import cmath
import json
import math
import os

import pytest

import bcad
from bcad.trace import dump_if_requested, format_interpreted_stack
from bcad.transforms.reverse import run_forward

from .helpers import CASES, trace_of
from .programs import physics, piecewise, library


def _same(a, b):
    if isinstance(a, tuple) or isinstance(a, list):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and (a == b or a != a and b != b)


def test_public_names():
    assert "trace" in bcad.__all__
    assert callable(bcad.trace)
    assert bcad.trace.dump_if_requested is dump_if_requested
    assert bcad.trace.format_interpreted_stack is format_interpreted_stack


@pytest.mark.parametrize("name", sorted(CASES))
def test_trace_grad_is_bcad_grad(name):
    fun, argnums, args, _ = CASES[name]
    tr = trace_of(name)
    assert _same(tr.grad, bcad.grad(fun, argnums)(*args))
    assert tr.value == fun(*args)


def test_line_format():
    tr = bcad.trace(physics.energy)(0.8)
    lines = str(tr).splitlines()
    assert lines[0] == "trace of energy (physics.py:14): 1 input, 17 equations"
    assert lines[1] == "%0:f64 = input k"
    assert lines[2] == "in energy (physics.py:14)"
    assert lines[3] == "  in Particle.kick (physics.py:9), called from physics.py:17"
    first = lines[4]
    assert first.startswith("    %1:f64 = mul %0 0.8414709848078965  # physics.py:10 in "
                            "Particle.kick   self.v -= k * math.sin(self.x) * dt")
    assert lines[-1] == "return %17"
    adj = str(tr.adjoint).splitlines()
    assert adj[1] == "ct%17 = 1.0  (seed)"
    assert any(line.strip().startswith("ct%0 += vjp[mul, 0](ct%16, %0, %15)") for line in adj)
    assert adj[-1] == "grad k = ct%0"
    assert len(tr.adjoint) == len(adj) - 3 - sum(1 for x in adj if x.lstrip().startswith("in "))


def test_values_and_unused_marks():
    tr = bcad.trace(piecewise.price, (0, 1))(3.0, 19.99)
    text = tr.format(values=True)
    assert "%2:f64 = mul %1 100.0 -> 1998.9999999999998  [unused]" in text
    assert "%3:f64 = mul %0 1999 -> 5997.0" in text          # the int constant
    assert "grad unit = 0  [no path from %1 to the output]" in str(tr.adjoint)
    assert tr.grad == (19.990000000000002, 0.0)


def test_zero_rule_is_marked():
    tr = bcad.trace(piecewise.scaled, (0, 1))(3.0, 0.26)
    line = [x for x in str(tr.adjoint).splitlines() if "vjp[round" in x][0]
    assert "[zero]" in line


def test_library_frames_nest_and_collapse():
    tr = bcad.trace(library.hue_and_light, (0, 1))(0.5, 0.75)
    full = str(tr)
    assert "in rgb_to_hls (colorsys.py:" in full and "[library]" in full
    assert "# colorsys.py:" in full
    short = tr.format(collapse_libraries=True)
    assert "colorsys.py:" not in short.replace("in colorsys.py:", "")
    assert "[rgb_to_hls in colorsys.py: 14 equations %2..%15, reads %0 %1, gives %4 %15]" \
        in short
    assert len(short.splitlines()) < len(full.splitlines())


# ------------------------------------------------------------ adjoint source

def _check_adjoint_source(fun, argnums, *args):
    tr = bcad.trace(fun, argnums)(*args)
    src = tr.adjoint_source()
    compile(src, "<adjoint>", "exec")
    ns = {}
    exec(src, ns)
    nums = (argnums,) if isinstance(argnums, int) else argnums
    got = ns["adjoint"](1.0, *(args[i] for i in nums))
    want = bcad.grad(fun, argnums)(*args)
    assert _same(got, want), (got, want, src)
    return src, ns["adjoint"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_adjoint_source_exec_equals_grad(name):
    fun, argnums, args, _ = CASES[name]
    _check_adjoint_source(fun, argnums, *args)


def test_adjoint_source_is_straight_line_and_readable():
    src, _ = _check_adjoint_source(physics.energy, 0, 0.8)
    body = src.split("def adjoint(ct_out, k):", 1)[1]
    for word in ("if ", "for ", "while ", "lambda"):
        assert word not in body.replace("# ", "#")
    assert "v1 = v0 * 0.8414709848078965" in body          # inline arithmetic
    assert "rt.vjp('math.sin', 0, " in body                  # runtime table
    assert "physics.py:10 in Particle.kick" in body          # source comments


def test_adjoint_source_at_other_points_of_the_same_path():
    # energy has no value-dependent branch: the recorded path is the
    # function, so the generated adjoint is its gradient everywhere.
    tr = bcad.trace(physics.energy)(0.8)
    adjoint = tr.adjoint_function()
    for k in (0.3, 1.7):
        # the constant sin(1.0) of the first step does not depend on k
        assert math.isclose(adjoint(1.0, k), bcad.grad(physics.energy)(k), rel_tol=1e-12)


def test_adjoint_source_structures_and_general_rules():
    def f(p, w):
        s = sum(x * w for x in p["xs"]) + math.fsum(p["xs"]) + math.hypot(p["a"], w)
        return s / len(p["xs"]) + max(p["xs"]) * p["a"] - w ** 2.5
    p = {"xs": [1.0, 2.5, -0.5], "a": 0.7, "name": "ignored"}
    _check_adjoint_source(f, (0, 1), p, 1.3)


def test_adjoint_source_complex_and_reflected_ops():
    def f(z, x):
        w = z * (2 - 1j) + cmath.exp(z) / (x + 1j)
        return abs(w) ** 2 + (w.real - w.imag) * x + divmod(x, 0.3)[1]
    _check_adjoint_source(f, (0, 1), 0.5 + 0.25j, 1.7)


def test_adjoint_source_vector_output():
    def f(x, y):
        return (x * y, [math.sin(x), y - x])
    tr = bcad.trace(f, (0, 1))(0.4, 2.0)
    assert tr.grad is None                    # not a scalar: no seed
    ns = {}
    exec(tr.adjoint_source(), ns)
    ct = (1.5, [0.5, -2.0])
    out, vjp_fn = bcad.vjp(f, 0.4, 2.0)
    assert _same(ns["adjoint"](ct, 0.4, 2.0), vjp_fn(ct))


def test_adjoint_source_custom_vjp_runs_in_process():
    @bcad.custom_vjp
    def cube(x):
        return x ** 3

    cube.defvjp(lambda x: (x ** 3, x), lambda x, g: (3 * x * x * g,))
    _check_adjoint_source(lambda x: cube(x) * 2.0, 0, 1.5)


def test_adjoint_function_is_debuggable():
    import linecache
    tr = bcad.trace(physics.energy)(0.8)
    fn = tr.adjoint_function()
    filename = fn.__code__.co_filename
    assert linecache.getline(filename, fn.__code__.co_firstlineno).startswith("def adjoint(")


# ------------------------------------------------------------ errors, stacks

def test_partial_trace_on_refusal():
    import fractions

    def f(x):
        y = x * 2.0
        return float(fractions.Fraction(y) * 2)
    with pytest.raises(bcad.NonDifferentiableError) as info:
        bcad.trace(f)(1.5)
    partial = info.value.trace
    text = str(partial)
    assert "(partial: the function raised NonDifferentiableError)" in text
    assert "%1:f64 = mul %0 2.0" in text
    assert text.endswith("return raised NonDifferentiableError")


def test_format_interpreted_stack_from_interpreted_code():
    def inner(x):
        return format_interpreted_stack()

    def outer(x):
        return inner(x + 1)
    text = bcad.interpret(outer)(1.0)
    lines = text.splitlines()
    assert lines[0] == "interpreted call stack (most recent call last):"
    assert f"{__file__}:" in lines[1] and lines[1].endswith(" in test_format_interpreted_stack_"
                                                            "from_interpreted_code.<locals>.outer")
    assert lines[2].strip() == "return inner(x + 1)"
    assert lines[3].endswith(".<locals>.inner") and lines[4].strip() == \
        "return format_interpreted_stack()"
    assert format_interpreted_stack() == ""            # nothing interpreted here


def test_format_interpreted_stack_marks_library_frames():
    import colorsys
    seen = []

    def probe(v):
        seen.append(format_interpreted_stack())
        return v
    bcad.interpret(lambda: sorted([3, 1, 2], key=probe))()
    assert "[library]" not in seen[0]
    assert format_interpreted_stack.__doc__
    assert colorsys  # library marking is covered by is_library_file:
    from bcad.trace import is_library_file
    assert is_library_file(colorsys.__file__) and not is_library_file(__file__)


# ------------------------------------------------------------- BCAD_TRACE_DIR

def test_dump_if_requested(tmp_path, monkeypatch):
    res = run_forward(physics.energy, (0.8,), {}, (0,))
    monkeypatch.delenv("BCAD_TRACE_DIR", raising=False)
    assert dump_if_requested(res, physics.energy, 0) == []
    monkeypatch.setenv("BCAD_TRACE_DIR", str(tmp_path / "traces"))
    written = dump_if_requested(res, physics.energy, 0)
    assert [os.path.splitext(p)[1] for p in written] == [".txt", ".json"]
    text = open(written[0]).read()
    assert "trace of energy" in text and "adjoint of energy" in text
    # a plain Tape has no call stacks: equations group by function
    assert "in Particle.kick (physics.py:9)\n" in text
    data = json.loads(open(written[1]).read())
    assert data["version"] == 1 and len(data["equations"]) == 17


def test_grad_dumps_when_api_hook_installed(tmp_path, monkeypatch):
    import inspect
    import bcad.api
    if "dump_if_requested" not in inspect.getsource(bcad.api):
        pytest.skip("api.py does not call bcad.trace.dump_if_requested yet")
    monkeypatch.setenv("BCAD_TRACE_DIR", str(tmp_path))
    bcad.grad(physics.energy)(0.8)
    assert len(list(tmp_path.glob("*.json"))) == 1


def test_generators_and_dunders_nest_under_their_calls():
    def gen(x, n):
        for i in range(n):
            yield x * i

    class V:
        def __init__(self, a):
            self.a = a

        def __mul__(self, o):
            return V(self.a * o.a)

    def f(x):
        total = 0.0
        for y in gen(x, 2):
            total += y
        return total + (V(x) * V(2.0)).a + sum(math.exp(t) for t in [x, total])
    tr = bcad.trace(f)(0.5)
    text = str(tr)
    assert text.count("  in test_generators_and_dunders_nest_under_their_calls.<locals>.gen ") == 2
    assert ".<locals>.V.__mul__ (" in text and "<genexpr>" in text
    assert tr.grad == bcad.grad(f)(0.5)
    _check_adjoint_source(f, 0, 0.5)


def test_numpy_float_scalars():
    np = pytest.importorskip("numpy")

    def f(x):
        y = np.float64(2.5) * x
        return math.sin(y) + float(y * 3.0)
    tr = bcad.trace(f)(0.7)
    assert "%1:f64 = mul " in str(tr)
    _check_adjoint_source(f, 0, 0.7)


@pytest.mark.parametrize("outer", ["grad", "jvp", "hessian"])
def test_trace_inside_a_transform_is_a_clear_error(outer):
    """bcad.trace records a tape of its own: called inside another transform
    it says so (it was an internal AssertionError)."""
    def inner(y):
        return y * y

    def f(x):
        bcad.trace(inner)(x)
        return x * 3.0
    with pytest.raises(bcad.NonDifferentiableError, match="bcad.trace.*inside another transform"):
        if outer == "jvp":
            bcad.jvp(f, (2.0,), (1.0,))
        else:
            getattr(bcad, outer)(f)(2.0)
    assert bcad.grad(inner)(2.0) == 4.0      # (nothing left behind)
    assert str(bcad.trace(inner)(2.0))      # (and a trace at top level still works)
