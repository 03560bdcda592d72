#!/usr/bin/env python3
"""Measure notebook 03's SVD methods: a Markdown table of the battery, and the cost file it plots.

    .venv/bin/python scripts/svd_benchmark.py            # the battery table (slow: ~30 s)
    .venv/bin/python scripts/svd_benchmark.py --cost     # rewrite gdla_helpers/resources/svd_cost.json

Battery rows: the source's five matrices and torch.rand 50×30 and 200×100 for seeds 0-9 (float64,
one thread). Columns per method: iterations, seconds, singular-value error max|ŝ-σ|/σ, and the
largest orthonormality error max(‖UᵀU-I‖_F, ‖VᵀV-I‖_F). The pure method runs on 200×100 for seed 0
only, with a cap of 2000 iterations (it does not converge there).

--cost: the CPU time (time.process_time, one thread, median of 5; CPU time rather than wall time,
so that other programs on a shared machine move it less) of torch.linalg.svd, gh.randomized_svd
(k = 5, p = 5, 2 power iterations) and gh.svd_factorize on torch.rand matrices of growing size, and
of gh.randomized_svd on 400×200 by number of power iterations. Notebook 03 plots this file and
re-measures its two smallest sizes. Timings belong to the machine that ran the script.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import torch

import gdla_helpers as gh

COST_FILE = Path(__file__).resolve().parent.parent / "gdla_helpers" / "resources" / "svd_cost.json"
SIZES = ((100, 50), (200, 100), (400, 200), (800, 400))
HYBRID_UP_TO = 400 * 200  # the hybrid on 800×400 takes tens of seconds


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


def cpu_median(f, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t = time.process_time()
        f()
        times.append(time.process_time() - t)
    return sorted(times)[len(times) // 2]


def cost() -> dict:
    gen = torch.Generator().manual_seed(0)
    rows = []
    for m, n in SIZES:
        X = torch.rand(m, n, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
        row = {"shape": [m, n],
               "linalg_svd": cpu_median(lambda X=X: torch.linalg.svd(X, full_matrices=False)),
               "randomized": cpu_median(lambda X=X: gh.randomized_svd(X, 5, generator=gen)),
               "factorize": (cpu_median(lambda X=X: gh.svd_factorize(X), repeat=3)
                             if m * n <= HYBRID_UP_TO else None)}
        rows.append(row)
        print(row, flush=True)
    X = torch.rand(400, 200, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    power = {str(j): cpu_median(lambda j=j: gh.randomized_svd(X, 5, power_iterations=j, generator=gen))
             for j in range(0, 7, 2)}
    return {"what": "CPU seconds (time.process_time), one thread, median of 5 (factorize: of 3), float64 "
                    "torch.rand matrices seed 0; randomized: k 5, oversample 5, 2 power iterations",
            "torch": torch.__version__, "python": platform.python_version(), "machine": platform.machine(),
            "sizes": rows, "power_iterations_400x200": power}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cost", action="store_true", help=f"write {COST_FILE.name} instead of the table")
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.cost:
        COST_FILE.write_text(json.dumps(cost(), indent=1) + "\n", encoding="utf-8")
        print("wrote", COST_FILE)
        return
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
