"""Judging a plain-data answer: the verdicts and their words, on the students' side.

Every verdict on an answer, in the notebook's check, in ``course check`` and in
grading, is reached here from plain data: the case's arguments, the input as
code (``input``), the expected answer, the answers of the typical mistakes (for
the hint) and the exercise's tolerances (:class:`Rule`).  The instructor's side
(``grading.exercises``) computes that data from its references; the students'
kit holds it, for the visible cases only.  Nothing here can compute an answer.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

import numpy as np

from . import drivers


@dataclass
class Rule:
    """How an exercise's answers are judged (the plain-data part of its definition)."""

    id: str
    name: str
    signature: str = ""
    driver: str | None = None
    by_hand: bool = False
    keep: tuple = ()  # earlier answers, not by hand, that run with the real libraries
    rtol: float = 1e-6
    atol: float = 1e-9
    float32: bool = True
    scaled_atol: bool = False
    hint: str = ""
    accept: str | None = None  # a checker in course.checkers, when many answers are right

    def to_json(self) -> dict:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_json(cls, data: dict) -> Rule:
        return cls(**{**data, "keep": tuple(data.get("keep", ()))})


@dataclass
class Verdict:
    ok: bool
    status: str  # pass, wrong, error, timeout, memory, crashed
    message: str = ""


def verdict(rule: Rule, args: list, shown: str, want, received, *, data=None,
            mistakes: Iterable = (), status: str = "ok", error: str = "",
            message: str = "") -> Verdict:
    """Judge one answer (plain data) to one case.  ``shown``: the input as code;
    ``want``: the expected answer; ``data``: what the checker needs beyond it;
    ``mistakes``: (hint, the typical mistake's answer, or a function giving it)."""
    call = rule.signature or f"{rule.name}(...)"
    if status != "ok":
        if error == "NotImplementedError":
            return Verdict(False, "error", f"{call} is not written yet (it raises "
                                           "NotImplementedError): replace the stub.")
        what = {"timeout": "took too long", "memory": "ran out of memory",
                "crashed": "crashed the Python process"}.get(status)
        if what:
            return Verdict(False, status, f"{call} {what} on this input.\n{shown}")
        if error == "AnswerError":  # an answer that cannot be judged (wrong type, too big)
            return Verdict(False, "error", f"{call}: {message}\n{shown}")
        return Verdict(False, "error", f"{call} raised {error}: {message}\n{shown}")
    if rule.accept is not None:
        from .checkers import CHECKERS

        decoded = [drivers.decode(a) for a in args]
        try:
            problem = CHECKERS[rule.accept](*decoded, plain(received), want=want, data=data)
        except Exception as exc:  # noqa: BLE001 (a malformed answer is simply not right)
            problem = f"the answer cannot be used ({type(exc).__name__}: {exc})"
    else:
        problem = difference(want, received, rule.rtol, rule.atol, rule.float32,
                             rule.scaled_atol)
    if problem is None:
        return Verdict(True, "pass")
    hint = rule.hint
    for mistake_hint, typical in mistakes:
        if isinstance(typical, Callable):
            try:
                typical = typical()
            except Exception:  # noqa: BLE001 (a diagnosis that fails just does not apply)
                continue
        if typical is not None and difference(typical, received, rule.rtol, rule.atol,
                                              rule.float32, rule.scaled_atol) is None:
            hint = mistake_hint
            break
    lines = [f"{call} gives the wrong answer: {problem}.", shown,
             _labelled("expected", want), _labelled("received", received)]
    if hint:
        lines.append(f"  hint:     {hint}")
    return Verdict(False, "wrong", "\n".join(lines))


# The tolerance of a float32 answer: float32 carries about 7 digits; a few dozen
# roundings in a row cost about 1e-6 relative, and an entry that cancels to near zero is
# compared on the scale of the whole answer.
FLOAT32_RTOL, FLOAT32_ATOL = 2e-5, 2e-6


def plain(x):
    """An encoded answer without its float32 marks."""
    if isinstance(x, dict):
        if set(x) == {drivers.LOW_PRECISION}:
            return x[drivers.LOW_PRECISION]
        return {k: plain(v) for k, v in x.items()}
    if isinstance(x, list):
        return [plain(v) for v in x]
    return x


def _low(x) -> bool:
    return isinstance(x, dict) and set(x) == {drivers.LOW_PRECISION}


def difference(want, got, rtol: float, atol: float, float32: bool = True,
               scaled_atol: bool = False) -> str | None:
    """None when ``got`` matches ``want``; otherwise a short reason (with the size of
    the difference).  A float32 ``got`` is judged at float32 precision if ``float32``;
    ``scaled_atol``: ``atol`` is relative to the largest entry of ``want``."""
    if isinstance(want, dict):
        if not isinstance(got, dict) or set(got) != set(want):
            return "expected a dict with keys " + ", ".join(sorted(want))
        for k in want:
            reason = difference(want[k], got[k], rtol, atol, float32, scaled_atol)
            if reason:
                return f"{k}: {reason}"
        return None
    low = False
    if _low(got):
        if not float32:
            return "the answer is float32; this exercise needs float64 precision"
        got, low = got[drivers.LOW_PRECISION], True
    if want is None or isinstance(want, bool):
        return None if got is want or (isinstance(got, bool) and got == want) else (
            f"expected {want}, received {_show(plain(got))}")
    try:
        w = np.asarray(want, dtype=np.float64)
    except ValueError:  # ragged: a tuple of differently shaped results
        if not isinstance(got, list) or len(got) != len(want):
            return f"expected {len(want)} results"
        for i, (a, b) in enumerate(zip(want, got, strict=True)):
            reason = difference(a, b, rtol, atol, float32, scaled_atol)
            if reason:
                return f"result {i + 1}: {reason}"
        return None
    if isinstance(got, list) and any(_low(v) for v in got):
        if not float32:
            return "the answer is float32; this exercise needs float64 precision"
        got, low = plain(got), True
    g = _numbers(got)
    if g is None:
        return "the answer is not a number or an array of numbers"
    if g.shape != w.shape:
        return f"shape {_shape(g)} instead of {_shape(w)}"
    finite = np.isfinite(w)
    if not np.array_equal(np.isfinite(g), finite) or not np.array_equal(
            np.isnan(g), np.isnan(w)):
        return "non-finite values (nan or inf) where they should not be"
    if not np.array_equal(w[~finite], g[~finite]):
        return "infinities of the wrong sign"
    scale = float(np.max(np.abs(w[finite]), initial=0.0))
    if scaled_atol:
        atol *= scale
    if low and (rtol or atol):
        rtol, atol = max(rtol, FLOAT32_RTOL), max(atol, FLOAT32_ATOL * max(scale, 1.0))
    wf, gf = w[finite], g[finite]
    err = np.abs(wf - gf)
    bad = err > atol + rtol * np.maximum(np.abs(wf), np.abs(gf))
    if not np.any(bad):
        return None
    k = int(np.argmax(np.where(bad, err, -1.0)))
    where = ""
    if w.ndim:
        index = tuple(int(i) for i in np.argwhere(finite)[k])
        where = f" at index {index[0] if len(index) == 1 else index}"
    tol = (f"allowed: {atol:.0e} + {rtol:.0e} x |value|" if rtol else f"allowed: {atol:.0e}"
           ) if (rtol or atol) else "the answer must be exact"
    count = f"{int(bad.sum())} of {w.size} values differ; the largest difference is " if (
        w.size > 1) else "it differs by "
    return (f"{count}{_num(float(err[k]))}{where} (expected {_num(float(wf[k]))}, received "
            f"{_num(float(gf[k]))}; {tol}" + (", float32" if low else "") + ")")


def _num(x: float) -> str:
    return f"{x:.6g}" if math.isfinite(x) else str(x)


def _numbers(x) -> np.ndarray | None:
    """``x`` as a float array, if it is made of plain numbers only."""
    if isinstance(x, bool) or x is None:
        return None
    if isinstance(x, (int, float)):
        return np.asarray(float(x))
    if not isinstance(x, list):
        return None
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (ValueError, TypeError):
        return None
    return arr if arr.dtype == np.float64 else None


def _shape(a: np.ndarray) -> str:
    return "()" if a.ndim == 0 else str(tuple(a.shape))


WIDTH = 88  # message lines wrap here


def _show(x, indent: int = 12) -> str:
    """An answer or an argument in full, as Python a student can read and paste."""
    pad = "\n" + " " * indent
    if _low(x):
        return _show(x[drivers.LOW_PRECISION], indent) + "  (float32)"
    if isinstance(x, dict):
        return pad.join(f"{k} = {_show(v, indent + len(k) + 3)}" for k, v in x.items())
    if isinstance(x, list):
        try:
            arr = np.asarray(x, dtype=np.float64)
        except (ValueError, TypeError):
            return "(" + ", ".join(_show(v, indent + 1) for v in x) + ")"
        if arr.ndim == 0:
            return _show(float(arr))
        text = np.array2string(arr, separator=", ", threshold=sys.maxsize,
                               formatter={"float_kind": lambda v: repr(float(v))},
                               max_line_width=max(WIDTH - indent, 40))
        return text.replace("\n", pad)
    if isinstance(x, float):
        return repr(x) if math.isfinite(x) else f"float({str(x)!r})"
    return repr(x) if isinstance(x, str) else str(x)


def _labelled(label: str, value) -> str:
    return f"  {label + ':':<9} {_show(value)}"


def argument_code(a: dict, indent: int = 12) -> str:
    """One encoded argument as Python (``np.array([...])`` in full, ``torch.tensor``)."""
    if "fn" in a:
        return a["fn"]
    if "float" in a:
        return repr(float(a["float"]))
    if "int" in a:
        return str(a["int"])
    if "array" in a:
        return "np.array(" + _show(a["array"], indent + 9) + ")"
    if "tensor" in a:
        return ("torch.tensor(" + _show(a["tensor"], indent + 13)
                + f", dtype=torch.{a.get('dtype', 'float64')}"
                + (", requires_grad=True)" if a.get("requires_grad") else ")"))
    return repr(a.get("value"))


def show_call(rule: Rule, args: list) -> str:
    """The case as code a student can paste to reproduce it (message lines): the call
    with its arguments in full, and the test functions' definitions."""
    lines = []
    for a in args:
        if "fn" in a:
            source = drivers.function_source(a["fn"])
            if source:
                lines.append(f"  where:    {a['fn']} = {source}")
    label, head = ("call:", f"{rule.name}(") if rule.driver is None else ("input:", "(")
    code = head + ", ".join(argument_code(a) for a in args) + ")"
    if len(code) + 12 > WIDTH or "\n" in code:  # one argument a line
        code = head + ",".join("\n              " + argument_code(a, 14) for a in args) + ")"
    return "\n".join([f"  {label:<9} {code}", *lines])
