"""The inverse and pseudo-inverse by gradient descent: thin wrappers around gd.minimize.

The loss is mse(X·M, I). It is a quadratic in X whose curvatures are 2σ_i²/n² (σ_i the singular
values of M, n the size of I), so the step size, the momentum and the iteration count all follow
from M's spectrum.
"""

from __future__ import annotations

import math
import time

import torch

from . import _validate, gd
from .losses import identity_like

__all__ = [
    "METHODS",
    "inverse_loss",
    "inverse_gradient",
    "inverse_curvature",
    "inverse_params",
    "predict_iterations",
    "inverse_gd",
    "pinv_gd",
    "newton_schulz",
]

# Step size and momentum chosen from the spectrum (see inverse_params).
METHODS = ("gd", "polyak", "tuned", "heavy_ball", "nesterov")
# tuned = Polyak's parameters computed from a largest curvature over-estimated by this factor.
# "heavy_ball" is the old name of "tuned" (kept as an alias: the same parameters).
HEAVY_BALL_MARGIN = 0.1
NON_SQUARE_HINT = (
    "A non-square matrix has no inverse: use gh.pinv_gd(M) (gradient descent to the pseudo-inverse) "
    "or torch.linalg.pinv(M)."
)


def inverse_loss(X: torch.Tensor, M: torch.Tensor, side: str = "left") -> torch.Tensor:
    """The loss of the inverse problem: mse(X·M, I) ("left"), mse(M·X, I) ("right") or of their average ("both").

    Introduced in notebook 02, section "The loop you wrote, packaged".

    Parameters: X: the current guess (n×m for an m×n M; "right"/"both" need a square M);
    M: the matrix; side: "left", "right" or "both".
    """
    X, M = _pair(X, M)
    _validate.choice(side, "side", ("left", "right", "both"))
    if side != "left" and M.shape[0] != M.shape[1]:
        raise ValueError(f"side={side!r} needs a square M, got shape {tuple(M.shape)}; use side='left' "
                         f"for a non-square M")
    return _loss(X, M, side)


def _loss(X: torch.Tensor, M: torch.Tensor, side: str = "left") -> torch.Tensor:
    """inverse_loss without the checks (the loops check their input once, not at every step)."""
    if side == "left":
        product = X @ M
    elif side == "right":
        product = M @ X
    elif side == "both":
        product = (X @ M + M @ X) / 2
    identity = torch.eye(product.shape[0], dtype=product.dtype, device=product.device)
    return ((product - identity) ** 2).mean()


def inverse_gradient(X: torch.Tensor, M: torch.Tensor) -> torch.Tensor:
    """The gradient of mse(X·M, I) in closed form: (2/n²)·(X·M − I)·Mᵀ.

    Related to notebook 02, section "The first gradient, by hand" (the notebooks do not call it).

    Parameters: X: n×m guess; M: m×n matrix.
    """
    return _gradient(*_pair(X, M))


def _gradient(X: torch.Tensor, M: torch.Tensor) -> torch.Tensor:
    """inverse_gradient without the checks."""
    n = M.shape[1]
    return 2.0 / n**2 * (X @ M - torch.eye(n, dtype=M.dtype, device=M.device)) @ M.mT


def _pair(X, M) -> tuple[torch.Tensor, torch.Tensor]:
    """X (n×m) and M (m×n): finite M, matrices of one dtype whose product X·M is n×n."""
    M = _validate.matrix(M, "M")
    X = _validate.tensor(X, "X", ndim=2)
    _validate.same_dtype(X=X, M=M)
    if X.shape != (M.shape[1], M.shape[0]):
        raise ValueError(f"X must have shape {(M.shape[1], M.shape[0])} for a {M.shape[0]}×{M.shape[1]} M "
                         f"(so that X·M is {M.shape[1]}×{M.shape[1]}), got {tuple(X.shape)}")
    return X, M


def _singular_values(M: torch.Tensor) -> torch.Tensor:
    return torch.linalg.svdvals(M.detach().to(torch.float64))


def _curvatures(M: torch.Tensor, nonzero: bool) -> tuple[float, float]:
    """(L, mu) of an already validated M, from one computation of its singular values."""
    s = _singular_values(M)
    n = M.shape[1]
    if s[0] == 0:
        raise ValueError("M is all zeros (no non-zero singular value): there is nothing to invert; "
                         "pass a matrix with a non-zero entry")
    # Singular values below this cutoff are zero up to rounding (numerically singular M).
    cutoff = max(M.shape) * torch.finfo(M.dtype).eps * s[0]
    if nonzero:
        s = s[s > cutoff]
    elif s[-1] <= cutoff:
        s = torch.cat([s[:-1], torch.zeros(1, dtype=s.dtype)])
    L = 2.0 * s[0].item() ** 2 / n**2
    # A tall M (more rows than columns) leaves directions of X that the loss does not see.
    mu = 2.0 * s[-1].item() ** 2 / n**2 if nonzero or M.shape[0] <= n else 0.0
    return L, mu


def _flat(M: torch.Tensor, method: str) -> ValueError:
    """The error for a loss with a flat direction (mu = 0): a tall or a singular M."""
    if M.shape[0] > M.shape[1]:
        why = (f"M is {M.shape[0]}×{M.shape[1]}, taller than wide, so mse(X·M, I) is flat along the directions of "
               f"X that M cannot see (mu = 0) and has no unique minimiser")
    else:
        why = "M is singular (smallest singular value 0), so mse(X·M, I) is flat along a direction (mu = 0)"
    edge = " (with mu = 0 the best plain step 2/(L + mu) would be 2/L, on the edge of divergence)" if method == "gd" else ""
    return ValueError(f"{why}: method={method!r} needs mu > 0{edge}. There is no inverse: for the pseudo-inverse use "
                      f"gh.inverse_params(M, {method!r}, nonzero=True) (the smallest non-zero singular value), "
                      f"gh.pinv_gd(M) or torch.linalg.pinv(M)")


def _params(L: float, mu: float, method: str, M: torch.Tensor | None = None) -> tuple[float, float]:
    """(lr, momentum) of `method` for curvatures in [mu, L] (see inverse_params)."""
    if mu == 0:
        raise _flat(torch.empty(1, 1) if M is None else M, method)
    if method == "gd":
        return (gd.best_lr(L, mu), 0.0)
    if method == "polyak":
        return gd.heavy_ball_params(L, mu)
    if method in ("tuned", "heavy_ball"):
        return gd.heavy_ball_params((1 + HEAVY_BALL_MARGIN) * L, mu)
    root = math.sqrt(L / mu)
    return (1.0 / L, (root - 1) / (root + 1))


def inverse_curvature(M: torch.Tensor, *, nonzero: bool = False) -> tuple[float, float]:
    """The largest and smallest curvature (L, mu) of mse(X·M, I): 2σ_max²/n² and 2σ_min²/n².

    Introduced in notebook 02, section "Why: the loss is a quadratic".

    Parameters: M: an m×n floating-point matrix (I is n×n); nonzero: take σ_min among the
    non-zero singular values (those above max(m, n)·eps·σ_max; smaller ones count as 0), the ones
    that matter for the pseudo-inverse.
    """
    return _curvatures(_validate.matrix(M, "M"), _validate.flag(nonzero, "nonzero"))


def inverse_params(M: torch.Tensor, method: str = "tuned", *, nonzero: bool = False) -> tuple[float, float]:
    """The step size and momentum (lr, momentum) for mse(X·M, I), chosen from M's spectrum.

    Introduced in notebook 02, section "Momentum, tuned".

    Parameters: M: the matrix; method: "gd" (plain steps, the best fixed step 2/(L+mu)),
    "polyak" (Polyak's textbook heavy ball from L and mu), "tuned" (the course's tuned heavy
    ball: Polyak's formulas with L over-estimated by 10 %, off the edge where Polyak's steepest
    direction sits; "heavy_ball" is an older name for the same), "nesterov" (lr = 1/L, momentum (√(L/mu)−1)/(√(L/mu)+1), which for
    the inverse is (κ−1)/(κ+1) with κ = cond(M)); nonzero: use the
    smallest non-zero singular value (for the pseudo-inverse). A singular or tall M without
    nonzero=True has a flat direction (mu = 0): a ValueError says so (for "gd" the best step would
    be 2/L, on the edge of divergence).
    """
    _validate.choice(method, "method", METHODS)
    M = _validate.matrix(M, "M")
    return _params(*_curvatures(M, _validate.flag(nonzero, "nonzero")), method, M)


def predict_iterations(
    M: torch.Tensor,
    lr: float,
    momentum: float = 0.0,
    *,
    tol: float = 1e-6,
    X0: torch.Tensor | None = None,
    nesterov: bool = False,
    max_iter: int = 100_000,
    return_curve: bool = False,
):
    """Predict the iterations for ‖X·M − I‖_F/√n to reach tol, from M's spectrum (exact in float64).

    Introduced in notebook 02, section "Predicting the iteration count".

    The residual R = X·M − I follows R ← R − lr·(2/n²)·R·MᵀM (plus momentum), so in the basis
    of M's right singular vectors v_j each column R·v_j is a scalar recurrence with curvature
    λ_j = 2σ_j²/n² and starting size ‖R₀·v_j‖. Returns None when tol is not reached within
    max_iter (or the recurrence diverges).

    Parameters: M: square matrix; lr, momentum, nesterov: as in gh.minimize; tol; X0: the start
    (default zeros); max_iter: cap; return_curve: also return the predicted metric per iterate.
    """
    M = _validate.square(M, "M", NON_SQUARE_HINT).detach().to(torch.float64)
    n = M.shape[0]
    lr = _validate.positive(lr, "lr")
    momentum = _validate.fraction(momentum, "momentum")
    tol = _validate.positive(tol, "tol")
    max_iter = _validate.count(max_iter, "max_iter")
    _validate.flag(return_curve, "return_curve")
    X0 = torch.zeros_like(M) if X0 is None else _validate.matrix(X0, "X0").detach().to(torch.float64)
    if X0.shape != M.shape:
        raise ValueError(f"X0 must have M's shape {tuple(M.shape)}, got {tuple(X0.shape)}")
    _, s, Vh = torch.linalg.svd(M)
    R0 = X0 @ M - identity_like(M)
    sizes = torch.linalg.vector_norm(R0 @ Vh.mT, dim=0)
    count, curve = gd.predict_quadratic(2 * s**2 / n**2, sizes, lr=lr, momentum=momentum, nesterov=nesterov,
                                        tol=tol, max_iter=max_iter, scale=1 / math.sqrt(n),
                                        with_curve=return_curve)
    return (count, curve) if return_curve else count


def _residual_metric(M: torch.Tensor):
    identity = identity_like(M)
    root_n = math.sqrt(M.shape[0])
    return lambda params: (torch.linalg.matrix_norm(params[0].detach() @ M - identity) / root_n).item()


def _start(X0, shape, M) -> torch.Tensor:
    if X0 is None:
        return torch.zeros(shape, dtype=M.dtype, device=M.device, requires_grad=True)
    X0 = _validate.finite(_validate.tensor(X0, "X0", ndim=2), "X0")
    if tuple(X0.shape) != tuple(shape):
        raise ValueError(f"X0 must have shape {tuple(shape)}, got {tuple(X0.shape)}")
    return X0.detach().to(M.dtype).clone().requires_grad_()


def _solve(M, *, pseudo: bool, method, lr, momentum, tol, max_iter, X0, on_divergence):
    """The one path of inverse_gd and pinv_gd: validate once, compute the spectrum once, run minimize."""
    M = (_validate.matrix(M, "M") if pseudo else _validate.square(M, "M", NON_SQUARE_HINT)).detach()
    _validate.choice(method, "method", METHODS)
    lr = _validate.optional(lr, _validate.positive, "lr")
    momentum = _validate.optional(momentum, _validate.fraction, "momentum")
    tol = _validate.positive(tol, "tol")
    max_iter = _validate.count(max_iter, "max_iter")
    _validate.choice(on_divergence, "on_divergence", ("raise", "return"))
    L, mu = _curvatures(M, nonzero=pseudo)
    if lr is None or momentum is None:
        auto_lr, auto_momentum = _params(L, mu, method, M)
        lr = auto_lr if lr is None else lr
        momentum = auto_momentum if momentum is None else momentum
    X = _start(X0, (M.shape[1], M.shape[0]), M)
    if pseudo:  # the metric: the gradient's norm relative to its value at the start
        start = torch.linalg.matrix_norm(_gradient(X.detach(), M)).item() or 1.0

        def metric(params):
            return torch.linalg.matrix_norm(_gradient(params[0].detach(), M)).item() / start
    else:
        metric = _residual_metric(M)
    hint = (f"For this M the largest curvature is L = 2σ_max²/n² = {L:.4g}, so the largest stable step is "
            f"2(1 + momentum)/L = {gd.largest_stable_lr(L, momentum):.4g}")
    history = gd.minimize(
        lambda: _loss(X, M), [X], lr=lr, momentum=momentum, nesterov=(method == "nesterov" and momentum > 0),
        tol=tol, max_iter=max_iter, metric=metric, name=f"pinv {method}" if pseudo else method,
        on_divergence=on_divergence, divergence_hint=hint,
    )
    return X.detach(), history


def inverse_gd(
    M: torch.Tensor,
    *,
    method: str = "tuned",
    lr: float | None = None,
    momentum: float | None = None,
    tol: float = 1e-6,
    max_iter: int = 20_000,
    X0: torch.Tensor | None = None,
    on_divergence: str = "raise",
) -> tuple[torch.Tensor, gd.History]:
    """The inverse of a square M by gradient descent on mse(X·M, I): returns (X, history).

    Introduced in notebook 02, section "The loop you wrote, packaged".

    Stops when ‖X·M − I‖_F/√n <= tol (the history's metric), after max_iter steps (the message
    says "not converged"), or on divergence (a gh.DivergenceError naming the largest stable step).

    Parameters: M: square, finite, float32 or float64 (X keeps its dtype and device); method: how
    lr and momentum are chosen from the spectrum (see gh.inverse_params); lr, momentum: override
    the choice; tol: tolerance on the relative residual; max_iter: the cap; X0: the start
    (default zeros; converted to M's dtype); on_divergence: "raise" or "return".
    """
    return _solve(M, pseudo=False, method=method, lr=lr, momentum=momentum, tol=tol, max_iter=max_iter, X0=X0,
                  on_divergence=on_divergence)


def pinv_gd(
    M: torch.Tensor,
    *,
    method: str = "tuned",
    lr: float | None = None,
    momentum: float | None = None,
    tol: float = 1e-9,
    max_iter: int = 20_000,
    X0: torch.Tensor | None = None,
    on_divergence: str = "raise",
) -> tuple[torch.Tensor, gd.History]:
    """The Moore–Penrose pseudo-inverse of any m×n M by gradient descent on mse(X·M, I_n) from X = 0.

    Introduced in notebook 02, section "Deep dive: when there is no inverse".

    From X = 0 every step stays in the row space of Mᵀ, so the limit is torch.linalg.pinv(M).
    A start X0 adds a part X0·(I − M·M⁺) that no step changes. The metric is the gradient's
    norm relative to its value at the start; the step and momentum use the smallest non-zero
    singular value.

    Parameters: M: an m×n finite float32/float64 matrix (not all zeros); method, lr, momentum: as
    in inverse_gd; tol: tolerance on the relative gradient norm; max_iter: the cap; X0: an n×m
    start (default zeros); on_divergence: "raise" or "return".
    """
    return _solve(M, pseudo=True, method=method, lr=lr, momentum=momentum, tol=tol, max_iter=max_iter, X0=X0,
                  on_divergence=on_divergence)


def newton_schulz(
    M: torch.Tensor, *, tol: float = 1e-6, max_iter: int = 100, on_divergence: str = "raise"
) -> gd.Solution:
    """The inverse by the Newton–Schulz iteration X ← X(2I − MX) from X₀ = Mᵀ/(‖M‖₁‖M‖∞).

    Introduced in notebook 02, section "Deep dive: beyond plain gradient steps".

    Each step squares the residual I − X·M, so once it is below 1 the digits double per step.
    Returns (X, residuals) with residuals[k] = ‖X_k·M − I‖_F/√n, which also carries the run's
    report like every iterative helper: ``.converged``, ``.diverged``, ``.message`` and
    ``.history`` (a gh.History). It stops by the package's one rule: at tol (converged), after
    max_iter steps (not converged: M is singular or too ill-conditioned for its dtype, or the cap
    is too low), or when the residual blows up (a DivergenceError, or diverged=True with
    on_divergence="return").

    Parameters: M: square, finite, float32/float64, not all zeros; tol: tolerance on the relative
    residual; max_iter: the cap; on_divergence: "raise" or "return".
    """
    M = _validate.square(M, "M", NON_SQUARE_HINT).detach()
    _validate.nonzero(M, "M", "it has no inverse")
    tol = _validate.positive(tol, "tol")
    max_iter = _validate.count(max_iter, "max_iter")
    _validate.choice(on_divergence, "on_divergence", ("raise", "return"))
    identity = identity_like(M)
    X = M.mT / (torch.linalg.matrix_norm(M, 1) * torch.linalg.matrix_norm(M, float("inf")))
    metric = _residual_metric(M)
    residuals = [metric([X])]
    start = time.perf_counter()
    while (status := gd._status(residuals[-1], len(residuals) - 1, tol, max_iter, first=residuals[0])) is None:
        X = X @ (2 * identity - M @ X)
        residuals.append(metric([X]))
    k = len(residuals) - 1
    message = gd._message(status, k=k, tol=tol, max_iter=max_iter, values=residuals, what="residual",
                          advice="M is singular or too ill-conditioned for its dtype" if status == "diverged"
                          else "M is singular or too ill-conditioned for its dtype, or max_iter is too low")
    if status == "diverged" and on_divergence == "raise":
        raise gd.DivergenceError(f"Newton–Schulz {message}")
    history = gd.History(residuals, residuals, k, status == "converged", status == "diverged", message,
                         time.perf_counter() - start, "Newton–Schulz")
    return gd.Solution(X, history)
