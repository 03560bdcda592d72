"""Counting iterations: comparing a measured count with a predicted one, and many runs at once.

Notebook 02 checks its predictions of iteration counts against runs. The two helpers here are the
bookkeeping of those checks, kept out of the teaching cells: ``same_count`` says whether two counts
agree (``None`` meaning "hit the cap"), and ``count_heavy_ball_iterations`` runs the heavy-ball
loop on a batch of matrices at once and returns each one's count.
"""

from __future__ import annotations

import math

import torch

from . import _validate

__all__ = ["same_count", "count_heavy_ball_iterations", "heavy_ball_behaviour"]


def _count(value, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an iteration count (a whole number) or None (the cap was hit), "
                        f"got {type(value).__name__} {value!r}")
    if value < 0:
        raise ValueError(f"{name} must be a count of iterations (0 or more), got {value}")
    return value


def same_count(measured, predicted, slack: int = 1) -> bool:
    """True when a measured and a predicted iteration count agree.

    Introduced in notebook 02, section "Predicting the iteration count".

    Parameters: measured, predicted: counts (whole numbers), or None for "did not reach the
    tolerance within the cap"; slack: how far apart two counts may be and still agree (default 1:
    a residual within rounding of the tolerance can cross it one step earlier or later). None agrees
    only with None.
    """
    measured, predicted = _count(measured, "measured"), _count(predicted, "predicted")
    slack = _count(_validate.number(slack, "slack", integer=True), "slack")
    if measured is None or predicted is None:
        return measured is None and predicted is None
    return abs(measured - predicted) <= slack


def count_heavy_ball_iterations(
    Ms: torch.Tensor, lrs, momenta, *, tol: float = 1e-6, max_iter: int = 100_000, block: int = 256
) -> list[int | None]:
    """Heavy-ball iterations to ‖XM − I‖_F/√n <= tol from X = 0, for a batch of square matrices at once.

    Introduced in notebook 02, section "Momentum, tuned".

    The loop of the notebook's section "Momentum, the source's way" (lr, momentum; the gradient
    (2/n²)(XM − I)Mᵀ in closed form, no autograd), run on all matrices as one batched tensor. The
    residuals are kept for every step and checked every ``block`` steps, so each count is exact; a
    matrix that reaches the tolerance leaves the batch.

    Parameters: Ms: a (b, n, n) tensor of b matrices; lrs, momenta: b step sizes and b momenta
    (sequences of numbers); tol: the tolerance; max_iter: the cap; block: steps between checks.
    Returns a list of b counts, None where the cap was hit.
    """
    Ms = _validate.finite(_validate.tensor(Ms, "Ms", ndim=3), "Ms")
    b, m, m2 = Ms.shape
    if m != m2:
        raise ValueError(f"Ms must hold square matrices (shape (b, n, n)), got shape {tuple(Ms.shape)}")
    lrs, momenta = list(lrs), list(momenta)
    if len(lrs) != b or len(momenta) != b:
        raise ValueError(f"lrs and momenta: give one lr and one momentum per matrix: {b} matrices, "
                         f"{len(lrs)} lrs, {len(momenta)} momenta")
    lrs = [_validate.positive(v, f"lrs[{i}]") for i, v in enumerate(lrs)]
    momenta = [_validate.fraction(v, f"momenta[{i}]") for i, v in enumerate(momenta)]
    tol = _validate.number(tol, "tol")
    if tol < 0:
        raise ValueError(f"tol must be >= 0, got {tol}")
    max_iter = _count(_validate.number(max_iter, "max_iter", integer=True), "max_iter")
    block = _validate.number(block, "block", integer=True)
    if block < 1:
        raise ValueError(f"block must be at least 1, got {block}")

    Ms = Ms.detach().clone()
    eye = torch.eye(m, dtype=Ms.dtype, device=Ms.device)
    step = torch.tensor(lrs, dtype=Ms.dtype, device=Ms.device).view(-1, 1, 1) * 2 / m**2 * Ms.mT  # lr·(2/n²)·Mᵀ
    beta = torch.tensor(momenta, dtype=Ms.dtype, device=Ms.device).view(-1, 1, 1)
    X, V = torch.zeros_like(Ms), torch.zeros_like(Ms)
    counts: list[int | None] = [None] * b
    active = list(range(b))
    norms = torch.empty(block, b, dtype=Ms.dtype, device=Ms.device)
    with torch.no_grad():
        for k0 in range(0, max_iter + 1, block):
            for i in range(block):
                R = torch.baddbmm(-eye, X, Ms)  # XM − I
                norms[i, : len(active)] = torch.linalg.vector_norm(R, dim=(1, 2))
                V.mul_(beta).baddbmm_(R, step)  # velocity (times lr): β·V + lr·∇
                X.sub_(V)
            hits = norms[:, : len(active)] <= tol * math.sqrt(m)
            keep = []
            for j, index in enumerate(active):
                done = hits[:, j].nonzero()
                if len(done) and k0 + done[0].item() <= max_iter:
                    counts[index] = k0 + done[0].item()
                else:
                    keep.append(j)
            active = [active[j] for j in keep]
            if not active:
                break
            Ms, X, V, step, beta = Ms[keep], X[keep], V[keep], step[keep], beta[keep]
    return counts


def heavy_ball_behaviour(M: torch.Tensor, lrs, momenta, *, steps: int = 400, floor: float = 1e-8) -> list[str]:
    """How measured heavy-ball runs on M behave: "monotone", "oscillates" or "diverges", one per (lr, momentum).

    Introduced in notebook 02, section "Deep dive: the momentum picture".

    Runs the loop of the notebook's section "Momentum, the source's way" from X = 0 (the gradient
    (2/n²)(XM − I)Mᵀ in closed form, all runs as one batched tensor) for ``steps`` steps and reads
    the signed error of each right singular direction v_j of M, e_j = −v_jᵀ(XM − I)v_j (1 at the
    start). A run "diverges" when some e_j ends the run beyond 1 (or overflows), is "monotone" when no e_j
    changes sign while it is above ``floor`` (below it rounding noise decides signs), and
    "oscillates" otherwise. The map of gh.momentum_map predicts these words without running.

    Parameters: M: a square float64 matrix; lrs, momenta: one step and one momentum per run;
    steps: steps per run; floor: the size below which signs are not read.
    """
    M = _validate.finite(_validate.tensor(M, "M", ndim=2), "M").detach().to(torch.float64)
    n = M.shape[0]
    if M.shape[1] != n:
        raise ValueError(f"M must be square, got shape {tuple(M.shape)}")
    lrs, momenta = (_validate.numbers(lrs, "lrs").tolist(), _validate.numbers(momenta, "momenta").tolist())
    steps = _validate.count(steps, "steps", 1)
    if len(lrs) != len(momenta) or not lrs:
        raise ValueError(f"lrs and momenta: give one lr and one momentum per run (at least one run), got "
                         f"{len(lrs)} lrs and {len(momenta)} momenta")
    lr = torch.tensor([_validate.positive(v, f"lrs[{i}]") for i, v in enumerate(lrs)], dtype=torch.float64)
    beta = torch.tensor([_validate.fraction(v, f"momenta[{i}]") for i, v in enumerate(momenta)], dtype=torch.float64)
    steps = _count(_validate.number(steps, "steps", integer=True), "steps")
    floor = _validate.positive(floor, "floor")
    V = torch.linalg.svd(M).Vh.mT
    eye = torch.eye(n, dtype=torch.float64)
    runs = len(lrs)
    X, velocity = torch.zeros(runs, n, n, dtype=torch.float64), torch.zeros(runs, n, n, dtype=torch.float64)
    sign, last = torch.ones(runs, n, dtype=torch.float64), torch.ones(runs, n, dtype=torch.float64)
    changed = torch.zeros(runs, dtype=torch.bool)
    active = torch.arange(runs)  # runs still undecided: a run leaves once it is far below the floor or far above 1
    for _ in range(steps):
        R = X[active] @ M - eye
        velocity[active] = beta[active, None, None] * velocity[active] + (2 / n**2) * R @ M.T
        X[active] = X[active] - lr[active, None, None] * velocity[active]
        e = -(V * ((X[active] @ M - eye) @ V)).sum(-2)  # e_j = −v_jᵀ R v_j
        readable = e.abs() > floor
        changed[active] |= (readable & (torch.sign(e) != sign[active])).any(-1)
        sign[active] = torch.where(readable, torch.sign(e), sign[active])
        last[active] = e
        big = e.abs().amax(-1)
        active = active[(big >= 1e-3 * floor) & (big <= 1e12)]  # (also keeps denormals and overflow out)
        if active.numel() == 0:
            break
    grown = ~torch.isfinite(last).all(-1) | (last.abs() > 1).any(-1)  # (a transient may exceed 1 early: read the end)
    return ["diverges" if g else ("oscillates" if c else "monotone") for g, c in zip(grown.tolist(), changed.tolist(), strict=True)]
