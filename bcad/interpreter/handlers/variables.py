"""Loads, stores and deletes of locals, cells, globals, names and constants."""
import types

from ...decode import NULL
from ...decode.decoder import localsplus_names
from .. import objects
from ..versions import PY311, PY313 as NULL_AFTER_CALLABLE, unbound_local_message, \
    unbound_free_message
from . import op

CellType = types.CellType


def _name(ins):
    return localsplus_names(ins.code.co)[ins.arg]


def _unbound_local(name):
    return UnboundLocalError(unbound_local_message(name))


@op("LOAD_CONST")
def LOAD_CONST(ins):
    nxt, c = ins.next, ins.arg

    def h(f):
        f.stack.append(c)
        return nxt
    return h


@op("LOAD_FAST")
def LOAD_FAST(ins):
    nxt, i = ins.next, ins.arg
    if PY311:
        return LOAD_FAST_CHECK(ins)

    def h(f):
        f.stack.append(f.fast[i])
        return nxt
    return h


@op("LOAD_FAST_CHECK")
def LOAD_FAST_CHECK(ins):
    nxt, i = ins.next, ins.arg

    def h(f):
        v = f.fast[i]
        if v is NULL:
            raise _unbound_local(_name(ins))
        f.stack.append(v)
        return nxt
    return h


@op("LOAD_FAST_AND_CLEAR")
def LOAD_FAST_AND_CLEAR(ins):
    nxt, i = ins.next, ins.arg

    def h(f):
        fast = f.fast
        f.stack.append(fast[i])
        fast[i] = NULL
        return nxt
    return h


@op("STORE_FAST", "STORE_FAST_MAYBE_NULL")
def STORE_FAST(ins):
    nxt, i = ins.next, ins.arg

    def h(f):
        f.fast[i] = f.stack.pop()
        return nxt
    return h


@op("DELETE_FAST")
def DELETE_FAST(ins):
    nxt, i = ins.next, ins.arg

    def h(f):
        if f.fast[i] is NULL:
            raise _unbound_local(_name(ins))
        f.fast[i] = NULL
        return nxt
    return h


# ------------------------------------------------------------------ cells

def _past_entry_resume(ins):
    """The index after `ins`, a prologue instruction of a closure, passing
    the function-entry RESUME that follows it (a no-op here: one dispatch
    less per call)."""
    nxt = ins.next
    instrs = ins.code.instrs
    if nxt < len(instrs):
        after = instrs[nxt]
        if after is not None and after.name == "RESUME" and not (after.arg or 0) & 3:
            return after.next
    return nxt


@op("MAKE_CELL")
def MAKE_CELL(ins):
    nxt, i = _past_entry_resume(ins), ins.arg

    def h(f):
        v = f.fast[i]
        f.fast[i] = CellType() if v is NULL else CellType(v)
        return nxt
    return h


@op("COPY_FREE_VARS")
def COPY_FREE_VARS(ins):
    nxt, n = _past_entry_resume(ins), ins.arg

    def h(f):
        f.fast[-n:] = f.func.__closure__
        return nxt
    return h


def _deref_error(ins, i):
    co = ins.code.co
    name = _name(ins) if ins.arg is not None else "?"
    if i >= len(localsplus_names(co)) - len(co.co_freevars):
        return NameError(unbound_free_message(name), name=name)
    return _unbound_local(name)


def _load_cell(ins, cell, i):
    try:
        return cell.cell_contents
    except ValueError:
        pass
    raise _deref_error(ins, i)


@op("LOAD_DEREF")
def LOAD_DEREF(ins):
    nxt, i = ins.next, ins.arg

    def h(f):
        cell = f.fast[i]
        try:
            v = cell.cell_contents
        except ValueError:
            v = NULL
        if v is NULL:
            raise _deref_error(ins, i)
        f.stack.append(v)
        return nxt
    return h


@op("STORE_DEREF")
def STORE_DEREF(ins):
    nxt, i = ins.next, ins.arg

    def h(f):
        f.fast[i].cell_contents = f.stack.pop()
        return nxt
    return h


@op("DELETE_DEREF")
def DELETE_DEREF(ins):
    nxt, i = ins.next, ins.arg

    def h(f):
        cell = f.fast[i]
        try:
            cell.cell_contents
            empty = False
        except ValueError:
            empty = True
        if empty:
            raise _deref_error(ins, i)
        del cell.cell_contents
        return nxt
    return h


def _lookup_mapping(mapping, name):
    """mapping[name] or NULL (class namespaces may be any mapping)."""
    if type(mapping) is dict:
        return mapping.get(name, NULL)
    try:
        return objects.getitem(mapping, name)
    except KeyError:
        return NULL


@op("LOAD_CLASSDEREF")
def LOAD_CLASSDEREF(ins):
    nxt, i = ins.next, ins.arg

    def h(f):
        v = _lookup_mapping(_locals(f), _name(ins))
        if v is NULL:
            v = _load_cell(ins, f.fast[i], i)
        f.stack.append(v)
        return nxt
    return h


@op("LOAD_FROM_DICT_OR_DEREF")
def LOAD_FROM_DICT_OR_DEREF(ins):
    nxt, i = ins.next, ins.arg

    def h(f):
        v = _lookup_mapping(f.stack.pop(), _name(ins))
        if v is NULL:
            v = _load_cell(ins, f.fast[i], i)
        f.stack.append(v)
        return nxt
    return h


# ------------------------------------------------------- globals and names

def _locals(f):
    """The namespace of a class body or of module code (None in a function)."""
    return getattr(f, "locals", None)


def _name_error(name):
    return NameError(f"name '{name}' is not defined", name=name)


def _global(f, name):
    v = f.globals.get(name, NULL)
    if v is NULL:
        b = f.builtins
        v = b.get(name, NULL) if type(b) is dict else _lookup_mapping(b, name)
        if v is NULL:
            raise _name_error(name)
    return v


@op("LOAD_GLOBAL")
def LOAD_GLOBAL(ins):
    nxt, name = ins.next, ins.arg

    def h(f):
        v = f.globals.get(name, NULL)
        if v is NULL:
            v = _global(f, name)
        f.stack.append(v)
        return nxt
    return h


@op("LOAD_GLOBAL_NULL")
def LOAD_GLOBAL_NULL(ins):
    nxt, name = ins.next, ins.arg
    if NULL_AFTER_CALLABLE:
        def h(f):
            v = f.globals.get(name, NULL)
            if v is NULL:
                v = _global(f, name)
            f.stack += (v, NULL)
            return nxt
    else:
        def h(f):
            v = f.globals.get(name, NULL)
            if v is NULL:
                v = _global(f, name)
            f.stack += (NULL, v)
            return nxt
    return h


@op("STORE_GLOBAL")
def STORE_GLOBAL(ins):
    nxt, name = ins.next, ins.arg

    def h(f):
        f.globals[name] = f.stack.pop()
        return nxt
    return h


@op("DELETE_GLOBAL")
def DELETE_GLOBAL(ins):
    nxt, name = ins.next, ins.arg

    def h(f):
        if name not in f.globals:
            raise _name_error(name)
        del f.globals[name]
        return nxt
    return h


@op("LOAD_NAME")
def LOAD_NAME(ins):
    nxt, name = ins.next, ins.arg

    def h(f):
        loc = _locals(f)
        if loc is None:
            raise SystemError(f"no locals when loading '{name}'")
        v = _lookup_mapping(loc, name)
        if v is NULL:
            v = _global(f, name)
        f.stack.append(v)
        return nxt
    return h


@op("LOAD_FROM_DICT_OR_GLOBALS")
def LOAD_FROM_DICT_OR_GLOBALS(ins):
    nxt, name = ins.next, ins.arg

    def h(f):
        v = _lookup_mapping(f.stack.pop(), name)
        if v is NULL:
            v = _global(f, name)
        f.stack.append(v)
        return nxt
    return h


@op("LOAD_LOCALS")
def LOAD_LOCALS(ins):
    nxt = ins.next

    def h(f):
        if _locals(f) is None:
            raise SystemError("no locals found")
        f.stack.append(_locals(f))
        return nxt
    return h


@op("STORE_NAME")
def STORE_NAME(ins):
    nxt, name = ins.next, ins.arg

    def h(f):
        v = f.stack.pop()
        loc = _locals(f)
        if loc is None:
            raise SystemError(f"no locals found when storing '{name}'")
        if type(loc) is dict:
            loc[name] = v
        else:
            objects.setitem(loc, name, v)
        return nxt
    return h


@op("DELETE_NAME")
def DELETE_NAME(ins):
    nxt, name = ins.next, ins.arg

    def h(f):
        loc = _locals(f)
        if loc is None:
            raise SystemError(f"no locals when deleting '{name}'")
        try:
            objects.delitem(loc, name)
            missing = False
        except KeyError:
            missing = True
        if missing:
            raise _name_error(name)
        return nxt
    return h


@op("SETUP_ANNOTATIONS")
def SETUP_ANNOTATIONS(ins):
    nxt = ins.next

    def h(f):
        loc = _locals(f)
        if loc is None:
            raise SystemError("no locals found when setting up annotations")
        if _lookup_mapping(loc, "__annotations__") is NULL:
            objects.setitem(loc, "__annotations__", {})
        return nxt
    return h
