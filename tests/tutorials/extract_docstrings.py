"""Write the docstring corpus: the ``>>>`` examples in the installed PyTorch's
docstrings of ``torch.autograd``, ``torch.func`` and the Tensor methods that
concern autograd, one cell per docstring, as ``docstrings_autograd.py``,
``docstrings_func.py`` and ``docstrings_tensor.py`` beside this script.

    .venv/bin/python tests/tutorials/extract_docstrings.py

The examples are copied as the docstrings have them (``>>>``/``...`` prompts
removed, the shown outputs dropped: the test compares minigrad with PyTorch
itself).  A docstring example is left out, with the reason, when PyTorch
itself cannot run it here: it needs CUDA (``xdoctest: +REQUIRES(...)``, or it
names ``cuda``), it is a fragment (PyTorch raises NameError, ImportError or
ModuleNotFoundError), or what it prints changes from one run to the next.
"""

from __future__ import annotations

import doctest
import importlib
import inspect
import re
import sys
from pathlib import Path

import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import harness  # noqa: E402

LICENCE = """\
# Licence: PyTorch's BSD-3-Clause licence (Copyright (c) 2016- Facebook, Inc. (Adam Paszke)
# and the PyTorch contributors); see LICENSE in the torch distribution.
# ruff: noqa
# mode: repl"""

AUTOGRAD_MODULES = [
    "torch.autograd", "torch.autograd.function", "torch.autograd.functional",
    "torch.autograd.forward_ad", "torch.autograd.graph", "torch.autograd.grad_mode",
    "torch.autograd.anomaly_mode", "torch.autograd.gradcheck",
]
TENSOR_NAMES = [  # the Tensor methods and attributes that concern autograd
    "backward", "grad", "grad_fn", "grad_dtype", "requires_grad", "requires_grad_",
    "is_leaf", "detach", "detach_", "register_hook", "register_post_accumulate_grad_hook",
    "retain_grad", "retains_grad", "data", "_version",
]
SKIP_DIRECTIVE = re.compile(r"xdoctest:\s*\+REQUIRES\((?P<what>[^)]*)\)")


def _objects_of(module_name: str):
    module = importlib.import_module(module_name)
    names = getattr(module, "__all__", None) or [n for n in vars(module) if not n.startswith("_")]
    for name in names:
        obj = getattr(module, name, None)
        if obj is None or inspect.ismodule(obj):
            continue
        yield f"{module_name}.{name}", obj
        if inspect.isclass(obj):
            for attr, value in vars(obj).items():
                if attr.startswith("_"):
                    continue
                yield f"{module_name}.{name}.{attr}", getattr(value, "__func__", value)


def _where(obj) -> str:
    try:
        target = inspect.unwrap(obj)
        path = Path(inspect.getsourcefile(target))
        line = inspect.getsourcelines(target)[1]
        return f"{path.relative_to(Path(torch.__file__).parent.parent)}:{line}"
    except (TypeError, OSError, ValueError):
        return "torch/_tensor_docs.py (add_docstr_all)"


def _blocks(obj) -> list[str]:
    """The docstring's examples, as blocks: a run of ``>>>`` examples that only
    their outputs and blank lines separate is one block."""
    doc = inspect.getdoc(obj) or ""
    lines = doc.split("\n")
    blocks: list[list[str]] = []
    end = None
    for e in doctest.DocTestParser().get_examples(doc):
        between = lines[end:e.lineno] if end is not None else ["prose"]
        if any(line.strip() for line in between):
            blocks.append([])
        blocks[-1].append(e.source)
        end = e.lineno + e.source.count("\n") + e.want.count("\n")
    return ["".join(b) for b in blocks]


def collect(kind: str) -> list[dict]:
    """One entry per block of ``>>>`` examples: qualname, where, block (1, 2, ...),
    blocks (how many the docstring has), source, module, reason (left out, or None)."""
    seen: set[int] = set()
    found = []
    if kind == "tensor":
        objects = [(f"torch.Tensor.{n}", getattr(torch.Tensor, n)) for n in TENSOR_NAMES]
    elif kind == "func":
        objects = list(_objects_of("torch.func"))
    else:
        objects = [o for m in AUTOGRAD_MODULES for o in _objects_of(m)]
    for qualname, obj in objects:
        doc = getattr(obj, "__doc__", None)
        if not doc or id(doc) in seen:
            continue
        seen.add(id(doc))
        blocks = [b for b in _blocks(obj) if b.strip()]
        module = getattr(inspect.unwrap(obj), "__module__", None) or qualname.rsplit(".", 1)[0]
        required = None
        for k, source in enumerate(blocks, 1):
            need = SKIP_DIRECTIVE.search(source)
            required = required or (need and f"needs {need.group('what')} (xdoctest: +REQUIRES)")
            reason = required
            if reason is None and re.search(r"\bcuda\b|device=['\"]cuda", source):
                reason = "needs a GPU (uses cuda)"
            found.append({"qualname": qualname, "where": _where(obj), "block": k,
                          "blocks": len(blocks), "source": source, "module": module,
                          "reason": reason})
    return found


def _import_line(module: str) -> str:
    return f"from {module} import *  # added: PyTorch's doctests run in the module's namespace"


def _title(c: dict, continued: bool) -> str:
    title = f"{c['qualname']} ({c['where']})"
    if c["blocks"] > 1:
        title += f", example {c['block']} of {c['blocks']}"
    return title + (" (continued)" if continued else "")


def _cells_text(cells: list[dict]) -> list[str]:
    """The kept cells, each marked as continuing the one before when it is the
    next example of the same docstring."""
    out, previous = [], None
    for c in cells:
        if c["reason"] is not None:
            out += ["", f"# %% left out: {_title(c, False)}: {c['reason']}"]
            continue
        continued = previous is not None and previous["qualname"] == c["qualname"]
        out += ["", f"# %% {_title(c, continued)}", c["source"].rstrip("\n")]
        previous = c
    return out


def _classify(cells: list[dict], stem: str, folder: Path) -> None:
    """Run the kept cells under PyTorch twice; a docstring that needs its module's
    names gets them (in its first example); fragments and unsteady output are left out."""
    path = folder / f"{stem}.tmp.txt"
    imported: set[str] = set()
    try:
        while True:
            path.write_text("# mode: repl\n" + "\n".join(_cells_text(cells)) + "\n",
                            encoding="utf-8")
            corpus = harness.parse(path)
            first, second = harness.run(corpus, "torch"), harness.run(corpus, "torch")
            kept = [c for c in cells if c["reason"] is None]
            changed = False
            for c, cell in zip(kept, corpus.cells):
                text = first[cell.id]
                error = re.search(r"^(NameError|ImportError|ModuleNotFoundError): .*$", text, re.M)
                if (error and error.group(1) == "NameError" and c["qualname"] not in imported
                        and not c["qualname"].startswith("torch.Tensor.")):
                    head = next(d for d in kept if d["qualname"] == c["qualname"])
                    head["source"] = _import_line(c["module"]) + "\n" + head["source"]
                    imported.add(c["qualname"])
                    changed = True
                    break  # run again: the names may be all that block needed
                if error:
                    c["reason"] = f"a fragment: PyTorch raises {error.group(0)}"
                    changed = True
                elif first[cell.id] != second[cell.id]:
                    c["reason"] = "prints something different on every run (timings, ids)"
                    changed = True
            if not changed:
                return
    finally:
        path.unlink(missing_ok=True)


TITLES = {"autograd": "torch.autograd", "func": "torch.func",
          "tensor": "torch.Tensor (autograd methods)"}


def write(kind: str, stem: str, title: str, folder: Path = HERE) -> tuple[int, int]:
    cells = collect(kind)
    _classify(cells, stem, folder)
    out = [
        f"# {title}: the >>> examples in the docstrings of PyTorch {torch.__version__}",
        f"# (git {torch.version.git_version}), as installed; one cell per block of",
        "# examples, its prompts removed; a cell marked (continued) runs on from the one",
        "# before, as the next example of the same docstring.",
        "# Made by tests/tutorials/extract_docstrings.py: do not edit.",
        LICENCE,
    ]
    out += _cells_text(cells)
    (folder / f"{stem}.py").write_text("\n".join(out) + "\n", encoding="utf-8")
    return sum(c["reason"] is None for c in cells), len(cells)


def main() -> int:
    for kind, title in TITLES.items():
        kept, total = write(kind, f"docstrings_{kind}", title)
        print(f"docstrings_{kind}.py: {kept} cells, {total - kept} left out")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
