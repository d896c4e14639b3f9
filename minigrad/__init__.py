"""minigrad: a small, readable reverse-mode autograd engine on NumPy.

Its API is a faithful subset of PyTorch's, so ``import minigrad as torch``
runs tutorial code unchanged.  Read it bottom-up:

* ``tensor.py``   the Tensor (an array plus autograd state)
* ``engine.py``   graph nodes, recording, the backward pass
* ``rules.py``    the derivative rules: one table, forward/VJP/JVP per primitive
* ``ops.py``      PyTorch's functions on top of the rules (dtypes, names, errors)
* ``creation.py`` tensor, zeros, arange, randn, ...
* ``grad_mode.py`` no_grad / enable_grad
* ``autograd/``   backward and grad
* ``func.py``     torch.func's transforms (grad, vjp, jvp, jacrev, jacfwd, vmap)
* ``batching.py`` what makes vmap a transform: a batching rule per primitive
* ``serialization.py`` torch.save and torch.load
* ``_aten.py``    PyTorch's API as ATen operators (aten.view.default...), for the two below
* ``fx/``         make_fx (fx/experimental/proxy_tensor.py): a function traced to FX's graph code
* ``_functionalize.py`` torch.func.functionalize: in-place ops and views made functional
"""

import warnings as _warnings

# PyTorch computes inf and nan without a word, NumPy warns: silence NumPy's
# floating-point warnings raised inside minigrad (not those of the user's own code).
# Cheaper than an np.errstate around every op.
_warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"minigrad(\.|$)")


def _keep_freed_memory() -> None:
    """Ask glibc's malloc to keep freed blocks of up to 32 MiB for reuse.

    By default glibc gives a large freed block back to the operating system, so the
    next array of that size is mapped afresh and faults in every page (a 4 MB
    temporary: 977 page faults, more time than the arithmetic).  PyTorch's caching
    allocator keeps its blocks; these two settings do the same for NumPy's arrays:
    blocks below 32 MiB come from the heap, whose top is trimmed only past 128 MiB
    free.  Elsewhere than glibc (macOS, Windows, musl) nothing changes."""
    import ctypes

    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):
        return
    mallopt(-3, 32 * 2**20)  # M_MMAP_THRESHOLD (glibc's largest; fixes it, not adaptive)
    mallopt(-1, 128 * 2**20)  # M_TRIM_THRESHOLD


_keep_freed_memory()

from . import autograd  # noqa: E402
from ._dtype import (
    bool_ as bool,  # noqa: A004
)
from ._dtype import (
    double,
    dtype,
    float,  # noqa: A004
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    int,  # noqa: A004
    int8,
    int16,
    int32,
    int64,
    long,
    set_default_dtype,
    short,
    uint8,
)
from ._tensor_str import get_printoptions, printoptions, set_printoptions
from .creation import (
    Generator,
    arange,
    as_tensor,
    bernoulli,
    default_generator,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    get_rng_state,
    initial_seed,
    linspace,
    manual_seed,
    multinomial,
    normal,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    randperm,
    seed,
    set_rng_state,
    tensor,
    zeros,
    zeros_like,
)
from .grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from .ops import *  # noqa: F403 (PyTorch's functions: add, exp, sum, matmul, ...)
from .ops import abs, all, any, max, min, pow, round, sum  # noqa: A004
from .tensor import Size, Tensor, device, get_default_device, is_tensor, set_default_device

FloatTensor = DoubleTensor = LongTensor = BoolTensor = None  # set below

__version__ = "0.1.0"

# After the ops are bound to Tensor (a statement apart, so isort keeps them here).
from . import accelerator, counting, cuda, func, nn, optim, utils, viz
from .autograd.anomaly_mode import (
    is_anomaly_check_nan_enabled,
    is_anomaly_enabled,
    set_anomaly_enabled,
)
from .counting import count_ops
from .func import vmap
from .serialization import load, save


def _legacy_type(dt):
    class _Legacy:
        def __new__(cls, *args):
            data = args[0] if len(args) == 1 and not isinstance(args[0], type(1)) else None  # noqa: UP003 (int is torch.int here)
            if data is None:
                return zeros(*args, dtype=dt)
            return tensor(data, dtype=dt)

    _Legacy.__name__ = dt._legacy
    return _Legacy


FloatTensor = _legacy_type(float32)
DoubleTensor = _legacy_type(float64)
LongTensor = _legacy_type(int64)
BoolTensor = _legacy_type(bool)
