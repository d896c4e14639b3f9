"""``torch.save`` and ``torch.load``: tensors (in dicts, lists, state_dicts) to a file.

The file is a header line, then a pickle in which each tensor is a record of its
dtype, shape, bytes and ``requires_grad`` (not NumPy's own pickling), so that
``weights_only=True`` (the default, as in PyTorch 2.6 and later) can load
tensors and plain containers while refusing any other class.  Not PyTorch's
file format: files written by one library do not load in the other.
"""

from __future__ import annotations

import os
import pickle

import numpy as np

from .tensor import Tensor

MAGIC = b"minigrad tensors 1\n"
_PLAIN = {("collections", "OrderedDict"), ("builtins", "set"), ("builtins", "frozenset"),
          ("builtins", "slice"), ("builtins", "complex"),
          ("_codecs", "encode")}  # (protocol 2 pickles bytes by it)


class _Pickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Tensor):
            from .nn.parameter import Parameter

            data = obj._data
            return ("tensor", isinstance(obj, Parameter), data.dtype.str, data.shape,
                    data.tobytes(), obj._requires_grad)  # (tobytes: in C order)
        return None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, weights_only: bool) -> None:
        super().__init__(file)
        self.weights_only = weights_only

    def persistent_load(self, pid):
        _, parameter, dtype, shape, data, requires_grad = pid
        t = Tensor._make(np.frombuffer(data, dtype=dtype).reshape(shape).copy())
        if parameter:
            from .nn.parameter import Parameter

            return Parameter(t, requires_grad)
        return t.requires_grad_() if requires_grad else t

    def find_class(self, module, name):
        if self.weights_only and (module, name) not in _PLAIN:
            raise pickle.UnpicklingError(
                f"Weights only load failed: minigrad's weights_only=True loads tensors and "
                f"plain containers, not {module}.{name}. Re-run torch.load with "
                "weights_only=False if you trust the file (it can run arbitrary code).")
        return super().find_class(module, name)


def save(obj, f, pickle_module=None, pickle_protocol: int = 2) -> None:
    """Write ``obj`` (tensors, and dicts, lists and tuples of them) to the path or
    binary file ``f``."""
    if isinstance(f, (str, os.PathLike)):
        with open(f, "wb") as file:
            return save(obj, file, pickle_module, pickle_protocol)
    f.write(MAGIC)
    _Pickler(f, protocol=pickle_protocol).dump(obj)
    return None


def load(f, map_location=None, pickle_module=None, *, weights_only: bool | None = None,
         mmap=None, **pickle_load_args):
    """Read what ``save`` wrote to the path or binary file ``f``."""
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as file:
            return load(file, weights_only=weights_only)
    if f.read(len(MAGIC)) != MAGIC:
        raise RuntimeError("minigrad's torch.load reads only files that minigrad's "
                           "torch.save wrote")
    return _Unpickler(f, weights_only is not False).load()


__all__ = ["save", "load"]
