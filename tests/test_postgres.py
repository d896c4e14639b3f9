"""The pipeline on a real PostgreSQL gradebook, as a class larger than one
machine would: parallel workers, then two instructors grading their sections of
the class at once, writing to the same gradebook.

The test starts its own PostgreSQL cluster (Debian's ``postgresql`` package:
``initdb``/``pg_ctl`` from ``/usr/lib/postgresql/*/bin``) in a temporary folder
on a free loopback port, as the ``postgres`` user when run as root (initdb
refuses root), and stops it at the end.  It skips when PostgreSQL is absent.
"""

from __future__ import annotations

import csv
import datetime as dt
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from grading import sample_class
from grading.course_dir import REPO, Course, lessons

PG_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
pytestmark = pytest.mark.skipif(
    not PG_BIN, reason="PostgreSQL is not installed (apt-get install -y postgresql)")
BIN = Path(sys.executable).parent
ASSIGNMENT = next(iter(lessons()), "nb01")
DUE = dt.datetime(2030, 1, 1, 12, 0, tzinfo=dt.timezone.utc)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def postgres():
    """The URL of an empty database on a PostgreSQL server started for this module."""
    pytest.importorskip("psycopg", reason="the PostgreSQL driver is in the dev extra")
    import psycopg

    bindir = Path(PG_BIN[-1]).parent
    home = Path(tempfile.mkdtemp(prefix="course-pg-"))
    as_user = []
    if os.geteuid() == 0:
        shutil.chown(home, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = home / "data", free_port()

    def pg(*args: str) -> None:
        subprocess.run(as_user + [str(bindir / args[0]), *args[1:]], check=True,
                       capture_output=True, timeout=120)

    pg("initdb", "-D", str(data), "-U", "postgres", "-A", "trust", "--no-sync")
    pg("pg_ctl", "-D", str(data), "-l", str(home / "server.log"), "-w", "start", "-o",
       f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=off")
    try:
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres",
                             autocommit=True) as conn:
            conn.execute("CREATE DATABASE grading")
        yield f"postgresql://postgres@127.0.0.1:{port}/grading"
    finally:
        pg("pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(home, ignore_errors=True)


def course(*args: str) -> str:
    """Run the ``course`` console script; returns its output, fails the test on an error."""
    done = subprocess.run([str(BIN / "course"), *args], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([str(BIN / "course"), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO)})


def rows(path: Path) -> list[tuple]:
    with open(path, newline="") as f:
        return sorted(tuple(r) for r in csv.reader(f))


def test_postgres_gradebook_grades_like_sqlite_with_workers_and_two_instructors(postgres, tmp_path):
    due = DUE.replace(tzinfo=None).isoformat()
    lite, pg = tmp_path / "sqlite", tmp_path / "machine1"
    course("release", ASSIGNMENT, "--root", str(lite), "--due", due)
    expected = sample_class.make(Course(lite), tmp_path / "class", DUE)
    course("collect", str(tmp_path / "class"), "--root", str(lite))
    course("autograde", "--workers", "2", "--root", str(lite))
    course("export", "--root", str(lite))

    course("release", ASSIGNMENT, "--root", str(pg), "--db", postgres, "--due", due)
    shutil.copy2(lite / ".secret", pg / ".secret")  # the same hidden cases
    course("collect", str(tmp_path / "class"), "--root", str(pg), "--db", postgres)
    course("autograde", "--workers", "2", "--root", str(pg), "--db", postgres)
    course("export", "--root", str(pg), "--db", postgres)
    for name in ["grades.csv", "exercises.csv"]:
        assert rows(pg / name) == rows(lite / name), name
    with open(pg / "grades.csv", newline="") as f:
        scores = {(r["student_id"], r["assignment"]): float(r["score"])
                  for r in csv.DictReader(f)}
    assert scores == {(e.student, e.assignment): e.score for e in expected}

    # Two instructors, one gradebook: forget the grades, then each grades a section
    # of the class, at once.
    from nbgrader.api import Gradebook

    gb = Gradebook(postgres, course_id="autograd")
    for e in expected:
        gb.remove_submission(e.assignment, e.student)
    gb.close()
    for folder in ["results", "autograded"]:
        shutil.rmtree(pg / folder)
    students = sorted({e.student for e in expected})
    sections = [students[::2], students[1::2]]
    runs = [start("autograde", *[a for s in section for a in ("--student", s)], "--workers", "1",
                  "--root", str(pg), "--db", postgres) for section in sections]
    outputs = [p.communicate(timeout=900) for p in runs]
    assert [p.returncode for p in runs] == [0, 0], [err[-2000:] for _, err in outputs]
    assert {p.parent.name for p in (pg / "results").glob("*/*/*.json")} == set(students)
    out = tmp_path / "after-sections"
    out.mkdir()
    course("export", "--root", str(pg), "--db", postgres, "--out", str(out))
    for name in ["grades.csv", "exercises.csv"]:
        assert rows(out / name) == rows(lite / name), name
