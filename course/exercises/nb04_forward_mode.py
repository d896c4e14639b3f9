"""Lesson 4 exercises: dual numbers, JVPs, forward-mode Jacobians, a loop differentiated."""

from __future__ import annotations

import numpy as np

import minigrad
from minigrad.autograd import functional

from .. import drivers
from . import arr, exercise, f


def _t(x, requires_grad: bool = False):
    return minigrad.tensor(np.asarray(x, dtype=np.float64), dtype=minigrad.float64,
                           requires_grad=requires_grad)


def _value(program: str) -> dict:
    return {"value": program}


def _derivative(program: str, x: float) -> dict:
    """The value and derivative of ``program`` at x, by minigrad's reverse mode."""
    t = _t(x, requires_grad=True)
    y = drivers.evaluate(program, t)
    y.backward()
    return {"primal": y.item(), "tangent": t.grad.item()}


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
]

#: Visible: one program per operation the statement names (policy 5), each at a point
#: where a wrong rule shows, so that a wrong __rsub__, tanh' or comparison fails visibly.
_ONE_PER_OP = [
    [_value("x + 2.5"), f(0.7)], [_value("2.5 + x"), f(0.7)],
    [_value("x - 2.5"), f(0.7)], [_value("2.5 - x"), f(0.7)],
    [_value("x * 3.0"), f(0.7)], [_value("3.0 * x * x"), f(0.7)],
    [_value("x / 3.0"), f(0.7)], [_value("3.0 / x"), f(0.7)], [_value("(x * x) / (x + 1)"), f(0.7)],
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
    [_value("(x + x.sin()).exp() / (1 + x ** 2)"), f(-0.4)],
]

exercise(
    id="nb04.Dual", name="Dual", points=4, by_hand=True, driver="nb04_dual",
    signature="Dual(x, 1.0) through a program", sample=_program_case,
    reference=_derivative, rtol=1e-9, atol=1e-12, visible=2, hidden=40,
    visible_cases=_ONE_PER_OP,
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


exercise(
    id="nb04.jvp", name="jvp", points=2, by_hand=True, driver="nb04_jvp",
    builds_on=["nb04.Dual"],
    signature="jvp(f, x, v)", sample=_vector_case, reference=_jvp, rtol=1e-9, atol=1e-12,
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
    edge_cases=[[f(2.0), {"int": 0}], [f(2.0), {"int": 5}], [f(100.0), {"int": 12}],
                [f(1.0), {"int": 3}]],
    hint="start at t = (1 + x) / 2 and repeat n times t = (t + x / t) / 2, using only "
         "arithmetic (no math.sqrt), so that the same loop runs on floats and on Duals.",
    # Starting from x with n updates gives exactly the iterate of starting from (1 + x) / 2
    # with n - 1 updates ((x + x / x) / 2 = (1 + x) / 2), so the two mistakes give the same
    # answer for n >= 1 and the hint names both; for n = 0 only the start is wrong.
    mistakes=[
        ("one update short: either you start from t = x (whose first update is just "
         "(1 + x) / 2) or your loop runs n - 1 times; start at t = (1 + x) / 2 and update "
         "exactly n times (n = 0 returns (1 + x) / 2).",
         lambda x, n: _babylonian_from_x(x, n)),
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
