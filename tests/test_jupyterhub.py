"""A class on JupyterHub: two students follow the class's nbgitpuller link and run lesson 01.

A real JupyterHub (PyPI `jupyterhub`, the 5.5.4 that binder/requirements.txt puts into the image)
on 127.0.0.1, with the dummy authenticator, the simple local-process spawner (homes under the test's
temporary folder) and `configurable-http-proxy` from npm (tests/hub/package.json, `npm ci`). The
instructor's repository (a clone of this one, from a local path) has a branch for the term holding
the student edition (scripts/student.py), and the class link pulls that branch. Headless Chromium
logs in as two students; each follows the link, lands in JupyterLab with notebook 01 of the student
edition (its banner shown, no solution cell and no quiz answer in any pulled notebook) and runs it
to the end. Then the term branch changes and student A follows the link a second time: new and
untouched files arrive, and on the file both changed the student's version wins. Every process is
started and stopped here, by PID.

That it can fail: `GDLA_HUB_FAULT=link|error|lost-edit|solutions PYTHONPATH=tests python -m pytest -p _hub_faults
tests/test_jupyterhub.py` runs it with a broken nbgitpuller link, a notebook cell that raises in the
students' sessions, a pull that loses the student's edit, or the instructors' notebooks on the term branch
(tests/_hub_faults.py); each must fail.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from _browser import CHROMIUM_FLAGS, LAB_SETTINGS, SCREENSHOTS, free_port, require_chromium
from test_browser import PAGE_SCRIPT, RUN_OVER_JS, VIEWPORT, run_record

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import nbtools  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]
HUB_DIR = ROOT / "tests" / "hub"
PROXY = HUB_DIR / "node_modules" / ".bin" / "configurable-http-proxy"
NOTEBOOK = nbtools.ORDER[0]
SHOTS = SCREENSHOTS / "jupyterhub"
PASSWORD = "class-of-2026"
TERM_BRANCH = "student-2027-spring"  # the branch an instructor publishes the student edition to


def _requirements() -> tuple[str, str]:
    chromium = require_chromium()
    hub = shutil.which("jupyterhub", path=str(Path(sys.executable).parent))
    missing = []
    if hub is None:
        missing.append("jupyterhub (python3 scripts/course.py setup --dev)")
    if not PROXY.exists():
        missing.append(f"configurable-http-proxy (npm ci --prefix {HUB_DIR.relative_to(ROOT)})")
    if missing:
        message = "JUPYTERHUB TEST NOT RUN: missing " + ", ".join(missing)
        if os.environ.get("GDLA_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return chromium, hub


def _git(*args, cwd: Path) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="Instructor", GIT_AUTHOR_EMAIL="i@example.org",
               GIT_COMMITTER_NAME="Instructor", GIT_COMMITTER_EMAIL="i@example.org")
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def _make_upstream(tmp: Path) -> Path:
    """The instructor's repository: a clone of this one (nbgitpuller clones it from a local path) with
    the student edition published, as the README says, to a branch of its own for the term."""
    upstream = tmp / "gdla-course"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(upstream)], check=True)
    edition = tmp / "student-edition"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "student.py"), str(edition), "--branch", TERM_BRANCH],
                   check=True, capture_output=True)
    _git("checkout", "-q", "--orphan", TERM_BRANCH, cwd=upstream)
    _git("rm", "-rqf", ".", cwd=upstream)
    shutil.copytree(edition, upstream, dirs_exist_ok=True)
    _git("add", "-A", cwd=upstream)
    _git("commit", "-qm", "student edition for the term", cwd=upstream)
    return upstream


def _title(text: str) -> str:
    return text.splitlines()[0]


def _upstream_moves_on(upstream: Path) -> None:
    """A new file, a change to a file the student did not touch, and a change to the very line the
    student edited (the README's title)."""
    (upstream / "NEW_LESSON.md").write_text("A new lesson.\n")
    (upstream / "LICENSE").write_text((upstream / "LICENSE").read_text() + "\nUpdated.\n")
    readme_up = upstream / "README.md"
    text = readme_up.read_text()
    readme_up.write_text(text.replace(_title(text), "# Gradient Descent Linear Algebra, 2nd ed.", 1))
    _git("commit", "-qam", "upstream changes", cwd=upstream)
    _git("add", "NEW_LESSON.md", cwd=upstream)
    _git("commit", "-qm", "a new lesson", cwd=upstream)


def _config(tmp: Path, port: int, environment: dict[str, str] | None = None) -> Path:
    """The test hub's jupyterhub_config.py; `environment` adds to every single-user server's."""
    settings = tmp / "lab-settings"
    for plugin, values in LAB_SETTINGS.items():
        path = settings / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(repr(values).replace("'", '"').replace("False", "false").replace("True", "true"))
    config = tmp / "jupyterhub_config.py"
    config.write_text(f"""
c = get_config()  # noqa: F821
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {free_port()}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{free_port()}"
c.ConfigurableHTTPProxy.command = [{str(PROXY)!r}]
c.JupyterHub.db_url = "sqlite:///{tmp / 'hub.sqlite'}"
c.JupyterHub.cookie_secret_file = {str(tmp / 'cookie_secret')!r}
c.JupyterHub.pid_file = {str(tmp / 'hub.pid')!r}
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {PASSWORD!r}
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {str(tmp / 'homes' / '{username}')!r}
c.Spawner.cmd = [{str(Path(sys.executable).parent / 'jupyterhub-singleuser')!r}]
c.Spawner.args = ["--allow-root"]  # the test runs as root in CI
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.environment = {{"JUPYTERLAB_SETTINGS_DIR": {str(settings)!r}, "PLOTLY_RENDERER": "", **{environment or {}!r}}}
""")
    return config


def _wait_for(url: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "JupyterHub exited while starting"
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"JupyterHub did not answer {url} within {timeout} s")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)  # the hub, its proxy and the single-user servers
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _login(browser, hub: str, user: str):
    context = browser.new_context(viewport=VIEWPORT)
    context.route(re.compile(r"^(?!https?://127\.0\.0\.1[:/]|data:|blob:|about:)"), lambda route: route.abort())
    context.add_init_script(PAGE_SCRIPT)
    page = context.new_page()
    page.goto(f"{hub}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", PASSWORD)
    page.click("#login_submit")
    page.wait_for_url(re.compile(r".*/(hub/spawn-pending|user)/.*"), timeout=120_000)
    return context, page


def _follow(page, link: str, user: str) -> None:
    """Follow the nbgitpuller link until JupyterLab shows the notebook, or fail saying where it stopped."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.goto(link)
    try:
        page.wait_for_url(re.compile(r".*/lab/tree/.*"), timeout=180_000)
        page.wait_for_function("() => window.gdlaState()?.cells > 0", timeout=120_000)
    except PlaywrightTimeout:
        page.screenshot(path=str(SHOTS / f"{user}-link-failed.png"))
        text = " ".join(page.inner_text("body").split())[-600:]
        raise AssertionError(f"{user}: the nbgitpuller link did not open the notebook in JupyterLab; "
                             f"the browser stayed at {page.url}, showing: {text}") from None


def _no_solutions(home: Path, user: str) -> list[str]:
    """What a student must not get from the class link: solution cells, quiz answers."""
    import nbformat

    problems = []
    for name in nbtools.ORDER:
        nb = nbformat.read(home / "notebooks" / name, as_version=4)
        if any("solution" in c.metadata.get("tags", []) for c in nb.cells):
            problems.append(f"{user}: {name} has solution cells")
        if any("<summary>Answer</summary>" in c.source for c in nb.cells if c.cell_type == "markdown"):
            problems.append(f"{user}: {name} has quiz answers")
    return problems


def _pull_and_run(page, link: str, user: str, home: Path) -> list[str]:
    """Follow the nbgitpuller link, then Run All; return the problems seen."""
    _follow(page, link, user)
    page.wait_for_function("() => window.gdlaState().status.endsWith('| Idle')", timeout=120_000)
    page.screenshot(path=str(SHOTS / f"{user}-1-opened.png"))
    shown = page.inner_text(".jp-NotebookPanel:not(.lm-mod-hidden)")
    problems = [] if "Student edition" in shown else [f"{user}: the notebook shown is not the student edition"]
    problems += _no_solutions(home, user)
    page.evaluate("window.gdlaWatchQueue()")
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Kernel$")).click()
    page.get_by_role("menuitem", name="Restart Kernel and Run All Cells…").click()
    page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept").click()
    page.wait_for_function(RUN_OVER_JS, timeout=300_000, polling=200)
    page.wait_for_timeout(2000)  # let plotly draw the last figures
    state = page.evaluate("window.gdlaState()")
    page.keyboard.press("Control+s")
    page.wait_for_timeout(2000)
    page.screenshot(path=str(SHOTS / f"{user}-2-ran.png"), full_page=True)
    problems += [f"{user}: error or stderr output in cell {r['cell']}: {r['text'][:200]}" for r in state["red"]]
    if state["drawn"] != state["plotly_outputs"] or not state["drawn"]:
        problems.append(f"{user}: {state['drawn']} figures drawn for {state['plotly_outputs']} plotly outputs")
    problems += [f"{user}: {p}" for p in run_record(home / "notebooks" / NOTEBOOK)]
    return problems


def test_a_class_on_jupyterhub_with_nbgitpuller(tmp_path):
    chromium, hub_exe = _requirements()
    SHOTS.mkdir(parents=True, exist_ok=True)
    upstream = _make_upstream(tmp_path)
    port = free_port()
    hub = f"http://127.0.0.1:{port}"
    link = nbtools.nbgitpuller_link(hub, repo=str(upstream), branch=TERM_BRANCH)
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    start = time.perf_counter()
    proc = subprocess.Popen([hub_exe, "-f", str(_config(tmp_path, port))], cwd=tmp_path, env=env,
                            stdout=open(tmp_path / "hub.log", "wb"), stderr=subprocess.STDOUT,
                            start_new_session=True)
    from playwright.sync_api import sync_playwright

    try:
        _wait_for(f"{hub}/hub/health", proc)
        homes = {user: tmp_path / "homes" / user / upstream.name for user in ("student-a", "student-b")}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_FLAGS)
            try:
                pages = {}
                problems = []
                for user, home in homes.items():
                    pages[user] = _login(browser, hub, user)
                    problems += _pull_and_run(pages[user][1], link, user, home)
                assert not problems, "\n".join(problems)
                # Each student has a copy of their own: B sees none of A's edits.
                readme_a = homes["student-a"] / "README.md"
                text = readme_a.read_text()
                readme_a.write_text(text.replace(_title(text), "# My notes on gdla", 1))
                assert "# My notes on gdla" not in (homes["student-b"] / "README.md").read_text()
                _upstream_moves_on(upstream)
                page_a = pages["student-a"][1]
                _follow(page_a, link, "student-a")
                page_a.screenshot(path=str(SHOTS / "student-a-3-pulled-again.png"))
                home_a = homes["student-a"]
                assert (home_a / "NEW_LESSON.md").exists(), "the new upstream file arrived"
                assert (home_a / "LICENSE").read_text().endswith("\nUpdated.\n"), "the untouched file updated"
                readme = (home_a / "README.md").read_text()
                assert "# My notes on gdla" in readme, "the student's edit survives the pull"
                assert "2nd ed." not in readme, "upstream's conflicting hunk is dropped"
                assert "2nd ed." not in (homes["student-b"] / "README.md").read_text(), "B did not pull"
                problems = _no_solutions(home_a, "student-a (second pull)")
                assert not problems, "\n".join(problems)
            finally:
                browser.close()
    finally:
        _stop(proc)
    seconds = time.perf_counter() - start
    print(f"\nJupyterHub class test: {seconds:.0f} s (hub start, two students, a pull); screenshots in {SHOTS}")
