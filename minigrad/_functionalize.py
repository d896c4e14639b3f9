"""``torch.func.functionalize``: the same function, without in-place changes.

PyTorch's functionalization (FunctionalTensorWrapper, FunctionalStorageImpl), in
small.  Inside ``functionalize(f)`` each tensor is a :class:`FunctionalTensor`: a
value, the *storage* it shares with its views, and the list of view operations
(``ViewMeta``) that make it from the storage's base.  Then, at the level of ATen
operators (minigrad/_aten.py):

* a view op (``view``, ``t``, ``select``, ``slice``...) runs on the tensor's value
  (``view_copy`` instead, for ``remove="mutations_and_views"``) and makes a new
  FunctionalTensor on the same storage, one view op longer;
* an in-place op (``add_``) runs out of place (``add``); the result becomes the
  tensor's value and is queued as an update of the storage;
* before any other op reads a tensor, and right after an in-place op, the tensor
  is *synced*: the storage applies its queued updates to its base (each update
  written back through the inverse of each of its view ops: a view back to the base's
  shape, ``select_scatter``, ``slice_scatter``...), and a tensor made before the last
  update is *regenerated*, its view ops replayed on the new base.

At the end the outputs are synced, and an input that was changed is written back
with ``copy_``.  Traced by make_fx, the result is PyTorch's graph, op for op.
"""

from __future__ import annotations

import functools

from . import _aten
from .tensor import Tensor

__all__ = ["functionalize"]


class _Storage:
    """The memory that a tensor and its views share: its current base value, and the
    updates not yet applied to it."""

    def __init__(self, base) -> None:
        self.base = base
        self.updates: list = []  # (new value of a view, that view's ViewMetas)
        self.generation = 0  # how many updates were ever queued


class _ViewMeta:
    """A view op ``op(x, *args)``: replayed forwards on a base, or inverted backwards."""

    __slots__ = ("op", "args", "layer")

    def __init__(self, op: str, args: tuple, layer) -> None:
        self.op, self.args, self.layer = op, args, layer

    def forward(self, base):
        return _aten.call(self._view(self.op), base, *self.args)

    def _view(self, op: str) -> str:
        """The view op, or its ``_copy`` for ``remove="mutations_and_views"``."""
        if self.layer.reapply_views or op == "_unsafe_view.default":
            return op
        return _aten.copy_variant(op)

    def reverse(self, base, mutated):
        """``base`` with this view of it replaced by ``mutated`` (ATen's FunctionalInverses)."""
        call, a, view, v = _aten.call, self.args, self._view(self.op), self._view
        if self.op in ("view.default", "_unsafe_view.default"):
            return call(view, mutated, list(base.shape))
        if self.op in ("t.default", "transpose.int", "alias.default"):
            return call(view, mutated, *a)
        if self.op == "permute.default":
            dims = [d % base.ndim for d in a[0]]
            return call(view, mutated, sorted(range(len(dims)), key=dims.__getitem__))
        if self.op == "unsqueeze.default":
            return call(v("squeeze.dim"), mutated, *a)
        if self.op.startswith("squeeze."):  # (unsqueeze_to: where the base had size 1)
            dims = range(base.ndim) if not a else [a[0]] if isinstance(a[0], int) else a[0]
            for d in sorted({d % base.ndim for d in dims}):
                if base.shape[d] == 1:
                    mutated = call(v("unsqueeze.default"), mutated, d)
            return mutated
        scatter = {"select.int": "select_scatter.default", "slice.Tensor": "slice_scatter.default",
                   "diagonal.default": "diagonal_scatter.default"}.get(self.op)
        if scatter is None:
            raise NotImplementedError(f"minigrad's functionalize: an in-place change through "
                                      f"aten.{self.op} is not supported")
        return call(scatter, base, mutated, *a)


# (reshape's _unsafe_view is not an alias, yet PyTorch's functionalization treats it as
# one, with itself as its inverse, in both modes)
_VIEWS = {*_aten.VIEWS, "_unsafe_view.default"}


class FunctionalTensor(_aten.Wrapped):
    """A tensor inside ``functionalize``: its value ``_inner``, its ``_storage``, the view
    ops ``_metas`` that make it from the storage's base, and the storage's generation
    it was last synced at (its strides are its value's, as in PyTorch)."""

    __slots__ = ("_storage", "_metas", "_generation")


class _Functionalizer(_aten.Layer):
    def __init__(self, reapply_views: bool) -> None:
        self.reapply_views = reapply_views

    def wrap(self, value, storage=None, metas=()) -> FunctionalTensor:
        t = FunctionalTensor(value, self)
        t._storage = storage if storage is not None else _Storage(value)
        t._metas = metas
        t._generation = 0  # (a new view too: it is stale if its storage was ever updated)
        return t

    def ours(self, a) -> bool:
        return isinstance(a, FunctionalTensor) and a._layer is self

    def sync(self, t: FunctionalTensor) -> None:
        storage = t._storage
        if t._generation == storage.generation:
            return
        for value, metas in storage.updates:  # apply the updates (FunctionalStorageImpl)
            storage.base = self._apply_update(storage.base, value, metas)
        storage.updates.clear()
        value = storage.base  # regenerate t from the base
        for meta in t._metas:
            value = meta.forward(value)
        t._inner = value
        t._generation = storage.generation

    @staticmethod
    def _apply_update(base, value, metas):
        if not metas:
            return value
        bases = [base]  # the base of each view op: the views but the last, replayed
        for meta in metas[:-1]:
            bases.append(meta.forward(bases[-1]))
        for meta, b in zip(reversed(metas), reversed(bases), strict=True):
            value = meta.reverse(b, value)
        return value

    def unwrap(self, a):
        if self.ours(a):
            return a._inner
        if isinstance(a, list):
            return [self.unwrap(x) for x in a]
        return a

    def handle(self, op, args, kwargs):
        if op in _aten.FACTORIES:  # (scalar_tensor: a new tensor, made by what is below)
            return self.wrap(_aten.call_below(self, op, *args, **kwargs))
        if op in _VIEWS:  # a view: on the value as it is (no sync), one ViewMeta more
            x = args[0]
            if not self.ours(x):
                return _aten.call(op, *[self.unwrap(a) for a in args], **kwargs)
            meta = _ViewMeta(op, args[1:], self)
            return self.wrap(meta.forward(x._inner), x._storage, x._metas + (meta,))
        for a in _aten.leaves(args):
            if self.ours(a):
                self.sync(a)
        inputs = [self.unwrap(a) for a in args]
        kw = {k: self.unwrap(v) for k, v in kwargs.items()}
        if _aten.is_inplace(op):
            x = args[0]
            out = _aten.call(_aten.out_of_place(op), *inputs, **kw)
            if not self.ours(x):
                raise NotImplementedError("minigrad's functionalize: an in-place change of a "
                                          "tensor from outside the function")
            if out.dtype != x.dtype:  # (x.add_(y) keeps x's dtype; x + y may promote)
                out = _aten.call("_to_copy.default", out, dtype=x.dtype, layout=_aten.STRIDED)
            x._inner = out  # replace_, commit_update, sync
            x._storage.updates.append((out, x._metas))
            x._storage.generation += 1
            self.sync(x)
            return x
        out = _aten.call(op, *inputs, **kw)
        return self.wrap(out) if isinstance(out, Tensor) else out


def _outputs(value, layer: _Functionalizer):
    if layer.ours(value):
        layer.sync(value)
        return value._inner
    if isinstance(value, (list, tuple)):
        return type(value)(_outputs(v, layer) for v in value)
    if isinstance(value, dict):
        return {k: _outputs(v, layer) for k, v in value.items()}
    return value


def functionalize(func, *, remove: str = "mutations"):
    """``func`` with its in-place ops run out of place (``remove="mutations"``), and
    also its views as copies (``remove="mutations_and_views"``)."""
    if remove == "mutations":
        reapply_views = True
    elif remove == "mutations_and_views":
        reapply_views = False
    else:
        raise RuntimeError(
            f"functionalize(f, remove='mutations'): received invalid argument for remove={remove}."
            " Valid options are:\n"
            "     remove='mutations': all inplace and out= operators will be removed from the program, and replaced"  # noqa: E501
            " with their out-of-place equivalents.\n"
            "     remove='mutations_and_views': In addition to the above, all aliasing operators {view} will be"  # noqa: E501
            " replaced with their non-aliasing counterparts, {view}_copy.\n"
        )

    fn = _aten.routed(func)

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        layer = _Functionalizer(reapply_views)
        with _aten.active(layer):
            inner = [layer.wrap(a) if isinstance(a, Tensor) else a for a in args]
            inner_kw = {k: layer.wrap(v) if isinstance(v, Tensor) else v
                        for k, v in kwargs.items()}
            outputs = _outputs(fn(*inner, **inner_kw), layer)
            given = [*zip(args, inner, strict=True), *((kwargs[k], inner_kw[k]) for k in kwargs)]
            for _, t in given:
                if layer.ours(t):
                    layer.sync(t)
            for a, t in given:  # an input changed in place: write it back
                if layer.ours(t) and t._inner is not a:
                    _aten.call("copy_.default", a, t._inner)
        return outputs

    return wrapped
