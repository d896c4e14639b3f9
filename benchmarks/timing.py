"""Timing shared by the benchmark scripts."""

from __future__ import annotations

import gc
import time


def best_times(steps, reps: int) -> list[float]:
    """The fastest of ``reps`` runs of each ``step()``, in seconds, after a warm-up.

    The steps take turns, so that a busy machine slows them alike."""
    for step in steps:
        step()
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
