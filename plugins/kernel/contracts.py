"""The content attributes plugins share, and the shape each one promises.

Each plugin writes one namespaced attribute on content objects and reads others only
through these shapes, never by importing the plugin that wrote them:

| attribute          | written by      | shape            | read by                               |
|--------------------|-----------------|------------------|---------------------------------------|
| ``content.og``     | og_cards        | ``LinkPreview``  | theme, share_snippets, feeds, desk    |
| ``content.share``  | share_snippets  | ``ShareData``    | theme, scheduling, desk               |
| ``content.review`` | health_review   | ``Review``       | theme, og_cards, desk, review report  |
| ``content.schedule`` | scheduling    | ``Schedule``     | og_cards, share_snippets, desk        |
| ``content.links``  | link_keeper     | ``Links``        | theme, desk                           |
| ``content.images`` | content_images  | (theme markup)   | theme                                 |
| ``content.reading``, ``.related`` | reader_features | word count, articles | theme           |
| ``content.language`` | languages     | ``Language``     | theme, desk                           |

An attribute may be missing (its plugin is not installed) or ``None`` (the plugin has
nothing for this content); readers use ``attribute(content, NAME)``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

OG = "og"
SHARE = "share"
REVIEW = "review"
SCHEDULE = "schedule"
LINKS = "links"
LANGUAGE = "language"


def attribute(content: Any, name: str) -> Any:
    """Return a shared attribute of a content object, or None when it is absent."""
    return getattr(content, name, None)


@dataclass(frozen=True)
class Card:
    """A generated card image: its file under OUTPUT_PATH, spec hash and layout."""

    file: str
    hash: str
    layout: str


@dataclass(frozen=True)
class LinkPreview:
    """``content.og``: what link-preview crawlers read (og:*, twitter:*), as plain text.

    Text fields are plain text (templates escape them); URLs are absolute.
    """

    type: str
    title: str
    description: str
    url: str | None
    site_name: str
    locale: str
    image: str
    image_width: int
    image_height: int
    image_type: str
    image_alt: str
    twitter_card: str = "summary_large_image"
    twitter_image_alt: str = ""
    twitter_site: str | None = None
    fediverse_creator: str | None = None
    theme_color: str | None = None
    published_time: str | None = None
    modified_time: str | None = None
    section: str | None = None
    tags: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    locale_alternates: tuple[str, ...] = ()
    card: Card | None = None

    @property
    def card_file(self) -> str | None:
        """Return the generated card's file (relative to OUTPUT_PATH), or None."""
        return self.card.file if self.card else None

    def get(self, name: str, default: Any = None) -> Any:
        """Return a field by name (templates and readers that treat it as a mapping)."""
        return getattr(self, name, default)


@runtime_checkable
class Snippet(Protocol):
    """One network's share text and link for one article."""

    key: str
    label: str
    text: str
    url: str
    href: str
    length: int
    limit: int | None


@runtime_checkable
class ShareData(Protocol):
    """``content.share``: share links and fitted texts for every enabled network."""

    canonical: str
    networks: Mapping[str, Snippet]
    kit_url: str

    def record(self) -> dict:
        """Return the plain-data export record (snippets.json, scheduled previews)."""
        ...


@runtime_checkable
class Review(Protocol):
    """``content.review``: clinical review dates, sign-off, and what the page shows first.

    ``readability`` is the Flesch reading ease health_review measured (None: not scored);
    ``first_card`` the emergency (else urgent) care card the theme summarises first.
    """

    content_type: str
    last_reviewed: dt.date | None
    next_review: dt.date | None
    status: str
    is_health_advice: bool
    readability: float | None
    first_card: Any


@dataclass(frozen=True)
class Schedule:
    """``content.schedule``: an article that waits for its day (None once it is live)."""

    goes_live: dt.date
    requested: bool  # the writer wrote `status: scheduled` (not only a future date)


@dataclass(frozen=True)
class Links:
    """``content.links``: the page's own URL path and the old paths that redirect to it."""

    url: str
    aliases: Sequence[str] = ()


@dataclass(frozen=True)
class Alternate:
    """One language version of a page: its language, absolute URL and language's own name."""

    lang: str  # BCP 47, as hreflang writes it: "cy", "en-GB"
    url: str
    name: str  # the language named in itself: "Cymraeg"
    current: bool = False  # this is the page the attribute belongs to
    title: str = ""

    @property
    def hreflang(self) -> str:
        return self.lang


@dataclass(frozen=True)
class Language:
    """``content.language``: the page's language and every published version of it.

    ``alternates`` lists every published language version, this one included (empty when
    the page exists in one language); ``x_default`` is the version for readers whose
    language none of them is (the default-language one). ``original`` is the URL of the
    version this one translates (None for an original). ``machine_assisted`` is the
    writer's flag that the text still waits for a language or clinical review.
    """

    lang: str
    direction: str
    og_locale: str
    alternates: tuple[Alternate, ...] = ()
    x_default: str | None = None
    original: str | None = None
    machine_assisted: bool = False
    outdated: bool = False  # a translation older than the version it translates

    @property
    def is_rtl(self) -> bool:
        return self.direction == "rtl"

    @property
    def others(self) -> tuple[Alternate, ...]:
        """Return the other language versions (the switcher's links)."""
        return tuple(a for a in self.alternates if not a.current)
