"""``torch.autograd.functional``: derivatives of a *function*, not of a graph.

Each helper takes ``func`` and its ``inputs`` (a Tensor or a tuple of
Tensors), runs ``func`` on fresh copies of the inputs that require grad, and
returns detached results (unless ``create_graph=True``), shaped as PyTorch
shapes them: a single Tensor for a single input/output, tuples otherwise, and
``jacobian[i][j]`` of shape ``outputs[i].shape + inputs[j].shape``.

* ``vjp``: one backward pass, ``v^T J``.
* ``jvp``: ``J v`` by the *double-backward trick* (as PyTorch does): the VJP
  ``u -> u^T J`` is linear in ``u``, so differentiating it w.r.t. ``u`` in
  the direction ``v`` gives ``J v`` with two reverse passes.
* ``jacobian``: one row per output element (reverse mode, one graph, one
  ``retain_graph`` backward per row) or one column per input element
  (``strategy="forward-mode"``: one dual-number pass per basis vector).
* ``hessian``: the jacobian of the jacobian; ``hvp``/``vhp``: ``H v`` and
  ``v^T H`` (equal, since ``H`` is symmetric), each with two backward passes.

``vectorize=True``: as PyTorch, a reverse-mode jacobian maps one backward pass
over the rows of the identity with ``func.vmap`` (a batched pass, not a loop).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .. import grad_mode, rules
from ..grad_mode import enable_grad, set_grad_enabled
from ..tensor import Tensor
from . import forward_ad
from . import grad as _grad

Tensors = Tensor | tuple[Tensor, ...]


# Argument and result plumbing (PyTorch's helpers, same names and messages) ---------------

def _as_tuple(inp, arg_name: str, fn_name: str) -> tuple[bool, tuple]:
    """``(was_tuple, inputs_as_tuple)``, checking that each one is a Tensor."""
    is_inp_tuple = isinstance(inp, tuple)
    if not is_inp_tuple:
        inp = (inp,)
    for i, el in enumerate(inp):
        if not isinstance(el, Tensor):
            where = f"value at index {i}" if is_inp_tuple else f"given {arg_name}"
            raise TypeError(
                f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of "
                f"Tensors but the {where} has type {type(el)}.")
    return is_inp_tuple, inp


def _tuple_postprocess(res, to_unpack):
    """Unwrap the 1-tuples the user did not ask for (``to_unpack``: outer, inner)."""
    if isinstance(to_unpack, tuple):
        if not to_unpack[1]:
            res = tuple(el[0] for el in res)
        if not to_unpack[0]:
            res = res[0]
    elif not to_unpack:
        res = res[0]
    return res


def _grad_preprocess(inputs: tuple, create_graph: bool, need_graph: bool) -> tuple:
    """New Tensor objects for the inputs: differentiable views with ``create_graph``
    (so gradients reach the caller's tensors), detached leaves otherwise."""
    res = []
    for inp in inputs:
        if create_graph and inp.requires_grad:
            res.append(inp.view_as(inp))
        else:
            res.append(inp.detach().requires_grad_(need_graph))
    return tuple(res)


def _grad_postprocess(inputs: tuple, create_graph: bool) -> tuple:
    if isinstance(inputs[0], Tensor):
        return inputs if create_graph else tuple(inp.detach() for inp in inputs)
    return tuple(_grad_postprocess(inp, create_graph) for inp in inputs)


def _validate_v(v: tuple, other: tuple, is_other_tuple: bool) -> None:
    if len(other) != len(v):
        if is_other_tuple:
            raise RuntimeError(
                f"v is a tuple of invalid length: should be {len(other)} but got {len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for idx, (el_v, el_other) in enumerate(zip(v, other, strict=False)):
        if el_v.size() != el_other.size():
            prepend = f"Entry {idx} in " if is_other_tuple else ""
            raise RuntimeError(f"{prepend}v has invalid size: should be {el_other.size()} "
                               f"but got {el_v.size()}.")


def _check_requires_grad(inputs: tuple, input_type: str, strict: bool) -> None:
    """In strict mode, refuse results that do not depend on the inputs."""
    if not strict:
        return
    for i, inp in enumerate(inputs):
        if inp is None:
            raise RuntimeError(f"The output of the user-provided function is independent of "
                               f"input {i}. This is not allowed in strict mode.")
        if inp.requires_grad:
            continue
        if input_type == "hessian":
            raise RuntimeError(
                f"The hessian of the user-provided function with respect to input {i} is "
                "independent of the input. This is not allowed in strict mode. You should "
                "ensure that your function is thrice differentiable and that the hessian "
                "depends on the inputs.")
        if input_type == "jacobian":
            raise RuntimeError(
                "While computing the hessian, found that the jacobian of the user-provided "
                f"function with respect to input {i} is independent of the input. This is not "
                "allowed in strict mode. You should ensure that your function is twice "
                "differentiable and that the jacobian depends on the inputs (this would be "
                "violated by a linear function for example).")
        if input_type == "grad_inputs":
            raise RuntimeError(
                f"The gradient with respect to input {i} is independent of the inputs of the "
                "user-provided function. This is not allowed in strict mode.")
        raise RuntimeError(
            f"Output {i} of the user-provided function does not require gradients. The "
            "outputs must be computed in a differentiable manner from the input when "
            "running in strict mode.")


def _autograd_grad(outputs: tuple, inputs: tuple, grad_outputs=None, create_graph=False,
                   retain_graph=None) -> tuple:
    """``autograd.grad`` that skips outputs not requiring grad (None for unused inputs)."""
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs, strict=False)
             if o is not None and o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    outs, gs = zip(*pairs, strict=False)
    return _grad(outs, inputs, gs, allow_unused=True, create_graph=create_graph,
                 retain_graph=retain_graph)


_STRICT_NONE = {
    "back": "The output of the user-provided function is independent of input {i}. This is "
            "not allowed in strict mode.",
    "back_trick": "The gradient with respect to the input is independent of entry {i} in the "
                  "grad_outputs when using the double backward trick to compute forward mode "
                  "gradients. This is not allowed in strict mode.",
    "double_back": "The jacobian of the user-provided function is independent of input {i}. "
                   "This is not allowed in strict mode.",
    "double_back_trick": "The hessian of the user-provided function is independent of entry "
                         "{i} in the grad_jacobian. This is not allowed in strict mode as it "
                         "prevents from using the double backward trick to replace forward "
                         "mode AD.",
}


def _fill_in_zeros(grads: tuple, refs: tuple, strict: bool, create_graph: bool,
                   stage: str) -> tuple:
    """Zeros for unused inputs (an error in strict mode)."""
    res = []
    for i, g in enumerate(grads):
        if g is None:
            if strict:
                raise RuntimeError(_STRICT_NONE[stage].format(i=i))
            g = Tensor._make(np.zeros_like(refs[i]._data))
        elif strict and create_graph and not g.requires_grad:
            what = "hessian" if "double" in stage else "jacobian"
            raise RuntimeError(
                f"The {what} of the user-provided function is independent of input {i}. This "
                "is not allowed in strict mode when create_graph=True.")
        res.append(g)
    return tuple(res)


def _v_or_scalar(v, reference: tuple, is_ref_tuple: bool, create_graph: bool, fn_name: str,
                 what: str) -> tuple | None:
    """Check ``v`` against ``reference``; ``v=None`` only for one 1-element Tensor."""
    if v is not None:
        _, v = _as_tuple(v, "v", fn_name)
        v = _grad_preprocess(v, create_graph=create_graph, need_graph=False)
        _validate_v(v, reference, is_ref_tuple)
        return v
    if len(reference) != 1 or reference[0].nelement() != 1:
        raise RuntimeError(f"The vector v can only be None if {what} a single Tensor with a "
                           "single element.")
    return None


_INPUT_IS = "the input to the user-provided function is"


# The public functions ----------------------------------------------------------------------

def vjp(func: Callable, inputs: Tensors, v: Tensors | None = None, create_graph: bool = False,
        strict: bool = False):
    """``(func(inputs), v^T J)``: a vector-Jacobian product, by one backward pass."""
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
        inputs = _grad_preprocess(inputs, create_graph=create_graph, need_graph=True)
        outputs = func(*inputs)
        is_outputs_tuple, outputs = _as_tuple(
            outputs, "outputs of the user-provided function", "vjp")
        _check_requires_grad(outputs, "outputs", strict=strict)
        v = _v_or_scalar(v, outputs, is_outputs_tuple, create_graph, "vjp",
                         "the user-provided function returns")
    with set_grad_enabled(create_graph or grad_mode.is_grad_enabled()):
        grad_res = _autograd_grad(outputs, inputs, v, create_graph=create_graph)
        result = _fill_in_zeros(grad_res, inputs, strict, create_graph, "back")
    outputs = _grad_postprocess(outputs, create_graph)
    result = _grad_postprocess(result, create_graph)
    return (_tuple_postprocess(outputs, is_outputs_tuple),
            _tuple_postprocess(result, is_inputs_tuple))


def jvp(func: Callable, inputs: Tensors, v: Tensors | None = None, create_graph: bool = False,
        strict: bool = False):
    """``(func(inputs), J v)``: a Jacobian-vector product, by the double-backward trick."""
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
        inputs = _grad_preprocess(inputs, create_graph=create_graph, need_graph=True)
        v = _v_or_scalar(v, inputs, is_inputs_tuple, create_graph, "jvp", _INPUT_IS)
        outputs = func(*inputs)
        is_outputs_tuple, outputs = _as_tuple(
            outputs, "outputs of the user-provided function", "jvp")
        _check_requires_grad(outputs, "outputs", strict=strict)
        # u -> u^T J is linear in u: its value at u = 0 does not matter, its graph does.
        grad_outputs = tuple(_zeros_requiring_grad(out) for out in outputs)
        grad_inputs = _autograd_grad(outputs, inputs, grad_outputs, create_graph=True)
        _check_requires_grad(grad_inputs, "grad_inputs", strict=strict)
    with set_grad_enabled(create_graph or grad_mode.is_grad_enabled()):
        grad_res = _autograd_grad(grad_inputs, grad_outputs, v, create_graph=create_graph)
        result = _fill_in_zeros(grad_res, outputs, strict, create_graph, "back_trick")
    outputs = _grad_postprocess(outputs, create_graph)
    result = _grad_postprocess(result, create_graph)
    return (_tuple_postprocess(outputs, is_outputs_tuple),
            _tuple_postprocess(result, is_outputs_tuple))


def _zeros_requiring_grad(t: Tensor) -> Tensor:
    return Tensor._make(np.zeros_like(t._data), None, True)


def _basis(shape: tuple, dtype, k: int) -> np.ndarray:
    """The ``k``-th standard basis vector, shaped ``shape``."""
    e = np.zeros(shape, dtype=dtype)
    e.reshape(-1)[k] = 1
    return e


def jacobian(func: Callable, inputs: Tensors, create_graph: bool = False, strict: bool = False,
             vectorize: bool = False, strategy: str = "reverse-mode"):
    """The Jacobian of ``func`` at ``inputs``: ``J[i][j]`` has shape
    ``outputs[i].shape + inputs[j].shape``."""
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError(
            'Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your '
            'function has more outputs than inputs, "forward-mode" tends to be more performant. '
            'Otherwise, prefer to use "reverse-mode".')
    if strategy == "forward-mode":
        if create_graph:
            raise NotImplementedError(
                "torch.autograd.functional.jacobian: `create_graph=True` and "
                '`strategy="forward-mode"` are not supported together (yet). Please either '
                'set `create_graph=False` or `strategy="reverse-mode"`.')
        return _jacfwd(func, inputs, strict, vectorize)

    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _grad_preprocess(inputs, create_graph=create_graph, need_graph=True)
        outputs = func(*inputs)
        is_outputs_tuple, outputs = _as_tuple(
            outputs, "outputs of the user-provided function", "jacobian")
        _check_requires_grad(outputs, "outputs", strict=strict)
        if vectorize and strict:
            raise RuntimeError(
                "torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are "
                "not supported together. Please either set `strict=False` or "
                "`vectorize=False`.")

        # One graph; one backward pass per output element, seeded with a basis vector.
        jac = []
        for i, out in enumerate(outputs):
            if vectorize:  # (as PyTorch: the backward pass mapped over the rows, by vmap)
                jac.append(_jacobian_rows(out, inputs, create_graph))
                continue
            rows: list[list] = [[] for _ in inputs]
            for k in range(out.nelement()):
                e = Tensor._make(_basis(out._data.shape, out._data.dtype, k))
                vj = _autograd_grad((out,), inputs, (e,), retain_graph=True,
                                    create_graph=create_graph)
                for j, (g, inp) in enumerate(zip(vj, inputs, strict=False)):
                    if g is None:
                        if strict:
                            raise RuntimeError(
                                f"Output {i} of the user-provided function is independent of "
                                f"input {j}. This is not allowed in strict mode.")
                        g = Tensor._make(np.zeros_like(inp._data))
                    elif strict and create_graph and not g.requires_grad:
                        raise RuntimeError(
                            "The jacobian of the user-provided function is independent of "
                            f"input {i}. This is not allowed in strict mode when "
                            "create_graph=True.")
                    rows[j].append(g)
            jac.append(tuple(_stack_rows(r, out.shape + inp.shape, inp._data.dtype)
                             for r, inp in zip(rows, inputs, strict=False)))
        jac = _grad_postprocess(tuple(jac), create_graph)
        return _tuple_postprocess(jac, (is_outputs_tuple, is_inputs_tuple))


def _jacobian_rows(out: Tensor, inputs: tuple, create_graph: bool) -> tuple:
    """The Jacobian of ``out`` w.r.t. each input: ``func.vmap`` of one backward pass
    over the rows of the identity (zeros for an input ``out`` does not depend on)."""
    from .. import func

    n = out.nelement()
    if n == 0:
        return tuple(Tensor._make(np.zeros(out.shape + x.shape, x._data.dtype)) for x in inputs)
    eye = Tensor._make(np.eye(n, dtype=out._data.dtype).reshape((n, *out.shape)))
    rows = func._vmap(lambda e: tuple(func._grads([out], list(inputs), [e], True, create_graph)),
                      0, 0, "error", None, user=False)(eye)
    return tuple(r.reshape(out.shape + x.shape) for r, x in zip(rows, inputs, strict=True))


def _stack_rows(rows: list, shape: tuple, dtype) -> Tensor:
    from ..ops import stack

    if not rows:  # an output with no elements
        return Tensor._make(np.zeros(shape, dtype=dtype))
    if not any(r.requires_grad for r in rows):
        return Tensor._make(np.stack([r._data for r in rows]).reshape(shape))
    return stack(rows, dim=0).view(shape)


def _jacfwd(func: Callable, inputs: Tensors, strict: bool, vectorize: bool):
    """The Jacobian by forward mode: one dual-number pass per input element."""
    from ..ops import stack

    if strict:
        raise RuntimeError(
            "torch.autograd.functional.jacobian: `strict=True` and "
            '`strategy="forward-mode"` are not supported together (yet). Please either set '
            '`strict=False` or `strategy="reverse-mode"`.')
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
    if not vectorize:
        raise NotImplementedError(
            "Computing Jacobian using forward-AD or forward-over-reverse Hessian is"
            "only implemented for `vectorize=True`.")
    columns = _jacfwd_replayed(func, inputs)
    if columns is None:  # tangents that need a graph: one dual pass per input element
        columns = _jacfwd_passes(func, inputs)
    is_outputs_tuple, primals, columns = columns
    jac = []
    for cols_i, primal in zip(columns, primals, strict=False):
        jac_i = []
        for cols, inp in zip(cols_i, inputs, strict=False):
            # Stacked along a new last axis: output dims first, then the input's.
            shape = primal.shape + inp.shape
            if any(c.requires_grad for c in cols):
                jac_i.append(rules.reshape.apply((stack(cols, dim=-1),), {"shape": shape},
                                                 name="ReshapeAliasBackward0"))
            else:
                jac_i.append(Tensor._make(np.stack([c._data for c in cols], -1).reshape(shape)))
        jac.append(jac_i)
    return _tuple_postprocess(jac, (is_outputs_tuple, is_inputs_tuple))


def _fresh_duals(inputs: tuple, tangents: list) -> tuple:
    """New Tensors for the inputs (func may change their requires_grad), as
    make_dual gives; those with a tangent are dual."""
    return tuple(forward_ad.make_dual(x, t) if t is not None
                 else forward_ad._alias(x, "ViewBackward0")
                 for x, t in zip(inputs, tangents, strict=True))


def _jacfwd_passes(func: Callable, inputs: tuple):
    """``columns[i][j]``: output ``i``'s tangents for input ``j``'s basis vectors,
    one dual pass each (only input ``j`` carries a tangent: zeros add nothing)."""
    columns = None
    with forward_ad.dual_level():
        for j, inp in enumerate(inputs):
            for k in range(inp.nelement()):
                e = Tensor._make(_basis(inp._data.shape, inp._data.dtype, k))
                duals = _fresh_duals(inputs, [e if m == j else None for m in range(len(inputs))])
                is_outputs_tuple, outs = _as_tuple(func(*duals), "outputs", None)
                if columns is None:
                    columns = [[[] for _ in inputs] for _ in outs]
                for i, out in enumerate(outs):
                    tangent = out._fw
                    if tangent is None:
                        tangent = Tensor._make(np.zeros_like(out._data))
                    columns[i][j].append(tangent)
        primals = [forward_ad.unpack_dual(out).primal for out in outs]
    return is_outputs_tuple, primals, columns


def _jacfwd_replayed(func: Callable, inputs: tuple):
    """The same columns from ONE dual pass that records its ops, then replays
    only the tangent computations (on arrays) per basis vector.  Valid because
    the primal computation is the same in every pass; not used (None) when
    the tangents must carry a graph (an input or a captured tensor requires grad)."""
    if any(x.requires_grad for x in inputs):
        return None
    tape: list = []
    with forward_ad.dual_level():
        duals = _fresh_duals(inputs, [Tensor._make(np.zeros_like(x._data)) for x in inputs])
        forward_ad._tape[0] = tape
        try:
            is_outputs_tuple, outs = _as_tuple(func(*duals), "outputs", None)
        finally:
            forward_ad._tape[0] = None
        if any(o._fw is not None and o._fw.requires_grad for o in outs):
            return None
        primals = [forward_ad.unpack_dual(out).primal for out in outs]
    steps, keys = forward_ad._prepare(tape, outs)
    columns = [[[] for _ in inputs] for _ in outs]
    for j, (inp, dual) in enumerate(zip(inputs, duals, strict=True)):
        for k in range(inp.nelement()):
            tangents = forward_ad._replay(
                steps, {id(dual): _basis(inp._data.shape, inp._data.dtype, k)})
            for i, out in enumerate(outs):
                t = tangents.get(keys[i])
                columns[i][j].append(Tensor._make(
                    np.zeros_like(out._data) if t is None else np.asarray(t)))
    return is_outputs_tuple, primals, columns


def hessian(func: Callable, inputs: Tensors, create_graph: bool = False, strict: bool = False,
            vectorize: bool = False, outer_jacobian_strategy: str = "reverse-mode"):
    """The Hessian of a scalar ``func``: the jacobian of its gradient.
    ``H[i][j]`` has shape ``inputs[i].shape + inputs[j].shape``."""
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".')

    def ensure_single_output_function(*inp):
        out = func(*inp)
        is_out_tuple, t_out = _as_tuple(out, "outputs of the user-provided function", "hessian")
        _check_requires_grad(t_out, "outputs", strict=strict)
        if is_out_tuple or not isinstance(out, Tensor):
            raise RuntimeError("The function given to hessian should return a single Tensor")
        if out.nelement() != 1:
            raise RuntimeError(
                "The Tensor returned by the function given to hessian should contain a single "
                "element")
        return out.squeeze()

    def jac_func(*inp):
        if outer_jacobian_strategy == "forward-mode":
            # so that the inner jacobian keeps the dual inputs (a view, not a detach)
            inp = tuple(t.requires_grad_(True) for t in inp)
        jac = jacobian(ensure_single_output_function, inp, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict=strict)
        return jac

    res = jacobian(jac_func, inputs, create_graph=create_graph, strict=strict,
                   vectorize=vectorize, strategy=outer_jacobian_strategy)
    return _tuple_postprocess(res, (is_inputs_tuple, is_inputs_tuple))


def _scalar_function_output(func, inputs, strict: bool, fn_name: str):
    outputs = func(*inputs)
    is_outputs_tuple, outputs = _as_tuple(
        outputs, "outputs of the user-provided function", fn_name)
    _check_requires_grad(outputs, "outputs", strict=strict)
    if is_outputs_tuple or not isinstance(outputs[0], Tensor):
        raise RuntimeError(f"The function given to {fn_name} should return a single Tensor")
    if outputs[0].nelement() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {fn_name} should "
                           "contain a single element")
    return is_outputs_tuple, outputs


def vhp(func: Callable, inputs: Tensors, v: Tensors | None = None, create_graph: bool = False,
        strict: bool = False):
    """``(func(inputs), v^T H)`` for a scalar ``func``: the VJP of its gradient."""
    return _hessian_product(func, inputs, v, create_graph, strict, "vhp", "double_back")


def hvp(func: Callable, inputs: Tensors, v: Tensors | None = None, create_graph: bool = False,
        strict: bool = False):
    """``(func(inputs), H v)`` for a scalar ``func``.

    PyTorch computes ``H v`` by the double-backward trick (three backward
    passes).  For a twice-differentiable ``func``, ``H`` is symmetric, so
    ``H v = (v^T H)^T``: minigrad takes the cheaper two-pass ``vhp`` route,
    with ``hvp``'s checks and messages.
    """
    return _hessian_product(func, inputs, v, create_graph, strict, "hvp", "double_back_trick")


def _hessian_product(func, inputs, v, create_graph: bool, strict: bool, fn_name: str,
                     stage: str):
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", fn_name)
        inputs = _grad_preprocess(inputs, create_graph=create_graph, need_graph=True)
        v = _v_or_scalar(v, inputs, is_inputs_tuple, create_graph, fn_name, _INPUT_IS)
        is_outputs_tuple, outputs = _scalar_function_output(func, inputs, strict, fn_name)
        jac = _autograd_grad(outputs, inputs, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict=strict)
    with set_grad_enabled(create_graph or grad_mode.is_grad_enabled()):
        grad_res = _autograd_grad(jac, inputs, v, create_graph=create_graph)
        result = _fill_in_zeros(grad_res, inputs, strict, create_graph, stage)
    outputs = _grad_postprocess(outputs, create_graph)
    result = _grad_postprocess(result, create_graph)
    return (_tuple_postprocess(outputs, is_outputs_tuple),
            _tuple_postprocess(result, is_inputs_tuple))


__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]
