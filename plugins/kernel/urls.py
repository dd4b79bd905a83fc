"""URLs: the one rule for absolute URLs, and which link schemes writers may use.

``absolute(siteurl, url)`` is how every plugin and template turns a site URL (Pelican's
``article.url``, a ``{static}`` image, "" for the home page) into the URL crawlers, feeds,
JSON-LD and share links see:

| siteurl             | url                         | result                               |
|---------------------|-----------------------------|--------------------------------------|
| https://s.org       | ""                          | https://s.org/                       |
| https://s.org/      | first-aid/cpr/              | https://s.org/first-aid/cpr/         |
| https://s.org       | {static}/images/a.png       | https://s.org/images/a.png           |
| https://s.org       | https://nhs.uk/x            | https://nhs.uk/x (kept)              |
| https://s.org       | //cdn.example/x             | https://cdn.example/x                |
| https://s.org       | ftp://h/x, javascript:…     | UnsafeURLError                            |
| "" (relative build) | first-aid/cpr/              | /first-aid/cpr/                      |
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote, urlsplit

from .problems import Problem

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_PLACEHOLDER = re.compile(r"^\{(static|attach|filename)\}")
# Browsers ignore ASCII tab/newline anywhere in a URL and leading/trailing C0 and spaces.
_IGNORED_BY_BROWSERS = re.compile(r"[\t\n\r]")
# Characters kept as they are in a path; everything else is percent-encoded.
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
_QUERY_SAFE = _PATH_SAFE + "?"

WEB_SCHEMES = frozenset(("http", "https"))
# What a writer may link to from an article: the web, e-mail and phone numbers.
LINK_SCHEMES = frozenset(("http", "https", "mailto", "tel"))


class UnsafeURLError(ValueError):
    """A URL with a scheme that may not be used where it was found (the message says why)."""


def scheme_of(url: str) -> str | None:
    """Return the lower-case scheme a browser would see in ``url`` (None when relative)."""
    cleaned = _IGNORED_BY_BROWSERS.sub("", html.unescape(str(url or ""))).strip(
        "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16"
        "\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f "
    )
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


def is_safe_link(href: str, allowed: frozenset[str] = LINK_SCHEMES) -> bool:
    """Return whether a link target is relative or uses one of the ``allowed`` schemes.

    Sees through what browsers see through: entities (``jav&#x61;script:``), tabs and
    newlines inside the scheme, leading spaces and control characters, upper case.
    """
    scheme = scheme_of(href)
    return scheme is None or scheme in allowed


def _encode(path: str) -> str:
    path, _, fragment = path.partition("#")
    path, question, query = path.partition("?")
    out = quote(path, safe=_PATH_SAFE)
    if question:
        out += "?" + quote(query, safe=_QUERY_SAFE)
    if fragment:
        out += "#" + quote(fragment, safe=_QUERY_SAFE)
    return out


def absolute(siteurl: str, url: str | None) -> str:
    """Return the absolute URL of ``url`` on the site at ``siteurl`` (see the table above).

    Raises UnsafeURLError for any scheme other than http and https.
    """
    url = str(url or "").strip()
    scheme = scheme_of(url)
    if scheme is not None:
        if scheme not in WEB_SCHEMES:
            raise UnsafeURLError(f"{url!r} is not a web address (only http and https are allowed)")
        return url
    siteurl = str(siteurl or "").strip().rstrip("/")
    if url.startswith("//"):
        base = urlsplit(siteurl).scheme or "https"
        return f"{base}:{url}"
    url = _PLACEHOLDER.sub("", url).lstrip("/")
    return f"{siteurl}/{_encode(url)}"


def url_path(url: str | None) -> str:
    """Return the path of a site URL: ``first-aid/cpr/`` or ``https://s.org/x/`` -> ``/x/``."""
    url = str(url or "")
    if scheme_of(url) in WEB_SCHEMES or url.startswith("//"):
        url = urlsplit(url).path
    return "/" + url.lstrip("/")


def output_file(url_path_: str) -> str:
    """Return the output file that serves a URL path: ``/a/b/`` -> ``a/b/index.html``."""
    rel = url_path_.lstrip("/")
    return rel + "index.html" if rel.endswith("/") or not rel else rel


def path_of_file(output_relative: str) -> str:
    """Return the public URL path of an output file: ``a/b/index.html`` -> ``/a/b/``."""
    rel = output_relative.replace("\\", "/").lstrip("/")
    if rel == "index.html":
        return "/"
    if rel.endswith("/index.html"):
        return "/" + rel[: -len("index.html")]
    return "/" + rel


BROKEN_LINK_FIX = (
    "link to an existing page, e.g. `[CPR]({filename}/articles/first-aid/how-to-do-cpr.md)`"
)


def broken_link(file: str, raw: str, line: int | None, source: str = "") -> Problem:
    """Return the one problem for a link to a page or file the site does not have.

    Whoever finds the broken link (Pelican while rendering, health_review after writing)
    reports this same problem, so the store keeps it once.
    """
    return Problem(
        file, "link", f"link `{raw}` points to a page that does not exist", BROKEN_LINK_FIX,
        line=line, source=source,
    )  # fmt: skip
