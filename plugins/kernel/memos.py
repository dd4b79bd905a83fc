"""What a rebuild need not redo: pages whose inputs are unchanged, results of pure functions.

``ResultMemo`` keeps a pure function's answers (a word count of an article's HTML) by a
hash of the input, in ``CACHE_PATH/<owner>/<name>.json``: a rebuild asks the hash, not the
function. Only this build's answers are saved, so the file never outgrows the site.

Pages a plugin writes itself, left as they are when nothing they show has changed:
A plugin that renders one private page per article (share kits, desk pages) would render
3,000 pages on every rebuild of a 3,000-article site though a save changes one. A
``PageMemo`` remembers, in ``CACHE_PATH/<plugin>/pages.json``, a hash of each page's inputs;
``unchanged(path, inputs)`` says whether the file on disk already shows them.

What a page shows besides its own inputs (the menu, the footer, the theme, every setting,
the plugins' code) is the *site digest* (``site_digest``), part of every page's hash: a
change there re-renders every page, as it must.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from . import cache, files

FILE = "pages.json"
VERSION = 1


def _site_wide(context: Mapping[str, Any]) -> list[Any]:
    """Return what every page's frame shows: sections, pages and the language sites."""
    categories = [(str(c), getattr(c, "url", "")) for c, _ in context.get("categories") or []]
    pages = [
        (getattr(p, "slug", ""), getattr(p, "title", ""), getattr(p, "url", ""),
         getattr(p, "lang", ""), [getattr(t, "url", "") for t in getattr(p, "translations", [])])
        for p in context.get("pages") or []
    ]  # fmt: skip
    return [categories, pages, sorted((context.get("language_sites") or {}).items())]


def site_digest(settings: Mapping[str, Any], context: Mapping[str, Any],
                folders: Iterable[str | os.PathLike] = ()) -> str:  # fmt: skip
    """Return the hash of what every page shares: settings, code, theme, folders, menus."""
    data = {
        "cache": cache.fingerprint(settings),  # settings, plugins' code, library versions
        "theme": cache.folder_digest([settings.get("THEME") or "", *folders]),
        "site": _site_wide(context),
    }
    return digest_of(data)


def _hashed_text(value: Any) -> bytes:
    """Return the text a hash reads of plain data: keys sorted, anything else by ``str``."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")


def digest_of(value: Any) -> str:
    """Return a short hash of plain data (anything else by ``str``)."""
    return hashlib.blake2b(_hashed_text(value), digest_size=16).hexdigest()


class RunningDigest:
    """A hash of many plain values added one at a time, so a long list is never held whole.

    Each value is hashed as ``digest_of`` reads it; a record separator that JSON text never
    contains (control characters are escaped) keeps ``["ab"]`` apart from ``["a", "b"]``.
    """

    def __init__(self) -> None:
        self._hash = hashlib.blake2b(digest_size=16)

    def add(self, value: Any) -> None:
        self._hash.update(_hashed_text(value))
        self._hash.update(b"\x1e")

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def _load(file: Path | None, version: Any, key: str) -> dict[str, Any]:
    """Return the table a memo file keeps under ``key`` ({} if missing, damaged or foreign)."""
    if file is None:
        return {}
    with contextlib.suppress(OSError, ValueError):
        data = json.loads(file.read_text(encoding="utf-8"))
        if isinstance(data, dict) and data.get("version") == version:
            table = data.get(key)
            return table if isinstance(table, dict) else {}
    return {}


def _save(file: Path | None, data: dict[str, Any]) -> None:
    """Write a memo file atomically: a killed build leaves the last one whole."""
    if file is None:
        return
    with contextlib.suppress(OSError), files.replaced(file) as handle:
        json.dump(data, handle, ensure_ascii=False, separators=(",", ":"))


class PageMemo:
    """Each page's input hash from the last build, and this build's."""

    def __init__(self, cache_path: str | os.PathLike | None, owner: str, site: str) -> None:
        self.file = Path(cache_path) / owner / FILE if cache_path else None
        self.site = site
        self.previous: dict[str, str] = {}
        self.current: dict[str, str] = {}
        self.skipped = 0
        self.previous = _load(self.file, VERSION, "pages")

    def unchanged(self, path: Path, inputs: Any) -> bool:
        """Return whether ``path`` already shows ``inputs`` (and remember them either way)."""
        key = str(path)
        digest = digest_of([self.site, inputs])
        self.current[key] = digest
        same = self.previous.get(key) == digest and path.is_file()
        self.skipped += same
        return same

    def forget(self, path: Path) -> None:
        """Drop a page whose writing failed, so the next build writes it again."""
        self.current.pop(str(path), None)

    def save(self) -> None:
        """Keep this build's hashes for the next build."""
        # Pages this build did not visit (a preview writes one) are as it left them.
        _save(self.file, {"version": VERSION, "pages": {**self.previous, **self.current}})


def code_version(*modules: Any) -> str:
    """Return a hash of the modules' source files: a memo's version that follows its code."""
    digest = hashlib.blake2b(digest_size=8)
    for module in modules:
        with contextlib.suppress(OSError, TypeError):
            digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()


class ResultMemo:
    """A pure function's answers by a hash of their input, kept between builds."""

    def __init__(self, cache_path: str | os.PathLike | None, owner: str, name: str,
                 version: str = "1") -> None:  # fmt: skip
        self.file = Path(cache_path) / owner / f"{name}.json" if cache_path else None
        self.version = version  # change it when the function's answers change
        self.previous: dict[str, Any] = {}
        self.current: dict[str, Any] = {}
        self.reused = 0
        self.previous = _load(self.file, version, "results")

    def get(self, text: str, compute: Any) -> Any:
        """Return ``compute(text)``, from the last build when ``text`` is unchanged."""
        key = self._key(text)
        if key in self.current:
            return self.current[key]
        if key in self.previous:
            self.reused += 1
            value = self.previous[key]
        else:
            value = compute(text)
        self.current[key] = value
        return value

    def put(self, text: str, value: Any) -> None:
        """Replace the answer for ``text`` (the kept one was unusable)."""
        self.current[self._key(text)] = value

    @staticmethod
    def _key(text: str) -> str:
        return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()

    def save(self, *, keep_previous: bool = False) -> None:
        """Keep this build's answers for the next build.

        ``keep_previous``: a build that asked for some inputs only (a preview) keeps the
        last build's other answers too. Nothing changed: the file is left as it is.
        """
        results = {**self.previous, **self.current} if keep_previous else self.current
        if results == self.previous and self.file is not None and self.file.is_file():
            return
        _save(self.file, {"version": self.version, "results": results})
