"""Re-run safety: learners re-run cells all the time, so every code cell must survive a second run.

Each notebook is executed in one kernel with every code cell run twice in a row; no cell may fail
on either run (a cell tagged `raises-exception` is allowed its exception). A typical failure this
catches: `loss.backward()` on a graph built in an earlier cell ("Trying to backward through the
graph a second time").
"""

from __future__ import annotations

import _kernels  # tests/_kernels.py (pytest puts tests/ on sys.path)
import pytest

import gdla_helpers as gh

pytestmark = [pytest.mark.slow]


@pytest.mark.parametrize("name", [lesson.file for lesson in gh.lessons.LESSONS])
def test_every_cell_survives_a_second_run(name):
    run = _kernels.execute(name, twice=True)
    print(f"{name}: every cell twice in {run.seconds:.0f} s")
    assert not run.errors, f"{name}, every code cell run twice in a row: " + "; ".join(run.errors)
