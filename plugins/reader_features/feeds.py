"""Feeds that carry each entry's card image (Media RSS and enclosures) and summary.

Pelican's writer builds a feedgenerator feed, adds the items, then sends
``feed_generated`` before writing. Our receiver swaps the feed's class for a
subclass that declares the Media RSS namespace and writes ``media:content`` and
``media:thumbnail`` per item, and gives each item one enclosure (RSS) or an
``rel="enclosure"`` link (Atom) and its summary.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from typing import Any

from feedgenerator import Atom1Feed, Enclosure

MEDIA_NS = "http://search.yahoo.com/mrss/"


@dataclass(frozen=True)
class FeedImage:
    """The card image of one feed entry."""

    url: str
    type: str
    width: int | None = None
    height: int | None = None
    alt: str = ""


def image_for(article: Any, siteurl: str) -> FeedImage | None:
    """Return the card image an article declares (og_cards' ``article.og``), else its own image."""
    og = getattr(article, "og", None)
    if isinstance(og, dict) and og.get("image"):
        return FeedImage(
            url=str(og["image"]),
            type=str(og.get("image_type") or _guess_type(str(og["image"]))),
            width=og.get("image_width"),
            height=og.get("image_height"),
            alt=str(og.get("image_alt") or ""),
        )
    own = (getattr(article, "metadata", None) or {}).get("image")
    if own:
        url = str(own)
        if "://" not in url:
            url = f"{siteurl.rstrip('/')}/{url.lstrip('/')}"
        alt = (getattr(article, "metadata", None) or {}).get("image_alt") or ""
        return FeedImage(url=url, type=_guess_type(url), alt=str(alt))
    return None


def _guess_type(url: str) -> str:
    return mimetypes.guess_type(url.split("?", maxsplit=1)[0])[0] or "image/png"


class MediaFeedMixin:
    """Declare the Media RSS namespace and write each item's ``media`` image."""

    def rss_attributes(self) -> dict[str, str]:
        """Declare the namespace on <rss> (RSS puts root_attributes on <channel>)."""
        attrs = super().rss_attributes()  # type: ignore[misc]
        attrs["xmlns:media"] = MEDIA_NS
        return attrs

    def root_attributes(self) -> dict[str, str]:
        """Declare the namespace on Atom's <feed>."""
        attrs = super().root_attributes()  # type: ignore[misc]
        if isinstance(self, Atom1Feed):
            attrs["xmlns:media"] = MEDIA_NS
        return attrs

    def add_item_elements(self, handler, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item)  # type: ignore[misc]
        image: FeedImage | None = item.get("media")
        if image is None:
            return
        size = {}
        if image.width and image.height:
            size = {"width": str(image.width), "height": str(image.height)}
        if isinstance(self, Atom1Feed):
            # Atom's enclosure length is optional; the card's size is unknown until it is rendered.
            handler.addQuickElement(
                "link", "", {"rel": "enclosure", "href": image.url, "type": image.type}
            )
        handler.startElement(
            "media:content", {"url": image.url, "medium": "image", "type": image.type, **size}
        )
        if image.alt:
            handler.addQuickElement("media:description", image.alt, {"type": "plain"})
        handler.endElement("media:content")
        handler.addQuickElement("media:thumbnail", "", {"url": image.url, **size})


_CLASSES: dict[type, type] = {}


def media_class(feed_class: type) -> type:
    """Return (and cache) the Media RSS subclass of a feedgenerator feed class."""
    if issubclass(feed_class, MediaFeedMixin):
        return feed_class
    if feed_class not in _CLASSES:
        _CLASSES[feed_class] = type(f"Media{feed_class.__name__}", (MediaFeedMixin, feed_class), {})
    return _CLASSES[feed_class]


def item_key(link: str, siteurl: str) -> str:
    """Return the site-relative URL of a feed item link (``?ref=feed`` and SITEURL removed)."""
    link = link.split("?", 1)[0].split("#", 1)[0]
    base = siteurl.rstrip("/") + "/"
    if siteurl and link.startswith(base):
        return link[len(base) :]
    return link.lstrip("/")


def enrich(feed: Any, articles: dict[str, Any], siteurl: str) -> int:
    """Give every item of ``feed`` its card image and summary; return how many got an image."""
    feed.__class__ = media_class(type(feed))
    is_atom = isinstance(feed, Atom1Feed)
    with_image = 0
    for item in feed.items:
        article = articles.get(item_key(item.get("link", ""), siteurl))
        if article is None:
            continue
        if item.get("description") is None and getattr(article, "summary", None):
            item["description"] = str(article.summary)
        image = image_for(article, siteurl)
        if image is None:
            continue
        item["media"] = image
        if not is_atom:
            # RSS requires a length; 0 is the RSS Best Practices value when it is unknown
            # (the card is rendered after the feeds are written).
            item["enclosures"] = [Enclosure(image.url, "0", image.type)]
        with_image += 1
    return with_image
