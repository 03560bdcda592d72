"""Break what tests/test_site.py's print test guards, to show that it fails (a pytest plugin, not a test).

    GDLA_SITE_FAULT=undrawn PYTHONPATH=tests python -m pytest -p _site_faults tests/test_site.py -k pdf   # must fail
    GDLA_SITE_FAULT=raw-tex ...   # lesson 01's PDF printed before MathJax typeset anything
    GDLA_SITE_FAULT=unindexed PYTHONPATH=tests python -m pytest -p _site_faults tests/test_site.py -k search
                                  # lesson 01 left out of the search index: searching its word must fail

After the site is built, lesson 01's PDF is printed again, with the build's options, from a page that
refuses plotly.min.js (undrawn: no figure drawn, the code and prose as before) or MathJax (raw-tex);
or the search index is built again without lesson 01's page (unindexed). Only what the test is given
changes, never the test's assertions.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading

import pytest

FAULTS = {"undrawn": "plotly", "raw-tex": "mathjax", "unindexed": None}


def _unindex(folder, stem: str) -> None:
    import build_site

    page = folder / f"{stem}.html"
    page.write_text(page.read_text(encoding="utf-8").replace("data-pagefind-body", ""), encoding="utf-8")
    shutil.rmtree(folder / "pagefind")  # a fresh index, as a build writes it
    build_site.index_for_search(folder)  # Pagefind indexes only pages with data-pagefind-body


def _reprint(folder, stem: str, refused: str) -> None:
    import build_site
    from playwright.sync_api import sync_playwright

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=build_site.pdf_browser(), headless=True,
                                        args=build_site.CHROMIUM_FLAGS)
            page = browser.new_page(viewport=build_site.PRINT_VIEWPORT)
            page.route("**/*", lambda r: r.abort() if refused in r.request.url.lower() else r.continue_())
            page.goto(f"{origin}{stem}.html", wait_until="load")
            page.wait_for_timeout(3000)
            page.emulate_media(media="print")
            page.pdf(path=str(folder / "pdf" / f"{stem}.pdf"), **build_site.pdf_options(stem))
            browser.close()
    finally:
        server.shutdown()
        server.server_close()


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef, request):
    outcome = yield
    fault = os.environ.get("GDLA_SITE_FAULT", "")
    if fixturedef.argname != "sites" or outcome.excinfo is not None:
        return
    if fault not in FAULTS:
        raise pytest.UsageError(f"GDLA_SITE_FAULT must be one of {sorted(FAULTS)}, not {fault!r}")
    folder, stem = outcome.get_result()["real"][0], request.module.nbtools.ORDER[0].removesuffix(".ipynb")
    if fault == "unindexed":
        _unindex(folder, stem)
    else:
        _reprint(folder, stem, FAULTS[fault])
