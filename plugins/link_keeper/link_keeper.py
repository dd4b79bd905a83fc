"""link_keeper: links that never break.

Writers list old URLs of moved content in ``aliases`` metadata. Each alias becomes a redirect
page (meta refresh + canonical + visible link), a line in ``_redirects`` (Netlify style) and an
entry of an nginx ``map`` file. The build also writes ``published-urls.json``: every public URL,
which ``invoke publish`` compares with the live site so no URL silently disappears.

Settings (all optional):

- ``LINK_KEEPER_METADATA_KEY`` (``"aliases"``): metadata key holding old URLs (comma/newline list).
- ``LINK_KEEPER_REDIRECT_PAGES`` (``True``): write an HTML redirect page for every alias.
- ``LINK_KEEPER_STATUS`` (``301``): status used in ``_redirects`` (301 or 302).
- ``LINK_KEEPER_NETLIFY_FILE`` (``"_redirects"``): output file name; ``""`` disables it.
- ``LINK_KEEPER_NGINX_MAP_FILE`` (``"redirects.nginx.map"``): output file name; ``""`` disables.
- ``LINK_KEEPER_MANIFEST_FILE`` (``"published-urls.json"``): output file name; ``""`` disables.
- ``LINK_KEEPER_MANIFEST_INCLUDE``: glob patterns (on the output-relative path or file name)
  of public files; default HTML, feeds, sitemap, card images (``og/*``), robots.txt, favicons.
- ``LINK_KEEPER_MANIFEST_EXCLUDE`` (``["theme/*", "drafts/*"]``): patterns never listed.
- ``LINK_KEEPER_RESERVED`` (see ``RESERVED``): paths and folders (ending in ``/``) the build
  generates, which no alias may shadow; the card, search, theme and feed folders and the files
  of the other settings are added from the settings themselves.

Problems are content errors naming the file and the field (``aliases``, or ``url``/``slug``
when the page's own URL cannot be written into server configuration).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

# The content Problem type for now (until the kernel's problems module is on main).
from content_guard.problems import Problem, log_problem
from pelican import signals
from pelican.generators import ArticlesGenerator, PagesGenerator

from .redirects import (
    AliasError,
    Redirect,
    absolute,
    is_public,
    manifest_json,
    netlify_lines,
    nginx_map_lines,
    normalise_alias,
    path_for_file,
    quoted_path,
    render_page,
    shadowed,
    shown,
    split_aliases,
    unsafe_path,
    url_path,
)

log = logging.getLogger(__name__)

DEFAULTS: dict[str, object] = {
    "LINK_KEEPER_METADATA_KEY": "aliases",
    "LINK_KEEPER_REDIRECT_PAGES": True,
    "LINK_KEEPER_STATUS": 301,
    "LINK_KEEPER_NETLIFY_FILE": "_redirects",
    "LINK_KEEPER_NGINX_MAP_FILE": "redirects.nginx.map",
    "LINK_KEEPER_MANIFEST_FILE": "published-urls.json",
    "LINK_KEEPER_MANIFEST_INCLUDE": [
        "*.html",
        "*.xml",
        "*.atom",
        "*.rss",
        "og/*",
        "robots.txt",
        "favicon.ico",
        "favicon.svg",
    ],
    "LINK_KEEPER_MANIFEST_EXCLUDE": ["theme/*", "drafts/*"],
    "LINK_KEEPER_RESERVED": [
        "/og/",
        "/pagefind/",
        "/theme/",
        "/feeds/",
        "/drafts/",
        "/_desk/",
        "/share/",
        "/share-kit/",
        "/sitemap.xml",
        "/robots.txt",
        "/favicon.ico",
        "/favicon.svg",
    ],
}

# Per-run state: filled in all_generators_finalized, consumed and reset in finalized.
_redirects: list[Redirect] = []


class SettingsError(ValueError):
    """A LINK_KEEPER_* setting has a bad value."""


def get_settings(settings: dict) -> dict:
    """Return a new dict of validated LINK_KEEPER_* settings with defaults filled in."""
    result = {key: settings.get(key, default) for key, default in DEFAULTS.items()}
    for key in ("LINK_KEEPER_NETLIFY_FILE", "LINK_KEEPER_NGINX_MAP_FILE"):
        if not isinstance(result[key], str) or "/" in result[key]:
            raise SettingsError(f"{key} must be a file name or '', got {result[key]!r}")
    if not isinstance(result["LINK_KEEPER_MANIFEST_FILE"], str):
        raise SettingsError(f"LINK_KEEPER_MANIFEST_FILE must be a string, got {result!r}")
    if result["LINK_KEEPER_STATUS"] not in {301, 302, 307, 308}:
        raise SettingsError(
            f"LINK_KEEPER_STATUS must be 301, 302, 307 or 308, got {result['LINK_KEEPER_STATUS']!r}"
        )
    for key in (
        "LINK_KEEPER_MANIFEST_INCLUDE",
        "LINK_KEEPER_MANIFEST_EXCLUDE",
        "LINK_KEEPER_RESERVED",
    ):
        value = result[key]
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise SettingsError(f"{key} must be a list of glob patterns, got {value!r}")
        result[key] = list(value)
    if (
        not isinstance(result["LINK_KEEPER_METADATA_KEY"], str)
        or not (result["LINK_KEEPER_METADATA_KEY"])
    ):
        raise SettingsError("LINK_KEEPER_METADATA_KEY must be a non-empty string")
    return result


def _content_objects(generators: list) -> list:
    objects: list = []
    for generator in generators:
        if isinstance(generator, ArticlesGenerator):
            objects += generator.articles + generator.translations
            objects += generator.hidden_articles + generator.hidden_translations
        elif isinstance(generator, PagesGenerator):
            objects += generator.pages + generator.translations
            objects += generator.hidden_pages + generator.hidden_translations
    return objects


def _display(source_path: str) -> str:
    """Name a source file as writers know it (relative to the working folder when inside it)."""
    relative = os.path.relpath(source_path)
    return source_path if relative.startswith("..") else Path(relative).as_posix()


def _report(obj, field: str, problem: str, fix: str) -> None:
    log_problem(
        log,
        Problem(
            file=_display(str(getattr(obj, "source_path", "?"))),
            field=field,
            problem=f"link_keeper: {problem}",
            fix=fix,
            severity="error",
        ),
    )


def reserved_paths(settings: dict, config: dict) -> list[str]:
    """Return the paths and folders the build generates, which no alias may shadow."""
    reserved = list(config["LINK_KEEPER_RESERVED"])
    folders = [
        settings.get("OG_CARDS_OUTPUT_DIR"),
        settings.get("READER_FEATURES_SEARCH_BUNDLE_DIR"),
        settings.get("THEME_STATIC_DIR"),
    ]
    reserved += [f"/{folder.strip('/')}/" for folder in folders if folder]
    for key, value in settings.items():
        if key.startswith(("FEED_", "CATEGORY_FEED_", "TAG_FEED_", "AUTHOR_FEED_")) and isinstance(
            value, str
        ):
            if "/" in value and key != "FEED_DOMAIN":
                reserved.append("/" + value.rsplit("/", 1)[0].strip("/") + "/")
            elif value.endswith((".xml", ".atom", ".rss")):
                reserved.append("/" + value)
    names = ("LINK_KEEPER_MANIFEST_FILE", "LINK_KEEPER_NETLIFY_FILE", "LINK_KEEPER_NGINX_MAP_FILE")
    reserved += ["/" + config[name] for name in names if config[name]]
    return sorted(set(reserved))


def collect_aliases(generators: list) -> None:
    """Attach ``obj.link_keeper`` to every published content object and record redirects."""
    _redirects.clear()
    if not generators:
        return
    settings = generators[0].settings
    config = get_settings(settings)
    siteurl = settings.get("SITEURL", "")
    key = config["LINK_KEEPER_METADATA_KEY"]
    reserved = reserved_paths(settings, config)
    seen: dict[str, Redirect] = {}
    for obj in _content_objects(generators):
        target = url_path(obj.url)
        aliases: list[str] = []
        raw_aliases = split_aliases(obj.metadata.get(key))
        why = unsafe_path(target) if raw_aliases else None
        if why:
            field = "url" if obj.metadata.get("url") else "slug"
            _report(
                obj,
                field,
                f"the page's URL {shown(target)} cannot be a redirect target: {why}",
                f"give the page a {field} of letters, digits and hyphens; its aliases wait",
            )
            raw_aliases = []
        for raw in raw_aliases:
            try:
                source = normalise_alias(raw, siteurl)
            except AliasError as exc:
                _report(obj, key, f"bad alias: {exc}", "write the old URL's path, e.g. /old/page/")
                continue
            if source == target:
                _report(obj, key, f"alias {shown(raw)} is the page's own URL", "remove it")
                continue
            hidden = shadowed(source, reserved)
            if hidden:
                _report(
                    obj,
                    key,
                    f"alias {shown(source)} would shadow {hidden}, which the build generates",
                    "remove the alias: that URL must stay what the build writes",
                )
                continue
            if source in seen:
                _report(
                    obj,
                    key,
                    f"alias {shown(source)} is claimed by both {seen[source].origin} and "
                    f"{_display(obj.source_path)}",
                    "keep the alias on the one article that now holds that content",
                )
                continue
            redirect = Redirect(source, target, obj.title, _display(obj.source_path))
            seen[source] = redirect
            aliases.append(source)
            log.debug("link_keeper: %s -> %s", source, target)
        obj.link_keeper = {"aliases": aliases, "url": target}
    _redirects.extend(seen.values())


def write_outputs(pelican) -> None:
    """Write redirect pages, redirect files and the URL manifest; reset per-run state."""
    try:
        _write_outputs(pelican.settings)
    finally:
        _redirects.clear()


def _write_outputs(settings: dict) -> None:
    config = get_settings(settings)
    output = Path(settings["OUTPUT_PATH"])
    siteurl = settings.get("SITEURL", "")
    lang = settings.get("DEFAULT_LANG", "en")
    redirects: list[Redirect] = []
    for redirect in _redirects:
        path = output / redirect.save_as
        if path.exists():
            log_problem(
                log,
                Problem(
                    file=redirect.origin,
                    field=config["LINK_KEEPER_METADATA_KEY"],
                    problem=(
                        f"link_keeper: alias {redirect.source} collides with an existing page "
                        f"({redirect.save_as})"
                    ),
                    fix="remove the alias: the real page is never replaced by a redirect",
                    severity="error",
                ),
            )
            continue
        redirects.append(redirect)
        if config["LINK_KEEPER_REDIRECT_PAGES"]:
            path.parent.mkdir(parents=True, exist_ok=True)
            target = absolute(siteurl, quoted_path(redirect.target))
            path.write_text(render_page(target, redirect.title, lang), encoding="utf-8")
    if config["LINK_KEEPER_NETLIFY_FILE"]:
        text = netlify_lines(redirects, config["LINK_KEEPER_STATUS"])
        (output / config["LINK_KEEPER_NETLIFY_FILE"]).write_text(text, encoding="utf-8")
    if config["LINK_KEEPER_NGINX_MAP_FILE"]:
        text = nginx_map_lines(redirects)
        (output / config["LINK_KEEPER_NGINX_MAP_FILE"]).write_text(text, encoding="utf-8")
    urls: list[str] = []
    if config["LINK_KEEPER_MANIFEST_FILE"]:
        include = config["LINK_KEEPER_MANIFEST_INCLUDE"]
        exclude = config["LINK_KEEPER_MANIFEST_EXCLUDE"]
        for file in sorted(p for p in output.rglob("*") if p.is_file()):
            rel = file.relative_to(output).as_posix()
            if is_public(rel, include, exclude):
                urls.append(path_for_file(rel))
        text = manifest_json(siteurl, urls, redirects)
        (output / config["LINK_KEEPER_MANIFEST_FILE"]).write_text(text, encoding="utf-8")
    log.info(
        "link_keeper: %d redirect(s), %d public URL(s) in the manifest", len(redirects), len(urls)
    )


def register() -> None:
    """Connect link_keeper's receivers to Pelican's signals."""
    signals.all_generators_finalized.connect(collect_aliases)
    signals.finalized.connect(write_outputs)
