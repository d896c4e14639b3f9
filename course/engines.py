"""The two buggy scalar engines of lesson 5 (section 5.4), for the demo cells.

Each is a small micrograd-style engine with exactly one of the classic bugs:

* ``Overwriting``: the backward rules *assign* a parent's gradient (``=``) instead
  of adding to it (``+=``), so a value used twice keeps only its last contribution;
* ``Recursive``: the backward pass has no topological order: each node runs its rule
  and at once recurses into its parents, so a node used twice passes its gradient on
  more than once (and once too early, before it is complete).

The grader does not use these classes: it replays a student's expression with
minigrad's local derivatives (``course.checkers.exposes``).
"""

from __future__ import annotations

import itertools
import math

_MADE = itertools.count()


class _BuggyScalar:
    def __init__(self, data, _prev=()):
        self.data, self.grad, self._prev = float(data), 0.0, tuple(_prev)
        self._backward = lambda: None
        self._made = next(_MADE)  # creation order

    def _lift(self, other):
        return other if isinstance(other, _BuggyScalar) else type(self)(other)

    def _unary(self, value: float, local: float):
        out = type(self)(value, (self,))
        out._backward = lambda: self._send(self, local * out.grad)
        return out

    def __add__(self, other):
        other = self._lift(other)
        out = type(self)(self.data + other.data, (self, other))

        def _backward():
            self._send(self, out.grad)
            self._send(other, out.grad)
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = self._lift(other)
        out = type(self)(self.data * other.data, (self, other))

        def _backward():
            self._send(self, other.data * out.grad)
            self._send(other, self.data * out.grad)
        out._backward = _backward
        return out

    def __pow__(self, k: float):
        return self._unary(self.data**k, k * self.data ** (k - 1))

    def exp(self):
        return self._unary(math.exp(self.data), math.exp(self.data))

    def log(self):
        return self._unary(math.log(self.data), 1 / self.data)

    def tanh(self):
        t = math.tanh(self.data)
        return self._unary(t, 1 - t * t)

    def relu(self):
        return self._unary(max(self.data, 0.0), float(self.data > 0))

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-self._lift(other))

    def __truediv__(self, other):
        return self * self._lift(other) ** -1

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return self._lift(other) - self

    def __rtruediv__(self, other):
        return self._lift(other) / self

    def __repr__(self) -> str:
        return f"{type(self).__name__}(data={self.data}, grad={self.grad})"


class Overwriting(_BuggyScalar):
    """The ``a + a`` bug: rules assign gradients (the backward order is right)."""

    bug = "overwrite"

    @staticmethod
    def _send(v, g: float) -> None:
        v.grad = g  # the bug: a second use of v overwrites the first one's contribution

    def backward(self) -> None:
        below, todo = {id(self): self}, [self]  # every node the output depends on
        while todo:
            for p in todo.pop()._prev:
                if id(p) not in below:
                    below[id(p)] = p
                    todo.append(p)
        self.grad = 1.0
        # newest first, as minigrad's engine does: a node is made after its inputs
        for v in sorted(below.values(), key=lambda v: v._made, reverse=True):
            v._backward()


class Recursive(_BuggyScalar):
    """No topological order: each node passes its gradient on at once, once per path
    (the rules add up correctly)."""

    bug = "no_topological_order"

    @staticmethod
    def _send(v, g: float) -> None:
        v.grad += g

    def backward(self) -> None:
        self.grad = 1.0

        def visit(v):  # the bug: no waiting for a node's other consumers
            v._backward()
            for p in v._prev:
                visit(p)
        visit(self)
