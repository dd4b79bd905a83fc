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
- ``LINK_KEEPER_MANIFEST_EXCLUDE`` (``theme/* drafts/* _desk/* share-kit/* share/*``):
  patterns never listed; the manifest records them as ``unlisted`` for the publish gate.
- ``LINK_KEEPER_RESERVED`` (see ``RESERVED``): paths and folders (ending in ``/``) the build
  generates, which no alias may shadow; the card, search, theme and feed folders and the files
  of the other settings are added from the settings themselves.

Problems are content errors naming the file and the field (``aliases``, or ``url``/``slug``
when the page's own URL cannot be written into server configuration).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kernel import contents, lang, preview, problems, runs
from kernel.contracts import Links
from kernel.i18n import N_, plugin_translator
from kernel.problems import Problem, Severity
from kernel.settings import SettingsError
from kernel.signals import (
    GeneratedOutput,
    MetadataKey,
    generated_outputs,
    metadata_keys,
    site_written,
)
from pelican import signals

from .redirects import (
    AliasError,
    Redirect,
    absolute,
    is_public,
    manifest_json,
    netlify_lines,
    nginx_map_lines,
    normalise_alias,
    page_template,
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
    # Never public: theme files (hashed names change), drafts, the dev-only desk, and the
    # social media manager's share kits and exports (written to the private folder).
    "LINK_KEEPER_MANIFEST_EXCLUDE": ["theme/*", "drafts/*", "_desk/*", "share-kit/*", "share/*"],
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


def get_settings(settings: Mapping[str, Any]) -> dict:
    """Return a new dict of validated LINK_KEEPER_* settings with defaults filled in."""
    result = {key: settings.get(key, default) for key, default in DEFAULTS.items()}
    for key in ("LINK_KEEPER_NETLIFY_FILE", "LINK_KEEPER_NGINX_MAP_FILE"):
        if not isinstance(result[key], str) or "/" in result[key]:
            raise SettingsError(key, result[key], "must be a file name or ''")
    if not isinstance(result["LINK_KEEPER_MANIFEST_FILE"], str):
        raise SettingsError(
            "LINK_KEEPER_MANIFEST_FILE", result["LINK_KEEPER_MANIFEST_FILE"], "must be a string"
        )
    if result["LINK_KEEPER_STATUS"] not in {301, 302, 307, 308}:
        raise SettingsError(
            "LINK_KEEPER_STATUS", result["LINK_KEEPER_STATUS"], "must be 301, 302, 307 or 308"
        )
    for key in (
        "LINK_KEEPER_MANIFEST_INCLUDE",
        "LINK_KEEPER_MANIFEST_EXCLUDE",
        "LINK_KEEPER_RESERVED",
    ):
        value = result[key]
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise SettingsError(key, value, "must be a list of glob patterns")
        result[key] = list(value)
    if (
        not isinstance(result["LINK_KEEPER_METADATA_KEY"], str)
        or not (result["LINK_KEEPER_METADATA_KEY"])
    ):
        raise SettingsError(
            "LINK_KEEPER_METADATA_KEY",
            result["LINK_KEEPER_METADATA_KEY"],
            "must be a non-empty string",
        )
    return result


@dataclass
class LinksRun:
    """One build's settings and redirects."""

    config: dict
    redirects: list[Redirect] = field(default_factory=list)
    # page URL path -> source file relative to the content folder, for the gate's advice
    sources: dict[str, str] = field(default_factory=dict)

    @classmethod
    def start(cls, settings: Mapping[str, Any]) -> LinksRun:
        return cls(get_settings(settings))


RUN = runs.RunSlot(LinksRun.start)
# The redirect page's words in its language: link_keeper/translations.
TRANSLATE = plugin_translator(Path(__file__).parent / "link_keeper.py", "link_keeper")
PAGE_WORDS = {"moved": N_("Moved:"), "moved_to": N_("This page has moved to")}


def page_words(settings: Mapping[str, Any], tag: str) -> dict[str, str]:
    """Return the redirect page's phrases in language ``tag``."""
    return {key: TRANSLATE(settings, tag, words) for key, words in PAGE_WORDS.items()}


def declare_keys(settings: Mapping[str, Any]) -> tuple[MetadataKey, ...]:
    """Declare the metadata key link_keeper reads (kernel ``metadata_keys``)."""
    key = get_settings(settings)["LINK_KEEPER_METADATA_KEY"]
    return (MetadataKey(key, "link_keeper", "old URLs of this page, one per line", "lines"),)


def _report(
    obj: Any, field_name: str, problem: str, fix: str, severity: Severity = Severity.ERROR
) -> None:
    problems.report(
        Problem(
            contents.source_display(obj), field_name, problem, fix,
            severity=severity, source="link_keeper",
        )
    )  # fmt: skip


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


def _in_content(source_path: str, content: str) -> str:
    """Name a source file relative to the content folder (the same on every checkout)."""
    try:
        return Path(source_path).resolve().relative_to(Path(content).resolve()).as_posix()
    except ValueError:
        return Path(source_path).name


def collect_aliases(generators: list) -> None:
    """Attach ``obj.links`` to every published content object and record redirects."""
    if not generators:
        return
    settings = generators[0].settings
    state = RUN.get(settings)
    config = state.config
    siteurl = settings.get("SITEURL", "")
    key = config["LINK_KEEPER_METADATA_KEY"]
    reserved = reserved_paths(settings, config)
    seen: dict[str, Redirect] = {}
    for obj in contents.published(generators):
        target = url_path(obj.url)
        state.sources.setdefault(target, _in_content(obj.source_path, settings.get("PATH", "")))
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
                _report(
                    obj, key, f"alias {shown(raw)} is the page's own URL", "remove it",
                    Severity.WARNING,
                )  # fmt: skip
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
                    f"{contents.source_display(obj)}",
                    "keep the alias on the one article that now holds that content",
                )
                continue
            redirect = Redirect(
                source, target, obj.title, contents.source_display(obj),
                lang=lang.content_language(obj),
            )  # fmt: skip
            seen[source] = redirect
            aliases.append(source)
            log.debug("link_keeper: %s -> %s", source, target)
        obj.links = Links(url=target, aliases=tuple(aliases))
    state.redirects = list(seen.values())


def write_outputs(pelican) -> None:
    """Write redirect pages, redirect files and the URL manifest."""
    state = RUN.peek()
    RUN.drop()
    # A preview writes the saved pages only: redirects and the manifest stay as they were.
    if state is not None and not preview.is_preview(pelican.settings):
        _write_outputs(pelican.settings, state)


def _write_outputs(settings: Mapping[str, Any], state: LinksRun) -> None:
    config = state.config
    output = Path(settings["OUTPUT_PATH"])
    siteurl = settings.get("SITEURL", "")
    default_lang = lang.normalise(settings.get("DEFAULT_LANG"))
    template = page_template()
    redirects: list[Redirect] = []
    for redirect in state.redirects:
        path = output / redirect.save_as
        if path.exists():
            problems.report(
                Problem(
                    redirect.origin,
                    config["LINK_KEEPER_METADATA_KEY"],
                    f"alias {redirect.source} collides with an existing page ({redirect.save_as})",
                    "remove the alias: the real page is never replaced by a redirect",
                    source="link_keeper",
                )
            )
            continue
        redirects.append(redirect)
        if config["LINK_KEEPER_REDIRECT_PAGES"]:
            path.parent.mkdir(parents=True, exist_ok=True)
            target = absolute(siteurl, quoted_path(redirect.target))
            csp = str(settings.get("CONTENT_SECURITY_POLICY") or "")
            tag = redirect.lang or default_lang
            page = render_page(
                target, redirect.title, lang.hreflang(tag), csp,
                words=page_words(settings, tag), direction=lang.direction(tag), template=template,
            )  # fmt: skip
            path.write_text(page, encoding="utf-8")
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
        listed = set(urls)
        sources = {url: source for url, source in state.sources.items() if url in listed}
        text = manifest_json(siteurl, urls, redirects, unlisted=exclude, sources=sources)
        (output / config["LINK_KEEPER_MANIFEST_FILE"]).write_text(text, encoding="utf-8")
    log.info(
        "link_keeper: %d redirect(s), %d public URL(s) in the manifest", len(redirects), len(urls)
    )


def _setting(settings: Mapping[str, Any], key: str) -> str:
    return str(settings.get(key, DEFAULTS[key]) or "").strip("/")


def declare_outputs(settings: Mapping[str, Any]) -> tuple[GeneratedOutput, ...]:
    """Declare what link_keeper writes into the output (kernel ``generated_outputs``)."""
    return tuple(
        output
        for output in (
            GeneratedOutput(
                _setting(settings, "LINK_KEEPER_MANIFEST_FILE"),
                "link_keeper",
                "the list of published URLs",
            ),
            GeneratedOutput(
                _setting(settings, "LINK_KEEPER_NETLIFY_FILE"), "link_keeper", "the redirects file"
            ),
            GeneratedOutput(
                _setting(settings, "LINK_KEEPER_NGINX_MAP_FILE"),
                "link_keeper",
                "the nginx redirects map",
            ),
        )
        if output.path.strip("/")
    )


def register() -> None:
    """Connect link_keeper's receivers to Pelican's and the kernel's signals."""
    generated_outputs.connect(declare_outputs)
    runs.watch()
    metadata_keys.connect(declare_keys)
    signals.all_generators_finalized.connect(collect_aliases)
    # After every plugin's finalized: the manifest lists the finished site (cards included).
    site_written.connect(write_outputs)
