"""What runs beside the student's code: turning plain data into arguments, and
a student's answer back into plain data.

This module runs inside the student's process (the notebook kernel for the
visible checks, the grading sandbox for hidden ones), so it trusts nothing it
gets back: answers cross the boundary only as JSON numbers and arrays.  It
imports NumPy only; minigrad is imported on demand, for exercises whose
arguments are tensors (never for exercises that ask for a derivative by hand,
which the sandbox runs with minigrad blocked).

An argument is encoded as a small dict:

* ``{"float": 1.5}``, ``{"int": 3}``, ``{"array": [[...]]}``
* ``{"tensor": [...], "requires_grad": true, "dtype": "float64"}``
* ``{"fn": "cubic"}``: one of the test functions below, by name
* ``{"value": <json>}``: any other JSON value, passed as is
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

# Test functions that exercises pass to students' code (e.g. a numerical
# derivative).  Each works on floats and on NumPy arrays.
TEST_FUNCTIONS: dict[str, Callable] = {
    "square": lambda x: x * x,
    "cubic": lambda x: x**3 - 2 * x,
    "sin": np.sin,
    "exp": np.exp,
    "poly": lambda x: 3 * x**2 - 4 * x,
    "wave": lambda x: np.sin(3 * x) * np.exp(-x * x / 4),
    "logistic": lambda x: 1 / (1 + np.exp(-x)),
    "bowl": lambda v: float(np.sum(np.asarray(v) ** 2)),
    "rosenbrock": lambda v: float((1 - v[0]) ** 2 + 100 * (v[1] - v[0] ** 2) ** 2),
    "saddle": lambda v: float(v[0] ** 2 - v[1] ** 2 + v[0] * v[1]),
    "counterexample": lambda v: (0.0 if v[0] == 0 and v[1] == 0
                                 else float(v[1] * v[0] ** 2 / (v[0] ** 2 + v[1] ** 2))),
}


class AnswerError(Exception):
    """The student's answer is not something we can judge (wrong type, too big)."""


# By-hand exercises ------------------------------------------------------------------------
# One rule, the same in the notebook, in ``course check`` and in grading: an exercise that
# asks for a derivative by hand may use NumPy and math, but no autodiff library.  While it
# is checked those libraries are stand-ins that raise this message when used.

#: The libraries a by-hand exercise may not use (top-level module names).
AUTODIFF = ("minigrad", "torch", "jax", "autograd", "sympy", "tensorflow")
BY_HAND = ("this exercise asks for a derivative by hand: minigrad, PyTorch and other "
           "autodiff libraries are switched off while it is checked (NumPy and math are not)")


class Refused:
    """What an autodiff library (or anything taken from it) is during a by-hand check:
    using it raises ``RuntimeError(BY_HAND)``."""

    def __init__(self, name: str):
        object.__setattr__(self, "_name", name)

    def __getattr__(self, attr: str):
        if attr.startswith("__"):
            raise AttributeError(attr)
        return Refused(f"{self._name}.{attr}")

    def __call__(self, *args, **kwargs):
        raise RuntimeError(BY_HAND)

    def __repr__(self) -> str:
        return f"<{self._name}: switched off in by-hand exercises>"


def _autodiff(value) -> bool:
    """Whether ``value`` is an autodiff library, or a function or class taken from one."""
    import types

    if isinstance(value, types.ModuleType):
        name = value.__name__
    elif isinstance(value, (type, types.FunctionType, types.BuiltinFunctionType)):
        name = getattr(value, "__module__", None) or ""
    else:
        return False
    return name.split(".")[0] in AUTODIFF


def _cell(value) -> str | None:
    """The file (in a notebook: the cell) a function or class was defined in."""
    code = getattr(value, "__code__", None)
    if code is None and isinstance(value, type):
        code = next((v.__code__ for v in vars(value).values() if hasattr(v, "__code__")), None)
    return code.co_filename if code is not None else None


class by_hand:  # noqa: N801 (used as a context manager, like contextlib's)
    """While a by-hand answer is checked in a namespace that has the autodiff libraries
    (the notebook's kernel, ``course check``): every name bound to one of them (or to a
    function or class of theirs) is a :class:`Refused` stand-in, and minigrad's backward
    pass and forward mode refuse.  ``keep``: names of earlier answers that are not by
    hand (they may use minigrad): while one of them runs, the real names are back,
    unless the answer ``answer`` redefines it in its own cell (then it is part of a
    by-hand answer)."""

    def __init__(self, namespace: dict, keep=(), answer: str | None = None):
        home = _cell(namespace.get(answer)) if answer else None
        self.namespace = namespace
        self.keep = [k for k in keep
                     if k in namespace and (home is None or _cell(namespace[k]) != home)]
        self.saved: dict = {}
        self.patched: list = []

    def __enter__(self):
        import sys

        ns = self.namespace
        self.saved = {k: v for k, v in ns.items() if _autodiff(v)}
        for k in self.saved:
            ns[k] = Refused(getattr(self.saved[k], "__name__", k))
        self.originals = {name: ns[name] for name in self.keep}
        for name in self.keep:
            ns[name] = self._lifted(ns[name])
        self.kept = {name: ns[name] for name in self.keep}
        engine = sys.modules.get("minigrad.engine")
        forward = sys.modules.get("minigrad.autograd.forward_ad")
        for module, attr in ((engine, "run_backward"), (forward, "make_dual")):
            if module is not None and hasattr(module, attr):
                self.patched.append((module, attr, getattr(module, attr)))
                setattr(module, attr, Refused("minigrad.autograd"))
        return self

    def _lifted(self, fn):
        """``fn`` run with the real libraries (an earlier answer that may use them)."""
        outer = self

        def lifted(*args, **kwargs):
            ns, swapped = outer.namespace, {}
            for k, v in outer.saved.items():
                swapped[k], ns[k] = ns.get(k), v
            patched = [(m, a, getattr(m, a)) for m, a, _ in outer.patched]
            for m, a, original in outer.patched:
                setattr(m, a, original)
            try:
                return fn(*args, **kwargs)
            finally:
                ns.update(swapped)
                for m, a, refused in patched:
                    setattr(m, a, refused)

        return lifted

    def __exit__(self, *exc):
        ns = self.namespace
        for k, v in self.saved.items():
            if isinstance(ns.get(k), Refused):
                ns[k] = v
        for name, lifted in self.kept.items():
            if ns.get(name) is lifted:
                ns[name] = self.originals[name]
        for module, attr, original in self.patched:
            setattr(module, attr, original)
        return False


MAX_ELEMENTS = 100_000


def python_source(cell_source: str) -> str:
    """A code cell as plain Python: IPython's own transformer turns magics and shell
    lines into ``get_ipython()`` calls, exactly where IPython would (never a ``%`` that
    continues an expression).  Without IPython, a line is a magic only if it starts a
    statement."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:
        return _plain_magics(cell_source)
    try:
        return TransformerManager().transform_cell(cell_source)
    except Exception:  # noqa: BLE001 (malformed input stays as it is: it fails to compile)
        return cell_source


def _plain_magics(source: str) -> str:
    import io
    import tokenize

    lines = source.splitlines(keepends=True)
    inside: set[int] = set()  # lines that continue a statement (open brackets, backslash)
    skip = (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT)
    try:
        first = None  # the first line of the statement being read
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if first is None and tok.type not in skip:
                first = tok.start[0]
            if tok.type in (tokenize.NEWLINE, tokenize.ENDMARKER) and first is not None:
                inside.update(range(first + 1, tok.end[0] + 1))
                first = None
    except (tokenize.TokenError, SyntaxError):
        pass
    out = []
    for k, line in enumerate(lines, start=1):
        stripped = line.lstrip()
        if stripped[:1] in ("%", "!") and k not in inside:
            line = line[: len(line) - len(stripped)] + "pass\n"
        out.append(line)
    return "".join(out)


class _NoIPython:
    """``get_ipython()`` where there is no IPython (grading): magics do nothing."""

    def run_line_magic(self, *args, **kwargs):
        return None

    run_cell_magic = system = getoutput = run_line_magic


def get_ipython():
    return _NoIPython()


def decode(arg: dict):
    """A Python value from its JSON description."""
    if "float" in arg:
        return float(arg["float"])
    if "int" in arg:
        return int(arg["int"])
    if "array" in arg:
        return np.array(arg["array"], dtype=np.float64)
    if "tensor" in arg:
        import minigrad

        return minigrad.tensor(arg["tensor"], dtype=getattr(minigrad, arg.get("dtype", "float64")),
                               requires_grad=bool(arg.get("requires_grad", False)))
    if "fn" in arg:
        return TEST_FUNCTIONS[arg["fn"]]
    if "value" in arg:
        return arg["value"]
    raise ValueError(f"unknown argument encoding: {sorted(arg)}")


#: How a float32 (or lower precision) array is marked in encoded answers: it is judged
#: at float32 precision (``course.judging.difference``).
LOW_PRECISION = "__float32__"


def encode(answer):
    """Plain JSON data from a student's answer: numbers, (nested) lists, None.

    Tensors and arrays become nested lists of floats; everything is coerced
    with ``float()``, so an object that lies in ``__eq__`` is judged by the
    number it converts to.  Tuples and lists are encoded element-wise; a float32
    array or tensor becomes ``{LOW_PRECISION: data}``.
    """
    if answer is None:
        return None
    if isinstance(answer, bool):
        return bool(answer)
    if isinstance(answer, str):
        return str(answer)[:1000]
    if type(answer).__name__ == "Tensor" or hasattr(answer, "detach"):
        answer = answer.detach().numpy() if hasattr(answer, "detach") else answer
    if isinstance(answer, (list, tuple)):
        if len(answer) > MAX_ELEMENTS:
            raise AnswerError("the answer is too large")
        if answer and all(isinstance(a, (int, float, np.number)) and not isinstance(a, bool)
                          for a in answer):
            values = [float(a) for a in answer]
            low = any(isinstance(a, np.floating) and a.dtype.itemsize < 8 for a in answer)
            return {LOW_PRECISION: values} if low else values
        return [encode(a) for a in answer]
    if isinstance(answer, dict):
        return {str(k): encode(v) for k, v in answer.items()}
    if isinstance(answer, np.ndarray) and answer.dtype == object:
        if answer.size > MAX_ELEMENTS:
            raise AnswerError("the answer is too large")
        return encode(answer.tolist()) if answer.ndim else encode(answer.item())
    try:
        arr = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise AnswerError("expected a number, an array, a list of numbers or a tensor, "
                          f"got {_kind(answer)}") from exc
    if arr.size > MAX_ELEMENTS:
        raise AnswerError("the answer is too large")
    value = float(arr) if arr.ndim == 0 else arr.tolist()
    dtype = getattr(answer, "dtype", None)
    if isinstance(dtype, np.dtype) and dtype.kind == "f" and dtype.itemsize < 8:
        return {LOW_PRECISION: value}
    return value


def _kind(x) -> str:
    """How a value reads in a message: its type, and what it holds if it is an array."""
    if isinstance(x, np.ndarray):
        return f"an array of {x.dtype} values"
    return f"a {type(x).__name__}"


def call(namespace: dict, name: str, args: list, driver: str | None = None):
    """Call the student's ``name`` from ``namespace`` on decoded ``args``.

    A plain call may not change its arguments: an answer that writes into an input
    array or tensor (and does not put it back) is refused, as the caller's data would
    be changed.  (Exercises that must change their inputs, such as an SGD step, have
    a driver that checks the change.)"""
    if driver is not None:
        return encode(DRIVERS[driver](namespace, *[decode(a) for a in args]))
    if name not in namespace:
        raise AnswerError(f"`{name}` is not defined: run the cell that defines it")
    target = namespace[name]
    if not callable(target):
        return encode(target)
    values = [decode(a) for a in args]
    before = [_snapshot(v) for v in values]
    answer = encode(target(*values))
    for k, (v, old) in enumerate(zip(values, before, strict=True)):
        if old is not None and not np.array_equal(_snapshot(v), old, equal_nan=True):
            raise AnswerError(f"it changed its argument {k + 1} in place; leave the "
                              "inputs as they are and return a new result")
    return answer


def _snapshot(v) -> np.ndarray | None:
    """A copy of an array argument's values (of a tensor's too), to see if they change."""
    if isinstance(v, np.ndarray):
        return v.copy()
    if type(v).__name__ == "Tensor":
        return np.array(v.detach().numpy(), copy=True)
    return None


# Drivers: exercises whose answer is more than one function call (a class, a
# training loop) name a driver, which exercises the student's code on the inputs.
DRIVERS: dict[str, Callable] = {}


def driver(fn: Callable) -> Callable:
    DRIVERS[fn.__name__] = fn
    return fn


def function_source(name: str) -> str | None:
    """The test function ``name`` as Python a student can paste (None if unknown)."""
    import inspect

    fn = TEST_FUNCTIONS.get(name)
    if fn is None:
        return None
    if isinstance(fn, np.ufunc):
        return f"np.{fn.__name__}"
    try:
        text = " ".join(line.strip() for line in inspect.getsource(fn).splitlines())
    except (OSError, TypeError):
        return None
    text = text[text.find("lambda"):].rstrip(",")
    while text:
        try:
            compile(text, "<test function>", "eval")
            return text
        except SyntaxError:
            text = text[:-1].rstrip()
    return None


def finite(x) -> bool:
    return all(math.isfinite(v) for v in np.asarray(x, dtype=np.float64).reshape(-1))


# Drivers: nb07-nb09 ----------------------------------------------------------------------
# Test functions written with Tensor methods only: they take minigrad Tensors (not floats
# or NumPy arrays), so students' autograd code can differentiate them.  "t_" marks them.
TEST_FUNCTIONS.update({
    # scalar -> scalar (nth derivatives)
    "t_tanh": lambda x: x.tanh(),
    "t_sin_exp": lambda x: x.sin() * (x / 2).exp(),
    "t_gauss": lambda x: (-x * x / 2).exp(),
    "t_quintic": lambda x: x**5 - 3 * x**3 + x,
    # R^n -> R (gradients, Hessians, Newton steps)
    "t_rosenbrock": lambda v: (100 * (v[1:] - v[:-1] ** 2) ** 2 + (1 - v[:-1]) ** 2).sum(),
    "t_softplus": lambda v: ((1 + v.exp()).log().sum() + (v * v).sum() / 2
                             + 0.3 * (v[1:] * v[:-1]).sum()),
    "t_logsumexp": lambda v: v.exp().sum().log() + (v * v).sum() / 2,
    "t_sin_quartic": lambda v: (v.sin() * v).sum() + (v**4).sum() / 4,
})


def build_chain(x, ops: list[str], grad: bool = True):
    """y = a chain of ``ops`` applied to ``x`` (nb07's tape_size): "sin", "tanh",
    "scale", "add_x" (reuses the leaf), "square" (y * y: two edges to one node),
    "fork" (sin(y) * cos(y): two branches that meet again)."""
    import minigrad

    with minigrad.set_grad_enabled(grad):
        y = x
        for op in ops:
            if op == "sin":
                y = y.sin()
            elif op == "tanh":
                y = y.tanh()
            elif op == "scale":
                y = 0.5 * y
            elif op == "add_x":
                y = y + x
            elif op == "square":
                y = y * y
            elif op == "fork":
                y = y.sin() * y.cos()
            else:
                raise ValueError(f"unknown op {op!r}")
    return y


@driver
def nb07_jacobian(namespace: dict, W: np.ndarray, x):
    """The student's jacobian(f, x) on f(v) = tanh(W v), and which modes it used."""
    import minigrad

    Wt = minigrad.tensor(W, dtype=minigrad.float64)

    def f(v):
        return (Wt @ v).tanh()

    with minigrad.count_ops() as counts:
        J = namespace["jacobian"](f, x)
    return {"jacobian": J, "reverse": counts.backward > 0, "forward": counts.jvp > 0}


@driver
def nb07_tape_size(namespace: dict, ops: list[str], grad: bool):
    import minigrad

    x = minigrad.tensor([0.3, -0.7, 1.1], dtype=minigrad.float64, requires_grad=True)
    return namespace["tape_size"](build_chain(x, ops, grad))


def _tensors(*arrays, requires_grad: bool = False) -> list:
    import minigrad

    return [minigrad.tensor(a, dtype=minigrad.float64, requires_grad=requires_grad)
            for a in arrays]


@driver
def nb08_accumulated_grad(namespace: dict, w0: np.ndarray, X: np.ndarray, y: np.ndarray,
                          k: int):
    """accumulated_grad(w, X, y, k) with a stale w.grad from an earlier step."""
    (w,) = _tensors(w0, requires_grad=True)
    (w * (1 + np.arange(w0.size))).sum().backward()  # the stale gradient: 1, 2, 3, ...
    Xt, yt = _tensors(X, y)
    namespace["accumulated_grad"](w, Xt, yt, k)
    return w.grad


def _zeros_if_none(p):
    return np.zeros(p.shape) if p.grad is None else p.grad


@driver
def nb08_sgd_step(namespace: dict, arrays: list, lr: float):
    """One sgd_step(params, lr) after a backward pass of sum_p sum(sin(p) * p)."""
    params = _tensors(*[np.asarray(a, dtype=np.float64) for a in arrays], requires_grad=True)
    loss = sum((p.sin() * p).sum() for p in params)
    loss.backward()
    originals = list(params)  # the step must update THESE tensors in place
    namespace["sgd_step"](params, lr)
    same = len(params) == len(originals) and all(
        p is q for p, q in zip(params, originals, strict=False))
    return {"params": [p.detach() for p in originals],
            "grads": [_zeros_if_none(p) for p in originals],
            "leaves": same and all(p.is_leaf and p.requires_grad for p in originals)}


@driver
def nb08_train(namespace: dict, w0: np.ndarray, X: np.ndarray, y: np.ndarray, lr: float,
               steps: int):
    (w,) = _tensors(w0, requires_grad=True)
    Xt, yt = _tensors(X, y)
    losses = namespace["train"](w, Xt, yt, lr, steps)
    return {"losses": [float(v) for v in losses], "w": w.detach()}


@driver
def nb09_hvp(namespace: dict, name: str, x, v):
    """hvp(f, x, v), and whether it cost a small multiple of f (no n x n Hessian)."""
    import minigrad

    f = TEST_FUNCTIONS[name]
    with minigrad.count_ops() as cost_f:
        f(x)
    with minigrad.count_ops() as counts:
        result = namespace["hvp"](f, x, v)
    total = counts.forward + counts.backward + counts.jvp
    return {"hvp": result, "cheap": total <= NB09_HVP_BUDGET * cost_f.forward}


#: An HVP by grad of grad costs a few times f; a Hessian built first costs n times more.
NB09_HVP_BUDGET = 15


# Drivers: nb05-nb06 ----------------------------------------------------------------------

#: The operations of nb05's random expressions: name -> (arity, how to apply it).  Written
#: with operators and methods only, so the same program runs in a student's Scalar engine,
#: in the engine below and in minigrad (the reference).
NB05_OPS: dict[str, tuple[int, Callable]] = {
    "add": (2, lambda a, b: a + b),
    "sub": (2, lambda a, b: a - b),
    "mul": (2, lambda a, b: a * b),
    "div": (2, lambda a, b: a / b),
    "addc": (1, lambda a, c: a + c),  # a Scalar plus a plain number
    "rmulc": (1, lambda a, c: c * a),  # a plain number times a Scalar (__rmul__)
    "pow": (1, lambda a, k: a**k),  # a constant exponent
    "neg": (1, lambda a, _: -a),
    "exp": (1, lambda a, _: a.exp()),
    "log": (1, lambda a, _: a.log()),
    "tanh": (1, lambda a, _: a.tanh()),
    "relu": (1, lambda a, _: a.relu()),
}


def nb05_build(make: Callable, leaves, program) -> tuple[list, object]:
    """Run an expression program: ``leaves`` become ``make(x)``; each step ``[op, i, j]``
    appends ``op(node i, node j)`` (``j`` is a node for binary ops, a constant otherwise).
    Returns (leaf nodes, last node)."""
    nodes = [make(float(x)) for x in leaves]
    for op, i, j in program:
        arity, apply = NB05_OPS[op]
        nodes.append(apply(nodes[int(i)], nodes[int(j)] if arity == 2 else j))
    return nodes[: len(leaves)], nodes[-1]


@driver
def nb05_local_rule(namespace: dict, op: str, x: float, y: float, g: float, same: bool):
    """One primitive of the student's ``Scalar``: its value and the gradients it sends to
    its inputs for the upstream gradient ``g`` (``same``: both inputs are one Scalar)."""
    S = namespace["Scalar"]
    arity, apply = NB05_OPS[op]
    a = S(x)
    b = (a if same else S(y)) if arity == 2 else y
    out = apply(a, b)
    out.grad = g
    # This operation's rules alone: the nodes between out and its inputs, out first (one
    # node for a primitive, a few for compositions such as a - b = a + (-b)).
    order, seen = [], {id(a), id(b)}

    def visit(v):
        if id(v) not in seen:
            seen.add(id(v))
            for p in getattr(v, "_prev", ()):
                visit(p)
            order.append(v)
    visit(out)
    for v in reversed(order):
        v._backward()
    return [out.data, a.grad] + ([b.grad] if arity == 2 else [])


class Nb05Node:
    """A bare graph node for testing a topological sort: only ``_prev``."""

    def __init__(self, k: int, parents=()):
        self.k = k
        self._prev = tuple(parents)


@driver
def nb05_toposort(namespace: dict, parents: list):
    """The student's ``topological_sort`` on a DAG given as parent lists (the last node is
    the root): the nodes it lists, in its order (-1 for anything that is not a node).
    Whether that order is right is decided by the grader."""
    nodes: list[Nb05Node] = []
    for ps in parents:
        nodes.append(Nb05Node(len(nodes), [nodes[p] for p in ps]))
    order = namespace["topological_sort"](nodes[-1])
    index = {id(n): n.k for n in nodes}
    return [index.get(id(v), -1) for v in list(order)[:10_000]]


@driver
def nb05_expression(namespace: dict, leaves, program):
    """Leaf gradients of a random expression built with the student's engine."""
    xs, out = nb05_build(namespace["Scalar"], leaves, program)
    out.backward()
    return [x.grad for x in xs]


def nb05_tracer() -> tuple[type, list]:
    """A stand-in for an engine class S that records how an expression is built.

    ``failing_expression(S)`` is called with it; the recorded steps (plain data) are
    replayed by the grader in a correct and in a buggy engine.  The tracer computes
    values (so code may look at ``.data``) but no gradients.
    """
    steps: list = []

    class Traced:
        def __init__(self, data, _step=None):
            self.data, self.grad, self._prev = float(data), 0.0, ()
            self.k = len(steps)
            steps.append(_step or ["leaf", float(data)])

        def _op(self, name, value, *operands):
            refs = [o.k if isinstance(o, Traced) else Traced(o, ["const", float(o)]).k
                    for o in operands]
            return Traced(value, [name, refs])

        def __add__(self, o):
            return self._op("add", self.data + _data(o), self, o)

        def __radd__(self, o):
            return self._op("add", _data(o) + self.data, o, self)

        def __mul__(self, o):
            return self._op("mul", self.data * _data(o), self, o)

        def __rmul__(self, o):
            return self._op("mul", _data(o) * self.data, o, self)

        def __sub__(self, o):
            return self._op("sub", self.data - _data(o), self, o)

        def __rsub__(self, o):
            return self._op("sub", _data(o) - self.data, o, self)

        def __truediv__(self, o):
            return self._op("div", self.data / _data(o), self, o)

        def __rtruediv__(self, o):
            return self._op("div", _data(o) / self.data, o, self)

        def __pow__(self, k):
            return self._op("pow", self.data ** float(k), self, float(k))

        def __neg__(self):
            return self._op("neg", -self.data, self)

        def exp(self):
            return self._op("exp", math.exp(self.data), self)

        def log(self):
            return self._op("log", math.log(self.data), self)

        def tanh(self):
            return self._op("tanh", math.tanh(self.data), self)

        def relu(self):
            return self._op("relu", max(self.data, 0.0), self)

    return Traced, steps


def _data(o) -> float:
    return o.data if hasattr(o, "data") else float(o)


@driver
def nb05_find_the_bug(namespace: dict, bug: str):
    """The expression the student's ``failing_expression(S)`` builds, as recorded steps.
    (The grader replays it in a correct engine and in one with ``bug``.)"""
    S, steps = nb05_tracer()
    leaves, out = namespace["failing_expression"](S)
    if not isinstance(out, S) or not all(isinstance(x, S) for x in leaves):
        raise AnswerError("failing_expression(S) must build its expression with S and "
                          "return (leaves, output)")
    return {"steps": steps[:500], "leaves": [x.k for x in leaves], "out": out.k}


# nb06: vector functions for jacobian_rev (they take and return 1-D minigrad tensors).
TEST_FUNCTIONS["conv_tanh"] = lambda x: (x[:-2] - 2 * x[1:-1] + 0.5 * x[2:]).tanh()
TEST_FUNCTIONS["softmax_vec"] = lambda x: x.exp() / x.exp().sum()
TEST_FUNCTIONS["wide"] = lambda x: (x[:2] * x.sum()).sin()
TEST_FUNCTIONS["tall"] = lambda x: (x.reshape(-1, 1) * x.reshape(1, -1)).reshape(-1)


@driver
def nb06_jacobian_rev(namespace: dict, f: Callable, x):
    """The student's ``jacobian_rev(f, x)``, and how many backward passes it ran.
    minigrad's ready-made Jacobians are switched off while it runs."""
    import minigrad
    from minigrad import engine, func
    from minigrad.autograd import functional

    passes = [0]
    run_backward = engine.run_backward

    def counted(*args, **kwargs):
        passes[0] += 1
        return run_backward(*args, **kwargs)

    def refuse(*args, **kwargs):
        raise RuntimeError("build the Jacobian from VJPs yourself: minigrad's jacobian, "
                           "jacrev and jacfwd are switched off for this exercise")

    # _basis too: it is used only inside jacobian, so an early `from ... import jacobian`
    # is refused as well
    saved = (functional.jacobian, functional._basis, func.jacrev, func.jacfwd)
    engine.run_backward = counted
    functional.jacobian = functional._basis = func.jacrev = func.jacfwd = refuse
    try:
        J = namespace["jacobian_rev"](f, minigrad.tensor(x, dtype=minigrad.float64))
    finally:
        engine.run_backward = run_backward
        functional.jacobian, functional._basis, func.jacrev, func.jacfwd = saved
    return {"jacobian": J, "backward_passes": passes[0]}


# Drivers: nb02-nb04 ----------------------------------------------------------------------
# nb02: functions of a NumPy array of any shape (scalar-valued), for numerical gradients
# and directional derivatives.  grading/exercises/nb02_gradients.py holds their minigrad
# twins, which give the reference gradients.
TEST_FUNCTIONS.update({
    "sum_sin_sq": lambda X: float(np.sum(np.sin(X) ** 2)),
    "logsumexp": lambda X: float(np.log(np.sum(np.exp(X)))),
    "frobenius": lambda X: float(np.sqrt(np.sum(X * X))),
    "quartic": lambda X: float(np.sum(X**4) / 4 - np.sum(X) ** 2 / 2),
    "cos_sum": lambda X: float(np.sum(np.cos(X)) * np.sum(X)),
})


def _answer(namespace: dict, name: str):
    if name not in namespace:
        raise AnswerError(f"`{name}` is not defined: run the cell that defines it")
    return namespace[name]


def _counted(f: Callable) -> tuple[Callable, list[int]]:
    """``f`` that counts its calls (and gets a fresh copy of its argument each time)."""
    calls = [0]

    def counted(x):
        calls[0] += 1
        return f(np.array(x, dtype=np.float64) if isinstance(x, np.ndarray) else x)

    return counted, calls


@driver
def nb02_directional(namespace: dict, f: Callable, x: np.ndarray, v: np.ndarray):
    """directional_derivative(f, x, v), and whether it evaluated f at most twice."""
    counted, calls = _counted(f)
    value = _answer(namespace, "directional_derivative")(counted, x, v)
    return {"derivative": value, "at_most_two_calls": calls[0] <= 2}


# nb04: programs written with operators and the methods sin, cos, exp, log, sqrt, tanh
# and sum only, as text, so that one program runs on a student's Dual numbers (here, with
# NumPy only) and on minigrad tensors (the reference, in grading/exercises).
def evaluate(program: str, x):
    """The value of ``program`` (an expression in ``x``) at ``x``."""
    return eval(program, {"__builtins__": {}}, {"x": x})  # noqa: S307 (our own programs)


NB04_UNARY = ["{a}.sin()", "{a}.cos()", "{a}.tanh()", "({a} ** 2 + 1).log()",
              "({a} ** 2 + 1).sqrt()", "1 / (1 + {a} ** 2)", "{a}.sin().exp()",
              "{a} ** 2", "{a} ** 3 / 3", "-{a}"]
NB04_BINARY = ["{a} + {b}", "{a} - {b}", "{a} * {b}", "{a} / (2 + {b} ** 2)",
               "{a} if {a} > 0.3 else {b}"]
NB04_CONSTANT = ["{c} * {a}", "{a} + {c}", "{c} - {a}", "{c} / (1 + {a} ** 2)",
                 "{a} / {c}", "{a} * {c}", "{c} + {a}"]


def _wrap(program: str) -> str:
    return program if program.isidentifier() else f"({program})"


def random_program(rng: np.random.Generator, depth: int = 3) -> str:
    """A random smooth expression in x (every branch of it uses x)."""
    if depth == 0:
        return "x"
    kind = rng.integers(3)
    a = _wrap(random_program(rng, depth - 1))
    if kind == 0:
        return str(rng.choice(NB04_UNARY)).format(a=a)
    if kind == 1:
        b = _wrap(random_program(rng, depth - 1))
        return str(rng.choice(NB04_BINARY)).format(a=a, b=b)
    c = round(float(rng.uniform(0.5, 2.5)), 2)
    return str(rng.choice(NB04_CONSTANT)).format(a=a, c=c)


#: Vector programs R^n -> R^n for nb04's JVPs and Jacobians (Jacobians are not diagonal).
NB04_VECTOR_PROGRAMS = [
    "x * x.sum()",
    "(x.exp() + 1).log() * x.sin().sum()",
    "x / ((x * x).sum() + 1).sqrt()",
    "(0.5 * x + x.sum()).tanh()",
    "x ** 3 / 3 - x * (x * x).sum()",
    "x.cos() * x.exp().sum() + 2 * x",
]


@driver
def nb04_dual(namespace: dict, program: str, x: float):
    """The primal and tangent of program(Dual(x, 1))."""
    y = evaluate(program, _answer(namespace, "Dual")(x, 1.0))
    return {"primal": y.primal, "tangent": y.tangent}


@driver
def nb04_jvp(namespace: dict, program: str, x: np.ndarray, v: np.ndarray):
    """jvp(f, x, v), and whether it ran f exactly once."""
    counted, calls = _counted(lambda z: evaluate(program, z))
    value = _answer(namespace, "jvp")(counted, x, v)
    return {"jvp": value, "one_call": calls[0] == 1}


@driver
def nb04_babylonian(namespace: dict, x: float, n: int):
    """babylonian(x, n) on a float, and on Dual(x, 1): the iterate and its derivative."""
    babylonian = _answer(namespace, "babylonian")
    value = babylonian(x, n)  # first on a float: a stub says so before Dual is needed
    t = babylonian(_answer(namespace, "Dual")(x, 1.0), n)
    if not hasattr(t, "primal") or not hasattr(t, "tangent"):
        raise AnswerError(f"babylonian(Dual(x, 1.0), {n}) must return a Dual (computed from "
                          f"its argument); it returned a {type(t).__name__} value")
    return {"float": value, "primal": t.primal, "tangent": t.tangent}


@driver
def nb04_jacobian(namespace: dict, program: str, x: np.ndarray):
    """jacobian_fwd(f, x), and how many times it ran f (one forward pass per column)."""
    counted, calls = _counted(lambda z: evaluate(program, z))
    J = _answer(namespace, "jacobian_fwd")(counted, x)
    return {"jacobian": J, "passes": calls[0]}
