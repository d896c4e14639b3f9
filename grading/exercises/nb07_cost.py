"""Lesson 7 exercises: the cost of forward and reverse mode, choosing a mode, the tape."""

from __future__ import annotations

import numpy as np

import minigrad
from minigrad.autograd import forward_ad
from minigrad.autograd.functional import jacobian
from minigrad.counting import count_ops

from . import arr, exercise, fn, tensor

GRADIENT_FUNCTIONS = ["t_rosenbrock", "t_softplus", "t_logsumexp", "t_sin_quartic"]


def _costs(f, x: minigrad.Tensor, one_forward_pass: bool = False, forward_only: bool = False,
           copy_counted: bool = False, basis_counted: bool = False, jvp_only: bool = False):
    """The counts of nb07.gradient_costs, by minigrad (the reference), or a typical mistake.

    Policy: counts are exact (atol 0).  The statement says where the copy and the basis
    are made (before count_ops: preparation, not the gradient's cost), so a clone inside
    count_ops (one more primitive) is a mistake with its own hint."""
    x = x.detach()
    with count_ops() as c:
        f(x)
    cost_f = c.forward
    leaf = x.clone().requires_grad_(True)
    with count_ops() as c:
        f(leaf).backward()
    reverse = c.backward if forward_only else c.forward + c.backward + copy_counted
    n = 1 if one_forward_pass else x.numel()
    basis = minigrad.eye(x.numel(), dtype=x.dtype)
    directions = [basis[j] for j in range(n)]
    with count_ops() as c:
        for e in directions:
            with forward_ad.dual_level():
                forward_ad.unpack_dual(f(forward_ad.make_dual(x, e)))
    forward = c.jvp if jvp_only else c.forward + c.jvp + (n if basis_counted else 0)
    return {"f": cost_f, "reverse": reverse, "forward": forward}


def _gradient_case(rng: np.random.Generator) -> list:
    name = str(rng.choice(GRADIENT_FUNCTIONS))
    return [fn(name), tensor(rng.uniform(-1.5, 1.5, int(rng.integers(2, 13))))]


exercise(
    id="nb07.gradient_costs", name="gradient_costs", points=3,
    signature="gradient_costs(f, x)", sample=_gradient_case,
    reference=_costs, rtol=0, atol=0,
    # Visible: the four test functions (rosenbrock slices its input), n = 2 among them.
    visible_cases=[[fn("t_rosenbrock"), tensor([0.3, -0.8, 1.2])],
                   [fn("t_logsumexp"), tensor([-1.0, 0.25])]],
    edge_cases=[[fn("t_logsumexp"), tensor([0.5, -0.5])], [fn("t_rosenbrock"), tensor([1.0, 1.0])]],
    hint="count f alone; then f and backward() together; then all n forward-mode passes, "
         "one per basis vector e_j (built before count_ops starts).",
    mistakes=[
        ("the reverse-mode cost includes the forward pass that records the graph: "
         "c.forward + c.backward.",
         lambda f, x: _costs(f, x, forward_only=True)),
        ("one forward-mode pass gives one partial derivative; the gradient needs n passes.",
         lambda f, x: _costs(f, x, one_forward_pass=True)),
        ("make the requires-grad copy before count_ops starts (x.detach().requires_grad_"
         "(True)): clone is a primitive, and the copy is not part of the gradient's cost.",
         lambda f, x: _costs(f, x, copy_counted=True)),
        ("build the basis vectors before count_ops starts: indexing a tensor (basis[j]) is "
         "a primitive and is counted.",
         lambda f, x: _costs(f, x, basis_counted=True)),
        ("the forward-mode cost includes the primal evaluations of each pass: "
         "c.forward + c.jvp.",
         lambda f, x: _costs(f, x, jvp_only=True)),
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


def _mode_mistake(W: np.ndarray, x: minigrad.Tensor, reverse: bool) -> dict:
    """Right numbers, the wrong (dearer) mode for this shape; only for that shape."""
    m, n = W.shape
    if reverse != (m > n):
        raise ValueError("this shape's right mode")
    return {**_tanh_layer(W, x), "reverse": reverse, "forward": not reverse}


def _squeezed(W: np.ndarray, x: minigrad.Tensor) -> dict:
    want = _tanh_layer(W, x)
    if 1 not in W.shape:
        raise ValueError("no size-1 axis")
    return {**want, "jacobian": want["jacobian"].reshape(-1)}


def _show_jacobian(W: dict, x: dict) -> str:
    from . import argument_code

    return "\n".join([f"W = {argument_code(tensor(W['array']), 4)}",
                      f"x = {argument_code(x, 4)}",
                      "jacobian(lambda v: torch.tanh(W @ v), x)"])


exercise(
    id="nb07.jacobian", name="jacobian", points=3, driver="nb07_jacobian",
    signature="jacobian(f, x)", sample=_shapes, reference=_tanh_layer, rtol=1e-9,
    # Policy: an exact method, judged tightly (rtol 1e-9).  Square Jacobians are not
    # drawn: both modes cost the same there, and the statement lets either be used.
    # Visible: wide, tall, one row (m = 1) and one column (n = 1), as the hidden edges.
    visible_cases=[[arr([[0.5, -1.0, 2.0, 0.25]]), tensor([0.3, -0.2, 0.1, 0.6])],
                   [arr([[0.7], [-1.5], [0.2], [1.1]]), tensor([-0.3])]],
    edge_cases=[[arr([[1.0, -2.0, 0.5]]), tensor([0.1, 0.2, 0.3])],
                [arr([[1.0], [-2.0], [0.5]]), tensor([0.4])]],
    show=_show_jacobian,
    hint="m reverse passes give the m rows; n forward passes give the n columns: use "
         "reverse mode when m < n and forward mode when m > n.",
    mistakes=[
        ("reverse mode for a tall Jacobian (m > n): right numbers, but the n forward "
         "passes (one per column) are cheaper; did you always use reverse mode, or swap "
         "the test (reverse gives rows, forward gives columns)?",
         lambda W, x: _mode_mistake(W, x, reverse=True)),
        ("forward mode for a wide Jacobian (m < n): right numbers, but the m reverse "
         "passes (one per row) are cheaper; did you always use forward mode, or swap "
         "the test (reverse gives rows, forward gives columns)?",
         lambda W, x: _mode_mistake(W, x, reverse=False)),
        ("the result must be m x n (row i: output i); did you stack the columns as rows?",
         lambda W, x: {**_tanh_layer(W, x),
                       "jacobian": _tanh_layer(W, x)["jacobian"].T}),
        ("the Jacobian is a matrix even when m = 1 or n = 1: shape (m, n), not a vector.",
         _squeezed),
    ],
)


def _tape_size(ops: list, grad: bool, distinct: bool = True, leaves: bool = True,
               first_edge_only: bool = False, none_counted: bool = False) -> int:
    """Distinct nodes reachable from the chain's grad_fn (the reference), or a typical
    mistake: the number of paths (nodes counted once per way to reach them), the
    AccumulateGrad node forgotten, only the first edge followed, None counted."""
    from course.drivers import build_chain

    x = minigrad.tensor([0.3, -0.7, 1.1], dtype=minigrad.float64, requires_grad=True)
    y = build_chain(x, ops, grad)
    if y.grad_fn is None:
        return 1 if none_counted else 0
    seen, todo, count = {y.grad_fn}, [y.grad_fn], 1
    while todo:
        edges = todo.pop().next_functions
        for nxt, _ in edges[:1] if first_edge_only else edges:
            if nxt is not None and (not distinct or nxt not in seen):
                seen.add(nxt)
                todo.append(nxt)
                count += 1
    return count - (0 if leaves else 1)  # the chain has one leaf: x


#: What each op of a case is, as code (build_chain in course.drivers runs the same).
OP_CODE = {"sin": "y.sin()", "tanh": "y.tanh()", "scale": "0.5 * y", "add_x": "y + x",
           "square": "y * y", "fork": "y.sin() * y.cos()"}


def _show_chain(ops: dict, grad: dict) -> str:
    """A tape_size case as code to paste (the driver builds exactly this)."""
    lines, pad = [], ""
    if not grad["value"]:
        lines.append("with torch.no_grad():")
        pad = "    "
    for k, op in enumerate(ops["value"]):
        code = OP_CODE[op]
        lines.append(pad + "y = " + (code.replace("y", "x") if k == 0 else code))
    if not ops["value"]:
        lines.append(pad + "y = x")
    return "\n".join(["x = torch.tensor([0.3, -0.7, 1.1], dtype=torch.float64, "
                      "requires_grad=True)", *lines, "tape_size(y)"])


def _chain(rng: np.random.Generator) -> list:
    ops = rng.choice(["sin", "tanh", "scale", "add_x", "square", "fork"],
                     size=int(rng.integers(1, 16)), p=[0.2, 0.2, 0.15, 0.15, 0.15, 0.15])
    return [{"value": [str(o) for o in ops]}, {"value": bool(rng.random() < 0.85)}]


def _case(ops: list, grad: bool = True) -> list:
    return [{"value": ops}, {"value": grad}]


exercise(
    id="nb07.tape_size", name="tape_size", points=2, driver="nb07_tape_size",
    signature="tape_size(y)", sample=_chain, reference=_tape_size, rtol=0, atol=0,
    # Policy: an exact count.  Visible: every kind the statement and the hidden edges
    # name (no_grad, y * y, the leaf used twice, forks, one op), with other op lists.
    visible_cases=[_case(["tanh"], grad=False), _case(["tanh", "add_x"], grad=False),
                   _case(["scale"]), _case(["tanh", "square", "square"]),
                   _case(["scale", "add_x"]), _case(["scale", "fork"]),
                   _case(["fork", "tanh", "fork"])],
    edge_cases=[_case(["square"] * 12), _case(["add_x", "add_x", "sin"]),
                _case(["sin"], grad=False), _case(["tanh"]), _case(["fork", "sin"])],
    show=_show_chain,
    hint="walk from y.grad_fn through next_functions, skipping None, and count each node "
         "once (keep a set of the nodes seen).",
    mistakes=[
        ("under no_grad nothing is recorded: y.grad_fn is None and the tape is empty (0).",
         lambda ops, grad: _tape_size(ops, grad, none_counted=True)),
        ("a node can be reached along several paths (y * y, a leaf used twice, a fork): "
         "count each node once.",
         lambda ops, grad: _tape_size(ops, grad, distinct=False)),
        ("count the AccumulateGrad node of the leaf x too (a node with no next_functions).",
         lambda ops, grad: _tape_size(ops, grad, leaves=False)),
        ("the graph is not a chain: follow every edge in next_functions, not only the "
         "first (a fork has two branches).",
         lambda ops, grad: _tape_size(ops, grad, first_edge_only=True)),
    ],
)
