"""PyTorch conformance: autograd semantics, gradient values at edge cases and the
tutorial walkthroughs (torch_behaviour.md sections 6, 7 and 8.1-8.7).

Each test replays a transcript measured on PyTorch 2.13 with ``torch`` bound to
minigrad (see the ``repl`` fixture in conftest.py) and compares every printed line.
"""

# ruff: noqa: E501  (transcripts are copied verbatim from PyTorch, long lines included)
from __future__ import annotations

import pytest

NN = "torch.nn.functional comes later"


def test_gradients_accumulate_across_backward_calls(repl):
    """6.1 Gradient accumulation across backward calls"""
    repl(r"""
>>> x = torch.tensor([1., 2., 3.], requires_grad=True)
>>> (x * x).sum().backward()
>>> x.grad
tensor([2., 4., 6.])
>>> (x * x).sum().backward()
>>> x.grad
tensor([ 4.,  8., 12.])
>>> (3 * x).sum().backward()
>>> x.grad
tensor([ 7., 11., 15.])
""")


def test_zeroing_grad_and_setting_it_to_none(repl):
    """6.2 x.grad.zero_() (returns the zeroed grad) and x.grad = None"""
    repl(r"""
>>> x = torch.tensor([1., 2., 3.], requires_grad=True)
>>> (x * x).sum().backward()
>>> x.grad.zero_()
tensor([0., 0., 0.])
>>> x.grad
tensor([0., 0., 0.])
>>> x.grad = None
>>> print(x.grad)
None
>>> (x * x).sum().backward()
>>> x.grad
tensor([2., 4., 6.])
""")


def test_grad_is_accumulated_into_the_same_tensor_object(repl):
    """6.3 x.grad identity: the same tensor object is accumulated into in place"""
    repl(r"""
>>> x = torch.tensor([1., 2.], requires_grad=True)
>>> x.sum().backward()
>>> g = x.grad
>>> x.sum().backward()
>>> g is x.grad
True
>>> g
tensor([2., 2.])
>>> x.grad.requires_grad
False
>>> x.grad.is_leaf
True
>>> print(x.grad.grad_fn)
None
""")


def test_retain_graph(repl):
    """6.4 retain_graph"""
    repl(r"""
>>> x = torch.tensor(2., requires_grad=True)
>>> y = x ** 3
>>> y.backward(retain_graph=True)
>>> x.grad
tensor(12.)
>>> y.backward()
>>> x.grad
tensor(24.)
""")


def test_detach_shares_storage_and_cuts_the_graph(repl):
    """6.5 detach"""
    repl(r"""
>>> x = torch.arange(4.0, requires_grad=True)
>>> y = x * x
>>> u = y.detach()
>>> u
tensor([0., 1., 4., 9.])
>>> u.requires_grad
False
>>> u.is_leaf
True
>>> z = u * x
>>> z.sum().backward()
>>> x.grad == u
tensor([True, True, True, True])
>>> u[0] = 100.
>>> y
tensor([100.,   1.,   4.,   9.], grad_fn=<MulBackward0>)
""")


def test_no_grad_enable_grad_and_set_grad_enabled(repl):
    """6.6 torch.no_grad() (context manager and decorator), set_grad_enabled, enable_grad"""
    repl(r"""
>>> x = torch.tensor([1., 2.], requires_grad=True)
>>> with torch.no_grad():
...     y = x * 2
...
>>> y
tensor([2., 4.])
>>> y.requires_grad
False
>>> torch.is_grad_enabled()
True
>>> with torch.no_grad():
...     print(torch.is_grad_enabled())
...     with torch.enable_grad():
...         z = x * 2
...
False
>>> z
tensor([2., 4.], grad_fn=<MulBackward0>)
>>> @torch.no_grad()
... def f(t):
...     return t * 3
...
>>> f(x)
tensor([3., 6.])
>>> with torch.set_grad_enabled(False):
...     w = x * 2
...
>>> w.requires_grad
False
>>> torch.set_grad_enabled(True)
torch.autograd.grad_mode.set_grad_enabled(mode=True)
>>> torch.is_grad_enabled()
True
""")


def test_requires_grad_method_and_attribute(repl):
    """6.7 requires_grad_() / requires_grad attribute"""
    repl(r"""
>>> x = torch.arange(4.0)
>>> x.requires_grad
False
>>> x.requires_grad_(True)
tensor([0., 1., 2., 3.], requires_grad=True)
>>> x.requires_grad_()
tensor([0., 1., 2., 3.], requires_grad=True)
>>> x.requires_grad_(False)
tensor([0., 1., 2., 3.])
>>> x.requires_grad = True
>>> x
tensor([0., 1., 2., 3.], requires_grad=True)
>>> y = x * 2
>>> y.requires_grad
True
""")


def test_is_leaf(repl):
    """6.8 is_leaf"""
    repl(r"""
>>> x = torch.tensor([1., 2.], requires_grad=True)
>>> n = torch.tensor([1., 2.])
>>> x.is_leaf
True
>>> n.is_leaf
True
>>> (x * 2).is_leaf
False
>>> (n * 2).is_leaf
True
>>> x.detach().is_leaf
True
>>> (x * 2).detach().is_leaf
True
>>> torch.ones(2, requires_grad=True).is_leaf
True
>>> (torch.ones(2) * 2).requires_grad_().is_leaf
True
""")


def test_retain_grad_keeps_non_leaf_grad(repl):
    """6.9 retain_grad()"""
    repl(r"""
>>> x = torch.tensor([1., 2.], requires_grad=True)
>>> y = x * 3
>>> y.retain_grad()
>>> y.retains_grad
True
>>> x.retains_grad
False
>>> z = (y * y).sum()
>>> z.backward()
>>> y.grad
tensor([ 6., 12.])
>>> x.grad
tensor([18., 36.])
>>> x.retain_grad()
""")


def test_grad_with_create_graph_gives_second_derivative(repl):
    """6.10 torch.autograd.grad with create_graph=True (second derivative)"""
    repl(r"""
>>> x = torch.tensor(2., requires_grad=True)
>>> y = x ** 3
>>> g = torch.autograd.grad(y, x, create_graph=True)
>>> g
(tensor(12., grad_fn=<MulBackward0>),)
>>> (dydx,) = g
>>> d2 = torch.autograd.grad(dydx, x)
>>> d2
(tensor(12.),)
>>> print(x.grad)
None
""")


def test_grad_without_create_graph_returns_plain_tensors_and_frees_graph(repl):
    """6.11 autograd.grad without create_graph returns plain tensors and frees the graph"""
    repl(r"""
>>> x = torch.tensor(2., requires_grad=True)
>>> y = x ** 3
>>> torch.autograd.grad(y, x)
(tensor(12.),)
>>> torch.autograd.grad(y, x)
Traceback (most recent call last):
  ...
RuntimeError: Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.
""")


def test_grad_with_retain_graph_does_not_accumulate_into_grad(repl):
    """6.12 autograd.grad with retain_graph=True does not accumulate into .grad"""
    repl(r"""
>>> x = torch.tensor(2., requires_grad=True)
>>> y = x ** 3
>>> torch.autograd.grad(y, [x], retain_graph=True)
(tensor(12.),)
>>> torch.autograd.grad(y, [x])
(tensor(12.),)
>>> print(x.grad)
None
""")


def test_grad_with_several_inputs_outputs_and_grad_outputs(repl):
    """6.13 autograd.grad with several inputs/outputs, grad_outputs"""
    repl(r"""
>>> x = torch.tensor([1., 2.], requires_grad=True)
>>> w = torch.tensor([3., 4.], requires_grad=True)
>>> y = x * w
>>> torch.autograd.grad(y, (x, w), grad_outputs=torch.ones(2))
(tensor([3., 4.]), tensor([1., 2.]))
>>> y = x * w
>>> torch.autograd.grad([y.sum(), (x * x).sum()], x)
(tensor([5., 8.]),)
""")


def test_third_derivative_by_nesting_grad(repl):
    """6.14 Third derivative by nesting autograd.grad(create_graph=True)"""
    repl(r"""
>>> x = torch.tensor(2., requires_grad=True)
>>> y = x ** 4
>>> (g1,) = torch.autograd.grad(y, x, create_graph=True)
>>> (g2,) = torch.autograd.grad(g1, x, create_graph=True)
>>> (g3,) = torch.autograd.grad(g2, x)
>>> g1, g2, g3
(tensor(32., grad_fn=<MulBackward0>), tensor(48., grad_fn=<MulBackward0>), tensor(48.))
""")


def test_backward_with_gradient_is_a_vector_jacobian_product(repl):
    """6.15 backward(gradient=...) on a vector output (vector-Jacobian product)"""
    repl(r"""
>>> x = torch.arange(4.0, requires_grad=True)
>>> y = x * x
>>> y.backward(gradient=torch.ones(len(y)))
>>> x.grad
tensor([0., 2., 4., 6.])
>>> x.grad.zero_()
tensor([0., 0., 0., 0.])
>>> y = x * x
>>> y.backward(torch.tensor([1., 0., 0., 1.]))
>>> x.grad
tensor([0., 0., 0., 6.])
""")


def test_backward_with_int_gradient(repl):
    """6.16 backward(gradient=int tensor)"""
    repl(r"""
>>> x = torch.tensor([1., 2.], requires_grad=True)
>>> y = 3 * x
>>> y.backward(torch.tensor([1, 1]))
>>> x.grad
tensor([3., 3.])
""")


def test_autograd_backward_function(repl):
    """6.17 torch.autograd.backward"""
    repl(r"""
>>> x = torch.tensor([1., 2.], requires_grad=True)
>>> torch.autograd.backward([(x * x).sum()])
>>> x.grad
tensor([2., 4.])
>>> torch.autograd.backward(x * 2, grad_tensors=torch.ones(2))
>>> x.grad
tensor([4., 6.])
""")


def test_gradients_of_all_paths_are_summed(repl):
    """6.18 Reusing a variable: gradients of all paths are summed"""
    repl(r"""
>>> x = torch.tensor(3., requires_grad=True)
>>> y = x * x + x + x.exp() * 0
>>> y.backward()
>>> x.grad
tensor(7.)
>>> a = torch.tensor(2., requires_grad=True)
>>> b = a + a
>>> b.backward()
>>> a.grad
tensor(2.)
""")


def test_broadcast_gradients_are_reduced_to_input_shape(repl):
    """6.19 Broadcasting: gradients are reduced back to the input shape"""
    repl(r"""
>>> a = torch.ones(3, 1, requires_grad=True)
>>> b = torch.ones(3, requires_grad=True)
>>> c = torch.tensor(2., requires_grad=True)
>>> (a * b * c).sum().backward()
>>> a.grad
tensor([[6.],
        [6.],
        [6.]])
>>> b.grad
tensor([6., 6., 6.])
>>> c.grad
tensor(9.)
>>> a.grad.shape
torch.Size([3, 1])
""")


def test_repeated_indices_accumulate_gradients(repl):
    """6.20 Gradients w.r.t. python-scalar-free constants and int indexing"""
    repl(r"""
>>> x = torch.tensor([1., 2., 3.], requires_grad=True)
>>> x[torch.tensor([0, 0, 2])].sum().backward()
>>> x.grad
tensor([2., 0., 1.])
>>> x.grad = None
>>> x[[1, 1]].sum().backward()
>>> x.grad
tensor([0., 2., 0.])
""")


def test_hooks_on_leaf_and_non_leaf(repl):
    """6.21 Hooks: register_hook on leaf and non-leaf"""
    repl(r"""
>>> x = torch.tensor([1., 2.], requires_grad=True)
>>> h = x.register_hook(lambda g: g * 10)
>>> (x * 2).sum().backward()
>>> x.grad
tensor([20., 20.])
>>> h.remove()
>>> x.grad = None
>>> y = x * 2
>>> y.register_hook(lambda g: print("grad of y:", g))
<torch.utils.hooks.RemovableHandle object at 0x<addr>>
>>> y.sum().backward()
grad of y: tensor([1., 1.])
>>> x.grad
tensor([2., 2.])
""")


def test_sgd_update_idiom_under_no_grad(repl):
    """6.22 SGD update idiom"""
    repl(r"""
>>> w = torch.tensor([1., 2.], requires_grad=True)
>>> lr = 0.1
>>> loss = (w * w).sum()
>>> loss.backward()
>>> with torch.no_grad():
...     w -= lr * w.grad
...
>>> w
tensor([0.8000, 1.6000], requires_grad=True)
>>> w.grad.zero_()
tensor([0., 0.])
>>> w.is_leaf
True
>>> w.requires_grad
True
>>> with torch.no_grad():
...     w = w - lr * w.grad
...
>>> w.is_leaf
True
>>> w.requires_grad
False
""")


def test_python_control_flow(repl):
    """6.23 Python control flow (d2l example)"""
    repl(r"""
>>> def f(a):
...     b = a * 2
...     while b.norm() < 1000:
...         b = b * 2
...     if b.sum() > 0:
...         c = b
...     else:
...         c = 100 * b
...     return c
...
>>> _ = torch.manual_seed(0)  # the Generator's repr: test_manual_seed_returns_the_default_generator
>>> a = torch.randn(size=(), requires_grad=True)
>>> d = f(a)
>>> d.backward()
>>> a.grad == d / a
tensor(True)
>>> a.grad
tensor(1024.)
>>> b = torch.tensor([3., 4.])
>>> b.norm()
tensor(5.)
>>> b.norm() < 1000
tensor(True)
>>> bool(torch.tensor(0.))
False
>>> torch.randn(size=(1,)).shape
torch.Size([1])
""")


def test_comparisons_and_truthiness_of_single_element_tensors(repl):
    """6.24 Comparisons, bool() and truthiness of 0-d / 1-element tensors"""
    repl(r"""
>>> x = torch.tensor(2.)
>>> x > 1
tensor(True)
>>> bool(x > 1)
True
>>> if x > 1:
...     print("yes")
...
yes
>>> bool(torch.tensor([0.]))
False
>>> torch.tensor([3.]) == 3
tensor([True])
>>> torch.tensor(2.) == 2.0
tensor(True)
>>> x.eq(2)
tensor(True)
>>> torch.equal(torch.tensor([1., 2.]), torch.tensor([1., 2.]))
True
>>> torch.allclose(torch.tensor([1., 2.]), torch.tensor([1., 2.00001]))
True
>>> max(torch.tensor(1.), torch.tensor(2.))
tensor(2.)
>>> sum([torch.tensor(1.), torch.tensor(2.)])
tensor(3.)
""")


def test_inplace_ops_update_version_and_grad_fn(repl):
    """6.25 In-place ops update _version and grad_fn"""
    repl(r"""
>>> x = torch.tensor([1., 2.], requires_grad=True)
>>> y = x * 1
>>> y._version
0
>>> y.grad_fn
<MulBackward0 object at 0x<addr>>
>>> y.mul_(2)
tensor([2., 4.], grad_fn=<MulBackward0>)
>>> y._version
1
>>> y.grad_fn
<MulBackward0 object at 0x<addr>>
>>> y[0] = 7.
>>> y
tensor([7., 4.], grad_fn=<CopySlices>)
>>> y._version
2
""")


def test_relu_abs_sign_clamp_gradients_at_the_kink(repl):
    """7.1 relu / abs / sign / clamp at the kink"""
    repl(r"""
>>> x = torch.tensor([-1., 0., 1.], requires_grad=True)
>>> torch.autograd.grad(x.relu().sum(), x)
(tensor([0., 0., 1.]),)
>>> torch.autograd.grad(x.abs().sum(), x)
(tensor([-1.,  0.,  1.]),)
>>> torch.autograd.grad(x.sign().sum(), x)
(tensor([0., 0., 0.]),)
>>> torch.autograd.grad(x.clamp(min=0).sum(), x)
(tensor([0., 1., 1.]),)
>>> torch.autograd.grad(x.clamp(-1, 1).sum(), x)
(tensor([1., 1., 1.]),)
>>> torch.autograd.grad(x.clamp(0, 0).sum(), x)
(tensor([0., 1., 0.]),)
>>> torch.autograd.grad(x.round().sum(), x)
(tensor([0., 0., 0.]),)
>>> torch.autograd.grad(x.floor().sum(), x)
(tensor([0., 0., 0.]),)
""")


def test_max_min_amax_maximum_gradients_with_ties(repl):
    """7.2 max / min / amax / maximum with ties"""
    repl(r"""
>>> x = torch.tensor([1., 3., 3.], requires_grad=True)
>>> torch.autograd.grad(x.max(), x)
(tensor([0.0000, 0.5000, 0.5000]),)
>>> torch.autograd.grad(x.amax(), x)
(tensor([0.0000, 0.5000, 0.5000]),)
>>> torch.autograd.grad(x.min(), x)
(tensor([1., 0., 0.]),)
>>> torch.autograd.grad(x.max(dim=0).values, x)
(tensor([0., 1., 0.]),)
>>> torch.autograd.grad(x.max(0)[0], x)
(tensor([0., 1., 0.]),)
>>> x.max(0)
torch.return_types.max(
values=tensor(3., grad_fn=<MaxBackward0>),
indices=tensor(1))
>>> torch.autograd.grad(torch.maximum(x, torch.tensor([1., 3., 0.])).sum(), x)
(tensor([0.5000, 0.5000, 1.0000]),)
>>> y = torch.tensor([3., 1., 3.], requires_grad=True)
>>> torch.autograd.grad(torch.maximum(x, y).sum(), [x, y])
(tensor([0.0000, 1.0000, 0.5000]), tensor([1.0000, 0.0000, 0.5000]))
>>> torch.autograd.grad(torch.max(x, y).sum(), [x, y])
(tensor([0.0000, 1.0000, 0.5000]), tensor([1.0000, 0.0000, 0.5000]))
""")


def test_sqrt_pow_log_norm_gradients_at_zero(repl):
    """7.3 sqrt / pow / log at 0"""
    repl(r"""
>>> x = torch.tensor([0., 1.], requires_grad=True)
>>> torch.autograd.grad(x.sqrt().sum(), x)
(tensor([   inf, 0.5000]),)
>>> torch.autograd.grad((x ** 0.5).sum(), x)
(tensor([   inf, 0.5000]),)
>>> torch.autograd.grad((x ** 2).sum(), x)
(tensor([0., 2.]),)
>>> torch.autograd.grad((x ** 1).sum(), x)
(tensor([1., 1.]),)
>>> torch.autograd.grad((x ** 0).sum(), x)
(tensor([0., 0.]),)
>>> torch.autograd.grad((x ** 0.).sum(), x)
(tensor([0., 0.]),)
>>> torch.autograd.grad((x ** -1).sum(), x)
(tensor([-inf, -1.]),)
>>> torch.autograd.grad(x.log().sum(), x)
(tensor([inf, 1.]),)
>>> torch.autograd.grad(x.norm(), x)
(tensor([0., 1.]),)
>>> z = torch.zeros(3, requires_grad=True)
>>> torch.autograd.grad(z.norm(), z)
(tensor([0., 0., 0.]),)
>>> torch.autograd.grad((2 ** x).sum(), x)
(tensor([0.6931, 1.3863]),)
>>> torch.autograd.grad((0 ** x).sum(), x)
(tensor([0., 0.]),)
""")


def test_pow_gradients_at_zero_and_negative_base(repl):
    """7.4 pow with tensor exponent at base 0 / negative base"""
    repl(r"""
>>> b = torch.tensor([0., -2.], requires_grad=True)
>>> e = torch.tensor([2., 2.], requires_grad=True)
>>> b ** e
tensor([0., 4.], grad_fn=<PowBackward1>)
>>> torch.autograd.grad((b ** e).sum(), [b, e])
(tensor([ 0., -4.]), tensor([0., nan]))
>>> torch.autograd.grad((b ** 2.5).sum(), b)
(tensor([0., nan]),)
""")


def test_where_leaks_nan_from_unselected_branch(repl):
    """7.5 where: nan in the unselected branch leaks into the gradient"""
    repl(r"""
>>> x = torch.tensor([-1., 4.], requires_grad=True)
>>> y = torch.where(x > 0, x.sqrt(), torch.zeros(2))
>>> y
tensor([0., 2.], grad_fn=<WhereBackward0>)
>>> y.sum().backward()
>>> x.grad
tensor([   nan, 0.2500])
""")


def test_division_by_zero_log_of_zero_and_exp_overflow(repl):
    """7.6 division by zero, log(0), exp overflow"""
    repl(r"""
>>> x = torch.tensor([0., 1.], requires_grad=True)
>>> y = 1 / x
>>> y
tensor([inf, 1.], grad_fn=<MulBackward0>)
>>> torch.autograd.grad(y.sum(), x)
(tensor([-inf, -1.]),)
>>> torch.tensor([100.]).exp()
tensor([inf])
>>> torch.tensor([89.]).exp()
tensor([inf])
>>> torch.tensor([88.]).exp()
tensor([1.6516e+38])
>>> torch.tensor([-104.]).exp()
tensor([0.])
>>> torch.tensor([1000.], dtype=torch.float64).exp()
tensor([inf], dtype=torch.float64)
""")


def test_sigmoid_tanh_softmax_logsumexp_are_numerically_stable(repl):
    """7.7 sigmoid / tanh / softmax / log_softmax numerical stability"""
    repl(r"""
>>> x = torch.tensor([-100., 0., 100.], requires_grad=True)
>>> x.sigmoid()
tensor([0.0000, 0.5000, 1.0000], grad_fn=<SigmoidBackward0>)
>>> torch.autograd.grad(x.sigmoid().sum(), x)
(tensor([0.0000, 0.2500, 0.0000]),)
>>> x.tanh()
tensor([-1.,  0.,  1.], grad_fn=<TanhBackward0>)
>>> torch.autograd.grad(x.tanh().sum(), x)
(tensor([0., 1., 0.]),)
>>> big = torch.tensor([1000., 0.], requires_grad=True)
>>> big.softmax(0)
tensor([1., 0.], grad_fn=<SoftmaxBackward0>)
>>> (big.exp() / big.exp().sum())
tensor([nan, 0.], grad_fn=<DivBackward0>)
>>> big.logsumexp(0)
tensor(1000., grad_fn=<LogsumexpBackward0>)
>>> torch.tensor([-1000., 0.]).logsumexp(0)
tensor(0.)
""")


def test_nan_and_inf_propagate_through_reductions(repl):
    """7.8 nan/inf propagation through sum/mean/max"""
    repl(r"""
>>> x = torch.tensor([1., float('nan'), 3.])
>>> x.sum()
tensor(nan)
>>> x.max()
tensor(nan)
>>> x.min()
tensor(nan)
>>> x.argmax()
tensor(1)
>>> torch.tensor([float('inf'), -float('inf')]).sum()
tensor(nan)
>>> torch.tensor([1., float('nan')]).clamp(0, 1)
tensor([1., nan])
>>> torch.tensor([1., float('nan')]).relu()
tensor([1., nan])
>>> torch.maximum(torch.tensor([1.]), torch.tensor([float('nan')]))
tensor([nan])
>>> torch.tensor([float('nan')]) == torch.tensor([float('nan')])
tensor([False])
""")


def test_integer_operands_never_get_gradients(repl):
    """7.9 Integer / bool operands never get gradients"""
    repl(r"""
>>> x = torch.tensor([1., 2.], requires_grad=True)
>>> i = torch.tensor([3, 4])
>>> y = (x * i).sum()
>>> y
tensor(11., grad_fn=<SumBackward0>)
>>> y.backward()
>>> x.grad
tensor([3., 4.])
>>> print(i.grad)
None
""")


def test_d2l_automatic_differentiation_walkthrough(repl):
    """8.1 d2l.ai 2.5 Automatic Differentiation"""
    repl(r"""
>>> x = torch.arange(4.0)
>>> x
tensor([0., 1., 2., 3.])
>>> x.requires_grad_(True)
tensor([0., 1., 2., 3.], requires_grad=True)
>>> x.grad
>>> y = 2 * torch.dot(x, x)
>>> y
tensor(28., grad_fn=<MulBackward0>)
>>> y.backward()
>>> x.grad
tensor([ 0.,  4.,  8., 12.])
>>> x.grad == 4 * x
tensor([True, True, True, True])
>>> x.grad.zero_()
tensor([0., 0., 0., 0.])
>>> y = x.sum()
>>> y.backward()
>>> x.grad
tensor([1., 1., 1., 1.])
>>> x.grad.zero_()
tensor([0., 0., 0., 0.])
>>> y = x * x
>>> y.backward(gradient=torch.ones(len(y)))
>>> x.grad
tensor([0., 2., 4., 6.])
>>> x.grad.zero_()
tensor([0., 0., 0., 0.])
>>> y = x * x
>>> u = y.detach()
>>> z = u * x
>>> z.sum().backward()
>>> x.grad == u
tensor([True, True, True, True])
>>> x.grad.zero_()
tensor([0., 0., 0., 0.])
>>> y.sum().backward()
>>> x.grad == 2 * x
tensor([True, True, True, True])
""")


def test_micrograd_neuron_in_float64(repl):
    """8.2 Karpathy 'micrograd' lecture: the same neuron in torch"""
    repl(r"""
>>> x1 = torch.Tensor([2.0]).double()                ; x1.requires_grad = True
>>> x2 = torch.Tensor([0.0]).double()                ; x2.requires_grad = True
>>> w1 = torch.Tensor([-3.0]).double()               ; w1.requires_grad = True
>>> w2 = torch.Tensor([1.0]).double()                ; w2.requires_grad = True
>>> b = torch.Tensor([6.8813735870195432]).double()  ; b.requires_grad = True
>>> n = x1*w1 + x2*w2 + b
>>> o = torch.tanh(n)
>>> print(o.data.item())
0.7071066904050358
>>> o.backward()
>>> print('---')
---
>>> print('x2', x2.grad.item())
x2 0.5000001283844369
>>> print('w2', w2.grad.item())
w2 0.0
>>> print('x1', x1.grad.item())
x1 -1.5000003851533106
>>> print('w1', w1.grad.item())
w1 1.0000002567688737
>>> o
tensor([0.7071], dtype=torch.float64, grad_fn=<TanhBackward0>)
>>> x1
tensor([2.], dtype=torch.float64, requires_grad=True)
>>> torch.Tensor([2.0]).double()
tensor([2.], dtype=torch.float64)
>>> o.item()
0.7071066904050358
""")


def test_pytorch_autograd_basics_tutorial(repl):
    """8.3 pytorch.org 'Automatic Differentiation with torch.autograd' (basics)"""
    repl(r"""
>>> _ = torch.manual_seed(0)
>>> x = torch.ones(5)  # input tensor
>>> y = torch.zeros(3)  # expected output
>>> w = torch.randn(5, 3, requires_grad=True)
>>> b = torch.randn(3, requires_grad=True)
>>> z = torch.matmul(x, w)+b
>>> z = torch.matmul(x, w)+b
>>> print(z.requires_grad)
True
>>> with torch.no_grad():
...     z = torch.matmul(x, w)+b
...
>>> print(z.requires_grad)
False
>>> z = torch.matmul(x, w)+b
>>> z_det = z.detach()
>>> print(z_det.requires_grad)
False
>>> inp = torch.eye(4, 5, requires_grad=True)
>>> out = (inp+1).pow(2).t()
>>> out.backward(torch.ones_like(out), retain_graph=True)
>>> print(f"First call\n{inp.grad}")
First call
tensor([[4., 2., 2., 2., 2.],
        [2., 4., 2., 2., 2.],
        [2., 2., 4., 2., 2.],
        [2., 2., 2., 4., 2.]])
>>> out.backward(torch.ones_like(out), retain_graph=True)
>>> print(f"\nSecond call\n{inp.grad}")

Second call
tensor([[8., 4., 4., 4., 4.],
        [4., 8., 4., 4., 4.],
        [4., 4., 8., 4., 4.],
        [4., 4., 4., 8., 4.]])
>>> inp.grad.zero_()
tensor([[0., 0., 0., 0., 0.],
        [0., 0., 0., 0., 0.],
        [0., 0., 0., 0., 0.],
        [0., 0., 0., 0., 0.]])
>>> out.backward(torch.ones_like(out), retain_graph=True)
>>> print(f"\nCall after zeroing gradients\n{inp.grad}")

Call after zeroing gradients
tensor([[4., 2., 2., 2., 2.],
        [2., 4., 2., 2., 2.],
        [2., 2., 4., 2., 2.],
        [2., 2., 2., 4., 2.]])
""")


def test_gentle_introduction_to_autograd(repl):
    """8.4 pytorch.org 'A Gentle Introduction to torch.autograd'"""
    repl(r"""
>>> a = torch.tensor([2., 3.], requires_grad=True)
>>> b = torch.tensor([6., 4.], requires_grad=True)
>>> Q = 3*a**3 - b**2
>>> external_grad = torch.tensor([1., 1.])
>>> Q.backward(gradient=external_grad)
>>> print(9*a**2 == a.grad)
tensor([True, True])
>>> print(-2*b == b.grad)
tensor([True, True])
>>> Q
tensor([-12.,  65.], grad_fn=<SubBackward0>)
>>> x = torch.rand(5, 5)
>>> y = torch.rand(5, 5)
>>> z = torch.rand((5, 5), requires_grad=True)
>>> a = x + y
>>> print(f"Does `a` require gradients?: {a.requires_grad}")
Does `a` require gradients?: False
>>> b = x + z
>>> print(f"Does `b` require gradients?: {b.requires_grad}")
Does `b` require gradients?: True
""")


@pytest.mark.xfail(strict=True, reason="torch.sin's float32 (SLEEF, not correctly rounded) "
                   "differs from NumPy's in the last bit of some of the 2000 targets; with "
                   "PyTorch's targets every printed loss matches (tests/test_torch_api.py)")
def test_polynomial_fit_seeded(repl):
    """8.5 pytorch.org 'Learning PyTorch with Examples' (autograd polynomial fit, seeded)"""
    repl(r"""
>>> torch.manual_seed(0)
<torch._C.Generator object at 0x<addr>>
>>> dtype = torch.float
>>> device = torch.device("cpu")
>>> x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
>>> y = torch.sin(x)
>>> a = torch.randn((), device=device, dtype=dtype, requires_grad=True)
>>> b = torch.randn((), device=device, dtype=dtype, requires_grad=True)
>>> c = torch.randn((), device=device, dtype=dtype, requires_grad=True)
>>> d = torch.randn((), device=device, dtype=dtype, requires_grad=True)
>>> a, b, c, d
(tensor(1.5410, requires_grad=True), tensor(-0.2934, requires_grad=True), tensor(-2.1788, requires_grad=True), tensor(0.5684, requires_grad=True))
>>> learning_rate = 1e-6
>>> for t in range(2000):
...     y_pred = a + b * x + c * x ** 2 + d * x ** 3
...     loss = (y_pred - y).pow(2).sum()
...     if t % 100 == 99:
...         print(t, loss.item())
...     loss.backward()
...     with torch.no_grad():
...         a -= learning_rate * a.grad
...         b -= learning_rate * b.grad
...         c -= learning_rate * c.grad
...         d -= learning_rate * d.grad
...         a.grad = None
...         b.grad = None
...         c.grad = None
...         d.grad = None
...
99 3238.300537109375
199 2245.867431640625
299 1559.9361572265625
399 1085.354248046875
499 756.6680908203125
599 528.8026733398438
699 370.6806640625
799 260.8537292480469
899 184.50198364257812
999 131.3756866455078
1099 94.3787612915039
1199 68.59319305419922
1299 50.60741424560547
1399 38.052650451660156
1499 29.282577514648438
1599 23.15198516845703
1699 18.86368179321289
1799 15.86209487915039
1899 13.759875297546387
1999 12.286677360534668
>>> print(f'Result: y = {a.item()} + {b.item()} x + {c.item()} x^2 + {d.item()} x^3')
Result: y = 0.058623358607292175 + 0.8372474908828735 x + -0.010113503783941269 x^2 + -0.09055762737989426 x^3
""")


def test_polynomial_fit_from_fixed_start(repl):
    """8.6 Same polynomial fit from fixed (non-random) start values"""
    repl(r"""
>>> x = torch.linspace(-math.pi, math.pi, 2000)
>>> y = torch.sin(x)
>>> a = torch.tensor(0.1, requires_grad=True)
>>> b = torch.tensor(0.2, requires_grad=True)
>>> c = torch.tensor(-0.3, requires_grad=True)
>>> d = torch.tensor(0.05, requires_grad=True)
>>> for t in range(300):
...     y_pred = a + b * x + c * x ** 2 + d * x ** 3
...     loss = (y_pred - y).pow(2).sum()
...     if t % 100 == 99:
...         print(t, loss.item(), loss)
...     loss.backward()
...     with torch.no_grad():
...         for p in (a, b, c, d):
...             p -= 1e-6 * p.grad
...             p.grad = None
...
99 330.7825012207031 tensor(330.7825, grad_fn=<SumBackward0>)
199 222.3533935546875 tensor(222.3534, grad_fn=<SumBackward0>)
299 150.46844482421875 tensor(150.4684, grad_fn=<SumBackward0>)
>>> print(a, b, c, d)
tensor(0.0877, requires_grad=True) tensor(0.4999, requires_grad=True) tensor(-0.0151, requires_grad=True) tensor(-0.0426, requires_grad=True)
""")


def test_custom_function_legendre_polynomial(repl):
    """8.7 Learning PyTorch with Examples: custom Function LegendrePolynomial3"""
    repl(r"""
>>> class LegendrePolynomial3(torch.autograd.Function):
...     @staticmethod
...     def forward(ctx, input):
...         ctx.save_for_backward(input)
...         return 0.5 * (5 * input ** 3 - 3 * input)
...     @staticmethod
...     def backward(ctx, grad_output):
...         input, = ctx.saved_tensors
...         return grad_output * 1.5 * (5 * input ** 2 - 1)
...
>>> P3 = LegendrePolynomial3.apply
>>> x = torch.tensor([0.5, -1., 2.], requires_grad=True)
>>> y = P3(x)
>>> y
tensor([-0.4375, -1.0000, 17.0000], grad_fn=<LegendrePolynomial3Backward>)
>>> y.sum().backward()
>>> x.grad
tensor([ 0.3750,  6.0000, 28.5000])
""")



# Behaviours split out of the transcripts above ----------------------------------------------

def test_leaky_relu_gradient_at_the_kink(repl):
    """7.1 (leaky_relu)"""
    repl(r"""
>>> x = torch.tensor([-1., 0., 1.], requires_grad=True)
>>> torch.autograd.grad(torch.nn.functional.leaky_relu(x, 0.1).sum(), x)
(tensor([0.1000, 0.1000, 1.0000]),)
""")


@pytest.mark.xfail(strict=True, reason="sort is not in minigrad's API")
def test_sort_gradient_goes_to_the_sorted_position(repl):
    """7.2 (sort)"""
    repl(r"""
>>> x = torch.tensor([1., 3., 3.], requires_grad=True)
>>> torch.autograd.grad(x.sort().values[-1], x)
(tensor([0., 0., 1.]),)
""")


def test_functional_log_softmax_and_softplus_are_numerically_stable(repl):
    """7.7 (torch.nn.functional)"""
    repl(r"""
>>> big = torch.tensor([1000., 0.], requires_grad=True)
>>> torch.nn.functional.log_softmax(big, 0)
tensor([    0., -1000.], grad_fn=<LogSoftmaxBackward0>)
>>> torch.autograd.grad(torch.nn.functional.log_softmax(big, 0)[1], big)
(tensor([-1.,  1.]),)
>>> torch.nn.functional.softplus(torch.tensor([100., -100.]))
tensor([1.0000e+02, 3.7835e-44])
""")


def test_pytorch_autograd_basics_tutorial_loss(repl):
    """8.3 (the binary_cross_entropy_with_logits part)"""
    repl(r"""
>>> _ = torch.manual_seed(0)
>>> x = torch.ones(5)  # input tensor
>>> y = torch.zeros(3)  # expected output
>>> w = torch.randn(5, 3, requires_grad=True)
>>> b = torch.randn(3, requires_grad=True)
>>> z = torch.matmul(x, w)+b
>>> loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
>>> print(f"Gradient function for z = {z.grad_fn}")
Gradient function for z = <AddBackward0 object at 0x<addr>>
>>> print(f"Gradient function for loss = {loss.grad_fn}")
Gradient function for loss = <BinaryCrossEntropyWithLogitsBackward0 object at 0x<addr>>
>>> loss.backward()
>>> print(w.grad)
tensor([[0.2661, 0.1179, 0.0027],
        [0.2661, 0.1179, 0.0027],
        [0.2661, 0.1179, 0.0027],
        [0.2661, 0.1179, 0.0027],
        [0.2661, 0.1179, 0.0027]])
>>> print(b.grad)
tensor([0.2661, 0.1179, 0.0027])
""")
