"""PyTorch API that tutorials use, against PyTorch 2.13 (issue 17).

Each case is a program run in both libraries (``T`` is ``torch`` or ``minigrad``):
what it returns is compared by its text (repr), and an exception by its type and
message.  Random programs start from the same seed.
"""

from __future__ import annotations

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
}


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


@pytest.mark.parametrize("shape, dims", SUMS, ids=[f"{s} dims={d}" for s, d in SUMS])
def test_float32_sums_and_means_are_pytorchs_to_the_bit(shape, dims):
    rng = np.random.default_rng(sum(shape))
    for _ in range(5):
        a = (rng.standard_normal(shape) * 10 ** rng.uniform(-3, 3, shape)).astype(np.float32)
        for op in ("sum", "mean"):
            want = (getattr(torch.from_numpy(a), op)() if dims is None
                    else getattr(torch.from_numpy(a), op)(dims)).numpy()
            x = mg.tensor(a)
            got = (getattr(x, op)() if dims is None else getattr(x, op)(dims)).numpy()
            assert got.shape == want.shape and np.array_equal(got, want), (op, shape, dims)


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
