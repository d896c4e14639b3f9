"""PyTorch conformance: every error and warning of torch_behaviour.md section 5,
with its exact exception type and message (warnings with their exact text and the
line they are attributed to).

Each test replays a transcript measured on PyTorch 2.13 with ``torch`` bound to
minigrad (see the ``repl`` fixture in conftest.py) and compares every printed line.
"""

# ruff: noqa: E501  (transcripts are copied verbatim from PyTorch, long lines included)
from __future__ import annotations


def test_backward_on_tensor_not_requiring_grad_raises(repl):
    """5.1 backward() on a tensor that does not require grad"""
    repl(r"""
>>> x = torch.tensor(1.)
>>> x.backward()
Traceback (most recent call last):
  ...
RuntimeError: element 0 of tensors does not require grad and does not have a grad_fn
""")


def test_backward_on_result_of_non_grad_tensors_raises(repl):
    """5.2 backward() on a result computed from non-grad tensors"""
    repl(r"""
>>> x = torch.tensor([1., 2.])
>>> y = (x * 2).sum()
>>> y.backward()
Traceback (most recent call last):
  ...
RuntimeError: element 0 of tensors does not require grad and does not have a grad_fn
""")


def test_backward_on_non_scalar_without_gradient_raises(repl):
    """5.3 backward() on a non-scalar without gradient"""
    repl(r"""
>>> x = torch.tensor([1., 2.], requires_grad=True)
>>> y = x * 2
>>> y.backward()
Traceback (most recent call last):
  ...
RuntimeError: grad can be implicitly created only for scalar outputs
""")


def test_backward_on_one_element_1d_output_works(repl):
    """5.4 backward() on a 1-element but non-0-d output works"""
    repl(r"""
>>> x = torch.tensor([3.], requires_grad=True)
>>> y = x * 2
>>> y.shape
torch.Size([1])
>>> y.backward()
>>> x.grad
tensor([2.])
""")


def test_second_backward_without_retain_graph_raises(repl):
    """5.5 backward twice without retain_graph (graph with saved tensors)"""
    repl(r"""
>>> x = torch.tensor([1., 2.], requires_grad=True)
>>> y = (x * x).sum()
>>> y.backward()
>>> y.backward()
Traceback (most recent call last):
  ...
RuntimeError: Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.
""")


def test_second_backward_through_graph_without_saved_tensors_accumulates(repl):
    """5.6 backward twice on graphs WITHOUT saved tensors does not fail"""
    repl(r"""
>>> x = torch.tensor([1., 2.], requires_grad=True)
>>> y = x.sum()
>>> y.backward()
>>> y.backward()
>>> x.grad
tensor([2., 2.])
>>> x.grad = None
>>> y = (x * 2).sum()
>>> y.backward()
>>> y.backward()
Traceback (most recent call last):
  ...
RuntimeError: Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.
>>> x.grad
tensor([2., 2.])
>>> x.grad = None
>>> y = (x + 1).sum()
>>> y.backward()
>>> y.backward()
>>> x.grad
tensor([2., 2.])
""")


def test_which_ops_make_a_second_backward_raise(repl):
    """5.7 backward twice: which ops raise"""
    repl(r"""
>>> def try_twice(f):
...     x = torch.tensor([1., 2.], requires_grad=True)
...     y = f(x)
...     y.backward()
...     try:
...         y.backward()
...         return "ok"
...     except RuntimeError as e:
...         return "RuntimeError"
...
>>> for name, f in [("x.sum()", lambda x: x.sum()), ("(x*2).sum()", lambda x: (x * 2).sum()),
...                 ("(x/2).sum()", lambda x: (x / 2).sum()), ("(x+x).sum()", lambda x: (x + x).sum()),
...                 ("(x-1).sum()", lambda x: (x - 1).sum()), ("(-x).sum()", lambda x: (-x).sum()),
...                 ("x.mean()", lambda x: x.mean()), ("(x*x).sum()", lambda x: (x * x).sum()),
...                 ("(x**2).sum()", lambda x: (x ** 2).sum()), ("x.exp().sum()", lambda x: x.exp().sum()),
...                 ("x.tanh().sum()", lambda x: x.tanh().sum()), ("x.relu().sum()", lambda x: x.relu().sum()),
...                 ("torch.dot(x, x)", lambda x: torch.dot(x, x)), ("x[0]", lambda x: x[0]),
...                 ("x.reshape(2,1).sum()", lambda x: x.reshape(2, 1).sum()), ("x.norm()", lambda x: x.norm()),
...                 ("x.max()", lambda x: x.max()), ("(x*torch.ones(2)).sum()", lambda x: (x * torch.ones(2)).sum())]:
...     print(f"{name:<24} {try_twice(f)}")
...
x.sum()                  ok
(x*2).sum()              RuntimeError
(x/2).sum()              RuntimeError
(x+x).sum()              ok
(x-1).sum()              ok
(-x).sum()               ok
x.mean()                 ok
(x*x).sum()              RuntimeError
(x**2).sum()             RuntimeError
x.exp().sum()            RuntimeError
x.tanh().sum()           RuntimeError
x.relu().sum()           RuntimeError
torch.dot(x, x)          RuntimeError
x[0]                     ok
x.reshape(2,1).sum()     ok
x.norm()                 RuntimeError
x.max()                  RuntimeError
(x*torch.ones(2)).sum()  RuntimeError
""")


def test_retain_graph_allows_second_backward_and_accumulates(repl):
    """5.8 retain_graph=True allows a second backward (and accumulates)"""
    repl(r"""
>>> x = torch.tensor([1., 2.], requires_grad=True)
>>> y = (x * x).sum()
>>> y.backward(retain_graph=True)
>>> x.grad
tensor([2., 4.])
>>> y.backward()
>>> x.grad
tensor([4., 8.])
""")


def test_gradient_argument_of_wrong_shape_raises(repl):
    """5.9 gradient argument of the wrong shape"""
    repl(r"""
>>> x = torch.arange(4.0, requires_grad=True)
>>> y = x * x
>>> y.backward(torch.ones(3))
Traceback (most recent call last):
  ...
RuntimeError: Mismatch in shape: grad_output[0] has a shape of torch.Size([3]) and output[0] has a shape of torch.Size([4]).
""")


def test_gradient_argument_that_only_broadcasts_raises(repl):
    """5.10 gradient argument that only broadcasts is still rejected"""
    repl(r"""
>>> x = torch.arange(4.0, requires_grad=True)
>>> y = x * x
>>> y.backward(torch.ones(1))
Traceback (most recent call last):
  ...
RuntimeError: Mismatch in shape: grad_output[0] has a shape of torch.Size([1]) and output[0] has a shape of torch.Size([4]).
""")


def test_one_element_gradient_for_scalar_output_raises(repl):
    """5.11 gradient argument for a scalar output given as 1-element tensor"""
    repl(r"""
>>> x = torch.arange(4.0, requires_grad=True)
>>> y = (x * x).sum()
>>> y.backward(torch.tensor([1.]))
Traceback (most recent call last):
  ...
RuntimeError: Mismatch in shape: grad_output[0] has a shape of torch.Size([1]) and output[0] has a shape of torch.Size([]).
""")


def test_int_gradient_argument_is_cast_to_output_dtype(repl):
    """5.12 gradient argument with an int dtype is accepted (cast to output dtype)"""
    repl(r"""
>>> x = torch.tensor([1., 2.], requires_grad=True)
>>> y = x * x
>>> y.backward(gradient=torch.tensor([1, 1]))
>>> x.grad
tensor([2., 4.])
>>> x.grad.dtype
torch.float32
""")


def test_float64_gradient_argument_for_float32_output_is_accepted(repl):
    """5.13 gradient argument with float64 dtype for a float32 output"""
    repl(r"""
>>> x = torch.tensor([1., 2.], requires_grad=True)
>>> y = x * x
>>> y.backward(torch.tensor([1., 1.], dtype=torch.float64))
>>> x.grad
tensor([2., 4.])
""")


def test_gradient_given_as_python_list_raises_type_error(repl):
    """5.14 gradient given as a Python list / scalar"""
    repl(r"""
>>> x = torch.tensor([1., 2.], requires_grad=True)
>>> y = x * x
>>> y.backward([1., 1.])
Traceback (most recent call last):
  ...
TypeError: gradients can be either Tensors or None, but got float
""")


def test_augmented_assignment_on_leaf_requiring_grad_raises(repl):
    """5.15 In-place op on a leaf that requires grad: x += 1"""
    repl(r"""
>>> x = torch.tensor([1., 2.], requires_grad=True)
>>> x += 1
Traceback (most recent call last):
  ...
RuntimeError: a leaf Variable that requires grad is being used in an in-place operation.
""")


def test_inplace_method_on_leaf_requiring_grad_raises(repl):
    """5.16 In-place variants on a leaf: add_, zero_, setitem"""
    repl(r"""
>>> x = torch.tensor([1., 2.], requires_grad=True)
>>> x.add_(1)
Traceback (most recent call last):
  ...
RuntimeError: a leaf Variable that requires grad is being used in an in-place operation.
""")


def test_setitem_on_leaf_requiring_grad_raises(repl):
    """5.17 setitem on a leaf"""
    repl(r"""
>>> x = torch.tensor([1., 2.], requires_grad=True)
>>> x[0] = 5.
Traceback (most recent call last):
  ...
RuntimeError: a view of a leaf Variable that requires grad is being used in an in-place operation.
""")


def test_rebinding_x_to_x_plus_one_is_not_inplace(repl):
    """5.18 x = x + 1 is fine (rebinding, not in-place)"""
    repl(r"""
>>> x = torch.tensor([1., 2.], requires_grad=True)
>>> x = x + 1
>>> x
tensor([2., 3.], grad_fn=<AddBackward0>)
>>> x.is_leaf
False
""")


def test_inplace_on_leaf_under_no_grad_or_via_data_is_allowed(repl):
    """5.19 In-place on a leaf under torch.no_grad() / via .data is allowed"""
    repl(r"""
>>> x = torch.tensor([1., 2.], requires_grad=True)
>>> with torch.no_grad():
...     x += 1
...
>>> x
tensor([2., 3.], requires_grad=True)
>>> x.data -= 1
>>> x
tensor([1., 2.], requires_grad=True)
>>> x._version
1
""")


def test_modifying_saved_output_inplace_then_backward_raises(repl):
    """5.20 Modifying a saved tensor in place, then backward (version counter)"""
    repl(r"""
>>> x = torch.tensor([1., 2., 3.], requires_grad=True)
>>> y = x.exp()
>>> y.add_(1)
tensor([ 3.7183,  8.3891, 21.0855], grad_fn=<AddBackward0>)
>>> y.sum().backward()
Traceback (most recent call last):
  ...
RuntimeError: one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [3]], which is output 0 of Exp, is at version 1; expected version 0 instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).
""")


def test_modifying_saved_non_leaf_input_inplace_then_backward_raises(repl):
    """5.21 Version counter: saved non-leaf input modified"""
    repl(r"""
>>> x = torch.tensor([1., 2., 3.], requires_grad=True)
>>> y = x * 2
>>> z = y * y
>>> y.add_(1)
tensor([3., 5., 7.], grad_fn=<AddBackward0>)
>>> z.sum().backward()
Traceback (most recent call last):
  ...
RuntimeError: one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [3]], which is output 0 of Add, is at version 1; expected version 0 instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).
""")


def test_modifying_saved_tensor_not_requiring_grad_then_backward_raises(repl):
    """5.22 Version counter: saved tensor that does not require grad"""
    repl(r"""
>>> x = torch.tensor([1., 2., 3.], requires_grad=True)
>>> w = torch.ones(3)
>>> z = (x * w).sum()
>>> w.add_(1)
tensor([2., 2., 2.])
>>> z.backward()
Traceback (most recent call last):
  ...
RuntimeError: one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [3]] is at version 1; expected version 0 instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).
""")


def test_inplace_on_non_leaf_that_is_not_saved_is_fine(repl):
    """5.23 In-place on a non-leaf that is NOT saved is fine"""
    repl(r"""
>>> x = torch.tensor([1., 2., 3.], requires_grad=True)
>>> y = x * 2
>>> y.add_(1)
tensor([3., 5., 7.], grad_fn=<AddBackward0>)
>>> y
tensor([3., 5., 7.], grad_fn=<AddBackward0>)
>>> y._version
1
>>> y.sum().backward()
>>> x.grad
tensor([2., 2., 2.])
""")


def test_inplace_on_view_of_leaf_raises(repl):
    """5.24 In-place op on a view of a leaf"""
    repl(r"""
>>> x = torch.tensor([1., 2., 3.], requires_grad=True)
>>> v = x[:2]
>>> v.mul_(2)
Traceback (most recent call last):
  ...
RuntimeError: a view of a leaf Variable that requires grad is being used in an in-place operation.
""")


def test_grad_of_non_leaf_warns_every_time(repl):
    """5.25 .grad access on a non-leaf (UserWarning)"""
    repl(r"""
>>> x = torch.tensor([1., 2.], requires_grad=True)
>>> y = x * 2
>>> y.sum().backward()
>>> y.grad
[stderr] <snippet>:4: UserWarning: The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't be populated during autograd.backward(). If you indeed want the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for more information. (Triggered internally at /__w/pytorch/pytorch/build/aten/src/ATen/core/TensorBody.h:493.)
>>> print(y.grad)
None
[stderr] <snippet>:5: UserWarning: The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't be populated during autograd.backward(). If you indeed want the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for more information. (Triggered internally at /__w/pytorch/pytorch/build/aten/src/ATen/core/TensorBody.h:493.)
""")


def test_grad_of_non_leaf_after_retain_grad_does_not_warn(repl):
    """5.26 .grad access on a non-leaf after retain_grad() (no warning)"""
    repl(r"""
>>> x = torch.tensor([1., 2.], requires_grad=True)
>>> y = x * 2
>>> y.retain_grad()
>>> y.sum().backward()
>>> y.grad
tensor([1., 1.])
""")


def test_numpy_on_tensor_requiring_grad_raises(repl):
    """5.27 .numpy() on a tensor that requires grad"""
    repl(r"""
>>> x = torch.tensor([1., 2.], requires_grad=True)
>>> x.numpy()
Traceback (most recent call last):
  ...
RuntimeError: Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.
""")


def test_numpy_on_non_leaf_result_raises(repl):
    """5.28 .numpy() on a non-leaf result"""
    repl(r"""
>>> x = torch.tensor([1., 2.], requires_grad=True)
>>> (x * 2).numpy()
Traceback (most recent call last):
  ...
RuntimeError: Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.
""")


def test_np_array_of_tensor_requiring_grad_raises(repl):
    """5.29 np.array(tensor_requiring_grad)

    PyTorch 2.13 also prints NumPy's DeprecationWarning that its ``__array__`` lacks a
    ``copy`` keyword; minigrad's ``__array__`` has one, so that line is not copied."""
    repl(r"""
>>> x = torch.tensor([1., 2.], requires_grad=True)
>>> np.array(x)
Traceback (most recent call last):
  ...
RuntimeError: Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.
""")


def test_tolist_item_and_float_of_tensor_requiring_grad_work(repl):
    """5.30 .tolist() / .item() / float() on a tensor that requires grad are fine"""
    repl(r"""
>>> x = torch.tensor([1., 2.], requires_grad=True)
>>> x.tolist()
[1.0, 2.0]
>>> x[0].item()
1.0
>>> float(x[1])
2.0
[stderr] <snippet>:4: UserWarning: Converting a tensor with requires_grad=True to a scalar may lead to unexpected behavior.
Consider using tensor.detach() first. (Triggered internally at /__w/pytorch/pytorch/torch/csrc/autograd/generated/python_variable_methods.cpp:822.)
""")


def test_elementwise_shape_mismatch_raises(repl):
    """5.31 Shape mismatch in elementwise add"""
    repl(r"""
>>> torch.ones(3) + torch.ones(4)
Traceback (most recent call last):
  ...
RuntimeError: The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 0
""")


def test_elementwise_shape_mismatch_2d_raises(repl):
    """5.32 Shape mismatch in elementwise add (2-d)"""
    repl(r"""
>>> torch.ones(2, 3) + torch.ones(3, 2)
Traceback (most recent call last):
  ...
RuntimeError: The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1
""")


def test_broadcasting_shapes(repl):
    """5.33 Broadcasting that works"""
    repl(r"""
>>> (torch.ones(2, 3) + torch.ones(3)).shape
torch.Size([2, 3])
>>> (torch.ones(3, 1) + torch.ones(1, 4)).shape
torch.Size([3, 4])
>>> (torch.ones(2, 1, 3) * torch.ones(4, 1)).shape
torch.Size([2, 4, 3])
""")


def test_matmul_2d_2d_shape_mismatch_raises(repl):
    """5.34 matmul shape mismatch (2-d @ 2-d)"""
    repl(r"""
>>> torch.ones(2, 3) @ torch.ones(2, 3)
Traceback (most recent call last):
  ...
RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)
""")


def test_matmul_2d_1d_shape_mismatch_raises(repl):
    """5.35 matmul shape mismatch (2-d @ 1-d)"""
    repl(r"""
>>> torch.ones(2, 3) @ torch.ones(2)
Traceback (most recent call last):
  ...
RuntimeError: size mismatch, got input (2), mat (2x3), vec (2)
""")


def test_matmul_1d_2d_shape_mismatch_raises(repl):
    """5.36 matmul shape mismatch (1-d @ 2-d)"""
    repl(r"""
>>> torch.ones(3) @ torch.ones(2, 3)
Traceback (most recent call last):
  ...
RuntimeError: mat1 and mat2 shapes cannot be multiplied (1x3 and 2x3)
""")


def test_matmul_1d_1d_length_mismatch_raises(repl):
    """5.37 matmul 1-d @ 1-d of different lengths"""
    repl(r"""
>>> torch.ones(3) @ torch.ones(4)
Traceback (most recent call last):
  ...
RuntimeError: inconsistent tensor size, expected tensor [3] and src [4] to have the same number of elements, but got 3 and 4 elements respectively
""")


def test_matmul_with_0d_operand_raises(repl):
    """5.38 matmul with a 0-d operand"""
    repl(r"""
>>> torch.tensor(2.) @ torch.ones(3)
Traceback (most recent call last):
  ...
RuntimeError: both arguments to matmul need to be at least 1D, but they are 0D and 1D
""")


def test_mm_shape_mismatch_raises(repl):
    """5.39 torch.mm mismatch"""
    repl(r"""
>>> torch.mm(torch.ones(2, 3), torch.ones(2, 3))
Traceback (most recent call last):
  ...
RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)
""")


def test_mm_with_1d_operand_raises(repl):
    """5.40 torch.mm with a 1-d operand"""
    repl(r"""
>>> torch.mm(torch.ones(3), torch.ones(3, 2))
Traceback (most recent call last):
  ...
RuntimeError: self must be a matrix
""")


def test_mv_shape_mismatch_raises(repl):
    """5.41 torch.mv mismatch"""
    repl(r"""
>>> torch.mv(torch.ones(2, 3), torch.ones(2))
Traceback (most recent call last):
  ...
RuntimeError: size mismatch, got input (2), mat (2x3), vec (2)
""")


def test_dot_on_2d_tensors_raises(repl):
    """5.42 torch.dot on 2-d tensors"""
    repl(r"""
>>> torch.dot(torch.ones(2, 2), torch.ones(2, 2))
Traceback (most recent call last):
  ...
RuntimeError: 1D tensors expected, but got 2D and 2D tensors
""")


def test_dot_of_different_lengths_raises(repl):
    """5.43 torch.dot of different lengths"""
    repl(r"""
>>> torch.dot(torch.ones(3), torch.ones(4))
Traceback (most recent call last):
  ...
RuntimeError: inconsistent tensor size, expected tensor [3] and src [4] to have the same number of elements, but got 3 and 4 elements respectively
""")


def test_dot_with_mixed_dtypes_raises(repl):
    """5.44 torch.dot with mixed dtypes"""
    repl(r"""
>>> torch.dot(torch.ones(3), torch.ones(3, dtype=torch.int64))
Traceback (most recent call last):
  ...
RuntimeError: dot : expected both vectors to have same dtype, but found Float and Long
""")


def test_matmul_with_mixed_float_dtypes_raises(repl):
    """5.45 matmul with mixed dtypes (no promotion!)"""
    repl(r"""
>>> torch.ones(2, 2) @ torch.ones(2, 2, dtype=torch.float64)
Traceback (most recent call last):
  ...
RuntimeError: expected m1 and m2 to have the same dtype, but got: float != double
""")


def test_matmul_float_with_int_raises(repl):
    """5.46 matmul float @ int"""
    repl(r"""
>>> torch.ones(2, 2) @ torch.ones(2, 2, dtype=torch.int64)
Traceback (most recent call last):
  ...
RuntimeError: expected m1 and m2 to have the same dtype, but got: float != long int
""")


def test_elementwise_ops_promote_mixed_dtypes(repl):
    """5.47 Elementwise ops DO promote mixed dtypes"""
    repl(r"""
>>> torch.ones(2) * torch.ones(2, dtype=torch.int64)
tensor([1., 1.])
>>> torch.ones(2) * torch.ones(2, dtype=torch.float64)
tensor([1., 1.], dtype=torch.float64)
""")


def test_ragged_nested_list_raises_value_error(repl):
    """5.48 torch.tensor with ragged nested lists"""
    repl(r"""
>>> torch.tensor([[1, 2], [3]])
Traceback (most recent call last):
  ...
ValueError: expected sequence of length 2 at dim 1 (got 1)
""")


def test_ragged_nested_float_list_raises_value_error(repl):
    """5.49 torch.tensor ragged (3 levels)"""
    repl(r"""
>>> torch.tensor([[1., 2.], [3., 4., 5.]])
Traceback (most recent call last):
  ...
ValueError: expected sequence of length 2 at dim 1 (got 3)
""")


def test_tensor_of_list_of_0d_tensors(repl):
    """5.50 torch.tensor of a list of tensors"""
    repl(r"""
>>> torch.tensor([torch.tensor(1.), torch.tensor(2.)])
tensor([1., 2.])
""")


def test_tensor_of_list_of_multi_element_tensors_raises(repl):
    """5.51 torch.tensor of a list of multi-element tensors"""
    repl(r"""
>>> torch.tensor([torch.tensor([1., 2.]), torch.tensor([3., 4.])])
Traceback (most recent call last):
  ...
ValueError: only one element tensors can be converted to Python scalars
""")


def test_int_tensor_with_requires_grad_raises(repl):
    """5.52 int tensor with requires_grad=True"""
    repl(r"""
>>> torch.tensor([1, 2], requires_grad=True)
Traceback (most recent call last):
  ...
RuntimeError: Only Tensors of floating point and complex dtype can require gradients
""")


def test_requires_grad_method_on_int_tensor_raises(repl):
    """5.53 requires_grad_() on an int tensor"""
    repl(r"""
>>> torch.tensor([1, 2]).requires_grad_()
Traceback (most recent call last):
  ...
RuntimeError: only Tensors of floating point dtype can require gradients
""")


def test_int_arange_with_requires_grad_raises(repl):
    """5.54 arange(int) with requires_grad=True"""
    repl(r"""
>>> torch.arange(4, requires_grad=True)
Traceback (most recent call last):
  ...
RuntimeError: Only Tensors of floating point and complex dtype can require gradients
""")


def test_setting_requires_grad_on_non_leaf_raises(repl):
    """5.55 setting .requires_grad on a non-leaf"""
    repl(r"""
>>> x = torch.tensor([1.], requires_grad=True)
>>> y = x * 2
>>> y.requires_grad = False
Traceback (most recent call last):
  ...
RuntimeError: you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().
""")


def test_item_of_multi_element_tensor_raises(repl):
    """5.56 .item() / float() / bool() on multi-element tensors"""
    repl(r"""
>>> torch.tensor([1., 2.]).item()
Traceback (most recent call last):
  ...
RuntimeError: a Tensor with 2 elements cannot be converted to Scalar
""")


def test_float_of_multi_element_tensor_raises_value_error(repl):
    """5.57 float() on multi-element tensor"""
    repl(r"""
>>> float(torch.tensor([1., 2.]))
Traceback (most recent call last):
  ...
ValueError: only one element tensors can be converted to Python scalars
""")


def test_truth_value_of_multi_element_tensor_raises(repl):
    """5.58 bool() on multi-element tensor (e.g. `if t:`)"""
    repl(r"""
>>> if torch.tensor([1., 2.]) > 0:
...     pass
...
Traceback (most recent call last):
  ...
RuntimeError: Boolean value of Tensor with more than one value is ambiguous
""")


def test_len_of_0d_tensor_raises_type_error(repl):
    """5.59 len() / iteration of a 0-d tensor"""
    repl(r"""
>>> len(torch.tensor(1.))
Traceback (most recent call last):
  ...
TypeError: len() of a 0-d tensor
""")


def test_iterating_over_0d_tensor_raises_type_error(repl):
    """5.60 iteration over a 0-d tensor"""
    repl(r"""
>>> for v in torch.tensor(1.):
...     pass
...
Traceback (most recent call last):
  ...
TypeError: iteration over a 0-d tensor
""")


def test_view_of_non_contiguous_tensor_raises(repl):
    """5.61 view on a non-contiguous tensor"""
    repl(r"""
>>> torch.ones(2, 3).t().view(-1)
Traceback (most recent call last):
  ...
RuntimeError: view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.
""")


def test_reshape_to_incompatible_size_raises(repl):
    """5.62 reshape to an incompatible size"""
    repl(r"""
>>> torch.arange(6).reshape(4, 2)
Traceback (most recent call last):
  ...
RuntimeError: shape '[4, 2]' is invalid for input of size 6
""")


def test_index_out_of_range_raises_index_error(repl):
    """5.63 index out of range"""
    repl(r"""
>>> torch.arange(4.)[10]
Traceback (most recent call last):
  ...
IndexError: index 10 is out of bounds for dimension 0 with size 4
""")


def test_dim_out_of_range_raises_index_error(repl):
    """5.64 dim out of range"""
    repl(r"""
>>> torch.arange(4.).sum(dim=1)
Traceback (most recent call last):
  ...
IndexError: Dimension out of range (expected to be in range of [-1, 0], but got 1)
""")


def test_cat_with_mismatched_shapes_raises(repl):
    """5.65 cat with mismatched shapes"""
    repl(r"""
>>> torch.cat([torch.ones(2, 3), torch.ones(3, 2)])
Traceback (most recent call last):
  ...
RuntimeError: Sizes of tensors must match except in dimension 0. Expected size 3 but got size 2 for tensor number 1 in the list.
""")


def test_stack_with_mismatched_shapes_raises(repl):
    """5.66 stack with mismatched shapes"""
    repl(r"""
>>> torch.stack([torch.ones(2), torch.ones(3)])
Traceback (most recent call last):
  ...
RuntimeError: stack expects each tensor to be equal size, but got [2] at entry 0 and [3] at entry 1
""")


def test_zeroing_grad_before_any_backward_raises_attribute_error(repl):
    """5.67 x.grad.zero_() before any backward"""
    repl(r"""
>>> x = torch.tensor([1., 2.], requires_grad=True)
>>> x.grad.zero_()
Traceback (most recent call last):
  ...
AttributeError: 'NoneType' object has no attribute 'zero_'
""")


def test_T_on_non_2d_tensors_warns(repl):
    """5.68 x.T on a 1-d tensor (and 0-d / 3-d)"""
    repl(r"""
>>> x = torch.arange(4.)
>>> x.T
tensor([0., 1., 2., 3.])
[stderr] <snippet>:2: UserWarning: The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated and it will throw an error in a future release. Consider `x.mT` to transpose batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a tensor. (Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/TensorShape.cpp:4314.)
>>> torch.tensor(2.).T
tensor(2.)
[stderr] <snippet>:3: UserWarning: Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases. (Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/TensorShape.cpp:4321.)
>>> torch.ones(2, 3, 4).T.shape
torch.Size([4, 3, 2])
>>> torch.ones(2, 3, 4).mT.shape
torch.Size([2, 4, 3])
""")


def test_backward_with_create_graph_warns(repl):
    """5.69 backward(create_graph=True) warning"""
    repl(r"""
>>> x = torch.tensor(2., requires_grad=True)
>>> y = x ** 3
>>> y.backward(create_graph=True)
[stderr] torch/autograd/graph.py:979: UserWarning: Using backward() with create_graph=True will create a reference cycle between the parameter and its gradient which can cause a memory leak. We recommend using autograd.grad when creating the graph to avoid this. If you have to use this function, make sure to reset the .grad fields of your parameters to None after use to break the cycle and avoid the leak. (Triggered internally at /__w/pytorch/pytorch/torch/csrc/autograd/engine.cpp:1307.)
>>> x.grad
tensor(12., grad_fn=<CopyBackwards>)
""")


def test_grad_of_input_not_used_in_graph_raises(repl):
    """5.70 autograd.grad: input not used in the graph"""
    repl(r"""
>>> x = torch.tensor(1., requires_grad=True)
>>> z = torch.tensor(1., requires_grad=True)
>>> y = x * 2
>>> torch.autograd.grad(y, z)
Traceback (most recent call last):
  ...
RuntimeError: The differentiated Tensor at index 0 appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.
""")


def test_grad_allow_unused_and_materialize_grads(repl):
    """5.71 autograd.grad: allow_unused / materialize_grads"""
    repl(r"""
>>> x = torch.tensor(1., requires_grad=True)
>>> z = torch.tensor(1., requires_grad=True)
>>> torch.autograd.grad(x * 2, [x, z], allow_unused=True)
(tensor(2.), None)
>>> torch.autograd.grad(x * 2, [x, z], allow_unused=True, materialize_grads=True)
(tensor(2.), tensor(0.))
""")


def test_grad_wrt_input_not_requiring_grad_raises(repl):
    """5.72 autograd.grad: input does not require grad"""
    repl(r"""
>>> x = torch.tensor(1., requires_grad=True)
>>> z = torch.tensor(1.)
>>> torch.autograd.grad(x * z, z)
Traceback (most recent call last):
  ...
RuntimeError: One of the differentiated Tensors does not require grad
""")


def test_grad_of_non_scalar_output_without_grad_outputs_raises(repl):
    """5.73 autograd.grad: non-scalar output without grad_outputs"""
    repl(r"""
>>> x = torch.tensor([1., 2.], requires_grad=True)
>>> torch.autograd.grad(x * 2, x)
Traceback (most recent call last):
  ...
RuntimeError: grad can be implicitly created only for scalar outputs
""")


def test_grad_of_output_not_requiring_grad_raises(repl):
    """5.74 autograd.grad: output does not require grad"""
    repl(r"""
>>> x = torch.tensor([1., 2.], requires_grad=True)
>>> torch.autograd.grad(x.detach().sum(), x)
Traceback (most recent call last):
  ...
RuntimeError: element 0 of tensors does not require grad and does not have a grad_fn
""")


def test_backward_on_result_computed_under_no_grad_raises(repl):
    """5.75 backward on a result computed under no_grad"""
    repl(r"""
>>> x = torch.tensor([1., 2.], requires_grad=True)
>>> with torch.no_grad():
...     y = (x * 2).sum()
...
>>> y.requires_grad
False
>>> y.backward()
Traceback (most recent call last):
  ...
RuntimeError: element 0 of tensors does not require grad and does not have a grad_fn
""")


def test_backward_on_detached_result_raises(repl):
    """5.76 backward on a detached result"""
    repl(r"""
>>> x = torch.tensor([1., 2.], requires_grad=True)
>>> y = (x * 2).sum().detach()
>>> y.backward()
Traceback (most recent call last):
  ...
RuntimeError: element 0 of tensors does not require grad and does not have a grad_fn
""")

