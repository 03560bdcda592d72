#!/usr/bin/env python3
"""The source's SVD by gradient descent, run exactly as published (20 000 steps), measured in float64.

    .venv/bin/python scripts/svd_source_baseline.py            # writes gdla_helpers/resources/svd_source_baseline.json
    .venv/bin/python scripts/svd_source_baseline.py --steps 500 --out /tmp/x.json   # a quick try
    .venv/bin/python scripts/svd_source_baseline.py --long-only   # redo only the long 7×4 run in the file
    .venv/bin/python scripts/svd_source_baseline.py --only "rand(50,30) seed 0"   # redo one matrix's runs

The file ships inside the package (so it is there on Colab too); notebook 03 loads it with
gh.load_source_baseline() for its 20 000-step table (it runs only a few thousand steps itself).
The procedure (see ../shared/README.md): start U = rand(m, n), d = rand(n), V = rand(n, n) after
torch.manual_seed(314); loss = mse(U·diag(d²)·Vᵀ, M) + mse(UᵀU, I)/100 + mse(V·Vᵀ, I)/100;
"momentum": p -= 0.9·p.grad, then p.grad *= 0.9 (never zeroed: heavy-ball momentum);
"adam": torch.optim.Adam([U, d, V], weight_decay=1e-5) with its default lr 1e-3. The source ran in
float32; here the same matrices and start values are cast to float64 (the source's five matrices are
its float32 draws; the two larger ones are drawn in float64, as notebook 03 draws them). A momentum run that reaches
NaN is stopped there (every later step would stay NaN) and its first NaN step is recorded.
Deterministic: one thread, no timings in the output file.

"long_runs" holds the 7×4 momentum run continued to 100 000 steps (LONG_STEPS), with the
singular-value errors (each value's and the largest) at every CHECKPOINTS step: it shows that the
20 000-step run had not settled (the close pair σ3/σ4 mixes slowly) rather than reached a balance.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import torch

import gdla_helpers as gh

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "gdla_helpers" / "resources" / "svd_source_baseline.json"


def matrices() -> dict[str, torch.Tensor]:
    """The source's five matrices (gh.source_matrices: its float32 draws, in float64) and two larger ones.

    The larger ones are drawn exactly as notebook 03 draws them: torch.rand with a generator seeded 0
    and dtype float64 (a float32 draw cast to float64 would be a different matrix: entries differ by
    up to 0.995).
    """
    mats = dict(gh.source_matrices())
    for shape in ((50, 30), (200, 100)):
        mats[f"rand({shape[0]},{shape[1]}) seed 0"] = torch.rand(
            *shape, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    return mats


def loss_of(U, d, V, M):
    eye = torch.eye(d.shape[0], dtype=M.dtype)
    mse = lambda a, b: ((a - b) ** 2).mean()  # noqa: E731 (the source's one-liner)
    return mse(U @ torch.diag(d * d) @ V.T, M) + mse(U.T @ U, eye) / 100 + mse(V @ V.T, eye) / 100


LONG = {"rand(7,4) seed 316 | momentum": ("rand(7,4) seed 316", "momentum")}
LONG_STEPS = 100_000
CHECKPOINTS = (1_000, 5_000, 10_000, 20_000, 40_000, 60_000, 80_000, 100_000)


def run(M: torch.Tensor, optimizer: str, steps: int, checkpoints: tuple[int, ...] = ()) -> dict:
    m, n = M.shape
    torch.manual_seed(314)
    U, d, V = (torch.rand(*s).double().requires_grad_() for s in ((m, n), (n,), (n, n)))
    losses, first_nan, marks = [], None, {}
    sigma = torch.linalg.svdvals(M)
    if optimizer == "adam":
        opt = torch.optim.Adam([U, d, V], weight_decay=1e-5)
    for step in range(steps):
        if step in checkpoints:
            s_now = torch.sort((d * d).detach(), descending=True).values
            each = ((s_now - sigma).abs() / sigma).tolist()
            marks[str(step)] = {"singular_value_error": max(each), "each": each}
        if optimizer == "adam":
            opt.zero_grad()
        loss = loss_of(U, d, V, M)
        losses.append(float(loss.detach()))
        if not math.isfinite(losses[-1]):
            first_nan = step
            break
        loss.backward()
        if optimizer == "adam":
            opt.step()
        else:
            with torch.no_grad():
                for p in (U, d, V):
                    p -= 0.9 * p.grad
                    p.grad *= 0.9
    final = float(loss_of(U, d, V, M).detach())
    if steps in checkpoints and first_nan is None:
        s_now = torch.sort((d * d).detach(), descending=True).values
        each = ((s_now - sigma).abs() / sigma).tolist()
        marks[str(steps)] = {"singular_value_error": max(each), "each": each}
    s, order = torch.sort((d * d).detach(), descending=True)
    # uᵢᵀ·M·vᵢ for each final pair (in the order of s): negative where s = d² cannot follow the pair
    pull = torch.einsum("ik,ij,jk->k", U.detach()[:, order], M, V.detach()[:, order])
    err = float(((s - sigma).abs() / sigma).max()) if first_nan is None else math.nan
    worst = int(((s - sigma).abs() / sigma).argmax()) if first_nan is None else None
    eye = torch.eye(n, dtype=M.dtype)
    return {
        "steps_run": len(losses) if first_nan is None else first_nan,
        "first_nan_step": first_nan,
        "final_loss": final if math.isfinite(final) else None,
        "singular_value_error": err if math.isfinite(err) else None,
        "worst_index": worst,
        "orthonormality_U": float(torch.linalg.matrix_norm(U.detach().T @ U.detach() - eye)) if first_nan is None else None,
        "orthonormality_V": float(torch.linalg.matrix_norm(V.detach().T @ V.detach() - eye)) if first_nan is None else None,
        "singular_values": [float(x) for x in s] if first_nan is None and n <= 4 else None,
        "final_s": [float(x) for x in s] if first_nan is None else None,
        "final_uMv": [float(x) for x in pull] if first_nan is None else None,
        "exact_singular_values": [float(x) for x in sigma] if n <= 4 else None,
        # the loss curve, thinned to ~60 points on a log-spaced grid of steps
        "curve_steps": sorted({min(len(losses) - 1, int(round(10 ** (i / 15)))) for i in range(80)} | {0}),
        "curve": None,
        "_losses": losses,
        **({"checkpoints": marks} if checkpoints else {}),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20_000)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--only", action="append", default=[], metavar="MATRIX",
                        help="recompute only this matrix's two runs (repeatable) and keep the rest of the file")
    parser.add_argument("--long-only", action="store_true",
                        help="recompute only the long runs and keep the rest of the existing file")
    args = parser.parse_args()
    torch.set_num_threads(1)
    long_runs = json.loads(args.out.read_text(encoding="utf-8"))["long_runs"] if args.only else {}
    for key, (name, optimizer) in ({} if args.only else LONG).items():
        r = run(matrices()[name], optimizer, LONG_STEPS, CHECKPOINTS)
        losses = r.pop("_losses")
        r["curve_steps"] = sorted({min(len(losses) - 1, int(round(10 ** (i / 15)))) for i in range(80)} | {0})
        r["curve"] = [losses[k] for k in r["curve_steps"]]
        long_runs[key] = r
        print(f"{key} to {LONG_STEPS} steps: " + ", ".join(
            f"{k}: {v['singular_value_error']:.1e}" for k, v in r["checkpoints"].items()))
    if args.long_only:
        payload = json.loads(args.out.read_text(encoding="utf-8"))
        payload["long_steps"], payload["long_runs"] = LONG_STEPS, long_runs
        args.out.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
        print(f"updated the long runs in {args.out}")
        return
    results = json.loads(args.out.read_text(encoding="utf-8"))["results"] if args.only else {}
    for name, M in matrices().items():
        if args.only and name not in args.only:
            continue
        for optimizer in ("momentum", "adam"):
            r = run(M, optimizer, args.steps)
            losses = r.pop("_losses")
            r["curve_steps"] = [k for k in r["curve_steps"] if k < len(losses)]
            r["curve"] = [losses[k] if math.isfinite(losses[k]) else None for k in r["curve_steps"]]
            results[f"{name} | {optimizer}"] = r
            err = r["singular_value_error"]
            print(f"{name:22s} {optimizer:8s} steps {r['steps_run']:6d}  "
                  f"NaN at {r['first_nan_step']}  error {err if err is None else f'{err:.2e}'}")
    payload = {
        "description": "The source's SVD by gradient descent (float64), see scripts/svd_source_baseline.py",
        "torch": torch.__version__.split("+")[0],
        "steps": args.steps,
        "results": results,
        "long_steps": LONG_STEPS,
        "long_runs": long_runs,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")


if __name__ == "__main__":
    main()
