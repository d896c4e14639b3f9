"""torch.fx, the little of it that make_fx needs: a graph of ATen calls, printed as FX
prints it (graph.py), and make_fx's tracer (experimental/proxy_tensor.py)."""

from .graph import Graph, GraphModule

__all__ = ["Graph", "GraphModule"]
