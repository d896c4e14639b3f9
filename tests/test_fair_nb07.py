"""Lesson 7's exercises are fair: every mistake hint can fire on a visible case, the
visible cases cover the kinds of the hidden ones, and a tape_size case reads as code
that builds the same graph in minigrad and in PyTorch."""

from __future__ import annotations

import pytest

from course import drivers
from grading import exercises

IDS = ["nb07.gradient_costs", "nb07.jacobian", "nb07.tape_size"]


def _answer(fn, args):
    return drivers.encode(fn(*[drivers.decode(a) for a in args]))


@pytest.mark.parametrize("eid", IDS)
def test_every_mistake_fires_on_a_visible_case(eid):
    ex = exercises.get(eid)
    assert ex.mistakes and all(callable(w) for _, w in ex.mistakes)
    for hint, wrong in ex.mistakes:
        fired = False
        for args in exercises.cases(ex):
            try:
                answer = _answer(wrong, args)
            except Exception:  # noqa: BLE001 (this mistake does not apply to this case)
                continue
            verdict = exercises.judge(ex, args, answer)
            if not verdict.ok and f"hint:     {hint}" in verdict.message:
                fired = True
                break
        assert fired, f"{eid}: the mistake {hint!r} fires on no visible case"


def _kinds_tape(case):
    ops, grad = case[0]["value"], case[1]["value"]
    if not grad:
        return {"no_grad"}
    return {op for op in ops if op in ("square", "add_x", "fork")} | (
        {"one op"} if len(ops) == 1 else set())


def test_tape_size_visible_cases_cover_the_hidden_kinds():
    ex = exercises.get("nb07.tape_size")
    visible = set().union(*map(_kinds_tape, exercises.cases(ex)))
    hidden = set().union(*map(_kinds_tape, ex.edge_cases))
    assert {"no_grad", "square", "add_x", "fork", "one op"} <= visible
    assert hidden <= visible
    assert not any(c in exercises.cases(ex) for c in ex.edge_cases)


def test_jacobian_visible_cases_cover_wide_tall_one_row_one_column():
    ex = exercises.get("nb07.jacobian")
    shapes = [(len(c[0]["array"]), len(c[0]["array"][0])) for c in exercises.cases(ex)]
    assert any(m < n for m, n in shapes) and any(m > n for m, n in shapes)
    assert any(m == 1 for m, _ in shapes) and any(n == 1 for _, n in shapes)


def test_gradient_costs_visible_cases_use_every_test_function():
    from grading.exercises.nb07_cost import GRADIENT_FUNCTIONS

    ex = exercises.get("nb07.gradient_costs")
    assert {c[0]["fn"] for c in exercises.cases(ex)} == set(GRADIENT_FUNCTIONS)


def _tape_size(y):
    if y.grad_fn is None:
        return 0
    seen, todo = [y.grad_fn], [y.grad_fn]  # the node objects themselves, kept alive
    while todo:
        for nxt, _ in todo.pop().next_functions:
            if nxt is not None and all(nxt is not s for s in seen):
                seen.append(nxt)
                todo.append(nxt)
    return len(seen)


@pytest.mark.parametrize("library", ["minigrad", "torch"])
def test_a_tape_size_case_shown_is_code_that_gives_the_expected_size(library):
    torch = pytest.importorskip(library)
    ex = exercises.get("nb07.tape_size")
    for args in exercises.cases(ex) + exercises.cases(ex, hidden=True):
        code = ex.show(*args)
        assert code.endswith("tape_size(y)") and ("torch.no_grad()" in code) == (
            not args[1]["value"])
        namespace = {"torch": torch, "tape_size": _tape_size}
        exec(code.replace("tape_size(y)", "result = tape_size(y)"), namespace)
        assert namespace["result"] == exercises.expected(ex, args), code


def test_a_jacobian_case_shown_is_code_that_gives_the_expected_jacobian():
    import numpy as np

    import minigrad

    ex = exercises.get("nb07.jacobian")
    for args in exercises.cases(ex):
        namespace = {"torch": minigrad, "jacobian": minigrad.autograd.functional.jacobian}
        code = ex.show(*args)
        last = code.splitlines()[-1]
        exec(code.replace(last, "result = " + last), namespace)
        want = exercises.expected(ex, args)["jacobian"]
        assert np.allclose(np.asarray(namespace["result"].tolist()), want)
