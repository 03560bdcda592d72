#!/usr/bin/env python3
"""Derived parts of the notebooks, produced here and never by hand.

    python scripts/nbtools.py generate   # navigation/badge cells, Colab cell, estimated time, metadata
    python scripts/nbtools.py check      # exit 1 if `generate` would change a notebook
    python scripts/nbtools.py execute [NAME ...]  # generate, re-execute from a clean kernel, save
    python scripts/nbtools.py counts [NAME ...]   # what a learner meets on the core path, and the time

Generated cells carry the tag `gdla-generated`; edit this script, not those cells.
"""

from __future__ import annotations

import copy
import os
import re
import sys
import time
import tomllib
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from gdla_helpers.lessons import LESSONS  # noqa: E402  (the one list of lessons)

NOTEBOOKS = ROOT / "notebooks"
ORDER = [lesson.file for lesson in LESSONS]
GENERATED = "gdla-generated"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {
    "codemirror_mode": {"name": "ipython", "version": 3},
    "file_extension": ".py",
    "mimetype": "text/x-python",
    "name": "python",
    "nbconvert_exporter": "python",
    "pygments_lexer": "ipython3",
}
CELL_METADATA_KEPT = ("tags", "jupyter", "jp-MarkdownHeadingCollapsed")
NOTEBOOK_METADATA_KEPT = ("gdla",)


def repository_url() -> str:
    """The repository URL, set once in pyproject.toml's [project.urls]."""
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return meta["project"]["urls"]["Repository"].rstrip("/")


HUB_PLACEHOLDER = "<your-hub>"
# The branch a class pulls: the student edition (scripts/student.py), published by the instructor;
# for a term of its own, a branch of its own (nbgitpuller follows a branch, not a tag: nbgitpuller#361).
CLASS_BRANCH = "student"


def nbgitpuller_link(hub: str = HUB_PLACEHOLDER, repo: str | None = None, branch: str = CLASS_BRANCH,
                     notebook: str | None = None) -> str:
    """The nbgitpuller link that puts the course into a student's home on a JupyterHub.

    Following it clones the repository (or pulls it again, keeping the student's edits) into
    ~/REPO-NAME and opens the notebook in JupyterLab. hub: the hub's address ("https://hub.example.org").
    """
    from urllib.parse import quote

    repo = repo or repository_url()
    folder = repo.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git")
    target = f"lab/tree/{folder}/notebooks/{notebook or ORDER[0]}"
    return (f"{hub.rstrip('/')}/hub/user-redirect/git-pull?repo={quote(repo, safe='')}"
            f"&branch={quote(branch)}&urlpath={quote(target, safe='/')}")


def title_of(name: str) -> str:
    """A notebook's title: its first Markdown heading, without the leading '#'."""
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return name


def version() -> str:
    """The package's version (pyproject.toml); its release is the git tag v{version}."""
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def release_tag() -> str:
    return f"v{version()}"


def colab_url(name: str, branch: str = "main") -> str:
    """Colab's address of a notebook of the repository (Colab opens it from GitHub)."""
    owner_repo = repository_url().split("github.com/")[1]
    return f"https://colab.research.google.com/github/{owner_repo}/blob/{branch}/notebooks/{name}"


def badges(name: str) -> str:
    """Markdown for the Binder and Colab launch badges of one notebook."""
    owner_repo = repository_url().split("github.com/")[1]
    binder = f"https://mybinder.org/v2/gh/{owner_repo}/main?urlpath=lab/tree/notebooks/{name}"
    return (f"[![Launch on Binder](https://mybinder.org/badge_logo.svg)]({binder}) "
            f"[![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)]({colab_url(name)})")


def _neighbours(name: str) -> tuple[str | None, str | None]:
    i = ORDER.index(name)
    return (ORDER[i - 1] if i > 0 else None), (ORDER[i + 1] if i + 1 < len(ORDER) else None)


# Links that work in JupyterLab, on GitHub and on Colab: a neighbouring lesson by its relative path
# (JupyterLab opens it beside this one; GitHub shows it; the site maps it to its page) followed by its
# Colab address (a relative link leads nowhere on Colab); the course overview by its absolute address.
def _lesson_link(name: str) -> str:
    return f"[{title_of(name)}]({name}) ([Colab]({colab_url(name)}))"


def overview_url() -> str:
    return f"{repository_url()}#readme"


def header_source(name: str) -> str:
    prev, nxt = _neighbours(name)
    parts = [f"**Lesson {ORDER.index(name) + 1} of {len(ORDER)}** of "
             f"[Gradient Descent Linear Algebra]({overview_url()})"]
    if prev:
        parts.append(f"← previous: {_lesson_link(prev)}")
    if nxt:
        parts.append(f"next: {_lesson_link(nxt)} →")
    return badges(name) + "\n\n" + " · ".join(parts)


def footer_source(name: str) -> str:
    prev, nxt = _neighbours(name)
    links = []
    if prev:
        links.append(f"← {_lesson_link(prev)}")
    links.append(f"[Course overview]({overview_url()})")
    if nxt:
        links.append(f"{_lesson_link(nxt)} →")
    return "---\n\n" + " | ".join(links)


def colab_source() -> str:
    """The first code cell: on Colab, install gdla_helpers of the release this notebook belongs to
    (the tag v{version}; --no-deps keeps Colab's own torch, numpy, pandas and plotly)."""
    return (
        f"# On Google Colab, install the course helpers of this notebook's release ({release_tag()});\n"
        "# anywhere else this cell does nothing.\n"
        "import subprocess\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        f'    release = "gdla-helpers @ git+{repository_url()}@{release_tag()}"\n'
        '    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", release],\n'
        "                   check=True)"
    )


def _generated(kind: str, cell_type: str, source: str):
    make = nbformat.v4.new_markdown_cell if cell_type == "markdown" else nbformat.v4.new_code_cell
    cell = make(source=source, metadata={"tags": [GENERATED, kind]})
    cell["id"] = kind
    return cell


def _find(nb, kind: str) -> int | None:
    for i, cell in enumerate(nb.cells):
        if kind in cell.get("metadata", {}).get("tags", []):
            return i
    return None


def _place(nb, kind: str, cell_type: str, source: str, default_index) -> None:
    """Update the generated cell `kind` in place, or insert it at default_index(nb)."""
    i = _find(nb, kind)
    if i is None:
        nb.cells.insert(default_index(nb), _generated(kind, cell_type, source))
        return
    cell = nb.cells[i]
    if cell.source != source:
        cell.source = source
        if cell.cell_type == "code":  # a changed generated code cell must be re-executed
            cell.outputs, cell.execution_count = [], None


def _first_code(nb) -> int:
    return next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), len(nb.cells))


def normalise_metadata(nb) -> None:
    """Kernelspec python3, no widget state or timings, only the cell metadata the course uses.

    A solution cell (tag `solution`) starts collapsed in JupyterLab, its code *and* its outputs
    (which print the answer right under the exercise otherwise). A deep dive's heading cell starts
    collapsed (JupyterLab 4's `jp-MarkdownHeadingCollapsed`), so its cells stay hidden until the
    reader opens it; no other heading is stored collapsed."""
    kept = {k: v for k, v in nb.metadata.items() if k in NOTEBOOK_METADATA_KEPT}
    nb.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": dict(LANGUAGE_INFO), **kept}
    nb.nbformat, nb.nbformat_minor = 4, 5
    for cell in nb.cells:
        cell.metadata = {k: v for k, v in cell.metadata.items() if k in CELL_METADATA_KEPT}
        if "solution" in cell.metadata.get("tags", []):
            cell.metadata["jupyter"] = {**cell.metadata.get("jupyter", {}),
                                        "source_hidden": True, "outputs_hidden": True}
        cell.metadata.pop(COLLAPSED, None)
        if (cell.cell_type == "markdown" and "deep-dive" in cell.metadata.get("tags", [])
                and DEEP_DIVE.match(cell.source.lstrip())):
            cell.metadata[COLLAPSED] = True


# --- what a learner meets, and the estimated time of a lesson, by one rule ----------------------------

# The time rule (README, "For contributors"), calibrated on notebook 01 as it stood on 2026-12-07
# (5 229 words, 378 formulas, 683 code lines in 74 cells, 6 exercises, 6 figures: 207 minutes, inside
# the 3-4 hours a first-year student needed for it). Solutions, generated cells and collapsed (source
# hidden) cells are not counted.
WORDS_PER_MINUTE = 100        # prose, read carefully
SECONDS_PER_FORMULA = 6       # each $...$, $$...$$ or run of symbols (MATH_SYMBOLS) read as mathematics
CODE_LINES_PER_MINUTE = 12    # code read and understood (comments and blank lines not counted)
SECONDS_PER_RUN = 15          # each code cell run and its output looked at
MINUTES_PER_EXERCISE = 6      # an exercise tried, checked and, where needed, hinted
MINUTES_PER_FIGURE = 1        # each stored figure looked at
TIME_RULE = (f"{WORDS_PER_MINUTE} words of prose a minute, {SECONDS_PER_FORMULA} s a formula, "
             f"{CODE_LINES_PER_MINUTE} lines of code a minute, {SECONDS_PER_RUN} s to run each code cell "
             f"and read its output, {MINUTES_PER_EXERCISE} minutes an exercise, {MINUTES_PER_FIGURE} minute "
             "a figure; rounded to 5 minutes")
TIME_LINE = re.compile(r"\*\*Estimated time:\*\*.*?(?=\n\s*\n|\Z)", re.S)
SCAFFOLD = re.compile(r"^\w+ = None  # your code", re.M)  # an exercise's cell for the learner's answer
# A deep dive's heading (the site, the time estimate and the template test read this one pattern).
DEEP_DIVE = re.compile(r"^(#{2,3}) Deep dive: (?=\S)", re.M)
MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n]+\$", re.S)
# Mathematics written without $...$ ("∂L/∂xⱼ = cos(xⱼ)", "η < 2/λ_max") takes as long to read: a run of
# prose tokens that contain a mathematical symbol, or are a bare operator, counts as one formula.
MATH_SYMBOLS = set("∂∇ηκσλμρβαγδεθπφψωΣΔΛΩ²³⁴⁵⁶⁷⁸⁹⁰¹⁻⁺ⁿⁱᵀᵢⱼₖₙₘ₀₁₂₃·×÷≤≥≠≈→←↦∑∏√∞±∓≪≫∈∉⊂‖⟨⟩∘⊙")
OPERATORS = {"=", "<", ">", "+", "−", "-", "/", "*", "^", "≈"}
INLINE_CODE = re.compile(r"`[^`\n]*`")


def _prose(text: str) -> tuple[int, int]:
    """(words, formulas) of a markdown text: $...$ spans and runs of symbol tokens are formulas."""
    formulas = len(MATH.findall(text))
    words, in_formula = 0, False
    for token in MATH.sub(" ", text).split():
        bare = INLINE_CODE.sub("", token)
        mathy = bool(bare) and (bare in OPERATORS or any(ch in MATH_SYMBOLS for ch in bare))
        if mathy:
            formulas += not in_formula
        else:
            words += 1
        in_formula = mathy
    return words, formulas
PLOTLY_MIME = "application/vnd.plotly.v1+json"
# JupyterLab 4 stores a collapsed heading in the markdown cell's metadata under this key.
COLLAPSED = "jp-MarkdownHeadingCollapsed"


def _source_hidden(cell) -> bool:
    return bool(cell.metadata.get("jupyter", {}).get("source_hidden"))


def _counted(cell) -> bool:
    """A cell a learner reads: not generated, not a (collapsed) solution, not a collapsed check."""
    tags = cell.metadata.get("tags", [])
    return GENERATED not in tags and "solution" not in tags and not _source_hidden(cell)


def _check_only(stmt) -> bool:
    """A statement whose only job is to check: assert, raise, or an `if` that only asserts/raises."""
    import ast

    if isinstance(stmt, (ast.Assert, ast.Raise)):
        return True
    if isinstance(stmt, ast.If):
        return all(_check_only(s) for s in stmt.body) and all(_check_only(s) for s in stmt.orelse)
    return False


def code_lines(source: str) -> tuple[int, int]:
    """(code lines, check lines) of a code cell: blank lines, comments and IPython magics not
    counted; check lines are those of assert and raise statements and of `if` blocks that only
    assert or raise."""
    import ast

    lines = [i for i, line in enumerate(source.splitlines(), 1)
             if line.strip() and not line.strip().startswith(("#", "%", "!"))]
    text = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
    try:
        tree = ast.parse(text)
    except SyntaxError:  # not Python (a learner's half-written cell): count every assert/raise line
        checks = {i for i, line in enumerate(source.splitlines(), 1)
                  if line.strip().startswith(("assert ", "raise "))}
    else:
        checks = set()
        for node in ast.walk(tree):
            for field in ("body", "orelse", "finalbody", "handlers"):
                block = getattr(node, field, None)
                for stmt in block if isinstance(block, list) else []:
                    if isinstance(stmt, ast.stmt) and _check_only(stmt):
                        checks.update(range(stmt.lineno, stmt.end_lineno + 1))
    return len(lines), len(checks & set(lines))


def counts(nb) -> dict[str, dict[str, int]]:
    """What a learner meets, for the core path and the deep dives: prose words (formulas and the
    estimated-time line left out), formulas, code lines, check lines, code cells, exercises, figures,
    deep dives. Solutions, generated cells and cells whose source starts collapsed are not counted."""
    parts = {p: dict.fromkeys(("words", "formulas", "code_lines", "check_lines", "code_cells",
                               "exercises", "figures", "deep_dives"), 0) for p in ("core", "deep")}
    for cell in nb.cells:
        part = parts["deep" if "deep-dive" in cell.metadata.get("tags", []) else "core"]
        if cell.cell_type == "markdown" and GENERATED not in cell.metadata.get("tags", []):
            part["deep_dives"] += len(DEEP_DIVE.findall(cell.source))
        if not _counted(cell):
            continue
        if cell.cell_type == "markdown":
            words, formulas = _prose(TIME_LINE.sub("", cell.source))
            part["words"] += words
            part["formulas"] += formulas
        elif cell.cell_type == "code":
            n, checks = code_lines(cell.source)
            part["code_lines"] += n
            part["check_lines"] += checks
            part["code_cells"] += 1
            part["exercises"] += bool(SCAFFOLD.search(cell.source))
            part["figures"] += sum(PLOTLY_MIME in o.get("data", {}) for o in cell.get("outputs", []))
    return parts


def minutes(part: dict[str, int]) -> float:
    """The time rule (TIME_RULE) applied to one part's counts, unrounded."""
    return (part["words"] / WORDS_PER_MINUTE + part["formulas"] * SECONDS_PER_FORMULA / 60
            + part["code_lines"] / CODE_LINES_PER_MINUTE + part["code_cells"] * SECONDS_PER_RUN / 60
            + part["exercises"] * MINUTES_PER_EXERCISE + part["figures"] * MINUTES_PER_FIGURE)


def time_estimate(nb) -> dict[str, int]:
    """Minutes, exercises and deep dives of a lesson's core path and of its deep dives (TIME_RULE)."""
    c = counts(nb)

    def rounded(m: float) -> int:
        return max(5, 5 * round(m / 5))

    dives = c["deep"]["deep_dives"] + c["core"]["deep_dives"]
    return {"core": rounded(minutes(c["core"])), "core_exercises": c["core"]["exercises"],
            "deep": rounded(minutes(c["deep"])) if dives else 0, "deep_exercises": c["deep"]["exercises"],
            "deep_dives": dives}


def report(names: list[str] | None = None) -> str:
    """One line per notebook: the core path's counts and time, and the deep dives' time."""
    rows = []
    for path in notebooks(names):
        nb = nbformat.read(path, as_version=4)
        c, e = counts(nb), time_estimate(nb)
        core = c["core"]
        share = core["check_lines"] / core["code_lines"] if core["code_lines"] else 0.0
        rows.append(f"{path.name}: core {core['words']} words, {core['formulas']} formulas, "
                    f"{core['code_lines']} code lines ({core['check_lines']} check lines, {share:.1%}), "
                    f"{core['code_cells']} code cells, {core['exercises']} exercises, {core['figures']} figures"
                    f" -> {minutes(core):.0f} min (shown as {e['core']}); deep dives {e['deep_dives']}, "
                    f"{minutes(c['deep']):.0f} min")
    return "\n".join(rows)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def time_line(nb) -> str:
    """The lesson's `**Estimated time:**` line, from time_estimate."""
    e = time_estimate(nb)
    line = f"**Estimated time:** about {e['core']} minutes"
    if e["deep_dives"]:
        extra = f", {_plural(e['deep_exercises'], 'exercise')} among them" if e["deep_exercises"] else ""
        line += (f" for the core path ({_plural(e['core_exercises'], 'exercise')} included), and about "
                 f"{e['deep']} more for the {_plural(e['deep_dives'], 'deep dive')} (headed \"Deep dive:\", "
                 f"skippable{extra})")
    else:
        line += f", {_plural(e['core_exercises'], 'exercise')} included"
    return line + f". (The course's rule: {TIME_RULE}.)"


def _set_time_line(nb) -> None:
    """Rewrite the `**Estimated time:**` line of the objectives cell (the first cell that has one)."""
    for cell in nb.cells:
        if cell.cell_type == "markdown" and TIME_LINE.search(cell.source):
            cell.source = TIME_LINE.sub(lambda _: time_line(nb), cell.source, count=1)
            return


def generate(nb, name: str):
    """Return a copy of nb with every generated cell and the metadata up to date."""
    nb = copy.deepcopy(nb)
    _set_time_line(nb)
    _place(nb, "nav-header", "markdown", header_source(name), lambda nb: min(1, len(nb.cells)))
    _place(nb, "colab-setup", "code", colab_source(), _first_code)
    _place(nb, "nav-footer", "markdown", footer_source(name), lambda nb: len(nb.cells))
    normalise_metadata(nb)
    return nb


def notebooks(names: list[str] | None = None) -> list[Path]:
    return [NOTEBOOKS / n for n in (names or ORDER)]


def write(nb, path: Path) -> None:
    nbformat.validate(nb)
    text = nbformat.writes(nb)  # one canonical formatting (indent 1, sorted keys)
    path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


def outdated(names: list[str] | None = None) -> list[str]:
    """Notebooks whose generated cells or metadata are not what `generate` produces."""
    stale = []
    for path in notebooks(names):
        current = path.read_text(encoding="utf-8")
        nb = nbformat.reads(current, as_version=4)
        text = nbformat.writes(generate(nb, path.name))
        if (text if text.endswith("\n") else text + "\n") != current:
            stale.append(path.name)
    return stale


def coalesce_streams(nb) -> None:
    """Join a cell's consecutive stdout (or stderr) pieces into one output: where the kernel flushed
    mid-line is chance, and JupyterLab shows the pieces as one text anyway."""
    from nbconvert.preprocessors import CoalesceStreamsPreprocessor

    CoalesceStreamsPreprocessor().preprocess(nb, {})


def execute(names: list[str] | None = None, timeout: int = 900) -> dict[str, float]:
    """Generate, then re-execute each notebook from a clean kernel, in place. Returns seconds."""
    from nbclient import NotebookClient

    os.environ.pop("PLOTLY_RENDERER", None)  # store plotly's own JSON, the kernel default
    times = {}
    for path in notebooks(names):
        nb = generate(nbformat.read(path, as_version=4), path.name)
        start = time.perf_counter()
        NotebookClient(nb, timeout=timeout, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        times[path.name] = time.perf_counter() - start
        coalesce_streams(nb)
        normalise_metadata(nb)
        write(nb, path)
        size = path.stat().st_size / 1024
        print(f"{path.name}: executed in {times[path.name]:.1f} s, {size:.0f} KB", flush=True)
    return times


def main(argv: list[str]) -> int:
    command, names = (argv[0], argv[1:] or None) if argv else ("help", None)
    if command == "generate":
        for path in notebooks(names):
            write(generate(nbformat.read(path, as_version=4), path.name), path)
        return 0
    if command == "check":
        stale = outdated(names)
        for name in stale:
            print(f"{name}: generated cells or metadata out of date; run "
                  "`python scripts/nbtools.py generate` (or `execute`)")
        return 1 if stale else 0
    if command == "execute":
        execute(names)
        return 0
    if command == "counts":
        print(report(names))
        return 0
    print(__doc__)
    return 0 if command in ("help", "-h", "--help") else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
