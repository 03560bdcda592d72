"""The course as a learner meets it: each notebook in JupyterLab, in a real (headless) Chromium.

Per notebook, in a fresh browser context on a temporary copy of notebooks/ served by JupyterLab:
0. the deep dives show collapsed (JupyterLab 4 reads `jp-MarkdownHeadingCollapsed`): every
   deep-dive heading is collapsed and exactly the cells under them are hidden; then the test opens
   them all (as the site test opens the solutions), so that every figure is on show;
1. the stored plotly figures render (figures drawn == figure outputs stored in the file);
2. Kernel → Restart Kernel and Run All Cells… from the menu bar, dialog accepted, until the kernel
   is idle and no cell is queued; then: no error (or stderr) output, every code cell ran, every
   figure drawn again, no uncaught page error, no request for anything off this machine;
3. a hang guard (3 × the notebook's time budget + 60 s) fails a run that never finishes; the
   measured time is printed and summarised at the end of the pytest run, never asserted;
4. a screenshot of the whole notebook goes to build/screenshots/jupyterlab/NAME.png.

    python3 scripts/course.py test -m browser tests/test_browser.py      # this test alone
    GDLA_BROWSER_NOTEBOOKS=/some/folder ... -m browser tests/test_browser.py  # other notebooks

Needs Chromium (Debian: `apt-get install -y chromium`) and Playwright for Python (requirements-dev);
without them the test skips loudly, or fails when GDLA_REQUIRE_BROWSER=1 (as in .ci/run).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

import nbformat
import pytest
from _browser import ROOT, SCREENSHOTS, JupyterLab, file_hashes, launch_chromium, require_chromium
from nbformat.v4 import new_code_cell, new_notebook, new_output

sys.path.insert(0, str(ROOT / "scripts"))
import nbtools  # noqa: E402

pytestmark = pytest.mark.browser

# The notebooks' own budgets for "Restart kernel and run all" (seconds, from their issues).
BUDGET_S = {lesson.file: lesson.time_budget_s for lesson in nbtools.LESSONS}  # gdla_helpers/lessons.py
DEFAULT_BUDGET_S = 20  # for notebooks from GDLA_BROWSER_NOTEBOOKS
SOURCE = Path(os.environ.get("GDLA_BROWSER_NOTEBOOKS") or ROOT / "notebooks").resolve()
NOTEBOOKS = (nbtools.ORDER if SOURCE == ROOT / "notebooks"
             else sorted(p.name for p in SOURCE.glob("*.ipynb")))
SHOTS = SCREENSHOTS / "jupyterlab"
VIEWPORT = {"width": 1280, "height": 900}
MAX_SCREENSHOT_HEIGHT = 60000  # px (a 23 000 px notebook captures fine here)
PLOTLY_MIME = "application/vnd.plotly.v1+json"

PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # the notebook on show (others hide in tabs)
# JS, run in the page before JupyterLab loads. window.gdlaState(): what the learner sees in the
# notebook on show. JupyterLab renders error outputs *and* stderr streams alike, as
# application/vnd.jupyter.stderr (a red box); the course stores neither, so both count.
# window.gdlaWatchQueue(): from now on, remember whether any cell was queued ([*]), so that
# "idle and nothing queued" cannot be mistaken for "not started yet".
PAGE_SCRIPT = "const PANEL = " + json.dumps(PANEL) + """;
window.gdlaState = () => {
  const panel = document.querySelector(PANEL);
  if (!panel) return null;
  const cells = [...panel.querySelectorAll('.jp-Cell')];
  const red = [...panel.querySelectorAll(
      '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')];
  const indicator = document.querySelector('.jp-Notebook-ExecutionIndicator');
  return {
    cells: cells.length,
    prompts: [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
        .map(e => e.textContent.trim()),
    drawn: [...panel.querySelectorAll('.js-plotly-plot')]
        .filter(e => e.querySelector('.main-svg')).length,
    plotly_outputs: panel.querySelectorAll('.jp-RenderedPlotly').length,
    red: red.map(e => ({cell: cells.indexOf(e.closest('.jp-Cell')),
                        text: e.innerText.slice(0, 800)})),
    indicator: indicator ? indicator.dataset.status : null,
    status: [...document.querySelectorAll('.jp-StatusBar-TextItem')]
        .map(e => e.textContent).filter(t => t.includes(' | ')).join(' '),
    height: (panel.querySelector('.jp-WindowedPanel-outer') || {}).scrollHeight || 0,
    hidden: cells.flatMap((c, i) => c.classList.contains('lm-mod-hidden') ? [i] : []),
    collapsed: cells.flatMap((c, i) => c.classList.contains('jp-MarkdownHeadingCollapsed') ? [i] : []),
  };
};
// Open every collapsed heading with its own button, as a learner clicks it; returns how many.
window.gdlaExpandAll = () => {
  const buttons = [...document.querySelectorAll(PANEL + ' .jp-MarkdownHeadingCollapsed .jp-collapseHeadingButton')];
  buttons.forEach(b => b.click());
  return buttons.length;
};
window.gdlaWatchQueue = () => {
  const panel = document.querySelector(PANEL);
  const queued = () => [...panel.querySelectorAll('.jp-InputPrompt')]
      .some(e => e.textContent.includes('*'));
  window.gdlaQueued = queued();
  window.gdlaIdleTicks = 0;
  new MutationObserver(() => { if (queued()) window.gdlaQueued = true; })
      .observe(panel, {subtree: true, childList: true, characterData: true});
};
"""
# JS: the run is over when a cell was queued, none is queued now and the kernel is idle, for three
# polls in a row (the toolbar's indicator lags the status bar by a moment).
RUN_OVER_JS = """() => {
  const s = window.gdlaState();
  const idle = s && window.gdlaQueued && s.indicator === 'idle' && s.status.endsWith('| Idle')
      && !s.prompts.some(p => p.includes('*'));
  window.gdlaIdleTicks = idle ? window.gdlaIdleTicks + 1 : 0;
  return window.gdlaIdleTicks >= 3;
}"""


def stored_figures(path: Path) -> dict[str, int]:
    """Figure outputs stored in a notebook file: plotly JSON, and plotly as HTML only.

    Plotly's JSON (`application/vnd.plotly.v1+json`) is what a kernel stores by default and what
    JupyterLab draws. An HTML-only plotly output (renderers `notebook`, `notebook_connected`, ...)
    is a figure too, for the learner who opens the file: it needs a trusted notebook or a CDN, and
    counts here so that the test fails when it stays blank.
    """
    found = {"plotly_json": 0, "html_only": 0}
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            html = data.get("text/html", "")
            if PLOTLY_MIME in data:
                found["plotly_json"] += 1
            elif "Plotly.newPlot" in ("".join(html) if isinstance(html, list) else html):
                found["html_only"] += 1
    return found


def deep_dives(path: Path) -> tuple[list[int], list[int]]:
    """(the cells that head a deep dive, the cells a fresh notebook hides under them), by index.

    A deep dive's heading is a markdown cell tagged deep-dive whose text starts with nbtools'
    DEEP_DIVE pattern; every other cell tagged deep-dive lies inside a dive (the notebook test
    tests/test_notebooks.py::test_deep_dives_are_marked holds the tags to that), so it is hidden
    while its heading is collapsed.
    """
    heads, inside = [], []
    for i, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
        if "deep-dive" not in cell["metadata"].get("tags", []):
            continue
        source = "".join(cell["source"]).lstrip()
        is_head = cell["cell_type"] == "markdown" and nbtools.DEEP_DIVE.match(source)
        (heads if is_head else inside).append(i)
    return heads, inside


def badge_images(path: Path) -> set[str]:
    """Image URLs of the generated badge cells (Binder, Colab): online-only by design."""
    urls = set()
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] == "markdown" and nbtools.GENERATED in cell["metadata"].get("tags", []):
            urls |= set(re.findall(r"!\[[^\]]*\]\((https?://[^)\s]+)\)", "".join(cell["source"])))
    return urls


def run_record(path: Path) -> list[str]:
    """What a saved notebook says about its run: cells not run, or out of order; errors, stderr."""
    problems, not_run, expected_count = [], [], 0
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    for i, cell in enumerate(cells):
        if cell["cell_type"] != "code" or not "".join(cell["source"]).strip():
            continue  # JupyterLab sends no empty cell to the kernel
        if cell["execution_count"] is None:
            not_run.append(i)
            continue
        expected_count += 1
        if cell["execution_count"] != expected_count:
            problems.append(f"cell {i} has execution count {cell['execution_count']}, "
                            f"{expected_count} expected: the cells did not run in order")
            expected_count = cell["execution_count"]
        for output in cell["outputs"]:
            if output["output_type"] == "error":
                problems.append(f"cell {i} raised {output['ename']}: {output['evalue']}"[:300])
            elif output["output_type"] == "stream" and output["name"] == "stderr":
                problems.append(f"cell {i} wrote to stderr: {''.join(output['text'])}"[:300])
    if not_run:
        problems.append(f"{len(not_run)} code cell(s) never ran: {not_run}")
    return problems


class _Timings:
    """A pytest plugin: the measured times, summarised after the test session."""

    def __init__(self):
        self.rows: list[tuple[str, float, float, int, float]] = []

    def pytest_terminal_summary(self, terminalreporter):
        if not self.rows:
            return
        terminalreporter.section("JupyterLab in Chromium: Restart Kernel and Run All Cells")
        terminalreporter.write_line(f"{'notebook':<34}{'run all':>9}{'budget':>8}{'guard':>7}"
                                    f"{'open+figures':>14}")
        for name, seconds, opened, budget, guard in self.rows:
            terminalreporter.write_line(f"{name:<34}{seconds:8.1f}s{budget:7d}s{guard:6.0f}s"
                                        f"{opened:13.1f}s")
        terminalreporter.write_line(f"screenshots: {SHOTS.relative_to(ROOT)}/")


@pytest.fixture(scope="module")
def timings(request) -> _Timings:
    plugin = _Timings()
    request.config.pluginmanager.register(plugin, "gdla-browser-timings")
    return plugin


@pytest.fixture(scope="module")
def tracked_hashes() -> dict[str, str]:
    """The tracked notebooks' files before JupyterLab starts (it must never write to them)."""
    return file_hashes(SOURCE)


@pytest.fixture(scope="module")
def lab(tmp_path_factory, tracked_hashes):
    """JupyterLab serving a temporary copy of the notebooks folder (data files included)."""
    require_chromium()  # skip (or fail) before starting anything
    root = tmp_path_factory.mktemp("lab-root")
    shutil.copytree(SOURCE, root / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    with JupyterLab(root) as server:
        yield server


@pytest.fixture(scope="module")
def browser(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = launch_chromium(p)
        yield chromium
        chromium.close()


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_in_jupyterlab(name, lab, browser, timings):
    source = lab.root_dir / "notebooks" / name  # the served copy (the tracked file may move on)
    stored = stored_figures(source)
    expected = stored["plotly_json"] + stored["html_only"]
    budget = BUDGET_S.get(name, DEFAULT_BUDGET_S)
    guard = 3 * budget + 60
    n_cells = len(json.loads(source.read_text(encoding="utf-8"))["cells"])

    context = browser.new_context(viewport=VIEWPORT)
    page_errors: list[str] = []
    offline: list[str] = []  # requests for anything not on this machine (refused: no network)
    # Matched inside the browser's driver: requests to the local server are never intercepted.
    elsewhere = re.compile(rf"^(?!https?://127\.0\.0\.1:{lab.port}/|data:|blob:|about:)")
    badges = badge_images(source)

    def refuse(route):  # nothing leaves the machine; only the launch badges may try
        if route.request.url not in badges:
            offline.append(route.request.url)
        route.abort()

    context.route(elsewhere, refuse)
    context.add_init_script(PAGE_SCRIPT)
    page = context.new_page()
    page.on("pageerror", lambda error: page_errors.append(str(error)))

    def state() -> dict:
        return page.evaluate("window.gdlaState()")

    try:
        # 1. Open it fresh; the stored figures must be drawn without running anything.
        start = time.perf_counter()
        page.goto(f"{lab.url}/lab/tree/notebooks/{name}?reset")
        page.wait_for_function("n => window.gdlaState()?.cells === n", arg=n_cells, timeout=90_000)

        # 0. The deep dives start collapsed: exactly their cells hidden (JupyterLab applies the stored
        # collapse once it has resolved the headings, a few seconds after the cells appear).
        heads, inside = deep_dives(source)
        if heads:
            try:
                page.wait_for_function("n => window.gdlaState().hidden.length >= n", arg=len(inside),
                                       timeout=90_000)
            except Exception:  # noqa: BLE001 (the assertion below says what is missing)
                pass
            s = state()
            assert s["collapsed"] == heads and s["hidden"] == inside, (
                f"{name}: a fresh notebook should show its {len(heads)} deep dive(s) collapsed: headings "
                f"{heads} collapsed and cells {inside} hidden; JupyterLab shows headings {s['collapsed']} "
                f"collapsed and cells {s['hidden']} hidden (are the dives stored with "
                f"{nbtools.COLLAPSED}? `python3 scripts/nbtools.py generate`)")
            clicked = page.evaluate("window.gdlaExpandAll()")
            page.wait_for_function("() => window.gdlaState().hidden.length === 0", timeout=30_000)
            assert clicked == len(heads), f"{name}: {clicked} collapse button(s) clicked for {len(heads)} dives"
        try:
            page.wait_for_function("n => window.gdlaState().drawn >= n", arg=expected, timeout=30_000)
        except Exception:  # noqa: BLE001 (the assertion below says what is missing)
            pass
        opened = time.perf_counter() - start
        drawn = state()["drawn"]
        assert drawn == expected, (
            f"{name}: {drawn} figure(s) drawn on opening, but the file stores {expected} "
            f"({stored['plotly_json']} as plotly JSON, {stored['html_only']} as HTML only, which "
            "needs a trusted notebook or a CDN: store figures with plotly's default renderer)")

        # 2. Kernel → Restart Kernel and Run All Cells…, as a learner would.
        page.wait_for_function("() => window.gdlaState().status.endsWith('| Idle')", timeout=90_000)
        page.evaluate("window.gdlaWatchQueue()")
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Kernel$")).click()
        page.get_by_role("menuitem", name="Restart Kernel and Run All Cells…").click()
        dialog = page.locator(".jp-Dialog")
        dialog.wait_for(timeout=10_000)
        assert "Restart Kernel?" in dialog.inner_text()
        start = time.perf_counter()
        dialog.locator(".jp-Dialog-button.jp-mod-accept").click()
        try:
            page.wait_for_function(RUN_OVER_JS, timeout=guard * 1000, polling=200)
        except Exception as error:  # noqa: BLE001 (playwright's TimeoutError)
            s = state()
            pytest.fail(f"{name}: Run All did not finish within the hang guard of {guard} s "
                        f"(3 × its {budget} s budget + 60 s); prompts: {s and s['prompts']}, "
                        f"kernel: {s and s['status']!r} ({type(error).__name__})", pytrace=False)
        seconds = time.perf_counter() - start
        timings.rows.append((name, seconds, opened, budget, guard))
        print(f"\n{name}: Restart Kernel and Run All Cells took {seconds:.1f} s "
              f"(budget {budget} s, hang guard {guard} s); opening + stored figures {opened:.1f} s")

        # 3. What the learner sees after the run.
        try:  # plotly draws a moment after its output arrives (no need to wait after an error)
            page.wait_for_function("n => { const s = window.gdlaState(); "
                                   "return s.drawn >= n || s.red.length > 0; }",
                                   arg=expected, timeout=30_000)
        except Exception:  # noqa: BLE001
            pass
        s = state()
        problems = [f"error or stderr output in cell {r['cell']}:\n{r['text']}" for r in s["red"]]
        # Collapsed cells (the solutions) show no prompt: the saved file tells whether all ran.
        tries = _save_from_menu(page, source)
        if tries != 1:
            print(f"{name}: File → Save Notebook took {tries or 'more than 3'} tries")
        if not tries:
            problems.append("File → Save Notebook did not write the notebook within 3 tries")
        record = run_record(source)
        if s["red"]:  # already shown as the learner sees them
            record = [r for r in record if " raised " not in r and " wrote to stderr" not in r]
        problems += record
        all_ran = not any("never ran" in r for r in record)  # else fewer figures is no news
        if all_ran and s["plotly_outputs"] != expected:
            problems.append(
                f"Run All made {s['plotly_outputs']} plotly figure output(s) but the file stores "
                f"{expected} figure(s) {stored}: are the stored outputs from a clean run "
                "(`python3 scripts/course.py execute`)? Does a cell set another plotly renderer?")
        if s["drawn"] != s["plotly_outputs"]:
            problems.append(f"{s['drawn']} figure(s) drawn for {s['plotly_outputs']} plotly output(s)")
        if page_errors:
            problems.append(f"uncaught errors in the page: {page_errors}")
        if offline:
            problems.append(f"the page asked for files off this machine (a learner offline "
                            f"gets nothing): {offline[:3]}")
        assert not problems, (f"{name} after Restart Kernel and Run All Cells (cells counted from 0, "
                              "Markdown included):\n- " + "\n- ".join(problems))
    finally:
        _screenshot(page, SHOTS / f"{Path(name).stem}.png")
        context.close()
        lab.shutdown_kernels()


def _save_from_menu(page, path: Path, tries: int = 3) -> int:
    """File → Save Notebook, until the file on disk changes (a click can go astray).

    Returns the number of tries it took, 0 if the file never changed.
    """
    before = path.stat().st_mtime_ns
    for attempt in range(1, tries + 1):
        page.keyboard.press("Escape")  # close any open menu
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^File$")).click()
        item = page.locator('.lm-Menu-item[data-command="docmanager:save"]')
        item.hover()  # Lumino activates a menu item on mouse-over, then runs it on click
        item.click()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if path.stat().st_mtime_ns != before:
                page.wait_for_timeout(500)  # let the write finish
                return attempt
            page.wait_for_timeout(200)  # not time.sleep: Playwright handles events only in its calls
    return 0


def _screenshot(page, path: Path) -> None:
    """A screenshot of the whole notebook: the window is made as tall as the notebook first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        notebook_height = (page.evaluate("window.gdlaState()") or {}).get("height", 0)
        height = min(max(VIEWPORT["height"], notebook_height + 150), MAX_SCREENSHOT_HEIGHT)
        page.set_viewport_size({"width": VIEWPORT["width"], "height": height})
        page.wait_for_timeout(1000)  # relayout; plotly resizes its figures
        page.evaluate(f"document.querySelector('{PANEL} .jp-WindowedPanel-outer').scrollTop = 0")
        page.wait_for_timeout(300)
        page.screenshot(path=str(path), full_page=True)
    except Exception as error:  # noqa: BLE001 (a screenshot never hides the real failure)
        print(f"no screenshot {path.name}: {error}")


def test_tracked_notebooks_unchanged(lab, tracked_hashes):
    """JupyterLab served (and autosaved) only the temporary copy."""
    now = file_hashes(SOURCE)
    changed = sorted(k for k in now.keys() | tracked_hashes.keys() if now.get(k) != tracked_hashes.get(k))
    assert not changed, f"files under {SOURCE} changed while JupyterLab ran: {changed}"


# --- the file-side detectors above, on made-up notebooks (no browser needed) ---------------------
def _write(tmp_path, cells) -> Path:
    """A notebook of code cells, each given as (source, outputs, execution count)."""
    nb = new_notebook()
    for source, outputs, count in cells:
        cell = new_code_cell(source, execution_count=count)
        cell.outputs = [new_output(**o) for o in outputs]
        nb.cells.append(cell)
    path = tmp_path / "made_up.ipynb"
    nbformat.write(nb, path)
    return path


def test_deep_dives_lists_headings_and_the_cells_under_them(tmp_path):
    nb = new_notebook(cells=[nbformat.v4.new_markdown_cell("## 1. Core"), new_code_cell("a = 1"),
                             nbformat.v4.new_markdown_cell("## Deep dive: more"), new_code_cell("b = 2"),
                             nbformat.v4.new_markdown_cell("Text of the dive."),
                             nbformat.v4.new_markdown_cell("## 2. Core again"),
                             nbformat.v4.new_markdown_cell("### Deep dive: a small one"), new_code_cell("c = 3")])
    for i in (2, 3, 4, 6, 7):
        nb.cells[i].metadata["tags"] = ["deep-dive"]
    path = tmp_path / "dives.ipynb"
    nbformat.write(nb, path)
    assert deep_dives(path) == ([2, 6], [3, 4, 7])
    for cell in nb.cells:
        cell.metadata.pop("tags", None)
    nbformat.write(nb, path)
    assert deep_dives(path) == ([], [])


def test_stored_figures_counts_json_and_html_only_figures(tmp_path):
    json_figure = {"output_type": "display_data", "data": {PLOTLY_MIME: {"data": []}}}
    both = {"output_type": "display_data",
            "data": {PLOTLY_MIME: {"data": []}, "text/html": "<script>Plotly.newPlot()</script>"}}
    cdn = {"output_type": "display_data",
           "data": {"text/html": "<script src='https://cdn.plot.ly/x.js'></script>Plotly.newPlot()"}}
    table = {"output_type": "display_data", "data": {"text/html": "<table>plotly</table>"}}
    path = _write(tmp_path, [("a", [json_figure, both], 1), ("b", [cdn, table], 2)])
    assert stored_figures(path) == {"plotly_json": 2, "html_only": 1}


def test_run_record_names_errors_stderr_and_cells_that_never_ran(tmp_path):
    error = {"output_type": "error", "ename": "ValueError", "evalue": "boom", "traceback": []}
    stderr = {"output_type": "stream", "name": "stderr", "text": "a warning"}
    clean = _write(tmp_path, [("a = 1", [], 1), ("", [], None), ("b = 2", [], 2)])
    assert run_record(clean) == []
    broken = _write(tmp_path, [("a", [stderr], 1), ("b", [error], 2), ("c", [], None), ("d", [], 5)])
    assert run_record(broken) == [
        "cell 0 wrote to stderr: a warning",
        "cell 1 raised ValueError: boom",
        "cell 3 has execution count 5, 3 expected: the cells did not run in order",
        "1 code cell(s) never ran: [2]",
    ]
