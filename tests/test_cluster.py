"""Grading on a real Dask cluster on loopback: a scheduler and two workers, each a
separate process in a working directory of its own that holds no course; the same
scores as a local run, and a worker killed mid-run costs nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

pytest.importorskip("distributed")

from grading import cluster, pipeline, sample_class  # noqa: E402
from grading.course_dir import Course, CourseError  # noqa: E402

BIN = Path(sys.executable).parent
DUE = dt.datetime(2030, 1, 1, 12, 0, tzinfo=dt.timezone.utc)
ASSIGNMENTS = ["nb01", "nb02"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self, base: Path):
        self.base, self.port = base, _free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.workers: list[subprocess.Popen] = []
        self.scheduler = self._start("scheduler", [
            str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(self.port),
            "--no-dashboard"])
        for k in range(2):
            self.add_worker(f"worker{k}")

    def _start(self, name: str, cmd: list[str]) -> subprocess.Popen:
        cwd = self.base / name
        cwd.mkdir()
        env = {**os.environ, "MPLBACKEND": "Agg"}
        return subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                                stderr=open(cwd / "log", "w"), start_new_session=True)

    def add_worker(self, name: str) -> subprocess.Popen:
        proc = self._start(name, [str(BIN / "dask"), "worker", self.address, "--nworkers", "1",
                                  "--nthreads", "1", "--no-dashboard", "--no-nanny",
                                  "--local-directory", str(self.base / name)])
        self.workers.append(proc)
        return proc

    def wait_for(self, n: int) -> None:
        from distributed import Client

        with Client(self.address, timeout=60) as client:
            client.wait_for_workers(n, timeout=120)

    def close(self) -> None:
        for proc in [*self.workers, self.scheduler]:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in [*self.workers, self.scheduler]:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    c = Cluster(tmp_path_factory.mktemp("cluster"))
    try:
        c.wait_for(2)
        yield c
    finally:
        c.close()


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    """A released course with the sample class of two lessons collected, and a copy."""
    base = tmp_path_factory.mktemp("class")
    course = Course(base / "course", create=True)
    pipeline.release(course, ASSIGNMENTS, DUE.replace(tzinfo=None))
    expected = [e for e in sample_class.make(course, base / "class", DUE)
                if e.assignment in ASSIGNMENTS]
    submitted = base / "submitted"
    submitted.mkdir()
    for e in expected:
        shutil.copy2(base / "class" / f"{e.student}__{e.notebook}.ipynb", submitted)
    pipeline.collect(course, submitted)
    shutil.copytree(course.root, base / "pristine")
    return base, expected


def _fresh(classroom, name: str) -> Course:
    base, _ = classroom
    shutil.copytree(base / "pristine", base / name)
    return Course(base / name)


def _scores(results) -> dict:
    return {(r.student, r.notebook): (r.status, r.score, r.late) for r in results}


def test_the_cluster_grades_the_class_with_the_local_scores(dask_cluster, classroom):
    _, expected = classroom
    local = pipeline.autograde(_fresh(classroom, "local"), workers=2, progress=False)
    on_cluster = _fresh(classroom, "on-cluster")
    remote = pipeline.autograde(on_cluster, cluster=dask_cluster.address, progress=False)
    assert _scores(remote) == _scores(local)
    assert {(e.student, e.notebook): e.score for e in expected} == {
        (r.student, r.notebook): r.score for r in remote}
    graded = [r for r in remote if r.status == "graded"]
    assert graded and all(on_cluster.path("autograded", r.student, r.assignment,
                                          f"{r.notebook}.ipynb").exists() for r in graded)
    assert len(list(on_cluster.path("results").glob("*/*/*.json"))) == len(remote)


def test_a_worker_killed_mid_run_costs_nothing(dask_cluster, classroom):
    course = _fresh(classroom, "killed")
    reference = _scores(pipeline.autograde(_fresh(classroom, "reference"), workers=2,
                                           progress=False))
    victim = dask_cluster.workers[0]

    done = threading.Event()

    def kill_soon():  # once the first units are back, while the rest are on the workers
        while len(list(course.path("results").glob("*/*/*.json"))) < 3:
            if done.wait(0.05):
                return
        os.killpg(victim.pid, signal.SIGKILL)
        dask_cluster.add_worker("replacement")

    killer = threading.Thread(target=kill_soon, daemon=True)
    killer.start()
    try:
        results = pipeline.autograde(course, cluster=dask_cluster.address, progress=False)
    finally:
        done.set()
        killer.join()
    assert victim.poll() is not None  # it was killed while the class was being graded
    assert _scores(results) == reference
    assert len(results) == len(set(_scores(results)))  # each unit once
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url) as gb:  # one submission per (student, assignment)
        subs = [(s.student.id, s.assignment.name) for a in gb.assignments
                for s in a.submissions]
    assert len(subs) == len(set(subs)) == len({(r.student, r.assignment) for r in results})


def test_a_worker_of_another_version_is_refused_in_one_line(dask_cluster, monkeypatch):
    import minigrad

    monkeypatch.setattr(minigrad, "__version__", "0.0.0")  # here only, not on the workers
    with pytest.raises(CourseError, match=r"^worker tcp://127\.0\.0\.1:\d+ runs "
                                          r"minigrad \S+ \(here 0\.0\.0\): install the "
                                          r"same version on every worker$"):
        cluster.connect(dask_cluster.address)


def test_an_unreachable_scheduler_is_one_line(classroom):
    base, _ = classroom
    run = subprocess.run([str(BIN / "course"), "autograde", "--root", str(base / "course"),
                          "--cluster", f"tcp://127.0.0.1:{_free_port()}"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode != 0
    assert run.stderr.strip().count("\n") == 0 and "Dask scheduler" in run.stderr


def test_a_unit_whose_task_fails_is_recorded_as_failed_once(dask_cluster, classroom,
                                                            monkeypatch):
    """A task that raises on the worker (here: a spec the worker cannot use) is not
    retried forever: its unit is recorded as failed, with the reason, once; the others
    are graded."""
    course = _fresh(classroom, "failing")
    victim = pipeline.units(course)[1]
    prepare = pipeline.prepare_unit

    def broken(course, unit):
        job = prepare(course, unit)
        if tuple(unit) == victim:
            job.spec = dataclasses.replace(job.spec, setup=None)  # judge.grade raises
        return job

    monkeypatch.setattr(pipeline, "prepare_unit", broken)
    results = pipeline.autograde(course, cluster=dask_cluster.address, progress=False)
    failed = [r for r in results if r.status == "failed" and "internal error" in r.reason]
    assert [(r.student, r.assignment, r.notebook) for r in failed] == [victim]
    assert len(results) == len(pipeline.units(course))
    assert course.path("results", victim[1], victim[0], f"{victim[2]}.json").exists()


def test_ctrl_c_on_a_cluster_run_stops_it_and_only_changed_continues(dask_cluster, classroom):
    """Ctrl-C (SIGINT to the command's process group): the queued tasks are cancelled, the
    running ones get a few seconds; what came back is recorded whole, exit 130; a re-run
    with --only-changed grades the rest, to the same scores."""
    import json
    import time

    _, expected = classroom
    course = _fresh(classroom, "interrupted")
    env = {**os.environ, "PYTHONPATH": str(Path(pipeline.__file__).parents[1])}
    cmd = [str(BIN / "course"), "autograde", "--root", str(course.root), "--cluster",
           dask_cluster.address]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, start_new_session=True)
    deadline = time.monotonic() + 120
    while len(list(course.path("results").glob("*/*/*.json"))) < 3:
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.05)
    t0 = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert time.monotonic() - t0 < pipeline._CtrlC.GRACE + 5
    done = list(course.path("results").glob("*/*/*.json"))
    assert all(json.loads(p.read_text())["status"] for p in done)  # whole files
    assert f"interrupted: {len(done)} of {len(expected)} notebooks recorded" in err
    assert len(done) < len(expected)
    again = subprocess.run([*cmd, "--only-changed"], capture_output=True, text=True,
                           env=env, timeout=600)
    assert again.returncode == 0, again.stderr
    assert f"({len(done)} unchanged since the last run" in again.stdout
    results = {(r["student"], r["notebook"]): r["score"] for r in pipeline.load_results(course)}
    assert results == {(e.student, e.notebook): e.score for e in expected}
