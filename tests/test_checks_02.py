"""gdla_helpers.checks_02: notebook 02's predict-first checks (blank, wrong, right; hints that never give the answer)."""

import pytest

import gdla_helpers as gh

M = gh.matrix_with_condition(4, 10.0, seed=0, largest=2.0)


@pytest.mark.parametrize("scale", [2.0, 3.0, 0.5, -1.5])
def test_step_scaling(scale, capsys):
    assert gh.check_step_scaling(None, M, scale).ok is False and "not attempted" in capsys.readouterr().out
    assert gh.check_step_scaling(1 / abs(scale), M, scale).ok is False  # linear instead of quadratic
    out = capsys.readouterr().out
    assert "σ_max" in out and f"{1 / scale**2:.2g}" not in out, "the hint names the idea, never the answer"
    assert gh.check_step_scaling(1 / scale**2, M, scale).ok is True
    assert capsys.readouterr().out.startswith(gh.checks.PASS)
    assert gh.check_step_scaling(float(f"{1 / scale**2:.3g}"), M, scale).ok is True  # rounded to 3 digits
    assert "rounded" in capsys.readouterr().out or 1 / scale**2 == float(f"{1 / scale**2:.3g}")


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
    hint = capsys.readouterr().out.split("Hint:")[1]
    assert best.lower() not in hint.lower(), "the hint never names the answer"
    for form in (best, best.upper(), f"  {best} ", best.capitalize()):  # words: case and spaces do not matter
        assert gh.check_faster_momentum(form, measured).ok is True
    assert gh.check_faster_momentum(42, measured).ok is False  # a wrong kind of answer is judged, not raised
    assert gh.check_faster_momentum("nesterov", measured).ok is False


def test_faster_momentum_bad_input():
    with pytest.raises(ValueError, match="measured"):  # one setting: a bad value
        gh.check_faster_momentum("a", {"a": 1})
    with pytest.raises(TypeError, match="measured"):  # not a dict: the wrong kind
        gh.check_faster_momentum("a", [("a", 1), ("b", 2)])
    with pytest.raises(TypeError):
        gh.check_faster_momentum("a", {"a": "x", "b": 2})
    with pytest.raises(ValueError, match="differ"):  # labels that only differ in case cannot be told apart
        gh.check_faster_momentum("a", {"a": 1, "A": 2})
