"""Making tensors: ``tensor``, ``zeros``, ``arange``, ``randn``, ... with PyTorch's dtypes."""

from __future__ import annotations

import builtins
import math
import sys
import warnings

import numpy as np

from . import _dtype, _random
from ._dtype import dtype as DType  # noqa: N812 (dtype= is the argument)
from .ops import _shape_arg
from .tensor import Tensor

# Data to arrays --------------------------------------------------------------------------


def _walk(data, depth: int = 0):
    """Nested sequences to (flat values, shape, category, numpy dtype or None).

    Checks for ragged lists with PyTorch's message.
    """
    if isinstance(data, Tensor):
        if data.ndim == 0:
            return [data._data.item()], (), data.dtype._category, data._data.dtype
        raise ValueError("only one element tensors can be converted to Python scalars")
    if isinstance(data, np.ndarray):
        return list(data.reshape(-1).tolist()), data.shape, _dtype.from_numpy_dtype(
            data.dtype)._category, data.dtype
    if isinstance(data, (list, tuple)):
        if not data:
            return [], (0,), 2, None
        parts = [_walk(d, depth + 1) for d in data]
        inner = parts[0][1]
        for p in parts[1:]:
            if p[1] != inner:
                got = p[1][0] if p[1] else None
                if got is None or len(p[1]) != len(inner):
                    raise ValueError(f"expected sequence of length {inner[0] if inner else 0} "
                                     f"at dim {depth + 1} (got {got if got is not None else 0})")
                raise ValueError(f"expected sequence of length {inner[0]} at dim {depth + 1} "
                                 f"(got {got})")
        flat = [v for p in parts for v in p[0]]
        cat = builtins.max(p[2] for p in parts)
        dts = [p[3] for p in parts if p[3] is not None and p[2] == cat]
        return flat, (len(data),) + inner, cat, (dts[0] if dts and cat == 2 and all(
            d == dts[0] for d in dts) and any(p[3] is not None for p in parts) else None)
    if isinstance(data, (bool, np.bool_)):
        return [builtins.bool(data)], (), 0, None
    if isinstance(data, (builtins.int, np.integer)):
        return [builtins.int(data)], (), 1, None
    if isinstance(data, (builtins.float, np.floating)):
        return [builtins.float(data)], (), 2, (np.dtype(type(data)) if isinstance(
            data, np.floating) else None)
    raise TypeError(f"Could not infer dtype of {type(data).__name__}")


def _array(data, dtype: DType | None) -> np.ndarray:
    if isinstance(data, np.ndarray) and not isinstance(data, np.generic):
        dt = dtype.np if dtype is not None else _dtype.from_numpy_dtype(data.dtype).np
        return np.array(data, dtype=dt, copy=True)
    flat, shape, cat, np_dt = _walk(data)
    if dtype is None:
        if cat == 2:
            dt = np_dt if np_dt is not None and np_dt != np.float32 else (
                _dtype.get_default_dtype().np)
            if np_dt is not None and np_dt == np.float32:
                dt = np.dtype(np.float32)
        else:
            dt = (np.dtype(np.bool_), np.dtype(np.int64))[cat]
    else:
        dt = dtype.np
    return np.array(flat, dtype=dt).reshape(shape)


def tensor(data, *, dtype: DType | None = None, device=None, requires_grad: bool = False,
           pin_memory: bool = False) -> Tensor:
    """A new tensor holding a copy of ``data`` (nested lists, numbers, arrays)."""
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use "
            "sourceTensor.detach().clone() or sourceTensor.detach().clone()."
            "requires_grad_(True), rather than torch.tensor(sourceTensor).",
            UserWarning, stacklevel=2)
        arr = np.array(data._data, dtype=None if dtype is None else dtype.np, copy=True)
    else:
        arr = _array(data, dtype)
    return _leaf(arr, requires_grad)


def _leaf(arr: np.ndarray, requires_grad: bool) -> Tensor:
    t = Tensor._make(arr)
    if requires_grad:
        if arr.dtype.kind != "f":
            raise RuntimeError("Only Tensors of floating point and complex dtype can require "
                               "gradients")
        t._requires_grad = True
    return t


def as_tensor(data, dtype: DType | None = None, device=None) -> Tensor:
    if isinstance(data, Tensor):
        return data if dtype is None else data.to(dtype)
    return tensor(data, dtype=dtype)


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A tensor sharing memory with ``ndarray``."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _dtype.from_numpy_dtype(ndarray.dtype)
    return Tensor._make(ndarray)


def _legacy_new(cls, args) -> Tensor:
    """``torch.Tensor(...)``: float32 data, a shape, or a copy of another tensor."""
    if not args:
        return _leaf(np.zeros(0, dtype=np.float32), False)
    if len(args) == 1 and isinstance(args[0], Tensor):
        return args[0]
    if builtins.all(isinstance(a, (builtins.int, np.integer)) and not isinstance(a, bool)
                    for a in args):
        return _leaf(np.zeros(args, dtype=np.float32), False)
    return _leaf(_array(args[0], _dtype.float32), False)


# Filled tensors --------------------------------------------------------------------------

def _default(dtype: DType | None, fallback=None) -> np.dtype:
    return (dtype or fallback or _dtype.get_default_dtype()).np


def zeros(*size, dtype=None, device=None, requires_grad=False) -> Tensor:
    return _leaf(np.zeros(_shape_arg(size), _default(dtype)), requires_grad)


def ones(*size, dtype=None, device=None, requires_grad=False) -> Tensor:
    return _leaf(np.ones(_shape_arg(size), _default(dtype)), requires_grad)


def empty(*size, dtype=None, device=None, requires_grad=False) -> Tensor:
    return zeros(*size, dtype=dtype, requires_grad=requires_grad)


def full(size, fill_value, *, dtype=None, device=None, requires_grad=False) -> Tensor:
    if dtype is None:
        dtype = (_dtype.bool_ if isinstance(fill_value, bool) else _dtype.int64
                 if isinstance(fill_value, (builtins.int, np.integer)) else None)
    return _leaf(np.full(_shape_arg((size,)), fill_value, _default(dtype)), requires_grad)


def zeros_like(input, *, dtype=None, device=None, requires_grad=False) -> Tensor:  # noqa: A002
    return _leaf(np.zeros(input.shape, _default(dtype, input.dtype)), requires_grad)


def ones_like(input, *, dtype=None, device=None, requires_grad=False) -> Tensor:  # noqa: A002
    return _leaf(np.ones(input.shape, _default(dtype, input.dtype)), requires_grad)


def empty_like(input, *, dtype=None, device=None, requires_grad=False) -> Tensor:  # noqa: A002
    return zeros_like(input, dtype=dtype, requires_grad=requires_grad)


def full_like(input, fill_value, *, dtype=None, device=None,  # noqa: A002
              requires_grad=False) -> Tensor:
    return _leaf(np.full(input.shape, fill_value, _default(dtype, input.dtype)), requires_grad)


def eye(n: int, m: int | None = None, *, dtype=None, device=None,
        requires_grad=False) -> Tensor:
    return _leaf(np.eye(n, m, dtype=_default(dtype)), requires_grad)


def arange(start, end=None, step=1, *, dtype=None, device=None, requires_grad=False) -> Tensor:
    """``arange(4)`` is int64 and ``arange(4.0)`` float32, as in PyTorch."""
    if end is None:
        start, end = 0, start
    values = [_item(v) for v in (start, end, step)]
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if dtype is None:
        is_float = builtins.any(isinstance(v, builtins.float) for v in values)
        dtype = _dtype.get_default_dtype() if is_float else _dtype.int64
    start, end, step = values
    n = builtins.max(math.ceil((end - start) / step), 0)
    # PyTorch accumulates in double: start + i * step, then casts.
    arr = (start + np.arange(n, dtype=np.float64) * step).astype(dtype.np) if (
        dtype.is_floating_point) else np.arange(start, end, step, dtype=dtype.np)
    return _leaf(arr, requires_grad)


def _item(v):
    return v.item() if isinstance(v, (Tensor, np.generic)) else v


def linspace(start, end, steps: int, *, dtype=None, device=None, requires_grad=False) -> Tensor:
    """``steps`` evenly spaced values, filled from both ends as PyTorch does."""
    start, end = builtins.float(_item(start)), builtins.float(_item(end))
    dt = _default(dtype)
    if steps == 1:
        return _leaf(np.array([start], dtype=dt), requires_grad)
    step = (end - start) / (steps - 1)
    i = np.arange(steps, dtype=np.float64)
    half = steps // 2
    arr = np.where(i < half, start + step * i, end - step * (steps - 1 - i))
    if dt.kind == "f" and dt.itemsize == 4:
        # ATen's float32 kernel: its multiply-adds are fused (one rounding each), which
        # float64 arithmetic reproduces (a product of two float32s is exact in it).
        start32, end32 = np.float32(start), np.float32(end)
        step32 = np.float32((end32 - start32) / np.float32(steps - 1))
        f64 = np.float64
        arr = np.where(i < half, f64(start32) + f64(step32) * i,
                       f64(end32) - f64(step32) * (steps - 1 - i)).astype(np.float32)
    return _leaf(arr.astype(dt), requires_grad)


# Random tensors --------------------------------------------------------------------------

manual_seed = _random.manual_seed
seed = _random.seed
initial_seed = _random.initial_seed
Generator = _random.Generator
default_generator = _random.default_generator


def _size(size, kw):
    """``rand(2, 3)``, ``rand((2, 3))`` and ``rand(size=(2, 3))``."""
    return _shape_arg((kw.pop("size"),)) if "size" in kw else _shape_arg(size)


def _vmap():
    """``func`` while a vmap runs (its batching rules of the random ops), else None."""
    return None if _random.in_vmap[0] is None else sys.modules[__package__ + ".func"]


def _random_leaf(shape: tuple, draw, requires_grad: bool) -> Tensor:
    """``_leaf(draw(shape))``; inside ``vmap(..., randomness="different")`` one draw for
    the whole batch, a different sample for each example (func.py)."""
    if _vmap() is None:
        return _leaf(draw(shape), requires_grad)
    return _vmap()._random_batch(shape, lambda shape: _leaf(draw(shape), requires_grad))


def rand(*size, generator=None, dtype=None, device=None, requires_grad=False, **kw) -> Tensor:
    shape = _size(size, kw)
    return _random_leaf(shape, lambda s: _random.rand(s, _default(dtype), generator),
                        requires_grad)


def randn(*size, generator=None, dtype=None, device=None, requires_grad=False, **kw) -> Tensor:
    shape = _size(size, kw)
    return _random_leaf(shape, lambda s: _random.randn(s, _default(dtype), generator),
                        requires_grad)


def randint(low=0, high=None, size=None, *, generator=None, dtype=None, device=None,
            requires_grad=False) -> Tensor:
    if size is None and not isinstance(high, int):  # randint(high, size)
        low, high, size = 0, low, high
    elif high is None:  # randint(high, size=size)
        low, high = 0, low
    return _random_leaf(_shape_arg((size,)), lambda s: _random.randint(
        low, high, s, _default(dtype, _dtype.int64), generator), requires_grad)


def normal(mean=0.0, std=1.0, size=None, *, generator=None, dtype=None, device=None,
           requires_grad=False) -> Tensor:
    """Samples of N(mean, std); ``mean`` and ``std`` numbers (and a ``size``), or tensors
    (the result has their broadcast shape), computed as ATen does: for a tensor ``mean``
    and a number ``std``, N(0, std) + mean; else N(0, 1) * std + mean."""
    if not isinstance(mean, Tensor) and not isinstance(std, Tensor):
        return _random_leaf(_shape_arg((size,)), lambda s: _random.normal(
            mean, std, s, _default(dtype), generator), requires_grad)
    like = mean if isinstance(mean, Tensor) else std
    dt = like._data.dtype
    if isinstance(std, Tensor) and (std._data < 0).any():
        raise RuntimeError("normal expects all elements of std >= 0.0")

    def draw(m, s):
        shape = np.broadcast_shapes(np.shape(m), np.shape(s))
        if isinstance(std, Tensor):
            out = _random.normal(0.0, 1.0, shape, dt, generator) * s + m
        else:
            out = _random.normal(0.0, s, shape, dt, generator) + m
        return np.asarray(out, dtype=dt)

    if _vmap() is not None:
        out = _vmap()._random_pointwise(draw, mean, std)
        return out.requires_grad_() if requires_grad else out
    out = _leaf(draw(mean._data if isinstance(mean, Tensor) else mean,
                     std._data if isinstance(std, Tensor) else std), requires_grad)
    # A sample is not differentiated through its mean or std: PyTorch records a node
    # (NormalBackward1: mean a tensor, 2: std, 3: both) whose gradients are zeros.
    name = f"NormalBackward{isinstance(mean, Tensor) + 2 * isinstance(std, Tensor)}"
    for t in (std, mean):
        if isinstance(t, Tensor) and t.requires_grad:
            out = _zero_gradient(out, t, name)
    return out


def get_rng_state() -> Tensor:
    """The default generator's state, as the 5056 bytes of ``torch.get_rng_state()``."""
    return Tensor._make(_random.get_rng_state())


def set_rng_state(new_state: Tensor) -> None:
    if not isinstance(new_state, Tensor):
        raise TypeError(f"expected a torch.ByteTensor, but got {type(new_state).__name__}")
    _random.set_rng_state(new_state._data)


def _zero_gradient(out: Tensor, of: Tensor, name: str) -> Tensor:
    """``out`` recorded as a function of ``of`` (named ``name``) whose gradient is zero,
    as PyTorch records a sample drawn from (or written into) a tensor that requires
    grad: a ``where`` that always picks ``out``."""
    from . import rules

    return rules._where.apply((out, of), {"cond": np.True_}, name=name)


def _pointwise(draw, *tensors) -> Tensor:
    """``draw(*arrays)`` of the tensors' data (a batching rule's, inside vmap)."""
    if _vmap() is not None:
        return _vmap()._random_pointwise(draw, *tensors)
    return Tensor._make(draw(*(t._data for t in tensors)))


def bernoulli(input, p=None, *, generator=None) -> Tensor:  # noqa: A002
    """1 with probability ``input`` (each element), else 0; or with probability ``p``."""
    from . import grad_mode

    dt = input._data.dtype
    if p is None:
        out = _pointwise(lambda a: _random.bernoulli(a, generator).astype(dt), input)
    else:
        out = _pointwise(lambda a: _random.bernoulli_scalar(float(p), a.shape, generator)
                         .astype(dt), input)
    if grad_mode.is_grad_enabled() and input.requires_grad:  # (PyTorch's names)
        out = _zero_gradient(out, input, "BernoulliBackward0" if p is None else "NotImplemented")
    return out


def multinomial(input, num_samples: int, replacement: bool = False, *,  # noqa: A002
                generator=None) -> Tensor:
    """Indices drawn from the weights in each row of ``input`` (inside vmap, the rows of
    the batch: one draw)."""
    ndim = input.ndim

    def draw(w):
        if ndim not in (1, 2):
            raise RuntimeError("prob_dist must be 1 or 2 dim")
        rows = w.reshape(-1, w.shape[-1]) if w.ndim > 2 else w
        out = _random.multinomial(rows, num_samples, replacement, generator)
        return out.reshape(w.shape[:-1] + (num_samples,))

    return _pointwise(draw, input)


def _fill_randomly(tensor: Tensor, draw, name: str, p=None, batched_rule=False) -> Tensor:
    """``tensor`` filled with ``draw(shape, contiguous)`` (``draw(shape, contiguous, p)``
    for bernoulli_'s tensor ``p``) in the order of its memory, as ATen's kernels fill it;
    recorded (a zero gradient) as ``name``, or inside vmap as the batching rule says."""
    from . import engine, grad_mode, ops

    def fill(out, *p):
        return _random.fill_in_memory_order(out, draw, *p)

    target = tensor  # (inside vmap, the tensor under its wrappers: the whole batch)
    if _vmap() is not None:
        target, out, each = _vmap()._random_inplace(tensor, fill, p, batched_rule)
        name = name if each else "CopyBackwards"
    else:
        ops._check_inplace(tensor)
        out = fill(_random.empty_like(tensor._data),
                   *(() if p is None else (p._data if isinstance(p, Tensor) else p,)))
    if grad_mode.is_grad_enabled() and target.requires_grad:
        ops._commit(target, _zero_gradient(Tensor._make(out), ops._alias(target), name))
    else:
        target._data[...] = out
        engine.bump_version(target)
    return tensor


def uniform_(self, from_: float = 0.0, to: float = 1.0, *, generator=None) -> Tensor:
    dt = self._data.dtype
    return _fill_randomly(self, lambda s, c: _random.uniform(from_, to, s, dt, generator),
                          "UniformBackward0")


def normal_(self, mean: float = 0.0, std: float = 1.0, *, generator=None) -> Tensor:
    dt = self._data.dtype
    return _fill_randomly(self, lambda s, c: _random.normal(mean, std, s, dt, generator,
                                                             contiguous=c), "NormalBackward0")


def bernoulli_(self, p=0.5, *, generator=None) -> Tensor:
    if isinstance(p, Tensor):
        return _fill_randomly(self, lambda s, c, p: _random.bernoulli(p, generator),
                              "BernoulliBackward1", p)
    return _fill_randomly(self, lambda s, c: _random.bernoulli_scalar(float(p), s, generator),
                          "BernoulliBackward2", batched_rule=True)


def exponential_(self, lambd: float = 1.0, *, generator=None) -> Tensor:
    dt = self._data.dtype
    return _fill_randomly(self, lambda s, c: _random.exponential(lambd, s, dt, generator),
                          "ExponentialBackward0")


Tensor.uniform_, Tensor.normal_, Tensor.bernoulli_ = uniform_, normal_, bernoulli_
Tensor.exponential_ = exponential_
Tensor.bernoulli, Tensor.multinomial = bernoulli, multinomial


def randperm(n: int, *, generator=None, dtype=None, device=None, requires_grad=False) -> Tensor:
    def draw():
        return _random.randperm(n, generator).astype(_default(dtype, _dtype.int64))

    if _vmap() is not None:
        return _vmap()._random_loop(draw)
    return _leaf(draw(), requires_grad)


def _random_like(input, dtype, requires_grad, draw) -> Tensor:  # noqa: A002
    """A tensor laid out like ``input`` (``empty_like``), filled with ``draw(shape,
    contiguous, dtype)`` in the order of its memory."""
    dt = (dtype or input.dtype).np

    def fill(out):
        return _random.fill_in_memory_order(out, lambda s, c: draw(s, c, dt))

    if _vmap() is not None:
        out = _vmap()._random_like(input, fill, dt)
    else:
        out = _leaf(fill(_random.empty_like(input._data).astype(dt, copy=False)), False)
    return out.requires_grad_() if requires_grad else out


def rand_like(input, *, dtype=None, device=None, requires_grad=False) -> Tensor:  # noqa: A002
    return _random_like(input, dtype, requires_grad, lambda s, c, dt: _random.rand(s, dt))


def randn_like(input, *, dtype=None, device=None, requires_grad=False) -> Tensor:  # noqa: A002
    return _random_like(input, dtype, requires_grad,
                        lambda s, c, dt: _random.normal(0.0, 1.0, s, dt, contiguous=c))
