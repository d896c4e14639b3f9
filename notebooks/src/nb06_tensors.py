# %% [markdown]
# # 6 · Tensors: Jacobians, vector-Jacobian products and broadcasting
#
# **Learning goals.** After this lesson you can
#
# 1. write down the Jacobian of a function $f : \mathbb{R}^n \to \mathbb{R}^m$ (an $m \times n$ matrix) and read it off minigrad;
# 2. say what `backward(gradient=v)` computes on a non-scalar output, namely the vector-Jacobian product $v^\top J$, and why `backward()` without `gradient` refuses;
# 3. write the VJP rules of matrix multiplication and softmax without ever forming $J$, and the rule that undoes broadcasting;
# 4. build a whole Jacobian from one-hot VJPs, one row per backward pass;
# 5. backpropagate through a small neural network by hand, in NumPy.
#
# Lesson 5 moved one number at a time. Real engines move whole arrays through each operation; this lesson is about what the backward pass of an array operation computes. Each section has the same shape: the idea, a demonstration, an exercise, a visible check, and a hidden check used for grading.

# %% [setup]
import numpy as np

import minigrad as torch
from course import plotting
from course.checks import check
from minigrad.autograd.functional import jacobian, jvp, vjp

# %% [markdown]
# ## 6.1 The Jacobian
#
# **Idea.** For $f : \mathbb{R}^n \to \mathbb{R}^m$, the derivative at $x$ is a linear map from $\mathbb{R}^n$ to $\mathbb{R}^m$ (lesson 1). Its matrix is the **Jacobian**, with one row per output and one column per input:
#
# $$J_{ij} = \frac{\partial f_i}{\partial x_j}, \qquad J \in \mathbb{R}^{m \times n}, \qquad f(x + h) \approx f(x) + J h .$$
#
# A function of several tensors has one Jacobian per input.
#
# **Demo.** Take $F(x, y) = 3x^3 - y^2$ elementwise, for $x = (2, 3)$ and $y = (6, 4)$. Output $i$ depends only on $x_i$ and $y_i$, so both Jacobians are **diagonal**:
#
# $$\frac{\partial F}{\partial x} = \begin{pmatrix} 9x_1^2 & 0 \\ 0 & 9x_2^2 \end{pmatrix} = \begin{pmatrix} 36 & 0 \\ 0 & 81 \end{pmatrix}, \qquad
# \frac{\partial F}{\partial y} = \begin{pmatrix} -2y_1 & 0 \\ 0 & -2y_2 \end{pmatrix} = \begin{pmatrix} -12 & 0 \\ 0 & -8 \end{pmatrix}.$$
#
# `minigrad.autograd.functional.jacobian` (PyTorch's `torch.autograd.functional.jacobian`) computes them, one per input:

# %%
x = torch.tensor([2.0, 3.0], requires_grad=True)
y = torch.tensor([6.0, 4.0], requires_grad=True)
F = 3 * x**3 - y**2
print(F)

J_x, J_y = jacobian(lambda x, y: 3 * x**3 - y**2, (x, y))
print(J_x, J_y, sep="\n")
assert F.tolist() == [-12.0, 65.0]
assert np.array_equal(J_x.numpy(), np.diag([36.0, 81.0]))
assert np.array_equal(J_y.numpy(), np.diag([-12.0, -8.0]))  # -0. == 0.

# %% [markdown]
# (`-0.` is IEEE negative zero: the derivative 0 of $-y_2^2$ with respect to $y_1$, computed as $-(2 y_2 \cdot 0)$. PyTorch prints it the same way; it equals 0.)
#
# Seen as one function of all four numbers $(x_1, x_2, y_1, y_2)$, the Jacobian is the $2 \times 4$ matrix $[\,\partial F/\partial x \;\; \partial F/\partial y\,]$. You will also meet it written with the columns interleaved, $(x_1, y_1, x_2, y_2)$: that is the same matrix with its columns in another order, which hides the fact that each block is diagonal.

# %%
J_full = np.hstack([J_x.numpy(), J_y.numpy()])
print(J_full)
assert J_full.shape == (2, 4)

# %% [markdown]
# ## 6.2 What `backward` computes on a non-scalar output
#
# **Idea.** For a scalar loss, `backward()` fills `x.grad` with the gradient. For a vector output there is no single gradient, there is a whole Jacobian, and reverse mode does not build it. What a backward pass computes is a **vector-Jacobian product** (VJP): given a vector $v$ with the shape of the output (the `gradient` argument, also called the cotangent or the upstream gradient), it returns
#
# $$v^\top J \quad (\text{written as a column: } J^\top v), \qquad \text{the gradient of } \textstyle\sum_i v_i f_i(x).$$
#
# Each operation on the way applies its own VJP rule, so the Jacobian is never formed: for an elementwise product, multiplying by a diagonal matrix is just an elementwise multiplication. (A product $J v$ with a vector on the *right* is a Jacobian-vector product, what forward mode computes in lesson 4. They are different things: $J v$ has the shape of the output, $v^\top J$ that of the input.)
#
# For a scalar output $J$ is a single row, and $v = 1$ is the obvious choice, so `backward()` uses it. For a vector output, PyTorch will not guess a $v$ for you:

# %%
try:
    F.backward()
except RuntimeError as err:
    message = str(err)
    print("RuntimeError:", message)
assert message == "grad can be implicitly created only for scalar outputs"

# %% [markdown]
# Pass $v$ yourself. With $v = (1, 1)$, `x.grad` is $v^\top \partial F/\partial x = (36, 81)$ and `y.grad` is $v^\top \partial F/\partial y = (-12, -8)$:

# %%
v = torch.tensor([1.0, 1.0])
F.backward(gradient=v)
print(x.grad, y.grad)
assert x.grad.tolist() == [36.0, 81.0] and y.grad.tolist() == [-12.0, -8.0]
assert np.array_equal(x.grad.numpy(), v.numpy() @ J_x.numpy())
assert np.array_equal(y.grad.numpy(), v.numpy() @ J_y.numpy())

# %% [markdown]
# The same function under other names, $Q = 3a^3 - b^2$, with the cotangent in a variable `external_grad`. Because the Jacobians are diagonal, $v^\top J$ just scales each input's derivative by the weight of its output: with $v = (1, 0)$ only $Q_1$ counts, and the second entries become 0.

# %%
for external_grad in ([1.0, 1.0], [1.0, 0.0]):
    a = torch.tensor([2.0, 3.0], requires_grad=True)
    b = torch.tensor([6.0, 4.0], requires_grad=True)
    Q = 3 * a**3 - b**2
    Q.backward(gradient=torch.tensor(external_grad))
    print(f"v = {external_grad}:  a.grad = {a.grad}   b.grad = {b.grad}")
    assert a.grad.tolist() == [36.0 * external_grad[0], 81.0 * external_grad[1]]
    assert b.grad.tolist() == [-12.0 * external_grad[0], -8.0 * external_grad[1]]

# %% [markdown]
# **Choosing $v$.** For $y = x \odot x$ with $x = (0, 1, 2)$, $J = \operatorname{diag}(2x)$. With $v = (1, 1, 1)$ the backward pass returns $2x = (0, 2, 4)$; with $v = (1, 1, 0)$ the third output gets weight 0, and so does its contribution:

# %%
for weights in ([1.0, 1.0, 1.0], [1.0, 1.0, 0.0]):
    x = torch.arange(3.0, requires_grad=True)
    y = x * x
    y.backward(torch.tensor(weights))
    print(f"v = {weights}:  x.grad = {x.grad}")
    assert x.grad.tolist() == [2 * i * w for i, w in enumerate(weights)]

# %% [markdown]
# A common choice is $v = (1, \dots, 1)$: then $v^\top J = \sum_i \nabla f_i$, the gradients of the outputs taken one by one and added up, which is exactly the gradient of `y.sum()`. When output $i$ is the loss of example $i$ of a batch, that is the gradient of the total loss.

# %%
x = torch.arange(4.0, requires_grad=True)
y = x * x
y.backward(gradient=torch.ones(len(y)))
with_ones = x.grad.clone()

x = torch.arange(4.0, requires_grad=True)
(x * x).sum().backward()
print(with_ones, x.grad)
assert torch.equal(with_ones, x.grad) and with_ones.tolist() == [0.0, 2.0, 4.0, 6.0]

# %% [markdown]
# **Checking a VJP without a Jacobian.** The VJP and the JVP are the two sides of one identity: for any $u$ (output-shaped) and $w$ (input-shaped), $\langle u, J w\rangle = \langle J^\top u, w\rangle$. One JVP, one VJP and two dot products test the VJP rule *against the JVP rule*, in the two directions $u$ and $w$: the *dot-product test* (HIPS autograd's `check_vjp`). It does not compare either with the true derivative (a finite difference of $f$ does that), and one pair of directions is one test: random $u$ and $w$ catch a wrong rule with probability 1, but only if the JVP is right.

# %%
def conv_tanh(x):
    """y_i = tanh(x_i - 2 x_{i+1} + 0.5 x_{i+2}): a 1-D convolution, then tanh."""
    return (x[:-2] - 2 * x[1:-1] + 0.5 * x[2:]).tanh()


torch.manual_seed(0)
x0 = torch.randn(10, dtype=torch.float64)
u = torch.randn(8, dtype=torch.float64)
w = torch.randn(10, dtype=torch.float64)
_, J_w = jvp(conv_tanh, x0, w)  # forward mode: J w
_, u_J = vjp(conv_tanh, x0, u)  # reverse mode: u^T J
lhs, rhs = (u * J_w).sum().item(), (u_J * w).sum().item()
print(f"<u, J w> = {lhs:.12f}   <J^T u, w> = {rhs:.12f}")
assert abs(lhs - rhs) < 1e-12

# %% [markdown]
# ## 6.3 VJP rules, without the Jacobian
#
# **Idea.** An operation's VJP rule maps the upstream gradient $g$ (shaped like its output) to one gradient per input (shaped like that input). To find it, write how a small change of the inputs changes the output, and move everything onto the input side of an inner product. For $C = AB$ with $A \in \mathbb{R}^{n\times k}$ and $B \in \mathbb{R}^{k\times m}$:
#
# $$\langle g, dC\rangle = \langle g, dA\,B\rangle + \langle g, A\,dB\rangle = \langle g B^\top, dA\rangle + \langle A^\top g, dB\rangle ,$$
#
# so the gradients are $g B^\top$ for $A$ and $A^\top g$ for $B$. The full Jacobian of $C$ with respect to $A$ would have $nm \times nk$ entries; the rule needs one matrix product. A quick sanity check is **dimension analysis** (CS231n): $g$ is $n \times m$, $B$ is $k \times m$, the gradient of $A$ must be $n \times k$, and $g B^\top$ has that shape. It is a check, not a proof: when $B$ is square ($k = m$), $g B$ has the same shape and is wrong, as the next cell shows; only the derivation tells them apart.

# %%
torch.manual_seed(1)
A = torch.randn(2, 3, dtype=torch.float64, requires_grad=True)
B = torch.randn(3, 3, dtype=torch.float64)  # square: k = m = 3
g = torch.randn(2, 3, dtype=torch.float64)
(A @ B).backward(g)
right, wrong = g @ B.T, g @ B
print("shapes:", tuple(right.shape), tuple(wrong.shape), "  g B^T is A.grad:",
      torch.allclose(right, A.grad), "  g B is A.grad:", torch.allclose(wrong, A.grad))
assert right.shape == wrong.shape == A.shape
assert torch.allclose(right, A.grad) and not torch.allclose(wrong, A.grad)

# %% [markdown]
# ### Exercise 6.1: the VJP of matrix multiplication
#
# Write `matmul_vjp(g, A, B)` that returns the pair `(grad_A, grad_B)` for `C = A @ B`, in that order: `A` is $n \times k$, `B` is $k \times m$, the upstream gradient `g` is $n \times m$, and each gradient has the shape of its input (NumPy arrays; by hand, so minigrad is off while this is checked).

# %% [answer] nb06.matmul_vjp
def matmul_vjp(g, A, B):
    """The gradients of A and B, given g, the gradient of A @ B."""
    ### BEGIN SOLUTION
    return g @ B.T, A.T @ g
    ### END SOLUTION

# %% [test] nb06.matmul_vjp
"""matmul_vjp(g, A, B) equals minigrad's gradients of A and B after (A @ B).backward(g), on non-square shapes (where a swapped or transposed gradient has the wrong shape) and square ones."""
check("nb06.matmul_vjp")
### BEGIN HIDDEN TESTS
from grading.checks import check_hidden  # noqa: E402 (instructor copy only)
check_hidden("nb06.matmul_vjp")
### END HIDDEN TESTS

# %% [markdown]
# **Softmax.** $s = \operatorname{softmax}(x)$, $s_i = e^{x_i} / \sum_k e^{x_k}$, has $\partial s_i / \partial x_j = s_i(\delta_{ij} - s_j)$, that is
#
# $$J = \operatorname{diag}(s) - s s^\top .$$
#
# Its VJP is $g^\top J = s \odot g - (g^\top s)\, s = s \odot (g - \langle g, s\rangle)$: $O(n)$ work instead of building an $n \times n$ matrix. First the Jacobian claim:

# %%
x0 = torch.tensor([1.0, -0.5, 2.0, 0.3], dtype=torch.float64)
s = torch.softmax(x0, dim=0).numpy()
J_softmax = jacobian(lambda x: torch.softmax(x, dim=0), x0).numpy()
assert np.allclose(J_softmax, np.diag(s) - np.outer(s, s), atol=1e-15)
print(np.round(J_softmax, 4))

# %% [markdown]
# ### Exercise 6.2: the VJP of softmax
#
# Write `softmax_vjp(g, s)`, given the upstream gradient `g` and the softmax output `s`. Softmax is taken along the last axis: `s` may be one vector or a batch of rows, and the inner product $\langle g, s\rangle$ is then one number per row.

# %% [answer] nb06.softmax_vjp
def softmax_vjp(g, s):
    """g^T J for s = softmax(x) along the last axis, without forming J."""
    ### BEGIN SOLUTION
    return s * (g - np.sum(g * s, axis=-1, keepdims=True))
    ### END SOLUTION

# %% [test] nb06.softmax_vjp
"""softmax_vjp(g, s) equals minigrad's gradient through softmax, for vectors and batches of rows."""
check("nb06.softmax_vjp")
### BEGIN HIDDEN TESTS
from grading.checks import check_hidden  # noqa: E402 (instructor copy only)
check_hidden("nb06.softmax_vjp")
### END HIDDEN TESTS

# %% [markdown]
# ## 6.4 Broadcasting in backward
#
# **Idea.** The gradient of an input has the shape of the input. In `X + b` with `X` of shape $(4, 3)$ and `b` of shape $(3,)$, broadcasting copies `b` into each of the 4 rows. A value used 4 times receives 4 contributions, which add up (lesson 5's fork rule), so the gradient of `b` is the upstream gradient **summed over the rows**:

# %%
torch.manual_seed(0)
X = torch.randn(4, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
g = torch.randn(4, 3)
(X + b).backward(g)
print(b.grad)
assert torch.allclose(b.grad, g.sum(dim=0)) and torch.equal(X.grad, g)

# %% [markdown]
# The converse holds too: the forward pass of `sum` adds up, so its backward pass copies (broadcasts) the gradient back. Summing and broadcasting are each other's transpose.

# %%
X = torch.randn(4, 3, requires_grad=True)
g_row = torch.randn(3)
X.sum(dim=0).backward(g_row)
assert torch.equal(X.grad, g_row.expand(4, 3))
print(X.grad)

# %% [markdown]
# Engines handle this once, not in every rule: a helper sums the gradient back to the input's shape (HIPS autograd's `unbroadcast`; in minigrad, `_fitted` in `engine.py` calls the `sum_to` rule of `rules.py`). Broadcasting (NumPy's rules) first puts extra axes in *front* of the smaller shape, then stretches axes of size 1. So to undo it, sum over the extra leading axes, then over each axis where the input had size 1, keeping that axis.
#
# ### Exercise 6.3: `unbroadcast`
#
# Write `unbroadcast(grad, shape)` that sums the NumPy array `grad` (shaped like the broadcast result) back to `shape` (a list or tuple, possibly empty for a 0-d input). For example, shape `(2, 3)` to `(3,)` sums axis 0; to `(2, 1)` sums axis 1 and keeps it; `(4, 5, 3)` to `(5, 1)` sums axes 0 and 2.

# %% [answer] nb06.unbroadcast
def unbroadcast(grad, shape):
    """Sum grad over the axes that broadcasting to grad.shape added or stretched."""
    ### BEGIN SOLUTION
    grad = np.sum(grad, axis=tuple(range(grad.ndim - len(shape))))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    return np.sum(grad, axis=stretched, keepdims=True)
    ### END SOLUTION

# %% [test] nb06.unbroadcast
"""unbroadcast(grad, shape) equals the gradient minigrad gives an input of that shape, for random broadcast pairs (leading axes, size-1 axes, 0-d)."""
check("nb06.unbroadcast")
### BEGIN HIDDEN TESTS
from grading.checks import check_hidden  # noqa: E402 (instructor copy only)
check_hidden("nb06.unbroadcast")
### END HIDDEN TESTS

# %% [markdown]
# A bias broadcast both ways at once (a leading axis added, and a size-1 axis stretched), by hand:

# %%
torch.manual_seed(0)
X = torch.randn(4, 1, 3, requires_grad=True)
b = torch.randn(5, 1, requires_grad=True)
g = torch.randn(4, 5, 3)
(X + b).backward(g)
assert np.allclose(unbroadcast(g.numpy(), (5, 1)), b.grad.numpy())
assert np.allclose(unbroadcast(g.numpy(), (4, 1, 3)), X.grad.numpy())
print("shapes:", b.grad.shape, X.grad.shape)
from minigrad import engine as minigrad_engine  # noqa: E402 (the helpers named above)
from minigrad import rules as minigrad_rules  # noqa: E402

assert callable(minigrad_engine._fitted) and callable(minigrad_rules.sum_to)

# %% [markdown]
# ## 6.5 A Jacobian from VJPs
#
# **Idea.** With the one-hot cotangent $v = e_i$, the VJP $e_i^\top J$ is **row $i$** of $J$. So $m$ backward passes give the whole Jacobian of $f : \mathbb{R}^n \to \mathbb{R}^m$, one row each. Forward mode works by columns instead: the JVP $J e_j$ is **column $j$**, and $n$ forward passes give $J$ (lesson 4). Lesson 7 weighs the two.
#
# ### Exercise 6.4: `jacobian_rev`
#
# Write `jacobian_rev(f, x)` for a function `f` from 1-D tensors to 1-D tensors: evaluate `f` once, then run one backward pass per output element with a one-hot `gradient`, and stack the rows into an $m \times n$ tensor. Use `retain_graph=True` to run several backward passes through one graph, and remember that `.grad` accumulates, or use `torch.autograd.grad(y, x, grad_outputs=e_i, retain_graph=True)`, which returns the VJP without touching `.grad`. (minigrad's ready-made `jacobian`, `jacrev` and `jacfwd` are switched off while this is checked, and the check counts your backward passes: there must be exactly $m$.)

# %% [answer] nb06.jacobian_rev
def jacobian_rev(f, x):
    """The m x n Jacobian of f at x, one VJP (one backward pass) per row."""
    ### BEGIN SOLUTION
    x = x.detach().requires_grad_(True)
    y = f(x)
    basis = torch.eye(y.numel(), dtype=y.dtype)
    rows = [torch.autograd.grad(y, x, grad_outputs=e, retain_graph=True)[0] for e in basis]
    return torch.stack(rows)
    ### END SOLUTION

# %% [test] nb06.jacobian_rev
"""jacobian_rev(f, x) equals minigrad.autograd.functional.jacobian on random inputs and functions (wide, tall, square), with one backward pass per output."""
check("nb06.jacobian_rev")
### BEGIN HIDDEN TESTS
from grading.checks import check_hidden  # noqa: E402 (instructor copy only)
check_hidden("nb06.jacobian_rev")
### END HIDDEN TESTS

# %% [markdown]
# **The picture.** The Jacobian of the convolution-then-tanh function from section 6.2, at a random point: $8$ outputs, $10$ inputs. Output $i$ depends on inputs $i, i+1, i+2$ only, so $J$ is a band. One backward pass with $v = e_3$ gives the outlined row; one forward pass with tangent $e_5$ gives the outlined column.

# %%
torch.manual_seed(1)
x0 = 0.4 * torch.randn(10, dtype=torch.float64)  # small, so tanh is not saturated
J = jacobian_rev(conv_tanh, x0.clone())  # your answer, on a copy of x0
J = J.detach().numpy() if isinstance(J, torch.Tensor) else np.asarray(J, dtype=np.float64)
x = x0.clone().requires_grad_(True)
conv_tanh(x).backward(torch.eye(8, dtype=torch.float64)[3])  # one reverse pass
_, column = jvp(conv_tanh, x0, torch.eye(10, dtype=torch.float64)[5])  # one forward pass
assert np.allclose(J[3], x.grad.numpy()) and np.allclose(J[:, 5], column.numpy())
assert np.allclose(J, jacobian(conv_tanh, x0).numpy())
assert np.count_nonzero(J) == 8 * 3  # the band: 3 inputs per output
plotting.jacobian_row_column(J, row=3, col=5,
                             title="Jacobian of tanh(conv(x)): rows by VJPs, columns by JVPs")

# %% [markdown]
# ## 6.6 Backpropagation through a small network, by hand
#
# **Idea.** A two-layer network on a batch of $N$ examples, with the mean cross-entropy loss:
#
# $$z = X W_1 + b_1, \quad h = \operatorname{relu}(z), \quad \ell = h W_2 + b_2, \quad L = \frac1N \sum_{n} -\log \operatorname{softmax}(\ell_n)_{y_n} .$$
#
# Backprop is the forward code read from the bottom up, with one VJP rule per line:
#
# * $\partial L/\partial \ell = (\operatorname{softmax}(\ell) - \operatorname{onehot}(y)) / N$ (softmax followed by $-\log$ simplifies to this);
# * $\partial L/\partial W_2 = h^\top\, \partial L/\partial \ell$ and $\partial L/\partial h = \partial L/\partial \ell\; W_2^\top$ (matmul, exercise 6.1);
# * $\partial L/\partial b_2$: the bias was broadcast over the batch, so sum over it (exercise 6.3);
# * $\partial L/\partial z = \partial L/\partial h \odot [z > 0]$ (relu lets the gradient through where it was active);
# * then the same matmul and bias rules for $W_1$ and $b_1$.
#
# ### Exercise 6.5: `mlp_backward`
#
# Write `mlp_backward(X, labels, W1, b1, W2, b2)` in NumPy: run the forward pass, then return a dict with the gradients of the loss with respect to `"dlogits"` ($\ell$), `"dh"`, `"dW2"`, `"db2"`, `"dW1"`, `"db1"`. `labels` is a list of $N$ class indices. (By hand: minigrad is off while this is checked. Each intermediate gradient is compared with minigrad's, so a message tells you the first one that is wrong.)

# %% [answer] nb06.mlp_backward
def mlp_backward(X, labels, W1, b1, W2, b2):
    """Gradients of the mean cross-entropy of relu(X W1 + b1) W2 + b2, by hand."""
    ### BEGIN SOLUTION
    N = X.shape[0]
    z = X @ W1 + b1
    h = np.maximum(z, 0)
    logits = h @ W2 + b2
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    dlogits = p.copy()
    dlogits[np.arange(N), np.asarray(labels)] -= 1
    dlogits /= N
    dh = dlogits @ W2.T
    dz = dh * (z > 0)
    return {"dlogits": dlogits, "dh": dh, "dW2": h.T @ dlogits, "db2": dlogits.sum(axis=0),
            "dW1": X.T @ dz, "db1": dz.sum(axis=0)}
    ### END SOLUTION

# %% [test] nb06.mlp_backward
"""mlp_backward gives minigrad's gradient for every intermediate and every parameter, on random networks and batches."""
check("nb06.mlp_backward")
### BEGIN HIDDEN TESTS
from grading.checks import check_hidden  # noqa: E402 (instructor copy only)
check_hidden("nb06.mlp_backward")
### END HIDDEN TESTS

# %% [markdown]
# **Compare, gradient by gradient.** The same network in minigrad, and a table in the style of Karpathy's "backprop ninja" `cmp` helper: exact match, match up to rounding, and the largest difference.

# %%
rng = np.random.default_rng(0)
Xn, W1n, b1n = rng.normal(size=(6, 3)), rng.normal(size=(3, 5)), rng.normal(size=5)
W2n, b2n, labels = rng.normal(size=(5, 4)), rng.normal(size=4), [0, 3, 1, 1, 2, 3]

params = [torch.tensor(p, requires_grad=True) for p in (W1n, b1n, W2n, b2n)]
W1, b1, W2, b2 = params
h = (torch.tensor(Xn) @ W1 + b1).relu()
logits = h @ W2 + b2
h.retain_grad()
logits.retain_grad()
torch.nn.functional.cross_entropy(logits, torch.tensor(labels)).backward()
reference = {"dlogits": logits.grad, "dh": h.grad, "dW2": W2.grad, "db2": b2.grad,
             "dW1": W1.grad, "db1": b1.grad}

mine = mlp_backward(Xn, labels, W1n, b1n, W2n, b2n)
for name, ref in reference.items():
    got = np.asarray(mine[name])
    tol = 2e-5 if got.dtype == np.float32 else 1e-10  # your precision: float32 or float64
    diff = np.abs(got - ref.numpy()).max()
    exact = np.array_equal(got, ref.numpy())
    close = np.allclose(got, ref.numpy(), rtol=tol, atol=tol * np.abs(ref.numpy()).max())
    print(f"{name:8s} exact: {exact!s:5s}  approximate: {close!s:5s}  maxdiff: {diff:.1e}")
    assert close

# %% [markdown]
# ## Summary
#
# * The Jacobian of $f : \mathbb{R}^n \to \mathbb{R}^m$ is $m \times n$; an elementwise function has a diagonal Jacobian.
# * A backward pass computes a **vector-Jacobian product** $v^\top J$ (the gradient of $\sum_i v_i f_i$), never $J$ itself. For a non-scalar output you must pass $v$ as `gradient`; without it PyTorch (and minigrad) raise "grad can be implicitly created only for scalar outputs". $v = (1, \dots, 1)$ gives the gradient of the sum.
# * VJP rules work on whole arrays: $g B^\top$ and $A^\top g$ for a matrix product, $s \odot (g - \langle g, s\rangle)$ for softmax. Dimension analysis catches most mistakes; the dot-product test $\langle u, J w\rangle = \langle J^\top u, w\rangle$ catches the rest.
# * Broadcasting in the forward pass becomes a sum in the backward pass: `unbroadcast` sums over added and stretched axes.
# * One-hot cotangents give the rows of $J$, one backward pass each; one-hot tangents give its columns, one forward pass each.
#
# **Think.** To get the full gradient of a scalar loss of a million parameters, how many backward passes do you need? And how many forward (JVP) passes? Lesson 7 measures the answer.
#
# ## Further reading
#
# * *Dive into Deep Learning*, §2.5.2, "Backward for non-scalar variables".
# * A. Edelman and S. G. Johnson, *Matrix Calculus for Machine Learning and Beyond* (MIT 18.063), lectures 2-4: Jacobians, and gradients defined by an inner product.
# * The JAX autodiff cookbook, "How it's made: two foundational autodiff functions" (JVPs and VJPs), and autodidax on the VJP as the transpose of the JVP.
# * CS231n, "Derivatives, backpropagation, and vectorization", and "Gradients for vectorized operations" (dimension analysis).
# * A. Karpathy, "Building makemore part 4: becoming a backprop ninja", for many more gradients by hand.
# * HIPS autograd, `autograd/numpy/numpy_vjps.py`: a whole table of VJP rules, with `unbroadcast`.
