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


def _examples(obj) -> tuple[str, str | None]:
    """The docstring's examples as one cell's source, and why it is left out (or None)."""
    doc = inspect.getdoc(obj) or ""
    examples = doctest.DocTestParser().get_examples(doc)
    source = "".join(e.source for e in examples)
    required = SKIP_DIRECTIVE.search(source)
    if required:
        return source, f"needs {required.group('what')} (xdoctest: +REQUIRES)"
    if re.search(r"\bcuda\b|device=['\"]cuda", source):
        return source, "needs a GPU (uses cuda)"
    return source, None


def collect(kind: str) -> list[tuple[str, str, str, str | None, str]]:
    """(qualified name, where, source, reason left out, module) for each docstring
    with examples."""
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
        source, reason = _examples(obj)
        if source.strip():
            module = getattr(inspect.unwrap(obj), "__module__", None) or qualname.rsplit(".", 1)[0]
            found.append((qualname, _where(obj), source, reason, module))
    return found


def _import_line(module: str) -> str:
    return f"from {module} import *  # added: PyTorch's doctests run in the module's namespace"


def _classify(cells: list[list], stem: str, folder: Path) -> None:
    """Run the kept cells under PyTorch twice; a cell that needs its module's
    names gets them; fragments and unsteady output are left out."""
    path = folder / f"{stem}.tmp.txt"
    try:
        while True:
            kept = [c for c in cells if c[3] is None]
            path.write_text("# mode: repl\n" + "".join(f"# %% {c[0]}\n{c[2]}" for c in kept),
                            encoding="utf-8")
            corpus = harness.parse(path)
            first, second = harness.run(corpus, "torch"), harness.run(corpus, "torch")
            changed = False
            for c, cell in zip(kept, corpus.cells):
                text = first[cell.id]
                error = re.search(r"^(NameError|ImportError|ModuleNotFoundError): .*$", text, re.M)
                if (error and error.group(1) == "NameError" and not c[4]
                        and not c[0].startswith("torch.Tensor.")):
                    c[2], c[4] = _import_line(c[5]) + "\n" + c[2], True
                    changed = True
                elif error:
                    c[3] = f"a fragment: PyTorch raises {error.group(0)}"
                    changed = True
                elif first[cell.id] != second[cell.id]:
                    c[3] = "prints something different on every run (timings, ids)"
                    changed = True
            if not changed:
                return
    finally:
        path.unlink(missing_ok=True)


TITLES = {"autograd": "torch.autograd", "func": "torch.func",
          "tensor": "torch.Tensor (autograd methods)"}


def write(kind: str, stem: str, title: str, folder: Path = HERE) -> tuple[int, int]:
    # [qualname, where, source, reason left out, names of its module added, module]
    cells = [[*c[:4], False, c[4]] for c in collect(kind)]
    _classify(cells, stem, folder)
    out = [
        f"# {title}: the >>> examples in the docstrings of PyTorch {torch.__version__}",
        f"# (git {torch.version.git_version}), as installed; one cell per docstring, its",
        "# prompts removed.  Made by tests/tutorials/extract_docstrings.py: do not edit.",
        LICENCE,
    ]
    for qualname, where, source, reason, *_ in cells:
        if reason is not None:
            out += ["", f"# %% left out: {qualname} ({where}): {reason}"]
        else:
            out += ["", f"# %% {qualname} ({where})", source.rstrip("\n")]
    (folder / f"{stem}.py").write_text("\n".join(out) + "\n", encoding="utf-8")
    return sum(c[3] is None for c in cells), len(cells)


def main() -> int:
    for kind, title in TITLES.items():
        kept, total = write(kind, f"docstrings_{kind}", title)
        print(f"docstrings_{kind}.py: {kept} cells, {total - kept} left out")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
