"""Where pages are written, and what the build writes itself: no page may replace another.

Pelican writes each article and page to its ``save_as`` and links it by its ``url``; a
writer can set both. ``path_problem`` says why a value a writer gave cannot be used (it
leaves the output folder, is a web address, has no ``.html``…). ``generated_paths`` is every
file and folder the build writes itself — the home page and the other direct templates,
section, tag and author pages, feeds, the sitemap, theme and static files, and whatever
each plugin declares through ``kernel.signals.generated_outputs`` (cards, share exports,
search, the URL manifest…) — so a page that would replace one of them is caught before
anything is written. ``claimed_by`` says which generated output a path would replace.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pelican.settings import DEFAULT_CONFIG
from pelican.utils import slugify

from .signals import GeneratedOutput, collect, generated_outputs
from .urls import scheme_of

# What a writer's save_as/url may contain: letters, digits and - _ . ~ / (no spaces,
# quotes, angle brackets, %, ?, #, backslashes or control characters).
_PATH_CHARS = re.compile(r"^[A-Za-z0-9._~/-]+$")
_PLACEHOLDER = re.compile(r"\{[^}]*\}")
FEED_KEYS = (
    "FEED_ATOM", "FEED_RSS", "FEED_ALL_ATOM", "FEED_ALL_RSS",
    "CATEGORY_FEED_ATOM", "CATEGORY_FEED_RSS", "TAG_FEED_ATOM", "TAG_FEED_RSS",
    "AUTHOR_FEED_ATOM", "AUTHOR_FEED_RSS", "TRANSLATION_FEED_ATOM", "TRANSLATION_FEED_RSS",
)  # fmt: skip


def _parts(text: str) -> list[str]:
    return text.rstrip("/").split("/")


# (test, why): the first test that matches says why a writer's save_as/url cannot be used.
_PATH_RULES = (
    (lambda t, k: not t.strip(), "is empty"),
    (lambda t, k: bool(scheme_of(t)) or t.startswith("//"),
     "is a web address, not a place on this site"),
    (lambda t, k: "\\" in t, "contains a backslash (use / between folders)"),
    (lambda t, k: t.startswith("/"), "starts with `/` (it is relative to the site)"),
    (lambda t, k: not _PATH_CHARS.match(t),
     "may only contain letters, digits, hyphens, underscores, dots and `/`"),
    (lambda t, k: any(p in ("", ".", "..") for p in _parts(t)),
     "goes up or out of a folder (`..`, `.` or `//`), out of the site"),
    (lambda t, k: any(p.startswith(".") for p in _parts(t)),
     "names a hidden file or folder (starting with `.`)"),
    (lambda t, k: k == "save_as" and not t.endswith(".html"),
     "must name an `.html` file, e.g. `first-aid/cpr/index.html`"),
    (lambda t, k: k == "url" and not t.endswith(("/", ".html")),
     "must end with `/` (or `.html`), e.g. `first-aid/cpr/`"),
)  # fmt: skip


def path_problem(value: str, key: str) -> str | None:
    """Return why ``value`` cannot be a page's ``save_as``/``url`` (None: it can).

    ``save_as`` is a file inside the output folder ending in ``.html``; ``url`` is the
    path readers use, ending in ``/`` or ``.html``. Neither starts with ``/``, goes up a
    folder, names a hidden file or is a web address.
    """
    text = str(value or "")
    return next((why for test, why in _PATH_RULES if test(text, key)), None)


def url_of(save_as: str) -> str:
    """Return the URL that serves an output file: ``a/index.html`` -> ``a/``."""
    if save_as == "index.html":
        return ""
    if save_as.endswith("/index.html"):
        return save_as[: -len("index.html")]
    return save_as


def normalise(path: str) -> str:
    """Return an output path as compared: forward slashes, no ``./``, no leading ``/``."""
    cleaned = posixpath.normpath(str(path).replace("\\", "/")).lstrip("/")
    return "" if cleaned == "." else cleaned


@dataclass
class GeneratedPaths:
    """Files and folders the build writes itself, each with what it is (for messages)."""

    files: dict[str, str] = field(default_factory=dict)
    folders: dict[str, str] = field(default_factory=dict)

    def add(self, path: str | None, what: str) -> None:
        """Record a generated file, or a folder when ``path`` ends with ``/``."""
        if not path or not isinstance(path, str):
            return
        folder = path.endswith("/")
        cleaned = normalise(path)
        if not cleaned:
            return
        if folder:
            self.folders.setdefault(cleaned + "/", what)
        else:
            self.files.setdefault(cleaned, what)

    def claimed_by(self, save_as: str) -> str | None:
        """Return what the build writes at ``save_as`` or around it (None: the path is free)."""
        path = normalise(save_as)
        if path in self.files:
            return f"{self.files[path]} (`{path}`)"
        for folder, what in self.folders.items():
            if path.startswith(folder) or path + "/" == folder:
                return f"{what} (everything under `{folder}`)"
        # A page at `feeds/index.html` is fine; one at `feeds.xml/index.html` is not.
        for file, what in self.files.items():
            if path.startswith(file + "/"):
                return f"{what} (`{file}`)"
        return None


def _formatted(pattern: Any, **values: str) -> str | None:
    if not pattern or not isinstance(pattern, str):
        return None
    try:
        return pattern.format(**values)
    except (KeyError, IndexError, ValueError, AttributeError):
        return None


def _prefix_folder(pattern: Any) -> str | None:
    """Return the fixed folder a pattern with placeholders writes under (``drafts/``)."""
    if not pattern or not isinstance(pattern, str) or "{" not in pattern:
        return None
    head = pattern.split("{", 1)[0]
    return head[: head.rfind("/") + 1] or None


def _slugs(names: Iterable[Any], settings: Mapping[str, Any]) -> set[str]:
    found = set()
    for name in names:
        slug = getattr(name, "slug", None)
        if slug is None:
            subs = (
                settings.get("SLUG_REGEX_SUBSTITUTIONS")
                or DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"]
            )
            slug = slugify(str(name), regex_subs=subs, preserve_case=False)
        found.add(str(slug))
    return found


def _add_direct_templates(paths: GeneratedPaths, settings: Mapping[str, Any]) -> None:
    paths.add(settings.get("INDEX_SAVE_AS") or "index.html", "the home page")
    paths.add("page/", "the home page's later pages")
    for name in settings.get("DIRECT_TEMPLATES") or []:
        if name != "index":
            paths.add(settings.get(f"{name.upper()}_SAVE_AS", f"{name}.html"), f"the {name} page")


def _add_lists(paths: GeneratedPaths, settings: Mapping[str, Any], names: dict) -> None:
    for key, what, kind in (
        ("CATEGORY_SAVE_AS", "a section page", "categories"),
        ("TAG_SAVE_AS", "a tag page", "tags"),
        ("AUTHOR_SAVE_AS", "an author page", "authors"),
    ):
        pattern = settings.get(key)
        paths.add(_prefix_folder(pattern), what + "s folder")
        for slug in sorted(names[kind]):
            save_as = _formatted(pattern, slug=slug)
            if save_as:
                paths.add(save_as, what)
                # Page 2 and later of a long list: `<section>/page/2/`.
                paths.add(posixpath.dirname(save_as) + "/page/", what + "'s later pages")


def _add_feeds(paths: GeneratedPaths, settings: Mapping[str, Any], names: dict) -> None:
    for key in FEED_KEYS:
        pattern = settings.get(key)
        if not pattern or not isinstance(pattern, str):
            continue
        if "{" not in pattern:
            paths.add(pattern, "a feed")
            if "/" in pattern:
                paths.add(pattern.rsplit("/", 1)[0] + "/", "the feeds folder")
            continue
        paths.add(_prefix_folder(pattern), "the feeds folder")
        kind = key.split("_", 1)[0].lower()
        slugs = names.get(
            {"category": "categories", "tag": "tags", "author": "authors"}.get(kind, ""), ()
        )
        for slug in slugs:
            paths.add(_formatted(pattern, slug=slug), "a feed")
        for lang in names["langs"]:
            paths.add(_formatted(pattern, lang=lang), "a feed")


def _add_files(paths: GeneratedPaths, settings: Mapping[str, Any]) -> None:
    for key in ("YEAR_ARCHIVE_SAVE_AS", "MONTH_ARCHIVE_SAVE_AS", "DAY_ARCHIVE_SAVE_AS"):
        paths.add(_prefix_folder(settings.get(key)), "the archive pages")
    theme_static = settings.get("THEME_STATIC_DIR") or "theme"
    paths.add(theme_static.strip("/") + "/", "the theme's files")
    for folder in settings.get("STATIC_PATHS") or []:
        paths.add(str(folder).strip("/") + "/", "static files")
    for meta in (settings.get("EXTRA_PATH_METADATA") or {}).values():
        if isinstance(meta, Mapping):
            paths.add(meta.get("path") or meta.get("save_as"), "a static file")
    sitemap = settings.get("SITEMAP")
    if isinstance(sitemap, Mapping):
        paths.add(f"sitemap.{sitemap.get('format', 'xml')}", "the sitemap")


def generated_paths(
    settings: Mapping[str, Any],
    *,
    categories: Iterable[Any] = (),
    tags: Iterable[Any] = (),
    authors: Iterable[Any] = (),
    langs: Iterable[str] = (),
) -> GeneratedPaths:
    """Return every file and folder this build writes itself (see the module docstring).

    ``categories``, ``tags`` and ``authors`` are names (or Pelican's URL wrappers) of the
    site's sections, tags and authors; their pages and feeds are included. Drafts are
    content, not generated files: collisions between pages are checked apart.
    """
    names = {
        "categories": _slugs(categories, settings),
        "tags": _slugs(tags, settings),
        "authors": _slugs(authors, settings),
        "langs": set(langs) | {str(settings.get("DEFAULT_LANG") or "en")},
    }
    paths = GeneratedPaths()
    _add_direct_templates(paths, settings)
    _add_lists(paths, settings, names)
    _add_feeds(paths, settings, names)
    _add_files(paths, settings)
    for output in collect(generated_outputs, settings):
        if isinstance(output, GeneratedOutput):
            paths.add(output.path, f"{output.what} ({output.owner})")
    return paths
