# torch.Tensor (autograd methods): the >>> examples in the docstrings of PyTorch 2.13.0+cpu
# (git cf30153c4c131c8164ee7798e5022d810682e2cb), as installed; one cell per block of
# examples, its prompts removed; a cell marked (continued) runs on from the one
# before, as the next example of the same docstring.
# Made by tests/tutorials/extract_docstrings.py: do not edit.
# Licence: PyTorch's BSD-3-Clause licence (Copyright (c) 2016- Facebook, Inc. (Adam Paszke)
# and the PyTorch contributors); see LICENSE in the torch distribution.
# ruff: noqa
# mode: repl

# %% torch.Tensor.grad_dtype (torch/_tensor_docs.py (add_docstr_all)), example 1 of 2
x = torch.tensor([1.0, 2.0], requires_grad=True)
x.grad_dtype
x.grad_dtype = torch.float16
x.grad_dtype

# %% torch.Tensor.grad_dtype (torch/_tensor_docs.py (add_docstr_all)), example 2 of 2 (continued)
x.grad_dtype = None
x.grad_dtype

# %% left out: torch.Tensor.requires_grad_ (torch/_tensor_docs.py (add_docstr_all)), example 1 of 2: a fragment: PyTorch raises NameError: name 'preprocess' is not defined

# %% left out: torch.Tensor.requires_grad_ (torch/_tensor_docs.py (add_docstr_all)), example 2 of 2: a fragment: PyTorch raises NameError: name 'weights' is not defined

# %% left out: torch.Tensor.is_leaf (torch/_tensor_docs.py (add_docstr_all)): needs a GPU (uses cuda)

# %% torch.Tensor.register_hook (torch/_tensor.py:655), example 1 of 2
v = torch.tensor([0., 0., 0.], requires_grad=True)
h = v.register_hook(lambda grad: grad * 2)  # double the gradient
v.backward(torch.tensor([1., 2., 3.]))
v.grad

# %% torch.Tensor.register_hook (torch/_tensor.py:655), example 2 of 2 (continued)
h.remove()  # removes the hook

# %% torch.Tensor.register_post_accumulate_grad_hook (torch/_tensor.py:705), example 1 of 2
v = torch.tensor([0., 0., 0.], requires_grad=True)
lr = 0.01

# %% torch.Tensor.register_post_accumulate_grad_hook (torch/_tensor.py:705), example 2 of 2 (continued)
h = v.register_post_accumulate_grad_hook(lambda p: p.add_(p.grad, alpha=-lr))
v.backward(torch.tensor([1., 2., 3.]))
v
h.remove()  # removes the hook
