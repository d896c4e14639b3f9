"""Lesson 8 exercises: accumulating gradients, detach, an SGD step and a training loop."""

from __future__ import annotations

import numpy as np

import minigrad

from . import arr, exercise, f, tensor


def _t(a, requires_grad: bool = False) -> minigrad.Tensor:
    return minigrad.tensor(np.asarray(a, dtype=np.float64), dtype=minigrad.float64,
                           requires_grad=requires_grad)


def _full_batch_grad(w0: np.ndarray, X: np.ndarray, y: np.ndarray, k: int, scale=None,
                     stale: bool = False) -> np.ndarray:
    """The gradient of mean((X w - y)^2) in one pass (the reference); or, for typical
    mistakes, micro-batch losses scaled by ``scale`` and/or the stale gradient kept."""
    w = _t(w0, requires_grad=True)
    if scale is None:
        ((_t(X) @ w - _t(y)) ** 2).mean().backward()
    else:
        size = X.shape[0] // k
        for j in range(k):
            Xj, yj = _t(X[j * size:(j + 1) * size]), _t(y[j * size:(j + 1) * size])
            (((Xj @ w - yj) ** 2).mean() * scale).backward()
    grad = w.grad.numpy()
    return grad + (1 + np.arange(w0.size)) if stale else grad


def _regression(rng: np.random.Generator) -> list:
    k = int(rng.integers(1, 6))
    n = k * int(rng.integers(1, 5))
    d = int(rng.integers(1, 5))
    return [arr(rng.normal(size=d)), arr(rng.normal(size=(n, d))), arr(rng.normal(size=n)),
            {"int": k}]


exercise(
    id="nb08.accumulated_grad", name="accumulated_grad", points=3,
    driver="nb08_accumulated_grad", signature="accumulated_grad(w, X, y, k)",
    sample=_regression, reference=_full_batch_grad, rtol=1e-9, atol=1e-12,
    edge_cases=[[arr([0.5, -1.0]), arr([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]),
                 arr([1.0, 0.0, -1.0, 2.0]), {"int": 4}],
                [arr([2.0]), arr([[1.0], [-1.0], [0.5]]), arr([0.0, 1.0, 2.0]), {"int": 1}]],
    hint="zero the stale w.grad first, then call (loss_j / k).backward() for each of the k "
         "micro-batches, without clearing in between.",
    mistakes=[
        ("w.grad still holds the stale gradient of an earlier step: call w.grad.zero_() "
         "before accumulating.",
         lambda w0, X, y, k: _full_batch_grad(w0, X, y, k, scale=1 / k, stale=True)),
        ("the full-batch loss is the MEAN of the k micro-batch losses: scale each one by "
         "1/k before backward().",
         lambda w0, X, y, k: _full_batch_grad(w0, X, y, k, scale=1.0)),
        ("two mistakes: the stale gradient was not cleared, and the micro-batch losses "
         "need a factor 1/k.",
         lambda w0, X, y, k: _full_batch_grad(w0, X, y, k, scale=1.0, stale=True)),
    ],
)


def _vector(rng: np.random.Generator) -> list:
    return [tensor(rng.uniform(-2, 2, int(rng.integers(1, 7))), requires_grad=True)]


exercise(
    id="nb08.grad_with_detach", name="grad_with_detach", points=2,
    signature="grad_with_detach(x)", sample=_vector,
    reference=lambda x: (x.detach() ** 2 + 2 * x.detach()).numpy(), rtol=1e-9,
    edge_cases=[[tensor([0.0, 1.0, -1.0], requires_grad=True)]],
    hint="the detached factor detach(x^2) is a constant for autograd: only the explicit x "
         "and the x^2 term are differentiated.",
    mistakes=[
        ("without detach() the gradient is 3x^2 + 2x: detach the factor x^2.",
         lambda x: (3 * x.detach() ** 2 + 2 * x.detach()).numpy()),
        ("the term x^2 (not detached) contributes 2x too.",
         lambda x: (x.detach() ** 2).numpy()),
    ],
)


def _sgd(arrays: list, lr: float, update: bool = True, clear: bool = True) -> dict:
    params = [_t(a, requires_grad=True) for a in arrays]
    sum((p.sin() * p).sum() for p in params).backward()
    grads = [p.grad.numpy().copy() for p in params]
    new = [p.detach().numpy() - lr * g if update else p.detach().numpy()
           for p, g in zip(params, grads, strict=True)]
    return {"params": new, "grads": [np.zeros_like(g) if clear else g for g in grads],
            "leaves": True}


def _params(rng: np.random.Generator) -> list:
    shapes = [(int(rng.integers(1, 4)),), (int(rng.integers(1, 3)), int(rng.integers(1, 4)))]
    arrays = [rng.normal(size=s).tolist() for s in shapes[: int(rng.integers(1, 3))]]
    return [{"value": arrays}, f(rng.uniform(0.01, 0.5))]


exercise(
    id="nb08.sgd_step", name="sgd_step", points=2, driver="nb08_sgd_step",
    signature="sgd_step(params, lr)", sample=_params, reference=_sgd, rtol=1e-9,
    hint="inside `with torch.no_grad():` use p -= lr * p.grad (in place), then p.grad.zero_().",
    mistakes=[
        ("the parameters did not change: `p = p - lr * p.grad` makes a new tensor; update "
         "in place with p -= lr * p.grad.",
         lambda arrays, lr: _sgd(arrays, lr, update=False)),
        ("clear each gradient after the update (p.grad.zero_()), or the next backward adds "
         "to it.", lambda arrays, lr: _sgd(arrays, lr, clear=False)),
    ],
)


def _train(w0, X, y, lr: float, steps: int, zero: bool = True) -> dict:
    w, Xt, yt = _t(w0, requires_grad=True), _t(X), _t(y)
    losses = []
    for _ in range(steps):
        loss = ((Xt @ w - yt) ** 2).mean()
        losses.append(loss.item())
        if zero and w.grad is not None:
            w.grad.zero_()
        loss.backward()
        with minigrad.no_grad():
            w -= lr * w.grad
    return {"losses": losses, "w": w.detach().numpy()}


def _training_case(rng: np.random.Generator) -> list:
    n, d = int(rng.integers(4, 17)), int(rng.integers(1, 4))
    X = rng.normal(size=(n, d))
    y = X @ rng.normal(size=d) + 0.1 * rng.normal(size=n)
    return [arr(rng.normal(size=d)), arr(X), arr(y), f(rng.uniform(0.01, 0.15)),
            {"int": int(rng.integers(2, 12))}]


exercise(
    id="nb08.train", name="train", points=3, driver="nb08_train",
    signature="train(w, X, y, lr, steps)", sample=_training_case, reference=_train,
    rtol=1e-8, atol=1e-10,
    hint="each step: loss, record loss.item(), clear w.grad (it is None at first), "
         "backward(), then w -= lr * w.grad under no_grad.",
    mistakes=[
        ("from the second step on, the gradients pile up: clear w.grad before each "
         "backward().", lambda w0, X, y, lr, steps: _train(w0, X, y, lr, steps, zero=False)),
    ],
)
