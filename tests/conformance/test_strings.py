"""f-strings, formatting, str/bytes/set/dict operations.

PYTEST_DONT_REWRITE: the interpreted bytecode must be plain compiler output.
"""
from tests.conformance._registry import Registry
from tests.support import assert_same

case = Registry()


class Pretty:
    def __init__(self, v):
        self.v = v

    def __repr__(self):
        return "Pretty(%r)" % (self.v,)

    def __str__(self):
        return "pretty<%s>" % (self.v,)


class Fmt:
    def __str__(self):
        return "Fmt-str"

    def __format__(self, spec):
        return "Fmt[" + spec + "]"


# ---------------------------------------------------------------- f-strings
@case()
def t_fstring_basic():
    name, n = "world", 3
    return f"hello {name}", f"{n + 1}", f"{n}{n}", f"{{literal}}", f"{'quoted'}", f""


@case()
def t_fstring_conversions():
    s = "caf\u00e9\n"
    p = Pretty("x")
    return f"{s!r}", f"{s!s}", f"{s!a}", f"{p}", f"{p!r}", f"{p!s}", f"{p!a}", f"{'é'!a}"


@case()
def t_fstring_format_specs():
    x, f, s = 42, 3.14159, "ab"
    return [f"{x:5}", f"{x:<5}|", f"{x:^7}", f"{x:>+5}", f"{x:05d}", f"{x:x}", f"{x:#X}", f"{x:b}",
            f"{x:o}", f"{f:.2f}", f"{f:10.3e}", f"{f:%}", f"{f:g}", f"{s:*^6}", f"{s:>4}", f"{1234567:,}",
            f"{1234567:_}", f"{0.5:.0%}", f"{-x:=6}", f"{x:c}"]


@case()
def t_fstring_nested_specs():
    width, prec, val = 10, 3, 2.718281828
    align = "<"
    return f"[{val:{width}.{prec}f}]", f"[{val:{align}{width}}]", f"[{'s':{'^'}{width}}]"


@case()
def t_fstring_debug():
    x, y = 3, "s"
    return f"{x=}", f"{x = }", f"{y=}", f"{x+1=}", f"{y=!s}", f"{x=:5}", f"{Pretty(1)=}"


@case()
def t_fstring_expressions():
    d = {"k": [1, 2]}
    return f"{d['k'][1]}", f"{len(d)}", f"{'yes' if d else 'no'}", f"{[i * 2 for i in range(3)]}", f"{(lambda: 5)()}"


@case()
def t_fstring_custom_format():
    return f"{Fmt()}", f"{Fmt():spec}", f"{Fmt()!s:>30}"[-10:], format(Fmt(), "z")


@case()
def t_fstring_format_error():
    return f"{'abc':d}"


@case()
def t_fstring_format_error_int():
    return f"{3:s}"


@case()
def t_fstring_multiline_and_concat():
    a = 1
    return (f"a={a} "
            "plain "
            f"b={a + 1}")


@case()
def t_fstring_datetime_spec():
    import datetime

    d = datetime.date(2020, 1, 31)
    return f"{d:%Y/%m/%d}", f"{d!r}"


# ---------------------------------------------------------------- old formatting
@case()
def t_percent_formatting():
    return ["%s and %r" % ("s", "s"), "%d|%5d|%-5d|%05d" % (3, 3, 3, 3), "%.2f" % 2.345, "%x %o %e" % (255, 8, 12345.678),
            "%(a)s-%(b)d" % {"a": "x", "b": 2}, "%%", "%c" % 65, "%s" % (Pretty(1),), "%10.3s|" % "abcdef"]


@case()
def t_percent_format_errors():
    return "%d" % "x"


@case()
def t_percent_not_enough_args():
    return "%s %s" % ("a",)


@case()
def t_str_format_method():
    return ["{} {}".format(1, 2), "{1}{0}".format("a", "b"), "{x}-{y}".format(x=1, y=2), "{0[1]}".format([5, 6]),
            "{p.v}".format(p=Pretty(9)), "{:>6.2f}".format(3.14159), "{!r}".format("q"), "{:{w}}|".format(1, w=4),
            "{0}{0}".format("r")]


@case()
def t_str_format_errors():
    return "{2}".format(1)


@case()
def t_str_format_map():
    class D(dict):
        def __missing__(self, k):
            return "<" + k + ">"

    return "{a} {b}".format_map(D(a=1))


# ---------------------------------------------------------------- str methods
@case()
def t_str_methods():
    s = "  Hello, World  "
    return [s.strip(), s.lstrip(), s.rstrip(), s.lower(), s.upper(), s.title(), s.swapcase(), s.split(","),
            s.strip().split(), "a,b,,c".split(","), "a b c".split(maxsplit=1), "a-b-c".rsplit("-", 1),
            "x".join(["1", "2", "3"]), s.replace("l", "L", 2), s.find("o"), s.rfind("o"), s.find("zz"),
            s.count("l"), s.startswith("  H"), s.endswith(("d", "  ")), "abc".center(9, "*"),
            "42".zfill(5), "ab".ljust(4, ".") + "|", "ab".rjust(4) + "|", "Hello".partition("l"),
            "Hello".rpartition("l"), "l1\nl2\r\nl3".splitlines(), "AbC".casefold(), "tab\there".expandtabs(4)]


@case()
def t_str_predicates():
    return [t.isdigit() for t in ("12", "1a", "")] + [t.isalpha() for t in ("ab", "a1")] + [
        "Title Case".istitle(), "   ".isspace(), "abc".islower(), "ABC".isupper(), "a_1".isidentifier(),
        "12".isnumeric(), "1.5".isdecimal(), "ab1".isalnum(), "x".isprintable()]


@case()
def t_str_index_error():
    return "abc".index("z")


@case()
def t_str_translate_maketrans():
    t = str.maketrans("abc", "xyz", "d")
    return "abcd-abcd".translate(t), "hello".translate({ord("l"): None}), "a".encode(), "€".encode("utf-8")


@case()
def t_str_operations():
    s = "abc"
    return [s * 3, s + "d", "b" in s, s[::-1], s < "abd", min(s), max(s), sorted("cba"), len("é€"),
            ord("€"), chr(8364), "ab" * 0, -1 * "x", str(12), str(1.5), str(None), str([1, "a"]),
            repr("it's"), repr('say "hi"'), ascii("é"), "%s" % [1]]


@case()
def t_str_immutable():
    s = "abc"
    s[0] = "x"


@case()
def t_str_join_non_str():
    return ",".join([1, 2])


@case()
def t_str_multiplication_bad():
    return "a" * 1.5


@case()
def t_str_iteration_and_unicode():
    s = "naïve ☃"
    return [c for c in s], [ord(c) for c in s][:3], s.encode("utf-8"), s.encode("ascii", "replace"), s.upper()


@case()
def t_str_encode_error():
    return "ü".encode("ascii")


@case()
def t_string_building_loop():
    parts = []
    for i in range(5):
        parts.append(str(i) * i)
    out = ""
    for p in parts:
        out += p + ";"
    return out, "".join(reversed(parts))


@case()
def t_str_removeprefix_suffix():
    return "prefix-body".removeprefix("prefix-"), "body.txt".removesuffix(".txt"), "x".removeprefix("y")


# ---------------------------------------------------------------- bytes
@case()
def t_bytes_operations():
    b = b"hello world"
    return [b.upper(), b.split(), b[0], b[-1:], b + b"!", b * 2, b"lo" in b, b.find(b"o"), b.replace(b"l", b"L"),
            b.decode(), bytes(3), bytes([65, 66]), bytes("é", "utf-8"), b.hex(), bytes.fromhex("4142"),
            list(b"ab"), b"%d-%s" % (5, b"x"), b.startswith(b"he"), b"a,b".split(b","), b.title()]


@case()
def t_bytearray_mutation():
    ba = bytearray(b"abc")
    ba.append(100)
    ba[0] = 65
    ba.extend(b"xy")
    del ba[1]
    ba += b"!"
    return ba, bytes(ba), len(ba), ba.pop(), ba


@case()
def t_bytes_str_mix_error():
    return b"a" + "b"


@case()
def t_bytes_index_value_error():
    ba = bytearray(b"a")
    ba[0] = 300


@case()
def t_memoryview_basics():
    m = memoryview(b"abcdef")
    return m[1], bytes(m[1:3]), m.tobytes(), len(m), m.readonly


# ---------------------------------------------------------------- sets
@case()
def t_set_operations():
    a, b = {1, 2, 3, 4}, {3, 4, 5}
    return [a | b, a & b, a - b, a ^ b, a <= b, {3} < a, a.isdisjoint({9}), a.union([7], (8,)),
            a.intersection(b, {4}), a.difference({1}), sorted(a.symmetric_difference(b)), frozenset(a) == a,
            {1, 2} == frozenset([2, 1]), len(a), 3 in a]


@case()
def t_set_mutations():
    s = set()
    s.add(3)
    s.add(1)
    s.update([5, 1], {7})
    s.discard(99)
    s.remove(5)
    x = sorted(s)
    s.intersection_update({1, 3, 9})
    s.difference_update({3})
    c = s.copy()
    s.clear()
    return x, c, s


@case()
def t_set_remove_missing():
    s = {1}
    s.remove(2)


@case()
def t_set_pop_empty():
    return set().pop()


@case()
def t_frozenset_hashable_and_nested():
    fs = frozenset([1, 2])
    d = {fs: "value"}
    return d[frozenset([2, 1])], {frozenset(), fs} == {fs, frozenset()}, sorted(fs | {3})


@case()
def t_set_of_strings_sorted():
    words = "the quick brown the lazy quick".split()
    return sorted(set(words)), len(set(words)), sorted({w[0] for w in words})


# ---------------------------------------------------------------- dicts
@case()
def t_dict_operations():
    d = {"a": 1, "b": 2}
    r = [d.get("a"), d.get("z"), d.get("z", 0), list(d.keys()), list(d.values()), list(d.items()),
         "a" in d, "z" not in d, len(d), d.setdefault("c", 3), d.setdefault("a", 99), d.pop("b"),
         d.pop("zz", "dflt"), d, dict(d, e=5), {**d, "a": 0}, d | {"q": 1}, dict.fromkeys("xy", 0)]
    d.update({"z": 26}, y=25)
    r.append(d)
    r.append(d.popitem())
    r.append(sorted(d))
    return r


@case()
def t_dict_order_after_delete_and_reinsert():
    d = {}
    for k in "abcde":
        d[k] = ord(k)
    del d["b"]
    d["b"] = 0
    d["a"] = -1
    return list(d.items())


@case()
def t_dict_views_are_live():
    d = {1: "a"}
    keys, items = d.keys(), d.items()
    d[2] = "b"
    return list(keys), list(items), keys & {2, 3}, (1, "a") in items


@case()
def t_dict_pop_missing():
    return {}.pop("k")


@case()
def t_dict_popitem_empty():
    return {}.popitem()


@case()
def t_dict_equality_and_nested():
    a = {"x": [1, {"y": 2}]}
    b = {"x": [1, {"y": 2}]}
    return a == b, a is b, a["x"][1]["y"], {1: 1} == {1.0: 1}, {True: "t", 1: "one"}


@case()
def t_dict_from_various():
    return [dict([("a", 1), ("b", 2)]), dict(zip("ab", range(2))), dict(a=1), dict({"x": 1}, y=2),
            dict(enumerate("xy"))]


@case()
def t_dict_bad_sequence():
    return dict([(1, 2, 3)])


@case()
def t_dict_counter_and_defaultdict():
    import collections

    c = collections.Counter("abracadabra")
    dd = collections.defaultdict(list)
    for w in ["apple", "avocado", "banana"]:
        dd[w[0]].append(w)
    od = collections.OrderedDict(b=1, a=2)
    od.move_to_end("b")
    return c.most_common(2), dict(dd), list(od), c["zz"]


# ---------------------------------------------------------------- lists & tuples
@case()
def t_list_methods():
    lst = [3, 1, 2]
    lst.append(5)
    lst.insert(0, 9)
    lst.extend((7, 8))
    popped = lst.pop()
    popped0 = lst.pop(0)
    lst.remove(5)
    c = lst.copy()
    lst.sort()
    s1 = list(lst)
    lst.reverse()
    return lst, s1, c, popped, popped0, lst.index(2), lst.count(1), lst * 2, [0] * 3, len(lst)


@case()
def t_list_sort_stability_and_reverse():
    data = [("b", 2), ("a", 2), ("c", 1), ("d", 1)]
    s = sorted(data, key=lambda t: t[1])
    r = sorted(data, key=lambda t: t[1], reverse=True)
    return s, r


@case()
def t_list_aliasing():
    a = [[0] * 2] * 2
    a[0][0] = 1
    b = [[0] * 2 for _ in range(2)]
    b[0][0] = 1
    return a, b


@case()
def t_tuple_operations():
    t = (1, 2, 3, 2)
    return t + (4,), t * 2, t.count(2), t.index(3), t[1:3], 2 in t, tuple("ab"), (1,) < (1, 2), hash((1, 2)) == hash((1, 2))


@case()
def t_list_sort_mixed_types_error():
    return sorted([1, "a", 2])


@case()
def t_nested_data_structures_mutation():
    grid = [[0] * 3 for _ in range(3)]
    for i in range(3):
        grid[i][i] = 1
        grid[i][2 - i] += 2
    return grid, sum(map(sum, grid))


@case(["x", "y"], {"k": [1]})
def t_mutate_args_deeply(lst, d):
    lst.append("z")
    d["k"].append(2)
    d["new"] = lst
    return None


@case.parametrize()
def test_conformance(fn, args, kwargs):
    assert_same(fn, *args, **kwargs)
