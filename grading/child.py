"""The sandboxed side of grading: runs a student's cells, then the probes.

This file runs in the untrusted process (see ``sandbox.py``).  It reads one
job (JSON) on stdin, executes the cells in one namespace, calls the student's
functions on the probe inputs through ``course.drivers``, and reports events
as JSON lines on the file descriptor given in ``argv[1]``.  The trusted
grader decides everything from those plain-data events; nothing here can award
points.
"""

from __future__ import annotations

import ast
import base64
import importlib.abc
import importlib.util
import json
import marshal
import os
import sys
import types


class _Blocker(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """The autodiff libraries a by-hand exercise may not use: importing one gives a
    stand-in module (the real one is not even readable here) whose every attribute is a
    ``course.drivers.Refused``, so using it raises the same message as in the notebook."""

    def __init__(self, names):
        self.names = set(names)

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in self.names:
            return importlib.util.spec_from_loader(name, self, is_package=True)
        return None

    def create_module(self, spec):
        from course.drivers import Refused

        class RefusedModule(types.ModuleType):
            def __getattr__(self, attr):
                if attr.startswith("__"):
                    raise AttributeError(attr)
                return Refused(f"{spec.name}.{attr}")

        module = RefusedModule(spec.name)
        module.__path__ = []
        return module

    def exec_module(self, module):
        pass


class _Sink:
    """Swallows printed output (a flood must not fill memory or pipes)."""

    def write(self, s):
        return len(s)

    def flush(self):
        pass

    def isatty(self):
        return False


def _run(key: str, cell: dict, namespace: dict) -> None:
    """Execute a cell (its source is plain Python: the grader has turned magics into
    ``get_ipython()`` calls).  A cell sent compiled (an instructor's answer put in place
    of a student's, see ``judge.py``) runs as it is.  The instructor's setup cell and
    lesson statements run statement by statement, so that an import this run does not
    allow skips only itself."""
    if "code" in cell:
        exec(marshal.loads(base64.b64decode(cell["code"])), namespace)  # noqa: S102
        return
    source = cell["source"]
    if not key.startswith("setup"):
        exec(compile(source, f"<cell {key}>", "exec"), namespace)
        return
    for stmt in ast.parse(source).body:
        try:
            exec(compile(ast.Module([stmt], []), f"<cell {key}>", "exec"), namespace)
        except ImportError:
            pass


def _only_original(pid: int) -> None:
    """A process the student's code forked must not report: it leaves at once."""
    if os.getpid() != pid:
        os._exit(0)


def main() -> None:
    channel = os.fdopen(int(sys.argv[1]), "w", buffering=1)

    def send(**event):
        channel.write(json.dumps(event, allow_nan=True) + "\n")

    job = json.loads(sys.stdin.read())
    blocked = job.get("block") or []
    if blocked:
        for name in list(sys.modules):
            if name.split(".")[0] in blocked:
                del sys.modules[name]
        sys.meta_path.insert(0, _Blocker(blocked))
    from course import drivers

    sys.stdout = sys.stderr = _Sink()
    me = os.getpid()
    namespace: dict = {"__name__": "__main__", "__builtins__": __builtins__,
                       "get_ipython": drivers.get_ipython}
    for cell in job["cells"]:
        send(event="cell", key=cell["key"])
        try:
            _run(cell["key"], cell, namespace)
        except BaseException as exc:  # noqa: BLE001 (SystemExit and friends end a cell, not the run)
            _only_original(me)
            send(event="cell_error", key=cell["key"], error=type(exc).__name__,
                 message=str(exc)[:300])
        else:
            _only_original(me)
            send(event="cell_done", key=cell["key"])
    for probe in job["probes"]:
        send(event="probe", id=probe["id"])
        try:
            keep = probe.get("by_hand")  # course check: a by-hand probe, the notebook's way
            if keep is None:
                value = drivers.call(namespace, probe["name"], probe["args"],
                                     probe.get("driver"))
            else:
                with drivers.by_hand(namespace, keep, probe["name"]):
                    value = drivers.call(namespace, probe["name"], probe["args"],
                                         probe.get("driver"))
            text = json.dumps(value, allow_nan=True)
        except BaseException as exc:  # noqa: BLE001
            _only_original(me)
            send(event="probe_error", id=probe["id"], error=type(exc).__name__,
                 message=str(exc)[:300])
        else:
            _only_original(me)
            if len(text) > 2_000_000:
                send(event="probe_error", id=probe["id"], error="AnswerError",
                     message="the answer is too large")
            else:
                channel.write(f'{{"event": "probe_done", "id": {json.dumps(probe["id"])}, '
                              f'"value": {text}}}\n')
    send(event="end")
    channel.flush()
    os._exit(0)  # skip interpreter teardown: student atexit hooks and __del__ do not run


if __name__ == "__main__":
    main()
