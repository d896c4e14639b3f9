"""The checks that notebook test cells call.

A test cell reads::

    check("nb01.central_difference")

``check`` finds the student's definition in the notebook, runs it on the
exercise's visible cases and judges each answer (``course.judging``) against the
expected answer stored with the case.  The cases are plain data, computed by the
instructor's side when the course was built (``course/visible/nbNN.json``, written
by ``grading.kit``): this module has no reference to compute an answer with, and
no hidden case.  A failure raises AssertionError with a message that teaches: the
input as code, the expected and the received value, and a hint.  This is the
students' quick feedback (and nbgrader's Validate); grades are decided by the
autograder, which runs the same judgement outside the student's process.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import json
from importlib import resources

from . import drivers
from .judging import Rule, Verdict, verdict


class MissingCasesError(LookupError):
    """The kit holds no visible cases for this exercise."""


@functools.cache
def lesson_data(lesson: str) -> dict:
    """The visible cases of one lesson ("nb01"), as stored in the kit."""
    try:
        text = resources.files("course").joinpath("visible", f"{lesson}.json").read_text()
    except (FileNotFoundError, OSError):
        raise MissingCasesError(f"no visible cases for lesson {lesson} in this installation "
                           "(is the students' kit up to date?)") from None
    return json.loads(text)


def exercise_data(exercise_id: str) -> tuple[Rule, list[dict], int]:
    """(the judging rule, the visible cases, the points) of one exercise."""
    data = lesson_data(exercise_id.split(".")[0])["exercises"]
    if exercise_id not in data:
        raise MissingCasesError(f"no visible cases for exercise {exercise_id} in this "
                           "installation (is the students' kit up to date?)")
    ex = data[exercise_id]
    return Rule.from_json(ex["rule"]), ex["cases"], ex["points"]


def judge_case(rule: Rule, case: dict, received, **error) -> Verdict:
    """Judge one plain-data answer (or an error: ``status``, ``error``, ``message``)."""
    if error:
        return verdict(rule, case["args"], case["input"], None, received, **error)
    return verdict(rule, case["args"], case["input"], case["expected"], received,
                   data=case["data"], mistakes=case["mistakes"])


def run_checks(exercise_id: str, namespace: dict) -> tuple[Verdict, int]:
    """The verdict on the first failing visible case (or a pass), and how many cases
    were checked.  A stub's NotImplementedError propagates (its traceback points at the
    line to replace)."""
    rule, todo, _ = exercise_data(exercise_id)
    for case in todo:
        rules = (drivers.by_hand(namespace, rule.keep, rule.name) if rule.by_hand
                 else contextlib.nullcontext())
        with rules:
            try:
                received = drivers.call(namespace, rule.name, case["args"], rule.driver)
            except NotImplementedError:
                raise
            except Exception as exc:  # noqa: BLE001 (reported to the student, with the input)
                return judge_case(rule, case, None, status="error",
                                  error=type(exc).__name__, message=str(exc)), len(todo)
        result = judge_case(rule, case, received)
        if not result.ok:
            return result, len(todo)
    return Verdict(True, "pass"), len(todo)


def check(exercise_id: str, namespace: dict | None = None) -> None:
    """Check the student's answer to ``exercise_id``; raise AssertionError if it is wrong."""
    if namespace is None:
        namespace = inspect.currentframe().f_back.f_globals
    result, n = run_checks(exercise_id, namespace)
    if not result.ok:
        raise AssertionError(result.message)
    rule = exercise_data(exercise_id)[0]
    print(f"\u2713 {rule.signature or rule.name}: {n} visible checks pass")
