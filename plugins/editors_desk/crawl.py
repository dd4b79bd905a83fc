"""Read a built page's <head> the way link-preview crawlers do (no JavaScript), and check it.

Pure functions over HTML text: ``read_head`` returns the tags in document order,
``crawler_view`` the values a crawler would take, ``check_head`` the problems a writer
can fix (as plain dicts; the plugin turns them into Problem records).
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

# Crawlers read only the start of the file (WhatsApp: the first 300 KB).
HEAD_BYTES = 300_000
REQUIRED = (
    ("property", "og:title"),
    ("property", "og:description"),
    ("property", "og:image"),
    ("property", "og:url"),
    ("property", "og:type"),
    ("name", "twitter:card"),
)


@dataclass(frozen=True)
class Tag:
    """One tag as written: element, attribute naming it (property/name/rel), key, value."""

    element: str
    attribute: str
    key: str
    content: str


class _HeadParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[Tag] = []
        self._in_title = False
        self._title: list[str] = []
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            return
        values = {k.lower(): v or "" for k, v in attrs}
        if tag == "body":
            self.done = True
        elif tag == "title":
            self._in_title = True
        elif tag == "meta":
            for attribute in ("property", "name"):
                if attribute in values:
                    self.tags.append(
                        Tag("meta", attribute, values[attribute], values.get("content", ""))
                    )
                    break
        elif tag == "link" and values.get("rel", "").lower() == "canonical":
            self.tags.append(Tag("link", "rel", "canonical", values.get("href", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self._in_title:
            self._in_title = False
            self.tags.append(Tag("title", "", "title", " ".join("".join(self._title).split())))
        elif tag == "head":
            self.done = True

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title.append(data)


def read_head(html: str) -> list[Tag]:
    """Return <title>, <meta property|name> and canonical <link> tags of the <head>, in order."""
    parser = _HeadParser()
    html = (html or "")[:HEAD_BYTES]
    end = html.find("</head>")
    # Only the head matters: parsing the body too costs ~10 ms a page.
    parser.feed(html if end < 0 else html[: end + len("</head>")])
    parser.close()
    return parser.tags


def crawler_view(tags: list[Tag]) -> dict[str, str]:
    """Return the first value of each key as Facebook/LinkedIn read it (og:* only by property=)."""
    view: dict[str, str] = {}
    for tag in tags:
        if tag.key.startswith(("og:", "article:")) and tag.attribute != "property":
            continue  # Facebook ignores og:* given with name=
        view.setdefault(tag.key, tag.content)
    return view


def _is_absolute(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


def check_head(tags: list[Tag]) -> list[dict[str, str]]:
    """Return problems crawlers would hit: missing, misnamed or relative tags."""
    problems: list[dict[str, str]] = []
    present = {(t.attribute, t.key) for t in tags}
    missing: list[str] = []

    def add(problem: str, fix: str, severity: str = "warning") -> None:
        problems.append({"problem": problem, "fix": fix, "severity": severity})

    for attribute, key in REQUIRED:
        if (attribute, key) in present:
            continue
        other = "name" if attribute == "property" else "property"
        if (other, key) in present:
            add(
                f"`{key}` is given with {other}= instead of {attribute}=",
                f'write <meta {attribute}="{key}" …> (crawlers ignore the other form)',
                "error",
            )
        else:
            missing.append(f"`{key}`")
    if missing:
        add(
            f"crawlers find no {', '.join(missing)} tag{'s' if len(missing) > 1 else ''}",
            "enable og_cards (it writes every link-preview tag)",
        )
    view = crawler_view(tags)
    for key in ("og:image", "og:url"):
        value = view.get(key)
        if value and not _is_absolute(value):
            add(
                f"`{key}` is not an absolute URL ({value})",
                "set SITEURL so that og:image and og:url start with https://",
                "error",
            )
    if view.get("og:image") and not view.get("og:image:alt"):
        add("the card image has no `og:image:alt`", "set `og_image_alt` (or `image_alt`)")
    return problems


OG_ORDER = (
    ("og:type", "type"), ("og:title", "title"), ("og:description", "description"),
    ("og:url", "url"), ("og:site_name", "site_name"), ("og:locale", "locale"),
    ("og:image", "image"), ("og:image:width", "image_width"),
    ("og:image:height", "image_height"), ("og:image:type", "image_type"),
    ("og:image:alt", "image_alt"), ("article:published_time", "published_time"),
    ("article:modified_time", "modified_time"), ("article:section", "section"),
)  # fmt: skip
TWITTER_ORDER = (
    ("twitter:card", "twitter_card"), ("twitter:image:alt", "twitter_image_alt"),
    ("twitter:site", "twitter_site"), ("fediverse:creator", "fediverse_creator"),
    ("theme-color", "theme_color"),
)  # fmt: skip


def tags_from_og(og: dict) -> list[Tag]:
    """Return the tags og_cards' partial would write for ``article.og`` (page not built yet)."""
    tags = [
        Tag("meta", "property", key, str(og[name]))
        for key, name in OG_ORDER
        if og.get(name) not in (None, "")
    ]
    tags += [Tag("meta", "property", "article:tag", str(tag)) for tag in og.get("tags") or []]
    tags += [
        Tag("meta", "name", key, str(og[name]))
        for key, name in TWITTER_ORDER
        if og.get(name) not in (None, "")
    ]
    return tags
