"""The single-user image as a hub runs it, without Docker: repo2docker's layout, rebuilt in a venv.

What repo2docker does for this repository (Dockerfile from `repo2docker --no-build --debug`):
its base environment (the conda environment of repo2docker's bundled lock for Python 3.11, here as
the same versions from PyPI), then `pip install -r binder/requirements.txt` into that environment,
then the repository copied to REPO_DIR (the image's home, /home/jovyan) and `binder/postBuild` run
there. On Zero to JupyterHub each student's persistent volume is mounted on that home, hiding the
image's copy of the repository: here REPO_DIR is deleted and an empty home takes its place. The
student then follows the nbgitpuller link, which clones the course into ~/REPO-NAME, and runs
lesson 01 there: every cell must run without an error, and `pip check` must be clean.

Two deviations, both forced by this machine: PyTorch's CPU index (binder/requirements.txt's
--extra-index-url) is unreachable here, so the line is left out and pip's configuration supplies
the same torch==VERSION+cpu wheel; and pip's download cache is used (repo2docker passes
--no-cache-dir), which changes only the time.

That it can fail: with postBuild's old `pip install --no-deps --editable .` the notebook's
`import gdla_helpers` raises ModuleNotFoundError (the editable install points into the hidden
REPO_DIR); with binder/requirements.txt's notebook pin removed `pip check` reports notebook 7.4.7's
`jupyterlab<4.5`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import lock  # noqa: E402
import nbtools  # noqa: E402

pytestmark = pytest.mark.slow
NOTEBOOK = nbtools.ORDER[0]
# conda-forge names whose PyPI name differs; metapackages (builds not starting with "py") are skipped.
PYPI_NAMES = {"jupyterhub-base": "jupyterhub", "nbconvert-core": "nbconvert",
              "python-fastjsonschema": "fastjsonschema", "brotli-python": "brotli"}
CONDA_FILE = re.compile(r"/([^/]+)-([^-/]+)-([^-/]+)\.(?:conda|tar\.bz2)#")
IGNORED = shutil.ignore_patterns(".venv", "build", "node_modules", "__pycache__", ".pytest_cache",
                                 ".ruff_cache", "*.egg-info", ".git")


def conda_lock() -> Path:
    import repo2docker

    return (Path(repo2docker.__file__).parent / "buildpacks" / "conda" /
            "environment.py-3.11-linux-64.lock")


def base_image_pins(text: str) -> dict[str, str]:
    """The Python packages of repo2docker's base environment (an explicit conda lock), as PyPI
    names and versions: the packages built for Python (build strings py*/pyh*), not python itself,
    nor C libraries or metapackages."""
    found = {}
    for name, version, build in CONDA_FILE.findall(text):
        if build.startswith("py") and name not in ("python", "python_abi"):
            found[lock.canonical(PYPI_NAMES.get(name, name))] = version
    return found


def test_base_image_pins_are_read():
    pins = base_image_pins(conda_lock().read_text())
    assert pins["jupyterlab"].startswith("4.") and pins["notebook"] == "7.4.7"
    assert pins["jupyterhub"] == "5.4.0" and "nbconvert" in pins and "jupyterhub-singleuser" not in pins
    assert len(pins) > 100 and "python" not in pins and "openssl" not in pins


def _clean_env(env_dir: Path, home: Path) -> dict[str, str]:
    """What a container's process sees: the environment's bin first on PATH, HOME, nothing of the venv
    that runs the tests (pip's configuration stays: it supplies the +cpu wheel here)."""
    keep = {k: v for k, v in os.environ.items() if k.startswith("PIP_") or k in ("LANG", "TMPDIR")}
    path = os.pathsep.join([str(env_dir / "bin"), "/usr/local/bin", "/usr/bin", "/bin"])
    return {**keep, "PATH": path, "HOME": str(home), "USER": "jovyan", "PLOTLY_RENDERER": ""}


def _run(cmd, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{' '.join(map(str, cmd))}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def _git(*args, cwd: Path) -> None:
    env = dict(os.environ, GIT_AUTHOR_NAME="Instructor", GIT_AUTHOR_EMAIL="i@example.org",
               GIT_COMMITTER_NAME="Instructor", GIT_COMMITTER_EMAIL="i@example.org")
    _run(["git", *args], cwd=cwd, env=env)


def _errors(nb: dict) -> list[str]:
    return [f"cell {i}: {out.get('ename')}: {out.get('evalue')}" for i, cell in enumerate(nb["cells"])
            for out in cell.get("outputs", []) if out.get("output_type") == "error"]


def test_the_image_as_a_hub_runs_it(tmp_path):
    start = time.perf_counter()
    env_dir = tmp_path / "srv" / "conda" / "envs" / "notebook"
    repo_dir = tmp_path / "home" / "jovyan"  # REPO_DIR: the image's $HOME
    python = env_dir / "bin" / "python"
    _run([sys.executable, "-m", "venv", env_dir])
    env = _clean_env(env_dir, repo_dir)
    # 1. The base environment at the versions of repo2docker's bundled lock.
    base = tmp_path / "base-image.txt"
    base.write_text("\n".join(f"{n}=={v}" for n, v in sorted(base_image_pins(conda_lock().read_text()).items())))
    _run([python, "-m", "pip", "install", "--quiet", "-r", base], env=env)
    # 2. binder/requirements.txt, as repo2docker installs it (without the unreachable index line).
    requirements = (ROOT / "binder" / "requirements.txt").read_text()
    assert f"--extra-index-url {lock.PYTORCH_CPU_INDEX}\n" in requirements
    local = tmp_path / "binder-requirements.txt"
    local.write_text(requirements.replace(f"--extra-index-url {lock.PYTORCH_CPU_INDEX}\n", ""))
    _run([python, "-m", "pip", "install", "--quiet", "-r", local], env=env)
    # 3. The repository copied to REPO_DIR and postBuild run there.
    shutil.copytree(ROOT, repo_dir, ignore=IGNORED)
    _run(["bash", repo_dir / "binder" / "postBuild"], cwd=repo_dir, env=env)
    installed = time.perf_counter() - start
    check = subprocess.run([python, "-m", "pip", "check"], capture_output=True, text=True, env=env)
    # 4. A persistent volume on /home/jovyan: the image's copy of the repository is gone.
    shutil.rmtree(repo_dir)
    repo_dir.mkdir()
    # 5. The student follows the nbgitpuller link: the course is cloned into ~/REPO-NAME.
    upstream = tmp_path / "upstream" / "gradient-descent-linear-algebra"
    shutil.copytree(ROOT, upstream, ignore=IGNORED)
    _git("init", "-q", "-b", "main", cwd=upstream)
    _git("add", "-A", cwd=upstream)
    _git("commit", "-qm", "the course", cwd=upstream)
    course = repo_dir / upstream.name
    _run([env_dir / "bin" / "gitpuller", upstream, "main", course], cwd=repo_dir, env=env)
    # 6. Lesson 01 from there, in the image's environment.
    where = subprocess.run([python, "-c", "import gdla_helpers; print(gdla_helpers.__file__)"],
                           cwd=course / "notebooks", env=env, capture_output=True, text=True)
    assert where.stdout.startswith(str(env_dir)), (
        f"import gdla_helpers in a student's home: {where.stdout}{where.stderr[-400:]}")
    out = tmp_path / "ran.ipynb"
    _run([python, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute", "--output", out,
          "--ExecutePreprocessor.timeout=600", "--ExecutePreprocessor.allow_errors=True",
          course / "notebooks" / NOTEBOOK], cwd=course / "notebooks", env=env)
    errors = _errors(json.loads(out.read_text()))
    print(f"\nimage layout: environment built in {installed:.0f} s, all in {time.perf_counter() - start:.0f} s")
    assert check.returncode == 0, f"pip check in the image's environment:\n{check.stdout}{check.stderr}"
    assert not errors, f"{NOTEBOOK} in a student's home on the hub image:\n" + "\n".join(errors)
