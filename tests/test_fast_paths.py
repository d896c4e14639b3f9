"""The fast paths of issue 16 agree with PyTorch 2.13 at the sizes they are for.

softmax and log_softmax (computed in place on their temporaries), nll_loss and
cross_entropy (one primitive, PyTorch's ``NllLossBackward0`` after
``LogSoftmaxBackward0``) and the scatter of an index with repeats (``np.add.at``
on flat positions) are checked on batches, in float32 and float64: values,
gradients, second derivatives (``create_graph=True``) and printed text.
The small random cases are in the samplers of ``tests/strategies.py``.
"""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg

torch = pytest.importorskip("torch", reason="differential tests need PyTorch 2.13")

DTYPES = ["float32", "float64"]
TOL = {"float32": 2e-6, "float64": 1e-13}  # relative to the largest entry


def _close(got, want, dtype, what):
    got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
    assert got.shape == want.shape, what
    scale = max(1.0, float(np.abs(want).max(initial=0.0)))
    err = float(np.abs(got - want).max(initial=0.0))
    assert err <= TOL[dtype] * scale, f"{what}: max error {err:.3g}"


def _both(fn, arrays, dtype, grad_of=None, second=False):
    """Run ``fn(T, *tensors)`` in both libraries: (output, gradients[, second-order
    gradients of the gradients' sum of squares]) as NumPy arrays, per library."""
    results = []
    for T in (mg, torch):
        xs = [T.tensor(a, dtype=getattr(T, dtype), requires_grad=True) for a in arrays]
        out = fn(T, *xs)
        seed = out if out.ndim == 0 else (out * T.tensor(grad_of, dtype=out.dtype)).sum()
        grads = T.autograd.grad(seed, xs, create_graph=second)
        res = [out.detach().numpy(), [g.detach().numpy() for g in grads], repr(out)]
        if second:
            penalty = sum((g * g).sum() for g in grads)
            res.append([g.numpy() for g in T.autograd.grad(penalty, xs)])
        results.append(res)
    return results


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("dim", [1, 0, -1])
def test_softmax_and_log_softmax_on_a_batch(dtype, dim):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((64, 100)) * 3
    w = rng.standard_normal((64, 100))
    for name in ("softmax", "log_softmax"):
        (mo, mgr, mrep, mg2), (to, tgr, trep, tg2) = _both(
            lambda T, x: getattr(T.nn.functional, name)(x, dim), [x], dtype, grad_of=w,
            second=True)
        _close(mo, to, dtype, f"{name} value")
        _close(mgr[0], tgr[0], dtype, f"{name} gradient")
        _close(mg2[0], tg2[0], dtype, f"{name} second derivative")
        assert mrep.splitlines()[-1] == trep.splitlines()[-1]  # grad_fn=<...Backward0>


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("ignored", [False, True])
def test_cross_entropy_on_a_batch(dtype, reduction, weighted, ignored):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((128, 40)) * 2
    target = rng.integers(0, 40, 128)
    if ignored:
        target[::7] = -100
    weight = rng.uniform(0.5, 2.0, 40)
    u = rng.standard_normal(128)

    def fn(T, x):
        w = T.tensor(weight, dtype=x.dtype) if weighted else None
        return T.nn.functional.cross_entropy(x, T.tensor(target), weight=w,
                                             reduction=reduction)

    (mo, mgr, mrep, mg2), (to, tgr, trep, tg2) = _both(fn, [x], dtype, grad_of=u, second=True)
    _close(mo, to, dtype, "cross_entropy value")
    _close(mgr[0], tgr[0], dtype, "cross_entropy gradient")
    _close(mg2[0], tg2[0], dtype, "cross_entropy second derivative")
    assert mrep.splitlines()[-1].endswith(trep.splitlines()[-1].split(", ")[-1])


def test_cross_entropy_prints_and_chains_as_pytorch():
    def chain(T):
        x = T.tensor([[1.0, 2.0, 0.5], [0.1, 0.2, 3.0]], requires_grad=True)
        loss = T.nn.functional.cross_entropy(x, T.tensor([0, 2]))
        names, node = [], loss.grad_fn
        while node is not None:
            names.append(type(node).__name__)
            node = node.next_functions[0][0] if node.next_functions else None
        nll = T.nn.functional.nll_loss(x.log_softmax(1), T.tensor([1, 1]), reduction="none")
        return repr(loss), names, len(loss.grad_fn.next_functions), repr(nll)

    assert chain(mg) == chain(torch)
    assert chain(mg)[1] == ["NllLossBackward0", "LogSoftmaxBackward0", "AccumulateGrad"]


def test_nll_loss_of_one_sample():
    x_mg = mg.tensor([0.1, -0.5, 2.0], requires_grad=True)
    x_t = torch.tensor([0.1, -0.5, 2.0], requires_grad=True)
    for T, x in ((mg, x_mg), (torch, x_t)):
        T.nn.functional.nll_loss(x, T.tensor(2)).backward()
    assert repr(x_mg.grad) == repr(x_t.grad)


def test_nll_loss_second_backward_raises_as_pytorch():
    messages = []
    for T in (mg, torch):
        x = T.tensor([[0.1, -0.5, 2.0]], requires_grad=True)
        loss = T.nn.functional.nll_loss(x.log_softmax(1), T.tensor([2]))
        loss.backward()
        with pytest.raises(RuntimeError) as err:
            loss.backward()
        messages.append(str(err.value).split(".")[0])
    assert messages[0] == messages[1]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", ["rows", "cols", "pairs", "1-d", "negative", "unique", "few"])
def test_scatter_of_repeated_indices_matches_pytorch(dtype, case):
    """Backward of indexing with repeats adds: PyTorch's sums (to rounding: PyTorch
    adds in an order of its own), and bit for bit np.add.at's on the n-d index (the
    slow loop the flat positions replace), which adds in index order."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((200, 30))
    rows = rng.integers(0, 200, 5000)
    cols = rng.integers(0, 30, 5000)
    some = rng.permutation(200)[:150]
    index = {"rows": lambda T: T.tensor(rows),
             "cols": lambda T: (slice(None), T.tensor(cols[:300])),
             "pairs": lambda T: (T.tensor(rows), T.tensor(cols)),
             "1-d": lambda T: (T.tensor(rows * 30 + cols),),
             "negative": lambda T: (T.tensor(rows - 200),),
             "unique": lambda T: (T.tensor(some),),
             "few": lambda T: (T.tensor([3, 7, 3, 3]),)}[case]  # (n-d np.add.at: see rules)
    if case == "1-d":
        x = x.reshape(-1)
    if case == "few":
        x = np.random.default_rng(6).standard_normal((400, 300))
    grads = []
    for T in (mg, torch):
        xt = T.tensor(x, dtype=getattr(T, dtype), requires_grad=True)
        y = xt[index(T)]
        w = T.tensor(np.random.default_rng(4).standard_normal(tuple(y.shape)), dtype=y.dtype)
        (y * w).sum().backward()
        grads.append(xt.grad.numpy())
        if T is mg:
            slow = np.zeros(x.shape, dtype=dtype)
            np.add.at(slow, mg.ops._normalise_index(xt, index(mg))[0], w.numpy())
    _close(grads[0], grads[1], dtype, "gradient")
    np.testing.assert_array_equal(grads[0], slow)


def test_rows_then_columns_and_double_backward_through_a_gather():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((50, 40))
    idx, jdx = rng.integers(0, 50, 60), rng.integers(0, 40, 70)

    def fn(T, x):
        return (x[T.tensor(idx)][:, T.tensor(jdx)] ** 2).sum()

    (mo, mgr, _, mg2), (to, tgr, _, tg2) = _both(fn, [x], "float64", second=True)
    _close(mo, to, "float64", "value")
    _close(mgr[0], tgr[0], "float64", "gradient")
    _close(mg2[0], tg2[0], "float64", "second derivative")


# The branch-free select (rules.select: np.where by bits, for large float arrays) ------

def _special(rng, shape, dtype):
    a = (rng.standard_normal(shape) * 10.0 ** rng.integers(-30, 30, shape)).astype(dtype)
    a.ravel()[rng.integers(0, a.size, 50)] = rng.choice([0.0, -0.0, np.nan, np.inf, -np.inf], 50)
    return a


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_select_is_numpys_where_bit_for_bit(dtype):
    from minigrad.rules import select

    rng = np.random.default_rng(3)
    shape = (70, 90)  # (above the 4096 elements where select stops calling np.where)
    with np.errstate(all="ignore"):
        operands = [_special(rng, shape, dtype), _special(rng, (1, 90), dtype), 0.0, -0.0,
                    0, 2.5, np.nan, _special(rng, (), dtype)]
    for cond in (rng.random(shape) < 0.5, rng.random((70, 1)) < 0.5, np.ones(shape, bool)):
        for x in operands:
            for y in operands:
                want, got = np.where(cond, x, y), select(cond, x, y)
                assert got.dtype == want.dtype and got.shape == want.shape, (x, y)
                assert got.tobytes() == want.tobytes(), (np.shape(x), np.shape(y))


@pytest.mark.parametrize("op", ["relu", "leaky_relu", "clamp", "where", "maximum"])
def test_masked_ops_on_a_large_batch_match_pytorch_bit_for_bit(op):
    rng = np.random.default_rng(4)
    a, b = _special(rng, (256, 256), np.float32), _special(rng, (256, 256), np.float32)
    w = rng.standard_normal((256, 256)).astype(np.float32)
    fns = {"relu": lambda T, x, y: T.relu(x), "leaky_relu": lambda T, x, y:
           T.nn.functional.leaky_relu(x, 0.1), "clamp": lambda T, x, y: x.clamp(-1.0, 0.5),
           "where": lambda T, x, y: T.where(x > y, x, y * 2), "maximum": T_max}
    seen = []
    for T in (mg, torch):
        x, y = (T.tensor(v, requires_grad=True) for v in (a, b))
        out = fns[op](T, x, y)
        (out * T.tensor(w)).sum().backward()
        seen.append([None if v is None else _bits(v.detach().numpy())
                     for v in (out, x.grad, y.grad)])
    assert seen[0] == seen[1]


def _bits(a: np.ndarray) -> bytes:
    """The bytes of ``a``, every nan written alike (np.maximum's nan is not torch's
    bit for bit; both print nan)."""
    a = a.copy()
    a[np.isnan(a)] = np.nan
    return a.tobytes()


def T_max(T, x, y):  # noqa: N802 (as the lambdas above: T is the library)
    return T.maximum(x, y)
