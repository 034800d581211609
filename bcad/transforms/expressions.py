"""Expression equations: a run of real arithmetic on one line, recorded as
one equation.

A line block (interpreter/handlers/blocks.py) that meets `alpha * u - beta
* u * v` computes it at once when every operand is a float or a numpy
float64, and records one equation (tape.EXPRESSION) whose inputs are the
expression's leaves, instead of one per operation: an ODE right-hand side's
arithmetic is then a few equations per call instead of a dozen, in the
forward pass and the backward pass alike.  This module makes the
primitive of each expression shape: its VJP is generated Python that
recomputes the intermediate values from the leaves and applies the rules
of + - * and negation in reverse order (the same arithmetic as the
equations it stands for, `g * y` for the x of `x * y`).

`ops` describes an expression in evaluation order: each entry is
`(op, operands)` with op one of "+", "-", "*", "neg" and each operand
`("leaf", i)` or `("node", j)` (the value of entry j).  The last entry is
the result.
"""
import operator
import os

from ..tape.tape import Primitive, Tape, EXPRESSION, INPUT

_CACHE = {}     # (ops, number of leaves) -> its Primitive
_OPS = {}       # id(primitive) -> (ops, number of leaves)
_APPLY = {"+": operator.add, "-": operator.sub, "*": operator.mul}
_BINARY_ARG = {"+": 0, "*": 5, "-": 10}     # (BINARY_OP's arguments: rules.BINARY)


def expression_primitive(ops, n_leaves):
    """The (shared) primitive of an expression of `n_leaves` leaves."""
    key = (ops, n_leaves)
    p = _CACHE.get(key)
    if p is None:
        ns = {}
        # (named as a file of bcad's: its own code, never the user's)
        name = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                            f"<bcad expression {len(_CACHE)}>")
        exec(compile(vjp_source(ops, n_leaves), name, "exec"), ns)
        p = _CACHE[key] = Primitive(f"expression {text(ops)}", None, vjps=(ns["vjp"],))
        _OPS[id(p)] = key
    return p


def text(ops):
    """`ops` as Python source over leaves x0, x1...: `x0 * x1 - x2 * x1 * x3`
    (parenthesized as evaluated)."""
    parts = []
    for op, args in ops:
        xs = [f"x{i}" if kind == "leaf" else parts[i] for kind, i in args]
        if op == "neg":
            parts.append(f"(-{xs[0]})")
        else:
            parts.append(f"({xs[0]} {op} {xs[1]})")
    return parts[-1][1:-1]


def vjp_source(ops, n_leaves):
    """Source of `vjp(g, x0, ..., x{n-1})`: the tuple of the leaves'
    cotangents."""
    leaves = [f"x{i}" for i in range(n_leaves)]
    # values of the operands of products are read by the backward rules
    needed = set()

    def need(kind, i):
        if kind == "node" and i not in needed:
            needed.add(i)
            for k, j in ops[i][1]:
                need(k, j)
    for op, args in ops:
        if op == "*":
            for kind, i in args:
                need(kind, i)
    lines = [f"def vjp(g, {', '.join(leaves)}):"]
    for j, (op, args) in enumerate(ops):
        if j in needed:
            xs = [f"x{i}" if kind == "leaf" else f"n{i}" for kind, i in args]
            expr = f"-{xs[0]}" if op == "neg" else f"{xs[0]} {op} {xs[1]}"
            lines.append(f"    n{j} = {expr}")

    def value(kind, i):
        return f"x{i}" if kind == "leaf" else f"n{i}"
    lines.append(f"    g{len(ops) - 1} = g")
    seen = set()

    def give(kind, i, expr):
        # (each node has one user: its cotangent is assigned once; a leaf
        # used several times sums its contributions)
        name = f"c{i}" if kind == "leaf" else f"g{i}"
        if kind == "leaf" and name in seen:
            lines.append(f"    {name} = {name} + {expr}")
        else:
            seen.add(name)
            lines.append(f"    {name} = {expr}")
    for j in range(len(ops) - 1, -1, -1):
        op, args = ops[j]
        g = f"g{j}"
        if op == "neg":
            give(*args[0], f"-{g}")
        elif op == "+":
            give(*args[0], g)
            give(*args[1], g)
        elif op == "-":
            give(*args[0], g)
            give(*args[1], f"-{g}")
        else:
            (ka, ia), (kb, ib) = args
            give(ka, ia, f"{g} * {value(kb, ib)}")
            give(kb, ib, f"{g} * {value(ka, ia)}")
    lines.append(f"    return ({''.join(f'c{i}, ' for i in range(n_leaves))})")
    return "\n".join(lines) + "\n"


def expression_jvp(p, tangents, leaves):
    """The tangent of an expression equation (forward mode), from its
    leaves' tangents (None: zero): the sum of each leaf's partial
    derivative (its cotangent for a cotangent of 1) times its tangent."""
    out = None
    for c, t in zip(p.vjps[0](1.0, *leaves), tangents):
        if t is not None:
            out = c * t if out is None else out + c * t
    return out


def expanded(res):
    """`res` (a VJPResult) with each expression equation of its tape
    replaced by the equations of its operations, as a tape recorded one
    operation at a time has them (the trace dumps show each one); `res`
    itself when its tape has none.  The intermediate values are computed
    again from the leaves, by the same operations in the same order."""
    from ..rules import BINARY, UNARY
    from .reverse import VJPResult
    old = res.tape
    if old is None or EXPRESSION not in old.b:
        return res
    tape = Tape()
    tape.fuses = False
    new = {}        # old variable -> new one

    def var(i):
        return new[i] if i >= 0 else -1
    append = tape.append
    for v in range(len(old.vals)):
        p, a, b, site = old.prim[v], old.a[v], old.b[v], old.site[v]
        if b != EXPRESSION:
            if p is INPUT:
                pass
            elif type(a) is tuple:
                a = tuple([var(i) for i in a])
            else:
                a, b = var(a), (var(b) if b >= 0 else b)
            new[v] = append(old.vals[v], p, a, b, old.params[v], site)
            continue
        ops, _ = _OPS[id(p)]
        leaves = old.params[v]
        values, nvars = [], []
        for j, (op, args) in enumerate(ops):
            xs = [leaves[i] if kind == "leaf" else values[i] for kind, i in args]
            vs = [var(a[i]) if kind == "leaf" else nvars[i] for kind, i in args]
            if j == len(ops) - 1:
                out = old.vals[v]
            elif op == "neg":
                out = -xs[0]
            else:
                out = _APPLY[op](*xs)
            values.append(out)
            if all(i < 0 for i in vs):      # (no tracked operand: not recorded)
                nvars.append(-1)
                continue
            prim = UNARY["__neg__"] if op == "neg" else BINARY[_BINARY_ARG[op]]
            ab = (vs[0], -1) if op == "neg" else tuple(vs)
            nvars.append(append(out, prim, ab[0], ab[1], tuple(xs), site))
        new[v] = nvars[-1]
    out = VJPResult(tape, res.out, res.inputs)
    out.start = res.start
    out.input_var = {k: new[i] for k, i in res.input_var.items()}
    return out
