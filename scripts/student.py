#!/usr/bin/env python3
"""Build the student edition of the course into build/student/ (derived: never edit it by hand).

    python scripts/course.py student          # or: python scripts/student.py [OUT_DIR] [--branch NAME]

What changes from the instructors' edition (the repository's notebooks):
- solution cells (tag `solution`) are removed, with their outputs;
- quiz answers (`<details><summary>Answer</summary> ... </details>`) are removed from the Markdown;
- each exercise's check cell (the first `gh.check_` cell from its scaffold `name = None  # your code`
  on) is tagged `nbval-check-output`, so that nbval checks that it still prints "not attempted yet"
  when the edition is re-executed;
- the header says "Student edition", and the launch badges and Colab links point at the branch
  `student` of the repository (or the one given by --branch; publish build/student there: see the
  instructors' page), not at `main`, whose notebooks hold the solutions;
- it carries what Binder needs to build it on its own (binder/, the package, pyproject.toml), so
  that a Binder session of the student branch holds no solution anywhere.
Everything else, stored outputs included, stays as in the instructors' edition: the stored outputs
come from one clean run of the full notebooks, and the solution cells' outputs go with the cells.
"""

from __future__ import annotations

import copy
import re
import shutil
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
import nbtools  # noqa: E402

OUT = ROOT / "build" / "student"
BRANCH = "student"
# What Binder needs to build the edition on its own: binder/ (whose postBuild installs the package).
ENVIRONMENT = ("binder", "gdla_helpers", "pyproject.toml", "LICENSE")
SCAFFOLD = nbtools.SCAFFOLD  # an exercise's cell for the learner's answer
ANSWER = re.compile(r"\n*<details><summary>Answer</summary>.*?</details>\n?", re.S)
BANNER = ("**Student edition**: the exercises' solutions and the quiz answers are not included. "
          "Every check prints \"not attempted yet\" until you write your answer.")


def is_solution(cell) -> bool:
    return "solution" in cell.get("metadata", {}).get("tags", [])


def is_scaffold(cell) -> bool:
    return cell.cell_type == "code" and bool(SCAFFOLD.search(cell.source))


def exercise_checks(nb) -> list[int]:
    """Indices of the cells that check each exercise: the first `gh.check_` cell from its scaffold on."""
    found = []
    for i, cell in enumerate(nb.cells):
        if is_scaffold(cell):
            found.append(next(j for j in range(i, len(nb.cells)) if nb.cells[j].cell_type == "code"
                              and "gh.check_" in nb.cells[j].source and not is_solution(nb.cells[j])))
    return found


def student_notebook(nb, branch: str = BRANCH):
    """A copy of nb without solutions and quiz answers, exercise checks tagged for nbval."""
    nb = copy.deepcopy(nb)
    nb.cells = [cell for cell in nb.cells if not is_solution(cell)]
    checks = set(exercise_checks(nb))
    for i, cell in enumerate(nb.cells):
        tags = cell.setdefault("metadata", {}).setdefault("tags", [])
        if cell.cell_type == "markdown" and ANSWER.search(cell.source):
            cell.source = re.sub(r"\n{3,}", "\n\n", ANSWER.sub("\n\n", cell.source)).strip()
        if i in checks and "nbval-check-output" not in tags:
            tags.append("nbval-check-output")
        if "nav-header" in tags or "nav-footer" in tags:  # badges and Colab links: the student branch
            cell.source = (cell.source.replace("/main?urlpath=", f"/{branch}?urlpath=")
                           .replace("/blob/main/", f"/blob/{branch}/"))
        if "nav-header" in tags:
            cell.source += "\n\n" + BANNER
    return nb


def student_readme() -> str:
    lines = ["# Gradient Descent Linear Algebra: student edition", "",
             "Work through the lessons in order. Each exercise ends with a check that tells you whether your",
             "answer is right; the solutions are in the instructors' edition.", ""]
    for name in nbtools.ORDER:
        lines.append(f"- [{nbtools.title_of(name)}](notebooks/{name})")
    lines += ["", "To start a lesson afresh, delete your copy of it and follow your class link again: it",
              "brings back the original and leaves your other files alone. A Binder session is temporary:",
              "download the notebooks you changed (File → Download) before you close it."]
    return "\n".join(lines) + "\n"


def build(out: Path = OUT, branch: str = BRANCH) -> list[Path]:
    """Write the student edition into out/ (notebooks/, README.md and ENVIRONMENT); return the notebooks."""
    if out.exists():
        shutil.rmtree(out)
    (out / "notebooks").mkdir(parents=True)
    for name in ENVIRONMENT:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, out / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy2(source, out / name)
    written = []
    for name in nbtools.ORDER:
        nb = student_notebook(nbformat.read(nbtools.NOTEBOOKS / name, as_version=4), branch)
        path = out / "notebooks" / name
        nbtools.write(nb, path)
        written.append(path)
    (out / "README.md").write_text(student_readme(), encoding="utf-8")
    return written


def main(argv: list[str]) -> int:
    branch = BRANCH
    if "--branch" in argv:
        i = argv.index("--branch")
        branch = argv[i + 1]
        argv = argv[:i] + argv[i + 2:]
    out = Path(argv[0]).resolve() if argv else OUT
    for path in build(out, branch):
        print(f"{path.relative_to(out)}: {path.stat().st_size // 1024} KB")
    print(f"student edition written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
