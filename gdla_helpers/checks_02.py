"""Notebook 02's "predict first" checks: a prediction written before running, compared with a run.

Like every check in ``gdla_helpers.checks`` (whose docstring states the judging policy), each
prints one short line and returns a Verdict; a blank answer (None or ...) prints "not attempted
yet". A predicted number is worked out by hand (3 significant digits); a predicted label is
compared case- and space-insensitively. No hint names the answer.
"""

from __future__ import annotations

import math

import torch

from . import _validate
from .checks import (
    Verdict,
    _blank,
    _given,
    _guarded,
    _judge_number,
    _Mistake,
    _not_attempted,
    _recorded,
    _report,
    _short,
    _words,
)

__all__ = ["check_step_scaling", "check_faster_momentum"]


@_recorded
def check_step_scaling(answer, M: torch.Tensor, scale: float) -> Verdict:
    """Check a predicted factor: the largest stable step of plain GD for scale·M divided by M's.

    Introduced in notebook 02, section "The largest safe step".

    Judged to 3 significant digits (0.111 or 1/9 for scale 3). Mistakes recognised: 1/scale (the
    step taken to shrink like σ_max, not σ_max²); scale and scale² (the factor upside down); 1 (no
    change); 1/scale³; too few digits. The expected factor comes from the singular values of M
    and scale·M (σ_max of each), not from a formula in scale.

    Parameters: answer: your predicted factor (a number, e.g. 0.5); M: the square matrix; scale:
    the number M is multiplied by (not 0, not ±1).
    """
    name = "step-size factor"
    M64 = _given(M, "M", ndim=2, square=True)
    scale = _validate.number(scale, "scale")
    if scale == 0:
        raise ValueError("scale must not be 0: the zero matrix has no largest stable step")
    if _blank(answer):
        return _not_attempted(name)
    s, s_scaled = torch.linalg.svdvals(M64)[0].item(), torch.linalg.svdvals(scale * M64)[0].item()
    expected = (s / s_scaled) ** 2  # 2/L with L = 2σ_max²/n², for scale·M over M
    a = abs(scale)
    mistakes = [
        _Mistake(1 / a, "that is the factor for a step that shrinks like σ_max; the largest step shrinks faster.",
                 "the largest stable step is 2/L, and L = 2σ_max²/n² grows with the SQUARE of σ_max."),
        _Mistake(a, "that factor is upside down: the steps get smaller, not larger, when M grows.",
                 "a larger M means a steeper loss (larger L), so a smaller largest step 2/L."),
        _Mistake(a**2, "that factor is upside down: the steps get smaller, not larger, when M grows.",
                 "a larger M means a steeper loss (larger L), so a smaller largest step 2/L."),
        _Mistake(1.0, "the step does change when M is scaled.",
                 "L = 2σ_max²/n² depends on the size of M's singular values, and the largest step is 2/L."),
        _Mistake(1 / a**3, "that shrinks too fast.", "L = 2σ_max²/n² grows with the square of σ_max, not its cube."),
        _Mistake(-1 / a, "a step size factor is positive.", "the largest step 2/L is positive for every M ≠ 0."),
    ]
    if a != 1:
        mistakes = [m for m in mistakes if abs(float(m.value) - expected) > 1e-12]

    def judge():
        return _judge_number(name, answer, expected, hand=True,
                             right=f"the step changes by the factor {expected:.4g} = 1/({scale:g})².",
                             mistakes=mistakes,
                             hint="L = 2σ_max²/n²: work out how σ_max of scale·M compares with σ_max of M, then "
                                  "how L and the largest step 2/L follow.",
                             shape_hint="a factor is a single number.")

    return _guarded(name, judge)


@_recorded
def check_faster_momentum(answer, measured: dict) -> Verdict:
    """Check a prediction of which (lr, momentum) reaches the tolerance first, against measured counts.

    Introduced in notebook 02, section "The momentum picture".

    The label is compared case- and space-insensitively ("Tuned", " tuned "). Mistakes
    recognised: the other setting (the slower one; its hint points at the picture, never at the
    label); a label that is not one of the settings; a number (an iteration count?) or any
    other non-text answer.

    Parameters: answer: the label you predict to be faster (a string, one of measured's keys);
    measured: {label: iterations (None: did not reach the tolerance)} from your runs.
    """
    name = "faster setting"
    if not isinstance(measured, dict):
        raise TypeError(f"measured must be a dict {{label: iterations}}, got {type(measured).__name__}")
    if len(measured) < 2:
        raise ValueError(f"measured must have at least two settings {{label: iterations}}, got {measured!r}")
    counts = {str(k): (math.inf if v is None else _validate.number(v, f"measured[{k!r}]")) for k, v in measured.items()}
    if len({_words(k) for k in counts}) != len(counts):
        raise ValueError(f"measured's labels must differ in more than case and spaces, got {list(counts)}")
    best = min(counts, key=counts.get)
    if _blank(answer):
        return _not_attempted(name)
    shown = ", ".join(f"{k} {'not converged' if v == math.inf else f'{v:.0f}'}" for k, v in counts.items())

    def judge():
        if not isinstance(answer, str):
            return _report(name, False, f"expected the label of a setting (text), got {_short(answer)}.",
                           "answer with the name of the setting, in quotes, as the task writes it.")
        labels = {_words(k): k for k in counts}
        said = labels.get(_words(answer))
        if said is None:
            return _report(name, False, f"{answer!r} is not one of the settings compared here.",
                           "answer with the name of one of the two settings, as the task writes it.")
        if said == best or counts[said] == counts[best]:
            return _report(name, True, f"measured iterations: {shown}.")
        return _report(name, False, f"you predicted {said!r}; measured iterations: {shown}.",
                       "compare the two marked points' curves in the picture: a double root adds a hump that "
                       "grows like k·ρᵏ before it decays.")

    return _guarded(name, judge)
