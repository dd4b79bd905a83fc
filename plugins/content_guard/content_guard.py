"""content_guard: every writer's mistake is named (file, line, field, fix), and no single file
can take the site down.

The kernel asks every plugin's ``check_source`` about each writer's file before Pelican
reads it; content_guard answers with the generic rules (title, dates as ISO 8601, known
keys, the header as written, control characters, summary, alt text, safe slugs,
languages and templates). It also speaks for Pelican, declaring the metadata keys Pelican
reads. A file with a problem that would publish something wrong, or break other pages,
is left out of the build here — whichever plugin found the problem — so the rest of the
site is still written and the build's summary says what was left out.

Settings:
    CONTENT_GUARD_ENABLED (bool, default True): apply content_guard's own rules.
    CONTENT_GUARD_KNOWN_KEYS (list[str], default []): extra metadata keys writers may use
        without a warning (every plugin declares its own keys; this is for site-local ones).
    CONTENT_GUARD_SUMMARY_MAX (int, default 160): the longest summary (search results and
        link previews cut a longer one off).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kernel import contents, problems, runs, settings, sources
from kernel.problems import Problem
from kernel.signals import SourceFile, check_source, declared_keys, metadata_keys
from pelican import signals

from . import checks
from .keys import PELICAN_KEYS

logger = logging.getLogger(__name__)

SETTINGS = (
    settings.Setting(
        "CONTENT_GUARD_ENABLED", True, "apply content_guard's rules", settings.boolean
    ),
    settings.Setting(
        "CONTENT_GUARD_KNOWN_KEYS", [], "extra metadata keys writers may use", settings.strings
    ),
    settings.Setting(
        "CONTENT_GUARD_SUMMARY_MAX",
        160,
        "longest summary, in characters",
        settings.integer(40, 1000),
    ),
)


def get_settings(pelican_settings: Mapping[str, Any]) -> dict[str, Any]:
    """Return content_guard's settings, checked (SettingsError names a bad one)."""
    return settings.read(pelican_settings, SETTINGS)


@dataclass
class GuardRun:
    """One build's settings and the keys declared as dates."""

    config: dict[str, Any]
    date_keys: frozenset[str]

    @classmethod
    def start(cls, pelican_settings: Mapping[str, Any]) -> GuardRun:
        dates = {k.name for k in declared_keys(pelican_settings).values() if k.kind == "date"}
        return cls(get_settings(pelican_settings), frozenset(dates))


RUN = runs.RunSlot(GuardRun.start)


# ---- receivers ---------------------------------------------------------------------------
def declare_keys(pelican_settings: Mapping[str, Any]) -> tuple:
    """Declare the keys Pelican itself reads (kernel ``metadata_keys``)."""
    return PELICAN_KEYS


def answer_check(source: SourceFile) -> list[Problem]:
    """Answer the kernel's ``check_source`` with content_guard's generic rules."""
    state = RUN.get(source.settings)
    if not state.config["CONTENT_GUARD_ENABLED"]:
        return []
    return checks.check_source(source, state.date_keys, state.config["CONTENT_GUARD_SUMMARY_MAX"])


def validate(pelican: Any) -> None:
    """Check the settings at start-up (a bad one stops the build with its name)."""
    get_settings(pelican.settings)


_ARTICLE_LISTS = ("articles", "translations", "hidden_articles", "hidden_translations", "drafts",
                  "drafts_translations")  # fmt: skip
_PAGE_LISTS = ("pages", "translations", "hidden_pages", "hidden_translations", "draft_pages",
               "draft_translations")  # fmt: skip


def _leave_out(generator: Any, names: tuple[str, ...]) -> None:
    excluded = set(problems.current_store().excluded_files())
    if not excluded:
        return
    for name in names:
        items = getattr(generator, name, None)
        if items:
            # In place: Pelican's context holds the same list objects.
            items[:] = [c for c in items if contents.source_display(c) not in excluded]


def leave_out_articles(generator: Any) -> None:
    """Remove left-out files before Pelican files articles under categories, tags, authors."""
    _leave_out(generator, _ARTICLE_LISTS)


def leave_out_pages(generator: Any) -> None:
    """Remove left-out pages before anything is written."""
    _leave_out(generator, _PAGE_LISTS)


def _guarded(read: Any, settings: Mapping[str, Any]) -> Any:
    def read_or_report(source_path: str) -> Any:
        try:
            return read(source_path)
        except Exception as error:
            problems.report(
                Problem(
                    contents.display_path(source_path, settings), "file",
                    f"Pelican could not read this file ({error.__class__.__name__}: {error})",
                    "check the metadata lines at the top of the file and any HTML in it",
                    source=checks.SOURCE, excludes=True,
                )
            )  # fmt: skip
            raise  # Pelican leaves the file out and goes on with the others

    read_or_report.sharewell_guarded = True
    return read_or_report


def guard_readers(readers: Any) -> None:
    """Make a file Pelican cannot read a problem naming the file (``readers_init``)."""
    for reader in readers.readers.values():
        if not getattr(reader.read, "sharewell_guarded", False):
            reader.read = _guarded(reader.read, readers.settings)


def finished(pelican: Any) -> None:
    """Forget this run's state."""
    RUN.drop()


def check_file(path: Any, pelican_settings: Mapping[str, Any]) -> list[Problem]:
    """Return every registered plugin's problems with one file (the kernel's check)."""
    return sources.check_file(path, pelican_settings)


def register() -> None:
    """Connect content_guard to Pelican and to the kernel."""
    runs.watch()
    metadata_keys.connect(declare_keys)
    check_source.connect(answer_check)
    signals.initialized.connect(validate)
    signals.readers_init.connect(guard_readers)
    signals.article_generator_pretaxonomy.connect(leave_out_articles)
    signals.page_generator_finalized.connect(leave_out_pages)
    signals.finalized.connect(finished)
