"""Language versions of one page: clean URLs, ``content.language`` and the version checks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from kernel import contents, lang, urls
from kernel.contracts import Alternate, Language
from kernel.problems import Problem, Severity

from .checks import SOURCE, flag

# (listed originals, listed translations, hidden originals, hidden translations)
_LISTS = {
    "ArticlesGenerator": ("articles", "translations", "hidden_articles", "hidden_translations"),
    "PagesGenerator": ("pages", "translations", "hidden_pages", "hidden_translations"),
}


def _lists_of(generator: Any) -> tuple[str, ...] | None:
    for cls in type(generator).__mro__:
        if cls.__name__ in _LISTS:
            return _LISTS[cls.__name__]
    return None


def pair_listed_with_hidden(generator: Any) -> None:
    """Link the language versions of one page when some are hidden and some listed.

    Pelican pairs translations within the listed pages and within the hidden ones, never
    across: a Welsh page whose English version is ``Status: hidden`` would become a lone
    "original" (listed in English listings, given the English page's plain URL, which it then
    overwrites). Here every published version of a slug knows the others, and a version that
    is not in the default language moves to its list's translations when a default-language
    version exists, listed or hidden. Drafts are never paired with published pages.
    """
    names = _lists_of(generator)
    if names is None:
        return
    key = generator.settings.get(
        "ARTICLE_TRANSLATION_ID" if names[0] == "articles" else "PAGE_TRANSLATION_ID", "slug"
    )
    if not key:
        return
    keys = (key,) if isinstance(key, str) else tuple(key)
    groups: dict[tuple, list[Any]] = {}
    hidden: set[int] = set()
    for name in names:
        for content in getattr(generator, name, None) or []:
            ident = tuple(getattr(content, k, None) for k in keys)
            groups.setdefault(ident, []).append(content)
            if name in names[2:]:
                hidden.add(id(content))
    # only groups Pelican split (some versions listed, some hidden); the rest are its own
    split = {
        ident: group
        for ident, group in groups.items()
        if 0 < sum(id(c) in hidden for c in group) < len(group)
    }
    for group in split.values():
        for content in group:
            content.translations = [other for other in group if other is not content]
    for originals, translations in ((names[0], names[1]), (names[2], names[3])):
        kept, moved = [], []
        for content in getattr(generator, originals, None) or []:
            group = split.get(tuple(getattr(content, k, None) for k in keys), ())
            has_default = any(getattr(v, "in_default_lang", False) for v in group)
            lone = not getattr(content, "in_default_lang", True) and has_default
            (moved if lone else kept).append(content)
        if moved:
            # in place: the generator's context holds these same list objects
            getattr(generator, originals)[:] = kept
            getattr(generator, translations).extend(moved)


def order_translations(generator: Any) -> None:
    """Give every content's ``translations`` one order (the default language first, then by tag).

    Pelican keeps the order it read the files in, and it reads them from a set of paths, so
    the order changes with string hashing; whatever reads the list itself (the all-languages
    feeds) would then differ between two builds of the same pages.
    """
    for name in _lists_of(generator) or ():
        for content in getattr(generator, name, None) or []:
            if getattr(content, "translations", None):
                content.translations = lang.translations_of(content)


def give_clean_url(content: Any) -> None:
    """Give a page that exists only in another language the plain URL (no ``/ur/``).

    Pelican gives every page outside DEFAULT_LANG its ``*_LANG_URL``; that prefix only means
    something when there is a default-language page at the plain URL, so a page without one
    keeps the plain URL (and its slug stays free for an English version to take later, which
    then moves this one under its language: link_keeper's published-urls check says so).
    """
    if getattr(content, "in_default_lang", True):
        return
    if any(getattr(t, "in_default_lang", False) for t in lang.translations_of(content)):
        return
    content.override_url = content._expand_settings("url")
    content.override_save_as = content._expand_settings("save_as")


def _when(content: Any) -> dt.datetime | dt.date | None:
    return getattr(content, "modified", None) or getattr(content, "date", None)


def _comparable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if value.tzinfo is None else value.astimezone(dt.UTC)
    return value


def is_outdated(translation: Any, original: Any) -> bool:
    """Return whether ``original`` changed after ``translation`` was last updated."""
    mine, theirs = _comparable(_when(translation)), _comparable(_when(original))
    if mine is None or theirs is None:
        return False
    try:
        return theirs > mine
    except TypeError:  # one aware, one naive: compare the calendar dates
        return theirs.date() > mine.date()


def language_of(content: Any, live: set[int], settings: Mapping[str, Any]) -> Language:
    """Return ``content.language``: the page's language and its published versions."""
    siteurl = settings.get("SITEURL", "")
    default = settings.get("DEFAULT_LANG") or "en-GB"
    tag = lang.content_language(content, settings)
    versions = [v for v in lang.versions(content) if id(v) in live or v is content]
    alternates: tuple[Alternate, ...] = ()
    if len(versions) > 1:
        alternates = tuple(
            Alternate(
                lang=lang.content_language(v, settings),
                url=urls.absolute(siteurl, v.url),
                name=lang.display_name(lang.content_language(v, settings)),
                current=v is content,
                title=str(getattr(v, "title", "")),
            )
            for v in versions
        )
    original = lang.original_of(content, default)
    x_default = next(
        (a.url for v, a in zip(versions, alternates, strict=False) if v.in_default_lang), None
    ) or (alternates[0].url if alternates else None)
    return Language(
        lang=tag,
        direction=lang.direction(tag),
        og_locale=lang.og_locale(tag, settings.get("OG_CARDS_LOCALES")),
        alternates=alternates,
        x_default=x_default,
        original=urls.absolute(siteurl, original.url) if original is not None else None,
        machine_assisted=bool(flag((content.metadata or {}).get("machine_assisted"))),
        outdated=original is not None and is_outdated(content, original),
    )


def problems_of(content: Any, settings: Mapping[str, Any]) -> list[Problem]:
    """Return the version problems of one page: an outdated or orphaned translation."""
    found = []
    file = contents.source_display(content, settings)
    info = getattr(content, "language", None)
    original = lang.original_of(content, settings.get("DEFAULT_LANG"))
    wanted = (content.metadata or {}).get("translation_of")
    if wanted and original is None:
        found.append(Problem(
            file, "translation_of",
            f"no page in {settings.get('DEFAULT_LANG')} has the slug `{wanted}`, so this "
            "page is not linked to the version it translates",
            "check the slug of the English version (its `Slug:` or file name)",
            severity=Severity.WARNING, source=SOURCE,
        ))  # fmt: skip
    if info is not None and info.outdated and original is not None:
        theirs, mine = _when(original), _when(content)
        found.append(Problem(
            file, "modified",
            f"the {lang.display_name(settings.get('DEFAULT_LANG'), 'en')} version "
            f"({contents.source_display(original, settings)}) changed on "
            f"{theirs:%Y-%m-%d}, after this translation ({mine:%Y-%m-%d})",
            "bring the translation up to date, then set its `Modified:` to the day you did",
            severity=Severity.INFO, source=SOURCE,
        ))  # fmt: skip
    return found
