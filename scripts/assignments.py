#!/usr/bin/env python3
"""Build an nbgrader course folder with the three lessons as graded assignments (derived: never edit).

    python scripts/course.py assignments          # or: python scripts/assignments.py [OUT_DIR] [--force]
    python scripts/course.py assignments ~/gdla-grading --exchange=/usr/local/share/nbgrader/exchange
    python scripts/course.py assignments ~/gdla-grading --deep-dives   # grade the deep dives' exercises too

writes build/grading/ (the instructor's nbgrader course folder):

    nbgrader_config.py               course id, exchange folder, code stub, outputs kept
    source/lessonNN/<notebook>       the lesson with its exercises as nbgrader cells (solutions inside)
    release/lessonNN/<notebook>      what students get (made by nbgrader generate_assignment)
    gradebook.db                     nbgrader's database, with the three assignments and their points

How a lesson becomes an assignment (the exercises are found by their markup, never by cell index):
- each exercise's scaffold cell (`name = None  # your code`, nbtools.SCAFFOLD) becomes an
  autograded answer cell: the scaffold line stays, and below it a solution region (`### BEGIN
  SOLUTION` ... `### END SOLUTION`) holds the lesson's own solution cell (its check call left out)
  and `name = name_solution`; nbgrader replaces the region by a one-line comment in the release
  (CODE_STUB: not nbgrader's `raise NotImplementedError`, which would stop Run All; nbgrader#1154);
- the exercise's check (the first `gh.check_` cell from the scaffold on; code after the scaffold
  line in the scaffold's own cell goes with it) becomes a graded test cell: its visible part is the
  check the learner sees (it prints one line), its hidden part (`### BEGIN HIDDEN TESTS`) calls the
  same check again with its output swallowed and asserts that it passed, so a blank or wrong answer
  scores 0 even though the visible check never raises;
- points per exercise come from POINTS (below); an exercise with 0 points (by default, one inside
  a deep dive: optional reading; `--deep-dives` grades those too) keeps an answer cell but its check
  stays an ordinary, ungraded cell;
- the solution cells are removed (each exercise's first one moved into its answer cell's solution
  region), the quiz's answers are removed (the quiz stays, ungraded), stored outputs are kept
  (the figures) and the header says "Graded assignment".
scripts/student.py still builds the self-study student edition; the repository's notebooks are
not changed.
"""

from __future__ import annotations

import ast
import copy
import os
import re
import shutil
import sys
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
import nbtools  # noqa: E402
import student  # noqa: E402

OUT = ROOT / "build" / "grading"
COURSE_ID = "gdla"
SCHEMA = 3  # nbgrader's cell-metadata schema version (nbgrader 0.9)
CODE_STUB = "# your answer: replace None above (add any lines you need here)"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"

# Points per exercise, in one place: lesson number -> answer name -> points. An exercise the
# notebooks have but this table lacks gets DEFAULT_POINTS and a printed note; an exercise inside a
# deep dive is not graded (0) unless the course folder is built with --deep-dives. (my_grad/my_grads:
# the name before and after notebook 01's rewrite.)
POINTS = {
    "01": {"my_dot": 1, "my_shape": 1, "my_grad": 2, "my_grads": 2, "my_derivative": 1, "my_jacobian": 2,
           "my_step_limit": 2},
    "02": {"my_gradient": 2, "my_factor": 1, "my_faster": 1, "my_inverse": 2, "my_pinv": 0},
    "03": {"my_reconstruction": 1, "my_pair": 2, "my_smallest_rank": 1, "my_word_groups": 2},
}
DEFAULT_POINTS = 1
BANNER = ("**Graded assignment** (nbgrader): write your answer in each exercise's cell, in place of "
          "`None`, and run the check below it. The checks are graded: each one also runs hidden tests "
          "when your notebook is graded. The quiz is not graded. Submit from the *Assignments* tab.")


def assignment_name(lesson: str) -> str:
    return f"lesson{lesson}"


def lesson_of(file: str) -> str:
    return file.split("_", 1)[0]


def is_deep_dive(cell) -> bool:
    return "deep-dive" in cell.get("metadata", {}).get("tags", [])


def _is_check_call(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr.startswith("check_")
               and isinstance(n.func.value, ast.Name) and n.func.value.id == "gh" for n in ast.walk(node))


def _statements(source: str) -> list[ast.stmt]:
    return ast.parse(source).body


def _check_call(source: str) -> str:
    """The source of the last `gh.check_*(...)` call in a cell (the check the learner sees)."""
    calls = [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
             and n.func.attr.startswith("check_") and isinstance(n.func.value, ast.Name) and n.func.value.id == "gh"]
    if not calls:
        raise ValueError(f"no gh.check_* call in the check cell:\n{source}")
    last = max(calls, key=lambda n: (n.lineno, n.col_offset))
    return ast.get_source_segment(source, last)


def _without_checks(source: str) -> str:
    """A solution cell's source without its top-level statements that call a gh.check_* function."""
    lines = source.splitlines()
    drop = set()
    for stmt in _statements(source):
        if _is_check_call(stmt):
            drop.update(range(stmt.lineno - 1, stmt.end_lineno))
    return "\n".join(line for i, line in enumerate(lines) if i not in drop).strip()


def _grade_meta(grade_id: str, *, solution: bool, grade: bool, points: float = 0) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": not solution, "schema_version": SCHEMA,
            "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return meta


def find_exercises(nb) -> list[dict]:
    """Each exercise of nb: its scaffold cell, answer name, scaffold line, check cell and solution cell."""
    found = []
    for i, cell in enumerate(nb.cells):
        if not (student.is_scaffold(cell) and not student.is_solution(cell)):
            continue
        match = list(nbtools.SCAFFOLD.finditer(cell.source))[-1]
        name = match.group(0).split(" = ", 1)[0]
        line = cell.source[:match.start()].count("\n")
        check = next((j for j in range(i, len(nb.cells)) if nb.cells[j].cell_type == "code"
                      and not student.is_solution(nb.cells[j]) and "gh.check_" in nb.cells[j].source
                      and (j > i or "gh.check_" in "\n".join(cell.source.splitlines()[line + 1:]))), None)
        if check is None:
            raise ValueError(f"exercise {name!r} (cell {i}) has no gh.check_ cell after its scaffold")
        solution = next((j for j in range(check + 1, len(nb.cells)) if student.is_solution(nb.cells[j])
                         and re.search(rf"\b{name}_solution\s*=", nb.cells[j].source)), None)
        if solution is None:
            raise ValueError(f"exercise {name!r} (cell {i}) has no solution cell defining {name}_solution")
        found.append({"name": name, "scaffold": i, "line": line, "check": check, "solution": solution,
                      "deep_dive": is_deep_dive(cell)})
    return found


def points_for(lesson: str, exercise: dict, notes: list[str], deep_dives: bool = False) -> float:
    """The exercise's points from POINTS; 0 inside a deep dive (optional reading is not graded)
    unless the instructor asks for the deep dives (deep_dives=True, `--deep-dives`)."""
    table = POINTS.get(lesson, {})
    if exercise["deep_dive"] and not deep_dives:
        if table.get(exercise["name"]):
            notes.append(f"lesson {lesson}: exercise {exercise['name']!r} sits in a deep dive: not graded "
                         "(--deep-dives grades it)")
        return 0
    if exercise["name"] in table:
        return table[exercise["name"]]
    notes.append(f"lesson {lesson}: exercise {exercise['name']!r} is not in POINTS: {DEFAULT_POINTS} point(s)")
    return DEFAULT_POINTS


def assignment_notebook(nb, lesson: str, notes: list[str] | None = None, deep_dives: bool = False):
    """The nbgrader source version of a lesson: exercises as answer and graded test cells."""
    notes = [] if notes is None else notes
    nb = copy.deepcopy(nb)
    exercises = find_exercises(nb)
    replace: dict[int, list] = {}  # cell index -> the cells that take its place
    moved = set()  # solution cells folded into an answer cell
    for ex in exercises:
        points = points_for(lesson, ex, notes, deep_dives)
        name, scaffold = ex["name"], nb.cells[ex["scaffold"]]
        head = scaffold.source.splitlines()[:ex["line"] + 1]
        tail = "\n".join(scaffold.source.splitlines()[ex["line"] + 1:]).strip()
        solution = _without_checks(nb.cells[ex["solution"]].source)
        answer = nbformat.v4.new_code_cell("\n".join([*head, BEGIN, solution, f"{name} = {name}_solution", END]))
        answer.metadata = copy.deepcopy(scaffold.metadata)
        answer.metadata["nbgrader"] = _grade_meta(f"answer-{name}", solution=True, grade=False)
        answer.outputs = [] if tail else scaffold.outputs
        answer.execution_count = None if tail else scaffold.execution_count
        check = nb.cells[ex["check"]] if ex["check"] != ex["scaffold"] else None
        if check is not None:
            visible, test = check.source.rstrip(), copy.deepcopy(check)
        else:  # the scaffold's own cell runs the check: what follows the scaffold line is the test cell
            visible, test = tail, copy.deepcopy(scaffold)
        if points:
            call = _check_call(visible)
            test.source = "\n".join([
                visible, HIDDEN_BEGIN,
                "# Graded: the same check, run again without printing, must pass.",
                "import contextlib as _contextlib, io as _io",
                "with _contextlib.redirect_stdout(_io.StringIO()):",
                f"    _verdict = {call}",
                f'assert _verdict, "{name}: not right yet (the line printed above says why)"',
                HIDDEN_END])
            test.metadata["nbgrader"] = _grade_meta(f"check-{name}", solution=False, grade=True, points=points)
        else:
            test.source = visible
        if check is None:
            replace[ex["scaffold"]] = [answer, test]
        else:
            replace[ex["scaffold"]], replace[ex["check"]] = [answer], [test]
        moved.add(ex["solution"])
    cells = []
    for i, cell in enumerate(nb.cells):
        if i in replace:
            cells.extend(replace[i])
        elif student.is_solution(cell):
            continue  # solutions go: the exercises' own are in their answer cells' solution regions
        else:
            if cell.cell_type == "markdown" and student.ANSWER.search(cell.source):
                cell.source = re.sub(r"\n{3,}", "\n\n", student.ANSWER.sub("\n\n", cell.source)).strip()
            if "nav-header" in cell.get("metadata", {}).get("tags", []):
                cell.source += "\n\n" + BANNER
            cells.append(cell)
    nb.cells = cells
    return nb, exercises


def config_source(exchange: Path | None = None) -> str:
    exchange_line = (f"c.Exchange.root = {str(exchange)!r}" if exchange
                     else "# c.Exchange.root = '/usr/local/share/nbgrader/exchange'  # default; every user must be able to write to it")
    return f'''"""nbgrader configuration of the gdla course (written by scripts/assignments.py)."""
c = get_config()  # noqa: F821 (nbgrader provides it)
c.CourseDirectory.course_id = {COURSE_ID!r}
# Not nbgrader's `raise NotImplementedError`: Run All must reach every cell (nbgrader#1154).
c.ClearSolutions.code_stub = {{"python": {CODE_STUB!r}}}
# Keep the stored outputs (the figures) in what students get.
c.ClearOutput.enabled = False
# Every student, whatever a hub's shared settings name the user of this server (the README's line
# for a hub whose servers all run as one OS user): collect and autograde must see the whole class.
c.CourseDirectory.student_id = "*"
{exchange_line}
'''


def build(out: Path = OUT, names: list[str] | None = None, release: bool = True,
          exchange: Path | None = None, force: bool = False, deep_dives: bool = False) -> dict[str, dict]:
    """Write the course folder; return, per assignment, its exercises and points.

    A folder that already holds students' work (submitted/, autograded/, feedback/) is refused:
    rebuilding would delete it and the gradebook with it. Pass force=True to rebuild anyway.
    """
    graded = [d for d in ("submitted", "autograded", "feedback") if (out / d).exists()]
    if graded and not force:
        raise SystemExit(f"{out} holds students' work ({', '.join(graded)}/) and its gradebook: not overwritten. "
                         "Choose another folder, or pass --force to delete it and start again.")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / "nbgrader_config.py").write_text(config_source(exchange), encoding="utf-8")
    summary, notes = {}, []
    for name in names or nbtools.ORDER:
        lesson = lesson_of(name)
        nb, exercises = assignment_notebook(nbformat.read(nbtools.NOTEBOOKS / name, as_version=4), lesson, notes,
                                            deep_dives)
        folder = out / "source" / assignment_name(lesson)
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / name)
        summary[assignment_name(lesson)] = {
            "notebook": name,
            "exercises": {ex["name"]: points_for(lesson, ex, [], deep_dives) for ex in exercises}}
    for note in notes:
        print("note:", note)
    if release:
        generate(out, list(summary))
    return summary


def nbgrader_api(course: Path):
    """nbgrader's Python API for the course folder `course` (reads its nbgrader_config.py)."""
    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config, PyFileConfigLoader

    config = Config()
    config.merge(PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config())
    config.CourseDirectory.root = str(course)
    return NbGraderAPI(config=config)


def generate(course: Path, assignments: list[str]) -> None:
    """nbgrader generate_assignment for each assignment (writes release/ and the gradebook)."""
    # nbgrader runs the `alembic` command to create its database: the environment's bin/ comes first
    bin_dir = str(Path(sys.executable).parent)
    if os.environ.get("PATH", "").split(os.pathsep)[0] != bin_dir:
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    api = nbgrader_api(course)
    for name in assignments:
        result = api.generate_assignment(name, force=True, create=True)
        if not result["success"]:
            raise RuntimeError(f"nbgrader generate_assignment {name} failed:\n{result['log']}\n{result['error']}")


def main(argv: list[str]) -> int:
    options = [a for a in argv if a.startswith("--")]
    unknown = [a for a in options if a not in ("--force", "--deep-dives") and not a.startswith("--exchange=")]
    if unknown:
        raise SystemExit(f"unknown option {unknown[0]}: use [OUT_DIR] [--exchange=DIR] [--deep-dives] [--force]")
    exchange = next((Path(a.split("=", 1)[1]).expanduser().resolve() for a in options if a.startswith("--exchange=")), None)
    argv = [a for a in argv if not a.startswith("--")]
    out = Path(argv[0]).expanduser().resolve() if argv else OUT
    start = time.perf_counter()
    summary = build(out, force="--force" in options, exchange=exchange, deep_dives="--deep-dives" in options)
    for assignment, info in summary.items():
        total = sum(info["exercises"].values())
        listed = ", ".join(f"{k} {v:g}" for k, v in info["exercises"].items())
        print(f"{assignment} ({info['notebook']}): {total:g} point{'' if total == 1 else 's'}: {listed}")
    print(f"nbgrader course folder written to {out} in {time.perf_counter() - start:.1f} s")
    print(f"next: cd {out} && nbgrader release_assignment lesson01   (see the README, 'Grading with nbgrader')")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
