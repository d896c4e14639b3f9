"""Timing shared by the benchmark scripts."""

from __future__ import annotations

import gc
import resource
import time


def best_times(steps, reps: int, seconds: float = 0.0) -> list[float]:
    """The fastest of at least ``reps`` runs of each ``step()``, in seconds, after a
    warm-up; more runs if they fit in about ``seconds`` (a small step's best time
    needs many tries to escape the machine's noise).

    The steps take turns, so that a busy machine slows them alike."""
    start = time.perf_counter()
    for step in steps:
        step()
    one_round = time.perf_counter() - start
    if seconds > 0:
        reps = max(reps, min(20_000, int(seconds / max(one_round, 1e-9))))
    best = [float("inf")] * len(steps)
    gc.collect()
    gc.disable()
    try:
        for _ in range(reps):
            for k, step in enumerate(steps):
                start = time.perf_counter()
                step()
                best[k] = min(best[k], time.perf_counter() - start)
    finally:
        gc.enable()
    return best


def _faults() -> int:
    """Page faults of this process so far (minor: a fresh page mapped in)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def measure(steps, seconds: float, *, collect: bool = True, turns: int = 6,
            min_reps: int = 15) -> list[tuple[float, float]]:
    """(best time in seconds, page faults per run) of each ``step()``, after a warm-up.

    The steps take turns in blocks: ``turns`` rounds, each giving every step about
    ``seconds / turns`` of runs in a row (at least ``min_reps / turns``).  Blocks, not
    single runs, because PyTorch's and NumPy's BLAS threads spin for a while after
    their work: alternating run by run, each library's threads steal the cores the
    other is timed on.  ``collect=False`` turns the garbage collector off."""
    for step in steps:
        step()
    gc.collect()
    best = [float("inf")] * len(steps)
    faults = [0] * len(steps)
    runs = [0] * len(steps)
    share = seconds / (turns * len(steps))
    if not collect:
        gc.disable()
    try:
        for _ in range(turns):
            for k, step in enumerate(steps):
                step()  # (this library's threads awake again)
                end = time.perf_counter() + share
                n = 0
                while n < -(-min_reps // turns) or time.perf_counter() < end:
                    f0 = _faults()
                    start = time.perf_counter()
                    step()
                    best[k] = min(best[k], time.perf_counter() - start)
                    faults[k] += _faults() - f0
                    n += 1
                runs[k] += n
    finally:
        gc.enable()
    return [(b, f / r) for b, f, r in zip(best, faults, runs, strict=True)]

