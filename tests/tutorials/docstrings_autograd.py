# torch.autograd: the >>> examples in the docstrings of PyTorch 2.13.0+cpu
# (git cf30153c4c131c8164ee7798e5022d810682e2cb), as installed; one cell per block of
# examples, its prompts removed; a cell marked (continued) runs on from the one
# before, as the next example of the same docstring.
# Made by tests/tutorials/extract_docstrings.py: do not edit.
# Licence: PyTorch's BSD-3-Clause licence (Copyright (c) 2016- Facebook, Inc. (Adam Paszke)
# and the PyTorch contributors); see LICENSE in the torch distribution.
# ruff: noqa
# mode: repl

# %% torch.autograd.Function (torch/autograd/function.py:514), example 1 of 3
from torch.autograd.function import *  # added: PyTorch's doctests run in the module's namespace
class Exp(Function):
    @staticmethod
    def forward(ctx, i):
        result = i.exp()
        ctx.save_for_backward(result)
        return result

# %% torch.autograd.Function (torch/autograd/function.py:514), example 2 of 3 (continued)
    @staticmethod
    def backward(ctx, grad_output):
        result, = ctx.saved_tensors
        return grad_output * result

# %% torch.autograd.Function (torch/autograd/function.py:514), example 3 of 3 (continued)
output = Exp.apply(input)

# %% torch.autograd.detect_anomaly (torch/autograd/anomaly_mode.py:12)
import torch
from torch import autograd
class MyFunc(autograd.Function):
    @staticmethod
    def forward(ctx, inp):
        return inp.clone()

    @staticmethod
    def backward(ctx, gO):
        # Error during the backward pass
        raise RuntimeError("Some error in backward")
        return gO.clone()
def run_fn(a):
    out = MyFunc.apply(a)
    return out.sum()
inp = torch.rand(10, 10, requires_grad=True)
out = run_fn(inp)
out.backward()
with autograd.detect_anomaly():
    inp = torch.rand(10, 10, requires_grad=True)
    out = run_fn(inp)
    out.backward()

# %% torch.autograd.enable_grad (torch/autograd/grad_mode.py:89)
x = torch.tensor([1.], requires_grad=True)
with torch.no_grad():
    with torch.enable_grad():
        y = x * 2
y.requires_grad
y.backward()
x.grad
@torch.enable_grad()
def doubler(x):
    return x * 2
with torch.no_grad():
    z = doubler(x)
z.requires_grad
@torch.enable_grad()
def tripler(x):
    return x * 3
with torch.no_grad():
    z = tripler(x)
z.requires_grad

# %% torch.autograd.inference_mode (torch/autograd/grad_mode.py:213), example 1 of 2
import torch
x = torch.ones(1, 2, 3, requires_grad=True)
with torch.inference_mode():
    y = x * x
y.requires_grad

# %% torch.autograd.inference_mode (torch/autograd/grad_mode.py:213), example 2 of 2 (continued)
y._version
@torch.inference_mode()
def func(x):
    return x * x
out = func(x)
out.requires_grad
@torch.inference_mode()
def doubler(x):
    return x * 2
out = doubler(x)
out.requires_grad

# %% torch.autograd.no_grad (torch/autograd/grad_mode.py:22), example 1 of 2
x = torch.tensor([1.], requires_grad=True)
with torch.no_grad():
    y = x * 2
y.requires_grad
@torch.no_grad()
def doubler(x):
    return x * 2
z = doubler(x)
z.requires_grad
@torch.no_grad()
def tripler(x):
    return x * 3
z = tripler(x)
z.requires_grad

# %% torch.autograd.no_grad (torch/autograd/grad_mode.py:22), example 2 of 2 (continued)
with torch.no_grad():
    a = torch.nn.Parameter(torch.rand(10))
a.requires_grad

# %% torch.autograd.set_grad_enabled (torch/autograd/grad_mode.py:144)
x = torch.tensor([1.], requires_grad=True)
is_train = False
with torch.set_grad_enabled(is_train):
    y = x * 2
y.requires_grad
_ = torch.set_grad_enabled(True)
y = x * 2
y.requires_grad
_ = torch.set_grad_enabled(False)
y = x * 2
y.requires_grad

# %% torch.autograd.enforce_grad_layout_policy (torch/autograd/grad_mode.py:356)
import torch
p = torch.empty(2, 3, 4).permute(2, 0, 1).requires_grad_()
with torch.autograd.enforce_grad_layout_policy(False):
    (p * 2).sum().backward()
    # p.grad may now have the same strides as the incoming
    # gradient rather than being forced to match p's strides.

# %% torch.autograd.function.FunctionCtx.save_for_backward (torch/autograd/function.py:40), example 1 of 3
from torch.autograd.function import *  # added: PyTorch's doctests run in the module's namespace
class Func(Function):
    @staticmethod
    def forward(ctx, x: torch.Tensor, y: torch.Tensor, z: int):
        w = x * z
        out = x * y + y * z + w * y
        ctx.save_for_backward(x, y, w, out)
        ctx.z = z  # z is not a tensor
        return out

# %% torch.autograd.function.FunctionCtx.save_for_backward (torch/autograd/function.py:40), example 2 of 3 (continued)
    @staticmethod
    @once_differentiable
    def backward(ctx, grad_out):
        x, y, w, out = ctx.saved_tensors
        z = ctx.z
        gx = grad_out * (y + y * z)
        gy = grad_out * (x + z + w)
        gz = None
        return gx, gy, gz

# %% torch.autograd.function.FunctionCtx.save_for_backward (torch/autograd/function.py:40), example 3 of 3 (continued)
a = torch.tensor(1., requires_grad=True, dtype=torch.double)
b = torch.tensor(2., requires_grad=True, dtype=torch.double)
c = 4
d = Func.apply(a, b, c)

# %% torch.autograd.function.FunctionCtx.save_for_forward (torch/autograd/function.py:101), example 1 of 5
class Func(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: torch.Tensor, y: torch.Tensor, z: int):
        ctx.save_for_backward(x, y)
        ctx.save_for_forward(x, y)
        ctx.z = z
        return x * y * z

# %% torch.autograd.function.FunctionCtx.save_for_forward (torch/autograd/function.py:101), example 2 of 5 (continued)
    @staticmethod
    def jvp(ctx, x_t, y_t, _):
        x, y = ctx.saved_tensors
        z = ctx.z
        return z * (y * x_t + x * y_t)

# %% torch.autograd.function.FunctionCtx.save_for_forward (torch/autograd/function.py:101), example 3 of 5 (continued)
    @staticmethod
    def vjp(ctx, grad_out):
        x, y = ctx.saved_tensors
        z = ctx.z
        return z * grad_out * y, z * grad_out * x, None

# %% torch.autograd.function.FunctionCtx.save_for_forward (torch/autograd/function.py:101), example 4 of 5 (continued)
    a = torch.tensor(1., requires_grad=True, dtype=torch.double)
    t = torch.tensor(1., dtype=torch.double)
    b = torch.tensor(2., requires_grad=True, dtype=torch.double)
    c = 4

# %% torch.autograd.function.FunctionCtx.save_for_forward (torch/autograd/function.py:101), example 5 of 5 (continued)
    with fwAD.dual_level():
        a_dual = fwAD.make_dual(a, t)
        d = Func.apply(a_dual, b, c)

# %% torch.autograd.function.FunctionCtx.mark_dirty (torch/autograd/function.py:157), example 1 of 4
from torch.autograd.function import *  # added: PyTorch's doctests run in the module's namespace
class Inplace(Function):
    @staticmethod
    def forward(ctx, x):
        x_npy = x.numpy() # x_npy shares storage with x
        x_npy += 1
        ctx.mark_dirty(x)
        return x

# %% torch.autograd.function.FunctionCtx.mark_dirty (torch/autograd/function.py:157), example 2 of 4 (continued)
    @staticmethod
    @once_differentiable
    def backward(ctx, grad_output):
        return grad_output

# %% torch.autograd.function.FunctionCtx.mark_dirty (torch/autograd/function.py:157), example 3 of 4 (continued)
a = torch.tensor(1., requires_grad=True, dtype=torch.double).clone()
b = a * a
Inplace.apply(a)  # This would lead to wrong gradients!

# %% torch.autograd.function.FunctionCtx.mark_dirty (torch/autograd/function.py:157), example 4 of 4 (continued)
b.backward() # RuntimeError: one of the variables needed for gradient

# %% torch.autograd.function.FunctionCtx.mark_non_differentiable (torch/autograd/function.py:203), example 1 of 2
from torch.autograd.function import *  # added: PyTorch's doctests run in the module's namespace
class Func(Function):
    @staticmethod
    def forward(ctx, x):
        sorted, idx = x.sort()
        ctx.mark_non_differentiable(idx)
        ctx.save_for_backward(x, idx)
        return sorted, idx

# %% torch.autograd.function.FunctionCtx.mark_non_differentiable (torch/autograd/function.py:203), example 2 of 2 (continued)
    @staticmethod
    @once_differentiable
    def backward(ctx, g1, g2):  # still need to accept g2
        x, idx = ctx.saved_tensors
        grad_input = torch.zeros_like(x)
        grad_input.index_add_(0, idx, g1)
        return grad_input

# %% torch.autograd.function.FunctionCtx.set_materialize_grads (torch/autograd/function.py:235), example 1 of 5
from torch.autograd.function import *  # added: PyTorch's doctests run in the module's namespace
class SimpleFunc(Function):
    @staticmethod
    def forward(ctx, x):
        return x.clone(), x.clone()

# %% torch.autograd.function.FunctionCtx.set_materialize_grads (torch/autograd/function.py:235), example 2 of 5 (continued)
    @staticmethod
    @once_differentiable
    def backward(ctx, g1, g2):
        return g1 + g2  # No check for None necessary

# %% torch.autograd.function.FunctionCtx.set_materialize_grads (torch/autograd/function.py:235), example 3 of 5 (continued)
class Func(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.set_materialize_grads(False)
        ctx.save_for_backward(x)
        return x.clone(), x.clone()

# %% torch.autograd.function.FunctionCtx.set_materialize_grads (torch/autograd/function.py:235), example 4 of 5 (continued)
    @staticmethod
    @once_differentiable
    def backward(ctx, g1, g2):
        x, = ctx.saved_tensors
        grad_input = torch.zeros_like(x)
        if g1 is not None:  # We must check for None now
            grad_input += g1
        if g2 is not None:
            grad_input += g2
        return grad_input

# %% torch.autograd.function.FunctionCtx.set_materialize_grads (torch/autograd/function.py:235), example 5 of 5 (continued)
a = torch.tensor(1., requires_grad=True)
b, _ = Func.apply(a)  # induces g2 to be undefined

# %% torch.autograd.functional.vjp (torch/autograd/functional.py:271), example 1 of 2
from torch.autograd.functional import *  # added: PyTorch's doctests run in the module's namespace
def exp_reducer(x):
    return x.exp().sum(dim=1)
inputs = torch.rand(4, 4)
v = torch.ones(4)

# %% torch.autograd.functional.vjp (torch/autograd/functional.py:271), example 2 of 2 (continued)
vjp(exp_reducer, inputs, v)
vjp(exp_reducer, inputs, v, create_graph=True)
def adder(x, y):
    return 2 * x + 3 * y
inputs = (torch.rand(2), torch.rand(2))
v = torch.ones(2)
vjp(adder, inputs, v)

# %% torch.autograd.functional.jvp (torch/autograd/functional.py:366), example 1 of 2
from torch.autograd.functional import *  # added: PyTorch's doctests run in the module's namespace
def exp_reducer(x):
    return x.exp().sum(dim=1)
inputs = torch.rand(4, 4)
v = torch.ones(4, 4)

# %% torch.autograd.functional.jvp (torch/autograd/functional.py:366), example 2 of 2 (continued)
jvp(exp_reducer, inputs, v)
jvp(exp_reducer, inputs, v, create_graph=True)
def adder(x, y):
    return 2 * x + 3 * y
inputs = (torch.rand(2), torch.rand(2))
v = (torch.ones(2), torch.ones(2))
jvp(adder, inputs, v)

# %% torch.autograd.functional.jacobian (torch/autograd/functional.py:587), example 1 of 2
from torch.autograd.functional import *  # added: PyTorch's doctests run in the module's namespace
def exp_reducer(x):
    return x.exp().sum(dim=1)
inputs = torch.rand(2, 2)

# %% torch.autograd.functional.jacobian (torch/autograd/functional.py:587), example 2 of 2 (continued)
jacobian(exp_reducer, inputs)
jacobian(exp_reducer, inputs, create_graph=True)
def exp_adder(x, y):
    return 2 * x.exp() + 3 * y
inputs = (torch.rand(2), torch.rand(2))
jacobian(exp_adder, inputs)
def linear_model(x):
    W = torch.tensor([[2.0, -1.0], [0.0, 1.0]])
    b = torch.tensor([1.0, 0.5])
    return x @ W.T + b
x = torch.randn(4, 2, requires_grad=True)
jac = jacobian(linear_model, x, vectorize=True)
jac.shape

# %% torch.autograd.functional.hessian (torch/autograd/functional.py:856), example 1 of 2
from torch.autograd.functional import *  # added: PyTorch's doctests run in the module's namespace
def pow_reducer(x):
    return x.pow(3).sum()
inputs = torch.rand(2, 2)

# %% torch.autograd.functional.hessian (torch/autograd/functional.py:856), example 2 of 2 (continued)
hessian(pow_reducer, inputs)
hessian(pow_reducer, inputs, create_graph=True)
def pow_adder_reducer(x, y):
    return (2 * x.pow(2) + 3 * y.pow(2)).sum()
inputs = (torch.rand(2), torch.rand(2))
hessian(pow_adder_reducer, inputs)

# %% torch.autograd.functional.hvp (torch/autograd/functional.py:1098), example 1 of 2
from torch.autograd.functional import *  # added: PyTorch's doctests run in the module's namespace
def pow_reducer(x):
    return x.pow(3).sum()
inputs = torch.rand(2, 2)
v = torch.ones(2, 2)

# %% torch.autograd.functional.hvp (torch/autograd/functional.py:1098), example 2 of 2 (continued)
hvp(pow_reducer, inputs, v)
hvp(pow_reducer, inputs, v, create_graph=True)
def pow_adder_reducer(x, y):
    return (2 * x.pow(2) + 3 * y.pow(2)).sum()
inputs = (torch.rand(2), torch.rand(2))
v = (torch.zeros(2), torch.ones(2))
hvp(pow_adder_reducer, inputs, v)

# %% torch.autograd.functional.vhp (torch/autograd/functional.py:997), example 1 of 2
from torch.autograd.functional import *  # added: PyTorch's doctests run in the module's namespace
def pow_reducer(x):
    return x.pow(3).sum()
inputs = torch.rand(2, 2)
v = torch.ones(2, 2)

# %% torch.autograd.functional.vhp (torch/autograd/functional.py:997), example 2 of 2 (continued)
vhp(pow_reducer, inputs, v)
vhp(pow_reducer, inputs, v, create_graph=True)
def pow_adder_reducer(x, y):
    return (2 * x.pow(2) + 3 * y.pow(2)).sum()
inputs = (torch.rand(2), torch.rand(2))
v = (torch.zeros(2), torch.ones(2))
vhp(pow_adder_reducer, inputs, v)

# %% left out: torch.autograd.forward_ad.make_dual (torch/autograd/forward_ad.py:77): a fragment: PyTorch raises NameError: name 'x' is not defined

# %% left out: torch.autograd.forward_ad.unpack_dual (torch/autograd/forward_ad.py:151): a fragment: PyTorch raises NameError: name 'x' is not defined

# %% left out: torch.autograd.forward_ad.dual_level (torch/autograd/forward_ad.py:185), example 1 of 2: a fragment: PyTorch raises NameError: name 'grad' is not defined

# %% left out: torch.autograd.forward_ad.dual_level (torch/autograd/forward_ad.py:185), example 2 of 2: a fragment: PyTorch raises NameError: name 'out' is not defined

# %% torch.autograd.graph.saved_tensors_hooks (torch/autograd/graph.py:266), example 1 of 3
def pack_hook(x):
    print("Packing", x)
    return x.detach()

# %% torch.autograd.graph.saved_tensors_hooks (torch/autograd/graph.py:266), example 2 of 3 (continued)
def unpack_hook(x):
    print("Unpacking", x)
    return x

# %% torch.autograd.graph.saved_tensors_hooks (torch/autograd/graph.py:266), example 3 of 3 (continued)
a = torch.ones(5, requires_grad=True)
b = torch.ones(5, requires_grad=True) * 2
with torch.autograd.graph.saved_tensors_hooks(pack_hook, unpack_hook):
    y = a * b
y.sum().backward()

# %% left out: torch.autograd.graph.save_on_cpu (torch/autograd/graph.py:350), example 1 of 4: needs a GPU (uses cuda)

# %% torch.autograd.graph.save_on_cpu (torch/autograd/graph.py:350), example 2 of 4
from torch.autograd.graph import *  # added: PyTorch's doctests run in the module's namespace
def f(a, b, c):
    prod_1 = a * b           # a and b are saved on GPU
    with torch.autograd.graph.save_on_cpu():
        prod_2 = prod_1 * c  # prod_1 and c are saved on CPU
    y = prod_2 * a           # prod_2 and a are saved on GPU
    return y

# %% left out: torch.autograd.graph.save_on_cpu (torch/autograd/graph.py:350), example 3 of 4: a fragment: PyTorch raises NameError: name 'a' is not defined

# %% left out: torch.autograd.graph.save_on_cpu (torch/autograd/graph.py:350), example 4 of 4: a fragment: PyTorch raises NameError: name 'y' is not defined

# %% torch.autograd.graph.disable_saved_tensors_hooks (torch/autograd/graph.py:423)
message = "saved tensors default hooks are disabled"
with torch.autograd.graph.disable_saved_tensors_hooks(message):
    # Raises RuntimeError: saved tensors default hooks are disabled
    with torch.autograd.graph.save_on_cpu():
        pass

# %% torch.autograd.graph.register_multi_grad_hook (torch/autograd/graph.py:578), example 1 of 5
import torch

# %% torch.autograd.graph.register_multi_grad_hook (torch/autograd/graph.py:578), example 2 of 5 (continued)
a = torch.rand(2, 3, requires_grad=True)
b = torch.rand(2, 3, requires_grad=True)
c = a * b
d = a * b

# %% torch.autograd.graph.register_multi_grad_hook (torch/autograd/graph.py:578), example 3 of 5 (continued)
def fn(grads):
    print([g is not None for g in grads])

# %% torch.autograd.graph.register_multi_grad_hook (torch/autograd/graph.py:578), example 4 of 5 (continued)
torch.autograd.graph.register_multi_grad_hook((a, b, c, d), fn)

# %% torch.autograd.graph.register_multi_grad_hook (torch/autograd/graph.py:578), example 5 of 5 (continued)
c.sum().backward(retain_graph=True)
c.sum().backward(inputs=(a,), retain_graph=True)

# %% torch.autograd.graph.allow_mutation_on_saved_tensors (torch/autograd/graph.py:868)
import torch
with torch.autograd.graph.allow_mutation_on_saved_tensors():
    # forward
    a = torch.ones(2, 3, requires_grad=True)
    b = a.clone()
    out = (b**2).sum()
    b.sin_()
    # backward
    out.sum().backward()

# %% torch.autograd.graph.Node.name (torch/autograd/graph.py:58)
import torch
a = torch.tensor([0., 0., 0.], requires_grad=True)
b = a.clone()
assert isinstance(b.grad_fn, torch.autograd.graph.Node)
print(b.grad_fn.name())

# %% torch.autograd.graph.Node.register_hook (torch/autograd/graph.py:96)
import torch
a = torch.tensor([0., 0., 0.], requires_grad=True)
b = a.clone()
assert isinstance(b.grad_fn, torch.autograd.graph.Node)
handle = b.grad_fn.register_hook(lambda gI, gO: (gO[0] * 2,))
b.sum().backward(retain_graph=True)
print(a.grad)
handle.remove() # Removes the hook
a.grad = None
b.sum().backward(retain_graph=True)
print(a.grad)

# %% torch.autograd.graph.Node.register_prehook (torch/autograd/graph.py:141)
a = torch.tensor([0., 0., 0.], requires_grad=True)
b = a.clone()
assert isinstance(b.grad_fn, torch.autograd.graph.Node)
handle = b.grad_fn.register_prehook(lambda gI: (gI[0] * 2,))
b.sum().backward(retain_graph=True)
print(a.grad)
handle.remove()
a.grad = None
b.sum().backward(retain_graph=True)
print(a.grad)

# %% torch.autograd.graph.region_activation_memory_budget (torch/autograd/graph.py:459)
with torch.autograd.graph.region_activation_memory_budget(0.0):
    x = layer(x)  # recompute this region's activations in backward
