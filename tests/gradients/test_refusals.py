"""Every path where bcad refuses to differentiate raises a clear error that
names the function and the user's file:line.  PYTEST_DONT_REWRITE"""
import array
import datetime
import decimal
import fractions
import math
import operator
import re
import struct
import sys

import pytest

import bcad
from bcad import NonDifferentiableError, UnsupportedError

HERE = re.escape(__file__)


def raises_here(exc, fn_name, f, *args):
    with pytest.raises(exc) as info:
        bcad.grad(f)(*args)
    msg = str(info.value)
    assert fn_name in msg, msg
    assert re.search(HERE + r":\d+", msg), msg
    return msg


def test_c_function_without_rule():
    msg = raises_here(NonDifferentiableError, "timedelta",
                      lambda x: datetime.timedelta(seconds=x).total_seconds() * 2.0, 1.5)
    assert "bcad.defvjp" in msg and "stop_gradient" in msg


def test_c_container_copying_the_value():
    raises_here(NonDifferentiableError, "array", lambda x: array.array("d", [x, 2.0])[0] * x, 1.5)


def test_decimal_of_tracked_value():
    raises_here(NonDifferentiableError, "Decimal", lambda x: float(decimal.Decimal(x)), 1.5)


def test_as_integer_ratio():
    raises_here(NonDifferentiableError, "as_integer_ratio",
                lambda x: x.as_integer_ratio()[0] / x.as_integer_ratio()[1], 1.5)


def test_fraction_of_tracked_value():
    raises_here(NonDifferentiableError, "as_integer_ratio",
                lambda x: float(fractions.Fraction(x) * 2), 1.5)


@pytest.mark.parametrize("make_text", [
    repr, str, lambda x: f"{x}", lambda x: format(x, ".17g"), lambda x: "%s" % x,
    lambda x: "%s" % (x,), lambda x: f"{x} ".strip(), lambda x: repr(x) + "0",
    lambda x: repr(x)[:3], lambda x: "".join([repr(x)])])
def test_text_back_to_float(make_text):
    raises_here(NonDifferentiableError, "float", lambda x: float(make_text(x)) * 3.0, 1.25)


def test_hex_roundtrip():
    raises_here(NonDifferentiableError, "fromhex", lambda x: float.fromhex(x.hex()), 1.25)


def test_struct_roundtrip():
    raises_here(NonDifferentiableError, "unpack",
                lambda x: struct.unpack("d", struct.pack("d", x))[0], 1.25)


class Celsius:
    def __init__(self, v):
        self.v = v

    def __format__(self, spec):
        return format(self.v * 1.8 + 32.0, spec)


def test_python_code_run_natively_by_c():
    # str.format calls Celsius.__format__ from C, natively
    msg = raises_here(NonDifferentiableError, "__format__",
                      lambda x: float("{:.6f}".format(Celsius(x))), 1.5)
    assert "natively" in msg


def test_getters_from_operator_are_interpreted():
    import operator

    class P:
        def __init__(self, v):
            self.v = v

        @property
        def sq(self):
            return self.v * self.v

        def scale(self, k=1.0):
            return self.v * k

    def f(x):
        p = P(x)
        return (operator.attrgetter("sq")(p) + operator.methodcaller("scale", k=3.0)(p)
                + operator.itemgetter(1)([0.0, x]))
    assert bcad.grad(f)(2.0) == 8.0


def test_printing_and_formatting_are_fine():
    def f(x):
        s = f"x = {x:.3f}"
        return x * 2.0 if s else 0.0
    assert bcad.grad(f)(1.0) == 2.0


def test_piecewise_constant_is_zero_not_error():
    assert bcad.grad(lambda x: float(math.floor(x)) + round(x, 1) + x * 0.0)(1.26) == 0.0


def test_nested_grad_is_differentiated():
    # (refused before nested transforms: tests/gradients/test_forward.py)
    def outer(x):
        return bcad.grad(lambda y: y * y)(x) * x      # 2x^2
    assert bcad.grad(outer)(2.0) == 8.0


async def coro(x):
    return x


def test_async_is_unsupported():
    with pytest.raises(UnsupportedError) as info:
        bcad.interpret(coro)(1.0)
    assert "coro" in str(info.value) and re.search(HERE + r":\d+", str(info.value))


@pytest.mark.skipif(sys.version_info < (3, 13), reason="PEP 696 type parameter defaults")
def test_unsupported_construct_names_function_and_line():
    ns = {}
    exec(compile("def g():\n    def h[T=int](): pass\n    return h\n", __file__, "exec"), ns)
    with pytest.raises(UnsupportedError) as info:
        bcad.interpret(ns["g"])()
    assert "g" in str(info.value) and re.search(HERE + r":\d+", str(info.value))


def test_json_roundtrip():
    import json
    raises_here(NonDifferentiableError, "Scanner", lambda x: json.loads(json.dumps(x)), 1.25)
