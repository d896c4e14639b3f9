"""``course demo``: the whole pipeline on a synthetic class, from a fresh checkout."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from . import pipeline, report, sample_class, sandbox
from .cli import print_table
from .course_dir import Course


def run(course: Course, workers: int | None = None, assignments=None) -> int:
    due = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=7)).replace(microsecond=0)
    print(f"1. release -> {course.path('release')}")
    pipeline.release(course, assignments or None, due.replace(tzinfo=None))
    with tempfile.TemporaryDirectory() as tmp:
        expected = sample_class.make(course, Path(tmp), due)
        print(f"2. collect a sample class of {len(expected)} submissions")
        pipeline.collect(course, tmp)
    print("3. autograde (in parallel, sandboxed)")
    # The sample class is our own code: where only the weakest isolation exists, grade
    # it anyway (a real class is refused there without --allow-weak-isolation).
    limits = sandbox.Limits(allow_weak_isolation=True)
    results = pipeline.autograde(course, workers=workers, limits=limits)
    print_table(results)
    pages = pipeline.feedback(course)
    print(f"4. feedback: {len(pages)} pages under {course.path('feedback')}")
    grades, exercises = pipeline.export(course)
    print(f"5. grades: {grades} and {exercises}")
    html_path, png_path = report.write(course)
    print(f"6. report: {html_path} ({png_path})")
    by_unit = {(r.student, r.notebook): r for r in results}
    wrong = [e for e in expected if (e.student, e.notebook) not in by_unit
             or by_unit[(e.student, e.notebook)].score != e.score]
    for e in wrong:
        got = by_unit.get((e.student, e.notebook))
        print(f"UNEXPECTED: {e.student} {e.notebook}: expected {e.score}, got "
              f"{got.score if got else 'nothing'}")
    print("all sample students got the expected scores" if not wrong else
          f"{len(wrong)} sample students did not get the expected score")
    return 0 if not wrong else 1
