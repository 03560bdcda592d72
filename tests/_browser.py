"""Helpers for the tests that look at the course in a real browser (marker `browser`).

    from _browser import chromium, require_chromium, JupyterLab

- `require_chromium()`: the path of Debian's Chromium, or a loud skip (a failure when the environment
  variable GDLA_REQUIRE_BROWSER=1 is set, as .ci/run does).
- `launch_chromium(playwright)` / `chromium()`: headless Chromium driven by Playwright for Python,
  with the flags this machine needs (Playwright's own browser download is not available here).
- `JupyterLab(root_dir)`: a JupyterLab server from the project's environment, on 127.0.0.1 with a
  free port and no token, using test-only settings; stopped by its own PID.

Used by tests/test_browser.py (the notebooks in JupyterLab); tests/test_site.py may reuse the launch.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "build" / "screenshots"
REQUIRE_ENV = "GDLA_REQUIRE_BROWSER"  # "1": a missing browser fails the test instead of skipping it
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_FLAGS = [
    "--no-sandbox",  # root in a container
    "--disable-gpu",
    "--disable-background-networking",  # no update checks, no safe-browsing lists ...
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# JupyterLab settings for the test only: no "fetch news?" prompt or update check (both would reach
# the network), and every cell attached to the page (JupyterLab 4 leaves off-screen cells and their
# outputs unrendered by default, so figures below the fold could not be counted).
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
}


def chromium_path() -> str | None:
    """The Chromium executable to drive: $GDLA_CHROMIUM, else Debian's, else None."""
    candidates = [os.environ.get("GDLA_CHROMIUM", ""), *CHROMIUM_CANDIDATES, shutil.which("chromium")]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


def require_chromium() -> str:
    """Chromium's path, after checking that Playwright is installed too.

    Skips the calling test with a loud reason when either is missing, or fails it when the
    environment variable GDLA_REQUIRE_BROWSER is "1" (CI sets it: there, a skip would hide a gap).
    """
    problems = []
    path = chromium_path()
    if path is None:
        problems.append("Chromium not found (Debian: `apt-get install -y chromium`, or set "
                        "GDLA_CHROMIUM to a Chrome/Chromium executable)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problems.append("Playwright for Python missing (`python3 scripts/course.py setup --dev`)")
    if problems:
        message = "BROWSER TEST NOT RUN: " + "; ".join(problems)
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{message} ({REQUIRE_ENV}=1 says the browser is required)", pytrace=False)
        pytest.skip(message)
    return path


def launch_chromium(playwright, **kwargs):
    """Launch headless Chromium with Playwright (`playwright`: what `sync_playwright()` yields).

    Args:
        playwright: the object from `with sync_playwright() as p:`.
        **kwargs: passed on to `p.chromium.launch` (e.g. `slow_mo=200`, `headless=False`).
    Returns:
        a playwright Browser; close it with `.close()`.
    """
    options = {"executable_path": require_chromium(), "headless": True, "args": CHROMIUM_FLAGS}
    return playwright.chromium.launch(**(options | kwargs))


@contextlib.contextmanager
def chromium(**kwargs) -> Iterator:
    """`with chromium() as browser:` a launched Chromium (see launch_chromium), closed afterwards."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p, **kwargs)
        try:
            yield browser
        finally:
            browser.close()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def file_hashes(folder: Path) -> dict[str, str]:
    """{relative path: sha256} of every file under folder (Jupyter's checkpoints excluded)."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and ".ipynb_checkpoints" not in p.parts and "__pycache__" not in p.parts}


def course_python() -> str:
    """The project's Python (.venv's), as `scripts/course.py test` announces it, else this one."""
    return os.environ.get("GDLA_COURSE_PYTHON") or sys.executable


class JupyterLab:
    """A JupyterLab server for a test, serving root_dir; use as a context manager.

    Started from the project's environment (`python -m jupyter lab`) on 127.0.0.1 with a free
    port, no token or password, `--allow-root` when running as root, and its own temporary
    Jupyter/IPython/JupyterLab settings folders (LAB_SETTINGS), so that the user's configuration
    never leaks in and nothing is written outside the temporary folders. Stopped by its own PID
    (SIGTERM, then SIGKILL), also when the test fails.
    """

    def __init__(self, root_dir: Path, startup_timeout: float = 90):
        self.root_dir = Path(root_dir)
        self.startup_timeout = startup_timeout
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self._tmp = tempfile.TemporaryDirectory(prefix="gdla-lab-")
        self.log_path = Path(self._tmp.name) / "jupyterlab.log"

    def _environment(self) -> dict[str, str]:
        home = Path(self._tmp.name)
        settings = home / "lab-settings"
        for plugin, values in LAB_SETTINGS.items():
            path = settings / f"{plugin}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values), encoding="utf-8")
        env = dict(os.environ)
        env.pop("PLOTLY_RENDERER", None)  # a learner's kernel has plotly's default renderer
        env.update(
            JUPYTERLAB_SETTINGS_DIR=str(settings),
            JUPYTERLAB_WORKSPACES_DIR=str(home / "lab-workspaces"),
            JUPYTER_CONFIG_DIR=str(home / "config"),
            JUPYTER_DATA_DIR=str(home / "data"),
            JUPYTER_RUNTIME_DIR=str(home / "runtime"),
            IPYTHONDIR=str(home / "ipython"),
        )
        return env

    def command(self) -> list[str]:
        cmd = [course_python(), "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
               f"--port={self.port}", "--ServerApp.port_retries=0", "--IdentityProvider.token=",
               "--ServerApp.password=", f"--ServerApp.root_dir={self.root_dir}"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        return cmd

    def start(self) -> JupyterLab:
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(self.command(), cwd=self.root_dir, env=self._environment(),
                                         stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with {self.proc.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/status", timeout=5):
                    return self
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"JupyterLab did not answer within {self.startup_timeout} s:\n{self.log()}")

    def api(self, path: str, method: str = "GET"):
        """Call the server's REST API; returns the decoded JSON (or None)."""
        request = urllib.request.Request(f"{self.url}/api/{path}", method=method)
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """Shut down every kernel this server runs (frees ~300 MB each)."""
        for kernel in self.api("kernels"):
            with contextlib.suppress(OSError):
                self.api(f"kernels/{kernel['id']}", method="DELETE")

    def log(self, chars: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:] if self.log_path.exists() else ""

    def stop(self) -> None:
        """Stop exactly this server (by its PID): SIGTERM (it shuts its kernels down), then SIGKILL."""
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(OSError):
                self.shutdown_kernels()
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._tmp.cleanup()

    def __enter__(self) -> JupyterLab:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
