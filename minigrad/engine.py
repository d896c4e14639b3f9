"""The autograd engine: graph nodes, recording an op, and the backward pass.

Every differentiable result holds a ``grad_fn``: a :class:`Node` that knows
the primitive that made it (from the rule table in ``rules.py``), the inputs
it saved, and ``next_functions``, the nodes of its inputs.  A leaf that
requires grad is represented in the graph by an :class:`AccumulateGrad` node,
which adds the incoming gradient to ``leaf.grad``.

``backward`` walks the graph once in topological order (iteratively, so a
chain of a million ops needs no recursion), calling each node's VJP rules
and summing the gradients that meet at a fork.

First-order backward passes run the VJP rules on raw NumPy arrays (fast);
with ``create_graph=True`` the very same rules run on Tensors, so every
backward op is itself recorded and can be differentiated again.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

import numpy as np

from . import grad_mode

if TYPE_CHECKING:
    from .rules import Primitive
    from .tensor import Tensor

SECOND_BACKWARD = (
    "Trying to backward through the graph a second time (or directly access saved "
    "tensors after they have already been freed). Saved intermediate values of the "
    "graph are freed when you call .backward() or autograd.grad(). Specify "
    "retain_graph=True if you need to backward through the graph a second time or if "
    "you need to access saved tensors after calling backward."
)

_node_classes: dict[str, type] = {}


class Node:
    """A recorded op (PyTorch's ``grad_fn``).  Its class name is PyTorch's."""

    __slots__ = ("next_functions", "_prim", "_args", "_params", "_ans", "_versions",
                 "_out", "_freed", "_pre_hooks", "_retains", "__weakref__")

    def name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object at {hex(id(self))}>"

    def register_hook(self, hook):
        """``hook(grad_inputs, grad_outputs)`` after this node ran (not used by rules)."""
        raise NotImplementedError("minigrad supports tensor hooks (Tensor.register_hook) only")

    def register_prehook(self, hook):
        return _add_hook(self, hook)

    # Called by the backward pass -------------------------------------------------
    def _inputs(self, create_graph: bool):
        """The saved inputs and output, as Tensors (create_graph) or arrays."""
        if self._freed:
            raise RuntimeError(SECOND_BACKWARD)
        from .tensor import Tensor

        args, versions = self._args, self._versions
        if versions is not None:
            for a, v in zip(args, versions):
                if isinstance(a, Tensor) and a._vbox[0] != v:
                    raise RuntimeError(_modified_message(a, v, _op_name(a.grad_fn)))
            out = self._out()
            if out is not None and out._vbox[0] != versions[-1]:
                raise RuntimeError(_modified_message(out, versions[-1], _op_name(self)))
        if create_graph:
            ans = Tensor._make(self._ans, self, True)
            return args, ans
        return tuple(a._data if isinstance(a, Tensor) else a for a in args), self._ans

    def _apply(self, g, create_graph: bool, needed) -> list:
        """Gradients for each input (None where not needed)."""
        prim = self._prim
        inputs, ans = self._inputs(create_graph)
        params = self._params
        out = []
        for i, (nxt, _) in enumerate(self.next_functions):
            if nxt is None or (needed is not None and nxt not in needed):
                out.append(None)
                continue
            gi = prim.vjp(i, g, ans, inputs, params)
            out.append(_fit(gi, self._args[i], create_graph))
        return out

    def _release(self) -> None:
        if self._prim.saves:
            self._freed = True
            self._args = self._ans = None


class AccumulateGrad:
    """The graph node of a leaf: adds incoming gradients into ``variable.grad``."""

    __slots__ = ("variable", "next_functions", "_pre_hooks", "__weakref__")

    def __init__(self, variable: Tensor) -> None:
        self.variable = variable
        self.next_functions = ()
        self._pre_hooks = None

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"

    def __repr__(self) -> str:
        return f"<AccumulateGrad object at {hex(id(self))}>"

    def register_prehook(self, hook):
        return _add_hook(self, hook)


def node_class(name: str) -> type:
    """The Node subclass called ``name`` (``MulBackward0``), made once."""
    cls = _node_classes.get(name)
    if cls is None:
        cls = _node_classes[name] = type(name, (Node,), {"__slots__": ()})
    return cls


def _modified_message(t: Tensor, expected: int, output_of: str | None) -> str:
    shape = ", ".join(str(s) for s in t.shape)
    what = f"[torch.{t.dtype._legacy} [{shape}]]"
    if output_of is not None:
        what += f", which is output 0 of {output_of},"
    return (
        "one of the variables needed for gradient computation has been modified by an "
        f"inplace operation: {what} is at version {t._vbox[0]}; expected version "
        f"{expected} instead. Hint: enable anomaly detection to find the operation that "
        "failed to compute its gradient, with torch.autograd.set_detect_anomaly(True, "
        "check_nan=False)."
    )


def _op_name(node) -> str | None:
    """``Exp`` for an ``ExpBackward0`` node (as PyTorch's messages say)."""
    if node is None or isinstance(node, AccumulateGrad):
        return None
    return node.name().split("Backward")[0]


def _fit(g, arg, create_graph: bool):
    """Sum a broadcast gradient back to ``arg``'s shape and cast it to its dtype."""
    from . import rules

    shape, dtype = arg._data.shape, arg._data.dtype
    if g.shape != shape:
        g = rules.sum_to(g, shape=shape)
    if create_graph:
        if g._data.dtype != dtype:
            g = rules.cast(g, dtype=dtype, src=g._data.dtype)
    elif g.dtype != dtype:
        g = np.asarray(g, dtype=dtype)
    return g


# Recording ---------------------------------------------------------------------------

forward_hook = [None]  # set by forward_ad while a dual level is active


def record(prim: Primitive, args: tuple, params: dict, ans: np.ndarray, name: str | None):
    """Wrap ``ans`` in a Tensor, recording a node when an input requires grad."""
    from .tensor import Tensor

    needs = False
    if grad_mode._state.enabled:
        for a in args:
            if isinstance(a, Tensor) and a._requires_grad:
                needs = True
                break
    if not needs:
        out = Tensor._make(ans)
    else:
        node = node_class(name or prim.grad_fn)()
        node.next_functions = tuple(
            (a._graph_node(), 0) if isinstance(a, Tensor) and a._requires_grad else (None, 0)
            for a in args
        )
        node._prim = prim
        node._args = args
        node._params = params
        node._ans = ans
        node._freed = False
        node._pre_hooks = node._retains = None
        out = Tensor._make(ans, node, True)
        if prim.saves:  # remember versions, to detect in-place changes later
            node._versions = (*(a._vbox[0] if isinstance(a, Tensor) else 0 for a in args), 0)
            node._out = weakref.ref(out)
        else:
            node._versions = None
    if forward_hook[0] is not None:
        forward_hook[0](prim, args, params, out)
    return out


# Hooks -------------------------------------------------------------------------------

class RemovableHandle:
    _next_id = 0

    def __init__(self, hooks: dict) -> None:
        self._hooks = weakref.ref(hooks) if hooks is not None else None
        self.id = RemovableHandle._next_id
        RemovableHandle._next_id += 1

    def remove(self) -> None:
        hooks = self._hooks() if self._hooks is not None else None
        if hooks is not None:
            hooks.pop(self.id, None)

    def __repr__(self) -> str:
        return f"<torch.utils.hooks.RemovableHandle object at {hex(id(self))}>"


class _HookDict(dict):
    """A dict that a weakref can point at."""

    __slots__ = ("__weakref__",)


def _add_hook(node, hook) -> RemovableHandle:
    if node._pre_hooks is None:
        node._pre_hooks = _HookDict()
    handle = RemovableHandle(node._pre_hooks)
    node._pre_hooks[handle.id] = hook
    return handle


def _run_hooks(node, g, create_graph: bool):
    from .tensor import Tensor

    for hook in list(node._pre_hooks.values()):
        gt = g if create_graph else Tensor._make(g)
        result = hook(gt)
        if result is not None:
            g = result if create_graph else result._data
    return g


# The backward pass -------------------------------------------------------------------

def _graph(roots):
    """Dependency counts (edges into each node) of the graph below ``roots``."""
    deps: dict = {}
    seen = set(roots)
    stack = list(roots)
    order = []
    while stack:
        node = stack.pop()
        order.append(node)
        for nxt, _ in node.next_functions:
            if nxt is None:
                continue
            deps[nxt] = deps.get(nxt, 0) + 1
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return deps, order


def _needed_nodes(order, deps, targets):
    """The nodes from which some target is reachable (so worth visiting)."""
    remaining = dict(deps)
    topo = []  # Kahn's order: every node after all nodes that feed it
    ready = [n for n in order if remaining.get(n, 0) == 0]
    while ready:
        n = ready.pop()
        topo.append(n)
        for nxt, _ in n.next_functions:
            if nxt is not None:
                remaining[nxt] -= 1
                if remaining[nxt] == 0:
                    ready.append(nxt)
    needed = set()
    for n in reversed(topo):
        if n in targets or any(nxt in needed for nxt, _ in n.next_functions if nxt is not None):
            needed.add(n)
    return needed


def run_backward(outputs, grad_outputs, retain_graph: bool, create_graph: bool,
                 inputs=None, accumulate: bool = True):
    """Back-propagate ``grad_outputs`` from ``outputs`` through the graph.

    ``accumulate=True`` (``backward``) adds into the ``.grad`` of leaves (only
    of ``inputs`` when given); ``accumulate=False`` (``autograd.grad``)
    returns the gradients of ``inputs`` and leaves every ``.grad`` alone.
    """
    from .tensor import Tensor

    roots = []
    buffers: dict = {}
    for out, g in zip(outputs, grad_outputs):
        node = out._graph_node()
        roots.append(node)
        buffers[node] = buffers[node] + g if node in buffers else g
    deps, order = _graph(roots)

    targets = captured = None
    if inputs is not None:
        targets = {}
        for i, t in enumerate(inputs):
            targets.setdefault(t._graph_node(), []).append(i)
        captured = [None] * len(inputs)
    needed = _needed_nodes(order, deps, targets) if targets is not None else None

    prev_mode = grad_mode._state.enabled
    grad_mode._state.enabled = create_graph
    try:
        ready = [n for n in dict.fromkeys(roots) if deps.get(n, 0) == 0]
        while ready:
            node = ready.pop()
            g = buffers.pop(node, None)
            if g is not None and node._pre_hooks:
                g = _run_hooks(node, g, create_graph)
            if isinstance(node, AccumulateGrad):
                if g is not None:
                    if targets is not None and node in targets:
                        for i in targets[node]:
                            captured[i] = g
                    if accumulate and targets is None:
                        _accumulate(node.variable, g, create_graph)
                continue
            if g is not None:
                if node._retains is not None:
                    t = node._retains()
                    if t is not None:
                        _accumulate(t, g, create_graph)
                if targets is not None and node in targets:
                    for i in targets[node]:
                        captured[i] = g
                if needed is None or node in needed:
                    grads = node._apply(g, create_graph, needed)
                else:
                    grads = None
                if not retain_graph:
                    node._release()
            else:
                grads = None
            for k, (nxt, _) in enumerate(node.next_functions):
                if nxt is None:
                    continue
                gk = grads[k] if grads is not None else None
                if gk is not None:
                    buffers[nxt] = buffers[nxt] + gk if nxt in buffers else gk
                deps[nxt] -= 1
                if deps[nxt] == 0:
                    ready.append(nxt)
    finally:
        grad_mode._state.enabled = prev_mode

    if captured is None:
        return None
    if accumulate:  # backward(inputs=...): accumulate into exactly those tensors
        for t, g in zip(inputs, captured):
            if g is not None:
                _accumulate(t, g, create_graph)
        return None
    return [
        None if g is None else (g if create_graph else Tensor._make(np.array(g, copy=True)))
        for g in captured
    ]


def _accumulate(t: Tensor, g, create_graph: bool) -> None:
    """Add ``g`` into ``t.grad`` (in place, as PyTorch, unless building a graph)."""
    from . import rules
    from .tensor import Tensor

    if create_graph:
        g = rules.copy_backwards(g)
        t._grad = g if t._grad is None else t._grad + g
        return
    if t._grad is None:
        t._grad = Tensor._make(np.array(g, dtype=t._data.dtype, copy=True))
    elif t._grad._requires_grad:
        t._grad = Tensor._make(t._grad._data + g)
    else:
        t._grad._data += g
