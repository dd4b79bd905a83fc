"""Preview builds: write only the pages of the files a writer just saved.

A full build of a large site rewrites every page, listing, feed, card link, search index and
desk page; a writer who saved one article waits for all of it. A preview build
(``SHAREWELL_PREVIEW = ["content/articles/x.md"]``, as `invoke livereload` runs on a save)
reads the whole site as usual — from Pelican's content cache, so only the saved files are
parsed — and every plugin attaches its data, so the saved page is exactly what a full build
writes for it; then it writes the pages of the saved files only. The kernel checks only the
saved files, and plugins leave their whole-site outputs (search index, desk, exports, URL
manifest) as the last full build wrote them: `invoke livereload` runs a full build right
after the preview, so listings, feeds and search catch up a little later.

``SHAREWELL_PREVIEW`` is not part of the content cache's fingerprint: a preview and the full
build after it share one cache.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any

from .runs import RunSlot

SETTING = "SHAREWELL_PREVIEW"
# Whole-site files that plugins we do not own write from the pages *this* build wrote
# (pelican-sitemap lists what it saw written): a preview puts the full build's back.
KEPT_FILES = ("sitemap.xml", "sitemap.txt")
# The generators' content lists a preview narrows to the saved files while writing.
_LISTS = (
    "articles", "translations", "hidden_articles", "hidden_translations", "drafts",
    "drafts_translations", "pages", "hidden_pages", "draft_pages", "draft_translations",
)  # fmt: skip


def selected(settings: Mapping[str, Any]) -> frozenset[str] | None:
    """Return the absolute paths of the previewed sources, or None for a full build."""
    value = settings.get(SETTING)
    if not value:
        return None
    names = [value] if isinstance(value, str | os.PathLike) else list(value)
    root = Path(str(settings.get("PATH") or "."))
    found = set()
    for name in names:
        path = Path(name)
        # A writer names a file from the project (content/articles/x.md) or from PATH.
        candidates = [path] if path.is_absolute() else [path, root / path, root.parent / path]
        found.update(os.path.abspath(c) for c in candidates)  # noqa: PTH100 - Pelican's form
    return frozenset(found)


def is_preview(settings: Mapping[str, Any]) -> bool:
    """Return whether this build writes only the previewed files (plugins skip site-wide work)."""
    return bool(settings.get(SETTING))


def wants(settings: Mapping[str, Any], source_path: str | os.PathLike) -> bool:
    """Return whether a source's outputs are written by this build (always, in a full build)."""
    chosen = selected(settings)
    return chosen is None or os.path.abspath(source_path) in chosen  # noqa: PTH100


def _narrowed(generator: Any, chosen: frozenset[str], write_all: Any) -> Any:
    def generate_output(writer: Any) -> None:
        kept = {name: getattr(generator, name) for name in _LISTS if hasattr(generator, name)}
        try:
            for name, items in kept.items():
                setattr(generator, name, [c for c in items if _source(c) in chosen])
            write_all(writer)
        finally:
            for name, items in kept.items():
                setattr(generator, name, items)

    return generate_output


def _source(content: Any) -> str:
    return os.path.abspath(getattr(content, "source_path", "") or "")  # noqa: PTH100


def _articles_only(generator: Any) -> Any:
    """Pelican's article and draft writing, without listings, archives and feeds."""

    def write_all(writer: Any) -> None:
        write = partial(writer.write_file, relative_urls=generator.settings["RELATIVE_URLS"])
        generator.generate_articles(write)
        generator.generate_drafts(write)

    return write_all


def _site_files(settings: Mapping[str, Any]) -> dict[Path, bytes]:
    """Return the whole-site files a preview must not shrink, as the last full build wrote them."""
    output = Path(settings.get("OUTPUT_PATH") or "output")
    return {output / n: (output / n).read_bytes() for n in KEPT_FILES if (output / n).is_file()}


KEPT = RunSlot(_site_files)


def restore_site_files(pelican: Any) -> None:
    """Put the full build's whole-site files back after a preview (kernel ``site_written``)."""
    kept = KEPT.peek()
    KEPT.drop()
    if kept is None or not is_preview(pelican.settings):
        return
    for path, data in kept.items():
        path.write_bytes(data)


def narrow_outputs(generators: list[Any]) -> None:
    """In a preview, let each generator write only the previewed files' pages.

    Connected to ``all_generators_finalized``: Pelican writes after it. Templates still see
    the whole site (the context is untouched), so navigation and related articles are right.
    """
    if not generators:
        return
    chosen = selected(generators[0].settings)
    if chosen is None:
        return
    KEPT.get(generators[0].settings)  # read before anything is written
    for generator in generators:
        kind = type(generator).__name__
        if kind == "ArticlesGenerator":
            generator.generate_output = _narrowed(generator, chosen, _articles_only(generator))
        elif kind == "PagesGenerator":
            generator.generate_output = _narrowed(generator, chosen, generator.generate_output)
        elif kind != "StaticGenerator" and hasattr(generator, "generate_output"):
            generator.generate_output = lambda writer: None  # listings of other generators
