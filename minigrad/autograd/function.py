"""Custom differentiable operations: ``torch.autograd.Function``.

A Function is a pair of static methods: ``forward(ctx, *args)`` computes the
result (with autograd switched off), ``backward(ctx, *grad_outputs)`` returns
one gradient (or None) per forward argument.  ``ctx`` is the graph node
itself, as in PyTorch: ``ctx.save_for_backward`` keeps tensors for
``backward``, any other attribute (``ctx.k = 10``) is kept as well::

    class Exp(Function):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, g):
            (y,) = ctx.saved_tensors
            return g * y

    Exp.apply(x)   # grad_fn=<ExpBackward>

The node is an ``engine.Node`` whose ``_apply`` calls the user's ``backward``
instead of a rule from the table, so the engine needs to know nothing about
custom Functions.  With ``create_graph=True`` the engine runs ``backward`` with
grad mode on, so a ``backward`` written with differentiable ops can itself be
differentiated.
"""

from __future__ import annotations

import functools
import inspect
import warnings

import numpy as np

from .. import engine, grad_mode, rules
from ..tensor import Tensor

BACKWARD_MISSING = (
    "You must implement either the backward or vjp method for your custom "
    "autograd.Function to use it with backward mode AD."
)
ONCE_DIFFERENTIABLE = (
    "trying to differentiate twice a function that was marked with @once_differentiable"
)


class FunctionCtx:
    """What ``forward`` (or ``setup_context``) tells ``backward``."""

    def save_for_backward(self, *tensors: Tensor | None) -> None:
        """Keep ``tensors`` for ``backward`` (read them as ``ctx.saved_tensors``).

        Saving through this method, rather than as ``ctx.x = x``, lets autograd
        free them after the backward pass and detect in-place changes to them.
        """
        self.to_save = tensors

    def save_for_forward(self, *tensors: Tensor | None) -> None:
        self.saved_for_forward = tensors

    def mark_dirty(self, *tensors: Tensor) -> None:
        """``forward`` changed these inputs in place (and returns them): they become
        its outputs, with this node as their grad_fn, and count one more version."""
        self.dirty = tensors

    def mark_shared_storage(self, *pairs) -> None:
        raise RuntimeError(
            "mark_shared_storage calls are no longer necessary and can be safely removed.")

    def mark_non_differentiable(self, *tensors: Tensor) -> None:
        """These outputs get no gradient (``requires_grad=False``), e.g. indices."""
        self.non_differentiable = tensors

    def set_materialize_grads(self, value: bool) -> None:
        """False: ``backward`` receives None, not zeros, for an output without gradient."""
        self.materialize_grads = value


class BackwardCFunction(engine.Node, engine.GradFn, FunctionCtx):
    """The graph node (and ``ctx``) of one call of a custom Function.

    ``<Name>Backward`` subclasses are made per Function class; instances have a
    ``__dict__``, so ``backward`` finds whatever ``forward`` stored on ``ctx``.
    """

    _forward_cls: type
    _freed = False  # (a plain attribute here: set by _release)
    _packed = None  # what saved_tensors_hooks' pack hook returned for each saved tensor

    def __repr__(self) -> str:
        return f"<torch.autograd.function.{type(self).__name__} object at {hex(id(self))}>"

    @property
    def _node(self) -> BackwardCFunction:  # (both the engine's node and what users see)
        return self

    def _view(self) -> BackwardCFunction:
        return self

    @property
    def saved_tensors(self) -> tuple:
        """The tensors given to ``save_for_backward``, checked for in-place changes."""
        if self._freed:
            raise RuntimeError(engine.SECOND_BACKWARD)
        if self._packed is not None:  # (saved through saved_tensors_hooks: unpacked)
            return tuple(None if p is None else p[0](p[1]) for p in self._packed)
        out = []
        for t, version in zip(self._saved, self._saved_versions, strict=True):
            if isinstance(t, int):  # output number t: rebuilt, to keep no cycle
                data, vbox = self._saved_outputs[t]
                if vbox[0] != version:
                    shown = Tensor._make(data)
                    shown._vbox = vbox
                    raise RuntimeError(
                        engine._modified_message(shown, version, engine._op_name(self)))
                t, nr = Tensor._make(data, self, True), t
                t._vbox = vbox
                t._output_nr = nr  # (its gradient goes to that output of this node)
            elif t is not None and t._vbox[0] != version:
                raise RuntimeError(
                    engine._modified_message(t, version, engine._op_name(t._node)))
            out.append(t)
        return tuple(out)

    # Called by the engine ----------------------------------------------------------
    def _apply(self, g, create_graph: bool, needed, retain_graph: bool) -> list:
        """Run the user's ``backward``; one gradient (or None) per next_function."""
        cls = self._forward_cls
        grads = g if self._num_outputs > 1 else [g]
        grad_outputs = []
        for gk, (shape, dtype) in zip(grads, self._output_meta, strict=True):
            if gk is None:
                if self.materialize_grads and shape is not None:
                    gk = Tensor._make(np.zeros(shape, dtype))
            elif not create_graph:
                gk = Tensor._make(gk)
            grad_outputs.append(gk)
        if cls.backward is Function.backward and cls.vjp is Function.vjp:
            raise NotImplementedError(BACKWARD_MISSING)
        user_backward = cls.vjp if cls.vjp is not Function.vjp else cls.backward
        result = user_backward(self, *grad_outputs)
        grads = self._check_gradients(result if isinstance(result, tuple) else (result,),
                                      create_graph, needed)
        if not retain_graph:
            self._release()
        return grads

    def _check_gradients(self, result: tuple, create_graph: bool, needed) -> list:
        """PyTorch's checks on what ``backward`` returned, then one entry per edge."""
        name = type(self).__name__
        n = len(self._input_meta)
        if len(result) > n and all(r is None for r in result[n:]):
            result = result[:n]  # extra trailing Nones are allowed
        if len(result) != n:
            raise RuntimeError(f"function {name} returned an incorrect number of gradients "
                               f"(expected {n}, got {len(result)})")
        out = []
        edges = iter(self._next)
        for i, (gi, meta) in enumerate(zip(result, self._input_meta, strict=True)):
            if meta is None:  # not a Tensor: no edge
                if gi is not None:
                    raise RuntimeError(
                        f"function {name} returned a gradient different than None at position "
                        f"{i + 1}, but the corresponding forward input was not a Variable")
                continue
            nxt = next(edges)
            if gi is not None and not isinstance(gi, Tensor):
                raise RuntimeError(f"expected Variable or None (got {type(gi).__name__})")
            if gi is None or nxt is None or (needed is not None and nxt not in needed):
                out.append(None)
                continue
            out.append(_fit_gradient(gi, meta, name, i, create_graph))
        return out

    def _release(self) -> None:
        self._freed = bool(self._saved)
        self._saved = self._saved_outputs = ()
        self._packed = None


def _fit_gradient(gi: Tensor, meta: tuple, name: str, i: int, create_graph: bool):
    """``gi`` summed to the input's shape and cast to its dtype (as PyTorch's engine)."""
    shape, dtype = meta
    if gi._data.shape != shape:
        try:
            ok = np.broadcast_shapes(shape, gi._data.shape) == gi._data.shape
        except ValueError:
            ok = False
        if not ok:
            raise RuntimeError(
                f"Function {name} returned an invalid gradient at index {i} - got "
                f"{list(gi._data.shape)} but expected shape compatible with {list(shape)}")
        gi = rules.sum_to(gi if create_graph else gi._data, shape=shape)
    elif not create_graph:
        gi = gi._data
    if create_graph:
        return gi if gi._data.dtype == dtype else rules.cast(gi, dtype=dtype,
                                                             src=gi._data.dtype)
    return gi if gi.dtype == dtype else gi.astype(dtype)


class Function(FunctionCtx):
    """Base class of custom differentiable operations; call them with ``.apply``."""

    _backward_cls: type

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        # The node class, named as PyTorch names it: Exp -> ExpBackward.
        cls._backward_cls = type(cls.__name__ + "Backward", (BackwardCFunction,),
                                 {"_forward_cls": cls, "__module__": __name__})

    def __init__(self, *args, **kwargs) -> None:
        warnings.warn(
            f"{self.__class__} should not be instantiated. Methods on autograd functions are "
            "all static, so you should invoke them on the class itself. Instantiating an "
            "autograd function will raise an error in a future version of PyTorch.",
            DeprecationWarning, stacklevel=2)

    def __call__(self, *args, **kwargs):
        raise RuntimeError(
            "Legacy autograd function with non-static forward method is deprecated. Please "
            "use new-style autograd function with static forward method. (Example: "
            "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")

    @staticmethod
    def forward(*args, **kwargs):
        raise NotImplementedError(
            "You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def setup_context(ctx, inputs: tuple, output) -> None:
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError(BACKWARD_MISSING)

    vjp = backward

    @staticmethod
    def jvp(ctx, *grad_inputs):
        raise NotImplementedError(
            "You must implement the jvp function for custom autograd.Function to use it "
            "with forward mode AD.")

    # Under func.vmap: ``vmap(info, in_dims, *args) -> (outputs, out_dims)`` computes the
    # batch (batching.py), or generate_vmap_rule = True runs the Function per example.
    generate_vmap_rule = False

    @staticmethod
    def vmap(info, in_dims, *args):
        raise NotImplementedError(
            "To use autograd.Function with vmap, you must either override the vmap "
            "staticmethod or set generate_vmap_rule=True.")

    @classmethod
    def apply(cls, *args, **kwargs):
        """Run ``forward`` without recording, then record one node for the whole call."""
        if rules.VMAP[0] and any(type(a) is rules.VMAP[1] for a in args):  # inside vmap
            return rules.VMAP[1].function_apply(cls, Function, args, kwargs)
        ctx = cls._backward_cls()
        ctx.to_save = ctx.non_differentiable = ctx.dirty = ()
        ctx.materialize_grads = True
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._requires_grad for a in args)
        with grad_mode.no_grad():
            if cls.setup_context is not Function.setup_context:  # forward has no ctx
                bound = inspect.signature(cls.forward).bind(*args, **kwargs)
                bound.apply_defaults()
                args, kwargs = bound.args, bound.kwargs
                output = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, output)
            else:
                output = cls.forward(ctx, *args, **kwargs)
        outputs = output if isinstance(output, tuple) else (output,)
        record = grad_mode._state.enabled and any(ctx.needs_input_grad)
        if ctx.dirty:
            _check_dirty(ctx, outputs)
        if record:  # (the edges first: a dirty input is about to become an output)
            inputs = [a for a in args if isinstance(a, Tensor)]
            ctx._next = tuple(a._graph_node() if a._requires_grad else None for a in inputs)
            ctx._next_nr = tuple(a._output_nr if a._requires_grad else 0 for a in inputs)
        outputs = tuple(_make_output(o, k, args, ctx, record) for k, o in enumerate(outputs))
        if record:
            _record(ctx, args, outputs)
        return outputs if isinstance(output, tuple) else outputs[0]


def _check_dirty(ctx: BackwardCFunction, outputs: tuple) -> None:
    """PyTorch's checks of the inputs ``forward`` marked dirty; a version more each."""
    if not all(any(t is o for o in outputs) for t in ctx.dirty):
        raise RuntimeError(
            "Some elements marked as dirty during the forward method were not returned as "
            "output. The inputs that are modified inplace must all be outputs of the Function.")
    for t in ctx.dirty:
        if grad_mode._state.enabled and t._requires_grad:
            if t._node is None:
                raise RuntimeError(
                    "a leaf Variable that requires grad has been used in an in-place operation.")
            if t._base is not None:
                raise NotImplementedError(
                    "minigrad's custom Functions cannot modify in place a view of a tensor "
                    "that requires grad (mark_dirty)")
        engine.bump_version(t)


def _make_output(o, k: int, args: tuple, ctx: BackwardCFunction, record: bool):
    """Output ``k`` of ``forward``, given the node as its grad_fn when differentiable."""
    if not isinstance(o, Tensor):
        return o
    if any(o is a for a in args) and not any(o is t for t in ctx.dirty):  # an input
        # returned as is (not changed in place): a new tensor, a view of it
        view = Tensor._make(o._data)
        view._vbox = o._version_counter()
        o = view
    if record and o.dtype.is_floating_point and not any(o is t for t in ctx.non_differentiable):
        o._node = ctx
        o._requires_grad = True
        o._output_nr = k
    return o


def _record(ctx: BackwardCFunction, args: tuple, outputs: tuple) -> None:
    """Fill in the node: its edges, what it saved, and the inputs' and outputs' metadata."""
    if len(outputs) > 1:
        engine.several_outputs[0] = True
    ctx._seq = next(engine._seq)  # after the edges' nodes (see engine.Node)
    if engine.anomaly[0] is not None:  # (detect_anomaly: the forward call's stack)
        engine.anomaly[0].remember(ctx)
    ctx._input_meta = [(a._data.shape, a._data.dtype) if isinstance(a, Tensor) else None
                       for a in args]
    ctx._output_meta = [(o._data.shape, o._data.dtype) if isinstance(o, Tensor) else (None, None)
                        for o in outputs]
    ctx._num_outputs = len(outputs)
    ctx._pre_hooks = ctx._args = ctx._versions = None
    ctx._freed = False
    # A saved output is kept as its number plus its data: holding the output
    # itself would make a cycle (output -> grad_fn -> output).
    saved, versions, saved_outputs = [], [], {}
    for t in ctx.to_save:
        k = next((k for k, o in enumerate(outputs) if o is t and o._node is ctx), None)
        if k is not None:
            saved_outputs[k] = (t._data, t._version_counter())
            saved.append(k)
        else:
            saved.append(t)
        versions.append(None if t is None else t._vbox[0])
    ctx._saved, ctx._saved_versions, ctx._saved_outputs = tuple(saved), versions, saved_outputs
    if engine.saved_hooks:  # torch.autograd.graph.saved_tensors_hooks: packed now
        pack, unpack = engine.saved_hooks[-1]
        with grad_mode.no_grad():
            ctx._packed = [None if t is None else (unpack, pack(t)) for t in ctx.to_save]
    del ctx.to_save


def once_differentiable(fn):
    """Mark a ``backward`` that is not itself differentiable: it runs without
    recording, and differentiating its result raises an error."""

    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with grad_mode.no_grad():
            outputs = fn(ctx, *args)
        if not grad_mode.is_grad_enabled() or not any(
                isinstance(a, Tensor) and a._requires_grad for a in args):
            return outputs
        single = not isinstance(outputs, tuple)
        fake = [None if o is None else o.detach().requires_grad_()
                for o in ((outputs,) if single else outputs)]
        wrapped = DelayedError.apply(*fake)
        return wrapped if single or isinstance(wrapped, tuple) else (wrapped,)

    return wrapper


class DelayedError(Function):
    """Identity whose backward raises: marks results of a once-differentiable backward."""

    @staticmethod
    def forward(ctx, *tensors):
        return tuple(None if t is None else t.detach() for t in tensors) \
            if len(tensors) > 1 else tensors[0].detach()

    @staticmethod
    def backward(ctx, *grads):
        raise RuntimeError(ONCE_DIFFERENTIABLE)


DelayedError._backward_cls.__name__ = "DelayedError"  # PyTorch's node name


__all__ = ["Function", "FunctionCtx", "BackwardCFunction", "once_differentiable"]
