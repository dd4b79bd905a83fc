"""Per-article share data (`article.share`), computed lazily from plain inputs.

Lazy so that `article.og` set by og_cards in the same signal is seen whatever the plugin
order: templates render after all_generators_finalized, exports run in finalized.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

from kernel import memos, urls
from kernel.i18n import plugin_translator

from . import fitting
from .compose import Rule, clean, first_sentence, hashtags_from, post_text, strip_markup
from .counting import bluesky_facets, mastodon_length
from .networks import (
    FROM_TEXT,
    NETWORKS,
    TRANSLATED_LABELS,
    Network,
    Prepared,
    add_params,
    link_from_text,
    share_link,
)

logger = logging.getLogger(__name__)
# Network labels in the article's language (share_snippets/translations/<lang>/...).
TRANSLATE = plugin_translator(Path(__file__).parent / "share_snippets.py", "share_snippets")


class Snippet(NamedTuple):
    """One network's share data for one article.

    A tuple (twelve an article, all kept for the whole build): the snippets memo keeps these
    very tuples (JSON writes them as lists), so a snippet costs one object, not two.
    """

    key: str
    label: str
    name: str
    kind: str
    body: str
    url: str
    link: str | None  # the share link; None: made from the text when asked (FROM_TEXT)
    length: int
    limit: int | None
    trimmed: bool
    via: str = ""  # X's " via @handle", posted after the link

    @property
    def href(self) -> str:
        """Return the share link (most are the text in the network's address: not kept)."""
        if self.link is not None:
            return self.link
        return link_from_text(self.key, self.body, self.text, self.url, self.via)

    @property
    def text(self) -> str:
        """Return the text the network posts: the body, then the link (and X's via).

        Made when asked rather than kept: it repeats the body and the URL, and twelve
        snippets an article are kept for the whole build.
        """
        return post_text(self.body, f"{self.url} via @{self.via}" if self.via else self.url)

    @property
    def prefix(self) -> str:
        """Return the part of the accessible name before the visible label (visually hidden)."""
        if self.name.lower().endswith(self.label.lower()):
            return self.name[: len(self.name) - len(self.label)]
        return ""

    @property
    def suffix(self) -> str:
        """Return the part after the visible label, for languages that name the network
        first ("X پر شیئر کریں"), visually hidden too."""
        if not self.prefix and self.name.lower().startswith(self.label.lower()):
            return self.name[len(self.label) :]
        return ""


def _og_value(og: Any, *names: str) -> str | None:
    """Read the first non-empty attribute or key of article.og (object or dict)."""
    if og is None:
        return None
    for name in names:
        value = og.get(name) if isinstance(og, dict) else getattr(og, name, None)
        if value:
            return str(value)
    return None


def absolute(siteurl: str, path: str) -> str:
    """Return the absolute URL of a site path (the kernel's one rule; '' stays '')."""
    return urls.absolute(siteurl, path) if path else path


def split_list(value: Any) -> list[str]:
    """Split a comma-separated metadata value (or pass a list through)."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    return [v.strip() for v in str(value).split(",") if v.strip()]


class ShareData:
    """Share links and fitted texts for one article, exposed to templates as article.share."""

    def __init__(self, article: Any, settings: dict, siteurl: str, *, early: bool = False,
                 memo: memos.ResultMemo | None = None) -> None:  # fmt: skip
        self._article = article
        self._settings = settings
        self._siteurl = siteurl
        # The build's snippets by their inputs (kept from the last build), if it keeps them.
        self._memo = memo
        # While Pelican is still reading (fitting.prefetch): the body's links are not resolved
        # yet and `article.content` would remember them unresolved, so read the raw HTML.
        self._body = "_content" if early else "content"
        self._tracked: dict[str, str] = {}  # each network's URL, asked for by text and link

    # ---- inputs -----------------------------------------------------------------------
    @property
    def _meta(self) -> dict:
        return getattr(self._article, "metadata", {}) or {}

    @cached_property
    def canonical(self) -> str:
        """Return the article's canonical URL (never carries tracking parameters)."""
        return absolute(self._siteurl, getattr(self._article, "url", ""))

    @cached_property
    def title(self) -> str:
        """Return the share title: og title, og_title metadata, or the article title."""
        og = getattr(self._article, "og", None)
        raw = _og_value(og, "title") or self._meta.get("og_title") or self._article.title
        # Titles are plain text (the theme escapes them), so "<script>" is shown, not removed.
        return clean(str(raw))

    @cached_property
    def description(self) -> str:
        """Return the description: og, og_description, summary, else the first sentence."""
        og = getattr(self._article, "og", None)
        if self._meta.get("og_description"):
            return clean(_og_value(og, "description") or str(self._meta["og_description"]))
        if self._meta.get("summary"):
            # Pelican renders the summary to HTML; og_cards settles the same plain text.
            return clean(_og_value(og, "description") or strip_markup(self._meta["summary"]))
        # No summary: og's fallback is a truncated excerpt; a whole first sentence reads better.
        return first_sentence(getattr(self._article, self._body, "") or "")

    @cached_property
    def image_url(self) -> str | None:
        """Return the absolute card image URL (og, og_image/image metadata, default)."""
        og = getattr(self._article, "og", None)
        value = _og_value(og, "image_url", "image")
        if not value:
            value = self._meta.get("og_image") or self._meta.get("image")
            value = value or self._settings["SHARE_SNIPPETS_DEFAULT_IMAGE"]
        return absolute(self._siteurl, str(value)) if value else None

    @cached_property
    def image_alt(self) -> str:
        """Return the card image's alternative text."""
        og = getattr(self._article, "og", None)
        alt = _og_value(og, "image_alt") or self._meta.get("og_image_alt")
        return clean(str(alt or self._meta.get("image_alt") or ""))

    @cached_property
    def tags(self) -> list[str]:
        """Return hashtag source words: `hashtags` metadata, else the article tags."""
        if "hashtags" in self._meta:
            return split_list(self._meta["hashtags"])
        return [getattr(t, "name", str(t)) for t in getattr(self._article, "tags", []) or []]

    @cached_property
    def kit_url(self) -> str:
        """Return the share kit page path (relative to SITEURL), or '' if disabled."""
        if not self._settings["SHARE_SNIPPETS_KIT"]:
            return ""
        return self._lang_path(self._settings["SHARE_SNIPPETS_KIT_URL"].format(**self.fields))

    @cached_property
    def kit_save_as(self) -> str:
        """Return the share kit output path."""
        return self._lang_path(self._settings["SHARE_SNIPPETS_KIT_SAVE_AS"].format(**self.fields))

    def _lang_path(self, path: str) -> str:
        """Give a translation its own kit page unless the template already uses {lang}."""
        pattern = self._settings["SHARE_SNIPPETS_KIT_URL"]
        if getattr(self._article, "in_default_lang", True) or "{lang}" in pattern:
            return path
        head, sep, tail = path.rpartition("/") if path.endswith(".html") else (path, "", "")
        if sep:
            return f"{head}/{self.fields['lang']}/{tail}"
        return f"{path.rstrip('/')}/{self.fields['lang']}/"

    @cached_property
    def fields(self) -> dict[str, str]:
        """Return URL/campaign template fields: slug, category, lang."""
        category = getattr(self._article, "category", None)
        return {
            "slug": getattr(self._article, "slug", ""),
            "category": getattr(category, "slug", str(category or "")),
            "lang": getattr(self._article, "lang", ""),
        }

    # ---- outputs ----------------------------------------------------------------------
    def tracked_url(self, key: str) -> str:
        """Return the canonical URL with campaign parameters for network key."""
        found = self._tracked.get(key)
        if found is not None:
            return found
        s = self._settings
        if not s["SHARE_SNIPPETS_UTM"]:
            return self.canonical
        campaign = s["SHARE_SNIPPETS_UTM_CAMPAIGN"].format(**self.fields)
        params = [("utm_source", key), ("utm_medium", s["SHARE_SNIPPETS_UTM_MEDIUM"]),
                  ("utm_campaign", campaign)]  # fmt: skip
        found = self._tracked[key] = add_params(self.canonical, params)
        return found

    def _network(self, key: str) -> Network:
        net = NETWORKS[key]
        if key == "mastodon":
            limit = self._settings["SHARE_SNIPPETS_MASTODON_LIMIT"]
            net = replace(net, rule=Rule(mastodon_length, limit))
        return net

    def fit_job(self, key: str) -> fitting.Job:
        """Return what one network's post is fitted from: title, summary, tags, URL, rule."""
        s = self._settings
        net = self._network(key)
        url = self.tracked_url(key)
        site_max = s["SHARE_SNIPPETS_HASHTAGS_MAX"]
        max_tags = site_max if net.max_hashtags is None else min(site_max, net.max_hashtags)
        tags = hashtags_from(self.tags, max_tags) if max_tags else ()
        via = s["SHARE_SNIPPETS_X_VIA"] if key == "x" else ""
        # X appends " via @handle" after the link: fit (and export) the text X will post.
        fit_url = f"{url} via @{via}" if via else url
        override = self._meta.get(f"share_text_{key}") or self._meta.get("share_text")
        if override:
            text = clean(str(override))
            return (text, "", () if "#" in text else tags, fit_url, net.rule)
        return (self.title, self.description, tags, fit_url, net.rule)

    def _snippet(self, key: str) -> Snippet:
        s = self._settings
        net = self._network(key)
        url = self.tracked_url(key)
        via = s["SHARE_SNIPPETS_X_VIA"] if key == "x" else ""
        job = self.fit_job(key)
        post, length = fitting.fitted(job)
        if job[1] == "" and post.trimmed and post.title != job[0] and self._override(key):
            logger.debug(  # check_file has named it
                "share_snippets: %s: share text for %s was shortened to fit (%s)",
                getattr(self._article, "source_path", "?"),
                key,
                net.rule.limit,
            )
        link = None
        if key not in FROM_TEXT:
            link = share_link(key, Prepared(post=post, url=url, title=self.title, via=via))
        return Snippet(
            key=key, label=self._words(net.label) if key in TRANSLATED_LABELS else net.label,
            name=self._words(net.name), kind=net.kind, body=post.body, url=url, link=link,
            length=length, limit=net.rule.limit, trimmed=post.trimmed, via=via,
        )  # fmt: skip

    def _override(self, key: str) -> bool:
        return bool(self._meta.get(f"share_text_{key}") or self._meta.get("share_text"))

    def _words(self, message: str) -> str:
        """Return a label in the article's language (share_snippets/translations)."""
        settings = getattr(self._article, "settings", None) or {}
        return TRANSLATE(settings, getattr(self._article, "lang", None), message)

    @cached_property
    def networks(self) -> dict[str, Snippet]:
        """Return the enabled networks' snippets, in configured order."""
        keys = self._settings["SHARE_SNIPPETS_NETWORKS"]
        if self._memo is None:
            return {key: self._snippet(key) for key in keys}
        inputs = self.inputs()
        stored = self._memo.get(inputs, lambda _: self._stored())
        snippets = _snippets_of(stored, keys)
        if snippets is None:  # a damaged entry, or one from another version: make it again
            stored = self._stored()
            self._memo.put(inputs, stored)
            snippets = _snippets_of(stored, keys)
        # The memo keeps the snippets themselves from now on, not the rows it read.
        stored["snippets"] = list(snippets.values())
        fitting.keep(stored["fits"].split())
        for key in keys:  # asked again so an untranslated label is reported on every build
            self._words(NETWORKS[key].name)
            if key in TRANSLATED_LABELS:
                self._words(NETWORKS[key].label)
        return snippets

    def inputs(self) -> str:
        """Return everything the snippets depend on besides the settings and the code."""
        meta = self._meta
        overrides = {k: str(v) for k, v in meta.items() if k.startswith("share_text")}
        settings = getattr(self._article, "settings", None) or {}
        return json.dumps(
            [self.title, self.description, self.tags, self.canonical, self.fields, overrides,
             getattr(self._article, "in_default_lang", True), settings.get("DEFAULT_LANG")],
            ensure_ascii=False, default=str,
        )  # fmt: skip

    def _stored(self) -> dict[str, Any]:
        """Return the snippets as plain data, with the keys of the fitted texts they used."""
        keys = self._settings["SHARE_SNIPPETS_NETWORKS"]
        return {
            "snippets": [self._snippet(key) for key in keys],
            # One text, not twelve: the keys of the fitted posts, kept for the next build.
            "fits": " ".join(fitting.job_key(self.fit_job(key)) for key in keys),
        }

    @property
    def links(self) -> list[Snippet]:
        """Return the snippets in display order (what partials/share.html renders)."""
        return list(self.networks.values())

    @property
    def target(self) -> str | None:
        """Return the configured link target (None: same tab)."""
        return self._settings["SHARE_SNIPPETS_TARGET"]

    def record(self) -> dict:
        """Return this article's export record (plain data)."""
        date = getattr(self._article, "date", None)
        modified = getattr(self._article, "modified", None) or date
        return {
            "slug": self.fields["slug"],
            "title": self.title,
            "description": self.description,
            "url": self.canonical,
            "kit_url": absolute(self._siteurl, self.kit_url) if self.kit_url else "",
            "image_url": self.image_url,
            "published": date.isoformat(timespec="seconds") if date else "",
            "modified": modified.isoformat(timespec="seconds") if modified else "",
            "networks": {key: _export(sn) for key, sn in self.networks.items()},
        }


def _snippets_of(stored: Any, keys: list[str]) -> dict[str, Snippet] | None:
    """Return the snippets a memo entry holds, in ``keys`` order (None: not a whole entry).

    An entry of another layout (dicts, rows of another length, fit keys as a list) is not
    a whole entry.
    """
    try:
        rows = stored["snippets"]
        width = len(Snippet._fields)
        if not all(isinstance(row, Snippet | list) and len(row) == width for row in rows):
            return None
        snippets = {row[0]: row if isinstance(row, Snippet) else Snippet(*row) for row in rows}
        if list(snippets) != list(keys) or not isinstance(stored["fits"], str):
            return None
    except (KeyError, TypeError, AttributeError):
        return None
    return snippets


def _export(sn: Snippet) -> dict:
    """Return one network's export entry; Bluesky also gets the facets of its text."""
    text = sn.text
    entry = {"text": text, "url": sn.url, "share_link": sn.href, "length": sn.length,
             "limit": sn.limit}  # fmt: skip
    if sn.key == "bluesky":
        # app.bsky.richtext.facet records (UTF-8 byte offsets into `text`): a posting tool needs
        # them to make links and tags clickable, and to shorten a link's display text.
        entry["facets"] = bluesky_facets(text)
    return entry
