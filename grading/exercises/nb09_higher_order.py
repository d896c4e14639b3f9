"""Lesson 9 exercises: repeated grad, Hessian-vector products, Hessians, a Newton step."""

from __future__ import annotations

import numpy as np

import minigrad
from minigrad.autograd.functional import hessian, hvp

from . import exercise, f, fn, tensor

SCALAR_FUNCTIONS = ["t_tanh", "t_sin_exp", "t_gauss", "t_quintic"]
FUNCTIONS = ["t_rosenbrock", "t_softplus", "t_logsumexp", "t_sin_quartic"]


def _nth(func, x: float, n: int, orders_off: int = 0) -> float:
    """The n-th derivative of func at x by repeated minigrad.autograd.grad (the reference)."""
    t = minigrad.tensor(x, dtype=minigrad.float64, requires_grad=True)
    y = func(t)
    for _ in range(n + orders_off):
        (y,) = minigrad.autograd.grad(y, t, create_graph=True)
    return y.item()


def _derivative_case(rng: np.random.Generator) -> list:
    return [fn(str(rng.choice(SCALAR_FUNCTIONS))), f(rng.uniform(-2, 2)),
            {"int": int(rng.integers(0, 5))}]


exercise(
    id="nb09.nth_derivative", name="nth_derivative", points=2,
    signature="nth_derivative(f, x, n)", sample=_derivative_case, reference=_nth, rtol=1e-9,
    atol=1e-12,
    edge_cases=[[fn("t_tanh"), f(0.5), {"int": 0}], [fn("t_tanh"), f(0.0), {"int": 3}],
                [fn("t_quintic"), f(1.0), {"int": 4}]],
    hint="y = f(x) on a tensor that requires grad; then n times "
         "(y,) = torch.autograd.grad(y, x, create_graph=True).",
    mistakes=[
        ("one derivative too many: the 0th derivative is f(x) itself.",
         lambda func, x, n: _nth(func, x, n, orders_off=1)),
        ("one derivative too few: take n derivatives.",
         lambda func, x, n: _nth(func, x, max(n - 1, 0))),
    ],
)


def _hvp_reference(name: str, x: minigrad.Tensor, v: minigrad.Tensor) -> dict:
    from course.drivers import TEST_FUNCTIONS

    return {"hvp": hvp(TEST_FUNCTIONS[name], x.detach(), v.detach())[1], "cheap": True}


def _hvp_case(rng: np.random.Generator, size: float = 1.0) -> list:
    n = int(rng.integers(12, 40))
    return [{"value": str(rng.choice(FUNCTIONS))}, tensor(rng.uniform(-1.2, 1.2, n)),
            tensor(size * rng.normal(size=n))]


# H v is linear in v, exactly: so is an answer by autodiff, at any length of v.  A finite
# difference of gradients, (g(x + h v) - g(x - h v)) / 2h with a fixed h, is not: for a
# long v its truncation error (h |v|)^2 is large, for a short one its rounding error
# eps |g| / (h |v|).  Cases with |v| about 1e3 and 1e-6 (visible and hidden) tell them
# apart; the tolerance is relative to the largest entry (answers span 12 orders).
_rng = np.random.default_rng(909)
_VISIBLE_HVP = [_hvp_case(_rng, 1e3), _hvp_case(_rng, 1e-6)]


exercise(
    id="nb09.hvp", name="hvp", points=3, driver="nb09_hvp", signature="hvp(f, x, v)",
    sample=_hvp_case, reference=_hvp_reference, rtol=1e-9, atol=1e-10, scaled_atol=True,
    visible_cases=_VISIBLE_HVP,
    edge_cases=[[{"value": "t_rosenbrock"}, tensor([1.0] * 12), tensor([1.0] + [0.0] * 11)],
                _hvp_case(_rng, 3e3), _hvp_case(_rng, 3e-7)],
    hint="g = grad(f(x), x, create_graph=True); then H v = grad(g @ v, x): two backward "
         "passes, never the n x n Hessian.",
    mistakes=[
        ("the values are right, but it cost far more than a few evaluations of f: do not "
         "build the Hessian, differentiate g . v instead.",
         lambda name, x, v: {**_hvp_reference(name, x, v), "cheap": False}),
    ],
)


def _hessian_reference(func, x: minigrad.Tensor) -> np.ndarray:
    return hessian(func, x.detach()).numpy()


def _point_case(rng: np.random.Generator) -> list:
    return [fn(str(rng.choice(FUNCTIONS))), tensor(rng.uniform(-1.2, 1.2, int(rng.integers(2, 7))))]


exercise(
    id="nb09.hessian", name="hessian", points=3, signature="hessian(f, x)",
    # Autodiff is exact: an answer by Hessian-vector products is within ~1e-16 of the
    # reference (relative to the largest entry).  A central difference of gradients is
    # not, at any step h (its best, eps^(2/3), is about 1e-11): judged to a few hundred
    # roundings, it fails by a factor 10 or more, where rtol=1e-8 let it pass.
    sample=_point_case, reference=_hessian_reference, rtol=1e-12, atol=1e-12,
    scaled_atol=True,
    builds_on=["nb09.hvp"],  # the statement's Hessian-vector products may be the student's hvp
    # The kinds of the hidden edge cases, with other numbers: n = 1, and Rosenbrock at a
    # point with integer coordinates.
    visible_cases=[[fn("t_sin_quartic"), tensor([-0.4])],
                   [fn("t_rosenbrock"), tensor([-1.0, 2.0, 0.0])]],
    edge_cases=[[fn("t_sin_quartic"), tensor([0.7])], [fn("t_rosenbrock"), tensor([1.0, 1.0])]],
    hint="column j of H is the Hessian-vector product with the basis vector e_j.",
    mistakes=[
        ("that is the gradient's outer product, not the Hessian: differentiate the gradient "
         "again (create_graph=True).",
         lambda func, x: np.outer(*[_grad(func, x)] * 2)),
        ("that is only the diagonal: column j is the derivative of g . e_j = g[j], one "
         "backward pass per column.",
         lambda func, x: np.diag(np.diag(_hessian_reference(func, x)))),
        ("every column is H 1 (the derivative of g.sum()): differentiate g . e_j for "
         "column j.", lambda func, x: np.repeat(
             _hessian_reference(func, x).sum(axis=1, keepdims=True), x.numel(), axis=1)),
    ],
)


def _grad(func, x: minigrad.Tensor) -> np.ndarray:
    t = x.detach().clone().requires_grad_(True)
    func(t).backward()
    return t.grad.numpy()


def _newton(func, x: minigrad.Tensor, sign: float = -1.0, gradient_step: bool = False):
    H = _hessian_reference(func, x)
    g = _grad(func, x)
    step = g if gradient_step else np.linalg.solve(H, g)
    return x.detach().numpy() + sign * step


def _convex_case(rng: np.random.Generator) -> list:
    name = str(rng.choice(["t_softplus", "t_logsumexp"]))
    return [fn(name), tensor(rng.uniform(-2, 2, int(rng.integers(1, 7))))]


exercise(
    id="nb09.newton_step", name="newton_step", points=2, signature="newton_step(f, x)",
    # x - H^{-1} g by autodiff and a linear solve (np.linalg.solve, inv, lstsq) is within
    # ~1e-14 of the reference; a Hessian by finite differences is at 1e-10 at best (the
    # same tolerance as nb09.hessian: it fails by a factor 20 or more).
    sample=_convex_case, reference=_newton, rtol=1e-12, atol=1e-12, scaled_atol=True,
    builds_on=["nb09.hessian"],  # the statement suggests the student's hessian
    # n = 1 (where the diagonal of H is all of it) and n > 1, for both functions.
    visible_cases=[[fn("t_softplus"), tensor([0.8])],
                   [fn("t_logsumexp"), tensor([1.5, -0.5, 0.3])],
                   [fn("t_softplus"), tensor([-1.0, 2.0, 0.5, -0.2])]],
    edge_cases=[[fn("t_logsumexp"), tensor([-0.6])],
                [fn("t_softplus"), tensor([2.0, -1.0, 0.5, 3.0, -1.5])],
                [fn("t_logsumexp"), tensor([0.0, 1.0])]],
    hint="solve H d = g (np.linalg.solve on the Hessian and the gradient), then return x - d.",
    mistakes=[
        ("the Newton step goes against the gradient: x - H^{-1} g, not x + H^{-1} g.",
         lambda func, x: _newton(func, x, sign=1.0)),
        ("that is a gradient step x - g; Newton's step uses the inverse Hessian, "
         "x - H^{-1} g.", lambda func, x: _newton(func, x, gradient_step=True)),
        ("that is the step d = H^{-1} g; return the new point x - d.",
         lambda func, x: x.detach().numpy() - _newton(func, x)),
        ("that uses only the diagonal of H: solve the whole system H d = g.",
         lambda func, x: x.detach().numpy() - _grad(func, x) / np.diag(
             _hessian_reference(func, x))),
    ],
)
