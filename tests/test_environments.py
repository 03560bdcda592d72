"""requirements.txt, the lock, environment.yml and binder/ describe one and the same course."""

import json
import os
import re
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import lock  # noqa: E402

RUNTIME = {"torch", "numpy", "pandas", "plotly", "nbformat", "jsonschema", "jupyterlab", "ipykernel",
           "nbgitpuller"}


def _conda_pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        match = re.match(r"^\s+- ([A-Za-z0-9_.\-]+)=([^=\s]+)", line)
        if match:
            name = {"pytorch": "torch"}.get(match.group(1), match.group(1))
            pins[lock.canonical(name)] = match.group(2)
    return pins


def _binder_pins() -> dict[str, str]:
    return {n: v.split("+")[0] for n, v in lock.pins(ROOT / "binder" / "requirements.txt").items()}


def test_runtime_sets_agree():
    pip = lock.pins(ROOT / "requirements.txt")
    conda = _conda_pins(ROOT / "environment.yml")
    binder = _binder_pins()
    assert set(pip) == RUNTIME
    assert {n: v for n, v in conda.items() if n != "python"} == pip
    assert {n: binder[n] for n in RUNTIME} == pip


def test_pins_match_the_lock():
    locked = lock.all_pins(ROOT / "requirements-lock.txt")
    for name in ("requirements.txt", "requirements-dev.txt", "binder/requirements.txt"):
        for package, version in lock.pins(ROOT / name).items():
            assert version in locked.get(package, ()) or (package == "torch" and f"{version}+cpu" in locked[package]), (
                f"{name}: {package}=={version}")


def test_no_cuda_package_reaches_the_lock_or_binder():
    # PyPI's Linux torch pulls nvidia-*, cuda-* and triton (several GB); Binder and the lock get the CPU build.
    for name in ("requirements-lock.txt", "binder/requirements.txt", "environment.yml"):
        found = lock.cuda_lines((ROOT / name).read_text())
        assert not found, f"{name} has CUDA packages: {found}"


def test_the_lock_is_universal():
    # One resolution for Linux, macOS and Windows: the platform-only packages carry their markers, and
    # torch is the +cpu build on Linux only.
    lines = (ROOT / "requirements-lock.txt").read_text().splitlines()
    assert any(line.startswith("torch==2.13.0+cpu ;") and "sys_platform == 'linux'" in line for line in lines)
    assert any(line.startswith("torch==2.13.0 ;") and "sys_platform != 'linux'" in line for line in lines)
    for package, marker in (("pywinpty", "os_name == 'nt'"), ("colorama", "sys_platform == 'win32'"),
                            ("appnope", "sys_platform == 'darwin'")):
        assert any(line.startswith(f"{package}==") and marker in line for line in lines), package
    assert "uv pip compile --universal" in "\n".join(lines[:5])


def test_the_image_python_is_repo2dockers():
    import repo2docker

    conda_lock = (Path(repo2docker.__file__).parent / "buildpacks" / "conda" /
                  "environment.py-3.11-linux-64.lock").read_text()
    assert re.search(r"/python-([0-9.]+)-h[^/]*_cpython", conda_lock).group(1) == lock.IMAGE_PYTHON


# The two tests below run uv (a dev requirement) and need PyPI, as `course.py lock` does.
@pytest.mark.slow
def test_relocking_reproduces_the_lock_quickly(tmp_path):
    pytest.importorskip("uv")
    out = tmp_path / "lock.txt"
    out.write_text((ROOT / "requirements-lock.txt").read_text())
    start = time.perf_counter()
    lock.resolve(tmp_path, out)
    seconds = time.perf_counter() - start
    assert out.read_text() == (ROOT / "requirements-lock.txt").read_text(), (
        "requirements-lock.txt is not what `python3 scripts/course.py lock` writes: re-lock")
    assert seconds < 60, f"re-locking took {seconds:.0f} s"


@pytest.mark.slow
def test_without_a_cpu_wheel_the_lock_fails_instead_of_taking_cuda(tmp_path):
    pytest.importorskip("uv")
    out = tmp_path / "lock.txt"
    with pytest.raises(SystemExit, match="torch"):
        lock.resolve(tmp_path, out, source=[])  # PyPI only: it has no +cpu wheel


# Packages that build a parser when imported (rfc3987-syntax's Earley grammar: 2.5-3.3 s natively,
# about a minute emulated), paid by every kernel's first figure and every nbconvert/papermill run.
SLOW_AT_IMPORT = ("rfc3987-syntax", "lark")


def test_no_package_builds_a_grammar_at_import():
    locked = lock.pins(ROOT / "requirements-lock.txt")
    found = [name for name in SLOW_AT_IMPORT if name in locked]
    assert not found, (f"requirements-lock.txt has {found}: jsonschema 4.25+ pulls rfc3987-syntax in through "
                       "jupyter-events; keep jsonschema==4.24.1 in requirements.txt (see its comment)")
    # What a kernel's first figure imports (plotly's renderers -> nbformat -> jsonschema), in the venv.
    probe = ("import sys, plotly.graph_objects as go; go.Figure()._repr_mimebundle_(); "
             "print(sorted(m for m in ('rfc3987_syntax', 'lark') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", (f"the first figure imported {out.strip()}: uninstall them "
                                 "(pip uninstall rfc3987-syntax lark) or re-run scripts/course.py setup")


def test_torch_is_pinned_exactly_to_the_cpu_wheel_we_test():
    assert lock.pins(ROOT / "requirements.txt")["torch"] == "2.13.0"
    assert lock.pins(ROOT / "binder" / "requirements.txt")["torch"] == "2.13.0+cpu"
    assert "pytorch=2.13.0=cpu_*" in (ROOT / "environment.yml").read_text()


def test_package_metadata_admits_the_locked_versions():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {Requirement(r).name: Requirement(r) for r in meta["dependencies"]}
    assert set(declared) == {"torch", "numpy", "pandas", "plotly", "nbformat"}
    locked = lock.pins(ROOT / "requirements-lock.txt")
    for name, req in declared.items():
        assert Version(locked[name]) in req.specifier, f"{name} {locked[name]} outside {req}"
    assert Version("2.14.1") not in declared["torch"].specifier, "admits a newer (CUDA) torch"


def test_ci_installs_only_from_the_default_index():
    for name in ("requirements.txt", "requirements-dev.txt", "requirements-lock.txt", ".ci/run"):
        text = (ROOT / name).read_text()
        assert not re.search(r"--(extra-)?index-url|^\s*-i\s", text, re.M), name
    assert "--torch-cpu-index" not in (ROOT / ".ci" / "run").read_text()


def test_environment_yml_shape():
    text = (ROOT / "environment.yml").read_text()
    assert "conda-forge" in text and "- python=3.11" in text and "- -e ." in text


def test_binder_files():
    post_build = ROOT / "binder" / "postBuild"
    assert os.access(post_build, os.X_OK), "binder/postBuild must be executable"
    text = post_build.read_text()
    assert "set -euo pipefail" in text and "pip install --no-deps --no-cache-dir ." in text
    assert "--editable" not in text and " -e " not in text, "Z2JH hides REPO_DIR: install non-editable"
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    assert not (ROOT / "binder" / "environment.yml").exists(), "it would win over requirements.txt"


def test_repo2docker_detects_python_311(monkeypatch):
    repo2docker = pytest.importorskip("repo2docker.app")
    monkeypatch.chdir(ROOT)
    r2d = repo2docker.Repo2Docker()
    buildpacks = (B(base_image=r2d.base_image) for B in r2d.buildpacks)
    bp = next((b for b in buildpacks if b.detect()), None)
    assert bp is not None and type(bp).__name__ == "PythonBuildPack"
    assert bp.python_version == "3.11"


def test_repo2docker_dockerfile_installs_requirements_and_package():
    result = subprocess.run([sys.executable, "-m", "repo2docker", "--no-build", "--debug", str(ROOT)],
                            capture_output=True, text=True, timeout=120)
    dockerfile = result.stdout + result.stderr
    assert 'pip install --no-cache-dir -r "binder/requirements.txt"' in dockerfile
    assert "./binder/postBuild" in dockerfile


def test_supported_pythons_are_stated_once_and_tested():
    # pyproject's requires-python and classifiers, the README and the CI matrix name the same Pythons.
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    classified = sorted(c.rsplit(":: ", 1)[1] for c in meta["classifiers"] if c.startswith("Programming Language :: Python :: 3."))
    assert meta["requires-python"] == f">={classified[0]}"
    workflow = (ROOT / ".github" / "workflows" / "tests.yml").read_text()
    assert f'python: {json.dumps(classified)}'.replace('", "', '", "') in workflow.replace("'", '"')
    readme = (ROOT / "README.md").read_text()
    assert f"Python {' or '.join(classified)}" in readme.replace("**", "")


def test_nbgitpuller_link_in_the_readme_is_generated():
    import nbtools

    readme = (ROOT / "README.md").read_text()
    block = re.search(r"<!-- nbgitpuller-link -->\n```text\n(.*)\n```\n<!-- /nbgitpuller-link -->", readme)
    assert block, "the README's nbgitpuller block is missing"
    assert block.group(1) == nbtools.nbgitpuller_link(), "regenerate it from nbtools.nbgitpuller_link()"
    assert nbtools.repository_url().replace("https://", "").replace("/", "%2F") in block.group(1)


def test_the_hub_we_test_matches_the_image_and_nbgitpuller_is_in_it():
    import repo2docker

    conda_lock = (Path(repo2docker.__file__).parent / "buildpacks" / "conda" /
                  "environment.py-3.11-linux-64.lock").read_text()
    base = Version(re.search(r"/jupyterhub-singleuser-([0-9.]+)-", conda_lock).group(1))
    hub = Version(lock.pins(ROOT / "requirements-dev.txt")["jupyterhub"])
    # binder/requirements.txt upgrades the base image's jupyterhub-singleuser to the hub we test.
    assert _binder_pins()["jupyterhub"] == str(hub), "the image's jupyterhub-singleuser is the hub we test"
    assert hub.major == base.major, f"repo2docker's images carry JupyterHub {base.major}.x; test that major"
    # 5.4.4 (open redirect), 5.4.5 (CSRF) and 5.5.0 (denial of service) are security releases.
    assert hub >= Version("5.5.0"), f"jupyterhub {hub} lacks the 5.4.4-5.5.0 security fixes"
    assert "nbgitpuller" in _binder_pins(), "nbgitpuller must be in the single-user image (binder/)"


def test_the_images_notebook_agrees_with_its_jupyterlab():
    # The base image's notebook 7.4.7 requires jupyterlab<4.5; binder/ pins a notebook that admits 4.6.
    from importlib import metadata

    binder = _binder_pins()
    assert metadata.version("notebook") == binder["notebook"], "re-run python3 scripts/course.py setup --dev"
    wants = next(Requirement(r) for r in metadata.requires("notebook") if Requirement(r).name == "jupyterlab")
    assert Version(binder["jupyterlab"]) in wants.specifier, f"notebook {binder['notebook']} wants {wants}"


def test_the_workflow_installs_the_hubs_proxy_and_lets_course_py_choose_torch():
    workflow = (ROOT / ".github" / "workflows" / "tests.yml").read_text()
    assert "npm ci --prefix tests/hub" in workflow, "the JupyterHub test needs configurable-http-proxy"
    assert "--torch-cpu-index" not in workflow and "python scripts/course.py test" in workflow
    assert "npm ci --prefix tests/hub" in (ROOT / ".ci" / "run").read_text()


def test_the_helm_instructions_name_the_chart_version():
    # Zero to JupyterHub 4.4.0 runs JupyterHub 5.5.0 (its changelog); without --version helm takes
    # whatever is newest.
    for text in ((ROOT / "jupyterhub" / "values.yaml").read_text(), (ROOT / "README.md").read_text()):
        commands = [line for line in text.splitlines() if "helm upgrade --install" in line]
        assert commands and all("--version 4.4.0" in line for line in commands), commands
