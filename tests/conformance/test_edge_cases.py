"""Trickier corners: exception state across frames and generators, odd dunders,
super() details, recursion limits.

PYTEST_DONT_REWRITE: the interpreted bytecode must be plain compiler output.
"""
import sys

from tests.conformance._registry import Registry
from tests.support import assert_same

case = Registry()


class EdgeErr(Exception):
    pass


def _reraise_current():
    raise


def _current_exc_name():
    e = sys.exc_info()[1]
    return None if e is None else type(e).__name__


def _infinite(n):
    return _infinite(n + 1)


# ---------------------------------------------------------------- exception state across frames
@case()
def e_bare_raise_in_callee_reraises_callers_exception():
    try:
        raise EdgeErr("handled by caller")
    except EdgeErr:
        _reraise_current()


@case()
def e_exc_info_in_callee_during_except():
    try:
        raise KeyError("k")
    except KeyError:
        inside = _current_exc_name()
    return inside, _current_exc_name()


@case()
def e_exc_info_restored_after_nested_handler():
    out = []
    try:
        raise KeyError("outer")
    except KeyError:
        try:
            raise ValueError("inner")
        except ValueError:
            out.append(_current_exc_name())
        out.append(_current_exc_name())
    out.append(_current_exc_name())
    return out


@case()
def e_generator_raise_gets_callers_context():
    def gen():
        yield 1
        raise ValueError("in gen")

    g = gen()
    next(g)
    try:
        try:
            raise KeyError("caller handling")
        except KeyError:
            next(g)
    except ValueError as e:
        return type(e.__context__).__name__


@case()
def e_generator_exc_info_sees_callers_exception():
    def gen():
        yield _current_exc_name()
        yield _current_exc_name()

    g = gen()
    first = next(g)
    try:
        raise KeyError()
    except KeyError:
        second = next(g)
    return first, second


@case()
def e_generator_own_handler_state_preserved_across_yield():
    def gen():
        try:
            raise EdgeErr("gen's own")
        except EdgeErr:
            yield _current_exc_name()
            yield _current_exc_name()

    g = gen()
    a = next(g)
    outside = _current_exc_name()
    b = next(g)
    return a, outside, b


@case()
def e_exception_in_comprehension_inside_except_has_context():
    try:
        try:
            raise KeyError("first")
        except KeyError:
            [1 / 0 for _ in range(1)]
    except ZeroDivisionError as e:
        return type(e.__context__).__name__


@case()
def e_context_set_by_raise_in_finally_during_return():
    def h():
        try:
            return 1
        finally:
            raise EdgeErr("finally")

    try:
        h()
    except EdgeErr as e:
        return e.__context__


@case()
def e_exception_caught_in_callee_does_not_leak():
    def callee():
        try:
            raise KeyError()
        except KeyError:
            pass
        return _current_exc_name()

    return callee(), _current_exc_name()


@case()
def e_raise_same_instance_twice_context():
    err = EdgeErr("same")
    try:
        try:
            raise err
        except EdgeErr:
            raise err
    except EdgeErr as e:
        return e is err, e.__context__


@case()
def e_del_exception_var_inside_handler():
    try:
        raise EdgeErr()
    except EdgeErr as e:
        del e
    return "ok"


@case()
def e_exit_returns_truthy_non_bool():
    class CM:
        def __enter__(self):
            return self

        def __exit__(self, *a):
            return "yes"

    with CM():
        raise EdgeErr()
    return "suppressed"


@case()
def e_return_inside_with_inside_loop_inside_finally():
    log = []

    def h():
        try:
            for i in range(3):
                with _Log(log, i):
                    if i == 1:
                        return i
        finally:
            log.append("finally")

    return h(), log


class _Log:
    def __init__(self, log, i):
        self.log, self.i = log, i

    def __enter__(self):
        self.log.append(("enter", self.i))

    def __exit__(self, *a):
        self.log.append(("exit", self.i))


# ---------------------------------------------------------------- generators
@case()
def e_throw_stopiteration_into_generator():
    def gen():
        yield 1

    g = gen()
    next(g)
    try:
        g.throw(StopIteration())
    except RuntimeError as e:
        return str(e), type(e.__cause__).__name__


@case()
def e_close_with_yield_in_finally():
    def gen():
        try:
            yield 1
        finally:
            yield 2

    g = gen()
    next(g)
    try:
        g.close()
    except RuntimeError as e:
        return str(e)


@case()
def e_throw_into_generator_inside_with():
    log = []

    def gen():
        with _Log(log, "g"):
            yield 1
            yield 2

    g = gen()
    next(g)
    try:
        g.throw(EdgeErr("thrown"))
    except EdgeErr as e:
        log.append(e.args)
    return log


@case()
def e_yield_from_chain_send_at_depth():
    def leaf():
        total = 0
        while True:
            v = yield total
            if v is None:
                return total
            total += v

    def mid():
        r = yield from leaf()
        return r * 10

    def top():
        r = yield from mid()
        yield ("final", r)

    g = top()
    out = [next(g), g.send(1), g.send(2), g.send(None)]
    return out


@case()
def e_generator_return_in_finally_overrides_on_close():
    def gen():
        try:
            yield 1
        finally:
            return "from finally"  # noqa: B012

    g = gen()
    next(g)
    return g.close(), next(g, "exhausted")


@case()
def e_nonlocal_in_generator():
    count = 0

    def gen():
        nonlocal count
        for i in range(3):
            count += 1
            yield i

    r = list(gen())
    return r, count


@case()
def e_closure_over_star_args():
    def make(*args, **kw):
        return lambda: (args, kw)

    return make(1, 2, a=3)()


@case()
def e_generator_frame_locals_independent_across_instances():
    def gen(tag):
        local = [tag]
        yield local
        local.append("resumed")
        yield local

    a, b = gen("a"), gen("b")
    la, lb = next(a), next(b)
    next(a)
    return la, lb


# ---------------------------------------------------------------- odd dunders
@case()
def e_iter_set_to_none():
    class NotIter:
        __iter__ = None

    return list(NotIter())


@case()
def e_contains_set_to_none():
    class C:
        __contains__ = None

    return 1 in C()


@case()
def e_hash_returning_non_int():
    class H:
        def __hash__(self):
            return "x"

    return hash(H())


@case()
def e_index_returning_non_int():
    class I:  # noqa: E742
        def __index__(self):
            return 1.5

    return [1, 2][I()]


@case()
def e_eq_raising_during_list_membership():
    class Boom:
        def __eq__(self, o):
            raise EdgeErr("eq called")

    return Boom() in [1, 2]


@case()
def e_explicit_dunder_calls():
    class C:
        pass

    obj = object.__new__(C)
    return (int.__add__(1, 2), (1).__add__("x"), list.__len__([1, 2]), str.upper("ab"),
            type(obj).__name__, object.__eq__(obj, obj), object.__ne__(obj, 5))


@case()
def e_type_call_with_metaclass_getitem():
    class Meta(type):
        def __getitem__(cls, item):
            return (cls.__name__, item)

        def __len__(cls):
            return 7

        def __iter__(cls):
            return iter("xyz")

    class C(metaclass=Meta):
        pass

    return C[3], len(C), list(C)


@case()
def e_sort_list_modified_during_sort():
    lst = [3, 1, 2]

    def key(v):
        lst.append(v)
        return v

    lst.sort(key=key)


@case()
def e_bool_subclass_and_int_ops():
    class Flag(int):
        def __bool__(self):
            return False

    f = Flag(5)
    return bool(f), f + 1, "truthy" if f else "falsy", not f


@case()
def e_radd_on_str_subclass():
    class S(str):
        def __radd__(self, o):
            return "S.__radd__(" + o + ")"

    return "a" + S("b"), S("b") + "a"


@case()
def e_inplace_returning_not_implemented_falls_back():
    class A:
        def __iadd__(self, o):
            return NotImplemented

        def __add__(self, o):
            return "A.__add__"

    a = A()
    a += 1
    return a


@case()
def e_setitem_via_slice_on_custom_class():
    class S:
        def __init__(self):
            self.log = []

        def __setitem__(self, k, v):
            self.log.append((k.start, k.stop, k.step, v))

        def __delitem__(self, k):
            self.log.append(("del", k.start, k.stop))

    s = S()
    s[1:2] = "x"
    s[::3] = "y"
    del s[4:]
    return s.log


# ---------------------------------------------------------------- super() details
@case()
def e_super_with_reassigned_self():
    class A:
        def f(self):
            return "A"

    class B(A):
        def f(self):
            self = 5  # noqa: F841
            return super().f()

    return B().f()


@case()
def e_super_in_init_subclass_chain_and_new():
    class A:
        def __new__(cls, *args):
            inst = super().__new__(cls)
            inst.made_by = "A.__new__"
            return inst

    class B(A):
        def __new__(cls, v):
            inst = super().__new__(cls, v)
            inst.v = v
            return inst

    b = B(3)
    return b.made_by, b.v


@case()
def e_super_object_attributes():
    class A:
        pass

    class B(A):
        def get(self):
            s = super()
            return s.__thisclass__.__name__, type(s.__self__).__name__

    return B().get()


@case()
def e_class_cell_survives_class_rename():
    class C:
        def which(self):
            return __class__.__name__

    D = C
    del C
    return D().which()


# ---------------------------------------------------------------- calls
@case()
def e_keyword_args_to_c_functions():
    return int("ff", base=16), sorted([3, 1], reverse=True), "a-b".split(sep="-"), dict.fromkeys("ab", 0)


@case()
def e_c_function_bad_keyword():
    return sorted([1], cmp=None)


@case()
def e_method_call_with_star_args():
    class C:
        def m(self, *a, **k):
            return a, k

        @classmethod
        def cm(cls, **k):
            return cls.__name__, k

    args, kw = (1, 2), {"x": 3}
    return C().m(*args, **kw), C.cm(**kw), C.m(C(), *args)


@case()
def e_print_file_none():
    print("goes to stdout", file=None)


@case()
def e_recursion_error_is_raised_and_catchable():
    try:
        _infinite(0)
    except RecursionError as e:
        return type(e).__name__
    return "no error"


@case()
def e_deep_recursion_then_normal_call():
    def depth(n):
        return 0 if n == 0 else 1 + depth(n - 1)

    return depth(500), depth(3)


@case()
def e_call_with_many_arguments():
    def f(*a, **k):
        return sum(a), sorted(k)

    return f(*range(300), **{"k%d" % i: i for i in range(50)})


@case()
def e_function_defaults_mutated_via_dunder():
    def f(a=1):
        return a

    f.__defaults__ = (99,)
    return f()


@case()
def e_function_code_swapped():
    def f():
        return "f"

    def g():
        return "g"

    f.__code__ = g.__code__
    return f()


# ---------------------------------------------------------------- frames, locals(), dir()
def _callers_name():
    return sys._getframe(1).f_code.co_name


@case()
def e_getframe_names():
    return sys._getframe().f_code.co_name, _callers_name()


@case()
def e_locals_inside_comprehension():
    outer = 1  # noqa: F841
    return [sorted(locals()) for x in range(1)]


@case()
def e_dir_and_vars_without_args():
    a = 1
    b = 2  # noqa: F841
    return dir(), sorted(vars()), a


@case()
def e_locals_snapshot_semantics():
    x = 1
    snap = locals()
    x = 2
    return snap["x"], x


# ---------------------------------------------------------------- super() in nested scopes
@case()
def e_super_in_comprehension_in_method():
    class A:
        def f(self):
            return "A"

    class B(A):
        def f(self):
            try:
                return [super().f() for _ in range(1)]
            except (TypeError, RuntimeError) as e:
                return type(e).__name__, str(e)

    return B().f()


@case()
def e_super_in_lambda_in_method():
    class A:
        def f(self):
            return "A"

    class B(A):
        def f(self):
            g = lambda: super(B, self).f()  # noqa: E731
            return "B" + g()

    return B().f()


# ---------------------------------------------------------------- name mangling
class _Mangled:
    __cls_private = "class private"

    def __init__(self):
        self.__secret = 42

    def __hidden(self):
        return "hidden"

    def reveal(self):
        def inner():
            return self.__secret
        return self.__secret, self.__hidden(), self.__cls_private, inner()


@case()
def e_name_mangling():
    m = _Mangled()
    return m.reveal(), sorted(vars(m)), m._Mangled__secret, hasattr(m, "__secret"), m._Mangled__hidden()


@case()
def e_name_mangling_local_class():
    class K:
        def __init__(self):
            self.__x = 1
            setattr(self, "__y", 2)

        def get(self):
            return self.__x, getattr(self, "__y")

    return K().get(), sorted(vars(K()))


@case()
def e_name_mangling_missing_attribute_message():
    class K:
        def get(self):
            return self.__nothing

    return K().get()


# ---------------------------------------------------------------- assignment and iteration oddities
@case()
def e_chained_assignment_order():
    a = [0, 0, 0]
    i = a[i] = 1  # noqa: F821 - i assigned first, then used as index
    return i, a


@case()
def e_for_over_iterator_raising():
    class Bad:
        def __iter__(self):
            return self

        def __next__(self):
            raise EdgeErr("next failed")

    out = []
    for v in Bad():
        out.append(v)
    return out


@case()
def e_try_else_skipped_on_return():
    log = []

    def h():
        try:
            return "try"
        except EdgeErr:
            pass
        else:
            log.append("else")
        finally:
            log.append("finally")

    return h(), log


@case()
def e_conditional_import_fallback():
    try:
        import definitely_missing_mod_abc as mod
    except ImportError:
        import json as mod
    return mod.__name__, __import__("math").floor(1.5)


@case()
def e_match_args_not_tuple():
    class C:
        __match_args__ = ["a"]

        def __init__(self):
            self.a = 1

    match C():
        case C(x):
            return x


@case()
def e_match_empty_mapping_rest():
    match {}:
        case {**rest}:
            return rest


@case()
def e_generator_running_flag_and_close_in_with():
    log = []

    def gen():
        log.append(g.gi_running)
        with _Log(log, "w"):
            yield 1
            yield 2

    g = gen()
    next(g)
    g.close()
    return log, g.gi_running


@case()
def e_default_lambda_and_kwdefault_closure():
    k = 3

    def f(x, op=lambda v: v * k, *, post=lambda v: v + k):
        return post(op(x))

    return f(2), f(2, op=abs)


@case()
def e_class_qualname_and_module_override():
    class C:
        __qualname__ = "Custom.Qual"
        __module__ = "custom_module"

    return C.__qualname__, C.__module__, C.__name__


@case()
def e_nested_class_cannot_see_outer_class_names():
    class Outer:
        x = 1

        class Inner:
            try:
                y = x  # noqa: F821
            except NameError as e:
                y = str(e)

    return Outer.Inner.y


# ---------------------------------------------------------------- C code calling back into Python
@case()
def e_defaultdict_factory_callback():
    import collections

    made = []

    def factory():
        made.append(len(made))
        return "new%d" % len(made)

    d = collections.defaultdict(factory)
    d["a"]
    d["b"]
    d["a"]
    return dict(d), made


@case()
def e_dict_from_python_mapping_protocol():
    class M:
        def keys(self):
            return ["x", "y"]

        def __getitem__(self, k):
            return k.upper()

    return dict(M()), {**M()}, dict(M(), z=1)


@case()
def e_list_extend_and_join_python_iterables():
    class It:
        def __iter__(self):
            yield "a"
            yield "b"

    lst = [0]
    lst.extend(It())
    return lst, "-".join(It()), tuple(It()), set(It()) == {"a", "b"}


@case()
def e_heapq_and_bisect_with_python_objects():
    import bisect
    import heapq

    class Job:
        def __init__(self, p):
            self.p = p

        def __lt__(self, o):
            return self.p < o.p

    h = []
    for p in (5, 1, 3):
        heapq.heappush(h, Job(p))
    order = [heapq.heappop(h).p for _ in range(3)]
    data = [1, 3, 5]
    bisect.insort(data, 4)
    return order, data, bisect.bisect_left(data, 3)


@case()
def e_re_sub_with_python_callback():
    import re

    def repl(m):
        return str(int(m.group()) * 2)

    return re.sub(r"\d+", repl, "a1 b22 c333"), [m.span() for m in re.finditer("b", "abcb")]


@case()
def e_json_default_and_object_hook():
    import json

    class P:
        def __init__(self, v):
            self.v = v

    s = json.dumps({"p": P(3)}, default=lambda o: {"P": o.v}, sort_keys=True)
    back = json.loads(s, object_hook=lambda d: ("hooked", sorted(d)))
    return s, back


@case()
def e_copy_hooks():
    import copy

    class C:
        def __init__(self, v):
            self.v = v

        def __copy__(self):
            return C(("copied", self.v))

        def __deepcopy__(self, memo):
            return C(("deep", self.v))

    return copy.copy(C(1)).v, copy.deepcopy(C(2)).v, copy.deepcopy([C(3)])[0].v


@case()
def e_length_hint_and_dir_hooks():
    import operator

    class H:
        def __length_hint__(self):
            return 7

        def __dir__(self):
            return ["b", "a"]

    return operator.length_hint(H()), dir(H())


@case()
def e_prepare_custom_namespace_records_order():
    class Recording(dict):
        def __init__(self):
            super().__init__()
            self.order = []

        def __setitem__(self, k, v):
            self.order.append(k)
            super().__setitem__(k, v)

    class Meta(type):
        @classmethod
        def __prepare__(mcls, name, bases, **kw):
            return Recording()

        def __new__(mcls, name, bases, ns, **kw):
            cls = super().__new__(mcls, name, bases, dict(ns))
            cls.order = [k for k in ns.order if not k.startswith("__")]
            return cls

    class C(metaclass=Meta):
        b = 1
        a = 2

        def m(self):
            return __class__.__name__

    return C.order, C().m()


@case()
def e_init_subclass_unexpected_kwarg():
    class Base:
        pass

    class C(Base, flavor="x"):
        pass

    return C


@case()
def e_slots_conflict_with_class_variable():
    class C:
        __slots__ = ("x",)
        x = 1

    return C


@case()
def e_exception_init_without_super():
    class E(Exception):
        def __init__(self, x):
            self.x = x

    try:
        raise E(5)
    except E as e:
        return e.args, e.x, str(e)


@case()
def e_exception_custom_str():
    class E(Exception):
        def __str__(self):
            return "custom message"

    try:
        raise E("ignored arg")
    except E as e:
        return str(e), e.args, repr(e)


@case()
def e_raise_class_needing_args():
    class E(Exception):
        def __init__(self, a, b):
            super().__init__(a, b)

    raise E


@case()
def e_except_ignores_subclasscheck():
    class Meta(type):
        def __subclasscheck__(cls, sub):
            return True

        def __instancecheck__(cls, inst):
            return True

    class Catcher(Exception, metaclass=Meta):
        pass

    try:
        raise KeyError("k")
    except Catcher:
        return "caught by Catcher"
    except KeyError:
        return "caught by KeyError", isinstance(KeyError(), Catcher)


@case()
def e_except_non_exception_class():
    try:
        raise KeyError()
    except (KeyError, 5):
        return "caught"


@case()
def e_except_non_exception_class_not_reached():
    try:
        raise KeyError()
    except int:
        return "never"


@case()
def e_except_computed_expression():
    errs = [KeyError, ValueError]
    try:
        raise ValueError()
    except errs[0]:
        return "key"
    except errs[1]:
        return "value"


@case()
def e_generator_finalized_when_dropped():
    log = []

    def gen():
        try:
            yield 1
        finally:
            log.append("finalized")

    g = gen()
    next(g)
    del g
    return log


@case(known_limit="gi_yieldfrom of an interpreted generator describes bcad's driver (None)")
def e_generator_gi_yieldfrom_and_state():
    import inspect

    def inner():
        yield 1

    def outer():
        yield from inner()

    g = outer()
    states = [inspect.getgeneratorstate(g)]
    next(g)
    states.append(inspect.getgeneratorstate(g))
    yf = g.gi_yieldfrom
    states.append(type(yf).__name__ if yf is not None else None)
    list(g)
    states.append(inspect.getgeneratorstate(g))
    return states


@case()
def e_bool_raising_in_if():
    class B:
        def __bool__(self):
            raise EdgeErr("bool failed")

    if B():
        return "yes"


@case()
def e_len_overflow():
    class L:
        def __len__(self):
            return 2 ** 100

    return len(L())


@case()
def e_iter_without_next():
    class I:
        def __iter__(self):
            return self

    for _ in I():
        pass


@case()
def e_getitem_iteration_stopiteration_terminates():
    class G:
        def __getitem__(self, i):
            if i == 2:
                raise StopIteration
            return i

    return list(G())


@case()
def e_getitem_iteration_keyerror_propagates():
    class G:
        def __getitem__(self, i):
            raise KeyError(i)

    return 5 in G()


@case()
def e_augmented_attribute_protocol_order():
    log = []

    class V:
        def __init__(self, v):
            self.v = v

        def __iadd__(self, o):
            log.append("iadd")
            return V(self.v + o)

    class Holder:
        def __getattribute__(self, n):
            if n == "val":
                log.append("get")
            return object.__getattribute__(self, n)

        def __setattr__(self, n, v):
            log.append("set")
            object.__setattr__(self, n, v)

    h = Holder()
    h.val = V(1)
    log.clear()
    h.val += 5
    return h.val.v, log


@case()
def e_comparison_chain_bool_raises():
    class R:
        def __lt__(self, o):
            return self

        def __bool__(self):
            raise EdgeErr("intermediate bool")

    r = R()
    return r < r < r


@case()
def e_reprlib_recursive_repr():
    import reprlib

    class Node:
        def __init__(self):
            self.kids = [self]

        @reprlib.recursive_repr()
        def __repr__(self):
            return "Node(%r)" % (self.kids,)

    return repr(Node())


@case()
def e_str_format_property_lookup():
    class P:
        @property
        def name(self):
            return "prop-name"

    return "{0.name}/{p.name}".format(P(), p=P())


@case()
def e_attrgetter_on_property_and_nested():
    import operator

    class Inner:
        @property
        def v(self):
            return "inner-v"

    class Outer:
        inner = Inner()

    return operator.attrgetter("inner.v")(Outer())


# ---------------------------------------------------------------- builtins re-implemented by an interpreter
@case()
def e_len_of_int_subclass_and_bool():
    class MyInt(int):
        pass

    class L1:
        def __len__(self):
            return MyInt(3)

    class L2:
        def __len__(self):
            return True

    a, b = len(L1()), len(L2())
    return a, type(a).__name__, b, type(b).__name__


@case()
def e_eval_exec_implicit_namespaces():
    a = 5
    r = eval("a + 1")
    exec("print('exec sees', a)")
    return r, eval("[a * i for i in range(2)]") if False else eval("a * 2")


@case()
def e_vars_without_dict():
    return vars(5)


@case()
def e_print_none_sep_end():
    print("a", "b", sep=None, end=None)
    print("c", sep="", end="")
    print()


@case()
def e_isinstance_nested_tuple_and_union():
    return (isinstance(3, (str, (float, int))), isinstance("s", int | str), issubclass(bool, int | None),
            isinstance(None, type(None)))


@case()
def e_getattr_default_with_non_attribute_error():
    class C:
        def __getattr__(self, n):
            raise KeyError(n)

    return getattr(C(), "x", "default")


@case()
def e_hasattr_attribute_error_subclass():
    class MyAttrErr(AttributeError):
        pass

    class C:
        @property
        def p(self):
            raise MyAttrErr("sub")

    return hasattr(C(), "p")


@case()
def e_next_stopiteration_value_and_default():
    class It:
        def __iter__(self):
            return self

        def __next__(self):
            raise StopIteration("payload")

    try:
        next(It())
    except StopIteration as e:
        v = e.value
    return v, next(It(), "dflt")


@case()
def e_new_returns_subclass_instance_init_of_subclass():
    log = []

    class A:
        def __new__(cls, *a):
            return object.__new__(B) if cls is A else object.__new__(cls)

        def __init__(self, *a):
            log.append(("A.__init__", type(self).__name__, a))

    class B(A):
        def __init__(self, *a):
            log.append(("B.__init__", a))

    obj = A(1)
    return type(obj).__name__, log


@case()
def e_new_returns_unrelated_instance_skips_init():
    log = []

    class Other:
        def __init__(self):
            log.append("Other.__init__")

    class A:
        def __new__(cls):
            return Other.__new__(Other)

        def __init__(self):
            log.append("A.__init__")

    return type(A()).__name__, log


@case()
def e_class_assignment():
    class A:
        def who(self):
            return "A"

    class B:
        def who(self):
            return "B"

    a = A()
    before = a.who()
    a.__class__ = B
    return before, a.who(), type(a).__name__, isinstance(a, B)


@case()
def e_dict_assignment():
    class C:
        pass

    c = C()
    c.__dict__ = {"z": 26}
    return c.z, vars(c)


@case()
def e_typing_namedtuple_and_generic():
    import typing

    T = typing.TypeVar("T")

    class P(typing.NamedTuple):
        x: int
        y: int = 0

        def norm(self):
            return abs(self.x) + abs(self.y)

    class Box(typing.Generic[T]):
        def __init__(self, v):
            self.v = v

    class TD(typing.TypedDict):
        a: int

    p = P(3, -4)
    return (repr(p), p.norm(), p._fields, Box[int](5).v, [b.__name__ for b in Box.__mro__], TD(a=1))


@case()
def e_dataclass_features():
    import dataclasses

    @dataclasses.dataclass(frozen=True, order=True)
    class F:
        a: int
        b: list = dataclasses.field(default_factory=list, compare=False)

        def __post_init__(self):
            object.__setattr__(self, "b", self.b + ["post"])

    f = F(1)
    try:
        f.a = 2
    except dataclasses.FrozenInstanceError as e:
        err = type(e).__name__
    return repr(f), F(1) < F(2), hash(F(1)) == hash(F(1)), err, sorted([F(3), F(1)])[0].a


@case()
def e_enum_features():
    import enum

    class Perm(enum.Flag):
        R = enum.auto()
        W = enum.auto()
        X = enum.auto()

    class Planet(enum.Enum):
        EARTH = (1, 2)

        def __init__(self, mass, radius):
            self.mass, self.radius = mass, radius

        @property
        def ratio(self):
            return self.mass / self.radius

    rw = Perm.R | Perm.W
    return (Perm.R in rw, Perm.X in rw, rw.value, Planet.EARTH.ratio, Planet((1, 2)).name,
            [p.name for p in Perm])


@case()
def e_warnings_message_and_category():
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.warn("careful", UserWarning)
        warnings.warn("old", DeprecationWarning)
    return [(w.category.__name__, str(w.message)) for w in caught]


# ---------------------------------------------------------------- yield from / unpacking protocol details
@case()
def e_yield_from_iterator_stopiteration_value():
    class It:
        def __init__(self):
            self.n = 0

        def __iter__(self):
            return self

        def __next__(self):
            self.n += 1
            if self.n > 2:
                raise StopIteration("result")
            return self.n

    def gen():
        r = yield from It()
        yield r

    return list(gen())


@case()
def e_yield_from_delegates_throw_to_iterator_with_throw_method():
    log = []

    class It:
        def __iter__(self):
            return self

        def __next__(self):
            return "next"

        def throw(self, *exc):
            log.append(("throw called", exc[0].__name__ if isinstance(exc[0], type) else type(exc[0]).__name__))
            return "from throw"

        def close(self):
            log.append("close called")

    def gen():
        yield from It()

    g = gen()
    next(g)
    r = g.throw(EdgeErr("x"))
    g.close()
    return r, log


@case()
def e_yield_from_running_generator():
    def gen():
        yield from g

    g = gen()
    return next(g)


@case()
def e_generator_send_after_exhaustion_and_throw_after_close():
    def gen():
        yield 1

    g = gen()
    list(g)
    out = []
    try:
        g.send(None)
    except StopIteration:
        out.append("stop")
    g.close()
    try:
        g.throw(EdgeErr("after close"))
    except EdgeErr as e:
        out.append(e.args)
    return out


@case()
def e_generator_close_raises_from_finally():
    def gen():
        try:
            yield 1
        finally:
            raise EdgeErr("from finally")

    g = gen()
    next(g)
    g.close()


@case()
def e_star_call_with_sequence_protocol_and_python_mapping():
    class Seq:
        def __getitem__(self, i):
            if i >= 3:
                raise IndexError
            return i * 10

    class M:
        def keys(self):
            return iter(["a", "b"])

        def __getitem__(self, k):
            return k * 2

    def f(*a, **k):
        return a, k

    return f(*Seq(), **M())


@case()
def e_dict_update_with_python_mapping():
    class M:
        def keys(self):
            return ["k"]

        def __getitem__(self, k):
            return "v"

    d = {}
    d.update(M())
    return d


@case()
def e_match_mapping_uses_get_and_sequence_abc():
    import collections.abc

    log = []

    class Map(collections.abc.Mapping):
        def __init__(self, d):
            self.d = d

        def __getitem__(self, k):
            log.append(("getitem", k))
            return self.d[k]

        def __iter__(self):
            return iter(self.d)

        def __len__(self):
            return len(self.d)

    class Seq(collections.abc.Sequence):
        def __getitem__(self, i):
            if i >= 3:
                raise IndexError(i)
            return i

        def __len__(self):
            return 3

    match Map({"a": 1}):
        case {"a": v, **rest}:
            r1 = (v, rest)
    match Seq():
        case [a, *others]:
            r2 = (a, others)
    return r1, r2, sorted(set(log))


@case()
def e_super_in_class_getitem_and_init_subclass():
    class A:
        def __class_getitem__(cls, item):
            return ("A", cls.__name__, item)

        def __init_subclass__(cls, **kw):
            cls.seen = "A.__init_subclass__"

    class B(A):
        def __class_getitem__(cls, item):
            return ("B",) + super().__class_getitem__(item)

    return B[1], B.seen


@case()
def e_partial_of_class_and_keyword_override():
    import functools

    class P:
        def __init__(self, a, b=0):
            self.t = (a, b)

    mk = functools.partial(P, b=5)
    return mk(1).t, mk(1, b=7).t, functools.partial(mk, 2)().t


@case.parametrize()
def test_conformance(fn, args, kwargs):
    assert_same(fn, *args, **kwargs)
