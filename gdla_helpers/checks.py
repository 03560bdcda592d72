"""Exercise self-checks: each prints one short line and returns True or False.

A blank answer (None or ...) prints "not attempted yet" and returns False without raising, so
"Run All" never stops at an exercise the learner has not done yet.
"""

from __future__ import annotations

import torch

__all__ = ["check_shape"]

PASS, FAIL, BLANK = "✅", "❌", "⏳"


def _blank(answer) -> bool:
    """True when the learner has not filled in the scaffold yet."""
    return answer is None or answer is Ellipsis


def _report(name: str, ok: bool, detail: str = "", hint: str = "") -> bool:
    """Print the one-line verdict of check `name` and return ok."""
    if ok:
        print(f"{PASS} {name}: correct. {detail}".rstrip())
    else:
        print(f"{FAIL} {name}: {detail} Hint: {hint}".strip())
    return ok


def _not_attempted(name: str) -> bool:
    print(f"{BLANK} {name}: not attempted yet (replace None with your answer and run the cell).")
    return False


def check_shape(answer, expected: tuple[int, ...], name: str = "shape") -> bool:
    """Check a predicted shape (a tuple of ints, or a tensor whose shape is compared).

    Introduced in notebook 01, section "Matrix products and their shapes".

    Parameters: answer: your prediction, e.g. (2, 3), or a tensor; expected: the right shape;
    name: what the exercise calls this shape.
    """
    if _blank(answer):
        return _not_attempted(name)
    got = tuple(answer.shape) if isinstance(answer, torch.Tensor) else answer
    try:
        if isinstance(got, str):
            raise TypeError(got)
        got = tuple(int(d) for d in got)
    except (TypeError, ValueError):
        return _report(name, False, f"expected a tuple of ints like (2, 3), got {answer!r}.",
                       "a shape lists the size of each dimension: rows first, then columns.")
    expected = tuple(expected)
    if got == expected:
        return _report(name, True, f"The shape is {expected}.")
    return _report(name, False, f"you predicted {got}, not the right shape.",
                   "(a, b) @ (b, c) gives (a, c); a 1-D operand loses its dimension in the result.")
