"""reader_features: on-site search, related articles, reading time and feeds with card images.

Settings (all optional; see README.md):

- READER_FEATURES_SEARCH (True): run Pagefind on the output at the end of the build. Turn off
  for fast development builds; the search page then explains how to browse sections instead.
- READER_FEATURES_SEARCH_BUNDLE_DIR ("pagefind"): output folder of the index and UI (/pagefind/).
- READER_FEATURES_SEARCH_EXCLUDE_SELECTORS ([]): extra CSS selectors Pagefind must not index
  (navigation and share blocks are outside the indexed `data-pagefind-body` element already).
- READER_FEATURES_SEARCH_LANGUAGE (None): index every page as this ISO 639-1 language.
- READER_FEATURES_PAGEFIND_BINARY (None): path of the Pagefind executable; by default the one
  from the `pagefind[bin]` package (or $PAGEFIND_BINARY_PATH).
- READER_FEATURES_RELATED_COUNT (3): related articles per article (0 turns them off).
- READER_FEATURES_RELATED_TAG_WEIGHT (1.0): weight of a shared tag (scaled by its rarity).
- READER_FEATURES_RELATED_CATEGORY_WEIGHT (0.5): bonus for a candidate in the same category.
- READER_FEATURES_RELATED_MAX_TAG_SIZE (200): tags on more articles than this are too generic
  to suggest anything and are skipped (this also bounds the build time).
- READER_FEATURES_WORDS_PER_MINUTE (200): reading speed for `article.reading`.
- READER_FEATURES_FEED_MEDIA (True): add card images (Media RSS, enclosures) and summaries to feeds.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kernel import contents, memos, preview, runs, text
from kernel.settings import SettingsError
from kernel.signals import (
    GeneratedOutput,
    collect,
    generated_outputs,
    output_folder,
    site_written,
)
from pelican import signals

from reader_features import feeds, reading, related, search, sitemap_dates

logger = logging.getLogger(__name__)

DEFAULTS: dict[str, Any] = {
    "READER_FEATURES_SEARCH": True,
    "READER_FEATURES_SEARCH_BUNDLE_DIR": "pagefind",
    "READER_FEATURES_SEARCH_EXCLUDE_SELECTORS": [],
    "READER_FEATURES_SEARCH_LANGUAGE": None,
    "READER_FEATURES_PAGEFIND_BINARY": None,
    "READER_FEATURES_RELATED_COUNT": 3,
    "READER_FEATURES_RELATED_TAG_WEIGHT": 1.0,
    "READER_FEATURES_RELATED_CATEGORY_WEIGHT": 0.5,
    "READER_FEATURES_RELATED_MAX_TAG_SIZE": 200,
    "READER_FEATURES_WORDS_PER_MINUTE": 200,
    "READER_FEATURES_FEED_MEDIA": True,
}

SEARCH_REPORT = "last-search.json"  # CACHE_PATH/reader_features/: the build's search report
# Settings the theme reads (the search box and page), put into the template context.
TEMPLATE_KEYS = ("READER_FEATURES_SEARCH", "READER_FEATURES_SEARCH_BUNDLE_DIR")


def _fail(key: str, value: Any, why: str) -> None:
    raise SettingsError(key, value, why)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def get_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """Return a new dict of validated reader_features settings with defaults filled in."""
    opts = {key: settings.get(key, default) for key, default in DEFAULTS.items()}
    for key in ("READER_FEATURES_SEARCH", "READER_FEATURES_FEED_MEDIA"):
        if not isinstance(opts[key], bool):
            _fail(key, opts[key], "must be True or False")
    bundle = opts["READER_FEATURES_SEARCH_BUNDLE_DIR"]
    if not (isinstance(bundle, str) and bundle.strip("/") and ".." not in Path(bundle).parts):
        _fail("READER_FEATURES_SEARCH_BUNDLE_DIR", bundle, "must be a folder inside the output")
    opts["READER_FEATURES_SEARCH_BUNDLE_DIR"] = bundle.strip("/")
    selectors = opts["READER_FEATURES_SEARCH_EXCLUDE_SELECTORS"]
    if not (isinstance(selectors, list | tuple) and all(isinstance(s, str) for s in selectors)):
        _fail("READER_FEATURES_SEARCH_EXCLUDE_SELECTORS", selectors, "must be a list of selectors")
    language = opts["READER_FEATURES_SEARCH_LANGUAGE"]
    if language is not None and not (isinstance(language, str) and language.isalpha()):
        _fail("READER_FEATURES_SEARCH_LANGUAGE", language, "must be None or a code like 'en'")
    binary = opts["READER_FEATURES_PAGEFIND_BINARY"]
    if binary is not None and not isinstance(binary, str | Path):
        _fail("READER_FEATURES_PAGEFIND_BINARY", binary, "must be None or a path")
    count = opts["READER_FEATURES_RELATED_COUNT"]
    if not (_is_int(count) and 0 <= count <= 20):
        _fail("READER_FEATURES_RELATED_COUNT", count, "must be an integer from 0 to 20")
    for key in ("READER_FEATURES_RELATED_TAG_WEIGHT", "READER_FEATURES_RELATED_CATEGORY_WEIGHT"):
        value = opts[key]
        if not (isinstance(value, int | float) and not isinstance(value, bool) and value >= 0):
            _fail(key, value, "must be a number >= 0")
    max_tag = opts["READER_FEATURES_RELATED_MAX_TAG_SIZE"]
    if max_tag is not None and not (_is_int(max_tag) and max_tag >= 1):
        _fail("READER_FEATURES_RELATED_MAX_TAG_SIZE", max_tag, "must be None or an integer >= 1")
    wpm = opts["READER_FEATURES_WORDS_PER_MINUTE"]
    if not (_is_int(wpm) and 50 <= wpm <= 1000):
        _fail("READER_FEATURES_WORDS_PER_MINUTE", wpm, "must be an integer from 50 to 1000")
    return opts


@dataclass
class ReaderRun:
    """One build's settings, the articles feeds are enriched from, and the feed count."""

    opts: dict[str, Any]
    articles: dict[str, Any] = field(default_factory=dict)
    feeds: int = 0

    @classmethod
    def start(cls, settings: Mapping[str, Any]) -> ReaderRun:
        return cls(get_settings(dict(settings)))


RUN = runs.RunSlot(ReaderRun.start)


def initialized(pelican: Any) -> None:
    """Validate the settings at start-up (a bad one stops the build, naming it)."""
    get_settings(pelican.settings)


def _item(article: Any) -> related.Item:
    date = getattr(article, "date", None)
    return related.Item(
        key=str(article.url),
        tags=tuple(sorted(str(tag.slug) for tag in getattr(article, "tags", None) or [])),
        category=str(getattr(getattr(article, "category", None), "slug", "")),
        timestamp=date.timestamp() if date is not None else 0.0,
        group=getattr(article, "lang", None),
        ref=article,
    )


def all_generators_finalized(generators: list[Any]) -> None:
    """Attach `article.reading` and `article.related`; index articles for the feed hook."""
    if not generators:
        return
    state = RUN.get(generators[0].settings)
    opts = state.opts
    for generator in generators:
        generator.context.update({key: opts[key] for key in TEMPLATE_KEYS})
    started = time.perf_counter()
    # A rebuild counts the words of changed articles only (and all after a change of the rule).
    word_counts = memos.ResultMemo(
        generators[0].settings.get("CACHE_PATH"), "reader_features", "word-counts",
        version=memos.code_version(reading, text),
    )  # fmt: skip
    for generator in generators:
        if not hasattr(generator, "articles"):
            continue
        published = [*generator.articles, *getattr(generator, "translations", [])]
        listed = {id(a) for a in published}
        others = [
            a
            for a in contents.published([generator]) + contents.drafts([generator])
            if id(a) not in listed
        ]
        wpm = opts["READER_FEATURES_WORDS_PER_MINUTE"]
        for article in [*published, *others]:
            words = word_counts.get(str(article.content or ""), reading.count_words)
            article.reading = reading.of_words(words, wpm)
        for article in published:
            state.articles[str(article.url)] = article
        pool = [_item(article) for article in published]
        targets = [*pool, *(_item(article) for article in others)]
        lists = related.related(
            targets,
            pool,
            count=opts["READER_FEATURES_RELATED_COUNT"],
            tag_weight=opts["READER_FEATURES_RELATED_TAG_WEIGHT"],
            category_weight=opts["READER_FEATURES_RELATED_CATEGORY_WEIGHT"],
            max_tag_size=opts["READER_FEATURES_RELATED_MAX_TAG_SIZE"],
        )
        for item in targets:
            item.ref.related = [other.ref for other in lists.get(item.key, [])]
        logger.debug(
            "reader_features: words of %d articles counted before, related lists for %d "
            "articles in %.3f s",
            word_counts.reused,
            len(targets),
            time.perf_counter() - started,
        )
    word_counts.save()


def feed_generated(context: dict[str, Any], feed: Any) -> None:
    """Add each entry's card image and summary to a feed before Pelican writes it."""
    state = RUN.peek()
    if state is None or not state.opts["READER_FEATURES_FEED_MEDIA"]:
        return
    siteurl = str(context.get("SITEURL", ""))
    tagline = str(context.get("SITE_TAGLINE") or context.get("SITENAME") or "")
    feeds.enrich(feed, state.articles, siteurl, description=tagline)
    state.feeds += 1


def _pagefind_state(settings: dict[str, Any]) -> Path | None:
    """Where the last index run is remembered, so an unchanged site is not re-indexed."""
    cache = settings.get("CACHE_PATH")
    return Path(cache) / "reader_features" / "pagefind.json" if cache else None


def finalized(pelican: Any) -> None:
    """Run Pagefind on the output (unless READER_FEATURES_SEARCH is off) and report it."""
    state = RUN.peek()  # dropped at site_written, after the feeds get their enclosure sizes
    if state is None:
        return
    opts = state.opts
    stats = None
    # A preview writes a few pages: the index the last full build made stays (kernel.preview).
    if opts["READER_FEATURES_SEARCH"] and not preview.is_preview(pelican.settings):
        output = Path(pelican.settings["OUTPUT_PATH"])
        try:
            binary = search.find_binary(opts["READER_FEATURES_PAGEFIND_BINARY"])
            stats = search.run_pagefind(
                binary,
                output,
                opts["READER_FEATURES_SEARCH_BUNDLE_DIR"],
                exclude_selectors=opts["READER_FEATURES_SEARCH_EXCLUDE_SELECTORS"],
                force_language=opts["READER_FEATURES_SEARCH_LANGUAGE"],
                state_file=_pagefind_state(pelican.settings),
                skip_folders=_own_folders(pelican.settings),
            )
        except search.SearchError as error:
            logger.error("reader_features: search index not built: %s", error)
        else:
            logger.info(
                "reader_features: search index of %d pages, %d words: %d files, %.0f KB in %.2f s",
                stats.pages, stats.words, stats.files, stats.bytes / 1024, stats.seconds,
            )  # fmt: skip
    cache = pelican.settings.get("CACHE_PATH")
    if cache:
        report = Path(cache) / "reader_features" / SEARCH_REPORT
        report.parent.mkdir(parents=True, exist_ok=True)
        data = dataclasses.asdict(stats) if stats is not None else None
        report.write_text(json.dumps(data) + "\n", encoding="utf-8")
    logger.info("reader_features: %d feeds carry card images", state.feeds)


def _own_folders(settings: Mapping[str, Any]) -> list[str]:
    """Return the top-level folders plugins write for themselves (no writer's page is there).

    kernel.outputs refuses a page whose save_as would land in one, so search need not read them.
    """
    folders = []
    for output in collect(generated_outputs, settings):
        path = output.path if isinstance(output, GeneratedOutput) else ""
        if path.endswith("/") and path.count("/") == 1:
            folders.append(path.rstrip("/"))
    return folders


def write_enclosure_lengths(pelican: Any) -> None:
    """Write each card's real byte size into the feeds' enclosures (kernel ``site_written``).

    The cards exist only once og_cards has placed them, which the kernel's ``site_written``
    guarantees whatever the plugin order; a feed's precompressed twin is rewritten with it.
    """
    state = RUN.peek()
    RUN.drop()
    if state is None or not state.opts["READER_FEATURES_FEED_MEDIA"]:
        return
    if preview.is_preview(pelican.settings):
        return  # a preview writes no feeds
    settings = pelican.settings
    feeds.fix_enclosure_lengths(
        Path(settings["OUTPUT_PATH"]),
        str(settings.get("FEED_DOMAIN") or settings.get("SITEURL", "")),
        feeds.feed_files(settings),
    )


def last_search(cache_path: str | os.PathLike) -> search.IndexStats | None:
    """Return what the last build's Pagefind run produced (None: no index was built)."""
    data = json.loads((Path(cache_path) / "reader_features" / SEARCH_REPORT).read_text("utf-8"))
    return search.IndexStats(**data) if data else None


def declare_outputs(settings: Mapping[str, Any]) -> tuple[GeneratedOutput, ...]:
    """Declare what reader_features writes into the output (kernel ``generated_outputs``)."""
    return output_folder(
        settings,
        "READER_FEATURES_SEARCH_BUNDLE_DIR",
        DEFAULTS["READER_FEATURES_SEARCH_BUNDLE_DIR"],
        "reader_features",
        "the search index",
    )


def register() -> None:
    """Connect the reader_features receivers to Pelican's signals."""
    generated_outputs.connect(declare_outputs)
    runs.watch()
    signals.initialized.connect(initialized)
    signals.all_generators_finalized.connect(all_generators_finalized)
    signals.all_generators_finalized.connect(sitemap_dates.pin_sitemap_clock)
    signals.feed_generated.connect(feed_generated)
    signals.finalized.connect(finalized)
    site_written.connect(write_enclosure_lengths)
