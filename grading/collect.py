"""``course collect PATH``: submissions from a folder or a zip, in the layouts
instructors get them in.

A file is recognised by the first layout that fits (``--pattern`` first, if given):

* ``--pattern REGEX``: the file's path inside PATH matches REGEX, whose named
  groups are ``notebook`` and ``student`` (a roster id) or ``lms`` (an LMS id);
* nbgrader's exchange: ``inbound/STUDENT+ASSIGNMENT+TIMESTAMP+RANDOM/NOTEBOOK.ipynb``
  (the receipt time is the folder's TIMESTAMP);
* a Canvas "Download submissions" zip: ``[LATE_]lastnamefirstname_[LATE_]USERID_
  SUBMISSIONID_FILENAME[-N].ipynb`` (USERID is Canvas's);
* a Moodle download: ``Full Name_ID_assignsubmission_file_/FILENAME.ipynb``;
* ``STUDENT__NOTEBOOK.ipynb`` (two underscores), at any depth;
* ``STUDENT/ASSIGNMENT/NOTEBOOK.ipynb`` (nbgrader's ``submitted/`` layout), with
  its ``timestamp.txt`` when there is one.

LMS ids are mapped to student ids through the roster (``course roster``).  The
assignment is the ``nbNN`` in the file's name; a notebook submitted under another
name (``nb01_derivatives (1).ipynb``, ``Copy of ...``) is stored under the lesson's
name, flagged.  The receipt time is, in this order: the exchange folder's time, a
``timestamp.txt`` beside the file, the zip entry's time, the file's modification
time.  Of several submissions of one notebook, the latest counts; every one is kept
in ``submitted/STUDENT/ASSIGNMENT/history/`` and listed in ``history.json``.

Everything is read before anything is written, and each file is written whole, so
an unreadable zip member costs that member only, and an interrupted collect leaves
no half-written notebook.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .course_dir import Course, CourseError, lessons

TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f UTC"
STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
MAX_BYTES = 50 * 1024 * 1024

EXCHANGE = re.compile(r"(?P<student>[^+/]+)\+(?P<assignment>[^+/]+)\+(?P<ts>[^+/]+)\+[^+/]+")
CANVAS = re.compile(r"(?:late_)?(?P<name>[a-z]+)_(?:late_)?(?P<lms>\d+)_(?P<submission>\d+)_"
                    r"(?P<file>.+?)(?:-(?P<again>\d+))?\.ipynb", re.I)
MOODLE = re.compile(r"(?P<name>.+)_(?P<lms>\d+)_assignsubmission_file_?")
LESSON = re.compile(r"nb\d\d")


@dataclass
class Collected:
    student: str
    assignment: str
    notebook: str
    received: dt.datetime
    source: str = ""  # the file's name in the input
    flags: list = field(default_factory=list)


@dataclass
class _Entry:
    name: str  # its path inside the input, with /
    read: Callable[[], bytes]
    received: dt.datetime | None


def _entries(path: Path) -> tuple[list[_Entry], dict[str, str]]:
    """The files of a folder or zip, and the text of each ``timestamp.txt`` by folder."""
    entries, stamps = [], {}
    if path.is_file() and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                if info.is_dir():
                    continue
                received = dt.datetime(*info.date_time, tzinfo=dt.timezone.utc)
                entries.append(_Entry(info.filename, lambda i=info: _read_member(path, i),
                                      received))
    elif path.is_dir():
        for f in sorted(path.rglob("*")):
            if f.is_file():
                received = dt.datetime.fromtimestamp(f.stat().st_mtime, dt.timezone.utc)
                entries.append(_Entry(f.relative_to(path).as_posix(),
                                      lambda f=f: f.read_bytes()[:MAX_BYTES], received))
    elif path.exists():
        raise CourseError(f"{path} is neither a folder nor a zip file")
    else:
        raise CourseError(f"nothing to collect at {path}")
    for e in entries:
        if PurePosixPath(e.name).name == "timestamp.txt":
            try:
                stamps[str(PurePosixPath(e.name).parent)] = e.read().decode().strip()
            except (OSError, ValueError, zipfile.BadZipFile, zlib.error):
                pass
    return entries, stamps


def _read_member(path: Path, info: zipfile.ZipInfo) -> bytes:
    with zipfile.ZipFile(path) as zf, zf.open(info) as member:
        return member.read(MAX_BYTES)


def _time(text: str) -> dt.datetime | None:
    """A receipt time as nbgrader writes it (``2026-12-01 23:59:00.123456 UTC``)."""
    text = text.strip().removesuffix(" UTC").removesuffix("UTC").strip()
    for fmt in ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f",
                "%Y-%m-%dT%H:%M:%S"):
        try:
            return dt.datetime.strptime(text, fmt).replace(tzinfo=dt.timezone.utc)
        except ValueError:
            continue
    return None


def _identify(name: str, pattern: re.Pattern | None):
    """(student or None, lms id or None, file name, receipt time or None, layout), or None."""
    p = PurePosixPath(name)
    if not name.endswith(".ipynb") or any(part in ("..", "") for part in p.parts) \
            or "__MACOSX" in p.parts or p.name.startswith("._"):
        return None
    if pattern is not None:
        m = pattern.fullmatch(name)
        if m:
            groups = m.groupdict()
            return groups.get("student"), groups.get("lms"), groups.get("notebook") or p.name, \
                None, "pattern"
    if len(p.parts) >= 2:
        m = EXCHANGE.fullmatch(p.parts[-2])
        if m:
            return m["student"], None, p.name, _time(m["ts"]), "exchange"
    m = CANVAS.fullmatch(p.name)
    if m and "__" not in p.name:
        return None, m["lms"], m["file"], None, "canvas"
    if len(p.parts) >= 2:
        m = MOODLE.fullmatch(p.parts[-2])
        if m:
            return None, m["lms"], p.name, None, "moodle"
    if "__" in p.stem:
        student, notebook = p.stem.split("__", 1)
        return student, None, notebook, None, "name"
    if len(p.parts) >= 3:
        return p.parts[-3], None, p.name, None, "submitted"
    return None


def collect(course: Course, path: str | Path, pattern: str | None = None,
            progress: bool = False) -> tuple[list[Collected], list[str]]:
    """Import the submissions under ``path``.  Returns what was collected (the latest
    submission of each notebook) and the warnings, the ignored files in one line."""
    try:
        regex = re.compile(pattern) if pattern else None
    except re.error as exc:
        raise CourseError(f"--pattern is not a regular expression ({exc})") from None
    if regex is not None and not ({"notebook"} <= set(regex.groupindex)
                                  and {"student", "lms"} & set(regex.groupindex)):
        raise CourseError("--pattern needs the named groups (?P<notebook>...) and "
                          "(?P<student>...) or (?P<lms>...)")
    entries, stamps = _entries(Path(path))
    known = {a: [nb.stem for nb in nbs] for a, nbs in lessons().items()}
    with course.gradebook() as gb:
        by_lms = {str(s.lms_user_id): s.id for s in gb.students if s.lms_user_id}
        due = {a.name: a.duedate for a in gb.assignments}
    warnings, ignored, candidates = [], [], []
    if progress:
        from tqdm import tqdm

        entries = tqdm(entries, desc="collect", unit="file")
    for e in entries:
        found = _identify(e.name, regex)
        if found is None:
            ignored.append(PurePosixPath(e.name).name)
            continue
        student, lms, file_name, when, layout = found
        if student is None:
            student = by_lms.get(str(lms))
            if student is None:
                warnings.append(f"ignored {e.name}: LMS id {lms} is not in the roster "
                                "(import it with `course roster FILE.csv`)")
                continue
        if not STUDENT_ID.fullmatch(student):
            warnings.append(f"ignored {e.name}: {student!r} is not a valid student id")
            continue
        lesson = LESSON.search(file_name)
        if lesson is None or lesson.group() not in known:
            warnings.append(f"ignored {e.name}: no assignment in its name"
                            if lesson is None else
                            f"ignored {e.name}: no assignment {lesson.group()!r}")
            continue
        assignment = lesson.group()
        stem = file_name.removesuffix(".ipynb")
        flags = []
        if stem in known[assignment]:
            notebook = stem
        elif len(known[assignment]) == 1:
            notebook = known[assignment][0]
            flags.append(f"submitted as {file_name!r}, graded as {notebook}.ipynb")
        else:
            warnings.append(f"ignored {e.name}: not one of the notebooks of {assignment} "
                            f"({', '.join(known[assignment])})")
            continue
        if when is None:
            text = stamps.get(str(PurePosixPath(e.name).parent))
            when = _time(text) if text else None
        when = when or e.received
        try:
            data = e.read()
        except (OSError, zipfile.BadZipFile, zlib.error, EOFError, RuntimeError) as exc:
            warnings.append(f"skipped {e.name}: unreadable ({type(exc).__name__}: {exc})")
            continue
        candidates.append((Collected(student, assignment, notebook, when, e.name, flags),
                           data))
    if ignored:
        shown = ", ".join(sorted(set(ignored))[:5])
        more = len(set(ignored)) - 5
        warnings.insert(0, f"ignored {len(ignored)} files that are not submissions "
                           f"({shown}{f' and {more} more' if more > 0 else ''})")
    collected = _store(course, candidates)
    from .late import extensions

    granted = extensions(course)
    for c in collected:
        deadline = granted.get((c.student, c.assignment), due.get(c.assignment))
        if deadline and c.received.replace(tzinfo=None) > deadline:
            hours = (c.received.replace(tzinfo=None) - deadline).total_seconds() / 3600
            warnings.append(f"late: {c.student} {c.notebook} ({hours:.1f} h after the deadline)")
    with course.gradebook() as gb:
        for student in sorted({c.student for c in collected}):
            gb.update_or_create_student(student)
    return collected, warnings


def _write(path: Path, data: bytes) -> None:
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    partial.replace(path)


def _store(course: Course, candidates: list) -> list[Collected]:
    """Write each notebook's latest submission (against what was collected before),
    and every submission into its history."""
    groups: dict[tuple, list] = {}
    for c, data in candidates:
        groups.setdefault((c.student, c.assignment, c.notebook), []).append((c, data))
    collected = []
    for (student, assignment, notebook), subs in sorted(groups.items()):
        target = course.path("submitted", student, assignment)
        history_dir = target / "history"
        history_dir.mkdir(parents=True, exist_ok=True)
        log_path = target / "history.json"
        log = json.loads(log_path.read_text()) if log_path.exists() else []
        for c, data in sorted(subs, key=lambda s: s[0].received):
            stamp = c.received.strftime("%Y%m%dT%H%M%S%f")
            kept = history_dir / f"{stamp}-{re.sub(r'[^A-Za-z0-9._-]', '_', Path(c.source).name)}"
            _write(kept, data)
            log.append({"notebook": notebook, "file": c.source, "kept": kept.name,
                        "received": c.received.strftime(TIMESTAMP_FORMAT), "graded": False})
        latest_c, latest_data = max(subs, key=lambda s: s[0].received)
        current = _time((target / "timestamp.txt").read_text()) \
            if (target / "timestamp.txt").exists() and (target / f"{notebook}.ipynb").exists() \
            else None
        if current is None or latest_c.received >= current:
            _write(target / f"{notebook}.ipynb", latest_data)
            _write(target / "timestamp.txt", latest_c.received.strftime(TIMESTAMP_FORMAT).encode())
            graded = latest_c.received.strftime(TIMESTAMP_FORMAT)
        else:
            graded = current.strftime(TIMESTAMP_FORMAT)
            latest_c.flags.append("an earlier collect had a later submission: that one counts")
        for entry in log:
            if entry["notebook"] == notebook:
                entry["graded"] = entry["received"] == graded
        if len([e for e in log if e["notebook"] == notebook]) > 1:
            latest_c.flags.append(f"{len(subs)} submissions collected; the latest counts "
                                  f"({graded})")
        _write(log_path, json.dumps(log, indent=1).encode())
        collected.append(latest_c)
    return collected


# The roster ---------------------------------------------------------------------------------

ROSTER_COLUMNS = {
    "id": ("id", "student_id", "student id"),
    "first_name": ("first name", "first_name", "given name"),
    "last_name": ("last name", "last_name", "family name", "surname"),
    "email": ("email", "e-mail"),
    "lms_user_id": ("lms id", "lms_id", "lms_user_id", "lms user id"),
}


def read_roster(path: Path) -> list[dict]:
    """The students of a roster CSV (columns id, first name, last name, email, and
    optionally an LMS id), checked: one line says what is wrong."""
    import csv

    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            rows = list(csv.reader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise CourseError(f"cannot read the roster {path} ({exc})") from None
    if not rows:
        raise CourseError(f"the roster {path} is empty")
    header = [h.strip().lower() for h in rows[0]]
    where = {}
    for key, names in ROSTER_COLUMNS.items():
        hits = [i for i, h in enumerate(header) if h in names]
        if hits:
            where[key] = hits[0]
        elif key != "lms_user_id":
            raise CourseError(f"the roster {path} has no column {names[0]!r} "
                              f"(its columns: {', '.join(rows[0])})")
    students, seen = [], {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {k: (row[i].strip() if i < len(row) else "") for k, i in where.items()}
        if not STUDENT_ID.fullmatch(cells["id"]):
            raise CourseError(f"{path}, line {line}: {cells['id']!r} is not a valid student id")
        if cells["id"] in seen:
            raise CourseError(f"{path}, line {line}: student {cells['id']} is also on line "
                              f"{seen[cells['id']]}")
        seen[cells["id"]] = line
        students.append({k: (v or None) for k, v in cells.items()})
    return students


def import_roster(course: Course, path: Path) -> list[dict]:
    """Add or update the roster's students in the gradebook (names, emails, LMS ids)."""
    students = read_roster(path)
    with course.gradebook() as gb:
        for s in students:
            gb.update_or_create_student(s["id"], first_name=s["first_name"],
                                        last_name=s["last_name"], email=s["email"],
                                        lms_user_id=s.get("lms_user_id"))
    return students
