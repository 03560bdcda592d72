"""The README's set-up command starts a JupyterLab that serves the course."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_lab_command_serves_the_course():
    port = _free_port()
    # Exactly the README's command, plus what a test needs: no browser, a known port, no token.
    cmd = [sys.executable, "scripts/course.py", "lab", "--no-browser", f"--port={port}",
           "--ip=127.0.0.1", "--IdentityProvider.token=", "--ServerApp.password="]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        deadline, body = time.monotonic() + 90, ""
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/lab", timeout=5) as response:
                    body = response.read().decode()
                    break
            except OSError:
                time.sleep(0.5)
        assert proc.poll() is None, proc.stdout.read().decode()[-2000:]
        assert "JupyterLab" in body
        # No "get notified about official Jupyter news?" prompt: the announcements plugin is disabled.
        disabled = re.search(r'"disabledExtensions": \[([^\]]*)\]', body)
        assert disabled and "@jupyterlab/apputils-extension:announcements" in disabled.group(1), (
            "JupyterLab would ask about Jupyter news: scripts/course.py setup disables that plugin")
        with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/api/contents/notebooks", timeout=10) as response:
            listing = response.read().decode()
        assert "01_tensors_and_autograd.ipynb" in listing
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # that process (and only its group), also on failure
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
