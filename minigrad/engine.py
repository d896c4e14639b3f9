"""The autograd engine: graph nodes, recording an op, and the backward pass.

Every differentiable result holds a :class:`Node` (its ``grad_fn``) that knows
the primitive that made it (from the rule table in ``rules.py``), the inputs
it saved, and the nodes of its inputs (PyTorch's ``next_functions``).  A leaf
that requires grad is represented in the graph by an :class:`AccumulateGrad`
node, which adds the incoming gradient to ``leaf.grad``.  Users see a node as
an object of PyTorch's class for the op (``MulBackward0``: a :class:`GradFn`),
the same object for as long as the graph lives.

``backward`` walks the graph once, from the output towards the leaves: nodes
are numbered as they are made, so an op's node always has a larger number than
the nodes of its inputs, and taking the largest-numbered node that has received
a gradient (a heap) visits every node after all the nodes it feeds, as PyTorch
does.  The walk is a loop, not a recursion (a chain of a million ops is fine);
it calls each node's VJP rules and sums the gradients that meet at a fork.

First-order backward passes run the VJP rules on raw NumPy arrays (fast);
with ``create_graph=True`` the very same rules run on Tensors, so every
backward op is itself recorded and can be differentiated again.

Every op of a Python program passes through ``record`` and every node through
the loop of ``run_backward``, so these two are written to do little work per
call: the cost of a small op is mostly Python's, not NumPy's.
"""

from __future__ import annotations

import itertools
import sys
import weakref
from heapq import heappop, heappush
from typing import TYPE_CHECKING

import numpy as np

from . import grad_mode
from . import tensor as _tensor  # tensor.py imports this module: use _tensor.Tensor at call time

if TYPE_CHECKING:
    from .rules import Primitive
    from .tensor import Tensor

SECOND_BACKWARD = (
    "Trying to backward through the graph a second time (or directly access saved "
    "tensors after they have already been freed). Saved intermediate values of the "
    "graph are freed when you call .backward() or autograd.grad(). Specify "
    "retain_graph=True if you need to backward through the graph a second time or if "
    "you need to access saved tensors after calling backward."
)

class GradFn:
    """A node as users see it (``tensor.grad_fn``, ``next_functions``): an object of
    PyTorch's class for its op (``MulBackward0``), a view of the engine's node."""

    __slots__ = ()

    def name(self) -> str:
        return type(self).__name__

    @property
    def next_functions(self) -> tuple:
        """((grad_fn of each input, its output number), ...); (None, 0) for an input
        that needs no gradient, an ``AccumulateGrad`` for a leaf."""
        node = self._node
        numbers = node._next_nr or (0,) * len(node._next)
        return tuple((None if n is None else n._view(), nr)
                     for n, nr in zip(node._next, numbers, strict=True))

    def register_hook(self, hook):
        """``hook(grad_inputs, grad_outputs)`` after this node ran; what it returns (if
        not None) replaces the gradients for its inputs."""
        hooks = _hooks(self._node)
        hooks.node_post = hooks.node_post or _HookDict()
        return _add_to(hooks.node_post, hook)

    def register_prehook(self, hook):
        """``hook(grad_outputs)`` before this node runs; what it returns (if not None)
        replaces the gradients it receives."""
        hooks = _hooks(self._node)
        hooks.node_pre = hooks.node_pre or _HookDict()
        return _add_to(hooks.node_pre, hook)

    def __getattr__(self, name: str):
        """``_saved_self``, ``_saved_result``...: the values the node saved, by the names
        of PyTorch's formulas (``_raw_saved_self``: their SavedTensor)."""
        raw = name.startswith("_raw_saved_")
        if not (raw or name.startswith("_saved_")):
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")
        return _saved_value(self, name[len("_raw_saved_" if raw else "_saved_"):], raw)

    def __dir__(self) -> list:
        names = [n for names in getattr(self._node, "_prim", _NO_PRIM).saved for n in names]
        aliases = {v: k for k, v in _SAVED_ALIASES.get(type(self).__name__, {}).items()}
        names = [aliases.get(n, n) for n in names]
        return sorted({*super().__dir__(), *(f"_saved_{n}" for n in names),
                       *(f"_raw_saved_{n}" for n in names if n != "exponent")})

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object at {hex(id(self))}>"


class _NO_PRIM:  # noqa: N801 (the "rule" of a node that has none: it saved nothing)
    saved = ()


class _ViewClasses(dict):
    """name -> the class of a built-in op's grad_fn (``MulBackward0``): a subclass of
    :class:`Node` and :class:`GradFn` with no slots of its own, made on first use."""

    def __missing__(self, name: str) -> type:
        cls = self[name] = type(name, (Node, GradFn), {"__slots__": (), "_node": _itself})
        return cls


_view_classes = _ViewClasses()


class Node:
    """A recorded op, as the engine keeps it.

    Every built-in op's node is of this one class: Python runs the attribute
    reads and writes of one class much faster than those of many (a dozen per
    op, on the hottest path), so a node takes PyTorch's class (``MulBackward0``, a
    subclass of this one) only when a user asks for its ``grad_fn`` (``_view``).

    ``_seq`` numbers nodes in the order they were made, so every node's number
    is larger than those of the nodes it points to: the backward pass visits
    nodes from the largest number down (as PyTorch does), which is an order in
    which a node runs only after every gradient flowing into it has arrived.
    """

    __slots__ = ("_next", "_next_nr", "_seq", "_pre_hooks", "_prim", "_args", "_arrays",
                 "_params", "_ans", "_versions", "_out", "_view_class", "__weakref__")
    _num_outputs = 1  # (more only for custom Functions: autograd/function.py)

    # Set by ``record`` for every node:
    # _next           the edges: the node of each input, None if it needs no gradient
    # _next_nr        None, or (if an input's node has several outputs: only a custom
    #                 Function's can) which output of its node each input is
    # _seq            creation number
    # _pre_hooks      None, or a _HookDict of Tensor.register_hook hooks
    # _prim           the Primitive (its forward, its VJPs)
    # _args, _arrays  the inputs (Tensors and Python scalars), and the arrays given to
    #                 _prim.fwd; freed by backward when the rule saves values
    # _params         keyword arguments of the primitive
    # _ans            the output array (freed with _args)
    # _versions       None if every input was at version 0, else their versions (and
    #                 the output's last); only for primitives that save values
    # _out            a weak reference to the output (if the VJP reads it)
    # _view_class     the class of its grad_fn (MulBackward0)

    @property
    def _freed(self) -> bool:
        return self._args is None

    def _view(self) -> GradFn:
        """The node's grad_fn: the node itself, its class switched (once, when first
        asked for) to PyTorch's (``MulBackward0``), so that the same node is the same
        object for as long as the graph lives, as in PyTorch."""
        if self.__class__ is Node:
            self.__class__ = self._view_class
        return self

    # Called by the backward pass -------------------------------------------------
    def _check_versions(self) -> None:
        """PyTorch's error if a value this node saved was changed in place after
        recording: what the VJPs of the inputs that require grad read (``saved``)."""
        versions = self._versions or (0,) * (len(self._args) + 1)
        saved = {0 if name == "self" else -1 if name == "result" else 1
                 for name in self._prim.saved_values(self._args, self._next)}
        for i, (a, v) in enumerate(zip(self._args, versions, strict=False)):  # (+ output's)
            if i in saved and isinstance(a, _tensor.Tensor) and a._vbox[0] != v:
                raise RuntimeError(_modified_message(a, v, _op_name(a._node)))
        out = self._out() if -1 in saved else None
        if out is not None and out._vbox[0] != versions[-1]:
            raise RuntimeError(_modified_message(out, versions[-1], _op_name(self)))

    def _apply(self, g, create_graph: bool, needed, retain_graph: bool) -> list:
        """Gradients for each input, as arrays or (create_graph) Tensors; None where
        not needed.  Frees the saved values unless ``retain_graph``."""
        args = self._args
        if args is None:
            raise RuntimeError(SECOND_BACKWARD)
        prim = self._prim
        if _last_inplace[0] > self._seq and prim.saves:
            self._check_versions()  # some tensor changed in place since this op ran
        if PACKED.data and self in PACKED:  # (.data: the plain dict, as fast as a flag)
            args = _unpack(self)
        if create_graph:
            grads = self._apply_graph(g, needed)
        elif len(args) == 1 and needed is None and op_counter[0] is None:  # the common
            x = self._arrays[0]  # cases, spelled out: one input, and two with no params
            gx = (prim.vjps[0](g, self._ans, x, **self._params) if self._params
                  else prim.vjps[0](g, self._ans, x))
            grads = (gx if prim.exact else _fitted(gx, args[0]),)
        elif len(args) == 2 and needed is None and op_counter[0] is None and not self._params:
            x0, x1 = self._arrays
            n0, n1 = self._next
            vjps, ans = prim.vjps, self._ans
            g0 = None if n0 is None else vjps[0](g, ans, x0, x1)
            g1 = None if n1 is None else vjps[1](g, ans, x0, x1)
            a0, a1 = args
            Tensor = _tensor.Tensor
            # (Unless both are tensors, the tensor's gradient has its shape and dtype.)
            if not prim.exact and isinstance(a0, Tensor) and isinstance(a1, Tensor):
                g0 = g0 if g0 is None else _fitted(g0, a0)
                g1 = g1 if g1 is None else _fitted(g1, a1)
            grads = (g0, g1)
        else:
            params, ans, arrays = self._params, self._ans, self._arrays
            vjps = prim.vjps  # a tuple, or (cat, stack) a function of the input's number
            counter = op_counter[0]
            grads = []
            for i, nxt in enumerate(self._next):
                if nxt is None or (needed is not None and nxt not in needed):
                    grads.append(None)
                    continue
                vjp = vjps[i] if type(vjps) is tuple else vjps(i)
                # (most ops have no params: calling without ** spares building a dict)
                gi = vjp(g, ans, *arrays, **params) if params else vjp(g, ans, *arrays)
                if counter is not None:  # minigrad.counting: one VJP evaluation
                    counter.count_vjp(prim)
                grads.append(_fitted(gi, args[i]))
        if not retain_graph and prim.saves:
            self._args = self._arrays = self._ans = None
            if PACKED.data:
                PACKED.pop(self, None)
        return grads

    def _apply_graph(self, g, needed) -> list:
        """``_apply`` with ``create_graph=True``: the rules run on Tensors, recording."""
        Tensor = _tensor.Tensor
        args, prim, params = self._args, self._prim, self._params
        ans = Tensor._make(self._ans, self, True)
        if forward_hook[0] is not None and prim.saves:
            from .autograd.forward_ad import _copy_tangent  # forward-over-reverse

            _copy_tangent(self._out(), ans)
        vjps = prim.vjps
        counter = op_counter[0]
        grads = []
        for i, nxt in enumerate(self._next):
            if nxt is None or (needed is not None and nxt not in needed):
                grads.append(None)
                continue
            vjp = vjps[i] if type(vjps) is tuple else vjps(i)
            gi = vjp(g, ans, *args, **params)
            if counter is not None:
                counter.count_vjp(prim)
            grads.append(_fitted_graph(gi, args[i]._data))
        return grads

    def _release(self) -> None:
        if self._prim.saves:
            self._args = self._arrays = self._ans = None


_itself = property(lambda self: self, doc="the engine's node (grad_fn is the node itself)")


class AccumulateGrad(GradFn):
    """The graph node of a leaf: adds incoming gradients into ``variable.grad``
    (both the engine's node and what users see)."""

    __slots__ = ("variable", "_next", "_next_nr", "_seq", "_pre_hooks", "__weakref__")
    _num_outputs = 1

    def __init__(self, variable: Tensor) -> None:
        self.variable = variable
        self._next, self._next_nr = (), None
        self._seq = next(_seq)
        self._pre_hooks = None

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"

    @property
    def _node(self) -> AccumulateGrad:
        return self

    def _view(self) -> AccumulateGrad:
        return self


def view_class(name: str) -> type:
    """The class called ``name`` (``MulBackward0``) of built-in ops' grad_fn, made once."""
    return _view_classes[name]


def _modified_message(t: Tensor, expected: int, output_of: str | None) -> str:
    shape = ", ".join(str(s) for s in t.shape)
    what = f"[torch.{t.dtype._legacy} [{shape}]]"
    if output_of is not None:
        what += f", which is output 0 of {output_of},"
    return (
        "one of the variables needed for gradient computation has been modified by an "
        f"inplace operation: {what} is at version {t._vbox[0]}; expected version "
        f"{expected} instead. Hint: " + (
            "enable anomaly detection to find the operation that failed to compute its "
            "gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False)."
            if anomaly[0] is None else
            "the backtrace further above shows the operation that failed to compute its "
            "gradient. The variable in question was changed in there or anywhere later. "
            "Good luck!")
    )


def _op_name(node) -> str | None:
    """``Exp`` for an ``ExpBackward0`` node, ``Pow2`` for ``PowBackward2`` (as PyTorch's
    messages say)."""
    if node is None or isinstance(node, AccumulateGrad):
        return None
    name = node._view().name()
    if name == "CopySlices":  # (not a generated node class: its C++ name)
        return "torch::autograd::CopySlices"
    name = name.replace("Backward", "")
    return name[:-1] if name.endswith("0") else name


_RULES = __package__ + ".rules"


def _fitted(g: np.ndarray, a: Tensor) -> np.ndarray:
    """The gradient ``g`` of input ``a``, fitted to its shape and dtype if need be
    (a broadcast input's gradient is summed back; a promoted one's is cast back)."""
    x = a._data
    if g.shape != x.shape:  # (rules.py imports this module: it is imported by now)
        g = sys.modules[_RULES]._sum_to_fwd(g, shape=x.shape)
    if g.dtype is not x.dtype:
        g = np.asarray(g, dtype=x.dtype)
    return g


def _fitted_graph(g: Tensor, x: np.ndarray) -> Tensor:
    """``_fitted`` with ``create_graph=True``: ``g`` a Tensor, fitted by recorded ops."""
    rules = sys.modules[_RULES]
    # (a vmap's BatchedTensor, such as jacrev's rows of cotangents: an example's shape)
    if (g._data.shape if type(g) is _tensor.Tensor else g.shape) != x.shape:
        g = rules.summed_to(g, x.shape)
    if g._data.dtype != x.dtype:
        g = rules.cast(g, dtype=x.dtype, src=g._data.dtype)
    return g


# Recording ---------------------------------------------------------------------------

forward_hook = [None]  # set by forward_ad while a dual level is active
op_counter = [None]  # set by minigrad.counting.count_ops(); None costs one check per op
anomaly = [None]  # autograd/anomaly_mode.py while anomaly detection is on


def _no_output():
    """``node._out`` of a node whose backward does not read its output."""


# Saved tensors hooks ----------------------------------------------------------------
# (torch.autograd.graph.saved_tensors_hooks: autograd/graph.py)

saved_hooks: list = []  # the (pack, unpack) pairs in force, the innermost last
PACKED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # node -> {i: (unpack, p)}


def _saved_positions(node) -> list:
    """Where the values ``node`` saved are, in the order of its formulas: 0 and 1 its
    inputs, -1 its output."""
    prim = node._prim
    saved = prim.saved_values(node._args, node._next)
    names = dict.fromkeys(n for names in prim.saved for n in names if n in saved)
    positions = [-1 if n == "result" else 0 if n == "self" else 1 for n in names]
    return [i for i in positions if i < len(node._args)]  # (max(dim)'s indices: a parameter)


def _pack(node, out) -> None:
    """Give each tensor ``node`` saves to the innermost pack hook (run, as PyTorch runs
    it, with grad mode off); keep what it returns."""
    pack, unpack = saved_hooks[-1]
    packed = {}
    with grad_mode.no_grad():
        for i in _saved_positions(node):
            value = out if i < 0 else node._args[i]
            if isinstance(value, _tensor.Tensor):  # (a Python number is not packed)
                packed[i] = (unpack, pack(value))
    if packed:
        PACKED[node] = packed


def _unpack(node) -> tuple:
    """Unpack what ``node`` packed into the values its VJPs read; its new inputs."""
    args, arrays = list(node._args), list(node._arrays)
    for i, (unpack, p) in PACKED[node].items():
        t = unpack(p)
        if i < 0:
            node._ans = t._data
        else:
            args[i], arrays[i] = t, t._data
    node._args, node._arrays = tuple(args), tuple(arrays)
    return node._args


class SavedTensor:
    """A value a node saved (``grad_fn._raw_saved_self``); ``register_hooks`` packs it
    now and unpacks it when backward needs it."""

    def __init__(self, node, i: int) -> None:
        self._node, self._i = node, i

    def register_hooks(self, pack_hook, unpack_hook) -> None:
        node, i = self._node, self._i
        value = node._ans if i < 0 else node._args[i]._data
        with grad_mode.no_grad():
            packed = pack_hook(_tensor.Tensor._make(value))
        PACKED.setdefault(node, {})[i] = (unpack_hook, packed)

    def __repr__(self) -> str:
        return f"<torch._C._autograd.SavedTensor object at {hex(id(self))}>"


# PyTorch's names for the inputs of ops recorded by another's rule (``DotBackward0`` by
# matmul's, whose second input is "other": PyTorch's dot calls it "tensor").
_SAVED_ALIASES = {"DotBackward0": {"tensor": "other"}, "MvBackward0": {"vec": "other"},
                  "MmBackward0": {"mat2": "other"}, "BmmBackward0": {"mat2": "other"}}


def _saved_value(view, name: str, raw: bool):
    """``grad_fn._saved_<name>`` (or ``_raw_saved_<name>``) of a node."""
    node = view._node
    prim = getattr(node, "_prim", None)
    own = name
    if prim is not None and not any(name in names for names in prim.saved):
        own = _SAVED_ALIASES.get(type(view).__name__, {}).get(name, name)
    if name.endswith("_sym_sizes") and node._args is not None:  # (an input's shape)
        base = _SAVED_ALIASES.get(type(view).__name__, {}).get(name[:-10], name[:-10])
        if base in ("self", "other", "mat2"):
            return tuple(node._args[0 if base == "self" else 1].shape)
    params = getattr(node, "_params", None) or {}
    if not raw and name in params:  # (a number PyTorch saves too: softmax's dim)
        return params[name]
    if prim is None or not any(own in names for names in prim.saved):
        raise AttributeError(f"'{type(view).__name__}' object has no attribute "
                             f"'_{'raw_' if raw else ''}saved_{name}'")
    i = -1 if own == "result" else 0 if own == "self" else 1
    if raw:
        return SavedTensor(node, i)
    if node._args is None:
        raise RuntimeError(SECOND_BACKWARD)
    if i not in _saved_positions(node):
        return None  # (not saved: no input that needs it requires grad)
    packed = PACKED.get(node, {}).get(i)
    if packed is not None:
        return packed[0](packed[1])
    if i < 0:
        return _tensor.Tensor._make(node._ans, node, True)
    value = node._args[i]
    if isinstance(value, _tensor.Tensor) or "exponent" in name:
        return value
    return _tensor.Tensor._make(np.asarray(value))  # (a number, as PyTorch wraps it)


# allow_mutation_on_saved_tensors (autograd/graph.py) ----------------------------------

mutation_allowed: list = []  # one registry per context in force: tensor -> its savers


def register_saver(node, out) -> None:
    """Note that ``node`` saved its tensors, so a change in place can stash their values."""
    savers = mutation_allowed[-1]
    for i in _saved_positions(node):
        value = out if i < 0 else node._args[i]
        if isinstance(value, _tensor.Tensor):  # (by id: a Tensor's == is elementwise)
            entry = savers.get(id(value))
            if entry is None or entry[0]() is not value:  # (an id freed and reused)
                entry = savers[id(value)] = (weakref.ref(value), [])
            entry[1].append((weakref.ref(node), i))


def stash_saved(t: Tensor) -> None:
    """Before ``t`` changes in place: each node that saved it keeps a copy of its value."""
    tensor, savers = mutation_allowed[-1].pop(id(t), (None, ()))
    for ref, i in savers if tensor is not None and tensor() is t else ():
        node = ref()
        if node is None or node._args is None:
            continue
        copy = np.array(t._data, copy=True)
        if i < 0:
            node._ans, node._out = copy, _no_output
            continue
        kept = _tensor.Tensor._make(copy, t._node, t._requires_grad)
        kept._accum = t._accum
        node._args = node._args[:i] + (kept,) + node._args[i + 1:]
        node._arrays = node._arrays[:i] + (copy,) + node._arrays[i + 1:]
        if node._versions is not None:
            kept._vbox = [node._versions[i]]


# Inference tensors (made under inference_mode) ----------------------------------------

inference_made = [False]  # whether any was: until then record need not look
NO_SAVING_INFERENCE = (
    "Inference tensors cannot be saved for backward. Please do not use Tensors created in "
    "inference mode in computation tracked by autograd. To work around this, you can make a "
    "clone to get a normal tensor and use it in autograd, or use `torch.no_grad()` instead "
    "of `torch.inference_mode()`.")


def mark_inference(t: Tensor) -> None:
    t._inference = True
    inference_made[0] = True


def _refuse_inference(node, out) -> None:
    """PyTorch's error if ``node`` saves an inference tensor."""
    for i in _saved_positions(node):
        value = out if i < 0 else node._args[i]
        if getattr(value, "_inference", False):
            raise RuntimeError(NO_SAVING_INFERENCE)


def bump_version(t: Tensor) -> None:
    """Count an in-place change of ``t`` (every one goes through here)."""
    t._version_counter()[0] += 1
    _last_inplace[0] = next(_seq)


# A tensor's version counter (``_vbox``) is a one-element list, shared by tensors of
# the same memory (views).  Most tensors are never changed in place: they all share
# this read-only stand-in until one is (``Tensor._version_counter``).
NEVER_CHANGED = (0,)


# Node numbers, in order of creation; an in-place change takes a number too.  A node
# made after the last in-place change cannot have had a saved tensor changed since,
# so backward skips comparing versions for it.
_seq = itertools.count()
_last_inplace = [-1]
_new_tensor = object.__new__


def _edge(a):
    """The edge for input ``a``: its node, or None if it needs no gradient."""
    if isinstance(a, _tensor.Tensor) and a._requires_grad:
        return a._node or a._graph_node()
    return None


# Whether a custom Function with several outputs has ever been recorded (function.py
# sets it): until then no input can be one of several outputs, and ``record`` need not ask.
several_outputs = [False]


def _output_numbers(args: tuple, edges: tuple) -> tuple | None:
    """``_next_nr`` for a node with inputs ``args``: which output of its node each is;
    None unless some input's node has several outputs."""
    if all(e is None or e._num_outputs == 1 for e in edges):
        return None
    return tuple([a._output_nr if isinstance(a, _tensor.Tensor) else 0 for a in args])


def _as_buffers(node, grads: list) -> list:
    """``grads``, with the gradient for an input that is one of several outputs of its
    node put in that node's kind of buffer (``_OutputGrads``)."""
    return [g if nxt is None or g is None or nxt._num_outputs == 1 else _OutputGrads.one(nxt, nr, g)
            for nxt, nr, g in zip(node._next, node._next_nr, grads, strict=True)]


def _versions(args: tuple) -> tuple | None:
    """The versions of the Tensors in ``args`` (0 for a scalar) and 0 for the new
    output; None when they are all 0, as almost always."""
    for a in args:
        if isinstance(a, _tensor.Tensor) and a._vbox[0]:
            return (*[a._vbox[0] if isinstance(a, _tensor.Tensor) else 0 for a in args], 0)
    return None


def record(prim: Primitive, args: tuple, params: dict, ans: np.ndarray, name: str | None,
           arrays: tuple) -> Tensor:
    """Wrap ``ans`` (``prim`` of ``arrays``, the data of ``args``) in a Tensor, and
    record a node for it when an input requires grad.

    Every op passes here, so this is written for speed: it builds the Tensor and
    the Node itself, and spells out the common one- and two-input cases."""
    Tensor = _tensor.Tensor
    out = _new_tensor(Tensor)
    out._data = ans
    out._vbox = NEVER_CHANGED
    out._node = None
    out._requires_grad = False
    edges = None
    if grad_mode._state.enabled:
        a = args[0]
        if len(args) == 1:  # (a unary op's input is a Tensor)
            if a._requires_grad:
                edges = (a._node or a._graph_node(),)
        elif len(args) == 2:
            b = args[1]
            ea = ((a._node or a._graph_node())
                  if isinstance(a, Tensor) and a._requires_grad else None)
            eb = ((b._node or b._graph_node())
                  if isinstance(b, Tensor) and b._requires_grad else None)
            if ea is not None or eb is not None:
                edges = (ea, eb)
        elif any(isinstance(a, Tensor) and a._requires_grad for a in args):
            edges = tuple([_edge(a) for a in args])
    if edges is not None:
        node = Node()
        node._next = edges
        node._next_nr = _output_numbers(args, edges) if several_outputs[0] else None
        node._seq = next(_seq)  # after the edges: a new AccumulateGrad is numbered first
        node._pre_hooks = None
        node._prim = prim
        node._args = args
        node._arrays = arrays
        node._params = params
        node._ans = ans
        node._view_class = prim.view_class if name is None else _view_classes[name]
        if prim.saves:  # to detect in-place changes of what the rule reads
            node._versions = None if len(args) == 1 and not a._vbox[0] else _versions(args)
            node._out = weakref.ref(out) if prim.reads_ans else _no_output
        out._node = node
        out._requires_grad = True
        if inference_made[0] and prim.saves:
            _refuse_inference(node, out)
        if mutation_allowed and prim.saves:
            register_saver(node, out)
        if saved_hooks and prim.saves:  # torch.autograd.graph.saved_tensors_hooks
            _pack(node, out)
        if anomaly[0] is not None:  # (detect_anomaly: the forward call's stack)
            anomaly[0].remember(node)
    elif grad_mode._state.inference:
        mark_inference(out)
    if op_counter[0] is not None:  # minigrad.counting: one forward evaluation
        op_counter[0].count_forward(prim)
    if forward_hook[0] is not None:
        forward_hook[0](prim, args, params, out)
    return out


# Hooks -------------------------------------------------------------------------------

class RemovableHandle:
    _next_id = 0

    def __init__(self, hooks: dict) -> None:
        self._hooks = weakref.ref(hooks) if hooks is not None else None
        self.id = RemovableHandle._next_id
        RemovableHandle._next_id += 1

    def remove(self) -> None:
        hooks = self._hooks() if self._hooks is not None else None
        if hooks is not None:
            hooks.pop(self.id, None)

    def __repr__(self) -> str:
        return f"<torch.utils.hooks.RemovableHandle object at {hex(id(self))}>"


class _HookDict(dict):
    """A node's hooks ({handle id: hook}), and ``retains``: a weak reference to the
    tensor that called ``retain_grad()``, if one did (a dict a weakref can point at)."""

    __slots__ = ("retains", "node_pre", "node_post", "post_acc", "__weakref__")

    def __init__(self) -> None:
        self.retains = None
        self.node_pre = self.node_post = self.post_acc = None  # (dicts, once one is added)


def _hooks(node) -> _HookDict:
    if node._pre_hooks is None:
        node._pre_hooks = _HookDict()
    return node._pre_hooks


def _add_hook(node, hook) -> RemovableHandle:
    return _add_to(_hooks(node), hook)


def _add_to(hooks: dict, hook) -> RemovableHandle:
    handle = RemovableHandle(hooks)
    hooks[handle.id] = hook
    return handle


def retain_grad(t: Tensor) -> None:
    """Make backward set ``t.grad`` (``t`` the output of a node)."""
    _hooks(t._node).retains = weakref.ref(t)


def retained(node) -> Tensor | None:
    """The tensor that called ``retain_grad()`` on ``node``'s output, if it still exists."""
    hooks = getattr(node, "_pre_hooks", None)
    ref = None if hooks is None else hooks.retains
    return None if ref is None else ref()


def _run_hooks(node, g, create_graph: bool):
    """Run ``node``'s hooks on its gradient ``g`` (each may replace it), then, as
    PyTorch does last, store it in the ``.grad`` of a tensor that retains it."""
    hooks = node._pre_hooks
    for hook in list(hooks.values()):
        gt = g if create_graph else _tensor.Tensor._make(g)
        result = hook(gt)
        if result is not None:
            if type(g) is not _OutputGrads:
                _check_hook_result(hook, gt, result)
            g = result if create_graph else result._data
    t = None if hooks.retains is None else hooks.retains()
    if t is not None:
        gt = _OutputGrads.of(g, t)
        if gt is not None:
            _accumulate(t, gt, create_graph)
    for hook in list((hooks.node_pre or {}).values()):  # Node.register_prehook
        result = hook(_as_tensors(g, create_graph))
        if result is not None:
            g = _from_tensors(result, g, create_graph)
    return g


def _as_tensors(g, create_graph: bool) -> tuple:
    """A node's gradient(s) ``g`` as the tuple of Tensors its Node hooks take."""
    gs = g if type(g) is _OutputGrads else [g]
    return tuple(x if x is None or create_graph else _tensor.Tensor._make(x) for x in gs)


def _from_tensors(result, g, create_graph: bool):
    """What a Node hook returned (a tuple of Tensors), in the engine's form of ``g``."""
    gs = [x if x is None or create_graph else x._data for x in result]
    return _OutputGrads(gs) if type(g) is _OutputGrads else gs[0]


def _run_post_hooks(node, grads, g, create_graph: bool):
    """Node.register_hook's hooks, after ``node`` ran: ``hook(grad_inputs, grad_outputs)``."""
    for hook in list(node._pre_hooks.node_post.values()):
        result = hook(_as_tensors(_OutputGrads(grads), create_graph),
                      _as_tensors(g, create_graph))
        if result is not None:
            grads = list(_from_tensors(result, _OutputGrads(grads), create_graph))
    return grads


def _after_accumulating(node, g, create_graph: bool) -> None:
    """A leaf's hooks after its .grad was updated: Node.register_hook's (no inputs) and
    Tensor.register_post_accumulate_grad_hook's (the tensor)."""
    hooks = node._pre_hooks
    for hook in list((hooks.node_post or {}).values()):
        hook((), _as_tensors(g, create_graph))
    for hook in list((hooks.post_acc or {}).values()):
        hook(node.variable)


def _check_hook_result(hook, g: Tensor, result: Tensor) -> None:
    """PyTorch's checks: a hook may replace a gradient, not change its dtype or shape."""
    name = getattr(hook, "__name__", type(hook).__name__)
    if isinstance(result, _tensor.Tensor) and result.dtype != g.dtype:
        raise RuntimeError(f"hook '{name}' has changed the type of value (was "
                           f"torch.{g.dtype._legacy} got torch.{result.dtype._legacy})")
    if isinstance(result, _tensor.Tensor) and result.shape != g.shape:
        raise RuntimeError(f"hook '{name}' has changed the size of value")


# The backward pass -------------------------------------------------------------------

def _needed_nodes(roots, targets) -> set:
    """The nodes from which some target is reachable (so worth visiting)."""
    seen = set(roots)
    stack = list(seen)
    while stack:
        for nxt in stack.pop()._next:
            if nxt is not None and nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    needed = set()
    for n in sorted(seen, key=_seq_of):  # inputs before the nodes that use them
        if n in targets or any(nxt in needed for nxt in n._next):
            needed.add(n)
    return needed


def _seq_of(node) -> int:
    return node._seq


_callbacks: list = []


def queue_callback(fn) -> None:
    """Call ``fn()`` when the backward pass under way ends."""
    _callbacks.append(fn)


def run_backward(outputs, grad_outputs, retain_graph: bool, create_graph: bool,
                 inputs=None, accumulate: bool = True):
    """Back-propagate ``grad_outputs`` from ``outputs`` through the graph.

    ``accumulate=True`` (``backward``) adds into the ``.grad`` of leaves (only
    of ``inputs`` when given); ``accumulate=False`` (``autograd.grad``)
    returns the gradients of ``inputs`` and leaves every ``.grad`` alone.
    """
    # ``buffers``: node -> the sum of the gradients that reached it so far (None if
    # only "no gradient" did).  ``heap``: those nodes, the latest made first.
    buffers: dict = {}
    heap: list = []
    roots = []
    for out, g in zip(outputs, grad_outputs, strict=True):
        node = out._graph_node()
        roots.append(node)
        if node._num_outputs > 1:
            g = _OutputGrads.one(node, out._output_nr, g)
        if node in buffers:
            buffers[node] = buffers[node] + g
        else:
            buffers[node] = g
            heappush(heap, (-node._seq, node))

    targets = captured = needed = None
    if inputs is not None:
        targets = {}
        for i, t in enumerate(inputs):
            targets.setdefault(t._graph_node(), []).append(i)
        captured = [None] * len(inputs)
        needed = _needed_nodes(roots, targets)

    prev_mode = grad_mode._state.enabled
    grad_mode._state.enabled = create_graph
    try:
        while heap:
            node = heappop(heap)[1]
            g = buffers.pop(node)
            if g is None:
                continue
            if node._pre_hooks is not None:  # Tensor.register_hook, retain_grad
                g = _run_hooks(node, g, create_graph)
            if type(node) is AccumulateGrad:
                if targets is not None and node in targets:
                    for i in targets[node]:
                        captured[i] = g
                if accumulate and targets is None:
                    grads = gk = prev = None  # (they may hold g: _accumulate would copy it)
                    _accumulate(node.variable, g, create_graph, may_take=True)
                    if node._pre_hooks is not None:
                        _after_accumulating(node, g, create_graph)
                continue
            if targets is not None:
                if node in targets:
                    for i in targets[node]:
                        captured[i] = _OutputGrads.of(g, inputs[i])
                if node not in needed:
                    if not retain_graph:
                        node._release()
                    continue
            grads = node._apply(g, create_graph, needed, retain_graph)
            if anomaly[0] is not None:
                anomaly[0].check_nan(node, grads)
            if node._pre_hooks is not None and node._pre_hooks.node_post:
                grads = _run_post_hooks(node, grads, g, create_graph)
            if node._next_nr is not None:  # an input is one of several outputs
                grads = _as_buffers(node, grads)
            for nxt, gk in zip(node._next, grads, strict=True):
                if nxt is None:
                    continue
                prev = buffers.get(nxt, _ABSENT)
                if prev is _ABSENT:  # the first gradient to reach nxt
                    buffers[nxt] = gk
                    heappush(heap, (-nxt._seq, nxt))
                elif gk is not None:
                    buffers[nxt] = gk if prev is None else _sum(prev, gk)
    except Exception:
        if anomaly[0] is not None:  # (the stack of the failing node's forward call)
            anomaly[0].report(node)
        raise
    finally:
        grad_mode._state.enabled = prev_mode
    while _callbacks:  # (queued by hooks during the pass: run after it, in order)
        _callbacks.pop(0)()

    if captured is None:
        return None
    if accumulate:  # backward(inputs=...): accumulate into exactly those tensors
        for t, g in zip(inputs, captured, strict=True):
            if g is not None:
                _accumulate(t, g, create_graph)
        return None
    Tensor = _tensor.Tensor
    return [
        None if g is None else (g if create_graph else Tensor._make(np.array(g, copy=True)))
        for g in captured
    ]


_ABSENT = object()


def _sum(prev, g):
    """``prev + g``, two gradients meeting at a fork: added into ``prev`` itself when
    the engine alone holds it (an array a VJP made, in the buffer only), which
    spares a new array as large (and, for a large one, fresh memory to fill)."""
    if (type(prev) is np.ndarray and type(g) is np.ndarray and prev.shape == g.shape
            and prev.dtype is g.dtype and prev.base is None and prev.flags.writeable
            and sys.getrefcount(prev) <= _ONLY_OURS + 1):  # (+1: the buffer)
        prev += g
        return prev
    return prev + g


def _references_in_a_call() -> int:
    """What ``sys.getrefcount`` says, in a function, of an array that only its
    caller's variable and the function's parameter hold (3 on CPython 3.11)."""
    def callee(a):
        return sys.getrefcount(a)

    def caller():
        a = np.empty(0)
        return callee(a)

    return caller()


_ONLY_OURS = _references_in_a_call()


class _OutputGrads(list):
    """The gradient buffer of a node with several outputs (a custom Function):
    one entry per output, None for an output no gradient reached (yet)."""

    __slots__ = ()

    @staticmethod
    def one(node, nr: int, g) -> _OutputGrads:
        """The gradient ``g`` of output ``nr`` of ``node``, as a buffer."""
        buf = _OutputGrads([None] * node._num_outputs)
        buf[nr] = g
        return buf

    @staticmethod
    def of(g, t: Tensor):
        """The gradient of tensor ``t`` in its node's buffer ``g``."""
        return g[t._output_nr] if type(g) is _OutputGrads else g

    def __add__(self, other: _OutputGrads) -> _OutputGrads:
        return _OutputGrads(a if b is None else b if a is None else a + b
                            for a, b in zip(self, other, strict=True))


def _accumulate(t: Tensor, g, create_graph: bool, may_take: bool = False) -> None:
    """Add ``g`` into ``t.grad`` (in place, as PyTorch, unless building a graph).

    A leaf's first gradient is a copy of ``g``, or (``may_take``: the caller holds
    ``g`` in one variable only) ``g`` itself when nothing else holds it: an array a
    VJP has just made, as PyTorch's AccumulateGrad takes an unshared gradient."""
    Tensor = _tensor.Tensor
    if create_graph:
        from . import rules  # (rules.py imports this module)

        g = rules.copy_backwards(g)
        t._grad = g if t._grad is None else t._grad + g
        return
    if t._grad is None:
        x = t._data
        if t._grad_dtype != "same":  # (Tensor.grad_dtype: another dtype, or None: any)
            x = g if t._grad_dtype is None else np.empty(0, t._grad_dtype.np)
        if type(g) is not np.ndarray or g.dtype is not x.dtype:
            g = np.array(g, dtype=x.dtype, copy=True)
        elif not (may_take and g.base is None and sys.getrefcount(g) <= _ONLY_OURS):
            g = g.copy()
        t._grad = Tensor._make(g)
    elif t._grad._requires_grad:
        t._grad = Tensor._make(t._grad._data + g)
    else:
        t._grad._data += g
