"""A real class, end to end, through the ``course`` command as an instructor runs it.

Sixty rostered students.  Thirty hand in lesson 1 through a Canvas "Download
submissions" zip (one of them late, one with a resubmission), twenty through
nbgrader's exchange folder (one late, one late but with an extension, one who
resubmitted a worse notebook, which counts because it is the latest), and ten
hand in nothing.  One student also hands in lesson 2; everyone else is missing
it.  Late work costs 1 point per started hour, at most 5.  After grading, the
instructor gives one manual grade in the gradebook.

Every student's answers are built from the exercises' corpora (the solution, a
blank, a half, or one typical mistake), so every final score is known in advance;
the test checks every student's row in grades.csv, the Canvas and Moodle files,
the feedback pages, the report's counts, and each command's exit status and
message.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import json
import math
import os
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from grading import sample_class
from grading.course_dir import REPO, Course
from grading.exercises import cell_id

BIN = Path(sys.executable).parent
NB1, NB2 = "nb01_derivatives", "nb02_gradients"
DUE = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.timezone.utc)  # in the past: a warning
PENALTY, CAP = 1, 5  # points per started hour late, at most


@dataclass
class Student:
    id: str
    first: str
    last: str
    lms: int
    answers: str = "none"  # perfect, blank, partial, mistake:<k>, or none (nothing handed in)
    channel: str = "none"  # canvas, exchange, none
    hours_late: float = -2.0  # when it was handed in, relative to the deadline
    extension_hours: float | None = None  # a later deadline, relative to DUE
    expected: float = 0.0  # the final score for nb01 (after deductions and manual grades)
    deduction: float = 0.0
    status: str = "missing"


def _course(*args: str, root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([str(BIN / "course"), *args, "--root", str(root)],
                          capture_output=True, text=True, env=env, timeout=900)


def _ok(run: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Traceback" not in run.stderr, run.stderr
    return run


def _rows(path: Path) -> list[dict]:
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def cls(tmp_path_factory):
    """The class, graded: the course, the students, and every command's output."""
    base = tmp_path_factory.mktemp("class")
    root = base / "course"
    out: dict[str, subprocess.CompletedProcess] = {}
    out["release"] = _ok(_course("release", "nb01", "nb02", "--due", DUE.isoformat(),
                                 root=root))
    course = Course(root)
    source = nbformat.read(course.path("source", "nb01", f"{NB1}.ipynb"), 4)
    release = nbformat.read(course.path("release", "nb01", f"{NB1}.ipynb"), 4)
    points = sample_class._points(source)
    total = sum(points.values())
    solutions = {gid: c.source for gid, c in sample_class._answers(source).items()}
    mistakes = [(eid, code) for eid, wrong in sorted(sample_class._wrong_answers("nb01").items())
                for code in wrong.values()]
    half = list(points)[: len(points) // 2]

    def answers(kind: str) -> tuple[dict, float]:
        if kind == "perfect":
            return solutions, total
        if kind == "blank":
            return {}, 0
        if kind == "partial":
            return ({cell_id(e, True): solutions[cell_id(e, True)] for e in half},
                    sum(points[e] for e in half))
        eid, code = mistakes[int(kind.split(":")[1])]
        return {**solutions, cell_id(eid, True): code}, total - points[eid]

    def notebook(kind: str) -> bytes:
        nb = copy.deepcopy(release)
        given, _ = answers(kind)
        for gid, cell in sample_class._answers(nb).items():
            if gid in given:
                cell.source = given[gid]
        return nbformat.writes(nb).encode()

    letters = "abcdefghij"  # (Canvas's file names hold the name's letters only)
    students = [Student(f"s{k:02d}", f"F{letters[k // 10]}{letters[k % 10]}",
                        f"L{letters[k % 7]}", 1000 + k) for k in range(1, 61)]
    kinds = ["perfect", "blank", "partial"] + [f"mistake:{k}" for k in range(len(mistakes))]
    for k, s in enumerate(students[:50]):
        s.answers = kinds[k % len(kinds)]
        s.channel = "canvas" if k < 30 else "exchange"
        s.status = "graded"
    by_id = {s.id: s for s in students}
    # the deadlines: two late, one late but with an extension past its time
    by_id["s03"].answers, by_id["s03"].hours_late = "perfect", 4.5  # Canvas, 5 started hours
    by_id["s33"].answers, by_id["s33"].hours_late = "perfect", 2.4  # exchange, 3 started hours
    by_id["s34"].answers, by_id["s34"].hours_late = "perfect", 30
    by_id["s34"].extension_hours = 48
    by_id["s07"].answers, by_id["s07"].hours_late = "perfect", 0.5  # a blank, then perfect
    by_id["s35"].answers = "partial"  # a perfect notebook, then a partial one: that counts
    for s in students:
        late = s.hours_late - (s.extension_hours or 0)
        raw = answers(s.answers)[1] if s.status == "graded" else 0
        s.deduction = min(PENALTY * math.ceil(late), CAP, raw) if late > 0 else 0.0
        s.expected = raw - s.deduction

    roster = base / "roster.csv"
    roster.write_text("id,first name,last name,email,lms id\n" + "".join(
        f"{s.id},{s.first},{s.last},{s.id}@example.org,{s.lms}\n" for s in students))
    out["roster"] = _ok(_course("roster", str(roster), root=root))
    out["late-policy"] = _ok(_course("late-policy", "per-hour", "--penalty", str(PENALTY),
                                     "--cap", str(CAP), root=root))
    until = (DUE + dt.timedelta(hours=48)).isoformat()
    out["extend"] = _ok(_course("extend", "s34", "nb01", "--until", until, root=root))

    # Canvas: lastnamefirstname_LMSID_SUBMISSIONID_FILE[-N].ipynb, LATE_ for late work
    def zip_time(hours: float):
        return (DUE + dt.timedelta(hours=hours)).timetuple()[:6]

    canvas = base / "submissions.zip"
    with zipfile.ZipFile(canvas, "w") as zf:
        for n, s in enumerate(s for s in students if s.channel == "canvas"):
            name = f"{s.last}{s.first}".lower()
            late = "LATE_" if s.hours_late > 0 else ""
            if s.id == "s07":  # a blank first, then the perfect one as NB-1.ipynb
                zf.writestr(zipfile.ZipInfo(f"{name}_{s.lms}_{7000 + n}_{NB1}.ipynb",
                                            zip_time(-20)), notebook("blank"))
                zf.writestr(zipfile.ZipInfo(f"{name}_{late}{s.lms}_{7100 + n}_{NB1}-1.ipynb",
                                            zip_time(s.hours_late)), notebook(s.answers))
                continue
            zf.writestr(zipfile.ZipInfo(f"{late}{name}_{s.lms}_{7000 + n}_{NB1}.ipynb",
                                        zip_time(s.hours_late)), notebook(s.answers))
    out["collect-canvas"] = _ok(_course("collect", str(canvas), root=root))

    # nbgrader's exchange: inbound/STUDENT+ASSIGNMENT+TIMESTAMP+RANDOM/NOTEBOOK.ipynb
    inbound = base / "exchange" / "autograd" / "inbound"

    def hand_in(student: str, assignment: str, nb: str, data: bytes, hours: float) -> None:
        when = (DUE + dt.timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
        folder = inbound / f"{student}+{assignment}+{when}+{abs(hash(when)) % 10**6:06d}"
        folder.mkdir(parents=True)
        (folder / f"{nb}.ipynb").write_bytes(data)

    for s in students:
        if s.channel == "exchange":
            if s.id == "s35":
                hand_in(s.id, "nb01", NB1, notebook("perfect"), -30)
            hand_in(s.id, "nb01", NB1, notebook(s.answers), s.hours_late)
    nb2 = nbformat.read(course.path("source", "nb02", f"{NB2}.ipynb"), 4)
    solved2 = nbformat.read(course.path("release", "nb02", f"{NB2}.ipynb"), 4)
    for gid, cell in sample_class._answers(solved2).items():  # the release, answered
        cell.source = sample_class._answers(nb2)[gid].source
    hand_in("s31", "nb02", NB2, nbformat.writes(solved2).encode(), -1)
    out["collect-exchange"] = _ok(_course("collect", str(base / "exchange"), root=root))

    out["autograde"] = _ok(_course("autograde", "--workers", "2", root=root))
    # The instructor gives s01 one point, by hand, on nb01's first exercise
    first = next(iter(points))
    with course.gradebook() as gb:
        grade = gb.find_grade(cell_id(first), NB1, "nb01", "s01")
        grade.manual_score = 1.0
        gb.db.commit()
    by_id["s01"].expected += 1.0 - points[first]
    for fmt in ("csv", "canvas", "moodle"):
        out[f"export-{fmt}"] = _ok(_course("export", "--format", fmt, "--out",
                                           str(base / f"export-{fmt}"), root=root))
    out["feedback"] = _ok(_course("feedback", root=root))
    out["report"] = _ok(_course("report", root=root))
    return {"base": base, "course": course, "students": students, "out": out,
            "total": total, "nb2_total": sample_class._points(nb2), "first": first,
            "points": points}


def test_every_step_says_what_it_did(cls):
    out = cls["out"]
    assert "warning: the due date 2026-11-20 12:00 UTC is in the past" in out["release"].stderr
    assert out["roster"].stdout.strip() == "imported 60 students (60 with an LMS id)"
    assert "1 points per started hour late, at most 5" in out["late-policy"].stdout
    assert "s34's deadline for nb01: 2026-11-22 12:00 UTC" in out["extend"].stdout
    assert "collected 30 notebooks from 30 students" in out["collect-canvas"].stdout
    assert "collected 21 notebooks from 20 students" in out["collect-exchange"].stdout
    late_warnings = sorted(line for run in (out["collect-canvas"], out["collect-exchange"])
                           for line in run.stderr.splitlines() if "late: " in line)
    assert late_warnings == [
        "warning: late: s03 nb01_derivatives (4.5 h after the deadline)",
        "warning: late: s07 nb01_derivatives (0.5 h after the deadline)",
        "warning: late: s33 nb01_derivatives (2.4 h after the deadline)",
    ]
    summary = out["autograde"].stdout
    assert "nb01: 50 notebooks, 50 graded" in summary and "0 failed, 0 missing" in summary
    assert "nb02: 1 notebooks, 1 graded" in summary
    assert "51 notebooks: 51 graded, 0 failed, 0 missing" in summary
    assert out["feedback"].stdout.startswith("wrote 51 feedback pages")
    for fmt, extra in (("csv", 0), ("canvas", 1), ("moodle", 1)):
        assert len(out[f"export-{fmt}"].stdout.splitlines()) == 2 + extra


def test_every_student_has_the_known_final_score_status_and_deduction(cls):
    rows = _rows(cls["base"] / "export-csv" / "grades.csv")
    assert len(rows) == 60 * 2  # every rostered student, every released assignment
    got = {(r["student_id"], r["assignment"]): r for r in rows}
    for s in cls["students"]:
        row = got[(s.id, "nb01")]
        assert (float(row["score"]), row["status"], float(row["late_deduction"])) == (
            s.expected, s.status, s.deduction), s
        assert row["late"] == ("yes" if s.deduction else "no"), s
        if s.status == "missing":
            assert row["reason"] == "no submission"
        nb2 = got[(s.id, "nb02")]
        assert nb2["status"] == ("graded" if s.id == "s31" else "missing")
    assert float(got[("s31", "nb02")]["score"]) == sum(cls["nb2_total"].values())
    # the resubmissions: the latest counts, the history is kept
    history = json.loads(cls["course"].path("submitted", "s35", "nb01",
                                            "history.json").read_text())
    assert [h["graded"] for h in history] == [False, True]
    assert len(json.loads(cls["course"].path("submitted", "s07", "nb01",
                                             "history.json").read_text())) == 2


def test_the_lms_files_have_everyone_with_the_final_scores(cls):
    students = {s.id: s for s in cls["students"]}
    with open(cls["base"] / "export-canvas" / "grades-canvas.csv", newline="") as f:
        canvas = list(csv.reader(f))
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "nb01",
                         "nb02"]
    assert canvas[1][:5] == ["Points Possible", "", "", "", ""]
    assert float(canvas[1][5]) == cls["total"]
    assert len(canvas) == 2 + 60
    for row in canvas[2:]:
        s = students[row[2]]
        assert row[0] == f"{s.last}, {s.first}" and row[1] == str(s.lms)
        assert float(row[5]) == s.expected
    moodle = _rows(cls["base"] / "export-moodle" / "grades-moodle.csv")
    assert len(moodle) == 60
    for row in moodle:
        s = students[row["ID number"]]
        assert (row["First name"], row["Email address"]) == (s.first, f"{s.id}@example.org")
        assert float(row["nb01"]) == s.expected


def test_the_feedback_says_what_was_deducted_and_shows_the_manual_grade(cls):
    course = cls["course"]

    def page(student: str) -> str:
        return course.path("feedback", student, "nb01", f"{NB1}.results.html").read_text()

    s03 = next(s for s in cls["students"] if s.id == "s03")
    assert "4.5 h after the deadline; 5 points deducted" in page("s03")
    assert f"Score: {s03.expected:g} / {cls['total']}" in page("s03")
    assert "deducted" not in page("s34")  # late, but within the extension
    first = cls["points"][cls["first"]]
    assert f"1 / {first} (manual grade; the autograder gave" in page("s01")
    assert not course.path("feedback", "s51").exists()  # nothing handed in: no page


def test_the_report_counts_the_class(cls):
    from grading import report

    students = cls["students"]
    _, summary = report.course_summary(cls["course"])
    handed_in = [s for s in students if s.status == "graded"]
    assert summary["counts"] == {"students": 60, "submitted": 50, "notebooks": 51,
                                 "graded": 51, "failed": 0, "missing": 0,
                                 "no_submission": 10 + 59, "late": 3, "flagged": 0}
    nb01 = summary["assignments"]["nb01"]
    assert (nb01["students"], nb01["submitted"], nb01["graded"], nb01["failed"],
            nb01["no_submission"], nb01["late"]) == (60, 50, 50, 0, 10, 3)
    assert nb01["stats"]["n"] == 50
    assert nb01["stats"]["mean"] == pytest.approx(
        sum(s.expected for s in handed_in) / len(handed_in))
    assert nb01["stats"]["min"] == 0 and nb01["stats"]["max"] == cls["total"]
    # per exercise: who passed, who left it unanswered, from the answers each was given
    half = list(cls["points"])[: len(cls["points"]) // 2]
    mistakes = [eid for eid, wrong in sorted(sample_class._wrong_answers("nb01").items())
                for _ in wrong]
    for eid in cls["points"]:
        passed = unanswered = 0
        for s in handed_in:
            kind = s.answers
            if kind == "perfect" or (kind == "partial" and eid in half) or (
                    kind.startswith("mistake") and mistakes[int(kind[8:])] != eid):
                passed += 1
            elif kind == "blank" or kind == "partial":
                unanswered += 1
        e = summary["exercises"][eid]
        assert (e["n"], e["passed"], e["outcomes"]["unanswered"]) == (50, passed, unanswered)
        assert sum(e["outcomes"].values()) == 50
        wrong = sum(c for _, c in e["mistakes"])
        assert wrong <= 50 - passed - unanswered
        assert e["discrimination"] is not None and -1 <= e["discrimination"] <= 1
    assert [(x["student"], x["deduction"]) for x in summary["late"]] == [
        ("s03", 5), ("s07", 1), ("s33", 3)]
    assert summary["no_submission"]["nb01"] == [f"s{k}" for k in range(51, 61)]
    assert summary["no_submission"]["nb02"] == [s.id for s in students if s.id != "s31"]
    totals = {row["id"]: row["total"] for row in summary["students"]}
    nb2 = sum(cls["nb2_total"].values())
    assert totals == {s.id: s.expected + (nb2 if s.id == "s31" else 0) for s in students}
    page = cls["course"].path("report", "report.html").read_text()
    assert "Isolation of student code" in page or "isolation" in page.lower()


def test_a_rerun_with_only_changed_grades_nothing_and_keeps_the_manual_grade(cls):
    root = cls["course"].root
    run = _ok(_course("autograde", "--only-changed", root=root))
    assert ("51 notebooks: 51 graded, 0 failed, 0 missing (51 unchanged since the last run, "
            "not graded again)") in run.stdout
    s01 = next(line for line in run.stdout.splitlines() if line.startswith("s01 "))
    assert "(with manual grades)" in s01 and "(unchanged)" in s01
    before = (cls["base"] / "export-csv" / "grades.csv").read_text()
    _ok(_course("export", "--out", str(cls["base"] / "again"), root=root))
    assert (cls["base"] / "again" / "grades.csv").read_text() == before


def test_mistakes_are_one_line_with_the_right_exit_status(cls, tmp_path):
    root = cls["course"].root
    not_a_course = tmp_path / "documents"
    not_a_course.mkdir()
    (not_a_course / "thesis.tex").write_text("...")
    nothing = tmp_path / "inbox"
    nothing.mkdir()
    (nothing / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")
    for args, status, message in [
        (["autograde", "--workers", "0", "--root", str(root)], 2,
         "argument --workers: must be a positive integer, not '0'"),
        (["export", "--root", str(not_a_course)], 2, "is not a course directory"),
        (["collect", str(nothing), "--root", str(root)], 1, "nothing was collected"),
        (["extend", "s99", "nb01", "--until", "2026-12-24", "--root", str(root)], 2,
         "unknown student 's99'"),
    ]:
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        run = subprocess.run([str(BIN / "course"), *args], capture_output=True, text=True,
                             env=env, timeout=120)
        errors = [line for line in run.stderr.splitlines() if "error" in line]
        assert run.returncode == status, (args, run.stderr)
        assert len(errors) == 1 and message in errors[0], (args, run.stderr)
        assert "Traceback" not in run.stderr
    assert sorted(p.name for p in not_a_course.iterdir()) == ["thesis.tex"]


def test_an_unreadable_gradebook_fails_before_anything_is_graded(cls, tmp_path):
    import shutil

    copy = tmp_path / "course"
    shutil.copytree(cls["course"].root, copy)
    (copy / "gradebook.db").write_bytes(b"not a database")
    before = {p: p.stat().st_mtime_ns for p in (copy / "results").rglob("*.json")}
    t0 = time.monotonic()
    run = _course("autograde", "--workers", "2", root=copy)
    assert run.returncode == 2
    assert run.stderr.strip().startswith("course autograde: error: cannot open the gradebook")
    assert "autograde:" not in run.stderr.replace("course autograde:", "")  # no progress bar
    assert time.monotonic() - t0 < 20
    assert {p: p.stat().st_mtime_ns for p in (copy / "results").rglob("*.json")} == before
