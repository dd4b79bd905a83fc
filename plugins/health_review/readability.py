"""Readability scores from textstat, computed once per distinct text and kept between builds.

textstat takes ~10 ms a page. health_review and editors_desk both score every page, and a warm
rebuild would score them all again: scores are memoised by a hash of the text and saved under
``CACHE_PATH/health_review/`` (the file name carries the textstat version, so an upgrade
re-scores everything).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path

_scores: dict[str, list[float]] = {}
_used: set[str] = set()


def scores(text: str) -> tuple[float, float]:
    """Return (Flesch reading ease, average words per sentence) of ``text``."""
    key = hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()
    _used.add(key)
    hit = _scores.get(key)
    if hit is None:
        import textstat  # noqa: PLC0415 - 0.3 s to import, only when a page is scored

        hit = [float(textstat.flesch_reading_ease(text)), float(textstat.words_per_sentence(text))]
        _scores[key] = hit
    return hit[0], hit[1]


def cache_file(cache_path: str | os.PathLike) -> Path:
    """Return the cache file for the installed textstat version."""
    import textstat  # noqa: PLC0415 - 0.3 s to import, only when scores are saved

    version = ".".join(map(str, getattr(textstat, "__version__", ("unknown",))))
    return Path(cache_path) / "health_review" / f"readability-textstat-{version}.json"


def load(cache_path: str | os.PathLike | None) -> None:
    """Load saved scores (a missing or damaged cache only costs time)."""
    _used.clear()
    if not cache_path:
        return
    with contextlib.suppress(OSError, ValueError, ImportError):
        saved = json.loads(cache_file(cache_path).read_text(encoding="utf-8"))
        _scores.update({k: v for k, v in saved.items() if isinstance(v, list) and len(v) == 2})


def save(cache_path: str | os.PathLike | None) -> None:
    """Save the scores used by this build (temp file, then rename)."""
    if not cache_path or not _used:
        return
    with contextlib.suppress(OSError, ImportError):
        target = cache_file(cache_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        kept = {key: _scores[key] for key in sorted(_used) if key in _scores}
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".readability-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(kept, handle)
        Path(tmp).replace(target)
