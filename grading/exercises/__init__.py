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
import pkgutil
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from course import drivers, judging
from course.judging import (  # noqa: F401 (the judging words, used by the lesson modules)
    FLOAT32_ATOL,
    FLOAT32_RTOL,
    WIDTH,
    Verdict,
    argument_code,
    difference,
    plain,
)

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
    # When many answers are right (an order, a tolerance per entry, an expression with a
    # property), a checker of ``course.checkers`` (by name) judges instead of comparing
    # with ``reference`` (which then gives one right answer); ``accept_data(*args)`` is
    # what it needs beyond that answer (plain data, e.g. a tolerance per entry).
    accept: str | None = None
    accept_data: Callable | None = None
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

def rule(ex: Exercise) -> judging.Rule:
    """The plain-data part of ``ex``: what judging needs besides the case."""
    keep = tuple(get(d).name for d in ex.builds_on if not get(d).by_hand) if ex.by_hand else ()
    return judging.Rule(ex.id, ex.name, ex.signature, ex.driver, ex.by_hand, keep, ex.rtol,
                        ex.atol, ex.float32, ex.scaled_atol, ex.hint, ex.accept)


def expected(ex: Exercise, args: list):
    """The reference answer for encoded ``args``, as plain data."""
    return drivers.encode(ex.reference(*[drivers.decode(a) for a in args]))


def checker_data(ex: Exercise, args: list):
    """What the checker of ``ex`` needs beyond the expected answer (plain data)."""
    if ex.accept_data is None:
        return None
    return ex.accept_data(*[drivers.decode(a) for a in args])


def mistake_answers(ex: Exercise, args: list):
    """(hint, a function giving that typical mistake's answer to ``args``), in order."""
    def answer(wrong):
        return lambda: drivers.encode(wrong(*[drivers.decode(a) for a in args]))

    return [(hint, answer(wrong)) for hint, wrong in ex.mistakes]


def judge(ex: Exercise, args: list, received, *, status: str = "ok", error: str = "",
          message: str = "") -> Verdict:
    """Judge one answer (already plain data) to one case: the students' side's words
    (``course.judging``), with the data computed here from the references."""
    shown = show_input(ex, args)
    if status != "ok":
        return judging.verdict(rule(ex), args, shown, None, received, status=status,
                               error=error, message=message)
    return judging.verdict(rule(ex), args, shown, expected(ex, args), received,
                           data=checker_data(ex, args), mistakes=mistake_answers(ex, args))


def show_input(ex: Exercise, args: list) -> str:
    """The case as code a student can paste to reproduce it (message lines)."""
    if ex.show is not None:
        return "\n".join("  " + line for line in ex.show(*args).splitlines())
    return judging.show_call(rule(ex), args)


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
