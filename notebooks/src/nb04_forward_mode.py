# %% [markdown]
# # 4 · Forward mode: dual numbers and Jacobian-vector products
#
# **Learning goals.** After this lesson you can
#
# 1. compute with dual numbers $a + b\varepsilon$, $\varepsilon^2 = 0$, and explain why $f(a + b\varepsilon) = f(a) + f'(a)\,b\,\varepsilon$;
# 2. implement forward-mode AD by operator overloading (a `Dual` class);
# 3. compute a Jacobian-vector product in one forward pass, and a whole Jacobian in $n$ passes;
# 4. differentiate through a loop, and compare with minigrad's own forward mode, `minigrad.autograd.forward_ad`.
#
# Each section has the same shape: the idea, a demonstration, an exercise, a visible check you can run, and a hidden check used for grading.

# %% [setup]
import math

import numpy as np

import minigrad as torch
from course import plotting
from course.checks import check
from minigrad.autograd import forward_ad as fwAD  # noqa: N812 (PyTorch's docs' name)

# %% [markdown]
# ## 4.1 Dual numbers
#
# **Idea.** Evaluate $f(x) = x^3 + x$ a hair away from $x = 2$:

# %%
def cube_plus(x):
    return x**3 + x


print(f"f(2) = {cube_plus(2.0)},  f(2.00001) = {cube_plus(2.00001):.15f}")
assert abs((cube_plus(2.00001) - cube_plus(2.0)) / 1e-5 - 13) < 1e-3

# %% [markdown]
# The derivative, $f'(2) = 3 \cdot 2^2 + 1 = 13$, sits in the small digits: $f(2 + h) = 10 + 13h + 6h^2 + h^3$. The powers $h^2, h^3$ blur it, and rounding limits how small $h$ can be (lesson 1).
#
# **Dual numbers** keep the first-order part exactly. Add to the real numbers a symbol $\varepsilon$ with $\varepsilon^2 = 0$ (and $\varepsilon \neq 0$), and compute with pairs $a + b\varepsilon$:
#
# $$(a + b\varepsilon) + (c + d\varepsilon) = (a + c) + (b + d)\varepsilon, \qquad (a + b\varepsilon)(c + d\varepsilon) = ac + (ad + bc)\varepsilon .$$
#
# The $\varepsilon$ part of a product is the product rule. For a smooth $f$, Taylor's expansion stops after the linear term, because every higher power of $\varepsilon$ is 0:
#
# $$f(a + b\varepsilon) = f(a) + f'(a)\, b\, \varepsilon .$$
#
# (It is tempting to "divide by $\varepsilon$" to isolate $f'(a)$, but $\varepsilon$ has no inverse: $\varepsilon \cdot c = 1$ has no solution. We *read off* the coefficient of $\varepsilon$ instead.) The real part $a$ is the **primal**, the coefficient $b$ the **tangent**. Composition works too, which is the chain rule:
#
# $$f(g(a + b\varepsilon)) = f\big(g(a) + g'(a) b\,\varepsilon\big) = f(g(a)) + f'(g(a))\, g'(a)\, b\,\varepsilon .$$
#
# **Demo.** $y = 5(x + 2)^2$ at $x = 1$, with the tangent 1. By hand: $x + 2 = 3 + \varepsilon$; $(3 + \varepsilon)^2 = 9 + 6\varepsilon$; $5 \cdot (9 + 6\varepsilon) = 45 + 30\varepsilon$. So $y(1) = 45$ and $y'(1) = 30$, which is $10(x + 2)$ at $x = 1$. minigrad's reverse mode agrees:

# %%
x = torch.ones(1, requires_grad=True)
y = 5 * (x + 2) ** 2
print(x, y)
y.backward()
print(x.grad)
assert y.item() == 45.0 and x.grad.item() == 30.0

# %% [markdown]
# ### Exercise 4.1 — a `Dual` class
#
# Write a class `Dual` with attributes `primal` and `tangent` (`Dual(a, b)` is $a + b\varepsilon$) that supports
#
# * `+`, `-`, `*`, `/` between duals, and with a plain number on either side (a number $c$ is the dual $c + 0\varepsilon$: you need `__radd__`, `__rsub__`, `__rmul__`, `__rtruediv__`), and unary `-`;
# * `x ** k` for a constant number `k` (any real `k`: `x ** 2`, `x ** 0.5`, `x ** -1`);
# * the methods `sin`, `cos`, `exp`, `log`, `sqrt`, `tanh` and `sum` (as in `x.sin()`);
# * the comparisons `<`, `>`, `<=`, `>=`, which compare primals (so that `if x > 1:` works).
#
# Use NumPy's functions (`np.sin`, ...), so that the same class works when the primal and tangent are arrays (section 4.2). Setting the class attribute `__array_ufunc__ = None` makes NumPy hand `array * dual` over to your `__rmul__` instead of looping over the array. The check runs programs (random ones, and one per operation above) on `Dual(x, 1.0)`, with `x` a number and with `x` a NumPy array (then the tangent `1.0` stands for a tangent of ones), and compares the primal and the tangent with minigrad's value and derivative (minigrad's autograd is switched off while your code runs).

# %% [answer] nb04.Dual
class Dual:
    """The dual number primal + tangent * eps, with eps**2 = 0."""

    ### BEGIN SOLUTION
    __array_ufunc__ = None  # NumPy defers to our reflected operators

    def __init__(self, primal, tangent=0.0):
        self.primal = primal
        self.tangent = tangent

    @staticmethod
    def lift(c):
        return c if isinstance(c, Dual) else Dual(c, 0.0)

    def __add__(self, other):
        other = Dual.lift(other)
        return Dual(self.primal + other.primal, self.tangent + other.tangent)

    __radd__ = __add__

    def __neg__(self):
        return Dual(-self.primal, -self.tangent)

    def __sub__(self, other):
        return self + -Dual.lift(other)

    def __rsub__(self, other):
        return Dual.lift(other) - self

    def __mul__(self, other):
        other = Dual.lift(other)
        return Dual(self.primal * other.primal,
                    self.tangent * other.primal + self.primal * other.tangent)

    __rmul__ = __mul__

    def __truediv__(self, other):
        other = Dual.lift(other)
        return Dual(self.primal / other.primal,
                    (self.tangent * other.primal - self.primal * other.tangent)
                    / other.primal**2)

    def __rtruediv__(self, other):
        return Dual.lift(other) / self

    def __pow__(self, k):
        return Dual(self.primal**k, k * self.primal ** (k - 1) * self.tangent)

    def sin(self):
        return Dual(np.sin(self.primal), np.cos(self.primal) * self.tangent)

    def cos(self):
        return Dual(np.cos(self.primal), -np.sin(self.primal) * self.tangent)

    def exp(self):
        e = np.exp(self.primal)
        return Dual(e, e * self.tangent)

    def log(self):
        return Dual(np.log(self.primal), self.tangent / self.primal)

    def sqrt(self):
        r = np.sqrt(self.primal)
        return Dual(r, self.tangent / (2 * r))

    def tanh(self):
        t = np.tanh(self.primal)
        return Dual(t, (1 - t**2) * self.tangent)

    def sum(self):
        return Dual(np.sum(self.primal), np.sum(self.tangent))

    def __lt__(self, other):
        return self.primal < Dual.lift(other).primal

    def __gt__(self, other):
        return self.primal > Dual.lift(other).primal

    def __le__(self, other):
        return self.primal <= Dual.lift(other).primal

    def __ge__(self, other):
        return self.primal >= Dual.lift(other).primal

    def __repr__(self):
        return f"Dual({self.primal!r}, {self.tangent!r})"
    ### END SOLUTION

# %% [test] nb04.Dual
"""Dual(x, 1.0) through random programs gives minigrad's value and derivative."""
check("nb04.Dual")
### BEGIN HIDDEN TESTS
from grading.checks import check_hidden  # noqa: E402 (instructor copy only)
check_hidden("nb04.Dual")
### END HIDDEN TESTS

# %% [markdown]
# **Demo.** The same computation as above, now by your class: the tangent 30 comes out of one forward pass, with no graph and no backward pass. Python's `if` works too, because comparisons look at the primal: the program takes the branch the value takes, and the tangent follows it.

# %%
y = 5 * (Dual(1.0, 1.0) + 2) ** 2
print(y)
assert (y.primal, y.tangent) == (45.0, 30.0)


def kinked(x):
    return x * x if x > 1 else 3 * x


print(kinked(Dual(2.0, 1.0)), kinked(Dual(0.5, 1.0)))
assert kinked(Dual(2.0, 1.0)).tangent == 4.0 and kinked(Dual(0.5, 1.0)).tangent == 3.0

# %% [markdown]
# minigrad has forward mode built in, with PyTorch's API: `fwAD.make_dual(primal, tangent)` inside a `fwAD.dual_level()`, and `fwAD.unpack_dual(y)` to read both parts. Each primitive pushes the tangent forward with its JVP rule (the column next to its VJP in `minigrad/rules.py`):

# %%
with fwAD.dual_level():
    x = fwAD.make_dual(torch.tensor(1.0), torch.tensor(1.0))
    y = 5 * (x + 2) ** 2
    primal, tangent = fwAD.unpack_dual(y)
print(primal, tangent)
assert primal.item() == 45.0 and tangent.item() == 30.0

# %% [markdown]
# ## 4.2 Jacobian-vector products
#
# **Idea.** Let the primal be a vector $x \in \mathbb{R}^n$ and the tangent a direction $v \in \mathbb{R}^n$. Then for $f : \mathbb{R}^n \to \mathbb{R}^m$,
#
# $$f(x + v\,\varepsilon) = f(x) + J_f(x)\, v\, \varepsilon ,$$
#
# where $J_f(x)$ is the $m \times n$ Jacobian. One forward pass gives the **Jacobian-vector product** (JVP) $J v$: the directional derivative of every output along $v$, without ever forming $J$. Lesson 3's tangent trace was the scalar case.
#
# ### Exercise 4.2 — `jvp`
#
# Write `jvp(f, x, v)` that returns $J_f(x)\, v$ as a NumPy array, calling `f` **once** (the hidden check counts). `f` is written with operators and the methods of your `Dual`.

# %% [answer] nb04.jvp
def jvp(f, x, v):
    """J_f(x) @ v in one forward pass."""
    ### BEGIN SOLUTION
    return f(Dual(np.asarray(x, dtype=float), np.asarray(v, dtype=float))).tangent
    ### END SOLUTION

# %% [test] nb04.jvp
"""jvp(f, x, v) equals minigrad's J v (autograd.functional.jvp) and calls f once."""
check("nb04.jvp")
### BEGIN HIDDEN TESTS
from grading.checks import check_hidden  # noqa: E402 (instructor copy only)
check_hidden("nb04.jvp")
### END HIDDEN TESTS

# %% [markdown]
# **Demo.** For $f(x) = x \cdot \sum_i x_i$, the Jacobian is $J = (\sum_i x_i)\, I + x \mathbf{1}^\top$. Your JVP, minigrad's `torch.autograd.functional.jvp` and the explicit matrix agree:

# %%
def scale_by_sum(x):
    return x * x.sum()


x0, v0 = np.array([1.0, 2.0, 3.0]), np.array([0.5, -1.0, 2.0])
J = x0.sum() * np.eye(3) + np.outer(x0, np.ones(3))
_, reference = torch.autograd.functional.jvp(scale_by_sum, torch.tensor(x0), torch.tensor(v0))
print(jvp(scale_by_sum, x0, v0), reference)
assert np.allclose(jvp(scale_by_sum, x0, v0), J @ v0)
assert np.allclose(reference.numpy(), J @ v0)

# %% [markdown]
# ### Exercise 4.3 — a Jacobian, column by column
#
# Column $j$ of $J$ is $J e_j$, the JVP with the $j$-th unit vector. Write `jacobian_fwd(f, x)` that builds the $m \times n$ Jacobian from $n$ calls of your `jvp` (and no other call of `f`: the hidden check counts $n$ passes).

# %% [answer] nb04.jacobian_fwd
def jacobian_fwd(f, x):
    """The Jacobian of f at x, one forward pass (JVP) per input."""
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    return np.stack([jvp(f, x, e) for e in np.eye(x.size)], axis=1)
    ### END SOLUTION

# %% [test] nb04.jacobian_fwd
"""jacobian_fwd(f, x) equals minigrad's Jacobian and runs f once per input."""
check("nb04.jacobian_fwd")
### BEGIN HIDDEN TESTS
from grading.checks import check_hidden  # noqa: E402 (instructor copy only)
check_hidden("nb04.jacobian_fwd")
### END HIDDEN TESTS

# %% [markdown]
# Forward mode costs one pass per **input**. That is cheap for a few inputs and many outputs (a tall Jacobian), and expensive for a loss with millions of inputs, where reverse mode (one pass per output) wins. Lesson 7 measures both.

# %%
J_fwd = jacobian_fwd(scale_by_sum, x0)
J_ref = torch.autograd.functional.jacobian(scale_by_sum, torch.tensor(x0))
print(J_fwd)
assert np.allclose(J_fwd, J) and np.allclose(J_ref.numpy(), J)

# %% [markdown]
# ## 4.3 Differentiating through a loop
#
# **Idea.** Dual numbers do not care how a value was computed: a loop, a branch, a function call. Every arithmetic step carries its tangent along. The Babylonian method computes $\sqrt x$ by averaging a guess $t$ with $x/t$:
#
# $$t_0 = \frac{1 + x}{2}, \qquad t_{k+1} = \frac{1}{2}\left(t_k + \frac{x}{t_k}\right).$$
#
# Run it on $x + \varepsilon$ and the tangent of $t_k$ is $dt_k/dx$, the derivative of the *algorithm*. The method converges *quadratically*: with $e_k = t_k - \sqrt x$, one step gives exactly $e_{k+1} = e_k^2 / (2 t_k)$, so once the error is small it is squared at every step (the number of correct digits roughly doubles, near the root; far from it, the first steps only halve the error). So $t_k \to \sqrt x$ very fast, and, as the demo below shows, so does $dt_k/dx \to 1/(2\sqrt x)$. The errors for $x = 2$:

# %%
t, errors_sqrt = 1.5, []  # t_0 = (1 + 2) / 2
for _ in range(4):
    errors_sqrt.append(abs(t - math.sqrt(2)))
    t_next = (t + 2 / t) / 2
    assert abs((t_next - math.sqrt(2)) - (t - math.sqrt(2)) ** 2 / (2 * t)) < 1e-15
    t = t_next
print("|t_k - sqrt 2|, k = 0..3:", ", ".join(f"{e:.1e}" for e in errors_sqrt))
assert all(later < earlier**2 for earlier, later in zip(errors_sqrt, errors_sqrt[1:], strict=False))

# %% [markdown]
#
# ### Exercise 4.4 — the Babylonian square root
#
# Write `babylonian(x, n)` that returns $t_n$ (after exactly `n` updates from $t_0$, so `babylonian(x, 0)` is $t_0 = (1 + x)/2$) with arithmetic only, no `math.sqrt`. The check runs it on floats and on `Dual(x, 1.0)`; the loop needs no change for duals.

# %% [answer] nb04.babylonian
def babylonian(x, n):
    """The n-th Babylonian iterate t_n for sqrt(x): n updates from t_0 = (1 + x) / 2."""
    ### BEGIN SOLUTION
    t = (1 + x) / 2
    for _ in range(n):
        t = (t + x / t) / 2
    return t
    ### END SOLUTION

# %% [test] nb04.babylonian
"""babylonian(x, n) on Dual(x, 1) gives the iterate and the derivative of the unrolled loop."""
check("nb04.babylonian")
### BEGIN HIDDEN TESTS
from grading.checks import check_hidden  # noqa: E402 (instructor copy only)
check_hidden("nb04.babylonian")
### END HIDDEN TESTS

# %% [markdown]
# **Demo.** At $x = 2$, five updates give $\sqrt 2$ and $1/(2\sqrt 2)$ to machine precision. minigrad's `forward_ad` runs the same loop on tensors and agrees:

# %%
t = babylonian(Dual(2.0, 1.0), 5)
print(t, math.sqrt(2), 1 / (2 * math.sqrt(2)))
assert abs(t.primal - math.sqrt(2)) < 1e-15 and abs(t.tangent - 1 / (2 * math.sqrt(2))) < 1e-15

with fwAD.dual_level():
    xd = fwAD.make_dual(torch.tensor(2.0, dtype=torch.float64),
                        torch.tensor(1.0, dtype=torch.float64))
    _, tangent = fwAD.unpack_dual(babylonian(xd, 5))
assert abs(tangent.item() - t.tangent) < 1e-15

# %% [markdown]
# The picture: on the left the iterates $t_0, \dots, t_5$ as functions of $x$, on the right their derivatives, all from one dual-number pass per iterate count (the primal is an array of 400 values of $x$). Both converge to the dashed limits $\sqrt x$ and $1/(2\sqrt x)$, fastest where the starting guess $(1 + x)/2$ is good, near $x = 1$.

# %%
xs = np.linspace(0.1, 20, 400)
runs = [babylonian(Dual(xs, np.ones_like(xs)), k) for k in range(6)]
plotting.iterates_and_derivatives(
    xs, [r.primal for r in runs], [r.tangent for r in runs], limit=np.sqrt,
    dlimit=lambda x: 1 / (2 * np.sqrt(x)), first=0,
    title="Babylonian square root: iterates and derivatives")
errors = [np.max(np.abs(r.tangent - 1 / (2 * np.sqrt(xs)))) for r in runs]
print("largest error of dt_k/dx, k = 0..5:", ", ".join(f"{e:.1e}" for e in errors))
assert all(later < earlier for earlier, later in zip(errors, errors[1:], strict=False))
assert errors[-1] < 1e-3

# %% [markdown]
# A warning (Baydin et al.: "differentiating approximations is not approximating derivatives"): AD gives the exact derivative of the *program*. Here the iteration converges, and so do its derivatives; stop it too early, or differentiate a program whose approximation error wiggles, and the derivative can be far off even when the value looks fine. With $n = 2$ at $x = 10$, the value is off by 1.1%, the derivative by 7.1%, more than six times as much:

# %%
t2 = babylonian(Dual(10.0, 1.0), 2)
value_error = abs(t2.primal - math.sqrt(10)) / math.sqrt(10)
slope_error = abs(t2.tangent - 1 / (2 * math.sqrt(10))) / (1 / (2 * math.sqrt(10)))
print(f"relative error: value {value_error:.1%}, derivative {slope_error:.1%}")
assert round(value_error, 3) == 0.011 and round(slope_error, 3) == 0.071

# %% [markdown]
# ## Summary
#
# * A dual number $a + b\varepsilon$ with $\varepsilon^2 = 0$ carries a value and a tangent; $f(a + b\varepsilon) = f(a) + f'(a)\,b\,\varepsilon$, and composition gives the chain rule for free.
# * Forward mode is operator overloading: every operation returns a new dual whose tangent follows the derivative rule. `5 (x + 2)^2` at $1 + \varepsilon$ is $45 + 30\varepsilon$.
# * With vector primals and tangents, one pass gives a Jacobian-vector product $J v$; a full Jacobian takes $n$ passes (one per input).
# * Loops and branches need no special treatment: the tangent follows the path the values take. minigrad's `forward_ad` (PyTorch's API) does the same with tensors.
#
# **Think.** Your `Dual` nests: what is `Dual(Dual(x, 1), Dual(1, 0))` good for? Try it on $x^3$ and look at every part of the result. (Lesson 9 returns to nested derivatives and what can go wrong with them.)
#
# ## Further reading
#
# * A. Edelman and S. G. Johnson, *Matrix Calculus for Machine Learning and Beyond* (MIT 18.063), lecture 5 and the notebook on forward-mode AD of the Babylonian square root.
# * JAX, "Autodidax 2: dual numbers" and the Autodiff Cookbook (JVPs, `jacfwd`).
# * A. G. Baydin et al., "Automatic differentiation in machine learning: a survey", *JMLR* 18 (2018), §3.1 (dual numbers) and §6 (pitfalls).
# * PyTorch documentation, "Forward-mode Automatic Differentiation" (`torch.autograd.forward_ad`).
