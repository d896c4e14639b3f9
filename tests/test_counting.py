"""minigrad.counting: exact counts of primitive evaluations, forward, VJP and JVP."""

import minigrad as torch
from minigrad import engine
from minigrad.autograd import forward_ad
from minigrad.counting import count_ops


def test_forward_ops_are_counted_per_primitive():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    with count_ops() as c:
        y = (x * x).sum().exp()
    assert dict(c.forward_ops) == {"mul": 1, "sum": 1, "exp": 1}
    assert c.forward == 3 and c.backward == 0 and c.jvp == 0
    assert y.item() > 0


def test_backward_counts_one_vjp_per_input_that_needs_a_gradient():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    w = torch.tensor([3.0, 4.0], requires_grad=True)
    c_ = torch.tensor([5.0, 6.0])  # a constant: no VJP for it
    with count_ops() as c:
        y = ((x * w) + c_).sum()
        y.backward()
    assert dict(c.forward_ops) == {"mul": 1, "add": 1, "sum": 1}
    assert dict(c.backward_ops) == {"sum": 1, "add": 1, "mul": 2}
    assert c.backward == 4


def test_ops_outside_the_block_are_not_counted_and_the_hook_is_removed():
    x = torch.tensor(1.0, requires_grad=True)
    y = x.sin()
    with count_ops() as c:
        y.backward()
    assert c.forward == 0 and dict(c.backward_ops) == {"sin": 1}
    assert engine.op_counter[0] is None
    x.cos()
    assert c.forward == 0


def test_ops_under_no_grad_are_still_evaluated_and_counted():
    x = torch.tensor(1.0, requires_grad=True)
    with count_ops() as c, torch.no_grad():
        x.exp()
    assert c.forward == 1


def test_nested_blocks_both_count():
    x = torch.tensor(1.0, requires_grad=True)
    with count_ops() as outer:
        x.exp()
        with count_ops() as inner:
            x.sin()
    assert inner.forward == 1 and outer.forward == 2


def test_reverse_mode_gradient_costs_a_constant_times_f_whatever_n():
    """The cheap gradient principle: cost(grad f) / cost(f) does not grow with n."""
    def f(x):
        return (x.sin() * x).sum().tanh()

    costs = []
    for n in (1, 10, 100):
        x = torch.linspace(0, 1, n, requires_grad=True)
        with count_ops() as c:
            f(x).backward()
        costs.append((c.forward, c.backward))
    assert costs[0] == costs[1] == costs[2] == (4, 5)


def test_forward_mode_needs_one_pass_per_input():
    def f(x):
        return (x.sin() * x).sum()

    n = 3
    x = torch.tensor([0.1, 0.2, 0.3])
    with count_ops() as c, forward_ad.dual_level():
        for i in range(n):
            e = torch.zeros(n)
            e[i] = 1.0
            f(forward_ad.make_dual(x, e))
    assert dict(c.forward_ops) == {"sin": n, "mul": n, "sum": n}
    assert dict(c.jvp_ops) == {"sin": n, "mul": 2 * n, "sum": n}


def test_table_lists_each_primitive_and_the_totals():
    x = torch.tensor([1.0], requires_grad=True)
    with count_ops() as c:
        (x * 2).sum().backward()
    table = c.table()
    assert table.splitlines()[0].split() == ["primitive", "forward", "vjp", "jvp"]
    assert table.splitlines()[-1].split() == ["total", "2", "2", "0"]
    assert repr(c) == "OpCounts(forward=2, backward=2, jvp=0)"
