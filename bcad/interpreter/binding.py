"""Argument binding for interpreted functions: CPython's initialize_locals,
with the same TypeError messages."""
from ..decode import NULL

CO_VARARGS = 0x04
CO_VARKEYWORDS = 0x08


def _names_list(names):
    quoted = [f"'{n}'" for n in names]
    if len(quoted) == 1:
        return quoted[0]
    if len(quoted) == 2:
        return f"{quoted[0]} and {quoted[1]}"
    return ", ".join(quoted[:-1]) + f", and {quoted[-1]}"


def _missing(qualname, names, kind):
    n = len(names)
    return TypeError(f"{qualname}() missing {n} required {kind} argument{'s' if n != 1 else ''}: "
                     f"{_names_list(names)}")


def _find(varnames, key, lo, hi):
    for j in range(lo, hi):
        if varnames[j] is key:
            return j
    for j in range(lo, hi):
        if varnames[j] == key:
            return j
    return -1


def bind(func, co, nlocalsplus, args, kwargs):
    """Return the fast-locals list for calling `func` with `args`, `kwargs`."""
    argcount = co.co_argcount
    flags = co.co_flags
    nargs = len(args)
    if not kwargs and nargs == argcount and not flags & (CO_VARARGS | CO_VARKEYWORDS) \
            and not co.co_kwonlyargcount:
        fast = list(args)
        fast.extend([NULL] * (nlocalsplus - nargs))
        return fast
    fast = [NULL] * nlocalsplus
    kwonly = co.co_kwonlyargcount
    total = argcount + kwonly
    qualname = func.__qualname__
    varnames = co.co_varnames
    kwdict = None
    if flags & CO_VARKEYWORDS:
        kwdict = {}
        fast[total + (1 if flags & CO_VARARGS else 0)] = kwdict
    n = min(nargs, argcount)
    fast[:n] = args[:n]
    if flags & CO_VARARGS:
        fast[total] = tuple(args[n:])
    posonly = co.co_posonlyargcount
    if kwargs:
        for key, value in kwargs.items():
            if not isinstance(key, str):
                raise TypeError(f"{qualname}() keywords must be strings")
            j = _find(varnames, key, posonly, total)
            if j < 0:
                if kwdict is None:
                    posonly_kw = [k for k in kwargs if k in varnames[:posonly]]
                    if posonly_kw:
                        raise TypeError(
                            f"{qualname}() got some positional-only arguments passed as keyword "
                            f"arguments: '{', '.join(posonly_kw)}'")
                    raise TypeError(
                        f"{qualname}() got an unexpected keyword argument '{key}'")
                kwdict[key] = value
                continue
            if fast[j] is not NULL:
                raise TypeError(f"{qualname}() got multiple values for argument '{key}'")
            fast[j] = value
    if nargs > argcount and not flags & CO_VARARGS:
        defaults = func.__defaults__ or ()
        kwonly_given = sum(1 for i in range(argcount, total) if fast[i] is not NULL)
        if defaults:
            sig = f"from {argcount - len(defaults)} to {argcount}"
            plural = True
        else:
            sig = str(argcount)
            plural = argcount != 1
        kw_sig = ""
        if kwonly_given:
            kw_sig = (f" positional argument{'s' if nargs != 1 else ''} (and {kwonly_given} "
                      f"keyword-only argument{'s' if kwonly_given != 1 else ''})")
        was = "was" if nargs == 1 and not kwonly_given else "were"
        raise TypeError(f"{qualname}() takes {sig} positional argument{'s' if plural else ''} "
                        f"but {nargs}{kw_sig} {was} given")
    if nargs < argcount:
        defaults = func.__defaults__ or ()
        m = argcount - len(defaults)
        missing = [varnames[i] for i in range(nargs, m) if fast[i] is NULL]
        if missing:
            raise _missing(qualname, missing, "positional")
        for i in range(max(nargs, m), argcount):
            if fast[i] is NULL:
                fast[i] = defaults[i - m]
    if kwonly:
        kwdefaults = func.__kwdefaults__
        missing = []
        for i in range(argcount, total):
            if fast[i] is NULL:
                name = varnames[i]
                if kwdefaults is not None and name in kwdefaults:
                    fast[i] = kwdefaults[name]
                else:
                    missing.append(name)
        if missing:
            raise _missing(qualname, missing, "keyword-only")
    return fast
