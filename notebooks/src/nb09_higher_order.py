# %% [markdown]
# # 9 · Higher order: grad of grad, Hessian-vector products, Hessians
#
# **Learning goals.** After this lesson you can
#
# 1. take derivatives of derivatives with `torch.autograd.grad(..., create_graph=True)`, and say why this works;
# 2. compute a Hessian-vector product $Hv$ for a few times the cost of $f$, without ever forming $H$;
# 3. build a full Hessian from $n$ Hessian-vector products, and check it against `minigrad.autograd.functional.hessian`;
# 4. take a Newton step $x - H^{-1}\nabla f(x)$, and see why it lands on the minimum of a quadratic in one step.
#
# Each section has the same shape: the idea, a demonstration, an exercise, a visible check you can run, and a hidden check used for grading.

# %% [setup]
import numpy as np

import minigrad as torch
from course import plotting
from course.checks import check
from minigrad.counting import count_ops

# %% [markdown]
# ## 9.1 Grad of grad
#
# **Idea.** minigrad's derivative rules (the table in `minigrad/rules.py`) are written with minigrad's own operations, which work on arrays and on Tensors alike (lesson 5's `Scalar` rules were float arithmetic: they could not be differentiated again). With `create_graph=True`, the backward pass runs those rules *on Tensors*, so the gradient it returns has its own graph, and can be differentiated again. Without it, the gradient is a constant.
#
# **Demo.** $f(x) = x^3$ at $x = 2$: $f' = 3x^2 = 12$, $f'' = 6x = 12$, $f''' = 6$.

# %%
x = torch.tensor(2.0, requires_grad=True)
y = x**3
(d1,) = torch.autograd.grad(y, x, create_graph=True)
(d2,) = torch.autograd.grad(d1, x, create_graph=True)
(d3,) = torch.autograd.grad(d2, x)
print(d1, d2, d3, sep="\n")
assert (d1.item(), d2.item(), d3.item()) == (12.0, 12.0, 6.0)

# %% [markdown]
# Without `create_graph=True` the first derivative has no `grad_fn`, and differentiating it again fails:

# %%
(d1,) = torch.autograd.grad(x**3, x)
print(d1, d1.requires_grad)
try:
    torch.autograd.grad(d1, x)
except RuntimeError as err:
    print("RuntimeError:", err)
assert not d1.requires_grad

# %% [markdown]
# ### Exercise 9.1 — the n-th derivative
#
# Write `nth_derivative(f, x, n)`: the $n$-th derivative of a scalar function `f` (it takes and returns a 0-d tensor) at the float `x`, by calling `torch.autograd.grad` $n$ times. For $n = 0$, return $f(x)$. Return a float.

# %% [answer] nb09.nth_derivative
def nth_derivative(f, x, n):
    """f^{(n)}(x) by n nested calls of torch.autograd.grad."""
    ### BEGIN SOLUTION
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    y = f(t)
    for _ in range(n):
        (y,) = torch.autograd.grad(y, t, create_graph=True)
    return y.item()
    ### END SOLUTION

# %% [test] nb09.nth_derivative
"""nth_derivative(f, x, n) agrees with minigrad's repeated grad for tanh, sin(x) e^{x/2},
a Gaussian and a quintic, n = 0..4."""
check("nb09.nth_derivative")
### BEGIN HIDDEN TESTS
from grading.checks import check_hidden  # noqa: E402 (instructor copy only)
check_hidden("nb09.nth_derivative")
### END HIDDEN TESTS

# %% [markdown]
# **Demo.** On a whole grid at once: for an elementwise $f$, the gradient of $\sum_i f(x_i)$ is the vector of the $f'(x_i)$, so one call of `grad` differentiates every point. Here are tanh and its first five derivatives, each obtained by calling `grad` on the previous one:

# %%
xs = torch.linspace(-7, 7, 400, dtype=torch.float64, requires_grad=True)
curve = torch.tanh(xs)
derivatives = {"tanh": curve.detach().numpy()}
for k in range(1, 6):
    (curve,) = torch.autograd.grad(curve.sum(), xs, create_graph=True)
    derivatives[f"order {k}"] = curve.detach().numpy()
# each curve divided by its largest |value| (they range from 1 to 16), so all show their shape
scaled = {f"{name} / {np.abs(d).max():.3g}": d / np.abs(d).max() for name, d in derivatives.items()}
plotting.curves(xs.detach().numpy(), scaled, xlabel="x", ylabel="scaled to [-1, 1]",
                title="tanh and its first five derivatives, by repeated grad")

# %% [markdown]
# The first two match the closed forms $\tanh' = 1 - \tanh^2$ and $\tanh'' = -2 \tanh\,(1 - \tanh^2)$, and the grid agrees with your `nth_derivative`:

# %%
t = np.tanh(xs.detach().numpy())
assert np.allclose(derivatives["order 1"], 1 - t**2)
assert np.allclose(derivatives["order 2"], -2 * t * (1 - t**2))
yours = float(nth_derivative(torch.tanh, xs[250].item(), 3))
assert np.isclose(derivatives["order 3"][250], yours, rtol=1e-5, atol=1e-6)  # (float32 too)

# %% [markdown]
# **Nesting is safe here.** Nested derivatives can confuse the *perturbations* of the inner and outer derivative ("perturbation confusion", a classic bug of naive forward-mode implementations). With reverse mode each `grad` call follows its own graph, and with `create_graph=True` the inner derivative keeps its dependence on $x$. A test of both needs an inner derivative that depends on $x$: $\frac{d}{dx}\big[x \cdot \frac{d}{dy}(x y)\big] = \frac{d}{dx}[x \cdot x] = 2x$, which is $3$ at $x = 1.5$. An engine that lost the inner graph (treating $\frac{d}{dy}(xy)$ as the constant $1.5$) would say $1.5$, and the cell computes that wrong value too, by detaching the inner derivative:

# %%
x = torch.tensor(1.5, requires_grad=True)
y = torch.tensor(-0.5, requires_grad=True)
(inner,) = torch.autograd.grad(x * y, y, create_graph=True)  # d/dy (x y) = x: it depends on x
(outer,) = torch.autograd.grad(x * inner, x)  # d/dx (x * x) = 2x = 3
(lost,) = torch.autograd.grad(x * inner.detach(), x)  # an inner derivative taken as a constant
print("inner:", inner.item(), "  outer:", outer.item(), "  with the inner graph lost:", lost.item())
assert inner.item() == 1.5 and outer.item() == 3.0 and lost.item() == 1.5

# %% [markdown]
# ## 9.2 Hessian-vector products
#
# **Idea.** For $f : \mathbb{R}^n \to \mathbb{R}$, the Hessian $H = \nabla^2 f$ is $n \times n$: too big to build when $n$ is large. But many methods only need products $Hv$, and
#
# $$H v = \nabla_x \big( \nabla f(x) \cdot v \big),$$
#
# since $v$ does not depend on $x$. So two reverse passes give $Hv$: one for $g = \nabla f$ (with `create_graph=True`), one for the scalar $g \cdot v$. By the cheap gradient principle (lesson 7), each costs a constant times $f$: so does $Hv$, whatever $n$ is.
#
# ### Exercise 9.2 — a Hessian-vector product
#
# Write `hvp(f, x, v)` for a scalar function `f` of a 1-D tensor, a point `x` and a direction `v` (1-D tensors that do not require grad). Return $H(x)\,v$ **without forming $H$**. The check compares with `minigrad.autograd.functional.hvp` and counts your primitive operations: more than 15 times the cost of $f$ (at $n$ from 12 to 40) fails.

# %% [answer] nb09.hvp
def hvp(f, x, v):
    """H(x) v for the Hessian H of f, by differentiating grad f . v."""
    ### BEGIN SOLUTION
    x = x.detach().requires_grad_(True)
    (g,) = torch.autograd.grad(f(x), x, create_graph=True)
    (Hv,) = torch.autograd.grad(g @ v, x)
    return Hv
    ### END SOLUTION

# %% [test] nb09.hvp
"""hvp(f, x, v) equals functional.hvp on Rosenbrock, a softplus model, log-sum-exp and a
quartic, and costs at most 15 evaluations of f."""
check("nb09.hvp")
### BEGIN HIDDEN TESTS
from grading.checks import check_hidden  # noqa: E402 (instructor copy only)
check_hidden("nb09.hvp")
### END HIDDEN TESTS

# %% [markdown]
# **Demo.** The cost of your `hvp`, as a multiple of the cost of $f$, for the $n$-dimensional Rosenbrock function $f(x) = \sum_{i} 100\,(x_{i+1} - x_i^2)^2 + (1 - x_i)^2$, stays the same from $n = 10$ to $n = 10\,000$:

# %%
from course.drivers import TEST_FUNCTIONS
from minigrad.autograd import functional

rosenbrock = TEST_FUNCTIONS["t_rosenbrock"]
rng = np.random.default_rng(0)
for n in [10, 100, 1000, 10000]:
    x, v = (torch.tensor(rng.normal(size=n)) for _ in range(2))
    with count_ops() as cost_f:
        rosenbrock(x)
    with count_ops() as cost_hvp:
        Hv = hvp(rosenbrock, x, v)
    ratio = (cost_hvp.forward + cost_hvp.backward) / cost_f.forward
    print(f"n = {n:>5}:  hvp costs {ratio:.2f} x f")
    assert ratio < 6 and torch.allclose(Hv, functional.hvp(rosenbrock, x, v)[1])

# %% [markdown]
# ## 9.3 The full Hessian
#
# **Idea.** Column $j$ of $H$ is $H e_j$, so $n$ Hessian-vector products give the whole Hessian: $n$ times the cost of one HVP, which the demo above measured at $5.6$ times that of $f$ (in primitive operations): about $5.6\,n$ times the cost of $f$, not $n$ times (the demo after exercise 9.3 measures your `hessian`). Forward-over-reverse, the mixed mode of lesson 7, needs the same number of passes. Mixed second partial derivatives commute for smooth $f$, so $H$ is symmetric.
#
# ### Exercise 9.3 — the Hessian from Hessian-vector products
#
# Write `hessian(f, x)`: the $n \times n$ Hessian of `f` at the 1-D tensor `x`, one Hessian-vector product per column. (Computing the gradient once with `create_graph=True` and differentiating it $n$ times with `retain_graph=True` saves the repeated forward passes.) Autodiff is exact, and the check allows only a few roundings (of float64, or of float32 for a float32 answer): a Hessian by finite differences of the gradient is not close enough.

# %% [answer] nb09.hessian
def hessian(f, x):
    """The Hessian of f at x, one column per Hessian-vector product."""
    ### BEGIN SOLUTION
    x = x.detach().requires_grad_(True)
    (g,) = torch.autograd.grad(f(x), x, create_graph=True)
    basis = torch.eye(x.numel(), dtype=x.dtype)
    columns = [torch.autograd.grad(g @ basis[j], x, retain_graph=True)[0]
               for j in range(x.numel())]
    return torch.stack(columns, dim=1)
    ### END SOLUTION

# %% [test] nb09.hessian
"""hessian(f, x) equals minigrad.autograd.functional.hessian (to a few roundings) at random points, n = 1 included."""
check("nb09.hessian")
### BEGIN HIDDEN TESTS
from grading.checks import check_hidden  # noqa: E402 (instructor copy only)
check_hidden("nb09.hessian")
### END HIDDEN TESTS

# %% [markdown]
# **Demo.** The Rosenbrock function in two variables, $f = 100(y - x^2)^2 + (1 - x)^2$, has the Hessian
#
# $$H = \begin{pmatrix} 1200x^2 - 400y + 2 & -400x \\ -400x & 200 \end{pmatrix},$$
#
# which at its minimum $(1, 1)$ is $\begin{pmatrix} 802 & -400 \\ -400 & 200 \end{pmatrix}$: symmetric, and positive definite (a minimum), but with eigenvalues about $0.4$ and $1000$. That ratio of 2500 is why gradient descent crawls along Rosenbrock's valley.

# %%
def as_array(value):
    """An answer (a tensor, an array or a list) as a float64 NumPy array."""
    if isinstance(value, torch.Tensor):
        value = value.detach().numpy()
    return np.asarray(value, dtype=np.float64)


H = as_array(hessian(rosenbrock, torch.tensor([1.0, 1.0], dtype=torch.float64)))
eigenvalues = np.linalg.eigvalsh(H)
print(H, "\neigenvalues:", eigenvalues)
assert np.allclose(H, [[802.0, -400.0], [-400.0, 200.0]], rtol=1e-6)
assert np.allclose(H, H.T) and 0.39 < eigenvalues[0] < 0.41 and eigenvalues[1] > 1000
assert np.allclose(H, functional.hessian(rosenbrock, torch.tensor([1.0, 1.0],
                                                                  dtype=torch.float64)).numpy())

# %% [markdown]
# What your `hessian` costs, in units of $f$, divided by $n$ (one HVP per column costs about 5.6 of them; computing the gradient once and reusing its graph costs less):

# %%
for n in [5, 20, 40]:
    x = torch.tensor(rng.normal(size=n))
    with count_ops() as cost_f:
        rosenbrock(x)
    with count_ops() as cost_h:
        hessian(rosenbrock, x)
    per_column = (cost_h.forward + cost_h.backward) / (n * cost_f.forward)
    print(f"n = {n:>2}:  hessian costs {per_column:.2f} x n x f")
    assert 1 < per_column < 7

# %% [markdown]
# ## 9.4 A Newton step
#
# **Idea.** Near $x$, the second-order Taylor expansion is a quadratic model,
#
# $$f(x + d) \approx f(x) + \nabla f(x)^\top d + \tfrac12\, d^\top H d .$$
#
# When $H$ is positive definite, the model's minimum is where its gradient $\nabla f(x) + H d$ vanishes: $d = -H^{-1} \nabla f(x)$. *Newton's method* jumps there: $x_{\text{new}} = x - H^{-1}\nabla f(x)$ (solve the linear system; never invert $H$). In one dimension:

# %%
plotting.newton_picture(lambda s: np.log(1 + np.exp(s)) + s**2 / 4 - s,
                        lambda s: 1 / (1 + np.exp(-s)) + s / 2 - 1,
                        lambda s: np.exp(-s) / (1 + np.exp(-s)) ** 2 + 0.5, -2.0,
                        title="A Newton step jumps to the minimum of the quadratic model")

# %% [markdown]
# ### Exercise 9.4 — Newton's step
#
# Write `newton_step(f, x)`: one Newton step from the 1-D tensor `x`, i.e. $x - H^{-1} \nabla f(x)$. Use your `hessian` (or `torch.autograd.functional.hessian`) and solve the system with `np.linalg.solve`. Return the new point (checked to a few roundings, as in exercise 9.3).

# %% [answer] nb09.newton_step
def newton_step(f, x):
    """x - H(x)^{-1} grad f(x)."""
    ### BEGIN SOLUTION
    x = x.detach().requires_grad_(True)
    (g,) = torch.autograd.grad(f(x), x, create_graph=True)
    basis = torch.eye(x.numel(), dtype=x.dtype)
    H = torch.stack([torch.autograd.grad(g @ basis[j], x, retain_graph=True)[0]
                     for j in range(x.numel())], dim=1)
    d = np.linalg.solve(H.numpy(), g.detach().numpy())
    return x.detach().numpy() - d
    ### END SOLUTION

# %% [test] nb09.newton_step
"""newton_step(f, x) equals x - H^{-1} g (reference: functional.hessian) for two convex
functions at random points."""
check("nb09.newton_step")
### BEGIN HIDDEN TESTS
from grading.checks import check_hidden  # noqa: E402 (instructor copy only)
check_hidden("nb09.newton_step")
### END HIDDEN TESTS

# %% [markdown]
# **Demo.** For a quadratic $f(x) = \tfrac12 x^\top A x - b^\top x$ with $A$ positive definite, the model *is* the function, so one Newton step from anywhere lands on the minimizer $A^{-1} b$:

# %%
rng = np.random.default_rng(1)
M = rng.normal(size=(4, 4))
A = torch.tensor(M @ M.T + 4 * np.eye(4))
b = torch.tensor(rng.normal(size=4))


def quadratic(x):
    A_, b_ = A.to(x.dtype), b.to(x.dtype)  # in the precision of x (float32 or float64)
    return 0.5 * x @ (A_ @ x) - b_ @ x


x1 = as_array(newton_step(quadratic, torch.tensor(rng.normal(size=4))))
minimizer = np.linalg.solve(A.numpy(), b.numpy())
print("one Newton step:", x1, "\nA^{-1} b:       ", minimizer)
assert np.allclose(x1, minimizer, rtol=1e-5)

# %% [markdown]
# On a function that is not quadratic, Newton's method converges *quadratically* once close: the error is about squared at every step, so the number of correct digits roughly doubles. The gradient norms along the way for the softplus model used in the checks (in float64, with minigrad's `functional.hessian`, so that the digits are there to see; your `newton_step` takes the same first step):

# %%
softplus_model = TEST_FUNCTIONS["t_softplus"]
x = torch.tensor([2.0, -1.0, 0.5, 3.0], dtype=torch.float64)
norms = []
for step in range(5):
    leaf = x.clone().requires_grad_(True)
    (g,) = torch.autograd.grad(softplus_model(leaf), leaf)
    norms.append(g.norm().item())
    print(f"step {step}:  |grad f| = {norms[-1]:.1e}")
    H = functional.hessian(softplus_model, x).numpy()
    x_next = torch.tensor(x.numpy() - np.linalg.solve(H, g.numpy()))
    if step == 0:
        assert np.allclose(as_array(newton_step(softplus_model, x)), x_next.numpy(), rtol=1e-5)
    x = x_next
assert norms[3] < 1e-6 and norms[4] < 1e-13
assert all(norms[k + 1] < norms[k] ** 2 for k in (1, 2))  # quadratic, once close

# %% [markdown]
# ## Summary
#
# * `create_graph=True` makes the backward pass record itself, so gradients can be differentiated again: grad of grad gives any order.
# * A Hessian-vector product is the gradient of $\nabla f \cdot v$: two backward passes, a constant times the cost of $f$, no $n \times n$ matrix.
# * A Hessian is $n$ Hessian-vector products (one per column); it is symmetric for smooth $f$.
# * Newton's step $x - H^{-1}\nabla f(x)$ minimizes the quadratic Taylor model: exact in one step for a quadratic, quadratically convergent near a minimum.
#
# **Think.** Conjugate gradients solves $Hd = g$ using only products $Hv$. How many Hessian-vector products (and so how many evaluations of $f$, up to a constant) does a Newton step cost that way, if $n = 10^6$ and conjugate gradients stops after 50 iterations?
#
# ## Further reading
#
# * The JAX Autodiff Cookbook: Hessian-vector products by forward-over-reverse, reverse-over-forward and reverse-over-reverse.
# * B. A. Pearlmutter, "Fast exact multiplication by the Hessian", *Neural Computation* 6(1), 1994.
# * A. Edelman and S. G. Johnson, *Matrix Calculus for Machine Learning and Beyond* (MIT 18.063): second derivatives, Hessians and Newton's method.
# * D. Maclaurin, D. Duvenaud and M. Johnson, the HIPS *autograd* tutorial (the tanh figure), and J. M. Siskind and B. A. Pearlmutter on perturbation confusion in nested derivatives.
