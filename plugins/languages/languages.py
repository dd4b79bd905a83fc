"""languages: pages in every language the writers write, each linked to its other versions.

Writers translate with Pelican's convention: a file with ``Lang: cy`` and the same ``Slug``
as the English page (or ``translation_of: <english-slug>``, which gives it that slug). This
plugin then

- gives a page that exists only in another language the plain URL (no ``/ur/`` prefix);
- attaches ``content.language`` (kernel.contracts.Language): the page's language, direction,
  og:locale and every published version (hreflang links, the language switcher);
- writes each language site's listings under ``/<lang>/`` (home, sections, topics, authors,
  archives, search, 404) for the languages in ``LANGUAGES_SITES``;
- reports a translation older than the version it translates (advice on the desk) and a
  ``translation_of`` that names no page.

Settings:

- LANGUAGES_SITES (``[]``): languages (BCP 47) that get their own listings and interface.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kernel import contents, lang, problems, runs, urls
from kernel import signals as kernel_signals
from kernel.contracts import LANGUAGE
from kernel.settings import Setting, read
from kernel.signals import MetadataKey, check_source, metadata_keys
from pelican import signals

from . import listings, sitemap, versions
from .checks import check_file
from .state import RUN

logger = logging.getLogger(__name__)
SITEMAP_FILE = "sitemap.xml"  # pelican-sitemap's XML sitemap


def _sites(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str) or not all(isinstance(v, str) and lang.is_tag(v) for v in value):
        raise ValueError("must be a list of language codes such as ['cy']")
    return [lang.normalise(v) for v in value]


SETTINGS = (
    Setting("LANGUAGES_SITES", [], "languages with their own listings under /<lang>/", _sites),
)
KEYS = (
    MetadataKey("translation_of", "languages", "the slug of the page this one translates"),
    MetadataKey(
        "machine_assisted", "languages",
        "`yes` while machine-assisted text waits for its language and clinical review", "flag",
    ),
)  # fmt: skip


def declare_keys(settings: Mapping[str, Any]) -> tuple[MetadataKey, ...]:
    """Declare the metadata keys this plugin reads (kernel ``metadata_keys``)."""
    return KEYS


def initialized(pelican: Any) -> None:
    """Validate the settings at start-up (a bad one stops the build, naming it)."""
    read(pelican.settings, SETTINGS)


def take_slug(generator: Any, metadata: dict) -> None:
    """Give a page with ``translation_of`` and no ``slug`` that slug (Pelican pairs by slug)."""
    wanted = str(metadata.get("translation_of") or "").strip()
    if wanted and not metadata.get("slug"):
        metadata["slug"] = wanted


def pair_versions(generator: Any) -> None:
    """Pair listed and hidden versions of one page (before sections and topics are made)."""
    versions.pair_listed_with_hidden(generator)
    versions.order_translations(generator)


def clean_urls(generator: Any) -> None:
    """Give pages that exist only in another language their plain URL."""
    versions.pair_listed_with_hidden(generator)  # pages have no earlier signal; idempotent
    versions.order_translations(generator)
    for name in ("articles", "hidden_articles", "pages", "hidden_pages", contents.SCHEDULED_ATTR):
        for content in getattr(generator, name, None) or []:
            versions.give_clean_url(content)


def all_generators_finalized(generators: list[Any]) -> None:
    """Attach ``content.language`` everywhere; plan the language sites' listings."""
    if not generators:
        return
    settings = generators[0].settings
    state = RUN.get(settings)
    config = read(settings, SETTINGS)
    published = contents.published(generators)
    live = {id(c) for c in published}
    for content in contents.everything(generators):
        setattr(content, LANGUAGE, versions.language_of(content, live, settings))
    for content in published:
        problems.report_all(versions.problems_of(content, settings))
    state.sites = listings.sites({**settings, **config}, published)
    feed_langs = {
        lang.content_language(c, settings): c.lang
        for c in published
        if contents.is_article(c) and listings.listed(c)
    }
    plain = listings.default_listings(generators, settings)
    listing_info = listings.listing_languages(state.sites, settings, plain)
    template_data = {
        "language_sites": {site.tag: site.prefix for site in state.sites},
        "listing_languages": listing_info,
        "feed_languages": feed_langs,
    }
    siteurl = settings.get("SITEURL", "")
    state.by_url = {urls.absolute(siteurl, path): info for path, info in listing_info.items()}
    for content in published:
        info = getattr(content, LANGUAGE, None)
        if info is not None:
            state.by_url[urls.absolute(siteurl, content.url)] = info
    for generator in generators:
        generator.context.update(template_data)
    if state.sites:
        logger.info(
            "languages: %s",
            ", ".join(f"{s.tag} ({len(s.articles)} articles)" for s in state.sites),
        )


def get_generators(pelican: Any) -> type:
    """Add the generator that writes the language sites' listings."""
    return listings.LanguageListings


def site_written(pelican: Any) -> None:
    """Put the language alternates into the sitemap (written by now), then forget this run."""
    state = RUN.peek()
    RUN.drop()
    if state is None or not state.by_url:
        return
    output = Path(pelican.settings["OUTPUT_PATH"])
    count = sitemap.rewrite(output / SITEMAP_FILE, state.by_url)
    logger.debug("languages: %d sitemap entries have language alternates", count)


def register() -> None:
    """Connect the languages receivers to Pelican's and the kernel's signals."""
    runs.watch()
    metadata_keys.connect(declare_keys)
    check_source.connect(check_file)
    signals.initialized.connect(initialized)
    signals.article_generator_context.connect(take_slug)
    signals.page_generator_context.connect(take_slug)
    signals.article_generator_pretaxonomy.connect(pair_versions)
    signals.article_generator_finalized.connect(clean_urls)
    signals.page_generator_finalized.connect(clean_urls)
    signals.get_generators.connect(get_generators)
    signals.all_generators_finalized.connect(all_generators_finalized)
    kernel_signals.site_written.connect(site_written)
