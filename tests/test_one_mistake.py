"""One mistake costs one exercise: a wrong answer that later exercises call does not take
their points, and their feedback names the cause (issue: fair grades, item 4)."""

from __future__ import annotations

import copy
import dataclasses
import re
from pathlib import Path

import nbformat
import pytest

from grading import exercises, judge

ROOT = Path(__file__).resolve().parents[1]


def _solved(lesson: str) -> tuple[judge.Spec, nbformat.NotebookNode]:
    (path,) = (ROOT / "notebooks" / lesson).glob(f"{lesson}_*.ipynb")
    source = nbformat.read(path, as_version=4)
    nb = copy.deepcopy(source)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = re.sub(r"^[ \t]*### (BEGIN|END) SOLUTION\n", "", cell.source, flags=re.M)
    return judge.spec_from(source, None, path.stem), nb


def _with(nb, eid: str, old: str, new: str) -> bytes:
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == exercises.cell_id(eid, True):
            assert old in cell.source, (eid, old)
            cell.source = cell.source.replace(old, new)
    return nbformat.writes(nb).encode()


MISTAKES = [  # (lesson, exercise with the mistake, its solution text, the mistake)
    ("nb04", "nb04.Dual", "(self.tangent * other.primal - self.primal * other.tangent)",
     "(self.tangent * other.primal + self.primal * other.tangent)"),
    ("nb05", "nb05.Scalar", "other.grad += self.data * out.grad",
     "other.grad = self.data * out.grad"),
    ("nb03", "nb03.primal_trace", '{"v-1": x1, "v0": x2}', '{"v-1": x2, "v0": x1}'),
]


@pytest.mark.parametrize(("lesson", "eid", "old", "new"), MISTAKES, ids=[m[1] for m in MISTAKES])
def test_a_mistake_costs_its_own_exercise_only(lesson, eid, old, new):
    spec, nb = _solved(lesson)
    submission = _with(nb, eid, old, new)
    # without the instructor's answers to put in place, the mistake spreads (the test can fail)
    alone = dataclasses.replace(spec, answers={})
    spread = {r.id: r for r in judge.grade(alone, submission, hidden=True).exercises}
    dependents = [e for e in spread if eid in judge._all_builds_on(exercises.get(e))
                  and spread[e].points == 0]
    assert dependents
    scores = {r.id: r for r in judge.grade(spec, submission, hidden=True).exercises}
    assert scores[eid].points == 0
    for e, r in scores.items():
        if e != eid:
            assert r.points == r.max_points, (e, r.message)
    for e in dependents:  # (a by-hand one always runs with the instructor's earlier answers)
        if not exercises.get(e).by_hand:
                assert "in place of yours" in scores[e].message and f"({eid})" in scores[e].message
