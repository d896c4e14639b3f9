"""make_fx and functionalize against PyTorch 2.13's: the same code, the same values.

Each case is a small function, written once and built for each library (``cases(T)``),
traced by ``make_fx`` as it is, functionalized, and functionalized with its views
removed: the three ``.code`` must be PyTorch's, character for character, and calling
each traced graph (and the functionalized function itself) must give the function's
values, and change its inputs as the function does.  Then: what minigrad refuses
(NotImplementedError rather than a different graph), and func.linearize's warning.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import minigrad as mg
from minigrad.func import functionalize as mg_functionalize
from minigrad.fx.experimental.proxy_tensor import make_fx as mg_make_fx

torch = pytest.importorskip("torch", reason="differential tests need PyTorch 2.13")
from torch.func import functionalize as torch_functionalize  # noqa: E402
from torch.fx.experimental.proxy_tensor import make_fx as torch_make_fx  # noqa: E402

REMOVE = ("none", "mutations", "mutations_and_views")


def cases(T):  # noqa: C901 (one function per case)
    """name -> (function, input shapes), the functions calling library ``T``."""

    def docstring(a):  # torch.func.functionalize's docstring, its first example
        b = a + 1
        c = b.view(-1)
        c.add_(1)
        return b

    def docstring_input(a):  # ... its second: a mutated input gets a copy_
        b = a.view(-1)
        b.add_(1)
        return a

    def mutate_input(a):
        a.add_(1)
        return a

    def two_outputs(a):
        return a + 1, a * 2

    def transposed(a):
        b = a.clone()
        c = b.t()
        c.mul_(2)
        return b, c

    def nested_slices(a):
        b = a.clone()
        c = b[0]
        d = c[1:]
        d.add_(1)
        return b

    def base_changed(a):
        b = a.clone()
        c = b.transpose(0, 1)
        b.add_(1)
        return c

    def squeezes(a):
        b = a.clone()
        c = b.unsqueeze(0)
        c.add_(1)
        d = b.squeeze()
        return b, d

    def permuted_input(a):
        b = a.permute(1, 0)
        b.sub_(1)
        return a

    def reshaped_input(a):
        b = a.reshape(3, 4)
        b.add_(1)
        return a.view(12)

    def unary_inplace(a):
        return a.exp_()

    def setitem_and_fills(a):
        a[0] = a[1]
        a += 1
        a.zero_()
        a.fill_(2.0)
        a.copy_(a * 2)
        return a

    def two_views_of_input(a):
        b = a[1:]
        b.mul_(2)
        c = a[0]
        c.add_(1)
        return a

    def stale_view(a):
        b = a.clone()
        v1 = b.view(-1)
        v2 = b.t()
        v1.add_(1)
        return v2 + 1, v1

    def view_of_view(a):
        b = a.view(-1)
        c = b[2:]
        c.sub_(1)
        return b

    def view_after_mutation(a):
        a.mul_(2)
        return a.view(-1).sum()

    def three_views(a):
        b = a.clone()
        d = b.view(12).view(3, 4)[1]
        d.add_(1)
        return b

    def negative_dims(a):
        b = a.clone()
        b.transpose(-1, 0).mul_(2)
        b.permute(-1, 0).add_(1)
        b.unsqueeze(-1).div_(2)
        return b

    def squeeze_variants(a):
        b = a[None].clone()
        b.squeeze(0).add_(1)
        b.squeeze().mul_(2)
        b.squeeze((0, 1)).sub_(1)
        return b

    def alias_and_diagonal(a):
        b = a.clone()
        b[...].add_(1)
        b.diagonal(1).mul_(2)
        b.diagonal().sub_(1)
        return b

    def reads_input_view(a):
        b = a * 2
        c = b[0]
        c.add_(a[1])
        return b.sum(), c

    def arithmetic(a):
        return (a + 1) * 2 - a / 3, 1 - a, 2 / a, T.add(a, a, alpha=2), a.sub(a, alpha=3)

    def powers(a):
        return a ** 2 + a.pow(3) + 2 ** a.abs() + T.square(a)

    def unary(a):
        return (a.sin().cos().exp().log().tanh().sigmoid().relu().abs().neg().exp().sqrt(),
                (a.abs() + 1).exp().expm1().log1p().log2().rsqrt().reciprocal().tan().sign()
                .floor().ceil().round(),
                T.sin(a) + T.exp(a) * T.tanh(a) + T.relu(a) + T.abs(a) + T.sigmoid(a))

    def reductions(a):
        return (a.sum() + a.sum(0).sum() + a.sum(-1, keepdim=True).sum() + a.mean(),
                T.sum(a, -1) + T.mean(a, dim=1) + T.sum(a, (0, 1)),
                a.amax() + a.amax(0).sum() + a.max() + a.min() + a.prod() + a.amin(1, True).sum())

    def softmaxes(a):
        F = T.nn.functional
        return (a.softmax(-1) + a.log_softmax(1) + T.softmax(a, 0)
                + F.softmax(a, dim=1) + F.log_softmax(a, dim=1) + F.relu(a))

    def shapes(a):
        return (a.view(-1).reshape(3, 4).t().transpose(0, 1).unsqueeze(0).squeeze(0)
                .permute(1, 0).T.mT.flatten(),
                a.t().reshape(-1), a.reshape(2, -1), a.t().flatten(), a.flatten(1),
                a.t().contiguous().view(-1), a.view(2, 6), a.view([12]), a.expand(2, 4, 3),
                a.movedim(0, 1), a.swapaxes(0, 1), T.transpose(a, 0, 1), T.reshape(a, (-1,)),
                T.t(a), T.permute(a, (1, 0)), T.unsqueeze(a, 0), T.flatten(a), a.mT,
                a[0:1].expand(4, 3).clone().contiguous())

    def indexing(a):
        return (a[0], a[:, 1], a[1:], a[..., -1], a[None], a[0, 1], a[::2], a[-1:], a[:],
                a[0:4, 1], a[0:100, 1], a[0:3, 1], a[0:4], a[None, 0], a[..., 1:], a[...],
                a[:, :], a[-3:-1], a[1:-1, 0:2], a[:, None], a[..., None, 0])

    def comparisons(a):
        return (a > 0, a < a, a == 1, a.eq(a), a >= 0.5, a <= a, a != 0, T.gt(a, 0),
                a.greater(0), a.less_equal(a), a.not_equal(1),
                T.where(a > 0, a, a * 2))

    def joins(a):
        return T.cat([a, a]), T.stack([a, a], 1), T.cat((a, a), -1), T.stack([a, a])

    def others(a):
        return (a.clamp(0, 1) + a.clamp(min=0) + a.clamp(max=1) + T.clamp_min(a, 0.5),
                T.maximum(a, a * 2) + T.minimum(a, a), a.diagonal() + 0, a.double().float(),
                a.to(T.float64), a.float())

    def moments_and_norms(a):
        return (a.logsumexp(0), T.logsumexp(a, -1, True), a.var(), a.var(0),
                a.std(1, keepdim=True), a.var(correction=0), a.std(unbiased=False),
                a.var(unbiased=True), a.var((0, 1)), a.var(None, keepdim=True), T.var(a, 1),
                T.std(a), a.norm(), a.norm(dim=1), T.norm(a, 1), a.norm(p=2, dim=0, keepdim=True),
                a.norm(3), a.norm(float("inf")), a.norm("fro", 1))

    def functional(a):
        F = T.nn.functional
        return (F.leaky_relu(a), F.leaky_relu(a, 0.2), F.softplus(a), F.mse_loss(a, a * 2),
                F.mse_loss(a, a, reduction="sum"), F.mse_loss(a, a, reduction="none"),
                a.broadcast_to((2, 4, 3)), T.broadcast_to(a, (2, 4, 3)))

    def where_numbers(a):
        b = a.clone()
        b.add_(1)
        return (T.where(b > 1, b, 0.0), T.where(a > 0, 1.0, a), T.where(a > 0, a, 2),
                T.where(a > 0, a.double(), 2.0))

    def inplace_chain(a):
        b = a.clone().mul_(2).add_(1).sub_(a).div_(2)
        b.exp_().sin_().relu_().neg_().abs_().sqrt_().pow_(2).clamp_(0, 1).cos_()
        b += 1
        b -= a
        b *= 2
        b /= 3
        b[:, 1:] = a[:, :2]
        return b

    def matmuls(a, b, v):
        return a @ b, a @ v, v @ v, T.mm(a, b), T.matmul(a, v), a.mv(v), v.dot(v)

    def two_inputs(a, b):
        b.mul_(a)
        return a + b

    def reshape_copies(a):  # reshape of a transpose: clone, _unsafe_view (a "view")
        b = a.t().reshape(-1)
        b.add_(1)
        return a, b

    def two_views_of_a_base(a, b):
        v1, v2 = a[0], a[:, 1]
        v1.mul_(2)
        b[1:].copy_(a[:2])
        return v2 + b[0], b

    def inplace_promotes(a, b):  # float32 += float64: functionalize casts back
        c = a.clone()
        c.add_(b.double())
        return c

    def same_input_twice(a, b):
        return a + b

    def varargs(*args):
        return args[0] + args[1]

    def numbers(a, n):
        return a * n, 3, None

    def nothing_done(a):
        return a

    square = (4, 3)
    return {
        "docstring": (docstring, [(2,)]), "docstring_input": (docstring_input, [(2,)]),
        "mutate_input": (mutate_input, [square]), "two_outputs": (two_outputs, [square]),
        "transposed": (transposed, [square]), "nested_slices": (nested_slices, [square]),
        "base_changed": (base_changed, [square]), "squeezes": (squeezes, [square]),
        "permuted_input": (permuted_input, [square]),
        "reshaped_input": (reshaped_input, [square]),
        "unary_inplace": (unary_inplace, [square]),
        "setitem_and_fills": (setitem_and_fills, [square]),
        "two_views_of_input": (two_views_of_input, [square]),
        "stale_view": (stale_view, [square]), "view_of_view": (view_of_view, [square]),
        "view_after_mutation": (view_after_mutation, [square]),
        "three_views": (three_views, [square]), "negative_dims": (negative_dims, [(4, 1)]),
        "squeeze_variants": (squeeze_variants, [(4, 1, 3)]),
        "alias_and_diagonal": (alias_and_diagonal, [(4, 3, 3)]),
        "reads_input_view": (reads_input_view, [square]),
        "arithmetic": (arithmetic, [square]), "powers": (powers, [square]),
        "unary": (unary, [square]), "reductions": (reductions, [square]),
        "softmaxes": (softmaxes, [square]), "shapes": (shapes, [square]),
        "indexing": (indexing, [square]), "comparisons": (comparisons, [square]),
        "joins": (joins, [square]), "others": (others, [square]),
        "inplace_chain": (inplace_chain, [square]),
        "moments_and_norms": (moments_and_norms, [square]),
        "functional": (functional, [square]), "where_numbers": (where_numbers, [square]),
        "matmuls": (matmuls, [square, (3, 5), (3,)]),
        "two_inputs": (two_inputs, [square, square]),
        "inplace_promotes": (inplace_promotes, [square, square]),
        "reshape_copies": (reshape_copies, [square]),
        "two_views_of_a_base": (two_views_of_a_base, [(3, 3), (3, 3)]),
        "same_input_twice": (same_input_twice, ["same", "same"]),
        "varargs": (varargs, [square, square]), "numbers": (numbers, [square, 2.5]),
        "nothing_done": (nothing_done, [square]),
    }


NAMES = list(cases(mg))
# Where PyTorch's functionalization does not compute the function: a reshape of a
# transpose copies, but with views removed the transpose is a contiguous t_copy, the
# reshape a view_copy, and the input is changed (minigrad follows PyTorch).
NOT_THE_FUNCTION = {("reshape_copies", "mutations_and_views")}


def _inputs(T, shapes, seed: int = 0):
    """The same inputs in both libraries (float32); "same": one tensor given twice."""
    rng = np.random.default_rng(seed)
    out = []
    for s in shapes:
        if s == "same":
            out.append(out[0] if out else T.tensor(rng.standard_normal(3), dtype=T.float32))
        elif isinstance(s, tuple):
            out.append(T.tensor(rng.standard_normal(s) + 0.1, dtype=T.float32))
        else:
            out.append(s)
    return out


def _transform(functionalize, f, remove):
    return f if remove == "none" else functionalize(f, remove=remove)


def _leaves(value):
    if isinstance(value, (list, tuple)):
        return [x for v in value for x in _leaves(v)]
    return [value]


def _assert_same(got, want) -> None:
    got, want = _leaves(got), _leaves(want)
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        if hasattr(w, "shape"):
            g, w = np.asarray(g.numpy(), np.float64), np.asarray(w.numpy(), np.float64)
            assert g.shape == w.shape
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6, equal_nan=True)
        else:
            assert g == w


def _assert_as_pytorch(got: list, want: list) -> None:
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        if isinstance(w, np.ndarray):
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6, equal_nan=True)
        else:
            assert g == w


def _numpy(value):
    return [np.array(x.detach().numpy()) if hasattr(x, "shape") else x for x in _leaves(value)]


@pytest.mark.parametrize("remove", REMOVE)
@pytest.mark.parametrize("name", NAMES)
def test_code_is_pytorchs(name, remove):
    f_mg, shapes = cases(mg)[name]
    f_torch, _ = cases(torch)[name]
    want = torch_make_fx(_transform(torch_functionalize, f_torch, remove))(
        *_inputs(torch, shapes)).code
    got = mg_make_fx(_transform(mg_functionalize, f_mg, remove))(*_inputs(mg, shapes)).code
    assert got == want


@pytest.mark.parametrize("remove", REMOVE)
@pytest.mark.parametrize("name", NAMES)
def test_traced_graph_computes_the_function(name, remove):
    """Called again on other inputs, the graph computes what the function does (and
    changes the inputs as it does), in minigrad as in PyTorch."""
    f, shapes = cases(mg)[name]
    f_torch, _ = cases(torch)[name]
    gm = mg_make_fx(_transform(mg_functionalize, f, remove))(*_inputs(mg, shapes))
    args, expected_args = _inputs(mg, shapes, seed=1), _inputs(mg, shapes, seed=1)
    got, expected = gm(*args), f(*expected_args)
    if (name, remove) not in NOT_THE_FUNCTION:
        _assert_same(got, expected)
        _assert_same(args, expected_args)
    torch_args = _inputs(torch, shapes, seed=1)
    want = torch_make_fx(_transform(torch_functionalize, f_torch, remove))(
        *_inputs(torch, shapes))(*torch_args)
    _assert_as_pytorch(_numpy(got) + _numpy(args), _numpy(want) + _numpy(torch_args))


@pytest.mark.parametrize("remove", REMOVE[1:])
@pytest.mark.parametrize("name", NAMES)
def test_functionalized_function_runs_eagerly(name, remove):
    """functionalize(f)(x), untraced: f's values, and f's changes to its inputs; as
    PyTorch's."""
    f, shapes = cases(mg)[name]
    args, expected_args = _inputs(mg, shapes), _inputs(mg, shapes)
    got = mg_functionalize(f, remove=remove)(*args)
    if (name, remove) not in NOT_THE_FUNCTION:
        _assert_same(got, f(*expected_args))
        _assert_same(args, expected_args)
    torch_args = _inputs(torch, shapes)
    want = torch_functionalize(cases(torch)[name][0], remove=remove)(*torch_args)
    _assert_as_pytorch(_numpy(got) + _numpy(args), _numpy(want) + _numpy(torch_args))


def test_graph_module_prints_as_pytorchs():
    def f(a):
        return a.sin() + 1

    got = mg_make_fx(f)(mg.ones(2))
    want = torch_make_fx(f)(torch.ones(2))
    assert (str(got), repr(got)) == (str(want), repr(want))
    for fn in ("matmul", "sin"):  # a torch function itself: PyTorch's is a builtin
        args = (2, 2) if fn == "matmul" else (2,)
        assert (mg_make_fx(getattr(mg, fn))(*[mg.ones(2, 2)] * len(args)).code
                == torch_make_fx(getattr(torch, fn))(*[torch.ones(2, 2)] * len(args)).code)


def test_functionalize_bad_remove():
    with pytest.raises(RuntimeError, match="received invalid argument for remove=views"):
        mg_functionalize(lambda a: a, remove="views")


@pytest.mark.parametrize("f", [
    lambda a: a + mg.ones(3),  # a constant made inside (PyTorch records aten.ones)
    lambda a: a[mg.tensor([0, 1])],  # advanced indexing (aten.index.Tensor)
    lambda a: mg.where(a > 0, 1, 0),  # no tensor of floats to choose from
    lambda a: a.norm("nuc"),
    lambda a: a.sum(dtype=mg.float64),
    lambda a: mg.nn.functional.linear(a, a[None]),  # a function that make_fx does not know
    lambda a: a.max(0),
    lambda a: a.unsqueeze(0) @ a.unsqueeze(1).unsqueeze(0),  # batched matmul
    lambda a: a.item(),
])
@pytest.mark.parametrize("remove", REMOVE)
def test_what_is_not_traced_raises(f, remove):
    with pytest.raises(NotImplementedError, match="minigrad's make_fx"):
        mg_make_fx(_transform(mg_functionalize, f, remove))(mg.ones(3))


def test_functions_are_restored_after_a_trace():
    sin = mg.sin
    mg_make_fx(lambda a: mg.sin(a))(mg.ones(2))
    assert mg.sin is sin
    with pytest.raises(NotImplementedError):
        mg_make_fx(lambda a: mg.sin(a) + mg.ones(2))(mg.ones(2))
    assert mg.sin is sin


@pytest.mark.parametrize("n", [1, 2, 3])
def test_linearize_warns_as_pytorch(n):
    """PyTorch's linearize traces the JVP and const-folds it: one FX UserWarning for each
    primal, always (whatever the function), when linearize is called."""
    def f(*xs):
        return sum(x.sin() for x in xs)

    caught = {}
    for T in (torch, mg):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            out, jvp_fn = T.func.linearize(f, *[T.ones(3)] * n)
            jvp_fn(*[T.ones(3)] * n)
        caught[T] = [(str(x.message), x.category) for x in w if x.category is UserWarning]
    assert caught[mg] == caught[torch]
    assert len(caught[mg]) == n
