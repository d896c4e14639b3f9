"""Forward and reverse mode agree: each primitive's JVPs are the transpose of its VJPs.

The dot-product test: for a primitive f with inputs x_i, random tangents v_i
and a random cotangent u,

    <u, J v> = <u, sum_i jvp_i(v_i)> == sum_i <vjp_i(u), v_i> = <J^T u, v>.

The calls are the real ones: each sampler's program runs through PyTorch's
public API, and every call of the primitive is recorded with its arrays and
parameters.  The rules then run on NumPy arrays, with the engine's conventions:
a tangent is broadcast to the output's shape, a cotangent summed back to the
input's shape.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import minigrad as T
from minigrad import rules
from minigrad.rules import RULES
from tests.strategies import SAMPLERS, Call, recorded_calls

EXAMPLES = int(os.environ.get("MINIGRAD_EXAMPLES", "10"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _differentiable(call: Call) -> list[int]:
    return [i for i in call.tensor_inputs if call.args[i].dtype.kind == "f"]


def jacobian_vector_product(call: Call, vs: dict) -> np.ndarray:
    """J v, summing the inputs' JVPs, each broadcast to the output's shape."""
    jv = np.zeros(call.ans.shape)
    for i, v in vs.items():
        t = call.prim.jvp(i, v, call.ans, call.args, call.params)
        assert isinstance(t, np.ndarray | np.generic | float), type(t)
        jv = jv + np.broadcast_to(t, call.ans.shape)
    return jv


def vector_jacobian_products(call: Call, u: np.ndarray) -> dict:
    """J^T u, one VJP per input, each summed back to that input's shape."""
    out = {}
    for i in _differentiable(call):
        g = call.prim.vjp(i, u, call.ans, call.args, call.params)
        shape = call.args[i].shape
        out[i] = np.asarray(g if np.shape(g) == shape else rules.sum_to(g, shape=shape))
    return out


def _dyadic(rng, shape, dtype) -> np.ndarray:
    """Random values exact in any float dtype (a cast then loses nothing)."""
    return (np.round(rng.standard_normal(shape) * 64) / 64).astype(dtype)


def assert_dot_product_test(call: Call, rng) -> None:
    ins = _differentiable(call)
    vs = {i: _dyadic(rng, call.args[i].shape, call.args[i].dtype) for i in ins}
    u = _dyadic(rng, call.ans.shape, call.ans.dtype)
    lhs = float(np.sum(u.astype(np.float64) * jacobian_vector_product(call, vs)))
    gs = vector_jacobian_products(call, u)
    rhs = sum(float(np.sum(gs[i].astype(np.float64) * vs[i])) for i in ins)
    scale = max(1.0, abs(lhs), abs(rhs))
    assert abs(lhs - rhs) <= 1e-10 * scale, (
        f"primitive {call.prim.name} with params {call.params} on input shapes "
        f"{[np.shape(a) for a in call.args]}: <u, J v> = {lhs!r} but <J^T u, v> = {rhs!r}")


@pytest.mark.parametrize("name", sorted(RULES))
@SETTINGS
@given(data=st.data())
def test_jvp_is_the_transpose_of_vjp(name, data):
    assert name in SAMPLERS, f"rule {name!r} has no sampler in tests/strategies.py"
    program = data.draw(SAMPLERS[name], label="program")
    dt = program.dtype or "float64"
    xs = [T.tensor(np.asarray(v, dtype=dt), requires_grad=True) for v in program.inputs]
    calls = [c for c in recorded_calls(program, xs) if c.prim is RULES[name]]
    assert calls, f"{program!r} never calls primitive {name!r}"
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="seed"))
    for call in calls:
        assert_dot_product_test(call, rng)


@pytest.mark.parametrize("name", sorted(RULES))
@settings(SETTINGS, max_examples=max(EXAMPLES // 2, 1))
@given(data=st.data())
def test_jvp_of_each_input_has_the_output_shape_after_broadcasting(name, data):
    """A tangent never has more elements than the output (the engine only broadcasts)."""
    program = data.draw(SAMPLERS[name], label="program")
    dt = program.dtype or "float64"
    xs = [T.tensor(np.asarray(v, dtype=dt), requires_grad=True) for v in program.inputs]
    for call in (c for c in recorded_calls(program, xs) if c.prim is RULES[name]):
        for i in _differentiable(call):
            t = call.prim.jvp(i, np.ones_like(call.args[i]), call.ans, call.args, call.params)
            assert np.broadcast_shapes(np.shape(t), call.ans.shape) == call.ans.shape


def test_dot_product_test_catches_a_wrong_rule():
    """The test can fail: a JVP that is not the transpose of the VJP is caught."""
    wrong = rules.Primitive("twice", lambda x: 2 * x, (lambda g, ans, x: 2 * g,),
                            (lambda t, ans, x: 3 * t,), grad_fn="TwiceBackward0")
    x = np.arange(3.0)
    call = Call(wrong, (x,), (0,), {}, wrong.fwd(x))
    with pytest.raises(AssertionError, match="<u, J v>"):
        assert_dot_product_test(call, np.random.default_rng(0))
