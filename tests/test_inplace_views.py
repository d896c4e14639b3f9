"""In-place changes to views, against PyTorch 2.13: the base's history becomes
``CopySlices`` and the view's ``AsStridedBackward0``; views of a base changed in place
are re-pointed at its new history (else their gradients would skip the change); a view
made under ``no_grad`` may not be changed in place with grad mode on.

Each program prints what a user would look at (values, ``grad_fn`` names,
``requires_grad``, ``_version``, gradients) or the exception; the two libraries must
print the same text.
"""

from __future__ import annotations

import pytest

import minigrad as mg

torch = pytest.importorskip("torch", reason="differential tests need PyTorch 2.13")


def _show(T, *ts) -> str:
    out = []
    for t in ts:
        fn = type(t.grad_fn).__name__ if t.grad_fn is not None else None
        out.append(f"{t.detach()} {fn} requires_grad={t.requires_grad}"
                   + (f" version={t._version}" if t.requires_grad else ""))
    return " | ".join(out)


def _x(T, n=3):
    return T.arange(1.0, n + 1.0, requires_grad=True)


def p_slice_mul(T):
    x = _x(T)
    y = x * 2
    v = y[:2]
    v.mul_(3)
    y.sum().backward()
    return _show(T, x.grad, y, v)


def p_saved_output_changed(T):
    x = T.ones(2, 3, requires_grad=True)
    y = x.exp()
    y[:, 1].add_(1)
    y.sum().backward()


def p_view_add_tensor(T):
    x, w = _x(T), T.ones(3, requires_grad=True)
    y = x * 1
    v = y.view(3)
    v.add_(w)
    (v * v).sum().backward()
    return _show(T, v, y, x.grad, w.grad)


def p_augmented_slice(T):
    x = _x(T, 4)
    y = x + 0
    y[1:3] *= T.tensor([2.0, 3.0])  # (getitem, imul, then setitem)
    y.sum().backward()
    return _show(T, y, x.grad)


def p_base_without_grad(T):
    w = T.tensor([1.0, 2.0], requires_grad=True)
    y = T.zeros(3)
    y[:2].add_(w)
    (y * y).sum().backward()
    return _show(T, y, w.grad)


def p_transposed_row(T):
    x = T.arange(6.0).reshape(2, 3).requires_grad_()
    y = x.clone()
    y.t()[0].mul_(2)
    (y * T.arange(6.0).reshape(2, 3)).sum().backward()
    return _show(T, y, x.grad)


def p_view_of_a_view(T):
    x = _x(T, 4)
    y = x * 1
    v = y[1:]
    u = v[:1]
    u.mul_(5)
    y.sum().backward()
    return _show(T, u, v, y, x.grad)


def p_printed(T):
    v = (_x(T) * 2)[:2]
    v.mul_(3)
    return f"{v}\n{v._base if T is torch else v._base}"


def p_self_times_self(T):
    x = _x(T)
    y = x * 2
    v = y[1:]
    v.mul_(v)
    y.sum().backward()


def p_diagonal(T):
    x = T.arange(9.0).reshape(3, 3).requires_grad_()
    y = x * 1
    y.diagonal().add_(10)
    (y * y).sum().backward()
    return _show(T, y, x.grad)


def p_unsqueezed_whole(T):
    x = _x(T)
    y = x.sin()
    v = y.unsqueeze(0)
    v.mul_(2)
    y.sum().backward()
    return _show(T, v, y, x.grad)


def p_create_graph(T):
    x = _x(T)
    y = x * x
    y[:2].mul_(x[:2])
    (g,) = T.autograd.grad(y.sum(), x, create_graph=True)
    g.sum().backward()
    return _show(T, g) + f" {x.grad}"


def p_saved_base_changed(T):
    x = _x(T)
    y = x * 2
    z = y * y
    y[:2].add_(1)
    z.sum().backward()


def p_zero_fill_setitem(T):
    x = _x(T)
    y = x * 2
    v = y[:2]
    v.zero_()
    v.fill_(7)
    v[0] = x[2]
    y.sum().backward()
    return _show(T, y, v) + f" {x.grad}"


def p_later_view(T):
    y = _x(T) * 2
    y[:2].add_(1)
    return _show(T, y[1:])


def p_view_of_a_leaf(T):
    _x(T)[:2].mul_(2)


def p_split_output(T):
    a, _ = (_x(T, 6) * 1).split(3)
    a.mul_(2)


def p_clamp_after_mul(T):
    x = _x(T)
    y = x * 2
    v = y[:2]
    v.mul_(T.tensor([1, 2]))
    v.clamp_(max=5.0)
    y.sum().backward()
    return _show(T, y, v) + f" {x.grad}"


def p_row_then_exp(T):
    x = T.arange(4.0, requires_grad=True)
    y = x.reshape(2, 2) * 1
    row = y[0]
    row += 1
    row.exp_()
    (y * 2).sum().backward()
    return _show(T, y, row) + f" {x.grad}"


def p_self_times_self_no_view(T):
    y = _x(T) * 2
    y.mul_(y)
    y.sum().backward()


def p_sibling_after_base_changed(T):
    x = _x(T)
    y = x * 2
    v = y[:2]
    y.mul_(3)  # v now shows 3 * y's old numbers: its gradient must see the * 3
    v.sum().backward()
    return _show(T, v) + f" {x.grad}"


def p_no_grad_view(T):
    y = _x(T) * 2
    with T.no_grad():
        v = y[:2]
    v.mul_(3)


def p_sibling_of_a_changed_view(T):
    x = _x(T)
    y = x * 2
    v, u = y[:2], y[1:]
    v.mul_(3)
    (u * u).sum().backward()
    return _show(T, u) + f" {x.grad}"


def p_changed_under_no_grad(T):
    x = _x(T)
    y = x * 2
    v = y[:2]
    with T.no_grad():
        y.mul_(3)
    v.sum().backward()
    return _show(T, v) + f" {x.grad}"


PROGRAMS = [f for name, f in sorted(globals().items()) if name.startswith("p_")]


def _run(T, program) -> str:
    try:
        return repr(program(T))
    except Exception as e:  # noqa: BLE001 (the exception is compared)
        return f"{type(e).__name__}: {e}"


@pytest.mark.parametrize("program", PROGRAMS, ids=[p.__name__[2:] for p in PROGRAMS])
def test_in_place_change_of_a_view_is_pytorchs(program):
    assert _run(mg, program) == _run(torch, program)
