"""The checks that notebook test cells call.

A test cell reads::

    check("nb01.central_difference")                 # visible cases
    ### BEGIN HIDDEN TESTS
    check("nb01.central_difference", hidden=True)    # instructor copy only
    ### END HIDDEN TESTS

``check`` finds the student's definition in the notebook, runs it on the
exercise's cases and compares with the reference (``course.exercises``).
A failure raises AssertionError with a message that teaches: the input, the
expected and the received value, and a hint.  This in-kernel check is the
students' quick feedback (and nbgrader's Validate); grades are decided by the
autograder, which runs the same judgement outside the student's process.
"""

from __future__ import annotations

import contextlib
import inspect

from . import drivers
from .exercises import cases, get, judge


def keep_for(ex) -> list[str]:
    """The earlier answers a by-hand exercise calls that may use minigrad (they are not
    by hand): they run with the real libraries while it is checked."""
    return [get(d).name for d in ex.builds_on if not get(d).by_hand]


def check(exercise_id: str, namespace: dict | None = None, *, hidden: bool = False) -> None:
    """Check the student's answer to ``exercise_id``; raise AssertionError if it is wrong."""
    ex = get(exercise_id)
    if namespace is None:
        namespace = inspect.currentframe().f_back.f_globals
    todo = cases(ex, hidden=hidden)
    for args in todo:
        rule = (drivers.by_hand(namespace, keep_for(ex), ex.name) if ex.by_hand
                else contextlib.nullcontext())
        with rule:
            try:
                received = drivers.call(namespace, ex.name, args, ex.driver)
            except NotImplementedError:
                raise  # a stub: its traceback points at the YOUR CODE HERE line
            except Exception as exc:  # noqa: BLE001 (reported to the student, with the input)
                verdict = judge(ex, args, None, status="error", error=type(exc).__name__,
                                message=str(exc))
                raise AssertionError(verdict.message) from None
        verdict = judge(ex, args, received)
        if not verdict.ok:
            raise AssertionError(verdict.message)
    kind = "hidden" if hidden else "visible"
    print(f"\u2713 {ex.signature or ex.name}: {len(todo)} {kind} checks pass")
