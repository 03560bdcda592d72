"""Input checks shared by the helpers: every bad input gets an error that says what to do."""

from __future__ import annotations

import math

import torch


def tensor(x, name: str, *, ndim: int | None = None, floating: bool = True) -> torch.Tensor:
    """Return x if it is a usable tensor; raise TypeError/ValueError with a fix otherwise."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(
            f"{name} must be a torch.Tensor, got {type(x).__name__}; "
            f"wrap it with torch.tensor(...) or torch.as_tensor(...)"
        )
    if ndim is not None and x.ndim != ndim:
        kind = {1: "a vector (1-D)", 2: "a matrix (2-D)"}.get(ndim, f"{ndim}-D")
        raise ValueError(f"{name} must be {kind}, got shape {tuple(x.shape)}")
    if x.numel() == 0:
        raise ValueError(f"{name} is empty (shape {tuple(x.shape)}); pass a tensor with entries")
    if floating and not x.is_floating_point():
        raise TypeError(
            f"{name} has dtype {x.dtype}, but gradients need floating point numbers; "
            f"convert it with {name}.double() or {name}.float()"
        )
    return x


def finite(x: torch.Tensor, name: str) -> torch.Tensor:
    """Return x if it holds no NaN or inf; raise ValueError otherwise."""
    if not bool(torch.isfinite(x).all()):
        bad = int((~torch.isfinite(x)).sum())
        raise ValueError(
            f"{name} contains {bad} NaN or infinite entries; check how it was built "
            f"(a diverged run or a division by zero) before passing it in"
        )
    return x


def matrix(x, name: str) -> torch.Tensor:
    """Return x if it is a finite floating-point matrix."""
    return finite(tensor(x, name, ndim=2), name)


def square(x, name: str, hint: str = "") -> torch.Tensor:
    """Return x if it is a finite floating-point square matrix."""
    x = matrix(x, name)
    if x.shape[0] != x.shape[1]:
        raise ValueError(f"{name} must be square, got shape {tuple(x.shape)}. {hint}".rstrip())
    return x


def same_shape(a: torch.Tensor, b: torch.Tensor, names: str) -> None:
    """Raise ValueError unless a and b have the same shape (no silent broadcasting)."""
    if a.shape != b.shape:
        raise ValueError(
            f"{names} must have the same shape, got {tuple(a.shape)} and {tuple(b.shape)}; "
            f"broadcasting them would give a silently wrong answer"
        )


def number(value, name: str, *, integer: bool = False, text: bool = False) -> float | int:
    """Return a real number (Python, NumPy scalar or 0-d tensor) as float or int; bools, NaN, inf refused.

    With text=True a string such as "1e-3" or "20" is converted too (a parameters cell may get
    values as text from papermill or a widget). With integer=True the value must be whole (3.0 is 3).
    """
    original = value
    if text and isinstance(value, str):
        try:
            cleaned = value.strip().replace("_", "")
            value = int(cleaned) if cleaned.lstrip("+-").isdigit() else float(cleaned)  # an int stays exact ("9223372036854775807")
        except ValueError:
            raise TypeError(f"{name} must be a number, got the text {original!r}; write it without quotes, "
                            f"e.g. {name} = {'20' if integer else '1e-3'}") from None
    if isinstance(value, torch.Tensor):
        if value.numel() != 1 or value.dtype == torch.bool or value.is_complex():
            raise TypeError(f"{name} must be a single real number, got a tensor of shape "
                            f"{tuple(value.shape)} and dtype {value.dtype}")
        value = value.item()
    elif hasattr(value, "dtype") and hasattr(value, "item") and getattr(value, "shape", None) == ():
        value = value.item()  # a NumPy scalar or 0-d array
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, got {type(original).__name__} {original!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {original!r}")
    if integer:
        if isinstance(value, float) and not value.is_integer():  # an int is whole (float(2**63 - 1) is not exact)
            raise ValueError(f"{name} must be a whole number, got {original!r}")
        return int(value)
    return float(value)
