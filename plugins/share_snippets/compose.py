"""Compose post text and fit it to a network's length rule (pure functions).

Shape of a post: title, blank line, summary, blank line, hashtags, blank line, URL.
Fitting shortens in this order and never cuts the URL or a grapheme cluster:
drop hashtags (last first), trim the summary at a word (grapheme as a last resort),
drop the summary, trim the title the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

import regex
from kernel.text import html_to_text, paragraphs

from .counting import UNPOSTABLE, grapheme_count, graphemes, link_count, utf8_length

ELLIPSIS = "…"
_HASHTAG_CHARS = regex.compile(r"[^\p{L}\p{M}\p{N}_]+")
_SPACE = re.compile(r"\s+")
_ASIDE_CLASSES = ("care-card", "admonition", "toc")
_SENTENCE_END = regex.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\p{Lu}\p{N}\"'“‘(])")


@dataclass(frozen=True)
class Rule:
    """A length rule: how a network counts, its limit and maximum number of links."""

    counter: Callable[[str], int]
    limit: int | None
    max_links: int | None = None
    max_bytes: int | None = None  # a second limit in UTF-8 bytes (Bluesky's record text)
    accepts: Callable[[str], bool] | None = None  # the reference check (X: parseTweet.valid)

    def fits(self, text: str) -> bool:
        """Return True if text is within every limit of the rule, as written."""
        if self.max_links is not None and link_count(text) > self.max_links:
            return False
        if self.max_bytes is not None and utf8_length(text) > self.max_bytes:
            return False
        if self.accepts is not None and not self.accepts(text):
            return False
        return self.limit is None or self.counter(text) <= self.limit


@dataclass(frozen=True)
class Post:
    """A fitted post: the body (no URL), the full text and what was kept."""

    title: str
    summary: str
    hashtags: tuple[str, ...]
    body: str
    text: str
    trimmed: bool


def clean(text: str) -> str:
    """Remove characters no network accepts, collapse whitespace (with newlines) and strip."""
    return _SPACE.sub(" ", UNPOSTABLE.sub("", text or "")).strip()


def strip_markup(value: object) -> str:
    """Return plain text from an HTML fragment (the kernel's one HTML-to-text rule)."""
    return html_to_text(value)


def first_sentence(body_html: str) -> str:
    """Return the first sentence of the first paragraph outside call-out boxes."""
    found = paragraphs(body_html or "", skip_classes=_ASIDE_CLASSES)
    text = found[0] if found else html_to_text(body_html or "", skip_classes=_ASIDE_CLASSES)
    return _SENTENCE_END.split(text, maxsplit=1)[0].strip()


@lru_cache(maxsize=4096)
def _hashtag(tag: str) -> str:
    # Asked for each network of each article (24 times), and sites reuse their tags.
    return "".join(w[:1].upper() + w[1:] for w in _HASHTAG_CHARS.split(tag.lstrip("#")) if w)


def hashtags_from(tags: Iterable[str], maximum: int) -> tuple[str, ...]:
    """Return CamelCase, #-safe, de-duplicated hashtags (without '#'), at most maximum."""
    out: list[str] = []
    seen: set[str] = set()
    for tag in tags:
        name = _hashtag(str(tag))
        if not name or name.isdigit() or name.casefold() in seen:
            continue
        seen.add(name.casefold())
        out.append(name)
        if len(out) >= maximum:
            break
    return tuple(out)


def join_post(title: str, summary: str, tags: Iterable[str], url: str) -> tuple[str, str]:
    """Return (body, text) where text is the body followed by the URL."""
    hashtag_line = " ".join("#" + t for t in tags)
    body = "\n\n".join(p for p in (title, summary, hashtag_line) if p)
    return body, post_text(body, url)


def post_text(body: str, url: str) -> str:
    """Return the posted text: the body, a blank line, then the URL (either may be empty)."""
    return f"{body}\n\n{url}" if body and url else (body or url)


def _trim_words(text: str, keep: int) -> str:
    words = text.split(" ")
    cut = " ".join(words[:keep]).rstrip(" ,;:-–—")
    return cut + ELLIPSIS if cut else ""


def _trim_graphemes(text: str, keep: int) -> str:
    cut = "".join(graphemes(text)[:keep]).rstrip()
    return cut + ELLIPSIS if cut else ""


def _longest(text: str, ok: Callable[[str], bool]) -> str | None:
    """Return the longest shortened form of text that passes ok, or None."""
    words = text.split(" ")
    if len(words) > 1:
        lo, hi = 1, len(words) - 1
        best = None
        while lo <= hi:  # fitting is monotonic in the number of words kept
            mid = (lo + hi) // 2
            if ok(_trim_words(text, mid)):
                best, lo = mid, mid + 1
            else:
                hi = mid - 1
        if best is not None:
            return _trim_words(text, best)
    # One long word (or no space-separated script): trim at a grapheme boundary.
    clusters = len(graphemes(text))
    lo, hi, best = 1, clusters - 1, None
    while lo <= hi:
        mid = (lo + hi) // 2
        if ok(_trim_graphemes(text, mid)):
            best, lo = mid, mid + 1
        else:
            hi = mid - 1
    return None if best is None else _trim_graphemes(text, best)


def _cap(text: str, limit: int | None) -> str:
    """Cut text to at most `limit` grapheme clusters before fitting.

    No network counts a cluster as less than 1 outside links, so a longer part can never fit
    whole; the cap keeps the link detectors (quadratic on hostile input such as "a.a.a.")
    fast on 10,000-character titles.
    """
    if limit is None or grapheme_count(text) <= limit:
        return text
    return _longest(text, lambda t: grapheme_count(t) <= limit) or ""


def fit(title: str, summary: str, tags: Iterable[str], url: str, rule: Rule) -> Post:
    """Compose a post and shorten it until it fits the rule."""
    title, summary, tags = clean(title), clean(summary), tuple(tags)
    if summary and summary.casefold() == title.casefold():
        summary = ""
    original = (title, summary)
    title, summary = _cap(title, rule.limit), _cap(summary, rule.limit)
    capped = (title, summary) != original

    def ok(t: str, s: str, h: tuple[str, ...]) -> bool:
        return rule.fits(join_post(t, s, h, url)[1])

    def post(t: str, s: str, h: tuple[str, ...], trimmed: bool) -> Post:
        body, text = join_post(t, s, h, url)
        return Post(t, s, h, body, text, trimmed)

    for n in range(len(tags), -1, -1):
        if ok(title, summary, tags[:n]):
            return post(title, summary, tags[:n], capped or n < len(tags))
    if summary:
        short = _longest(summary, lambda s: ok(title, s, ()))
        if short:
            return post(title, short, (), True)
        if ok(title, "", ()):
            return post(title, "", (), True)
    if title:
        short = _longest(title, lambda t: ok(t, "", ()))
        if short:
            return post(short, "", (), True)
    return post("", "", (), True)
