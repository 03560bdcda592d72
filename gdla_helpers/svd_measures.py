"""Measuring a computed SVD, and comparing it with torch.linalg.svd fairly.

An SVD is unique only up to the sign of each singular pair, the order, and a rotation inside a
repeated singular value: ``svd_errors`` and ``compare_svd`` know that. ``sort_svd`` orders a
result; ``low_rank`` truncates it (Eckart–Young). A factor with NaN/inf gives NaN errors: a broken
SVD never passes.
"""

from __future__ import annotations

import math

import torch

from . import _validate

__all__ = ["sort_svd", "svd_errors", "compare_svd", "low_rank"]


def _matrix(M) -> torch.Tensor:
    return _validate.matrix(M, "M").detach()


def sort_svd(U: torch.Tensor, s: torch.Tensor, V: torch.Tensor):
    """Sort singular values in descending order and permute the columns of U and V to match.

    Introduced in notebook 03, section "The source's recipe".

    Parameters: U (m×k), s (k), V (n×k), finite (NaN or inf has no place in an order: ValueError).
    Returns (U, s, V) sorted.
    """
    U, s, V = _validate.tensor(U, "U", ndim=2), _validate.tensor(s, "s", ndim=1), _validate.tensor(V, "V", ndim=2)
    for t, name in ((s, "s"), (U, "U"), (V, "V")):
        _validate.finite(t, name)
    return _sort_unchecked(U, s, V)


def _sort_unchecked(U: torch.Tensor, s: torch.Tensor, V: torch.Tensor):
    """sort_svd without the finiteness check: the methods sort what a diverged run left (and say it diverged)."""
    if U.shape[1] != s.shape[0] or V.shape[1] != s.shape[0]:
        raise ValueError(f"U, s, V must be m×k, k and n×k (V, not Vᵀ), got {tuple(U.shape)}, {tuple(s.shape)} "
                         f"and {tuple(V.shape)}")
    order = torch.argsort(s, descending=True)
    return U[:, order], s[order], V[:, order]


# --- measuring and comparing ---------------------------------------------------------------------


def _factors(U, S, V, M):
    M = _matrix(M)
    U = _validate.tensor(U, "U", ndim=2)
    S = _validate.tensor(S, "S", ndim=1)
    V = _validate.tensor(V, "V", ndim=2)
    m, n = M.shape
    k = S.shape[0]
    if U.shape != (m, k) or V.shape != (n, k):
        raise ValueError(
            f"for an {m}×{n} M with {k} singular values, U must be {m}×{k} and V {n}×{k} "
            f"(V, not Vᵀ), got U {tuple(U.shape)} and V {tuple(V.shape)}"
        )
    if k != min(m, n):
        raise ValueError(f"expected min(m, n) = {min(m, n)} singular values, got {k}")
    _validate.same_dtype(U=U, S=S, V=V, M=M)
    return U.detach(), S.detach(), V.detach(), M.detach()


def _all_finite(*tensors) -> bool:
    return all(bool(torch.isfinite(t).all()) for t in tensors)


def svd_errors(U: torch.Tensor, S: torch.Tensor, V: torch.Tensor, M: torch.Tensor) -> dict[str, float]:
    """The course's error measures of a computed SVD M ≈ U·diag(S)·Vᵀ.

    Introduced in notebook 03, section "Inspecting the result".

    Returns a dict: "singular_values": maxᵢ |Sᵢ - σᵢ| / σᵢ with σ = torch.linalg.svdvals(M) and S
    sorted descending (a numerically zero σᵢ, below max(m, n)·eps·σ₁ as in
    torch.linalg.matrix_rank, counts relative to σ₁ instead: a rank-deficient M);
    "orthonormality_U": ‖UᵀU - I‖_F; "orthonormality_V": ‖VᵀV - I‖_F; "reconstruction":
    ‖U·diag(S)·Vᵀ - M‖_F / ‖M‖_F. NaN factors give NaN errors (never a silent pass).

    Parameters: U (m×k), S (k), V (n×k) with k = min(m, n); M (m×n).
    """
    U, S, V, M = _factors(U, S, V, M)
    if not _all_finite(U, S, V):  # NaN factors give NaN errors, never a silent pass
        return dict.fromkeys(("singular_values", "orthonormality_U", "orthonormality_V", "reconstruction"), math.nan)
    sigma = torch.linalg.svdvals(M)
    if sigma[0] == 0:
        raise ValueError("M is all zeros: relative singular-value errors are undefined")
    # numerically zero singular values (torch.linalg.matrix_rank's threshold) count relative to σ₁
    zero = sigma <= max(M.shape) * torch.finfo(M.dtype).eps * sigma[0]
    floor = torch.where(zero, sigma[0], sigma)
    eye = torch.eye(S.shape[0], dtype=U.dtype, device=U.device)
    s_sorted = torch.sort(S, descending=True).values
    return {
        "singular_values": float(((s_sorted - sigma).abs() / floor).max()),
        "orthonormality_U": float(torch.linalg.matrix_norm(U.T @ U - eye)),
        "orthonormality_V": float(torch.linalg.matrix_norm(V.T @ V - eye)),
        "reconstruction": float(torch.linalg.matrix_norm((U * S) @ V.T - M) / torch.linalg.matrix_norm(M)),
    }


def compare_svd(
    U: torch.Tensor, S: torch.Tensor, V: torch.Tensor, M: torch.Tensor, *, rtol: float = 1e-6
) -> dict:
    """Compare a computed SVD with torch.linalg.svd the fair way: up to sign, order and rotations.

    Introduced in notebook 03, section "Comparing with torch.linalg.svd, fairly".

    Both are sorted by singular value. Singular values closer than rtol·σ₁ form a group (a
    repeated singular value): only the spaces their vectors span are unique, so a group is
    compared by the distance between subspaces ‖U_g U_gᵀ - U*_g U*_gᵀ‖_F/√2 (and the same for V)
    and by the pairing ‖U_gᵀ·M·V_g - σ·I‖_F/σ₁ (U's and V's columns must be rotated alike).
    A lone singular value's pair (u, v) is unique up to one common sign: u is flipped to match
    torch's and v must then match too. Singular values below rtol·σ₁ (a rank-deficient M) have no
    unique vectors: they are checked by ‖M·vᵢ‖ and ‖Mᵀ·uᵢ‖ relative to σ₁.

    Returns a dict: "singular_values" (as svd_errors), "vectors" (largest ‖uᵢ - u*ᵢ‖, ‖vᵢ - v*ᵢ‖
    over lone values after the sign fix), "subspaces" (largest group distance), "null" (largest
    ‖M·vᵢ‖/σ₁, ‖Mᵀ·uᵢ‖/σ₁ over near-zero values), "flipped" (indices whose sign was flipped),
    "groups" (lists of indices of repeated values), "worst": the largest of the four errors.

    Parameters: U (m×k), S (k), V (n×k) with k = min(m, n), finite (NaN or inf: ValueError, there is
    nothing to compare); M (m×n); rtol: relative gap below which two singular values count as equal.
    """
    U, S, V, M = _factors(U, S, V, M)
    rtol = _validate.positive(rtol, "rtol")
    if not _all_finite(U, S, V):  # a broken SVD is refused: a dict of NaNs would look like an answer
        raise ValueError("U, S or V contains NaN or inf (a diverged run?): there is no SVD to compare; check the "
                         "run's converged/diverged flags and message first")
    U, S, V = sort_svd(U, S, V)
    Ur, Sr, Vrh = torch.linalg.svd(M, full_matrices=False)
    Vr = Vrh.mT
    s1 = float(Sr[0])
    if s1 == 0:
        raise ValueError("M is all zeros: every U and V would do; there is nothing to compare")
    k = S.shape[0]
    null = [i for i in range(k) if float(Sr[i]) <= rtol * s1]
    live = [i for i in range(k) if i not in null]
    groups: list[list[int]] = []
    for i in live:  # consecutive values closer than rtol·σ₁ share a group
        if groups and float(Sr[groups[-1][-1]] - Sr[i]) <= rtol * s1:
            groups[-1].append(i)
        else:
            groups.append([i])
    vectors = subspaces = null_err = 0.0
    flipped: list[int] = []
    for grp in groups:
        if len(grp) == 1:
            i = grp[0]
            u, v = U[:, i], V[:, i]
            if float(u @ Ur[:, i]) < 0:  # one common sign for the pair
                u, v = -u, -v
                flipped.append(i)
            vectors = max(vectors, float(torch.linalg.vector_norm(u - Ur[:, i])),
                          float(torch.linalg.vector_norm(v - Vr[:, i])))
        else:
            for A, B in ((U, Ur), (V, Vr)):
                Pa, Pb = A[:, grp] @ A[:, grp].T, B[:, grp] @ B[:, grp].T
                subspaces = max(subspaces, float(torch.linalg.matrix_norm(Pa - Pb)) / math.sqrt(2))
            # the same rotation must act on U's and V's columns: U_gᵀ·M·V_g = σ·I
            pairing = U[:, grp].T @ M @ V[:, grp] - torch.diag(Sr[grp])
            subspaces = max(subspaces, float(torch.linalg.matrix_norm(pairing)) / s1)
    for i in null:
        null_err = max(null_err, float(torch.linalg.vector_norm(M @ V[:, i])) / s1,
                       float(torch.linalg.vector_norm(M.T @ U[:, i])) / s1)
    err = svd_errors(U, S, V, M)["singular_values"]
    worst = max(err, vectors, subspaces, null_err)
    if not all(math.isfinite(x) for x in (err, vectors, subspaces, null_err)):
        worst = math.nan
    return {"singular_values": err, "vectors": vectors, "subspaces": subspaces, "null": null_err,
            "flipped": flipped, "groups": [g for g in groups if len(g) > 1], "worst": worst}


def low_rank(U: torch.Tensor, S: torch.Tensor, V: torch.Tensor, rank: int) -> torch.Tensor:
    """The rank-`rank` truncation U[:, :r]·diag(S[:r])·V[:, :r]ᵀ (the best one, by Eckart–Young).

    Introduced in notebook 03, section "Best low-rank approximation (Eckart–Young)".

    Parameters: U (m×k), S (k singular values >= 0, in any order: they are sorted first), V (n×k);
    rank: 0 <= rank <= k.
    """
    U, S, V = _validate.tensor(U, "U", ndim=2), _validate.tensor(S, "S", ndim=1), _validate.tensor(V, "V", ndim=2)
    for t, name in ((U, "U"), (S, "S"), (V, "V")):
        _validate.finite(t, name)
    U, S, V = sort_svd(U, S, V)  # the best rank-r part keeps the r LARGEST singular values (ascending S: sorted)
    _validate.same_dtype(U=U, S=S, V=V)
    if bool((S < 0).any()):
        raise ValueError(f"S must hold singular values >= 0, got a smallest one of {S.min().item():.3g}; flip the "
                         f"sign of that column of U instead")
    rank = _validate.count(rank, "rank")
    if rank > S.shape[0]:
        raise ValueError(f"rank must be at most the number of singular values, {S.shape[0]}, got {rank}")
    return (U[:, :rank] * S[:rank]) @ V[:, :rank].T
