"""Parameter sweep: the notebooks hold for every value their parameters cells allow.

papermill executes each notebook over the grid below: each parameter's ends and middle, the hardest
corners, and values just outside each range. Inside the ranges every cell must run without error;
outside them the notebook must stop in the cell right after the parameters (``gh.check_parameters``)
with its ValueError, and nothing else may run. Parameters that feed sections which never meet are
changed in the same row; the full list of refused values is checked without a kernel, and a kernel
runs at least one per parameter. Two worker processes each run one notebook after another (a fresh
kernel each), so that papermill's start is paid twice, not once per run. The grid's coverage of
every range declared in gdla_helpers.lessons is itself tested, so a new parameter or a widened range
needs new rows here.

Also here: the parameters cells are annotated so that ``papermill --help-notebook`` reads each
parameter's name, type and default, and agree with the manifest (``gh.lessons.LESSONS``).
"""

from __future__ import annotations

import ast
import inspect
import multiprocessing
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import _papermill_worker  # tests/: one run in a long-lived worker process
import nbformat
import pytest

import conftest  # the project's conftest.py: its REPORT lines end the run's summary
import gdla_helpers as gh

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
BIG = 2**63 - 1

# (lesson, parameters changed from the defaults). Inside the ranges: every cell runs. The defaults
# themselves are not a row: nbval, the re-run stage and the browser stage all execute them.
# Notebook 01's parameters feed three sections that never meet (the planted topics: seed, n_documents,
# n_words, n_topics; the 2×2 matrix M: m11..m22; the 1-D quadratic: curvature, step_size), so one row
# changes one group of each; 02's and 03's parameters all shape the same M and run, so they are
# changed alone or in deliberate corners.
INSIDE = [
    # topics group (a deep dive after section 3) | 2×2 M (section 6) and quadratic (section 11) group
    ("01", {"seed": 1,
            "m11": 1, "m12": 1, "m21": 1, "m22": 1.00001, "curvature": 100, "step_size": 10}),  # κ ≈ 4e5
    ("01", {"seed": BIG,
            "m11": 1, "m12": 0, "m21": 0, "m22": 1, "curvature": 0.1, "step_size": 0.001}),  # identity
    ("01", {"n_documents": 2, "n_words": 2, "n_topics": 1,
            "m11": -10, "m12": 10, "m21": 10, "m22": 10, "step_size": 0.5}),  # η exactly 2/f″
    ("01", {"n_documents": 200, "n_words": 200, "n_topics": 10,
            "m11": 10, "m12": -10, "m21": -10, "m22": -10}),
    ("01", {"n_topics": 1,
            "m11": 0, "m12": -1, "m21": 1, "m22": 0, "step_size": 0.25}),  # a rotation; one step lands
    ("01", {"n_topics": 10,
            "m22": 0.67, "curvature": 0.1, "step_size": 10}),
    ("01", {"n_documents": 3, "n_words": 200, "n_topics": 3,
            "m11": -10, "m12": 0, "m21": 0, "m22": 1e-4, "curvature": 3, "step_size": 2 / 3}),
    ("01", {"seed": 7, "curvature": 3, "step_size": 0.6666666667}),  # η = 2/c typed as a decimal: |1 − ηc| = 1 + 1e-10
    ("02", {"n": 2}),
    ("02", {"n": 8}),
    ("02", {"seed": 0}),
    ("02", {"seed": 1}),
    ("02", {"seed": BIG, "tol": "1e-4"}),  # the largest seed; a tolerance typed as text
    ("02", {"kind": "condition", "n": 2, "kappa": 1}),
    ("02", {"kind": "condition", "n": 12, "kappa": 100, "seed": 1}),
    ("02", {"kind": "condition", "n": 32, "kappa": 50}),
    ("02", {"kind": "condition", "n": 64, "kappa": 1}),
    ("02", {"kind": "condition", "n": 4, "kappa": 100}),
    ("02", {"kind": "condition", "n": 8, "kappa": 100, "tol": 1e-10}),
    ("02", {"tol": 1e-10}),
    ("02", {"tol": 1e-3}),
    ("02", {"kind": "condition", "n": 64, "kappa": 100, "tol": 1e-8}),  # n and kappa at the top, tight tol
    ("02", {"kind": "condition", "n": 2, "kappa": 100, "tol": 1e-3}),
    ("02", {"n": 8, "seed": 324}),  # the slowest of seeds 0-999 at n = 8 (kappa ~ 2.4e5): runs stop at their cap
    ("03", {"shape": [100, 200]}),
    ("03", {"shape": [1, 1]}),
    ("03", {"shape": [2, 2]}),
    ("03", {"shape": [4, 4]}),
    ("03", {"shape": [5, 5], "rank": 5}),
    ("03", {"shape": [100, 100]}),
    ("03", {"shape": [1, 50]}),
    ("03", {"shape": [50, 1]}),
    ("03", {"shape": [3, 200]}),
    ("03", {"rank": 1, "seed": BIG}),  # rank only sizes the applications; the largest seed
    ("03", {"shape": [200, 100], "rank": 100}),  # the largest shape, rank at the top
    ("03", {"shape": [3, 3], "rank": 5}),  # rank adapts to 3, with a printed line
    ("03", {"seed": 1}),
    ("03", {"seed": 7}),
]
# Just outside the ranges (or of the wrong kind): the check cell's ValueError, nothing else. A kernel
# runs one or two of them per parameter, which shows that the check cell passes that parameter on;
# that every value in REFUSED is refused is a property of gh.check_parameters, tested without one.
OUTSIDE = [
    ("01", {"n_topics": 0}),
    ("01", {"n_documents": 201}),
    ("01", {"n_words": 1}),
    ("01", {"seed": -1}),
    ("01", {"seed": "abc"}),
    ("01", {"n_topics": 13}),  # more topics than words
    ("01", {"m11": 1, "m12": 2, "m21": 2, "m22": 4}),  # singular
    ("01", {"m11": 11}),
    ("01", {"m12": -10.5}),
    ("01", {"m21": 10.5}),
    ("01", {"m22": -10.5}),
    ("01", {"curvature": 101}),
    ("01", {"step_size": "abc"}),
    ("02", {"n": 0}),
    ("02", {"n": 1}),
    ("02", {"kind": "condition", "n": 65}),
    ("02", {"n": 9}),  # kind "rand" goes to 8
    ("02", {"kind": "condition", "kappa": 0.5}),
    ("02", {"tol": 1e-2}),
    ("02", {"tol": "abc"}),
    ("02", {"kind": "randn"}),
    ("02", {"seed": BIG + 1}),
    ("03", {"shape": [0, 5]}),
    ("03", {"shape": [150, 150]}),
    ("03", {"rank": 101}),
    ("03", {"seed": -1}),
    ("03", {"shape": "abc"}),
]
REFUSED = OUTSIDE + [
    ("01", {"n_documents": 1}),
    ("01", {"n_words": 201}),
    ("01", {"n_topics": 11}),
    ("01", {"seed": BIG + 1}),
    ("01", {"m11": -10.5}),
    ("01", {"m12": 10.5}),
    ("01", {"m21": -10.5}),
    ("01", {"m22": 10.5}),
    ("01", {"curvature": 0.09}),
    ("01", {"step_size": 0.0001}),
    ("01", {"step_size": 11}),
    ("02", {"kind": "condition", "kappa": 101}),
    ("02", {"tol": 1e-11}),
    ("02", {"seed": -1}),
    ("03", {"shape": [201, 5]}),
    ("03", {"shape": [5, 201]}),
    ("03", {"rank": 0}),
    ("03", {"seed": BIG + 1}),
]


def _id(row) -> str:
    number, params = row
    return number + ":" + (",".join(f"{k}={v}" for k, v in params.items()) or "defaults")


def _numbers(p: gh.lessons.Parameter, params: dict) -> list[float]:
    """The numbers a row gives parameter p (both sides of a shape), defaults filled in, exactly."""
    value = params.get(p.name, p.default)
    values = value if p.kind == "shape" and isinstance(value, (list, tuple)) else [value]
    found = []
    for v in values:
        if isinstance(v, str):
            try:
                v = float(v)
            except ValueError:
                continue
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            found.append(v)
    return found


@pytest.mark.parametrize("lesson", gh.lessons.LESSONS, ids=lambda lesson: lesson.number)
def test_grid_covers_every_range(lesson):
    inside = [params for number, params in INSIDE if number == lesson.number]
    outside = [params for number, params in REFUSED if number == lesson.number]
    in_a_kernel = [params for number, params in OUTSIDE if number == lesson.number]
    for p in lesson.parameters:
        assert any(p.name in params for params in in_a_kernel), (
            f"lesson {lesson.number}: no OUTSIDE row (run in a kernel) gives {p.name} a refused value")
        changed = [params for params in inside if p.name in params]
        assert changed, f"lesson {lesson.number}: no inside row changes {p.name}"
        if p.kind == "choice":
            used = {params.get(p.name, p.default) for params in inside}
            assert used == set(p.choices), f"{p.name}: the sweep uses {used}, the choices are {p.choices}"
            assert any(params.get(p.name) not in p.choices for params in outside if p.name in params)
            continue
        seen = [v for params in inside for v in _numbers(p, params)]
        assert min(seen) == p.low and max(seen) == p.high, (
            f"lesson {lesson.number}: the sweep covers {p.name} from {min(seen)} to {max(seen)}, "
            f"its range is {p.low} to {p.high}")
        beyond = [v for params in outside if p.name in params for v in _numbers(p, params)]
        assert any(v < p.low for v in beyond) and any(v > p.high for v in beyond), (
            f"lesson {lesson.number}: the sweep needs a value just below and just above {p.name}'s range")


def test_inside_rows_pass_the_check_and_outside_rows_do_not():
    # The same rule as the notebooks' check cell, without a kernel: a fast first line of defence.
    for rows, inside in ((INSIDE, True), (REFUSED, False)):
        for number, params in rows:
            values = gh.lessons.lesson(number).defaults | params
            try:
                gh.check_parameters(number, **values)
                ok = True
            except ValueError:
                ok = False
            assert ok == inside, f"{_id((number, params))}: check_parameters {'refused' if inside else 'accepted'} it"


# --- papermill's view of the parameters cells ------------------------------------------------------

def _parameters_cell(lesson: gh.lessons.Lesson):
    nb = nbformat.read(NOTEBOOKS / lesson.file, as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"{lesson.file}: exactly one cell tagged 'parameters'"
    return nb, nb.cells.index(cells[0]), cells[0]


@pytest.mark.parametrize("lesson", gh.lessons.LESSONS, ids=lambda lesson: lesson.number)
def test_parameters_cell_matches_the_manifest(lesson):
    nb, index, cell = _parameters_cell(lesson)
    declared = {}
    for line in cell.source.splitlines():
        node = ast.parse(line.split("#")[0]).body if line.strip() and not line.startswith("#") else []
        if node and isinstance(node[0], ast.AnnAssign):
            name = node[0].target.id
            declared[name] = (ast.unparse(node[0].annotation), ast.literal_eval(node[0].value),
                              line.split("#", 1)[1].strip() if "#" in line else "")
    assert list(declared) == [p.name for p in lesson.parameters], (
        f"{lesson.file}: the parameters cell declares {list(declared)} (annotated as `name: type = value`), "
        f"gh.lessons.LESSONS says {[p.name for p in lesson.parameters]}")
    types = {"int": "int", "float": "float", "choice": "str", "shape": "tuple"}
    for p in lesson.parameters:
        annotation, default, comment = declared[p.name]
        assert annotation == types[p.kind] and default == p.default, (p.name, annotation, default)
        assert p.text in comment, f"{p.name}: its comment should state the range {p.text!r}, it says {comment!r}"
        assert "=" not in comment and "<" not in comment and ">" not in comment, (
            f"{p.name}: papermill skips a parameter whose comment contains = < or >: {comment!r}")
    check = nb.cells[index + 1].source
    assert check.lstrip().startswith(", ".join(p.name for p in lesson.parameters) + " = gh.check_parameters("), (
        f"{lesson.file}: the cell after the parameters starts with the parameters' check")


@pytest.mark.parametrize("lesson", gh.lessons.LESSONS, ids=lambda lesson: lesson.number)
def test_papermill_reads_every_parameter(lesson):
    out = subprocess.run([sys.executable, "-m", "papermill", "--help-notebook", str(NOTEBOOKS / lesson.file)],
                         capture_output=True, text=True, cwd=ROOT, check=True).stdout
    types = {"int": "int", "float": "float", "choice": "str", "shape": "tuple"}
    for p in lesson.parameters:
        line = next((ln.strip() for ln in out.splitlines() if ln.strip().startswith(p.name + ":")), None)
        assert line is not None, f"papermill --help-notebook does not list {p.name}:\n{out}"
        assert line.startswith(f"{p.name}: {types[p.kind]} (default "), f"papermill reads {line!r}"
        assert "Unknown type" not in line


# --- the sweep itself --------------------------------------------------------------------------------

def _papermill(pool, row, out_dir: Path):
    """Submit one run to the worker pool; its future gives (row, exit code, notebook, seconds, error)."""
    number, params = row
    lesson = gh.lessons.lesson(number)
    out = out_dir / (_id(row).replace(":", "_").replace(",", "_").replace("=", "-")[:120] + ".ipynb")
    return out, pool.submit(_papermill_worker.run, str(NOTEBOOKS / lesson.file), str(out), params,
                            str(NOTEBOOKS), 900)


def _errors(nb) -> list[tuple[int, dict]]:
    return [(i, o) for i, c in enumerate(nb.cells) if c.cell_type == "code"
            for o in c.get("outputs", []) if o.output_type == "error"]


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    out_dir = Path(tmp_path_factory.mktemp("sweep"))
    rows = [(row, True) for row in INSIDE] + [(row, False) for row in OUTSIDE]
    # Slow ones first (03, then 02's large or ill-conditioned rows), so that the two workers end together.
    rows.sort(key=lambda r: (not r[1], r[0][0] != "03", -float(r[0][1].get("kappa", 0)) * r[0][1].get("n", 4)))
    start = time.perf_counter()
    workers = int(os.environ.get("GDLA_SWEEP_WORKERS", "2"))
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_papermill_worker.start) as pool:
        submitted = [(row, inside, *_papermill(pool, row, out_dir)) for row, inside in rows]
        results = []
        for row, inside, out, future in submitted:
            code, seconds, error = future.result()
            nb = nbformat.read(out, as_version=4) if out.exists() else None
            results.append(((row, code, nb, seconds, error), inside))
    lines = [f"parameter sweep: {len(rows)} papermill runs in {time.perf_counter() - start:.0f} s "
             f"({os.environ.get('GDLA_SWEEP_WORKERS', '2')} at once); run time per lesson:"]
    for number in sorted({row[0] for row, _ in rows}):
        for inside in (True, False):
            times = sorted(seconds for (row, _, _, seconds, _), ins in results if row[0] == number and ins == inside)
            if times:
                lines.append(f"  {number} {'inside ' if inside else 'outside'} {len(times):3d} runs, {sum(times):5.0f} s "
                             f"in all, median {times[len(times) // 2]:4.1f} s")
    lines.append("  the slowest:")
    for (row, code, _, seconds, _), _inside in sorted(results, key=lambda r: -r[0][3])[:8]:
        lines.append(f"  {seconds:5.0f} s  {_id(row)}  (exit {code})")
    print("\n" + "\n".join(lines))
    conftest.REPORT.extend(lines)
    return {_id(row): (code, nb, stderr, inside) for (row, code, nb, _, stderr), inside in results}


@pytest.mark.sweep
@pytest.mark.slow
@pytest.mark.parametrize("row", INSIDE, ids=_id)
def test_inside_the_ranges_every_cell_runs(sweep, row):
    code, nb, stderr, _ = sweep[_id(row)]
    assert nb is not None, f"papermill wrote no notebook: {stderr}"
    errors = _errors(nb)
    detail = "; ".join(f"cell {i}: {o['ename']}: {str(o['evalue'])[:200]}" for i, o in errors)
    assert code == 0 and not errors, f"{_id(row)}: {detail or stderr}"


@pytest.mark.sweep
@pytest.mark.slow
@pytest.mark.parametrize("row", OUTSIDE, ids=_id)
def test_outside_the_ranges_only_the_check_refuses(sweep, row):
    code, nb, stderr, _ = sweep[_id(row)]
    assert code != 0 and nb is not None, f"{_id(row)} ran to the end (exit {code}) instead of being refused"
    errors = _errors(nb)
    assert len(errors) == 1, f"{_id(row)}: expected one error, got {[(i, o['ename']) for i, o in errors]}"
    index, error = errors[0]
    assert error["ename"] == "ValueError", f"{_id(row)}: {error['ename']}: {error['evalue']}"
    assert "gh.check_parameters(" in nb.cells[index].source, f"{_id(row)}: the error came from cell {index}"
    later = [c for c in nb.cells[index + 1:] if c.cell_type == "code" and c.get("execution_count")]
    assert not later, f"{_id(row)}: cells after the check ran"


def _cap_claim(nb) -> str:
    """Why notebook 03's 'try shape = (100, 100): ... stops at its cap' is not what its run shows, or ''."""
    cap = inspect.signature(gh.svd_factorize).parameters["max_iter"].default
    prose = next((c.source for c in nb.cells if c.cell_type == "markdown" and "shape = (100, 100)" in c.source), "")
    said = re.search(r"stops at its cap of ([\d  ,]+) iterations", prose)
    if not said or int(re.sub(r"\D", "", said.group(1))) != cap:
        return f"section 5 should say that shape (100, 100) stops at the cap of {cap:,} iterations: {prose[-300:]!r}"
    cell = next((c for c in nb.cells if c.cell_type == "code" and c.source.startswith("fast = gh.svd_factorize(M)")), None)
    text = "".join(o.get("text", "") for o in (cell or {}).get("outputs", []) if o.get("output_type") == "stream")
    if f"hit the cap of {cap} iterations" not in text:
        return f"with shape (100, 100) the factorisation cell printed {text[:300]!r}, not that it hit its cap"
    return ""


@pytest.mark.sweep
@pytest.mark.slow
def test_square_shape_stops_at_the_cap_as_notebook_03_says(sweep):
    code, nb, stderr, _ = sweep[_id(("03", {"shape": [100, 100]}))]
    assert nb is not None, stderr
    problem = _cap_claim(nb)
    assert not problem, problem


def _slow_seed_claim(nb) -> str:
    """Why notebook 02's 'long runs then stop at their cap and say so' is not what a very slow seed's run shows, or ''."""
    prose = next((c.source for c in nb.cells if c.cell_type == "markdown" and "## Parameters you may change" in c.source), "")
    if "stop\nat their cap and say so" not in prose and "stop at their cap and say so" not in prose:
        return f"the parameters text should say that long runs stop at their cap and say so: {prose[-300:]!r}"
    printed = ["".join(o.get("text", "") for o in c.get("outputs", []) if o.get("output_type") == "stream")
               for c in nb.cells if c.cell_type == "code"]
    if not any("source settings: not converged" in text for text in printed):
        return "section 7's run of the source's loop did not say that it stopped at its cap ('not converged')"
    if not any("not converged: hit the cap of" in text for text in printed):
        return "no gh.minimize run (sections 14, exercise 4's solution) said that it hit its cap"
    return ""


@pytest.mark.sweep
@pytest.mark.slow
def test_a_very_slow_seed_stops_at_the_cap_and_says_so(sweep):
    code, nb, stderr, _ = sweep[_id(("02", {"n": 8, "seed": 324}))]
    assert code == 0 and nb is not None, stderr
    problem = _slow_seed_claim(nb)
    assert not problem, problem
