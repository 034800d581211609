"""Flatten/unflatten nested containers of values (a small pytree library).

Containers: tuple, list, dict (key order kept), namedtuple, dataclass
instances.  Everything else is a leaf.
"""
import dataclasses


def _is_namedtuple(x):
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def flatten(x):
    """-> (leaves, treedef)"""
    leaves = []
    treedef = _flatten(x, leaves)
    return leaves, treedef


def _flatten(x, leaves):
    tx = type(x)
    if tx is tuple or tx is list:
        return (tx, None, [_flatten(v, leaves) for v in x])
    if tx is dict:
        keys = list(x)
        return (dict, keys, [_flatten(x[k], leaves) for k in keys])
    if _is_namedtuple(x):
        return ("namedtuple", tx, [_flatten(v, leaves) for v in x])
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        fields = [f.name for f in dataclasses.fields(x)]
        return ("dataclass", (tx, fields, x), [_flatten(getattr(x, n), leaves) for n in fields])
    leaves.append(x)
    return None


def unflatten(treedef, leaves):
    it = iter(leaves)
    out = _unflatten(treedef, it)
    return out


def _unflatten(t, it):
    if t is None:
        return next(it)
    kind, aux, children = t
    vals = [_unflatten(c, it) for c in children]
    if kind is tuple:
        return tuple(vals)
    if kind is list:
        return vals
    if kind is dict:
        return dict(zip(aux, vals))
    if kind == "namedtuple":
        return aux(*vals)
    if kind == "dataclass":
        tx, fields, original = aux
        return dataclasses.replace(original, **dict(zip(fields, vals))) if _init_fields(tx, fields) \
            else _rebuild(original, fields, vals)
    raise AssertionError(kind)


def _init_fields(tx, fields):
    init = {f.name for f in dataclasses.fields(tx) if f.init}
    return init == set(fields)


def _rebuild(original, fields, vals):
    import copy
    new = copy.copy(original)
    for n, v in zip(fields, vals):
        object.__setattr__(new, n, v)
    return new


def paths(treedef, prefix=""):
    """Human-readable paths of the leaves, e.g. '[1]["w"]'."""
    out = []
    _paths(treedef, prefix, out)
    return out


def _paths(t, prefix, out):
    if t is None:
        out.append(prefix)
        return
    kind, aux, children = t
    if kind is dict:
        names = [f"[{k!r}]" for k in aux]
    elif kind == "dataclass":
        names = [f".{n}" for n in aux[1]]
    else:
        names = [f"[{i}]" for i in range(len(children))]
    for n, c in zip(names, children):
        _paths(c, prefix + n, out)
