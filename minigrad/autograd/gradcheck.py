"""``gradcheck`` and ``gradgradcheck``: compare autograd with finite differences.

For every input ``x`` that requires grad and every output ``y``, the check builds
two Jacobians of ``y`` with respect to ``x``, both laid out as PyTorch does it,
one row per element of ``x`` and one column per element of ``y``:

* numerical: column ``j`` of the transposed Jacobian is ``(f(x + eps e_i) -
  f(x - eps e_i)) / (2 eps)``, one central difference per element ``i`` of ``x``;
* analytical: row ``j`` of the Jacobian is the vector-Jacobian product with the
  unit vector ``e_j``, one reverse pass per element of ``y`` (or, with
  ``check_forward_ad``, column ``i`` is a Jacobian-vector product, one forward
  pass per element of ``x``).

They must agree to ``|a - n| <= atol + rtol * |n|``.  ``fast_mode`` compares
one number per pair instead, ``v^T J u`` for random unit vectors ``u``, ``v``
(and on failure recomputes both Jacobians for the message).

``gradgradcheck`` runs ``gradcheck`` on the function ``x, v -> v^T J(x)``
computed with ``create_graph=True``: it checks second derivatives.

The messages are PyTorch's, word for word.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Callable, Sequence

import numpy as np

from .. import _random
from ..tensor import Tensor


class GradcheckError(RuntimeError):
    """Error raised by :func:`gradcheck` and :func:`gradgradcheck`."""


def _as_tuple(x) -> tuple:
    if isinstance(x, tuple):
        return x
    if isinstance(x, list):
        return tuple(x)
    return (x,)


def _needs_grad(x) -> bool:
    return isinstance(x, Tensor) and x.requires_grad


def _is_float(x) -> bool:
    return isinstance(x, Tensor) and x.dtype.is_floating_point


def _show(a) -> Tensor:
    """An array as a Tensor, so that messages print it as PyTorch does."""
    return Tensor._make(np.asarray(a))


def _check_inputs(inputs: tuple) -> None:
    if not any(_needs_grad(x) for x in inputs):
        raise ValueError("gradcheck expects at least one input tensor to require gradient, "
                         "but none of them have requires_grad=True.")
    for i, x in enumerate(inputs):
        if _needs_grad(x) and x._data.dtype != np.float64:
            warnings.warn(
                f"Input #{i} requires gradient and is not a double precision floating point "
                "or complex. This check will likely fail if all the inputs are not of double "
                "precision floating point or complex. ", UserWarning, stacklevel=3)
        if _needs_grad(x) and any(s == 0 and n > 1 for s, n in
                                   zip(x._data.strides, x._data.shape, strict=True)):
            raise RuntimeError(
                f"The {i}th input has a dimension with stride 0. gradcheck only supports "
                "inputs that are non-overlapping to be able to compute the numerical "
                "gradients correctly. You should call .contiguous on the input before "
                "passing it to gradcheck.")


# Numerical derivatives ---------------------------------------------------------------

def _evaluate(func, inputs: tuple) -> list:
    """Copies of the float outputs of ``func`` (the next perturbation must not
    change them, even when an output is an input)."""
    outs = _as_tuple(func(*inputs))
    return [np.array(o._data, copy=True) for o in outs if _is_float(o)]


def _central_difference(func, inputs: tuple, x: Tensor, delta: np.ndarray, eps: float) -> list:
    """``(f(x + delta) - f(x - delta)) / (2 eps)`` per output, flattened.

    ``x`` is changed in place (as PyTorch's ``x.data``), so ``func`` sees the
    perturbation however it reaches ``x``; its value is restored afterwards.
    """
    orig = np.array(x._data, copy=True)
    try:
        x._data[...] = orig - delta
        before = _evaluate(func, inputs)
        x._data[...] = orig + delta
        after = _evaluate(func, inputs)
    finally:
        x._data[...] = orig
    out = []
    for a, b in zip(before, after, strict=False):
        if a.shape != b.shape:
            raise AssertionError(
                f"Expected `func` to return outputs with the same shape when inputs are "
                f"perturbed by {eps}, but got: shapes {a.shape} and {b.shape}.")
        out.append(((b - a) / (2 * eps)).astype(a.dtype, copy=False).reshape(-1))
    return out


def _numerical_jacobians(func, inputs: tuple, float_outputs: list, eps: float) -> list:
    """``jac[i][k]``: (numel of input i, numel of output k), by central differences."""
    jacobians = []
    for x in inputs:
        if not _needs_grad(x):
            continue
        jac = [np.zeros((x.numel(), o._data.size), o._data.dtype) for o in float_outputs]
        for row, idx in enumerate(itertools.product(*map(range, x.shape))):
            delta = np.zeros(x._data.shape, x._data.dtype)
            delta[idx] = eps
            for k, column in enumerate(_central_difference(func, inputs, x, delta, eps)):
                jac[k][row] = column
        jacobians.append(jac)
    return jacobians


# Analytical derivatives --------------------------------------------------------------

def _vjps(output: Tensor, inputs: list, v: np.ndarray) -> list:
    """``v^T J`` for each input (zeros where an input is not reached)."""
    from . import grad

    grads = grad(output, inputs, Tensor._make(v.reshape(output._data.shape)),
                 retain_graph=True, allow_unused=True)
    return [np.zeros(x._data.shape, x._data.dtype) if g is None else g._data
            for g, x in zip(grads, inputs, strict=True)]


def _analytical_jacobians(output: Tensor, inputs: list, nondet_tol: float) -> list:
    """``jac[i]``: (numel of input i, numel of output), one backward pass per column.
    Everything is computed twice, to catch a backward that is not deterministic."""

    def once():
        jac = [np.zeros((x.numel(), output.numel()), x._data.dtype) for x in inputs]
        for j in range(output.numel()):
            e = np.zeros(output.numel(), output._data.dtype)
            e[j] = 1
            for jac_i, g in zip(jac, _vjps(output, inputs, e), strict=True):
                jac_i[:, j] = g.reshape(-1)
        return jac

    first, second = once(), once()
    _check_reentrant(first, second, nondet_tol)
    return first


def _check_reentrant(first: list, second: list, nondet_tol: float) -> None:
    for a, b in zip(first, second, strict=True):
        if a.size and np.abs(a - b).max() > nondet_tol:
            raise GradcheckError(
                "Backward is not reentrant, i.e., running backward with same input and "
                "grad_output multiple times gives different values, although analytical "
                "gradient matches numerical gradient.The tolerance for nondeterminism was "
                f"{nondet_tol}." + FAILED_NONDET_MSG)


def _forward_ad_jacobians(func, inputs: tuple, directions=None) -> list:
    """``jac[i][k]`` by forward mode: one JVP per element of input ``i`` (or one JVP
    along ``directions[i]`` in fast mode)."""
    try:
        from . import forward_ad
    except ImportError:
        raise NotImplementedError(
            "check_forward_ad=True needs minigrad.autograd.forward_ad") from None

    diff = [i for i, x in enumerate(inputs) if _needs_grad(x)]
    jacobians = []
    with forward_ad.dual_level():
        for n, i in enumerate(diff):
            x = inputs[i]
            tangents = ([directions[n].reshape(x._data.shape)] if directions is not None
                        else [np.eye(x.numel(), dtype=x._data.dtype)[r].reshape(x._data.shape)
                              for r in range(x.numel())])
            columns = []
            for t in tangents:
                args = [forward_ad.make_dual(a.detach(), Tensor._make(
                    t if j == i else np.zeros(a._data.shape, a._data.dtype)))
                        if j in diff else a for j, a in enumerate(inputs)]
                outs = [o for o in _as_tuple(func(*args)) if _is_float(o)]
                columns.append([_tangent(forward_ad, o) for o in outs])
            jacobians.append([np.stack([c[k] for c in columns]) for k in range(len(columns[0]))])
    return jacobians


def _tangent(forward_ad, o: Tensor) -> np.ndarray:
    primal, tangent = forward_ad.unpack_dual(o)
    if tangent is None:
        return np.zeros(o.numel(), o._data.dtype)
    return np.array(tangent._data, dtype=o._data.dtype).reshape(-1)


# Comparison and messages -------------------------------------------------------------

def _allclose(a: np.ndarray, n: np.ndarray, rtol: float, atol: float) -> bool:
    dtype = np.promote_types(a.dtype, n.dtype)
    return bool(np.allclose(a.astype(dtype), n.astype(dtype), rtol=rtol, atol=atol))


def _mismatch(a, n, output_idx: int, input_idx: int, forward_ad: bool = False) -> str:
    mode = "computed with forward mode " if forward_ad else ""
    return (f"Jacobian {mode}mismatch for output {output_idx:d} with respect to input "
            f"{input_idx:d},\nnumerical:{_show(n)}\nanalytical:{_show(a)}\n")


FAILED_NONDET_MSG = """\n
NOTE: If your op relies on non-deterministic operations i.e., it is listed here:
https://pytorch.org/docs/stable/generated/torch.use_deterministic_algorithms.html
this failure might be expected.

If you are adding a new operator, please file an issue and then use one of the
workarounds. The workaround depends on how your test invokes gradcheck/gradgradcheck.
If the test
- manually invokes gradcheck/gradgradcheck, then call gradcheck/gradgradcheck
  with `nondet_tol=<tol>` as a keyword argument.
- is OpInfo-based (e.g., in test_ops_gradients.py), then modify the OpInfo for the test
  to have `gradcheck_nondet_tol=<tol>`.
- is a Module test (e.g., in common_nn.py), then modify the corresponding
  module_test entry to have `gradcheck_nondet_tol=<tol>`
"""

FAST_FAIL_SLOW_OK_MSG = """
Fast gradcheck failed but element-wise differences are small. This means that the
test might've passed in slow_mode!

If you are adding a new operator, please file an issue and then use one of the
workarounds. The workaround depends on how your test invokes gradcheck/gradgradcheck:

If the test
- manually invokes gradcheck/gradgradcheck, then call gradcheck/gradgradcheck
  with `fast_mode=False` as a keyword argument.
- is OpInfo-based (e.g., in test_ops_gradients.py), then modify the OpInfo for the test
  to have `gradcheck_fast_mode=False`
- is a Module test (e.g., in common_nn.py), then modify the corresponding
  module_test entry to have `gradcheck_fast_mode=False`
""".strip()


# Slow and fast mode ------------------------------------------------------------------

def _slow_gradcheck(func, inputs, func_out, outputs, eps, rtol, atol, nondet_tol,
                    forward_ad: bool) -> None:
    float_out = [o for o in func_out if _is_float(o)]
    numerical = _numerical_jacobians(func, inputs, float_out, eps)
    if not outputs:
        if any(np.any(jac != 0) for per_input in numerical for jac in per_input):
            raise GradcheckError("Numerical gradient for function expected to be zero")
        return
    keep = [k for k, o in enumerate(float_out) if o.requires_grad]
    if forward_ad:
        analytical = _forward_ad_jacobians(func, inputs)
        for j, per_input in enumerate(numerical):
            for i, k in enumerate(keep):
                a, n = analytical[j][k], per_input[k]
                if not _allclose(a, n, rtol, atol):
                    raise GradcheckError(_mismatch(a, n, i, j, forward_ad=True))
        return
    diff_inputs = [x for x in inputs if _needs_grad(x)]
    for i, (o, k) in enumerate(zip(outputs, keep, strict=True)):
        analytical = _analytical_jacobians(o, diff_inputs, nondet_tol)
        for j, a in enumerate(analytical):
            n = numerical[j][k]
            if not _allclose(a, n, rtol, atol):
                raise GradcheckError(_mismatch(a, n, i, j))


def _random_unit(n: int, dtype, generator) -> np.ndarray:
    """PyTorch's random direction: ``rand(n)`` (float32), cast, divided by its norm."""
    v = _random.rand((n,), np.float32, generator).astype(dtype)
    return v / np.sqrt(np.sum(v * v))


def _fast_gradcheck(func, inputs, func_out, outputs, eps, rtol, atol, nondet_tol,
                    forward_ad: bool) -> None:
    diff = [i for i, x in enumerate(inputs) if _needs_grad(x)]
    generator = _random.Generator()  # a fresh stream, as PyTorch: results are reproducible
    all_u = [_random_unit(inputs[i].numel(), inputs[i]._data.dtype, generator) for i in diff]
    all_v = None if forward_ad else [_random_unit(o.numel(), o._data.dtype, generator)
                                     for o in outputs]
    float_out = [o for o in func_out if _is_float(o)]
    numerical = []  # numerical[j][k] = J u (or v^T J u), input j, output k
    for i, u in zip(diff, all_u, strict=True):
        x = inputs[i]
        ju = _central_difference(func, inputs, x, (u * eps).reshape(x._data.shape), eps)
        if all_v is None:
            numerical.append(ju)
        else:
            ju = [j for j, o in zip(ju, float_out, strict=True) if o.requires_grad]
            numerical.append([np.sum(v * j) for v, j in zip(all_v, ju, strict=True)])
    if not outputs:
        if any(np.abs(j).max() > nondet_tol for per_input in numerical for j in per_input
               if j.size):
            raise GradcheckError("Numerical gradient for function expected to be zero")
        return
    if forward_ad:
        analytical = _forward_ad_jacobians(func, inputs, all_u)
        analytical = [[a.reshape(-1) for a in per_input] for per_input in analytical]
    else:
        diff_inputs = [inputs[i] for i in diff]
        analytical = [[] for _ in diff]
        for o, v in zip(outputs, all_v, strict=True):
            first = _vjps(o, diff_inputs, v)
            _check_reentrant(first, _vjps(o, diff_inputs, v), nondet_tol)
            for j, (vj, u) in enumerate(zip(first, all_u, strict=True)):
                analytical[j].append(np.dot(vj.reshape(-1), u))
    for j, per_input in enumerate(numerical):
        for k, n in enumerate(per_input):
            a = analytical[j][k]
            sum_v = 1.0 if all_v is None else float(all_v[k].sum())
            if not _allclose(np.asarray(a), np.asarray(n), rtol,
                             atol * float(all_u[j].sum()) * sum_v):
                raise GradcheckError(
                    _mismatch(a, n, k, j, forward_ad)
                    + _slow_mode_report(func, inputs, func_out, outputs, j, k, rtol, atol,
                                        eps, forward_ad))


def _slow_mode_report(func, inputs, func_out, outputs, input_idx, output_idx, rtol, atol,
                      eps, forward_ad) -> str:
    """PyTorch's explanation after a fast-mode failure: both full Jacobians."""
    float_out = [o for o in func_out if _is_float(o)]
    numerical = _numerical_jacobians(func, inputs, float_out, eps)[input_idx][output_idx]
    if forward_ad:
        analytical = _forward_ad_jacobians(func, inputs)[input_idx][output_idx]
    else:
        diff_inputs = [x for x in inputs if _needs_grad(x)]
        analytical = _analytical_jacobians(outputs[output_idx], diff_inputs,
                                           float("inf"))[input_idx]
    max_diff = np.abs(numerical - analytical).max()
    msg = (
        "\nThe above quantities relating the numerical and analytical jacobians are computed \n"
        "in fast mode. See: https://github.com/pytorch/pytorch/issues/53876 for more "
        "background \nabout fast mode. Below, we recompute numerical and analytical jacobians "
        "in slow mode:\n\n"
        f"Numerical:\n {_show(numerical)}\n"
        f"Analytical:\n{_show(analytical)}\n\n"
        f"The max per-element difference (slow mode) is: {max_diff}.\n"
    )
    if np.allclose(analytical, numerical, rtol=rtol, atol=atol):
        msg += FAST_FAIL_SLOW_OK_MSG
    return msg


# Checks that the backward pass behaves -----------------------------------------------

def _check_backward_mul_by_grad_output(outputs: tuple, inputs: tuple) -> None:
    """A zero grad_output must give zero gradients, of the inputs' dtype and shape."""
    from . import grad

    diff_inputs = [x for x in inputs if _needs_grad(x)]
    zeros = [Tensor._make(np.zeros(o._data.shape, o._data.dtype)) for o in outputs]
    grads = grad(outputs, diff_inputs, zeros, allow_unused=True)
    for g, x in zip(grads, diff_inputs, strict=True):
        if g is None:
            continue
        if np.any(g._data != 0):
            raise GradcheckError("backward not multiplied by grad_output")
        if g._data.dtype != x._data.dtype:
            raise GradcheckError("grad is incorrect type")
        if g._data.shape != x._data.shape:
            raise GradcheckError("grad is incorrect size")


def _check_undefined_grad(func, inputs: tuple) -> None:
    """Backward must cope with outputs that get no gradient at all.

    PyTorch marks an output's gradient "undefined"; minigrad's equivalent is to
    leave the output out of the backward pass.  With several outputs, each is
    left out in turn, and the others get zero gradients: the result must be zero.
    """
    from . import grad

    diff_inputs = [x for x in inputs if _needs_grad(x)]
    outputs = [o for o in _as_tuple(func(*inputs)) if _needs_grad(o)]
    for skip in range(len(outputs) if len(outputs) > 1 else 0):
        kept = [o for k, o in enumerate(outputs) if k != skip]
        zeros = [Tensor._make(np.zeros(o._data.shape, o._data.dtype)) for o in kept]
        try:
            grads = grad(kept, diff_inputs, zeros, retain_graph=True, allow_unused=True)
        except RuntimeError as e:
            _warn_bc_breaking()
            raise GradcheckError(
                "Expected backward function to handle undefined output grads. Please look "
                'at "Notes about undefined output gradients" in '
                '"tools/autograd/derivatives.yaml"') from e
        if any(g is not None and np.any(g._data != 0) for g in grads):
            _warn_bc_breaking()
            raise GradcheckError(
                "Expected all input grads to be undefined or zero when all output grads are "
                'undefined or zero. Please look at "Notes about undefined output gradients" '
                'in "tools/autograd/derivatives.yaml"')


def _warn_bc_breaking() -> None:
    warnings.warn(
        "Backwards compatibility: New undefined gradient support checking feature is "
        "enabled by default, but it may break existing callers of this function. If this "
        'is true for you, you can call this function with "check_undefined_grad=False" to '
        "disable the feature", UserWarning, stacklevel=2)


# The public functions ----------------------------------------------------------------

def gradcheck(
    func: Callable[..., Tensor | Sequence[Tensor]],
    inputs: Tensor | Sequence[Tensor],
    *,
    eps: float = 1e-06,
    atol: float = 1e-05,
    rtol: float = 0.001,
    raise_exception: bool = True,
    nondet_tol: float = 0.0,
    check_undefined_grad: bool = True,
    check_grad_dtypes: bool = False,
    check_batched_grad: bool = False,
    check_batched_forward_grad: bool = False,
    check_forward_ad: bool = False,
    check_backward_ad: bool = True,
    fast_mode: bool = False,
    masked: bool | None = None,
) -> bool:
    """Check the gradients of ``func`` at ``inputs`` against finite differences.

    Returns True, or raises :class:`GradcheckError` saying which output and
    input disagree, with both Jacobians (``raise_exception=False``: returns False).
    Use float64 inputs: in float32 the finite differences are too coarse.
    """
    if not (check_forward_ad or check_backward_ad):
        raise AssertionError(
            "Expected at least one of check_forward_ad or check_backward_ad to be True")
    if check_batched_grad or check_batched_forward_grad:
        raise NotImplementedError("minigrad's gradcheck does not check batched gradients")
    try:
        return _gradcheck(func, _as_tuple(inputs), eps, atol, rtol, nondet_tol,
                          check_undefined_grad, check_forward_ad, check_backward_ad, fast_mode)
    except GradcheckError:
        if raise_exception:
            raise
        return False


def _gradcheck(func, inputs, eps, atol, rtol, nondet_tol, check_undefined_grad,
               check_forward_ad, check_backward_ad, fast_mode) -> bool:
    _check_inputs(inputs)
    func_out = _as_tuple(func(*inputs))
    outputs = tuple(o for o in func_out if o.requires_grad)
    check = _fast_gradcheck if fast_mode else _slow_gradcheck
    if check_backward_ad:
        check(func, inputs, func_out, outputs, eps, rtol, atol, nondet_tol, False)
    if check_forward_ad:
        check(func, inputs, func_out, outputs, eps, rtol, atol, nondet_tol, True)
    if not check_backward_ad:
        return True
    if outputs:
        _check_backward_mul_by_grad_output(outputs, inputs)
    if check_undefined_grad:
        _check_undefined_grad(func, inputs)
    return True


def gradgradcheck(
    func: Callable[..., Tensor | Sequence[Tensor]],
    inputs: Tensor | Sequence[Tensor],
    grad_outputs: Tensor | Sequence[Tensor | None] | None = None,
    *,
    eps: float = 1e-06,
    atol: float = 1e-05,
    rtol: float = 0.001,
    gen_non_contig_grad_outputs: bool = False,
    raise_exception: bool = True,
    nondet_tol: float = 0.0,
    check_undefined_grad: bool = True,
    check_grad_dtypes: bool = False,
    check_batched_grad: bool = False,
    check_fwd_over_rev: bool = False,
    check_rev_over_rev: bool = True,
    fast_mode: bool = False,
    masked: bool = False,
) -> bool:
    """Check second derivatives: ``gradcheck`` of ``(inputs, v) -> v^T J(inputs)``.

    ``grad_outputs`` (the ``v``) are random in [-1, 1) unless given.
    """
    from . import grad

    if not (check_fwd_over_rev or check_rev_over_rev):
        raise AssertionError(
            "Expected at least one of check_fwd_over_rev or check_rev_over_rev to be True")
    if check_undefined_grad and not check_rev_over_rev:
        raise AssertionError(
            "Setting check_undefined_grad=True requires check_rev_over_rev to be True")
    inputs = _as_tuple(inputs)
    if grad_outputs is None:
        # Drawn as torch.testing.make_tensor does, from the global random stream.
        outs = [o for o in _as_tuple(func(*inputs)) if o.requires_grad]
        grad_outputs = tuple(
            Tensor._make(_random.uniform(-1.0, 1.0, o._data.shape, o._data.dtype)
                         if o.dtype.is_floating_point else
                         _random.uniform(-1.0, 1.0, o._data.shape, np.float64),
                         requires_grad=True) for o in outs)
    else:
        grad_outputs = _as_tuple(grad_outputs)
    n_out = len(grad_outputs)
    diff_inputs = {i for i, x in enumerate(inputs) if _needs_grad(x)}
    diff_args = diff_inputs | {len(inputs) + k for k, v in enumerate(grad_outputs)
                               if _needs_grad(v)}

    def vjp(*args):
        # Forward mode passes detached inputs: make them require grad again.
        args = tuple(x.requires_grad_() if (i in diff_args and not x.requires_grad) else x
                     for i, x in enumerate(args))
        ins, vs = args[:len(args) - n_out], args[len(args) - n_out:]
        outputs = [o for o in _as_tuple(func(*ins)) if o.requires_grad]
        grads = grad(outputs, [x for i, x in enumerate(ins) if i in diff_inputs], vs,
                     create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(vjp, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception, nondet_tol=nondet_tol,
                     check_undefined_grad=check_undefined_grad,
                     check_grad_dtypes=check_grad_dtypes, check_batched_grad=check_batched_grad,
                     fast_mode=fast_mode, check_forward_ad=check_fwd_over_rev,
                     check_backward_ad=check_rev_over_rev, masked=masked)


__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]
