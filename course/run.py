"""``course check NOTEBOOK`` from the students' kit: run a notebook outside Jupyter
and check every exercise on its visible cases, with the notebook's own words.

The notebook's code cells run in order in a child process (``python -m course.run
--child``), the way "Run All" runs them in a kernel; after each test cell's answer,
its exercise is checked there (``course.checks``), and the verdict goes back to
this process over a pipe of its own, so nothing the notebook prints can pass for
one.  Only the kit is needed: no Jupyter, no instructor's package.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

TIMEOUT = 600.0  # seconds for a whole notebook


class NotebookError(Exception):
    """The file is not a course notebook."""


def read(path: Path) -> list[dict]:
    """The code cells of a notebook: {"source", "grade_id", "test"}."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
        cells = nb["cells"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise NotebookError(f"{path.name} is not a readable notebook ({exc})") from None
    out = []
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        meta = cell.get("metadata", {}).get("nbgrader", {})
        source = cell.get("source", "")
        out.append({"source": "".join(source) if isinstance(source, list) else source,
                    "grade_id": meta.get("grade_id", ""), "test": bool(meta.get("grade"))})
    if not any(c["test"] for c in out):
        raise NotebookError(f"{path.name} has no graded exercises (is it a course notebook?)")
    return out


def _exercise_id(grade_id: str) -> str:
    return grade_id.removesuffix("-answer").replace("-", ".", 1)


def child(channel: int) -> None:
    import contextlib
    import io

    from . import checks, drivers
    from .judging import verdict

    out = os.fdopen(channel, "w", buffering=1)
    namespace = {"__name__": "__main__", "get_ipython": drivers.get_ipython}
    stubs: set[str] = set()  # answer cells that raised NotImplementedError
    for cell in json.loads(sys.stdin.read()):
        if not cell["test"]:
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    exec(compile(drivers.python_source(cell["source"]),  # noqa: S102
                                 f"<cell {cell['grade_id'] or 'lesson'}>", "exec"), namespace)
            except BaseException as exc:  # noqa: BLE001 (a failing cell does not stop the run)
                if isinstance(exc, NotImplementedError):
                    stubs.add(cell["grade_id"])  # e.g. a class whose body is the stub
                if cell["grade_id"].endswith("-answer"):
                    out.write(json.dumps({"cell": cell["grade_id"], "error": type(exc).__name__,
                                          "message": str(exc)[:300]}) + "\n")
            continue
        eid = _exercise_id(cell["grade_id"])
        try:
            rule, todo, points = checks.exercise_data(eid)
        except LookupError as exc:
            out.write(json.dumps({"exercise": eid, "ok": False, "points": 0,
                                  "message": str(exc)}) + "\n")
            continue
        try:
            if f"{cell['grade_id']}-answer" in stubs:
                raise NotImplementedError
            with contextlib.redirect_stdout(io.StringIO()):
                result, _ = checks.run_checks(eid, namespace)
        except NotImplementedError:
            result = verdict(rule, [], "", None, None, status="error",
                             error="NotImplementedError")
        except BaseException as exc:  # noqa: BLE001
            result = verdict(rule, [], "", None, None, status="error",
                             error=type(exc).__name__, message=str(exc))
        out.write(json.dumps({"exercise": eid, "ok": result.ok, "points": points,
                              "message": result.message}) + "\n")


def check(path: Path, timeout: float = TIMEOUT) -> int:
    """Check one notebook; print a line per exercise; 0 if all pass, else 1."""
    cells = read(path)
    read_end, write_end = os.pipe()
    env = {**os.environ, "MPLBACKEND": "Agg"}
    proc = subprocess.Popen([sys.executable, "-m", "course.run", "--child", str(write_end)],
                            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, pass_fds=(write_end,), env=env,
                            cwd=path.resolve().parent)
    os.close(write_end)
    with os.fdopen(read_end) as results:
        proc.stdin.write(json.dumps(cells).encode())
        proc.stdin.close()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        events = [json.loads(line) for line in results.read().splitlines() if line.strip()]
    verdicts = {e["exercise"]: e for e in events if "exercise" in e}
    expected = [_exercise_id(c["grade_id"]) for c in cells if c["test"]]
    passed = got = total = 0
    for eid in expected:
        e = verdicts.get(eid, {"ok": False, "points": 0, "message": (
            f"not checked: the notebook took longer than {timeout:g} s or crashed first")})
        total += e["points"]
        mark = "\u2713" if e["ok"] else "\u2717"
        print(f"{mark} {eid} ({e['points'] if e['ok'] else 0:g}/{e['points']})")
        if e["ok"]:
            passed, got = passed + 1, got + e["points"]
        else:
            print("    " + e["message"].replace("\n", "\n    "))
    print(f"{passed} of {len(expected)} exercises pass the visible checks "
          f"({got:g}/{total} points).")
    return 0 if passed == len(expected) else 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(int(sys.argv[2]))
