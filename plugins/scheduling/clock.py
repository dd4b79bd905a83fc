"""When a scheduled article goes live (pure functions). "Today" is the kernel's."""

from __future__ import annotations

import datetime as dt


def goes_live_on(date: dt.datetime | dt.date) -> dt.date:
    """Return the day an article dated ``date`` is first published (its local date)."""
    return date.date() if isinstance(date, dt.datetime) else date


def is_scheduled(date: dt.datetime | dt.date | None, today: dt.date) -> bool:
    """Return True when an article with this date must wait: its day is after today."""
    return date is not None and goes_live_on(date) > today
