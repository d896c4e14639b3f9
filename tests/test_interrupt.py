"""Ctrl-C during ``course autograde`` and ``--only-changed``.

The first Ctrl-C (SIGINT to the whole foreground process group, as a terminal
sends it) stops handing out work; the running notebooks get a few seconds, then
are killed and not recorded; the table so far is printed and the exit status is
130.  A second Ctrl-C stops at once.  Nothing is half-written, nothing is left
running or in the temporary folder, and ``--only-changed`` continues the run.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grading import pipeline
from grading.course_dir import REPO, Course

BIN = Path(sys.executable).parent
NB = "nb01_derivatives"
SLEEP = 7  # seconds in each submission's first answer: longer than the grace of Ctrl-C


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("interrupt") / "course"
    pipeline.release(Course(root, create=True), ["nb01"], None)
    return root


def _class(released: Path, tmp_path: Path, sleep: float) -> Course:
    """Four students whose first answer sleeps ``sleep`` seconds."""
    import shutil

    shutil.copytree(released, tmp_path / "course")
    course = Course(tmp_path / "course")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    nb = json.loads(course.path("release", "nb01", f"{NB}.ipynb").read_text())
    first = next(c for c in nb["cells"] if c["cell_type"] == "code"
                 and c["metadata"].get("nbgrader", {}).get("solution"))
    first["source"] = f"import time\ntime.sleep({sleep})\n" + "".join(first["source"])
    for student in ("s1", "s2", "s3", "s4"):
        (inbox / f"{student}__{NB}.ipynb").write_text(json.dumps(nb))
    pipeline.collect(course, inbox)
    return course


@pytest.fixture
def course(released, tmp_path) -> Course:
    return _class(released, tmp_path, SLEEP)


@pytest.fixture
def quick(released, tmp_path) -> Course:
    return _class(released, tmp_path, 0)


def _start(course: Course, tmp: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(tmp)}
    return subprocess.Popen([str(BIN / "course"), "autograde", "--workers", "2", "--root",
                             str(course.root), *extra], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)  # its own group: Ctrl-C goes to it all


def _results(course: Course) -> list[Path]:
    return sorted(course.path("results").glob("*/*/*.json"))


def _wait_for_results(proc, course: Course, n: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while len(_results(course)) < n:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "no results"
        time.sleep(0.1)


def _leftovers(tmp: Path) -> list[str]:
    running = subprocess.run(["pgrep", "-f", str(tmp)], capture_output=True, text=True)
    return [p.name for p in tmp.iterdir()] + running.stdout.split()


def test_ctrl_c_finishes_what_it_can_prints_the_table_and_a_rerun_continues(course, open_tmp):
    tmp = open_tmp
    proc = _start(course, tmp)
    _wait_for_results(proc, course, 2)  # s1 and s2 done; s3 and s4 are then started
    time.sleep(1.5)
    t0 = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    stopped_after = time.monotonic() - t0
    assert proc.returncode == 130, err
    assert stopped_after < pipeline._CtrlC.GRACE + 3  # killed, not waited for (7 s each)
    assert "stopping: the running notebooks get 5 s to finish" in err
    assert "interrupted: 2 of 4 notebooks recorded; run it again with --only-changed" in err
    assert "Traceback" not in err
    table = [line for line in out.splitlines() if line.startswith(("s1", "s2", "s3", "s4"))]
    assert [line.split()[0] for line in table] == ["s1", "s2"]
    assert "nb01: 2 notebooks, 2 graded" in out
    done = _results(course)  # whole files only, for s1 and s2 only
    assert [p.parent.name for p in done] == ["s1", "s2"]
    assert all(json.loads(p.read_text())["status"] == "graded" for p in done)
    assert not list(course.path("results").rglob("*.tmp"))
    assert _leftovers(tmp) == []

    again = _start(course, tmp, "--only-changed")
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert "4 notebooks: 4 graded, 0 failed, 0 missing (2 unchanged since the last run" in out
    rows = {line.split()[0]: line for line in out.splitlines() if line.startswith("s")}
    assert "(unchanged)" in rows["s1"] and "(unchanged)" not in rows["s3"]
    assert [p.parent.name for p in _results(course)] == ["s1", "s2", "s3", "s4"]
    assert _leftovers(tmp) == []


def test_a_second_ctrl_c_stops_at_once(course, open_tmp):
    tmp = open_tmp
    proc = _start(course, tmp)
    deadline = time.monotonic() + 60
    while not list(tmp.glob("course-run-*")):  # the students' code is running
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.1)
    t0 = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)
    time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert time.monotonic() - t0 < 3
    assert "interrupted: 0 of 4 notebooks recorded" in err
    assert _results(course) == []
    assert _leftovers(tmp) == []


def test_only_changed_grades_new_and_changed_submissions_only(quick):
    import datetime as dt

    from grading import late

    course = quick
    first = {r.student: r for r in pipeline.autograde(course, workers=2, progress=False)}
    assert not any(r.unchanged for r in first.values())
    path = course.path("submitted", "s2", "nb01", f"{NB}.ipynb")
    path.write_text(path.read_text().replace("time.sleep(0)", "time.sleep(0.0)"))
    second = {r.student: r for r in pipeline.autograde(course, workers=2, progress=False,
                                                       only_changed=True)}
    assert {s for s, r in second.items() if r.unchanged} == {"s1", "s3", "s4"}
    assert {s: r.score for s, r in second.items()} == {s: r.score for s, r in first.items()}
    # an extension changes the deadline: that student's unit is graded again
    late.extend(course, "s3", "nb01", dt.datetime(2030, 1, 1))
    third = {r.student: r for r in pipeline.autograde(course, workers=2, progress=False,
                                                      only_changed=True)}
    assert {s for s, r in third.items() if not r.unchanged} == {"s3"}
    # so does a new seed (another course secret) or other limits: everything again
    from grading import sandbox

    fourth = pipeline.autograde(course, workers=2, progress=False, only_changed=True,
                                limits=sandbox.Limits(cell_seconds=9))
    assert not any(r.unchanged for r in fourth)
