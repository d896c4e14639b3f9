"""Drawing the computational graph below a tensor (matplotlib or Graphviz text).

The graph is read from ``grad_fn`` and ``next_functions``, exactly as the
backward pass reads it: one box per recorded op (``MulBackward0`` is drawn as
"Mul"), one per leaf that requires grad (found through its ``AccumulateGrad``
node, ``node.variable``) and one for the output.  Edges point the way the data
flows, from the inputs (left) to the output (right).

The layout is the classic layered drawing of Sugiyama et al., in four steps:

1. *layering* (``_assign_layers``): each node goes in the column just before
   its earliest consumer (the longest path to the output), so every edge
   points to the right;
2. *virtual nodes* (``_add_virtual_nodes``): an edge that skips columns gets
   an invisible node in each column it crosses, so it owns a slot there, as a
   box does, and no box can be placed over it;
3. *ordering* (``_order_layers``): within a column, nodes (virtual ones too)
   are sorted by the mean position of their neighbours (the barycentre
   heuristic), sweeping right and left, keeping the order with the fewest
   crossings;
4. *coordinates* (``graph_geometry``): each node is pulled to the mean height
   of its neighbours, without overlapping the other nodes of its column; a
   long edge is drawn as a smooth curve through its virtual nodes.

What a box shows.  Leaves and the output show their data.  An op shows the
value it computed while that value still exists: while its node holds it
(``node._ans``) or while a tensor holding it is alive (the output, or an
intermediate that called ``retain_grad()``).  A backward pass without
``retain_graph=True`` frees the values that an op's derivative needs (Mul,
Sin, Log, ... but not Add): such a box then says "(freed by backward)".  A
custom ``Function`` keeps its output only if ``forward`` saved it
(``ctx.save_for_backward``); otherwise its box says "(output not kept)".
Gradients are shown for leaves and for tensors that called ``retain_grad()``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from . import engine
from .autograd.function import BackwardCFunction
from .tensor import Tensor


@dataclass
class GraphNode:
    """One node of the layout: a box (an op, a leaf, the output) or a virtual node."""

    id: int
    kind: str  # "op", "leaf", "output", or "virtual" (where a long edge crosses a column)
    name: str  # "Mul", a parameter's name, "output", ...
    value: np.ndarray | None = None
    grad: np.ndarray | None = None
    note: str = ""  # why an op has no value: "freed by backward", "output not kept"
    layer: int = 0  # column, from 0 (inputs) to the output's
    order: float = 0.0  # position within the column, top to bottom, centred on 0
    ref: object = field(default=None, repr=False)  # the grad_fn node or the tensor


@dataclass
class GraphLayout:
    nodes: list[GraphNode]  # the boxes
    edges: list[tuple[int, int]]  # (source id, target id), in data-flow direction
    # virtual[k]: the virtual nodes of edges[k], one per column it crosses, left to right
    virtual: list[list[GraphNode]] = field(default_factory=list)

    def node(self, i: int) -> GraphNode:
        return self.nodes[i]

    def chain(self, k: int) -> list[GraphNode]:
        """Edge ``k`` as the nodes it passes through: source, virtual nodes, target."""
        src, dst = self.edges[k]
        return [self.nodes[src], *self.virtual[k], self.nodes[dst]]


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

    def add(kind, name, ref, value=None, grad=None, note="") -> int:
        nodes.append(GraphNode(len(nodes), kind, name, value, grad, note, ref=ref))
        return len(nodes) - 1

    def visit(fn) -> int:
        """The node id for graph node ``fn`` (created on first visit)."""
        if id(fn) not in index:
            if isinstance(fn, engine.AccumulateGrad):
                t = fn.variable
                index[id(fn)] = add("leaf", names.get(id(t), "leaf"), t, t._data, _grad(t))
            else:
                kept = engine.retained(fn._node)  # an intermediate's retain_grad()
                holder = tensor if fn is tensor.grad_fn else kept
                value, note = _op_value(fn._node, holder)
                index[id(fn)] = add("op", _op_name(fn), fn, value,
                                    None if kept is None else _grad(kept), note)
        return index[id(fn)]

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
    layout = GraphLayout(nodes, edges, _add_virtual_nodes(nodes, edges))
    _order_layers(layout)
    return layout


def _grad(t: Tensor):
    return None if t._grad is None else t._grad._data


def _alive(ref) -> Tensor | None:
    """The tensor behind a weak reference (None if there is none, or it is gone)."""
    return None if ref is None else ref()


def _op_value(fn, holder: Tensor | None) -> tuple[np.ndarray | None, str]:
    """The output of op node ``fn`` (the engine's) if it still exists, else a note
    saying why not.

    ``holder`` is a tensor known to be that output (the drawn tensor, or one that
    called ``retain_grad()``)."""
    if fn._num_outputs > 1:  # a custom Function with several outputs: one box for all
        return None, ""
    ans = getattr(fn, "_ans", None)  # a primitive's node holds it until backward frees it
    if ans is not None:
        return ans, ""
    if holder is None:  # kept by some primitives' nodes to detect in-place changes
        holder = _alive(getattr(fn, "_out", None))
    if holder is not None:
        return holder._data, ""
    if isinstance(fn, BackwardCFunction):
        saved = fn._saved_outputs  # {output number: (data, version)} until backward
        return (saved[0][0], "") if 0 in saved else (None, "output not kept")
    return None, "freed by backward" if fn._freed else ""


# Layout --------------------------------------------------------------------------------

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


def _add_virtual_nodes(nodes: list[GraphNode],
                       edges: list[tuple[int, int]]) -> list[list[GraphNode]]:
    """One virtual node in each column an edge crosses (ids follow the boxes' ids)."""
    virtual, next_id = [], len(nodes)
    for src, dst in edges:
        chain = []
        for layer in range(nodes[src].layer + 1, nodes[dst].layer):
            chain.append(GraphNode(next_id, "virtual", "", layer=layer))
            next_id += 1
        virtual.append(chain)
    return virtual


def _segments(layout: GraphLayout) -> list[tuple[GraphNode, GraphNode]]:
    """The edges cut at their virtual nodes: each segment joins adjacent columns."""
    out = []
    for k in range(len(layout.edges)):
        chain = layout.chain(k)
        out += zip(chain, chain[1:], strict=False)
    return out


def _crossings(segments: list[tuple[GraphNode, GraphNode]]) -> int:
    """How many pairs of segments between the same two columns cross."""
    by_layer: dict[int, list[tuple[float, float]]] = {}
    for a, b in segments:
        by_layer.setdefault(a.layer, []).append((a.order, b.order))
    return sum(1 for segs in by_layer.values() for i, (a, b) in enumerate(segs)
               for c, d in segs[:i] if (a - c) * (b - d) < 0)


def _order_layers(layout: GraphLayout, sweeps: int = 8) -> None:
    """Barycentre heuristic: sort each column by the mean position of neighbours."""
    everything = layout.nodes + [v for chain in layout.virtual for v in chain]
    segments = _segments(layout)
    inputs: dict[int, list[GraphNode]] = {n.id: [] for n in everything}
    outputs: dict[int, list[GraphNode]] = {n.id: [] for n in everything}
    for a, b in segments:
        inputs[b.id].append(a)
        outputs[a.id].append(b)
    columns: dict[int, list[GraphNode]] = {}
    for n in everything:  # first guess: the order of discovery from the output
        columns.setdefault(n.layer, []).append(n)
    layers = sorted(columns)

    def renumber(col: list[GraphNode]) -> None:
        for k, n in enumerate(col):
            n.order = float(k)

    for col in columns.values():
        renumber(col)
    fewest, best = _crossings(segments), [n.order for n in everything]
    for sweep in range(sweeps):
        forward = sweep % 2 == 0  # left to right using inputs, then back using outputs
        neighbours = inputs if forward else outputs
        for layer in layers[1:] if forward else layers[-2::-1]:
            col = columns[layer]
            barycentre = {n.id: np.mean([m.order for m in neighbours[n.id]])
                          if neighbours[n.id] else n.order for n in col}
            col.sort(key=lambda n: barycentre[n.id])  # stable: ties keep their order
            renumber(col)
        crossings = _crossings(segments)
        if crossings < fewest:
            fewest, best = crossings, [n.order for n in everything]
    for n, order in zip(everything, best, strict=True):
        n.order = order
    for col in columns.values():
        col.sort(key=lambda n: n.order)
        for n in col:
            n.order -= (len(col) - 1) / 2  # centred on 0


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
        lines.append("data " + _fmt(n.value))
    elif show_values and n.note:
        lines.append(f"({n.note})")
    if show_grads and n.grad is not None:
        lines.append("grad " + _fmt(n.grad))
    return "\n".join(lines)


# Geometry ------------------------------------------------------------------------------

# In inches.  8 pt monospace: a character is ~0.067 in wide, a line ~0.14 in high.
CHAR_WIDTH, LINE_HEIGHT, PADDING = 0.067, 0.14, 0.09
BOX_GAP, EDGE_GAP, MARGIN = 0.22, 0.12, 0.15  # vertical gaps: box-box, edge-anything


@dataclass
class GraphGeometry:
    """Where ``draw_graph`` puts everything, in inches (x to the right, y up)."""

    layout: GraphLayout
    labels: dict[int, str]  # node id -> the text in its box
    boxes: dict[int, tuple[float, float, float, float]]  # node id -> (x0, y0, x1, y1)
    paths: list[list[tuple[float, float]]]  # per edge: the line drawn, source box to target box
    size: tuple[float, float]  # of the figure: width, height


def graph_geometry(tensor: Tensor, *, params: dict[str, Tensor] | None = None,
                   show_values: bool = True, show_grads: bool = True,
                   label: Callable[[GraphNode], str] | None = None) -> GraphGeometry:
    """The boxes and edge lines of ``draw_graph``'s drawing of ``tensor``'s graph.

    ``label(node)`` replaces the text of each box (and so its size), for drawings
    that style boxes their own way."""
    layout = graph_layout(tensor, params)
    label = label or (lambda n: _label(n, show_values, show_grads))
    labels = {n.id: label(n) for n in layout.nodes}
    size = {}  # node id -> (width, height); a virtual node is a point
    for n in layout.nodes:
        lines = labels[n.id].split("\n")
        size[n.id] = (CHAR_WIDTH * max(map(len, lines)) + 2 * PADDING,
                      LINE_HEIGHT * len(lines) + 2 * PADDING)
    for chain in layout.virtual:
        for v in chain:
            size[v.id] = (0.0, 0.0)
    y = _place_vertically(layout, {i: h for i, (_, h) in size.items()})

    # Columns as wide as their widest box; the gap after a column grows with the
    # height its edges climb, so that steep curves stay readable.
    n_layers = 1 + max(n.layer for n in layout.nodes)
    widths = [0.0] * n_layers
    for n in layout.nodes:
        widths[n.layer] = max(widths[n.layer], size[n.id][0])
    climb = [0.0] * n_layers
    for a, b in _segments(layout):
        climb[a.layer] = max(climb[a.layer], abs(y[a.id] - y[b.id]))
    left, x = [], MARGIN
    for k in range(n_layers):
        left.append(x)
        x += widths[k] + min(1.5, max(0.45, 0.3 * climb[k]))
    right = [x0 + w for x0, w in zip(left, widths, strict=True)]

    boxes = {}
    for n in layout.nodes:
        w, h = size[n.id]
        xc = left[n.layer] + widths[n.layer] / 2
        boxes[n.id] = (xc - w / 2, y[n.id] - h / 2, xc + w / 2, y[n.id] + h / 2)
    ports = _ports(layout, y, size)
    paths = []
    for k in range(len(layout.edges)):
        chain = layout.chain(k)
        src, dst = chain[0], chain[-1]
        y_out, y_in = ports[k]
        # Out of the source box, level up to the column's edge (still inside the
        # box's own band, where no other box is); then from column to column, a
        # curve across each gap and a level line through each crossed column
        # (at its virtual node's height, a slot no box occupies).
        path = [(boxes[src.id][2], y_out), (right[src.layer], y_out)]
        for v in chain[1:-1]:
            path += _curve(path[-1], (left[v.layer], y[v.id]))
            path.append((right[v.layer], y[v.id]))
        path += _curve(path[-1], (left[dst.layer], y_in))
        path.append((boxes[dst.id][0], y_in))
        paths.append([p for i, p in enumerate(path)  # without repeated points
                      if i == 0 or abs(p[0] - path[i - 1][0]) + abs(p[1] - path[i - 1][1]) > 1e-9])
    height = float(max(max(b[3] for b in boxes.values()), *y.values())) + MARGIN
    return GraphGeometry(layout, labels, boxes, paths, (right[-1] + MARGIN, height))


def _place_vertically(layout: GraphLayout, height: dict[int, float],
                      rounds: int = 16) -> dict[int, float]:
    """The height (y, up) of each node's centre: near its neighbours, in its
    column's order, separated from the nodes above and below it."""
    everything = layout.nodes + [v for chain in layout.virtual for v in chain]
    neighbours: dict[int, list[int]] = {n.id: [] for n in everything}
    for a, b in _segments(layout):
        neighbours[a.id].append(b.id)
        neighbours[b.id].append(a.id)
    columns: dict[int, list[GraphNode]] = {}
    for n in sorted(everything, key=lambda n: n.order):
        columns.setdefault(n.layer, []).append(n)
    # depth[i]: distance below the top of the column; depth[n] - depth[above] >= gap[n]
    gap = {}
    for col in columns.values():
        gap[col[0].id] = 0.0
        for above, n in zip(col, col[1:], strict=False):
            both_boxes = above.kind != "virtual" and n.kind != "virtual"
            gap[n.id] = (height[above.id] + height[n.id]) / 2 + (
                BOX_GAP if both_boxes else EDGE_GAP)
    depth = {}
    for col in columns.values():  # start: stacked, and centred on 0
        offsets = np.cumsum([gap[n.id] for n in col])
        for n, d in zip(col, offsets - offsets[-1] / 2, strict=True):
            depth[n.id] = d
    layers = sorted(columns)
    for r in range(rounds):
        for layer in layers if r % 2 == 0 else layers[::-1]:
            col = columns[layer]
            wanted = [np.mean([depth[j] for j in neighbours[n.id]]) if neighbours[n.id]
                      else depth[n.id] for n in col]
            # Virtual nodes pull harder than boxes, so that long edges run straight.
            weights = [3.0 if n.kind == "virtual" else 1.0 for n in col]
            offsets = np.cumsum([gap[n.id] for n in col])
            shifts = _isotonic(np.array(wanted) - offsets, weights)
            for n, d in zip(col, shifts + offsets, strict=True):
                depth[n.id] = d
    bottom = max(depth[n.id] + height[n.id] / 2 for n in everything)
    return {i: bottom - d + MARGIN for i, d in depth.items()}  # y up, bottom box at MARGIN


def _isotonic(targets: np.ndarray, weights: list[float]) -> np.ndarray:
    """The non-decreasing sequence nearest to ``targets`` (weighted least squares):
    pool adjacent violators, merging neighbours into their mean until in order."""
    blocks: list[list[float]] = []  # [mean, weight, count]
    for t, w in zip(targets, weights, strict=True):
        blocks.append([t, w, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, w2, n2 = blocks.pop()
            m1, w1, n1 = blocks.pop()
            blocks.append([(m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2, n1 + n2])
    return np.array([m for m, _, n in blocks for _ in range(int(n))])


def _ports(layout: GraphLayout, y: dict[int, float],
           size: dict[int, tuple[float, float]]) -> list[tuple[float, float]]:
    """Where each edge leaves its source and enters its target: spread over the
    box's side in the order of the other ends, so that edges do not cross there."""
    leaving: dict[int, list[tuple[float, int]]] = {}
    entering: dict[int, list[tuple[float, int]]] = {}
    for k in range(len(layout.edges)):
        chain = layout.chain(k)
        leaving.setdefault(chain[0].id, []).append((-y[chain[1].id], k))
        entering.setdefault(chain[-1].id, []).append((-y[chain[-2].id], k))
    ports = [[0.0, 0.0] for _ in layout.edges]
    for side, groups in ((0, leaving), (1, entering)):
        for i, group in groups.items():
            step = min(0.08, 0.6 * size[i][1] / len(group))
            for j, (_, k) in enumerate(sorted(group)):  # top first
                ports[k][side] = y[i] + ((len(group) - 1) / 2 - j) * step
    return [(a, b) for a, b in ports]


def _curve(p: tuple[float, float], q: tuple[float, float],
           steps: int = 12) -> list[tuple[float, float]]:
    """A smooth S from ``p`` to ``q``, level at both ends (a cubic Bezier curve)."""
    (x0, y0), (x1, y1) = p, q
    t = np.linspace(0.0, 1.0, steps + 1)[1:, None]
    ctrl = np.array([[x0, y0], [(x0 + x1) / 2, y0], [(x0 + x1) / 2, y1], [x1, y1]])
    pts = ((1 - t) ** 3 * ctrl[0] + 3 * (1 - t) ** 2 * t * ctrl[1]
           + 3 * (1 - t) * t ** 2 * ctrl[2] + t ** 3 * ctrl[3])
    return [(float(a), float(b)) for a, b in pts]


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

    Boxes and edge lines are placed by ``graph_geometry``; an edge never passes
    behind a box.  The Figure is made without pyplot, so nothing is shown or kept
    open: it works headless; a notebook displays it when it is a cell's last
    value, and ``fig.savefig(...)`` writes it to a file.
    """
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
    from matplotlib.path import Path

    geo = graph_geometry(tensor, params=params, show_values=show_values,
                         show_grads=show_grads)
    fig = Figure(figsize=geo.size)
    ax = fig.add_axes((0, 0, 1, 1))  # one data unit is one inch
    ax.set_axis_off()
    ax.set_xlim(0, geo.size[0])
    ax.set_ylim(0, geo.size[1])
    for n in geo.layout.nodes:
        x0, y0, x1, y1 = geo.boxes[n.id]
        style = "round,pad=0,rounding_size=0.07" if n.kind == "op" else "square,pad=0"
        ax.add_patch(FancyBboxPatch((x0, y0), x1 - x0, y1 - y0, boxstyle=style, zorder=2,
                                    facecolor=_COLOURS[n.kind], edgecolor="0.3", lw=0.8))
        ax.text((x0 + x1) / 2, (y0 + y1) / 2, geo.labels[n.id], ha="center", va="center",
                fontsize=8, family="monospace", zorder=3,
                fontweight="bold" if n.kind == "output" else "normal")
    for path in geo.paths:
        ax.add_patch(FancyArrowPatch(path=Path(path), arrowstyle="-|>", mutation_scale=8,
                                     color="0.35", lw=0.9, shrinkA=0, shrinkB=0, zorder=1))
    return fig
