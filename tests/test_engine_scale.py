"""The engine at scale: deep graphs back-propagate without recursion, shared
subgraphs get exact gradients, and a backward pass frees what it used."""

from __future__ import annotations

import gc
import sys
import weakref

import numpy as np
import pytest

import minigrad


@pytest.fixture
def no_gc():
    """Build big graphs with the cyclic collector off: it would only add time
    (a graph has no cycles) and these tests are about depth, not the collector."""
    gc.disable()
    yield
    gc.enable()


def test_million_op_chain_backpropagates_and_is_freed_without_recursion(no_gc):
    x = minigrad.tensor([0.0], dtype=minigrad.float64, requires_grad=True)
    y = x
    for _ in range(1_000_000):
        y = y + 1.0
    assert sys.getrecursionlimit() < 1_000_000  # so a recursive pass would have failed
    y.sum().backward()
    assert y.item() == 1_000_000.0
    assert x.grad.tolist() == [1.0]
    last = weakref.ref(y.grad_fn)
    del y  # dropping a 1,000,000-node chain must not overflow the C stack either
    assert last() is None


def test_long_chain_of_multiplications_gives_the_product_of_the_factors(no_gc):
    x = minigrad.tensor(1.0, dtype=minigrad.float64, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0000001
    y.backward()
    assert x.grad.item() == pytest.approx(1.0000001 ** 100_000, rel=1e-9)


def test_repeated_diamond_gives_exact_gradient():
    # y = a + b with a = x * 1 and b = x * 1: each diamond doubles the gradient;
    # 10,000 of them in a row, halved back each time, must give exactly 1.
    x = minigrad.tensor([3.0], dtype=minigrad.float64, requires_grad=True)
    y = x
    for _ in range(10_000):
        a = y * 1.0
        b = y * 1.0
        y = (a + b) * 0.5
    y.sum().backward()
    assert x.grad.tolist() == [1.0]
    assert y.tolist() == [3.0]


def test_diamond_fan_out_counts_every_path():
    # y = x * x, repeated 30 times on one tensor: d(x^(2^30))/dx, in float64 at x = 1
    # gives 2^30 exactly (every path of the fan-out is counted once).
    x = minigrad.tensor(1.0, dtype=minigrad.float64, requires_grad=True)
    y = x
    for _ in range(30):
        y = y * y
    y.backward()
    assert x.grad.item() == 2.0**30


def test_wide_fan_out_into_one_leaf_sums_every_use():
    x = minigrad.tensor([2.0], requires_grad=True)
    total = x * 0.0
    for k in range(1, 2_001):
        total = total + x * float(k)
    total.sum().backward()
    assert x.grad.tolist() == [2_001 * 2_000 / 2]


def test_graph_is_freed_by_reference_counting_once_its_output_is_dropped():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 2.0).exp()
    node = weakref.ref(y.grad_fn)
    mul_node = weakref.ref(y.grad_fn.next_functions[0][0])
    y.sum().backward()
    del y  # no reference cycles: no gc.collect() needed
    assert node() is None
    assert mul_node() is None


def test_backward_releases_saved_arrays_even_while_the_output_lives():
    x = minigrad.tensor(np.ones(1000), requires_grad=True)
    h = x * 3.0
    y = h.sin()
    y.sum().backward()
    assert y._node._args is None and y._node._ans is None
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.sum().backward()


def test_retain_graph_allows_a_second_backward_on_a_deep_chain():
    x = minigrad.tensor([0.5], dtype=minigrad.float64, requires_grad=True)
    y = x
    for _ in range(5_000):
        y = y.sin() + 0.0
    y.sum().backward(retain_graph=True)
    first = x.grad.clone()
    y.sum().backward()
    assert x.grad.tolist() == [2 * first.item()]


# A leaf's first gradient: taken when unshared, copied when anything else holds it -------

def _grad_arrays(*leaves):
    return [t.grad._data for t in leaves]


def test_a_leaf_takes_a_gradient_that_nothing_else_holds(monkeypatch):
    from minigrad import rules

    made = []  # weak references: a strong one would make the gradient shared
    vjp_x, vjp_y = rules.mul.vjps

    def recording_vjp_x(*args):
        out = vjp_x(*args)
        made.append(weakref.ref(out))
        return out

    monkeypatch.setattr(rules.mul, "vjps", (recording_vjp_x, vjp_y))
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    (x * 3.0).sum().backward()  # x's gradient: the array mul's VJP just made
    assert x.grad.tolist() == [3.0, 3.0]
    assert x.grad._data is made[0]()  # taken, not copied


def test_leaves_sharing_one_gradient_array_get_their_own_copies():
    a = minigrad.tensor([1.0, 2.0], requires_grad=True)
    b = minigrad.tensor([1.0, 2.0], requires_grad=True)
    (a + b).sum().backward()  # add's VJP hands the same array to both
    ga, gb = _grad_arrays(a, b)
    assert ga is not gb and not np.shares_memory(ga, gb)
    a.grad += 1.0
    assert b.grad.tolist() == [1.0, 1.0]


def test_a_gradient_a_hook_kept_or_the_caller_gave_is_copied():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    kept = []
    x.register_hook(lambda g: kept.append(g))
    (x * 2.0).sum().backward()
    assert not np.shares_memory(x.grad._data, kept[0]._data)
    x.grad += 1.0
    assert kept[0].tolist() == [2.0, 2.0]

    w = minigrad.tensor([1.0, 2.0], requires_grad=True)
    v = minigrad.tensor([5.0, 6.0])
    (w + 0.0).backward(v)  # add's VJP passes the caller's gradient through
    assert not np.shares_memory(w.grad._data, v._data)
    w.grad.zero_()
    assert v.tolist() == [5.0, 6.0]


def test_a_retained_gradient_and_the_leafs_are_separate_arrays():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1.0
    y.retain_grad()
    (y + 0.0).sum().backward()
    assert not np.shares_memory(x.grad._data, y.grad._data)
