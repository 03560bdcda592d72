"""Every public function of gdla_helpers, called with bad or unusual input, does what its docstring says.

The table lives in scripts/bad_inputs.py (run it to count the outcomes): each row either raises the
documented TypeError/ValueError from gdla_helpers naming the argument, or returns a right answer,
or returns a result that says plainly it failed. No silent wrong answer, no NaN passed through.
"""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import bad_inputs  # noqa: E402

import gdla_helpers as gh  # noqa: E402

ROWS = bad_inputs.build_rows()


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_bad_input(row):
    got, what = bad_inputs.outcome(row)
    expected = getattr(row.expect, "__name__", row.expect)
    assert got == "ok", f"{row.id}: expected {expected}, got {got}: {what}"


def test_every_public_function_has_rows():
    functions = {name for name in gh.__all__ if callable(getattr(gh, name)) and not isinstance(getattr(gh, name), type)}
    # style takes a figure and labels; the loaders take nothing (tests/test_datasets.py loads them offline)
    functions -= {"style", "load_source_baseline", "load_photo", "load_pydoc_topics", "load_svd_cost"}
    covered = {row.function for row in ROWS}
    assert functions <= covered, f"add rows for {sorted(functions - covered)}"
