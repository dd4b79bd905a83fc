"""content_guard: every writer's mistake is named (file, line, field, fix), and no single file
can take the site down.

The kernel asks every plugin's ``check_source`` about each writer's file before Pelican
reads it; content_guard answers with the generic rules (title, dates as ISO 8601, known
keys, the header as written, control characters, summary, alt text, safe slugs,
languages and templates). It also speaks for Pelican, declaring the metadata keys Pelican
reads. A file with a problem that would publish something wrong, or break other pages,
is left out of the build here — whichever plugin found the problem — so the rest of the
site is still written and the build's summary says what was left out.

It is also the safety net for what no check foresaw: files Pelican cannot read, pages that
would collide (``isolation``), Pelican's own warnings said as problems (``pelican_logs``),
and a writer (``writer.GuardedWriter``) under which one page or feed item that fails to
render costs only itself. Writer metadata is text: the summary is made HTML that shows
exactly what was written (``kernel.markup.text_as_html``), so templates need no ``|safe``.

Settings:
    CONTENT_GUARD_ENABLED (bool, default True): apply content_guard's own rules.
    CONTENT_GUARD_KNOWN_KEYS (list[str], default []): extra metadata keys writers may use
        without a warning (every plugin declares its own keys; this is for site-local ones).
    CONTENT_GUARD_SUMMARY_MAX (int, default 160): the longest summary (search results and
        link previews cut a longer one off).
    CONTENT_GUARD_TITLE_MAX (int, default 90): the longest title and og_title.
    CONTENT_GUARD_TAGS_MIN, CONTENT_GUARD_TAGS_MAX (int, default 2 and 5): how many tags
        an article has.
    CONTENT_GUARD_SECTIONS (dict, default {}): the site's sections, {folder: name}; an
        article's Category must be the name of its folder's section. Empty: every folder
        under the article paths is a section.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from kernel import contents, markup, problems, runs, sources
from kernel.problems import Problem
from kernel.signals import SourceFile, check_source, metadata_keys
from pelican import signals

from . import checks, isolation, pelican_logs, safety
from .keys import PELICAN_KEYS
from .state import RUN, SETTINGS, get_settings
from .writer import GuardedWriter

logger = logging.getLogger(__name__)
__all__ = ["SETTINGS", "get_settings", "register"]


# ---- receivers ---------------------------------------------------------------------------
def declare_keys(pelican_settings: Mapping[str, Any]) -> tuple:
    """Declare the keys Pelican itself reads (kernel ``metadata_keys``)."""
    return PELICAN_KEYS


def answer_check(source: SourceFile) -> list[Problem]:
    """Answer the kernel's ``check_source`` with content_guard's generic rules."""
    state = RUN.get(source.settings)
    if not state.config["CONTENT_GUARD_ENABLED"]:
        return []
    return checks.check_source(source, state.date_keys, state.limits)


def validate(pelican: Any) -> None:
    """Check the settings at start-up (a bad one stops the build with its name)."""
    get_settings(pelican.settings)
    pelican_logs.install()


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


def content_read(content: Any) -> None:
    """Make the summary text and check the HTML Pelican made of the file (every reader)."""
    metadata = getattr(content, "metadata", None)
    if metadata is None:
        return
    if "summary" in metadata:
        # Writer metadata is text: the summary is HTML that shows exactly what was written.
        metadata["summary"] = markup.text_as_html(metadata["summary"])
    body = getattr(content, "_content", None)
    if not body:
        return
    safe = RUN.get(content.settings).safe_bodies
    if safe is not None and safe.get(str(body), _is_safe):
        return
    found = markup.unsafe_parts(body)
    if not found:
        return
    file = contents.source_display(content)
    if any(p.file == file and p.field == "body" and p.excludes for p in problems.current_store()):
        return  # the source check already named the line
    unsafe = found[0]
    problems.report(
        Problem(
            file, "body", f"the page made from this file contains {unsafe.what}: "
            f"`{unsafe.snippet}`", safety.FIX_BODY,
            line=isolation.line_in_file(content, unsafe.snippet), source=checks.SOURCE,
            excludes=True,
        )
    )  # fmt: skip


def keep_generators(generators: list[Any]) -> None:
    """Remember the build's generators, so a page that fails to render can be withdrawn."""
    if generators:
        RUN.get(generators[0].settings).generators = list(generators)


def give_writer(pelican: Any) -> type:
    """Give Pelican the writer that isolates pages and feed items (``get_writer``)."""
    return GuardedWriter


def write_feeds(generator: Any, writer: Any) -> None:
    """Write the feeds after every article page (``article_writer_finalized``)."""
    if isinstance(writer, GuardedWriter):
        writer.flush_feeds()


def _is_safe(body: str) -> bool:
    return not markup.unsafe_parts(body)


def finished(pelican: Any) -> None:
    """Keep the bodies found safe for the next build, and forget this run's state."""
    state = RUN.peek()
    if state is not None and state.safe_bodies is not None:
        state.safe_bodies.save()
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
    signals.content_object_init.connect(content_read)
    signals.article_generator_pretaxonomy.connect(isolation.screen_articles)
    signals.page_generator_finalized.connect(isolation.screen_pages)
    signals.static_generator_finalized.connect(isolation.screen_static)
    signals.all_generators_finalized.connect(keep_generators)
    signals.get_writer.connect(give_writer)
    signals.article_writer_finalized.connect(write_feeds)
    signals.finalized.connect(finished)
