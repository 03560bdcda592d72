"""Every exercise check runs on a blank, a wrong and a right answer.

Add a row to CASES for each new check_*: (check, blank call, wrong call, right call), each call a
function of the check. A test below fails when a public check has no row.
"""

import pytest
import torch

import gdla_helpers as gh


def _f_jac(v):  # J = [[v1², 2·v0·v1], [1, 3]] = [[4, 4], [1, 3]] at v = (1, 2)
    return torch.stack([v[0] * v[1] ** 2, v[0] + 3 * v[1]])


# Notebook 02: M with singular values 4, 2, 1; a point X; a singular S and a vector spanning null(Sᵀ).
_M02 = gh.matrix_with_singular_values([4.0, 2.0, 1.0], seed=0)
_I02 = torch.eye(3, dtype=torch.float64)
_X02 = torch.full((3, 3), 0.1, dtype=torch.float64)
_S02 = gh.matrix_with_singular_values([2.0, 1.0, 0.0], seed=1)
_N02 = torch.linalg.svd(_S02).U[:, 2:]

# Notebook 03: a 5×3 matrix, its SVD and a planted-topics matrix.
_M03 = gh.matrix_with_singular_values([3.0, 2.0, 1.0], (5, 3), seed=2)
_U03, _S03, _Vh03 = torch.linalg.svd(_M03, full_matrices=False)
_T03 = gh.make_topic_matrix(seed=0)


CASES = {
    "check_shape": (
        lambda c: c(None, (2, 3)),
        lambda c: c((3, 2), (2, 3)),
        lambda c: c((2, 3), (2, 3)),
    ),
    # --- notebook 01 ---
    "check_step_limit": (
        lambda c: c(None, lambda x: 3 * x**2 - 2 * x + 5),
        lambda c: c(1 / 6, lambda x: 3 * x**2 - 2 * x + 5),
        lambda c: c(1 / 3, lambda x: 3 * x**2 - 2 * x + 5),
    ),
    "check_dot_product": (
        lambda c: c(None, torch.tensor([1, 2, 3]), torch.tensor([4, 5, 6])),
        lambda c: c(31, torch.tensor([1, 2, 3]), torch.tensor([4, 5, 6])),
        lambda c: c(torch.tensor(32), torch.tensor([1, 2, 3]), torch.tensor([4, 5, 6])),
    ),
    "check_derivative": (
        lambda c: c(..., lambda x: x**3, 2.0),
        lambda c: c(8.0, lambda x: x**3, 2.0),  # f(2), not f'(2)
        lambda c: c(12.0, lambda x: x**3, 2.0),
    ),
    "check_fresh_gradient": (
        lambda c: c(None, lambda w: (w**2).sum(), torch.tensor([1.0, -2.0])),
        lambda c: c(torch.tensor([6.0, -12.0]), lambda w: (w**2).sum(), torch.tensor([1.0, -2.0])),
        lambda c: c(torch.tensor([2.0, -4.0]), lambda w: (w**2).sum(), torch.tensor([1.0, -2.0])),
    ),
    "check_jacobian": (
        lambda c: c(None, _f_jac, torch.tensor([1.0, 2.0])),
        lambda c: c([[4.0, 1.0], [4.0, 3.0]], _f_jac, torch.tensor([1.0, 2.0])),  # the transpose
        lambda c: c(torch.tensor([[4.0, 4.0], [1.0, 3.0]]), _f_jac, torch.tensor([1.0, 2.0])),
    ),
    # --- notebook 02 ---
    "check_inverse_gradient": (
        lambda c: c(None, _X02, _M02),
        lambda c: c((_X02 @ _M02 - _I02) @ _M02.T, _X02, _M02),  # the factor 2/n² is missing
        lambda c: c(2 / 9 * (_X02 @ _M02 - _I02) @ _M02.T, _X02, _M02),
    ),
    "check_largest_stable_lr": (
        lambda c: c(None, _M02),
        lambda c: c(9 / 32, _M02),  # 1/L with L = 2σ_max²/n² = 32/9
        lambda c: c(9 / 16, _M02),  # 2/L = n²/σ_max² with σ_max = 4
    ),
    "check_iteration_prediction": (
        lambda c: c(None, _M02, 0.5),
        lambda c: c(1000, _M02, 0.5),
        lambda c: c(gh.predict_iterations(_M02, 0.5), _M02, 0.5),
    ),
    "check_inverse": (
        lambda c: c(None, _M02),
        lambda c: c(torch.eye(3), _M02),
        lambda c: c(torch.linalg.inv(_M02), _M02),
    ),
    "check_pseudo_inverse": (
        lambda c: c(None, _S02),
        lambda c: c(torch.linalg.pinv(_S02) + torch.ones(3, 1, dtype=torch.float64) @ _N02.T, _S02),  # a null-space part
        lambda c: c(torch.linalg.pinv(_S02), _S02),
    ),
    "check_svd_reconstruction": (
        lambda c: c(None, _U03, _S03, _Vh03.T),
        lambda c: c(_U03 @ torch.diag(_S03) @ _Vh03.T, _U03, _S03, _Vh03.T),  # V instead of Vᵀ
        lambda c: c(_M03, _U03, _S03, _Vh03.T),
    ),
    "check_rank_k_error": (
        lambda c: c(None, _M03, 1),
        lambda c: c(2.0, _M03, 1),  # σ₂, the spectral-norm error
        lambda c: c(5**0.5, _M03, 1),
    ),
    "check_smallest_rank": (
        lambda c: c(None, _M03, 0.4),  # relative errors √(5/14) ≈ 0.60, √(1/14) ≈ 0.27, 0: k = 2
        lambda c: c(1, _M03, 0.4),  # counted from 0
        lambda c: c(2, _M03, 0.4),
    ),
    "check_top_singular_pair": (
        lambda c: c(None, _M03),
        lambda c: c((-_U03[:, 0], _Vh03[0]), _M03),  # the pair's signs disagree
        lambda c: c((-_U03[:, 0], -_Vh03[0]), _M03),
    ),
    "check_word_topics": (
        lambda c: c(None, _T03.word_topic),
        lambda c: c([0] * len(_T03.words), _T03.word_topic),
        lambda c: c((2 - _T03.word_topic).tolist(), _T03.word_topic),  # relabelled groups
    ),
}
# A couple of extra right/wrong answers that exercise other input forms.
EXTRA = [
    (lambda: gh.check_shape(torch.zeros(2, 3), (2, 3)), True),
    (lambda: gh.check_shape("two by three", (2, 3)), False),
    (lambda: gh.check_shape(..., (2, 3)), False),
    # --- notebook 01 ---
    (lambda: gh.check_dot_product(32, torch.tensor([1, 2, 3]), torch.tensor([4, 5, 6])), True),
    (lambda: gh.check_dot_product(torch.tensor([4, 10, 18]), torch.tensor([1, 2, 3]),
                                  torch.tensor([4, 5, 6])), False),  # products not summed
    (lambda: gh.check_dot_product("32", torch.tensor([1, 2, 3]), torch.tensor([4, 5, 6])), False),
    (lambda: gh.check_derivative(torch.tensor(12.0, requires_grad=True), lambda x: x**3, 2), True),
    (lambda: gh.check_derivative([12.0, 1.0], lambda x: x**3, 2.0), False),
    (lambda: gh.check_derivative(11.0, lambda x: x**3, 2.0), False),
    (lambda: gh.check_fresh_gradient(torch.tensor(4.0), lambda w: w**2, torch.tensor(2.0)), True),
    (lambda: gh.check_fresh_gradient(torch.tensor(5.0), lambda w: w**2, torch.tensor(2.0)), False),
    (lambda: gh.check_fresh_gradient(3.0, lambda w: (w**2).sum(), torch.ones(2)), False),
    (lambda: gh.check_jacobian([[4, 4], [1, 3]], _f_jac, torch.tensor([1.0, 2.0])), True),
    (lambda: gh.check_jacobian([[4, 4], [1, 2]], _f_jac, torch.tensor([1.0, 2.0])), False),
    (lambda: gh.check_jacobian([4, 4, 1, 3], _f_jac, torch.tensor([1.0, 2.0])), False),
    (lambda: gh.check_jacobian("J", _f_jac, torch.tensor([1.0, 2.0])), False),
    # --- notebook 02 ---
    (lambda: gh.check_inverse_gradient(2 / 9 * _M02.T @ (_M02 @ _X02 - _I02), _X02, _M02, side="right"), True),
    (lambda: gh.check_inverse_gradient(2 / 9 * _M02.T @ (_M02 @ _X02 - _I02), _X02, _M02), False),
    (lambda: gh.check_inverse_gradient(torch.zeros(2, 2), _X02, _M02), False),
    (lambda: gh.check_largest_stable_lr(torch.tensor(9 / 16), _M02), True),
    (lambda: gh.check_inverse(torch.full((3, 3), float("nan")), _M02), False),
    (lambda: gh.check_pseudo_inverse(torch.zeros(3, 3), _S02), False),
]


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: gh.check_dot_product(torch.tensor([4, 10, 18]), torch.tensor([1, 2, 3]),
                                      torch.tensor([4, 5, 6])), "add the products up"),
        (lambda: gh.check_derivative(8.0, lambda x: x**3, 2.0), "f(2) itself"),
        (lambda: gh.check_fresh_gradient(torch.tensor([6.0, -12.0]), lambda w: (w**2).sum(),
                                         torch.tensor([1.0, -2.0])), "zero_()"),
        (lambda: gh.check_jacobian([[4.0, 1.0], [4.0, 3.0]], _f_jac, torch.tensor([1.0, 2.0])),
         "transpose"),
        (lambda: gh.check_jacobian([4, 4, 1, 3], _f_jac, torch.tensor([1.0, 2.0])), "one flat list"),
    ],
)
def test_notebook_01_hints_name_the_mistake(call, words, capsys):
    assert call().ok is False
    assert words in capsys.readouterr().out


def test_notebook_01_checks_reject_a_non_function():
    with pytest.raises(TypeError, match="callable"):
        gh.check_derivative(1.0, "x**3", 2.0)


def _one_line(capsys) -> str:
    out = capsys.readouterr().out
    assert out.count("\n") == 1, f"a check prints exactly one line, got {out!r}"
    return out


def test_every_check_has_cases():
    checks = set(gh.checks.__all__) | set(gh.checks_01.__all__)  # the exercise checks (not check_parameters)
    assert checks == set(CASES), "add a row to CASES for every check_* (and remove stale rows)"


@pytest.mark.parametrize("name", sorted(CASES))
def test_blank_wrong_right(name, capsys):
    check = getattr(gh, name)
    blank, wrong, right = CASES[name]
    assert blank(check).ok is False
    assert "not attempted yet" in _one_line(capsys)
    assert wrong(check).ok is False
    out = _one_line(capsys)
    assert out.startswith(gh.checks.FAIL) and "Hint:" in out
    assert right(check).ok is True
    assert _one_line(capsys).startswith(gh.checks.PASS)


@pytest.mark.parametrize(("call", "expected"), EXTRA)
def test_other_answer_forms(call, expected, capsys):
    assert call().ok is expected
    _one_line(capsys)


@pytest.mark.parametrize("name", sorted(CASES))
def test_checks_are_deterministic(name, capsys):
    for answer in CASES[name]:
        answer(getattr(gh, name))
        first = capsys.readouterr().out
        answer(getattr(gh, name))
        assert capsys.readouterr().out == first


def test_a_verdict_displays_nothing_in_a_notebook(capsys):
    # A check on a cell's last line shows only its printed line: no echoed True/False under it.
    from IPython.core.formatters import DisplayFormatter

    for verdict in (gh.check_shape((2, 3), (2, 3)), gh.check_shape((3, 2), (2, 3)), gh.check_shape(None, (2, 3))):
        assert DisplayFormatter().format(verdict) == ({}, {}), f"{verdict!r} would be displayed"
    capsys.readouterr()
    right, wrong = gh.check_shape((2, 3), (2, 3)), gh.check_shape((3, 2), (2, 3))
    assert right and not wrong and right == True and wrong == False  # noqa: E712 (a Verdict is compared like a bool)
    assert isinstance(right, gh.checks.Verdict) and right.ok is True and wrong.ok is False


def test_largest_stable_lr_tells_the_best_step_from_the_largest_when_kappa_is_large():
    # κ = 100: 2/(L + mu) = 2/L · 1/(1 + 1e-4), well inside the 0.1 % a rounded 2/L is allowed.
    M = gh.matrix_with_condition(4, 100.0, seed=0)
    s = torch.linalg.svdvals(M)
    L, mu = 2 * s[0].item() ** 2 / 16, 2 * s[-1].item() ** 2 / 16
    assert not gh.check_largest_stable_lr(2 / (L + mu), M).ok
    assert gh.check_largest_stable_lr(2 / L, M).ok
    assert gh.check_largest_stable_lr(float(f"{2 / L:.4g}"), M).ok  # 2/L rounded to 4 digits still passes


def test_dot_product_accepts_a_correct_float32_loop_over_long_vectors():
    g = torch.Generator().manual_seed(0)
    a, c = torch.rand(4000, generator=g, dtype=torch.float64), torch.rand(4000, generator=g, dtype=torch.float64)
    a, b = a.float(), (c - (a @ c) / (a @ a) * a).float()  # a·b ≈ 0 while Σ|a_i·b_i| ≈ 500: cancellation
    loop = torch.tensor(0.0)
    for x, y in zip(a, b, strict=True):  # a learner's loop, in float32
        loop = loop + x * y
    exact = (a.double() * b.double()).sum()
    assert abs(loop.item() - exact.item()) > 1e-6 * abs(exact.item()) + 1e-8  # beyond the old tolerance
    assert gh.check_dot_product(loop, a, b).ok
    assert gh.check_dot_product(loop.item(), a, b).ok  # the same sum as a Python number
    assert not gh.check_dot_product(loop - a[-1] * b[-1], a, b).ok  # one term left out is still a mistake
    # The policy: a computed answer is judged at the precision it was computed in (its dtype, or the
    # vectors'): the float32 sum passes for float64 vectors too, but not as a float64 Python number.
    assert gh.check_dot_product(loop, a.double(), b.double()).ok
    assert not gh.check_dot_product(loop.item(), a.double(), b.double()).ok


# Singular values at which every mistake check_smallest_rank names gives a k of its own (target 0.3):
# right 7; counted from 0: 6; the part kept: 0; norms subtracted: 2; σ instead of σ²: 5; no square
# root: 3; the absolute error: 9; the largest k: 10; one value too many dropped: 8.
_RANK_VALUES = [4.88, 4.8, 4.17, 2.56, 2.26, 2.19, 2.16, 2.02, 1.17, 0.22]
_RANK_M = gh.matrix_with_singular_values(_RANK_VALUES, (12, 10), seed=4)


@pytest.mark.parametrize(("answer", "words"), [
    (6, "counted from 0"), (0, "part you keep"), (2, "subtracts norms"), (5, "without squaring"),
    (3, "square root is missing"), (9, "absolute error"), (10, "largest k"), (11, "not a rank"),
    (-1, "not a rank"), (8, "one value too many"), (4, "not the smallest k"), (7.5, "not a whole number"),
    (torch.arange(11.0), "one per k"), ([1, 2], "one whole number"),
])
def test_smallest_rank_names_each_mistake(answer, words, capsys):
    assert gh.check_smallest_rank(answer, _RANK_M, 0.3).ok is False
    out = _one_line(capsys)
    assert out.startswith(gh.checks.FAIL) and words in out, out


def test_smallest_rank_names_every_slip_that_gives_the_same_k(capsys):
    """On notebook 03's A (singular values as printed there) counting from 0, leaving out the root and
    subtracting norms all give k = 1: the line names the three, so the hint fits the one made."""
    A = gh.matrix_with_singular_values([2.3398, 0.6873, 0.2592, 0.1177], (5, 4), seed=0)
    assert gh.check_smallest_rank(1, A, 0.2).ok is False
    out = _one_line(capsys)
    assert all(w in out for w in ("more than one slip", "counted from 0", "square root", "subtracts norms")), out
    assert gh.check_smallest_rank(3, A, 0.2).ok is False  # the absolute error, or one value too many dropped
    out = _one_line(capsys)
    assert all(w in out for w in ("more than one slip", "absolute error", "one value too many")), out


def test_smallest_rank_names_an_error_handed_in_for_k(capsys):
    s = torch.linalg.svdvals(_RANK_M)
    relative = float(torch.sqrt((s[7:] ** 2).sum() / (s**2).sum()))
    absolute = float(torch.sqrt((s[7:] ** 2).sum()))
    for answer in (relative, round(relative, 3), absolute, 100 * relative):
        assert gh.check_smallest_rank(answer, _RANK_M, 0.3).ok is False
        assert "is an error, not a rank" in _one_line(capsys)


@pytest.mark.parametrize("answer", [7, 7.0, torch.tensor(7), torch.tensor(7.0, dtype=torch.float32),
                                    torch.tensor([7]), __import__("numpy").int64(7)])
def test_smallest_rank_accepts_a_whole_number_in_any_form(answer, capsys):
    assert gh.check_smallest_rank(answer, _RANK_M, 0.3).ok is True
    assert _one_line(capsys).startswith(gh.checks.PASS)


@pytest.mark.parametrize(("M", "target", "error"), [
    (_M03, 0.0, ValueError), (_M03, 1.0, ValueError), (_M03, "0.2", TypeError), (_M03, float("nan"), ValueError),
    (torch.zeros(3, 2), 0.2, ValueError), (torch.ones(3), 0.2, ValueError),
])
def test_smallest_rank_refuses_bad_exercise_inputs(M, target, error):
    with pytest.raises(error):
        gh.check_smallest_rank(1, M, target)
