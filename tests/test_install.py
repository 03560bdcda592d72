"""scripts/course.py's choice of PyTorch build and the pip command lines it runs, per platform.

PyPI's Linux torch is a CUDA build (a fresh clone's .venv measured 5.4 GB, 2.7 GB of it nvidia/):
Linux without an NVIDIA driver gets PyTorch's +cpu wheel; macOS and Windows keep PyPI's wheels.
"""

import platform
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import course  # noqa: E402

PY = "/venv/bin/python"
PIP = [PY, "-m", "pip", "install", "--quiet"]
MAIN = [*PIP, "-r", "requirements.txt", "-c", "constraints.txt"]


def commands(system, driver, asked=None, local=False):
    choice = course.choose_torch(system, driver, asked)
    return choice, course.torch_commands(PY, choice, "2.13.0", local, "requirements.txt", "constraints.txt")


def test_linux_without_a_gpu_gets_the_cpu_build_from_pytorchs_index():
    choice, cmds = commands("Linux", None)
    assert choice.build == "cpu" and "no NVIDIA driver" in choice.why and "--torch-cuda" in choice.other
    assert cmds == [[*PIP, "--no-deps", "--index-url", course.PYTORCH_CPU_INDEX, "torch==2.13.0+cpu"],
                    [*MAIN, "torch==2.13.0+cpu"]]


def test_a_local_cpu_wheel_is_used_without_pytorchs_index():
    _, cmds = commands("Linux", None, local=True)
    assert cmds == [[*MAIN, "torch==2.13.0+cpu"]]
    assert not any("--index-url" in c or "--extra-index-url" in c for c in cmds[0])


def test_linux_with_an_nvidia_driver_gets_pypis_cuda_build():
    choice, cmds = commands("Linux", "nvidia-smi at /usr/bin/nvidia-smi")
    assert choice.build == "pypi" and "NVIDIA driver" in choice.why and "--torch-cpu" in choice.other
    assert cmds == [MAIN]


@pytest.mark.parametrize("system", ["Darwin", "Windows"])
def test_macos_and_windows_keep_pypis_wheels(system):
    for driver in (None, "nvidia-smi at C:/nvidia-smi.exe"):
        for asked in (None, "cpu", "cuda"):
            choice, cmds = commands(system, driver, asked)
            assert choice.build == "pypi" and cmds == [MAIN], (system, driver, asked)


def test_the_flags_choose_the_other_build_on_linux():
    assert commands("Linux", "nvidia-smi at /usr/bin/nvidia-smi", "cpu")[0].build == "cpu"
    assert commands("Linux", None, "cuda")[0].build == "pypi"
    assert course.TORCH_FLAGS == {"--torch-cpu": "cpu", "--torch-cpu-index": "cpu", "--torch-cuda": "cuda"}


def test_nvidia_driver_detection():
    none = course.nvidia_driver(which=lambda name: None, exists=lambda path: False)
    assert none is None
    smi = course.nvidia_driver(which=lambda name: "/usr/bin/nvidia-smi", exists=lambda path: False)
    assert smi == "nvidia-smi at /usr/bin/nvidia-smi"
    proc = course.nvidia_driver(which=lambda name: None, exists=lambda path: path == "/proc/driver/nvidia")
    assert proc == "/proc/driver/nvidia"


def test_the_constraints_admit_either_build(tmp_path, monkeypatch):
    monkeypatch.setattr(course, "VENV", tmp_path)
    text = course.write_constraints("cpu").read_text()
    torch_lines = [line for line in text.splitlines() if line.startswith("torch")]
    assert torch_lines == [f"torch=={course.locked_torch()}"]
    assert course.locked_torch() == "2.13.0"


def test_a_local_wheel_is_found_only_where_pip_has_one():
    assert not course.local_cpu_wheel(sys.executable, "0.0.1")
    here = [d for d in _find_links() if any(Path(d).glob("torch-2.13.0+cpu-cp311-*.whl"))]
    if not here or sys.version_info[:2] != (3, 11):
        pytest.skip("pip's configuration offers no torch==2.13.0+cpu wheel for this Python")
    assert course.local_cpu_wheel(sys.executable, "2.13.0")  # the course's CI machine


def _find_links():
    out = subprocess.run([sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True).stdout
    return [v.strip("'") for k, _, v in (line.partition("=") for line in out.splitlines()) if "find-links" in k]


@pytest.mark.parametrize("system, driver, local, expected", [
    ("Linux", None, False, ["--index-url", "torch==2.13.0+cpu", "torch==2.13.0+cpu"]),
    ("Linux", None, True, ["torch==2.13.0+cpu"]),
    ("Linux", "/proc/driver/nvidia", False, []),
    ("Darwin", None, False, []),
    ("Windows", None, False, []),
])
def test_setup_runs_these_commands_and_says_why(tmp_path, monkeypatch, capsys, system, driver, local, expected):
    ran = []
    monkeypatch.setattr(course, "VENV", tmp_path)
    monkeypatch.setattr(course, "STAMP", tmp_path / "stamp.json")
    monkeypatch.setattr(course, "venv_python", lambda: Path(sys.executable))
    monkeypatch.setattr(platform, "system", lambda: system)
    # raising=False: the same test runs against a course.py that lacks them (and shows what it does)
    monkeypatch.setattr(course, "nvidia_driver", lambda: driver, raising=False)
    monkeypatch.setattr(course, "local_cpu_wheel", lambda python, version: local, raising=False)
    monkeypatch.setattr(course, "installed_torch", lambda venv: None, raising=False)
    monkeypatch.setattr(course, "_run", lambda cmd, **kw: ran.append([str(c) for c in cmd]))
    monkeypatch.setattr(course, "drop_retired", lambda python: None)
    course.setup("runtime")
    said = capsys.readouterr().out
    pip_installs = [c for c in ran if c[1:4] == ["-m", "pip", "install"] and "-r" in c or "torch==" in " ".join(c)]
    torch_words = [w for c in pip_installs for w in c if w.startswith("torch") or w == "--index-url"]
    assert torch_words == expected, pip_installs
    assert not any("nvidia" in w for c in ran for w in c)
    assert "PyTorch: " in said
    if system == "Linux":
        assert ("--torch-cuda" if not driver else "--torch-cpu") in said


def test_the_installed_torch_is_read_from_the_venv(tmp_path):
    assert course.installed_torch(tmp_path) is None
    (tmp_path / "lib" / "python3.11" / "site-packages" / "torch-2.13.0+cpu.dist-info").mkdir(parents=True)
    assert course.installed_torch(tmp_path) == "2.13.0+cpu"
    assert course.installed_torch(ROOT / ".venv") in (None, "2.13.0", "2.13.0+cpu")
