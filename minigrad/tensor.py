"""The Tensor: a NumPy array, plus what autograd needs to know about it.

``_data`` is the array; ``_node`` the graph node that made it (None for a leaf;
users see it as ``grad_fn``);
``requires_grad`` whether gradients flow to it; ``grad`` where ``backward``
puts them for leaves.  Operations are in ``ops.py`` (bound here as methods);
their derivatives are in ``rules.py``; the backward pass in ``engine.py``.
"""

from __future__ import annotations

import sys
import warnings

import numpy as np

from . import _dtype, engine, grad_mode
from ._dtype import dtype as DType  # noqa: N812 (Tensor.dtype is the attribute)
from ._tensor_str import tensor_repr

NON_LEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its "
    ".grad attribute won't be populated during autograd.backward(). If you indeed want "
    "the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the "
    "non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure you access "
    "the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for more "
    "information. (Triggered internally at "
    "/__w/pytorch/pytorch/build/aten/src/ATen/core/TensorBody.h:493.)"
)
FLOAT_ONLY = "Only Tensors of floating point and complex dtype can require gradients"
NUMPY_REQUIRES_GRAD = (
    "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."
)


_AUTOGRAD = __package__ + ".autograd"


class Size(tuple):
    """A shape, printed as PyTorch prints it: ``torch.Size([2, 3])``."""

    def __repr__(self) -> str:
        return f"torch.Size({list(self)})"

    __str__ = __repr__

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n


class device:  # noqa: N801 (PyTorch's name)
    """A device name.  Any of PyTorch's can be named (``device("cuda")``), as in a
    CPU-only PyTorch; only the CPU can be used (``check_device``)."""

    _TYPES = ("cpu", "cuda", "mps", "xpu", "meta", "hip", "xla", "hpu", "mtia")

    def __init__(self, type="cpu", index=None) -> None:  # noqa: A002
        if isinstance(type, device):
            type, index = type.type, type.index  # noqa: A001
        name, _, number = str(type).partition(":")
        if name not in self._TYPES:
            raise RuntimeError(
                "Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, "
                "fpga, maia, xla, lazy, vulkan, mps, meta, hpu, mtia, privateuseone device "
                f"type at start of device string: {type}")
        self.type = name
        self.index = int(number) if number else index

    def __repr__(self) -> str:
        index = "" if self.index is None else f", index={self.index}"
        return f"device(type='{self.type}'{index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other) -> bool:
        return str(other) == str(self)

    def __hash__(self) -> int:
        return hash(str(self))


NO_CUDA = "Torch not compiled with CUDA enabled"


def check_device(d) -> None:
    """Refuse a device that is not the CPU, as a CPU-only PyTorch does."""
    if d is None:
        return
    kind = device(d).type
    if kind == "cuda":
        raise AssertionError(NO_CUDA)
    if kind != "cpu":
        raise RuntimeError(f"minigrad runs on the CPU only, not on {str(d)!r}")


_CPU = device()


def set_default_device(device) -> None:  # noqa: A002 (PyTorch's name)
    """Where new tensors go: only the CPU is there (another device fails at once, where
    a CPU-only PyTorch fails at the first tensor made)."""
    check_device(device)


def get_default_device() -> device:
    return _CPU


class Tensor:
    # Every op makes a Tensor, so ``_make`` sets only these slots.  The attributes
    # below them are rarely set: a class-level default serves until an instance
    # sets its own (in its ``__dict__``, which costs nothing until first used).
    __slots__ = ("_data", "_node", "_requires_grad", "_vbox", "__dict__", "__weakref__")
    _grad = None  # set on leaves by backward (and on tensors that retain_grad)
    _accum = None  # the AccumulateGrad node of a leaf, made when first needed
    _retains_grad = False
    _base = None  # the tensor a view was taken of
    _views = None  # of a base: weak references to its views made with grad mode on
    _no_grad_view = False  # a view made with grad mode off (in-place with it on: refused)
    _fw = None  # the forward-mode tangent (autograd/forward_ad.py)
    _output_nr = 0  # which output of grad_fn (custom Functions may have several)
    _inference = False  # made under inference_mode (see is_inference)
    _grad_dtype = "same"  # grad_dtype: "same" (as dtype), a dtype, or None (any)
    __array_ufunc__ = None  # NumPy defers to our operators: np.float64(2) * t is a Tensor

    # Construction ------------------------------------------------------------------
    def __new__(cls, *args, **kwargs):
        """The legacy constructor: ``Tensor([1, 2])`` (float32), ``Tensor(2, 3)``."""
        if kwargs:
            raise TypeError(
                f"new() received an invalid combination of arguments - got "
                f"({', '.join(type(a).__name__ for a in args)}"
                f"{', ' if args else ''}"
                f"{', '.join(f'{k}={type(v).__name__}' for k, v in kwargs.items())}),"
                " but expected one of:\n * (*, torch.device device = None)\n"
                "      didn't match because some of the keywords were incorrect: "
                f"{', '.join(kwargs)}\n * (torch.Storage storage)\n * (Tensor other)\n"
                " * (tuple of ints size, *, torch.device device = None)\n"
                " * (object data, *, torch.device device = None)\n"
            )
        from .creation import _legacy_new

        return _legacy_new(cls, args)

    @staticmethod
    def _make(data: np.ndarray, node=None, requires_grad: bool = False) -> Tensor:
        """Wrap an array (no checks, no copy): the engine's fast constructor."""
        t = object.__new__(Tensor)
        t._data = data
        t._node = node
        t._requires_grad = requires_grad
        t._vbox = engine.NEVER_CHANGED
        if grad_mode._state.inference:
            engine.mark_inference(t)
        return t

    def _graph_node(self):
        """This tensor's node in the graph: its grad_fn's, or an AccumulateGrad."""
        if self._node is not None:
            return self._node
        accum = self._accum
        if accum is None:
            accum = self._accum = engine.AccumulateGrad(self)
        return accum

    # Autograd attributes ----------------------------------------------------------
    @property
    def grad_fn(self):
        """The node that made this tensor (``<MulBackward0 ...>``); None for a leaf."""
        node = self._node
        return None if node is None else node._view()

    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if self._node is not None:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to "
                "use a computed variable in a subgraph that doesn't require differentiation "
                "use var_no_grad = var.detach()."
            )
        if value and not self.dtype.is_floating_point:
            raise RuntimeError(FLOAT_ONLY)
        if value and self._inference and not grad_mode._state.inference:
            raise RuntimeError("Setting requires_grad=True on inference tensor outside "
                               "InferenceMode is not allowed.")
        self._requires_grad = bool(value)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        if requires_grad and not self.dtype.is_floating_point:
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self.requires_grad = requires_grad
        return self

    @property
    def grad(self) -> Tensor | None:
        if self._node is not None and not self._retains_grad:
            warnings.warn(NON_LEAF_GRAD_WARNING, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(
                    f"assigned grad expected to be a Tensor or None but got grad of type "
                    f"{type(value).__name__}")
            if value.shape != self.shape:
                raise RuntimeError("assigned grad has data of a different size")
            want = self.grad_dtype if self._node is None else self.dtype
            if want is not None and value.dtype != want:
                from .ops import _DT_NAME

                raise RuntimeError(
                    f"attempting to assign a gradient with dtype '{_DT_NAME[value.dtype.name]}'"
                    f" to a tensor with grad_dtype '{want._legacy[:-6]}'. The gradient must "
                    "match the tensor's grad_dtype (defaults to the tensor's dtype). You can set"
                    " the tensor's grad_dtype attribute with a specific dtype, or None to allow "
                    "any dtype. Set grad_dtype with caution. Diverging the dtypes of a tensor "
                    "and its gradient may break downstream systems that assume they match.")
        self._grad = value

    @grad.deleter
    def grad(self) -> None:
        self._grad = None

    @property
    def grad_dtype(self) -> DType | None:
        """The dtype backward gives this leaf's ``.grad`` (by default its own dtype;
        None: whatever dtype the gradient has)."""
        if self._node is not None:  # (PyTorch warns as on reading .grad, then raises)
            warnings.warn(NON_LEAF_GRAD_WARNING, UserWarning, stacklevel=2)
            raise RuntimeError("grad_dtype can only be accessed on leaf tensors.")
        return self.dtype if self._grad_dtype == "same" else self._grad_dtype

    @grad_dtype.setter
    def grad_dtype(self, value: DType | None) -> None:
        if self._node is not None:
            raise RuntimeError("grad_dtype can only be set on leaf tensors.")
        if value is not None and not isinstance(value, DType):
            raise RuntimeError(
                f"grad_dtype must be a torch.dtype or None, but got {type(value).__name__}")
        g = self._grad
        if g is not None and value is not None and g.dtype != value:
            from .ops import _DT_NAME

            raise RuntimeError(
                f"Cannot set grad_dtype to '{value._legacy[:-6]}' because there is already a "
                f"gradient with dtype '{_DT_NAME[g.dtype.name]}'. Please clear the gradient "
                "(.grad = None) before changing grad_dtype, or ensure the new grad_dtype "
                "matches the existing gradient's dtype.")
        self._grad_dtype = value

    @property
    def is_leaf(self) -> bool:
        return self._node is None

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def retain_grad(self) -> None:
        """Keep ``.grad`` for this non-leaf tensor after ``backward``."""
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self._node is not None and not self._retains_grad:
            engine.retain_grad(self)
            self._retains_grad = True

    def register_hook(self, hook):
        """``hook(grad)`` runs when this tensor's gradient is computed; it may
        return a replacement gradient."""
        if not self._requires_grad:
            raise RuntimeError(
                "cannot register a hook on a tensor that doesn't require gradient")
        return engine._add_hook(self._graph_node(), hook)

    def register_post_accumulate_grad_hook(self, hook):
        """``hook(tensor)`` runs after backward has added into this leaf's ``.grad``
        (an optimizer can step each parameter as soon as its gradient is ready)."""
        if not self._requires_grad:
            raise RuntimeError(
                "cannot register a hook on a tensor that doesn't require gradient")
        if self._node is not None:
            raise RuntimeError(
                "post accumulate grad hooks cannot be registered on non-leaf tensors")
        hooks = engine._hooks(self._graph_node())
        hooks.post_acc = hooks.post_acc or engine._HookDict()
        return engine._add_to(hooks.post_acc, hook)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Compute the gradient of this tensor w.r.t. the leaves of its graph."""
        autograd = sys.modules[_AUTOGRAD]  # (imported with minigrad; it imports this module)
        autograd.backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def detach(self) -> Tensor:
        """The same data (shared), cut from the graph."""
        t = Tensor._make(self._data)
        t._vbox = self._version_counter()
        if self._inference:
            t._inference = True
        return t

    def is_inference(self) -> bool:
        """Whether this tensor was made under ``inference_mode``: autograd may not save
        it, nor may it change in place outside inference mode."""
        return self._inference

    def detach_(self) -> Tensor:
        self._node = None
        self._requires_grad = False
        return self

    @property
    def data(self) -> Tensor:
        return Tensor._make(self._data)

    @data.setter
    def data(self, value: Tensor) -> None:
        self._data = value._data

    @property
    def _version(self) -> int:
        if self._inference:
            raise RuntimeError("Inference tensors do not track version counter.")
        return self._vbox[0]

    def _version_counter(self) -> list:
        """This tensor's version counter, made on first need (to count a change, or to
        share with a tensor of the same memory)."""
        if self._vbox is engine.NEVER_CHANGED:
            self._vbox = [0]
        return self._vbox

    # Shape and type ---------------------------------------------------------------
    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    def size(self, dim: int | None = None):
        if dim is None:
            return Size(self._data.shape)
        from .ops import _dim

        return self._data.shape[_dim(dim, self.ndim)]

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def dim(self) -> int:
        return self._data.ndim

    def numel(self) -> int:
        return self._data.size

    nelement = numel

    @property
    def dtype(self) -> DType:
        return _dtype._FROM_NP[self._data.dtype]

    @property
    def device(self) -> device:
        return _CPU

    is_cuda = False

    def cuda(self, device=None, non_blocking: bool = False, memory_format=None) -> Tensor:
        raise AssertionError(NO_CUDA)

    def cpu(self, memory_format=None) -> Tensor:
        return self

    def is_floating_point(self) -> bool:
        return self.dtype.is_floating_point

    def type(self, dtype=None):
        if dtype is None:
            return f"torch.{self.dtype._legacy}"
        return self.to(dtype)

    def new_tensor(self, data, dtype: DType | None = None, device=None,
                   requires_grad: bool = False) -> Tensor:
        """A new tensor from ``data``, with this tensor's dtype unless told otherwise."""
        from .creation import tensor

        return tensor(data, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def new_full(self, size, fill_value, *, dtype: DType | None = None, device=None,
                 requires_grad: bool = False) -> Tensor:
        """A tensor of ``size`` filled with ``fill_value``, of this tensor's dtype unless
        told otherwise (inside vmap, of a batched tensor: one for each example)."""
        if not isinstance(size, (tuple, list)):
            raise TypeError("new_full(): argument 'size' (position 1) must be tuple of "
                            f"ints, not {type(size).__name__}")
        check_device(device)
        lead = self._data.shape[:self._data.ndim - self.ndim]  # (vmap's batch axes)
        t = Tensor._make(np.full(lead + tuple(size), fill_value, (dtype or self.dtype).np))
        if lead:
            t = self.like(self, t)  # (batched as this tensor is: BatchedTensor.like)
        return t.requires_grad_() if requires_grad else t

    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False) -> Tensor:
        from .ops import _shape_arg

        return self.new_full(_shape_arg(size), 0, dtype=dtype, device=device,
                             requires_grad=requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False) -> Tensor:
        from .ops import _shape_arg

        return self.new_full(_shape_arg(size), 1, dtype=dtype, device=device,
                             requires_grad=requires_grad)

    new_empty = new_zeros  # (PyTorch's holds whatever was in memory; minigrad's zeros)

    def element_size(self) -> int:
        return self._data.itemsize

    def is_contiguous(self) -> bool:
        return self._data.flags.c_contiguous

    def stride(self, dim: int | None = None):
        """The steps, in numbers, between neighbours along each dim (NumPy's strides
        over the item size)."""
        steps = tuple(s // self._data.itemsize for s in self._data.strides)
        return steps if dim is None else steps[dim]

    # Conversions ------------------------------------------------------------------
    def item(self):
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._data.reshape(()).item()

    def tolist(self):
        return self._data.tolist()

    def numpy(self, *, force: bool = False) -> np.ndarray:
        # (refused only while grad mode is on: under no_grad a tensor records nothing)
        if self._requires_grad and grad_mode._state.enabled and not force:
            raise RuntimeError(NUMPY_REQUIRES_GRAD)
        return self._data

    def __array__(self, dtype=None, copy=None):
        if self._requires_grad and grad_mode._state.enabled:
            raise RuntimeError(NUMPY_REQUIRES_GRAD)
        a = self._data
        if dtype is not None:
            a = a.astype(dtype, copy=False)
        return np.array(a, copy=True) if copy else a

    def _scalar(self, kind):
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        if self._requires_grad and kind is float:
            _warn_once(
                "Converting a tensor with requires_grad=True to a scalar may lead to "
                "unexpected behavior.\nConsider using tensor.detach() first. (Triggered "
                "internally at /__w/pytorch/pytorch/torch/csrc/autograd/generated/"
                "python_variable_methods.cpp:822.)")
        return kind(self._data.reshape(()).item())

    def __float__(self) -> float:
        return self._scalar(float)

    def __int__(self) -> int:
        return self._scalar(int)

    def __index__(self) -> int:
        if self.dtype.is_floating_point or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._data.reshape(()).item())

    def __bool__(self) -> bool:
        if self._data.size != 1:
            if self._data.size == 0:
                raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self._data.reshape(()).item())

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    def __hash__(self) -> int:
        return id(self)

    def __contains__(self, value) -> bool:
        from .ops import _as_array

        return bool((self._data == _as_array(value)).any())

    # Printing ---------------------------------------------------------------------
    def __repr__(self) -> str:
        fn = self.grad_fn
        return tensor_repr(self._data, self.dtype.name, requires_grad=self._requires_grad,
                           grad_fn_name=None if fn is None else fn.name(),
                           tangent=None if self._fw is None else f"{self._fw}")

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0:
            return format(self.item(), spec)
        if spec:
            raise TypeError("unsupported format string passed to Tensor.__format__")
        return repr(self)

    def __reduce_ex__(self, protocol):
        return (_rebuild, (self._data, self._requires_grad))


def _rebuild(data, requires_grad):
    t = Tensor._make(np.array(data))
    t._requires_grad = requires_grad
    return t


_warned: set[str] = set()


def _warn_once(message: str, stacklevel: int = 4) -> None:
    """A warning shown once per process (PyTorch's TORCH_WARN_ONCE)."""
    if message not in _warned:
        _warned.add(message)
        warnings.warn(message, UserWarning, stacklevel=stacklevel)


def is_tensor(obj) -> bool:
    return isinstance(obj, Tensor)


__all__ = ["Size", "Tensor", "device", "is_tensor", "grad_mode"]
