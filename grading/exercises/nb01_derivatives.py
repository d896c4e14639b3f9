"""Lesson 1 exercises: difference quotients and a function that is not differentiable."""

from __future__ import annotations

import numpy as np

import minigrad

from . import arr, exercise, f, fn

SMOOTH = ["cubic", "sin", "exp", "poly", "wave", "logistic", "square"]


def _quotient_case(rng: np.random.Generator) -> list:
    return [fn(str(rng.choice(SMOOTH))), f(rng.uniform(-2, 2)), f(10.0 ** rng.uniform(-5, -1))]


# Tolerance policy for forward_difference and central_difference: the statement gives the
# step h, so the answer is the quotient itself at that h (not f'(x)), and the reference
# evaluates the same formula.  An equivalent way of writing it (f(x + h) / h - f(x) / h,
# (f(x + h) - f(x)) * (1 / h), a float32 result) differs only by rounding: each value of f
# carries a relative error of about eps, magnified by 1 / h, and x + h is itself rounded
# (eps |x| in the point, |f'| eps |x| / h in the quotient).  On the sampled cases
# (h >= 1e-5, |x| <= 2, so on [-2.1, 2.1] |f| <= 22 and |f'| <= 17, poly's at -2.1) that
# is at most 8 eps (22 + 3 * 17) / 1e-5 = 1.3e-8: atol = 2e-8, plus 1e-7 relative.
_QUOTIENT_ATOL = 2e-8


def _forward(f, x, h):
    return (f(x + h) - f(x)) / h


def _central(f, x, h):
    return (f(x + h) - f(x - h)) / (2 * h)


exercise(
    id="nb01.forward_difference", name="forward_difference", points=2,
    signature="forward_difference(f, x, h)", sample=_quotient_case,
    reference=_forward, rtol=1e-7, atol=_QUOTIENT_ATOL,
    hint="the forward difference is (f(x + h) - f(x)) / h.",
    mistakes=[
        ("it looks forward: use f(x + h) - f(x), not f(x) - f(x - h).",
         lambda f, x, h: (f(x) - f(x - h)) / h),
        ("divide by the step h (the points x and x + h are h apart).",
         lambda f, x, h: (f(x + h) - f(x)) / (2 * h)),
        ("the order matters: f(x + h) - f(x), not f(x) - f(x + h).",
         lambda f, x, h: (f(x) - f(x + h)) / h),
    ],
)

exercise(
    id="nb01.central_difference", name="central_difference", points=2,
    signature="central_difference(f, x, h)", sample=_quotient_case,
    reference=_central, rtol=1e-7, atol=_QUOTIENT_ATOL,
    hint="the central difference is (f(x + h) - f(x - h)) / (2h).",
    mistakes=[
        ("x - h and x + h are 2h apart: divide by 2h, not h.",
         lambda f, x, h: (f(x + h) - f(x - h)) / h),
        ("use both neighbours, f(x + h) and f(x - h); f(x) itself cancels out.",
         lambda f, x, h: (f(x + h) - f(x)) / h),
        ("the order matters: f(x + h) - f(x - h), not f(x - h) - f(x + h).",
         lambda f, x, h: (f(x - h) - f(x + h)) / (2 * h)),
    ],
)


def _counterexample_partial_x(x: float, y: float) -> float:
    """d/dx of y x^2 / (x^2 + y^2), by minigrad (the reference)."""
    tx = minigrad.tensor(x, dtype=minigrad.float64, requires_grad=True)
    ty = minigrad.tensor(y, dtype=minigrad.float64)
    (ty * tx**2 / (tx**2 + ty**2)).backward()
    return tx.grad.item()


def _away_from_origin(rng: np.random.Generator) -> list:
    while True:
        x, y = rng.uniform(-2, 2, 2)
        if np.hypot(x, y) > 0.3 and abs(x) > 0.05 and abs(y) > 0.05:
            return [f(x), f(y)]


exercise(
    id="nb01.partial_x", name="partial_x", points=3, by_hand=True,
    signature="partial_x(x, y)", sample=_away_from_origin,
    reference=_counterexample_partial_x, rtol=1e-9,
    hint="use the quotient rule on y x^2 / (x^2 + y^2) and simplify.",
    mistakes=[
        ("the quotient rule divides by the square of the denominator: (x^2 + y^2)^2.",
         lambda x, y: 2 * x * y**3 / (x**2 + y**2)),
        ("check the sign of the second term of the quotient rule: (u'v - uv') / v^2.",
         lambda x, y: 2 * x * y * (2 * x**2 + y**2) / (x**2 + y**2) ** 2),
    ],
)


def _direction(rng: np.random.Generator) -> list:
    angle = rng.uniform(0, 2 * np.pi)
    length = rng.uniform(0.5, 2)
    return [arr([length * np.cos(angle), length * np.sin(angle)])]


def _directional_at_origin(v: np.ndarray) -> float:
    """lim_{t->0} f(t v) / t; f(t v) = t f(v) exactly, so a central difference is exact."""
    from course.drivers import TEST_FUNCTIONS

    g = TEST_FUNCTIONS["counterexample"]
    h = 1e-3
    return (g(h * v) - g(-h * v)) / (2 * h)


exercise(
    id="nb01.directional_at_origin", name="directional_at_origin", points=3, by_hand=True,
    signature="directional_at_origin(v)", sample=_direction,
    reference=_directional_at_origin, rtol=1e-9,
    # The edge cases' kinds, visibly: v along each axis (D_v f(0) = 0), a diagonal, and a
    # v much longer than 1.  v = 0 is excluded by the statement (v != 0).
    visible_cases=[[arr([0.0, -3.0])], [arr([2.5, 0.0])], [arr([-1.5, -1.5])],
                   [arr([4.0, 3.0])]],
    visible=2,
    edge_cases=[[arr([1.0, 0.0])], [arr([0.0, 1.0])], [arr([1.0, 1.0])], [arr([-2.0, 0.5])]],
    hint="write f(t v) / t for v = (a, b) and simplify: t cancels.",
    mistakes=[
        ("that is grad f(0) . v, what a differentiable f would give; this f is not "
         "differentiable at 0, so compute the limit of f(t v) / t itself.",
         lambda v: 0.0),
        ("f(t v) / t does not depend on t here, but it does depend on the length of v.",
         lambda v: v[1] * v[0] ** 2 / (v[0] ** 2 + v[1] ** 2) / np.hypot(*v)),
    ],
)
