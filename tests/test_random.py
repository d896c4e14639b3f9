"""Tests for minigrad._random, the torch-compatible CPU random generator.

Three kinds of test:

* golden values, from torch_behaviour.md section 3.4 and a few exact values
  recorded from torch 2.13; these run without torch;
* differential tests against the installed torch (marked ``torch``; skipped
  when torch is absent): bit-for-bit equality for everything the module claims
  is bit-identical;
* distribution sanity, determinism, state handling and error messages.
"""

from __future__ import annotations

import numpy as np
import pytest

from minigrad import _random as R

# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

SEEDS = [0, 1, 7, 42, 1234, 2**32 + 5, 2**63 + 11]
SHAPES = [
    (),
    (0,),
    (1,),
    (2,),
    (3,),
    (15,),
    (16,),
    (17,),
    (31,),
    (33,),
    (100,),
    (1000,),
    (2, 3),
    (4, 5),
    (3, 0, 2),
    (2, 8, 3),
]
FLOATS = [np.float16, np.float32, np.float64]


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch", reason="differential tests need PyTorch")


def torch_dtype(torch, dtype):
    return {
        np.dtype(np.bool_): torch.bool,
        np.dtype(np.uint8): torch.uint8,
        np.dtype(np.int8): torch.int8,
        np.dtype(np.int16): torch.int16,
        np.dtype(np.int32): torch.int32,
        np.dtype(np.int64): torch.int64,
        np.dtype(np.float16): torch.float16,
        np.dtype(np.float32): torch.float32,
        np.dtype(np.float64): torch.float64,
    }[np.dtype(dtype)]


def assert_same(ours: np.ndarray, theirs) -> None:
    """Bit-for-bit equality with a torch tensor: shape, dtype and every value."""
    theirs = theirs.numpy()
    assert ours.shape == theirs.shape
    assert ours.dtype == theirs.dtype
    if not np.array_equal(ours, theirs, equal_nan=ours.dtype.kind == "f"):
        bad = np.flatnonzero(ours.ravel() != theirs.ravel())
        raise AssertionError(
            f"{bad.size} of {ours.size} elements differ, first at {bad[:5]}: "
            f"ours {ours.ravel()[bad[:5]]} torch {theirs.ravel()[bad[:5]]}"
        )


def simd_kernels(torch) -> bool:
    """Whether torch runs its AVX2/AVX512 kernels (x86-64 with AVX2, the usual case)."""
    return torch.backends.cpu.get_cpu_capability() in ("AVX2", "AVX512")


TOLERANCE = {np.float16: 2e-3, np.float32: 1e-5, np.float64: 1e-12}


def assert_matches(ours: np.ndarray, theirs, torch, portable: bool) -> None:
    """Bit-identical if ``portable``, or if torch runs the AVX2/AVX512 kernels we reproduce.

    Otherwise torch uses its generic kernel (``ATEN_CPU_CAPABILITY=default``, or a
    non-x86 CPU), where the module documents last-bit differences: libm
    ``logf``/``cosf``/``sinf`` in ``normal_fill``, and no fused multiply-add in
    ``uniform``/``normal`` with a scale or shift.
    """
    if portable or simd_kernels(torch):
        assert_same(ours, theirs)
    else:
        tol = TOLERANCE[ours.dtype.type]
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=tol, atol=tol)


def portable_normal(n: int, dtype, mean: float = 0.0, std: float = 1.0) -> bool:
    """Normal draws that match every torch build: float64 or < 16 elements, unscaled."""
    return (n < 16 or np.dtype(dtype) == np.float64) and (mean, std) == (0.0, 1.0)


# --------------------------------------------------------------------------
# golden values (no torch needed)
# --------------------------------------------------------------------------


def test_spec_3_4_rand():
    R.manual_seed(0)
    np.testing.assert_allclose(R.rand((3,), np.float32), [0.4963, 0.7682, 0.0885], atol=5e-5)


def test_spec_3_4_randn():
    R.manual_seed(0)
    np.testing.assert_allclose(R.randn((3,), np.float32), [1.5410, -0.2934, -2.1788], atol=5e-5)
    R.manual_seed(0)
    np.testing.assert_allclose(
        R.randn((2, 3), np.float32),
        [[1.5410, -0.2934, -2.1788], [0.5684, -1.0845, -1.3986]],
        atol=5e-5,
    )


def test_spec_3_4_randint():
    R.manual_seed(0)
    out = R.randint(0, 10, (5,))
    assert out.dtype == np.int64
    assert out.tolist() == [4, 9, 3, 0, 3]


def test_spec_3_4_randn_scalar_seed_42():
    R.manual_seed(42)
    out = R.randn((), np.float32)
    assert out.shape == ()
    assert round(float(out), 4) == 0.3367


def test_spec_3_4_randn_20():
    expected = [
        -1.1258,
        -1.1524,
        -0.2506,
        -0.4339,
        0.5988,
        -1.5551,
        -0.3414,
        1.8530,
        0.4681,
        -0.1577,
        1.4437,
        0.2660,
        1.3894,
        1.5863,
        0.9463,
        -0.8437,
        0.9318,
        1.2590,
        2.0050,
        0.0537,
    ]
    R.manual_seed(0)
    np.testing.assert_allclose(R.randn((20,), np.float32), expected, atol=5e-5)


def test_spec_15_6_rand_matches_masked_mt19937():
    R.manual_seed(0)
    ours = R.rand((1000,), np.float32)
    bg = np.random.MT19937(0)
    bg._legacy_seeding(0)
    raw = bg.random_raw(1000).astype(np.uint64)
    guess = ((raw & ((1 << 24) - 1)).astype(np.float64) / 2**24).astype(np.float32)
    assert np.array_equal(ours, guess)


# Exact values recorded from torch 2.13 (x86-64, AVX512).
EXACT = {
    "rand f32": [0.49625658988952637, 0.7682217955589294, 0.08847743272781372],
    "randn f32": [1.5409960746765137, -0.293428897857666, -2.1787893772125244],
    "randn f64": [1.5409961082440433, -0.2934289057609464, -2.1787893820745574],
    "rand f64": [0.9700530018065531, 0.707819864399788, 0.45938294312745087],
    "randn20 f32": [
        -1.1258398294448853,
        -1.152360200881958,
        -0.2505785822868347,
        -0.4338788092136383,
        0.5988394618034363,
        -1.5550950765609741,
        -0.3413603901863098,
        1.85300612449646,
        0.46809640526771545,
        -0.1577124446630478,
        1.4436601400375366,
        0.26604941487312317,
        1.3893661499023438,
        1.586334228515625,
        0.946298360824585,
        -0.843676745891571,
        0.9318265914916992,
        1.2590092420578003,
        2.0049805641174316,
        0.05373690277338028,
    ],
}


def test_exact_golden_values():
    R.manual_seed(0)
    assert R.rand(3, np.float32).tolist() == EXACT["rand f32"]
    R.manual_seed(0)
    assert R.randn(3, np.float32).tolist() == EXACT["randn f32"]
    R.manual_seed(0)
    assert R.randn(3, np.float64).tolist() == EXACT["randn f64"]
    R.manual_seed(0)
    assert R.rand(3, np.float64).tolist() == EXACT["rand f64"]
    R.manual_seed(0)
    assert R.randn(20, np.float32).tolist() == EXACT["randn20 f32"]
    R.manual_seed(0)
    assert R.randperm(10).tolist() == [4, 1, 7, 5, 3, 9, 0, 8, 6, 2]
    R.manual_seed(0)
    assert R.randn(17, np.float64).tolist()[-2:] == [-0.8910030351707375, 0.6748575435940039]
    R.manual_seed(1)
    assert R.normal(2.0, 3.0, (4,), np.float32).tolist() == [
        3.9840564727783203,
        2.800772190093994,
        2.1850318908691406,
        3.8639519214630127,
    ]


def test_polynomial_fit_tutorial_scalars():
    """Section 8.5: four successive 0-d randn draws share the Box-Muller cache."""
    R.manual_seed(0)
    init = [float(R.randn((), np.float32)) for _ in range(4)]
    np.testing.assert_allclose(init, [1.5410, -0.2934, -2.1788, 0.5684], atol=5e-5)


# --------------------------------------------------------------------------
# bit-for-bit against torch
# --------------------------------------------------------------------------


@pytest.mark.torch
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("seed", SEEDS)
def test_rand_matches_torch(torch, seed, dtype):
    for shape in SHAPES:
        torch.manual_seed(seed)
        R.manual_seed(seed)
        assert_same(R.rand(shape, dtype), torch.rand(shape, dtype=torch_dtype(torch, dtype)))


@pytest.mark.torch
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("seed", SEEDS)
def test_randn_matches_torch(torch, seed, dtype):
    for shape in SHAPES:
        torch.manual_seed(seed)
        R.manual_seed(seed)
        n = int(np.prod(shape))
        tdt = torch_dtype(torch, dtype)
        portable = portable_normal(n, dtype)
        assert_matches(R.randn(shape, dtype), torch.randn(shape, dtype=tdt), torch, portable)
        # a second call continues the same stream (and the Box-Muller cache)
        assert_matches(R.randn(shape, dtype), torch.randn(shape, dtype=tdt), torch, portable)


@pytest.mark.torch
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(("mean", "std"), [(0.0, 1.0), (0.3, 1.7), (-5.0, 0.01), (2.0, 0.0)])
def test_normal_matches_torch(torch, dtype, mean, std):
    for seed in SEEDS[:4]:
        for shape in [(1,), (5,), (15,), (16,), (17,), (40,), (1000,), (3, 7)]:
            torch.manual_seed(seed)
            R.manual_seed(seed)
            theirs = torch.normal(mean, std, size=shape, dtype=torch_dtype(torch, dtype))
            ours = R.normal(mean, std, shape, dtype)
            portable = portable_normal(int(np.prod(shape)), dtype, mean, std)
            assert_matches(ours, theirs, torch, portable)


@pytest.mark.torch
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(("low", "high"), [(0.0, 1.0), (-0.37, 2.5), (-3.0, 7.1), (1000.0, 1001.0)])
def test_uniform_matches_torch(torch, dtype, low, high):
    for seed in SEEDS[:4]:
        for shape in [(), (7,), (16,), (5000,)]:
            torch.manual_seed(seed)
            R.manual_seed(seed)
            theirs = torch.empty(shape, dtype=torch_dtype(torch, dtype)).uniform_(low, high)
            portable = (low, high) == (0.0, 1.0)
            assert_matches(R.uniform(low, high, shape, dtype), theirs, torch, portable)


@pytest.mark.torch
def test_uniform_never_returns_high(torch):
    """Results that round up to `high` are mapped to `low`, as in torch."""
    torch.manual_seed(0)
    R.manual_seed(0)
    ours = R.uniform(1000.0, 1001.0, (200_000,), np.float32)
    theirs = torch.empty(200_000).uniform_(1000.0, 1001.0)
    assert_matches(ours, theirs, torch, portable=False)
    assert ours.max() < 1001.0
    R.manual_seed(0)
    half = R.rand((100_000,), np.float16)
    assert half.max() < 1.0


RANDINT_CASES = [
    (0, 10, np.int64),
    (-5, 10, np.int16),
    (0, 256, np.uint8),
    (-128, 128, np.int8),
    (0, 2, np.bool_),
    (0, 2**28 - 1, np.int64),  # last range that uses one 32-bit word
    (0, 2**28, np.int64),  # first range that uses random64()
    (-(2**31), 2**31 - 1, np.int32),
    (0, 2**40, np.int64),
    (-(2**63), 2**63 - 1, np.int64),
    (0, 100, np.float32),
    (0, 2**33, np.float32),
    (0, 2**60, np.float64),
    (-1000, 3000, np.float16),
    (0, 65504, np.float16),
]


@pytest.mark.torch
@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize(("low", "high", "dtype"), RANDINT_CASES)
def test_randint_matches_torch(torch, low, high, dtype):
    for seed in SEEDS:
        for shape in [(), (0,), (1,), (5,), (2, 3), (1000,)]:
            torch.manual_seed(seed)
            R.manual_seed(seed)
            theirs = torch.randint(low, high, shape, dtype=torch_dtype(torch, dtype))
            assert_same(R.randint(low, high, shape, dtype), theirs)


@pytest.mark.torch
@pytest.mark.parametrize("n", [0, 1, 2, 3, 10, 16, 17, 100, 1000, 5000])
def test_randperm_matches_torch(torch, n):
    for seed in SEEDS[:4]:
        torch.manual_seed(seed)
        R.manual_seed(seed)
        assert_same(R.randperm(n), torch.randperm(n))
    torch.manual_seed(0)
    R.manual_seed(0)
    assert_same(R.randperm(n, dtype=np.int32), torch.randperm(n, dtype=torch.int32))


@pytest.mark.torch
@pytest.mark.parametrize("seed", SEEDS)
def test_interleaved_calls_share_one_stream(torch, seed):
    """Every op consumes the shared stream in call order, including the normal cache."""
    torch.manual_seed(seed)
    R.manual_seed(seed)
    calls = [
        (lambda: R.rand(3, np.float32), lambda: torch.rand(3)),
        (lambda: R.randn(20, np.float32), lambda: torch.randn(20)),
        (lambda: R.randn(1, np.float64), lambda: torch.randn(1, dtype=torch.float64)),
        # the cached sin-value from the float64 draw is used by the float32 draw
        (lambda: R.randn(3, np.float32), lambda: torch.randn(3)),
        (lambda: R.randint(0, 7, (4,)), lambda: torch.randint(0, 7, (4,))),
        (lambda: R.randperm(6), lambda: torch.randperm(6)),
        (lambda: R.randn((2, 3), np.float64), lambda: torch.randn(2, 3, dtype=torch.float64)),
        (lambda: R.rand(2, np.float64), lambda: torch.rand(2, dtype=torch.float64)),
        (lambda: R.normal(1.0, 2.0, 33, np.float32), lambda: torch.normal(1.0, 2.0, size=(33,))),
        (lambda: R.randn(1, np.float32), lambda: torch.randn(1)),
        (lambda: R.randint(0, 2**40, (3,)), lambda: torch.randint(0, 2**40, (3,))),
        (lambda: R.rand(5, np.float16), lambda: torch.rand(5, dtype=torch.float16)),
    ]
    for ours, theirs in calls:
        o, t = ours(), theirs()
        # float32 normals of 16+ elements depend on torch's CPU kernels
        portable = o.dtype.kind != "f" or o.size < 16 or o.dtype == np.float64
        assert_matches(o, t, torch, portable)
    assert np.array_equal(R.get_rng_state(), torch.get_rng_state().numpy())


@pytest.mark.torch
@pytest.mark.parametrize("seed", [0, 5, -1, 2**32 + 5, 2**64 - 1, -(2**63)])
def test_state_bytes_match_torch(torch, seed):
    torch.manual_seed(seed)
    R.manual_seed(seed)
    assert np.array_equal(R.get_rng_state(), torch.get_rng_state().numpy())
    assert R.initial_seed() == torch.initial_seed()
    torch.randn(1, dtype=torch.float64)  # leaves a cached normal in the state
    R.randn(1, np.float64)
    torch.rand(700)  # crosses a Mersenne Twister refill
    R.rand(700, np.float32)
    assert np.array_equal(R.get_rng_state(), torch.get_rng_state().numpy())


@pytest.mark.torch
def test_set_state_from_torch(torch):
    torch.manual_seed(3)
    torch.randn(5)
    torch.randn(1, dtype=torch.float64)
    R.set_rng_state(torch.get_rng_state().numpy())
    assert_same(R.randn(7, np.float64), torch.randn(7, dtype=torch.float64))
    assert_same(R.rand(2000, np.float32), torch.rand(2000))


@pytest.mark.torch
def test_separate_generators_match_torch(torch):
    g_t = torch.Generator()
    g_o = R.Generator()
    assert g_o.initial_seed() == g_t.initial_seed() == 67280421310721
    assert_same(R.rand(4, np.float32, generator=g_o), torch.rand(4, generator=g_t))
    g_t.manual_seed(9)
    g_o.manual_seed(9)
    ours, theirs = R.randn(40, np.float32, generator=g_o), torch.randn(40, generator=g_t)
    assert_matches(ours, theirs, torch, portable=False)
    assert_same(R.randint(0, 5, (6,), generator=g_o), torch.randint(0, 5, (6,), generator=g_t))
    assert_same(R.randperm(12, generator=g_o), torch.randperm(12, generator=g_t))


# --------------------------------------------------------------------------
# determinism, state, generators
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "draw",
    [
        lambda g: R.rand((5, 7), np.float32, generator=g),
        lambda g: R.randn((37,), np.float32, generator=g),
        lambda g: R.randn((3,), np.float64, generator=g),
        lambda g: R.normal(1.0, 0.5, (100,), np.float64, generator=g),
        lambda g: R.randint(-3, 9, (50,), generator=g),
        lambda g: R.randperm(50, generator=g),
    ],
)
def test_same_seed_same_numbers(draw):
    a = draw(R.Generator().manual_seed(11))
    b = draw(R.Generator().manual_seed(11))
    c = draw(R.Generator().manual_seed(12))
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_manual_seed_returns_default_generator():
    g = R.manual_seed(0)
    assert g is R.default_generator
    assert R.initial_seed() == 0
    assert g.manual_seed(3) is g


def test_seed_wraps_like_uint64():
    assert R.Generator().manual_seed(-1).initial_seed() == 2**64 - 1
    a = R.rand(3, np.float32, generator=R.Generator().manual_seed(2**32 + 5))
    b = R.rand(3, np.float32, generator=R.Generator().manual_seed(5))
    assert np.array_equal(a, b)  # only the low 32 bits reach the Mersenne Twister
    for bad in (2**64, -(2**63) - 1):
        with pytest.raises(ValueError, match="Overflow"):
            R.Generator().manual_seed(bad)


def test_nondeterministic_seed():
    s = R.seed()
    assert isinstance(s, int) and 0 <= s < 2**64
    assert R.initial_seed() == s
    first = R.rand(4, np.float32)
    R.manual_seed(s)
    assert np.array_equal(R.rand(4, np.float32), first)


def test_state_round_trip_including_normal_cache():
    g = R.Generator().manual_seed(21)
    R.randn(1, np.float64, generator=g)  # caches the second Box-Muller value
    state = g.get_state()
    assert state.dtype == np.uint8 and state.shape == (5056,)
    expected = R.randn(9, np.float64, generator=g)
    h = R.Generator().set_state(state)
    assert np.array_equal(R.randn(9, np.float64, generator=h), expected)
    assert h.initial_seed() == 21
    assert np.array_equal(g.get_state(), h.get_state())


def test_set_state_rejects_bad_input():
    g = R.Generator()
    with pytest.raises(RuntimeError, match="size 5056"):
        g.set_state(np.zeros(10, dtype=np.uint8))
    with pytest.raises(RuntimeError, match="Invalid mt19937 state"):
        g.set_state(np.zeros(5056, dtype=np.uint8))


def test_generators_are_independent():
    R.manual_seed(0)
    g = R.Generator().manual_seed(0)
    R.rand(10, np.float32, generator=g)
    R.manual_seed(0)
    assert R.rand(3, np.float32).tolist() == EXACT["rand f32"]


def test_repr():
    assert repr(R.default_generator).startswith("<minigrad.Generator object at 0x")


# --------------------------------------------------------------------------
# distributions
# --------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", FLOATS)
def test_rand_distribution(dtype):
    u = R.rand(100_000, dtype, generator=R.Generator().manual_seed(1)).astype(np.float64)
    assert u.min() >= 0.0 and u.max() < 1.0
    assert abs(u.mean() - 0.5) < 0.005
    assert abs(u.std() - np.sqrt(1 / 12)) < 0.005


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("n", [10, 100_000])
def test_normal_distribution(dtype, n):
    g = R.Generator().manual_seed(2)
    # n = 10 exercises the scalar path: draw many small batches
    parts = [R.normal(3.0, 2.0, n, dtype, generator=g) for _ in range(100_000 // n)]
    x = np.concatenate(parts).astype(np.float64)
    assert abs(x.mean() - 3.0) < 0.03
    assert abs(x.std() - 2.0) < 0.03
    assert abs(np.mean(np.abs(x - 3.0) < 2.0) - 0.6827) < 0.01  # within one std


def test_randint_distribution():
    x = R.randint(-3, 7, 100_000, generator=R.Generator().manual_seed(3))
    assert x.min() == -3 and x.max() == 6
    counts = np.bincount(x + 3)
    assert np.all(np.abs(counts / 100_000 - 0.1) < 0.006)


def test_randperm_is_a_permutation():
    g = R.Generator().manual_seed(4)
    for n in (0, 1, 2, 50, 1000):
        p = R.randperm(n, generator=g)
        assert p.dtype == np.int64
        assert sorted(p.tolist()) == list(range(n))
    # the generator is the second positional argument, as in the Tensor code's interface
    a = R.randperm(20, R.Generator().manual_seed(8))
    assert np.array_equal(a, R.randperm(20, generator=R.Generator().manual_seed(8)))
    # every position is roughly uniform over values
    firsts = [R.randperm(5, generator=g)[0] for _ in range(5000)]
    assert np.all(np.abs(np.bincount(firsts) / 5000 - 0.2) < 0.03)


# --------------------------------------------------------------------------
# shapes, dtypes and errors
# --------------------------------------------------------------------------


def test_shapes_and_dtypes():
    assert R.rand((2, 3), np.float32).shape == (2, 3)
    assert R.rand(4, np.float64).dtype == np.float64
    assert R.randn((), np.float32).shape == ()
    assert R.randn((2, 0), np.float32).shape == (2, 0)
    assert R.randint(0, 3, [2, 2]).dtype == np.int64
    assert R.normal(0.0, 1.0, (3,), np.float16).dtype == np.float16


def test_empty_draws_consume_nothing():
    g = R.Generator().manual_seed(0)
    before = g.get_state()
    R.rand(0, np.float32, generator=g)
    R.randn((3, 0), np.float32, generator=g)
    R.randint(0, 5, (0,), generator=g)
    R.randperm(1, generator=g)
    assert np.array_equal(g.get_state(), before)


def test_errors():
    with pytest.raises(RuntimeError, match="normal expects std >= 0.0, but found std -1"):
        R.normal(0.0, -1.0, (3,), np.float32)
    with pytest.raises(RuntimeError, match="from=5 >= to=5"):
        R.randint(5, 5, (3,))
    with pytest.raises(RuntimeError, match="to - 1 is out of bounds for unsigned char"):
        R.randint(0, 300, (3,), np.uint8)
    with pytest.raises(RuntimeError, match="negative dimension -1"):
        R.randn((-1,), np.float32)
    with pytest.raises(RuntimeError, match="negative dimension"):
        R.randperm(-1)
    with pytest.raises(RuntimeError, match=r"from=3 > to=-2"):
        R.uniform(3.0, -2.0, (3,), np.float32)
    with pytest.raises(NotImplementedError, match="'Long'"):
        R.randn(3, np.int64)
    with pytest.raises(NotImplementedError, match="'Long'"):
        R.rand(3, np.int64)


@pytest.mark.torch
def test_error_messages_match_torch(torch):
    cases = [
        (lambda: R.normal(0.0, -1.0, (3,), np.float32), lambda: torch.normal(0.0, -1.0, (3,))),
        (lambda: R.randint(5, 5, (3,)), lambda: torch.randint(5, 5, (3,))),
        (
            lambda: R.randint(0, 300, (3,), np.uint8),
            lambda: torch.randint(0, 300, (3,), dtype=torch.uint8),
        ),
        (
            lambda: R.randint(-70000, 7, (3,), np.float16),
            lambda: torch.randint(-70000, 7, (3,), dtype=torch.float16),
        ),
        (lambda: R.randn(3, np.int64), lambda: torch.randn(3, dtype=torch.int64)),
        (
            lambda: R.set_rng_state(np.zeros(10, np.uint8)),
            lambda: torch.set_rng_state(torch.zeros(10, dtype=torch.uint8)),
        ),
    ]
    for ours, theirs in cases:
        with pytest.raises(Exception) as expected:
            theirs()
        with pytest.raises(type(expected.value)) as got:
            ours()
        assert str(got.value) == str(expected.value)
