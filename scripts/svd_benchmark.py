#!/usr/bin/env python3
"""Measure notebook 03's SVD methods on the issue's battery and print a Markdown table.

    .venv/bin/python scripts/svd_benchmark.py

Rows: the source's five matrices and torch.rand 50×30 and 200×100 for seeds 0-9 (float64, one
thread). Columns per method: iterations, seconds, singular-value error max|ŝ-σ|/σ, and the largest
orthonormality error max(‖UᵀU-I‖_F, ‖VᵀV-I‖_F). The pure method runs on 200×100 for seed 0 only,
with a cap of 2000 iterations (it does not converge there). Timings vary with the machine's load.
"""

from __future__ import annotations

import time

import torch

import gdla_helpers as gh


def battery() -> dict[str, torch.Tensor]:
    mats = dict(gh.source_matrices())
    for m, n in ((50, 30), (200, 100)):
        for seed in range(10):
            g = torch.Generator().manual_seed(seed)
            mats[f"rand({m},{n}) seed {seed}"] = torch.rand(m, n, generator=g, dtype=torch.float64)
    return mats


def cell(result, M) -> str:
    e = gh.svd_errors(result.U, result.S, result.V, M)
    ortho = max(e["orthonormality_U"], e["orthonormality_V"])
    flag = "" if result.converged else " (cap)"
    return f"{result.iterations}{flag} | {result.seconds:.3f} | {e['singular_values']:.1e} | {ortho:.1e}"


def main() -> None:
    torch.set_num_threads(1)
    print("| matrix | hybrid: it | s | σ err | orth | pure: it | s | σ err | orth |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, M in battery().items():
        fast = cell(gh.svd_factorize(M), M)
        if M.shape[0] < 200 or name.endswith("seed 0"):
            pure = cell(gh.svd_ascent(M, max_iter=2000 if M.shape[0] == 200 else 20_000), M)
        else:
            pure = "– | – | – | –"
        print(f"| {name} | {fast} | {pure} |", flush=True)
    B = battery()["rand(200,100) seed 0"]
    fast = gh.svd_factorize(B).seconds
    times = []
    for _ in range(7):
        t = time.perf_counter()
        torch.linalg.svd(B, full_matrices=False)
        times.append(time.perf_counter() - t)
    svd = sorted(times)[3]
    print(f"\n200×100 seed 0: hybrid {fast * 1e3:.0f} ms, torch.linalg.svd {svd * 1e3:.2f} ms "
          f"(median of 7): ratio {fast / svd:.0f}×")


if __name__ == "__main__":
    main()
