"""A graph of ATen calls and the Python code PyTorch's FX prints for it.

A :class:`Graph` is a list of nodes: the inputs (``placeholder``), one node per
recorded call (``call_function``), and the ``output``.  Its ``python_code`` is FX's
``GraphModule.code``: one line per call, named after its operator (``add``, ``add_1``;
``sum_1``, never shadowing a builtin), each line freeing the values it used last
(``;  a_1 = None``) and the values no one uses (FX's liveness annotations).
"""

from __future__ import annotations

import builtins
import keyword
import re

from .. import _aten

# FX's names: no keyword, no builtin, none of the names its generated code imports.
_ILLEGAL = set(keyword.kwlist) | set(vars(builtins)) | {"inf", "nan", "NoneType", "torch",
                                                        "device", "fx_pytree", "pytree"}
_NAME = re.compile(r"^([a-zA-Z_][0-9a-zA-Z_]*?)(?:_(\d+))?$")


class _Namespace:
    """FX's unique names: ``add``, then ``add_1``, ``add_2``...  (its _Namespace)."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.count: dict[str, int] = {}

    def create(self, candidate: str) -> str:
        base, num = _NAME.match(candidate).group(1, 2)
        if num is None or candidate in self.used:
            num = self.count.get(base, 0)
            if candidate in _ILLEGAL:
                num += 1
                candidate = f"{base}_{num}"
        else:
            num = int(num)
        while candidate in self.used:
            num += 1
            candidate = f"{base}_{num}"
        self.used.add(candidate)
        self.count[base] = num
        return candidate


class Node:
    __slots__ = ("op", "name", "target", "args", "kwargs", "users")

    def __init__(self, op: str, name: str, target=None, args=(), kwargs=None) -> None:
        self.op, self.name, self.target = op, name, target
        self.args, self.kwargs = args, kwargs or {}
        self.users: list[Node] = []
        for n in self.inputs():
            if self not in n.users:
                n.users.append(self)

    def inputs(self) -> list[Node]:
        """The nodes among the arguments, each once, in order."""
        found: list[Node] = []
        _nodes_in((self.args, list(self.kwargs.values())), found)
        return found

    def __repr__(self) -> str:
        return self.name


def _nodes_in(value, found: list) -> None:
    if isinstance(value, Node):
        if value not in found:
            found.append(value)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _nodes_in(v, found)
    elif isinstance(value, dict):
        for v in value.values():
            _nodes_in(v, found)


def _repr(value) -> str:
    """An argument as FX writes it."""
    if isinstance(value, tuple):
        return f"({_repr(value[0])},)" if len(value) == 1 else (
            "(" + ", ".join(_repr(v) for v in value) + ")")
    if isinstance(value, list):
        return "[" + ", ".join(_repr(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_repr(v)}" for k, v in value.items()) + "}"
    return repr(value)


class Graph:
    def __init__(self) -> None:
        self.nodes: list[Node] = []
        self.names = _Namespace()

    def placeholder(self, name: str) -> Node:
        node = Node("placeholder", self.names.create(name))
        self.nodes.append(node)
        return node

    def call(self, target: str, args: tuple, kwargs: dict) -> Node:
        """A call of the ATen overload ``target`` (``"add.Tensor"``), named after it."""
        node = Node("call_function", self.names.create(target.split(".")[0]), target, args, kwargs)
        self.nodes.append(node)
        return node

    def output(self, value) -> Node:
        node = Node("output", "output", None, (value,))
        self.nodes.append(node)
        return node

    def python_code(self) -> str:
        """The ``forward`` that FX generates for this graph."""
        last_uses: dict[Node, list[Node]] = {}  # node -> the values it uses last
        seen: set[Node] = set()
        for node in reversed(self.nodes):
            for n in node.inputs():
                if n not in seen:
                    seen.add(n)
                    last_uses.setdefault(node, []).append(n)
        inputs, body = [], []
        for node in self.nodes:
            if node.op == "placeholder":
                inputs.append(node.name)
            elif node.op == "output":
                body.append(f"return {_repr(node.args[0])}")
            else:
                args = [_repr(a) for a in node.args]
                args += [f"{k} = {_repr(v)}" for k, v in node.kwargs.items()]
                line = f"{node.name} = torch.ops.aten.{node.target}({', '.join(args)})"
                dead = last_uses.get(node, []) + ([node] if not node.users else [])
                if dead:
                    line += ";  " + " = ".join([n.name for n in dead] + ["None"])
                body.append(line)
        code = "\n".join("    " + line for line in body) + "\n    "
        return f"\n\n\ndef forward({', '.join(['self', *inputs])}):\n{code}"


def _substitute(value, env: dict):
    if isinstance(value, Node):
        return env[value]
    if isinstance(value, (list, tuple)):
        return type(value)(_substitute(v, env) for v in value)
    if isinstance(value, dict):
        return {k: _substitute(v, env) for k, v in value.items()}
    return value


class GraphModule:
    """What ``make_fx`` returns: its ``code``, and calling it runs the graph again."""

    def __init__(self, graph: Graph, name: str = "GraphModule") -> None:
        self.graph = graph
        self._name = name
        self.code = graph.python_code()

    def __call__(self, *args):
        env: dict = {}
        placeholders = [n for n in self.graph.nodes if n.op == "placeholder"]
        if len(args) != len(placeholders):
            raise TypeError(f"forward() takes {len(placeholders) + 1} positional arguments but "
                            f"{len(args) + 1} were given")
        for node in self.graph.nodes:
            if node.op == "placeholder":
                env[node] = args[placeholders.index(node)]
            elif node.op == "call_function":
                env[node] = _aten.call(node.target, *_substitute(node.args, env),
                                       **_substitute(node.kwargs, env))
            else:
                return _substitute(node.args[0], env)
        return None

    forward = __call__

    def __repr__(self) -> str:
        return f"{self._name}()"

    def __str__(self) -> str:
        return (f"{self._name}()\n{self.code}\n"
                "# To see more debug info, please use `graph_module.print_readable()`")
