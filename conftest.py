"""Project-wide pytest configuration: shared fixtures and a per-stage timing table."""

from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parent

# The unit tests work on small tensors: one thread is faster and steadier than several. On a shared
# machine with every core busy, OpenMP's worker threads wait for each other: a 6×4 QR took 2 ms with
# 2 threads and 36 µs with 1 (measured), which made one 20 000-step test take 274 s. Notebook kernels,
# papermill and nbval runs are other processes and keep torch's default.
torch.set_num_threads(1)
STAGES = {  # the first matching prefix of a test's node id names its stage
    "notebooks/": "nbval (re-execute notebooks)",
    "tests/test_notebooks.py": "notebook hygiene",
    "tests/test_lint.py": "lint (ruff)",
    "tests/test_environments.py": "environments and Binder",
    "tests/test_jupyterlab.py": "JupyterLab server",
    "tests/test_browser": "browser",
    "tests/test_site": "static site",
    "tests/test_portability.py": "portability (emulated CPU)",
    "tests/test_sweep.py": "parameter sweep (papermill)",
    "tests/test_rerun.py": "re-run safety (cells twice)",
    "tests/test_svd_battery.py": "SVD battery (seeds 1-9)",
    "tests/test_student.py": "student edition",
    "tests/test_jupyterhub.py": "JupyterHub",
}
_seconds: dict[str, float] = defaultdict(float)
REPORT: list[str] = []  # lines a stage wants in the final summary (emulated times, sweep times)
_start = time.perf_counter()


def stage_of(nodeid: str) -> str:
    return next((s for prefix, s in STAGES.items() if nodeid.startswith(prefix)), "unit tests")


def pytest_runtest_logreport(report):
    _seconds[stage_of(report.nodeid)] += report.duration


def pytest_terminal_summary(terminalreporter):
    if not _seconds:
        return
    terminalreporter.section("time per stage (seconds)")
    for stage, seconds in sorted(_seconds.items(), key=lambda kv: -kv[1]):
        terminalreporter.write_line(f"{stage:<32} {seconds:7.1f}")
    terminalreporter.write_line(f"{'total wall time':<32} {time.perf_counter() - _start:7.1f}")
    if REPORT:
        terminalreporter.section("notebook stages: measured, not asserted")
        for line in REPORT:
            terminalreporter.write_line(line)


DEVICES = ["cpu", pytest.param("cuda", marks=pytest.mark.skipif(
    not torch.cuda.is_available(), reason="no CUDA device on this machine"))]


@pytest.fixture(params=DEVICES)
def device(request) -> str:
    """Run a test once on the CPU and once on CUDA (skipped when no GPU is present)."""
    return request.param
