"""``course``: the instructor's command (and the students' self-check).

    course release [ASSIGNMENT ...] [--due ISO-DATE]
    course collect PATH
    course autograde [ASSIGNMENT ...] [--student ID ...] [--workers N] [--cluster URL]
                     [--only-changed] [--allow-weak-isolation]
    course feedback
    course export [--out DIR]
    course report
    course kit --out DIR
    course check NOTEBOOK
    course lab [--port N] [--no-browser]
    course demo

Every subcommand takes ``--root DIR`` (default: ``$COURSE_ROOT`` or
``./course-root``) and ``--db URL`` (default: the SQLite gradebook in the root).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

from .course_dir import Course, CourseError


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line (the usage is in --help)."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument("--root", default=os.environ.get("COURSE_ROOT", "course-root"),
                        help="the course directory (default: ./course-root)")
    common.add_argument("--db", default=None,
                        help="gradebook URL: sqlite:///PATH (default) or postgresql://...")
    p = _Parser(prog="course", description="An autograd course that grades "
                                "itself, on nbgrader.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    r = sub.add_parser("release", parents=[common], help="make the student versions")
    r.add_argument("assignments", nargs="*", metavar="ASSIGNMENT")
    r.add_argument("--due", type=_date, default=None,
                   help="due date, e.g. 2026-12-01T23:59 (this machine's local time) or "
                        "2026-12-01T23:59+01:00")

    c = sub.add_parser("collect", parents=[common],
                       help="import submissions (a folder or a zip: Canvas, Moodle, nbgrader)")
    c.add_argument("path")
    c.add_argument("--pattern", default=None, metavar="REGEX",
                   help="file paths inside PATH with named groups notebook and student "
                        "(or lms, an LMS id mapped through the roster)")

    r = sub.add_parser("roster", parents=[common],
                       help="import students (CSV: id, first name, last name, email, LMS id)")
    r.add_argument("csv", metavar="FILE.csv")

    lp = sub.add_parser("late-policy", parents=[common],
                        help="what late work costs: none, zero, per-hour or per-day")
    lp.add_argument("kind", choices=["none", "zero", "per-hour", "per-day"])
    lp.add_argument("--penalty", type=float, default=0.0, help="points per started hour/day")
    lp.add_argument("--cap", type=float, default=None, help="at most this many points")
    ex = sub.add_parser("extend", parents=[common], help="a later deadline for one student")
    ex.add_argument("student")
    ex.add_argument("assignment")
    ex.add_argument("--until", type=_date, required=True,
                    help="the new deadline (this machine's local time unless zoned)")

    a = sub.add_parser("autograde", parents=[common], help="grade submissions in parallel")
    a.add_argument("assignments", nargs="*", metavar="ASSIGNMENT")
    a.add_argument("--student", action="append", default=None, metavar="ID")
    a.add_argument("--workers", type=_positive, default=None,
                   help="default: the number of cores")
    a.add_argument("--cluster", default=os.environ.get("COURSE_CLUSTER") or None,
                   metavar="tcp://HOST:PORT",
                   help="grade on this Dask scheduler's workers (default: $COURSE_CLUSTER)")
    a.add_argument("--cell-timeout", type=float, default=10.0, metavar="SECONDS")
    a.add_argument("--notebook-timeout", type=float, default=90.0, metavar="SECONDS")
    a.add_argument("--only-changed", action="store_true",
                   help="grade only new or changed submissions (and what an earlier run "
                        "did not finish); keep the other results")
    a.add_argument("--allow-weak-isolation", action="store_true",
                   help="grade even where student code can only run as this user "
                        "(no namespaces, not root): for code you trust")

    sub.add_parser("feedback", parents=[common], help="write an HTML page per submission")
    e = sub.add_parser("export", parents=[common], help="grades as CSV")
    e.add_argument("--out", default=None, help="folder for grades.csv and exercises.csv")
    e.add_argument("--format", default="csv", choices=["csv", "canvas", "moodle"],
                   help="also the LMS's gradebook import file (grades-canvas.csv, "
                        "grades-moodle.csv)")
    sub.add_parser("report", parents=[common], help="the instructor's report (PNG, HTML)")

    kt = sub.add_parser("kit", parents=[common],
                        help="the students' kit: one wheel with the released visible checks")
    kt.add_argument("--out", required=True, help="folder to write the wheel into")

    ht = sub.add_parser("html", help="notebooks as HTML pages whose formulas need no network")
    ht.add_argument("notebooks", nargs="+", metavar="NOTEBOOK")
    ht.add_argument("--out", default=".", help="folder for NAME.html (default: here)")

    k = sub.add_parser("check", parents=[common], help="a student's self-check of a notebook")
    k.add_argument("notebook")

    lab = sub.add_parser("lab", parents=[common], help="JupyterLab on the student release")
    lab.add_argument("--port", type=int, default=8888)
    lab.add_argument("--ip", default="127.0.0.1")
    lab.add_argument("--no-browser", action="store_true")
    lab.add_argument("--instructor", action="store_true",
                     help="the instructor's lab: the whole course root with the formgrader "
                          "(default: the student lab, the release only, without the "
                          "formgrader, and without terminals when run as root or served "
                          "beyond this machine)")

    d = sub.add_parser("demo", parents=[common], help="release, grade a sample class, report")
    d.add_argument("--workers", type=_positive, default=None)
    d.add_argument("assignments", nargs="*", metavar="ASSIGNMENT")
    return p


def _date(text: str) -> dt.datetime:
    """A due date; without a time zone it is this machine's local time.  Returned in
    UTC without a zone, as nbgrader's gradebook keeps it."""
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use 2026-12-01T23:59)") from None
    return when.astimezone(dt.timezone.utc).replace(tzinfo=None)


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, not {text!r}")
    return n


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args) or 0
    except CourseError as exc:
        print(f"course {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("course: interrupted", file=sys.stderr)
        return 130


def _course(args, create: bool = False) -> Course:
    return Course(args.root, args.db, create=create)


def cmd_release(args) -> None:
    from . import pipeline

    course = _course(args, create=True)
    if args.due is not None and args.due < dt.datetime.now(dt.timezone.utc).replace(tzinfo=None):
        print(f"warning: the due date {args.due:%Y-%m-%d %H:%M} UTC is in the past: every "
              "submission will be late", file=sys.stderr)
    for a in pipeline.release(course, args.assignments, args.due):
        print(f"released {a} -> {course.path('release', a)}")


def cmd_collect(args) -> int:
    from . import pipeline

    collected, warnings = pipeline.collect(_course(args), args.path, args.pattern,
                                           progress=True)
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    for c in collected:
        for flag in c.flags:
            print(f"note: {c.student} {c.notebook}: {flag}", file=sys.stderr)
    print(f"collected {len(collected)} notebooks from "
          f"{len({c.student for c in collected})} students")
    if not collected and warnings:  # an input with files, none of them a submission
        print("course collect: error: nothing was collected (see the warnings above; "
              "--pattern REGEX reads other layouts)", file=sys.stderr)
        return 1
    return 0


def cmd_roster(args) -> None:
    from .collect import import_roster

    students = import_roster(_course(args), Path(args.csv))
    with_lms = sum(1 for s in students if s.get("lms_user_id"))
    print(f"imported {len(students)} students ({with_lms} with an LMS id)")


def cmd_late_policy(args) -> None:
    from . import late

    rule = late.set_policy(_course(args), args.kind, args.penalty, args.cap)
    print(f"late policy: {rule.describe()} (export, feedback and report apply it)")


def cmd_extend(args) -> None:
    from . import late

    late.extend(_course(args), args.student, args.assignment, args.until)
    print(f"{args.student}'s deadline for {args.assignment}: {args.until:%Y-%m-%d %H:%M} UTC "
          "(autograde again to apply it)")


def cmd_autograde(args) -> int:
    from . import pipeline, sandbox

    limits = sandbox.Limits(cell_seconds=args.cell_timeout,
                            notebook_seconds=args.notebook_timeout,
                            allow_weak_isolation=args.allow_weak_isolation)
    course = _course(args)
    if not course.assignments():
        print("course autograde: nothing is released (run `course release` first)",
              file=sys.stderr)
        return 1
    if not pipeline.units(course, args.assignments, args.student):
        print("course autograde: no submissions to grade (run `course collect` first)",
              file=sys.stderr)
        return 1
    interrupted = False
    try:
        results = pipeline.autograde(course, args.assignments, args.student, args.workers,
                                     limits, cluster=args.cluster,
                                     only_changed=args.only_changed)
    except pipeline.Interrupted as stop:
        results, interrupted = stop.results, True
    manual = pipeline.manual_grades(course)
    with_manual = set()
    for r in results:  # the instructor's manual grades stand (autograde never overwrites them)
        if any((r.student, r.assignment, r.notebook, e["id"]) in manual for e in r.exercises):
            r.score += pipeline.manual_adjustment(r.student, r.assignment, r.notebook,
                                                  r.exercises, manual)
            with_manual.add((r.student, r.notebook))
    print_table(results, with_manual)
    print_summary(results)
    if interrupted:
        todo = len(pipeline.units(course, args.assignments, args.student))
        print(f"course autograde: interrupted: {len(results)} of {todo} notebooks recorded; "
              "run it again with --only-changed to grade the rest", file=sys.stderr)
        return 130
    internal = [r for r in results if r.status == "failed" and r.reason.startswith("internal")]
    return 1 if internal else 0


def print_summary(results) -> None:
    """One line per assignment, then every unit that could not be graded, and why."""
    by_assignment: dict[str, list] = {}
    for r in results:
        by_assignment.setdefault(r.assignment, []).append(r)
    for a, rs in sorted(by_assignment.items()):
        graded = [r for r in rs if r.status == "graded"]
        mean = sum(r.score for r in graded) / len(graded) if graded else 0.0
        counts = {k: sum(r.status == k for r in rs) for k in ("failed", "missing")}
        print(f"{a}: {len(rs)} notebooks, {len(graded)} graded (mean "
              f"{mean:.1f}/{rs[0].max_score}), {counts['failed']} failed, "
              f"{counts['missing']} missing")
    failures = [r for r in results if r.status != "graded"]
    if failures:
        print("not graded:")
        for r in failures:
            print(f"  {r.student} {r.notebook}: {r.reason}")


def print_table(results, with_manual: set = frozenset()) -> None:
    width = max([len(r.student) for r in results] + [7])
    print(f"{'student':<{width}}  {'notebook':<22} {'score':>9}  status")
    for r in results:
        status = r.status if r.status == "graded" else f"{r.status}: {r.reason}"
        extra = (" (late)" if r.late else "") + (f" [{len(r.flags)} flags]" if r.flags else "")
        extra += " (with manual grades)" if (r.student, r.notebook) in with_manual else ""
        extra += " (unchanged)" if r.unchanged else ""
        print(f"{r.student:<{width}}  {r.notebook:<22} {r.score:>4g}/{r.max_score:<4} "
              f"{status}{extra}")
    graded = sum(r.status == "graded" for r in results)
    kept = sum(r.unchanged for r in results)
    failed = sum(r.status == "failed" for r in results)
    print(f"{len(results)} notebooks: {graded} graded, {failed} failed, "
          f"{len(results) - graded - failed} missing"
          + (f" ({kept} unchanged since the last run, not graded again)" if kept else ""))


def cmd_feedback(args) -> None:
    from . import pipeline

    pages = pipeline.feedback(_course(args))
    print(f"wrote {len(pages)} feedback pages under {_course(args).path('feedback')}")


def cmd_export(args) -> None:
    from . import pipeline

    for path in pipeline.export(_course(args), Path(args.out) if args.out else None,
                                args.format, progress=True):
        print(f"wrote {path}")


def cmd_report(args) -> None:
    from . import report

    html_path, png_path = report.write(_course(args))
    print(f"wrote {html_path} and {png_path}")


def cmd_kit(args) -> None:
    from . import kit

    course = _course(args)
    try:
        wheel = kit.build(course.path("release"), Path(args.out))
    except FileNotFoundError as exc:
        raise CourseError(str(exc)) from None
    print(f"wrote {wheel}: students install it with `pip install {wheel.name}`")


def cmd_html(args) -> None:
    from . import html

    paths = [Path(n) for n in args.notebooks]
    for path in paths:
        if not path.is_file():
            raise CourseError(f"no notebook at {path}")
    try:
        pages = html.export(paths, Path(args.out))
    except (ValueError, OSError) as exc:  # not JSON, not a notebook, unwritable --out
        raise CourseError(f"cannot export: {exc}") from None
    for page in pages:
        print(f"wrote {page}")


def cmd_check(args) -> int:
    from . import selfcheck

    return selfcheck.main(Path(args.notebook))


# What a student lab leaves out: nbgrader's instructor tools (the formgrader, the course
# list, the assignment creator); students keep the assignment list and Validate.
INSTRUCTOR_SERVER_EXTENSIONS = ["nbgrader.server_extensions.formgrader",
                                "nbgrader.server_extensions.course_list"]
INSTRUCTOR_LAB_PLUGINS = ["@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:course-list",
                          "@jupyter/nbgrader:create-assignment"]


def lab_command(course: Course, args) -> tuple[list[str], dict, Path]:
    """The JupyterLab command line, environment and folder for ``course lab``."""
    release = course.path("release")
    if not release.exists():
        raise CourseError("nothing released yet: run `course release` first")
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    local = args.ip in ("127.0.0.1", "localhost", "::1")
    # The formgrader reads nbgrader_config.py from the server's folder, which
    # must contain the course root; students only ever see the release.
    served = course.root if args.instructor else release
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={served}",
           f"--port={args.port}", f"--ip={args.ip}"]
    env = dict(os.environ)
    if not args.instructor:
        if root and not local:
            raise CourseError(f"refusing to serve the student lab on {args.ip} as root: its "
                              "kernels would run everyone's code as root (run it as an "
                              "unprivileged user)")
        off = ", ".join(f"'{name}': False" for name in INSTRUCTOR_SERVER_EXTENSIONS)
        cmd.append(f"--ServerApp.jpserver_extensions={{{off}}}")
        if root or not local:  # a terminal would be a shell as this user for anyone served
            cmd.append("--ServerApp.terminals_enabled=False")
        config = course.path(".lab", "student")
        (config / "labconfig").mkdir(parents=True, exist_ok=True)
        (config / "labconfig" / "page_config.json").write_text(json.dumps(
            {"disabledExtensions": {name: True for name in INSTRUCTOR_LAB_PLUGINS}}))
        env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(
            [str(config), *filter(None, [os.environ.get("JUPYTER_CONFIG_PATH")])])
    if args.no_browser:
        cmd.append("--no-browser")
    if root:
        cmd.append("--allow-root")  # containers and CI run as root; Jupyter refuses otherwise
    return cmd, env, served


def cmd_lab(args) -> int:
    cmd, env, served = lab_command(_course(args), args)
    os.chdir(served)
    os.execve(sys.executable, cmd, env)  # become the server: stopping `course lab` stops it


def cmd_demo(args) -> int:
    from . import demo

    return demo.run(_course(args, create=True), args.workers, args.assignments)


COMMANDS = {"release": cmd_release, "roster": cmd_roster, "collect": cmd_collect,
            "late-policy": cmd_late_policy, "extend": cmd_extend,
            "autograde": cmd_autograde, "feedback": cmd_feedback, "export": cmd_export,
            "report": cmd_report, "kit": cmd_kit, "html": cmd_html, "check": cmd_check,
            "lab": cmd_lab, "demo": cmd_demo}


if __name__ == "__main__":
    sys.exit(main())
