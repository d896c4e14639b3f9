"""Hypothesis strategies shared by the derivative tests: one sampler per rule.

``SAMPLERS[name]`` draws a :class:`Program` that reaches the primitive
``rules.RULES[name]`` through PyTorch's public API (``a * b``, ``x.sum(1)``,
``x[idx]``, ``torch.cat``...).  A program is written once, as ``fn(T, *xs)``
with ``T`` the library (``minigrad`` or ``torch``), so the numerical tests,
the differential tests against PyTorch and the forward/reverse tests all run
the very same code.

Inputs are float64 NumPy arrays of random shapes (broadcasting and size-1
axes included), drawn away from kinks and poles, so that central finite
differences are meaningful; ``dtype`` lets a program ask for another input
dtype (the ``cast`` rule).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp


@dataclass(frozen=True)
class Program:
    """A function of some differentiable tensors, in either library."""

    rule: str
    label: str  # the program as one would write it, for failure messages
    fn: Callable  # fn(T, *tensors) -> Tensor
    inputs: tuple  # float64 arrays: the values of the differentiable inputs
    dtype: str | None = None  # fixed input dtype ("float32"); None: the test's choice
    step: float = 1e-6  # finite-difference step
    linear: bool = False  # the program is a gradient of another program (create_graph)
    notes: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        shapes = ", ".join(str(list(x.shape)) for x in self.inputs)
        return f"Program({self.rule}: {self.label}; input shapes {shapes})"

    def run(self, T, *xs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # backward(create_graph=True) warns, by design
            return self.fn(T, *xs)


# Arrays -------------------------------------------------------------------------------

def shapes(min_dims: int = 0, max_dims: int = 3):
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=3)


def broadcast_shapes(n: int = 2, min_dims: int = 0):
    return hnp.mutually_broadcastable_shapes(
        num_shapes=n, min_dims=min_dims, max_dims=3, min_side=1, max_side=3
    ).map(lambda b: b.input_shapes)


@st.composite
def rngs(draw):
    return np.random.default_rng(draw(st.integers(0, 2**32 - 1)))


def away(x: np.ndarray, kinks, gap: float = 0.05) -> np.ndarray:
    """``x`` with every value pushed at least ``gap`` away from the points ``kinks``.

    Kinks must be at least ``4 * gap`` apart.
    """
    kinks = np.asarray(kinks, dtype=float)
    d = x[..., None] - kinks
    near = np.abs(d).min(axis=-1) < gap
    return np.where(near, x + 2 * gap, x)


def uniform(rng, shape, lo=-2.0, hi=2.0, kinks=None) -> np.ndarray:
    x = rng.uniform(lo, hi, size=shape)
    return x if kinks is None else away(x, kinks)


def magnitude(rng, shape, lo=0.3, hi=2.0) -> np.ndarray:
    """Random signs, magnitudes in [lo, hi]: nowhere near 0."""
    return rng.choice([-1.0, 1.0], size=shape) * rng.uniform(lo, hi, size=shape)


def distinct(rng, shape, positive=False) -> np.ndarray:
    """All values at least 0.2 apart (no ties for max/min)."""
    n = math.prod(shape)
    grid = rng.permutation(n) * 0.3 + rng.uniform(0, 0.1, size=n)
    grid = grid + 0.3 if positive else grid - 0.15 * n
    return grid.reshape(shape)


def banded(rng, shape, even: bool) -> np.ndarray:
    """Values in [k + 0.05, k + 0.95] for even (or odd) k: never near the other family."""
    ks = np.array([-2.0, 0.0, 2.0]) if even else np.array([-3.0, -1.0, 1.0])
    return rng.choice(ks, size=shape) + rng.uniform(0.05, 0.95, size=shape)


def dims_of(draw, ndim: int, max_n: int | None = None):
    """A random non-empty set of dims, as an int or a tuple (possibly negative)."""
    if ndim == 0:
        return draw(st.sampled_from([0, -1]))
    picks = draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=max_n or ndim,
                          unique=True))
    picks = [p - ndim if draw(st.booleans()) else p for p in picks]
    return picks[0] if len(picks) == 1 and draw(st.booleans()) else tuple(picks)


def _F(T):
    """``torch.nn.functional`` for torch; minigrad keeps these names at top level."""
    return T.nn.functional if hasattr(T, "nn") else T


# Samplers -----------------------------------------------------------------------------

SAMPLERS: dict[str, st.SearchStrategy] = {}


def sampler(name: str):
    def register(fn):
        SAMPLERS[name] = st.composite(fn)()
        return fn
    return register


def _binary(name, variants, b_gen=None):
    """``variants``: (label, fn) pairs; ``fn`` takes one tensor (a Python scalar
    operand) or two (mutually broadcastable shapes)."""
    @sampler(name)
    def draw_program(draw):
        label, fn = draw(st.sampled_from(variants))
        sa, sb = draw(broadcast_shapes(2))
        rng = draw(rngs())
        a = uniform(rng, sa)
        if fn.__code__.co_argcount == 2:
            return Program(name, label, fn, (a,))
        b = b_gen(rng, sb) if b_gen else uniform(rng, sb)
        return Program(name, label, fn, (a, b))
    return draw_program


_binary("add", [("a + b", lambda T, a, b: a + b),
                ("torch.add(a, b, alpha=0.5)", lambda T, a, b: T.add(a, b, alpha=0.5)),
                ("a + 1.5", lambda T, a: a + 1.5)])
_binary("sub", [("a - b", lambda T, a, b: a - b), ("1.5 - a", lambda T, a: 1.5 - a)])
_binary("mul", [("a * b", lambda T, a, b: a * b), ("a * 3.0", lambda T, a: a * 3.0),
                # (as PyTorch, a number over a tensor is a multiplication by its reciprocal)
                ("2.0 / (a * a + 0.5)", lambda T, a: 2.0 / (a * a + 0.5))])
_binary("div", [("a / b", lambda T, a, b: a / b),
                ("a / 4.0", lambda T, a: a / 4.0)],
        b_gen=lambda rng, s: magnitude(rng, s, 0.5, 2.0))

for _name in ("maximum", "minimum"):
    @sampler(_name)
    def _extreme_pair(draw, _name=_name):
        sa, sb = draw(broadcast_shapes(2))
        rng = draw(rngs())
        a, b = banded(rng, sa, even=True), banded(rng, sb, even=False)
        fname = draw(st.sampled_from([_name, _name[:3]]))  # torch.max(a, b) too
        return Program(_name, f"torch.{fname}(a, b)",
                       lambda T, a, b: getattr(T, fname)(a, b), (a, b))


@sampler("pow")
def _pow(draw):
    rng = draw(rngs())
    kind = draw(st.sampled_from(["x ** e", "x ** y", "2.0 ** y", "x.square()"]))
    if kind == "x ** e":
        e = draw(st.sampled_from([0, 1, 2, 3, -1, -2, 0.5, 2.5, -1.5, 0.0, 3.0]))
        s = draw(shapes())
        if isinstance(e, int):
            x = magnitude(rng, s, 0.5, 2.0)  # integer powers: negative bases too
        else:
            x = uniform(rng, s, 0.5, 2.0)
        return Program("pow", f"x ** {e!r}", lambda T, x: x ** e, (x,))
    if kind == "x ** y":
        sa, sb = draw(broadcast_shapes(2))
        x, y = uniform(rng, sa, 0.5, 2.0), uniform(rng, sb, -2.0, 2.0)
        return Program("pow", kind, lambda T, x, y: x ** y, (x, y))
    if kind == "2.0 ** y":
        return Program("pow", kind, lambda T, y: 2.0 ** y, (uniform(rng, draw(shapes())),))
    return Program("pow", kind, lambda T, x: x.square(), (uniform(rng, draw(shapes())),))


@sampler("where")
def _where(draw):
    sc, sa, sb = draw(broadcast_shapes(3))
    rng = draw(rngs())
    cond = rng.random(sc) < 0.5
    a, b = uniform(rng, sa), uniform(rng, sb)
    return Program("where", "torch.where(cond, a, b)",
                   lambda T, a, b: T.where(T.tensor(cond), a, b), (a, b))


def _unary(name, label, fn, gen):
    @sampler(name)
    def draw_program(draw):
        rng = draw(rngs())
        return Program(name, label, fn, (gen(rng, draw(shapes())),))
    return draw_program


_real = uniform
_pos = lambda rng, s: uniform(rng, s, 0.5, 2.0)  # noqa: E731
_nonzero = lambda rng, s: magnitude(rng, s, 0.3, 2.0)  # noqa: E731
_offgrid = lambda rng, s: away(uniform(rng, s, -3.0, 3.0), np.arange(-3.5, 4.0, 0.5))  # noqa

_unary("neg", "-x", lambda T, x: -x, _real)
_unary("exp", "x.exp()", lambda T, x: x.exp(), _real)
_unary("expm1", "torch.expm1(x)", lambda T, x: T.expm1(x), _real)
_unary("log", "x.log()", lambda T, x: x.log(), _pos)
_unary("log1p", "torch.log1p(x)", lambda T, x: T.log1p(x),
       lambda rng, s: uniform(rng, s, -0.5, 2.0))
_unary("log2", "torch.log2(x)", lambda T, x: T.log2(x), _pos)
_unary("sqrt", "x.sqrt()", lambda T, x: x.sqrt(), _pos)
_unary("rsqrt", "x.rsqrt()", lambda T, x: x.rsqrt(), _pos)
_unary("reciprocal", "x.reciprocal()", lambda T, x: x.reciprocal(), _nonzero)
_unary("sin", "x.sin()", lambda T, x: x.sin(), _real)
_unary("cos", "x.cos()", lambda T, x: x.cos(), _real)
_unary("tan", "x.tan()", lambda T, x: x.tan(), lambda rng, s: uniform(rng, s, -1.2, 1.2))
_unary("tanh", "x.tanh()", lambda T, x: x.tanh(), _real)
_unary("sigmoid", "x.sigmoid()", lambda T, x: x.sigmoid(), lambda rng, s: uniform(rng, s, -5, 5))
_unary("relu", "x.relu()", lambda T, x: x.relu(), _nonzero)
_unary("softplus", "F.softplus(x)", lambda T, x: _F(T).softplus(x),
       lambda rng, s: uniform(rng, s, -5, 5))
_unary("abs", "x.abs()", lambda T, x: x.abs(), _nonzero)
_unary("sign", "x.sign()", lambda T, x: x.sign(), _nonzero)
_unary("floor", "x.floor()", lambda T, x: x.floor(), _offgrid)
_unary("ceil", "x.ceil()", lambda T, x: x.ceil(), _offgrid)
_unary("round", "x.round()", lambda T, x: x.round(), _offgrid)
_unary("clone", "x.clone()", lambda T, x: x.clone(), _real)


@sampler("leaky_relu")
def _leaky_relu(draw):
    slope = draw(st.sampled_from([0.01, 0.1, 0.5, 2.0]))
    x = _nonzero(draw(rngs()), draw(shapes()))
    return Program("leaky_relu", f"F.leaky_relu(x, {slope})",
                   lambda T, x: _F(T).leaky_relu(x, slope), (x,))


@sampler("clamp")
def _clamp(draw):
    lo = draw(st.sampled_from([-1.0, -0.5, 0.0, 0.25]))
    hi = lo + draw(st.sampled_from([0.5, 1.0, 2.0]))
    x = uniform(draw(rngs()), draw(shapes()), -2.0, 2.0, kinks=[lo, hi])
    label, fn = draw(st.sampled_from([
        ("x.clamp(lo, hi)", lambda T, x: x.clamp(lo, hi)),
        ("x.clamp(min=lo)", lambda T, x: x.clamp(min=lo)),
        ("x.clamp(max=hi)", lambda T, x: x.clamp(max=hi)),
        ("x.clamp_min(lo)", lambda T, x: x.clamp_min(lo)),
        ("x.clamp_max(hi)", lambda T, x: x.clamp_max(hi)),
        ("torch.clip(x, lo, hi)", lambda T, x: T.clip(x, lo, hi)),
    ]))
    return Program("clamp", f"{label} with lo={lo}, hi={hi}", fn, (x,))


# Reductions ---------------------------------------------------------------------------

for _name in ("sum", "mean"):
    @sampler(_name)
    def _sum_or_mean(draw, _name=_name):
        s = draw(shapes())
        x = _real(draw(rngs()), s)
        if draw(st.booleans()):
            return Program(_name, f"x.{_name}()", lambda T, x: getattr(x, _name)(), (x,))
        dim = dims_of(draw, len(s))
        keepdim = draw(st.booleans())
        return Program(_name, f"x.{_name}({dim!r}, keepdim={keepdim})",
                       lambda T, x: getattr(x, _name)(dim, keepdim=keepdim), (x,))


@sampler("prod")
def _prod(draw):
    s = draw(shapes())
    rng = draw(rngs())
    x = uniform(rng, s, -1.5, 1.5)
    zeros = draw(st.integers(0, 2))  # exact zeros take the "product of the others" path
    flat = x.reshape(-1)
    flat[rng.permutation(flat.size)[:zeros]] = 0.0
    if draw(st.booleans()):
        return Program("prod", "x.prod()", lambda T, x: x.prod(), (x,))
    dim = draw(st.integers(-max(len(s), 1), max(len(s), 1) - 1))
    keepdim = draw(st.booleans())
    return Program("prod", f"x.prod({dim}, keepdim={keepdim})",
                   lambda T, x: x.prod(dim, keepdim=keepdim), (x,))


for _name in ("amax", "amin"):
    @sampler(_name)
    def _extreme_all(draw, _name=_name):
        s = draw(shapes())
        x = distinct(draw(rngs()), s)
        method = "max" if _name == "amax" else "min"
        if draw(st.booleans()):
            return Program(_name, f"x.{method}()", lambda T, x: getattr(x, method)(), (x,))
        dim = dims_of(draw, len(s))
        keepdim = draw(st.booleans())
        return Program(_name, f"x.{_name}({dim!r}, keepdim={keepdim})",
                       lambda T, x: getattr(x, _name)(dim, keepdim=keepdim), (x,))


@sampler("select_along")
def _select_along(draw):
    s = draw(shapes(min_dims=1))
    x = distinct(draw(rngs()), s)
    method = draw(st.sampled_from(["max", "min"]))
    dim = draw(st.integers(-len(s), len(s) - 1))
    keepdim = draw(st.booleans())
    return Program("select_along", f"x.{method}({dim}, keepdim={keepdim}).values",
                   lambda T, x: getattr(x, method)(dim, keepdim=keepdim).values, (x,))


@sampler("norm")
def _norm(draw):
    s = draw(shapes())
    rng = draw(rngs())
    p = draw(st.sampled_from([2, 1, 3, 1.5, math.inf]))
    if p == math.inf:  # no ties among the |x|
        x = distinct(rng, s, positive=True) * rng.choice([-1.0, 1.0], size=s)
    else:
        x = magnitude(rng, s)
    if draw(st.booleans()):
        return Program("norm", f"x.norm({p})", lambda T, x: x.norm(p), (x,))
    dim = dims_of(draw, len(s), max_n=2)
    keepdim = draw(st.booleans())
    return Program("norm", f"x.norm({p}, {dim!r}, keepdim={keepdim})",
                   lambda T, x: x.norm(p, dim, keepdim=keepdim), (x,))


@sampler("logsumexp")
def _logsumexp(draw):
    s = draw(shapes())
    dim = dims_of(draw, len(s))
    keepdim = draw(st.booleans())
    return Program("logsumexp", f"x.logsumexp({dim!r}, keepdim={keepdim})",
                   lambda T, x: x.logsumexp(dim, keepdim=keepdim), (_real(draw(rngs()), s),))


@sampler("softmax")
def _softmax(draw):
    s = draw(shapes())
    dim = draw(st.integers(-max(len(s), 1), max(len(s), 1) - 1))
    return Program("softmax", f"x.softmax({dim})", lambda T, x: x.softmax(dim),
                   (_real(draw(rngs()), s),))


@sampler("log_softmax")
def _log_softmax(draw):
    s = draw(shapes())
    dim = draw(st.integers(-max(len(s), 1), max(len(s), 1) - 1))
    return Program("log_softmax", f"F.log_softmax(x, {dim})",
                   lambda T, x: _F(T).log_softmax(x, dim), (_real(draw(rngs()), s),))


for _name in ("var", "std"):
    @sampler(_name)
    def _spread(draw, _name=_name):
        """x.var() / x.std() over all axes or one, each correction, keepdim or not; the
        values spread out (std's derivative is infinite where all are equal)."""
        s = draw(shapes(min_dims=1))
        x = _real(draw(rngs()), s)
        dim = draw(st.one_of(st.none(), st.integers(-len(s), len(s) - 1)))
        correction, keepdim = draw(st.sampled_from([0, 1])), draw(st.booleans())
        if (x.size if dim is None else s[dim]) <= correction:
            correction = 0
        label = f"x.{_name}({dim}, correction={correction}, keepdim={keepdim})"
        return Program(_name, label, lambda T, x: getattr(x, _name)(
            dim, correction=correction, keepdim=keepdim), (x,))


@sampler("mse_loss")
def _mse_loss(draw):
    """F.mse_loss of two inputs of one shape, each reduction."""
    s = draw(shapes())
    rng = draw(rngs())
    reduction = draw(st.sampled_from(["mean", "sum", "none"]))
    return Program("mse_loss", f"F.mse_loss(x, y, reduction={reduction!r})",
                   lambda T, x, y: _F(T).mse_loss(x, y, reduction=reduction),
                   (_real(rng, s), _real(rng, s)))


@sampler("nll_loss")
def _nll_loss(draw):
    """F.nll_loss on (N, C) or (C,) inputs: each reduction, class weights or none,
    an ignored sample or none (targets may repeat)."""
    n, c = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    single = draw(st.booleans())  # one sample: input (C,), target 0-d
    rng = draw(rngs())
    target = rng.integers(0, c, size=() if single else n)
    if not single and n > 1 and draw(st.booleans()):
        target[0] = -100  # ignore_index
    reduction = draw(st.sampled_from(["mean", "sum", "none"]))
    weight = rng.uniform(0.5, 2.0, c) if draw(st.booleans()) else None

    def fn(T, x):
        w = None if weight is None else T.tensor(weight, dtype=x.dtype)
        return _F(T).nll_loss(x, T.tensor(target), weight=w, reduction=reduction)

    label = (f"F.nll_loss(x, {target.tolist()}, weight={weight is not None}, "
             f"reduction={reduction!r})")
    return Program("nll_loss", label, fn, (_real(rng, (c,) if single else (n, c)),))


# Matrix products ----------------------------------------------------------------------

MATMUL_SHAPES = [  # (x.shape, y.shape) with n the contracted size
    lambda m, n, k, b: ((n,), (n,)),
    lambda m, n, k, b: ((m, n), (n,)),
    lambda m, n, k, b: ((n,), (n, k)),
    lambda m, n, k, b: ((b, m, n), (n, k)),  # (two matrices: the rule mm)
    lambda m, n, k, b: ((b, m, n), (b, n, k)),
    lambda m, n, k, b: ((1, m, n), (b, n, k)),
    lambda m, n, k, b: ((b, m, n), (n,)),
    lambda m, n, k, b: ((n,), (b, n, k)),
    lambda m, n, k, b: ((2, 1, m, n), (b, n, k)),
]


@sampler("matmul")
def _matmul(draw):
    m, n, k, b = (draw(st.integers(1, 3)) for _ in range(4))
    sx, sy = draw(st.sampled_from(MATMUL_SHAPES))(m, n, k, b)
    rng = draw(rngs())
    label, fn = draw(st.sampled_from([
        ("x @ y", lambda T, x, y: x @ y),
        ("torch.matmul(x, y)", lambda T, x, y: T.matmul(x, y)),
    ]))
    return Program("matmul", label, fn, (_real(rng, sx), _real(rng, sy)))


@sampler("mm")
def _mm(draw):
    m, n, k = (draw(st.integers(1, 4)) for _ in range(3))
    rng = draw(rngs())
    label, fn = draw(st.sampled_from([
        ("x @ y (matrices)", lambda T, x, y: x @ y),
        ("torch.mm(x, y)", lambda T, x, y: T.mm(x, y)),
        ("x.T @ y (a transposed operand)", lambda T, x, y: x.T @ y),
    ]))
    if label.startswith("x.T"):
        return Program("mm", label, fn, (_real(rng, (k, m)), _real(rng, (k, n))))
    return Program("mm", label, fn, (_real(rng, (m, k)), _real(rng, (k, n))))


# Shapes -------------------------------------------------------------------------------

@sampler("reshape")
def _reshape(draw):
    s = draw(shapes())
    x = _real(draw(rngs()), s)
    label, fn = draw(st.sampled_from([
        ("x.reshape(-1)", lambda T, x: x.reshape(-1)),
        ("x.view(reversed shape)", lambda T, x: x.view(tuple(reversed(x.shape)))),
        ("x.flatten()", lambda T, x: x.flatten() if x.ndim != 1 else x.reshape(x.shape)),
        ("x.reshape(1, -1, 1)", lambda T, x: x.reshape(1, -1, 1)),
    ]))
    return Program("reshape", label, fn, (x,))


@sampler("squeeze")
def _squeeze(draw):
    s = draw(shapes())
    x = _real(draw(rngs()), s)
    d = draw(st.integers(-max(len(s), 1), max(len(s), 1) - 1))
    label, fn = draw(st.sampled_from([("x.squeeze()", lambda T, x: x.squeeze()),
                                      (f"x.squeeze({d})", lambda T, x: x.squeeze(d))]))
    return Program("squeeze", label, fn, (x,))


@sampler("unsqueeze")
def _unsqueeze(draw):
    s = draw(shapes())
    d = draw(st.integers(0, len(s)))
    return Program("unsqueeze", f"x.unsqueeze({d})", lambda T, x: x.unsqueeze(d),
                   (_real(draw(rngs()), s),))


@sampler("transpose")
def _transpose(draw):
    s = draw(shapes(min_dims=2))
    d0, d1 = draw(st.integers(-len(s), len(s) - 1)), draw(st.integers(-len(s), len(s) - 1))
    options = [(f"x.transpose({d0}, {d1})", lambda T, x: x.transpose(d0, d1)),
               ("x.mT", lambda T, x: x.mT)]
    if len(s) == 2:
        options.append(("x.t()", lambda T, x: x.t()))
    label, fn = draw(st.sampled_from(options))
    return Program("transpose", label, fn, (_real(draw(rngs()), s),))


@sampler("permute")
def _permute(draw):
    s = draw(shapes(min_dims=1))
    perm = tuple(draw(st.permutations(range(len(s)))))
    options = [(f"x.permute{perm}", lambda T, x: x.permute(*perm))]
    if len(s) == 2:
        options.append(("x.T", lambda T, x: x.T))
    label, fn = draw(st.sampled_from(options))
    return Program("permute", label, fn, (_real(draw(rngs()), s),))


def _expanded(draw, s):
    """A shape that ``s`` broadcasts to (extra leading dims, size-1 axes grown)."""
    lead = tuple(draw(st.lists(st.integers(1, 3), min_size=0 if s else 1, max_size=2)))
    return lead + tuple(draw(st.integers(1, 3)) if d == 1 else d for d in s)


@sampler("broadcast_to")
def _broadcast_to(draw):
    s = draw(shapes())
    big = _expanded(draw, s)
    label, fn = draw(st.sampled_from([
        (f"x.expand{big}", lambda T, x: x.expand(*big)),
        (f"torch.broadcast_to(x, {big})", lambda T, x: T.broadcast_to(x, big)),
    ]))
    return Program("broadcast_to", label, fn, (_real(draw(rngs()), s),))


@sampler("sum_to")
def _sum_to(draw):
    s = draw(shapes())
    big = _expanded(draw, s)

    def fn(T, g):  # the gradient of expand is sum_to: linear in g
        x = T.ones(s, dtype=g.dtype, requires_grad=True)
        return T.autograd.grad(x.expand(*big), x, grad_outputs=g, create_graph=True)[0]

    return Program("sum_to", f"grad(x.expand{big}, x, grad_outputs=g) for x of shape {s}",
                   fn, (_real(draw(rngs()), big),), linear=True)


def _index(draw, s, advanced: bool):
    """A PyTorch index for shape ``s`` (as NumPy arrays for the tensor parts)."""
    nd = len(s)
    kind = draw(st.sampled_from(
        ["list", "repeats", "mask", "slice+list", "2d"] if advanced else
        ["int", "slice", "int,slice", "ellipsis", "none", "negative"]))
    if kind == "int":
        return draw(st.integers(-s[0], s[0] - 1))
    if kind == "negative":
        return (Ellipsis, -1)
    if kind == "slice":
        a = draw(st.integers(0, s[0] - 1))
        return slice(a, None, draw(st.integers(1, 2)))
    if kind == "int,slice":
        return (draw(st.integers(0, s[0] - 1)), slice(1, None)) if nd >= 2 else slice(None)
    if kind == "ellipsis":
        return (Ellipsis, draw(st.integers(0, s[-1] - 1)))
    if kind == "none":
        return (None, slice(None))
    if kind == "list":
        return np.array(draw(st.lists(st.integers(0, s[0] - 1), min_size=1, max_size=4,
                                      unique=True)))
    if kind == "repeats":
        return np.array(draw(st.lists(st.integers(0, s[0] - 1), min_size=1, max_size=5)))
    if kind == "mask":
        return np.array(draw(st.lists(st.booleans(), min_size=s[0], max_size=s[0])))
    if kind == "slice+list" and nd >= 2:
        return (slice(None), np.array(draw(st.lists(st.integers(0, s[1] - 1), min_size=1,
                                                    max_size=3, unique=True))))
    rows = draw(st.lists(st.integers(0, s[0] - 1), min_size=2, max_size=2, unique=False))
    return np.array([rows, rows[::-1]])


def _torch_index(T, idx):
    """Convert the NumPy parts of an index into tensors of library ``T``."""
    if isinstance(idx, tuple):
        return tuple(_torch_index(T, i) for i in idx)
    if isinstance(idx, np.ndarray):
        return T.tensor(idx)
    return idx


def _has_repeats(idx) -> bool:
    parts = idx if isinstance(idx, tuple) else (idx,)
    for p in parts:
        if isinstance(p, np.ndarray) and p.dtype != bool and len(np.unique(p)) != p.size:
            return True
    return False


@sampler("getitem")
def _getitem(draw):
    s = draw(shapes(min_dims=1))
    idx = _index(draw, s, advanced=draw(st.booleans()))
    return Program("getitem", f"x[{idx!r}]", lambda T, x: x[_torch_index(T, idx)],
                   (_real(draw(rngs()), s),))


@sampler("scatter")
def _scatter(draw):
    s = draw(shapes(min_dims=1))
    idx = _index(draw, s, advanced=draw(st.booleans()))
    out_shape = np.zeros(s)[idx].shape

    def fn(T, g):  # the gradient of indexing is a scatter: linear in g
        x = T.ones(s, dtype=g.dtype, requires_grad=True)
        return T.autograd.grad(x[_torch_index(T, idx)], x, grad_outputs=g,
                               create_graph=True)[0]

    return Program("scatter", f"grad(x[{idx!r}], x, grad_outputs=g) for x of shape {s}",
                   fn, (_real(draw(rngs()), out_shape),), linear=True)


@sampler("index_put")
def _index_put(draw):
    s = draw(shapes(min_dims=1))
    idx = _index(draw, s, advanced=draw(st.booleans()))
    if _has_repeats(idx):  # repeated writes: which one wins is unspecified
        idx = np.unique(idx) if isinstance(idx, np.ndarray) else 0
    target = np.zeros(s)[idx].shape
    vs = target[draw(st.integers(0, len(target))):]  # v broadcasts to x[idx]
    rng = draw(rngs())

    def fn(T, x, v):
        y = x.clone()
        y[_torch_index(T, idx)] = v
        return y

    return Program("index_put", f"y = x.clone(); y[{idx!r}] = v", fn,
                   (_real(rng, s), _real(rng, vs)))


def _diagonal_args(draw):
    s = draw(shapes(min_dims=2))
    d1, d2 = draw(st.lists(st.integers(-len(s), len(s) - 1), min_size=2, max_size=2,
                           unique_by=lambda d: d % len(s)))
    return s, draw(st.integers(-2, 2)), d1, d2


@sampler("diagonal")
def _diagonal(draw):
    s, k, d1, d2 = _diagonal_args(draw)
    return Program("diagonal", f"torch.diagonal(x, {k}, {d1}, {d2})",
                   lambda T, x: T.diagonal(x, k, d1, d2), (_real(draw(rngs()), s),))


@sampler("diagonal_backward")
def _diagonal_backward(draw):
    s, k, d1, d2 = _diagonal_args(draw)
    out_shape = np.diagonal(np.zeros(s), k, d1, d2).shape

    def fn(T, g):  # the gradient of a diagonal: linear in g
        x = T.ones(s, dtype=g.dtype, requires_grad=True)
        return T.autograd.grad(x.diagonal(k, d1, d2), x, grad_outputs=g, create_graph=True)[0]

    return Program("diagonal_backward", f"grad(x.diagonal({k}, {d1}, {d2}), x, grad_outputs=g)"
                   f" for x of shape {s}", fn, (_real(draw(rngs()), out_shape),), linear=True)


@sampler("cat")
def _cat(draw):
    s = draw(shapes(min_dims=1))
    d = draw(st.integers(-len(s), len(s) - 1))
    sizes = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))
    rng = draw(rngs())
    xs = tuple(_real(rng, s[:d % len(s)] + (n,) + s[d % len(s) + 1:]) for n in sizes)
    label, fn = draw(st.sampled_from([
        (f"torch.cat(xs, {d})", lambda T, *xs: T.cat(xs, d)),
        (f"torch.cat(list(xs), dim={d})", lambda T, *xs: T.cat(list(xs), dim=d)),
    ]))
    return Program("cat", label, fn, xs)


@sampler("stack")
def _stack(draw):
    s = draw(shapes())
    d = draw(st.integers(-len(s) - 1, len(s)))
    n = draw(st.integers(1, 3))
    rng = draw(rngs())
    return Program("stack", f"torch.stack(xs, {d})", lambda T, *xs: T.stack(xs, d),
                   tuple(_real(rng, s) for _ in range(n)))


@sampler("cast")
def _cast(draw):
    s = draw(shapes())
    # Dyadic float32 values and step: the float32 -> float64 cast and the finite
    # differences are exact.
    x = np.round(_real(draw(rngs()), s) * 64) / 64
    label, fn = draw(st.sampled_from([
        ("x.double()", lambda T, x: x.double()),
        ("x.to(torch.float64)", lambda T, x: x.to(T.float64)),
    ]))
    return Program("cast", f"{label} for float32 x", fn, (x,), dtype="float32", step=2.0**-10)


@sampler("copy_backwards")
def _copy_backwards(draw):
    s = draw(shapes())

    def fn(T, g):  # x.grad after backward(create_graph=True) is CopyBackwards(g)
        x = T.ones(s, dtype=g.dtype, requires_grad=True)
        (x * g).sum().backward(create_graph=True)
        return x.grad

    return Program("copy_backwards", "x.grad after (x * g).sum().backward(create_graph=True)",
                   fn, (_real(draw(rngs()), s),), linear=True)


# Which primitives a program runs ------------------------------------------------------

@dataclass
class Call:
    """One recorded primitive call: the arrays it saw, its parameters, its output."""

    prim: object
    args: tuple  # arrays (copied at call time) or Python scalars
    tensor_inputs: tuple  # indices of the arguments that were Tensors
    params: dict
    ans: np.ndarray


def recorded_calls(program: Program, xs) -> list[Call]:
    """Run ``program`` on minigrad tensors ``xs``; every primitive call it makes."""
    import minigrad
    from minigrad import engine
    from minigrad.tensor import Tensor

    calls: list[Call] = []

    def hook(prim, args, params, out):
        arrays = tuple(np.array(a._data, copy=True) if isinstance(a, Tensor) else a
                       for a in args)
        tensors = tuple(i for i, a in enumerate(args) if isinstance(a, Tensor))
        calls.append(Call(prim, arrays, tensors, dict(params), np.array(out._data, copy=True)))

    previous = engine.forward_hook[0]
    engine.forward_hook[0] = hook
    try:
        program.run(minigrad, *xs)
    finally:
        engine.forward_hook[0] = previous
    return calls
