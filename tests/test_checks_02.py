"""gdla_helpers.checks_02: notebook 02's predict-first checks (blank, wrong, right; hints that pass)."""

import re

import pytest

import gdla_helpers as gh

M = gh.matrix_with_condition(4, 10.0, seed=0, largest=2.0)


def _hinted_answer(out: str):
    """The answer a hint asks for ("... write EXPR."), evaluated as the learner would type it."""
    match = re.search(r"write (.+)\.$", out.strip())
    assert match, f"the hint does not say what to write: {out!r}"
    return eval(match.group(1))  # noqa: S307 (our own hint text)


@pytest.mark.parametrize("scale", [2.0, 3.0, 0.5, -1.5])
def test_step_scaling(scale, capsys):
    assert gh.check_step_scaling(None, M, scale).ok is False and "not attempted" in capsys.readouterr().out
    assert gh.check_step_scaling(1 / scale, M, scale).ok is False  # linear instead of quadratic
    hinted = _hinted_answer(capsys.readouterr().out)
    assert gh.check_step_scaling(hinted, M, scale).ok is True, "the hint, followed literally, passes"
    assert capsys.readouterr().out.startswith(gh.checks.PASS)


def test_step_scaling_bad_input():
    with pytest.raises(ValueError, match="scale"):
        gh.check_step_scaling(1.0, M, 0.0)
    with pytest.raises(TypeError):
        gh.check_step_scaling(1.0, [[1.0]], 2.0)


@pytest.mark.parametrize("measured", [{"Polyak": 177, "tuned": 156}, {"Polyak": 90, "tuned": 120},
                                      {"Polyak": None, "tuned": 3}])
def test_faster_momentum(measured, capsys):
    assert gh.check_faster_momentum(None, measured).ok is False and "not attempted" in capsys.readouterr().out
    best = min(measured, key=lambda k: float("inf") if measured[k] is None else measured[k])
    wrong = next(k for k in measured if k != best)
    assert gh.check_faster_momentum(wrong, measured).ok is False
    hinted = _hinted_answer(capsys.readouterr().out)
    assert gh.check_faster_momentum(hinted, measured).ok is True
    assert gh.check_faster_momentum(42, measured).ok is False  # a wrong kind of answer is judged, not raised


def test_faster_momentum_bad_input():
    with pytest.raises(ValueError, match="measured"):  # one setting: a bad value
        gh.check_faster_momentum("a", {"a": 1})
    with pytest.raises(TypeError, match="measured"):  # not a dict: the wrong kind
        gh.check_faster_momentum("a", [("a", 1), ("b", 2)])
    with pytest.raises(TypeError):
        gh.check_faster_momentum("a", {"a": "x", "b": 2})
