"""minigrad on PyTorch's own material (issue 17): every cell of the corpus in
``tests/tutorials/`` (PyTorch's tutorials, the "Autograd mechanics" notes, d2l's
autograd section, micrograd's tests, and the ``>>>`` examples of torch 2.13's
docstrings) runs under real PyTorch and under minigrad (``import torch`` bound
to minigrad), and must print the same text: stdout, the warnings a user sees,
and the exception's type and message if the cell raises.

One test per cell, ``test_cell[<file>:cell-<n>]``.  A cell that does not match
yet is listed in ``tests/tutorials/KNOWN.toml`` with what differs; it is a
strict xfail, so fixing minigrad makes it fail until its line is removed.
``tests/tutorials/harness.py`` says how cells are run, and as a script prints
the count of identical cells per source.
"""

from __future__ import annotations

import difflib
import functools
import importlib.util
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch", reason="the corpus is compared with PyTorch 2.13")

sys.path.insert(0, str(Path(__file__).resolve().parent / "tutorials"))
import harness  # noqa: E402

KNOWN: dict[str, str] = harness._known()
CORPORA = [harness.parse(p) for p in harness.corpus_files()]
BY_NAME = {c.name: c for c in CORPORA}


@functools.cache
def _results(name: str) -> dict[str, tuple[str, str]]:
    return harness.compare(BY_NAME[name])


def _missing(corpus: harness.Corpus) -> list[str]:
    return [m for m in corpus.needs if importlib.util.find_spec(m) is None]


def _params():
    for corpus in CORPORA:
        missing = _missing(corpus)
        for cell in corpus.cells:
            marks = []
            if missing:
                marks.append(pytest.mark.skip(
                    reason=f"{corpus.name} needs {', '.join(missing)} (the torch extra)"))
            elif cell.id in KNOWN:
                marks.append(pytest.mark.xfail(strict=True, reason=KNOWN[cell.id]))
            yield pytest.param(corpus.name, cell.id, id=cell.id, marks=marks)


@pytest.mark.timeout(300)
@pytest.mark.parametrize(("name", "cell_id"), list(_params()))
def test_cell(name: str, cell_id: str) -> None:
    want, got = _results(name)[cell_id]
    if got != want:
        diff = "\n".join(difflib.unified_diff(
            want.split("\n"), got.split("\n"), "pytorch", "minigrad", lineterm=""))
        pytest.fail(f"{cell_id} prints differently under minigrad:\n{diff}", pytrace=False)


def test_known_list_names_only_cells_of_the_corpus() -> None:
    cells = {cell.id for corpus in CORPORA for cell in corpus.cells}
    present = {corpus.name for corpus in CORPORA}
    stale = [cid for cid in KNOWN if cid.split(":")[0] in present and cid not in cells]
    assert not stale, f"KNOWN.toml names cells that do not exist: {stale}"


def test_every_corpus_file_names_its_source_and_licence() -> None:
    for corpus in CORPORA:
        assert "# Licence:" in corpus.header, corpus.path
        assert corpus.cells, corpus.path
        assert corpus.mode in ("script", "repl"), corpus.path


def test_docstring_corpus_is_what_the_installed_torch_has(tmp_path: Path) -> None:
    """The docstring files are made by extract_docstrings.py: regenerated, they do not change."""
    import extract_docstrings

    for stem in ("docstrings_autograd", "docstrings_func", "docstrings_tensor"):
        if stem not in BY_NAME:
            continue
        kind = stem.split("_")[1]
        extract_docstrings.write(kind, stem, extract_docstrings.TITLES[kind], folder=tmp_path)
        made = (tmp_path / f"{stem}.py").read_text(encoding="utf-8")
        assert made == BY_NAME[stem].path.read_text(encoding="utf-8"), (
            f"{stem}.py is not what extract_docstrings.py makes from the installed torch: "
            "run .venv/bin/python tests/tutorials/extract_docstrings.py")
