"""Timing shared by the benchmark scripts."""

from __future__ import annotations

import gc
import resource
import time


def best_times(steps, reps: int, seconds: float = 0.0, clock=time.perf_counter,
               most: int = 20_000) -> list[float]:
    """The fastest of at least ``reps`` runs of each ``step()``, in seconds of ``clock``
    (wall clock; ``time.process_time`` for CPU time), after a warm-up; more runs, at
    most ``most``, if they fit in about ``seconds`` (a small step's best time needs
    many tries to escape the machine's noise).

    The steps take turns, so that a busy machine slows them alike."""
    start = clock()
    for step in steps:
        step()
    one_round = clock() - start
    if seconds > 0:
        reps = max(reps, min(most, int(seconds / max(one_round, 1e-9))))
    best = [float("inf")] * len(steps)
    gc.collect()
    gc.disable()
    try:
        for _ in range(reps):
            for k, step in enumerate(steps):
                start = clock()
                step()
                best[k] = min(best[k], clock() - start)
    finally:
        gc.enable()
    return best


def _faults() -> int:
    """Page faults of this process so far (minor: a fresh page mapped in)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def measure(steps, seconds: float, *, collect: bool = True, blocks: bool = True,
            min_reps: int = 15) -> list[tuple[float, float]]:
    """(best time in seconds, page faults per run) of each ``step()``, after a warm-up.

    The steps take turns, at least ``min_reps`` runs each and as many as fit in about
    ``seconds`` in all.  ``blocks``: in six rounds, each giving every step a sixth of
    its time in a row (after one untimed run); else run by run, as ``best_times``.
    Blocks, because PyTorch's threads and NumPy's BLAS threads spin for a while
    after their work: alternating run by run, each library's threads take cores from
    the other's timed runs.  ``collect=False`` turns the garbage collector off."""
    start = time.perf_counter()
    for step in steps:
        step()
    one_round = time.perf_counter() - start
    gc.collect()
    best = [float("inf")] * len(steps)
    faults = [0] * len(steps)
    runs = [0] * len(steps)
    turns, per_turn = 6, -(-min_reps // 6)
    if not blocks:
        turns, per_turn = max(min_reps, min(20_000, int(seconds / max(one_round, 1e-9)))), 1
    share = seconds / (turns * len(steps)) if blocks else 0.0
    if not collect:
        gc.disable()
    try:
        for _ in range(turns):
            for k, step in enumerate(steps):
                if blocks:
                    step()  # (this library's threads awake again)
                end = time.perf_counter() + share
                n = 0
                while n < per_turn or time.perf_counter() < end:
                    f0 = _faults()
                    t0 = time.perf_counter()
                    step()
                    best[k] = min(best[k], time.perf_counter() - t0)
                    faults[k] += _faults() - f0
                    n += 1
                runs[k] += n
    finally:
        gc.enable()
    return [(b, f / r) for b, f, r in zip(best, faults, runs, strict=True)]
