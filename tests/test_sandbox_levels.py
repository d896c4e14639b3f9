"""The isolation levels below the strongest: student code never runs as root, and
the weakest level (student code as the grader's own user) is refused unless allowed.

Each level is forced here (``sandbox._isolation``), so these run on any machine
where the grader is root; the refusal is checked on every machine.
"""

from __future__ import annotations

import os

import pytest

from grading import sandbox

PROBE = """
import os
def whoami(path):
    try:
        with open(path, "a") as f:
            f.write("rewritten by a student")
        wrote = True
    except OSError:
        wrote = False
    return [os.getuid(), os.getgid(), wrote]
"""


@pytest.fixture
def level(monkeypatch):
    def force(name: str) -> None:
        monkeypatch.setattr(sandbox, "_isolation", (name, []))

    return force


def _whoami(tmp_path, limits=sandbox.Limits()):
    target = tmp_path / "gradebook.db"  # stands for the gradebook: the grader's, 0644
    target.write_text("grades")
    os.chmod(target, 0o644)
    os.chmod(tmp_path, 0o755)
    result = sandbox.run([sandbox.Cell("answer", PROBE)],
                         [sandbox.Probe("p", "whoami", [{"value": str(target)}])], limits=limits)
    return result, target


@pytest.mark.skipif(os.geteuid() != 0, reason="the grader is not root here")
def test_without_namespaces_root_runs_student_code_as_an_unprivileged_user(level, tmp_path):
    level("unprivileged")
    result, target = _whoami(tmp_path)
    outcome = result.probes["p"]
    assert outcome.status == "ok", outcome
    uid, gid, wrote = outcome.value
    assert uid != 0 and gid != 0
    assert not wrote and target.read_text() == "grades"
    assert "unprivileged user" in sandbox.isolation()


@pytest.mark.skipif(os.geteuid() != 0, reason="the grader is not root here")
def test_root_never_falls_back_to_plain():
    saved = sandbox._isolation
    try:
        sandbox._isolation = None
        assert sandbox._choose()[0] in ("root", "unprivileged")
    finally:
        sandbox._isolation = saved


def test_the_plain_level_is_refused_unless_allowed(level, tmp_path):
    level("plain")
    with pytest.raises(sandbox.WeakIsolationError, match="--allow-weak-isolation"):
        _whoami(tmp_path)
    result, _ = _whoami(tmp_path, sandbox.Limits(allow_weak_isolation=True))
    assert result.probes["p"].status == "ok"
    assert result.probes["p"].value[0] == os.getuid()  # the grader's own user: weak



@pytest.mark.skipif(os.geteuid() != 0, reason="the grader is not root here")
def test_a_private_temporary_folder_is_not_used_for_the_sandbox(tmp_path, monkeypatch):
    """As root, the sandbox's user must reach its library and run folder: under a 0700
    TMPDIR they would be unreadable and every cell would crash (a grade of 0)."""
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    monkeypatch.setattr(sandbox.tempfile, "tempdir", str(private))
    assert sandbox._temp_base() == "/tmp"
    monkeypatch.setattr(sandbox.tempfile, "tempdir", "/tmp")
    assert sandbox._temp_base() == "/tmp"


def test_a_sandbox_that_cannot_start_is_an_internal_error_not_a_crash(monkeypatch, tmp_path):
    """A child that dies before running anything of the student's is the grader's
    failure: it must not be recorded as the student's cells crashing."""
    monkeypatch.setattr(sandbox, "_python", lambda: "/bin/false")
    with pytest.raises(sandbox.SandboxError, match="the sandbox did not start"):
        _whoami(tmp_path)
