"""Infinite recursion through interpreted code raises RecursionError, never
crashes CPython, whatever the recursion limit.

Many shapes recurse natively without creating interpreted frames (an instance
whose __call__ is an instance, __getattr__, dunders called by C code,
sorted(key=...) calling sorted); bcad caps the native recursion limit by the
stack size (bcad/interpreter/state.py) so CPython's own check stops them.
Each shape runs in a child process (this file run as a script), one child per
recursion limit, all children in parallel; a child that dies of a signal is
restarted after the shape that killed it, so every shape gets a verdict.
"""
import os
import signal
import subprocess
import sys
import threading

import pytest

# --------------------------------------------------------------- the shapes
# Each returns a function of no argument that recurses forever.


def sh_call_instance():
    class A:
        pass
    a = A()
    A.__call__ = a                    # the instance's __call__ is an instance
    return lambda: a()


def sh_call_method():
    class A:
        def __call__(self):
            return self()
    return lambda: A()()


def sh_call_star():
    class A:
        def __call__(self, *a, **k):
            return self(*a, **k)
    return lambda: A()(1, k=2)


def sh_metaclass_call():
    class M(type):
        def __call__(cls):
            return cls()
    class A(metaclass=M):
        pass
    return lambda: A()


def sh_getattr():
    class A:
        def __getattr__(self, name):
            return getattr(self, name)
    return lambda: A().x


def sh_getattr_self():
    class A:
        def __getattr__(self, name):
            return self.y
    return lambda: A().x


def sh_getattribute():
    class A:
        def __getattribute__(self, name):
            return getattr(self, name)
    return lambda: A().x


def sh_property():
    class A:
        @property
        def p(self):
            return self.p
    return lambda: A().p


def sh_descriptor():
    class D:
        def __get__(self, obj, tp=None):
            return obj.d
    class A:
        d = D()
    return lambda: A().d


def sh_setattr():
    class A:
        def __setattr__(self, n, v):
            setattr(self, n, v)
    def f():
        A().x = 1
    return f


def sh_init():
    class A:
        def __init__(self):
            A()
    return lambda: A()


def sh_new():
    class A:
        def __new__(cls):
            return A()
    return lambda: A()


def sh_repr():
    class A:
        def __repr__(self):
            return repr([self])
    return lambda: repr(A())


def sh_str_format():
    class A:
        def __str__(self):
            return f"{[self]!s} {self}"
    return lambda: str(A())


def sh_format():
    class A:
        def __format__(self, spec):
            return "{}".format(self)
    return lambda: "{}".format(A())


def sh_eq():
    class A:
        def __eq__(self, other):
            return self in [other]
    return lambda: A() == A()


def sh_eq_list():
    class A:
        def __eq__(self, other):
            return [self] == [other]
    return lambda: A() == A()


def sh_hash():
    class A:
        def __hash__(self):
            return hash(self)
    return lambda: {A(): 1}


def sh_hash_dict():
    class A:
        def __hash__(self):
            {}[self] = 1
            return 1
    return lambda: {A(): 1}


def sh_len():
    class A:
        def __len__(self):
            return len(self)
    return lambda: len(A())


def sh_bool():
    class A:
        def __bool__(self):
            return bool(self)
    return lambda: not A()


def sh_add():
    class A:
        def __add__(self, o):
            return self + o
    return lambda: A() + 1


def sh_getitem():
    class A:
        def __getitem__(self, i):
            return self[i]
    return lambda: A()[0]


def sh_iter():
    class A:
        def __iter__(self):
            return iter(A())
    return lambda: list(A())


def sh_isinstance():
    class M(type):
        def __instancecheck__(cls, o):
            return isinstance(o, C)
    class C(metaclass=M):
        pass
    return lambda: isinstance(1, C)


def sh_sorted():                      # interpreted -> C -> interpreted
    def key(x):
        return sorted([x, x], key=key)[0]
    return lambda: sorted([1, 2], key=key)


def sh_list_sort():
    def key(x):
        xs = [x, x]
        xs.sort(key=key)
        return 1
    return lambda: key(1)


def sh_sorted_lt():
    class A:
        def __lt__(self, o):
            return sorted([A(), A()]) and True
    return lambda: sorted([A(), A()])


def sh_min_key():
    def key(x):
        return min([x], key=key)
    return lambda: min([1], key=key)


def sh_max_lt():
    class A:
        def __lt__(self, o):
            return max([A(), A()]) and True
        __gt__ = __lt__
    return lambda: max([A(), A()])


def sh_map():
    def g(x):
        return list(map(g, [x]))
    return lambda: g(1)


def sh_reduce():
    import functools

    def g(a, b):
        return functools.reduce(g, [a, b])
    return lambda: functools.reduce(g, [1, 2])


def sh_partial():
    import functools
    p = []

    def g():
        return p[0]()
    p.append(functools.partial(g))
    return g


def sh_heapq():
    import heapq

    class A:
        def __lt__(self, o):
            heapq.heapify([A(), A()])
            return True
    return lambda: heapq.heapify([A(), A()])


def sh_re_sub():
    import re

    def r(m):
        return re.sub("a", r, "a")
    return lambda: re.sub("a", r, "a")


def sh_json_default():
    import json

    def d(o):
        return json.dumps(o, default=d)
    return lambda: json.dumps(object(), default=d)


def sh_print_file():
    class W:
        def write(self, t):
            print(t, file=W())
    return lambda: print("x", file=W())


def sh_deepcopy():
    import copy

    class A:
        def __deepcopy__(self, memo):
            return copy.deepcopy(A())
    return lambda: copy.deepcopy(A())


def sh_kwargs():                      # Python calls that take a nested run
    def g(x):
        return g(x=x)
    return lambda: g(x=1)


def sh_generator():
    def g(n):
        yield from g(n + 1)
    return lambda: list(g(0))


def sh_plain():                       # switches frames in the run loop
    def g(x):
        return g(x)
    return lambda: g(1)


# Differentiated (bcad.grad): functions of a float.

def gr_call():
    class A:
        def __call__(self, x):
            return self(x) * 2.0
    a = A()
    return lambda x: a(x)


def gr_getattr():
    class A:
        def __init__(self, x):
            object.__setattr__(self, "v", x)

        def __getattr__(self, name):
            return getattr(self, name) * self.v
    return lambda x: A(x).w


def gr_eq():
    class A:
        def __init__(self, x):
            self.v = x

        def __eq__(self, o):
            return [self] == [o]

    def f(x):
        return x * float(A(x) == A(x))
    return f


SHAPES = {k[3:] if k.startswith("sh_") else k: v
          for k, v in dict(globals()).items() if k.startswith(("sh_", "gr_"))}
# Also run in a thread with a 1 MiB stack (at the limit 100000), where
# CPython 3.12/3.13's own C recursion limit does not protect the stack.
THREAD_SHAPES = list(SHAPES)


def finite(n):
    def g(k):
        if k == 0:
            return 0
        return g(k - 1) + 1

    def f():
        limit = sys.getrecursionlimit()     # (the user's limit, in interpreted code)
        return g(n), limit
    return f


def _run_shape(name):
    import bcad
    if name.startswith("finite"):
        n = int(name.split(":")[1])
        limit = sys.getrecursionlimit()
        r = bcad.interpret(finite(n))()
        if r != (n, limit) or sys.getrecursionlimit() != limit:
            return f"wrong: {r} (limit {sys.getrecursionlimit()})"
        return "OK"
    if name.startswith("gr_"):
        fn = bcad.grad(SHAPES[name]())
        args = (1.5,)
    else:
        fn = bcad.interpret(SHAPES[name]())
        args = ()
    limit = sys.getrecursionlimit()
    try:
        fn(*args)
    except RecursionError:
        if sys.getrecursionlimit() != limit:
            return f"limit changed to {sys.getrecursionlimit()}"
        return "RecursionError"
    except BaseException as e:
        return f"{type(e).__name__}: {str(e)[:200]!r}"
    return "no error"


def _child(argv):
    limit, names = argv[0], argv[1:]
    stack = None
    if limit.startswith("thread:"):
        _, stack, limit = limit.split(":")
    if limit != "default":
        sys.setrecursionlimit(int(limit))

    def body():
        for name in names:
            print("SHAPE", name, _run_shape(name), flush=True)
    if stack is None:
        body()
    else:
        threading.stack_size(int(stack))
        t = threading.Thread(target=body)
        t.start()
        t.join()


# --------------------------------------------------------------- the tests

LIMITS = ["default", "10000", "100000"]
FINITE = {"default": ["finite:900"], "10000": ["finite:5000"], "100000": ["finite:50000"]}
THREAD = "thread:1048576:100000"
RUNS = {lim: list(SHAPES) + FINITE[lim] for lim in LIMITS}
RUNS[THREAD] = THREAD_SHAPES + ["finite:20000"]
TIMEOUT = 240


def _run_child(limit, names):
    """Run `names` in children until each has a verdict: name -> result."""
    results = {}
    todo = list(names)
    while todo:
        try:
            p = subprocess.run([sys.executable, os.path.abspath(__file__), limit, *todo],
                               capture_output=True, text=True, timeout=TIMEOUT)
            out, rc, err = p.stdout, p.returncode, p.stderr
        except subprocess.TimeoutExpired as e:
            out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
            rc, err = "timeout", ""
        for line in out.splitlines():
            if line.startswith("SHAPE "):
                _, name, res = line.split(" ", 2)
                results[name] = res
        todo = [n for n in todo if n not in results]
        if todo:
            if isinstance(rc, int) and rc < 0:
                why = f"crash: {signal.Signals(-rc).name}"
            else:
                why = f"child exited ({rc}) before a verdict: {err[-500:]}"
            results[todo.pop(0)] = why
    return results


@pytest.fixture(scope="module")
def verdicts():
    out = {}
    threads = [threading.Thread(target=lambda k=k, v=v: out.__setitem__(k, _run_child(k, v)))
               for k, v in RUNS.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


@pytest.mark.parametrize("limit", LIMITS)
@pytest.mark.parametrize("shape", list(SHAPES))
def test_recursion_error_not_crash(verdicts, shape, limit):
    assert verdicts[limit][shape] == "RecursionError"


@pytest.mark.parametrize("limit", LIMITS)
def test_deep_plain_recursion(verdicts, limit):
    (name,) = FINITE[limit]
    assert verdicts[limit][name] == "OK"


@pytest.mark.parametrize("shape", THREAD_SHAPES + ["finite:20000"])
def test_in_thread_with_small_stack(verdicts, shape):
    expected = "OK" if shape.startswith("finite") else "RecursionError"
    assert verdicts[THREAD][shape] == expected


if __name__ == "__main__":
    _child(sys.argv[1:])
