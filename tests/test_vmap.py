"""func.vmap as a batching transform (issue 17), against torch.func.

* values: each function below, mapped with ``vmap`` (in_dims None, ints, negative,
  nested tuples; out_dims), gives torch.func's result on the same random float64
  inputs: elementwise ops, broadcasting with unbatched operands, reductions with
  dim/keepdim, matmul/mm/mv/dot, shape ops, indexing, cat/stack, softmax;
* nested vmaps, and vmap around and inside grad, jacrev, jacfwd and hessian;
* jacrev/jacfwd/hessian (now vmap over VJPs / JVPs): values, shapes, nesting;
* printed text and errors: each expression prints what torch.func's prints, or
  raises the same exception type with the same message; so does
  autograd.functional.jacobian(vectorize=True), now a vmap over backward passes;
* random ops under randomness="different" and "same": every sampler draws torch's
  numbers bit for bit (in the order of the tensor's memory for in-place ones), as
  many of them, and refuses what torch refuses, with its message;
* in_dims and out_dims other than 0: results print (grad_fn, the graph's next nodes,
  is_contiguous) what torch's do, the batch staying where the ops leave it;
* speed: jacfwd(jacfwd(f)) with 256 inputs is one batched pass, not a loop.
"""

# ruff: noqa: E501  (PyTorch's messages are long)
from __future__ import annotations

import time

import numpy as np
import pytest

import minigrad
import minigrad.func as mf


def _compare(mine, theirs, torch, path="result", rtol=1e-9, atol=1e-12):
    if isinstance(theirs, torch.Tensor):
        assert isinstance(mine, minigrad.Tensor), path
        assert type(mine) is minigrad.Tensor, f"{path}: a BatchedTensor escaped vmap"
        assert tuple(mine.shape) == tuple(theirs.shape), (path, mine.shape, theirs.shape)
        assert str(mine.dtype) == str(theirs.dtype), path
        np.testing.assert_allclose(mine.detach().numpy(), theirs.detach().numpy(),
                                   rtol=rtol, atol=atol, err_msg=path)
        return
    assert type(mine) is type(theirs), path
    assert len(mine) == len(theirs), path
    for i, (m, t) in enumerate(zip(mine, theirs, strict=True)):
        _compare(m, t, torch, f"{path}[{i}]", rtol, atol)


# Values: (function of lib, in_dims, out_dims, shapes of the inputs) ---------------------

CASES = {
    # elementwise, and broadcasting against unbatched operands
    "sin": (lambda t: t.sin, 0, 0, [(3, 4)]),
    "unary chain": (lambda t: lambda x: (x.exp() + x.tanh() * x.sigmoid() - x.abs().sqrt()).relu(), 0, 0, [(3, 4)]),
    "pow, div, clamp": (lambda t: lambda x, y: (x ** 2 / (y.abs() + 1)).clamp(-1, 1) + x.pow(3), 0, 0, [(3, 4), (3, 4)]),
    "add unbatched row": (lambda t: lambda x, y: x + y, (0, None), 0, [(3, 4), (4,)]),
    "mul unbatched matrix": (lambda t: lambda x, y: x * y, (0, None), 0, [(3, 4), (5, 4)]),
    "batched scalar times unbatched matrix": (lambda t: lambda x, y: x * y - 1, (0, None), 0, [(3,), (2, 5)]),
    "where and comparisons": (lambda t: lambda x, y: t.where(x > y, x, y * 2), 0, 0, [(3, 4), (3, 4)]),
    "where with unbatched condition": (lambda t: lambda x, y: t.where(y > 0, x, 0.0), (0, None), 0, [(3, 4), (4,)]),
    "maximum, minimum": (lambda t: lambda x, y: t.maximum(x, y) - t.minimum(x, 0.5 * y), (0, None), 0, [(3, 4), (4,)]),
    "log, log1p, expm1": (lambda t: lambda x: x.abs().log() + x.abs().log1p() + x.expm1(), 0, 0, [(3, 2, 2)]),
    # reductions
    "sum": (lambda t: lambda x: x.sum(), 0, 0, [(3, 4, 5)]),
    "sum dim keepdim": (lambda t: lambda x: x.sum(1, keepdim=True) + x.sum(-2), 0, 0, [(3, 4, 5)]),
    "sum dims": (lambda t: lambda x: x.sum((0, 1)), 0, 0, [(3, 4, 5)]),
    "mean, prod": (lambda t: lambda x: x.mean(0) * x.prod(0) + x.prod() + x.prod(1, keepdim=True), 0, 0, [(3, 2, 2)]),
    "amax, amin, norm": (lambda t: lambda x: x.amax(0) - x.amin(1, keepdim=True) + x.norm(), 0, 0, [(3, 4, 5)]),
    "max(dim), min(dim)": (lambda t: lambda x: (x.max(1).values + x.min(0)[0], x.max(-1, keepdim=True).indices), 0, 0, [(3, 4, 4)]),
    "max, min of all": (lambda t: lambda x: x.max() - x.min(), 0, 0, [(3, 6)]),
    "logsumexp, var, std": (lambda t: lambda x: t.logsumexp(x, 1) + x.var(0) + x.std(), 0, 0, [(3, 4, 4)]),
    "softmax, log_softmax": (lambda t: lambda x: t.softmax(x, -1) + t.log_softmax(x, 0), 0, 0, [(3, 4, 5)]),
    "scalar example": (lambda t: lambda x: x * x.sum() + x.sum(0), 0, 0, [(5,)]),
    # matrix products
    "mm": (lambda t: t.mm, 0, 0, [(3, 2, 4), (3, 4, 5)]),
    "mm unbatched right": (lambda t: t.mm, (0, None), 0, [(3, 2, 4), (4, 5)]),
    "mm unbatched left": (lambda t: t.mm, (None, 0), 0, [(2, 4), (3, 4, 5)]),
    "mv": (lambda t: t.mv, (0, None), 0, [(3, 2, 4), (4,)]),
    "mv batched vector": (lambda t: t.mv, (None, 0), 0, [(2, 4), (3, 4)]),
    "dot": (lambda t: t.dot, 0, 0, [(3, 4), (3, 4)]),
    "dot unbatched": (lambda t: t.dot, (0, None), 0, [(3, 4), (4,)]),
    "matmul vector @ matrix": (lambda t: t.matmul, (0, None), 0, [(3, 4), (4, 5)]),
    "matmul batch of matrices": (lambda t: t.matmul, (0, None), 0, [(3, 2, 4), (6, 4, 5)]),
    "matmul both batched 3-d": (lambda t: lambda x, y: x @ y, 0, 0, [(3, 2, 2, 4), (3, 4, 5)]),
    "outer": (lambda t: t.outer, (0, None), 0, [(3, 4), (2,)]),
    # shapes
    "reshape, view": (lambda t: lambda x: x.reshape(2, 6).view(-1) + x.flatten(), 0, 0, [(3, 3, 4)]),
    "transpose, t, mT": (lambda t: lambda x: x.transpose(0, 1).t() + x.mT.mT, 0, 0, [(3, 4, 5)]),
    "permute": (lambda t: lambda x: x.permute(2, 0, 1), 0, 0, [(3, 4, 5, 2)]),
    "squeeze, unsqueeze": (lambda t: lambda x: x.unsqueeze(0).unsqueeze(-1).squeeze(), 0, 0, [(3, 4, 1)]),
    "expand, broadcast_to": (lambda t: lambda x: x.expand(2, 4) + t.broadcast_to(x, (3, 2, 4)), 0, 0, [(3, 4)]),
    "indexing": (lambda t: lambda x: x[1] + x[:, 2] + x[..., -1:].sum() + x[0, 1:3].sum(), 0, 0, [(3, 4, 4)]),
    "fancy indexing": (lambda t: lambda x: x[[0, 2, 2]] * 2 + x[:, [1, 0, 1]].sum(0), 0, 0, [(3, 3, 3)]),
    "boolean mask of constants": (lambda t: lambda x: x[t.tensor([True, False, True])], 0, 0, [(3, 3)]),
    "cat, stack": (lambda t: lambda x, y: t.cat([x, y], 0).sum() + t.stack([x, y], 1), (0, None), 0, [(3, 4), (4,)]),
    "cat along dim 1": (lambda t: lambda x, y: t.cat([x, y], 1), 0, 0, [(3, 2, 2), (3, 2, 3)]),
    # in_dims / out_dims
    "in_dims=1": (lambda t: lambda x: x * 2, 1, 0, [(4, 3)]),
    "in_dims=-1": (lambda t: lambda x: x.sum(0), -1, 0, [(4, 5, 3)]),
    "in_dims (1, None)": (lambda t: lambda x, y: x @ y, (1, None), 0, [(2, 3, 4), (4,)]),
    "nested in_dims": (lambda t: lambda x, yz: x + yz[0] * yz[1], (0, (None, 1)), 0, [(3, 2), [(2,), (2, 3)]]),
    "out_dims=1": (lambda t: lambda x: x.exp(), 0, 1, [(3, 4, 5)]),
    "out_dims=-1": (lambda t: lambda x: x.exp(), 0, -1, [(3, 4, 5)]),
    "out_dims tuple, several outputs": (lambda t: lambda x: (x.sin(), x.sum()), 0, (1, 0), [(3, 4)]),
    "out_dims None for an unbatched output": (lambda t: lambda x, y: (x * 2, y * 3), (0, None), (0, None), [(3, 4), (2,)]),
    "an output that ignores the batch": (lambda t: lambda x, y: y * 1, (0, None), 0, [(3, 4), (2,)]),
    "list output": (lambda t: lambda x: [x, x.cos()], 0, 0, [(3, 2)]),
}


def _inputs(lib, shapes, rng):
    out = []
    for s in shapes:
        if isinstance(s, list):
            out.append(tuple(_inputs(lib, s, rng)))
        else:
            out.append(lib.tensor(rng.standard_normal(s)))
    return out


def _run(lib, F, case, seed=0):
    make, in_dims, out_dims, shapes = CASES[case]
    args = _inputs(lib, shapes, np.random.default_rng(seed))
    return F.vmap(make(lib), in_dims=in_dims, out_dims=out_dims)(*args)


@pytest.mark.parametrize("case", list(CASES))
def test_vmap_matches_torch_func(torch, case):
    import torch.func

    _compare(_run(minigrad, mf, case), _run(torch, torch.func, case), torch)


# Nesting, and vmap with the other transforms --------------------------------------------

NESTED = {
    "vmap of vmap": lambda F, t, a, b, c: F.vmap(F.vmap(lambda x: x.sin() * x.sum()))(a),
    "vmap of vmap, different in_dims": lambda F, t, a, b, c: F.vmap(F.vmap(t.mul, in_dims=(0, None)), in_dims=(None, 0))(a, b),
    "vmap of vmap of dot": lambda F, t, a, b, c: F.vmap(F.vmap(t.dot, in_dims=(None, 0)), in_dims=(0, None))(a, b),
    "vmap of vmap of mv": lambda F, t, a, b, c: F.vmap(lambda x: F.vmap(lambda y: b @ (x * y))(a))(a),
    "vmap of vmap capturing an outer example": lambda F, t, a, b, c: F.vmap(lambda x: F.vmap(lambda y: (x * y).sum() + x)(b))(a),
    "vmap of grad (per-example gradients)": lambda F, t, a, b, c: F.vmap(F.grad(lambda w, x: ((w * x).sum() - 1) ** 2), in_dims=(None, 0))(c, a),
    "vmap of grad, argnums": lambda F, t, a, b, c: F.vmap(F.grad(lambda w, x: (w @ x).tanh().sum(), argnums=(0, 1)), in_dims=(None, 0))(b, a),
    "vmap of jacrev": lambda F, t, a, b, c: F.vmap(F.jacrev(lambda x: (b @ x).sin()))(a),
    "vmap of jacfwd": lambda F, t, a, b, c: F.vmap(F.jacfwd(lambda x: (b @ x).sin()))(a),
    "vmap of hessian": lambda F, t, a, b, c: F.vmap(F.hessian(lambda x: (x.exp() * c).sum()))(a),
    "vmap of vjp": lambda F, t, a, b, c: F.vmap(lambda x, v: F.vjp(t.sin, x)[1](v)[0])(a, a.cos()),
    "vmap of jvp": lambda F, t, a, b, c: F.vmap(lambda x, v: F.jvp(t.tanh, (x,), (v,)))(a, a * 2),
    "grad of vmap": lambda F, t, a, b, c: F.grad(lambda w: F.vmap(lambda x: (w * x).sum().sin())(a).sum())(c),
    "jacrev of vmap": lambda F, t, a, b, c: F.jacrev(lambda w: F.vmap(lambda x: (w * x).exp())(a))(c),
    "jacfwd of vmap": lambda F, t, a, b, c: F.jacfwd(lambda w: F.vmap(lambda x: (w * x).exp())(a))(c),
    "vmap of jacrev at an unbatched point": lambda F, t, a, b, c: F.vmap(lambda r: F.jacrev(lambda x: (x * r).sin())(c))(a),
    "vmap of jacfwd at an unbatched point": lambda F, t, a, b, c: F.vmap(lambda r: F.jacfwd(lambda x: (x * r).sin())(c))(a),
    "vmap of hessian at an unbatched point": lambda F, t, a, b, c: F.vmap(lambda r: F.hessian(lambda x: (x * r).exp().sum())(c))(a),
    "vmap of vjp at an unbatched point": lambda F, t, a, b, c: F.vmap(lambda r: F.vjp(lambda x: x * r, c)[1](r))(a),
    "jvp of vmap": lambda F, t, a, b, c: F.jvp(lambda y: F.vmap(lambda x: (x * c).sin())(y), (a,), (a.cos(),)),
    "hessian of vmap": lambda F, t, a, b, c: F.hessian(lambda w: F.vmap(lambda x: (w * x).exp().sum())(a).sum())(c),
    "vmap of vmap of grad": lambda F, t, a, b, c: F.vmap(F.vmap(F.grad(lambda w, x: (w * x).tanh().sum()), in_dims=(None, 0)), in_dims=(0, None))(b, a),
    "vmap of jacrev of jacrev": lambda F, t, a, b, c: F.vmap(F.jacrev(F.jacrev(lambda x: (b @ x).sin())))(a),
    "vmap of jacfwd(jacfwd)": lambda F, t, a, b, c: F.vmap(F.jacfwd(F.jacfwd(lambda x: (b @ x).sin())))(a),
}


@pytest.mark.parametrize("case", list(NESTED))
def test_nested_transforms_match_torch_func(torch, case):
    import torch.func

    def run(lib, F):
        rng = np.random.default_rng(1)
        a, b, c = (lib.tensor(rng.standard_normal(s)) for s in [(3, 4), (5, 4), (4,)])
        return NESTED[case](F, lib, a, b, c)

    _compare(run(minigrad, mf), run(torch, torch.func), torch)


JACOBIANS = {
    "jacrev": lambda F, f, x, y: F.jacrev(f)(x, y),
    "jacrev argnums": lambda F, f, x, y: F.jacrev(f, argnums=(0, 1))(x, y),
    "jacrev chunked": lambda F, f, x, y: F.jacrev(f, chunk_size=2)(x, y),
    "jacfwd": lambda F, f, x, y: F.jacfwd(f)(x, y),
    "jacfwd argnums": lambda F, f, x, y: F.jacfwd(f, argnums=(0, 1))(x, y),
    "jacfwd(jacfwd)": lambda F, f, x, y: F.jacfwd(F.jacfwd(f))(x, y),
    "jacrev(jacrev)": lambda F, f, x, y: F.jacrev(F.jacrev(f))(x, y),
    "jacfwd(jacrev)": lambda F, f, x, y: F.jacfwd(F.jacrev(f, argnums=1), argnums=1)(x, y),
    "jacrev(jacfwd)": lambda F, f, x, y: F.jacrev(F.jacfwd(f))(x, y),
    "hessian": lambda F, f, x, y: F.hessian(lambda x, y: f(x, y).sum())(x, y),
    "hessian argnums": lambda F, f, x, y: F.hessian(lambda x, y: f(x, y).sum(), argnums=(0, 1))(x, y),
    "hessian of a vector function": lambda F, f, x, y: F.hessian(f)(x, y),
    "third derivative": lambda F, f, x, y: F.jacfwd(F.jacrev(F.jacrev(f)))(x, y),
    "two outputs, has_aux": lambda F, f, x, y: F.jacrev(lambda x, y: ((f(x, y), x.sum()), y * 2), has_aux=True)(x, y),
    "jacfwd has_aux": lambda F, f, x, y: F.jacfwd(lambda x, y: (f(x, y), y * 2), has_aux=True)(x, y),
}


@pytest.mark.parametrize("case", list(JACOBIANS))
def test_jacobians_match_torch_func(torch, case):
    import torch.func

    def run(lib, F):
        rng = np.random.default_rng(2)
        W = lib.tensor(rng.standard_normal((3, 4)))
        x, y = lib.tensor(rng.standard_normal(4)), lib.tensor(rng.standard_normal(3))
        f = lambda x, y: (W @ x + y).tanh() * (x * x).sum()
        return JACOBIANS[case](F, f, x, y)

    _compare(run(minigrad, mf), run(torch, torch.func), torch)


def test_float32_tutorial_hessian_matches_torch(torch):
    """The "Jacobians, Hessians, hvp, vhp" tutorial's cell, smaller: hessian,
    jacfwd(jacfwd) and jacrev(jacrev) of predict agree with torch (float32)."""
    import torch.func

    def run(lib, F):
        rng = np.random.default_rng(3)
        W = lib.tensor(rng.standard_normal((8, 16), dtype=np.float32))
        b = lib.tensor(rng.standard_normal(8, dtype=np.float32))
        x = lib.tensor(rng.standard_normal(16, dtype=np.float32))
        predict = lambda weight, bias, x: (weight @ x + bias).tanh()
        return (F.hessian(predict, argnums=2)(W, b, x),
                F.jacfwd(F.jacfwd(predict, argnums=2), argnums=2)(W, b, x),
                F.jacrev(F.jacrev(predict, argnums=2), argnums=2)(W, b, x))

    _compare(run(minigrad, mf), run(torch, torch.func), torch, rtol=1e-5, atol=1e-6)


def test_autograd_functional_jacobian_vectorized_matches_torch(torch):
    def run(lib):
        rng = np.random.default_rng(4)
        W = lib.tensor(rng.standard_normal((3, 4)))
        x, y = lib.tensor(rng.standard_normal(4)), lib.tensor(rng.standard_normal(3))
        f = lambda x, y: ((W @ x + y).tanh(), x.exp())
        F = lib.autograd.functional
        return (F.jacobian(f, (x, y), vectorize=True),
                F.jacobian(f, (x, y), vectorize=True, strategy="forward-mode"),
                F.jacobian(lambda x: (W @ x).sin(), x, vectorize=True, create_graph=True))

    _compare(run(minigrad), run(torch), torch)


# Printed text and errors -------------------------------------------------------------

EXPRESSIONS = [
    "vmap(torch.sin)(x)",
    "vmap(lambda a: a.sum(), out_dims=0)(x)",
    "vmap(torch.mul, in_dims=(0, None))(x, torch.tensor([10., 100., 1000.]))",
    "vmap(lambda a: (a, a * 2))(x)",
    "vmap(lambda a: {'k': a.exp()})(x)",
    "vmap(lambda a: torch.tensor(3.) * a, out_dims=1)(x)",
    "vmap(torch.sin)(torch.tensor([1., 2.], requires_grad=True))",
    "vmap(grad(lambda w: (w * w).sum()))(x)",
    "jacrev(lambda v: v * v)(torch.tensor([1., 2.]))",
    "jacfwd(lambda v: v.sin())(torch.tensor([0., 1.]))",
    "hessian(lambda v: (v ** 3).sum())(torch.tensor([1., 2.]))",
    # errors
    "vmap(torch.add)(x, torch.ones(3, 3))",
    "vmap(torch.sin, in_dims=2)(x)",
    "vmap(torch.sin, in_dims=-3)(x)",
    "vmap(torch.add, in_dims=(0,))(x, x)",
    "vmap(torch.sin, in_dims=(0, 1))(x)",
    "vmap(torch.sin, in_dims='a')(x)",
    "vmap(torch.sin, in_dims=None)(x)",
    "vmap(torch.add, in_dims=(None, None))(x, x)",
    "vmap(torch.sin)(torch.tensor(1.))",
    "vmap(torch.sin)(1.0)",
    "vmap(torch.sin, out_dims=2)(x)",
    "vmap(torch.sin, out_dims=(0, 1))(x)",
    "vmap(lambda a: 1.0)(x)",
    "vmap(lambda a: (a, 1))(x)",
    "vmap(lambda a: a.sum(), out_dims=None)(x)",
    "vmap(lambda a: x.sum(), out_dims=None)(x)",
    "vmap(torch.sin)()",
    "vmap(lambda a: torch.rand(3))(x)",
    "vmap(lambda a: a + torch.randn(2))(x)",
    "vmap(torch.sin, randomness='x')(x)",
    "vmap(lambda a: a.item())(x)",
    "vmap(lambda a: float(a.sum()))(x)",
    "jacrev(lambda x: x, chunk_size=0)",
    "vmap(lambda a: (a * 2, 1.5), out_dims=(0, None))(x)",
    "vmap(lambda d: d['u'] * d['v'], in_dims=({'u': 0, 'v': None},))({'u': x, 'v': x[0]})",
    "vmap(lambda d: d['u'] * d['v'], in_dims=({'u': 0},))({'u': x, 'v': x[0]})",
    "vmap(torch.sin, in_dims=[0])(x)",
    "vmap(torch.sin, chunk_size=2)(x)",
    "vmap(lambda a, b: a @ b, in_dims=(1, None), out_dims=1, chunk_size=1)(x, x[:, 0])",
    "vmap(lambda a: a.numpy())(x)",
    "vmap(lambda a: a if a.sum() > 0 else -a)(x)",
]


def _evaluate(lib, F, expression):
    x = lib.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    ns = {"torch": lib, "x": x, **{n: getattr(F, n) for n in
                                   ["vmap", "grad", "jacrev", "jacfwd", "hessian"]}}
    try:
        return repr(eval(expression, ns))
    except Exception as e:  # noqa: BLE001 (compared with PyTorch's)
        return f"{type(e).__name__}: {e}"


@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_prints_and_raises_what_torch_func_does(torch, expression):
    import torch.func

    assert _evaluate(minigrad, mf, expression) == _evaluate(torch, torch.func, expression)


VECTORIZED = [
    "F.jacobian(lambda v: v ** 2, x, vectorize=True)",
    "F.jacobian(lambda v, w: (v ** 2 * w, v.sum()), (x, x), vectorize=True)",
    "F.jacobian(lambda v: v ** 3, x.requires_grad_(), vectorize=True, create_graph=True)",
    "F.hessian(lambda v: (v ** 3).sum(), x, vectorize=True)",
    "F.jacobian(lambda v: v.exp(), x, vectorize=True, strict=True)",
]


@pytest.mark.parametrize("expression", VECTORIZED)
def test_vectorized_jacobian_prints_what_torch_prints(torch, expression):
    def run(lib):
        ns = {"F": lib.autograd.functional, "x": lib.tensor([1.0, 2.0])}
        try:
            return repr(eval(expression, ns))
        except Exception as e:  # noqa: BLE001 (compared with PyTorch's)
            return f"{type(e).__name__}: {e}"

    assert run(minigrad) == run(torch)


INSIDE = r"""
x = torch.tensor([[1., 2.], [3., 4.]])
vmap(lambda a: print(repr(a)) or a)(x)
vmap(vmap(lambda a: print(repr(a)) or a))(x)
vmap(lambda a: print(a.shape, a.dim(), a.size(0), a.size(-1), a.numel(), len(a)) or a)(x)
print(vmap(lambda a: a.argmax())(x), vmap(lambda a: a.argmin(0, keepdim=True))(x))
print(vmap(lambda a: a.isnan() | a.isinf() | ~a.isfinite())(x))
print(vmap(lambda a: (a > 2).all())(x), vmap(lambda a: (a > 2).any(0))(x))
print(vmap(lambda a: a.chunk(2)[0])(x), vmap(lambda a: a.split(1)[1])(x))
print(vmap(lambda a: a[torch.tensor([1, 0])])(x))
print(vmap(lambda a: a.clone().add_(1))(x))
print(vmap(lambda a: a.detach() * 2)(x))
print(vmap(lambda a: a.float().double())(x))
print(vmap(lambda a: torch.zeros_like(a) + a)(x))
print(vmap(lambda a: a.unbind(0)[1])(x), vmap(lambda a: a.expand(3, 2).contiguous().view(6))(x))
def assign(a):
    b = a.clone()
    b[0] = 10.
    b[1:] *= 2
    return b
def assign_batched(a):
    b = torch.zeros(3, 2) * a
    b[1] = a * 10
    b[:, 0] = 5.
    return b
def into_unbatched(a):
    b = torch.zeros(2)
    b[1] = a[0]
    return b
def add_into_unbatched(a):
    return torch.zeros(2).add_(a)
for f in (assign, into_unbatched, add_into_unbatched, lambda a: a.mul_(2)):
    try:
        print(vmap(f)(x.clone()))
    except RuntimeError as e:
        print("RuntimeError:", e)
print(vmap(lambda a: vmap(assign_batched)(a))(torch.arange(12.).reshape(2, 3, 2)))
m, i, j = torch.arange(12.).reshape(3, 4), torch.tensor([1, 3, 0]), torch.tensor([[0, 1], [2, 2], [3, 0]])
print(vmap(lambda a, k: a[k])(m, i), vmap(lambda a, k: a[k])(m, j), vmap(lambda k: m[:, k])(i))
print(vmap(lambda a, k: a[k] * 2, in_dims=(None, 0))(m[0], i))
try:
    vmap(lambda a, b: a[b > 5])(m, m)
except RuntimeError as e:
    print("RuntimeError:", e)
"""


THROUGH = r"""
x = torch.tensor([[1., 2., 3.], [3., 4., 5.]], requires_grad=True)
w = torch.tensor([0.5, -1., 2.], requires_grad=True)
y = vmap(lambda a: (a * w).sin().sum())(x)
print(y, vmap(lambda a: a.prod())(x), vmap(lambda a: a.mean())(x))
y.sum().backward()
print(x.grad, w.grad)
z = vmap(lambda a, b: a @ b, in_dims=(0, None))(x, w)
print(z, torch.autograd.grad(z.sum(), x, create_graph=True))
"""


def test_backward_through_vmap_prints_what_torch_prints(torch):
    import contextlib
    import io

    import torch.func

    def run(lib, F):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(THROUGH, {"torch": lib, "vmap": F.vmap})
        return out.getvalue()

    assert run(minigrad, mf) == run(torch, torch.func)


def test_inside_vmap_prints_what_torch_prints(torch):
    import contextlib
    import io

    import torch.func

    def run(lib, F):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(INSIDE, {"torch": lib, "vmap": F.vmap})
        return out.getvalue()

    assert run(minigrad, mf) == run(torch, torch.func)


PER_SAMPLE = r"""
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
params = {k: v.detach() for k, v in model.named_parameters()}
X, T = torch.randn(5, 4), torch.tensor([0, 2, 1, 1, 0])
def loss(p, x, t):
    out = F.functional_call(model, p, (x.unsqueeze(0),))
    return torch.nn.functional.cross_entropy(out, t.unsqueeze(0))
for k, v in F.vmap(F.grad(loss), in_dims=(None, 0, 0))(params, X, T).items():
    print(k, v.shape, v.sum(0))
"""


def test_per_sample_gradients_tutorial_prints_what_torch_prints(torch):
    """PyTorch's per-sample-gradients tutorial: vmap(grad(loss of functional_call))."""
    import contextlib
    import io

    import torch.func

    def run(lib, F):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(PER_SAMPLE, {"torch": lib, "F": F})
        return out.getvalue()

    assert run(minigrad, mf) == run(torch, torch.func)


def test_torch_vmap_is_func_vmap():
    assert minigrad.vmap is mf.vmap


RANDOM = r"""
torch.manual_seed(0)
x = torch.ones(3)
print(vmap(lambda a: a + torch.randn(()), randomness="different")(x))
print(vmap(lambda a: a + torch.rand(2), randomness="different")(x))
print(vmap(lambda a: a + torch.randn(()), randomness="same")(x))
print(vmap(vmap(lambda a: a + torch.randn(()), randomness="different"), randomness="same")(torch.ones(2, 3)))
print(vmap(vmap(lambda a: a + torch.randn(()), randomness="same"), randomness="different")(torch.ones(2, 3)))
print(vmap(vmap(lambda a: a + torch.randn(()), randomness="different"), randomness="different")(torch.ones(2, 3)))
print(vmap(lambda a: a * torch.randint(0, 10, (2,)), randomness="different")(x))
print(vmap(lambda a: a + torch.randn_like(a) + torch.normal(0., 1., (1,)), randomness="different")(x))
"""


def test_randomness_draws_what_torch_draws(torch):
    """randomness="different" and "same", nested: the samples of torch's streams."""
    import contextlib
    import io

    import torch.func

    def run(lib, F):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(RANDOM, {"torch": lib, "vmap": F.vmap})
        return out.getvalue()

    assert run(minigrad, mf) == run(torch, torch.func)


# Every random op under randomness="different" and "same" (issue 17): each expression is
# evaluated after manual_seed(0), and prints its value (or torch's error) and the next
# number of the stream (how much the op drew), as torch.func.vmap's.
RANDOM_OPS = [
    # pointwise samplers: "same" refuses a batched argument, "different" expands
    "vmap(torch.bernoulli, randomness='different')(P)",
    "vmap(torch.bernoulli, randomness='same')(P)",
    "vmap(lambda a: torch.bernoulli(P[0]) + a, randomness='different')(x)",
    "vmap(lambda a: torch.bernoulli(P[0]) + a, randomness='same')(x)",
    "vmap(torch.bernoulli, in_dims=1, randomness='different')(P)",
    "vmap(lambda a: a.bernoulli(), randomness='different')(P)",
    "vmap(lambda a: torch.bernoulli(a, 0.3), randomness='different')(x)",
    "vmap(lambda a: torch.bernoulli(a, 0.3), in_dims=1, randomness='different')(x.t())",
    "vmap(lambda a: torch.bernoulli(a, 0.3), randomness='same')(x)",
    "vmap(torch.bernoulli)(P)",
    "vmap(lambda m: torch.normal(m, 1.), randomness='different')(x)",
    "vmap(lambda m: torch.normal(m, 1.), randomness='different')(torch.ones(5, 8))",
    "vmap(lambda m: torch.normal(m, 1.), in_dims=1, randomness='different')(torch.ones(5, 8))",
    "vmap(lambda m: torch.normal(m, 1.), randomness='same')(x)",
    "vmap(lambda s: torch.normal(0., s), randomness='different')(x)",
    "vmap(lambda m, s: torch.normal(m, s), randomness='different')(x, x * 2)",
    "vmap(lambda a: torch.normal(torch.zeros(3), 1.) + a, randomness='different')(x)",
    "vmap(lambda a: torch.normal(torch.zeros(3), 1.) + a, randomness='same')(x)",
    "vmap(lambda w: torch.multinomial(w, 2), randomness='different')(W)",
    "vmap(lambda w: torch.multinomial(w, 5, True), randomness='different')(W)",
    "vmap(lambda w: torch.multinomial(w, 2), in_dims=1, randomness='different')(W.t())",
    "vmap(lambda w: torch.multinomial(w, 2), randomness='same')(W)",
    "vmap(lambda a: torch.multinomial(W[0], 2) + a, randomness='different')(x[:, :2])",
    "vmap(lambda a: torch.multinomial(W[0], 2) + a, randomness='same')(x[:, :2])",
    "vmap(lambda w: torch.multinomial(w, 2), randomness='different')(W.reshape(3, 2, 2))",
    "vmap(lambda a: torch.multinomial(W, 3) + a, randomness='different')(torch.ones(2, 3, 3))",
    "vmap(lambda w: torch.multinomial(w, 3, replacement=True), randomness='different')(W.reshape(3, 2, 2))",
    "vmap(lambda w: torch.multinomial(w, 1))(W)",
    # in-place samplers: "different" refuses an unbatched tensor, "same" copies one sample
    "vmap(lambda a: a.clone().uniform_(), randomness='different')(x)",
    "vmap(lambda a: a.clone().uniform_(-1, 2), randomness='same')(x)",
    "vmap(lambda a: torch.zeros(3).uniform_() + a, randomness='different')(x)",
    "vmap(lambda a: torch.zeros(3).uniform_() + a, randomness='same')(x)",
    "vmap(lambda a: a.clone().uniform_())(x)",
    "vmap(lambda a: a.clone().normal_(), randomness='different')(x)",
    "vmap(lambda a: a.clone().normal_(1., 2.), randomness='different')(torch.ones(4, 5))",
    "vmap(lambda a: a.clone().normal_(1., 2.), randomness='same')(torch.ones(4, 20))",
    "vmap(lambda a: a.clone().exponential_(2.), randomness='different')(x)",
    "vmap(lambda a: a.clone().exponential_(2.), randomness='same')(x)",
    "vmap(lambda a: a.clone().exponential_(), randomness='different')(torch.zeros(2, 3, dtype=torch.float64))",
    "vmap(lambda a: a.clone().bernoulli_(0.3), randomness='different')(x)",
    "vmap(lambda a: a.clone().bernoulli_(0.3), randomness='same')(x)",
    "vmap(lambda a, p: a.clone().bernoulli_(p), randomness='different')(x, P)",
    "vmap(lambda a, p: a.clone().bernoulli_(p), randomness='same')(x, P)",
    "vmap(lambda a: a.clone().bernoulli_(P[0]), randomness='different')(x)",
    "vmap(lambda a: a.clone().bernoulli_(P[0]), randomness='same')(x)",
    "vmap(lambda a: torch.zeros(3).bernoulli_(0.5) + a, randomness='different')(x)",
    "vmap(lambda a: torch.zeros(3).bernoulli_(0.5) + a, randomness='same')(x)",
    "vmap(lambda p: torch.zeros(3).bernoulli_(p), randomness='different')(P)",
    "vmap(lambda a, p: a.clone().bernoulli_(p), in_dims=(0, None), randomness='different')(torch.zeros(3, 2, 2), torch.tensor([0.5, 0.5]))",
    "vmap(lambda a, p: a.clone().bernoulli_(p), randomness='different')(torch.zeros(3, 2, 2), P[:3, :2])",
    "vmap(lambda a, p: a.clone().bernoulli_(p), randomness='different')(torch.zeros(3, 2), torch.rand(3, 2, dtype=torch.float64))",
    "vmap(lambda a: (a * 1).uniform_(), randomness='different')(torch.ones(2, 3, requires_grad=True))",
    "vmap(lambda a: (a * 1).normal_(), randomness='same')(torch.ones(2, 3, requires_grad=True))",
    "vmap(lambda a: torch.nn.init.uniform_(torch.zeros(3)) + a, randomness='same')(x)",
    "vmap(lambda a: torch.nn.init.uniform_(torch.zeros(3)) + a, randomness='different')(x)",
    "vmap(lambda a: torch.nn.init.normal_(a.clone()), randomness='different')(x)",
    "vmap(lambda a: torch.nn.init.normal_(a.clone()), randomness='same')(x)",
    "vmap(lambda a: torch.nn.init.kaiming_uniform_(a.clone()), randomness='different')(torch.zeros(2, 3, 4))",
    "vmap(lambda a: torch.nn.init.xavier_uniform_(a.clone()), randomness='same')(torch.zeros(2, 3, 4))",
    # in place, in the order of the tensor's memory (an in_dims=1 batch varies fastest)
    "vmap(lambda a: a.clone().uniform_(), in_dims=1, randomness='different')(x.t())",
    "vmap(lambda a: a.uniform_(), in_dims=1, randomness='different')(torch.ones(3, 4))",
    "vmap(lambda a: a.clone().normal_(), in_dims=1, randomness='different')(torch.ones(5, 8))",
    "torch.ones(8, 5).t().normal_()",
    "torch.ones(3, 2).t().uniform_()",
    "torch.zeros(3, 2).bernoulli_(torch.tensor([0.5, 0.5]))",
    "(torch.ones(2, requires_grad=True) * 1).uniform_()",
    "(torch.ones(2, requires_grad=True) * 1).bernoulli_(0.5)",
    "(torch.ones(2, requires_grad=True) * 1).normal_()",
    "(torch.ones(2, requires_grad=True) * 1).exponential_()",
    # dropout: a mask per example ("different", batched input or not) or one for all
    "vmap(lambda a: F.dropout(a, 0.4), randomness='different')(x)",
    "vmap(lambda a: F.dropout(a, 0.4), randomness='same')(x)",
    "vmap(lambda a: F.dropout(a, 0.4), in_dims=1, randomness='different')(x.t())",
    "vmap(lambda a: F.dropout(a, 0.4, training=False))(x)",
    "vmap(lambda a: F.dropout(a, 1.0), randomness='different')(x)",
    "vmap(lambda a: F.dropout(a, 1.0))(x)",
    "vmap(lambda a: F.dropout(a, 0.0))(x)",
    "vmap(lambda a: F.dropout(a, 0.4))(x)",
    "vmap(lambda a: F.dropout(torch.ones(3), 0.4) + a, randomness='different')(x)",
    "vmap(lambda a: F.dropout(torch.ones(3), 0.4) + a, randomness='same')(x)",
    "vmap(lambda a: F.dropout(a.clone(), 0.4, inplace=True), randomness='different')(x)",
    "vmap(lambda a: F.dropout(a, 0.25), randomness='different')(torch.ones(2, 3, dtype=torch.float64))",
    "vmap(torch.nn.Dropout(0.5), randomness='different')(x)",
    "vmap(torch.nn.Dropout(0.5), randomness='same')(x)",
    "vmap(lambda a: F.dropout(a, 0.5), randomness='different')(torch.ones(2, 3, requires_grad=True))",
    # randperm (one draw per example), *_like (laid out like the input)
    "vmap(lambda a: torch.randperm(4) + a, randomness='different')(torch.ones(3, 4))",
    "vmap(lambda a: torch.randperm(4) + a, randomness='same')(torch.ones(3, 4))",
    "vmap(lambda a: torch.randperm(3) + a)(x[:, :3])",
    "vmap(lambda a: torch.rand_like(a), randomness='different')(x)",
    "vmap(lambda a: torch.rand_like(a), randomness='same')(x)",
    "vmap(lambda a: torch.rand_like(a), in_dims=1, randomness='different')(x.t())",
    "vmap(lambda a: torch.randn_like(a), in_dims=1, randomness='different')(x.t())",
    "vmap(lambda a: torch.randn_like(a), in_dims=1, randomness='different')(torch.ones(5, 8))",
    "vmap(lambda a: torch.randn_like(a), randomness='different')(torch.ones(5, 8))",
    "vmap(lambda a: torch.randn_like(a), in_dims=1, randomness='same')(torch.ones(20, 3))",
    "vmap(lambda a: torch.rand_like(torch.ones(2, 3).t()) + a, randomness='different')(torch.zeros(2, 1, 1))",
    "vmap(torch.rand_like)(W)",
    "torch.rand_like(torch.ones(3, 2).t())",
    "torch.rand_like(torch.ones(3, 2).t()).is_contiguous()",
    "torch.randn_like(torch.ones(8, 5).t())",
    "torch.rand_like(torch.ones(3, 4)[:, ::2].t())",
    "torch.rand_like(torch.ones(3).expand(2, 3))",
    "torch.rand_like(torch.ones(3, 1).expand(3, 2))",
    # nested vmaps, the rules applied at each level from the innermost out
    "vmap(vmap(torch.bernoulli, randomness='different'), randomness='different')(P.reshape(2, 2, 3))",
    "vmap(vmap(lambda a: a.clone().uniform_(), randomness='different'), randomness='different')(torch.ones(2, 3, 2))",
    "vmap(vmap(lambda a: a.clone().uniform_(), randomness='same'), randomness='different')(torch.ones(2, 3, 2))",
    "vmap(vmap(lambda a: a.clone().uniform_(), randomness='different'), randomness='same')(torch.ones(2, 3, 2))",
    "vmap(vmap(lambda b: b.clone().normal_(), randomness='different'), randomness='same')(torch.zeros(2, 4, 3))",
    "vmap(vmap(lambda b: b.clone().bernoulli_(torch.full((3,), 0.5)), randomness='different'), randomness='same')(torch.zeros(2, 4, 3))",
    "vmap(vmap(lambda a: F.dropout(a, 0.5), randomness='different'), randomness='different')(torch.ones(2, 3, 2))",
    "vmap(vmap(lambda w: torch.multinomial(w, 2), randomness='different'), randomness='different')(W.reshape(3, 2, 2))",
    "vmap(lambda a: vmap(lambda w: torch.multinomial(w, 2), randomness='different')(W) * a, randomness='same')(torch.ones(2))",
    "vmap(vmap(lambda a: torch.randperm(3) + a, randomness='different'), randomness='different')(torch.zeros(2, 4, 3))",
    "vmap(vmap(lambda a: torch.rand_like(a), randomness='different'), randomness='different')(torch.zeros(2, 4, 3))",
    "vmap(vmap(lambda a: torch.rand_like(a), randomness='same'), randomness='different')(torch.zeros(2, 4, 3))",
    "vmap(vmap(lambda a: torch.rand_like(a), in_dims=1, randomness='different'), in_dims=1, randomness='different')(torch.zeros(2, 4, 3))",
    "vmap(vmap(lambda a: a.clone().uniform_(), in_dims=1, randomness='different'), in_dims=2, randomness='different')(torch.zeros(2, 4, 3))",
    "vmap(vmap(lambda m: torch.normal(m, 1.), randomness='different'), randomness='same')(torch.zeros(2, 4, 3))",
    # bernoulli_ of a number: its rule is also PyTorch's rule for batched tensors
    "vmap(vmap(lambda b: b.clone().bernoulli_(0.5), randomness='different'), randomness='different')(torch.zeros(2, 3, 2))",
    "vmap(vmap(lambda b: b.clone().bernoulli_(0.5), randomness='different'), randomness='same')(torch.zeros(2, 3, 2))",
    "vmap(vmap(lambda b: b.clone().bernoulli_(0.5), randomness='same'), randomness='different')(torch.zeros(2, 3, 2))",
    "vmap(vmap(lambda b: b.clone().bernoulli_(0.5), randomness='same'), randomness='same')(torch.zeros(2, 3, 2))",
    "vmap(vmap(lambda b: torch.zeros(2).bernoulli_(0.5) + b, randomness='same'), randomness='different')(torch.zeros(2, 3, 2))",
    "vmap(lambda a: vmap(lambda b: b + 0)(a.clone().bernoulli_(0.5)), randomness='different')(torch.zeros(2, 3, 2))",
    # a sample drawn from a tensor that requires grad: a zero gradient, PyTorch's names
    "torch.bernoulli(torch.full((3,), 0.5, requires_grad=True))",
    "torch.bernoulli(torch.full((3,), 0.5, requires_grad=True), 0.3)",
    "vmap(torch.bernoulli, randomness='different')(torch.full((2, 3), 0.5, requires_grad=True))",
    "(torch.tensor([float('inf'), 1.], requires_grad=True) * 1).uniform_()",
]


def _random_namespace(lib, F) -> dict:
    lib.manual_seed(0)
    return {"torch": lib, "vmap": F.vmap, "F": lib.nn.functional, "x": lib.ones(4, 3),
            "P": lib.tensor([[0.1, 0.5, 0.9], [0.3, 0.6, 0.2], [0.7, 0.7, 0.7], [0.2, 0.4, 0.8]]),
            "W": lib.tensor([[1., 2., 3., 4.], [4., 3., 2., 1.], [1., 1., 1., 1.]])}


def _draw(lib, F, expression):
    ns = _random_namespace(lib, F)
    try:
        out = repr(eval(expression, ns))
    except Exception as e:  # noqa: BLE001 (compared with PyTorch's)
        out = f"{type(e).__name__}: {e}"
    return f"{out}\nnext: {lib.rand(1)!r}"


@pytest.mark.parametrize("expression", RANDOM_OPS)
def test_random_op_under_vmap_draws_what_torch_draws(torch, expression):
    """The same printed samples, shapes and errors, and as many draws from the stream
    (the next number drawn after it is the same)."""
    import torch.func

    assert _draw(minigrad, mf, expression) == _draw(torch, torch.func, expression)


@pytest.mark.parametrize("expression", RANDOM_OPS)
def test_random_op_under_vmap_is_bit_identical(torch, expression):
    import torch.func

    def run(lib, F):
        try:
            out = eval(expression, _random_namespace(lib, F))
        except Exception:  # noqa: BLE001 (the errors are compared above)
            return None
        return out.detach().numpy() if isinstance(out, lib.Tensor) else out

    mine, theirs = run(minigrad, mf), run(torch, torch.func)
    if isinstance(theirs, np.ndarray):
        assert (mine.dtype, mine.shape) == (theirs.dtype, theirs.shape)
        np.testing.assert_array_equal(mine, theirs)
    else:
        assert mine == theirs


FUNCTIONS = r"""
class Cube(torch.autograd.Function):
    @staticmethod
    def forward(x):
        return x ** 3, x * 2

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(inputs[0])

    @staticmethod
    def backward(ctx, g, _):
        (x,) = ctx.saved_tensors
        return 3 * x ** 2 * g

    @staticmethod
    def vmap(info, in_dims, x):
        print("vmap rule:", info.batch_size, info.randomness, in_dims)
        return Cube.apply(x.movedim(in_dims[0], 0)), (0, 0)

class Generated(Cube):
    generate_vmap_rule = True
    vmap = torch.autograd.Function.vmap

class Neither(Cube):
    vmap = torch.autograd.Function.vmap

class Both(Cube):
    generate_vmap_rule = True

x = torch.tensor([[1., 2.], [3., 4.], [5., 6.]])
print(vmap(Cube.apply)(x), vmap(Cube.apply, in_dims=1)(x))
print(vmap(Generated.apply)(x))
print(vmap(torch.func.grad(lambda a: Cube.apply(a)[0].sum()))(x))
for f in (Neither, Both):
    try:
        vmap(f.apply)(x)
    except RuntimeError as e:
        print("RuntimeError:", e)
"""


def test_custom_function_under_vmap_matches_torch(torch):
    """A custom Function's vmap staticmethod, generate_vmap_rule, and neither."""
    import contextlib
    import io

    import torch.func

    def run(lib, F):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(FUNCTIONS, {"torch": lib, "vmap": F.vmap})
        return out.getvalue()

    assert run(minigrad, mf) == run(torch, torch.func)


# in_dims and out_dims other than 0: the batch stays where the ops leave it -------------

# (function, inputs' shape, in_dims[, how many nodes of the graph to compare: 2]) -- each
# run with out_dims 0, 1 and -1 (torch's matmul of batches is a bmm between two views)
BATCH_AXES = {
    "identity": (lambda t: lambda a: a, (2, 3), (0, 1, -1)),
    "no-op cast": (lambda t: lambda a: a.float(), (2, 3), (1,)),
    "sin": (lambda t: t.sin, (2, 3, 4), (0, 1, 2)),
    "unary chain": (lambda t: lambda a: a.exp().sin().relu().sigmoid().tanh().abs(), (2, 3, 4), (1, 2)),
    "pow, clamp, sqrt, round": (lambda t: lambda a: (a ** 2).clamp(0, 3).sqrt().round(), (2, 3), (1, -1)),
    "neg, clone, double": (lambda t: lambda a: (-a).clone().double(), (2, 3, 4), (1, 2)),
    "leaky_relu": (lambda t: lambda a: t.nn.functional.leaky_relu(a), (2, 3), (1,)),
    "binary": (lambda t: lambda a: a.sin() * 2 + a, (2, 3, 4), (1, 2)),
    "where": (lambda t: lambda a: t.where(a > 1, a.sin(), 0.), (2, 3), (1,)),
    "sum, mean": (lambda t: lambda a: a.sin().sum(0) + a.mean(0), (2, 3, 4), (0, 1, 2)),
    "amax": (lambda t: lambda a: a.amax(0), (2, 3, 4), (1, 2)),
    "softmax, log_softmax": (lambda t: lambda a: a.softmax(0) + a.log_softmax(-1), (2, 3, 4), (1, 2)),
    "cat": (lambda t: lambda a: t.cat([a.sin(), a]), (2, 3, 4), (1, 2)),
    "stack": (lambda t: lambda a: t.stack([a, a.cos()]), (2, 3), (1, -1)),
    "reshape, view": (lambda t: lambda a: a.cos().reshape(-1) + a.view(-1), (2, 3), (1,)),
    "unsqueeze, squeeze": (lambda t: lambda a: a.sin().unsqueeze(0).squeeze(0), (2, 3, 4), (0, 1, 2)),
    "squeeze()": (lambda t: lambda a: a.squeeze(), (2, 1, 3), (0, 1, 2)),
    "t": (lambda t: lambda a: a.t(), (2, 3, 4), (0, 1, 2)),
    "t of a vector": (lambda t: lambda a: a.t(), (2, 3), (0, 1)),
    "transpose, permute": (lambda t: lambda a: a.transpose(0, -1).permute(1, 0), (2, 3, 4), (1, 2)),
    "indexing": (lambda t: lambda a: a.sin()[0], (2, 3, 4), (1, 2)),
    "matrix @ matrix": (lambda t: lambda a: a @ a.t(), (2, 3, 4), (0, 1, 2), 1),
    "matrix @ unbatched": (lambda t: lambda a: a @ t.ones(a.shape[-1], 2, dtype=t.float64),
                           (2, 3, 4), (0, 1, 2), 1),
    "two outputs": (lambda t: lambda a: (a.sin(), a.cos() + 1), (2, 3, 4), (1, 2)),
}


def _batch_axes(lib, F, case):
    f, shape, in_dims, depth = (*BATCH_AXES[case], 2)[:4]
    x = lib.arange(float(np.prod(shape)), dtype=lib.float64).reshape(shape).requires_grad_()
    lines = []
    for i in in_dims:
        for o in (0, 1, -1):
            try:
                out = F.vmap(f(lib), in_dims=i, out_dims=o)(x)
            except Exception as e:  # noqa: BLE001 (compared with PyTorch's)
                lines.append(f"{i} {o} {type(e).__name__}: {e}")
                continue
            for r in out if isinstance(out, tuple) else (out,):
                chain, fn = [], r.grad_fn
                while fn is not None and len(chain) < depth:
                    chain.append(type(fn).__name__)
                    fn = next((f for f, _ in fn.next_functions if f is not None), None)
                lines.append(f"{i} {o} {r.is_contiguous()} {r is x} {chain} {r!r}")
    return "\n".join(lines)


@pytest.mark.parametrize("case", list(BATCH_AXES))
def test_batch_axis_stays_where_torch_leaves_it(torch, case):
    """For in_dims and out_dims other than 0: the results' repr (grad_fn), the next
    nodes of their graphs, is_contiguous(), and whether vmap returned the input
    itself, as torch.func.vmap's (a PermuteBackward0 exactly where torch has one)."""
    import torch.func

    assert _batch_axes(minigrad, mf, case) == _batch_axes(torch, torch.func, case)


BATCH_AXES_INSIDE = r"""
x = torch.arange(24.).reshape(2, 3, 4)
vmap(lambda a: print(repr(a), repr(a.sin())) or a, in_dims=1)(x)
vmap(vmap(lambda a: print(repr(a)) or a, in_dims=1), in_dims=2)(x)
vmap(lambda a: print(a.shape, a.dim(), a.size(0), a.numel(), len(a), a.is_contiguous(),
                     a.sin().is_contiguous(), (a * 2).is_contiguous()) or a, in_dims=1)(x)
for d in (0, 1, 2):
    vmap(lambda a: print(d, a.shape, a.is_contiguous(), a.t().is_contiguous()) or a, in_dims=d)(x)
vmap(lambda a: print(a.is_contiguous()) or a)(x.transpose(1, 2))
y = torch.arange(6.).reshape(2, 3)
print(vmap(lambda a: a.mul_(2), in_dims=1)(y.clone()))
print(vmap(lambda a, b: (a * b).sin(), in_dims=(1, 0))(y, y.t()))
print(vmap(lambda a: a.sin(), in_dims=1, chunk_size=2)(x))
print(vmap(torch.func.grad(lambda a: (a.sin() * a).sum()), in_dims=1)(y))
print(vmap(torch.func.jacrev(lambda a: a.sin()), in_dims=1)(y))
"""


def test_batch_axis_inside_vmap_prints_what_torch_prints(torch):
    """A BatchedTensor's repr shows where its batch lies (bdim), is_contiguous() is an
    example's, and values through grad, jacrev and chunk_size are unchanged."""
    import contextlib
    import io

    import torch.func

    def run(lib, F):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(BATCH_AXES_INSIDE, {"torch": lib, "vmap": F.vmap})
        return out.getvalue()

    assert run(minigrad, mf) == run(torch, torch.func)


def test_randomness_same_shares_one_sample():
    minigrad.manual_seed(0)
    out = mf.vmap(lambda a: a * 0 + minigrad.rand(2), randomness="same")(minigrad.ones(3, 2))
    assert (out[0] == out[1]).all() and (out[1] == out[2]).all()


def test_primitive_without_a_rule_falls_back_to_a_loop(torch):
    """nll_loss has no batching rule: it runs per example, with torch's values."""
    import torch.func

    def run(lib, F):
        rng = np.random.default_rng(5)
        logits = lib.tensor(rng.standard_normal((3, 4, 5)))
        target = lib.tensor(np.array([[0, 1, 2, 3], [4, 3, 2, 1], [0, 0, 1, 1]]))
        loss = lambda z, t: lib.nn.functional.cross_entropy(z, t)
        return F.vmap(loss)(logits, target), F.vmap(F.grad(loss))(logits, target)

    _compare(run(minigrad, mf), run(torch, torch.func), torch)


# Speed ------------------------------------------------------------------------------

def test_nested_jacobians_are_batched_not_looped():
    """jacfwd(jacfwd(f)) of tanh(W x + b), 32 outputs, 256 inputs: issue 17 measured 20 s
    for the loop; batched it is a few dozen ops on whole arrays."""
    rng = np.random.default_rng(0)
    W = minigrad.tensor(rng.standard_normal((32, 256)).astype(np.float32))
    b = minigrad.tensor(rng.standard_normal(32).astype(np.float32))
    x = minigrad.tensor(rng.standard_normal(256).astype(np.float32))
    f = lambda x: (W @ x + b).tanh()
    start = time.perf_counter()
    H = mf.jacfwd(mf.jacfwd(f))(x)
    assert tuple(H.shape) == (32, 256, 256)
    assert time.perf_counter() - start < 2.0
    y = (W @ x + b).tanh().numpy()
    expected = np.einsum("o,oi,oj->oij", -2 * y * (1 - y * y), W.numpy(), W.numpy())
    np.testing.assert_allclose(H.numpy(), expected, rtol=1e-4, atol=1e-5)
