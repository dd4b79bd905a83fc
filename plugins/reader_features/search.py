"""Run Pagefind (the binary shipped by the ``pagefind[bin]`` PyPI package) on the output."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import time
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


def index_fingerprint(site: Path, bundle_dir: str, command: list[str]) -> str:
    """Return a hash of what Pagefind would index: the pages it reads and its options.

    When any page is marked ``data-pagefind-body`` Pagefind indexes only those, so only
    they count (the dev-only desk, which changes every build, then does not).
    """
    pages = sorted(p for p in site.rglob("*.html") if p.relative_to(site).parts[0] != bundle_dir)
    contents = [(p, p.read_bytes()) for p in pages]
    marked = [(p, data) for p, data in contents if BODY_MARK in data]
    digest = hashlib.sha256("\0".join(command).encode("utf-8"))
    for path, data in marked or contents:
        digest.update(path.relative_to(site).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()


def _reuse_previous(state_file: Path | None, bundle: Path, fingerprint: str) -> IndexStats | None:
    """Return the stats of an identical earlier run whose bundle is still in place."""
    if state_file is None or not (bundle / "pagefind-entry.json").is_file():
        return None
    try:
        state = json.loads(state_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if state.get("fingerprint") != fingerprint:
        return None
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
) -> IndexStats:
    """Index ``site`` into ``site/bundle_dir`` and return what was indexed.

    With ``state_file``, an unchanged site whose bundle is still in place is not re-indexed.
    """
    bundle = site / bundle_dir
    command = [str(binary), "--site", str(site), "--output-subdir", bundle_dir]
    for selector in exclude_selectors:
        command += ["--exclude-selectors", selector]
    if force_language:
        command += ["--force-language", force_language]
    fingerprint = index_fingerprint(site, bundle_dir, command) if state_file else ""
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
        state = {"fingerprint": fingerprint, "pages": stats.pages, "words": stats.words}
        state_file.write_text(json.dumps(state), encoding="utf-8")
    return stats
