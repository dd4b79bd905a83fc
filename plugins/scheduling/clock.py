"""The one place that decides what "today" is for scheduling and the editor's tools.

``SHAREWELL_TODAY`` (a setting, ``YYYY-MM-DD``) fixes the date, for tests and for
previewing what a later build will publish; the environment variable of the same
name overrides the setting. Without either, today is the date in ``TIMEZONE``.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

TODAY_KEY = "SHAREWELL_TODAY"


class TodayError(ValueError):
    """SHAREWELL_TODAY holds something that is not a date (the message names it)."""


def parse_day(value: object, source: str = TODAY_KEY) -> dt.date:
    """Return a date from a date, datetime or ``YYYY-MM-DD`` string; raise TodayError."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError as error:
        raise TodayError(
            f"{source}={value!r} is not a date: write it as YYYY-MM-DD, e.g. 2026-03-15"
        ) from error


def _zone(timezone: str | None) -> dt.tzinfo:
    try:
        return ZoneInfo(timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def get_today(
    settings: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> dt.date:
    """Return "today": env SHAREWELL_TODAY, else the setting, else the date in TIMEZONE."""
    settings = settings or {}
    environ = os.environ if environ is None else environ
    raw = environ.get(TODAY_KEY, "").strip()
    if raw:
        return parse_day(raw, f"environment variable {TODAY_KEY}")
    configured = settings.get(TODAY_KEY)
    if configured not in (None, ""):
        return parse_day(configured)
    return dt.datetime.now(_zone(settings.get("TIMEZONE"))).date()


def goes_live_on(date: dt.datetime | dt.date) -> dt.date:
    """Return the day an article dated ``date`` is first published (its local date)."""
    return date.date() if isinstance(date, dt.datetime) else date


def is_scheduled(date: dt.datetime | dt.date | None, today: dt.date) -> bool:
    """Return True when an article with this date must wait: its day is after today."""
    return date is not None and goes_live_on(date) > today
