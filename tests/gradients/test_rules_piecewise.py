"""Piecewise-constant results carry a zero derivative: comparisons, int(),
floor/ceil/trunc, round, bool, isclose, //, the quotient of divmod, the
integer parts of modf/frexp, math.ulp, the sign source of copysign.

Each case f(x, y) is checked twice: float(f) has gradient exactly (0, 0),
and x * y * f has gradient exactly (y * f, x * f) (the product rule with
f' = 0), at points away from the jumps."""
import math
import operator

import pytest

import bcad
from .test_rules_support import grad_all

PIECEWISE = [
    ("lt", lambda x, y: x < y),
    ("le", lambda x, y: x <= y),
    ("gt", lambda x, y: x > y),
    ("ge", lambda x, y: x >= y),
    ("eq", lambda x, y: x == y),
    ("ne", lambda x, y: x != y),
    ("chained", lambda x, y: 0.0 < x < y),
    ("operator_lt", lambda x, y: operator.lt(x, y)),
    ("int", lambda x, y: int(x) + int(y)),
    ("bool", lambda x, y: bool(x) + bool(y - y)),
    ("not", lambda x, y: not x),
    ("floor", lambda x, y: math.floor(x * y)),
    ("ceil", lambda x, y: math.ceil(x) - math.ceil(y)),
    ("trunc", lambda x, y: math.trunc(x / y)),
    ("dunder_floor", lambda x, y: x.__floor__() + y.__ceil__() + x.__trunc__()),
    ("round", lambda x, y: round(x * y)),
    ("round_ndigits", lambda x, y: round(x * y, 1)),
    ("round_neg_ndigits", lambda x, y: round(x * 100.0, -1) + y * 0.0),
    ("dunder_round", lambda x, y: x.__round__(1)),
    ("isclose", lambda x, y: math.isclose(x, y)),
    ("isfinite", lambda x, y: math.isfinite(x) + math.isinf(y) + math.isnan(x)),
    ("is_integer", lambda x, y: x.is_integer()),
    ("floordiv", lambda x, y: x // y),
    ("floordiv_const", lambda x, y: x // 0.5 + 7.0 // y),
    ("ifloordiv", lambda x, y: operator.ifloordiv(x, y)),
    ("operator_floordiv", lambda x, y: operator.floordiv(x, y)),
    ("divmod_q", lambda x, y: divmod(x, y)[0]),
    ("modf_int", lambda x, y: math.modf(x * y)[1]),
    ("frexp_exp", lambda x, y: math.frexp(x * y)[1]),
    ("ulp", lambda x, y: math.ulp(x)),
    ("copysign_sign", lambda x, y: math.copysign(1.0, x * y)),
    ("sign_by_comparison", lambda x, y: (x > 0) - (x < 0)),
    ("max_is", lambda x, y: max(x, y) is y),
    ("sorted_index", lambda x, y: sorted([x, y, 1.0]).index(x)),
]

POINTS = [(1.37, 2.6), (-2.3, 0.7)]


def _params():
    return [pytest.param(f, p, id=f"{name}{list(p)}") for name, f in PIECEWISE for p in POINTS]


@pytest.mark.parametrize("f,point", _params())
def test_zero_gradient(f, point):
    x, y = point
    assert grad_all(lambda x, y: float(f(x, y)), x, y) == (0.0, 0.0)
    v = float(f(x, y))
    assert grad_all(lambda x, y: x * y * f(x, y), x, y) == (y * v, x * v)


def test_int_of_expression_cuts_the_tape():
    # a common idiom: an index computed from a differentiable value
    table = [0.0, 10.0, 20.0, 30.0]

    def f(x):
        i = int(x)
        return table[i] + (x - i) * (table[i + 1] - table[i])
    assert bcad.grad(f)(1.25) == 10.0
