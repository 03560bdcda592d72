"""Notebook 02's "predict first" checks: a prediction written before running, compared with a run.

Like every check in ``gdla_helpers.checks``, each prints one short line and returns True or False;
a blank answer (None or ...) prints "not attempted yet". Each hint, followed literally, gives an
answer that passes.
"""

from __future__ import annotations

import math

import torch

from . import _validate
from .checks import Verdict, _blank, _given, _not_attempted, _number_answer, _report

__all__ = ["check_step_scaling", "check_faster_momentum"]


def check_step_scaling(answer, M: torch.Tensor, scale: float) -> Verdict:
    """Check a predicted factor: the largest stable step of plain GD for scale·M divided by M's.

    Introduced in notebook 02, section "The largest safe step".

    Parameters: answer: your predicted factor (a number, e.g. 0.5); M: the square matrix; scale:
    the number M is multiplied by (not 0). The expected factor comes from the singular values of
    M and scale·M (σ_max of each), not from a formula in scale.
    """
    name = "step-size factor"
    M64 = _given(M, "M", ndim=2, square=True)
    scale = _validate.number(scale, "scale")
    if scale == 0:
        raise ValueError("scale must not be 0: the zero matrix has no largest stable step")
    if _blank(answer):
        return _not_attempted(name)
    got, failed = _number_answer(answer, name)
    if got is None:
        return failed
    s, s_scaled = torch.linalg.svdvals(M64)[0].item(), torch.linalg.svdvals(scale * M64)[0].item()
    expected = (s / s_scaled) ** 2  # 2/L with L = 2σ_max²/n², for scale·M over M
    if abs(got - expected) <= 0.02 * expected:
        return _report(name, True, f"the step shrinks by the factor {expected:.4g} = 1/({scale:g})².")
    return _report(name, False, f"you predicted {got:.4g}; the singular values say {expected:.4g}.",
                   f"L = 2σ_max²/n² grows with the square of the scale, and the largest step is 2/L: "
                   f"write 1 / ({scale:g})**2.")


def check_faster_momentum(answer, measured: dict) -> Verdict:
    """Check a prediction of which (lr, momentum) reaches the tolerance first, against measured counts.

    Introduced in notebook 02, section "The momentum picture".

    Parameters: answer: the label you predict to be faster (a string, one of measured's keys);
    measured: {label: iterations (None: did not reach the tolerance)} from your runs.
    """
    name = "faster setting"
    if not isinstance(measured, dict):
        raise TypeError(f"measured must be a dict {{label: iterations}}, got {type(measured).__name__}")
    if len(measured) < 2:
        raise ValueError(f"measured must have at least two settings {{label: iterations}}, got {measured!r}")
    counts = {str(k): (math.inf if v is None else _validate.number(v, f"measured[{k!r}]")) for k, v in measured.items()}
    best = min(counts, key=counts.get)
    if _blank(answer):
        return _not_attempted(name)
    shown = ", ".join(f"{k} {'not converged' if v == math.inf else f'{v:.0f}'}" for k, v in counts.items())
    if isinstance(answer, str) and answer == best:
        return _report(name, True, f"measured iterations: {shown}.")
    return _report(name, False, f"you predicted {answer!r}; measured iterations: {shown}.",
                   f"the fewest iterations win: write {best!r}.")
