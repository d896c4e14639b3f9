"""minigrad.viz: the graph below a tensor, as a layout, a matplotlib Figure and DOT text."""

import io
import re

import matplotlib
import numpy as np
import pytest
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

import minigrad as torch
from minigrad import viz

PNG_HEADER = b"\x89PNG\r\n\x1a\n"


def neuron():
    """The neuron of Karpathy's micrograd lecture (spec 8.2)."""
    x1 = torch.tensor([2.0], dtype=torch.float64, requires_grad=True)
    x2 = torch.tensor([0.0], dtype=torch.float64, requires_grad=True)
    w1 = torch.tensor([-3.0], dtype=torch.float64, requires_grad=True)
    w2 = torch.tensor([1.0], dtype=torch.float64, requires_grad=True)
    b = torch.tensor([6.8813735870195432], dtype=torch.float64, requires_grad=True)
    o = torch.tanh(x1 * w1 + x2 * w2 + b)
    return o, dict(x1=x1, x2=x2, w1=w1, w2=w2, b=b)


def kinds(layout):
    out = {}
    for n in layout.nodes:
        out.setdefault(n.kind, []).append(n.name)
    return {k: sorted(v) for k, v in out.items()}


def test_layout_has_one_node_per_op_and_per_leaf_and_the_output():
    o, params = neuron()
    layout = viz.graph_layout(o, params)
    assert kinds(layout) == {"op": ["Add", "Add", "Mul", "Mul", "Tanh"],
                             "leaf": ["b", "w1", "w2", "x1", "x2"], "output": ["output"]}
    assert len(layout.edges) == 10  # 2 per Mul and Add, 1 into Tanh, 1 into the output


def test_edges_point_from_inputs_to_the_output_and_layers_increase_along_them():
    o, params = neuron()
    layout = viz.graph_layout(o, params)
    for src, dst in layout.edges:
        assert layout.node(src).layer < layout.node(dst).layer
    out = next(n for n in layout.nodes if n.kind == "output")
    assert out.layer == max(n.layer for n in layout.nodes)
    assert not any(src == out.id for src, _ in layout.edges)


def test_a_leaf_sits_just_before_its_consumer():
    o, params = neuron()
    layout = viz.graph_layout(o, params)
    b = next(n for n in layout.nodes if n.name == "b")
    (consumer,) = [layout.node(d) for s, d in layout.edges if s == b.id]
    assert consumer.layer == b.layer + 1


def test_barycentre_ordering_removes_crossings_of_two_independent_chains():
    a = torch.tensor(1.0, requires_grad=True)
    b = torch.tensor(2.0, requires_grad=True)
    y = a.exp().sin() + b.cos().tanh()
    layout = viz.graph_layout(y, {"a": a, "b": b})
    edges = [(layout.node(s), layout.node(d)) for s, d in layout.edges]
    crossings = sum(
        1 for (s1, d1) in edges for (s2, d2) in edges
        if s1.layer == s2.layer and d1.layer == d2.layer
        and (s1.order - s2.order) * (d1.order - d2.order) < 0)
    assert crossings == 0


def test_a_repeated_input_gives_two_edges():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    layout = viz.graph_layout((a * a).sum())
    mul = next(n for n in layout.nodes if n.name == "Mul")
    leaf = next(n for n in layout.nodes if n.kind == "leaf")
    assert layout.edges.count((leaf.id, mul.id)) == 2


def test_leaves_show_values_and_gradients_after_backward():
    o, params = neuron()
    o.backward()  # frees the saved values but keeps next_functions
    layout = viz.graph_layout(o, params)
    x1 = next(n for n in layout.nodes if n.name == "x1")
    assert x1.value.tolist() == [2.0]
    assert x1.grad.tolist() == pytest.approx([-1.5000003851533106])


def test_a_tensor_without_history_is_a_single_node():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    layout = viz.graph_layout(x)
    assert [n.kind for n in layout.nodes] == ["leaf"] and layout.edges == []
    assert len(viz.graph_layout(torch.ones(2)).nodes) == 1


def test_draw_graph_draws_one_box_per_node_and_one_arrow_per_edge():
    o, params = neuron()
    o.backward()
    fig = viz.draw_graph(o, params=params)
    assert isinstance(fig, matplotlib.figure.Figure)
    ax = fig.axes[0]
    boxes = [p for p in ax.patches if isinstance(p, FancyBboxPatch)]
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    assert len(boxes) == 11 and len(arrows) == 10
    labels = [t.get_text() for t in ax.texts]
    assert len(labels) == 11 and "Tanh\ndata [0.7071]" in labels
    assert any(lbl.startswith("x1\n") and "grad [-1.5]" in lbl for lbl in labels)


def test_draw_graph_draws_the_geometry_it_exposes():
    o, params = neuron()
    geo = viz.graph_geometry(o, params=params)
    ax = viz.draw_graph(o, params=params).axes[0]
    drawn = sorted((round(b.get_x(), 6), round(b.get_y(), 6)) for b in ax.patches
                   if isinstance(b, FancyBboxPatch))
    assert drawn == sorted((round(x0, 6), round(y0, 6)) for x0, y0, _, _ in geo.boxes.values())
    assert tuple(ax.figure.get_size_inches()) == pytest.approx(geo.size)


def test_draw_graph_renders_a_png_without_a_display():
    o, params = neuron()
    buf = io.BytesIO()
    viz.draw_graph(o, params=params).savefig(buf, format="png")
    data = buf.getvalue()
    assert data[:8] == PNG_HEADER and len(data) > 5000


def test_draw_graph_handles_a_fifty_node_network():
    torch.manual_seed(0)
    layers = []
    for _ in range(8):
        layers += [torch.nn.Linear(4, 4), torch.nn.Tanh()]
    model = torch.nn.Sequential(*layers)
    loss = torch.nn.functional.mse_loss(model(torch.randn(3, 4)), torch.zeros(3, 4))
    loss.backward()
    layout = viz.graph_layout(loss, dict(model.named_parameters()))
    # per layer: T, Mm, Addmm, Tanh, weight, bias; then MseLoss (one node, as PyTorch's)
    # and the output
    assert len(layout.nodes) == 8 * 6 + 2
    buf = io.BytesIO()
    viz.draw_graph(loss, params=dict(model.named_parameters())).savefig(buf, format="png")
    assert buf.getvalue()[:8] == PNG_HEADER


def test_to_dot_lists_every_node_and_edge():
    o, params = neuron()
    dot = viz.to_dot(o, params=params)
    assert dot.startswith("digraph {") and dot.rstrip().endswith("}")
    nodes = re.findall(r"^  n\d+ \[label=", dot, flags=re.M)
    edges = re.findall(r"^  n\d+ -> n\d+;$", dot, flags=re.M)
    assert len(nodes) == 11 and len(edges) == 10
    tanh_line = next(ln for ln in dot.splitlines() if 'label="Tanh' in ln)
    assert "shape=ellipse" in tanh_line
    assert 'label="x1\\ndata [2]' in dot  # a leaf: its name, then its value


def test_to_dot_escapes_quotes_in_names():
    x = torch.tensor(1.0, requires_grad=True)
    dot = viz.to_dot(x * 2, params={'say "hi"': x})
    assert 'say \\"hi\\"' in dot


# Long edges: virtual nodes, and no edge behind a box ------------------------------------

def shared_product():
    """L = (a*b + a) * (a*b): c = a*b feeds the Add and, skipping it, the last Mul."""
    a = torch.tensor(2.0, requires_grad=True)
    b = torch.tensor(-3.0, requires_grad=True)
    c = a * b
    return (c + a) * c, dict(a=a, b=b)


def baydin():
    """f = ln x1 + x1 x2 - sin x2 (Baydin et al. 2018): x2 -> Sin skips the Mul's column."""
    x1 = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    x2 = torch.tensor(5.0, dtype=torch.float64, requires_grad=True)
    return torch.log(x1) + x1 * x2 - torch.sin(x2), dict(x1=x1, x2=x2)


def mlp_loss():
    torch.manual_seed(0)
    layers = []
    for _ in range(8):
        layers += [torch.nn.Linear(4, 4), torch.nn.Tanh()]
    model = torch.nn.Sequential(*layers)
    loss = torch.nn.functional.mse_loss(model(torch.randn(3, 4)), torch.zeros(3, 4))
    return loss, dict(model.named_parameters())


def residual():
    """Five residual blocks h + tanh(h w) sigmoid(sum h): the leaves feed every block."""
    torch.manual_seed(0)
    x = torch.randn(3, requires_grad=True)
    w = torch.randn(3, requires_grad=True)
    h = x
    for _ in range(5):
        h = h + torch.tanh(h * w) * torch.sigmoid(h.sum())
    return (h * x).sum() + w.exp().mean(), dict(x=x, w=w)


def segment_meets_box(p, q, box, eps=1e-9) -> bool:
    """Whether segment pq touches the closed rectangle ``box`` (Liang-Barsky clipping)."""
    (x0, y0), (x1, y1) = p, q
    dx, dy = x1 - x0, y1 - y0
    lo, hi = 0.0, 1.0
    for d, start, low, high in ((dx, x0, box[0] - eps, box[2] + eps),
                                (dy, y0, box[1] - eps, box[3] + eps)):
        if d == 0:
            if not low <= start <= high:
                return False
            continue
        t0, t1 = sorted(((low - start) / d, (high - start) / d))
        lo, hi = max(lo, t0), min(hi, t1)
    return lo <= hi


def edges_through_boxes(geo):
    """(edge, node) pairs where an edge line meets a box other than its two ends."""
    hits = []
    for k, ((src, dst), path) in enumerate(zip(geo.layout.edges, geo.paths)):
        for i, box in geo.boxes.items():
            if i in (src, dst):
                continue
            if any(segment_meets_box(p, q, box) for p, q in zip(path, path[1:])):
                hits.append((k, geo.layout.node(i).name))
    return hits


def test_the_segment_test_sees_a_straight_edge_crossing_a_box():
    box = (1.0, -0.2, 2.0, 0.2)
    assert segment_meets_box((0.0, 0.0), (3.0, 0.1), box)
    assert not segment_meets_box((0.0, 0.5), (3.0, 0.4), box)


@pytest.mark.parametrize("graph", [shared_product, baydin, neuron, mlp_loss, residual])
def test_no_edge_passes_over_a_box_other_than_its_ends(graph):
    y, params = graph()
    geo = viz.graph_geometry(y, params=params)
    assert edges_through_boxes(geo) == []


@pytest.mark.parametrize("graph", [shared_product, baydin, neuron, mlp_loss])
def test_edges_leave_their_source_on_the_right_and_enter_their_target_on_the_left(graph):
    y, params = graph()
    geo = viz.graph_geometry(y, params=params)
    for (src, dst), path in zip(geo.layout.edges, geo.paths):
        (_, sy0, sx1, sy1), (tx0, ty0, _, ty1) = geo.boxes[src], geo.boxes[dst]
        assert path[0][0] == pytest.approx(sx1) and sy0 < path[0][1] < sy1
        assert path[-1][0] == pytest.approx(tx0) and ty0 < path[-1][1] < ty1
        steps = [q[0] - p[0] for p, q in zip(path, path[1:])]
        assert min(steps) > 0  # always rightwards: data flows left to right


@pytest.mark.parametrize("graph", [mlp_loss, residual])
@pytest.mark.parametrize("show_values", [True, False])
def test_everything_fits_in_the_figure(graph, show_values):
    y, params = graph()
    geo = viz.graph_geometry(y, params=params, show_values=show_values)
    width, height = geo.size
    for x0, y0, x1, y1 in geo.boxes.values():
        assert 0 < x0 < x1 < width and 0 < y0 < y1 < height
    for path in geo.paths:
        assert all(0 < x < width and 0 < y < height for x, y in path)


@pytest.mark.parametrize("graph", [mlp_loss, residual])
def test_boxes_do_not_overlap(graph):
    y, params = graph()
    geo = viz.graph_geometry(y, params=params)
    boxes = list(geo.boxes.values())
    for i, a in enumerate(boxes):
        for b in boxes[:i]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


@pytest.mark.parametrize("graph", [shared_product, baydin, mlp_loss])
def test_a_long_edge_has_one_virtual_node_in_each_column_it_crosses(graph):
    y, params = graph()
    layout = viz.graph_layout(y, params)
    for k in range(len(layout.edges)):
        layers = [n.layer for n in layout.chain(k)]
        assert layers == list(range(layers[0], layers[-1] + 1))
        assert all(n.kind == "virtual" for n in layout.chain(k)[1:-1])


def test_the_shared_product_has_two_long_edges_with_one_virtual_node_each():
    y, params = shared_product()
    layout = viz.graph_layout(y, params)
    long = [layout.chain(k) for k in range(len(layout.edges)) if layout.virtual[k]]
    assert sorted((c[0].name, c[-1].name) for c in long) == [("Mul", "Mul"), ("a", "Add")]
    assert all(len(c) == 3 for c in long)


def test_a_virtual_node_and_the_boxes_of_its_column_have_distinct_orders():
    y, params = baydin()
    layout = viz.graph_layout(y, params)
    everything = layout.nodes + [v for chain in layout.virtual for v in chain]
    slots = [(n.layer, n.order) for n in everything]
    assert len(slots) == len(set(slots))


# Values of op boxes ---------------------------------------------------------------------

def by_name(layout, name):
    return [n for n in layout.nodes if n.name == name]


def test_every_op_shows_its_value_before_backward():
    y, params = baydin()
    layout = viz.graph_layout(y, params)
    values = {n.name: float(n.value) for n in layout.nodes if n.kind == "op"}
    assert values == pytest.approx({"Log": np.log(2), "Mul": 10.0, "Sin": np.sin(5),
                                    "Add": np.log(2) + 10, "Sub": y.item()})


def test_ops_keep_their_values_after_backward_with_retain_graph():
    y, params = baydin()
    y.backward(retain_graph=True)
    layout = viz.graph_layout(y, params)
    assert all(n.value is not None for n in layout.nodes)


def test_backward_frees_the_values_of_ops_that_saved_them_and_the_box_says_so():
    y, params = baydin()
    y.backward()
    geo = viz.graph_geometry(y, params=params)
    layout = geo.layout
    for name in ("Log", "Mul", "Sin"):  # their derivatives needed saved values
        (n,) = by_name(layout, name)
        assert n.value is None and n.note == "freed by backward"
        assert geo.labels[n.id] == f"{name}\n(freed by backward)"
    (add,) = by_name(layout, "Add")  # saves nothing, so nothing is freed
    assert float(add.value) == pytest.approx(np.log(2) + 10)
    (sub,) = by_name(layout, "Sub")  # the drawn tensor holds it
    assert float(sub.value) == pytest.approx(y.item()) and sub.note == ""


def test_an_intermediate_with_retain_grad_shows_its_value_and_gradient_after_backward():
    x = torch.tensor(3.0, dtype=torch.float64, requires_grad=True)
    f = torch.sin(x)
    f.retain_grad()
    out = torch.log(f) + torch.sqrt(f)
    out.backward()
    (sin,) = by_name(viz.graph_layout(out, {"x": x}), "Sin")
    assert float(sin.value) == pytest.approx(np.sin(3.0))
    assert float(sin.grad) == pytest.approx(1 / np.sin(3) + 0.5 / np.sqrt(np.sin(3)))


class SavesOutput(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = x.exp()
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return g * y


class SavesInput(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 2 * g * x


def test_a_custom_function_shows_its_output_only_while_it_keeps_it():
    x = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    y = SavesInput.apply(SavesOutput.apply(x)) * 2
    layout = viz.graph_layout(y, {"x": x})
    (saves_output,) = by_name(layout, "SavesOutput")
    (saves_input,) = by_name(layout, "SavesInput")
    assert float(saves_output.value) == pytest.approx(np.e)
    assert saves_input.value is None and saves_input.note == "output not kept"
    y.backward()
    (saves_output,) = by_name(viz.graph_layout(y, {"x": x}), "SavesOutput")
    assert saves_output.value is None and saves_output.note == "output not kept"
