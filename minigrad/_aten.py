"""ATen: the operators PyTorch's dispatcher sees, for ``make_fx`` and ``functionalize``.

PyTorch's Python API (``x.reshape(-1)``, ``x[0]``, ``1 - x``) is implemented by a
smaller set of *ATen operators*, each named by an overload (``aten.view.default``,
``aten.select.int``, ``aten.rsub.Scalar``).  Transforms that see programs as graphs
work at that level: ``make_fx`` records each ATen call, and ``functionalize``
rewrites the in-place ones.  minigrad's primitives (rules.py) are the wrong level for
this: a primitive gets its arguments already worked out (``view(-1)`` reaches the
reshape primitive as the shape ``(2,)``, ``x.sum(-1)`` as the axis ``1``), and PyTorch
prints the arguments as the user gave them.

So this module has three parts:

* ``EAGER``: each supported ATen overload, run by minigrad's own functions on
  ordinary Tensors (what ``call`` does when no transform is active);
* :class:`Wrapped`, the Tensor subclass a transform hands to the user's function: its
  methods and operators turn each call of PyTorch's API into the ATen calls PyTorch
  makes for it (as PyTorch's CompositeImplicit decompositions do: ``x.T`` is a
  ``permute``, ``x.reshape`` a ``view`` or a copy and an ``_unsafe_view``), and
  ``torch.<name>`` functions are routed there while a transform runs (``patched``);
* ``call(op, *args)``: the dispatcher.  It gives the call to the innermost active
  transform (a :class:`Layer`) that owns one of the arguments, as func.vmap's levels
  do (batching.py); a layer does its work and calls ``call`` again on the values it
  wraps, down to ``EAGER``.

A Wrapped tensor has no array of its own: any minigrad function that is not listed
here and reads one raises NotImplementedError (rather than compute outside the trace).
"""

from __future__ import annotations

import builtins
import contextlib
import math

import numpy as np

from . import _dtype, engine, ops
from . import creation as _creation
from .tensor import Size, Tensor

INT_MAX = 9223372036854775807  # the end of an open slice, as ATen prints it


class _MemoryFormat:
    def __repr__(self) -> str:
        return "torch.contiguous_format"


CONTIGUOUS = _MemoryFormat()


class _Layout:
    def __repr__(self) -> str:
        return "torch.strided"


STRIDED = _Layout()


# The operators, run eagerly on Tensors ----------------------------------------------------

def _dim(d: int, ndim: int) -> int:
    return d % ndim if ndim else 0


def _index(x: Tensor, dim: int, item) -> tuple:
    return (slice(None),) * _dim(dim, x.ndim) + (item,)


def _contiguous_copy(x: Tensor) -> Tensor:
    """A copy in row-major order (``clone(memory_format=torch.contiguous_format)``)."""
    y = ops.clone(x)
    return y if y.is_contiguous() else ops.contiguous(y)


def _clone(x, memory_format=None):
    """A copy with the strides of ``x`` if it is dense, else row-major (ATen's clone)."""
    dense = all(s or n < 2 for s, n in zip(x._data.strides, x.shape, strict=True))
    return ops.clone(x) if memory_format is None and dense else _contiguous_copy(x)


def _scatter(base: Tensor, src: Tensor, index) -> Tensor:
    out = ops.clone(base)
    out[index] = src
    return out


def _diagonal_scatter(base, src, offset=0, dim1=0, dim2=1):
    out = ops.clone(base)
    ops.diagonal(out, offset, dim1, dim2).copy_(src)
    return out


def _copy(x: Tensor, src: Tensor) -> Tensor:
    """``copy.default``: what ``x.copy_(src)`` would hold, as a new tensor."""
    return ops.clone(ops.expand(ops.to(src, x.dtype), x.shape))


def _slice(x, dim=0, start=None, end=None, step=1):
    return x[_index(x, dim, slice(start, end, step))]


# The view operators (their ``_copy`` variants are added below) and what each does.
VIEWS = {
    "view.default": lambda x, size: ops.view(x, size),
    "t.default": ops.t,
    "transpose.int": ops.transpose,
    "permute.default": ops.permute,
    "unsqueeze.default": ops.unsqueeze,
    "squeeze.default": ops.squeeze,
    "squeeze.dim": ops.squeeze,
    "squeeze.dims": lambda x, dims: ops.squeeze(x, tuple(dims)),
    "expand.default": lambda x, size: ops.expand(x, size),
    "select.int": lambda x, dim, index: x[_index(x, dim, index)],
    "slice.Tensor": _slice,
    "alias.default": lambda x: x[...],
    "diagonal.default": ops.diagonal,
}

EAGER = {
    **VIEWS,
    "add.Tensor": ops.add,
    "sub.Tensor": ops.sub,
    "rsub.Scalar": ops.rsub,
    "mul.Tensor": ops.mul,
    "div.Tensor": ops.div,
    "pow.Tensor_Scalar": ops.pow,
    "pow.Tensor_Tensor": ops.pow,
    "pow.Scalar": ops.pow,
    "maximum.default": ops.maximum,
    "minimum.default": ops.minimum,
    "clamp.default": ops.clamp,
    "clamp_min.default": ops.clamp_min,
    "clamp_max.default": ops.clamp_max,
    "where.self": ops.where,
    "sum.default": ops.sum,
    "sum.dim_IntList": lambda x, dim, keepdim=False: ops.sum(x, tuple(dim), keepdim),
    "mean.default": ops.mean,
    "mean.dim": lambda x, dim, keepdim=False: ops.mean(x, tuple(dim), keepdim),
    "amax.default": lambda x, dim=(), keepdim=False: ops.amax(x, tuple(dim), keepdim),
    "amin.default": lambda x, dim=(), keepdim=False: ops.amin(x, tuple(dim), keepdim),
    "max.default": ops.max,
    "min.default": ops.min,
    "prod.default": ops.prod,
    "_softmax.default": lambda x, dim, half_to_float: ops.softmax(x, dim),
    "_log_softmax.default": lambda x, dim, half_to_float: ops.log_softmax(x, dim),
    "mm.default": ops.mm,
    "mv.default": ops.mv,
    "dot.default": ops.dot,
    "_unsafe_view.default": lambda x, size: ops.reshape(x, size),
    "clone.default": _clone,
    "_to_copy.default": lambda x, dtype, layout=None: ops.clone(ops.to(x, dtype)),
    "cat.default": lambda tensors, dim=0: ops.cat(tensors, dim),
    "stack.default": lambda tensors, dim=0: ops.stack(tensors, dim),
    "select_scatter.default": lambda b, s, dim, index: _scatter(b, s, _index(b, dim, index)),
    "slice_scatter.default": lambda b, s, dim=0, start=None, end=None, step=1: _scatter(
        b, s, _index(b, dim, slice(start, end, step))),
    "diagonal_scatter.default": _diagonal_scatter,
    "copy.default": _copy,
    "zero.default": _creation.zeros_like,
    "fill.Scalar": _creation.full_like,
    # in place: each changes its first argument and returns it
    "copy_.default": lambda x, src: x.copy_(src),
    "zero_.default": lambda x: x.zero_(),
    "fill_.Scalar": lambda x, value: x.fill_(value),
    "pow_.Scalar": lambda x, e: x.pow_(e),
    "pow_.Tensor": lambda x, e: x.pow_(e),
    "clamp_.default": lambda x, *bounds: x.clamp_(*bounds),
    "logsumexp.default": lambda x, dim, keepdim=False: ops.logsumexp(x, tuple(dim), keepdim),
    "var.correction": lambda x, dim=None, *, correction=1, keepdim=False: ops.var(
        x, None if dim is None else tuple(dim), correction=correction, keepdim=keepdim),
    "std.correction": lambda x, dim=None, *, correction=1, keepdim=False: ops.std(
        x, None if dim is None else tuple(dim), correction=correction, keepdim=keepdim),
    "linalg_vector_norm.default": lambda x, ord=2, dim=None, keepdim=False: ops.norm(  # noqa: A006
        x, ord, None if dim is None else tuple(dim), keepdim),
    "leaky_relu.default": lambda x, slope=0.01: _functional().leaky_relu(x, slope),
    "softplus.default": lambda x: _functional().softplus(x),
    "mse_loss.default": lambda x, t, reduction=1: _functional().mse_loss(
        x, t, reduction=("none", "mean", "sum")[reduction]),
    # factories: no tensor argument
    "scalar_tensor.default": lambda v, dtype=None, layout=None, device=None: _creation.tensor(
        v, dtype=dtype),
}
FACTORIES = {"scalar_tensor.default"}


def _functional():
    from .nn import functional

    return functional
# (add, sub: their alpha is a keyword, as ATen's; mul, div: none)
for _name in ("add", "sub", "mul", "div"):
    EAGER[f"{_name}_.Tensor"] = getattr(Tensor, _name + "_")
UNARY = ("exp expm1 log log1p log2 sqrt rsqrt reciprocal sin cos tan tanh sigmoid relu abs "
         "neg sign floor ceil round").split()
COMPARISONS = ("eq", "ne", "lt", "le", "gt", "ge")
for _name in UNARY:
    EAGER[f"{_name}.default"] = getattr(ops, _name)
for _name in "exp log sqrt sin cos tanh sigmoid abs neg floor ceil round sign relu".split():
    EAGER[f"{_name}_.default"] = getattr(Tensor, _name + "_")
for _name in COMPARISONS:
    EAGER[f"{_name}.Tensor"] = EAGER[f"{_name}.Scalar"] = getattr(ops, _name)
for _op, _fn in list(VIEWS.items()):  # view_copy.default, t_copy.default, ...
    _packet, _overload = _op.split(".")
    EAGER[f"{_packet}_copy.{_overload}"] = (lambda fn: lambda *a: _contiguous_copy(fn(*a)))(_fn)


def copy_variant(op: str) -> str:
    """``view.default`` -> ``view_copy.default``: the view's non-aliasing twin."""
    packet, overload = op.split(".")
    return f"{packet}_copy.{overload}"


def is_inplace(op: str) -> bool:
    return op.split(".")[0].endswith("_")


def out_of_place(op: str) -> str:
    """``add_.Tensor`` -> ``add.Tensor``: the in-place op's functional twin."""
    packet, overload = op.split(".")
    if packet == "pow_":
        return "pow.Tensor_Scalar" if overload == "Scalar" else "pow.Tensor_Tensor"
    return f"{packet[:-1]}.{overload}"


# The dispatcher ---------------------------------------------------------------------------

class Layer:
    """An active transform (make_fx's tracer, functionalize): it handles the ATen calls
    that have one of its own Wrapped tensors among their arguments."""

    level = 0

    def handle(self, op: str, args: tuple, kwargs: dict):
        raise NotImplementedError


_ACTIVE: list[Layer] = []  # innermost last


@contextlib.contextmanager
def active(layer: Layer):
    layer.level = len(_ACTIVE) + 1
    _ACTIVE.append(layer)
    try:
        with patched():
            yield layer
    finally:
        _ACTIVE.pop()


def leaves(args):
    """The arguments, with the tensors of lists and tuples (cat's) among them."""
    for a in args:
        if isinstance(a, (list, tuple)):
            yield from a
        else:
            yield a


def call(op: str, *args, **kwargs):
    """Run the ATen overload ``op`` (``"add.Tensor"``): by the innermost transform that
    owns an argument, or eagerly."""
    top = None
    for a in leaves(args):
        if isinstance(a, Wrapped) and a._layer in _ACTIVE and (top is None
                                                             or a._layer.level > top.level):
            top = a._layer
    if top is None and op in FACTORIES and _ACTIVE:  # (no tensor: the innermost transform)
        top = _ACTIVE[-1]
    if top is None:
        return EAGER[op](*args, **kwargs)
    return top.handle(op, args, kwargs)


def call_below(layer: Layer, op: str, *args, **kwargs):
    """A factory ``op`` run by the transforms inside which ``layer`` runs (or eagerly)."""
    below = [t for t in _ACTIVE if t.level < layer.level]
    return below[-1].handle(op, args, kwargs) if below else EAGER[op](*args, **kwargs)


def plain(x: Tensor) -> Tensor:
    """The ordinary Tensor at the bottom of a stack of wrappers."""
    while isinstance(x, Wrapped):
        x = x._inner
    return x


# The wrapper: PyTorch's API as ATen calls -------------------------------------------------

NOT_TRACED = ("minigrad's make_fx and functionalize do not support this operation on their "
              "tensors (only the methods, operators and torch functions of minigrad/_aten.py, "
              "each recorded as the ATen operators PyTorch would record)")


def _refuse(self):
    raise NotImplementedError(NOT_TRACED)


def _shape(shape) -> list:
    """``f(2, 3)``, ``f((2, 3))``, ``f([2, 3])`` and ``f(Size)`` all mean [2, 3]."""
    if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
        shape = shape[0]
    return [builtins.int(s) for s in shape]


def _dims(dim) -> list:
    return [dim] if isinstance(dim, builtins.int) else list(dim)


def _unsupported(what: str):
    raise NotImplementedError(f"minigrad's make_fx and functionalize do not support {what}")


class Wrapped(Tensor):
    """A tensor of a transform (``_layer``), standing for the value ``_inner``."""

    __slots__ = ("_inner", "_layer")
    _data = property(_refuse)

    def __init__(self, inner, layer: Layer) -> None:
        self._inner = inner
        self._layer = layer
        self._node = None
        self._requires_grad = False
        self._vbox = engine.NEVER_CHANGED

    def __new__(cls, *args, **kwargs):
        return object.__new__(cls)

    # What a transform may read: the value's metadata
    @property
    def shape(self) -> Size:
        return self._inner.shape

    def size(self, dim=None):
        return self._inner.size() if dim is None else self._inner.size(dim)

    @property
    def ndim(self) -> int:
        return self._inner.ndim

    def dim(self) -> int:
        return self._inner.ndim

    def numel(self) -> int:
        return self._inner.numel()

    def __len__(self) -> int:
        return len(self._inner)

    @property
    def dtype(self):
        return self._inner.dtype

    def _memory(self) -> np.ndarray:
        """An array laid out in memory as this tensor's would be (its strides)."""
        return plain(self)._data

    def is_contiguous(self) -> bool:
        return self._memory().flags.c_contiguous

    def _viewable(self, shape) -> bool:
        try:
            np.reshape(self._memory(), ops._infer_shape(shape, self.numel()), copy=False)
        except ValueError:
            return False
        return True

    def __repr__(self) -> str:
        return f"{type(self).__name__}({plain(self)!r})"

    # Arithmetic
    def add(self, other, *, alpha=1):
        return call("add.Tensor", self, other, **({"alpha": alpha} if alpha != 1 else {}))

    def sub(self, other, *, alpha=1):
        return call("sub.Tensor", self, other, **({"alpha": alpha} if alpha != 1 else {}))

    def mul(self, other):
        return call("mul.Tensor", self, other)

    def div(self, other, *, rounding_mode=None):
        if rounding_mode is not None:
            _unsupported("div's rounding_mode")
        return call("div.Tensor", self, other)

    __add__ = __radd__ = add
    __sub__ = subtract = sub
    __mul__ = __rmul__ = multiply = mul
    __truediv__ = divide = true_divide = div

    def __rsub__(self, other):
        return call("rsub.Scalar", self, other)

    def __rtruediv__(self, other):
        return call("mul.Tensor", call("reciprocal.default", self), other)

    def pow(self, exponent):
        if isinstance(exponent, Tensor):
            return call("pow.Tensor_Tensor", self, exponent)
        return call("pow.Tensor_Scalar", self, exponent)

    __pow__ = pow  # noqa: A003

    def __rpow__(self, base):
        return call("pow.Scalar", base, self)

    def square(self):
        return call("pow.Tensor_Scalar", self, 2)

    def __neg__(self):
        return call("neg.default", self)

    def __pos__(self):
        return self

    __abs__ = lambda self: call("abs.default", self)  # noqa: E731

    def maximum(self, other):
        return call("maximum.default", self, other)

    def minimum(self, other):
        return call("minimum.default", self, other)

    def clamp(self, min=None, max=None):  # noqa: A002
        if isinstance(min, Tensor) or isinstance(max, Tensor):
            _unsupported("clamp by tensors")
        args = (min,) if max is None else (min, max)
        return call("clamp.default", self, *args)

    clip = clamp

    def clamp_min(self, min):  # noqa: A002
        return call("clamp_min.default", self, min)

    def clamp_max(self, max):  # noqa: A002
        return call("clamp_max.default", self, max)

    # Reductions
    def _reduce(self, name, dim, keepdim, dtype=None):
        if dtype is not None:
            _unsupported(f"{name}'s dtype")
        if dim is None:
            if keepdim:
                _unsupported(f"{name}(keepdim=True) over all dims")
            return call(f"{name}.default", self)
        tail = (True,) if keepdim else ()
        return call(f"{name}.{'dim_IntList' if name == 'sum' else 'dim'}", self, _dims(dim), *tail)

    def sum(self, dim=None, keepdim=False, *, dtype=None):
        return self._reduce("sum", dim, keepdim, dtype)

    def mean(self, dim=None, keepdim=False, *, dtype=None):
        return self._reduce("mean", dim, keepdim, dtype)

    def amax(self, dim=(), keepdim=False):
        args = ([_dims(dim)] if dim != () or keepdim else []) + ([True] if keepdim else [])
        return call("amax.default", self, *args)

    def amin(self, dim=(), keepdim=False):
        args = ([_dims(dim)] if dim != () or keepdim else []) + ([True] if keepdim else [])
        return call("amin.default", self, *args)

    def max(self, dim=None, keepdim=False, *, other=None):
        if dim is not None or other is not None:
            _unsupported("max(dim) or max(other)")
        return call("max.default", self)

    def min(self, dim=None, keepdim=False, *, other=None):
        if dim is not None or other is not None:
            _unsupported("min(dim) or min(other)")
        return call("min.default", self)

    def prod(self, dim=None, keepdim=False, *, dtype=None):
        if dim is not None or dtype is not None:
            _unsupported("prod(dim)")
        return call("prod.default", self)

    def logsumexp(self, dim, keepdim=False):
        return call("logsumexp.default", self, _dims(dim), *([True] if keepdim else []))

    def _moments(self, name, dim, correction, keepdim, unbiased):
        if dim is None and correction is None and unbiased is None and not keepdim:
            return call(f"{name}.correction", self)
        if correction is None:
            correction = 0 if unbiased is False else 1
        kwargs = {"correction": correction, **({"keepdim": True} if keepdim else {})}
        return call(f"{name}.correction", self, *([] if dim is None else [_dims(dim)]), **kwargs)

    def var(self, dim=None, *, correction=None, keepdim=False, unbiased=None):
        return self._moments("var", dim, correction, keepdim, unbiased)

    def std(self, dim=None, *, correction=None, keepdim=False, unbiased=None):
        return self._moments("std", dim, correction, keepdim, unbiased)

    def norm(self, p="fro", dim=None, keepdim=False, dtype=None):
        if isinstance(p, str) and p != "fro" or dtype is not None:
            _unsupported(f"norm(p={p!r}) or norm's dtype")
        p = 2 if p == "fro" else p
        if dim is None and not keepdim:
            return call("linalg_vector_norm.default", self, *([] if p == 2 else [p]))
        args = [p, None if dim is None else _dims(dim)] + ([True] if keepdim else [])
        return call("linalg_vector_norm.default", self, *args)

    def softmax(self, dim, dtype=None):
        if dtype is not None:
            _unsupported("softmax's dtype")
        return call("_softmax.default", self, dim, False)

    def log_softmax(self, dim, dtype=None):
        if dtype is not None:
            _unsupported("log_softmax's dtype")
        return call("_log_softmax.default", self, dim, False)

    # Matrix products
    def matmul(self, other):
        nd = (self.ndim, other.ndim)
        name = {(2, 2): "mm.default", (2, 1): "mv.default", (1, 1): "dot.default"}.get(nd)
        if name is None:
            _unsupported(f"matmul of a {nd[0]}-d and a {nd[1]}-d tensor")
        return call(name, self, other)

    __matmul__ = matmul

    def __rmatmul__(self, other):
        return Wrapped.matmul(other, self)

    def mm(self, mat2):
        return call("mm.default", self, mat2)

    def mv(self, vec):
        return call("mv.default", self, vec)

    def dot(self, other):
        return call("dot.default", self, other)

    # Shapes: the view operators
    def view(self, *shape):
        if len(shape) == 1 and not isinstance(shape[0], (builtins.int, list, tuple)):
            _unsupported("view(dtype)")
        return call("view.default", self, _shape(shape))

    def reshape(self, *shape):
        shape = _shape(shape)
        if self._viewable(shape):
            return call("view.default", self, shape)
        copy = call("clone.default", self, memory_format=CONTIGUOUS)
        return call("_unsafe_view.default", copy, list(ops._infer_shape(shape, self.numel())))

    def view_as(self, other):
        return self.view(list(other.shape))

    def reshape_as(self, other):
        return self.reshape(list(other.shape))

    def flatten(self, start_dim=0, end_dim=-1):
        if self.ndim == 0:
            return self.reshape(1)
        s, e = _dim(start_dim, self.ndim), _dim(end_dim, self.ndim)
        if s == e:
            return self
        shape = list(self.shape)
        return self.reshape(shape[:s] + [math.prod(shape[s:e + 1])] + shape[e + 1:])

    def t(self):
        return call("t.default", self)

    def transpose(self, dim0, dim1):
        return call("transpose.int", self, dim0, dim1)

    swapaxes = swapdims = transpose

    def permute(self, *dims):
        return call("permute.default", self, _shape(dims))

    def movedim(self, source, destination):
        src = [_dim(d, self.ndim) for d in _dims(source)]
        dst = [_dim(d, self.ndim) for d in _dims(destination)]
        order = [d for d in range(self.ndim) if d not in src]
        for d, s in sorted(zip(dst, src, strict=True)):
            order.insert(d, s)
        return call("permute.default", self, order)

    moveaxis = movedim

    @property
    def T(self):  # noqa: N802 (PyTorch's name)
        return call("permute.default", self, list(range(self.ndim - 1, -1, -1)))

    @property
    def mT(self):  # noqa: N802
        return call("transpose.int", self, -2, -1)

    def unsqueeze(self, dim):
        return call("unsqueeze.default", self, dim)

    def squeeze(self, dim=None):
        if dim is None:
            return call("squeeze.default", self)
        if isinstance(dim, builtins.int):
            return call("squeeze.dim", self, dim)
        return call("squeeze.dims", self, list(dim))

    def expand(self, *sizes):
        return call("expand.default", self, _shape(sizes))

    def broadcast_to(self, *shape):
        return call("expand.default", self, _shape(shape))

    def expand_as(self, other):
        return self.expand(list(other.shape))

    def diagonal(self, offset=0, dim1=0, dim2=1):
        args = [offset, dim1, dim2]
        while args and args[-1] == (0, 0, 1)[len(args) - 1]:  # (trailing defaults dropped)
            args.pop()
        return call("diagonal.default", self, *args)

    def contiguous(self, memory_format=None):
        return self if self.is_contiguous() else call("clone.default", self,
                                                      memory_format=CONTIGUOUS)

    def clone(self, memory_format=None):
        return call("clone.default", self)

    def __getitem__(self, idx):
        lone = not isinstance(idx, tuple)
        items = (idx,) if lone else idx
        if builtins.any(isinstance(i, (Tensor, list, np.ndarray)) or i is True or i is False
                        for i in items):
            _unsupported("indexing by tensors or lists")
        out, dim = self, 0
        for item in items:
            if item is Ellipsis:  # (it stands for the dims the other items leave)
                used = builtins.sum(1 for i in items if i is not None and i is not Ellipsis)
                dim += self.ndim - used
            elif item is None:
                out = call("unsqueeze.default", out, dim)
                dim += 1
            elif isinstance(item, builtins.int):
                out = call("select.int", out, dim, item)
            elif isinstance(item, slice):
                start = 0 if item.start is None else item.start
                stop = INT_MAX if item.stop is None else item.stop
                step = 1 if item.step is None else item.step
                if lone or not (start == 0 and stop >= out.shape[dim] and step == 1):
                    tail = [step] if step != 1 else []
                    out = call("slice.Tensor", out, dim, start, stop, *tail)
                dim += 1
            else:
                _unsupported(f"indexing by {type(item).__name__}")
        return call("alias.default", self) if out is self else out

    def __setitem__(self, idx, value):
        if not isinstance(value, Tensor):
            _unsupported("assigning a number by indexing (PyTorch records a constant tensor)")
        call("copy_.default", self[idx], value)

    # Comparisons
    def _compare(self, name, other):
        return call(f"{name}.{'Tensor' if isinstance(other, Tensor) else 'Scalar'}", self, other)

    __eq__ = eq = lambda self, other: self._compare("eq", other)  # noqa: E731
    __ne__ = ne = lambda self, other: self._compare("ne", other)  # noqa: E731
    __lt__ = lt = lambda self, other: self._compare("lt", other)  # noqa: E731
    __le__ = le = lambda self, other: self._compare("le", other)  # noqa: E731
    __gt__ = gt = lambda self, other: self._compare("gt", other)  # noqa: E731
    __ge__ = ge = lambda self, other: self._compare("ge", other)  # noqa: E731
    greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne
    __hash__ = Tensor.__hash__

    # Casts
    def to(self, *args, **kwargs):
        dtype = kwargs.get("dtype", args[0] if args else None)
        if len(args) + len(kwargs) != 1 or not isinstance(dtype, type(self.dtype)):
            _unsupported("to() but for to(dtype)")
        return self if dtype == self.dtype else call("_to_copy.default", self, dtype=dtype)

    def float(self):
        return self.to(_dtype.float32)

    def double(self):
        return self.to(_dtype.float64)

    # In place
    def add_(self, other, *, alpha=1):
        return call("add_.Tensor", self, other, **({"alpha": alpha} if alpha != 1 else {}))

    def sub_(self, other, *, alpha=1):
        return call("sub_.Tensor", self, other, **({"alpha": alpha} if alpha != 1 else {}))

    def mul_(self, other):
        return call("mul_.Tensor", self, other)

    def div_(self, other):
        return call("div_.Tensor", self, other)

    __iadd__, __isub__, __imul__, __itruediv__ = add_, sub_, mul_, div_

    def pow_(self, exponent):
        return call("pow_.Tensor" if isinstance(exponent, Tensor) else "pow_.Scalar", self,
                    exponent)

    def clamp_(self, min=None, max=None):  # noqa: A002
        return call("clamp_.default", self, *((min,) if max is None else (min, max)))

    def zero_(self):
        return call("zero_.default", self)

    def fill_(self, value):
        if isinstance(value, Tensor):
            _unsupported("fill_ by a tensor")
        return call("fill_.Scalar", self, value)

    def copy_(self, src, non_blocking=False):
        return call("copy_.default", self, src)


def _unary(name: str):
    return lambda self: call(f"{name}.default", self)


for _name in UNARY:
    setattr(Wrapped, _name, _unary(_name))
for _name in "exp log sqrt sin cos tanh sigmoid abs neg floor ceil round sign relu".split():
    setattr(Wrapped, _name + "_", _unary(_name + "_"))
Wrapped.absolute, Wrapped.negative = Wrapped.abs, Wrapped.neg


# torch.<name>(...) on a transform's tensors --------------------------------------------------

def _where(condition, input=None, other=None):  # noqa: A002
    """where.self; a number becomes a tensor of the other's dtype (``scalar_tensor``)."""
    tensors = [t for t in (input, other) if isinstance(t, Tensor)]
    if not tensors or not tensors[0].dtype.is_floating_point:
        _unsupported("where with no tensor of floats to choose from")

    def tensor(v):
        if isinstance(v, Tensor):
            return v
        return call("scalar_tensor.default", v, dtype=tensors[0].dtype, layout=STRIDED,
                    device=plain(tensors[0]).device)

    return call("where.self", condition, tensor(input), tensor(other))


def _cat(tensors, dim=0):
    return call("cat.default", list(tensors), *([dim] if dim != 0 else []))


def _stack(tensors, dim=0):
    return call("stack.default", list(tensors), *([dim] if dim != 0 else []))


def _relu(input, inplace=False):  # noqa: A002 (torch.nn.functional.relu)
    return input.relu_() if inplace else input.relu()


def _softmax(input, dim=None, _stacklevel=3, dtype=None):  # noqa: A002 (F.softmax)
    return input.softmax(dim, dtype)


def _log_softmax(input, dim=None, _stacklevel=3, dtype=None):  # noqa: A002
    return input.log_softmax(dim, dtype)


SPECIAL = {"where": _where, "cat": _cat, "concat": _cat, "concatenate": _cat, "stack": _stack}
def _leaky_relu(input, negative_slope=0.01, inplace=False):  # noqa: A002
    if inplace:
        _unsupported("leaky_relu(inplace=True)")
    return call("leaky_relu.default", input, *([negative_slope] if negative_slope != 0.01 else []))


def _softplus(input, beta=1.0, threshold=20.0):  # noqa: A002
    if (beta, threshold) != (1.0, 20.0):
        _unsupported("softplus's beta and threshold")
    return call("softplus.default", input)


def _mse_loss(input, target, reduction="mean"):  # noqa: A002
    code = {"none": 0, "mean": 1, "sum": 2}[reduction]
    return call("mse_loss.default", input, target, *([code] if code != 1 else []))


FUNCTIONAL = {"relu": _relu, "softmax": _softmax, "log_softmax": _log_softmax,
              "leaky_relu": _leaky_relu, "softplus": _softplus, "mse_loss": _mse_loss}
# The torch functions that are methods of the first argument
METHODS = ("""add sub subtract mul multiply div divide true_divide pow square neg negative
maximum minimum clamp clip clamp_min clamp_max sum mean amax amin max min prod softmax
log_softmax matmul mm mv dot reshape flatten t transpose swapaxes swapdims permute movedim
moveaxis unsqueeze squeeze diagonal clone eq ne lt le gt ge absolute logsumexp var std norm
broadcast_to""".split() + UNARY)


def _routed(original, method):
    """``torch.<name>``: on a transform's tensor, the Wrapped method; else the original."""
    def fn(*args, **kwargs):
        if builtins.any(isinstance(a, Wrapped) for a in leaves(args)):
            return method(*args, **kwargs)
        return original(*args, **kwargs)

    fn.__name__ = getattr(original, "__name__", "fn")
    fn.__doc__ = original.__doc__
    fn.__wrapped__ = original
    return fn


def routed(f):
    """The Wrapped method for a torch function given to a transform itself
    (``make_fx(torch.sin)``); any other function as it is."""
    import minigrad

    for name in METHODS:
        if getattr(minigrad, name, None) is f:
            return getattr(Wrapped, name)
    for name, fn in SPECIAL.items():
        if getattr(minigrad, name, None) is f:
            return fn
    return f


_patch_depth = [0]


@contextlib.contextmanager
def patched():
    """While a transform runs, ``torch.sin(x)`` and the like reach Wrapped's methods, as
    ``x.sin()`` does (FX's own tracer patches functions in the same way)."""
    import minigrad
    from minigrad.nn import functional

    _patch_depth[0] += 1
    saved = []
    if _patch_depth[0] == 1:
        table = [(minigrad, name, getattr(Wrapped, name)) for name in METHODS]
        table += [(minigrad, name, fn) for name, fn in SPECIAL.items()]
        table += [(functional, name, fn) for name, fn in FUNCTIONAL.items()]
        table += [(functional, name, getattr(Wrapped, name)) for name in ("sigmoid", "tanh")]
        for module, name, method in table:
            original = getattr(module, name, None)
            if original is not None:
                saved.append((module, name, original))
                setattr(module, name, _routed(original, method))
    try:
        yield
    finally:
        for module, name, original in saved:
            setattr(module, name, original)
        _patch_depth[0] -= 1
