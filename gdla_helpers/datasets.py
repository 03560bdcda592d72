"""Real data shipped with the package (no downloads): a photograph and a small text corpus.

Both live in gdla_helpers/resources with their licence files and load offline everywhere the
package installs (pip, conda, Binder, Colab), with no package beyond the course's own:

- ``load_photo``: Grace Hopper's portrait (an official U.S. Navy photograph, public domain), the
  copy matplotlib ships as sample data, turned to grey and downsampled to 256×219 by
  scripts/make_datasets.py; stored as an 8-bit greyscale PNG (38 KB).
- ``load_pydoc_topics``: the 79 help topics of Python's own documentation (``pydoc_data.topics``,
  PSF licence) as a documents × words count matrix over a 300-word vocabulary, built by the same
  script. It is unlabelled: the topics' names say what each document is about.
- ``png_data_uri``: a greyscale picture as a PNG data URI, which ``plotting.plot_pictures`` shows
  as a plotly image, so a figure stores a few kilobytes per picture instead of one number per pixel.

The PNG reader and writer here use only zlib (standard library): no Pillow needed.
"""

from __future__ import annotations

import base64
import json
import struct
import zlib
from dataclasses import dataclass
from importlib import resources

import torch

from . import _validate

__all__ = ["Corpus", "load_photo", "load_pydoc_topics"]

PHOTO_FILE = "resources/grace_hopper_256x219.png"
CORPUS_FILE = "resources/pydoc_topics.json"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# --- a minimal greyscale PNG codec (8-bit, no interlacing) ---------------------------------------


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _filtered_rows(levels: torch.Tensor):
    """Each row with the PNG filter (0 none, 1 left, 2 up, 3 average, 4 Paeth) whose output has the
    smallest sum of absolute values as signed bytes (the usual heuristic): a photograph compresses
    to about two thirds of its unfiltered size."""
    previous = torch.zeros(levels.shape[1], dtype=torch.int16)
    for row in levels:
        left = torch.cat([torch.zeros(1, dtype=torch.int16), row[:-1]])
        corner = torch.cat([torch.zeros(1, dtype=torch.int16), previous[:-1]])
        p = left + previous - corner
        pa, pb, pc = (p - left).abs(), (p - previous).abs(), (p - corner).abs()
        paeth = torch.where((pa <= pb) & (pa <= pc), left, torch.where(pb <= pc, previous, corner))
        candidates = [row, row - left, row - previous, row - (left + previous) // 2, row - paeth]
        residues = [(c % 256).to(torch.uint8) for c in candidates]
        cost = [int(torch.minimum(r.to(torch.int16), 256 - r.to(torch.int16)).sum()) for r in residues]
        kind = cost.index(min(cost))
        yield bytes([kind]) + bytes(residues[kind].tolist())
        previous = row


def png_bytes(gray: torch.Tensor) -> bytes:
    """An m×n tensor of grey levels 0-255 (uint8, or numbers rounded and clipped) as PNG file bytes."""
    gray = torch.as_tensor(gray)
    if gray.ndim != 2 or 0 in gray.shape:
        raise ValueError(f"gray must be a non-empty 2-D matrix of grey levels, got shape {tuple(gray.shape)}")
    levels = gray.round().clamp(0, 255).to(torch.uint8) if gray.is_floating_point() else gray.clamp(0, 255).to(torch.uint8)
    m, n = levels.shape
    raw = b"".join(_filtered_rows(levels.to(torch.int16)))
    header = struct.pack(">IIBBBBB", n, m, 8, 0, 0, 0, 0)              # width, height, 8-bit grey
    return _PNG_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(raw, 9)) + _chunk(b"IEND", b"")


def read_png(data: bytes) -> torch.Tensor:
    """The grey levels (uint8 m×n tensor) of an 8-bit greyscale, non-interlaced PNG file's bytes."""
    if not data.startswith(_PNG_SIGNATURE):
        raise ValueError("not a PNG file (its first 8 bytes are not the PNG signature)")
    pos, header, idat = 8, None, b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    if header is None:
        raise ValueError("a PNG file without its IHDR header")
    n, m, depth, colour, _, _, interlace = header
    if (depth, colour, interlace) != (8, 0, 0):
        raise ValueError(f"only 8-bit greyscale, non-interlaced PNG files are read here, got bit depth {depth}, "
                         f"colour type {colour}, interlace {interlace}")
    raw = zlib.decompress(idat)
    rows, previous = [], bytearray(n)
    for i in range(m):
        kind, line = raw[i * (n + 1)], bytearray(raw[i * (n + 1) + 1:(i + 1) * (n + 1)])
        for j in range(n):   # undo the row's filter (PNG types 0-4)
            left = line[j - 1] if j else 0
            up, corner = previous[j], previous[j - 1] if j else 0
            if kind == 1:
                line[j] = (line[j] + left) & 255
            elif kind == 2:
                line[j] = (line[j] + up) & 255
            elif kind == 3:
                line[j] = (line[j] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[j] = (line[j] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
            elif kind != 0:
                raise ValueError(f"row {i} has an unknown PNG filter type {kind}")
        rows.append(list(line))
        previous = line
    return torch.tensor(rows, dtype=torch.uint8)


def png_data_uri(picture: torch.Tensor, *, low: float = 0.0, high: float = 1.0) -> str:
    """A greyscale picture (values from low = black to high = white, clipped) as a PNG data URI.

    Used by ``plot_pictures`` (notebook 03, section "Compressing a picture"). The string can be a plotly
    ``go.Image(source=...)``: a few kilobytes per picture, whatever its number of pixels.
    """
    picture = _validate.tensor(picture, "picture", ndim=2)
    if not high > low:
        raise ValueError(f"high must be above low, got low = {low!r}, high = {high!r}")
    levels = (picture.detach().double().cpu() - low) / (high - low) * 255
    return "data:image/png;base64," + base64.b64encode(png_bytes(levels)).decode("ascii")


# --- the data sets -------------------------------------------------------------------------------


def load_photo() -> torch.Tensor:
    """Grace Hopper's portrait, 256×219 grey levels from 0 (black) to 1 (white), float64.

    Introduced in notebook 03, section "Compressing a picture". An official U.S. Navy photograph
    (public domain), from matplotlib's sample data, made grey and downsampled by
    scripts/make_datasets.py; see resources/LICENSE-data.txt. Loads offline.
    """
    data = resources.files("gdla_helpers").joinpath(PHOTO_FILE).read_bytes()
    return read_png(data).double() / 255


@dataclass(frozen=True, eq=False)
class Corpus:
    """A documents × words count matrix and its labels.

    Introduced in notebook 03, section "A real corpus: Python's help topics".

    Fields: counts: (documents, words) float64 tensor, how often each word occurs in each document;
    documents: the documents' names; words: the vocabulary; source: where the text comes from.
    """

    counts: torch.Tensor
    documents: list[str]
    words: list[str]
    source: str


def load_pydoc_topics() -> Corpus:
    """Python's 79 help topics (pydoc_data.topics, PSF licence) as counts over 300 words.

    Introduced in notebook 03, section "A real corpus: Python's help topics". Built from Python 3.11's
    documentation by scripts/make_datasets.py (so it does not change with the Python you run);
    see resources/LICENSE-data.txt. Loads offline.
    """
    raw = json.loads(resources.files("gdla_helpers").joinpath(CORPUS_FILE).read_text(encoding="utf-8"))
    counts = torch.zeros(len(raw["documents"]), len(raw["words"]), dtype=torch.float64)
    for i, row in enumerate(raw["counts"]):
        for j, c in row:
            counts[i, j] = c
    return Corpus(counts=counts, documents=list(raw["documents"]), words=list(raw["words"]), source=raw["source"])
