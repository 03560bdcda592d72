"""Losses and error measures: pure, differentiable, dtype- and device-preserving."""

from __future__ import annotations

import torch

from . import _validate

__all__ = ["mse", "relative_error", "relative_residual", "identity_like"]


def mse(prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean squared error: the average of (prediction - target)² over all entries.

    Introduced in notebook 01, section "Norms and the mean squared error".

    Parameters: prediction, target: floating-point tensors of the same shape. The target must be
    finite; a non-finite prediction gives a non-finite loss (that is how divergence shows up).
    """
    _validate.tensor(prediction, "prediction")
    _validate.finite(_validate.tensor(target, "target"), "target")
    _validate.same_shape(prediction, target, "prediction and target")
    _validate.same_dtype(prediction=prediction, target=target)
    return ((prediction - target) ** 2).mean()


def relative_error(approx: torch.Tensor, exact: torch.Tensor) -> torch.Tensor:
    """‖approx - exact‖_F / ‖exact‖_F: how far approx is from exact, relative to exact's size.

    Related to notebook 03, section "Inspecting the result" (the notebooks do not call it).

    Parameters: approx, exact: floating-point tensors of the same shape; exact finite and non-zero.
    """
    _validate.tensor(approx, "approx")
    _validate.finite(_validate.tensor(exact, "exact"), "exact")
    _validate.same_shape(approx, exact, "approx and exact")
    _validate.same_dtype(approx=approx, exact=exact)
    scale = torch.linalg.vector_norm(exact)
    if scale == 0:
        raise ValueError("exact is all zeros, so a relative error is undefined; compare norms instead")
    return torch.linalg.vector_norm(approx - exact) / scale


def identity_like(M: torch.Tensor) -> torch.Tensor:
    """The n×n identity with M's dtype and device (n = number of rows of the square M)."""
    _validate.tensor(M, "M", ndim=2)
    if M.shape[0] != M.shape[1]:  # XM - I needs I of XM's size; only a square M makes that M's own
        raise ValueError(f"M is {M.shape[0]}×{M.shape[1]}: identity_like needs a square matrix; for a "
                         "non-square one say which identity you mean, torch.eye(rows) or torch.eye(columns)")
    return torch.eye(M.shape[0], dtype=M.dtype, device=M.device)


def relative_residual(X: torch.Tensor, M: torch.Tensor, side: str = "left") -> torch.Tensor:
    """‖XM - I‖_F / ‖I‖_F = ‖XM - I‖_F / √n: how far X is from being M's inverse.

    Introduced in notebook 02, section "When is X good enough?".

    Parameters: X, M: n×n floating-point matrices (M finite); side: "left" measures XM - I,
    "right" measures MX - I.
    """
    _validate.tensor(X, "X", ndim=2)
    _validate.square(M, "M", "The inverse needs a square matrix; use torch.linalg.pinv otherwise.")
    if X.shape != M.shape:
        raise ValueError(f"X must have M's shape {tuple(M.shape)}, got {tuple(X.shape)}")
    _validate.same_dtype(X=X, M=M)
    _validate.choice(side, "side", ("left", "right"))
    product = X @ M if side == "left" else M @ X
    identity = identity_like(M)
    return torch.linalg.matrix_norm(product - identity) / torch.linalg.matrix_norm(identity)
