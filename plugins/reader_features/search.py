"""Run Pagefind (the binary shipped by the ``pagefind[bin]`` PyPI package) on the output."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


class SearchError(RuntimeError):
    """Pagefind is missing or failed."""


@dataclass(frozen=True)
class IndexStats:
    """What one Pagefind run produced."""

    pages: int
    words: int
    files: int
    bytes: int
    seconds: float


def find_binary(configured: str | None = None) -> Path:
    """Return the Pagefind executable: the setting, $PAGEFIND_BINARY_PATH, then the pip package."""
    if configured:
        path = Path(configured)
        if not path.is_file():
            raise SearchError(f"READER_FEATURES_PAGEFIND_BINARY {configured!r} is not a file")
        return path
    try:
        from pagefind.service import get_executable  # noqa: PLC0415 - optional package
    except ImportError:
        get_executable = None
    if get_executable is not None:
        found = get_executable()  # honours PAGEFIND_BINARY_PATH, prefers pagefind_extended
        if found is not None:
            return Path(found)
    for name in ("pagefind_extended", "pagefind"):
        on_path = shutil.which(name)
        if on_path:
            return Path(on_path)
    raise SearchError("no Pagefind binary: install it with `pip install 'pagefind[bin]'`")


def _count(pattern: str, text: str) -> int:
    match = re.search(pattern, text)
    return int(match.group(1)) if match else 0


def bundle_size(bundle: Path) -> tuple[int, int]:
    """Return (files, bytes) of a Pagefind bundle folder."""
    files = [p for p in bundle.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


BODY_MARK = b"data-pagefind-body"
# Written into the bundle: what the index was built from. Pagefind's own file names change on
# every run, even for the same pages, so a publish compares this file with the live site's and
# keeps the live index when they match (tools/deploy); builds reuse a cached copy likewise.
SOURCE_FILE = "index-source.json"


@functools.lru_cache(maxsize=8)
def pagefind_version(binary: Path) -> str:
    """Return ``pagefind --version`` (part of what an index depends on)."""
    try:
        done = subprocess.run(
            [str(binary), "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return done.stdout.strip() or "unknown"


# Characters with a meaning in a Pagefind glob: a folder named with one is not listed by name.
_GLOB_SPECIAL = frozenset("*?[]{}!,\\")


def page_glob(site: Path, skip_folders: Iterable[str] = ()) -> str | None:
    """Return a Pagefind ``--glob`` for the HTML files outside ``skip_folders`` (None: all).

    The skipped folders are what plugins write for themselves (the desk: a thousand pages on a
    big site, never searchable, which Pagefind would otherwise read on every rebuild). A glob
    cannot exclude, so it names the other top-level folders; if one has a glob character in its
    name, every file is read as before.
    """
    skip = set(skip_folders)
    folders = sorted(p.name for p in site.iterdir() if p.is_dir()) if site.is_dir() else []
    if not skip & set(folders):
        return None
    kept = [name for name in folders if name not in skip]
    if any(_GLOB_SPECIAL & set(name) for name in kept):
        return None
    return "{" + ",".join(["*.html", *(f"{name}/**/*.html" for name in kept)]) + "}"


def index_fingerprint(
    site: Path,
    bundle_dir: str,
    options: list[str],
    version: str = "",
    skip_folders: Iterable[str] = (),
) -> str:
    """Return a hash of what Pagefind would index: the pages it reads, its options and version.

    When any page is marked ``data-pagefind-body`` Pagefind indexes only those, so only
    they count (the dev-only desk, which changes every build, then does not). No absolute
    path goes in, so the same pages give the same fingerprint on every machine. Pages in
    ``skip_folders`` (top level, as ``page_glob`` leaves them out) are not read.
    """
    skipped = {bundle_dir.strip("/"), *skip_folders}
    pages = sorted(p for p in site.rglob("*.html") if p.relative_to(site).parts[0] not in skipped)
    # One page in memory at a time: the whole output is ~50 KB a page (50 MB at 1,000).
    hashed = []
    for page in pages:
        data = page.read_bytes()
        hashed.append((page, hashlib.sha256(data).digest(), BODY_MARK in data))
    marked = [entry for entry in hashed if entry[2]]
    digest = hashlib.sha256("\0".join([version, *options]).encode("utf-8"))
    for path, page_digest, _ in marked or hashed:
        digest.update(path.relative_to(site).as_posix().encode("utf-8") + b"\0")
        digest.update(page_digest)
    return digest.hexdigest()


def _bundle_fingerprint(bundle: Path) -> str | None:
    try:
        return json.loads((bundle / SOURCE_FILE).read_text(encoding="utf-8"))["fingerprint"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _reuse_previous(state_file: Path | None, bundle: Path, fingerprint: str) -> IndexStats | None:
    """Return the stats of an identical earlier run, with its bundle in place.

    The bundle is the one already in the output, or else the copy kept next to the state file
    (a build into a fresh folder then gets byte-identical search files).
    """
    if state_file is None:
        return None
    try:
        state = json.loads(state_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if state.get("fingerprint") != fingerprint:
        return None
    if _bundle_fingerprint(bundle) != fingerprint:
        cached = state_file.with_name("pagefind-bundle")
        if _bundle_fingerprint(cached) != fingerprint:
            return None
        shutil.rmtree(bundle, ignore_errors=True)
        shutil.copytree(cached, bundle)
    files, size = bundle_size(bundle)
    return IndexStats(state.get("pages", 0), state.get("words", 0), files, size, 0.0)


def run_pagefind(
    binary: Path,
    site: Path,
    bundle_dir: str,
    *,
    exclude_selectors: list[str] | tuple[str, ...] = (),
    force_language: str | None = None,
    timeout: float = 600,
    state_file: Path | None = None,
    skip_folders: Iterable[str] = (),
) -> IndexStats:
    """Index ``site`` into ``site/bundle_dir`` and return what was indexed.

    With ``state_file``, an unchanged site is not re-indexed: the bundle still in place, or the
    copy kept beside the state file, is used (so two builds of the same pages are identical).
    The bundle always gets ``SOURCE_FILE`` with the fingerprint of what it indexed.
    Top-level ``skip_folders`` (plugins' own outputs, never searchable) are not read; the
    names may end with ``/``, as the kernel's declared outputs do.
    """
    bundle = site / bundle_dir
    options = ["--output-subdir", bundle_dir]
    for selector in exclude_selectors:
        options += ["--exclude-selectors", selector]
    if force_language:
        options += ["--force-language", force_language]
    skipped = sorted({name.strip("/") for name in skip_folders} - {""})
    # The skipped names, not the glob, go into the fingerprint: the glob lists the folders
    # present, and a cold build has not yet written the desk or placed the cards when it runs.
    fingerprint = index_fingerprint(
        site, bundle_dir, [*options, *(f"--skip={name}" for name in skipped)],
        pagefind_version(binary), skipped,
    )  # fmt: skip
    glob = page_glob(site, skipped)
    command = [str(binary), "--site", str(site), *options, *(["--glob", glob] if glob else [])]
    reused = _reuse_previous(state_file, bundle, fingerprint)
    if reused is not None:
        return reused
    if bundle.exists():
        shutil.rmtree(bundle)  # no stale fragments from a previous build
    # Pagefind reads PAGEFIND_* variables as options: drop them so builds are reproducible.
    env = {key: value for key, value in os.environ.items() if not key.startswith("PAGEFIND_")}
    started = time.perf_counter()
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, env=env, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SearchError(f"could not run {binary}: {error}") from error
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise SearchError(f"pagefind exited {done.returncode}: {' | '.join(tail)}")
    (bundle / SOURCE_FILE).write_text(
        json.dumps({"fingerprint": fingerprint}) + "\n", encoding="utf-8"
    )
    files, size = bundle_size(bundle)
    stats = IndexStats(
        pages=_count(r"Indexed (\d+) pages?", done.stdout),
        words=_count(r"Indexed (\d+) words?", done.stdout),
        files=files,
        bytes=size,
        seconds=seconds,
    )
    if state_file is not None:
        state_file.parent.mkdir(parents=True, exist_ok=True)
        cached = state_file.with_name("pagefind-bundle")
        shutil.rmtree(cached, ignore_errors=True)
        shutil.copytree(bundle, cached)
        state = {"fingerprint": fingerprint, "pages": stats.pages, "words": stats.words}
        state_file.write_text(json.dumps(state), encoding="utf-8")
    return stats
