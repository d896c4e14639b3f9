"""Lesson 3 exercises: evaluation traces, forward tangents, reverse adjoints, staged backprop."""

from __future__ import annotations

import math

import numpy as np

import minigrad
from minigrad.autograd import forward_ad

from . import exercise, f

KEYS = ["v-1", "v0", "v1", "v2", "v3", "v4", "v5"]


def baydin_trace(x1, x2) -> dict:
    """The evaluation trace of f(x1, x2) = ln x1 + x1 x2 - sin x2 (Baydin et al.), on
    numbers or tensors: v-1 = x1, v0 = x2, v1 = ln v-1, v2 = v-1 v0, v3 = sin v0,
    v4 = v1 + v2, v5 = v4 - v3."""
    v = {"v-1": x1, "v0": x2}
    v["v1"] = v["v-1"].log()
    v["v2"] = v["v-1"] * v["v0"]
    v["v3"] = v["v0"].sin()
    v["v4"] = v["v1"] + v["v2"]
    v["v5"] = v["v4"] - v["v3"]
    return v


def _t(x, requires_grad: bool = False):
    return minigrad.tensor(x, dtype=minigrad.float64, requires_grad=requires_grad)


def _primal(x1, x2) -> dict:
    return {k: t.item() for k, t in baydin_trace(_t(x1), _t(x2)).items()}


def _tangents(x1, x2, dx1, dx2) -> dict:
    with forward_ad.dual_level():
        trace = baydin_trace(forward_ad.make_dual(_t(x1), _t(dx1)),
                             forward_ad.make_dual(_t(x2), _t(dx2)))
        return {k: forward_ad.unpack_dual(t).tangent.item() for k, t in trace.items()}


def _adjoints(x1, x2) -> dict:
    trace = baydin_trace(_t(x1, True), _t(x2, True))
    for k in KEYS[2:]:
        trace[k].retain_grad()
    trace["v5"].backward()
    return {k: t.grad.item() for k, t in trace.items()}


def _primal_with(x1, x2, log=math.log) -> dict:
    """The trace computed with math (``log``: the logarithm used for v1)."""
    v = {"v-1": x1, "v0": x2, "v1": log(x1), "v2": x1 * x2, "v3": math.sin(x2)}
    v["v4"] = v["v1"] + v["v2"]
    v["v5"] = v["v4"] - v["v3"]
    return v


def _point(rng: np.random.Generator) -> list:
    return [f(rng.uniform(0.2, 4.0)), f(rng.uniform(-4.0, 4.0))]


exercise(
    id="nb03.primal_trace", name="primal_trace", points=2,
    signature="primal_trace(x1, x2)", sample=_point, reference=_primal, rtol=1e-9,
    edge_cases=[[f(2.0), f(5.0)]],
    visible_cases=[[f(3.0), f(6.0)]],  # (like the table's point) x2 outside the random range
    hint="one line per intermediate, in order: v1 = log v-1, v2 = v-1 * v0, "
         "v3 = sin v0, v4 = v1 + v2, v5 = v4 - v3; return all seven, keyed 'v-1' ... 'v5'.",
    mistakes=[
        ("v1 = ln v-1 is the natural logarithm: math.log, not math.log10.",
         lambda x1, x2: _primal_with(x1, x2, math.log10)),
        ("keep every value at full precision: the table rounds to four decimals, the trace "
         "must not.",
         lambda x1, x2: {k: round(v, 4) for k, v in _primal_with(x1, x2).items()}),
    ],
)


def _direction(rng: np.random.Generator) -> list:
    return _point(rng) + [f(rng.normal()), f(rng.normal())]


def _tangents_with(x1, x2, d1, d2, v1=None, v3=None) -> dict:
    """The tangents by the rules, with ``v1`` or ``v3`` replaced (typical mistakes)."""
    t = {"v-1": d1, "v0": d2, "v1": d1 / x1 if v1 is None else v1, "v2": d1 * x2 + x1 * d2,
         "v3": math.cos(x2) * d2 if v3 is None else v3}
    t["v4"] = t["v1"] + t["v2"]
    t["v5"] = t["v4"] - t["v3"]
    return t


def _adjoints_with(x1, x2, seed=1.0, swap=True) -> dict:
    """The adjoints by the rules (``seed``: that of v5; ``swap``: the multiply gate's)."""
    a = {"v5": seed, "v4": seed, "v3": -seed, "v2": seed, "v1": seed}
    a["v0"] = a["v3"] * math.cos(x2) + a["v2"] * (x1 if swap else x2)
    a["v-1"] = a["v2"] * (x2 if swap else x1) + a["v1"] / x1
    return a


def _overwritten(x1, x2) -> dict:
    out = _adjoints(x1, x2)
    out["v-1"], out["v0"] = x2, x1  # only the contribution of v2 = v-1 * v0 survives
    return out


exercise(
    id="nb03.tangent_trace", name="tangent_trace", points=3, by_hand=True,
    builds_on=["nb03.primal_trace"],  # an answer may take the values from primal_trace
    signature="tangent_trace(x1, x2, dx1, dx2)", sample=_direction, reference=_tangents,
    rtol=1e-9, atol=1e-12,
    edge_cases=[[f(2.0), f(5.0), f(1.0), f(0.0)], [f(2.0), f(5.0), f(0.0), f(1.0)]],
    # the two basis directions (one sweep per partial derivative), as in the hidden cases
    visible_cases=[[f(1.5), f(-2.0), f(1.0), f(0.0)], [f(1.5), f(-2.0), f(0.0), f(1.0)]],
    hint="go forward, line by line: the tangent of each v_i is the sum over its inputs v_j "
         "of (dv_i/dv_j) * tangent of v_j; e.g. the tangent of v2 = v-1 * v0 is "
         "dv-1 * v0 + v-1 * dv0.",
    mistakes=[
        ("the product rule: the tangent of v-1 * v0 is dv-1 * v0 + v-1 * dv0, not "
         "dv-1 * dv0.",
         lambda x1, x2, d1, d2: {**_tangents(x1, x2, d1, d2), "v2": d1 * d2,
                                 "v4": d1 / x1 + d1 * d2,
                                 "v5": d1 / x1 + d1 * d2 - math.cos(x2) * d2}),
        ("the tangent of v3 = sin v0 is cos(v0) * dv0 (d sin = +cos).",
         lambda x1, x2, d1, d2: _tangents_with(x1, x2, d1, d2, v3=-math.cos(x2) * d2)),
        ("the chain rule: the tangent of v1 = ln v-1 is dv-1 / v-1 (times the inner "
         "tangent), not 1 / v-1.",
         lambda x1, x2, d1, d2: _tangents_with(x1, x2, d1, d2, v1=1 / x1)),
    ],
)

exercise(
    id="nb03.adjoint_trace", name="adjoint_trace", points=3, by_hand=True,
    builds_on=["nb03.primal_trace"],
    signature="adjoint_trace(x1, x2)", sample=_point, reference=_adjoints,
    rtol=1e-9, atol=1e-12, edge_cases=[[f(2.0), f(5.0)]],
    visible_cases=[[f(3.0), f(6.0)]],  # (like the table's point) x2 outside the random range
    hint="go backward from v5 (adjoint 1): the adjoint of v_j is the sum, over every v_i "
         "that uses v_j, of adjoint(v_i) * dv_i/dv_j. x1 and x2 are each used twice.",
    mistakes=[
        ("x1 and x2 are each used twice (a fork): add the adjoints of both uses with +=, "
         "do not overwrite the first with the second.", _overwritten),
        ("v5 = v4 - v3: the adjoint of v3 is -1, and d sin(v0)/dv0 = cos v0.",
         lambda x1, x2: {**_adjoints(x1, x2), "v3": 1.0, "v0": x1 + math.cos(x2)}),
        ("a multiply gate swaps: v2 = v-1 * v0 sends adjoint(v2) * v0 to v-1 and "
         "adjoint(v2) * v-1 to v0.", lambda x1, x2: _adjoints_with(x1, x2, swap=False)),
        ("start the backward sweep from the seed: the adjoint of v5 is dy/dy = 1.",
         lambda x1, x2: _adjoints_with(x1, x2, seed=0.0)),
        ("v3 = sin v0 sends adjoint(v3) * cos(v0) to v0 (d sin = +cos; the adjoint of v3 "
         "is -1).", lambda x1, x2: {**_adjoints(x1, x2), "v0": x1 + math.cos(x2)}),
    ],
)


def sigmoid(z):
    return 1 / (1 + (-z).exp()) if hasattr(z, "exp") else 1 / (1 + math.exp(-z))


def staged(x, y):
    """CS231n's staged function f(x, y) = (x + sigmoid(y)) / (sigmoid(x) + (x + y)^2)."""
    return (x + sigmoid(y)) / (sigmoid(x) + (x + y) ** 2)


def _staged_grads(x, y):
    tx, ty = _t(x, True), _t(y, True)
    staged(tx, ty).backward()
    return tx.grad.item(), ty.grad.item()


def _staged_one_path(x, y):
    """The typical mistake: x enters three times; keep only the numerator's path."""
    sx, sy = sigmoid(x), sigmoid(y)
    den = sx + (x + y) ** 2
    return 1 / den, sy * (1 - sy) / den


def _staged_y_one_path(x, y):
    """The typical mistake: y enters twice; keep only the path through sigmoid(y)."""
    sy = sigmoid(y)
    return _staged_grads(x, y)[0], sy * (1 - sy) / (sigmoid(x) + (x + y) ** 2)


def _staged_assigned(x, y):
    """The typical mistake: ``dx = ...`` instead of ``dx += ...`` for sigmoid(x)'s path."""
    sx, sy = sigmoid(x), sigmoid(y)
    den = sx + (x + y) ** 2
    dden = -(x + sy) / den**2
    return sx * (1 - sx) * dden + 1 / den, 2 * (x + y) * dden + sy * (1 - sy) / den


exercise(
    id="nb03.staged_backward", name="staged_backward", points=4, by_hand=True,
    signature="staged_backward(x, y)",
    sample=lambda rng: [f(rng.uniform(-3, 3)), f(rng.uniform(-3, 3))],
    reference=_staged_grads, rtol=1e-10, atol=1e-12, hidden=30,
    edge_cases=[[f(3.0), f(-4.0)], [f(0.0), f(0.0)]],
    # the kinds of the hidden edge cases, with other numbers: y far below or above x, x + y
    # = 0 (the (x + y)^2 path gives nothing) and sigmoid at 0
    visible_cases=[[f(-2.0), f(3.5)], [f(1.5), f(-1.5)], [f(0.0), f(2.5)]],
    hint="write the forward pass in small steps (sigy, num, sigx, xpy, xpysqr, den, invden, "
         "f = num * invden), then walk them backward; x appears in num, sigx and xpy, so its "
         "gradient collects three contributions (+=).",
    mistakes=[
        ("x and y appear several times: the gradient must add up the contributions of every "
         "path (through sigmoid(x) and (x + y)^2 too).", _staged_one_path),
        ("x collects three contributions: the first may be assigned, every later one must "
         "be added with += (not =).", _staged_assigned),
        ("y is used twice, in sigmoid(y) and in x + y: its gradient adds both paths.",
         _staged_y_one_path),
    ],
)
