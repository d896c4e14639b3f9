"""The judging policy (grading/exercises/__init__.py), applied the same way everywhere:
precision, accepted forms, by-hand rules, magics, and messages a student can act on."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad
from course import drivers
from grading import exercises
from tests.test_answer_corpora import graded, kernel_check

CENTRAL = "nb01.central_difference"


def test_a_continuation_line_starting_with_percent_is_code_not_a_magic():
    code = ("%time pass\n"
            "def central_difference(f, x, h):\n"
            "    k = (3\n"
            "         % 2)\n"
            "    return k * (f(x + h) - f(x - h)) / (2 * h)\n")
    assert kernel_check(CENTRAL, code.split("\n", 1)[1]) is None
    assert graded(CENTRAL, code, hidden=False).status == "pass"
    assert graded(CENTRAL, code, hidden=True).status == "pass"


def test_magics_without_ipython_are_blanked_only_where_a_statement_starts():
    source = "%matplotlib inline\nx = (1 +\n     5\n     % 3)\n!ls\ny = 5 \\\n    % 2\n"
    plain = drivers._plain_magics(source)
    namespace: dict = {}
    exec(plain, namespace)
    assert (namespace["x"], namespace["y"]) == (3, 1)


BY_HAND_WITH_MINIGRAD = (
    "import minigrad\n"
    "def partial_x(x, y):\n"
    "    tx = minigrad.tensor(x, dtype=minigrad.float64, requires_grad=True)\n"
    "    (y * tx**2 / (tx**2 + y**2)).backward()\n"
    "    return tx.grad.item()\n")


@pytest.mark.parametrize("code", [
    BY_HAND_WITH_MINIGRAD,
    BY_HAND_WITH_MINIGRAD.replace("import minigrad\n", "").replace("minigrad.", "torch."),
    "from minigrad.autograd import grad\nimport minigrad as mg\n"
    "def partial_x(x, y):\n"
    "    t = mg.tensor(x, dtype=mg.float64, requires_grad=True)\n"
    "    return grad(y * t**2 / (t**2 + y**2), t)[0].item()\n",
], ids=["import minigrad", "the setup's torch", "from ... import grad"])
def test_autodiff_in_a_by_hand_exercise_reads_the_same_everywhere(code):
    messages = [kernel_check("nb01.partial_x", code),
                graded("nb01.partial_x", code, hidden=False).message,
                graded("nb01.partial_x", code, hidden=True).message]
    for message in messages:
        assert message is not None and drivers.BY_HAND in message, message
        assert "NameError" not in message


def test_real_pytorch_in_a_by_hand_exercise_fails_the_notebook_check_too():
    pytest.importorskip("torch")
    code = BY_HAND_WITH_MINIGRAD.replace("minigrad", "torch")
    message = kernel_check("nb01.partial_x", code)
    assert message is not None and drivers.BY_HAND in message


def test_after_a_by_hand_check_the_namespace_has_its_libraries_back():
    namespace = {"torch": minigrad, "np": np, "grad": minigrad.autograd.grad}
    with drivers.by_hand(namespace):
        assert isinstance(namespace["torch"], drivers.Refused)
        assert isinstance(namespace["grad"], drivers.Refused)
        assert namespace["np"] is np
        with pytest.raises(RuntimeError, match="by hand"):
            namespace["torch"].tensor(1.0)
    assert namespace["torch"] is minigrad and namespace["grad"] is minigrad.autograd.grad
    x = minigrad.tensor(2.0, requires_grad=True)
    (x * x).backward()
    assert x.grad.item() == 4.0


def test_an_earlier_answer_that_may_use_minigrad_keeps_it_inside_a_by_hand_check():
    def helper(v):
        return float(namespace["torch"].tensor(v).sin())

    namespace = {"torch": minigrad, "helper": helper}
    with drivers.by_hand(namespace, keep=["helper"]):
        assert namespace["helper"](0.5) == pytest.approx(np.sin(0.5))
        assert isinstance(namespace["torch"], drivers.Refused)
    assert namespace["helper"] is helper


@pytest.mark.parametrize("answer", [
    np.float32(0.5), np.array(0.5), [0.5], (0.5,), minigrad.tensor(0.5),
    np.array([minigrad.tensor(0.5)], dtype=object),
])
def test_numbers_arrive_as_plain_data_whatever_their_form(answer):
    value = exercises.plain(drivers.encode(answer))
    assert value in (0.5, [0.5])


def test_float32_is_judged_at_float32_precision_and_float64_tightly():
    want = [1.0, -2.0, 3.0]
    near = (np.array(want) * (1 + 3e-7)).astype(np.float32)
    assert exercises.difference(want, drivers.encode(near), 1e-9, 1e-12) is None
    assert exercises.difference(want, drivers.encode(near.astype(np.float64)), 1e-9,
                                1e-12) is not None
    assert "float64" in exercises.difference(want, drivers.encode(near), 1e-9, 1e-12,
                                             float32=False)
    off = (np.array(want) * 1.001).astype(np.float32)
    reason = exercises.difference(want, drivers.encode(off), 1e-9, 1e-12)
    assert reason is not None and "0.003" in reason and "index 2" in reason


def test_an_answer_that_changes_its_input_in_place_is_refused():
    def grad_quadratic(A, b, x):
        g = (A + A.T) @ x + b
        x *= 0
        return g

    args = exercises.cases(exercises.get("nb02.grad_quadratic"))[0]
    with pytest.raises(drivers.AnswerError, match="argument 3 in place"):
        drivers.call({"grad_quadratic": grad_quadratic}, "grad_quadratic", args)


def test_a_message_shows_the_input_in_full_as_code_and_dict_answers_by_field():
    ex = exercises.get("nb02.numerical_gradient")
    args = [exercises.fn("quartic"), exercises.arr(np.linspace(-1, 1, 30).reshape(5, 6))]
    verdict = exercises.judge(ex, args, np.zeros((5, 6)).tolist())
    assert "\u2026" not in verdict.message and "..." not in verdict.message
    code = verdict.message.split("call:", 1)[1].split("  where:")[0]
    call = eval(code.strip(), {"np": np, "quartic": drivers.TEST_FUNCTIONS["quartic"],  # noqa: S307
                               "numerical_gradient": lambda f, X: X})
    assert np.array_equal(call, np.linspace(-1, 1, 30).reshape(5, 6))
    assert "quartic = lambda X:" in verdict.message
    ex = exercises.get("nb07.jacobian")
    args = exercises.cases(ex)[0]
    want = exercises.expected(ex, args)
    verdict = exercises.judge(ex, args, {**want, "reverse": not want["reverse"]})
    assert "reverse = " in verdict.message and "{" not in verdict.message
    assert max(len(line) for line in verdict.message.splitlines()[1:-1]) <= 100


def _mistake_fires(ex, mistake_hint, wrong) -> bool:
    for args in exercises.cases(ex):
        try:
            answer = drivers.encode(wrong(*[drivers.decode(a) for a in args]))
        except Exception:  # noqa: BLE001
            continue
        verdict = exercises.judge(ex, args, answer)
        if not verdict.ok and f"hint:     {mistake_hint}" in verdict.message:
            return True
    return False


@pytest.mark.parametrize("eid", sorted(exercises.load()))
def test_every_mistake_hint_can_fire_on_the_visible_cases(eid):
    ex = exercises.get(eid)
    silent = [hint for hint, wrong in ex.mistakes
              if wrong is None or not _mistake_fires(ex, hint, wrong)]
    assert silent == []


def test_an_earlier_answer_redefined_in_the_by_hand_cell_is_by_hand_too():
    namespace = {"torch": minigrad}
    exec(compile("def helper(v):\n    return float(torch.tensor(v).sin())\n", "<cell 1>", "exec"),
         namespace)
    kept = namespace["helper"]
    exec(compile("def answer(v):\n    return helper(v)\n", "<cell 2>", "exec"), namespace)
    with drivers.by_hand(namespace, keep=["helper"], answer="answer"):
        assert namespace["answer"](0.5) == pytest.approx(np.sin(0.5))  # its own cell: kept
    exec(compile("def helper(v):\n    return float(torch.tensor(v).sin())\n\n"
                 "def answer(v):\n    return helper(v)\n", "<cell 2>", "exec"), namespace)
    assert namespace["helper"] is not kept
    with drivers.by_hand(namespace, keep=["helper"], answer="answer"), \
            pytest.raises(RuntimeError, match="by hand"):
        namespace["answer"](0.5)
