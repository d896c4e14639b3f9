"""What runs beside the student's code: turning plain data into arguments, and
a student's answer back into plain data.

This module runs inside the student's process (the notebook kernel for the
visible checks, the grading sandbox for hidden ones), so it trusts nothing it
gets back: answers cross the boundary only as JSON numbers and arrays.  It
imports NumPy only; minigrad is imported on demand, for exercises whose
arguments are tensors (never for exercises that ask for a derivative by hand,
which the sandbox runs with minigrad blocked).

An argument is encoded as a small dict:

* ``{"float": 1.5}``, ``{"int": 3}``, ``{"array": [[...]]}``
* ``{"tensor": [...], "requires_grad": true, "dtype": "float64"}``
* ``{"fn": "cubic"}``: one of the test functions below, by name
* ``{"value": <json>}``: any other JSON value, passed as is
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

# Test functions that exercises pass to students' code (e.g. a numerical
# derivative).  Each works on floats and on NumPy arrays.
TEST_FUNCTIONS: dict[str, Callable] = {
    "square": lambda x: x * x,
    "cubic": lambda x: x**3 - 2 * x,
    "sin": np.sin,
    "exp": np.exp,
    "poly": lambda x: 3 * x**2 - 4 * x,
    "wave": lambda x: np.sin(3 * x) * np.exp(-x * x / 4),
    "logistic": lambda x: 1 / (1 + np.exp(-x)),
    "bowl": lambda v: float(np.sum(np.asarray(v) ** 2)),
    "rosenbrock": lambda v: float((1 - v[0]) ** 2 + 100 * (v[1] - v[0] ** 2) ** 2),
    "saddle": lambda v: float(v[0] ** 2 - v[1] ** 2 + v[0] * v[1]),
    "counterexample": lambda v: (0.0 if v[0] == 0 and v[1] == 0
                                 else float(v[1] * v[0] ** 2 / (v[0] ** 2 + v[1] ** 2))),
}


class AnswerError(Exception):
    """The student's answer is not something we can judge (wrong type, too big)."""


MAX_ELEMENTS = 100_000


def decode(arg: dict):
    """A Python value from its JSON description."""
    if "float" in arg:
        return float(arg["float"])
    if "int" in arg:
        return int(arg["int"])
    if "array" in arg:
        return np.array(arg["array"], dtype=np.float64)
    if "tensor" in arg:
        import minigrad

        return minigrad.tensor(arg["tensor"], dtype=getattr(minigrad, arg.get("dtype", "float64")),
                               requires_grad=bool(arg.get("requires_grad", False)))
    if "fn" in arg:
        return TEST_FUNCTIONS[arg["fn"]]
    if "value" in arg:
        return arg["value"]
    raise ValueError(f"unknown argument encoding: {sorted(arg)}")


def encode(answer):
    """Plain JSON data from a student's answer: numbers, (nested) lists, None.

    Tensors and arrays become nested lists of floats; everything is coerced
    with ``float()``, so an object that lies in ``__eq__`` is judged by the
    number it converts to.  Tuples and lists are encoded element-wise.
    """
    if answer is None:
        return None
    if isinstance(answer, bool):
        return bool(answer)
    if type(answer).__name__ == "Tensor" or hasattr(answer, "detach"):
        answer = answer.detach().numpy() if hasattr(answer, "detach") else answer
    if isinstance(answer, (list, tuple)):
        if len(answer) > MAX_ELEMENTS:
            raise AnswerError("the answer is too large")
        if answer and all(isinstance(a, (int, float, np.number)) and not isinstance(a, bool)
                          for a in answer):
            return [float(a) for a in answer]
        return [encode(a) for a in answer]
    if isinstance(answer, dict):
        return {str(k): encode(v) for k, v in answer.items()}
    try:
        arr = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise AnswerError(f"expected a number or an array, got {type(answer).__name__}") from exc
    if arr.size > MAX_ELEMENTS:
        raise AnswerError("the answer is too large")
    if arr.ndim == 0:
        return float(arr)
    return arr.tolist()


def call(namespace: dict, name: str, args: list, driver: str | None = None):
    """Call the student's ``name`` from ``namespace`` on decoded ``args``."""
    if driver is not None:
        return encode(DRIVERS[driver](namespace, *[decode(a) for a in args]))
    if name not in namespace:
        raise AnswerError(f"`{name}` is not defined: run the cell that defines it")
    target = namespace[name]
    if not callable(target):
        return encode(target)
    return encode(target(*[decode(a) for a in args]))


# Drivers: exercises whose answer is more than one function call (a class, a
# training loop) name a driver, which exercises the student's code on the inputs.
DRIVERS: dict[str, Callable] = {}


def driver(fn: Callable) -> Callable:
    DRIVERS[fn.__name__] = fn
    return fn


def finite(x) -> bool:
    return all(math.isfinite(v) for v in np.asarray(x, dtype=np.float64).reshape(-1))
