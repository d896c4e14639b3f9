"""``Parameter``: a Tensor that a Module registers as one of its weights."""

from __future__ import annotations

import numpy as np

from .._tensor_str import tensor_repr
from ..tensor import Tensor


class Parameter(Tensor):
    """A leaf Tensor that requires grad (by default) and belongs to a Module.

    Assigning a Parameter to a Module attribute registers it, so that
    ``module.parameters()`` finds it.  It shares ``data``'s memory, as in PyTorch.
    """

    __slots__ = ()

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True) -> Parameter:
        if data is None:
            data = Tensor._make(np.empty(0, dtype=np.float32))
        if requires_grad and data._data.dtype.kind != "f":
            raise RuntimeError(
                "Only Tensors of floating point and complex dtype can require gradients")
        leaf = Tensor._make(data._data, None, bool(requires_grad))  # every slot set
        p = object.__new__(cls)
        for slot in Tensor.__slots__:
            if slot != "__weakref__":
                setattr(p, slot, getattr(leaf, slot))
        p._vbox = data._version_counter()  # shares data's memory, so its version counter too
        return p

    def __repr__(self) -> str:
        return tensor_repr(self._data, self.dtype.name, requires_grad=self._requires_grad,
                           prefix="Parameter containing:\ntensor(")

    __str__ = __repr__

    def __reduce_ex__(self, protocol):  # copy.deepcopy and pickle keep the class
        return (_rebuild_parameter, (np.array(self._data), self._requires_grad))


def _rebuild_parameter(data: np.ndarray, requires_grad: bool) -> Parameter:
    return Parameter(Tensor._make(data), requires_grad)
