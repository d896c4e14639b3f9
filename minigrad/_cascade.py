"""Sums added in the order PyTorch's CPU kernel adds them (ATen's cascade_sum).

Floating-point addition is not associative, so a sum's last bit depends on the order
of its terms; a loss printed by ``loss.item()`` shows it.  NumPy adds pairwise; ATen
(aten/src/ATen/native/cpu/SumKernel.cpp) adds:

* in 8 lanes (a vector of 8 float32s; of 4 float64s: 4 lanes), the i-th number into
  lane i % 8, and each lane in 4 accumulators used in turn (instruction-level
  parallelism): 32 running sums;
* each running sum in a cascade of 4 levels: blocks of ``s = 2**max(4, log2(n) / 4)``
  terms are summed one after another, ``s`` block sums make a level-2 sum, ``s`` of
  those a level-3 sum, and the rest add up at the last level;
* at the end the 4 accumulators into the first, the < 8 left-over numbers one by
  one, then the 8 lanes one by one.

A sum along an axis that is not the innermost (the columns of a matrix) runs the
cascade down each column, the columns side by side.  Measured to be bit-identical
to torch.sum (float32 and float64) up to 32768 numbers per sum; beyond that PyTorch
splits a sum among threads, and this module leaves it to NumPy.
"""

from __future__ import annotations

import math

import numpy as np

LANES = {np.dtype(np.float32): 8, np.dtype(np.float64): 4}  # (a 256-bit vector's)
ILP, LEVELS = 4, 4
GRAIN = 32768  # beyond this, torch's result depends on its thread count


def _in_order(rows: np.ndarray) -> np.ndarray:
    """The sum over axis 0, each term added to the running total in turn, from +0.

    (np.add.reduce may add in another order; an accumulation cannot.  Starting from
    the first term instead of +0 changes only a sum of -0s: the final + 0 mends it.)"""
    if len(rows) == 0:
        return np.zeros(rows.shape[1:], rows.dtype)
    return np.add.accumulate(rows, axis=0)[-1] + rows.dtype.type(0)


def _level_power(n: int) -> int:
    bits = (n - 1).bit_length() if n > 2 else (1 if n == 2 else 0)
    return max(4, bits // 4)


def _multi_row_sum(rows: np.ndarray) -> np.ndarray:
    """ATen's multi_row_sum: the cascade down axis 0 (every other axis a lane)."""
    n = len(rows)
    s = 1 << _level_power(n)
    if n < s:  # (no block fills: the sum in order)
        return _in_order(rows)
    blocks = n // s
    # Level 1: each block of s rows, in order.
    sums = rows[:blocks * s].reshape((blocks, s) + rows.shape[1:])
    level = _in_order(sums.swapaxes(0, 1))
    tail = _in_order(rows[blocks * s:])
    partial = []  # the running sum left at each level
    for _ in range(LEVELS - 2):  # levels 2 and 3: s sums of the level below each
        full = len(level) // s
        partial.append(_in_order(level[full * s:]))
        grouped = level[:full * s].reshape((full, s) + level.shape[1:])
        level = _in_order(grouped.swapaxes(0, 1)) if full else level[:0]
    partial.append(_in_order(level))  # the last level: whatever is left, in order
    return _in_order(np.stack([tail] + partial))


def _row_sum(items: np.ndarray) -> np.ndarray:
    """ATen's row_sum: 4 accumulators over axis 0, then into the first the leftover
    items and the other three, one by one."""
    n = len(items) // ILP
    if n == 0:
        return _in_order(items)
    part = _multi_row_sum(items[:n * ILP].reshape((n, ILP) + items.shape[1:]))
    return np.add.accumulate(np.concatenate([part[:1], items[n * ILP:], part[1:]]))[-1]


def _short_row(a: np.ndarray, lanes: int):
    """``inner_sum`` of a contiguous row shorter than ``16 * ILP * lanes`` (a loss's
    sum or mean: no cascade level fills), in fewer NumPy calls.  np.add.reduce down
    the columns of a C-ordered block adds each column in order (tests/test_torch_api.py
    checks every such length).  Sums start from their first term, not +0: that changes
    only a sum of zeros, which the final + 0 makes +0."""
    n, width = len(a), ILP * lanes
    k, nv = n // width, n // lanes
    rows = a[:nv * lanes].reshape(nv, lanes)
    if k:  # the 4 accumulators (as rows), each down its k vectors; then in order
        acc = (a[:width] if k == 1 else np.add.reduce(a[:k * width].reshape(k, width), axis=0)
               ).reshape(ILP, lanes)
        if nv > k * ILP:
            rows = np.concatenate([acc[:1], rows[k * ILP:], acc[1:]])
        else:
            rows = acc
    vec = np.add.reduce(rows, axis=0)  # (fewer than 4 vectors: each lane in order)
    if n > nv * lanes:
        vec = np.concatenate([a[nv * lanes:], vec])
    return np.add.accumulate(vec)[-1] + a.dtype.type(0)


def inner_sum(a: np.ndarray, lanes: int) -> np.ndarray:
    """The sum of ``a`` over axis 0 as ATen adds a contiguous row (axes after
    the first are independent sums, side by side): the vectors of ``lanes``, then from
    0 the numbers left over and the lanes, one by one."""
    n = len(a)
    if n < lanes:
        return _row_sum(a)
    if n < 16 * ILP * lanes and a.ndim == 1:
        return _short_row(a, lanes)
    nv = n // lanes
    vec = _row_sum(a[:nv * lanes].reshape((nv, lanes) + a.shape[1:]))
    return _in_order(np.concatenate([a[nv * lanes:], vec]))


def outer_sum(a: np.ndarray, lanes: int) -> np.ndarray:
    """The sums over axis 1 of ``a``, shaped (batch, n, columns): as ATen sums
    the columns side by side, in groups of 32 by the cascade (of 4 if there are fewer
    than 8 columns), the rest each as 4 accumulators."""
    a = a.swapaxes(0, 1)
    cols = a.shape[-1]
    group = ILP * lanes if cols >= lanes else ILP
    k = cols // group * group
    if k == 0:  # (all of them the rest)
        return _row_sum(a)
    if k == cols:
        return _multi_row_sum(a)
    out = np.empty(a.shape[1:], a.dtype)
    out[..., :k] = _multi_row_sum(a[..., :k])
    out[..., k:] = _row_sum(a[..., k:])
    return out


def cascade_sum(x: np.ndarray, axes, keepdims: bool):
    """``np.add.reduce(x, axes, keepdims=keepdims)`` in ATen's order when it is known
    (float32 or float64; in memory order, the summed axes one block, at most GRAIN terms
    per sum); else NumPy's.  ``axes``: None (all) or a tuple of axes."""
    nd = x.ndim
    lanes = LANES.get(x.dtype)
    if axes is None and lanes and lanes <= x.size < 16 * ILP * lanes and x.flags.c_contiguous:
        out = _short_row(x.reshape(-1), lanes)  # (a loss: the common case, first)
        return out.reshape((1,) * nd) if keepdims else out
    if lanes is None or x.size < 2 or nd == 0:
        return np.add.reduce(x, axis=axes, keepdims=keepdims)
    dims = set(range(nd)) if axes is None else {d % nd for d in axes}
    if len(dims) == nd:  # everything: as one row, in memory order
        if x.size > GRAIN:
            return np.add.reduce(x, axis=axes, keepdims=keepdims)
        out = inner_sum(x.ravel(order="K"), lanes)
        return out.reshape((1,) * nd) if keepdims else out[()]
    n = math.prod([x.shape[d] for d in dims])
    shape = tuple(1 if d in dims else s for d, s in enumerate(x.shape))
    if not keepdims:
        shape = tuple(s for d, s in enumerate(x.shape) if d not in dims)
    # As ATen, without the axes of size 1 (which decide nothing); the rest must be
    # in C order (a transposed array's partial sums run in an order not measured).
    order = [d for d in range(nd) if x.shape[d] != 1]
    summed = [i for i, d in enumerate(order) if d in dims]
    if not (1 < n <= GRAIN and x.flags.c_contiguous
            and summed == list(range(summed[0], summed[0] + len(summed)))):
        return np.add.reduce(x, axis=axes, keepdims=keepdims)  # (not known)
    sizes = [x.shape[d] for d in order]
    before, after = math.prod(sizes[:summed[0]]), math.prod(sizes[summed[-1] + 1:])
    if after == 1:  # the innermost axes: each sum as one row
        out = inner_sum(x.reshape(before, n).T, lanes)
    else:  # the columns side by side
        out = outer_sum(x.reshape(before, n, after), lanes)
    return out.reshape(shape)
