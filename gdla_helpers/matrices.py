"""Test matrices of chosen size, singular values and condition number (seeded, reproducible)."""

from __future__ import annotations

import torch

from . import _validate

__all__ = ["random_orthogonal", "matrix_with_singular_values", "matrix_with_condition"]


KAPPA_LIMIT = 0.1  # the largest κ a matrix of a dtype can have, times that dtype's eps (matrix_with_condition)


def _generator(seed) -> torch.Generator:
    return torch.Generator().manual_seed(_validate.seed(seed))


def qf(A: torch.Tensor) -> torch.Tensor:
    """The Q of A = Q·R with R's diagonal made >= 0: the one sign-fixed QR of the package.

    Fixing the signs makes Q a continuous function of A (the QR retraction of svd_ascent) and, for
    a Gaussian A, uniformly distributed over orthogonal matrices (random_orthogonal). Not public:
    notebook 03 writes it by hand in the section "A pure gradient method".
    """
    Q, R = torch.linalg.qr(A)
    signs = torch.sign(torch.diagonal(R, dim1=-2, dim2=-1))
    signs[signs == 0] = 1
    return Q * signs.unsqueeze(-2)


def random_orthogonal(n: int, *, generator: torch.Generator) -> torch.Tensor:
    """A random n×n orthogonal matrix (Haar-distributed), float64, drawn from generator.

    Related to notebook 02, section "An experiment: iterations versus κ" (the notebooks do not call it).

    Parameters: n: size; generator: a torch.Generator (the caller's seed, not the global one).
    """
    n = _validate.count(n, "n", 1)
    if not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator, got {type(generator).__name__}; "
                        f"e.g. generator=torch.Generator().manual_seed(0)")
    # Fixing the signs of R's diagonal makes Q uniformly distributed over orthogonal matrices.
    return qf(torch.randn(n, n, generator=generator, dtype=torch.float64))


def matrix_with_singular_values(
    singular_values,
    shape: tuple[int, int] | None = None,
    *,
    seed: int = 0,
    dtype: torch.dtype = torch.float64,
) -> torch.Tensor:
    """A matrix U·diag(s)·Vᵀ with the given singular values and random orthogonal U, V.

    Introduced in notebook 02, section "Deep dive: when there is no inverse".

    Parameters: singular_values: k non-negative numbers (zeros make the matrix singular);
    shape: (m, n) with min(m, n) == k (default: square k×k); seed: for the local generator
    (the global torch seed is not touched); dtype: a floating-point dtype.
    """
    s = _validate.numbers(singular_values, "singular_values", one_d=True)
    if not bool(torch.isfinite(s).all()) or bool((s < 0).any()):
        raise ValueError(f"singular_values must be finite and >= 0, got {s.tolist()}")
    k = s.numel()
    if shape is None:
        m, n = k, k
    else:
        if isinstance(shape, (str, torch.Tensor)) or not isinstance(shape, (tuple, list)) or len(shape) != 2:
            raise TypeError(f"shape must be a pair (m, n), got {shape!r}")
        m, n = (_validate.count(shape[0], "shape[0]", 1), _validate.count(shape[1], "shape[1]", 1))
    if min(m, n) != k:
        raise ValueError(f"shape = {(m, n)} needs min(m, n) = {min(m, n)} singular values, but singular_values "
                         f"has {k}; pass {min(m, n)} values or change shape")
    dtype = _validate.dtype(dtype)
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

    Introduced in notebook 02, section "Parameters you may change".

    Parameters: n: size (n = 1 needs kappa = 1); kappa: σ_max/σ_min, from 1 to KAPPA_LIMIT·(1/eps)
    of the dtype (0.1/eps: 4.5e14 in float64, 8.4e5 in float32; above it the rounding of the
    entries, about eps·σ_max, swamps σ_min and the matrix's κ is not the one asked for: measured
    off by 2 % at κ = 1e15 in float64 and 3 % at 1e7 in float32, against 0.05 % at 1e14 and 0.3 %
    at 1e6); seed: for the local generator; largest: the largest singular value; dtype: float32
    or float64.
    """
    n = _validate.count(n, "n", 1)
    kappa = _validate.number(kappa, "kappa (the condition number)", low=1.0)
    if n == 1 and kappa != 1:
        raise ValueError("a 1×1 matrix has condition number 1; use n >= 2 for kappa > 1")
    largest = _validate.positive(largest, "largest (the largest singular value)")
    _validate.dtype(dtype)
    limit = KAPPA_LIMIT / torch.finfo(dtype).eps
    if kappa > limit:
        raise ValueError(f"kappa = {kappa:g} cannot be built in {dtype}: above {limit:.2g} (0.1/eps of {dtype}) the "
                         f"rounding of the entries swamps the smallest singular value; pass kappa <= {limit:.2g}"
                         + (" or dtype=torch.float64" if dtype == torch.float32 else ""))
    exponents = torch.linspace(0.0, 1.0, n, dtype=torch.float64) if n > 1 else torch.zeros(1, dtype=torch.float64)
    s = largest * float(kappa) ** (-exponents)
    return matrix_with_singular_values(s, seed=seed, dtype=dtype)
