"""``course check NOTEBOOK``: a student's self-check, judged the way grading judges.

The notebook's own structure (nbgrader metadata of the released version) says
which exercises it holds; its code runs in the sandbox on the visible cases,
and each exercise is reported as passing or not, with the message that teaches.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from . import judge


def main(path: Path) -> int:
    from .course_dir import CourseError

    if not path.exists():
        raise CourseError(f"no notebook at {path}")
    data = path.read_bytes()
    try:
        nb = judge.read_submission(data)
    except ValueError as exc:
        raise CourseError(f"{path.name}: {exc}") from None
    spec = judge.spec_from(nb, None, path.stem, instructor=False)
    if not spec.tests:
        raise CourseError(f"{path.name} has no graded exercises (is it a course notebook?)")
    result = judge.grade(spec, nbformat.writes(nb).encode(), hidden=False, selfcheck=True)
    for e in result.exercises:
        mark = "\u2713" if e.status == "pass" else "\u2717"
        print(f"{mark} {e.id} ({e.points:g}/{e.max_points})")
        if e.status != "pass":
            print("    " + e.message.replace("\n", "\n    "))
    passed = sum(e.status == "pass" for e in result.exercises)
    print(f"{passed} of {len(result.exercises)} exercises pass the visible checks "
          f"({result.score:g}/{result.max_score} points).")
    return 0 if passed == len(result.exercises) else 1
