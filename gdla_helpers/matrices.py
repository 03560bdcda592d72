"""Test matrices of chosen size, singular values and condition number (seeded, reproducible)."""

from __future__ import annotations

import math

import torch

__all__ = ["random_orthogonal", "matrix_with_singular_values", "matrix_with_condition"]


def _generator(seed) -> torch.Generator:
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    return torch.Generator().manual_seed(seed)


def _size(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return value


def _dtype(dtype) -> torch.dtype:
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point or dtype.is_complex:
        raise TypeError(f"dtype must be a real floating-point dtype such as torch.float64, got {dtype!r}")
    return dtype


def random_orthogonal(n: int, *, generator: torch.Generator) -> torch.Tensor:
    """A random n×n orthogonal matrix (Haar-distributed), float64, drawn from generator.

    Introduced in notebook 02, section "An experiment: iterations versus κ".

    Parameters: n: size; generator: a torch.Generator (the caller's seed, not the global one).
    """
    A = torch.randn(_size(n, "n"), n, generator=generator, dtype=torch.float64)
    Q, R = torch.linalg.qr(A)
    # Fixing the signs of R's diagonal makes Q uniformly distributed over orthogonal matrices.
    signs = torch.sign(torch.diagonal(R))
    signs[signs == 0] = 1.0
    return Q * signs


def matrix_with_singular_values(
    singular_values,
    shape: tuple[int, int] | None = None,
    *,
    seed: int = 0,
    dtype: torch.dtype = torch.float64,
) -> torch.Tensor:
    """A matrix U·diag(s)·Vᵀ with the given singular values and random orthogonal U, V.

    Introduced in notebook 02, section "When there is no inverse".

    Parameters: singular_values: k non-negative numbers (zeros make the matrix singular);
    shape: (m, n) with min(m, n) == k (default: square k×k); seed: for the local generator
    (the global torch seed is not touched); dtype: a floating-point dtype.
    """
    s = torch.as_tensor(singular_values, dtype=torch.float64).reshape(-1)
    if s.numel() == 0:
        raise ValueError("singular_values is empty: pass at least one value")
    if not bool(torch.isfinite(s).all()) or bool((s < 0).any()):
        raise ValueError("singular values must be finite and >= 0")
    k = s.numel()
    m, n = (k, k) if shape is None else (_size(shape[0], "shape[0]"), _size(shape[1], "shape[1]"))
    if min(m, n) != k:
        raise ValueError(f"a {m}×{n} matrix has min(m, n) = {min(m, n)} singular values, got {k}")
    dtype = _dtype(dtype)
    g = _generator(seed)
    U = random_orthogonal(m, generator=g)[:, :k]
    V = random_orthogonal(n, generator=g)[:, :k]
    return ((U * s) @ V.T).to(dtype)


def matrix_with_condition(
    n: int,
    kappa: float,
    *,
    seed: int = 0,
    largest: float = 1.0,
    dtype: torch.dtype = torch.float64,
) -> torch.Tensor:
    """A random n×n matrix with condition number kappa: singular values geometric from largest to largest/kappa.

    Introduced in notebook 02, section "An experiment: iterations versus κ".

    Parameters: n: size (n = 1 needs kappa = 1); kappa >= 1: σ_max/σ_min; seed: for the local
    generator; largest: the largest singular value; dtype: a floating-point dtype (float64 builds
    it exactly; a float32 copy of a matrix with kappa near 1e7 or more is numerically singular).
    """
    n = _size(n, "n")
    if isinstance(kappa, bool) or not isinstance(kappa, (int, float)) or not math.isfinite(kappa) or kappa < 1:
        raise ValueError(f"kappa (the condition number) must be a finite number >= 1, got {kappa!r}")
    if n == 1 and kappa != 1:
        raise ValueError("a 1×1 matrix has condition number 1; use n >= 2 for kappa > 1")
    if isinstance(largest, bool) or not isinstance(largest, (int, float)) or not largest > 0 or not math.isfinite(largest):
        raise ValueError(f"largest (the largest singular value) must be a positive number, got {largest!r}")
    exponents = torch.linspace(0.0, 1.0, n, dtype=torch.float64) if n > 1 else torch.zeros(1, dtype=torch.float64)
    s = largest * float(kappa) ** (-exponents)
    return matrix_with_singular_values(s, seed=seed, dtype=dtype)
