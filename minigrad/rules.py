"""The derivative rules: every primitive once, with its forward, VJP and JVP.

A primitive has
* ``fwd``: the forward computation on NumPy arrays;
* ``vjps``: one function per input, ``vjp_i(g, ans, *inputs, **params)``,
  giving that input's share of the vector-Jacobian product for the
  cotangent ``g`` (reverse mode);
* ``jvps``: one function per input, ``jvp_i(t, ans, *inputs, **params)``,
  giving the output tangent caused by that input's tangent ``t`` (forward mode).

Vocabulary: ``g`` cotangent, ``t`` tangent, ``ans`` the output.

The rules are written with operators and with the primitives themselves, and a
primitive called on NumPy arrays just computes its forward.  So the same rule
runs on arrays in an ordinary backward pass, and on Tensors (recording a new
graph) with ``create_graph=True``: higher derivatives come for free.

Broadcasting is handled once, by the engine: a gradient is summed back to the
shape of its input (and a tangent broadcast to the output's shape), so the
rules below ignore it.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from . import engine
from ._cascade import cascade_sum
from .tensor import Tensor

_EMPTY: dict = {}


class Primitive:
    """One row of the table.  Calling it dispatches on Tensor or array inputs."""

    __slots__ = ("name", "fwd", "vjps", "jvps", "grad_fn", "view_class", "saves", "saved",
                 "reads_ans", "exact", "batch", "doc", "__weakref__")

    def __init__(self, name: str, fwd: Callable, vjps, jvps, *, grad_fn: str,
                 saves=(), doc: str = "") -> None:
        self.name = name
        self.fwd = fwd
        self.vjps = vjps
        self.jvps = jvps
        self.grad_fn = grad_fn
        self.view_class = engine.view_class(grad_fn)  # the class of its grad_fn (MulBackward0)
        # What the VJP of each input reads, in PyTorch's names (derivatives.yaml):
        # "self" the first input, "result" the output, any other name the second input
        # (mul: ("other", "self")).  Only a saved value may not change in place before
        # backward (``y = x.exp(); x.add_(1)`` is fine: exp saves y, not x).
        self.saved = tuple(tuple(names.split()) for names in saves)
        self.saves = bool(saves)  # backward needs saved values, freed after use
        self.reads_ans = any("result" in names for names in self.saved)
        self.exact = False  # see the end of the table
        self.batch = None  # its batching rule, for func.vmap (batching.py); None: a loop
        self.doc = doc

    def __repr__(self) -> str:
        return f"<primitive {self.name}: {self.doc}>"

    def __call__(self, *args, **params):
        for a in args:
            if isinstance(a, Tensor):
                return self.apply(args, params)
        return self.fwd(*args, **params)

    def apply(self, args, params=_EMPTY, name: str | None = None, arrays=None):
        """Run on Tensors (and Python scalars), recording the op for autograd."""
        if VMAP[0]:  # inside func.vmap: a batched input goes to the batching rule
            batched = VMAP[1]
            for a in args:
                if type(a) is batched or type(params.get("cond")) is batched:
                    return batched.dispatch(self, args, params, name, arrays)
        if arrays is None:
            arrays = ((args[0]._data,) if len(args) == 1 else  # (a unary op's is a Tensor)
                      tuple([a._data if isinstance(a, Tensor) else a for a in args]))
        # (most ops have no params: calling without ** spares building a dict)
        ans = self.fwd(*arrays, **params) if params else self.fwd(*arrays)
        if type(ans) is not np.ndarray:
            ans = np.asarray(ans)
        return engine.record(self, args, params, ans, name, arrays)

    def saved_values(self, args, edges) -> set:
        """The names of the values a node of this primitive saved, as PyTorch decides:
        all that the VJPs of its Tensor inputs read; but, of two Tensor inputs, a value
        that only one of the two VJPs reads only if that input requires grad (its edge)."""
        reads = [(names, e) for names, a, e in zip(self.saved, args, edges, strict=False)
                 if isinstance(a, Tensor)]  # (a Python number has no VJP)
        if len(reads) == 1:
            return set(reads[0][0])
        every = [n for names, _ in reads for n in names]
        return {n for names, e in reads for n in names
                if e is not None or n == "result" or every.count(n) > 1}

    def vjp(self, i: int, g, ans, inputs, params):
        fn = self.vjps(i) if callable(self.vjps) else self.vjps[i]
        return fn(g, ans, *inputs, **params)

    def jvp(self, i: int, t, ans, inputs, params):
        fn = self.jvps(i) if callable(self.jvps) else self.jvps[i]
        return fn(t, ans, *inputs, **params)


RULES: dict[str, Primitive] = {}
VMAP = [0, None]  # [how many func.vmap calls are running, batching.BatchedTensor]


# PyTorch computes inf and nan silently.  NumPy's warnings from minigrad's own code are
# filtered (minigrad/__init__.py), but NumPy's reductions warn from NumPy's Python code,
# which that filter does not reach: their forwards run under np.errstate instead.
_REDUCTIONS = {"prod", "amax", "amin", "norm", "logsumexp", "softmax",
               "log_softmax", "select_along"}


def _quietly(fwd: Callable) -> Callable:
    def quiet(*args, **params):
        with np.errstate(all="ignore"):
            return fwd(*args, **params)
    return quiet


def defprim(name, fwd, vjps, jvps, *, grad_fn=None, saves=(), doc="") -> Primitive:
    grad_fn = grad_fn or name.title().replace("_", "") + "Backward0"
    if name in _REDUCTIONS:
        fwd = _quietly(fwd)
    p = RULES[name] = Primitive(name, fwd, vjps, jvps, grad_fn=grad_fn, saves=saves, doc=doc)
    return p


def _zeros(g):
    """A zero gradient shaped like ``g`` (not differentiable)."""
    from .tensor import Tensor

    if isinstance(g, Tensor):
        return Tensor._make(np.zeros_like(g._data))
    return np.zeros_like(g)


_BITS = {2: np.uint16, 4: np.uint32, 8: np.uint64}  # an unsigned int as wide as a float


def select(cond, x, y):
    """``np.where(cond, x, y)``, bit for bit; for a large float array, without a branch
    per element.  NumPy's ``where`` branches, and mispredicts a random mask (relu's):
    280 us for 65,536 float32s; picking the bits with and/or takes 30 us."""
    if type(cond) is not np.ndarray or cond.size < 4096 or cond.dtype != np.bool_:
        return np.where(cond, x, y)
    dtype = np.result_type(x, y)
    if dtype.kind != "f" or dtype.itemsize not in _BITS:
        return np.where(cond, x, y)
    bits = _BITS[dtype.itemsize]
    xb, yb = np.asarray(x, dtype).view(bits), np.asarray(y, dtype).view(bits)
    if yb.ndim == 0 and not yb:  # cond ? x : +0.0 (a gradient masked)
        out = xb & np.negative(cond.view(np.uint8), dtype=bits)  # (all ones where cond)
    elif xb.ndim == 0 and not xb:  # cond ? +0.0 : y
        out = yb & np.negative((~cond).view(np.uint8), dtype=bits)
    else:
        keep = np.negative(cond.view(np.uint8), dtype=bits)
        out = (xb & keep) | (yb & ~keep)
    return out.view(dtype)


def _where_fwd(x, y, *, cond):
    return select(cond, x, y)


def _cond(c):
    from .tensor import Tensor

    return c._data if isinstance(c, Tensor) and type(c) is not VMAP[1] else c


def where(cond, x, y):
    """``cond ? x : y`` elementwise (``cond`` is never differentiated)."""
    return _where(x, y, cond=_cond(cond))


# Shapes ---------------------------------------------------------------------------------

def _kept_shape(shape, dim):
    """``shape`` with the reduced axes ``dim`` kept as size 1."""
    if dim is None:
        return (1,) * len(shape)
    dims = {d % len(shape) for d in dim} if shape else set()
    return tuple(1 if i in dims else s for i, s in enumerate(shape))


def _unreduce(g, shape, dim, keepdim):
    """Broadcast a reduction's cotangent back to the input's ``shape``."""
    if not keepdim and dim is not None:  # (a full reduction's cotangent is 0-d: no need)
        g = unsqueeze(g, shape=_kept_shape(shape, dim))
    return _expand(g, shape)


def _mean_fwd(x, dim, keepdim):
    """np.mean's arithmetic (a sum, divided by the count) without its Python layers."""
    if x.dtype == _FLOAT16:  # (summed in float32 by np.mean)
        return np.mean(x, axis=_axes(dim, x.ndim), keepdims=keepdim)
    total = cascade_sum(x, _axes(dim, x.ndim), keepdim)  # (float32 in PyTorch's order)
    # (a full reduction's total is a NumPy scalar: dividing it by "/" is far quicker
    # than by np.true_divide, to the same result)
    return total / (x.size // max(total.size, 1) if x.size else 0)


def _expand(g, shape):
    """``g`` broadcast to ``shape``: a copy when small (NumPy's broadcast_to costs
    more than copying a few thousand numbers), else a read-only view."""
    if isinstance(g, Tensor):
        return broadcast_to(g, shape=shape)
    if math.prod(shape) > 4096:
        return np.broadcast_to(g, shape)
    out = np.empty(shape, dtype=g.dtype)
    out[...] = g
    return out


def _sum_to_fwd(x, *, shape):
    """Sum ``x`` over the axes that broadcasting added to an array of ``shape``: its
    leading axes, and those where ``shape`` has size 1."""
    # np.add.reduce, not np.sum: called from here, its inf/nan warnings are filtered
    # (minigrad/__init__.py) without an np.errstate on this hot path of every backward.
    lead = x.ndim - len(shape)
    if lead == 1 and x.ndim == 2 and x.dtype in _BLAS_FLOATS:  # (a bias's gradient)
        x = _ones(len(x), x.dtype).dot(x)
    elif x.dtype in _BLAS_FLOATS:  # (as PyTorch: one sum over all those axes, in its order)
        axes = tuple(range(lead)) + tuple([lead + i for i, s in enumerate(shape)
                                           if s == 1 and x.shape[lead + i] != 1])
        return cascade_sum(x, axes, True).reshape(shape) if axes else x
    elif lead:
        x = np.add.reduce(x, axis=tuple(range(lead)))
    if 1 not in shape:
        return x
    axes = tuple([i for i, s in enumerate(shape) if s == 1 and x.shape[i] != 1])
    return np.add.reduce(x, axis=axes, keepdims=True) if axes else x


# The rows of a matrix sum fastest as its product with a vector of ones (BLAS): a few
# times quicker than np.add.reduce on matrices of a few thousand numbers (its set-up
# dominates) or of a few hundred thousand.  The same sum, its terms added in another order.
_BLAS_FLOATS = frozenset([np.dtype(np.float32), np.dtype(np.float64)])
_ONES: dict = {}


def _ones(n: int, dtype: np.dtype) -> np.ndarray:
    """A read-only vector of ``n`` ones, made once (the last 64 kept)."""
    ones = _ONES.get((n, dtype))
    if ones is None:
        if len(_ONES) >= 64:
            _ONES.clear()
        ones = _ONES[n, dtype] = np.ones(n, dtype)
        ones.flags.writeable = False
    return ones


def _axes(dim, ndim: int):
    """NumPy's ``axis`` for PyTorch's ``dim``: all axes for None; none for a 0-d array
    (PyTorch lets dim 0 or -1 name the single "axis" of a scalar)."""
    if ndim == 0:
        return ()
    return None if dim is None else dim


def _mT(x):
    """The transpose of the last two axes (an array's and a Tensor's ``.mT``)."""
    return x.mT


def _scatter_fwd(g, *, idx, shape, advanced):
    out = np.zeros(shape, dtype=g.dtype)
    if not (advanced and _repeats(idx, shape)):
        out[idx] = g
        return out
    # Repeated indices accumulate.  np.add.at on the flat positions: its 1-d loop is
    # several times quicker than its n-d one, to the same sums in the same order
    # (unless the positions of all of ``out`` would take much more memory than ``g``).
    if out.size > max(4 * g.size, 1 << 16):
        np.add.at(out, idx, g)
        return out
    where = np.arange(out.size).reshape(shape)[idx]
    np.add.at(out.reshape(-1), where.reshape(-1), np.broadcast_to(g, where.shape).reshape(-1))
    return out


def _repeats(idx, shape) -> bool:
    """Whether the index arrays in ``idx`` name some element of ``shape`` twice (then a
    scatter must add; else it may assign, far quicker)."""
    arrays, sizes, axis = [], [], 0
    for k, i in enumerate(idx):
        if i is Ellipsis:
            axis = len(shape) - sum(j is not None for j in idx[k + 1:])
        elif i is not None:
            if isinstance(i, np.ndarray):
                arrays.append(i)
                sizes.append(shape[axis])
            axis += 1
    flat = np.ravel_multi_index(np.broadcast_arrays(*arrays), sizes, mode="wrap").reshape(-1)
    if flat.size < 2:
        return False
    if math.prod(sizes) > 4 * flat.size:  # (too many possible positions to count)
        return np.unique(flat).size < flat.size
    return np.bincount(flat, minlength=math.prod(sizes)).max() > 1


def _index_put_fwd(x, v, *, idx, advanced):
    out = np.array(x, copy=True)
    out[idx] = v
    return out


def _mask(shape, idx):
    m = np.zeros(shape, dtype=bool)
    m[idx] = True
    return m


def _diagonal_fwd(x, *, offset, dim1, dim2):
    """The diagonal as a view that may be written to (as PyTorch's; NumPy's is read-only)."""
    d = np.diagonal(x, offset, dim1, dim2)
    if x.flags.writeable:
        d.flags.writeable = True
    return d


def _diagonal_backward_fwd(g, *, shape, offset, dim1, dim2):
    """Zeros of ``shape``, ``g`` on the diagonal: the transpose of taking it."""
    out = np.zeros(shape, dtype=g.dtype)
    _diagonal_fwd(out, offset=offset, dim1=dim1, dim2=dim2)[...] = g
    return out


def _cat_fwd(*xs, dim, sizes):
    return np.concatenate(xs, axis=dim)


def _cat_vjp(i):
    def vjp(g, ans, *xs, dim, sizes):
        d = dim % g.ndim
        start = sum(sizes[:i])
        return getitem(g, idx=(slice(None),) * d + (slice(start, start + sizes[i]),),
                       advanced=False)
    return vjp


def _cat_jvp(i):
    def jvp(t, ans, *xs, dim, sizes):
        parts = [t if j == i else _zeros_of(x) for j, x in enumerate(xs)]
        return cat(*parts, dim=dim, sizes=sizes)
    return jvp


def _zeros_of(x):
    from .tensor import Tensor

    if isinstance(x, Tensor):
        return Tensor._make(np.zeros_like(x._data))
    return np.zeros_like(x)


def _stack_vjp(i):
    def vjp(g, ans, *xs, dim):
        d = dim % g.ndim
        return getitem(g, idx=(slice(None),) * d + (i,), advanced=False)
    return vjp


def _stack_jvp(i):
    def jvp(t, ans, *xs, dim):
        return stack(*[t if j == i else _zeros_of(x) for j, x in enumerate(xs)], dim=dim)
    return jvp


# Matrix products ------------------------------------------------------------------------

def _mm(x, y):
    """``x @ y``; of two matrices (arrays), computed by ``x.dot(y)``: the same product,
    at a fraction of the overhead of matmul's general machinery on small matrices."""
    if type(x) is np.ndarray and x.ndim == 2 and y.ndim == 2:
        return x.dot(y)
    return x @ y


def _matmul_vjp_x(g, ans, x, y):
    if x.ndim == 1 and y.ndim == 1:
        return g * y
    if y.ndim == 1:
        return unsqueeze(g, shape=g.shape + (1,)) * y
    if x.ndim == 1:
        gx = y @ unsqueeze(g, shape=g.shape + (1,))
        return squeeze(gx, shape=gx.shape[:-1])
    return _mm(g, _mT(y))


def _matmul_vjp_y(g, ans, x, y):
    if x.ndim == 1 and y.ndim == 1:
        return g * x
    if x.ndim == 1:
        return (unsqueeze(x, shape=x.shape + (1,))
                * unsqueeze(g, shape=g.shape[:-1] + (1,) + g.shape[-1:]))
    if y.ndim == 1 and x.ndim == 2:  # (as PyTorch's mv: the transpose times the gradient)
        return _mT(x) @ g
    if y.ndim == 1:
        gy = _mT(x) @ unsqueeze(g, shape=g.shape + (1,))
        return squeeze(gy, shape=gy.shape[:-1])
    return _mm(_mT(x), g)


# Reductions -----------------------------------------------------------------------------

def _max_vjp(g, ans, x, *, dim, keepdim):
    """Ties share the gradient equally (PyTorch's max()/amax())."""
    xd = _data(x)
    hit = (xd == _unreduce(_data(ans), xd.shape, dim, keepdim)) | np.isnan(xd)  # nan wins
    share = (hit / np.sum(hit, axis=_axes(dim, xd.ndim), keepdims=True)).astype(xd.dtype)
    return _unreduce(g, x.shape, dim, keepdim) * _like(share, g)


def _data(x):
    """The NumPy array behind ``x`` (a Tensor or already an array)."""
    from .tensor import Tensor

    return x._data if isinstance(x, Tensor) else np.asarray(x)


def _like(arr, ref):
    """``arr`` as a constant of the same kind as ``ref`` (Tensor or array)."""
    from .tensor import Tensor

    return Tensor._make(arr) if isinstance(ref, Tensor) else arr


def _axes_tuple(dim, ndim):
    return tuple(range(ndim)) if dim is None else dim


def _max_fwd(x, *, dim, keepdim):
    return np.max(x, axis=_axes(dim, x.ndim), keepdims=keepdim)


def _min_fwd(x, *, dim, keepdim):
    return np.min(x, axis=_axes(dim, x.ndim), keepdims=keepdim)


def _select_fwd(x, *, dim, keepdim, index):
    out = np.take_along_axis(x, index, axis=dim)
    return out if keepdim else np.squeeze(out, axis=dim)


def _select_vjp(g, ans, x, *, dim, keepdim, index):
    """max(dim)/min(dim): the gradient goes to the chosen index only."""
    hit = np.zeros(x.shape, dtype=bool)
    np.put_along_axis(hit, index, True, axis=dim)
    return where(hit, _unreduce(g, x.shape, (dim,), keepdim), 0.0)


def _norm_fwd(x, *, p, dim, keepdim):
    a = np.abs(x)
    axes = _axes(dim, x.ndim)
    if p == 2:
        return np.sqrt(np.sum(a * a, axis=axes, keepdims=keepdim))
    if p == math.inf:
        return np.max(a, axis=axes, keepdims=keepdim)
    if p == 1:
        return np.sum(a, axis=axes, keepdims=keepdim)
    return np.sum(a ** p, axis=axes, keepdims=keepdim) ** (1.0 / p)


def _norm_vjp(g, ans, x, *, p, dim, keepdim):
    """d|x|_p = sign(x) |x|^(p-1) / |x|_p^(p-1); 0 where the norm is 0."""
    n = _unreduce(ans, x.shape, dim, keepdim)
    gk = _unreduce(g, x.shape, dim, keepdim)
    if p == 2:
        return gk * where(n == 0, 0.0, x / n)
    if p == 1:
        return gk * sign(x)
    if p == math.inf:
        return _max_vjp(g, ans, abs_(x), dim=dim, keepdim=keepdim) * sign(x)
    return gk * where(n == 0, 0.0, sign(x) * abs_(x) ** (p - 1) / n ** (p - 1))


def _norm_jvp(t, ans, x, *, p, dim, keepdim):
    gx = _norm_vjp(1.0 + _zeros(ans), ans, x, p=p, dim=dim, keepdim=keepdim)
    return sum_(gx * t, dim=_axes_tuple(dim, x.ndim), keepdim=keepdim)


def _logsumexp_fwd(x, *, dim, keepdim):
    axes = _axes(dim, x.ndim)
    m = np.max(x, axis=axes, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)
    out = np.log(np.sum(np.exp(x - m), axis=axes, keepdims=True)) + m
    return out if keepdim else np.squeeze(out, axis=axes)


# softmax and log_softmax work in place on the temporaries they make (a 0-d one is a
# NumPy scalar, which "-=" replaces): fewer passes over memory, the same numbers.

def _softmax_fwd(x, *, dim):
    axes = _axes(dim, x.ndim)
    e = x - np.max(x, axis=axes, keepdims=True)
    e = np.exp(e, out=e) if type(e) is np.ndarray else np.exp(e)
    e /= np.add.reduce(e, axis=axes, keepdims=True)
    return e


def _log_softmax_fwd(x, *, dim):
    axes = _axes(dim, x.ndim)
    s = x - np.max(x, axis=axes, keepdims=True)
    s -= np.log(np.add.reduce(np.exp(s), axis=axes, keepdims=True))
    return s


def _softmax_vjp(g, ans, x, *, dim):
    """s * (g - sum(g s)); on arrays, computed in one temporary."""
    if type(g) is not np.ndarray or g.ndim == 0:
        return ans * (g - sum_(g * ans, dim=(dim,), keepdim=True))
    gs = g * ans
    np.subtract(g, np.add.reduce(gs, axis=dim, keepdims=True), out=gs)
    gs *= ans
    return gs


def _log_softmax_vjp(g, ans, x, *, dim):
    """g - exp(log s) sum(g); on arrays, computed in one temporary."""
    if type(g) is not np.ndarray or g.ndim == 0:
        return g - exp(ans) * sum_(g, dim=(dim,), keepdim=True)
    e = _exp_fwd(ans)
    e *= np.add.reduce(g, axis=dim, keepdims=True)
    return np.subtract(g, e, out=e)


def _nll_fwd(logp, *, index, weight, reduction):
    """-logp[i, target_i] (weighted), its sum, or its (weighted) mean; 0 (not -0) for
    a target of weight 0 (an ignored one), as PyTorch."""
    losses = -logp[index] if weight is None else np.where(weight == 0, 0, -logp[index] * weight)
    if reduction == "none":
        return losses
    total = np.add.reduce(losses, axis=None)
    if reduction == "sum":
        return total
    return total / (losses.size if weight is None else np.add.reduce(weight, axis=None))


def _nll_vjp(g, ans, logp, *, index, weight, reduction):
    """Only the picked entries get a gradient: -(g / the count or total weight, for a
    mean), times their weight (PyTorch's order of operations)."""
    if reduction == "mean":
        g = g / (np.size(index[0]) if weight is None
                 else _like(np.add.reduce(weight, axis=None), g))
    share = -g if weight is None else where(weight == 0, 0.0, -g * _like(weight, g))
    return scatter(share, idx=index, shape=logp.shape, advanced=False)  # (no repeats)


def _mse_fwd(x, t, *, reduction):
    """(x - t)^2, its sum or its mean."""
    d = x - t
    loss = d * d
    if reduction == "none":
        return loss
    total = cascade_sum(loss, None, False)
    return total if reduction == "sum" else total / loss.size


def _mse_vjp(i):
    """PyTorch's mse_loss_backward: 2 (x - t) g (its 2 / n for a mean, first)."""
    def vjp(g, ans, x, t, *, reduction):
        n = math.prod(np.broadcast_shapes(tuple(x.shape), tuple(t.shape)))
        norm = 2.0 / n if reduction == "mean" else 2.0
        if type(x) is np.ndarray:
            norm = x.dtype.type(norm)
        return norm * ((x - t) if i == 0 else (t - x)) * g
    return vjp


def _mse_jvp(i):
    def jvp(tangent, ans, x, t, *, reduction):
        dloss = _mse_vjp(i)(1.0 + _zeros(ans), ans, x, t, reduction="none") * tangent
        if reduction == "none":
            return dloss
        return (sum_ if reduction == "sum" else mean)(dloss, dim=None, keepdim=False)
    return jvp


def _var_fwd(x, *, dim, correction, keepdim):
    """The mean of the squared deviations from the mean, over ``n - correction``."""
    centred = x - _mean_fwd(x, dim, True)
    total = cascade_sum(centred * centred, _axes(dim, x.ndim), keepdim)
    return total / max(_count(total.shape if keepdim else _kept_shape(x.shape, dim), x.shape)
                       - correction, 0)


def _var_vjp(g, ans, x, *, dim, correction, keepdim):
    """PyTorch's var_backward: (2 / (n - correction)) g (x - mean(x)); inf or nan when
    n <= correction."""
    dof = _count(_kept_shape(x.shape, dim), x.shape) - correction
    centred = x - mean(x, dim=dim, keepdim=True)
    gk = _unreduce(g, x.shape, dim, keepdim)
    if dof <= 0:
        return gk * where(_data(centred) == 0, math.nan, math.inf)
    return (2.0 / dof) * gk * centred


def _std_vjp(g, ans, x, *, dim, correction, keepdim):
    """PyTorch's std_backward: var's, of g / (2 std) (0 where std is 0)."""
    gv = where(_data(ans) == 0, 0.0, g / (ans * 2.0))
    return _var_vjp(gv, ans, x, dim=dim, correction=correction, keepdim=keepdim)


def _reduced_jvp(vjp):
    """The JVP of a reduction from its VJP: sum(vjp(1) t) over the reduced axes."""
    def jvp(t, ans, x, *, dim, correction, keepdim):
        gx = vjp(1.0 + _zeros(ans), ans, x, dim=dim, correction=correction, keepdim=keepdim)
        return sum_(gx * t, dim=_axes_tuple(dim, x.ndim), keepdim=keepdim)
    return jvp


def _prod_fwd(x, *, dim, keepdim):
    return np.prod(x, axis=_axes(dim, x.ndim), keepdims=keepdim)


def _prod_others(x, dim):
    """Product of all other elements along ``dim`` (exact at zeros).

    On arrays: prefix times suffix products, O(n).  On Tensors (create_graph)
    it must be differentiable: the i-th of n copies of x has x_i replaced by 1,
    and each copy is multiplied out (O(n^2), and only at zeros).
    """
    if x.ndim == 0:
        return _like(np.ones_like(_data(x)), x)
    if isinstance(x, np.ndarray):
        a = np.moveaxis(x, dim, -1) if dim is not None else x.reshape(-1)
        left = np.cumprod(np.concatenate([np.ones_like(a[..., :1]), a[..., :-1]], -1), -1)
        right = np.flip(np.cumprod(np.concatenate(
            [np.ones_like(a[..., :1]), np.flip(a, -1)[..., :-1]], -1), -1), -1)
        out = left * right
        return np.moveaxis(out, -1, dim) if dim is not None else out.reshape(x.shape)
    a = reshape(x, shape=(x._data.size,)) if dim is None else transpose(x, dim0=dim, dim1=-1)
    n = a.shape[-1]
    copies = broadcast_to(reshape(a, shape=a.shape[:-1] + (1, n)), shape=a.shape + (n,))
    out = prod(where(np.eye(n, dtype=bool), 1.0, copies), dim=a.ndim, keepdim=False)
    return reshape(out, shape=x.shape) if dim is None else transpose(out, dim0=dim, dim1=-1)


def _prod_vjp(g, ans, x, *, dim, keepdim):
    """d prod = prod / x_i, as the product of the others where x_i = 0."""
    dims = None if dim is None else (dim,)
    gk = _unreduce(g, x.shape, dims, keepdim)
    zero = _data(x) == 0
    if not zero.any():
        return gk * _unreduce(ans, x.shape, dims, keepdim) / x
    return gk * _prod_others(x, dim)


# Pow ------------------------------------------------------------------------------------

def _pow_vjp_x(g, ans, x, y):
    """d x^y / dx = y x^(y-1), and 0 where y == 0 (even at x == 0)."""
    if isinstance(y, (int, float)):
        if y == 0:
            return _zeros(g)
        if y == 1:
            return g
        if y == 2:
            return g * 2.0 * x
        return g * (y * x ** (y - 1))
    return where(y == 0, 0.0, g * (y * x ** (y - 1)))


def _pow_vjp_y(g, ans, x, y):
    """d x^y / dy = x^y log x, and 0 where x == 0 and y >= 0."""
    if isinstance(x, (int, float)):  # a constant base
        if x > 0:
            return g * ans * math.log(x)
        return where(y >= 0, 0.0, g * math.nan) if x == 0 else g * math.nan
    return where((x == 0) & (y >= 0), 0.0, g * ans * log(x))


def _pow_fwd(x, y):
    if isinstance(y, (int, float)) and not isinstance(y, bool):
        if y == 2:
            return x * x
        if y == 3:
            return x * x * x
    return np.power(x, y)


# The table ------------------------------------------------------------------------------
# name, forward (NumPy), VJP per input, JVP per input, [grad_fn name], doc.

add = defprim("add", np.add,
              (lambda g, ans, x, y: g, lambda g, ans, x, y: g),
              (lambda t, ans, x, y: t, lambda t, ans, x, y: t),
              doc="d(x + y) = dx + dy")
sub = defprim("sub", np.subtract,
              (lambda g, ans, x, y: g, lambda g, ans, x, y: -g),
              (lambda t, ans, x, y: t, lambda t, ans, x, y: -t),
              doc="d(x - y) = dx - dy")
mul = defprim("mul", np.multiply,
              (lambda g, ans, x, y: g * y, lambda g, ans, x, y: g * x),
              (lambda t, ans, x, y: t * y, lambda t, ans, x, y: x * t),
              saves=("other", "self"), doc="d(x y) = y dx + x dy")
div = defprim("div", np.true_divide,
              (lambda g, ans, x, y: g / y, lambda g, ans, x, y: -g * (x / y / y)),
              (lambda t, ans, x, y: t / y, lambda t, ans, x, y: -t * ans / y),
              saves=("other", "self other"), doc="d(x / y) = dx / y - x dy / y^2")
pow_ = defprim("pow", _pow_fwd, (_pow_vjp_x, _pow_vjp_y),
               (lambda t, ans, x, y: _pow_vjp_x(t, ans, x, y),
                lambda t, ans, x, y: _pow_vjp_y(t, ans, x, y)),
               saves=("self exponent", "self exponent result"),
               doc="d(x^y) = y x^(y-1) dx + x^y log(x) dy")
# (Written as "not beaten" rather than "larger": a nan input gets the gradient, as in PyTorch.)
maximum = defprim("maximum", np.maximum,
                  (lambda g, ans, x, y: where(x < y, 0.0, where(x == y, g * 0.5, g)),
                   lambda g, ans, x, y: where(x > y, 0.0, where(x == y, g * 0.5, g))),
                  (lambda t, ans, x, y: where(x < y, 0.0, where(x == y, t * 0.5, t)),
                   lambda t, ans, x, y: where(x > y, 0.0, where(x == y, t * 0.5, t))),
                  saves=("self other", "self other"),
                  doc="the larger input gets the gradient; ties split it")
minimum = defprim("minimum", np.minimum,
                  (lambda g, ans, x, y: where(x > y, 0.0, where(x == y, g * 0.5, g)),
                   lambda g, ans, x, y: where(x < y, 0.0, where(x == y, g * 0.5, g))),
                  (lambda t, ans, x, y: where(x > y, 0.0, where(x == y, t * 0.5, t)),
                   lambda t, ans, x, y: where(x < y, 0.0, where(x == y, t * 0.5, t))),
                  saves=("self other", "self other"),
                  doc="the smaller input gets the gradient; ties split it")
_where = defprim("where", _where_fwd,
                 (lambda g, ans, x, y, cond: where(cond, g, 0.0),
                  lambda g, ans, x, y, cond: where(cond, 0.0, g)),
                 (lambda t, ans, x, y, cond: where(cond, t, 0.0),
                  lambda t, ans, x, y, cond: where(cond, 0.0, t)),
                 doc="d where(c, x, y) = where(c, dx, dy)")

neg = defprim("neg", np.negative, (lambda g, ans, x: -g,), (lambda t, ans, x: -t,),
              doc="d(-x) = -dx")

_VIA_FLOAT64_MAX = 4096  # elements
_FLOAT16, _FLOAT32 = np.dtype(np.float16), np.dtype(np.float32)


def _exp_fwd(x):
    """exp; of a float32 array, computed in float64 and rounded: correctly rounded
    in almost every element, as PyTorch's (NumPy's float32 kernel is often 1 ulp off).

    Only up to ``_VIA_FLOAT64_MAX`` elements: beyond, the detour costs 10x the float32
    kernel (a 1,000,000-element exp: 5 ms instead of 0.5 ms), so large arrays take
    NumPy's float32 result, up to 2 ulp from PyTorch's.  Small tensors, which tutorials
    print, keep PyTorch's digits."""
    if x.dtype == _FLOAT32 and x.size <= _VIA_FLOAT64_MAX:
        return np.exp(x.astype(np.float64)).astype(np.float32)
    return np.exp(x)


exp = defprim("exp", _exp_fwd, (lambda g, ans, x: g * ans,),
              (lambda t, ans, x: t * ans,),
              saves=("result",), doc="d exp(x) = exp(x) dx")
expm1 = defprim("expm1", np.expm1, (lambda g, ans, x: g * (ans + 1.0),),
                (lambda t, ans, x: t * (ans + 1.0),), saves=("result",),
                doc="d(exp(x) - 1) = exp(x) dx")
log = defprim("log", np.log, (lambda g, ans, x: g / x,), (lambda t, ans, x: t / x,),
              saves=("self",), doc="d log(x) = dx / x")
log1p = defprim("log1p", np.log1p, (lambda g, ans, x: g / (x + 1.0),),
                (lambda t, ans, x: t / (x + 1.0),), grad_fn="Log1PBackward0",
                saves=("self",), doc="d log(1 + x) = dx / (1 + x)")
log2 = defprim("log2", np.log2, (lambda g, ans, x: g / (x * math.log(2.0)),),
               (lambda t, ans, x: t / (x * math.log(2.0)),), saves=("self",),
               doc="d log2(x) = dx / (x ln 2)")
sqrt = defprim("sqrt", np.sqrt, (lambda g, ans, x: g / (2.0 * ans),),
               (lambda t, ans, x: t / (2.0 * ans),), saves=("result",),
               doc="d sqrt(x) = dx / (2 sqrt(x))")
rsqrt = defprim("rsqrt", lambda x: 1.0 / np.sqrt(x), (lambda g, ans, x: -0.5 * g * ans ** 3,),
                (lambda t, ans, x: -0.5 * t * ans ** 3,), saves=("result",),
                doc="d x^(-1/2) = -x^(-3/2) dx / 2")
reciprocal = defprim("reciprocal", np.reciprocal, (lambda g, ans, x: -g * ans * ans,),
                     (lambda t, ans, x: -t * ans * ans,), saves=("result",),
                     doc="d(1/x) = -dx / x^2")
sin = defprim("sin", np.sin, (lambda g, ans, x: g * cos(x),), (lambda t, ans, x: t * cos(x),),
              saves=("self",), doc="d sin(x) = cos(x) dx")
cos = defprim("cos", np.cos, (lambda g, ans, x: -g * sin(x),), (lambda t, ans, x: -t * sin(x),),
              saves=("self",), doc="d cos(x) = -sin(x) dx")
tan = defprim("tan", np.tan, (lambda g, ans, x: g * (1.0 + ans * ans),),
              (lambda t, ans, x: t * (1.0 + ans * ans),), saves=("result",),
              doc="d tan(x) = (1 + tan(x)^2) dx")
tanh = defprim("tanh", np.tanh, (lambda g, ans, x: g * (1.0 - ans * ans),),
               (lambda t, ans, x: t * (1.0 - ans * ans),), saves=("result",),
               doc="d tanh(x) = (1 - tanh(x)^2) dx")
sigmoid = defprim("sigmoid", lambda x: _sigmoid(x), (lambda g, ans, x: g * ans * (1.0 - ans),),
                  (lambda t, ans, x: t * ans * (1.0 - ans),), saves=("result",),
                  doc="d s(x) = s(x) (1 - s(x)) dx")
relu = defprim("relu", lambda x: select(x < 0, 0, x).astype(x.dtype, copy=False),
               (lambda g, ans, x: where(ans <= 0, 0.0, g),),  # nan passes, as in PyTorch
               (lambda t, ans, x: where(ans <= 0, 0.0, t),), saves=("result",),
               doc="d relu(x) = [x > 0] dx")
leaky_relu = defprim("leaky_relu", lambda x, slope: select(x > 0, x, x * slope),
                     (lambda g, ans, x, slope: where(x > 0, g, g * slope),),
                     (lambda t, ans, x, slope: where(x > 0, t, t * slope),),
                     grad_fn="LeakyReluBackward0", saves=("self",),
                     doc="d = 1 for x > 0, slope otherwise")
softplus = defprim("softplus", lambda x: np.logaddexp(0, x).astype(x.dtype, copy=False),
                   (lambda g, ans, x: g * sigmoid(x),), (lambda t, ans, x: t * sigmoid(x),),
                   saves=("self",), doc="d log(1 + e^x) = sigmoid(x) dx")
abs_ = defprim("abs", np.abs, (lambda g, ans, x: g * sign(x),), (lambda t, ans, x: t * sign(x),),
               saves=("self",), doc="d|x| = sign(x) dx (0 at 0)")
def _sign_fwd(x):
    """PyTorch's (x > 0) - (x < 0): the sign of nan is 0, and of -0 +0."""
    return x if x.dtype == np.bool_ else np.subtract(x > 0, x < 0, dtype=x.dtype)


sign = defprim("sign", _sign_fwd, (lambda g, ans, x: _zeros(g),), (lambda t, ans, x: _zeros(t),),
               doc="sign is flat: zero gradient")
floor = defprim("floor", np.floor, (lambda g, ans, x: _zeros(g),),
                (lambda t, ans, x: _zeros(t),), doc="flat: zero gradient")
ceil = defprim("ceil", np.ceil, (lambda g, ans, x: _zeros(g),),
               (lambda t, ans, x: _zeros(t),), doc="flat: zero gradient")
round_ = defprim("round", np.round, (lambda g, ans, x: _zeros(g),),
                 (lambda t, ans, x: _zeros(t),), doc="flat: zero gradient")
clamp = defprim("clamp", lambda x, lo, hi: _clamp(x, lo, hi),
                (lambda g, ans, x, lo, hi: where(_in_range(x, lo, hi), g, 0.0),),
                (lambda t, ans, x, lo, hi: where(_in_range(x, lo, hi), t, 0.0),),
                grad_fn="ClampBackward1", saves=("self",), doc="d clamp(x) = [min <= x <= max] dx")

sum_ = defprim("sum", lambda x, dim, keepdim: cascade_sum(x, _axes(dim, x.ndim), keepdim),
               (lambda g, ans, x, dim, keepdim: _unreduce(g, x.shape, dim, keepdim),),
               (lambda t, ans, x, dim, keepdim: sum_(t, dim=dim, keepdim=keepdim),),
               doc="d sum(x) = sum(dx)")
mean = defprim("mean",
               _mean_fwd,
               (lambda g, ans, x, dim, keepdim:
                _unreduce(g, x.shape, dim, keepdim) / _count(ans.shape, x.shape),),
               (lambda t, ans, x, dim, keepdim: mean(t, dim=dim, keepdim=keepdim),),
               doc="d mean(x) = mean(dx)")
prod = defprim("prod", _prod_fwd, (_prod_vjp,),
               (lambda t, ans, x, dim, keepdim: sum_(
                   _prod_vjp(1.0 + _zeros(ans), ans, x, dim=dim, keepdim=keepdim) * t,
                   dim=None if dim is None else (dim,), keepdim=keepdim),),
               saves=("self result",), doc="d prod(x) = sum_i prod_{j != i} x_j dx_i")
amax = defprim("amax", _max_fwd, (_max_vjp,),
               (lambda t, ans, x, dim, keepdim: sum_(
                   _max_vjp(1.0 + _zeros(ans), ans, x, dim=dim, keepdim=keepdim) * t,
                   dim=_axes_tuple(dim, x.ndim), keepdim=keepdim),),
               grad_fn="MaxBackward1", saves=("self result",),
               doc="the maximum gets the gradient; ties split it")
amin = defprim("amin", _min_fwd, (_max_vjp,),
               (lambda t, ans, x, dim, keepdim: sum_(
                   _max_vjp(1.0 + _zeros(ans), ans, x, dim=dim, keepdim=keepdim) * t,
                   dim=_axes_tuple(dim, x.ndim), keepdim=keepdim),),
               grad_fn="MinBackward1", saves=("self result",),
               doc="the minimum gets the gradient; ties split it")
select_along = defprim(
    "select_along", _select_fwd, (_select_vjp,),
    (lambda t, ans, x, dim, keepdim, index:
     select_along(t, dim=dim, keepdim=keepdim, index=index),),
    grad_fn="MaxBackward0", saves=("indices",),
    doc="max(dim)/min(dim): the chosen index gets the gradient")
norm = defprim("norm", _norm_fwd, (_norm_vjp,), (_norm_jvp,),
               grad_fn="LinalgVectorNormBackward0", saves=("self result",),
               doc="d|x|_2 = x / |x|_2 dx (0 at 0)")
logsumexp = defprim("logsumexp", _logsumexp_fwd,
                    (lambda g, ans, x, dim, keepdim: _unreduce(g, x.shape, dim, keepdim)
                     * exp(x - _unreduce(ans, x.shape, dim, keepdim)),),
                    (lambda t, ans, x, dim, keepdim: sum_(
                        t * exp(x - _unreduce(ans, x.shape, dim, keepdim)),
                        dim=dim, keepdim=keepdim),),
                    saves=("self result",), doc="d logsumexp(x) = softmax(x) . dx")
softmax = defprim("softmax", _softmax_fwd,
                  (_softmax_vjp,),
                  (lambda t, ans, x, dim: ans * (t - sum_(t * ans, dim=(dim,), keepdim=True)),),
                  saves=("result",), doc="d s = s * (dx - sum(s dx))")
log_softmax = defprim("log_softmax", _log_softmax_fwd,
                      (_log_softmax_vjp,),
                      (lambda t, ans, x, dim: t - sum_(exp(ans) * t, dim=(dim,), keepdim=True),),
                      grad_fn="LogSoftmaxBackward0", saves=("result",),
                      doc="d log s = dx - sum(s dx)")
var = defprim("var", _var_fwd, (_var_vjp,), (_reduced_jvp(_var_vjp),), saves=("self",),
              doc="d var(x) = 2 (x - mean(x)) . dx / (n - correction)")
std = defprim("std", lambda x, **params: np.sqrt(_var_fwd(x, **params)), (_std_vjp,),
              (_reduced_jvp(_std_vjp),), saves=("self result",),
              doc="d std(x) = d var(x) / (2 std(x))")
mse_loss = defprim("mse_loss", _mse_fwd, _mse_vjp, _mse_jvp, saves=("self target", "self target"),
                   doc="d mean((x - t)^2) = mean(2 (x - t) (dx - dt))")
nll_loss = defprim("nll_loss", _nll_fwd, (_nll_vjp,),
                   (lambda t, ans, logp, index, weight, reduction:
                    nll_loss(t, index=index, weight=weight, reduction=reduction),),
                   saves=("self",), doc="d(-log p[target]) = -d log p[target]: it is linear")

mm = defprim("mm", _mm, (lambda g, ans, x, y: _mm(g, _mT(y)),
                         lambda g, ans, x, y: _mm(_mT(x), g)),
             (lambda t, ans, x, y: t @ y, lambda t, ans, x, y: x @ t),
             grad_fn="MmBackward0", saves=("mat2", "self"),
             doc="d(x @ y) = dx @ y + x @ dy, for two matrices")
matmul = defprim("matmul", _mm, (_matmul_vjp_x, _matmul_vjp_y),
                 (lambda t, ans, x, y: t @ y, lambda t, ans, x, y: x @ t),
                 grad_fn="MmBackward0", saves=("other", "self"), doc="d(x @ y) = dx @ y + x @ dy")

reshape = defprim("reshape", lambda x, shape: x.reshape(shape),
                  (lambda g, ans, x, shape: reshape(g, shape=x.shape),),
                  (lambda t, ans, x, shape: reshape(t, shape=shape),),
                  grad_fn="ViewBackward0", doc="reshape: the gradient is reshaped back")
# (Reshapes too, as PyTorch's squeeze and unsqueeze, each the other's VJP: so a gradient
# of a gradient is recorded by the op PyTorch's would be, SqueezeBackward1.)
squeeze = defprim("squeeze", lambda x, shape: x.reshape(shape),
                  (lambda g, ans, x, shape: unsqueeze(g, shape=x.shape),),
                  (lambda t, ans, x, shape: squeeze(t, shape=shape),),
                  grad_fn="SqueezeBackward1", doc="drop size-1 axes; the gradient gets them back")
unsqueeze = defprim("unsqueeze", lambda x, shape: x.reshape(shape),
                    (lambda g, ans, x, shape: squeeze(g, shape=x.shape),),
                    (lambda t, ans, x, shape: unsqueeze(t, shape=shape),),
                    doc="add size-1 axes; the gradient drops them")
transpose = defprim("transpose", lambda x, dim0, dim1: np.swapaxes(x, dim0, dim1),
                    (lambda g, ans, x, dim0, dim1: transpose(g, dim0=dim0, dim1=dim1),),
                    (lambda t, ans, x, dim0, dim1: transpose(t, dim0=dim0, dim1=dim1),),
                    doc="swap two axes; so does its gradient")
permute = defprim("permute", lambda x, dims: np.transpose(x, dims),
                  (lambda g, ans, x, dims: permute(g, dims=tuple(np.argsort(dims))),),
                  (lambda t, ans, x, dims: permute(t, dims=dims),),
                  doc="reorder axes; the gradient is reordered back")
broadcast_to = defprim("broadcast_to", lambda x, shape: np.broadcast_to(x, shape),
                       (lambda g, ans, x, shape: summed_to(g, x.shape),),
                       (lambda t, ans, x, shape: broadcast_to(t, shape=shape),),
                       grad_fn="ExpandBackward0",
                       doc="expand: the gradient is summed over the copies")
sum_to = defprim("sum_to", _sum_to_fwd,
                 (lambda g, ans, x, shape: broadcast_to(g, shape=x.shape),),
                 (lambda t, ans, x, shape: sum_to(t, shape=shape),),
                 grad_fn="SumBackward1", doc="sum over broadcast axes (the transpose of expand)")
def _getitem_fwd(x, *, idx, advanced):
    """``x[idx]``.  An index that picks one number gives a 0-d view, as PyTorch's does
    (``x[0].add_(1)`` changes x), where NumPy gives a number, a copy."""
    out = x[idx]
    return out if type(out) is np.ndarray else x[(*idx, Ellipsis)]


def _dense(a: np.ndarray) -> bool:
    """Whether ``a``'s numbers fill its memory without gaps or overlaps (any order)."""
    step = a.itemsize
    for stride, n in sorted((abs(s), n) for s, n in zip(a.strides, a.shape, strict=True) if n != 1):
        if stride != step:
            return False
        step *= n
    return True


getitem = defprim("getitem", _getitem_fwd,
                  (lambda g, ans, x, idx, advanced:
                   scatter(g, idx=idx, shape=x.shape, advanced=advanced),),
                  (lambda t, ans, x, idx, advanced: getitem(t, idx=idx, advanced=advanced),),
                  grad_fn="SelectBackward0",
                  doc="indexing: the gradient is scattered back (repeats accumulate)")
scatter = defprim("scatter", _scatter_fwd,
                  (lambda g, ans, x, idx, shape, advanced: getitem(g, idx=idx, advanced=advanced),),
                  (lambda t, ans, x, idx, shape, advanced:
                   scatter(t, idx=idx, shape=shape, advanced=advanced),),
                  grad_fn="IndexPutBackward0", doc="the transpose of indexing")
index_put = defprim("index_put", _index_put_fwd,
                    (lambda g, ans, x, v, idx, advanced: where(_mask(x.shape, idx), 0.0, g),
                     lambda g, ans, x, v, idx, advanced: getitem(g, idx=idx, advanced=advanced)),
                    (lambda t, ans, x, v, idx, advanced: where(_mask(x.shape, idx), 0.0, t),
                     lambda t, ans, x, v, idx, advanced: scatter(
                         broadcast_to(t, shape=_data(ans)[idx].shape),
                         idx=idx, shape=ans.shape, advanced=advanced)),
                    grad_fn="CopySlices", doc="x[idx] = v: v's gradient is g[idx]")
diagonal = defprim("diagonal", _diagonal_fwd,
                   (lambda g, ans, x, **p: diagonal_backward(g, shape=x.shape, **p),),
                   (lambda t, ans, x, **p: diagonal(t, **p),),
                   doc="a diagonal (a view): the gradient is put back on it")
diagonal_backward = defprim("diagonal_backward", _diagonal_backward_fwd,
                            (lambda g, ans, x, shape, **p: diagonal(g, **p),),
                            (lambda t, ans, x, shape, **p: diagonal_backward(t, shape=shape, **p),),
                            doc="the transpose of diagonal")
cat = defprim("cat", _cat_fwd, _cat_vjp, _cat_jvp,
              doc="concatenate: each input gets its slice of the gradient")
stack = defprim("stack", lambda *xs, dim: np.stack(xs, axis=dim), _stack_vjp, _stack_jvp,
                doc="stack: each input gets its slice of the gradient")
cast = defprim("cast", lambda x, dtype, src: x.astype(dtype),
               (lambda g, ans, x, dtype, src: cast(g, dtype=src, src=dtype),),
               (lambda t, ans, x, dtype, src: cast(t, dtype=dtype, src=src),),
               grad_fn="ToCopyBackward0", doc="a cast: the gradient is cast back")
clone = defprim("clone", lambda x: np.array(x, copy=True, order="K" if _dense(x) else "C"),
                (lambda g, ans, x: g,),  # (PyTorch's preserve_format: dense keeps its strides)
                (lambda t, ans, x: t,), doc="a copy: identity gradient")
copy_backwards = defprim("copy_backwards", lambda x: x, (lambda g, ans, x: g,),
                         (lambda t, ans, x: t,), grad_fn="CopyBackwards",
                         doc="identity (a .grad built with create_graph=True)")


def summed_to(g, shape):
    """``sum_to(g, shape)``, recorded as PyTorch's: a sum down to a number is SumBackward0."""
    if not shape and isinstance(g, Tensor):
        return sum_to.apply((g,), {"shape": shape}, name="SumBackward0")
    return sum_to(g, shape=shape)


def _count(out_shape, in_shape) -> int:
    """How many input elements each output element of a reduction sums."""
    return math.prod(in_shape) // max(math.prod(out_shape), 1)


def _sigmoid(x):
    # As PyTorch: exp(-x) may overflow to inf, giving exactly 0 (never a denormal).
    return (1 / (1 + np.exp(-x))).astype(x.dtype, copy=False)


def _clamp(x, lo, hi):
    out = x
    if lo is not None:
        out = select(out < lo, lo, out)  # keeps nan, as PyTorch
    if hi is not None:
        out = select(out > hi, hi, out)
    return out.astype(x.dtype, copy=False)


def _in_range(x, lo, hi):
    if lo is None:
        return x <= hi
    if hi is None:
        return x >= lo
    return (x >= lo) & (x <= hi)


# Exact: each gradient the VJPs compute has its input's shape and dtype, so the engine
# uses it as it is (elementwise functions of one float input, and mm).
for _p in (neg, exp, expm1, log, log1p, log2, sqrt, rsqrt, reciprocal, sin, cos, tan, tanh,
           sigmoid, relu, abs_, mm):
    _p.exact = True
