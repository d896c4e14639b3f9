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
  trick instead (reverse mode, which the outer level's tangents flow through);
* ``vmap`` is a batching transform (``batching.py``): ``f`` runs once on
  BatchedTensors, whose every op computes the whole batch.  The graph and the
  tangents belong to the tensors under the wrappers, so the other transforms
  work inside vmap by unwrapping at their edges (``_grads``, ``_make_dual``).
  ``jacrev`` maps its VJP over the rows of the identity, ``jacfwd`` its JVP over
  the columns: a Jacobian, a Hessian or a nested Jacobian is a few batched passes.

Return conventions follow ``torch.func`` (they differ from
``autograd.functional``): ``vjp`` returns ``(output, vjp_fn)``, ``jvp`` takes
tuples of primals and tangents.  Inputs and outputs may be nested
tuples, lists and dicts of Tensors.
"""

from __future__ import annotations

import functools
import math
import warnings as _warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from . import _random, batching, grad_mode, rules
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
    """A fresh Tensor requiring grad standing for ``x`` (its tangent comes along).

    Inside ``vmap`` the fresh tensor is made under the wrappers (the graph holds
    whole batches), and batched at every level of the user's vmaps (broadcast where
    ``x`` is not): the gradient of a batch of outputs w.r.t. an input shared by the
    batch would be the sum over the batch, not the gradient of each example."""
    if not isinstance(x, Tensor):
        raise ValueError(f"Thing passed to transform API must be Tensor, got {type(x)}")
    if rules.VMAP[0]:
        sizes = {**dict(_USER_LEVELS), **batching.sizes_of(x)}
        lv = sorted(sizes, reverse=True)
        return batching.rewrapped(_fresh(batching.unbatched_like(x, lv, sizes)), lv)
    return _fresh(x)


def _fresh(x: Tensor) -> Tensor:
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
    if type(t) is batching.BatchedTensor:  # (what to detach is under the wrappers)
        return batching.rewrapped(_unwrap(batching.unwrapped(t), inner), batching.levels(t))
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
    A graph built with ``create_graph`` is kept: its gradients point into it.

    Inside ``vmap`` the graph is that of the tensors under the wrappers: each
    cotangent is put in the shape of its output's batch (broadcast over the levels it
    is not batched at), and each gradient is wrapped as its input is.  A batched
    cotangent (jacrev's rows) makes the VJP rules run on Tensors: they are batched."""
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    if rules.VMAP[0]:
        outputs, grad_outputs, in_levels = _under_wrappers(outputs, inputs, grad_outputs)
        inputs = [batching.unwrapped(x) for x in inputs]
        create_graph = create_graph or any(type(g) is batching.BatchedTensor
                                           for g in grad_outputs)
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs, strict=False) if o.requires_grad]
    result = [None] * len(inputs)
    if pairs:
        outs, gs = zip(*pairs, strict=False)
        result = list(_autograd_grad_fn(outs, inputs, gs,
                                        retain_graph=retain_graph or create_graph,
                                        create_graph=create_graph, allow_unused=True))
    result = [Tensor._make(np.zeros_like(x._data)) if g is None else g
              for g, x in zip(result, inputs, strict=False)]
    if rules.VMAP[0]:
        result = [batching.rewrapped(g, lv) for g, lv in zip(result, in_levels, strict=True)]
    return result


def _under_wrappers(outputs, inputs, grad_outputs):
    """The outputs, their cotangents and the inputs' levels, for ``_grads`` in vmap."""
    sizes: dict = {}
    for t in (*outputs, *grad_outputs):
        if t is not None:
            sizes.update(batching.sizes_of(t))
    gs = []
    for o, g in zip(outputs, grad_outputs, strict=True):
        lv = batching.levels(o)
        if g is None and lv:  # (a scalar's cotangent 1, for each example)
            g = Tensor._make(np.ones_like(o._data))
        elif g is not None:
            g = batching.unbatched_like(g, lv, sizes)
        gs.append(g)
    return ([batching.unwrapped(o) for o in outputs], gs,
            [batching.levels(x) for x in inputs])


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
    """``f -> (args -> Jacobian)`` by reverse mode: ``f`` runs once, then its VJP is
    mapped (``vmap``) over the rows of the identity, one per output element."""
    if not (chunk_size is None or chunk_size > 0):
        raise ValueError("jacrev: `chunk_size` should be greater than 0.")

    @functools.wraps(func)
    def wrapper(*args):
        _, flat_out, out_spec, raw_vjp_fn, aux, flat_in, inner = _vjp(
            func, args, argnums, has_aux)
        numels = [o.numel() for o in flat_out]
        rows, start = [], 0  # the identity's rows, cut into one cotangent per output
        for o, n in zip(flat_out, numels, strict=True):
            rows.append(_identity_part(sum(numels), start, o))
            start += n

        def vjp_of_row(*cotangents):
            return tuple(raw_vjp_fn(_unflatten(list(cotangents), out_spec))[0])

        if sum(numels):
            grads = _vmap(vjp_of_row, 0, 0, "error", chunk_size, user=False)(*rows)
        else:
            grads = [Tensor._make(np.zeros((0, *x.shape), x._data.dtype)) for x in flat_in]
        per_output, start = [], 0
        for o, n in zip(flat_out, numels, strict=True):
            jac_ins = [_unwrap(_rows(g, start, n).reshape(o.shape + x.shape), inner)
                       for g, x in zip(grads, flat_in, strict=True)]
            start += n
            per_output.append(_unflatten(jac_ins, _flatten(
                _slice_argnums(args, argnums, as_tuple=False))[1]))
        result = _unflatten(per_output, out_spec)
        return (result, aux) if has_aux else result

    return wrapper


def _rows(t: Tensor, start: int, n: int) -> Tensor:
    """``t[start:start + n]``; ``t`` itself when that is all of it (no slice to
    differentiate: its VJP would scatter into zeros as large as ``t``)."""
    return t if start == 0 and n == t.shape[0] else t[start:start + n]


def _identity_part(total: int, start: int, like: Tensor) -> Tensor:
    """Rows ``start .. start + like.numel()`` of the columns of the ``total`` x ``total``
    identity, shaped ``(total, *like.shape)``: one basis vector per row."""
    n = like.numel()
    e = np.zeros((total, *like.shape), like._data.dtype)  # (zeros: pages mapped on use)
    e.reshape(-1)[np.arange(start, start + n) * n + np.arange(n)] = 1
    return Tensor._make(e)


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
        duals = [_make_dual(p, t) for p, t in zip(flat_primals, flat_tangents, strict=False)]
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
            lv = batching.levels(dual)  # (inside vmap the tangents are under the wrappers)
            dual = batching.unwrapped(dual)
            primal, tangent = forward_ad.unpack_dual(dual)
            if tangent is None:
                if strict:
                    raise RuntimeError(
                        "jvp(f, primals, tangents, strict=True): The output of f is independent "
                        "of the inputs. This is not allowed with strict=True.")
                tangent = Tensor._make(np.zeros_like(primal._data))
            p_out.append(batching.rewrapped(
                forward_ad._alias(dual, "AliasBackward0") if dual.requires_grad
                else primal.detach(), lv))
            t_out.append(batching.rewrapped(tangent, lv))
    result = (_unflatten(p_out, spec), _unflatten(t_out, spec))
    return (*result, aux) if has_aux else result


def _make_dual(p: Tensor, t: Tensor) -> Tensor:
    """``make_dual``; inside vmap, of the tensors under ``p``'s wrappers."""
    if type(p) is not batching.BatchedTensor:
        return forward_ad.make_dual(p, t)
    lv = batching.levels(p)
    t = batching.unbatched_like(t, lv, batching.sizes_of(p))
    return batching.rewrapped(forward_ad.make_dual(batching.unwrapped(p), t), lv)


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
        us = [batching.rewrapped(Tensor._make(np.zeros_like(o._data), None, True),
                                 batching.levels(o)) for o in flat_out]
        g = _grads(flat_out, flat, us, retain_graph=True)
        t_out = _grads(g, us, flat_tangents, retain_graph=True)
        inner = _inner_nodes(flat + us)
        result = (_unflatten([_unwrap(o, inner) for o in flat_out], spec),
                  _unflatten([_unwrap(t, inner) for t in t_out], spec))
    return (*result, aux) if has_aux else result


def jacfwd(func: Callable, argnums: argnums_t = 0, has_aux: bool = False, *,
           randomness: str = "error") -> Callable:
    """``f -> (args -> Jacobian)`` by forward mode: its JVP mapped (``vmap``) over the
    columns of the identity, one per input element."""

    @functools.wraps(func)
    def wrapper(*args):
        primals = _slice_argnums(args, argnums)
        flat_primals, pspec = _flatten(primals)
        numels = [p.numel() for p in flat_primals]
        total = sum(numels)
        columns, start = [], 0
        for p, n in zip(flat_primals, numels, strict=True):
            columns.append(_identity_part(total, start, p))
            start += n
        spec = []

        def jvp_of_column(*tangents):
            res = _jvp(func, args, _unflatten(list(tangents), pspec), argnums, strict=False,
                       has_aux=has_aux)
            flat_t, out_spec = _flatten(res[1])
            spec.append(out_spec)
            return (tuple(flat_t), res[2]) if has_aux else tuple(flat_t)

        out = _vmap(jvp_of_column, 0, (0, None) if has_aux else 0, randomness, None,
                    user=False)(*columns)
        flat_t, aux = out if has_aux else (out, None)
        per_output = []
        for t in flat_t:  # (input elements, output dims): the input elements go last
            jac_ins, start = [], 0
            for p, n in zip(flat_primals, numels, strict=True):
                part = _rows(t, start, n)
                part = part.permute(*range(1, part.ndim), 0)
                jac_ins.append(part.reshape(t.shape[1:] + p.shape))
                start += n
            jac_ins = _unflatten(jac_ins, pspec)
            per_output.append(jac_ins[0] if isinstance(argnums, int) else jac_ins)
        result = _unflatten(per_output, spec[0])
        return (result, aux) if has_aux else result

    return wrapper


def hessian(func: Callable, argnums: argnums_t = 0) -> Callable:
    """``f -> (args -> Hessian)``: ``jacfwd(jacrev(f))``, forward over reverse."""
    return jacfwd(jacrev(func, argnums), argnums)


# vmap ---------------------------------------------------------------------------------------

_USER_LEVELS: list[tuple[int, int]] = []  # (level, batch size) of the user's running vmaps


def vmap(func: Callable, in_dims=0, out_dims=0, randomness: str = "error", *,
         chunk_size: int | None = None) -> Callable:
    """``func`` of one example -> the same function of a batch (along ``in_dims``).

    A transform, not a loop: ``func`` runs once, on :class:`batching.BatchedTensor`
    inputs, whose every op computes the whole batch at once (``batching.py``).
    ``in_dims``: an int for every input, or a tuple with one entry (an int, None
    for an input not mapped over, or a nested tuple) per input; ``out_dims``
    likewise for the outputs.  ``randomness``: "error" refuses random ops; with
    "different" each example draws its own sample, with "same" all share one (the
    rules of each kind of random op: ``_random_batch`` and the functions after it)."""
    if randomness not in ("error", "different", "same"):
        raise RuntimeError("Only allowed values for randomness are 'error', 'different', or "
                           f"'same'. Got {randomness}")
    return _vmap(func, in_dims, out_dims, randomness, chunk_size, user=True)


def _vmap(func, in_dims, out_dims, randomness, chunk_size, *, user: bool) -> Callable:
    name = getattr(func, "__name__", repr(func))

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if not args:
            raise ValueError(f"vmap({name})(<inputs>): got no inputs. Maybe you forgot to add "
                             "inputs, or you are trying to vmap over a function with no "
                             "inputs. The latter is unsupported.")
        if not isinstance(in_dims, (int, tuple)) or isinstance(in_dims, bool):
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): expected "
                             "`in_dims` to be int or a (potentially nested) tuple matching the "
                             f"structure of inputs, got: {type(in_dims)}.")
        flat_args, spec = _flatten(args)
        dims = _prefix_dims(in_dims, args, f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): "
                            "in_dims is not compatible with the structure of `inputs`. in_dims",
                            "inputs")
        sizes = []
        for x, d in zip(flat_args, dims, strict=True):
            if d is None:
                continue
            where = f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for "
            if not isinstance(x, Tensor):
                raise ValueError(where + f"an input but the input is of type {type(x)}. We "
                                 "cannot vmap over non-Tensor arguments, please use None as "
                                 "the respective in_dim")
            if not -x.ndim <= d < x.ndim:
                raise ValueError(where + f"some input, but that input is a Tensor of "
                                 f"dimensionality {x.ndim} so expected in_dim to satisfy "
                                 f"-{x.ndim} <= in_dim < {x.ndim}.")
            sizes.append(x.shape[d])
        if not sizes:
            raise ValueError("vmap: Expected at least one Tensor to vmap over")
        if len(set(sizes)) > 1:
            raise ValueError("vmap: Expected all tensors to have the same size in the mapped "
                             f"dimension, got sizes {sizes} for the mapped dimension")
        size = sizes[0]
        if chunk_size is not None and chunk_size < size:
            return _chunked(wrapper, flat_args, spec, dims, out_dims, size, chunk_size, kwargs)
        rules.VMAP[0] += 1
        level = rules.VMAP[0]  # (PyTorch's numbering: how deep the vmaps are nested)
        if user:
            _USER_LEVELS.append((level, size))
        _RANDOMNESS.append((level, size, randomness))
        _random.in_vmap[0] = _check_randomness
        try:
            batched = [x if d is None else batching.wrap(x, level, d % x.ndim)
                       for x, d in zip(flat_args, dims, strict=True)]
            out = func(*_unflatten(batched, spec), **kwargs)
            flat_out, out_spec = _flatten(out)
            odims = _prefix_dims(out_dims, out, f"vmap({name}, ..., out_dims={out_dims})"
                                 "(<inputs>): out_dims is not compatible with the structure of "
                                 "`outputs`. out_dims", "outputs")
            results = []
            for o, d in zip(flat_out, odims, strict=True):
                if not isinstance(o, Tensor) and d is not None:
                    raise ValueError(f"vmap({name}, ...): `{name}` must only return Tensors, "
                                     f"got type {type(o)}. Did you mean to set out_dims= to "
                                     "None for output?")
                if d is None:
                    if batching._at(o, level):
                        raise ValueError(f"vmap({name}, ...): `{name}` can not return a "
                                         "BatchedTensor when out_dim is None")
                    results.append(o)
                    continue
                o, bdim = batching.taken(o, level, size)  # (the batch where the ops left it)
                results.append(_moved(o, bdim, _dim(d, o.ndim)))
        finally:
            rules.VMAP[0] -= 1
            if user:
                _USER_LEVELS.pop()
            _RANDOMNESS.pop()
            if not _RANDOMNESS:
                _random.in_vmap[0] = None
        return _unflatten(results, out_spec)

    return wrapper


_RANDOMNESS: list[tuple[int, int, str]] = []  # (level, size, randomness) of running vmaps

# Random ops inside vmap ---------------------------------------------------------------
# PyTorch's rules (functorch's BatchRulesRandomness.cpp), applied at every running vmap
# from the innermost out.  "error" refuses any draw; "different" draws one sample per
# example: a single draw from the stream for the whole batch, its batch axes in front
# (outermost vmap's first); "same" draws one example's sample, shared by the batch.
# The kinds of op differ in what they do with batched and unbatched tensor arguments:
#
# * factories (rand, randn, randint, normal(number, number), dropout's mask): none;
# * randperm: one draw per example (a loop), not one of a batch;
# * *_like (rand_like, randn_like): the example of "same"; "different" expands;
# * pointwise (bernoulli, normal of tensors, multinomial): "same" refuses a batched
#   argument, "different" expands an unbatched one;
# * in place (uniform_, normal_, bernoulli_, exponential_, nn.init's): "different"
#   refuses an unbatched tensor; "same" draws one example and copies it to each.
#
# An in-place draw (and a *_like one) fills the tensor in the order of its memory, as
# ATen's kernels do: an in_dims=1 input's batch is the fastest-varying axis.

_ERROR_MODE = ("vmap: called random operation while in randomness error mode. Please either "
               "use the 'same' or 'different' randomness flags on vmap or perform the "
               "randomness operation out of vmap")
_SAME_BATCHED = ("Vmap does not currently support same randomness with a batched tensor "
                 "input. Please file an issue with functorch")
_DIFFERENT_INPLACE = ("vmap: Cannot ask for different inplace randomness on an unbatched "
                      "tensor. This will appear like same randomness. If this is necessary "
                      "for your usage, please file an issue with functorch.")


def _check_randomness() -> None:
    """Called by the samplers of ``_random`` for a draw no rule below allowed."""
    modes = {r for _, _, r in _RANDOMNESS}
    if "error" in modes:
        raise RuntimeError(_ERROR_MODE)
    if "different" in modes:
        raise NotImplementedError("minigrad's vmap(randomness='different'): a random op "
                                  "without a batching rule")


def _innermost_first():
    return sorted(_RANDOMNESS, reverse=True)


def _different() -> list[tuple[int, int]]:
    """(level, size) of the running vmaps with randomness="different", outermost first."""
    return sorted((lv, n) for lv, n, r in _RANDOMNESS if r == "different")


def _allowed(draw: Callable, *args):
    """``draw(*args)``, with ``_random``'s check of the randomness off."""
    check, _random.in_vmap[0] = _random.in_vmap[0], None
    try:
        return draw(*args)
    finally:
        _random.in_vmap[0] = check


def _batched(array, different) -> Tensor:
    """A draw (its leading axes those of the vmaps ``different``) as a batched Tensor."""
    t = array if isinstance(array, Tensor) else Tensor._make(array)
    return batching.rewrapped(t, [lv for lv, _ in reversed(different)])


def _random_batch(shape: tuple, draw: Callable) -> Tensor:
    """A factory's ``draw(shape)`` (a Tensor): one draw of a batch of samples."""
    for _, _, r in _innermost_first():
        if r == "error":
            raise RuntimeError(_ERROR_MODE)
    different = _different()
    return _batched(_allowed(draw, tuple(n for _, n in different) + tuple(shape)), different)


def _random_loop(draw: Callable) -> Tensor:
    """randperm's rule: ``draw()`` once per example, the innermost vmap's loop outside."""
    _random_batch((), lambda shape: None)  # (the checks)
    different = _different()

    def loop(levels):  # innermost first
        if not levels:
            return _allowed(draw)
        parts = [loop(levels[1:]) for _ in range(levels[0][1])]
        return np.stack(parts, axis=len(levels) - 1)

    return _batched(loop(different[::-1]), different)


def _as_batch(t, different) -> np.ndarray:
    """``t``'s data with the batch axes of the vmaps ``different`` in front, outermost
    first: expanded where ``t`` is not batched, its first example where it is batched
    but the vmap is not in ``different``."""
    if not isinstance(t, Tensor):
        return t
    data, levels, sizes = batching.unwrapped(t)._data, sorted(batching.levels(t)), dict(different)
    data = data[tuple(slice(None) if lv in sizes else 0 for lv in levels)]
    data = data[tuple(slice(None) if lv in levels else None for lv in sizes) + (...,)]
    return np.broadcast_to(data, tuple(sizes.values()) + tuple(t.shape))


def _random_pointwise(draw: Callable, *tensors) -> Tensor:
    """bernoulli, normal of tensors, multinomial: ``draw(*arrays)``, each tensor argument
    as an array with the batch axes of the "different" vmaps in front."""
    for lv, _, r in _innermost_first():
        if r == "error":
            raise RuntimeError(_ERROR_MODE)
        if r == "same" and any(batching._at_level(t, lv) for t in tensors):
            raise RuntimeError(_SAME_BATCHED)
    different = _different()
    return _batched(_allowed(draw, *(_as_batch(t, different) for t in tensors)), different)


def _random_like(x: Tensor, fill: Callable, dtype) -> Tensor:
    """rand_like, randn_like: a tensor laid out like ``x``'s example (or batch, for
    "different"; ``empty_like``), filled in place by ``fill(array)``."""
    for _, _, r in _innermost_first():
        if r == "error":
            raise RuntimeError(_ERROR_MODE)
    different = _different()
    out = _random.empty_like(_as_batch(x, different)).astype(dtype, copy=False)
    _allowed(fill, out)
    return _batched(out, different)


def _random_inplace(x: Tensor, fill: Callable, p=None, batched_rule: bool = False) -> tuple:
    """uniform_, normal_, bernoulli_, exponential_ (and nn.init's) on ``x`` inside vmap:
    ``fill(array)`` fills an array in place (``fill(array, p)``: bernoulli_'s p, as an
    array that broadcasts against it).  Returns what to write where: the tensor under
    x's wrappers, the values for its whole batch, and whether they are a sample per
    example (else "same" copied one example's to each).  ``batched_rule``: the op's
    rule is also PyTorch's rule for batched tensors (bernoulli_ of a number), which
    runs again at the innermost vmap for the batch under its wrapper: nested, that
    batch is not batched there, and "different" refuses it."""
    innermost = _innermost_first()[0]
    if batched_rule and innermost[2] == "different" and len(batching.levels(x)) > 1 \
            and batching._at_level(x, innermost[0]):
        raise RuntimeError(_DIFFERENT_INPLACE)
    copied = False  # (whether a "same" vmap inside has made x a copy of one example)
    for lv, _, r in _innermost_first():
        x_at = batching._at_level(x, lv) and not copied
        if r == "error":
            raise RuntimeError(_ERROR_MODE)
        if p is not None and r == "same" and batching._at_level(p, lv):
            raise RuntimeError(_SAME_BATCHED)
        if p is not None and batching._at_level(p, lv) and not x_at:
            raise RuntimeError(batching.incompatible_inplace("inplace bernoulli"))
        if r == "different" and not x_at:
            raise RuntimeError(_DIFFERENT_INPLACE)
        copied = copied or (r == "same" and x_at)
    kept = {lv for lv, _ in _different()}
    whole = batching.unwrapped(x)._data  # (x's levels, outermost first, then the example)
    x_levels = sorted(batching.levels(x))
    if set(x_levels) <= kept:  # (a sample per example: drawn in the order of x's memory)
        out = _random.empty_like(whole)
    else:  # ("same" somewhere: one sample there, copied to each of its examples)
        out = np.empty([n if lv in kept else 1 for lv, n in zip(x_levels, whole.shape,
                                                                strict=False)]
                       + list(x.shape), whole.dtype)
    if p is None:
        _allowed(fill, out)
    else:
        shape = [1 if lv not in kept else n for lv, n in zip(x_levels, whole.shape,
                                                             strict=False)]
        if isinstance(p, Tensor):
            p = _as_batch(p, [(lv, n) for lv, n in _different() if lv in x_levels]).reshape(
                shape + [1] * (x.ndim - p.ndim) + list(p.shape))
        _allowed(fill, out, p)
    return batching.unwrapped(x), np.broadcast_to(out, whole.shape), set(x_levels) <= kept


def _dim(d: int, ndim: int) -> int:
    from .ops import _dim as dim

    return dim(d, ndim)


def _moved(x: Tensor, src: int, dst: int) -> Tensor:
    """``x`` with its dim ``src`` moved to ``dst`` (both in range)."""
    if src == dst:
        return x
    order = [d for d in range(x.ndim) if d != src]
    order.insert(dst, src)
    return x.permute(*order)


def _prefix_dims(dims, tree, message: str, what: str) -> list:
    """One dim per leaf of ``tree``: ``dims`` is an int or None for a whole subtree, or a
    tuple/list/dict matching the subtree's structure (PyTorch's tree prefix)."""
    def match(dims, tree) -> list | None:
        if dims is None or isinstance(dims, int):
            return [dims] * len(_flatten(tree)[0])
        if isinstance(dims, dict):
            pairs = ([(dims[k], tree[k]) for k in tree]
                     if isinstance(tree, dict) and list(dims) == list(tree) else None)
        elif type(dims) is type(tree) and isinstance(dims, (tuple, list)):
            pairs = list(zip(dims, tree, strict=True)) if len(dims) == len(tree) else None
        else:
            pairs = None
        parts = None if pairs is None else [match(d, t) for d, t in pairs]
        return None if parts is None or None in parts else [d for p in parts for d in p]

    out = match(dims, tree)
    if out is None:
        raise ValueError(f"{message} has structure {_treespec_str(_flatten(dims)[1])} but "
                         f"{what} has structure {_treespec_str(_flatten(tree)[1])}.")
    return out


def _treespec_str(spec, depth: int = 1) -> str:
    """``str(TreeSpec)`` as PyTorch prints it: ``TreeSpec(tuple, None, [*,\n  *])``."""
    if spec is None:
        return "*"
    kind, keys, kids = spec
    inner = (",\n" + "  " * depth).join(_treespec_str(k, depth + 1) for k in kids)
    return f"TreeSpec({kind.__name__}, {keys if kind is dict else None}, [{inner}])"


def _chunked(mapped, flat_args, spec, dims, out_dims, size: int, chunk: int, kwargs):
    """``vmap(..., chunk_size=chunk)``: the batch in pieces of ``chunk``, then joined."""
    from .ops import cat

    pieces = []
    for start in range(0, size, chunk):
        piece = slice(start, start + chunk)
        part = [x if d is None else x[(slice(None),) * (d % x.ndim) + (piece,)]
                for x, d in zip(flat_args, dims, strict=True)]
        pieces.append(_flatten(mapped(*_unflatten(part, spec), **kwargs)))
    first, out_spec = pieces[0]
    odims = _prefix_dims(out_dims, _unflatten(first, out_spec), "", "")
    leaves = [first[i] if d is None else cat([p[0][i] for p in pieces], d)
              for i, d in enumerate(odims)]
    return _unflatten(leaves, out_spec)


_GET_ATTR_WARNING = (
    "Attempted to insert a get_attr Node with no underlying reference in the owning "
    "GraphModule! Call GraphModule.add_submodule to add the necessary submodule, "
    "GraphModule.add_parameter to add the necessary Parameter, or nn.Module.register_buffer "
    "to add the necessary buffer")


def linearize(func: Callable, *primals):
    """``(func(*primals), jvp_fn)``: ``jvp_fn(*tangents)`` is the JVP of ``func`` at
    ``primals`` (each call a forward-mode pass)."""
    out = func(*primals)
    for p in _flatten(primals)[0]:  # (PyTorch's: its const-folding of the traced JVP)
        if isinstance(p, Tensor):
            _warnings.warn(_GET_ATTR_WARNING, UserWarning, stacklevel=1)

    def jvp_fn(*tangents):
        return jvp(func, primals, tangents)[1]

    return out, jvp_fn


def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *,
                    tie_weights: bool = True, strict: bool = False):
    """``module(*args, **kwargs)`` with some of its parameters and buffers replaced by
    the tensors of ``parameter_and_buffer_dicts`` (names as in ``named_parameters``);
    the module is left as it was."""
    dicts = (parameter_and_buffer_dicts if isinstance(parameter_and_buffer_dicts, (list, tuple))
             else [parameter_and_buffer_dicts])
    given: dict = {}
    for d in dicts:
        repeated = [name for name in d if name in given]
        if repeated:
            raise ValueError(f"{repeated} appeared in multiple dictionaries; behavior of "
                             "functional call is ambiguous")
        given.update(d)
    own = [n for n, _ in module.named_parameters()] + [n for n, _ in module.named_buffers()]
    if strict:
        unexpected = sorted(set(given) - set(own))
        missing = sorted(set(own) - set(given))
        errors = ([f"\tUnexpected key(s): {', '.join(map(repr, unexpected))}."] if unexpected
                  else []) + ([f"\tMissing key(s): {', '.join(map(repr, missing))}."]
                             if missing else [])
        if errors:
            raise RuntimeError(f"Error(s) in reparametrizing for {type(module).__name__}:\n"
                               + "\n".join(errors))
    swapped = []  # (the store, the name, what it held)
    for name, tensor in given.items():
        *path, leaf = name.split(".")
        owner = module
        for part in path:
            owner = getattr(owner, part, None)
        for store in (getattr(owner, "_parameters", None), getattr(owner, "_buffers", None)):
            if store is not None and leaf in store:
                swapped.append((store, leaf, store[leaf]))
                store[leaf] = tensor
                break
    args = () if args is None else args if isinstance(args, tuple) else (args,)
    try:
        return module(*args, **(kwargs or {}))
    finally:
        for store, leaf, old in reversed(swapped):
            store[leaf] = old


# rearrange --------------------------------------------------------------------------------

def rearrange(tensor, pattern: str, **axes_lengths: int) -> Tensor:
    """einops' ``rearrange``, as PyTorch's own copy of it: ``"b (h w) c -> b c h w"``
    names the axes on each side, a parenthesised group being one axis made of several
    (``axes_lengths`` gives the sizes a split cannot infer).  It is a reshape that
    splits the groups, a permute, and a reshape that merges the new ones."""
    from . import ops

    if not isinstance(tensor, Tensor):
        tensor = ops.stack(list(tensor))
    left, right = (_axis_groups(side) for side in pattern.split("->"))
    if len(left) != tensor.ndim:
        raise ValueError(f"Number of dimensions in pattern ({len(left)}) must be equal to the "
                         f"number of dimensions in the tensor ({tensor.ndim})")
    sizes = dict(axes_lengths)
    for group, n in zip(left, tensor.shape, strict=True):
        unknown = [a for a in group if a not in sizes]
        if len(unknown) > 1:
            raise ValueError(f"Could not infer sizes for {set(unknown)}")
        known = math.prod(sizes[a] for a in group if a in sizes)
        if unknown:
            sizes[unknown[0]] = n // known
        if math.prod(sizes[a] for a in group) != n:
            raise ValueError(f"Shape mismatch, can't divide axis of length {n} in chunks of "
                             f"{known}")
    names = [a for group in left for a in group]
    x = ops.reshape(tensor, [sizes[a] for a in names])
    x = ops.permute(x, [names.index(a) for group in right for a in group])
    return ops.reshape(x, [math.prod(sizes[a] for a in group) for group in right])


def _axis_groups(side: str) -> list[list[str]]:
    """``"b (h w) c"`` -> ``[["b"], ["h", "w"], ["c"]]``."""
    groups, current = [], None
    for token in side.replace("(", " ( ").replace(")", " ) ").split():
        if token == "(":
            current = []
        elif token == ")":
            groups.append(current)
            current = None
        elif current is not None:
            current.append(token)
        else:
            groups.append([token])
    return groups


from ._functionalize import functionalize  # noqa: E402 (its own module)

__all__ = ["grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian", "vmap",
           "linearize", "functional_call", "rearrange", "functionalize"]
