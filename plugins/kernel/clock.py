"""Dates: the one "today", ISO 8601 as the only accepted date form, and dates in words.

On a health site a wrong review date is a wrong safety statement, so ``01/11/2026`` is never
guessed at: ``parse_date`` accepts only ISO 8601 (``2026-11-01``, ``2026-11-01 09:30``,
``2026-11-01T09:30+01:00``) and its error names the ISO form the writer probably meant
(day first, as dates are written in the UK).

"Today" is ``SHAREWELL_TODAY`` from the environment, else the setting of the same name,
else the date in the site's ``TIMEZONE``. Every plugin and tool asks ``today()``.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.core import UnknownLocaleError
from babel.dates import format_date as babel_format

TODAY_KEY = "SHAREWELL_TODAY"
ISO_EXAMPLE = "2026-03-15"
ISO_HELP = "write dates as YYYY-MM-DD (e.g. 2026-03-15), optionally with a time: 2026-03-15 09:30"

_ISO = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)(?P<zone>Z|[+-]\d{2}:?\d{2})?)?$"
)
_NUMERIC = re.compile(r"^(\d{1,4})[/.\-\s](\d{1,2})[/.\-\s](\d{1,4})(?:[ T,]+(\d{1,2}[:.]\d{2}))?$")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan", "ionawr"), ("february", "feb", "chwefror"),
            ("march", "mar", "mawrth"), ("april", "apr", "ebrill"), ("may", "mai"),
            ("june", "jun", "mehefin"), ("july", "jul", "gorffennaf"),
            ("august", "aug", "awst"), ("september", "sep", "sept", "medi"),
            ("october", "oct", "hydref"), ("november", "nov", "tachwedd"),
            ("december", "dec", "rhagfyr"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_WORDY = re.compile(
    r"^(?:(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)|([a-z]+)\s+(\d{1,2})(?:st|nd|rd|th)?,?)\s+(\d{4})$"
)


class DateError(ValueError):
    """A value that is not an ISO 8601 date. ``suggestion`` is the ISO form meant, if known."""

    def __init__(self, value: object, reason: str, suggestion: str | None = None) -> None:
        self.value = value
        self.reason = reason
        self.suggestion = suggestion
        super().__init__(f"{value!r} {reason}")

    @property
    def fix(self) -> str:
        """Return the fix to show a writer."""
        if self.suggestion:
            return f"write `{self.suggestion}` if that is the date you mean ({ISO_HELP})"
        return ISO_HELP


def zone(name: str | None) -> dt.tzinfo:
    """Return the time zone called ``name`` (UTC when empty or unknown)."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def _valid(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _numeric_guess(first: int, second: int, third: int, time: str | None) -> str | None:
    if first > 31:  # year first: 2026/11/01
        year, month, day = first, second, third
        if month > 12 and day <= 12:
            day, month = month, day  # 2028-13-01: month and day swapped
    else:  # day first, as written in the UK; a first number over 12 is a day anyway
        day, month, year = first, second, third
        if year < 100:
            year += 2000
        if month > 12 and day <= 12:
            day, month = month, day  # 11/25/2026 was written month first
    guess = _valid(year, month, day)
    if guess is None:
        return None
    return guess.isoformat() + (f" {time.replace('.', ':').zfill(5)}" if time else "")


def suggest_iso(value: str) -> str | None:
    """Return the ISO form a writer probably meant by ``value``, or None."""
    text = " ".join(str(value).strip().lower().replace(",", " ").split())
    numeric = _NUMERIC.match(text)
    if numeric:
        first, second, third = (int(numeric.group(i)) for i in (1, 2, 3))
        return _numeric_guess(first, second, third, numeric.group(4))
    wordy = _WORDY.match(text)
    if wordy:
        day = int(wordy.group(1) or wordy.group(4))
        month = _MONTHS.get(wordy.group(2) or wordy.group(3) or "")
        year = int(wordy.group(5))
        if month and (guess := _valid(year, month, day)):
            return guess.isoformat()
    return None


def parse_date(value: object, *, field: str = "date") -> dt.date | dt.datetime:
    """Return a date (or a datetime when a time is given) from an ISO 8601 value.

    ``date``/``datetime`` objects pass through. Anything else raises DateError whose
    ``suggestion`` is the ISO form the writer probably meant.
    """
    if isinstance(value, dt.datetime | dt.date):
        return value
    text = str(value or "").strip()
    if not text:
        raise DateError(value, "is empty")
    match = _ISO.match(text)
    if not match:
        raise DateError(value, "is not a date in the form YYYY-MM-DD", suggest_iso(text))
    try:
        day = dt.date.fromisoformat(match["date"])
    except ValueError:
        raise DateError(value, "is not a real calendar date", suggest_iso(text)) from None
    if not match["time"]:
        return day
    zone_text = match["zone"]
    if zone_text and zone_text != "Z" and ":" not in zone_text:
        zone_text = f"{zone_text[:3]}:{zone_text[3:]}"
    iso = f"{match['date']}T{match['time']}{'+00:00' if zone_text == 'Z' else zone_text or ''}"
    try:
        return dt.datetime.fromisoformat(iso)
    except ValueError:
        raise DateError(value, "has a time that does not exist", day.isoformat()) from None


def local_date(value: object, timezone: str | None = None) -> dt.date:
    """Return the calendar date of a value in the site's time zone (ISO strings accepted)."""
    parsed = parse_date(value)
    if isinstance(parsed, dt.datetime):
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(zone(timezone))
        return parsed.date()
    return parsed


def today(
    settings: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> dt.date:
    """Return "today": env SHAREWELL_TODAY, else the setting, else the date in TIMEZONE.

    Raises DateError (naming where the value came from) when either is not an ISO date.
    """
    settings = settings or {}
    environ = os.environ if environ is None else environ
    raw = (environ.get(TODAY_KEY) or "").strip()
    where = f"environment variable {TODAY_KEY}"
    if not raw:
        configured = settings.get(TODAY_KEY)
        if isinstance(configured, dt.date):
            return configured.date() if isinstance(configured, dt.datetime) else configured
        raw, where = str(configured or "").strip(), f"setting {TODAY_KEY}"
    if raw:
        try:
            parsed = parse_date(raw)
        except DateError as error:
            raise DateError(raw, f"({where}) {error.reason}", error.suggestion) from None
        return parsed.date() if isinstance(parsed, dt.datetime) else parsed
    return dt.datetime.now(zone(settings.get("TIMEZONE"))).date()


def _babel_locale(lang: str | None) -> str:
    tag = (lang or "en-GB").replace("-", "_")
    return "en_GB" if tag.lower() in ("en", "en_gb") else tag


def format_date(day: dt.date | None, lang: str | None = "en-GB") -> str:
    """Return a date in words in the page's language: ``15 March 2025``, ``15 Mawrth 2025``.

    Independent of the machine's locale (Babel's CLDR data).
    """
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        day = day.date()
    return _long_date(day, str(lang) if lang else None)


@functools.lru_cache(maxsize=8192)
def _long_date(day: dt.date, lang: str | None) -> str:
    # A pure function asked for every date of every listing: Babel takes ~50 µs a date.
    try:
        return babel_format(day, format="long", locale=_babel_locale(lang))
    except (UnknownLocaleError, ValueError):
        return babel_format(day, format="long", locale="en_GB")
