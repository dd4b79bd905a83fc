"""Feeds that carry each entry's card image (Media RSS and enclosures) and summary.

Pelican's writer builds a feedgenerator feed, adds the items, then sends
``feed_generated`` before writing. Our receiver swaps the feed's class for a
subclass that declares the Media RSS namespace and writes ``media:content`` and
``media:thumbnail`` per item, and gives each item one enclosure (RSS) or an
``rel="enclosure"`` link (Atom) and its summary.

What the W3C Feed Validator requires and Pelican leaves out:
- a ``<guid>`` that is not a full http(s) URL (Pelican's ``tag:`` ids) says
  ``isPermaLink="false"``;
- an enclosure's ``length`` is the file's size in bytes. Cards are rendered while feeds are
  written, so the feed gets ``length="0"`` and ``fix_enclosure_lengths`` (run in ``finalized``,
  after og_cards has placed its files) writes the real sizes.
"""

from __future__ import annotations

import gzip
import html
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from feedgenerator import Atom1Feed, Enclosure
from kernel import files

MEDIA_NS = "http://search.yahoo.com/mrss/"
UNKNOWN_LENGTH = "0"  # RSS Best Practices: 0 when the size is not known


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
    if og is not None and og.image:
        return FeedImage(
            url=str(og.image),
            type=str(og.image_type or _guess_type(str(og.image))),
            width=og.image_width,
            height=og.image_height,
            alt=str(og.image_alt or ""),
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
            # The length is filled in by fix_enclosure_lengths once the card file exists.
            attrs = {"rel": "enclosure", "href": image.url, "length": UNKNOWN_LENGTH,
                     "type": image.type}  # fmt: skip
            handler.addQuickElement("link", "", attrs)
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


def enrich(feed: Any, articles: dict[str, Any], siteurl: str, description: str = "") -> int:
    """Give every item of ``feed`` its card image and summary; return how many got an image.

    ``description`` fills an empty channel description (RSS 2.0 requires one; Pelican uses
    SITESUBTITLE, which this site does not set).
    """
    feed.__class__ = media_class(type(feed))
    if description and not getattr(feed, "feed", {}).get("description"):
        feed.feed["description"] = description
    is_atom = isinstance(feed, Atom1Feed)
    with_image = 0
    for item in feed.items:
        guid = str(item.get("unique_id") or "")
        if guid and not guid.startswith(("http://", "https://")):
            item["unique_id_is_permalink"] = False  # a tag: URI is an id, not a link
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
            # RSS requires a length: fix_enclosure_lengths writes it once the card exists.
            item["enclosures"] = [Enclosure(image.url, UNKNOWN_LENGTH, image.type)]
        with_image += 1
    return with_image


# feedgenerator writes attributes in sorted order: find the element, then its attributes.
# On the feed's bytes: a feed's text with one emoji is four bytes a character in memory.
_ENCLOSURE = re.compile(rb'<enclosure\s[^>]*>|<link\s[^>]*\brel="enclosure"[^>]*>')
_ATTRIBUTE = re.compile(rb'\s(url|href|length)="([^"]*)"')


def local_file(url: str, siteurl: str, output: Path) -> Path | None:
    """Return the output file a site URL names, or None for other hosts and missing files."""
    base = siteurl.rstrip("/") + "/"
    if not siteurl or not url.startswith(base):
        return None
    relative = unquote(urlsplit(url[len(base) :]).path)
    path = (output / relative).resolve()
    root = output.resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path


FEED_SETTINGS = (
    "FEED_ATOM", "FEED_RSS", "FEED_ALL_ATOM", "FEED_ALL_RSS", "CATEGORY_FEED_ATOM",
    "CATEGORY_FEED_RSS", "AUTHOR_FEED_ATOM", "AUTHOR_FEED_RSS", "TAG_FEED_ATOM", "TAG_FEED_RSS",
    "TRANSLATION_FEED_ATOM", "TRANSLATION_FEED_RSS",
)  # fmt: skip


def feed_files(settings: dict[str, Any]) -> list[Path]:
    """Return the feed files Pelican wrote, from the FEED_* settings ({slug}, {lang} as *)."""
    output = Path(settings["OUTPUT_PATH"])
    found: set[Path] = set()
    for key in FEED_SETTINGS:
        pattern = settings.get(key)
        if not pattern or not isinstance(pattern, str):
            continue
        found.update(p for p in output.glob(re.sub(r"{\w+}", "*", pattern)) if p.is_file())
    return sorted(found)


def fix_enclosure_lengths(output: Path, siteurl: str, feed_paths: list[Path]) -> int:
    """Write the real byte size into every unknown enclosure length of the feeds; return count."""
    fixed = 0

    def size(match: re.Match) -> bytes:
        nonlocal fixed
        element = match.group(0)
        attrs = {k.decode(): v.decode("utf-8", "replace") for k, v in _ATTRIBUTE.findall(element)}
        if attrs.get("length") != UNKNOWN_LENGTH:
            return element
        path = local_file(html.unescape(attrs.get("url") or attrs.get("href") or ""), siteurl,
                          output)  # fmt: skip
        if path is None:
            return element  # another host: the size stays unknown (0)
        fixed += 1
        return element.replace(b' length="0"', b' length="%d"' % path.stat().st_size, 1)

    for feed in feed_paths:
        data = feed.read_bytes()
        new = _ENCLOSURE.sub(size, data)
        if new != data:
            files.write_bytes(feed, new)
            twin = feed.with_name(feed.name + ".gz")
            if twin.is_file():  # precompressed already (publishconf): keep the twin identical
                files.write_bytes(twin, gzip.compress(new, compresslevel=9, mtime=0))
    return fixed
