#!/usr/bin/env python3
"""Derived parts of the notebooks, produced here and never by hand.

    python scripts/nbtools.py generate   # navigation/badge cells, Colab cell, estimated time, metadata
    python scripts/nbtools.py check      # exit 1 if `generate` would change a notebook
    python scripts/nbtools.py execute [NAME ...]  # generate, re-execute from a clean kernel, save

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
CELL_METADATA_KEPT = ("tags", "jupyter")
NOTEBOOK_METADATA_KEPT = ("gdla",)


def repository_url() -> str:
    """The repository URL, set once in pyproject.toml's [project.urls]."""
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return meta["project"]["urls"]["Repository"].rstrip("/")


HUB_PLACEHOLDER = "<your-hub>"


def nbgitpuller_link(hub: str = HUB_PLACEHOLDER, repo: str | None = None, branch: str = "main",
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


def badges(name: str) -> str:
    """Markdown for the Binder and Colab launch badges of one notebook."""
    url = repository_url()
    owner_repo = url.split("github.com/")[1]
    binder = f"https://mybinder.org/v2/gh/{owner_repo}/main?urlpath=lab/tree/notebooks/{name}"
    colab = f"https://colab.research.google.com/github/{owner_repo}/blob/main/notebooks/{name}"
    return (f"[![Launch on Binder](https://mybinder.org/badge_logo.svg)]({binder}) "
            f"[![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)]({colab})")


def _neighbours(name: str) -> tuple[str | None, str | None]:
    i = ORDER.index(name)
    return (ORDER[i - 1] if i > 0 else None), (ORDER[i + 1] if i + 1 < len(ORDER) else None)


def header_source(name: str) -> str:
    prev, nxt = _neighbours(name)
    parts = [f"**Lesson {ORDER.index(name) + 1} of {len(ORDER)}** of "
             "[Gradient Descent Linear Algebra](../README.md)"]
    if prev:
        parts.append(f"← previous: [{title_of(prev)}]({prev})")
    if nxt:
        parts.append(f"next: [{title_of(nxt)}]({nxt}) →")
    return badges(name) + "\n\n" + " · ".join(parts)


def footer_source(name: str) -> str:
    prev, nxt = _neighbours(name)
    links = []
    if prev:
        links.append(f"← [{title_of(prev)}]({prev})")
    links.append("[Course overview](../README.md)")
    if nxt:
        links.append(f"[{title_of(nxt)}]({nxt}) →")
    return "---\n\n" + " | ".join(links)


def colab_source() -> str:
    return (
        "# On Google Colab, install the course helpers first; anywhere else this cell does nothing.\n"
        "import subprocess\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        "    subprocess.run([sys.executable, \"-m\", \"pip\", \"install\", \"--quiet\", \"--no-deps\",\n"
        f'                    "gdla-helpers @ git+{repository_url()}"], check=True)'
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
    (which print the answer right under the exercise otherwise)."""
    kept = {k: v for k, v in nb.metadata.items() if k in NOTEBOOK_METADATA_KEPT}
    nb.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": dict(LANGUAGE_INFO), **kept}
    nb.nbformat, nb.nbformat_minor = 4, 5
    for cell in nb.cells:
        cell.metadata = {k: v for k, v in cell.metadata.items() if k in CELL_METADATA_KEPT}
        if "solution" in cell.metadata.get("tags", []):
            cell.metadata["jupyter"] = {**cell.metadata.get("jupyter", {}),
                                        "source_hidden": True, "outputs_hidden": True}


# --- the estimated time of a lesson, by one rule (README, "For contributors") -------------------------

WORDS_PER_MINUTE, MINUTES_PER_EXERCISE, MINUTES_TO_RUN = 100, 5, 1
TIME_RULE = (f"reading text and code at {WORDS_PER_MINUTE} words a minute, {MINUTES_PER_EXERCISE} minutes "
             f"per exercise, {MINUTES_TO_RUN} minute for the cells to run; rounded to 5 minutes")
TIME_LINE = re.compile(r"\*\*Estimated time:\*\*.*?(?=\n\s*\n|\Z)", re.S)
SCAFFOLD = re.compile(r"^\w+ = None  # your code", re.M)  # an exercise's cell for the learner's answer
# A deep dive's heading (the site, the time estimate and the template test read this one pattern).
DEEP_DIVE = re.compile(r"^(#{2,3}) Deep dive: (?=\S)", re.M)


def time_estimate(nb) -> dict[str, int]:
    """Minutes, exercises and deep dives of a lesson's core path and of its deep dives (TIME_RULE).

    Counted: the words of every markdown and code cell but the generated ones, the solutions (they
    start collapsed) and the estimated-time line itself; an exercise is a `name = None  # your code` cell.
    """
    words, exercises, dives = [0, 0], [0, 0], 0
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if GENERATED in tags or "solution" in tags:
            continue
        part = int("deep-dive" in tags)
        words[part] += len(TIME_LINE.sub("", cell.source).split())
        exercises[part] += cell.cell_type == "code" and bool(SCAFFOLD.search(cell.source))
        dives += len(DEEP_DIVE.findall(cell.source)) if cell.cell_type == "markdown" else 0

    def rounded(minutes: float) -> int:
        return max(5, 5 * round(minutes / 5))

    core = rounded(words[0] / WORDS_PER_MINUTE + MINUTES_PER_EXERCISE * exercises[0] + MINUTES_TO_RUN)
    deep = rounded(words[1] / WORDS_PER_MINUTE + MINUTES_PER_EXERCISE * exercises[1]) if dives else 0
    return {"core": core, "core_exercises": exercises[0], "deep": deep, "deep_exercises": exercises[1],
            "deep_dives": dives}


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
    print(__doc__)
    return 0 if command in ("help", "-h", "--help") else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
