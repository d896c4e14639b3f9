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

The judging policy, applied to every exercise
----------------------------------------------

1. **Tolerances come from what the statement asks.**  Exact methods (autodiff, a
   closed form) are judged to a few float64 roundings.  A numerical method is
   judged by the error bound of the method at the step the statement names
   (truncation plus rounding); where a method needs a step, the statement gives
   it, or every reasonable step is accepted.
2. **float32 is accepted** (PyTorch's default dtype) wherever the statement does
   not demand float64 (``float32=False``), and judged at float32 precision
   (``FLOAT32_RTOL``, ``FLOAT32_ATOL`` on the scale of the answer).
3. **Any form of a number or an array is accepted**: lists, tuples, 0-d arrays,
   NumPy scalars, minigrad tensors (``drivers.encode``).
4. **Inputs**: an answer that changes its inputs in place when the statement asks
   for a result is wrong (``drivers.call``); one that must change them (an SGD
   step) is checked for identity and in-place change (its driver).
5. **By hand means no autodiff library**: NumPy and math only; minigrad, PyTorch
   and the like are stand-ins that raise ``drivers.BY_HAND`` in the notebook, in
   ``course check`` and in grading alike.  Earlier answers that may use minigrad
   keep it while they run (in grading, the instructor's answers stand in).
6. **Visible checks are as strong in kind as grading**: the visible cases
   (``visible_cases`` and random ones) cover every operation, shape class and
   edge case the statement names and the kinds of the hidden edge cases.
7. **Each exercise is judged on its own**: when an exercise fails and builds on
   an earlier one that fails too, grading judges it again with the instructor's
   answer to the earlier one in its place; if it passes then, it keeps its points
   and the feedback names the earlier answer as the cause.
8. **Feedback a student can act on**: the first failing case only, as code to
   paste (arrays in full, the test function's definition), expected and received
   (dict answers by field), the size of the difference against the tolerance,
   and the hint of the first (most specific) typical mistake it matches; the
   same words in the notebook, ``course check`` and the feedback page.

Two corpora hold each exercise to this: ``tests/wrong_answers`` (must fail every
path) and ``tests/right_answers`` (must get full marks on every path).
"""

from __future__ import annotations

import importlib
import math
import pkgutil
import sys
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
    # Encoded cases always in the visible set: together with the random ones they cover
    # every operation, shape class and edge case the statement names (the hidden edge
    # cases' kinds, with other numbers), so that the visible check is as strong in kind
    # as grading.
    visible_cases: list = field(default_factory=list)
    # Answers in float32 (PyTorch's default dtype) are accepted and judged at float32
    # precision unless the statement demands float64 (then False).
    float32: bool = True
    # atol is relative to the size of the answer (its largest entry): for exact methods
    # whose answers scale over many orders of magnitude from case to case.
    scaled_atol: bool = False
    # How a case reads as code a student can paste (``show(args) -> str``), when the
    # default (the call with its arguments written out in full) does not say it well.
    show: Callable | None = None
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
        return [list(c) for c in ex.visible_cases] + [ex.sample(rng) for _ in range(ex.visible)]
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
    shown = show_input(ex, args)
    if status != "ok":
        if error == "NotImplementedError":
            return Verdict(False, "error", f"{call} is not written yet (it raises "
                                           "NotImplementedError): replace the stub.")
        what = {"timeout": "took too long", "memory": "ran out of memory",
                "crashed": "crashed the Python process"}.get(status)
        if what:
            return Verdict(False, status, f"{call} {what} on this input.\n{shown}")
        if error == "AnswerError":  # an answer that cannot be judged (wrong type, too big)
            return Verdict(False, "error", f"{call}: {message}\n{shown}")
        return Verdict(False, "error", f"{call} raised {error}: {message}\n{shown}")
    want = expected(ex, args)
    decoded = None
    if ex.accept is not None:
        decoded = [drivers.decode(a) for a in args]
        try:
            problem = ex.accept(*decoded, plain(received))
        except Exception as exc:  # noqa: BLE001 (a malformed answer is simply not right)
            problem = f"the answer cannot be used ({type(exc).__name__}: {exc})"
    else:
        problem = difference(want, received, ex.rtol, ex.atol, ex.float32, ex.scaled_atol)
    if problem is None:
        return Verdict(True, "pass")
    hint = ex.hint
    for mistake_hint, wrong in ex.mistakes:
        try:
            typical = drivers.encode(wrong(*[drivers.decode(a) for a in args]))
        except Exception:  # noqa: BLE001 (a diagnosis that fails just does not apply)
            continue
        if difference(typical, received, ex.rtol, ex.atol, ex.float32,
                      ex.scaled_atol) is None:
            hint = mistake_hint
            break
    lines = [f"{call} gives the wrong answer: {problem}.", shown,
             _labelled("expected", want), _labelled("received", received)]
    if hint:
        lines.append(f"  hint:     {hint}")
    return Verdict(False, "wrong", "\n".join(lines))


# The tolerance of a float32 answer: float32 carries about 7 digits; a few dozen
# roundings in a row cost about 1e-6 relative, and an entry that cancels to near zero is
# compared on the scale of the whole answer.
FLOAT32_RTOL, FLOAT32_ATOL = 2e-5, 2e-6


def plain(x):
    """An encoded answer without its float32 marks."""
    if isinstance(x, dict):
        if set(x) == {drivers.LOW_PRECISION}:
            return x[drivers.LOW_PRECISION]
        return {k: plain(v) for k, v in x.items()}
    if isinstance(x, list):
        return [plain(v) for v in x]
    return x


def _low(x) -> bool:
    return isinstance(x, dict) and set(x) == {drivers.LOW_PRECISION}


def difference(want, got, rtol: float, atol: float, float32: bool = True,
               scaled_atol: bool = False) -> str | None:
    """None when ``got`` matches ``want``; otherwise a short reason (with the size of
    the difference).  A float32 ``got`` is judged at float32 precision if ``float32``;
    ``scaled_atol``: ``atol`` is relative to the largest entry of ``want``."""
    if isinstance(want, dict):
        if not isinstance(got, dict) or set(got) != set(want):
            return "expected a dict with keys " + ", ".join(sorted(want))
        for k in want:
            reason = difference(want[k], got[k], rtol, atol, float32, scaled_atol)
            if reason:
                return f"{k}: {reason}"
        return None
    low = False
    if _low(got):
        if not float32:
            return "the answer is float32; this exercise needs float64 precision"
        got, low = got[drivers.LOW_PRECISION], True
    if want is None or isinstance(want, bool):
        return None if got is want or (isinstance(got, bool) and got == want) else (
            f"expected {want}, received {_show(plain(got))}")
    try:
        w = np.asarray(want, dtype=np.float64)
    except ValueError:  # ragged: a tuple of differently shaped results
        if not isinstance(got, list) or len(got) != len(want):
            return f"expected {len(want)} results"
        for i, (a, b) in enumerate(zip(want, got, strict=True)):
            reason = difference(a, b, rtol, atol, float32, scaled_atol)
            if reason:
                return f"result {i + 1}: {reason}"
        return None
    if isinstance(got, list) and any(_low(v) for v in got):
        if not float32:
            return "the answer is float32; this exercise needs float64 precision"
        got, low = plain(got), True
    g = _numbers(got)
    if g is None:
        return "the answer is not a number or an array of numbers"
    if g.shape != w.shape:
        return f"shape {_shape(g)} instead of {_shape(w)}"
    finite = np.isfinite(w)
    if not np.array_equal(np.isfinite(g), finite) or not np.array_equal(
            np.isnan(g), np.isnan(w)):
        return "non-finite values (nan or inf) where they should not be"
    if not np.array_equal(w[~finite], g[~finite]):
        return "infinities of the wrong sign"
    scale = float(np.max(np.abs(w[finite]), initial=0.0))
    if scaled_atol:
        atol *= scale
    if low and (rtol or atol):
        rtol, atol = max(rtol, FLOAT32_RTOL), max(atol, FLOAT32_ATOL * max(scale, 1.0))
    wf, gf = w[finite], g[finite]
    err = np.abs(wf - gf)
    bad = err > atol + rtol * np.maximum(np.abs(wf), np.abs(gf))
    if not np.any(bad):
        return None
    k = int(np.argmax(np.where(bad, err, -1.0)))
    where = ""
    if w.ndim:
        index = tuple(int(i) for i in np.argwhere(finite)[k])
        where = f" at index {index[0] if len(index) == 1 else index}"
    tol = (f"allowed: {atol:.0e} + {rtol:.0e} x |value|" if rtol else f"allowed: {atol:.0e}"
           ) if (rtol or atol) else "the answer must be exact"
    count = f"{int(bad.sum())} of {w.size} values differ; the largest difference is " if (
        w.size > 1) else "it differs by "
    return (f"{count}{_num(float(err[k]))}{where} (expected {_num(float(wf[k]))}, received "
            f"{_num(float(gf[k]))}; {tol}" + (", float32" if low else "") + ")")


def _num(x: float) -> str:
    return f"{x:.6g}" if math.isfinite(x) else str(x)


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


WIDTH = 88  # message lines wrap here


def _show(x, indent: int = 12) -> str:
    """An answer or an argument in full, as Python a student can read and paste."""
    pad = "\n" + " " * indent
    if _low(x):
        return _show(x[drivers.LOW_PRECISION], indent) + "  (float32)"
    if isinstance(x, dict):
        return pad.join(f"{k} = {_show(v, indent + len(k) + 3)}" for k, v in x.items())
    if isinstance(x, list):
        try:
            arr = np.asarray(x, dtype=np.float64)
        except (ValueError, TypeError):
            return "(" + ", ".join(_show(v, indent + 1) for v in x) + ")"
        if arr.ndim == 0:
            return _show(float(arr))
        text = np.array2string(arr, separator=", ", threshold=sys.maxsize,
                               formatter={"float_kind": lambda v: repr(float(v))},
                               max_line_width=max(WIDTH - indent, 40))
        return text.replace("\n", pad)
    if isinstance(x, float):
        return repr(x) if math.isfinite(x) else f"float({str(x)!r})"
    return repr(x) if isinstance(x, str) else str(x)


def _labelled(label: str, value) -> str:
    return f"  {label + ':':<9} {_show(value)}"


def argument_code(a: dict, indent: int = 12) -> str:
    """One encoded argument as Python (``np.array([...])`` in full, ``torch.tensor``)."""
    if "fn" in a:
        return a["fn"]
    if "float" in a:
        return repr(float(a["float"]))
    if "int" in a:
        return str(a["int"])
    if "array" in a:
        return "np.array(" + _show(a["array"], indent + 9) + ")"
    if "tensor" in a:
        return ("torch.tensor(" + _show(a["tensor"], indent + 13)
                + f", dtype=torch.{a.get('dtype', 'float64')}"
                + (", requires_grad=True)" if a.get("requires_grad") else ")"))
    return repr(a.get("value"))


def show_input(ex: Exercise, args: list) -> str:
    """The case as code a student can paste to reproduce it (message lines)."""
    if ex.show is not None:
        return "\n".join("  " + line for line in ex.show(*args).splitlines())
    lines = []
    for a in args:
        if "fn" in a:
            source = drivers.function_source(a["fn"])
            if source:
                lines.append(f"  where:    {a['fn']} = {source}")
    label, head = ("call:", f"{ex.name}(") if ex.driver is None else ("input:", "(")
    code = head + ", ".join(argument_code(a) for a in args) + ")"
    if len(code) + 12 > WIDTH or "\n" in code:  # one argument a line
        code = head + ",".join("\n              " + argument_code(a, 14) for a in args) + ")"
    return "\n".join([f"  {label:<9} {code}", *lines])


def describe(args: list) -> str:
    """The encoded arguments as Python, comma-separated (for messages)."""
    return ", ".join(argument_code(a) for a in args) if args else "(no arguments)"


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
