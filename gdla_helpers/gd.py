"""Gradient descent: the generic loop (any parameters, any loss) and the theory of its speed.

The loop is the one written by hand in notebook 02, packaged: heavy-ball momentum, tolerance
stopping, an iteration cap, divergence detection and a history of the run. The theory part gives
the step sizes and rates for a quadratic loss whose curvatures lie in [mu, L], and predicts the
iteration count by running the linear recurrence of each curvature direction (exact for quadratics).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch

from . import _validate

__all__ = [
    "History",
    "DivergenceError",
    "minimize",
    "largest_stable_lr",
    "best_lr",
    "heavy_ball_params",
    "gd_rate",
    "heavy_ball_rate",
    "predict_quadratic",
]

# A run "diverges" when its loss grows past this multiple of the starting loss (or is not finite).
DIVERGENCE_FACTOR = 1e6


class DivergenceError(ValueError):
    """Raised by minimize when the loss blows up: the learning rate is too large.

    Introduced in notebook 02, section "The largest safe step".
    """


@dataclass
class History:
    """What an iterative run did: its curve, the stopping metric, and how it ended.

    Introduced in notebook 02, section "The loop you wrote, packaged".

    Every iterative helper returns one (``minimize``, ``inverse_gd``, ``pinv_gd``, the SVD methods
    through the subclass ``SVDResult``, ``newton_schulz`` as ``.history`` of its (X, residuals)).
    Fields: losses: the loss at each iterate (entry k is the loss after k steps, so there are
    iterations + 1 entries); metrics: the stopping metric at each iterate (== losses when no metric
    was given); iterations: steps taken; converged: the metric reached tol; diverged: the loss blew
    up; message: one plain sentence; seconds: wall time; name: a label for plots.
    """

    losses: list[float]
    metrics: list[float]
    iterations: int
    converged: bool
    diverged: bool
    message: str
    seconds: float
    name: str | None = None

    @property
    def best_metric(self) -> float:
        """The smallest stopping metric seen during the run."""
        finite = [m for m in self.metrics if math.isfinite(m)]
        return min(finite) if finite else math.nan


@dataclass
class SVDResult(History):
    """What an SVD run returns: the factors M ≈ U·diag(S)·Vᵀ and how the run went (a History).

    Introduced in notebook 03, section "The source's recipe".

    Fields: U (m×k), S (k singular values, descending), V (n×k) (NaN when the run diverged), and
    History's: losses: the curve the method minimises or drives to zero, one value per iteration
    (see each method); metrics (the same curve); iterations; converged; diverged; message;
    seconds; name. Build it with keywords.
    """

    U: torch.Tensor | None = None
    S: torch.Tensor | None = None
    V: torch.Tensor | None = None


class Solution(tuple):
    """A pair (X, residuals) that also says how the run went: .history, .converged, .diverged, .message.

    Unpacks like a tuple (``X, residuals = gh.newton_schulz(M)``); residuals is the list of
    metrics, one per iterate, and ``.history`` the run's History.
    """

    def __new__(cls, X: torch.Tensor, history: History):
        obj = super().__new__(cls, (X, history.metrics))
        obj.history = history
        return obj

    X = property(lambda self: self[0])
    converged = property(lambda self: self.history.converged)
    diverged = property(lambda self: self.history.diverged)
    message = property(lambda self: self.history.message)
    iterations = property(lambda self: self.history.iterations)


# --- the one stop/diverge/message rule of every loop in the package ------------------------------


def _status(metric: float, k: int, tol: float | None, max_iter: int, *,
            loss: float | None = None, first: float | None = None) -> str | None:
    """Why a loop stops at iterate k, or None to go on. The one rule of every loop in the package.

    metric: the stopping metric at iterate k; loss: the value that shows divergence (default: the
    metric); first: that value at iterate 0. "diverged": metric or loss not finite, or the loss
    above DIVERGENCE_FACTOR times its start; "converged": metric <= tol; "cap": k reached max_iter.
    Checked in this order, before each step.
    """
    loss = metric if loss is None else loss
    if not (math.isfinite(metric) and math.isfinite(loss)) or (
            first is not None and first > 0 and loss > DIVERGENCE_FACTOR * first):
        return "diverged"
    if tol is not None and metric <= tol:
        return "converged"
    if k >= max_iter:
        return "cap"
    return None


def _message(status: str, *, k: int, tol: float | None, max_iter: int, values: Sequence[float],
             what: str | None = None, advice: str = "") -> str:
    """The one plain sentence of a finished run (the same words for every loop of the package)."""
    final = values[-1]
    finite = [v for v in values if math.isfinite(v)]
    best = min(finite) if finite else math.nan
    if status == "diverged":
        text = f"diverged at iteration {k}: the {what or 'loss'} went from {values[0]:.3g} to {final:.3g}"
        return f"{text}; {advice}" if advice else text
    if status == "converged":
        return f"converged to {tol:g} in {k} iterations" + (f" ({what} {final:.1e})" if what else "")
    if tol is None:
        return f"ran all {k} iterations (no tolerance given; final {what or 'metric'} {final:.3g})"
    text = f"not converged: hit the cap of {max_iter} iterations (best {what or 'metric'} {best:.2g}, tol {tol:g})"
    return f"{text}; {advice}" if advice else text


def _check_params(params) -> list[torch.Tensor]:
    params = _validate.tensors(params, "params")
    for i, p in enumerate(params):
        if not isinstance(p, torch.Tensor):
            raise TypeError(f"params[{i}] must be a torch.Tensor, got {type(p).__name__}; e.g. minimize(loss_fn, [X], ...)")
        _validate.finite(_validate.tensor(p, f"params[{i}]"), f"params[{i}]")
        if not p.requires_grad or not p.is_leaf:
            raise ValueError(
                f"params[{i}] must be a leaf tensor with requires_grad=True (a tensor you created, "
                f"not the result of a computation); create it with torch.zeros(..., requires_grad=True) "
                f"or call .detach().requires_grad_()"
            )
    return params


def minimize(
    loss_fn: Callable[[], torch.Tensor],
    params,
    *,
    lr: float,
    momentum: float = 0.0,
    nesterov: bool = False,
    tol: float | None = None,
    max_iter: int = 10_000,
    metric: Callable[[list[torch.Tensor]], float] | None = None,
    name: str | None = None,
    on_divergence: str = "raise",
    divergence_hint: str = "",
    callback: Callable[[int, list[torch.Tensor]], None] | None = None,
) -> History:
    """Minimise loss_fn() over params by gradient descent with (heavy-ball) momentum.

    Introduced in notebook 02, section "The loop you wrote, packaged".

    Each step: g <- momentum*g + grad L; p <- p - lr*g (Nesterov: p <- p - lr*(grad L + momentum*g)),
    in place under torch.no_grad(): the same iterates as torch.optim.SGD(momentum=..., dampening=0).
    Before each step the loss and the metric are evaluated at the current iterate; the run stops
    when metric <= tol (converged), after max_iter steps (not converged), or when the loss is not
    finite or exceeds 1e6 times its start (diverged). Without a metric, tol applies to the loss
    itself, and the message says so (for mse(X·M, I) the loss is residual²/n, so tol on the loss is
    a much looser stop than the same tol on the residual).

    Parameters: loss_fn: no-argument function returning a scalar tensor computed from params;
    params: list of floating-point leaf tensors with requires_grad=True (updated in place);
    lr > 0: learning rate; momentum in [0, 1); nesterov: Nesterov's variant (needs momentum > 0);
    tol: stop when metric <= tol (None: run all max_iter steps); max_iter: the cap on steps;
    metric: function of params returning a float (default: the loss); name: label of the run;
    on_divergence: "raise" (a DivergenceError saying what to do) or "return" (History with
    diverged=True); divergence_hint: extra advice appended to the divergence message;
    callback: called as callback(k, params) after the k-th step (e.g. to record snapshots).
    """
    _validate.function(loss_fn, "loss_fn", "lambda: ((X @ M - I) ** 2).mean()")
    params = _check_params(params)
    lr = _validate.positive(lr, "lr")
    momentum = _validate.fraction(momentum, "momentum")
    if _validate.flag(nesterov, "nesterov") and momentum == 0:
        raise ValueError("nesterov=True needs momentum > 0 (Nesterov's variant changes how momentum is used)")
    tol = _validate.optional(tol, _validate.positive, "tol")
    max_iter = _validate.count(max_iter, "max_iter")
    _validate.optional(metric, _validate.function, "metric", "lambda params: float(...)")
    _validate.choice(on_divergence, "on_divergence", ("raise", "return"))

    losses: list[float] = []
    metrics: list[float] = []
    velocity = [torch.zeros_like(p) for p in params]  # the heavy ball's g, one per parameter
    start = time.perf_counter()
    k = 0
    while True:
        loss = loss_fn()
        if not isinstance(loss, torch.Tensor) or loss.numel() != 1:
            raise TypeError("loss_fn() must return a scalar tensor (one number), e.g. ((X @ M - I)**2).mean()")
        value = float(loss.detach())
        losses.append(value)
        current = value if metric is None else float(metric(params))
        metrics.append(current)
        status = _status(current, k, tol, max_iter, loss=value, first=losses[0])
        if status is not None:
            break
        if not loss.requires_grad:
            raise ValueError("loss_fn() does not depend on params: build the loss from the tensors in params")
        grads = torch.autograd.grad(loss, params, allow_unused=True)
        with torch.no_grad():
            for p, g, v in zip(params, grads, velocity, strict=True):
                if g is None:
                    continue
                v.mul_(momentum).add_(g)  # heavy ball: keep a fraction of the old direction
                p.sub_(lr * (g + momentum * v if nesterov else v))
        k += 1
        if callback is not None:
            callback(k, params)
    seconds = time.perf_counter() - start

    advice = f"the learning rate lr={lr:g} is too large for this problem: lower it (e.g. halve it)"
    if divergence_hint:
        advice += f". {divergence_hint}"
    message = _message(status, k=k, tol=tol, max_iter=max_iter, values=losses if status == "diverged" else metrics,
                       what="loss" if metric is None and status != "diverged" else None,
                       advice=advice if status == "diverged" else "")
    if metric is None and tol is not None and status != "diverged":
        message += "; no metric given, so tol was compared with the loss itself"
    if status == "diverged" and on_divergence == "raise":
        raise DivergenceError(message)
    return History(losses, metrics, k, status == "converged", status == "diverged", message, seconds, name)


# --- theory: a quadratic loss with curvatures (Hessian eigenvalues) in [mu, L] ------------------


_L_ONLY = object()  # _curvatures(L): no mu asked for (an explicit mu=None is refused, not read as 0)


def _curvatures(L, mu=_L_ONLY) -> tuple[float, float]:
    L = _validate.positive(L, "L (the largest curvature)")
    if mu is _L_ONLY:
        return L, 0.0
    mu = _validate.number(mu, "mu (the smallest curvature)", low=0.0)
    if mu > L:
        raise ValueError(f"mu={mu:g} must not exceed L={L:g} (smallest versus largest curvature)")
    return L, mu


def largest_stable_lr(L: float, momentum: float = 0.0) -> float:
    """The largest learning rate that does not diverge: 2(1 + momentum)/L.

    Introduced in notebook 02, section "The largest safe step".

    Parameters: L: the largest curvature of the loss (largest Hessian eigenvalue);
    momentum: heavy-ball momentum in [0, 1) (0: plain gradient descent, limit 2/L).
    """
    L, _ = _curvatures(L)
    momentum = _validate.fraction(momentum, "momentum")
    return 2.0 * (1.0 + momentum) / L


def best_lr(L: float, mu: float) -> float:
    """The best fixed step of plain gradient descent: 2/(L + mu).

    Introduced in notebook 02, section "The best fixed step".

    Parameters: L, mu: the largest and smallest curvature of the loss.
    """
    L, mu = _curvatures(L, mu)
    return 2.0 / (L + mu)


def heavy_ball_params(L: float, mu: float) -> tuple[float, float]:
    """Polyak's heavy-ball step and momentum: (4/(√L+√mu)², ((√L-√mu)/(√L+√mu))²).

    Introduced in notebook 02, section "Momentum, tuned".

    Parameters: L, mu: the largest and smallest curvature of the loss. With these values every
    curvature direction contracts at the rate (√L-√mu)/(√L+√mu); the extreme ones sit on a double
    root (the edge between oscillating and creeping), which adds a k·rate^k transient.
    """
    L, mu = _curvatures(L, mu)
    if mu == 0:
        raise ValueError("heavy_ball_params needs mu > 0: with mu = 0 (a singular problem) Polyak's momentum is 1 "
                         "and the run never converges; use plain steps (momentum 0, lr = gh.best_lr(L, mu)) instead")
    lr = 4.0 / (math.sqrt(L) + math.sqrt(mu)) ** 2
    momentum = ((math.sqrt(L) - math.sqrt(mu)) / (math.sqrt(L) + math.sqrt(mu))) ** 2
    return lr, momentum


def gd_rate(L: float, mu: float, lr: float | None = None) -> float:
    """The per-step error factor of plain gradient descent: max(|1 - lr·mu|, |1 - lr·L|).

    Introduced in notebook 02, section "The best fixed step".

    Parameters: L, mu: largest and smallest curvature; lr: the step (default: the best one,
    2/(L+mu), giving (L-mu)/(L+mu) = (κ²-1)/(κ²+1) for the inverse, κ = cond(M)).
    """
    L, mu = _curvatures(L, mu)
    lr = best_lr(L, mu) if lr is None else _validate.positive(lr, "lr")
    return max(abs(1 - lr * mu), abs(1 - lr * L))


def heavy_ball_rate(L: float, mu: float) -> float:
    """The per-step error factor of tuned heavy ball: (√L-√mu)/(√L+√mu) = (κ-1)/(κ+1).

    Introduced in notebook 02, section "Momentum, tuned".

    Parameters: L, mu: largest and smallest curvature (for the inverse √(L/mu) = κ = cond(M)).
    """
    L, mu = _curvatures(L, mu)
    return (math.sqrt(L) - math.sqrt(mu)) / (math.sqrt(L) + math.sqrt(mu))


def predict_quadratic(
    curvatures: torch.Tensor,
    initial_errors: torch.Tensor,
    *,
    lr: float,
    momentum: float = 0.0,
    nesterov: bool = False,
    tol: float | None = None,
    max_iter: int = 100_000,
    scale: float = 1.0,
    block: int = 256,
    with_curve: bool = True,
) -> tuple[int | None, torch.Tensor | None]:
    """Predict a run of minimize on a quadratic: (iterations to tol or None, metric per iterate).

    Related to notebook 02, section "Predicting the iteration count" (the notebooks do not call it).

    On a quadratic the error splits into independent directions (Hessian eigenvectors); along
    direction j with curvature λ_j the error e follows the scalar recurrence of the loop:
    v <- momentum·v + λ_j·e;  e <- e - lr·v  (Nesterov: e <- e - lr·(λ_j·e + momentum·v)).
    The metric is scale·sqrt(Σ_j (initial_errors_j · e_j)²) with e_j = 1 at the start.

    Parameters: curvatures: 1-D tensor of curvatures λ_j >= 0; initial_errors: 1-D tensor of the
    starting error's size along each direction; lr, momentum, nesterov: as in minimize;
    tol: stop at the first iterate with metric <= tol (None: run max_iter steps); max_iter: cap;
    scale: factor applied to the metric; block: steps computed per vectorised block;
    with_curve: return the metric per iterate (False: return None instead; for plain steps the
    count then comes from the closed form e_j = (1 - lr·λ_j)^k by bisection, so millions of
    iterations cost nothing).
    """
    lam = _validate.finite(_validate.tensor(curvatures, "curvatures", ndim=1), "curvatures").detach().to(torch.float64)
    w = _validate.finite(_validate.tensor(initial_errors, "initial_errors", ndim=1), "initial_errors")
    w = w.detach().to(torch.float64)
    if lam.shape != w.shape:
        raise ValueError(f"curvatures and initial_errors must have the same length (one entry per direction), "
                         f"got {lam.numel()} and {w.numel()}")
    if bool((lam < 0).any()):
        raise ValueError(f"curvatures must be >= 0 (a quadratic that is bounded below), got a smallest one of "
                         f"{lam.min().item():.3g}")
    lr = _validate.positive(lr, "lr")
    b = _validate.fraction(momentum, "momentum")
    if _validate.flag(nesterov, "nesterov") and b == 0:
        raise ValueError("nesterov=True needs momentum > 0 (Nesterov's variant changes how momentum is used)")
    tol = _validate.optional(tol, _validate.positive, "tol")
    max_iter = _validate.count(max_iter, "max_iter")
    scale = _validate.positive(scale, "scale")
    block = _validate.count(block, "block", 1)
    _validate.flag(with_curve, "with_curve")
    if not with_curve and b == 0 and tol is not None:
        return _plain_count(lam, w, lr, tol, max_iter, scale), None
    # The state (e, v) of each direction evolves by a 2×2 matrix T_j: s_{k+1} = T_j s_k.
    T = torch.zeros(lam.numel(), 2, 2, dtype=torch.float64)
    if nesterov:
        T[:, 0, 0], T[:, 0, 1] = 1 - lr * lam * (1 + b), -lr * b * b
    else:
        T[:, 0, 0], T[:, 0, 1] = 1 - lr * lam, -lr * b
    T[:, 1, 0], T[:, 1, 1] = lam, b
    # Powers T^0 .. T^(block-1), so a block of iterates costs one batched product.
    powers = [torch.eye(2, dtype=torch.float64).expand_as(T)]
    for _ in range(block - 1):
        powers.append(T @ powers[-1])
    P = torch.stack(powers)  # (block, modes, 2, 2)
    T_block = T @ powers[-1]
    state = torch.stack([w, torch.zeros_like(w)], dim=-1)  # e_j = initial error, v_j = 0
    curve = []
    for k0 in range(0, max_iter + 1, block):
        errors = (P[:, :, 0, :] * state).sum(-1)  # e at iterates k0 .. k0 + block - 1
        metric = scale * torch.linalg.vector_norm(errors, dim=1)
        metric = metric[: max_iter + 1 - k0]
        if not bool(torch.isfinite(metric).all()) or bool((metric > 1e150).any()):
            bad = int((~torch.isfinite(metric) | (metric > 1e150)).nonzero()[0])
            curve.append(metric[:bad])
            return None, torch.cat(curve)
        if tol is not None:
            hits = (metric <= tol).nonzero()
            if hits.numel():
                first = int(hits[0])
                curve.append(metric[: first + 1])
                return k0 + first, torch.cat(curve)
        curve.append(metric)
        state = (T_block @ state.unsqueeze(-1)).squeeze(-1)
    return None, torch.cat(curve)


def _plain_count(lam, w, lr, tol, max_iter, scale) -> int | None:
    """First k <= max_iter with scale·‖w·(1 - lr·λ)^k‖ <= tol (plain steps: the metric only decreases)."""
    factors = (1 - lr * lam).abs()
    if bool((factors[w != 0] > 1).any()):
        return None  # a direction grows: divergence

    def metric(k: int) -> float:
        return scale * torch.linalg.vector_norm(w * factors**k).item()

    if metric(0) <= tol:
        return 0
    if metric(max_iter) > tol:
        return None
    low, high = 0, max_iter  # metric(low) > tol >= metric(high)
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if metric(middle) > tol else (low, middle)
    return high
