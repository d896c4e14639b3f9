"""minigrad.func: grad, grad_and_value, vjp, jvp, jacrev, jacfwd, hessian (vmap:
tests/test_vmap.py).

* transcripts of torch_behaviour.md section 11, replayed with ``torch`` bound to
  minigrad;
* differential tests: each expression below is evaluated with torch.func and
  with minigrad.func, and must print the same (values, tuple/list/dict nesting,
  dtypes, grad_fn names) or raise the same error type with the same message;
  plus random-input comparisons of every transform;
* torch-free: transforms compose (grad of grad, jacfwd of jacrev, jvp of jvp)
  and agree with each other and with autograd.functional.
"""

# ruff: noqa: E501  (transcripts are copied verbatim from PyTorch, long lines included)
from __future__ import annotations

import numpy as np
import pytest

import minigrad
import minigrad.func as mf

# Transcripts (torch_behaviour.md section 11) ----------------------------------------

def test_grad_and_grad_and_value(repl):
    """11.2 grad / grad_and_value"""
    repl(r"""
>>> from torch.func import grad, grad_and_value
>>> f = lambda x: (x ** 3).sum()
>>> x = torch.tensor([1., 2.])
>>> grad(f)(x)
tensor([ 3., 12.])
>>> grad(grad(lambda x: x ** 3))(torch.tensor(2.))
tensor(12.)
>>> grad(lambda x, y: (x * y).sum(), argnums=1)(x, torch.ones(2))
tensor([1., 2.])
>>> grad(lambda x, y: (x * y).sum(), argnums=(0, 1))(x, torch.ones(2))
(tensor([1., 1.]), tensor([1., 2.]))
>>> grad(lambda x: ((x ** 2).sum(), x.detach() * 10), has_aux=True)(x)
(tensor([2., 4.]), tensor([10., 20.]))
>>> grad(lambda x: ((x ** 2).sum(), "aux"), has_aux=True)(x)
Traceback (most recent call last):
  ...
RuntimeError: Expected tensors, got unsupported type <class 'str'>
>>> grad_and_value(f)(x)
(tensor([ 3., 12.]), tensor(9.))
>>> grad(torch.sin)(torch.tensor(0.))
tensor(1.)
""")


def test_grad_of_non_scalar_function_raises(repl):
    """11.3 grad of a non-scalar function"""
    repl(r"""
>>> from torch.func import grad
>>> grad(lambda x: x ** 2)(torch.tensor([1., 2.]))
Traceback (most recent call last):
  ...
RuntimeError: grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got tensor with 1 dims. Maybe you wanted to use the vjp or jacrev APIs instead?
""")


def test_grad_of_one_element_1d_output_raises(repl):
    """11.4 grad of a function returning a 1-element, 1-d tensor"""
    repl(r"""
>>> from torch.func import grad
>>> grad(lambda x: (x ** 2).sum(0, keepdim=True))(torch.tensor([1., 2.]))
Traceback (most recent call last):
  ...
RuntimeError: grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got tensor with 1 dims. Maybe you wanted to use the vjp or jacrev APIs instead?
""")


def test_jacrev_jacfwd_and_hessian(repl):
    """11.5 jacrev / jacfwd / hessian"""
    repl(r"""
>>> from torch.func import jacrev, jacfwd, hessian
>>> f = lambda x: x.sin() * x
>>> x = torch.tensor([1., 2.])
>>> jacrev(f)(x)
tensor([[1.3818, 0.0000],
        [0.0000, 0.0770]])
>>> jacfwd(f)(x)
tensor([[1.3818, 0.0000],
        [0.0000, 0.0770]])
>>> hessian(lambda x: (x ** 3).sum())(x)
tensor([[ 6.,  0.],
        [ 0., 12.]])
>>> jacrev(lambda x, y: x * y, argnums=(0, 1))(x, x)
(tensor([[1., 0.],
        [0., 2.]]), tensor([[1., 0.],
        [0., 2.]]))
""")


def test_vjp_and_jvp_return_conventions(repl):
    """11.6 vjp / jvp (note: different return conventions from autograd.functional)"""
    repl(r"""
>>> from torch.func import vjp, jvp
>>> x = torch.tensor([1., 2.])
>>> out, vjp_fn = vjp(lambda x: x ** 2, x)
>>> out
tensor([1., 4.])
>>> vjp_fn(torch.ones(2))
(tensor([2., 4.]),)
>>> jvp(lambda x: x ** 2, (x,), (torch.ones(2),))
(tensor([1., 4.]), tensor([2., 4.]))
""")


def test_vmap_loop_matches_simple_cases(repl):
    """11.7 vmap"""
    repl(r"""
>>> from torch.func import vmap, grad
>>> batched = torch.tensor([[1., 2.], [3., 4.]])
>>> vmap(torch.dot)(batched, batched)
tensor([ 5., 25.])
>>> vmap(lambda x: x.sum())(batched)
tensor([3., 7.])
>>> vmap(lambda x, y: x * y, in_dims=(0, None))(batched, torch.tensor([10., 100.]))
tensor([[ 10., 200.],
        [ 30., 400.]])
>>> vmap(grad(lambda x: (x ** 2).sum()))(batched)
tensor([[2., 4.],
        [6., 8.]])
""")


def test_grad_of_input_requiring_grad_keeps_graph(repl):
    """11.8 torch.func on a tensor that already requires grad"""
    repl(r"""
>>> from torch.func import grad
>>> x = torch.tensor([1., 2.], requires_grad=True)
>>> grad(lambda x: (x ** 2).sum())(x)
tensor([2., 4.], grad_fn=<MulBackward0>)
""")



# Differential: the same expression printed by both libraries --------------------------------

EXPRESSIONS = [
    "grad(lambda x: ((x ** 2).sum(), None), has_aux=True)(x)",
    "grad(lambda x: ((x ** 2).sum(), [x, {'a': x * 2}]), has_aux=True)(x)",
    "grad(lambda x: ((x ** 2).sum(), 3), has_aux=True)(x)",
    "grad(lambda x: (x ** 2).sum(), has_aux=True)(x)",
    "grad(lambda x: 3.0)(x)",
    "grad(lambda x: x.sum())(3.0)",
    "grad(lambda x: x.sum())(torch.tensor([1, 2]))",
    "grad(lambda x, y: x.sum(), argnums=2)(x, x)",
    "grad(lambda x, y: x.sum(), argnums=-1)(x, x)",
    "grad(lambda x, y: x.sum(), argnums=(0, 0))(x, x)",
    "grad(lambda x, y: x.sum(), argnums=())(x, x)",
    "grad(lambda x, y: x.sum(), argnums=1.5)(x, x)",
    "grad(lambda x, y: x.sum(), argnums=[0])(x, x)",
    "grad(lambda d: (d['a'] * d['b']).sum())({'a': x, 'b': x * 3})",
    "grad(lambda x: (x * x).sum())(x).requires_grad",
    "grad(lambda x: (x * w).sum() * (x * x).sum())(x)",
    "grad_and_value(lambda x: ((x ** 2).sum(), x * 2), has_aux=True)(x)",
    "grad(lambda x: x.sum())(torch.tensor([1., 2.], dtype=torch.float64))",
    "grad(grad(lambda x: x ** 3))(torch.tensor(2., requires_grad=True))",
    "grad(lambda x: x.exp().sin().sum())(torch.tensor([1., 2.], requires_grad=True))",
    "vjp(lambda x: (x ** 2, x.sum()), x)[1]((torch.ones(2), torch.tensor(1.)))",
    "vjp(lambda x: (x ** 2, x.sum()), x)[1](torch.ones(2))",
    "vjp(lambda x: (x ** 2, x.sum()), x)[1]((torch.ones(2),))",
    "vjp(lambda x: (x ** 2, x.sum()), x)[1]([torch.ones(2), torch.tensor(1.)])",
    "vjp(lambda x, y: x * y, x, torch.ones(2))[1](torch.ones(2))",
    "vjp(lambda x: (x * 2, 'aux'), x, has_aux=True)[2]",
    "vjp(lambda x: x * 2, x, has_aux=True)",
    "vjp(lambda x: 's', x)",
    "vjp(lambda x: (x > 0), x)",
    "vjp(lambda x: x * 2, 3.0)",
    "vjp(lambda x: x ** 3, torch.tensor([1., 2.], requires_grad=True))[1](torch.ones(2))",
    "jvp(lambda x: x ** 2, x, torch.ones(2))",
    "jvp(lambda x: x ** 2, (x,), torch.ones(2))",
    "jvp(lambda x: x ** 2, (x,), (torch.ones(3),))",
    "jvp(lambda x: torch.ones(2), (x,), (torch.ones(2),))",
    "jvp(lambda x: torch.ones(2), (x,), (torch.ones(2),), strict=True)",
    "jvp(lambda x: (x * 2, {'a': x.sum()}), (x,), (torch.ones(2),))",
    "jvp(lambda x: (x * 2, x.sum()), (x,), (torch.ones(2),), has_aux=True)",
    "jvp(lambda x: 3.0, (x,), (torch.ones(2),))",
    "jvp(lambda x: x, (), ())",
    "jvp(lambda x: x * 2, (x,), (torch.ones(2, dtype=torch.float64),))",
    "jvp(lambda x: jvp(lambda y: y ** 3, (x,), (torch.ones(2),))[1], (x,), (torch.ones(2),))",
    "jvp(lambda x: x ** 3, (torch.tensor([1., 2.], requires_grad=True),), (torch.ones(2),))",
    "jacfwd(jacfwd(lambda x: x ** 3))(x)",
    "jacrev(jacrev(lambda x: x ** 3))(x)",
    "jacrev(lambda x: (x ** 3, x.sum()))(x)",
    "jacrev(lambda x, y: {'a': x * y, 'b': (x * y).sum()}, argnums=(0, 1))(x, x * 2)",
    "jacfwd(lambda x, y: {'a': x * y, 'b': (x * y).sum()}, argnums=(0, 1))(x, x * 2)",
    "jacrev(lambda x: (x ** 3, x.sum()), has_aux=True)(x)",
    "jacfwd(lambda x: (x ** 3, x.sum()), has_aux=True)(x)",
    "jacrev(lambda x: x.sum(), argnums=(0,))(torch.ones(2, 2))",
    "jacrev(lambda x: x ** 3)(torch.tensor([1., 2.], requires_grad=True))",
    "jacfwd(lambda x: x ** 3)(torch.tensor([1., 2.], requires_grad=True))",
    "jacrev(lambda x: x, chunk_size=0)",
    "hessian(lambda x, y: (x * y * y).sum(), argnums=(0, 1))(x, x * 2)",
    "hessian(lambda x: (x ** 3).sum())(torch.tensor([1., 2.], requires_grad=True))",
    "hessian(lambda x: x.exp().sin().sum())(x)",
    "hessian(lambda m: (m @ m).sum())(torch.tensor([[1., 2.], [3., 4.]]))",
]


def _evaluate(lib, func_module, expression):
    x = lib.tensor([1.0, 2.0])
    w = lib.tensor([3.0, 4.0], requires_grad=True)
    ns = {"torch": lib, "x": x, "w": w, **{n: getattr(func_module, n) for n in
          ["grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian"]}}
    try:
        return repr(eval(expression, ns))
    except Exception as e:  # noqa: BLE001 (compared with PyTorch's)
        return f"{type(e).__name__}: {e}"


@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_prints_what_torch_func_prints(torch, expression):
    import torch.func

    assert _evaluate(minigrad, mf, expression) == _evaluate(torch, torch.func, expression)


def _compare(mine, theirs, torch, path="result"):
    if isinstance(theirs, torch.Tensor):
        assert isinstance(mine, minigrad.Tensor), path
        assert tuple(mine.shape) == tuple(theirs.shape), path
        assert str(mine.dtype) == str(theirs.dtype), path
        np.testing.assert_allclose(mine.detach().numpy(), theirs.detach().numpy(),
                                   rtol=1e-9, atol=1e-12, err_msg=path)
        return
    assert type(mine) is type(theirs), path
    if isinstance(theirs, dict):
        assert list(mine) == list(theirs), path
        for k in theirs:
            _compare(mine[k], theirs[k], torch, f"{path}[{k!r}]")
    else:
        assert len(mine) == len(theirs), path
        for i, (m, t) in enumerate(zip(mine, theirs)):
            _compare(m, t, torch, f"{path}[{i}]")


TRANSFORMS = {
    "grad": lambda F, f, a: F.grad(lambda x, y: f(x, y).sum(), argnums=(0, 1))(*a[:2]),
    "grad_and_value": lambda F, f, a: F.grad_and_value(lambda x, y: f(x, y).sum())(*a[:2]),
    "vjp": lambda F, f, a: F.vjp(f, *a[:2])[1](a[2]),
    "jvp": lambda F, f, a: F.jvp(f, (a[0], a[1]), (a[2], a[3])),
    "jacrev": lambda F, f, a: F.jacrev(f, argnums=(0, 1))(*a[:2]),
    "jacfwd": lambda F, f, a: F.jacfwd(f, argnums=(0, 1))(*a[:2]),
    "hessian": lambda F, f, a: F.hessian(lambda x, y: f(x, y).sum(), argnums=1)(*a[:2]),
}


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("transform", sorted(TRANSFORMS))
def test_transforms_match_pytorch_on_random_inputs(torch, transform, seed):
    import torch.func

    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(2) for _ in range(4)]  # x, y, u/tx, ty (float64)

    def run(lib, F):
        f = lambda x, y: (x * y.exp()).tanh() + (x - y) ** 2 * (x @ y)
        return TRANSFORMS[transform](F, f, [lib.tensor(a) for a in arrays])

    _compare(run(minigrad, mf), run(torch, torch.func), torch)


# Composition, without PyTorch ------------------------------------------------------------

def test_grad_of_grad_is_the_second_derivative():
    d2 = mf.grad(mf.grad(lambda x: x.sin() * x ** 2))
    x = 0.7
    expected = -np.sin(x) * x ** 2 + 4 * x * np.cos(x) + 2 * np.sin(x)
    assert float(d2(minigrad.tensor(x, dtype=minigrad.float64))) == pytest.approx(expected)


def test_hessian_agrees_with_jacrev_of_jacrev_and_autograd_functional():
    A = minigrad.tensor(np.random.default_rng(3).standard_normal((3, 3)))
    f = lambda x: (minigrad.tanh(A @ x) * x.exp()).sum()
    x = minigrad.tensor(np.random.default_rng(4).standard_normal(3))
    H = mf.hessian(f)(x).numpy()
    np.testing.assert_allclose(mf.jacrev(mf.jacrev(f))(x).numpy(), H, rtol=1e-10)
    np.testing.assert_allclose(mf.jacfwd(mf.jacfwd(f))(x).numpy(), H, rtol=1e-10)
    np.testing.assert_allclose(minigrad.autograd.functional.hessian(f, x).numpy(), H, rtol=1e-10)
    np.testing.assert_allclose(H, H.T, rtol=1e-10)


def test_jvp_of_grad_is_a_hessian_vector_product():
    f = lambda x: (x.exp() * x.cos()).sum()
    x = minigrad.tensor([0.1, 0.5, -0.3], dtype=minigrad.float64)
    v = minigrad.tensor([1.0, -2.0, 0.5], dtype=minigrad.float64)
    _, hv = mf.jvp(mf.grad(f), (x,), (v,))
    np.testing.assert_allclose(hv.numpy(), mf.hessian(f)(x).numpy() @ v.numpy(), rtol=1e-10)


def test_jacrev_equals_jacfwd_on_a_map_with_several_outputs():
    f = lambda x, y: (minigrad.softmax(x * y, dim=0), (x ** 2).sum() * y)
    x = minigrad.tensor([0.2, -1.0, 0.4], dtype=minigrad.float64)
    y = minigrad.tensor([1.5, 0.5, 2.0], dtype=minigrad.float64)
    rev, fwd = mf.jacrev(f, argnums=(0, 1))(x, y), mf.jacfwd(f, argnums=(0, 1))(x, y)
    for i in range(2):
        for j in range(2):
            np.testing.assert_allclose(fwd[i][j].numpy(), rev[i][j].numpy(), rtol=1e-12)


def test_transformed_results_are_plain_tensors():
    x = minigrad.tensor([1.0, 2.0])
    for result in (mf.grad(lambda x: (x ** 3).sum())(x), mf.jacrev(lambda x: x.exp())(x),
                   mf.hessian(lambda x: (x ** 3).sum())(x), mf.jvp(lambda x: x.sin(), (x,), (x,))[1]):
        assert not result.requires_grad and result.grad_fn is None and result._fw is None
