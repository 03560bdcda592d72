"""Unit tests of gdla_helpers.matrices: chosen singular values, seeds, dtypes, bad input."""

import pytest
import torch

import gdla_helpers as gh


@pytest.mark.parametrize(("n", "kappa"), [(2, 1.5), (8, 10.0), (32, 1000.0), (5, 1)])
def test_matrix_with_condition_has_the_condition_number(n, kappa):
    M = gh.matrix_with_condition(n, kappa, seed=3)
    assert M.shape == (n, n) and M.dtype == torch.float64
    s = torch.linalg.svdvals(M)
    assert s[0].item() == pytest.approx(1.0, rel=1e-12)
    assert torch.linalg.cond(M).item() == pytest.approx(kappa, rel=1e-9)
    ratios = s[:-1] / s[1:]  # geometric: equal ratios between neighbours
    torch.testing.assert_close(ratios, torch.full_like(ratios, kappa ** (1 / (n - 1))))


def test_seed_dtype_and_scale():
    a = gh.matrix_with_condition(6, 20, seed=1)
    assert torch.equal(a, gh.matrix_with_condition(6, 20, seed=1))
    assert not torch.equal(a, gh.matrix_with_condition(6, 20, seed=2))
    state = torch.get_rng_state()
    gh.matrix_with_condition(6, 20, seed=1)
    assert torch.equal(state, torch.get_rng_state()), "the global generator must not move"
    f = gh.matrix_with_condition(6, 20, seed=1, dtype=torch.float32, largest=3.0)
    assert f.dtype == torch.float32
    assert torch.linalg.svdvals(f.double())[0].item() == pytest.approx(3.0, rel=1e-6)


def test_random_orthogonal_is_orthogonal():
    Q = gh.random_orthogonal(7, generator=torch.Generator().manual_seed(0))
    torch.testing.assert_close(Q.T @ Q, torch.eye(7, dtype=torch.float64))


def test_matrix_with_singular_values_singular_and_non_square():
    S = gh.matrix_with_singular_values([3.0, 1.0, 0.0], seed=0)
    assert torch.linalg.matrix_rank(S).item() == 2
    T = gh.matrix_with_singular_values([2.0, 1.0], (5, 2), seed=0)
    assert T.shape == (5, 2)
    torch.testing.assert_close(torch.linalg.svdvals(T), torch.tensor([2.0, 1.0], dtype=torch.float64))
    W = gh.matrix_with_singular_values([2.0, 1.0], (2, 4), seed=0)
    assert W.shape == (2, 4)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: gh.matrix_with_condition(0, 2), ValueError, "n must be >= 1"),
        (lambda: gh.matrix_with_condition(3.5, 2), ValueError, "n must be a whole number"),
        (lambda: gh.matrix_with_condition(4, 0.5), ValueError, "kappa .* must be >= 1"),
        (lambda: gh.matrix_with_condition(4, float("nan")), ValueError, "kappa .* must be a finite number"),
        (lambda: gh.matrix_with_condition(1, 2), ValueError, "1×1"),
        (lambda: gh.matrix_with_condition(4, 2, largest=0), ValueError, "largest .* must be > 0"),
        (lambda: gh.matrix_with_condition(4, 2, dtype=torch.int64), TypeError, "dtype must be torch.float64"),
        (lambda: gh.matrix_with_condition(4, 2, seed="x"), TypeError, "seed"),
        (lambda: gh.matrix_with_singular_values([]), ValueError, "empty"),
        (lambda: gh.matrix_with_singular_values([1.0, -1.0]), ValueError, ">= 0"),
        (lambda: gh.matrix_with_singular_values([1.0, 2.0], (3, 3)), ValueError, "singular values"),
    ],
)
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()
