"""The generated cells work on Colab and GitHub as well as in JupyterLab.

- The Colab cell installs the release the notebook belongs to (the tag v{version} of pyproject.toml),
  not the default branch's HEAD, so that a later change of the package cannot break an older copy.
- Navigation links: a relative link (JupyterLab, GitHub) must name a file that exists; a relative
  link leads nowhere on Colab, so every lesson link is followed by its Colab address, and the course
  overview is the repository's absolute address.
"""

import re
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import nbtools  # noqa: E402

LINK = re.compile(r"(?<!!)\[([^\]]+)\]\(([^)\s]+)\)")


def _generated(name: str, kind: str) -> str:
    nb = nbformat.read(nbtools.NOTEBOOKS / name, as_version=4)
    return next(c.source for c in nb.cells if kind in c.metadata.get("tags", []))


def _links(markdown: str) -> list[tuple[str, str]]:
    badges_removed = re.sub(r"\[!\[[^\]]*\]\([^)]*\)\]\([^)]*\)", "", markdown)
    return LINK.findall(badges_removed)


def test_the_colab_cell_installs_this_release():
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    for name in nbtools.ORDER:
        source = _generated(name, "colab-setup")
        assert f"git+{nbtools.repository_url()}@v{version}\"" in source, name
        assert "--no-deps" in source, "Colab's own torch must stay"
        compile(source, name, "exec")


def test_the_readme_says_how_a_release_is_tagged():
    readme = (ROOT / "README.md").read_text()
    assert "git tag v" in readme and "pyproject.toml" in readme


@pytest.mark.parametrize("name", nbtools.ORDER)
def test_navigation_links_work_in_jupyterlab_github_and_colab(name):
    base = nbtools.repository_url()
    colab = "https://colab.research.google.com/github/" + base.split("github.com/")[1] + "/blob/main/"
    for kind in ("nav-header", "nav-footer"):
        links = _links(_generated(name, kind))
        assert links, f"{name} {kind}: no links"
        relative = [target for _, target in links if "://" not in target]
        for target in relative:
            assert not target.startswith(("../", "/")), f"{name} {kind}: {target} leads nowhere on Colab"
            assert (nbtools.NOTEBOOKS / target.split("#")[0]).is_file(), f"{name} {kind}: {target} missing"
        for _, target in links:
            if "://" in target:
                assert target.startswith((base + "#", base + "/", colab)), f"{name} {kind}: {target}"
                if target.startswith(colab):
                    assert (ROOT / target.removeprefix(colab)).is_file(), f"{name} {kind}: {target}"
        # every lesson reachable by a relative link is reachable on Colab too
        colab_targets = {t.removeprefix(colab + "notebooks/") for _, t in links if t.startswith(colab)}
        assert set(relative) <= colab_targets, f"{name} {kind}: no Colab link for {set(relative) - colab_targets}"
        assert (f"{base}#readme") in [t for _, t in links], f"{name} {kind}: the course overview link"
