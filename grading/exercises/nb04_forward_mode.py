"""Lesson 4 exercises: dual numbers, JVPs, forward-mode Jacobians, a loop differentiated."""

from __future__ import annotations

import numpy as np

import minigrad
from course import drivers
from minigrad.autograd import functional

from . import arr, exercise, f


def _t(x, requires_grad: bool = False):
    return minigrad.tensor(np.asarray(x, dtype=np.float64), dtype=minigrad.float64,
                           requires_grad=requires_grad)


def _value(program: str) -> dict:
    return {"value": program}


def _derivative(program: str, x) -> dict:
    """The value and tangent of ``program`` at Dual(x, 1) (ones for an array x), by
    minigrad's forward mode (functional.jvp)."""
    y, out = functional.jvp(lambda t: drivers.evaluate(program, t), _t(x),
                            _t(np.ones_like(np.asarray(x, dtype=np.float64))))
    return {"primal": y.numpy(), "tangent": out.numpy()}


def _show_dual(program: dict, x: dict) -> str:
    """A Dual case (encoded arguments) as code to paste: what the driver runs."""
    start = f"np.array({x['array']})" if "array" in x else repr(x["float"])
    return f"x = Dual({start}, 1.0)\ny = {program['value']}\nprint(y.primal, y.tangent)"


def _program_case(rng: np.random.Generator) -> list:
    return [_value(drivers.random_program(rng, int(rng.integers(1, 4)))),
            f(rng.uniform(-2, 2))]


#: Every operation a Dual must support, at least once (x > 0 for log and sqrt).
_EVERY_OP = [
    [_value("(x.exp() + x.log()) / x ** 2 - 3 / x + x.sqrt() * x.tanh()"), f(1.7)],
    [_value("2 - x * x.cos() + (1 + x).sin() - (-x) * 0.5"), f(0.4)],
    [_value("x.sum() * 2 if x > 1 else -x"), f(1.5)],
    [_value("x.sum() * 2 if x > 1 else -x"), f(0.5)],
    [_value("x ** 2 if x <= 1 else 3 - x"), f(1.0)],
    [_value("x ** 2 if x >= 1 else 3 - x"), f(0.99)],
    [_value("1 / (x * x + 1) if x < 0 else x ** 3"), f(-0.8)],
    [_value("5 * (x + 2) ** 2"), f(1.0)],
    [_value("(2 * x).sin() + (x * x).cos() + (0.5 * x).exp() + (x * x).log() + (3 * x).sqrt() "
            "+ (x / 2).tanh() + (x * x).sum()"), f(1.3)],
    # comparisons at equality (< and > are strict, <= and >= are not)
    *[[_value(f"x * 3 if x {op} 1.5 else x * x"), f(1.5)] for op in ("<", ">", "<=", ">=")],
    # powers that are not positive integers
    [_value("(x + 1) ** 0.5 + x ** -2 + x ** 1.5"), f(0.8)],
    # array primals and tangents (section 4.2 runs the same class on arrays)
    [_value("(x.exp() + x.log()) / x ** 2 - 3 / x + x.sqrt() * x.tanh() + x.sin() * x.cos()"),
     arr([0.3, 1.1, 2.4])],
    [_value("x * (x * x).sum() + (2 - x) / (1 + x ** 2)"), arr([-1.2, 0.4])],
]

#: Visible: one program per operation the statement names (policy 5), each at a point
#: where a wrong rule shows, so that a wrong __rsub__, tanh' or comparison fails visibly.
_ONE_PER_OP = [
    [_value("x + 2.5"), f(0.7)], [_value("2.5 + x"), f(0.7)],
    [_value("x - 2.5"), f(0.7)], [_value("2.5 - x"), f(0.7)],
    [_value("x * 3.0"), f(0.7)], [_value("3.0 * x * x"), f(0.7)],
    [_value("x / 3.0"), f(0.7)], [_value("3.0 / x"), f(0.7)], [_value("(x * x) / (x + 1)"), f(0.7)],
    # x used again after x + c, x - c: an operator that changes its Dual in place shows
    [_value("(x + 2.5) * x"), f(0.7)], [_value("(x - 2.5) / x"), f(0.7)],
    [_value("-x * x"), f(0.7)], [_value("(2 * x) ** 3"), f(1.3)],
    [_value("(2 * x).sin()"), f(0.9)], [_value("(2 * x).cos()"), f(0.9)],
    [_value("(2 * x).exp()"), f(0.9)],
    [_value("(2 * x).log()"), f(1.9)], [_value("(2 * x).sqrt()"), f(1.9)],
    [_value("(2 * x).tanh()"), f(0.9)],
    [_value("(x * x).sum()"), f(0.9)],
    [_value("x * x if x < 1 else -x"), f(0.6)], [_value("x * x if x < 1 else -x"), f(1.6)],
    [_value("x * x if x > 1 else -x"), f(0.6)], [_value("x * x if x > 1 else -x"), f(1.6)],
    [_value("x * x if x <= 1 else -x"), f(0.6)], [_value("x * x if x <= 1 else -x"), f(1.6)],
    [_value("x * x if x >= 1 else -x"), f(0.6)], [_value("x * x if x >= 1 else -x"), f(1.6)],
    # the comparisons at equality, as in the hidden cases (other numbers)
    [_value("x * x if x < 1 else -x"), f(1.0)], [_value("x * x if x > 1 else -x"), f(1.0)],
    [_value("x * x if x <= 1 else -x"), f(1.0)], [_value("x * x if x >= 1 else -x"), f(1.0)],
    [_value("x ** 0.5 + x ** -1"), f(1.7)],
    [_value("(x + x.sin()).exp() / (1 + x ** 2)"), f(-0.4)],
    # array primals: NumPy functions (np.sin, ...), and sum adds up the tangents too
    [_value("x.sin() + x.cos() + x.exp() + x.log() + x.sqrt() + x.tanh() + 1 / x"),
     arr([0.5, 1.5])],
    [_value("(x * x).sum() * x - 2"), arr([0.5, -1.0, 2.0])],
]

exercise(
    id="nb04.Dual", name="Dual", points=4, by_hand=True, driver="nb04_dual",
    signature="Dual(x, 1.0) through a program", sample=_program_case,
    reference=_derivative, rtol=1e-9, atol=1e-12, visible=2, hidden=40,
    # Exact (forward-mode AD): judged to a few float64 roundings; a float32 Dual is
    # judged at float32 precision (policy 1, 2).  Array cases: the statement asks for a
    # class that also works on arrays (NumPy functions), which jvp and jacobian_fwd need,
    # so that a Dual that only works on floats loses this exercise, not the next ones.
    visible_cases=_ONE_PER_OP, show=_show_dual,
    edge_cases=_EVERY_OP,
    hint="every operation returns a new Dual: the primal as usual, the tangent by the "
         "derivative rule (product rule for *, quotient rule for /, chain rule for sin, "
         "exp, ...). Plain numbers on either side are duals with tangent 0 (__radd__, "
         "__rsub__, __rmul__, __rtruediv__).",
)


def _vector_case(rng: np.random.Generator) -> list:
    n = int(rng.integers(2, 6))
    program = drivers.NB04_VECTOR_PROGRAMS[rng.integers(len(drivers.NB04_VECTOR_PROGRAMS))]
    return [_value(program), arr(rng.uniform(-1, 1, n)), arr(rng.normal(0, 1, n))]


def _jvp(program: str, x: np.ndarray, v: np.ndarray) -> dict:
    _, out = functional.jvp(lambda t: drivers.evaluate(program, t), _t(x), _t(v))
    return {"jvp": out.numpy(), "one_call": True}


#: Visible: every vector program once (each has a Jacobian that is not diagonal), a unit
#: tangent (one column of J, as in the hidden edge case) and a single input (n = 1).
_JVP_VISIBLE = [
    [_value("x * x.sum()"), arr([2.0, -1.0, 0.5]), arr([0.0, 1.0, 0.0])],
    [_value("x * x.sum()"), arr([0.4, 1.5]), arr([-1.0, 2.0])],
    [_value("(x.exp() + 1).log() * x.sin().sum()"), arr([0.3, -0.8, 0.6]),
     arr([1.0, 0.5, -2.0])],
    [_value("x / ((x * x).sum() + 1).sqrt()"), arr([0.7, -0.2, 0.9, 0.1]),
     arr([0.3, 1.0, -0.6, 2.0])],
    [_value("(0.5 * x + x.sum()).tanh()"), arr([0.2, -0.5]), arr([1.5, -0.5])],
    [_value("x ** 3 / 3 - x * (x * x).sum()"), arr([0.6, -0.4, 0.8]), arr([-1.0, 0.7, 0.2])],
    [_value("x.cos() * x.exp().sum() + 2 * x"), arr([1.2]), arr([-0.5])],
]

exercise(
    id="nb04.jvp", name="jvp", points=2, by_hand=True, driver="nb04_jvp",
    builds_on=["nb04.Dual"],
    signature="jvp(f, x, v)", sample=_vector_case, reference=_jvp, rtol=1e-9, atol=1e-12,
    visible_cases=_JVP_VISIBLE,
    edge_cases=[[_value("x * x.sum()"), arr([1.0, 2.0, 3.0]), arr([1.0, 0.0, 0.0])]],
    hint="run f once on Dual(x, v): the tangent of the result is J v. Your Dual's methods "
         "must use NumPy functions (np.sin, ...) so that they work on arrays.",
    mistakes=[
        ("call f only once: one forward pass with tangent v gives the whole product J v.",
         lambda program, x, v: {**_jvp(program, x, v), "one_call": False}),
    ],
)


def _jacobian(program: str, x: np.ndarray) -> dict:
    J = functional.jacobian(lambda t: drivers.evaluate(program, t), _t(x))
    return {"jacobian": J.numpy(), "passes": len(x)}


exercise(
    id="nb04.jacobian_fwd", name="jacobian_fwd", points=3, by_hand=True,
    builds_on=["nb04.jvp"],
    driver="nb04_jacobian", signature="jacobian_fwd(f, x)",
    sample=lambda rng: _vector_case(rng)[:2], reference=_jacobian, rtol=1e-9, atol=1e-12,
    # Visible: the hidden edge cases' kinds (x * x.sum(), a single input: a 1 x 1
    # Jacobian) with other numbers, and every vector program once.
    visible_cases=[[_value("x * x.sum()"), arr([-1.5])], *[c[:2] for c in _JVP_VISIBLE]],
    edge_cases=[[_value("x * x.sum()"), arr([1.0, 2.0, 3.0])], [_value("x * x.sum()"), arr([2.0])]],
    hint="column j of the Jacobian is J e_j, one jvp with the j-th unit vector as tangent: "
         "n forward passes for n inputs, stacked as columns (np.stack(..., axis=1)).",
    mistakes=[
        ("J e_j is a *column* of J: stack the JVPs along axis 1, not as rows.",
         lambda program, x: {"jacobian": _jacobian(program, x)["jacobian"].T,
                             "passes": len(x)}),
    ],
)


def _babylonian(x: float, n: int) -> dict:
    xt = _t(x, requires_grad=True)
    t = (1 + xt) / 2
    for _ in range(n):
        t = (t + xt / t) / 2
    t.backward()
    return {"float": t.item(), "primal": t.item(), "tangent": xt.grad.item()}


exercise(
    id="nb04.babylonian", name="babylonian", points=2, by_hand=True,
    builds_on=["nb04.Dual"],  # its check runs babylonian on your Dual
    driver="nb04_babylonian", signature="babylonian(x, n)",
    sample=lambda rng: [f(10 ** rng.uniform(-1, 2)), {"int": int(rng.integers(0, 9))}],
    reference=_babylonian, rtol=1e-9, atol=1e-12,
    # Visible: the hidden edge cases' kinds with other numbers: n = 0 first (t_0 itself,
    # where a wrong start shows on its own), x = 1 (the start is the fixed point), many
    # updates at a large x.
    visible_cases=[[f(3.0), {"int": 0}], [f(3.0), {"int": 4}], [f(50.0), {"int": 10}],
                   [f(1.0), {"int": 2}]],
    edge_cases=[[f(2.0), {"int": 0}], [f(2.0), {"int": 5}], [f(100.0), {"int": 12}],
                [f(1.0), {"int": 3}]],
    hint="start at t = (1 + x) / 2 and repeat n times t = (t + x / t) / 2, using only "
         "arithmetic (no math.sqrt), so that the same loop runs on floats and on Duals.",
    # Starting from x (or from 1) with n updates gives exactly the iterate of starting from
    # (1 + x) / 2 with n - 1 updates ((x + x / x) / 2 = (1 + 1 / 1 * x) / 2 = (1 + x) / 2),
    # so for n >= 1 the numbers cannot tell the two apart: that hint leads with the loop
    # count and names the start as the other cause.  Only n = 0 (t_0 itself, where n - 1
    # updates are none) shows a wrong start on its own; the visible cases begin with it.
    mistakes=[
        ("with n = 0 updates babylonian returns t_0 = (1 + x) / 2: start the loop from "
         "t = (1 + x) / 2, not from t = x.",
         lambda x, n: _babylonian_from_x(x, n) if n == 0 else None),
        ("one update too few: update exactly n times, for _ in range(n) (not range(n - 1) "
         "or range(1, n)), from t_0 = (1 + x) / 2. (A loop that starts from t = x or t = 1 "
         "gives these numbers too: its first update only reaches (1 + x) / 2.)",
         lambda x, n: _babylonian(x, n - 1) if n >= 1 else None),
        ("one update too many: start at t = (1 + x) / 2 and update exactly n times "
         "(range(n)).", lambda x, n: _babylonian(x, n + 1)),
    ],
)


def _babylonian_from_x(x: float, n: int) -> dict:
    xt = _t(x, requires_grad=True)
    t = xt
    for _ in range(n):
        t = (t + xt / t) / 2
    t.backward()
    return {"float": t.item(), "primal": t.item(), "tangent": xt.grad.item()}
