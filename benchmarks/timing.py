"""Timing shared by the benchmark scripts."""

from __future__ import annotations

import gc
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
