"""Calls, function creation and attribute access."""
import types

from ...decode import NULL
from .. import objects
from ..calls import call_ex, call_function, call
from ...decode.decoder import CODES
from ..frame import Frame, push_call, run_leaf, handlers_of, ad_handlers_of
from ..objects import type_name
from ..versions import PY313, push_callable
from . import op, AD_OPS
from .containers import _funcstr, _mapping_items, _has_keys

FunctionType = types.FunctionType
MethodType = types.MethodType


def _split_kw(args, kwnames):
    nk = len(kwnames)
    kwargs = dict(zip(kwnames, args[len(args) - nk:]))
    del args[len(args) - nk:]
    return kwargs


def _keyword_call_factory(ins, kw_on_stack):
    """CALL with keyword arguments: names from the KW_NAMES just before
    (3.11/3.12) or from the stack (3.13 CALL_KW); always through call_ex."""
    nxt, n, me = ins.next, ins.arg, ins.index
    prev = ins.code.instrs[me - 1] if me > 1 else None
    const_kwnames = prev.arg if prev is not None and prev.name == "KW_NAMES" else None

    def h(f):
        s = f.stack
        kwnames = s.pop() if kw_on_stack else const_kwnames
        base = len(s) - n - 2
        a = s[base]
        b = s[base + 1]
        if a is NULL:
            fn = b
            args = s[base + 2:]
        elif b is NULL:
            fn = a
            args = s[base + 2:]
        else:
            fn = a
            args = s[base + 1:]
        del s[base:]
        f.pc = me
        s.append(call_ex(fn, args, _split_kw(args, kwnames) if kwnames else {}))
        return nxt
    return h


def _positional_call_factory(ins, ad=False):
    """CALL without keyword arguments (the common case): a Python function
    called with exactly its positional parameters runs without the general
    binder, in the same run loop (frame.push_call).  While differentiating
    (`ad`), functions with a rule of their own (statistics.mean, ...) go
    through call_ex."""
    nxt, n, me = ins.next, ins.arg, ins.index
    codes = CODES
    from .. import calls as calls_module

    def h(f):
        s = f.stack
        base = len(s) - n - 2
        a = s[base]
        if a is NULL:
            fn = s[base + 1]
            args = s[base + 2:]
        elif s[base + 1] is NULL:
            fn = a
            args = s[base + 2:]
        else:
            fn = a
            args = s[base + 1:]
        del s[base:]
        f.pc = me
        tf = type(fn)
        if tf is MethodType:
            func = fn.__func__
            if type(func) is FunctionType:
                args.insert(0, fn.__self__)
                fn = func
                tf = FunctionType
        if tf is FunctionType and not (ad and fn in calls_module.PY_RULES):
            code = codes.get(id(fn.__code__))
            if code is not None and code.simple_argc == len(args):
                args += code.null_tail
                callee = Frame(code, args, fn.__globals__, fn.__builtins__, fn)
                if code.leaf:
                    hs = code.ad_handlers or ad_handlers_of(code) if ad else \
                        code.handlers or handlers_of(code)
                    s.append(run_leaf(f, callee, hs))
                    return nxt
                return push_call(f, callee, nxt)
            s.append(call_function(fn, args, None))
            return nxt
        s.append(call_ex(fn, args, {}))
        return nxt
    return h


@op("CALL")
def CALL(ins):
    prev = ins.code.instrs[ins.index - 1] if ins.index > 1 else None
    if prev is not None and prev.name == "KW_NAMES":
        return _keyword_call_factory(ins, False)
    return _positional_call_factory(ins)


@op("CALL_KW")
def CALL_KW(ins):
    return _keyword_call_factory(ins, True)


# Differentiation mode: every call goes through call_ex (rules for Python
# functions such as statistics.mean, and the C-call checks).
AD_OPS["CALL"] = lambda ins: (_keyword_call_factory(ins, False)
                              if ins.index > 1 and ins.code.instrs[ins.index - 1].name == "KW_NAMES"
                              else _positional_call_factory(ins, ad=True))


@op("KW_NAMES")
def KW_NAMES(ins):
    nxt = ins.next

    def h(f):   # the following CALL reads the names from its own closure
        return nxt
    return h


@op("CALL_FUNCTION_EX")
def CALL_FUNCTION_EX(ins):
    nxt, me, has_kw = ins.next, ins.index, bool(ins.arg & 1)

    def h(f):
        s = f.stack
        kwargs = s.pop() if has_kw else None
        args = s.pop()
        b = s.pop()
        a = s.pop()
        fn = b if a is NULL else a
        f.pc = me
        if type(args) is not tuple:
            tp = type(args)
            if objects.lookup(tp, "__iter__") in (NULL, None) and objects.lookup(tp, "__getitem__") is NULL:
                raise TypeError(f"{_funcstr(fn)} argument after * must be an iterable, "
                                f"not {type_name(tp)}")
            args = tuple(objects.iterate(args))
        if kwargs is None:
            kwargs = {}
        elif type(kwargs) is dict:
            for key in kwargs:
                if type(key) is not str and not isinstance(key, str):
                    raise TypeError("keywords must be strings")
        else:
            if not _has_keys(kwargs):
                raise TypeError(f"{_funcstr(fn)} argument after ** must be a mapping, "
                                f"not {type_name(type(kwargs))}")
            kwargs = dict(_mapping_items(kwargs))
        s.append(call_ex(fn, args, kwargs))
        return nxt
    return h


# --------------------------------------------------------- function creation

def _set_attribute(fn, flag, value):
    if flag == 8:
        # the closure is fixed at creation (3.13 creates first): rebuild
        new = FunctionType(fn.__code__, fn.__globals__, fn.__name__, fn.__defaults__, value)
        new.__qualname__ = fn.__qualname__
        new.__kwdefaults__ = fn.__kwdefaults__
        if "__annotations__" in fn.__dict__ or fn.__annotations__:
            new.__annotations__ = fn.__annotations__
        return new
    if flag == 4:
        if isinstance(value, tuple):
            value = dict(zip(value[::2], value[1::2]))
        fn.__annotations__ = value
    elif flag == 2:
        fn.__kwdefaults__ = value
    elif flag == 1:
        fn.__defaults__ = value
    return fn


@op("MAKE_FUNCTION")
def MAKE_FUNCTION(ins):
    nxt, flags = ins.next, ins.arg or 0

    def h(f):
        s = f.stack
        code = s.pop()
        closure = s.pop() if flags & 8 else None
        annotations = s.pop() if flags & 4 else None
        kwdefaults = s.pop() if flags & 2 else None
        defaults = s.pop() if flags & 1 else None
        if closure is None and code.co_freevars:
            # 3.13: SET_FUNCTION_ATTRIBUTE supplies the closure next
            closure = tuple(types.CellType() for _ in code.co_freevars)
        fn = FunctionType(code, f.globals, code.co_name, defaults, closure)
        fn.__qualname__ = code.co_qualname
        if kwdefaults is not None:
            fn.__kwdefaults__ = kwdefaults
        if annotations is not None:
            _set_attribute(fn, 4, annotations)
        s.append(fn)
        return nxt
    return h


@op("SET_FUNCTION_ATTRIBUTE")
def SET_FUNCTION_ATTRIBUTE(ins):
    nxt, flag = ins.next, ins.arg

    def h(f):
        s = f.stack
        fn = s.pop()
        s[-1] = _set_attribute(fn, flag, s[-1])
        return nxt
    return h


# ------------------------------------------------------------------ attributes

ATTR_FAST = objects.NATIVE_ATTR


@op("LOAD_ATTR")
def LOAD_ATTR(ins):
    nxt, name, me = ins.next, ins.arg, ins.index
    getattr_ = objects.getattr_

    def h(f):
        s = f.stack
        o = s[-1]
        if ATTR_FAST[type(o)]:
            s[-1] = getattr(o, name)
        else:
            f.pc = me
            s[-1] = objects.super_getattr(o, name) if type(o) is super else getattr_(o, name)
        return nxt
    return h


@op("LOAD_ATTR_METHOD")
def LOAD_ATTR_METHOD(ins):
    nxt, name, me = ins.next, ins.arg, ins.index
    load_method = objects.load_method

    def h(f):
        s = f.stack
        o = s.pop()
        if ATTR_FAST[type(o)]:
            v = getattr(o, name)
            s += (v, NULL) if PY313 else (NULL, v)
            return nxt
        f.pc = me
        if type(o) is super:
            push_callable(s, objects.super_getattr(o, name))
            return nxt
        meth, self = load_method(o, name)
        if meth is NULL:
            push_callable(s, self)
        else:
            s.append(meth)
            s.append(self)
        return nxt
    return h


@op("STORE_ATTR")
def STORE_ATTR(ins):
    nxt, name = ins.next, ins.arg

    def h(f):
        s = f.stack
        o = s.pop()
        if ATTR_FAST[type(o)]:
            setattr(o, name, s.pop())
        else:
            objects.setattr_(o, name, s.pop())
        return nxt
    return h


@op("DELETE_ATTR")
def DELETE_ATTR(ins):
    nxt, name = ins.next, ins.arg

    def h(f):
        objects.delattr_(f.stack.pop(), name)
        return nxt
    return h


@op("LOAD_SUPER_ATTR")
def LOAD_SUPER_ATTR(ins):
    nxt, me = ins.next, ins.index
    method, two_args, name = ins.arg

    def h(f):
        s = f.stack
        self = s.pop()
        cls = s.pop()
        gs = s.pop()
        f.pc = me
        if gs is super:
            sup = super(cls, self)
        elif two_args:
            sup = call(gs, cls, self)
        else:
            sup = call(gs)
        attr = objects.super_getattr(sup, name) if type(sup) is super else objects.getattr_(sup, name)
        if method:
            push_callable(s, attr)
        else:
            s.append(attr)
        return nxt
    return h


@op("LOAD_BUILD_CLASS")
def LOAD_BUILD_CLASS(ins):
    nxt = ins.next

    def h(f):
        b = f.builtins
        try:
            bc = b["__build_class__"]
        except KeyError:
            bc = NULL
        if bc is NULL:
            raise NameError("__build_class__ not found")
        f.stack.append(bc)
        return nxt
    return h
