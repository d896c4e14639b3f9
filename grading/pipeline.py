"""The instructor's pipeline: release, collect, autograde, feedback, export.

Autograding works in units of one (student, notebook).  Units run in parallel
worker processes; each is graded on its own by ``judge.grade`` (student code in
the sandbox, verdicts outside it), then written to nbgrader's gradebook (auto
scores on test cells, messages as comments on answer cells; manual scores are
never touched) and to ``results/`` as JSON.  A unit that cannot be graded is
recorded as failed, with its reason; it never stops the batch.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import html
import json
import os
import re
import shutil
import signal
import sys
import threading
import time
import warnings
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from grading.exercises import cell_id, exercise_id

from . import judge, sandbox
from . import late as late_work
from .collect import Collected, collect  # noqa: F401 (the pipeline's first step)
from .course_dir import Course, CourseError, lessons

STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f UTC"


# Release ---------------------------------------------------------------------------------

def release(course: Course, assignments: list[str] | None = None,
            due: dt.datetime | None = None) -> list[str]:
    """Copy the instructor notebooks into ``source/`` and let nbgrader make the
    student versions in ``release/``."""
    available = lessons()
    chosen = assignments or list(available)
    for a in chosen:
        if a not in available:
            raise CourseError(f"unknown assignment {a!r}; available: {', '.join(available)}")
    course.secret(create=True)  # the seed of the hidden cases, made once
    api = course.api()
    for a in chosen:
        target = course.path("source", a)
        target.mkdir(parents=True, exist_ok=True)
        for nb in available[a]:
            shutil.copy2(nb, target / nb.name)
        result = api.generate_assignment(a)
        if not result.get("success"):
            raise CourseError(f"nbgrader could not generate {a}: {_first_error(result)}")
        if due is not None:
            with course.gradebook() as gb:
                gb.update_or_create_assignment(a, duedate=due)
    return chosen


def _first_error(result: dict) -> str:
    for line in (result.get("log") or "").splitlines():
        if line.startswith("[ERROR]") or "Error:" in line:
            return line.removeprefix("[ERROR]").strip()
    lines = [ln for ln in (result.get("error") or "").splitlines() if ln.strip()]
    return lines[-1] if lines else "unknown error"


# Collect ---------------------------------------------------------------------------------

# Autograde -------------------------------------------------------------------------------

@dataclass
class UnitResult:
    student: str
    assignment: str
    notebook: str
    status: str  # graded, failed, missing
    reason: str = ""
    score: float = 0.0
    max_score: int = 0
    late: bool = False
    hours_late: float = 0.0  # after the student's own deadline (an extension counts)
    flags: list = field(default_factory=list)
    problems: list = field(default_factory=list)  # [reason, cell, message] of broken cells
    exercises: list = field(default_factory=list)
    cell_seconds: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)  # where the time went
    fingerprint: str = ""  # of everything the verdict depends on (see --only-changed)
    unchanged: bool = False  # this run kept it from an earlier run (--only-changed)


def units(course: Course, assignments=None, students=None):
    """The (student, assignment, notebook) units to grade."""
    available = set(course.assignments())
    for a in assignments or []:
        if a not in available:
            raise CourseError(f"unknown assignment {a!r}; released: "
                              f"{', '.join(sorted(available)) or 'none'}")
    todo = []
    for student, a in course.submissions():
        if (assignments and a not in assignments) or (students and student not in students):
            continue
        for nb in sorted(course.path("source", a).glob("*.ipynb")):
            todo.append((student, a, nb.stem))
    if students:
        missing = set(students) - {u[0] for u in todo}
        if missing:
            raise CourseError(f"no submissions from {', '.join(sorted(missing))}")
    return todo


class Interrupted(KeyboardInterrupt):
    """Autograde stopped by Ctrl-C; ``results`` holds the units recorded in full."""

    def __init__(self, results: list) -> None:
        super().__init__()
        self.results = results


class _CtrlC:
    """Ctrl-C during autograde.  The first stops handing out work: the running units
    finish, or after GRACE seconds are killed (and not recorded); the second stops at
    once.  Either way only units recorded in full count, and a re-run continues."""

    GRACE = 5.0

    def __init__(self) -> None:
        self.at: float | None = None
        self._old = None

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            self._old = signal.signal(signal.SIGINT, self._handler)
        return self

    def __exit__(self, *exc) -> None:
        if self._old is not None:
            signal.signal(signal.SIGINT, self._old)

    def _handler(self, signum, frame) -> None:
        if self.at is not None:
            raise KeyboardInterrupt
        self.at = time.monotonic()
        print(f"\ncourse autograde: stopping: the running notebooks get {self.GRACE:g} s to "
              "finish; Ctrl-C again stops at once", file=sys.stderr, flush=True)

    def overdue(self) -> bool:
        return self.at is not None and time.monotonic() > self.at + self.GRACE


def _worker_init() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, _worker_stop)


def _worker_stop(signum, frame) -> None:
    sandbox.kill_running()  # its student process runs in a session of its own
    os._exit(128 + signum)


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    # (the executor has no public way to stop a running task: end its process)
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        proc.terminate()


def autograde(course: Course, assignments=None, students=None, workers: int | None = None,
              limits: sandbox.Limits | None = None, progress: bool = True,
              cluster: str | None = None, only_changed: bool = False):
    """Grade every unit in parallel (in worker processes here, or on the Dask cluster at
    ``cluster``); returns their UnitResults (in unit order).

    ``only_changed``: keep the earlier result of a unit whose fingerprint (submission,
    its time, the notebook's source, the deadline, the seed, the limits, the versions)
    is unchanged.  Ctrl-C raises :class:`Interrupted` with what was recorded in full."""
    todo = units(course, assignments, students)
    workers = max(1, workers or os.cpu_count() or 1)
    seed = course.secret()
    limits = limits or sandbox.Limits()
    if cluster is None:  # (a cluster's workers check their own machine)
        try:
            sandbox.check(limits)
        except sandbox.WeakIsolationError as exc:
            raise CourseError(f"refusing to grade: {exc}") from None
    results: dict = {}
    with course.gradebook() as gb:  # an unreadable gradebook fails here, before any grading
        dues = {a.name: a.duedate for a in gb.assignments}
    if only_changed:
        for unit in todo:
            earlier = _earlier_result(course, unit, seed, limits, dues.get(unit[1]))
            if earlier is not None:
                results[unit] = earlier
    client = None
    if cluster:  # before anything is shown: a cluster that cannot be used is one line
        from . import cluster as dask_cluster

        client = dask_cluster.connect(cluster)
    bar = None
    if progress:
        from tqdm import tqdm

        tqdm.monitor_interval = 0
        bar = tqdm(total=len(todo), initial=len(results), desc="autograde", unit="notebook")
    remaining = [u for u in todo if u not in results]
    try:
        with _CtrlC() as stop:
            if client is not None:
                _grade_on_cluster(course, client, remaining, seed, limits, results, bar, stop)
            else:
                _grade_here(course, remaining, workers, seed, limits, results, bar, stop)
    except KeyboardInterrupt:
        if bar:
            bar.close()
        raise Interrupted([results[u] for u in todo if u in results]) from None
    if bar:
        bar.close()
    if stop.at is not None:
        raise Interrupted([results[u] for u in todo if u in results])
    return [results[u] for u in todo]


def _grade_here(course, remaining, workers, seed, limits, results, bar, stop) -> None:
    """In ``workers`` forked processes, at most one unit each at a time (so that Ctrl-C
    has nothing queued to take back)."""
    import multiprocessing
    from concurrent.futures.process import BrokenProcessPool

    # The sandbox's library is made here, once, and the forked workers share it: they
    # end without running atexit, so a library of their own would be left behind.
    sandbox._library()
    queue = iter(remaining)
    pending: dict = {}
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=_worker_init)
    killed = False
    try:
        while True:
            while len(pending) < workers and stop.at is None:
                unit = next(queue, None)
                if unit is None:
                    break
                job = (str(course.root), course.db_url, unit, seed, limits, True)
                pending[pool.submit(grade_unit, *job)] = unit
            if not pending:
                break
            done, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            for future in done:
                unit = pending.pop(future)
                try:
                    results[unit] = future.result()
                except BrokenProcessPool:
                    if stop.at is not None:
                        continue  # killed on purpose: not recorded, a re-run grades it
                    results[unit] = UnitResult(*unit, status="failed", reason=(
                        "internal error: the grading process died"))
                except Exception as exc:  # noqa: BLE001 (a worker crash fails one unit only)
                    results[unit] = UnitResult(*unit, status="failed",
                                               reason=f"internal error: {exc}")
                bar and bar.update()
            if pending and stop.overdue():
                killed = True
                _kill_workers(pool)
                break
    except KeyboardInterrupt:
        killed = True
        _kill_workers(pool)
        raise
    finally:
        pool.shutdown(wait=not killed, cancel_futures=True)


def _grade_on_cluster(course, client, remaining, seed, limits, results, bar, stop) -> None:
    from . import cluster as dask_cluster

    jobs = [prepare_unit(course, unit) for unit in remaining]
    for job in jobs:  # nothing submitted: recorded here, nothing to send
        if job.data is None:
            results[job.unit] = record_unit(course, job, None, time.perf_counter(), True,
                                            seed=seed, limits=limits)
            bar and bar.update()

    def finish(job, graded, t0):
        if isinstance(graded, Exception):
            student, assignment, notebook = job.unit
            reason = type(graded).__name__
            if reason == "KilledWorker":
                reason = "the task killed every worker it ran on"
            result = UnitResult(student, assignment, notebook, status="failed",
                                max_score=job.spec.max_score,
                                reason=f"internal error: {reason}: {graded}"[:500])
            _write_result(course, result)
        else:
            result = record_unit(course, job, graded, t0, True, seed=seed, limits=limits)
        results[job.unit] = result
        bar and bar.update()

    for _ in dask_cluster.grade(client, [j for j in jobs if j.data is not None], seed,
                                limits, finish, stop):
        pass


_specs: dict = {}


def _spec(course: Course, assignment: str, notebook: str) -> judge.Spec:
    key = (str(course.root), assignment, notebook)
    if key not in _specs:
        source = nbformat.read(course.path("source", assignment, f"{notebook}.ipynb"), 4)
        rel = course.path("release", assignment, f"{notebook}.ipynb")
        release_nb = nbformat.read(rel, 4) if rel.exists() else None
        _specs[key] = judge.spec_from(source, release_nb, notebook)
    return _specs[key]


def grade_unit(root: str, db_url: str, unit, seed: int, limits=None,
               keep_gradebook: bool = False) -> UnitResult:
    """Grade one (student, assignment, notebook) and record the result.

    ``keep_gradebook``: reuse this process's open gradebook (worker processes).
    """
    course = Course(root, db_url)
    t0 = time.perf_counter()
    limits = limits or sandbox.Limits()
    job = prepare_unit(course, unit)
    graded = (judge.grade(job.spec, job.data, seed=seed, limits=limits,
                          hide=[course.root]) if job.data is not None else None)
    return record_unit(course, job, graded, t0, keep_gradebook, seed=seed, limits=limits)


def _fingerprint(course: Course, job, seed: int, limits, due) -> str:
    """A digest of everything a unit's verdict depends on: the submitted bytes and
    time, the notebook's source and release, the student's deadline (``due``: the
    assignment's, before extensions), the seed of the hidden cases, the limits, and the
    software's versions."""
    from .cluster import versions

    student, assignment, notebook = job.unit
    h = hashlib.sha256()
    for part in (job.data or b"", str(job.received).encode(), _source_digest(course, job.unit),
                 repr(late_work.deadline(course, student, assignment, due)).encode(),
                 str(seed).encode(), repr(limits).encode(),
                 json.dumps(versions(), sort_keys=True).encode()):
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


def _source_digest(course: Course, unit) -> bytes:
    _, assignment, notebook = unit
    h = hashlib.sha256()
    for step in ("source", "release"):
        path = course.path(step, assignment, f"{notebook}.ipynb")
        h.update(path.read_bytes() if path.exists() else b"")
    return h.digest()


def _earlier_result(course: Course, unit, seed: int, limits, due) -> UnitResult | None:
    """The unit's recorded result if nothing it depends on has changed since."""
    student, assignment, notebook = unit
    path = course.path("results", assignment, student, f"{notebook}.json")
    try:
        earlier = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if earlier.get("status") == "failed" and earlier.get("reason", "").startswith("internal"):
        return None  # an internal failure is always tried again
    if earlier.get("fingerprint") != _fingerprint(course, prepare_unit(course, unit), seed,
                                                  limits, due):
        return None
    known = set(UnitResult.__dataclass_fields__)
    return UnitResult(**{k: v for k, v in earlier.items() if k in known} | {"unchanged": True})


@dataclass
class Job:
    """What grading one unit needs, as plain data: it can travel to another machine."""

    unit: tuple
    spec: judge.Spec
    data: bytes | None  # the submitted notebook (None: nothing was submitted)
    name_flag: str | None
    received: dt.datetime | None


def prepare_unit(course: Course, unit) -> Job:
    student, assignment, notebook = unit
    spec = _spec(course, assignment, notebook)
    folder = course.path("submitted", student, assignment)
    data, name_flag = _submission_bytes(folder, notebook)
    return Job(tuple(unit), spec, data, name_flag, _timestamp(folder))


def record_unit(course: Course, job: Job, graded, t0: float,
                keep_gradebook: bool = False, seed: int | None = None,
                limits=None) -> UnitResult:
    """Write one unit's verdict (``graded``, from ``judge.grade``; None when nothing was
    submitted) to the gradebook, ``autograded/`` and ``results/``.

    ``results/`` is written last, and the earlier result removed first: a unit has a
    result file only when it was recorded in full (a killed run leaves none).  With
    ``seed`` (and ``limits``), the result carries its fingerprint (--only-changed)."""
    student, assignment, notebook = job.unit
    spec, data = job.spec, job.data
    course.path("results", assignment, student, f"{notebook}.json").unlink(missing_ok=True)
    result = UnitResult(student, assignment, notebook, "graded", max_score=spec.max_score)
    if data is None:
        result.status, result.reason = "missing", f"no notebook {notebook}.ipynb was submitted"
    else:
        if job.name_flag:
            result.flags.append(job.name_flag)
        result.flags += graded.flags
        result.problems = graded.problems
        result.score = graded.score
        result.exercises = [asdict(e) for e in graded.exercises]
        result.cell_seconds = graded.cell_seconds
        if graded.status == "malformed":
            result.status, result.reason = "failed", f"malformed notebook: {graded.reason}"
    t1 = time.perf_counter()
    with course.gradebook(keep=keep_gradebook) as gb, warnings.catch_warnings():
        # nbgrader's add_submission trips SQLAlchemy's autoflush warnings: harmless here.
        warnings.simplefilter("ignore")
        assignment_due = gb.find_assignment(assignment).duedate
        due = late_work.deadline(course, student, assignment, assignment_due)
        if seed is not None:
            result.fingerprint = _fingerprint(course, job, seed, limits or sandbox.Limits(),
                                              assignment_due)
        received = job.received
        result.late = bool(due and received and received.replace(tzinfo=None) > due)
        if result.late:
            result.hours_late = (received.replace(tzinfo=None) - due).total_seconds() / 3600
        _record(gb, course, result, spec, received)
    t2 = time.perf_counter()
    if graded is not None and data is not None and graded.status == "graded":
        _write_autograded(course, result, data, spec)
    result.seconds = {"sandbox": graded.run_seconds if graded else 0.0,
                      "judging": (t1 - t0) - (graded.run_seconds if graded else 0.0),
                      "database": t2 - t1, "total": time.perf_counter() - t0}
    return _write_result(course, result)


def _write_result(course: Course, result: UnitResult) -> UnitResult:
    out = course.path("results", result.assignment, result.student)
    out.mkdir(parents=True, exist_ok=True)
    _write_atomically(out / f"{result.notebook}.json", json.dumps(asdict(result), indent=1))
    return result


def _write_atomically(path: Path, text: str) -> None:
    """Write ``path`` so that it is either the old file or the whole new one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def _submission_bytes(folder: Path, notebook: str):
    exact = folder / f"{notebook}.ipynb"
    if exact.exists():
        return exact.read_bytes(), None
    others = sorted(folder.glob("*.ipynb"))
    if len(others) == 1:
        return others[0].read_bytes(), (f"the notebook was submitted as {others[0].name!r} "
                                        f"instead of {notebook}.ipynb (graded anyway)")
    return None, None


def _timestamp(folder: Path):
    try:
        text = (folder / "timestamp.txt").read_text().strip()
        return dt.datetime.strptime(text, TIMESTAMP_FORMAT).replace(tzinfo=dt.timezone.utc)
    except (OSError, ValueError):
        return None


def _record(gb, course, result: UnitResult, spec: judge.Spec, received) -> None:
    """Write auto scores and comments; manual scores are left as they are."""
    from nbgrader.api import InvalidEntry, MissingEntry

    gb.update_or_create_student(result.student)
    try:
        gb.find_submission(result.assignment, result.student)
    except MissingEntry:
        try:
            gb.add_submission(result.assignment, result.student,
                              timestamp=received.replace(tzinfo=None) if received else None)
        except InvalidEntry:  # another worker, grading this student's other notebook, won
            gb.find_submission(result.assignment, result.student)
    verdicts = {e["id"]: e for e in result.exercises}
    for eid in spec.tests:
        grade = gb.find_grade(cell_id(eid), result.notebook, result.assignment, result.student)
        verdict = verdicts.get(eid)
        grade.auto_score = float(verdict["points"]) if verdict else 0.0
        grade.needs_manual_grade = False
        try:
            comment = gb.find_comment(cell_id(eid, answer=True), result.notebook,
                                      result.assignment, result.student)
        except MissingEntry:
            continue
        comment.auto_comment = (verdict["message"] if verdict else
                                result.reason or "not graded")
    gb.db.commit()


_released: dict = {}


def _locked(course: Course, assignment: str, notebook: str) -> dict:
    """The released notebook's locked cells (read once per run and notebook)."""
    key = (str(course.root), assignment, notebook)
    if key not in _released:
        release = course.path("release", assignment, f"{notebook}.ipynb")
        _released[key] = judge.spec_from(nbformat.read(release, 4), None, notebook).locked
    return _released[key]


def _write_autograded(course: Course, result: UnitResult, data: bytes, spec) -> None:
    """The graded notebook for the formgrader: instructor cells restored, each test
    cell showing its verdict (no hidden test code, no tracebacks)."""
    nb = judge.read_submission(data)
    locked = _locked(course, result.assignment, result.notebook)
    verdicts = {e["id"]: e for e in result.exercises}
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            cell.outputs, cell.execution_count = [], None
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid in locked:
            cell.source = locked[gid]
        if gid and exercise_id(gid) in verdicts and not gid.endswith("-answer"):
            v = verdicts[exercise_id(gid)]
            text = ("\u2713 " if v["status"] == "pass" else "\u2717 ") + v["message"]
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text + "\n")]
    out = course.path("autograded", result.student, result.assignment)
    out.mkdir(parents=True, exist_ok=True)
    _write_atomically(out / f"{result.notebook}.ipynb", nbformat.writes(nb))


def load_results(course: Course) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(course.path("results").glob("*/*/*.json"))]


# Feedback and export ---------------------------------------------------------------------

FEEDBACK_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 58rem; margin: 2rem auto; color: #222; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border-bottom: 1px solid #ddd; padding: .5rem; text-align: left; vertical-align: top; }}
pre {{ white-space: pre-wrap; margin: 0; font-size: .9rem; }}
.pass {{ color: #1a7f37; }} .fail {{ color: #b42318; }} .note {{ color: #8a6d00; }}
</style></head><body>
<h1>{title}</h1>
<p><strong>Score: {score:g} / {max_score}</strong>{late}</p>
{status}
<table><tr><th>Exercise</th><th>Points</th><th>Result</th></tr>
{rows}
</table>
{flags}
<p>Visible checks in the notebook use example inputs; grading uses other, random inputs.</p>
</body></html>
"""


def manual_grades(course: Course) -> dict[tuple[str, str, str, str], float]:
    """(student, assignment, notebook, exercise id) -> the manual score given in the
    formgrader, where there is one (it overrides the autograder's)."""
    out = {}
    with course.gradebook() as gb:
        for assignment in gb.assignments:
            for sub in assignment.submissions:
                for snb in sub.notebooks:
                    for grade in snb.grades:
                        if grade.manual_score is not None:
                            out[(sub.student.id, assignment.name, snb.notebook.name,
                                 exercise_id(grade.name))] = float(grade.manual_score)
    return out


def manual_adjustment(student: str, assignment: str, notebook: str, exercises: list,
                      manual: dict) -> float:
    """How much the manual grades change a notebook's auto score (0 without any)."""
    return sum(manual[key] - e["points"] for e in exercises
               if (key := (student, assignment, notebook, e["id"])) in manual)


def feedback(course: Course) -> list[Path]:
    """An HTML page per student and notebook with results and messages that teach
    (with the instructor's manual grades where there are some)."""
    written = []
    manual = manual_grades(course)
    rule = late_work.policy(course)
    for r in load_results(course):
        rows = []
        for e in r["exercises"]:
            ok = e["status"] == "pass"
            given = manual.get((r["student"], r["assignment"], r["notebook"], e["id"]))
            points = (f"{given:g} / {e['max_points']} (manual grade; the autograder gave "
                      f"{e['points']:g})" if given is not None
                      else f"{e['points']:g} / {e['max_points']}")
            if given is not None:
                r["score"] += given - e["points"]
            rows.append(f"<tr><td>{html.escape(e['id'])}</td><td>{points}</td>"
                        f"<td class=\"{'pass' if ok else 'fail'}\">"
                        f"<pre>{html.escape(e['message'])}</pre></td></tr>")
        status = (f"<p class=\"fail\">This notebook could not be graded: "
                  f"{html.escape(r['reason'])}</p>" if r["status"] != "graded" else "")
        notes = r["flags"] + [_problem_note(*p) for p in r.get("problems", [])]
        flags = ("<h2>Notes</h2><ul>" + "".join(
            f"<li class=\"note\">{html.escape(f)}</li>" for f in notes) + "</ul>"
                 if notes else "")
        hours = r.get("hours_late", 0.0)
        taken = rule.deduction(r["score"], hours)
        late = ""
        if r["late"]:
            late = f" (submitted {hours:.1f} h after the deadline"
            late += (f"; {taken:g} points deducted: {rule.describe()}; before the deduction "
                     f"{r['score']:g})" if taken else ")")
        page = FEEDBACK_PAGE.format(
            title=html.escape(f"{r['notebook']}: feedback for {r['student']}"),
            score=r["score"] - taken, max_score=r["max_score"], late=html.escape(late),
            status=status, rows="\n".join(rows), flags=flags)
        out = course.path("feedback", r["student"], r["assignment"])
        out.mkdir(parents=True, exist_ok=True)
        # (nbgrader's own Generate feedback writes NOTEBOOK.html here: ours sits beside it)
        path = out / f"{r['notebook']}.results.html"
        path.write_text(page)
        written.append(path)
    return written


def _problem_note(reason: str, cell: str, message: str) -> str:
    what = {"timeout": "took longer than the time limit and was stopped",
            "memory": "ran out of memory", "crashed": "crashed the Python process",
            "error": "raised an error"}.get(reason, reason)
    name = exercise_id(cell) + " (answer)" if cell.endswith("-answer") else f"an extra {cell}"
    return f"The cell {name} {what}: {message}. The other cells were graded without it."


def export(course: Course, out_dir: Path | None = None, fmt: str = "csv",
           progress: bool = False) -> tuple[Path, ...]:
    """grades.csv (per student and assignment) and exercises.csv (per exercise); with
    ``fmt`` "canvas" or "moodle" also the gradebook file that LMS imports
    (grades-canvas.csv, grades-moodle.csv).

    Scores come from the gradebook, so manual grades override auto grades.  Every
    student in the gradebook (the roster, and everyone who submitted) has a row for
    every released assignment: one who submitted nothing scores 0, status "missing".
    """
    if fmt not in ("csv", "canvas", "moodle"):
        raise CourseError(f"unknown export format {fmt!r} (csv, canvas or moodle)")
    out_dir = Path(out_dir or course.root)
    out_dir.mkdir(parents=True, exist_ok=True)
    results = {(r["student"], r["assignment"], r["notebook"]): r for r in load_results(course)}
    grades_path, exercises_path = out_dir / "grades.csv", out_dir / "exercises.csv"
    table: dict[tuple[str, str], float] = {}
    rule = late_work.policy(course)
    with course.gradebook() as gb, open(grades_path, "w", newline="") as g, \
            open(exercises_path, "w", newline="") as e:
        gw, ew = csv.writer(g), csv.writer(e)
        gw.writerow(["student_id", "assignment", "score", "max_score", "status", "reason",
                     "late", "flags", "hours_late", "late_deduction", "score_before_deduction"])
        ew.writerow(["student_id", "assignment", "notebook", "exercise", "score", "max_score",
                     "status"])
        students = sorted(gb.students, key=lambda s: s.id)
        assignments = sorted(gb.assignments, key=lambda a: a.name)
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=len(assignments) * len(students), desc="export", unit="row")
        for assignment in assignments:
            subs = {sub.student.id: sub for sub in assignment.submissions}
            for student in (s.id for s in students):
                bar and bar.update()
                sub = subs.get(student)
                if sub is None:
                    gw.writerow([student, assignment.name, "0", f"{assignment.max_score:g}",
                                 "missing", "no submission", "no", 0, "0", "0", "0"])
                    table[(student, assignment.name)] = 0.0
                    continue
                statuses, reasons, flags, late, hours = [], [], [], False, 0.0
                for snb in sub.notebooks:
                    r = results.get((student, assignment.name, snb.notebook.name), {})
                    statuses.append(r.get("status", "not graded"))
                    reasons += [r["reason"]] if r.get("reason") else []
                    flags += r.get("flags", [])
                    late = late or r.get("late", False)
                    hours = max(hours, r.get("hours_late", 0.0))
                    for grade in snb.grades:
                        status = next((x["status"] for x in r.get("exercises", [])
                                       if x["id"] == exercise_id(grade.name)), "not graded")
                        if grade.manual_score is not None:
                            status = "manual"
                        ew.writerow([student, assignment.name, snb.notebook.name,
                                     exercise_id(grade.name),
                                     f"{grade.score:g}", f"{grade.max_score:g}", status])
                status = "graded" if all(s == "graded" for s in statuses) else ";".join(
                    sorted(set(statuses)))
                taken = rule.deduction(sub.score, hours)
                gw.writerow([student, assignment.name, f"{sub.score - taken:g}",
                             f"{sub.max_score:g}", status, "; ".join(reasons),
                             "yes" if late else "no", len(flags), f"{hours:.2f}", f"{taken:g}",
                             f"{sub.score:g}"])
                table[(student, assignment.name)] = sub.score - taken
        if bar:
            bar.close()
        if fmt == "csv":
            return grades_path, exercises_path
        lms_path = out_dir / f"grades-{fmt}.csv"
        with open(lms_path, "w", newline="") as f:
            w = csv.writer(f)
            names = [a.name for a in assignments]
            if fmt == "canvas":  # Canvas gradebook import: five columns, then the assignments
                w.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *names])
                w.writerow(["Points Possible", "", "", "", "",
                            *[f"{a.max_score:g}" for a in assignments]])
                for s in students:
                    name = ", ".join(x for x in (s.last_name, s.first_name) if x) or s.id
                    w.writerow([name, s.lms_user_id or "", s.id, s.email or "", "",
                                *[f"{table[(s.id, a)]:g}" for a in names]])
            else:  # Moodle's "Import grades from CSV": map "ID number" (or the email) to users
                w.writerow(["First name", "Last name", "ID number", "Email address", *names])
                for s in students:
                    w.writerow([s.first_name or "", s.last_name or "", s.id, s.email or "",
                                *[f"{table[(s.id, a)]:g}" for a in names]])
    return grades_path, exercises_path, lms_path
