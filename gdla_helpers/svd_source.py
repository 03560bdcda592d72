"""The source's SVD by gradient descent, as the 2020 blog published it, and the baseline it ships with.

- ``source_matrices``: the source's five test matrices (the same float32 draws).
- ``source_svd_loss`` / ``source_svd``: its loss (penalties for UᵀU ≠ I and VVᵀ ≠ I, s = d²) and its
  two optimisers, hand-written momentum (through ``minimize``) and Adam. Kept to show how it fails.
- ``load_source_baseline``: its 20 000-step results, made by scripts/svd_source_baseline.py (which
  imports ``source_matrices`` from here) and shipped in gdla_helpers/resources.
"""

from __future__ import annotations

import json
import time
from importlib import resources

import torch

from . import _validate
from .gd import SVDResult, _message, _status, minimize
from .svd_measures import _matrix
from .svd_measures import _sort_unchecked as sort_svd  # a diverged run's NaN factors too

__all__ = ["source_matrices", "source_svd_loss", "source_svd", "load_source_baseline"]


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

    Introduced in notebook 03, section "The shapes of an SVD".

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
    return _source_loss(U, d, V, M)


def _source_loss(U, d, V, M) -> torch.Tensor:
    """source_svd_loss without the checks (source_svd checks once, not at every step)."""
    n = d.shape[0]
    eye = torch.eye(n, dtype=M.dtype, device=M.device)
    S = torch.diag(d * d)
    return (((U @ S @ V.T - M) ** 2).mean() + ((U.T @ U - eye) ** 2).mean() / 100
            + ((V @ V.T - eye) ** 2).mean() / 100)


def source_svd(
    M: torch.Tensor,
    *,
    optimizer: str = "momentum",
    steps: int = 20_000,
    lr: float | None = None,
    momentum: float = 0.9,
    weight_decay: float | None = None,
    seed: int = 314,
    start: tuple[torch.Tensor, torch.Tensor, torch.Tensor] | None = None,
) -> SVDResult:
    """The source's SVD by gradient descent, exactly: random start, its loss, momentum or Adam.

    Introduced in notebook 03, section "The source's recipe".

    Start: a generator seeded with `seed` draws U = rand(m, n), d = rand(n), V = rand(n, n) in
    float32 (the source's exact numbers, as after torch.manual_seed(seed)), cast to M's dtype. "momentum": the hand-written heavy ball (lr 0.9, momentum 0.9), run by
    ``minimize``; it stops early and sets diverged=True when the loss blows up. "adam":
    torch.optim.Adam's update (lr 1e-3 by default, weight_decay 1e-5, betas (0.9, 0.999), eps 1e-8),
    written out by ``_adam_step`` with the same arithmetic, so the iterates are torch.optim.Adam's
    (tests/test_svd.py checks them step for step) without constructing a torch.optim optimizer: the
    first one a process builds imports torch._dynamo, which took about as long as `import torch` itself
    when measured (3-4 s each on a loaded 2-core machine). Always runs all `steps` otherwise (the source has no stopping rule). Returns an
    SVDResult sorted by singular value (S = d², descending); losses: the source's loss per step.
    weight_decay (default 1e-5 for Adam, as the source; 0 for momentum): the L2 penalty λ: λ·p is
    added to each gradient, which is gradient descent on L + (λ/2)·‖p‖² (for momentum the losses
    recorded are then those of that penalised loss).

    Parameters: M: finite floating-point m×n matrix; optimizer: "momentum" or "adam"; steps;
    lr (default 0.9 for momentum, 1e-3 for Adam); momentum; weight_decay; seed;
    start: (U, d, V) to start from instead of the seeded random start (copied, not changed).
    """
    M = _matrix(M)
    _validate.choice(optimizer, "optimizer", ("momentum", "adam"))
    steps = _validate.count(steps, "steps")
    seed = _validate.seed(seed)
    lr = _validate.positive(0.9 if lr is None and optimizer == "momentum" else 1e-3 if lr is None else lr, "lr")
    m, n = M.shape
    if start is None:
        g = torch.Generator().manual_seed(seed)  # the source's start: float32 draws, then M's dtype
        U, d, V = (torch.rand(*shape, generator=g).to(M.dtype).to(M.device).requires_grad_()
                   for shape in ((m, n), (n,), (n, n)))
    else:
        if not isinstance(start, tuple | list) or len(start) != 3:
            raise TypeError(f"start must be a tuple (U, d, V) of tensors, got {type(start).__name__}; "
                            f"or leave it None for the source's random start")
        U, d, V = (_validate.tensor(t, name, ndim=k).detach().clone().to(M.dtype).to(M.device)
                   for t, name, k in zip(start, ("U", "d", "V"), (2, 1, 2), strict=True))
        if U.shape != (m, n) or d.shape != (n,) or V.shape != (n, n):
            raise ValueError(f"for an {m}×{n} M, start must hold U {m}×{n}, d of {n} entries and V {n}×{n}, "
                             f"got U {tuple(U.shape)}, d {tuple(d.shape)}, V {tuple(V.shape)}")
        U, d, V = (t.requires_grad_() for t in (U, d, V))
    name = f"source, {optimizer}"
    weight_decay = _validate.number(1e-5 if weight_decay is None and optimizer == "adam" else weight_decay or 0.0,
                                    "weight_decay", low=0.0)
    if optimizer == "momentum":
        momentum = _validate.fraction(momentum, "momentum")

        def penalised():
            loss = _source_loss(U, d, V, M)
            if weight_decay:
                loss = loss + weight_decay / 2 * sum((p * p).sum() for p in (U, d, V))
            return loss

        run = minimize(penalised, [U, d, V], lr=lr, momentum=momentum,
                       max_iter=steps, name=name, on_divergence="return")
        losses, k, status, message, seconds = (run.losses, run.iterations, "diverged" if run.diverged else "cap",
                                               run.message, run.seconds)
    else:
        params = (U, d, V)
        moments = [(torch.zeros_like(p), torch.zeros_like(p)) for p in params]
        losses = []
        started = time.perf_counter()
        k = 0
        while True:
            loss = _source_loss(U, d, V, M)
            losses.append(float(loss.detach()))
            # From a given start (possibly an exact SVD, loss ~0) only a non-finite loss is a blow-up.
            status = _status(losses[-1], k, None, steps, first=losses[0] if start is None else None)
            if status is not None:
                break
            grads = torch.autograd.grad(loss, params)
            k += 1
            with torch.no_grad():
                for p, grad, (m1, m2) in zip(params, grads, moments, strict=True):
                    _adam_step(p, grad, m1, m2, k, lr=lr, weight_decay=weight_decay)
        seconds = time.perf_counter() - started
        message = _message(status, k=k, tol=None, max_iter=steps, values=losses, what="loss",
                           advice=f"lower lr (now {lr:g})")
        if status != "diverged":
            message = f"ran all {steps} steps (final loss {losses[-1]:.3g}; the source has no stopping rule)"
    Uo, s, Vo = sort_svd(U.detach(), (d * d).detach(), V.detach())
    return SVDResult(losses=losses, metrics=losses, iterations=k, converged=False, diverged=status == "diverged",
                     message=message, seconds=seconds, name=name, U=Uo, S=s, V=Vo)


def _adam_step(p, grad, m1, m2, k, *, lr, weight_decay, betas=(0.9, 0.999), eps=1e-8) -> None:
    """One step of torch.optim.Adam (default settings: no amsgrad), in place, with its arithmetic.

    k: the step number, from 1. The same operations in the same order as torch's single-tensor
    Adam, so the results agree to the last bit or nearly (tests/test_svd.py compares them).
    """
    beta1, beta2 = betas
    if weight_decay != 0:
        grad = grad.add(p, alpha=weight_decay)           # L2 weight decay, added to the gradient
    m1.lerp_(grad, 1 - beta1)                            # running mean of the gradient
    m2.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)  # running mean of its square
    step_size = lr / (1 - beta1**k)                      # bias corrections for the zero start
    denom = (m2.sqrt() / (1 - beta2**k) ** 0.5).add_(eps)
    p.addcdiv_(m1, denom, value=-step_size)


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
