"""The SVD by gradient descent: the source's formulation, two methods that work, and fair comparisons.

- ``source_svd``: the 2020 blog's loss (penalties for UᵀU ≠ I and VVᵀ ≠ I, s = d²) and its two
  optimisers, hand-written momentum (through ``minimize``) and Adam. Kept to show how it fails.
- ``svd_factorize``: gradient descent with momentum on ‖PQᵀ - M‖², then QR of the two factors and
  a small k×k SVD: a HYBRID (fast and accurate; the last step is not gradient descent).
- ``svd_ascent``: Riemannian gradient ascent of tr(Uᵀ M V N) over orthonormal U, V with a QR
  retraction: a PURE gradient method (slower; its speed is set by the gaps between singular values).
- ``svd_errors`` / ``compare_svd``: error measures that know an SVD is unique only up to the sign
  of each singular pair, the order, and a rotation inside a repeated singular value.
"""

from __future__ import annotations

import json
import math
import time
from importlib import resources

import torch

from . import _validate
from .matrices import qf
from .gd import SVDResult, _message, _status, minimize

__all__ = [
    "SVDResult",
    "source_matrices",
    "source_svd_loss",
    "source_svd",
    "sort_svd",
    "svd_factorize",
    "svd_ascent",
    "svd_errors",
    "compare_svd",
    "low_rank",
    "load_source_baseline",
]


def _matrix(M) -> torch.Tensor:
    return _validate.matrix(M, "M").detach()


# --- the source's formulation ---------------------------------------------------------------------

SOURCE_MATRICES = {  # name: (seed, shape, transpose), as in the source's notebooks
    "rand(5,4) seed 314": (314, (5, 4), False),
    "rand(4,4) seed 315": (315, (4, 4), False),
    "rand(7,4) seed 316": (316, (7, 4), False),
    "rand(3,4).T seed 317": (317, (3, 4), True),
    "rand(4,3) seed 317": (317, (4, 3), False),
}


def source_matrices(dtype: torch.dtype = torch.float64) -> dict[str, torch.Tensor]:
    """The source's five test matrices: torch.rand after torch.manual_seed(seed), cast to dtype.

    Introduced in notebook 03, section "The source's recipe".

    Returns {name: matrix}: rand(5,4) seed 314, rand(4,4) seed 315, rand(7,4) seed 316,
    rand(3,4).T seed 317, rand(4,3) seed 317 (float32 draws, so the numbers are the source's;
    the global random state is untouched). Parameters: dtype: a floating-point dtype.
    """
    _validate.dtype(dtype)
    out = {}
    for name, (seed, shape, transpose) in SOURCE_MATRICES.items():
        A = torch.rand(*shape, generator=torch.Generator().manual_seed(seed)).to(dtype)
        out[name] = A.T.contiguous() if transpose else A
    return out



def source_svd_loss(U: torch.Tensor, d: torch.Tensor, V: torch.Tensor, M: torch.Tensor) -> torch.Tensor:
    """The source's loss: mse(U·diag(d²)·Vᵀ, M) + mse(UᵀU, I)/100 + mse(V·Vᵀ, I)/100.

    Introduced in notebook 03, section "The source's recipe".

    Parameters: U (m×n), d (n), V (n×n): the parameters; M (m×n): the matrix to decompose.
    Squaring d keeps the singular values d² non-negative.
    """
    M = _matrix(M)
    U, d, V = _validate.tensor(U, "U", ndim=2), _validate.tensor(d, "d", ndim=1), _validate.tensor(V, "V", ndim=2)
    _validate.same_dtype(U=U, d=d, V=V, M=M)
    m, n = M.shape
    if U.shape != (m, n) or d.shape != (n,) or V.shape != (n, n):
        raise ValueError(f"for an {m}×{n} M, U must be {m}×{n}, d have {n} entries and V be {n}×{n}, got U "
                         f"{tuple(U.shape)}, d {tuple(d.shape)}, V {tuple(V.shape)}")
    eye = torch.eye(n, dtype=M.dtype, device=M.device)
    S = torch.diag(d * d)
    return (((U @ S @ V.T - M) ** 2).mean() + ((U.T @ U - eye) ** 2).mean() / 100
            + ((V @ V.T - eye) ** 2).mean() / 100)


def sort_svd(U: torch.Tensor, s: torch.Tensor, V: torch.Tensor):
    """Sort singular values in descending order and permute the columns of U and V to match.

    Introduced in notebook 03, section "The source's recipe".

    Parameters: U (m×k), s (k), V (n×k). Returns (U, s, V) sorted.
    """
    U, s, V = _validate.tensor(U, "U", ndim=2), _validate.tensor(s, "s", ndim=1), _validate.tensor(V, "V", ndim=2)
    if U.shape[1] != s.shape[0] or V.shape[1] != s.shape[0]:
        raise ValueError(f"U, s, V must be m×k, k and n×k (V, not Vᵀ), got {tuple(U.shape)}, {tuple(s.shape)} "
                         f"and {tuple(V.shape)}")
    order = torch.argsort(s, descending=True)
    return U[:, order], s[order], V[:, order]


def source_svd(
    M: torch.Tensor,
    *,
    optimizer: str = "momentum",
    steps: int = 20_000,
    lr: float | None = None,
    momentum: float = 0.9,
    weight_decay: float = 1e-5,
    seed: int = 314,
) -> SVDResult:
    """The source's SVD by gradient descent, exactly: random start, its loss, momentum or Adam.

    Introduced in notebook 03, section "The source's recipe".

    Start: a generator seeded with `seed` draws U = rand(m, n), d = rand(n), V = rand(n, n) in
    float32 (the source's exact numbers, as after torch.manual_seed(seed)), cast to M's dtype. "momentum": the hand-written heavy ball (lr 0.9, momentum 0.9), run by
    ``minimize``; it stops early and sets diverged=True when the loss blows up. "adam":
    torch.optim.Adam (lr 1e-3 by default, weight_decay 1e-5). Always runs all `steps` otherwise
    (the source has no stopping rule). Returns an SVDResult sorted by singular value
    (S = d², descending); losses: the source's loss per step.

    Parameters: M: finite floating-point m×n matrix; optimizer: "momentum" or "adam"; steps;
    lr (default 0.9 for momentum, 1e-3 for Adam); momentum; weight_decay (Adam only); seed.
    """
    M = _matrix(M)
    _validate.choice(optimizer, "optimizer", ("momentum", "adam"))
    steps = _validate.count(steps, "steps")
    seed = _validate.seed(seed)
    lr = _validate.positive(0.9 if lr is None and optimizer == "momentum" else 1e-3 if lr is None else lr, "lr")
    m, n = M.shape
    g = torch.Generator().manual_seed(seed)  # the source's start: float32 draws, then M's dtype
    U, d, V = (torch.rand(*shape, generator=g).to(M.dtype).to(M.device).requires_grad_()
               for shape in ((m, n), (n,), (n, n)))
    name = f"source, {optimizer}"
    if optimizer == "momentum":
        momentum = _validate.fraction(momentum, "momentum")
        run = minimize(lambda: source_svd_loss(U, d, V, M), [U, d, V], lr=lr, momentum=momentum,
                       max_iter=steps, name=name, on_divergence="return")
        losses, k, status, message, seconds = (run.losses, run.iterations, "diverged" if run.diverged else "cap",
                                               run.message, run.seconds)
    else:
        weight_decay = _validate.number(weight_decay, "weight_decay", low=0.0)
        opt = torch.optim.Adam([U, d, V], lr=lr, weight_decay=weight_decay)
        losses = []
        start = time.perf_counter()
        k = 0
        while True:
            opt.zero_grad()
            loss = source_svd_loss(U, d, V, M)
            losses.append(float(loss.detach()))
            status = _status(losses[-1], k, None, steps, first=losses[0])
            if status is not None:
                break
            loss.backward()
            opt.step()
            k += 1
        seconds = time.perf_counter() - start
        message = _message(status, k=k, tol=None, max_iter=steps, values=losses, what="loss",
                           advice=f"lower lr (now {lr:g})")
        if status != "diverged":
            message = f"ran all {steps} steps (final loss {losses[-1]:.3g}; the source has no stopping rule)"
    Uo, s, Vo = sort_svd(U.detach(), (d * d).detach(), V.detach())
    return SVDResult(losses=losses, metrics=losses, iterations=k, converged=False, diverged=status == "diverged",
                     message=message, seconds=seconds, name=name, U=Uo, S=s, V=Vo)


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

    Introduced in notebook 03, section "A method that works: factorise, then tidy up".

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


# --- measuring and comparing ---------------------------------------------------------------------


def _factors(U, S, V, M):
    M = _matrix(M)
    U = _validate.tensor(U, "U", ndim=2)
    S = _validate.tensor(S, "S", ndim=1)
    V = _validate.tensor(V, "V", ndim=2)
    m, n = M.shape
    k = S.shape[0]
    if U.shape != (m, k) or V.shape != (n, k):
        raise ValueError(
            f"for an {m}×{n} M with {k} singular values, U must be {m}×{k} and V {n}×{k} "
            f"(V, not Vᵀ), got U {tuple(U.shape)} and V {tuple(V.shape)}"
        )
    if k != min(m, n):
        raise ValueError(f"expected min(m, n) = {min(m, n)} singular values, got {k}")
    _validate.same_dtype(U=U, S=S, V=V, M=M)
    return U.detach(), S.detach(), V.detach(), M.detach()


def _all_finite(*tensors) -> bool:
    return all(bool(torch.isfinite(t).all()) for t in tensors)


def svd_errors(U: torch.Tensor, S: torch.Tensor, V: torch.Tensor, M: torch.Tensor) -> dict[str, float]:
    """The course's error measures of a computed SVD M ≈ U·diag(S)·Vᵀ.

    Introduced in notebook 03, section "Inspecting the result".

    Returns a dict: "singular_values": maxᵢ |Sᵢ - σᵢ| / σᵢ with σ = torch.linalg.svdvals(M) and S
    sorted descending (a numerically zero σᵢ, below max(m, n)·eps·σ₁ as in
    torch.linalg.matrix_rank, counts relative to σ₁ instead: a rank-deficient M);
    "orthonormality_U": ‖UᵀU - I‖_F; "orthonormality_V": ‖VᵀV - I‖_F; "reconstruction":
    ‖U·diag(S)·Vᵀ - M‖_F / ‖M‖_F. NaN factors give NaN errors (never a silent pass).

    Parameters: U (m×k), S (k), V (n×k) with k = min(m, n); M (m×n).
    """
    U, S, V, M = _factors(U, S, V, M)
    if not _all_finite(U, S, V):  # NaN factors give NaN errors, never a silent pass
        return dict.fromkeys(("singular_values", "orthonormality_U", "orthonormality_V", "reconstruction"), math.nan)
    sigma = torch.linalg.svdvals(M)
    if sigma[0] == 0:
        raise ValueError("M is all zeros: relative singular-value errors are undefined")
    # numerically zero singular values (torch.linalg.matrix_rank's threshold) count relative to σ₁
    zero = sigma <= max(M.shape) * torch.finfo(M.dtype).eps * sigma[0]
    floor = torch.where(zero, sigma[0], sigma)
    eye = torch.eye(S.shape[0], dtype=U.dtype, device=U.device)
    s_sorted = torch.sort(S, descending=True).values
    return {
        "singular_values": float(((s_sorted - sigma).abs() / floor).max()),
        "orthonormality_U": float(torch.linalg.matrix_norm(U.T @ U - eye)),
        "orthonormality_V": float(torch.linalg.matrix_norm(V.T @ V - eye)),
        "reconstruction": float(torch.linalg.matrix_norm((U * S) @ V.T - M) / torch.linalg.matrix_norm(M)),
    }


def compare_svd(
    U: torch.Tensor, S: torch.Tensor, V: torch.Tensor, M: torch.Tensor, *, rtol: float = 1e-6
) -> dict:
    """Compare a computed SVD with torch.linalg.svd the fair way: up to sign, order and rotations.

    Introduced in notebook 03, section "Comparing with torch.linalg.svd, fairly".

    Both are sorted by singular value. Singular values closer than rtol·σ₁ form a group (a
    repeated singular value): only the spaces their vectors span are unique, so a group is
    compared by the distance between subspaces ‖U_g U_gᵀ - U*_g U*_gᵀ‖_F/√2 (and the same for V)
    and by the pairing ‖U_gᵀ·M·V_g - σ·I‖_F/σ₁ (U's and V's columns must be rotated alike).
    A lone singular value's pair (u, v) is unique up to one common sign: u is flipped to match
    torch's and v must then match too. Singular values below rtol·σ₁ (a rank-deficient M) have no
    unique vectors: they are checked by ‖M·vᵢ‖ and ‖Mᵀ·uᵢ‖ relative to σ₁.

    Returns a dict: "singular_values" (as svd_errors), "vectors" (largest ‖uᵢ - u*ᵢ‖, ‖vᵢ - v*ᵢ‖
    over lone values after the sign fix), "subspaces" (largest group distance), "null" (largest
    ‖M·vᵢ‖/σ₁, ‖Mᵀ·uᵢ‖/σ₁ over near-zero values), "flipped" (indices whose sign was flipped),
    "groups" (lists of indices of repeated values), "worst": the largest of the four errors.

    Parameters: U (m×k), S (k), V (n×k) with k = min(m, n); M (m×n); rtol: relative gap below
    which two singular values count as equal.
    """
    U, S, V, M = _factors(U, S, V, M)
    rtol = _validate.positive(rtol, "rtol")
    if not _all_finite(U, S, V):  # a broken SVD never passes: every error is NaN
        nan = math.nan
        return {"singular_values": nan, "vectors": nan, "subspaces": nan, "null": nan, "flipped": [], "groups": [],
                "worst": nan}
    U, S, V = sort_svd(U, S, V)
    Ur, Sr, Vrh = torch.linalg.svd(M, full_matrices=False)
    Vr = Vrh.mT
    s1 = float(Sr[0])
    if s1 == 0:
        raise ValueError("M is all zeros: every U and V would do; there is nothing to compare")
    k = S.shape[0]
    null = [i for i in range(k) if float(Sr[i]) <= rtol * s1]
    live = [i for i in range(k) if i not in null]
    groups: list[list[int]] = []
    for i in live:  # consecutive values closer than rtol·σ₁ share a group
        if groups and float(Sr[groups[-1][-1]] - Sr[i]) <= rtol * s1:
            groups[-1].append(i)
        else:
            groups.append([i])
    vectors = subspaces = null_err = 0.0
    flipped: list[int] = []
    for grp in groups:
        if len(grp) == 1:
            i = grp[0]
            u, v = U[:, i], V[:, i]
            if float(u @ Ur[:, i]) < 0:  # one common sign for the pair
                u, v = -u, -v
                flipped.append(i)
            vectors = max(vectors, float(torch.linalg.vector_norm(u - Ur[:, i])),
                          float(torch.linalg.vector_norm(v - Vr[:, i])))
        else:
            for A, B in ((U, Ur), (V, Vr)):
                Pa, Pb = A[:, grp] @ A[:, grp].T, B[:, grp] @ B[:, grp].T
                subspaces = max(subspaces, float(torch.linalg.matrix_norm(Pa - Pb)) / math.sqrt(2))
            # the same rotation must act on U's and V's columns: U_gᵀ·M·V_g = σ·I
            pairing = U[:, grp].T @ M @ V[:, grp] - torch.diag(Sr[grp])
            subspaces = max(subspaces, float(torch.linalg.matrix_norm(pairing)) / s1)
    for i in null:
        null_err = max(null_err, float(torch.linalg.vector_norm(M @ V[:, i])) / s1,
                       float(torch.linalg.vector_norm(M.T @ U[:, i])) / s1)
    err = svd_errors(U, S, V, M)["singular_values"]
    worst = max(err, vectors, subspaces, null_err)
    if not all(math.isfinite(x) for x in (err, vectors, subspaces, null_err)):
        worst = math.nan
    return {"singular_values": err, "vectors": vectors, "subspaces": subspaces, "null": null_err,
            "flipped": flipped, "groups": [g for g in groups if len(g) > 1], "worst": worst}


def low_rank(U: torch.Tensor, S: torch.Tensor, V: torch.Tensor, rank: int) -> torch.Tensor:
    """The rank-`rank` truncation U[:, :r]·diag(S[:r])·V[:, :r]ᵀ (the best one, by Eckart–Young).

    Introduced in notebook 03, section "Best low-rank approximation (Eckart–Young)".

    Parameters: U (m×k), S (k singular values >= 0, in any order: they are sorted first), V (n×k);
    rank: 0 <= rank <= k.
    """
    U, S, V = _validate.tensor(U, "U", ndim=2), _validate.tensor(S, "S", ndim=1), _validate.tensor(V, "V", ndim=2)
    U, S, V = sort_svd(U, S, V)  # the best rank-r part keeps the r LARGEST singular values
    _validate.same_dtype(U=U, S=S, V=V)
    for t, name in ((U, "U"), (S, "S"), (V, "V")):
        _validate.finite(t, name)
    if bool((S < 0).any()):
        raise ValueError(f"S must hold singular values >= 0, got a smallest one of {S.min().item():.3g}; flip the "
                         f"sign of that column of U instead")
    rank = _validate.count(rank, "rank")
    if rank > S.shape[0]:
        raise ValueError(f"rank must be at most the number of singular values, {S.shape[0]}, got {rank}")
    return (U[:, :rank] * S[:rank]) @ V[:, :rank].T


def load_source_baseline() -> dict:
    """The 20 000-step results of the source's SVD recipe, made by scripts/svd_source_baseline.py.

    Introduced in notebook 03, section "The source's recipe".

    Returns the JSON file shipped in gdla_helpers/resources as a dict ("steps", "torch",
    "results": one entry per "matrix | optimizer" run). It ships with the package, so the
    notebook needs no network and no file beside it (on Colab too).
    """
    text = resources.files("gdla_helpers").joinpath("resources/svd_source_baseline.json").read_text(
        encoding="utf-8")
    return json.loads(text)
