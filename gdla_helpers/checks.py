"""Exercise self-checks: each prints one short line and returns a Verdict (true when right).

A blank answer (None or ...) prints "not attempted yet" and returns False without raising, so
"Run All" never stops at an exercise the learner has not done yet. A wrong answer of any kind or
shape (a string, a list, NaN, floats for labels) is judged False with a hint, never raised; the
tensors the exercise itself passes in (M, X, U, S, V, ...) are checked by ``_validate`` like every
helper's input and raise a clear TypeError/ValueError.

Deliberately independent of the package's math: each check recomputes its expected value from
torch primitives (``torch.linalg.svdvals``, ``pinv``, ``autograd``) in float64, and does not call
``inverse_gradient``, ``inverse_curvature``, ``relative_residual`` or ``svd_errors``. A check is the
oracle a learner's answer is compared with: if it reused the helper that computes the same
formula, a bug in that helper would make the check approve the same wrong answer (and the unit
tests of the helpers compare them with these independent formulas). The one exception is
``check_iteration_prediction``, whose answer is a *measured* count: it runs ``inverse_gd``.
"""

from __future__ import annotations

import numbers

import torch

from . import _validate

__all__ = ["check_shape", "check_dot_product", "check_derivative", "check_fresh_gradient",
           "check_jacobian",
           "check_inverse_gradient", "check_largest_stable_lr", "check_iteration_prediction",
           "check_inverse", "check_pseudo_inverse",
           "check_svd_reconstruction", "check_rank_k_error", "check_top_singular_pair",
           "check_word_topics"]

PASS, FAIL, BLANK = "✅", "❌", "⏳"


def _blank(answer) -> bool:
    """True when the learner has not filled in the scaffold yet."""
    return answer is None or answer is Ellipsis


class Verdict:
    """A check's outcome: true when the answer is right; shows nothing in a notebook.

    The check has already printed its one-line verdict, so a check on a cell's last line must not
    also echo ``True``/``False`` under it. ``bool(v)``, ``if v:`` and ``v == True`` work as for a bool.
    """

    __slots__ = ("ok",)

    def __init__(self, ok: bool):
        self.ok = bool(ok)

    def __bool__(self) -> bool:
        return self.ok

    def __eq__(self, other) -> bool:
        if isinstance(other, (bool, Verdict)):
            return self.ok == bool(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.ok)

    def __repr__(self) -> str:
        return f"Verdict({'right' if self.ok else 'not right yet'})"

    def _ipython_display_(self) -> None:
        """Display nothing: the printed line is the verdict."""


def _report(name: str, ok: bool, detail: str = "", hint: str = "") -> Verdict:
    """Print the one-line verdict of check `name` and return it as a Verdict."""
    if ok:
        print(f"{PASS} {name}: correct. {detail}".rstrip())
    else:
        print(f"{FAIL} {name}: {detail} Hint: {hint}".strip())
    return Verdict(ok)


def _not_attempted(name: str) -> Verdict:
    print(f"{BLANK} {name}: not attempted yet (replace None with your answer and run the cell).")
    return Verdict(False)


def check_shape(answer, expected: tuple[int, ...], name: str = "shape") -> Verdict:
    """Check a predicted shape (a tuple of ints, or a tensor whose shape is compared).

    Introduced in notebook 01, section "torch.matmul (alias @) and its shape rules".

    Parameters: answer: your prediction, e.g. (2, 3), or a tensor; expected: the right shape;
    name: what the exercise calls this shape.
    """
    if _blank(answer):
        return _not_attempted(name)
    expected = _shape(expected, "expected")
    got = tuple(answer.shape) if isinstance(answer, torch.Tensor) else answer
    try:
        got = _shape(got, "answer")
    except (TypeError, ValueError):
        return _report(name, False, f"expected a tuple of ints like (2, 3), got {answer!r}.",
                       "a shape lists the size of each dimension: rows first, then columns.")
    if got == expected:
        return _report(name, True, f"The shape is {expected}.")
    return _report(name, False, f"you predicted {got}, not the right shape.",
                   "(a, b) @ (b, c) gives (a, c), and a 1-D operand loses its dimension in the result; the "
                   "dimensions before the last two are batch dimensions: they broadcast (lined up from the right, "
                   "a size 1 stretched to match).")


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


def _eps(t) -> float:
    """Machine epsilon of a floating tensor given by an exercise; float64's for anything else."""
    floating = isinstance(t, torch.Tensor) and t.is_floating_point()
    return torch.finfo(t.dtype if floating else torch.float64).eps


def _close(got: torch.Tensor, expected: torch.Tensor) -> bool:
    """Same shape and equal up to rounding (relative 1e-6, absolute 1e-8)."""
    return got.shape == expected.shape and torch.allclose(got, expected, rtol=1e-6, atol=1e-8)


def _fmt(t: torch.Tensor) -> str:
    """A short, stable text for a small tensor: a number, or a nested list rounded to 4 digits."""
    if t.ndim == 0:
        return f"{float(t):.6g}"
    return str(torch.round(t, decimals=4).tolist())


def _function(f, name: str):
    return _validate.function(f, name)


def _shape(value, name: str) -> tuple[int, ...]:
    """A shape: a tuple/list/torch.Size of whole numbers >= 0 (2.7, "2", True are not sizes)."""
    if isinstance(value, (str, bytes, torch.Tensor)) or not isinstance(value, (tuple, list)):
        raise TypeError(f"{name} must be a shape such as (2, 3), got {value!r}")
    out = []
    for d in value:
        if isinstance(d, bool) or not isinstance(d, numbers.Integral) or int(d) < 0:
            raise ValueError(f"{name} must hold whole numbers >= 0 such as (2, 3), got {value!r}")
        out.append(int(d))
    return tuple(out)


def _given(t, name: str, *, ndim: int | None = None, square: bool = False) -> torch.Tensor:
    """A tensor the exercise gives (not the learner's answer), checked, as a detached float64 copy.

    The checks compare in float64 whatever the real dtype of the exercise (integers too).
    """
    t = _validate.finite(_validate.tensor(t, name, ndim=ndim, floating=False), name)
    if square and t.shape[0] != t.shape[1]:
        raise ValueError(f"{name} must be square, got shape {tuple(t.shape)}")
    return t.detach().to(torch.float64)


def check_dot_product(answer, a: torch.Tensor, b: torch.Tensor) -> Verdict:
    """Check a dot product a·b computed without torch.dot.

    Introduced in notebook 01, section "Vectors and the dot product".

    Parameters: answer: your result (a number or a 0-d tensor); a, b: the two vectors.
    """
    name = "dot product"
    eps = max(_eps(a), _eps(b))  # the precision the learner's sum was computed in
    a, b = _given(a, "a", ndim=1), _given(b, "b", ndim=1)
    _validate.same_shape(a, b, "a and b")
    if _blank(answer):
        return _not_attempted(name)
    expected = (a * b).sum()
    got = _as_float64(answer)
    if got is None or got.numel() == 0:
        return _report(name, False, f"expected a number, got {answer!r}.",
                       "multiply the vectors entry by entry, then add up the products.")
    if got.shape == a.shape and _close(got, a * b):
        return _report(name, False, "that is the vector of products, one per entry.",
                       "a dot product is a single number: add the products up with .sum().")
    # Rounding in a sum of n products typically grows like √n·u·Σ|a_i·b_i| (u = eps/2, the unit
    # roundoff of the vectors' precision): twice that is allowed, so that a correct float32 loop over
    # long vectors passes while a missing or wrong term does not.
    bound = a.numel() ** 0.5 * eps * (a * b).abs().sum()
    if got.numel() == 1 and (_close(got.reshape(()), expected) or (got.reshape(()) - expected).abs() <= bound):
        return _report(name, True, f"a·b = {_fmt(expected)}.")
    return _report(name, False, f"you got {_fmt(got)}, which is not a·b.",
                   "multiply the vectors entry by entry (a * b), then add up the products (.sum()).")


def check_derivative(answer, f, x: float) -> Verdict:
    """Check a hand-derived value of f′(x) against autograd.

    Introduced in notebook 01, section "Computation graphs".

    Parameters: answer: your value of the derivative at x (a number or a 0-d tensor); f: the
    function (takes and returns a scalar tensor); x: the point (a number).
    """
    name = "derivative"
    _function(f, "f")
    x = _validate.number(x, "x")
    if _blank(answer):
        return _not_attempted(name)
    point = torch.tensor(x, dtype=torch.float64, requires_grad=True)
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


def check_fresh_gradient(answer, loss_fn, w: torch.Tensor) -> Verdict:
    """Check that a gradient holds one backward() call's worth, not an accumulated sum.

    Introduced in notebook 01, section "Gradients accumulate".

    Parameters: answer: the gradient you read from w.grad after your loop; loss_fn: the loss
    as a function of w; w: the tensor the gradient belongs to.
    """
    name = "fresh gradient"
    _function(loss_fn, "loss_fn")
    if _blank(answer):
        return _not_attempted(name)
    point = _given(w, "w").requires_grad_()
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
                           ("put w.grad = None (what optimizer.zero_grad() does) before each backward() in the loop; "
                            "w.grad.zero_() works too, but only once w.grad exists, so not on the first pass."))
    return _report(name, False, f"you got {_fmt(got)}, not the gradient {_fmt(expected)}.",
                   "run the fixed loop from a fresh w, then pass w.grad.")


def check_jacobian(answer, f, x: torch.Tensor) -> Verdict:
    """Check a hand-computed Jacobian matrix of f at x (rows: outputs, columns: inputs).

    Introduced in notebook 01, section "backward(v) is a vector–Jacobian product".

    Parameters: answer: your Jacobian (a tensor or nested list); f: the function (vector in,
    vector out); x: the point (a 1-D tensor).
    """
    name = "Jacobian"
    _function(f, "f")
    if _blank(answer):
        return _not_attempted(name)
    expected = torch.autograd.functional.jacobian(f, _given(x, "x", ndim=1))
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


# --- notebook 02 ---------------------------------------------------------------------------------

def _matrix_answer(answer, name: str, shape: tuple[int, ...],
                   nan_hint: str = "lower the learning rate below the largest stable step."):
    """The answer as float64 when it is a matrix of the expected shape, else a failing report."""
    got = _as_float64(answer)
    if got is None or tuple(got.shape) != tuple(shape):
        found = "not numbers" if got is None else f"shape {tuple(got.shape)}"
        return None, _report(name, False, f"expected a {shape[0]}×{shape[1]} matrix, got {found}.",
                             "your answer should have the shape of the matrix it approximates.")
    if not bool(torch.isfinite(got).all()):
        return None, _report(name, False, "your matrix contains NaN or inf (a diverged run?).", nan_hint)
    return got, None


def _number_answer(answer, name: str, hint: str = "compute it from the singular values: torch.linalg.svdvals(M)."):
    got = _as_float64(answer)
    if got is None or got.numel() != 1 or not bool(torch.isfinite(got).all()):
        return None, _report(name, False, f"expected one finite number, got {answer!r}.", hint)
    return float(got.reshape(())), None


def check_inverse_gradient(answer, X: torch.Tensor, M: torch.Tensor, side: str = "left") -> Verdict:
    """Check a closed-form gradient of mse(X·M, I) ("left") or mse(M·X, I) ("right") with respect to X.

    Introduced in notebook 02, section "The first gradient, by hand".

    Parameters: answer: your gradient (an n×n tensor); X, M: the point and the square matrix;
    side: which loss, "left" (X·M) or "right" (M·X).
    """
    _validate.choice(side, "side", ("left", "right"))
    name = f"gradient of mse({'X·M' if side == 'left' else 'M·X'}, I)"
    X64, M64 = _given(X, "X", ndim=2, square=True), _given(M, "M", ndim=2, square=True)
    _validate.same_shape(X64, M64, "X and M")
    if _blank(answer):
        return _not_attempted(name)
    n = M64.shape[1]
    identity = torch.eye(n, dtype=torch.float64)
    raw = (X64 @ M64 - identity) @ M64.T if side == "left" else M64.T @ (M64 @ X64 - identity)
    other = M64.T @ (M64 @ X64 - identity) if side == "left" else (X64 @ M64 - identity) @ M64.T
    expected = 2.0 / n**2 * raw
    got, failed = _matrix_answer(answer, name, tuple(expected.shape),
                                 "build the gradient from the finite X and M you were given, with no "
                                 "division: its entries are then finite too.")
    if got is None:
        return failed
    if _close(got, expected):
        formula = "(2/n²)·(X·M − I)·Mᵀ" if side == "left" else "(2/n²)·Mᵀ·(M·X − I)"
        return _report(name, True, f"∇ = {formula}, the same as X.grad.")
    if _close(got, raw) or _close(got, 2.0 * raw):
        return _report(name, False, "the direction is right but the size is not.",
                       f"the mean divides by the n² = {n * n} entries, and the square gives a factor 2.")
    if _close(got, 2.0 / n**2 * other):
        return _report(name, False, "that is the gradient of the other way of posing the problem.",
                       "X sits on the left of M in X·M, so Mᵀ multiplies from the right (and vice versa).")
    return _report(name, False, "this is not the gradient.",
                   "differentiate Σ(product − I)²/n² entry by entry; the chain rule puts Mᵀ on the side "
                   "where M is.")


def check_largest_stable_lr(answer, M: torch.Tensor) -> Verdict:
    """Check the largest stable learning rate of plain gradient descent on mse(X·M, I).

    Related to notebook 02, section "The largest safe step" (the notebooks do not call it).

    Parameters: answer: your learning rate (a number); M: the matrix.
    """
    name = "largest stable learning rate"
    M64 = _validate.nonzero(_given(M, "M", ndim=2), "M", "every step is stable for a zero matrix")
    if _blank(answer):
        return _not_attempted(name)
    got, failed = _number_answer(answer, name)
    if got is None:
        return failed
    s = torch.linalg.svdvals(M64)
    n = M64.shape[1]
    L, mu = 2 * s[0].item() ** 2 / n**2, 2 * s[-1].item() ** 2 / n**2
    expected, best = 2.0 / L, 2.0 / (L + mu)
    # When κ = σ_max/σ_min > 32, 2/(L + mu) lies within 0.1 % of 2/L: an answer equal to it (to 1e-9)
    # is that formula, not a rounded 2/L.
    if abs(got - best) <= 1e-9 * best < abs(expected - best):
        return _report(name, False, "that is 2/(L + mu), the best fixed step, not the largest one.",
                       "the limit comes from the steepest direction alone: |1 − lr·L| < 1.")
    if abs(got - expected) <= 1e-3 * expected:
        return _report(name, True, f"2/L = n²/σ_max² = {expected:.4g}.")
    if abs(got - 1.0 / L) <= 1e-3 / L:
        return _report(name, False, "that is 1/L, the step that jumps straight to the bottom of the "
                       "steepest direction.", "the iteration only blows up when |1 − lr·L| > 1.")
    if abs(got - best) <= 1e-3 * best:
        return _report(name, False, "that is 2/(L + mu), the best fixed step, not the largest one.",
                       "the limit comes from the steepest direction alone: |1 − lr·L| < 1.")
    return _report(name, False, f"you got {got:.4g}.",
                   "the steepest curvature is L = 2σ_max²/n²; plain steps are stable while lr·L < 2.")


def check_iteration_prediction(answer, M: torch.Tensor, lr: float, momentum: float = 0.0,
                               tol: float = 1e-6) -> Verdict:
    """Check a prediction of the iterations gradient descent needs on M (within ±15 % of a real run).

    Related to notebook 02, section "Predicting the iteration count" (the notebooks do not call it).

    Parameters: answer: your predicted count (a number); M: the square matrix; lr, momentum: the
    run's settings (start X = 0, float64); tol: the tolerance on ‖XM − I‖_F/√n.
    """
    from .inverse import inverse_gd

    name = "iteration count prediction"
    M64 = _given(M, "M", ndim=2, square=True)
    lr, momentum = _validate.positive(lr, "lr"), _validate.fraction(momentum, "momentum")
    tol = _validate.positive(tol, "tol")
    if _blank(answer):
        return _not_attempted(name)
    got, failed = _number_answer(answer, name, "give one number: the count that "
                                 "gh.predict_iterations(M, lr, momentum, tol=tol) predicts.")
    if got is None:
        return failed
    _, history = inverse_gd(M64, lr=lr, momentum=momentum, tol=tol,
                            max_iter=200_000, on_divergence="return")
    if not history.converged:
        return _report(name, False, f"the run did not converge ({history.message}).",
                       "pick a learning rate below the largest stable step.")
    measured = history.iterations
    if abs(got - measured) <= 0.15 * measured:
        return _report(name, True, f"the run took {measured} iterations; you predicted {got:.0f}.")
    return _report(name, False, f"the run took {measured} iterations; you predicted {got:.0f}.",
                   "ln(tol)/ln(rate) with the rate from κ is a guide; gh.predict_iterations runs the "
                   "recurrence of every curvature direction.")


def check_inverse(answer, M: torch.Tensor, tol: float = 1e-6) -> Verdict:
    """Check an approximate inverse: ‖X·M − I‖_F/√n <= tol.

    Introduced in notebook 02, section "The loop you wrote, packaged".

    Parameters: answer: your X (n×n); M: the square matrix; tol: the tolerance.
    """
    name = "approximate inverse"
    M64 = _given(M, "M", ndim=2, square=True)
    tol = _validate.positive(tol, "tol")
    if _blank(answer):
        return _not_attempted(name)
    got, failed = _matrix_answer(answer, name, tuple(M64.T.shape))
    if got is None:
        return failed
    n = M64.shape[0]
    residual = (torch.linalg.matrix_norm(got @ M64 - torch.eye(n, dtype=torch.float64)) / n**0.5).item()
    if residual <= tol:
        return _report(name, True, f"‖XM − I‖_F/√n = {residual:.1e} <= {tol:g}.")
    return _report(name, False, f"‖XM − I‖_F/√n = {residual:.1e} is above {tol:g}.",
                   "run more iterations (check the history's message) or tune lr and momentum.")


def check_pseudo_inverse(answer, M: torch.Tensor, atol: float = 1e-6) -> Verdict:
    """Check a pseudo-inverse against torch.linalg.pinv (entries within atol).

    Introduced in notebook 02, section "Deep dive: when there is no inverse".

    Parameters: answer: your X (n×m for an m×n M); M: the matrix; atol: allowed entry error.
    """
    name = "pseudo-inverse"
    M64 = _given(M, "M", ndim=2)
    atol = _validate.positive(atol, "atol")
    if _blank(answer):
        return _not_attempted(name)
    expected = torch.linalg.pinv(M64)
    got, failed = _matrix_answer(answer, name, tuple(expected.shape))
    if got is None:
        return failed
    error = (got - expected).abs().max().item()
    if error <= atol:
        return _report(name, True, f"largest entry error {error:.1e}.")
    n = M64.shape[1]
    if (torch.linalg.matrix_norm(got @ M64 - expected @ M64) / n**0.5).item() <= 1e-4:
        return _report(name, False, "X·M is right, but X has an extra part that M cannot see.",
                       "start from X = 0: a random start keeps its null-space component forever.")
    return _report(name, False, f"largest entry error {error:.1e}.",
                   "run gradient descent from X = 0 to tolerance (or compare with torch.linalg.pinv).")


# --- notebook 03 ---------------------------------------------------------------------------------

def check_svd_reconstruction(answer, U: torch.Tensor, S: torch.Tensor, V: torch.Tensor) -> Verdict:
    """Check that answer rebuilds U·diag(S)·Vᵀ from an SVD's factors.

    Introduced in notebook 03, section "The shapes of an SVD".

    Parameters: answer: your matrix; U (m×k), S (k), V (n×k): the factors.
    """
    name = "reconstruction"
    U64, S64, V64 = _given(U, "U", ndim=2), _given(S, "S", ndim=1), _given(V, "V", ndim=2)
    if U64.shape[1] != S64.shape[0] or V64.shape[1] != S64.shape[0]:
        raise ValueError(f"U, S, V must be m×k, k and n×k (V, not Vᵀ), got {tuple(U64.shape)}, "
                         f"{tuple(S64.shape)} and {tuple(V64.shape)}")
    if _blank(answer):
        return _not_attempted(name)
    expected = (U64 * S64) @ V64.T
    got, failed = _matrix_answer(answer, name, tuple(expected.shape),
                                 "multiply the factors you were given, U · diag(S) · Vᵀ: finite factors "
                                 "give a finite product.")
    if got is None:
        return failed
    if torch.allclose(got, expected, rtol=1e-6, atol=1e-9):
        return _report(name, True, "U·diag(S)·Vᵀ gives M back.")
    if torch.allclose(got, U64 @ torch.diag(S64) @ V64, rtol=1e-6, atol=1e-9):
        return _report(name, False, "you multiplied by V, not by Vᵀ.", "the last factor is V.T (or V.mT).")
    return _report(name, False, "this is not U·diag(S)·Vᵀ.",
                   "U * S scales U's columns; then multiply by V.T.")


def check_rank_k_error(answer, M: torch.Tensor, k: int) -> Verdict:
    """Check ‖M - M_k‖_F for the best rank-k approximation M_k (Eckart–Young: the tail of σ).

    Introduced in notebook 03, section "Best low-rank approximation (Eckart–Young)".

    Parameters: answer: your number; M: the matrix; k: the rank.
    """
    name = "rank-k error"
    M64 = _given(M, "M", ndim=2)
    k = _validate.count(k, "k")
    if k > min(M64.shape):
        raise ValueError(f"k must be at most min(m, n) = {min(M64.shape)} for a {M64.shape[0]}×{M64.shape[1]} M, "
                         f"got {k}")
    if _blank(answer):
        return _not_attempted(name)
    got, failed = _number_answer(answer, name)
    if got is None:
        return failed
    sigma = torch.linalg.svdvals(M64)
    expected = float(torch.sqrt((sigma[k:] ** 2).sum()))
    if abs(got - expected) <= 1e-8 * max(1.0, float(sigma[0])):
        return _report(name, True, f"‖M − M_{k}‖_F = {expected:.6g}, the root of the tail's squares.")
    if abs(got - float((sigma[k:] ** 2).sum())) <= 1e-8 * max(1.0, float(sigma[0]) ** 2):
        return _report(name, False, "that is the squared error.", "take the square root of the sum.")
    if k < sigma.numel() and abs(got - float(sigma[k])) <= 1e-8 * max(1.0, float(sigma[0])):
        return _report(name, False, "that is σ_{k+1}, the error in the spectral norm.",
                       "the Frobenius error adds up ALL dropped singular values: sqrt(sum of squares).")
    return _report(name, False, f"expected a different value than {got:.6g}.",
                   "keep the k largest singular values; the error is sqrt(sum of the squared rest).")


def check_top_singular_pair(answer, M: torch.Tensor, tol: float = 1e-6) -> Verdict:
    """Check a top singular pair (u, v): unit vectors with M·v = σ₁·u (either common sign).

    Introduced in notebook 03, section "One pair at a time: the power method".

    Parameters: answer: a tuple (u, v) of 1-D tensors (u has M's rows, v its columns); M; tol.
    """
    name = "top singular pair"
    M64 = _validate.nonzero(_given(M, "M", ndim=2), "M", "every unit vector is a singular vector")
    tol = _validate.positive(tol, "tol")
    if _blank(answer):
        return _not_attempted(name)
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        return _report(name, False, f"expected a tuple (u, v), got {type(answer).__name__}.",
                       "return both vectors: my_answer = (u, v).")
    u, v = (_as_float64(x) for x in answer)
    if u is None or v is None or u.shape != (M64.shape[0],) or v.shape != (M64.shape[1],):
        return _report(name, False, f"u must have {M64.shape[0]} entries and v {M64.shape[1]}.",
                       "u lives in M's column space (length m), v in its row space (length n).")
    sigma1 = float(torch.linalg.svdvals(M64)[0])
    unit = max(abs(float(torch.linalg.vector_norm(u)) - 1), abs(float(torch.linalg.vector_norm(v)) - 1))
    if unit > tol:
        return _report(name, False, "u and v must have length 1.", "divide each by its norm.")
    residual = float(torch.linalg.vector_norm(M64 @ v - sigma1 * u)) / sigma1
    if residual <= tol:
        return _report(name, True, f"M·v = σ₁·u with σ₁ = {sigma1:.6g} (relative residual {residual:.1e}).")
    if float(torch.linalg.vector_norm(M64 @ v + sigma1 * u)) / sigma1 <= tol:
        return _report(name, False, "u has the wrong sign for this v.",
                       "the pair shares one sign: compute u from v as M·v / ‖M·v‖.")
    return _report(name, False, f"‖M·v − σ₁·u‖/σ₁ = {residual:.1e}.",
                   "iterate v <- Mᵀ·M·v / ‖Mᵀ·M·v‖ longer, then set u = M·v / ‖M·v‖.")


def _labels(answer) -> list[int]:
    """Integer labels from a list or a 1-D tensor/array of whole numbers (no floats, no strings)."""
    if isinstance(answer, str):
        raise TypeError(answer)
    if isinstance(answer, torch.Tensor):
        if answer.is_floating_point() or answer.is_complex() or answer.ndim != 1:
            raise TypeError(answer)
        return [int(a) for a in answer.tolist()]
    if hasattr(answer, "dtype") and hasattr(answer, "tolist"):  # a NumPy array
        if getattr(answer, "ndim", 1) != 1 or answer.dtype.kind not in "iu":
            raise TypeError(answer)
        answer = answer.tolist()
    out = []
    for a in answer:
        if isinstance(a, bool) or not isinstance(a, numbers.Integral):
            raise TypeError(a)
        out.append(int(a))
    return out


def check_word_topics(answer, word_topic: torch.Tensor) -> Verdict:
    """Check a grouping of words into topics against the planted one (labels may be permuted).

    Introduced in notebook 03, section "Latent semantic analysis: finding the planted topics".

    Parameters: answer: one group label per word (list or 1-D tensor of ints); word_topic: the
    planted topic of each word (TopicData.word_topic).
    """
    name = "word topics"
    if _blank(answer):
        return _not_attempted(name)
    word_topic = _validate.tensor(word_topic, "word_topic", ndim=1, floating=False)
    if word_topic.is_floating_point():
        raise TypeError(f"word_topic must hold integer labels (dtype {word_topic.dtype} given); "
                        f"pass TopicData.word_topic")
    truth = [int(t) for t in word_topic]
    try:
        got = _labels(answer)
    except (TypeError, ValueError):
        return _report(name, False, f"expected one integer label per word, got {answer!r}.",
                       "one integer per word: e.g. the index of the centre each word has the largest cosine with.")
    if len(got) != len(truth):
        return _report(name, False, f"expected {len(truth)} labels (one per word), got {len(got)}.",
                       "label every column of the documents × words matrix.")
    pairs = set(zip(got, truth, strict=True))
    if len(pairs) == len(set(got)) == len(set(truth)):
        return _report(name, True, f"the {len(set(truth))} planted word groups are found.")
    wrong = len(got) - sum(max(sum(1 for g, t in zip(got, truth, strict=True) if g == a and t == b)
                               for b in set(truth)) for a in set(got))
    return _report(name, False, f"about {wrong} word(s) are in a different group than planted.",
                   "take word 0 as the first centre, then n_topics - 1 times add the word whose largest "
                   "|cosine| with the centres so far is smallest; label each word by the centre it has the "
                   "largest cosine with: (directions @ directions[centres].T).argmax(dim=1).")
