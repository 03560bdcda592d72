"""Unit tests of gdla_helpers.gd: the loop against torch.optim.SGD, stopping, divergence, theory."""

import math

import pytest
import torch

import gdla_helpers as gh


def _quadratic(seed=0, n=3, dtype=torch.float64):
    """A small least-squares problem: loss = mean((X @ A - B)²) and a fresh parameter X."""
    g = torch.Generator().manual_seed(seed)
    A = torch.rand(n, n, generator=g, dtype=dtype) + torch.eye(n, dtype=dtype)
    B = torch.rand(n, n, generator=g, dtype=dtype)
    X = torch.zeros(n, n, dtype=dtype, requires_grad=True)
    return A, B, X, (lambda: ((X @ A - B) ** 2).mean())


@pytest.mark.parametrize(("momentum", "nesterov"), [(0.0, False), (0.9, False), (0.5, True)])
def test_same_iterates_as_torch_sgd(momentum, nesterov):
    A, B, X, loss_fn = _quadratic()
    history = gh.minimize(loss_fn, [X], lr=0.3, momentum=momentum, nesterov=nesterov, max_iter=50)
    Y = torch.zeros_like(X, requires_grad=True)
    opt = torch.optim.SGD([Y], lr=0.3, momentum=momentum, nesterov=nesterov)
    oracle = []
    for _ in range(50):
        opt.zero_grad()
        loss = ((Y @ A - B) ** 2).mean()
        oracle.append(loss.item())
        loss.backward()
        opt.step()
    torch.testing.assert_close(X.detach(), Y.detach(), rtol=1e-12, atol=1e-14)
    assert history.losses[:50] == pytest.approx(oracle, rel=1e-12)
    assert history.iterations == 50 and len(history.losses) == 51
    assert history.metrics == history.losses and not history.converged and not history.diverged
    assert history.message.startswith("ran all 50 iterations")


def test_tolerance_stops_and_cap_says_not_converged():
    A, B, X, loss_fn = _quadratic()
    done = gh.minimize(loss_fn, [X], lr=0.5, tol=1e-10, max_iter=10_000, name="run")
    assert done.converged and done.metrics[-1] <= 1e-10 < done.metrics[-2]
    assert done.message == (f"converged to 1e-10 in {done.iterations} iterations (loss {done.losses[-1]:.1e}); "
                            "no metric given, so tol was compared with the loss itself")
    assert done.name == "run" and done.seconds >= 0
    A, B, X, loss_fn = _quadratic()
    capped = gh.minimize(loss_fn, [X], lr=0.5, tol=1e-10, max_iter=5)
    assert not capped.converged and capped.iterations == 5 and len(capped.losses) == 6
    assert capped.message.startswith("not converged: hit the cap of 5 iterations (best loss")
    assert capped.message.endswith("no metric given, so tol was compared with the loss itself")


def test_custom_metric_and_callback():
    A, B, X, loss_fn = _quadratic()
    seen = []
    history = gh.minimize(loss_fn, [X], lr=0.5, tol=1e-3, metric=lambda p: p[0].abs().max().item() * 0 + 1e-4,
                          callback=lambda k, p: seen.append(k))
    assert history.converged and history.iterations == 0 and seen == []
    history = gh.minimize(loss_fn, [X], lr=0.5, max_iter=3, callback=lambda k, p: seen.append(k))
    assert seen == [1, 2, 3]


def test_divergence_raises_with_advice_or_returns():
    A, B, X, loss_fn = _quadratic()
    with pytest.raises(gh.DivergenceError, match="lower it.*largest stable step"):
        gh.minimize(loss_fn, [X], lr=100.0, max_iter=1000, divergence_hint="largest stable step 0.1")
    assert issubclass(gh.DivergenceError, ValueError)
    A, B, X, loss_fn = _quadratic()
    history = gh.minimize(loss_fn, [X], lr=100.0, max_iter=1000, on_divergence="return")
    assert history.diverged and not history.converged and history.iterations < 100
    assert history.message.startswith("diverged at iteration")


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"lr": 0.0}, ValueError, "lr"),
        ({"lr": -1.0}, ValueError, "lr"),
        ({"lr": math.nan}, ValueError, "lr"),
        ({"lr": "fast"}, TypeError, "lr"),
        ({"lr": 0.1, "momentum": 1.0}, ValueError, "momentum"),
        ({"lr": 0.1, "momentum": -0.1}, ValueError, "momentum"),
        ({"lr": 0.1, "nesterov": True}, ValueError, "nesterov"),
        ({"lr": 0.1, "tol": 0.0}, ValueError, "tol"),
        ({"lr": 0.1, "max_iter": -1}, ValueError, "max_iter"),
        ({"lr": 0.1, "max_iter": 2.5}, ValueError, "max_iter"),
        ({"lr": 0.1, "on_divergence": "ignore"}, ValueError, "on_divergence"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    A, B, X, loss_fn = _quadratic()
    with pytest.raises(error, match=match):
        gh.minimize(loss_fn, [X], **kwargs)


def test_bad_params():
    loss = lambda: torch.tensor(1.0)  # noqa: E731
    with pytest.raises(TypeError, match="dtype"):
        gh.minimize(loss, [torch.zeros(2, dtype=torch.int64)], lr=0.1)
    with pytest.raises(ValueError, match="requires_grad"):
        gh.minimize(loss, [torch.zeros(2)], lr=0.1)
    with pytest.raises(ValueError, match="leaf"):
        gh.minimize(loss, [torch.zeros(2, requires_grad=True) * 2], lr=0.1)
    with pytest.raises(ValueError, match="NaN"):
        gh.minimize(loss, [torch.tensor([math.nan, 1.0], requires_grad=True)], lr=0.1)
    with pytest.raises(ValueError, match="empty"):
        gh.minimize(loss, [], lr=0.1)
    with pytest.raises(TypeError, match="list of tensors"):
        gh.minimize(loss, 3.0, lr=0.1)
    X = torch.zeros(2, requires_grad=True)
    with pytest.raises(TypeError, match="scalar tensor"):
        gh.minimize(lambda: X * 2, [X], lr=0.1)
    with pytest.raises(ValueError, match="does not depend"):
        gh.minimize(lambda: torch.tensor(1.0), [X], lr=0.1, max_iter=1)
    with pytest.raises(TypeError, match="loss_fn"):
        gh.minimize(None, [X], lr=0.1)


def test_a_nan_loss_is_divergence():
    X = torch.ones(2, requires_grad=True)
    with pytest.raises(gh.DivergenceError, match="nan"):
        gh.minimize(lambda: (X.sum() * math.nan), [X], lr=0.1)


def test_step_sizes_and_rates():
    L, mu = 4.0, 1.0
    assert gh.largest_stable_lr(L) == 0.5 and gh.largest_stable_lr(L, momentum=0.5) == 0.75
    assert gh.best_lr(L, mu) == pytest.approx(0.4)
    assert gh.gd_rate(L, mu) == pytest.approx(3 / 5)  # (κ²-1)/(κ²+1) with κ = √(L/mu) = 2
    assert gh.gd_rate(L, mu, lr=0.1) == pytest.approx(0.9)
    lr, beta = gh.heavy_ball_params(L, mu)
    assert lr == pytest.approx(4 / 9) and beta == pytest.approx(1 / 9)
    assert gh.heavy_ball_rate(L, mu) == pytest.approx(1 / 3)  # (κ-1)/(κ+1)
    assert math.sqrt(beta) == pytest.approx(gh.heavy_ball_rate(L, mu))
    with pytest.raises(ValueError, match="must not exceed"):
        gh.best_lr(1.0, 2.0)
    with pytest.raises(ValueError, match="L"):
        gh.best_lr(0.0, 0.0)


@pytest.mark.parametrize(("momentum", "nesterov"), [(0.0, False), (0.7, False), (0.7, True)])
def test_predict_quadratic_matches_a_run_exactly(momentum, nesterov):
    # loss = ½ Σ λ_j x_j²: the gradient is λ_j x_j, so the run is exactly the predicted recurrence.
    lam = torch.tensor([0.05, 0.3, 1.0, 2.0], dtype=torch.float64)
    x0 = torch.tensor([1.0, -2.0, 0.5, 3.0], dtype=torch.float64)
    x = x0.clone().requires_grad_()
    lr = 0.5
    history = gh.minimize(lambda: 0.5 * (lam * x**2).sum(), [x], lr=lr, momentum=momentum,
                          nesterov=nesterov, tol=1e-8, max_iter=5000,
                          metric=lambda p: torch.linalg.vector_norm(p[0]).item())
    predicted, curve = gh.predict_quadratic(lam, x0.abs(), lr=lr, momentum=momentum,
                                            nesterov=nesterov, tol=1e-8, block=16)
    assert history.converged and predicted == history.iterations
    torch.testing.assert_close(curve, torch.tensor(history.metrics, dtype=torch.float64),
                               rtol=1e-9, atol=1e-15)


def test_predict_quadratic_divergence_and_cap():
    lam = torch.tensor([1.0])
    count, curve = gh.predict_quadratic(lam, torch.ones(1), lr=2.5, tol=1e-6, max_iter=10_000)
    assert count is None and curve.numel() < 10_000
    count, curve = gh.predict_quadratic(lam, torch.ones(1), lr=1e-3, tol=1e-6, max_iter=100)
    assert count is None and curve.numel() == 101
    with pytest.raises(ValueError, match="same length"):
        gh.predict_quadratic(lam, torch.ones(2), lr=0.1)


def test_plain_steps_closed_form_count_equals_the_recurrence():
    lam = torch.tensor([1e-4, 0.01, 0.5, 1.9], dtype=torch.float64)
    w = torch.tensor([1.0, 2.0, 0.5, 1.0], dtype=torch.float64)
    for tol, max_iter in ((1e-6, 500_000), (1e-3, 10), (10.0, 10)):
        fast, curve = gh.predict_quadratic(lam, w, lr=1.0, tol=tol, max_iter=max_iter, with_curve=False)
        slow, _ = gh.predict_quadratic(lam, w, lr=1.0, tol=tol, max_iter=max_iter)
        assert curve is None and fast == slow
    assert gh.predict_quadratic(lam, w, lr=1.1, tol=1e-6, with_curve=False)[0] is None  # 1 - 1.1·1.9 < -1
