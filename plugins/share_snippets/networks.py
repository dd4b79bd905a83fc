"""Share networks: a registry of small builders, one per network (pure functions).

Every builder takes a `Prepared` (fitted post + tracked URL) and returns the share link.
Query values are percent-encoded exactly once with `quote(..., safe="")`, so spaces are
`%20` everywhere (required by `mailto:`, accepted by every intent endpoint). `mailto:` bodies
break lines as `%0D%0A` (RFC 6068, section 5).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from kernel.i18n import N_

from .compose import Post, Rule
from .counting import (
    BLUESKY_LIMIT,
    BLUESKY_MAX_BYTES,
    FACEBOOK_LIMIT,
    LINKEDIN_LIMIT,
    MASTODON_LIMIT,
    REDDIT_LIMIT,
    TELEGRAM_LIMIT,
    THREADS_LIMIT,
    THREADS_MAX_LINKS,
    WHATSAPP_LIMIT,
    X_LIMIT,
    bluesky_length,
    mastodon_length,
    plain_length,
    threads_length,
    x_length,
    x_valid,
)

REDDIT_TITLE_LIMIT = 300
THREADS_TAG_LIMIT = 50


@dataclass(frozen=True)
class Prepared:
    """What a builder needs: the fitted post, the URL as shared and network options."""

    post: Post
    url: str
    title: str
    via: str = ""


@dataclass(frozen=True)
class Network:
    """One share target: labels, kind, length rule and link builder."""

    key: str
    label: str
    name: str
    kind: str = "link"  # link | mastodon | copy | native
    rule: Rule = field(default_factory=lambda: Rule(plain_length, None))
    max_hashtags: int | None = None  # None: the site-wide maximum
    build: Callable[[Prepared], str] | None = None


_UNRESERVED = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~"
# Each byte as itself or %XX, indexed by the byte (str.translate's table, read by code point).
_PERCENT = {byte: chr(byte) if byte in _UNRESERVED else f"%{byte:02X}" for byte in range(256)}


def percent_encode(value: str) -> str:
    """Return ``quote(value, safe="")``: UTF-8, every byte but A-Z a-z 0-9 _ . - ~ as %XX.

    urllib's quote looks up every byte in Python; a share text is hundreds of them and a
    build makes twelve links an article, so the bytes go through one ``str.translate``.
    """
    return value.encode("utf-8").decode("latin-1").translate(_PERCENT)


def query(params: list[tuple[str, str]]) -> str:
    """Join non-empty parameters, each value percent-encoded exactly once."""
    return "&".join(f"{k}={percent_encode(v)}" for k, v in params if v)


def add_params(url: str, params: list[tuple[str, str]]) -> str:
    """Return url with params added (replacing any of the same name)."""
    parts = urlsplit(url)
    names = {k for k, _ in params}
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in names]
    new_query = urlencode(kept + [(k, v) for k, v in params if v], quote_via=quote)
    return urlunsplit(parts._replace(query=new_query))


def _body_without_tags(p: Prepared) -> str:
    return "\n\n".join(x for x in (p.post.title, p.post.summary) if x)


def build_x(p: Prepared) -> str:
    """Build an X post intent (text, url, via)."""
    params = [("text", p.post.body), ("url", p.url), ("via", p.via)]
    return "https://x.com/intent/post?" + query(params)


def build_facebook(p: Prepared) -> str:
    """Build a Facebook sharer link (only `u` is honoured)."""
    return "https://www.facebook.com/sharer.php?" + query([("u", p.url)])


def build_linkedin(p: Prepared) -> str:
    """Build a LinkedIn share-offsite link (only `url` is honoured)."""
    return "https://www.linkedin.com/sharing/share-offsite/?" + query([("url", p.url)])


def build_whatsapp(p: Prepared) -> str:
    """Build a WhatsApp send link with the URL inside the text."""
    return "https://api.whatsapp.com/send?" + query([("text", p.post.text)])


def build_telegram(p: Prepared) -> str:
    """Build a Telegram share link (url and text)."""
    return "https://t.me/share/url?" + query([("url", p.url), ("text", p.post.body)])


def build_bluesky(p: Prepared) -> str:
    """Build a Bluesky compose intent with the URL inside the text."""
    return "https://bsky.app/intent/compose?" + query([("text", p.post.text)])


def build_mastodon(p: Prepared, instance: str = "{instance}") -> str:
    """Build a Mastodon share link for an instance (a placeholder by default)."""
    return f"https://{instance}/share?" + query([("text", p.post.text)])


def build_threads(p: Prepared) -> str:
    """Build a Threads post intent (text, url, one topic tag)."""
    tag = p.post.hashtags[0] if p.post.hashtags else ""
    tag = tag if len(tag) <= THREADS_TAG_LIMIT else ""  # Threads rejects longer topic tags
    params = [("text", _body_without_tags(p)), ("url", p.url), ("tag", tag)]
    return "https://www.threads.com/intent/post?" + query(params)


def build_reddit(p: Prepared) -> str:
    """Build a Reddit submit link (url and title)."""
    title = p.title
    if len(title) > REDDIT_TITLE_LIMIT:
        title = title[: REDDIT_TITLE_LIMIT - 1].rsplit(" ", 1)[0] + "…"
    return "https://www.reddit.com/submit?" + query([("url", p.url), ("title", title)])


def crlf(text: str) -> str:
    """Return text with every line break as CR LF (RFC 6068: %0D%0A in a mailto: body)."""
    return "\r\n".join(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


def build_email(p: Prepared) -> str:
    """Build a mailto: link (RFC 6068: UTF-8 percent-encoded, spaces %20, breaks %0D%0A)."""
    subject = " ".join(p.title.split())  # a header field: no line breaks
    return "mailto:?" + query([("subject", subject), ("body", crlf(p.post.text))])


def build_plain(p: Prepared) -> str:
    """Return the tracked URL itself (copy link and native share)."""
    return p.url


NETWORKS: dict[str, Network] = {
    n.key: n
    for n in (
        Network("x", "X", N_("Share on X"), rule=Rule(x_length, X_LIMIT, accepts=x_valid),
                build=build_x),
        Network("facebook", "Facebook", N_("Share on Facebook"),
                rule=Rule(plain_length, FACEBOOK_LIMIT), build=build_facebook),
        Network("linkedin", "LinkedIn", N_("Share on LinkedIn"),
                rule=Rule(plain_length, LINKEDIN_LIMIT), build=build_linkedin),
        Network("whatsapp", "WhatsApp", N_("Share on WhatsApp"),
                rule=Rule(plain_length, WHATSAPP_LIMIT), build=build_whatsapp),
        Network("telegram", "Telegram", N_("Share on Telegram"),
                rule=Rule(plain_length, TELEGRAM_LIMIT), build=build_telegram),
        Network("bluesky", "Bluesky", N_("Share on Bluesky"),
                rule=Rule(bluesky_length, BLUESKY_LIMIT, max_bytes=BLUESKY_MAX_BYTES),
                build=build_bluesky),
        Network("mastodon", "Mastodon", N_("Share on Mastodon"), kind="mastodon",
                rule=Rule(mastodon_length, MASTODON_LIMIT), build=build_mastodon),
        Network("threads", "Threads", N_("Share on Threads"),
                rule=Rule(threads_length, THREADS_LIMIT, THREADS_MAX_LINKS), max_hashtags=1,
                build=build_threads),
        Network("reddit", "Reddit", N_("Share on Reddit"), rule=Rule(plain_length, REDDIT_LIMIT),
                max_hashtags=0, build=build_reddit),
        Network("email", N_("Email"), N_("Share by email"), max_hashtags=0, build=build_email),
        Network("copy_link", N_("Copy link"), N_("Copy link"), kind="copy", max_hashtags=0,
                build=build_plain),
        Network("native_share", N_("Share…"), N_("Share…"), kind="native",
                max_hashtags=0, build=build_plain),
    )
}  # fmt: skip

DEFAULT_NETWORKS = tuple(NETWORKS)
# Labels that are words, translated on pages in other languages (the others are brand names).
TRANSLATED_LABELS = frozenset(("email", "copy_link", "native_share"))

# Networks whose link is made from the post's body or text, the URL and X's via alone: a
# snippet keeps those, not the link, and makes it when asked (``link_from_text``). The others
# need the title or the hashtags apart (Threads, Reddit, e-mail): their links are kept.
FROM_TEXT = frozenset(
    ("x", "facebook", "linkedin", "whatsapp", "telegram", "bluesky", "mastodon", "copy_link",
     "native_share")
)  # fmt: skip


def share_link(key: str, prepared: Prepared) -> str:
    """Return a network's share link (Mastodon's with the instance placeholder)."""
    net = NETWORKS[key]
    return build_mastodon(prepared) if net.kind == "mastodon" else net.build(prepared)


def link_from_text(key: str, body: str, text: str, url: str, via: str = "") -> str:
    """Return the share link of a network in ``FROM_TEXT`` from what its snippet keeps."""
    if key not in FROM_TEXT:
        raise ValueError(f"the {key} link needs more than the text: keep it")
    post = Post("", "", (), body, text, False)
    return share_link(key, Prepared(post=post, url=url, title="", via=via))
