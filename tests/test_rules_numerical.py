"""Every derivative rule agrees with finite differences, to first and second order.

The tests iterate over ``minigrad.rules.RULES``: a rule added to the table
without a sampler in ``tests/strategies.py`` fails ``test_every_rule_has_a_sampler``.
Each sampler reaches its primitive through PyTorch's public API, on random
float64 inputs of random shapes (broadcasting and size-1 axes included),
drawn away from kinks and poles.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

import minigrad as T
from minigrad.rules import RULES
from tests.strategies import SAMPLERS, Program, recorded_calls

# A handful of examples per rule keeps the file fast; MINIGRAD_EXAMPLES=200 hunts harder.
EXAMPLES = int(os.environ.get("MINIGRAD_EXAMPLES", "8"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
RTOL = 1e-6


# Helpers ------------------------------------------------------------------------------

def _dtype(program: Program) -> np.dtype:
    return np.dtype(program.dtype or "float64")


def _tensors(program: Program, values, requires_grad: bool = True) -> list:
    dt = _dtype(program)
    return [T.tensor(np.asarray(v, dtype=dt), requires_grad=requires_grad) for v in values]


def _output(program: Program, values) -> np.ndarray:
    out = program.run(T, *_tensors(program, values, requires_grad=False))
    return out._data.astype(np.float64)


def _gradients(program: Program, values, u: np.ndarray, create_graph: bool = False):
    """(inputs, d<u, f(x)>/dx): the gradients by reverse mode (zeros where unused)."""
    xs = _tensors(program, values)
    out = program.run(T, *xs)
    gu = T.tensor(u.astype(out._data.dtype))
    grads = T.autograd.grad(out, xs, grad_outputs=gu, create_graph=create_graph,
                            allow_unused=True)
    return xs, [T.zeros_like(x) if g is None else g for x, g in zip(xs, grads)]


def _perturbed(values, i: int, delta: np.ndarray, dt) -> list:
    vs = [np.asarray(v, dtype=dt) for v in values]
    vs[i] = (vs[i] + delta).astype(dt)
    return vs


def finite_difference_gradient(program: Program, values, u: np.ndarray) -> list:
    """d<u, f(x)>/dx by central differences, one input element at a time."""
    h, dt = program.step, _dtype(program)
    grads = []
    for i, v in enumerate(values):
        g = np.zeros(np.shape(v))
        for j in np.ndindex(g.shape):
            e = np.zeros(g.shape)
            e[j] = h
            up = np.sum(_output(program, _perturbed(values, i, e, dt)) * u)
            down = np.sum(_output(program, _perturbed(values, i, -e, dt)) * u)
            g[j] = (up - down) / (2 * h)
        grads.append(g)
    return grads


def assert_close(got, want, what: str, rtol: float = RTOL) -> None:
    """Agreement to ``rtol`` relative to the largest entry (and at least 1)."""
    scale = max([1.0] + [float(np.max(np.abs(w), initial=0.0)) for w in want])
    for k, (g, w) in enumerate(zip(got, want)):
        err = float(np.max(np.abs(np.asarray(g, dtype=np.float64) - w), initial=0.0))
        assert err <= rtol * scale, (
            f"{what}, input {k}: max error {err:.3g} > {rtol * scale:.3g}\n"
            f"expected (finite differences):\n{w}\nreceived (minigrad):\n{np.asarray(g)}")


def _draw(data, name: str):
    program = data.draw(SAMPLERS[name], label="program")
    values = [np.asarray(v, dtype=np.float64) for v in program.inputs]
    note(f"inputs: {values!r}")
    return program, values


# Coverage -----------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(RULES))
def test_every_rule_has_a_sampler(name):
    assert name in SAMPLERS, f"rule {name!r} has no sampler in tests/strategies.py"


def test_every_sampler_names_a_rule():
    assert set(SAMPLERS) <= set(RULES)


@pytest.mark.parametrize("name", sorted(SAMPLERS))
@settings(SETTINGS, max_examples=max(EXAMPLES // 2, 1))
@given(data=st.data())
def test_sampler_reaches_its_rule(name, data):
    program, values = _draw(data, name)
    calls = recorded_calls(program, _tensors(program, values))
    assert any(c.prim is RULES[name] for c in calls), (
        f"{program!r} never calls primitive {name!r}: it calls "
        f"{sorted({c.prim.name for c in calls})}")


# First derivatives --------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(SAMPLERS))
@SETTINGS
@given(data=st.data())
def test_backward_agrees_with_finite_differences(name, data):
    program, values = _draw(data, name)
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="seed"))
    u = rng.standard_normal(_output(program, values).shape)
    _, grads = _gradients(program, values, u)
    assert [g.shape for g in grads] == [v.shape for v in values]
    assert_close([g._data for g in grads], finite_difference_gradient(program, values, u),
                 f"gradient of {program!r}")


def test_backward_through_tensor_methods_accumulates_into_grad():
    """The same gradient arrives through ``.backward()`` as through ``autograd.grad``."""
    x = T.tensor([[0.5, -1.0, 2.0]], dtype=T.float64, requires_grad=True)
    y = T.tensor([[1.5], [0.25]], dtype=T.float64, requires_grad=True)
    (x * y).exp().sum().backward()
    gx, gy = T.autograd.grad((x * y).exp().sum(), (x, y))
    np.testing.assert_array_equal(x.grad._data, gx._data)
    np.testing.assert_array_equal(y.grad._data, gy._data)
    assert x.grad.shape == x.shape and y.grad.shape == y.shape


# Second derivatives -------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(SAMPLERS))
@SETTINGS
@given(data=st.data())
def test_second_derivative_agrees_with_finite_differences_of_gradient(name, data):
    """grad(<grad(<u, f>), w>) . v == d/dh <grad(<u, f>)(x + h v), w> at h = 0."""
    program, values = _draw(data, name)
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="seed"))
    u = rng.standard_normal(_output(program, values).shape)
    ws = [rng.standard_normal(v.shape) for v in values]

    xs, grads = _gradients(program, values, u, create_graph=True)
    terms = [(g * T.tensor(w.astype(g._data.dtype))).sum()
             for g, w in zip(grads, ws) if g.requires_grad]
    if terms:
        s = terms[0]
        for t in terms[1:]:
            s = s + t
        second = T.autograd.grad(s, xs, allow_unused=True)
        second = [np.zeros(v.shape) if g is None else g._data for v, g in zip(values, second)]
    else:  # the gradient is constant: the second derivative is 0
        second = [np.zeros(v.shape) for v in values]

    def inner(vals) -> float:
        _, gs = _gradients(program, vals, u)
        return sum(float(np.sum(g._data.astype(np.float64) * w)) for g, w in zip(gs, ws))

    h, dt = program.step * 10 if program.dtype is None else program.step, _dtype(program)
    for _ in range(2):
        vs = [rng.standard_normal(v.shape) for v in values]
        if program.dtype is not None:  # keep the perturbed inputs exact
            vs = [np.round(v * 4) / 4 for v in vs]
        up = inner([(x + h * v).astype(dt) for x, v in zip(values, vs)])
        down = inner([(x - h * v).astype(dt) for x, v in zip(values, vs)])
        fd = (up - down) / (2 * h)
        analytic = sum(float(np.sum(g * v)) for g, v in zip(second, vs))
        scale = max(1.0, abs(fd), sum(float(np.sum(np.abs(g * v))) for g, v in zip(second, vs)))
        assert abs(analytic - fd) <= RTOL * scale, (
            f"second derivative of {program!r} along a random direction: "
            f"finite differences {fd!r}, minigrad {analytic!r}")
