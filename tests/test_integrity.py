"""Hostile and broken submissions can neither fool nor break the autograder.

One honest student is graded first; then a batch of hostile and broken
submissions of lesson 1, each with the score it deserves and the reason the
report must give.  After the batch: every case got exactly its score, the
batch finished, the honest student's grade and files are untouched, the
instructor's files are byte-identical and no existing gradebook row changed
(grading only added the new submissions' rows).  See grading/SECURITY.md.
"""

from __future__ import annotations

import copy
import hashlib
import json
import signal
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

from grading import pipeline, sandbox
from grading.course_dir import REPO, Course
from grading.exercises import cell_id

NB = "nb01_derivatives"
FULL = 10
POINTS = {"nb01.forward_difference": 2, "nb01.central_difference": 2, "nb01.partial_x": 3,
          "nb01.directional_at_origin": 3}
LIMITS = sandbox.Limits(cell_seconds=3, probe_seconds=3, notebook_seconds=45)

WRONG_CENTRAL = "def central_difference(f, x, h):\n    return (f(x + h) - f(x - h)) / h\n"


@dataclass
class Case:
    name: str
    score: float
    reasons: set = field(default_factory=set)  # problem reasons that must be reported
    flagged: bool = False  # tampering must be flagged
    status: str = "graded"


def _release() -> nbformat.NotebookNode:
    return nbformat.read(REPO / "notebooks" / "nb01" / f"{NB}.ipynb", 4)


def _solutions(source) -> dict:
    return {c.metadata["nbgrader"]["grade_id"]: c.source for c in source.cells
            if c.metadata.get("nbgrader", {}).get("solution")}


def _perfect(source):
    nb = copy.deepcopy(source)
    for c in nb.cells:
        c.outputs = [] if c.cell_type == "code" else c.get("outputs")
        if c.cell_type == "code":
            c.execution_count = None
    return nb


def _cell(nb, code: str, at: int | None = None):
    cell = nbformat.v4.new_code_cell(code)
    nb.cells.insert(len(nb.cells) if at is None else at, cell)
    return nb


def _answer(nb, exercise: str, code: str):
    for c in nb.cells:
        if c.metadata.get("nbgrader", {}).get("grade_id") == cell_id(exercise, answer=True):
            c.source = code
    return nb


def _test_cell(nb, exercise: str):
    return next(c for c in nb.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == cell_id(exercise))


def corpus(source) -> dict[str, tuple[Case, bytes]]:
    """student id -> (expected result, submitted bytes)."""
    cases: dict[str, tuple[Case, bytes]] = {}

    def add(case: Case, nb=None, raw: bytes | None = None):
        cases[case.name] = (case, raw if raw is not None else nbformat.writes(nb).encode())

    P = lambda: _perfect(source)  # noqa: E731
    add(Case("infinite-loop", FULL, {"timeout"}), _cell(P(), "while True:\n    pass\n", at=3))
    add(Case("sigint-ignoring-loop", FULL, {"timeout"}), _cell(P(), (
        "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\nwhile True:\n    pass\n")))
    add(Case("memory-bomb", FULL, {"memory"}), _cell(P(), "hog = 'x' * 10**11\n"))
    add(Case("fork-bomb", FULL), _cell(P(), "import os\nwhile True:\n    os.fork()\n"))
    add(Case("os-exit", FULL, {"crashed"}), _cell(P(), "import os\nos._exit(0)\n", at=3))
    add(Case("sys-exit", FULL), _cell(P(), "import sys\nsys.exit(1)\n", at=3))
    add(Case("kill-kernel", FULL, {"crashed"}), _cell(P(), (
        f"import os\nos.kill(os.getpid(), {int(signal.SIGKILL)})\n")))
    add(Case("output-flood", FULL), _cell(P(), "for _ in range(200000):\n    print('x' * 100)\n"))
    add(Case("input-transformer", FULL - 2), _answer(_cell(P(), (
        "get_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'])\n"), at=3),
        "nb01.central_difference", WRONG_CENTRAL))
    add(Case("ast-transformer-and-hook", FULL - 2), _answer(_cell(P(), (
        "import ast\nip = get_ipython()\nip.ast_transformers.append(ast.NodeTransformer())\n"
        "ip.events.register('pre_run_cell', lambda *a: None)\n"), at=3),
        "nb01.central_difference", WRONG_CENTRAL))
    add(Case("patch-course-checks", FULL - 2), _answer(_cell(P(), (
        "import course.checks, course.judging, grading.exercises\n"
        "course.checks.check = lambda *a, **k: None\n"
        "course.judging.difference = lambda *a, **k: None\n"
        "grading.exercises.difference = lambda *a, **k: None\n")),
        "nb01.central_difference", WRONG_CENTRAL))
    add(Case("patch-minigrad-numpy-builtins", FULL - 2), _answer(_cell(P(), (
        "import builtins, numpy as np\n"
        "np.allclose = lambda *a, **k: True\nnp.isclose = lambda *a, **k: True\n"
        "builtins.AssertionError = type('Nothing', (Exception,), {})\n"
        "try:\n    import minigrad\n    minigrad.autograd.grad = lambda *a, **k: (1.0,)\n"
        "except ImportError:\n    pass\n")), "nb01.central_difference", WRONG_CENTRAL))
    add(Case("lying-float", FULL - 2), _answer(P(), "nb01.central_difference", (
        "class Liar(float):\n    def __eq__(self, other):\n        return True\n"
        "    __hash__ = float.__hash__\n"
        "def central_difference(f, x, h):\n    return Liar(0.0)\n")))
    add(Case("nan-answer", FULL - 2), _answer(P(), "nb01.central_difference",
                                            "def central_difference(f, x, h):\n"
                                            "    return float('nan')\n"))
    add(Case("read-solutions-from-disk", FULL - 2), _answer(P(), "nb01.central_difference", (
        "import json, glob\n"
        "for path in glob.glob('/**/nb01_derivatives.ipynb', recursive=True)[:50]:\n"
        "    try:\n        nb = json.load(open(path))\n    except Exception:\n        continue\n"
        "    for c in nb['cells']:\n"
        "        if 'def central_difference' in ''.join(c['source']) and "
        "'BEGIN SOLUTION' in ''.join(c['source']):\n"
        "            exec(''.join(c['source']))\n")))
    add(Case("write-gradebook-and-others", FULL), _cell(P(), (
        "import glob, sqlite3\n"
        "for db in glob.glob('/**/gradebook.db', recursive=True)[:20]:\n"
        "    try:\n"
        "        con = sqlite3.connect(db)\n"
        "        con.execute('UPDATE grade SET manual_score = 99')\n"
        "        con.commit()\n"
        "    except Exception:\n        pass\n"
        "for f in glob.glob('/**/submitted/*/nb01/*.ipynb', recursive=True)[:50]:\n"
        "    try:\n        open(f, 'w').write('{}')\n    except Exception:\n        pass\n")))
    add(Case("detects-grading-mode", FULL - 2), _answer(P(), "nb01.central_difference", (
        "import os, sys\n"
        "GRADING = 'course.checks' not in sys.modules or 'NBGRADER_EXECUTION' in os.environ\n"
        "def central_difference(f, x, h):\n"
        "    good = (f(x + h) - f(x - h)) / (2 * h)\n"
        "    return good + (1.0 if GRADING else 0.0)\n")))
    nb = _answer(P(), "nb01.central_difference", WRONG_CENTRAL)
    _test_cell(nb, "nb01.central_difference").source = "pass"
    add(Case("edited-test-cell", FULL - 2, flagged=True), nb)
    nb = P()
    for c in nb.cells:
        meta = c.metadata.get("nbgrader", {})
        if meta.get("grade"):
            meta["points"] = 100
        if meta.get("locked") and c.cell_type == "code" and not meta.get("grade"):
            c.cell_type = "markdown"
            c.pop("outputs", None)
            c.pop("execution_count", None)
    add(Case("edited-metadata", FULL, flagged=True), nb)
    nb = _cell(P(), "print('free points')")
    nb.cells[-1].metadata["nbgrader"] = {"grade": True, "grade_id": "bonus", "points": 50,
                                         "locked": False, "solution": False,
                                         "schema_version": 3}
    add(Case("fake-graded-cell", FULL, flagged=True), nb)
    nb = P()
    dup = copy.deepcopy(next(c for c in nb.cells
                             if c.metadata.get("nbgrader", {}).get("solution")))
    dup["id"] = "copied-cell"
    nb.cells.append(dup)
    add(Case("duplicated-answer-cell", FULL, flagged=True), nb)
    nb = P()
    nb.cells = [c for c in nb.cells if not c.metadata.get("nbgrader", {}).get("grade")]
    add(Case("deleted-test-cells", FULL, flagged=True), nb)
    nb = P()
    nb.cells = list(reversed(nb.cells))
    add(Case("reordered-cells", FULL), nb)  # the setup cell always runs first
    add(Case("invalid-json", 0, status="failed"), raw=b'{"cells": [ {"cell_type": ')
    add(Case("empty-file", 0, status="failed"), raw=b"")
    add(Case("binary-junk", 0, status="failed"), raw=bytes(range(256)) * 40)
    v3 = nbformat.v3.new_notebook(worksheets=[nbformat.v3.new_worksheet(cells=[
        nbformat.v3.new_code_cell(input=src) for src in _solutions(source).values()])])
    add(Case("notebook-format-v3", FULL), raw=nbformat.v3.writes_json(v3).encode())
    add(Case("hard-coded-visible-values", FULL - 2), _answer(P(), "nb01.central_difference",
                                                           _hard_coded_visible()))
    nb = _answer(_answer(P(), "nb01.central_difference",
                         "def central_difference(f, x, h):\n    raise NotImplementedError()\n"),
                 "nb01.forward_difference",
                 "def forward_difference(f, x, h):\n    raise NotImplementedError()\n")
    for exercise in ("nb01.central_difference", "nb01.forward_difference"):
        _test_cell(nb, exercise).outputs = [nbformat.v4.new_output(
            "stream", name="stdout", text="\u2713 all checks pass\n")]
    add(Case("stored-outputs-claim-pass", FULL - 4), nb)
    add(Case("autograd-in-by-hand-exercise", FULL - 3), _answer(P(), "nb01.partial_x", (
        "import minigrad\n"
        "def partial_x(x, y):\n"
        "    tx = minigrad.tensor(x, dtype=minigrad.float64, requires_grad=True)\n"
        "    (y * tx**2 / (tx**2 + y**2)).backward()\n"
        "    return tx.grad.item()\n")))
    add(Case("autograd-in-by-hand-undoing-the-blocker", FULL - 3), _answer(P(), "nb01.partial_x", (
        "import sys\n"
        "sys.meta_path[:] = [f for f in sys.meta_path if 'Blocker' not in type(f).__name__]\n"
        "import glob\n"
        f"sys.path += glob.glob({tempfile.gettempdir() + '/course-sandbox-*'!r})\n"
        "import minigrad\n"
        "def partial_x(x, y):\n"
        "    tx = minigrad.tensor(x, dtype=minigrad.float64, requires_grad=True)\n"
        "    (y * tx**2 / (tx**2 + y**2)).backward()\n"
        "    return tx.grad.item()\n")))
    return cases


def _hard_coded_visible() -> str:
    from course import drivers
    from grading import exercises

    ex = exercises.get("nb01.central_difference")
    table = {}
    for args in exercises.cases(ex):
        table[args[1]["float"]] = exercises.expected(ex, args)
    del drivers
    return (f"TABLE = {table!r}\n"
            "def central_difference(f, x, h):\n    return TABLE.get(x, 0.0)\n")


# Fixtures --------------------------------------------------------------------------------

def _digest(paths) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(paths)
            if p.is_file()}


def _rows(db: Path) -> dict[str, set]:
    con = sqlite3.connect(db)
    tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    rows = {t: set(con.execute(f'SELECT * FROM "{t}"').fetchall()) for t in tables}
    con.close()
    return rows


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    course = Course(root, create=True)
    pipeline.release(course, ["nb01"])
    source = _release()
    inbox = tmp_path_factory.mktemp("inbox")
    (inbox / f"alice__{NB}.ipynb").write_bytes(nbformat.writes(_perfect(source)).encode())
    pipeline.collect(course, inbox)
    honest = pipeline.autograde(course, workers=1, limits=LIMITS, progress=False)
    instructor = [*course.path("source").rglob("*"), *course.path("release").rglob("*"),
                  root / "nbgrader_config.py", root / ".secret"]
    alice_files = [*course.path("submitted", "alice").rglob("*"),
                   *course.path("autograded", "alice").rglob("*"),
                   *course.path("results").rglob("alice/*")]
    before = {"instructor": _digest(instructor), "alice": _digest(alice_files),
              "rows": _rows(root / "gradebook.db")}
    cases = corpus(source)
    hostile = tmp_path_factory.mktemp("hostile")
    for student, (_, data) in cases.items():
        (hostile / f"{student}__{NB}.ipynb").write_bytes(data)
    pipeline.collect(course, hostile)
    for name in ("numpy.py", "sitecustomize.py", "course.py"):  # shadowing attempts
        (course.path("submitted", "lying-float", "nb01") / name).write_text(
            "raise SystemExit('shadowed')\n")
    pkg = course.path("submitted", "lying-float", "nb01", "minigrad")
    pkg.mkdir()
    (pkg / "__init__.py").write_text("raise SystemExit('shadowed')\n")
    results = pipeline.autograde(course, students=list(cases), workers=2, limits=LIMITS,
                                 progress=False)
    after = {"instructor": _digest(instructor), "alice": _digest(alice_files),
             "rows": _rows(root / "gradebook.db")}
    return {"course": course, "cases": cases, "honest": honest, "before": before,
            "after": after, "results": {r.student: r for r in [*honest, *results]}}


# The tests -------------------------------------------------------------------------------

CASE_NAMES = sorted(corpus(_release()))


def test_the_isolation_in_use_is_the_strongest_this_machine_allows():
    level = sandbox._choose()[0]
    assert level in ("root", "userns", "unprivileged", "plain")
    if level in ("unprivileged", "plain"):
        pytest.skip("no namespaces here: file-reading attacks are only reported, not blocked")


@pytest.mark.parametrize("student", CASE_NAMES)
def test_hostile_submission_gets_exactly_the_points_it_deserves(graded, student):
    case, _ = graded["cases"][student]
    result = graded["results"][student]
    assert result.score == case.score, result.exercises
    assert result.status == case.status
    if case.status == "failed":
        assert result.reason.startswith("malformed")
    reported = {p[0] for p in result.problems}
    assert case.reasons <= reported, result.problems
    if case.flagged:
        assert result.flags, "tampering must be flagged"


def test_the_batch_finished_with_every_submission_accounted_for(graded):
    assert set(graded["results"]) == set(graded["cases"]) | {"alice"}
    assert graded["results"]["alice"].score == FULL


def test_no_other_students_grade_or_files_changed(graded):
    assert graded["honest"][0].score == FULL
    assert graded["after"]["alice"] == graded["before"]["alice"]
    with graded["course"].gradebook() as gb:
        assert gb.find_submission("nb01", "alice").score == FULL


def test_instructor_files_are_byte_identical(graded):
    assert graded["after"]["instructor"] == graded["before"]["instructor"]


def test_gradebook_rows_were_only_added_never_changed(graded):
    before, after = graded["before"]["rows"], graded["after"]["rows"]
    for table, rows in before.items():
        assert rows <= after[table], f"rows of {table} changed or vanished"
    with graded["course"].gradebook() as gb:
        manual = [g.manual_score for sub in gb.assignments[0].submissions
                  for nb in sub.notebooks for g in nb.grades if g.manual_score is not None]
    assert manual == []


def test_the_report_names_each_reason_and_flags_suspicious_submissions(graded):
    from grading import report

    html_path, _ = report.write(graded["course"])
    text = html_path.read_text()
    for reason in ("timeout", "memory", "crashed", "malformed", "tampering"):
        assert reason in text
    summary = report.summarise(pipeline.load_results(graded["course"]))
    for reason in ("wrong", "timeout", "memory", "crashed", "malformed", "tampering"):
        assert summary["reasons"][reason] > 0, reason
    suspicious = {r["student"] for r, _ in summary["suspicious"]}
    assert {"edited-test-cell", "edited-metadata", "fake-graded-cell"} <= suspicious


def test_feedback_never_shows_hidden_tests_or_tracebacks(graded):
    pages = pipeline.feedback(graded["course"])
    for page in pages:
        text = page.read_text()
        assert "BEGIN HIDDEN TESTS" not in text and "hidden=True" not in text
        assert "Traceback" not in text


def test_results_are_plain_json(graded):
    for path in graded["course"].path("results").rglob("*.json"):
        json.loads(path.read_text())
