"""Unit tests of gdla_helpers.inverse: PyTorch as the oracle, iteration counts against the theory."""

import math

import pytest
import torch

import gdla_helpers as gh


def source_matrix(dtype=torch.float64):
    torch.manual_seed(314)
    return torch.rand(4, 4).to(dtype)


def test_loss_and_closed_form_gradient_match_autograd():
    M = gh.matrix_with_condition(5, 10, seed=1)
    X = torch.randn(5, 5, dtype=torch.float64, requires_grad=True)
    loss = gh.inverse_loss(X, M)
    torch.testing.assert_close(loss, gh.mse(X @ M, torch.eye(5, dtype=torch.float64)))
    loss.backward()
    torch.testing.assert_close(X.grad, gh.inverse_gradient(X.detach(), M))
    for side in ("right", "both"):
        assert gh.inverse_loss(torch.linalg.inv(M), M, side=side).item() < 1e-28
    with pytest.raises(ValueError, match="side"):
        gh.inverse_loss(X, M, side="middle")


def test_curvature_from_singular_values_matches_the_hessian():
    M = gh.matrix_with_condition(3, 4, seed=0)
    H = torch.autograd.functional.hessian(lambda x: gh.inverse_loss(x.reshape(3, 3), M), torch.zeros(9, dtype=M.dtype))
    eig = torch.linalg.eigvalsh(H)
    L, mu = gh.inverse_curvature(M)
    assert eig.max().item() == pytest.approx(L) and eig.min().item() == pytest.approx(mu)
    assert L / mu == pytest.approx(16.0)  # κ² of the curvature for κ(M) = 4
    assert gh.inverse_curvature(gh.matrix_with_singular_values([2.0, 1.0, 0.0]))[1] == 0.0
    assert gh.inverse_curvature(gh.matrix_with_singular_values([2.0, 1.0, 0.0]), nonzero=True)[1] == pytest.approx(2 / 9)


@pytest.mark.parametrize("method", gh.METHODS)
@pytest.mark.parametrize("kappa", [2.0, 10.0, 30.0])
def test_iteration_counts_equal_the_prediction(method, kappa):
    M = gh.matrix_with_condition(8, kappa, seed=2)
    lr, momentum = gh.inverse_params(M, method)
    X, history = gh.inverse_gd(M, method=method, tol=1e-6)
    predicted = gh.predict_iterations(M, lr, momentum, nesterov=method == "nesterov", tol=1e-6)
    assert history.converged and history.iterations == predicted
    assert history.metrics[-1] <= 1e-6
    torch.testing.assert_close(X @ M, torch.eye(8, dtype=torch.float64), atol=1e-5, rtol=0)


def test_known_counts_on_the_source_matrix_and_n32():
    M = source_matrix()
    assert gh.inverse_gd(M, method="polyak")[1].iterations == 177
    heavy = gh.inverse_gd(M, method="heavy_ball")[1]
    assert heavy.converged and heavy.iterations <= 160
    # Counts for n = 32 from the spectrum alone (X = 0, float64), as measured in notebook 02.
    expected = {10.0: (622, 86, 78), 100.0: (62147, 983, 782)}
    for kappa, counts in expected.items():
        M = gh.matrix_with_condition(32, kappa, seed=0)
        got = tuple(gh.predict_iterations(M, *gh.inverse_params(M, m)) for m in ("gd", "polyak", "heavy_ball"))
        assert got == counts


def test_prediction_from_a_random_start():
    M = source_matrix()
    X0 = torch.rand(4, 4, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    lr, momentum = 0.9, 0.9
    X, history = gh.inverse_gd(M, lr=lr, momentum=momentum, X0=X0, tol=1e-8)
    assert history.iterations == gh.predict_iterations(M, lr, momentum, X0=X0, tol=1e-8)
    count, curve = gh.predict_iterations(M, lr, momentum, X0=X0, tol=1e-8, return_curve=True)
    torch.testing.assert_close(curve, torch.tensor(history.metrics, dtype=torch.float64), rtol=1e-6, atol=1e-12)


def test_dtype_is_kept_and_float32_converges():
    M = source_matrix(torch.float32)
    X, history = gh.inverse_gd(M)
    assert X.dtype == torch.float32 and history.converged


def test_cap_says_not_converged():
    X, history = gh.inverse_gd(gh.matrix_with_condition(8, 1000, seed=0), method="gd", max_iter=50)
    assert not history.converged and history.iterations == 50
    assert history.message.startswith("not converged: hit the cap of 50 iterations")


def test_divergence_names_the_largest_stable_step():
    M = source_matrix()
    L, _ = gh.inverse_curvature(M)
    with pytest.raises(gh.DivergenceError, match=r"largest stable step is 2\(1 \+ momentum\)/L = 3\.798"):
        gh.inverse_gd(M, lr=1.01 * gh.largest_stable_lr(L), momentum=0.0)
    X, history = gh.inverse_gd(M, lr=1.01 * gh.largest_stable_lr(L), momentum=0.0, on_divergence="return")
    assert history.diverged
    X, history = gh.inverse_gd(M, lr=0.99 * gh.largest_stable_lr(L), momentum=0.0, max_iter=200_000)
    assert history.converged


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: gh.inverse_gd(torch.rand(3, 4)), ValueError, "pinv_gd"),
        (lambda: gh.inverse_gd(torch.tensor([[1.0, math.nan], [0.0, 1.0]])), ValueError, "NaN"),
        (lambda: gh.inverse_gd(torch.eye(3, dtype=torch.int64)), TypeError, "float"),
        (lambda: gh.inverse_gd(torch.ones(3)), ValueError, "2-D"),
        (lambda: gh.inverse_gd(torch.zeros(0, 0)), ValueError, "empty"),
        (lambda: gh.inverse_gd([[1.0]]), TypeError, "torch.Tensor"),
        (lambda: gh.inverse_gd(gh.matrix_with_singular_values([1.0, 0.0])), ValueError, "singular"),
        (lambda: gh.inverse_gd(torch.eye(3), method="fast"), ValueError, "method"),
        (lambda: gh.inverse_gd(torch.eye(3), X0=torch.eye(2)), ValueError, "X0"),
        (lambda: gh.predict_iterations(torch.rand(2, 3), 0.1), ValueError, "pinv"),
        (lambda: gh.newton_schulz(torch.rand(2, 3)), ValueError, "pinv"),
        (lambda: gh.pinv_gd(torch.zeros(3, 2)), ValueError, "zero"),
    ],
)
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize("shape", [(4, 4), (6, 3), (3, 6)])
def test_pinv_gd_matches_torch_pinv(shape):
    s = [3.0, 1.0, 0.5] if min(shape) == 3 else [3.0, 1.0, 0.5, 0.0]
    M = gh.matrix_with_singular_values(s, shape, seed=1)
    X, history = gh.pinv_gd(M)
    assert history.converged
    torch.testing.assert_close(X, torch.linalg.pinv(M), atol=1e-7, rtol=0)


def test_pinv_random_start_keeps_its_null_space_part():
    M = gh.matrix_with_singular_values([3.0, 1.0, 0.0], seed=1)
    X0 = torch.randn(3, 3, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    X, _ = gh.pinv_gd(M, X0=X0)
    P = torch.eye(3, dtype=torch.float64) - M @ torch.linalg.pinv(M)  # projector on null(Mᵀ)
    torch.testing.assert_close(X, torch.linalg.pinv(M) + X0 @ P, atol=1e-7, rtol=0)


def test_newton_schulz_converges_in_tens_of_iterations():
    for kappa in (10.0, 1000.0):
        M = gh.matrix_with_condition(16, kappa, seed=0)
        X, residuals = gh.newton_schulz(M, tol=1e-10)
        assert residuals[-1] <= 1e-10 and len(residuals) - 1 < 40
        assert all(b < a for a, b in zip(residuals[1:], residuals[2:], strict=False))  # steady decrease
    X, residuals = gh.newton_schulz(source_matrix(torch.float32), tol=1e-6)
    assert X.dtype == torch.float32 and residuals[-1] <= 1e-6


@pytest.mark.parametrize("method", gh.METHODS)
def test_params_refuse_a_flat_direction_and_say_why(method):
    # A tall M: mu = 0 (directions of X that M cannot see). "gd" would otherwise return exactly 2/L (the edge).
    W = gh.matrix_with_singular_values([2.0, 1.0, 0.5], (6, 3), seed=3)
    with pytest.raises(ValueError, match="taller than wide") as tall:
        gh.inverse_params(W, method)
    assert "is singular" not in str(tall.value) and "nonzero=True" in str(tall.value)
    singular = gh.matrix_with_singular_values([3.0, 2.0, 1.0, 0.0], seed=0)
    with pytest.raises(ValueError, match="singular"):
        gh.inverse_params(singular, method)
    lr, _ = gh.inverse_params(W, method, nonzero=True)
    L, _ = gh.inverse_curvature(W)
    assert lr < gh.largest_stable_lr(L, gh.inverse_params(W, method, nonzero=True)[1])


def test_tuned_is_the_one_name_and_heavy_ball_its_alias():
    # Notebook 02 calls the 10 % margin "tuned" and Polyak's textbook choice "polyak"; "heavy_ball" stays an alias.
    M = gh.matrix_with_condition(6, 30.0, seed=2)
    L, mu = gh.inverse_curvature(M)
    assert gh.inverse_params(M, "tuned") == gh.inverse_params(M, "heavy_ball") == gh.heavy_ball_params(1.1 * L, mu)
    assert gh.inverse_params(M) == gh.inverse_params(M, "tuned") != gh.inverse_params(M, "polyak")
    X, history = gh.inverse_gd(M)
    assert history.name == "tuned" and history.converged
    lr, beta = gh.inverse_params(M, "nesterov")
    kappa = torch.linalg.cond(M).item()
    assert math.isclose(lr, 1 / L) and math.isclose(beta, (kappa - 1) / (kappa + 1), rel_tol=1e-9)
