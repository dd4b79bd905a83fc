"""scheduling: publish an article on its date, not before, with its card and share text ready.

An article is *scheduled* when its ``date`` falls on a day after "today" (see clock.py),
or when it says ``status: scheduled`` and its date has not come yet. A scheduled article
is kept out of every list Pelican writes from (index, categories, tags, authors,
archives, feeds) and is not written at all, so it is also absent from the sitemap and
the share exports. The first build on or after its date publishes it like any other.

Its link-preview card and share snippets are prepared in advance in a private folder
that is never part of the site (``SCHEDULING_PREVIEW_PATH``): ``scheduled.json`` lists
each article with its future URL, go-live day and share text, and ``og/`` holds its card.
Scheduled articles get the same content checks as the pre-commit hook, so problems are
found before the day, not on it.

Settings:
    SHAREWELL_TODAY (str "YYYY-MM-DD" or None, default None): pretend today is this day;
        the environment variable SHAREWELL_TODAY overrides it. None: today in TIMEZONE.
    SCHEDULING_ENABLED (bool, default True): switch scheduling off (future dates publish).
    SCHEDULING_PREVIEW_PATH (str or None, default None -> CACHE_PATH/scheduled): the
        private folder for scheduled.json and the cards; "" writes nothing.
    SCHEDULING_CHECK (bool, default True): check scheduled articles like the pre-commit hook.

Signals: ``initialized`` validates settings, fixes today and turns Pelican's own
WITH_FUTURE_DATES handling off (we decide); ``article_generator_context`` maps
``status: scheduled`` to published; ``article_generator_pretaxonomy`` moves articles
whose day has not come out of the lists; ``all_generators_finalized`` prepares cards,
share text and checks; ``finalized`` writes the private preview folder.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import Any

from pelican import signals

from .clock import TODAY_KEY, TodayError, get_today, goes_live_on, is_scheduled

logger = logging.getLogger(__name__)

DEFAULTS: dict[str, Any] = {
    TODAY_KEY: None,
    "SCHEDULING_ENABLED": True,
    "SCHEDULING_PREVIEW_PATH": None,
    "SCHEDULING_CHECK": True,
}
REQUESTED_KEY = "scheduling_requested"  # set on metadata when the writer said `status: scheduled`

# Per-run state; reset in `initialized` (autoreload runs Pelican again in-process).
STATE: dict[str, Any] = {"config": None, "today": None, "scheduled": [], "previews": []}


class SchedulingConfigError(ValueError):
    """A scheduling setting has a bad value (the message names the key and the value)."""


def get_settings(settings: dict) -> dict[str, Any]:
    """Return a new dict of validated scheduling settings with defaults and "today"."""
    config = {key: settings.get(key, default) for key, default in DEFAULTS.items()}
    for key in ("SCHEDULING_ENABLED", "SCHEDULING_CHECK"):
        if not isinstance(config[key], bool):
            raise SchedulingConfigError(f"{key} must be True or False, not {config[key]!r}")
    preview = config["SCHEDULING_PREVIEW_PATH"]
    if preview is None:
        preview = str(Path(settings.get("CACHE_PATH") or "cache") / "scheduled")
    elif not isinstance(preview, str):
        raise SchedulingConfigError(
            f"SCHEDULING_PREVIEW_PATH must be a folder path or '', not {preview!r}"
        )
    config["SCHEDULING_PREVIEW_PATH"] = preview
    try:
        config["today"] = get_today(settings)
    except TodayError as error:
        raise SchedulingConfigError(str(error)) from error
    return config


def _plugin_active(settings: dict, name: str) -> bool:
    return any(
        str(getattr(p, "__name__", p)).split(".")[-1] == name for p in settings.get("PLUGINS") or []
    )


# ---- receivers ---------------------------------------------------------------------------
def initialized(pelican: Any) -> None:
    """Validate settings, fix "today" and take over Pelican's future-date handling."""
    try:
        config = get_settings(pelican.settings)
    except SchedulingConfigError as error:
        logger.error("scheduling: %s", error)
        raise
    STATE.update(config=config, today=config["today"], scheduled=[], previews=[])
    if config["SCHEDULING_ENABLED"]:
        # Pelican would compare dates with the clock itself; our "today" decides instead.
        pelican.settings["WITH_FUTURE_DATES"] = True
    logger.debug("scheduling: today is %s", config["today"].isoformat())


def _config(settings: dict) -> dict[str, Any]:
    if STATE["config"] is None:
        STATE["config"] = get_settings(settings)
        STATE["today"] = STATE["config"]["today"]
    return STATE["config"]


def article_context(generator: Any, metadata: dict) -> None:
    """Read `status: scheduled` as published-on-its-date (Pelican knows no such status)."""
    if not _config(generator.settings)["SCHEDULING_ENABLED"]:
        return
    if str(metadata.get("status", "")).strip().lower() == "scheduled":
        metadata["status"] = "published"
        metadata[REQUESTED_KEY] = True


def _split(items: list, today) -> tuple[list, list]:
    live, waiting = [], []
    for article in items:
        (waiting if is_scheduled(getattr(article, "date", None), today) else live).append(article)
    return live, waiting


def hold_back(generator: Any) -> None:
    """Move articles whose day has not come out of the lists Pelican writes from."""
    config = _config(generator.settings)
    if not config["SCHEDULING_ENABLED"]:
        return
    today = config["today"]
    generator.articles, waiting = _split(list(generator.articles), today)
    generator.translations, waiting_translations = _split(list(generator.translations), today)
    for article in generator.articles + generator.translations:
        # Reset too: with LOAD_CONTENT_CACHE an article object survives from an earlier build.
        article.scheduled_for = None
        article.is_scheduled = False
    for article in waiting + waiting_translations:
        article.scheduled_for = goes_live_on(article.date)
        article.is_scheduled = True
    scheduled = sorted(waiting + waiting_translations, key=lambda a: (a.date, a.source_path))
    generator.scheduled_articles = scheduled
    generator.context["scheduled_articles"] = scheduled
    generator.context["scheduling_today"] = today
    STATE["scheduled"] = scheduled
    if scheduled:
        logger.info(
            "scheduling: %d article(s) scheduled (today is %s): %s",
            len(scheduled),
            today.isoformat(),
            ", ".join(f"{a.slug} on {a.scheduled_for.isoformat()}" for a in scheduled),
        )


def _display(source_path: str) -> str:
    from os.path import relpath

    relative = relpath(source_path)
    return source_path if relative.startswith("..") else Path(relative).as_posix()


def _check(article: Any, settings: dict) -> None:
    try:
        from content_guard.precommit import check_text
        from content_guard.problems import log_problem
    except ImportError:  # pragma: no cover - content_guard ships with the site
        return
    path = Path(article.source_path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return
    # The header itself is checked by content_guard for every file; not twice.
    for problem in check_text(
        text, _display(article.source_path), settings=settings, is_article=True, header=False
    ):
        log_problem(logger, problem)


def _card(article: Any, settings: dict, jobs_box: dict) -> dict | None:
    """Plan the article's og card with og_cards' own code, into our private cache."""
    if not _plugin_active(settings, "og_cards"):
        return None
    try:
        from og_cards import cards
        from og_cards.jobs import CardJobs
        from og_cards.og_cards import get_settings as og_settings
    except ImportError:
        return None
    opts = og_settings(settings)
    if not opts.get("OG_CARDS_ENABLED", True):
        return None
    if "jobs" not in jobs_box:
        cache = Path(settings.get("CACHE_PATH") or "cache") / "scheduling" / "og_cards"
        jobs_box["jobs"] = CardJobs(cache, 0)  # in-process: a handful of cards at most
    og = cards.plan_content(opts, jobs_box["jobs"], article, "article")
    article.og = og
    return og


def _share(article: Any, settings: dict) -> dict | None:
    """Return the share_snippets export record the article will have on its day."""
    if not _plugin_active(settings, "share_snippets"):
        return None
    try:
        from share_snippets.data import ShareData
        from share_snippets.share_snippets import get_settings as share_settings
    except ImportError:
        return None
    article.share = ShareData(article, share_settings(settings), settings.get("SITEURL", ""))
    return article.share.record()


def prepare(generators: list) -> None:
    """Prepare each scheduled article's card and share text, and check it."""
    if not generators or not STATE["scheduled"]:
        return
    settings = generators[0].settings
    config = _config(settings)
    jobs_box: dict[str, Any] = {}
    previews = []
    for article in STATE["scheduled"]:
        if config["SCHEDULING_CHECK"]:
            _check(article, settings)
        entry: dict[str, Any] = {
            "file": _display(article.source_path),
            "title": article.title,
            "url": f"{settings.get('SITEURL', '').rstrip('/')}/{article.url}",
            "goes_live": article.scheduled_for.isoformat(),
            "days_left": (article.scheduled_for - config["today"]).days,
            "status": "scheduled",
            "card": None,
            "share": None,
        }
        try:
            og = _card(article, settings, jobs_box)
            if isinstance(og, dict) and og.get("image"):
                name = str(og["image"]).rsplit("/", 1)[-1]
                # The public URL it will have; the file is in this private folder's og/.
                entry["card"] = {"url": og["image"], "file": f"og/{name}", "alt": og["image_alt"]}
            entry["share"] = _share(article, settings)
        except Exception as error:  # a preview must never break the real build
            logger.info("scheduling: %s: preview not prepared (%s)", entry["file"], error)
        previews.append(entry)
    STATE["previews"] = previews
    STATE["jobs"] = jobs_box.get("jobs")


def write_previews(pelican: Any) -> None:
    """Write the private preview folder: scheduled.json and og/ with the cards."""
    config = STATE["config"] or _config(pelican.settings)
    folder = config["SCHEDULING_PREVIEW_PATH"]
    jobs = STATE.pop("jobs", None)
    if not config["SCHEDULING_ENABLED"] or not folder:
        return
    folder = Path(folder)
    output = Path(pelican.settings["OUTPUT_PATH"]).resolve()
    if folder.resolve() == output or output in folder.resolve().parents:
        logger.error("scheduling: SCHEDULING_PREVIEW_PATH %s is inside the site output", folder)
        return
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    if jobs is not None:
        try:
            jobs.finish(folder / "og", progress_min=10_000)
        except Exception as error:
            logger.info("scheduling: cards not rendered (%s)", error)
    data = {
        "version": 1,
        "today": config["today"].isoformat(),
        "articles": STATE["previews"],
    }
    (folder / "scheduled.json").write_text(
        json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8"
    )
    STATE["previews"] = []


def register() -> None:
    """Connect scheduling to Pelican's signals."""
    signals.initialized.connect(initialized)
    signals.article_generator_context.connect(article_context)
    signals.article_generator_pretaxonomy.connect(hold_back)
    signals.all_generators_finalized.connect(prepare)
    signals.finalized.connect(write_previews)
