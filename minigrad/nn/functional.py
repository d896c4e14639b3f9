"""``minigrad.nn.functional``: activations and losses, as in ``torch.nn.functional``.

Everything here is built from the primitives of the rule table, so it needs
no derivative rule of its own.  PyTorch computes a loss such as
``binary_cross_entropy`` as a single fused op (``BinaryCrossEntropyBackward0``);
we compute it with a few primitives and give the *last* one PyTorch's name
(``name=``), so ``loss.grad_fn`` prints as in PyTorch while the graph below it
shows the pieces.  ``mse_loss`` and ``nll_loss`` (so also ``cross_entropy``,
after ``log_softmax``) are primitives of the table itself, as in PyTorch: they
save what PyTorch's save, and ``nll_loss``'s gradient goes straight into the
picked entries, much quicker on a large batch than a scatter back through
indexing.
"""

from __future__ import annotations

import warnings

import numpy as np

from .. import _random, creation, ops, rules
from ..tensor import Tensor

# Activations ---------------------------------------------------------------------------

def dropout(input: Tensor, p: float = 0.5, training: bool = True,  # noqa: A002
            inplace: bool = False) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)``
    (while training); the mask drawn from PyTorch's stream, as its CPU kernel."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if p == 0 or not training or input.numel() == 0:
        return input
    dt = input._data.dtype
    if p == 1:
        noise = np.zeros((), dtype=dt)
        noise = Tensor._make(noise)
    else:
        def mask(shape):  # (inside vmap, one mask per example or one for all: creation.py)
            noise = _random.bernoulli_scalar(1 - p, shape).astype(dt)
            noise /= dt.type(1 - p)
            return noise

        noise = creation._random_leaf(input.shape, mask, False)
    if inplace:
        return input.mul_(noise)
    return input * noise



def relu(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    return input.relu_() if inplace else ops.relu(input)


def tanh(input: Tensor) -> Tensor:  # noqa: A002
    return ops.tanh(input)


def sigmoid(input: Tensor) -> Tensor:  # noqa: A002
    return ops.sigmoid(input)


def leaky_relu(input: Tensor, negative_slope: float = 0.01,  # noqa: A002
               inplace: bool = False) -> Tensor:
    return ops.leaky_relu(input, negative_slope)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:  # noqa: A002
    """``log(1 + exp(beta x)) / beta`` (``x`` itself where ``beta x > threshold``)."""
    if beta == 1.0:
        return ops.softplus(input)  # the primitive is exact for large x too
    return ops._binary(rules.div, ops.softplus(input * beta), beta, name="SoftplusBackward0")


def _softmax_dim(ndim: int, name: str) -> int:
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call "
                  "to include dim=X as an argument.", UserWarning, stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input: Tensor, dim: int | None = None, dtype=None) -> Tensor:  # noqa: A002
    if dim is None:
        dim = _softmax_dim(input.ndim, "softmax")
    return ops.softmax(input, dim, dtype)


def log_softmax(input: Tensor, dim: int | None = None, dtype=None) -> Tensor:  # noqa: A002
    if dim is None:
        dim = _softmax_dim(input.ndim, "log_softmax")
    return ops.log_softmax(input, dim, dtype)


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:  # noqa: A002
    """``input @ weight.T + bias``, recorded under PyTorch's names.

    PyTorch computes a batch with one ``addmm`` (``AddmmBackward0``); a single
    vector or a higher-dimensional batch is flattened to a matrix first and
    viewed back afterwards (``ViewBackward0``).
    """
    if bias is None:
        return ops.matmul(input, weight.t())
    if input.ndim == 2:
        return ops._binary(rules.add, ops.matmul(input, weight.t()), bias, name="AddmmBackward0")
    lead = input.shape[:-1]
    flat = input.reshape(-1, input.shape[-1])
    return linear(flat, weight, bias).reshape(*lead, weight.shape[0])


# Losses --------------------------------------------------------------------------------

def _reduce(loss: Tensor, reduction: str, name: str) -> Tensor:
    """The mean or sum of ``loss``, recorded as ``name``."""
    if reduction == "mean":
        return rules.mean.apply((loss,), {"dim": None, "keepdim": False}, name=name)
    if reduction == "sum":
        return rules.sum_.apply((loss,), {"dim": None, "keepdim": False}, name=name)
    raise ValueError(f"{reduction} is not a valid value for reduction")


def _check_reduction(reduction: str) -> None:
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")


def mse_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:  # noqa: A002
    """The mean (or sum) of the squared differences."""
    _check_reduction(reduction)
    if input.shape != target.shape:
        warnings.warn(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}). This will likely lead to incorrect results due to "
            "broadcasting. Please ensure they have the same size.", UserWarning, stacklevel=2)
    input, target, x, t = ops._promote(input, target)  # noqa: A001
    return rules.mse_loss.apply((input, target), {"reduction": reduction}, arrays=(x, t))


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None,  # noqa: A002
             ignore_index: int = -100, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood: ``-input[i, target[i]]``, (weighted) averaged.

    ``input`` holds log-probabilities, shape ``(N, C)`` or ``(C,)``.  One primitive
    (``rules.nll_loss``), as PyTorch's ``NllLossBackward0``: its gradient is written
    straight into the picked entries.
    """
    _check_reduction(reduction)
    if rules.VMAP[0] and rules.VMAP[1] in (type(input), type(target)):  # (in vmap: a loop)
        return rules.VMAP[1].per_example(lambda x, t: nll_loss(x, t, weight, ignore_index,
                                                               reduction), input, target)
    if input.ndim > 2:
        raise NotImplementedError("minigrad's nll_loss takes inputs of shape (N, C) or (C,)")
    t = np.asarray(target._data)
    if t.dtype.kind not in "iu":
        raise RuntimeError(f"expected scalar type Long but found {target.dtype._legacy[:-6]}")
    n_classes = input.shape[-1]
    keep = t != ignore_index
    bad = t[keep & ((t < 0) | (t >= n_classes))]
    if bad.size:
        raise IndexError(f"Target {bad.flat[0]} is out of bounds.")
    safe = np.where(keep, t, 0)
    index = (int(safe),) if input.ndim == 1 else (np.arange(input.shape[0]), safe)
    w = None  # each target's weight (0 where ignored); None: all 1
    if weight is not None or not keep.all():
        w = keep.astype(input._data.dtype)
        if weight is not None:
            w = w * weight._data[safe]
    return rules.nll_loss.apply((input,), {"index": index, "weight": w, "reduction": reduction})


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,  # noqa: A002
                  ignore_index: int = -100, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """``nll_loss(log_softmax(input))`` for class indices; for class probabilities
    ``-(target * log_softmax(input)).sum(classes)``, averaged over the batch."""
    _check_reduction(reduction)
    if label_smoothing:
        raise NotImplementedError("minigrad's cross_entropy has no label_smoothing")
    class_dim = 1 if input.ndim >= 2 else 0
    logp = log_softmax(input, class_dim)
    if target._data.dtype.kind in "iu":
        return nll_loss(logp, target, weight, ignore_index, reduction)
    if weight is not None:
        logp = logp * weight
    losses = -ops.sum(target * logp, class_dim)
    if reduction == "none":
        return losses
    if reduction == "sum":
        return ops.sum(losses)
    n = input.shape[0] if input.ndim >= 2 else 1
    return ops._binary(rules.div, ops.sum(losses), n, name="DivBackward1")


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,  # noqa: A002
                         reduction: str = "mean") -> Tensor:
    """``-(y log p + (1 - y) log(1 - p))``; each log clamped at -100 as in PyTorch."""
    _check_reduction(reduction)
    log_p = ops.clamp(ops.log(input), min=-100)
    log_q = ops.clamp(ops.log(1 - input), min=-100)
    losses = -(target * log_p + (1 - target) * log_q)
    if weight is not None:
        losses = losses * weight
    name = "BinaryCrossEntropyBackward0"
    return losses if reduction == "none" else _reduce(losses, reduction, name)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor,  # noqa: A002
                                     weight: Tensor | None = None, reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    """``(1 - y) x + log(1 + exp(-x))``: the BCE of ``sigmoid(x)``, without overflow."""
    _check_reduction(reduction)
    log_q = ops.softplus(-input)  # -log(sigmoid(x))
    if pos_weight is not None:
        log_q = log_q * (1 + (pos_weight - 1) * target)
    losses = (1 - target) * input + log_q
    if weight is not None:
        losses = losses * weight
    name = "BinaryCrossEntropyWithLogitsBackward0"
    return losses if reduction == "none" else _reduce(losses, reduction, name)
