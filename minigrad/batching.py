"""Batching: what makes ``func.vmap`` a transform rather than a loop.

Inside ``vmap``, a :class:`BatchedTensor` stands for one example of a batch: its
``shape`` is an example's, while its ``_phys``, an ordinary Tensor, holds the
whole batch along its dim ``_bdim``; ``_value`` is that batch along dim 0 (a
permute, when the batch lies elsewhere).  Each running vmap has its own *level*
(how deeply it is nested: 1 for the outermost), and nested vmaps nest wrappers:
the value of a level-2 BatchedTensor may be a level-1 one, never the other way
round (the outermost wrapper has the largest level).  This is functorch's
design, in small.

A primitive applied to a BatchedTensor goes to its *batching rule*
(``Primitive.batch``, the table at the end of this file).  The rule takes the
values of the inputs batched at the highest level among them and computes the
whole batch with one call of the primitive on those values (which may be
batched at lower levels: that call dispatches again, one level down).  Most
rules take the batch along dim 0 (``_value``), and only say where its axis goes:

* unary elementwise ops: nowhere; they run on the batch as it lies (``_phys``),
  so an ``in_dims=1`` input stays batched along dim 1 until an op needs the
  batch in front, as in PyTorch (and vmap's result is moved to ``out_dims``
  from where the batch is: a ``PermuteBackward0`` exactly where PyTorch has one);
* other elementwise ops: broadcasting does it, once the batched inputs' example
  axes are padded to a common rank (an unbatched input broadcasts over the batch);
* reductions, softmax, transpose, permute, cat, stack: their dims move up by one;
* reshape, expand, sum_to: their shapes get the batch size in front; squeeze
  keeps the batch where it lies;
* indexing: a full slice in front of the index;
* matmul: vectors made matrices, the batch a broadcast dim of the product.

A primitive without a rule runs once per example and the results are stacked
(correct, slow).

Autograd only ever records the values: the graph is made of ordinary Tensors
and the primitives the rules called.  A BatchedTensor meets the engine only as
a cotangent (``jacrev`` maps ``vjp`` over the rows of an identity) or a tangent
(``jacfwd`` maps ``jvp`` over its columns): the VJP and JVP rules then run on
Tensors, so their own ops are batched.  (Hence, in func.py, a reverse transform
inside a user's vmap batches its inputs at that vmap's level first: the graph's
gradient w.r.t. an input shared by the batch would be summed over the batch.)

Where it differs from PyTorch: NumPy's results keep their inputs' layout where
ATen's kernels may write a new contiguous tensor (the rules of reductions,
softmax, cat, stack and matmul make theirs contiguous; other ops, and these
outside vmap, may differ in ``is_contiguous()``); an
in-place op that autograd records moves a batch that is not along dim 0 there
for good (PyTorch records it into the batch where it lies, as ``CopySlices``:
here the result's ``grad_fn`` is the op's, and ``vmap(f, in_dims=1,
out_dims=1)`` of an ``f`` that returns its input so modified is a permuted view,
not the input itself); a reshape that must copy records no
``CloneBackward0`` before its ``UnsafeViewBackward0`` (outside vmap too), and
a few rules name their node as the example's op where PyTorch's rule calls
another (``mv`` of a permuted batch, ``max()``, ``F.linear``); ops.py's functions
that read arrays rather than call primitives (argmax, nll_loss, max(dim),
indexing by batched indices) run one example at a time.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from . import rules
from .tensor import Size, Tensor


def _delegated(name: str) -> property:
    """An attribute that is the batch's (the graph node, requires_grad...); setting the
    node (an in-place op's) first moves the batch to dim 0 for good."""
    def set_(self, v):
        if name == "_node":
            self._to_front()
        setattr(self._phys, name, v)

    return property(lambda self: getattr(self._phys, name), set_)


class BatchedTensor(Tensor):
    """One example of a batch (``shape`` is an example's) inside ``vmap``, for the vmap
    of level ``_level``: ``_phys`` holds the batch along its dim ``_bdim``, and
    ``_value`` is that tensor with the batch along dim 0 (a permute, if it is not)."""

    __slots__ = ("_phys", "_bdim", "_level")
    _node = _delegated("_node")
    _requires_grad = _delegated("_requires_grad")
    _vbox = _delegated("_vbox")

    @property
    def _value(self) -> Tensor:
        if self._bdim == 0:
            return self._phys
        return _moved(self._phys, self._bdim, 0)

    def _to_front(self) -> None:
        """Make ``_value`` the batch for good (before an in-place op writes into it)."""
        self._phys, self._bdim = self._value, 0

    @property
    def _data(self):
        """The whole batch's array, the batch axes in front (a view: its dtype is the
        example's, and writing into it writes into the batch)."""
        data = self._phys._data
        lead = data.ndim - self._phys.ndim  # (the axes of the vmaps outside this one)
        return np.moveaxis(data, lead + self._bdim, lead) if self._bdim else data

    @property
    def shape(self) -> Size:
        shape = self._phys.shape
        return Size(shape[:self._bdim] + shape[self._bdim + 1:])

    @property
    def ndim(self) -> int:
        return self._phys.ndim - 1

    def dim(self) -> int:
        return self._phys.ndim - 1

    def size(self, dim: int | None = None):
        from .ops import _dim

        return self.shape if dim is None else self.shape[_dim(dim, self.ndim)]

    def numel(self) -> int:
        return math.prod(self.shape)

    nelement = numel

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    def _graph_node(self):
        return self._value._graph_node()

    def detach(self) -> BatchedTensor:
        return _make(self._phys.detach(), self._level, self._bdim)

    def requires_grad_(self, requires_grad: bool = True) -> BatchedTensor:
        self._phys.requires_grad_(requires_grad)
        return self

    def is_contiguous(self) -> bool:
        """Whether an example is (PyTorch's answer, from the strides without the batch's)."""
        data = self._data
        lead = data.ndim - self.ndim
        return data.size == 0 or data[(0,) * lead].flags.c_contiguous

    def contiguous(self) -> BatchedTensor:
        return _make(self._value.contiguous(), self._level)

    def item(self):
        raise RuntimeError(
            "vmap: It looks like you're calling .item() on a Tensor. We don't support vmap "
            "over calling .item() on a Tensor, please try to rewrite what you're doing with "
            "other operations. If error is occurring somewhere inside PyTorch internals, "
            "please file a bug report.")

    def __bool__(self) -> bool:
        raise RuntimeError(
            "vmap: It looks like you're attempting to use a Tensor in some data-dependent "
            "control flow. We don't support that yet, please file an issue at "
            "https://github.com/pytorch/pytorch/issues .")

    tolist = __float__ = __int__ = item

    def numpy(self, *, force: bool = False):
        raise RuntimeError("Cannot access data pointer of Tensor that doesn't have storage")

    __array__ = numpy

    def __repr__(self) -> str:
        value = "\n".join("    " + line if line else line
                          for line in repr(self._phys).splitlines())
        return f"BatchedTensor(lvl={self._level}, bdim={self._bdim}, value=\n{value}\n)"

    __str__ = __repr__


def _make(value: Tensor, level: int, bdim: int = 0) -> BatchedTensor:
    t = object.__new__(BatchedTensor)
    t._phys, t._bdim, t._level = value, bdim, level
    return t


def _at(a, level: int) -> bool:
    """Whether ``a`` is batched at ``level`` (its outermost wrapper)."""
    return type(a) is BatchedTensor and a._level == level


def _at_level(a, level: int) -> bool:
    """Whether ``a`` is batched at ``level`` (by any of its wrappers)."""
    return level in levels(a)


# Moving batch axes in and out ---------------------------------------------------------

def _swap01(t: Tensor) -> Tensor:
    return rules.transpose.apply((t,), {"dim0": 0, "dim1": 1})


def _moved(x: Tensor, src: int, dst: int) -> Tensor:
    """``x`` with its dim ``src`` moved to ``dst`` (PyTorch's movedim: a permute)."""
    order = [d for d in range(x.ndim) if d != src]
    order.insert(dst, src)
    return rules.permute.apply((x,), {"dims": tuple(order)})


def wrap(t: Tensor, level: int, bdim: int = 0) -> BatchedTensor:
    """``t`` with its dim ``bdim`` made the batch axis of ``level`` (wrappers kept in
    order: if ``t`` is batched at a higher level, the new axis goes under that one)."""
    if type(t) is BatchedTensor and t._level > level:
        inner = _moved(t._value, bdim + 1, 0) if bdim else _swap01(t._value)
        return _make(wrap(inner, level), t._level)
    return _make(t, level, bdim)


def take(t: Tensor, level: int, size: int) -> Tensor:
    """The batch of ``level`` as dim 0 of a tensor no longer batched at ``level``
    (``t`` broadcast along a new dim 0 if it is not batched there)."""
    value, bdim = taken(t, level, size)
    return _moved(value, bdim, 0) if bdim else value


def taken(t: Tensor, level: int, size: int) -> tuple[Tensor, int]:
    """``take``'s tensor without moving its batch axis, and that axis: where the ops
    left it (what vmap moves to ``out_dims``, as PyTorch does)."""
    if type(t) is not BatchedTensor or t._level < level:
        t = rules.unsqueeze.apply((t,), {"shape": (1, *t.shape)})
        return rules.broadcast_to.apply((t,), {"shape": (size, *t.shape[1:])}), 0
    if t._level == level:
        return t._phys, t._bdim
    return _make(_swap01(take(t._value, level, size)), t._level), 0


def levels(t) -> list[int]:
    """The levels ``t`` is batched at, outermost first."""
    out = []
    while type(t) is BatchedTensor:
        out.append(t._level)
        t = t._phys
    return out


def unwrapped(t: Tensor) -> Tensor:
    """The Tensor under all of ``t``'s wrappers (the batch axes first, innermost first)."""
    while type(t) is BatchedTensor:
        t = t._value
    return t


def rewrapped(t: Tensor, like_levels: list[int]) -> Tensor:
    """The inverse of ``unwrapped``: ``t``'s leading dims made the batch axes of
    ``like_levels`` (outermost first, as ``levels`` lists them)."""
    for level in reversed(like_levels):
        t = wrap(t, level)
    return t


def unbatched_like(t: Tensor, like_levels: list[int], sizes: dict) -> Tensor:
    """``t`` (an example's shape, perhaps batched at other levels) as a tensor shaped
    like the array under wrappers of ``like_levels``: batched there (broadcast if not)."""
    for level in like_levels:
        t = take(t, level, sizes[level])
    return t


def sizes_of(t: Tensor) -> dict:
    """level -> batch size, for the levels ``t`` is batched at."""
    out = {}
    while type(t) is BatchedTensor:
        out[t._level] = t._phys.shape[t._bdim]
        t = t._phys
    return out


# Dispatch -------------------------------------------------------------------------------

def dispatch(prim, args: tuple, params: dict, name, arrays) -> BatchedTensor:
    """``prim`` on ``args``, some of them batched: by its batching rule, at the highest
    level among them (called by ``Primitive.apply``)."""
    level = max(a._level for a in (*args, params.get("cond")) if type(a) is BatchedTensor)
    if arrays is not None:  # the dtypes ops.py promoted the inputs to
        args = tuple(_promoted(a, x) for a, x in zip(args, arrays, strict=False))
    out = (prim.batch or _loop)(prim, args, params, name, level)
    return _make(out[0], level, out[1]) if isinstance(out, tuple) else _make(out, level)


def _promoted(a, x):
    if isinstance(a, Tensor):
        if a._data.dtype != x.dtype:
            return rules.cast.apply((a,), {"dtype": x.dtype, "src": a._data.dtype})
        return a
    return a


def _size(args, level: int) -> int:
    return next(a._phys.shape[a._bdim] for a in args if _at(a, level))


def _loop(prim, args, params, name, level):
    """The fallback: ``prim`` once per example, the results stacked."""
    outs = [prim.apply(tuple(a._value[b] if _at(a, level) else a for a in args), params, name)
            for b in range(_size(args, level))]
    return rules.stack.apply(tuple(outs), {"dim": 0})


# Batching rules ---------------------------------------------------------------------------
# Each takes (prim, args, params, name, level) and returns the whole batch: along dim 0,
# or as (the batch, the dim it is along).  A rule reads a batched argument's ``_value``
# (the batch along dim 0: a permute, when the batch is elsewhere, as PyTorch's rules
# move it to the front), but for the unary elementwise ops, which leave it where it is.

def _unary(prim, args, params, name, level):
    """An elementwise op of one tensor (sin, relu, a cast, pow with a number...): on
    the batch as it lies, which stays where it is (PyTorch's unary rules)."""
    x = args[0]
    if params.get("cond") is not None or any(isinstance(a, Tensor) for a in args[1:]):
        return _elementwise(prim, args, params, name, level)
    return prim.apply((x._phys, *args[1:]), params, name), x._bdim


def _padded(a: BatchedTensor, ndim: int) -> Tensor:
    """The value of ``a``, its example axes padded to ``ndim`` by size-1 axes in front
    (so that it broadcasts against unbatched tensors as an example would)."""
    v = a._value
    if a.ndim < ndim:
        v = rules.unsqueeze.apply((v,), {"shape": (v.shape[0],) + (1,) * (ndim - a.ndim)
                                         + tuple(a.shape)})
    return v


def _elementwise(prim, args, params, name, level):
    cond = params.get("cond")  # (where's condition, not differentiated)
    ndim = max([a.ndim for a in args if isinstance(a, Tensor)]
               + [0 if cond is None else cond.ndim])
    vals = tuple(_padded(a, ndim) if _at(a, level) else a for a in args)
    if _at(cond, level):
        cond = _padded(cond, ndim)
        params = {**params, "cond": cond if type(cond) is BatchedTensor else cond._data}
    return prim.apply(vals, params, name)


def _dims_up(dim, ndim: int):
    """A reduction's ``dim`` (None, an int or a tuple) for the batch: one up."""
    if ndim == 0:  # (dim 0 of a number is the number itself)
        return ()
    if dim is None:
        return tuple(range(1, ndim + 1))
    if isinstance(dim, int):
        return dim % ndim + 1
    return tuple(d % ndim + 1 for d in dim)


_OVER_DIMS = {"SumBackward0": "SumBackward1", "MeanBackward0": "MeanBackward1",
              "ProdBackward0": "ProdBackward1"}


def _allocated(t: Tensor) -> Tensor:
    """``t``, the result of an op whose ATen kernel writes a new contiguous tensor
    (a reduction, softmax, cat), made contiguous: NumPy keeps a permuted batch's layout."""
    if type(t) is Tensor and not t._data.flags.c_contiguous:
        t._data = np.ascontiguousarray(t._data)
    return t


def _reduction(prim, args, params, name, level):
    x = args[0]
    if params["dim"] is None and (name or prim.grad_fn) in _OVER_DIMS:
        name = _OVER_DIMS[name or prim.grad_fn]  # (a sum of all becomes one over dims)
    return _allocated(prim.apply((x._value,), {**params, "dim": _dims_up(params["dim"], x.ndim)},
                                 name))


def _prod(prim, args, params, name, level):
    x, dim = args[0], params["dim"]
    if dim is not None or x.ndim == 0:
        return _reduction(prim, args, params, name, level)
    v = x._value  # (prod's rules take one dim or None: the batch flattened first)
    flat = rules.reshape.apply((v,), {"shape": (v.shape[0], x.numel())})
    out = prim.apply((flat,), {"dim": 1, "keepdim": False}, _OVER_DIMS.get(name, name))
    if params["keepdim"]:
        out = rules.unsqueeze.apply((out,), {"shape": (v.shape[0],) + (1,) * x.ndim})
    return out


def _softmax(prim, args, params, name, level):
    x = args[0]
    return _allocated(prim.apply((x._value,), {"dim": params["dim"] % max(x.ndim, 1) + 1},
                                 name))


# The op PyTorch's batching rule calls instead of the example's (its grad_fn's name).
_IN_VMAP = {"TBackward0": "TransposeBackward0",  # (t is transpose(0, 1), even of a vector)
            "SqueezeBackward0": "ViewBackward0", "SqueezeBackward1": "SqueezeBackward2"}


def _squeeze(prim, args, params, name, level):
    """squeeze: the example's size-1 dims dropped from the batch as it lies (its axis
    moves left past the dropped dims before it: PyTorch's rule)."""
    x, shape = args[0], tuple(params["shape"])
    kept, k = [], 0  # (the dims of the example the result keeps, matched from the left)
    for d, n in enumerate(x.shape):
        if k < len(shape) and shape[k] == n:
            kept.append(d)
            k += 1
    bdim = x._bdim - sum(1 for d in range(x._bdim) if d not in kept)
    n = x._phys.shape[x._bdim]
    name = "AliasBackward0" if x.ndim == 0 else _IN_VMAP.get(name, name)
    return prim.apply((x._phys,), {**params, "shape": shape[:bdim] + (n,) + shape[bdim:]},
                      name), bdim


def _shaped(prim, args, params, name, level):
    """reshape, unsqueeze, broadcast_to: the batch size in front of the shape."""
    x, shape = args[0], tuple(params["shape"])
    name = _IN_VMAP.get(name, name)
    v = _padded(x, len(shape)) if prim is rules.broadcast_to else x._value
    return prim.apply((v,), {**params, "shape": (v.shape[0], *shape)}, name)


def _sum_to(prim, args, params, name, level):
    x, shape = args[0], tuple(params["shape"])
    v, lead = x._value, x.ndim - len(shape)
    if lead:  # (the axes broadcasting added, before the batch's)
        v = rules.sum_.apply((v,), {"dim": tuple(range(1, lead + 1)), "keepdim": False})
    return prim.apply((v,), {"shape": (v.shape[0], *shape)}, name)


def _transpose(prim, args, params, name, level):
    x = args[0]
    n = max(x.ndim, 1)
    return prim.apply((x._value,), {"dim0": params["dim0"] % n + 1,
                                    "dim1": params["dim1"] % n + 1}, _IN_VMAP.get(name, name))


def _permute(prim, args, params, name, level):
    x = args[0]
    return prim.apply((x._value,), {"dims": (0, *(d % x.ndim + 1 for d in params["dims"]))},
                      name)


def _diagonal(prim, args, params, name, level):
    """diagonal and its transpose: dims one up (and the batch size in front of the shape)."""
    v = args[0]._value
    new = {**params, "dim1": params["dim1"] + 1, "dim2": params["dim2"] + 1}
    if "shape" in params:
        new["shape"] = (v.shape[0], *params["shape"])
    return prim.apply((v,), new, name)


def _apart(idx) -> bool:
    """Whether NumPy moves the advanced indices' dims to the front (they are not
    side by side): then a slice in front of the index would not stay in front."""
    spots = [k for k, i in enumerate(idx) if not isinstance(i, slice) and i is not None
             and i is not Ellipsis]
    return bool(spots) and spots[-1] - spots[0] + 1 != len(spots)


def _indexed(prim, args, params, name, level):
    """getitem and scatter: a full slice in front of the index (and the batch size in
    front of scatter's shape)."""
    idx = params["idx"]
    if params["advanced"] and _apart(idx):
        return _loop(prim, args, params, name, level)
    new = {**params, "idx": (slice(None), *idx)}
    v = args[0]._value
    if "shape" in params:
        new["shape"] = (v.shape[0], *params["shape"])
    return prim.apply((v,), new, name)


def _joined(prim, args, params, name, level):
    """cat and stack: unbatched inputs broadcast over the batch, dim one up."""
    n = _size(args, level)
    vals = tuple(take(a, level, n) for a in args)
    return _allocated(prim.apply(vals, {**params, "dim": params["dim"] + 1}, name))


def _matmul(prim, args, params, name, level):
    """Vectors become matrices; the batch is a broadcast dim of the product.  Against
    an unbatched matrix, the batch is folded into the rows of one product instead
    (one large GEMM, not one small product per example)."""
    x, y = args
    if not _at(y, level) and y.ndim == 1 and _at(x, level):  # (B, ..., k) @ (k,): as is
        v = x._value
        return rules.matmul.apply((v, y), name="MvBackward0" if v.ndim == 2 else name)
    if not _at(y, level) and y.ndim == 2:  # (B, ..., k) @ (k, p): as (B * ..., k) @ (k, p)
        v = x._value
        flat = rules.reshape.apply((v,), {"shape": (math.prod(v.shape[:-1]), v.shape[-1])})
        out = rules.matmul.apply((flat, y), name=name)
        return rules.reshape.apply((out,), {"shape": (*v.shape[:-1], y.shape[1])},
                                   "UnsafeViewBackward0")  # (as ATen's matmul folds)
    if not _at(x, level) and x.ndim == 2:  # x @ y = (y^T x^T)^T, the batch folded as above
        yt = y if y.ndim == 1 else rules.transpose.apply((y,), {"dim0": -2, "dim1": -1})
        xt = rules.transpose.apply((x,), {"dim0": 0, "dim1": 1})
        out = _matmul(prim, (yt, xt), params, name, level)
        return out if y.ndim == 1 else rules.transpose.apply((out,), {"dim0": -2, "dim1": -1})
    xm = x if x.ndim > 1 else _unsqueezed(x, 0)
    ym = y if y.ndim > 1 else _unsqueezed(y, 1)
    ndim = max(xm.ndim, ym.ndim)
    vals = [_padded(a, ndim) if _at(a, level) else a for a in (xm, ym)]
    if name == "MmBackward0":  # (matrices, batched: ATen's matmul of the batches)
        name = "UnsafeViewBackward0"
    out = _allocated(rules.matmul.apply(tuple(vals), name=name))
    shape = out.shape
    if y.ndim == 1:
        shape = shape[:-1]
    if x.ndim == 1:
        shape = shape[:-2] + shape[-1:] if y.ndim > 1 else shape[:-1]
    return rules.squeeze.apply((out,), {"shape": tuple(shape)}) if shape != out.shape else out


def _unsqueezed(a, dim: int):
    """``a`` (batched or not) with a size-1 axis at example dim ``dim``."""
    shape = tuple(a.shape)
    return rules.unsqueeze.apply((a,), {"shape": shape[:dim] + (1,) + shape[dim:]})


# ops.py's functions that read their arguments as arrays (not primitives) -----------------
# They call these, through BatchedTensor's static methods, for batched arguments.

def _compare(fn, a, b) -> BatchedTensor:
    """A comparison (``fn`` is NumPy's) of ``a`` and ``b``, one of them batched."""
    from .ops import _compare as comparison

    level = max(t._level for t in (a, b) if type(t) is BatchedTensor)
    ndim = max(t.ndim for t in (a, b) if isinstance(t, Tensor))
    va, vb = (_padded(t, ndim) if _at(t, level) else t for t in (a, b))
    return _make(comparison(fn)(va, vb), level)


def _per_example(fn, *args):
    """``fn(*args)``, some args batched, as a loop over the examples (for functions
    whose arguments are read as arrays, as nll_loss reads its target)."""
    level = max(a._level for a in args if type(a) is BatchedTensor)
    outs = [fn(*(a._value[b] if _at(a, level) else a for a in args))
            for b in range(_size(args, level))]
    if isinstance(outs[0], tuple):  # (max(dim)'s values and indices, a Function's outputs)
        parts = [_per_example_stack([o[k] for o in outs], level) for k in range(len(outs[0]))]
        kind = type(outs[0])
        return kind(*parts) if hasattr(kind, "_fields") else kind(parts)
    return _per_example_stack(outs, level)


def _per_example_stack(outs, level):
    return _make(rules.stack.apply(tuple(outs), {"dim": 0}), level)


class VmapInfo(NamedTuple):
    """What a custom Function's vmap staticmethod is told (PyTorch's VmapInfo)."""

    batch_size: int
    randomness: str


def _function_apply(cls, base, args: tuple, kwargs: dict):
    """``cls.apply(*args)`` for a custom Function (``base``: autograd.Function) with
    batched arguments: its vmap staticmethod, or one example at a time."""
    level = max(a._level for a in args if type(a) is BatchedTensor)
    own_rule = cls.vmap is not base.vmap
    where = f"You tried to vmap over {cls.__name__}, but it "
    docs = " For more details, please see https://pytorch.org/docs/main/notes/extending.func.html"
    if cls.generate_vmap_rule:
        if own_rule:
            raise RuntimeError(where + "has both generate_vmap_rule=True and an overridden vmap "
                               "staticmethod. Please set generate_vmap_rule=False or delete "
                               "the overridden vmap staticmethod to avoid ambiguity." + docs)
        return _per_example(lambda *a: cls.apply(*a, **kwargs), *args)
    if not own_rule:
        raise RuntimeError(where + "does not have vmap support. Please override and implement "
                           "the vmap staticmethod or set generate_vmap_rule=True." + docs)
    from .func import _RANDOMNESS

    size = _size(args, level)
    info = VmapInfo(size, next((r for lv, _, r in _RANDOMNESS if lv == level), "error"))
    in_dims = tuple(a._bdim if _at(a, level) else None for a in args)
    out, out_dims = cls.vmap(info, in_dims, *(a._phys if _at(a, level) else a for a in args),
                             **kwargs)
    several = isinstance(out, tuple)
    outs, dims = (out, out_dims) if several else ((out,), (out_dims,))
    outs = tuple(o if d is None else _make(o, level, d % o.ndim)
                 for o, d in zip(outs, dims, strict=True))
    return outs if several else outs[0]


def _batched_index(idx) -> bool:
    """Whether an index holds a batched tensor (indices that differ per example)."""
    items = idx if isinstance(idx, tuple) else (idx,)
    return any(type(i) is BatchedTensor for i in items)


def _index_per_example(getitem, x: Tensor, idx) -> BatchedTensor:
    """``x[idx]`` where ``idx`` holds batched tensors: one example at a time."""
    items = idx if isinstance(idx, tuple) else (idx,)
    spots = [k for k, i in enumerate(items) if type(i) is BatchedTensor]
    if any(items[k].dtype.name == "bool" for k in spots):
        raise RuntimeError("vmap: We do not support batching operators that can support "
                           "dynamic shape. Attempting to batch over indexing with a boolean "
                           "mask.")

    def one(x, *picked):
        full = list(items)
        for k, i in zip(spots, picked, strict=True):
            full[k] = i
        return getitem(x, tuple(full) if isinstance(idx, tuple) else full[0])

    return _per_example(one, x, *(items[k] for k in spots))


def incompatible_inplace(op: str) -> str:
    """PyTorch's message for an in-place ``op`` on a tensor not batched where its other
    argument is."""
    return (f"vmap: {op}(self, *extra_args) is not possible because there exists a Tensor "
            "`other` in extra_args that has more elements than `self`. This happened due to "
            "`other` being vmapped over but `self` not being vmapped over in a vmap. Please "
            f"try to use out-of-place operators instead of {op}. If said operator is being "
            "called inside the PyTorch framework, please file a bug report instead.")


def _setitem(x: Tensor, idx, value) -> None:
    """``x[idx] = value`` inside vmap: into the batch (``x`` must be batched where
    ``value`` is, as in PyTorch)."""
    level = max(t._level for t in (x, value) if type(t) is BatchedTensor)
    if _at(x, level):
        x._to_front()
    if not _at(x, level):
        raise RuntimeError(incompatible_inplace("inplace arithmetic"))
    if _batched_index(idx):
        raise NotImplementedError("minigrad's vmap: x[idx] = v with a batched index")
    if _at(value, level):  # (its example axes aligned with the indexed part's, from the end)
        value = value._value
        value = rules.unsqueeze.apply((value,), {"shape": (value.shape[0],) + (1,) * max(
            0, x[idx].ndim - value.ndim + 1) + tuple(value.shape[1:])})
    idx = idx if isinstance(idx, tuple) else (idx,)
    x._value[(slice(None), *idx)] = value


# The table: the batching rule of each primitive (the others loop).
_RULES = {
    _unary: ("pow neg exp expm1 log log1p log2 sqrt rsqrt reciprocal sin cos tan tanh sigmoid "
             "relu leaky_relu softplus abs sign floor ceil round clamp cast clone"),
    _elementwise: "add sub mul div maximum minimum where copy_backwards",
    _reduction: "sum mean amax amin norm logsumexp",
    _prod: "prod",
    _softmax: "softmax log_softmax",
    _shaped: "reshape unsqueeze broadcast_to",
    _squeeze: "squeeze",
    _sum_to: "sum_to",
    _transpose: "transpose",
    _permute: "permute",
    _indexed: "getitem scatter",
    _diagonal: "diagonal diagonal_backward",
    _joined: "cat stack",
    _matmul: "mm matmul",
}
for _rule, _names in _RULES.items():
    for _name in _names.split():
        rules.RULES[_name].batch = _rule
# What rules.py and ops.py call, as rules.VMAP[1].dispatch(...) and so on (they cannot
# import this module, which imports them).
BatchedTensor.dispatch = staticmethod(dispatch)
BatchedTensor.compare = staticmethod(_compare)
BatchedTensor.per_example = staticmethod(_per_example)
BatchedTensor.setitem = staticmethod(_setitem)
BatchedTensor.batched_index = staticmethod(_batched_index)
BatchedTensor.index_per_example = staticmethod(_index_per_example)
BatchedTensor.like = staticmethod(lambda x, t: rewrapped(t, levels(x)))
BatchedTensor.function_apply = staticmethod(_function_apply)
rules.VMAP[1] = BatchedTensor
