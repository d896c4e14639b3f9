# torch.func: the >>> examples in the docstrings of PyTorch 2.13.0+cpu
# (git cf30153c4c131c8164ee7798e5022d810682e2cb), as installed; one cell per block of
# examples, its prompts removed; a cell marked (continued) runs on from the one
# before, as the next example of the same docstring.
# Made by tests/tutorials/extract_docstrings.py: do not edit.
# Licence: PyTorch's BSD-3-Clause licence (Copyright (c) 2016- Facebook, Inc. (Adam Paszke)
# and the PyTorch contributors); see LICENSE in the torch distribution.
# ruff: noqa
# mode: repl

# %% torch.func.grad (torch/_functorch/apis.py:355), example 1 of 11
from torch.func import *  # added: PyTorch's doctests run in the module's namespace
from torch.func import grad
x = torch.randn([])
cos_x = grad(lambda x: torch.sin(x))(x)
assert torch.allclose(cos_x, x.cos())

# %% torch.func.grad (torch/_functorch/apis.py:355), example 2 of 11 (continued)
neg_sin_x = grad(grad(lambda x: torch.sin(x)))(x)
assert torch.allclose(neg_sin_x, -x.sin())

# %% torch.func.grad (torch/_functorch/apis.py:355), example 3 of 11 (continued)
from torch.func import grad, vmap
batch_size, feature_size = 3, 5

# %% torch.func.grad (torch/_functorch/apis.py:355), example 4 of 11 (continued)
def model(weights, feature_vec):

# %% torch.func.grad (torch/_functorch/apis.py:355), example 5 of 11 (continued)
    assert feature_vec.dim() == 1
    return feature_vec.dot(weights).relu()

# %% torch.func.grad (torch/_functorch/apis.py:355), example 6 of 11 (continued)
def compute_loss(weights, example, target):
    y = model(weights, example)
    return ((y - target) ** 2).mean()  # MSELoss

# %% left out: torch.func.grad (torch/_functorch/apis.py:355), example 7 of 11: a fragment: PyTorch raises NameError: name 'model' is not defined

# %% torch.func.grad (torch/_functorch/apis.py:355), example 8 of 11 (continued)
from torch.func import grad
def my_loss_func(y, y_pred):
   loss_per_sample = (0.5 * y_pred - y) ** 2
   loss = loss_per_sample.mean()
   return loss, (y_pred, loss_per_sample)

# %% torch.func.grad (torch/_functorch/apis.py:355), example 9 of 11 (continued)
fn = grad(my_loss_func, argnums=(0, 1), has_aux=True)
y_true = torch.rand(4)
y_preds = torch.rand(4, requires_grad=True)
out = fn(y_true, y_preds)

# %% torch.func.grad (torch/_functorch/apis.py:355), example 10 of 11 (continued)
def f(x):
    with torch.no_grad():
        c = x ** 2
    return x - c

# %% torch.func.grad (torch/_functorch/apis.py:355), example 11 of 11 (continued)
with torch.no_grad():
    grad(f)(x)

# %% torch.func.vmap (torch/_functorch/apis.py:67), example 1 of 15
from torch.func import *  # added: PyTorch's doctests run in the module's namespace
torch.dot  # [D], [D] -> []
batched_dot = torch.func.vmap(torch.dot)  # [N, D], [N, D] -> [N]
x, y = torch.randn(2, 5), torch.randn(2, 5)
batched_dot(x, y)

# %% torch.func.vmap (torch/_functorch/apis.py:67), example 2 of 15 (continued)
batch_size, feature_size = 3, 5
weights = torch.randn(feature_size, requires_grad=True)

# %% torch.func.vmap (torch/_functorch/apis.py:67), example 3 of 15 (continued)
def model(feature_vec):

# %% torch.func.vmap (torch/_functorch/apis.py:67), example 4 of 15 (continued)
    return feature_vec.dot(weights).relu()

# %% left out: torch.func.vmap (torch/_functorch/apis.py:67), example 5 of 15: a fragment: PyTorch raises NameError: name 'model' is not defined

# %% torch.func.vmap (torch/_functorch/apis.py:67), example 6 of 15 (continued)
N = 5
f = lambda x: x**2
x = torch.randn(N, requires_grad=True)
y = f(x)
I_N = torch.eye(N)

# %% torch.func.vmap (torch/_functorch/apis.py:67), example 7 of 15 (continued)
jacobian_rows = [torch.autograd.grad(y, x, v, retain_graph=True)[0]
                 for v in I_N.unbind()]
jacobian = torch.stack(jacobian_rows)

# %% torch.func.vmap (torch/_functorch/apis.py:67), example 8 of 15 (continued)
def get_vjp(v):
    return torch.autograd.grad(y, x, v)
jacobian = torch.vmap(get_vjp)(I_N)

# %% torch.func.vmap (torch/_functorch/apis.py:67), example 9 of 15 (continued)
torch.dot  # [D], [D] -> []
batched_dot = torch.vmap(
    torch.vmap(torch.dot)
)  # [N1, N0, D], [N1, N0, D] -> [N1, N0]
x, y = torch.randn(2, 3, 5), torch.randn(2, 3, 5)
batched_dot(x, y)  # tensor of size [2, 3]

# %% torch.func.vmap (torch/_functorch/apis.py:67), example 10 of 15 (continued)
torch.dot  # [N], [N] -> []
batched_dot = torch.vmap(torch.dot, in_dims=1)  # [N, D], [N, D] -> [D]
x, y = torch.randn(2, 5), torch.randn(2, 5)
batched_dot(
    x, y
)  # output is [5] instead of [2] if batched along the 0th dimension

# %% torch.func.vmap (torch/_functorch/apis.py:67), example 11 of 15 (continued)
torch.dot  # [D], [D] -> []
batched_dot = torch.vmap(torch.dot, in_dims=(0, None))  # [N, D], [D] -> [N]
x, y = torch.randn(2, 5), torch.randn(5)
batched_dot(
    x, y
)  # second arg doesn't have a batch dim because in_dim[1] was None

# %% torch.func.vmap (torch/_functorch/apis.py:67), example 12 of 15 (continued)
f = lambda dict: torch.dot(dict["x"], dict["y"])
x, y = torch.randn(2, 5), torch.randn(5)
input = {"x": x, "y": y}
batched_dot = torch.vmap(f, in_dims=({"x": 0, "y": None},))
batched_dot(input)

# %% torch.func.vmap (torch/_functorch/apis.py:67), example 13 of 15 (continued)
f = lambda x: x**2
x = torch.randn(2, 5)
batched_pow = torch.vmap(f, out_dims=1)
batched_pow(x)  # [5, 2]

# %% torch.func.vmap (torch/_functorch/apis.py:67), example 14 of 15 (continued)
x = torch.randn([2, 5])
def fn(x, scale=4.):
  return x * scale

# %% torch.func.vmap (torch/_functorch/apis.py:67), example 15 of 15 (continued)
batched_pow = torch.vmap(fn)
assert torch.allclose(batched_pow(x), x * 4)
batched_pow(x, scale=x)  # scale is not batched, output has shape [2, 2, 5]

# %% torch.func.functionalize (torch/_functorch/eager_transforms.py:1600), example 1 of 12
import torch
from torch.fx.experimental.proxy_tensor import make_fx
from torch.func import functionalize

# %% torch.func.functionalize (torch/_functorch/eager_transforms.py:1600), example 2 of 12 (continued)
def f(a):
    b = a + 1
    c = b.view(-1)
    c.add_(1)
    return b

# %% torch.func.functionalize (torch/_functorch/eager_transforms.py:1600), example 3 of 12 (continued)
inpt = torch.randn(2)

# %% torch.func.functionalize (torch/_functorch/eager_transforms.py:1600), example 4 of 12 (continued)
out1 = f(inpt)
out2 = functionalize(f)(inpt)

# %% torch.func.functionalize (torch/_functorch/eager_transforms.py:1600), example 5 of 12 (continued)
print(torch.allclose(out1, out2))

# %% torch.func.functionalize (torch/_functorch/eager_transforms.py:1600), example 6 of 12 (continued)
f_traced = make_fx(f)(inpt)
f_no_mutations_traced = make_fx(functionalize(f))(inpt)
f_no_mutations_and_views_traced = make_fx(functionalize(f, remove='mutations_and_views'))(inpt)

# %% torch.func.functionalize (torch/_functorch/eager_transforms.py:1600), example 7 of 12 (continued)
print(f_traced.code)

# %% torch.func.functionalize (torch/_functorch/eager_transforms.py:1600), example 8 of 12 (continued)
print(f_no_mutations_traced.code)

# %% torch.func.functionalize (torch/_functorch/eager_transforms.py:1600), example 9 of 12 (continued)
print(f_no_mutations_and_views_traced.code)

# %% torch.func.functionalize (torch/_functorch/eager_transforms.py:1600), example 10 of 12 (continued)
def f(a):
    b = a.view(-1)
    b.add_(1)
    return a

# %% torch.func.functionalize (torch/_functorch/eager_transforms.py:1600), example 11 of 12 (continued)
f_no_mutations_and_views_traced = make_fx(functionalize(f, remove='mutations_and_views'))(inpt)

# %% torch.func.functionalize (torch/_functorch/eager_transforms.py:1600), example 12 of 12 (continued)
print(f_no_mutations_and_views_traced.code)

# %% torch.func.hessian (torch/_functorch/eager_transforms.py:1429), example 1 of 2
from torch.func import hessian
def f(x):
  return x.sin().sum()

# %% torch.func.hessian (torch/_functorch/eager_transforms.py:1429), example 2 of 2 (continued)
x = torch.randn(5)
hess = hessian(f)(x)  # equivalent to jacfwd(jacrev(f))(x)
assert torch.allclose(hess, torch.diag(-x.sin()))

# %% torch.func.jacfwd (torch/_functorch/eager_transforms.py:1253), example 1 of 12
from torch.func import jacfwd
x = torch.randn(5)
jacobian = jacfwd(torch.sin)(x)
expected = torch.diag(torch.cos(x))
assert torch.allclose(jacobian, expected)

# %% torch.func.jacfwd (torch/_functorch/eager_transforms.py:1253), example 2 of 12 (continued)
from torch.func import jacfwd, vmap
x = torch.randn(64, 5)
jacobian = vmap(jacfwd(torch.sin))(x)
assert jacobian.shape == (64, 5, 5)

# %% torch.func.jacfwd (torch/_functorch/eager_transforms.py:1253), example 3 of 12 (continued)
from torch.func import jacfwd
x = torch.randn(5)

# %% torch.func.jacfwd (torch/_functorch/eager_transforms.py:1253), example 4 of 12 (continued)
def f(x):
  return x.sin()

# %% torch.func.jacfwd (torch/_functorch/eager_transforms.py:1253), example 5 of 12 (continued)
def g(x):
  result = f(x)
  return result, result

# %% torch.func.jacfwd (torch/_functorch/eager_transforms.py:1253), example 6 of 12 (continued)
jacobian_f, f_x = jacfwd(g, has_aux=True)(x)
assert torch.allclose(f_x, f(x))

# %% torch.func.jacfwd (torch/_functorch/eager_transforms.py:1253), example 7 of 12 (continued)
from torch.func import jacfwd, jacrev
def f(x):
  return x.sin().sum()

# %% torch.func.jacfwd (torch/_functorch/eager_transforms.py:1253), example 8 of 12 (continued)
x = torch.randn(5)
hessian = jacfwd(jacrev(f))(x)
assert torch.allclose(hessian, torch.diag(-x.sin()))

# %% torch.func.jacfwd (torch/_functorch/eager_transforms.py:1253), example 9 of 12 (continued)
from torch.func import jacfwd
def f(x, y):
  return x + y ** 2

# %% torch.func.jacfwd (torch/_functorch/eager_transforms.py:1253), example 10 of 12 (continued)
x, y = torch.randn(5), torch.randn(5)
jacobian = jacfwd(f, argnums=1)(x, y)
expected = torch.diag(2 * y)
assert torch.allclose(jacobian, expected)

# %% torch.func.jacfwd (torch/_functorch/eager_transforms.py:1253), example 11 of 12 (continued)
from torch.func import jacfwd
def f(x, y):
  return x + y ** 2

# %% torch.func.jacfwd (torch/_functorch/eager_transforms.py:1253), example 12 of 12 (continued)
x, y = torch.randn(5), torch.randn(5)
jacobian = jacfwd(f, argnums=(0, 1))(x, y)
expectedX = torch.diag(torch.ones_like(x))
expectedY = torch.diag(2 * y)
assert torch.allclose(jacobian[0], expectedX)
assert torch.allclose(jacobian[1], expectedY)

# %% torch.func.jacrev (torch/_functorch/eager_transforms.py:505), example 1 of 14
from torch.func import jacrev
x = torch.randn(5)
jacobian = jacrev(torch.sin)(x)
expected = torch.diag(torch.cos(x))
assert torch.allclose(jacobian, expected)

# %% torch.func.jacrev (torch/_functorch/eager_transforms.py:505), example 2 of 14 (continued)
from torch.func import jacrev
x = torch.randn(5)

# %% torch.func.jacrev (torch/_functorch/eager_transforms.py:505), example 3 of 14 (continued)
def f(x):
  return x.sin()

# %% torch.func.jacrev (torch/_functorch/eager_transforms.py:505), example 4 of 14 (continued)
def g(x):
  result = f(x)
  return result, result

# %% torch.func.jacrev (torch/_functorch/eager_transforms.py:505), example 5 of 14 (continued)
jacobian_f, f_x = jacrev(g, has_aux=True)(x)
assert torch.allclose(f_x, f(x))

# %% torch.func.jacrev (torch/_functorch/eager_transforms.py:505), example 6 of 14 (continued)
from torch.func import jacrev, vmap
x = torch.randn(64, 5)
jacobian = vmap(jacrev(torch.sin))(x)
assert jacobian.shape == (64, 5, 5)

# %% torch.func.jacrev (torch/_functorch/eager_transforms.py:505), example 7 of 14 (continued)
from torch.func import jacrev
def f(x):
  return x.sin().sum()

# %% torch.func.jacrev (torch/_functorch/eager_transforms.py:505), example 8 of 14 (continued)
x = torch.randn(5)
hessian = jacrev(jacrev(f))(x)
assert torch.allclose(hessian, torch.diag(-x.sin()))

# %% torch.func.jacrev (torch/_functorch/eager_transforms.py:505), example 9 of 14 (continued)
from torch.func import jacrev
def f(x, y):
  return x + y ** 2

# %% torch.func.jacrev (torch/_functorch/eager_transforms.py:505), example 10 of 14 (continued)
x, y = torch.randn(5), torch.randn(5)
jacobian = jacrev(f, argnums=1)(x, y)
expected = torch.diag(2 * y)
assert torch.allclose(jacobian, expected)

# %% torch.func.jacrev (torch/_functorch/eager_transforms.py:505), example 11 of 14 (continued)
from torch.func import jacrev
def f(x, y):
  return x + y ** 2

# %% torch.func.jacrev (torch/_functorch/eager_transforms.py:505), example 12 of 14 (continued)
x, y = torch.randn(5), torch.randn(5)
jacobian = jacrev(f, argnums=(0, 1))(x, y)
expectedX = torch.diag(torch.ones_like(x))
expectedY = torch.diag(2 * y)
assert torch.allclose(jacobian[0], expectedX)
assert torch.allclose(jacobian[1], expectedY)

# %% torch.func.jacrev (torch/_functorch/eager_transforms.py:505), example 13 of 14 (continued)
def f(x):
    with torch.no_grad():
        c = x ** 2
    return x - c

# %% torch.func.jacrev (torch/_functorch/eager_transforms.py:505), example 14 of 14 (continued)
with torch.no_grad():
    jacrev(f)(x)

# %% torch.func.jvp (torch/_functorch/eager_transforms.py:1093), example 1 of 2
from torch.func import jvp
x = torch.randn([])
f = lambda x: x * torch.tensor([1.0, 2.0, 3])
value, grad = jvp(f, (x,), (torch.tensor(1.0),))
assert torch.allclose(value, f(x))
assert torch.allclose(grad, torch.tensor([1.0, 2, 3]))

# %% torch.func.jvp (torch/_functorch/eager_transforms.py:1093), example 2 of 2 (continued)
from torch.func import jvp
x = torch.randn(5)
y = torch.randn(5)
f = lambda x, y: (x * y)
_, output = jvp(f, (x, y), (torch.ones(5), torch.ones(5)))
assert torch.allclose(output, x + y)

# %% torch.func.linearize (torch/_functorch/eager_transforms.py:1816), example 1 of 2
import torch
from torch.func import linearize
def fn(x):
    return x.sin()

# %% torch.func.linearize (torch/_functorch/eager_transforms.py:1816), example 2 of 2 (continued)
output, jvp_fn = linearize(fn, torch.zeros(3, 3))
jvp_fn(torch.ones(3, 3))

# %% torch.func.rearrange (torch/_functorch/einops.py:10), example 1 of 9
from torch.func import rearrange

# %% torch.func.rearrange (torch/_functorch/einops.py:10), example 2 of 9 (continued)
images = torch.randn((32, 30, 40, 3))

# %% torch.func.rearrange (torch/_functorch/einops.py:10), example 3 of 9 (continued)
rearrange(images, "b h w c -> b h w c").shape

# %% torch.func.rearrange (torch/_functorch/einops.py:10), example 4 of 9 (continued)
rearrange(images, "b h w c -> (b h) w c").shape

# %% torch.func.rearrange (torch/_functorch/einops.py:10), example 5 of 9 (continued)
rearrange(images, "b h w c -> h (b w) c").shape

# %% torch.func.rearrange (torch/_functorch/einops.py:10), example 6 of 9 (continued)
rearrange(images, "b h w c -> b c h w").shape

# %% torch.func.rearrange (torch/_functorch/einops.py:10), example 7 of 9 (continued)
rearrange(images, "b h w c -> b (c h w)").shape

# %% torch.func.rearrange (torch/_functorch/einops.py:10), example 8 of 9 (continued)
rearrange(images, "b (h1 h) (w1 w) c -> (b h1 w1) h w c", h1=2, w1=2).shape

# %% torch.func.rearrange (torch/_functorch/einops.py:10), example 9 of 9 (continued)
rearrange(images, "b (h h1) (w w1) c -> b h w (c h1 w1)", h1=2, w1=2).shape

# %% torch.func.vjp (torch/_functorch/eager_transforms.py:238), example 1 of 8
from torch.func import *  # added: PyTorch's doctests run in the module's namespace
x = torch.randn([5])
f = lambda x: x.sin().sum()
(_, vjpfunc) = torch.func.vjp(f, x)
grad = vjpfunc(torch.tensor(1.0))[0]
assert torch.allclose(grad, torch.func.grad(f)(x))

# %% torch.func.vjp (torch/_functorch/eager_transforms.py:238), example 2 of 8 (continued)
x = torch.randn([5])
f = lambda x: (x.sin(), x.cos())
(_, vjpfunc) = torch.func.vjp(f, x)
vjps = vjpfunc((torch.ones([5]), torch.ones([5])))
assert torch.allclose(vjps[0], x.cos() + -x.sin())

# %% torch.func.vjp (torch/_functorch/eager_transforms.py:238), example 3 of 8 (continued)
x = torch.randn([5])
f = lambda x: {"first": x.sin(), "second": x.cos()}
(_, vjpfunc) = torch.func.vjp(f, x)
cotangents = {"first": torch.ones([5]), "second": torch.ones([5])}
vjps = vjpfunc(cotangents)
assert torch.allclose(vjps[0], x.cos() + -x.sin())

# %% torch.func.vjp (torch/_functorch/eager_transforms.py:238), example 4 of 8 (continued)
x, y = torch.randn([5, 4]), torch.randn([4, 5])
(_, vjpfunc) = torch.func.vjp(torch.matmul, x, y)
cotangents = torch.randn([5, 5])
vjps = vjpfunc(cotangents)
assert len(vjps) == 2
assert torch.allclose(vjps[0], torch.matmul(cotangents, y.transpose(0, 1)))
assert torch.allclose(vjps[1], torch.matmul(x.transpose(0, 1), cotangents))

# %% torch.func.vjp (torch/_functorch/eager_transforms.py:238), example 5 of 8 (continued)
x = torch.randn([5])
def f(x, scale=4.):
  return x * scale

# %% torch.func.vjp (torch/_functorch/eager_transforms.py:238), example 6 of 8 (continued)
(_, vjpfunc) = torch.func.vjp(f, x)
vjps = vjpfunc(torch.ones_like(x))
assert torch.allclose(vjps[0], torch.full(x.shape, 4.0))

# %% torch.func.vjp (torch/_functorch/eager_transforms.py:238), example 7 of 8 (continued)
def f(x):
    with torch.no_grad():
        c = x ** 2
    return x - c

# %% torch.func.vjp (torch/_functorch/eager_transforms.py:238), example 8 of 8 (continued)
with torch.no_grad():
    vjp(f)(x)

# %% torch.func.functional_call (torch/_functorch/functional_call.py:12), example 1 of 5
from torch.func import *  # added: PyTorch's doctests run in the module's namespace
a = {'foo': torch.zeros(())}

# %% left out: torch.func.functional_call (torch/_functorch/functional_call.py:12), example 2 of 5: a fragment: PyTorch raises NameError: name 'Foo' is not defined

# %% torch.func.functional_call (torch/_functorch/functional_call.py:12), example 3 of 5 (continued)
a = {'foo': torch.zeros(())}

# %% left out: torch.func.functional_call (torch/_functorch/functional_call.py:12), example 4 of 5: a fragment: PyTorch raises NameError: name 'Foo' is not defined

# %% left out: torch.func.functional_call (torch/_functorch/functional_call.py:12), example 5 of 5: a fragment: PyTorch raises NameError: name 'model' is not defined
