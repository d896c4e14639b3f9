"""The public operations: PyTorch's names, arguments, dtypes and errors.

Each function checks and normalises its arguments, applies PyTorch's type
promotion, picks PyTorch's ``grad_fn`` name, and hands the arrays to a
primitive from the rule table (``rules.py``), which computes and records.
The same functions are bound as Tensor methods at the end of this file.
"""

from __future__ import annotations

import builtins
import math
import weakref
from collections import namedtuple

import numpy as np

from . import _dtype, engine, grad_mode, rules
from .tensor import Tensor, _warn_once, check_device

_py_sum, _py_max, _py_min, _py_abs, _py_round = (builtins.sum, builtins.max, builtins.min,
                                                 builtins.abs, builtins.round)


# Argument helpers ------------------------------------------------------------------------

def _dim(d: int, ndim: int) -> int:
    """A dimension index in range, or PyTorch's IndexError."""
    lo, hi = (-1, 0) if ndim == 0 else (-ndim, ndim - 1)
    d = builtins.int(d)
    if not lo <= d <= hi:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{lo}, {hi}], but got {d})")
    return d % ndim if ndim else 0


def _dims(dim, ndim: int):
    """``None`` (all dims) or a sorted tuple of dims in range."""
    if dim is None:
        return None
    if isinstance(dim, (list, tuple)):
        return tuple(sorted({_dim(d, ndim) for d in dim})) if dim else None
    return (_dim(dim, ndim),)


def _shape_arg(shape) -> tuple:
    """``f(2, 3)``, ``f((2, 3))``, ``f([2, 3])`` and ``f(Size)`` all mean (2, 3)."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    return tuple(builtins.int(s) for s in shape)


def _as_array(x):
    return x._data if isinstance(x, Tensor) else np.asarray(x)


def _scalar(x):
    """Python scalars stay; NumPy scalars become Python scalars; arrays become Tensors."""
    if isinstance(x, np.generic):  # first: np.float64 is also a Python float
        return x.item()
    if isinstance(x, (bool, builtins.int, builtins.float)):
        return x
    if isinstance(x, (np.ndarray, list, tuple)):
        from .creation import tensor

        return tensor(x)
    if isinstance(x, complex):
        raise TypeError("minigrad does not support complex numbers")
    return x


def _weak_fits(np_dtype, s) -> bool:
    """Whether NumPy, given array dtype and Python scalar ``s``, keeps the dtype."""
    if isinstance(s, bool):
        return True
    if isinstance(s, builtins.int):
        return np_dtype.kind in "iuf" and np_dtype.kind != "b"
    return np_dtype.kind == "f"


def _promote(a, b):
    """The two operands' arrays, cast to PyTorch's result dtype."""
    if isinstance(a, Tensor):  # fast paths for the common cases, which need no cast:
        xa = a._data
        if isinstance(b, Tensor):  # two tensors of one dtype
            if xa.dtype == b._data.dtype:
                return a, b, xa, b._data
        elif type(b) is builtins.float and xa.dtype.kind == "f":  # x * 0.5, x float
            return a, b, xa, b
    ta, tb = isinstance(a, Tensor), isinstance(b, Tensor)
    if not ta:
        a = _scalar(a)
        ta = isinstance(a, Tensor)
    if not tb:
        b = _scalar(b)
        tb = isinstance(b, Tensor)
    if ta and tb:
        xa, xb = a._data, b._data
        if xa.dtype == xb.dtype:
            return a, b, xa, xb
    elif ta:
        xa, xb = a._data, b
        if _weak_fits(xa.dtype, b):
            return a, b, xa, xb
    elif tb:
        xa, xb = a, b._data
        if _weak_fits(xb.dtype, a):
            return a, b, xa, xb
    else:
        raise TypeError("expected at least one Tensor operand")
    rt = _dtype.result_type([(x.dtype, x.ndim) if isinstance(x, Tensor) else x for x in (a, b)])
    return a, b, _cast(a, rt), _cast(b, rt)


def _cast(x, dt):
    if isinstance(x, Tensor):
        return x._data.astype(dt.np, copy=False)
    return dt.np.type(x).item() if not isinstance(x, bool) or dt is _dtype.bool_ else x


def _broadcast_error(sa, sb) -> RuntimeError:
    n = _py_max(len(sa), len(sb))
    pa = (1,) * (n - len(sa)) + tuple(sa)
    pb = (1,) * (n - len(sb)) + tuple(sb)
    for i in range(n - 1, -1, -1):
        if pa[i] != pb[i] and pa[i] != 1 and pb[i] != 1:
            return RuntimeError(
                f"The size of tensor a ({pa[i]}) must match the size of tensor b ({pb[i]}) "
                f"at non-singleton dimension {i}")
    return RuntimeError(f"shapes {list(sa)} and {list(sb)} cannot be broadcast")


def _shape(x):
    """(Of vmap's BatchedTensor, the whole batch's: PyTorch's messages name its dims.)"""
    if isinstance(x, Tensor):
        return x.shape if type(x) is not rules.VMAP[1] else x._data.shape
    return np.shape(x)


# NumPy multiplies an array by a Python float about twice as slowly as by a 0-d array
# of the array's dtype, to the same result (it casts the float to that dtype either
# way).  So the arithmetic primitives get float constants as such arrays, made once.
_CONSTANTS: dict = {}
_ndarray, _asarray = np.ndarray, np.asarray  # (globals: read faster than np.ndarray)


def _constant(v: float, dtype: np.dtype):
    """``v`` as a read-only 0-d array of ``dtype`` (0.0 and nan stay floats: as keys,
    0.0 would stand for -0.0 too, and nan never matches itself)."""
    key = (v, dtype)
    c = _CONSTANTS.get(key)
    if c is None:
        if not v or v != v:
            return v
        if len(_CONSTANTS) >= 1024:  # a program making ever new constants
            _CONSTANTS.clear()
        c = _CONSTANTS[key] = np.array(v, dtype=dtype)
        c.flags.writeable = False
    return c


def _binary_op(prim, name=None, float_result=False):
    """The function ``op(input, other)`` that runs primitive ``prim`` on two operands
    (Tensors or Python numbers), recording ``name`` as the grad_fn if given.

    The operators (``x * 0.9``, ``a + b``) call these functions directly, so the
    common cases come first, written out: two tensors of one dtype, or a float
    tensor and a Python number; the others go through PyTorch's promotion."""
    fwd = prim.fwd
    constants = prim in _ARITHMETIC

    def op(input, other):  # noqa: A002 (PyTorch's argument names)
        if type(input) is Tensor:
            xa = input._data
            if type(other) is Tensor:
                xb = other._data
                fast = xa.dtype == xb.dtype and (not float_result or xa.dtype.kind == "f")
            elif type(other) is builtins.float or type(other) is builtins.int:
                # (a Python int is a float for a float tensor, as in PyTorch)
                xb = _CONSTANTS.get((other, xa.dtype)) if constants else None
                fast = xb is not None  # (only float dtypes' constants are cached)
                if not fast:
                    fast = xa.dtype.kind == "f"
                    xb = _constant(other, xa.dtype) if fast and constants else other
            else:
                fast = False
            if fast:
                try:
                    ans = fwd(xa, xb)
                except ValueError:
                    raise _broadcast_error(xa.shape, _shape(other)) from None
                if type(ans) is not _ndarray:
                    ans = _asarray(ans)
                return engine.record(prim, (input, other), _NO_PARAMS, ans, name, (xa, xb))
        return _promoted_binary(prim, input, other, name, float_result)

    op.__name__ = prim.name
    op.__doc__ = prim.doc
    return op


def _promoted_binary(prim, a, b, name, float_result):
    a, b, xa, xb = _promote(a, b)
    if float_result and np.result_type(xa, xb).kind in "biu":
        f = _dtype.get_default_dtype().np
        xa = xa.astype(f) if isinstance(xa, np.ndarray) else builtins.float(xa)
        xb = xb.astype(f) if isinstance(xb, np.ndarray) else builtins.float(xb)
    try:
        return prim.apply((a, b), arrays=(xa, xb), name=name)
    except ValueError:
        raise _broadcast_error(_shape(a), _shape(b)) from None


class _BinaryOps(dict):
    """(prim, name, float_result) -> its ``_binary_op``, made on first use."""

    def __missing__(self, key):
        op = self[key] = _binary_op(*key)
        return op


_binary_ops = _BinaryOps()


def _binary(prim, a, b, name=None, float_result=False):
    """``prim(a, b)`` recorded as ``name`` (for ops that PyTorch names differently)."""
    return _binary_ops[prim, name, float_result](a, b)


_NO_PARAMS: dict = {}
_ARITHMETIC = frozenset([rules.add, rules.sub, rules.mul, rules.div])


def _float_input(x: Tensor) -> Tensor:
    """Integer and bool inputs of float functions are promoted (``tensor([1]).exp()``)."""
    if x._data.dtype.kind in "biu":
        return Tensor._make(x._data.astype(_dtype.get_default_dtype().np))
    return x


def _unary(prim, name=None):
    fwd = prim.fwd

    def op(input: Tensor) -> Tensor:  # noqa: A002 (PyTorch's argument name)
        if type(input) is not Tensor:  # (a Parameter, or vmap's BatchedTensor: its rule)
            return prim.apply((_float_input(input),), name=name)
        x = input._data
        if x.dtype.kind in "biu":
            input = _float_input(input)  # noqa: A001
            x = input._data
        ans = fwd(x)
        if type(ans) is not _ndarray:
            ans = _asarray(ans)
        return engine.record(prim, (input,), _NO_PARAMS, ans, name, (x,))

    op.__name__ = prim.name
    op.__doc__ = prim.doc
    return op


# Arithmetic ------------------------------------------------------------------------------

# ``a + b``, ``a - b``, ``a * b`` and ``a / b`` (the functions add the options)
_add, _sub = _binary_ops[rules.add, None, False], _binary_ops[rules.sub, None, False]
mul = _binary_ops[rules.mul, None, False]
_div = _binary_ops[rules.div, None, True]


def add(input, other, *, alpha=1):  # noqa: A002
    if alpha != 1:
        other = mul(other, alpha)
    return _add(input, other)


def sub(input, other, *, alpha=1):  # noqa: A002
    if alpha != 1:
        other = mul(other, alpha)
    return _sub(input, other)


subtract = sub


def rsub(input, other):  # noqa: A002
    """``other - input`` (what ``1 - x`` calls)."""
    return _binary(rules.sub, other, input, name="RsubBackward1")


multiply = mul


def div(input, other, *, rounding_mode=None):  # noqa: A002
    if rounding_mode is not None:
        a, b, xa, xb = _promote(input, other)
        fn = np.floor_divide if rounding_mode == "floor" else (lambda p, q: np.trunc(p / q))
        return Tensor._make(np.asarray(fn(xa, xb)).astype(np.result_type(xa, xb)))
    return _div(input, other)


divide = true_divide = div


def rdiv(input, other):  # noqa: A002
    """``other / input``: as in PyTorch, a multiplication by 1/input (so it saves the
    reciprocal, not ``input``, and ``input`` may change in place before backward)."""
    return mul(reciprocal(input), other)


def pow(input, exponent):  # noqa: A001, A002
    if isinstance(input, Tensor):
        if isinstance(exponent, Tensor):
            return _binary(rules.pow_, input, exponent, name="PowBackward1")
        e = _scalar(exponent)
        if (isinstance(e, builtins.int) and not isinstance(e, bool) and e < 0
                and input._data.dtype.kind in "iu"):
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        return _pow_scalar(input, e)
    return _binary(rules.pow_, input, exponent, name="PowBackward2")


_pow_scalar = _binary_ops[rules.pow_, "PowBackward0", False]  # x ** 2


def square(input):  # noqa: A002
    return pow(input, 2)


def neg(input):  # noqa: A002
    return rules.neg.apply((input,))


negative = neg


def floor_divide(input, other):  # noqa: A002
    a, b, xa, xb = _promote(input, other)
    return Tensor._make(np.asarray(np.floor_divide(xa, xb)))


def remainder(input, other):  # noqa: A002
    a, b, xa, xb = _promote(input, other)
    return Tensor._make(np.asarray(np.mod(xa, xb)))


fmod = remainder

exp = _unary(rules.exp)
expm1 = _unary(rules.expm1)
log = _unary(rules.log)
log1p = _unary(rules.log1p)
log2 = _unary(rules.log2)
sqrt = _unary(rules.sqrt)
rsqrt = _unary(rules.rsqrt)
reciprocal = _unary(rules.reciprocal)
sin = _unary(rules.sin)
cos = _unary(rules.cos)
tan = _unary(rules.tan)
tanh = _unary(rules.tanh)
sigmoid = _unary(rules.sigmoid)
softplus = _unary(rules.softplus)


def abs(input):  # noqa: A001, A002
    return rules.abs_.apply((input,))


absolute = abs


def relu(input):  # noqa: A002
    return rules.relu.apply((input,))


def leaky_relu(input, negative_slope=0.01):  # noqa: A002
    return rules.leaky_relu.apply((input,), {"slope": negative_slope})


def sign(input):  # noqa: A002
    return rules.sign.apply((input,))


def floor(input):  # noqa: A002
    return rules.floor.apply((input,))


def ceil(input):  # noqa: A002
    return rules.ceil.apply((input,))


def round(input, *, decimals=0):  # noqa: A001, A002
    if decimals:
        return Tensor._make(np.round(input._data, decimals))
    return rules.round_.apply((input,))


def clamp(input, min=None, max=None):  # noqa: A002
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    lo = None if min is None else _scalar(min)
    hi = None if max is None else _scalar(max)
    if isinstance(lo, Tensor) or isinstance(hi, Tensor):
        out = input
        if lo is not None:
            out = maximum(out, lo)
        if hi is not None:
            out = minimum(out, hi)
        return out
    return rules.clamp.apply((input,), {"lo": lo, "hi": hi})


clip = clamp


def clamp_min(input, min):  # noqa: A002
    return rules.clamp.apply((input,), {"lo": _scalar(min), "hi": None}, name="ClampMinBackward0")


def clamp_max(input, max):  # noqa: A002
    return rules.clamp.apply((input,), {"lo": None, "hi": _scalar(max)}, name="ClampMaxBackward0")


maximum = _binary_ops[rules.maximum, None, False]
minimum = _binary_ops[rules.minimum, None, False]


def where(condition, input=None, other=None):  # noqa: A002
    """``input`` where ``condition`` holds, else ``other``."""
    cond = _as_array(condition)
    if input is None and other is None:
        return tuple(Tensor._make(i) for i in np.nonzero(cond))
    if cond.dtype != np.bool_:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a "
                           f"tensor with dtype {_dtype.from_numpy_dtype(cond.dtype)._legacy[:-6]}")
    a, b, xa, xb = _promote(input, other)
    if type(condition) is rules.VMAP[1]:  # (a batched condition, inside vmap)
        cond = condition
    try:
        return rules._where.apply((a, b), {"cond": cond}, arrays=(xa, xb))
    except ValueError:
        raise _broadcast_error(_shape(a), _shape(b)) from None


# Comparisons and logic (no gradients) ---------------------------------------------------

def _compare(fn):
    def op(input, other):  # noqa: A002
        a, b, xa, xb = _promote(input, other)
        if rules.VMAP[0] and rules.VMAP[1] in (type(a), type(b)):  # inside vmap
            return rules.VMAP[1].compare(fn, a, b)
        try:
            return Tensor._make(np.asarray(fn(xa, xb)))
        except ValueError:
            raise _broadcast_error(_shape(a), _shape(b)) from None

    op.__name__ = fn.__name__
    return op


eq, ne, lt, le, gt, ge = (_compare(f) for f in (np.equal, np.not_equal, np.less,
                                                 np.less_equal, np.greater, np.greater_equal))
greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne
logical_and, logical_or, logical_xor = (_compare(f) for f in (np.logical_and, np.logical_or,
                                                              np.logical_xor))
bitwise_and, bitwise_or, bitwise_xor = (_compare(f) for f in (np.bitwise_and, np.bitwise_or,
                                                              np.bitwise_xor))


def _elementwise_result(x: Tensor, data: np.ndarray) -> Tensor:
    """``data``, an elementwise function of ``x._data``, as a Tensor (batched as ``x``
    is, inside vmap)."""
    out = Tensor._make(data)
    return out if type(x) is not rules.VMAP[1] else rules.VMAP[1].like(x, out)


def _per_example(fn):
    """``fn(input, ...)`` one example at a time for vmap's batched input (``fn`` reads
    the data as an array, along dims of an example)."""
    def op(input, *args, **kwargs):  # noqa: A002
        if type(input) is rules.VMAP[1]:
            return rules.VMAP[1].per_example(lambda x: op(x, *args, **kwargs), input)
        return fn(input, *args, **kwargs)

    op.__name__, op.__doc__ = fn.__name__, fn.__doc__
    return op


def logical_not(input):  # noqa: A002
    return _elementwise_result(input, np.logical_not(input._data))


def bitwise_not(input):  # noqa: A002
    if input._data.dtype.kind == "f":
        raise TypeError("bitwise_not is only supported for integer and boolean tensors")
    return _elementwise_result(input, np.invert(input._data))


def isnan(input):  # noqa: A002
    return _elementwise_result(input, np.isnan(input._data))


def isinf(input):  # noqa: A002
    return _elementwise_result(input, np.isinf(input._data))


def isfinite(input):  # noqa: A002
    return _elementwise_result(input, np.isfinite(input._data))


def equal(input, other) -> bool:  # noqa: A002
    return input.shape == other.shape and bool(np.array_equal(input._data, other._data))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):  # noqa: A002
    return Tensor._make(np.isclose(_as_array(input), _as_array(other), rtol, atol, equal_nan))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:  # noqa: A002
    return bool(np.allclose(_as_array(input), _as_array(other), rtol, atol, equal_nan))


@_per_example
def all(input, dim=None, keepdim=False):  # noqa: A001, A002
    return Tensor._make(np.asarray(np.all(input._data, axis=_dims(dim, input.ndim),
                                          keepdims=keepdim)))


@_per_example
def any(input, dim=None, keepdim=False):  # noqa: A001, A002
    return Tensor._make(np.asarray(np.any(input._data, axis=_dims(dim, input.ndim),
                                          keepdims=keepdim)))


def argmax(input, dim=None, keepdim=False):  # noqa: A002
    return _arg(np.argmax, input, dim, keepdim)


def argmin(input, dim=None, keepdim=False):  # noqa: A002
    return _arg(np.argmin, input, dim, keepdim)


def _arg(fn, x, dim, keepdim):
    if type(x) is rules.VMAP[1]:  # (inside vmap: one example at a time)
        return rules.VMAP[1].per_example(lambda x: _arg(fn, x, dim, keepdim), x)
    if dim is None:
        out = fn(x._data.reshape(-1))
        shape = (1,) * x.ndim if keepdim else ()
        return Tensor._make(np.asarray(out, dtype=np.int64).reshape(shape))
    d = _dim(dim, x.ndim)
    return Tensor._make(np.asarray(fn(x._data, axis=d, keepdims=keepdim), dtype=np.int64))


# Reductions ------------------------------------------------------------------------------

def sum(input, dim=None, keepdim=False, *, dtype=None):  # noqa: A001, A002
    x = input.to(dtype) if dtype is not None else input
    dims = _dims(dim, x.ndim)
    kind = x._data.dtype.kind
    if kind in "bu" or (kind == "i" and x._data.dtype.itemsize < 8):  # summed as int64
        x = Tensor._make(x._data.astype(np.int64)) if not x._requires_grad else x
    name = "SumBackward0" if dim is None else "SumBackward1"
    return rules.sum_.apply((x,), {"dim": dims, "keepdim": keepdim}, name=name)


def mean(input, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    x = input.to(dtype) if dtype is not None else input
    if not x.dtype.is_floating_point:
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating "
            f"point or complex dtype. Got: {x.dtype._legacy[:-len('Tensor')]}")
    name = "MeanBackward0" if dim is None else "MeanBackward1"
    return rules.mean.apply((x,), {"dim": _dims(dim, x.ndim), "keepdim": keepdim}, name=name)


def prod(input, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    x = input.to(dtype) if dtype is not None else input
    d = None if dim is None else _dim(dim, x.ndim)
    name = "ProdBackward0" if dim is None else "ProdBackward1"
    return rules.prod.apply((x,), {"dim": d, "keepdim": keepdim}, name=name)


class _ReturnTypes(tuple):
    _name = ""

    def __repr__(self) -> str:
        return (f"torch.return_types.{self._name}(\nvalues={self[0]!r},\n"
                f"indices={self[1]!r})")


def _return_type(name):
    base = namedtuple(name, ["values", "indices"])
    return type(name, (_ReturnTypes, base), {"_name": name, "__slots__": ()})


_max_result = _return_type("max")
_min_result = _return_type("min")


def _extreme(x, dim, keepdim, other, arg, prim, pair, result, name):
    if isinstance(dim, Tensor):
        other, dim = dim, None
    if other is not None:
        return pair(x, other)
    if dim is None:
        if x.numel() == 0:
            raise RuntimeError(
                f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                "Specify the reduction dim with the 'dim' argument.")
        return prim.apply((x,), {"dim": None, "keepdim": False})
    if rules.VMAP[0] and type(x) is rules.VMAP[1]:  # (in vmap: a loop over the examples)
        return rules.VMAP[1].per_example(lambda x: _extreme(x, dim, keepdim, None, arg, prim,
                                                            pair, result, name), x)
    d = _dim(dim, x.ndim)
    index = np.expand_dims(arg(x._data, axis=d), d) if x.ndim else np.zeros((), np.int64)
    if x.ndim == 0:
        return result(x * 1 if x._requires_grad else x, Tensor._make(np.asarray(0)))
    values = rules.select_along.apply(
        (x,), {"dim": d, "keepdim": keepdim, "index": index},
        name=f"{name.title()}Backward0")
    idx = index if keepdim else np.squeeze(index, axis=d)
    return result(values, Tensor._make(idx.astype(np.int64)))


def max(input, dim=None, keepdim=False, *, other=None):  # noqa: A001, A002
    return _extreme(input, dim, keepdim, other, np.argmax, rules.amax, maximum,
                    _max_result, "max")


def min(input, dim=None, keepdim=False, *, other=None):  # noqa: A001, A002
    return _extreme(input, dim, keepdim, other, np.argmin, rules.amin, minimum,
                    _min_result, "min")


def amax(input, dim=(), keepdim=False):  # noqa: A002
    return rules.amax.apply((input,), {"dim": _dims(dim, input.ndim), "keepdim": keepdim},
                            name="AmaxBackward0")


def amin(input, dim=(), keepdim=False):  # noqa: A002
    return rules.amin.apply((input,), {"dim": _dims(dim, input.ndim), "keepdim": keepdim},
                            name="AminBackward0")


def norm(input, p="fro", dim=None, keepdim=False, dtype=None):  # noqa: A002
    if p in ("fro", None):
        p = 2
    if p == "nuc":
        raise NotImplementedError("minigrad supports vector norms only")
    p = builtins.float(p)
    if p == 0:
        return sum(ne(input, 0).to(input.dtype), dim, keepdim)
    return rules.norm.apply((input,), {"p": p, "dim": _dims(dim, input.ndim), "keepdim": keepdim})


def logsumexp(input, dim, keepdim=False):  # noqa: A002
    return rules.logsumexp.apply((_float_input(input),),
                                 {"dim": _dims(dim, input.ndim), "keepdim": keepdim})


def softmax(input, dim, dtype=None):  # noqa: A002
    x = input.to(dtype) if dtype is not None else _float_input(input)
    return rules.softmax.apply((x,), {"dim": _dim(dim, x.ndim)})


def log_softmax(input, dim, dtype=None):  # noqa: A002
    x = input.to(dtype) if dtype is not None else _float_input(input)
    return rules.log_softmax.apply((x,), {"dim": _dim(dim, x.ndim)})


def var(input, dim=None, *, correction=1, keepdim=False, unbiased=None):  # noqa: A002
    if unbiased is not None:
        correction = 1 if unbiased else 0
    return _var_or_std(rules.var, input, dim, correction, keepdim)


def std(input, dim=None, *, correction=1, keepdim=False, unbiased=None):  # noqa: A002
    if unbiased is not None:
        correction = 1 if unbiased else 0
    return _var_or_std(rules.std, input, dim, correction, keepdim)


def _var_or_std(prim, x, dim, correction, keepdim):
    x = _float_input(x)
    return prim.apply((x,), {"dim": _dims(dim, x.ndim), "correction": correction,
                             "keepdim": keepdim})


# Matrix products -------------------------------------------------------------------------

_DT_NAME = {"float32": "float", "float64": "double", "int64": "long int", "int32": "int",
            "float16": "c10::Half", "bool": "bool"}


def _same_dtype(a: Tensor, b: Tensor) -> None:
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{_DT_NAME.get(a.dtype.name)} != {_DT_NAME.get(b.dtype.name)}")


def _inconsistent(n: int, m: int) -> RuntimeError:
    return RuntimeError(
        f"inconsistent tensor size, expected tensor [{n}] and src [{m}] to have the same "
        f"number of elements, but got {n} and {m} elements respectively")


def matmul(input, other):  # noqa: A002
    a, b = input, other
    if not isinstance(b, Tensor):
        raise TypeError(f"matmul(): argument 'other' (position 2) must be Tensor, not "
                        f"{type(b).__name__}")
    xa, xb = a._data, b._data
    sa, sb = xa.shape, xb.shape
    if type(a) is not Tensor or type(b) is not Tensor:  # (vmap's BatchedTensor: an example's)
        sa, sb, xa = tuple(a.shape), tuple(b.shape), None
    na, nb = len(sa), len(sb)
    if na == nb == 2 and sa[1] == sb[0] and xa is not None and xa.dtype == xb.dtype:  # the
        # common case of two matrices, computed as rules.mm does (ndarray.dot)
        return engine.record(rules.mm, (a, b), _NO_PARAMS, xa.dot(xb), None, (xa, xb))
    if na == 0 or nb == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{na}D and {nb}D")
    if na == 1 and nb == 1:
        return dot(a, b)
    _same_dtype(a, b)
    if nb == 1:
        if sa[-1] != sb[0]:
            raise RuntimeError(f"size mismatch, got input ({sa[0]}), mat "
                               f"({sa[-2]}x{sa[-1]}), vec ({sb[0]})")
        name = "MvBackward0" if na == 2 else "UnsafeViewBackward0"
    elif na == 1:
        if sa[0] != sb[-2]:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied (1x{sa[0]} and "
                               f"{sb[-2]}x{sb[-1]})")
        name = "SqueezeBackward4" if nb == 2 else "UnsafeViewBackward0"
    else:
        if sa[-1] != sb[-2]:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied "
                               f"({math.prod(sa[:-1])}x{sa[-1]} and {sb[-2]}x{sb[-1]})")
        # PyTorch 2.13 folds the batch into one mm, then views (or copies) it back.
        name = ("MmBackward0" if na == nb == 2 else
                # a batch folded the other way round is transposed back, copied unless
                # the transpose is already contiguous
                ("TransposeBackward0" if 1 in (sa[-2], sb[-1]) else "CloneBackward0")
                if na == 2 or (na == nb == 3 and sa[0] == 1 != sb[0])
                else "UnsafeViewBackward0")
    try:
        return rules.matmul.apply((a, b), name=name, arrays=None if xa is None else (xa, xb))
    except ValueError:
        raise _broadcast_error(sa[:-2], sb[:-2]) from None


def mm(input, mat2):  # noqa: A002
    if input.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    return matmul(input, mat2)


def mv(input, vec):  # noqa: A002
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {vec.ndim}, "
                           f"{input.ndim}, {vec.ndim}")
    return matmul(input, vec)


def bmm(input, mat2):  # noqa: A002
    if input.ndim != 3 or mat2.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    _same_dtype(input, mat2)
    if input.shape[0] != mat2.shape[0] or input.shape[2] != mat2.shape[1]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: "
            f"[{input.shape[0]}, {input.shape[2]}] but got: [{mat2.shape[0]}, {mat2.shape[1]}].")
    return rules.matmul.apply((input, mat2), name="BmmBackward0")


def dot(input, other):  # noqa: A002
    a, b = input, other
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found "
                           f"{a.dtype._legacy[:-6]} and {b.dtype._legacy[:-6]}")
    if a.shape[0] != b.shape[0]:
        raise _inconsistent(a.shape[0], b.shape[0])
    return rules.matmul.apply((a, b), name="DotBackward0")


inner = dot


def outer(input, vec2):  # noqa: A002
    return mul(unsqueeze(input, 1), vec2)


ger = outer


# Shapes ----------------------------------------------------------------------------------

def _infer_shape(shape, numel):
    shape = list(shape)
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    if -1 in shape:
        known = math.prod(s for s in shape if s != -1)
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{shape}' is invalid for input of size {numel}")
        shape[shape.index(-1)] = numel // known
    if math.prod(shape) != numel:
        raise RuntimeError(f"shape '{shape}' is invalid for input of size {numel}")
    return tuple(shape)


def _view_of(out: Tensor, base: Tensor) -> Tensor:
    """Mark ``out`` as a view of ``base``: shared version counter."""
    if np.shares_memory(out._data, base._data):
        out._vbox = base._version_counter()
        out._base = root = base if base._base is None else base._base
        if not grad_mode._state.enabled:
            out._no_grad_view = True
        elif root._node is not None or not root._requires_grad:  # (a leaf that requires
            views = root._views  # grad cannot change in place: nor be re-pointed, _commit)
            if views is None:
                views = root._views = []
            views.append(weakref.ref(out))
            if len(views) >= 16 and len(views) & (len(views) - 1) == 0:  # (at 16, 32, ...)
                views[:] = [ref for ref in views if ref() is not None]
    return out


def _batch_dims(x: Tensor) -> tuple:
    """The sizes of the batch axes in front of ``x``'s data (inside vmap; else none)."""
    return x._data.shape[:x._data.ndim - x.ndim] if type(x) is not Tensor else ()


def reshape(input, *shape):  # noqa: A002
    shape = _infer_shape(_shape_arg(shape), input.numel())
    try:  # a reshape that must copy (non-contiguous input) is recorded as PyTorch's _unsafe_view
        np.reshape(input._data, _batch_dims(input) + shape, copy=False)
        name = "ViewBackward0"
    except ValueError:
        name = "UnsafeViewBackward0"
    return _view_of(rules.reshape.apply((input,), {"shape": shape}, name=name), input)


def view(input, *shape):  # noqa: A002
    if len(shape) == 1 and isinstance(shape[0], _dtype.dtype):
        raise NotImplementedError("minigrad does not reinterpret dtypes with view(dtype)")
    shape = _infer_shape(_shape_arg(shape), input.numel())
    try:
        np.reshape(input._data, _batch_dims(input) + shape, copy=False)
    except ValueError:
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
        ) from None
    return _view_of(rules.reshape.apply((input,), {"shape": shape}), input)


def view_as(input, other):  # noqa: A002
    return view(input, other.shape)


def reshape_as(input, other):  # noqa: A002
    return reshape(input, other.shape)


def flatten(input, start_dim=0, end_dim=-1):  # noqa: A002
    if input.ndim == 0:
        return reshape(input, 1)
    s, e = _dim(start_dim, input.ndim), _dim(end_dim, input.ndim)
    shape = input.shape[:s] + (-1,) + input.shape[e + 1:]
    return reshape(input, shape) if s != e else input


def transpose(input, dim0, dim1, _name="TransposeBackward0"):  # noqa: A002
    d0, d1 = _dim(dim0, input.ndim), _dim(dim1, input.ndim)
    return _view_of(rules.transpose.apply((input,), {"dim0": d0, "dim1": d1}, name=_name), input)


swapaxes = swapdims = transpose


def t(input):  # noqa: A002
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is "
                           f"{input.ndim}D")
    if input.ndim < 2:
        return _view_of(rules.reshape.apply((input,), {"shape": input.shape},
                                            name="TBackward0"), input)
    return transpose(input, 0, 1, _name="TBackward0")


def movedim(input, source, destination):  # noqa: A002
    """``input`` with axes ``source`` moved to ``destination`` (a permute)."""
    src = [source] if isinstance(source, builtins.int) else list(source)
    dst = [destination] if isinstance(destination, builtins.int) else list(destination)
    if len(src) != len(dst):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({src} dims) should "
            f"contain the same number of dims as destination ({dst} dims)")
    src = [_dim(d, input.ndim) for d in src]
    dst = [_dim(d, input.ndim) for d in dst]
    order = [d for d in range(input.ndim) if d not in src]
    for d, s in sorted(zip(dst, src, strict=True)):
        order.insert(d, s)
    return permute(input, order)


moveaxis = movedim


def diag(input, diagonal=0):  # noqa: A002
    """A vector's diagonal matrix (on the ``diagonal``-th diagonal), or a matrix's
    ``diagonal``-th diagonal, as a vector."""
    k = diagonal
    if input.ndim == 1:
        n = input.shape[0] + builtins.abs(k)
        i = np.arange(input.shape[0])
        idx = (i - builtins.min(k, 0), i + builtins.max(k, 0))
        return rules.scatter.apply((input,), {"idx": idx, "shape": (n, n), "advanced": True},
                                   name="DiagEmbedBackward0")
    if input.ndim != 2:
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.ndim}D")
    rows, cols = input.shape
    m = builtins.max(0, builtins.min(rows + builtins.min(k, 0), cols - builtins.max(k, 0)))
    i = np.arange(m)
    idx = (i - builtins.min(k, 0), i + builtins.max(k, 0))
    return rules.getitem.apply((input,), {"idx": idx, "advanced": True},
                               name="DiagonalBackward0_copy")


def diagonal(input, offset=0, dim1=0, dim2=1):  # noqa: A002
    """The ``offset``-th diagonal of the planes along ``dim1`` and ``dim2``, as the last
    axis: a view (writing to it writes to ``input``)."""
    d1, d2 = _dim(dim1, input.ndim), _dim(dim2, input.ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    params = {"offset": offset, "dim1": d1, "dim2": d2}
    return _view_of(rules.diagonal.apply((input,), params), input)


def nonzero(input, *, as_tuple=False):  # noqa: A002
    """The indices of the nonzero elements: one row each, or (``as_tuple``) one index
    tensor per dim."""
    if type(input) is rules.VMAP[1]:
        raise RuntimeError(
            "vmap: We do not support batching operators that can output dynamic shape. "
            "Attempted to vmap over aten::nonzero. Please file an issue at "
            "https://github.com/pytorch/pytorch/issues if you need this feature.")
    found = np.nonzero(np.atleast_1d(input._data))
    if as_tuple:
        return tuple(Tensor._make(i) for i in found)
    if input.ndim == 0:  # (a number's one index has no entries)
        return Tensor._make(np.zeros((found[0].size, 0), dtype=np.int64))
    return Tensor._make(np.stack(found, axis=1))


def permute(input, *dims):  # noqa: A002
    dims = _shape_arg(dims)
    if len(dims) != input.ndim:
        raise RuntimeError(
            f"permute(sparse_coo): number of dimensions in the tensor input does not match "
            f"the length of the desired ordering of dimensions i.e. input.dim() = "
            f"{input.ndim} is not equal to len(dims) = {len(dims)}")
    dims = tuple(_dim(d, input.ndim) for d in dims)
    if len(set(dims)) != len(dims):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return _view_of(rules.permute.apply((input,), {"dims": dims}), input)


def _T(x: Tensor) -> Tensor:
    if x.ndim != 2:
        if x.ndim == 0:
            _warn_once("Tensor.T is deprecated on 0-D tensors. This function is the identity "
                       "in these cases. (Triggered internally at /__w/pytorch/pytorch/aten/"
                       "src/ATen/native/TensorShape.cpp:4321.)", stacklevel=3)
        else:
            _warn_once(
                "The use of `x.T` on tensors of dimension other than 2 to reverse their "
                "shape is deprecated and it will throw an error in a future release. "
                "Consider `x.mT` to transpose batches of matrices or `x.permute(*torch."
                "arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a tensor. "
                "(Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/"
                "TensorShape.cpp:4314.)", stacklevel=3)
    return permute(x, tuple(range(x.ndim - 1, -1, -1)))


def _mT(x: Tensor) -> Tensor:
    if x.ndim < 2:
        raise RuntimeError(f"tensor.mT is only supported on matrices or batches of matrices. "
                           f"Got {x.ndim}-D tensor.")
    return transpose(x, -2, -1)


def squeeze(input, dim=None):  # noqa: A002
    if dim is None:
        shape = tuple(s for s in input.shape if s != 1)
        name = "SqueezeBackward0"
    else:
        dims = _dims(dim, input.ndim) or ()
        shape = tuple(s for i, s in enumerate(input.shape) if not (i in dims and s == 1))
        name = "SqueezeBackward1" if isinstance(dim, builtins.int) else "SqueezeBackward2"
    return _view_of(rules.squeeze.apply((input,), {"shape": shape}, name=name), input)


def unsqueeze(input, dim):  # noqa: A002
    d = _dim(dim, input.ndim + 1)
    shape = input.shape[:d] + (1,) + input.shape[d:]
    return _view_of(rules.unsqueeze.apply((input,), {"shape": shape}), input)


def expand(input, *sizes):  # noqa: A002
    sizes = _shape_arg(sizes)
    if len(sizes) < input.ndim:
        raise RuntimeError(
            f"expand(torch.{input.dtype._legacy}{{{list(input.shape)}}}, size={list(sizes)}): "
            "the number of sizes provided "
            f"({len(sizes)}) must be greater or equal to the number of dimensions in the "
            f"tensor ({input.ndim})")
    lead = len(sizes) - input.ndim
    shape = tuple(s if s != -1 else input.shape[i - lead] for i, s in enumerate(sizes))
    for i, s in enumerate(input.shape):
        if s != 1 and s != shape[i + lead]:
            raise RuntimeError(
                f"The expanded size of the tensor ({shape[i + lead]}) must match the existing "
                f"size ({s}) at non-singleton dimension {i + lead}.  Target sizes: "
                f"{list(sizes)}.  Tensor sizes: {list(input.shape)}")
    return _view_of(rules.broadcast_to.apply((input,), {"shape": shape}), input)


def expand_as(input, other):  # noqa: A002
    return expand(input, other.shape)


def broadcast_to(input, *shape):  # noqa: A002
    return expand(input, *shape)


def contiguous(input):  # noqa: A002
    if input._data.flags.c_contiguous:
        return input
    return rules.clone.apply((input,), arrays=(np.ascontiguousarray(input._data),))


def clone(input):  # noqa: A002
    return rules.clone.apply((input,))


def _check_same_dims(tensors, dim, what):
    if not tensors:
        raise RuntimeError(f"{what}(): expected a non-empty list of Tensors")
    return tensors


def cat(tensors, dim=0):
    tensors = [t for t in _check_same_dims(list(tensors), dim, "torch.cat")
               if not (t.ndim == 1 and t.shape[0] == 0) or len(tensors) == 1]
    ref = tensors[0]
    d = _dim(dim, ref.ndim)
    for k, t in enumerate(tensors[1:], 1):
        if t.ndim != ref.ndim:
            raise RuntimeError(
                f"Tensors must have same number of dimensions: got {ref.ndim} and {t.ndim}")
        for i in range(ref.ndim):
            if i != d and t.shape[i] != ref.shape[i]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. Expected size "
                    f"{ref.shape[i]} but got size {t.shape[i]} for tensor number {k} in the "
                    "list.")
    dt = ref.dtype
    for t in tensors[1:]:
        dt = _dtype._promote_two(dt, t.dtype)
    arrays = [t._data.astype(dt.np, copy=False) for t in tensors]
    sizes = tuple(t.shape[d] for t in tensors)
    return rules.cat.apply(tuple(tensors), {"dim": d, "sizes": sizes}, arrays=arrays)


concat = concatenate = cat


# split and chunk: one node with several outputs, each a view of the input ---------------

_SPLITS: dict = {}


def _split_function(name: str):
    """The custom Function behind split/chunk, its node named as PyTorch's
    (``SplitBackward0``, ``SplitWithSizesBackward0``): one node for all the pieces."""
    if name not in _SPLITS:
        from .autograd.function import Function

        def forward(ctx, x, sizes, dim):
            ctx.dim = dim
            idx, start, out = [slice(None)] * x.ndim, 0, []
            for size in sizes:  # (unbind: each piece one index, that axis dropped)
                idx[dim] = start if name == "Unbind" else slice(start, start + size)
                out.append(Tensor._make(x._data[tuple(idx)]))
                start += size
            return tuple(out)

        def backward(ctx, *grads):  # the pieces' gradients side by side (zeros if unused)
            join = stack if name == "Unbind" else cat
            return join(list(grads), ctx.dim), None, None

        fn = type(name, (Function,), {"forward": staticmethod(forward),
                                      "backward": staticmethod(backward)})
        node = fn._backward_cls
        node.__name__ = node.__qualname__ = name + "Backward0"
        node.__module__ = "torch.autograd.graph"
        node.__repr__ = engine.GradFn.__repr__
        _SPLITS[name] = fn
    return _SPLITS[name]


def _split(x: Tensor, sizes: tuple, dim: int, name: str) -> tuple:
    if type(x) is rules.VMAP[1]:  # (inside vmap: slices, each batched)
        starts = np.cumsum((0, *sizes[:-1])).tolist()
        return tuple(x[(slice(None),) * dim + (a if name == "Unbind" else slice(a, a + k),)]
                     for a, k in zip(starts, sizes, strict=True))
    pieces = _split_function(name).apply(x, sizes, dim)
    for k, piece in enumerate(pieces):
        _view_of(piece, x)
        piece._split_output = (k, name)  # in place on a piece is refused (see _check_inplace)
    if getattr(x, "_fw", None) is not None:  # forward mode: the tangent's pieces
        from .autograd import forward_ad

        for piece, tangent in zip(pieces, _split(x._fw, sizes, dim, name), strict=True):
            forward_ad._set_tangent(piece, tangent)
    return pieces


def _split_dim(x: Tensor, dim, what: str) -> int:
    if x.ndim == 0:
        raise RuntimeError(f"{what} expects at least a 1-dimensional tensor")
    return _dim(dim, x.ndim)


def split(tensor, split_size_or_sections, dim=0):
    """Pieces of ``tensor`` along ``dim``: of ``split_size`` each (the last one smaller),
    or of the given sizes; views of ``tensor``."""
    d = _split_dim(tensor, dim, "split")
    n = tensor.shape[d]
    if isinstance(split_size_or_sections, (list, tuple)):
        sizes = tuple(split_size_or_sections)
        if not builtins.all(isinstance(k, builtins.int) for k in sizes):
            bad = next(k for k in sizes if not isinstance(k, builtins.int))
            raise TypeError("split_with_sizes(): argument 'split_sizes' (position 2) must be "
                            f"tuple of ints, but found element of type {type(bad).__name__}")
        if builtins.any(k < 0 for k in sizes):
            raise RuntimeError("split_with_sizes expects split_sizes have only non-negative "
                               f"entries, but got split_sizes={list(sizes)}")
        if builtins.sum(sizes) != n:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's "
                f"size at dimension {d}), but got split_sizes={list(sizes)}")
        return _split(tensor, sizes, d, "SplitWithSizes")
    size = split_size_or_sections
    if not isinstance(size, builtins.int):
        raise TypeError("split_with_sizes(): argument 'split_sizes' (position 2) must be "
                        f"tuple of ints, not {type(size).__name__}")
    if size < 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size={size}")
    if size == 0 and n:
        raise RuntimeError("split_size can only be 0 if dimension size is 0, but got dimension "
                           f"size of {n}")
    count = -(-n // size) if size else 1
    sizes = tuple(builtins.min(size, n - k * size) for k in range(count)) if n else (0,)
    return _split(tensor, sizes, d, "Split")


def unbind(input, dim=0):  # noqa: A002
    """The slices of ``input`` along ``dim``, that axis removed (views of ``input``)."""
    if input.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    d = _dim(dim, input.ndim)
    return _split(input, (1,) * input.shape[d], d, "Unbind")


def chunk(input, chunks, dim=0):  # noqa: A002
    """``chunks`` pieces of (nearly) equal size along ``dim`` (fewer if they do not fill
    them: pieces of ceil(size / chunks)); views of ``input``."""
    if not isinstance(chunks, builtins.int):
        raise TypeError(f"chunk(): argument 'chunks' (position 1) must be int, not "
                        f"{type(chunks).__name__}")
    d = _split_dim(input, dim, "chunk")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    n = input.shape[d]
    if n == 0:
        return _split(input, (0,) * chunks, d, "SplitWithSizes")
    return split(input, -(-n // chunks), d)


def stack(tensors, dim=0):
    tensors = list(_check_same_dims(list(tensors), dim, "stack"))
    for k, t in enumerate(tensors[1:], 1):
        if t.shape != tensors[0].shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(tensors[0].shape)} "
                f"at entry 0 and {list(t.shape)} at entry {k}")
    d = _dim(dim, tensors[0].ndim + 1)
    dt = tensors[0].dtype
    for t in tensors[1:]:
        dt = _dtype._promote_two(dt, t.dtype)
    arrays = [t._data.astype(dt.np, copy=False) for t in tensors]
    return rules.stack.apply(tuple(tensors), {"dim": d}, arrays=arrays)


def hstack(tensors):
    tensors = list(tensors)
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


def vstack(tensors):
    return cat([t if t.ndim > 1 else unsqueeze(t, 0) for t in tensors], 0)


def to(input, *args, **kwargs):  # noqa: A002
    """``to(dtype)``, ``to(device)``, ``to(tensor)``, ``to(device, dtype)``."""
    dt = kwargs.get("dtype")
    for a in args:
        if isinstance(a, _dtype.dtype):
            dt = a
        elif isinstance(a, Tensor):
            dt = a.dtype
        else:
            check_device(a)  # raises for anything but the CPU
    check_device(kwargs.get("device"))
    copy = kwargs.get("copy", False)
    if dt is None or dt.np == input._data.dtype:
        return clone(input) if copy else input
    if input._requires_grad and not dt.is_floating_point:
        return Tensor._make(input._data.astype(dt.np))
    return rules.cast.apply((input,), {"dtype": dt.np, "src": input._data.dtype})


def type_as(input, other):  # noqa: A002
    return to(input, other.dtype)


def _cast_method(dt: _dtype.dtype):
    """``x.float()``, ``x.double()``, ...: ``to(dt)`` (the same tensor if already ``dt``)."""
    def method(self, memory_format=None):
        return to(self, dt)

    method.__name__ = dt.name
    return method


# Indexing --------------------------------------------------------------------------------

def _normalise_index(x: Tensor, idx):
    """A NumPy index from a PyTorch one; bounds-checked; is it advanced? which name?"""
    lone = not isinstance(idx, tuple)  # PyTorch records even x[:] as a slice
    if lone:
        idx = (idx,)
    out, advanced, name = [], False, "AliasBackward0"
    dim = 0
    shape = x.shape
    for item in idx:
        if isinstance(item, Tensor):
            item = item._data
            if item.ndim == 0 and item.dtype.kind in "iu":
                item = builtins.int(item)
        if isinstance(item, (list, tuple)):
            item = np.asarray(item)
            if item.dtype == np.float64 and item.size == 0:
                item = item.astype(np.int64)
        if isinstance(item, np.ndarray):
            if item.dtype == np.bool_:
                if item.shape != shape[dim:dim + item.ndim]:
                    raise IndexError(
                        f"The shape of the mask {list(item.shape)} at index 0 does not match "
                        f"the shape of the indexed tensor {list(shape[dim:dim + item.ndim])} at "
                        "index 0")
                out.extend(np.nonzero(item))
                dim += item.ndim
            elif item.dtype.kind in "iu":
                if dim >= len(shape):
                    raise IndexError("too many indices for tensor of dimension "
                                     f"{len(shape)}")
                size = shape[dim]
                if item.size and (item.max() >= size or item.min() < -size):
                    bad = item.max() if item.max() >= size else item.min()
                    raise IndexError(f"index {bad} is out of bounds for dimension {dim} "
                                     f"with size {size}")
                out.append(item)
                dim += 1
            else:
                raise IndexError("tensors used as indices must be long, int, byte or bool "
                                 "tensors")
            advanced, name = True, "IndexBackward0"
        elif item is None:
            out.append(None)
            name = "UnsqueezeBackward0" if not advanced else name
        elif item is Ellipsis:
            out.append(Ellipsis)
            dim = len(shape) - _py_sum(1 for i in idx[idx.index(Ellipsis) + 1:]
                                       if i is not None and i is not Ellipsis)
        elif isinstance(item, slice):
            out.append(item)
            if (item != slice(None) or lone) and not advanced:
                name = "SliceBackward0"
            dim += 1
        elif isinstance(item, (builtins.int, np.integer)):
            if dim >= len(shape):
                raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
            size = shape[dim]
            if not -size <= item < size:
                raise IndexError(f"index {item} is out of bounds for dimension {dim} with "
                                 f"size {size}")
            out.append(builtins.int(item))
            if not advanced:
                name = "SelectBackward0"
            dim += 1
        else:
            raise IndexError(
                "only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                "Variables are valid indices (got " + type(item).__name__ + ")")
    if dim > len(shape):
        raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
    return tuple(out), advanced, name


def getitem(x: Tensor, idx) -> Tensor:
    if rules.VMAP[0] and rules.VMAP[1].batched_index(idx):  # (inside vmap: per example)
        return rules.VMAP[1].index_per_example(getitem, x, idx)
    index, advanced, name = _normalise_index(x, idx)
    out = rules.getitem.apply((x,), {"idx": index, "advanced": advanced}, name=name)
    return out if advanced else _view_of(out, x)


def setitem(x: Tensor, idx, value) -> None:
    if rules.VMAP[0] and rules.VMAP[1] in (type(x), type(value)):  # (inside vmap)
        return rules.VMAP[1].setitem(x, idx, value)
    index, advanced, _ = _normalise_index(x, idx)
    value = _scalar(value)
    if isinstance(value, Tensor) and value._data.dtype != x._data.dtype:
        value = Tensor._make(value._data.astype(x._data.dtype)) if not value._requires_grad \
            else to(value, x.dtype)
    _check_inplace(x, view=True)
    if grad_mode._state.enabled and (x._requires_grad or (isinstance(value, Tensor)
                                                          and value._requires_grad)):
        # x[:] = v (any basic index covering all of x) is a plain copy (or fill)
        part = None if advanced else x._data[index]
        whole = isinstance(part, np.ndarray) and (part.shape, part.strides, part.ctypes.data) == (
            x._data.shape, x._data.strides, x._data.ctypes.data)  # the same view as x
        name = ("IndexPutBackward0" if advanced else None if not whole else
                "CopyBackwards" if isinstance(value, Tensor) and value.ndim else "FillBackward3")
        result = rules.index_put.apply((_alias(x), value), {"idx": index, "advanced": advanced},
                                       name=name)
        _commit(x, result)
    else:
        x._data[index] = _as_array(value)
        engine.bump_version(x)


# In-place operations ---------------------------------------------------------------------

LEAF_INPLACE = "a leaf Variable that requires grad is being used in an in-place operation."
VIEW_LEAF_INPLACE = ("a view of a leaf Variable that requires grad is being used in an "
                     "in-place operation.")


NO_GRAD_VIEW_INPLACE = (
    "A view was created in no_grad mode and is being modified inplace with grad mode "
    "enabled. Given that this use case is ambiguous and error-prone, it is forbidden. You "
    "can clarify your code by moving both the view and the inplace either both inside the "
    "no_grad block (if you don't want the inplace to be tracked) or both outside (if you "
    "want the inplace to be tracked).")


def _check_inplace(x: Tensor, view: bool = False) -> None:
    if x._inference and not grad_mode._state.inference:
        raise RuntimeError(
            "Inplace update to inference tensor outside InferenceMode is not allowed.You can "
            "make a clone to get a normal tensor before doing inplace update.See "
            "https://github.com/pytorch/rfcs/pull/17 for more details.")
    if not grad_mode._state.enabled:
        return
    if x._requires_grad and "_split_output" in x.__dict__:
        k, name = x._split_output
        raise RuntimeError(
            f"Output {k} of {name} is a view and is being modified inplace. This view "
            "is the output of a function that returns multiple views. Such functions do not "
            "allow the output views to be modified inplace. You should replace the inplace "
            "operation by an out-of-place one.")
    base = x._base
    if base is not None and base._node is None and base._requires_grad:
        raise RuntimeError(VIEW_LEAF_INPLACE)
    if x._node is None and x._requires_grad:
        raise RuntimeError(VIEW_LEAF_INPLACE if view else LEAF_INPLACE)


def _alias(x: Tensor) -> Tensor:
    """``x`` as an input to an in-place op: same graph position, its own version."""
    a = Tensor._make(x._data, x._node, x._requires_grad)
    a._output_nr = x._output_nr
    if x._node is None and x._requires_grad:
        a._accum = x._graph_node()
    return a


def _private(a: Tensor, data: np.ndarray) -> Tensor:
    """A stand-in for ``a`` (same node, same leaf accumulator) holding ``data``."""
    b = Tensor._make(data, a._node, a._requires_grad)
    b._accum = a._accum
    return b


def _commit(x: Tensor, result: Tensor) -> Tensor:
    """Write an out-of-place ``result`` into ``x``, which takes over its history."""
    if result._data.dtype != x._data.dtype and not np.can_cast(
            result._data.dtype, x._data.dtype, casting="same_kind"):
        raise RuntimeError(
            f"result type {result.dtype._legacy[:-6]} can't be cast to the desired output "
            f"type {x.dtype._legacy[:-6]}")
    if result._data.shape != x._data.shape:
        raise RuntimeError(
            f"output with shape {list(x.shape)} doesn't match the broadcast shape "
            f"{list(_shape(result))}")
    if x._base is not None and grad_mode._state.enabled and (
            x._base._requires_grad or result._requires_grad):
        if x._no_grad_view:
            raise RuntimeError(NO_GRAD_VIEW_INPLACE)
        return _commit_to_view(x, result)
    _keep_old(result._node, x)
    if engine.mutation_allowed:  # (graph.allow_mutation_on_saved_tensors)
        engine.stash_saved(x)
    x._data[...] = result._data
    engine.bump_version(x)
    if result._node is not None:
        x._node = result._node
        x._output_nr = result._output_nr
        x._requires_grad = True
        node = result._node
        prim = getattr(node, "_prim", None)  # (a custom Function's node has none)
        if prim is not None and prim.saves:  # x is now the node's output, at x's version
            node._versions = (*(node._versions or (0,) * (len(node._args) + 1))[:-1],
                              x._vbox[0])
            if prim.reads_ans:
                node._out = weakref.ref(x)
    if x._views is not None and x._requires_grad:
        _repoint_views(x)
    return x


def _repoint_views(base: Tensor) -> None:
    """After an in-place change to ``base``, each of its live views becomes a view of
    the base as it is now (``AsStridedBackward0``), as in PyTorch: the history the view
    had no longer holds the numbers it shows."""
    alive = []
    for ref in base._views:
        v = ref()
        if v is not None:
            alive.append(ref)
            _as_view_of(v, base)
    base._views = alive


def _as_view_of(v: Tensor, base: Tensor) -> None:
    idx = np.unravel_index(_positions(v._data, base._data), base._data.shape)
    with grad_mode.enable_grad():  # (also after a change under no_grad, as PyTorch)
        view = rules.getitem.apply((base,), {"idx": idx, "advanced": True},
                                   name="AsStridedBackward0")
    v._node, v._output_nr, v._requires_grad = view._node, 0, True


def _keep_old(node, x: Tensor) -> None:
    """If ``node`` (the in-place op's) saved the alias of ``x``, about to be overwritten,
    give it a private copy of the old data, as PyTorch saves a clone of ``self``.
    (``x`` itself, if the op also read it, stays: ``y.mul_(y)`` then fails in backward.)"""
    if node is not None and node._args is not None and node._prim.saves:
        old = x._data
        copy = np.array(old, copy=True)
        args = node._args
        node._args = tuple(_private(a, copy) if isinstance(a, Tensor) and a._data is old
                           and a is not x else a for a in args)
        node._arrays = tuple(copy if d is old else d for d in node._arrays)


def _commit_to_view(x: Tensor, result: Tensor) -> Tensor:
    """An in-place op on a view of a tensor in a graph (``y[:2].mul_(3)``), recorded as
    PyTorch does: the base becomes ``CopySlices`` (its old self with ``result`` written
    in the view's place), and the view an ``AsStridedBackward0`` of the new base."""
    base = x._base
    idx = np.unravel_index(_positions(x._data, base._data), base._data.shape)
    _keep_old(result._node, x)
    _commit(base, rules.index_put.apply((_alias(base), result), {"idx": idx, "advanced": True}))
    _as_view_of(x, base)  # (already done if x was among base's views)
    return x


def _positions(view: np.ndarray, base: np.ndarray) -> np.ndarray:
    """The flat (C-order) positions in ``base`` of the numbers of ``view``, an array
    looking into base's memory: the same strides, walked over an array of positions
    laid out in memory as ``base`` is."""
    ids = np.empty_like(base, dtype=np.intp)  # (the same memory order as base)
    scale, rest = divmod(ids.itemsize, base.itemsize)
    if rest or ids.strides != tuple(s * scale for s in base.strides) or builtins.min(
            base.strides, default=0) < 0:
        raise NotImplementedError("minigrad: an in-place change to a view of a tensor "
                                  "whose memory is not dense")
    ids[...] = np.arange(ids.size).reshape(ids.shape)
    start = (view.__array_interface__["data"][0] - base.__array_interface__["data"][0]) * scale
    return np.array(np.lib.stride_tricks.as_strided(
        ids.ravel(order="K")[start // ids.itemsize:], view.shape,
        tuple(s * scale for s in view.strides)))


def _inplace(fn):
    def op(self, *args, **kwargs):
        _check_inplace(self)
        if not (grad_mode._state.enabled and (self._requires_grad or builtins.any(
                isinstance(a, Tensor) and a._requires_grad for a in args))):
            with grad_mode.no_grad():
                result = fn(self, *args, **kwargs)
            return _commit(self, result)
        return _commit(self, fn(_alias(self), *args, **kwargs))

    op.__name__ = fn.__name__ + "_"
    return op


def zero_(x: Tensor) -> Tensor:
    _check_inplace(x)
    if grad_mode._state.enabled and x._requires_grad:
        return _commit(x, mul(_alias(x), 0))
    x._data[...] = 0
    engine.bump_version(x)
    return x


def fill_(x: Tensor, value) -> Tensor:
    _check_inplace(x)
    if grad_mode._state.enabled and (x._requires_grad or isinstance(value, Tensor)
                                     and value._requires_grad):
        return _commit(x, add(mul(_alias(x), 0), value))
    x._data[...] = _as_array(value)
    engine.bump_version(x)
    return x


def copy_(x: Tensor, src: Tensor) -> Tensor:
    if rules.VMAP[0] and rules.VMAP[1] in (type(x), type(src)):  # (inside vmap)
        rules.VMAP[1].setitem(x, Ellipsis, src)
        return x
    _check_inplace(x)
    if grad_mode._state.enabled and (x._requires_grad or src._requires_grad):
        return _commit(x, add(mul(_alias(x), 0), to(src, x.dtype)))
    try:
        x._data[...] = np.broadcast_to(_as_array(src), x._data.shape)
    except ValueError:
        raise _broadcast_error(x.shape, _shape(src)) from None
    engine.bump_version(x)
    return x


def requires_grad_(input, requires_grad=True):  # noqa: A002
    return input.requires_grad_(requires_grad)


def detach(input):  # noqa: A002
    return input.detach()


def numel(input) -> int:  # noqa: A002
    return input.numel()


# Binding: operators and methods ----------------------------------------------------------

def _swap(fn):
    return lambda self, other: fn(other, self)


def _bind() -> None:
    T = Tensor
    T.__add__ = T.__radd__ = _add
    T.__sub__ = _sub
    T.__rsub__ = rsub
    T.__mul__ = T.__rmul__ = mul
    T.__truediv__ = _div
    T.__rtruediv__ = rdiv
    T.__floordiv__ = floor_divide
    T.__rfloordiv__ = _swap(floor_divide)
    T.__mod__ = remainder
    T.__pow__ = pow
    T.__rpow__ = _swap(pow)
    T.__matmul__ = matmul
    T.__rmatmul__ = _swap(matmul)
    T.__neg__ = neg
    T.__pos__ = lambda self: self
    T.__abs__ = abs
    T.__invert__ = bitwise_not
    T.__and__ = T.__rand__ = bitwise_and
    T.__or__ = T.__ror__ = bitwise_or
    T.__xor__ = T.__rxor__ = bitwise_xor
    T.__eq__, T.__ne__, T.__lt__, T.__le__, T.__gt__, T.__ge__ = eq, ne, lt, le, gt, ge
    T.__getitem__ = getitem
    T.__setitem__ = setitem
    for name, dt in [("float", _dtype.float32), ("double", _dtype.float64),
                     ("half", _dtype.float16), ("long", _dtype.int64), ("int", _dtype.int32),
                     ("short", _dtype.int16), ("bool", _dtype.bool_)]:
        setattr(T, name, _cast_method(dt))
    T.T = property(_T)
    T.mT = property(_mT)
    for name in _METHODS:
        setattr(T, name, globals()[name])
    for name in _INPLACE:
        setattr(T, name + "_", _inplace(globals()[name]))
    T.__iadd__ = T.add_
    T.__isub__ = T.sub_
    T.__imul__ = T.mul_
    T.__itruediv__ = T.div_
    T.zero_, T.fill_, T.copy_ = zero_, fill_, copy_
    T.relu_ = _inplace(relu)
    T.clamp_min_ = _inplace(clamp_min)


_METHODS = """add sub subtract mul multiply div divide true_divide pow square neg negative
exp expm1 log log1p log2 sqrt rsqrt reciprocal sin cos tan tanh sigmoid abs absolute relu sign
floor ceil round clamp clip clamp_min clamp_max maximum minimum eq ne lt le gt ge greater
greater_equal less less_equal not_equal logical_and logical_or logical_xor logical_not isnan
isinf isfinite equal isclose allclose all any argmax argmin sum mean prod max min amax amin
norm logsumexp softmax log_softmax var std matmul mm mv bmm dot inner outer ger reshape view
view_as reshape_as flatten transpose swapaxes swapdims t permute squeeze unsqueeze expand
expand_as broadcast_to contiguous clone to type_as floor_divide remainder fmod split
chunk unbind movedim moveaxis diag diagonal nonzero""".split()

_INPLACE = """add sub mul div pow neg exp log sqrt sin cos tanh sigmoid abs clamp clip
floor ceil round sign""".split()

_bind()

__all__ = [n for n, v in list(globals().items())
           if not n.startswith("_") and callable(v) and getattr(v, "__module__", None) == __name__]
