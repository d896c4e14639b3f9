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
import sys

from . import drivers
from .exercises import cases, get, judge

BY_HAND = ("this exercise asks for a derivative by hand: minigrad's autograd is switched "
           "off while it is checked")


def check(exercise_id: str, namespace: dict | None = None, *, hidden: bool = False) -> None:
    """Check the student's answer to ``exercise_id``; raise AssertionError if it is wrong."""
    ex = get(exercise_id)
    if namespace is None:
        namespace = inspect.currentframe().f_back.f_globals
    todo = cases(ex, hidden=hidden)
    for args in todo:
        with _autograd_off(ex.by_hand):
            try:
                received = drivers.call(namespace, ex.name, args, ex.driver)
            except NotImplementedError:
                raise
            except drivers.AnswerError as exc:
                raise AssertionError(f"{ex.signature or ex.name}: {exc}") from None
            except Exception as exc:  # noqa: BLE001 (reported to the student, with the input)
                verdict = judge(ex, args, None, status="error", error=type(exc).__name__,
                                message=str(exc))
                raise AssertionError(verdict.message) from None
        verdict = judge(ex, args, received)
        if not verdict.ok:
            raise AssertionError(verdict.message)
    kind = "hidden" if hidden else "visible"
    print(f"\u2713 {ex.signature or ex.name}: {len(todo)} {kind} checks pass")


@contextlib.contextmanager
def _autograd_off(active: bool):
    """While checking a by-hand exercise, minigrad's autograd raises."""
    engine = sys.modules.get("minigrad.engine")
    if not active or engine is None:
        yield
        return

    def refuse(*args, **kwargs):
        raise RuntimeError(BY_HAND)

    saved = engine.run_backward
    engine.run_backward = refuse
    forward = sys.modules.get("minigrad.autograd.forward_ad")
    saved_dual = getattr(forward, "make_dual", None)
    if saved_dual is not None:
        forward.make_dual = refuse
    try:
        yield
    finally:
        engine.run_backward = saved
        if saved_dual is not None:
            forward.make_dual = saved_dual
