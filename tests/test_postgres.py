"""The pipeline on a real PostgreSQL gradebook, as a class larger than one
machine would run it: parallel workers, then two shards (two "machines" with
their own course directories) writing to the same gradebook at once.

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


def test_postgres_gradebook_grades_like_sqlite_with_workers_and_shards(postgres, tmp_path):
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

    # Two machines, one gradebook: forget the grades, then grade half each, at once.
    from nbgrader.api import Gradebook

    gb = Gradebook(postgres, course_id="autograd")
    for e in expected:
        gb.remove_submission(e.assignment, e.student)
    gb.close()
    for folder in ["results", "autograded"]:
        shutil.rmtree(pg / folder)
    machine2 = tmp_path / "machine2"
    for folder in ["source", "release", "submitted"]:
        shutil.copytree(pg / folder, machine2 / folder)
    shutil.copy2(pg / ".secret", machine2 / ".secret")
    shards = [start("autograde", "--shard", f"{k}/2", "--workers", "1", "--root", str(root),
                    "--db", postgres) for k, root in [(1, pg), (2, machine2)]]
    outputs = [p.communicate(timeout=900) for p in shards]
    assert [p.returncode for p in shards] == [0, 0], [err[-2000:] for _, err in outputs]
    mine = [{p.parent.name for p in (root / "results").glob("*/*/*.json")}
            for root in (pg, machine2)]
    assert mine[0] and mine[1] and not mine[0] & mine[1]
    assert mine[0] | mine[1] == {e.student for e in expected}
    shutil.copytree(machine2 / "results", pg / "results", dirs_exist_ok=True)
    out = tmp_path / "after-shards"
    out.mkdir()
    course("export", "--root", str(pg), "--db", postgres, "--out", str(out))
    for name in ["grades.csv", "exercises.csv"]:
        assert rows(out / name) == rows(lite / name), name
