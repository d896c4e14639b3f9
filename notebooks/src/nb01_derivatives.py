# %% [markdown]
# # 1 · Derivatives and differentiability
#
# **Learning goals.** After this lesson you can
#
# 1. estimate a derivative with forward and central differences, and say how their errors shrink with the step size;
# 2. state what it means for a function of several variables to be *differentiable*, and how partial and directional derivatives fit in;
# 3. show, with the classic counterexample, that a function can have every directional derivative and still not be differentiable;
# 4. read what an autograd engine reports at a kink.
#
# Each section has the same shape: the idea, a demonstration, an exercise, a visible check you can run, and a hidden check used for grading.

# %% [setup]
import math

import numpy as np

import minigrad as torch
from course import plotting
from course.checks import check

# %% [markdown]
# ## 1.1 The derivative as a limit
#
# **Idea.** The derivative of $f$ at $x$ is the limit of the slope of secants,
#
# $$f'(x) = \lim_{h \to 0} \frac{f(x + h) - f(x)}{h}.$$
#
# Equivalently, $f(x + h) = f(x) + f'(x)\,h + o(h)$: near $x$, the function is a straight line with slope $f'(x)$, plus an error that vanishes faster than $h$.
#
# **Demo.** Take $f(x) = 3x^2 - 4x$. Its derivative is $f'(x) = 6x - 4$, so $f'(1) = 2$. The secant slopes approach 2 as $h$ shrinks; for this quadratic the quotient is exactly $6x - 4 + 3h$, so the error is $3h$.

# %%
def f(x):
    return 3 * x**2 - 4 * x


h = 0.1
for _ in range(6):
    slope = (f(1 + h) - f(1)) / h
    print(f"h = {h:.0e}   slope = {slope:.6f}   error = {slope - 2:.1e}")
    assert abs((slope - 2) - 3 * h) < 1e-8  # the error is 3h, as claimed
    h /= 10

# %% [markdown]
# minigrad computes the same derivative exactly (up to rounding), without any step size:

# %%
x = torch.tensor(1.0, requires_grad=True)
f(x).backward()
print(x.grad)
assert x.grad.item() == 2.0

# %% [markdown]
# ### Exercise 1.1 — the forward difference
#
# Write `forward_difference(f, x, h)`, which returns the slope of the secant of `f` between `x` and `x + h`.

# %% [answer] nb01.forward_difference
def forward_difference(f, x, h):
    """The forward-difference estimate of f'(x) with step h."""
    ### BEGIN SOLUTION
    return (f(x + h) - f(x)) / h
    ### END SOLUTION

# %% [test] nb01.forward_difference
"""forward_difference(f, x, h) agrees with the definition on random functions, points and steps."""
check("nb01.forward_difference")
### BEGIN HIDDEN TESTS
from grading.checks import check_hidden  # noqa: E402 (instructor copy only)
check_hidden("nb01.forward_difference")
### END HIDDEN TESTS

# %% [markdown]
# ## 1.2 Central differences, and how small a step should be
#
# **Idea.** Taylor's theorem gives $f(x \pm h) = f(x) \pm f'(x) h + \tfrac12 f''(x) h^2 \pm \tfrac16 f'''(x) h^3 + \dots$. So
#
# * the forward difference is $f'(x) + \tfrac12 f''(x)\,h + O(h^2)$: its error shrinks like $h$;
# * the central difference $\dfrac{f(x+h) - f(x-h)}{2h} = f'(x) + \tfrac16 f'''(x)\,h^2 + O(h^4)$: the $h$ term cancels, and the error shrinks like $h^2$.
#
# But a computer rounds. Each evaluation of $f$ carries a relative error of about $u \approx 10^{-16}$ (the unit roundoff of float64), and dividing by $h$ magnifies it to about $u / h$. Shrinking $h$ trades truncation error for rounding error, so there is a best step: near $\sqrt{u} \approx 10^{-8}$ for forward differences and $\sqrt[3]{u} \approx 10^{-5}$ for central ones.
#
# ### Exercise 1.2 — the central difference
#
# Write `central_difference(f, x, h)`, the slope of the secant between `x - h` and `x + h`.

# %% [answer] nb01.central_difference
def central_difference(f, x, h):
    """The central-difference estimate of f'(x) with step h."""
    ### BEGIN SOLUTION
    return (f(x + h) - f(x - h)) / (2 * h)
    ### END SOLUTION

# %% [test] nb01.central_difference
"""central_difference(f, x, h) agrees with the definition on random functions, points and steps."""
check("nb01.central_difference")
### BEGIN HIDDEN TESTS
from grading.checks import check_hidden  # noqa: E402 (instructor copy only)
check_hidden("nb01.central_difference")
### END HIDDEN TESTS

# %% [markdown]
# **Demo.** The error of both estimates of $\sin'(1) = \cos 1$ against the step: the log-log plot is a "V". On the right, truncation error falls with slope 1 (forward) and 2 (central); on the left, rounding error grows like $u/h$.

# %%
steps = np.logspace(-15, -1, 57)
exact = math.cos(1.0)
forward_err = [abs((math.sin(1 + s) - math.sin(1)) / s - exact) for s in steps]
central_err = [abs((math.sin(1 + s) - math.sin(1 - s)) / (2 * s) - exact) for s in steps]
plotting.loglog(steps, {"forward difference": forward_err, "central difference": central_err},
                xlabel="step h", ylabel="|error|", slopes={"slope 1 (h)": (1, "forward difference"),
                                                                  "slope 2 (h^2)": (2, "central difference")},
                title="Error of difference quotients for sin'(1)")

# %% [markdown]
# The slopes claimed above, measured on the truncation side of the V, and the best steps:

# %%
right = steps > 1e-4
slope_forward = np.polyfit(np.log10(steps[right]), np.log10(np.array(forward_err)[right]), 1)[0]
slope_central = np.polyfit(np.log10(steps[right]), np.log10(np.array(central_err)[right]), 1)[0]
best_forward = steps[np.argmin(forward_err)]
best_central = steps[np.argmin(central_err)]
print(f"truncation slopes: forward {slope_forward:.2f}, central {slope_central:.2f}")
print(f"best steps: forward {best_forward:.0e}, central {best_central:.0e}")
assert abs(slope_forward - 1) < 0.1 and abs(slope_central - 2) < 0.1
assert 1e-10 <= best_forward <= 1e-6 and 1e-7 <= best_central <= 1e-3

# %% [markdown]
# ## 1.3 Differentiability in several variables
#
# **Idea.** For $f : \mathbb{R}^d \to \mathbb{R}$, one number is no longer enough. We call $f$ *differentiable* at $x$ when there is a **linear** map $D : \mathbb{R}^d \to \mathbb{R}$ such that
#
# $$\lim_{h \to 0} \frac{f(x + h) - f(x) - D(h)}{\lVert h \rVert} = 0 .$$
#
# The limit is over all ways $h$ can approach $0$, from every direction at once. $D$ is the derivative of $f$ at $x$.
#
# * The **directional derivative** along a vector $v \ne 0$ is the one-variable limit $\displaystyle D_v f(x) = \lim_{t \to 0} \frac{f(x + t v) - f(x)}{t}$.
# * The **partial derivative** $\partial f / \partial x_i$ is the directional derivative along the unit vector $e_i$.
#
# If $f$ is differentiable at $x$, every directional derivative exists and $D_v f(x) = D(v)$; since $D$ is linear, $D(v) = \sum_i \frac{\partial f}{\partial x_i} v_i = \nabla f(x) \cdot v$. So for a differentiable function, the partial derivatives determine every directional derivative.
#
# **What decides is the definition.** Partial derivatives, and even every directional derivative, can exist at a point where $f$ is not differentiable. Directional derivatives only look along straight lines; the definition asks that *one* linear map $D$ make the error $f(x + h) - f(x) - D(h)$ small compared with $\lVert h \rVert$ however $h$ approaches $0$, along curves too. Two things can fail. The directional derivatives may not be linear in $v$ (section 1.4). Or they may be linear and still miss what $f$ does along a curve: for
#
# $$g(x, y) = \frac{x^3 y}{x^6 + y^2}, \qquad g(0, 0) = 0,$$
#
# $g(t a, t b) / t = t\, a^3 b / (t^4 a^6 + b^2) \to 0$ for every direction $(a, b)$, so every directional derivative at the origin is $0$ (linear, with $D = 0$); but on the curve $y = x^3$, $g(x, x^3) = x^6 / (2 x^6) = \tfrac12$ however close to the origin. $g$ is not even continuous there, let alone differentiable:

# %%
def g_curve(x, y):
    return 0.0 if x == 0 and y == 0 else x**3 * y / (x**6 + y**2)


for a, b in [(1.0, 0.0), (0.0, 1.0), (1.0, 1.0), (0.3, -2.0)]:
    quotients = [g_curve(t * a, t * b) / t for t in (1e-2, 1e-4, 1e-6)]
    print(f"along ({a}, {b}): g(tv)/t = " + ", ".join(f"{q:.1e}" for q in quotients))
    assert abs(quotients[-1]) < 1e-5
on_curve = [g_curve(s, s**3) for s in (1e-1, 1e-3, 1e-5)]
print("on y = x^3: g =", [round(v, 12) for v in on_curve])
assert all(abs(v - 0.5) < 1e-12 for v in on_curve)

# %% [markdown]
# ## 1.4 A counterexample
#
# Let
#
# $$f(x, y) = \frac{y\,x^2}{x^2 + y^2} \quad \text{for } (x, y) \ne (0, 0), \qquad f(0, 0) = 0 .$$
#
# Away from the origin it is a quotient of polynomials, so it is differentiable there.
#
# ### Exercise 1.3 — a partial derivative by hand
#
# Work out $\partial f / \partial x$ with the quotient rule (by hand: this check switches minigrad's autograd off) and write `partial_x(x, y)` that returns it at a point away from the origin.

# %% [answer] nb01.partial_x
def partial_x(x, y):
    """d/dx of y x^2 / (x^2 + y^2), by the quotient rule."""
    ### BEGIN SOLUTION
    return 2 * x * y**3 / (x**2 + y**2) ** 2
    ### END SOLUTION

# %% [test] nb01.partial_x
"""partial_x(x, y) matches minigrad's derivative of y x^2 / (x^2 + y^2) at random points."""
check("nb01.partial_x")
### BEGIN HIDDEN TESTS
from grading.checks import check_hidden  # noqa: E402 (instructor copy only)
check_hidden("nb01.partial_x")
### END HIDDEN TESTS

# %% [markdown]
# **The partial derivative is not continuous at the origin.** The quotient rule gives
# $\dfrac{\partial f}{\partial x} = \dfrac{2 x y^3}{(x^2 + y^2)^2}$ (note the *square* in the denominator).
# Along the ray $x = r\cos\theta,\ y = r\sin\theta$, the powers of $r$ cancel:
#
# $$\frac{\partial f}{\partial x}(r\cos\theta, r\sin\theta) = \frac{2 r^4 \cos\theta \sin^3\theta}{r^4} = 2\cos\theta\sin^3\theta ,$$
#
# a value that does not depend on $r$ but does depend on $\theta$. Approaching the origin along different rays gives different limits, so $\partial f/\partial x$ has no limit there. Let us check the formula on a few rays, with minigrad and with a central difference:

# %%
def counterexample(x, y):
    return y * x**2 / (x**2 + y**2)


for theta in [0.3, 1.0, 2.0]:
    for r in [1.0, 1e-3]:
        x = torch.tensor(r * math.cos(theta), dtype=torch.float64, requires_grad=True)
        y = torch.tensor(r * math.sin(theta), dtype=torch.float64)
        counterexample(x, y).backward()
        h, x0, y0 = 1e-6 * r, x.item(), y.item()
        numeric = (counterexample(x0 + h, y0) - counterexample(x0 - h, y0)) / (2 * h)
        claim = 2 * math.cos(theta) * math.sin(theta) ** 3
        print(f"theta = {theta}, r = {r:g}:  autograd {x.grad.item():+.6f}   "
              f"central difference {numeric:+.6f}   2 cos sin^3 = {claim:+.6f}")
        assert abs(x.grad.item() - claim) < 1e-9 and abs(numeric - claim) < 1e-6

# %% [markdown]
# **Every directional derivative at the origin exists.** For $v = (a, b) \ne 0$, write $f(t v)$ out and simplify: the powers of $t$ give the limit of $(f(t v) - f(0))/t$ at once.
#
# ### Exercise 1.4 — directional derivatives at the origin
#
# Write `directional_at_origin(v)` that returns $D_v f(0)$ for a vector `v` $\ne 0$ (a NumPy array of two numbers, not necessarily a unit vector; it may lie on an axis).

# %% [answer] nb01.directional_at_origin
def directional_at_origin(v):
    """The directional derivative of the counterexample at (0, 0) along v."""
    ### BEGIN SOLUTION
    a, b = v
    return b * a**2 / (a**2 + b**2)
    ### END SOLUTION

# %% [test] nb01.directional_at_origin
"""directional_at_origin(v) is the limit of f(t v) / t, for random directions v."""
check("nb01.directional_at_origin")
### BEGIN HIDDEN TESTS
from grading.checks import check_hidden  # noqa: E402 (instructor copy only)
check_hidden("nb01.directional_at_origin")
### END HIDDEN TESTS

# %% [markdown]
# **…but they are not linear in $v$, so $f$ is not differentiable at the origin.** Both partial derivatives at the origin are 0 ($f$ vanishes on both axes), so a derivative $D$ would have to be the zero map, and then $D_v f(0) = 0$ for every $v$. Yet along the diagonal:

# %%
def f_along(v, t):
    """f(t v) for the counterexample (f(0) = 0)."""
    return counterexample(t * v[0], t * v[1]) if t else 0.0


e1, e2, diagonal = np.array([1.0, 0.0]), np.array([0.0, 1.0]), np.array([1.0, 1.0])
d1, d2, d_diag = ((f_along(v, 1e-6) - f_along(v, -1e-6)) / 2e-6 for v in (e1, e2, diagonal))
print(f"D_e1 f(0) = {d1},  D_e2 f(0) = {d2},  D_(1,1) f(0) = {d_diag}")
assert d1 == 0 and d2 == 0 and abs(d_diag - 0.5) < 1e-12  # D(e1) + D(e2) = 0, D(e1 + e2) = 1/2

# %% [markdown]
# A linear map would give $D(e_1 + e_2) = D(e_1) + D(e_2) = 0$. Here it is $\tfrac12$. No linear $D$ fits, so $f$ has no derivative at the origin, although every directional derivative exists. Around the whole circle of unit directions $v = (\cos\theta, \sin\theta)$: a derivative $D$ would make $D_v f(0) = D(v) = a\cos\theta + b\sin\theta$, a sinusoid, and here it would have to be the zero line (both partials are 0); the measured slopes are $\cos^2\theta \sin\theta$:

# %%
angles = np.linspace(0, 2 * np.pi, 361)
measured = [f_along(np.array([math.cos(a), math.sin(a)]), 1e-6) / 1e-6 for a in angles]
plotting.curves(np.degrees(angles), {
    "measured: (f(t v) - f(0)) / t, t = 1e-6": measured,
    "what a derivative would give: D(v) = grad f(0) . v = 0": np.zeros_like(angles)},
    xlabel="direction of v (degrees)", ylabel="directional derivative at the origin",
    title="Directional derivatives of y x^2 / (x^2 + y^2) at 0: not linear in v")
assert np.allclose(measured, np.cos(angles) ** 2 * np.sin(angles), atol=1e-9)
assert max(measured) > 0.38  # (2/3)^(3/2) / sqrt(3) = 0.385 at cos^2 = 2/3

# %% [markdown]
#
# What the discontinuous partial derivative of section 1.4 proves, and what it does not: it does *not* by itself prove that $f$ is not differentiable (what proves it is that no linear $D$ fits). A function can be differentiable with a discontinuous derivative: $k(x) = x^2 \sin(1/x)$, $k(0) = 0$, has $k'(0) = \lim_{h \to 0} h \sin(1/h) = 0$, while $k'(x) = 2x\sin(1/x) - \cos(1/x)$ takes the values $-1$ and $+1$ arbitrarily close to $0$. The theorem runs the other way: partial derivatives that exist near a point and are *continuous* at it imply differentiability there.

# %%
def k_prime(x):
    return 2 * x * math.sin(1 / x) - math.cos(1 / x)


quotients = [h * math.sin(1 / h) for h in (1e-3, 1e-5, 1e-7)]  # (k(h) - k(0)) / h
print("(k(h) - k(0))/h:", [f"{q:.1e}" for q in quotients])
near = [k_prime(1 / (2 * math.pi * n)) for n in (10**3, 10**5)] + [
    k_prime(1 / ((2 * n + 1) * math.pi)) for n in (10**3, 10**5)]
print("k'(x) at x = 1/(2 pi n) and 1/((2n + 1) pi):", [round(v, 3) for v in near])
assert all(abs(q) <= h for q, h in zip(quotients, (1e-3, 1e-5, 1e-7), strict=True))
assert [round(v) for v in near] == [-1, -1, 1, 1]

# %% [markdown]
# What does an autograd engine say at the origin? It applies the quotient rule, which divides $0$ by $0$:

# %%
x = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
y = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
z = torch.where(x**2 + y**2 > 0, counterexample(x, y), torch.tensor(0.0, dtype=torch.float64))
z.backward()
print(x.grad, y.grad)
assert math.isnan(x.grad.item())

# %% [markdown]
# This `nan` is not a verdict on differentiability. It comes from the `where` trick: the engine differentiates both branches, the discarded one evaluates the quotient rule at $0/0$, and its gradient, multiplied by $0$, is $0 \cdot \text{nan} = \text{nan}$ (as in PyTorch). A function that *is* differentiable at the origin gets the same `nan`: $q(x, y) = x^2 y^2 / (x^2 + y^2)$, $q(0, 0) = 0$, with both partial derivatives $0$ there ($|q| \le x^2 + y^2$). At such a removable singularity, autograd differentiates the *formula*, not the function. To get the derivative, make sure no branch divides $0$ by $0$ at that point, e.g. with a safe denominator:

# %%
def q_formula(x, y, denominator):
    return x**2 * y**2 / denominator


for safe in (False, True):
    x = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    y = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    r2 = x**2 + y**2
    denominator = torch.where(r2 > 0, r2, torch.ones_like(r2)) if safe else r2
    torch.where(r2 > 0, q_formula(x, y, denominator), torch.zeros_like(r2)).backward()
    print("safe denominator:" if safe else "plain where:     ", x.grad.item(), y.grad.item())
    assert (x.grad.item() == 0.0) if safe else math.isnan(x.grad.item())

# %% [markdown]
# With the safe denominator, the counterexample $f$ would get the gradient $(0, 0)$ at the origin: its partial derivatives, which exist. An engine cannot tell you that $f$ has no derivative there; only the definition can.
#
# ## 1.5 Kinks: what autograd reports where there is no derivative
#
# $\operatorname{relu}(x) = \max(x, 0)$ is continuous but has a corner at 0: its left derivative is 0 and its right derivative is 1. Autograd engines must return *something* there; PyTorch, and minigrad, return 0. A consequence: $g(x) = \operatorname{relu}(x) - \operatorname{relu}(-x)$ is just $x$, with derivative 1 everywhere, yet autograd reports $g'(0) = 0$.

# %%
x = torch.tensor(0.0, requires_grad=True)
g = torch.relu(x) - torch.relu(-x)
g.backward()
g_plain = lambda s: max(s, 0) - max(-s, 0)  # noqa: E731
print("g(0) =", g.item(), "  autograd g'(0) =", x.grad.item(),
      "  central difference:", (g_plain(1e-3) - g_plain(-1e-3)) / 2e-3)
assert x.grad.item() == 0.0

# %% [markdown]
# Such points form a set of measure zero, so in practice they are rarely hit by random data; but be aware that "the gradient" an engine reports at a kink is a convention.
#
# ## Summary
#
# * The derivative is the slope of the best linear approximation; difference quotients estimate it, with error $O(h)$ (forward) or $O(h^2)$ (central) until rounding takes over near $h \approx 10^{-8}$ or $10^{-5}$.
# * In several variables, differentiability asks for one linear map that works from every direction at once. Partial and directional derivatives are then its values on vectors.
# * $f(x,y) = yx^2/(x^2+y^2)$ has every directional derivative at the origin, $D_v f(0) = f(v)$, but they are not linear in $v$: it is not differentiable there. Its partial derivative $2xy^3/(x^2+y^2)^2$ is not continuous at the origin (which alone would not prove it: continuous partials imply differentiability, not the other way round). $x^3y/(x^6+y^2)$ has linear directional derivatives and is not even continuous at the origin: the definition decides.
# * At a removable singularity, autograd differentiates the formula: a `nan` from $0/0$ says nothing about the function.
# * At kinks, autograd returns a convention (relu'(0) = 0), not a derivative.
#
# ## Further reading
#
# * A. Edelman and S. G. Johnson, *Matrix Calculus for Machine Learning and Beyond* (MIT 18.063), lecture 1: derivatives as linear operators.
# * *Dive into Deep Learning*, §2.4 Calculus.
# * A. Griewank and A. Walther, *Evaluating Derivatives* (SIAM, 2008), chapter 1, on finite differences versus algorithmic differentiation.
# * S. Kakade and J. Lee, "Provably correct automatic subdifferentiation for qualified programs" (NeurIPS 2018), on what autograd computes at kinks.
