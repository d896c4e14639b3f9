"""Shared fixtures: a real-PyTorch fixture that skips cleanly, and runners that
replay PyTorch transcripts (REPL sessions, notebook cells) against minigrad.

A transcript is PyTorch's own output, copied from the measured catalogue
(../shared/reference/torch_behaviour.md) or from a tutorial.  The runners
execute its code with ``torch`` bound to minigrad and render what minigrad
prints in the same format, so a test is one string comparison whose diff
shows exactly which line differs.
"""

from __future__ import annotations

import ast
import contextlib
import io
import math
import re
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

import minigrad
from minigrad import _dtype, grad_mode
from minigrad._tensor_str import set_printoptions

_tensor_module = sys.modules["minigrad.tensor"]  # the module (minigrad.tensor is the function)

ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
# A warning attributed to library code (not the user's line): where exactly
# PyTorch's own files report it is not part of the behaviour we copy.
ELSEWHERE = re.compile(r"^\[stderr\] (?!<snippet>:)\S+?:\d+: ", re.M)


@pytest.fixture
def torch():
    """The real PyTorch, for differential tests; skips when it is not installed."""
    return pytest.importorskip("torch", reason="differential tests need PyTorch 2.13")


@pytest.fixture(autouse=True)
def _fresh_minigrad_state() -> Iterator[None]:
    """Each test starts as a fresh process would: default print options, default
    dtype, grad mode on, and no once-per-process warning shown yet."""
    set_printoptions(profile="default")
    _dtype.set_default_dtype(_dtype.float32)
    grad_mode._state.enabled = True
    _tensor_module._warned.clear()
    yield
    set_printoptions(profile="default")
    _dtype.set_default_dtype(_dtype.float32)
    grad_mode._state.enabled = True


def to_minigrad(source: str) -> str:
    """Rebind the code's ``import torch...`` statements to minigrad."""
    source = re.sub(r"^(\s*)import torch\s*$", r"\1import minigrad as torch", source, flags=re.M)
    source = re.sub(r"^(\s*)import torch\.(\S+) as ", r"\1import minigrad.\2 as ", source,
                    flags=re.M)
    return re.sub(r"^(\s*)from torch(\.\S+)? import ", r"\1from minigrad\2 import ", source,
                  flags=re.M)


def namespace() -> dict:
    """The globals the catalogue's snippets assume: torch (minigrad), np, math."""
    return {"torch": minigrad, "np": np, "math": math, "__name__": "__snippet__"}


def _format_warning(w: warnings.WarningMessage) -> str:
    where = f"{w.filename}:{w.lineno}"
    return f"[stderr] {where}: {w.category.__name__}: {w.message}"


def _format_exception(e: BaseException) -> str:
    return f"Traceback (most recent call last):\n  ...\n{type(e).__name__}: {e}"


@contextlib.contextmanager
def _capture() -> Iterator[tuple[io.StringIO, list]]:
    """Capture stdout and every warning (PyTorch's once-only warnings are
    minigrad's business, so Python's own de-duplication is switched off)."""
    out = io.StringIO()
    old_hook = sys.displayhook

    def display(value: object) -> None:
        if value is not None:
            print(repr(value))

    with contextlib.redirect_stdout(out), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # ...but not NumPy's inf/nan warnings inside minigrad, which PyTorch never gives
        warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"minigrad(\.|$)")
        sys.displayhook = display
        try:
            yield out, caught
        finally:
            sys.displayhook = old_hook


def parse_transcript(text: str) -> list[tuple[str, list[str]]]:
    """``>>>``/``...`` statements and the output lines that follow each one."""
    steps: list[tuple[str, list[str]]] = []
    for line in text.strip("\n").splitlines():
        if line.startswith(">>>"):
            steps.append((line[4:], []))
        elif line.startswith("...") and steps and not steps[-1][1]:
            steps[-1] = (steps[-1][0] + "\n" + line[4:], [])
        else:
            if not steps:
                raise ValueError(f"output before the first statement: {line!r}")
            steps[-1][1].append(line)
    return steps


def _normalise(text: str) -> str:
    text = ADDRESS.sub("0x<addr>", text)
    text = ELSEWHERE.sub("[stderr] <library>: ", text)
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def run_transcript(text: str, ns: dict | None = None) -> str:
    """Replay a REPL transcript with minigrad; return it as minigrad would print it.

    Statement ``n`` is compiled as line ``n`` of ``<snippet>``, so a warning
    attributed to the user's code reads ``<snippet>:n`` as in the catalogue.
    """
    ns = namespace() if ns is None else ns
    lines = []
    for n, (source, _) in enumerate(parse_transcript(text), 1):
        src_lines = source.split("\n")
        lines.append(">>> " + src_lines[0])
        lines.extend(("... " + s).rstrip() if s else "... " for s in src_lines[1:])
        code = compile("\n" * (n - 1) + to_minigrad(source) + "\n", "<snippet>", "single")
        error = None
        with _capture() as (out, caught):
            try:
                exec(code, ns)
            except Exception as e:  # noqa: BLE001 (the transcript shows it)
                error = e
        if out.getvalue():
            lines.extend(out.getvalue().rstrip("\n").split("\n"))
        lines.extend(_format_warning(w) for w in caught)
        if error is not None:
            lines.append(_format_exception(error))
    return "\n".join(lines)


@pytest.fixture
def repl() -> Callable[[str], None]:
    """``repl(transcript)``: minigrad must print exactly what PyTorch printed."""

    def check(transcript: str, ns: dict | None = None) -> None:
        assert _normalise(run_transcript(transcript, ns)) == _normalise(transcript)

    return check


# Notebook cells ----------------------------------------------------------------------------

def run_cell(source: str, ns: dict) -> tuple[str, list[warnings.WarningMessage], Exception | None]:
    """Run a notebook cell as Jupyter does: the value of a final expression is shown."""
    return run_tree(ast.parse(to_minigrad(source)), ns, "<cell>")


def run_tree(tree: ast.Module, ns: dict, filename: str = "<cell>"
             ) -> tuple[str, list[warnings.WarningMessage], Exception | None]:
    """Run a parsed cell in ``ns`` as Jupyter does; (stdout, warnings, the error)."""
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    error = None
    with _capture() as (out, caught):
        try:
            exec(compile(tree, filename, "exec"), ns)
            if last is not None:
                value = eval(compile(ast.Expression(last.value), filename, "eval"), ns)
                if value is not None:
                    print(repr(value))
        except Exception as e:  # noqa: BLE001 (the notebook shows it)
            error = e
    return out.getvalue(), list(caught), error


@pytest.fixture(name="run_cell")
def _run_cell_fixture() -> Callable:
    """``run_cell(source, ns)`` (and ``run_cell.namespace()`` for a fresh notebook)."""
    run_cell.namespace = namespace
    return run_cell


@pytest.fixture
def open_tmp() -> Iterator[Path]:
    """A temporary folder every user can reach (a TMPDIR for a grader running as root,
    whose sandbox user must read its library there: pytest's own folders are 0700)."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="course-test-tmp-", dir="/tmp"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)
