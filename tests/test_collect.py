"""``course collect`` on what instructors get from an LMS or from nbgrader, and
``course roster``: Canvas and Moodle downloads (LMS ids through the roster),
nbgrader's exchange and ``submitted/`` layouts with their time stamps, any layout
with ``--pattern``, resubmissions (the latest counts, the history is kept), a
corrupt zip member, and the exit codes."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from grading import pipeline
from grading.collect import read_roster
from grading.course_dir import Course, CourseError

BIN = Path(sys.executable).parent
NB = "nb01_derivatives"
DUE = dt.datetime(2026, 12, 1, 23, 59)
ROSTER = ("id,first name,last name,email,lms id\n"
          "alice,Alice,Smith,alice@example.org,101\n"
          "bob,Bob,Jones,bob@example.org,102\n"
          "carol,Carol,Wu,carol@example.org,103\n")


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("collect") / "course"
    course = Course(root, create=True)
    pipeline.release(course, ["nb01"], DUE)
    roster = root.parent / "roster.csv"
    roster.write_text(ROSTER)
    run = subprocess.run([str(BIN / "course"), "roster", str(roster), "--root", str(root)],
                         capture_output=True, text=True)
    assert run.returncode == 0 and "imported 3 students (3 with an LMS id)" in run.stdout, run
    return root


@pytest.fixture
def course(released, tmp_path) -> Course:
    import shutil

    shutil.copytree(released, tmp_path / "course")
    return Course(tmp_path / "course")


def _data(course: Course, marker: str = "") -> bytes:
    nb = json.loads(course.path("release", "nb01", f"{NB}.ipynb").read_text())
    nb["metadata"]["marker"] = marker
    return json.dumps(nb).encode()


def _zip(path: Path, members: dict, when=(2026, 12, 1, 12, 0, 0)) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=when), data)
    return path


def _marker(course: Course, student: str) -> str:
    path = course.path("submitted", student, "nb01", f"{NB}.ipynb")
    return json.loads(path.read_text())["metadata"]["marker"]


def test_the_roster_gives_the_gradebook_names_emails_and_lms_ids(course):
    with course.gradebook() as gb:
        alice = gb.find_student("alice")
        assert (alice.first_name, alice.last_name, alice.email, alice.lms_user_id) == (
            "Alice", "Smith", "alice@example.org", "101")


@pytest.mark.parametrize("text, message", [
    ("id,first name,email\nalice,Alice,a@x\n", "has no column 'last name'"),
    ("id,first name,last name,email\nalice,A,S,a@x\nalice,B,T,b@x\n",
     "line 3: student alice is also on line 2"),
    ("id,first name,last name,email\n../x,A,S,a@x\n", "line 2: '../x' is not a valid student id"),
])
def test_a_bad_roster_is_one_line(tmp_path, text, message):
    path = tmp_path / "roster.csv"
    path.write_text(text)
    with pytest.raises(CourseError, match=message):
        read_roster(path)


def test_a_canvas_download_maps_canvas_ids_through_the_roster(course, tmp_path):
    archive = _zip(tmp_path / "submissions.zip", {
        f"smithalice_101_5551_{NB}.ipynb": _data(course, "alice"),
        f"jonesbob_LATE_102_5552_{NB}-1.ipynb": _data(course, "bob-late"),
        f"wucarol_103_5553_{NB} (1).ipynb": _data(course, "carol"),
        f"doejohn_999_5554_{NB}.ipynb": _data(course, "stranger"),
    })
    collected, warnings = pipeline.collect(course, archive)
    assert sorted(c.student for c in collected) == ["alice", "bob", "carol"]
    assert [_marker(course, s) for s in ("alice", "bob", "carol")] == ["alice", "bob-late",
                                                                       "carol"]
    assert any("LMS id 999 is not in the roster" in w for w in warnings)
    (carol,) = [c for c in collected if c.student == "carol"]
    assert any("graded as nb01_derivatives.ipynb" in f for f in carol.flags)


def test_a_moodle_download_and_a_pattern_of_ones_own(course, tmp_path):
    archive = _zip(tmp_path / "moodle.zip", {
        f"Alice Smith_101_assignsubmission_file_/{NB}.ipynb": _data(course, "alice"),
    })
    collected, _ = pipeline.collect(course, archive)
    assert [c.student for c in collected] == ["alice"]
    folder = tmp_path / "other-lms"
    (folder / "week1").mkdir(parents=True)
    (folder / "week1" / f"ID-102--{NB}.ipynb").write_bytes(_data(course, "bob"))
    collected, _ = pipeline.collect(course, folder,
                                    pattern=r"week1/ID-(?P<lms>\d+)--(?P<notebook>.+)")
    assert [c.student for c in collected] == ["bob"] and _marker(course, "bob") == "bob"


def test_the_exchange_layout_and_timestamp_txt_give_the_receipt_times(course, tmp_path):
    inbound = tmp_path / "exchange" / "autograd" / "inbound"
    for student, stamp in [("alice", "2026-11-30 10:00:00.000000 UTC"),
                           ("bob", "2026-12-02 10:00:00.000000 UTC")]:
        folder = inbound / f"{student}+nb01+{stamp}+a1b2c3"
        folder.mkdir(parents=True)
        (folder / f"{NB}.ipynb").write_bytes(_data(course, student))
    collected, warnings = pipeline.collect(course, tmp_path / "exchange")
    got = {c.student: c.received for c in collected}
    assert got == {"alice": dt.datetime(2026, 11, 30, 10, tzinfo=dt.timezone.utc),
                   "bob": dt.datetime(2026, 12, 2, 10, tzinfo=dt.timezone.utc)}
    assert [w for w in warnings if w.startswith("late: ")] == [
        "late: bob nb01_derivatives (10.0 h after the deadline)"]
    # a copy of nbgrader's submitted/ (new mtimes) keeps the times in timestamp.txt
    copy = tmp_path / "copied"
    folder = copy / "carol" / "nb01"
    folder.mkdir(parents=True)
    (folder / f"Copy of {NB}.ipynb").write_bytes(_data(course, "carol"))
    (folder / "timestamp.txt").write_text("2026-11-29 08:00:00.000000 UTC")
    collected, warnings = pipeline.collect(course, copy)
    assert [(c.student, c.assignment, c.received.day) for c in collected] == [
        ("carol", "nb01", 29)]
    assert not [w for w in warnings if w.startswith("late")]


def test_the_latest_submission_counts_and_the_history_is_kept(course, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    old, new = folder / f"alice__{NB}.ipynb", folder / f"alice__{NB} (1).ipynb"
    old.write_bytes(_data(course, "first"))
    new.write_bytes(_data(course, "second"))
    t = dt.datetime(2026, 11, 28, 9, tzinfo=dt.timezone.utc).timestamp()
    os.utime(old, (t, t))
    os.utime(new, (t + 3600, t + 3600))
    (collected,), _ = pipeline.collect(course, folder)
    assert _marker(course, "alice") == "second"
    assert any("2 submissions collected; the latest counts" in f for f in collected.flags)
    history = json.loads(course.path("submitted", "alice", "nb01", "history.json").read_text())
    assert [(h["file"], h["graded"]) for h in history] == [
        (f"alice__{NB}.ipynb", False), (f"alice__{NB} (1).ipynb", True)]
    kept = course.path("submitted", "alice", "nb01", "history")
    assert len(list(kept.iterdir())) == 2
    # an older file collected later does not replace the newer one
    later = tmp_path / "late-upload"
    later.mkdir()
    stale = later / f"alice__{NB}.ipynb"
    stale.write_bytes(_data(course, "stale"))
    os.utime(stale, (t - 3600, t - 3600))
    pipeline.collect(course, later)
    assert _marker(course, "alice") == "second"
    assert pipeline.units(course) == [("alice", "nb01", NB)]


def test_a_corrupt_zip_member_is_skipped_and_the_rest_collected(course, tmp_path):
    archive = _zip(tmp_path / "broken.zip", {f"alice__{NB}.ipynb": _data(course, "alice"),
                                             f"bob__{NB}.ipynb": _data(course, "bob")})
    raw = bytearray(archive.read_bytes())
    at = raw.find(b'"marker": "bob"') if b'"marker": "bob"' in raw else raw.find(b"bob", 200)
    raw[at:at + 3] = b"xyz"  # the member's bytes no longer match its CRC
    archive.write_bytes(bytes(raw))
    collected, warnings = pipeline.collect(course, archive)
    assert [c.student for c in collected] == ["alice"]
    assert any(w.startswith(f"skipped bob__{NB}.ipynb: unreadable") for w in warnings)
    assert not course.path("submitted", "bob").exists()


def test_collect_exits_1_when_nothing_in_the_input_is_a_submission(course, tmp_path):
    folder = tmp_path / "wrong"
    folder.mkdir()
    (folder / "notes.txt").write_text("hello")
    (folder / "essay.ipynb").write_text("{}")
    run = subprocess.run([str(BIN / "course"), "collect", str(folder), "--root",
                          str(course.root)], capture_output=True, text=True)
    assert run.returncode == 1, run
    assert "collected 0 notebooks" in run.stdout and "nothing was collected" in run.stderr
    bad = subprocess.run([str(BIN / "course"), "collect", str(folder), "--root",
                          str(course.root), "--pattern", "(?P<x>"], capture_output=True,
                         text=True)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "--pattern" in bad.stderr


def test_exports_for_canvas_and_moodle_have_every_rostered_student(course, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    solved = json.loads(_data(course, "alice"))
    (folder / f"alice__{NB}.ipynb").write_text(json.dumps(solved))
    pipeline.collect(course, folder)
    run = subprocess.run([str(BIN / "course"), "autograde", "--workers", "1", "--root",
                          str(course.root)], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    assert "nb01: 1 notebooks, 1 graded (mean " in run.stdout  # the per-assignment summary
    (result,) = [pipeline.UnitResult(**r) for r in pipeline.load_results(course)]
    for fmt in ("canvas", "moodle"):
        run = subprocess.run([str(BIN / "course"), "export", "--format", fmt, "--root",
                              str(course.root), "--out", str(tmp_path / fmt)],
                             capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
    import csv

    with open(tmp_path / "canvas" / "grades-canvas.csv", newline="") as f:
        canvas = list(csv.reader(f))
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "nb01"]
    assert canvas[1][0] == "Points Possible" and float(canvas[1][5]) == result.max_score
    rows = {r[2]: r for r in canvas[2:]}
    assert sorted(rows) == ["alice", "bob", "carol"]  # the whole roster, submitted or not
    assert rows["alice"][:4] == ["Smith, Alice", "101", "alice", "alice@example.org"]
    assert float(rows["alice"][5]) == result.score and rows["bob"][5] == "0"
    with open(tmp_path / "moodle" / "grades-moodle.csv", newline="") as f:
        moodle = list(csv.reader(f))
    assert moodle[0] == ["First name", "Last name", "ID number", "Email address", "nb01"]
    assert sorted(r[2] for r in moodle[1:]) == ["alice", "bob", "carol"]
    with open(tmp_path / "canvas" / "grades.csv", newline="") as f:
        grades = {r["student_id"]: r for r in csv.DictReader(f)}
    assert grades["carol"]["status"] == "missing" and grades["carol"]["score"] == "0"


def _course_cmd(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "course"), *args], capture_output=True, text=True,
                          timeout=600)


def test_safety_of_the_course_directory_and_its_secret(course, tmp_path):
    # --root at a folder with files that is not a course: refused, nothing written there
    stranger = tmp_path / "my-documents"
    stranger.mkdir()
    (stranger / "thesis.tex").write_text("...")
    run = _course_cmd("release", "nb01", "--root", str(stranger))
    assert run.returncode == 2 and "is not a course directory" in run.stderr
    assert sorted(p.name for p in stranger.iterdir()) == ["thesis.tex"]
    # a moved course gets its configuration rewritten
    moved = tmp_path / "moved"
    course.root.rename(moved)
    run = _course_cmd("export", "--root", str(moved), "--out", str(tmp_path / "out"))
    assert run.returncode == 0, run.stderr
    assert repr(str(moved)) in (moved / "nbgrader_config.py").read_text()
    assert (tmp_path / "out" / "grades.csv").exists()  # (--out made)
    # nothing collected: autograde says so, exit 1
    run = _course_cmd("autograde", "--root", str(moved))
    assert run.returncode == 1 and "no submissions to grade" in run.stderr
    # the secret is never made again silently
    (moved / ".secret").unlink()
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / f"alice__{NB}.ipynb").write_bytes(_data(Course(moved), "a"))
    assert _course_cmd("collect", str(folder), "--root", str(moved)).returncode == 0
    run = _course_cmd("autograde", "--root", str(moved))
    assert run.returncode == 2 and "no course secret" in run.stderr
    assert run.stderr.strip().count("\n") == 0


def test_usage_mistakes_and_the_due_date(tmp_path):
    run = _course_cmd("autograde", "--workers", "0", "--root", str(tmp_path))
    assert run.returncode == 2 and "must be a positive integer" in run.stderr
    run = _course_cmd("release", "nb01", "--root", str(tmp_path / "c"), "--due",
                      "2020-01-01T12:00+02:00")
    assert run.returncode == 0, run.stderr
    assert "2020-01-01 10:00 UTC is in the past" in run.stderr
    with Course(tmp_path / "c").gradebook() as gb:
        assert gb.find_assignment("nb01").duedate == dt.datetime(2020, 1, 1, 10, 0)
    assert "local time" in _course_cmd("release", "--help").stdout


def test_autograde_leaves_no_temporary_folders(course, tmp_path, open_tmp):
    folder = tmp_path / "inbox"
    folder.mkdir()
    for student in ("alice", "bob", "carol"):
        (folder / f"{student}__{NB}.ipynb").write_bytes(_data(course, student))
    pipeline.collect(course, folder)
    tmp = open_tmp
    run = subprocess.run([str(BIN / "course"), "autograde", "--workers", "2", "--root",
                          str(course.root)], capture_output=True, text=True, timeout=600,
                         env={**os.environ, "TMPDIR": str(tmp)})
    assert run.returncode == 0, run.stderr
    assert "3 notebooks" in run.stdout
    assert list(tmp.iterdir()) == []  # the sandbox's library and run folders are gone


def test_the_late_policy_and_an_extension(course, tmp_path):
    """1 point per started day late, at most 3: bob, 30 h late, loses 2; carol, as late
    but with an extension past her time, loses nothing; alice was on time."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    solved = course.path("source", "nb01", f"{NB}.ipynb").read_bytes()  # the solutions
    due = DUE.replace(tzinfo=dt.timezone.utc)
    for student, hours in [("alice", -1), ("bob", 30), ("carol", 30)]:
        path = folder / f"{student}__{NB}.ipynb"
        path.write_bytes(solved)
        t = (due + dt.timedelta(hours=hours)).timestamp()
        os.utime(path, (t, t))
    for cmd in (["late-policy", "per-day", "--penalty", "1", "--cap", "3"],
                ["extend", "carol", "nb01", "--until", "2026-12-03T12:00+00:00"],
                ["collect", str(folder)], ["autograde", "--workers", "1"],
                ["export", "--format", "canvas"], ["feedback"]):
        run = _course_cmd(*cmd, "--root", str(course.root))
        assert run.returncode == 0, (cmd, run.stderr)
    import csv

    with open(course.root / "grades.csv", newline="") as f:
        rows = {r["student_id"]: r for r in csv.DictReader(f)}
    raw = float(rows["alice"]["score"])
    assert raw > 2  # (the solutions score: the test can see a deduction)
    assert (rows["alice"]["late"], rows["alice"]["late_deduction"]) == ("no", "0")
    assert (rows["bob"]["late"], rows["bob"]["late_deduction"]) == ("yes", "2")
    assert float(rows["bob"]["score"]) == raw - 2
    assert float(rows["bob"]["score_before_deduction"]) == raw
    assert (rows["carol"]["late"], float(rows["carol"]["score"])) == ("no", raw)
    with open(course.root / "grades-canvas.csv", newline="") as f:
        canvas = {r[2]: r for r in csv.reader(f)}
    assert float(canvas["bob"][5]) == raw - 2
    page = course.path("feedback", "bob", "nb01", f"{NB}.results.html").read_text()
    assert "30.0 h after the deadline; 2 points deducted: 1 points per started day late, " \
           "at most 3" in page
    assert f"Score: {raw - 2:g} / " in page
    bad = _course_cmd("late-policy", "per-day", "--root", str(course.root))
    assert bad.returncode == 2 and "--penalty must be a positive number" in bad.stderr
