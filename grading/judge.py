"""Judging one submitted notebook: which code runs, and what each exercise scores.

The instructor's notebook is the only source of truth for structure: which
cells are answers, which are tests, their points and ids.  From a submission
we take only code: the answer cells (matched by nbgrader ``grade_id``) and
cells the student added.  Lesson, setup and test cells come from the
instructor's copy, whatever the submission says; stored outputs are ignored.
Differences (edited locked cells, changed points, fake graded cells,
duplicates) are flagged as tampering, and never change a score.

The code runs in the sandbox (``sandbox.py``); each exercise's cases are sent
to it as plain data and the answers judged here (``grading.exercises``).
"""

from __future__ import annotations

import ast
import json
import marshal
from dataclasses import dataclass, field

import nbformat

from course import drivers
from grading import exercises as ex_mod

from . import sandbox


@dataclass
class Spec:
    """What the instructor's notebook says about its cells."""

    name: str
    setup: list[str]  # trusted code run first (imports, helpers)
    solutions: list[str]  # grade_ids of answer cells
    tests: dict[str, int]  # exercise id -> points (its test cell is cell_id(exercise id))
    locked: dict[str, str]  # grade_id -> source, for locked cells (tests, read-only)
    instructor_ids: set[str]  # cell ids of the instructor's cells
    instructor_sources: set[str]  # their sources (release version), to recognise them
    # The imports and definitions of the lesson's own code cells, by the answer cell they
    # come before ("" for those after the last): an answer may use them, as in the notebook.
    lessons: dict[str, list[str]] = field(default_factory=dict)
    # The instructor's answer cells (grade_id -> source): put in place of a student's
    # failing answer when judging a later exercise that builds on it.  Empty when the
    # notebook read is not the instructor's (``course check``).
    answers: dict[str, str] = field(default_factory=dict)

    @property
    def max_score(self) -> int:
        return sum(self.tests.values())


@dataclass
class ExerciseResult:
    id: str
    points: float
    max_points: int
    status: str  # pass, wrong, error, timeout, memory, crashed, malformed
    message: str = ""
    seconds: float = 0.0


@dataclass
class NotebookResult:
    notebook: str
    exercises: list[ExerciseResult] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)  # tampering and other oddities
    problems: list[list[str]] = field(default_factory=list)  # [reason, cell, message] of cells
    status: str = "graded"  # graded, or malformed (nothing could be run)
    reason: str = ""
    cell_seconds: dict[str, float] = field(default_factory=dict)
    run_seconds: float = 0.0

    @property
    def score(self) -> float:
        return sum(e.points for e in self.exercises)

    @property
    def max_score(self) -> int:
        return sum(e.max_points for e in self.exercises)


def _nbgrader(cell) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def lesson_statements(source: str) -> list[str]:
    """The top-level imports, function and class definitions of a lesson cell: what a
    graded answer may rely on having run (demonstrations and plots are left out)."""
    try:
        tree = ast.parse(drivers.python_source(source))
    except SyntaxError:
        return []
    kinds = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return [ast.unparse(stmt) for stmt in tree.body if isinstance(stmt, kinds)]


def spec_from(source: nbformat.NotebookNode, release: nbformat.NotebookNode | None,
              name: str, *, instructor: bool = True) -> Spec:
    """Read the structure from the instructor's source (and release) notebook
    (``instructor=False``: a student's copy, whose answers are not the instructor's)."""
    setup, solutions, tests, locked = [], [], {}, {}
    ids, sources = set(), set()
    lessons: dict[str, list[str]] = {}
    answers: dict[str, str] = {}
    pending: list[str] = []
    for cell in source.cells:
        meta = _nbgrader(cell)
        gid = meta.get("grade_id")
        if "id" in cell:
            ids.add(cell["id"])
        if cell.cell_type == "code" and gid and gid.endswith("setup"):
            setup.append(cell.source)
        elif cell.cell_type == "code" and not meta.get("solution") and not meta.get("grade"):
            pending += lesson_statements(cell.source)
        if meta.get("solution") and gid:
            solutions.append(gid)
            if pending:
                lessons[gid], pending = pending, []
            if instructor:
                answers[gid] = cell.source
        elif meta.get("grade") and gid:
            tests[ex_mod.exercise_id(gid)] = int(meta.get("points", 0))
        if meta.get("locked") and gid:
            locked[gid] = cell.source
        if not meta.get("solution"):
            sources.add(cell.source.strip())
    for cell in (release.cells if release is not None else []):
        meta = _nbgrader(cell)
        if not meta.get("solution"):
            sources.add(cell.source.strip())
        if meta.get("locked") and meta.get("grade_id"):
            locked[meta["grade_id"]] = cell.source
    if pending:
        lessons[""] = pending
    return Spec(name, setup, solutions, tests, locked, ids, sources, lessons, answers)


def read_submission(data: bytes) -> nbformat.NotebookNode:
    """Parse a submitted file; raises ValueError with a reason if it is not a notebook."""
    if not data.strip():
        raise ValueError("the file is empty")
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ValueError(f"the file is not valid notebook JSON ({type(exc).__name__})") from None
    if not isinstance(raw, dict) or "cells" not in raw and "worksheets" not in raw:
        raise ValueError("the file is not a Jupyter notebook")
    try:
        nb = nbformat.reads(json.dumps(raw), as_version=4)
    except Exception as exc:  # noqa: BLE001 (nbformat raises many kinds)
        raise ValueError(f"the notebook cannot be read ({type(exc).__name__})") from None
    if not isinstance(nb.get("cells"), list):
        raise ValueError("the notebook has no cells")
    return nb


def student_code(spec: Spec, nb: nbformat.NotebookNode) -> tuple[list[sandbox.Cell], list[str]]:
    """The code cells to run from a submission, and tampering flags."""
    flags: list[str] = []
    answers: dict[str, str] = {}
    order: list[tuple[str, str]] = []  # (key, source), in notebook order
    seen_tests: set[str] = set()
    for i, cell in enumerate(nb.cells):
        meta = _nbgrader(cell)
        gid = meta.get("grade_id") if isinstance(meta.get("grade_id"), str) else None
        source = cell.get("source", "")
        if not isinstance(source, str):
            continue
        if gid in spec.solutions:
            if cell.get("cell_type") != "code":
                flags.append(f"answer cell {gid} was changed to {cell.get('cell_type')}")
                continue
            if gid in answers:
                flags.append(f"answer cell {gid} appears more than once (the last one counts)")
            else:
                order.append((gid, ""))
            answers[gid] = source
            continue
        eid = ex_mod.exercise_id(gid) if gid else None
        if eid in spec.tests or gid in spec.locked:
            if eid in spec.tests:
                seen_tests.add(eid)
                if meta.get("points") != spec.tests[eid]:
                    flags.append(f"the points of test cell {gid} were edited")
            if source.strip() != spec.locked.get(gid, source).strip():
                flags.append(f"locked cell {gid} was edited (the instructor's version is used)")
            continue
        if gid is not None:
            flags.append(f"unknown graded cell {gid!r} (its metadata is ignored)")
        if cell.get("cell_type") != "code":
            continue
        if cell.get("id") in spec.instructor_ids or source.strip() in spec.instructor_sources:
            continue  # a lesson cell: the instructor's copy is what counts
        order.append((f"cell{i}", source))
    for eid in spec.tests:
        if eid not in seen_tests:
            flags.append(f"test cell {ex_mod.cell_id(eid)} is missing (the instructor's "
                         "version is used)")
    cells = [sandbox.Cell(f"setup{k}", s) for k, s in enumerate(spec.setup)]
    for key, src in order:
        if key in spec.lessons:
            cells.append(sandbox.Cell(f"setup.lesson.{key}", "\n".join(spec.lessons[key])))
        cells.append(sandbox.Cell(key, drivers.python_source(answers.get(key, src))))
    if "" in spec.lessons:
        cells.append(sandbox.Cell("setup.lesson", "\n".join(spec.lessons[""])))
    return cells, flags


def grade(spec: Spec, data: bytes, *, hidden: bool = True, seed: int | None = None,
          limits: sandbox.Limits = sandbox.Limits(), hide=(),
          selfcheck: bool = False) -> NotebookResult:
    """Grade one submitted notebook (raw bytes) against the instructor's spec.

    Grading (``selfcheck=False``) runs by-hand exercises in a separate sandbox where no
    autodiff library can be read, with the instructor's answers in place of the earlier
    answers they call that may use minigrad; an exercise that fails and builds on an
    earlier one that also failed is judged again with the instructor's answer to that
    one in its place, so that one mistake costs one exercise.  ``course check``
    (``selfcheck=True``: the student's own machine, no instructor's answers) runs every
    exercise in one sandbox, by-hand ones the notebook's way (``drivers.by_hand``).
    """
    result = NotebookResult(spec.name)
    try:
        nb = read_submission(data)
    except ValueError as exc:
        result.status, result.reason = "malformed", str(exc)
        result.exercises = [ExerciseResult(e, 0, p, "malformed", str(exc))
                            for e, p in spec.tests.items()]
        return result
    cells, result.flags = student_code(spec, nb)
    exercises = {eid: ex_mod.get(eid) for eid in spec.tests}
    plan = {eid: ex_mod.cases(ex, hidden=hidden, seed=seed) for eid, ex in exercises.items()}
    outcomes: dict[str, sandbox.Outcome] = {}
    cell_errors: dict[str, sandbox.Outcome] = {}

    def probes_of(eids) -> list[sandbox.Probe]:
        return [sandbox.Probe(f"{eid}#{k}", exercises[eid].name, args, exercises[eid].driver,
                              group=eid, by_hand=(list(ex_mod.rule(exercises[eid]).keep)
                                                  if selfcheck and exercises[eid].by_hand
                                                  else None))
                for eid in eids for k, args in enumerate(plan[eid])]

    groups = ([list(exercises)] if selfcheck else
              [[e for e, ex in exercises.items() if not ex.by_hand],
               [e for e, ex in exercises.items() if ex.by_hand]])
    for k, eids in enumerate(groups):
        if not eids:
            continue
        by_hand = not selfcheck and k == 1
        run_cells = _instead(spec, cells, [d for e in eids for d in exercises[e].builds_on
                                           if not ex_mod.get(d).by_hand]) if by_hand else cells
        run = sandbox.run(run_cells, probes_of(eids), limits=limits, hide=list(hide),
                          block=sandbox.BLOCK_FOR_BY_HAND if by_hand else None)
        outcomes.update(run.probes)
        for key, out in run.cells.items():
            if by_hand or key not in cell_errors:
                cell_errors[key] = out
            if out.status != "ok" and not key.startswith(("setup", "instead")) and not any(
                    p[1] == key for p in result.problems):
                result.problems.append([out.status, key, f"{out.error}: {out.message}"[:200]])
            result.cell_seconds[key] = max(result.cell_seconds.get(key, 0.0), out.seconds)
        result.run_seconds += run.seconds
    scores = {}
    for eid, ex in exercises.items():
        answer = cell_errors.get(ex_mod.cell_id(eid, answer=True))
        scores[eid] = _score(ex, spec.tests[eid], plan[eid], outcomes, answer)
    if spec.answers and not selfcheck:
        _judge_on_its_own(spec, exercises, scores, cells, plan, probes_of, limits, hide,
                          result)
    result.exercises = list(scores.values())
    return result


def _instead(spec: Spec, cells: list[sandbox.Cell], eids) -> list[sandbox.Cell]:
    """``cells`` with the instructor's answers to ``eids`` in place of the student's (at
    the same place: later cells may extend what they define).  They are sent compiled,
    without their source."""
    swap = {}
    for eid in dict.fromkeys(eids):
        gid = ex_mod.cell_id(eid, answer=True)
        source = spec.answers.get(gid)
        if source is not None:
            code = compile(drivers.python_source(source), "<the instructor's answer>", "exec",
                           optimize=2)
            swap[gid] = sandbox.Cell(f"instead.{eid}", "", marshal.dumps(code))
    out = [swap.pop(c.key, c) for c in cells]
    return out + list(swap.values())  # (an answer cell the student deleted)


def _judge_on_its_own(spec, exercises, scores, cells, plan, probes_of, limits, hide,
                      result) -> None:
    """Re-judge each failing exercise that builds on failing earlier ones, with the
    instructor's answers to those in place of the student's.  If it passes then, its
    mistake is not its own: it keeps its points, and the message says where to look."""
    failed = {e for e, r in scores.items() if r.status != "pass"}
    for eid in list(exercises):  # notebook order: an earlier exercise is settled first
        ex = exercises[eid]
        causes = [d for d in _all_builds_on(ex) if d in failed]
        if eid not in failed or not causes:
            continue
        run = sandbox.run(_instead(spec, cells, causes), probes_of([eid]), limits=limits,
                          hide=list(hide),
                          block=sandbox.BLOCK_FOR_BY_HAND if ex.by_hand else None)
        result.run_seconds += run.seconds
        again = _score(ex, spec.tests[eid], plan[eid], run.probes, None)
        if again.status == "pass":
            names = " and ".join(f"`{ex_mod.get(d).name}` ({d})" for d in causes)
            again.message = (f"all {len(plan[eid])} cases pass with the instructor's "
                             f"{names} in place of yours: this exercise is right; the "
                             f"mistake is in your {names}, which "
                             + ("fails its own check." if len(causes) == 1 else
                                "fail their own checks."))
            scores[eid] = again
            failed.discard(eid)


def _all_builds_on(ex) -> list[str]:
    found, todo = [], list(ex.builds_on)
    while todo:
        d = todo.pop(0)
        if d not in found:
            found.append(d)
            todo += ex_mod.get(d).builds_on
    return found


def _score(ex, points: int, cases: list, outcomes: dict, answer_cell) -> ExerciseResult:
    seconds = 0.0
    for k, args in enumerate(cases):
        out = outcomes.get(f"{ex.id}#{k}")
        seconds += out.seconds
        verdict = ex_mod.judge(ex, args, out.value, status=out.status, error=out.error,
                               message=out.message)
        if not verdict.ok:
            message = verdict.message
            if answer_cell is not None and answer_cell.status != "ok" and out.status != "ok":
                message = (f"the cell that defines {ex.name} failed "
                           f"({answer_cell.error}: {answer_cell.message})")
                if answer_cell.status in ("timeout", "memory", "crashed"):
                    return ExerciseResult(ex.id, 0, points, answer_cell.status, message, seconds)
            return ExerciseResult(ex.id, 0, points, verdict.status, message, seconds)
    return ExerciseResult(ex.id, points, points, "pass", f"all {len(cases)} cases pass",
                          seconds)
