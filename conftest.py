"""Project-wide pytest configuration: shared fixtures and a per-stage timing table."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
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
    "tests/test_svd_battery.py": "SVD battery (seeds 0-9, β scan)",
    "tests/test_exercises.py": "learner answers (notebooks run once)",
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


# One fresh interpreter serves the two tests that need one (a fresh `import torch` costs ~3 s of CPU,
# so one process instead of two): tests/test_api.py reads what importing gdla_helpers printed and
# changed (and what it froze at exit), tests/test_datasets.py what loading both data sets with no
# network returned.
IMPORTED = "--- gdla_helpers imported ---"
FRESH_CODE = f"""
import atexit, gc, os, sys
# Registered before gdla_helpers, so it runs after gdla_helpers' exit handler (last in, first out).
atexit.register(lambda: os.write(2, f"objects frozen at exit: {{gc.get_freeze_count()}}\\n".encode()))
import plotly.io as pio; before = pio.renderers.default
import gdla_helpers as gh
renderer_kept = pio.renderers.default == before
import torch; dtype = str(torch.get_default_dtype())
sys.stdout.flush(); sys.stderr.flush()
os.write(1, b"\\n{IMPORTED}\\n"); os.write(2, b"\\n{IMPORTED}\\n")
print("renderer kept:", renderer_kept, "default dtype:", dtype, flush=True)
p = gh.load_photo(); c = gh.load_pydoc_topics()
print(tuple(p.shape), tuple(c.counts.shape))
"""


@dataclass(frozen=True)
class Fresh:
    no_network: str | None  # None: the run had no network; else why it had one (no unshare, or not permitted)
    returncode: int
    import_out: str | None  # what the import printed (None: it never finished)
    import_err: str | None
    out: str  # what came after the import
    err: str


_fresh: dict[str, subprocess.Popen] = {}  # the fresh interpreter, once started


def _start_fresh(no_network: bool) -> subprocess.Popen:
    command = [sys.executable, "-c", FRESH_CODE]
    return subprocess.Popen(["unshare", "-n", *command] if no_network else command,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def pytest_collection_modifyitems(session, config, items):
    """Start the fresh interpreter as soon as the tests are collected, when one of them needs it, and
    run the tests that read it last: its ~3 s of imports then run beside the other tests (on another
    core), not in front of them."""
    users = [item for item in items if "fresh_interpreter" in getattr(item, "fixturenames", ())]
    if users and "fresh" not in _fresh:
        items[:] = [item for item in items if item not in users] + users
        _fresh["fresh"] = _start_fresh(no_network=shutil.which("unshare") is not None)


def pytest_sessionfinish(session):
    if "fresh" in _fresh and _fresh["fresh"].poll() is None:  # started, never collected (e.g. -x stopped)
        _fresh["fresh"].kill()
        _fresh["fresh"].wait()


@pytest.fixture(scope="session")
def fresh_interpreter() -> Fresh:
    """Import gdla_helpers in a new process (with no network when `unshare -n` is allowed), then load both data sets."""
    why = None if shutil.which("unshare") is not None else "unshare is not installed"
    process = _fresh.get("fresh") or _start_fresh(no_network=why is None)
    stdout, stderr = process.communicate(timeout=120)
    returncode = process.returncode
    if why is None and returncode != 0 and ("Operation not permitted" in stderr or "unshare failed" in stderr):
        why = f"unshare -n is not permitted here ({stderr.strip()[:200]})"
        done = subprocess.run([sys.executable, "-c", FRESH_CODE], capture_output=True, text=True, timeout=120)
        stdout, stderr, returncode = done.stdout, done.stderr, done.returncode
    marker = f"\n{IMPORTED}\n"
    out_parts, err_parts = stdout.split(marker, 1), stderr.split(marker, 1)
    imported = len(out_parts) == 2 and len(err_parts) == 2
    return Fresh(why, returncode, out_parts[0] if imported else None, err_parts[0] if imported else None,
                 out_parts[-1] if imported else stdout, err_parts[-1] if imported else stderr)
