"""``course``: the students' kit command.

    course check NOTEBOOK [NOTEBOOK ...]

runs each notebook outside Jupyter and checks every exercise on its visible cases
(``course.run``).  Exit status: 0 when every exercise passes, 1 when one does not,
2 for a usage mistake (a missing or unreadable notebook).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message}\n")


def main(argv: list[str] | None = None) -> int:
    from . import run

    p = _Parser(prog="course", description="The autograd course's self-check (students' kit).")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    k = sub.add_parser("check", help="check a notebook's answers on the visible cases")
    k.add_argument("notebooks", nargs="+", metavar="NOTEBOOK")
    args = p.parse_args(argv)
    status = 0
    for name in args.notebooks:
        path = Path(name)
        if not path.is_file():
            print(f"course: error: no notebook at {path}", file=sys.stderr)
            return 2
        try:
            status = max(status, run.check(path))
        except run.NotebookError as exc:
            print(f"course: error: {exc}", file=sys.stderr)
            return 2
    return status


if __name__ == "__main__":
    sys.exit(main())
