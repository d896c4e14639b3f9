"""``torch.cuda`` as a CPU-only PyTorch answers it: there is no device.

Code written for a GPU asks first (``"cuda" if torch.cuda.is_available() else "cpu"``)
and so runs on the CPU; code that insists gets PyTorch's error.
"""

from __future__ import annotations

from .tensor import NO_CUDA


def is_available() -> bool:
    return False


def device_count() -> int:
    return 0


def is_initialized() -> bool:
    return False


def is_bf16_supported(including_emulation: bool = True) -> bool:
    return False


def _no_cuda(*args, **kwargs):
    raise AssertionError(NO_CUDA)


current_device = get_device_name = get_device_properties = synchronize = _no_cuda
get_rng_state = set_rng_state = initial_seed = _no_cuda


def _nothing(*args, **kwargs) -> None:
    """What PyTorch does without CUDA: nothing (seeds are kept for a later device)."""


manual_seed = manual_seed_all = seed = seed_all = empty_cache = _nothing


def memory_allocated(device=None) -> int:
    return 0


max_memory_allocated = memory_reserved = max_memory_reserved = memory_allocated
