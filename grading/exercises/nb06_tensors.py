"""Lesson 6 exercises: vector-Jacobian products, broadcasting in backward, Jacobians
from VJPs, and backprop through a small network by hand (validated against minigrad)."""

from __future__ import annotations

import numpy as np

import minigrad
from minigrad.autograd.functional import jacobian

from . import arr, exercise, fn


def _t(x, requires_grad: bool = False):
    return minigrad.tensor(np.asarray(x), dtype=minigrad.float64, requires_grad=requires_grad)


def _value(x) -> dict:
    return {"value": x}


# 6.1 matmul ------------------------------------------------------------------------------

def _matmul_case(rng: np.random.Generator) -> list:
    # Three different sizes: with a square B (k == m) or A (n == k), g @ B.T and other
    # transposed products have the right shape and the mistakes could not be told apart.
    n, k, m = (int(s) for s in rng.choice(np.arange(1, 7), 3, replace=False))
    return [arr(rng.normal(size=(n, m))), arr(rng.normal(size=(n, k))),
            arr(rng.normal(size=(k, m)))]


def _matmul_reference(g, A, B):
    tA, tB = _t(A, True), _t(B, True)
    (tA @ tB).backward(_t(g))
    return [tA.grad, tB.grad]


exercise(
    id="nb06.matmul_vjp", name="matmul_vjp", points=2, by_hand=True,
    signature="matmul_vjp(g, A, B)", sample=_matmul_case, reference=_matmul_reference,
    rtol=1e-9, visible=1,
    # Non-square shapes first (a transposed or swapped answer has the wrong shape there,
    # and the message says so), then a square case, where it has the right shape and
    # wrong values (no matrix is symmetric).
    visible_cases=[[arr(np.arange(8.0).reshape(2, 4) / 4 - 1),
                    arr(np.arange(6.0).reshape(2, 3) / 3 - 0.7),
                    arr(np.arange(12.0).reshape(3, 4)[::-1] / 6 - 1)],
                   [arr([[1.5, -0.5]]), arr([[0.3]]), arr([[2.0, -1.0]])],
                   [arr([[1.0, -2.0, 0.5], [0.0, 1.5, -1.0], [2.0, 0.5, 1.0]]),
                    arr([[0.5, 1.0, -1.5], [2.0, -0.5, 0.0], [1.0, 0.0, 3.0]]),
                    arr([[-1.0, 0.5, 2.0], [1.5, 0.0, -0.5], [0.0, 2.5, 1.0]])]],
    edge_cases=[[arr([[2.0]]), arr([[3.0]]), arr([[-1.0]])],
                [arr(np.ones((1, 4))), arr(np.arange(3.0).reshape(1, 3)),
                 arr(np.arange(12.0).reshape(3, 4))],
                [arr([[1.0, 2.0], [3.0, -1.0]]), arr([[0.0, 1.0], [-2.0, 0.5]]),
                 arr([[1.5, -1.0], [2.0, 0.0]])]],
    hint="dimension analysis: the gradient of A has A's shape (n, k), and the only product "
         "of g (n, m) and B (k, m) with that shape is g @ B.T; likewise A.T @ g for B.",
    mistakes=[("the two results are swapped or transposed: grad A = g @ B.T, grad B = A.T @ g.",
               lambda g, A, B: [(A.T @ g).T, (g @ B.T).T]),
              ("the two results are swapped: return (grad_A, grad_B), in that order.",
               lambda g, A, B: [A.T @ g, g @ B.T]),
              ("each result is the transpose of the right one: grad A has A's shape (n, k), "
               "grad B has B's shape (k, m).", lambda g, A, B: [B @ g.T, g.T @ A]),
              ("those are the forward pattern's products: the VJP multiplies by the "
               "transposes, g @ B.T and A.T @ g.", lambda g, A, B: [g @ B, A @ g])],
)


# 6.2 softmax -----------------------------------------------------------------------------

def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _softmax_case(rng: np.random.Generator) -> list:
    shape = (int(rng.integers(2, 7)),) if rng.random() < 0.5 else tuple(
        int(s) for s in rng.integers(1, 6, 2) + [0, 1])
    s = _softmax(rng.normal(scale=1.5, size=shape))
    return [arr(rng.normal(size=shape)), arr(s)]


def _softmax_reference(g, s):
    x = _t(np.log(s), True)  # softmax(log s) = s, since s sums to 1
    minigrad.softmax(x, dim=-1).backward(_t(g))
    return x.grad


exercise(
    id="nb06.softmax_vjp", name="softmax_vjp", points=2, by_hand=True,
    signature="softmax_vjp(g, s)", sample=_softmax_case, reference=_softmax_reference,
    rtol=1e-8, atol=1e-12, visible=2,
    # Every shape class the statement names: one vector, a batch of rows (taller than
    # wide, square, a single row).
    visible_cases=[[arr([0.3, -1.2, 0.8, 2.0]), arr(_softmax(np.array([0.5, -1.0, 2.0, 0.0])))],
                   [arr(np.arange(12.0).reshape(3, 4)[:, ::-1] / 5 - 1),
                    arr(_softmax(np.array([[0.0, 1.0, -1.0, 0.5], [2.0, -0.5, 0.3, 0.3],
                                           [-1.5, 0.2, 1.0, 0.0]])))],
                   [arr([[1.0, -1.0, 0.5], [0.0, 2.0, -0.5], [1.5, 0.0, 1.0]]),
                    arr(_softmax(np.array([[0.3, -0.2, 1.0], [1.0, 0.0, -1.0],
                                           [-0.5, 0.5, 2.0]])))],
                   [arr([[0.5, -1.0, 1.5, 0.0, 2.0]]),
                    arr(_softmax(np.array([[1.0, 0.0, -1.0, 0.5, 0.2]])))]],
    edge_cases=[[arr([1.0, 1.0, 1.0]), arr([0.2, 0.3, 0.5])],
                [arr([[1.0, 0.0], [0.0, 1.0]]), arr([[0.5, 0.5], [0.9, 0.1]])]],
    hint="the Jacobian is diag(s) - s s^T, so g^T J = s * (g - <g, s>), the inner product "
         "taken along the last axis (keepdims=True for a batch of rows).",
    mistakes=[
        ("that is only the diagonal part of the Jacobian: subtract s * <g, s> as well.",
         lambda g, s: s * g),
        ("take the inner product <g, s> along the last axis, one per row.",
         lambda g, s: s * (g - np.sum(g * s))),
        ("take the inner product <g, s> along the last axis, one per row.",
         lambda g, s: s * (g - np.sum(g * s, axis=0, keepdims=True))),
        ("that is the derivative of an elementwise sigmoid: softmax's Jacobian "
         "diag(s) - s s^T couples the entries of a row.", lambda g, s: s * (1 - s) * g),
        ("the inner product is <g, s> = sum(g * s), weighted by s, not sum(g).",
         lambda g, s: s * (g - np.sum(g, axis=-1, keepdims=True))),
    ],
)


# 6.3 unbroadcast -------------------------------------------------------------------------

def _broadcast_case(rng: np.random.Generator) -> list:
    ndim = int(rng.integers(0, 4))
    shape = [int(s) for s in rng.integers(1, 5, ndim)]
    shape = [1 if rng.random() < 0.35 else s for s in shape]  # size-1 axes to broadcast
    big = [int(rng.integers(2, 4)) if s == 1 and rng.random() < 0.7 else s for s in shape]
    lead = [int(s) for s in rng.integers(1, 4, int(rng.integers(0, 3)))]
    return [arr(rng.normal(size=lead + big)), _value(shape)]


def _unbroadcast_reference(grad, shape):
    x = _t(np.zeros(shape), True)
    (x + _t(np.zeros(grad.shape))).backward(_t(grad))
    return x.grad


def _leading_only(grad, shape):
    return grad.sum(axis=tuple(range(grad.ndim - len(shape))))


exercise(
    id="nb06.unbroadcast", name="unbroadcast", points=3, by_hand=True,
    signature="unbroadcast(grad, shape)", sample=_broadcast_case,
    reference=_unbroadcast_reference, rtol=1e-10, visible=2, hidden=25,
    # The kinds of the hidden edge cases, with other numbers: leading axes only, a
    # size-1 axis kept, 0-d, both together, nothing to do, and a size-1 axis of grad.
    visible_cases=[[arr(np.arange(12.0).reshape(3, 4) / 4 - 1), _value([4])],
                   [arr(np.arange(12.0).reshape(3, 4)[::-1] / 3), _value([3, 1])],
                   [arr([[1.5, -2.0], [0.5, 3.0]]), _value([])],
                   [arr(np.arange(24.0).reshape(2, 3, 4) % 5 - 2), _value([3, 1])],
                   [arr([[1.0, -1.0], [2.0, 0.5], [-3.0, 4.0]]), _value([3, 2])],
                   [arr(np.arange(8.0).reshape(2, 1, 4) - 3), _value([1, 4])]],
    edge_cases=[[arr(np.ones((2, 3))), _value([3])], [arr(np.ones((2, 3))), _value([2, 1])],
                [arr(np.ones((2, 3))), _value([])], [arr(np.ones((4, 5, 3))), _value([5, 1])],
                [arr(np.arange(6.0).reshape(2, 3)), _value([2, 3])]],
    hint="sum over the leading axes that broadcasting added, then over every axis where "
         "shape has size 1 but grad does not, keeping that axis (keepdims=True).",
    mistakes=[("also sum over the axes where the input had size 1 (keep them, with size 1).",
               _leading_only),
              ("the leading axes that broadcasting added are not in shape: sum them away "
               "(without keepdims); keep only the size-1 axes of shape.",
               lambda grad, shape: _unbroadcast_reference(grad, shape).numpy().reshape(
                   (1,) * (grad.ndim - len(shape)) + tuple(shape)))],
)


# 6.4 jacobian_rev ------------------------------------------------------------------------

_VECTOR_FUNCTIONS = {"conv_tanh": lambda n: n - 2, "softmax_vec": lambda n: n,
                     "wide": lambda n: 2, "tall": lambda n: n * n}


def _jacobian_case(rng: np.random.Generator) -> list:
    name = str(rng.choice(sorted(_VECTOR_FUNCTIONS)))
    n = int(rng.integers(3, 7))
    return [fn(name), arr(rng.normal(size=n))]


def _jacobian_reference(f, x) -> dict:
    J = jacobian(f, _t(x))
    return {"jacobian": J, "backward_passes": J.shape[0]}


exercise(
    id="nb06.jacobian_rev", name="jacobian_rev", points=3, driver="nb06_jacobian_rev",
    signature="jacobian_rev(f, x)", sample=_jacobian_case, reference=_jacobian_reference,
    rtol=1e-9, atol=1e-12, visible=2, hidden=16,
    # Every kind of function the statement names: tall, square, a band, wide.
    visible_cases=[[fn("tall"), arr([0.5, -1.0, 2.0])],
                   [fn("softmax_vec"), arr([0.2, -0.7, 1.1, 0.4])],
                   [fn("conv_tanh"), arr([0.3, -0.2, 0.8, 0.1, -0.5])],
                   [fn("wide"), arr([0.4, -0.3, 0.9, 0.2])]],
    hint="one backward pass per output element i, seeded with the one-hot vector e_i, "
         "gives row i of J: x.grad (reset it, or use torch.autograd.grad, between rows).",
    mistakes=[("each row must start from a zero gradient: .grad accumulates across backward "
               "calls (zero it, or use torch.autograd.grad).",
               lambda f, x: {"jacobian": np.cumsum(jacobian(f, _t(x)).numpy(), axis=0),
                             "backward_passes": jacobian(f, _t(x)).shape[0]}),
              ("row i of J (one per output) is the VJP with e_i: stack the rows as they "
               "come, without transposing.",
               lambda f, x: {"jacobian": jacobian(f, _t(x)).numpy().T,
                             "backward_passes": jacobian(f, _t(x)).shape[0]})],
)


# 6.5 backprop through a small network ----------------------------------------------------

def _mlp_case(rng: np.random.Generator) -> list:
    n, d, h, c = (int(s) for s in (rng.integers(2, 7), rng.integers(2, 5),
                                   rng.integers(2, 6), rng.integers(2, 5)))
    while True:
        X, W1 = rng.normal(size=(n, d)), rng.normal(size=(d, h))
        b1 = rng.normal(scale=0.5, size=h)
        if np.all(np.abs(X @ W1 + b1) > 0.05):  # away from relu's kink (CS231n's rule)
            break
    return [arr(X), _value([int(v) for v in rng.integers(0, c, n)]), arr(W1), arr(b1),
            arr(rng.normal(size=(h, c))), arr(rng.normal(scale=0.5, size=c))]


def _mlp_reference(X, labels, W1, b1, W2, b2) -> dict:
    params = [_t(p, True) for p in (W1, b1, W2, b2)]
    tW1, tb1, tW2, tb2 = params
    h = (_t(X) @ tW1 + tb1).relu()
    logits = h @ tW2 + tb2
    h.retain_grad()
    logits.retain_grad()
    minigrad.nn.functional.cross_entropy(logits, minigrad.tensor(labels)).backward()
    return {"dlogits": logits.grad, "dh": h.grad, "dW2": tW2.grad, "db2": tb2.grad,
            "dW1": tW1.grad, "db1": tb1.grad}


def _mlp_summed(X, labels, W1, b1, W2, b2) -> dict:
    """The same network with the loss summed instead of averaged."""
    ref = _mlp_reference(X, labels, W1, b1, W2, b2)
    return {k: v * len(labels) for k, v in ref.items()}


def _mlp_numpy(X, labels, W1, b1, W2, b2, mask: bool = True, one_hot: bool = True) -> dict:
    """The gradients by hand (NumPy), with or without relu's mask and the one-hot labels:
    typical mistakes."""
    N = X.shape[0]
    z = X @ W1 + b1
    h = np.maximum(z, 0)
    logits = h @ W2 + b2
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    dlogits = p / p.sum(axis=1, keepdims=True)
    if one_hot:
        dlogits[np.arange(N), np.asarray(labels)] -= 1
    dlogits /= N
    dh = dlogits @ W2.T
    dz = dh * (z > 0) if mask else dh
    return {"dlogits": dlogits, "dh": dh, "dW2": h.T @ dlogits, "db2": dlogits.sum(axis=0),
            "dW1": X.T @ dz, "db1": dz.sum(axis=0)}


exercise(
    id="nb06.mlp_backward", name="mlp_backward", points=4, by_hand=True,
    signature="mlp_backward(X, labels, W1, b1, W2, b2)", sample=_mlp_case,
    reference=_mlp_reference, rtol=1e-8, atol=1e-12, visible=3, hidden=15,
    hint="go backwards one line at a time: dlogits = (softmax - onehot) / N, then the matmul "
         "VJPs, unbroadcast for the biases (a sum over the batch), and relu's mask.",
    mistakes=[("the loss is the *mean* over the N examples: divide dlogits by N.", _mlp_summed),
              ("relu lets the gradient through only where it was active: dz = dh * (z > 0).",
               lambda *args: _mlp_numpy(*args, mask=False)),
              ("subtract the one-hot labels: dlogits = (softmax(logits) - onehot(labels)) / N.",
               lambda *args: _mlp_numpy(*args, one_hot=False))],
)
