"""How an answer is judged: one definition per exercise, used everywhere.

An :class:`Exercise` says what the student defines (``name``), how to draw a
random test case (``sample``: plain JSON arguments), and the right answer for
it (``reference``, computed by the trusted side with minigrad or NumPy).  The
same definition serves

* the notebook's visible check (``course.checks.check``, in the student's kernel),
* ``course check`` and the autograder (``grading``), which run the student's
  code in a sandbox, send it the arguments, and judge the plain-data answers
  here, outside the student's process.

Visible cases come from a seed derived from the exercise id; hidden cases from
a seed the instructor keeps (so students never see them).
"""

from __future__ import annotations

import importlib
import math
import pkgutil
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .. import drivers

#: The seed of hidden cases when no course secret is given (instructor notebooks, tests).
INSTRUCTOR_SEED = 20261122


@dataclass
class Exercise:
    id: str  # "nb01.central_difference" (its test cell's grade_id: see cell_id)
    name: str  # what the student defines: a function, a class or a value
    points: int
    sample: Callable[[np.random.Generator], list]  # one case: a list of encoded arguments
    reference: Callable  # the right answer, from the decoded arguments (trusted side)
    by_hand: bool = False  # minigrad's autograd is off-limits
    driver: str | None = None  # a driver in course.drivers runs the answer, if not a call
    rtol: float = 1e-6
    atol: float = 1e-9
    visible: int = 3
    hidden: int = 12
    edge_cases: list = field(default_factory=list)  # encoded cases always in the hidden set
    hint: str = ""
    mistakes: list = field(default_factory=list)  # (hint, reference of a typical mistake)
    signature: str = ""  # how the call reads in messages, e.g. "central_difference(f, x, h)"
    # When many answers are right (an order, an expression with a property), ``accept``
    # judges instead of comparing with ``reference``: accept(*args, answer) -> None when
    # right, else the reason.  ``reference`` then only shows one right answer.
    accept: Callable | None = None
    # Earlier exercises whose answers this one uses (a wrong one there can fail it too).
    builds_on: list = field(default_factory=list)

    @property
    def notebook(self) -> str:
        return self.id.split(".")[0]


EXERCISES: dict[str, Exercise] = {}


def cell_id(exercise_id: str, answer: bool = False) -> str:
    """The nbgrader grade_id of an exercise's test cell (or answer cell).

    nbgrader ids allow no dots: ``nb01.foo`` -> ``nb01-foo`` and ``nb01-foo-answer``.
    """
    return exercise_id.replace(".", "-") + ("-answer" if answer else "")


def exercise_id(grade_id: str) -> str:
    """The exercise id of a test or answer cell's grade_id (inverse of cell_id)."""
    return grade_id.removesuffix("-answer").replace("-", ".", 1)


def exercise(**kwargs) -> Exercise:
    """Define and register an exercise (see :class:`Exercise` for the fields)."""
    ex = Exercise(**kwargs)
    if ex.id in EXERCISES:
        raise ValueError(f"exercise {ex.id} is defined twice")
    EXERCISES[ex.id] = ex
    return ex


def dependents(exercise_id: str) -> set[str]:
    """The exercises that build on ``exercise_id``, directly or not."""
    load()
    found: set[str] = set()
    todo = [exercise_id]
    while todo:
        e = todo.pop()
        for ex in EXERCISES.values():
            if e in ex.builds_on and ex.id not in found:
                found.add(ex.id)
                todo.append(ex.id)
    return found


def load() -> dict[str, Exercise]:
    """Import every lesson module in this package (they register their exercises)."""
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
    return EXERCISES


def get(exercise_id: str) -> Exercise:
    if exercise_id not in EXERCISES:
        load()
    try:
        return EXERCISES[exercise_id]
    except KeyError:
        raise KeyError(f"no exercise called {exercise_id!r}") from None


def cases(ex: Exercise, hidden: bool = False, seed: int | None = None) -> list[list]:
    """The encoded argument lists of the visible or the hidden cases."""
    base = zlib.crc32(ex.id.encode())
    if not hidden:
        rng = np.random.default_rng(base)
        return [ex.sample(rng) for _ in range(ex.visible)]
    rng = np.random.default_rng([base, INSTRUCTOR_SEED if seed is None else seed])
    return [ex.sample(rng) for _ in range(ex.hidden)] + [list(c) for c in ex.edge_cases]


# Judging ---------------------------------------------------------------------------------

@dataclass
class Verdict:
    ok: bool
    status: str  # pass, wrong, error, timeout, memory, crashed
    message: str = ""


def expected(ex: Exercise, args: list):
    """The reference answer for encoded ``args``, as plain data."""
    return drivers.encode(ex.reference(*[drivers.decode(a) for a in args]))


def judge(ex: Exercise, args: list, received, *, status: str = "ok", error: str = "",
          message: str = "") -> Verdict:
    """Judge one answer (already plain data) to one case."""
    call = ex.signature or f"{ex.name}(...)"
    shown = describe(args)
    if status != "ok":
        if error == "NotImplementedError":
            return Verdict(False, "error", f"{call} is not written yet (it raises "
                                           "NotImplementedError): replace the stub.")
        what = {"timeout": "took too long", "memory": "ran out of memory",
                "crashed": "crashed the Python process"}.get(status)
        if what:
            return Verdict(False, status, f"{call} {what} on input {shown}.")
        return Verdict(False, "error", f"{call} raised {error}: {message}\n  input:    {shown}")
    want = expected(ex, args)
    if ex.accept is not None:
        try:
            problem = ex.accept(*[drivers.decode(a) for a in args], received)
        except Exception as exc:  # noqa: BLE001 (a malformed answer is simply not right)
            problem = f"the answer cannot be used ({type(exc).__name__}: {exc})"
    else:
        problem = difference(want, received, ex.rtol, ex.atol)
    if problem is None:
        return Verdict(True, "pass")
    hint = ex.hint
    for mistake_hint, wrong in ex.mistakes:
        try:
            typical = drivers.encode(wrong(*[drivers.decode(a) for a in args]))
        except Exception:  # noqa: BLE001 (a diagnosis that fails just does not apply)
            continue
        if difference(typical, received, ex.rtol, ex.atol) is None:
            hint = mistake_hint
            break
    lines = [f"{call} gives the wrong answer ({problem}).",
             f"  input:    {shown}",
             f"  expected: {_show(want)}",
             f"  received: {_show(received)}"]
    if hint:
        lines.append(f"  hint:     {hint}")
    return Verdict(False, "wrong", "\n".join(lines))


def difference(want, got, rtol: float, atol: float) -> str | None:
    """None when ``got`` matches ``want``; otherwise a short reason."""
    if isinstance(want, dict):
        if not isinstance(got, dict) or set(got) != set(want):
            return "expected a dict with keys " + ", ".join(sorted(want))
        for k in want:
            reason = difference(want[k], got[k], rtol, atol)
            if reason:
                return f"{k}: {reason}"
        return None
    if want is None or isinstance(want, bool):
        return None if got is want or (isinstance(got, bool) and got == want) else (
            f"expected {want}")
    try:
        w = np.asarray(want, dtype=np.float64)
    except ValueError:  # ragged: a tuple of differently shaped results
        if not isinstance(got, list) or len(got) != len(want):
            return f"expected {len(want)} results"
        for i, (a, b) in enumerate(zip(want, got, strict=True)):
            reason = difference(a, b, rtol, atol)
            if reason:
                return f"result {i}: {reason}"
        return None
    g = _numbers(got)
    if g is None:
        return "the answer is not a number or an array of numbers"
    if g.shape != w.shape:
        return f"shape {_shape(g)} instead of {_shape(w)}"
    finite = np.isfinite(w)
    if not np.array_equal(np.isfinite(g), finite) or not np.array_equal(
            np.isnan(g), np.isnan(w)):
        return "non-finite values (nan or inf) where they should not be"
    scale = np.maximum(np.abs(w[finite]), np.abs(g[finite]))
    if not np.all(np.abs(w[finite] - g[finite]) <= atol + rtol * scale):
        return "values differ"
    if not np.array_equal(w[~finite], g[~finite]):
        return "values differ"
    return None


def _numbers(x) -> np.ndarray | None:
    """``x`` as a float array, if it is made of plain numbers only."""
    if isinstance(x, bool) or x is None:
        return None
    if isinstance(x, (int, float)):
        return np.asarray(float(x))
    if not isinstance(x, list):
        return None
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (ValueError, TypeError):
        return None
    return arr if arr.dtype == np.float64 else None


def _shape(a: np.ndarray) -> str:
    return "()" if a.ndim == 0 else str(tuple(a.shape))


def _show(x) -> str:
    if isinstance(x, list):
        try:
            arr = np.asarray(x, dtype=np.float64)
        except (ValueError, TypeError):
            return "(" + ", ".join(_show(v) for v in x) + ")"
        return np.array2string(arr, precision=6, threshold=20, edgeitems=3,
                               separator=", ").replace("\n", "\n            ")
    if isinstance(x, float):
        return f"{x:.8g}" if math.isfinite(x) else str(x)
    return str(x)


def describe(args: list) -> str:
    """A short description of encoded arguments, for messages."""
    parts = []
    for a in args:
        if "fn" in a:
            parts.append(f"<the test function {a['fn']!r}>")
        elif "float" in a:
            parts.append(f"{a['float']:.6g}")
        elif "int" in a:
            parts.append(str(a["int"]))
        elif "array" in a:
            parts.append(_show(a["array"]))
        elif "tensor" in a:
            parts.append(f"tensor({_show(a['tensor'])}"
                         + (", requires_grad=True)" if a.get("requires_grad") else ")"))
        else:
            parts.append(_show(a.get("value")))
    return ", ".join(parts) if parts else "(no arguments)"


# Samplers for exercise definitions -------------------------------------------------------

def away_from(rng: np.random.Generator, low: float, high: float, avoid=(), margin=0.1,
              size=None):
    """Uniform draws in [low, high] at least ``margin`` away from the points ``avoid``."""
    while True:
        x = rng.uniform(low, high, size)
        if all(np.all(np.abs(np.asarray(x) - a) >= margin) for a in avoid):
            return x


def f(x: float) -> dict:
    return {"float": float(x)}


def arr(x) -> dict:
    return {"array": np.asarray(x, dtype=np.float64).tolist()}


def fn(name: str) -> dict:
    return {"fn": name}


def tensor(x, requires_grad: bool = False) -> dict:
    return {"tensor": np.asarray(x, dtype=np.float64).tolist(), "requires_grad": requires_grad,
            "dtype": "float64"}
