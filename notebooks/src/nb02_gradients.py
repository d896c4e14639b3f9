# %% [markdown]
# # 2 · Partial derivatives, gradients and directional derivatives
#
# **Learning goals.** After this lesson you can
#
# 1. compute a partial derivative as the derivative of a one-variable slice, by hand and with minigrad;
# 2. explain why the gradient of a scalar function has the shape of its input, for vectors and for matrices;
# 3. compute a directional derivative $\nabla f \cdot v$ from two evaluations of $f$;
# 4. show that the gradient points uphill as steeply as possible and is orthogonal to the level sets.
#
# Each section has the same shape: the idea, a demonstration, an exercise, a visible check you can run, and a hidden check used for grading.

# %% [setup]
import math
import warnings

import numpy as np

import minigrad as torch
from course import plotting
from course.checks import check

# %% [markdown]
# ## 2.1 Partial derivatives are slices
#
# **Idea.** For $f(x_1, \dots, x_d)$, freeze every variable but one. What is left is a function of one variable, and its derivative is the partial derivative:
#
# $$\frac{\partial f}{\partial x_i}(a) = \frac{d}{dt} f(a + t\,e_i)\Big|_{t=0},$$
#
# where $e_i$ is the $i$-th unit vector. Nothing new is needed: the rules of lesson 1 apply, with the other variables treated as constants.
#
# **Demo.** $f(x, y) = 3x^3 - y^2$. Treating $y$ as a constant, $\partial f/\partial x = 9x^2$; treating $x$ as a constant, $\partial f/\partial y = -2y$. At $(2, 3)$: $f = 15$, $\partial f/\partial x = 36$, $\partial f/\partial y = -6$. One backward pass gives both:

# %%
x = torch.tensor(2.0, requires_grad=True)
y = torch.tensor(3.0, requires_grad=True)
f = 3 * x**3 - y**2
f.backward()
print(f, x.grad, y.grad)
assert f.item() == 15.0 and x.grad.item() == 36.0 and y.grad.item() == -6.0

# %% [markdown]
# Each partial derivative is the slope of a slice. A central difference along each axis agrees:

# %%
def f_np(p):
    return 3 * p[0] ** 3 - p[1] ** 2


a, h = np.array([2.0, 3.0]), 1e-5
slopes = [(f_np(a + h * e) - f_np(a - h * e)) / (2 * h) for e in np.eye(2)]
print(", ".join(f"{s:.6f}" for s in slopes))
assert np.allclose(slopes, [36.0, -6.0], rtol=1e-8)

# %% [markdown]
# Autograd differentiates only the operations it records. For $g(x, y) = 3\cos x - \sin^2 y$ use minigrad's `cos` and `sin` (PyTorch's, with `import torch`); Python's `math.cos` turns the tensor into a plain float, and the graph is lost:

# %%
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # the conversion warns, as in PyTorch
    lost = 3 * math.cos(x) - math.sin(y) ** 2
print(type(lost).__name__)
assert isinstance(lost, float)

x = torch.tensor(2.0, requires_grad=True)
y = torch.tensor(3.0, requires_grad=True)
g = 3 * torch.cos(x) - torch.sin(y) ** 2
g.backward()
print(x.grad, y.grad)
assert abs(x.grad.item() - (-3 * math.sin(2))) < 1e-6  # -3 sin x = -2.7279
assert abs(y.grad.item() - (-math.sin(6))) < 1e-6  # -2 sin y cos y = -sin 2y = 0.2794

# %% [markdown]
# With three variables: $f(x, y, z) = \sin x^2 + e^y \tan z$ has
#
# $$\frac{\partial f}{\partial x} = 2x\cos x^2, \qquad \frac{\partial f}{\partial y} = e^y \tan z, \qquad \frac{\partial f}{\partial z} = \frac{e^y}{\cos^2 z} = e^y \sec^2 z .$$
#
# At $(3, 4.5, 6.8)$: $f = 51.5725$, and the partials are $-5.4668$, $51.1603$ and $119.0936$. (We use `float64`; in `float32` the last digits wobble.)

# %%
x = torch.tensor(3.0, dtype=torch.float64, requires_grad=True)
y = torch.tensor(4.5, dtype=torch.float64, requires_grad=True)
z = torch.tensor(6.8, dtype=torch.float64, requires_grad=True)
f = torch.sin(x**2) + torch.exp(y) * torch.tan(z)
f.backward()
print(f)
print(x.grad, y.grad, z.grad)
by_hand = [2 * 3 * math.cos(9), math.exp(4.5) * math.tan(6.8), math.exp(4.5) / math.cos(6.8) ** 2]
assert np.allclose([x.grad.item(), y.grad.item(), z.grad.item()], by_hand, rtol=1e-12)
assert np.allclose(by_hand, [-5.4668, 51.1603, 119.0936], atol=5e-5)
assert round(f.item(), 4) == 51.5725

# %% [markdown]
# ## 2.2 The gradient has the shape of the input
#
# **Idea.** For a scalar function $f$ of a vector $x \in \mathbb{R}^n$, the gradient $\nabla f(x)$ collects the $n$ partial derivatives. It is the vector that represents the derivative through the inner product:
#
# $$f(x + h) = f(x) + \langle \nabla f(x), h \rangle + o(\lVert h \rVert).$$
#
# Since it is paired with $h$, a change of the input, it lives where the input lives: **the gradient has the shape of the input**. In minigrad (as in PyTorch) `x.grad` has `x.shape`. Before any backward pass it is `None`.
#
# **Demo.** Four small examples. The dot product $z = x \cdot y$ is linear in $x$, so $\nabla_x z = y$:

# %%
x = torch.tensor([0.0, 1.0, 2.0, 3.0], requires_grad=True)
y = torch.tensor([2.0, 3.0, 5.0, 7.0])
print(x.grad)  # nothing computed yet
z = torch.dot(x, y)
z.backward()
print(x.grad)
assert torch.equal(x.grad, y)

# %% [markdown]
# $x \cdot x = \sum_i x_i^2$, so the gradient is $2x$; and for $y = 2\,x^\top x$ it is $4x$. (On a 1-D tensor, `x.T` changes nothing: `torch.dot(x, x)` is $x^\top x$.)

# %%
x = torch.arange(4.0, requires_grad=True)
y = torch.dot(x, x)
y.backward()
print(y, x.grad)
assert torch.equal(x.grad, 2 * x)

x = torch.arange(4.0, requires_grad=True)  # a fresh x: gradients add up otherwise (lesson 8)
y = 2 * torch.dot(x, x)
y.backward()
print(y, x.grad)
assert y.item() == 28.0 and torch.equal(x.grad, 4 * x)

# %% [markdown]
# Two inputs, each with its own gradient: $u = \sum_i \cos x_i \sin y_i$ has $\partial u/\partial x_i = -\sin x_i \sin y_i$ and $\partial u/\partial y_i = \cos x_i \cos y_i$.

# %%
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = torch.tensor([5.0, 7.0, 6.0], requires_grad=True)
u = torch.sum(torch.cos(x) * torch.sin(y))
u.backward()
print(x.grad)
print(y.grad)
xs, ys = np.array([1.0, 2.0, 3.0]), np.array([5.0, 7.0, 6.0])
assert np.allclose(x.grad.numpy(), -np.sin(xs) * np.sin(ys), atol=1e-6)
assert np.allclose(y.grad.numpy(), np.cos(xs) * np.cos(ys), atol=1e-6)
assert np.allclose(x.grad.numpy(), [0.8069, -0.5974, 0.0394], atol=5e-5)

# %% [markdown]
# ### Exercise 2.1 — the gradient of a quadratic
#
# Three of the examples above are quadratics $f(x) = x^\top A x + b^\top x$: the dot product ($A = 0$, $b = y$), $x \cdot x$ ($A = I$, $b = 0$) and $2x^\top x$ ($A = 2I$). Work out $\nabla f$ by hand for a general square matrix $A$, **not necessarily symmetric**, and write `grad_quadratic(A, b, x)` (NumPy arrays in, a NumPy array out; minigrad's autograd is switched off while this is checked).

# %% [answer] nb02.grad_quadratic
def grad_quadratic(A, b, x):
    """The gradient of x^T A x + b^T x at x."""
    ### BEGIN SOLUTION
    return (A + A.T) @ x + b
    ### END SOLUTION

# %% [test] nb02.grad_quadratic
"""grad_quadratic(A, b, x) matches minigrad's gradient for random non-symmetric A."""
check("nb02.grad_quadratic")
### BEGIN HIDDEN TESTS
from grading.checks import check_hidden  # noqa: E402 (instructor copy only)
check_hidden("nb02.grad_quadratic")
### END HIDDEN TESTS

# %% [markdown]
# It reproduces the three examples:

# %%
x4 = np.arange(4.0)
assert np.array_equal(grad_quadratic(np.zeros((4, 4)), np.array([2.0, 3, 5, 7]), x4), [2, 3, 5, 7])
assert np.array_equal(grad_quadratic(np.eye(4), np.zeros(4), x4), 2 * x4)
assert np.array_equal(grad_quadratic(2 * np.eye(4), np.zeros(4), x4), 4 * x4)

# %% [markdown]
# **Matrices.** Nothing changes when the input is a matrix $X$: the gradient is the matrix $G$ of partial derivatives $\partial f/\partial X_{ij}$, paired with a change $H$ by the Frobenius inner product $\langle G, H \rangle = \sum_{ij} G_{ij} H_{ij}$:
#
# $$f(X + H) = f(X) + \langle G, H \rangle + o(\lVert H \rVert).$$
#
# ### Exercise 2.2 — a numerical gradient of any shape
#
# Write `numerical_gradient(f, X)`: `f` takes a NumPy array shaped like `X` (a vector, a matrix, or more axes; even a 0-d array) and returns a float. Return the array of central differences, one per entry, shaped like `X`. Perturb one entry at a time by $\pm h$ and put it back; any step $h$ from $10^{-7}$ to $10^{-4}$ is accepted ($10^{-6}$ is a good choice), and the check allows each entry the truncation and rounding error of a central difference at such a step. `np.ndindex(X.shape)` visits every index.

# %% [answer] nb02.numerical_gradient
def numerical_gradient(f, X, h=1e-6):
    """Central-difference estimate of the gradient of f at X (same shape as X)."""
    ### BEGIN SOLUTION
    X = np.array(X, dtype=np.float64)
    G = np.zeros_like(X)
    for i in np.ndindex(X.shape):
        old = X[i]
        X[i] = old + h
        up = f(X)
        X[i] = old - h
        down = f(X)
        X[i] = old
        G[i] = (up - down) / (2 * h)
    return G
    ### END SOLUTION

# %% [test] nb02.numerical_gradient
"""numerical_gradient(f, X) matches minigrad's gradient for random functions and shapes."""
check("nb02.numerical_gradient")
### BEGIN HIDDEN TESTS
from grading.checks import check_hidden  # noqa: E402 (instructor copy only)
check_hidden("nb02.numerical_gradient")
### END HIDDEN TESTS

# %% [markdown]
# **Demo.** Two gradients worth knowing, on a $2 \times 3$ matrix. The gradient of $\operatorname{logsumexp}(X) = \log \sum_{ij} e^{X_{ij}}$ is the softmax $e^{X_{ij}} / \sum_{kl} e^{X_{kl}}$; the gradient of the Frobenius norm $\lVert X \rVert_F$ is $X / \lVert X \rVert_F$. Both have the shape of $X$:

# %%
rng = np.random.default_rng(0)
X = rng.normal(size=(2, 3))
G_lse = numerical_gradient(lambda M: np.log(np.exp(M).sum()), X)
G_fro = numerical_gradient(lambda M: np.sqrt((M * M).sum()), X)
print(G_lse.shape, G_fro.shape)
assert G_lse.shape == G_fro.shape == X.shape
assert np.allclose(G_lse, np.exp(X) / np.exp(X).sum(), atol=1e-8)
assert np.allclose(G_fro, X / np.linalg.norm(X), atol=1e-8)

Xt = torch.tensor(X, requires_grad=True)
torch.logsumexp(Xt.reshape(-1), 0).backward()
assert np.allclose(Xt.grad.numpy(), G_lse, atol=1e-8)

# %% [markdown]
# At $X = 0$ the norm has a kink (a cone), and no gradient. minigrad, like PyTorch, reports the subgradient $0$ for `torch.norm`, but `nan` for the same function spelled out as `sqrt(sum(X*X))`, whose chain rule divides $0$ by $0$:

# %%
Z = torch.zeros(2, 3, dtype=torch.float64, requires_grad=True)
torch.norm(Z).backward()
Z2 = torch.zeros(2, 3, dtype=torch.float64, requires_grad=True)
(Z2 * Z2).sum().sqrt().backward()
print(Z.grad[0], Z2.grad[0])
assert torch.equal(Z.grad, torch.zeros(2, 3, dtype=torch.float64))
assert torch.isnan(Z2.grad).all()

# %% [markdown]
# ### Exercise 2.3 — two matrix gradients
#
# For a square matrix $A$ and vectors $x, y$, write `matrix_gradients(A, x, y)` that returns the pair
#
# * $\nabla_A \,(x^\top A y)$, and
# * $\nabla_A \log \det A$ (for $\det A > 0$),
#
# each as a NumPy array shaped like $A$. Work them out by hand: for the first, $x^\top A y = \sum_{ij} x_i A_{ij} y_j$; for the second, expand $\det A$ along row $i$ (cofactors) and remember $A^{-1} = \operatorname{adj}(A) / \det A$.

# %% [answer] nb02.matrix_gradients
def matrix_gradients(A, x, y):
    """(d(x^T A y)/dA, d(log det A)/dA), each shaped like A."""
    ### BEGIN SOLUTION
    return np.outer(x, y), np.linalg.inv(A).T
    ### END SOLUTION

# %% [test] nb02.matrix_gradients
"""matrix_gradients(A, x, y) matches the reference on random well-conditioned A."""
check("nb02.matrix_gradients")
### BEGIN HIDDEN TESTS
from grading.checks import check_hidden  # noqa: E402 (instructor copy only)
check_hidden("nb02.matrix_gradients")
### END HIDDEN TESTS

# %% [markdown]
# Your numerical gradient agrees, and the first-order expansion holds with the Frobenius inner product: $\log\det(A + H) \approx \log\det A + \langle A^{-\top}, H \rangle$, with an error of order $\lVert H \rVert^2$.

# %%
A = np.array([[2.0, 1.0], [0.5, 3.0]])
xv, yv = np.array([1.0, -2.0]), np.array([0.5, 4.0])
G_bilinear, G_logdet = matrix_gradients(A, xv, yv)
assert np.allclose(numerical_gradient(lambda M: xv @ M @ yv, A), G_bilinear, atol=1e-8)
assert np.allclose(numerical_gradient(lambda M: np.log(np.linalg.det(M)), A), G_logdet, atol=1e-8)

H = 1e-4 * rng.normal(size=(2, 2))
change = np.log(np.linalg.det(A + H)) - np.log(np.linalg.det(A))
linear = np.sum(G_logdet * H)
print(f"change {change:.10f}   <A^-T, H> {linear:.10f}")
assert abs(change - linear) < 1e-7

# %% [markdown]
# ## 2.3 Directional derivatives
#
# **Idea.** The derivative of $f$ along a direction $v$ is the slope of the slice $t \mapsto f(x + t v)$ at $t = 0$. For a differentiable $f$ the linear approximation gives it at once:
#
# $$D_v f(x) = \frac{d}{dt} f(x + t v)\Big|_{t=0} = \nabla f(x) \cdot v .$$
#
# It is linear in $v$ (doubling $v$ doubles the slope), and it is one number, so it costs **one** slice: two evaluations of $f$ for a central difference, instead of $2n$ for the whole numerical gradient.
#
# ### Exercise 2.4 — a directional derivative from two evaluations
#
# Write `directional_derivative(f, x, v)` that estimates $D_v f(x)$ calling `f` **at most twice**, with a central difference in $t$ and a step $h$ from $10^{-7}$ to $10^{-4}$ ($10^{-6}$ is a good choice; the check allows the truncation error $|\tfrac{d^3}{dt^3} f(x + t v)|\,h^2/6$ at $h = 10^{-4}$, which grows like $\lVert v \rVert^3$, plus rounding). Do not normalise $v$; $v$ may be $0$. (The checks count the calls.)

# %% [answer] nb02.directional_derivative
def directional_derivative(f, x, v, h=1e-6):
    """Central-difference estimate of grad f(x) . v, from two evaluations of f."""
    ### BEGIN SOLUTION
    return (f(x + h * v) - f(x - h * v)) / (2 * h)
    ### END SOLUTION

# %% [test] nb02.directional_derivative
"""directional_derivative(f, x, v) equals minigrad's grad f(x) . v and calls f at most twice."""
check("nb02.directional_derivative")
### BEGIN HIDDEN TESTS
from grading.checks import check_hidden  # noqa: E402 (instructor copy only)
check_hidden("nb02.directional_derivative")
### END HIDDEN TESTS

# %% [markdown]
# **Demo.** The Rosenbrock function $f(x, y) = (1 - x)^2 + 100 (y - x^2)^2$ at $(-0.5, 0.5)$, along $v = (1, 0.5)$. The slice is an ordinary curve of one variable; its tangent at $t = 0$ has slope $\nabla f \cdot v$, computed here by minigrad:

# %%
def rosenbrock(p):
    return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2


p0, v = np.array([-0.5, 0.5]), np.array([1.0, 0.5])
pt = torch.tensor(p0, requires_grad=True)
rosenbrock(pt).backward()
slope = float(pt.grad.numpy() @ v)
assert abs(directional_derivative(rosenbrock, p0, v) - slope) < 1e-6 * abs(slope)
plotting.directional_slice(rosenbrock, p0, v, slope, span=0.4,
                           title="A directional derivative is the slope of a slice")

# %% [markdown]
# ## 2.4 Steepest ascent and level sets
#
# **Idea.** Among unit vectors $u$, which direction increases $f$ fastest? For a differentiable $f$, $D_u f(x) = \nabla f(x) \cdot u$, and a dot product with a unit vector is
#
# $$\nabla f(x) \cdot u = \lVert \nabla f(x) \rVert \cos\theta ,$$
#
# where $\theta$ is the angle between $u$ and the gradient (this is what the angle between two vectors means). The Cauchy–Schwarz inequality, $|\nabla f \cdot u| \le \lVert \nabla f \rVert \lVert u \rVert$, is the bound $|\cos\theta| \le 1$, with equality exactly when $u$ is parallel to $\nabla f$. So
#
# * the slope is largest, $\lVert \nabla f \rVert$, along $u = \nabla f / \lVert \nabla f \rVert$: **the gradient points in the direction of steepest ascent**, and $-\nabla f$ in the direction of steepest descent;
# * the slope is zero for $\theta = 90°$. Along a level set $\{f = c\}$, $f$ does not change, so its tangent has zero slope: **the gradient is orthogonal to the level sets**.
#
# **Demo.** Sweep the unit directions around a point of $f(x, y) = \cos x \sin y$. The slopes trace $\lVert\nabla f\rVert \cos\theta$, largest at the gradient's angle:

# %%
def wave(p):
    return np.cos(p[0]) * np.sin(p[1])


p = np.array([0.7, 0.4])
grad_p = numerical_gradient(wave, p)
angles = np.linspace(0, 2 * np.pi, 3601)
slopes = np.array([directional_derivative(wave, p, np.array([np.cos(a), np.sin(a)]))
                   for a in angles])
steepest = angles[np.argmax(slopes)]
theta = math.atan2(grad_p[1], grad_p[0]) % (2 * np.pi)
print(f"steepest direction at angle {steepest:.4f}; the gradient's angle is {theta:.4f}")
assert abs(steepest - theta) < 2e-3
assert abs(slopes.max() - np.linalg.norm(grad_p)) < 1e-6
assert np.allclose(slopes, np.linalg.norm(grad_p) * np.cos(angles - theta), atol=1e-8)

# %% [markdown]
# The picture: level sets of $\cos x \sin y$ with the gradient field, computed by your `numerical_gradient`. Every arrow crosses the level curves at a right angle and points uphill; the arrows vanish at the peaks, pits and saddles, where the gradient is zero.

# %%
plotting.contour_field(wave, lambda q: numerical_gradient(wave, q), xlim=(-3, 3), ylim=(-3, 3),
                       levels=14, title="f(x, y) = cos x sin y and its gradient")

# %% [markdown]
# The right angle, checked: walking a small step $t$ along the level set (the gradient turned by 90°) changes $f$ only at second order, $O(t^2)$, while walking along the gradient changes it by $t\,\lVert\nabla f\rVert$ to first order.

# %%
along_level = np.array([-grad_p[1], grad_p[0]]) / np.linalg.norm(grad_p)
uphill = grad_p / np.linalg.norm(grad_p)
for t in [1e-2, 1e-3]:
    flat = wave(p + t * along_level) - wave(p)
    steep = wave(p + t * uphill) - wave(p)
    print(f"t = {t:g}: along the level set {flat:+.2e}, along the gradient {steep:+.2e}")
    assert abs(flat) < t**2 and abs(steep - t * np.linalg.norm(grad_p)) < t**2

# %% [markdown]
# **Gradient descent.** To *minimise* a loss $J(x)$, step against the gradient: $x_{k+1} = x_k - \lambda\, \dfrac{\partial J}{\partial x}(x_k)$, where $\partial J/\partial x$ is the derivative of $J$ with respect to $x$ and $\lambda > 0$ is the learning rate. For a small enough $\lambda$, each step lowers $J$ (to first order, by $\lambda \lVert \nabla J \rVert^2$). A few steps on a tilted bowl:

# %%
A = np.array([[3.0, 1.0], [1.0, 2.0]])
b = np.array([1.0, -2.0])


At, bt = torch.tensor(A), torch.tensor(b)


def J(x):
    return x @ At @ x / 2 - bt @ x


x = np.array([2.0, 2.0])
losses = []
for _ in range(25):
    xt = torch.tensor(x, requires_grad=True)
    loss = J(xt)
    loss.backward()
    losses.append(loss.item())
    x = x - 0.2 * xt.grad.numpy()
best = J(torch.tensor(np.linalg.solve(A, b))).item()
print(f"J: {losses[0]:.3f} -> {losses[-1]:.6f};  minimum {best:.6f}")
assert all(later < earlier for earlier, later in zip(losses, losses[1:], strict=False))
assert np.allclose(x, np.linalg.solve(A, b), atol=1e-3)

# %% [markdown]
# ## Summary
#
# * A partial derivative is the derivative of a one-variable slice; autograd computes all of them in one backward pass, provided the function is written with the library's operations (`torch.cos`, not `math.cos`).
# * The gradient is defined by $f(x + h) \approx f(x) + \langle \nabla f(x), h\rangle$, so it has the shape of the input: $\nabla (x^\top A x + b^\top x) = (A + A^\top)x + b$; for matrices, $\nabla_A\, x^\top A y = x y^\top$ and $\nabla \log\det A = A^{-\top}$.
# * The directional derivative $D_v f = \nabla f \cdot v$ is linear in $v$ and costs one slice (two evaluations), not $2n$.
# * The gradient points in the direction of steepest ascent, with slope $\lVert\nabla f\rVert$, and is orthogonal to level sets; gradient descent steps along $-\nabla f$.
#
# **Think.** Your `numerical_gradient` calls $f$ $2n$ times for $n$ inputs. A network has $n = 10^8$ parameters. How long would one gradient take if $f$ takes 10 ms? (Lessons 3 to 7 show how autograd does it for a few times the cost of one $f$.)
#
# ## Further reading
#
# * A. Edelman and S. G. Johnson, *Matrix Calculus for Machine Learning and Beyond* (MIT 18.063), lectures 2 and 4: gradients through inner products, $\nabla \det A$.
# * *Dive into Deep Learning*, §2.4.3 Partial Derivatives and Gradients.
# * K. B. Petersen and M. S. Pedersen, *The Matrix Cookbook*, §2 (derivatives of traces, determinants and inverses).
# * CS231n, "Optimization: Stochastic Gradient Descent" (the gradient as the direction of steepest ascent).
