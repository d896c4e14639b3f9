"""The two answer corpora, through every path a verdict takes.

``tests/wrong_answers/nbNN.py`` (``WRONG``) holds typical mistakes and
``tests/right_answers/nbNN.py`` (``RIGHT``) alternative correct answers
(another algorithm, a loop instead of a vectorised expression, float32, list
returns), each written as a student would write it, one module per lesson:
exercise id -> {what it is: answer-cell code}.

Every answer is judged three ways, and all three must agree:

* the notebook's visible check (``course.checks.check``), in a namespace built
  as a student's kernel is: the setup cell, the lesson's imports and helpers,
  the instructor's answers to the exercises before it, then the answer;
* ``course check`` (the visible cases, in the sandbox);
* grading (the hidden cases, in the sandbox).

A wrong answer must fail all three, a right one pass all three with full marks.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import importlib
import io
from pathlib import Path

import nbformat
import pytest

from course import checks
from grading import exercises, judge

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = {p.stem.split("_")[0]: p for p in sorted((ROOT / "notebooks").glob("nb*/nb*.ipynb"))}
_loaded: dict[str, nbformat.NotebookNode] = {}


def _notebook(eid: str) -> nbformat.NotebookNode:
    name = eid.split(".")[0]
    if name not in _loaded:
        _loaded[name] = nbformat.read(NOTEBOOKS[name], as_version=4)
    return _loaded[name]


def _corpus(kind: str):
    for path in sorted((ROOT / "tests" / kind).glob("nb*.py")):
        module = importlib.import_module(f"tests.{kind}.{path.stem}")
        table = module.WRONG if kind == "wrong_answers" else module.RIGHT
        for eid, answers in table.items():
            for label, code in answers.items():
                yield pytest.param(eid, code, id=f"{eid}-{label}")


WRONG = list(_corpus("wrong_answers"))
RIGHT = list(_corpus("right_answers"))


def _with_answer(eid: str, code: str) -> nbformat.NotebookNode:
    nb = copy.deepcopy(_notebook(eid))
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == exercises.cell_id(eid, True):
            cell.source = code
            return nb
    raise AssertionError(f"no answer cell for {eid}")


def kernel_check(eid: str, code: str) -> str | None:
    """The notebook's visible check of ``code``, run as in a student's kernel: None when
    it passes, else its message."""
    nb = _with_answer(eid, code)
    namespace: dict = {"__name__": "__main__"}
    target = exercises.cell_id(eid, answer=True)
    with contextlib.redirect_stdout(io.StringIO()):
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            gid = meta.get("grade_id", "")
            if cell.cell_type != "code" or meta.get("grade"):
                continue
            if meta.get("solution") or gid.endswith("setup"):
                exec(compile(cell.source, f"<{gid}>", "exec"), namespace)
                if gid == target:
                    break
            else:  # a lesson cell: its imports and definitions, as the kernel has them
                for stmt in judge.lesson_statements(cell.source):
                    with contextlib.suppress(Exception):
                        exec(compile(stmt, "<lesson>", "exec"), namespace)
        try:
            checks.check(eid, namespace)
        except AssertionError as exc:
            return str(exc)
        except Exception as exc:  # noqa: BLE001 (a stub's NotImplementedError, for one)
            return f"{type(exc).__name__}: {exc}"
    return None


def graded(eid: str, code: str, hidden: bool) -> judge.ExerciseResult:
    """``course check`` (hidden=False) or grading (hidden=True) of one answer."""
    path = NOTEBOOKS[eid.split(".")[0]]
    spec = judge.spec_from(_notebook(eid), None, path.stem)
    spec = dataclasses.replace(spec, tests={eid: spec.tests[eid]})
    result = judge.grade(spec, nbformat.writes(_with_answer(eid, code)).encode(),
                         hidden=hidden, selfcheck=not hidden)
    (verdict,) = result.exercises
    return verdict


@pytest.mark.parametrize(("eid", "code"), WRONG)
def test_a_wrong_answer_fails_the_visible_check_course_check_and_grading(eid, code):
    assert kernel_check(eid, code) is not None, "the notebook's visible check passes it"
    visible = graded(eid, code, hidden=False)
    assert visible.status != "pass" and visible.message, "course check passes it"
    hidden = graded(eid, code, hidden=True)
    assert hidden.status != "pass" and hidden.points == 0 and hidden.message


@pytest.mark.parametrize(("eid", "code"), RIGHT)
def test_a_right_answer_passes_the_visible_check_course_check_and_grading(eid, code):
    message = kernel_check(eid, code)
    assert message is None, message
    visible = graded(eid, code, hidden=False)
    assert visible.status == "pass", visible.message
    hidden = graded(eid, code, hidden=True)
    assert hidden.status == "pass" and hidden.points == hidden.max_points, hidden.message


def test_every_exercise_has_five_wrong_and_two_right_answers():
    registered = exercises.load()
    wrong = {eid: sum(p.values[0] == eid for p in WRONG) for eid in registered}
    right = {eid: sum(p.values[0] == eid for p in RIGHT) for eid in registered}
    assert {e: n for e, n in wrong.items() if n < 5} == {}
    assert {e: n for e, n in right.items() if n < 2} == {}


def _run_notebook_with(eid: str, code: str) -> list[str]:
    """Run the whole notebook in this process with ``code`` as the answer of ``eid``
    (the instructor's answers elsewhere), as a student's "Run All" would after the
    checks: every lesson and demo cell after the answer too.  The errors, by cell."""
    import matplotlib

    from course import drivers

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    nb = _with_answer(eid, code)
    namespace: dict = {"__name__": "__main__", "get_ipython": drivers.get_ipython}
    errors = []
    with contextlib.redirect_stdout(io.StringIO()):
        for k, cell in enumerate(nb.cells):
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type != "code" or meta.get("grade"):
                continue  # (the checks are judged by the other tests)
            try:
                exec(compile(drivers.python_source(cell.source), f"<cell {k}>", "exec"),
                     namespace)
            except Exception as exc:  # noqa: BLE001 (collected and reported)
                errors.append(f"cell {k} ({meta.get('grade_id', 'lesson')}): "
                              f"{type(exc).__name__}: {exc}"[:300])
            plt.close("all")
    return errors


@pytest.mark.parametrize(("eid", "code"), RIGHT)
def test_every_demo_works_with_every_right_answer(eid, code):
    """A right answer never breaks a later demo cell (they take any form the checks
    accept: a list, float32, a NumPy array, a tensor)."""
    assert _run_notebook_with(eid, code) == []
