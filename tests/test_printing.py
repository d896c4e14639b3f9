"""Tensor printing must read exactly as PyTorch 2.13's.

The golden strings are copied from the measured catalogue
(../shared/reference/torch_behaviour.md, section 2); the differential tests
compare against a real torch when one is installed.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import pytest

from minigrad._tensor_str import (
    get_printoptions,
    printoptions,
    set_printoptions,
    tensor_repr,
)

PARAMETER = "Parameter containing:\ntensor("


@pytest.fixture(autouse=True)
def _default_printoptions() -> Iterator[None]:
    set_printoptions(profile="default")
    yield
    set_printoptions(profile="default")


def f32(values: object) -> np.ndarray:
    return np.array(values, dtype=np.float32)


def show(data: np.ndarray, **kwargs: object) -> str:
    """repr of a tensor holding ``data``; the dtype is the array's own."""
    return tensor_repr(data, data.dtype.name, **kwargs)


def case(expected: str, data: object, **kwargs: object):
    data = np.asarray(data)
    return pytest.param(data, kwargs, expected, id=expected.replace("\n", "/"))


GOLDEN = [
    # 2.1 0-d float / int / bool
    case("tensor(3.)", f32(3.0)),
    case("tensor(3.5000)", f32(3.5)),
    case("tensor(0.3333)", f32(1 / 3)),
    case("tensor(0.1000)", f32(0.1)),
    case("tensor(28.)", f32(28.0)),
    case("tensor(2)", np.array(2)),
    case("tensor(True)", np.array(True)),
    # 2.2 1-d float: integral values get a '.', others 4 decimals
    case("tensor([0., 1., 2., 3.])", f32([0, 1, 2, 3])),
    case("tensor([1.5000, 2.2500])", f32([1.5, 2.25])),
    case("tensor([1.0000, 2.5000])", f32([1.0, 2.5])),
    case("tensor([0.1000, 0.2000, 0.3000])", f32([0.1, 0.2, 0.3])),
    case("tensor([0.3333, 0.6667, 1.0000])", f32([1 / 3, 2 / 3, 1.0])),
    case("tensor([ 1., -1.])", f32([1.0, -1.0])),
    case("tensor([100.,   1.,  -5.])", f32([100.0, 1.0, -5.0])),
    case("tensor([  0.5000, -12.2500])", f32([0.5, -12.25])),
    case("tensor([0.0002, 0.1000])", f32([0.00015, 0.1])),
    case("tensor([12345.6777])", f32([12345.678])),
    case("tensor([1.0000, 1.0000])", f32([0.99999, 1.00001])),
    case("tensor([2.0001])", f32([2.00005])),
    case("tensor([0.1235])", f32([0.12345])),
    case("tensor([0.1001])", f32([0.00005 + 0.1])),
    # 2.3 scientific notation: max/min > 1000, max > 1e8, min < 1e-4 (strict)
    case("tensor([   1., 1000.])", f32([1.0, 1000.0])),
    case("tensor([1.0000e+00, 1.0010e+03])", f32([1.0, 1001.0])),
    case("tensor([  0.5000, 500.0000])", f32([0.5, 500.0])),
    case("tensor([5.0000e-01, 6.0000e+02])", f32([0.5, 600.0])),
    case("tensor(100000000.)", f32(1e8)),
    case("tensor(1.0001e+08)", f32(1.0001e8)),
    case("tensor(1.0000e+09)", f32(1e9)),
    case("tensor([1.2346e+08])", f32([123456789.0])),
    case("tensor(1.0000e-04)", f32(1e-4)),
    case("tensor(0.0001)", f32(0.00011)),
    case("tensor(1.0000e-05)", f32(1e-5)),
    case("tensor([1.0000e-05, 1.0000e+00])", f32([1e-5, 1.0])),
    case("tensor([0.0000e+00, 1.0000e-05])", f32([0.0, 1e-5])),
    case("tensor([1.0000e+10, 1.0000e+00])", f32([1e10, 1.0])),
    case("tensor([ 1.0000e-10, -3.5000e+00])", f32([1e-10, -3.5])),
    case("tensor(1.0000e+20)", f32(1e20)),
    case("tensor(3.0000e+38)", f32(3e38)),
    case("tensor([1.4013e-45])", f32([1e-45])),
    # 2.4 zeros, negative zero, nan, inf never set the width
    case("tensor([0., 0., 0.])", f32([0, 0, 0])),
    case("tensor(0.)", f32(0.0)),
    case("tensor(-0.)", f32(-0.0)),
    case("tensor([-0., 1.])", f32([-0.0, 1.0])),
    case("tensor([-0., 0.])", f32([-0.0, 0.0])),
    case("tensor([0.0000, 0.5000])", f32([0.0, 0.5])),
    case("tensor(nan)", f32(math.nan)),
    case("tensor(inf)", f32(math.inf)),
    case("tensor(-inf)", f32(-math.inf)),
    case("tensor([1., inf, -inf, nan])", f32([1.0, math.inf, -math.inf, math.nan])),
    case("tensor([1.5000,    nan])", f32([1.5, math.nan])),
    case("tensor([nan, nan])", f32([math.nan, math.nan])),
    case("tensor([1000.,   inf])", f32([1000.0, math.inf])),
    case("tensor([1.0000e-05,        nan])", f32([1e-5, math.nan])),
    case("tensor([1.0806, -0.0000, -0.0000])", f32([1.0806, -0.0, -0.0])),
    # 2.5 integers: str(value), no suffix for int64
    case("tensor([1, 2, 3])", np.array([1, 2, 3])),
    case("tensor([  1, -20, 300])", np.array([1, -20, 300])),
    case("tensor([[ 1,  2],\n        [30,  4]])", np.array([[1, 2], [30, 4]])),
    case("tensor([1, 2], dtype=torch.int32)", np.array([1, 2], np.int32)),
    case("tensor([1, 2], dtype=torch.uint8)", np.array([1, 2], np.uint8)),
    case("tensor(5, dtype=torch.int16)", np.array(5, np.int16)),
    case("tensor([1099511627776,             1])", np.array([2**40, 1])),
    # 2.6 bools are padded to the width of 'False'
    case("tensor([ True, False, False, False])", np.array([True, False, False, False])),
    case("tensor([True, True, True, True])", np.array([True] * 4)),
    case("tensor([[ True],\n        [False]])", np.array([[True], [False]])),
    case("tensor(False)", np.array(False)),
    # 2.7 2-d / 3-d
    case("tensor([[1., 2.],\n        [3., 4.]])", f32([[1, 2], [3, 4]])),
    case(
        "tensor([[ 1.5000,  2.0000],\n        [ 3.0000, -4.2500]])",
        f32([[1.5, 2.0], [3.0, -4.25]]),
    ),
    case(
        "tensor([[[ 0.,  1.,  2.],\n         [ 3.,  4.,  5.]],\n\n"
        "        [[ 6.,  7.,  8.],\n         [ 9., 10., 11.]]])",
        np.arange(12, dtype=np.float32).reshape(2, 2, 3),
    ),
    case(
        "tensor([[[ 0,  1,  2,  3],\n         [ 4,  5,  6,  7],\n"
        "         [ 8,  9, 10, 11]],\n\n"
        "        [[12, 13, 14, 15],\n         [16, 17, 18, 19],\n"
        "         [20, 21, 22, 23]]])",
        np.arange(24).reshape(2, 3, 4),
    ),
    case("tensor([[0.]])", f32([[0.0]])),
    case("tensor([[1.],\n        [1.],\n        [1.]])", np.ones((3, 1), np.float32)),
    # 2.8 empty tensors
    case("tensor([])", f32([])),
    case("tensor([], size=(0, 3))", np.zeros((0, 3), np.float32)),
    case("tensor([], size=(2, 0))", np.zeros((2, 0), np.float32)),
    case("tensor([], dtype=torch.int64)", np.zeros(0, np.int64)),
    case("tensor([], dtype=torch.float64)", np.zeros(0, np.float64)),
    case("tensor([], size=(1, 0))", f32([[]])),
    case("tensor([], size=(0, 2), dtype=torch.bool)", np.zeros((0, 2), bool)),
    # 2.9 requires_grad and grad_fn suffixes
    case("tensor([1., 2.], requires_grad=True)", f32([1, 2]), requires_grad=True),
    case(
        "tensor([2., 4.], grad_fn=<MulBackward0>)",
        f32([2, 4]),
        grad_fn_name="MulBackward0",
    ),
    case(
        "tensor(6., grad_fn=<SumBackward0>)",
        f32(6.0),
        requires_grad=True,
        grad_fn_name="SumBackward0",
    ),
    case(
        "tensor([1., 2.], dtype=torch.float64, requires_grad=True)",
        np.array([1.0, 2.0]),
        requires_grad=True,
    ),
    case(
        "tensor([[1., 1.],\n        [1., 1.]], requires_grad=True)",
        np.ones((2, 2), np.float32),
        requires_grad=True,
    ),
    case(
        "tensor([[3., 3.],\n        [3., 3.]], dtype=torch.float64, grad_fn=<MulBackward0>)",
        np.full((2, 2), 3.0),
        grad_fn_name="MulBackward0",
    ),
    # 2.10 long rows wrap at 80 columns, and so do suffixes
    case(
        "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n"
        "        14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26., 27.,\n"
        "        28., 29.])",
        np.arange(30, dtype=np.float32),
    ),
    case(
        "tensor([0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429,\n"
        "        1.2857, 1.4286, 1.5714, 1.7143, 1.8571, 2.0000, 2.1429, 2.2857, 2.4286,\n"
        "        2.5714, 2.7143, 2.8571, 3.0000, 3.1429, 3.2857, 3.4286, 3.5714, 3.7143,\n"
        "        3.8571, 4.0000, 4.1429])",
        np.arange(30, dtype=np.float32) / np.float32(7),
    ),
    case(
        "tensor([    0,  1000,  2000,  3000,  4000,  5000,  6000,  7000,  8000,  9000,\n"
        "        10000, 11000, 12000, 13000, 14000, 15000, 16000, 17000, 18000, 19000,\n"
        "        20000, 21000, 22000, 23000, 24000])",
        np.arange(25) * 1000,
    ),
    case(
        "tensor([[1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1.,\n"
        "         1., 1.],\n"
        "        [1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1.,\n"
        "         1., 1.]])",
        np.ones((2, 20), np.float32),
    ),
    case(
        "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n"
        "        14., 15., 16., 17., 18., 19.], grad_fn=<MulBackward0>)",
        np.arange(20, dtype=np.float32),
        grad_fn_name="MulBackward0",
    ),
    case(
        "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12.],\n"
        "       grad_fn=<MulBackward0>)",
        np.arange(13, dtype=np.float32),
        grad_fn_name="MulBackward0",
    ),
    case(
        "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12.],\n"
        "       requires_grad=True)",
        np.arange(13, dtype=np.float32),
        requires_grad=True,
    ),
    case(
        "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11.],\n"
        "       requires_grad=True)",
        np.arange(12, dtype=np.float32),
        requires_grad=True,
    ),
    case(
        "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12.],\n"
        "       dtype=torch.float64, grad_fn=<MulBackward0>)",
        np.arange(13, dtype=np.float64),
        grad_fn_name="MulBackward0",
    ),
    case(
        "tensor([0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429],\n"
        "       grad_fn=<MulBackward0>)",
        np.arange(9, dtype=np.float32) / np.float32(7),
        grad_fn_name="MulBackward0",
    ),
    # 2.11 more than 1000 elements: 3 edge items, width from the edge items only
    case("tensor([997., 998., 999.])", np.arange(997, 1000, dtype=np.float32)),
    case(
        "tensor([   0.,    1.,    2.,  ...,  998.,  999., 1000.])",
        np.arange(1001, dtype=np.float32),
    ),
    case("tensor([   0,    1,    2,  ...,  998,  999, 1000])", np.arange(1001)),
    case("tensor([0., 0., 0.,  ..., 0., 0., 0.])", np.zeros(1001, np.float32)),
    case(
        "tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 9.7000e+01, 9.8000e+01,\n"
        "         9.9000e+01],\n"
        "        [1.0000e+02, 1.0100e+02, 1.0200e+02,  ..., 1.9700e+02, 1.9800e+02,\n"
        "         1.9900e+02],\n"
        "        [2.0000e+02, 2.0100e+02, 2.0200e+02,  ..., 2.9700e+02, 2.9800e+02,\n"
        "         2.9900e+02],\n"
        "        ...,\n"
        "        [9.7000e+03, 9.7010e+03, 9.7020e+03,  ..., 9.7970e+03, 9.7980e+03,\n"
        "         9.7990e+03],\n"
        "        [9.8000e+03, 9.8010e+03, 9.8020e+03,  ..., 9.8970e+03, 9.8980e+03,\n"
        "         9.8990e+03],\n"
        "        [9.9000e+03, 9.9010e+03, 9.9020e+03,  ..., 9.9970e+03, 9.9980e+03,\n"
        "         9.9990e+03]])",
        np.arange(10000, dtype=np.float32).reshape(100, 100),
    ),
    case(
        "tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 9.9700e+02, 9.9800e+02,\n"
        "         9.9900e+02],\n"
        "        [1.0000e+03, 1.0010e+03, 1.0020e+03,  ..., 1.9970e+03, 1.9980e+03,\n"
        "         1.9990e+03]])",
        np.arange(2000, dtype=np.float32).reshape(2, 1000),
    ),
    case(
        "tensor([0.0000e+00, 3.3333e-01, 6.6667e-01,  ..., 3.3267e+02, 3.3300e+02,\n"
        "        3.3333e+02])",
        np.arange(1001, dtype=np.float32) / np.float32(3),
    ),
    case(
        "tensor([2., 2., 2.,  ..., 2., 2., 2.], grad_fn=<MulBackward0>)",
        np.full(1001, 2.0, np.float32),
        grad_fn_name="MulBackward0",
    ),
    # 2.13 float64 / float16 suffixes
    case("tensor([1., 2.], dtype=torch.float64)", np.array([1.0, 2.0])),
    case("tensor(0.1000, dtype=torch.float64)", np.array(0.1)),
    case("tensor([1., 2.], dtype=torch.float16)", np.array([1.0, 2.0], np.float16)),
    # 2.18 nn.Parameter
    case(
        "Parameter containing:\ntensor([1., 2.], requires_grad=True)",
        f32([1, 2]),
        requires_grad=True,
        prefix=PARAMETER,
    ),
    case(
        "Parameter containing:\ntensor(3., requires_grad=True)",
        f32(3.0),
        requires_grad=True,
        prefix=PARAMETER,
    ),
    case(
        "Parameter containing:\n"
        "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12.],\n"
        "       requires_grad=True)",
        np.arange(13, dtype=np.float32),
        requires_grad=True,
        prefix=PARAMETER,
    ),
    # section 3: construction outputs that exercise printing
    case("tensor([0.0000, 0.2500, 0.5000, 0.7500])", np.arange(0, 1, 0.25, np.float32)),
    case(
        "tensor([-3.1416, -1.5708,  0.0000,  1.5708,  3.1416])",
        f32(np.linspace(-np.pi, np.pi, 5)),
    ),
    case("tensor(1.5000, dtype=torch.float64)", np.array(1.5)),
    case("tensor(16777216.)", f32(16777217.0)),
]


@pytest.mark.parametrize(("data", "kwargs", "expected"), GOLDEN)
def test_repr_matches_the_measured_pytorch_output(data, kwargs, expected):
    assert show(data, **kwargs) == expected


def test_a_1000_element_tensor_is_printed_in_full():
    lines = show(np.arange(1000, dtype=np.float32)).splitlines()
    assert len(lines) == 84
    assert lines[0] == (
        "tensor([  0.,   1.,   2.,   3.,   4.,   5.,   6.,   7.,   8.,   9.,  10.,  11.,"
    )
    assert lines[-1] == "        996., 997., 998., 999.])"


def test_summarised_width_and_mode_come_from_the_edge_items_only():
    a = np.arange(1001, dtype=np.float32)
    a[500] = 1e9  # hidden behind '...', so it must not switch to sci mode
    assert show(a) == "tensor([   0.,    1.,    2.,  ...,  998.,  999., 1000.])"


def test_default_printoptions_are_pytorchs():
    assert get_printoptions() == {
        "precision": 4,
        "threshold": 1000,
        "edgeitems": 3,
        "linewidth": 80,
        "sci_mode": None,
    }


def test_set_printoptions_sequence_from_the_catalogue():
    set_printoptions(precision=2)
    assert show(f32([1.12345, 2.0])) == "tensor([1.12, 2.00])"
    set_printoptions(sci_mode=False)
    assert show(f32([1e-5, 1.0])) == "tensor([0.00, 1.00])"
    set_printoptions(profile="default")
    assert show(f32([1.12345])) == "tensor([1.1235])"


def test_set_printoptions_without_sci_mode_turns_automatic_sci_mode_back_on():
    set_printoptions(sci_mode=False)
    set_printoptions(precision=4)
    assert get_printoptions()["sci_mode"] is None
    assert show(f32([1e-5, 1.0])) == "tensor([1.0000e-05, 1.0000e+00])"


def test_forced_sci_mode_applies_to_integral_values():
    set_printoptions(sci_mode=True)
    assert show(f32([1.0, 2.0])) == "tensor([1.0000e+00, 2.0000e+00])"


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        ("short", {"precision": 2, "threshold": 1000, "edgeitems": 2}),
        ("full", {"precision": 4, "threshold": math.inf, "edgeitems": 3}),
        ("default", {"precision": 4, "threshold": 1000, "edgeitems": 3}),
    ],
)
def test_profiles_reset_precision_threshold_and_edgeitems(profile, expected):
    set_printoptions(precision=7, threshold=5, edgeitems=1, linewidth=40)
    set_printoptions(profile=profile)
    assert get_printoptions() == {**expected, "linewidth": 80, "sci_mode": None}


def test_short_profile_prints_two_decimals_and_two_edge_items():
    set_printoptions(profile="short")
    assert (
        show(np.arange(1001, dtype=np.float32) / np.float32(3))
        == "tensor([0.00e+00, 3.33e-01,  ..., 3.33e+02, 3.33e+02])"
    )


def test_full_profile_never_summarises():
    set_printoptions(profile="full")
    assert "..." not in show(np.arange(5000))


def test_threshold_5_summarises_a_10_element_tensor():
    set_printoptions(threshold=5)
    assert show(np.arange(10)) == "tensor([0, 1, 2,  ..., 7, 8, 9])"


def test_edgeitems_0_hides_every_element_and_prints_the_size():
    set_printoptions(edgeitems=0, threshold=5)
    assert show(np.arange(10)) == "tensor([...], size=(10,))"
    assert show(np.arange(12.0).reshape(3, 4)) == (
        "tensor([...], size=(3, 4), dtype=torch.float64)"
    )
    assert show(f32([0, 1, 2])) == "tensor([0., 1., 2.], size=(3,))"


def test_linewidth_moves_the_wrap():
    set_printoptions(linewidth=30)
    assert show(np.arange(10)) == "tensor([0, 1, 2, 3, 4, 5, 6,\n        7, 8, 9])"


def test_printoptions_context_manager_restores_the_options():
    before = get_printoptions()
    with printoptions(precision=1, sci_mode=False):
        assert show(f32([0.25, 1e-6])) == "tensor([0.2, 0.0])"
    assert get_printoptions() == before


def test_printoptions_restores_even_after_an_error():
    before = get_printoptions()
    with pytest.raises(ZeroDivisionError), printoptions(linewidth=10):
        _ = 1 / 0
    assert get_printoptions() == before


def test_default_dtype_name_changes_which_float_dtype_is_printed():
    assert (
        show(np.array([1.0, 2.0]), default_dtype_name="float64") == "tensor([1., 2.])"
    )
    assert (
        show(f32([1, 2]), default_dtype_name="float64")
        == "tensor([1., 2.], dtype=torch.float32)"
    )


# --- differential tests against a real PyTorch -------------------------------

SHAPES = [
    (), (1,), (2,), (5,), (13,), (30,), (0,), (0, 3), (2, 0), (1, 0, 2),
    (2, 3), (3, 1), (4, 20), (2, 3, 4), (2, 1, 2, 3), (1000,), (1001,),
    (1500,), (40, 30), (3, 400), (2, 2, 300), (11, 11, 11),
]  # fmt: skip
FLOATS = ["float32", "float32", "float32", "float64", "float16"]
INTS = ["int64", "int32", "int16", "int8", "uint8"]
DTYPES = FLOATS * 3 + INTS + ["bool"]  # floats have the most rules, so most cases
BORDERLINE = [1e-4, 1.0001e-4, 0.99e-4, 1000.0, 1001.0, 1e8, 1.0001e8, 0.5, 600.0,
              2.00005, 0.12345, 1e-45, 3e38, 16777217.0]  # fmt: skip


def random_floats(rng: np.random.Generator, shape: tuple, dtype: str) -> np.ndarray:
    kind = rng.integers(4)
    if kind == 0:  # one magnitude
        values = rng.standard_normal(shape) * 10.0 ** rng.uniform(-6, 9)
    elif kind == 1:  # mixed magnitudes
        low, high = np.sort(rng.uniform(-12, 12, 2))
        values = rng.choice([-1, 1], shape) * 10.0 ** rng.uniform(low, high, shape)
    elif kind == 2:  # integral
        values = rng.integers(-1000, 1000, shape) * 10.0 ** rng.integers(0, 7)
    else:  # around the switching thresholds
        values = rng.choice(BORDERLINE, shape) * rng.choice([-1, 1], shape)
    specials = rng.choice([np.nan, np.inf, -np.inf, 0.0, -0.0], shape)
    values = np.where(rng.random(shape) < rng.uniform(0, 0.3), specials, values)
    with np.errstate(over="ignore"):
        return values.astype(dtype)


def random_ints(rng: np.random.Generator, shape: tuple, dtype: str) -> np.ndarray:
    info = np.iinfo(dtype)
    bound = min(int(info.max), 10 ** int(rng.integers(1, 14)))
    low = max(int(info.min), -bound)
    return rng.integers(low, bound, shape, endpoint=True).astype(dtype)


def random_array(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    shape = SHAPES[rng.integers(len(SHAPES))]
    dtype = str(rng.choice(DTYPES))
    if dtype == "bool":
        values = rng.random(shape) < 0.5
    elif dtype in INTS:
        values = random_ints(rng, shape, dtype)
    else:
        values = random_floats(rng, shape, dtype)
    return np.asarray(values)  # a 0-d result comes back as a NumPy scalar


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip(
        "torch", reason="the differential tests compare against a real PyTorch"
    )


def torch_reprs(torch, a: np.ndarray) -> dict[str, str]:
    """torch's repr of ``a`` plain, and as a leaf, result and Parameter if it can."""
    t = torch.from_numpy(a.copy())
    reprs = {"plain": repr(t)}
    if t.is_floating_point():
        leaf = t.clone().requires_grad_()
        reprs["leaf"] = repr(leaf)
        reprs["result"] = repr(leaf * 1)
    param = torch.nn.Parameter(t.clone(), requires_grad=t.is_floating_point())
    reprs["parameter"] = repr(param)
    return reprs


def minigrad_reprs(a: np.ndarray) -> dict[str, str]:
    reprs = {"plain": show(a)}
    floating = a.dtype.kind == "f"
    if floating:
        reprs["leaf"] = show(a, requires_grad=True)
        reprs["result"] = show(a, grad_fn_name="MulBackward0")
    reprs["parameter"] = show(a, requires_grad=floating, prefix=PARAMETER)
    return reprs


@pytest.mark.parametrize("seed", range(400))
def test_repr_matches_torch_on_random_arrays(torch, seed):
    a = random_array(seed)
    assert minigrad_reprs(a) == torch_reprs(torch, a), f"input: {a!r}"


OPTIONS = [
    {"precision": 2},
    {"precision": 0},
    {"precision": 6, "linewidth": 120},
    {"sci_mode": True},
    {"sci_mode": False},
    {"threshold": 20, "edgeitems": 2},
    {"threshold": 20, "edgeitems": 0},
    {"threshold": 10, "edgeitems": 1, "linewidth": 40},
    {"linewidth": 30},
    {"profile": "short"},
    {"profile": "full"},
]


@pytest.mark.parametrize("options", OPTIONS, ids=str)
@pytest.mark.parametrize("seed", range(1000, 1030))
def test_repr_matches_torch_under_printoptions(torch, options, seed):
    a = random_array(seed)
    torch.set_printoptions(**options)
    try:
        expected = torch_reprs(torch, a)
    finally:
        torch.set_printoptions(profile="default")
    with printoptions(**options):
        assert minigrad_reprs(a) == expected, f"input: {a!r}"


@pytest.mark.parametrize("seed", range(2000, 2030))
def test_repr_matches_torch_with_float64_default_dtype(torch, seed):
    a = random_array(seed)
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        expected = repr(torch.from_numpy(a.copy()))
    finally:
        torch.set_default_dtype(previous)
    assert show(a, default_dtype_name="float64") == expected, f"input: {a!r}"
