"""Running untrusted student code in a separate, limited process.

The grader never runs student code in its own process.  Each submission's
cells run in a child (``child.py``) that

* is started through ``unshare``: no network, and a private mount namespace in
  which the repository (solutions, hidden tests), the course directory
  (gradebook, other students) and the grader's virtualenv are hidden under
  empty tmpfs mounts;
* runs as an unprivileged user (``setpriv``, or ``setuid`` in the child where
  namespaces are unavailable) when the grader is root: student code never runs
  as root;
* has limits on memory (RLIMIT_AS), processes (RLIMIT_NPROC), file size,
  open files and CPU time, and a wall-clock limit per cell, per probe and per
  notebook enforced from outside with SIGKILL of its process group;
* sees its job on stdin and answers with JSON events on a pipe; its stdout and
  stderr go to /dev/null.

A cell that hangs or kills the process is recorded and the child restarted
without it, so one broken cell never costs the points of the others.
Where the machine does not allow namespaces, the best available isolation is
used, and ``isolation()`` says which (the report prints it); the weakest level,
``plain`` (student code as the grader's own user, who can write the gradebook),
is refused unless ``Limits.allow_weak_isolation`` is set.
"""

from __future__ import annotations

import atexit
import base64
import json
import os
import resource
import select
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from course import drivers

REPO = Path(__file__).resolve().parents[1]
# The sandbox's group when minigrad may be imported; by-hand runs get another group, which
# cannot read minigrad's copy (as root; without root, the copy is hidden by a mount).
MINIGRAD_GROUP, BY_HAND_GROUP = 60998, 60999
BLOCK_FOR_BY_HAND = list(drivers.AUTODIFF)


@dataclass(frozen=True)
class Limits:
    cell_seconds: float = 10.0
    probe_seconds: float = 5.0
    notebook_seconds: float = 90.0
    memory_mb: int = 2048
    processes: int = 256
    file_mb: int = 16
    restarts: int = 8
    allow_weak_isolation: bool = False  # grade even at the "plain" level (trusted code only)


class WeakIsolationError(RuntimeError):
    """Only the "plain" level is available, and it was not allowed."""


@dataclass
class Cell:
    key: str
    source: str
    code: bytes | None = None  # marshalled code object: run instead of the source


@dataclass
class Probe:
    id: str
    name: str
    args: list
    driver: str | None = None
    group: str = ""  # after a timeout or crash, the rest of the group is not tried
    by_hand: list | None = None  # checked the notebook's way (drivers.by_hand), keeping these


@dataclass
class Outcome:
    """What happened to one cell or probe: status ok/error/timeout/memory/crashed."""

    status: str
    error: str = ""
    message: str = ""
    value: object = None
    seconds: float = 0.0


@dataclass
class RunResult:
    cells: dict[str, Outcome] = field(default_factory=dict)
    probes: dict[str, Outcome] = field(default_factory=dict)
    seconds: float = 0.0
    restarts: int = 0
    failure: str = ""  # why the child died outside any cell or probe, if it did


# The sandbox's own little library: what the child may import ---------------------------

_libs: dict[str, Path] = {}


def _library() -> tuple[Path, Path]:
    """Two directories: one with child.py, course.drivers and NumPy (hard links), one
    with minigrad.  Runs of by-hand exercises get only the first (and the second is
    hidden from them), so minigrad cannot be imported, even by undoing the blocker."""
    if "base" in _libs and _libs["base"].exists():
        return _libs["base"], _libs["minigrad"]
    import numpy

    mg = Path(tempfile.mkdtemp(prefix="course-sandbox-minigrad-", dir=_temp_base()))
    os.chmod(mg, 0o755)
    shutil.copytree(REPO / "minigrad", mg / "minigrad",
                    ignore=shutil.ignore_patterns("__pycache__", "demo.py"))
    lib = Path(tempfile.mkdtemp(prefix="course-sandbox-", dir=_temp_base()))
    os.chmod(lib, 0o755)
    (lib / "grading").mkdir()
    (lib / "grading" / "__init__.py").write_text("")
    shutil.copy2(REPO / "grading" / "child.py", lib / "grading" / "child.py")
    (lib / "course").mkdir()
    (lib / "course" / "__init__.py").write_text("")
    shutil.copy2(REPO / "course" / "drivers.py", lib / "course" / "drivers.py")
    np_dir = Path(numpy.__file__).parent
    for src in (np_dir, np_dir.parent / "numpy.libs"):
        if src.exists():
            _link_tree(src, lib / src.name)
    # Compile once, with the sandbox's interpreter, so each run starts fast.
    subprocess.run([_python(), "-m", "compileall", "-q", "-j", "0", str(lib), str(mg)],
                   capture_output=True, check=False)
    if os.geteuid() == 0:
        for path in [mg, *mg.rglob("*")]:
            os.chown(path, 0, MINIGRAD_GROUP)
            os.chmod(path, 0o750 if path.is_dir() else 0o640)
    _libs.update(base=lib, minigrad=mg)
    atexit.register(shutil.rmtree, lib, True)
    atexit.register(shutil.rmtree, mg, True)
    return lib, mg


def _temp_base() -> str:
    """The folder for the sandbox's library and run folders: the temporary folder, if
    the sandbox's user can reach it (as root, a private TMPDIR, e.g. under a 0700
    folder, cannot be: then /tmp)."""
    base = tempfile.gettempdir()
    if os.geteuid() != 0:
        return base
    for folder in [Path(base), *Path(base).parents]:
        if not folder.stat().st_mode & 0o001:
            return "/tmp"
    return base


class SandboxError(RuntimeError):
    """The sandbox itself failed (not the student's code): the unit cannot be graded."""


def _link_tree(src: Path, dst: Path) -> None:
    try:
        shutil.copytree(src, dst, copy_function=os.link, ignore=shutil.ignore_patterns("tests"))
    except OSError:
        shutil.rmtree(dst, ignore_errors=True)
        shutil.copytree(src, dst, ignore=shutil.ignore_patterns("tests"))


def _python() -> str:
    """An interpreter of our version that an unprivileged user can run."""
    candidate = Path(f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}")
    if candidate.exists():
        return str(candidate)
    return str(Path(sys.executable).resolve())


# Isolation strategy ----------------------------------------------------------------------

_isolation: tuple[str, list[str]] | None = None


def _hidden_paths(extra: list[Path]) -> list[str]:
    paths = {REPO, Path(sys.prefix).resolve(), Path.home(), *[p.resolve() for p in extra]}
    paths = {p for p in paths if p.exists() and p != Path("/")}
    # A path inside another hidden one disappears with it (and could not be mounted on).
    return sorted(str(p) for p in paths if not any(q in p.parents for q in paths))


def _wrapper(level: str, hide: list[str], uid: int, gid: int | None = None) -> list[str]:
    mounts = "".join(f"mount -t tmpfs -o size=64k,mode=000 none {shlex.quote(p)} && "
                     for p in hide)
    if level == "root":
        inner = (f"{mounts}exec setpriv --reuid={uid} --regid={gid or uid} --clear-groups "
                 "--no-new-privs -- \"$@\"")
        return ["unshare", "--net", "--mount", "--propagation", "private", "--",
                "sh", "-c", inner, "sandbox"]
    if level == "userns":
        return ["unshare", "--user", "--map-root-user", "--net", "--mount", "--propagation",
                "private", "--", "sh", "-c", f"{mounts}exec \"$@\"", "sandbox"]
    return []  # "unprivileged" drops to ``uid`` in the child itself (see _limits)


def isolation() -> str:
    """A one-line description of the isolation in use (for reports)."""
    level, _ = _choose()
    return {
        "root": "separate process as an unprivileged user; no network; repository, course "
                "directory and virtualenv hidden (mount namespace); rlimits; wall-clock kills",
        "userns": "separate process in a user namespace (same user); no network; repository, "
                  "course directory and virtualenv hidden; rlimits; wall-clock kills",
        "unprivileged": "separate process as an unprivileged user (namespaces unavailable): "
                        "network available; files readable by every user are readable; "
                        "rlimits; wall-clock kills",
        "plain": "separate process as the same user (namespaces unavailable): rlimits and "
                 "wall-clock kills only; files readable by the grader are readable",
    }[level]


WEAK = ("student code would run as this user, who can write the gradebook and read the "
        "course: namespaces are unavailable here (run as root, or enable user namespaces: "
        "sysctl kernel.unprivileged_userns_clone=1 or, on Ubuntu, "
        "kernel.apparmor_restrict_unprivileged_userns=0); --allow-weak-isolation grades "
        "anyway, for code you trust")


def check(limits: Limits) -> None:
    """Raise WeakIsolationError when only the plain level is available and not allowed."""
    if _choose()[0] == "plain" and not limits.allow_weak_isolation:
        raise WeakIsolationError(WEAK)


def _choose() -> tuple[str, list[str]]:
    global _isolation
    if _isolation is None:
        # As root, never run student code as root: no namespaces, then setuid only.
        _isolation = ("unprivileged", []) if os.geteuid() == 0 else ("plain", [])
        for level in ["root"] if os.geteuid() == 0 else ["userns"]:
            cmd = _wrapper(level, [], 65534) + ["true"]
            try:
                ok = subprocess.run(cmd, capture_output=True, timeout=10).returncode == 0
            except (OSError, subprocess.SubprocessError):
                ok = False
            if ok:
                _isolation = (level, [])
                break
    return _isolation


def _limits(limits: Limits, drop_to: tuple[int, int] | None = None):
    def apply() -> None:
        os.setsid()
        mb = 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_mb * mb, limits.memory_mb * mb))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_mb * mb, limits.file_mb * mb))
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        cpu = int(limits.notebook_seconds) + 5
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
        if drop_to is not None:  # root without namespaces: become the sandbox's user
            uid, gid = drop_to
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)

    return apply


# Running a job ---------------------------------------------------------------------------

_running: list[tuple[subprocess.Popen, str]] = []  # this process's child and its folder


def kill_running() -> None:
    """Kill the running child's process group and remove its folder (for a grading
    process that is being stopped)."""
    for proc, workdir in list(_running):
        _kill(proc)
        shutil.rmtree(workdir, ignore_errors=True)

def run(cells: list[Cell], probes: list[Probe], *, block: list[str] | None = None,
        limits: Limits = Limits(), hide: list[Path] = ()) -> RunResult:
    """Run ``cells`` then ``probes`` in a sandboxed child; restart past broken cells."""
    check(limits)
    result = RunResult()
    start = time.monotonic()
    deadline = start + limits.notebook_seconds
    excluded: set[str] = set()
    for attempt in range(limits.restarts + 1):
        todo = [c for c in cells if c.key not in excluded]
        pending = [p for p in probes if p.id not in result.probes]
        if attempt and not pending and all(c.key in result.cells for c in cells):
            break
        culprit = _run_once(todo, pending, block or [], limits, hide, deadline, result,
                            first=attempt == 0)
        if culprit is None:
            break
        result.restarts += 1
        kind, key = culprit
        if kind == "cell":
            excluded.add(key)
        elif kind == "probe":
            failed = next(p for p in probes if p.id == key)
            for p in probes:
                if p.group and p.group == failed.group and p.id not in result.probes:
                    result.probes[p.id] = result.probes[key]
        if time.monotonic() >= deadline:
            break
    if result.failure:
        missing = Outcome("crashed", "SandboxError", result.failure)
    else:
        missing = Outcome("timeout", "NotebookTimeout", "the notebook's time limit ran out")
    for c in cells:
        result.cells.setdefault(c.key, missing)
    for p in probes:
        result.probes.setdefault(p.id, missing)
    result.seconds = time.monotonic() - start
    return result


def _run_once(cells, probes, block, limits, hide, deadline, result, first=False):
    """One child process.  Returns the (kind, key) that broke it, or None if it ended.
    Raises SandboxError if the ``first`` child dies before starting its job."""
    lib, mg = _library()
    level, _ = _choose()
    uid = 61000 + os.getpid() % 4000
    paths = [str(lib)] if block else [str(lib), str(mg)]
    if block:
        hide = [*hide, mg]  # by-hand runs cannot even read minigrad's files
    boot = f"import sys; sys.path[:0] = {paths!r}; from grading import child; child.main()"
    env = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "LANG": "C.UTF-8",
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg"}
    read_fd, write_fd = os.pipe()
    gid = BY_HAND_GROUP if block else MINIGRAD_GROUP
    cmd = _wrapper(level, _hidden_paths(list(hide)), uid, gid) + [
        _python(), "-I", "-S", "-B", "-c", boot, str(write_fd)]
    workdir = tempfile.mkdtemp(prefix="course-run-", dir=_temp_base())
    if level in ("root", "unprivileged"):
        os.chown(workdir, uid, uid)  # the sandbox's user owns its (empty) working folder
    try:
        proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(write_fd,), cwd=workdir, env=env,
            preexec_fn=_limits(limits, (uid, gid) if level == "unprivileged" else None),
            close_fds=True)
    except OSError as exc:
        os.close(read_fd)
        os.close(write_fd)
        for c in cells:
            result.cells.setdefault(c.key, Outcome("crashed", "SandboxError", str(exc)))
        return None
    os.close(write_fd)
    _running.append((proc, workdir))
    job = {"cells": [{"key": c.key, "source": c.source} if c.code is None else
                     {"key": c.key, "code": base64.b64encode(c.code).decode()}
                     for c in cells],
           "probes": [{"id": p.id, "name": p.name, "args": p.args, "driver": p.driver,
                       "by_hand": p.by_hand} for p in probes],
           "block": block}
    try:
        proc.stdin.write(json.dumps(job).encode())
        proc.stdin.close()
    except BrokenPipeError:
        pass
    current = None
    started_any = False  # the child has said something (it started running the job)
    started = time.monotonic()
    phase_end = deadline
    buffer = b""
    try:
        while True:
            now = time.monotonic()
            wait = min(phase_end, deadline) - now
            if wait <= 0:
                _kill(proc)
                if current is not None:
                    kind, key = current
                    out = Outcome("timeout", "Timeout", "took longer than the time limit",
                                  seconds=now - started)
                    (result.cells if kind == "cell" else result.probes)[key] = out
                return current or ("notebook", "")
            ready, _, _ = select.select([read_fd], [], [], wait)
            if not ready:
                continue
            chunk = os.read(read_fd, 65536)
            if not chunk:
                break  # the child is gone
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            if len(buffer) > 4_000_000:
                buffer = b""
            for line in lines:
                event = _parse(line)
                if event is None:
                    continue
                kind = event.get("event")
                now = time.monotonic()
                started_any = True
                if kind == "cell" and isinstance(event.get("key"), str):
                    current, started = ("cell", event["key"]), now
                    phase_end = now + limits.cell_seconds
                elif kind == "probe" and isinstance(event.get("id"), str):
                    current, started = ("probe", event["id"]), now
                    phase_end = now + limits.probe_seconds
                elif kind in ("cell_done", "cell_error") and current and current[0] == "cell":
                    result.cells.setdefault(current[1], _outcome(event, now - started))
                    current, phase_end = None, deadline
                elif kind in ("probe_done", "probe_error") and current and current[0] == "probe":
                    result.probes.setdefault(current[1], _outcome(event, now - started))
                    current, phase_end = None, deadline
                elif kind == "end":
                    return None
    finally:
        os.close(read_fd)
        _kill(proc)  # the whole process group: forked stragglers too
        proc.wait()
        _running.remove((proc, workdir))
        shutil.rmtree(workdir, ignore_errors=True)
    # The child died without saying "end": blame what it was doing.
    code = proc.returncode
    status = "timeout" if code == -signal.SIGXCPU else "crashed"
    message = (f"the process was killed by signal {-code}" if code and code < 0
               else f"the process exited with status {code}")
    if current is not None:
        kind, key = current
        out = Outcome(status, "Crashed" if status == "crashed" else "Timeout", message,
                      seconds=time.monotonic() - started)
        (result.cells if kind == "cell" else result.probes)[key] = out
        return current
    if first and not started_any:  # nothing of the student's has run yet in this unit
        raise SandboxError(f"the sandbox did not start: {message}")
    result.failure = message
    return ("notebook", "")


def _outcome(event: dict, seconds: float) -> Outcome:
    if event["event"] in ("cell_done", "probe_done"):
        return Outcome("ok", value=event.get("value"), seconds=seconds)
    error = str(event.get("error", ""))[:80]
    status = "memory" if error == "MemoryError" else "error"
    return Outcome(status, error, str(event.get("message", ""))[:300], seconds=seconds)


def _parse(line: bytes):
    if len(line) > 3_000_000:
        return None
    try:
        event = json.loads(line)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    return event if isinstance(event, dict) else None


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        try:
            proc.kill()
        except ProcessLookupError:
            pass
