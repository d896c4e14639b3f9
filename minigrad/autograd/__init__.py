"""``minigrad.autograd``: ``backward`` and ``grad``, PyTorch's two entry points
to reverse mode, with PyTorch's checks and messages."""

from __future__ import annotations

import warnings

import numpy as np

from .. import _dtype, engine
from ..grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from ..tensor import Tensor

CREATE_GRAPH_WARNING = (
    "Using backward() with create_graph=True will create a reference cycle between the "
    "parameter and its gradient which can cause a memory leak. We recommend using "
    "autograd.grad when creating the graph to avoid this. If you have to use this "
    "function, make sure to reset the .grad fields of your parameters to None after use "
    "to break the cycle and avoid the leak. (Triggered internally at "
    "/__w/pytorch/pytorch/torch/csrc/autograd/engine.cpp:1307.)"
)


def _as_tuple(x) -> tuple:
    if x is None:
        return ()
    if isinstance(x, Tensor):
        return (x,)
    return tuple(x)


def _grad_outputs(outputs, grad_outputs, create_graph: bool) -> list:
    """Check and fill in the gradient for each output (1 for a scalar)."""
    if grad_outputs is None or isinstance(grad_outputs, Tensor):
        grad_outputs = [grad_outputs] * len(outputs) if grad_outputs is None else [grad_outputs]
    else:
        grad_outputs = list(grad_outputs)
    for g in grad_outputs:  # checked before the count, as PyTorch: y.backward([1., 1.])
        if g is not None and not isinstance(g, Tensor):
            raise TypeError(f"gradients can be either Tensors or None, but got "
                            f"{type(g).__name__}")
    if len(grad_outputs) != len(outputs):
        raise RuntimeError("grad can be implicitly created only for scalar outputs"
                           if not grad_outputs else
                           f"got {len(grad_outputs)} tensors and {len(outputs)} gradients")
    result = []
    for i, (out, g) in enumerate(zip(outputs, grad_outputs, strict=True)):
        if not out._requires_grad:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn")
        if g is None:
            if out.numel() != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            arr = np.empty(out._data.shape, dtype=out._data.dtype)
            arr.fill(1)  # (np.ones, without its Python layer)
            result.append(Tensor._make(arr) if create_graph else arr)
            continue
        if g.shape != out.shape:
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and output[{i}] "
                f"has a shape of {out.shape}.")
        if create_graph:
            result.append(g if g._data.dtype == out._data.dtype else g.to(out.dtype))
        else:
            result.append(g._data.astype(out._data.dtype, copy=False))
    return result


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False,
             grad_variables=None, inputs=None) -> None:
    """Accumulate into ``.grad`` the gradients of ``tensors`` w.r.t. the graph's leaves
    (or w.r.t. ``inputs`` only, when given)."""
    outputs = _as_tuple(tensors)
    if grad_tensors is None:
        grad_tensors = grad_variables
    grads = _grad_outputs(outputs, grad_tensors, create_graph)
    if create_graph:
        # Attributed to the library, not the caller's line, as PyTorch's (graph.py) is.
        warnings.warn(CREATE_GRAPH_WARNING, UserWarning, stacklevel=1)
    if retain_graph is None:
        retain_graph = create_graph
    targets = None
    if inputs is not None:
        targets = _as_tuple(inputs)
        if not targets:
            raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    engine.run_backward(outputs, grads, retain_graph, create_graph, targets, accumulate=True)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False,
         materialize_grads=False) -> tuple:
    """The gradients of ``outputs`` w.r.t. ``inputs``, returned (``.grad`` is untouched)."""
    outs = _as_tuple(outputs)
    ins = _as_tuple(inputs)
    if is_grads_batched:
        raise NotImplementedError("minigrad.autograd.grad does not batch (is_grads_batched)")
    for t in ins:
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    if allow_unused is None:
        allow_unused = materialize_grads
    grads = _grad_outputs(outs, grad_outputs, create_graph)
    if retain_graph is None:
        retain_graph = create_graph
    result = engine.run_backward(outs, grads, retain_graph, create_graph, ins, accumulate=False)
    for i, g in enumerate(result):
        if g is None:
            if materialize_grads:
                result[i] = Tensor._make(np.zeros_like(ins[i]._data))
            elif not allow_unused:
                raise RuntimeError(
                    f"The differentiated Tensor at index {i} appears to not have been used in "
                    "the graph. Set allow_unused=True if this is the desired behavior.")
    return tuple(result)


class _VariableMeta(type):
    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, Tensor)  # (every tensor is a Variable, as in PyTorch)


class Variable(metaclass=_VariableMeta):
    """The wrapper of PyTorch before 0.4, when only a Variable recorded its history.
    Now a Tensor does: ``Variable(t, requires_grad=True)`` is ``t`` detached (the same
    numbers), requiring grad if asked."""

    def __new__(cls, data=None, requires_grad: bool = False, volatile: bool = False):
        if volatile:
            warnings.warn("volatile was removed and now has no effect. Use `with "
                          "torch.no_grad():` instead.", UserWarning, stacklevel=2)
        if data is None:
            return Tensor._make(np.empty(0, _dtype.get_default_dtype().np))
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        return data.detach().requires_grad_(requires_grad)


class enforce_grad_layout_policy:  # noqa: N801 (PyTorch's name)
    """PyTorch's switch of the rule that a leaf's ``.grad`` takes the leaf's strides.
    minigrad keeps no such rule (a gradient has the strides its VJP gave it), so this
    only keeps the setting: as a call, or a context manager that restores it."""

    enabled = True

    def __init__(self, enable: bool = True) -> None:
        self.prev, enforce_grad_layout_policy.enabled = self.enabled, bool(enable)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc) -> None:
        enforce_grad_layout_policy.enabled = self.prev


__all__ = ["backward", "grad", "no_grad", "enable_grad", "set_grad_enabled",
           "is_grad_enabled", "inference_mode", "is_inference_mode_enabled", "Variable"]

from . import anomaly_mode, forward_ad, function, functional, graph  # noqa: E402, F401 (they use grad, above)
from .anomaly_mode import detect_anomaly, set_detect_anomaly  # noqa: E402, F401
from .function import Function  # noqa: E402, F401
from .gradcheck import GradcheckError, gradcheck, gradgradcheck  # noqa: E402, F401
