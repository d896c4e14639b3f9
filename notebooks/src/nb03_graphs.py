# %% [markdown]
# # 3 · Computational graphs and the chain rule by hand
#
# **Learning goals.** After this lesson you can
#
# 1. write a program as an evaluation trace (a list of primitive steps) and read it as a graph;
# 2. push *tangents* forward through a trace (forward mode) and *adjoints* backward (reverse mode), by hand;
# 3. explain why gradients add up where the graph forks;
# 4. backpropagate through a staged function line by line, and check the result against minigrad.
#
# Each section has the same shape: the idea, a demonstration, an exercise, a visible check you can run, and a hidden check used for grading.

# %% [setup]
import math

import numpy as np

import minigrad as torch
from course import plotting
from course.checks import check

# %% [markdown]
# ## 3.1 A program is a graph
#
# **Idea.** Autograd never sees a formula. It sees a program run one primitive at a time: $\log$, $\times$, $\sin$, $+$, $-$. Writing each intermediate result down gives the **evaluation trace** (also called a Wengert list). Take the running example of Baydin et al.,
#
# $$y = f(x_1, x_2) = \ln x_1 + x_1 x_2 - \sin x_2 ,$$
#
# at $(x_1, x_2) = (2, 5)$. Inputs are numbered $v_{-1}, v_0$ and intermediates $v_1, v_2, \dots$:
#
# | step | primal | value at (2, 5) |
# |---|---|---|
# | $v_{-1}$ | $x_1$ | 2 |
# | $v_0$ | $x_2$ | 5 |
# | $v_1$ | $\ln v_{-1}$ | 0.6931 |
# | $v_2$ | $v_{-1} \times v_0$ | 10 |
# | $v_3$ | $\sin v_0$ | −0.9589 |
# | $v_4$ | $v_1 + v_2$ | 10.6931 |
# | $v_5$ | $v_4 - v_3$ | 11.6521 |
#
# Each $v_i$ is a node; an edge $v_j \to v_i$ says that step $i$ reads $v_j$. The inputs $x_1$ and $x_2$ are each read twice: the graph **forks** there.
#
# ### Exercise 3.1 — the primal trace
#
# Write `primal_trace(x1, x2)` that returns the trace as a dict with keys `"v-1"`, `"v0"`, …, `"v5"` (floats; use `math.log` and `math.sin`).

# %% [answer] nb03.primal_trace
def primal_trace(x1, x2):
    """The evaluation trace of ln x1 + x1 x2 - sin x2, as a dict v-1 ... v5."""
    ### BEGIN SOLUTION
    v = {"v-1": x1, "v0": x2}
    v["v1"] = math.log(v["v-1"])
    v["v2"] = v["v-1"] * v["v0"]
    v["v3"] = math.sin(v["v0"])
    v["v4"] = v["v1"] + v["v2"]
    v["v5"] = v["v4"] - v["v3"]
    return v
    ### END SOLUTION

# %% [test] nb03.primal_trace
"""primal_trace(x1, x2) matches the intermediates minigrad computes, at random points."""
check("nb03.primal_trace")
### BEGIN HIDDEN TESTS
from grading.checks import check_hidden  # noqa: E402 (instructor copy only)
check_hidden("nb03.primal_trace")
### END HIDDEN TESTS

# %% [markdown]
# The table's values, from your trace:

# %%
trace = primal_trace(2.0, 5.0)
print({k: round(float(v), 4) for k, v in trace.items()})
assert [round(float(trace[k]), 4) for k in trace] == [2.0, 5.0, 0.6931, 10.0, -0.9589, 10.6931,
                                                      11.6521]

# %% [markdown]
# minigrad records the same graph while it computes: every result of a primitive remembers the node that made it (`grad_fn`), and each node points to the nodes of its inputs (`next_functions`).

# %%
x1 = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
x2 = torch.tensor(5.0, dtype=torch.float64, requires_grad=True)
v1, v2, v3 = torch.log(x1), x1 * x2, torch.sin(x2)
v4 = v1 + v2
v5 = v4 - v3
print(v5)
print([type(fn).__name__ for fn, _ in v5.grad_fn.next_functions])
assert v5.grad_fn.name() == "SubBackward0"
assert math.isclose(v5.item(), float(trace["v5"]), rel_tol=1e-6)  # (1e-6: a float32 trace too)

# %% [markdown]
# ## 3.2 Forward mode: tangents flow with the computation
#
# **Idea.** Choose a direction $(\dot x_1, \dot x_2)$ for the inputs and ask how fast each $v_i$ changes along it. That rate, the **tangent** $\dot v_i$, follows from the chain rule one step at a time, in the same order as the primal trace:
#
# $$\dot v_i = \sum_{j \to i} \frac{\partial v_i}{\partial v_j}\, \dot v_j .$$
#
# Each step needs only the *local* derivatives of its primitive: $\frac{d}{dv}\ln v = 1/v$, $\frac{d}{dv}\sin v = \cos v$, and the product rule for $\times$. With $(\dot x_1, \dot x_2) = (1, 0)$, the tangent of the output is $\partial y/\partial x_1$:
#
# | step | tangent | value at (2, 5), direction (1, 0) |
# |---|---|---|
# | $\dot v_{-1}$ | $\dot x_1$ | 1 |
# | $\dot v_0$ | $\dot x_2$ | 0 |
# | $\dot v_1$ | $\dot v_{-1} / v_{-1}$ | 0.5 |
# | $\dot v_2$ | $\dot v_{-1}\, v_0 + v_{-1}\, \dot v_0$ | 5 |
# | $\dot v_3$ | $\cos(v_0)\, \dot v_0$ | 0 |
# | $\dot v_4$ | $\dot v_1 + \dot v_2$ | 5.5 |
# | $\dot v_5$ | $\dot v_4 - \dot v_3$ | 5.5 |
#
# One forward sweep gives one directional derivative $\nabla f \cdot \dot x$. A second sweep, with direction $(0, 1)$, would give $\partial y / \partial x_2$.
#
# ### Exercise 3.2 — the tangent trace
#
# Write `tangent_trace(x1, x2, dx1, dx2)` that returns the tangents $\dot v_{-1}, \dots, \dot v_5$ as a dict with the same keys. Work the local derivatives out **by hand**: no autodiff library (minigrad's autograd and PyTorch are switched off while this is checked); NumPy and `math` are fine, and so is calling your `primal_trace` for the values.

# %% [answer] nb03.tangent_trace
def tangent_trace(x1, x2, dx1, dx2):
    """Forward-mode tangents of the trace of ln x1 + x1 x2 - sin x2 along (dx1, dx2), by hand."""
    ### BEGIN SOLUTION
    d = {"v-1": dx1, "v0": dx2}
    d["v1"] = d["v-1"] / x1
    d["v2"] = d["v-1"] * x2 + x1 * d["v0"]
    d["v3"] = math.cos(x2) * d["v0"]
    d["v4"] = d["v1"] + d["v2"]
    d["v5"] = d["v4"] - d["v3"]
    return d
    ### END SOLUTION

# %% [test] nb03.tangent_trace
"""tangent_trace(x1, x2, dx1, dx2) matches minigrad's forward-mode tangents (forward_ad)."""
check("nb03.tangent_trace")
### BEGIN HIDDEN TESTS
from grading.checks import check_hidden  # noqa: E402 (instructor copy only)
check_hidden("nb03.tangent_trace")
### END HIDDEN TESTS

# %% [markdown]
# The table, and the two partial derivatives from two sweeps: $\partial y / \partial x_1 = 1/x_1 + x_2 = 5.5$ and $\partial y / \partial x_2 = x_1 - \cos x_2 = 1.7163$.

# %%
tangents = tangent_trace(2.0, 5.0, 1.0, 0.0)
print(tangents)
assert [tangents[k] for k in tangents] == [1.0, 0.0, 0.5, 5.0, 0.0, 5.5, 5.5]
dy_dx2 = tangent_trace(2.0, 5.0, 0.0, 1.0)["v5"]
assert abs(dy_dx2 - (2 - math.cos(5))) < 1e-15 and round(dy_dx2, 4) == 1.7163

# %% [markdown]
# ## 3.3 Reverse mode: adjoints flow against the computation
#
# **Idea.** Now fix the output and ask how sensitive it is to each intermediate: the **adjoint** $\bar v_j = \partial y / \partial v_j$. Start from $\bar v_5 = \partial y / \partial y = 1$ and walk the trace **backwards**. A node $v_j$ influences $y$ through every step that reads it, so
#
# $$\bar v_j = \sum_{i \,:\, j \to i} \bar v_i \, \frac{\partial v_i}{\partial v_j} .$$
#
# This sum is the rule **"gradients add up at forks"**: in code, each reader *adds* its contribution with `+=`. At $(2, 5)$:
#
# | step | adjoint | value |
# |---|---|---|
# | $\bar v_5$ | $1$ (the seed) | 1 |
# | $\bar v_4$ | $\bar v_5 \cdot 1$ | 1 |
# | $\bar v_3$ | $\bar v_5 \cdot (-1)$ | −1 |
# | $\bar v_2$ | $\bar v_4 \cdot 1$ | 1 |
# | $\bar v_1$ | $\bar v_4 \cdot 1$ | 1 |
# | $\bar v_0$ | $\bar v_3 \cos v_0 + \bar v_2\, v_{-1}$ | 1.7163 |
# | $\bar v_{-1}$ | $\bar v_2\, v_0 + \bar v_1 / v_{-1}$ | 5.5 |
#
# One backward sweep gives **every** partial derivative, $\bar x_1 = \partial y/\partial x_1$ and $\bar x_2 = \partial y/\partial x_2$, at once. Forward mode needed one sweep per input; reverse mode needs one per output. For a loss (one output, millions of inputs) that is the whole difference, and the reason deep learning runs on reverse mode (lesson 7 measures it).
#
# ### Exercise 3.3 — the adjoint trace
#
# Write `adjoint_trace(x1, x2)` that returns the adjoints $\bar v_{-1}, \dots, \bar v_5$ as a dict with the same keys. Compute the primal trace first (you need its values: call your `primal_trace` from Exercise 3.1), then the adjoints in reverse order.

This exercise is **by hand**: no autodiff library. NumPy and `math` are fine; minigrad's `backward` and PyTorch are switched off while it is checked, and that includes any function you define in this cell (a `primal_trace` redefined here with minigrad tensors fails as well).

# %% [answer] nb03.adjoint_trace
def adjoint_trace(x1, x2):
    """Reverse-mode adjoints dy/dv_i of the trace of ln x1 + x1 x2 - sin x2, by hand."""
    ### BEGIN SOLUTION
    v = primal_trace(x1, x2)
    a = {k: 0.0 for k in v}
    a["v5"] = 1.0
    a["v4"] += a["v5"]
    a["v3"] += -a["v5"]
    a["v1"] += a["v4"]
    a["v2"] += a["v4"]
    a["v0"] += a["v3"] * math.cos(v["v0"])
    a["v-1"] += a["v2"] * v["v0"]
    a["v0"] += a["v2"] * v["v-1"]
    a["v-1"] += a["v1"] / v["v-1"]
    return a
    ### END SOLUTION

# %% [test] nb03.adjoint_trace
"""adjoint_trace(x1, x2) matches the gradients minigrad's backward pass leaves on every node."""
check("nb03.adjoint_trace")
### BEGIN HIDDEN TESTS
from grading.checks import check_hidden  # noqa: E402 (instructor copy only)
check_hidden("nb03.adjoint_trace")
### END HIDDEN TESTS

# %% [markdown]
# **Demo.** minigrad's backward pass computes exactly these adjoints. It keeps them only for leaves, unless we ask an intermediate to `retain_grad()`. The figure shows the graph that minigrad recorded (read with `minigrad.viz`), each node with its value (green) and its adjoint (red): the forks at $x_1$ and $x_2$ collect two contributions each, $5.5 = 5 + 0.5$ and $1.716 = 2 - \cos 5$.

# %%
x1 = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
x2 = torch.tensor(5.0, dtype=torch.float64, requires_grad=True)
v = {"v1": torch.log(x1), "v2": x1 * x2, "v3": torch.sin(x2)}
v["v4"] = v["v1"] + v["v2"]
v["v5"] = v["v4"] - v["v3"]
for t in v.values():
    t.retain_grad()
v["v5"].backward()
adjoints = adjoint_trace(2.0, 5.0)
assert abs(x1.grad.item() - adjoints["v-1"]) < 1e-12
assert abs(x2.grad.item() - adjoints["v0"]) < 1e-12
assert all(abs(v[k].grad.item() - adjoints[k]) < 1e-12 for k in v)
plotting.trace_graph(v["v5"], params={"x1": x1, "x2": x2}, labels=v,
                     title="y = ln x1 + x1 x2 - sin x2 at (2, 5): values and adjoints")

# %% [markdown]
# ## 3.4 Forks: gradients add up
#
# **Idea.** When one value feeds two computations, the chain rule is a **sum over paths**. Take $f = \sin x$ and two functions of it, $g = \ln f$ and $h = \sqrt f$. The graph diverges at $f$:
#
# $$\frac{dg}{dx} = \frac{1}{\sin x} \cos x = \cot x, \qquad \frac{dh}{dx} = \frac{\cos x}{2\sqrt{\sin x}} .$$
#
# At $x = 3$ these are $-7.0153$ and $-1.3177$ (to four decimals: the exact value is $-1.31767\ldots$, so $-1.3176$ would be a truncation, not a rounding).

# %%
x = torch.tensor([3.0], requires_grad=True)
f = torch.sin(x)
g = torch.log(f)
h = torch.pow(f, 0.5)
print(f, g, h)
dg, dh = 1 / math.tan(3), math.cos(3) / (2 * math.sqrt(math.sin(3)))
print(f"dg/dx = {dg:.4f}, dh/dx = {dh:.4f}, sum = {dg + dh:.4f}")
assert (round(dg, 4), round(dh, 4), round(dg + dh, 4)) == (-7.0153, -1.3177, -8.3329)

# %% [markdown]
# Back-propagating $g$ and then $h$ into the same $x$ adds the two derivatives in `x.grad`: autograd *accumulates* into leaves. (`retain_graph=True` keeps the shared part of the graph, $\sin$, alive for the second pass; lesson 8 is about this.)

# %%
g.backward(retain_graph=True)
print(x.grad)
assert abs(x.grad.item() - dg) < 1e-5
h.backward()
print(x.grad)
assert abs(x.grad.item() - (dg + dh)) < 1e-5  # -7.0153 + (-1.3177) = -8.3329

# %% [markdown]
# The same number comes out of **one** backward pass through $g + h$, where the fork is inside the graph: the adjoint of $f$ collects both paths, $\bar f = \bar g \cdot \frac{1}{f} + \bar h \cdot \frac{1}{2\sqrt f}$, and then $\bar x = \bar f \cos x$. Here is the graph as minigrad draws it (`minigrad.viz.draw_graph`; `retain_graph=True` keeps every box's value, which a backward pass otherwise frees): the `Sin` box holds $\bar f = 8.417$, the sum of the contributions of the two paths, $1/f = 7.086$ through `Log` and $1/(2\sqrt f) = 1.331$ through `Sqrt` (under the graph).

# %%
x = torch.tensor(3.0, dtype=torch.float64, requires_grad=True)
f = torch.sin(x)
f.retain_grad()
out = torch.log(f) + torch.sqrt(f)
out.backward(retain_graph=True)
print(x.grad, f.grad)
assert abs(f.grad.item() - (1 / math.sin(3) + 1 / (2 * math.sqrt(math.sin(3))))) < 1e-12
assert (round(1 / f.item(), 3), round(1 / (2 * math.sqrt(f.item())), 3)) == (7.086, 1.331)
assert abs(x.grad.item() - (dg + dh)) < 1e-12
via_log, via_sqrt = 1 / f.item(), 1 / (2 * math.sqrt(f.item()))
plotting.graph(out, params={"x": x}, title="A fork: d out / d sin = 1/f + 1/(2 sqrt f)",
               caption=f"into Sin: {via_log:.3f} through Log + {via_sqrt:.3f} through Sqrt "
                       f"= {via_log + via_sqrt:.3f} (its grad)")

# %% [markdown]
# **A chain, by hand.** Take $w = \exp(-\ln(1 + z))$ with $z = \sum_i \sin x_i$, at $x = (1, 2, 3)$. Backwards, one local derivative per step: $\bar w = 1$; with $u = \ln(1 + z)$, $\bar u = \bar w \cdot (-e^{-u}) = -w$; $\bar z = \bar u / (1 + z)$; and $\bar x_i = \bar z \cos x_i$. Since $w = 1 / (1 + z)$, this is $\bar x_i = -w^2 \cos x_i$.

# %%
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
z = torch.sum(torch.sin(x))
u = torch.log(1 + z)
w = torch.exp(-u)
w.backward()
print(x.grad)
xs = np.array([1.0, 2.0, 3.0])
w_val = 1 / (1 + np.sin(xs).sum())
w_bar, u_bar = 1.0, -w_val
z_bar = u_bar / (1 + np.sin(xs).sum())
by_hand = z_bar * np.cos(xs)
assert np.allclose(by_hand, -w_val**2 * np.cos(xs))
assert np.allclose(x.grad.numpy(), by_hand, atol=1e-6)
assert np.allclose(by_hand, [-0.0646, 0.0498, 0.1184], atol=5e-5)

# %% [markdown]
# **Patterns worth remembering** (CS231n): an **add** gate passes its adjoint unchanged to both inputs; a **multiply** gate sends each input the adjoint times the *other* input (it "swaps"); a **max** gate routes the whole adjoint to the larger input and nothing to the other.

# %%
a = torch.tensor(2.0, requires_grad=True)
b = torch.tensor(-3.0, requires_grad=True)
(a + b).backward()
add = (a.grad.item(), b.grad.item())
a.grad, b.grad = None, None
(a * b).backward()
mul = (a.grad.item(), b.grad.item())
a.grad, b.grad = None, None
torch.maximum(a, b).backward()
route = (a.grad.item(), b.grad.item())
print(f"add {add}, mul {mul}, max {route}")
assert add == (1.0, 1.0) and mul == (-3.0, 2.0) and route == (1.0, 0.0)

# %% [markdown]
# ## 3.5 Staged backpropagation
#
# **Idea.** For a bigger formula, do not differentiate it symbolically; **stage** it. Write the forward pass as short lines, one primitive each, keeping every intermediate. Then write the backward pass as the same lines in reverse, one adjoint per intermediate, each line using only a local derivative. Where a variable is used more than once, its adjoint uses `+=`.
#
# The classic example (CS231n) is
#
# $$f(x, y) = \frac{x + \sigma(y)}{\sigma(x) + (x + y)^2}, \qquad \sigma(t) = \frac{1}{1 + e^{-t}},\quad \sigma'(t) = \sigma(t)\,(1 - \sigma(t)) .$$
#
# A forward pass in stages: `sigy = σ(y)`, `num = x + sigy`, `sigx = σ(x)`, `xpy = x + y`, `xpysqr = xpy**2`, `den = sigx + xpysqr`, `invden = 1 / den`, `f = num * invden`.
#
# ### Exercise 3.4 — backpropagate through the stages
#
# Write `staged_backward(x, y)` that returns the pair $(\partial f / \partial x, \partial f / \partial y)$: the forward stages, then the backward stages in reverse order. $x$ is used three times (in `num`, `sigx` and `xpy`), $y$ twice. By hand, as in 3.2 and 3.3: no autodiff library (NumPy and `math` are fine); the cell after the check compares your stages with minigrad.

# %% [answer] nb03.staged_backward
def staged_backward(x, y):
    """(df/dx, df/dy) for f = (x + sigmoid(y)) / (sigmoid(x) + (x + y)^2), staged by hand."""
    ### BEGIN SOLUTION
    sigy = 1 / (1 + math.exp(-y))
    num = x + sigy
    sigx = 1 / (1 + math.exp(-x))
    xpy = x + y
    xpysqr = xpy**2
    den = sigx + xpysqr
    invden = 1 / den
    # backward, from f = num * invden
    dnum = invden
    dinvden = num
    dden = -1 / den**2 * dinvden
    dsigx = dden
    dxpysqr = dden
    dxpy = 2 * xpy * dxpysqr
    dx = dxpy
    dy = dxpy
    dx += (1 - sigx) * sigx * dsigx
    dx += dnum
    dsigy = dnum
    dy += (1 - sigy) * sigy * dsigy
    return dx, dy
    ### END SOLUTION

# %% [test] nb03.staged_backward
"""staged_backward(x, y) matches minigrad's gradients of the staged function at random points."""
check("nb03.staged_backward")
### BEGIN HIDDEN TESTS
from grading.checks import check_hidden  # noqa: E402 (instructor copy only)
check_hidden("nb03.staged_backward")
### END HIDDEN TESTS

# %% [markdown]
# Your stages against minigrad, which runs the same backward pass over the graph it recorded:

# %%
xt = torch.tensor(3.0, dtype=torch.float64, requires_grad=True)
yt = torch.tensor(-4.0, dtype=torch.float64, requires_grad=True)
f = (xt + torch.sigmoid(yt)) / (torch.sigmoid(xt) + (xt + yt) ** 2)
f.backward()
print(staged_backward(3.0, -4.0), (xt.grad.item(), yt.grad.item()))
assert np.allclose(np.asarray(staged_backward(3.0, -4.0), dtype=np.float64),
                   (xt.grad.item(), yt.grad.item()), rtol=1e-5)  # (float32 stages too)

# %% [markdown]
# ## Summary
#
# * A program is a graph of primitives; its evaluation trace lists the intermediate values $v_i$ in order.
# * Forward mode pushes tangents $\dot v_i = \sum_j \frac{\partial v_i}{\partial v_j}\dot v_j$ along with the values: one sweep gives one directional derivative.
# * Reverse mode pulls adjoints $\bar v_j = \sum_i \bar v_i \frac{\partial v_i}{\partial v_j}$ back from the output: one sweep gives the whole gradient of one output.
# * Where the graph forks, the contributions of all paths **add up** (`+=`), inside one backward pass ($\bar f = \bar g/f + \bar h/(2\sqrt f)$) and across backward passes into the same leaf ($-7.0153 + (-1.3177) = -8.3329$).
# * Staged backpropagation: forward in small steps, backward in the same steps reversed, one local derivative per line.
#
# **Think.** In `adjoint_trace`, could you compute $\bar v_0$ before $\bar v_2$? What order does a backward pass need in general, and how would you find it for any graph? (Lesson 5 builds it: a topological sort.)
#
# ## Further reading
#
# * A. G. Baydin, B. A. Pearlmutter, A. A. Radul and J. M. Siskind, "Automatic differentiation in machine learning: a survey", *JMLR* 18 (2018), §3: the evaluation trace and its forward and reverse sweeps.
# * CS231n, "Backpropagation, intuitions": staged computation and the gate patterns.
# * C. Olah, "Calculus on Computational Graphs: Backpropagation" (2015): derivatives as sums over paths.
# * A. Griewank and A. Walther, *Evaluating Derivatives* (SIAM, 2008), chapter 3.
