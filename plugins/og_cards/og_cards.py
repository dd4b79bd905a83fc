"""og_cards: link-preview metadata and 1200×630 card images for every article, page and listing.

Settings (all optional; see README.md for details):

- OG_CARDS_ENABLED (True): turn the plugin off without removing it from PLUGINS.
- OG_CARDS_SIZE ((1200, 630)): card size in pixels; layouts are scaled from 1200×630.
- OG_CARDS_OUTPUT_DIR ("og"): output folder of the cards (URL /og/<slug>-<hash8>.<ext>).
- OG_CARDS_LAYOUT ("auto"): "auto" (photo if the article has `image`, else text) or a layout name.
- OG_CARDS_LAYOUTS ({}): extra or replacement layouts, same shape as layouts.py.
- OG_CARDS_CATEGORY_LAYOUTS ({}): category slug -> layout for that section's articles ("auto",
  "text", "photo"...); a photo layout without an article image draws the text card.
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

import json
import logging
import os
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from kernel import contents, problems, runs, sources, workers
from kernel.i18n import N_
from kernel.problems import Problem, Severity
from kernel.settings import SettingsError
from kernel.signals import (
    GeneratedOutput,
    MetadataKey,
    SourceFile,
    check_source,
    generated_outputs,
    metadata_keys,
    output_folder,
)
from pelican import signals
from pelican.contents import Article, Page
from pelican.generators import ArticlesGenerator

from og_cards import cards, textfit
from og_cards.jobs import CardJobs
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
    "OG_CARDS_CATEGORY_LAYOUTS": {},
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
    "OG_CARDS_REVIEWED_TEXT": N_("Reviewed {date}"),
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
KEYS = (
    MetadataKey("og_title", "og_cards", "title in link previews and on the card"),
    MetadataKey("og_description", "og_cards", "description in link previews"),
    MetadataKey("og_image", "og_cards", "an image of your own instead of the card", "path"),
    MetadataKey("og_image_alt", "og_cards", "what og_image shows"),
    MetadataKey("og_image_focus", "og_cards", "the point to keep when cropping: `x,y` in 0-1"),
)
STATS_FILE = "last-build.json"  # CACHE_PATH/og_cards/: the build's report (bench, tests)


def _fail(key: str, value: Any, why: str) -> None:
    raise SettingsError(key, value, why)


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
    choices = opts["OG_CARDS_CATEGORY_LAYOUTS"]
    if not isinstance(choices, dict):
        _fail("OG_CARDS_CATEGORY_LAYOUTS", choices, "must map category slugs to layout names")
    named = [("OG_CARDS_LAYOUT", opts["OG_CARDS_LAYOUT"])]
    named += [(f"OG_CARDS_CATEGORY_LAYOUTS[{k!r}]", v) for k, v in choices.items()]
    for key, choice in named:
        if choice != "auto" and choice not in opts["layouts"]:
            _fail(key, choice, f"must be auto or one of {sorted(opts['layouts'])}")


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
    # What translating the cards' words needs (kernel.i18n, kernel.lang.section_name).
    opts["language_settings"] = {
        key: settings.get(key) for key in ("DEFAULT_LANG", "PATH", "SHAREWELL_SECTION_NAMES")
    }
    return opts


@dataclass
class CardsRun:
    """One build's cards: settings, the render jobs and the time spent in Pelican's process."""

    opts: dict[str, Any]
    cache: Path
    jobs: CardJobs | None = None
    spent: float = 0.0
    listings: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def start(cls, settings: Mapping[str, Any]) -> CardsRun:
        opts = get_settings(settings)
        run = cls(opts, Path(settings.get("CACHE_PATH", "cache")) / "og_cards")
        if opts["OG_CARDS_ENABLED"]:
            reset_run_cache()  # fonts or layouts may have changed since the last autoreload run
            run.jobs = CardJobs(
                run.cache,
                opts["workers"],
                opts["OG_CARDS_START_METHOD"],
                opts["OG_CARDS_WORKER_NICE"],
                # The kernel's pool, shared with readability scores and share texts: one
                # pool for the machine's cores, not one per plugin.
                executor=workers.pool(settings) if opts["workers"] else None,
            )
        return run


RUN = runs.RunSlot(CardsRun.start)


def _active(settings: Mapping[str, Any]) -> CardsRun | None:
    state = RUN.get(settings)
    return state if state.jobs is not None else None


def check_file(source: SourceFile) -> list[Problem]:
    """Return problems with one file's link-preview metadata (pure: the build and pre-commit)."""
    header, found = source.header, []
    root = str(source.settings.get("PATH") or ".")
    for key in ("og_image", "image"):
        value = header.first(key)
        if value and cards.image_path(root, value) is None:
            found.append(
                source.problem(
                    key, f"the image `{value}` is not a file in the content folder",
                    "put the image in content/images/ and write `images/<name>.png`; paths may "
                    "not leave the content folder", source="og_cards",
                )
            )  # fmt: skip
    if header.first("og_image") and not (header.first("og_image_alt") or header.first("image_alt")):
        found.append(
            source.problem(
                "og_image_alt", "`og_image` has no `og_image_alt`",
                "add `og_image_alt:` saying what the image shows", source="og_cards",
                line=header.line_of("og_image"),
            )
        )  # fmt: skip
    focus = header.first("og_image_focus")
    if focus is not None and cards.parse_focus(focus, "") == (0.5, 0.5) and focus.strip() not in (
        "0.5,0.5", "0.5, 0.5", "50%,50%", "50%, 50%",
    ):  # fmt: skip
        found.append(
            source.problem(
                "og_image_focus", f"`{focus}` is not a point `x,y` with x and y from 0 to 1",
                "write e.g. `0.5,0.3` (or `50%,30%`) for the part of the photo to keep",
                severity=Severity.WARNING, source="og_cards",
            )
        )  # fmt: skip
    return found


def declare_keys(settings: Mapping[str, Any]) -> tuple[MetadataKey, ...]:
    """Declare the metadata keys og_cards reads (kernel ``metadata_keys``)."""
    return KEYS


def initialized(pelican: Any) -> None:
    """Validate the settings at start-up (a bad one stops the build, naming it)."""
    opts = get_settings(pelican.settings)
    if not opts["OG_CARDS_ENABLED"]:
        return
    if not opts["SITEURL"]:
        logger.error("og_cards: SITEURL is empty; og:url and og:image must be absolute URLs")
    if not textfit.HAS_RAQM:
        logger.warning(
            "og_cards: Pillow has no raqm layout: Arabic, Urdu and Devanagari titles are not shaped"
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
    if not isinstance(content, Article | Page) or sources.is_left_out(content):
        return  # a file left out of the build (content_guard) never gets a card
    state = _active(content.settings)
    if state is None or state.jobs is None or not state.jobs.workers:
        return
    og_type = "article" if isinstance(content, Article) else "website"
    started = time.perf_counter()
    try:
        cards.prefetch_content(state.opts, state.jobs, content, og_type)
    except Exception:  # a failed guess costs nothing: the final plan reports real problems
        logger.debug("og_cards: prefetch failed for %s", content.source_path, exc_info=True)
    state.spent += time.perf_counter() - started


def _plan(state: CardsRun, content: Any, *, private: bool) -> None:
    og_type = "article" if contents.is_article(content) else "website"
    try:
        content.og = cards.plan_content(state.opts, state.jobs, content, og_type, private=private)
    except Exception as error:  # one page's card never costs the others theirs
        logger.debug("og_cards: %s", content.source_path, exc_info=True)
        content.og = None
        problems.report(
            Problem(
                contents.source_display(content), "og_title",
                "no link preview could be made for this page "
                f"({error.__class__.__name__}: {error})",
                "check the title and og_* fields; report it to the developers if they look right",
                source="og_cards",
            )
        )  # fmt: skip


def all_generators_finalized(generators: list[Any]) -> None:
    """Attach `.og` to every published article, page and listing; start rendering the cards.

    Scheduled articles and drafts get theirs too, rendered into the private folder: the card
    is ready on publication day and nothing about it is in the site before then.
    """
    if not generators:
        return
    state = _active(generators[0].settings)
    if state is None:
        return
    started = time.perf_counter()
    for content in contents.published(generators):
        _plan(state, content, private=False)
    for content in contents.scheduled(generators) + contents.drafts(generators):
        _plan(state, content, private=True)
    listings: dict[str, Any] = {}
    for generator in generators:
        if isinstance(generator, ArticlesGenerator):
            listings.update(_plan_listings(state.opts, state.jobs, generator))
    for generator in generators:
        generator.context["og_listings"] = listings
    state.spent += time.perf_counter() - started


def finalized(pelican: Any) -> None:
    """Wait for the renders, place every card (public or private) and report the build."""
    state = RUN.peek()
    RUN.drop()
    if state is None or state.jobs is None:
        return
    settings = pelican.settings
    started = time.perf_counter()
    output = Path(settings["OUTPUT_PATH"]) / state.opts["OG_CARDS_OUTPUT_DIR"]
    private = contents.private_folder(settings) / state.opts["OG_CARDS_OUTPUT_DIR"]
    stats = state.jobs.finish(output, state.opts["OG_CARDS_PROGRESS_MIN"], private_dir=private)
    root = Path(settings.get("PATH") or ".")
    for source, what in stats.failures:
        problems.report(
            Problem(
                contents.display_path(root / source, settings), "og_title", what,
                "a shorter title, or a photo Pillow can open (PNG or JPEG), usually fixes it",
                severity=Severity.WARNING, source="og_cards",
            )
        )  # fmt: skip
    state.cache.mkdir(parents=True, exist_ok=True)
    (state.cache / STATS_FILE).write_text(json.dumps(stats.as_dict()) + "\n", encoding="utf-8")
    logger.info(
        "og_cards: %d rendered, %d cached in %.1f s",
        stats.rendered,
        stats.cached,
        state.spent + time.perf_counter() - started,
    )


def last_build_stats(cache_path: str | os.PathLike) -> dict[str, int]:
    """Return the counts the last build in ``cache_path`` reported (bench, tests)."""
    return json.loads((Path(cache_path) / "og_cards" / STATS_FILE).read_text(encoding="utf-8"))


def declare_outputs(settings: Mapping[str, Any]) -> tuple[GeneratedOutput, ...]:
    """Declare what og_cards writes into the output (kernel ``generated_outputs``)."""
    return output_folder(
        settings,
        "OG_CARDS_OUTPUT_DIR",
        DEFAULTS["OG_CARDS_OUTPUT_DIR"],
        "og_cards",
        "the link-preview cards",
    )


def register() -> None:
    """Connect the og_cards receivers to Pelican's and the kernel's signals."""
    generated_outputs.connect(declare_outputs)
    runs.watch()
    metadata_keys.connect(declare_keys)
    check_source.connect(check_file)
    signals.initialized.connect(initialized)
    signals.content_object_init.connect(content_read)
    signals.all_generators_finalized.connect(all_generators_finalized)
    signals.finalized.connect(finalized)
