"""Grading on a Dask cluster (``course autograde --cluster tcp://HOST:PORT``).

The client (the instructor's machine, this module) reads the specs, the submissions
and the course secret once and submits one task per unit carrying plain data: the
notebook's bytes, its spec, the seed of the hidden cases and the limits.  A worker
(``dask worker tcp://HOST:PORT`` on any machine with the course package installed)
runs the same sandbox as a local run and returns the verdict; the client alone
writes the gradebook, ``autograded/`` and ``results/``, so workers need neither the
course directory nor the database.

Dask reschedules the tasks of a worker that dies; a unit whose task has killed
``allowed-failures`` workers in a row (Dask's setting, 3 by default) is recorded as
failed with that reason, never retried forever.  Ctrl-C (``stop``, pipeline._CtrlC)
cancels what is still queued; the running tasks get a few seconds, then are cancelled.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from . import judge, sandbox
from .course_dir import CourseError


def versions() -> dict:
    """What a worker must share with the client: the course package and minigrad."""
    from importlib.metadata import PackageNotFoundError, version

    import minigrad

    try:
        course = version("autograd-course")
    except PackageNotFoundError:
        course = "not installed"
    return {"autograd-course": course, "minigrad": minigrad.__version__}


def grade_on_worker(spec: judge.Spec, data: bytes, seed: int,
                    limits: sandbox.Limits) -> judge.NotebookResult:
    """One unit, on a worker: the sandbox and the judging, nothing written."""
    return judge.grade(spec, data, seed=seed, limits=limits, hide=[])


def connect(address: str):
    """A client of the cluster at ``address``, once every worker's versions match ours."""
    try:
        from distributed import Client
    except ImportError:
        raise CourseError("--cluster needs Dask's `distributed` package "
                          "(pip install 'autograd-course[cluster]')") from None
    try:
        client = Client(address, timeout=10)
    except (OSError, TimeoutError) as exc:
        raise CourseError(f"cannot reach the Dask scheduler at {address} ({exc})") from None
    ours = versions()
    workers = client.run(versions)
    if not workers:
        client.close()
        raise CourseError(f"the Dask cluster at {address} has no workers")
    for worker, theirs in sorted(workers.items()):
        if theirs != ours:
            client.close()
            differ = ", ".join(f"{k} {theirs.get(k)} (here {v})" for k, v in ours.items()
                               if theirs.get(k) != v)
            raise CourseError(f"worker {worker} runs {differ}: install the same version "
                              "on every worker")
    return client


def grade(client, jobs: list, seed: int, limits: sandbox.Limits,
          finish: Callable, stop=None) -> Iterator:
    """Submit ``jobs`` (pipeline.Job, with something to grade) through ``client`` (from
    :func:`connect`, closed at the end); yield ``finish(job, graded_or_exception, t0)``
    for each, as they complete.  When ``stop`` (pipeline._CtrlC) is set, the tasks not
    yet started are cancelled, and the others once ``stop.overdue()``."""
    from distributed import as_completed

    try:
        futures = {}
        for job in jobs:
            student, assignment, notebook = job.unit
            future = client.submit(grade_on_worker, job.spec, job.data, seed, limits,
                                   key=f"grade-{assignment}-{notebook}-{student}-{id(job)}",
                                   pure=False)
            futures[future] = (job, time.perf_counter())
        stopping = False
        try:
            done = as_completed(futures)
            while not done.is_empty():
                for future in done.next_batch(block=False) or []:
                    job, t0 = futures.pop(future)
                    if future.cancelled():
                        continue
                    try:
                        outcome = future.result()
                    except Exception as exc:  # noqa: BLE001 (KilledWorker, a lost task)
                        outcome = exc
                    yield finish(job, outcome, t0)
                if stop is not None and stop.at is not None:
                    if not stopping:  # hand out nothing more: what has not started
                        stopping = True
                        processing = {k for keys in client.processing().values()
                                      for k in keys}
                        client.cancel([f for f in futures if f.key not in processing])
                    if stop.overdue() and futures:
                        client.cancel(list(futures))
                        return
                time.sleep(0.05)  # polling: as_completed cannot wait on the Ctrl-C flag
        except KeyboardInterrupt:
            client.cancel(list(futures))
            raise
    finally:
        client.close()
