"""The accessibility audit of the lessons as JupyterLab shows them: axe-core (npm, tests/a11y) injected
into each notebook opened in JupyterLab in headless Chromium.

What the course writes (its Markdown, and the outputs its cells stored: text, tables, figures) must
have no serious or critical violation. What JupyterLab itself draws (toolbars, cell editors, the
notebook's windowed list) is JupyterLab's: printed here, listed in the README, never asserted.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from _browser import SCREENSHOTS, JupyterLab, chromium
from test_site import axe_violations  # skips (fails in CI) without axe-core

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.browser
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
# Where each flagged element sits: in the course's own content, or in JupyterLab's interface.
WHERE_JS = """targets => targets.map(t => {
  const e = document.querySelector(t);
  return !!(e && e.closest('.jp-RenderedMarkdown, .jp-OutputArea-output'));
})"""


EVERY_CELL_CSS = (".jp-Notebook .jp-Cell, .jp-WindowedPanel-viewport > * "
                  "{ content-visibility: visible !important; contain: none !important; }")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    folder = tmp_path_factory.mktemp("a11y") / "notebooks"
    shutil.copytree(ROOT / "notebooks", folder)
    with JupyterLab(folder) as server:
        yield server


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_course_content_in_jupyterlab_has_no_serious_violation(lab, path):
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        try:
            page.goto(f"{lab.url}/lab/tree/{path.name}?reset")
            page.wait_for_selector(f"{PANEL} .jp-Cell", timeout=90_000)
            page.wait_for_timeout(3000)  # the stored figures and the math draw a moment later
            # JupyterLab skips rendering cells off screen (CSS content-visibility), and axe skips what is
            # not rendered: without this only the first screen was audited (an empty link further down
            # went unreported); with it every cell is.
            page.add_style_tag(content=EVERY_CELL_CSS)
            page.wait_for_timeout(1000)
            found = axe_violations(page)
            ours, jupyterlab = [], []
            for v in found:
                inside = page.evaluate(WHERE_JS, v["nodes"])
                (ours if any(inside) else jupyterlab).append(v)
            for v in jupyterlab:
                print(f"\n{path.stem}: JupyterLab's own: {v['impact']} {v['id']} ({v['help']}): {v['nodes'][:2]}")
            assert not ours, f"{path.name}: the course's content has serious/critical violations: {ours}"
        finally:
            (SCREENSHOTS / "a11y").mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "a11y" / f"{path.stem}.png"))
            context.close()
            lab.shutdown_kernels()
