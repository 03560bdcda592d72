"""Break what tests/test_jupyterhub.py guards, to show that it fails (a pytest plugin, not a test).

    GDLA_HUB_FAULT=link PYTHONPATH=tests python -m pytest -p _hub_faults tests/test_jupyterhub.py   # must fail
    GDLA_HUB_FAULT=error      ...   # a cell of notebook 01 raises in the students' sessions
    GDLA_HUB_FAULT=lost-edit  ...   # the pull overwrites the student's edit
    GDLA_HUB_FAULT=solutions  ...   # the term branch holds the instructors' notebooks (solutions)

Each fault changes only what the test is given (the link, the upstream repository, the student's
home after the pull's preparation), never the test's assertions.
"""

from __future__ import annotations

import json
import os

import pytest

FAULTS = ("link", "error", "lost-edit", "solutions")


def _broken_link(original):
    def link(hub, repo=None, branch="main", notebook=None):  # a branch upstream does not have
        return original(hub, repo=repo, branch="no-such-branch", notebook=notebook)
    return link


def _raising_upstream(original, module):
    def make(tmp):
        upstream = original(tmp)
        path = upstream / "notebooks" / module.NOTEBOOK
        nb = json.loads(path.read_text())
        nb["cells"].insert(3, {"cell_type": "code", "execution_count": None, "id": "broken-cell",
                               "metadata": {}, "outputs": [],
                               "source": ["raise RuntimeError('a cell that fails in class')"]})
        path.write_text(json.dumps(nb, indent=1))
        module._git("commit", "-qam", "a broken cell", cwd=upstream)
        return upstream
    return make


def _solutions_published(original, module):
    def make(tmp):
        upstream = original(tmp)
        for name in module.nbtools.ORDER:  # the instructors' edition where the student edition belongs
            (upstream / "notebooks" / name).write_bytes((module.nbtools.NOTEBOOKS / name).read_bytes())
        module._git("commit", "-qam", "the instructors' notebooks", cwd=upstream)
        return upstream
    return make


def _losing_pull(original):
    def moves_on(upstream):
        original(upstream)
        # what a careless puller would do: student A's README reset to upstream's
        home = upstream.parent / "homes" / "student-a" / upstream.name
        (home / "README.md").write_text((upstream / "README.md").read_text())
    return moves_on


@pytest.fixture(autouse=True)
def _hub_fault(request, monkeypatch):
    module = request.module
    if module.__name__ != "test_jupyterhub":
        return
    fault = os.environ.get("GDLA_HUB_FAULT", "")
    if fault not in FAULTS:
        raise pytest.UsageError(f"GDLA_HUB_FAULT must be one of {', '.join(FAULTS)}, got {fault!r}")
    if fault == "link":
        monkeypatch.setattr(module.nbtools, "nbgitpuller_link", _broken_link(module.nbtools.nbgitpuller_link))
    elif fault == "error":
        monkeypatch.setattr(module, "_make_upstream", _raising_upstream(module._make_upstream, module))
    elif fault == "solutions":
        monkeypatch.setattr(module, "_make_upstream", _solutions_published(module._make_upstream, module))
    else:
        monkeypatch.setattr(module, "_upstream_moves_on", _losing_pull(module._upstream_moves_on))
