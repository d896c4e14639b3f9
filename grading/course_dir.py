"""The course directory: nbgrader's layout, configuration, gradebook and secret.

``<root>/source``, ``release``, ``submitted``, ``autograded``, ``feedback`` and
the gradebook are nbgrader's, so its formgrader and tools work on the same
data.  We add ``<root>/.secret`` (the seed of the hidden cases, readable by the
instructor only), ``results/`` (what the autograder found, as JSON) and
``report/``.
"""

from __future__ import annotations

import os
import secrets
import sys
import time
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# nbgrader runs the `alembic` executable of its environment to create a gradebook.
_BIN = str(Path(sys.executable).parent)
if _BIN not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _BIN + os.pathsep + os.environ.get("PATH", "")
NOTEBOOKS = REPO / "notebooks"
COURSE_ID = "autograd"


class CourseError(Exception):
    """A mistake in how the course command was used: shown as one line, exit status 2."""


def lessons() -> dict[str, list[Path]]:
    """Assignment id -> its instructor notebooks, from ``notebooks/``."""
    return {d.name: sorted(d.glob("*.ipynb")) for d in sorted(NOTEBOOKS.glob("nb[0-9][0-9]"))
            if any(d.glob("*.ipynb"))}


class Course:
    def __init__(self, root: str | Path, db_url: str | None = None, *, create: bool = False):
        self.root = Path(root).resolve()
        if not self.root.exists():
            if not create:
                raise CourseError(f"no course directory at {self.root} (run `course release` "
                                  "first, or give --root)")
            self.root.mkdir(parents=True)
        elif not (self.root / "nbgrader_config.py").exists():
            if not create or any(self.root.iterdir()):
                raise CourseError(f"{self.root} is not a course directory (it has no "
                                  "nbgrader_config.py); give --root an empty or a new folder"
                                  if create else
                                  f"{self.root} is not a course directory (no "
                                  "nbgrader_config.py; run `course release` first)")
        if create:
            os.chmod(self.root, 0o700)  # students' code must not reach it (see SECURITY.md)
        self.db_url = db_url or os.environ.get("COURSE_DB") or (
            f"sqlite:///{self.root / 'gradebook.db'}")
        if not self.db_url.startswith(("sqlite:///", "postgresql://", "postgresql+")):
            raise CourseError(f"unsupported database URL {self.db_url!r}: use sqlite:///PATH "
                              "or postgresql://USER@HOST:PORT/DB")
        config = self.root / "nbgrader_config.py"
        if create or not config.exists() or repr(str(self.root)) not in config.read_text():
            self.write_config()  # (also for a course directory that was moved or copied)

    # Paths ------------------------------------------------------------------------------
    def path(self, step: str, *parts: str) -> Path:
        return self.root.joinpath(step, *parts)

    def submissions(self) -> list[tuple[str, str]]:
        """(student, assignment) for every collected submission."""
        base = self.path("submitted")
        return sorted((s.name, a.name) for s in base.glob("*") if s.is_dir()
                      for a in s.glob("*") if a.is_dir())

    def assignments(self) -> list[str]:
        return sorted(p.name for p in self.path("source").glob("*") if p.is_dir())

    def secret(self, create: bool = False) -> int:
        """The seed of the hidden cases: made once, by ``course release`` (``create``);
        only the instructor can read it.  Never made again silently: a new one would
        draw other hidden cases than the ones already graded."""
        path = self.root / ".secret"
        if not path.exists():
            if not create:
                raise CourseError(
                    f"no course secret at {path}: `course release` makes it; if grading has "
                    "started, restore the file from a backup (a new secret would draw other "
                    "hidden cases)")
            partial = path.with_name(".secret.partial")
            partial.write_text(str(secrets.randbits(63)))
            os.chmod(partial, 0o600)
            partial.replace(path)
        try:
            return int(path.read_text().strip())
        except ValueError:
            raise CourseError(f"the course secret {path} is damaged (not a number): restore it "
                              "from a backup") from None

    # nbgrader ---------------------------------------------------------------------------
    def write_config(self) -> None:
        (self.root / "nbgrader_config.py").write_text(
            "# Written by the course command.\n"
            "c = get_config()  # noqa\n"
            f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
            f"c.CourseDirectory.root = {str(self.root)!r}\n"
            f"c.CourseDirectory.db_url = {self.db_url!r}\n"
            f"c.Exchange.root = {str(self.root / 'exchange')!r}\n"
            "c.CourseDirectory.ignore = ['.ipynb_checkpoints', '*.pyc', '__pycache__', "
            "'*.py', '*.so', '*.pth', 'feedback']\n"
            "c.ClearSolutions.code_stub = {'python': '# YOUR CODE HERE\\n"
            "raise NotImplementedError()'}\n")

    def config(self):
        from traitlets.config import Config

        cfg = Config()
        cfg.CourseDirectory.root = str(self.root)
        cfg.CourseDirectory.db_url = self.db_url
        cfg.CourseDirectory.course_id = COURSE_ID
        cfg.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "*.py",
                                      "*.so", "*.pth"]
        return cfg

    def api(self):
        from nbgrader.apps import NbGraderAPI
        from nbgrader.coursedir import CourseDirectory

        cfg = self.config()
        return NbGraderAPI(coursedir=CourseDirectory(config=cfg), config=cfg)

    @contextmanager
    def gradebook(self, keep: bool = False):
        """nbgrader's Gradebook, retrying while another writer holds the database.

        ``keep=True`` (autograde's worker processes) reuses one open gradebook per
        process: opening one costs a connection and a check of every table.
        """
        from nbgrader.api import Gradebook

        key = (self.db_url, os.getpid())
        if keep and key in _kept:
            gb = _kept[key]
            try:
                yield gb
            except BaseException:
                gb.db.rollback()
                raise
            return
        for attempt in range(30):
            try:
                gb = Gradebook(self.db_url, course_id=COURSE_ID)
                break
            except Exception as exc:  # noqa: BLE001 (SQLAlchemy raises many kinds)
                if "locked" not in str(exc) and attempt:
                    raise CourseError(f"cannot open the gradebook {self.db_url}: "
                                      f"{str(exc).splitlines()[0]}") from None
                time.sleep(0.2 * (attempt + 1))
        if keep:
            _kept[key] = gb
            yield gb
            return
        try:
            yield gb
        finally:
            gb.close()


_kept: dict = {}  # (database URL, process id) -> an open Gradebook
