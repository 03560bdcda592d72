#!/usr/bin/env python3
"""Re-resolve the locked environment and the files derived from it (uv's universal resolver).

    python3 scripts/course.py lock     # installs the pinned uv into .venv, then runs this script
    .venv/bin/python scripts/lock.py   # the same, with uv already in .venv

requirements.txt / requirements-dev.txt say what we want; requirements-lock.txt is everything that
gets installed, transitive packages included, for Linux, macOS and Windows at once (`uv pip compile
--universal`: platform-only packages such as pywinpty, colorama and appnope carry their markers). It
is used as pip constraints by scripts/course.py and CI, so that a new release cannot change what runs.

On Linux the lock says torch==VERSION+cpu: PyPI's Linux torch is a CUDA build whose nvidia-*,
cuda-* and triton dependencies must never reach the lock or Binder. The +cpu wheel's metadata comes
from a local copy where pip's configuration has one (--find-links, as on the course's CI machine),
otherwise from PyTorch's CPU index. The lock has no hashes: the +cpu wheels for other Pythons and
aarch64 cannot be reached from every machine that re-locks (the GitHub workflow installs them).

Derived from the lock, for Linux x86-64 and the image's Python (IMAGE_PYTHON): binder/requirements.txt (the runtime
packages, the image's packages in IMAGE, and their dependencies) and environment.yml (conda).
Existing pins are kept where they still resolve (uv prefers the versions already in the lock);
to move one, change its pin in requirements*.txt, or delete its line from the lock.
"""

from __future__ import annotations

import configparser
import functools
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements-lock.txt"
PYTHON = "3.11"  # the lock's lowest Python (pyproject's requires-python); 3.12 lines carry markers
IMAGE_PYTHON = "3.11.14"  # the Python of repo2docker's image (its environment lock; tested)
PYTORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
CONDA_NAMES = {"torch": "pytorch"}  # PyPI name -> conda-forge name, where they differ
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;#]+)")
# Packages of requirements-dev.txt that also go into the single-user image (binder/): the hub's
# jupyterhub-singleuser at the version the hub test runs, and a notebook that agrees with jupyterlab
# (the base image's notebook 7.4.7 requires jupyterlab<4.5).
IMAGE = ("jupyterhub", "notebook")
# What may never be locked: PyPI's CUDA torch brings these.
CUDA = re.compile(r"^(nvidia-|cuda-|triton\b)", re.I | re.M)


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path) -> dict[str, str]:
    """{canonical name: version} of the `name==version` lines of a requirements file."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line.strip())
        if match:
            found[canonical(match.group(1))] = match.group(2)
    return found


def all_pins(path: Path) -> dict[str, set[str]]:
    """{canonical name: every version} of a file whose lines may carry markers (the lock)."""
    found: dict[str, set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line.strip())
        if match:
            found.setdefault(canonical(match.group(1)), set()).add(match.group(2))
    return found


def cuda_lines(text: str) -> list[str]:
    """Lines that name a CUDA package (nvidia-*, cuda-*, triton)."""
    return [line for line in text.splitlines() if CUDA.match(line.strip())]


def torch_version() -> str:
    return pins(ROOT / "requirements.txt")["torch"].split("+")[0]


def find_links() -> list[str]:
    """The --find-links locations of pip's configuration (environment and config files)."""
    found = os.environ.get("PIP_FIND_LINKS", "").split()
    out = subprocess.run([sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True)
    for line in out.stdout.splitlines():
        key, _, value = line.partition("=")
        if key.endswith(".find-links"):
            found += value.strip("'\"").split()
    files = [Path(p) for p in ("/etc/pip.conf", "/etc/xdg/pip/pip.conf", Path.home() / ".config/pip/pip.conf")]
    for path in files:
        if path.exists():
            parser = configparser.ConfigParser()
            parser.read(path)
            found += parser.get("global", "find-links", fallback="").split()
    return list(dict.fromkeys(found))


@functools.cache
def torch_source(version: str) -> tuple[str, ...]:
    """uv options that make torch==VERSION+cpu's metadata available: a local wheel if pip's
    configuration offers one (no network), else PyTorch's CPU index."""
    for location in find_links():
        folder = Path(location.removeprefix("file://"))
        if folder.is_dir() and any(folder.glob(f"torch-{version}+cpu-*.whl")):
            return ("--find-links", str(folder))
    return ("--index", PYTORCH_CPU_INDEX, "--index-strategy", "unsafe-best-match")


def _requirement_lines(name: str) -> list[str]:
    """A requirements file's lines, with `-r` followed and `-e .` (this package) left out: its
    dependencies are pinned in requirements.txt."""
    lines = []
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        stripped = line.split("#")[0].strip()
        if stripped.startswith("-r "):
            lines += _requirement_lines(stripped[3:].strip())
        elif stripped and not stripped.startswith("-e "):
            lines.append(stripped)
    return lines


def _uv(*args: str, offline_first: bool = False) -> None:
    cmd = [sys.executable, "-m", "uv", "pip", "compile", "--quiet", "--no-header", "--no-annotate", *args]
    if offline_first:  # uv's cache has every package the universal resolution just read: 5 s, not 19
        if subprocess.run([*cmd, "--offline"], cwd=ROOT, capture_output=True).returncode == 0:
            return
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"uv failed:\n{' '.join(cmd)}\n{result.stderr}")


def resolve(tmp: Path, out: Path = LOCK, source: list[str] | None = None) -> None:
    """Write the lock (out): requirements-dev.txt resolved for every platform. The versions already
    in out are preferred. source: where torch's +cpu wheel comes from (default: torch_source)."""
    version = torch_version()
    wanted = tmp / "wanted.txt"
    wanted.write_text("\n".join(_requirement_lines("requirements-dev.txt")) + "\n")
    overrides = tmp / "torch.txt"
    overrides.write_text(f'torch=={version}+cpu ; sys_platform == "linux"\n'
                         f'torch=={version} ; sys_platform != "linux"\n')
    _uv(str(wanted), "--universal", "--python-version", PYTHON, "--override", str(overrides),
        *(torch_source(version) if source is None else source), "--output-file", str(out))
    body = out.read_text(encoding="utf-8")
    header = ("# The full resolved environment (pip constraints) for Linux, macOS and Windows, Python 3.11+.\n"
              "# Generated by `python3 scripts/course.py lock` (uv pip compile --universal) from\n"
              "# requirements-dev.txt: do not edit by hand. Linux gets PyTorch's CPU build (+cpu).\n")
    out.write_text(header + body, encoding="utf-8")
    if cuda_lines(body):
        raise SystemExit(f"CUDA packages reached the lock: {cuda_lines(body)}")


def linux_closure(tmp: Path) -> dict[str, str]:
    """The runtime packages, IMAGE and their dependencies on Linux x86-64, the image's Python, at the
    lock's versions: {canonical name: version}."""
    version = torch_version()
    dev = pins(ROOT / "requirements-dev.txt")
    wanted = tmp / "image.txt"
    wanted.write_text("\n".join([*_requirement_lines("requirements.txt"),
                                 *(f"{name}=={dev[name]}" for name in IMAGE)]) + "\n")
    overrides = tmp / "torch-linux.txt"
    overrides.write_text(f"torch=={version}+cpu\n")
    constraints = tmp / "lock-linux.txt"  # the lock without its torch lines (the override says which)
    constraints.write_text("\n".join(line for line in LOCK.read_text().splitlines()
                                     if not line.startswith("torch==")) + "\n")
    out = tmp / "linux.txt"
    _uv(str(wanted), "--python-platform", "x86_64-manylinux_2_28", "--python-version", IMAGE_PYTHON,
        "--constraint", str(constraints), "--override", str(overrides), *torch_source(version),
        "--output-file", str(out), offline_first=True)
    return pins(out)


def write_derived(closure: dict[str, str]) -> None:
    runtime = pins(ROOT / "requirements.txt")
    lock = all_pins(LOCK)
    outside = [f"{n}=={v}" for n, v in closure.items() if v not in lock.get(n, ())]
    if outside:
        raise SystemExit(f"not as in requirements-lock.txt: {outside}; run scripts/lock.py again")
    binder = [
        "# Binder (repo2docker) installs this file; generated by scripts/lock.py: do not edit.",
        "# The runtime packages of requirements.txt, the image's own (scripts/lock.py's IMAGE) and their",
        "# dependencies on Linux, at the versions of requirements-lock.txt. PyPI's Linux torch is a",
        "# CUDA build: Binder gets the CPU wheel from PyTorch's index.",
        f"--extra-index-url {PYTORCH_CPU_INDEX}",
        *[f"{n}=={v}" for n, v in sorted(closure.items())],
    ]
    text = "\n".join(binder) + "\n"
    if cuda_lines(text):
        raise SystemExit(f"CUDA packages reached binder/requirements.txt: {cuda_lines(text)}")
    (ROOT / "binder" / "requirements.txt").write_text(text, encoding="utf-8")
    conda = [
        "# The course's runtime environment for conda/mamba; generated by scripts/lock.py from",
        "# requirements.txt (same versions; CPU PyTorch from conda-forge). Do not edit by hand.",
        "#   conda env create -f environment.yml && conda activate gdla",
        "name: gdla",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        "  - python=3.11",
        "  - pip",
        *[f"  - {CONDA_NAMES.get(n, n)}={v}=cpu_*" if n == "torch" else f"  - {CONDA_NAMES.get(n, n)}={v}"
          for n, v in runtime.items()],
        "  - pip:",
        "      - -e .",
    ]
    (ROOT / "environment.yml").write_text("\n".join(conda) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        if "--derived" not in argv:
            resolve(Path(tmp))
        write_derived(linux_closure(Path(tmp)))
    print(f"wrote requirements-lock.txt, binder/requirements.txt, environment.yml "
          f"in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
