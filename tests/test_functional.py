"""minigrad.autograd.functional: jacobian, hessian, vjp, jvp, hvp, vhp.

Three kinds of tests:
* transcripts of torch_behaviour.md section 9, replayed with ``torch`` bound to
  minigrad (every printed line must match PyTorch 2.13's);
* differential tests against real PyTorch on random inputs: same nesting of
  tuples/lists, shapes, dtypes, values, grad_fn names, error types and messages;
* torch-free properties: Hessians are symmetric, ``hvp`` is ``H @ v``, the jvp
  of a linear map is the map itself, forward- and reverse-mode Jacobians agree.
"""

# ruff: noqa: E501  (transcripts are copied verbatim from PyTorch, long lines included)
from __future__ import annotations

import inspect

import numpy as np
import pytest

import minigrad
from minigrad.autograd import functional as F

# Transcripts (torch_behaviour.md section 9) ----------------------------------------

def test_jacobian_of_single_tensor_has_shape_out_plus_in(repl):
    """9.2 jacobian: single tensor in/out -> Tensor of shape out.shape + in.shape"""
    repl(r"""
>>> from torch.autograd.functional import jacobian
>>> def f(x):
...     return x ** 2
...
>>> x = torch.tensor([1., 2., 3.])
>>> J = jacobian(f, x)
>>> J
tensor([[2., 0., 0.],
        [0., 4., 0.],
        [0., 0., 6.]])
>>> type(J) is torch.Tensor  # minigrad's class lives in minigrad.tensor
True
>>> jacobian(lambda x: (x ** 2).sum(), x)
tensor([2., 4., 6.])
>>> jacobian(lambda x: x.sum(), torch.ones(2, 2)).shape
torch.Size([2, 2])
>>> jacobian(lambda x: x * 2, torch.ones(2, 2)).shape
torch.Size([2, 2, 2, 2])
>>> jacobian(lambda x: x.exp(), torch.tensor(1.))
tensor(2.7183)
""")


def test_jacobian_of_tuples_is_nested_tuples(repl):
    """9.3 jacobian: tuple inputs / tuple outputs -> nested tuples"""
    repl(r"""
>>> from torch.autograd.functional import jacobian
>>> def g(x, y):
...     return x * y, x + y
...
>>> x = torch.tensor([1., 2.])
>>> y = torch.tensor([3., 4.])
>>> jacobian(lambda x, y: x * y, (x, y))
(tensor([[3., 0.],
        [0., 4.]]), tensor([[1., 0.],
        [0., 2.]]))
>>> jacobian(g, (x, y))
((tensor([[3., 0.],
        [0., 4.]]), tensor([[1., 0.],
        [0., 2.]])), (tensor([[1., 0.],
        [0., 1.]]), tensor([[1., 0.],
        [0., 1.]])))
>>> jacobian(lambda x: (x, 2 * x), x)
(tensor([[1., 0.],
        [0., 1.]]), tensor([[2., 0.],
        [0., 2.]]))
""")


def test_jacobian_create_graph_vectorize_and_forward_strategy(repl):
    """9.4 jacobian: create_graph, strict, vectorize, strategy"""
    repl(r"""
>>> from torch.autograd.functional import jacobian
>>> x = torch.tensor([1., 2.], requires_grad=True)
>>> jacobian(lambda x: x ** 2, x)
tensor([[2., 0.],
        [0., 4.]])
>>> jacobian(lambda x: x ** 2, x, create_graph=True)
tensor([[2., 0.],
        [0., 4.]], grad_fn=<ViewBackward0>)
>>> jacobian(lambda x: x ** 2, x, vectorize=True)
tensor([[2., 0.],
        [0., 4.]])
>>> jacobian(lambda x: x ** 2, x, vectorize=True, strategy="forward-mode")
tensor([[2., 0.],
        [0., 4.]], grad_fn=<ReshapeAliasBackward0>)
>>> jacobian(lambda x: torch.ones(2), x)
tensor([[0., 0.],
        [0., 0.]])
""")


def test_jacobian_strict_rejects_independent_output(repl):
    """9.5 jacobian strict=True on an independent output"""
    repl(r"""
>>> from torch.autograd.functional import jacobian
>>> jacobian(lambda x: torch.ones(2), torch.tensor([1., 2.]), strict=True)
Traceback (most recent call last):
  ...
RuntimeError: Output 0 of the user-provided function does not require gradients. The outputs must be computed in a differentiable manner from the input when running in strict mode.
""")


def test_jacobian_of_non_tensor_output_raises_type_error(repl):
    """9.6 jacobian: function returning a non-Tensor"""
    repl(r"""
>>> from torch.autograd.functional import jacobian
>>> jacobian(lambda x: 3.0, torch.tensor([1., 2.]))
Traceback (most recent call last):
  ...
TypeError: The outputs of the user-provided function given to jacobian must be either a Tensor or a tuple of Tensors but the given outputs of the user-provided function has type <class 'float'>.
""")


def test_hessian_of_single_and_tuple_inputs(repl):
    """9.7 hessian"""
    repl(r"""
>>> from torch.autograd.functional import hessian
>>> def f(x):
...     return (x ** 3).sum()
...
>>> x = torch.tensor([1., 2.])
>>> hessian(f, x)
tensor([[ 6.,  0.],
        [ 0., 12.]])
>>> hessian(lambda x, y: (x * y).sum(), (torch.tensor([1., 2.]), torch.tensor([3., 4.])))
((tensor([[0., 0.],
        [0., 0.]]), tensor([[1., 0.],
        [0., 1.]])), (tensor([[1., 0.],
        [0., 1.]]), tensor([[0., 0.],
        [0., 0.]])))
>>> hessian(lambda x: x.pow(3).sum(), torch.tensor(2.))
tensor(12.)
""")


def test_hessian_of_non_scalar_function_raises(repl):
    """9.8 hessian of a non-scalar function"""
    repl(r"""
>>> from torch.autograd.functional import hessian
>>> hessian(lambda x: x ** 3, torch.tensor([1., 2.]))
Traceback (most recent call last):
  ...
RuntimeError: The Tensor returned by the function given to hessian should contain a single element
""")


def test_vjp_returns_output_and_vjp(repl):
    """9.9 vjp: returns (func_output, vjp)"""
    repl(r"""
>>> from torch.autograd.functional import vjp
>>> def f(x):
...     return x ** 2
...
>>> x = torch.tensor([1., 2., 3.])
>>> vjp(f, x, torch.ones(3))
(tensor([1., 4., 9.]), tensor([2., 4., 6.]))
>>> vjp(lambda x: (x ** 2).sum(), x)
(tensor(14.), tensor([2., 4., 6.]))
>>> out, v = vjp(lambda x, y: x * y, (x, x), torch.ones(3))
>>> out
tensor([1., 4., 9.])
>>> v
(tensor([1., 2., 3.]), tensor([1., 2., 3.]))
""")


def test_vjp_without_v_on_non_scalar_output_raises(repl):
    """9.10 vjp without v on a non-scalar output"""
    repl(r"""
>>> from torch.autograd.functional import vjp
>>> vjp(lambda x: x ** 2, torch.tensor([1., 2.]))
Traceback (most recent call last):
  ...
RuntimeError: The vector v can only be None if the user-provided function returns a single Tensor with a single element.
""")


def test_jvp_returns_output_and_jvp(repl):
    """9.11 jvp: returns (func_output, jvp)"""
    repl(r"""
>>> from torch.autograd.functional import jvp
>>> x = torch.tensor([1., 2., 3.])
>>> jvp(lambda x: x ** 2, x, torch.ones(3))
(tensor([1., 4., 9.]), tensor([2., 4., 6.]))
>>> jvp(lambda x: (x ** 2).sum(), x, torch.tensor([1., 0., 0.]))
(tensor(14.), tensor(2.))
>>> jvp(lambda x: x.exp(), torch.tensor(0.))
(tensor(1.), tensor(1.))
""")


def test_jvp_without_v_on_multi_element_input_raises(repl):
    """9.12 jvp without v for a multi-element input"""
    repl(r"""
>>> from torch.autograd.functional import jvp
>>> jvp(lambda x: x ** 2, torch.tensor([1., 2.]))
Traceback (most recent call last):
  ...
RuntimeError: The vector v can only be None if the input to the user-provided function is a single Tensor with a single element.
""")


def test_hvp_and_vhp_return_output_and_product(repl):
    """9.13 hvp / vhp: returns (func_output, hvp)"""
    repl(r"""
>>> from torch.autograd.functional import hvp, vhp
>>> f = lambda x: (x ** 3).sum()
>>> x = torch.tensor([1., 2.])
>>> hvp(f, x, torch.tensor([1., 0.]))
(tensor(9.), tensor([6., 0.]))
>>> vhp(f, x, torch.tensor([1., 0.]))
(tensor(9.), tensor([6., 0.]))
""")


def test_hvp_of_non_scalar_function_raises(repl):
    """9.14 hvp on a non-scalar function"""
    repl(r"""
>>> from torch.autograd.functional import hvp
>>> hvp(lambda x: x ** 3, torch.tensor([1., 2.]), torch.ones(2))
Traceback (most recent call last):
  ...
RuntimeError: The Tensor returned by the function given to hvp should contain a single element
""")



# Signatures -----------------------------------------------------------------------------

SIGNATURES = {
    "jacobian": "(func, inputs, create_graph=False, strict=False, vectorize=False, strategy='reverse-mode')",
    "hessian": "(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy='reverse-mode')",
    "vjp": "(func, inputs, v=None, create_graph=False, strict=False)",
    "jvp": "(func, inputs, v=None, create_graph=False, strict=False)",
    "hvp": "(func, inputs, v=None, create_graph=False, strict=False)",
    "vhp": "(func, inputs, v=None, create_graph=False, strict=False)",
}


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_signature_matches_pytorch(name):
    """9.1: same parameter names and defaults (type hints aside)."""
    sig = inspect.signature(getattr(F, name))
    plain = sig.replace(parameters=[p.replace(annotation=p.empty) for p in sig.parameters.values()],
                        return_annotation=sig.empty)
    assert str(plain) == SIGNATURES[name]


# Differential tests against PyTorch ----------------------------------------------------

def _compare(mine, theirs, torch, path="result"):
    """Same structure (Tensor / tuple / list nesting), shape, dtype, grad_fn, values."""
    if isinstance(theirs, torch.Tensor):
        assert isinstance(mine, minigrad.Tensor), f"{path}: {type(mine)} is not a Tensor"
        assert tuple(mine.shape) == tuple(theirs.shape), f"{path}: shape"
        assert str(mine.dtype) == str(theirs.dtype), f"{path}: dtype"
        assert mine.requires_grad == theirs.requires_grad, f"{path}: requires_grad"
        theirs_fn = None if theirs.grad_fn is None else theirs.grad_fn.name()
        mine_fn = None if mine.grad_fn is None else mine.grad_fn.name()
        assert mine_fn == theirs_fn, f"{path}: grad_fn"
        np.testing.assert_allclose(mine.detach().numpy(), theirs.detach().numpy(),
                                   rtol=2e-4, atol=2e-5, err_msg=path)
        return
    assert type(mine) is type(theirs), f"{path}: {type(mine)} vs {type(theirs)}"
    if isinstance(theirs, (tuple, list)):
        assert len(mine) == len(theirs), f"{path}: length"
        for i, (m, t) in enumerate(zip(mine, theirs)):
            _compare(m, t, torch, f"{path}[{i}]")
    else:
        assert mine == theirs, path


def _run(lib, case, arrays):
    fn_name, make_func, make_args, kwargs = case
    func = make_func(lib)
    args = make_args(lib, arrays)
    try:
        return getattr(lib.autograd.functional, fn_name)(func, *args, **kwargs), None
    except Exception as e:  # noqa: BLE001 (compared with PyTorch's)
        return None, e


def _arrays(seed):
    rng = np.random.default_rng(seed)
    return {"x": rng.standard_normal(3).astype(np.float32),
            "y": rng.standard_normal(3).astype(np.float32),
            "m": rng.standard_normal((2, 3)).astype(np.float32),
            "A": rng.standard_normal((3, 3)).astype(np.float32),
            "d": rng.standard_normal(3),  # float64
            "v3": rng.standard_normal(3).astype(np.float32),
            "v2": rng.standard_normal(2).astype(np.float32),
            "s": np.float32(rng.standard_normal())}


def _t(name, requires_grad=False):
    return lambda lib, a: lib.tensor(a[name], requires_grad=requires_grad)


def _args(*makers):
    return lambda lib, a: tuple(m(lib, a) if callable(m) else m for m in makers)


def _tup(*makers):
    return lambda lib, a: tuple(m(lib, a) for m in makers)


smooth = lambda lib: (lambda x: (x.sin() * x.exp()).sum() + (x * x).sum().sqrt())
vector = lambda lib: (lambda x: lib.tanh(x * 2.0 + 1.0) * x)
pair = lambda lib: (lambda x, y: (x * y.exp(), (x - y) ** 2, (x @ y).reshape(1)))
mat = lambda lib: (lambda m: lib.softmax(m, dim=1) * m.sum(0))
scalar2 = lambda lib: (lambda x, y: (x * y.sin()).sum() + (x ** 3).mean())
const = lambda lib: (lambda x: lib.ones(2))

CASES = {
    "jacobian_vector": ("jacobian", vector, _args(_t("x")), {}),
    "jacobian_vector_vectorize": ("jacobian", vector, _args(_t("x")), {"vectorize": True}),
    "jacobian_vector_forward": ("jacobian", vector, _args(_t("x")), {"vectorize": True, "strategy": "forward-mode"}),
    "jacobian_forward_requires_grad": ("jacobian", vector, _args(_t("x", True)), {"vectorize": True, "strategy": "forward-mode"}),
    "jacobian_pair": ("jacobian", pair, _args(_tup(_t("x"), _t("y"))), {}),
    "jacobian_pair_forward": ("jacobian", pair, _args(_tup(_t("x"), _t("y"))), {"vectorize": True, "strategy": "forward-mode"}),
    "jacobian_matrix": ("jacobian", mat, _args(_t("m")), {}),
    "jacobian_matrix_forward": ("jacobian", mat, _args(_t("m")), {"vectorize": True, "strategy": "forward-mode"}),
    "jacobian_float64": ("jacobian", vector, _args(_t("d")), {}),
    "jacobian_create_graph": ("jacobian", vector, _args(_t("x", True)), {"create_graph": True}),
    "jacobian_scalar_input": ("jacobian", vector, _args(_t("s")), {}),
    "jacobian_constant": ("jacobian", const, _args(_t("x")), {}),
    "jacobian_constant_strict": ("jacobian", const, _args(_t("x")), {"strict": True}),
    "jacobian_forward_not_vectorized": ("jacobian", vector, _args(_t("x")), {"strategy": "forward-mode"}),
    "jacobian_forward_strict": ("jacobian", vector, _args(_t("x")), {"strategy": "forward-mode", "vectorize": True, "strict": True}),
    "jacobian_forward_create_graph": ("jacobian", vector, _args(_t("x")), {"strategy": "forward-mode", "create_graph": True}),
    "jacobian_vectorize_strict": ("jacobian", vector, _args(_t("x")), {"vectorize": True, "strict": True}),
    "jacobian_bad_strategy": ("jacobian", vector, _args(_t("x")), {"strategy": "sideways"}),
    "jacobian_bad_input": ("jacobian", vector, _args(lambda lib, a: (lib.tensor(a["x"]), 2.0)), {}),
    "hessian": ("hessian", smooth, _args(_t("x")), {}),
    "hessian_tuple": ("hessian", scalar2, _args(_tup(_t("x"), _t("y"))), {}),
    "hessian_forward_outer": ("hessian", smooth, _args(_t("x")), {"vectorize": True, "outer_jacobian_strategy": "forward-mode"}),
    "hessian_create_graph": ("hessian", smooth, _args(_t("x", True)), {"create_graph": True}),
    "hessian_non_scalar": ("hessian", vector, _args(_t("x")), {}),
    "vjp": ("vjp", vector, _args(_t("x"), _t("v3")), {}),
    "vjp_tuple": ("vjp", pair, _args(_tup(_t("x"), _t("y")), lambda lib, a: (lib.tensor(a["v3"]), lib.tensor(a["v3"]), lib.ones(1))), {}),
    "vjp_create_graph": ("vjp", vector, _args(_t("x", True), _t("v3")), {"create_graph": True}),
    "vjp_wrong_v_size": ("vjp", vector, _args(_t("x"), _t("v2")), {}),
    "vjp_wrong_v_count": ("vjp", pair, _args(_tup(_t("x"), _t("y")), _tup(_t("v3"))), {}),
    "vjp_unused_strict": ("vjp", lambda lib: (lambda x, y: x * 2), _args(_tup(_t("x"), _t("y")), _t("v3")), {"strict": True}),
    "vjp_unused": ("vjp", lambda lib: (lambda x, y: x * 2), _args(_tup(_t("x"), _t("y")), _t("v3")), {}),
    "jvp": ("jvp", vector, _args(_t("x"), _t("v3")), {}),
    "jvp_tuple": ("jvp", pair, _args(_tup(_t("x"), _t("y")), _tup(_t("v3"), _t("v3"))), {}),
    "jvp_create_graph": ("jvp", vector, _args(_t("x", True), _t("v3")), {"create_graph": True}),
    "jvp_constant_strict": ("jvp", const, _args(_t("x"), _t("v3")), {"strict": True}),
    "jvp_wrong_v_entry": ("jvp", pair, _args(_tup(_t("x"), _t("y")), _tup(_t("v3"), _t("v2"))), {}),
    "hvp": ("hvp", smooth, _args(_t("x"), _t("v3")), {}),
    "hvp_tuple": ("hvp", scalar2, _args(_tup(_t("x"), _t("y")), _tup(_t("v3"), _t("v3"))), {}),
    "hvp_create_graph": ("hvp", smooth, _args(_t("x", True), _t("v3")), {"create_graph": True}),
    "hvp_tuple_output": ("hvp", lambda lib: (lambda x: (x.sum(), x.sum())), _args(_t("x"), _t("v3")), {}),
    "vhp": ("vhp", smooth, _args(_t("x"), _t("v3")), {}),
    "vhp_tuple": ("vhp", scalar2, _args(_tup(_t("x"), _t("y")), _tup(_t("v3"), _t("v3"))), {}),
    "vhp_linear_strict": ("vhp", lambda lib: (lambda x: (x * 2).sum()), _args(_t("x"), _t("v3")), {"strict": True}),
}


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_pytorch_on_random_inputs(torch, name, seed):
    arrays = _arrays(seed)
    mine, my_err = _run(minigrad, CASES[name], arrays)
    theirs, their_err = _run(torch, CASES[name], arrays)
    if their_err is not None:
        assert my_err is not None, f"PyTorch raised {their_err!r}; minigrad returned {mine!r}"
        assert type(my_err) is type(their_err)
        assert str(my_err) == str(their_err)
        return
    assert my_err is None, f"minigrad raised {my_err!r}"
    _compare(mine, theirs, torch)


# Properties that need no PyTorch ---------------------------------------------------------

def _random(seed, *shape):
    return minigrad.tensor(np.random.default_rng(seed).standard_normal(shape))  # float64


def test_hessian_is_symmetric():
    A = _random(0, 4, 4)
    f = lambda x: (minigrad.tanh(A @ x) ** 2).sum() + (x.sin() * x.exp()).prod()
    H = F.hessian(f, _random(1, 4))
    np.testing.assert_allclose(H.numpy(), H.numpy().T, rtol=1e-10, atol=1e-12)


def test_hvp_equals_hessian_times_v():
    f = lambda x: (x.exp() * x.cos()).sum() + (x ** 2).sum().sqrt()
    x, v = _random(2, 5), _random(3, 5)
    H = F.hessian(f, x)
    _, hv = F.hvp(f, x, v)
    _, vh = F.vhp(f, x, v)
    np.testing.assert_allclose(hv.numpy(), H.numpy() @ v.numpy(), rtol=1e-10)
    np.testing.assert_allclose(vh.numpy(), v.numpy() @ H.numpy(), rtol=1e-10)


def test_jvp_of_a_linear_map_is_the_map():
    A, x, v = _random(4, 3, 5), _random(5, 5), _random(6, 5)
    out, jv = F.jvp(lambda x: A @ x, x, v)
    np.testing.assert_allclose(jv.numpy(), A.numpy() @ v.numpy(), rtol=1e-12)
    np.testing.assert_allclose(F.jacobian(lambda x: A @ x, x).numpy(), A.numpy(), rtol=1e-12)


def test_forward_and_reverse_jacobians_agree():
    W = _random(7, 4, 3)
    f = lambda x, y: (minigrad.sigmoid(W @ x) * y.sum(), x * x)
    x, y = _random(8, 3), _random(9, 2)
    rev = F.jacobian(f, (x, y))
    fwd = F.jacobian(f, (x, y), vectorize=True, strategy="forward-mode")
    for i in range(2):
        for j in range(2):
            np.testing.assert_allclose(fwd[i][j].numpy(), rev[i][j].numpy(), rtol=1e-12, atol=1e-14)


def test_vjp_is_the_transpose_of_jvp():
    f = lambda x: minigrad.softmax(x.reshape(2, 3), dim=1).reshape(6) * x
    x, u, v = _random(10, 6), _random(11, 6), _random(12, 6)
    _, uJ = F.vjp(f, x, u)
    _, Jv = F.jvp(f, x, v)
    assert float((uJ * v).sum()) == pytest.approx(float((u * Jv).sum()), rel=1e-12)


def test_results_are_detached_unless_create_graph():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    assert not F.jacobian(lambda x: x ** 3, x).requires_grad
    J = F.jacobian(lambda x: x ** 3, x, create_graph=True)
    J.sum().backward()  # d/dx sum(diag(3 x^2)) = 6 x
    assert x.grad.tolist() == [6.0, 12.0]
