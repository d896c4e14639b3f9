"""Seeded random numbers that match PyTorch's CPU generator.

``torch.manual_seed(0); torch.randn(3)`` prints ``[1.5410, -0.2934, -2.1788]``.
This module reproduces those numbers with NumPy, so seeded tutorial code prints
the same values under minigrad. It is a port of what PyTorch's CPU kernels
compute (``CPUGeneratorImpl``, ``ATen/core/TransformationHelper.h``,
``ATen/native/cpu/DistributionTemplates.h``). The details below were checked
against torch 2.13 (CPU build).

The engine
----------
Every CPU random op in torch draws from one 32-bit Mersenne Twister (MT19937),
seeded with the textbook ``init_genrand(seed & 0xffffffff)``. A generator also
holds a cached second Box-Muller value (see ``normal``). Each op draws from the
shared stream in the order it is called, so ``manual_seed(0); rand(3);
randn(20)`` gives the same numbers here as in torch. NumPy's
``np.random.MT19937`` is the same engine; we set its state from our own seeding
and take raw 32-bit outputs from it with ``random_raw``.

* ``random()`` is one 32-bit output. ``random64()`` takes two: ``(first << 32)
  | second``.
* A float32 uniform is ``(random() & (2**24 - 1)) * 2**-24``. A float64 uniform
  is ``(random64() & (2**53 - 1)) * 2**-53``. ``uniform(low, high)`` computes
  ``fma(u, high - low, low)`` in float64 for float64 output and in float32
  otherwise, then rounds to the output dtype. If a result rounds up to
  ``high``, it is replaced by ``low``, so ``rand`` in float16 can return 0
  but never 1.
* ``randint`` computes ``random() % (high - low) + low``. If ``high - low >=
  2**28`` it uses ``random64()`` instead.
* ``randperm(n)`` is a Fisher-Yates shuffle. Step ``i`` swaps ``i`` with ``i +
  random() % (n - i)``.
* ``normal``/``randn`` takes one of two paths:

  - **Fewer than 16 elements.** Scalar Box-Muller in float64 from two float64
    uniforms: ``r = sqrt(-2 log1p(-u2))``, ``theta = 2 pi u1``. It returns ``r
    cos(theta)`` and keeps ``r sin(theta)`` in the generator for the next
    scalar draw. This path is used for every dtype.
  - **16 or more elements.** First fill the whole output with uniforms of the
    output dtype. Then transform each block of 16 in place: elements ``j`` and
    ``j + 8`` become ``r cos`` and ``r sin`` of the pair ``(1 - u[j], u[j +
    8])``. If the size is not a multiple of 16, 16 *new* uniforms are drawn and
    the last 16 outputs are recomputed from them, overwriting values already
    computed.
    float32 uses the Cephes-style polynomial ``log``/``sincos`` of
    ``ATen/native/cpu/avx_mathfun.h``, which GCC compiles with fused
    multiply-adds; we repeat exactly those operations. float16 uses the
    float32 transform and rounds the result. It draws uniforms block by block,
    so its partial last block uses the 16 uniforms right after the full
    blocks. float64 uses the C library's ``log``/``cos``/``sin``, the same
    functions Python's ``math`` module calls.

What is bit-identical to torch
------------------------------
These were checked element by element against torch 2.13 on x86-64 with
AVX512 (``tests/test_random.py``). They also hold for torch's AVX2 kernels, and
for its generic kernels except where noted below:

* ``rand``: float16, float32 and float64, every size, every platform.
* ``randn`` with fewer than 16 elements: every float dtype.
* ``randn`` float64: every size.
* ``randn`` float32 and float16 with 16 or more elements, and ``normal``/
  ``uniform`` with a scale or shift (``std != 1``, ``mean != 0``, ``[low,
  high) != [0, 1)``): only when torch runs its AVX2 or AVX512 kernels, the
  default on x86-64 machines from the last decade. On other machines these
  results are **not bit-identical to torch**. This covers
  ``ATEN_CPU_CAPABILITY=default``, and probably non-x86 CPUs such as ARM and
  Apple silicon (not tested). The generic kernel calls the C library's
  ``logf``/``cosf``/``sinf`` in ``normal_fill``, so about 40% of float32
  elements differ in the last bit or two (absolute error at most about 2e-6),
  as do about 0.1% of float16 elements. An x86 build without FMA also rounds
  ``u * (high - low) + low`` and ``z * std + mean`` twice instead of once.
  Either way the values are correct, seeded, deterministic samples of the
  right distribution, and printed results usually agree to 4 decimals.
* ``randint``: every integer dtype, bool, and float16/32/64.
* ``randperm``: ``n < 214748364``. For larger ``n`` torch uses another
  algorithm. It is ported too but has not been compared with torch, and it is
  a slow Python loop.
* ``Generator.get_state()`` returns the same 5056 bytes as
  ``torch.get_rng_state()``. ``set_state`` also accepts
  ``torch.get_rng_state().numpy()``.

bfloat16 is not supported because NumPy has no bfloat16 dtype.
"""

from __future__ import annotations

import math
import os
import struct
from collections.abc import Sequence

import numpy as np

__all__ = [
    "Generator",
    "default_generator",
    "get_rng_state",
    "initial_seed",
    "manual_seed",
    "normal",
    "rand",
    "randint",
    "randn",
    "randperm",
    "seed",
    "set_rng_state",
    "uniform",
]

ShapeLike = int | Sequence[int]

_MT_N = 624  # words of Mersenne Twister state
_DEFAULT_SEED = 67280421310721  # what `torch.Generator()` starts with
_STATE_NBYTES = 5056  # sizeof(CPUGeneratorImplState) in torch
_MASK24 = np.uint64((1 << 24) - 1)
_MASK53 = np.uint64((1 << 53) - 1)
_RANDPERM_SMALL_N = 0xFFFFFFFF // 20  # torch switches randperm algorithm here
_INT64_MIN = -(1 << 63)

_F16, _F32, _F64 = np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64)
_FLOAT_DTYPES = (_F16, _F32, _F64)
_FLOAT_DIGITS = {_F16: 11, _F32: 24, _F64: 53}  # std::numeric_limits<T>::digits
_TORCH_DTYPE_NAMES = {  # for error messages worded like torch's
    "bool": "Bool",
    "uint8": "Byte",
    "int8": "Char",
    "int16": "Short",
    "int32": "Int",
    "int64": "Long",
    "float16": "Half",
    "float32": "Float",
    "float64": "Double",
}
_C_TYPE_NAMES = {  # torch names C types in its range-check messages
    "bool": "bool",
    "uint8": "unsigned char",
    "int8": "signed char",
    "int16": "short",
    "int32": "int",
    "int64": "long",
    "float16": "c10::Half",
    "float32": "float",
    "float64": "double",
}


# --------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------


def _init_genrand(seed: int) -> np.ndarray:
    """MT19937 key for ``seed``: Matsumoto & Nishimura's ``init_genrand``."""
    key = [seed & 0xFFFFFFFF]
    for i in range(1, _MT_N):
        prev = key[-1]
        key.append((1812433253 * (prev ^ (prev >> 30)) + i) & 0xFFFFFFFF)
    return np.array(key, dtype=np.uint32)


def _fresh_seed() -> int:
    """A non-deterministic 64-bit seed (torch reads /dev/urandom the same way)."""
    return int.from_bytes(os.urandom(8), "little")


class Generator:
    """The state of one random stream, like ``torch.Generator`` on the CPU.

    Each generator holds:

    * the MT19937 engine (624 words plus a position), kept in a NumPy
      ``MT19937`` bit generator,
    * the seed it was last seeded with (``initial_seed``),
    * the cached second value of the scalar Box-Muller transform, if any.
    """

    def __init__(self, device: str = "cpu") -> None:
        if str(device) != "cpu":
            raise RuntimeError(f"minigrad only has CPU generators, not {device!r}")
        self._engine = np.random.MT19937(0)  # state replaced by manual_seed below
        self._initial_seed = 0
        self._just_seeded = True
        self._next_double_normal: float | None = None
        self._next_float_normal: float | None = None  # part of torch's state; unused here
        self.manual_seed(_DEFAULT_SEED)

    def __repr__(self) -> str:
        return f"<minigrad.Generator object at {id(self):#x}>"

    @property
    def device(self) -> str:
        return "cpu"

    # ---- seeding ----------------------------------------------------------

    def manual_seed(self, seed: int) -> Generator:
        """Seed the stream. Accepts any integer in ``[-2**63, 2**64)``, as torch does."""
        seed = int(seed)
        if not _INT64_MIN <= seed < (1 << 64):
            raise ValueError("Overflow when unpacking long long")
        seed %= 1 << 64  # negative seeds wrap around like a C uint64_t
        self._engine.state = {
            "bit_generator": "MT19937",
            "state": {"key": _init_genrand(seed), "pos": _MT_N},
        }
        self._initial_seed = seed
        self._just_seeded = True
        self._next_double_normal = None
        self._next_float_normal = None
        return self

    def seed(self) -> int:
        """Re-seed from the OS entropy pool and return the new seed."""
        new_seed = _fresh_seed()
        self.manual_seed(new_seed)
        return new_seed

    def initial_seed(self) -> int:
        return self._initial_seed

    # ---- state ------------------------------------------------------------

    def get_state(self) -> np.ndarray:
        """The generator state as 5056 ``uint8``, laid out like ``torch.get_rng_state()``."""
        engine = self._engine.state["state"]
        pos = int(engine["pos"])
        left = _MT_N + 1 - pos  # torch counts down words *left*, NumPy counts up
        next_index = 0 if self._just_seeded else pos
        buf = bytearray(_STATE_NBYTES)
        struct.pack_into("<QiiQ", buf, 0, self._initial_seed, left, 1, next_index)
        buf[24 : 24 + 8 * _MT_N] = np.asarray(engine["key"], dtype="<u8").tobytes()
        if self._next_double_normal is not None:  # legacy normal_y / normal_is_valid
            struct.pack_into("<d", buf, 5024, self._next_double_normal)
            struct.pack_into("<i", buf, 5040, 1)
        if self._next_float_normal is not None:
            struct.pack_into("<f?", buf, 5048, self._next_float_normal, True)
        return np.frombuffer(bytes(buf), dtype=np.uint8).copy()

    def set_state(self, state: np.ndarray | bytes | bytearray) -> Generator:
        """Restore a state from ``get_state`` (or from ``torch.get_rng_state().numpy()``)."""
        if isinstance(state, np.ndarray):
            if state.dtype != np.uint8:
                raise RuntimeError(f"expected a uint8 state array, got {state.dtype}")
            raw = state.tobytes()
        else:
            raw = bytes(state)
        if len(raw) != _STATE_NBYTES:
            raise RuntimeError(
                f"Expected a CPUGeneratorImplState of size {_STATE_NBYTES} but found "
                f"the input RNG state size to be {len(raw)}"
            )
        seed, left, seeded, next_index = struct.unpack_from("<QiiQ", raw, 0)
        key = np.frombuffer(raw, dtype="<u8", count=_MT_N, offset=24)
        consistent = left == 1 or next_index == _MT_N + 1 - left
        if not (seeded and 1 <= left <= _MT_N and next_index <= _MT_N and consistent):
            raise RuntimeError("Invalid mt19937 state")
        if np.any(key > 0xFFFFFFFF):
            raise RuntimeError("Invalid mt19937 state")
        self._engine.state = {
            "bit_generator": "MT19937",
            "state": {"key": key.astype(np.uint32), "pos": _MT_N + 1 - left},
        }
        self._initial_seed = seed
        self._just_seeded = left == 1 and next_index == 0
        (normal_y,) = struct.unpack_from("<d", raw, 5024)
        (normal_valid,) = struct.unpack_from("<i", raw, 5040)
        float_normal, float_valid = struct.unpack_from("<f?", raw, 5048)
        self._next_double_normal = normal_y if normal_valid else None
        self._next_float_normal = float(float_normal) if float_valid else None
        return self

    # ---- raw draws ----------------------------------------------------------

    def _random(self, n: int) -> np.ndarray:
        """``n`` outputs of torch's ``random()``: 32-bit words as uint64."""
        if in_vmap[0] is not None:  # (func.vmap's check of its randomness argument)
            in_vmap[0]()
        if n == 0:
            return np.zeros(0, dtype=np.uint64)
        self._just_seeded = False
        return self._engine.random_raw(n)

    def _random64(self, n: int) -> np.ndarray:
        """``n`` outputs of torch's ``random64()``: ``(first << 32) | second``."""
        words = self._random(2 * n)
        return (words[0::2] << np.uint64(32)) | words[1::2]

    def _uniform(self, n: int, dtype: np.dtype) -> np.ndarray:
        """``n`` uniforms on [0, 1), like ``at::uniform_real_distribution<dtype>(0, 1)``."""
        if dtype == _F64:
            return (self._random64(n) & _MASK53).astype(np.float64) * 2.0**-53
        u = (self._random(n) & _MASK24).astype(np.float32) * np.float32(2.0**-24)
        return u.astype(dtype)


default_generator = Generator()
default_generator.seed()  # like torch, the default stream starts non-deterministically


def manual_seed(seed: int) -> Generator:
    """Seed the default generator and return it (``torch.manual_seed``)."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Seed the default generator non-deterministically and return the seed."""
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state() -> np.ndarray:
    return default_generator.get_state()


def set_rng_state(state: np.ndarray | bytes | bytearray) -> None:
    default_generator.set_state(state)


# --------------------------------------------------------------------------
# Exactly rounded fused multiply-add (NumPy has none)
# --------------------------------------------------------------------------


def _round_to_odd_sum(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a + b`` in float64, rounded to odd.

    If the sum is inexact, pick the neighbour whose last mantissa bit is 1.
    Rounding to odd first and to a narrower format afterwards gives the
    correctly rounded result: there is no double-rounding error.
    """
    with np.errstate(invalid="ignore"):  # inf - inf in the error term is harmless
        s = a + b
        b_virtual = s - a
        err = (a - (s - b_virtual)) + (b - b_virtual)  # exact: a + b == s + err
        even = (s.view(np.uint64) & np.uint64(1)) == 0
        toward_err = np.nextafter(s, np.where(err > 0, np.inf, -np.inf))
        inexact = (err != 0) & np.isfinite(s)
    return np.where(inexact & even, toward_err, s)


def _fma_f32(a: np.ndarray, b: np.ndarray | np.float32, c: np.ndarray | np.float32) -> np.ndarray:
    """float32 ``a * b + c`` with a single rounding, like ``_mm256_fmadd_ps``."""
    a, b, c = np.broadcast_arrays(
        np.asarray(a, np.float32), np.asarray(b, np.float32), np.asarray(c, np.float32)
    )
    product = a.astype(np.float64) * b.astype(np.float64)  # exact: 24 + 24 bits < 53
    return _round_to_odd_sum(product, c.astype(np.float64)).astype(np.float32)


def _split(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Veltkamp split of a float64 into two 26-bit halves, ``hi + lo == a``."""
    t = 134217729.0 * a  # 2**27 + 1
    hi = t - (t - a)
    return hi, a - hi


def _fma_f64(a: np.ndarray, b: float, c: float) -> np.ndarray:
    """float64 ``a * b + c`` with a single rounding (Boldo & Melquiond 2008)."""
    a = np.asarray(a, dtype=np.float64)
    if b == 1.0 and c == 0.0:
        return a + 0.0  # the fma is exact then; "+ 0.0" turns -0.0 into +0.0 like fma does
    b_arr = np.full_like(a, b)
    c_arr = np.full_like(a, c)
    with np.errstate(over="ignore", invalid="ignore"):
        product = a * b_arr  # product + product_err == a * b exactly (Dekker)
        a_hi, a_lo = _split(a)
        b_hi, b_lo = _split(b_arr)
        product_err = ((a_hi * b_hi - product) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo
        total = c_arr + product
        b_virtual = total - c_arr
        total_err = (c_arr - (total - b_virtual)) + (product - b_virtual)
        result = total + _round_to_odd_sum(total_err, product_err)
    # Huge operands overflow the splitting trick; fall back to plain arithmetic there.
    return np.where(np.isfinite(result), result, a * b_arr + c_arr)


# --------------------------------------------------------------------------
# float32 log and sincos, as in ATen/native/cpu/avx_mathfun.h
# --------------------------------------------------------------------------
# These are Julien Pommier's SIMD ports of the Cephes single-precision log and
# sin/cos. They are fast polynomial approximations, not correctly rounded, so
# we repeat every float32 operation exactly. Where GCC fuses a multiply with
# the following add into one FMA, we do the same.

_F32_ONE = np.float32(1.0)
_F32_HALF = np.float32(0.5)
_SQRT_HALF = np.float32(0.707106781186547524)
_LOG_POLY = [
    np.float32(c)
    for c in (
        7.0376836292e-2,
        -1.1514610310e-1,
        1.1676998740e-1,
        -1.2420140846e-1,
        1.4249322787e-1,
        -1.6668057665e-1,
        2.0000714765e-1,
        -2.4999993993e-1,
        3.3333331174e-1,
    )
]
_LN2_LO = np.float32(-2.12194440e-4)  # ln 2 = _LN2_HI + _LN2_LO, split for accuracy
_LN2_HI = np.float32(0.693359375)
_FOUR_OVER_PI = np.float32(1.27323954473516)
_MINUS_PI_OVER_4 = [
    np.float32(-0.78515625),
    np.float32(-2.4187564849853515625e-4),
    np.float32(-3.77489497744594108e-8),
]  # -pi/4 in three pieces
_SIN_POLY = [np.float32(c) for c in (-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1)]
_COS_POLY = [
    np.float32(c) for c in (2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2)
]
_TWO_PI_F32 = np.float32(2.0 * math.pi)  # _mm256_set1_ps(2.0f * c10::pi<double>)


def _cephes_logf(x: np.ndarray) -> np.ndarray:
    """Natural log of positive float32 values, as ``log256_ps`` computes it."""
    x = np.maximum(x, np.float32(np.finfo(np.float32).tiny))
    bits = x.view(np.uint32)
    # Split x = m * 2**e with m in [0.5, 1).
    e = ((bits >> np.uint32(23)).astype(np.int32) - 127).astype(np.float32) + _F32_ONE
    m = ((bits & np.uint32(0x807FFFFF)) | _F32_HALF.view(np.uint32)).view(np.float32)
    # For m < sqrt(1/2) use 2m - 1 and e - 1, so that f below stays small.
    small = m < _SQRT_HALF
    f = (m - _F32_ONE) + np.where(small, m, np.float32(0.0))
    e = e - np.where(small, _F32_ONE, np.float32(0.0))
    # log(1 + f) = f - f**2/2 + f**3 * P(f)
    f2 = f * f
    y = np.full_like(f, _LOG_POLY[0])
    for coefficient in _LOG_POLY[1:]:
        y = _fma_f32(y, f, coefficient)
    y = y * f
    y = _fma_f32(y, f2, e * _LN2_LO)
    y = y - f2 * _F32_HALF  # exact product, so fused or not gives the same
    return _fma_f32(e, _LN2_HI, f + y)


def _cephes_sincosf(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(sin(x), cos(x))`` for float32 values, as ``sincos256_ps`` computes them."""
    sign_sin = x.view(np.uint32) & np.uint32(0x80000000)
    x = np.abs(x)
    # Octant j (made even): reduce x to [-pi/4, pi/4] around j * pi/4.
    j = (np.trunc(x * _FOUR_OVER_PI).astype(np.int32) + 1) & ~np.int32(1)
    j_float = j.astype(np.float32)
    j = j.astype(np.uint32)
    for piece in _MINUS_PI_OVER_4:
        x = _fma_f32(j_float, piece, x)
    sign_sin = sign_sin ^ ((j & np.uint32(4)) << np.uint32(29))
    sign_cos = (~(j - np.uint32(2)) & np.uint32(4)) << np.uint32(29)
    use_sin_poly = (j & np.uint32(2)) == 0
    z = x * x
    # cos(x) ~ 1 - z/2 + z**2 * C(z)
    y_cos = _fma_f32(_fma_f32(np.full_like(z, _COS_POLY[0]), z, _COS_POLY[1]), z, _COS_POLY[2])
    y_cos = _fma_f32(y_cos * z, z, -(z * _F32_HALF)) + _F32_ONE
    # sin(x) ~ x + x * z * S(z)
    y_sin = _fma_f32(_fma_f32(np.full_like(z, _SIN_POLY[0]), z, _SIN_POLY[1]), z, _SIN_POLY[2])
    y_sin = _fma_f32(y_sin * z, x, x)
    # Blend with masks and additions, exactly as the SIMD code does (same signed zeros).
    zero = np.float32(0.0)
    sin_part_1 = np.where(use_sin_poly, zero, y_cos)
    sin_part_2 = np.where(use_sin_poly, y_sin, zero)
    sin = sin_part_1 + sin_part_2
    cos = (y_cos - sin_part_1) + (y_sin - sin_part_2)
    sin = (sin.view(np.uint32) ^ sign_sin).view(np.float32)
    cos = (cos.view(np.uint32) ^ sign_cos).view(np.float32)
    return sin, cos


# --------------------------------------------------------------------------
# Box-Muller on blocks of 16 (torch's normal_fill_16)
# --------------------------------------------------------------------------


def _box_muller_f32(blocks: np.ndarray, mean: float, std: float) -> np.ndarray:
    """float32 ``normal_fill_16_AVX2`` on a (k, 16) array of uniforms."""
    radius = np.sqrt(np.float32(-2.0) * _cephes_logf(_F32_ONE - blocks[:, :8]))
    sin, cos = _cephes_sincosf(_TWO_PI_F32 * blocks[:, 8:])
    mean32, std32 = np.float32(mean), np.float32(std)
    return np.concatenate(
        [_fma_f32(radius * cos, std32, mean32), _fma_f32(radius * sin, std32, mean32)], axis=1
    )


def _box_muller_f64(blocks: np.ndarray, mean: float, std: float) -> np.ndarray:
    """float64 ``normal_fill_16`` on a (k, 16) array, with the C library's log/cos/sin."""
    radius = [math.sqrt(-2.0 * math.log(1.0 - u)) for u in blocks[:, :8].ravel().tolist()]
    theta = [2.0 * math.pi * u for u in blocks[:, 8:].ravel().tolist()]
    cos = np.array([r * math.cos(t) for r, t in zip(radius, theta, strict=True)]).reshape(-1, 8)
    sin = np.array([r * math.sin(t) for r, t in zip(radius, theta, strict=True)]).reshape(-1, 8)
    return np.concatenate([_fma_f64(cos, std, mean), _fma_f64(sin, std, mean)], axis=1)


_BOX_MULLER = {_F32: _box_muller_f32, _F64: _box_muller_f64}


def _normal_fill(gen: Generator, n: int, mean: float, std: float, dtype: np.dtype) -> np.ndarray:
    """torch's ``normal_fill``, used for 16 or more elements."""
    if dtype == _F16:
        return _normal_fill_f16(gen, n, mean, std)
    transform = _BOX_MULLER[dtype]
    data = gen._uniform(n, dtype)
    full = n // 16 * 16
    data[:full] = transform(data[:full].reshape(-1, 16), mean, std).ravel()
    if n % 16:
        # torch draws 16 fresh uniforms and recomputes the last 16 outputs from them.
        tail = gen._uniform(16, dtype).reshape(1, 16)
        data[n - 16 :] = transform(tail, mean, std).ravel()
    return data


def _normal_fill_f16(gen: Generator, n: int, mean: float, std: float) -> np.ndarray:
    """float16 ``normal_fill``: float32 math, block by block, rounded to float16 at the end.

    Unlike float32 it draws the uniforms one block at a time, so a partial
    last block uses the 16 uniforms right after the full blocks.
    """
    full = n // 16 * 16
    data = np.empty(n, dtype=np.float32)
    data[:full] = _box_muller_f32(gen._uniform(full, _F32).reshape(-1, 16), mean, std).ravel()
    if n % 16:
        tail = gen._uniform(16, _F32).reshape(1, 16)
        data[n - 16 :] = _box_muller_f32(tail, mean, std).ravel()
    return data.astype(np.float16)


def _normal_scalar(gen: Generator, n: int, mean: float, std: float) -> np.ndarray:
    """torch's ``at::normal_distribution<double>``, one float64 value at a time."""
    values = []
    for _ in range(n):
        if gen._next_double_normal is not None:
            values.append(gen._next_double_normal)
            gen._next_double_normal = None
            continue
        u1, u2 = gen._uniform(2, _F64).tolist()
        radius = math.sqrt(-2.0 * math.log1p(-u2))
        theta = 2.0 * math.pi * u1
        gen._next_double_normal = radius * math.sin(theta)
        values.append(radius * math.cos(theta))
    return _fma_f64(np.array(values, dtype=np.float64), std, mean)


# --------------------------------------------------------------------------
# Public sampling functions
# --------------------------------------------------------------------------


def _shape_and_size(shape: ShapeLike) -> tuple[tuple[int, ...], int]:
    shape_tuple = (
        (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape)
    )
    for dim in shape_tuple:
        if dim < 0:
            raise RuntimeError(
                f"Trying to create tensor with negative dimension {dim}: {list(shape_tuple)}"
            )
    return shape_tuple, math.prod(shape_tuple)


def _float_dtype(dtype: np.dtype | type, kernel: str) -> np.dtype:
    dtype = np.dtype(dtype)
    if dtype not in _FLOAT_DTYPES:
        name = _TORCH_DTYPE_NAMES.get(dtype.name, dtype.name)
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{name}'")
    return dtype


in_vmap = [None]  # while func.vmap runs: its check that random numbers are allowed


def _generator(generator: Generator | None) -> Generator:
    return default_generator if generator is None else generator


def rand(
    shape: ShapeLike, dtype: np.dtype | type = np.float32, generator: Generator | None = None
) -> np.ndarray:
    """Uniform samples on [0, 1) (``torch.rand``)."""
    return uniform(0.0, 1.0, shape, dtype, generator)


def uniform(
    low: float,
    high: float,
    shape: ShapeLike,
    dtype: np.dtype | type = np.float32,
    generator: Generator | None = None,
) -> np.ndarray:
    """Uniform samples on [low, high) (``torch.empty(shape).uniform_(low, high)``)."""
    dtype = _float_dtype(dtype, "check_uniform_bounds")
    if low > high:
        raise RuntimeError(
            f"uniform_ expects to return a [from, to) range, but found from={low:g} > to={high:g}"
        )
    shape, n = _shape_and_size(shape)
    u = _generator(generator)._uniform(n, _F64 if dtype == _F64 else _F32)
    if dtype == _F64:
        out = _fma_f64(u, high - low, low)
    else:  # float32 arithmetic, also for float16
        low32, high32 = np.float32(low), np.float32(high)
        out = _fma_f32(u, high32 - low32, low32).astype(dtype)
    # Rounding can land exactly on `high`; torch maps that to `low` to keep [low, high).
    return np.where(out >= dtype.type(high), dtype.type(low), out).reshape(shape)


def randn(
    shape: ShapeLike, dtype: np.dtype | type = np.float32, generator: Generator | None = None
) -> np.ndarray:
    """Standard normal samples (``torch.randn``)."""
    return normal(0.0, 1.0, shape, dtype, generator)


def normal(
    mean: float,
    std: float,
    shape: ShapeLike,
    dtype: np.dtype | type = np.float32,
    generator: Generator | None = None,
    contiguous: bool = True,
) -> np.ndarray:
    """Normal samples with mean ``mean`` and standard deviation ``std`` (``torch.normal``).
    ``contiguous=False``: for a tensor that is not (``normal_`` of a transposed tensor),
    which torch fills one scalar Box-Muller value at a time, whatever its size."""
    dtype = _float_dtype(dtype, "normal_kernel_cpu")
    if not std >= 0.0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    shape, n = _shape_and_size(shape)
    gen = _generator(generator)
    if n >= 16 and contiguous:
        out = _normal_fill(gen, n, mean, std, dtype)
    elif dtype == _F16:
        # static_cast<Half>(double) goes through float
        out = _normal_scalar(gen, n, mean, std).astype(np.float32).astype(np.float16)
    else:
        out = _normal_scalar(gen, n, mean, std).astype(dtype)
    return out.reshape(shape)


def _as_float_int(value: int, dtype: np.dtype) -> int:
    """``static_cast<int64_t>(static_cast<dtype>(value))``; Half converts via float."""
    with np.errstate(over="ignore"):  # too large for float16 becomes inf, as in C
        as_float = np.array(value, dtype=np.int64).astype(np.float32 if dtype == _F16 else dtype)
        as_float = as_float.astype(dtype)
    # Converting inf to int64 is undefined in C; x86 gives INT64_MIN.
    return int(as_float) if np.isfinite(as_float) else _INT64_MIN


def _update_from(low: int, dtype: np.dtype) -> int:
    """Move ``low`` up so that no sample rounds below it in ``dtype`` (torch's update_from)."""
    low_plus_1 = _as_float_int(low + 1, dtype)
    if low_plus_1 < low:
        n = abs(low + 1).bit_length() - 1
        low = low_plus_1 + (1 << (n - _FLOAT_DIGITS[dtype] + 1))
    return low


def _update_to(high: int, dtype: np.dtype) -> int:
    """Move ``high`` down so that no sample rounds up to it in ``dtype`` (torch's update_to)."""
    high_minus_1 = _as_float_int(high - 1, dtype)
    if high_minus_1 >= high:
        n = abs(high - 1).bit_length() - 1
        high = high_minus_1 - (1 << (n - _FLOAT_DIGITS[dtype] + 1))
    return high


def _check_in_range(low: int, high_inclusive: int, dtype: np.dtype) -> None:
    if dtype.kind == "b":
        lo, hi = 0, 1
    elif dtype.kind in "iu":
        lo, hi = int(np.iinfo(dtype).min), int(np.iinfo(dtype).max)
    else:
        lo, hi = -int(np.finfo(dtype).max), int(np.finfo(dtype).max)
    name = _C_TYPE_NAMES.get(dtype.name, dtype.name)
    if not lo <= low <= hi:
        raise RuntimeError(f"from is out of bounds for {name}")
    if not lo <= high_inclusive <= hi:
        raise RuntimeError(f"to - 1 is out of bounds for {name}")


def randint(
    low: int,
    high: int,
    shape: ShapeLike,
    dtype: np.dtype | type = np.int64,
    generator: Generator | None = None,
) -> np.ndarray:
    """Uniform integers in [low, high) (``torch.randint``).

    The value is ``random() % (high - low) + low``, or ``random64()`` instead
    of ``random()`` when ``high - low >= 2**28``. The modulo gives a slight
    bias, but that is what torch computes.
    """
    low, high = int(low), int(high)
    dtype = np.dtype(dtype)
    if dtype.kind not in "biuf" or (dtype.kind == "f" and dtype not in _FLOAT_DTYPES):
        raise NotImplementedError(
            f"\"random_from_to_kernel_cpu\" not implemented for '{dtype.name}'"
        )
    if not low < high:
        raise RuntimeError(
            f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
        )
    if dtype.kind == "f":
        low, high = _update_from(low, dtype), _update_to(high, dtype)
        if not low < high:
            raise RuntimeError(
                "random_ expects 'from' casted to dtype to be less than 'to' casted to dtype, "
                f"but got from={low} >= to={high}"
            )
    _check_in_range(low, high - 1, dtype)
    shape, n = _shape_and_size(shape)
    if n == 0:
        return np.zeros(shape, dtype=dtype)
    gen = _generator(generator)
    span = high - low
    words = gen._random64(n) if span >= 1 << 28 else gen._random(n)
    # (word % span + low) in wrapping uint64 arithmetic, then read as int64.
    values = ((words % np.uint64(span)) + np.uint64(low % (1 << 64))).view(np.int64)
    if dtype == _F16:
        return values.astype(np.float32).astype(np.float16).reshape(shape)
    return values.astype(dtype).reshape(shape)


def randperm(
    n: int, generator: Generator | None = None, dtype: np.dtype | type = np.int64
) -> np.ndarray:
    """A random permutation of ``0 .. n-1`` (``torch.randperm``)."""
    n = int(n)
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    gen = _generator(generator)
    if n < _RANDPERM_SMALL_N:
        # Fisher-Yates: position i swaps with a random position in [i, n).
        perm = list(range(n))
        offsets = gen._random(max(n - 1, 0)) % np.arange(n, 1, -1, dtype=np.uint64)
        for i, offset in enumerate(offsets.tolist()):
            j = i + offset
            perm[i], perm[j] = perm[j], perm[i]
    else:
        # The "inside-out" Fisher-Yates variant torch uses for huge n (slow in Python).
        perm = [0] * n
        for i, word in enumerate(gen._random64(n).tolist()):
            j = word % (i + 1)
            perm[i] = perm[j]
            perm[j] = i
    return np.array(perm, dtype=dtype)


def empty_like(a: np.ndarray) -> np.ndarray:
    """An array for ``a``'s samples, laid out as ``torch.empty_like`` lays it out: with
    ``a``'s strides if its elements are dense in memory (a transposed tensor); else
    dense, its dims in the order of ``a``'s strides, a zero stride (an expanded dim)
    keeping its place (ATen's ``infer_dense_strides``)."""
    dims = sorted((abs(st), n) for st, n in zip(a.strides, a.shape, strict=True) if n > 1)
    step, dense = a.itemsize, True
    for stride, n in dims:
        dense = dense and stride == step
        step *= n
    if dense:
        return np.empty_like(a, order="K")
    perm = list(range(a.ndim - 1, -1, -1))  # (innermost first, once sorted)

    def should_swap(d0: int, d1: int) -> int:
        s0, s1 = a.strides[d0], a.strides[d1]
        if s0 == 0 or s1 == 0:
            return 0
        if s0 != s1:
            return 1 if s0 > s1 else -1
        return 1 if a.shape[d0] > a.shape[d1] else 0

    for i in range(1, a.ndim):  # (ATen's insertion sort, ambiguous comparisons kept)
        dim1 = i
        for j in range(1, i + 1):
            dim0 = i - j
            c = should_swap(perm[dim0], perm[dim1])
            if c > 0:
                perm[dim0], perm[dim1] = perm[dim1], perm[dim0]
                dim1 = dim0
            elif c < 0:
                break
    outer_first = perm[::-1]
    return np.empty([a.shape[d] for d in outer_first], a.dtype).transpose(
        np.argsort(outer_first))


def fill_in_memory_order(out: np.ndarray, draw, *operands) -> np.ndarray:
    """``out`` filled with ``draw(shape, contiguous, *operands)`` (a C-ordered array) in
    the order of ``out``'s memory, as ATen's kernels fill a tensor; the operands (arrays
    that broadcast against ``out``) are reordered alike."""
    order = sorted(range(out.ndim), key=lambda d: -abs(out.strides[d]))
    view = out.transpose(order)
    operands = [np.broadcast_to(o, out.shape).transpose(order) if isinstance(o, np.ndarray)
                else o for o in operands]
    view[...] = draw(view.shape, out.flags.c_contiguous, *operands)
    return out


# --------------------------------------------------------------------------
# Bernoulli, exponential and multinomial draws
# --------------------------------------------------------------------------


def bernoulli(p: np.ndarray, generator: Generator | None = None) -> np.ndarray:
    """True where a uniform is below ``p``: one uniform per element, in order, of
    ``p``'s precision (float64 from ``random64()``, else float32 from ``random()``),
    as ``torch.bernoulli(p)``."""
    p = np.asarray(p)
    if p.size and not ((p >= 0) & (p <= 1)).all():
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  "
                           "(Could this error message be improved?  If so, please report "
                           "an enhancement request to PyTorch.)")
    u = _generator(generator)._uniform(p.size, _F64 if p.dtype == _F64 else _F32)
    return u.reshape(p.shape) < p


def bernoulli_scalar(p: float, shape: ShapeLike, generator: Generator | None = None) -> np.ndarray:
    """``empty(shape).bernoulli_(p)`` for a number ``p``: float64 uniforms below ``p``
    (what dropout draws)."""
    if not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
    shape, n = _shape_and_size(shape)
    return (_generator(generator)._uniform(n, _F64) < p).reshape(shape)


def exponential(lambd: float, shape: ShapeLike, dtype: np.dtype | type = np.float32,
                generator: Generator | None = None) -> np.ndarray:
    """``empty(shape).exponential_(lambd)``: ``-1 / lambd * log1p(-u)`` of float64
    uniforms (bit-identical in float32; torch's float64 kernel rounds differently)."""
    shape, n = _shape_and_size(shape)
    u = _generator(generator)._uniform(n, _F64)
    return (-1.0 / lambd * np.log1p(-u)).astype(dtype).reshape(shape)


def multinomial(p: np.ndarray, num_samples: int, replacement: bool = False,
                generator: Generator | None = None) -> np.ndarray:
    """Indices drawn from the rows of ``p`` (weights), as ``torch.multinomial``.

    Without replacement (or for one sample): the ``num_samples`` largest of
    ``p / q``, ``q`` exponential draws (the Gumbel-max trick, as ATen).  With
    replacement: a float64 uniform per sample, looked up in the row's normalized
    cumulative sums (in ``p``'s dtype, added in order)."""
    p = np.asarray(p)
    if p.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    rows = p.reshape(-1, p.shape[-1])
    if not replacement and num_samples > rows.shape[1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without "
                           "replacement")
    if not np.isfinite(rows).all() or (rows < 0).any():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if not (rows.sum(axis=1) > 0).all():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    gen = _generator(generator)
    if not replacement or num_samples == 1:
        scores = rows / exponential(1.0, rows.shape, rows.dtype, gen)
        out = np.argsort(-scores, axis=1, kind="stable")[:, :num_samples]
    else:
        out = np.empty((len(rows), num_samples), dtype=np.int64)
        for i, row in enumerate(rows):
            cum = np.cumsum(row)  # (in order, in the row's dtype)
            cum /= cum[-1]
            cum[-1] = 1
            out[i] = np.searchsorted(cum, gen._uniform(num_samples, _F64), side="left")
    return out.astype(np.int64).reshape(p.shape[:-1] + (num_samples,))
