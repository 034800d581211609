"""Structural pattern matching.

PYTEST_DONT_REWRITE: the interpreted bytecode must be plain compiler output.
"""
import enum

from tests.conformance._registry import Registry
from tests.support import assert_same

case = Registry()


class Point:
    __match_args__ = ("x", "y")

    def __init__(self, x, y):
        self.x, self.y = x, y


class Point3(Point):
    __match_args__ = ("x", "y", "z")

    def __init__(self, x, y, z):
        super().__init__(x, y)
        self.z = z


class NoArgs:
    def __init__(self, v):
        self.v = v


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Consts:
    LIMIT = 10
    NAME = "n"


SUBJECTS = [0, 1, 2, -1, 3.5, "a", "hello", b"by", None, True, False, [], [1], [1, 2], [1, 2, 3],
            (1, 2), (1, "x"), {"k": 1}, {"k": 2, "extra": 3}, {"type": "circle", "r": 2},
            {"type": "rect", "w": 2, "h": 3}, [1, [2, 3]], "abc", 10, 1 + 2j, {1, 2}, range(2)]


def _classify(v):
    match v:
        case 0:
            return "zero"
        case True:
            return "true"
        case False:
            return "false"
        case None:
            return "none"
        case 1 | 2:
            return "one or two"
        case -1:
            return "minus one"
        case 3.5:
            return "float literal"
        case "a" | "abc":
            return "string literal"
        case b"by":
            return "bytes literal"
        case 1 + 2j:
            return "complex literal"
        case []:
            return "empty seq"
        case [x]:
            return ("one item", x)
        case [1, [a, b]]:
            return ("nested seq", a, b)
        case [a, b]:
            return ("pair", a, b)
        case [first, *rest]:
            return ("first+rest", first, rest)
        case {"type": "circle", "r": r}:
            return ("circle", r)
        case {"type": "rect", **rest}:
            return ("rect", rest)
        case {"k": 1}:
            return "k is 1"
        case {"k": k, **others}:
            return ("k", k, others)
        case str() as s:
            return ("other str", s)
        case int(n) if n > 5:
            return ("big int", n)
        case _:
            return ("fallthrough", type(v).__name__)


@case()
def m_classify_all_subjects():
    return [_classify(s) for s in SUBJECTS]


@case()
def m_capture_and_wildcard():
    def f(v):
        match v:
            case 1:
                return "one"
            case other:
                return ("captured", other)

    return f(1), f("z")


@case()
def m_no_case_matches_returns_none():
    r = "unchanged"
    match 5:
        case 1:
            r = "one"
    return r


@case()
def m_sequence_star_positions():
    def f(v):
        match v:
            case [*init, last]:
                return ("last", init, last)

    def g(v):
        match v:
            case [a, *mid, z]:
                return (a, mid, z)
            case _:
                return "short"

    return f([1, 2, 3]), f((9,)), g([1]), g([1, 2]), g("xyz"), g([1, 2, 3, 4])


@case()
def m_string_not_sequence():
    match "ab":
        case [a, b]:
            return "seq", a, b
        case _:
            return "string is not a sequence pattern"


@case()
def m_sequence_types():
    out = []
    for v in ([1, 2], (1, 2), range(1, 3), iter([1, 2]), b"\x01\x02", bytearray(b"12")):
        match v:
            case [a, b]:
                out.append(("seq", a, b))
            case _:
                out.append(("no", type(v).__name__))
    return out


@case()
def m_mapping_patterns():
    def f(d):
        match d:
            case {"a": 1, "b": b}:
                return ("a1", b)
            case {"a": a, **rest} if not rest:
                return ("only a", a)
            case {"a": a, **rest}:
                return ("a+rest", a, rest)
            case {}:
                return "any mapping"
            case _:
                return "not a mapping"

    return [f({"a": 1, "b": 2}), f({"a": 5}), f({"a": 5, "z": 0, "y": 1}), f({}), f({"b": 2}), f([])]


@case()
def m_mapping_with_defaultdict_no_missing_call():
    import collections

    d = collections.defaultdict(int, {"x": 1})
    match d:
        case {"y": y}:
            r = ("y", y)
        case {"x": x}:
            r = ("x", x)
    return r, dict(d)


@case()
def m_class_patterns_positional():
    def f(p):
        match p:
            case Point3(x, y, z):
                return ("3d", x, y, z)
            case Point(0, 0):
                return "origin"
            case Point(0, y):
                return ("on y axis", y)
            case Point(x, 0):
                return ("on x axis", x)
            case Point(x=x, y=y) if x == y:
                return ("diagonal", x)
            case Point(x, y):
                return ("point", x, y)
            case _:
                return "not a point"

    return [f(Point(0, 0)), f(Point(0, 5)), f(Point(4, 0)), f(Point(2, 2)), f(Point(1, 2)),
            f(Point3(1, 2, 3)), f(5)]


@case()
def m_class_pattern_keywords():
    match NoArgs(7):
        case NoArgs(v=7):
            return "kw match"


@case()
def m_class_pattern_too_many_positional():
    match NoArgs(7):
        case NoArgs(v):
            return v


@case()
def m_class_pattern_too_many_for_match_args():
    match Point(1, 2):
        case Point(a, b, c):
            return a, b, c


@case()
def m_class_pattern_builtins():
    out = []
    for v in (5, "s", 2.5, [1], {"a": 1}, (1,), True, None, b"b"):
        match v:
            case bool(b):
                out.append(("bool", b))
            case int(i):
                out.append(("int", i))
            case str(s):
                out.append(("str", s))
            case float():
                out.append("float")
            case list([x]):
                out.append(("list of one", x))
            case dict(d):
                out.append(("dict", d))
            case tuple((t,)):
                out.append(("tuple", t))
            case bytes():
                out.append("bytes")
            case _:
                out.append("other")
    return out


@case()
def m_class_pattern_missing_attribute_no_match():
    match Point(1, 2):
        case Point(z=3):
            return "has z"
        case _:
            return "no z"


@case()
def m_class_pattern_not_a_class():
    not_a_class = 5
    match 1:
        case not_a_class():  # noqa: F821
            return "?"


@case()
def m_local_class_with_match_args():
    class Node:
        __match_args__ = ("op", "args")

        def __init__(self, op, *args):
            self.op, self.args = op, args

    def ev(n):
        match n:
            case Node("+", (a, b)):
                return ev(a) + ev(b)
            case Node("*", (a, b)):
                return ev(a) * ev(b)
            case Node("neg", (a,)):
                return -ev(a)
            case int() | float():
                return n

    return ev(Node("+", 1, Node("*", 2, Node("neg", 3))))


@case()
def m_guards():
    def f(v):
        match v:
            case int(n) if n < 0:
                return "negative"
            case int(n) if n % 2 == 0:
                return "even"
            case int():
                return "odd"
            case [x, y] if x > y:
                return "descending pair"
            case [x, y]:
                return "pair"

    return [f(-3), f(4), f(7), f([5, 1]), f([1, 5]), f("s")]


@case()
def m_guard_side_effects_and_binding_persists():
    log = []

    def check(v):
        log.append(v)
        return False

    match [1, 2]:
        case [a, b] if check(a):
            r = "first"
        case [a, *_]:
            r = ("second", a, b)
    return r, log


@case()
def m_or_patterns_with_captures():
    def f(v):
        match v:
            case [x, 0] | [0, x]:
                return ("zero pair", x)
            case (1 | 2 | 3) as small:
                return ("small", small)
            case {"k": x} | Point(x, _):
                return ("k or point", x)

    return [f([5, 0]), f([0, 7]), f(2), f({"k": "v"}), f(Point(9, 9)), f("none")]


@case()
def m_as_patterns():
    match [1, (2, 3)]:
        case [int() as a, (b, c) as pair] as whole:
            return a, b, c, pair, whole


@case()
def m_value_patterns():
    def f(v):
        match v:
            case Color.RED:
                return "red"
            case Consts.LIMIT:
                return "limit"
            case Consts.NAME:
                return "name"
            case Color.BLUE:
                return "blue"
            case _:
                return "other"

    return [f(Color.RED), f(Color.BLUE), f(10), f("n"), f("red")]


@case()
def m_value_pattern_uses_eq():
    class AlwaysEq:
        def __eq__(self, o):
            return True

    class NS:
        X = AlwaysEq()

    match 12345:
        case NS.X:
            return "matched via __eq__"


@case()
def m_literal_uses_identity_for_singletons():
    out = []
    for v in (1, 1.0, True, 0, False, None):
        match v:
            case True:
                out.append("True")
            case False:
                out.append("False")
            case None:
                out.append("None")
            case 1:
                out.append("one")
            case 0:
                out.append("zero")
    return out


@case()
def m_negative_and_complex_literals():
    out = []
    for v in (-1, -2.5, 3j, -1 - 1j):
        match v:
            case -1:
                out.append("m1")
            case -2.5:
                out.append("m2.5")
            case 3j:
                out.append("3j")
            case -1 - 1j:
                out.append("-1-1j")
    return out


@case()
def m_nested_deep():
    data = {"users": [{"name": "ann", "roles": ["admin", "dev"]}, {"name": "bob", "roles": []}]}
    out = []
    match data:
        case {"users": [*users]}:
            for u in users:
                match u:
                    case {"name": str(name), "roles": ["admin", *others]}:
                        out.append((name, "admin", others))
                    case {"name": name, "roles": []}:
                        out.append((name, "no roles"))
    return out


@case()
def m_match_on_tuple_expression():
    def fizz(n):
        match (n % 3, n % 5):
            case (0, 0):
                return "FizzBuzz"
            case (0, _):
                return "Fizz"
            case (_, 0):
                return "Buzz"
            case _:
                return str(n)

    return [fizz(i) for i in range(1, 16)]


@case()
def m_match_in_loop_with_break_continue():
    out = []
    for cmd in ["go", "skip", "go", "stop", "go"]:
        match cmd:
            case "skip":
                continue
            case "stop":
                break
            case _:
                out.append(cmd)
    return out


@case()
def m_capture_does_not_leak_on_failure():
    x = "before"
    match [1, 2, 3]:
        case [x, 2, 4]:
            pass
        case _:
            pass
    return x


@case()
def m_match_args_custom_getattr():
    class Dyn:
        __match_args__ = ("a",)

        def __getattr__(self, name):
            if name == "a":
                return "dynamic a"
            raise AttributeError(name)

    match Dyn():
        case Dyn(v):
            return v


@case()
def m_match_star_wildcard_and_mapping_rest():
    match {"a": 1, "b": 2, "c": 3}:
        case {"a": _, **rest}:
            r1 = rest
    match [1, 2, 3, 4]:
        case [_, *_, last]:
            r2 = last
    return r1, r2


@case()
def m_match_self_in_class_pattern_for_int_subclass():
    class MyInt(int):
        pass

    match MyInt(5):
        case int(v):
            return int(v), type(v).__name__


@case.parametrize()
def test_conformance(fn, args, kwargs):
    assert_same(fn, *args, **kwargs)
