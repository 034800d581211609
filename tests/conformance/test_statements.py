"""with, del, imports inside functions, unpacking, slicing, augmented assignment.

PYTEST_DONT_REWRITE: the interpreted bytecode must be plain compiler output.
"""
import contextlib

from tests.conformance._registry import Registry
from tests.support import assert_same

case = Registry()


class CM:
    def __init__(self, name, log, suppress=False, enter_fails=False):
        self.name, self.log, self.suppress, self.enter_fails = name, log, suppress, enter_fails

    def __enter__(self):
        self.log.append("enter " + self.name)
        if self.enter_fails:
            raise RuntimeError("enter failed " + self.name)
        return self.name

    def __exit__(self, et, ev, tb):
        self.log.append(("exit", self.name, et.__name__ if et else None, str(ev) if ev else None))
        return self.suppress


class Box:
    def __init__(self):
        self.v = 1
        self.lst = [1, 2, 3]


# ---------------------------------------------------------------- with
@case()
def s_with_basic():
    log = []
    with CM("a", log) as name:
        log.append("body " + name)
    return log


@case()
def s_with_without_as():
    log = []
    with CM("a", log):
        log.append("body")
    return log


@case()
def s_with_nested():
    log = []
    with CM("outer", log):
        with CM("inner", log) as i:
            log.append(i)
    return log


@case()
def s_with_multiple_items():
    log = []
    with CM("a", log) as a, CM("b", log) as b:
        log.append(a + b)
    return log


@case()
def s_with_parenthesized_items():
    log = []
    with (
        CM("a", log) as a,
        CM("b", log) as b,
    ):
        log.append(a + b)
    return log


@case()
def s_with_exception_not_suppressed():
    log = []
    try:
        with CM("a", log):
            raise KeyError("k")
    except KeyError as e:
        log.append(("caught", e.args))
    return log


@case()
def s_with_exception_suppressed():
    log = []
    with CM("a", log, suppress=True):
        raise KeyError("k")
    log.append("after")
    return log


@case()
def s_with_inner_suppresses_outer_sees_nothing():
    log = []
    with CM("outer", log):
        with CM("inner", log, suppress=True):
            raise ValueError("v")
        log.append("between")
    return log


@case()
def s_with_return_inside():
    log = []

    def h():
        with CM("a", log):
            return "ret"

    return h(), log


@case()
def s_with_break_continue_inside():
    log = []
    for i in range(3):
        with CM(str(i), log):
            if i == 0:
                continue
            if i == 1:
                break
    return log


@case()
def s_with_enter_fails():
    log = []
    try:
        with CM("a", log), CM("b", log, enter_fails=True):
            log.append("body")
    except RuntimeError as e:
        log.append(str(e))
    return log


@case()
def s_with_exit_raises():
    class Bad:
        def __enter__(self):
            return self

        def __exit__(self, *a):
            raise ValueError("from exit")

    try:
        with Bad():
            raise KeyError("body")
    except ValueError as e:
        return e.args, type(e.__context__).__name__


@case()
def s_with_generator_contextmanager():
    log = []

    @contextlib.contextmanager
    def managed(n):
        log.append("setup %d" % n)
        try:
            yield n * 10
        finally:
            log.append("teardown %d" % n)

    with managed(1) as a, managed(2) as b:
        log.append(a + b)
    return log


@case()
def s_with_contextmanager_exception_handling():
    log = []

    @contextlib.contextmanager
    def catching():
        try:
            yield
        except ValueError as e:
            log.append(("handled", e.args))

    with catching():
        raise ValueError("x")
    return log


@case()
def s_with_suppress_and_exitstack():
    log = []
    with contextlib.suppress(KeyError):
        {}["k"]
    with contextlib.ExitStack() as st:
        for i in range(3):
            st.callback(log.append, i)
    return log


@case()
def s_with_not_a_context_manager():
    with 5:
        pass


@case()
def s_with_target_unpacking():
    class T:
        def __enter__(self):
            return (1, [2, 3])

        def __exit__(self, *a):
            return False

    with T() as (a, (b, c)):
        return a, b, c


# ---------------------------------------------------------------- del
@case()
def s_del_local():
    x = 1
    del x
    try:
        x  # noqa: B018
    except UnboundLocalError:
        return "deleted"


@case()
def s_del_list_items_and_slices():
    lst = list(range(10))
    del lst[0]
    del lst[-1]
    del lst[2:4]
    del lst[::2]
    return lst


@case()
def s_del_dict_item():
    d = {"a": 1, "b": 2}
    del d["a"]
    return d


@case()
def s_del_attribute():
    b = Box()
    del b.v
    return hasattr(b, "v"), vars(b)


@case()
def s_del_multiple_targets():
    a, b, lst = 1, 2, [1, 2, 3]
    del a, lst[0]
    return b, lst, "a" in locals()


@case()
def s_del_nested_subscript():
    d = {"k": [1, 2, {"z": 0}]}
    del d["k"][2]["z"]
    del d["k"][0]
    return d


@case()
def s_del_missing_attribute():
    b = Box()
    del b.nope


@case()
def s_del_index_error():
    lst = [1]
    del lst[5]


# ---------------------------------------------------------------- imports inside functions
@case()
def s_import_module():
    import math

    return math.floor(2.7), math.pi > 3


@case()
def s_import_from():
    from math import gcd, sqrt

    return gcd(12, 18), sqrt(16)


@case()
def s_import_dotted_as():
    import os.path as osp

    return osp.join("a", "b"), osp.basename("/x/y.txt")


@case()
def s_import_dotted_binds_top():
    import os.path

    return os.path.splitext("f.py"), type(os).__name__


@case()
def s_import_from_package_submodule():
    from collections import abc

    return issubclass(list, abc.Sequence), abc.__name__


@case()
def s_import_from_as():
    from json import dumps as to_json, loads

    return to_json({"a": [1, 2]}), loads("[1]")


@case()
def s_import_missing_module():
    import definitely_not_a_real_module_xyz  # noqa: F401


@case()
def s_import_missing_name():
    from math import definitely_not_there  # noqa: F401


@case()
def s_import_relative_style_via_importlib():
    import importlib

    m = importlib.import_module("tests.support")
    return m.__name__, hasattr(m, "assert_same")


@case()
def s_import_in_loop_cached():
    mods = []
    for _ in range(3):
        import string

        mods.append(string)
    return all(m is mods[0] for m in mods), string.ascii_lowercase[:5]


@case()
def s_import_from_self_module():
    from tests.conformance.test_statements import CM as cm_cls

    return cm_cls.__name__


# ---------------------------------------------------------------- unpacking
@case()
def s_unpack_basic():
    a, b = 1, 2
    (c, d), e = [3, 4], 5
    [f, g] = "fg"
    return a, b, c, d, e, f, g


@case()
def s_unpack_star():
    a, *b = [1, 2, 3]
    *c, d = (4, 5, 6)
    e, *f, g = range(5)
    h, *i = [7]
    return a, b, c, d, e, f, g, h, i


@case()
def s_unpack_nested_star():
    a, (b, *c), *d = 1, (2, 3, 4), 5, 6
    return a, b, c, d


@case()
def s_unpack_from_dict_and_set_and_string():
    k1, k2 = {"x": 1, "y": 2}
    (s,) = {42}
    x, y, z = "xyz"
    return k1, k2, s, x + y + z


@case()
def s_unpack_not_enough():
    a, b, c = [1, 2]
    return a, b, c


@case()
def s_unpack_too_many():
    a, b = [1, 2, 3]
    return a, b


@case()
def s_unpack_star_not_enough():
    a, b, *c = [1]
    return a, b, c


@case()
def s_unpack_non_iterable():
    a, b = 5
    return a, b


@case()
def s_unpack_mapping_subscript_only():
    # re.Match has a mapping __getitem__ (m[0]) and no sequence slot: not
    # iterable, and CPython's unpacking error says "cannot unpack"
    import re
    a, b = re.match("a", "a")
    return a, b


@case()
def s_unpack_sequence_without_len():
    class Seq:
        def __getitem__(self, i):
            if i < 2:
                return i * 10
            raise IndexError(i)

    class NoSeq:
        __iter__ = None

    a, b = Seq()
    try:
        c, d = NoSeq()
    except TypeError as e:
        return a, b, str(e)


@case()
def s_unpack_none():
    a, b = None
    return a, b


@case()
def s_unpack_nested_error():
    a, (b, c) = 1, (2,)
    return a, b, c


@case()
def s_star_in_literals():
    a = [1, 2]
    b = {"k": 1}
    return [*a, *a], (*a, 3), {*a, 5}, {**b, "z": 2, **{"k": 9}}, [*"ab", *range(2)]


@case()
def s_star_dict_literal_non_mapping():
    return {**[1, 2]}


@case()
def s_star_literal_non_iterable():
    return [*5]


@case()
def s_unpack_into_attributes_and_items():
    b = Box()
    d = {}
    b.v, d["k"], b.lst[0] = "attr", "item", "sub"
    return b.v, d, b.lst


# ---------------------------------------------------------------- slicing
@case()
def s_slicing_read():
    s = list(range(10))
    t = "abcdefgh"
    return [s[2:5], s[:3], s[7:], s[::3], s[::-1], s[-3:], s[-3:-1], s[5:2], s[1:8:2],
            s[8:1:-2], t[::-1], t[1:-1], t[100:], s[-100:2], (1, 2, 3)[1:]]


@case()
def s_slice_objects():
    s = list(range(10))
    sl = slice(1, 8, 3)
    return s[sl], sl.indices(5), slice(None, 3).stop, repr(slice(1, None))


@case()
def s_slice_assignment():
    s = list(range(6))
    s[1:3] = ["a", "b", "c"]
    s[:1] = []
    s[-1:] = "xy"
    return s


@case()
def s_extended_slice_assignment():
    s = list(range(6))
    s[::2] = ["A", "B", "C"]
    return s


@case()
def s_extended_slice_assignment_wrong_size():
    s = list(range(6))
    s[::2] = [1, 2]


@case()
def s_slice_on_tuple_assignment_error():
    t = (1, 2, 3)
    t[0:1] = [9]


@case()
def s_slice_step_zero():
    return [1, 2][::0]


@case()
def s_slice_with_variables_and_none():
    s = "hello world"
    a, b = None, 5
    return s[a:b], s[b:a], s[a:a]


@case()
def s_bytes_and_bytearray_slices():
    b = b"abcdef"
    ba = bytearray(b)
    ba[0:2] = b"XY"
    return b[1:3], b[0], ba, bytes(ba[::2])


# ---------------------------------------------------------------- augmented assignment on targets
@case()
def s_aug_subscript():
    d = {"a": 1}
    d["a"] += 5
    lst = [1, [2]]
    lst[0] *= 10
    lst[1] += [3]
    return d, lst


@case()
def s_aug_attribute():
    b = Box()
    b.v += 10
    b.lst += [4]
    b.lst[0] -= 100
    return b.v, b.lst


@case()
def s_aug_subscript_evaluates_once():
    log = []
    data = {"k": 1}

    def key():
        log.append("key")
        return "k"

    def target():
        log.append("target")
        return data

    target()[key()] += 1
    return data, log


@case()
def s_aug_missing_key():
    d = {}
    d["missing"] += 1


@case()
def s_aug_tuple_item_in_list_mutates_then_fails():
    t = ([1],)
    try:
        t[0] += [2]
    except TypeError as e:
        return t, str(e)


@case()
def s_aug_slice():
    lst = [1, 2, 3, 4]
    lst[1:3] += ["x"]
    return lst


@case()
def s_aug_global_and_attribute_of_class():
    class C:
        count = 0

    C.count += 1
    C.count += 1
    return C.count


@case()
def s_aug_string_and_tuple_rebinds():
    s = "ab"
    alias = s
    s += "c"
    t = (1,)
    alias_t = t
    t += (2,)
    return s, alias, t, alias_t


@case()
def s_aug_list_extends_in_place():
    a = [1]
    alias = a
    a += (2, 3)
    a += "xy"
    return a, alias is a


@case()
def s_aug_list_plus_tuple_fails_binary():
    a = [1]
    return a + (2,)


@case()
def s_aug_set_and_dict_ops():
    s = {1, 2}
    s |= {3}
    s &= {1, 3, 4}
    s -= {1}
    s ^= {5}
    d = {"a": 1}
    d |= {"b": 2}
    return sorted(s), d


@case.parametrize()
def test_conformance(fn, args, kwargs):
    assert_same(fn, *args, **kwargs)
