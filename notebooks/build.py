"""Build the instructor notebooks from their percent-format sources.

Lessons are written in ``notebooks/src/nbNN_topic.py`` (readable, diffable),
one cell per ``# %%`` marker::

    # %% [markdown]            a markdown cell (each line starts with "# ")
    # %%                       an ordinary (lesson) code cell
    # %% [setup]               the locked cell every run starts with (imports)
    # %% [answer] nb01.foo     the student's answer cell for exercise nb01.foo
    # %% [test] nb01.foo       its locked test cell (points from the exercise)

and built into ``notebooks/nbNN/nbNN_topic.ipynb``: an nbgrader source
notebook (solution and test cells with metadata, unique grade ids), executed
so that its outputs are stored for ``pytest --nbval``; and the lesson's visible
cases as data (``course/visible/nbNN.json``), which its checks read.

Usage: ``python notebooks/build.py [nb01 ...] [--no-execute]``
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
SRC = HERE / "src"
MARKER = re.compile(r"^# %%(?:\s*\[(\w+)\])?\s*(\S*)\s*$")


def parse(text: str) -> list[tuple[str, str, str]]:
    """(kind, id, body) for each cell of a percent-format source."""
    cells: list[tuple[str, str, list[str]]] = []
    for line in text.splitlines():
        m = MARKER.match(line)
        if m:
            cells.append((m.group(1) or "code", m.group(2), []))
        elif cells:
            cells[-1][2].append(line)
    out = []
    for kind, cid, lines in cells:
        while lines and not lines[-1].strip():
            lines.pop()
        while lines and not lines[0].strip():
            lines.pop(0)
        if kind == "markdown":
            lines = [ln[2:] if ln.startswith("# ") else ln.lstrip("#") for ln in lines]
        out.append((kind, cid, "\n".join(lines)))
    return out


def notebook(name: str, text: str) -> nbformat.NotebookNode:
    """The nbgrader source notebook for one lesson."""
    from grading.exercises import cell_id, get

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for k, (kind, cid, body) in enumerate(parse(text)):
        if kind == "markdown":
            cell = nbformat.v4.new_markdown_cell(body)
        else:
            cell = nbformat.v4.new_code_cell(body)
        cell["id"] = f"{name}-{k:02d}"
        meta = {"schema_version": 3, "solution": False, "grade": False, "locked": False,
                "task": False}
        if kind == "setup":
            meta.update(locked=True, grade_id=f"{name}-setup")
        elif kind == "answer":
            get(cid)  # the exercise must exist
            meta.update(solution=True, grade_id=cell_id(cid, answer=True))
        elif kind == "test":
            meta.update(grade=True, locked=True, grade_id=cell_id(cid), points=get(cid).points)
        elif kind not in ("code", "markdown"):
            raise ValueError(f"{name}: unknown cell kind [{kind}]")
        if kind != "code" and kind != "markdown":
            cell.metadata["nbgrader"] = meta
        nb.cells.append(cell)
    return nb


def write_visible(lesson: str, nb: nbformat.NotebookNode) -> Path:
    """The lesson's visible cases as data (``course/visible/nbNN.json``), which the
    notebook's checks read: computed here, by the instructor's side."""
    from grading import kit
    from grading.exercises import exercise_id

    eids = [exercise_id(c.metadata["nbgrader"]["grade_id"]) for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade")]
    target = HERE.parent / "course" / "visible" / f"{lesson}.json"
    partial = target.with_name(f".{target.name}.partial")
    partial.write_text(kit.lesson_data(eids))
    partial.replace(target)
    return target


def build(name: str, execute: bool = True) -> Path:
    nb = notebook(name, (SRC / f"{name}.py").read_text())
    out = HERE / name.split("_")[0] / f"{name}.ipynb"
    out.parent.mkdir(exist_ok=True)
    write_visible(name.split("_")[0], nb)
    if execute:
        NotebookClient(nb, timeout=120, kernel_name="python3",
                       resources={"metadata": {"path": str(out.parent)}}).execute()
    nbformat.write(nb, out)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="lessons to build (default: all)")
    parser.add_argument("--no-execute", action="store_true")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE.parent))
    names = sorted(p.stem for p in SRC.glob("nb*.py"))
    chosen = [n for n in names if not args.names or any(n.startswith(a) for a in args.names)]
    for name in chosen:
        print("built", build(name, execute=not args.no_execute).relative_to(HERE.parent))


if __name__ == "__main__":
    main()
