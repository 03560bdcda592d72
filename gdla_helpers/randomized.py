"""Randomised SVD by hand: a range finder with oversampling and power iterations (Halko et al. 2011).

Introduced in notebook 03, section "Randomised SVD by hand: what people use at scale". The steps are the
ones `torch.svd_lowrank` takes, in the same order and drawing from the same random numbers, so given
the same seed the two agree to rounding.
"""

from __future__ import annotations

import json
from importlib import resources

import torch

from . import _validate

__all__ = ["randomized_svd", "load_svd_cost"]


def _count(value, name: str, minimum: int) -> int:
    return _validate.count(value, name, minimum)


def randomized_svd(
    M: torch.Tensor,
    rank: int,
    *,
    oversample: int = 5,
    power_iterations: int = 2,
    generator: torch.Generator | None = None,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The top `rank` singular triplets of M by a randomised range finder: (U, S, V), V not Vᵀ.

    Introduced in notebook 03, section "Deep dive: the randomised SVD by hand".

    Steps (for a wide M, the same on Mᵀ, then U and V swap, as `torch.svd_lowrank` does):
    1. draw a Gaussian n×q test matrix Ω, q = rank + oversample (the extra columns catch the part
       of the range the top `rank` directions leak into);
    2. Q = orthonormal basis of M·Ω (QR): a q-dimensional guess of M's dominant column space;
    3. `power_iterations` times: Q = qr(Mᵀ·Q), then Q = qr(M·Q), which multiplies by (M·Mᵀ) and
       sharpens the guess when many small singular values are of comparable size (QR in between
       keeps it from rounding away);
    4. B = Qᵀ·M (q×n, small); its exact SVD B = Û·diag(S)·Vᵀ gives U = Q·Û.
    The cost is a few products with M (2 + 2·power_iterations of them, each m·n·q multiply-adds),
    not a full m·n·min(m, n) SVD. Returns the top `rank` of the q triplets.

    Parameters: M: finite floating-point m×n matrix; rank: 1 to min(m, n); oversample >= 0, with
    rank + oversample at most min(m, n); power_iterations >= 0; generator: a torch.Generator for
    Ω (default: the global random state, like `torch.svd_lowrank`, so that after the same
    `torch.manual_seed` both draw the same Ω).
    """
    M = _validate.matrix(M, "M")
    m, n = M.shape
    rank = _count(rank, "rank", 1)
    oversample = _count(oversample, "oversample", 0)
    power_iterations = _count(power_iterations, "power_iterations", 0)
    if rank > min(m, n):
        raise ValueError(f"rank must be at most min(m, n) = {min(m, n)} for a {m}×{n} M, got {rank}")
    q = rank + oversample
    if q > min(m, n):
        raise ValueError(f"rank + oversample = {q} is larger than min(m, n) = {min(m, n)}: lower "
                         f"oversample to at most {min(m, n) - rank}")
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator or None, got {type(generator).__name__}")
    A = M if m >= n else M.mT                      # work on the tall one
    omega = torch.randn(A.shape[1], q, dtype=A.dtype, device=A.device, generator=generator)
    Q = torch.linalg.qr(A @ omega).Q              # the range finder
    for _ in range(power_iterations):
        Q = torch.linalg.qr(A.mT @ Q).Q
        Q = torch.linalg.qr(A @ Q).Q
    U_b, S, Vh = torch.linalg.svd(Q.mT @ A, full_matrices=False)   # a q×n problem
    U, V = Q @ U_b, Vh.mT
    if m < n:
        U, V = V, U
    return U[:, :rank], S[:rank], V[:, :rank]


def load_svd_cost() -> dict:
    """What an SVD costs, measured by scripts/svd_benchmark.py --cost (shipped, read offline).

    Introduced in notebook 03, section "Deep dive: what it costs".

    Returns the JSON file gdla_helpers/resources/svd_cost.json as a dict: "what" (how it was
    measured: CPU seconds, one thread, medians), "torch", "sizes" (one entry per torch.rand
    matrix: "shape", and the seconds of "linalg_svd", "randomized" and "factorize", None where
    not measured) and "power_iterations_400x200" ({"0": seconds, "2": ..., ...}). The numbers
    belong to the machine that ran the script.
    """
    text = resources.files("gdla_helpers").joinpath("resources/svd_cost.json").read_text(encoding="utf-8")
    return json.loads(text)
