"""``course report``: what an instructor wants to see after grading, as PNG and HTML.

Score distribution per assignment, pass rate per exercise, failures by reason
(wrong, error, timeout, memory, crashed, malformed, tampering), the slowest
cells, suspicious submissions, and where grading time went.
"""

from __future__ import annotations

import base64
import html
import io
import statistics
from collections import Counter, defaultdict
from pathlib import Path

from . import sandbox
from .course_dir import Course
from .pipeline import load_results

REASONS = ["wrong", "error", "timeout", "memory", "crashed", "malformed", "tampering"]
# wrong/error count exercises; timeout/memory/crashed count exercises and broken cells;
# malformed and tampering count submissions.


def summarise(results: list[dict], rule=None) -> dict:
    """The report's numbers; ``rule`` (a late.Policy) deducts from late work's scores."""
    scores = defaultdict(list)
    exercise_pass = defaultdict(lambda: [0, 0])
    reasons: Counter = Counter()
    cells = []
    suspicious = []
    failed = []
    timing = defaultdict(list)
    for r in results:
        score = r["score"] - (rule.deduction(r["score"], r.get("hours_late", 0.0))
                              if rule is not None else 0.0)
        frac = score / r["max_score"] if r["max_score"] else 0.0
        scores[r["assignment"]].append(frac)
        if r["status"] != "graded":
            failed.append(r)
            reasons["malformed" if r["reason"].startswith("malformed") else "crashed"] += 1
        for e in r["exercises"] if r["status"] == "graded" else []:
            exercise_pass[e["id"]][1] += 1
            if e["status"] == "pass":
                exercise_pass[e["id"]][0] += 1
            elif e["status"] in REASONS:
                reasons[e["status"]] += 1
        for reason, _cell, _message in r.get("problems", []):
            if reason in ("timeout", "memory", "crashed"):
                reasons[reason] += 1
        tampering = [f for f in r["flags"] if "submitted as" not in f]
        if tampering:
            reasons["tampering"] += 1
            suspicious.append((r, tampering))
        for key, seconds in r["cell_seconds"].items():
            if not key.startswith("setup"):  # the instructor's imports are not a student's cell
                cells.append((seconds, r["student"], r["notebook"], key))
        for k, v in r["seconds"].items():
            timing[k].append(v)
    return {"scores": dict(scores), "exercise_pass": dict(exercise_pass), "reasons": reasons,
            "slowest": sorted(cells, reverse=True)[:10], "suspicious": suspicious,
            "failed": failed, "timing": {k: statistics.mean(v) for k, v in timing.items()}}


def figure(summary: dict):
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(13, 9), layout="constrained")
    (a1, a2), (a3, a4) = fig.subplots(2, 2)
    names = sorted(summary["scores"])
    a1.boxplot([[100 * s for s in summary["scores"][n]] for n in names] or [[0]],
               tick_labels=names or ["-"])
    for i, n in enumerate(names, 1):
        ys = [100 * s for s in summary["scores"][n]]
        a1.plot([i] * len(ys), ys, "o", alpha=0.35, color="#1f77b4")
    a1.set_ylabel("score (%)")
    a1.set_title("Score distribution per assignment")
    ex = sorted(summary["exercise_pass"])
    rates = [100 * summary["exercise_pass"][e][0] / summary["exercise_pass"][e][1] for e in ex]
    a2.barh(ex, rates, color="#2ca02c")
    a2.invert_yaxis()
    a2.set_xlim(0, 100)
    a2.set_xlabel("submissions passing (%)")
    a2.set_title("Pass rate per exercise")
    a2.tick_params(axis="y", labelsize=7)
    counts = [summary["reasons"].get(r, 0) for r in REASONS]
    a3.bar(REASONS, counts, color=["#d62728", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
                                   "#7f7f7f", "#bcbd22"])
    a3.set_title("Failures by reason")
    a3.tick_params(axis="x", rotation=20)
    slow = summary["slowest"]
    a4.barh([f"{s} {nb[:4]} {k}" for _, s, nb, k in slow], [t for t, *_ in slow],
            color="#1f77b4")
    a4.invert_yaxis()
    a4.set_xlabel("seconds")
    a4.set_title("Slowest cells")
    a4.tick_params(axis="y", labelsize=7)
    return fig


def course_summary(course: Course) -> tuple[list[dict], dict]:
    """The results and the report's numbers, with the manual grades (as in export) and
    the late policy's deductions."""
    from .late import policy
    from .pipeline import manual_adjustment, manual_grades

    results = load_results(course)
    manual = manual_grades(course)
    for r in results:
        r["score"] += manual_adjustment(r["student"], r["assignment"], r["notebook"],
                                        r["exercises"], manual)
    return results, summarise(results, policy(course))


def write(course: Course) -> tuple[Path, Path]:
    results, summary = course_summary(course)
    out = course.path("report")
    out.mkdir(exist_ok=True)
    fig = figure(summary)
    png = out / "report.png"
    fig.savefig(png, dpi=90)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90)
    page = _html(summary, base64.b64encode(buf.getvalue()).decode(), len(results))
    path = out / "report.html"
    path.write_text(page)
    return path, png


def _table(header, rows) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>"
                   for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _html(s: dict, png64: str, n: int) -> str:
    per_assignment = [(a, len(v), f"{100 * statistics.mean(v):.0f}%",
                       f"{100 * statistics.median(v):.0f}%")
                      for a, v in sorted(s["scores"].items())]
    reasons = [(r, s["reasons"].get(r, 0)) for r in REASONS]
    slow = [(f"{t:.2f}", st, nb, k) for t, st, nb, k in s["slowest"]]
    suspicious = [(r["student"], r["notebook"], "; ".join(f)) for r, f in s["suspicious"]]
    failed = [(r["student"], r["notebook"], r["status"], r["reason"]) for r in s["failed"]]
    timing = [(k, f"{v:.3f}") for k, v in sorted(s["timing"].items())]
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Grading report</title><style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; color: #222; }}
table {{ border-collapse: collapse; margin-bottom: 1.5rem; }}
td, th {{ border-bottom: 1px solid #ddd; padding: .3rem .7rem; text-align: left; }}
img {{ max-width: 100%; }}
</style></head><body>
<h1>Grading report</h1>
<p>{n} graded notebooks. Isolation of student code: {html.escape(sandbox.isolation())}.</p>
<img alt="score distribution, pass rates, failures by reason, slowest cells"
 src="data:image/png;base64,{png64}">
<h2>Scores per assignment</h2>
{_table(["assignment", "submissions", "mean", "median"], per_assignment)}
<h2>Failures by reason</h2>{_table(["reason", "count"], reasons)}
<h2>Suspicious submissions (flagged, graded on their merits)</h2>
{_table(["student", "notebook", "what was found"], suspicious) if suspicious else "<p>None.</p>"}
<h2>Submissions that could not be graded</h2>
{_table(["student", "notebook", "status", "reason"], failed) if failed else "<p>None.</p>"}
<h2>Slowest cells</h2>{_table(["seconds", "student", "notebook", "cell"], slow)}
<h2>Where grading time goes (mean seconds per notebook)</h2>{_table(["phase", "seconds"], timing)}
</body></html>
"""
