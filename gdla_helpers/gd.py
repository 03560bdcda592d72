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
    """What a run of minimize did: losses, the stopping metric, and how it ended.

    Introduced in notebook 02, section "The loop you wrote, packaged".

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


def _check_params(params) -> list[torch.Tensor]:
    if isinstance(params, torch.Tensor):
        params = [params]
    if not isinstance(params, Sequence) or isinstance(params, str):
        raise TypeError(
            f"params must be a list of tensors, got {type(params).__name__}; e.g. minimize(loss_fn, [X], ...)"
        )
    params = list(params)
    if not params:
        raise ValueError("params is empty: pass the tensors to optimise, e.g. [X]")
    for i, p in enumerate(params):
        if not isinstance(p, torch.Tensor):
            raise TypeError(f"params[{i}] must be a torch.Tensor, got {type(p).__name__}")
        if not p.is_floating_point():
            raise TypeError(
                f"params[{i}] has dtype {p.dtype}; gradients need floating point numbers: "
                f"create it with dtype=torch.float64 (or call .double()) and requires_grad=True"
            )
        if not p.requires_grad or not p.is_leaf:
            raise ValueError(
                f"params[{i}] must be a leaf tensor with requires_grad=True (a tensor you created, "
                f"not the result of a computation); create it with torch.zeros(..., requires_grad=True) "
                f"or call .detach().requires_grad_()"
            )
        if not bool(torch.isfinite(p).all()):
            raise ValueError(f"params[{i}] contains NaN or infinite entries; start from finite values")
    return params


def _check_number(value, name: str, *, low: float, high: float = math.inf,
                  low_open: bool = True, high_open: bool = True) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        if isinstance(value, torch.Tensor) and value.numel() == 1:
            value = value.item()
        else:
            raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    value = float(value)
    too_low = value <= low if low_open else value < low
    too_high = value >= high if high_open else value > high
    if not math.isfinite(value) or too_low or too_high:
        left, right = ("(" if low_open else "["), (")" if high_open else "]")
        raise ValueError(f"{name} must lie in {left}{low:g}, {high:g}{right}, got {value!r}")
    return value


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
    finite or exceeds 1e6 times its start (diverged).

    Parameters: loss_fn: no-argument function returning a scalar tensor computed from params;
    params: list of floating-point leaf tensors with requires_grad=True (updated in place);
    lr > 0: learning rate; momentum in [0, 1); nesterov: Nesterov's variant (needs momentum > 0);
    tol: stop when metric <= tol (None: run all max_iter steps); max_iter: the cap on steps;
    metric: function of params returning a float (default: the loss); name: label of the run;
    on_divergence: "raise" (a DivergenceError saying what to do) or "return" (History with
    diverged=True); divergence_hint: extra advice appended to the divergence message;
    callback: called as callback(k, params) after the k-th step (e.g. to record snapshots).
    """
    if not callable(loss_fn):
        raise TypeError(f"loss_fn must be a function with no arguments, got {type(loss_fn).__name__}")
    params = _check_params(params)
    lr = _check_number(lr, "lr", low=0.0)
    momentum = _check_number(momentum, "momentum", low=0.0, high=1.0, low_open=False)
    if nesterov and momentum == 0:
        raise ValueError("nesterov=True needs momentum > 0 (Nesterov's variant changes how momentum is used)")
    if tol is not None:
        tol = _check_number(tol, "tol", low=0.0)
    if isinstance(max_iter, bool) or not isinstance(max_iter, int) or max_iter < 0:
        raise ValueError(f"max_iter must be a non-negative int, got {max_iter!r}")
    if metric is not None and not callable(metric):
        raise TypeError(f"metric must be a function of params returning a float, got {type(metric).__name__}")
    if on_divergence not in ("raise", "return"):
        raise ValueError(f"on_divergence must be 'raise' or 'return', got {on_divergence!r}")

    losses: list[float] = []
    metrics: list[float] = []
    velocity = [torch.zeros_like(p) for p in params]  # the heavy ball's g, one per parameter
    converged = diverged = False
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
        first = losses[0]
        if not math.isfinite(value) or not math.isfinite(current) or (
            first > 0 and value > DIVERGENCE_FACTOR * first
        ):
            diverged = True
            break
        if tol is not None and current <= tol:
            converged = True
            break
        if k == max_iter:
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

    if diverged:
        message = (
            f"diverged at iteration {k}: the loss went from {losses[0]:.3g} to {losses[-1]:.3g}; "
            f"the learning rate lr={lr:g} is too large for this problem: lower it (e.g. halve it)"
        )
        if divergence_hint:
            message += f". {divergence_hint}"
        if on_divergence == "raise":
            raise DivergenceError(message)
    elif converged:
        message = f"converged to {tol:g} in {k} iterations"
    elif tol is None:
        message = f"ran all {k} iterations (no tolerance given; final metric {metrics[-1]:.3g})"
    else:
        best = min(metrics)
        message = f"not converged: hit the cap of {max_iter} iterations (best metric {best:.2g}, tol {tol:g})"
    return History(losses, metrics, k, converged, diverged, message, seconds, name)


# --- theory: a quadratic loss with curvatures (Hessian eigenvalues) in [mu, L] ------------------


def _curvatures(L, mu=None) -> tuple[float, float]:
    L = _check_number(L, "L (the largest curvature)", low=0.0)
    if mu is None:
        return L, 0.0
    mu = _check_number(mu, "mu (the smallest curvature)", low=0.0, low_open=False)
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
    momentum = _check_number(momentum, "momentum", low=0.0, high=1.0, low_open=False)
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

    Introduced in notebook 02, section "How fast: rates, and momentum, tuned".

    Parameters: L, mu: the largest and smallest curvature of the loss. With these values every
    curvature direction contracts at the rate (√L-√mu)/(√L+√mu); the extreme ones sit on a double
    root (the edge between oscillating and creeping), which adds a k·rate^k transient.
    """
    L, mu = _curvatures(L, mu)
    lr = 4.0 / (math.sqrt(L) + math.sqrt(mu)) ** 2
    momentum = ((math.sqrt(L) - math.sqrt(mu)) / (math.sqrt(L) + math.sqrt(mu))) ** 2
    return lr, momentum


def gd_rate(L: float, mu: float, lr: float | None = None) -> float:
    """The per-step error factor of plain gradient descent: max(|1 - lr·mu|, |1 - lr·L|).

    Introduced in notebook 02, section "How fast: rates, and momentum, tuned".

    Parameters: L, mu: largest and smallest curvature; lr: the step (default: the best one,
    2/(L+mu), giving (L-mu)/(L+mu) = (κ²-1)/(κ²+1) for the inverse, κ = cond(M)).
    """
    L, mu = _curvatures(L, mu)
    lr = best_lr(L, mu) if lr is None else _check_number(lr, "lr", low=0.0)
    return max(abs(1 - lr * mu), abs(1 - lr * L))


def heavy_ball_rate(L: float, mu: float) -> float:
    """The per-step error factor of tuned heavy ball: (√L-√mu)/(√L+√mu) = (κ-1)/(κ+1).

    Introduced in notebook 02, section "How fast: rates, and momentum, tuned".

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

    Introduced in notebook 02, section "Predicting the iteration count".

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
    lam = torch.as_tensor(curvatures, dtype=torch.float64).reshape(-1)
    w = torch.as_tensor(initial_errors, dtype=torch.float64).reshape(-1)
    if lam.shape != w.shape or lam.numel() == 0:
        raise ValueError(f"curvatures and initial_errors must be non-empty and of the same length, "
                         f"got {lam.numel()} and {w.numel()}")
    if not (bool(torch.isfinite(lam).all()) and bool(torch.isfinite(w).all())) or bool((lam < 0).any()):
        raise ValueError("curvatures must be finite and >= 0, initial_errors finite")
    lr = _check_number(lr, "lr", low=0.0)
    b = _check_number(momentum, "momentum", low=0.0, high=1.0, low_open=False)
    if tol is not None:
        tol = _check_number(tol, "tol", low=0.0)
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
