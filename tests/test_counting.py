"""gh.same_count and gh.count_heavy_ball_iterations: the bookkeeping of notebook 02's count checks."""

import math

import pytest
import torch

import gdla_helpers as gh


def test_same_count_agrees_within_one_and_none_only_with_none():
    assert gh.same_count(829, 829) and gh.same_count(829, 830) and gh.same_count(830, 829)
    assert not gh.same_count(829, 831)
    assert gh.same_count(10, 13, slack=3) and not gh.same_count(10, 14, slack=3)
    assert gh.same_count(None, None)
    assert not gh.same_count(None, 5) and not gh.same_count(5, None) and not gh.same_count(0, None)


@pytest.mark.parametrize("bad, error", [(3.5, TypeError), ("3", TypeError), (True, TypeError), (-1, ValueError)])
def test_same_count_refuses_what_is_not_a_count(bad, error):
    with pytest.raises(error, match="measured"):
        gh.same_count(bad, 3)
    with pytest.raises(error, match="predicted"):
        gh.same_count(3, bad)


def _autograd_count(M, lr, beta, tol, max_iter):
    """The notebook's hand-written loop (X.grad *= beta), from X = 0: the reference."""
    n = M.shape[0]
    eye = torch.eye(n, dtype=M.dtype)
    X = torch.zeros_like(M, requires_grad=True)
    for k in range(max_iter + 1):
        if (torch.linalg.matrix_norm(X.detach() @ M - eye) / math.sqrt(n)).item() <= tol:
            return k
        ((X @ M - eye) ** 2).mean().backward()
        with torch.no_grad():
            X -= lr * X.grad
            X.grad *= beta
    return None


def test_batched_counts_match_the_loop_and_the_prediction():
    Ms = torch.stack([gh.matrix_with_condition(6, k, seed=1) for k in (2.0, 10.0, 30.0)])
    params = [gh.inverse_params(A, "heavy_ball") for A in Ms]
    plain = [gh.inverse_params(A, "gd") for A in Ms]
    lrs, betas = [p[0] for p in params + plain], [p[1] for p in params + plain]
    both = torch.cat([Ms, Ms])
    # Counts 15, 82, 248, 26, 664 and, for plain steps at κ = 30 (about 6 000 needed), None at the cap:
    # a cap of 1 000 (not a multiple of the block) gives the same six answers as 5 000 did, with a
    # fifth of the batched steps and of the reference loop's steps on the capped run.
    counts = gh.count_heavy_ball_iterations(both, lrs, betas, tol=1e-6, max_iter=1000, block=64)
    assert counts[-1] is None and None not in counts[:-1], counts
    for A, lr, beta, got in zip(both, lrs, betas, counts, strict=True):
        assert got == _autograd_count(A, lr, beta, 1e-6, 1000)
        assert gh.same_count(got, gh.predict_iterations(A, lr, beta, tol=1e-6, max_iter=1000))


def test_batched_counts_hit_the_cap_with_none():
    # κ = 10: 668 plain steps, over three blocks of 256 and inside the third, as κ = 30's 6 011 were
    # (over 24 blocks): the same cap arithmetic with a ninth of the steps.
    M = gh.matrix_with_condition(5, 10.0, seed=0)
    lr, beta = gh.inverse_params(M, "gd")
    full = gh.count_heavy_ball_iterations(M[None], [lr], [beta], tol=1e-6, max_iter=100_000)[0]
    assert full is not None and full > 300 and full % 256 != 0
    assert gh.count_heavy_ball_iterations(M[None], [lr], [beta], tol=1e-6, max_iter=full - 1)[0] is None
    assert gh.count_heavy_ball_iterations(M[None], [lr], [beta], tol=1e-6, max_iter=full)[0] == full


def test_batched_counts_refuse_bad_input():
    M = gh.matrix_with_condition(3, 2.0, seed=0)[None]
    with pytest.raises(TypeError, match="Ms"):
        gh.count_heavy_ball_iterations([[1.0]], [1.0], [0.0])
    with pytest.raises(ValueError, match="Ms"):
        gh.count_heavy_ball_iterations(M[0], [1.0], [0.0])
    with pytest.raises(ValueError, match="square"):
        gh.count_heavy_ball_iterations(torch.ones(1, 2, 3, dtype=torch.float64), [1.0], [0.0])
    with pytest.raises(ValueError, match="one lr and one momentum per matrix"):
        gh.count_heavy_ball_iterations(M, [1.0, 2.0], [0.0])
    with pytest.raises(ValueError, match="momenta"):
        gh.count_heavy_ball_iterations(M, [1.0], [1.0])
    with pytest.raises(ValueError, match="tol"):
        gh.count_heavy_ball_iterations(M, [1.0], [0.0], tol=-1.0)
    with pytest.raises(ValueError, match="block"):
        gh.count_heavy_ball_iterations(M, [1.0], [0.0], block=0)
