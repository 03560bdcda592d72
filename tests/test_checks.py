"""Every exercise check runs on a blank, a wrong and a right answer.

Add a row to CASES for each new check_*: (check, blank call, wrong call, right call), each call a
function of the check. A test below fails when a public check has no row.
"""

import pytest
import torch

import gdla_helpers as gh

CASES = {
    "check_shape": (
        lambda c: c(None, (2, 3)),
        lambda c: c((3, 2), (2, 3)),
        lambda c: c((2, 3), (2, 3)),
    ),
}
# A couple of extra right/wrong answers that exercise other input forms.
EXTRA = [
    (lambda: gh.check_shape(torch.zeros(2, 3), (2, 3)), True),
    (lambda: gh.check_shape("two by three", (2, 3)), False),
    (lambda: gh.check_shape(..., (2, 3)), False),
]


def _one_line(capsys) -> str:
    out = capsys.readouterr().out
    assert out.count("\n") == 1, f"a check prints exactly one line, got {out!r}"
    return out


def test_every_check_has_cases():
    checks = {name for name in gh.__all__ if name.startswith("check_")}
    assert checks == set(CASES), "add a row to CASES for every check_* (and remove stale rows)"


@pytest.mark.parametrize("name", sorted(CASES))
def test_blank_wrong_right(name, capsys):
    check = getattr(gh, name)
    blank, wrong, right = CASES[name]
    assert blank(check) is False
    assert "not attempted yet" in _one_line(capsys)
    assert wrong(check) is False
    out = _one_line(capsys)
    assert out.startswith(gh.checks.FAIL) and "Hint:" in out
    assert right(check) is True
    assert _one_line(capsys).startswith(gh.checks.PASS)


@pytest.mark.parametrize(("call", "expected"), EXTRA)
def test_other_answer_forms(call, expected, capsys):
    assert call() is expected
    _one_line(capsys)


@pytest.mark.parametrize("name", sorted(CASES))
def test_checks_are_deterministic(name, capsys):
    for answer in CASES[name]:
        answer(getattr(gh, name))
        first = capsys.readouterr().out
        answer(getattr(gh, name))
        assert capsys.readouterr().out == first
