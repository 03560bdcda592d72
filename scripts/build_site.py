#!/usr/bin/env python3
"""Build the course website (static HTML) from the notebooks' stored outputs, offline.

    python scripts/build_site.py                       # -> build/site/ (the README's `course.py site`)
    python scripts/build_site.py --out DIR --notebooks A.ipynb B.ipynb   # other notebooks, for tests

Nothing is executed and notebooks/ is never written: each notebook is read into memory (a temporary
copy) where
  - every stored plotly figure (`application/vnd.plotly.v1+json`) gets its HTML form, which draws it
    with the site's own copy of plotly.min.js (from the installed plotly package, no CDN);
  - badge images and other external images become plain text links (the site requests nothing from
    other hosts), links between notebooks point at their pages, links to other repository files at
    GitHub;
  - images from the notebook's folder and attachments are embedded in the page (data: URIs);
  - the generated badge/navigation cells and the Colab install cell are left out (the site has its
    own header, launch links and previous/next navigation);
then nbconvert renders it with the course's template (site/templates/gdla: solutions stay collapsed
in <details>). Math is typeset in the browser by MathJax 2.7, served from the site (the files come
from the pinned PyPI package jupyter-server-mathjax). The build fails if a page would still load
anything from another host.

Search: Pagefind (PyPI `pagefind`, a pinned dev requirement) indexes the built pages' main content
into pagefind/ (under 1 MB); search.html searches it in the browser. It works from any static host
and from `python3 -m http.server`, not from a page opened as a file (file://: the browser does not
fetch the index; the search page says so).
Print: each lesson is printed to pdf/<lesson>.pdf by headless Chromium (Playwright, as the site's
browser test drives it) once its figures are drawn and its math typeset, with the site's print
stylesheet (no header, buttons or solutions); the lesson page links it. Without Chromium the build
says so loudly and leaves the PDFs and their links out (GDLA_REQUIRE_BROWSER=1 makes that an error;
the Pages workflow sets it); `--no-pdf` leaves them out on purpose.
"""

from __future__ import annotations

import argparse
import base64
import copy
import html
import mimetypes
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
import nbtools  # noqa: E402  (the course's notebook order and repository URL)

SITE_SOURCES = ROOT / "site"
TEMPLATES = SITE_SOURCES / "templates"
DEFAULT_OUT = ROOT / "build" / "site"
TITLE = "Gradient Descent Linear Algebra"
PLOTLY_MIME = "application/vnd.plotly.v1+json"
DROPPED_CELLS = {"nav-header", "nav-footer", "colab-setup"}  # generated cells the site replaces
MATHJAX_LEFT_OUT = ("extensions/a11y", "jax/output/SVG", "localization")  # unused: math menu off
FIGURE_HEIGHT = 450  # plotly's default, used when a figure sets none

# Elements that make the browser fetch something, with an absolute or protocol-relative URL.
EXTERNAL_FETCH = re.compile(
    r"<(?:script|img|iframe|source|video|audio|embed|input)\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//"
    r"|<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//|url\(\s*[\"']?(?:https?:)?//|@import\s+[\"']?(?:https?:)?//",
    re.IGNORECASE)
IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
A_HREF = re.compile(r"(<a\b[^>]*?\bhref\s*=\s*)\"([^\"]*)\"", re.IGNORECASE)


# --- what a notebook says about itself ------------------------------------------------------------

def _tags(cell) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def notebook_title(nb, fallback: str) -> str:
    """The first `# ` heading of the first Markdown cell."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
            break
    return fallback


def notebook_hook(nb) -> str:
    """The title cell's text below the title (the lesson's two-line hook), as Markdown."""
    first = next((c for c in nb.cells if c.cell_type == "markdown"), None)
    if first is None:
        return ""
    lines = first.source.splitlines()
    return "\n".join(line for line in lines if not line.startswith("# ")).strip()


def notebook_objectives(nb) -> str:
    """The `## Learning objectives` cell (bullets, prerequisites, time) without its heading."""
    for cell in nb.cells:
        if cell.cell_type == "markdown" and re.search(r"^##\s+Learning objectives", cell.source, re.M):
            body = re.sub(r"^##\s+Learning objectives\s*$", "", cell.source, count=1, flags=re.M)
            return "#### Learning objectives\n\n" + body.strip()
    return ""


def readme_sections(readme: str) -> dict[str, str]:
    """The README's lesson sections (`<!-- lesson-0N -->` ... `<!-- /lesson-0N -->`), headings dropped."""
    sections = {}
    for number, body in re.findall(r"<!-- lesson-(\d+) -->(.*?)<!-- /lesson-\1 -->", readme, re.S):
        sections[number] = re.sub(r"^#{1,6} .*$", "", body, flags=re.M).strip()
    return sections


def readme_section(readme: str, heading: str) -> str:
    """The body of the README's `## heading` section, up to the next `## ` heading."""
    match = re.search(rf"^## {re.escape(heading)}[ \t]*\n(.*?)(?=^## |\Z)", readme, re.M | re.S)
    return match.group(1).strip() if match else ""


def notebook_time(nb) -> str:
    """What the notebook's `**Estimated time:**` line says (without the label and the rule, which
    the instructors' page states once under the table)."""
    for cell in nb.cells:
        match = re.search(r"\*\*Estimated time:\*\*\s*(.+?)(?:\n\s*\n|\Z)", cell.source, re.S)
        if cell.cell_type == "markdown" and match:
            text = re.sub(r"\s*\(The course's rule:.*?\)\s*$", "", match.group(1), flags=re.S)
            return " ".join(text.split())
    return ""


def notebook_exercises(nb) -> int:
    """How many exercise scaffolds (`name = None  # your code`) the notebook has."""
    return sum(bool(nbtools.SCAFFOLD.search(c.source))
               for c in nb.cells if c.cell_type == "code")


def readme_paragraph(readme: str, starts: str) -> str:
    """The README paragraph that starts with `starts` (empty if there is none)."""
    for paragraph in re.split(r"\n\s*\n", readme):
        if paragraph.strip().startswith(starts):
            return paragraph.strip()
    return ""


# --- the temporary copy of a notebook -------------------------------------------------------------

# A deep dive (optional section): its cells carry the tag deep-dive (nbconvert gives each the class
# celltag_deep-dive, which gdla.css marks); its heading cell gets this label above the heading.
DEEP_DIVE_LABEL = '<p class="gdla-deep-dive-label">Deep dive — optional</p>'


def figure_html(spec: dict, div_id: str) -> str:
    """The HTML form of one stored plotly figure, drawn by the page's plotly.min.js.

    The figure's own width is dropped (it follows the column, so it fits a phone) and the config
    makes it redraw when the window changes size.
    """
    import plotly.io as pio

    figure = {key: copy.deepcopy(spec[key]) for key in ("data", "layout", "frames") if key in spec}
    layout = figure.setdefault("layout", {})
    layout.pop("width", None)
    layout["autosize"] = True
    height = layout.get("height") or FIGURE_HEIGHT
    config = {**spec.get("config", {}), "responsive": True, "displaylogo": False}
    config.pop("plotlyServerURL", None)
    body = pio.to_html(figure, config=config, include_plotlyjs=False, include_mathjax=False,
                       full_html=False, default_width="100%", default_height=f"{height}px",
                       validate=False, div_id=div_id)
    alt = layout.get("meta", {}).get("alt") if isinstance(layout.get("meta"), dict) else None
    # role="figure", not "img": an image may not hold the controls plotly draws (axe: nested-interactive)
    label = f' role="figure" aria-label="{html.escape(alt, quote=True)}"' if alt else ""
    return f'<div class="gdla-figure"{label}>{body}</div>'


CODE = re.compile(r"(^```.*?^```|^~~~.*?^~~~|`[^`\n]*`)", re.M | re.S)  # fences and code spans


def escape_dollars(markdown: str) -> str:
    """An escaped dollar (\\$) outside code stays a plain dollar sign, never a math delimiter."""
    parts = CODE.split(markdown)
    for i in range(0, len(parts), 2):  # even parts are outside code
        parts[i] = parts[i].replace("\\$", '<span class="gdla-dollar">&#36;</span>')
    return "".join(parts)


def site_copy(nb, stem: str):
    """A copy of nb ready for the site: figures as HTML, generated cells left out. nb is untouched."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = escape_dollars(cell.source)
            if "deep-dive" in _tags(cell) and nbtools.DEEP_DIVE.match(cell.source.lstrip()):
                cell.source = DEEP_DIVE_LABEL + "\n\n" + cell.source.lstrip()
    nb.cells = [c for c in nb.cells
                if not ("gdla-generated" in _tags(c) and DROPPED_CELLS & set(_tags(c)))]
    figures = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if PLOTLY_MIME in data:
                figures += 1
                html_form = figure_html(data.pop(PLOTLY_MIME), f"fig-{stem}-{figures}")
                data.clear()  # the HTML form replaces every other representation (text/plain too)
                data["text/html"] = html_form
    return nb, figures


def rewrite_page(text: str, pages: dict[str, str], repo_blob: str,
                 image_dir: Path | None = None) -> str:
    """Make the rendered HTML self-contained: no external images, links to pages, not .ipynb files.

    Images: from another host -> their alt text; from the notebook's folder (image_dir) -> embedded.
    pages maps notebook file names (and README.md) to page names. Relative links are read as in
    notebooks/: to another lesson or the README -> its page; to another file of the repository ->
    that file on GitHub; anything else (a site page, _static/, a typo) stays as it is, so that the
    browser test reports a link that leads nowhere.
    """
    own = set(pages.values())

    def image(match: re.Match) -> str:
        tag = match.group(0)
        src = re.search(r"\bsrc\s*=\s*\"([^\"]*)\"", tag)
        if not src or src.group(1).startswith(("data:", "_static/")):
            return tag
        if not re.match(r"(?:https?:)?//", src.group(1)):  # a file beside the notebook: embed it
            path = (image_dir or ROOT / "notebooks") / urllib.parse.unquote(html.unescape(src.group(1)))
            mime = mimetypes.guess_type(path.name)[0]
            if not (path.is_file() and mime and mime.startswith("image/")):
                return tag  # left as it is: the browser test reports the missing file
            data = base64.b64encode(path.read_bytes()).decode()
            return tag.replace(src.group(0), f'src="data:{mime};base64,{data}"')
        alt = re.search(r"\balt\s*=\s*\"([^\"]*)\"", tag)
        label = alt.group(1) if alt and alt.group(1) else "image"
        return f'<span class="gdla-external-image">{label}</span>'

    def link(match: re.Match) -> str:
        prefix, href = match.group(1), html.unescape(match.group(2))
        if re.match(r"^(?:[a-z][a-z0-9+.-]*:|//|#)", href, re.I):  # absolute, scheme or anchor
            return match.group(0)
        path, _, anchor = href.partition("#")
        name = path.rsplit("/", 1)[-1]
        anchor = f"#{anchor}" if anchor else ""
        if not path or path in own or path.startswith("_static/"):
            return match.group(0)
        if name in pages:
            return f'{prefix}"{html.escape(pages[name] + anchor)}"'
        target = (ROOT / "notebooks" / urllib.parse.unquote(path)).resolve()
        if target.exists() and target.is_relative_to(ROOT):
            github = f"{repo_blob}/{target.relative_to(ROOT).as_posix()}{anchor}"
            return f'{prefix}"{html.escape(github)}"'
        return match.group(0)

    return A_HREF.sub(link, IMG_TAG.sub(image, text))


# --- the site --------------------------------------------------------------------------------------

def copy_assets(out: Path) -> None:
    """_static/: the course's look, plotly.js from the plotly package, MathJax, JupyterLab's CSS."""
    import jupyter_server_mathjax
    import plotly
    from nbconvert.exporters.html import HTMLExporter  # noqa: F401  (its templates ship with it)
    from pygments.formatters import HtmlFormatter

    static = out / "_static"
    static.mkdir(parents=True)
    for name in ("gdla.css", "logo.svg"):
        shutil.copy2(SITE_SOURCES / name, static / name)
    shutil.copy2(Path(plotly.__file__).parent / "package_data" / "plotly.min.js", static / "plotly.min.js")
    mathjax = Path(jupyter_server_mathjax.__file__).parent / "static"
    shutil.copytree(mathjax, static / "mathjax", ignore=lambda d, names: [
        n for n in names if (Path(d) / n).relative_to(mathjax).as_posix() in MATHJAX_LEFT_OUT])
    lab = Path(sys.prefix) / "share" / "jupyter" / "nbconvert" / "templates" / "lab" / "static"
    (static / "jupyterlab.css").write_text(
        (lab / "index.css").read_text(encoding="utf-8") + "\n"
        + (lab / "theme-light.css").read_text(encoding="utf-8"), encoding="utf-8")
    (static / "pygments.css").write_text(
        HtmlFormatter(style="default").get_style_defs(".highlight"), encoding="utf-8")


def _git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "a local checkout"


def lesson_info(paths: list[Path], notebooks: dict[str, object], readme: str) -> list[dict]:
    """Title, page, hook, objectives and launch links of each lesson, in course order."""
    import nbconvert.filters as filters

    url = nbtools.repository_url()
    owner_repo = url.split("github.com/")[1]
    sections = readme_sections(readme)
    lessons = []
    for i, path in enumerate(paths):
        nb = notebooks[path.name]
        number = f"{i + 1:02d}"
        objectives = notebook_objectives(nb) or sections.get(number, "")
        hook = notebook_hook(nb)
        lessons.append({
            "name": path.name, "stem": path.stem, "page": f"{path.stem}.html", "number": number,
            "of": len(paths), "title": notebook_title(nb, path.stem),
            "hook_md": hook, "objectives_md": objectives,
            "hook_html": filters.markdown2html(hook), "objectives_html": filters.markdown2html(objectives),
            "binder": f"https://mybinder.org/v2/gh/{owner_repo}/main?urlpath=lab/tree/notebooks/{path.name}",
            "colab": f"https://colab.research.google.com/github/{owner_repo}/blob/main/notebooks/{path.name}",
            "github": f"{url}/blob/main/notebooks/{path.name}",
            "time": notebook_time(nb), "exercises": notebook_exercises(nb),
        })
    return lessons


def landing_markdown(site: dict) -> list[str]:
    """Every piece of Markdown the landing page renders (the browser test counts its formulas)."""
    parts = [site["tagline_md"], site["audience_md"], site["run_md"]]
    for lesson in site["lessons"]:
        parts += [lesson["hook_md"], lesson["objectives_md"]]
    return parts


def site_context(lessons: list[dict], readme: str) -> dict:
    import nbconvert.filters as filters

    url = nbtools.repository_url()
    tagline = readme_paragraph(readme, "**An open course") or \
        "An open course in three Jupyter notebooks on PyTorch's autograd and gradient descent."
    audience = readme_paragraph(readme, "**Who it is for:**")
    run = ("**Run it yourself:** `python3 scripts/course.py lab` in a clone of the repository sets "
           "everything up and opens the lessons in JupyterLab (see the README).")
    return {
        "title": TITLE, "lessons": lessons, "repository": url, "built": f"commit {_git_commit()}",
        "binder": f"https://mybinder.org/v2/gh/{url.split('github.com/')[1]}/main?urlpath=lab/tree/notebooks",
        "tagline_md": tagline, "audience_md": audience, "run_md": run,
        "tagline_html": filters.markdown2html(tagline), "audience_html": filters.markdown2html(audience),
        "run_html": filters.markdown2html(run),
    }


def instructors_context(readme: str) -> dict:
    """The instructors' page: the README's `For instructors` section around the nbgitpuller link,
    which the page turns into a field that fills in `<your-hub>`."""
    import nbconvert.filters as filters

    body = readme_section(readme, "For instructors")
    before, _, rest = body.partition("<!-- nbgitpuller-link -->")
    _, _, after = rest.partition("<!-- /nbgitpuller-link -->")
    return {"before_md": before, "after_md": after, "link": nbtools.nbgitpuller_link(),
            "placeholder": nbtools.HUB_PLACEHOLDER, "time_rule": nbtools.TIME_RULE,
            "before_html": filters.markdown2html(before), "after_html": filters.markdown2html(after)}


def check_self_contained(out: Path) -> None:
    """Fail the build if any page or stylesheet would fetch something from another host."""
    for path in sorted(out.glob("*.html")) + [out / "_static" / n for n in
                                               ("gdla.css", "jupyterlab.css", "pygments.css")]:
        match = EXTERNAL_FETCH.search(path.read_text(encoding="utf-8"))
        if match:
            raise SystemExit(f"{path.relative_to(out)} would load {match.group(0)!r} from another "
                             "host; the site must be self-contained (see scripts/build_site.py)")


def build(out: Path = DEFAULT_OUT, paths: list[Path] | None = None, pdf: bool = True) -> dict:
    """Build the site into out (replaced), its search index and (pdf=True) the lessons' PDFs.

    Returns {page: number of figures}."""
    import jinja2
    import nbformat
    from nbconvert import HTMLExporter

    paths = [Path(p).resolve() for p in (paths or nbtools.notebooks())]
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    copy_assets(out)
    readme_path = ROOT / "README.md"
    readme = readme_path.read_text(encoding="utf-8") if readme_path.exists() else ""
    notebooks = {p.name: nbformat.read(p, as_version=4) for p in paths}
    lessons = lesson_info(paths, notebooks, readme)
    chromium = pdf_browser() if pdf else None
    for lesson in lessons:
        lesson["pdf"] = f"pdf/{lesson['stem']}.pdf" if chromium else None
    site = site_context(lessons, readme)
    pages = {lesson["name"]: lesson["page"] for lesson in lessons} | {"README.md": "index.html"}
    repo_blob = f"{site['repository']}/blob/main"

    exporter = HTMLExporter(template_name="gdla", extra_template_basedirs=[str(TEMPLATES)],
                            exclude_input_prompt=True, exclude_output_prompt=True)
    # (not nbconvert's embed_images: it re-parses each HTML block and so closes a <details> that
    # the Markdown opens before the blank line of its answer, leaving the answer outside.)
    figures = {}
    for i, (path, lesson) in enumerate(zip(paths, lessons, strict=True)):
        nb, figures[lesson["page"]] = site_copy(notebooks[path.name], path.stem)
        resources = {"metadata": {"name": lesson["title"], "path": str(path.parent)},
                     "gdla": {"site": site, "lesson": lesson, "figures": figures[lesson["page"]],
                              "prev": lessons[i - 1] if i > 0 else None,
                              "next": lessons[i + 1] if i + 1 < len(lessons) else None}}
        body, _ = exporter.from_notebook_node(nb, resources=resources)
        (out / lesson["page"]).write_text(rewrite_page(body, pages, repo_blob, path.parent),
                                          encoding="utf-8")

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES / "gdla"), autoescape=False)
    landing = env.get_template("landing.html.j2").render(site=site)
    (out / "index.html").write_text(rewrite_page(landing, pages, repo_blob), encoding="utf-8")
    teach = env.get_template("instructors.html.j2").render(site=site, page=instructors_context(readme))
    (out / "instructors.html").write_text(rewrite_page(teach, pages, repo_blob), encoding="utf-8")
    search = env.get_template("search.html.j2").render(site=site)
    (out / "search.html").write_text(rewrite_page(search, pages, repo_blob), encoding="utf-8")
    (out / ".nojekyll").write_text("")  # GitHub Pages: serve _static/ as it is
    check_self_contained(out)
    start = time.perf_counter()
    index_for_search(out)
    searched = time.perf_counter()
    if chromium:
        print_pdfs(out, lessons, figures, chromium)
    done = time.perf_counter()
    # what search and print add to the build (the budget: 60 s together); tests read this line
    print(f"search index {searched - start:.1f} s, PDFs {done - searched:.1f} s"
          + ("" if chromium else " (not printed)"), flush=True)
    return figures


def index_for_search(out: Path) -> None:
    """Pagefind's index of every page's main content (data-pagefind-body) -> out/pagefind/."""
    try:
        import pagefind  # noqa: F401  (the PyPI package that ships the pagefind binary)
    except ImportError:
        raise SystemExit("the site's search needs Pagefind: pip install -r requirements-dev.txt "
                         "(or `python3 scripts/course.py site`, which does)") from None
    done = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(out), "--quiet"],
                          capture_output=True, text=True, timeout=300)
    if done.returncode != 0 or not (out / "pagefind" / "pagefind-ui.js").exists():
        raise SystemExit(f"pagefind failed ({done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-2000:]}")


CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
PRINT_VIEWPORT = {"width": 794, "height": 1123}  # an A4 page at 96 dpi: figures are laid out for it


def pdf_options(title: str) -> dict:
    """Playwright's page.pdf options for a lesson: A4, margins, the title and page number below."""
    return {"format": "A4", "print_background": True,
            "margin": {"top": "14mm", "bottom": "14mm", "left": "12mm", "right": "12mm"},
            "display_header_footer": True, "header_template": "<span></span>",
            "footer_template": ('<div style="font-size:8px;width:100%;text-align:center">'
                                f'{html.escape(title)} · <span class="pageNumber"></span>'
                                ' / <span class="totalPages"></span></div>')}


def pdf_browser() -> str | None:
    """Chromium's path for printing the PDFs ($GDLA_CHROMIUM, else Debian's), or None with a loud note."""
    candidates = [os.environ.get("GDLA_CHROMIUM", ""), "/usr/bin/chromium", "/usr/bin/chromium-browser",
                  shutil.which("chromium") or "", shutil.which("google-chrome") or ""]
    path = next((c for c in candidates if c and os.access(c, os.X_OK)), None)
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        path = None
    if path is None:
        message = ("NO PDFs: printing the lessons needs Chromium and Playwright (Debian: apt-get install -y "
                   "chromium; or set GDLA_CHROMIUM); the site is built without its PDFs")
        if os.environ.get("GDLA_REQUIRE_BROWSER") == "1":
            raise SystemExit(message + " (GDLA_REQUIRE_BROWSER=1 says they are required)")
        print(message, file=sys.stderr, flush=True)
    return path


def print_pdfs(out: Path, lessons: list[dict], figures: dict, chromium: str) -> dict[str, int]:
    """Print each lesson page to out/pdf/<lesson>.pdf with headless Chromium, once every figure is
    drawn and MathJax is done (served over http: MathJax's fonts do not load from file://).
    Returns {pdf file: bytes}."""
    import functools
    import http.server

    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    (out / "pdf").mkdir(exist_ok=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}/"
    written = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_FLAGS)
            try:
                for lesson in lessons:  # one at a time: overlapping them was no faster on 2 busy cores
                    page = browser.new_page(viewport=PRINT_VIEWPORT)
                    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(origin) else r.abort())
                    page.goto(origin + lesson["page"], wait_until="load")
                    page.wait_for_function("document.documentElement.dataset.mathDone === '1'", timeout=300_000)
                    expected = figures[lesson["page"]]
                    page.wait_for_function(
                        "n => [...document.querySelectorAll('.js-plotly-plot')]"
                        ".filter(g => g.querySelector('.main-svg')).length >= n", arg=expected, timeout=120_000)
                    errors = page.evaluate("document.querySelectorAll('.MathJax_Error, .MathJax .merror').length")
                    if errors:
                        raise SystemExit(f"{lesson['page']}: {errors} formula(s) MathJax could not typeset")
                    page.emulate_media(media="print")
                    target = out / lesson["pdf"]
                    page.pdf(path=str(target), **pdf_options(lesson["title"]))
                    written[target.name] = target.stat().st_size
                    page.close()
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return written


def site_size(out: Path) -> int:
    return sum(p.stat().st_size for p in out.rglob("*") if p.is_file())


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (replaced)")
    parser.add_argument("--notebooks", type=Path, nargs="+", help="notebooks in lesson order "
                        "(default: the course's three, from notebooks/)")
    parser.add_argument("--no-pdf", action="store_true", help="leave out the lessons' PDFs (no Chromium needed)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    figures = build(args.out.resolve(), args.notebooks, pdf=not args.no_pdf)
    seconds = time.perf_counter() - start
    pdfs = sorted((args.out / "pdf").glob("*.pdf")) if (args.out / "pdf").exists() else []
    print(f"site built in {seconds:.1f} s: {args.out} ({site_size(args.out) / 1e6:.1f} MB, "
          f"{len(list(args.out.glob('*.html')))} pages, {sum(figures.values())} figures, search index "
          f"{site_size(args.out / 'pagefind') / 1e6:.1f} MB, {len(pdfs)} PDFs "
          f"{sum(p.stat().st_size for p in pdfs) / 1e6:.1f} MB)")
    print(f"view it: python3 -m http.server --directory {args.out} 8000   (then open "
          "http://127.0.0.1:8000/)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
