"""Functions, methods, lambdas, argument binding (and its errors), recursion.

PYTEST_DONT_REWRITE: the interpreted bytecode must be plain compiler output.
"""
from tests.conformance._registry import Registry
from tests.support import assert_same

case = Registry()


# ---------------------------------------------------------------- callees
def _g2(a, b):
    return (a, b)


def _gdef(a, b=2, *, c=3):
    return (a, b, c)


def _gpos(a, b, /, c):
    return (a, b, c)


def _gpos_kw(a, /, **kw):
    return (a, kw)


def _gstar(*args, **kwargs):
    return (args, kwargs)


def _gmix(a, b=1, *args, c, d=4, **kw):
    return (a, b, args, c, d, kw)


def _kwonly(*, x):
    return x


def _kwonly2(*, x, y):
    return (x, y)


def _three(a, b, c):
    return a + b + c


def _noargs():
    return "none"


def _posdef(a, b=5, /):
    return (a, b)


class _M:
    cls_attr = 10

    def __init__(self, v):
        self.v = v

    def get(self):
        return self.v

    def add(self, x, y=1):
        return self.v + x + y

    @staticmethod
    def st(a, b):
        return a * b

    @classmethod
    def cm(cls, x):
        return (cls.__name__, cls.cls_attr + x)


class _MSub(_M):
    cls_attr = 20


# ---------------------------------------------------------------- calls
@case()
def f_call_simple():
    return _g2(1, 2)


@case()
def f_call_kw():
    return _g2(b=1, a=2)


@case()
def f_defaults():
    return [_gdef(1), _gdef(1, 5), _gdef(1, c=9), _gdef(a=0, b=0, c=0)]


@case()
def f_posonly():
    return _gpos(1, 2, 3), _gpos(1, 2, c=3)


@case()
def f_posonly_defaults():
    return _posdef(1), _posdef(1, 2)


@case()
def f_posonly_name_in_kwargs():
    return _gpos_kw(1, a=5, b=6)


@case()
def f_star_def():
    return _gstar(), _gstar(1, 2), _gstar(x=1), _gstar(1, y=2)


@case()
def f_mix():
    return _gmix(1, c=3), _gmix(1, 2, 3, 4, c=5, z=6)


@case()
def f_star_call():
    args = [1, 2]
    return _g2(*args)


@case()
def f_dstar_call():
    d = {"a": 1, "b": 2}
    return _g2(**d)


@case()
def f_star_and_dstar():
    return _gmix(*[1, 2, 3], **{"c": 4, "q": 5})


@case()
def f_multi_star():
    return _gstar(*[1], 2, *(3, 4), **{"a": 1}, b=2, **{"c": 3})


@case()
def f_star_generator():
    return _gstar(*(i * i for i in range(4)))


@case()
def f_star_string_and_dict():
    return _gstar(*"abc", *{"k": 1})


@case()
def f_kwargs_order_preserved():
    return list(_gstar(z=1, a=2, m=3, **{"b": 4, "y": 5})[1])


@case()
def f_kwargs_is_new_dict():
    d = {"x": 1}

    def h(**kw):
        kw["y"] = 2
        return kw

    r = h(**d)
    return d, r


@case()
def f_args_is_tuple():
    def h(*a):
        return type(a).__name__, a

    return h(*[1, 2])


@case()
def f_kwonly_call():
    return _kwonly(x=3), _kwonly2(y=1, x=2)


@case()
def f_default_mutable_shared():
    def h(x, acc=[]):
        acc.append(x)
        return list(acc)

    return h(1), h(2), h(3, []), h(4)


@case()
def f_default_evaluated_once():
    n = [0]

    def dflt():
        n[0] += 1
        return n[0]

    def h(x=dflt()):
        return x

    return h(), h(), n[0]


@case()
def f_implicit_none():
    def h():
        pass

    return h()


@case()
def f_func_attributes():
    def h(a, b=3, *, c=4):
        "doc string"
        return a

    return (h.__name__, h.__qualname__, h.__defaults__, h.__kwdefaults__, h.__doc__,
            h.__code__.co_argcount, h.__code__.co_kwonlyargcount, h.__module__)


@case()
def f_func_annotations():
    def h(a: int, *, b: "str" = "x") -> list:
        return a

    return sorted(h.__annotations__.items(), key=lambda kv: kv[0])


@case()
def f_func_dict_attr():
    def h():
        return h.counter

    h.counter = 7
    return h(), h.__dict__


@case()
def f_func_varnames():
    def h(a, b, *c, d, **e):
        x = 1
        return x

    return h.__code__.co_varnames, h.__code__.co_posonlyargcount


@case(3, 4)
@case(-1, 0)
def f_with_args(x, y):
    return x * 10 + y


@case(1, 2, 3, x=4)
def f_args_kwargs_outer(*args, **kwargs):
    return args, kwargs


@case([1, 2])
def f_mutate_argument(lst):
    lst.append(3)
    lst[0] = 99
    return len(lst)


@case({"a": 1})
def f_mutate_dict_argument(d):
    d["b"] = 2
    del d["a"]


# ---------------------------------------------------------------- lambdas
@case()
def f_lambda_basic():
    return (lambda x, y=2: x * y)(3)


@case()
def f_lambda_star():
    return (lambda *a, **k: (a, k))(1, 2, z=3)


@case()
def f_lambda_kwonly():
    return (lambda a, *, b=5: a - b)(10), (lambda a, *, b=5: a - b)(10, b=1)


@case()
def f_lambda_qualname():
    f = lambda: 0  # noqa: E731
    return f.__name__, f.__qualname__


@case()
def f_lambda_default_capture():
    fs = [lambda i=i: i for i in range(3)]
    return [f() for f in fs]


@case()
def f_lambda_returns_lambda():
    add = lambda a: lambda b: a + b  # noqa: E731
    return add(2)(3)


@case()
def f_lambda_in_sorted():
    return sorted(["bb", "a", "ccc"], key=lambda s: -len(s))


@case()
def f_lambda_conditional():
    sign = lambda x: "pos" if x > 0 else ("zero" if x == 0 else "neg")  # noqa: E731
    return [sign(v) for v in (-2, 0, 5)]


@case()
def e_lambda_missing_arg():
    return (lambda x: x)()


# ---------------------------------------------------------------- nested
@case()
def f_nested_def():
    def inner(x):
        return x + 1

    return inner(1), inner.__name__, inner.__qualname__


@case()
def f_nested_deep_qualname():
    def a():
        def b():
            def c():
                return 1
            return c
        return b()

    return a().__qualname__


@case()
def f_function_as_value():
    ops = {"add": lambda a, b: a + b, "mul": lambda a, b: a * b}
    return {k: op(3, 4) for k, op in ops.items()}


@case()
def f_higher_order():
    def compose(f, g):
        return lambda x: f(g(x))

    inc = lambda x: x + 1  # noqa: E731
    dbl = lambda x: x * 2  # noqa: E731
    return compose(inc, dbl)(5), compose(dbl, inc)(5)


@case()
def f_return_multiple():
    def h():
        return 1, [2], {"3": 3}

    a, b, c = h()
    return a, b, c


@case()
def f_early_return_in_loop():
    def find(xs, t):
        for i, x in enumerate(xs):
            if x == t:
                return i
        return -1

    return find([5, 6, 7], 7), find([5], 1)


# ---------------------------------------------------------------- methods
@case()
def f_method_call():
    m = _M(5)
    return m.get(), m.add(1), m.add(1, y=10), _M.add(m, 2)


@case()
def f_bound_method_object():
    m = _M(5)
    bm = m.get
    return bm(), bm.__self__ is m, bm.__func__ is _M.get, bm.__name__


@case()
def f_static_and_class_methods():
    m = _MSub(1)
    return _M.st(2, 3), m.st(4, 5), _M.cm(1), _MSub.cm(1), m.cm(2)


@case()
def f_method_stored_and_called_later():
    calls = [_M(i).get for i in range(3)]
    return [c() for c in calls]


@case()
def f_method_via_getattr():
    m = _M(3)
    return getattr(m, "add")(4, 5)


@case()
def f_function_attr_on_instance_not_bound():
    m = _M(3)
    m.fn = lambda x: x * 2
    return m.fn(4)


@case()
def e_method_missing_arg():
    return _M(1).add()


@case()
def e_method_too_many():
    return _M(1).get(2)


@case()
def e_unbound_method_missing_self():
    return _M.get()


@case()
def e_init_missing():
    return _M()


# ---------------------------------------------------------------- binding errors
@case()
def e_missing_one():
    return _g2(1)


@case()
def e_missing_two():
    return _g2()


@case()
def e_missing_three():
    return _three()


@case()
def e_missing_kwonly():
    return _kwonly()


@case()
def e_missing_kwonly_two():
    return _kwonly2()


@case()
def e_missing_kwonly_mixed():
    return _gmix()


@case()
def e_missing_kwonly_given_positional():
    return _gmix(1)


@case()
def e_too_many():
    return _g2(1, 2, 3)


@case()
def e_too_many_with_defaults():
    return _gdef(1, 2, 3)


@case()
def e_too_many_with_kwonly_given():
    return _gdef(1, 2, 3, c=4)


@case()
def e_zero_args_given_one():
    return _noargs(1)


@case()
def e_kwonly_given_positionally():
    return _kwonly(1)


@case()
def e_unexpected_kw():
    return _g2(1, 2, z=3)


@case()
def e_unexpected_kw_noargs():
    return _noargs(x=1)


@case()
def e_multiple_values():
    return _g2(1, a=2)


@case()
def e_posonly_as_kw():
    return _gpos(a=1, b=2, c=3)


@case()
def e_posonly_as_kw_one():
    return _gpos(1, b=2, c=3)


@case()
def e_posonly_default_as_kw():
    return _posdef(1, b=2)


@case()
def e_local_function_missing():
    def local(a, b):
        return a

    return local(b=1)


@case()
def e_dstar_not_mapping():
    return _g2(**[1])


@case()
def e_star_not_iterable():
    return _g2(*1)


@case()
def e_dstar_duplicate():
    return _g2(**{"a": 1}, **{"a": 2})


@case()
def e_dstar_duplicate_explicit():
    return _g2(a=1, **{"a": 2})


@case()
def e_dstar_nonstr_key():
    return _gstar(**{1: 2})


@case()
def e_call_non_callable():
    x = 5
    return x()


@case()
def e_call_none():
    x = None
    return x(1)


@case()
def e_builtin_too_many():
    return len([1], [2])


@case()
def e_builtin_kw():
    return len([], x=1)


@case()
def e_missing_caught_and_returned():
    try:
        _g2()
    except TypeError as e:
        return str(e)


# ---------------------------------------------------------------- recursion
def _fact(n):
    return 1 if n <= 1 else n * _fact(n - 1)


def _fib(n):
    return n if n < 2 else _fib(n - 1) + _fib(n - 2)


def _ack(m, n):
    if m == 0:
        return n + 1
    if n == 0:
        return _ack(m - 1, 1)
    return _ack(m - 1, _ack(m, n - 1))


def _is_even(n):
    return True if n == 0 else _is_odd(n - 1)


def _is_odd(n):
    return False if n == 0 else _is_even(n - 1)


def _depth(n):
    if n == 0:
        return 0
    return 1 + _depth(n - 1)


@case(10)
def f_factorial(n):
    return _fact(n)


@case()
def f_factorial_800():
    return _fact(800) % 1000000007


@case()
def f_recursion_depth_800():
    return _depth(800)


@case(15)
def f_fib(n):
    return _fib(n)


@case()
def f_ackermann():
    return _ack(2, 3), _ack(1, 5)


@case()
def f_mutual_recursion():
    return _is_even(50), _is_odd(51), _is_even(7)


@case()
def f_local_recursive():
    def walk(t):
        if isinstance(t, list):
            return sum(walk(x) for x in t)
        return t

    return walk([1, [2, [3, [4]], 5], [[6]]])


@case()
def f_local_mutual_recursion():
    def even(n):
        return n == 0 or odd(n - 1)

    def odd(n):
        return n != 0 and even(n - 1)

    return [even(i) for i in range(6)]


@case()
def f_recursion_exception_unwinds():
    def down(n):
        if n == 0:
            raise ValueError("bottom")
        return down(n - 1)

    try:
        down(100)
    except ValueError as e:
        return e.args


@case()
def f_hanoi():
    moves = []

    def hanoi(n, a, b, c):
        if n:
            hanoi(n - 1, a, c, b)
            moves.append((a, c))
            hanoi(n - 1, b, a, c)

    hanoi(5, "A", "B", "C")
    return len(moves), moves[:4]


# ----------------------------------------------- leaf callees (frame.run_leaf)
# Callees without calls or exception handlers run to their return inside
# the CALL handler; these cases hold it to the run loop's semantics.
def _leaf_div(a, b):
    return a / b


def _leaf_attr(o):
    return o.missing


@case()
def f_leaf_raises_into_caller_handler():
    out = []
    for b in (2, 0, 4):
        try:
            out.append(_leaf_div(1, b))
        except ZeroDivisionError as e:
            out.append(("zde", str(e)))
    return out


@case()
def f_leaf_raise_chains_context():
    try:
        raise KeyError("first")
    except KeyError:
        try:
            _leaf_attr(1)
        except AttributeError as e:
            return type(e.__context__).__name__, e.__context__.args


@case()
def f_leaf_uncaught():
    return _leaf_div(1, 0)


@case()
def f_leaf_locals_and_globals():
    def scale(x, k=3):
        return x * k + _LEAF_OFFSET
    return [scale(i) for i in range(4)], scale(1, 2)


_LEAF_OFFSET = 10


@case()
def f_leaf_at_the_recursion_limit():
    import sys

    def down(n):
        if n == 0:
            return _leaf_div(1, 1)
        return down(n - 1)
    return down(sys.getrecursionlimit() // 4)


# Positional calls that leave arguments to defaults, and `f(*args)` without
# keywords, run inline (handlers/calls.py): the same binding and errors.
@case()
def f_inline_defaults_filled():
    def f(a, b=2, c=[3]):
        c.append(a)
        return a, b, len(c)
    lam = lambda t, y, fn=f: fn(t, y)      # (scipy's solve_ivp wraps `fun` so)
    out = [f(1), f(1, 5), lam(7, 8), f(*(4,)), f(*[4, 6])]
    f.__defaults__ = (9, [])               # (read at every call)
    out.append(f(1))
    f.__defaults__ = None
    try:
        f(1)
    except TypeError as e:
        out.append(str(e))
    return out


@case()
def f_inline_star_call_errors_and_keywords():
    def f(a, b=2):
        return a, b
    out = []
    for call in (lambda: f(*()), lambda: f(*(1, 2, 3)), lambda: f(*5),
                 lambda: f(*(1,), **{"b": 7}), lambda: f(*(1,), **{}),
                 lambda: f(*iter([3])), lambda: f(*(1,), **{"c": 1}),
                 lambda: f(*(1,), **[])):
        try:
            out.append(call())
        except TypeError as e:
            out.append(str(e))
    return out


@case()
def f_inline_star_call_recursion():
    def down(n, *rest):
        return n if n == 0 else down(*(n - 1,), *rest)
    return down(200)


@case.parametrize()
def test_conformance(fn, args, kwargs):
    assert_same(fn, *args, **kwargs)


def test_leaf_callee_traceback_names_its_line():
    """The interpreted traceback of an exception raised in a leaf callee
    has the callee's entry (file, line, name) under its caller's."""
    from bcad import interpret

    def caller():
        return _leaf_div(1, 0)
    try:
        interpret(caller)()
    except ZeroDivisionError as e:
        tb = "\n".join(e.__notes__)
    else:
        raise AssertionError("no exception")
    lines = [ln for ln in tb.splitlines() if ln.startswith("  File")]
    assert lines[-1].endswith("in _leaf_div") and lines[-2].endswith("in caller"), tb
