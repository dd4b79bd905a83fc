"""Fitted share texts: each distinct post is fitted once, early, and kept between builds.

Fitting a post to twelve networks' rules costs more CPU than Pelican spends on the article
(X's reference counter alone is ~5 ms a text). The inputs are plain data, so:

- while Pelican reads, ``prefetch`` hands an article's posts to the kernel's worker pool
  (another core), with inputs guessed as ``ShareData`` will compute them;
- when a template asks, ``fitted`` returns the result for the exact inputs: kept from an
  earlier build (``CACHE_PATH/share_snippets/``), fitted by a worker, or fitted here;
- ``save`` keeps this build's results for the next one and reports the counts
  (``last-build.json``: ``fitted`` new, ``reused`` from the cache).

The cache file's name carries a hash of the fitting code and twitter-text's version, so a
change to either fits everything again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from kernel import files, preview, workers
from kernel.runs import RunSlot

from .compose import Post, Rule, fit, join_post

REPORT = "last-build.json"
_CODE = ("compose.py", "counting.py", "x_emoji.py", "networks.py", "fitting.py")

# (title, summary, hashtags, url, rule): what one fitted post depends on
Job = tuple[str, str, tuple[str, ...], str, Rule]


def _version() -> str:
    digest = hashlib.sha256()
    for name in _CODE:
        with contextlib.suppress(OSError):
            digest.update((Path(__file__).parent / name).read_bytes())
    for package in ("twitter-text-parser", "icu4py", "regex"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            digest.update(metadata.version(package).encode())
    return digest.hexdigest()[:16]


def _rule_key(rule: Rule) -> list[Any]:
    def name(func: Any) -> str | None:
        return None if func is None else f"{func.__module__}.{func.__qualname__}"

    return [name(rule.counter), rule.limit, rule.max_links, rule.max_bytes, name(rule.accepts)]


@lru_cache(maxsize=256)  # asked by the worker's prefetch, the post's request and its memo entry
def job_key(job: Job) -> str:
    """Return the key of one post's inputs (every field that changes the result)."""
    title, summary, tags, url, rule = job
    text = json.dumps([title, summary, list(tags), url, _rule_key(rule)], ensure_ascii=False)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def fit_one(job: Job) -> list[Any]:
    """Fit one post and count it; return its entry (see ``entry_of``)."""
    title, summary, tags, url, rule = job
    post = fit(title, summary, tags, url, rule)
    return entry_of(post, rule.counter(post.text), job)


def fit_many(jobs: Sequence[Job]) -> list[list[Any]]:
    """Fit an article's posts (one worker task per article, not per network)."""
    return [fit_one(job) for job in jobs]


def entry_of(post: Post, length: int, job: Job) -> list[Any]:
    """Return [title, summary, hashtags, trimmed, length], None where the job's is kept whole.

    Most posts keep the whole title, many the summary and tags too: an entry (sent back by a
    worker, kept all build, twelve an article, and written to the cache file) need not copy
    them, and the post made from it shares the article's own strings.
    """
    return [
        None if post.title == job[0] else post.title,
        None if post.summary == job[1] else post.summary,
        None if tuple(post.hashtags) == tuple(job[2]) else list(post.hashtags),
        post.trimmed,
        length,
    ]


def _well_formed(entry: Any) -> bool:
    """Return True for an entry as ``entry_of`` makes it (anything else is fitted again)."""
    if not isinstance(entry, list) or len(entry) != 5:
        return False
    title, summary, tags, trimmed, length = entry
    return (
        all(part is None or isinstance(part, str) for part in (title, summary))
        and (tags is None or (isinstance(tags, list) and all(isinstance(t, str) for t in tags)))
        and isinstance(trimmed, bool)
        and isinstance(length, int)
        and not isinstance(length, bool)
    )


def _post(entry: Sequence[Any], job: Job) -> tuple[Post, int]:
    title, summary, tags, trimmed, length = entry
    title = job[0] if title is None else title
    summary = job[1] if summary is None else summary
    tags = tuple(job[2] if tags is None else tags)
    body, text = join_post(title, summary, tags, job[3])
    return Post(title, summary, tags, body, text, bool(trimmed)), int(length)


@dataclass
class Fits:
    """One build's fitted posts: kept ones, ones a worker is fitting, and the counts."""

    file: Path | None
    kept: dict[str, list[Any]] = field(default_factory=dict)
    done: dict[str, list[Any]] = field(default_factory=dict)
    pending: workers.Inbox[str, list[Any]] = field(default_factory=workers.Inbox)
    settings: Mapping[str, Any] = field(default_factory=dict)
    fitted: int = 0
    reused: int = 0

    @classmethod
    def start(cls, settings: Mapping[str, Any]) -> Fits:
        cache = settings.get("CACHE_PATH")
        file = Path(cache) / "share_snippets" / f"fits-{_version()}.json" if cache else None
        fits = cls(file, settings=settings)
        if file is not None:
            with contextlib.suppress(OSError, ValueError):
                data = json.loads(file.read_text(encoding="utf-8"))
                if isinstance(data, dict):  # anything else: a damaged file, fit everything
                    fits.kept = {k: v for k, v in data.items() if _well_formed(v)}
        return fits

    def prefetch(self, jobs: Iterable[Job]) -> None:
        """Start fitting the posts not kept or started yet, in one worker task."""
        todo, keys = [], []
        for job in jobs:
            key = job_key(job)
            if key not in self.kept and key not in self.done and key not in self.pending:
                todo.append(job)
                keys.append(key)
        if not todo:
            return
        self.pending.submit(self.settings, keys, fit_many, todo)

    def get(self, job: Job) -> tuple[Post, int]:
        """Return the fitted post and its length for these exact inputs."""
        key = job_key(job)
        entry = self.done.get(key)
        if entry is None and key in self.kept:
            entry = self.done[key] = self.kept[key]
            self.reused += 1
        if entry is None:
            # Never wait for work a worker has not started (on a busy machine a low-priority
            # worker may not get to it soon): it is cancelled and fitted here. Started work
            # is waited for: it ends within one article's fitting.
            found, entry = self.pending.take(key)
            self.fitted += found
        if entry is None:
            entry = fit_one(job)
            self.fitted += 1
        self.done[key] = entry
        return _post(entry, job)

    def keep(self, keys: Iterable[str]) -> None:
        """Keep these posts for the next build though nobody asked for them (memoized)."""
        for key in keys:
            if key not in self.done and key in self.kept:
                self.done[key] = self.kept[key]

    def save(self) -> dict[str, int]:
        """Keep this build's posts for the next build; return the counts."""
        counts = {"fitted": self.fitted, "reused": self.reused}
        self.pending.cancel()
        if preview.is_preview(self.settings):
            # A preview asks for the saved pages' texts only: keep everyone else's too.
            self.done = {**self.kept, **self.done}
        if self.file is None:
            return counts
        with contextlib.suppress(OSError):
            self.file.parent.mkdir(parents=True, exist_ok=True)
            if self.done.keys() != self.kept.keys():
                for old in self.file.parent.glob("fits-*.json"):
                    if old != self.file:
                        old.unlink(missing_ok=True)  # another version of the fitting code
                with files.replaced(self.file) as handle:
                    json.dump(self.done, handle, ensure_ascii=False, separators=(",", ":"))
            (self.file.parent / REPORT).write_text(json.dumps(counts) + "\n", encoding="utf-8")
        return counts


RUN = RunSlot(Fits.start)


def keep(keys: Iterable[str]) -> None:
    """Keep these fitted posts for the next build (their snippets were reused whole)."""
    fits = RUN.peek()
    if fits is not None:
        fits.keep(keys)


def fitted(job: Job) -> tuple[Post, int]:
    """Return one fitted post and its length (through this build's cache when there is one)."""
    fits = RUN.peek()
    if fits is None:
        return _post(fit_one(job), job)
    return fits.get(job)
