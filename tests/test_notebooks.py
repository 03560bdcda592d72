"""Notebook hygiene: stored outputs come from one clean top-to-bottom run and read well."""

import json
import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import nbtools  # noqa: E402

NOTEBOOKS = [ROOT / "notebooks" / name for name in nbtools.ORDER]
from gdla_helpers.lessons import LESSONS  # noqa: E402  (files, titles and budgets: one list)

SIZE_BUDGET_KB = {lesson.file: lesson.size_budget_kb for lesson in LESSONS}  # 1 MB is the hard ceiling for all
# Absolute or personal paths that must never leak into stored outputs.
LEAKY_PATH = re.compile(r"(/home/|/root/|/Users/|/tmp/|[A-Za-z]:\\\\|site-packages|"
                        + re.escape(str(ROOT)) + ")")
# APIs that are deprecated or removed: the course teaches only current ones. `.data` counts only
# as an attribute (x.data, f().data), not as the relative import of the module gdla_helpers.data.
OLD_API = re.compile(r"torch\.svd\(|torch\.inverse\(|torch\.symeig|Variable\(|(?<=[\w)\]])\.data\b(?!_ptr)|"
                     r"torch\.lstsq|torch\.solve\(|torch\.norm\(")


def _nb(path):
    return nbformat.read(path, as_version=4)


def _is_placeholder(nb) -> bool:
    return bool(nb.metadata.get("gdla", {}).get("placeholder"))


def _code(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def _output_text(output) -> str:
    if output.output_type == "stream":
        return output.text
    if output.output_type == "error":
        return "\n".join(output.traceback)
    return json.dumps(output.get("data", {}))


@pytest.fixture(params=NOTEBOOKS, ids=lambda p: p.name)
def notebook(request):
    return request.param


def test_all_notebooks_exist():
    assert sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb")) == sorted(nbtools.ORDER)


def test_manifest_titles_are_the_notebooks_titles():
    for lesson in LESSONS:
        assert nbtools.title_of(lesson.file) == lesson.title, (
            f"{lesson.file}: its title is {nbtools.title_of(lesson.file)!r}, gdla_helpers/lessons.py says "
            f"{lesson.title!r}: change one of them")
    assert max(lesson.size_budget_kb for lesson in LESSONS) <= 1024, "1 MB is the hard ceiling"


def test_readme_lists_the_lessons_of_the_manifest():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for lesson in LESSONS:
        name = lesson.title.split(" · ", 1)[-1]
        assert f"| {lesson.number} | [{name}](notebooks/{lesson.file}) |" in readme, f"README table: {lesson.file}"
        assert f"<!-- lesson-{lesson.number} -->\n### {lesson.title}\n" in readme, f"README section {lesson.number}"
    listed = re.findall(r"<!-- lesson-(\d+) -->", readme)
    assert listed == [lesson.number for lesson in LESSONS], "the README's lesson sections follow LESSONS"


def test_valid_nbformat_and_kernelspec(notebook):
    nb = _nb(notebook)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    assert "widgets" not in nb.metadata, "widget state is stored: run scripts/nbtools.py generate"


def test_no_error_or_stderr_outputs(notebook):
    for i, cell in enumerate(_code(_nb(notebook))):
        for output in cell.outputs:
            assert output.output_type != "error", f"code cell {i} stored an error: {_output_text(output)[:300]}"
            assert not (output.output_type == "stream" and output.name == "stderr"), (
                f"code cell {i} stored stderr (a warning?): {output.text[:300]}"
            )


def test_no_absolute_paths_in_outputs(notebook):
    for i, cell in enumerate(_code(_nb(notebook))):
        for output in cell.outputs:
            match = LEAKY_PATH.search(_output_text(output))
            assert not match, f"code cell {i} output shows a local path: {match.group(0)!r}"


def test_clean_top_to_bottom_run(notebook):
    counts = [c.execution_count for c in _code(_nb(notebook))]
    assert counts == list(range(1, len(counts) + 1)), (
        "execution counts must be 1..N in order: re-run with `python scripts/course.py execute`"
    )


def test_size_budget(notebook):
    kb = notebook.stat().st_size / 1024
    assert kb <= SIZE_BUDGET_KB[notebook.name], f"{notebook.name} is {kb:.0f} KB"


def test_generated_cells_up_to_date():
    assert nbtools.outdated() == [], "run `python scripts/nbtools.py generate` (or execute)"


def test_only_current_apis(notebook):
    sources = [c.source for c in _code(_nb(notebook))]
    sources += [p.read_text() for p in (ROOT / "gdla_helpers").glob("*.py")]
    for source in sources:
        match = OLD_API.search(source)
        assert not match, f"deprecated API {match.group(0)!r}: use torch.linalg.* / .detach()"


def test_notebook_template(notebook):
    nb = _nb(notebook)
    if _is_placeholder(nb):
        pytest.skip(f"{notebook.name} is still a placeholder")
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert nb.cells[0].source.startswith("# "), "the first cell holds the title"
    for heading in ("Learning objectives", "Prerequisites", "Estimated time", "Summary", "Quiz"):
        assert heading in text, f"the template asks for a {heading!r} part"
    scaffolds = [c for c in _code(nb) if nbtools.SCAFFOLD.search(c.source)]
    solutions = [c for c in _code(nb) if "solution" in c.metadata.get("tags", [])]
    assert len(scaffolds) >= 4 and len(solutions) >= 4, "at least 4 exercises with solutions"
    for cell in solutions:
        hidden = cell.metadata.get("jupyter", {})
        assert hidden.get("source_hidden") and hidden.get("outputs_hidden"), (
            "a solution starts collapsed, its code and its outputs (they print the answer): "
            "`python3 scripts/nbtools.py generate` sets both")
        assert "gh.check_" in cell.source, "a solution runs the same check on its right answer"
    # The parameters cell comes right after a part headed "## Parameters you may change".
    index = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    before = nb.cells[index - 1]
    assert before.cell_type == "markdown" and before.source.startswith("## Parameters you may change\n"), (
        f"{notebook.name}: the cell before the parameters cell starts with '## Parameters you may change', "
        f"it starts {before.source[:60]!r}")
    # The prerequisites link every earlier lesson (the sections they rely on are named there).
    prerequisites = next(c.source for c in nb.cells if "**Prerequisites:**" in c.source)
    earlier = nbtools.ORDER[: nbtools.ORDER.index(notebook.name)]
    missing = [name for name in earlier if f"]({name})" not in prerequisites]
    assert not missing, f"{notebook.name}: the prerequisites should link {missing}"


def _nb_of(*cells):
    nb = nbformat.v4.new_notebook()
    for source, kind, tags in cells:
        make = nbformat.v4.new_markdown_cell if kind == "md" else nbformat.v4.new_code_cell
        nb.cells.append(make(source, metadata={"tags": tags}))
    return nb


def test_time_estimate_follows_the_rule():
    words = " ".join(["word"] * 1000)  # 10 minutes at 100 words a minute
    formulas = " ".join(["$x$"] * 50)  # 5 minutes at 6 s a formula (and no words)
    code = "\n".join(f"x{i} = {i}" for i in range(60))  # 5 minutes at 12 lines a minute, + 15 s to run
    core = [("## Learning objectives\n\n**Estimated time:** soon.", "md", []), (words, "md", []),
            (formulas, "md", []), (code, "code", []),
            ("answer = None  # your code", "code", []),  # an exercise: 6 minutes, + 15 s to run
            (words, "code", ["solution"]), (words, "md", ["gdla-generated"])]  # not counted
    e = nbtools.time_estimate(_nb_of(*core))
    # 10 + 5 + 5 + 0.25 + 6 + 1/12 + 0.25 = 26.6 -> 25
    assert (e["core"], e["core_exercises"], e["deep_dives"]) == (25, 1, 0), e
    deep = [("## Deep dive: more\n\n" + words + " " + words, "md", ["deep-dive"]),
            ("other = None  # your code", "code", ["deep-dive"])]
    nb = _nb_of(*core, *deep)
    e = nbtools.time_estimate(nb)
    assert (e["core"], e["deep"], e["deep_exercises"], e["deep_dives"]) == (25, 25, 1, 1), e  # 20 + 6.3
    line = nbtools.time_line(nb)
    assert line.startswith("**Estimated time:** about 25 minutes for the core path (1 exercise included), "
                           "and about 25 more for the 1 deep dive"), line
    nbtools._set_time_line(nb)
    assert nbtools.time_line(nb) in nb.cells[0].source  # the line itself is not counted


def test_counter_counts_what_a_learner_sees():
    """Words without formulas; code lines without comments, blanks and magics; check lines are
    assert/raise and `if` blocks that only check; solutions, generated, collapsed and deep-dive
    cells are kept apart."""
    teaching = ("# a comment\n\nx = 1\n%timeit x\nassert x == 1, 'x'\n"
                "if x != 1:\n    raise ValueError('x')\nif x:\n    print(x)\n")
    hidden = nbformat.v4.new_code_cell("assert False\n" * 5)
    hidden.metadata["jupyter"] = {"source_hidden": True}
    nb = _nb_of(("Two words and $a^2 + b^2$ and $$c$$.", "md", []),
                ("Then ∂L/∂x = 2·x, so η < 2/λ holds.", "md", []), (teaching, "code", []),
                ("assert 0\n" * 9, "code", ["solution"]), ("y = None  # your code", "code", ["deep-dive"]))
    nb.cells.append(hidden)
    c = nbtools.counts(nb)
    # "Two words and and ." + "Then so holds.": 8 words; $..$, $$..$$, "∂L/∂x = 2·x," and "η < 2/λ": 4 formulas
    assert c["core"]["words"] == 8 and c["core"]["formulas"] == 4, c["core"]
    # x = 1, assert, if x != 1, raise, if x, print(x): 6 lines, 3 of them checks
    assert (c["core"]["code_lines"], c["core"]["check_lines"], c["core"]["code_cells"]) == (6, 3, 1), c
    assert (c["deep"]["code_lines"], c["deep"]["exercises"], c["core"]["exercises"]) == (1, 1, 0), c


def test_deep_dive_headings_start_collapsed():
    """nbtools marks every deep dive's heading collapsed for JupyterLab 4, and no other heading."""
    nb = _nb_of(("## 1. Main", "md", []), ("## Deep dive: more", "md", ["deep-dive"]),
                ("Text of the deep dive.", "md", ["deep-dive"]), ("## Summary", "md", []))
    nb.cells[3].metadata[nbtools.COLLAPSED] = True  # a stray collapse is removed
    nbtools.normalise_metadata(nb)
    assert [c.metadata.get(nbtools.COLLAPSED, False) for c in nb.cells] == [False, True, False, False]


def test_stored_deep_dives_are_collapsed(notebook):
    nb = _nb(notebook)
    heads = [c for c in nb.cells if c.cell_type == "markdown" and "deep-dive" in c.metadata.get("tags", [])
             and nbtools.DEEP_DIVE.match(c.source.lstrip())]
    open_heads = [c.source.splitlines()[0] for c in heads if not c.metadata.get(nbtools.COLLAPSED)]
    assert not open_heads, f"{notebook.name}: deep dives stored open: {open_heads}; run nbtools generate"


# --- figures anyone can read (issue 12) ----------------------------------------------------------------

PLOTLY_MIME = "application/vnd.plotly.v1+json"


def _figures(nb):
    """(cell index, plotly spec) for every stored plotly figure of nb."""
    for i, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if PLOTLY_MIME in output.get("data", {}):
                yield i, output["data"][PLOTLY_MIME]


def _alt(spec) -> str | None:
    meta = spec.get("layout", {}).get("meta")
    return meta.get("alt") if isinstance(meta, dict) else None


def _title(spec) -> str:
    title = spec.get("layout", {}).get("title")
    return (title.get("text") or "") if isinstance(title, dict) else (title or "")


def _flat(text: str) -> str:
    return " ".join(text.split())


def figure_problems(nb) -> list[str]:
    """What is wrong with the text alternatives of nb's figures (empty: nothing)."""
    problems = []
    for i, spec in _figures(nb):
        alt = _alt(spec)
        if not isinstance(alt, str) or not alt.strip():
            problems.append(f"cell {i}: no text alternative (fig.update_layout(meta={{'alt': ...}}))")
            continue
        if not re.fullmatch(r"[^\n]*\S[.!?]", alt) or re.search(r"[.!?]\s+[A-Z]", alt) or len(alt.split()) < 6:
            problems.append(f"cell {i}: the text alternative must be one sentence of what the figure shows and "
                            f"what to notice, got {alt!r}")
        neighbours = [nb.cells[j] for j in (i - 1, i + 1) if 0 <= j < len(nb.cells)]
        if not any(c.cell_type == "markdown" and _flat(alt) in _flat(c.source) for c in neighbours):
            problems.append(f"cell {i}: its text alternative is not, verbatim, in the Markdown cell directly "
                            f"before or after it: {alt!r}")
        if _flat(alt).casefold() == _flat(_title(spec)).casefold():
            problems.append(f"cell {i}: the text alternative repeats the title {_title(spec)!r}")
    return problems


def test_figures_have_a_text_alternative(notebook):
    problems = figure_problems(_nb(notebook))
    assert not problems, f"{notebook.name}:\n" + "\n".join(problems)


def test_figure_alternatives_are_unique_in_the_course():
    seen: dict[str, str] = {}
    duplicates = []
    for path in NOTEBOOKS:
        for i, spec in _figures(_nb(path)):
            alt = _alt(spec)
            if isinstance(alt, str) and alt.strip():
                where = f"{path.name} cell {i}"
                if _flat(alt) in seen:
                    duplicates.append(f"{where} and {seen[_flat(alt)]}: {alt!r}")
                seen.setdefault(_flat(alt), where)
    assert not duplicates, "two figures share a text alternative:\n" + "\n".join(duplicates)


def test_figure_check_catches_each_defect():
    """figure_problems itself: a missing, a title-like, a two-sentence and an unmatched alternative."""
    def nb_with(alt, markdown, title="A title"):
        layout = {"title": {"text": title}, **({"meta": {"alt": alt}} if alt is not None else {})}
        code = nbformat.v4.new_code_cell("fig", outputs=[nbformat.v4.new_output(
            "display_data", data={PLOTLY_MIME: {"data": [], "layout": layout}})])
        return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(markdown), code])
    good = "A line that falls on a log axis: notice that it is straight."
    assert figure_problems(nb_with(good, f"Text.\n\n{good}")) == []
    assert "no text alternative" in figure_problems(nb_with(None, good))[0]
    assert "repeats the title" in " ".join(figure_problems(nb_with(good, good, title=good)))
    assert "one sentence" in " ".join(figure_problems(nb_with("It falls. It is straight on a log axis.",
                                                             "It falls. It is straight on a log axis.")))
    assert "verbatim" in " ".join(figure_problems(nb_with(good, "Another sentence entirely.")))


# --- deep dives (issue 12) -----------------------------------------------------------------------------

def _heading(cell) -> tuple[int, str] | None:
    """(level, first line) when a Markdown cell starts with a heading."""
    if cell.cell_type != "markdown":
        return None
    first = cell.source.lstrip().split("\n", 1)[0]
    match = re.match(r"(#{1,6}) ", first)
    return (len(match.group(1)), first) if match else None


def deep_dive_problems(nb) -> list[str]:
    """A section is a deep dive iff its heading starts with "## Deep dive:" or "### Deep dive:"; it runs
    to the next heading of the same or a higher level, and every cell in it, and no other, carries
    the tag deep-dive."""
    problems, level = [], None  # level: the heading level of the deep dive we are in, or None
    for i, cell in enumerate(nb.cells):
        heading = _heading(cell)
        if heading and level is not None and heading[0] <= level:
            level = None
        if heading and nbtools.DEEP_DIVE.match(heading[1]):
            level = heading[0]
        elif heading and re.search(r"deep[ -]dive", heading[1], re.I) and level is None:
            problems.append(f"cell {i}: a deep dive's heading must start with '## Deep dive:' or "
                            f"'### Deep dive:', got {heading[1]!r}")
        tagged = "deep-dive" in cell.metadata.get("tags", [])
        if level is not None and not tagged:
            problems.append(f"cell {i}: inside a deep dive but without the tag deep-dive")
        if level is None and tagged:
            problems.append(f"cell {i}: tagged deep-dive outside a section headed 'Deep dive:'")
    return problems


def test_deep_dives_are_marked(notebook):
    problems = deep_dive_problems(_nb(notebook))
    assert not problems, f"{notebook.name}:\n" + "\n".join(problems)


def test_deep_dive_check_catches_each_defect():
    def nb_of(*cells):
        out = []
        for source, tags in cells:
            cell = (nbformat.v4.new_markdown_cell if source.startswith(("#", "Text")) else nbformat.v4.new_code_cell)(source)
            cell.metadata["tags"] = tags
            out.append(cell)
        return nbformat.v4.new_notebook(cells=out)
    dd = ["deep-dive"]
    good = nb_of(("## 3. Main", []), ("x = 1", []), ("## Deep dive: more", dd), ("### Inside", dd), ("y = 2", dd),
                 ("## 4. Back", []), ("z = 3", []))
    assert deep_dive_problems(good) == []
    assert "without the tag" in " ".join(deep_dive_problems(nb_of(("## Deep dive: a", dd), ("y = 2", []))))
    assert "outside a section" in " ".join(deep_dive_problems(nb_of(("## 4. Back", []), ("z = 3", dd))))
    assert "must start with" in " ".join(deep_dive_problems(nb_of(("## A deep dive into x", dd),)))
    assert "outside a section" in " ".join(deep_dive_problems(
        nb_of(("## Deep dive: a", dd), ("## 5. Next", []), ("w = 0", dd))))


# An exercise's heading: a Markdown heading that names it ("### Exercise 3: ...", "## Deep dive: exercise 4, ...",
# "### Deep dive: practice, ...") or a bold run-in heading opening a paragraph ("**Exercise: a Jacobian by hand.** ...").
EXERCISE_HEADING = re.compile(r"^(#{1,6} .*\b(exercise|practice)\b.*|\*\*Exercise\b.*)$", re.M | re.I)
ANY_HEADING = re.compile(r"^(#{1,6} .*|\*\*Exercise\b.*)$", re.M)


def exercises_without_task(nb) -> list[int]:
    """Indices of scaffold cells (`name = None  # your code`) whose nearest heading above is not an exercise's
    heading followed by its task (some text under the heading, before the scaffold)."""
    missing = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or not nbtools.SCAFFOLD.search(cell.source):
            continue
        text_below = ""
        for previous in reversed(nb.cells[:i]):
            if previous.cell_type != "markdown":
                continue
            headings = list(ANY_HEADING.finditer(previous.source))
            if not headings:
                text_below = previous.source + text_below
                continue
            last = headings[-1]
            run_in = last.group(0).startswith("**")  # the bold heading opens the task's own paragraph
            text_below = (last.group(0) if run_in else "") + previous.source[last.end():] + text_below
            if not (EXERCISE_HEADING.match(last.group(0)) and text_below.strip()):
                missing.append(i)
            break
        else:
            missing.append(i)
    return missing


def test_every_exercise_has_a_heading_and_a_task(notebook):
    nb = _nb(notebook)
    missing = exercises_without_task(nb)
    assert not missing, (f"{notebook.name}: the scaffold cells {missing} have no '### Exercise ...' heading with a "
                         f"task above them (first: {nb.cells[missing[0]].source[:60]!r})")


def test_the_exercise_check_catches_a_scaffold_without_a_task():
    good = _nb_of(("### Exercise 1: a sum\nAdd the numbers, as one number.", "md", []),
                  ("answer = None  # your code", "code", []))
    assert exercises_without_task(good) == []
    no_heading = _nb_of(("### One pair at a time\nThe power method.", "md", []), ("x = 1", "code", []),
                        ("my_pair = None  # your code", "code", []))
    assert exercises_without_task(no_heading) == [2]
    no_task = _nb_of(("### Exercise 2: the top pair", "md", []), ("my_pair = None  # your code", "code", []))
    assert exercises_without_task(no_task) == [1]
    assert exercises_without_task(_nb_of(("my_pair = None  # your code", "code", []))) == [0]
    run_in = _nb_of(("**Exercise: a Jacobian by hand.** Write the 2×2 Jacobian at v.", "md", []),
                    ("my_jacobian = None  # your code", "code", []))
    dive = _nb_of(("### Deep dive: exercise 4, group the words", "md", ["deep-dive"]),
                  ("Give each word a group label, as a list of integers.", "md", ["deep-dive"]),
                  ("my_word_groups = None  # your code", "code", ["deep-dive"]))
    assert exercises_without_task(run_in) == [] and exercises_without_task(dive) == []
    bold_not_exercise = _nb_of(("**Why.** Because.", "md", []), ("my_x = None  # your code", "code", []))
    assert exercises_without_task(bold_not_exercise) == [1]


def test_stored_outputs_have_one_stream_output_per_stream():
    """nbtools.execute joins a cell's consecutive stdout pieces (where the kernel flushed is chance)."""
    nb = _nb_of(("print('a', flush=True); print('b')", "code", []))
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text="a"),
                           nbformat.v4.new_output("stream", name="stdout", text=" b\n")]
    nbtools.coalesce_streams(nb)
    assert [o.text for o in nb.cells[0].outputs] == ["a b\n"]
    for path in nbtools.notebooks():
        for i, cell in enumerate(nbformat.read(path, as_version=4).cells):
            kinds = [(o.output_type, o.get("name")) for o in cell.get("outputs", [])]
            split = [k for k, nxt in zip(kinds, kinds[1:], strict=False) if k == nxt and k[0] == "stream"]
            assert not split, f"{path.name} cell {i}: {split[0][1]} split over several outputs (re-execute)"
