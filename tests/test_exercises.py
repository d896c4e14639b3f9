"""Tests of the tests: for every graded exercise of every lesson, the instructor's
solution passes and the released stub fails, when judged by the autograder (sandbox +
hidden cases).  The corpora of wrong and right answers are in test_answer_corpora.py."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

import nbformat
import pytest
from nbgrader.preprocessors import ClearSolutions

from grading import exercises, judge

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("nb*/nb*.ipynb"))


def _load(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def _spec(path: Path) -> judge.Spec:
    return judge.spec_from(_load(path), None, path.stem)


def _grade(nb, spec, only: str | None = None) -> judge.NotebookResult:
    if only is not None:
        spec = dataclasses.replace(spec, tests={only: spec.tests[only]})
    return judge.grade(spec, nbformat.writes(nb).encode(), hidden=True)


def _with_answer(nb, exercise_id: str, code: str):
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == exercises.cell_id(exercise_id,
                                                                                   answer=True):
            cell.source = code
            return nb
    raise AssertionError(f"no answer cell for {exercise_id}")


def _notebook_of(exercise_id: str) -> Path:
    return next(p for p in NOTEBOOKS if p.stem.startswith(exercise_id.split(".")[0]))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_instructor_solutions_pass_the_hidden_tests(path):
    result = _grade(_load(path), _spec(path))
    failed = [(e.id, e.message) for e in result.exercises if e.status != "pass"]
    assert not failed
    assert result.score == result.max_score > 0


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_released_stubs_fail_every_exercise(path):
    nb = _load(path)
    ClearSolutions().preprocess(nb, {})
    result = _grade(nb, _spec(path))
    assert [e.status for e in result.exercises if e.points] == []
    assert all(e.status == "error" for e in result.exercises)


def test_an_answer_using_another_answers_definitions_declares_it_builds_on_it():
    import re

    for path in NOTEBOOKS:
        cells = {exercises.exercise_id(c.metadata["nbgrader"]["grade_id"]): c.source
                 for c in _load(path).cells if c.metadata.get("nbgrader", {}).get("solution")}
        defined = {e: set(re.findall(r"^(?:def|class)\s+(\w+)", s, re.M))
                   for e, s in cells.items()}
        for e, source in cells.items():
            uses = {o for o, names in defined.items() if o != e and any(
                re.search(rf"\b{n}\b", source) for n in names)}
            assert uses <= set(exercises.get(e).builds_on), (e, uses)


def test_every_exercise_has_a_test_cell_a_wrong_answer_and_consistent_points():
    in_notebooks = {}
    for path in NOTEBOOKS:
        in_notebooks.update(_spec(path).tests)
    registered = exercises.load()
    assert set(in_notebooks) == set(registered)
    for exercise_id, points in in_notebooks.items():
        assert registered[exercise_id].points == points
