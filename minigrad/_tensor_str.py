"""How a tensor prints: a port of PyTorch 2.13's ``torch/_tensor_str.py`` to NumPy.

``tensor_repr`` returns exactly the text ``repr(torch_tensor)`` would, given the
tensor's data as a NumPy array.  The rules, in the order they are applied:

* **Layout.**  The text opens with ``tensor(``; a row of a nested tensor is
  indented by that prefix's length plus one per level of nesting.  Rows of a
  k-d tensor are separated by ``,``, then k-1 newlines, then the indent.
* **One format and one width for every element**, chosen by ``_Formatter``:

  - Integers and bools print as ``str(value)``, so ``[ True, False]``.
  - For floats only the *non-zero finite* elements are looked at (nan, inf
    and zeros never change the format or the width).  If all of them are
    integral the tensor is in int mode and prints ``'{:.0f}'`` plus a ``.``
    (``tensor([0., 1.])``); otherwise it prints ``precision`` (4) decimals.
  - Scientific notation (``'{:.4e}'``) is used when, on the absolute values
    widened to float64, max / min > 1000, max > 1e8 or min < 1e-4 (all
    strict).  So float32 ``1e-4``, which is slightly below 1e-4, prints
    ``tensor(1.0000e-04)``.
  - Every element is right-aligned to the widest formatted element.

* **Wrapping.**  A row holds ``(linewidth - indent) // (width + 2)`` elements
  (at least one); the rest wraps onto indented lines.
* **Summarising.**  A tensor with more than ``threshold`` (1000) elements shows
  only ``edgeitems`` (3) items at each end of every dimension, with ``...``
  between; the width then comes from those edge items only.
* **Suffixes**, in this order: ``size=(...)`` for empty tensors that are not
  1-d; ``dtype=torch.xxx`` unless the dtype is the default float dtype, int64
  or bool (for empty tensors: unless it is the default float dtype); then
  ``grad_fn=<Name>``, or else ``requires_grad=True``.  Each suffix follows
  ``, `` or, when the line would grow past ``linewidth``, a newline and the
  indent.

``set_printoptions``, ``get_printoptions`` and ``printoptions`` change the
numbers above exactly as their PyTorch namesakes do.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
from collections.abc import Iterator
from typing import Any

import numpy as np

__all__ = ["get_printoptions", "printoptions", "set_printoptions", "tensor_repr"]


@dataclasses.dataclass
class _PrintOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


PRINT_OPTS = _PrintOptions()

_PROFILES: dict[str, dict[str, Any]] = {
    "default": {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80},
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
    "full": {"precision": 4, "threshold": math.inf, "edgeitems": 3, "linewidth": 80},
}


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """Set the print options; arguments left as None keep their value.

    ``profile`` ("default", "short" or "full") first resets the other four
    numbers.  ``sci_mode`` is always set, so leaving it out turns automatic
    scientific notation back on, as in PyTorch.
    """
    for name, value in _PROFILES.get(profile, {}).items():
        setattr(PRINT_OPTS, name, value)
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions() -> dict[str, Any]:
    """The current print options, as keyword arguments for ``set_printoptions``."""
    return dataclasses.asdict(PRINT_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs: Any) -> Iterator[None]:
    """Use ``set_printoptions(**kwargs)`` inside a ``with`` block only."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


class _Formatter:
    """Picks one format and one width for all the elements of a tensor."""

    def __init__(self, values: np.ndarray) -> None:
        self.floating = values.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        if not self.floating:
            self.width = max([1, *(len(str(v)) for v in values.ravel().tolist())])
            return
        flat = values.ravel()
        shown = flat[np.isfinite(flat) & (flat != 0)]
        if shown.size == 0:
            return
        magnitudes = np.abs(shown).astype(np.float64)
        smallest, largest = float(magnitudes.min()), float(magnitudes.max())
        self.int_mode = bool(np.all(shown == np.ceil(shown)))
        if PRINT_OPTS.sci_mode is None:
            self.sci_mode = (
                largest / smallest > 1000.0 or largest > 1.0e8 or smallest < 1.0e-4
            )
        else:
            self.sci_mode = PRINT_OPTS.sci_mode
        self.width = max(len(self._unpadded(v)) for v in shown.tolist())

    def _unpadded(self, value: float) -> str:
        if not self.floating:
            return str(value)
        if self.sci_mode:
            return f"{value:.{PRINT_OPTS.precision}e}"
        if self.int_mode:
            # The '.' marks the tensor as floating point; nan and inf need no mark.
            return f"{value:.0f}" + ("." if math.isfinite(value) else "")
        return f"{value:.{PRINT_OPTS.precision}f}"

    def format(self, value: float) -> str:
        return self._unpadded(value).rjust(self.width)


def _summarized_data(a: np.ndarray) -> np.ndarray:
    """The elements a summarised tensor shows (the width is taken from these)."""
    edge = PRINT_OPTS.edgeitems
    for axis, n in enumerate(a.shape):
        if n > 2 * edge:
            a = a.take(np.r_[0:edge, n - edge : n], axis=axis)
    return a


def _vector_str(a: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    edge = PRINT_OPTS.edgeitems
    per_line = max(1, (PRINT_OPTS.linewidth - indent) // (fmt.width + 2))
    if summarize and not edge:
        items = ["..."]
    elif summarize and len(a) > 2 * edge:
        head, tail = a[:edge].tolist(), a[-edge:].tolist()
        items = [fmt.format(v) for v in head] + [" ..."] + [fmt.format(v) for v in tail]
    else:
        items = [fmt.format(v) for v in a.tolist()]
    lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested_str(a: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    if a.ndim == 0:
        return fmt.format(a.item())
    if a.ndim == 1:
        return _vector_str(a, indent, summarize, fmt)
    edge = PRINT_OPTS.edgeitems
    if summarize and len(a) > 2 * edge:
        head = [_nested_str(row, indent + 1, summarize, fmt) for row in a[:edge]]
        tail = [
            _nested_str(row, indent + 1, summarize, fmt) for row in a[len(a) - edge :]
        ]
        rows = head + ["..."] + tail
    else:
        rows = [_nested_str(row, indent + 1, summarize, fmt) for row in a]
    separator = "," + "\n" * (a.ndim - 1) + " " * (indent + 1)
    return "[" + separator.join(rows) + "]"


def _tensor_str(a: np.ndarray, indent: int) -> str:
    summarize = a.size > PRINT_OPTS.threshold
    fmt = _Formatter(_summarized_data(a) if summarize else a)
    return _nested_str(a, indent, summarize, fmt)


def _add_suffixes(text: str, suffixes: list[str], indent: int) -> str:
    # PyTorch's estimate of the last line's length is 2 more than the truth
    # until a suffix starts a new line; kept so lines break where torch's do.
    last_line_len = len(text) - text.rfind("\n") + 1
    parts = [text]
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    return "".join(parts) + ")"


def tensor_repr(
    data: np.ndarray,
    dtype_name: str,
    *,
    requires_grad: bool = False,
    grad_fn_name: str | None = None,
    prefix: str = "tensor(",
    default_dtype_name: str = "float32",
    tangent: str | None = None,
) -> str:
    """The text PyTorch prints for a tensor holding ``data``.

    ``dtype_name`` is torch's name without ``torch.`` ("float32", "int64",
    ...); ``data`` must already have the matching NumPy dtype.  ``prefix`` may
    hold lines of its own, as in ``"Parameter containing:\\ntensor("``: only
    its last line counts for indentation.  ``default_dtype_name`` is the
    default float dtype, whose name is never printed.
    """
    data = np.asarray(data)
    indent = len(prefix) - prefix.rfind("\n") - 1
    suffixes = []
    if data.size == 0:
        # Nothing shows the dtype or shape, so they are printed explicitly.
        if data.ndim != 1:
            suffixes.append(f"size={tuple(data.shape)}")
        if dtype_name != default_dtype_name:
            suffixes.append(f"dtype=torch.{dtype_name}")
        body = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append(f"size={tuple(data.shape)}")
        if dtype_name not in (default_dtype_name, "int64", "bool"):
            suffixes.append(f"dtype=torch.{dtype_name}")
        body = _tensor_str(data, indent)
    if grad_fn_name is not None:
        suffixes.append(f"grad_fn=<{grad_fn_name}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")
    if tangent is not None:  # a dual tensor (forward-mode AD)
        suffixes.append(f"tangent={tangent}")
    return _add_suffixes(prefix + body, suffixes, indent)
