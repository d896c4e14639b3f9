"""``course html NOTEBOOK... --out DIR``: notebooks as HTML pages whose formulas need
no network.

nbconvert's HTML loads MathJax from a CDN, so a page opened offline (or in an LMS
that blocks scripts) shows raw LaTeX.  Here every formula of the markdown cells is
converted to MathML when the page is written (``latex2mathml``), which browsers
render natively (Chromium since version 109, Firefox, Safari), and the MathJax
script is left out: the page is one self-contained file.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import nbformat

#: $$display$$ or $inline$ (a $ not escaped, not followed or preceded by a space).
MATH = re.compile(r"\$\$(.+?)\$\$|(?<![\\$])\$(?![\s$])(.+?)(?<![\s\\])\$", re.S)
MATHJAX = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)
#: Scripts the page would fetch from a CDN (require.js, for widgets these pages have not).
REMOTE_SCRIPT = re.compile(r'<script src="https?://[^"]*"></script>')


#: A prime as a superscript (latex2mathml's f') is raised twice in Chromium: f′ instead.
PRIME = re.compile(r"<msup>(<mi>[^<]*</mi>)<mi>(&#x0203[23];)</mi></msup>")


def _mathml(tex: str, display: bool) -> str:
    from latex2mathml.converter import convert

    mathml = convert(tex.strip(), display="block" if display else "inline")
    return PRIME.sub(r'\1<mo lspace="0" rspace="0">\2</mo>', mathml)


def notebook_html(nb: nbformat.NotebookNode, title: str = "Notebook") -> str:
    """The notebook as one HTML page, its formulas as MathML."""
    from nbconvert import HTMLExporter

    nb = copy.deepcopy(nb)
    formulas: list[str] = []

    def stash(m: re.Match) -> str:
        display = m.group(1) is not None
        formulas.append(_mathml(m.group(1) if display else m.group(2), display))
        return f"MATHMLFORMULA{len(formulas) - 1}X"

    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = MATH.sub(stash, cell.source)
    html, _ = HTMLExporter(template_name="lab").from_notebook_node(
        nb, resources={"metadata": {"name": title}})
    html = REMOTE_SCRIPT.sub("", MATHJAX.sub("", html))
    return re.sub(r"MATHMLFORMULA(\d+)X", lambda m: formulas[int(m.group(1))], html)


def export(notebooks: list[Path], out: Path) -> list[Path]:
    """Write ``out/NAME.html`` for each notebook; returns the pages written."""
    out.mkdir(parents=True, exist_ok=True)
    pages = []
    for path in notebooks:
        page = out / f"{path.stem}.html"
        partial = page.with_suffix(".partial")
        nb = nbformat.read(path, as_version=4)
        partial.write_text(notebook_html(nb, path.stem), encoding="utf-8")
        partial.replace(page)
        pages.append(page)
    return pages
