"""gdla_helpers.randomized: the randomised SVD by hand, against torch.svd_lowrank and torch.linalg.svd."""

import pytest
import torch

import gdla_helpers as gh


def _decaying(shape, seed=0):
    return gh.matrix_with_singular_values([0.7**i for i in range(min(shape))], shape, seed=seed)


@pytest.mark.parametrize("shape", [(200, 100), (100, 200), (40, 40)], ids=["tall", "wide", "square"])
@pytest.mark.parametrize("power_iterations", [0, 2])
def test_equals_svd_lowrank_given_the_same_seed(shape, power_iterations):
    M = _decaying(shape)
    torch.manual_seed(7)
    U, S, V = gh.randomized_svd(M, 10, oversample=5, power_iterations=power_iterations)
    torch.manual_seed(7)
    Ut, St, Vt = torch.svd_lowrank(M, q=15, niter=power_iterations)
    assert U.shape == (shape[0], 10) and S.shape == (10,) and V.shape == (shape[1], 10)
    for mine, theirs in ((U, Ut[:, :10]), (S, St[:10]), (V, Vt[:, :10])):
        torch.testing.assert_close(mine, theirs, rtol=1e-10, atol=0)


def test_private_generator_leaves_the_global_state_alone():
    M = _decaying((60, 30))
    torch.manual_seed(1)
    before = torch.get_rng_state()
    a = gh.randomized_svd(M, 5, generator=torch.Generator().manual_seed(3))
    assert torch.equal(torch.get_rng_state(), before)
    b = gh.randomized_svd(M, 5, generator=torch.Generator().manual_seed(3))
    assert all(torch.equal(x, y) for x, y in zip(a, b, strict=True))


def test_is_an_svd_of_a_low_rank_matrix():
    M = gh.matrix_with_singular_values([5.0, 3.0, 2.0, 1.0] + [0.0] * 26, (50, 30), seed=2)
    U, S, V = gh.randomized_svd(M, 4, generator=torch.Generator().manual_seed(0))
    torch.testing.assert_close((U * S) @ V.T, M, rtol=0, atol=1e-12)
    torch.testing.assert_close(U.T @ U, torch.eye(4, dtype=M.dtype), rtol=0, atol=1e-12)
    torch.testing.assert_close(V.T @ V, torch.eye(4, dtype=M.dtype), rtol=0, atol=1e-12)


def test_power_iterations_cure_a_flat_tail():
    """5 large singular values over 95 equal ones: the plain range finder is far off, 2 power iterations fix it."""
    M = gh.matrix_with_singular_values([10.0, 9.0, 8.0, 7.0, 6.0] + [1.0] * 95, (200, 100), seed=0)
    sigma = torch.linalg.svdvals(M)[:5]
    errors = []
    for p in (0, 1, 2):
        S = gh.randomized_svd(M, 5, power_iterations=p, generator=torch.Generator().manual_seed(0))[1]
        errors.append(((S - sigma).abs() / sigma).max().item())
    assert errors[0] > 5e-2 and 1e-5 < errors[1] < 1e-3 and errors[2] < 1e-6, errors


@pytest.mark.parametrize(("kwargs", "error", "words"), [
    ({"M": [[1.0, 2.0]], "rank": 1}, TypeError, "torch.Tensor"),
    ({"M": torch.ones(4, 3, dtype=torch.float64), "rank": 0}, ValueError, "rank must be >= 1"),
    ({"M": torch.ones(4, 3, dtype=torch.float64), "rank": 4}, ValueError, "at most min"),
    ({"M": torch.ones(4, 3, dtype=torch.float64), "rank": 2, "oversample": 2}, ValueError, "lower oversample"),
    ({"M": torch.ones(4, 3, dtype=torch.float64), "rank": 1.5}, ValueError, "rank must be a whole number"),
    ({"M": torch.ones(4, 3, dtype=torch.float64), "rank": 1, "power_iterations": -1}, ValueError, "power_iterations"),
    ({"M": torch.ones(4, 3, dtype=torch.float64), "rank": 1, "oversample": 0, "generator": 3}, TypeError, "generator"),
])
def test_bad_input_is_refused_clearly(kwargs, error, words):
    with pytest.raises(error, match=words):
        gh.randomized_svd(**kwargs)
