"""Notebook 01's self-check on curvature: the largest stable step of gradient descent, 2/f″.

Like every check in ``gdla_helpers.checks`` (whose docstring states the judging policy), it prints
one short line and returns a Verdict (true when right, displayed as nothing); a blank answer (None
or ...) prints "not attempted yet". The answer is worked out by hand: it is judged to 3 significant
digits.
"""

from __future__ import annotations

import math

import torch

from .checks import (
    Verdict,
    _blank,
    _fmt,
    _function,
    _guarded,
    _hand_tolerance,
    _judge_number,
    _Mistake,
    _not_attempted,
    _real,
    _recorded,
    _report,
)

__all__ = ["check_step_limit"]

_PROBES = (-2.0, 0.0, 0.5, 3.0)  # where the curvature is measured (it must be the same everywhere)


def _curvature(f, x: float) -> float:
    """f″(x) by double backward, in float64."""
    point = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    (slope,) = torch.autograd.grad(f(point), point, create_graph=True)
    if not slope.requires_grad:  # f is linear (or constant): no curvature at all
        return 0.0
    (second,) = torch.autograd.grad(slope, point)
    return float(second)


def _slope(f, x: float) -> float:
    point = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    value = f(point)
    if not value.requires_grad:
        return 0.0
    (slope,) = torch.autograd.grad(value, point)
    return float(slope)


@_recorded
def check_step_limit(answer, f) -> Verdict:
    """Check a predicted step-size limit 2/f″ of gradient descent on a 1-D quadratic f, to 3 significant digits.

    Introduced in notebook 01, section "Exercise 2: predict the largest stable step".

    Gradient descent x ← x − η f″(x) on a quadratic with curvature f″ > 0 converges for every
    step 0 < η < 2/f″ and diverges above it. Mistakes recognised: 1/f″ (the best step, which
    lands on the minimum); f″ itself; f″/2 (the coefficient of x²); 2 divided by the coefficient
    of x² (the coefficient taken for the curvature); the minimiser of f (where f′ = 0); a number
    <= 0; a tuple or interval; too few digits. The exercise's f must keep these apart (notebook
    01's t(x) = 3x² − 5x + 2: 2/f″ = 1/3 while the minimiser is 5/6).

    Parameters: answer: your predicted limit (a number or a 0-d tensor); f: the quadratic (takes
    and returns a scalar tensor), with constant f″ > 0.
    """
    name = "step limit"
    _function(f, "f")
    curvatures = [_curvature(f, x) for x in _PROBES]
    c = curvatures[0]
    if not c > 0 or any(abs(k - c) > 1e-9 * abs(c) for k in curvatures):
        raise ValueError(f"f must be a quadratic with a positive, constant second derivative; its second "
                         f"derivative at x = {list(_PROBES)} is {[round(k, 6) for k in curvatures]}")
    if _blank(answer):
        return _not_attempted(name)
    expected = 2 / c
    minimiser = -_slope(f, 0.0) / c
    mistakes = [
        _Mistake(1 / c, "that is 1/f″: the best step, which lands on the minimum in one step. Steps up to twice "
                 "that still converge (each step multiplies the distance by 1 − η f″).",
                 "find where |1 − η f″| reaches 1 for a positive η."),
        _Mistake(c, "that is the curvature f″ itself, not a step size.", "the limit is 2 divided by the curvature."),
        _Mistake(c / 2, "that is f″/2, the coefficient of x², not a step size.",
                 "the limit divides 2 by the curvature f″, the second derivative."),
        _Mistake(4 / c, "that takes the coefficient of x² for the curvature.",
                 "the curvature is the second derivative: for a·x² it is 2a, not a."),
        _Mistake(minimiser, "that is the minimiser of f, where f′ = 0: a point, not a step size.",
                 "the step limit depends only on the curvature f″ (differentiate twice), not on where the minimum is."),
    ]

    def judge():
        if isinstance(answer, (tuple, list)) and len(answer) == 2:
            return _report(name, False, "that is a range of steps; the task asks for one number: where the "
                           "range ends.", "a step size is a single positive number.")
        number = _real(answer)
        value = float(number.reshape(())) if number.numel() == 1 else math.nan
        named = [m.value for m in mistakes] + [-expected]  # a non-positive mistake keeps its own line
        if value <= 0 and all(abs(value - v) > _hand_tolerance(v) for v in named):
            return _report(name, False, f"{value:g} is not a step size: gradient descent steps "
                           "downhill with η > 0.", "differentiate f twice to get f″, then divide 2 by it.")
        verdict = _judge_number(name, answer, expected, hand=True,
                      right=f"f″ = {c:g}, so gradient descent converges for every step below 2/f″ = "
                            f"{_fmt(torch.tensor(expected))}.",
                      mistakes=mistakes + [_Mistake(-expected, "a step size is positive: gradient descent steps "
                                                    "downhill with η > 0.",
                                                    "differentiate f twice to get f″, then divide 2 by it.")],
                      hint="differentiate f twice to get the curvature f″ (a number, since f is a quadratic), "
                           "then divide 2 by it.",
                      shape_hint="a step size is a single positive number.")
        return verdict

    return _guarded(name, judge)
