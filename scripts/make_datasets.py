#!/usr/bin/env python3
"""Build notebook 03's real data sets in gdla_helpers/resources (run once; the results are committed).

    pip download matplotlib --no-deps -d /tmp/mpl          # the wheel that carries the photograph
    python -m venv /tmp/imgenv && /tmp/imgenv/bin/pip install pillow torch==2.13.0
    /tmp/imgenv/bin/python scripts/make_datasets.py --wheel /tmp/mpl/matplotlib-*.whl

- The photograph: matplotlib's sample image grace_hopper.jpg (512×600, an official U.S. Navy
  portrait of Grace Hopper, public domain), read straight out of a matplotlib wheel (--wheel; the
  wheel is a zip file), or from a file (--photo), or from an installed matplotlib's sample data;
  converted to grey and downsampled with Pillow (Lanczos) to 219×256 pixels (256 on its long side,
  the original's aspect ratio), written as an 8-bit greyscale PNG by gdla_helpers' own writer (so
  that the package reads it back without Pillow).
- The corpus: the standard library's pydoc_data.topics (Python's 79 help topics, PSF licence):
  lower-case words of 3+ letters, a short list of English stop words dropped, the 300 words found in
  the most documents (but in at most half of them), counted per document; stored as JSON.
Neither Pillow nor matplotlib is needed to USE the files: only to rebuild them.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gdla_helpers.datasets import png_bytes  # noqa: E402

RESOURCES = ROOT / "gdla_helpers" / "resources"
PHOTO_SIZE = (219, 256)   # width, height: the portrait's 512×600 aspect ratio, 256 on the long side
VOCABULARY = 300
STOP = set("""the and for are with that this not but can its all any has have was were will from
into than then when which while also may must such only other one two each more most used use uses
using see see also been being they their them there these those what who whom where how why does
done doing you your our out over under about above after before again further here same both few
very just should would could might shall via per etc let itself""".split())


def photo(path: str | None, wheel: str | None = None) -> None:
    import io
    import zipfile

    from PIL import Image

    if wheel is not None:
        with zipfile.ZipFile(wheel) as z:
            name = next(n for n in z.namelist() if n.endswith("mpl-data/sample_data/grace_hopper.jpg"))
            path = io.BytesIO(z.read(name))
        source = f"{wheel}!{name}"
    elif path is None:
        from matplotlib import cbook
        path = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
    source = source if wheel is not None else path
    image = Image.open(path).convert("L").resize(PHOTO_SIZE, Image.LANCZOS)
    import torch
    gray = torch.tensor(list(image.tobytes()), dtype=torch.uint8).reshape(PHOTO_SIZE[1], PHOTO_SIZE[0])
    out = RESOURCES / f"grace_hopper_{PHOTO_SIZE[1]}x{PHOTO_SIZE[0]}.png"
    out.write_bytes(png_bytes(gray))
    print(f"wrote {out} ({out.stat().st_size} bytes) from {source}")


def corpus() -> None:
    import pydoc_data.topics as topics

    names = sorted(topics.topics)
    words_of = {name: [w for w in re.findall(r"[a-z]{3,}", topics.topics[name].lower()) if w not in STOP]
                for name in names}
    frequency = Counter(w for name in names for w in set(words_of[name]))
    allowed = [w for w, f in frequency.most_common() if f <= len(names) // 2]
    vocabulary = sorted(allowed[:VOCABULARY], key=lambda w: (-frequency[w], w))
    index = {w: j for j, w in enumerate(vocabulary)}
    counts = []
    for name in names:
        c = Counter(w for w in words_of[name] if w in index)
        counts.append(sorted([index[w], k] for w, k in c.items()))
    data = {"source": f"pydoc_data.topics of Python {sys.version.split()[0]} (PSF licence)",
            "documents": names, "words": vocabulary, "counts": counts}
    out = RESOURCES / "pydoc_topics.json"
    out.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {out} ({out.stat().st_size} bytes): {len(names)} documents × {len(vocabulary)} words")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photo", help="path to grace_hopper.jpg (default: matplotlib's sample data)")
    parser.add_argument("--wheel", help="a matplotlib wheel to read grace_hopper.jpg from")
    parser.add_argument("--corpus-only", action="store_true", help="rebuild only the corpus (no Pillow needed)")
    args = parser.parse_args()
    if not args.corpus_only:
        photo(args.photo, args.wheel)
    corpus()


if __name__ == "__main__":
    main()
