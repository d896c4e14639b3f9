"""Plausible wrong answers for lesson 5 (the scalar engine).

The Scalar class is long, so its wrong versions are the instructor's cell with one rule
changed (taken from the lesson source, so they stay in step with it)."""

from pathlib import Path

from notebooks.build import parse

_SOURCE = Path(__file__).resolve().parents[2] / "notebooks" / "src" / "nb05_reverse_mode.py"
_CELLS = {cid: body for kind, cid, body in parse(_SOURCE.read_text()) if kind == "answer"}


def _scalar_with(old: str, new: str) -> str:
    code = _CELLS["nb05.Scalar"]
    assert code.count(old) == 1, old
    return code.replace(old, new)


WRONG = {
    "nb05.Scalar": {
        "the a + a bug (= instead of +=)": _scalar_with(
            "            self.grad += out.grad\n            other.grad += out.grad",
            "            self.grad = out.grad\n            other.grad = out.grad"),
        "mul rule not swapped": _scalar_with(
            "            self.grad += other.data * out.grad\n"
            "            other.grad += self.data * out.grad",
            "            self.grad += self.data * out.grad\n"
            "            other.grad += other.data * out.grad"),
        "tanh rule forgets the upstream gradient": _scalar_with(
            "self.grad += (1 - out.data**2) * out.grad", "self.grad += 1 - out.data**2"),
        "pow rule uses k * x**k": _scalar_with(
            "self.grad += k * self.data ** (k - 1) * out.grad",
            "self.grad += k * self.data**k * out.grad"),
        "tanh rule from the input (1 - x**2)": _scalar_with(
            "self.grad += (1 - out.data**2) * out.grad",
            "self.grad += (1 - self.data**2) * out.grad"),
        "mul rule assigns (a * a bug)": _scalar_with(
            "            self.grad += other.data * out.grad\n"
            "            other.grad += self.data * out.grad",
            "            self.grad = other.data * out.grad\n"
            "            other.grad = self.data * out.grad"),
        "relu rule passes the gradient everywhere": _scalar_with(
            "self.grad += (self.data > 0) * out.grad", "self.grad += out.grad"),
        "log rule multiplies by x": _scalar_with(
            "self.grad += out.grad / self.data", "self.grad += out.grad * self.data"),
        "exp rule from the input (x * g)": _scalar_with(
            "self.grad += out.data * out.grad", "self.grad += self.data * out.grad"),
        "subtraction written directly, b gets +g": _scalar_with(
            "    def __sub__(self, other):\n        return self + (-other)\n",
            "    def __sub__(self, other):\n"
            "        other = other if isinstance(other, Scalar) else Scalar(other)\n"
            "        out = Scalar(self.data - other.data, (self, other), \"-\")\n"
            "\n"
            "        def _backward():\n"
            "            self.grad += out.grad\n"
            "            other.grad += out.grad\n"
            "        out._backward = _backward\n"
            "        return out\n"),
        "division written directly, quotient rule without its minus sign": _scalar_with(
            "        other = other if isinstance(other, Scalar) else Scalar(other)\n"
            "        return self * other**-1\n",
            "        other = other if isinstance(other, Scalar) else Scalar(other)\n"
            "        out = Scalar(self.data / other.data, (self, other), \"/\")\n"
            "\n"
            "        def _backward():\n"
            "            self.grad += out.grad / other.data\n"
            "            other.grad += self.data / other.data**2 * out.grad\n"
            "        out._backward = _backward\n"
            "        return out\n"),
    },
    "nb05.topological_sort": {
        "no visited set (a node once per path)": (
            "def topological_sort(root):\n"
            "    order = []\n"
            "    def visit(v):\n"
            "        for p in v._prev:\n"
            "            visit(p)\n"
            "        order.append(v)\n"
            "    visit(root)\n"
            "    return order\n"),
        "pre-order (node before its parents)": (
            "def topological_sort(root):\n"
            "    order, seen = [], set()\n"
            "    def visit(v):\n"
            "        if id(v) not in seen:\n"
            "            seen.add(id(v))\n"
            "            order.append(v)\n"
            "            for p in v._prev:\n"
            "                visit(p)\n"
            "    visit(root)\n"
            "    return order\n"),
        "breadth-first by distance from the root, reversed": (
            "def topological_sort(root):\n"
            "    order, seen, todo = [], set(), [root]\n"
            "    while todo:\n"
            "        v = todo.pop(0)\n"
            "        if id(v) not in seen:\n"
            "            seen.add(id(v))\n"
            "            order.append(v)\n"
            "            todo.extend(v._prev)\n"
            "    return order[::-1]\n"),
        "returns the backward order (the root first)": (
            "def topological_sort(root):\n"
            "    order, visited = [], set()\n"
            "    def visit(v):\n"
            "        if v not in visited:\n"
            "            visited.add(v)\n"
            "            for p in v._prev:\n"
            "                visit(p)\n"
            "            order.append(v)\n"
            "    visit(root)\n"
            "    return list(reversed(order))\n"),
        "leaves out the root": (
            "def topological_sort(root):\n"
            "    order, visited = [], set()\n"
            "    def visit(v):\n"
            "        for p in v._prev:\n"
            "            if id(p) not in visited:\n"
            "                visited.add(id(p))\n"
            "                visit(p)\n"
            "                order.append(p)\n"
            "    visit(root)\n"
            "    return order\n"),
        "iterative DFS appending on pop (pre-order), reversed": (
            "def topological_sort(root):\n"
            "    order, seen, stack = [], set(), [root]\n"
            "    while stack:\n"
            "        v = stack.pop()\n"
            "        if id(v) in seen:\n"
            "            continue\n"
            "        seen.add(id(v))\n"
            "        order.append(v)\n"
            "        stack.extend(v._prev)\n"
            "    return order[::-1]\n"),
        "mutable default arguments (the list grows from call to call)": (
            "def topological_sort(root, order=[], visited=set()):\n"
            "    if root not in visited:\n"
            "        visited.add(root)\n"
            "        for p in root._prev:\n"
            "            topological_sort(p, order, visited)\n"
            "        order.append(root)\n"
            "    return order\n"),
    },
    "nb05.backward": {
        "forgets to seed the output with 1": (
            "def backward(self):\n"
            "    for v in reversed(topological_sort(self)):\n"
            "        v._backward()\n"
            "Scalar.backward = backward\n"),
        "forward (not reverse) topological order": (
            "def backward(self):\n"
            "    self.grad = 1.0\n"
            "    for v in topological_sort(self):\n"
            "        v._backward()\n"
            "Scalar.backward = backward\n"),
        "recursion without an order": (
            "def backward(self):\n"
            "    self.grad = 1.0\n"
            "    def go(v):\n"
            "        v._backward()\n"
            "        for p in v._prev:\n"
            "            go(p)\n"
            "    go(self)\n"
            "Scalar.backward = backward\n"),
        "calls minigrad's autograd": (
            "import minigrad\n"
            "def backward(self):\n"
            "    self.grad = 1.0\n"
            "    for v in reversed(topological_sort(self)):\n"
            "        v._backward()\n"
            "    minigrad.tensor(1.0, requires_grad=True).backward()\n"
            "Scalar.backward = backward\n"),
        "seeds the output after the loop": (
            "def backward(self):\n"
            "    for v in reversed(topological_sort(self)):\n"
            "        v._backward()\n"
            "    self.grad = 1.0\n"
            "Scalar.backward = backward\n"),
        "off by one: the output's own rule never runs": (
            "def backward(self):\n"
            "    order = topological_sort(self)\n"
            "    self.grad = 1.0\n"
            "    for v in reversed(order[:-1]):\n"
            "        v._backward()\n"
            "Scalar.backward = backward\n"),
        "zeroes the grads after seeding the output": (
            "def backward(self):\n"
            "    order = topological_sort(self)\n"
            "    self.grad = 1.0\n"
            "    for v in order:\n"
            "        v.grad = 0.0\n"
            "    for v in reversed(order):\n"
            "        v._backward()\n"
            "Scalar.backward = backward\n"),
    },
    "nb05.failing_expression": {
        "no value used twice": (
            "def failing_expression(S):\n"
            "    a, b = S(2.0), S(-3.0)\n"
            "    return [a, b], a * b + 1\n"),
        "a + a: exposes overwriting only": (
            "def failing_expression(S):\n"
            "    a = S(2.0)\n"
            "    return [a], a + a\n"),
        "builds with its own Scalar, not S": (
            "def failing_expression(S):\n"
            "    a, b = Scalar(2.0), Scalar(-3.0)\n"
            "    u = a * b\n"
            "    return [a, b], u * u\n"),
        "a leaf used twice (a * b + a), no intermediate result shared": (
            "def failing_expression(S):\n"
            "    a, b = S(2.0), S(-3.0)\n"
            "    return [a, b], a * b + a\n"),
        "returns (output, leaves)": (
            "def failing_expression(S):\n"
            "    a, b = S(2.0), S(-3.0)\n"
            "    u = a * b\n"
            "    return u * u, [a, b]\n"),
        "shared result behind a relu of a negative number (every gradient is 0)": (
            "def failing_expression(S):\n"
            "    a, b = S(2.0), S(-3.0)\n"
            "    u = (a * b).relu()\n"
            "    return [a, b], u * u + u\n"),
        "one leaf, not a list of leaves": (
            "def failing_expression(S):\n"
            "    a = S(1.5)\n"
            "    u = a.tanh()\n"
            "    return a, u * u\n"),
    },
}
