"""Operator and protocol dunders implemented in Python.

PYTEST_DONT_REWRITE: the interpreted bytecode must be plain compiler output.
"""
from tests.conformance._registry import Registry
from tests.support import assert_same

case = Registry()


class V:
    """A 2-vector with the full set of arithmetic dunders."""

    def __init__(self, x, y):
        self.x, self.y = x, y

    def __repr__(self):
        return "V(%r, %r)" % (self.x, self.y)

    def __eq__(self, o):
        if not isinstance(o, V):
            return NotImplemented
        return self.x == o.x and self.y == o.y

    __hash__ = None

    def __add__(self, o):
        if isinstance(o, V):
            return V(self.x + o.x, self.y + o.y)
        if isinstance(o, (int, float)):
            return V(self.x + o, self.y + o)
        return NotImplemented

    def __radd__(self, o):
        if o == 0:
            return self
        return self.__add__(o)

    def __sub__(self, o):
        return V(self.x - o.x, self.y - o.y)

    def __mul__(self, k):
        if isinstance(k, (int, float)):
            return V(self.x * k, self.y * k)
        return NotImplemented

    def __rmul__(self, k):
        return self.__mul__(k)

    def __matmul__(self, o):
        return self.x * o.x + self.y * o.y

    def __truediv__(self, k):
        return V(self.x / k, self.y / k)

    def __floordiv__(self, k):
        return V(self.x // k, self.y // k)

    def __mod__(self, k):
        return V(self.x % k, self.y % k)

    def __pow__(self, k, mod=None):
        if mod is None:
            return V(self.x ** k, self.y ** k)
        return V(pow(self.x, k, mod), pow(self.y, k, mod))

    def __neg__(self):
        return V(-self.x, -self.y)

    def __pos__(self):
        return V(+self.x, +self.y)

    def __abs__(self):
        return (self.x ** 2 + self.y ** 2) ** 0.5

    def __invert__(self):
        return V(self.y, self.x)

    def __divmod__(self, k):
        return (self // k, self % k)

    def __lshift__(self, n):
        return V(self.x << n, self.y << n)

    def __rshift__(self, n):
        return V(self.x >> n, self.y >> n)

    def __and__(self, o):
        return "and"

    def __or__(self, o):
        return "or"

    def __xor__(self, o):
        return "xor"

    def __rsub__(self, o):
        return V(o - self.x, o - self.y)

    def __rtruediv__(self, o):
        return V(o / self.x, o / self.y)

    def __rpow__(self, o):
        return V(o ** self.x, o ** self.y)


class IV(V):
    """Adds in-place operators (mutating)."""

    def __iadd__(self, o):
        self.x += o.x
        self.y += o.y
        return self

    def __imul__(self, k):
        self.x *= k
        self.y *= k
        return self


class Num:
    def __init__(self, v):
        self.v = v

    def __repr__(self):
        return "Num(%r)" % (self.v,)

    def __add__(self, o):
        return "Num.__add__"

    def __radd__(self, o):
        return "Num.__radd__"

    def __lt__(self, o):
        return "Num.__lt__"

    def __gt__(self, o):
        return "Num.__gt__"


class SubNum(Num):
    def __radd__(self, o):
        return "SubNum.__radd__"

    def __gt__(self, o):
        return "SubNum.__gt__"


class SubNumNoOverride(Num):
    pass


class Never:
    def __add__(self, o):
        return NotImplemented

    def __radd__(self, o):
        return NotImplemented

    def __lt__(self, o):
        return NotImplemented

    def __eq__(self, o):
        return NotImplemented


class Plain:
    pass


class EqOnly:
    def __init__(self, v):
        self.v = v

    def __eq__(self, o):
        return isinstance(o, EqOnly) and self.v == o.v


class Ordered:
    def __init__(self, v):
        self.v = v

    def __lt__(self, o):
        return self.v < o.v

    def __le__(self, o):
        return self.v <= o.v

    def __repr__(self):
        return "O%d" % self.v


class Seq:
    """Old-style sequence: only __getitem__ and __len__."""

    def __init__(self, n):
        self.n = n

    def __getitem__(self, i):
        if isinstance(i, slice):
            return ("slice", i.start, i.stop, i.step)
        if i >= self.n:
            raise IndexError(i)
        return i * i

    def __len__(self):
        return self.n


class Store:
    def __init__(self):
        self.d = {}
        self.log = []

    def __getitem__(self, k):
        self.log.append(("get", k))
        return self.d[k]

    def __setitem__(self, k, v):
        self.log.append(("set", k, v))
        self.d[k] = v

    def __delitem__(self, k):
        self.log.append(("del", k))
        del self.d[k]

    def __len__(self):
        return len(self.d)

    def __contains__(self, k):
        self.log.append(("contains", k))
        return k in self.d

    def __iter__(self):
        return iter(sorted(self.d))


class OnlyIter:
    def __iter__(self):
        return iter([1, 2, 3])


class Countdown:
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return self

    def __next__(self):
        if self.n <= 0:
            raise StopIteration
        self.n -= 1
        return self.n + 1


class Truthy:
    def __init__(self, b):
        self.b = b

    def __bool__(self):
        return self.b


class LenOnly:
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n


class Idx:
    def __init__(self, v):
        self.v = v

    def __index__(self):
        return self.v


class Conv:
    def __int__(self):
        return 7

    def __float__(self):
        return 2.5

    def __complex__(self):
        return 1j

    def __str__(self):
        return "Conv-str"

    def __repr__(self):
        return "Conv-repr"

    def __format__(self, spec):
        return "Conv-format[%s]" % spec

    def __bytes__(self):
        return b"conv"

    def __round__(self, n=None):
        return ("round", n)

    def __hash__(self):
        return 1234


# ---------------------------------------------------------------- binary
@case()
def d_binary_ops():
    a, b = V(1, 2), V(3, 4)
    return [a + b, a - b, a * 3, a @ b, b / 2, b // 2, b % 2, a ** 2, pow(b, 2, 5),
            -a, +a, abs(V(3, 4)), ~a, divmod(b, 2), a << 2, b >> 1, a & b, a | b, a ^ b]


@case()
def d_reflected():
    a = V(1, 2)
    return [3 * a, 1 + a, 10 - a, 8 / V(2, 4), 2 ** V(1, 3), sum([a, a, a])]


@case()
def d_not_implemented_type_error():
    return V(1, 2) + "s"


@case()
def d_not_implemented_both_sides():
    return Never() + Never()


@case()
def d_unsupported_operand_plain():
    return Plain() - 1


@case()
def d_unsupported_reflected_plain():
    return 1 - Plain()


@case()
def d_unsupported_unary():
    return -Plain()


@case()
def d_unsupported_matmul():
    return 1 @ 2


@case()
def d_mul_not_implemented_rmul_fallback():
    return "ab" * V(1, 2)


@case()
def d_reflected_subclass_priority():
    return Num(1) + SubNum(2), SubNum(2) + Num(1), Num(1) + SubNumNoOverride(2)


@case()
def d_int_plus_object_radd():
    return 5 + Num(1), 5.0 + Num(2), [1] + Num(3)


@case()
def d_inplace_with_iadd():
    a = IV(1, 2)
    alias = a
    a += IV(10, 10)
    a *= 2
    return a, alias is a, alias


@case()
def d_inplace_fallback_to_add():
    a = V(1, 2)
    alias = a
    a += V(10, 10)
    return a, alias, alias is a


@case()
def d_inplace_fallback_reflected():
    a = 5
    a += Num(1)
    return a


@case()
def d_inplace_all_ops_fallback():
    a = V(8, 6)
    a -= V(1, 1)
    a *= 2
    a //= 3
    a %= 3
    a **= 2
    a /= 1
    return a


@case()
def d_inplace_unsupported_message():
    a = Plain()
    a += 1
    return a


@case()
def d_inplace_on_list_attr_and_item():
    class C:
        pass

    c = C()
    c.lst = [1]
    alias = c.lst
    c.lst += [2]
    d = {"k": (1,)}
    t = d["k"]
    d["k"] += (2,)
    return c.lst, alias is c.lst, d, t


# ---------------------------------------------------------------- comparisons
@case()
def d_rich_comparison_reflection():
    o1, o3 = Ordered(1), Ordered(3)
    return [o1 < o3, o3 > o1, o1 <= o1, o3 >= o1, o1 > o3]


@case()
def d_comparison_reflected_subclass_first():
    return Num(1) < SubNum(2), Num(1) > SubNum(2), SubNum(1) < Num(2)


@case()
def d_comparison_not_supported_message():
    return Plain() < Plain()


@case()
def d_comparison_not_implemented_both():
    return Never() < Never()


@case()
def d_comparison_mixed_types():
    return 1 < "a"


@case()
def d_eq_identity_fallback():
    p = Plain()
    q = Plain()
    return p == p, p == q, p != q, p != p


@case()
def d_eq_not_implemented_falls_back_to_identity():
    n = Never()
    return n == n, n == Never(), n != n, n == 1


@case()
def d_ne_derived_from_eq():
    return EqOnly(1) != EqOnly(1), EqOnly(1) != EqOnly(2), EqOnly(1) == EqOnly(1)


@case()
def d_eq_defines_unhashable():
    try:
        hash(EqOnly(1))
    except TypeError as e:
        return str(e)


@case()
def d_hash_none_in_set():
    return {V(1, 2)}


@case()
def d_sorted_with_lt_only():
    return sorted([Ordered(3), Ordered(1), Ordered(2)])


@case()
def d_max_min_with_dunders():
    items = [Ordered(3), Ordered(1), Ordered(2)]
    return max(items), min(items)


@case()
def d_eq_in_list_operations():
    lst = [EqOnly(1), EqOnly(2)]
    return EqOnly(2) in lst, lst.index(EqOnly(2)), lst.count(EqOnly(1)), EqOnly(5) in lst


@case()
def d_eq_returns_non_bool():
    class Weird:
        def __eq__(self, o):
            return "yes"

    return Weird() == 1, bool(Weird() == 1), [Weird()] == [1]


@case()
def d_chained_comparison_dunders():
    return Ordered(1) < Ordered(2) <= Ordered(2) < Ordered(5)


# ---------------------------------------------------------------- containers
@case()
def d_getitem_iteration_fallback():
    return list(Seq(4)), [v for v in Seq(3)], sum(Seq(5))


@case()
def d_getitem_in_fallback():
    return 4 in Seq(4), 5 in Seq(4)


@case()
def d_getitem_slice_object():
    s = Seq(3)
    return s[1:5], s[::2], s[:]


@case()
def d_getitem_index_error():
    return Seq(2)[5]


@case()
def d_in_via_iter():
    return 2 in OnlyIter(), 7 in OnlyIter(), 7 not in OnlyIter()


@case()
def d_contains_and_item_protocol():
    s = Store()
    s["a"] = 1
    s["b"] = 2
    v = s["a"]
    has = ("a" in s, "z" in s, "z" not in s)
    del s["a"]
    return v, has, len(s), list(s), s.log


@case()
def d_store_keyerror():
    s = Store()
    return s["missing"]


@case()
def d_store_augmented_item():
    s = Store()
    s["k"] = 1
    s["k"] += 5
    return s.d, s.log


@case()
def d_not_subscriptable():
    return Plain()[0]


@case()
def d_not_item_assignable():
    p = Plain()
    p[0] = 1


@case()
def d_not_item_deletable():
    p = Plain()
    del p[0]


@case()
def d_not_iterable():
    for _ in Plain():
        pass


@case()
def d_not_iterable_in():
    return 1 in Plain()


@case()
def d_iter_next_protocol():
    return list(Countdown(3)), [v * 2 for v in Countdown(2)]


@case()
def d_iter_manual():
    it = iter(Countdown(2))
    return next(it), next(it), next(it, "end")


@case()
def d_iter_returns_non_iterator():
    class Bad:
        def __iter__(self):
            return 5

    return iter(Bad())


@case()
def d_next_on_non_iterator():
    return next(Plain())


@case()
def d_bool_and_len():
    return [bool(Truthy(True)), bool(Truthy(False)), bool(LenOnly(0)), bool(LenOnly(2)),
            bool(Plain()), "yes" if LenOnly(1) else "no", not Truthy(False)]


@case()
def d_bool_in_control_flow():
    out = []
    for t in (Truthy(True), Truthy(False), LenOnly(0), LenOnly(3)):
        if t:
            out.append("T")
        else:
            out.append("F")
    n = 0
    w = LenOnly(2)
    while w:
        w.n -= 1
        n += 1
    return out, n, Truthy(False) or "fallback", Truthy(True) and "second"


@case()
def d_bool_returns_non_bool():
    class B:
        def __bool__(self):
            return 1

    return bool(B())


@case()
def d_len_negative():
    return len(LenOnly(-1))


@case()
def d_len_non_int():
    class L:
        def __len__(self):
            return "3"

    return len(L())


@case()
def d_no_len():
    return len(Plain())


@case()
def d_index_dunder():
    lst = list(range(10))
    return lst[Idx(3)], lst[Idx(1):Idx(4)], "abc"[Idx(-1)], bin(Idx(5)), range(Idx(3))[-1]


@case()
def d_conversions():
    c = Conv()
    return (int(c), float(c), complex(c), str(c), repr(c), format(c, ">5"), "%s|%r" % (c, c),
            f"{c}|{c!r}|{c:xyz}", bytes(c), round(c), round(c, 2), hash(c))


@case()
def d_str_falls_back_to_repr():
    class R:
        def __repr__(self):
            return "R!"

    return str(R()), "%s" % R(), f"{R()}", [R()].__repr__()


@case()
def d_repr_must_return_str():
    class R:
        def __repr__(self):
            return 5

    return repr(R())


@case()
def d_call_dunder_on_instance_not_class():
    class C:
        pass

    c = C()
    c.__call__ = lambda: "instance attr"
    try:
        c()
    except TypeError as e:
        return str(e)


@case()
def d_dunder_lookup_on_type():
    class C:
        def __len__(self):
            return 3

    c = C()
    c.__len__ = lambda: 99
    return len(c), c.__len__()


@case()
def d_hash_dunder_in_dict():
    class K:
        def __init__(self, v):
            self.v = v

        def __hash__(self):
            return hash(self.v % 3)

        def __eq__(self, o):
            return self.v % 3 == o.v % 3

    d = {K(1): "a"}
    d[K(4)] = "b"
    return len(d), d[K(7)], list(d.values())


@case()
def d_missing_in_dict_subclass_via_getitem():
    class Default(dict):
        def __missing__(self, k):
            self[k] = len(self)
            return self[k]

    d = Default()
    d["a"]
    d["b"]
    d["a"]
    return dict(d)


@case()
def d_reversed_dunder():
    class R:
        def __reversed__(self):
            return iter("cba")

    return list(reversed(R())), list(reversed(Seq(3)))


@case()
def d_enter_exit():
    log = []

    class CM:
        def __init__(self, name):
            self.name = name

        def __enter__(self):
            log.append("enter " + self.name)
            return self.name.upper()

        def __exit__(self, et, ev, tb):
            log.append(("exit", self.name, et.__name__ if et else None))
            return False

    with CM("a") as a, CM("b") as b:
        log.append(a + b)
    return log


@case()
def d_exit_suppresses():
    log = []

    class Suppress:
        def __enter__(self):
            return self

        def __exit__(self, et, ev, tb):
            log.append((et.__name__, str(ev)))
            return True

    with Suppress():
        raise KeyError("k")
    log.append("after")
    return log


@case()
def d_exit_not_suppressing_propagates():
    class CM:
        def __enter__(self):
            return None

        def __exit__(self, *exc):
            return None

    with CM():
        raise ValueError("through")


@case()
def d_with_missing_protocol():
    with Plain():
        pass


@case()
def d_getattr_dunder_not_used_for_operators():
    class G:
        def __getattr__(self, name):
            return lambda *a: "via getattr " + name

    g = G()
    r = g.__add__(1)
    try:
        g + 1
    except TypeError as e:
        return r, str(e)


@case()
def d_class_getitem():
    class C:
        def __class_getitem__(cls, item):
            return ("cgi", cls.__name__, item)

    return C[int], C["x"]


@case()
def d_format_spec_passed_through():
    class F:
        def __format__(self, spec):
            return "<" + spec + ">"

    w = 5
    return f"{F():abc}", f"{F():{w}d}", format(F()), "{:q}".format(F())


@case()
def d_contains_returns_truthy_object():
    class C:
        def __contains__(self, x):
            return [x]

    return 0 in C(), 1 not in C()


@case.parametrize()
def test_conformance(fn, args, kwargs):
    assert_same(fn, *args, **kwargs)
