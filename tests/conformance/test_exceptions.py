"""try/except/else/finally, raise/from, chaining, except*, assert, C-level errors.

PYTEST_DONT_REWRITE: the interpreted bytecode must be plain compiler output.
"""
import sys

from tests.conformance._registry import Registry
from tests.support import assert_same

case = Registry()


class AppError(Exception):
    pass


class SubAppError(AppError):
    pass


class WithInit(Exception):
    def __init__(self, a, b):
        super().__init__(a, b)
        self.total = a + b


def _raiser(exc):
    raise exc


def _chain_info(e):
    return (type(e).__name__, e.args,
            type(e.__cause__).__name__ if e.__cause__ is not None else None,
            type(e.__context__).__name__ if e.__context__ is not None else None,
            e.__suppress_context__)


# ---------------------------------------------------------------- try statement
@case()
def x_try_except_else_finally_no_error():
    log = []
    try:
        log.append("try")
    except ValueError:
        log.append("except")
    else:
        log.append("else")
    finally:
        log.append("finally")
    return log


@case()
def x_try_except_else_finally_error():
    log = []
    try:
        log.append("try")
        raise ValueError("v")
    except ValueError as e:
        log.append(("except", e.args))
    else:
        log.append("else")
    finally:
        log.append("finally")
    return log


@case()
def x_except_order_and_subclass():
    out = []
    for exc in (SubAppError("s"), AppError("a"), KeyError("k"), IndexError("i")):
        try:
            raise exc
        except SubAppError:
            out.append("sub")
        except AppError:
            out.append("app")
        except (KeyError, IndexError) as e:
            out.append(("tuple", type(e).__name__))
    return out


@case()
def x_except_catches_base():
    try:
        {}["missing"]
    except LookupError as e:
        return type(e).__name__, e.args


@case()
def x_bare_except():
    try:
        1 / 0
    except:  # noqa: E722
        return "caught", sys.exc_info()[0].__name__


@case()
def x_uncaught_propagates():
    try:
        raise AppError("out")
    except KeyError:
        return "wrong"


@case()
def x_exception_var_deleted():
    try:
        raise AppError()
    except AppError as e:
        pass
    try:
        return e  # noqa: F821
    except NameError as ne:
        return type(ne).__name__


@case()
def x_exception_var_rebinds_existing():
    e = "before"
    try:
        raise AppError()
    except AppError as e:  # noqa: F841
        pass
    return "e" in locals()


@case()
def x_exception_in_else():
    try:
        try:
            pass
        except ValueError:
            return "not here"
        else:
            raise AppError("from else")
    except AppError as e:
        return e.args


@case()
def x_exception_in_except_context():
    try:
        try:
            raise KeyError("first")
        except KeyError:
            raise ValueError("second")
    except ValueError as e:
        return _chain_info(e), e.__context__.args


@case()
def x_exception_in_finally_replaces():
    try:
        try:
            raise KeyError("lost")
        finally:
            raise ValueError("wins")
    except Exception as e:
        return _chain_info(e)


@case()
def x_nested_try_reraise_outer():
    log = []
    try:
        try:
            raise AppError("inner")
        except KeyError:
            log.append("wrong")
        finally:
            log.append("inner finally")
    except AppError as e:
        log.append(("outer", e.args))
    return log


# ---------------------------------------------------------------- return/break/continue with finally
@case()
def x_return_in_finally_overrides_return():
    try:
        return "try"
    finally:
        return "finally"  # noqa: B012


@case()
def x_return_in_finally_swallows_exception():
    try:
        raise AppError("swallowed")
    finally:
        return "finally"  # noqa: B012


@case()
def x_finally_runs_on_return():
    log = []

    def h():
        try:
            log.append("try")
            return "ret"
        finally:
            log.append("finally")

    return h(), log


@case()
def x_return_value_evaluated_before_finally():
    x = [1]

    def h():
        try:
            return list(x)
        finally:
            x.append(2)

    return h(), x


@case()
def x_finally_runs_on_break():
    log = []
    for i in range(5):
        try:
            if i == 2:
                break
            log.append(i)
        finally:
            log.append("f%d" % i)
    return log


@case()
def x_finally_runs_on_continue():
    log = []
    for i in range(3):
        try:
            if i == 1:
                continue
            log.append(i)
        finally:
            log.append("f%d" % i)
    return log


@case()
def x_break_in_finally_swallows():
    for i in range(3):
        try:
            raise AppError(i)
        finally:
            break  # noqa: B012
    return i


@case()
def x_continue_in_finally():
    out = []
    for i in range(3):
        try:
            if i == 1:
                raise AppError()
            out.append(i)
        finally:
            continue  # noqa: B012
    return out


@case()
def x_return_in_except():
    try:
        raise AppError()
    except AppError:
        return "from except"
    finally:
        pass


@case()
def x_break_inside_except():
    out = []
    for i in range(5):
        try:
            if i == 3:
                raise AppError()
            out.append(i)
        except AppError:
            break
    return out, i


@case()
def x_nested_finally_order():
    log = []

    def h():
        try:
            try:
                return "inner"
            finally:
                log.append("f1")
        finally:
            log.append("f2")

    return h(), log


@case()
def x_while_loop_finally_return():
    n = 0
    while True:
        try:
            n += 1
            if n == 3:
                return n
        finally:
            if n == 3:
                n = -1


@case()
def x_generator_finally_on_break_in_loop():
    log = []

    def gen():
        try:
            yield 1
            yield 2
        finally:
            log.append("gen finally")

    for v in gen():
        break
    return log


# ---------------------------------------------------------------- raise forms and chaining
@case()
def x_raise_class():
    raise AppError


@case()
def x_raise_instance_with_args():
    raise AppError("a", 1, None)


@case()
def x_raise_non_exception():
    raise 5


@case()
def x_raise_non_exception_class():
    raise int


@case()
def x_raise_from():
    try:
        raise KeyError("cause")
    except KeyError as k:
        raise AppError("effect") from k


@case()
def x_raise_from_details():
    try:
        try:
            raise KeyError("cause")
        except KeyError as k:
            raise AppError("effect") from k
    except AppError as e:
        return _chain_info(e), e.__cause__ is e.__context__


@case()
def x_raise_from_none():
    try:
        raise KeyError("hidden")
    except KeyError:
        raise AppError("clean") from None


@case()
def x_raise_from_none_details():
    try:
        try:
            raise KeyError("hidden")
        except KeyError:
            raise AppError("clean") from None
    except AppError as e:
        return _chain_info(e)


@case()
def x_raise_from_class():
    try:
        raise AppError("x") from ValueError
    except AppError as e:
        return _chain_info(e)


@case()
def x_raise_from_outside_except():
    raise AppError("e") from KeyError("k")


@case()
def x_raise_from_bad_cause():
    raise AppError("e") from 5


@case()
def x_implicit_context():
    try:
        raise KeyError("one")
    except KeyError:
        raise AppError("two")


@case()
def x_context_chain_three_levels():
    try:
        try:
            try:
                raise KeyError(1)
            except KeyError:
                raise ValueError(2)
        except ValueError:
            raise AppError(3)
    except AppError as e:
        chain = []
        cur = e
        while cur is not None:
            chain.append((type(cur).__name__, cur.args))
            cur = cur.__context__
        return chain


@case()
def x_bare_raise():
    try:
        raise AppError("again")
    except AppError:
        raise


@case()
def x_bare_raise_after_handling_other():
    try:
        raise AppError("outer")
    except AppError:
        try:
            raise KeyError("inner")
        except KeyError:
            pass
        raise


@case()
def x_bare_raise_no_active():
    raise


@case()
def x_reraise_caught_instance():
    try:
        raise AppError("orig")
    except AppError as e:
        err = e
    raise err


@case()
def x_raise_in_function_called_from_except():
    def helper():
        raise ValueError("helper")

    try:
        raise KeyError("k")
    except KeyError:
        helper()


@case()
def x_exc_info_inside_and_after():
    try:
        raise AppError("info")
    except AppError:
        inside = sys.exc_info()[0].__name__
    after = sys.exc_info()
    return inside, after


@case()
def x_exception_attributes():
    try:
        raise WithInit(2, 3)
    except WithInit as e:
        return e.total, e.args, str(e), repr(e)


@case()
def x_exception_str_variants():
    return [str(AppError()), str(AppError("one")), str(AppError("a", "b")), repr(KeyError("k")),
            str(KeyError("k")), repr(AppError(1, 2))]


@case()
def x_exception_with_traceback_identity():
    try:
        raise AppError("tb")
    except AppError as e:
        return e.__traceback__ is not None, e.with_traceback(None) is e


@case()
def x_exception_notes():
    try:
        e = AppError("noted")
        if hasattr(e, "add_note"):
            e.add_note("extra info")
        raise e
    except AppError as caught:
        return getattr(caught, "__notes__", None)


@case()
def x_context_cycle_not_created():
    try:
        try:
            raise KeyError(1)
        except KeyError as k:
            raise k
    except KeyError as e:
        return e.__context__ is None


@case()
def x_raise_caught_from_callee_with_finally():
    log = []

    def callee():
        try:
            raise AppError("deep")
        finally:
            log.append("callee finally")

    try:
        callee()
    except AppError as e:
        log.append(e.args)
    return log


@case()
def x_exception_through_multiple_frames():
    def a():
        return b()

    def b():
        return c()

    def c():
        return {}["nope"]

    return a()


@case()
def x_exception_from_callback_through_builtin():
    def key(v):
        if v == 3:
            raise AppError("in key")
        return v

    return sorted([1, 2, 3], key=key)


# ---------------------------------------------------------------- except*
@case()
def x_except_star_split():
    log = []
    try:
        raise ExceptionGroup("eg", [ValueError(1), TypeError(2), ValueError(3)])
    except* ValueError as g:
        log.append(("V", [e.args for e in g.exceptions]))
    except* TypeError as g:
        log.append(("T", [e.args for e in g.exceptions]))
    return log


@case()
def x_except_star_unhandled_remainder():
    try:
        raise ExceptionGroup("eg", [ValueError(1), KeyError(2)])
    except* ValueError:
        pass


@case()
def x_except_star_remainder_details():
    try:
        try:
            raise ExceptionGroup("eg", [ValueError(1), KeyError(2)])
        except* ValueError:
            pass
    except ExceptionGroup as rest:
        return rest.message, [type(e).__name__ for e in rest.exceptions]


@case()
def x_except_star_naked_exception():
    r = None
    try:
        raise ValueError("naked")
    except* ValueError as g:
        r = type(g).__name__, [e.args for e in g.exceptions]
    return r


@case()
def x_except_star_nested_groups():
    log = []
    try:
        raise ExceptionGroup("outer", [ValueError(1), ExceptionGroup("inner", [ValueError(2), KeyError(3)])])
    except* ValueError as g:
        log.append(repr(g))
    except* KeyError as g:
        log.append(repr(g))
    return log


@case()
def x_except_star_raise_in_handler():
    try:
        raise ExceptionGroup("eg", [ValueError(1)])
    except* ValueError:
        raise AppError("from handler")


@case()
def x_exception_group_api():
    eg = ExceptionGroup("msg", [ValueError(1), KeyError(2), ValueError(3)])
    match, rest = eg.split(ValueError)
    sub = eg.subgroup(lambda e: isinstance(e, KeyError))
    return (str(eg), len(match.exceptions), len(rest.exceptions), repr(sub),
            isinstance(eg, Exception))


@case()
def x_base_exception_group_with_base():
    try:
        raise BaseExceptionGroup("b", [KeyboardInterrupt()])
    except BaseExceptionGroup as g:
        return type(g).__name__, repr(g.exceptions)


# ---------------------------------------------------------------- assert
@case()
def x_assert_pass():
    assert 1 + 1 == 2
    assert [1], "never"
    return "ok"


@case()
def x_assert_fail_no_message():
    assert 1 == 2


@case()
def x_assert_fail_message():
    x = 3
    assert x < 0, "x was %d" % x


@case()
def x_assert_message_lazy():
    log = []

    def msg():
        log.append("evaluated")
        return "m"

    assert True, msg()
    return log


@case()
def x_assert_non_string_message():
    assert False, ("tuple", 1)


# ---------------------------------------------------------------- errors raised by C code
@case()
def x_zero_division_int():
    return 1 / 0


@case()
def x_zero_division_floordiv():
    return 1 // 0


@case()
def x_zero_division_mod():
    return 5 % 0


@case()
def x_zero_division_float():
    return 1.0 / 0


@case()
def x_zero_division_divmod():
    return divmod(1, 0)


@case()
def x_key_error():
    return {"a": 1}["b"]


@case()
def x_key_error_tuple_key():
    return {}[(1, 2)]


@case()
def x_index_error_list():
    return [1, 2][5]


@case()
def x_index_error_tuple():
    return (1,)[3]


@case()
def x_index_error_str():
    return "ab"[9]


@case()
def x_index_error_assignment():
    lst = [1]
    lst[4] = 0


@case()
def x_index_error_pop_empty():
    return [].pop()


@case()
def x_type_error_add():
    return 1 + "a"


@case()
def x_type_error_concat():
    return "a" + 1


@case()
def x_type_error_list_concat():
    return [1] + (2,)


@case()
def x_type_error_unhashable():
    return {[1]: 2}


@case()
def x_type_error_indices():
    lst = [1, 2]
    return lst["a"]


@case()
def x_type_error_not_subscriptable():
    n = 5
    return n[0]


@case()
def x_type_error_tuple_assignment():
    t = (1, 2)
    t[0] = 5


@case()
def x_type_error_int_of_list():
    return int([1])


@case()
def x_value_error_int_parse():
    return int("12x")


@case()
def x_value_error_list_index():
    return [1, 2].index(5)


@case()
def x_value_error_list_remove():
    lst = [1]
    lst.remove(9)


@case()
def x_attribute_error_builtin():
    return (1).nope


@case()
def x_attribute_error_none():
    x = None
    return x.attr


@case()
def x_attribute_error_module():
    import math

    return math.nonexistent


@case()
def x_overflow_error():
    return 10.0 ** 400


@case()
def x_math_domain_error():
    import math

    return math.sqrt(-1)


@case()
def x_stop_iteration_from_next():
    return next(iter([]))


@case()
def x_unicode_error():
    return b"\xff".decode("utf-8")


@case()
def x_recursion_in_repr_of_list():
    a = []
    a.append(a)
    return repr(a)


@case()
def x_caught_c_errors_collected():
    out = []
    for f in (lambda: 1 / 0, lambda: [][0], lambda: {}[1], lambda: int("z"), lambda: None + 1):
        try:
            f()
        except Exception as e:
            out.append((type(e).__name__, str(e)))
    return out


@case()
def x_keyboard_interrupt_like_base_exception():
    try:
        raise SystemExit(3)
    except BaseException as e:
        return type(e).__name__, e.code


@case()
def x_system_exit_propagates():
    raise SystemExit("bye")


@case()
def x_exception_in_del_item_dict():
    d = {}
    del d["x"]


@case()
def x_raise_in_lambda_via_helper():
    f = lambda: _raiser(AppError("lambda"))  # noqa: E731
    return f()


@case.parametrize()
def test_conformance(fn, args, kwargs):
    assert_same(fn, *args, **kwargs)
