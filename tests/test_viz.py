"""minigrad.viz: the graph below a tensor, as a layout, a matplotlib Figure and DOT text."""

import io
import re

import matplotlib
import pytest

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
    tanh = next(n for n in layout.nodes if n.name == "Tanh")
    assert tanh.value is None  # freed by backward: drawn without a value


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
    texts = fig.axes[0].texts
    boxes = [t for t in texts if t.get_text()]
    arrows = [t for t in texts if not t.get_text()]
    assert len(boxes) == 11 and len(arrows) == 10
    labels = [t.get_text() for t in boxes]
    assert "Mul" in labels and "Tanh" in labels
    assert any(lbl.startswith("x1\n") and "grad [-1.5]" in lbl for lbl in labels)


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
    assert len(layout.nodes) == 8 * 6 + 4  # per layer: T, Mm, Addmm, Tanh, weight, bias
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
