"""``course kit --out DIR``: the students' kit, one wheel that holds no answer.

The kit is what a student installs to run the notebooks' checks on their own machine:
minigrad, the students' side of ``course`` (checks, judging, checkers, drivers,
plotting, the kit's ``course check``) and, for each released exercise, its visible
cases as data (``course/visible/nbNN.json``): the arguments, the input as code, the
expected answer, what a checker needs, and the answers of the typical mistakes (for
the hints), all computed here from the instructor's definitions.  It holds no
reference function, no solution, no hidden case and no course secret; its
dependencies are NumPy and matplotlib.

The same data is kept in this repository's ``course/visible`` (so the notebooks run
in a checkout); ``python -m grading.kit --visible`` rewrites it, and a test says when
it is stale.  The wheel is written directly (PEP 427: a zip with its metadata and a
RECORD of hashes), so that building it needs neither the network nor a build backend.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys
import zipfile
from pathlib import Path

import nbformat

from course import drivers
from grading import exercises
from minigrad import __version__

REPO = Path(__file__).resolve().parents[1]
NAME = "autograd_course_student"
#: The students' side: minigrad and ``course`` (the instructor's side is ``grading``).
STUDENT_SIDE = ("minigrad", "course")
DEPENDENCIES = ("numpy>=1.26", "matplotlib>=3.7")


def _mistake(wrong, args):
    try:
        return drivers.encode(wrong(*[drivers.decode(a) for a in args]))
    except Exception:  # noqa: BLE001 (a diagnosis that fails on a case does not apply there)
        return None


def exercise_data(eid: str) -> dict:
    """One exercise's rule, points and visible cases, as plain data."""
    ex = exercises.get(eid)
    cases = []
    for args in exercises.cases(ex):
        cases.append({"args": args, "input": exercises.show_input(ex, args),
                      "expected": exercises.expected(ex, args),
                      "data": exercises.checker_data(ex, args),
                      "mistakes": [[hint, _mistake(wrong, args)] for hint, wrong in ex.mistakes]})
    return {"rule": exercises.rule(ex).to_json(), "points": ex.points, "cases": cases}


def lesson_data(eids: list[str]) -> str:
    """The visible-cases file of one lesson (JSON text)."""
    return json.dumps({"version": __version__,
                       "exercises": {e: exercise_data(e) for e in eids}},
                      indent=1, allow_nan=True) + "\n"


def exercise_ids(notebook: Path) -> list[str]:
    """The exercises a (released) notebook grades, from its test cells' metadata."""
    nb = nbformat.read(notebook, as_version=4)
    return [exercises.exercise_id(c.metadata["nbgrader"]["grade_id"]) for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade")]


def visible_files(notebooks: list[Path]) -> dict[str, str]:
    """{"nbNN.json": its text} for the lessons of ``notebooks``."""
    by_lesson: dict[str, list[str]] = {}
    for path in notebooks:
        for eid in exercise_ids(path):
            by_lesson.setdefault(eid.split(".")[0], []).append(eid)
    return {f"{lesson}.json": lesson_data(eids) for lesson, eids in sorted(by_lesson.items())}


def repository_notebooks() -> list[Path]:
    return sorted((REPO / "notebooks").glob("nb[0-9][0-9]/nb*.ipynb"))


def write_visible(target: Path = REPO / "course" / "visible",
                  only: list[str] | None = None) -> list[Path]:
    """Rewrite the repository's visible-cases files (of the lessons ``only``, e.g.
    ["nb03"], or of all)."""
    target.mkdir(exist_ok=True)
    written = []
    notebooks = [p for p in repository_notebooks()
                 if only is None or p.parent.name in only]
    for name, text in visible_files(notebooks).items():
        partial = target / f".{name}.partial"
        partial.write_text(text)
        partial.replace(target / name)  # a reader never sees half a file
        written.append(target / name)
    return written


# The wheel -------------------------------------------------------------------------------

def _student_files() -> dict[str, bytes]:
    files = {}
    for package in STUDENT_SIDE:
        for path in sorted((REPO / package).rglob("*.py")):
            files[path.relative_to(REPO).as_posix()] = path.read_bytes()
    return files


def _hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return f"sha256={digest.decode()},{len(data)}"


def build(release: Path, out: Path) -> Path:
    """Write the kit for the notebooks released under ``release`` into ``out``."""
    notebooks = sorted(release.glob("*/*.ipynb"))
    if not notebooks:
        raise FileNotFoundError(f"nothing released in {release} (run `course release` first)")
    files = _student_files()
    for name, text in visible_files(notebooks).items():
        files[f"course/visible/{name}"] = text.encode()
    info = f"{NAME}-{__version__}.dist-info"
    files[f"{info}/METADATA"] = "\n".join([
        "Metadata-Version: 2.1", f"Name: {NAME.replace('_', '-')}", f"Version: {__version__}",
        "Summary: The students' kit of the autograd course: minigrad and the notebooks' "
        "checks", "Requires-Python: >=3.10",
        *[f"Requires-Dist: {d}" for d in DEPENDENCIES], ""]).encode()
    files[f"{info}/WHEEL"] = (b"Wheel-Version: 1.0\nGenerator: grading.kit\n"
                              b"Root-Is-Purelib: true\nTag: py3-none-any\n")
    files[f"{info}/entry_points.txt"] = b"[console_scripts]\ncourse = course.cli:main\n"
    files[f"{info}/top_level.txt"] = "\n".join(STUDENT_SIDE).encode() + b"\n"
    record = "".join(f"{name},{_hash(data)}\n" for name, data in files.items())
    files[f"{info}/RECORD"] = (record + f"{info}/RECORD,,\n").encode()
    out.mkdir(parents=True, exist_ok=True)
    wheel = out / f"{NAME}-{__version__}-py3-none-any.whl"
    partial = wheel.with_suffix(".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), data)
    partial.replace(wheel)  # never a half-written wheel
    return wheel


if __name__ == "__main__":
    if sys.argv[1:2] != ["--visible"]:
        sys.exit("usage: python -m grading.kit --visible [nbNN ...]")
    for path in write_visible(only=sys.argv[2:] or None):
        print(f"wrote {path.relative_to(REPO)}")
