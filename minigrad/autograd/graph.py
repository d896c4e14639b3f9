"""``torch.autograd.graph``: hooks on the graph and on what its nodes save.

* ``saved_tensors_hooks(pack, unpack)``: every tensor a node saves for backward while
  it is in force is given to ``pack``, and what ``pack`` returned to ``unpack`` when
  backward needs the tensor (to keep it elsewhere: compressed, on disk, on the CPU);
* ``Node``: the class of every ``grad_fn``, with ``register_hook`` and
  ``register_prehook``;
* ``register_multi_grad_hook``: one hook for the gradients of several tensors;
* ``increment_version``: count an in-place change made behind autograd's back.
"""

from __future__ import annotations

from .. import engine
from ..engine import GradFn as Node
from ..engine import RemovableHandle


class saved_tensors_hooks:  # noqa: N801 (PyTorch's name)
    """While in force, what a node saves goes through ``pack_hook`` (when the op runs)
    and ``unpack_hook`` (when backward reads it)."""

    def __init__(self, pack_hook, unpack_hook) -> None:
        self.pack_hook, self.unpack_hook = pack_hook, unpack_hook

    def __enter__(self) -> saved_tensors_hooks:
        if _disabled:
            raise RuntimeError(_disabled[-1])
        engine.saved_hooks.append((self.pack_hook, self.unpack_hook))
        return self

    def __exit__(self, *exc) -> None:
        engine.saved_hooks.pop()


class save_on_cpu(saved_tensors_hooks):  # noqa: N801
    """Keep saved tensors in the CPU's memory until backward (to free a GPU's): here,
    where every tensor is on the CPU, they stay where they are."""

    def __init__(self, pin_memory: bool = False, device_type: str = "cuda") -> None:
        super().__init__(lambda t: t, lambda t: t)


_disabled: list = []  # the messages of the disable_saved_tensors_hooks in force


class disable_saved_tensors_hooks:  # noqa: N801
    """While in force, entering ``saved_tensors_hooks`` raises ``error_message``."""

    def __init__(self, error_message: str) -> None:
        self.error_message = error_message

    def __enter__(self) -> None:
        _disabled.append(self.error_message)

    def __exit__(self, *exc) -> None:
        _disabled.pop()


class allow_mutation_on_saved_tensors:  # noqa: N801
    """While in force, a tensor that a node saved may change in place: the node keeps a
    copy of the value it saved, made just before the change."""

    def __enter__(self) -> allow_mutation_on_saved_tensors:
        engine.mutation_allowed.append({})
        return self

    def __exit__(self, *exc) -> None:
        engine.mutation_allowed.pop()


def region_activation_memory_budget(budget: float):
    """torch.compile's (which activations to recompute in backward); in eager mode, all
    minigrad has, PyTorch refuses it."""
    if not 0 <= budget <= 1:
        raise ValueError("torch.autograd.graph.region_activation_memory_budget: must be in "
                         f"[0, 1], got {budget}")
    raise RuntimeError("torch.autograd.graph.region_activation_memory_budget can only be "
                       "used inside a torch.compile region; it has no effect in eager mode.")


def increment_version(tensor) -> None:
    """Count an in-place change of ``tensor`` (made to its data directly), so that a
    node that saved it refuses to use it, as after any in-place op."""
    for t in tensor if isinstance(tensor, (list, tuple)) else (tensor,):
        engine.bump_version(t)


class _MultiHandle:
    """The handle of a multi-grad hook: ``remove()`` removes its hook on every tensor."""

    def __init__(self, handles) -> None:
        self.handles = handles

    def remove(self) -> None:
        for h in self.handles:
            h.remove()

    def __repr__(self) -> str:
        return f"<torch.autograd.graph._MultiHandle object at {hex(id(self))}>"


def register_multi_grad_hook(tensors, fn, *, mode: str = "all"):
    """``fn`` once per backward pass: with every tensor's gradient (None for those it
    did not reach; ``mode="all"``), or with the first gradient computed (``"any"``)."""
    tensors = tuple(tensors)
    if mode not in ("all", "any"):
        raise ValueError(f"Expects mode to be one of ('all', 'any') but got {mode}")
    grads: list = [None] * len(tensors)
    state = {"pending": False}

    def flush() -> None:
        state["pending"] = False
        if mode == "all":
            fn(list(grads))
        grads[:] = [None] * len(tensors)

    def make_hook(i):
        def hook(g):
            if not state["pending"]:  # the first gradient of this pass
                state["pending"] = True
                engine.queue_callback(flush)
                if mode == "any":
                    fn(g)
            grads[i] = g
        return hook

    return _MultiHandle([t.register_hook(make_hook(i)) for i, t in enumerate(tensors)
                         if t.requires_grad])


__all__ = ["Node", "RemovableHandle", "saved_tensors_hooks", "save_on_cpu",
           "disable_saved_tensors_hooks", "allow_mutation_on_saved_tensors",
           "increment_version", "register_multi_grad_hook"]
