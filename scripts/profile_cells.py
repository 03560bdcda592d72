"""Time every code cell of a notebook, natively or with its kernel emulated as the other CPU vendor.

    python3 scripts/profile_cells.py 03_svd_gd.ipynb [--emulated] [--top 15] [--out FILE]

A benchmark, not a test: it prints the run's total and its slowest cells (seconds, cell index, first
line), which is where a notebook's emulated budget is won or lost (emulation costs 10-17x on
small-tensor loops, 35-145x on dense products; see tests/test_portability.py).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import _kernels  # noqa: E402  (tests/_kernels.py: the same runner the portability stage uses)


def _seconds(cell) -> float:
    timing = cell.metadata.get("execution", {})
    try:
        start = datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
        end = datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return 0.0
    return (end - start).total_seconds()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", help="a file name in notebooks/, e.g. 02_matrix_inverse_gd.ipynb")
    parser.add_argument("--emulated", action="store_true", help="run the kernel under qemu as the other vendor")
    parser.add_argument("--top", type=int, default=15, help="how many of the slowest cells to list")
    parser.add_argument("--out", help="also write the report to this file")
    args = parser.parse_args()
    kwargs = {}
    with tempfile.TemporaryDirectory() as folder:
        if args.emulated:
            qemu, cpu = _kernels.emulation_plan()
            if qemu is None:
                print(f"cannot emulate here: {cpu}", file=sys.stderr)
                return 2
            kwargs = {"kernels_dir": _kernels.write_emulated_kernelspec(Path(folder), qemu, cpu),
                      "kernel_name": _kernels.EMULATED_KERNEL, "timeout": 3600}
        run = _kernels.execute(args.notebook, **kwargs)
    cells = [(round(_seconds(c), 2), i, (c.source.splitlines() or [""])[0][:70])
             for i, c in enumerate(run.notebook.cells) if c.cell_type == "code"]
    where = f"emulated ({cpu})" if args.emulated else "native"
    lines = [f"{args.notebook}, {where}: {run.seconds:.1f} s wall, cells sum to "
             f"{sum(c[0] for c in cells):.1f} s, {len(run.errors)} error cells"]
    lines += [f"  error: {e}" for e in run.errors]
    lines += [f"  {s:8.2f} s  cell {i:3d}  {first}" for s, i, first in sorted(cells, reverse=True)[:args.top]]
    report = "\n".join(lines)
    print(report)
    if args.out:
        Path(args.out).write_text(report + "\n")
    return 1 if run.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
