"""Data types and PyTorch's type-promotion rules.

A dtype wraps a NumPy dtype and prints as PyTorch's (``torch.float32``).
Promotion follows PyTorch, not NumPy: operands fall into three priority
groups (tensors with dimensions, 0-d tensors, Python scalars) and three
categories (bool < integer < floating).  The result takes the dtype of the
highest-priority group, unless a lower group holds a higher category, which
then lifts the result to that category (to the 0-d tensor's dtype, or the
default dtype for a Python scalar).  So ``int_tensor * 2.5`` is float32,
``float32_vector * float64_scalar_tensor`` stays float32.
"""

from __future__ import annotations

import builtins

import numpy as np


class dtype:  # noqa: N801 (PyTorch's name)
    __slots__ = ("name", "np", "is_floating_point", "itemsize", "_category", "_legacy")

    def __init__(self, name: str, np_dtype, category: int, legacy: str):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.is_floating_point = category == 2
        self.itemsize = self.np.itemsize
        self._category = category  # 0 bool, 1 integer, 2 floating
        self._legacy = legacy  # name used in error messages (torch.FloatTensor)

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    def __reduce__(self):
        return (_by_name, (self.name,))

    @property
    def is_signed(self) -> bool:
        return self.name not in ("bool", "uint8")


float16 = dtype("float16", np.float16, 2, "HalfTensor")
float32 = dtype("float32", np.float32, 2, "FloatTensor")
float64 = dtype("float64", np.float64, 2, "DoubleTensor")
uint8 = dtype("uint8", np.uint8, 1, "ByteTensor")
int8 = dtype("int8", np.int8, 1, "CharTensor")
int16 = dtype("int16", np.int16, 1, "ShortTensor")
int32 = dtype("int32", np.int32, 1, "IntTensor")
int64 = dtype("int64", np.int64, 1, "LongTensor")
bool_ = dtype("bool", np.bool_, 0, "BoolTensor")

half, float, double = float16, float32, float64  # noqa: A001 (torch aliases)
short, int, long = int16, int32, int64  # noqa: A001

_ALL = (float16, float32, float64, uint8, int8, int16, int32, int64, bool_)
_FROM_NP = {d.np: d for d in _ALL}


def _by_name(name: str) -> dtype:
    return next(d for d in _ALL if d.name == name)


_default = [float32]


def get_default_dtype() -> dtype:
    return _default[0]


def set_default_dtype(d: dtype) -> None:
    if d not in (float32, float64, float16):
        raise TypeError("only floating-point types are supported as the default type")
    _default[0] = d


def from_numpy_dtype(np_dtype) -> dtype:
    try:
        return _FROM_NP[np.dtype(np_dtype)]
    except KeyError:
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np.dtype(np_dtype)}. The only "
            "supported types are: float64, float32, float16, complex64, complex128, "
            "int64, int32, int16, int8, uint8, and bool."
        ) from None


def _promote_two(a: dtype, b: dtype) -> dtype:
    if a is b:
        return a
    if a._category != b._category:  # the higher kind wins: int64 + float32 is float32
        return a if a._category > b._category else b
    return _FROM_NP[np.promote_types(a.np, b.np)]


def _scalar_category(x) -> builtins.int:
    if isinstance(x, (builtins.bool, np.bool_)):
        return 0
    if isinstance(x, (builtins.int, np.integer)):
        return 1
    return 2


def result_type(operands) -> dtype:
    """The dtype PyTorch gives an elementwise op on ``operands``.

    Each operand is ``(dtype, ndim)`` for a tensor or a Python scalar.
    """
    dims = zero = None
    scalar_cat = -1
    for op in operands:
        if isinstance(op, tuple):
            d, ndim = op
            if ndim:
                dims = d if dims is None else _promote_two(dims, d)
            else:
                zero = d if zero is None else _promote_two(zero, d)
        else:
            scalar_cat = max(scalar_cat, _scalar_category(op))
    result = dims
    if zero is not None:
        if result is None:
            result = zero
        elif zero._category > result._category:
            result = zero
    if scalar_cat > (-1 if result is None else result._category):
        result = (bool_, int64, get_default_dtype())[scalar_cat]
    return result
