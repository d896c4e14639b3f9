"""Helpers for the browser tests: a ``course lab`` server on a loopback port,
a headless Debian Chromium driven by Playwright, and numbered screenshots.

Playwright's own browser download cannot work on this closed network, so the
tests drive the system Chromium (``apt-get install chromium``) instead.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps dialling out, and on a
# closed network its connections are refused.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
ARTIFACTS = Path(os.environ.get("BROWSER_ARTIFACTS", REPO / "tests" / "artifacts" / "browser"))
TOKEN = "course-browser-test"
# JupyterLab settings for a test session: render every cell (the default
# windowing keeps off-screen cells out of the DOM) and no news pop-up that
# could cover the notebook.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
}


def require_browser() -> None:
    """Skip (fail under CI, which installs both) without Chromium or Playwright."""
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"no {CHROMIUM} (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("no playwright module (pip install playwright)")
    if missing:
        reason = "browser tests need a browser: " + "; ".join(missing)
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason, allow_module_level=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _course_command() -> list[str]:
    script = Path(sys.executable).with_name("course")  # the installed console script
    return [str(script)] if script.exists() else [sys.executable, "-m", "grading.cli"]


def course(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run the ``course`` command of this checkout."""
    return subprocess.run([*_course_command(), *args], cwd=REPO,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True,
                          text=True, timeout=timeout)


@contextmanager
def lab_server(root: Path, home: Path, *extra: str, timeout: float = 180) -> Iterator[str]:
    """``course lab --root ROOT`` on a free loopback port; yields its base URL.

    The server and everything it starts run in their own process group, which
    is always terminated, whatever the test did.
    """
    settings = home / "lab-settings"
    for name, values in LAB_SETTINGS.items():
        (settings / name).parent.mkdir(parents=True, exist_ok=True)
        (settings / name).write_text(json.dumps(values))
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO), "JUPYTER_TOKEN": TOKEN,
           "JUPYTERLAB_SETTINGS_DIR": str(settings),
           "JUPYTERLAB_WORKSPACES_DIR": str(home / "lab-workspaces"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime")}
    log = (home / f"lab-{port}.log").open("w")
    proc = subprocess.Popen([*_course_command(), "lab", "--root", str(root),
                             "--port", str(port), "--no-browser", *extra],
                            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(proc, f"{url}/api/status?token={TOKEN}", timeout, Path(log.name))
        yield url
    finally:
        _stop(proc)
        log.close()


def _wait_until_up(proc: subprocess.Popen, status_url: str, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"course lab exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(status_url, timeout=5) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)  # polling a server that is starting: nothing to wait on but time
    raise RuntimeError(f"course lab did not answer within {timeout:g} s:\n{log.read_text()}")


def _stop(proc: subprocess.Popen) -> None:
    # SIGTERM lets Jupyter shut its kernels down; SIGKILL if it takes too long.
    for sig, grace in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(grace)
            return
        except subprocess.TimeoutExpired:
            continue


class Shots:
    """Numbered full-window screenshots of one test, kept as artifacts."""

    def __init__(self, page, name: str) -> None:
        self.page, self.folder, self.n = page, ARTIFACTS / name, 0
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()

    def __call__(self, step: str) -> Path:
        self.n += 1
        path = self.folder / f"{self.n:02d}-{step}.png"
        self.page.screenshot(path=str(path))
        return path

    @contextmanager
    def on_failure(self) -> Iterator[None]:
        """Keep a screenshot of the page as it was when a step failed."""
        try:
            yield
        except BaseException:
            with suppress(Exception):  # the original error matters more
                self("failure")
            raise
