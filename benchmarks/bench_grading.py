"""Autograding throughput: ``course autograde --workers 2`` against nbgrader's own
serial ``nbgrader autograde``, on the same submissions, in one run.

    .venv/bin/python benchmarks/bench_grading.py [--assignments nb01 ...] [--copies K]

Builds a course with the sample class (``grading.sample_class``; ``--copies``
repeats it under other student ids), copies the course directory, grades one
copy with ours and the other with nbgrader (which runs every notebook in a
Jupyter kernel; its points come from the test cells, whose visible and hidden
``check`` calls raise on a wrong answer).  The course secret is set to the
instructor seed, so both draw the same hidden cases.  Prints scores that differ
and why, the throughput of both and their ratio, and where our time per
notebook goes (from ``results/*.json``).  Times are wall-clock, command start
to finish, on whatever else the machine is doing: run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from grading import pipeline, sample_class  # noqa: E402
from grading.course_dir import Course, lessons  # noqa: E402
from grading.exercises import INSTRUCTOR_SEED  # noqa: E402

BIN = Path(sys.executable).parent
ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def build(root: Path, assignments: list[str], copies: int) -> list[sample_class.Expected]:
    course = Course(root, create=True)
    due = dt.datetime(2030, 1, 1, 12, 0, tzinfo=dt.timezone.utc)
    pipeline.release(course, assignments, due.replace(tzinfo=None))
    (root / ".secret").write_text(str(INSTRUCTOR_SEED))
    with tempfile.TemporaryDirectory() as tmp:
        expected = sample_class.make(course, Path(tmp) / "class", due)
        inbox = Path(tmp) / "inbox"
        inbox.mkdir()
        for k in range(copies):
            for e in expected:
                name = f"{e.student}__{e.notebook}.ipynb"
                shutil.copy2(Path(tmp) / "class" / name, inbox / f"c{k}-{name}")
        pipeline.collect(course, inbox)
    return expected


def timed(cmd: list[str], cwd: Path) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=ENV, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if done.returncode != 0 and "nbgrader" not in cmd[0]:  # nbgrader fails on malformed files
        sys.exit(f"{' '.join(cmd)} failed:\n{done.stderr[-3000:]}")
    return seconds


def scores(root: Path) -> dict:
    """(student, assignment, notebook) -> {test cell: auto score} from a gradebook."""
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", course_id="autograd") as gb:
        for assignment in gb.assignments:
            for sub in assignment.submissions:
                for nb in sub.notebooks:
                    out[(sub.student.id, assignment.name, nb.notebook.name)] = {
                        g.name: g.auto_score for g in nb.grades}
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--assignments", nargs="*", default=list(lessons())[:1])
    p.add_argument("--copies", type=int, default=1, help="repeats of the sample class")
    p.add_argument("--workers", type=int, default=2)
    args = p.parse_args()

    base = Path(tempfile.mkdtemp(prefix="bench-grading-"))
    ours, theirs = base / "ours", base / "nbgrader"
    build(ours, args.assignments, args.copies)
    shutil.copytree(ours, theirs)
    Course(theirs).write_config()  # nbgrader_config.py with the copy's paths
    units = pipeline.units(Course(ours))
    n = len(units)
    print(f"{n} notebooks ({', '.join(args.assignments)}, sample class x{args.copies}); "
          f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")

    t_ours = timed([str(BIN / "course"), "autograde", "--root", str(ours), "--workers",
                    str(args.workers), *args.assignments], ours)
    t_theirs = sum(timed([str(BIN / "nbgrader"), "autograde", a, "--force"], theirs)
                   for a in args.assignments)

    ours_scores, their_scores = scores(ours), scores(theirs)
    results = {(r["student"], r["assignment"], r["notebook"]): r
               for r in pipeline.load_results(Course(ours))}
    compared, mismatches, skipped = 0, [], []
    for unit in units:
        student, a, nb = unit
        if not (theirs / "autograded" / student / a / f"{nb}.ipynb").exists():
            skipped.append(f"{student} {nb}: nbgrader could not grade it "
                           f"(ours: {results[unit]['status']} {results[unit]['reason']})")
            continue
        compared += 1
        mine, other = ours_scores[unit], their_scores[unit]
        if mine != other:
            cells = [c for c in mine if mine[c] != other.get(c)]
            mismatches.append(f"{student} {nb}: ours {sum(mine.values()):g}, nbgrader "
                              f"{sum(other.values()):g}; differing test cells: "
                              f"{', '.join(cells)}")
    print(f"\nscores compared on {compared} notebooks both could grade: "
          f"{len(mismatches)} differ")
    for line in mismatches:
        print("  MISMATCH", line)
    if mismatches:
        print("  (nbgrader awards a test cell when its visible and hidden checks raise nothing "
              "in the kernel; ours judges the hidden cases outside the student's process, so "
              "an answer that cheats the in-kernel check, e.g. by patching `check`, passes "
              "nbgrader and fails ours)")
    for line in skipped:
        print("  not compared:", line)

    rate_ours, rate_theirs = n / t_ours, n / t_theirs
    print(f"\n| grader | wall time (s) | notebooks/s |\n|---|---:|---:|\n"
          f"| `course autograde --workers {args.workers}` | {t_ours:.1f} | {rate_ours:.2f} |\n"
          f"| `nbgrader autograde` (serial) | {t_theirs:.1f} | {rate_theirs:.2f} |\n"
          f"| ratio | | **{rate_ours / rate_theirs:.1f}x** |")
    phases = {}
    for r in results.values():
        for k, v in r["seconds"].items():
            phases.setdefault(k, []).append(v)
    total = statistics.mean(phases["total"])
    print("\n| where our time per notebook goes | mean seconds | share |\n|---|---:|---:|")
    for k in ["sandbox", "judging", "database"]:
        v = statistics.mean(phases[k])
        print(f"| {k} | {v:.3f} | {100 * v / total:.0f}% |")
    print(f"| total per notebook (in a worker) | {total:.3f} | 100% |")
    startup = t_ours - total * n / args.workers
    print(f"| command start-up, pool, spec reading (whole run) | {startup:.1f} | |")
    print(json.dumps({"notebooks": n, "ours_s": t_ours, "nbgrader_s": t_theirs,
                      "ratio": rate_ours / rate_theirs, "mismatches": len(mismatches)}))
    shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
