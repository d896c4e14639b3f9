"""Forward-mode AD with dual tensors: ``torch.autograd.forward_ad``.

A *dual tensor* carries, beside its value (the primal), a tangent: the
directional derivative of that value along the direction the user chose.
Every primitive applied to dual tensors pushes the tangents forward with the
JVP column of the rule table (``rules.py``)::

    with dual_level():
        x = make_dual(primal, tangent)     # x carries dx = tangent
        y = f(x)                           # each op: dy = sum_i jvp_i(dx_i)
        value, jvp = unpack_dual(y)        # jvp = J_f(primal) @ tangent

One pass gives one Jacobian-vector product, however many outputs ``f`` has:
the mirror image of reverse mode, where one pass gives one row per output.

How: the tangent of a Tensor lives in its ``_fw`` slot.  While a level is
active, ``engine.record`` calls :func:`_propagate` after every primitive it
wraps, which computes the output's tangent.  Tangents are ordinary Tensors
computed with grad mode as it is, so reverse mode can differentiate them
(reverse-over-forward) and tangents flow through a ``create_graph=True``
backward pass (forward-over-reverse, e.g. Hessian-vector products).  Ops that
are not primitives (comparisons, argmax) give no tangent: they are not
differentiable.  As in PyTorch, only one level can be active at a time.
"""

from __future__ import annotations

import functools
import weakref
from typing import NamedTuple

import numpy as np

from .. import engine, rules
from ..tensor import Tensor

_current_level = -1
# (Weak references to) the tensors given a tangent, so leaving the level clears them all.
_duals: list[weakref.ref] = []
_busy = [False]  # True while a JVP rule runs: its own ops carry no tangent
_tape: list[list | None] = [None]  # set by _record_tape: (prim, args, params, out) per op


class UnpackedDualTensor(NamedTuple):
    """What :func:`unpack_dual` returns: the primal and the tangent (or None)."""

    primal: Tensor
    tangent: Tensor | None


def enter_dual_level() -> int:
    """Start a forward-AD level (only one at a time); returns its index."""
    global _current_level
    if _current_level >= 0:
        raise RuntimeError("Nested forward mode AD is not supported at the moment")
    _current_level = 0
    engine.forward_hook[0] = _propagate
    return _current_level


def exit_dual_level(*, level: int | None = None) -> None:
    """Leave the level: every tangent made in it is deleted."""
    global _current_level
    if level is None:
        level = _current_level
    if level != _current_level:
        raise RuntimeError(
            "Trying to exit a forward AD level that was not the last one that was created. "
            "This is not supported.")
    if level < 0:
        raise RuntimeError("Dual level must be a positive number.")
    for ref in _duals:
        t = ref()
        if t is not None:
            t._fw = None
    _duals.clear()
    engine.forward_hook[0] = None
    _current_level = level - 1


class dual_level:  # noqa: N801 (PyTorch's name)
    """Context manager (or decorator) around a forward-AD computation."""

    def __enter__(self) -> int:
        return enter_dual_level()

    def __exit__(self, *exc) -> None:
        exit_dual_level()

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with dual_level():
                return fn(*args, **kwargs)

        return wrapper


def make_dual(tensor: Tensor, tangent: Tensor, *, level: int | None = None) -> Tensor:
    """A view of ``tensor`` that carries ``tangent`` (stored as is)."""
    if level is None:
        level = _current_level
    if level < 0:
        raise RuntimeError(
            "Trying to create a dual Tensor for forward AD but no level exists, make sure to "
            "enter_dual_level() first.")
    if not tensor.dtype.is_floating_point:
        raise ValueError(
            f"Expected primal to be floating point or complex, but got: {tensor.dtype}")
    if not tangent.dtype.is_floating_point:
        raise ValueError(
            f"Expected tangent to be floating point or complex, but got: {tangent.dtype}")
    if tangent.shape != tensor.shape:
        raise RuntimeError(
            "Trying to set a forward gradient that has a different size than that of the "
            "original Tensor, this is not supported. Tensor is of size "
            f"{list(tensor.shape)} while the given forward gradient is of size "
            f"{list(tangent.shape)}.")
    if tensor._fw is not None:
        raise RuntimeError(
            "Making a dual Tensor based on a Tensor that already has a forward gradient at "
            f"the same level {level} is not supported.")
    dual = _alias(tensor, "ViewBackward0")
    _set_tangent(dual, tangent)
    return dual


def unpack_dual(tensor: Tensor, *, level: int | None = None) -> UnpackedDualTensor:
    """``(primal, tangent)``: a tangent-free view of ``tensor`` and its tangent."""
    if level is None:
        level = _current_level
    if level < 0:
        return UnpackedDualTensor(tensor, None)
    return UnpackedDualTensor(_alias(tensor, "Identity"), tensor._fw)


# Internals ------------------------------------------------------------------------------

def _alias(tensor: Tensor, name: str) -> Tensor:
    """A differentiable view of ``tensor`` (same data and version) with no tangent."""
    from ..ops import _view_of

    if not tensor._requires_grad:  # no graph to join: a plain alias will do
        out = Tensor._make(tensor._data)
        out._vbox = tensor._version_counter()
        return out
    prev, _busy[0] = _busy[0], True
    try:
        out = rules.copy_backwards.apply((tensor,), name=name)
    finally:
        _busy[0] = prev
    return _view_of(out, tensor)


def _set_tangent(t: Tensor, tangent: Tensor | None) -> None:
    t._fw = tangent
    if tangent is not None:
        _duals.append(weakref.ref(t))


def _copy_tangent(src: Tensor | None, dst: Tensor) -> None:
    """Give ``dst`` (the engine's stand-in for a saved output) ``src``'s tangent."""
    if src is not None and src._fw is not None:
        _set_tangent(dst, src._fw)


def _propagate(prim, args, params, out: Tensor) -> None:
    """The forward hook: ``out``'s tangent, the sum of each dual input's JVP."""
    if _busy[0]:
        return
    for a in args:
        if isinstance(a, Tensor) and a._fw is not None:
            break
    else:
        return
    _busy[0] = True
    try:
        total = None
        for i, a in enumerate(args):
            if isinstance(a, Tensor) and a._fw is not None:
                ti = prim.jvp(i, a._fw, out, args, params)
                if engine.op_counter[0] is not None:  # minigrad.counting: one JVP evaluation
                    engine.op_counter[0].count_jvp(prim)
                total = ti if total is None else total + ti
        if not isinstance(total, Tensor):
            total = Tensor._make(np.asarray(total))
        data = out._data
        # an input was broadcast (a vmap's BatchedTensor tangent: an example's shape)
        if (total._data.shape if type(total) is Tensor else total.shape) != data.shape:
            total = rules.broadcast_to(total, shape=data.shape)
    finally:
        _busy[0] = False
    _set_tangent(out, total)
    if _tape[0] is not None:
        _tape[0].append((prim, args, params, out))


def _replay(tape: list, seeds: dict) -> dict:
    """Push tangents through a recorded tape, on NumPy arrays (JAX's ``linearize``).

    ``tape`` comes from :func:`_prepare`; ``seeds`` maps ``id(tensor)`` to its
    tangent array.  Returns the tangent of every op output on the tape, by key.
    The same JVP rules run, on arrays: no graph, no Tensor objects.
    """
    tangents = dict(seeds)
    for prim, ids, inputs, ans, params, out_key in tape:
        total = None
        for i, key in enumerate(ids):
            t = tangents.get(key)
            if t is not None:
                ti = prim.jvp(i, t, ans, inputs, params)
                total = ti if total is None else total + ti
        if total is not None:
            if total.shape != ans.shape:
                total = np.broadcast_to(total, ans.shape)
            tangents[out_key] = total
    return tangents


def _prepare(tape: list, outputs: list) -> tuple[list, list]:
    """The recorded ops, their inputs as arrays and each Tensor as a key: its id
    for a tape input, ``-1 - n`` for the output of op ``n``.  Also the keys of
    ``outputs``."""
    key: dict = {}
    steps = []
    for n, (prim, args, params, out) in enumerate(tape):
        ids = tuple(key.get(id(a), id(a)) if isinstance(a, Tensor) else None for a in args)
        inputs = [a._data if isinstance(a, Tensor) else a for a in args]
        key[id(out)] = -1 - n
        steps.append((prim, ids, inputs, out._data, params, -1 - n))
    return steps, [key.get(id(o), id(o)) for o in outputs]


__all__ = ["UnpackedDualTensor", "dual_level", "enter_dual_level", "exit_dual_level",
           "make_dual", "unpack_dual"]
