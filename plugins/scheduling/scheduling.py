"""scheduling: publish an article on its date, not before, with its card and share text ready.

An article is *scheduled* when its ``date`` falls on a day after "today" (the kernel's
``SHAREWELL_TODAY``, else the date in ``TIMEZONE``), or when it says ``status: scheduled``
and its date has not come yet. A scheduled article is kept out of every list Pelican
writes from (index, categories, tags, authors, archives, feeds) and is not written, so it
is also absent from the sitemap and the share exports. The first build on or after its
date publishes it like any other.

Scheduled articles are the kernel's ``scheduled`` content set (``generator.scheduled_articles``)
and carry ``article.schedule`` (``kernel.contracts.Schedule``). The other plugins prepare
them in advance from that set: og_cards renders their cards into the build's private
folder (never the site), share_snippets attaches their share text. This plugin writes
``scheduled.json`` there, listing each with its future URL, go-live day, card and share
text, for the social media manager and the editor's desk. Their content is checked like
every other file's (content_guard asks every plugin's ``check_source``).

Settings:
    SCHEDULING_ENABLED (bool, default True): switch scheduling off (future dates publish).

Signals: ``initialized`` validates settings and turns Pelican's own WITH_FUTURE_DATES
handling off (our "today" decides); ``article_generator_context`` reads ``status: scheduled``
as published-on-its-date; ``article_generator_pretaxonomy`` moves articles whose day has not
come out of the lists; ``finalized`` writes ``scheduled.json`` in the private folder.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kernel import clock, contents, runs, settings, urls
from kernel.contents import SCHEDULED_ATTR
from kernel.contracts import Schedule
from pelican import signals

from .clock import goes_live_on, is_scheduled

logger = logging.getLogger(__name__)

SETTINGS = (
    settings.Setting(
        "SCHEDULING_ENABLED", True, "hold future-dated articles back", settings.boolean
    ),
)
REQUESTED_KEY = "scheduling_requested"  # set on metadata when the writer said `status: scheduled`
PREVIEW_FILE = "scheduled.json"


def get_settings(pelican_settings: Mapping[str, Any]) -> dict[str, Any]:
    """Return scheduling's settings and "today" (SettingsError/DateError name a bad value)."""
    config = settings.read(pelican_settings, SETTINGS)
    config["today"] = clock.today(pelican_settings)
    return config


@dataclass
class ScheduleRun:
    """One build's "today" and the articles that wait for their day."""

    config: dict[str, Any]
    scheduled: list[Any] = field(default_factory=list)

    @classmethod
    def start(cls, pelican_settings: Mapping[str, Any]) -> ScheduleRun:
        return cls(get_settings(pelican_settings))


RUN = runs.RunSlot(ScheduleRun.start)


# ---- receivers ---------------------------------------------------------------------------
def initialized(pelican: Any) -> None:
    """Validate settings and take over Pelican's future-date handling."""
    config = get_settings(pelican.settings)
    if config["SCHEDULING_ENABLED"]:
        # Pelican would compare dates with the clock itself; our "today" decides instead.
        pelican.settings["WITH_FUTURE_DATES"] = True
    logger.debug("scheduling: today is %s", config["today"].isoformat())


def article_context(generator: Any, metadata: dict) -> None:
    """Read `status: scheduled` as published-on-its-date (Pelican knows no such status)."""
    if not RUN.get(generator.settings).config["SCHEDULING_ENABLED"]:
        return
    if str(metadata.get("status", "")).strip().lower() == "scheduled":
        metadata["status"] = "published"
        metadata[REQUESTED_KEY] = True


def _split(items: list, today: dt.date) -> tuple[list, list]:
    live, waiting = [], []
    for article in items:
        (waiting if is_scheduled(getattr(article, "date", None), today) else live).append(article)
    return live, waiting


def hold_back(generator: Any) -> None:
    """Move articles whose day has not come out of the lists Pelican writes from."""
    state = RUN.get(generator.settings)
    if not state.config["SCHEDULING_ENABLED"]:
        setattr(generator, SCHEDULED_ATTR, [])
        return
    today = state.config["today"]
    generator.articles, waiting = _split(list(generator.articles), today)
    generator.translations, waiting_translations = _split(list(generator.translations), today)
    for article in generator.articles + generator.translations:
        # Reset too: with the content cache an article object survives from an earlier build.
        article.schedule = None
    for article in waiting + waiting_translations:
        article.schedule = Schedule(
            goes_live=goes_live_on(article.date),
            requested=bool(article.metadata.get(REQUESTED_KEY)),
        )
    scheduled = sorted(waiting + waiting_translations, key=lambda a: (a.date, a.source_path))
    setattr(generator, SCHEDULED_ATTR, scheduled)
    generator.context["scheduled_articles"] = scheduled
    generator.context["scheduling_today"] = today
    state.scheduled = scheduled
    if scheduled:
        logger.info(
            "scheduling: %d article(s) scheduled (today is %s): %s",
            len(scheduled),
            today.isoformat(),
            ", ".join(f"{a.slug} on {a.schedule.goes_live.isoformat()}" for a in scheduled),
        )


def preview_entry(article: Any, pelican_settings: Mapping[str, Any], today: dt.date) -> dict:
    """Return what the social media manager needs about one scheduled article (plain data)."""
    og = getattr(article, "og", None)
    share = getattr(article, "share", None)
    card = None
    if og is not None and og.card_file:
        card = {"url": og.image, "file": og.card_file, "alt": og.image_alt}
    return {
        "file": contents.source_display(article, pelican_settings),
        "title": article.title,
        "url": urls.absolute(pelican_settings.get("SITEURL", ""), article.url),
        "goes_live": article.schedule.goes_live.isoformat(),
        "days_left": (article.schedule.goes_live - today).days,
        "status": "scheduled",
        "card": card,
        "share": share.record() if share is not None else None,
    }


def write_previews(pelican: Any) -> None:
    """Write ``scheduled.json`` in the build's private folder (never part of the site)."""
    state = RUN.peek()
    RUN.drop()
    if state is None or not state.config["SCHEDULING_ENABLED"]:
        return
    folder = contents.private_folder(pelican.settings)
    folder.mkdir(parents=True, exist_ok=True)
    data = {
        "version": 2,
        "today": state.config["today"].isoformat(),
        "articles": [
            preview_entry(article, pelican.settings, state.config["today"])
            for article in state.scheduled
        ],
    }
    (folder / PREVIEW_FILE).write_text(
        json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8"
    )


def register() -> None:
    """Connect scheduling to Pelican's signals."""
    runs.watch()
    signals.initialized.connect(initialized)
    signals.article_generator_context.connect(article_context)
    signals.article_generator_pretaxonomy.connect(hold_back)
    signals.finalized.connect(write_previews)
