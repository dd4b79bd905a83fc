"""Settings for health_review: defaults and validation (see README.md for each one)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from kernel.settings import SettingsError

NATIONS = ("england", "wales", "scotland", "northern-ireland")
CONTENT_TYPES = ("advice", "news", "campaign")
AUDIENCES = ("public", "clinician")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING")

DEFAULTS: dict[str, Any] = {
    "HEALTH_REVIEW_INTERVAL_YEARS": 3,
    "HEALTH_REVIEW_INTERVAL_DAYS": None,
    "HEALTH_REVIEW_WARN_DAYS": 90,
    "HEALTH_REVIEW_REVIEWERS": {},
    "HEALTH_REVIEW_NATION": "england",
    "HEALTH_REVIEW_DEFAULT_CONTENT_TYPE": "advice",
    "HEALTH_REVIEW_DEFAULT_AUDIENCE": "public",
    "HEALTH_REVIEW_MIN_SOURCES": 1,
    "HEALTH_REVIEW_READABILITY": True,
    "HEALTH_REVIEW_FLESCH_MIN": 60.0,
    "HEALTH_REVIEW_SENTENCE_MAX": 20.0,
    "HEALTH_REVIEW_ADVISORY_FIELDS": ["readability"],
    "HEALTH_REVIEW_ADVISORY_LOG_LEVEL": "INFO",
    "HEALTH_REVIEW_CHECK_LINKS": True,
    "HEALTH_REVIEW_POLICY_URL": "editorial-policy/",
    "HEALTH_REVIEW_PUBLISHER_NAME": None,
    "HEALTH_REVIEW_PUBLISHER_LOGO": None,
    "HEALTH_REVIEW_LANGUAGE": None,
    "HEALTH_REVIEW_CARD_HEADING_LEVEL": "auto",
    "HEALTH_REVIEW_MARKDOWN": True,
}


def _int(key: str, value: Any, minimum: int = 0, *, optional: bool = False) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise SettingsError(key, value, f"must be a whole number of at least {minimum}")
    return value


def _number(key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SettingsError(key, value, "must be a number")
    return float(value)


def _choice(key: str, value: Any, choices: tuple[str, ...]) -> str:
    text = str(value).strip().lower().replace("_", "-").replace(" ", "-")
    if text not in choices:
        raise SettingsError(key, value, f"must be one of {', '.join(choices)}")
    return text


def normalise_reviewers(value: Any) -> dict[str, tuple[str, str]]:
    """Return {key: (name, role)} from a dict of dicts, pairs or "Name, Role" strings."""
    key = "HEALTH_REVIEW_REVIEWERS"
    if not isinstance(value, Mapping):
        raise SettingsError(key, value, "must be a dict of reviewer key -> details")
    reviewers: dict[str, tuple[str, str]] = {}
    for slug, details in value.items():
        if isinstance(details, Mapping):
            name, role = details.get("name"), details.get("role") or details.get("job_title")
        elif isinstance(details, list | tuple) and len(details) == 2:
            name, role = details
        elif isinstance(details, str) and "," in details:
            name, role = (part.strip() for part in details.split(",", 1))
        else:
            name = role = None
        if not (isinstance(name, str) and name.strip() and isinstance(role, str) and role.strip()):
            raise SettingsError(
                f"{key}[{slug!r}]",
                details,
                "must give a name and a role, e.g. "
                "{'name': 'Dr Amira Khan', 'role': 'Consultant in Emergency Medicine'}",
            )
        reviewers[str(slug).strip().lower()] = (name.strip(), role.strip())
    return reviewers


def language_tag(value: str) -> str:
    """Return a BCP 47 tag as schema.org expects it: 'en' / 'en-gb' / 'en_GB' -> 'en-GB'."""
    parts = str(value).replace("_", "-").split("-")
    if parts == ["en"]:
        return "en-GB"
    return "-".join([parts[0].lower(), *(p.upper() if len(p) == 2 else p for p in parts[1:])])


def get_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Return a new dict of validated health_review settings, defaults filled in.

    Raises SettingsError naming the key and the bad value.
    """
    merged = {key: settings.get(key, default) for key, default in DEFAULTS.items()}
    out: dict[str, Any] = dict(merged)
    out["HEALTH_REVIEW_INTERVAL_YEARS"] = _int(
        "HEALTH_REVIEW_INTERVAL_YEARS", merged["HEALTH_REVIEW_INTERVAL_YEARS"], 1
    )
    out["HEALTH_REVIEW_INTERVAL_DAYS"] = _int(
        "HEALTH_REVIEW_INTERVAL_DAYS", merged["HEALTH_REVIEW_INTERVAL_DAYS"], 1, optional=True
    )
    out["HEALTH_REVIEW_WARN_DAYS"] = _int(
        "HEALTH_REVIEW_WARN_DAYS", merged["HEALTH_REVIEW_WARN_DAYS"]
    )
    out["HEALTH_REVIEW_MIN_SOURCES"] = _int(
        "HEALTH_REVIEW_MIN_SOURCES", merged["HEALTH_REVIEW_MIN_SOURCES"]
    )
    for key in ("HEALTH_REVIEW_FLESCH_MIN", "HEALTH_REVIEW_SENTENCE_MAX"):
        out[key] = _number(key, merged[key])
    out["HEALTH_REVIEW_REVIEWERS"] = normalise_reviewers(merged["HEALTH_REVIEW_REVIEWERS"] or {})
    out["HEALTH_REVIEW_NATION"] = _choice(
        "HEALTH_REVIEW_NATION", merged["HEALTH_REVIEW_NATION"], NATIONS
    )
    out["HEALTH_REVIEW_DEFAULT_CONTENT_TYPE"] = _choice(
        "HEALTH_REVIEW_DEFAULT_CONTENT_TYPE",
        merged["HEALTH_REVIEW_DEFAULT_CONTENT_TYPE"],
        CONTENT_TYPES,
    )
    out["HEALTH_REVIEW_DEFAULT_AUDIENCE"] = _choice(
        "HEALTH_REVIEW_DEFAULT_AUDIENCE", merged["HEALTH_REVIEW_DEFAULT_AUDIENCE"], AUDIENCES
    )
    level = str(merged["HEALTH_REVIEW_ADVISORY_LOG_LEVEL"]).upper()
    if level not in LOG_LEVELS:
        raise SettingsError(
            "HEALTH_REVIEW_ADVISORY_LOG_LEVEL",
            merged["HEALTH_REVIEW_ADVISORY_LOG_LEVEL"],
            f"must be one of {', '.join(LOG_LEVELS)}",
        )
    out["HEALTH_REVIEW_ADVISORY_LOG_LEVEL"] = getattr(logging, level)
    fields = merged["HEALTH_REVIEW_ADVISORY_FIELDS"]
    if isinstance(fields, str) or not all(isinstance(f, str) for f in fields):
        raise SettingsError(
            "HEALTH_REVIEW_ADVISORY_FIELDS", fields, "must be a list of field names"
        )
    out["HEALTH_REVIEW_ADVISORY_FIELDS"] = frozenset(fields)
    heading = merged["HEALTH_REVIEW_CARD_HEADING_LEVEL"]
    if heading != "auto" and heading not in (2, 3, 4, 5, 6):
        raise SettingsError("HEALTH_REVIEW_CARD_HEADING_LEVEL", heading, "must be 'auto' or 2-6")
    organisation = settings.get("ORGANISATION") or {}
    out["HEALTH_REVIEW_PUBLISHER_NAME"] = (
        merged["HEALTH_REVIEW_PUBLISHER_NAME"]
        or organisation.get("name")
        or settings.get("SITENAME", "")
    )
    out["HEALTH_REVIEW_PUBLISHER_LOGO"] = merged[
        "HEALTH_REVIEW_PUBLISHER_LOGO"
    ] or organisation.get("logo")
    out["HEALTH_REVIEW_LANGUAGE"] = (
        merged["HEALTH_REVIEW_LANGUAGE"] or settings.get("DEFAULT_LANG") or "en-GB"
    )
    out["HEALTH_REVIEW_LANGUAGE"] = language_tag(out["HEALTH_REVIEW_LANGUAGE"])
    for key in ("HEALTH_REVIEW_READABILITY", "HEALTH_REVIEW_CHECK_LINKS", "HEALTH_REVIEW_MARKDOWN"):
        out[key] = bool(merged[key])
    return out
