"""gradcheck and gradgradcheck (torch_behaviour.md section 12), and every rule of
the derivative table checked with them in float64.

The rule sweep iterates ``minigrad.rules.RULES``: a rule added to the table
without a case in ``CASES`` below fails ``test_every_rule_has_a_case``.
"""

# ruff: noqa: E501, W291  (transcripts are copied verbatim from PyTorch, long lines and trailing spaces included)
from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest

import minigrad
from minigrad import rules
from minigrad.autograd import Function, gradcheck, gradgradcheck
from minigrad.autograd.gradcheck import GradcheckError

# Transcripts ------------------------------------------------------------------------------

def test_passing_checks_return_true(repl):
    """12.2 Passing check (float64 inputs)"""
    repl(r"""
>>> from torch.autograd import gradcheck, gradgradcheck
>>> x = torch.randn(3, dtype=torch.float64, requires_grad=True)
>>> gradcheck(lambda x: (x ** 2).sin(), (x,))
True
>>> gradcheck(torch.sigmoid, x)
True
>>> gradgradcheck(lambda x: (x ** 3).sum(), (x,))
True
>>> gradcheck(lambda x: (x ** 2).sin(), (x,), fast_mode=True)
True
""")


def test_float32_inputs_warn_and_fail(repl):
    """12.3 float32 inputs: warning, and usually a failure"""
    repl(r"""
>>> from torch.autograd import gradcheck
>>> torch.manual_seed(0)
<torch._C.Generator object at 0x<addr>>
>>> x = torch.randn(3, requires_grad=True)
>>> gradcheck(lambda x: x.exp(), (x,), raise_exception=False)
False
[stderr] torch/autograd/gradcheck.py:2124: UserWarning: Input #0 requires gradient and is not a double precision floating point or complex. This check will likely fail if all the inputs are not of double precision floating point or complex. 
""".replace("<torch._C.Generator", "<minigrad.Generator"))


# The traceback's last line names the exception class with its module
# (torch.autograd.gradcheck.GradcheckError); the replay prints the class name only.
BAD_EXP = r"""
>>> from torch.autograd import gradcheck
>>> class BadExp(torch.autograd.Function):
...     @staticmethod
...     def forward(ctx, x):
...         y = x.exp()
...         ctx.save_for_backward(y)
...         return y
...     @staticmethod
...     def backward(ctx, g):
...         (y,) = ctx.saved_tensors
...         return g * y * 2
... 
>>> x = torch.tensor([0., 1.], dtype=torch.float64, requires_grad=True)
>>> gradcheck(BadExp.apply, (x,))
Traceback (most recent call last):
  ...
torch.autograd.gradcheck.GradcheckError: Jacobian mismatch for output 0 with respect to input 0,
numerical:tensor([[1.0000, 0.0000],
        [0.0000, 2.7183]], dtype=torch.float64)
analytical:tensor([[2.0000, 0.0000],
        [0.0000, 5.4366]], dtype=torch.float64)
"""

BAD_SQ = r"""
>>> from torch.autograd import gradcheck
>>> class BadSq(torch.autograd.Function):
...     @staticmethod
...     def forward(ctx, x):
...         ctx.save_for_backward(x)
...         return x * x
...     @staticmethod
...     def backward(ctx, g):
...         (x,) = ctx.saved_tensors
...         return g * x
... 
>>> x = torch.tensor([1., 2.], dtype=torch.float64, requires_grad=True)
"""


def _unqualified(transcript: str) -> str:
    return transcript.replace("torch.autograd.gradcheck.GradcheckError", "GradcheckError")


def test_wrong_backward_reports_both_jacobians(repl):
    """12.4 Failure report for a wrong backward"""
    repl(_unqualified(BAD_EXP))


def test_failure_returns_false_without_raise_exception(repl):
    """12.5 Failure with raise_exception=False"""
    repl(BAD_SQ + r""">>> gradcheck(BadSq.apply, (x,), raise_exception=False)
False
""")


def test_fast_mode_failure_reports_projections_then_jacobians(repl):
    """12.6 Failure report in fast_mode (the random directions are PyTorch's)"""
    repl(_unqualified(BAD_SQ + r""">>> gradcheck(BadSq.apply, (x,), fast_mode=True)
Traceback (most recent call last):
  ...
torch.autograd.gradcheck.GradcheckError: Jacobian mismatch for output 0 with respect to input 0,
numerical:3.3147731476242064
analytical:1.6573865738089877

The above quantities relating the numerical and analytical jacobians are computed 
in fast mode. See: https://github.com/pytorch/pytorch/issues/53876 for more background 
about fast mode. Below, we recompute numerical and analytical jacobians in slow mode:

Numerical:
 tensor([[2.0000, 0.0000],
        [0.0000, 4.0000]], dtype=torch.float64)
Analytical:
tensor([[1., 0.],
        [0., 2.]], dtype=torch.float64)

The max per-element difference (slow mode) is: 2.0000000001150227.
"""))


def test_no_input_requiring_grad_raises_value_error(repl):
    """12.7 gradcheck with no input requiring grad"""
    repl(r"""
>>> from torch.autograd import gradcheck
>>> gradcheck(lambda x: x * 2, (torch.tensor([1.], dtype=torch.float64),))
Traceback (most recent call last):
  ...
ValueError: gradcheck expects at least one input tensor to require gradient, but none of them have requires_grad=True.
""")


def test_gradcheck_error_is_a_runtime_error_in_the_gradcheck_module():
    """12.1 ... exception class"""
    assert GradcheckError.__mro__[1:] == (RuntimeError, Exception, BaseException, object)
    assert GradcheckError.__module__ == "minigrad.autograd.gradcheck"
    assert minigrad.autograd.gradcheck is gradcheck  # the function, as in PyTorch


# Behaviour beyond the transcripts ------------------------------------------------------

def _x(*values):
    return minigrad.tensor(list(values), dtype=minigrad.float64, requires_grad=True)


def test_backward_not_multiplied_by_grad_output_is_caught():
    class Constant(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 0 + 2  # right Jacobian, but ignores g

    with pytest.raises(GradcheckError, match="^backward not multiplied by grad_output$"):
        gradcheck(Constant.apply, (_x(1.),))  # one element: the Jacobian is right


def test_function_without_differentiable_outputs_must_be_constant():
    assert gradcheck(lambda x: (x * 2).detach(), (_x(1., 2.),), raise_exception=False) is False
    assert gradcheck(lambda x: x.sign().detach(), (_x(1., 2.),))


def test_non_deterministic_backward_is_caught():
    calls = []

    class Jitter(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            calls.append(1)
            return g * (2 + 1e-9 * len(calls))

    with pytest.raises(GradcheckError, match="^Backward is not reentrant"):
        gradcheck(Jitter.apply, (_x(1.),))
    assert gradcheck(Jitter.apply, (_x(1.),), nondet_tol=1e-6)


def test_several_inputs_and_outputs_name_the_failing_pair():
    class Half(Function):
        @staticmethod
        def forward(ctx, x, y):
            return x * y, x + y

        @staticmethod
        def backward(ctx, g_mul, g_add):
            return None, None

    def wrong_second(x, y):
        a, b = Half.apply(x, y)
        return x * y, b

    with pytest.raises(GradcheckError, match="^Jacobian mismatch for output 1 with respect "
                       "to input 0,"):
        gradcheck(wrong_second, (_x(1., 2.), _x(3., 4.)))


def test_gradgradcheck_catches_a_wrong_second_derivative():
    class FirstOrderOnly(Function):
        """Right gradient of x**3, written with a constant so its own gradient is wrong."""

        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x.detach() ** 2

    x = _x(1., 2.)
    assert gradcheck(FirstOrderOnly.apply, (x,))
    assert gradgradcheck(FirstOrderOnly.apply, (x,), raise_exception=False) is False
    assert gradgradcheck(lambda x: x ** 3, (x,))


def test_multiple_output_function_passes_both_checks():
    class SquareAndSum(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x, x.sum()

        @staticmethod
        def backward(ctx, g_square, g_sum):
            (x,) = ctx.saved_tensors
            return 2 * x * g_square + g_sum

    x = _x(0.5, -1., 2.)
    assert gradcheck(SquareAndSum.apply, (x,))
    assert gradcheck(SquareAndSum.apply, (x,), fast_mode=True)
    assert gradgradcheck(SquareAndSum.apply, (x,))


def test_forward_mode_is_checked_with_check_forward_ad(monkeypatch):
    pytest.importorskip("minigrad.autograd.forward_ad")
    x = _x(0.5, -1., 2.)
    assert gradcheck(lambda x: (x ** 2).sin(), (x,), check_forward_ad=True)
    assert gradcheck(lambda x: (x ** 2).sin(), (x,), check_forward_ad=True, fast_mode=True)
    monkeypatch.setattr(rules.RULES["sin"], "jvps", (lambda t, ans, x: t * 2.0,))
    assert gradcheck(lambda x: x.sin(), (x,))  # reverse mode is still right
    with pytest.raises(GradcheckError, match="^Jacobian computed with forward mode mismatch "
                       "for output 0 with respect to input 0,"):
        gradcheck(lambda x: x.sin(), (x,), check_forward_ad=True, check_backward_ad=False)


# Differential tests against PyTorch -----------------------------------------------------

@pytest.mark.parametrize("name", ["gradcheck", "gradgradcheck"])
def test_signatures_match_pytorch(torch, name):
    def params(f):
        return [(p.name, p.kind, p.default) for p in inspect.signature(f).parameters.values()]

    assert params(getattr(minigrad.autograd, name)) == params(getattr(torch.autograd, name))


def _bad_square(lib):
    """x * x with half its gradient.  Products are correctly rounded in NumPy and in
    PyTorch alike, so even the finite differences agree to the last digit (exp
    would not: one ulp of difference, divided by eps, shows in the message)."""

    class BadSq(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * x

    return BadSq


def _wrong_second_derivative(lib):
    """x ** 3 whose backward is right but not differentiable (it detaches x)."""

    class Cube(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x.detach() * x.detach()

    return Cube


@pytest.mark.parametrize("fast_mode", [False, True])
def test_failure_messages_match_pytorch(torch, fast_mode):
    def message(lib):
        x = lib.tensor([[0.5, -1.], [2., 0.25]], dtype=lib.float64, requires_grad=True)
        w = lib.tensor([1., 3.], dtype=lib.float64, requires_grad=True)
        bad = _bad_square(lib).apply
        with pytest.raises(RuntimeError) as info:
            lib.autograd.gradcheck(lambda x, w: (x * 2, bad(x * w)), (x, w),
                                   fast_mode=fast_mode)
        return str(info.value).splitlines()

    mine, theirs = message(minigrad), message(torch)
    assert len(mine) == len(theirs)
    for line, expected in zip(mine, theirs, strict=True):
        if fast_mode and line.startswith("analytical:") and "tensor" not in line:
            # v^T J u: PyTorch's dot (BLAS) may round its last bit differently.
            assert float(line[11:]) == pytest.approx(float(expected[11:]), rel=1e-15)
        else:
            assert line == expected


def test_gradgradcheck_draws_grad_outputs_like_pytorch(torch):
    """Same random grad_outputs (so the same message), same random stream afterwards."""

    def run(lib):
        lib.manual_seed(3)
        x = lib.tensor([0.5, 2.], dtype=lib.float64, requires_grad=True)
        with pytest.raises(RuntimeError) as info:
            lib.autograd.gradgradcheck(_wrong_second_derivative(lib).apply, (x,))
        return str(info.value), lib.rand(3).tolist()

    assert run(minigrad) == run(torch)


# Every rule of the table, in float64 ----------------------------------------------------

_rng = np.random.default_rng(0)


def _t(values, dtype=minigrad.float64, requires_grad=True):
    return minigrad.tensor(np.asarray(values).tolist(), dtype=dtype,
                           requires_grad=requires_grad)


def normal(*shape):
    return lambda: [_t(_rng.standard_normal(shape))]


def positive(*shape):
    return lambda: [_t(_rng.uniform(0.5, 2.0, shape))]


def away_from_zero(*shape):
    """Values with |x| in [0.3, 1.5]: clear of the kink of relu, abs, sign."""
    return lambda: [_t(_rng.uniform(0.3, 1.5, shape) * _rng.choice([-1, 1], shape))]


def off_grid(*shape):
    """Clear of integers and half-integers (the jumps of floor, ceil, round)."""
    return lambda: [_t(_rng.integers(-3, 3, shape) + _rng.uniform(0.1, 0.4, shape))]


def two(*shapes, low=-1.0, high=1.0):
    return lambda: [_t(_rng.uniform(low, high, s)) for s in shapes]


def _leaf(*shape):
    return _t(_rng.standard_normal(shape))


def _transpose_of(forward, shape):
    """``v -> v^T J`` of ``forward`` at a fixed input: runs the backward rule's own
    primitive (sum_to, scatter) forward, through the public ``autograd.grad``."""
    x = _leaf(*shape)

    def vjp(v):
        return minigrad.autograd.grad(forward(x), x, v, create_graph=True)[0]

    return vjp


def _accumulated_grad(w):
    """``p.grad`` after ``backward(create_graph=True)``: made by copy_backwards."""
    p = _P
    p.grad = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        (p * w).sum().backward(create_graph=True)
    return p.grad


_P = _leaf(2, 3)


def _setitem(x, v):
    y = x * 1
    y[0] = v
    return y


# rule name -> (function of the inputs, input sampler, extra gradcheck arguments)
CASES = {
    "add": (lambda x, y: x + y, two((2, 3), (3,)), {}),
    "sub": (lambda x, y: x - y, two((2, 3), (2, 1)), {}),
    "mul": (lambda x, y: x * y, two((2, 3), (3,)), {}),
    "div": (lambda x, y: x / y, two((2, 3), (3,), low=0.5, high=2.0), {}),
    "pow": (lambda x, y: x ** y, two((2, 3), (2, 3), low=0.5, high=2.0), {}),
    "maximum": (minigrad.maximum, two((2, 3), (2, 3)), {}),
    "minimum": (minigrad.minimum, two((2, 3), (2, 3)), {}),
    "where": (lambda x, y: minigrad.where(x > 0, x, y), two((2, 3), (2, 3)), {}),
    "neg": (lambda x: -x, normal(2, 3), {}),
    "exp": (minigrad.exp, normal(2, 3), {}),
    "expm1": (minigrad.expm1, normal(2, 3), {}),
    "log": (minigrad.log, positive(2, 3), {}),
    "log1p": (minigrad.log1p, positive(2, 3), {}),
    "log2": (minigrad.log2, positive(2, 3), {}),
    "sqrt": (minigrad.sqrt, positive(2, 3), {}),
    "rsqrt": (minigrad.rsqrt, positive(2, 3), {}),
    "reciprocal": (minigrad.reciprocal, positive(2, 3), {}),
    "sin": (minigrad.sin, normal(2, 3), {}),
    "cos": (minigrad.cos, normal(2, 3), {}),
    "tan": (minigrad.tan, two((2, 3)), {}),
    "tanh": (minigrad.tanh, normal(2, 3), {}),
    "sigmoid": (minigrad.sigmoid, normal(2, 3), {}),
    "relu": (minigrad.relu, away_from_zero(2, 3), {}),
    "leaky_relu": (lambda x: minigrad.leaky_relu(x, 0.1), away_from_zero(2, 3), {}),
    "softplus": (minigrad.softplus, normal(2, 3), {}),
    "abs": (minigrad.abs, away_from_zero(2, 3), {}),
    "sign": (minigrad.sign, away_from_zero(2, 3), {}),
    "floor": (minigrad.floor, off_grid(2, 3), {}),
    "ceil": (minigrad.ceil, off_grid(2, 3), {}),
    "round": (minigrad.round, off_grid(2, 3), {}),
    "clamp": (lambda x: x.clamp(-0.5, 0.5), away_from_zero(2, 3), {}),
    "sum": (lambda x: x.sum(dim=1), normal(2, 3), {}),
    "mean": (lambda x: x.mean(dim=0), normal(2, 3), {}),
    "prod": (lambda x: x.prod(dim=1), normal(2, 3), {}),
    "amax": (lambda x: x.amax(dim=1), normal(2, 3), {}),
    "amin": (lambda x: x.amin(dim=0), normal(2, 3), {}),
    "select_along": (lambda x: x.max(dim=1)[0], normal(2, 3), {}),
    "norm": (lambda x: x.norm(), normal(2, 3), {}),
    "logsumexp": (lambda x: minigrad.logsumexp(x, 1), normal(2, 3), {}),
    "softmax": (lambda x: x.softmax(1), normal(2, 3), {}),
    "log_softmax": (lambda x: x.log_softmax(0), normal(2, 3), {}),
    "var": (lambda x: x.var(dim=1), normal(2, 3), {}),
    "std": (lambda x: x.std(), normal(2, 3), {}),
    "mse_loss": (lambda x, y: minigrad.nn.functional.mse_loss(x, y), two((2, 3), (2, 3)), {}),
    "nll_loss": (lambda x: minigrad.nn.functional.nll_loss(
        x, minigrad.tensor([2, 0]), weight=minigrad.tensor([0.5, 1.0, 2.0], dtype=x.dtype)),
        normal(2, 3), {}),
    "mm": (lambda x, y: x @ y, two((2, 3), (3, 2)), {}),
    "matmul": (lambda x, y: x @ y, two((2, 2, 3), (3, 2)), {}),  # (batched: not mm)
    "reshape": (lambda x: x.reshape(3, 2), normal(2, 3), {}),
    "squeeze": (lambda x: x.squeeze(1), normal(2, 1, 3), {}),
    "unsqueeze": (lambda x: x.unsqueeze(1), normal(2, 3), {}),
    "transpose": (lambda x: x.transpose(0, 1), normal(2, 3), {}),
    "permute": (lambda x: x.permute(2, 0, 1), normal(2, 1, 3), {}),
    "broadcast_to": (lambda x: x.expand(2, 2, 3), normal(1, 3), {}),
    "sum_to": (_transpose_of(lambda x: x.expand(2, 3), (1, 3)), normal(2, 3), {}),
    "getitem": (lambda x: x[1:, ::2], normal(3, 3), {}),
    "scatter": (_transpose_of(lambda x: x[[0, 0, 1]], (2, 3)), normal(3, 3), {}),
    "index_put": (_setitem, two((2, 3), (3,)), {}),
    "diagonal": (lambda x: x.diagonal(1, 2, 0), normal(3, 2, 4), {}),
    "diagonal_backward": (_transpose_of(lambda x: x.diagonal(-1), (3, 2)), normal(2), {}),
    "cat": (lambda x, y: minigrad.cat([x, y], 1), two((2, 3), (2, 1)), {}),
    "stack": (lambda x, y: minigrad.stack([x, y]), two((2, 3), (2, 3)), {}),
    # float32 -> float64: finite differences need a float32-sized step.
    "cast": (lambda x: x.double(),
             lambda: [_t(_rng.standard_normal((2, 3)), dtype=minigrad.float32)],
             {"eps": 1e-3}),
    "clone": (minigrad.clone, normal(2, 3), {}),
    "copy_backwards": (_accumulated_grad, normal(2, 3), {}),
}


def test_every_rule_has_a_case():
    assert set(CASES) == set(rules.RULES)


@pytest.mark.filterwarnings("ignore:Input #")
@pytest.mark.parametrize("name", sorted(rules.RULES))
def test_rule_passes_gradcheck_and_gradgradcheck(name):
    func, sample, kwargs = CASES[name]
    inputs = sample()
    assert gradcheck(func, inputs, **kwargs)
    assert gradgradcheck(func, inputs, **kwargs)


def test_a_wrong_rule_fails_gradcheck(monkeypatch):
    monkeypatch.setattr(rules.RULES["sin"], "vjps", (lambda g, ans, x: g * rules.sin(x),))
    assert gradcheck(minigrad.sin, [_x(0.5, 1.)], raise_exception=False) is False
