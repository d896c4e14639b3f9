"""``torch.accelerator`` as a CPU-only PyTorch answers it: no accelerator."""

from __future__ import annotations

NONE_AVAILABLE = "Cannot access accelerator device when none is available."


def is_available() -> bool:
    return False


def device_count() -> int:
    return 0


def current_accelerator(check_available: bool = False):
    """The accelerator's device: None."""
    return None


def _none(*args, **kwargs):
    raise RuntimeError(NONE_AVAILABLE)


current_device_index = current_device_idx = set_device_index = set_device_idx = _none
synchronize = current_stream = set_stream = empty_cache = memory_allocated = _none
