"""The course website: built offline by the README's command, every page checked in headless Chromium.

Two sites are built: the real one (`scripts/course.py site`, from notebooks/) and a demo one whose
extra lesson is a notebook made here with plotly figures (one wider than a phone, one inside a
collapsed solution), inline and display math, escaped dollars, badge images and links, so that the
checks bite even while a lesson has no figure or formula.

Per page: every stored figure is drawn, no page error, no request leaves the local server, every
relative link answers 200 (and its #anchor exists), every formula is typeset, axe-core (the
accessibility engine, from npm: tests/a11y) finds no serious or critical violation, and at 390 px
wide the figures and the page fit the screen. Search (Pagefind) finds each lesson; each lesson's PDF
has every figure and its math typeset. Screenshots: build/screenshots/site/{site}-{page}-{width}.png.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import build_site  # noqa: E402
import nbtools  # noqa: E402

pytestmark = pytest.mark.browser
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SCREENSHOTS = ROOT / "build" / "screenshots" / "site"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SIZE_LIMIT_MB = 30
PLOTLY_MIME = "application/vnd.plotly.v1+json"
# JS: figures that plotly has drawn (a .js-plotly-plot with its .main-svg layers), one per figure.
DRAWN_FIGURES = ("() => [...document.querySelectorAll('.js-plotly-plot')]"
                 ".filter(g => g.querySelector('.main-svg')).length")


# --- counting formulas in Markdown, the way the site's MathJax (tex2jax) finds them ----------------
# Code is never math: fenced blocks and `code spans` are blanked first. Then the text is scanned
# left to right, like tex2jax: at the earliest opening delimiter -- $$, $, \[, \( or
# \begin{env} -- one formula runs to its closing delimiter ($$, $, \], \), \end{env}) and counts
# once; an opening with no closing before the paragraph ends is plain text. An escaped dollar \$
# is a plain dollar sign. So $\begin{pmatrix}...\end{pmatrix}$ is one formula, not two.
_CODE = re.compile(r"^```.*?^```|^~~~.*?^~~~|`[^`\n]*`", re.M | re.S)
_OPEN = re.compile(r"\\\$|\$\$|\$|\\\[|\\\(|\\begin\{([A-Za-z]+\*?)\}")
_PARAGRAPH_END = re.compile(r"\n\s*\n")


def count_formulas(markdown: str) -> int:
    """How many formulas MathJax typesets in this Markdown (see the rules above)."""
    text, total, i = _CODE.sub(" ", markdown), 0, 0
    while (opening := _OPEN.search(text, i)) is not None:
        token = opening.group(0)
        if token == "\\$":  # an escaped dollar
            i = opening.end()
            continue
        close = {"$$": "$$", "$": "$", "\\[": "\\]", "\\(": "\\)"}.get(token) or \
            f"\\end{{{opening.group(1)}}}"
        paragraph = _PARAGRAPH_END.search(text, opening.end())
        limit = paragraph.start() if paragraph and token == "$" else len(text)
        j = opening.end()
        while (j := text.find(close, j, limit)) > 0 and text[j - 1] == "\\" and close[0] == "$":
            j += 1  # \$ inside a formula does not close it
        if j < 0:
            i = opening.end()  # no closing delimiter: plain text
            continue
        total += 1
        i = j + len(close)
    return total


def test_count_formulas_rules():
    assert count_formulas("$a$ and $$b$$ and \\(c\\) and \\[d\\]") == 4
    assert count_formulas("costs \\$5 or \\$6, code `x = $y$` and\n```\n$z$\n```\n") == 0
    assert count_formulas("$$\n\\begin{aligned} a &= b \\end{aligned}\n$$ then $x_1$") == 2
    assert count_formulas("\\begin{equation} e \\end{equation}") == 1
    assert count_formulas("$a$\n\n$") == 1  # a lone dollar across a paragraph break is no formula
    assert count_formulas("the swap $\\begin{pmatrix}0&1\\\\1&0\\end{pmatrix}$, $\\pm1$") == 2


def expected_counts(nb) -> tuple[int, int, int]:
    """(figures, formulas, solutions) that a lesson page must show for this notebook."""
    figures = formulas = solutions = 0
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if "gdla-generated" in tags and build_site.DROPPED_CELLS & set(tags):
            continue
        solutions += "solution" in tags
        if cell.cell_type == "markdown":
            formulas += count_formulas(cell.source)
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            figures += PLOTLY_MIME in data
            if PLOTLY_MIME not in data:
                for mime in ("text/markdown", "text/latex"):
                    if mime in data:
                        formulas += count_formulas("".join(data[mime]))
                        break
    return figures, formulas, solutions


# --- a demo lesson with everything the real ones may contain --------------------------------------

def demo_notebook(path: Path) -> Path:
    """A notebook with plotly outputs exactly as a kernel stores them (plotly's mimetype renderer)."""
    import plotly.graph_objects as go
    import plotly.io as pio

    import gdla_helpers as gh

    def figure_output(fig):
        return nbformat.v4.new_output("display_data",
                                      data=pio.renderers["plotly_mimetype"].to_mimebundle(fig))

    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    losses = gh.plot_losses({"plain GD": [1.0 / (k + 1) ** 2 for k in range(200)]}, title="Loss")
    wide = go.Figure(go.Scatter(y=[3, 1, 2])).update_layout(width=900, height=380, title="Wide")
    hidden = go.Figure(go.Bar(y=[1, 2]))
    solution = code("my_answer_solution = go.Figure(go.Bar(y=[1, 2]))\nmy_answer_solution",
                    metadata={"tags": ["solution"], "jupyter": {"source_hidden": True}})
    solution.outputs = [figure_output(hidden)]
    plotted = code("gh.plot_losses(...)")
    plotted.outputs = [figure_output(losses)]
    widened = code("fig.update_layout(width=900)")
    widened.outputs = [figure_output(wide),
                       nbformat.v4.new_output("stream", name="stdout", text="costs $5, not $math\n")]
    shown = code("display(Markdown(...)); df")  # Markdown output is typeset, an HTML table is not
    shown.outputs = [
        nbformat.v4.new_output("display_data", data={"text/markdown": "the residual $r = 0$"}),
        nbformat.v4.new_output("execute_result", execution_count=1, data={
            "text/html": "<table><tr><td>$5</td><td>$6</td></tr></table>", "text/plain": "df"})]
    nb = nbformat.v4.new_notebook(cells=[
        md("# 04 · A demo lesson\n\nA hook with math $f(x) = x^2$."),
        md(nbtools.header_source("02_matrix_inverse_gd.ipynb")),
        md("## Learning objectives\n\n- the gradient $\\nabla_X L$\n\n**Prerequisites:** none.\n\n"
           "**Estimated time:** 1 minute."),
        md("## 1. Math\n\n$$L(X) = \\frac{1}{n^2}\\|XM - I\\|_F^2$$\n\nIt costs \\$5 or \\$6; "
           "code `a = $b$` is no math. See [lesson 01](01_tensors_and_autograd.ipynb#Learning-objectives),"
           " the [overview](../README.md), [plotting](../gdla_helpers/plotting.py) and "
           "![an external image](https://example.org/x.png), ![the mark](mark.svg).\n\n"
           "$$\n\\begin{aligned} a &= b \\\\ c &= d \\end{aligned}\n$$"),
        plotted, widened, shown, code("my_answer = None  # your code"), solution,
        md("## Quiz\n\n1. What is $2+2$?\n\n<details><summary>Answer</summary>\n\n$4$, since "
           "$2 + 2 = 4$.\n\n</details>"),
    ])
    nbformat.write(nb, path)
    shutil.copy2(ROOT / "site" / "logo.svg", path.parent / "mark.svg")  # a local image beside it
    return path


# --- fixtures: build, serve, browse --------------------------------------------------------------

class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """{name: (folder, {page: notebook or None})}: the real site and the demo site, freshly built.

    Also the demo notebook's bytes before and after its build, under "demo notebook"."""
    tmp = tmp_path_factory.mktemp("site")
    real = tmp / "real"
    start = time.perf_counter()
    # Exactly the README's command, with another output folder.
    done = subprocess.run([sys.executable, "scripts/course.py", "site", "--out", str(real)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    print(f"\nreal site built in {time.perf_counter() - start:.1f} s "
          f"({build_site.site_size(real) / 1e6:.1f} MB)")
    steps = re.search(r"search index ([\d.]+) s, PDFs ([\d.]+) s", done.stdout)
    assert steps, f"the build did not say what search and print took: {done.stdout[-1000:]}"
    SEARCH_AND_PRINT.update({"search s": float(steps[1]), "PDFs s": float(steps[2])})
    demo_nb = demo_notebook(tmp / "04_demo.ipynb")
    before = demo_nb.read_bytes()
    demo = tmp / "demo"
    build_site.build(demo, nbtools.notebooks() + [demo_nb], pdf=False)  # the real site has the PDFs
    real_pages = {"index.html": None, "instructors.html": None, "search.html": None} | {
        f"{p.stem}.html": p for p in nbtools.notebooks()}
    SEARCH_AND_PRINT["build s"] = time.perf_counter() - start
    return {"real": (real, real_pages),
            "demo": (demo, {"index.html": None, "04_demo.html": demo_nb}),
            "demo notebook": {"before": before, "after": demo_nb.read_bytes()}}


@pytest.fixture(scope="module")
def servers(sites):
    """A local http.server per site, on 127.0.0.1 and a free port; stopped afterwards."""
    running, urls = [], {}
    for name, (folder, _) in sites.items():
        handler = functools.partial(_QuietHandler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        running.append(server)
        urls[name] = f"http://127.0.0.1:{server.server_address[1]}/"
    yield urls
    for server in running:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def _own_chromium():
    """Headless Debian Chromium via Playwright (used only if tests/_browser.py is absent)."""
    if not CHROMIUM.exists():
        pytest.skip("BROWSER TEST NOT RUN: needs Debian's chromium (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def browser():
    try:  # the launch helper shared with tests/test_browser.py (same flags, CI's skip-or-fail rule)
        from _browser import chromium
    except ImportError:
        chromium = _own_chromium
    with chromium() as launched:
        yield launched


def _open(browser, url: str, origin: str, viewport: dict):
    """A fresh page on url that records page errors, failed requests and off-site requests."""
    context = browser.new_context(viewport=viewport)
    log = {"offsite": [], "errors": [], "failed": []}
    sizes = {}  # {path: bytes} of every response, for the report of each page's largest asset

    def route(r):
        if r.request.url.startswith(origin):
            r.continue_()
        else:  # never let it out: record and abort
            log["offsite"].append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("pageerror", lambda exc: log["errors"].append(str(exc)))
    page.on("console", lambda msg: msg.type == "error" and log["errors"].append(f"console: {msg.text}"))
    page.on("response", lambda resp: resp.status >= 400 and log["failed"].append(
        f"{resp.status} {resp.url}"))
    page.on("requestfailed", lambda req: req.url.startswith(origin) and log["failed"].append(
        f"failed {req.url}"))
    page.on("response", lambda resp: sizes.__setitem__(
        resp.url.removeprefix(origin).split("?")[0], int(resp.headers.get("content-length", 0))))
    page.goto(url, wait_until="load")
    with contextlib.suppress(Exception):  # a timeout: the math assertion says what is missing
        page.wait_for_function("document.documentElement.dataset.mathDone === '1'", timeout=60_000)
    return context, page, log, sizes


AXE = ROOT / "tests" / "a11y" / "node_modules" / "axe-core" / "axe.min.js"  # `npm ci --prefix tests/a11y`
AXE_RUN = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))"""


def axe_violations(page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it stands (the accessibility audit)."""
    if not AXE.exists():
        message = f"ACCESSIBILITY AUDIT NOT RUN: {AXE} missing (npm ci --prefix tests/a11y)"
        if os.environ.get("GDLA_REQUIRE_BROWSER") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(AXE_RUN)
    return [v for v in found if v["impact"] in ("serious", "critical")]


def _wait_for_figures(page, expected: int) -> int:
    """How many figures are drawn, once all expected ones are or after 20 s."""
    if expected:
        with contextlib.suppress(Exception):  # a timeout: the assertion below says what is missing
            page.wait_for_function(f"({DRAWN_FIGURES})() >= {expected}", timeout=20_000)
    return page.evaluate(DRAWN_FIGURES)


def _cases():
    cases = [("real", "index.html"), ("real", "instructors.html"), ("real", "search.html")]
    cases += [("real", f"{p.stem}.html") for p in nbtools.notebooks()]
    return cases + [("demo", "index.html"), ("demo", "04_demo.html")]


# --- the checks ---------------------------------------------------------------------------------

SEARCH_AND_PRINT: dict[str, float] = {}
ADDED_LIMIT_MB = 10  # what search and the PDFs may add to the site


def test_site_is_small_and_self_contained(sites):
    folder, pages = sites["real"]
    size_mb = build_site.site_size(folder) / 1e6
    assert size_mb <= SIZE_LIMIT_MB, f"the site is {size_mb:.1f} MB"
    assert sorted(p.name for p in folder.glob("*.html")) == sorted(pages)
    assert (folder / "_static" / "plotly.min.js").stat().st_size > 1_000_000
    assert (folder / "_static" / "mathjax" / "MathJax.js").exists()


def test_notebooks_untouched_by_the_build(sites):
    """The build only reads its notebooks: same bytes after it; figures stay plotly JSON only."""
    assert sites["demo notebook"]["before"] == sites["demo notebook"]["after"]
    for path in nbtools.notebooks():  # and each still carries its figures as plotly JSON only
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                if PLOTLY_MIME in output.get("data", {}):
                    assert "text/html" not in output["data"], f"{path.name}: figure has an HTML copy"


@pytest.mark.parametrize(("site", "page_name"), _cases(), ids=lambda v: v)
def test_page(browser, sites, servers, site, page_name):
    folder, pages = sites[site]
    origin = servers[site]
    notebook = pages[page_name]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    if page_name == "search.html":  # the search box alone: no figure, no formula until one searches
        figures, solutions, answered, formulas = 0, 0, [], 0
    elif page_name == "instructors.html":  # the README's "For instructors" section
        teach = build_site.instructors_context(readme)
        figures, solutions, answered = 0, 0, []
        formulas = count_formulas(teach["before_md"]) + count_formulas(teach["after_md"])
    elif notebook is None:  # the landing page: its Markdown comes from the README and the notebooks
        paths = nbtools.notebooks() + ([pages["04_demo.html"]] if site == "demo" else [])
        notebooks = {p.name: nbformat.read(p, as_version=4) for p in paths}
        context_ = build_site.site_context(build_site.lesson_info(paths, notebooks, readme), readme)
        figures, solutions, answered = 0, 0, []
        formulas = sum(count_formulas(m) for m in build_site.landing_markdown(context_))
    else:
        nb = nbformat.read(notebook, as_version=4)
        figures, formulas, solutions = expected_counts(nb)
        # which solutions have outputs: those outputs print the answer, so they are collapsed too
        answered = [bool(c.get("outputs")) for c in nb.cells if "solution" in c.metadata.get("tags", [])]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / f"{site}-{page_name.removesuffix('.html')}"

    context, page, log, sizes = _open(browser, origin + page_name, origin, DESKTOP)
    try:
        drawn = _wait_for_figures(page, figures)
        assert drawn == figures, (f"{drawn} figures drawn, the notebook stores {figures}; "
                                  f"page errors and failed requests: {log}")
        assert page.locator(".js-plotly-plot .main-svg").count() >= figures

        math = page.evaluate("""() => ({
            frames: document.querySelectorAll('[id^="MathJax-Element-"][id$="-Frame"]').length,
            sources: document.querySelectorAll('script[type^="math/tex"]').length,
            errors: document.querySelectorAll('.MathJax .merror, .MathJax .noError, .MathJax_Error').length})""")
        assert math == {"frames": formulas, "sources": formulas, "errors": 0}, (
            f"expected {formulas} typeset formulas without errors, got {math}")

        hrefs = page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)")
        # Solutions and quiz answers: every <details> starts closed, has a summary and hides
        # something (an answer the Markdown renderer left outside its <details> would show).
        details = page.evaluate("""() => [...document.querySelectorAll('details')].map(d => ({
            open: d.open, solution: d.classList.contains('gdla-solution'),
            outputs: d.querySelectorAll('.jp-OutputArea-output').length,
            summary: (d.querySelector(':scope > summary') || {}).textContent || '',
            hidden: [...d.childNodes].filter(n => n.nodeName !== 'SUMMARY'
                                                  && n.textContent.trim()).length}))""")
        assert sum(d["solution"] for d in details) == solutions, "one collapsed block per solution"
        inside = [d["outputs"] > 0 for d in details if d["solution"]]
        assert inside == answered, (f"a solution's outputs belong inside its collapsed block: outputs "
                                    f"inside {inside}, the notebook's solutions have outputs {answered}")
        for d in details:
            assert not d["open"] and d["summary"].strip() and d["hidden"], f"bad <details>: {d}"

        fetched = {}  # {url: (status, body)}: each target is fetched once per page
        for href in sorted(set(hrefs)):
            if not href.startswith(origin):
                continue  # a link out (Binder, Colab, GitHub) is fine: it is not requested
            target, _, anchor = href.partition("#")
            if target not in fetched:
                response = context.request.get(target)
                fetched[target] = (response.status, response.text() if target.endswith(".html")
                                   else "")
            status, body = fetched[target]
            assert status == 200, f"{page_name}: link {href} answers {status}"
            if anchor and target.endswith(".html"):
                ids = re.findall(r'\bid="([^"]+)"', body)
                assert urllib.parse.unquote(anchor) in {urllib.parse.unquote(i) for i in ids}, (
                    f"{page_name}: link {href}: no element with that id")
        page.screenshot(path=f"{shot}-desktop.png", full_page=True)
        violations = axe_violations(page)
        assert not violations, f"{page_name}: axe-core finds serious/critical violations: {violations}"
        largest = max(sizes, key=sizes.get)
        print(f"\n{site}/{page_name}: {len(sizes)} files, {sum(sizes.values()) / 1e6:.2f} MB, "
              f"largest {largest} ({sizes[largest] / 1e6:.2f} MB)")
        assert log == {"offsite": [], "errors": [], "failed": []}, (
            "requests leaving the site (aborted), page errors or failed requests")
    finally:
        context.close()

    context, page, log, _ = _open(browser, origin + page_name, origin, PHONE)
    try:
        assert _wait_for_figures(page, figures) == figures, log
        # Open every collapsed solution, so figures inside them are measured too.
        page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
        page.wait_for_timeout(500)
        boxes = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].map(g => {
            const r = g.getBoundingClientRect(); return [r.left, r.right, r.width]; })""")
        assert len(boxes) == figures
        for left, right, width in boxes:
            assert width > 0 and left >= 0 and right <= PHONE["width"], (
                f"a figure spans {left:.0f}..{right:.0f} px on a {PHONE['width']} px screen")
        scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
        assert scroll_width <= PHONE["width"], f"the page is {scroll_width} px wide on a phone"
        page.screenshot(path=f"{shot}-390.png", full_page=True)
        assert log == {"offsite": [], "errors": [], "failed": []}, (
            "requests leaving the site (aborted), page errors or failed requests")
    finally:
        context.close()


def test_instructors_page_fills_in_the_hub(browser, servers):
    """The instructors' page shows the nbgitpuller link, and its field fills in `<your-hub>`."""
    origin = servers["real"]
    context, page, log, _ = _open(browser, origin + "instructors.html", origin, DESKTOP)
    try:
        shown = lambda: page.text_content("#gdla-hub-link")  # noqa: E731
        assert shown() == nbtools.nbgitpuller_link(), "before anything is typed: the placeholder"
        for typed, hub in [("hub.example.edu/", "https://hub.example.edu"),
                           (" http://127.0.0.1:8000 ", "http://127.0.0.1:8000"),
                           ("https://jupyter.uni.example/course/", "https://jupyter.uni.example/course")]:
            page.fill("#gdla-hub-address", typed)
            assert shown() == nbtools.nbgitpuller_link(hub), f"typed {typed!r}, the link shows {shown()!r}"
        page.fill("#gdla-hub-address", "")
        assert shown() == nbtools.nbgitpuller_link(), "an empty field shows the placeholder again"
        rows = page.evaluate("""() => [...document.querySelectorAll('.gdla-table tbody tr')].map(
            r => [r.cells[0].textContent.trim(), r.cells[1].textContent.trim(), r.cells[2].textContent.trim()])""")
        titles = [nbtools.title_of(n) for n in nbtools.ORDER]
        assert [r[0] for r in rows] == titles, f"one row per lesson, in order: {rows}"
        assert all(r[1] and int(r[2]) >= 4 for r in rows), f"each lesson's time and exercises: {rows}"
        assert log == {"offsite": [], "errors": [], "failed": []}, log
    finally:
        context.close()


def test_screenshots_written():
    """Runs after the page tests (file order): both widths of every page are on disk."""
    if not SCREENSHOTS.exists():
        pytest.skip("no page test ran")
    names = {p.name for p in SCREENSHOTS.glob("*.png")}
    for site, page_name in _cases():
        for width in ("desktop", "390"):
            assert f"{site}-{page_name.removesuffix('.html')}-{width}.png" in names


def test_build_is_offline_safe(tmp_path):
    """The build refuses a page that would load something from another host."""
    (tmp_path / "index.html").write_text('<img src="https://example.org/badge.svg">')
    (tmp_path / "_static").mkdir()
    for name in ("gdla.css", "jupyterlab.css", "pygments.css"):
        (tmp_path / "_static" / name).write_text("")
    with pytest.raises(SystemExit, match="another host"):
        build_site.check_self_contained(tmp_path)
    # ... and rewrites external images into text, notebook links into pages, repository files to
    # GitHub, and leaves a link to nowhere as it is (for the browser test to report).
    page = build_site.rewrite_page(
        '<a href="02_matrix_inverse_gd.ipynb#x"><img alt="Binder" src="https://b/b.svg"></a>'
        '<a href="../README.md">o</a><a href="../gdla_helpers/losses.py">l</a>'
        '<a href="index.html">i</a><a href="../no_such_file.py">x</a>',
        {"02_matrix_inverse_gd.ipynb": "02_matrix_inverse_gd.html", "README.md": "index.html"},
        "https://github.com/o/r/blob/main")
    assert page == ('<a href="02_matrix_inverse_gd.html#x"><span class="gdla-external-image">'
                    'Binder</span></a><a href="index.html">o</a>'
                    '<a href="https://github.com/o/r/blob/main/gdla_helpers/losses.py">l</a>'
                    '<a href="index.html">i</a><a href="../no_such_file.py">x</a>')


def test_site_folders_are_ignored():
    done = subprocess.run(["git", "check-ignore", "build/site/index.html",
                           "build/screenshots/site/x.png"], cwd=ROOT, capture_output=True, text=True)
    if done.returncode == 128:
        pytest.skip("not a git checkout")
    assert len(done.stdout.split()) == 2, "build/ must stay out of git (.gitignore)"


def test_figure_carries_its_text_alternative_as_aria_label():
    """A stored figure's layout.meta.alt becomes the figure's aria-label (role="figure": plotly's
    controls inside it may not sit in an image), HTML-escaped."""
    alt = 'A line on a log axis: notice that it is straight & "steady".'
    spec = {"data": [{"type": "scatter", "y": [1, 2]}], "layout": {"title": {"text": "T"}, "meta": {"alt": alt}}}
    page = build_site.figure_html(spec, "fig-1")
    assert re.search(r'<div class="gdla-figure" role="figure" aria-label="([^"]*)">', page), page[:200]
    label = re.search(r'aria-label="([^"]*)"', page).group(1)
    assert label == alt.replace("&", "&amp;").replace('"', "&quot;")
    without = build_site.figure_html({"data": [], "layout": {}}, "fig-2")
    assert "aria-label" not in without and "role=" not in without.split(">", 1)[0]


def test_deep_dives_are_marked_on_the_site():
    """A deep dive's heading cell gets the label "Deep dive — optional"; its cells keep the tag that
    nbconvert turns into the class celltag_deep-dive, which the site's stylesheet marks."""
    def md(source, tags):
        cell = nbformat.v4.new_markdown_cell(source)
        cell.metadata["tags"] = tags
        return cell
    nb = nbformat.v4.new_notebook(cells=[md("## 1. Main", []), md("## Deep dive: more", ["deep-dive"]),
                                         md("Text of the deep dive.", ["deep-dive"])])
    page, _ = build_site.site_copy(nb, "x")
    assert page.cells[1].source.startswith('<p class="gdla-deep-dive-label">Deep dive — optional</p>')
    assert "deep-dive-label" not in page.cells[0].source + page.cells[2].source
    assert "deep-dive" in page.cells[2].metadata["tags"]
    css = (ROOT / "site" / "gdla.css").read_text(encoding="utf-8")
    assert ".celltag_deep-dive" in css and ".gdla-deep-dive-label" in css
    real = [c for c in build_site.site_copy(nbformat.read(ROOT / "notebooks" / "02_matrix_inverse_gd.ipynb", 4),
                                            "02")[0].cells if "gdla-deep-dive-label" in c.source]
    assert real, "notebook 02's deep dives get the label on the site"


# --- search (Pagefind) and print (the lessons' PDFs) ---------------------------------------------

_MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]*\$", re.S)


def distinctive_word(name: str) -> str:
    """A word of lesson `name`'s own prose (7+ letters, its most frequent such) whose stem no other
    page of the site has in any form: Pagefind stems words ("function" also finds "functions"), so
    the first 6 letters must not occur in the other lessons (prose, code or outputs) nor in the README (the
    overview and instructors' pages). A search for it must find that lesson."""
    def words(path: Path) -> dict[str, int]:
        counts: dict[str, int] = {}
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown" and "gdla-generated" not in cell.get("metadata", {}).get("tags", []):
                prose = _MATH.sub(" ", _CODE.sub(" ", cell.source))  # words a reader would type
                for word in re.findall(r"\b[a-z]{7,}\b", prose):
                    counts[word] = counts.get(word, 0) + 1
        return counts
    own = words(nbtools.NOTEBOOKS / name)
    others = (ROOT / "README.md").read_text(encoding="utf-8").lower() + "".join(
        (cell.source + json.dumps(cell.get("outputs", []), ensure_ascii=False)).lower()
        for p in nbtools.notebooks() if p.name != name for cell in nbformat.read(p, as_version=4).cells)
    return max((w for w in own if w[:6] not in others), key=lambda w: (own[w], w))


@pytest.mark.parametrize("name", nbtools.ORDER)
def test_search_finds_each_lesson(browser, servers, name):
    """search.html?q=WORD, served over http as from any static host: Pagefind's results link the
    lesson whose prose has the word (and the links resolve relative to the site's folder)."""
    origin = servers["real"]
    word = distinctive_word(name)
    context, page, log, _ = _open(browser, f"{origin}search.html?q={word}", origin, DESKTOP)
    try:
        page.wait_for_selector(".pagefind-ui__result-link", timeout=30_000)
        links = page.evaluate("() => [...document.querySelectorAll('.pagefind-ui__result-link')].map(a => a.href)")
        page_url = origin + f"{Path(name).stem}.html"
        assert any(link.split("#")[0] == page_url for link in links), f"searched {word!r}: {links}"
        violations = axe_violations(page)  # the page with its results shown
        assert not violations, f"search results: axe-core finds serious/critical violations: {violations}"
        assert log == {"offsite": [], "errors": [], "failed": []}, log
        print(f"\nsearch for {word!r}: {len(links)} result(s), {Path(name).stem} among them")
    finally:
        context.close()


def test_search_says_what_to_do_from_a_file(browser, sites):
    """Opened as a file (file://) the browser cannot load the index: the page says to serve the site."""
    folder, _ = sites["real"]
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto((folder / "search.html").as_uri())
        assert page.locator("#gdla-search-file").is_visible()
        assert "http.server" in page.inner_text("#gdla-search-file")
    finally:
        context.close()


def _pdf_text(path: Path) -> tuple[int, str]:
    from pypdf import PdfReader

    reader = PdfReader(path)
    return len(reader.pages), "\n".join(p.extract_text() or "" for p in reader.pages)


RAW_TEX = ("\\frac", "\\sigma", "\\nabla", "\\begin{", "\\mathbf", "\\|", "$$")


def _figure_titles(name: str) -> list[str]:
    """The titles of the figures a lesson prints (solutions are not printed), whitespace removed."""
    nb = nbformat.read(nbtools.NOTEBOOKS / name, as_version=4)
    titles = []
    for cell in nb.cells:
        if "solution" in cell.get("metadata", {}).get("tags", []):
            continue
        for output in cell.get("outputs", []):
            spec = output.get("data", {}).get(PLOTLY_MIME)
            if spec:
                title = spec.get("layout", {}).get("title", "")
                titles.append(re.sub(r"\s+", "", title.get("text", "") if isinstance(title, dict) else title))
    return titles


def _print_without_figures(browser, origin: str, page_name: str, target: Path) -> None:
    """The lesson page printed as the build prints it, but with plotly.min.js refused: what the PDF
    would hold if no figure were drawn (the code that sets a title, a caption, the prose)."""
    context = browser.new_context(viewport=build_site.PRINT_VIEWPORT)
    try:
        context.route("**/*", lambda r: r.abort() if "plotly" in r.request.url or not r.request.url.startswith(origin)
                      else r.continue_())
        page = context.new_page()
        page.goto(origin + page_name, wait_until="load")
        with contextlib.suppress(Exception):  # MathJax changes no figure title; wait as the build does
            page.wait_for_function("document.documentElement.dataset.mathDone === '1'", timeout=60_000)
        assert page.evaluate("document.querySelectorAll('.js-plotly-plot .main-svg').length") == 0
        page.emulate_media(media="print")
        page.pdf(path=str(target), **build_site.pdf_options("control"))
    finally:
        context.close()


@pytest.mark.parametrize("name", nbtools.ORDER)
def test_each_lesson_has_a_pdf_with_every_figure_and_typeset_math(sites, browser, servers, tmp_path, name):
    """pdf/<lesson>.pdf, linked from the lesson page, has every figure drawn and no formula left as
    TeX source (printed before MathJax finished, `\\frac`, `\\sigma`... show).

    A figure counts as drawn when its title occurs in the PDF's text more often than in the same page
    printed with plotly refused (there the title is found only where the code that sets it, or the
    prose, has it): for each title, real − control ≥ the number of figures with that title."""
    folder, _ = sites["real"]
    stem = Path(name).stem
    pdf = folder / "pdf" / f"{stem}.pdf"
    assert pdf.is_file(), "the site was built without its PDFs (is Chromium installed?)"
    assert f'href="pdf/{stem}.pdf"' in (folder / f"{stem}.html").read_text(encoding="utf-8")
    pages, text = _pdf_text(pdf)
    titles = _figure_titles(name)
    assert titles and all(titles), f"{name}: every figure needs a title to be found in the PDF"
    control = tmp_path / f"{stem}-no-figures.pdf"
    _print_without_figures(browser, servers["real"], f"{stem}.html", control)
    flat, flat_control = re.sub(r"\s+", "", text), re.sub(r"\s+", "", _pdf_text(control)[1])
    undrawn = {t: (flat.count(t), flat_control.count(t)) for t in set(titles)
               if flat.count(t) - flat_control.count(t) < titles.count(t)}
    assert not undrawn, (f"{pdf.name} ({pages} pages): figures not drawn, {{title: (found in the PDF, "
                         f"found with no figure drawn)}}: {undrawn}")
    raw = [tex for tex in RAW_TEX if tex in text]
    assert not raw, f"{pdf.name}: formulas printed as TeX source ({raw}): MathJax had not finished"
    print(f"\n{pdf.name}: {pages} pages, {pdf.stat().st_size / 1e6:.2f} MB, {len(titles)} figures drawn")


def test_search_and_print_add_little(sites):
    """The search index and the PDFs add at most 10 MB (the site's 30 MB cap holds: above)."""
    folder, _ = sites["real"]
    added = (build_site.site_size(folder / "pagefind") + build_site.site_size(folder / "pdf")) / 1e6
    print(f"\nsearch index + PDFs: {added:.1f} MB; they took {SEARCH_AND_PRINT['search s']:.1f} s + "
          f"{SEARCH_AND_PRINT['PDFs s']:.1f} s of the build (the budget, 60 s, is "
          f"benchmarked, not asserted); the whole build {SEARCH_AND_PRINT['build s']:.0f} s")
    assert added <= ADDED_LIMIT_MB
