"""The student edition (scripts/student.py): no answers survive, and it runs with every check untried."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import nbtools  # noqa: E402
import student  # noqa: E402

NOT_ATTEMPTED = "not attempted yet"


@pytest.fixture(scope="module")
def edition(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("student")
    student.build(out)
    return out


def _texts(nb) -> list[str]:
    """Every source and every output text of a notebook."""
    texts = []
    for cell in nb.cells:
        texts.append(cell.source)
        for output in cell.get("outputs", []):
            texts.append(output.get("text", ""))
            texts.extend(str(v) for v in output.get("data", {}).values())
            texts.append(str(output.get("evalue", "")))
    return texts


def _defined(source: str) -> set[str]:
    """Names a cell defines at its top level: assignment targets, functions and classes.

    (Loop and comprehension variables are left out: `word`, `w` are also words of the prose.)
    """
    names = set()
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign)) else [])
        for target in targets:
            names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    return names


def answers(name: str) -> tuple[set[str], set[str]]:
    """(lines, names) that only the solution cells of a full notebook contain."""
    full = nbformat.read(nbtools.NOTEBOOKS / name, as_version=4)
    solutions = [c for c in full.cells if student.is_solution(c)]
    others = [c for c in full.cells if not student.is_solution(c)]
    other_lines = {line.strip() for text in _texts(nbformat.from_dict({"cells": others})) for line in text.splitlines()}
    lines = {line.strip() for c in solutions for line in c.source.splitlines()
             if line.strip() and not line.strip().startswith("#")} - other_lines
    # Names the rest of the lesson also uses (in code or prose, like "gap") give nothing away.
    other_words = set(re.findall(r"\w+", "\n".join(_texts(nbformat.from_dict({"cells": others})))))
    names = set().union(*(_defined(c.source) for c in solutions)) - other_words
    return lines, names


@pytest.mark.parametrize("name", nbtools.ORDER)
def test_no_answer_survives(edition, name):
    path = edition / "notebooks" / name
    raw = path.read_text(encoding="utf-8")
    nb = nbformat.reads(raw, as_version=4)
    assert "<details" not in raw, f"{name}: a quiz answer (<details>) is left in the student edition"
    assert not [c for c in nb.cells if student.is_solution(c)], f"{name}: a solution cell is left in"
    lines, names = answers(name)
    assert lines and names, f"{name}: found no solution lines or names to look for (is the test blind?)"
    student_lines = {line.strip() for text in _texts(nb) for line in text.splitlines()}
    leaked = sorted(lines & student_lines)
    assert not leaked, f"{name}: lines of solution cells in the student edition: {leaked[:5]}"
    words = set(re.findall(r"\w+", "\n".join(_texts(nb))))
    assert not names & words, f"{name}: names only a solution defines appear: {sorted(names & words)}"


@pytest.mark.parametrize("name", nbtools.ORDER)
def test_every_exercise_is_not_attempted_and_navigation_works(edition, name):
    full = nbformat.read(nbtools.NOTEBOOKS / name, as_version=4)
    nb = nbformat.read(edition / "notebooks" / name, as_version=4)
    exercises = sum(student.is_scaffold(c) for c in full.cells)
    assert sum(student.is_solution(c) for c in full.cells) >= exercises >= 4, f"{name}: a solution per exercise"
    checks = [nb.cells[i] for i in student.exercise_checks(nb)]
    assert len(checks) == exercises, f"{name}: {len(checks)} exercise checks for {exercises} exercises"
    shown = sum(NOT_ATTEMPTED in t for c in checks for t in _texts(nbformat.from_dict({"cells": [c]})))
    assert shown == exercises, f"{name}: {shown} of {exercises} exercise checks print {NOT_ATTEMPTED!r}"
    assert all("nbval-check-output" in c.metadata.tags for c in checks), "nbval re-checks each exercise's check"
    header = next(c for c in nb.cells if "nav-header" in c.metadata.get("tags", []))
    assert "/main" not in header.source and f"/{student.BRANCH}" in header.source, "badges open the student branch"
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for target in re.findall(r"\]\(([^)#]+\.(?:ipynb|md))\)", cell.source):
                if "://" not in target:
                    assert (edition / "notebooks" / target).resolve().exists(), f"{name}: broken link {target}"


@pytest.mark.slow
def test_student_edition_runs_with_nbval(edition):
    # Restart and Run All: every cell runs, and every scaffold prints "not attempted yet" again.
    (edition / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax",
                           "--nbval-current-env", "-c", str(edition / "pytest.ini"),
                           "--rootdir", str(edition), str(edition / "notebooks")],
                          capture_output=True, text=True, cwd=edition)
    tail = "\n".join(proc.stdout.splitlines()[-25:])
    assert proc.returncode == 0, f"nbval on the student edition failed:\n{tail}\n{proc.stderr[-1000:]}"
    assert re.search(r"\d+ passed", proc.stdout), tail
