"""Pure helpers for link_keeper: parse aliases, render redirect pages and redirect files.

Nothing here touches Pelican or the file system, so every edge case is unit-testable.

Every path written into server configuration (the nginx map, ``_redirects``, S3 redirect
headers) first passes ``unsafe_path``: a strict grammar of URL path characters, so no value
can end a quoted nginx string, start a variable, add a directive, or add a line. The writers
refuse anything that did not pass (``ServerConfigError``) rather than trusting their callers.
"""

from __future__ import annotations

import fnmatch
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from jinja2 import Environment, FileSystemLoader, Template, select_autoescape
from kernel import urls

# ASCII allowed in a path segment: RFC 3986 unreserved characters and the sub-delimiters that
# mean nothing to nginx, Netlify/Cloudflare `_redirects` or S3. Not allowed: quotes, `$`, `;`,
# braces, backslash, `*` and `:` (Netlify wildcards/placeholders), `%` (after decoding), spaces.
PATH_ASCII = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!&()+,=@")
# Beyond ASCII: letters, marks and digits only (no symbols, spaces, controls or bidi overrides).
PATH_UNICODE_CATEGORIES = ("L", "M", "N")
# nginx builds its map hash with map_hash_bucket_size 512 (deploy/nginx.conf): keys this long fit.
MAX_PATH_BYTES = 400
# Percent-encoding for Location headers, `_redirects` and S3 metadata (ASCII only).
QUOTE_SAFE = "/-._~!&()+,=@"
# Rejected in aliases before decoding, with a plainer message than the grammar's.
_BAD_CHARS = re.compile(r"[\s\\?#\"'<>;{}$`]")


class ServerConfigError(ValueError):
    """A value that cannot be written safely into server configuration."""


def shown(value: str, limit: int = 60) -> str:
    """Return ``value`` quoted for a message, shortened (writers may paste 10,000 characters)."""
    return repr(value if len(value) <= limit else value[:limit] + "…")


def unsafe_path(path: str) -> str | None:
    """Return why ``path`` cannot go into server configuration, or None when it is safe."""
    if not path.startswith("/"):
        return "it must start with '/'"
    if len(path.encode("utf-8")) > MAX_PATH_BYTES:
        return f"it is longer than {MAX_PATH_BYTES} bytes"
    if "//" in path:
        return "it contains '//' (another host to browsers)"
    if any(segment in {".", ".."} for segment in path.split("/")):
        return "it contains '.' or '..' segments"
    for char in path:
        if char == "/" or char in PATH_ASCII:
            continue
        if ord(char) > 127 and unicodedata.category(char)[0] in PATH_UNICODE_CATEGORIES:
            continue
        name = unicodedata.name(char, f"U+{ord(char):04X}")
        return f"it contains {char!r} ({name}); use letters, digits and - . _ ~ ! & ( ) + , = @"
    return None


def safe_path(path: str) -> str:
    """Return ``path`` if it passes the grammar, else raise ServerConfigError."""
    why = unsafe_path(path)
    if why:
        raise ServerConfigError(f"{shown(path)} cannot be written into server configuration: {why}")
    return path


def quoted_path(path: str) -> str:
    """Return a grammar-checked path percent-encoded to ASCII (``/é/`` -> ``/%C3%A9/``)."""
    return quote(safe_path(path), safe=QUOTE_SAFE)


class AliasError(ValueError):
    """An alias that cannot become a redirect (reason in the message)."""


@dataclass(frozen=True)
class Redirect:
    """One old URL path (``source``) that now lives at ``target`` (site-relative path)."""

    source: str
    target: str
    title: str
    origin: str  # source file of the content object, for error messages
    lang: str = ""  # the language of the page it leads to (its redirect page speaks it)

    @property
    def save_as(self) -> str:
        """Return the output file that serves ``source`` as a redirect page."""
        return save_as_for(self.source)


def split_aliases(value: object) -> list[str]:
    """Split an ``aliases`` metadata value (comma or newline separated, or a list)."""
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else re.split(r"[,\n]", str(value))
    return [str(item).strip() for item in items if str(item).strip()]


def _own_path(alias: str, siteurl: str) -> str:
    """Return the path of a full URL on this site's own host; raise AliasError for others."""
    if "://" not in alias and not alias.startswith("//"):
        return alias
    parts = urlsplit(alias)
    site = urlsplit(siteurl) if siteurl else None
    if not site or parts.netloc.lower() != site.netloc.lower():
        raise AliasError(f"{shown(alias)} points to another site; aliases are paths on this site")
    if parts.query or parts.fragment:
        raise AliasError(f"{shown(alias)} has a query or fragment; use the plain path")
    return parts.path or "/"


def normalise_alias(alias: str, siteurl: str = "") -> str:
    """Return the site-relative URL path for one alias, or raise AliasError."""
    alias = alias.strip()
    if not alias:
        raise AliasError("empty alias")
    if any(unicodedata.category(c)[0] in "CZ" and c != " " for c in alias):
        raise AliasError(f"{shown(alias)} contains control or invisible characters")
    alias = _own_path(alias, siteurl)
    if _BAD_CHARS.search(alias):
        raise AliasError(
            f"{shown(alias)} contains spaces, quotes, '?', '#' or other unsafe characters"
        )
    if re.search(r"%2f|%5c", alias, re.IGNORECASE):
        raise AliasError(f"{shown(alias)} contains an encoded '/' or '\\'")
    # Servers match the decoded path ("/caf%C3%A9/" is "/café/"): check and store that form.
    alias = "/" + unquote(alias, errors="replace").lstrip("/")
    segments = alias.split("/")
    if any(segment in {".", ".."} for segment in segments):
        raise AliasError(f"{shown(alias)} contains '.' or '..' segments")
    alias = re.sub(r"/{2,}", "/", alias)
    if alias.endswith("/index.html"):
        alias = alias[: -len("index.html")]
    elif not alias.endswith("/") and "." not in segments[-1]:
        # "/old/page" is served as the directory "/old/page/" by static servers.
        alias += "/"
    if alias == "/":
        raise AliasError("the home page '/' cannot be an alias")
    why = unsafe_path(alias)
    if why:
        raise AliasError(f"{shown(alias)} cannot be a redirect: {why}")
    return alias


def shadowed(path: str, reserved: list[str]) -> str | None:
    """Return the generated path or folder that ``path`` would shadow, or None.

    ``reserved`` holds exact paths (``/published-urls.json``) and folders ending in ``/``
    (``/pagefind/``): an alias equal to one, or inside a reserved folder, would make the
    server redirect a file the build generates.
    """
    for item in reserved:
        if path == item or path.rstrip("/") == item.rstrip("/"):
            return item
        if item.endswith("/") and path.startswith(item):
            return item
    return None


# The kernel's URL rules (one place): Pelican's url -> path, path <-> output file, absolute.
url_path = urls.url_path
save_as_for = urls.output_file
path_for_file = urls.path_of_file


def absolute(siteurl: str, path: str) -> str:
    """Return the absolute URL of a site path (the kernel's rule; relative without SITEURL)."""
    return urls.absolute(siteurl, path) if siteurl else path


TEMPLATES = Path(__file__).parent / "templates"
ENGLISH_WORDS = {"moved": "Moved:", "moved_to": "This page has moved to"}


def page_template() -> Template:
    """Return the redirect page's template (it ships with the plugin; autoescaped)."""
    environment = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return environment.get_template("link_keeper/redirect.html")


def render_page(
    target_url: str,
    title: str,
    lang: str = "en",
    csp: str = "",
    *,
    words: Mapping[str, str] | None = None,
    direction: str = "ltr",
    template: Template | None = None,
) -> str:
    """Render a tiny redirect page: meta refresh, canonical link and a visible link.

    ``csp`` is the site's Content-Security-Policy, carried like every other page's;
    ``words`` the page's two phrases in its language (English by default).
    """
    return (template or page_template()).render(
        target=target_url,
        title=title or target_url,
        lang=lang,
        direction=direction,
        csp=csp,
        words={**ENGLISH_WORDS, **(words or {})},
    )


def netlify_lines(redirects: list[Redirect], status: int = 301) -> str:
    """Render a Netlify/Cloudflare Pages ``_redirects`` file (percent-encoded, checked paths)."""
    lines = ["# Generated by link_keeper: old URL, new URL, status."]
    lines += [
        f"{quoted_path(r.source)} {quoted_path(r.target)} {int(status)}"
        for r in sorted(redirects, key=_key)
    ]
    return "\n".join(lines) + "\n"


def nginx_map_lines(redirects: list[Redirect]) -> str:
    """Render entries for an nginx ``map $uri $var { include ...; }`` block.

    Keys are decoded paths (nginx's ``$uri`` is decoded), values percent-encoded ASCII; both
    passed the grammar, so neither can hold a quote, ``$``, ``;``, a brace or a line break.
    """
    lines = [
        "# Generated by link_keeper: include inside an nginx `map $uri $var { ... }` block.",
    ]
    for r in sorted(redirects, key=_key):
        source, target = safe_path(r.source), quoted_path(r.target)
        lines.append(f'"{source}" "{target}";')
        if source.endswith("/") and source != "/":
            # Servers see "/old/page" as well as "/old/page/": redirect both in one hop.
            lines.append(f'"{source.rstrip("/")}" "{target}";')
    return "\n".join(lines) + "\n"


def manifest_json(
    siteurl: str,
    urls: list[str],
    redirects: list[Redirect],
    *,
    unlisted: list[str] | tuple[str, ...] = (),
    sources: dict[str, str] | None = None,
) -> str:
    """Render ``published-urls.json``: deterministic (no timestamps), so unchanged sites match.

    ``unlisted`` are the patterns of files that are never public (drafts, share kits...): the
    publish gate does not count their disappearance as a broken link. ``sources`` maps each
    page's URL to the file it is written from, so the gate can say which file to edit.
    """
    data = {
        "format": 1,
        "siteurl": siteurl,
        "urls": sorted(set(urls)),
        "redirects": {r.source: r.target for r in sorted(redirects, key=_key)},
        "unlisted": sorted(set(unlisted)),
        "sources": dict(sorted((sources or {}).items())),
    }
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def is_public(rel_file: str, include: list[str], exclude: list[str]) -> bool:
    """Return True when an output file is a public URL the manifest should list."""
    rel = rel_file.replace("\\", "/")
    if any(fnmatch.fnmatchcase(rel, pattern) for pattern in exclude):
        return False
    name = rel.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatchcase(rel, p) or fnmatch.fnmatchcase(name, p) for p in include)


def _key(redirect: Redirect) -> str:
    return redirect.source
