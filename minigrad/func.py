"""``torch.func``: derivatives as *function transforms* (JAX's style).

``grad(f)`` is a new function that returns the gradient of ``f``; transforms
compose, so ``grad(grad(f))`` is the second derivative and
``hessian(f) = jacfwd(jacrev(f))`` is forward-over-reverse.

How they compose here (PyTorch's functorch uses "levels" of wrapped tensors;
minigrad uses its one autograd graph plus forward mode):

* reverse transforms (``grad``, ``vjp``, ``jacrev``) run ``f`` on fresh
  inputs that require grad (a differentiable view when an outer transform
  is already tracking the input) and always build the backward graph
  (``create_graph=True``), so an outer transform can differentiate again.
  A result that depends on nothing but those fresh inputs is returned
  detached, as functorch returns it unwrapped;
* forward transforms (``jvp``, ``jacfwd``) use dual tensors
  (``autograd.forward_ad``).  Only one dual level exists at a time, so a
  ``jvp`` nested inside another one computes ``J v`` by the double-backward
  trick instead (reverse mode, which the outer level's tangents flow through).

Return conventions follow ``torch.func`` (they differ from
``autograd.functional``): ``vjp`` returns ``(output, vjp_fn)``, ``jvp`` takes
tuples of primals and tangents.  Inputs and outputs may be nested
tuples, lists and dicts of Tensors.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from . import grad_mode, rules
from .autograd import forward_ad
from .autograd import grad as _autograd_grad_fn
from .engine import AccumulateGrad
from .grad_mode import enable_grad
from .tensor import Tensor

argnums_t = int | tuple[int, ...]


# Trees: nested tuples, lists and dicts of leaves --------------------------------------------

def _flatten(tree) -> tuple[list, Any]:
    """``(leaves, spec)``; ``spec`` is ``None`` for a leaf, else ``(type, keys, children)``."""
    if isinstance(tree, (tuple, list)):
        kids = [_flatten(t) for t in tree]
        return [x for leaves, _ in kids for x in leaves], (type(tree), None, [s for _, s in kids])
    if isinstance(tree, dict):
        kids = [_flatten(v) for v in tree.values()]
        return ([x for leaves, _ in kids for x in leaves],
                (dict, list(tree), [s for _, s in kids]))
    return [tree], None


def _unflatten(leaves, spec):
    it = iter(leaves)

    def build(s):
        if s is None:
            return next(it)
        kind, keys, kids = s
        values = [build(k) for k in kids]
        return dict(zip(keys, values, strict=False)) if kind is dict else kind(values)

    return build(spec)


def _spec_str(spec) -> str:
    """The structure as PyTorch's ``treespec_pprint`` shows it: ``(*, [*, *])``."""
    if spec is None:
        return "*"
    kind, keys, kids = spec
    parts = [_spec_str(k) for k in kids]
    if kind is dict:
        return "{" + ", ".join(f"{k!r}: {p}" for k, p in zip(keys, parts, strict=False)) + "}"
    if kind is list:
        return "[" + ", ".join(parts) + "]"
    return "(" + ", ".join(parts) + (",)" if len(parts) == 1 else ")")


def _tree_repr(spec) -> str:
    """``str(TreeSpec)``, for jvp's structure error (one level deep)."""
    if spec is None:
        return "*"
    kind, _, kids = spec
    return f"TreeSpec({kind.__name__}, None, [{', '.join(_tree_repr(k) for k in kids)}])"


# argnums ------------------------------------------------------------------------------------

def _wrap_argnum(argnum, num_args: int) -> int:
    if not isinstance(argnum, int):
        raise RuntimeError(f"argnum must be int, got: {type(argnum)}")
    if -num_args <= argnum < num_args:
        return argnum % num_args
    raise RuntimeError(f"Got argnum={argnum}, but only {num_args} positional inputs")


def _slice_argnums(args: tuple, argnums, as_tuple: bool = True):
    if not isinstance(argnums, (int, tuple)):
        raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
    if isinstance(argnums, int):
        i = _wrap_argnum(argnums, len(args))
        return (args[i],) if as_tuple else args[i]
    if len(argnums) == 0:
        raise RuntimeError("argnums must be non-empty")
    idx = tuple(_wrap_argnum(a, len(args)) for a in argnums)
    if len(set(idx)) != len(idx):
        raise RuntimeError(f"argnums elements must be unique, got {argnums}")
    return tuple(args[i] for i in idx)


def _replace_args(args: tuple, new: tuple, argnums) -> tuple:
    """``args`` with the arguments picked by ``argnums`` replaced by ``new``."""
    n = len(args)
    idx = (argnums,) if isinstance(argnums, int) else argnums
    idx = [_wrap_argnum(i, n) for i in idx]
    out = list(args)
    for i, v in zip(idx, new, strict=False):
        out[i] = v
    return tuple(out)


# Entering and leaving a reverse transform ----------------------------------------------------

def _make_differentiable(x) -> Tensor:
    """A fresh Tensor requiring grad standing for ``x`` (its tangent comes along)."""
    if not isinstance(x, Tensor):
        raise ValueError(f"Thing passed to transform API must be Tensor, got {type(x)}")
    if x.requires_grad:  # an outer transform (or the user) tracks x: stay connected
        return rules.copy_backwards.apply((x,), name="AliasBackward0")
    y = x.detach().requires_grad_()
    if x._fw is not None:
        forward_ad._set_tangent(y, x._fw)
    return y


def _unwrap(t, inner: set):
    """``t`` detached if its graph reaches no leaf but the ``inner`` ones (the
    transform's own fresh inputs); otherwise an outer level needs its graph."""
    if not isinstance(t, Tensor):
        raise RuntimeError(f"Expected tensors, got unsupported type {type(t)}")
    if not t.requires_grad or _reaches_outer(t, inner):
        return t
    out = t.detach()
    if t._fw is not None:
        forward_ad._set_tangent(out, _unwrap(t._fw, inner))
    return out


def _reaches_outer(t: Tensor, inner: set) -> bool:
    seen = set()
    stack = [t._graph_node()]
    while stack:
        node = stack.pop()
        if isinstance(node, AccumulateGrad):
            if node not in inner:
                return True
            continue
        for nxt in node._next:
            if nxt is not None and nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return False


def _unwrap_tree(tree, inner: set):
    leaves, spec = _flatten(tree)
    return _unflatten([_unwrap(x, inner) for x in leaves], spec)


def _inner_nodes(tensors) -> set:
    return {t._graph_node() for t in tensors if t._node is None}


def _grads(outputs, inputs, grad_outputs=None, retain_graph=False, create_graph=True) -> list:
    """``autograd.grad`` with zeros (not None) for inputs the outputs do not reach.
    A graph built with ``create_graph`` is kept: its gradients point into it."""
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs, strict=False) if o.requires_grad]
    result = [None] * len(inputs)
    if pairs:
        outs, gs = zip(*pairs, strict=False)
        result = list(_autograd_grad_fn(outs, inputs, gs,
                                        retain_graph=retain_graph or create_graph,
                                        create_graph=create_graph, allow_unused=True))
    return [Tensor._make(np.zeros_like(x._data)) if g is None else g
            for g, x in zip(result, inputs, strict=False)]


# grad ------------------------------------------------------------------------------------------

def grad_and_value(func: Callable, argnums: argnums_t = 0, has_aux: bool = False) -> Callable:
    """``f -> (args -> (grad of f w.r.t. args[argnums], f(args)))`` for scalar ``f``."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with enable_grad():
            diff_args = _slice_argnums(args, argnums, as_tuple=False)
            flat, spec = _flatten(diff_args)
            flat = [_make_differentiable(x) for x in flat]
            new = _unflatten(flat, spec)
            args = _replace_args(args, (new,) if isinstance(argnums, int) else new, argnums)
            output = func(*args, **kwargs)
            aux = None
            if has_aux:
                if not (isinstance(output, tuple) and len(output) == 2):
                    raise RuntimeError(
                        "grad_and_value(f)(*args): output of function f should be a tuple: "
                        "(output, aux) if has_aux is True")
                output, aux = output
            if not isinstance(output, Tensor):
                raise RuntimeError("grad_and_value(f)(*args): Expected f(*args) to return a "
                                   f"Tensor, got {type(output)}")
            if output.dim() != 0:
                raise RuntimeError(
                    "grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, "
                    f"got tensor with {output.dim()} dims. Maybe you wanted to use the vjp or "
                    "jacrev APIs instead?")
            grads = _grads([output], flat)
            inner = _inner_nodes(flat)
            grad_input = _unwrap_tree(_unflatten(grads, spec), inner)
            output = _unwrap(output, inner)
            if has_aux:
                return grad_input, (output, _unwrap_tree(aux, inner))
            return grad_input, output

    return wrapper


def grad(func: Callable, argnums: argnums_t = 0, has_aux: bool = False) -> Callable:
    """``f -> (args -> gradient of the scalar f w.r.t. args[argnums])``."""
    gv = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        g, value = gv(*args, **kwargs)
        return (g, value[1]) if has_aux else g

    return wrapper


# vjp / jacrev ----------------------------------------------------------------------------

def _vjp(func, primals: tuple, argnums, has_aux: bool):
    """``(output, raw_vjp_fn, aux, diff inputs, inner leaves)``."""
    with enable_grad():
        if argnums is None:
            flat, pspec = _flatten(primals)
            flat = [_make_differentiable(p) for p in flat]
            args = _unflatten(flat, pspec)
        else:
            diff = _slice_argnums(primals, argnums, as_tuple=False)
            flat, pspec = _flatten(diff)
            flat = [_make_differentiable(p) for p in flat]
            new = _unflatten(flat, pspec)
            args = _replace_args(primals, (new,) if isinstance(argnums, int) else new, argnums)
        out = func(*args)
        inner = _inner_nodes(flat)
        aux = None
        if has_aux:
            if not (isinstance(out, tuple) and len(out) == 2):
                raise RuntimeError("vjp(f, *primals): output of function f should be a tuple: "
                                   "(output, aux) if has_aux is True")
            out, aux = out
            aux = _unwrap_tree(aux, inner)
        flat_out, out_spec = _flatten(out)
        _check_tensor_outputs(flat_out, "vjp(f, *primals)")
        for o in flat_out:
            if not o.dtype.is_floating_point:
                raise RuntimeError("vjp(f, ...): All outputs of f must be floating-point or "
                                   f"complex Tensors, got Tensor with dtype {o.dtype}")

    def raw_vjp_fn(cotangents, retain_graph=True, create_graph=None):
        if create_graph is None:
            create_graph = grad_mode.is_grad_enabled()
        flat_cot, cot_spec = _flatten(cotangents)
        if cot_spec != out_spec:
            raise RuntimeError(
                "Expected pytree structure of cotangents to be the same as pytree structure of "
                f"outputs to the function. cotangents: {_spec_str(cot_spec)}, primal output: "
                f"{_spec_str(out_spec)}")
        return _grads(flat_out, flat, flat_cot, retain_graph, create_graph), pspec

    return out, flat_out, out_spec, raw_vjp_fn, aux, flat, inner


def _check_tensor_outputs(flat_out: list, api: str) -> None:
    if len(flat_out) < 1 or (len(flat_out) == 1 and flat_out[0] is None):
        raise RuntimeError(f"{api}: Expected f to be a function that has non-empty output "
                           f"(got output = {flat_out})")
    for o in flat_out:
        if not isinstance(o, Tensor):
            raise RuntimeError(f"{api}: expected f(*primals) to return only tensors, got "
                               f"unsupported type {type(o)}")


def vjp(func: Callable, *primals, has_aux: bool = False):
    """``(func(*primals), vjp_fn)``, with ``vjp_fn(v) = v^T J`` (a tuple, one per primal)."""
    out, _, _, raw_vjp_fn, aux, _, inner = _vjp(func, primals, None, has_aux)

    def vjp_fn(cotangents, retain_graph: bool = True, create_graph: bool | None = None):
        grads, pspec = raw_vjp_fn(cotangents, retain_graph, create_graph)
        return _unflatten([_unwrap(g, inner) for g in grads], pspec)

    out = _unwrap_tree(out, inner)
    return (out, vjp_fn, aux) if has_aux else (out, vjp_fn)


def jacrev(func: Callable, argnums: int | tuple[int, ...] = 0, *, has_aux: bool = False,
           chunk_size: int | None = None, _preallocate_and_copy: bool = False) -> Callable:
    """``f -> (args -> Jacobian)`` by reverse mode: one VJP per output element."""
    if not (chunk_size is None or chunk_size > 0):
        raise ValueError("jacrev: `chunk_size` should be greater than 0.")

    @functools.wraps(func)
    def wrapper(*args):
        from .ops import stack

        _, flat_out, out_spec, raw_vjp_fn, aux, flat_in, inner = _vjp(
            func, args, argnums, has_aux)
        rows: list[list] = [[] for _ in flat_in]  # rows[j]: all output elements, input j
        for i, o in enumerate(flat_out):
            for k in range(o.numel()):
                cot = [Tensor._make(np.zeros_like(p._data)) for p in flat_out]
                cot[i]._data.reshape(-1)[k] = 1
                grads, pspec = raw_vjp_fn(_unflatten(cot, out_spec))
                for j, g in enumerate(grads):
                    rows[j].append(g)
        per_output = []
        start = 0
        for o in flat_out:
            n = o.numel()
            jac_ins = [_unwrap(stack(r[start:start + n]).view(o.shape + x.shape), inner)
                       if n else Tensor._make(np.zeros(o.shape + x.shape, x._data.dtype))
                       for r, x in zip(rows, flat_in, strict=False)]
            start += n
            jac_ins = _unflatten(jac_ins, pspec)
            per_output.append(jac_ins)
        result = _unflatten(per_output, out_spec)
        return (result, aux) if has_aux else result

    return wrapper


# jvp / jacfwd ----------------------------------------------------------------------------

_JVP = "jvp(f, primals, tangents)"


def jvp(func: Callable, primals: Any, tangents: Any, *, strict: bool = False,
        has_aux: bool = False):
    """``(func(*primals), J @ tangents)`` by forward mode (dual tensors)."""
    return _jvp(func, primals, tangents, None, strict=strict, has_aux=has_aux)


def _jvp(func, primals, tangents, argnums, *, strict: bool, has_aux: bool):
    if not isinstance(primals, tuple):
        raise RuntimeError(f"{_JVP}: Expected primals to be a tuple. E.g. it should be valid to "
                           "call f(*primals).")
    diff_args = primals if argnums is None else _slice_argnums(primals, argnums)
    flat_primals, pspec = _flatten(diff_args)
    flat_tangents, tspec = _flatten(tangents)
    if pspec != tspec:
        raise RuntimeError(
            f"{_JVP}: Expected primals and tangents to have the same python structure. For "
            "example, if primals is a tuple of 3 tensors, tangents also must be. Got primals "
            f"with structure {_tree_repr(pspec)} and tangents with structure {_tree_repr(tspec)}")
    for name, flat in (("primals", flat_primals), ("tangents", flat_tangents)):
        if not flat:
            raise RuntimeError(f"{_JVP}: Expected {name} to contain at least one Tensor.")
        for x in flat:
            if not isinstance(x, Tensor):
                raise RuntimeError(f"{_JVP}: Expected {name} to only contain Tensors, got "
                                   f"{type(x)}")
    if forward_ad._current_level >= 0:  # already inside forward mode: use reverse mode
        return _jvp_double_backward(func, primals, flat_primals, flat_tangents, pspec,
                                    argnums, strict, has_aux)
    with forward_ad.dual_level():
        duals = [forward_ad.make_dual(p, t)
                 for p, t in zip(flat_primals, flat_tangents, strict=False)]
        args = _unflatten(duals, pspec)
        if argnums is not None:
            args = _replace_args(primals, args, argnums)
        out = func(*args)
        aux = None
        if has_aux:
            out, aux = _split_aux(out)
        flat_out, spec = _flatten(out)
        _check_tensor_outputs(flat_out, _JVP)
        p_out, t_out = [], []
        for dual in flat_out:
            primal, tangent = forward_ad.unpack_dual(dual)
            if tangent is None:
                if strict:
                    raise RuntimeError(
                        "jvp(f, primals, tangents, strict=True): The output of f is independent "
                        "of the inputs. This is not allowed with strict=True.")
                tangent = Tensor._make(np.zeros_like(primal._data))
            p_out.append(forward_ad._alias(dual, "AliasBackward0") if dual.requires_grad
                         else primal.detach())
            t_out.append(tangent)
    result = (_unflatten(p_out, spec), _unflatten(t_out, spec))
    return (*result, aux) if has_aux else result


def _split_aux(out):
    if not (isinstance(out, tuple) and len(out) == 2):
        raise RuntimeError(f"{_JVP}: output of function f should be a tuple: (output, aux) if "
                           "has_aux is True")
    out, aux = out
    return out, _unwrap_tree(aux, set())


def _jvp_double_backward(func, primals, flat_primals, flat_tangents, pspec, argnums, strict,
                         has_aux):
    """``J v`` as the derivative of the (linear) map ``u -> u^T J`` in direction ``v``."""
    with enable_grad():
        flat = [_make_differentiable(p) for p in flat_primals]
        args = _unflatten(flat, pspec)
        if argnums is not None:
            args = _replace_args(primals, args, argnums)
        out = func(*args)
        aux = None
        if has_aux:
            out, aux = _split_aux(out)
        flat_out, spec = _flatten(out)
        _check_tensor_outputs(flat_out, _JVP)
        if strict and not any(o.requires_grad for o in flat_out):
            raise RuntimeError(
                "jvp(f, primals, tangents, strict=True): The output of f is independent of the "
                "inputs. This is not allowed with strict=True.")
        us = [Tensor._make(np.zeros_like(o._data), None, True) for o in flat_out]
        g = _grads(flat_out, flat, us, retain_graph=True)
        t_out = _grads(g, us, flat_tangents, retain_graph=True)
        inner = _inner_nodes(flat + us)
        result = (_unflatten([_unwrap(o, inner) for o in flat_out], spec),
                  _unflatten([_unwrap(t, inner) for t in t_out], spec))
    return (*result, aux) if has_aux else result


def jacfwd(func: Callable, argnums: argnums_t = 0, has_aux: bool = False, *,
           randomness: str = "error") -> Callable:
    """``f -> (args -> Jacobian)`` by forward mode: one JVP per input element."""

    @functools.wraps(func)
    def wrapper(*args):
        from .ops import stack

        primals = _slice_argnums(args, argnums)
        flat_primals, pspec = _flatten(primals)
        numels = [p.numel() for p in flat_primals]
        columns = None
        aux = spec = None
        for j, n in enumerate(numels):
            for k in range(n):
                basis = [Tensor._make(np.zeros_like(q._data)) for q in flat_primals]
                basis[j]._data.reshape(-1)[k] = 1
                res = _jvp(func, args, _unflatten(basis, pspec), argnums, strict=False,
                           has_aux=has_aux)
                if has_aux and aux is None:
                    aux = res[2]
                flat_t, spec = _flatten(res[1])
                if columns is None:
                    columns = [[] for _ in flat_t]
                for i, t in enumerate(flat_t):
                    columns[i].append(t)
        per_output = []
        for cols in columns:
            jac = stack(cols, dim=-1)  # output dims, then all input elements
            jac_ins, start = [], 0
            for p, n in zip(flat_primals, numels, strict=False):
                jac_ins.append(jac[..., start:start + n].reshape(jac.shape[:-1] + p.shape))
                start += n
            jac_ins = _unflatten(jac_ins, pspec)
            per_output.append(jac_ins[0] if isinstance(argnums, int) else jac_ins)
        result = _unflatten(per_output, spec)
        return (result, aux) if has_aux else result

    return wrapper


def hessian(func: Callable, argnums: argnums_t = 0) -> Callable:
    """``f -> (args -> Hessian)``: ``jacfwd(jacrev(f))``, forward over reverse."""
    return jacfwd(jacrev(func, argnums), argnums)


# vmap (a loop) -----------------------------------------------------------------------------

def vmap(func: Callable, in_dims=0, out_dims=0, randomness: str = "error", *,
         chunk_size: int | None = None) -> Callable:
    """A *loop*, not a vectorising transform: ``func`` runs once per batch entry and
    the results are stacked.  Same values as PyTorch's vmap for functions of Tensors
    (and tuples of Tensors); no speed-up."""

    @functools.wraps(func)
    def wrapper(*args):
        from .ops import stack

        dims = in_dims if isinstance(in_dims, tuple) else (in_dims,) * len(args)
        sizes = {a.shape[d] for a, d in zip(args, dims, strict=False) if d is not None}
        if len(sizes) != 1:
            raise ValueError("vmap: Expected all tensors to have the same size in the mapped "
                             f"dimension, got sizes {sorted(sizes)} for the mapped dimension")
        results = [func(*(a if d is None else a[(slice(None),) * d + (b,)]
                          for a, d in zip(args, dims, strict=True)))
                   for b in range(sizes.pop())]
        if isinstance(results[0], tuple):
            return tuple(stack([r[i] for r in results], dim=out_dims)
                         for i in range(len(results[0])))
        return stack(results, dim=out_dims)

    return wrapper


__all__ = ["grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian", "vmap"]
