"""The instructor's report on a class whose every number is known.

Six students (fay submitted nothing), two assignments:

* a1 (one notebook n1: a1.e1 2 points, a1.e2 3, a1.e3 5; max 10):
  ann all right (10); bob a1.e2 wrong, 5 h late (7, less 3: 4); cat a1.e1 and a1.e2
  wrong (a1.e2 given 1.5 by hand), a1.e3 unanswered (1.5); dan a1.e2 an error, a1.e3
  wrong (2); eve's notebook is malformed (0, could not be graded);
* a2 (n2a: a2.x1 4, a2.x2 6; n2b: a2.y1 5, a2.y2 1; max 16):
  ann all right (16); bob a2.x2 timed out, n2b not submitted (4); cat submitted
  nothing; dan a2.x1 wrong, an extra cell crashed, a locked cell edited (12); eve
  a2.y1 wrong, 30 h late (11, less 3: 8).

Late policy: 1 point per started hour, at most 3.  Every count, statistic, pass rate,
discrimination (computed here from its other formula), mistake count, list and grade is
asserted; the course test gives the same class a real gradebook and checks the
report's grades against ``course export``'s grades.csv.
"""

from __future__ import annotations

import csv
import json
import math
import statistics
import warnings

import pytest

from grading import late, pipeline, report
from grading.course_dir import Course
from grading.exercises import cell_id

POLICY = late.Policy("per-hour", 1.0, 3.0)
ROSTER = {"ann": "Ann A", "bob": "Bob <B> & co", "cat": "Cat C", "dan": "Dan D", "eve": "Eve E",
          "fay": "Fay F"}
ASSIGNMENTS = {"a1": 10.0, "a2": 16.0}
MANUAL = {("cat", "a1", "n1", "a1.e2"): 1.5}
NOTEBOOKS = {("a1", "n1"): {"a1.e1": 2, "a1.e2": 3, "a1.e3": 5},
             ("a2", "n2a"): {"a2.x1": 4, "a2.x2": 6}, ("a2", "n2b"): {"a2.y1": 5, "a2.y2": 1}}

H0 = "the forward difference is (f(x + h) - f(x)) / h."
H1 = "divide by 2h, not h."
H2 = "differentiate the inner function too (chain rule)."
HX = "keep the sign of the tangent."
HY = "sum over the batch, do not average."
ERROR = "e2(x) raised ZeroDivisionError: <b>division</b> by zero"


def wrong(hint):
    return ("wrong", f"f(...) gives the wrong answer: differs by 0.5.\n  x = 1.0\n"
                     f"  expected: 2.0\n  received: 2.5\n  hint:     {hint}")


PASS = ("pass", "all 5 cases pass")
STUB = ("error", "f(x) is not written yet (it raises NotImplementedError): replace the stub.")


def unit(student, assignment, notebook, verdicts=None, *, status="graded", reason="",
         hours=0.0, flags=(), problems=()):
    spec = NOTEBOOKS[(assignment, notebook)]
    exercises = []
    if status == "failed":
        verdicts = {e: ("malformed", reason) for e in spec}
    for eid, (st, message) in (verdicts or {}).items():
        exercises.append({"id": eid, "points": spec[eid] if st == "pass" else 0,
                          "max_points": spec[eid], "status": st, "message": message,
                          "seconds": 0.1})
    if status == "failed":
        reason = f"malformed notebook: {reason}"
    if status == "missing":
        reason = f"no notebook {notebook}.ipynb was submitted"
    return {"student": student, "assignment": assignment, "notebook": notebook,
            "status": status, "reason": reason,
            "score": float(sum(e["points"] for e in exercises)),
            "max_score": sum(spec.values()), "late": hours > 0, "hours_late": hours,
            "flags": list(flags), "problems": [list(p) for p in problems],
            "exercises": exercises, "cell_seconds": {"setup0": 0.5, "a1-e1-answer": 0.01},
            "seconds": {"sandbox": 1.0, "total": 1.2}}


def the_class() -> list[dict]:
    return [
        unit("ann", "a1", "n1", {"a1.e1": PASS, "a1.e2": PASS, "a1.e3": PASS}),
        unit("bob", "a1", "n1", {"a1.e1": PASS, "a1.e2": wrong(H1), "a1.e3": PASS}, hours=5.0),
        unit("cat", "a1", "n1", {"a1.e1": wrong(H0), "a1.e2": wrong(H1), "a1.e3": STUB}),
        unit("dan", "a1", "n1", {"a1.e1": PASS, "a1.e2": ("error", ERROR + "\n  x = 0.0"),
                                 "a1.e3": wrong(H2)}),
        unit("eve", "a1", "n1", status="failed",
             reason="the file is not valid notebook JSON (JSONDecodeError)"),
        unit("ann", "a2", "n2a", {"a2.x1": PASS, "a2.x2": PASS}),
        unit("ann", "a2", "n2b", {"a2.y1": PASS, "a2.y2": PASS}),
        unit("bob", "a2", "n2a", {"a2.x1": PASS,
                                  "a2.x2": ("timeout", "x2(v) took too long on this input.")},
             problems=[("timeout", "a2-x2-answer", "Timeout: stopped after 3 s")]),
        unit("bob", "a2", "n2b", status="missing"),
        unit("dan", "a2", "n2a", {"a2.x1": wrong(HX), "a2.x2": PASS},
             problems=[("crashed", "cell7", "SIGKILL: the process was killed")],
             flags=["locked cell a2-x1 was edited (the instructor's version is used)"]),
        unit("dan", "a2", "n2b", {"a2.y1": PASS, "a2.y2": PASS},
             flags=["the notebook was submitted as 'N2B (1).ipynb' instead of n2b.ipynb "
                    "(graded anyway)"]),
        unit("eve", "a2", "n2a", {"a2.x1": PASS, "a2.x2": PASS}, hours=30.0),
        unit("eve", "a2", "n2b", {"a2.y1": wrong(HY), "a2.y2": PASS}, hours=29.5),
    ]


@pytest.fixture(scope="module")
def summary():
    return report.summarise(the_class(), POLICY, roster=ROSTER, manual=MANUAL,
                            assignments=ASSIGNMENTS)


# The grades, as export computes them: the notebooks summed (manual grades count), less
# the deduction for the latest notebook's hours late.
GRADES = {("ann", "a1"): 10, ("bob", "a1"): 4, ("cat", "a1"): 1.5, ("dan", "a1"): 2,
          ("eve", "a1"): 0, ("fay", "a1"): 0,
          ("ann", "a2"): 16, ("bob", "a2"): 4, ("cat", "a2"): 0, ("dan", "a2"): 12,
          ("eve", "a2"): 8, ("fay", "a2"): 0}
BEFORE = {**GRADES, ("bob", "a1"): 7, ("eve", "a2"): 11}  # before the late deduction
STATUS = {**{k: "graded" for k in GRADES}, ("eve", "a1"): "failed", ("fay", "a1"): "missing",
          ("bob", "a2"): "graded;missing", ("cat", "a2"): "missing", ("fay", "a2"): "missing"}


def test_the_header_counts_graded_failed_and_missing_apart(summary):
    assert summary["counts"] == {
        "students": 6, "submitted": 5, "notebooks": 13, "graded": 11, "failed": 1,
        "missing": 1, "no_submission": 3, "late": 2, "flagged": 1}


def test_each_problem_is_counted_once_per_notebook(summary):
    # bob's a2 notebook timed out in an exercise and in its cell: one notebook
    assert summary["reasons"] == {
        "wrong": 5, "unanswered": 1, "error": 1, "timeout": 1, "memory": 0, "crashed": 1,
        "malformed": 1, "internal error": 0, "tampering": 1}


def test_score_distribution_per_assignment(summary):
    a1, a2 = summary["assignments"]["a1"], summary["assignments"]["a2"]
    # eve's a1 could not be graded: she is left out of the distribution, not counted 0
    assert a1["scores"] == {"ann": 10, "bob": 4, "cat": 1.5, "dan": 2}
    assert a2["scores"] == {"ann": 16, "bob": 4, "dan": 12, "eve": 8}
    assert {k: a1[k] for k in ("max_score", "students", "submitted", "graded", "failed",
                               "no_submission", "late")} == {
        "max_score": 10, "students": 6, "submitted": 5, "graded": 4, "failed": 1,
        "no_submission": 1, "late": 1}
    assert {k: a2[k] for k in ("max_score", "students", "submitted", "graded", "failed",
                               "no_submission", "late")} == {
        "max_score": 16, "students": 6, "submitted": 4, "graded": 4, "failed": 0,
        "no_submission": 2, "late": 1}
    assert a1["stats"]["mean"] == pytest.approx(17.5 / 4)
    assert a1["stats"]["median"] == pytest.approx(3.0)
    assert a1["stats"]["stdev"] == pytest.approx(math.sqrt(
        sum((x - 4.375) ** 2 for x in (10, 4, 1.5, 2)) / 3))
    assert (a1["stats"]["min"], a1["stats"]["max"], a1["stats"]["n"]) == (1.5, 10, 4)
    assert a2["stats"]["mean"] == pytest.approx(10.0)
    assert a2["stats"]["median"] == pytest.approx(10.0)
    assert a2["percent"]["mean"] == pytest.approx(62.5)
    assert a1["percent"]["median"] == pytest.approx(30.0)
    assert summary["scores"] == {"a1": [1.0, 0.4, 0.15, 0.2], "a2": [1.0, 0.25, 0.75, 0.5]}


def point_biserial(passed, rest):
    """(M1 - M0) / s * sqrt(p q), s the population standard deviation: the textbook
    formula, not the one report.py uses (Pearson's r)."""
    ones = [y for p, y in zip(passed, rest, strict=True) if p]
    zeros = [y for p, y in zip(passed, rest, strict=True) if not p]
    p = len(ones) / len(rest)
    return ((statistics.mean(ones) - statistics.mean(zeros)) / statistics.pstdev(rest)
            * math.sqrt(p * (1 - p)))


# exercise -> (graded, passed, outcomes other than pass, rest-scores in student order)
EXERCISES = {
    # ann, bob, cat, dan (eve could not be graded); rest = the score before the
    # deduction, manual grades included, less this exercise's points
    "a1.e1": (4, 3, {"wrong": 1}, [8, 5, 1.5, 0]),
    "a1.e2": (4, 1, {"wrong": 2, "error": 1}, [7, 7, 0, 2]),
    "a1.e3": (4, 2, {"unanswered": 1, "wrong": 1}, [5, 2, 1.5, 2]),
    # ann, bob, dan, eve
    "a2.x1": (4, 3, {"wrong": 1}, [12, 0, 12, 7]),
    "a2.x2": (4, 3, {"timeout": 1}, [10, 4, 6, 5]),
    # ann, dan, eve (bob did not submit n2b)
    "a2.y1": (3, 2, {"wrong": 1}, [11, 7, 11]),
    "a2.y2": (3, 3, {}, [15, 11, 10]),
}
PASSED = {"a1.e1": [1, 1, 0, 1], "a1.e2": [1, 0, 0, 0], "a1.e3": [1, 1, 0, 0],
          "a2.x1": [1, 1, 0, 1], "a2.x2": [1, 0, 1, 1], "a2.y1": [1, 1, 0], "a2.y2": [1, 1, 1]}


def test_per_exercise_pass_rates_outcomes_and_discrimination(summary):
    ex = summary["exercises"]
    assert list(ex) == list(EXERCISES)  # assignment, notebook, notebook order
    for eid, (n, passed, others, rest) in EXERCISES.items():
        e = ex[eid]
        assert (e["n"], e["passed"]) == (n, passed), eid
        assert e["pass_rate"] == pytest.approx(passed / n), eid
        assert e["outcomes"] == {o: (passed if o == "pass" else others.get(o, 0))
                                 for o in report.OUTCOMES}, eid
        if passed == n:
            assert e["discrimination"] is None, eid
        else:
            assert e["discrimination"] == pytest.approx(point_biserial(PASSED[eid], rest)), eid
    # one by hand: a1.e2, passed by ann (rest 7) only; rest-scores 7, 7, 0, 2
    assert ex["a1.e2"]["discrimination"] == pytest.approx(
        (7 - 3) / statistics.pstdev([7, 7, 0, 2]) * math.sqrt(0.25 * 0.75))
    assert ex["a2.y1"]["discrimination"] < 0  # the one who failed it did better elsewhere
    assert (ex["a1.e1"]["assignment"], ex["a2.y1"]["notebook"], ex["a2.x2"]["max_points"]) == (
        "a1", "n2b", 6)


def test_discrimination_is_undefined_for_fewer_than_three_or_no_spread():
    assert report.discrimination([True, False], [1, 2]) is None
    assert report.discrimination([True, True, True], [1, 2, 3]) is None
    assert report.discrimination([False, False, False], [1, 2, 3]) is None
    assert report.discrimination([True, False, True], [2, 2, 2]) is None
    assert report.discrimination([True, False, False], [3, 0, 0]) == pytest.approx(1.0)


def test_the_most_common_mistakes_are_the_hints_shown_with_counts(summary):
    ex = summary["exercises"]
    assert ex["a1.e1"]["mistakes"] == [(H0, 1)]
    assert ex["a1.e2"]["mistakes"] == [(H1, 2), (ERROR, 1)]
    assert ex["a1.e3"]["mistakes"] == [(H2, 1)]  # unanswered is not a mistake: counted apart
    assert ex["a2.x1"]["mistakes"] == [(HX, 1)]
    assert ex["a2.x2"]["mistakes"] == [("x2(v) took too long on this input.", 1)]
    assert ex["a2.y1"]["mistakes"] == [(HY, 1)]
    assert ex["a2.y2"]["mistakes"] == []


def test_unanswered_is_told_apart_from_errors():
    assert report.outcome({"status": STUB[0], "message": STUB[1]}) == "unanswered"
    assert report.outcome({"status": "error", "message": ERROR}) == "error"
    assert report.outcome({"status": "wrong", "message": wrong(H0)[1]}) == "wrong"


def test_late_missing_failed_and_suspicious_lists(summary):
    assert summary["late"] == [
        {"student": "bob", "assignment": "a1", "hours_late": 5.0, "score_before_deduction": 7,
         "deduction": 3, "score": 4},
        {"student": "eve", "assignment": "a2", "hours_late": 30.0,
         "score_before_deduction": 11, "deduction": 3, "score": 8}]
    assert summary["no_submission"] == {"a1": ["fay"], "a2": ["cat", "fay"]}
    assert summary["missing"] == [{"student": "bob", "assignment": "a2", "notebook": "n2b",
                                   "reason": "no notebook n2b.ipynb was submitted"}]
    assert summary["failed"] == [{
        "student": "eve", "assignment": "a1", "notebook": "n1",
        "reason": "malformed notebook: the file is not valid notebook JSON (JSONDecodeError)"}]
    # a file-name note is not tampering
    assert [(r["student"], r["notebook"], f) for r, f in summary["suspicious"]] == [
        ("dan", "n2a", ["locked cell a2-x1 was edited (the instructor's version is used)"])]
    assert summary["policy"] == "1 points per started hour late, at most 3"


def test_the_per_student_table(summary):
    table = summary["students"]
    assert [(s["id"], s["name"]) for s in table] == list(ROSTER.items())
    for s in table:
        for a in ("a1", "a2"):
            g = s["assignments"][a]
            key = (s["id"], a)
            assert (g["score"], g["score_before_deduction"], g["status"]) == (
                GRADES[key], BEFORE[key], STATUS[key]), key
            assert g["max_score"] == ASSIGNMENTS[a]
            assert g["late"] == (key in (("bob", "a1"), ("eve", "a2"))), key
            assert g["failed"] == (["n1"] if key == ("eve", "a1") else []), key
            assert g["missing"] == (["n2b"] if key == ("bob", "a2") else []), key
            assert g["flagged"] == (key == ("dan", "a2")), key
            assert g["manual"] == (key == ("cat", "a1")), key
        assert s["total"] == GRADES[(s["id"], "a1")] + GRADES[(s["id"], "a2")]
        assert s["max_total"] == 26
    assert table[4]["assignments"]["a2"]["hours_late"] == 30.0  # the latest notebook's


def test_without_a_roster_the_students_and_maxima_come_from_the_results():
    s = report.summarise(the_class())
    assert s["counts"]["students"] == 5 and s["counts"]["no_submission"] == 1  # cat's a2
    assert {a: v["max_score"] for a, v in s["assignments"].items()} == ASSIGNMENTS
    assert s["assignments"]["a1"]["scores"]["bob"] == 7  # no late policy: nothing deducted
    assert s["assignments"]["a1"]["scores"]["cat"] == 0  # no manual grade given
    assert s["policy"] == "no deduction for late work"


def test_the_page_escapes_student_text_and_shows_the_numbers(summary):
    page = report.page_html(summary, "", "the isolation <line>")
    assert "<b>division</b>" not in page and "&lt;b&gt;division&lt;/b&gt;" in page
    assert "Bob &lt;B&gt; &amp; co" in page and "the isolation &lt;line&gt;" in page
    assert ("6 students; 5 submitted something. 13 notebooks: 11 graded, 1 could not be "
            "graded, 1 missing from a submission. No submission: 3 (student \u00d7 "
            "assignment). Late: 2 (student \u00d7 assignment). Flagged: 1 notebooks.") in page
    assert "<td>a2.y2</td><td>1</td><td>3</td><td>100%</td>" in page
    assert f"<td>{report.NONE}</td></tr>" in page  # a2.y2's undefined discrimination
    assert "<td>10 (62%)</td>" in page  # a2's mean
    assert "<td>4 / 10 (late 5.0 h, \u22123)</td>" in page
    assert "<td>0 / 10 (n1 could not be graded)</td>" in page
    assert "<td>no submission (0 / 16)</td>" in page
    assert "<td>4 / 16 (n2b not submitted)</td>" in page
    assert "<td>1.5 / 10 (manual grades)</td>" in page
    assert "<td>12 / 16 (flagged)</td>" in page
    assert "<td>a2</td><td>2</td><td>cat, fay</td>" in page
    for reason in report.REASONS:
        assert f"<td>{reason}</td>" in page
    assert "Slowest" not in page


# The same class in a real course directory ------------------------------------------------

@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = Course(tmp_path_factory.mktemp("report") / "course", create=True)
    results = the_class()
    with course.gradebook() as gb, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nbgrader's add_submission trips SQLAlchemy's
        for a in ASSIGNMENTS:
            gb.update_or_create_assignment(a)
        for (a, nb), spec in NOTEBOOKS.items():
            gb.add_notebook(nb, a)
            for eid, points in spec.items():
                gb.add_grade_cell(cell_id(eid), nb, a, max_score=points, cell_type="code")
        for s, name in ROSTER.items():
            first, last = name.rsplit(" ", 1)
            gb.add_student(s, first_name=first, last_name=last)
        for r in results:
            try:
                gb.find_submission(r["assignment"], r["student"])
            except Exception:  # noqa: BLE001 (nbgrader's MissingEntry)
                gb.add_submission(r["assignment"], r["student"])
            for e in r["exercises"]:
                grade = gb.find_grade(cell_id(e["id"]), r["notebook"], r["assignment"],
                                      r["student"])
                grade.auto_score = float(e["points"])
                grade.needs_manual_grade = False
        for (s, a, nb, eid), score in MANUAL.items():
            gb.find_grade(cell_id(eid), nb, a, s).manual_score = score
        gb.db.commit()
    for r in results:
        out = course.path("results", r["assignment"], r["student"])
        out.mkdir(parents=True, exist_ok=True)
        (out / f"{r['notebook']}.json").write_text(json.dumps(r))
    late.set_policy(course, POLICY.kind, POLICY.penalty, POLICY.cap)
    return course


def test_course_summary_gathers_roster_manual_grades_and_policy(course, summary):
    _results, from_course = report.course_summary(course)
    assert from_course["students"] == summary["students"]
    assert from_course["counts"] == summary["counts"]
    assert from_course["exercises"] == summary["exercises"]


def test_the_report_agrees_with_export(course):
    grades, _ = pipeline.export(course, course.root / "export")
    with open(grades, newline="") as f:
        rows = {(r["student_id"], r["assignment"]): r for r in csv.DictReader(f)}
    _results, s = report.course_summary(course)
    mine = {(x["id"], a): g for x in s["students"] for a, g in x["assignments"].items()}
    assert mine.keys() == rows.keys()
    for key, g in mine.items():
        row = rows[key]
        assert float(row["score"]) == pytest.approx(g["score"]) == GRADES[key], key
        assert float(row["max_score"]) == g["max_score"], key
        assert row["status"] == g["status"], key
        assert float(row["late_deduction"]) == g["deduction"], key
    assert {a: [s for s, b in rows if b == a and rows[(s, b)]["reason"] == "no submission"]
            for a in ASSIGNMENTS} == s["no_submission"]


def test_write_makes_the_page_and_the_figure(course):
    html_path, png = report.write(course)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = html_path.read_text()
    assert "data:image/png;base64,iVBOR" in text
    assert "Bob &lt;B&gt; &amp; co" in text
    assert "<td>1.5 / 10 (manual grades)</td>" in text
