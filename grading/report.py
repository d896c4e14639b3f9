"""``course report``: what an instructor acts on after grading, as HTML (with a PNG).

* the header: students in the roster and who submitted; notebooks graded, failed (could
  not be graded) and missing (the student submitted the assignment but not this
  notebook), counted apart; late and flagged submissions;
* the score distribution per assignment (the grades of ``course export``'s grades.csv:
  manual grades count, late work loses what the late policy deducts);
* per exercise: the pass rate, what the others did (wrong, unanswered, an error, a
  timeout ...) and the item discrimination (see ``discrimination``);
* the most common mistakes per exercise: the hints (or error messages) the students
  were shown, with how many were shown each;
* late submissions and their deductions; students who submitted nothing, per
  assignment (as export counts them); notebooks missing from a submission;
* submissions that could not be graded, with the reason; suspicious (flagged) ones;
* a per-student table.

``summarise`` computes every number from plain data (results, roster, manual grades,
late policy) and is tested on a class whose every number is known
(tests/test_report.py); ``course_summary`` and ``write`` gather that data from a course.
"""

from __future__ import annotations

import base64
import html
import io
import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Mapping
from pathlib import Path

from . import sandbox
from .course_dir import Course
from .pipeline import load_results, manual_adjustment

# The kinds of problem, each counted once per notebook it occurs in (an exercise's
# verdict or a broken cell): a notebook whose answer cell crashed is one "crashed"
# notebook, however many of its exercises that cost.  "malformed" and "internal error"
# are notebooks that could not be graded; "tampering" counts flagged notebooks.
REASONS = ["wrong", "unanswered", "error", "timeout", "memory", "crashed", "malformed",
           "internal error", "tampering"]
# What an exercise's verdict can be, in the report's words.
OUTCOMES = ["pass", "wrong", "unanswered", "error", "timeout", "memory", "crashed"]
TOP_MISTAKES = 3
NONE = "\u2013"  # an undefined number is shown as an en dash


def outcome(exercise: dict) -> str:
    """An exercise verdict's outcome: its status, except that an answer still raising
    the release's ``raise NotImplementedError()`` stub (judged "error", with the message
    "... is not written yet (it raises NotImplementedError) ...") is "unanswered"."""
    status = exercise["status"]
    first = exercise.get("message", "").split("\n", 1)[0]
    if status == "error" and "NotImplementedError" in first:
        return "unanswered"
    return status


def mistake(exercise: dict) -> str:
    """What a student was told about a failing exercise, for counting alike ones
    together: the hint of a wrong answer (the typical mistake's hint when one matched,
    else the exercise's general hint), else the message's first line."""
    message = exercise.get("message", "")
    for line in message.splitlines():
        if line.strip().startswith("hint:"):
            return line.strip()[len("hint:"):].strip()
    first = message.split("\n", 1)[0].strip()
    return (first[:197] + "...") if len(first) > 200 else first


def discrimination(passed: list[bool], rest: list[float]) -> float | None:
    """Item discrimination: the point-biserial correlation between passing the exercise
    (1 or 0: the autograder's verdict) and the rest-score (the student's assignment score
    before any late deduction, manual grades included, less this exercise's points),
    i.e. Pearson's r of the two, over the students whose assignment was graded in full.
    None (undefined) for fewer than 3 students, when everyone or no one passed, or when
    every rest-score is the same."""
    n = len(passed)
    if n < 3 or all(passed) or not any(passed):
        return None
    x = [1.0 if p else 0.0 for p in passed]
    mx, my = sum(x) / n, sum(rest) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, rest, strict=True))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in rest)
    if syy <= 1e-12 * max(1.0, my * my):
        return None
    return sxy / math.sqrt(sxx * syy)


def _stats(values: list[float]) -> dict:
    n = len(values)
    return {"n": n,
            "mean": statistics.fmean(values) if n else None,
            "median": statistics.median(values) if n else None,
            "stdev": statistics.stdev(values) if n >= 2 else None,  # the sample's (n - 1)
            "min": min(values) if n else None, "max": max(values) if n else None}


def summarise(results: list[dict], rule=None, *, roster=None, manual: Mapping | None = None,
              assignments: Mapping[str, float] | None = None) -> dict:
    """The report's numbers, from plain data.

    ``results``: as ``pipeline.load_results`` gives them; ``rule``: the late policy
    (``late.Policy``; None deducts nothing); ``roster``: the students (ids, or a mapping
    id -> name), to whom those in ``results`` are added; ``manual``: the manual grades,
    (student, assignment, notebook, exercise id) -> score, as ``pipeline.manual_grades``;
    ``assignments``: the released assignments, name -> max score (those in ``results``
    are added).

    The grade of a student for an assignment is computed as ``course export`` does:
    the notebooks' scores (with the manual grades) summed, less the late policy's
    deduction for the latest notebook's hours late; no submission scores 0.

    Returns a dict:

    * ``counts``: students (roster), submitted (students with any submission),
      notebooks, graded, failed, missing (notebooks missing from a submission),
      no_submission (student x assignment pairs), late (student x assignment pairs),
      flagged (notebooks);
    * ``assignments``: name -> max_score, students, submitted, graded (students whose
      notebooks were all graded or missing: the distribution's), failed (students with
      a notebook that could not be graded), no_submission, late, stats (n, mean,
      median, stdev, min, max of those grades, in points), percent (the same as % of
      max_score), scores (their grades, by student id);
    * ``scores``: assignment -> the distribution's grades as fractions of the maximum;
    * ``exercises``: exercise id -> assignment, notebook, max_points, n (graded
      notebooks with it, in assignments graded as a whole), passed, pass_rate,
      outcomes (OUTCOMES -> count), discrimination (None: undefined), mistakes
      ([(what the student was told, count)], most common first, at most TOP_MISTAKES);
    * ``reasons``: REASONS -> notebooks where it occurred (once per notebook);
    * ``late``: [{student, assignment, hours_late, score_before_deduction, deduction,
      score}]; ``no_submission``: assignment -> [students];
      ``missing``: [{student, assignment, notebook, reason}];
      ``failed``: [{student, assignment, notebook, reason}];
      ``suspicious``: [(result, tampering flags)];
    * ``students``: [{id, name, assignments: {name: {score, max_score, status (as in
      grades.csv), late, hours_late, deduction, score_before_deduction, failed and
      missing (their notebooks), flagged (notebooks), manual (a manual grade counts)}},
      total, max_total}], by id;
    * ``policy``: the late policy in words.
    """
    manual = manual or {}
    names: dict[str, str] = {}
    if isinstance(roster, Mapping):
        names.update({s: n or "" for s, n in roster.items()})
    else:
        names.update({s: "" for s in roster or []})
    for r in results:
        names.setdefault(r["student"], "")
    by_unit: dict = defaultdict(list)  # (student, assignment) -> results
    max_scores: dict[str, float] = dict(assignments or {})
    per_notebook_max: dict = {}
    for r in results:
        by_unit[(r["student"], r["assignment"])].append(r)
        key = (r["assignment"], r["notebook"])  # (an internal failure may record 0)
        per_notebook_max[key] = max(per_notebook_max.get(key, 0), r["max_score"])
    for (a, _nb), m in per_notebook_max.items():
        if assignments is None or a not in assignments:
            max_scores[a] = max_scores.get(a, 0.0) + m
    students = sorted(names)
    anames = sorted(max_scores)

    def points(r, e) -> float:
        return manual.get((r["student"], r["assignment"], r["notebook"], e["id"]), e["points"])

    # Grades per student and assignment, as export computes them
    grades: dict = {}
    for s in students:
        for a in anames:
            rs = by_unit.get((s, a))
            if not rs:
                grades[(s, a)] = {"score": 0.0, "max_score": max_scores[a], "status": "missing",
                                  "late": False, "hours_late": 0.0, "deduction": 0.0,
                                  "score_before_deduction": 0.0, "failed": [],
                                  "missing": [], "flagged": 0, "manual": False}
                continue
            before = sum(r["score"] + manual_adjustment(r["student"], a, r["notebook"],
                                                        r["exercises"], manual) for r in rs)
            hours = max(r.get("hours_late", 0.0) for r in rs)
            taken = rule.deduction(before, hours) if rule is not None else 0.0
            statuses = [r["status"] for r in rs]
            grades[(s, a)] = {
                "score": before - taken, "max_score": max_scores[a],  # as export's
                "status": ("graded" if all(x == "graded" for x in statuses)
                           else ";".join(sorted(set(statuses)))),
                "late": any(r.get("late") for r in rs), "hours_late": hours,
                "deduction": taken, "score_before_deduction": before,
                "failed": [r["notebook"] for r in rs if r["status"] == "failed"],
                "missing": [r["notebook"] for r in rs if r["status"] == "missing"],
                "flagged": sum(any("submitted as" not in f for f in r["flags"]) for r in rs),
                "manual": any((s, a, r["notebook"], e["id"]) in manual
                              for r in rs for e in r["exercises"])}

    # Per assignment
    per_assignment = {}
    scores = {}
    for a in anames:
        submitted = [s for s in students if (s, a) in by_unit]
        failed = [s for s in submitted if any(r["status"] == "failed" for r in by_unit[(s, a)])]
        whole = [s for s in submitted if s not in failed]
        values = [grades[(s, a)]["score"] for s in whole]
        m = max_scores[a]
        stats = _stats(values)
        per_assignment[a] = {
            "max_score": m, "students": len(students), "submitted": len(submitted),
            "graded": len(whole), "failed": len(failed),
            "no_submission": len(students) - len(submitted),
            "late": sum(grades[(s, a)]["late"] for s in submitted),
            "stats": stats,
            "percent": {k: (v if k == "n" or v is None else 100 * v / m if m else 0.0)
                        for k, v in stats.items()},
            "scores": {s: grades[(s, a)]["score"] for s in whole}}
        scores[a] = [v / m if m else 0.0 for v in values]

    # Per exercise (in the assignments' notebooks, in notebook order)
    order: dict = {}
    attempts: dict = defaultdict(list)  # exercise id -> (outcome, points, result)
    for r in sorted(results, key=lambda r: (r["assignment"], r["notebook"], r["student"])):
        if r["status"] != "graded":
            continue
        if any(x["status"] == "failed" for x in by_unit[(r["student"], r["assignment"])]):
            continue  # not in the distribution: its rest-scores would be wrong
        for k, e in enumerate(r["exercises"]):
            order.setdefault(e["id"], (r["assignment"], r["notebook"], k, e["max_points"]))
            attempts[e["id"]].append((outcome(e), points(r, e), r, e))
    exercises = {}
    for eid in sorted(order, key=lambda x: order[x][:3]):
        a, nb, _k, max_points = order[eid]
        tries = attempts[eid]
        counts = Counter(o for o, *_ in tries)
        passed = [o == "pass" for o, *_ in tries]
        rest = [grades[(r["student"], a)]["score_before_deduction"] - p for _o, p, r, _e in tries]
        told = Counter(mistake(e) for o, _p, _r, e in tries if o not in ("pass", "unanswered"))
        exercises[eid] = {
            "assignment": a, "notebook": nb, "max_points": max_points, "n": len(tries),
            "passed": sum(passed), "pass_rate": sum(passed) / len(tries),
            "outcomes": {o: counts.get(o, 0) for o in OUTCOMES},
            "discrimination": discrimination(passed, rest),
            "mistakes": sorted(told.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_MISTAKES]}

    # Problems, failures, flags
    reasons: Counter = Counter({k: 0 for k in REASONS})
    failed_list, missing_list, suspicious = [], [], []
    for r in results:
        where = {k: r[k] for k in ("student", "assignment", "notebook")}
        if r["status"] == "failed":
            failed_list.append({**where, "reason": r["reason"]})
            reasons["malformed" if r["reason"].startswith("malformed") else "internal error"] += 1
        elif r["status"] == "missing":
            missing_list.append({**where, "reason": r["reason"]})
        else:
            kinds = {outcome(e) for e in r["exercises"]} | {p[0] for p in r.get("problems", [])}
            for kind in kinds & set(REASONS):
                reasons[kind] += 1
        tampering = [f for f in r["flags"] if "submitted as" not in f]
        if tampering:
            reasons["tampering"] += 1
            suspicious.append((r, tampering))

    late = [{"student": s, "assignment": a, "hours_late": g["hours_late"],
             "score_before_deduction": g["score_before_deduction"], "deduction": g["deduction"],
             "score": g["score"]}
            for (s, a), g in sorted(grades.items(), key=lambda kv: (kv[0][1], kv[0][0]))
            if g["late"]]
    no_submission = {a: [s for s in students if (s, a) not in by_unit] for a in anames}
    table = [{"id": s, "name": names[s],
              "assignments": {a: grades[(s, a)] for a in anames},
              "total": sum(grades[(s, a)]["score"] for a in anames),
              "max_total": sum(grades[(s, a)]["max_score"] for a in anames)} for s in students]
    counts = {"students": len(students),
              "submitted": len({s for s, _a in by_unit}),
              "notebooks": len(results),
              "graded": sum(r["status"] == "graded" for r in results),
              "failed": len(failed_list), "missing": len(missing_list),
              "no_submission": sum(len(v) for v in no_submission.values()),
              "late": len(late), "flagged": len(suspicious)}
    return {"counts": counts, "assignments": per_assignment, "scores": scores,
            "exercises": exercises, "reasons": dict(reasons), "late": late,
            "no_submission": no_submission, "missing": missing_list, "failed": failed_list,
            "suspicious": suspicious, "students": table,
            "policy": rule.describe() if rule is not None else "no deduction for late work"}


def course_summary(course: Course) -> tuple[list[dict], dict]:
    """The results and the report's numbers, with the roster and the released
    assignments from the gradebook, the manual grades and the late policy."""
    from .late import policy
    from .pipeline import manual_grades

    results = load_results(course)
    manual = manual_grades(course)
    with course.gradebook() as gb:
        roster = {s.id: " ".join(x for x in (s.first_name, s.last_name) if x)
                  for s in gb.students}
        assignments = {a.name: float(a.max_score) for a in gb.assignments}
    return results, summarise(results, policy(course), roster=roster, manual=manual,
                              assignments=assignments)


# The figure --------------------------------------------------------------------------------

COLOURS = {"pass": "#2ca02c", "wrong": "#d62728", "unanswered": "#bbbbbb", "error": "#ff7f0e",
           "timeout": "#9467bd", "memory": "#8c564b", "crashed": "#e377c2"}


def figure(summary: dict):
    """Four panels: the score distribution per assignment; per exercise, what the
    students' answers did; what happened to each assignment's submissions; pass rate
    against discrimination (the exercises to look at: low on either)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    ex = summary["exercises"]
    fig = Figure(figsize=(14, max(9, 4 + 0.22 * len(ex))), layout="constrained")
    (a1, a2), (a3, a4) = fig.subplots(2, 2)
    per = summary["assignments"]
    names = sorted(per)
    data = [[100 * v / per[n]["max_score"] if per[n]["max_score"] else 0.0
             for v in per[n]["scores"].values()] for n in names]
    if names:
        a1.boxplot([d or [math.nan] for d in data], tick_labels=names)
        for i, ys in enumerate(data, 1):
            a1.plot([i] * len(ys), ys, "o", alpha=0.35, color="#1f77b4")
    a1.set_ylim(-5, 105)
    a1.set_ylabel("grade (% of the maximum)")
    a1.set_title("Grades per assignment (students graded in full)")
    a1.tick_params(axis="x", rotation=30)

    ids = list(ex)
    left = [0.0] * len(ids)
    for o in OUTCOMES:
        widths = [100 * ex[e]["outcomes"][o] / ex[e]["n"] for e in ids]
        if any(widths):
            a2.barh(ids, widths, left=left, color=COLOURS[o], label=o)
        left = [x + w for x, w in zip(left, widths, strict=True)]
    a2.invert_yaxis()
    a2.set_xlim(0, 100)
    a2.set_xlabel("% of graded notebooks")
    a2.set_title("Per exercise: pass, wrong, unanswered, error ...")
    a2.tick_params(axis="y", labelsize=7)
    if ids:
        a2.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))

    kinds = [("graded", "#2ca02c"), ("failed", "#d62728"), ("no_submission", "#bbbbbb")]
    bottom = [0] * len(names)
    for k, colour in kinds:
        heights = [per[n][k] for n in names]
        a3.bar(names, heights, bottom=bottom, color=colour,
               label={"graded": "graded", "failed": "could not be graded",
                      "no_submission": "no submission"}[k])
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    a3.plot(names, [per[n]["late"] for n in names], "k^", label="late")
    from matplotlib.ticker import MaxNLocator

    a3.yaxis.set_major_locator(MaxNLocator(integer=True))
    a3.set_ylabel("students")
    a3.set_title("Submissions per assignment")
    a3.tick_params(axis="x", rotation=30)
    if names:
        a3.legend(fontsize=7)

    shown = [e for e in ids if ex[e]["discrimination"] is not None]
    a4.scatter([100 * ex[e]["pass_rate"] for e in shown],
               [ex[e]["discrimination"] for e in shown], color="#1f77b4")
    for e in shown:
        a4.annotate(e, (100 * ex[e]["pass_rate"], ex[e]["discrimination"]), fontsize=6)
    a4.axhline(0.2, color="#999999", lw=0.8, ls="--", label="0.2 (below: look at it)")
    a4.legend(fontsize=7, loc="lower left")
    a4.set_xlim(0, 100)
    a4.set_ylim(-1.05, 1.05)
    a4.set_xlabel("pass rate (%)")
    a4.set_ylabel("discrimination (point-biserial r)")
    a4.set_title("Exercises: pass rate and discrimination")
    return fig


# The page ----------------------------------------------------------------------------------

def write(course: Course) -> tuple[Path, Path]:
    _results, summary = course_summary(course)
    out = course.path("report")
    out.mkdir(exist_ok=True)
    fig = figure(summary)
    png = out / "report.png"
    fig.savefig(png, dpi=90)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90)
    page = page_html(summary, base64.b64encode(buf.getvalue()).decode(), sandbox.isolation())
    path = out / "report.html"
    path.write_text(page)
    return path, png


def _e(x) -> str:
    return html.escape(str(x))


def _table(header, rows) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>"
                   for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _num(x, fmt: str = ".1f", suffix: str = "") -> str:
    return NONE if x is None else f"{x:{fmt}}{suffix}"


def _pts(x) -> str:
    return f"{round(x, 2):g}"


def _cell(g: dict) -> str:
    """A student's grade for an assignment, in the per-student table."""
    if g["status"] == "missing":
        return f"no submission (0 / {_pts(g['max_score'])})"
    text = f"{_pts(g['score'])} / {_pts(g['max_score'])}"
    notes = [f"{nb} could not be graded" for nb in g["failed"]]
    notes += [f"{nb} not submitted" for nb in g["missing"]]
    if g["manual"]:
        notes.append("manual grades")
    if g["flagged"]:
        notes.append("flagged")
    if g["late"]:
        notes.append(f"late {g['hours_late']:.1f} h"
                     + (f", \u2212{_pts(g['deduction'])}" if g["deduction"] else ""))
    return text + (f" ({'; '.join(notes)})" if notes else "")


def _or_none(rows, table: str) -> str:
    return table if rows else "<p>None.</p>"


def page_html(s: dict, png64: str, isolation: str) -> str:
    c = s["counts"]
    header = (f"{c['students']} students; {c['submitted']} submitted something. "
              f"{c['notebooks']} notebooks: {c['graded']} graded, {c['failed']} could not be "
              f"graded, {c['missing']} missing from a submission. No submission: "
              f"{c['no_submission']} (student \u00d7 assignment). Late: {c['late']} "
              f"(student \u00d7 assignment). Flagged: {c['flagged']} notebooks.")
    per_assignment = []
    for a, v in s["assignments"].items():
        st, pc = v["stats"], v["percent"]
        per_assignment.append((
            a, _pts(v["max_score"]), v["students"], v["submitted"], v["graded"], v["failed"],
            v["no_submission"], v["late"],
            *(NONE if st[k] is None else f"{_pts(st[k])} ({pc[k]:.0f}%)"
              for k in ("mean", "median")),
            _num(st["stdev"], ".2f"), *(NONE if st[k] is None else _pts(st[k])
                                        for k in ("min", "max"))))
    exercises = [(e["assignment"], eid, e["max_points"], e["n"], f"{100 * e['pass_rate']:.0f}%",
                  *(e["outcomes"][o] for o in OUTCOMES[1:4]),
                  sum(e["outcomes"][o] for o in OUTCOMES[4:]),
                  _num(e["discrimination"], ".2f"))
                 for eid, e in s["exercises"].items()]
    mistakes = [(eid, text, n) for eid, e in s["exercises"].items() for text, n in e["mistakes"]]
    late = [(x["student"], x["assignment"], f"{x['hours_late']:.1f}",
             _pts(x["score_before_deduction"]), _pts(x["deduction"]), _pts(x["score"]))
            for x in s["late"]]
    absent = [(a, len(v), ", ".join(v)) for a, v in s["no_submission"].items() if v]
    missing = [(x["student"], x["assignment"], x["notebook"]) for x in s["missing"]]
    failed = [(x["student"], x["assignment"], x["notebook"], x["reason"]) for x in s["failed"]]
    suspicious = [(r["student"], r["notebook"], "; ".join(f)) for r, f in s["suspicious"]]
    reasons = [(r, s["reasons"].get(r, 0)) for r in REASONS]
    anames = list(s["assignments"])
    students = [(x["id"], x["name"], *(_cell(x["assignments"][a]) for a in anames),
                 f"{_pts(x['total'])} / {_pts(x['max_total'])}") for x in s["students"]]
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Grading report</title><style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; color: #222; }}
table {{ border-collapse: collapse; margin-bottom: 1.5rem; }}
td, th {{ border-bottom: 1px solid #ddd; padding: .3rem .7rem; text-align: left;
          vertical-align: top; white-space: pre-wrap; }}
img {{ max-width: 100%; }}
</style></head><body>
<h1>Grading report</h1>
<p>{_e(header)}</p>
<p>Late policy: {_e(s["policy"])}. Isolation of student code: {_e(isolation)}.</p>
<img alt="grades per assignment, outcomes per exercise, submissions per assignment, pass rate
 and discrimination" src="data:image/png;base64,{png64}">
<h2>Grades per assignment</h2>
<p>The grades of grades.csv (manual grades count; late work after the deduction), over the
students whose submission was graded in full (a notebook missing from it scores 0; one
that could not be graded leaves the student out, see below).</p>
{_table(["assignment", "max", "students", "submitted", "graded", "could not be graded",
         "no submission", "late", "mean", "median", "sd", "min", "max"], per_assignment)}
<h2>Exercises</h2>
<p>Over the graded notebooks of those students. Discrimination: the point-biserial
correlation between passing the exercise and the rest of the assignment's score (the
score without this exercise); {NONE} when fewer than 3 students, everyone or no one passed.
Low (below about 0.2) or negative: the exercise does not separate those who do well on the
rest of the assignment from those who do not; look at it.</p>
{_table(["assignment", "exercise", "points", "graded", "pass rate", "wrong", "unanswered",
         "error", "timeout, memory or crash", "discrimination"], exercises)}
<h2>Most common mistakes per exercise</h2>
<p>What the students were told (the hint that fired, or the error), with how many.</p>
{_or_none(mistakes, _table(["exercise", "what the students were told", "students"],
                           mistakes))}
<h2>Late submissions</h2>
{_or_none(late, _table(["student", "assignment", "hours late", "score",
                        "deduction", "grade"], late))}
<h2>No submission</h2>
{_or_none(absent, _table(["assignment", "students", "who"], absent))}
<h2>Notebooks missing from a submission</h2>
{_or_none(missing, _table(["student", "assignment", "notebook"], missing))}
<h2>Submissions that could not be graded</h2>
{_or_none(failed, _table(["student", "assignment", "notebook", "reason"], failed))}
<h2>Suspicious submissions (flagged, graded on their merits)</h2>
{_or_none(suspicious, _table(["student", "notebook", "what was found"], suspicious))}
<h2>Problems by kind (notebooks where each occurred)</h2>
{_table(["kind", "notebooks"], reasons)}
<h2>Students</h2>
{_table(["student", "name", *anames, "total"], students)}
</body></html>
"""
