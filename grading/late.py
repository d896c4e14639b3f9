"""Deadlines: the late policy and per-student extensions.

``course late-policy KIND [--penalty P] [--cap C]`` (kept in ``ROOT/late_policy.json``):

* ``none`` (the default): late work is flagged, nothing is deducted;
* ``zero``: late work scores 0;
* ``per-hour`` / ``per-day``: P points for every started hour / day late, at most
  C points (nbgrader's ``LateSubmissionPlugin`` semantics: a minute late is one hour).

``course extend STUDENT ASSIGNMENT --until DATE`` (``ROOT/extensions.json``) moves one
student's deadline.  Autograding records how late each notebook was against the
student's own deadline; export, feedback and report deduct by the policy, never
below 0, and say how much and why.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import asdict, dataclass

from .course_dir import Course, CourseError

KINDS = ("none", "zero", "per-hour", "per-day")


@dataclass
class Policy:
    kind: str = "none"
    penalty: float = 0.0  # points per started hour or day
    cap: float | None = None  # at most this many points (None: up to the whole score)

    def deduction(self, score: float, hours_late: float) -> float:
        """The points taken from ``score`` for work ``hours_late`` after its deadline."""
        if hours_late <= 0 or self.kind == "none":
            return 0.0
        if self.kind == "zero":
            return score
        units = math.ceil(hours_late / (24 if self.kind == "per-day" else 1))
        taken = self.penalty * units
        if self.cap is not None:
            taken = min(taken, self.cap)
        return min(taken, score)

    def describe(self) -> str:
        if self.kind == "none":
            return "no deduction for late work"
        if self.kind == "zero":
            return "late work scores 0"
        unit = "day" if self.kind == "per-day" else "hour"
        cap = f", at most {self.cap:g}" if self.cap is not None else ""
        return f"{self.penalty:g} points per started {unit} late{cap}"


def policy(course: Course) -> Policy:
    path = course.root / "late_policy.json"
    if not path.exists():
        return Policy()
    try:
        return Policy(**json.loads(path.read_text()))
    except (ValueError, TypeError) as exc:
        raise CourseError(f"{path} is damaged ({exc}): set it again with "
                          "`course late-policy`") from None


def set_policy(course: Course, kind: str, penalty: float = 0.0, cap: float | None = None
               ) -> Policy:
    if kind not in KINDS:
        raise CourseError(f"unknown late policy {kind!r} ({', '.join(KINDS)})")
    if kind in ("per-hour", "per-day") and not penalty > 0:
        raise CourseError(f"--penalty must be a positive number of points for {kind}")
    if cap is not None and cap < 0:
        raise CourseError("--cap must not be negative")
    p = Policy(kind, float(penalty), None if cap is None else float(cap))
    _write(course.root / "late_policy.json", asdict(p))
    return p


def extensions(course: Course) -> dict[tuple[str, str], dt.datetime]:
    """(student, assignment) -> the extended deadline (UTC, no zone)."""
    path = course.root / "extensions.json"
    if not path.exists():
        return {}
    data = json.loads(path.read_text())
    return {(s, a): dt.datetime.fromisoformat(until) for s, per in data.items()
            for a, until in per.items()}


def extend(course: Course, student: str, assignment: str, until: dt.datetime) -> None:
    if assignment not in course.assignments():
        raise CourseError(f"unknown assignment {assignment!r}; released: "
                          f"{', '.join(course.assignments()) or 'none'}")
    with course.gradebook() as gb:
        known = {s.id for s in gb.students}
    if student not in known:  # (a typo would silently extend no one)
        raise CourseError(f"unknown student {student!r}: not in the roster nor among the "
                          "submissions (`course roster FILE.csv` imports the roster)")
    path = course.root / "extensions.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    data.setdefault(student, {})[assignment] = until.isoformat()
    _write(path, data)


def deadline(course: Course, student: str, assignment: str, due: dt.datetime | None,
             granted: dict | None = None) -> dt.datetime | None:
    """The student's deadline: the extension if there is one, else the due date."""
    granted = extensions(course) if granted is None else granted
    return granted.get((student, assignment), due)


def _write(path, data) -> None:
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(json.dumps(data, indent=1))
    partial.replace(path)
