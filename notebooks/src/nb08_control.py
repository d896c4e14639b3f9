# %% [markdown]
# # 8 · Controlling the graph
#
# **Learning goals.** After this lesson you can
#
# 1. explain why `.grad` *accumulates* across backward calls, and when that is a bug (forgetting `grad.zero_()`) or a tool (micro-batch accumulation);
# 2. say what `retain_graph=True` keeps, and read the error of a second `backward()` without it;
# 3. stop gradients where you want: `detach()`, `no_grad()`, `requires_grad=False`; and tell leaves from non-leaves (`retain_grad()`);
# 4. write a training loop whose update step runs under `no_grad`, and whose micro-batch version gives exactly the full-batch gradient.
#
# Each section has the same shape: the idea, a demonstration, an exercise, a visible check you can run, and a hidden check used for grading.

# %% [setup]
import warnings

import numpy as np

import minigrad as torch
from course import plotting
from course.checks import check

# %% [markdown]
# ## 8.1 Gradients accumulate across backward calls
#
# **Idea.** `backward()` does not *set* `x.grad`: it **adds** to it. Inside one backward pass this is the chain rule at a fork (lesson 5). *Across* backward calls it means that the second call adds its gradient to whatever the first one left. To start afresh, clear the gradient with `x.grad.zero_()`.
#
# **Demo.** For $y = 2\,x^\top x$ the gradient is $4x$. Then $\nabla \sum_i x_i = (1, 1, 1, 1)$, but only if we clear `x.grad` first:

# %%
x = torch.arange(4.0, requires_grad=True)
y = 2 * torch.dot(x, x)
y.backward()
print("after y.backward():      ", x.grad)
assert torch.equal(x.grad, 4 * x.detach())

x.sum().backward()
print("sum().backward(), no zero_:", x.grad)  # 4x + 1: both gradients, added
assert torch.equal(x.grad, 4 * x.detach() + 1)

x.grad.zero_()
x.sum().backward()
print("after zero_() and again:   ", x.grad)
assert torch.equal(x.grad, torch.ones(4))

# %% [markdown]
# ## 8.2 A graph is used once, unless you keep it
#
# **Idea.** To save memory, a backward pass frees the values that each node saved for its VJP (lesson 7). A second `backward()` through the same nodes then has nothing to work with, and raises. `retain_graph=True` keeps the saved values for another pass.
#
# **Demo.** $w = e^{-u}$ with $u = \log(1 + \sum_i \sin x_i)$. After `w.backward()`, the nodes between $x$ and $u$ are spent, so `u.backward()` fails. This is the real message:

# %%
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
z = torch.sum(torch.sin(x))
u = torch.log(1 + z)
w = torch.exp(-u)
w.backward()
print(x.grad)

try:
    u.backward()
except RuntimeError as err:
    message = str(err)
    print("RuntimeError:", message)
assert message.startswith("Trying to backward through the graph a second time")

# %% [markdown]
# With `retain_graph=True` both passes run, and the second **adds** to the first. Take $y = x_0 + x_1^2 + x_2^3$, $z = \sin y$, $u = \log(1 + z)$, $w = e^{-u}$ at $x = (1, 2, 3)$:

# %%
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x[0] ** 1 + x[1] ** 2 + x[2] ** 3
z = torch.sin(y)
u = torch.log(1 + z)
w = torch.exp(-u)
w.backward(retain_graph=True)
print(x.grad)
dw_dx = x.grad.clone()
u.backward(retain_graph=True)
print(x.grad)

# %% [markdown]
# The second print is **not** $\partial u / \partial x$: it is $\partial w / \partial x + \partial u / \partial x$, because `x.grad` still held the first gradient. By the chain rule, with $c = \cos y / (1 + \sin y)$ and $\partial y / \partial x = (1, 2x_1, 3x_2^2) = (1, 4, 27)$,
#
# $$\frac{\partial u}{\partial x} = c\,(1, 4, 27), \qquad \frac{\partial w}{\partial x} = -e^{-u}\,\frac{\partial u}{\partial x} = -w\,\frac{\partial u}{\partial x}, \qquad \text{so the second print is } (1 - w)\,\frac{\partial u}{\partial x}.$$

# %%
y_value = 1.0 + 2.0**2 + 3.0**3  # 32
c = np.cos(y_value) / (1 + np.sin(y_value))
du_dx = c * np.array([1.0, 4.0, 27.0])
w_value = 1 / (1 + np.sin(y_value))  # e^{-u} = 1 / (1 + z)
print("dw/dx         =", -w_value * du_dx)
print("du/dx         =", du_dx)
print("dw/dx + du/dx =", (1 - w_value) * du_dx)
assert np.allclose(dw_dx.numpy(), -w_value * du_dx, atol=1e-4)
assert np.allclose(x.grad.numpy(), (1 - w_value) * du_dx, atol=1e-4)
assert np.allclose(x.grad.numpy(), [0.1911, 0.7645, 5.1603], atol=1e-4)

# %% [markdown]
# ## 8.3 Accumulation as a tool: micro-batches
#
# **Idea.** A loss that averages over $N$ examples, $L = \frac1N \sum_{n} \ell_n$, can be split into $k$ equal micro-batches $B_1, \dots, B_k$ of $N/k$ examples each:
#
# $$L = \frac1k \sum_{j=1}^{k} L_j, \qquad L_j = \frac{1}{N/k} \sum_{n \in B_j} \ell_n .$$
#
# Calling `(L_j / k).backward()` for each micro-batch, without clearing in between, accumulates exactly $\nabla L$. Only one micro-batch's graph is alive at a time, which is how large batches are trained on small memory. Two things go wrong in practice: forgetting to clear the gradient of the previous step, and forgetting the factor $1/k$ (which gives $k$ times the gradient).
#
# ### Exercise 8.1 — micro-batch gradient accumulation
#
# The model is linear regression with the mean squared error, $L(w) = \frac1N \lVert X w - y \rVert^2$. Write `accumulated_grad(w, X, y, k)`: `w` (1-D, requires grad) arrives with a **stale** `w.grad` from an earlier step; clear it, then split the rows of `X` and `y` into `k` equal consecutive micro-batches (`N` is a multiple of `k`; `torch.chunk(X, k)` or slices do it) and accumulate the gradient of $L$ with one backward call per micro-batch. Return `w.grad`.

# %% [answer] nb08.accumulated_grad
def accumulated_grad(w, X, y, k):
    """The full-batch gradient of mean((X w - y)^2), accumulated over k micro-batches."""
    ### BEGIN SOLUTION
    w.grad.zero_()
    size = X.shape[0] // k
    for j in range(k):
        Xj, yj = X[j * size:(j + 1) * size], y[j * size:(j + 1) * size]
        loss_j = ((Xj @ w - yj) ** 2).mean()
        (loss_j / k).backward()
    return w.grad
    ### END SOLUTION

# %% [test] nb08.accumulated_grad
"""accumulated_grad(w, X, y, k) equals the full-batch gradient (computed by minigrad in one
pass), although w.grad held a stale gradient; the hidden cases vary N, k and the sizes."""
check("nb08.accumulated_grad")
### BEGIN HIDDEN TESTS
from grading.checks import check_hidden  # noqa: E402 (instructor copy only)
check_hidden("nb08.accumulated_grad")
### END HIDDEN TESTS

# %% [markdown]
# **Demo.** On 12 examples, 1, 2, 3, 4, 6 and 12 micro-batches give the same gradient as one full-batch pass:

# %%
rng = np.random.default_rng(0)
X = torch.tensor(rng.normal(size=(12, 3)))
y = torch.tensor(rng.normal(size=12))
w = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64, requires_grad=True)
((X @ w - y) ** 2).mean().backward()
full = w.grad.clone()
for k in [1, 2, 3, 4, 6, 12]:
    assert torch.allclose(accumulated_grad(w, X, y, k), full)
print("full-batch gradient:", full)

# %% [markdown]
# ## 8.4 Stopping gradients: `detach`, `no_grad`, `requires_grad=False`
#
# **Idea.** Three ways to keep part of a computation out of the graph:
#
# * `u = y.detach()` is a new tensor with the same values as `y` but no history: for autograd, `u` is a constant.
# * Inside `with torch.no_grad():` nothing is recorded: results have `requires_grad=False` and no `grad_fn`.
# * A leaf created with `requires_grad=False` (the default) gets no gradient: its `.grad` stays `None`.
#
# **Demo.** $z = u \cdot x$ with $u = \operatorname{detach}(x \cdot x)$: the gradient of $\sum z$ is $u$, not $3x^2$:

# %%
x = torch.arange(4.0, requires_grad=True)
y = x * x
u = y.detach()
z = u * x
z.sum().backward()
print(x.grad, u.requires_grad, u.grad_fn)
assert torch.equal(x.grad, u) and not u.requires_grad and u.grad_fn is None

# %% [markdown]
# The branch through `y` still exists, and can be differentiated on its own: $\nabla \sum y = 2x$.

# %%
x.grad.zero_()
y.sum().backward()
assert torch.equal(x.grad, 2 * x.detach())

# %% [markdown]
# A constant that never required grad has no gradient, while `no_grad` records nothing:

# %%
a = torch.tensor(2.0, requires_grad=True)
b = torch.tensor(3.0, requires_grad=False)
f = 3 * torch.cos(a) - torch.sin(b) ** 2
f.backward()
print(a.grad, b.grad)
with torch.no_grad():
    g = 3 * torch.cos(a)
print(g, g.requires_grad, g.grad_fn)
assert b.grad is None and abs(a.grad.item() + 3 * np.sin(2.0)) < 1e-6 and g.grad_fn is None

# %% [markdown]
# **Leaves and non-leaves.** Only *leaves* (tensors you created with `requires_grad=True`) get a `.grad`. An intermediate result such as $F = 3x^3 - y^2$ is a non-leaf: its `.grad` stays `None`, and PyTorch (and minigrad) warn when you read it. Call `F.retain_grad()` *before* the backward pass to keep it.

# %%
x = torch.tensor([2.0, 3.0], requires_grad=True)
y = torch.tensor([6.0, 4.0], requires_grad=True)
F = 3 * x**3 - y**2
F.backward(gradient=torch.tensor([1.0, 1.0]))
print(x.grad, y.grad)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    grad_of_F = F.grad
print(grad_of_F)
print("UserWarning:", caught[0].message)
assert grad_of_F is None and "not a leaf Tensor" in str(caught[0].message)

F = 3 * x**3 - y**2
F.retain_grad()
F.backward(gradient=torch.tensor([1.0, 1.0]))
print(F.grad, F.is_leaf, x.is_leaf)
assert torch.equal(F.grad, torch.ones(2)) and not F.is_leaf and x.is_leaf

# %% [markdown]
# ### Exercise 8.2 — predict, then verify
#
# Let $z = x \cdot \operatorname{detach}(x^2) + x^2$ (elementwise). First predict $\partial \sum z / \partial x$ on paper (what is the derivative of a detached factor?). Then write `grad_with_detach(x)` that builds $z$ with `detach()` from `x` (1-D, requires grad), runs a backward pass, and returns `x.grad`.

# %% [answer] nb08.grad_with_detach
def grad_with_detach(x):
    """d sum(z) / dx for z = x * detach(x^2) + x^2, by autograd."""
    ### BEGIN SOLUTION
    z = x * (x**2).detach() + x**2
    z.sum().backward()
    return x.grad
    ### END SOLUTION

# %% [test] nb08.grad_with_detach
"""grad_with_detach(x) equals x^2 + 2x (the detached factor gets no gradient) at random x."""
check("nb08.grad_with_detach")
### BEGIN HIDDEN TESTS
from grading.checks import check_hidden  # noqa: E402 (instructor copy only)
check_hidden("nb08.grad_with_detach")
### END HIDDEN TESTS

# %% [markdown]
# Your prediction, against autograd: the detached factor $x^2$ is a constant for the backward pass, so the gradient is $x^2 + 2x$ (the product rule would give $3x^2 + 2x$ without `detach`).

# %%
x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
got = grad_with_detach(x)
got = got.detach().numpy() if isinstance(got, torch.Tensor) else np.asarray(got, dtype=float)
predicted = (x**2 + 2 * x).detach().numpy()
print("autograd:", got, "  x^2 + 2x:", predicted)
assert np.allclose(got, predicted)

# %% [markdown]
# **Detach as a tool.** The *straight-through estimator* uses a value in the forward pass but another gradient in the backward pass: `x + (torch.round(x) - x).detach()` equals `round(x)`, and its gradient is that of `x`, i.e. 1 (round itself has gradient 0 almost everywhere).

# %%
x = torch.tensor([0.2, 1.7, -2.4], requires_grad=True)
r = x + (torch.round(x) - x).detach()
r.sum().backward()
print(r, x.grad)
assert torch.equal(r.detach(), torch.round(x.detach())) and torch.equal(x.grad, torch.ones(3))

# %% [markdown]
# ## 8.5 Control flow: a new graph every forward pass
#
# **Idea.** The graph is recorded *while* the Python code runs, so loops and `if`s are fine: each forward pass records the operations that actually ran, and a new call builds a new graph (a *dynamic* graph, "define by run"). A backward pass follows the graph of its own forward pass only.
#
# **Demo.** This $f$ doubles $b$ until its norm reaches 1000, and picks a branch by the sign of the sum. Whatever path runs, $f(a) = s \cdot a$ for some constant $s$ (a power of 2, times 100 in one branch), so $f$ is linear near $a$ and its derivative is $f(a) / a$:

# %%
def f(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


torch.manual_seed(0)
a = torch.randn(size=(), requires_grad=True)
d = f(a)
d.backward()
print(a, d, a.grad)
assert torch.allclose(a.grad, d / a)

# %% [markdown]
# With another input the loop runs a different number of times: a different graph, a different slope.

# %%
for value in [0.001, -0.3, 5.0]:
    a = torch.tensor(value, requires_grad=True)
    d = f(a)
    d.backward()
    print(f"a = {value:>6}:  f(a) / a = {(d / a).item():>9.1f},  autograd {a.grad.item():>9.1f}")
    assert torch.allclose(a.grad, d.detach() / a.detach())

# %% [markdown]
# ## 8.6 The training loop
#
# **Idea.** Gradient descent updates the parameters against the gradient,
#
# $$x_{i+1} = x_i - \lambda \, \frac{\partial L}{\partial x}(x_i),$$
#
# where $L$ is the loss (lessons 6 and 7 keep $J$ for the Jacobian) and $\lambda$ the learning rate: the second term is the derivative **of $L$ with respect to $x$**, scaled. This is what `optimizer.step()` does for plain SGD. The update itself must not be recorded (it is not part of the model), and a leaf that requires grad cannot be changed in place while recording:

# %%
p = torch.tensor([1.0, -2.0], requires_grad=True)
(p**2).sum().backward()
try:
    p -= 0.1 * p.grad
except RuntimeError as err:
    print("RuntimeError:", err)
with torch.no_grad():
    p -= 0.1 * p.grad
print(p, p.is_leaf)
assert torch.allclose(p.detach(), torch.tensor([0.8, -1.6])) and p.is_leaf

# %% [markdown]
# ### Exercise 8.3 — one SGD step
#
# Write `sgd_step(params, lr)`: for each tensor `p` in the list `params` (leaves that require grad and hold a `.grad`), update it **in place** under `torch.no_grad()` by $p \leftarrow p - \text{lr} \cdot \nabla p$, then clear its gradient with `p.grad.zero_()`. The tensors must stay the same leaf objects (the model holds them).

# %% [answer] nb08.sgd_step
def sgd_step(params, lr):
    """One step of plain gradient descent, in place, not recorded."""
    ### BEGIN SOLUTION
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad
            p.grad.zero_()
    ### END SOLUTION

# %% [test] nb08.sgd_step
"""sgd_step(params, lr) updates each parameter in place by -lr * grad, leaves it a leaf that
requires grad, and clears its gradient."""
check("nb08.sgd_step")
### BEGIN HIDDEN TESTS
from grading.checks import check_hidden  # noqa: E402 (instructor copy only)
check_hidden("nb08.sgd_step")
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 8.4 — the training loop
#
# Write `train(w, X, y, lr, steps)` for the linear regression of 8.3: repeat `steps` times: compute the loss $L(w) = \mathrm{mean}((Xw - y)^2)$, record `loss.item()`, clear the old gradient, run `backward()`, and take an SGD step. Return the list of the `steps` recorded losses (each one *before* its update). `w` starts with no gradient (`w.grad is None`). You may use your `sgd_step`.

# %% [answer] nb08.train
def train(w, X, y, lr, steps):
    """Full-batch gradient descent on mean((X w - y)^2); the loss before each step."""
    ### BEGIN SOLUTION
    losses = []
    for _ in range(steps):
        loss = ((X @ w - y) ** 2).mean()
        losses.append(loss.item())
        if w.grad is not None:
            w.grad.zero_()
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
    return losses
    ### END SOLUTION

# %% [test] nb08.train
"""train(w, X, y, lr, steps) returns the losses of minigrad's reference loop and leaves w at
the same final value."""
check("nb08.train")
### BEGIN HIDDEN TESTS
from grading.checks import check_hidden  # noqa: E402 (instructor copy only)
check_hidden("nb08.train")
### END HIDDEN TESTS

# %% [markdown]
# **Demo.** Three loops on the same data and learning rate: the correct one; one that forgot to clear the gradient (each step then uses the *sum* of all past gradients, so it overshoots and oscillates); and one that accumulates the gradient over 4 micro-batches (your `accumulated_grad`), which overlays the correct curve exactly.

# %%
rng = np.random.default_rng(0)
X = torch.tensor(rng.normal(size=(32, 3)))
y = X @ torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64) + 0.1 * torch.tensor(rng.normal(size=32))
w0, lr, steps = [0.0, 0.0, 0.0], 0.1, 60


def forgot_zero_grad(w, X, y, lr, steps):
    losses = []
    for _ in range(steps):
        loss = ((X @ w - y) ** 2).mean()
        losses.append(loss.item())
        loss.backward()  # adds to the gradients of all previous steps
        with torch.no_grad():
            w -= lr * w.grad
    return losses


def micro_batches(w, X, y, lr, steps, k=4):
    losses = []
    w.grad = torch.zeros_like(w)
    for _ in range(steps):
        losses.append(((X @ w - y) ** 2).mean().item())
        if w.grad is None:  # (an sgd_step may leave None, which is fine)
            w.grad = torch.zeros_like(w)
        accumulated_grad(w, X, y, k)
        sgd_step([w], lr)
    return losses


curves = {name: loop(torch.tensor(w0, dtype=torch.float64, requires_grad=True), X, y, lr, steps)
          for name, loop in [("correct loop", train), ("forgot zero_grad", forgot_zero_grad),
                             ("4 micro-batches", micro_batches)]}
plotting.loss_curves(curves, styles={"4 micro-batches": "--"},
                     title="Linear regression by gradient descent")
assert np.allclose(curves["correct loop"], curves["4 micro-batches"])
assert curves["correct loop"][-1] < 0.02 < min(curves["forgot zero_grad"][-10:])

# %% [markdown]
# ## Summary
#
# * `backward()` **adds** into `.grad`. Clear it with `x.grad.zero_()` (or `optimizer.zero_grad()`) before each new gradient, unless you want the sum.
# * A backward pass frees the graph's saved values; a second one needs `retain_graph=True` on the first, and then the gradients add.
# * Accumulating `(L_j / k).backward()` over $k$ equal micro-batches gives exactly the full-batch gradient.
# * `detach()` makes a constant, `no_grad()` records nothing, `requires_grad=False` leaves get no `.grad`; non-leaves need `retain_grad()`.
# * The graph is rebuilt by every forward pass, so Python control flow is differentiated along the path that ran.
# * Parameter updates run under `no_grad`, in place: $x \leftarrow x - \lambda\, \partial L / \partial x$.
#
# **Think.** In the "forgot zero_grad" loop, the step at iteration $t$ uses $\sum_{s \le t} \nabla L(x_s)$. Which well-known optimizer does this resemble, and with what parameter?
#
# ## Further reading
#
# * *Dive into Deep Learning*, §2.5 Automatic Differentiation: detaching computation, and gradients of Python control flow.
# * A. Karpathy, "Neural Networks: Zero to Hero", lecture 1 (micrograd): the forgotten `zero_grad`.
# * PyTorch documentation, "Autograd mechanics": locally disabling gradient computation, and saved tensors.
# * The JAX documentation, "Custom derivative rules" and `stop_gradient`, for more uses of stopping gradients.
