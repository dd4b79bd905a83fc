"""og_cards: link-preview metadata and 1200×630 card images for every article, page and listing.

Settings (all optional; see README.md for details):

- OG_CARDS_ENABLED (True): turn the plugin off without removing it from PLUGINS.
- OG_CARDS_SIZE ((1200, 630)): card size in pixels; layouts are scaled from 1200×630.
- OG_CARDS_OUTPUT_DIR ("og"): output folder of the cards (URL /og/<slug>-<hash8>.<ext>).
- OG_CARDS_LAYOUT ("auto"): "auto" (photo if the article has `image`, else text) or a layout name.
- OG_CARDS_LAYOUTS ({}): extra or replacement layouts, same shape as layouts.py.
- OG_CARDS_ACCENT ("#00425a"): card colour of pages, listings and uncoloured categories.
- OG_CARDS_CATEGORY_COLOURS ({}): category slug -> "#rrggbb".
- OG_CARDS_BACKGROUND ("#f0f4f5"), OG_CARDS_TEXT_COLOUR ("#212b32"), OG_CARDS_MUTED_COLOUR
  ("#4c6272"): text-layout colours.
- OG_CARDS_FONTS / OG_CARDS_FONTS_REGULAR: font stacks (file names in fonts/ or absolute paths).
- OG_CARDS_MAX_BYTES (300000), OG_CARDS_JPEG_QUALITY (85), OG_CARDS_PNG_COLOURS (256; 0 = RGB).
- OG_CARDS_WORKERS (None = all cores; 0 = render in the Pelican process), OG_CARDS_START_METHOD
  (None = platform default), OG_CARDS_WORKER_NICE (10): lower priority of the workers,
  OG_CARDS_PROGRESS_MIN (20): renders needed to show a progress bar.
- OG_CARDS_LOCALE ("en_GB"), OG_CARDS_LOCALES (lang -> og:locale), OG_CARDS_SITE_NAME (SITENAME),
  OG_CARDS_DEFAULT_DESCRIPTION (SITE_TAGLINE), OG_CARDS_DESCRIPTION_LENGTH (200),
  OG_CARDS_TWITTER_SITE (""), OG_CARDS_FEDIVERSE_CREATOR (""),
  OG_CARDS_THEME_COLOUR (OG_CARDS_ACCENT), OG_CARDS_REVIEWED_TEXT ("Reviewed {date}"),
  OG_CARDS_LISTING_TITLES ({}).
"""

from __future__ import annotations

import logging
import os
import re
import time
from pathlib import Path, PurePosixPath
from typing import Any

from pelican import signals
from pelican.generators import ArticlesGenerator, PagesGenerator

from og_cards import cards, textfit
from og_cards.jobs import CardJobs, Stats
from og_cards.layouts import layouts
from og_cards.spec import reset_run_cache

logger = logging.getLogger(__name__)

FONTS_DIR = Path(__file__).parent / "fonts"
BOLD_FONTS = [
    "NotoSans-Bold.ttf",  # Latin, Greek, Cyrillic
    "NotoSansArabic-Bold.ttf",
    "NotoSansHebrew-Bold.ttf",
    "NotoSansDevanagari-Bold.ttf",
    "NotoSansBengali-Bold.ttf",
    "NotoSansGurmukhi-Bold.ttf",
    "NotoSansGujarati-Bold.ttf",
    "NotoSansTamil-Bold.ttf",
    "NotoSansSinhala-Bold.ttf",
    "NotoSansThai-Bold.ttf",
    "NotoSansKhmer-Bold.ttf",
    "NotoSansEthiopic-Bold.ttf",
    "NotoSansArmenian-Bold.ttf",
    "NotoSansGeorgian-Bold.ttf",
    "NotoSansCJKsc-Bold-subset.otf",
    "NotoSansCJKjp-Bold-extra.otf",  # JIS X 0213 beyond the SC subset
    "NotoSansCJKkr-Bold-hangul.otf",  # Hangul jamo beyond the SC subset
    "NotoColorEmoji.ttf",
]
DEFAULTS: dict[str, Any] = {
    "OG_CARDS_ENABLED": True,
    "OG_CARDS_SIZE": (1200, 630),
    "OG_CARDS_OUTPUT_DIR": "og",
    "OG_CARDS_LAYOUT": "auto",
    "OG_CARDS_LAYOUTS": {},
    "OG_CARDS_ACCENT": "#00425a",
    "OG_CARDS_CATEGORY_COLOURS": {},
    "OG_CARDS_BACKGROUND": "#f0f4f5",
    "OG_CARDS_TEXT_COLOUR": "#212b32",
    "OG_CARDS_MUTED_COLOUR": "#4c6272",
    "OG_CARDS_FONTS": BOLD_FONTS,
    "OG_CARDS_FONTS_REGULAR": ["NotoSans-Regular.ttf", *BOLD_FONTS],
    "OG_CARDS_MAX_BYTES": 300_000,
    "OG_CARDS_JPEG_QUALITY": 85,
    "OG_CARDS_PNG_COLOURS": 256,
    "OG_CARDS_WORKERS": None,
    "OG_CARDS_START_METHOD": None,
    "OG_CARDS_WORKER_NICE": 10,
    "OG_CARDS_PROGRESS_MIN": 20,
    "OG_CARDS_LOCALE": "en_GB",
    "OG_CARDS_LOCALES": {"cy": "cy_GB", "ar": "ar_AR", "ur": "ur_PK", "he": "he_IL", "hi": "hi_IN"},
    "OG_CARDS_SITE_NAME": None,
    "OG_CARDS_DEFAULT_DESCRIPTION": None,
    "OG_CARDS_DESCRIPTION_LENGTH": 200,
    "OG_CARDS_TWITTER_SITE": "",
    "OG_CARDS_FEDIVERSE_CREATOR": "",
    "OG_CARDS_THEME_COLOUR": None,
    "OG_CARDS_REVIEWED_TEXT": "Reviewed {date}",
    "OG_CARDS_LISTING_TITLES": {},
}
LISTING_TITLES = {
    "archives": "All articles",
    "categories": "Categories",
    "tags": "Topics",
    "authors": "Authors",
    "404": "Page not found",
    "search": "Search",
}
COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")
ARTICLE_LISTS = ("articles", "translations", "drafts", "drafts_translations")
PAGE_LISTS = ("pages", "hidden_pages", "draft_pages", "translations")
PAGE_LISTS += ("hidden_translations", "draft_translations")
SOCIAL_KEYS = ("og_title", "og_description", "og_image", "og_image_alt", "og_image_focus")

_state: dict[str, Any] = {}
LAST_STATS = Stats()


class OgCardsSettingsError(ValueError):
    """A bad OG_CARDS_* setting."""


def _fail(key: str, value: Any, why: str) -> None:
    raise OgCardsSettingsError(f"og_cards: {key}={value!r}: {why}")


def _font_paths(key: str, names: Any) -> list[str]:
    if not isinstance(names, list | tuple) or not names:
        _fail(key, names, "must be a non-empty list of font files")
    paths = []
    for name in names:
        path = Path(name) if Path(name).is_absolute() else FONTS_DIR / name
        if not path.is_file():
            _fail(key, name, f"font file {path} not found")
        paths.append(str(path))
    return paths


def _check_size(opts: dict[str, Any]) -> None:
    size = opts["OG_CARDS_SIZE"]
    ints = isinstance(size, list | tuple) and all(isinstance(v, int) for v in size)
    if not (ints and len(size) == 2):
        _fail("OG_CARDS_SIZE", size, "must be (width, height) in pixels")
    if not (200 <= size[0] <= 4096 and 100 <= size[1] <= 4096):
        _fail("OG_CARDS_SIZE", size, "must be between 200×100 and 4096×4096")
    opts["OG_CARDS_SIZE"] = tuple(size)


def _check_colours(opts: dict[str, Any]) -> None:
    keys = ("ACCENT", "BACKGROUND", "TEXT_COLOUR", "MUTED_COLOUR")
    named = [(f"OG_CARDS_{k}", opts[f"OG_CARDS_{k}"]) for k in keys]
    colours = opts["OG_CARDS_CATEGORY_COLOURS"]
    if not isinstance(colours, dict):
        _fail("OG_CARDS_CATEGORY_COLOURS", colours, "must map category slugs to colours")
    named += [(f"OG_CARDS_CATEGORY_COLOURS[{k!r}]", v) for k, v in colours.items()]
    for key, value in named:
        if not (isinstance(value, str) and COLOUR.match(value)):
            _fail(key, value, "must be a colour like '#00425a'")


def _check_layouts(opts: dict[str, Any]) -> None:
    if not isinstance(opts["OG_CARDS_LAYOUTS"], dict):
        _fail("OG_CARDS_LAYOUTS", opts["OG_CARDS_LAYOUTS"], "must map names to layouts")
    opts["layouts"] = layouts(opts["OG_CARDS_LAYOUTS"])
    for name, layout in opts["layouts"].items():
        if layout.get("format") not in ("png", "jpeg") or "elements" not in layout:
            why = "needs format png|jpeg and elements"
            _fail(f"OG_CARDS_LAYOUTS[{name!r}]", layout.get("format"), why)
    choice = opts["OG_CARDS_LAYOUT"]
    if choice != "auto" and choice not in opts["layouts"]:
        _fail("OG_CARDS_LAYOUT", choice, f"must be auto or one of {sorted(opts['layouts'])}")


def _check_numbers(opts: dict[str, Any]) -> None:
    for key, low, high in (
        ("OG_CARDS_MAX_BYTES", 10_000, 8_000_000),
        ("OG_CARDS_JPEG_QUALITY", 20, 95),
        ("OG_CARDS_PNG_COLOURS", 0, 256),
        ("OG_CARDS_PROGRESS_MIN", 0, 1_000_000),
        ("OG_CARDS_WORKER_NICE", 0, 19),
        ("OG_CARDS_DESCRIPTION_LENGTH", 40, 1000),
    ):
        if not isinstance(opts[key], int) or not low <= opts[key] <= high:
            _fail(key, opts[key], f"must be an integer from {low} to {high}")
    workers = opts["OG_CARDS_WORKERS"]
    if workers is None:
        workers = os.cpu_count() or 1
    if not isinstance(workers, int) or workers < 0:
        why = "must be None (all cores), 0 (no pool) or a positive integer"
        _fail("OG_CARDS_WORKERS", workers, why)
    opts["workers"] = workers
    method = opts["OG_CARDS_START_METHOD"]
    if method not in (None, "fork", "forkserver", "spawn"):
        _fail("OG_CARDS_START_METHOD", method, "must be None, fork, forkserver or spawn")


def get_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """Return a new dict of validated og_cards settings (defaults filled in) plus derived values."""
    opts = {key: settings.get(key, default) for key, default in DEFAULTS.items()}
    _check_size(opts)
    _check_colours(opts)
    _check_layouts(opts)
    _check_numbers(opts)
    for key in ("OG_CARDS_FONTS", "OG_CARDS_FONTS_REGULAR"):
        opts[key] = _font_paths(key, opts[key])
    if "{date}" not in str(opts["OG_CARDS_REVIEWED_TEXT"]):
        _fail("OG_CARDS_REVIEWED_TEXT", opts["OG_CARDS_REVIEWED_TEXT"], "must contain {date}")
    opts["site_name"] = opts["OG_CARDS_SITE_NAME"] or settings.get("SITENAME", "")
    opts["default_description"] = (
        opts["OG_CARDS_DEFAULT_DESCRIPTION"]
        or settings.get("SITE_TAGLINE")
        or settings.get("SITESUBTITLE")
        or ""
    )
    opts["theme_colour"] = opts["OG_CARDS_THEME_COLOUR"] or opts["OG_CARDS_ACCENT"]
    opts["listing_titles"] = {**LISTING_TITLES, **opts["OG_CARDS_LISTING_TITLES"]}
    opts["default_lang"] = settings.get("DEFAULT_LANG", "en")
    if not isinstance(opts["OG_CARDS_LOCALES"], dict):
        _fail("OG_CARDS_LOCALES", opts["OG_CARDS_LOCALES"], "must map languages to locales")
    opts["SITEURL"] = settings.get("SITEURL", "")
    opts["PATH"] = settings.get("PATH", "")
    return opts


def initialized(pelican: Any) -> None:
    """Validate the settings (once per Pelican object: autoreload then calls run() again)."""
    if "jobs" in _state:  # an earlier build in this process failed before `finalized`
        _state["jobs"].shutdown()
    _state.clear()
    opts = get_settings(pelican.settings)
    _state["opts"] = opts
    _state["cache"] = Path(pelican.settings.get("CACHE_PATH", "cache")) / "og_cards"
    if not opts["OG_CARDS_ENABLED"]:
        return
    if not opts["SITEURL"]:
        logger.error("og_cards: SITEURL is empty; og:url and og:image must be absolute URLs")
    if not textfit.HAS_RAQM:
        logger.warning(
            "og_cards: Pillow has no raqm layout: Arabic, Urdu and Devanagari titles are not shaped"
        )


def _run() -> tuple[dict[str, Any] | None, CardJobs | None]:
    """Return the settings and this run's jobs, starting a run (fresh cache state) if needed."""
    opts = _state.get("opts")
    if not opts or not opts["OG_CARDS_ENABLED"]:
        return None, None
    if "jobs" not in _state:
        reset_run_cache()  # fonts or layouts may have changed since the last autoreload run
        _state["jobs"] = CardJobs(
            _state["cache"],
            opts["workers"],
            opts["OG_CARDS_START_METHOD"],
            opts["OG_CARDS_WORKER_NICE"],
        )
        _state["spent"] = 0.0
    return opts, _state["jobs"]


def check_metadata(generator: Any, metadata: dict[str, Any]) -> None:
    """Reject hyphenated spellings of our metadata keys with a clear message."""
    for key in metadata:
        if "-" in key and key.replace("-", "_") in SOCIAL_KEYS:
            logger.warning(
                "og_cards: %s: metadata key %r must be written %r",
                metadata.get("title", "?"),
                key,
                key.replace("-", "_"),
            )


def _plan_listings(opts: dict[str, Any], jobs: CardJobs, articles_gen: Any) -> dict[str, Any]:
    settings = articles_gen.settings
    listings = {}
    for category, _ in getattr(articles_gen, "categories", []):
        category.og = cards.plan_listing(
            opts, jobs, stem=f"category-{category.slug}", title=category.name, section="Topic",
            description=f"{opts['site_name']}: articles about {category.name}.",
            url=category.url, category_slug=category.slug,
        )  # fmt: skip
    for tag, _ in getattr(articles_gen, "tags", {}).items():
        tag.og = cards.plan_listing(
            opts, jobs, stem=f"tag-{tag.slug}", title=tag.name, section="Topic",
            description=f"{opts['site_name']}: articles about {tag.name}.", url=tag.url,
        )  # fmt: skip
    for author, _ in getattr(articles_gen, "authors", []):
        author.og = cards.plan_listing(
            opts, jobs, stem=f"author-{author.slug}", title=author.name, section="Author",
            description=f"{opts['site_name']}: articles by {author.name}.", url=author.url,
        )  # fmt: skip
    for name in settings.get("DIRECT_TEMPLATES", ["index"]):
        save_as = settings.get(f"{name.upper()}_SAVE_AS", f"{name}.html")
        if not save_as or not save_as.endswith(".html"):
            continue  # robots.txt and other non-HTML templates have no <head>
        title = opts["listing_titles"].get(name) or opts["default_description"] or opts["site_name"]
        url = "" if name == "index" else settings.get(f"{name.upper()}_URL")
        # Keyed like Pelican's `page_name` for direct templates: "archives/index", "404".
        key = str(PurePosixPath(save_as).with_suffix(""))
        section = "" if name == "index" else opts["site_name"]
        listings[key] = listings[name] = cards.plan_listing(
            opts, jobs, stem=name, title=title, section=section,
            description=opts["default_description"], url=url,
        )  # fmt: skip
    return listings


def content_read(content: Any) -> None:
    """Start rendering each article's or page's card as soon as Pelican has read it.

    Reading is most of a Pelican build; rendering during it keeps the worker processes busy
    while the main process works. The final plan (all_generators_finalized) hashes the card
    again from the finished objects: the same hash reuses this render, a changed one renders anew.
    """
    opts, jobs = _run()
    if opts is None or jobs is None or not jobs.workers:
        return
    from pelican.contents import Article, Page

    og_type = "article" if isinstance(content, Article) else "website"
    if not isinstance(content, Article | Page):
        return
    started = time.perf_counter()
    try:
        cards.prefetch_content(opts, jobs, content, og_type)
    except Exception:  # a failed guess costs nothing: the final plan reports real problems
        logger.debug("og_cards: prefetch failed for %s", content.source_path, exc_info=True)
    _state["spent"] += time.perf_counter() - started


def all_generators_finalized(generators: list[Any]) -> None:
    """Attach `.og` to every article, page and listing and start rendering the missing cards."""
    opts, jobs = _run()
    if opts is None or jobs is None:
        return
    started = time.perf_counter()
    listings: dict[str, Any] = {}
    for generator in generators:
        if isinstance(generator, ArticlesGenerator):
            attrs, og_type = ARTICLE_LISTS, "article"
        elif isinstance(generator, PagesGenerator):
            attrs, og_type = PAGE_LISTS, "website"
        else:
            continue
        for attr in attrs:
            for content in getattr(generator, attr, None) or []:
                content.og = cards.plan_content(opts, jobs, content, og_type)
        if og_type == "article":
            listings.update(_plan_listings(opts, jobs, generator))
    for generator in generators:
        generator.context["og_listings"] = listings
    _state["spent"] += time.perf_counter() - started


def finalized(pelican: Any) -> None:
    """Wait for the renders, place every card in the output and log one summary line."""
    global LAST_STATS  # noqa: PLW0603 - read by tests and the benchmark after a build
    opts, jobs = _run()
    if opts is None or jobs is None:
        return
    started = time.perf_counter()
    output = Path(pelican.settings["OUTPUT_PATH"]) / opts["OG_CARDS_OUTPUT_DIR"]
    LAST_STATS = jobs.finish(output, opts["OG_CARDS_PROGRESS_MIN"])
    if LAST_STATS.wasted:
        logger.debug("og_cards: %d early renders were not used", LAST_STATS.wasted)
    logger.info(
        "og_cards: %d rendered, %d cached in %.1f s",
        LAST_STATS.rendered,
        LAST_STATS.cached,
        _state["spent"] + time.perf_counter() - started,
    )
    del _state["jobs"]  # the next autoreload run starts afresh


def register() -> None:
    """Connect the og_cards receivers to Pelican's signals."""
    signals.initialized.connect(initialized)
    signals.content_object_init.connect(content_read)
    signals.article_generator_context.connect(check_metadata)
    signals.page_generator_context.connect(check_metadata)
    signals.all_generators_finalized.connect(all_generators_finalized)
    signals.finalized.connect(finalized)
