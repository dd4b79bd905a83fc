"""Review-date arithmetic (pure functions, no Pelican objects).

Dates in metadata are calendar dates. A value with a time and a UTC offset is
converted to the site's time zone before its date is taken, so
``2025-03-15T23:30-02:00`` is reviewed on 16 March in London. "Today" is the
date in the site's time zone, or ``HEALTH_REVIEW_TODAY`` when set (tests, reports).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

STATUS_CURRENT = "current"
STATUS_DUE_SOON = "due-soon"
STATUS_OVERDUE = "overdue"
STATUS_UNREVIEWED = "unreviewed"
STATUS_NOT_APPLICABLE = "not-applicable"


def _zone(timezone: str | None) -> dt.tzinfo:
    try:
        return ZoneInfo(timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def to_date(value: object, timezone: str | None = None) -> dt.date:
    """Return the calendar date of a date, datetime or ISO string in the site's zone.

    Raises ValueError for anything that is not a date.
    """
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(_zone(timezone))
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"not a date: {value!r}")
    text = value.strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    # Lazy import: pure unit tests need no Pelican; get_date also reads "15 March 2025".
    from pelican.utils import get_date

    try:
        return to_date(get_date(text.replace("_", " ")), timezone)
    except (ValueError, OverflowError, TypeError) as error:
        raise ValueError(f"not a date: {value!r}") from error


def add_years(day: dt.date, years: int) -> dt.date:
    """Return the same calendar day ``years`` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def default_next_review(
    last_reviewed: dt.date, interval_years: int = 3, interval_days: int | None = None
) -> dt.date:
    """Return when a page reviewed on ``last_reviewed`` is due again."""
    if interval_days is not None:
        return last_reviewed + dt.timedelta(days=interval_days)
    return add_years(last_reviewed, interval_years)


def today_in(timezone: str | None, override: object = None) -> dt.date:
    """Return today's date in ``timezone``, or the override (HEALTH_REVIEW_TODAY)."""
    if override not in (None, ""):
        return to_date(override, timezone)
    return dt.datetime.now(_zone(timezone)).date()


def review_status(
    next_review: dt.date | None, today: dt.date, warn_days: int
) -> tuple[str, int | None]:
    """Return (status, days_left) for a review due on ``next_review``."""
    if next_review is None:
        return STATUS_UNREVIEWED, None
    days_left = (next_review - today).days
    if days_left < 0:
        return STATUS_OVERDUE, days_left
    if days_left <= warn_days:
        return STATUS_DUE_SOON, days_left
    return STATUS_CURRENT, days_left


def format_date_gb(day: dt.date | None) -> str:
    """Return '15 March 2025' (en-GB, independent of the machine's locale)."""
    if day is None:
        return ""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
