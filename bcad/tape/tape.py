"""A flat, index-based tape of primitive applications.

Values stay the real objects (a float stays a float).  The tape maps
`id(value) -> variable` for every value it tracks and keeps those values
alive, so an id is never reused while the tape exists.  Variable `v` is
produced by equation `v`: inputs are equations too (primitive `INPUT`).

Equations are stored column-wise in parallel lists (primitive, first input,
second input, parameters, site) because a Python object per equation would
cost several times the memory and time (design-notes section 6).

- `a[v]`, `b[v]`: input variables of a unary/binary primitive (-1: constant);
  for a primitive with any number of inputs, `a[v]` is a tuple of the input
  variables of the flattened argument leaves and `b[v]` is -2.
- `params[v]`: the primal arguments (a tuple), or the original (args, kwargs)
  of a general primitive, kwargs None when there are none (read it as
  `prm[1] or NO_KEYWORDS`: a tuple holding a dict, even an empty one, is
  never untracked by the cyclic garbage collector).  On a compact tape,
  None when every argument is a tracked value (they are `vals[a[v]]`, `vals[b[v]]`): that saves a tuple
  per operation (see `operands`).
- `site[v]`: the decoded instruction (code object + line) that recorded it.

Which tape records now is the transform context's business
(transforms/context.py, `CTX.tape`).
"""
import sys

try:
    import numpy
except ImportError:     # pragma: no cover - numpy is a dependency
    numpy = None

_ndarray = numpy.ndarray if numpy is not None else None
_NoneType = type(None)


def _tracked_types():
    types_ = {float, complex}
    if numpy is not None:
        types_ |= {numpy.float64, numpy.complex128}   # subclasses of float and complex
    return frozenset(types_)


# Types of the scalar values bcad differentiates (tracked by identity).
TRACKED_TYPES = _tracked_types()

class Primitive:
    """A C-level operation with a derivative rule.

    `vjps[i](g, ans, *args)` returns the cotangent of argument i for a scalar
    primitive; a general primitive (`general=True`) has one
    `vjp(g, ans, args, kwargs)` returning cotangents shaped like `args`.
    An array primitive (`kind`, see rules/numpy) is general too; `save` says
    which arguments' values its VJP reads (True: all; else a tuple of
    positions, "ans" for the output): the others are kept as shapes only.
    `jvp`, when set, is the primitive's forward rule: `jvp(tangents, ans,
    *args)` for a scalar primitive, `jvp(tangents, ans, args, kwargs)` for
    a general one (tangents parallel to args, None for zero; it may return
    NotImplemented for a call it does not cover); without it, forward mode
    derives one from the VJP (transforms/forward.py).
    """
    __slots__ = ("name", "fn", "vjps", "general", "iterables", "nondiff", "multi", "kind", "save", "check",
                 "single", "prepare", "jvp", "jvp_leaves", "crossed")

    def __init__(self, name, fn, vjps=(), general=False, iterables=(), nondiff=False):
        self.multi = None
        self.kind = None
        self.save = True
        self.check = None    # array rules: check(args, kwargs) -> None, or why not covered
        self.single = None   # multi-output rules: the output a non-tuple result is
        self.prepare = None  # array rules: (args, kwargs) -> what the tape keeps of them
        self.jvp = None      # forward mode: explicit JVP, else derived (transforms/forward.py)
        self.jvp_leaves = False  # jvp takes the tangents of the argument leaves as recorded
        # Array rules of two operands, each of whose value only the other's
        # cotangent (and tangent) reads (x * y, x @ y): an operand's value is
        # kept only when the other is tracked (transforms/arrays.record).
        self.crossed = False
        self.name = name
        self.fn = fn
        self.vjps = tuple(vjps)
        self.general = general
        self.iterables = tuple(iterables)
        self.nondiff = nondiff

    def __repr__(self):
        return f"<primitive {self.name}>"


INPUT = Primitive("input", None)
GENERAL = -2
# `b[v]` of an expression equation: a run of real arithmetic (+ - * and
# negation of floats and numpy float64s) that a line block computed at once
# and recorded as one equation (interpreter/handlers/blocks.py, "Expression
# equations"): `a[v]` is a tuple of the variables of its leaves (-1: a
# constant), `params[v]` the tuple of the leaves' values, and the
# primitive's `vjps[0](g, *leaves)` returns the cotangent of each leaf.
EXPRESSION = -3


class _NoKeywords(dict):
    """The keywords of a shared parameter tuple: empty, and never written."""
    __slots__ = ()

    def _frozen(self, *args, **kwargs):
        raise TypeError("bcad internal error: a recorded equation's keywords are read-only")

    __setitem__ = __delitem__ = update = pop = popitem = setdefault = clear = _frozen
    __ior__ = _frozen


NO_KEYWORDS = _NoKeywords()
# Types of the argument values a shared parameter tuple may hold: immutable,
# compared by value within the type (int, None, text) or by identity
# (arrays.Meta adds itself).  bool is told apart from int by the key.
SHAREABLE = {int, _NoneType, str, bool}
SHARED = {}         # key -> (args, NO_KEYWORDS): the shared parameter tuples
_SLICES_HASH = sys.version_info >= (3, 12)


def shared_params(args):
    """`(args, None)` as the tape keeps it for a general equation without
    keywords.  Parameters made only of Metas and small immutable values
    (`(Meta, 3)` for element 3 of a float64 vector, `(Meta, slice(None, 2))`)
    recur thousands of times in a loop: they are one shared tuple.  A
    per-equation tuple holding a Meta (an instance of a Python class) stays
    tracked by the cyclic garbage collector for the tape's lifetime, and
    twenty thousand of them per gradient made the collector's full passes,
    which visit every tracked object of the process, run about once per
    gradient of an ODE solve."""
    has_bool = has_slice = False
    for e in args:
        te = type(e)
        if te not in SHAREABLE:
            if te is slice and _plain_slice(e):
                has_slice = True
                continue
            return (args, None)
        if te is bool:
            has_bool = True
    key = args
    if has_slice and not _SLICES_HASH:      # (3.11: slices are not hashable)
        key = tuple([(slice, e.start, e.stop, e.step) if type(e) is slice else e for e in args])
    if has_bool:
        key = (key, tuple(map(type, args)))
    p = SHARED.get(key)
    if p is None:
        if len(SHARED) >= 4096:     # (a program of ever new indices: bounded)
            SHARED.clear()
        p = SHARED[key] = (args, NO_KEYWORDS)
    return p


def _plain_slice(s):
    for e in (s.start, s.stop, s.step):
        if e is not None and type(e) is not int:
            return False
    return True


class Tape:
    __slots__ = ("ids", "vals", "prim", "a", "b", "params", "site", "taint", "refusal", "refusal_thread", "callbacks",
                 "holders", "views", "view_caps", "weak", "converted", "large_arrays", "reads", "aliases",
                 "fuses", "__weakref__")
    compact = True     # the trace recorder keeps every argument tuple (False)
    # The view registry holds views without weak references (arrays.
    # register_view); False where values are forgotten by reference count
    # (the streamed forward mode), which a held view would defeat.
    keeps_views = True

    def __init__(self):
        self.ids = {}        # id(value) -> var
        self.vals = []       # var -> value (keeps it alive)
        self.prim = []
        self.a = []
        self.b = []
        self.params = []
        self.site = []
        self.taint = {}      # id(obj) -> (obj, description): derived from tracked values
        self.refusal = None  # message of the first refusal raised (final: boundary.refuse)
        self.refusal_thread = None
        self.callbacks = 0   # callbacks that returned differentiable values to C code
        # id(array owner) -> [owner, array, var, array, var...]: residuals
        # (arrays.hold; a tuple while the owner holds few)
        self.holders = {}
        # id(array owner) -> [owner, view or weak reference to it...]: the
        # views handed to interpreted code (arrays.register_view)
        self.views = {}
        self.view_caps = {}  # id(array owner) -> its views' length at the next sweep
        self.weak = {}       # id(view) -> weakref: tracked views the tape does not keep alive
        self.converted = {}  # id(numpy _array_converter) -> (it, its arguments)
        # The variables whose value was recorded as an ndarray of more than 16
        # elements (release_values frees those no rule reads).
        self.large_arrays = []
        # Element reads of short float64 vectors (array_ops.row_list):
        # vector's variable -> (its memory as bytes, its elements' variables),
        # so that reading an unchanged vector again (`alpha, beta = p` in every
        # call of an ODE right-hand side) maps the new element objects to
        # the first read's variables instead of recording new equations;
        # `aliases` keeps those objects alive (their ids stay theirs).
        # None: every read is recorded (the trace recorder's dumps show
        # each one; the streamed tape forgets variables by reference count).
        self.reads = {}
        self.aliases = []
        # Line blocks may record a run of real arithmetic as one equation
        # (EXPRESSION) while this tape is the only level's, of a reverse
        # transform (context.Level).  False: every operation is an equation
        # (the trace recorder's dumps, the streamed jvp's pushes).
        self.fuses = True

    def __len__(self):
        return len(self.vals)

    # -- recording ---------------------------------------------------------
    def new_input(self, value, site=None):
        v = len(self.vals)
        self.ids[id(value)] = v
        self.vals.append(value)
        if type(value) is _ndarray and value.size > 16:
            self.large_arrays.append(v)
        self.prim.append(INPUT)
        self.a.append(-1)
        self.b.append(-1)
        self.params.append(None)
        self.site.append(site)
        return v

    def record2(self, prim, out, x, y, site):
        """out = prim(x, y) for scalars; x or y may be untracked constants."""
        ids = self.ids
        return self.record2_vars(prim, out, ids.get(id(x), -1), ids.get(id(y), -1), x, y, site)

    def record2_vars(self, prim, out, va, vb, x, y, site):
        """record2 with the variables of x and y (-1: constant) looked up
        by the caller (line blocks' inlined arithmetic does)."""
        v = len(self.vals)
        self.ids[id(out)] = v
        self.vals.append(out)
        self.prim.append(prim)
        self.a.append(va)
        self.b.append(vb)
        self.params.append(None if va >= 0 and vb >= 0 and self.compact else (x, y))
        self.site.append(site)
        return v

    def record1(self, prim, out, x, site, params=None):
        ids = self.ids
        v = len(self.vals)
        va = ids.get(id(x), -1)
        ids[id(out)] = v
        self.vals.append(out)
        self.prim.append(prim)
        self.a.append(va)
        self.b.append(-1)
        if params is None and (va < 0 or not self.compact):
            params = (x,)
        self.params.append(params)
        self.site.append(site)
        return v

    def operands(self, v):
        """The primal arguments of (non-general) equation v."""
        p = self.params[v]
        if p is not None:
            return p
        b = self.b[v]
        return (self.vals[self.a[v]],) if b == -1 else (self.vals[self.a[v]], self.vals[b])

    def record_general(self, prim, out, in_vars, args, kwargs, site):
        return self.record_params(prim, out, in_vars,
                                  shared_params(args) if not kwargs else (args, kwargs), site)

    def record_params(self, prim, out, in_vars, params, site):
        """record_general with the parameters as the tape keeps them: a
        shared tuple (`shared_params`) or (args, kwargs)."""
        v = len(self.vals)
        self.ids[id(out)] = v
        self.vals.append(out)
        if type(out) is _ndarray and out.size > 16:
            self.large_arrays.append(v)
        self.prim.append(prim)
        self.a.append(in_vars)
        self.b.append(GENERAL)
        self.params.append(params)
        self.site.append(site)
        return v

    def record_expression(self, prim, out, in_vars, leaves, site):
        """`out` = an expression of `leaves` (EXPRESSION): one equation.
        (`append`'s body written out: a scalar program records thousands.)"""
        v = len(self.vals)
        self.ids[id(out)] = v
        self.vals.append(out)
        self.prim.append(prim)
        self.a.append(in_vars)
        self.b.append(EXPRESSION)
        self.params.append(leaves)
        self.site.append(site)
        return v

    def append(self, out, prim, a, b, params, site):
        """An equation with its columns given as they are kept (a copy of
        another tape's: transforms/expressions.expanded)."""
        v = len(self.vals)
        self.ids[id(out)] = v
        self.vals.append(out)
        self.prim.append(prim)
        self.a.append(a)
        self.b.append(b)
        self.params.append(params)
        self.site.append(site)
        return v

    def recorded_as(self, x):
        """The variables whose recorded value is the array object `x` (its
        versions: a write records a new one for the same object)."""
        vals = self.vals
        return [v for v in range(len(vals)) if vals[v] is x]

    def var_of(self, value):
        return self.ids.get(id(value), -1)

    def is_tracked(self, value):
        return id(value) in self.ids

    def nbytes(self):
        """Approximate memory held by the tape (for the benchmark report)."""
        total = sys.getsizeof(self.ids) + sum(
            sys.getsizeof(x) for x in (self.vals, self.prim, self.a, self.b, self.params, self.site))
        for val, p in zip(self.vals, self.params):
            total += sys.getsizeof(val)
            if p is not None:
                total += sys.getsizeof(p)
        return total
