"""Lesson 5 exercises: a scalar reverse-mode engine, written by the student, checked
against minigrad on random expressions (run with minigrad blocked: by_hand)."""

from __future__ import annotations

import math

import numpy as np

import minigrad
from course import drivers
from course.checkers import _reachable  # (the checker of any valid order uses it too)

from . import exercise, f

_BINARY = ["add", "sub", "mul", "div"]
_UNARY = ["pow", "neg", "exp", "log", "tanh", "relu"]
# Every operation of drivers.NB05_OPS: the primitives students write rules for, and the
# compositions (sub, div, neg, a + 2, 2 * a) whose gradients come from those rules.
_RULES = list(drivers.NB05_OPS)
_EXPONENTS = [2, 3, -1, -2, 0.5, 1.5]


def _value(x) -> dict:
    return {"value": x}


def _float_of(op: str, a: float, b: float) -> float | None:
    """The value of one step, or None when it leaves the safe domain (CS231n's rules:
    away from kinks and from the edges of log, division and fractional powers)."""
    if op == "div" and abs(b) < 0.3:
        return None
    if op == "log" and a < 0.2:
        return None
    if op == "relu" and abs(a) < 0.1:
        return None
    if op == "exp" and abs(a) > 3:
        return None
    if op == "pow" and (abs(a) < 0.3 or (a < 0 and b != int(b))):
        return None
    arity, apply = drivers.NB05_OPS[op]
    out = apply(np.float64(a), np.float64(b)) if arity == 2 else _numpy_unary(op, a, b)
    return float(out) if math.isfinite(out) and abs(out) < 30 else None


def _numpy_unary(op: str, a: float, c: float) -> float:
    return {"addc": lambda: a + c, "rmulc": lambda: c * a, "pow": lambda: a**c,
            "neg": lambda: -a, "exp": lambda: math.exp(a), "log": lambda: math.log(a),
            "tanh": lambda: math.tanh(a), "relu": lambda: max(a, 0.0)}[op]()


def _reference_grads(leaves: list[float], program: list) -> list[float]:
    """Leaf gradients of the same program, built in minigrad."""
    def make(x: float):
        return minigrad.tensor(x, dtype=minigrad.float64, requires_grad=True)

    xs, out = drivers.nb05_build(make, leaves, program)
    out.backward()
    return [0.0 if x.grad is None else x.grad.item() for x in xs]


# 5.1 Local backward rules ----------------------------------------------------------------

def _rule_case(rng: np.random.Generator) -> list:
    op = str(rng.choice(_RULES))
    same = op in _BINARY and rng.random() < 0.35
    while True:
        x = float(rng.uniform(-2.5, 2.5))
        y = float(rng.choice(_EXPONENTS)) if op == "pow" else float(rng.uniform(-2.5, 2.5))
        if _float_of(op, x, x if same else y) is not None:
            return [_value(op), f(x), f(y), f(rng.uniform(-2, 2)), _value(same)]


def _rule_reference(op: str, x: float, y: float, g: float, same: bool) -> list[float]:
    arity, apply = drivers.NB05_OPS[op]
    a = minigrad.tensor(x, dtype=minigrad.float64, requires_grad=True)
    b = (a if same else minigrad.tensor(y, dtype=minigrad.float64, requires_grad=True)
         ) if arity == 2 else y
    out = apply(a, b)
    out.backward(minigrad.tensor(g, dtype=minigrad.float64))
    grads = [a.grad.item()] + ([b.grad.item()] if arity == 2 else [])
    if same:
        grads = [grads[0], grads[0]]  # one Scalar: its grad is the sum of both paths
    return [out.item()] + grads


def _overwriting(op: str, x: float, y: float, g: float, same: bool) -> list[float]:
    """What rules that assign (grad = ...) instead of adding give on a + a and a * a:
    the second write wins."""
    last = {"add": g, "mul": x * g}.get(op) if same else None
    if last is None:
        return [math.nan]
    return [_rule_reference(op, x, y, g, same)[0], last, last]


def _tanh_of_input(op: str, x: float, y: float, g: float, same: bool) -> list[float]:
    """tanh's rule written 1 - x**2 (the input) instead of 1 - tanh(x)**2 (the output)."""
    if op != "tanh":
        return [math.nan]
    return [math.tanh(x), (1 - x * x) * g]


def _unswapped_mul(op: str, x: float, y: float, g: float, same: bool) -> list[float]:
    """a * b's rule with each input's own value: a.grad += a.data * g."""
    if op != "mul" or same:
        return [math.nan]
    return [x * y, x * g, y * g]


def _pow_k_x_k(op: str, x: float, y: float, g: float, same: bool) -> list[float]:
    """The power rule written k * x**k instead of k * x**(k - 1)."""
    if op != "pow":
        return [math.nan]
    return [x**y, y * x**y * g]


# Policy: the visible cases cover every operation once, and a + a, a - a, a * a, a / a
# (one Scalar used as both inputs), so that each rule, and += in the binary ones, is
# checked visibly; the random ones add other numbers.  The rules are exact: rtol 1e-9.
_VISIBLE = ([[_value(op), f(x), f(y), f(g), _value(False)] for op, x, y, g in [
    ("add", 0.8, -1.7, 1.3), ("sub", 1.1, 0.6, -0.9), ("mul", 1.7, -0.6, 0.8),
    ("div", 1.3, -1.9, 1.1), ("addc", -0.7, 2.5, 1.6), ("rmulc", 1.4, -1.5, 0.6),
    ("pow", 1.6, 3.0, 0.7), ("neg", 0.9, 0.0, 1.2), ("exp", 0.6, 0.0, -1.4),
    ("log", 1.8, 0.0, 0.9), ("tanh", 0.7, 0.0, 1.5), ("relu", 1.2, 0.0, -0.8),
    ("relu", -0.9, 0.0, 1.1)]]
    + [[_value(op), f(x), f(x), f(g), _value(True)] for op, x, g in [
        ("add", 1.3, 0.6), ("sub", -0.4, 1.7), ("mul", 1.9, -0.5), ("div", 0.8, 1.2)]])


_EDGES = [[_value("add"), f(1.5), f(1.5), f(1.0), _value(True)],  # the `a + a` bug
          [_value("mul"), f(-1.2), f(-1.2), f(0.7), _value(True)],
          [_value("relu"), f(-0.8), f(0.0), f(2.0), _value(False)],
          [_value("pow"), f(2.0), f(0.5), f(1.0), _value(False)],
          [_value("sub"), f(0.9), f(0.9), f(1.4), _value(True)],
          [_value("div"), f(-1.5), f(-1.5), f(0.3), _value(True)],
          [_value("tanh"), f(-1.1), f(0.0), f(0.6), _value(False)],
          [_value("pow"), f(-1.4), f(-2.0), f(1.2), _value(False)]]

exercise(
    id="nb05.Scalar", name="Scalar", points=4, by_hand=True, driver="nb05_local_rule",
    signature="Scalar: one operation's _backward", sample=_rule_case,
    reference=_rule_reference, rtol=1e-9, atol=1e-12, visible=2, hidden=40,
    visible_cases=_VISIBLE, edge_cases=_EDGES,
    hint="each rule adds (+=) local derivative times out.grad to each input's grad.",
    mistakes=[
        ("when both inputs are the same Scalar (a + a, a * a), the rule runs for both and "
         "the two contributions must add up: use +=, not =.", _overwriting),
        ("tanh's derivative is 1 - tanh(x)**2: use the output (out.data), not the input.",
         _tanh_of_input),
        ("in a * b, a's local derivative is b (and b's is a): the rule swaps the inputs.",
         _unswapped_mul),
        ("the power rule is d(x**k)/dx = k * x**(k - 1).", _pow_k_x_k),
    ],
)


# 5.2 Topological order -------------------------------------------------------------------

def _dag_case(rng: np.random.Generator) -> list:
    """Parent lists of a random DAG: node k's parents come from nodes 0..k-1; repeated
    parents (a + a), diamonds and nodes the root does not depend on all occur."""
    n = int(rng.integers(4, 16))
    parents = [[] for _ in range(int(rng.integers(1, 4)))]
    while len(parents) < n:
        k = len(parents)
        if rng.random() < 0.15:
            p = int(rng.integers(0, k))
            parents.append([p, p])
        else:
            m = int(rng.integers(1, 3))
            near = rng.integers(max(0, k - 4), k, size=m)  # mostly recent nodes: long chains
            far = rng.integers(0, k, size=m)
            pick = rng.random(m) < 0.6
            parents.append([int(p) for p in np.where(pick, near, far)])
    return [_value(parents)]


def _toposort_reference(parents: list) -> list[int]:
    """One right answer: the nodes the root depends on, parents first (by index)."""
    return sorted(_reachable(parents))


exercise(
    id="nb05.topological_sort", name="topological_sort", points=3, by_hand=True,
    driver="nb05_toposort", signature="topological_sort(root)", sample=_dag_case,
    reference=_toposort_reference, accept="topological", visible=4, hidden=30,
    # Policy: the visible cases have the kinds of the hidden edge cases (a lone root, a
    # repeated parent, a diamond, two diamonds with a node the root does not depend on).
    visible_cases=[[_value([[]])], [_value([[], [0], [1, 1]])],
                   [_value([[], [0], [0], [2, 1]])],
                   [_value([[], [], [1, 0], [1], [0, 3], [2, 4], [3], [5, 5]])]],
    edge_cases=[[_value([[]])], [_value([[], [0, 0]])], [_value([[], [0], [0], [1, 2]])],
                [_value([[], [], [0, 1], [0, 1], [2, 3], [4, 4]])]],
    hint="depth-first search: visit every parent first, then append the node; keep a set "
         "of visited nodes, so that a node reached along two paths (a diamond, a + a) is "
         "listed once.",
)


# 5.3 backward on whole expressions -------------------------------------------------------

def _expression_case(rng: np.random.Generator) -> list:
    """A random expression with shared subexpressions: operands are drawn from all the
    nodes so far (recent ones more often), sometimes the same node twice."""
    leaves = [float(x) for x in rng.uniform(-2, 2, int(rng.integers(2, 5)))]
    values = list(leaves)
    program = []
    steps = int(rng.integers(5, 14))
    while len(program) < steps:
        op = str(rng.choice(_BINARY + _UNARY + ["addc", "rmulc"]))
        k = len(values)
        i = int(rng.integers(max(0, k - 3), k)) if rng.random() < 0.6 else int(rng.integers(k))
        if op in _BINARY:
            j = i if rng.random() < 0.2 else int(rng.integers(k))
            b = values[j]
        else:
            j = float(rng.choice(_EXPONENTS)) if op == "pow" else float(
                np.round(rng.uniform(-2, 2), 2))
            b = j
        value = _float_of(op, values[i], b)
        if value is not None:
            program.append([op, i, j])
            values.append(value)
    return [_value(leaves), _value(program)]


exercise(
    id="nb05.backward", name="backward", points=4, by_hand=True, driver="nb05_expression",
    builds_on=["nb05.Scalar", "nb05.topological_sort"],
    signature="out.backward()", sample=_expression_case,
    reference=_reference_grads, rtol=1e-7, atol=1e-9, visible=5, hidden=60,
    # Policy: the visible cases have the kinds of the hidden edge cases (a + a, a shared
    # product, a shared tanh), and a leaf the output does not depend on (its grad stays 0).
    visible_cases=[[_value([-0.8]), _value([["add", 0, 0]])],
                   [_value([1.5, -0.5]), _value([["mul", 1, 0], ["add", 2, 1], ["mul", 2, 3]])],
                   [_value([-0.4]), _value([["tanh", 0, 0], ["mul", 1, 1], ["add", 2, 1]])],
                   [_value([1.2, 0.5]), _value([["exp", 0, 0], ["mul", 2, 2]])]],
    edge_cases=[[_value([1.5]), _value([["add", 0, 0]])],
                [_value([2.0, -3.0]), _value([["mul", 0, 1], ["add", 2, 0], ["mul", 3, 2]])],
                [_value([0.7]), _value([["tanh", 0, 0], ["mul", 1, 1], ["mul", 2, 1]])]],
    hint="set the output's grad to 1, then call _backward on every node in reverse "
         "topological order (the output first), each exactly once.",
)


# 5.4 Find the bug ------------------------------------------------------------------------

exercise(
    id="nb05.failing_expression", name="failing_expression", points=3, by_hand=True,
    driver="nb05_find_the_bug", signature="failing_expression(S)",
    sample=lambda rng: [_value(str(rng.choice(["overwrite", "no_topological_order"])))],
    reference=lambda bug: "an expression on which the engine with this bug is wrong",
    accept="exposes", visible=2, hidden=4,
    edge_cases=[[_value("overwrite")], [_value("no_topological_order")]],
    hint="the overwrite bug shows when a Scalar is used twice; the order bug needs an "
         "intermediate result used twice, so that its grad is passed on before it is complete.",
)
