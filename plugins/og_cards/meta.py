"""Link-preview data for templates: plain-text titles and descriptions, absolute URLs, tags."""

from __future__ import annotations

from typing import Any

from kernel import lang as languages
from kernel import urls
from kernel.contracts import Card, LinkPreview
from kernel.text import html_to_text
from kernel.text import plain as _plain
from kernel.text import shorten as _shorten

ELLIPSIS = "…"
TWITTER_ALT_LIMIT = 420


def plain(text: Any) -> str:
    """Return a plain-text field (a title): the kernel's rule."""
    return _plain(text)


def strip_markup(value: Any) -> str:
    """Return an HTML field (a summary) as text: the kernel's one HTML-to-text rule."""
    return html_to_text(value)


def shorten(text: str, limit: int) -> str:
    """Cut text at a word boundary with an ellipsis (the kernel's rule)."""
    return _shorten(text, limit)


def absolute(siteurl: str, url: str) -> str:
    """Return the absolute URL of a site URL (the kernel's one rule)."""
    return urls.absolute(siteurl, url)


def locale_for(opts: dict[str, Any], lang: str | None) -> str:
    """Return the og:locale of a content language: the setting for the default language."""
    if not lang or lang.lower() == str(opts["default_lang"]).lower():
        return opts["OG_CARDS_LOCALE"]
    return languages.og_locale(lang, opts["OG_CARDS_LOCALES"])


def locale_alternates(opts: dict[str, Any], content: Any) -> tuple[str, ...]:
    """Return the og:locale:alternate values: the locales of the page's other versions."""
    own = locale_for(opts, getattr(content, "lang", None))
    found: list[str] = []
    for other in languages.translations_of(content):
        if str(getattr(other, "status", "published")).lower() == "draft":
            continue
        if getattr(other, "schedule", None) is not None:
            continue  # not live yet: no preview may name it
        locale = locale_for(opts, getattr(other, "lang", None))
        if locale != own and locale not in found:
            found.append(locale)
    return tuple(found)


def iso(value: Any) -> str | None:
    """Return an ISO 8601 string for a date/datetime, or None."""
    return value.isoformat() if value is not None and hasattr(value, "isoformat") else None


def og_data(
    opts: dict[str, Any],
    *,
    og_type: str,
    title: str,
    description: str,
    url: str | None,
    image: dict[str, Any],
    published: Any = None,
    modified: Any = None,
    section: str | None = None,
    tags: list[str] | None = None,
    authors: list[str] | None = None,
    locale: str | None = None,
    locale_alternates: tuple[str, ...] = (),
) -> LinkPreview:
    """Return the data partials/og_meta.html renders as og:, twitter: and article: tags."""
    alt = image.get("alt") or title
    card = image.get("card")
    return LinkPreview(
        type=og_type,
        title=title,
        description=shorten(description, opts["OG_CARDS_DESCRIPTION_LENGTH"]),
        url=url,
        site_name=opts["site_name"],
        locale=locale or opts["OG_CARDS_LOCALE"],
        image=image["url"],
        image_width=image["width"],
        image_height=image["height"],
        image_type=image["type"],
        image_alt=alt,
        twitter_card="summary_large_image",
        twitter_image_alt=shorten(alt, TWITTER_ALT_LIMIT),
        twitter_site=opts["OG_CARDS_TWITTER_SITE"] or None,
        fediverse_creator=opts["OG_CARDS_FEDIVERSE_CREATOR"] or None,
        theme_color=opts["theme_colour"],
        published_time=iso(published),
        modified_time=iso(modified or published),
        section=section,
        tags=tuple(tags or ()),
        authors=tuple(authors or ()),
        locale_alternates=tuple(locale_alternates),
        card=Card(**card) if isinstance(card, dict) else card,
    )
