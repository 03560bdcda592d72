"""The momentum picture: where heavy ball diverges, oscillates or decays monotonically, and how fast.

Notebook 02 draws, on the spectrum of the learner's matrix, a map of (step size, momentum). On a
quadratic each curvature direction λ follows the scalar recurrence of the loop,
v ← β·v + λ·e, e ← e − lr·v, whose error obeys e_{k+1} = c·e_k − β·e_{k−1} with c = 1 + β − lr·λ.
Its two roots solve z² − c·z + β = 0, so everything here is a closed form per eigenvalue, vectorised
over the grid (no loops over steps, except ``direction_errors``, which runs the recurrence itself).

A direction is **monotone** when both roots are real and positive (c > 0 and c² >= 4β: started at
rest, its error decays without changing sign), **diverges** when a root lies on or outside the unit
circle, and **oscillates** otherwise (complex roots, or a negative one: its error changes sign). The
map's region of a point is "diverges" if any direction diverges, "monotone" if every direction is
monotone, "oscillates" otherwise (a double root counts as real: Polyak's point, whose flattest direction sits
on a positive double root and whose steepest on a negative one, "oscillates"); its rate is the largest root's size over all directions (the
factor by which the slowest direction's error shrinks per step, eventually). This module does not
import plotly (the figure is ``gh.plot_momentum_map`` in ``plotting``).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from . import _validate

__all__ = ["REGIONS", "MomentumMap", "momentum_map", "heavy_ball_region", "direction_errors", "pick_directions"]

REGIONS = ("monotone", "oscillates", "diverges")  # the map's region codes 0, 1, 2


@dataclass(frozen=True)
class MomentumMap:
    """A map of heavy ball on a spectrum: ``rate[i, j]`` and ``region[i, j]`` at ``momenta[i]``, ``lrs[j]``.

    Related to notebook 02, section "Deep dive: the momentum picture" (the notebooks do not call it).

    region holds codes into ``REGIONS`` (0 monotone, 1 oscillates, 2 diverges).
    """

    lrs: torch.Tensor
    momenta: torch.Tensor
    rate: torch.Tensor
    region: torch.Tensor


def _curvatures(curvatures) -> torch.Tensor:
    lam = _validate.finite(_validate.tensor(curvatures, "curvatures", ndim=1), "curvatures")
    lam = lam.detach().to(torch.float64)
    if bool((lam <= 0).any()):
        raise ValueError(f"curvatures must all be > 0 (the Hessian's eigenvalues of an invertible problem), got a "
                         f"smallest one of {lam.min().item():.3g}; for the inverse use 2·σ_j²/n² of an invertible M")
    return lam


def _grid(values, name: str) -> torch.Tensor:
    return _validate.finite(_validate.numbers(values, name).to(torch.float64).flatten(), name)


def _classify(lam: torch.Tensor, lr: torch.Tensor, beta: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Rate and region for broadcast lr and beta (shape S), over the directions lam: tensors of shape S."""
    c = 1 + beta[..., None] - lr[..., None] * lam  # (..., directions)
    disc = c * c - 4 * beta[..., None]
    # Within rounding of a double root the roots are taken as double (c² = 4β): the size of a root
    # near a double one moves like √(rounding), so computing it from disc would be off by ~1e-8.
    disc = torch.where(disc.abs() <= 64 * torch.finfo(torch.float64).eps * (c * c + 4 * beta[..., None]), 0.0, disc)
    real = disc >= 0
    root = torch.sqrt(disc.clamp(min=0))
    size = torch.where(real, (c.abs() + root) / 2, torch.sqrt(beta[..., None]).expand_as(c))
    rate = size.max(dim=-1).values
    monotone = (real & (c > 0)).all(dim=-1)
    diverges = (size >= 1).any(dim=-1)
    region = torch.where(diverges, 2, torch.where(monotone, 0, 1))
    return rate, region


def momentum_map(curvatures, lrs, momenta) -> MomentumMap:
    """Rate and region of heavy ball at every (momentum, lr) of a grid, for the given curvatures.

    Related to notebook 02, section "Deep dive: the momentum picture" (the notebooks do not call it: gh.plot_momentum_map does).

    Parameters: curvatures: 1-D tensor of the Hessian's eigenvalues (all > 0; for mse(XM, I) they
    are 2σ_j²/n²); lrs: step sizes (> 0); momenta: momenta in [0, 1). Returns a ``MomentumMap``
    whose ``rate`` and ``region`` have shape (len(momenta), len(lrs)).
    """
    lam = _curvatures(curvatures)
    lrs, momenta = _grid(lrs, "lrs"), _grid(momenta, "momenta")
    if bool((lrs <= 0).any()):
        raise ValueError(f"lrs must all be > 0, got a smallest one of {lrs.min().item():g}")
    if bool(((momenta < 0) | (momenta >= 1)).any()):
        raise ValueError(f"momenta must lie in [0, 1), got values from {momenta.min().item():g} to "
                         f"{momenta.max().item():g}")
    rate, region = _classify(lam, lrs[None, :], momenta[:, None])
    return MomentumMap(lrs, momenta, rate, region)


def heavy_ball_region(curvatures, lr: float, momentum: float) -> tuple[str, float]:
    """(region, rate) of heavy ball with this lr and momentum on these curvatures: one point of the map.

    Introduced in notebook 02, section "Deep dive: the momentum picture".

    Parameters: curvatures: 1-D tensor of curvatures (all > 0); lr: the step (> 0); momentum: in
    [0, 1). Returns ("monotone" | "oscillates" | "diverges", the largest root's size).
    """
    lam = _curvatures(curvatures)
    lr = _validate.positive(lr, "lr")
    beta = _validate.fraction(momentum, "momentum")
    rate, region = _classify(lam, torch.tensor(lr, dtype=torch.float64), torch.tensor(beta, dtype=torch.float64))
    return REGIONS[int(region)], float(rate)


def direction_errors(curvatures, lr: float, momentum: float, steps: int) -> torch.Tensor:
    """The error e_k of each direction over the iterations, started at e = 1 with no velocity.

    Related to notebook 02, section "Deep dive: the momentum picture" (the notebooks do not call it: gh.plot_momentum_map does).

    Parameters: curvatures: 1-D tensor (m directions); lr, momentum: the loop's; steps: how many
    steps. Returns a (steps + 1, m) float64 tensor of signed errors (row k: after k steps). From
    X = 0 the run of the inverse has exactly these errors along M's right singular vectors.
    """
    lam = _curvatures(curvatures)
    lr = _validate.positive(lr, "lr")
    beta = _validate.fraction(momentum, "momentum")
    steps = _validate.count(steps, "steps")
    e, v = torch.ones_like(lam), torch.zeros_like(lam)
    rows = [e]
    for _ in range(steps):
        v = beta * v + lam * e
        e = e - lr * v
        rows.append(e)
    return torch.stack(rows)


def pick_directions(count: int, at_most: int = 6) -> list[int]:
    """At most ``at_most`` indices out of range(count), spread evenly, first and last included.

    Related to notebook 02, section "Deep dive: the momentum picture" (the notebooks do not call it).
    """
    count = _validate.count(count, "count", 1)
    at_most = _validate.count(at_most, "at_most", 2)
    if count <= at_most:
        return list(range(count))
    return sorted({round(i * (count - 1) / (at_most - 1)) for i in range(at_most)})

