"""The URL-removal gate: no previously published URL disappears without a redirect."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterable
from urllib.parse import urlsplit

from .errors import GateError, TargetError

MANIFEST_NAME = "published-urls.json"


def parse_manifest(text: str | bytes, source: str) -> dict:
    """Parse a ``published-urls.json`` text; raise TargetError if it is not one."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise TargetError(f"{source} is not valid JSON: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("urls"), list):
        raise TargetError(f"{source} is not a link_keeper manifest (no 'urls' list).")
    data.setdefault("redirects", {})
    return data


def fetch_http(url: str, timeout: float = 15.0) -> dict | None:
    """Fetch the live manifest over HTTP(S); None when the site has none yet (404)."""
    if not url.startswith(("http://", "https://")):
        raise TargetError(f"The live manifest URL must be http(s), got {url!r}")
    request = urllib.request.Request(url, headers={"User-Agent": "sharewell-publish"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return parse_manifest(response.read(), url)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise TargetError(f"Could not fetch the live manifest {url}: HTTP {exc.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise TargetError(
            f"Could not fetch the live manifest {url}: {getattr(exc, 'reason', exc)}",
            ["Check the network, or read it from the target: DEPLOY_MANIFEST=target."],
        ) from None


def normalise(url: str) -> str:
    """Return a comparable site-relative path: ``https://x/a/index.html`` -> ``/a/``."""
    path = urlsplit(url).path if "://" in url else url.split("?", 1)[0].split("#", 1)[0]
    path = "/" + path.lstrip("/")
    if path.endswith("/index.html"):
        path = path[: -len("index.html")]
    return path


def _covered(manifest: dict) -> set[str]:
    urls = {normalise(u) for u in manifest.get("urls", [])}
    urls |= {normalise(u) for u in manifest.get("redirects", {})}
    return urls


def removed_urls(old: dict | None, new: dict, keep_prefixes: Iterable[str] = ("og/",)) -> list[str]:
    """Return old URLs that the new build neither serves nor redirects (kept prefixes excepted)."""
    if not old:
        return []
    keep = tuple("/" + p.lstrip("/") for p in keep_prefixes)
    # Old redirects count too: dropping an alias breaks the links that used it.
    gone = _covered(old) - _covered(new)
    return sorted(u for u in gone if not (keep and u.startswith(keep)))


def _suggestion(url: str, new: dict) -> str | None:
    slug = url.rstrip("/").rsplit("/", 1)[-1].removesuffix(".html")
    if not slug:
        return None
    for candidate in sorted(_covered(new)):
        if candidate.rstrip("/").rsplit("/", 1)[-1] == slug and candidate != url:
            return candidate
    return None


def check_removals(
    old: dict | None,
    new: dict,
    keep_prefixes: Iterable[str] = ("og/",),
    allow: Iterable[str] = (),
) -> list[str]:
    """Raise GateError listing every URL that would disappear; return the allowed removals."""
    missing = removed_urls(old, new, keep_prefixes)
    allowed = {normalise(u) for u in allow}
    refused = [u for u in missing if u not in allowed]
    if not refused:
        return [u for u in missing if u in allowed]
    hints: list[str] = []
    for url in refused:
        moved_to = _suggestion(url, new)
        where = f" (it looks like it moved to {moved_to})" if moved_to else ""
        hints.append(f"{url}{where}")
    hints += [
        (
            "To fix: add the old URL to the `aliases:` metadata of the article or page that "
            "now holds the content (link_keeper writes a redirect), or restore the page."
        ),
        "To remove on purpose: invoke publish --allow-removal URL (repeat for each URL).",
    ]
    raise GateError(f"{len(refused)} published URL(s) would disappear without a redirect:", hints)
