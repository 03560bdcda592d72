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

Which PyTorch: on Linux without an NVIDIA driver the CPU build (torch==VERSION+cpu, about 0.75 GB),
with one PyPI's CUDA build (about 5 GB with its nvidia-* packages); `--torch-cpu` or `--torch-cuda`
chooses the other. macOS and Windows always get PyPI's wheels (CPU, and Apple's GPU on macOS).

On Windows use `py -3.11 scripts\\course.py lab`. Only the standard library is used here.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
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


def _fingerprint(level: str, build: str = "") -> str:
    """A hash of everything that decides what .venv contains (the torch build included)."""
    digest = hashlib.sha256(f"{level}:{build}".encode())
    for name in ("requirements.txt", "requirements-dev.txt", "requirements-lock.txt", "pyproject.toml"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def _run(cmd: list[str | os.PathLike], **kwargs) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, **kwargs)


# --- Which PyTorch build --------------------------------------------------------------------------
# PyPI's Linux torch is a CUDA build that pulls ~15 nvidia-* wheels (a fresh clone's .venv: 5.4 GB); the
# course needs only the CPU, so Linux gets PyTorch's +cpu wheel unless the machine has an NVIDIA driver.

NVIDIA_SIGNS = ("/proc/driver/nvidia", "/usr/lib/wsl/lib/nvidia-smi")  # the kernel driver; WSL's GPU


def nvidia_driver(which=shutil.which, exists=os.path.exists) -> str | None:
    """Where an NVIDIA driver shows itself (nvidia-smi on PATH, /proc/driver/nvidia), or None."""
    found = which("nvidia-smi")
    if found:
        return f"nvidia-smi at {found}"
    return next((path for path in NVIDIA_SIGNS if exists(path)), None)


@dataclass(frozen=True)
class TorchChoice:
    build: str  # "cpu": PyTorch's +cpu wheel; "pypi": PyPI's wheel (CUDA on Linux, CPU/MPS elsewhere)
    why: str
    other: str  # how to ask for the other build, or "" where there is none


def choose_torch(system: str, driver: str | None, asked: str | None = None) -> TorchChoice:
    """The torch build for this machine. system: platform.system(); asked: "cpu", "cuda" or None."""
    if system != "Linux":
        return TorchChoice("pypi", f"PyPI's torch wheel for {system} (it needs no CUDA packages)", "")
    if asked == "cpu":
        return TorchChoice("cpu", "the CPU build, as asked (--torch-cpu)",
                           "--torch-cuda for PyPI's CUDA build (about 5 GB with nvidia-* packages)")
    if asked == "cuda":
        return TorchChoice("pypi", "PyPI's CUDA build, as asked (--torch-cuda; about 5 GB)",
                           "--torch-cpu for the CPU build (about 0.75 GB)")
    if driver:
        return TorchChoice("pypi", f"PyPI's CUDA build: an NVIDIA driver is here ({driver}; about 5 GB)",
                           "--torch-cpu for the CPU build (about 0.75 GB; the course needs no GPU)")
    return TorchChoice("cpu", "the CPU build: no NVIDIA driver here (no nvidia-smi on PATH, no "
                       "/proc/driver/nvidia)", "--torch-cuda for PyPI's CUDA build (about 5 GB)")


def locked_torch() -> str:
    """The locked torch version, without a local label ("2.13.0")."""
    for line in LOCK.read_text().splitlines():
        if line.startswith("torch=="):
            return line.split("==", 1)[1].split(";")[0].split("+")[0].strip()
    raise SystemExit(f"no torch== line in {LOCK.name}")


def local_cpu_wheel(python: Path | str, version: str) -> bool:
    """True when pip can install torch==VERSION+cpu without any index (--find-links from pip's
    configuration, as on the course's CI machine): then nothing waits on PyTorch's index."""
    probe = [str(python), "-m", "pip", "install", "--dry-run", "--quiet", "--no-index", "--no-deps",
             f"torch=={version}+cpu"]
    return subprocess.run(probe, capture_output=True, cwd=ROOT).returncode == 0


def torch_commands(python: Path | str, choice: TorchChoice, version: str, local_wheel: bool,
                   requirements: str, constraints: str) -> list[list[str]]:
    """The pip commands that install the requirements with the chosen torch build."""
    pip = [str(python), "-m", "pip", "install", "--quiet"]
    main = [*pip, "-r", requirements, "-c", constraints]
    if choice.build == "pypi":
        return [main]
    wheel = f"torch=={version}+cpu"
    steps = [] if local_wheel else [[*pip, "--no-deps", "--index-url", PYTORCH_CPU_INDEX, wheel]]
    return [*steps, [*main, wheel]]  # the +cpu pin keeps PyPI's CUDA build out of the resolution


def write_constraints(build: str) -> Path:
    """The lock as pip constraints for this build: its torch lines as one `torch==VERSION` (which
    admits both +cpu and PyPI's build; the requirement on the command line says which)."""
    lines = [line for line in LOCK.read_text().splitlines() if not line.startswith("torch==")]
    lines.append(f"torch=={locked_torch()}")
    path = VENV / "gdla-constraints.txt"
    path.write_text("\n".join(lines) + "\n")
    return path


def installed_version(venv: Path, name: str) -> str | None:
    """The version of a package installed in venv ("2.13.0+cpu"), read from its metadata folder's name."""
    found = [*venv.glob(f"lib/python3*/site-packages/{name}-*.dist-info"),  # Linux, macOS
             *venv.glob(f"Lib/site-packages/{name}-*.dist-info")]  # Windows
    return found[0].name.removeprefix(f"{name}-").removesuffix(".dist-info") if found else None


def installed_torch(venv: Path) -> str | None:
    return installed_version(venv, "torch")


def setup(level: str = "runtime", asked: str | None = None) -> Path:
    """Create .venv if needed and install the locked environment; skip when nothing changed."""
    if sys.version_info[:2] != (3, 11):
        print(f"note: the course is tested on Python 3.11; this is {sys.version.split()[0]}")
    start = time.perf_counter()
    choice = choose_torch(platform.system(), nvidia_driver(), asked)
    python = venv_python()
    if not python.exists():
        _run([sys.executable, "-m", "venv", VENV])
    wanted = {level: _fingerprint(level, choice.build)}
    done = json.loads(STAMP.read_text()) if STAMP.exists() else {}
    # A dev environment contains the runtime one.
    if done.get(level) == wanted[level] or (
            level == "runtime" and done.get("dev") == _fingerprint("dev", choice.build)):
        return python
    print(f"PyTorch: {choice.why}." + (f" For the other build, add {choice.other}." if choice.other else ""),
          flush=True)
    _run([python, "-m", "pip", "install", "--quiet", f"pip=={PIP_VERSION}"])
    version = locked_torch()
    have = installed_torch(VENV)
    if have and (choice.build == "cpu") != have.endswith("+cpu"):  # switching builds
        _run([python, "-m", "pip", "uninstall", "--quiet", "--yes", "torch"])
    # Nothing to fetch when the wheel is installed already; else ask pip whether it has one without an index.
    local = choice.build == "cpu" and (have == f"{version}+cpu" or local_cpu_wheel(python, version))
    if local:
        where = "installed already" if have == f"{version}+cpu" else "available without PyTorch's index"
        print(f"torch=={version}+cpu is {where}", flush=True)
    constraints = write_constraints(choice.build)
    for cmd in torch_commands(python, choice, version, local, REQUIREMENTS[level], str(constraints)):
        _run(cmd)
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


def upgrade_to_newest(python: Path, build: str) -> None:
    """Replace the locked runtime packages by their newest releases (the weekly drift check)."""
    names = [line.split("==")[0] for line in (ROOT / "requirements.txt").read_text().splitlines()
             if "==" in line and not line.startswith("#")]
    if build == "cpu":  # torch first, from PyTorch's CPU index, so that no CUDA build comes in
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


TORCH_FLAGS = {"--torch-cpu": "cpu", "--torch-cpu-index": "cpu", "--torch-cuda": "cuda"}  # -index: old name


def main(argv: list[str]) -> int:
    command, rest = (argv[0], argv[1:]) if argv else ("help", [])
    asked = next((TORCH_FLAGS[a] for a in rest if a in TORCH_FLAGS), None)
    newest = "--newest" in rest  # test only: the newest releases of the runtime packages, not the lock
    rest = [a for a in rest if a not in TORCH_FLAGS and a != "--newest"]
    if command == "setup":
        setup("dev" if "--dev" in rest else "runtime", asked)
        return 0
    if command == "lab":
        python = setup("runtime", asked)
        quiet_lab(python)  # also in a .venv made before the course did this
        return _exec(lab_command(python, rest))
    if command == "test":
        python = setup("dev", asked)
        if newest:
            upgrade_to_newest(python, choose_torch(platform.system(), nvidia_driver(), asked).build)
        env = dict(os.environ, GDLA_COURSE_PYTHON=str(python))
        return subprocess.call([str(python), "-m", "pytest", *rest], cwd=ROOT, env=env)
    if command == "execute":
        return subprocess.call([str(setup("dev", asked)), "scripts/nbtools.py", "execute", *rest], cwd=ROOT)
    if command == "lock":  # only uv is needed: the venv may not match requirements that just changed
        python = venv_python()
        if not python.exists():
            _run([sys.executable, "-m", "venv", VENV])
        uv = next(line.split("#")[0].strip() for line in (ROOT / "requirements-dev.txt").read_text().splitlines()
                  if line.startswith("uv=="))
        if installed_version(VENV, "uv") != uv.split("==")[1]:
            _run([python, "-m", "pip", "install", "--quiet", uv])
        return subprocess.call([str(python), "scripts/lock.py", *rest], cwd=ROOT)
    if command == "student":
        return subprocess.call([str(setup("dev", asked)), "scripts/student.py", *rest], cwd=ROOT)
    if command == "site":
        return subprocess.call([str(setup("dev", asked)), "scripts/build_site.py", *rest], cwd=ROOT)
    if command == "assignments":  # issue 26: the nbgrader course folder (build/grading/)
        return subprocess.call([str(setup("dev", asked)), "scripts/assignments.py", *rest], cwd=ROOT)
    print(__doc__)
    return 0 if command in ("help", "-h", "--help") else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
