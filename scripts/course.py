#!/usr/bin/env python3
"""One entry point for learners and contributors. Creates and reuses a virtual environment in .venv.

    python scripts/course.py lab        # set everything up, open the course in JupyterLab
    python scripts/course.py test       # set everything up, run the whole test suite
    python scripts/course.py test --newest  # the same with the newest runtime packages (drift check)
    python scripts/course.py execute    # re-execute the notebooks in place from a clean kernel
    python scripts/course.py lock       # re-resolve requirements-lock.txt (see README)
    python scripts/course.py site       # build the course website into build/site/ (offline)
    python scripts/course.py student    # build the student edition into build/student/ (no solutions)
    python scripts/course.py assignments  # the lessons as nbgrader assignments in build/grading/
    python scripts/course.py setup [--dev]

On Windows use `py -3.11 scripts\\course.py lab`. Only the standard library is used here.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements-lock.txt"
STAMP = VENV / "gdla-stamp.json"
PIP_VERSION = "26.3"  # pinned so that a new pip release cannot change how the lock resolves
PYTORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
REQUIREMENTS = {"runtime": "requirements.txt", "dev": "requirements-dev.txt"}


def venv_python() -> Path:
    """The Python interpreter inside .venv (Scripts\\python.exe on Windows)."""
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def _fingerprint(level: str) -> str:
    """A hash of everything that decides what .venv contains."""
    digest = hashlib.sha256(level.encode())
    for name in ("requirements.txt", "requirements-dev.txt", "requirements-lock.txt", "pyproject.toml"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def _run(cmd: list[str | os.PathLike], **kwargs) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, **kwargs)


def setup(level: str = "runtime", torch_cpu_index: bool = False) -> Path:
    """Create .venv if needed and install the locked environment; skip when nothing changed."""
    if sys.version_info[:2] != (3, 11):
        print(f"note: the course is tested on Python 3.11; this is {sys.version.split()[0]}")
    start = time.perf_counter()
    python = venv_python()
    if not python.exists():
        _run([sys.executable, "-m", "venv", VENV])
    wanted = {level: _fingerprint(level)}
    done = json.loads(STAMP.read_text()) if STAMP.exists() else {}
    # A dev environment contains the runtime one.
    if done.get(level) == wanted[level] or (level == "runtime" and done.get("dev") == _fingerprint("dev")):
        return python
    _run([python, "-m", "pip", "install", "--quiet", f"pip=={PIP_VERSION}"])
    if torch_cpu_index:  # only for learners on Linux who would otherwise get a CUDA build
        torch_pin = next(line for line in LOCK.read_text().splitlines() if line.startswith("torch=="))
        _run([python, "-m", "pip", "install", "--quiet", "--index-url", PYTORCH_CPU_INDEX,
              torch_pin.split("+")[0] + "+cpu"])
    _run([python, "-m", "pip", "install", "--quiet", "-r", REQUIREMENTS[level], "-c", LOCK.name])
    drop_retired(python)
    quiet_lab(python)
    done.update(wanted)
    STAMP.write_text(json.dumps(done, indent=1))
    print(f"environment ready in {time.perf_counter() - start:.0f} s: {VENV}", flush=True)
    return python


# Packages an earlier lock installed and the current one leaves out on purpose (pip never removes
# them from an existing .venv): rfc3987-syntax builds a grammar at import, +3 s to every first figure.
RETIRED = ("rfc3987-syntax", "lark")


def drop_retired(python: Path) -> None:
    """Uninstall the RETIRED packages from .venv when the lock no longer has them."""
    locked = {line.split("==")[0].lower() for line in LOCK.read_text().splitlines() if "==" in line}
    for name in RETIRED:
        if name in locked:
            continue
        found = subprocess.run([python, "-m", "pip", "show", "--quiet", name], capture_output=True)
        if found.returncode == 0:
            print(f"removing {name} from {VENV} (no longer in {LOCK.name})", flush=True)
            _run([python, "-m", "pip", "uninstall", "--quiet", "--yes", name])


# JupyterLab's announcements plugin asks every new user "get notified about official Jupyter news?"
# and checks for updates online; the course disables it in .venv (the documented way).
ANNOUNCEMENTS = "@jupyterlab/apputils-extension:announcements"


def quiet_lab(python: Path) -> None:
    """Disable JupyterLab's news prompt and update check in this environment (sys-prefix level)."""
    _run([python, "-m", "jupyter", "labextension", "disable", "--level=sys_prefix", ANNOUNCEMENTS],
         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def upgrade_to_newest(python: Path, torch_cpu_index: bool) -> None:
    """Replace the locked runtime packages by their newest releases (the weekly drift check)."""
    names = [line.split("==")[0] for line in (ROOT / "requirements.txt").read_text().splitlines()
             if "==" in line and not line.startswith("#")]
    if torch_cpu_index:  # torch first, from PyTorch's CPU index, so that no CUDA build comes in
        _run([python, "-m", "pip", "install", "--quiet", "--upgrade", "--index-url", PYTORCH_CPU_INDEX, "torch"])
        names.remove("torch")
    _run([python, "-m", "pip", "install", "--quiet", "--upgrade", *names])
    STAMP.unlink(missing_ok=True)  # the next ordinary run re-installs the locked versions
    _run([python, "-m", "pip", "list", "--format=freeze"])


def lab_command(python: Path, extra: list[str]) -> list[str]:
    """The JupyterLab command line that opens the course on notebooks/."""
    cmd = [str(python), "-m", "jupyter", "lab", f"--ServerApp.root_dir={ROOT}",
           "--LabApp.default_url=/lab/tree/notebooks"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # JupyterLab refuses to run as root without it
    return cmd + extra


def _exec(cmd: list[str]) -> int:
    """Replace this process by cmd where possible, so that its PID is the server's."""
    sys.stdout.flush()
    if os.name != "nt":
        os.chdir(ROOT)
        os.execv(cmd[0], cmd)
    return subprocess.call(cmd, cwd=ROOT)


def main(argv: list[str]) -> int:
    command, rest = (argv[0], argv[1:]) if argv else ("help", [])
    cpu = "--torch-cpu-index" in rest
    newest = "--newest" in rest  # test only: the newest releases of the runtime packages, not the lock
    rest = [a for a in rest if a not in ("--torch-cpu-index", "--newest")]
    if command == "setup":
        setup("dev" if "--dev" in rest else "runtime", cpu)
        return 0
    if command == "lab":
        python = setup("runtime", cpu)
        quiet_lab(python)  # also in a .venv made before the course did this
        return _exec(lab_command(python, rest))
    if command == "test":
        python = setup("dev", cpu)
        if newest:
            upgrade_to_newest(python, cpu)
        env = dict(os.environ, GDLA_COURSE_PYTHON=str(python))
        return subprocess.call([str(python), "-m", "pytest", *rest], cwd=ROOT, env=env)
    if command == "execute":
        return subprocess.call([str(setup("dev", cpu)), "scripts/nbtools.py", "execute", *rest], cwd=ROOT)
    if command == "lock":
        return subprocess.call([sys.executable, "scripts/lock.py", *rest], cwd=ROOT)
    if command == "student":
        return subprocess.call([str(setup("dev", cpu)), "scripts/student.py", *rest], cwd=ROOT)
    if command == "site":
        return subprocess.call([str(setup("dev", cpu)), "scripts/build_site.py", *rest], cwd=ROOT)
    if command == "assignments":  # issue 26: the nbgrader course folder (build/grading/)
        return subprocess.call([str(setup("dev", cpu)), "scripts/assignments.py", *rest], cwd=ROOT)
    print(__doc__)
    return 0 if command in ("help", "-h", "--help") else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
