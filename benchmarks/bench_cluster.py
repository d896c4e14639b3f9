"""Grading on a Dask cluster against the local process pool, in one run.

    .venv/bin/python benchmarks/bench_cluster.py [--assignments nb01 ...] [--copies K]

Builds the sample class (``grading.sample_class``, ``--copies`` times under other
ids), copies the course directory, and grades one copy with
``course autograde --workers 2`` and the other with ``course autograde --cluster``
on a Dask scheduler and two single-threaded workers started here on loopback (the
cluster is started, and has graded a copy of the class once, before the clock starts,
as a cluster that is running already would have; that first run is printed too).
Checks that both give the same scores; prints both throughputs, their ratio, the
measured cost per unit, and what a cluster of 50 such 2-core machines would take
for 10,000 students (that last figure is arithmetic on the measured cost, not a
measurement).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_grading import build  # noqa: E402

BIN = Path(sys.executable).parent
ENV = {**os.environ, "PYTHONPATH": str(REPO), "MPLBACKEND": "Agg"}


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def grade(root: Path, *extra: str) -> float:
    t0 = time.perf_counter()
    done = subprocess.run([str(BIN / "course"), "autograde", "--root", str(root), *extra],
                          env=ENV, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if done.returncode != 0:
        sys.exit(f"course autograde {' '.join(extra)} failed:\n{done.stderr[-3000:]}")
    return seconds


def results(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): json.loads(p.read_text())["score"]
            for p in (root / "results").glob("*/*/*.json")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignments", nargs="*", default=["nb01", "nb02", "nb03"])
    parser.add_argument("--copies", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        build(base / "local", args.assignments, args.copies)
        shutil.copytree(base / "local", base / "cluster")
        address = f"tcp://127.0.0.1:{_port()}"
        procs = [subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1",
                                   "--port", address.rsplit(":", 1)[1], "--no-dashboard"],
                                  env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  start_new_session=True)]
        for k in range(2):
            (base / f"w{k}").mkdir()
            procs.append(subprocess.Popen(
                [str(BIN / "dask"), "worker", address, "--nthreads", "1", "--no-dashboard",
                 "--local-directory", str(base / f"w{k}")], cwd=base / f"w{k}", env=ENV,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True))
        try:
            from distributed import Client

            with Client(address, timeout=60) as client:
                client.wait_for_workers(2, timeout=120)
            shutil.copytree(base / "cluster", base / "warm-up")
            cold = grade(base / "warm-up", "--cluster", address)  # workers' first units
            local = grade(base / "local", "--workers", "2")
            remote = grade(base / "cluster", "--cluster", address)
        finally:
            for p in procs:
                os.killpg(p.pid, signal.SIGTERM)
        a, b = results(base / "local"), results(base / "cluster")
        recording = [json.loads(p.read_text())["seconds"].get("database", 0.0)
                     for p in (base / "cluster" / "results").glob("*/*/*.json")]
        assert a == b, "the cluster's scores differ from the local run's"
        n = len(a)
        per_unit = 2 * remote / n  # seconds of one worker per notebook
        print(f"{n} notebooks, the same scores both ways")
        print(f"local --workers 2: {local:7.1f} s  {n / local:5.2f} notebooks/s")
        print(f"Dask, 2 workers:   {remote:7.1f} s  {n / remote:5.2f} notebooks/s "
              f"(on fresh workers, their first run: {cold:.1f} s)")
        print(f"cluster/local throughput: {local / remote:.2f}")
        record = sum(recording) / len(recording)
        print(f"per notebook on one worker: {per_unit:.2f} s; the client records one in "
              f"{record * 1e3:.0f} ms (at most {1 / record:.0f} notebooks/s)")
        workers = 100  # 50 machines x 2 cores
        rate = min(workers / per_unit, 1 / record)
        print(f"on paper, 10,000 students x 9 notebooks on 50 machines x 2 workers: "
              f"{10_000 * 9 / rate / 60:.0f} min "
              f"({'client' if 1 / record < workers / per_unit else 'workers'}-bound)")


if __name__ == "__main__":
    main()
