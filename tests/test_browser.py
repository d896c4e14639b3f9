"""The course as people see it, in a real browser (Playwright on Debian's Chromium).

A student opens lesson 1 in ``course lab`` (JupyterLab with the nbgrader
extension), runs it, meets the stubs' ``NotImplementedError``, types answers
through the editor, sees the visible checks pass and asks nbgrader's Validate
button for a verdict. An instructor opens the formgrader of a course that
``course demo`` graded and finds the assignment and the sample class.

Every step leaves a screenshot under ``tests/artifacts/browser/`` (or
``$BROWSER_ARTIFACTS``). Without Chromium or Playwright the tests skip (under
CI, which installs both, they fail).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    TOKEN,
    Shots,
    course,
    lab_server,
    require_browser,
)

require_browser()

from playwright.sync_api import Locator, Page, expect, sync_playwright  # noqa: E402

pytestmark = pytest.mark.slow

LESSON = "nb01/nb01_derivatives.ipynb"
# Generous: two shared cores, a kernel to start, a notebook to run.
STEP_MS = 120_000
FORWARD = ["def forward_difference(f, x, h):", "return (f(x + h) - f(x)) / h"]
CENTRAL = ["def central_difference(f, x, h):", "return (f(x + h) - f(x - h)) / (2 * h)"]


@pytest.fixture(scope="module")
def demo_course(tmp_path_factory) -> tuple[Path, str]:
    """A course root after ``course demo nb01``: lesson 1 released, a sample
    class collected and graded. Returns the root and the command's output."""
    root = tmp_path_factory.mktemp("course") / "root"
    done = course("demo", "--root", str(root), "nb01")
    assert (root / "release" / LESSON).exists(), done.stdout + done.stderr
    return root, done


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser) -> Page:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(STEP_MS)
    expect.set_options(timeout=STEP_MS)
    yield page
    context.close()


# Notebook actions, as a student does them ---------------------------------------------

def cell(page: Page, source_start: str) -> Locator:
    """The code cell whose source starts with ``source_start``."""
    return page.locator(".jp-Notebook .jp-CodeCell").filter(
        has=page.locator(".cm-content > .cm-line:first-child", has_text=source_start))


def outputs(c: Locator) -> Locator:
    return c.locator(".jp-OutputArea-output")


def errors(c: Locator) -> Locator:
    # Tracebacks render as the stderr MIME type in JupyterLab.
    return c.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")


def run_menu(page: Page, item: str) -> None:
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name=item, exact=True).click()


def type_answer(page: Page, c: Locator, lines: list[str]) -> None:
    """Replace a cell's source by typing: select all, then the answer line by
    line (the editor indents the body after the ``def`` line by itself)."""
    editor = c.locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    for i, line in enumerate(lines):
        if i:
            page.keyboard.press("Enter")
        page.keyboard.type(line)
    expect(editor).to_have_text(re.compile(r"^\s*" + r"\s*".join(map(re.escape, lines)) + r"\s*$"))
    page.keyboard.press("Escape")


def run_cell_and_next(page: Page, c: Locator) -> None:
    """Select the cell and press Shift+Enter twice: the cell, then its test."""
    c.locator(".jp-InputPrompt").click()
    page.keyboard.press("Shift+Enter")
    page.keyboard.press("Shift+Enter")


# The student ----------------------------------------------------------------------------

def test_student_runs_lesson_1_fixes_a_stub_and_validates(demo_course, page, tmp_path):
    root, _ = demo_course
    shot = Shots(page, "student")
    with lab_server(root, tmp_path) as url, shot.on_failure():
        page.goto(f"{url}/lab/tree/{LESSON}?reset&token={TOKEN}")

        # The lesson renders, and its kernel starts.
        expect(page.locator(".jp-RenderedMarkdown h1",
                            has_text="Derivatives and differentiability")).to_be_visible()
        expect(page.locator(".jp-StatusBar-TextItem", has_text="| Idle")).to_be_visible()
        shot("lesson-opened")

        # Run All stops at the first visible check: the stub raises nbgrader's
        # NotImplementedError, and the traceback shows the YOUR CODE HERE stub.
        forward, forward_test = (cell(page, "def forward_difference"),
                                 cell(page, '"""forward_difference'))
        run_menu(page, "Run All Cells")
        error = errors(forward_test)
        expect(error).to_contain_text("NotImplementedError")
        expect(error).to_contain_text("YOUR CODE HERE")
        error.scroll_into_view_if_needed()
        shot("stub-fails")

        # Typed answer, then Shift+Enter on it and on its test cell: the check passes.
        type_answer(page, forward, FORWARD)
        run_cell_and_next(page, forward)
        expect(outputs(forward_test)).to_contain_text("\u2713 forward_difference")
        expect(errors(forward_test)).to_have_count(0)
        forward_test.scroll_into_view_if_needed()
        shot("visible-check-passes")

        # The figure plots both estimates' errors: answer the second exercise,
        # run everything again; the figure appears, the next stub stops the run.
        type_answer(page, cell(page, "def central_difference"), CENTRAL)
        run_menu(page, "Run All Cells")
        expect(errors(cell(page, '"""partial_x'))).to_contain_text("NotImplementedError")
        figure = outputs(cell(page, "steps = np.logspace")).locator("img")
        expect(figure).to_be_visible()
        expect(outputs(cell(page, '"""central_difference'))).to_contain_text("\u2713 central")
        figure.scroll_into_view_if_needed()
        shot("figure")

        # nbgrader's Validate button saves the notebook, runs it afresh on the
        # server and lists the test cells that still fail, and only those.
        page.locator(".validate-button").click()
        dialog = page.locator(".jp-Dialog")
        expect(dialog).to_contain_text("Validation Results", timeout=2 * STEP_MS)
        message = dialog.locator("#validation-message")
        expect(message).to_have_class(re.compile("validation-failed"))
        expect(message).to_contain_text("The following cell failed:")
        expect(message).to_contain_text('check("nb01.partial_x")')
        expect(message).to_contain_text('check("nb01.directional_at_origin")')
        expect(message).not_to_contain_text("forward_difference")
        expect(message).not_to_contain_text("central_difference")
        shot("validate")
        dialog.get_by_role("button", name="Ok").click()
        expect(dialog).to_have_count(0)


def exactly(text: str) -> re.Pattern:
    return re.compile(rf"^\s*{re.escape(text)}\s*$")


# The instructor -------------------------------------------------------------------------

def test_the_student_lab_has_no_formgrader_and_no_root_terminals(demo_course, tmp_path):
    """The student lab serves the release only: nbgrader's instructor tools are off (the
    formgrader's pages and its lab plugins), and as root there are no terminals."""
    import json
    import os
    import urllib.error
    import urllib.request

    root, _ = demo_course

    def status(url: str) -> int:
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                return r.status
        except urllib.error.HTTPError as exc:
            return exc.code

    with lab_server(root, tmp_path) as url:
        assert status(f"{url}/formgrader?token={TOKEN}") == 404
        assert status(f"{url}/api/terminals?token={TOKEN}") == (404 if os.geteuid() == 0
                                                                 else 200)
        assert status(f"{url}/api/contents/nb01/nb01_derivatives.ipynb?token={TOKEN}") == 200
        with urllib.request.urlopen(f"{url}/lab?token={TOKEN}", timeout=10) as r:
            page = r.read().decode()
        data = json.loads(re.search(r'id="jupyter-config-data"[^>]*>(.*?)</script>', page,
                                    re.S).group(1))
        assert {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment"} <= set(
            data["disabledExtensions"])
        assert "@jupyter/nbgrader:validate-assignment" not in data["disabledExtensions"]
    with lab_server(root, tmp_path, "--instructor") as url:
        assert status(f"{url}/formgrader?token={TOKEN}") == 200


def test_formgrader_lists_the_assignment_and_the_sample_class(demo_course, page, tmp_path):
    root, done = demo_course
    assert done.returncode == 0, done.stdout + done.stderr
    shot = Shots(page, "instructor")
    students = sorted(p.name for p in (root / "submitted").iterdir())
    assert len(students) >= 5, students
    with lab_server(root, tmp_path, "--instructor") as url, shot.on_failure():
        page.goto(f"{url}/formgrader/manage_assignments?token={TOKEN}")
        row = page.locator("tr", has=page.locator("td", has_text=exactly("nb01")))
        expect(row.locator("td", has_text=exactly(str(len(students))))).to_be_visible()
        shot("manage-assignments")

        page.goto(f"{url}/formgrader/manage_students")
        for student in students:
            expect(page.locator("td", has_text=exactly(student))).to_be_visible()
        shot("manage-students")

        page.goto(f"{url}/formgrader/manage_submissions/nb01")
        for student in students:
            expect(page.locator("td", has_text=exactly(student))).to_be_visible()
        # The scores are the autograder's: the sample's perfect and blank students.
        expect(page.locator("tr", has_text="nb01-perfect")).to_contain_text("10 / 10")
        expect(page.locator("tr", has_text="nb01-blank")).to_contain_text("0 / 10")
        shot("manage-submissions")


def test_an_exported_lesson_shows_its_formulas_without_the_network(page, tmp_path):
    """``course html``: every formula is MathML that Chromium lays out as mathematics,
    with every request that is not the file itself refused."""
    lesson = Path(__file__).resolve().parents[1] / "notebooks" / LESSON
    done = course("html", str(lesson), "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    refused = []

    def offline(route):
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.route("**/*", offline)
    shot = Shots(page, "html-offline")
    with shot.on_failure():
        page.goto((tmp_path / "nb01_derivatives.html").as_uri())
        counts = page.evaluate("""() => {
            const maths = [...document.querySelectorAll('math')];
            const laid = maths.filter(m => m.getBoundingClientRect().width > 0);
            const fracs = [...document.querySelectorAll('mfrac')];
            const stacked = fracs.filter(f => f.children[0].getBoundingClientRect().bottom
                                              <= f.children[1].getBoundingClientRect().top + 1);
            return {maths: maths.length, laid: laid.length, stacked: stacked.length,
                    fractions: fracs.length};
        }""")
        shot("the-first-formulas")
        page.locator("mfrac").nth(8).scroll_into_view_if_needed()
        shot("further-down")
    assert counts["maths"] > 100 and counts["laid"] == counts["maths"], counts
    # a fraction is laid out as one (numerator over denominator), not as a line of text
    assert counts["fractions"] > 5 and counts["stacked"] == counts["fractions"], counts
    text = page.inner_text("body")
    assert "\\frac" not in text and "\\lVert" not in text and "$$" not in text
