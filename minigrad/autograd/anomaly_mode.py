"""Anomaly mode: ``detect_anomaly`` and ``set_detect_anomaly``, for debugging.

While it is on, every graph node remembers the stack of the forward call that made
it; an error in that node's backward is then preceded by a warning showing that
stack ("Error detected in MulBackward0. Traceback of forward call that caused the
error: ...").  With ``check_nan`` (the default) a node whose backward returns nan
raises PyTorch's RuntimeError.  The engine calls ``remember``, ``report`` and
``check_nan`` through ``engine.anomaly[0]``, which is this module while the mode is
on and None otherwise (so it costs nothing when off).
"""

from __future__ import annotations

import sys
import traceback
import warnings
import weakref

import numpy as np

from .. import engine

_state = {"enabled": False, "check_nan": True}
_forward_stacks: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # node -> stack


def set_anomaly_enabled(enabled: bool, check_nan: bool = True) -> None:
    _state["enabled"], _state["check_nan"] = bool(enabled), bool(check_nan)
    engine.anomaly[0] = sys.modules[__name__] if enabled else None


def is_anomaly_enabled() -> bool:
    return _state["enabled"]


def is_anomaly_check_nan_enabled() -> bool:
    return _state["check_nan"]


class detect_anomaly:  # noqa: N801 (PyTorch's name)
    """Context manager: anomaly mode on inside (``check_nan``: nan gradients raise)."""

    def __init__(self, check_nan: bool = True) -> None:
        self.prev, self.prev_check_nan = is_anomaly_enabled(), is_anomaly_check_nan_enabled()
        self.check_nan = check_nan
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime "
                      "and should only be enabled for debugging.", stacklevel=2)

    def __enter__(self) -> None:
        set_anomaly_enabled(True, self.check_nan)

    def __exit__(self, *args) -> None:
        set_anomaly_enabled(self.prev, self.prev_check_nan)


class set_detect_anomaly:  # noqa: N801 (PyTorch's name)
    """Switch anomaly mode on or off: as a call, or a context manager (restored after)."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self.prev, self.prev_check_nan = is_anomaly_enabled(), is_anomaly_check_nan_enabled()
        set_anomaly_enabled(mode, check_nan)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *args) -> None:
        set_anomaly_enabled(self.prev, self.prev_check_nan)


# Called by the engine while the mode is on ------------------------------------------------

def remember(node) -> None:
    """Keep the stack of the forward call making ``node`` (minigrad's frames too)."""
    _forward_stacks[node] = "".join(traceback.format_stack()[:-2])


def report(node) -> None:
    """Before an error in ``node``'s backward propagates: the stack of its forward."""
    stack = _forward_stacks.get(node)
    if stack is not None:
        warnings.warn(f"Error detected in {node._view().name()}. Traceback of forward call "
                      f"that caused the error:\n{stack}", stacklevel=1)


def check_nan(node, grads) -> None:
    """PyTorch's error if ``node``'s backward returned nan (``grads``: per input)."""
    if not _state["check_nan"]:
        return
    for i, g in enumerate(grads):
        if g is not None and np.isnan(getattr(g, "_data", g)).any():
            raise RuntimeError(
                f"Function '{node._view().name()}' returned nan values in its {i}th output.")


__all__ = ["detect_anomaly", "set_detect_anomaly"]
