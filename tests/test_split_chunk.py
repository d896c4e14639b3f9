"""torch.split and torch.chunk (lesson 8's micro-batches): the same program in
minigrad and in PyTorch 2.13 prints the same text: pieces, ``grad_fn`` names (one
node for all the pieces), gradients (also of unused pieces, and through
create_graph), forward-mode tangents, in-place rules and every error message."""

from __future__ import annotations

import contextlib
import io
import re

import numpy as np
import pytest

import minigrad
from minigrad.autograd import forward_ad as mg_fwad

PROGRAM = r'''
x = T.arange(10.0, requires_grad=True)
show(T.chunk(x, 3)); show(x.split(4)); show(T.split(x, [3, 7])); show(x.split((3, 7)))
a = x.chunk(3)
show(a[0].grad_fn is a[1].grad_fn, a[2].grad_fn.next_functions[0][1], a[0].grad_fn.name())
y = T.arange(12.0).reshape(3, 4).requires_grad_()
show(y.chunk(2, dim=1)); show(T.chunk(y, 5, 0)); show(y.split(1, -1))
for bad in [lambda: x.split([3, 3]), lambda: x.chunk(0), lambda: x.split(0),
            lambda: x.chunk(2, dim=3), lambda: x.split(-1), lambda: T.tensor(5.0).chunk(2),
            lambda: T.tensor(5.0).split(1), lambda: x.split([-1, 11]), lambda: x.chunk(2.0),
            lambda: x.split(3.0)]:
    try:
        bad()
    except Exception as e:
        show(type(e).__name__, e)
show(x.split(20))
z = T.zeros(0, requires_grad=True)
show(z.chunk(3), z.split(0), z.split(2))
a, b, c = x.chunk(3)
(a.sum() * 2 + c.sum()).backward()
show(x.grad)
p = y.split([1, 3], dim=-1)
(p[1] ** 2).sum().backward()
show(y.grad)
q = (x * 1).split([2, 8])
try:
    q[1].mul_(2)
except Exception as e:
    show(type(e).__name__, e)
w = x.detach().clone()
pieces = w.chunk(2)
pieces[0].add_(1)
show(w, w._version, pieces[1]._version)
u = T.arange(1.0, 5.0, requires_grad=True)
(g,) = T.autograd.grad((u.chunk(2)[1] ** 3).sum(), u, create_graph=True)
show(g)
g.sum().backward()
show(u.grad)
with fwAD.dual_level():
    d = fwAD.make_dual(T.arange(4.0), T.ones(4))
    show([fwAD.unpack_dual(t).tangent for t in d.split([1, 3])])
batches = T.arange(12.0).reshape(6, 2).chunk(3)
show(len(batches), [b.shape for b in batches])
'''


def _run(T, fwad) -> str:
    out = io.StringIO()

    def show(*values):
        print(*values, file=out)

    with contextlib.redirect_stdout(out):
        exec(PROGRAM, {"T": T, "fwAD": fwad, "show": show, "np": np})  # noqa: S102
    return re.sub(r"0x[0-9a-f]+", "0x…", out.getvalue())


def test_split_and_chunk_print_what_pytorch_prints():
    torch = pytest.importorskip("torch", reason="differential tests need PyTorch 2.13")
    from torch.autograd import forward_ad as torch_fwad

    want = _run(torch, torch_fwad)
    got = _run(minigrad, mg_fwad)
    assert got == want
    assert "SplitBackward0" in got and "SplitWithSizesBackward0" in got  # (not vacuous)


def test_split_gradients_against_finite_differences():
    x = minigrad.tensor(np.linspace(-1, 1, 7), dtype=minigrad.float64, requires_grad=True)
    assert minigrad.autograd.gradcheck(
        lambda t: [piece.sin() * (k + 1) for k, piece in enumerate(t.split([2, 0, 5]))][2],
        (x,))
    assert minigrad.autograd.gradgradcheck(lambda t: t.chunk(3)[1] ** 3, (x,))
