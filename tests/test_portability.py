"""Portability stage: every notebook runs with its kernel emulating the other CPU vendor.

The same torch wheel rounds float32 differently on Intel and AMD CPUs, so a check that holds on the
machine that wrote a notebook can fail on a learner's laptop. Here each notebook is executed with
its kernel under QEMU user-mode emulation as an x86-64 CPU of the *other* vendor than the host
(`-cpu Haswell` on AMD hosts, `-cpu EPYC-Rome` on Intel hosts); every cell must run without error.
The stage proves that each kernel really ran emulated: the kernel process's /proc/<pid>/exe is the
qemu binary, and a float32 probe computed in the kernel differs from the same probe computed here.

Without Linux x86-64 or qemu the stage skips with a loud reason; `GDLA_REQUIRE_PORTABILITY=1`
(set by .ci/run) turns that skip into a failure. Two kernels run at once (the machine has 2 cores).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import _kernels  # tests/_kernels.py (pytest puts tests/ on sys.path)
import pytest

import conftest  # the project's conftest.py: its REPORT lines end the run's summary
import gdla_helpers as gh

pytestmark = [pytest.mark.portability, pytest.mark.slow]
EMULATED_BUDGET_S = {"01": 180, "02": 360, "03": 540}  # two kernels at once, 2 cores
LESSONS = [lesson.file for lesson in gh.lessons.LESSONS]


@pytest.fixture(scope="module")
def emulated_runs(tmp_path_factory) -> dict[str, _kernels.Run]:
    qemu, cpu = _kernels.emulation_plan()
    if qemu is None:
        if os.environ.get("GDLA_REQUIRE_PORTABILITY") == "1":
            pytest.fail(f"the portability stage is required here but cannot run: {cpu}")
        pytest.skip(f"PORTABILITY STAGE SKIPPED: {cpu}")
    kernels = _kernels.write_emulated_kernelspec(Path(tmp_path_factory.mktemp("emulated")), qemu, cpu)
    # The slowest notebook first, so that the two workers finish at about the same time.
    order = sorted(LESSONS, key=lambda f: -EMULATED_BUDGET_S[gh.lessons.lesson(f).number])
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(_kernels.execute, name, kernels_dir=kernels,
                                     kernel_name=_kernels.EMULATED_KERNEL, probe=True, timeout=1800)
                   for name in order}
        runs = {name: future.result() for name, future in futures.items()}
    header = f"portability stage: kernels emulated as {cpu} (host: {_kernels.host_vendor()}) with {qemu}"
    print("\n" + header)
    conftest.REPORT.append(header)
    for name, run in runs.items():
        budget = EMULATED_BUDGET_S[gh.lessons.lesson(name).number]
        over = "  OVER BUDGET" if run.seconds > budget else ""
        line = f"  {name:34s} {run.seconds:6.0f} s emulated (budget {budget} s){over}, kernel exe {run.kernel_exe}"
        print(line)
        conftest.REPORT.append(line)
    runs["_meta"] = (qemu, cpu)
    return runs


@pytest.mark.parametrize("name", LESSONS)
def test_notebook_runs_on_the_other_vendor(emulated_runs, name):
    qemu, cpu = emulated_runs["_meta"]
    run = emulated_runs[name]
    assert not run.errors, f"{name} on an emulated {cpu}: " + "; ".join(run.errors)
    # Proof of emulation, two ways: the kernel process is qemu, and it rounds like the other vendor.
    assert Path(run.kernel_exe).resolve() == Path(qemu).resolve(), (
        f"the kernel of {name} ran as {run.kernel_exe!r}, not under {qemu}: this run was not emulated")
    native = _kernels.probe_native()
    assert run.probe and run.probe != native, (
        f"the float32 probe gave {run.probe!r} in the kernel and {native!r} natively: the kernel did not "
        f"compute as a {cpu} would")
    # Timings are benchmarked, not asserted: the fixture prints each notebook's emulated time next
    # to its budget (a hang is caught by nbclient's per-cell timeout).
