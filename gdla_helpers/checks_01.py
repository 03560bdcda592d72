"""Notebook 01's self-check on curvature: the largest stable step of gradient descent, 2/f″.

Like every check in ``gdla_helpers.checks``, it prints one short line and returns a Verdict (true
when right, displayed as nothing);
a blank answer (None or ...) prints "not attempted yet".
"""

from __future__ import annotations

import torch

from .checks import Verdict, _as_float64, _blank, _fmt, _function, _not_attempted, _report

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


def check_step_limit(answer, f) -> Verdict:
    """Check a predicted step-size limit 2/f″ of gradient descent on a 1-D quadratic f.

    Introduced in notebook 01, section "Curvature from autograd".

    Gradient descent x ← x − η f′(x) on a quadratic with curvature f″ > 0 converges for every
    step 0 < η < 2/f″ and diverges above it. Parameters: answer: your predicted limit (a number
    or a 0-d tensor); f: the quadratic (takes and returns a scalar tensor), with constant f″ > 0.
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
    got = _as_float64(answer)
    if got is None or got.numel() != 1:
        return _report(name, False, f"expected one number, got {answer!r}.",
                       "a step size is a single positive number.")
    got = float(got.reshape(()))
    expected = 2 / c

    def near(value: float) -> bool:
        return abs(got - value) <= 1e-6 * abs(value)

    if near(expected):
        return _report(name, True, f"f″ = {c:g}, so gradient descent converges for every step below "
                                   f"2/f″ = {_fmt(torch.tensor(expected))}.")
    if near(1 / c):
        return _report(name, False, f"{got:g} is 1/f″: the step that lands on the minimum in one step. "
                       "Steps up to twice that still converge (each step multiplies the distance by 1 − η f″).",
                       "find where |1 − η f″| reaches 1 for a positive η.")
    if near(c):
        return _report(name, False, f"{got:g} is the curvature f″ itself, not a step size.",
                       "the limit is 2 divided by the curvature.")
    if near(c / 2):
        return _report(name, False, f"{got:g} is f″/2, upside down.", "the limit is 2 / f″, not f″ / 2.")
    if got <= 0:
        return _report(name, False, f"{got:g} is not a step size: gradient descent steps downhill with η > 0.",
                       "differentiate f twice to get f″, then take 2 / f″.")
    return _report(name, False, f"you got {got:g}, but the limit is another number.",
                   "differentiate f twice to get the curvature f″ (a number, since f is a quadratic), "
                   "then take 2 / f″.")
