"""``torch.utils.benchmark``: ``Timer`` runs a statement many times and reports the
time per run as a ``Measurement``, with PyTorch's algorithm and printout.

A small honest timer: the statement runs as Python's ``timeit`` runs it (``setup``
once, then the statement ``number`` times between two clock readings); nothing is
estimated that was not measured.
"""

from __future__ import annotations

import dataclasses
import math
import textwrap
import timeit as _timeit
from typing import Any

import numpy as np

_IQR_WARN_THRESHOLD, _IQR_GROSS_WARN_THRESHOLD = 0.1, 0.25


@dataclasses.dataclass(frozen=True)
class TaskSpec:
    """What was timed (everything but the globals)."""

    stmt: str
    setup: str
    global_setup: str = ""
    label: str | None = None
    sub_label: str | None = None
    description: str | None = None
    env: str | None = None
    num_threads: int = 1

    @property
    def title(self) -> str:
        if self.label is not None:
            return self.label + (f": {self.sub_label}" if self.sub_label else "")
        if "\n" not in self.stmt:
            return self.stmt + (f": {self.sub_label}" if self.sub_label else "")
        return (f"stmt:{f' ({self.sub_label})' if self.sub_label else ''}\n"
                f"{textwrap.indent(self.stmt, '  ')}")

    def setup_str(self) -> str:
        if self.setup == "pass" or not self.setup:
            return ""
        if "\n" in self.setup:
            return f"setup:\n{textwrap.indent(self.setup, '  ')}"
        return f"setup: {self.setup}"

    def summarize(self) -> str:
        sections = [self.title, self.description or "", self.setup_str()]
        return "\n".join([f"{s}\n" if "\n" in s else s for s in sections if s])


def select_unit(t: float) -> tuple[str, float]:
    """The unit that shows ``t`` seconds as a number of order 1."""
    unit = {-3: "ns", -2: "us", -1: "ms"}.get(int(math.log10(t) // 3), "s")
    return unit, {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1}[unit]


@dataclasses.dataclass(repr=False)
class Measurement:
    """``raw_times``: the seconds each block of ``number_per_run`` runs took."""

    number_per_run: int
    raw_times: list
    task_spec: TaskSpec
    metadata: dict | None = None

    @property
    def times(self) -> list:
        """Seconds per run, of each block."""
        return [t / self.number_per_run for t in self.raw_times]

    def _quantile(self, q: float) -> float:
        return float(np.quantile(np.array(sorted(self.times)), q))

    @property
    def median(self) -> float:
        return self._quantile(0.5)

    @property
    def mean(self) -> float:
        return float(np.mean(self.times))

    @property
    def iqr(self) -> float:
        return self._quantile(0.75) - self._quantile(0.25)

    def meets_confidence(self, threshold: float = _IQR_WARN_THRESHOLD) -> bool:
        return self.iqr / self.median < threshold

    @property
    def has_warnings(self) -> bool:
        return bool(self._warnings())

    def _warnings(self) -> list:
        for threshold, why in [(_IQR_GROSS_WARN_THRESHOLD, "significant environmental influence"),
                               (_IQR_WARN_THRESHOLD, "system fluctuation")]:
            if not self.meets_confidence(threshold):
                verb = "suggests" if threshold == _IQR_GROSS_WARN_THRESHOLD else "could indicate"
                return [f"  WARNING: Interquartile range is {self.iqr / self.median * 100:.1f}% "
                        f"of the median measurement.\n           This {verb} {why}."]
        return []

    def __getattr__(self, name: str) -> Any:
        if name in {f.name for f in dataclasses.fields(TaskSpec)}:
            return getattr(self.task_spec, name)
        raise AttributeError(f"'Measurement' object has no attribute '{name}'")

    @property
    def title(self) -> str:
        return self.task_spec.title

    def __repr__(self) -> str:
        n = len(self.raw_times)
        unit, scale = select_unit(self.median)
        threads = self.task_spec.num_threads
        lines = [object.__repr__(self), self.task_spec.summarize(),
                 f"  {'Median: ' if n > 1 else ''}{self.median / scale:.2f} {unit}"]
        if n >= 4:
            p25, p75 = self._quantile(0.25) / scale, self._quantile(0.75) / scale
            lines.append(f"  IQR:    {self.iqr / scale:.2f} {unit} ({p25:.2f} to {p75:.2f})")
        lines.append(f"  {n} measurement{'s' if n > 1 else ''}, {self.number_per_run} runs "
                     f"{'per measurement,' if n > 1 else ','} {threads} "
                     f"thread{'s' if threads > 1 else ''}")
        return "\n".join(lines + self._warnings()).strip()


class Timer:
    """Time ``stmt`` (Python source) after ``setup``, with ``globals`` (``torch`` is
    this library unless given)."""

    def __init__(self, stmt: str = "pass", setup: str = "pass", global_setup: str = "",
                 timer=_timeit.default_timer, globals: dict | None = None,  # noqa: A002
                 label: str | None = None, sub_label: str | None = None,
                 description: str | None = None, env: str | None = None,
                 num_threads: int = 1, language: str = "python") -> None:
        if not isinstance(stmt, str):
            raise ValueError("Currently only a `str` stmt is supported.")
        if language not in ("python", "py"):
            raise ValueError(f"minigrad's Timer times Python only, not {language!r}")
        if global_setup:
            raise ValueError(f"global_setup is C++ only, got `{global_setup}`. Most likely "
                             "this code can simply be moved to `setup`.")
        import minigrad

        env_globals = dict(globals or {})
        env_globals.setdefault("torch", minigrad)
        stmt, setup = _tidy(stmt), _tidy(setup)
        self._timer = _timeit.Timer(stmt=stmt, setup=setup, timer=timer, globals=env_globals)
        self._task_spec = TaskSpec(stmt=stmt, setup=setup, label=label, sub_label=sub_label,
                                   description=description, env=env, num_threads=num_threads)

    def _timeit(self, number: int) -> float:
        return max(self._timer.timeit(number), 1e-9)

    def timeit(self, number: int = 1000000) -> Measurement:
        """Run ``stmt`` ``number`` times (after a warm-up of a hundredth as many)."""
        self._timeit(max(int(number // 100), 2))
        return Measurement(number, [self._timeit(number)], self._task_spec)

    def _estimate_block_size(self, min_run_time: float) -> int:
        """Runs per block: 1, 10, 100... until the clock's own cost is under 1e-4 of a
        block (and a block takes a thousandth of ``min_run_time``), or a block alone
        exceeds ``min_run_time``."""
        overhead = float(np.median([self._timeit(0) for _ in range(5)]))
        number = 1
        while True:
            taken = self._timeit(number)
            if overhead / taken <= 1e-4 and taken >= min_run_time / 1000:
                break
            if taken > min_run_time or number * 10 > 2147483647:
                break
            number *= 10
        return number

    def blocked_autorange(self, callback=None, min_run_time: float = 0.2) -> Measurement:
        """Blocks of runs (their size chosen first) until ``min_run_time`` has passed."""
        number = self._estimate_block_size(min_run_time)
        times, total = [], 0.0
        while total < min_run_time:
            spent = self._timeit(number)
            times.append(spent)
            total += spent
            if callback:
                callback(number, spent)
        return Measurement(number, times, self._task_spec)


def _tidy(source: str) -> str:
    source = textwrap.dedent(source)
    return (source[1:] if source and source[0] == "\n" else source).rstrip()


__all__ = ["Measurement", "TaskSpec", "Timer", "select_unit"]
