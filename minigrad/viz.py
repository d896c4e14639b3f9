"""Drawing the computational graph below a tensor (matplotlib or Graphviz text).

The graph is read from ``grad_fn`` and ``next_functions``, exactly as the
backward pass reads it: one box per recorded op (``MulBackward0`` is drawn as
"Mul"), one per leaf that requires grad (found through its ``AccumulateGrad``
node, ``node.variable``) and one for the output.  Edges point the way the data
flows, from inputs to the output.

The layout is computed here, with the two classic steps of layered graph
drawing (Sugiyama et al.):

1. *layering*: each node goes in the column just before its earliest
   consumer, found by the longest path to the output (so a weight sits next
   to the op that uses it);
2. *ordering*: within a column, nodes are sorted by the mean position of
   their neighbours (the barycentre heuristic), sweeping left and right a
   few times, which removes most edge crossings.

After a backward pass the saved values of intermediate results may have been
freed: the drawing shows what still exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import engine
from .tensor import Tensor


@dataclass
class GraphNode:
    """One box of the drawing: an op, a leaf or the output."""

    id: int
    kind: str  # "op", "leaf" or "output"
    name: str  # "Mul", a parameter's name, "output", ...
    value: np.ndarray | None = None
    grad: np.ndarray | None = None
    layer: int = 0  # column, from 0 (inputs) to the output's
    order: float = 0.0  # position within the column
    ref: object = field(default=None, repr=False)  # the grad_fn node or the tensor


@dataclass
class GraphLayout:
    nodes: list[GraphNode]
    edges: list[tuple[int, int]]  # (source id, target id), in data-flow direction

    def node(self, i: int) -> GraphNode:
        return self.nodes[i]


def _op_name(node) -> str:
    """``MulBackward0`` -> ``Mul`` (the op, as a reader of the forward code knows it)."""
    name = node.name()
    return name.split("Backward")[0] or name


def graph_layout(tensor: Tensor, params: dict[str, Tensor] | None = None) -> GraphLayout:
    """The nodes and edges of ``tensor``'s graph, with layers and orders computed.

    ``params`` names leaves (``dict(model.named_parameters())``, ``{"x": x}``).
    """
    names = {id(t): n for n, t in (params or {}).items()}
    nodes: list[GraphNode] = []
    edges: list[tuple[int, int]] = []
    index: dict[int, int] = {}  # id of a grad_fn / AccumulateGrad -> node id

    def add(kind, name, ref, value=None, grad=None) -> int:
        nodes.append(GraphNode(len(nodes), kind, name, value, grad, ref=ref))
        return len(nodes) - 1

    def visit(fn) -> int:
        """The node id for graph node ``fn`` (created, with its inputs, on first visit)."""
        if id(fn) in index:
            return index[id(fn)]
        if isinstance(fn, engine.AccumulateGrad):
            t = fn.variable
            i = index[id(fn)] = add("leaf", names.get(id(t), "leaf"), t, t._data, _grad(t))
            return i
        value = None if getattr(fn, "_freed", False) else getattr(fn, "_ans", None)
        retained = fn._retains() if getattr(fn, "_retains", None) is not None else None
        i = index[id(fn)] = add("op", _op_name(fn), fn, value,
                                None if retained is None else _grad(retained))
        return i

    out_name = names.get(id(tensor), "output")
    if tensor.grad_fn is None:  # a leaf (or a constant): a graph of one node
        kind = "leaf" if tensor._requires_grad else "output"
        add(kind, out_name, tensor, tensor._data, _grad(tensor))
        return GraphLayout(nodes, edges)

    root = visit(tensor.grad_fn)
    out = add("output", out_name, tensor, tensor._data,
              _grad(tensor) if tensor._retains_grad else None)
    edges.append((root, out))
    stack, seen = [tensor.grad_fn], {id(tensor.grad_fn)}
    while stack:  # iteratively, like the backward pass: deep graphs need no recursion
        fn = stack.pop()
        for nxt, _ in fn.next_functions:
            if nxt is None:
                continue
            edges.append((visit(nxt), index[id(fn)]))
            if id(nxt) not in seen:
                seen.add(id(nxt))
                stack.append(nxt)
    _assign_layers(nodes, edges)
    _order_layers(nodes, edges)
    return GraphLayout(nodes, edges)


def _grad(t: Tensor):
    return None if t._grad is None else t._grad._data


def _assign_layers(nodes: list[GraphNode], edges: list[tuple[int, int]]) -> None:
    """Longest path to the sink: each node one column before its earliest consumer."""
    consumers: dict[int, list[int]] = {n.id: [] for n in nodes}
    indegree = {n.id: 0 for n in nodes}
    for src, dst in edges:
        consumers[src].append(dst)
        indegree[dst] += 1
    topo, ready = [], [n.id for n in nodes if indegree[n.id] == 0]  # Kahn's algorithm
    while ready:
        i = ready.pop()
        topo.append(i)
        for j in consumers[i]:
            indegree[j] -= 1
            if indegree[j] == 0:
                ready.append(j)
    depth = {}
    for i in reversed(topo):
        depth[i] = 1 + max((depth[j] for j in consumers[i]), default=-1)
    top = max(depth.values())
    for n in nodes:
        n.layer = top - depth[n.id]


def _order_layers(nodes: list[GraphNode], edges: list[tuple[int, int]],
                  sweeps: int = 4) -> None:
    """Barycentre heuristic: sort each column by the mean position of neighbours."""
    columns: dict[int, list[GraphNode]] = {}
    for n in nodes:
        columns.setdefault(n.layer, []).append(n)
    for col in columns.values():
        for k, n in enumerate(col):
            n.order = float(k)
    inputs = {n.id: [s for s, d in edges if d == n.id] for n in nodes}
    outputs = {n.id: [d for s, d in edges if s == n.id] for n in nodes}
    layers = sorted(columns)
    for sweep in range(sweeps):
        forward = sweep % 2 == 0  # left to right using inputs, then back using outputs
        for layer in layers if forward else reversed(layers):
            col = columns[layer]
            for n in col:
                nbrs = inputs[n.id] if forward else outputs[n.id]
                if nbrs:
                    n.order = sum(nodes[j].order for j in nbrs) / len(nbrs)
            col.sort(key=lambda n: n.order)
            for k, n in enumerate(col):
                n.order = k - (len(col) - 1) / 2  # centred on 0


# Labels --------------------------------------------------------------------------------

def _fmt(a: np.ndarray) -> str:
    """A short text for an array: its values when small, else its shape."""
    a = np.asarray(a)
    if a.size <= 4:
        txt = np.array2string(a.reshape(-1) if a.ndim > 1 else a, separator=", ",
                              formatter={"float_kind": lambda v: f"{v:.4g}"})
        return txt if a.ndim <= 1 else f"{txt} {tuple(a.shape)}"
    return "shape " + "x".join(str(s) for s in a.shape)


def _label(n: GraphNode, show_values: bool, show_grads: bool) -> str:
    lines = [n.name]
    if show_values and n.value is not None:
        lines.append(("data " if n.kind != "op" else "") + _fmt(n.value))
    if show_grads and n.grad is not None:
        lines.append("grad " + _fmt(n.grad))
    return "\n".join(lines)


# Graphviz ------------------------------------------------------------------------------

_DOT_STYLE = {
    "op": 'shape=ellipse, style=filled, fillcolor="#fff2cc"',
    "leaf": 'shape=box, style="rounded,filled", fillcolor="#cfe2f3"',
    "output": 'shape=box, style="rounded,filled,bold", fillcolor="#d9ead3"',
}


def to_dot(tensor: Tensor, *, params: dict[str, Tensor] | None = None,
           show_values: bool = True, show_grads: bool = True) -> str:
    """Graphviz source for ``tensor``'s graph (render it with ``dot -Tpng``)."""
    layout = graph_layout(tensor, params)
    lines = ["digraph {", "  rankdir=LR;", '  node [fontname="Helvetica", fontsize=10];']
    for n in layout.nodes:
        label = _label(n, show_values, show_grads).replace("\\", "\\\\").replace('"', '\\"')
        label = label.replace("\n", "\\n")
        lines.append(f'  n{n.id} [label="{label}", {_DOT_STYLE[n.kind]}];')
    for src, dst in layout.edges:
        lines.append(f"  n{src} -> n{dst};")
    lines.append("}")
    return "\n".join(lines) + "\n"


# Matplotlib ----------------------------------------------------------------------------

_COLOURS = {"op": "#fff2cc", "leaf": "#cfe2f3", "output": "#d9ead3"}


def draw_graph(tensor: Tensor, *, params: dict[str, Tensor] | None = None,
               show_values: bool = True, show_grads: bool = True):
    """A matplotlib Figure of ``tensor``'s graph (inputs left, output right).

    The Figure is made without pyplot, so nothing is shown or kept open: it
    works headless; a notebook displays it when it is a cell's last value, and
    ``fig.savefig(...)`` writes it to a file.
    """
    from matplotlib.figure import Figure

    layout = graph_layout(tensor, params)
    labels = {n.id: _label(n, show_values, show_grads) for n in layout.nodes}
    # Sizes in inches, from the labels (8 pt monospace: a character is ~0.067 in wide,
    # a line ~0.16 in high), so that no two boxes overlap whatever their text.
    n_layers = 1 + max(n.layer for n in layout.nodes)
    widths = [0.0] * n_layers
    for n in layout.nodes:
        chars = max(len(line) for line in labels[n.id].split("\n"))
        widths[n.layer] = max(widths[n.layer], 0.067 * chars + 0.25)
    xs = [sum(widths[:k]) + 0.6 * k + widths[k] / 2 for k in range(n_layers)]
    row = 0.16 * (1 + show_values + show_grads) + 0.35
    rows = max(sum(1 for n in layout.nodes if n.layer == k) for k in range(n_layers))
    width, height = sum(widths) + 0.6 * (n_layers - 1) + 0.4, row * rows + 0.2
    fig = Figure(figsize=(width, height))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_xlim(-0.2, width - 0.2)
    ax.set_ylim(-height / 2, height / 2)
    texts = {}
    for n in layout.nodes:
        style = "round,pad=0.4" if n.kind == "op" else "square,pad=0.4"
        texts[n.id] = ax.text(
            xs[n.layer], -n.order * row, labels[n.id], ha="center", va="center",
            fontsize=8, family="monospace", zorder=2,
            fontweight="bold" if n.kind == "output" else "normal",
            bbox=dict(boxstyle=style, facecolor=_COLOURS[n.kind], edgecolor="0.3"))
    seen: dict[tuple[int, int], int] = {}
    for src, dst in layout.edges:
        k = seen[(src, dst)] = seen.get((src, dst), -1) + 1  # a repeated input: bend it
        ax.annotate("", xy=(0, 0.5), xycoords=texts[dst], xytext=(1, 0.5),
                    textcoords=texts[src], zorder=1,
                    arrowprops=dict(arrowstyle="-|>", color="0.35", shrinkA=5, shrinkB=5,
                                    connectionstyle=f"arc3,rad={0.25 * k}"))
    return fig
