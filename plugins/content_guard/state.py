"""content_guard's settings and its per-run state (one ``GuardRun`` per build)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kernel import markup, memos, runs, settings
from kernel.signals import declared_keys

from .checks import Limits

_FOLDER = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _sections(value: Any) -> dict[str, str]:
    """Accept {folder: section name} with folder names as in URLs (`first-aid`)."""
    found = settings.mapping(value)
    for folder, name in found.items():
        if not isinstance(folder, str) or not _FOLDER.match(folder):
            raise ValueError(f"{folder!r} is not a folder name like 'first-aid'")
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"the section of {folder!r} needs a name like 'First aid'")
    return found


SETTINGS = (
    settings.Setting(
        "CONTENT_GUARD_ENABLED", True, "apply content_guard's rules", settings.boolean
    ),
    settings.Setting(
        "CONTENT_GUARD_KNOWN_KEYS", [], "extra metadata keys writers may use", settings.strings
    ),
    settings.Setting(
        "CONTENT_GUARD_SUMMARY_MAX", 160, "longest summary, in characters",
        settings.integer(40, 1000),
    ),
    settings.Setting(
        "CONTENT_GUARD_TITLE_MAX", 90, "longest title (and og_title), in characters",
        settings.integer(20, 300),
    ),
    settings.Setting(
        "CONTENT_GUARD_TAGS_MIN", 2, "fewest tags an article has", settings.integer(0, 20)
    ),
    settings.Setting(
        "CONTENT_GUARD_TAGS_MAX", 5, "most tags an article has", settings.integer(1, 50)
    ),
    settings.Setting(
        "CONTENT_GUARD_SECTIONS", {},
        "the site's sections, {folder: name}; empty: every folder under the article paths",
        _sections,
    ),
)  # fmt: skip


def get_settings(pelican_settings: Mapping[str, Any]) -> dict[str, Any]:
    """Return content_guard's settings, checked (SettingsError names a bad one)."""
    found = settings.read(pelican_settings, SETTINGS)
    if found["CONTENT_GUARD_TAGS_MIN"] > found["CONTENT_GUARD_TAGS_MAX"]:
        raise settings.SettingsError(
            "CONTENT_GUARD_TAGS_MIN", found["CONTENT_GUARD_TAGS_MIN"],
            "must not be more than CONTENT_GUARD_TAGS_MAX",
        )  # fmt: skip
    return found


def limits_of(config: Mapping[str, Any]) -> Limits:
    """Return the rules' numbers from content_guard's settings."""
    return Limits(
        summary_max=config["CONTENT_GUARD_SUMMARY_MAX"],
        title_max=config["CONTENT_GUARD_TITLE_MAX"],
        tags=(config["CONTENT_GUARD_TAGS_MIN"], config["CONTENT_GUARD_TAGS_MAX"]),
        sections=config["CONTENT_GUARD_SECTIONS"],
    )


@dataclass
class GuardRun:
    """One build: settings, the keys declared as dates, and who writes where."""

    config: dict[str, Any]
    date_keys: frozenset[str]
    limits: Limits
    settings: Mapping[str, Any] = field(default_factory=dict)
    generators: list[Any] = field(default_factory=list)
    # Output path -> the content written there (articles first, then pages).
    claims: dict[str, Any] = field(default_factory=dict)
    url_claims: dict[str, Any] = field(default_factory=dict)
    categories: set[Any] = field(default_factory=set)
    tags: set[Any] = field(default_factory=set)
    authors: set[Any] = field(default_factory=set)
    # Bodies found safe by the last builds, by hash: a rebuild checks changed bodies only.
    safe_bodies: memos.ResultMemo | None = None

    @classmethod
    def start(cls, pelican_settings: Mapping[str, Any]) -> GuardRun:
        dates = {k.name for k in declared_keys(pelican_settings).values() if k.kind == "date"}
        config = get_settings(pelican_settings)
        safe = memos.ResultMemo(
            pelican_settings.get("CACHE_PATH"), "content_guard", "safe-bodies",
            version=memos.code_version(markup),
        )  # fmt: skip
        return cls(config, frozenset(dates), limits_of(config), pelican_settings, safe_bodies=safe)


RUN = runs.RunSlot(GuardRun.start)
