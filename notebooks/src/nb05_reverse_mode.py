# %% [markdown]
# # 5 · Reverse mode: build a scalar autograd engine
#
# **Learning goals.** After this lesson you can
#
# 1. write a `Scalar` that remembers its parents and a local backward rule for each operation;
# 2. explain why the backward pass must visit the graph in reverse topological order, and write that order;
# 3. explain why gradients *add up* where a value is used more than once (the `a + a` bug);
# 4. check an engine of your own against a reference engine on random expressions.
#
# In lesson 3 you ran the chain rule backwards by hand, one line per intermediate value. Here you build the machine that does it for any expression: a tiny version of what minigrad (and PyTorch) do, one number at a time, after Karpathy's *micrograd*.
#
# Each section has the same shape: the idea, a demonstration, an exercise, a visible check you can run, and a hidden check used for grading. All four exercises are *by hand*: while they are checked, minigrad is switched off.

# %% [setup]
import math

import numpy as np

import minigrad as torch
from course import plotting
from course.checks import check

# %% [markdown]
# ## 5.1 A number that remembers how it was made
#
# **Idea.** Each operation on a `Scalar` returns a new `Scalar` `out` that stores
#
# * `data`: its value, computed right away (the forward pass);
# * `grad`: $\partial L / \partial\,\text{out}$ for the final output $L$, filled in later by the backward pass (it starts at 0);
# * `_prev`: its parents, the `Scalar`s it was computed from (a tuple: `a + a` has the parent `a` twice);
# * `_backward`: a function of no arguments, its **local backward rule**. It takes `out.grad` and *adds* to each parent's `grad` that parent's share: the local derivative times `out.grad` (the chain rule).
#
# For `out = a * b`, the local derivatives are $\partial\,\text{out}/\partial a = b$ and $\partial\,\text{out}/\partial b = a$, so the rule is `a.grad += b.data * out.grad` and `b.grad += a.data * out.grad`. The rule is a closure, written right next to the forward code, so it sees `a`, `b` and `out`.
#
# | operation | value | what `_backward` adds to the input's `grad` |
# |---|---|---|
# | `a + b` | $a + b$ | `out.grad` to both |
# | `a * b` | $ab$ | `b.data * out.grad` to `a`, `a.data * out.grad` to `b` |
# | `a ** k` ($k$ a number) | $a^k$ | `k * a.data ** (k - 1) * out.grad` |
# | `a.exp()` | $e^a$ | `out.data * out.grad` |
# | `a.log()` | $\ln a$ | `out.grad / a.data` |
# | `a.tanh()` | $\tanh a$ | `(1 - out.data ** 2) * out.grad` |
# | `a.relu()` | $\max(a, 0)$ | `out.grad` if `a.data > 0`, else 0 |
#
# Subtraction, negation and division need no rule of their own: `a - b` is `a + (-b)`, `-a` is `a * -1` and `a / b` is `a * b ** -1`.
#
# ### Exercise 5.1: local backward rules
#
# Fill in the seven `_backward` rules. Use `+=`: you will see in section 5.4 why `=` is a bug.

# %% [answer] nb05.Scalar
class Scalar:
    """A number, the operation that produced it, and the gradient of the output w.r.t. it."""

    def __init__(self, data, _prev=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._prev = tuple(_prev)  # the parents (the same one twice for a + a)
        self._op = _op  # the operation that made this Scalar, for drawings
        self._backward = lambda: None  # a leaf passes nothing on

    def __repr__(self):
        return f"Scalar(data={self.data:.4g}, grad={self.grad:.4g})"

    def __add__(self, other):
        other = other if isinstance(other, Scalar) else Scalar(other)
        out = Scalar(self.data + other.data, (self, other), "+")

        def _backward():
            ### BEGIN SOLUTION
            self.grad += out.grad
            other.grad += out.grad
            ### END SOLUTION
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Scalar) else Scalar(other)
        out = Scalar(self.data * other.data, (self, other), "*")

        def _backward():
            ### BEGIN SOLUTION
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
            ### END SOLUTION
        out._backward = _backward
        return out

    def __pow__(self, k):
        out = Scalar(self.data**k, (self,), f"**{k}")

        def _backward():
            ### BEGIN SOLUTION
            self.grad += k * self.data ** (k - 1) * out.grad
            ### END SOLUTION
        out._backward = _backward
        return out

    def exp(self):
        out = Scalar(math.exp(self.data), (self,), "exp")

        def _backward():
            ### BEGIN SOLUTION
            self.grad += out.data * out.grad
            ### END SOLUTION
        out._backward = _backward
        return out

    def log(self):
        out = Scalar(math.log(self.data), (self,), "log")

        def _backward():
            ### BEGIN SOLUTION
            self.grad += out.grad / self.data
            ### END SOLUTION
        out._backward = _backward
        return out

    def tanh(self):
        out = Scalar(math.tanh(self.data), (self,), "tanh")

        def _backward():
            ### BEGIN SOLUTION
            self.grad += (1 - out.data**2) * out.grad
            ### END SOLUTION
        out._backward = _backward
        return out

    def relu(self):
        out = Scalar(max(self.data, 0.0), (self,), "relu")

        def _backward():
            ### BEGIN SOLUTION
            self.grad += (self.data > 0) * out.grad
            ### END SOLUTION
        out._backward = _backward
        return out

    # Compositions of the primitives above: no rules needed.
    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __truediv__(self, other):
        other = other if isinstance(other, Scalar) else Scalar(other)
        return self * other**-1

    def __radd__(self, other):  # 2 + a
        return self + other

    def __rmul__(self, other):  # 2 * a
        return self * other

    def __rsub__(self, other):  # 2 - a
        return (-self) + other

    def __rtruediv__(self, other):  # 2 / a
        return self**-1 * other

# %% [test] nb05.Scalar
"""Each operation's value, and the gradients its _backward sends to its inputs, match minigrad's (also for a + a and a * a)."""
check("nb05.Scalar")
### BEGIN HIDDEN TESTS
from grading.checks import check_hidden  # noqa: E402 (instructor copy only)
check_hidden("nb05.Scalar")
### END HIDDEN TESTS

# %% [markdown]
# **Demo.** Take $a = 2$, $b = -3$ and
#
# $$c = ab, \qquad d = c + a, \qquad L = d \cdot c .$$
#
# Both $a$ and $c$ are used twice. Differentiating $L = (ab + a)\,ab$ directly gives
# $\partial L/\partial a = (b + 1)\,ab + (ab + a)\,b = 12 + 12 = 24$ and
# $\partial L/\partial b = a \cdot ab + (ab + a)\,a = -12 - 8 = -20$.
#
# Now let the rules do it. Seed $\partial L/\partial L = 1$, then call `_backward` on each node, starting at the output, in an order where a node runs only after *every* node that uses it:

# %%
a, b = Scalar(2.0), Scalar(-3.0)
c = a * b
d = c + a
L = d * c
print("forward:", c, d, L, sep="\n  ")

L.grad = 1.0
L._backward()  # d.grad = c = -6, c.grad = d = -4
d._backward()  # c.grad = -4 + (-6) = -10, a.grad = -6
c._backward()  # a.grad = -6 + b * c.grad = 24, b.grad = a * c.grad = -20
print("a.grad =", a.grad, "  b.grad =", b.grad)
assert (L.data, c.grad, a.grad, b.grad) == (24.0, -10.0, 24.0, -20.0)

# %% [markdown]
# ## 5.2 The order of the backward pass
#
# **Idea.** `c._backward()` passes on `c.grad` to `a` and `b`. It must run only once `c.grad` is complete: after `L._backward()` *and* `d._backward()` have both added their share. Had we called `c._backward()` right after `L._backward()`, it would have passed on $-4$ instead of $-10$.
#
# An order in which every node comes after all of its parents is a **topological order** of the graph. Reversed, it puts every node before all its parents, that is after everything that uses it: exactly the order the backward pass needs.
#
# A depth-first search gives one: visit a node's parents first, then append the node. A set of visited nodes makes sure a node reached along two paths (a diamond, or `a + a`) is listed once.
#
# ### Exercise 5.2: topological order
#
# Write `topological_sort(root)` that returns a list of every node `root` depends on (including `root`), each exactly once, every node after all of its parents. Use only `node._prev`, so that it works on any graph made of such nodes.

# %% [answer] nb05.topological_sort
def topological_sort(root):
    """The nodes below root, parents before children, each once."""
    ### BEGIN SOLUTION
    order, visited = [], set()

    def visit(v):
        if id(v) not in visited:
            visited.add(id(v))
            for parent in v._prev:
                visit(parent)
            order.append(v)

    visit(root)
    return order
    ### END SOLUTION

# %% [test] nb05.topological_sort
"""topological_sort(root) lists every node below root once, parents first, on random DAGs with diamonds and repeated parents."""
check("nb05.topological_sort")
### BEGIN HIDDEN TESTS
from grading.checks import check_hidden  # noqa: E402 (instructor copy only)
check_hidden("nb05.topological_sort")
### END HIDDEN TESTS

# %% [markdown]
# **Demo.** The order for our graph (the names are only for printing):

# %%
names = {id(a): "a", id(b): "b", id(c): "c", id(d): "d", id(L): "L"}
order = [names[id(v)] for v in topological_sort(L)]
print("topological order:", order, "  backward pass:", order[::-1])
assert order.index("c") < order.index("d") < order.index("L")

# %% [markdown]
# ## 5.3 The backward pass
#
# **Idea.** `backward()` on the output puts the two pieces together: set `self.grad = 1` ($\partial L/\partial L$), then call `_backward` on every node in *reverse* topological order, each exactly once.
#
# ### Exercise 5.3: `backward`
#
# Write `backward(self)`. The last line of the cell attaches it to `Scalar` as a method, so that `L.backward()` works.

# %% [answer] nb05.backward
def backward(self):
    """Fill in .grad of every Scalar that self depends on (self is the output L)."""
    ### BEGIN SOLUTION
    self.grad = 1.0
    for v in reversed(topological_sort(self)):
        v._backward()
    ### END SOLUTION


Scalar.backward = backward

# %% [test] nb05.backward
"""On random expressions with shared subexpressions, built identically in your engine and in minigrad, the leaf gradients agree."""
check("nb05.backward")
### BEGIN HIDDEN TESTS
from grading.checks import check_hidden  # noqa: E402 (instructor copy only)
check_hidden("nb05.backward")
### END HIDDEN TESTS

# %% [markdown]
# **Demo: the backward pass, frame by frame.** We rebuild the graph and replay the backward pass one `_backward` at a time, in the order your `topological_sort` gives, recording what each `_backward` adds to each node. The red node is the one whose rule runs; the red arrows are the edges its gradient flows back along. Watch `c` and `a`: each is used twice, so each receives two contributions, which add up.

# %%
def filmstrip(named):
    """Frames of the backward pass below the last Scalar of `named` (a dict name -> Scalar)."""
    nodes = topological_sort(list(named.values())[-1])
    index = {id(v): i for i, v in enumerate(nodes)}
    label = {id(v): k for k, v in named.items()}
    edges = [(index[id(p)], i) for i, v in enumerate(nodes) for p in v._prev]
    received = [[] for _ in nodes]
    nodes[-1].grad = 1.0
    received[-1].append(1.0)
    frames = [("seed: L.grad = 1", len(nodes) - 1, [list(r) for r in received], False)]
    for v in reversed(nodes):
        if not v._prev:
            continue  # a leaf has no rule to run
        before = [u.grad for u in nodes]
        v._backward()
        for i, u in enumerate(nodes):
            if u.grad != before[i]:
                received[i].append(u.grad - before[i])
        frames.append((f"{label[id(v)]}._backward()", index[id(v)], [list(r) for r in received]))
    frames.append(("done", None, received))
    return [label[id(v)] for v in nodes], [v.data for v in nodes], edges, frames


a, b = Scalar(2.0), Scalar(-3.0)
c = a * b
d = c + a
L = d * c
film = filmstrip({"a": a, "b": b, "c": c, "d": d, "L": L})
plotting.backprop_filmstrip(*film, title="Backward pass through L = (ab + a) ab")
assert (a.grad, b.grad) == (24.0, -20.0)
assert film[3][-1][2][film[0].index("c")] == [-4.0, -6.0]  # c: one share from L, one from d

# %% [markdown]
# **Cross-check against a reference engine.** minigrad builds the same graph (its nodes are `grad_fn`s instead of closures) and must agree:

# %%
ta = torch.tensor(2.0, requires_grad=True)
tb = torch.tensor(-3.0, requires_grad=True)
tc = ta * tb
t_out = (tc + ta) * tc
t_out.backward()
print(t_out, ta.grad, tb.grad)
assert (ta.grad.item(), tb.grad.item()) == (a.grad, b.grad)

# %% [markdown]
# One expression agreeing proves little. A stronger test builds many random expressions the same way in both engines and compares every leaf gradient, which is what the check of exercise 5.3 does. Here is a smaller version, on a tanh neuron $o = \tanh(w_1 x_1 + w_2 x_2 + b)$ at random points:

# %%
rng = np.random.default_rng(0)
for _ in range(5):
    values = rng.uniform(-1, 1, 5)
    mine = [Scalar(v) for v in values]
    ref = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in values]
    for x1, x2, w1, w2, bias in (mine, ref):
        (x1 * w1 + x2 * w2 + bias).tanh().backward()
    got = np.array([s.grad for s in mine])
    want = np.array([t.grad.item() for t in ref])
    assert np.allclose(got, want, rtol=1e-12, atol=0), (got, want)
print("5 random neurons: your engine and minigrad agree")

# %% [markdown]
# ## 5.4 Two classic bugs
#
# **The `a + a` bug.** Write the rules with `=` instead of `+=` and everything still works, as long as every value is used once. But in `b = a + a`, the rule of `+` sets `a.grad` for its first input and then *overwrites* it for its second: $\partial b/\partial a$ comes out as 1 instead of 2. Karpathy shows this bug in his micrograd lecture; early tinygrad had it too (its `backward` assigned `t.grad = g`, until the commit "Topological sort, zero_grads (#119)"). The rule of thumb from the CS231n notes: *gradients add up at forks*.
#
# Here is an engine with that bug (`course.engines`, installed with the course), next to yours:

# %%
from course.engines import Overwriting, Recursive  # noqa: E402

for S in (Scalar, Overwriting):
    a = S(3.0)
    b = a + a
    b.backward()
    print(f"{S.__name__:12s}  d(a + a)/da = {a.grad}")
    assert a.grad == (2.0 if S is Scalar else 1.0)

# %% [markdown]
# **No topological order.** The other classic mistake is to recurse: each node runs its rule and then calls the backward pass of its parents at once, without waiting for the node's other consumers. A node used twice then passes its gradient on twice (once too early, when it is still partial, or twice in full), and everything below it is counted twice. On our $L$, where $\partial L / \partial a = 24$:

# %%
a, b = Recursive(2.0), Recursive(-3.0)
c = a * b
L = (c + a) * c
L.backward()
print("recursive backward: a.grad =", a.grad, "  b.grad =", b.grad)
assert (a.grad, b.grad) == (54.0, -40.0)  # c's contribution reached a and b twice

# %% [markdown]
# ### Exercise 5.4: find the bug
#
# A test that only uses each value once would pass both buggy engines. Write `failing_expression(S)`: given a scalar class `S` (with the same operations as yours), build an expression from a few leaves `S(...)` and return `(leaves, output)`, a list of leaves and the output. The check calls it with a stand-in for `S` that records how the expression is built (so use only `S(...)`, arithmetic and the methods of your `Scalar`), replays it in a correct engine and in **each** of the two buggy engines above, runs the backward pass from the output, and requires that the leaf gradients differ from the correct ones. One small expression can expose both bugs.

# %% [answer] nb05.failing_expression
def failing_expression(S):
    """Leaves and output of an expression on which both buggy engines go wrong."""
    ### BEGIN SOLUTION
    a, b = S(2.0), S(-3.0)
    u = a * b  # an intermediate result used twice: overwrite and recursion both fail
    return [a, b], u * u
    ### END SOLUTION

# %% [test] nb05.failing_expression
"""failing_expression(S) builds an expression whose leaf gradients differ between a correct engine and each buggy one."""
check("nb05.failing_expression")
### BEGIN HIDDEN TESTS
from grading.checks import check_hidden  # noqa: E402 (instructor copy only)
check_hidden("nb05.failing_expression")
### END HIDDEN TESTS

# %% [markdown]
# Your expression, in your engine and in the two buggy ones:

# %%
for S in (Scalar, Overwriting, Recursive):
    leaves, out = failing_expression(S)
    out.backward()
    print(f"{S.__name__:12s} {getattr(S, 'bug', 'yours'):22s} leaf grads {[x.grad for x in leaves]}")

# %% [markdown]
# ## Summary
#
# * A reverse-mode engine records, for every value, its parents and a local backward rule; the rule adds *local derivative × upstream gradient* to each parent's `grad`.
# * The backward pass seeds the output with 1 and runs the rules in reverse topological order, so that a node passes its gradient on only once it is complete. A depth-first search with a visited set gives that order.
# * Where a value is used more than once, its gradient is the *sum* of the contributions of its uses: rules must add (`+=`), never assign. Forgetting this, or the order, gives engines that pass every test in which no value is used twice.
# * To trust an engine, compare it with a reference on many random expressions that share subexpressions.
#
# **Think.** Your `Scalar` never resets `grad`. What happens if you call `L.backward()` twice on the same graph? Lesson 8 turns this into a feature, and explains `zero_grad`.
#
# ## Further reading
#
# * A. Karpathy, *micrograd* and the lecture "The spelled-out intro to neural networks and backpropagation" (Neural Networks: Zero to Hero, lecture 1): the engine this lesson follows, and the `a + a` bug.
# * S. Rush, *MiniTorch*, module 1 (tasks 1.3-1.4): `topological_sort` and `backpropagate`, with drawings of each step.
# * CS231n, "Backpropagation, intuitions": gradients add up at forks.
# * A. G. Baydin et al., "Automatic differentiation in machine learning: a survey" (JMLR, 2018), section 3.2, reverse mode.
