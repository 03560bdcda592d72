"""Run notebooks in a kernel of our choice: natively, twice per cell, or emulated as another CPU.

Shared by the portability stage (tests/test_portability.py), the re-run test (tests/test_rerun.py)
and the parameter sweep (tests/test_sweep.py). Only nbclient/jupyter_client are used, never nbval:
with the project's `--nbval-current-env`, nbval ignores `--nbval-kernel-name` without a word, so an
"emulated" nbval run could silently be a native one.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
EMULATED_KERNEL = "gdla-emulated"
# The CPU model to emulate: the other vendor than the host's (QEMU names; `qemu-x86_64 -cpu help`).
OTHER_VENDOR = {"AuthenticAMD": "Haswell", "GenuineIntel": "EPYC-Rome"}
# A float32 product whose bytes differ between Intel and AMD CPUs (same torch wheel): the probe
# that shows a kernel really computed as the other vendor does.
PROBE = ("import hashlib, torch\n"
         "_g = torch.Generator().manual_seed(314)\n"
         "_a, _b = torch.rand(4, 4, generator=_g), torch.rand(4, 4, generator=_g)\n"
         "print(hashlib.sha256((_a @ _b).numpy().tobytes()).hexdigest()[:16])")


def host_vendor() -> str | None:
    """The CPU vendor of this Linux host (AuthenticAMD, GenuineIntel), or None elsewhere."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("vendor_id"):
                return line.split(":", 1)[1].strip()
    except OSError:
        return None
    return None


def emulation_plan() -> tuple[str | None, str]:
    """(qemu binary or None, the CPU model to emulate, or why emulation is not possible here)."""
    if sys.platform != "linux" or platform.machine() not in ("x86_64", "AMD64"):
        return None, f"emulation needs Linux on x86-64, this is {sys.platform} on {platform.machine()}"
    vendor = host_vendor()
    if vendor not in OTHER_VENDOR:
        return None, f"unknown CPU vendor {vendor!r}: no other vendor to emulate"
    qemu = shutil.which("qemu-x86_64")
    if qemu is None:
        return None, "qemu-x86_64 not found: install Debian's qemu-user (apt-get install -y qemu-user)"
    return qemu, OTHER_VENDOR[vendor]


def probe_native() -> str:
    """The probe's value in this (native) process."""
    import torch

    g = torch.Generator().manual_seed(314)
    a, b = torch.rand(4, 4, generator=g), torch.rand(4, 4, generator=g)
    return hashlib.sha256((a @ b).numpy().tobytes()).hexdigest()[:16]


def write_emulated_kernelspec(folder: Path, qemu: str, cpu: str, python: str | None = None) -> Path:
    """A kernelspec whose kernel is this Python under `qemu-x86_64 -cpu CPU`; returns kernels/."""
    kernels = folder / "kernels"
    spec = kernels / EMULATED_KERNEL
    spec.mkdir(parents=True, exist_ok=True)
    argv = [qemu, "-cpu", cpu, python or sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps(
        {"argv": argv, "display_name": f"Python 3 as {cpu} (QEMU)", "language": "python",
         # two emulated kernels share the two cores: one thread each
         "env": {"PYTHONWARNINGS": "ignore", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}}))
    return kernels


@dataclass
class Run:
    """What executing one notebook gave."""

    name: str
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)  # "cell N: Error: message"
    kernel_exe: str = ""  # what /proc/<kernel pid>/exe points to (Linux)
    probe: str = ""  # the probe's output in that kernel
    notebook: nbformat.NotebookNode | None = None


def _kernel_exe(km: KernelManager) -> str:
    pid = getattr(getattr(km, "provisioner", None), "pid", None)
    if pid is None:
        return ""
    try:
        return os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return ""


def _error_text(output) -> str:
    return f"{output.get('ename')}: {str(output.get('evalue'))[:300]}"


def execute(name: str, *, kernels_dir: Path | None = None, kernel_name: str = "python3",
            twice: bool = False, timeout: int = 900, probe: bool = False) -> Run:
    """Execute notebooks/NAME top to bottom in a fresh kernel, every code cell once (or twice).

    Errors are collected, not raised; a cell tagged `raises-exception` may raise. With kernels_dir,
    the kernel is looked up there (an emulated kernelspec).
    """
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    km = KernelManager(kernel_name=kernel_name)
    if kernels_dir is not None:
        km.kernel_spec_manager = KernelSpecManager(kernel_dirs=[str(kernels_dir)])
    client = NotebookClient(nb, km=km, timeout=timeout, kernel_name=kernel_name, allow_errors=True,
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    run = Run(name, notebook=nb)
    start = time.perf_counter()
    try:
        _run_cells(client, km, nb, run, twice, probe)
    finally:  # we own the kernel manager, so nbclient leaves the kernel running: stop it here
        if km.has_kernel:
            km.shutdown_kernel(now=True)
    run.seconds = time.perf_counter() - start
    return run


def _run_cells(client: NotebookClient, km: KernelManager, nb, run: Run, twice: bool, probe: bool) -> None:
    with client.setup_kernel():
        run.kernel_exe = _kernel_exe(km)
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            expected = "raises-exception" in cell.metadata.get("tags", [])
            for attempt in (1, 2) if twice else (1,):
                try:
                    client.execute_cell(cell, index)
                except CellExecutionError as error:  # only with allow_errors=False; kept for safety
                    run.errors.append(f"cell {index} (run {attempt}): {str(error)[:300]}")
                    continue
                bad = [o for o in cell.outputs if o.output_type == "error"]
                if bad and not expected:
                    where = f"cell {index}" + (f" (run {attempt} of 2)" if twice else "")
                    run.errors.append(f"{where}: {_error_text(bad[0])}")
        if probe:
            cell = nbformat.v4.new_code_cell(PROBE)
            nb.cells.append(cell)
            client.execute_cell(cell, len(nb.cells) - 1)
            nb.cells.pop()
            run.probe = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream").strip()
