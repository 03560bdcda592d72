"""Exercise self-checks: each prints one short line and returns True or False.

A blank answer (None or ...) prints "not attempted yet" and returns False without raising, so
"Run All" never stops at an exercise the learner has not done yet.
"""

from __future__ import annotations

import torch

__all__ = ["check_shape", "check_dot_product", "check_derivative", "check_fresh_gradient",
           "check_jacobian"]

PASS, FAIL, BLANK = "✅", "❌", "⏳"


def _blank(answer) -> bool:
    """True when the learner has not filled in the scaffold yet."""
    return answer is None or answer is Ellipsis


def _report(name: str, ok: bool, detail: str = "", hint: str = "") -> bool:
    """Print the one-line verdict of check `name` and return ok."""
    if ok:
        print(f"{PASS} {name}: correct. {detail}".rstrip())
    else:
        print(f"{FAIL} {name}: {detail} Hint: {hint}".strip())
    return ok


def _not_attempted(name: str) -> bool:
    print(f"{BLANK} {name}: not attempted yet (replace None with your answer and run the cell).")
    return False


def check_shape(answer, expected: tuple[int, ...], name: str = "shape") -> bool:
    """Check a predicted shape (a tuple of ints, or a tensor whose shape is compared).

    Introduced in notebook 01, section "Matrix products and their shapes".

    Parameters: answer: your prediction, e.g. (2, 3), or a tensor; expected: the right shape;
    name: what the exercise calls this shape.
    """
    if _blank(answer):
        return _not_attempted(name)
    got = tuple(answer.shape) if isinstance(answer, torch.Tensor) else answer
    try:
        if isinstance(got, str):
            raise TypeError(got)
        got = tuple(int(d) for d in got)
    except (TypeError, ValueError):
        return _report(name, False, f"expected a tuple of ints like (2, 3), got {answer!r}.",
                       "a shape lists the size of each dimension: rows first, then columns.")
    expected = tuple(expected)
    if got == expected:
        return _report(name, True, f"The shape is {expected}.")
    return _report(name, False, f"you predicted {got}, not the right shape.",
                   "(a, b) @ (b, c) gives (a, c); a 1-D operand loses its dimension in the result.")


# --- notebook 01 ---------------------------------------------------------------------------------

def _as_float64(answer) -> torch.Tensor | None:
    """The answer as a detached float64 tensor, or None when it is not made of numbers."""
    if isinstance(answer, str):
        return None
    try:
        if isinstance(answer, torch.Tensor):
            return answer.detach().to(torch.float64)
        return torch.as_tensor(answer, dtype=torch.float64)
    except (TypeError, ValueError, RuntimeError):
        return None


def _close(got: torch.Tensor, expected: torch.Tensor) -> bool:
    """Same shape and equal up to rounding (relative 1e-6, absolute 1e-8)."""
    return got.shape == expected.shape and torch.allclose(got, expected, rtol=1e-6, atol=1e-8)


def _fmt(t: torch.Tensor) -> str:
    """A short, stable text for a small tensor: a number, or a nested list rounded to 4 digits."""
    if t.ndim == 0:
        return f"{float(t):.6g}"
    return str(torch.round(t, decimals=4).tolist())


def _function(f, name: str):
    if not callable(f):
        raise TypeError(f"{name} must be a function (a callable), got {type(f).__name__}")
    return f


def check_dot_product(answer, a: torch.Tensor, b: torch.Tensor) -> bool:
    """Check a dot product a·b computed without torch.dot.

    Introduced in notebook 01, section "Vectors and the dot product".

    Parameters: answer: your result (a number or a 0-d tensor); a, b: the two vectors.
    """
    name = "dot product"
    if _blank(answer):
        return _not_attempted(name)
    expected = (a.to(torch.float64) * b.to(torch.float64)).sum()
    got = _as_float64(answer)
    if got is None or got.numel() == 0:
        return _report(name, False, f"expected a number, got {answer!r}.",
                       "multiply the vectors entry by entry, then add up the products.")
    if got.shape == a.shape and _close(got, a.to(torch.float64) * b.to(torch.float64)):
        return _report(name, False, "that is the vector of products, one per entry.",
                       "a dot product is a single number: add the products up with .sum().")
    if got.numel() == 1 and _close(got.reshape(()), expected):
        return _report(name, True, f"a·b = {_fmt(expected)}.")
    return _report(name, False, f"you got {_fmt(got)}, which is not a·b.",
                   "multiply the vectors entry by entry (a * b), then add up the products (.sum()).")


def check_derivative(answer, f, x: float) -> bool:
    """Check a hand-derived value of f′(x) against autograd.

    Introduced in notebook 01, section "Computation graphs".

    Parameters: answer: your value of the derivative at x (a number or a 0-d tensor); f: the
    function (takes and returns a scalar tensor); x: the point (a number).
    """
    name = "derivative"
    _function(f, "f")
    if _blank(answer):
        return _not_attempted(name)
    point = torch.tensor(float(x), dtype=torch.float64, requires_grad=True)
    value = f(point)
    (expected,) = torch.autograd.grad(value, point)
    got = _as_float64(answer)
    if got is None or got.numel() != 1:
        return _report(name, False, f"expected one number, got {answer!r}.",
                       "evaluate your formula for f′ at the given x to get a single number.")
    got = got.reshape(())
    if _close(got, expected):
        return _report(name, True, f"f′({float(x):g}) = {_fmt(expected)}, as autograd says.")
    if _close(got, value.detach()):
        return _report(name, False, f"{_fmt(got)} is f({float(x):g}) itself, not its slope.",
                       "differentiate first (chain rule: outer′ · inner′), then plug in x.")
    return _report(name, False, f"you got {_fmt(got)}, but f′({float(x):g}) is something else.",
                   "apply the chain rule one layer at a time, from the outside in.")


def check_fresh_gradient(answer, loss_fn, w: torch.Tensor) -> bool:
    """Check that a gradient holds one backward() call's worth, not an accumulated sum.

    Introduced in notebook 01, section "Gradients accumulate".

    Parameters: answer: the gradient you read from w.grad after your loop; loss_fn: the loss
    as a function of w; w: the tensor the gradient belongs to.
    """
    name = "fresh gradient"
    _function(loss_fn, "loss_fn")
    if _blank(answer):
        return _not_attempted(name)
    point = w.detach().to(torch.float64).requires_grad_()
    (expected,) = torch.autograd.grad(loss_fn(point), point)
    got = _as_float64(answer)
    if got is None or got.shape != expected.shape:
        return _report(name, False, f"expected a tensor of shape {tuple(expected.shape)} "
                       f"(w.grad), got {answer!r}.", "pass w.grad itself after the loop.")
    if _close(got, expected):
        return _report(name, True, f"the gradient is {_fmt(expected)}, from one backward() call.")
    for times in range(2, 101):
        if _close(got, times * expected):
            return _report(name, False, f"that is {times} gradients added up: .grad accumulated "
                           f"over {times} backward() calls.",
                           "call w.grad.zero_() (or optimizer.zero_grad()) before each backward().")
    return _report(name, False, f"you got {_fmt(got)}, not the gradient {_fmt(expected)}.",
                   "run the fixed loop from a fresh w, then pass w.grad.")


def check_jacobian(answer, f, x: torch.Tensor) -> bool:
    """Check a hand-computed Jacobian matrix of f at x (rows: outputs, columns: inputs).

    Introduced in notebook 01, section "backward(v) and the Jacobian".

    Parameters: answer: your Jacobian (a tensor or nested list); f: the function (vector in,
    vector out); x: the point (a 1-D tensor).
    """
    name = "Jacobian"
    _function(f, "f")
    if _blank(answer):
        return _not_attempted(name)
    expected = torch.autograd.functional.jacobian(f, x.detach().to(torch.float64))
    got = _as_float64(answer)
    if got is None:
        return _report(name, False, f"expected a matrix of numbers, got {answer!r}.",
                       "write it as torch.tensor([[...], [...]]), one row per output.")
    if _close(got, expected):
        return _report(name, True, f"J = {_fmt(expected)}.")
    if got.ndim == 2 and _close(got.T, expected):
        return _report(name, False, "that is the transpose of the Jacobian.",
                       "row i holds the derivatives of output i; column j is input j.")
    if got.shape != expected.shape:
        return _report(name, False, f"your matrix has shape {tuple(got.shape)}, the Jacobian has "
                       f"shape {tuple(expected.shape)}.",
                       "one row per output of f and one column per input.")
    wrong = int((~torch.isclose(got, expected, rtol=1e-6, atol=1e-8)).sum())
    return _report(name, False, f"{wrong} of the {expected.numel()} entries are off.",
                   "entry (i, j) is ∂f_i/∂x_j: differentiate output i with respect to input j.")
