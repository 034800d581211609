"""Builtins and stdlib functions that call back into Python code.

PYTEST_DONT_REWRITE: the interpreted bytecode must be plain compiler output.
"""
import functools
import itertools
import operator

from tests.conformance._registry import Registry
from tests.support import assert_same

case = Registry()


class CbErr(Exception):
    pass


class Money:
    def __init__(self, cents):
        self.cents = cents

    def __add__(self, o):
        if isinstance(o, Money):
            return Money(self.cents + o.cents)
        return NotImplemented

    def __radd__(self, o):
        if o == 0:
            return Money(self.cents)
        return NotImplemented

    def __eq__(self, o):
        return isinstance(o, Money) and o.cents == self.cents

    __hash__ = None

    def __repr__(self):
        return "Money(%d)" % self.cents


class Rec:
    def __init__(self, name, age):
        self.name, self.age = name, age

    def __repr__(self):
        return "Rec(%s,%d)" % (self.name, self.age)


PEOPLE = [("ann", 31), ("bob", 25), ("cid", 31), ("dee", 19)]


def _square(x):
    return x * x


def _gen(n):
    for i in range(n):
        yield i


# ---------------------------------------------------------------- map / filter
@case()
def b_map_basic():
    return list(map(_square, range(5))), list(map(lambda a, b: a - b, [10, 20, 30], [1, 2]))


@case()
def b_map_lazy():
    log = []

    def f(v):
        log.append(v)
        return v

    m = map(f, range(5))
    first = next(m)
    return first, log


@case()
def b_map_exception_in_callback():
    def f(v):
        if v == 2:
            raise CbErr("at 2")
        return v

    return list(map(f, range(5)))


@case()
def b_map_over_generator_and_method():
    return list(map(str.upper, ["a", "b"])), list(map(_square, _gen(4))), list(map(len, ["aa", ""]))


@case()
def b_filter():
    return list(filter(lambda v: v % 2, range(10))), list(filter(None, [0, 1, "", "a", None, [1]]))


@case()
def b_filter_with_bound_method():
    allowed = {1, 3}
    return list(filter(allowed.__contains__, range(5)))


# ---------------------------------------------------------------- sorted/min/max/sort
@case()
def b_sorted_key():
    return sorted(PEOPLE, key=lambda p: p[1]), sorted(PEOPLE, key=lambda p: (-p[1], p[0]))


@case()
def b_sorted_key_function_object():
    def by_age(p):
        return p[1]

    return sorted(PEOPLE, key=by_age, reverse=True)


@case()
def b_sorted_key_called_once_per_item():
    calls = []

    def k(v):
        calls.append(v)
        return -v

    r = sorted([3, 1, 2], key=k)
    return r, sorted(calls)


@case()
def b_list_sort_key_and_mutation():
    recs = [Rec("x", 3), Rec("y", 1), Rec("z", 2)]
    recs.sort(key=lambda r: r.age)
    names = [r.name for r in recs]
    recs.sort(key=lambda r: r.name, reverse=True)
    return names, repr(recs)


@case()
def b_sort_key_raises():
    def k(v):
        raise CbErr("key failed")

    lst = [2, 1]
    lst.sort(key=k)


@case()
def b_sort_with_cmp_to_key():
    def cmp(a, b):
        return (a % 3) - (b % 3) or (a - b)

    return sorted(range(10), key=functools.cmp_to_key(cmp))


@case()
def b_sort_with_dunder_lt_objects():
    class Item:
        def __init__(self, v):
            self.v = v

        def __lt__(self, o):
            return self.v > o.v

    return [i.v for i in sorted([Item(1), Item(3), Item(2)])]


@case()
def b_min_max_key_default():
    return (min(PEOPLE, key=lambda p: p[1]), max(PEOPLE, key=lambda p: p[1]), max([], default="empty"),
            min([], key=len, default=None), max("abc", "z", key=len), min(3, 1, 2, key=lambda v: -v))


@case()
def b_min_empty_error():
    return min([], key=lambda v: v)


@case()
def b_max_generator():
    return max(_gen(7)), max((v * v % 7 for v in range(10)))


# ---------------------------------------------------------------- functools
@case()
def b_reduce():
    return (functools.reduce(lambda a, b: a * b, range(1, 6)), functools.reduce(operator.add, ["a", "b", "c"], ">"),
            functools.reduce(lambda acc, v: acc + [v * 2], _gen(3), []))


@case()
def b_reduce_empty_error():
    return functools.reduce(lambda a, b: a + b, [])


@case()
def b_partial():
    def power(base, exp, *, mod=None):
        return pow(base, exp, mod)

    sq = functools.partial(power, exp=2)
    cube_mod = functools.partial(power, exp=3, mod=5)
    p2 = functools.partial(power, 2)
    return sq(5), cube_mod(4), p2(10), p2(3, mod=3), sq.keywords, p2.args


@case()
def b_partial_of_partial_and_method():
    add3 = functools.partial(lambda a, b, c: a + b + c, 1)
    add2 = functools.partial(add3, 2)
    return add2(3), list(map(functools.partial(operator.mul, 10), [1, 2]))


@case()
def b_partial_wrong_args():
    f = functools.partial(lambda a: a, 1)
    return f(2)


@case()
def b_lru_cache():
    calls = []

    @functools.lru_cache(maxsize=None)
    def fib(n):
        calls.append(n)
        return n if n < 2 else fib(n - 1) + fib(n - 2)

    return fib(30), len(calls), fib.cache_info().hits


@case()
def b_cache_decorator_on_method():
    class C:
        def __init__(self):
            self.n = 0

        @functools.cached_property
        def heavy(self):
            self.n += 1
            return "computed"

    c = C()
    return c.heavy, c.heavy, c.n


@case()
def b_total_ordering():
    @functools.total_ordering
    class V:
        def __init__(self, v):
            self.v = v

        def __eq__(self, o):
            return self.v == o.v

        def __lt__(self, o):
            return self.v < o.v

    return V(1) <= V(2), V(3) >= V(2), V(2) > V(2), V(1) != V(1)


@case()
def b_singledispatch():
    @functools.singledispatch
    def show(x):
        return "obj"

    @show.register
    def _(x: int):
        return "int %d" % x

    @show.register(list)
    def _(x):
        return "list of %d" % len(x)

    return show(1), show([1, 2]), show("s")


# ---------------------------------------------------------------- itertools
@case()
def b_itertools_accumulate():
    return (list(itertools.accumulate([1, 2, 3, 4])), list(itertools.accumulate([3, 1, 4, 1], max)),
            list(itertools.accumulate(_gen(4), lambda a, b: a * 10 + b, initial=9)))


@case()
def b_itertools_starmap():
    return list(itertools.starmap(lambda a, b: a ** b, [(2, 3), (3, 2)])), list(itertools.starmap(max, [(1, 5, 2)]))


@case()
def b_itertools_groupby():
    data = sorted(PEOPLE, key=lambda p: p[1])
    return [(k, [n for n, _ in g]) for k, g in itertools.groupby(data, key=lambda p: p[1])], [
        (k, len(list(g))) for k, g in itertools.groupby("aaabccaa")]


@case()
def b_itertools_takewhile_dropwhile_filterfalse():
    xs = [1, 3, 5, 6, 7, 9]
    odd = lambda v: v % 2  # noqa: E731
    return list(itertools.takewhile(odd, xs)), list(itertools.dropwhile(odd, xs)), list(itertools.filterfalse(odd, xs))


@case()
def b_itertools_chain_islice_over_generators():
    return (list(itertools.chain(_gen(2), _gen(3))), list(itertools.chain.from_iterable(_gen(k) for k in range(4))),
            list(itertools.islice(_gen(100), 2, 10, 3)), list(itertools.islice(_gen(5), 2)))


@case()
def b_itertools_misc():
    return (list(itertools.product("ab", repeat=2)), list(itertools.permutations(range(3), 2)),
            list(itertools.combinations("abcd", 2))[:4], list(itertools.zip_longest("ab", _gen(3), fillvalue="-")),
            list(itertools.compress("abcdef", [1, 0, 1])), list(itertools.repeat("x", 3)),
            list(itertools.islice(itertools.count(5, 2), 3)), list(itertools.islice(itertools.cycle(_gen(2)), 5)))


@case()
def b_itertools_tee_and_pairwise():
    a, b = itertools.tee(_gen(4))
    nxt = next(b)
    pw = list(itertools.pairwise(_gen(4))) if hasattr(itertools, "pairwise") else None
    return list(a), list(b), nxt, pw


@case()
def b_itertools_callback_exception():
    def pred(v):
        if v > 2:
            raise CbErr(v)
        return True

    return list(itertools.takewhile(pred, range(5)))


# ---------------------------------------------------------------- sum and consumers
@case()
def b_sum_python_objects():
    return sum([Money(1), Money(2), Money(3)]), sum([Money(5)], Money(1)), sum(Money(i) for i in range(4))


@case()
def b_sum_start_and_types():
    return sum([1, 2], 10), sum([0.1] * 10), sum([[1], [2]], []), sum((), 5), sum([True, True])


@case()
def b_sum_strings_error():
    return sum(["a", "b"], "")


@case()
def b_sum_unsupported_python_objects():
    return sum([Money(1), 5])


@case()
def b_consumers_of_generators():
    def pairs():
        for i in range(3):
            yield (str(i), i)

    return (dict(pairs()), list(pairs()), tuple(_gen(3)), list(zip(_gen(3), pairs())), list(enumerate(_gen(2))),
            set(_gen(3)), frozenset(_gen(2)), sorted(_gen(3), reverse=True), list(reversed(list(_gen(3)))),
            any(_gen(2)), all(_gen(2)), "".join(map(str, _gen(4))), bytes(_gen(3)), bytearray(_gen(2)))


@case()
def b_zip_strict():
    try:
        return list(zip(_gen(2), _gen(3), strict=True))
    except ValueError as e:
        return str(e)


@case()
def b_iter_with_sentinel():
    state = [0]

    def tick():
        state[0] += 1
        return state[0]

    return list(iter(tick, 4))


@case()
def b_next_default_and_iter_builtin():
    it = iter([1])
    return next(it), next(it, "done"), list(iter(_gen(2)))


# ---------------------------------------------------------------- getattr & friends
@case()
def b_getattr_setattr_hasattr_delattr():
    class C:
        cls_attr = 1

        @property
        def prop(self):
            return "prop"

    c = C()
    setattr(c, "dyn", 5)
    r = [getattr(c, "dyn"), getattr(c, "prop"), getattr(c, "missing", None), hasattr(c, "cls_attr"),
         hasattr(c, "nope"), getattr(C, "cls_attr")]
    delattr(c, "dyn")
    r.append(hasattr(c, "dyn"))
    return r


@case()
def b_getattr_missing_no_default():
    class C:
        pass

    return getattr(C(), "missing")


@case()
def b_vars_dir_on_instances():
    class C:
        def __init__(self):
            self.a = 1
            self.b = 2

    return vars(C()), [n for n in dir(C()) if not n.startswith("_")]


@case()
def b_callable_and_type_checks():
    class C:
        def __call__(self):
            pass

    return callable(C()), callable(len), callable(5), callable(lambda: 0), type(len).__name__


@case()
def b_operator_module_callbacks():
    recs = [Rec("b", 2), Rec("a", 1)]
    return (sorted(PEOPLE, key=operator.itemgetter(1, 0)), [r.name for r in sorted(recs, key=operator.attrgetter("age"))],
            list(map(operator.methodcaller("upper"), ["x"])), operator.add(Money(1), Money(2)))


@case()
def b_builtin_higher_order_with_classes():
    class Sq:
        def __init__(self, v):
            self.v = v * v

    return [s.v for s in map(Sq, range(4))]


@case()
def b_enumerate_zip_with_python_iterators():
    class Count:
        def __init__(self, n):
            self.n, self.i = n, 0

        def __iter__(self):
            return self

        def __next__(self):
            if self.i >= self.n:
                raise StopIteration
            self.i += 1
            return self.i

    return list(enumerate(Count(3))), list(zip(Count(2), Count(5))), list(map(_square, Count(3)))


@case()
def b_round_abs_divmod_with_dunders():
    class N:
        def __round__(self, nd=None):
            return "rounded"

        def __abs__(self):
            return "absolute"

        def __divmod__(self, o):
            return ("dm", o)

    return round(N()), abs(N()), divmod(N(), 3)


@case()
def b_print_sep_end():
    print("a", "b", "c")
    print("a", "b", sep="-")
    print("no newline", end="")
    print("x", 1, None, sep="", end="!\n")
    print()
    print(*[1, 2, 3], sep=", ")


@case()
def b_print_objects_with_str_repr():
    class Both:
        def __str__(self):
            return "STR"

        def __repr__(self):
            return "REPR"

    print(Both())
    print([Both()])
    b = Both()
    print(b, repr(b), str(b), sep=" / ")
    print({"k": Both()})


@case()
def b_print_file_stdout_and_flush():
    import sys

    print("to stdout", file=sys.stdout, flush=True)
    sys.stdout.write("raw write\n")


@case()
def b_print_str_raises():
    class Bad:
        def __str__(self):
            raise CbErr("no str")

    print("before")
    print(Bad())


@case()
def b_print_in_loop_and_return():
    total = 0
    for i in range(3):
        print("step", i, end="; ")
        total += i
    print()
    return total


@case()
def b_hash_id_independent_builtins():
    return hash("abc") == hash("abc"), hash(1) == hash(1.0), len({1, 1.0, True})


@case()
def b_sorted_dict_items_by_value():
    d = {"x": 3, "y": 1, "z": 2}
    return sorted(d, key=d.get), sorted(d.items(), key=lambda kv: kv[1], reverse=True)


@case()
def cb_pairwise_reentered_from_next():
    from itertools import pairwise

    def check(reenter_at, n):
        class I:
            count = 0

            def __iter__(self):
                return self

            def __next__(self):
                self.count += 1
                if self.count in reenter_at:
                    return next(it)
                return [self.count]
        it = pairwise(I())
        return [next(it) for _ in range(n)]
    return check({1}, 2), check({2}, 3), check({1, 3}, 2)


@case()
def cb_chain_is_lazy_islice_index_stop():
    import itertools

    class NotAnIterator:
        def __iter__(self):
            return 3                     # iter() fails only when chain reaches it

    class IntLike:
        def __index__(self):
            return 2

    class Items:
        def __iter__(self):
            return iter([1, 2, 3])
    c = itertools.chain([0], NotAnIterator())
    first = next(c)
    try:
        next(c)
    except TypeError as e:
        err = str(e)
    return first, err, list(itertools.islice(Items(), IntLike()))


@case()
def cb_python_iterator_consumed_by_c_in_another_thread():
    import itertools
    import threading

    class Slow:
        def __init__(self):
            self.n = 0

        def __iter__(self):
            return self

        def __next__(self):
            self.n += 1
            if self.n > 3:
                raise StopIteration
            return self.n
    a, b = itertools.tee(Slow())
    out = []
    t = threading.Thread(target=lambda: out.extend(a))
    t.start()
    t.join()
    return out, list(b)


@case.parametrize()
def test_conformance(fn, args, kwargs):
    assert_same(fn, *args, **kwargs)
