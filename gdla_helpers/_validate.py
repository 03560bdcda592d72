"""One way to check input: every public helper checks its arguments here, and only here.

The rules (the same for every public function of gdla_helpers):

- **Kind versus value.** The wrong kind of thing (a string for a number, a list for a matrix, an
  integer tensor where gradients are needed) raises ``TypeError``; the right kind with a bad value
  (a negative step, a NaN entry, a 1-D tensor for a matrix) raises ``ValueError``. Every message
  names the parameter, says what it got and what to do.
- **Numbers** are any real: a Python int or float, a NumPy scalar (``np.float32(0.4)``) or a
  one-element tensor (``torch.linalg.cond(M)``). Bools, NaN and inf are refused.
- **Matrices and vectors** (the inputs a helper computes with: M, X, U, S, V, ...) must be torch
  tensors. A NumPy array or a list is refused with a ``TypeError`` that shows the conversion
  (``torch.as_tensor(M, dtype=torch.float64)``): converting silently would hide which dtype you
  get. What only gets *read as numbers* takes anything array-like: a learner's answer to a
  ``check_*`` function (a wrong answer is reported, never raised) and the data drawn by ``plot_*``.
- **dtypes.** Computing helpers need float32 or float64 (float64 is exact enough for every claim of
  the course; float32 shows rounding). float16 and bfloat16 are refused with a ``TypeError`` (CPU QR
  and SVD do not support them and their rounding, ~1e-3, hides every effect the course measures);
  so are integer, bool and complex tensors. Tensors that a helper combines (prediction and target,
  X and M, U, S, V and M) must share one dtype (``TypeError`` otherwise: convert with ``.to(M.dtype)``).
  A start value (``X0``) is converted to M's dtype. The ``check_*`` functions compare in float64 on
  purpose, so the tensors an exercise gives them may have any real dtype (integers included).
- Tensors with ``requires_grad=True`` are accepted everywhere; helpers that only measure detach them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch

COMPUTE_DTYPES = (torch.float32, torch.float64)
SEED_MAX = 2**64 - 1  # torch.manual_seed accepts seeds from 0 to 2^64 − 1


def _kind(x) -> str:
    """A short description of what x is, for error messages."""
    if isinstance(x, torch.Tensor):
        return f"a tensor of shape {tuple(x.shape)} and dtype {x.dtype}"
    if type(x).__module__ == "numpy":
        shape = getattr(x, "shape", None)
        return f"a NumPy {type(x).__name__}" + (f" of shape {shape}" if shape else "")
    return f"{type(x).__name__} {x!r}" if len(repr(x)) <= 40 else type(x).__name__


def _conversion(x, name: str) -> str:
    return (f"convert it first with {name} = torch.as_tensor({name}, dtype=torch.float64)"
            if not isinstance(x, str) else f"pass a tensor, e.g. {name} = torch.rand(4, 4, dtype=torch.float64)")


def tensor(x, name: str, *, ndim: int | None = None, floating: bool = True, empty: bool = False) -> torch.Tensor:
    """Return x if it is a usable tensor (see the rules above); raise TypeError/ValueError with a fix otherwise.

    ndim: required number of dimensions; floating: require float32/float64 (False: any real dtype,
    bool excluded); empty: allow a tensor without entries.
    """
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {_kind(x)}; {_conversion(x, name)}")
    if x.is_complex() or x.dtype == torch.bool:
        raise TypeError(f"{name} has dtype {x.dtype}; pass real numbers: {name}.double()"
                        + (f" or {name}.real.double()" if x.is_complex() else ""))
    if floating and x.dtype not in COMPUTE_DTYPES:
        why = ("float16/bfloat16 are too coarse for these helpers (and CPU QR/SVD do not support them)"
               if x.is_floating_point() else "gradients and decompositions need floating point numbers")
        raise TypeError(f"{name} has dtype {x.dtype}, but {why}; convert it with {name}.double() "
                        f"(float64) or {name}.float() (float32)")
    if ndim is not None and x.ndim != ndim:
        kind = {0: "a single number (0-d)", 1: "a vector (1-D)", 2: "a matrix (2-D)"}.get(ndim, f"{ndim}-D")
        extra = (f"; for a batch, call the helper on each matrix {name}[i]" if ndim == 2 and x.ndim > 2 else
                 f"; a vector v becomes a one-column matrix with {name}.reshape(-1, 1)" if ndim == 2 and x.ndim == 1
                 else "")
        raise ValueError(f"{name} must be {kind}, got shape {tuple(x.shape)}{extra}")
    if not empty and x.numel() == 0:
        raise ValueError(f"{name} is empty (shape {tuple(x.shape)}); pass a tensor with entries")
    return x


def finite(x: torch.Tensor, name: str) -> torch.Tensor:
    """Return x if it holds no NaN or inf; raise ValueError otherwise."""
    if x.is_floating_point() and not bool(torch.isfinite(x).all()):
        bad = int((~torch.isfinite(x)).sum())
        raise ValueError(
            f"{name} contains {bad} NaN or infinite entries (of {x.numel()}); check how it was built "
            f"(a diverged run or a division by zero) before passing it in"
        )
    return x


def matrix(x, name: str, *, square: bool = False, hint: str = "", finite_: bool = True) -> torch.Tensor:
    """Return x if it is a finite float32/float64 matrix (square if asked)."""
    x = tensor(x, name, ndim=2)
    if finite_:
        finite(x, name)
    if square and x.shape[0] != x.shape[1]:
        raise ValueError(f"{name} must be square, got shape {tuple(x.shape)}. {hint}".rstrip())
    return x


def square(x, name: str, hint: str = "") -> torch.Tensor:
    """Return x if it is a finite floating-point square matrix."""
    return matrix(x, name, square=True, hint=hint)


def nonzero(x: torch.Tensor, name: str, what: str = "there is nothing to compute") -> torch.Tensor:
    """Raise ValueError when x is all zeros."""
    if not bool((x != 0).any()):
        raise ValueError(f"{name} is all zeros: {what}; pass a matrix with a non-zero entry")
    return x


def same_shape(a: torch.Tensor, b: torch.Tensor, names: str) -> None:
    """Raise ValueError unless a and b have the same shape (no silent broadcasting)."""
    if a.shape != b.shape:
        raise ValueError(
            f"{names} must have the same shape, got {tuple(a.shape)} and {tuple(b.shape)}; "
            f"broadcasting them would give a silently wrong answer"
        )


def same_dtype(**tensors: torch.Tensor) -> None:
    """Raise TypeError unless all the named tensors share one dtype (mixed dtypes are never mixed silently)."""
    dtypes = {name: t.dtype for name, t in tensors.items()}
    if len(set(dtypes.values())) > 1:
        listed = ", ".join(f"{name} is {d}" for name, d in dtypes.items())
        first = next(iter(tensors))
        raise TypeError(f"mixed dtypes: {listed}; convert them to one dtype, e.g. X.to({first}.dtype)")


def number(value, name: str, *, integer: bool = False, text: bool = False,
           low: float | None = None, high: float | None = None,
           low_open: bool = False, high_open: bool = False) -> float | int:
    """Return a real number (Python, NumPy scalar or 0-d tensor) as float or int; bools, NaN, inf refused.

    With text=True a string such as "1e-3" or "20" is converted too (a parameters cell may get
    values as text from papermill or a widget). With integer=True the value must be whole (3.0 is 3).
    low/high bound the value (closed unless low_open/high_open): ValueError outside.
    """
    original = value
    if text and isinstance(value, str):
        try:
            cleaned = value.strip().replace("_", "")
            # whole numbers as int: float() would round a seed such as 2**63 - 1 to 2**63
            value = int(cleaned) if integer and cleaned.lstrip("+-").isdigit() else float(cleaned)
        except ValueError:
            raise TypeError(f"{name} must be a number, got the text {original!r}; write it without quotes, "
                            f"e.g. {name} = {'20' if integer else '1e-3'}") from None
    if isinstance(value, torch.Tensor):
        if value.numel() != 1 or value.dtype == torch.bool or value.is_complex():
            raise TypeError(f"{name} must be a single real number, got a tensor of shape "
                            f"{tuple(value.shape)} and dtype {value.dtype}; pass one number, e.g. {name}[0].item()")
        value = value.item()
    elif hasattr(value, "dtype") and hasattr(value, "item") and getattr(value, "shape", None) in ((), (1,)):
        value = value.item()  # a NumPy scalar or 0-d array
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        hint = " (True/False are not numbers here)" if isinstance(value, bool) else ""
        raise TypeError(f"{name} must be a number, got {_kind(original)}{hint}; "
                        f"pass e.g. {name} = {'20' if integer else '0.5'}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {original!r}; pass a finite value")
    if integer:
        if isinstance(value, float) and not value.is_integer():
            raise ValueError(f"{name} must be a whole number, got {original!r}; round it, e.g. round({name})")
        value = int(value)
    else:
        value = float(value)
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if too_low or too_high:
        raise ValueError(f"{name} must be {interval(low, high, low_open, high_open)}, got {original!r}")
    return value


def interval(low, high, low_open=False, high_open=False) -> str:
    """The range as words: 'a number > 0', 'a number in [0, 1)', 'at least 1'."""
    if low is not None and high is not None:
        return f"in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    if low is not None:
        return f"{'>' if low_open else '>='} {low:g}"
    if high is not None:
        return f"{'<' if high_open else '<='} {high:g}"
    return "a finite number"


def positive(value, name: str) -> float:
    """A finite number > 0 (a step, a tolerance, a scale)."""
    return number(value, name, low=0.0, low_open=True)


def fraction(value, name: str) -> float:
    """A number in [0, 1) (a momentum)."""
    return number(value, name, low=0.0, high=1.0, high_open=True)


def count(value, name: str, minimum: int = 0) -> int:
    """A whole number >= minimum (an iteration cap, a size, a rank). 3.0 counts as 3."""
    return number(value, name, integer=True, low=minimum)


def seed(value, name: str = "seed") -> int:
    """A seed for torch.Generator.manual_seed: a whole number from 0 to 2^64 − 1."""
    return number(value, name, integer=True, low=0, high=SEED_MAX)


def optional(value, check: Callable, name: str, *args):
    """None, or value checked by check(value, name, *args)."""
    return None if value is None else check(value, name, *args)


def choice(value, name: str, choices: Sequence[str]) -> str:
    """One of the allowed strings; TypeError for a non-string, ValueError for an unknown one."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {tuple(choices)}, got {_kind(value)}")
    if value not in choices:
        raise ValueError(f"{name} must be one of {tuple(choices)}, got {value!r}")
    return value


def flag(value, name: str) -> bool:
    """A bool (True/False)."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {_kind(value)}")
    return value


def function(f, name: str, example: str = "") -> Callable:
    """A callable; TypeError naming the parameter otherwise."""
    if not callable(f):
        raise TypeError(f"{name} must be a function (a callable), got {_kind(f)}"
                        + (f"; e.g. {example}" if example else ""))
    return f


def dtype(value, name: str = "dtype") -> torch.dtype:
    """torch.float32 or torch.float64."""
    if not isinstance(value, torch.dtype) or value not in COMPUTE_DTYPES:
        kind = "TypeError" if not isinstance(value, torch.dtype) else ""
        message = f"{name} must be torch.float64 or torch.float32, got {value!r}"
        if kind:
            raise TypeError(message)
        raise TypeError(message + " (float16/bfloat16 and integer dtypes are not supported)")
    return value


def text(value, name: str) -> str:
    """A string (a title, a label)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {_kind(value)}")
    return value


def numbers(values, name: str, *, empty: bool = False, one_d: bool = False) -> torch.Tensor:
    """A 1-D float64 tensor from a tensor, array or list of real numbers (plotting and spectra).

    one_d=True refuses a tensor or array with more than one dimension (ValueError) instead of
    flattening it: where one curve or one spectrum is meant, 2-D data is a mistake, not a list.
    """
    if isinstance(values, str) or values is None:
        raise TypeError(f"{name} must be a sequence of numbers, got {_kind(values)}")
    if one_d and getattr(values, "ndim", 1) > 1:
        raise ValueError(f"{name} must be 1-D (one value per point), got shape {tuple(values.shape)}; pass one row "
                         f"or column, e.g. {name}[0], or flatten it on purpose with .reshape(-1)")
    try:
        if isinstance(values, torch.Tensor):
            if values.is_complex() or values.dtype == torch.bool:
                raise TypeError
            out = values.detach().cpu().to(torch.float64).reshape(-1)
        else:
            out = torch.tensor([number(v, f"{name}[{i}]") if not isinstance(v, (int, float)) or isinstance(v, bool)
                                else float(v) for i, v in enumerate(values)], dtype=torch.float64)
    except TypeError:
        raise TypeError(f"{name} must be a sequence of real numbers, got {_kind(values)}") from None
    if not empty and out.numel() == 0:
        raise ValueError(f"{name} is empty: pass at least one number")
    return out


def tensors(values, name: str) -> list[torch.Tensor]:
    """A non-empty list of tensors (e.g. the parameters to optimise)."""
    if isinstance(values, torch.Tensor):
        return [values]
    if not isinstance(values, Sequence) or isinstance(values, str):
        raise TypeError(f"{name} must be a list of tensors, got {_kind(values)}; e.g. [X]")
    values = list(values)
    if not values:
        raise ValueError(f"{name} is empty: pass the tensors, e.g. [X]")
    return values
