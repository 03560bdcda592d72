"""One parameter-sweep run: papermill inside a long-lived worker process (tests/test_sweep.py).

The sweep's worker processes import papermill once and then execute one notebook after another, each
in a fresh kernel, instead of paying a Python start and papermill's imports for every run.
"""

from __future__ import annotations

import os
import time
import traceback

# Two kernels share the two cores: one thread each, so that their products don't fight for both.
KERNEL_THREADS = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def start() -> None:
    """Worker initialiser: the kernels this process starts inherit its environment."""
    os.environ.update(KERNEL_THREADS)
    import papermill  # noqa: F401  (imported once per worker, not once per run)


def run(notebook: str, out: str, params: dict, cwd: str, timeout: int) -> tuple[int, float, str]:
    """Execute notebook with params into out; (0 if every cell ran else 1, seconds, error text)."""
    import papermill

    begin = time.perf_counter()
    try:
        # request_save_on_cell_execute=False: papermill otherwise rewrites the whole output notebook
        # before and after every cell (~60-100 ms per write here, 10-20 s per run of 100-150 cells);
        # it still writes the notebook once at the end, and before raising on an error cell.
        papermill.execute_notebook(notebook, out, parameters=params, cwd=cwd, kernel_name="python3",
                                   progress_bar=False, execution_timeout=timeout,
                                   request_save_on_cell_execute=False)
        code, error = 0, ""
    except papermill.PapermillExecutionError as failure:
        code, error = 1, str(failure)
    except Exception:  # papermill itself failed (no kernel, unreadable notebook): say what happened
        code, error = 2, traceback.format_exc()
    return code, time.perf_counter() - begin, error[-2000:]
