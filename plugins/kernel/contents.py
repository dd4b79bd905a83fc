"""Named content sets: which content exists, decided once for every plugin.

Pelican keeps content in many lists (``articles``, ``hidden_articles``, ``translations``,
``drafts``…, per generator). Plugins ask for a named set instead, so that a
``Status: hidden`` article — published but not listed, exactly the page people share by
link — gets the same card, share data and checks everywhere.

- ``published``: everything readers can reach by URL (listed, hidden, translations).
- ``drafts``: draft articles and pages (written under /drafts/ in development only).
- ``scheduled``: articles waiting for their day (held back by the scheduling plugin).
- ``everything``: all of the above, each object once.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

# Where the scheduling plugin keeps articles that wait for their day, on the articles generator.
SCHEDULED_ATTR = "scheduled_articles"

_PUBLISHED = {
    "ArticlesGenerator": ("articles", "translations", "hidden_articles", "hidden_translations"),
    "PagesGenerator": ("pages", "translations", "hidden_pages", "hidden_translations"),
}
_DRAFTS = {
    "ArticlesGenerator": ("drafts", "drafts_translations"),
    "PagesGenerator": ("draft_pages", "draft_translations"),
}
_SCHEDULED = {"ArticlesGenerator": (SCHEDULED_ATTR,)}


def _kind(generator: Any) -> str | None:
    for cls in type(generator).__mro__:
        if cls.__name__ in _PUBLISHED:
            return cls.__name__
    return None


def _collect(generators: Iterable[Any], table: Mapping[str, tuple[str, ...]]) -> list[Any]:
    seen: set[int] = set()
    found: list[Any] = []
    for generator in generators:
        for name in table.get(_kind(generator) or "", ()):
            for content in getattr(generator, name, None) or []:
                if id(content) not in seen:
                    seen.add(id(content))
                    found.append(content)
    return found


def published(generators: Iterable[Any]) -> list[Any]:
    """Return every article and page readers can reach (listed, hidden, translations)."""
    return _collect(generators, _PUBLISHED)


def drafts(generators: Iterable[Any]) -> list[Any]:
    """Return draft articles and pages (and their translations)."""
    return _collect(generators, _DRAFTS)


def scheduled(generators: Iterable[Any]) -> list[Any]:
    """Return the articles that wait for their day."""
    return _collect(generators, _SCHEDULED)


def everything(generators: Iterable[Any]) -> list[Any]:
    """Return published, draft and scheduled content, each object once."""
    generators = list(generators)
    seen: set[int] = set()
    found: list[Any] = []
    for group in (published(generators), scheduled(generators), drafts(generators)):
        for content in group:
            if id(content) not in seen:
                seen.add(id(content))
                found.append(content)
    return found


def is_article(content: Any) -> bool:
    """Return whether a content object is an article (not a page)."""
    return type(content).__name__ == "Article" or any(
        cls.__name__ == "Article" for cls in type(content).__mro__
    )


def is_draft(content: Any) -> bool:
    """Return whether a content object is a draft."""
    return str(getattr(content, "status", "")).lower() == "draft"


def project_root(settings: Mapping[str, Any]) -> Path:
    """Return the folder writers' paths are shown relative to: the parent of PATH."""
    return Path(settings.get("PATH") or ".").resolve().parent


def display_path(source: str | os.PathLike, settings: Mapping[str, Any]) -> str:
    """Return how a file is named to writers: ``content/articles/first-aid/cpr.md``.

    Relative to the content folder's parent (the project), else to the working folder,
    else the absolute path; always with forward slashes. A relative ``source`` is relative
    to the working folder, as on a command line.
    """
    # Asked for every problem, page and desk row: answers are remembered per folder.
    return _display(os.path.abspath(source), str(settings.get("PATH") or "."), os.getcwd())  # noqa: PTH100, PTH109 - keep links as written (no resolve)


@functools.lru_cache(maxsize=8192)
def _display(source: str, content_path: str, cwd: str) -> str:
    path = Path(source)
    for base in (Path(content_path).resolve().parent, Path(cwd)):
        if path.is_relative_to(base):
            return path.relative_to(base).as_posix()
    return path.as_posix()


def source_display(content: Any, settings: Mapping[str, Any] | None = None) -> str:
    """Return the display path of a content object's source file."""
    return display_path(content.source_path, settings or getattr(content, "settings", {}) or {})


# Every list a generator keeps content in (Pelican's and the scheduling plugin's).
_LISTS = (
    "articles", "translations", "hidden_articles", "hidden_translations", "drafts",
    "drafts_translations", "pages", "hidden_pages", "draft_pages", "draft_translations",
    "dates", SCHEDULED_ATTR,
)  # fmt: skip
_TAXONOMIES = ("categories", "tags", "authors")


def _without(items: list, doomed: set[int]) -> None:
    items[:] = [item for item in items if id(item) not in doomed]


def _withdraw_taxonomy(value: Any, doomed: set[int]) -> None:
    """Filter ``{name: [articles]}`` or ``[(name, [articles])]`` in place; drop empty names."""
    if isinstance(value, dict):
        for key in list(value):
            _without(value[key], doomed)
            if not value[key]:
                del value[key]
    elif isinstance(value, list):
        for _name, items in value:
            _without(items, doomed)
        value[:] = [entry for entry in value if entry[1]]


def _withdraw_archives(archives: Any, doomed: set[int]) -> None:
    if isinstance(archives, dict):
        for periods in archives.values():
            for period in periods or []:
                for key in ("articles", "dates"):
                    if isinstance(period.get(key), list):
                        _without(period[key], doomed)


def _withdraw_context(generator: Any, doomed: set[int]) -> None:
    context = getattr(generator, "context", None)
    if not isinstance(context, dict):
        return
    for name in _TAXONOMIES:
        if context.get(name) is not getattr(generator, name, None):
            _withdraw_taxonomy(context.get(name), doomed)
    generated = context.get("generated_content")
    if isinstance(generated, dict):
        for key in [k for k, v in generated.items() if id(v) in doomed]:
            del generated[key]


def withdraw(generators: Iterable[Any], items: Iterable[Any]) -> list[Any]:
    """Take content objects out of every list, taxonomy and translation link of a build.

    Pelican's context holds the same list objects as the generators, so lists are changed
    in place; a section, tag or author left with no article disappears with its page.
    Returns the withdrawn objects. Called before taxonomies are built (content_guard) and,
    as a last resort, while pages are written (a page that cannot be rendered).
    """
    generators = list(generators)
    doomed_items = list(items)
    doomed = {id(item) for item in doomed_items}
    if not doomed:
        return []
    for generator in generators:
        for name in _LISTS:
            value = getattr(generator, name, None)
            if isinstance(value, list):
                _without(value, doomed)
        for name in _TAXONOMIES:
            _withdraw_taxonomy(getattr(generator, name, None), doomed)
        _withdraw_archives(getattr(generator, "period_archives", None), doomed)
        _withdraw_context(generator, doomed)
    for content in everything(generators):
        links = getattr(content, "translations", None)
        if isinstance(links, list):
            _without(links, doomed)
    return doomed_items


PRIVATE_KEY = "SHAREWELL_PRIVATE_PATH"


def private_folder(settings: Mapping[str, Any]) -> Path:
    """Return the build's private folder: never published, read by the social media manager.

    ``SHAREWELL_PRIVATE_PATH`` when set, else a sibling of the output folder named
    ``<output>-private`` (``output/`` -> ``output-private/``). Cards of scheduled articles,
    share kits and scheduler exports go here, so nothing unpublished reaches the site.
    """
    configured = settings.get(PRIVATE_KEY)
    if configured:
        return Path(configured).resolve()
    output = Path(settings.get("OUTPUT_PATH") or "output").resolve()
    return output.with_name(f"{output.name}-private")
