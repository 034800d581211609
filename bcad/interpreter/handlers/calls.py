"""Calls, function creation and attribute access."""
import types

from ...decode import NULL
from .. import objects
from ..calls import call_ex, call_function, call
from ...decode.decoder import CODES
from ..frame import Frame, unwind, run_pushed, FIRST_PC, handlers_of, ad_handlers_of, raise_pc
from ..state import STATE
from ..objects import type_name
from ..versions import PY313, push_callable
from . import op, AD_OPS
from .. import calls as calls_module     # (PY_RULES is rebound by the differentiation mode)
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


# ------------------------------------------------------------ positional calls
#
# A CALL without keyword arguments is the hottest instruction of call-heavy
# code, and its handler is generated from source (`call_source`, assembled
# by `blocks.make_factory`, once per shape) rather than written out per
# variant: the same call body serves the plain CALL handler, which takes
# the callable and the argument list from the stack, and line blocks
# (`blocks.py`), which compute them from locals, constants, globals and
# attributes (`fib(n - 1)`, `p.step(dt)`, `f(x)`) without touching the
# value stack, and may go on after the call.
#
# The body: a Python function called with exactly its positional parameters
# runs without the general binder.  The frame is built slot by slot (`Frame`
# has no `__init__`) and made current; a *leaf* callee (no calls, no
# exception handlers: `Code.leaf`) runs to its return right here, any other
# runs nested too (`_INLINE`) while there is inline room, and
# otherwise the handler returns 0 and the run loop switches to it
# (`frame.run`).  The callee's decoded code is cached per call site, keyed by
# the code object (which the cache keeps alive).  While differentiating
# (`ad`), functions with a rule of their own (statistics.mean, ...) go
# through call_ex, and the callee runs the differentiation-mode handlers.

# The part of the body shared by both forms: from `fn` and `args` to the
# callee's frame, made current.  `{c}` distinguishes the per-site caches of
# several calls in one block.
_CALL_COMMON = """
tf = type(fn)
if tf is MethodType:
    func = fn.__func__
    if type(func) is FunctionType:
        args.insert(0, fn.__self__)
        fn = func
        tf = FunctionType
if tf is FunctionType{not_rule}:
    co = fn.__code__
    if co is cache_co{c}:
        code = cache_code{c}
    else:
        code = codes.get(id(co), NOCODE)
        if code is not NOCODE:
            cache_co{c}, cache_code{c} = co, code
    if code.simple_argc == len(args) or with_defaults(fn, code, args):
{depth_check}
        if code.null_tail:
            args += code.null_tail
        callee = Frame()
        callee.code = code
        callee.fast = args
        callee.stack = []
        callee.globals = fn.__globals__
        callee.builtins = fn.__builtins__
        callee.func = fn
        callee.back = f
        hs = code.{handlers}
        if hs is None:
            hs = build(code)
        callee.hs = hs
        callee.pc = pc = code.start_pc
        st.frame = callee
        st.depth += 1
        if code.leaf:
            try:
                while pc:
                    pc = hs[pc](callee)
            except BaseException as e:
                callee.pc = pc = raise_pc(hs, pc, callee, e)
                try:
                    unwind(callee, pc, e)   # (no handler: records the entry and raises)
                finally:
                    st.frame = f
                    st.depth -= 1
            st.frame = f
            st.depth -= 1
"""

# The last instruction of a handler: push the result, continue at `nxt`;
# a non-leaf callee without inline room left is switched to by the run loop.
_CALL_END = _CALL_COMMON + """
            f.stack.append(callee.retval)
            return nxt
        if st.depth <= st.inline_limit:
{inline_r}
            f.stack.append(r)
            return nxt
        f.resume = nxt
        return 0            # the run loop switches to the callee
    f.stack.append(call_function(fn, args, None))
    return nxt
f.stack.append(call_ex(fn, args, {{}}))
return nxt
"""

# Inside a block: the result goes to `{res}` and the block goes on (the
# block checked at entry that there is inline room).  The frame and the
# argument list are dropped as the call ends, as CPython frees them.
_CALL_MID = _CALL_COMMON + """
            {res} = callee.retval
        else:
{inline_res}
        callee = None
    else:
        {res} = call_function(fn, args, None)
else:
    {res} = call_ex(fn, args, {{}})
fn = args = None
"""


# A non-leaf callee run nested in the handler (up to the depth
# STATE.inline_limit, INLINE_ROOM levels above where interpretation started,
# about one native frame each): unwinding its own exceptions, and running a
# frame it pushed (no inline room left below it) with frame.run_pushed.
_INLINE = """
try:
    while True:
        try:
            while pc:
                pc = hs[pc](callee)
            break
        except BaseException as e:
            callee.pc = pc = raise_pc(hs, pc, callee, e)
            pc = unwind(callee, pc, e)      # (no handler: records the entry and raises)
    {res} = callee.retval if st.frame is callee else run_pushed(callee)
finally:
    st.frame = f
    st.depth -= 1
    if FIRST_PC:
        FIRST_PC.pop(id(callee), None)
"""


# (A call inside a block needs no check of its own: the block checked at
# entry that its depth is below STATE.call_limit, the lower of the recursion
# limit and the inline limit, and each call it makes starts at that depth.)
_DEPTH_CHECK = """        if st.depth >= st.user_limit:
            raise RecursionError("maximum recursion depth exceeded")"""


def _indented(src, k, **fmt):
    pad = " " * k
    return "\n".join(pad + line for line in src.format(**fmt).strip("\n").split("\n"))


def call_source(ad, c="", res=None):
    """Source of a positional call of `fn` with the new list `args`, from
    frame `f`: the last instruction of a handler (`res` None; uses `nxt`),
    or an expression step of a block that stores the result in `res`."""
    fmt = dict(c=c, res=res, depth_check="" if res is not None else _DEPTH_CHECK,
               not_rule=" and fn not in calls_module.PY_RULES" if ad else "",
               handlers="ad_handlers" if ad else "handlers",
               inline_r=_indented(_INLINE, 12, res="r"),
               inline_res=_indented(_INLINE, 12, res=res))
    return (_CALL_END if res is None else _CALL_MID).format(**fmt)


# From the stack: [NULL, fn, args...] or [fn, self, args...] (3.11/3.12),
# [fn, NULL, args...] or [fn, self, args...] (3.13).
_FROM_STACK = """
f.pc = me
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
"""


def _positional_call_factory(ins, ad=False):
    """CALL without keyword arguments, callable and arguments on the stack."""
    from .blocks import make_factory
    src = _FROM_STACK + call_source(ad)
    return make_factory(src, ("nxt", "me", "n"), ("",), ad)(ins.next, ins.index, ins.arg)


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


def _ex_arguments(fn, args, kwargs):
    """CALL_FUNCTION_EX's `*args` as a tuple and `**kwargs` as a dict, with
    CPython's TypeErrors."""
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
    return args, kwargs


# `f(*args, **kwargs)`: without keywords, a call of the positional ones
# (`fun(t, y, *args)` of scipy's wrappers runs inline like any other).
_EX_CALL = """
s = f.stack
kwargs = s.pop() if has_kw else None
args = s.pop()
b = s.pop()
a = s.pop()
fn = b if a is NULL else a
f.pc = me
if type(args) is not tuple or kwargs is not None:
    args, kwargs = ex_arguments(fn, args, kwargs)
    if kwargs:
        s.append(call_ex(fn, args, kwargs))
        return nxt
args = list(args)
"""


def _ex_call_factory(ins, ad=False):
    from .blocks import make_factory
    return make_factory(_EX_CALL + call_source(ad), ("nxt", "me", "has_kw"), ("",), ad)(
        ins.next, ins.index, bool(ins.arg & 1))


@op("CALL_FUNCTION_EX")
def CALL_FUNCTION_EX(ins):
    return _ex_call_factory(ins)


AD_OPS["CALL_FUNCTION_EX"] = lambda ins: _ex_call_factory(ins, ad=True)


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
    native = objects.native_name(name)

    def h(f):
        s = f.stack
        o = s[-1]
        if ATTR_FAST[type(o)] or native[type(o)]:
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
    native = objects.native_name(name)

    def h(f):
        s = f.stack
        o = s.pop()
        if ATTR_FAST[type(o)] or native[type(o)]:
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
    native = objects.native_name(name)

    def h(f):
        s = f.stack
        o = s.pop()
        if ATTR_FAST[type(o)] or native[type(o)]:
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


def with_defaults(fn, code, args):
    """Complete the list `args` of positional arguments, fewer than the
    plain function `fn` (decoded as `code`) takes, with its defaults as
    CPython binds them.  False when `fn` is not plain, is given as many
    arguments or more, or its defaults do not reach (the full binder then
    binds, or raises its TypeError)."""
    d = fn.__defaults__
    k = code.simple_argc - len(args)
    if d is None or k > len(d) or k <= 0:
        return False
    args += d[len(d) - k:]
    return True


class _NoCode:
    """Stands for the decoded code of a function not decoded yet."""
    simple_argc = -2


# Names the call source uses (blocks.make_factory adds them to its own).
CALL_NAMESPACE = dict(NOCODE=_NoCode,
    NULL=NULL, MethodType=MethodType, FunctionType=FunctionType, codes=CODES, st=STATE,
    Frame=Frame, calls_module=calls_module, unwind=unwind, call_function=call_function,
    call_ex=call_ex, run_pushed=run_pushed, FIRST_PC=FIRST_PC,
    raise_pc=raise_pc, with_defaults=with_defaults, ex_arguments=_ex_arguments)
