"""The students' kit: built by ``course kit`` after ``course release``, installed
into a fresh virtualenv with nothing but the kit and its dependencies, and used
there as a student would (``course check``) on every released notebook, with the
instructor's solutions and with the release stubs; and searched for answers."""

from __future__ import annotations

import inspect
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from course import drivers
from grading import exercises, kit, pipeline
from grading.course_dir import Course, lessons

BIN = Path(sys.executable).parent
LESSONS = lessons()


class Kit:
    def __init__(self, base: Path):
        self.base = base
        self.course = Course(base / "course", create=True)
        pipeline.release(self.course, None, None)
        out = base / "kit"
        run = subprocess.run([str(BIN / "course"), "kit", "--root", str(self.course.root),
                              "--out", str(out)], capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        (self.wheel,) = out.iterdir()
        self.venv = base / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(self.venv)], check=True)
        pip = subprocess.run([str(self.venv / "bin" / "python"), "-m", "pip", "install",
                              "--disable-pip-version-check", "-q", str(self.wheel)],
                             capture_output=True, text=True)
        assert pip.returncode == 0, pip.stderr[-2000:]
        self.python = self.venv / "bin" / "python"
        site = subprocess.run([str(self.python), "-c", "import course, os; "
                               "print(os.path.dirname(os.path.dirname(course.__file__)))"],
                              capture_output=True, text=True, check=True,
                              cwd=base).stdout.strip()
        self.site = Path(site)

    def check(self, notebook: Path) -> subprocess.CompletedProcess:
        return subprocess.run([str(self.venv / "bin" / "course"), "check", str(notebook)],
                              capture_output=True, text=True, cwd=self.base, timeout=900)

    def files(self) -> dict[Path, str]:
        """Every file the kit installed, as text."""
        (record,) = self.site.glob("autograd_course_student-*.dist-info/RECORD")
        names = [line.split(",")[0] for line in record.read_text().splitlines() if line]
        return {self.site / n: (self.site / n).read_text(errors="replace") for n in names
                if (self.site / n).is_file() and not n.endswith(".pyc")}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Kit:
    return Kit(tmp_path_factory.mktemp("kit"))


def released(built: Kit) -> list[Path]:
    return sorted(built.course.path("release").glob("*/*.ipynb"))


def solution_cells(source: Path) -> dict[str, str]:
    nb = nbformat.read(source, as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: c.source for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("solution")}


def solved(built: Kit, release: Path) -> Path:
    """The released notebook with the instructor's solutions typed in."""
    (source,) = [p for p in LESSONS[release.parent.name] if p.name == release.name]
    answers = solution_cells(source)
    nb = nbformat.read(release, as_version=4)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell.source = re.sub(r"^[ \t]*### (BEGIN|END) SOLUTION[^\n]*\n?", "", answers[gid],
                                 flags=re.M)
    path = built.base / "solved" / release.name
    path.parent.mkdir(exist_ok=True)
    nbformat.write(nb, path)
    return path


def test_the_kit_is_one_wheel_that_needs_numpy_and_matplotlib_only(built):
    assert re.fullmatch(r"autograd_course_student-[\d.]+-py3-none-any\.whl", built.wheel.name)
    with zipfile.ZipFile(built.wheel) as z:
        (meta,) = [n for n in z.namelist() if n.endswith("/METADATA")]
        requires = re.findall(r"^Requires-Dist: ([A-Za-z_-]+)", z.read(meta).decode(), re.M)
    assert requires == ["numpy", "matplotlib"]
    assert built.site.name == "site-packages" and built.venv in built.site.parents
    # (run where no checkout is on the path: ``python -c`` puts the cwd first)
    probe = subprocess.run([str(built.python), "-c", "import grading"], capture_output=True,
                           cwd=built.base)
    assert probe.returncode != 0  # the instructor's side is not there
    probe = subprocess.run([str(built.python), "-c", "import course.exercises"],
                           capture_output=True, cwd=built.base)
    assert probe.returncode != 0


@pytest.mark.parametrize("lesson", list(LESSONS))
def test_every_visible_check_passes_the_solutions_and_fails_the_stubs(built, lesson):
    for release in built.course.path("release", lesson).glob("*.ipynb"):
        n = len(kit.exercise_ids(release))
        good = built.check(solved(built, release))
        assert good.returncode == 0, good.stdout[-3000:] + good.stderr[-3000:]
        assert good.stdout.count("\u2713") == n, good.stdout
        stub = built.check(release)
        assert stub.returncode == 1, stub.stdout + stub.stderr
        assert stub.stdout.count("\u2717") == n, stub.stdout
        assert stub.stdout.count("is not written yet") == n, stub.stdout


#: Lines that convert an input, not compute an answer.
_CONVERSION = re.compile(r"\w+ = (np\.asarray|np\.array|minigrad\.tensor|torch\.tensor)\(")


def _significant(lines) -> list[str]:
    """The lines of code that would give an answer away: not a comment, a header (def,
    for, with...), a bare `return x`, a continuation or an input's conversion."""
    out = []
    for line in lines:
        text = line.strip()
        if (len(text) >= 16 and not text.startswith(("#", '"""', "'''", ")"))
                and not text.endswith(":") and not _CONVERSION.match(text)
                and not re.fullmatch(r"(return|pass|raise)\b.{0,12}", text)):
            out.append(text)
    return out


def _without_hints(text: str, rules: list[dict]) -> str:
    """The kit's text without its hints, which say in words what to do once an answer
    has failed (the checks print them, as the notebook always has; they are not code)."""
    for data in rules:
        hints = [data["rule"]["hint"]]
        hints += [h for case in data["cases"] for h, _ in case["mistakes"]]
        for hint in hints:
            if hint:
                text = text.replace(json.dumps(hint)[1:-1], "")
    return text


def test_no_solution_and_no_reference_is_in_the_kit(built):
    files = built.files()
    rules = [d for path, t in files.items() if path.parent.name == "visible"
             for d in json.loads(t)["exercises"].values()]
    text = _without_hints("\n".join(files.values()), rules)
    # A reference that replays the driver's program with minigrad (whose autograd is
    # the answer for a by-hand engine, and is in the kit by design) shares the driver's
    # lines that run an answer: those are glue, not answers.
    glue = set(_significant(inspect.getsource(drivers).splitlines()))
    found, searched = [], 0
    for paths in LESSONS.values():
        for source in paths:
            for gid, cell in solution_cells(source).items():
                body = re.findall(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", cell, re.S)
                for line in _significant("".join(body).splitlines()):
                    searched += 1
                    if line in text:
                        found.append((gid, line))
    for eid, ex in exercises.load().items():
        for fn in [ex.reference, *(w for _, w in ex.mistakes)]:
            try:
                source = inspect.getsource(fn)
            except (OSError, TypeError):
                continue
            for line in set(_significant(source.splitlines())) - glue:
                searched += 1
                if line in text:
                    found.append((eid, line))
    assert not found, found[:80]
    assert searched > 200  # (the search is not empty)


def test_the_kit_cannot_reproduce_a_hidden_case(built):
    files = built.files()
    data = {}
    for path, text in files.items():
        if path.suffix == ".json" and path.parent.name == "visible":
            data.update(json.loads(text)["exercises"])
    secret = built.course.secret()
    assert str(secret) not in "\n".join(files.values())
    assert set(data) == {e for p in released(built) for e in kit.exercise_ids(p)}
    visible_args = {json.dumps(c["args"]) for d in data.values() for c in d["cases"]}
    drawn = held = 0
    for eid in data:  # the hidden cases drawn with the course's secret are not in the kit
        ex = exercises.get(eid)
        for case in exercises.cases(ex, hidden=True, seed=secret)[:ex.hidden]:
            drawn += 1
            held += json.dumps(case) in visible_args  # (a sampler with few outcomes)
    assert held < 0.05 * drawn, (held, drawn)
    # and nothing in the kit can draw them: no exercise definition, sampler or reference
    probe = subprocess.run([str(built.python), "-c", (
        "import pkgutil, importlib, course, minigrad, inspect\n"
        "bad = []\n"
        "for m in pkgutil.walk_packages(course.__path__, 'course.'):\n"
        "    mod = importlib.import_module(m.name)\n"
        "    bad += [f'{m.name}.{k}' for k, v in vars(mod).items()\n"
        "            if k in ('sample', 'reference', 'cases', 'INSTRUCTOR_SEED', 'EXERCISES')]\n"
        "print(bad)\n")], capture_output=True, text=True, env={"MPLBACKEND": "Agg"},
        cwd=built.base)
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.strip() == "[]"


def test_the_visible_cases_in_the_repository_are_current():
    """``course/visible`` is what ``python -m grading.kit --visible`` writes today."""
    here = Path(kit.REPO / "course" / "visible")
    fresh = kit.visible_files(kit.repository_notebooks())
    stored = {p.name: p.read_text() for p in here.glob("*.json")}
    stale = sorted(k for k in fresh.keys() | stored.keys() if fresh.get(k) != stored.get(k))
    assert not stale, f"run `python -m grading.kit --visible`: {stale} are stale"


def test_the_kits_course_check_says_what_the_instructors_says(built):
    """The same words from the kit alone as from the instructor's package (whose
    ``course check`` computes every expected answer from the references), on the
    sample class's typical mistakes of every lesson."""
    import datetime as dt

    from grading import sample_class

    due = dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)
    sample_class.make(built.course, built.base / "sample", due)
    mistakes = sorted((built.base / "sample").glob("nb*-mistake1__*.ipynb"))
    assert len(mistakes) == len(LESSONS)
    for path in mistakes:
        kit_says = built.check(path)
        ours = subprocess.run([str(BIN / "course"), "check", str(path)], capture_output=True,
                              text=True, timeout=900)
        assert kit_says.returncode == ours.returncode == 1, path.name
        assert kit_says.stdout == ours.stdout, path.name
        assert "\u2717" in kit_says.stdout


_TOKEN = re.compile(r"[A-Za-z_]\w*|\d+\.?\d*(?:e-?\d+)?|\S")


def _shape(text: str) -> list[str]:
    """Code lines as their shape: every name a `v`, every number a `0`, comments out."""
    import keyword

    out = []
    for line in text.splitlines():
        tokens = _TOKEN.findall(line.split("#")[0])
        shape = " ".join(t if keyword.iskeyword(t) or not (t[0].isalnum() or t[0] == "_")
                         else "0" if t[0].isdigit() else "v" for t in tokens)
        if shape and shape != '"""':
            out.append(shape)
    return out


def test_no_solution_is_in_the_kit_under_other_names(built):
    """Five lines in a row of a solution, with other names and numbers, are in no
    module of the kit (a renamed copy of the depth-first search of 5.2, say)."""
    run = 5
    kit_runs = {}
    for path, text in built.files().items():
        if path.suffix == ".py":
            lines = _shape(text)
            for i in range(len(lines) - run + 1):
                kit_runs.setdefault(tuple(lines[i:i + run]), path.name)
    found, searched = [], 0
    for paths in LESSONS.values():
        for source in paths:
            for gid, cell in solution_cells(source).items():
                body = "".join(re.findall(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", cell,
                                          re.S))
                lines = _shape(body)
                for i in range(len(lines) - run + 1):
                    searched += 1
                    if tuple(lines[i:i + run]) in kit_runs:
                        found.append((gid, kit_runs[tuple(lines[i:i + run])], lines[i:i + run]))
    assert not found, found[:10]
    assert searched > 50  # (the search is not empty)
    # and the check sees a renamed copy: the solution of 5.2 under other names
    (nb05,) = LESSONS["nb05"]
    solution = _shape(solution_cells(nb05)["nb05-topological_sort-answer"])
    runs = {tuple(solution[i:i + run]) for i in range(len(solution) - run + 1)}
    copy = ("order, seen = [], set()\ndef walk(n):\n    if id(n) not in seen:\n"
            "        seen.add(id(n))\n        for q in n._prev:\n            walk(q)\n")
    assert tuple(_shape(copy)[:run]) in runs
