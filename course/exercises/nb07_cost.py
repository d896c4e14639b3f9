"""Lesson 7 exercises: the cost of forward and reverse mode, choosing a mode, the tape."""

from __future__ import annotations

import numpy as np

import minigrad
from minigrad.autograd import forward_ad
from minigrad.autograd.functional import jacobian
from minigrad.counting import count_ops

from . import arr, exercise, fn, tensor

GRADIENT_FUNCTIONS = ["t_rosenbrock", "t_softplus", "t_logsumexp", "t_sin_quartic"]


def _costs(f, x: minigrad.Tensor, one_forward_pass: bool = False, forward_only: bool = False):
    """The counts of nb07.gradient_costs, by minigrad (the reference), or a typical mistake."""
    x = x.detach()
    with count_ops() as c:
        f(x)
    cost_f = c.forward
    leaf = x.clone().requires_grad_(True)
    with count_ops() as c:
        f(leaf).backward()
    reverse = c.backward if forward_only else c.forward + c.backward
    n = 1 if one_forward_pass else x.numel()
    basis = minigrad.eye(x.numel(), dtype=x.dtype)
    directions = [basis[j] for j in range(n)]
    with count_ops() as c:
        for e in directions:
            with forward_ad.dual_level():
                forward_ad.unpack_dual(f(forward_ad.make_dual(x, e)))
    return {"f": cost_f, "reverse": reverse, "forward": c.forward + c.jvp}


def _gradient_case(rng: np.random.Generator) -> list:
    name = str(rng.choice(GRADIENT_FUNCTIONS))
    return [fn(name), tensor(rng.uniform(-1.5, 1.5, int(rng.integers(2, 13))))]


exercise(
    id="nb07.gradient_costs", name="gradient_costs", points=3,
    signature="gradient_costs(f, x)", sample=_gradient_case,
    reference=_costs, rtol=0, atol=0,
    edge_cases=[[fn("t_logsumexp"), tensor([0.5, -0.5])], [fn("t_rosenbrock"), tensor([1.0, 1.0])]],
    hint="count f alone; then f and backward() together; then all n forward-mode passes, "
         "one per basis vector e_j (built before count_ops starts).",
    mistakes=[
        ("the reverse-mode cost includes the forward pass that records the graph: "
         "c.forward + c.backward.",
         lambda f, x: _costs(f, x, forward_only=True)),
        ("one forward-mode pass gives one partial derivative; the gradient needs n passes.",
         lambda f, x: _costs(f, x, one_forward_pass=True)),
    ],
)


def _tanh_layer(W: np.ndarray, x: minigrad.Tensor) -> dict:
    Wt = minigrad.tensor(W, dtype=minigrad.float64)
    m, n = W.shape
    return {"jacobian": jacobian(lambda v: (Wt @ v).tanh(), x.detach()),
            "reverse": m < n, "forward": m > n}


def _shapes(rng: np.random.Generator) -> list:
    while True:
        n, m = (int(k) for k in rng.integers(1, 9, 2))
        if n != m:
            return [arr(rng.normal(size=(m, n))), tensor(rng.normal(size=n))]


exercise(
    id="nb07.jacobian", name="jacobian", points=3, driver="nb07_jacobian",
    signature="jacobian(f, x)", sample=_shapes, reference=_tanh_layer, rtol=1e-9,
    edge_cases=[[arr([[1.0, -2.0, 0.5]]), tensor([0.1, 0.2, 0.3])],
                [arr([[1.0], [-2.0], [0.5]]), tensor([0.4])]],
    hint="m reverse passes give the m rows; n forward passes give the n columns: use "
         "reverse mode when m < n and forward mode when m > n.",
    mistakes=[
        ("always reverse mode: right numbers, but for a tall Jacobian (m > n) the n "
         "forward passes are cheaper.",
         lambda W, x: {**_tanh_layer(W, x), "reverse": True, "forward": False}),
        ("always forward mode: right numbers, but for a wide Jacobian (m < n) the m "
         "reverse passes are cheaper.",
         lambda W, x: {**_tanh_layer(W, x), "reverse": False, "forward": True}),
        ("the modes are swapped: reverse mode gives rows (one per output), forward mode "
         "columns (one per input).",
         lambda W, x: {**_tanh_layer(W, x), "reverse": W.shape[0] > W.shape[1],
                       "forward": W.shape[0] < W.shape[1]}),
        ("the result must be m x n (row i: output i); did you stack the columns as rows?",
         lambda W, x: {**_tanh_layer(W, x),
                       "jacobian": _tanh_layer(W, x)["jacobian"].T}),
    ],
)


def _tape_size(ops: list, grad: bool, distinct: bool = True) -> int:
    """Distinct nodes reachable from the chain's grad_fn (the reference), or, for a
    typical mistake, the number of paths (nodes counted once per way to reach them)."""
    from course.drivers import build_chain

    x = minigrad.tensor([0.3, -0.7, 1.1], dtype=minigrad.float64, requires_grad=True)
    y = build_chain(x, ops, grad)
    if y.grad_fn is None:
        return 0
    seen, todo, count = {y.grad_fn}, [y.grad_fn], 1
    while todo:
        for nxt, _ in todo.pop().next_functions:
            if nxt is not None and (not distinct or nxt not in seen):
                seen.add(nxt)
                todo.append(nxt)
                count += 1
    return count


def _chain(rng: np.random.Generator) -> list:
    ops = rng.choice(["sin", "tanh", "scale", "add_x", "square", "fork"],
                     size=int(rng.integers(1, 16)), p=[0.2, 0.2, 0.15, 0.15, 0.15, 0.15])
    return [{"value": [str(o) for o in ops]}, {"value": bool(rng.random() < 0.85)}]


exercise(
    id="nb07.tape_size", name="tape_size", points=2, driver="nb07_tape_size",
    signature="tape_size(y)", sample=_chain, reference=_tape_size, rtol=0, atol=0,
    edge_cases=[[{"value": ["square"] * 12}, {"value": True}],
                [{"value": ["add_x", "add_x", "sin"]}, {"value": True}],
                [{"value": ["sin"]}, {"value": False}],
                [{"value": ["tanh"]}, {"value": True}],
                [{"value": ["fork", "sin"]}, {"value": True}]],
    hint="walk from y.grad_fn through next_functions, skipping None, and count each node "
         "once (keep a set of the nodes seen).",
    mistakes=[
        ("a node can be reached along several paths (y * y, a leaf used twice): count "
         "each node once.", None),
    ],
)
