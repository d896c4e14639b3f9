"""minigrad.nn and minigrad.optim: PyTorch's reprs, grad_fn names, initialisation,
and training runs that follow PyTorch's losses step by step."""

import copy

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad import optim


@pytest.fixture
def torch():
    return pytest.importorskip("torch", reason="differential tests need PyTorch 2.13")


# Parameter ---------------------------------------------------------------------------

def test_parameter_repr_matches_pytorch():
    p = nn.Parameter(minigrad.tensor([1.0, 2.0]))
    assert repr(p) == "Parameter containing:\ntensor([1., 2.], requires_grad=True)"
    assert str(p) == repr(p)
    assert repr(nn.Parameter(minigrad.tensor(3.0))) == (
        "Parameter containing:\ntensor(3., requires_grad=True)")
    m = nn.Parameter(minigrad.tensor([[1.0, 2.0], [3.0, 4.0]]))
    assert repr(m) == ("Parameter containing:\ntensor([[1., 2.],\n"
                       "        [3., 4.]], requires_grad=True)")
    assert repr(nn.Parameter(minigrad.tensor([1.0]), requires_grad=False)) == (
        "Parameter containing:\ntensor([1.])")


def test_parameter_is_a_leaf_and_ops_on_it_give_plain_tensors():
    p = nn.Parameter(minigrad.tensor([1.0, 2.0]))
    assert p.is_leaf and p.requires_grad and p.grad_fn is None
    y = p * 1
    assert type(y) is minigrad.Tensor
    assert repr(y) == "tensor([1., 2.], grad_fn=<MulBackward0>)"
    (p * p).sum().backward()
    assert p.grad.tolist() == [2.0, 4.0]


def test_parameter_shares_memory_with_its_data_and_survives_deepcopy():
    t = minigrad.tensor([1.0, 2.0])
    p = nn.Parameter(t)
    t[0] = 5.0
    assert p.tolist() == [5.0, 2.0]
    q = copy.deepcopy(p)
    assert isinstance(q, nn.Parameter) and q.tolist() == [5.0, 2.0] and q.requires_grad
    q.data[0] = 0.0  # a copy, not a view
    assert p.tolist() == [5.0, 2.0]


# Module ------------------------------------------------------------------------------

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 2)
        self.act = nn.Tanh()
        self.w = nn.Parameter(minigrad.zeros(2))

    def forward(self, x):
        return self.act(self.fc(x)) * self.w


def test_module_registers_parameters_and_children_in_assignment_order():
    net = Net()
    assert [n for n, _ in net.named_parameters()] == ["w", "fc.weight", "fc.bias"]
    assert list(net.state_dict()) == ["w", "fc.weight", "fc.bias"]
    assert [n for n, _ in net.named_children()] == ["fc", "act"]
    assert [type(m).__name__ for m in net.modules()] == ["Net", "Linear", "Tanh"]
    assert all(isinstance(p, nn.Parameter) for p in net.parameters())


def test_shared_parameters_are_listed_once():
    lin = nn.Linear(2, 2)
    model = nn.Sequential(lin, nn.Tanh(), lin)
    assert len(list(model.parameters())) == 2


def test_assigning_a_plain_tensor_to_a_parameter_name_raises_pytorchs_type_error():
    lin = nn.Linear(2, 2)
    with pytest.raises(TypeError, match=r"cannot assign 'torch.FloatTensor' as parameter "
                                        r"'weight' \(torch.nn.Parameter or None expected\)"):
        lin.weight = minigrad.zeros(2, 2)


def test_module_repr_matches_pytorch():
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1, bias=False), nn.ReLU(),
                          nn.Sigmoid(), nn.MSELoss(), nn.CrossEntropyLoss(reduction="sum"),
                          nn.LeakyReLU(0.2), nn.Softmax(dim=1), nn.Softplus(),
                          nn.ModuleList([nn.Tanh(), nn.Tanh(), nn.Identity()]))
    assert repr(model) == """Sequential(
  (0): Linear(in_features=3, out_features=4, bias=True)
  (1): Tanh()
  (2): Linear(in_features=4, out_features=1, bias=False)
  (3): ReLU()
  (4): Sigmoid()
  (5): MSELoss()
  (6): CrossEntropyLoss()
  (7): LeakyReLU(negative_slope=0.2)
  (8): Softmax(dim=1)
  (9): Softplus(beta=1.0, threshold=20.0)
  (10): ModuleList(
    (0-1): 2 x Tanh()
    (2): Identity()
  )
)"""
    assert repr(Net()) == ("Net(\n  (fc): Linear(in_features=2, out_features=2, bias=True)\n"
                           "  (act): Tanh()\n)")
    assert repr(nn.Module()) == "Module()"


def test_zero_grad_sets_to_none_or_zeroes_in_place():
    lin = nn.Linear(2, 1)
    lin(minigrad.ones(3, 2)).sum().backward()
    g = lin.weight.grad
    lin.zero_grad(set_to_none=False)
    assert lin.weight.grad is g and g.tolist() == [[0.0, 0.0]]
    lin.zero_grad()
    assert lin.weight.grad is None and lin.bias.grad is None


def test_train_and_eval_set_the_flag_on_every_submodule():
    model = nn.Sequential(nn.Linear(1, 1), nn.Sequential(nn.Tanh()))
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())


def test_load_state_dict_copies_values_into_the_same_parameters():
    a, b = nn.Linear(2, 3), nn.Linear(2, 3)
    w = b.weight
    b.load_state_dict(a.state_dict())
    assert b.weight is w and np.array_equal(b.weight.detach().numpy(), a.weight.detach().numpy())
    with pytest.raises(RuntimeError, match="Missing key"):
        b.load_state_dict({"weight": a.weight.detach()})


def test_double_converts_parameters_in_place():
    lin = nn.Linear(2, 2)
    w = lin.weight
    lin.double()
    assert lin.weight is w and lin.weight.dtype == minigrad.float64


# Linear initialisation -----------------------------------------------------------------

def test_linear_after_manual_seed_holds_pytorchs_weights_bit_for_bit():
    minigrad.manual_seed(0)
    lin = nn.Linear(3, 2)
    assert repr(lin.weight) == ("Parameter containing:\n"
                                "tensor([[-0.0043,  0.3097, -0.4752],\n"
                                "        [-0.4249, -0.2224,  0.1548]], requires_grad=True)")
    assert repr(lin.bias) == "Parameter containing:\ntensor([-0.0114,  0.4578], requires_grad=True)"


def test_linear_init_matches_torch_for_a_larger_network(torch):
    torch.manual_seed(3)
    tm = torch.nn.Sequential(torch.nn.Linear(5, 7), torch.nn.Tanh(), torch.nn.Linear(7, 2))
    minigrad.manual_seed(3)
    mm = nn.Sequential(nn.Linear(5, 7), nn.Tanh(), nn.Linear(7, 2))
    for (tn, tp), (mn, mp) in zip(tm.named_parameters(), mm.named_parameters()):
        assert tn == mn
        assert np.array_equal(tp.detach().numpy(), mp.detach().numpy())


# grad_fn names (spec section 4.1) -------------------------------------------------------

def _cases(lib, F_):
    a = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = lib.tensor([4.0, 5.0, 6.0], requires_grad=True)
    A = lib.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    B = lib.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    M = lib.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], requires_grad=True)
    v2 = lib.tensor([1.0, 2.0], requires_grad=True)
    B3 = lib.ones(2, 2, 2, requires_grad=True)
    n = lib.tensor([1.0, 2.0, 3.0])
    t = lib.tensor([0, 2])
    return {
        "F.relu(a)": lambda: F_.relu(a), "F.leaky_relu(a)": lambda: F_.leaky_relu(a),
        "F.softplus(a)": lambda: F_.softplus(a), "F.softplus(a, beta=2)": lambda: F_.softplus(a, 2),
        "F.tanh(a)": lambda: F_.tanh(a), "F.sigmoid(a)": lambda: F_.sigmoid(a),
        "F.softmax(a, dim=0)": lambda: F_.softmax(a, dim=0),
        "F.log_softmax(a, dim=0)": lambda: F_.log_softmax(a, dim=0),
        "F.mse_loss(a, b)": lambda: F_.mse_loss(a, b),
        "F.mse_loss(a, b, sum)": lambda: F_.mse_loss(a, b, reduction="sum"),
        "F.mse_loss(a, b, none)": lambda: F_.mse_loss(a, b, reduction="none"),
        "F.cross_entropy(B, t)": lambda: F_.cross_entropy(B, t),
        "F.cross_entropy(B, t, sum)": lambda: F_.cross_entropy(B, t, reduction="sum"),
        "F.cross_entropy(B, t, none)": lambda: F_.cross_entropy(B, t, reduction="none"),
        "F.cross_entropy(B, t, weight)": lambda: F_.cross_entropy(B, t, weight=n),
        "F.nll_loss(B, t)": lambda: F_.nll_loss(B, t),
        "F.binary_cross_entropy(a.sigmoid(), n/3)":
            lambda: F_.binary_cross_entropy(a.sigmoid(), n / 3),
        "F.binary_cross_entropy_with_logits(a, n/3)":
            lambda: F_.binary_cross_entropy_with_logits(a, n / 3),
        "F.linear(M, A)": lambda: F_.linear(M, A),
        "F.linear(M, A, v2)": lambda: F_.linear(M, A, v2),
        "F.linear(v2, A)": lambda: F_.linear(v2, A),
        "F.linear(v2, A, v2)": lambda: F_.linear(v2, A, v2),
        "F.linear(B3, A)": lambda: F_.linear(B3, A),
        "F.linear(B3, A, v2)": lambda: F_.linear(B3, A, v2),
        "Linear(2,1)(M)": lambda: lib.nn.Linear(2, 1)(M),
        "Linear(2,1)(v2)": lambda: lib.nn.Linear(2, 1)(v2),
        "Linear(2,1,bias=False)(M)": lambda: lib.nn.Linear(2, 1, bias=False)(M),
    }


def test_grad_fn_names_of_nn_ops_follow_the_spec():
    names = {k: f().grad_fn.name() for k, f in _cases(minigrad, F).items()}
    assert names["F.mse_loss(a, b)"] == "MseLossBackward0"
    assert names["F.cross_entropy(B, t)"] == "NllLossBackward0"
    assert names["F.nll_loss(B, t)"] == "NllLossBackward0"
    assert names["F.linear(M, A)"] == "MmBackward0"
    assert names["F.linear(M, A, v2)"] == "AddmmBackward0"
    assert names["Linear(2,1)(M)"] == "AddmmBackward0"
    assert names["Linear(2,1)(v2)"] == "ViewBackward0"
    assert names["Linear(2,1,bias=False)(M)"] == "MmBackward0"
    assert names["F.binary_cross_entropy(a.sigmoid(), n/3)"] == "BinaryCrossEntropyBackward0"


def test_grad_fn_names_and_values_of_nn_ops_match_torch(torch):
    import torch.nn.functional as tF

    ours, theirs = _cases(minigrad, F), _cases(torch, tF)
    for key in ours:
        y, ty = ours[key](), theirs[key]()
        assert y.grad_fn.name() == ty.grad_fn.name(), key
        if "Linear(" not in key:  # random weights
            np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=1e-6,
                                       err_msg=key)


def test_loss_gradients_match_torch(torch):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5, 4))
    target = np.array([0, 3, 1, 1, 2])
    weight = np.array([1.0, 2.0, 0.5, 1.5])
    probs = rng.dirichlet(np.ones(4), size=5)
    losses = [
        lambda lib, F_, X: F_.cross_entropy(X, lib.tensor(target)),
        lambda lib, F_, X: F_.cross_entropy(X, lib.tensor(target), weight=lib.tensor(weight)),
        lambda lib, F_, X: F_.cross_entropy(X, lib.tensor([0, -100, 1, 1, 2])),
        lambda lib, F_, X: F_.cross_entropy(X, lib.tensor(probs)),
        lambda lib, F_, X: F_.cross_entropy(X[0], lib.tensor(2)),
        lambda lib, F_, X: F_.mse_loss(X, lib.tensor(probs), reduction="sum"),
        lambda lib, F_, X: F_.binary_cross_entropy_with_logits(X, lib.tensor(probs)),
        lambda lib, F_, X: F_.binary_cross_entropy(X.sigmoid(), lib.tensor(probs)),
        lambda lib, F_, X: F_.softplus(X, beta=2.0).sum(),
    ]
    import torch.nn.functional as tF

    for i, loss in enumerate(losses):
        X = minigrad.tensor(x, requires_grad=True)
        TX = torch.tensor(x, requires_grad=True)
        y, ty = loss(minigrad, F, X), loss(torch, tF, TX)
        y.backward()
        ty.backward()
        np.testing.assert_allclose(y.item(), ty.item(), rtol=1e-12, err_msg=str(i))
        np.testing.assert_allclose(X.grad.numpy(), TX.grad.numpy(), rtol=1e-10, atol=1e-15,
                                   err_msg=str(i))


def test_invalid_reduction_raises_value_error():
    a = minigrad.tensor([1.0])
    with pytest.raises(ValueError, match="mine is not a valid value for reduction"):
        F.mse_loss(a, a, reduction="mine")


def test_mse_loss_warns_when_target_shape_differs():
    with pytest.warns(UserWarning, match="Using a target size"):
        F.mse_loss(minigrad.zeros(3), minigrad.zeros(3, 1))


# Optimizers -----------------------------------------------------------------------------

def test_sgd_step_follows_the_formula_by_hand():
    w = nn.Parameter(minigrad.tensor([1.0, -2.0], dtype=minigrad.float64))
    opt = optim.SGD([w], lr=0.1, momentum=0.5, weight_decay=0.01)
    bufs, ref = None, np.array([1.0, -2.0])
    for _ in range(3):
        opt.zero_grad()
        (w * w).sum().backward()
        opt.step()
        g = 2 * ref + 0.01 * ref
        bufs = g if bufs is None else 0.5 * bufs + g
        ref = ref - 0.1 * bufs
        np.testing.assert_allclose(w.detach().numpy(), ref, rtol=1e-14)
    assert w.is_leaf and w.requires_grad


def test_adam_first_step_moves_each_weight_by_lr():
    w = nn.Parameter(minigrad.tensor([1.0, -2.0, 3.0], dtype=minigrad.float64))
    opt = optim.Adam([w], lr=0.01)
    (w * w).sum().backward()
    opt.step()
    np.testing.assert_allclose(w.detach().numpy(), [0.99, -1.99, 2.99], rtol=1e-9)


def test_optimizer_skips_parameters_without_grad_and_keeps_param_groups():
    a = nn.Parameter(minigrad.tensor([1.0]))
    b = nn.Parameter(minigrad.tensor([1.0]))
    opt = optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    (a * 2 + b * 2).sum().backward()
    b.grad = None
    opt.step()
    assert a.tolist() == pytest.approx([0.8]) and b.tolist() == [1.0]


def test_optimizer_reprs_match_pytorch():
    w = nn.Parameter(minigrad.zeros(1))
    assert repr(optim.SGD([w], lr=0.1, momentum=0.9)) == """SGD (
Parameter Group 0
    dampening: 0
    differentiable: False
    foreach: None
    fused: None
    lr: 0.1
    maximize: False
    momentum: 0.9
    nesterov: False
    weight_decay: 0
)"""
    assert repr(optim.Adam([w])) == """Adam (
Parameter Group 0
    amsgrad: False
    betas: (0.9, 0.999)
    capturable: False
    decoupled_weight_decay: False
    differentiable: False
    eps: 1e-08
    foreach: None
    fused: None
    lr: 0.001
    maximize: False
    weight_decay: 0
)"""


def test_optimizer_rejects_bad_arguments():
    w = nn.Parameter(minigrad.zeros(1))
    with pytest.raises(ValueError, match="Invalid learning rate: -1"):
        optim.SGD([w], lr=-1)
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.Adam([])
    with pytest.raises(ValueError, match="Nesterov momentum requires"):
        optim.SGD([w], lr=0.1, nesterov=True)


# Training runs against PyTorch ------------------------------------------------------------

def _data(kind):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((24, 3))
    if kind == "regression":
        return x, np.sin(x @ np.array([[1.0], [-2.0], [0.5]]))
    return x, np.argmax(x @ rng.standard_normal((3, 3)), axis=1)


def _fit(lib, kind, make_opt, dtype, steps=40):
    """Train a small MLP from PyTorch's seed-0 weights; return the loss at each step."""
    x, y = _data(kind)
    lib.manual_seed(0)
    out = 1 if kind == "regression" else 3
    model = lib.nn.Sequential(lib.nn.Linear(3, 8), lib.nn.Tanh(), lib.nn.Linear(8, 8),
                              lib.nn.ReLU(), lib.nn.Linear(8, out))
    model.to(dtype)
    X = lib.tensor(x, dtype=dtype)
    if kind == "regression":
        Y, loss_fn = lib.tensor(y, dtype=dtype), lib.nn.MSELoss()
    else:
        Y, loss_fn = lib.tensor(y), lib.nn.CrossEntropyLoss()
    opt = make_opt(lib, model.parameters())
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = loss_fn(model(X), Y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return np.array(losses)


OPTIMIZERS = {
    "sgd": lambda lib, p: lib.optim.SGD(p, lr=0.1),
    "sgd-momentum-decay": lambda lib, p: lib.optim.SGD(p, lr=0.05, momentum=0.9,
                                                       weight_decay=1e-2),
    "sgd-nesterov": lambda lib, p: lib.optim.SGD(p, lr=0.05, momentum=0.8, nesterov=True),
    "sgd-dampening": lambda lib, p: lib.optim.SGD(p, lr=0.05, momentum=0.9, dampening=0.5),
    "adam": lambda lib, p: lib.optim.Adam(p, lr=0.02),
    "adam-decay-amsgrad": lambda lib, p: lib.optim.Adam(p, lr=0.02, betas=(0.8, 0.99),
                                                        weight_decay=1e-2, amsgrad=True),
    "adamw": lambda lib, p: lib.optim.Adam(p, lr=0.02, weight_decay=0.1,
                                           decoupled_weight_decay=True),
}


@pytest.mark.parametrize("kind", ["regression", "classification"])
@pytest.mark.parametrize("name", ["sgd-momentum-decay", "adam"])
def test_training_converges(kind, name):
    losses = _fit(minigrad, kind, OPTIMIZERS[name], minigrad.float64, steps=60)
    assert losses[-1] < 0.5 * losses[0]


@pytest.mark.parametrize("kind", ["regression", "classification"])
@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_training_follows_pytorch_step_by_step_in_float64(torch, kind, name):
    ours = _fit(minigrad, kind, OPTIMIZERS[name], minigrad.float64)
    theirs = _fit(torch, kind, OPTIMIZERS[name], torch.float64)
    np.testing.assert_allclose(ours, theirs, rtol=1e-9)


@pytest.mark.parametrize("kind", ["regression", "classification"])
@pytest.mark.parametrize("name", ["sgd-momentum-decay", "adam"])
def test_training_follows_pytorch_step_by_step_in_float32(torch, kind, name):
    ours = _fit(minigrad, kind, OPTIMIZERS[name], minigrad.float32)
    theirs = _fit(torch, kind, OPTIMIZERS[name], torch.float32)
    np.testing.assert_allclose(ours, theirs, rtol=1e-4)
