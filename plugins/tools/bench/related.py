"""Measure reader_features at scale: `python -m reader_features.bench [N]` (from plugins/).

Builds N synthetic articles (copies of the real content with new slugs and a spread of tags)
with og_cards off, then reports Pelican's build time with and without search, the Pagefind
run and index size, and the time of the related-articles pass. Numbers go to
docs/performance.md ("Search").
"""

from __future__ import annotations

import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from pelican import Pelican
from pelican.settings import read_settings
from reader_features import reader_features, related


def synthetic_content(target: Path, count: int, root: Path, seed: int = 7) -> Path:
    """Copy root's content/ and add ``count`` articles made from the real ones (seeded)."""
    shutil.copytree(root / "content", target)
    sources = sorted((root / "content" / "articles").rglob("*.md"))
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not security
    vocabulary = [f"topic {n}" for n in range(max(20, count // 10))]
    for number in range(count):
        source = sources[number % len(sources)]
        text = source.read_text(encoding="utf-8")
        slug = f"{source.stem}-{number}"
        tags = ", ".join(rng.sample(vocabulary, 3))
        text = re.sub(r"(?m)^Slug: .*$", f"Slug: {slug}", text)
        text = re.sub(r"(?m)^Title: (.*)$", rf"Title: \1 ({number})", text)
        text = re.sub(r"(?m)^Tags: (.*)$", rf"Tags: \1, {tags}", text)
        out = target / source.relative_to(root / "content")
        out.with_name(f"{slug}.md").write_text(text, encoding="utf-8")
    return target


def build(root: Path, content: Path, output: Path, search: bool) -> float:
    """Build and return the wall time in seconds."""
    settings = read_settings(
        str(root / "pelicanconf.py"),
        override={
            "PATH": str(content),
            "OUTPUT_PATH": str(output),
            "CACHE_PATH": str(output.parent / "cache"),
            "OG_CARDS_ENABLED": False,
            "READER_FEATURES_SEARCH": search,
            "LOAD_CONTENT_CACHE": False,
        },
    )
    started = time.perf_counter()
    Pelican(settings).run()
    return time.perf_counter() - started


def related_time(count: int, seed: int = 7) -> float:
    """Time the related pass on ``count`` synthetic items (tags from a 10%-sized vocabulary)."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not security
    vocabulary = [f"t{n}" for n in range(max(20, count // 10))]
    items = [
        related.Item(f"a/{n}/", tuple(rng.sample(vocabulary, 4)), f"c{n % 6}", float(n))
        for n in range(count)
    ]
    started = time.perf_counter()
    related.related(items, items)
    return time.perf_counter() - started


def main(count: int, root: Path) -> None:
    """Print the measurements for ``count`` extra articles."""
    with tempfile.TemporaryDirectory() as tmp:
        content = synthetic_content(Path(tmp) / "content", count, root)
        build(root, content, Path(tmp) / "warm", search=False)  # imports and file cache
        off = build(root, content, Path(tmp) / "off", search=False)
        on = build(root, content, Path(tmp) / "on", search=True)
        stats = reader_features.last_search(Path(tmp) / "cache")
    print(f"articles: {count} synthetic + real content")
    print(f"build without search: {off:.1f} s; with search: {on:.1f} s")
    if stats:
        print(
            f"pagefind: {stats.pages} pages, {stats.words} words, {stats.files} files, "
            f"{stats.bytes / 1024:.0f} KB, {stats.seconds:.2f} s"
        )
    for n in (300, 3000, 30000):
        print(f"related pass, {n} articles: {related_time(n):.2f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000, Path.cwd())
