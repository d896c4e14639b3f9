"""The instructor pipeline end to end, on SQLite: release, collect, autograde,
feedback, export, report; the ``course`` command's errors; ``course check``
against nbgrader's own ``nbgrader validate``.

One course directory is built per module (release is slow: nbgrader creates
its gradebook through alembic).  Every lesson is released and self-checked;
the sample class is graded on the first lesson only, to keep CI time moderate.
Tests that change a course work on a copy of it.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from grading import cli, pipeline, report, sample_class, sandbox
from grading.course_dir import REPO, Course, lessons
from grading.exercises import cell_id, exercise_id

LESSONS = lessons()
GRADED = list(LESSONS)[:1]  # the lessons whose sample class is graded end to end
BIN = Path(sys.executable).parent
FORBIDDEN = ["BEGIN HIDDEN TESTS", "hidden=True", "check_hidden", "Traceback"]
DUE = dt.datetime(2030, 1, 1, 12, 0, tzinfo=dt.timezone.utc)


@dataclass
class Graded:
    course: Course
    pristine: Path  # a copy of the course right after release (nothing collected)
    expected: list[sample_class.Expected]
    results: dict  # (student, notebook) -> UnitResult


def clone(src: Path, dst: Path) -> Course:
    """A copy of a course directory (SQLite gradebook included) that tests may change."""
    shutil.copytree(src, dst)
    return Course(dst)


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> Graded:
    base = tmp_path_factory.mktemp("pipeline")
    course = Course(base / "course", create=True)
    pipeline.release(course, None, DUE.replace(tzinfo=None))
    shutil.copytree(course.root, base / "pristine")
    everyone = sample_class.make(course, base / "class", DUE)
    expected = [e for e in everyone if e.assignment in GRADED]
    submitted = base / "submitted"
    submitted.mkdir()
    for e in expected:
        shutil.copy2(base / "class" / f"{e.student}__{e.notebook}.ipynb", submitted)
    collected, warnings = pipeline.collect(course, submitted)
    assert len(collected) == len(expected)
    late = sorted(f"{e.student} {e.notebook}" for e in expected if e.late)
    assert sorted(w.split(": ", 1)[1].split(" (")[0] for w in warnings) == late
    assert all(w.startswith("late: ") for w in warnings)
    results = pipeline.autograde(course, GRADED, workers=2, progress=False)
    pipeline.feedback(course)
    pipeline.export(course)
    report.write(course)
    return Graded(course, base / "pristine", expected,
                  {(r.student, r.notebook): r for r in results})


def read_csv(path: Path) -> list[dict]:
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def answer_cells(nb) -> dict[str, nbformat.NotebookNode]:
    return {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("solution")}


def solved(release_path: Path, source_path: Path) -> nbformat.NotebookNode:
    """The release notebook with the instructor's solutions typed into its answer cells."""
    nb = nbformat.read(release_path, 4)
    solutions = answer_cells(nbformat.read(source_path, 4))
    for gid, cell in answer_cells(nb).items():
        cell.source = re.sub(r"^[ \t]*### (BEGIN|END) SOLUTION\n", "", solutions[gid].source,
                             flags=re.M)
    return nb


def exercises_of(path: Path) -> list[str]:
    return [exercise_id(c.metadata["nbgrader"]["grade_id"]) for c in nbformat.read(path, 4).cells
            if c.metadata.get("nbgrader", {}).get("grade")]


# Release -----------------------------------------------------------------------------------

@pytest.mark.parametrize("assignment", list(LESSONS))
def test_release_has_stubs_without_solutions_or_hidden_tests(graded, assignment):
    for source_path in LESSONS[assignment]:
        path = graded.course.path("release", assignment, source_path.name)
        text = path.read_text()
        for marker in ["BEGIN HIDDEN TESTS", "hidden=True", "BEGIN SOLUTION", "END SOLUTION"]:
            assert marker not in text, f"{path.name} leaks {marker!r}"
        release_answers = answer_cells(nbformat.read(path, 4))
        source_answers = answer_cells(nbformat.read(source_path, 4))
        assert release_answers.keys() == source_answers.keys()
        for gid, cell in release_answers.items():
            assert "YOUR CODE HERE" in cell.source, gid
            before, block = source_answers[gid].source.split("### BEGIN SOLUTION", 1)
            block, after = block.split("### END SOLUTION", 1)
            kept = {ln.strip() for ln in (before + after).splitlines()}  # stub lines
            stub = {ln.strip() for ln in cell.source.splitlines()}
            leaked = [ln.strip() for ln in block.splitlines()
                      if ln.strip() and ln.strip() in stub - kept]
            assert not leaked, f"{gid} keeps solution lines {leaked}"


# Autograde ---------------------------------------------------------------------------------

def test_every_sample_student_gets_the_expected_score(graded):
    got = {k: r.score for k, r in graded.results.items()}
    want = {(e.student, e.notebook): e.score for e in graded.expected}
    assert got == want


def test_malformed_submission_fails_with_its_reason_and_others_are_graded(graded):
    for e in graded.expected:
        r = graded.results[(e.student, e.notebook)]
        assert r.status == e.status, (e.student, r.reason)
        if e.status == "failed":
            assert r.reason.startswith("malformed notebook: ") and "JSON" in r.reason
        else:
            assert r.reason == ""


def test_only_the_late_submission_is_flagged_late(graded):
    late = {e.student for e in graded.expected if e.late}
    assert late and all(s.endswith("-late") for s in late)
    assert {r.student for r in graded.results.values() if r.late} == late


def test_results_say_where_the_time_went(graded):
    for r in graded.results.values():
        assert set(r.seconds) == {"sandbox", "judging", "database", "total"}
        assert r.seconds["total"] >= r.seconds["sandbox"] >= 0


def test_autograded_notebooks_show_verdicts_without_hidden_tests(graded):
    for e in graded.expected:
        path = graded.course.path("autograded", e.student, e.assignment, f"{e.notebook}.ipynb")
        if e.status == "failed":
            assert not path.exists()
            continue
        text = path.read_text()
        for marker in FORBIDDEN:
            assert marker not in text, f"{path} contains {marker!r}"
        assert "\u2713" in text or "\u2717" in text


def test_feedback_pages_give_scores_without_hidden_tests_or_tracebacks(graded):
    for e in graded.expected:
        r = graded.results[(e.student, e.notebook)]
        page = graded.course.path("feedback", e.student, e.assignment,
                                  f"{e.notebook}.results.html")
        text = page.read_text()
        for marker in FORBIDDEN:
            assert marker not in text, f"{page} contains {marker!r}"
        assert f"Score: {e.score:g} / {r.max_score}" in text
        assert ("could not be graded" in text) == (e.status == "failed")
        assert ("after the deadline" in text) == e.late


def test_grades_csv_has_a_row_per_student_and_assignment_with_score_status_and_lateness(
        graded):
    rows = {(r["student_id"], r["assignment"]): r for r in read_csv(graded.course.root /
                                                                      "grades.csv")}
    want = defaultdict(float)
    for e in graded.expected:
        want[(e.student, e.assignment)] += e.score
    students = {e.student for e in graded.expected}
    released = set(graded.course.assignments())
    assert rows.keys() == {(s, a) for s in students for a in released}
    for key in rows.keys() - want.keys():  # nothing submitted: 0, "missing"
        assert (rows[key]["score"], rows[key]["status"]) == ("0", "missing")
    for e in graded.expected:
        row = rows[(e.student, e.assignment)]
        assert float(row["score"]) == want[(e.student, e.assignment)]
        assert float(row["max_score"]) == graded.results[(e.student, e.notebook)].max_score
        assert row["status"] == e.status
        assert row["late"] == ("yes" if e.late else "no")
        assert row["reason"].startswith("malformed") == (e.status == "failed")


def test_exercises_csv_has_one_row_per_exercise_summing_to_the_score(graded):
    rows = read_csv(graded.course.root / "exercises.csv")
    by_unit = defaultdict(list)
    for row in rows:
        by_unit[(row["student_id"], row["notebook"])].append(row)
    for e in graded.expected:
        mine = by_unit[(e.student, e.notebook)]
        source = graded.course.path("source", e.assignment, f"{e.notebook}.ipynb")
        assert sorted(r["exercise"] for r in mine) == sorted(exercises_of(source))
        assert sum(float(r["score"]) for r in mine) == e.score
        if e.student.endswith("-perfect"):
            assert {r["status"] for r in mine} == {"pass"}
        if e.status == "failed":
            assert {r["status"] for r in mine} == {"malformed"}


def test_report_names_failure_reasons_and_isolation(graded):
    html_path = graded.course.path("report", "report.html")
    png = graded.course.path("report", "report.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = html_path.read_text()
    assert "malformed notebook: the file is not valid notebook JSON" in text
    assert sandbox.isolation() in text
    for reason in report.REASONS:
        assert f"<td>{reason}</td>" in text


def test_regrading_is_idempotent_and_keeps_manual_grades(graded, tmp_path):
    from nbgrader.api import Grade, SubmittedAssignment

    course = clone(graded.course.root, tmp_path / "course")
    perfect = next(e for e in graded.expected if e.student.endswith("-perfect"))
    source = course.path("source", perfect.assignment, f"{perfect.notebook}.ipynb")
    first = exercises_of(source)[0]
    with course.gradebook() as gb:
        grade = gb.find_grade(cell_id(first), perfect.notebook, perfect.assignment,
                              perfect.student)
        points = grade.max_score
        grade.manual_score = 1.0
        gb.db.commit()
        counts = gb.db.query(Grade).count(), gb.db.query(SubmittedAssignment).count()
    again = pipeline.autograde(course, GRADED, workers=2, progress=False)
    assert {(r.student, r.notebook): r.score for r in again} == {
        k: r.score for k, r in graded.results.items()}
    with course.gradebook() as gb:
        grade = gb.find_grade(cell_id(first), perfect.notebook, perfect.assignment,
                              perfect.student)
        assert (grade.manual_score, grade.auto_score) == (1.0, points)
        assert (gb.db.query(Grade).count(), gb.db.query(SubmittedAssignment).count()) == counts
    pipeline.export(course)
    rows = read_csv(course.root / "grades.csv")
    assert len(rows) == len(read_csv(graded.course.root / "grades.csv"))
    mine = next(r for r in rows if (r["student_id"], r["assignment"]) == (
        perfect.student, perfect.assignment))
    assert float(mine["score"]) == perfect.score - points + 1.0
    exercise_rows = [r for r in read_csv(course.root / "exercises.csv")
                     if r["student_id"] == perfect.student and r["exercise"] == first]
    assert [(r["score"], r["status"]) for r in exercise_rows] == [("1", "manual")]
    # the feedback page shows the manual grade too, and the total with it; a page that
    # nbgrader's own Generate feedback wrote beside it is left alone
    theirs = course.path("feedback", perfect.student, perfect.assignment,
                         f"{perfect.notebook}.html")
    theirs.parent.mkdir(parents=True, exist_ok=True)
    theirs.write_text("nbgrader's feedback")
    pipeline.feedback(course)
    assert theirs.read_text() == "nbgrader's feedback"
    page = course.path("feedback", perfect.student, perfect.assignment,
                       f"{perfect.notebook}.results.html").read_text()
    assert f"1 / {points:g} (manual grade; the autograder gave {points:g})" in page
    assert f"Score: {perfect.score - points + 1:g} / " in page
    # and so do the report and the autograde table
    auto = report.summarise(pipeline.load_results(course))["scores"][perfect.assignment]
    _, summary = report.course_summary(course)
    assert sum(summary["scores"][perfect.assignment]) == pytest.approx(
        sum(auto) - (points - 1) / graded.results[(perfect.student, perfect.notebook)].max_score)
    run = course_command("autograde", perfect.assignment, "--student", perfect.student,
                         "--root", str(course.root))
    assert run.returncode == 0, run.stderr
    line = next(x for x in run.stdout.splitlines() if x.startswith(perfect.student))
    assert f"{perfect.score - points + 1:g}/" in line and "(with manual grades)" in line


def test_the_student_option_selects_units(graded):
    course = graded.course
    everything = pipeline.units(course)
    assert len(everything) == len(graded.expected)
    one = graded.expected[0]
    assert pipeline.units(course, students=[one.student]) == [
        (one.student, one.assignment, one.notebook)]
    assert cli._parser().parse_args(["autograde", "--cluster", "tcp://h:1"]).cluster == "tcp://h:1"


# Collect -----------------------------------------------------------------------------------

def test_collect_from_a_zip_maps_names_to_students_and_ignores_traversal(graded, tmp_path):
    course = clone(graded.pristine, tmp_path / "course")
    a = GRADED[0]
    nb = LESSONS[a][0].stem
    data = course.path("release", a, f"{nb}.ipynb").read_bytes()
    archive = tmp_path / "submissions.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name in [f"alice__{nb}.ipynb", f"bob/{a}/{nb}.ipynb", f"../mallory__{nb}.ipynb",
                     f"x/../../eve__{nb}.ipynb", f"..__{nb}.ipynb",
                     f"__MACOSX/._alice__{nb}.ipynb", "notes.txt"]:
            zf.writestr(zipfile.ZipInfo(name, date_time=(2026, 3, 4, 5, 6, 8)), data)
    collected, warnings = pipeline.collect(course, archive)
    assert sorted((c.student, c.assignment, c.notebook) for c in collected) == [
        ("alice", a, nb), ("bob", a, nb)]
    assert sorted(p.name for p in course.path("submitted").iterdir()) == ["alice", "bob"]
    assert course.path("submitted", "alice", a, f"{nb}.ipynb").read_bytes() == data
    assert course.path("submitted", "alice", a, "timestamp.txt").read_text() == (
        "2026-03-04 05:06:08.000000 UTC")
    # the files that are not submissions in one line; each one that matters on its own
    assert warnings == [
        "ignored 4 files that are not submissions (._alice__nb01_derivatives.ipynb, "
        "eve__nb01_derivatives.ipynb, mallory__nb01_derivatives.ipynb, notes.txt)",
        "ignored ..__nb01_derivatives.ipynb: '..' is not a valid student id"]
    assert not list(tmp_path.rglob("mallory*")) and not list(tmp_path.rglob("eve*"))
    with course.gradebook() as gb:
        assert sorted(s.id for s in gb.students) == ["alice", "bob"]


def test_collect_from_a_folder_records_the_receipt_time(graded, tmp_path):
    course = clone(graded.pristine, tmp_path / "course")
    a = GRADED[0]
    nb = LESSONS[a][0].stem
    data = course.path("release", a, f"{nb}.ipynb").read_bytes()
    folder = tmp_path / "inbox"
    files = [folder / f"carol__{nb}.ipynb", folder / "dave" / a / f"{nb}.ipynb",
             folder / "week 3" / f"erin__{nb}.ipynb"]
    when = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc).timestamp()
    for f in files:
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(data)
        os.utime(f, (when, when))
    collected, warnings = pipeline.collect(course, folder)
    assert not warnings
    assert sorted(c.student for c in collected) == ["carol", "dave", "erin"]
    for student in ["carol", "dave", "erin"]:
        assert course.path("submitted", student, a, "timestamp.txt").read_text() == (
            "2026-01-02 03:04:05.000000 UTC")
    assert [u[0] for u in pipeline.units(course)] == ["carol", "dave", "erin"]


# The command line --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def scratch(graded, tmp_path_factory) -> Path:
    """A released course whose configuration the error cases may overwrite."""
    return clone(graded.pristine, tmp_path_factory.mktemp("cli") / "course").root


def course_command(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([str(BIN / "course"), *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=600)


@pytest.mark.parametrize("args, message", [
    (["autograde", "nb99"], "unknown assignment 'nb99'"),
    (["export", "--root", "{missing}"], "no course directory"),
    (["export", "--db", "mysql://someone@localhost/grades"], "unsupported database URL"),
    (["export", "--db", "sqlite:////no/such/folder/gradebook.db"], "cannot open the gradebook"),
    (["autograde", "--student", "nobody"], "no submissions from nobody"),
    (["collect", "/no/such/submissions.zip"], "nothing to collect"),
], ids=["unknown-assignment", "missing-root", "bad-db-url", "unreachable-db",
        "unknown-student", "missing-submissions"])
def test_wrong_use_is_one_line_on_stderr(scratch, tmp_path, args, message):
    args = [a.replace("{missing}", str(tmp_path / "missing")) for a in args]
    if "--root" not in args:
        args += ["--root", str(scratch)]
    done = course_command(*args)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert done.stderr.startswith("course ") and message in done.stderr


# Self-check and nbgrader validate ----------------------------------------------------------

@pytest.mark.parametrize("assignment", list(LESSONS))
def test_course_check_fails_every_exercise_of_the_stub_and_passes_the_solution(
        graded, tmp_path, capsys, assignment):
    for source_path in LESSONS[assignment]:
        release = graded.course.path("release", assignment, source_path.name)
        exercises = exercises_of(source_path)
        stub = tmp_path / f"stub-{source_path.name}"
        shutil.copy(release, stub)
        assert cli.main(["check", str(stub)]) == 1
        out = capsys.readouterr().out
        assert [ln.split()[1] for ln in out.splitlines() if ln.startswith("\u2717")] == exercises
        assert f"0 of {len(exercises)} exercises pass" in out
        answer = tmp_path / f"solved-{source_path.name}"
        nbformat.write(solved(release, source_path), answer)
        assert cli.main(["check", str(answer)]) == 0
        out = capsys.readouterr().out
        assert [ln.split()[1] for ln in out.splitlines() if ln.startswith("\u2713")] == exercises
        assert f"{len(exercises)} of {len(exercises)} exercises pass" in out


def nbgrader_validate(course: Course, *paths: Path, invert: bool = False) -> dict[str, str]:
    """Run ``nbgrader validate`` (kernel execution of the test cells) with the course's
    configuration; returns each notebook's part of the output."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    done = subprocess.run([str(BIN / "nbgrader"), "validate", *(["--invert"] if invert else []),
                           *map(str, paths)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, cwd=course.root, env=env, timeout=600)
    text = done.stdout
    parts = re.split(r"\[ValidateApp \| INFO\] Validating '(.*?)'\n", text)
    return {Path(parts[i]).name: parts[i + 1] for i in range(1, len(parts), 2)}


def test_nbgrader_validate_agrees_with_course_check(graded, tmp_path):
    stubs, answers, exercises = [], [], {}
    for assignment in GRADED:
        for source_path in LESSONS[assignment]:
            release = graded.course.path("release", assignment, source_path.name)
            stubs.append(tmp_path / f"stub-{source_path.name}")
            shutil.copy(release, stubs[-1])
            answers.append(tmp_path / f"solved-{source_path.name}")
            nbformat.write(solved(release, source_path), answers[-1])
            exercises[stubs[-1].name] = exercises_of(source_path)
    verdicts = nbgrader_validate(graded.course, *stubs, *answers)
    assert len(verdicts) == len(stubs) + len(answers), verdicts
    for stub in stubs:
        out = verdicts[stub.name]
        failed = re.findall(r'^\s+check\("([\w.]+)"\)', out, flags=re.M)
        assert f"VALIDATION FAILED ON {len(exercises[stub.name])} CELL(S)" in out
        assert failed == exercises[stub.name]
    for answer in answers:
        assert "Success! Your notebook passes all the tests." in verdicts[answer.name]
    inverted = nbgrader_validate(graded.course, *stubs, invert=True)
    for stub in stubs:
        assert "Success! The notebook does not pass any tests." in inverted[stub.name]


def test_demo_grades_the_whole_sample_class_of_every_lesson_as_expected(tmp_path):
    """The README's main job: every lesson, every sample student, the expected score."""
    course = Path(sys.executable).parent / "course"
    run = subprocess.run([str(course), "demo", "--root", str(tmp_path / "demo")],
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "all sample students got the expected scores" in run.stdout
    assert "UNEXPECTED" not in run.stdout


def test_every_released_lesson_fails_every_test_cell_as_released(graded, tmp_path):
    """nbgrader's own check on the student versions of all lessons: no test passes."""
    stubs = []
    for assignment, sources in LESSONS.items():
        for source_path in sources:
            stubs.append(tmp_path / source_path.name)
            shutil.copy(graded.course.path("release", assignment, source_path.name), stubs[-1])
    inverted = nbgrader_validate(graded.course, *stubs, invert=True)
    for stub in stubs:
        assert "Success! The notebook does not pass any tests." in inverted[stub.name], stub


def test_autograde_refuses_the_plain_isolation_level_in_one_line(graded, monkeypatch, capsys):
    """Where student code could only run as the grader's own user (no namespaces, not
    root), grading is refused, before anything runs, unless --allow-weak-isolation."""
    monkeypatch.setattr(sandbox, "_isolation", ("plain", []))
    before = sorted(p.stat().st_mtime for p in graded.course.path("results").rglob("*.json"))
    code = cli.main(["autograde", "--root", str(graded.course.root), "--workers", "1"])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err.startswith("course autograde: error: refusing to grade: student code would "
                          "run as this user") and "\n" not in err
    assert "--allow-weak-isolation" in err
    after = sorted(p.stat().st_mtime for p in graded.course.path("results").rglob("*.json"))
    assert before == after


@pytest.mark.skipif(os.geteuid() != 0, reason="the grader is not root here")
def test_the_student_lab_is_not_served_to_others_as_root(graded, capsys):
    code = cli.main(["lab", "--root", str(graded.course.root), "--ip", "0.0.0.0"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "\n" not in err
    assert err.startswith("course lab: error: refusing to serve the student lab on 0.0.0.0 "
                          "as root")
    args = cli._parser().parse_args(["lab", "--root", str(graded.course.root)])
    cmd, env, served = cli.lab_command(graded.course, args)
    assert served == graded.course.path("release")
    assert "--ServerApp.terminals_enabled=False" in cmd
    assert any("'nbgrader.server_extensions.formgrader': False" in c for c in cmd)
    args = cli._parser().parse_args(["lab", "--root", str(graded.course.root), "--instructor"])
    cmd, env, served = cli.lab_command(graded.course, args)
    assert served == graded.course.root and not any("formgrader" in c for c in cmd)
