"""Lesson 2 exercises: gradients of any shape, closed forms, directional derivatives."""

from __future__ import annotations

import numpy as np

import minigrad

from . import arr, exercise, fn

#: minigrad twins of the NumPy test functions in course.drivers (same formulas).
TWINS = {
    "sum_sin_sq": lambda X: (X.sin() ** 2).sum(),
    "logsumexp": lambda X: X.exp().sum().log(),
    "frobenius": lambda X: (X * X).sum().sqrt(),
    "quartic": lambda X: (X**4).sum() / 4 - X.sum() ** 2 / 2,
    "cos_sum": lambda X: X.cos().sum() * X.sum(),
    "bowl": lambda v: (v**2).sum(),
    "rosenbrock": lambda v: (1 - v[0]) ** 2 + 100 * (v[1] - v[0] ** 2) ** 2,
    "saddle": lambda v: v[0] ** 2 - v[1] ** 2 + v[0] * v[1],
}
ANY_SHAPE = ["sum_sin_sq", "logsumexp", "frobenius", "quartic", "cos_sum"]
SHAPES = [(3,), (5,), (2, 3), (1, 4), (3, 3), (2, 2, 2)]


def _tensor(a, requires_grad: bool = False):
    return minigrad.tensor(np.asarray(a, dtype=np.float64), dtype=minigrad.float64,
                           requires_grad=requires_grad)


def reference_gradient(name: str, X: np.ndarray) -> np.ndarray:
    """The gradient of the test function ``name`` at X, by minigrad."""
    t = _tensor(X, requires_grad=True)
    TWINS[name](t).backward()
    return t.grad.numpy()


# Tolerance policy for the two central-difference exercises (numerical_gradient and
# directional_derivative).  The statements ask for a central difference with a step h
# between H_LOW = 1e-7 and H_HIGH = 1e-4 (1e-6 recommended), so every such step must pass.
# For a slice phi(t) = f(X + t d) the central difference is phi'(0) + phi^(3)(0) h^2 / 6 +
# O(h^4) (truncation, largest at H_HIGH) plus a rounding error of about eps |f| / h
# (largest at H_LOW).  The tolerance of each case (each entry, for a gradient) is that
# bound, computed here for the case's own f, X and direction d (so it grows with |d|^3
# for a directional derivative): twice the truncation term, plus 16 eps max(|f(X)|, 1) / H_LOW
# for rounding (f sums a few terms, each rounded), plus 1e-8 relative.
H_LOW, H_HIGH = 1e-7, 1e-4
EPS = float(np.finfo(np.float64).eps)


def slice_third_derivative(name: str, X: np.ndarray, d: np.ndarray) -> float:
    """phi^(3)(0) for phi(t) = f(X + t d): the second difference of the exact slope
    phi'(t) = grad f(X + t d) . d (minigrad), with a step 1e-2 (error O(1e-4) relative)."""
    s = 1e-2

    def slope(t: float) -> float:
        return float(np.sum(reference_gradient(name, X + t * d) * d))

    return (slope(s) - 2 * slope(0.0) + slope(-s)) / s**2


def central_tolerance(name: str, X: np.ndarray, d: np.ndarray, exact: float) -> float:
    """How far a central difference with any step in [H_LOW, H_HIGH] may be from ``exact``."""
    from course.drivers import TEST_FUNCTIONS

    truncation = 2 * abs(slice_third_derivative(name, X, d)) * H_HIGH**2 / 6
    rounding = 16 * EPS * max(abs(TEST_FUNCTIONS[name](X)), 1.0) * float(
        np.max(np.abs(d))) / H_LOW
    return truncation + rounding + 1e-8 * abs(exact) + 1e-300


def _name_of(f) -> str:
    from course.drivers import TEST_FUNCTIONS

    return next(k for k, v in TEST_FUNCTIONS.items() if v is f)


def _any_shape_case(rng: np.random.Generator) -> list:
    shape = SHAPES[rng.integers(len(SHAPES))]
    return [fn(str(rng.choice(ANY_SHAPE))), arr(rng.normal(0, 1, shape))]


def _gradient_tolerances(f, X) -> list:
    """Each entry's tolerance: the central-difference bound of its own slice (along e_i),
    for any step in [H_LOW, H_HIGH]."""
    name, X = _name_of(f), np.asarray(X, dtype=np.float64)
    want = reference_gradient(name, X)
    tol = np.zeros_like(X)
    for i in np.ndindex(X.shape):
        e = np.zeros_like(X)
        e[i] = 1.0
        tol[i] = central_tolerance(name, X, e, float(want[i]))
    return tol.tolist()


exercise(
    id="nb02.numerical_gradient", name="numerical_gradient", points=3, by_hand=True,
    signature="numerical_gradient(f, X)", sample=_any_shape_case,
    reference=lambda f, X: reference_gradient(_name_of(f), X), rtol=1e-6, atol=1e-8,
    accept="each_within", accept_data=_gradient_tolerances, visible=2,
    # Every shape class the statement names (0-d, vector, matrix, 3 axes), visibly:
    visible_cases=[[fn("cos_sum"), arr(-0.7)], [fn("sum_sin_sq"), arr([0.3, -1.2, 2.0])],
                   [fn("quartic"), arr([[0.5, -1.5, 1.0], [2.0, 0.2, -0.4]])],
                   [fn("frobenius"), arr([[[1.0, -2.0]], [[0.5, 3.0]]])]],
    edge_cases=[[fn("quartic"), arr(1.5)], [fn("logsumexp"), arr([[[0.5, -1.0, 2.0]]])],
                [fn("frobenius"), arr([[3.0, 0.0], [0.0, 4.0]])]],
    hint="nudge one entry of X at a time by +h and -h (a central difference, h = 1e-6), "
         "put it back, and store the slope at the same index of an array shaped like X.",
    mistakes=[
        ("the central difference divides by 2h (the points X - h and X + h are 2h apart).",
         lambda f, X: 2 * reference_gradient(_name_of(f), X)),
        ("check the sign: (f(X + h e_i) - f(X - h e_i)) / (2h).",
         lambda f, X: -reference_gradient(_name_of(f), X)),
    ],
)


def _quadratic_case(rng: np.random.Generator) -> list:
    n = int(rng.integers(2, 6))
    return [arr(rng.normal(0, 1, (n, n))), arr(rng.normal(0, 1, n)), arr(rng.normal(0, 1, n))]


def _grad_quadratic(A, b, x):
    """d/dx of x^T A x + b^T x, by minigrad."""
    t = _tensor(x, requires_grad=True)
    (t @ _tensor(A) @ t + _tensor(b) @ t).backward()
    return t.grad.numpy()


exercise(
    id="nb02.grad_quadratic", name="grad_quadratic", points=2, by_hand=True,
    signature="grad_quadratic(A, b, x)", sample=_quadratic_case,
    reference=_grad_quadratic, rtol=1e-9,
    edge_cases=[[arr(2 * np.eye(4)), arr(np.zeros(4)), arr([0.0, 1.0, 2.0, 3.0])],
                [arr(np.zeros((4, 4))), arr([2.0, 3.0, 5.0, 7.0]), arr([0.0, 1.0, 2.0, 3.0])],
                [arr([[0.0, 1.0], [0.0, 0.0]]), arr([0.0, 0.0]), arr([1.0, 2.0])]],
    hint="expand x^T A x = sum_ij A_ij x_i x_j and differentiate in x_k: x_k appears "
         "both as x_i and as x_j.",
    mistakes=[
        ("2 A x is right only when A is symmetric; here A is not: the answer is "
         "(A + A^T) x + b.", lambda A, b, x: 2 * A @ x + b),
        ("x^T A x is quadratic in x: the product rule gives two terms, A x and A^T x.",
         lambda A, b, x: A @ x + b),
        ("do not forget the gradient of the linear term b^T x, which is b.",
         lambda A, b, x: (A + A.T) @ x),
    ],
)


VECTOR_FUNCTIONS = ["bowl", "rosenbrock", "saddle", "sum_sin_sq", "logsumexp", "quartic",
                    "cos_sum"]


def _directional_case(rng: np.random.Generator) -> list:
    name = str(rng.choice(VECTOR_FUNCTIONS))
    n = 2 if name in ("rosenbrock", "saddle") else int(rng.integers(2, 6))
    return [fn(name), arr(rng.uniform(-1.5, 1.5, n)), arr(rng.normal(0, 1, n))]


def _directional(f, x, v):
    return {"derivative": float(reference_gradient(_name_of(f), x) @ v),
            "at_most_two_calls": True}


def _directional_tolerance(f, x, v) -> float:
    """The central-difference bound along v, for any step in [H_LOW, H_HIGH]."""
    return central_tolerance(_name_of(f), np.asarray(x, dtype=np.float64),
                             np.asarray(v, dtype=np.float64), _directional(f, x, v)["derivative"])


exercise(
    id="nb02.directional_derivative", name="directional_derivative", points=2, by_hand=True,
    driver="nb02_directional", signature="directional_derivative(f, x, v)",
    sample=_directional_case, reference=_directional, rtol=1e-4, atol=1e-6,
    accept="directional", accept_data=_directional_tolerance, visible=2,
    # The edge cases' kinds, visibly: a long v where the slice's third derivative is large
    # (truncation is what matters there), v = 0, and |v| far from 1.
    visible_cases=[[fn("rosenbrock"), arr([-1.0, 1.0]), arr([2.0, 4.0])],
                   [fn("bowl"), arr([0.5, -1.0, 2.0]), arr([0.0, 0.0, 0.0])],
                   [fn("saddle"), arr([0.5, 1.5]), arr([0.3, -0.2])]],
    edge_cases=[[fn("saddle"), arr([1.0, 2.0]), arr([0.0, 0.0])],
                [fn("rosenbrock"), arr([1.0, 1.0]), arr([3.0, -4.0])]],
    hint="the directional derivative is the derivative of t -> f(x + t v) at t = 0: one "
         "central difference in t, (f(x + h v) - f(x - h v)) / (2h), two calls of f.",
    mistakes=[
        ("D_v f is linear in v: do not normalise v to length 1.",
         lambda f, x, v: {"derivative": float(reference_gradient(_name_of(f), x) @ v)
                          / max(np.linalg.norm(v), 1e-300), "at_most_two_calls": True}),
        ("evaluate f only twice (a numerical gradient first costs 2n calls).",
         lambda f, x, v: {"derivative": float(reference_gradient(_name_of(f), x) @ v),
                          "at_most_two_calls": False}),
        ("check the sign: (f(x + h v) - f(x - h v)) / (2h).",
         lambda f, x, v: {"derivative": -float(reference_gradient(_name_of(f), x) @ v),
                          "at_most_two_calls": True}),
    ],
)


def _matrix_case(rng: np.random.Generator) -> list:
    n = int(rng.integers(2, 5))
    while True:
        A = 2 * np.eye(n) + 0.6 * rng.normal(0, 1, (n, n))
        if np.linalg.det(A) > 0.3 and np.linalg.cond(A) < 50:
            break
    return [arr(A), arr(rng.normal(0, 1, n)), arr(rng.normal(0, 1, n))]


exercise(
    id="nb02.matrix_gradients", name="matrix_gradients", points=3, by_hand=True,
    signature="matrix_gradients(A, x, y)", sample=_matrix_case,
    reference=lambda A, x, y: (np.outer(x, y), np.linalg.inv(A).T), rtol=1e-8, atol=1e-10,
    # Each visible case (non-symmetric A, x and y not parallel) tells every mistake apart.
    visible_cases=[[arr([[3.0, 0.0, 1.0], [0.0, 1.0, 0.0], [2.0, 0.0, 2.0]]),
                    arr([1.0, -1.0, 2.0]), arr([0.5, 2.0, 0.0])]],
    edge_cases=[[arr(np.eye(3)), arr([1.0, 0.0, 0.0]), arr([0.0, 0.0, 1.0])],
                [arr([[2.0, 1.0], [0.0, 1.0]]), arr([1.0, 2.0]), arr([3.0, 4.0])]],
    hint="both gradients have the shape of A; entry (i, j) is the derivative with respect "
         "to A_ij. For log det, use the cofactor expansion along row i.",
    mistakes=[
        ("d(x^T A y)/dA_ij = x_i y_j: that is the outer product x y^T, not y x^T.",
         lambda A, x, y: (np.outer(y, x), np.linalg.inv(A).T)),
        ("the gradient of log det A is the inverse *transposed*, A^{-T}; they differ "
         "when A is not symmetric.", lambda A, x, y: (np.outer(x, y), np.linalg.inv(A))),
    ],
)
