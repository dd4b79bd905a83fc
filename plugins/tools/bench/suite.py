"""Paired whole-site builds: our plugins against the same settings with ``PLUGINS=[]``.

For each settings file (development ``pelicanconf.py``, live ``publishconf.py``) and each corpus
size, one *pair* is two builds of the same corpus, one after the other, in fresh processes:
bare (``PLUGINS=[]``, same theme and settings) and with our plugins. A round is a cold pair
(empty cache and output folders) followed by a warm pair (the same folders again, Pelican's
content cache on, as `invoke build` rebuilds). Rounds alternate which build goes first, so a
slow minute of a shared machine falls on both sides. After the rounds, one article's title and
first paragraph are edited and both sides build again: what the plugins redo for one edit.
"""

from __future__ import annotations

import os
import shutil
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.bench.corpus import synthetic_articles
from tools.bench.measure import measure

SITEURL = "http://127.0.0.1:8000"
CONFIGS = {"dev": "pelicanconf.py", "live": "publishconf.py"}
CACHED = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}


@dataclass
class Pair:
    """One bare build and one plugin build of the same corpus, back to back."""

    kind: str  # cold, warm or edit
    bare: dict[str, Any]
    plugins: dict[str, Any]
    load: tuple[float, float, float]

    @property
    def ratio(self) -> float:
        return self.plugins["wall"] / self.bare["wall"]

    @property
    def rss_ratio(self) -> float:
        return self.plugins["rss_main_mb"] / self.bare["rss_main_mb"]


@dataclass
class Series:
    """Every pair of one settings file at one corpus size."""

    config: str
    n: int
    sources: int
    pairs: list[Pair] = field(default_factory=list)

    def of(self, kind: str) -> list[Pair]:
        return [p for p in self.pairs if p.kind == kind]

    def noise(self, kind: str) -> tuple[float, float, float]:
        """Return (min, median, max) of the wall-time ratios of one kind of pair."""
        ratios = [p.ratio for p in self.of(kind)]
        return min(ratios), statistics.median(ratios), max(ratios)

    def median(self, kind: str, side: str, key: str) -> float:
        return statistics.median(float(getattr(p, side)[key]) for p in self.of(kind))


def _override(work: Path, side: str, warm: bool) -> dict[str, Any]:
    override: dict[str, Any] = {
        "OUTPUT_PATH": str(work / side / "output"),
        "CACHE_PATH": str(work / side / "cache"),
        "SHAREWELL_PRIVATE_PATH": str(work / side / "private"),
        "SITEURL": SITEURL,
        "FEED_DOMAIN": SITEURL,
        "LOAD_CONTENT_CACHE": warm,
        "CACHE_CONTENT": True,
    }
    if side == "bare":
        override["PLUGINS"] = []
    return override


def _clear(work: Path) -> None:
    for side in ("bare", "plugins"):
        if (work / side).exists():
            shutil.rmtree(work / side)


def run_pair(
    root: Path, settings: Path, content: Path, work: Path, kind: str, *, plugins_first: bool
) -> Pair:
    """Build bare and with plugins (in the given order) and return the pair."""
    warm = kind != "cold"
    results: dict[str, dict[str, Any]] = {}
    for side in ("plugins", "bare") if plugins_first else ("bare", "plugins"):
        override = {"PATH": str(content), **_override(work, side, warm)}
        results[side] = measure(root, settings, override, label=f"{kind} {side}")
    if results["plugins"]["articles"] != results["bare"]["articles"]:
        raise RuntimeError(
            f"{kind} pair: the plugins built {results['plugins']['articles']} articles and bare "
            f"Pelican {results['bare']['articles']}: the corpus breaks a content rule (run "
            f"`invoke check` on {content}), so the two sides do not do the same work"
        )
    return Pair(kind, results["bare"], results["plugins"], os.getloadavg())


def edit_one_article(content: Path) -> tuple[Path, str]:
    """Change one synthetic article's title and first paragraph (as a writer's save does).

    Returns the file and its text before the edit.
    """
    article = synthetic_articles(content)[0]
    before = article.read_text(encoding="utf-8")
    lines = before.split("\n")
    lines[0] = lines[0] + " (updated)"
    body = lines.index("", 1) + 1
    for number in range(body, len(lines)):
        if lines[number] and not lines[number].startswith("#"):
            lines[number] = "This paragraph was edited. " + lines[number]
            break
    article.write_text("\n".join(lines), encoding="utf-8")
    return article, before


def run_series(
    root: Path,
    config: str,
    content: Path,
    work: Path,
    *,
    n: int,
    rounds: int,
    edit: bool = True,
    progress: Callable[[str], None] = print,
) -> Series:
    """Run ``rounds`` cold and warm pairs (and one edit pair) for one settings file."""
    settings = root / CONFIGS[config]
    sources = len(list(content.rglob("*.md")))
    series = Series(config, n, sources)
    for number in range(rounds):
        _clear(work)
        for kind in ("cold", "warm"):
            started = time.perf_counter()
            pair = run_pair(root, settings, content, work, kind, plugins_first=number % 2 == 1)
            series.pairs.append(pair)
            progress(
                f"bench: {config} N={n} {kind} round {number + 1}/{rounds}: "
                f"bare {pair.bare['wall']:.1f} s, plugins {pair.plugins['wall']:.1f} s "
                f"({pair.ratio:.2f}x), load {pair.load[0]:.1f}, "
                f"{time.perf_counter() - started:.0f} s"
            )
    if edit:
        edited, before = edit_one_article(content)
        try:
            pair = run_pair(root, settings, content, work, "edit", plugins_first=False)
        finally:
            edited.write_text(before, encoding="utf-8")
        series.pairs.append(pair)
        progress(f"bench: {config} N={n} one edited article: plugins {pair.plugins['wall']:.1f} s")
    return series
