"""gdla_helpers.svd against torch.linalg.svd (the oracle), sign-, order- and rotation-aware."""

import math
from pathlib import Path

import pytest
import torch

import gdla_helpers as gh

SOURCE = gh.source_matrices()
ROOT = Path(__file__).resolve().parent.parent


def _rand(shape, seed):
    torch.manual_seed(seed)
    return torch.rand(*shape, dtype=torch.float64)


# The battery of the issue: the source's five matrices and torch.rand 50×30, 200×100 for 10 seeds.
# Here: the source's five and seed 0 of each random size; tests/test_svd_battery.py runs the other
# nine seeds of each (a stage of its own: 10 runs of ~3 000 iterations are a benchmark, not a unit test).
# The pure method (svd_ascent) runs the source's five here and all ten 50×30 seeds there: its run on
# 50×30 seed 0 (~3 000 iterations, 2 to 3 s) is one of that benchmark's ten, not a unit test.
BATTERY = [pytest.param(M, id=name) for name, M in SOURCE.items()]
BATTERY += [pytest.param(_rand((50, 30), 0), id="rand(50,30) seed 0")]
BATTERY += [pytest.param(_rand((200, 100), 0), id="rand(200,100) seed 0")]
PURE_BATTERY = BATTERY[:5]  # the pure method: the source's five (50×30: tests/test_svd_battery.py)


def _oracle_check(result, M, *, sv_tol=1e-6, ortho_tol=1e-8):
    errors = gh.svd_errors(result.U, result.S, result.V, M)
    assert errors["singular_values"] <= sv_tol, errors
    assert errors["orthonormality_U"] <= ortho_tol and errors["orthonormality_V"] <= ortho_tol, errors
    assert bool((result.S[:-1] >= result.S[1:]).all()), "singular values must come sorted"
    return errors


# --- the source's recipe --------------------------------------------------------------------------

def test_source_matrices_are_the_sources():
    torch.manual_seed(317)
    expected = torch.rand(3, 4).double().T
    assert torch.equal(SOURCE["rand(3,4).T seed 317"], expected)
    assert [tuple(M.shape) for M in SOURCE.values()] == [(5, 4), (4, 4), (7, 4), (4, 3), (4, 3)]
    assert all(M.dtype == torch.float64 for M in SOURCE.values())
    assert gh.source_matrices(torch.float32)["rand(5,4) seed 314"].dtype == torch.float32


def test_source_loss_is_the_formula():
    M = SOURCE["rand(5,4) seed 314"]
    g = torch.Generator().manual_seed(1)
    U, d, V = torch.rand(5, 4, generator=g), torch.rand(4, generator=g), torch.rand(4, 4, generator=g)
    U, d, V = U.double(), d.double(), V.double()
    eye = torch.eye(4, dtype=torch.float64)
    expected = (gh.mse(U @ torch.diag(d**2) @ V.T, M) + gh.mse(U.T @ U, eye) / 100
                + gh.mse(V @ V.T, eye) / 100)
    assert torch.allclose(gh.source_svd_loss(U, d, V, M), expected, rtol=1e-14)


def test_source_momentum_is_the_hand_written_loop():
    """minimize's heavy ball gives the source's iterates (p -= 0.9·grad; grad *= 0.9, never zeroed)."""
    M = SOURCE["rand(7,4) seed 316"]
    torch.manual_seed(314)
    U, d, V = (torch.rand(*s).double().requires_grad_() for s in ((7, 4), (4,), (4, 4)))
    losses = []
    for _ in range(200):
        loss = gh.source_svd_loss(U, d, V, M)
        losses.append(float(loss.detach()))
        loss.backward()
        with torch.no_grad():
            for p in (U, d, V):
                p -= 0.9 * p.grad
                p.grad *= 0.9
    run = gh.source_svd(M, steps=200)
    assert run.iterations == 200 and not run.diverged
    assert max(abs(a - b) for a, b in zip(run.losses[:200], losses, strict=True)) < 1e-12
    assert torch.allclose(run.S, torch.sort((d * d).detach(), descending=True).values, atol=1e-12)


def test_source_momentum_diverges_on_larger_matrices():
    run = gh.source_svd(_rand((50, 30), 0), steps=200)
    assert run.diverged and run.iterations <= 30 and "diverged" in run.message


def test_source_stuck_singular_value_has_zero_gradient():
    """A parameter d_i = 0 gets zero gradient from d_i²: it can never move away."""
    M = SOURCE["rand(4,3) seed 317"]
    U = torch.rand(4, 3, dtype=torch.float64, requires_grad=True)
    V = torch.rand(3, 3, dtype=torch.float64, requires_grad=True)
    d = torch.tensor([1.0, 0.5, 0.0], dtype=torch.float64, requires_grad=True)
    gh.source_svd_loss(U, d, V, M).backward()
    assert d.grad[2] == 0 and d.grad[0] != 0


def test_source_adam_runs_and_sorts():
    run = gh.source_svd(SOURCE["rand(4,3) seed 317"], optimizer="adam", steps=300)
    assert run.iterations == 300 and len(run.losses) == 301 and run.losses[-1] < run.losses[0]
    assert bool((run.S[:-1] >= run.S[1:]).all())
    again = gh.source_svd(SOURCE["rand(4,3) seed 317"], optimizer="adam", steps=300)
    assert again.losses == run.losses, "seeded: the same run twice"


def _torch_adam(M, steps, weight_decay=1e-5, start=None):
    """The source's Adam loop with torch.optim.Adam itself (the reference for the hand-written step)."""
    m, n = M.shape
    if start is None:
        g = torch.Generator().manual_seed(314)
        start = tuple(torch.rand(*shape, generator=g).double() for shape in ((m, n), (n,), (n, n)))
    U, d, V = (t.clone().requires_grad_() for t in start)
    opt = torch.optim.Adam([U, d, V], weight_decay=weight_decay)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = gh.source_svd_loss(U, d, V, M)
        losses.append(loss.item())
        loss.backward()
        opt.step()
    losses.append(gh.source_svd_loss(U, d, V, M).item())
    return losses, gh.sort_svd(U.detach(), (d * d).detach(), V.detach())


@pytest.mark.parametrize("name", ["rand(7,4) seed 316", "rand(3,4).T seed 317"])
def test_source_adam_is_torch_optim_adam(name):
    M = SOURCE[name]
    ours = gh.source_svd(M, optimizer="adam", steps=200)
    losses, (U, S, V) = _torch_adam(M, 200)
    assert max(abs(a - b) / b for a, b in zip(ours.losses, losses, strict=True)) < 1e-12
    torch.testing.assert_close(ours.S, S, rtol=1e-12, atol=0)
    torch.testing.assert_close(ours.U, U, rtol=1e-10, atol=1e-13)
    torch.testing.assert_close(ours.V, V, rtol=1e-10, atol=1e-13)


def test_source_adam_from_a_given_start_drifts_with_weight_decay_only():
    M = SOURCE["rand(7,4) seed 316"]
    U, S, Vh = torch.linalg.svd(M, full_matrices=False)
    start = (U, S.sqrt(), Vh.mT)
    for wd in (1e-5, 0.0):
        ours = gh.source_svd(M, optimizer="adam", steps=100, weight_decay=wd, start=start)
        losses, (_, S_t, _) = _torch_adam(M, 100, weight_decay=wd, start=start)
        torch.testing.assert_close(ours.S, S_t, rtol=1e-12, atol=1e-15)
    assert torch.equal(start[1], S.sqrt()), "the start is copied, not changed"
    with pytest.raises(TypeError, match="start must be a tuple"):
        gh.source_svd(M, optimizer="adam", steps=1, start=U)
    with pytest.raises(ValueError, match="start must hold U 7×4"):
        gh.source_svd(M, optimizer="adam", steps=1, start=(U[:3], S.sqrt(), Vh.mT))


def test_sort_svd_permutes_columns_with_values():
    U, s, V = torch.eye(3, dtype=torch.float64), torch.tensor([1.0, 3.0, 2.0], dtype=torch.float64), 2 * torch.eye(3, dtype=torch.float64)
    Us, ss, Vs = gh.sort_svd(U, s, V)
    assert ss.tolist() == [3.0, 2.0, 1.0]
    assert torch.equal(Us[:, 0], U[:, 1]) and torch.equal(Vs[:, 2], V[:, 0])


# --- the working methods on the battery -------------------------------------------------------------

def factorize_matches_torch(M):
    """The hybrid converges on M and agrees with torch.linalg.svd (also run by tests/test_svd_battery.py)."""
    result = gh.svd_factorize(M)
    assert result.converged and not result.diverged, result.message
    _oracle_check(result, M)
    assert gh.compare_svd(result.U, result.S, result.V, M)["worst"] <= 1e-6


def ascent_matches_torch(M):
    """The pure method converges on M and agrees with torch.linalg.svd."""
    result = gh.svd_ascent(M)
    assert result.converged, result.message
    _oracle_check(result, M)


@pytest.mark.parametrize("M", BATTERY)
def test_factorize_matches_torch(M):
    factorize_matches_torch(M)


@pytest.mark.parametrize("M", PURE_BATTERY)
def test_ascent_matches_torch(M):
    ascent_matches_torch(M)


def test_iteration_counts_are_deterministic():
    M = SOURCE["rand(5,4) seed 314"]
    assert gh.svd_factorize(M).iterations == gh.svd_factorize(M).iterations
    assert gh.svd_ascent(M).iterations == gh.svd_ascent(M).iterations
    assert gh.svd_factorize(M, seed=1).losses != gh.svd_factorize(M).losses


def test_factorize_gradient_is_autograds():
    """The hand-written gradient (PQᵀ - M)Q, (PQᵀ - M)ᵀP is what autograd gives for ½‖PQᵀ - M‖²."""
    g = torch.Generator().manual_seed(0)
    M = torch.rand(6, 4, generator=g, dtype=torch.float64)
    P = torch.randn(6, 4, generator=g, dtype=torch.float64, requires_grad=True)
    Q = torch.randn(4, 4, generator=g, dtype=torch.float64, requires_grad=True)
    (0.5 * ((P @ Q.T - M) ** 2).sum()).backward()
    R = (P @ Q.T - M).detach()
    assert torch.allclose(P.grad, R @ Q.detach()) and torch.allclose(Q.grad, R.T @ P.detach())


@pytest.mark.parametrize("shape", [(1, 1), (1, 6), (6, 1), (3, 40), (40, 3), (30, 50)])
def test_factorize_tall_wide_and_tiny(shape):
    M = _rand(shape, 3)
    result = gh.svd_factorize(M)
    assert result.converged, result.message
    _oracle_check(result, M)


def test_factorize_scale_invariant_and_flat_spectrum():
    M = _rand((8, 5), 2)
    a, b = gh.svd_factorize(M), gh.svd_factorize(1e6 * M)
    assert a.iterations == b.iterations, "the step comes from M's scale"
    for M in (torch.eye(4, dtype=torch.float64), torch.diag(torch.tensor([3.0, 2, 2, 1], dtype=torch.float64))):
        result = gh.svd_factorize(M)
        assert result.converged, result.message
        _oracle_check(result, M)


def test_caps_say_not_converged():
    M = _rand((50, 30), 0)
    for result in (gh.svd_ascent(M, max_iter=10), gh.svd_factorize(M, max_iter=10)):
        assert not result.converged and result.iterations == 10
        assert result.message.startswith("not converged")


def test_factorize_divergence_is_reported():
    result = gh.svd_factorize(_rand((20, 10), 0), lr=50.0)
    assert result.diverged and "lower lr" in result.message and bool(torch.isnan(result.S).all())


def test_gap_not_size_sets_the_pure_speed():
    """With a fixed step, two singular values (a + g, a) take about as long for any a; half the gap, twice the time."""
    def iterations(a, g):
        M = gh.matrix_with_singular_values([a + g, a], seed=1)
        return gh.svd_ascent(M, lr=0.1, scale=1.0, momentum=0.0, tol=1e-6).iterations
    same_gap = [iterations(a, 1.0) for a in (1.0, 2.0, 4.0)]
    assert max(same_gap) <= 1.2 * min(same_gap), same_gap
    assert 1.7 <= iterations(1.0, 0.5) / same_gap[0] <= 2.3  # same_gap[0] is iterations(1.0, 1.0)


def test_float32_and_device_are_kept(device):
    M = _rand((6, 4), 0).float().to(device)
    for result in (gh.svd_factorize(M, tol=1e-6), gh.svd_ascent(M, tol=1e-5)):
        assert result.U.dtype == result.S.dtype == result.V.dtype == torch.float32
        assert result.U.device.type == device
        assert gh.svd_errors(result.U, result.S, result.V, M)["singular_values"] < 1e-4


# --- the fair comparison ------------------------------------------------------------------------------

def _torch_svd(M):
    U, S, Vh = torch.linalg.svd(M, full_matrices=False)
    return U, S, Vh.mT


def test_compare_accepts_sign_flips_and_any_order():
    M = _rand((6, 4), 1)
    U, S, V = _torch_svd(M)
    signs = torch.tensor([1.0, -1.0, -1.0, 1.0], dtype=torch.float64)
    perm = torch.tensor([2, 0, 3, 1])
    result = gh.compare_svd((U * signs)[:, perm], S[perm], (V * signs)[:, perm], M)
    assert result["worst"] < 1e-12 and sorted(result["flipped"]) == [1, 2]


def test_compare_rejects_a_half_flipped_pair():
    M = _rand((6, 4), 1)
    U, S, V = _torch_svd(M)
    U = U.clone()
    U[:, 1] *= -1  # u flipped but not v: U·diag(S)·Vᵀ is no longer M
    result = gh.compare_svd(U, S, V, M)
    assert result["vectors"] > 1.9 and result["worst"] > 1.9


def test_compare_handles_repeated_values_by_subspace():
    base = gh.matrix_with_singular_values([3.0, 2.0, 2.0, 1.0], (6, 4), seed=0)
    U, S, V = _torch_svd(base)
    c, s = math.cos(0.7), math.sin(0.7)
    rot = torch.eye(4, dtype=torch.float64)
    rot[1:3, 1:3] = torch.tensor([[c, -s], [s, c]], dtype=torch.float64)
    result = gh.compare_svd(U @ rot, S, V @ rot, base)  # another valid SVD of the same matrix
    assert result["groups"] == [[1, 2]] and result["worst"] < 1e-12
    wrong = gh.compare_svd(U @ rot, S, V, base)  # rotating only U: same subspaces, wrong pairs
    assert wrong["subspaces"] > 0.1 and wrong["worst"] > 0.1
    assert gh.svd_errors(U @ rot, S, V, base)["reconstruction"] > 0.1


def test_compare_rank_deficient_relative_to_sigma1():
    g = torch.Generator().manual_seed(0)
    M = torch.randn(7, 2, generator=g, dtype=torch.float64) @ torch.randn(2, 5, generator=g, dtype=torch.float64)
    U, S, V = _torch_svd(M)
    S_noisy = S.clone()
    S_noisy[2:] = 1e-9 * S[0]
    result = gh.compare_svd(U, S_noisy, V, M)
    assert result["null"] < 1e-12 and result["worst"] < 1e-6
    assert gh.svd_errors(U, S_noisy, V, M)["singular_values"] <= 1e-8


def test_errors_measure_what_they_say():
    M = SOURCE["rand(5,4) seed 314"]
    U, S, V = _torch_svd(M)
    errs = gh.svd_errors(U, S * 1.01, V, M)
    assert errs["singular_values"] == pytest.approx(0.01)
    assert errs["orthonormality_U"] < 1e-14 and errs["reconstruction"] == pytest.approx(0.01)
    errs = gh.svd_errors(U * 2, S, V, M)
    assert errs["orthonormality_U"] == pytest.approx(3.0 * 2)  # ‖4I - I‖_F = 3·√4


def test_eckart_young():
    M = _rand((9, 6), 4)
    U, S, V = _torch_svd(M)
    for r in range(7):
        err = torch.linalg.matrix_norm(M - gh.low_rank(U, S, V, r))
        assert torch.isclose(err, torch.sqrt((S[r:] ** 2).sum()), atol=1e-12)
    with pytest.raises(ValueError, match="rank must be at most"):
        gh.low_rank(U, S, V, 7)


# --- bad input ----------------------------------------------------------------------------------------

BAD = [
    (torch.tensor([[1.0, float("nan")], [0.0, 1.0]], dtype=torch.float64), ValueError, "NaN"),
    (torch.zeros(0, 3, dtype=torch.float64), ValueError, "empty"),
    (torch.ones(4, dtype=torch.float64), ValueError, "matrix"),
    (torch.ones(3, 2, dtype=torch.int64), TypeError, "floating point"),
    ([[1.0, 2.0]], TypeError, "torch.Tensor"),
]


@pytest.mark.parametrize("method", [gh.svd_factorize, gh.svd_ascent, gh.source_svd])
@pytest.mark.parametrize(("M", "error", "match"), BAD)
def test_methods_reject_bad_input(method, M, error, match):
    with pytest.raises(error, match=match):
        method(M)


@pytest.mark.parametrize(("M", "error", "match"), BAD[:4])
def test_measures_reject_bad_input(M, error, match):
    U = S = V = torch.ones(1, dtype=torch.float64)
    for measure in (gh.svd_errors, gh.compare_svd):
        with pytest.raises(error, match=match):
            measure(U[:, None], S, V[:, None], M)


def test_bad_settings_are_explained():
    M = _rand((5, 4), 0)
    with pytest.raises(ValueError, match="all zeros"):
        gh.svd_factorize(torch.zeros(3, 2, dtype=torch.float64))
    with pytest.raises(ValueError, match="all zeros"):
        gh.svd_ascent(torch.zeros(3, 2, dtype=torch.float64))
    with pytest.raises(ValueError, match="momentum"):
        gh.svd_factorize(M, momentum=1.0)
    with pytest.raises(ValueError, match="optimizer"):
        gh.source_svd(M, optimizer="sgd")
    with pytest.raises(ValueError, match="V, not Vᵀ"):
        U, S, V = _torch_svd(M)
        gh.svd_errors(U, S, torch.ones(3, 4, dtype=torch.float64), M)


def test_source_baseline_ships_with_the_package():
    baseline = gh.load_source_baseline()
    assert baseline["steps"] == 20_000
    names = {key.split(" | ")[0] for key in baseline["results"]}
    assert set(gh.source_matrices()) <= names  # the five source matrices, at least


def test_source_momentum_weight_decay_is_descent_on_the_penalised_loss():
    """weight_decay for momentum: λ·p added to each gradient = heavy ball on L + (λ/2)‖p‖² (notebook 03, section 4)."""
    M = SOURCE["rand(7,4) seed 316"]
    lam = 1e-3
    ours = gh.source_svd(M, steps=50, weight_decay=lam)
    g = torch.Generator().manual_seed(314)
    U, d, V = (torch.rand(*s, generator=g).double().requires_grad_() for s in ((7, 4), (4,), (4, 4)))
    for _ in range(50):
        loss = gh.source_svd_loss(U, d, V, M) + lam / 2 * sum((p * p).sum() for p in (U, d, V))
        loss.backward()
        with torch.no_grad():
            for p in (U, d, V):
                p -= 0.9 * p.grad
                p.grad *= 0.9
    torch.testing.assert_close(ours.S, torch.sort((d * d).detach(), descending=True).values, rtol=1e-12, atol=0)
    plain = gh.source_svd(M, steps=50)
    assert plain.losses == gh.source_svd(M, steps=50, weight_decay=0.0).losses, "momentum's default is no weight decay"
    assert plain.losses != ours.losses


def test_baseline_draws_the_larger_matrices_as_notebook_03_does():
    """The script's 50×30 is the notebook's float64 draw, and the file's NaN step is that matrix's."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("svd_source_baseline", ROOT / "scripts" / "svd_source_baseline.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    M50 = torch.rand(50, 30, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    assert torch.equal(script.matrices()["rand(50,30) seed 0"], M50)
    row = gh.load_source_baseline()["results"]["rand(50,30) seed 0 | momentum"]
    assert script.run(M50, "momentum", 40)["first_nan_step"] == row["first_nan_step"]
    adam = gh.load_source_baseline()["results"]["rand(50,30) seed 0 | adam"]
    assert len(adam["final_uMv"]) == len(adam["final_s"]) == 30
