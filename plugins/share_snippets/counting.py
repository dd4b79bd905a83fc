"""Count post length the way each network does (pure functions, no Pelican).

- X: twitter-text v3 weighting (NFC; code units in the listed ranges weigh 100, all
  others 200, scale 100; every URL 23; every emoji sequence 2; limit 280).
- Bluesky: grapheme clusters (limit 300), links counted as the app shortens them.
- Mastodon: code points (limit 500 by default, instance-specific), every URL 23.
- Threads: code points with each emoji counted as its UTF-8 bytes (limit 500, <= 5 links).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

import regex

# twitter-text v3 configuration (config/v3.json in twitter/twitter-text).
X_SCALE = 100
X_DEFAULT_WEIGHT = 200
X_RANGES = ((0, 4351, 100), (8192, 8205, 100), (8208, 8223, 100), (8242, 8247, 100))
X_URL_LENGTH = 23
X_LIMIT = 280

BLUESKY_LIMIT = 300
MASTODON_LIMIT = 500
MASTODON_URL_LENGTH = 23
THREADS_LIMIT = 500
THREADS_MAX_LINKS = 5

# Trailing characters that are punctuation around a link, not part of it.
_TRAILING = ".,;:!?'\")]}>»”’…"

_SCHEME_URL = regex.compile(r"(?i)\bhttps?://[^\s<>\"]+")
# Bare domains ("www.nhs.uk", "example.com/path"): twitter-text links these without a
# scheme when the top-level domain is valid. Not preceded by a word char, @, $ or #.
_BARE_DOMAIN = regex.compile(
    r"(?i)(?<![\w@$#./-])((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+([a-z]{2,24}))"
    r"(/[^\s<>\"]*)?(?![\w@-])"
)
# Common generic TLDs; two-letter TLDs are treated as country codes.
_KNOWN_GTLDS = frozenset((
    "com", "net", "org", "info", "biz", "gov", "edu", "mil", "int", "io", "app", "dev", "ai",
    "me", "tv", "co", "name", "pro", "mobi", "news", "blog", "online", "site", "xyz", "health",
    "care", "help", "clinic", "hospital", "social", "link", "page", "store", "shop",
))  # fmt: skip
_EMOJI_CLUSTER = regex.compile(
    r"\p{Emoji_Presentation}|\p{Extended_Pictographic}\uFE0F|\p{RI}|\uFE0F?\u20E3"
)
_GRAPHEME = regex.compile(r"\X")


@dataclass(frozen=True)
class Link:
    """A link found in text: span and whether X certainly shortens it."""

    start: int
    end: int
    text: str
    certain: bool = True


def _trim(url: str) -> str:
    while url and url[-1] in _TRAILING:
        # Keep a closing bracket that balances one inside the link (Wikipedia style).
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def find_links(text: str) -> list[Link]:
    """Return links in text: scheme URLs, then bare domains outside them."""
    links: list[Link] = []
    taken: list[tuple[int, int]] = []
    for m in _SCHEME_URL.finditer(text):
        url = _trim(m.group(0))
        if "." not in urlsplit(url).netloc and "localhost" not in url:
            continue
        links.append(Link(m.start(), m.start() + len(url), url))
        taken.append((m.start(), m.start() + len(url)))
    for m in _BARE_DOMAIN.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        url = _trim(m.group(0))
        host, tld, path = m.group(1), m.group(2).lower(), m.group(3)
        labels = host.count(".")
        if len(tld) == 2 and labels == 1 and not path:
            continue  # twitter-text: "nhs.uk" alone is not a link, "www.nhs.uk" is
        certain = len(tld) == 2 or tld in _KNOWN_GTLDS
        links.append(Link(m.start(), m.start() + len(url), url, certain))
    return sorted(links, key=lambda link: link.start)


def is_emoji(cluster: str) -> bool:
    """Return True if a grapheme cluster is an emoji (presentation) sequence."""
    return bool(_EMOJI_CLUSTER.search(cluster))


def graphemes(text: str) -> list[str]:
    """Split text into extended grapheme clusters."""
    return _GRAPHEME.findall(text)


def _x_char_weight(char: str) -> int:
    code = ord(char)
    if code > 0xFFFF:
        # twitter-text walks UTF-16 code units; a surrogate pair weighs 2 x 200.
        return 2 * X_DEFAULT_WEIGHT
    for start, end, weight in X_RANGES:
        if start <= code <= end:
            return weight
    return X_DEFAULT_WEIGHT


def _x_plain(text: str) -> int:
    total = 0
    for cluster in graphemes(text):
        if is_emoji(cluster):
            total += X_DEFAULT_WEIGHT
        else:
            total += sum(_x_char_weight(c) for c in cluster)
    return total


def x_length(text: str) -> int:
    """Return the X (twitter-text v3) weighted length of text."""
    text = unicodedata.normalize("NFC", text)
    total, pos = 0, 0
    for link in find_links(text):
        total += _x_plain(text[pos : link.start])
        url_weight = X_URL_LENGTH * X_SCALE
        if link.certain:
            total += url_weight
        else:
            # Unknown TLD: X may or may not link it; count whichever is longer.
            total += max(url_weight, _x_plain(link.text))
        pos = link.end
    total += _x_plain(text[pos:])
    return -(-total // X_SCALE)


def bluesky_short_link(url: str) -> str:
    """Return a link as the Bluesky app displays and counts it."""
    parts = urlsplit(url if "://" in url else "https://" + url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return url
    path = "" if parts.path == "/" else parts.path
    if parts.query:
        path += "?" + parts.query
    if parts.fragment:
        path += "#" + parts.fragment
    if len(path) > 15:
        return parts.netloc + path[:13] + "..."
    return parts.netloc + path


def bluesky_length(text: str) -> int:
    """Return the Bluesky length: grapheme clusters after link shortening."""
    out, pos = [], 0
    for link in find_links(text):
        if not link.text.lower().startswith(("http://", "https://")):
            continue  # the app only shortens links written with a scheme
        out.append(text[pos : link.start])
        out.append(bluesky_short_link(link.text))
        pos = link.end
    out.append(text[pos:])
    return len(graphemes("".join(out)))


def mastodon_length(text: str, url_length: int = MASTODON_URL_LENGTH) -> int:
    """Return the Mastodon length: code points, every http(s) link as url_length."""
    total, pos = 0, 0
    for link in find_links(text):
        if not link.text.lower().startswith(("http://", "https://")):
            continue
        total += len(text[pos : link.start]) + url_length
        pos = link.end
    return total + len(text[pos:])


def threads_length(text: str) -> int:
    """Return the Threads length: code points, each emoji as its UTF-8 byte count."""
    total = 0
    for cluster in graphemes(text):
        total += len(cluster.encode("utf-8")) if is_emoji(cluster) else len(cluster)
    return total


def link_count(text: str) -> int:
    """Return how many links a network would detect in text."""
    return len(find_links(text))


def plain_length(text: str) -> int:
    """Return the length in code points (networks without a documented rule)."""
    return len(text)
