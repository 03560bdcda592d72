"""gdla_helpers.datasets: the photograph and the corpus ship with the package and load offline."""

import base64
import re
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest
import torch

import gdla_helpers as gh
from gdla_helpers import datasets

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "gdla_helpers" / "resources"


def test_photo_is_a_256x219_grey_picture():
    photo = gh.load_photo()
    assert photo.shape == (256, 219) and photo.dtype == torch.float64, "at least 256 pixels on its long side"
    assert photo.min() >= 0 and photo.max() <= 1 and photo.std() > 0.1, "a picture, not a flat grey"
    assert (RESOURCES / "grace_hopper_256x219.png").stat().st_size <= 60_000


def test_shipped_data_stays_small():
    total = sum(p.stat().st_size for p in RESOURCES.iterdir() if p.is_file())
    assert total <= 400_000, f"gdla_helpers/resources holds {total} bytes"


def test_corpus_is_pythons_help_topics():
    corpus = gh.load_pydoc_topics()
    assert corpus.counts.shape == (79, 300) == (len(corpus.documents), len(corpus.words))
    assert {"for", "while", "break", "continue", "integers"} <= set(corpus.documents)
    assert torch.equal(corpus.counts, corpus.counts.round()) and corpus.counts.min() >= 0
    assert (corpus.counts > 0).sum(dim=0).min() >= 1, "every word occurs somewhere"
    assert "PSF" in corpus.source


def test_png_round_trip_and_every_filter_type():
    gray = torch.randint(0, 256, (7, 5), generator=torch.Generator().manual_seed(0), dtype=torch.uint8)
    assert torch.equal(datasets.read_png(datasets.png_bytes(gray)), gray)
    # a file whose rows use filter types 1-4 (as other writers produce): built by hand, decoded back
    import struct
    import zlib
    rows, previous = [], [0] * 5
    for i, row in enumerate(gray.tolist()):
        kind = 1 + i % 4
        out = []
        for j, x in enumerate(row):
            left, up, corner = (row[j - 1] if j else 0), previous[j], (previous[j - 1] if j else 0)
            if kind == 1:
                pred = left
            elif kind == 2:
                pred = up
            elif kind == 3:
                pred = (left + up) // 2
            else:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
            out.append((x - pred) & 255)
        rows.append(bytes([kind, *out]))
        previous = row
    png = datasets.png_bytes(gray)
    start = png.index(b"IDAT") - 4
    end = png.index(b"IEND") - 4
    body = zlib.compress(b"".join(rows))
    idat = struct.pack(">I", len(body)) + b"IDAT" + body + struct.pack(">I", zlib.crc32(b"IDAT" + body) & 0xFFFFFFFF)
    assert torch.equal(datasets.read_png(png[:start] + idat + png[end:]), gray)


def test_bad_pictures_are_refused():
    with pytest.raises(ValueError, match="not a PNG"):
        datasets.read_png(b"GIF89a....")
    with pytest.raises(ValueError, match="2-D"):
        datasets.png_bytes(torch.zeros(3))
    with pytest.raises(ValueError, match="alt must be"):
        gh.plot_pictures({"a": torch.zeros(2, 2)}, title="t", alt=" ")
    with pytest.raises(ValueError, match="high must be above low"):
        datasets.png_data_uri(torch.zeros(2, 2), low=1, high=1)


def test_pictures_figure_is_small_and_carries_its_alt_text():
    photo = gh.load_photo()
    U, S, Vh = torch.linalg.svd(photo, full_matrices=False)
    shown = {f"rank {k}": gh.low_rank(U, S, Vh.mT, k) for k in (20,)} | {"original": photo}
    fig = gh.plot_pictures(shown, title="ranks", alt="the portrait at rank 20 and in full")
    assert [type(t).__name__ for t in fig.data] == ["Image"] * 2
    assert fig.layout.meta["alt"] == "the portrait at rank 20 and in full"
    assert len(fig.to_json()) <= 150_000
    decoded = datasets.read_png(base64.b64decode(fig.data[-1].source.split(",", 1)[1]))
    assert torch.equal(decoded, (photo * 255).round().to(torch.uint8)), "the original is stored losslessly"


def test_resources_are_package_data():
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert "gdla_helpers.resources" in setuptools["packages"], "resources/ must be listed in packages"
    patterns = setuptools["package-data"]["gdla_helpers.resources"]
    for path in RESOURCES.iterdir():
        assert any(fnmatch(path.name, p) for p in patterns), f"{path.name} would not be installed"
    licence = (RESOURCES / "LICENSE-data.txt").read_text()
    assert re.search(r"public domain", licence, re.I) and "PSF" in licence


def test_both_data_sets_load_with_no_network(fresh_interpreter):
    fresh = fresh_interpreter  # a new process that imports gdla_helpers, then loads both (conftest.py)
    if fresh.no_network is not None:
        pytest.skip(f"SKIPPED LOUDLY: {fresh.no_network}, so the no-network load is not tested here")
    assert fresh.returncode == 0, fresh.err
    loaded = fresh.out.partition("\n")[2]  # after the import's status line: what the loads printed
    assert loaded.split() == ["(256,", "219)", "(79,", "300)"], fresh.out
