"""Grad mode: whether operations are recorded for differentiation.

``no_grad``, ``enable_grad`` and ``set_grad_enabled`` work as context
managers and as decorators, as in PyTorch.
"""

from __future__ import annotations

import functools
import threading


class _State(threading.local):
    enabled = True
    inference = False


_state = _State()


def is_grad_enabled() -> bool:
    return _state.enabled


class _GradModeContext:
    """Base for the three context managers; ``_mode`` is the mode inside."""

    _mode: bool

    def __enter__(self) -> None:
        self._prev = _state.enabled
        _state.enabled = self._mode

    def __exit__(self, *exc) -> None:
        _state.enabled = self._prev

    def __call__(self, fn):
        mode = self._mode

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            prev, _state.enabled = _state.enabled, mode
            try:
                return fn(*args, **kwargs)
            finally:
                _state.enabled = prev

        return wrapper


class no_grad(_GradModeContext):  # noqa: N801 (PyTorch's name)
    """Operations inside are not recorded: results do not require grad."""

    _mode = False


class enable_grad(_GradModeContext):  # noqa: N801
    """Turn recording back on, e.g. inside a ``no_grad`` block."""

    _mode = True


class inference_mode(_GradModeContext):  # noqa: N801
    """``no_grad`` for code that will never be differentiated (``inference_mode(False)``:
    ``enable_grad``).  The tensors made inside are inference tensors
    (``Tensor.is_inference``), which autograd may not save for backward."""

    def __new__(cls, mode=True):
        if callable(mode):  # @inference_mode, without parentheses
            return cls()(mode)
        return super().__new__(cls)

    def __init__(self, mode: bool = True) -> None:
        self._mode = not mode
        self._inference = bool(mode)

    def __enter__(self) -> None:
        super().__enter__()
        self._prev_inference, _state.inference = _state.inference, self._inference

    def __exit__(self, *exc) -> None:
        super().__exit__()
        _state.inference = self._prev_inference

    def __call__(self, fn):
        mode = self._inference

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with inference_mode(mode):
                return fn(*args, **kwargs)

        return wrapper


def is_inference_mode_enabled() -> bool:
    return _state.inference


class set_grad_enabled(_GradModeContext):  # noqa: N801
    """Set grad mode: takes effect at once, and is undone on leaving a ``with``."""

    def __init__(self, mode: bool) -> None:
        self._mode = bool(mode)
        self._prev = _state.enabled
        _state.enabled = self._mode

    def __enter__(self) -> None:
        pass  # __init__ already switched the mode

    def __call__(self, fn):
        _state.enabled = self._prev  # as a decorator, only the function changes mode
        return super().__call__(fn)

    def __repr__(self) -> str:
        return f"torch.autograd.grad_mode.set_grad_enabled(mode={self._mode})"
