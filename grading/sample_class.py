"""A synthetic class for the demo and the end-to-end tests.

For every released assignment: a perfect student, a blank one, a partial one,
one per typical mistake of each exercise (the first wrong answer listed for it
in ``tests/wrong_answers``, all other answers right: it costs that exercise only),
a late one and a malformed one.  The score each
should get is known in advance, and returned with the files.
"""

from __future__ import annotations

import copy
import datetime as dt
import importlib.util
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

from grading.exercises import cell_id, exercise_id

from .course_dir import REPO, Course


@dataclass
class Expected:
    student: str
    assignment: str
    notebook: str
    score: float
    status: str  # graded or failed
    late: bool = False


def _wrong_answers(assignment: str) -> dict:
    path = REPO / "tests" / "wrong_answers" / f"{assignment}.py"
    if not path.exists():
        return {}
    spec = importlib.util.spec_from_file_location(f"wrong_answers_{assignment}", path)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(REPO))  # the modules may import repository helpers (notebooks.build)
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(REPO))
    return module.WRONG


def _answers(nb) -> dict[str, nbformat.NotebookNode]:
    return {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("solution")}


def _points(nb) -> dict[str, int]:
    """Exercise id -> points."""
    return {exercise_id(c.metadata["nbgrader"]["grade_id"]): c.metadata["nbgrader"]["points"]
            for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")}


def make(course: Course, out: Path, due: dt.datetime) -> list[Expected]:
    """Write the class's submissions into ``out`` and return the expected results."""
    out.mkdir(parents=True, exist_ok=True)
    expected: list[Expected] = []
    now = dt.datetime.now(dt.timezone.utc)
    for assignment in course.assignments():
        for source_path in sorted(course.path("source", assignment).glob("*.ipynb")):
            name = source_path.stem
            source = nbformat.read(source_path, 4)
            release = nbformat.read(course.path("release", assignment, source_path.name), 4)
            points = _points(source)
            total = sum(points.values())
            solutions = {gid: c.source for gid, c in _answers(source).items()}

            def submit(student, answers, score, *, when=now, status="graded", raw=None):
                # called within this iteration, so the loop's variables are current
                nb = copy.deepcopy(release)  # noqa: B023
                for gid, cell in _answers(nb).items():
                    if gid in answers:
                        cell.source = answers[gid]
                path = out / f"{student}__{name}.ipynb"  # noqa: B023
                path.write_bytes(raw if raw is not None else nbformat.writes(nb).encode())
                os.utime(path, (when.timestamp(), when.timestamp()))
                expected.append(Expected(student, assignment, name, score, status,  # noqa: B023
                                         late=when > due))

            submit(f"{assignment}-perfect", solutions, total)
            submit(f"{assignment}-blank", {}, 0)
            exercises = list(points)
            half = exercises[: max(1, len(exercises) // 2)]
            submit(f"{assignment}-partial", {cell_id(e, True): solutions[cell_id(e, True)]
                                             for e in half}, sum(points[e] for e in half))
            for k, (eid, wrong) in enumerate(sorted(_wrong_answers(assignment).items())):
                if eid in points and wrong:
                    # The mistake in eid, every other answer right: the exercises that
                    # build on eid are judged on their own (with the instructor's eid in
                    # place of the wrong one), so the mistake costs eid's points only.
                    answers = dict(solutions)
                    answers[cell_id(eid, True)] = next(iter(wrong.values()))
                    submit(f"{assignment}-mistake{k + 1}", answers, total - points[eid])
            submit(f"{assignment}-late", solutions, total, when=due + dt.timedelta(hours=5))
            submit(f"{assignment}-malformed", {}, 0, status="failed",
                   raw=b'{"cells": [ {"cell_type": "code", "source": "truncated')
    return expected
