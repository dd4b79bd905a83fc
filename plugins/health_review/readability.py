"""Readability scores from textstat: scored once per page, early, and kept between builds.

textstat takes ~10 ms a page, more than Pelican spends on it. So:

- while Pelican reads, ``prefetch`` hands the page's HTML to the kernel's worker pool (another
  core); the HTML as read (``content._content``) has the same text as the finished page;
- ``page_scores`` returns the page's scores: kept from an earlier build (by a hash of its HTML,
  so no text is even extracted) or scored by a worker (waited for: Pelican's process scores
  only when there is no pool, so textstat's dictionary never loads there);
- ``save`` keeps the scores this build used under ``CACHE_PATH/health_review/`` (the file
  name carries the textstat version: an upgrade scores everything again) and reports the
  counts in ``last-build.json`` (``scored``: textstat runs in this build, ``reused``).

``scores(text)`` scores any text (memoised for the process: a pure function).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kernel import files, preview, workers
from kernel.runs import RunSlot
from kernel.text import html_to_text

MIN_WORDS = 100  # scores are noise on shorter pages
REPORT = "last-build.json"
_scores: dict[str, list[float]] = {}  # text hash -> [ease, words per sentence], per process


def _key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def readability_text(body_html: str) -> str:
    """Return the readable text of a page, one sentence-ending per block element."""
    text = re.sub(r"<(script|style|pre|code)\b.*?</\1>", " ", body_html or "", flags=re.S | re.I)
    text = re.sub(r"</(p|li|h[1-6]|td|th|dt|dd|blockquote|figcaption)>", ".\n", text, flags=re.I)
    text = html_to_text(text)
    text = re.sub(r"([.!?:;])\s*\.(\s|$)", r"\1\2", text)
    return re.sub(r"\s+", " ", text).strip()


def _textstat(text: str) -> list[float]:
    import textstat  # noqa: PLC0415 - 0.3 s to import, only when a page is scored

    return [float(textstat.flesch_reading_ease(text)), float(textstat.words_per_sentence(text))]


def scores(text: str) -> tuple[float, float]:
    """Return (Flesch reading ease, average words per sentence) of ``text``."""
    key = _key(text)
    run = RUN.peek()
    hit = _scores.get(key)
    if hit is None:
        hit = _scores[key] = _textstat(text)
        if run is not None:
            run.scored += 1
    return hit[0], hit[1]


def score_page(body_html: str, min_words: int = MIN_WORDS) -> list[float]:
    """Return [ease, words per sentence] of a page, [] when it is too short (worker-safe)."""
    text = readability_text(body_html)
    if len(text.split()) < min_words:
        return []
    return list(scores(text))


@dataclass
class PageScores:
    """One build's page scores: the kept ones, the ones workers compute, and the counts."""

    file: Path | None
    settings: Mapping[str, Any] = field(default_factory=dict)
    kept: dict[str, list[float]] = field(default_factory=dict)
    used: dict[str, list[float]] = field(default_factory=dict)
    pending: workers.Inbox[str, list[float]] = field(default_factory=workers.Inbox)
    scored: int = 0
    reused: int = 0

    @classmethod
    def start(cls, settings: Mapping[str, Any]) -> PageScores:
        cache = settings.get("CACHE_PATH")
        run = cls(cache_file(cache) if cache else None, settings)
        if run.file is not None:
            with contextlib.suppress(OSError, ValueError):
                saved = json.loads(run.file.read_text(encoding="utf-8"))
                if isinstance(saved, dict):  # anything else: a damaged file, score everything
                    run.kept = {
                        k: v for k, v in saved.items() if isinstance(v, list) and len(v) in (0, 2)
                    }
        return run

    def prefetch(self, body_html: str, min_words: int) -> None:
        """Start scoring a page in a worker unless it is kept or already started."""
        key = f"{min_words}:{_key(body_html)}"
        if key in self.kept or key in self.used or key in self.pending:
            return
        self.pending.submit(self.settings, key, score_page, body_html, min_words, many=False)

    def page(self, body_html: str, min_words: int) -> list[float]:
        """Return [ease, words per sentence] of a page ([] when too short)."""
        key = f"{min_words}:{_key(body_html)}"
        hit = self.used.get(key)
        if hit is None and key in self.kept:
            hit = self.kept[key]
            self.reused += 1
        if hit is None:
            # With a pool, Pelican's process waits for a worker's score, even one not started,
            # and never scores itself: textstat's dictionary (about 75 MB resident, kept for
            # the rest of the build) would otherwise load there for the first page it scores.
            if key not in self.pending:
                self.pending.submit(self.settings, key, score_page, body_html, min_words,
                                    many=False)  # fmt: skip
            found, hit = self.pending.take(key, wait_unstarted=True)
            if found:
                self.scored += bool(hit)  # [] is a page too short to score
        if hit is None:  # no pool, or its worker failed: score here
            hit = score_page(body_html, min_words)  # scores() counts textstat's runs
        self.used[key] = hit
        return hit

    def save(self) -> dict[str, int]:
        """Keep the scores this build used (temp file, then rename); return the counts."""
        counts = {"scored": self.scored, "reused": self.reused}
        self.pending.cancel()
        if preview.is_preview(self.settings):
            self.used = {**self.kept, **self.used}  # a preview may not ask for every page
        if self.file is None:
            return counts
        with contextlib.suppress(OSError):
            self.file.parent.mkdir(parents=True, exist_ok=True)
            if self.used.keys() != self.kept.keys():
                with files.replaced(self.file) as handle:
                    json.dump(self.used, handle, sort_keys=True)
            (self.file.parent / REPORT).write_text(json.dumps(counts) + "\n", encoding="utf-8")
        return counts


RUN = RunSlot(PageScores.start)


def prefetch(settings: Mapping[str, Any], body_html: str, min_words: int = MIN_WORDS) -> None:
    """Start scoring a page on another core while Pelican reads on (``content_object_init``)."""
    RUN.get(settings).prefetch(body_html, min_words)


def page_scores(
    settings: Mapping[str, Any], body_html: str, min_words: int = MIN_WORDS
) -> tuple[float, float] | None:
    """Return a page's (ease, words per sentence), None when it is too short to score."""
    hit = RUN.get(settings).page(body_html, min_words)
    return (hit[0], hit[1]) if hit else None


def cache_file(cache_path: str | os.PathLike) -> Path:
    """Return the cache file for the installed textstat version."""
    import textstat  # noqa: PLC0415 - 0.3 s to import, only when scores are saved

    version = ".".join(map(str, getattr(textstat, "__version__", ("unknown",))))
    return Path(cache_path) / "health_review" / f"readability-pages-textstat-{version}.json"


def load(cache_path: str | os.PathLike | None) -> None:
    """Start this build's page scores from ``cache_path`` (a damaged cache only costs time)."""
    RUN.drop()
    RUN.get({"CACHE_PATH": cache_path})


def save(cache_path: str | os.PathLike | None = None) -> dict[str, int]:
    """Keep this build's page scores for the next build and forget them; return the counts."""
    run = RUN.peek()
    RUN.drop()
    return run.save() if run is not None else {"scored": 0, "reused": 0}
