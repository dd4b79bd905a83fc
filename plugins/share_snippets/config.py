"""share_snippets settings: read and checked in one place, with their defaults.

Settings (all optional; see README.md):
    SHARE_SNIPPETS_NETWORKS          enabled networks, in display order (default: all 12)
    SHARE_SNIPPETS_UTM               add utm_* campaign parameters to shared URLs (True)
    SHARE_SNIPPETS_UTM_MEDIUM        utm_medium value ("social")
    SHARE_SNIPPETS_UTM_CAMPAIGN      utm_campaign template, {slug} {category} {lang} ("{slug}")
    SHARE_SNIPPETS_HASHTAGS_MAX      hashtags per post, from tags or `hashtags` metadata (3)
    SHARE_SNIPPETS_X_VIA             X handle added as "via @handle" ("")
    SHARE_SNIPPETS_MASTODON_LIMIT    Mastodon character limit (500)
    SHARE_SNIPPETS_TARGET            link target, e.g. "_blank" (None: same tab)
    SHARE_SNIPPETS_DEFAULT_IMAGE     card image when an article has none (None)
    SHARE_SNIPPETS_KIT               write a share kit page per article (True)
    SHARE_SNIPPETS_KIT_URL           kit page URL ("share-kit/{category}/{slug}/")
    SHARE_SNIPPETS_KIT_SAVE_AS       kit page file ("share-kit/{category}/{slug}/index.html")
    SHARE_SNIPPETS_EXPORT            write share/snippets.json and CSVs (True)
    SHARE_SNIPPETS_EXPORT_DIR        export folder in the build's private folder ("share");
                                     kits and exports are never published (kernel
                                     contents.private_folder: "<OUTPUT_PATH>-private")
    SHARE_SNIPPETS_SCHEDULE_START    first slot "YYYY-MM-DD HH:MM" in TIMEZONE (None: 09:00
                                     tomorrow)
    SHARE_SNIPPETS_SCHEDULE_SPACING  minutes between scheduled posts, >= 10 (60)
    SHARE_SNIPPETS_SCHEDULE_NETWORKS networks with a scheduler CSV (x bluesky mastodon
                                     threads facebook linkedin, if enabled)
    SHARE_SNIPPETS_SCHEDULE_MAX_ROWS rows per scheduler CSV, 1..350 (350)
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from datetime import tzinfo as dt_tzinfo
from pathlib import Path
from typing import Any

from kernel import clock
from kernel.settings import SettingsError

from .export import MAX_SCHEDULER_ROWS, MIN_SPACING_MINUTES
from .networks import DEFAULT_NETWORKS, NETWORKS

DEFAULTS: dict[str, Any] = {
    "SHARE_SNIPPETS_NETWORKS": list(DEFAULT_NETWORKS),
    "SHARE_SNIPPETS_UTM": True,
    "SHARE_SNIPPETS_UTM_MEDIUM": "social",
    "SHARE_SNIPPETS_UTM_CAMPAIGN": "{slug}",
    "SHARE_SNIPPETS_HASHTAGS_MAX": 3,
    "SHARE_SNIPPETS_X_VIA": "",
    "SHARE_SNIPPETS_MASTODON_LIMIT": 500,
    "SHARE_SNIPPETS_TARGET": None,
    "SHARE_SNIPPETS_DEFAULT_IMAGE": None,
    "SHARE_SNIPPETS_KIT": True,
    "SHARE_SNIPPETS_KIT_URL": "share-kit/{category}/{slug}/",
    "SHARE_SNIPPETS_KIT_SAVE_AS": "share-kit/{category}/{slug}/index.html",
    "SHARE_SNIPPETS_EXPORT": True,
    "SHARE_SNIPPETS_EXPORT_DIR": "share",
    "SHARE_SNIPPETS_SCHEDULE_START": None,
    "SHARE_SNIPPETS_SCHEDULE_SPACING": 60,
    "SHARE_SNIPPETS_SCHEDULE_NETWORKS": ["x", "bluesky", "mastodon", "threads", "facebook",
                                         "linkedin"],
    "SHARE_SNIPPETS_SCHEDULE_MAX_ROWS": MAX_SCHEDULER_ROWS,
}  # fmt: skip

_FIELDS = {"slug", "category", "lang"}
_HANDLE = re.compile(r"^[A-Za-z0-9_]{1,15}$")
_SCHEDULED_NETWORK_KINDS = {"link", "mastodon"}


def _fail(key: str, value: Any, why: str) -> None:
    raise SettingsError(key, value, why)


def _check_template(key: str, value: Any) -> None:
    if not isinstance(value, str) or not value:
        _fail(key, value, "must be a non-empty string")
    names = set(re.findall(r"{(\w*)}", value))
    if names - _FIELDS:
        _fail(key, value, f"unknown field(s) {sorted(names - _FIELDS)}; use {sorted(_FIELDS)}")


def _check_networks(key: str, value: Any, allowed: set[str] | None = None) -> list[str]:
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, list | tuple):
        _fail(key, value, "must be a list of network names")
    names = [str(v).strip().lower() for v in value]
    for name in names:
        if name not in NETWORKS:
            _fail(key, value, f"unknown network {name!r}; known: {', '.join(NETWORKS)}")
        if allowed is not None and name not in allowed:
            _fail(key, value, f"network {name!r} cannot be scheduled")
    if len(set(names)) != len(names):
        _fail(key, value, "lists a network twice")
    return names


def _check_int(key: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        _fail(key, value, f"must be an integer from {low} to {high}")
    return value


def get_settings(settings: dict) -> dict[str, Any]:
    """Return a new validated dict of share_snippets settings with defaults applied."""
    s = {key: settings.get(key, default) for key, default in DEFAULTS.items()}
    s["SHARE_SNIPPETS_NETWORKS"] = _check_networks(
        "SHARE_SNIPPETS_NETWORKS", s["SHARE_SNIPPETS_NETWORKS"]
    )
    schedulable = {k for k, n in NETWORKS.items() if n.kind in _SCHEDULED_NETWORK_KINDS}
    sched = _check_networks(
        "SHARE_SNIPPETS_SCHEDULE_NETWORKS", s["SHARE_SNIPPETS_SCHEDULE_NETWORKS"], schedulable
    )
    # Networks that are not enabled get no scheduler CSV (the default lists six).
    s["SHARE_SNIPPETS_SCHEDULE_NETWORKS"] = [k for k in sched if k in s["SHARE_SNIPPETS_NETWORKS"]]
    for key in ("SHARE_SNIPPETS_UTM", "SHARE_SNIPPETS_KIT", "SHARE_SNIPPETS_EXPORT"):
        if not isinstance(s[key], bool):
            _fail(key, s[key], "must be True or False")
    if not isinstance(s["SHARE_SNIPPETS_UTM_MEDIUM"], str) or not s["SHARE_SNIPPETS_UTM_MEDIUM"]:
        _fail("SHARE_SNIPPETS_UTM_MEDIUM", s["SHARE_SNIPPETS_UTM_MEDIUM"], "must be a string")
    for key in ("SHARE_SNIPPETS_UTM_CAMPAIGN", "SHARE_SNIPPETS_KIT_URL",
                "SHARE_SNIPPETS_KIT_SAVE_AS"):  # fmt: skip
        _check_template(key, s[key])
    _check_int("SHARE_SNIPPETS_HASHTAGS_MAX", s["SHARE_SNIPPETS_HASHTAGS_MAX"], 0, 10)
    _check_int("SHARE_SNIPPETS_MASTODON_LIMIT", s["SHARE_SNIPPETS_MASTODON_LIMIT"], 100, 100_000)
    _check_int(
        "SHARE_SNIPPETS_SCHEDULE_SPACING", s["SHARE_SNIPPETS_SCHEDULE_SPACING"],
        MIN_SPACING_MINUTES, 7 * 24 * 60,
    )  # fmt: skip
    _check_int(
        "SHARE_SNIPPETS_SCHEDULE_MAX_ROWS", s["SHARE_SNIPPETS_SCHEDULE_MAX_ROWS"],
        1, MAX_SCHEDULER_ROWS,
    )  # fmt: skip
    via = s["SHARE_SNIPPETS_X_VIA"] or ""
    via = via.lstrip("@") if isinstance(via, str) else via
    if via and not (isinstance(via, str) and _HANDLE.match(via)):
        _fail("SHARE_SNIPPETS_X_VIA", s["SHARE_SNIPPETS_X_VIA"], "must be an X handle")
    s["SHARE_SNIPPETS_X_VIA"] = via
    target = s["SHARE_SNIPPETS_TARGET"]
    if target is not None and not (isinstance(target, str) and re.match(r"^_?\w+$", target)):
        _fail("SHARE_SNIPPETS_TARGET", target, "must be None or a target name like '_blank'")
    export_dir = s["SHARE_SNIPPETS_EXPORT_DIR"]
    if not isinstance(export_dir, str) or ".." in Path(export_dir).parts or export_dir[:1] == "/":
        _fail("SHARE_SNIPPETS_EXPORT_DIR", export_dir, "must be a relative folder")
    start = s["SHARE_SNIPPETS_SCHEDULE_START"]
    if isinstance(start, str):
        try:
            s["SHARE_SNIPPETS_SCHEDULE_START"] = datetime.strptime(start, "%Y-%m-%d %H:%M")
        except ValueError:
            _fail("SHARE_SNIPPETS_SCHEDULE_START", start, "must look like 2026-01-31 09:00")
    elif start is not None and not isinstance(start, datetime):
        _fail("SHARE_SNIPPETS_SCHEDULE_START", start, "must be None or 'YYYY-MM-DD HH:MM'")
    return s


def _tz(settings: dict) -> dt_tzinfo:
    return clock.zone(settings.get("TIMEZONE"))


def schedule_start(config: dict, settings: dict, now: datetime | None = None) -> datetime:
    """Return the first scheduler slot (timezone-aware when TIMEZONE is known)."""
    tz = _tz(settings)
    start = config["SHARE_SNIPPETS_SCHEDULE_START"]
    if start is None:
        # Default: 09:00 tomorrow (site time zone), so a fresh export is ready to import.
        now = now or datetime.now(tz)
        start = datetime.combine(now.date() + timedelta(days=1), time(9, 0))
    if start.tzinfo is None:
        start = start.replace(tzinfo=tz)
    return start
