# %% [markdown]
# # 7 · Forward versus reverse: cost, memory, and choosing a mode
#
# **Learning goals.** After this lesson you can
#
# 1. measure what a derivative costs by counting primitive operations with `minigrad.counting.count_ops`;
# 2. state the *cheap gradient principle* (reverse mode gives the whole gradient of $f : \mathbb{R}^n \to \mathbb{R}$ for a small constant times the cost of $f$, while forward mode needs $n$ passes) and check it on a plot;
# 3. choose a mode for a Jacobian: one reverse pass per **row**, one forward pass per **column**, so wide Jacobians favour reverse mode and tall ones forward mode;
# 4. say what reverse mode pays in memory: the graph (the "tape") it keeps grows with the number of operations.
#
# Each section has the same shape: the idea, a demonstration, an exercise, a visible check you can run, and a hidden check used for grading.

# %% [setup]
import numpy as np

import minigrad as torch
import minigrad.autograd.forward_ad as fwAD
from course import plotting
from course.checks import check
from minigrad.counting import count_ops

# %% [markdown]
# ## 7.1 Counting operations
#
# **Idea.** Wall-clock time depends on the machine, on Python's overhead and on what else is running. A steadier measure of cost is the number of *primitive evaluations*: every entry of minigrad's rule table (`mul`, `sin`, `sum`, ...) that runs. Inside `with count_ops() as c:`
#
# * `c.forward` counts primitives evaluated on Tensors (the function itself);
# * `c.backward` counts VJP rules run by backward passes (one per input of a recorded op that needs a gradient);
# * `c.jvp` counts JVP rules run by forward mode (one per input that carries a tangent).
#
# One count is one call of a rule on a whole array, so the counts measure the *length of the program*, not the number of floating-point operations.
#
# **Demo.** $f(x) = \sum_i x_i \sin x_i + \sum_i x_i^2$ has six primitives: `sin`, `mul`, `sum`, `pow`, `sum`, `add`.

# %%
def f(x):
    return (torch.sin(x) * x).sum() + (x**2).sum()


x = torch.linspace(-1, 1, 5, dtype=torch.float64, requires_grad=True)
with count_ops() as c:
    y = f(x)
    y.backward()
print(c.table())
assert (c.forward, c.backward) == (6, 8)

# %% [markdown]
# Backward ran 8 VJP rules for 6 forward ops: `mul` has two inputs that need a gradient, and so does the final `add`, while `sin`, `pow` and the two `sum`s have one each.
#
# Forward mode propagates a tangent (a direction) alongside each value. One pass with tangent $e_j$ gives the $j$-th partial derivative, the directional derivative along $e_j$ (basis vectors are numbered from 1, as in lessons 6 and 9: $e_3$ is the third):

# %%
x = torch.linspace(-1, 1, 5, dtype=torch.float64)
e3 = torch.tensor([0.0, 0.0, 1.0, 0.0, 0.0], dtype=torch.float64)
with count_ops() as c:
    with fwAD.dual_level():
        out = f(fwAD.make_dual(x, e3))
        d3 = fwAD.unpack_dual(out).tangent
print(c, " df/dx_3 =", d3.item())
exact = np.sin(0.0) + 0.0 * np.cos(0.0) + 2 * 0.0  # sin x + x cos x + 2x at x_3 = 0
assert c.forward == 6 and c.jvp == 8 and abs(d3.item() - exact) < 1e-12

# %% [markdown]
# One forward-mode pass costs as much as one reverse pass (6 + 8 here), but it gives **one** partial derivative, where the reverse pass gave all five.
#
# ### Exercise 7.1 — what a gradient costs
#
# Write `gradient_costs(f, x)` for a scalar function `f` and a 1-D float64 tensor `x` (it does not require grad). Return a dict of three primitive counts:
#
# * `"f"`: `c.forward` for evaluating `f(x)` once;
# * `"reverse"`: `c.forward + c.backward` for computing `f` on a copy of `x` that requires grad and calling `.backward()` once (make that copy, e.g. `x.detach().requires_grad_(True)`, *before* entering `count_ops`: it is preparation, and `clone` is a primitive that would be counted);
# * `"forward"`: `c.forward + c.jvp` for the $n$ forward-mode passes that give the whole gradient, one pass per basis vector $e_j$.
#
# Build the basis vectors *before* entering `count_ops` (indexing a tensor is a primitive and would be counted).

# %% [answer] nb07.gradient_costs
def gradient_costs(f, x):
    """Primitive counts of f, of its gradient by reverse mode, and by n forward passes."""
    ### BEGIN SOLUTION
    x = x.detach()
    with count_ops() as c:
        f(x)
    cost_f = c.forward
    leaf = x.clone().requires_grad_(True)
    with count_ops() as c:
        f(leaf).backward()
    reverse = c.forward + c.backward
    n = x.numel()
    basis = torch.eye(n, dtype=x.dtype)
    directions = [basis[j] for j in range(n)]
    with count_ops() as c:
        for e in directions:
            with fwAD.dual_level():
                fwAD.unpack_dual(f(fwAD.make_dual(x, e)))
    return {"f": cost_f, "reverse": reverse, "forward": c.forward + c.jvp}
    ### END SOLUTION

# %% [test] nb07.gradient_costs
"""gradient_costs(f, x) gives minigrad's counts for f, a backward pass and n JVP passes."""
check("nb07.gradient_costs")
### BEGIN HIDDEN TESTS
from grading.checks import check_hidden  # noqa: E402 (instructor copy only)
check_hidden("nb07.gradient_costs")
### END HIDDEN TESTS

# %% [markdown]
# ## 7.2 The cheap gradient principle
#
# **Idea.** Reverse mode runs the program once forwards and once backwards, calling one VJP per input of each recorded op. So the whole gradient of $f : \mathbb{R}^n \to \mathbb{R}$ costs a small constant times the cost of $f$, **whatever $n$ is** (Griewank and Walther's *cheap gradient principle*; the JAX documentation quotes "about three times"). Forward mode gets one directional derivative per pass, so the gradient needs $n$ passes.
#
# **Demo.** Your `gradient_costs` on the $f$ of 7.1, for $n$ from 1 to 300:

# %%
ns = [1, 3, 10, 30, 100, 300]
costs = [gradient_costs(f, torch.linspace(-1, 1, n, dtype=torch.float64)) for n in ns]
plotting.mode_costs(ns, {"forward mode (n passes)": [c["forward"] for c in costs],
                         "reverse mode (1 pass)": [c["reverse"] for c in costs]},
                    [c["f"] for c in costs], title="Cost of a full gradient, and of a Jacobian")

# %% [markdown]
# The left panel is the principle: reverse mode is flat, forward mode rises with slope 1. The fitted slopes, and the constant:

# %%
log_n = np.log10(ns)
slope_forward = np.polyfit(log_n, np.log10([c["forward"] for c in costs]), 1)[0]
slope_reverse = np.polyfit(log_n, np.log10([c["reverse"] for c in costs]), 1)[0]
ratio = max(c["reverse"] / c["f"] for c in costs)
print(f"slopes: forward {slope_forward:.2f}, reverse {slope_reverse:.2f};  "
      f"reverse / f = {ratio:.2f}")
assert abs(slope_forward - 1) < 0.01 and abs(slope_reverse) < 0.01 and ratio < 3

# %% [markdown]
# Here $f$ is *vectorized*: six primitives whatever $n$ is, so the cost of $f$ is flat too. Written with a Python loop over the entries, the same $f$ costs $6n$ primitives (an index, `sin`, two products, two additions per entry). Reverse mode still costs a constant times $f$. Forward mode needs $n$ passes, and each pass costs $f$'s primitives *plus their JVPs* (more than one for an op with two tangent inputs), so it costs about $c\,n$ times $f$ with a constant $c$ above 2, i.e. $O(n^2)$; the last column measures $c$:

# %%
def f_loop(x):
    total = 0.0
    for i in range(x.numel()):
        xi = x[i]
        total = total + xi.sin() * xi + xi * xi
    return total


print(f"{'n':>4}{'f':>8}{'reverse':>9}{'forward':>9}{'reverse/f':>11}{'forward/(n f)':>15}")
for n in [4, 8, 16, 32]:
    x = torch.linspace(-1, 1, n, dtype=torch.float64)
    assert abs(f_loop(x).item() - f(x).item()) < 1e-12  # the same f
    c = gradient_costs(f_loop, x)
    print(f"{n:>4}{c['f']:>8}{c['reverse']:>9}{c['forward']:>9}"
          f"{c['reverse'] / c['f']:>11.2f}{c['forward'] / (n * c['f']):>15.2f}")
    assert c["f"] == 6 * n and c["reverse"] / c["f"] < 3 and 2 < c["forward"] / (n * c["f"]) < 3

# %% [markdown]
# ## 7.3 Tall and wide Jacobians: choosing a mode
#
# **Idea.** For $f : \mathbb{R}^n \to \mathbb{R}^m$ the Jacobian $J$ is $m \times n$.
#
# * A reverse pass with cotangent $u$ gives the vector-Jacobian product $u^\top J$; with $u = e_i$ it is **row** $i$. The whole Jacobian takes $m$ reverse passes.
# * A forward pass with tangent $v$ gives $J v$; with $v = e_j$ it is **column** $j$. The whole Jacobian takes $n$ forward passes.
#
# So a *wide* Jacobian ($m < n$, e.g. a loss: $m = 1$) favours reverse mode and a *tall* one ($m > n$) favours forward mode. The right panel of the figure above shades the $(n, m)$ plane accordingly. (JAX calls the two `jacrev` and `jacfwd`.)
#
# **Demo.** Take $f(v) = \tanh(W v)$ with $W$ of shape $3 \times 5$. One reverse pass with cotangent $e_2$ costs two VJPs (`tanh`, `matmul`) and gives row 2 of $J$; one forward pass with tangent $e_5$ costs two JVPs and gives column 5 (in code, rows and columns are indexed from 0: `J[1]` and `J[:, 4]`):

# %%
from minigrad.autograd.functional import jacobian as reference_jacobian

torch.manual_seed(0)
W = torch.randn(3, 5, dtype=torch.float64)
x = torch.randn(5, dtype=torch.float64)
J = reference_jacobian(lambda v: torch.tanh(W @ v), x)

leaf = x.clone().requires_grad_(True)
y = torch.tanh(W @ leaf)
with count_ops() as rev:
    y.backward(torch.tensor([0.0, 1.0, 0.0], dtype=torch.float64))
with count_ops() as fwd:
    with fwAD.dual_level():
        e5 = torch.tensor([0.0, 0.0, 0.0, 0.0, 1.0], dtype=torch.float64)
        column = fwAD.unpack_dual(torch.tanh(W @ fwAD.make_dual(x, e5))).tangent
print("row 2:   ", leaf.grad, f"  ({rev.backward} VJPs)")
print("column 5:", column, f"  ({fwd.jvp} JVPs)")
assert torch.allclose(leaf.grad, J[1]) and torch.allclose(column, J[:, 4])
assert rev.backward == 2 and fwd.jvp == 2

# %% [markdown]
# ### Exercise 7.2 — a Jacobian that picks its mode
#
# Write `jacobian(f, x)` for $f$ from 1-D tensors to 1-D tensors. Evaluate $f(x)$ once to learn $m$; then, if $m < n$, build the rows with reverse passes (one graph, `retain_graph=True`, cotangents $e_i$), and if $m > n$ the columns with forward-mode passes (`fwAD.make_dual(x, e_j)`); for $m = n$ both cost the same, use either. Return the $m \times n$ Jacobian, a matrix even when $m = 1$ or $n = 1$. The check runs your function on $f(v) = \tanh(Wv)$ for wide and tall shapes (one row and one column among them) and looks at which mode it used.

# %% [answer] nb07.jacobian
def jacobian(f, x):
    """The m x n Jacobian of f at x, by m reverse passes or n forward passes."""
    ### BEGIN SOLUTION
    x = x.detach()
    n = x.numel()
    leaf = x.clone().requires_grad_(True)
    y = f(leaf)
    m = y.numel()
    if m <= n:
        rows = []
        basis = torch.eye(m, dtype=y.dtype)
        for i in range(m):
            (row,) = torch.autograd.grad(y, leaf, grad_outputs=basis[i], retain_graph=True)
            rows.append(row)
        return torch.stack(rows)
    basis = torch.eye(n, dtype=x.dtype)
    columns = []
    for j in range(n):
        with fwAD.dual_level():
            out = f(fwAD.make_dual(x, basis[j]))
            columns.append(fwAD.unpack_dual(out).tangent)
    return torch.stack(columns, dim=1)
    ### END SOLUTION

# %% [test] nb07.jacobian
"""jacobian(f, x) equals the reference Jacobian of tanh(W v), using reverse mode when m < n
and forward mode when m > n."""
check("nb07.jacobian")
### BEGIN HIDDEN TESTS
from grading.checks import check_hidden  # noqa: E402 (instructor copy only)
check_hidden("nb07.jacobian")
### END HIDDEN TESTS

# %% [markdown]
# **Demo.** Your `jacobian` on a wide and on a tall $f(v) = \tanh(Wv)$: whichever shape, it needs only $2\min(m, n)$ derivative rules (VJPs or JVPs), where the other mode would need $2\max(m, n)$.

# %%
for n, m in [(100, 2), (2, 100)]:
    W = torch.randn(m, n, dtype=torch.float64)
    x = torch.randn(n, dtype=torch.float64)
    with count_ops() as c:
        J = jacobian(lambda v: torch.tanh(W @ v), x)
    print(f"n = {n:>3}, m = {m:>3}:  {c.backward:>3} VJPs, {c.jvp:>3} JVPs")
    assert c.backward + c.jvp == 2 * min(m, n)
    assert torch.allclose(J, reference_jacobian(lambda v: torch.tanh(W @ v), x))

# %% [markdown]
# A Hessian is the Jacobian of a gradient: square, $n \times n$. The fastest recipe is *mixed*: a reverse pass for the gradient, then forward passes through it (forward-over-reverse). Lesson 9 builds Hessians.
#
# ## 7.4 The price of reverse mode: memory
#
# **Idea.** The backward pass runs the program in reverse, so everything it needs must be kept until then: each recorded op keeps a node (its `grad_fn`) and the inputs its VJP rule needs. This *tape* grows with the number of operations, whatever the size of the output. Forward mode keeps nothing: a tangent is used as soon as it is made. (When the tape does not fit, *checkpointing* keeps only some values and recomputes the others during the backward pass: time for memory.)
#
# Starting from `y.grad_fn`, the nodes are reached through `next_functions`: pairs `(node, index)`, with `None` for inputs that need no gradient, and an `AccumulateGrad` node for each leaf that requires grad.

# %%
x = torch.tensor([0.3, -0.7, 1.1], dtype=torch.float64, requires_grad=True)
y = torch.sin(x) * x
print(y.grad_fn.name(), [(node.name(), i) for node, i in y.grad_fn.next_functions])
assert y.grad_fn.name() == "MulBackward0" and len(y.grad_fn.next_functions) == 2

# %% [markdown]
# ### Exercise 7.3 — the size of the tape
#
# Write `tape_size(y)`: the number of **distinct** nodes reachable from `y.grad_fn` by following `next_functions` (including `y.grad_fn` itself and the `AccumulateGrad` nodes of leaves), or 0 if `y.grad_fn` is `None`. Careful: the graph is not always a chain (`sin(y) * cos(y)` branches and meets again), `y * y` has two edges to the same node, and a leaf used twice has one `AccumulateGrad` node.
#
# The check builds `y` from `x = torch.tensor([0.3, -0.7, 1.1], dtype=torch.float64, requires_grad=True)` by lines such as `y = y.sin()`, `y = y.tanh()`, `y = 0.5 * y`, `y = y + x` (the leaf used again), `y = y * y` and `y = y.sin() * y.cos()`, sometimes under `with torch.no_grad():`; a failing case is shown as that code, ready to paste.

# %% [answer] nb07.tape_size
def tape_size(y):
    """How many graph nodes y keeps alive for a backward pass."""
    ### BEGIN SOLUTION
    if y.grad_fn is None:
        return 0
    seen = {y.grad_fn}
    todo = [y.grad_fn]
    while todo:
        node = todo.pop()
        for nxt, _ in node.next_functions:
            if nxt is not None and nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return len(seen)
    ### END SOLUTION

# %% [test] nb07.tape_size
"""tape_size(y) counts the distinct nodes of random graphs (with branches and shared
nodes), and is 0 for a graph built under no_grad."""
check("nb07.tape_size")
### BEGIN HIDDEN TESTS
from grading.checks import check_hidden  # noqa: E402 (instructor copy only)
check_hidden("nb07.tape_size")
### END HIDDEN TESTS

# %% [markdown]
# **Demo.** The tape of a chain of `sin` and `tanh` grows by one node per operation (plus one `AccumulateGrad` for the leaf). Under `no_grad` nothing is recorded, which is why evaluation and parameter updates run under `no_grad` (lesson 8):

# %%
from course.drivers import build_chain

depths = list(range(0, 101, 10))
recorded = [tape_size(build_chain(x, ["sin", "tanh"] * (d // 2))) for d in depths]
unrecorded = [tape_size(build_chain(x, ["sin", "tanh"] * (d // 2), grad=False)) for d in depths]
plotting.tape_growth(depths, {"recorded (grad mode on)": recorded, "under no_grad": unrecorded},
                     title="Reverse mode keeps one node per operation")
assert recorded == [d + 1 if d else 0 for d in depths] and set(unrecorded) == {0}

# %% [markdown]
# After `backward()` the saved values are freed (a second `backward()` then fails, unless you pass `retain_graph=True`: lesson 8).
#
# ## Summary
#
# * Cost can be measured as the number of primitive evaluations: `count_ops` counts forward ops, VJPs and JVPs.
# * **Cheap gradient principle:** reverse mode gives the whole gradient of $f : \mathbb{R}^n \to \mathbb{R}$ for a small constant (here below 3) times the cost of $f$, independent of $n$. Forward mode needs $n$ passes: $n$ times the cost.
# * A Jacobian takes $m$ reverse passes (rows) or $n$ forward passes (columns): reverse for wide ($m < n$), forward for tall ($m > n$).
# * Reverse mode pays in memory: the tape holds one node (and its saved inputs) per recorded operation until the backward pass. Forward mode and `no_grad` keep nothing.
#
# **Think.** A network maps an image ($n = 10^6$ pixels) to $m = 10$ class scores. How many passes does each mode need for the full Jacobian? And for the gradient of the loss with respect to $10^7$ weights?
#
# ## Further reading
#
# * A. Griewank and A. Walther, *Evaluating Derivatives* (2nd ed., SIAM, 2008), chapters 3-4: the cost of forward and reverse mode; chapter 12: reversal schedules and checkpointing.
# * The JAX Autodiff Cookbook: `jacfwd` versus `jacrev`, and "how it's made" (the cost of a VJP).
# * A. G. Baydin, B. A. Pearlmutter, A. A. Radul and J. M. Siskind, "Automatic differentiation in machine learning: a survey" (JMLR, 2018), section 3.
# * M. Blondel and V. Roulet, *The Elements of Differentiable Programming* (2024), on checkpointing and the memory of reverse mode.
