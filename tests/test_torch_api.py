"""PyTorch API that tutorials use, against PyTorch 2.13 (issue 17).

Each case is a program run in both libraries (``T`` is ``torch`` or ``minigrad``):
what it returns is compared by its text (repr), and an exception by its type and
message.  Random programs start from the same seed.
"""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest

import minigrad as mg

torch = pytest.importorskip("torch", reason="differential tests need PyTorch 2.13")


def run(T, program):
    """What ``program(T)`` returns, as text, or its exception."""
    T.manual_seed(3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return repr(program(T))
        except Exception as e:  # noqa: BLE001 (any exception is compared)
            return f"{type(e).__name__}: {e}"


def same(program):
    got, want = run(mg, program), run(torch, program)
    assert got == want


def _np_under_no_grad(T):
    x = T.ones(2, requires_grad=True)
    with T.no_grad():
        a, b = x.numpy(), np.asarray(x)
    return a.tolist(), b.tolist()


def _np_with_grad(T):
    return T.ones(2, requires_grad=True).numpy()


def _np_enable_grad_inside_no_grad(T):
    x = T.ones(2, requires_grad=True)
    with T.no_grad(), T.enable_grad():
        return x.numpy()


def _jvp(f, x, v):
    return lambda T: T.autograd.functional.jvp(f, T.tensor(x), T.tensor(v), create_graph=True)


WRONG_BEHAVIOUR = {
    "numpy() under no_grad": _np_under_no_grad,
    "numpy() of a tensor that requires grad": _np_with_grad,
    "numpy() under enable_grad inside no_grad": _np_enable_grad_inside_no_grad,
    "jvp(create_graph) of a sum over a dim": _jvp(lambda x: (x ** 2).sum(1), [[1.0, 2.0]],
                                                  [[1.0, 1.0]]),
    "jvp(create_graph) of a squeeze": _jvp(lambda x: (x ** 2).squeeze(0), [[1.0, 2.0]],
                                           [[1.0, 0.5]]),
    "jvp(create_graph) of a vector times a matrix":
        _jvp(lambda x: (x ** 2) @ torch_or_mg_ones(x, 2, 3), [1.0, 2.0], [1.0, 1.0]),
    "jvp(create_graph) of a matrix times a vector":
        _jvp(lambda x: torch_or_mg_ones(x, 3, 2) @ (x * x), [1.0, 2.0], [1.0, 1.0]),
    "jvp(create_graph) of a norm": _jvp(lambda x: x.norm(), [1.0, 2.0], [1.0, 0.5]),
    "randint(high, size)": lambda T: T.randint(5, (3, 3)),
    "randint(high, size=)": lambda T: T.randint(5, size=(3,)),
    "randint(low, high, size)": lambda T: T.randint(2, 9, (4,)),
    "randint(high=, size=)": lambda T: T.randint(high=5, size=(2,)),
    "normal(mean tensor, std tensor)": lambda T: T.normal(T.zeros(3), T.ones(3)),
    "normal(tensor, 1.0)": lambda T: T.normal(T.arange(4.0), 1.0),
    "normal(tensor of 20, 0.5)": lambda T: T.normal(T.arange(20.0), 0.5),
    "normal(0.5, std tensor)": lambda T: T.normal(0.5, T.arange(4.0)),
    "normal(0.5, std tensor of 40)": lambda T: T.normal(0.5, T.arange(40.0).reshape(2, 20)),
    "normal broadcasts mean and std": lambda T: T.normal(T.zeros(2, 1), T.ones(3)),
    "normal float64 mean": lambda T: T.normal(T.zeros(3, dtype=T.float64), 2.0),
    "normal negative std": lambda T: T.normal(T.zeros(3), -T.ones(3)),
    # An element picked by integers is a 0-d view (NumPy's x[0] is a copy):
    "x[0].add_(1) changes x": lambda T: _changed(T.zeros(3), lambda x: x[0].add_(1)),
    "x[1][2] += 5 changes x": lambda T: _changed(T.zeros(2, 3), lambda x: x[1][2].add_(5)),
    "x[i, j] of a transposed x is a view": lambda T: _changed(
        T.zeros(2, 3).t(), lambda x: x[2, 1].mul_(0).add_(7)),
    "y[0].mul_(10) of a non-leaf, backward": lambda T: _element_in_place(T),
    "sign of nan, -0, inf": lambda T: T.sign(T.tensor([float("nan"), -0.0, 2.0, -3.0,
                                                        float("inf")])),
    "abs's gradient at nan is 0 (its sign)": lambda T: _grads(
        lambda T, t: t.abs(), [float("nan"), -1.0, 2.0])(T),
    "clone of an expanded tensor is contiguous": lambda T: (
        lambda c: (c.is_contiguous(), c.stride()))(T.ones(3).expand(2, 3).clone()),
    "clone of a transposed tensor keeps its strides": lambda T: (
        lambda c: (c.is_contiguous(), c.stride()))(T.ones(2, 3).t().clone()),
    "stride of a view": lambda T: (T.ones(4, 5)[1:, ::2].stride(), T.ones(4, 5).stride(1)),
    "broadcast_to(2, 3)": lambda T: T.ones(3).broadcast_to(2, 3).shape,
    "normal(mean, std) that require grad: zero gradients": lambda T: _normal_grads(T),
}


def _normal_grads(T):
    m = T.tensor([1.0, 2.0], requires_grad=True)
    s = T.tensor([0.5, 2.0], requires_grad=True)
    seen = []
    for draw in (lambda: T.normal(m, s), lambda: T.normal(m, 1.0), lambda: T.normal(0.0, s),
                 lambda: T.normal(T.zeros(2, 1), s)):
        m.grad = s.grad = None
        y = draw()
        y.sum().backward()
        seen.append((y, type(y.grad_fn).__name__, m.grad, s.grad))
    return seen


def _changed(x, change):
    change(x)
    return x


def _element_in_place(T):
    x = T.arange(1.0, 4.0, requires_grad=True)
    y = x * 1
    y[0].mul_(10)
    y.sum().backward()
    return y, x.grad


def torch_or_mg_ones(x, *shape):
    """``ones(*shape)`` of the library ``x`` belongs to."""
    return (mg if isinstance(x, mg.Tensor) else torch).ones(*shape)


@pytest.mark.parametrize("program", WRONG_BEHAVIOUR.values(), ids=WRONG_BEHAVIOUR.keys())
def test_wrong_behaviour_is_now_pytorchs(program):
    same(program)


# float32 sums in ATen's order ------------------------------------------------------------

SUMS = [((3,), None), ((10,), None), ((100,), None), ((2000,), None), ((30000,), None),
        ((40, 50), None), ((40, 50), (1,)), ((40, 50), (0,)), ((300, 3), (0,)), ((6, 70), (0,)),
        ((40, 6), (0,)), ((2, 3, 40), (2,)), ((40, 3, 2), (0,)), ((4, 5, 6), (1, 2)),
        ((4, 5, 6), (0, 1)), ((5, 33, 7), (1,)), ((2000, 1), (0,)), ((1000, 40), (0,))]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape, dims", SUMS, ids=[f"{s} dims={d}" for s, d in SUMS])
def test_sums_and_means_are_pytorchs_to_the_bit(shape, dims, dtype):
    rng = np.random.default_rng(sum(shape))
    for _ in range(5):
        a = (rng.standard_normal(shape) * 10 ** rng.uniform(-3, 3, shape)).astype(dtype)
        for op in ("sum", "mean"):
            want = (getattr(torch.from_numpy(a), op)() if dims is None
                    else getattr(torch.from_numpy(a), op)(dims)).numpy()
            x = mg.tensor(a)
            got = (getattr(x, op)() if dims is None else getattr(x, op)(dims)).numpy()
            assert got.shape == want.shape and np.array_equal(got, want), (op, shape, dims)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_every_short_sum_is_pytorchs_to_the_bit(dtype):
    """Every length up to where ATen's cascade starts (minigrad's short-row path), and
    the sign of a sum of -0s."""
    rng = np.random.default_rng(7)
    for n in range(1, 16 * 4 * 8 + 2):
        for a in [(rng.standard_normal(n) * 10.0 ** rng.integers(-6, 6, n)).astype(dtype)
                  for _ in range(3)] + [np.full(n, -0.0, dtype)]:
            got, want = mg.tensor(a).sum().numpy(), torch.from_numpy(a).sum().numpy()
            assert np.array_equal(got, want) and np.signbit(got) == np.signbit(want), n


def test_a_transposed_tensor_sums_as_pytorchs():
    a = np.random.default_rng(0).standard_normal((64, 100)).astype(np.float32)
    assert mg.tensor(a).t().sum().item() == torch.from_numpy(a).t().sum().item()


def test_float32_linspace_is_pytorchs_to_the_bit():
    for start, end, steps in [(-np.pi, np.pi, 2000), (-1, 1, 1001), (-5, 3, 12345), (3, -2, 50)]:
        assert np.array_equal(mg.linspace(start, end, steps).numpy(),
                              torch.linspace(start, end, steps).numpy())


def _polynomial_fit(T, y, steps):
    """pytorch.org's autograd polynomial fit (seeded), every loss and parameter."""
    T.manual_seed(0)
    x = T.linspace(-np.pi, np.pi, 2000)
    y = T.tensor(y)
    a, b, c, d = (T.randn((), requires_grad=True) for _ in range(4))
    seen = []
    for _ in range(steps):
        loss = (a + b * x + c * x ** 2 + d * x ** 3 - y).pow(2).sum()
        seen.append([loss.item(), a.item(), b.item(), c.item(), d.item()])
        loss.backward()
        with T.no_grad():
            for p in (a, b, c, d):
                p -= 1e-6 * p.grad
                p.grad = None
    return seen


def test_a_float32_training_loop_prints_pytorchs_losses_to_the_bit():
    """The sums of the loss and of the broadcast gradients, in ATen's order: from
    PyTorch's targets (its float32 sin is not NumPy's), every step is PyTorch's."""
    y = torch.sin(torch.linspace(-np.pi, np.pi, 2000)).numpy()
    assert _polynomial_fit(mg, y, 500) == _polynomial_fit(torch, y, 500)


# Missing API --------------------------------------------------------------------------

def _grads(f, x):
    """``f(x)`` and the gradient of a weighted sum of it."""
    def program(T):
        t = T.tensor(x, requires_grad=True)
        out = f(T, t)
        parts = out if isinstance(out, tuple) else (out,)
        total = sum((p * T.arange(1.0, p.numel() + 1).reshape(p.shape)).sum() for p in parts)
        total.backward()
        return out, t.grad
    return program


def _inference(T):
    x = T.ones(2, requires_grad=True)
    with T.inference_mode():
        inside = (x * 2, T.is_grad_enabled(), T.is_inference_mode_enabled())
    with T.no_grad(), T.inference_mode(False):
        off = (T.is_grad_enabled(), T.is_inference_mode_enabled())

    @T.inference_mode
    def bare(a):
        return a * 3, T.is_inference_mode_enabled()

    @T.inference_mode()
    def called(a):
        return a * 4
    return inside, off, bare(x), called(x), T.is_grad_enabled(), T.is_inference_mode_enabled()


def _variable_blitz(T):
    """The 2017 60-minute blitz's autograd page, in Variables."""
    from_autograd = T.autograd.Variable
    x = from_autograd(T.ones(2, 2), requires_grad=True)
    y = x + 2
    z = y * y * 3
    out = z.mean()
    out.backward()
    return x, y, y.grad_fn.name(), z, out, x.grad, x.data


def _variable_kinds(T):
    V = T.autograd.Variable
    t = T.ones(2)
    w = T.ones(2, requires_grad=True) * 2
    return (V(t) is t, isinstance(t, V), V(t, requires_grad=True), t.requires_grad,
            V(w), V(w).grad_fn, V())


def _variable_volatile(T):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        v = T.autograd.Variable(T.ones(2), volatile=True)
    return v, [str(w.message) for w in caught]


def _no_cuda(T):
    device = "cuda" if T.cuda.is_available() else "cpu"
    acc = (T.accelerator.current_accelerator().type if T.accelerator.is_available()
           else "cpu")
    return (device, acc, T.cuda.is_available(), T.cuda.device_count(),
            T.accelerator.is_available(), T.accelerator.device_count(),
            T.accelerator.current_accelerator(), T.cuda.memory_allocated(),
            T.ones(2).to(device), T.device("cuda"), T.device("cuda:1"), str(T.device("cuda:1")))


def _raises(call):
    def program(T):
        call(T)
    return program


def _data_parallel(T):
    T.manual_seed(0)
    m = T.nn.DataParallel(T.nn.Linear(3, 2))
    out = m(T.ones(4, 3))
    out.sum().backward()
    return (m, out, m.module.weight.grad, m.device_ids, [n for n, _ in m.named_parameters()],
            list(m.state_dict()))


MISSING_API = {
    "torch.diag(vector)": lambda T: T.diag(T.tensor([1.0, 2.0, 3.0])),
    "torch.diag(vector, -1)": lambda T: T.diag(T.tensor([1.0, 2.0]), -1),
    "torch.diag(vector, 2)": lambda T: T.diag(T.tensor([1.0, 2.0]), 2),
    "torch.diag(matrix)": lambda T: T.diag(T.arange(9.0).reshape(3, 3)),
    "torch.diag(matrix, 1)": lambda T: T.diag(T.arange(12.0).reshape(3, 4), 1),
    "torch.diag(matrix, -2)": lambda T: T.diag(T.arange(12.0).reshape(3, 4), -2),
    "torch.diag(3-d)": lambda T: T.diag(T.ones(2, 2, 2)),
    "diag of a vector: gradient": _grads(lambda T, x: T.diag(x, 1), [1.0, 2.0, 3.0]),
    "diag of a matrix: gradient": _grads(lambda T, x: x.diag(), [[1.0, 2.0, 3.0], [4.0, 5, 6]]),
    "unbind": lambda T: T.arange(6.0).reshape(2, 3).requires_grad_().unbind(),
    "torch.unbind(x, 1)": lambda T: T.unbind(T.arange(6.0).reshape(2, 3), 1),
    "unbind: gradient": _grads(lambda T, x: x.unbind(1), [[1.0, 2.0, 3.0], [4.0, 5, 6]]),
    "unbind of a number": lambda T: T.tensor(1.0).unbind(),
    "in place on an unbind piece": _raises(
        lambda T: T.ones(2, 2, requires_grad=True).clone().unbind()[0].mul_(2)),
    "movedim": lambda T: T.arange(6.0).reshape(2, 3).requires_grad_().movedim(0, 1),
    "movedim of several": lambda T: T.movedim(T.arange(6.0).reshape(1, 2, 3), (0, 1), (2, 0)),
    "movedim(-1, 0)": lambda T: T.arange(24.0).reshape(2, 3, 4).movedim(-1, 0).shape,
    "moveaxis": lambda T: T.arange(24.0).reshape(2, 3, 4).moveaxis((0, 2), (1, 0)).shape,
    "movedim, unequal counts": lambda T: T.arange(24.0).reshape(2, 3, 4).movedim((0, 1), (1,)),
    "movedim: gradient": _grads(lambda T, x: x.movedim(0, 1), [[1.0, 2.0, 3.0], [4.0, 5, 6]]),
    "inference_mode": _inference,
    "Variable: the blitz": _variable_blitz,
    "Variable of tensors": _variable_kinds,
    "Variable of a list": lambda T: T.autograd.Variable([1.0, 2.0]),
    "Variable(volatile=True)": _variable_volatile,
    "no cuda, no accelerator": _no_cuda,
    "tensor.cuda()": lambda T: T.ones(2).cuda(),
    "tensor.to('cuda')": lambda T: T.ones(2).to("cuda"),
    "torch.cuda.current_device()": lambda T: T.cuda.current_device(),
    "torch.cuda.get_device_name()": lambda T: T.cuda.get_device_name(),
    "torch.cuda.manual_seed_all(0)": lambda T: T.cuda.manual_seed_all(0),
    "accelerator.current_accelerator(check_available=True)":
        lambda T: T.accelerator.current_accelerator(check_available=True),
    "accelerator.synchronize()": lambda T: T.accelerator.synchronize(),
    "torch.device('gpu')": lambda T: T.device("gpu"),
    "nn.DataParallel": _data_parallel,
}


@pytest.mark.parametrize("program", MISSING_API.values(), ids=MISSING_API.keys())
def test_missing_api_is_pytorchs(program):
    same(program)


def test_torch_vmap_is_torch_func_vmap():
    assert mg.vmap is mg.func.vmap
    x = mg.arange(6.0).reshape(2, 3)
    assert mg.vmap(lambda r: (r * r).sum())(x).tolist() == [5.0, 50.0]


# torch.autograd.graph, grad_fn._saved_*, post-accumulate hooks ----------------------------

def _printing_hooks(log):
    def pack(x):
        log.append(f"pack {x!r}")
        return x

    def unpack(x):
        log.append(f"unpack {x!r}")
        return x
    return pack, unpack


def _saved_tensors_hooks(T):
    """pytorch.org's saved-tensors-hooks tutorial: what is packed and unpacked, when."""
    log = []
    a = T.ones(3, requires_grad=True)
    b = T.ones(3, requires_grad=True) * 2
    with T.autograd.graph.saved_tensors_hooks(*_printing_hooks(log)):
        y = a * b
        log.append("exp")
        e = a.exp()
        log.append("x * 2")
        z = a * 2
        log.append("x ** 2")
        p = a ** 2
        log.append("(1, 3) @ a constant")
        m = a.reshape(1, 3) @ T.ones(3, 2)
        s = a + b
    for out in (y, e, z, p, m, s):
        log.append("backward")
        out.sum().backward(retain_graph=True)
    return log, a.grad


def _hooks_that_change_values(T):
    a = T.tensor([1.0, 2.0], requires_grad=True)
    with T.autograd.graph.saved_tensors_hooks(lambda x: x * 10, lambda x: x + 1):
        y = a.exp() * a  # (exp saves its output; mul its inputs)
    y.sum().backward()
    return a.grad


def _disable_hooks(T):
    a = T.ones(2, requires_grad=True)
    with T.autograd.graph.disable_saved_tensors_hooks("no saving here"):
        y = a * a
        with T.autograd.graph.saved_tensors_hooks(lambda x: x, lambda x: x):
            pass
    return y


def _save_on_cpu(T):
    a = T.tensor([1.0, 3.0], requires_grad=True)
    with T.autograd.graph.save_on_cpu(pin_memory=False):
        y = (a * a).exp().sum()
    y.backward()
    return a.grad, isinstance(T.autograd.graph.save_on_cpu(),
                              T.autograd.graph.saved_tensors_hooks)


def _raw_saved(T):
    log = []
    a = T.tensor([1.0, 2.0], requires_grad=True)
    w = T.tensor([3.0, 4.0], requires_grad=True)
    y = a * w
    y.grad_fn._raw_saved_self.register_hooks(*_printing_hooks(log))
    y.sum().backward()
    return log, a.grad, w.grad


def _node_hooks(T):
    log = []
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    z = y.exp()
    z.grad_fn.register_prehook(lambda go: log.append(("pre", go)))
    z.grad_fn.register_hook(lambda gi, go: log.append(("post", gi, go)))
    y.grad_fn.register_hook(lambda gi, go: log.append(("y post", gi, go)))
    acc = y.grad_fn.next_functions[0][0]
    acc.register_hook(lambda gi, go: log.append(("leaf post", gi, go)))
    handle = acc.register_prehook(lambda go: log.append(("leaf pre", go)))
    z.sum().backward()
    handle.remove()
    x.grad = None
    y = x * 3
    z = y.exp()
    z.grad_fn.register_prehook(lambda go: (go[0] * 0 + 1,))
    z.grad_fn.register_hook(lambda gi, go: (gi[0] * 10,))
    z.sum().backward()
    return log, x.grad, isinstance(z.grad_fn, T.autograd.graph.Node)


def _multi_grad_hook(T):
    log = []
    x1, x2 = T.tensor(1.0, requires_grad=True), T.tensor(2.0, requires_grad=True)
    h = T.autograd.graph.register_multi_grad_hook((x1, x2), lambda g: log.append(("all", g)))
    (x1 * 3).backward()
    (x1 * x2).backward()
    h.remove()
    (x1 * x2).backward()
    T.autograd.graph.register_multi_grad_hook((x1, x2), lambda g: log.append(("any", g)),
                                              mode="any")
    (x1 * 5).backward()
    return log


def _increment_version(T):
    x = T.ones(2, requires_grad=True)
    y = x.exp()
    before = y._version
    T.autograd.graph.increment_version(y)
    return before, y._version, y.sum().backward()


def _post_accumulate(T):
    log = []
    w = T.ones(2, requires_grad=True)
    w.register_post_accumulate_grad_hook(lambda p: log.append((p, p.grad.clone())))
    (w * 2).sum().backward()
    (w * 3).sum().backward()
    return log


def _saved_attributes(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    w = T.tensor([3.0, 4.0], requires_grad=True)
    c = T.tensor([5.0, 6.0])
    y, e, p, d = x * w, x.exp(), x ** 2, x * c
    m = T.ones(2, 3, requires_grad=True) @ T.ones(3, 2)
    out = [y.grad_fn._saved_self is x, y.grad_fn._saved_other is w,
           (x * 2).grad_fn._saved_other, (x / 2.5).grad_fn._saved_other,
           e.grad_fn._saved_result, e.grad_fn._saved_result is e,
           p.grad_fn._saved_exponent, p.grad_fn._saved_self is x,
           d.grad_fn._saved_self, d.grad_fn._saved_other is c,
           T.dot(x, c).grad_fn._saved_tensor is c, m.grad_fn._saved_mat2,
           m.grad_fn._saved_self, m.grad_fn._saved_self_sym_sizes,
           x.softmax(0).grad_fn._saved_result,
           [n for n in dir(y.grad_fn) if "saved" in n]]
    y.sum().backward()
    out.append(e.grad_fn._saved_result)
    return out


def _saved_after_backward(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    y.sum().backward()
    return y.grad_fn._saved_self


GRAPH_API = {
    "saved_tensors_hooks: what is packed and unpacked": _saved_tensors_hooks,
    "saved_tensors_hooks: the unpacked values are used": _hooks_that_change_values,
    "disable_saved_tensors_hooks": _disable_hooks,
    "save_on_cpu": _save_on_cpu,
    "_raw_saved_self.register_hooks": _raw_saved,
    "Node.register_hook and register_prehook": _node_hooks,
    "register_multi_grad_hook": _multi_grad_hook,
    "increment_version": _increment_version,
    "register_post_accumulate_grad_hook": _post_accumulate,
    "post-accumulate hook on a non-leaf": lambda T: (T.ones(2, requires_grad=True) * 2)
        .register_post_accumulate_grad_hook(print),
    "post-accumulate hook without grad": lambda T: T.ones(2)
        .register_post_accumulate_grad_hook(print),
    "grad_fn._saved_*": _saved_attributes,
    "grad_fn._saved_* after backward": _saved_after_backward,
    "grad_fn._saved_ of no such value": lambda T: (T.ones(1, requires_grad=True) * 2)
        .grad_fn._saved_foo,
}


@pytest.mark.parametrize("program", GRAPH_API.values(), ids=GRAPH_API.keys())
def test_graph_hooks_and_saved_values_are_pytorchs(program):
    same(program)


# Random streams: bit-identical to PyTorch's CPU generator ---------------------------------

def _grad_of_dropout(T):
    x = T.ones(20, requires_grad=True)
    T.nn.functional.dropout(x, 0.4).sum().backward()
    return x.grad


def _rng_state_round_trip(T):
    state = T.get_rng_state()
    first = T.rand(3)
    T.set_rng_state(state)
    return first, T.rand(3), state.shape, state.dtype, state[:8]


def _dropout_module(T):
    d = T.nn.Dropout(0.25)
    train = d(T.ones(8))
    d.eval()
    return T.nn.Dropout(), T.nn.Dropout(0.2, inplace=True), train, d(T.ones(3))


RANDOM = {
    "bernoulli(probabilities)": lambda T: T.bernoulli(T.rand(40)),
    "bernoulli(float64 probabilities)": lambda T: T.bernoulli(T.rand(40, dtype=T.float64)),
    "bernoulli(x, p)": lambda T: T.bernoulli(T.ones(40), 0.3),
    "bernoulli_(p)": lambda T: T.empty(30).bernoulli_(0.7),
    "bernoulli_(probabilities)": lambda T: T.empty(30).bernoulli_(T.rand(30)),
    "Tensor.bernoulli()": lambda T: T.rand(9).bernoulli(),
    "bernoulli of 1.5": lambda T: T.bernoulli(T.tensor([1.5])),
    "bernoulli_(1.5)": lambda T: T.empty(3).bernoulli_(1.5),
    "F.dropout": lambda T: T.nn.functional.dropout(T.ones(20, requires_grad=True), 0.3),
    "F.dropout: gradient": _grad_of_dropout,
    "F.dropout(p=1)": lambda T: T.nn.functional.dropout(T.ones(4, requires_grad=True), 1.0),
    "F.dropout(training=False) is its input": lambda T: (
        lambda x: T.nn.functional.dropout(x, 0.3, training=False) is x)(T.ones(3)),
    "F.dropout(p=1.5)": lambda T: T.nn.functional.dropout(T.ones(3), 1.5),
    "nn.Dropout": _dropout_module,
    "multinomial with replacement": lambda T: T.multinomial(
        T.tensor([[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]]), 10, replacement=True),
    "multinomial without replacement": lambda T: T.multinomial(T.tensor([0.1, 0.2, 0.3, 0.4]),
                                                               3),
    "multinomial, one sample of each row": lambda T: T.multinomial(T.rand(5, 7), 1),
    "multinomial of rows": lambda T: T.multinomial(T.rand(5, 7), 4),
    "multinomial of weights": lambda T: T.multinomial(T.tensor([1.0, 5.0, 3.0]), 2),
    "Tensor.multinomial": lambda T: T.rand(6).multinomial(2),
    "multinomial: too many samples": lambda T: T.multinomial(T.tensor([0.5, 0.5]), 3),
    "multinomial: a negative weight": lambda T: T.multinomial(T.tensor([-1.0, 1.0]), 1),
    "multinomial: all zero": lambda T: T.multinomial(T.tensor([0.0, 0.0]), 1, True),
    "uniform_": lambda T: (T.empty(5).uniform_(), T.empty(20).uniform_(-2, 3)),
    "normal_": lambda T: (T.empty(5).normal_(), T.empty(20).normal_(1, 0.5)),
    "exponential_ (float32)": lambda T: T.empty(20).exponential_(2.0),
    "uniform_ on a leaf that requires grad": lambda T: T.empty(5, requires_grad=True).uniform_(),
    "nn.init.kaiming_normal_": lambda T: T.nn.init.kaiming_normal_(
        T.empty(3, 5), mode="fan_out", nonlinearity="relu"),
    "nn.init.kaiming_normal_ (fan_in)": lambda T: T.nn.init.kaiming_normal_(T.empty(30, 50)),
    "get_rng_state / set_rng_state": _rng_state_round_trip,
    "get_rng_state after randn": lambda T: (T.randn(3), T.get_rng_state()[-40:]),
    "set_rng_state(5)": lambda T: T.set_rng_state(5),
}


@pytest.mark.parametrize("program", RANDOM.values(), ids=RANDOM.keys())
def test_random_streams_are_pytorchs(program):
    same(program)


# torch.utils.benchmark ------------------------------------------------------------------

MEASURED = [  # (Timer's arguments, the blocks' times, runs per block)
    (dict(stmt="x * 2", setup="pass"), [2.2e-4], 100),
    (dict(stmt="x * 2", setup="pass"), [1.9e-2, 2.0e-2, 2.1e-2], 10000),
    (dict(stmt="y = x + 1", setup="import math", label="add", sub_label="100",
          description="torch", num_threads=2), [2.1e-2, 2.3e-2, 2.0e-2, 2.9e-2, 2.0e-2], 10000),
    (dict(stmt="a\nb", setup="c\nd", sub_label="s"), [1e-3, 1.05e-3, 1e-3, 1.01e-3], 1000),
    (dict(stmt="f()", setup="pass"), [5.0, 5.5, 4.0, 7.0], 1),
]


def _without_address(text: str) -> str:
    import re

    return re.sub(r"<[\w.]+ object at 0x[0-9a-f]+>", "<Measurement>", text)


@pytest.mark.parametrize("spec, times, number", MEASURED)
def test_a_measurement_prints_and_summarises_as_pytorchs(spec, times, number):
    from torch.utils.benchmark.utils import common

    want = common.Measurement(number, times, common.TaskSpec(**spec))
    got = mg.utils.benchmark.Measurement(number, times, mg.utils.benchmark.TaskSpec(**spec))
    assert _without_address(repr(got)) == _without_address(repr(want))
    assert (got.median, got.iqr) == pytest.approx((want.median, want.iqr))
    assert (got.times, got.title, got.number_per_run) == (want.times, want.title,
                                                          want.number_per_run)


def test_timer_times_a_statement_by_pytorchs_algorithm():
    x = mg.ones(10)
    timer = mg.utils.benchmark.Timer(stmt="x * 2", globals={"x": x}, label="mul")
    once = timer.timeit(100)
    assert (once.number_per_run, len(once.raw_times), once.median > 0) == (100, 1, True)
    blocks = timer.blocked_autorange(min_run_time=0.05)
    assert sum(blocks.raw_times) >= 0.05 and blocks.number_per_run in (1, 10, 100, 1000, 10**4)
    assert _without_address(repr(blocks)).splitlines()[:2] == ["<Measurement>", "mul"]
    assert mg.utils.benchmark.Timer("torch.ones(3).sum()").timeit(10).median > 0  # (torch: us)
    with pytest.raises(ValueError, match="global_setup is C\\+\\+ only"):
        mg.utils.benchmark.Timer("x", global_setup="y")


# torch.func.linearize and functional_call ------------------------------------------------

def _linearize(T):
    out, jvp_fn = T.func.linearize(T.sin, T.tensor([1.0, 2.0]))
    out2, jvp2 = T.func.linearize(lambda a, b: a * b, T.tensor([1.0, 2.0]), T.tensor([3.0, 4.0]))
    return out, jvp_fn(T.ones(2)), jvp_fn(T.tensor([0.5, 2.0])), out2, jvp2(T.ones(2), T.zeros(2))


def _functional_call(T):
    m = T.nn.Linear(2, 1)
    x = T.tensor([1.0, 2.0])
    ones = {k: T.ones_like(v) for k, v in m.named_parameters()}
    w = T.ones(1, 2, requires_grad=True)
    y = T.func.functional_call(m, {"weight": w}, (x,))
    y.sum().backward()
    return (T.func.functional_call(m, ones, (x,)), m.weight,
            T.func.functional_call(m, ({"weight": T.zeros(1, 2)}, {"bias": T.ones(1)}), x),
            T.func.functional_call(m, {"foo": T.zeros(1)}, (x,)), y, w.grad, m.weight.grad)


def _functional_call_and_grad(T):
    m = T.nn.Sequential(T.nn.Linear(2, 3), T.nn.ReLU(), T.nn.Linear(3, 1))
    params = {k: v.detach() * 2 for k, v in m.named_parameters()}
    loss = lambda p, x: T.func.functional_call(m, p, (x,)).sum()  # noqa: E731
    return T.func.functional_call(m, params, T.ones(4, 2)), T.func.grad(loss)(params, T.ones(4, 2))


FUNC_API = {
    "func.linearize": _linearize,
    "func.functional_call": _functional_call,
    "functional_call under func.grad": _functional_call_and_grad,
    "functional_call(strict=True)": lambda T: T.func.functional_call(
        T.nn.Linear(2, 1), {"foo": T.zeros(1)}, (T.tensor([1.0, 2.0]),), strict=True),
    "functional_call: a name in two dicts": lambda T: T.func.functional_call(
        T.nn.Linear(2, 1), ({"bias": T.ones(1)}, {"bias": T.ones(1)}), T.tensor([1.0, 2.0])),
}


@pytest.mark.parametrize("program", FUNC_API.values(), ids=FUNC_API.keys())
def test_func_linearize_and_functional_call_are_pytorchs(program):
    same(program)


def _sinh_saving_its_outputs(T):
    """pytorch.org's double-backward tutorial: a Function saves two of its outputs, whose
    gradients must reach those outputs (not the first) in a second backward."""
    class Sinh(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            expx, expnegx = T.exp(x), T.exp(-x)
            ctx.save_for_backward(expx, expnegx)
            return (expx - expnegx) / 2, expx, expnegx

        @staticmethod
        def backward(ctx, grad_out, grad_exp, grad_negexp):
            expx, expnegx = ctx.saved_tensors
            grad_input = grad_out * (expx + expnegx) / 2
            grad_input += grad_exp * expx
            grad_input -= grad_negexp * expnegx
            return grad_input

    x = T.tensor([[0.2, 0.9], [0.5, 1.3]], dtype=T.float64, requires_grad=True)
    sinh = lambda v: Sinh.apply(v)[0]  # noqa: E731
    grad_x, = T.autograd.grad(sinh(x).sum(), x, create_graph=True)
    return (T.autograd.gradcheck(sinh, x), T.autograd.gradgradcheck(sinh, x), grad_x,
            T.autograd.grad(grad_x.sum(), x))


def test_a_function_that_saves_its_outputs_differentiates_twice_as_pytorchs():
    same(_sinh_saving_its_outputs)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("shape", [(5, 3), (300, 7), (64, 1), (2000,)])
def test_mse_loss_is_one_node_with_pytorchs_bits(shape, reduction, dtype):
    """F.mse_loss is one rule, as PyTorch's MseLossBackward0 (it saves both inputs);
    its value and both gradients are PyTorch's to the bit."""
    def run(T):
        T.manual_seed(3)
        dt = getattr(T, dtype)
        x = T.randn(*shape, dtype=dt, requires_grad=True)
        t = T.randn(*shape, dtype=dt, requires_grad=True)
        y = T.nn.functional.mse_loss(x, t, reduction=reduction)
        (y.sum() if reduction == "none" else y).backward()
        return ([a.detach().numpy() for a in (y, x.grad, t.grad)],
                [type(n).__name__ for n, _ in y.grad_fn.next_functions])
    (want, want_next), (got, got_next) = run(torch), run(mg)
    assert got_next == want_next
    for g, w in zip(got, want):
        assert np.array_equal(g, w)


def _function_saving_through_hooks(T):
    log = []

    class Square(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            y = x * x
            ctx.save_for_backward(x, y)
            return y

        @staticmethod
        def backward(ctx, g):
            x, y = ctx.saved_tensors
            return 2 * x * g

    a = T.tensor([1.0, 2.0], requires_grad=True)
    with T.autograd.graph.saved_tensors_hooks(lambda t: (log.append(f"pack {t!r}"), t * 10)[1],
                                              lambda t: (log.append(f"unpack {t!r}"), t)[1]):
        y = Square.apply(a)
    y.sum().backward()
    return log, a.grad


def test_saved_tensors_hooks_pack_what_a_custom_function_saves():
    same(_function_saving_through_hooks)


# Inference tensors --------------------------------------------------------------------

def _made_under_inference(T):
    with T.inference_mode():
        return T.ones(3) * 2


def _marks(T):
    x = T.ones(1, 2, 3, requires_grad=True)
    with T.inference_mode():
        y = x * x
        inside = (y.requires_grad, y.is_inference(), x.is_inference(), T.ones(2).is_inference())
        y.add_(1)  # (in place inside inference mode is allowed)
    z = _made_under_inference(T)
    w = T.ones(3, requires_grad=True)
    return (inside, y.is_inference(), (z + w).grad_fn.name(), z.clone().is_inference(),
            z.detach().is_inference(), (z * 1).is_inference())


INFERENCE = {
    "inference tensors": _marks,
    "an inference tensor has no version": lambda T: _made_under_inference(T)._version,
    "in place outside inference mode": lambda T: _made_under_inference(T).add_(1),
    "saved for backward": lambda T: _made_under_inference(T) * T.ones(3, requires_grad=True),
    "requires_grad_ outside inference mode": lambda T: _made_under_inference(T)
        .requires_grad_(),
}


@pytest.mark.parametrize("program", INFERENCE.values(), ids=INFERENCE.keys())
def test_inference_tensors_are_pytorchs(program):
    same(program)


def _hooks_on_max_along_a_dim(T):
    log = []
    x = T.tensor([[1.0, 5.0], [4.0, 2.0]], requires_grad=True)
    with T.autograd.graph.saved_tensors_hooks(lambda t: (log.append("pack"), t)[1],
                                              lambda t: (log.append("unpack"), t)[1]):
        y = x.max(0).values.sum()
    y.backward()
    return log, x.grad


def test_saved_tensors_hooks_skip_what_is_no_tensor_input():
    """max(dim) saves its indices (a parameter here): nothing is packed, as in PyTorch...
    where the indices are an output, which its hooks do pack."""
    got, want = run(mg, _hooks_on_max_along_a_dim), run(torch, _hooks_on_max_along_a_dim)
    assert got.replace("[]", "['pack', 'unpack']") == want


def _mutation_allowed(T):
    with T.autograd.graph.allow_mutation_on_saved_tensors():
        a = T.ones(2, 3, requires_grad=True)
        b = a.clone()
        out = (b ** 2).sum()
        b.sin_()  # (b ** 2 saved b: it keeps b's old value)
        out.sum().backward()
        x = T.tensor([1.0, 2.0], requires_grad=True)
        e = x.exp()
        c = (e * 3).sum()
        e.mul_(10)  # (exp saved its output)
        (c + (e * x).sum()).backward()
    return a.grad, b, x.grad


def _mutation_not_allowed(T):
    a = T.tensor([1.0, 2.0], requires_grad=True)
    b = a.clone()
    out = (b ** 2).sum()
    b.sin_()
    out.backward()


@pytest.mark.parametrize("program", [_mutation_allowed, _mutation_not_allowed])
def test_allow_mutation_on_saved_tensors_is_pytorchs(program):
    same(program)


def test_allow_mutation_on_saved_tensors_survives_reused_ids():
    """Its registry is keyed by id(tensor): a tensor freed inside the context leaves an
    id that a new tensor may take, whose saved value must still be stashed."""
    want = run(torch, _mutation_allowed)
    assert [run(mg, _mutation_allowed) for _ in range(5)] == [want] * 5


@pytest.mark.parametrize("budget", [0.0, 1.5])
def test_region_activation_memory_budget_is_refused_in_eager_mode(budget):
    same(lambda T: T.autograd.graph.region_activation_memory_budget(budget))


# new_zeros and friends, diagonal, nonzero (and under vmap) --------------------------------

def _diagonal_grads(T):
    x = T.arange(24.0).reshape(2, 3, 4).requires_grad_()
    d = T.diagonal(x, -1, 2, 0)
    g, = T.autograd.grad(d.sin().sum(), x, create_graph=True)
    h, = T.autograd.grad(g.sum(), x)
    m = T.arange(12.0).reshape(3, 4).requires_grad_()
    (m.diagonal(1) ** 2).sum().backward()
    return d, g, g.grad_fn.name(), h, m.grad


def _diagonal_is_a_view(T):
    z = T.zeros(3, 3)
    d = z.diagonal()
    d.copy_(T.tensor([1.0, 2.0, 3.0]))
    d += 1
    return z, z._version, d._version, d.is_contiguous()


def _diag_embed(T, unbatched=False):
    def diag_embed(vec):
        result = T.zeros(3, 3) if unbatched else vec.new_zeros(vec.shape[0], vec.shape[0])
        result.diagonal().copy_(vec)
        return result
    return T.func.vmap(diag_embed)(T.tensor([[0.0, 1, 2], [3.0, 4, 5]]))


NEW_DIAGONAL_NONZERO = {
    "new_zeros/new_ones/new_full/new_empty": lambda T: (
        T.ones(2, dtype=T.int32).new_zeros(2, 3), T.ones(2).new_ones((2,)),
        T.ones(2, dtype=T.int32).new_full((2,), 3.7), T.ones(1).new_empty(0).dtype,
        T.ones(2).new_zeros([2], dtype=T.float64, requires_grad=True)),
    "new_full(int)": lambda T: T.ones(2).new_full(2, 1.0),
    "diagonal: values and gradients": _diagonal_grads,
    "diagonal: a view": _diagonal_is_a_view,
    "diagonal of a vector": lambda T: T.ones(3).diagonal(),
    "diagonal: identical dims": lambda T: T.ones(2, 2).diagonal(dim1=0, dim2=0),
    "diagonal: dim out of range": lambda T: T.ones(2, 2).diagonal(dim1=0, dim2=2),
    "diagonal under vmap and jacrev": lambda T: (
        T.func.vmap(lambda m: m.diagonal(1))(T.arange(24.0).reshape(2, 3, 4)),
        T.func.jacrev(lambda m: m.diagonal())(T.ones(2, 2))),
    "new_zeros and diagonal().copy_ under vmap": _diag_embed,
    "... under two vmaps": lambda T: T.func.vmap(T.func.vmap(lambda v: T.diagonal(
        v.new_ones(3, 3) * v)))(T.arange(12.0).reshape(2, 2, 3)),
    "copy_ of a batched tensor into an unbatched one": lambda T: _diag_embed(T, unbatched=True),
    "nonzero": lambda T: (
        T.nonzero(T.tensor([[0, 1], [2, 0]])), T.nonzero(T.tensor([[0, 1], [2, 0]]), as_tuple=True),
        T.nonzero(T.tensor(5)), T.nonzero(T.tensor(5), as_tuple=True), T.tensor(0.0).nonzero(),
        T.tensor([0.0, 1, 0, 3]).nonzero()),
    "nonzero under vmap": lambda T: T.func.vmap(T.nonzero)(T.tensor([[0, 1, 2], [0, 0, 3]])),
}


@pytest.mark.parametrize("program", NEW_DIAGONAL_NONZERO.values(), ids=NEW_DIAGONAL_NONZERO.keys())
def test_new_tensors_diagonal_and_nonzero_are_pytorchs(program):
    same(program)


# torch.save and torch.load (minigrad's own file format) -----------------------------------

def _save_and_load(T, tmp_path):
    import io

    m = T.nn.Linear(3, 2)
    x = T.arange(6.0).reshape(2, 3).t()  # (not contiguous)
    obj = {"x": x, "ints": [T.tensor([1, 2]), T.tensor(True)], "w": T.ones(2, requires_grad=True),
           "state": m.state_dict(), "p": m.weight, "n": 3}
    path = tmp_path / f"{T.__name__}.pt"
    T.save(obj, path)
    buffer = io.BytesIO()
    T.save(obj, buffer)
    buffer.seek(0)
    a, b = T.load(path), T.load(buffer, weights_only=True)
    m2 = T.nn.Linear(3, 2)
    m2.load_state_dict(T.load(str(path), weights_only=False)["state"])
    return a, b, type(a["state"]).__name__, type(a["p"]).__name__, m2(T.ones(3)) == m(T.ones(3))


def test_save_and_load_are_pytorchs(tmp_path):
    got = run(mg, lambda T: _save_and_load(T, tmp_path))
    assert got == run(torch, lambda T: _save_and_load(T, tmp_path))


def test_load_refuses_other_classes_unless_weights_only_is_false(tmp_path):
    path = tmp_path / "f.pt"
    mg.save({"when": Exception("x")}, path)
    with pytest.raises(pickle.UnpicklingError, match="Weights only load failed"):
        mg.load(path)
    assert repr(mg.load(path, weights_only=False)) == "{'when': Exception('x')}"


# Tensor.grad_dtype --------------------------------------------------------------------------

def _grad_dtype(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    seen = [x.grad_dtype]
    x.grad_dtype = T.float16
    (x * 2).sum().backward()
    seen += [x.grad_dtype, x.grad]
    x.grad_dtype = None
    y = T.ones(2, dtype=T.float64, requires_grad=True)
    y.grad_dtype = None
    y.grad = T.ones(2)
    (y * 2).sum().backward()
    return seen, x.grad_dtype, y.grad, T.ones(2).grad_dtype


def _assign(T, a, b):
    T.ones(2, dtype=a, requires_grad=True).grad = T.ones(2, dtype=b)


def _set_grad_dtype(T, value):
    x = T.ones(2, requires_grad=True)
    x.grad = T.ones(2)
    x.grad_dtype = value(T) if callable(value) else value


GRAD_DTYPE = {
    "grad_dtype": _grad_dtype,
    "grad of float64 into float32": lambda T: _assign(T, T.float32, T.float64),
    "grad of float16 into float32": lambda T: _assign(T, T.float32, T.float16),
    "grad of int64 into float16": lambda T: _assign(T, T.float16, T.int64),
    "grad_dtype against the grad's": lambda T: _set_grad_dtype(T, lambda T: T.float64),
    "grad_dtype of no dtype": lambda T: _set_grad_dtype(T, 3),
    "grad_dtype of a non-leaf": lambda T: (T.ones(1, requires_grad=True) * 2).grad_dtype,
    "grad_dtype set on a non-leaf": lambda T: setattr(T.ones(1, requires_grad=True) * 2,
                                                      "grad_dtype", None),
}


@pytest.mark.parametrize("program", GRAD_DTYPE.values(), ids=GRAD_DTYPE.keys())
def test_grad_dtype_is_pytorchs(program):
    same(program)


# Anomaly mode ------------------------------------------------------------------------------

def _warned(T, program):
    """What ``program(T)`` returns or raises, and the warnings it gave: each one's first
    line, and the lines of a forward stack it shows that are in this file."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", category=RuntimeWarning)  # (NumPy's 0/0)
        try:
            outcome = repr(program(T))
        except Exception as e:  # noqa: BLE001 (any exception is compared)
            outcome = f"{type(e).__name__}: {e}"
    shown = []
    for w in caught:
        first, *rest = str(w.message).split("\n")
        shown.append((first, [line.strip() for line in rest if __file__ in line]))
    return outcome, shown


def _nan_in_backward(T, check_nan=True):
    with T.autograd.detect_anomaly(check_nan=check_nan):
        x = T.tensor([0.0, 1.0], requires_grad=True)
        (x.sqrt() * 0).sum().backward()
    return x.grad


def _nan_in_second_input(T):
    with T.autograd.detect_anomaly():
        a = T.tensor([0.0], requires_grad=True)
        (a / T.tensor([0.0], requires_grad=True)).sum().backward()


def _modified_in_anomaly_mode(T):
    with T.autograd.detect_anomaly():
        a = T.ones(2, requires_grad=True)
        b = a.exp()
        b.add_(1)
        b.sum().backward()


class _Failing:
    def __new__(cls, T):
        class MyFunc(T.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x.clone()

            @staticmethod
            def backward(ctx, g):
                raise RuntimeError("Some error in backward")
        return MyFunc


def _error_in_a_custom_backward(T):
    with T.autograd.detect_anomaly():
        _Failing(T).apply(T.ones(2, requires_grad=True)).sum().backward()


def _anomaly_flags(T):
    T.autograd.set_detect_anomaly(True)
    on = (T.is_anomaly_enabled(), T.is_anomaly_check_nan_enabled())
    T.autograd.set_detect_anomaly(False)
    with T.autograd.set_detect_anomaly(True, check_nan=False):
        inside = (T.is_anomaly_enabled(), T.is_anomaly_check_nan_enabled())
    return on, inside, T.is_anomaly_enabled(), T.is_anomaly_check_nan_enabled()


ANOMALY = {
    "nan in a backward": _nan_in_backward,
    "nan, check_nan=False": lambda T: _nan_in_backward(T, check_nan=False),
    "nan in the second input's gradient": _nan_in_second_input,
    "a saved tensor modified in place": _modified_in_anomaly_mode,
    "an error in a custom Function's backward": _error_in_a_custom_backward,
    "set_detect_anomaly, is_anomaly_enabled": _anomaly_flags,
}


@pytest.mark.parametrize("program", ANOMALY.values(), ids=ANOMALY.keys())
def test_anomaly_mode_is_pytorchs(program):
    assert _warned(mg, program) == _warned(torch, program)


# ctx.mark_dirty: a custom Function that changes an input in place ------------------------

def _inplace_function(T, returned=True):
    class Inplace(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.mul_(2)
            ctx.mark_dirty(x)
            ctx.save_for_backward(x)
            return x if returned else x.clone()

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * g + 0 * x
    return Inplace


def _dirty(T):
    x = T.ones(2, requires_grad=True)
    y = x.clone()
    v0 = y._version
    z = _inplace_function(T).apply(y)
    z.sum().backward()
    plain = T.ones(2)
    w = _inplace_function(T).apply(plain)
    return z is y, v0, y._version, y, z.grad_fn.name(), x.grad, y.is_leaf, w is plain, w


def _dirty_input_saved_before(T):
    a = T.tensor(1.0, requires_grad=True, dtype=T.double).clone()
    b = a * a
    _inplace_function(T).apply(a)
    b.backward()


MARK_DIRTY = {
    "mark_dirty": _dirty,
    "mark_dirty of a leaf that requires grad": lambda T: _inplace_function(T).apply(
        T.ones(2, requires_grad=True)),
    "mark_dirty of an input not returned": lambda T: _inplace_function(T, returned=False).apply(
        T.ones(2, requires_grad=True).clone()),
    "mark_dirty of what an op saved": _dirty_input_saved_before,
}


@pytest.mark.parametrize("program", MARK_DIRTY.values(), ids=MARK_DIRTY.keys())
def test_mark_dirty_is_pytorchs(program):
    same(program)


def _grad_layout_policy(T):
    p = T.ones(2, 3, 4).permute(2, 0, 1).requires_grad_()
    with T.autograd.enforce_grad_layout_policy(False):
        (p * 2).sum().backward()
    T.autograd.enforce_grad_layout_policy(True)
    return p.grad.shape, p.grad.sum()


def test_enforce_grad_layout_policy_is_accepted():
    same(_grad_layout_policy)


# torch.func.rearrange ----------------------------------------------------------------------

def _rearranged(T):
    x = T.arange(48.0).reshape(2, 4, 6, 1).requires_grad_()
    a = T.func.rearrange(x, "b (h1 h) (w1 w) c -> (b h1 w1) h w c", h1=2, w1=3)
    b = T.func.rearrange(x, "b h w c -> h (b w) c")
    (a.sin().sum() + (b * b).sum()).backward()
    return (a, b, T.func.rearrange([T.ones(2, 3), T.zeros(2, 3)], "s a b -> b (a s)"),
            T.func.rearrange(x.detach(), "b (h h1) (w w1) c -> b h w (c h1 w1)", h1=2, w1=2),
            x.grad, T.func.vmap(lambda m: T.func.rearrange(m, "h w -> w h"))(T.ones(2, 3, 4)))


REARRANGE = {
    "rearrange": _rearranged,
    "rearrange: wrong rank": lambda T: T.func.rearrange(T.ones(4), "a b -> b a"),
}


@pytest.mark.parametrize("program", REARRANGE.values(), ids=REARRANGE.keys())
def test_rearrange_is_pytorchs(program):
    same(program)


def test_rearrange_refuses_a_split_it_cannot_infer():  # (PyTorch's message is another)
    with pytest.raises(ValueError, match="Could not infer sizes"):
        mg.func.rearrange(mg.ones(4), "(a b) -> a b")


def _default_device(T):
    T.set_default_device("cpu")
    here = T.get_default_device()
    T.set_default_device(None)
    return here, T.get_default_device(), T.ones(1).device


def test_set_default_device_to_the_cpu_is_pytorchs():
    same(_default_device)
