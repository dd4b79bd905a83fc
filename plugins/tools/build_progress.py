"""What one build did, phase by phase, and how the build runner says it (``tools.build``).

``Progress`` listens to Pelican's signals during one run and fills a ``BuildStats`` (plain
data: other tools read the numbers, never the text). ``say_phase`` and ``summary_lines``
turn the data into the few lines a writer reads: one per phase (reading, writing, cards,
search) and a summary with the counts, the problems and where the site is.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kernel import console, contents
from kernel.problems import Problem

PHASES = ("reading", "writing", "cards", "search")


@dataclass
class BuildStats:
    """Counts and timings of one build; None: that part did not run (plugin off or failed)."""

    articles: int = 0  # published articles (listed, hidden, translations)
    pages: int = 0  # published pages
    hidden: int = 0  # of those, reachable by link only
    drafts: int = 0
    scheduled: int = 0
    written: int = 0  # pages and feeds Pelican wrote
    static: int = 0  # files copied as they are (images, favicons)
    cards_rendered: int | None = None
    cards_cached: int | None = None
    search_pages: int | None = None
    seconds: dict[str, float] = field(default_factory=dict)  # per phase

    def as_dict(self) -> dict[str, Any]:
        """Return the stats as JSON-ready data."""
        return dict(vars(self))


def _report(cache: Path, name: str, since: float) -> Any:
    """Return a plugin's JSON report in CACHE_PATH if this build wrote it, else None."""
    path = cache / name
    try:
        if path.stat().st_mtime < since:
            return None  # an older build's: the plugin did not run this time
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


class Progress:
    """Follow one Pelican run through its signals; ``say`` gets one line per phase."""

    def __init__(self, say: Callable[[str], None] | None) -> None:
        self.stats = BuildStats()
        self.say = say
        self.started = time.perf_counter()
        self.wall_start = time.time()
        self._writing_started: float | None = None
        self._last_write: float | None = None
        self._finished_writing = False

    @contextlib.contextmanager
    def watching(self) -> Iterator[BuildStats]:
        """Connect to Pelican's signals for the duration of one run."""
        from pelican.plugins import signals

        pairs = [
            (signals.all_generators_finalized, self._read),
            (signals.get_writer, self._writer),
            (signals.content_written, self._written),
            (signals.feed_written, self._written),
            (signals.finalized, self._finalized),
        ]
        for signal, receiver in pairs:
            signal.connect(receiver)
        try:
            yield self.stats
        finally:
            for signal, receiver in pairs:
                signal.disconnect(receiver)

    def _line(self, phase: str, text: str) -> None:
        if self.say is not None:
            self.say(say_phase(phase, text, self.stats.seconds.get(phase)))

    def _read(self, generators: list[Any]) -> None:
        stats = self.stats
        stats.seconds["reading"] = time.perf_counter() - self.started
        for content in contents.published(generators):
            if contents.is_article(content):
                stats.articles += 1
            else:
                stats.pages += 1
            stats.hidden += str(getattr(content, "status", "")).lower() == "hidden"
        stats.drafts = len(contents.drafts(generators))
        stats.scheduled = len(contents.scheduled(generators))
        stats.static = sum(len(getattr(g, "staticfiles", []) or []) for g in generators)
        waiting = [
            f"{n} {word}"
            for n, word in ((stats.drafts, "draft"), (stats.scheduled, "scheduled"))
            if n
        ]
        self._line(
            "reading",
            f"{_n(stats.articles, 'article')}, {_n(stats.pages, 'page')}"
            + (f" ({stats.hidden} by link only)" if stats.hidden else "")
            + (f"; not published: {', '.join(waiting)}" if waiting else ""),
        )

    def _writer(self, *args: Any, **kwargs: Any) -> None:
        self._writing_started = time.perf_counter()  # returns no writer: Pelican's is used

    def _written(self, *args: Any, **kwargs: Any) -> None:
        self.stats.written += 1
        self._last_write = time.perf_counter()

    def _finalized(self, pelican: Any) -> None:
        self._finish_writing()

    def _finish_writing(self) -> None:
        if self._finished_writing or self._writing_started is None:
            return
        self._finished_writing = True
        end = self._last_write or time.perf_counter()
        self.stats.seconds["writing"] = end - self._writing_started
        self._line(
            "writing",
            f"{_n(self.stats.written, 'page and feed', 'pages and feeds')}, "
            f"{_n(self.stats.static, 'file')} copied",
        )

    def after_run(self, settings: dict[str, Any]) -> None:
        """Read the plugins' reports of this run (cards, search) and say them."""
        self._finish_writing()
        cache = Path(settings.get("CACHE_PATH") or ".cache")
        since = self.wall_start - 1  # file times have coarse resolution on some filesystems
        cards = _report(cache, "og_cards/last-build.json", since)
        if isinstance(cards, dict):
            self.stats.cards_rendered = int(cards.get("rendered", 0))
            self.stats.cards_cached = int(cards.get("cached", 0))
            total = self.stats.cards_rendered + self.stats.cards_cached
            self._line(
                "cards",
                f"{_n(total, 'card')}: {self.stats.cards_rendered} drawn, "
                f"{self.stats.cards_cached} unchanged from the last build",
            )
        search = _report(cache, "reader_features/last-search.json", since)
        if isinstance(search, dict):
            self.stats.search_pages = int(search.get("pages", 0))
            self.stats.seconds["search"] = float(search.get("seconds", 0.0))
            self._line("search", f"{_n(self.stats.search_pages, 'page')} in the search index")


def _n(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def say_phase(phase: str, text: str, seconds: float | None = None) -> str:
    """Return one progress line: ``reading   16 articles, 6 pages  (3.1 s)``."""
    return f"{phase:<8} {text}" + (f"  ({seconds:.1f} s)" if seconds is not None else "")


def _where(output: Path | None) -> str:
    if output is None:
        return "(no output)"
    try:
        return f"{output.relative_to(Path.cwd()).as_posix()}/"
    except ValueError:
        return f"{output}/"


def summary_lines(
    *,
    ok: bool,
    settings_name: str,
    output: Path | None,
    seconds: float,
    problems: list[Problem],
    excluded: list[str],
    stats: BuildStats | None,
    kept_previous: bool = False,
) -> list[str]:
    """Return the build's last lines: verdict and place, counts, problems, files left out."""
    lines = [
        f"build {'ok' if ok else 'FAILED'}: {settings_name} -> {_where(output)} in {seconds:.1f} s"
    ]
    if stats is not None:
        counts = [_n(stats.articles, "article"), _n(stats.pages, "page")]
        if stats.cards_rendered is not None:
            counts.append(
                f"{_n(stats.cards_rendered + (stats.cards_cached or 0), 'card')} "
                f"({stats.cards_rendered} drawn, {stats.cards_cached} cached)"
            )
        if stats.search_pages is not None:
            counts.append(f"{_n(stats.search_pages, 'page')} searchable")
        lines.append("  " + ", ".join(counts))
    lines.append(
        f"  problems: {console.count_line(problems)}" + (" (table above)" if problems else "")
    )
    if excluded:
        lines.append(f"  Left out of this build ({len(excluded)}): " + ", ".join(excluded))
    if kept_previous and output is not None:
        lines.append(f"  The previous output in {_where(output)} was left untouched.")
    return lines
