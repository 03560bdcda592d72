"""gdla_helpers.heavy_ball_map (the momentum picture's math), its figure and the runs that check it."""

import base64
import math

import numpy as np
import pytest
import torch

import gdla_helpers as gh


def spectrum(n, kappa=20.0, seed=1):
    M = gh.matrix_with_condition(n, kappa, seed=seed, largest=n / 2)
    return M, 2 * torch.linalg.svdvals(M) ** 2 / n**2


def brute_regions(lam, lrs, momenta, steps=800):
    """The words of the map at every (momentum, lr) of a grid, read off the scalar recurrence run for
    many steps (no closed form): rows are momenta, columns lrs.

    The recurrence is hbm.direction_errors' (v <- β·v + λ·e, e <- e − lr·v, from e = 1, v = 0), run for
    the whole grid at once: the same float64 operations on each entry, so the same errors, bit for bit,
    as one direction_errors(lam, lr, β, steps) per point (one loop of 800 steps, not 63 of them).
    """
    beta = torch.tensor(momenta, dtype=torch.float64)[:, None, None]
    lr = torch.tensor(lrs, dtype=torch.float64)[None, :, None]
    e = torch.ones(len(momenta), len(lrs), len(lam), dtype=torch.float64)
    v = torch.zeros_like(e)
    big = e.abs() > 1e-12
    flips = torch.zeros(e.shape[:2], dtype=torch.bool)
    for _ in range(steps):
        v = beta * v + lam * e
        e_next = e - lr * v
        big_next = e_next.abs() > 1e-12
        flips |= ((torch.sign(e_next) != torch.sign(e)) & big_next & big).any(dim=-1)
        e, big = e_next, big_next
    diverges = ~torch.isfinite(e).all(dim=-1) | (e.abs().amax(dim=-1) > 1)
    return [["diverges" if diverges[i, j] else "oscillates" if flips[i, j] else "monotone"
             for j in range(len(lrs))] for i in range(len(momenta))]


@pytest.mark.parametrize("kappa", [1.5, 20.0, 100.0])
def test_rate_at_polyak_is_the_textbook_rate(kappa):
    _, lam = spectrum(8, kappa)
    L, mu = lam.max().item(), lam.min().item()
    region, rate = gh.heavy_ball_region(lam, *gh.heavy_ball_params(L, mu))
    assert math.isclose(rate, (kappa - 1) / (kappa + 1), rel_tol=0, abs_tol=1e-9) and region == "oscillates"


def test_plain_steps_regions():
    lam = torch.tensor([1.0, 0.1], dtype=torch.float64)  # L = 1
    assert [gh.heavy_ball_region(lam, lr, 0.0)[0] for lr in (0.5, 1.5, 2.5)] == ["monotone", "oscillates", "diverges"]
    assert math.isclose(gh.heavy_ball_region(lam, 0.5, 0.0)[1], 0.95)


def test_map_agrees_with_the_recurrence_everywhere_on_a_coarse_grid():
    _, lam = spectrum(6, 10.0)
    L = lam.max().item()
    lrs, momenta = torch.linspace(0.1 / L, 4.3 / L, 9), torch.linspace(0.0, 0.95, 7)
    m = gh.momentum_map(lam, lrs, momenta)
    assert m.rate.shape == m.region.shape == (7, 9)
    brute = brute_regions(lam, lrs.tolist(), momenta.tolist())
    for i, beta in enumerate(momenta.tolist()):
        for j, lr in enumerate(lrs.tolist()):
            assert gh.REGIONS[int(m.region[i, j])] == brute[i][j], (lr * L, beta)
            assert math.isclose(m.rate[i, j].item(), gh.heavy_ball_region(lam, lr, beta)[1], rel_tol=1e-12)


def test_direction_errors_follow_the_loop():
    lam = torch.tensor([0.5, 0.01], dtype=torch.float64)
    errors = gh.direction_errors(lam, 1.0, 0.5, 3)
    e, v = [1.0, 1.0], [0.0, 0.0]
    for k in range(1, 4):
        for j in range(2):
            v[j] = 0.5 * v[j] + lam[j].item() * e[j]
            e[j] -= v[j]
        assert torch.allclose(errors[k], torch.tensor(e, dtype=torch.float64), rtol=1e-15)


@pytest.mark.parametrize("n", [2, 5, 12])
def test_measured_runs_agree_with_the_map_near_every_boundary(n):
    M, lam = spectrum(n, 30.0)
    L = lam.max().item()
    points = [(f * edge / L, beta) for beta in (0.0, 0.5, 0.9) for edge in ((1 - math.sqrt(beta)) ** 2, 2 * (1 + beta))
              for f in (0.95, 1.05)]
    predicted = [gh.heavy_ball_region(lam, lr, beta)[0] for lr, beta in points]
    assert predicted == ["monotone", "oscillates", "oscillates", "diverges"] * 3
    assert gh.heavy_ball_behaviour(M, *zip(*points, strict=True)) == predicted


def test_one_percent_under_estimate_diverges_for_a_large_kappa():
    M, lam = spectrum(8, 50.0)
    L, mu = lam.max().item(), lam.min().item()
    point = gh.heavy_ball_params(0.99 * L, mu)
    assert gh.heavy_ball_region(lam, *point)[0] == "diverges"
    assert gh.heavy_ball_behaviour(M, [point[0]], [point[1]]) == ["diverges"]


def test_pick_directions():
    assert gh.pick_directions(4) == [0, 1, 2, 3]
    got = gh.pick_directions(64)
    assert len(got) == 6 and got[0] == 0 and got[-1] == 63


@pytest.mark.parametrize("bad, error", [
    ({"curvatures": [1.0, 0.5]}, TypeError), ({"curvatures": torch.tensor([1.0, 0.0])}, ValueError),
    ({"lrs": [-1.0]}, ValueError), ({"momenta": [1.0]}, ValueError), ({"lrs": "abc"}, TypeError),
])
def test_bad_input_to_the_map(bad, error):
    args = {"curvatures": torch.tensor([1.0, 0.5], dtype=torch.float64), "lrs": [0.5], "momenta": [0.5]} | bad
    with pytest.raises(error):
        gh.momentum_map(**args)


def test_bad_input_to_the_region_and_the_runs():
    lam = torch.tensor([1.0], dtype=torch.float64)
    with pytest.raises(ValueError, match="momentum"):
        gh.heavy_ball_region(lam, 0.5, 1.2)
    with pytest.raises(ValueError, match="lrs and momenta"):
        gh.heavy_ball_behaviour(torch.eye(2, dtype=torch.float64), [0.1, 0.2], [0.5])
    with pytest.raises(TypeError):
        gh.heavy_ball_behaviour([[1.0]], [0.1], [0.5])


def _numbers(value):
    """The numbers of a stored plotly array (a list, or plotly's base64 typed array)."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
    return np.array([np.nan if v is None else v for v in np.ravel(value)], dtype=float)


@pytest.mark.parametrize("n", [2, 8, 64])
def test_figure_limits_at_every_size(n):
    M, lam = spectrum(n, 100.0)
    L, mu = gh.inverse_curvature(M)
    points = {"tuned": gh.inverse_params(M), "Polyak": gh.heavy_ball_params(L, mu),
              "1 % under": gh.heavy_ball_params(0.99 * L, mu), "source": (0.9, 0.9), "plain": (gh.best_lr(L, mu), 0.0)}
    fig = gh.plot_momentum_map(lam, points, alt="A map of rates.")
    stored = fig.to_json()
    assert len(stored.encode()) <= 250 * 1024, f"{len(stored) / 1024:.0f} KB"
    data = fig.to_plotly_json()
    z = _numbers(data["data"][0]["z"])
    assert z.size <= 4000
    shown = z[np.isfinite(z) & (z != 0)]
    assert np.array_equal(shown, np.array([float(f"{v:.3g}") for v in shown])), "3 significant digits"
    in_frames = sum(_numbers(trace["y"]).size for frame in data["frames"] for trace in frame["data"])
    assert in_frames <= 10_000
    assert all(len(frame["data"]) <= 6 for frame in data["frames"])
    assert data["layout"]["meta"]["alt"] == "A map of rates."


def test_figure_refuses_too_many_numbers():
    _, lam = spectrum(8)
    with pytest.raises(ValueError, match="10 000"):
        gh.plot_momentum_map(lam, {"a": (0.1, 0.5), "b": (0.2, 0.5)}, steps=2000)
    with pytest.raises(ValueError, match="4 000"):
        gh.plot_momentum_map(lam, {"a": (0.1, 0.5)}, grid=(100, 100))
