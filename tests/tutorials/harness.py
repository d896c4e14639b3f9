"""Run the corpus of PyTorch material under PyTorch and under minigrad, cell by cell.

A corpus file (``tests/tutorials/*.py`` but this one and ``extract_docstrings.py``)
is a header of ``#`` comments naming its source and licence, then cells, each
opened by a line ``# %%``.  A line ``# %% left out: WHY`` stands for a cell of
the source that is not run (it needs a GPU, a download, torchvision, plotting,
or prints wall-clock times); it is counted, never run.

A header line ``# needs: MODULE`` names a module the source imports besides torch
(the test skips the file, saying so, where it is not installed).

The header's ``# mode:`` line says how a cell shows values:

* ``script`` (default): as Jupyter and sphinx-gallery do, the value of the cell's
  last expression is printed; an exception ends the cell.
* ``repl``: every top-level statement is a ``>>>`` line of an interactive
  session (docstring examples): every expression's value is printed and an
  exception ends that statement only.  Each cell is a docstring's block of
  examples: it runs in a fresh namespace holding ``torch`` (as PyTorch's
  doctests do) and fresh global state (grad mode, default dtype, print
  options), unless its marker line ends "(continued)": then it runs on from
  the cell before (the next block of the same docstring).

A header line ``# cells: independent`` makes a ``script`` file's cells separate
programs too (the "Learning PyTorch with Examples" scripts, each run on its own).

Otherwise a file runs in a fresh namespace, its cells in order; before cell ``n`` the
random generators (torch's, Python's, NumPy's) are seeded with ``n``, in both
runs, so random draws match where minigrad's samplers match PyTorch's CPU
streams and a cell that fails does not shift the draws of the cells after it.
PyTorch runs on one thread (its float32 sums depend on the thread count).  What
a cell printed, the warnings it gave and the exception it raised (type and
message) are one text; the two texts are compared after memory addresses and
the location of warnings raised inside the library are blanked.

``python tests/tutorials/harness.py`` prints how many cells print what PyTorch
prints, per source and in total; ``--diff ID`` shows one cell's two outputs.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from conftest import _capture, _format_exception, _normalise, run_tree, to_minigrad  # noqa: E402

# Corpus files may also be laid beside the repository (as the seed notebooks are):
# ../shared/tutorials/*.py, read when present, after the ones here.
SHARED = TESTS.parents[1] / "shared" / "tutorials"
NOT_CORPUS = {"harness.py", "extract_docstrings.py", "__init__.py"}
MARKER = re.compile(r"^# %%(.*)$")
LEFT_OUT = re.compile(r"^\s*left out:\s*(.+)$")


@dataclass
class Cell:
    id: str  # "<file stem>:cell-<n>"
    source: str
    line: int  # line of the cell's first source line in the file
    continues: bool = False  # "(continued)": runs on from the cell before (same namespace)


@dataclass
class Corpus:
    path: Path
    header: str
    mode: str
    independent: bool = False  # each cell a program of its own (fresh namespace and state)
    needs: list[str] = field(default_factory=list)  # modules besides torch ("# needs: X")
    cells: list[Cell] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.stem


def corpus_files() -> list[Path]:
    seen: dict[str, Path] = {}
    for folder in (HERE, SHARED):
        if folder.is_dir():
            for p in sorted(folder.glob("*.py")):
                if p.name not in NOT_CORPUS and p.stem not in seen:
                    seen[p.stem] = p
    return list(seen.values())


def parse(path: Path) -> Corpus:
    lines = path.read_text(encoding="utf-8").split("\n")
    header: list[str] = []
    corpus = Corpus(path, "", "script")
    current: list[str] | None = None
    start = 0
    continues = False

    def close() -> None:
        if current is not None:
            text = "\n".join(current).strip("\n")
            n = len(corpus.cells) + 1
            corpus.cells.append(Cell(f"{path.stem}:cell-{n}", text, start, continues))

    for number, line in enumerate(lines, 1):
        m = MARKER.match(line)
        if m:
            close()
            left = LEFT_OUT.match(m.group(1))
            if left:
                corpus.left_out.append(left.group(1).strip())
                current = None
            else:
                current, start = [], number + 1
                continues = m.group(1).rstrip().endswith("(continued)")
        elif current is not None:
            current.append(line)
        else:
            header.append(line)
            mode = re.match(r"^# mode:\s*(\w+)", line)
            if mode:
                corpus.mode = mode.group(1)
            if re.match(r"^# cells:\s*independent\b", line):
                corpus.independent = True
            needs = re.match(r"^# needs:\s*(.+)$", line)
            if needs:
                corpus.needs += needs.group(1).split()
    close()
    corpus.header = "\n".join(header)
    corpus.independent = corpus.independent or corpus.mode == "repl"
    return corpus


# Running ------------------------------------------------------------------------------------

def _engine(name: str):
    if name == "torch":
        import torch

        return torch
    import minigrad

    return minigrad


def _reset(name: str) -> None:
    """A fresh process's global state, so no file sees what another one set."""
    if name == "torch":
        import torch

        torch.set_default_dtype(torch.float32)
        torch.set_printoptions(profile="default")
        torch.set_grad_enabled(True)
        torch.autograd.set_detect_anomaly(False)
        torch.set_default_device(None)
        return
    import minigrad
    from minigrad import _dtype, grad_mode
    from minigrad._tensor_str import set_printoptions

    set_printoptions(profile="default")
    _dtype.set_default_dtype(_dtype.float32)
    grad_mode._state.enabled = True
    sys.modules["minigrad.tensor"]._warned.clear()
    if hasattr(minigrad, "autograd") and hasattr(minigrad.autograd, "set_detect_anomaly"):
        minigrad.autograd.set_detect_anomaly(False)


def _seed(name: str, n: int) -> None:
    _engine(name).manual_seed(n)
    random.seed(n)
    np.random.seed(n)


# Shown by Python's default filters only when raised by the user's own code (__main__).
HIDDEN_ELSEWHERE = (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning)


# A stack printed inside a warning (anomaly mode's forward trace): the library's frames
# and the harness's are not the behaviour compared, the user's frames are.
OTHER_FRAME = re.compile(r'^ *File "(?!<snippet>).*\n(?: {4,}\S.*\n)?', re.M)
TRIGGERED = re.compile(r" \(Triggered internally at .*?\)")


def _shown(caught: list) -> list[str]:
    """The warnings a user sees: once per place and text (Python's "default"
    action), and no library-internal deprecation notices."""
    lines: list[str] = []
    for w in caught:
        if issubclass(w.category, HIDDEN_ELSEWHERE) and w.filename != "<snippet>":
            continue
        message = TRIGGERED.sub("", OTHER_FRAME.sub("", str(w.message) + "\n")).rstrip("\n")
        line = f"[stderr] {w.filename}:{w.lineno}: {w.category.__name__}: {message}"
        if line not in lines:
            lines.append(line)
    return lines


def _render(out: str, caught: list, error: BaseException | None) -> str:
    parts = [out.rstrip("\n")] if out else []
    parts += _shown(caught)
    if error is not None:
        parts.append(_format_exception(error))
    return _normalise("\n".join(parts))


def _run_script_cell(tree: ast.Module, ns: dict) -> tuple[str, list, BaseException | None]:
    return run_tree(tree, ns, "<snippet>")


def _run_repl_cell(tree: ast.Module, ns: dict) -> tuple[str, list, BaseException | None]:
    # one exception per statement is shown in place, as the REPL does
    chunks: list[str] = []
    all_caught: list = []
    for stmt in tree.body:
        node = ast.Interactive(body=[stmt])
        with _capture() as (out, caught):
            try:
                exec(compile(node, "<snippet>", "single"), ns)
            except Exception as e:  # noqa: BLE001 (the session shows it)
                print(_format_exception(e))
        chunks.append(out.getvalue())
        all_caught.extend(caught)
    return "".join(chunks), all_caught, None


def run(corpus: Corpus, engine: str) -> dict[str, str]:
    """Each cell's output (normalised) under ``engine`` ("torch" or "minigrad")."""
    results: dict[str, str] = {}
    runner = _run_repl_cell if corpus.mode == "repl" else _run_script_cell
    threads = None
    if engine == "torch":
        # One thread: the reference is then the same on every machine (MKL's sums
        # depend on the thread count), and OpenMP's spinning threads do not take
        # a busy 2-core machine six times as long.
        import torch

        threads = torch.get_num_threads()
        torch.set_num_threads(1)
    try:
        for n, cell in enumerate(corpus.cells, 1):
            if (corpus.independent and not cell.continues) or n == 1:
                _reset(engine)
                ns: dict = {"__name__": "__main__"}
                if corpus.mode == "repl":
                    ns["torch"] = _engine(engine)
            source = cell.source if engine == "torch" else to_minigrad(cell.source)
            # the cell's lines keep their numbers in warnings: line 1 is the cell's first
            try:
                tree = ast.parse(source, "<snippet>")
            except SyntaxError as e:
                results[cell.id] = _normalise(_format_exception(e))
                continue
            _seed(engine, n)
            results[cell.id] = _render(*runner(tree, ns))
    finally:
        _reset(engine)
        if threads is not None:
            import torch

            torch.set_num_threads(threads)
    return results


def compare(corpus: Corpus) -> dict[str, tuple[str, str]]:
    """cell id -> (what PyTorch printed, what minigrad printed)."""
    want = run(corpus, "torch")
    got = run(corpus, "minigrad")
    return {cell.id: (want[cell.id], got[cell.id]) for cell in corpus.cells}


# Counting -----------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--diff", action="append", default=[], metavar="ID",
                        help="show what PyTorch and minigrad print for this cell (repeatable)")
    parser.add_argument("--only", action="append", default=[], metavar="SOURCE",
                        help="only this corpus file (stem; repeatable)")
    parser.add_argument("--markdown", action="store_true", help="the table as Markdown")
    parser.add_argument("--check-known", action="store_true",
                        help="list the cells that differ but are not in KNOWN.toml, and the "
                             "KNOWN.toml cells that now match")
    args = parser.parse_args(argv)
    known = _known() if args.check_known else {}
    unlisted: list[str] = []
    fixed: list[str] = []
    rows = []
    total_same = total = total_left = 0
    for path in corpus_files():
        corpus = parse(path)
        if args.only and corpus.name not in args.only:
            continue
        results = compare(corpus)
        same = sum(want == got for want, got in results.values())
        if args.check_known:
            unlisted += [c for c, (w, g) in results.items() if w != g and c not in known]
            fixed += [c for c, (w, g) in results.items() if w == g and c in known]
        rows.append((corpus.name, same, len(results), len(corpus.left_out)))
        total_same += same
        total += len(results)
        total_left += len(corpus.left_out)
        for cid in args.diff:
            if cid in results:
                want, got = results[cid]
                print(f"== {cid}: {'identical' if want == got else 'differs'}")
                print("\n".join(difflib.unified_diff(
                    want.split("\n"), got.split("\n"), "pytorch", "minigrad", lineterm="")))
                if want == got:
                    print(want)
    if args.markdown:
        print("| source | cells identical | cells left out |")
        print("| --- | --- | --- |")
        for name, same, n, left in rows:
            print(f"| `{name}` | {same} of {n} | {left} |")
        print(f"| **total** | **{total_same} of {total}** | {total_left} |")
    else:
        width = max((len(r[0]) for r in rows), default=10)
        for name, same, n, left in rows:
            print(f"{name:<{width}}  {same:>4} of {n:<4} identical  ({left} left out)")
        print(f"{'total':<{width}}  {total_same:>4} of {total:<4} identical"
              f"  ({total_left} left out)")
    if args.check_known:
        print("differ, not in KNOWN.toml:", *unlisted or ["none"], sep="\n  ")
        print("in KNOWN.toml, now identical:", *fixed or ["none"], sep="\n  ")
        return 1 if unlisted or fixed else 0
    return 0


def _known() -> dict[str, str]:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    return tomllib.loads((HERE / "KNOWN.toml").read_text(encoding="utf-8"))


if __name__ == "__main__":
    raise SystemExit(main())
