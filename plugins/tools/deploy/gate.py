"""The URL-removal gate: no previously published URL disappears without a redirect."""

from __future__ import annotations

import fnmatch
import json
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from .errors import GateError, TargetError

MANIFEST_NAME = "published-urls.json"
RACE_HINT = "Another publish went live meanwhile: update this checkout (git pull), publish again."


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


def fetch_http_text(url: str, timeout: float = 15.0) -> str | None:
    """Fetch the live manifest's text over HTTP(S); None when the site has none yet (404)."""
    if not url.startswith(("http://", "https://")):
        raise TargetError(f"The live manifest URL must be http(s), got {url!r}")
    request = urllib.request.Request(url, headers={"User-Agent": "sharewell-publish"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise TargetError(f"Could not fetch the live manifest {url}: HTTP {exc.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise TargetError(
            f"Could not fetch the live manifest {url}: {getattr(exc, 'reason', exc)}",
            ["Check the network, or read it from the target: DEPLOY_MANIFEST=target."],
        ) from None


def fetch_http(url: str, timeout: float = 15.0) -> dict | None:
    """Fetch and parse the live manifest over HTTP(S); None when the site has none yet."""
    text = fetch_http_text(url, timeout)
    return None if text is None else parse_manifest(text, url)


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


def is_unlisted(url: str, manifest: dict) -> bool:
    """Return True when ``url`` matches one of the manifest's never-public patterns."""
    rel = url.lstrip("/")
    names = (rel, rel + "index.html") if rel.endswith("/") or not rel else (rel,)
    return any(
        fnmatch.fnmatchcase(name, pattern)
        for pattern in manifest.get("unlisted", [])
        for name in names
    )


def unlisted_removals(old: dict | None, new: dict) -> list[str]:
    """Return old URLs the new build made private on purpose (share kits, drafts...)."""
    if not old:
        return []
    return sorted(u for u in _covered(old) - _covered(new) if is_unlisted(u, new))


def removed_urls(old: dict | None, new: dict, keep_prefixes: Iterable[str] = ("og/",)) -> list[str]:
    """Return old URLs that the new build neither serves nor redirects.

    Kept prefixes (card images, never deleted) and URLs the new build declares never public
    (its ``unlisted`` patterns: share kits, drafts) are not removals.
    """
    if not old:
        return []
    keep = tuple("/" + p.lstrip("/") for p in keep_prefixes)
    # Old redirects count too: dropping an alias breaks the links that used it.
    gone = _covered(old) - _covered(new)
    return sorted(u for u in gone if not (keep and u.startswith(keep)) and not is_unlisted(u, new))


def _same_source(url: str, new: dict, old: dict | None) -> str | None:
    source = (old or {}).get("sources", {}).get(url)
    for candidate, new_source in sorted(new.get("sources", {}).items()):
        if source and new_source == source and normalise(candidate) != url:
            return normalise(candidate)
    return None


def _carried_by_alias(url: str, urls: set[str], redirects: dict[str, str]) -> str | None:
    for alias in sorted(redirects, key=len, reverse=True):
        target = redirects[alias]
        if alias.endswith("/") and url.startswith(alias) and url != alias:
            candidate = target + url[len(alias) :]
        elif url.endswith(alias) and url != alias:
            candidate = url[: -len(alias)] + target
        else:
            continue
        if candidate in urls:
            return candidate
    return None


def _similar_slug(url: str, urls: set[str], redirects: dict[str, str]) -> str | None:
    parent, _, slug = url.rstrip("/").rpartition("/")
    slug = slug.removesuffix(".html")
    similar = None
    for candidate in sorted(urls | set(redirects)):
        c_parent, _, c_slug = candidate.rstrip("/").rpartition("/")
        c_slug = c_slug.removesuffix(".html")
        if not slug or candidate == url:
            continue
        if c_slug == slug:
            return redirects.get(candidate, candidate)
        extends = c_slug.startswith(slug + "-") or slug.startswith(c_slug + "-")
        if similar is None and c_parent == parent and extends:
            similar = redirects.get(candidate, candidate)
    return similar


def suggestion(url: str, new: dict, old: dict | None = None) -> str | None:
    """Return the URL that most likely holds ``url``'s content in the new build, or None.

    In order: the new URL written from the same source file (both manifests name it); an alias
    of the new build that carries ``url`` along (``/a/cy/`` follows ``/a/ -> /b/`` to
    ``/b/cy/``); a page with the same last segment, or one in the same folder whose slug
    extends the old one (``burns`` -> ``burns-and-scalds``). Redirects are followed: an alias
    is never the answer, its target is.
    """
    urls = {normalise(u) for u in new.get("urls", [])}
    redirects = {normalise(k): normalise(v) for k, v in new.get("redirects", {}).items()}
    return (
        _same_source(url, new, old)
        or _carried_by_alias(url, urls, redirects)
        or _similar_slug(url, urls, redirects)
    )


def _hint(url: str, new: dict, old: dict | None) -> str:
    moved_to = suggestion(url, new, old)
    if not moved_to:
        return url
    source = new.get("sources", {}).get(moved_to)
    where = f" in {source}" if source else f" of the page at {moved_to}"
    return f"{url} (it looks like it moved to {moved_to}: add {url} to `aliases:`{where})"


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
    hints = [_hint(url, new, old) for url in refused]
    hints += [
        (
            "To fix: add the old URL to the `aliases:` metadata of the article or page that "
            "now holds the content (link_keeper writes a redirect), or restore the page."
        ),
        "To remove on purpose: invoke publish --allow-removal URL (repeat for each URL).",
    ]
    raise GateError(f"{len(refused)} published URL(s) would disappear without a redirect:", hints)


class Gate:
    """The removal decision, made again under the target's publish lock just before the switch.

    ``publish`` checks the build against the live manifest it read first (to fail early); the
    target then calls ``recheck()`` once it holds its lock: the live manifest is read again and,
    if another publish went live meanwhile, the build is compared with that one instead. So
    the manifest that is compared is the one that is replaced (no overlapping publish can remove
    what the other one added).
    """

    def __init__(
        self,
        new: dict,
        read_live: Callable[[], str | None],
        keep_prefixes: Iterable[str] = ("og/",),
        allow: Iterable[str] = (),
        checked: str | None = None,
    ) -> None:
        self.new = new
        self.read_live = read_live
        self.keep_prefixes = list(keep_prefixes)
        self.allow = list(allow)
        self.checked = checked
        self.allowed: list[str] = []

    def check(self, live_text: str | None, source: str = MANIFEST_NAME) -> list[str]:
        """Compare the build with ``live_text``; raise GateError or return allowed removals."""
        old = parse_manifest(live_text, source) if live_text else None
        self.allowed = check_removals(old, self.new, self.keep_prefixes, self.allow)
        self.checked = live_text
        return self.allowed

    def recheck(self) -> list[str]:
        """Under the lock: read the live manifest again; compare again if it changed."""
        live_text = self.read_live()
        if live_text == self.checked:
            return self.allowed
        try:
            return self.check(live_text, f"{MANIFEST_NAME} (read again under the publish lock)")
        except GateError as error:
            raise GateError(
                "The live site changed while this publish was building, and "
                + error.message[0].lower()
                + error.message[1:],
                [*error.hints, RACE_HINT],
            ) from None
