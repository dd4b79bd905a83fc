"""The card cache (a manifest under CACHE_PATH/og_cards/) and the pool of worker processes."""

from __future__ import annotations

import contextlib
import json
import logging
import multiprocessing
import os
import shutil
import sys
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kernel import files
from rich.progress import Progress

from og_cards.render import render_card
from og_cards.spec import EXTENSIONS

logger = logging.getLogger(__name__)

MANIFEST_VERSION = 1


@dataclass
class Job:
    """One card wanted in the output."""

    digest: str
    name: str
    source: str
    spec: dict[str, Any]
    future: Future | None = None
    result: dict[str, Any] | None = None
    private: bool = False  # a card for content that is not published yet (scheduled, draft)


@dataclass
class Stats:
    """What one build did."""

    rendered: int = 0
    cached: int = 0
    failed: int = 0
    wasted: int = 0  # prefetched renders no page wanted in the end (their spec changed)
    names: list[str] = field(default_factory=list)
    # (content source, what went wrong): the plugin reports these as problems
    failures: list[tuple[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        """Return the counts (the build's og_cards report)."""
        return {"rendered": self.rendered, "cached": self.cached, "failed": self.failed,
                "wasted": self.wasted, "placed": len(self.names)}  # fmt: skip


class CardJobs:
    """Collect wanted cards, render the missing ones in a pool, then place all in the output."""

    def __init__(
        self,
        cache_dir: Path,
        workers: int,
        start_method: str | None = None,
        nice: int = 10,
        executor: Any = None,
    ) -> None:
        """``executor``: a shared pool (``submit_later(fn, *args)`` -> Future or None) to use
        instead of starting one of our own (the build passes the kernel's)."""
        self.executor = executor
        self.cache_dir = cache_dir
        self.nice = nice
        self.cards_dir = cache_dir / "cards"
        self.workers = workers
        self.start_method = start_method
        self.jobs: dict[str, Job] = {}  # by output name
        self.pending: dict[str, Job] = {}  # by digest: renders started in this build
        self.pool: ProcessPoolExecutor | None = None
        # source path -> (card inputs, spec, digest) computed while reading (cards.prefetch_content)
        self.memo: dict[str, tuple[Any, dict[str, Any], str]] = {}
        self.manifest = self._load_manifest()

    def _load_manifest(self) -> dict[str, dict[str, Any]]:
        try:
            data = json.loads((self.cache_dir / "manifest.json").read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        if data.get("version") != MANIFEST_VERSION:
            return {}
        return data.get("cards", {})

    def cached_path(self, digest: str, fmt: str) -> Path:
        """Return where the cache keeps the card with this digest."""
        return self.cards_dir / f"{digest}.{EXTENSIONS[fmt]}"

    def is_cached(self, digest: str, fmt: str) -> bool:
        """Return True if an earlier build rendered this exact spec (a stat, no image decode)."""
        return digest in self.manifest and self.cached_path(digest, fmt).is_file()

    def add(
        self, digest: str, name: str, source: str, spec: dict[str, Any], *, private: bool = False
    ) -> None:
        """Want a card in the output (or the private folder); start rendering it if not cached."""
        job = Job(digest, name, source, spec, private=private)
        if name in self.jobs and not self.jobs[name].private:
            job.private = False  # the same card is also wanted by a published page
        self.jobs[name] = job
        self._submit(job)

    def prefetch(self, digest: str, spec: dict[str, Any]) -> None:
        """Start rendering a card that will probably be wanted (cached only, not placed)."""
        if self.workers > 0:  # inline rendering gains nothing from guessing early
            self._submit(Job(digest, "", "", spec))

    def _submit(self, job: Job) -> None:
        digest, spec = job.digest, job.spec
        if digest in self.pending:
            if job.name and not self.pending[digest].name:
                # A prefetched render is wanted after all: report failures under this file.
                job.future = self.pending[digest].future
                self.pending[digest] = job
            return
        if self.is_cached(digest, spec["format"]):
            return
        self.pending[digest] = job
        if self.workers > 0:
            path = str(self.cached_path(digest, spec["format"]))
            if self.executor is not None:
                self.cards_dir.mkdir(parents=True, exist_ok=True)
                # Cards are wanted when the site is finished: scores and share texts go first.
                job.future = self.executor.submit_later(render_card, spec, path)
            else:
                job.future = self._pool().submit(render_card, spec, path)

    def _pool(self) -> ProcessPoolExecutor:
        if self.pool is None:
            self.cards_dir.mkdir(parents=True, exist_ok=True)
            context = multiprocessing.get_context(self.start_method)
            self.pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=context,
                initializer=_init_worker,
                initargs=(self.nice,),
            )
        return self.pool

    def _wait(self, progress_min: int) -> None:
        jobs = list(self.pending.values())
        show = len(jobs) >= progress_min and sys.stderr.isatty()
        progress = None
        if show:
            progress = Progress(transient=True)
            progress.start()
            task = progress.add_task("og_cards: rendering cards", total=len(jobs))
        try:
            for job in jobs:
                path = str(self.cached_path(job.digest, job.spec["format"]))
                try:
                    job.result = job.future.result() if job.future else render_card(job.spec, path)
                except Exception as error:
                    job.result = {"error": f"{type(error).__name__}: {error}"}
                if progress:
                    progress.advance(task)
        finally:
            if progress:
                progress.stop()

    def finish(
        self, output_dir: Path, progress_min: int = 20, private_dir: Path | None = None
    ) -> Stats:
        """Wait for renders, link every card into `output_dir` (unpublished content's cards into
        `private_dir`, never the site), save the manifest, return stats."""
        stats = Stats()
        self._wait(progress_min)
        self.shutdown()
        for job in self.pending.values():
            result = job.result or {}
            if "error" in result:
                stats.failed += 1
                if job.source:
                    stats.failures.append(
                        (job.source, f"the card was not drawn: {result['error']}")
                    )
                else:
                    logger.debug("og_cards: a prefetched card failed: %s", result["error"])
                continue
            if job.name:
                stats.rendered += 1
            else:
                stats.wasted += 1
            self.manifest[job.digest] = {
                "ext": EXTENSIONS[job.spec["format"]],
                "bytes": result["bytes"],
                "width": result["width"],
                "height": result["height"],
                "warning": result["warning"],
            }
        output_dir.mkdir(parents=True, exist_ok=True)
        for name, job in self.jobs.items():
            entry = self.manifest.get(job.digest)
            if entry is None:
                continue
            if job.digest not in self.pending:
                stats.cached += 1
            if entry.get("warning"):
                stats.failures.append(
                    (job.source, f"the card fell back to the text layout: {entry['warning']}")
                )
            if job.private:
                if private_dir is None:
                    continue
                private_dir.mkdir(parents=True, exist_ok=True)
                place(self.cached_path(job.digest, job.spec["format"]), private_dir / name)
                continue
            place(self.cached_path(job.digest, job.spec["format"]), output_dir / name)
            stats.names.append(name)
        self._save_manifest()
        return stats

    def _save_manifest(self) -> None:
        data = {"version": MANIFEST_VERSION, "cards": self.manifest}
        blob = json.dumps(data, sort_keys=True, indent=0).encode("utf-8")
        files.write_bytes(self.cache_dir / "manifest.json", blob)

    def shutdown(self) -> None:
        """Stop the worker processes (idempotent)."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def _init_worker(nice: int) -> None:
    """Lower a worker's priority: Pelican's single process keeps its core; renders use the rest."""
    if nice > 0 and hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(nice)


def place(cached: Path, target: Path) -> None:
    """Hard-link a cached card into the output (copy across file systems); skip if already there."""
    try:
        if target.exists() and cached.samefile(target):
            return
    except OSError:
        pass
    target.unlink(missing_ok=True)
    try:
        target.hardlink_to(cached)
    except OSError:
        shutil.copy2(cached, target)
