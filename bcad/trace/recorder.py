"""Where equations come from: the interpreted call stack, source sites.

`StackTape` is a `Tape` that also records, for every equation, the
interpreted call stack that recorded it (outermost frame first), so a dump
can nest equations under the calls that made them.  `bcad.trace` records on
one; a plain `Tape` (bcad.grad with BCAD_TRACE_DIR) has no stacks and the
dumps fall back to grouping by the site's function.
"""
import linecache
import os
import sysconfig
import weakref

from ..interpreter.state import STATE
from ..tape.tape import Tape

_BCAD_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def _library_roots():
    roots = set()
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        try:
            p = sysconfig.get_paths()[key]
        except KeyError:
            continue
        roots.add(os.path.realpath(p) + os.sep)
        roots.add(os.path.abspath(p) + os.sep)
    roots.add(os.path.dirname(os.__file__) + os.sep)
    return tuple(sorted(roots))


_LIB_ROOTS = _library_roots()
_LIB_CACHE = {}


def is_library_file(filename):
    """True for the standard library, site-packages and frozen modules."""
    r = _LIB_CACHE.get(filename)
    if r is None:
        r = (filename.startswith(_LIB_ROOTS) or "site-packages" in filename
             or "dist-packages" in filename or filename.startswith("<frozen")
             or filename.startswith(_BCAD_DIR))
        _LIB_CACHE[filename] = r
    return r


def source_line(filename, lineno):
    """The stripped source text of filename:lineno ('' when unavailable)."""
    if not filename or not lineno:
        return ""
    return linecache.getline(filename, lineno).strip()


class Site:
    """A source position: file, line, function (qualname), its def line,
    the stripped source text, and whether the file is library code."""
    __slots__ = ("file", "line", "function", "def_line", "source", "library", "code")

    def __init__(self, code, line):
        self.code = code
        self.file = code.filename
        self.line = line
        self.function = code.qualname
        self.def_line = code.co.co_firstlineno
        self.source = source_line(self.file, line)
        self.library = is_library_file(self.file)

    @property
    def short(self):
        """'file.py:12' (the file's base name: stable across machines)."""
        return f"{os.path.basename(self.file)}:{self.line}"

    def as_dict(self):
        return {"file": self.file, "line": self.line, "function": self.function,
                "source": self.source}


class Sites:
    """Site objects, shared by (code, line)."""

    def __init__(self):
        self._cache = {}

    def get(self, code, line):
        key = (id(code), line)
        s = self._cache.get(key)
        if s is None or s.code is not code:
            s = self._cache[key] = Site(code, line)
        return s

    def of_instr(self, instr):
        if instr is None or instr.code is None:
            return None
        return self.get(instr.code, instr.lineno or instr.code.co.co_firstlineno)


class StackTape(Tape):
    """A Tape that also records the interpreted call stack of each equation:
    `stacks[v]` is a tuple of `(call serial, Code, pc)`, outermost first
    (pc is the instruction running in that frame; None for inputs)."""
    __slots__ = ("stacks", "_serials", "_next", "_memo")
    compact = False   # dumps show every operand, constants and tracked values alike

    def __init__(self):
        super().__init__()
        self.reads = None       # (every element read is an equation of the dump)
        self.fuses = False      # (and every operation)
        self.stacks = []
        self._serials = weakref.WeakKeyDictionary()
        self._next = 0
        self._memo = (None, None, None)

    def _serial(self, f):
        s = self._serials.get(f)
        if s is None:
            s = self._serials[f] = self._next
            self._next += 1
        return s

    def _stack(self):
        f = STATE.frame
        if f is None:
            return ()
        frames = []
        g = f.back
        while g is not None:
            frames.append(g)
            g = g.back
        pcs = [g.pc for g in frames]
        m_frames, m_pcs, m_outer = self._memo
        # While `f` runs, its callers are suspended: reuse their entries
        # when the same frames are at the same instructions.
        if m_frames is not None and len(m_frames) == len(frames) and m_pcs == pcs and \
                all(a is b for a, b in zip(m_frames, frames)):
            outer = m_outer
        else:
            outer = tuple((self._serial(g), g.code, g.pc) for g in reversed(frames))
            self._memo = (frames, pcs, outer)
        return outer + ((self._serial(f), f.code, f.pc),)

    def new_input(self, value, site=None):
        self.stacks.append(None)
        return super().new_input(value, site)

    def record1(self, prim, out, x, site, params=None):
        self.stacks.append(self._stack())
        return super().record1(prim, out, x, site, params)

    def record2_vars(self, prim, out, va, vb, x, y, site):     # (record2's too)
        self.stacks.append(self._stack())
        return super().record2_vars(prim, out, va, vb, x, y, site)

    def record_params(self, prim, out, in_vars, params, site):
        self.stacks.append(self._stack())
        return super().record_params(prim, out, in_vars, params, site)


def interpreted_stack(frame=None):
    """The interpreted call stack, outermost first, as a list of
    (filename, line, qualname, library) for `frame` (default: the innermost
    running interpreted frame)."""
    f = STATE.frame if frame is None else frame
    out = []
    while f is not None:
        code = f.code
        out.append((code.filename, code.line_of(f.pc), code.qualname,
                    is_library_file(code.filename)))
        f = f.back
    out.reverse()
    return out


def format_interpreted_stack(frame=None, limit=20, indent="  "):
    """The interpreted call stack as text, most recent call last: one line
    per frame with file:line, function and source text, library frames
    marked.  '' when nothing is being interpreted.  Meant for the messages
    of NonDifferentiableError / UnsupportedError."""
    frames = interpreted_stack(frame)
    if not frames:
        return ""
    lines = ["interpreted call stack (most recent call last):"]
    if len(frames) > limit:
        lines.append(f"{indent}... {len(frames) - limit} outer frames not shown")
        frames = frames[-limit:]
    for filename, line, name, library in frames:
        tag = " [library]" if library else ""
        lines.append(f"{indent}{filename}:{line} in {name}{tag}")
        src = source_line(filename, line)
        if src:
            lines.append(f"{indent}    {src}")
    return "\n".join(lines)
