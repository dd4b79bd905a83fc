"""Count post length the way each network counts it, with the networks' reference rules.

Every count is of the text **as written**: no network is assumed to shorten a link.

- X: ``twitter-text-parser`` (the twitter-text v3 port): ``parse_tweet`` with config v3, 280.
- Bluesky: grapheme clusters of the record text (300) and its UTF-8 bytes (3,000), as the
  ``app.bsky.feed.post`` lexicon limits ``text``; links, mentions and tags are found as the app's
  ``detectFacets`` finds them and exported as facets (UTF-8 byte offsets).
- Mastodon: ``StatusLengthValidator``: grapheme clusters after every URL that Mastodon links
  (scheme required) is rewritten to 23 characters and every ``@user@domain`` to ``@user``.
- Threads: 500, each emoji cluster as its UTF-8 bytes, at most 5 links.
- LinkedIn, Facebook, Telegram, WhatsApp, Reddit: documented limits in characters, counted as
  UTF-16 code units (what their JavaScript composers count; never fewer than code points).

Grapheme clusters come from ICU (``icu4py``), checked against Unicode's GraphemeBreakTest.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import regex
from icu4py.breakers import CharacterBreaker

# twitter-text is imported on first use: compiling its emoji pattern takes about 0.6 s, and a
# rebuild that reuses every share text never counts one (tests check the limit is its own).
X_LIMIT = 280  # twitter-text config v3 max_weighted_tweet_length

BLUESKY_LIMIT = 300
BLUESKY_MAX_BYTES = 3000
MASTODON_LIMIT = 500
MASTODON_URL_LENGTH = 23
THREADS_LIMIT = 500
THREADS_MAX_LINKS = 5
LINKEDIN_LIMIT = 3000
FACEBOOK_LIMIT = 63206
TELEGRAM_LIMIT = 4096
WHATSAPP_LIMIT = 65536
REDDIT_LIMIT = 40000

# Characters X refuses in a post (twitter-text's invalid_chars) plus controls, surrogates and
# noncharacters no network accepts; compose removes them from every text.
UNPOSTABLE = regex.compile(r"[\uFFFE\uFEFF\uFFFF\p{Cs}\p{Noncharacter_Code_Point}]|[^\P{Cc}\n]")

_EMOJI_CLUSTER = regex.compile(
    r"\p{Emoji_Presentation}|\p{Extended_Pictographic}\uFE0F|\p{RI}|\uFE0F?\u20E3"
)

# Bluesky app link detection (@atproto/api rich-text detectFacets): a link starts the text or
# follows white space or "("; "https://" must be lower case (the app checks startsWith("http")),
# a scheme-less link needs a known top-level domain.
_BSKY_LINK = regex.compile(
    r"(?:^|(?<=[\s(]))(?:(https?://\S+)|(?P<domain>[a-z][a-z0-9]*(?:\.[a-z0-9]+)+)\S*)",
    regex.IGNORECASE | regex.MULTILINE,
)
_BSKY_TAG = regex.compile(
    r"(?:^|(?<=\s))[#＃]((?!\uFE0F)[^\s\u00AD\u2060\u200A\u200B\u200C\u200D\u20E2]*"
    r"[^\d\s\p{P}\u00AD\u2060\u200A\u200B\u200C\u200D\u20E2]+"
    r"[^\s\u00AD\u2060\u200A\u200B\u200C\u200D\u20E2]*)"
)
_BSKY_TAG_MAX = 64
_TRAILING_PUNCTUATION = regex.compile(r"\p{P}+$")

# Mastodon's mention pattern (Account::MENTION_RE): "@user" or "@user@domain", not after a word
# character or "/"; the validator counts it as "@user".
_MASTODON_MENTION = regex.compile(
    r"(?<![\w/])@([a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)(?:@[\w.-]+[\w]+)?", regex.IGNORECASE
)


@dataclass(frozen=True)
class Link:
    """A link a network detects: code point span and the text of the link."""

    start: int
    end: int
    text: str


def graphemes(text: str) -> list[str]:
    """Split text into extended grapheme clusters (UAX #29, ICU)."""
    if not text:
        return []
    if text.isascii() and "\r" not in text:
        return list(text)  # every ASCII character but CR LF is its own cluster
    return list(CharacterBreaker(text, "en"))


def grapheme_count(text: str) -> int:
    """Return the number of extended grapheme clusters in text."""
    return len(graphemes(text))


def utf16_length(text: str) -> int:
    """Return the length in UTF-16 code units (JavaScript's String.length)."""
    return len(text.encode("utf-16-le")) // 2


def is_emoji(cluster: str) -> bool:
    """Return True if a grapheme cluster is an emoji (presentation) sequence."""
    return bool(_EMOJI_CLUSTER.search(cluster))


# ---- X ----------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _twitter_text() -> Any:
    # 0.6 s to import (its emoji pattern), so only when a text is counted
    import twitter_text.config  # noqa: PLC0415
    import twitter_text.regexp.valid_cctld  # noqa: PLC0415
    import twitter_text.regexp.valid_gtld  # noqa: PLC0415

    from . import x_emoji  # noqa: PLC0415

    x_emoji.install()  # its emoji scan, skipped for a text with no emoji character
    return twitter_text


def x_config() -> dict:
    """Return twitter-text's v3 configuration (the one X uses)."""
    return _twitter_text().config.config["version3"]


@lru_cache(maxsize=256)
def _parse_tweet(text: str) -> Any:
    # Fitting asks twice of every candidate (valid? how long?) and once more of the post it
    # keeps; the result is a frozen dataclass.
    return _twitter_text().parse_tweet(text, x_config())


def _extract_urls(text: str, **options: Any) -> list[dict[str, Any]]:
    return _twitter_text().extract_urls_with_indices(text, **options)


def x_length(text: str) -> int:
    """Return the X weighted length (twitter-text v3 parseTweet)."""
    return _parse_tweet(text).weightedLength


def x_valid(text: str) -> bool:
    """Return True if X accepts text (length and characters, twitter-text v3)."""
    return _parse_tweet(text).valid


def x_links(text: str) -> list[Link]:
    """Return the links X shortens to t.co (twitter-text extractUrlsWithIndices)."""
    return [Link(u["indices"][0], u["indices"][1], u["url"]) for u in _extract_urls(text)]


# ---- Bluesky ----------------------------------------------------------------------------
@lru_cache(maxsize=1)
def top_level_domains() -> frozenset[str]:
    """Return the IANA top-level domains twitter-text knows (for scheme-less links)."""
    regexp = _twitter_text().regexp
    names: set[str] = set()
    for pattern in (regexp.valid_gtld.valid_gtld, regexp.valid_cctld.valid_cctld):
        body = pattern.pattern.split("(?:(?:", 1)[1].split(")", 1)[0]
        names.update(part.lower() for part in body.split("|") if part)
    return frozenset(names)


def _valid_domain(domain: str) -> bool:
    labels = domain.lower().split(".")
    return len(labels) >= 2 and labels[-1] in top_level_domains()


def _byte_offsets(text: str) -> list[int]:
    """Return the UTF-8 byte offset of every code point index (and of the end)."""
    offsets, total = [0], 0
    for char in text:
        total += len(char.encode("utf-8", "surrogatepass"))
        offsets.append(total)
    return offsets


def bluesky_links(text: str) -> list[Link]:
    """Return the links the Bluesky app makes facets for, with trailing punctuation cut."""
    links = []
    for match in _BSKY_LINK.finditer(text):
        uri = match.group(0)
        schemeless = not uri.startswith(("http://", "https://"))
        if schemeless and (match.group(1) or not _valid_domain(match.group("domain") or "")):
            continue  # "HTTPS://..." or an unknown top-level domain: the app links nothing
        start, end = match.start(), match.end()
        if uri[-1] in ".,;:!?":
            end -= 1
            uri = uri[:-1]
        if uri.endswith(")") and "(" not in uri:
            end -= 1
            uri = uri[:-1]
        links.append(Link(start, end, uri))
    return links


def bluesky_facets(text: str) -> list[dict]:
    """Return app.bsky.richtext.facet records for the links and tags the app would detect.

    Mentions are left out: a mention facet needs the account's DID, which only the posting tool
    can resolve (our texts name no Bluesky account).
    """
    offsets = _byte_offsets(text)
    facets = []

    def facet(start: int, end: int, feature: dict) -> None:
        index = {"byteStart": offsets[start], "byteEnd": offsets[end]}
        facets.append({"$type": "app.bsky.richtext.facet", "index": index, "features": [feature]})

    for link in bluesky_links(text):
        uri = link.text if "://" in link.text else "https://" + link.text
        facet(link.start, link.end, {"$type": "app.bsky.richtext.facet#link", "uri": uri})
    for match in _BSKY_TAG.finditer(text):
        tag = _TRAILING_PUNCTUATION.sub("", match.group(1))
        if not tag or grapheme_count(tag) > _BSKY_TAG_MAX:
            continue
        start = match.start()
        facet(start, start + 1 + len(tag), {"$type": "app.bsky.richtext.facet#tag", "tag": tag})
    facets.sort(key=lambda f: f["index"]["byteStart"])
    return facets


def bluesky_length(text: str) -> int:
    """Return the Bluesky length of the record text as written: grapheme clusters."""
    return grapheme_count(text)


def utf8_length(text: str) -> int:
    """Return the length in UTF-8 bytes."""
    return len(text.encode("utf-8", "surrogatepass"))


# ---- Mastodon ---------------------------------------------------------------------------
def mastodon_links(text: str) -> list[Link]:
    """Return the URLs Mastodon links and counts as 23 (twitter-text, scheme required)."""
    links = []
    for url in _extract_urls(text, extract_urls_without_protocol=False):
        start, end = url["indices"]
        links.append(Link(start, end, url["url"]))
    return links


def mastodon_countable(text: str, url_length: int = MASTODON_URL_LENGTH) -> str:
    """Return text as StatusLengthValidator counts it: URLs as 'x' * 23, mentions as @user."""
    spans = [(link.start, link.end, "x" * url_length) for link in mastodon_links(text)]
    for match in _MASTODON_MENTION.finditer(text):
        if not any(a < match.end() and match.start() < b for a, b, _ in spans):
            spans.append((match.start(), match.end(), "@" + match.group(1)))
    out, pos = [], 0
    for start, end, replacement in sorted(spans):
        out += [text[pos:start], replacement]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def mastodon_length(text: str, url_length: int = MASTODON_URL_LENGTH) -> int:
    """Return the Mastodon length (StatusLengthValidator#countable_length)."""
    return grapheme_count(mastodon_countable(text, url_length))


# ---- Threads ----------------------------------------------------------------------------
def threads_length(text: str) -> int:
    """Return the Threads length: code points, each emoji cluster as its UTF-8 bytes."""
    if not _EMOJI_CLUSTER.search(text):
        # The pattern has no anchor or look-around: no match in the text, none in a cluster,
        # and the clusters' code points add up to the text's.
        return len(text)
    total = 0
    for cluster in graphemes(text):
        total += len(cluster.encode("utf-8")) if is_emoji(cluster) else len(cluster)
    return total


def link_count(text: str) -> int:
    """Return how many links X's extractor finds (the strictest detector, used for Threads)."""
    return len(x_links(text))


def plain_length(text: str) -> int:
    """Return the documented-limit length: UTF-16 code units."""
    return utf16_length(text)
