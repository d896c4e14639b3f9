"""Custom autograd Functions (torch_behaviour.md sections 13 and 8.7).

Transcripts measured on PyTorch 2.13 are replayed with ``torch`` bound to
minigrad (the ``repl`` fixture); the differential tests at the end run the same
Functions on real PyTorch and compare values, gradients, names and errors.
"""

# ruff: noqa: E501, W291  (transcripts are copied verbatim from PyTorch, long lines and trailing spaces included)
from __future__ import annotations

import inspect
import math

import numpy as np
import pytest

import minigrad
from minigrad.autograd import Function
from minigrad.autograd.function import once_differentiable


def test_exp_function_saves_its_result_and_names_its_node(repl):
    """13.1 Basic Exp function: save_for_backward, saved_tensors, apply, grad_fn name"""
    repl(r"""
>>> class Exp(torch.autograd.Function):
...     @staticmethod
...     def forward(ctx, i):
...         result = i.exp()
...         ctx.save_for_backward(result)
...         return result
...     @staticmethod
...     def backward(ctx, grad_output):
...         result, = ctx.saved_tensors
...         return grad_output * result
... 
>>> x = torch.tensor([0., 1.], requires_grad=True)
>>> y = Exp.apply(x)
>>> y
tensor([1.0000, 2.7183], grad_fn=<ExpBackward>)
>>> y.grad_fn
<torch.autograd.function.ExpBackward object at 0x<addr>>
>>> type(y.grad_fn).__name__
'ExpBackward'
>>> y.grad_fn.name()
'ExpBackward'
>>> y.sum().backward()
>>> x.grad
tensor([1.0000, 2.7183])
>>> Exp.apply(torch.tensor([0., 1.]))
tensor([1.0000, 2.7183])
""")


def test_needs_input_grad_non_tensor_args_and_none_gradients(repl):
    """13.2 ctx.needs_input_grad, non-tensor args, returning None grads"""
    repl(r"""
>>> class MulConst(torch.autograd.Function):
...     @staticmethod
...     def forward(ctx, x, w, k):
...         print("needs_input_grad:", ctx.needs_input_grad)
...         ctx.save_for_backward(x, w)
...         ctx.k = k
...         return x * w * k
...     @staticmethod
...     def backward(ctx, g):
...         x, w = ctx.saved_tensors
...         gx = g * w * ctx.k if ctx.needs_input_grad[0] else None
...         gw = g * x * ctx.k if ctx.needs_input_grad[1] else None
...         return gx, gw, None
... 
>>> x = torch.tensor([1., 2.], requires_grad=True)
>>> w = torch.tensor([3., 4.])
>>> y = MulConst.apply(x, w, 10)
needs_input_grad: (True, False, False)
>>> y.sum().backward()
>>> x.grad
tensor([30., 40.])
>>> print(w.grad)
None
""")


def test_setup_context_style_supports_double_backward(repl):
    """13.4 setup_context style (forward without ctx) and once_differentiable"""
    repl(r"""
>>> from torch.autograd.function import once_differentiable
>>> class Cube(torch.autograd.Function):
...     @staticmethod
...     def forward(x):
...         return x ** 3
...     @staticmethod
...     def setup_context(ctx, inputs, output):
...         x, = inputs
...         ctx.save_for_backward(x)
...     @staticmethod
...     def backward(ctx, g):
...         x, = ctx.saved_tensors
...         return g * 3 * x ** 2
... 
>>> x = torch.tensor(2., requires_grad=True)
>>> y = Cube.apply(x)
>>> y
tensor(8., grad_fn=<CubeBackward>)
>>> (g,) = torch.autograd.grad(y, x, create_graph=True)
>>> g
tensor(12., grad_fn=<MulBackward0>)
>>> torch.autograd.grad(g, x)
(tensor(12.),)
""")


def test_wrong_number_of_gradients_raises(repl):
    """13.5 Wrong number of gradients returned from backward"""
    repl(r"""
>>> class Bad(torch.autograd.Function):
...     @staticmethod
...     def forward(ctx, x, y):
...         return x * y
...     @staticmethod
...     def backward(ctx, g):
...         return g
... 
>>> x = torch.tensor([1., 2.], requires_grad=True)
>>> Bad.apply(x, x).sum().backward()
Traceback (most recent call last):
  ...
RuntimeError: function BadBackward returned an incorrect number of gradients (expected 2, got 1)
""")


def test_gradient_of_wrong_shape_raises(repl):
    """13.6 Gradient of the wrong shape returned from backward"""
    repl(r"""
>>> class BadShape(torch.autograd.Function):
...     @staticmethod
...     def forward(ctx, x):
...         return x * 2
...     @staticmethod
...     def backward(ctx, g):
...         return torch.ones(5)
... 
>>> x = torch.tensor([1., 2.], requires_grad=True)
>>> BadShape.apply(x).sum().backward()
Traceback (most recent call last):
  ...
RuntimeError: Function BadShapeBackward returned an invalid gradient at index 0 - got [5] but expected shape compatible with [2]
""")


def test_gradient_for_non_tensor_input_raises(repl):
    """13.7 Gradient returned for a non-tensor input"""
    repl(r"""
>>> class BadNone(torch.autograd.Function):
...     @staticmethod
...     def forward(ctx, x, k):
...         return x * k
...     @staticmethod
...     def backward(ctx, g):
...         return g * 2, torch.ones(1)
... 
>>> x = torch.tensor([1., 2.], requires_grad=True)
>>> BadNone.apply(x, 2).sum().backward()
Traceback (most recent call last):
  ...
RuntimeError: function BadNoneBackward returned a gradient different than None at position 2, but the corresponding forward input was not a Variable
""")


def test_calling_a_function_instance_warns_and_raises():
    """13.8 Calling the Function class instance directly (legacy style)"""

    class Exp(Function):
        @staticmethod
        def forward(ctx, i):
            return i.exp()

        @staticmethod
        def backward(ctx, g):
            return g

    with pytest.warns(DeprecationWarning, match=r"Exp'> should not be instantiated\. Methods "
                      r"on autograd functions are all static, so you should invoke them on "
                      r"the class itself\. Instantiating an autograd function will raise an "
                      r"error in a future version of PyTorch\.$"):
        f = Exp()
    with pytest.raises(RuntimeError, match=r"^Legacy autograd function with non-static "
                       r"forward method is deprecated\. Please use new-style autograd function "
                       r"with static forward method\. \(Example: https://pytorch\.org/docs/"
                       r"stable/autograd\.html#torch\.autograd\.Function\)$"):
        f(minigrad.tensor([1.], requires_grad=True))


def test_function_without_backward_raises_not_implemented(repl):
    """13.9 Function without backward"""
    repl(r"""
>>> class NoBack(torch.autograd.Function):
...     @staticmethod
...     def forward(ctx, x):
...         return x * 2
... 
>>> x = torch.tensor([1.], requires_grad=True)
>>> NoBack.apply(x).sum().backward()
Traceback (most recent call last):
  ...
NotImplementedError: You must implement either the backward or vjp method for your custom autograd.Function to use it with backward mode AD.
""")


def test_saved_tensors_after_backward_freed_them_raise(repl):
    """13.10 Accessing saved_tensors after they were freed"""
    repl(r"""
>>> class Sq(torch.autograd.Function):
...     @staticmethod
...     def forward(ctx, x):
...         ctx.save_for_backward(x)
...         return x * x
...     @staticmethod
...     def backward(ctx, g):
...         (x,) = ctx.saved_tensors
...         return 2 * x * g
... 
>>> x = torch.tensor([1., 2.], requires_grad=True)
>>> y = Sq.apply(x).sum()
>>> y.backward()
>>> y.backward()
Traceback (most recent call last):
  ...
RuntimeError: Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.
""")


def test_function_signature_helpers(repl):
    """13.11 Function signature helpers"""
    repl(r"""
>>> import inspect
>>> print(inspect.signature(torch.autograd.Function.apply))
(*args, **kwargs)
>>> [m for m in dir(torch.autograd.function.FunctionCtx) if not m.startswith("_")]
['mark_dirty', 'mark_non_differentiable', 'mark_shared_storage', 'save_for_backward', 'save_for_forward', 'set_materialize_grads']
""")


def test_legendre_polynomial_function(repl):
    """8.7 Learning PyTorch with Examples: custom Function LegendrePolynomial3"""
    repl(LEGENDRE + r""">>> P3 = LegendrePolynomial3.apply
>>> x = torch.tensor([0.5, -1., 2.], requires_grad=True)
>>> y = P3(x)
>>> y
tensor([-0.4375, -1.0000, 17.0000], grad_fn=<LegendrePolynomial3Backward>)
>>> y.sum().backward()
>>> x.grad
tensor([ 0.3750,  6.0000, 28.5000])
""")


LEGENDRE = r"""
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
"""


# Behaviour beyond the transcripts ------------------------------------------------------

class Two(Function):
    """Two outputs, 2x and 3x; its backward reports what it received."""

    received: list = []

    @staticmethod
    def forward(ctx, x):
        return x * 2, x * 3

    @staticmethod
    def backward(ctx, g2, g3):
        Two.received.append((g2, g3))
        return g2 * 2 + g3 * 3


class MaxWithIndex(Function):
    """Like 13.3's SortF: a value and its (non-differentiable) index."""

    @staticmethod
    def forward(ctx, x):
        value, index = x.max(dim=0)
        ctx.mark_non_differentiable(index)
        ctx.save_for_backward(index)
        ctx.shape = x.shape
        return value, index

    @staticmethod
    def backward(ctx, g_value, g_index):
        (index,) = ctx.saved_tensors
        ctx.g_index = g_index
        out = minigrad.zeros(ctx.shape)
        out[index] = g_value
        return out


def test_outputs_of_a_function_share_one_node_with_their_output_numbers():
    x = minigrad.tensor([1., 2.], requires_grad=True)
    a, b = Two.apply(x)
    assert a.grad_fn is b.grad_fn
    assert [n for _, n in (a + b).grad_fn.next_functions] == [0, 1]


def test_unused_output_gets_zero_gradient_materialized():
    Two.received.clear()
    x = minigrad.tensor([1., 2.], requires_grad=True)
    _, b = Two.apply(x)
    (b * 10).sum().backward()
    (g2, g3), = Two.received
    assert g2.tolist() == [0., 0.] and g3.tolist() == [10., 10.]
    assert x.grad.tolist() == [30., 30.]


def test_gradients_of_both_outputs_reach_backward_once():
    Two.received.clear()
    x = minigrad.tensor([1., 2.], requires_grad=True)
    a, b = Two.apply(x)
    (a * 5 + b + a).sum().backward()
    assert len(Two.received) == 1
    assert Two.received[0][0].tolist() == [6., 6.]
    assert x.grad.tolist() == [15., 15.]


def test_set_materialize_grads_false_passes_none():
    class Lazy(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g2, g3):
            assert g2 is None
            return g3 * 3

    x = minigrad.tensor([1., 2.], requires_grad=True)
    Lazy.apply(x)[1].sum().backward()
    assert x.grad.tolist() == [3., 3.]


def test_mark_non_differentiable_output_does_not_require_grad():
    x = minigrad.tensor([3., 1., 2.], requires_grad=True)
    value, index = MaxWithIndex.apply(x)
    assert value.grad_fn.name() == "MaxWithIndexBackward"
    assert not index.requires_grad and index.grad_fn is None
    (value * 10).backward()
    assert x.grad.tolist() == [10., 0., 0.]
    assert index.grad_fn is None and value.grad_fn is not None


def test_autograd_grad_with_respect_to_one_output_of_a_function():
    x = minigrad.tensor([1., 2.], requires_grad=True)
    a, b = Two.apply(x)
    gb, gx = minigrad.autograd.grad((a * b).sum(), [b, x])
    assert gb.tolist() == [2., 4.]
    assert gx.tolist() == [12., 24.]  # d(6 x^2) = 12 x


def test_inplace_op_on_second_output_rebases_its_history():
    x = minigrad.tensor([1., 2.], requires_grad=True)
    a, b = Two.apply(x)
    b.mul_(2)
    assert b.grad_fn.name() == "MulBackward0"
    (a + b).sum().backward()
    assert x.grad.tolist() == [8., 8.]


def test_forward_runs_without_recording_and_backward_without_grad_mode():
    seen = {}

    class Spy(Function):
        @staticmethod
        def forward(ctx, x):
            seen["forward"] = minigrad.is_grad_enabled()
            y = x * 2
            seen["recorded"] = y.requires_grad
            return y

        @staticmethod
        def backward(ctx, g):
            seen["backward"] = minigrad.is_grad_enabled()
            return g * 2

    Spy.apply(minigrad.tensor([1.], requires_grad=True)).sum().backward()
    assert seen == {"forward": False, "recorded": False, "backward": False}


def test_no_node_without_an_input_requiring_grad_or_under_no_grad():
    x = minigrad.tensor([1.], requires_grad=True)
    assert Two.apply(minigrad.tensor([1.]))[0].grad_fn is None
    with minigrad.no_grad():
        assert Two.apply(x)[0].grad_fn is None


def test_next_functions_skip_non_tensor_arguments():
    class Scale(Function):
        @staticmethod
        def forward(ctx, x, k, w):
            return x * k * w

        @staticmethod
        def backward(ctx, g):
            return g, None, None

    x = minigrad.tensor([1.], requires_grad=True)
    y = Scale.apply(x, 3, minigrad.tensor([2.]))
    assert y.grad_fn.next_functions == ((x._graph_node(), 0), (None, 0))


def test_saved_input_is_the_input_itself():
    class Keep(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            ctx.original = x
            return x * 1

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            assert x is ctx.original
            return g

    Keep.apply(minigrad.tensor([1.], requires_grad=True)).sum().backward()


def test_returning_an_input_gives_a_new_tensor():
    class Identity(Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, g):
            return g

    x = minigrad.tensor([1.], requires_grad=True)
    y = Identity.apply(x)
    assert y is not x and y.grad_fn.name() == "IdentityBackward" and x.is_leaf


def test_broadcast_gradient_is_summed_and_cast_to_the_input():
    class Wide(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return minigrad.ones(3, 2, dtype=minigrad.float64)

    x = minigrad.tensor([1., 2.], requires_grad=True)
    Wide.apply(x).sum().backward()
    assert x.grad.tolist() == [3., 3.] and x.grad.dtype == minigrad.float32


def test_extra_trailing_none_gradients_are_allowed_but_not_tensors():
    class Extra(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g, ctx.extra

    x = minigrad.tensor([1.], requires_grad=True)
    y = Extra.apply(x)
    y.grad_fn.extra = None
    y.sum().backward(retain_graph=True)
    y.grad_fn.extra = x
    with pytest.raises(RuntimeError, match="^function ExtraBackward returned an incorrect "
                       r"number of gradients \(expected 1, got 2\)$"):
        y.sum().backward()


def test_gradient_that_is_not_a_tensor_raises():
    class Number(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return 3.0

    with pytest.raises(RuntimeError, match=r"^expected Variable or None \(got float\)$"):
        Number.apply(minigrad.tensor([1.], requires_grad=True)).sum().backward()


def test_saved_output_modified_in_place_is_detected():
    class Square(Function):
        @staticmethod
        def forward(ctx, x):
            y = x * x
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, g):
            (y,) = ctx.saved_tensors
            return g * y

    y = Square.apply(minigrad.tensor([1., 2.], requires_grad=True))
    y.add_(1)
    with pytest.raises(RuntimeError, match=r"^one of the variables needed for gradient "
                       r"computation has been modified by an inplace operation: "
                       r"\[torch\.FloatTensor \[2\]\], which is output 0 of Square, is at "
                       r"version 1; expected version 0 instead\."):
        y.sum().backward()


def test_exp_function_has_a_second_derivative():
    class Exp(Function):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, g):
            (y,) = ctx.saved_tensors
            return g * y

    x = minigrad.tensor(1.0, requires_grad=True)
    (g,) = minigrad.autograd.grad(Exp.apply(x), x, create_graph=True)
    (gg,) = minigrad.autograd.grad(g, x)
    assert g.item() == pytest.approx(math.e) and gg.item() == pytest.approx(math.e)


class OnceCube(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    @once_differentiable
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 3 * x ** 2


def test_once_differentiable_backward_runs_without_recording():
    x = minigrad.tensor([1., 2.], requires_grad=True)
    (g,) = minigrad.autograd.grad(OnceCube.apply(x).sum(), x, create_graph=True)
    assert g.tolist() == [3., 12.] and not g.requires_grad


def test_differentiating_a_once_differentiable_backward_raises():
    x = minigrad.tensor([1., 2.], requires_grad=True)
    v = minigrad.tensor([1., 1.], requires_grad=True)
    (g,) = minigrad.autograd.grad(OnceCube.apply(x), x, v, create_graph=True)
    assert g.grad_fn.name() == "DelayedError"
    with pytest.raises(RuntimeError, match="^trying to differentiate twice a function that "
                       "was marked with @once_differentiable$"):
        g.sum().backward()


def test_legendre_polynomial_trains_as_in_the_tutorial(torch):
    """The tutorial's training loop (fixed start values), against PyTorch."""
    results = [_train_legendre(lib, _legendre_class(lib)) for lib in (minigrad, torch)]
    (losses, coefs), (torch_losses, torch_coefs) = results
    assert losses[-1] < losses[0] / 5
    np.testing.assert_allclose(losses, torch_losses, rtol=1e-3)
    np.testing.assert_allclose(coefs, torch_coefs, rtol=1e-3, atol=1e-5)


def _legendre_class(lib):
    class LegendrePolynomial3(lib.autograd.Function):
        @staticmethod
        def forward(ctx, input):  # noqa: A002 (the tutorial's name)
            ctx.save_for_backward(input)
            return 0.5 * (5 * input ** 3 - 3 * input)

        @staticmethod
        def backward(ctx, grad_output):
            (input,) = ctx.saved_tensors  # noqa: A001
            return grad_output * 1.5 * (5 * input ** 2 - 1)

    return LegendrePolynomial3


def _train_legendre(torch, LegendrePolynomial3):  # noqa: N803 (the tutorial's names)
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)
    a = torch.full((), 0.0, requires_grad=True)
    b = torch.full((), -1.0, requires_grad=True)
    c = torch.full((), 0.0, requires_grad=True)
    d = torch.full((), 0.3, requires_grad=True)
    learning_rate = 5e-6
    losses = []
    for t in range(2000):
        P3 = LegendrePolynomial3.apply
        y_pred = a + b * P3(c + d * x)
        loss = (y_pred - y).pow(2).sum()
        if t % 100 == 99:
            losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            for p in (a, b, c, d):
                p -= learning_rate * p.grad
                p.grad = None
    return losses, [p.item() for p in (a, b, c, d)]


# Differential tests against PyTorch -----------------------------------------------------

def _functions(lib):
    """The same custom Functions written for ``lib`` (minigrad or torch)."""

    class Exp(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, g):
            (y,) = ctx.saved_tensors
            return g * y

    class ScaledMul(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, w, k):
            ctx.save_for_backward(x, w)
            ctx.k = k
            return x * w * k

        @staticmethod
        def backward(ctx, g):
            x, w = ctx.saved_tensors
            return (g * w * ctx.k if ctx.needs_input_grad[0] else None,
                    g * x * ctx.k if ctx.needs_input_grad[1] else None, None)

    class SplitSquare(lib.autograd.Function):
        @staticmethod
        def forward(x):
            return x * x, x.sum()

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(inputs[0])

        @staticmethod
        def backward(ctx, g_square, g_sum):
            (x,) = ctx.saved_tensors
            return 2 * x * g_square + g_sum

    return Exp, ScaledMul, SplitSquare


def _run_all(lib):
    Exp, ScaledMul, SplitSquare = _functions(lib)
    x = lib.tensor([0.5, -1.0, 2.0], dtype=lib.float64, requires_grad=True)
    w = lib.tensor([3.0, 4.0, 5.0], dtype=lib.float64, requires_grad=True)
    y = Exp.apply(x)
    z = ScaledMul.apply(y, w, 10)
    sq, total = SplitSquare.apply(z)
    loss = (sq * lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64)).sum() + total * 4
    (gx,) = lib.autograd.grad(loss, x, create_graph=True)
    (ggx,) = lib.autograd.grad(gx.sum(), x)
    names = [t.grad_fn.name() for t in (y, z, sq, total, gx)]
    values = [t.detach().numpy().tolist() for t in (y, z, sq, total, gx, ggx)]
    return names, values


def test_custom_functions_match_pytorch(torch):
    names, values = _run_all(minigrad)
    torch_names, torch_values = _run_all(torch)
    assert names == torch_names
    for mine, theirs in zip(values, torch_values, strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-12)


@pytest.mark.parametrize("case", ["wrong count", "wrong shape", "non-tensor grad",
                                  "no backward", "legacy call", "freed"])
def test_custom_function_errors_match_pytorch(torch, case):
    def run(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)

        class F(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, k=2):
                ctx.save_for_backward(x)
                return x * k

            if case != "no backward":
                @staticmethod
                def backward(ctx, g):
                    (x,) = ctx.saved_tensors
                    return {"wrong count": (g, g, g), "wrong shape": lib.ones(3),
                            "non-tensor grad": (g, g)}.get(case, g)

        try:
            if case == "legacy call":
                with pytest.warns(DeprecationWarning):
                    F()(x)
            y = F.apply(x, 3).sum()
            y.backward(retain_graph=case != "freed")
            y.backward()
        except Exception as e:  # noqa: BLE001 (the error is the result)
            return type(e), str(e)
        return None

    assert run(minigrad) == run(torch)


def test_function_ctx_public_methods_match_pytorch(torch):
    def public(cls):
        return sorted(m for m in dir(cls) if not m.startswith("_"))

    assert public(minigrad.autograd.function.FunctionCtx) == public(
        torch.autograd.function.FunctionCtx)
    assert str(inspect.signature(minigrad.autograd.Function.apply)) == str(
        inspect.signature(torch.autograd.Function.apply))
