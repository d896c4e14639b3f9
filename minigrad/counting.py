"""Counting primitive evaluations, to measure what a derivative costs.

Inside ``with count_ops() as c:`` every primitive evaluated on Tensors is
counted once in ``c.forward_ops`` (by its name in the rule table: ``"mul"``,
``"matmul"``, ...) and every VJP evaluated by a backward pass once in
``c.backward_ops``.  This makes the *cheap gradient principle* measurable:
the full gradient of ``f: R^n -> R`` in reverse mode costs at most a small
constant times evaluating ``f`` (one VJP per input of each recorded op),
whatever ``n`` is::

    with count_ops() as c:
        y = f(x)
        y.backward()
    c.forward, c.backward      # e.g. (4, 6): independent of x.numel()

Forward mode (``minigrad.autograd.forward_ad``) needs one pass per input
direction, so ``n`` passes for the full gradient; ``c.jvp_ops`` counts its JVP
evaluations, one per dual input of each op.

What is counted, precisely:

* a primitive counts as a forward op whenever it runs on Tensors, with or
  without grad mode (so ``f`` evaluated under ``no_grad`` is counted too);
* a first-order backward pass runs VJP rules on NumPy arrays: only the VJP
  evaluations are counted, one per input that needs a gradient;
* with ``create_graph=True`` the VJP rules run on Tensors, so the primitives
  they call are also counted as forward ops (they build a new graph);
* JVP rules run on Tensors too, but the ops inside them are not counted as
  forward ops: one JVP evaluation is counted instead (as for a VJP);
* operations that are not primitives (comparisons, ``argmax``, creation) and
  the accumulation of ``.grad`` into leaves are not counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from . import engine
from .autograd import forward_ad


class OpCounts:
    """Primitive evaluations seen while a :func:`count_ops` block was active."""

    def __init__(self, parent: OpCounts | None = None) -> None:
        self.forward_ops: Counter[str] = Counter()
        self.backward_ops: Counter[str] = Counter()
        self.jvp_ops: Counter[str] = Counter()
        self._parent = parent  # an enclosing count_ops() block sees our counts too

    @property
    def forward(self) -> int:
        """Primitive forward evaluations on Tensors."""
        return sum(self.forward_ops.values())

    @property
    def backward(self) -> int:
        """VJP evaluations during backward passes."""
        return sum(self.backward_ops.values())

    @property
    def jvp(self) -> int:
        """JVP evaluations reported by forward mode."""
        return sum(self.jvp_ops.values())

    # Called by the engine (and by forward mode) ------------------------------------
    def count_forward(self, prim) -> None:
        if forward_ad._busy[0]:  # an op inside a JVP rule (or forward_ad's own bookkeeping)
            return
        self.forward_ops[prim.name] += 1
        if self._parent is not None:
            self._parent.count_forward(prim)

    def count_vjp(self, prim) -> None:
        self.backward_ops[prim.name] += 1
        if self._parent is not None:
            self._parent.count_vjp(prim)

    def count_jvp(self, prim) -> None:
        self.jvp_ops[prim.name] += 1
        if self._parent is not None:
            self._parent.count_jvp(prim)

    def reset(self) -> None:
        self.forward_ops.clear()
        self.backward_ops.clear()
        self.jvp_ops.clear()

    def __repr__(self) -> str:
        return f"OpCounts(forward={self.forward}, backward={self.backward}, jvp={self.jvp})"

    def table(self) -> str:
        """One line per primitive: forward, VJP and JVP evaluations."""
        names = sorted(set(self.forward_ops) | set(self.backward_ops) | set(self.jvp_ops))
        rows = [f"{'primitive':<16}{'forward':>8}{'vjp':>8}{'jvp':>8}"]
        for n in names:
            rows.append(f"{n:<16}{self.forward_ops[n]:>8}{self.backward_ops[n]:>8}"
                        f"{self.jvp_ops[n]:>8}")
        rows.append(f"{'total':<16}{self.forward:>8}{self.backward:>8}{self.jvp:>8}")
        return "\n".join(rows)


@contextmanager
def count_ops() -> Iterator[OpCounts]:
    """Count primitive evaluations (forward, VJP, JVP) inside the block."""
    counts = OpCounts(parent=engine.op_counter[0])
    engine.op_counter[0] = counts
    try:
        yield counts
    finally:
        engine.op_counter[0] = counts._parent
