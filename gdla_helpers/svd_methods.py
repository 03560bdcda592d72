"""Two SVD methods that work: a hybrid (gradient descent, then QR and a small SVD) and a pure gradient method.

- ``svd_factorize``: gradient descent with momentum on ‖PQᵀ - M‖², then QR of the two factors and
  a small k×k SVD: a HYBRID (fast and accurate; the last step is not gradient descent).
- ``svd_ascent``: Riemannian gradient ascent of tr(Uᵀ M V N) over orthonormal U, V with a QR
  retraction (the package's one sign-fixed QR, ``matrices.qf``): a PURE gradient method (slower;
  its speed is set by the gaps between singular values).
Both stop by the package's one rule (``gd._status``) and return an ``SVDResult`` (a ``History``).
"""

from __future__ import annotations

import math
import time

import torch

from . import _validate
from .gd import SVDResult, _message, _status
from .matrices import qf
from .svd_measures import _matrix
from .svd_measures import _sort_unchecked as sort_svd  # a diverged run's NaN factors too

__all__ = ["svd_factorize", "svd_ascent"]


# --- a hybrid that works: factorise by gradient descent, then tidy up ----------------------------


def _init(shape, scale: torch.Tensor, generator, M: torch.Tensor) -> torch.Tensor:
    """Small random start whose product P·Qᵀ is of M's order of magnitude."""
    x = torch.randn(*shape, generator=generator, dtype=M.dtype, device=M.device)
    return x * torch.sqrt(scale / shape[0]) / 20


def svd_factorize(
    M: torch.Tensor,
    *,
    lr: float | None = None,
    momentum: float = 0.9,
    tol: float = 1e-10,
    max_iter: int = 5_000,
    seed: int = 0,
) -> SVDResult:
    """SVD as a HYBRID: gradient descent with momentum on ½‖P·Qᵀ - M‖², then QR + a small SVD.

    Introduced in notebook 03, section "A method that works: factorise, then tidy up (a hybrid)".

    Phase 1 (gradient descent): P (m×k), Q (n×k), k = min(m, n), from a small seeded random start;
    gradients (P·Qᵀ - M)·Q and (P·Qᵀ - M)ᵀ·P, Nesterov momentum as in ``minimize(nesterov=True)``
    (restarted from rest whenever the residual goes up), step lr/‖M‖_F (the step comes from M's scale, so scaling M does not
    change the run). Its speed is set by σ_min/σ_max (a nearly singular M is slow). Stops when ‖P·Qᵀ - M‖_F/‖M‖_F <= tol.
    Phase 2 (not gradient descent): P = Q_P·R_P, Q = Q_Q·R_Q (QR), SVD of the k×k matrix
    R_P·R_Qᵀ = u·diag(S)·wᵀ, then U = Q_P·u, V = Q_Q·w: exactly orthonormal.
    losses: the relative residual ‖P·Qᵀ - M‖_F/‖M‖_F per iteration.

    Parameters: M: finite floating-point m×n matrix (not all zeros); lr: step times ‖M‖_F
    (default 0.4); momentum in [0, 1); tol: relative residual to reach; max_iter: cap; seed: for
    the start (a private generator; the global random state is untouched).
    """
    M = _matrix(M)
    lr = _validate.positive(0.4 if lr is None else lr, "lr")
    momentum = _validate.fraction(momentum, "momentum")
    tol = _validate.positive(tol, "tol")
    max_iter = _validate.count(max_iter, "max_iter")
    seed = _validate.seed(seed)
    scale = torch.linalg.matrix_norm(M)
    if scale == 0:
        raise ValueError("M is all zeros: its SVD is trivial (all singular values 0); nothing to learn")
    m, n = M.shape
    k = min(m, n)
    g = torch.Generator(device=M.device).manual_seed(seed)
    P, Q = _init((m, k), scale, g, M), _init((n, k), scale, g, M)
    vP, vQ = torch.zeros_like(P), torch.zeros_like(Q)
    step = lr / scale
    losses: list[float] = []
    previous = math.inf
    start = time.perf_counter()
    it = 0
    while True:
        R = P @ Q.T - M
        r = float(torch.linalg.matrix_norm(R) / scale)
        losses.append(r)
        status = _status(r, it, tol, max_iter, first=losses[0])
        if status is not None:
            break
        if r > previous:  # momentum overshot: restart it from rest
            vP.zero_()
            vQ.zero_()
        previous = r
        gP, gQ = R @ Q, R.T @ P            # the gradient of ½‖PQᵀ - M‖² (what autograd would give)
        vP.mul_(momentum).add_(gP)          # momentum: keep a fraction of the old direction
        vQ.mul_(momentum).add_(gQ)
        P = P - step * (gP + momentum * vP)  # Nesterov's variant (notebook 02): look one step ahead
        Q = Q - step * (gQ + momentum * vQ)
        it += 1
    message = _message(status, k=it, tol=tol, max_iter=max_iter, values=losses, what="relative residual",
                       advice=f"lower lr (now {lr:g}, in units of 1/‖M‖_F)" if status == "diverged" else
                       "a nearly singular M (σ_min/σ_max tiny) is slow: raise max_iter")
    if status == "diverged":
        nan = math.nan
        U, S, V = (torch.full(shape, nan, dtype=M.dtype, device=M.device) for shape in ((m, k), (k,), (n, k)))
    else:
        # Phase 2: tidy up the factors into an exact SVD (QR and a k×k SVD: not gradient descent).
        QP, RP = torch.linalg.qr(P)
        QQ, RQ = torch.linalg.qr(Q)
        u, S, wh = torch.linalg.svd(RP @ RQ.T)
        U, V = QP @ u, QQ @ wh.mT
    return SVDResult(losses=losses, metrics=losses, iterations=it, converged=status == "converged",
                     diverged=status == "diverged", message=message, seconds=time.perf_counter() - start,
                     name="factorise (hybrid)", U=U, S=S, V=V)


# --- a pure gradient method: ascent over orthonormal U, V -----------------------------------------


def svd_ascent(
    M: torch.Tensor,
    *,
    lr: float | None = None,
    momentum: float = 0.993,
    tol: float = 1e-7,
    max_iter: int = 20_000,
    seed: int = 0,
    scale: float | None = None,
) -> SVDResult:
    """SVD by PURE gradient ascent of tr(Uᵀ·M·V·N) over orthonormal U, V, N = diag(k, …, 1)/k.

    Introduced in notebook 03, section "A pure gradient method".

    Each step: Euclidean gradients G_U = M·V·N, G_V = Mᵀ·U·N; Riemannian gradients
    G - U·sym(UᵀG) (the part that keeps U orthonormal to first order); heavy-ball momentum; then a
    QR retraction U <- qf(U + step·velocity) back onto orthonormal columns. No SVD, eigen- or
    least-squares routine is used. The singular values are S = diag(Uᵀ·M·V) (a sign flip of a
    column of U makes them >= 0). Stops when (‖grad_U‖ + ‖grad_V‖)/‖M‖_F <= tol. The speed is set
    by the gaps σᵢ - σᵢ₊₁ relative to the step, not by the sizes of the σᵢ.
    losses: that relative gradient norm per iteration.

    Parameters: M: finite floating-point m×n matrix (not all zeros); lr: the step is lr/scale
    (default 1.0); scale: default ‖M‖_F (pass 1.0 for an absolute step lr); momentum in [0, 1);
    tol; max_iter: the cap on iterations; seed: for the random orthonormal start.
    """
    M = _matrix(M)
    lr = _validate.positive(1.0 if lr is None else lr, "lr")
    momentum = _validate.fraction(momentum, "momentum")
    tol = _validate.positive(tol, "tol")
    max_iter = _validate.count(max_iter, "max_iter")
    seed = _validate.seed(seed)
    norm = torch.linalg.matrix_norm(M)
    if norm == 0:
        raise ValueError("M is all zeros: its SVD is trivial (all singular values 0); nothing to learn")
    scale = norm if scale is None else _validate.positive(scale, "scale")
    m, n = M.shape
    k = min(m, n)
    g = torch.Generator(device=M.device).manual_seed(seed)
    U = qf(torch.randn(m, k, generator=g, dtype=M.dtype, device=M.device))
    V = qf(torch.randn(n, k, generator=g, dtype=M.dtype, device=M.device))
    N = torch.arange(k, 0, -1, dtype=M.dtype, device=M.device) / k  # distinct weights fix the order
    vU, vV = torch.zeros_like(U), torch.zeros_like(V)
    step = lr / scale
    losses: list[float] = []
    start = time.perf_counter()
    it = 0
    while True:
        GU, GV = (M @ V) * N, (M.T @ U) * N
        AU, AV = U.T @ GU, V.T @ GV
        rU = GU - U @ ((AU + AU.T) / 2)     # Riemannian gradient: drop the part that bends U
        rV = GV - V @ ((AV + AV.T) / 2)
        gnorm = float((torch.linalg.matrix_norm(rU) + torch.linalg.matrix_norm(rV)) / norm)
        losses.append(gnorm)
        status = _status(gnorm, it, tol, max_iter, first=losses[0])
        if status is not None:
            break
        vU.mul_(momentum).add_(rU)
        vV.mul_(momentum).add_(rV)
        U = qf(U + step * vU)               # ascent step, then retract onto orthonormal columns
        V = qf(V + step * vV)
        it += 1
    seconds = time.perf_counter() - start
    S = torch.diagonal(U.T @ M @ V).clone()
    signs = torch.where(S < 0, -1.0, 1.0).to(M.dtype)
    U, S = U * signs, S * signs
    U, S, V = sort_svd(U, S, V)
    message = _message(status, k=it, tol=tol, max_iter=max_iter, values=losses, what="relative gradient norm",
                       advice=f"lower lr (now {lr:g}, in units of 1/‖M‖_F)" if status == "diverged" else
                       "close singular values make this method slow")
    return SVDResult(losses=losses, metrics=losses, iterations=it, converged=status == "converged",
                     diverged=status == "diverged", message=message, seconds=seconds, name="ascent (pure)",
                     U=U, S=S, V=V)
