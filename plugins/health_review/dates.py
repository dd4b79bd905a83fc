"""Review-date arithmetic (pure functions, no Pelican objects).

Dates in metadata are calendar dates. A value with a time and a UTC offset is
converted to the site's time zone before its date is taken, so
``2025-03-15T23:30-02:00`` is reviewed on 16 March in London. "Today" is the
kernel's: ``SHAREWELL_TODAY``, else the date in the site's time zone.
"""

from __future__ import annotations

import datetime as dt

from kernel import clock

STATUS_CURRENT = "current"
STATUS_DUE_SOON = "due-soon"
STATUS_OVERDUE = "overdue"
STATUS_UNREVIEWED = "unreviewed"
STATUS_NOT_APPLICABLE = "not-applicable"


def to_date(value: object, timezone: str | None = None) -> dt.date:
    """Return the calendar date of a date, datetime or ISO 8601 string in the site's zone.

    Raises ValueError (kernel.clock.DateError) for anything that is not an ISO date.
    """
    return clock.local_date(value, timezone)


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
