"""The hidden checks of the instructor's notebooks (inside ``### BEGIN HIDDEN TESTS``,
so never in a student's copy)::

    from grading.checks import check_hidden
    check_hidden("nb01.central_difference")

They judge the hidden cases with the exercise definitions' references, in the same
words as the visible checks (``course.judging``).
"""

from __future__ import annotations

import contextlib
import inspect

from course import drivers
from grading.exercises import cases, get, judge, rule


def check_hidden(exercise_id: str, namespace: dict | None = None) -> None:
    """Check the answer to ``exercise_id`` on the hidden cases (instructor's seed)."""
    ex = get(exercise_id)
    if namespace is None:
        namespace = inspect.currentframe().f_back.f_globals
    todo = cases(ex, hidden=True)
    keep = rule(ex).keep
    for args in todo:
        rules = (drivers.by_hand(namespace, keep, ex.name) if ex.by_hand
                 else contextlib.nullcontext())
        with rules:
            try:
                received = drivers.call(namespace, ex.name, args, ex.driver)
            except Exception as exc:  # noqa: BLE001 (reported with the input)
                verdict = judge(ex, args, None, status="error", error=type(exc).__name__,
                                message=str(exc))
                raise AssertionError(verdict.message) from None
        verdict = judge(ex, args, received)
        if not verdict.ok:
            raise AssertionError(verdict.message)
    print(f"\u2713 {ex.signature or ex.name}: {len(todo)} hidden checks pass")
