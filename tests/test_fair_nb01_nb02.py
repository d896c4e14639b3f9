"""Fair grades in lessons 1 and 2: reasonable steps pass, visible cases show every kind."""

from __future__ import annotations

import numpy as np
import pytest

from course import drivers
from grading import exercises
from tests.test_answer_corpora import graded, kernel_check

CENTRAL = ("def directional_derivative(f, x, v):\n"
           "    h = {h}\n"
           "    return (f(x + h * v) - f(x - h * v)) / (2 * h)\n")


@pytest.mark.parametrize("h", ["1e-7", "1e-6", "1e-5", "1e-4"])
def test_every_reasonable_step_of_a_directional_derivative_passes(h):
    code = CENTRAL.format(h=h)
    assert kernel_check("nb02.directional_derivative", code) is None
    assert graded("nb02.directional_derivative", code, hidden=True).status == "pass"


def test_a_vector_only_numerical_gradient_fails_the_visible_check():
    code = ("import numpy as np\n"
            "def numerical_gradient(f, X, h=1e-6):\n"
            "    G = np.zeros(len(X))\n"
            "    for i in range(len(X)):\n"
            "        E = np.zeros(len(X)); E[i] = h\n"
            "        G[i] = (f(X + E) - f(X - E)) / (2 * h)\n"
            "    return G\n")
    assert kernel_check("nb02.numerical_gradient", code) is not None


def _visible(eid):
    ex = exercises.get(eid)
    return ex, [[drivers.decode(a) for a in c] for c in exercises.cases(ex)]


def test_numerical_gradient_shows_every_shape_class():
    _, cases = _visible("nb02.numerical_gradient")
    assert {np.ndim(X) for _, X in cases} >= {0, 1, 2, 3}


def test_directional_cases_show_v_zero_and_long_v():
    _, cases = _visible("nb02.directional_derivative")
    norms = [np.linalg.norm(v) for _, _, v in cases]
    assert 0.0 in norms and max(norms) > 3


def test_directional_at_origin_shows_both_axes():
    _, cases = _visible("nb01.directional_at_origin")
    assert any(v[0] == 0 for (v,) in cases) and any(v[1] == 0 for (v,) in cases)


@pytest.mark.parametrize("eid", ["nb02.matrix_gradients", "nb02.grad_quadratic",
                                 "nb02.directional_derivative", "nb01.forward_difference",
                                 "nb01.central_difference", "nb01.partial_x"])
def test_every_mistake_hint_can_fire_on_every_visible_case(eid):
    """On each visible case each mistake's answer is wrong and unlike the earlier ones."""
    ex, cases = _visible(eid)
    for args in cases:
        if eid == "nb02.directional_derivative" and not np.any(args[2]):
            continue  # v = 0: D_v f = 0, so a sign error cannot show (normalising v fails)
        want = drivers.encode(ex.reference(*args))
        seen = [want]
        for _, wrong in ex.mistakes:
            got = drivers.encode(wrong(*args))
            assert all(exercises.difference(s, got, ex.rtol, ex.atol) is not None
                       for s in seen), (eid, args)
            seen.append(got)
