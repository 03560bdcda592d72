"""Notebook 01's own helpers: the curvature check (gh.check_step_limit) and its parameters' rules."""

import math

import pytest
import torch

import gdla_helpers as gh

DEFAULTS = {p.name: p.default for p in gh.lessons.lesson("01").parameters}


def test_check_step_limit_accepts_two_over_the_curvature(capsys):
    for c in (0.5, 6.0, 40.0):
        quadratic = lambda x, c=c: c / 2 * x**2 - 3 * x + 1  # noqa: E731
        assert gh.check_step_limit(2 / c, quadratic).ok is True
        assert gh.check_step_limit(torch.tensor(2 / c), quadratic).ok is True
    assert "correct" in capsys.readouterr().out


@pytest.mark.parametrize("answer, words", [
    (1 / 6, "1/f″"), (6.0, "curvature f″ itself"), (3.0, "f″/2"), (2 / 3, "coefficient of x² for the curvature"),
    (5 / 6, "minimiser"), (-1 / 3, "a step size is positive"), (0.5, "another number"),
    ("0.3", "that is text"), ([1.0, 2.0], "range of steps"),
])
def test_check_step_limit_explains_wrong_answers(answer, words, capsys):
    """At notebook 01's exercise function t(x) = 3x² − 5x + 2 (limit 1/3, minimiser 5/6), each mistake its own line."""
    assert gh.check_step_limit(answer, lambda x: 3 * x**2 - 5 * x + 2).ok is False
    out = capsys.readouterr().out
    assert words in out and "Hint:" in out and out.count("\n") == 1


def test_check_step_limit_blank_and_bad_functions(capsys):
    assert gh.check_step_limit(None, lambda x: x**2).ok is False
    assert "not attempted" in capsys.readouterr().out
    with pytest.raises(TypeError, match="f must be a function"):
        gh.check_step_limit(1.0, 3.0)
    for not_a_quadratic in (lambda x: x**3, lambda x: 2 * x, lambda x: -(x**2)):
        with pytest.raises(ValueError, match="positive, constant second derivative"):
            gh.check_step_limit(1.0, not_a_quadratic)


def test_check_step_limit_is_right_about_gradient_descent():
    """The limit the check accepts really separates convergence from divergence."""
    c = 6.0
    for eta, converges in ((0.99 * 2 / c, True), (1.01 * 2 / c, False)):
        x = 1.0
        for _ in range(2000):
            x -= eta * c * x
        assert (abs(x) < 1) == converges


def test_parameters_01_defaults_and_extremes():
    assert gh.check_parameters("01", **DEFAULTS) == tuple(DEFAULTS.values())
    top_seed = gh.check_parameters("01", **{**DEFAULTS, "seed": 2**63 - 1})[0]
    assert top_seed == 2**63 - 1 and isinstance(top_seed, int), "the largest seed is kept exactly"
    assert gh.check_parameters("01", **{**DEFAULTS, "seed": "9223372036854775807"})[0] == 2**63 - 1
    with pytest.raises(ValueError, match="outside the allowed range"):
        gh.check_parameters("01", **{**DEFAULTS, "seed": 2**63})


@pytest.mark.parametrize("entries", [(1.0, 2.0, 2.0, 4.0), (0.0, 0.0, 0.0, 0.0), (1.0, 1.0, 1.0, 1.0 + 1e-7)])
def test_parameters_01_refuse_a_singular_matrix(entries):
    values = {**DEFAULTS, **dict(zip(("m11", "m12", "m21", "m22"), entries, strict=True))}
    with pytest.raises(ValueError, match="singular or nearly so"):
        gh.check_parameters("01", **values)


def test_parameters_01_condition_number_matches_torch():
    from gdla_helpers.lessons import _condition_2x2

    g = torch.Generator().manual_seed(0)
    for _ in range(200):
        m = (torch.rand(2, 2, generator=g, dtype=torch.float64) * 20 - 10)
        expected = torch.linalg.cond(m).item()
        assert math.isclose(_condition_2x2(*m.flatten().tolist()), expected, rel_tol=1e-6)
    assert _condition_2x2(1.0, 0.0, 0.0, 1e-6) == pytest.approx(1e6)
