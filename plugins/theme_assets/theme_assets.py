"""theme_assets: theme CSS and JS under content-hashed names, and the first-screen CSS inline.

Templates call ``asset_url("css/main.css")`` (→ ``{SITEURL}/theme/css/main.3f9a1c2b.css``) and
``inline_asset("css/critical.css")`` (the file's text, for a ``<style>`` element). The hashed
copies are written next to Pelican's own copy of the theme's static files, so a changed file
gets a new URL and the old one can be cached for a year (``immutable`` in deploy/nginx.conf).

Settings (all optional):

- THEME_ASSETS_ENABLED (True): hash names; False links the plain names (``main.css``).
- THEME_ASSETS_HASH_LENGTH (8): hex digits of SHA-256 in the name (8-64).
- THEME_ASSETS_INLINE_MAX_BYTES (6000): a warning when an inlined file, gzip-compressed as the
  server sends it, is larger: the HTML with its inlined CSS should arrive in the first round
  trip (about 14 KB compressed), and the page's own text needs most of that.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import re
from pathlib import Path, PurePosixPath
from typing import Any

from kernel.runs import RunSlot, watch
from kernel.settings import SettingsError
from markupsafe import Markup
from pelican import signals

logger = logging.getLogger(__name__)

DEFAULTS: dict[str, Any] = {
    "THEME_ASSETS_ENABLED": True,
    "THEME_ASSETS_HASH_LENGTH": 8,
    "THEME_ASSETS_INLINE_MAX_BYTES": 6_000,
}


class ThemeAssetsSettingsError(SettingsError):
    """A bad THEME_ASSETS_* setting."""


class ThemeAssetError(ValueError):
    """A template asked for an asset the theme does not have, or one unsafe to inline."""


def get_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """Return a new dict of validated theme_assets settings with defaults filled in."""
    opts = {key: settings.get(key, default) for key, default in DEFAULTS.items()}
    if not isinstance(opts["THEME_ASSETS_ENABLED"], bool):
        raise ThemeAssetsSettingsError(
            "THEME_ASSETS_ENABLED", opts["THEME_ASSETS_ENABLED"], "must be True or False"
        )
    length = opts["THEME_ASSETS_HASH_LENGTH"]
    if not (isinstance(length, int) and not isinstance(length, bool) and 8 <= length <= 64):
        raise ThemeAssetsSettingsError(
            "THEME_ASSETS_HASH_LENGTH", length, "must be an integer from 8 to 64"
        )
    limit = opts["THEME_ASSETS_INLINE_MAX_BYTES"]
    if not (isinstance(limit, int) and not isinstance(limit, bool) and limit > 0):
        raise ThemeAssetsSettingsError(
            "THEME_ASSETS_INLINE_MAX_BYTES", limit, "must be a positive number of bytes"
        )
    return opts


def hashed_name(relative: str, data: bytes, length: int = 8) -> str:
    """Return ``css/main.3f9a1c2b.css`` for ``css/main.css`` with these bytes."""
    path = PurePosixPath(relative)
    digest = hashlib.sha256(data).hexdigest()[:length]
    return str(path.with_name(f"{path.stem}.{digest}{path.suffix}"))


def compact_css(text: str) -> str:
    """Drop comments and indentation from CSS (our own files: no comment markers in strings)."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


class ThemeAssets:
    """One build's theme assets: source folders, hashed names, files to write."""

    def __init__(self, settings: dict[str, Any]) -> None:
        self.opts = get_settings(settings)
        theme = Path(settings["THEME"])
        # THEME_STATIC_PATHS are copied into THEME_STATIC_DIR; later paths win, as in Pelican.
        self.sources = [theme / p for p in settings.get("THEME_STATIC_PATHS", ["static"])][::-1]
        self.static_dir = str(settings.get("THEME_STATIC_DIR", "theme")).strip("/")
        self.siteurl = str(settings.get("SITEURL", "")).rstrip("/")
        self.output = Path(settings["OUTPUT_PATH"])
        self.used: dict[str, tuple[Path, str]] = {}  # relative path -> (source, output name)
        self._inlined: dict[str, Markup] = {}
        self.written = 0

    def source(self, relative: str) -> Path:
        rel = PurePosixPath(relative)
        if rel.is_absolute() or ".." in rel.parts or not rel.parts:
            raise ThemeAssetError(f"theme_assets: {relative!r} is not a path inside the theme")
        for folder in self.sources:
            candidate = folder / rel
            if candidate.is_file():
                return candidate
        raise ThemeAssetError(f"theme_assets: the theme has no static file {relative!r}")

    def url(self, relative: str) -> str:
        """Return the public URL of a theme static file (hashed name when enabled)."""
        if relative not in self.used:
            path = self.source(relative)
            name = relative
            if self.opts["THEME_ASSETS_ENABLED"]:
                length = self.opts["THEME_ASSETS_HASH_LENGTH"]
                name = hashed_name(relative, path.read_bytes(), length)
            self.used[relative] = (path, name)
            # Written now, while pages render: finalized receivers such as precompress see it.
            self._write(path, name)
        return f"{self.siteurl}/{self.static_dir}/{self.used[relative][1]}"

    def inline(self, relative: str) -> Markup:
        """Return a theme CSS file's text for a <style> element (never a closing tag)."""
        if relative not in self._inlined:
            path = self.source(relative)
            text = path.read_text(encoding="utf-8")
            if "</" in text or "<!--" in text:
                raise ThemeAssetError(f"theme_assets: {relative} contains '</' or '<!--'")
            text = compact_css(text)
            size = len(gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0))
            if size > self.opts["THEME_ASSETS_INLINE_MAX_BYTES"]:
                logger.warning(
                    "theme_assets: %s is %d bytes compressed, over THEME_ASSETS_INLINE_MAX_BYTES "
                    "(%d): move rules below the first screen into main.css",
                    relative,
                    size,
                    self.opts["THEME_ASSETS_INLINE_MAX_BYTES"],
                )
            self._inlined[relative] = Markup(text)  # noqa: S704 - the theme's own CSS, checked above
        return self._inlined[relative]

    def _write(self, path: Path, name: str) -> None:
        """Copy one asset to its output name (atomically; skipped when already identical)."""
        target = self.output / self.static_dir / name
        data = path.read_bytes()
        if target.is_file() and target.read_bytes() == data:
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            tmp.write_bytes(data)
            tmp.replace(target)
        finally:
            tmp.unlink(missing_ok=True)
        self.written += 1


RUN: RunSlot[ThemeAssets] = RunSlot(ThemeAssets)


def initialized(pelican: Any) -> None:
    """Validate settings before any page renders (a bad value stops the build at once)."""
    get_settings(pelican.settings)
    RUN.drop()


def generator_init(generator: Any) -> None:
    """Give the generator's templates asset_url() and inline_asset() for this run."""
    env = getattr(generator, "env", None)
    if env is None:
        return
    assets = RUN.get(generator.settings)
    env.globals["asset_url"] = assets.url
    env.globals["inline_asset"] = assets.inline


def finalized(pelican: Any) -> None:
    """Log what was linked and written, and drop the run's state."""
    assets = RUN.peek()
    if assets is None:
        return
    logger.info("theme_assets: %d asset(s) linked, %d written", len(assets.used), assets.written)
    RUN.drop()


def register() -> None:
    """Connect theme_assets to Pelican's signals."""
    watch()
    signals.initialized.connect(initialized)
    signals.generator_init.connect(generator_init)
    signals.finalized.connect(finalized)
