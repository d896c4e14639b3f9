"""minigrad.autograd.forward_ad: dual tensors and real forward mode.

* transcripts of torch_behaviour.md section 10 (printing, errors, mixing with
  reverse mode), replayed with ``torch`` bound to minigrad;
* differential tests: tangents of random programs built from many primitives
  equal PyTorch's forward-AD tangents;
* torch-free: forward mode agrees with reverse mode (``u . (J v) == (u^T J) . v``)
  for every program, tangents vanish when the level ends, forward-over-reverse
  and reverse-over-forward give second derivatives.
"""

# ruff: noqa: E501  (transcripts are copied verbatim from PyTorch, long lines included)
from __future__ import annotations

import numpy as np
import pytest

import minigrad
from minigrad.autograd import forward_ad as fwad

# Transcripts (torch_behaviour.md section 10) ----------------------------------------

def test_dual_tensor_prints_tangent_and_unpacks_to_named_tuple(repl):
    """10.2 Basic usage"""
    repl(r"""
>>> import torch.autograd.forward_ad as fwAD
>>> primal = torch.tensor([1., 2., 3.])
>>> tangent = torch.tensor([1., 0., 0.])
>>> with fwAD.dual_level():
...     dual = fwAD.make_dual(primal, tangent)
...     print(dual)
...     out = (dual ** 2).sin()
...     res = fwAD.unpack_dual(out)
...     print(type(res).__name__)
...     print(res)
...     print(res.primal)
...     print(res.tangent)
...     p, t = fwAD.unpack_dual(out)
...     print(fwAD.unpack_dual(primal))
...
tensor([1., 2., 3.], tangent=tensor([1., 0., 0.]))
UnpackedDualTensor
UnpackedDualTensor(primal=tensor([ 0.8415, -0.7568,  0.4121]), tangent=tensor([1.0806, -0.0000, -0.0000]))
tensor([ 0.8415, -0.7568,  0.4121])
tensor([1.0806, -0.0000, -0.0000])
UnpackedDualTensor(primal=tensor([1., 2., 3.]), tangent=None)
>>> print(fwAD.unpack_dual(out))
UnpackedDualTensor(primal=tensor([ 0.8415, -0.7568,  0.4121]), tangent=None)
""")


def test_make_dual_outside_a_level_raises(repl):
    """10.3 make_dual outside of a dual_level"""
    repl(r"""
>>> import torch.autograd.forward_ad as fwAD
>>> fwAD.make_dual(torch.tensor(1.), torch.tensor(1.))
Traceback (most recent call last):
  ...
RuntimeError: Trying to create a dual Tensor for forward AD but no level exists, make sure to enter_dual_level() first.
""")


def test_make_dual_with_mismatched_tangent_shape_raises(repl):
    """10.4 make_dual with mismatched tangent shape"""
    repl(r"""
>>> import torch.autograd.forward_ad as fwAD
>>> with fwAD.dual_level():
...     fwAD.make_dual(torch.tensor([1., 2.]), torch.tensor([1.]))
...
Traceback (most recent call last):
  ...
RuntimeError: Trying to set a forward gradient that has a different size than that of the original Tensor, this is not supported. Tensor is of size [2] while the given forward gradient is of size [1].
""")


def test_tangent_is_differentiable_by_reverse_mode(repl):
    """10.5 Forward AD combined with reverse mode"""
    repl(r"""
>>> import torch.autograd.forward_ad as fwAD
>>> x = torch.tensor(2., requires_grad=True)
>>> with fwAD.dual_level():
...     d = fwAD.make_dual(x, torch.tensor(1.))
...     y = d ** 3
...     p, t = fwAD.unpack_dual(y)
...     print(p, t)
...     t.backward()
...
tensor(8., grad_fn=<Identity>) tensor(12., grad_fn=<MulBackward0>)
>>> x.grad
tensor(12.)
""")



def test_signatures_match_pytorch():
    """10.1"""
    import inspect

    def plain(fn):  # parameter names, kinds and defaults (type hints aside)
        sig = inspect.signature(fn)
        return str(sig.replace(parameters=[p.replace(annotation=p.empty)
                                           for p in sig.parameters.values()],
                               return_annotation=sig.empty))

    got = {name: plain(getattr(fwad, name))
           for name in ["dual_level", "make_dual", "unpack_dual", "enter_dual_level",
                        "exit_dual_level"]}
    assert got == {"dual_level": "()", "make_dual": "(tensor, tangent, *, level=None)",
                     "unpack_dual": "(tensor, *, level=None)", "enter_dual_level": "()",
                     "exit_dual_level": "(*, level=None)"}


# Errors and level bookkeeping ----------------------------------------------------------

def test_nested_levels_are_refused():
    with fwad.dual_level(), pytest.raises(
            RuntimeError, match="^Nested forward mode AD is not supported at the moment$"):
        fwad.enter_dual_level()


def test_exiting_without_a_level_raises():
    with pytest.raises(RuntimeError, match="^Dual level must be a positive number.$"):
        fwad.exit_dual_level()


def test_exiting_another_level_raises():
    with fwad.dual_level(), pytest.raises(RuntimeError, match="was not the last one"):
        fwad.exit_dual_level(level=3)


def test_integer_primal_or_tangent_raises_value_error():
    with fwad.dual_level():
        with pytest.raises(ValueError, match="^Expected primal to be floating point or complex, but got: torch.int64$"):
            fwad.make_dual(minigrad.tensor([1, 2]), minigrad.ones(2))
        with pytest.raises(ValueError, match="^Expected tangent to be floating point or complex, but got: torch.int64$"):
            fwad.make_dual(minigrad.ones(2), minigrad.tensor([1, 2]))


def test_making_a_dual_of_a_dual_raises():
    with fwad.dual_level():
        d = fwad.make_dual(minigrad.ones(2), minigrad.ones(2))
        with pytest.raises(RuntimeError, match="already has a forward gradient at the same level 0"):
            fwad.make_dual(d, minigrad.ones(2))


def test_tangents_are_deleted_when_the_level_ends():
    with fwad.dual_level():
        d = fwad.make_dual(minigrad.ones(2), minigrad.ones(2))
        y = d.exp()
    assert d._fw is None and y._fw is None
    assert "tangent" not in repr(y)
    assert fwad.unpack_dual(y).tangent is None


def test_dual_level_is_also_a_decorator():
    @fwad.dual_level()
    def tangent_of_square(x, t):
        return fwad.unpack_dual(fwad.make_dual(x, t) ** 2).tangent

    assert tangent_of_square(minigrad.tensor([3.0]), minigrad.tensor([1.0])).tolist() == [6.0]


def test_comparisons_and_detach_carry_no_tangent():
    with fwad.dual_level():
        d = fwad.make_dual(minigrad.tensor([1.0, -1.0]), minigrad.ones(2))
        assert fwad.unpack_dual(d > 0).tangent is None
        assert fwad.unpack_dual(d.detach()).tangent is None
        assert fwad.unpack_dual(d * 1).tangent is not None


def test_broadcast_input_gets_a_broadcast_tangent():
    with fwad.dual_level():
        b = fwad.make_dual(minigrad.tensor([1.0, 2.0]), minigrad.tensor([1.0, 10.0]))
        out = minigrad.zeros(3, 2) + b
        assert fwad.unpack_dual(out).tangent.tolist() == [[1.0, 10.0]] * 3


# Programs built from many primitives ---------------------------------------------------

def _programs(lib):
    """name -> f(x, y) with x of shape (2, 3) and y of shape (3,) (positive-ish)."""
    return {
        "arith": lambda x, y: (x * y - x / (y * y + 1.0) + 2.0) ** 2,
        "transcendental": lambda x, y: (x.sin() + y.cos()).exp() * x.tanh() + x.sigmoid().log(),
        "roots": lambda x, y: (x * x + 1.0).sqrt() * (y.abs() + 1.0).rsqrt() + (x.abs() + 1).log1p(),
        "reductions": lambda x, y: x.sum(1) * x.mean(0).prod() + x.amax(1) - x.logsumexp(1),
        "softmax": lambda x, y: lib.softmax(x * y, dim=1) + lib.log_softmax(x, dim=0),
        "matmul": lambda x, y: x @ y + (x @ x.T).sum(0) * (x.T @ x)[0, 1],
        "shapes": lambda x, y: lib.cat([x.reshape(3, 2).transpose(0, 1), x.permute(1, 0).T], 0)[:, 1:],
        "indexing": lambda x, y: lib.stack([x[0], x[1, [2, 0, 0]], y[[2, 1, 0]]], 0),
        "piecewise": lambda x, y: lib.maximum(x, y) - lib.minimum(x, y * 0.5) + lib.relu(x) + x.clamp(-0.5, 0.5),
        "where": lambda x, y: lib.where(x > 0, x * y, y.exp() - x),
        "norm": lambda x, y: x.norm() * y + x.norm(dim=1).sum(),
        "broadcast": lambda x, y: (x + y) * (x - y[None, :]).pow(3) / (1.0 + y.expand(2, 3) ** 2),
        "softplus_leaky": lambda x, y: lib.nn.functional.softplus(x) + lib.nn.functional.leaky_relu(x * y, 0.1),
    }


PROGRAMS = sorted(_programs(minigrad))


def _inputs(seed):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((2, 3)), rng.standard_normal(3) + 1.5,
            rng.standard_normal((2, 3)), rng.standard_normal(3)]  # x, y, tx, ty (float64)


def _forward(lib, fw, name, x, y, tx, ty):
    with fw.dual_level():
        dx = fw.make_dual(lib.tensor(x), lib.tensor(tx))
        dy = fw.make_dual(lib.tensor(y), lib.tensor(ty))
        out = _programs(lib)[name](dx, dy)
        p, t = fw.unpack_dual(out)
        return p.detach().numpy().copy(), t.detach().numpy().copy()


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("name", PROGRAMS)
def test_tangents_match_pytorch(torch, name, seed):
    import torch.autograd.forward_ad as torch_fwad

    args = _inputs(seed)
    try:
        theirs = _forward(torch, torch_fwad, name, *args)
    except (AttributeError, TypeError, RuntimeError, NotImplementedError) as e:
        pytest.skip(f"program not expressible in PyTorch's API: {e}")
    mine = _forward(minigrad, fwad, name, *args)
    np.testing.assert_allclose(mine[0], theirs[0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(mine[1], theirs[1], rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("name", PROGRAMS)
def test_forward_mode_agrees_with_reverse_mode(name, seed):
    """u . (J v) computed forwards equals (u^T J) . v computed backwards."""
    x, y, tx, ty = _inputs(seed)
    f = _programs(minigrad)[name]
    _, jv = _forward(minigrad, fwad, name, x, y, tx, ty)
    xr = minigrad.tensor(x, requires_grad=True)
    yr = minigrad.tensor(y, requires_grad=True)
    out = f(xr, yr)
    u = np.random.default_rng(seed + 100).standard_normal(out.shape)
    gx, gy = minigrad.autograd.grad(out, (xr, yr), minigrad.tensor(u), allow_unused=True)
    reverse = sum(float((g.numpy() * t).sum()) for g, t in ((gx, tx), (gy, ty)) if g is not None)
    assert float((u * jv).sum()) == pytest.approx(reverse, rel=1e-9, abs=1e-12)


# Composing with reverse mode --------------------------------------------------------------

def test_forward_over_reverse_gives_hessian_vector_products():
    rng = np.random.default_rng(5)
    A = minigrad.tensor(rng.standard_normal((4, 4)))
    f = lambda x: (minigrad.tanh(A @ x) ** 2).sum() + (x.exp() * x.sin()).sum()
    x0, v = rng.standard_normal(4), rng.standard_normal(4)
    H = minigrad.autograd.functional.hessian(f, minigrad.tensor(x0)).numpy()
    with fwad.dual_level():
        x = fwad.make_dual(minigrad.tensor(x0, requires_grad=True), minigrad.tensor(v))
        (g,) = minigrad.autograd.grad(f(x), x, create_graph=True)
        hv = fwad.unpack_dual(g).tangent
    np.testing.assert_allclose(hv.detach().numpy(), H @ v, rtol=1e-10)


def test_reverse_over_forward_gives_the_gradient_of_a_directional_derivative():
    x0 = minigrad.tensor([0.3, -1.2, 2.0], dtype=minigrad.float64, requires_grad=True)
    v = minigrad.tensor([1.0, 2.0, -1.0], dtype=minigrad.float64)
    with fwad.dual_level():
        y = (fwad.make_dual(x0, v).sin() ** 2).sum()
        t = fwad.unpack_dual(y).tangent  # sum(2 sin x cos x v) = sum(sin(2x) v)
    t.backward()
    np.testing.assert_allclose(x0.grad.numpy(), 2 * np.cos(2 * x0.detach().numpy()) * v.numpy())
