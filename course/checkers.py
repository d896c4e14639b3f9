"""Checkers for exercises with many right answers (an order, a tolerance per entry, an
expression with a property): ``CHECKERS[name](*args, answer, want=..., data=...)`` gives
None when ``answer`` is right, else the reason.  ``want`` is one right answer and
``data`` what the checker needs beyond it (e.g. a tolerance per entry), both computed by
the instructor's side; a checker judges, it cannot produce an answer."""

from __future__ import annotations

import numpy as np

STEPS = "a central difference with a step h between 1e-7 and 1e-4"


def _numbers_like(answer, shape) -> np.ndarray | str:
    try:
        got = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        return "the answer is not a number or an array of numbers"
    if got.shape != tuple(shape):
        return (f"shape {tuple(got.shape) if got.ndim else '()'} instead of "
                f"{tuple(shape) if len(shape) else '()'}")
    if not np.all(np.isfinite(got)):
        return "non-finite values (nan or inf) where they should not be"
    return got


def each_within(*args, want, data) -> str | None:
    """Each entry within its own tolerance (``data``: one per entry)."""
    answer = args[-1]
    want, tol = np.asarray(want, dtype=np.float64), np.asarray(data, dtype=np.float64)
    got = _numbers_like(answer, want.shape)
    if isinstance(got, str):
        return got
    ratio = np.abs(got - want) / tol
    if np.all(ratio <= 1):
        return None
    i = np.unravel_index(int(np.argmax(ratio)), want.shape) if want.ndim else ()
    where = f" at index {i[0] if len(i) == 1 else tuple(int(k) for k in i)}" if want.ndim else ""
    return (f"entry{where} is off by {abs(float(got[i]) - float(want[i])):.3g} (expected "
            f"{float(want[i]):.10g}, received {float(got[i]):.10g}); {STEPS} is within "
            f"{float(tol[i]):.1e} here")


def directional(*args, want, data) -> str | None:
    """A directional derivative within ``data`` of ``want``, in at most two calls."""
    answer = args[-1]
    if not isinstance(answer, dict) or set(answer) != {"derivative", "at_most_two_calls"}:
        return "the answer cannot be used"
    if answer["at_most_two_calls"] is not True:
        return "f was called more than twice (at most two calls are allowed)"
    got = _numbers_like(answer["derivative"], ())
    if isinstance(got, str):
        return got
    err = abs(float(got) - want["derivative"])
    if err <= data:
        return None
    return (f"it differs by {err:.3g} (expected {want['derivative']:.10g}, received "
            f"{float(got):.10g}); {STEPS} is within {data:.1e} here")


def _reachable(parents: list) -> set[int]:
    seen, todo = set(), [len(parents) - 1]
    while todo:
        k = todo.pop()
        if k not in seen:
            seen.add(k)
            todo += parents[k]
    return seen


def topological(parents: list, order, *, want=None, data=None) -> str | None:
    """Every node the root depends on, exactly once, each after all its parents."""
    if not isinstance(order, list) or not all(isinstance(k, (int, float)) for k in order):
        return "expected a list of the graph's nodes"
    order = [int(k) for k in order]
    if sorted(order) != sorted(_reachable(parents)):
        if len(order) != len(set(order)):
            return "a node is listed more than once"
        return "it should list exactly the nodes the output depends on"
    position = {k: i for i, k in enumerate(order)}
    if any(position[p] > position[k] for k in order for p in parents[k]):
        return "a node comes before one of its parents"
    return None


# Find the bug (lesson 5) ----------------------------------------------------------------
# The recorded expression is rebuilt as the lesson's engine builds it (``a - b`` is
# ``a + b * -1``, ``a / b`` is ``a * b ** -1``, a number is lifted into a new node), with
# every local derivative taken from minigrad, and its backward pass run three ways: right,
# with rules that assign instead of adding, and without a topological order.

class _Node:
    def __init__(self, data: float, prev=()):
        self.data, self.grad, self.prev = float(data), 0.0, list(prev)  # [(node, local)]


def _local(kind: str, *values: float) -> list[float]:
    """The local derivatives of one operation at ``values``, from minigrad."""
    import minigrad

    xs = [minigrad.tensor(v, dtype=minigrad.float64, requires_grad=True) for v in values]
    if kind == "pow":
        xs[1] = values[1]
    y = {"add": lambda a, b: a + b, "mul": lambda a, b: a * b, "pow": lambda a, k: a ** k,
         "exp": lambda a: a.exp(), "log": lambda a: a.log(), "tanh": lambda a: a.tanh(),
         "relu": lambda a: a.relu()}[kind](*xs)
    inputs = [x for x in xs if isinstance(x, minigrad.Tensor)]
    return [g.item() for g in minigrad.autograd.grad(y, inputs, allow_unused=True)]


def _lift(v):
    return v if isinstance(v, _Node) else _Node(v)


def _apply(kind: str, a, b=None):
    if kind in ("add", "mul"):
        if not isinstance(a, _Node):  # 2 + x is x.__radd__(2): x + 2
            a, b = b, a
        b = _lift(b)
        out = {"add": a.data + b.data, "mul": a.data * b.data}[kind]
        return _Node(out, zip((a, b), _local(kind, a.data, b.data), strict=True))
    if kind == "sub":  # a - b is a + (-b); 2 - x is lift(2) - x
        return _apply("add", _lift(a), _apply("neg", _lift(b)))
    if kind == "div":  # a / b is a * b ** -1
        return _apply("mul", _lift(a), _apply("pow", _lift(b), -1.0))
    if kind == "neg":
        return _apply("mul", a, -1.0)
    if kind == "pow":
        return _Node(a.data ** b, [(a, _local("pow", a.data, b)[0])])
    import math

    value = {"exp": math.exp, "log": math.log, "tanh": math.tanh,
             "relu": lambda v: max(v, 0.0)}[kind](a.data)
    return _Node(value, [(a, _local(kind, a.data)[0])])


MAX_VISITS = 100_000


def _gradients(answer: dict, bug: str) -> list[float] | None:
    nodes: list = []
    for kind, arg in answer["steps"]:
        if kind == "leaf":
            nodes.append(_Node(float(arg)))
        elif kind == "const":
            nodes.append(float(arg))
        else:
            operands = [nodes[int(k)] for k in arg]
            if kind == "pow":
                operands[1] = float(operands[1])
            nodes.append(_apply(kind, *operands))
    out = nodes[int(answer["out"])]
    out.grad = 1.0

    def send(v):
        for p, local in v.prev:
            p.grad = local * v.grad if bug == "overwrite" else p.grad + local * v.grad

    if bug == "no_topological_order":  # each node passes its grad on once per path
        todo, visits = [out], 0
        while todo:
            v = todo.pop()
            send(v)
            todo += [p for p, _ in reversed(v.prev)]
            visits += 1
            if visits > MAX_VISITS:
                return None
    else:  # depth-first post-order, reversed: a topological order
        order, seen, stack = [], set(), [(out, False)]
        while stack:
            v, done = stack.pop()
            if done:
                order.append(v)
            elif id(v) not in seen:
                seen.add(id(v))
                stack.append((v, True))
                stack.extend((p, False) for p, _ in v.prev)
        for v in reversed(order):
            send(v)
    return [nodes[int(k)].grad for k in answer["leaves"]]


def exposes(bug: str, answer, *, want=None, data=None) -> str | None:
    """The expression gets a wrong leaf gradient from the engine with ``bug``."""
    if not isinstance(answer, dict) or not answer.get("leaves"):
        return "failing_expression(S) must return (leaves, output) built with S"
    if len(answer["steps"]) >= 500:
        return "the expression is too large (keep it under 500 steps)"
    right, buggy = _gradients(answer, ""), _gradients(answer, bug)
    if buggy is None:
        return "the expression has too many paths (keep it under 100,000)"
    right, buggy = np.array(right), np.array(buggy)
    if np.any(np.abs(right - buggy) > 1e-9 * (1 + np.abs(right))):
        return None
    return f"the engine with the {bug.replace('_', ' ')} bug gets this expression right"


CHECKERS = {"each_within": each_within, "directional": directional,
            "topological": topological, "exposes": exposes}
