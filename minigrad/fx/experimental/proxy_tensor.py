"""``make_fx``: trace a function over tensors into a graph of ATen calls.

``make_fx(f)(*args)`` runs ``f`` once on stand-ins for the tensors in ``args``
(:class:`Proxy`: each holds the real value and the graph node that made it), so
every call of PyTorch's API inside ``f`` reaches minigrad/_aten.py's dispatcher as
the ATen operators PyTorch would record (``x.reshape(-1)`` is ``aten.view.default``).
The tracer records each call as a node, computes it on the real values, and wraps
the result.  An in-place call (``add_``) is recorded too, and the tensor it changed
is from then on the output of that node, as in PyTorch.  What ``f`` returns becomes
the graph's output; the GraphModule returned prints FX's code for it (``.code``)
and runs it again when called.
"""

from __future__ import annotations

import inspect

from ... import _aten
from ...tensor import Tensor
from ..graph import Graph, GraphModule

__all__ = ["make_fx"]


class Proxy(_aten.Wrapped):
    """A tensor of the trace: the value ``_inner``, made by graph node ``_fx_node``."""

    __slots__ = ("_fx_node",)


class _Tracer(_aten.Layer):
    def __init__(self) -> None:
        self.graph = Graph()

    def wrap(self, value, node) -> Proxy:
        p = Proxy(value, self)
        p._fx_node = node
        return p

    def _node_of(self, a):
        if isinstance(a, Proxy) and a._layer is self:
            return a._fx_node
        if isinstance(a, (list, tuple)):
            return [self._node_of(x) for x in a]
        if isinstance(a, Tensor):
            raise NotImplementedError(
                "minigrad's make_fx traces only the function's tensor inputs and what is "
                "computed from them: a tensor made otherwise (a constant, or one made by "
                "torch.ones, tensor(...) inside the function) is not supported")
        return a

    def _value_of(self, a):
        if isinstance(a, Proxy) and a._layer is self:
            return a._inner
        if isinstance(a, (list, tuple)):
            return type(a)(self._value_of(x) for x in a)
        return a

    def handle(self, op, args, kwargs):
        node = self.graph.call(op, tuple(self._node_of(a) for a in args),
                               {k: self._node_of(v) for k, v in kwargs.items()})
        values = [self._value_of(a) for a in args]
        kw = {k: self._value_of(v) for k, v in kwargs.items()}
        out = (_aten.call_below(self, op, *values, **kw) if op in _aten.FACTORIES
               else _aten.call(op, *values, **kw))
        if _aten.is_inplace(op):  # the changed tensor is now the node's output
            args[0]._fx_node = node
            return args[0]
        return self.wrap(out, node)


def _names(f, params=None):
    """The placeholders' names, as make_fx's, for n inputs: each parameter's name and
    ``_1`` (``arg0_1``... for a function of ``*args``, or with no signature)."""
    if params is None:
        try:
            params = list(inspect.signature(f).parameters.values())
        except (TypeError, ValueError):
            params = []
    positional = [p for p in params or () if p.kind in (p.POSITIONAL_ONLY,
                                                       p.POSITIONAL_OR_KEYWORD)]

    def names(n: int) -> list[str]:
        if any(p.kind is p.VAR_POSITIONAL for p in params or ()) or len(positional) < n:
            return [f"arg{i}_1" for i in range(n)]
        return [f"{p.name}_1" for p in positional[:n]]

    return names


def _output(value, tracer: _Tracer):
    if isinstance(value, Proxy) and value._layer is tracer:
        return value._fx_node
    if isinstance(value, (list, tuple)):
        return type(value)(_output(v, tracer) for v in value)
    if isinstance(value, dict):
        return {k: _output(v, tracer) for k, v in value.items()}
    if isinstance(value, Tensor):
        raise NotImplementedError("minigrad's make_fx: the function returned a tensor that "
                                  "is not computed from its inputs (a constant)")
    return value


def make_fx(f, decomposition_table=None, tracing_mode: str = "real", **kwargs):
    """``make_fx(f)(*args)``: the GraphModule of the ATen calls ``f(*args)`` makes."""
    if decomposition_table or tracing_mode != "real" or kwargs:
        raise NotImplementedError("minigrad's make_fx traces with real tensors and no "
                                  "decomposition table")

    fn = _aten.routed(f)  # (torch.sin itself: PyTorch's is a builtin, its inputs argN)
    names = _names(f, None if fn is f else [])

    def traced(*args):
        tracer = _Tracer()
        wrapped = {}  # id of an input tensor -> its Proxy (an input given twice: the last)
        for name, a in zip(names(len(args)), args, strict=True):
            node = tracer.graph.placeholder(name)
            if isinstance(a, Tensor):
                wrapped[id(a)] = tracer.wrap(a, node)
        inputs = [wrapped.get(id(a), a) if isinstance(a, Tensor) else a for a in args]
        with _aten.active(tracer):
            out = fn(*inputs)
        tracer.graph.output(_output(out, tracer))
        return GraphModule(tracer.graph, getattr(f, "__name__", "GraphModule"))

    return traced
