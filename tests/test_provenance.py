"""Every public helper's "Introduced in notebook NN, section S" pointer is true of the notebooks.

The section heading exists in notebook NN, and the notebooks' code uses gh.NAME first in notebook NN,
at or after that heading, and never before it (in an earlier notebook or an earlier cell). This
is also how the course's "teach before use" rule is kept for the gh names. The notebooks are read
as they are, so a renamed section or an earlier use fails here with the name and the cell.
"""

import inspect
import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import nbtools  # noqa: E402
from test_api import NOT_IN_NOTEBOOKS  # noqa: E402

import gdla_helpers as gh  # noqa: E402

POINTER = re.compile(r'(Introduced in|Related to) notebook (\d+), section "([^"]+)"')
NUMBERED = re.compile(r"^(\d+(\.\d+)*\.?\s+)")


def _plain(text: str) -> str:
    """A heading without Markdown emphasis and code marks: `torch.matmul` and **hybrid** read as words."""
    return text.replace("**", "").replace("`", "").strip()


def _lessons():
    """{number: [(cell index, kind, text)]} with kind "heading" (text without #s and numbering) or "code"."""
    out = {}
    for lesson in nbtools.LESSONS:
        items = []
        for i, cell in enumerate(nbformat.read(ROOT / "notebooks" / lesson.file, as_version=4).cells):
            if cell.cell_type == "markdown":
                for line in cell.source.splitlines():
                    if line.startswith("#"):
                        items.append((i, "heading", _plain(NUMBERED.sub("", line.lstrip("#").strip()))))
            elif cell.cell_type == "code":
                items.append((i, "code", cell.source))
        out[lesson.number] = items
    return out


LESSONS = _lessons()
HELPERS = sorted(name for name in gh.__all__ if name not in NOT_IN_NOTEBOOKS and inspect.getdoc(getattr(gh, name))
                 and (callable(getattr(gh, name))))


def pointer(name: str) -> tuple[str, str, bool]:
    """(notebook number, section, used): "Introduced in" a section that uses it, or "Related to" one that does not."""
    match = POINTER.search(inspect.getdoc(getattr(gh, name)) or "")
    assert match, f"gh.{name}: its docstring has no 'Introduced in notebook NN, section \"S\"' pointer"
    return match.group(2).zfill(2), _plain(match.group(3)), match.group(1) == "Introduced in"


def problems(name: str) -> list[str]:
    number, section, used = pointer(name)
    if number not in LESSONS:
        return [f"gh.{name} points to notebook {number}, which does not exist"]
    headings = [i for i, kind, text in LESSONS[number] if kind == "heading" and text == section]
    if not headings:
        return [f"gh.{name} points to section {section!r} of notebook {number}, which has no such heading"]
    start = headings[0]
    use = re.compile(rf"\bgh\.{re.escape(name)}\b")
    found = []
    for lesson in nbtools.LESSONS:
        for i, kind, text in LESSONS[lesson.number]:
            if kind == "code" and use.search(text):
                found.append((lesson.number, i))
    if not used:
        return [f"gh.{name} says the notebooks do not call it, but notebook {n} cell {i} does: write 'Introduced in'"
                for n, i in found[:1]]
    out = []
    early = [f"notebook {n} cell {i}" for n, i in found if n < number or (n == number and i < start)]
    if early:
        out.append(f"gh.{name} is used before its section {section!r} (cell {start} of notebook {number}): "
                   + ", ".join(early))
    if not isinstance(getattr(gh, name), type) and not any(n == number and i > start for n, i in found):
        out.append(f"gh.{name} is never used in notebook {number} at or after its section {section!r}")
    return out


# Pointers that main's notebooks do not honour yet, and why (the notebooks' owners fix them; strict:
# once a notebook is fixed the test passes, xfail turns that into a failure and the entry must go).
KNOWN = {
}


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.xfail(reason=KNOWN[n], strict=True))
                                  if n in KNOWN else n for n in HELPERS])
def test_pointer_is_true(name):
    found = problems(name)
    assert not found, "; ".join(found) + ": fix the docstring's pointer (or the notebook)"
