"""The safety net under every page and feed: Pelican's writer, made so one file never stops
the others (content_guard gives it to Pelican through ``get_writer``).

content_guard's checks catch the mistakes it knows before anything is written. For what
nobody foresaw, ``GuardedWriter``:

- renders each page on its own: a page that cannot be rendered becomes a problem naming
  its content file (or the theme template, for a list page), is not written, and is taken
  out of the lists, sections and feeds written after it;
- never lets a page silently replace another: a page written where another page already is
  is refused; a generated page (the home page, a section…) written over a writer's page
  wins, and the writer's page is the problem;
- writes feeds last (after every article page, so a page that failed is not in them),
  keeps writer text valid XML, shows titles as written, and leaves out of a feed an item
  that still breaks it — the feed is written with every other item.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from kernel import contents, problems
from kernel.problems import Problem
from kernel.text import plain, xml_safe
from pelican.utils import sanitised_join
from pelican.writers import Writer

from . import attribution
from .state import RUN

logger = logging.getLogger(__name__)
SOURCE = "content_guard"
RENDER_FIX = (
    "check the fields named in the message; if it is not clear, send this file to a "
    "developer (every other page was built)"
)
_FEED_TEXT_KEYS = ("title", "description", "content", "author_name", "author_email")


def _content_of(kwargs: dict[str, Any]) -> Any:
    for key in ("article", "page"):
        if kwargs.get(key) is not None:
            return kwargs[key]
    return None


def _field_in(error: Exception, content: Any) -> str:
    """Return the metadata key an error message names (else ``file``)."""
    text = str(error)
    for key, value in (getattr(content, "metadata", None) or {}).items():
        if f"'{key}'" in text or (isinstance(value, str) and len(value) > 3 and value in text):
            return key
    return "file"


def _why(error: Exception) -> str:
    return f"{error.__class__.__name__}: {' '.join(str(error).split())[:300]}"


class GuardedWriter(Writer):
    """Pelican's Writer with per-page and per-feed-item isolation (see the module)."""

    def __init__(self, output_path: str, settings: dict | None = None) -> None:
        super().__init__(output_path, settings=settings)
        self._owner: dict[str, Any] = {}  # written path -> content (None: a generated file)
        self._writing: Any = None
        self._feeds: list[dict[str, Any]] = []
        # Pages that failed, taken out of the lists before the next list page or feed is
        # written: Pelican is still looping over those lists while it writes the pages.
        self._failed_pages: list[Any] = []

    def _withdraw(self, content: Any) -> None:
        self._failed_pages.append(content)

    def _withdraw_failed(self) -> None:
        failed, self._failed_pages = self._failed_pages, []
        state = RUN.peek()
        if failed and state is not None:
            contents.withdraw(state.generators, failed)

    # ---- pages -------------------------------------------------------------------------
    def write_file(self, name: str, template: Any, context: dict, *args: Any, **kwargs: Any):
        """Write one page (or a list's pages); a failure costs only that page."""
        content = _content_of(kwargs)
        if content is None:
            self._withdraw_failed()  # a list page: the pages before it are all written
        own = content is not None and name == getattr(content, "save_as", None)
        self._writing = content if own else None
        try:
            with attribution.writing(content):
                return super().write_file(name, template, context, *args, **kwargs)
        except _Refused:
            return None
        except Exception as error:  # the net: anything a template or plugin raises
            logger.debug("content_guard: writing %s failed", name, exc_info=True)
            self._failed(name, template, content, own, error)
            return None
        finally:
            self._writing = None

    def _failed(self, name: str, template: Any, content: Any, own: bool, error: Exception) -> None:
        if content is None:
            theme = getattr(template, "filename", None) or getattr(template, "name", "theme")
            problems.report(
                Problem(
                    contents.display_path(theme, self.settings), "template",
                    f"the page `{name}` could not be made ({_why(error)})",
                    "a developer must fix this template or the plugin the message names; "
                    "every other page was written", source=SOURCE,
                )
            )  # fmt: skip
            return
        what = "this page could not be made" if own else f"`{name}` could not be made for it"
        problems.report(
            Problem(
                contents.source_display(content, self.settings), _field_in(error, content),
                f"{what} ({_why(error)})", RENDER_FIX, source=SOURCE, excludes=own,
            )
        )  # fmt: skip
        if own:
            self._withdraw(content)

    def _open_w(self, filename: str, encoding: str, override: bool = False):
        """Open a file for writing, refusing a page that would replace another page."""
        current = self._writing
        if filename in self._written_files and not override:
            previous = self._owner.get(filename)
            if current is not None:
                self._refuse(current, filename, previous)
            if previous is not None:  # a generated page wins over a writer's page
                self._replaced(previous, filename)
                self._written_files.discard(filename)
        self._owner[filename] = current
        return super()._open_w(filename, encoding, override)

    def _relative(self, filename: str) -> str:
        return Path(os.path.relpath(filename, self.output_path)).as_posix()

    def _refuse(self, content: Any, filename: str, previous: Any) -> None:
        where = self._relative(filename)
        other = (
            contents.source_display(previous, self.settings)
            if previous is not None
            else "a page the build makes itself"
        )
        problems.report(
            Problem(
                contents.source_display(content, self.settings), "slug",
                f"this page would be written to `{where}`, where {other} already is",
                "give it its own `Slug:` (or remove `save_as`/`url`)",
                source=SOURCE, excludes=True,
            )
        )  # fmt: skip
        self._withdraw(content)
        raise _Refused

    def _replaced(self, content: Any, filename: str) -> None:
        problems.report(
            Problem(
                contents.source_display(content, self.settings), "slug",
                f"this page was written to `{self._relative(filename)}`, which the build needs "
                "for one of its own pages, so it was replaced",
                "give it its own `Slug:` (or remove `save_as`/`url`)",
                source=SOURCE, excludes=True,
            )
        )  # fmt: skip
        self._withdraw(content)

    # ---- feeds -------------------------------------------------------------------------
    def write_feed(self, elements: Any, context: dict, path: str | None = None, *args, **kw):
        """Queue a feed: feeds are written after every article page (``flush_feeds``)."""
        if path is None:
            return super().write_feed(elements, context, path, *args, **kw)
        self._feeds.append(
            {"elements": list(elements), "context": context, "path": path, "args": args, "kw": kw}
        )
        return None

    def flush_feeds(self) -> None:
        """Write every queued feed without the items left out of the build."""
        self._withdraw_failed()
        queued, self._feeds = self._feeds, []
        excluded = set(problems.current_store().excluded_files())
        for call in queued:
            keep = [
                item
                for item in call["elements"]
                if contents.source_display(item, self.settings) not in excluded
            ]
            self._write_feed_safely(keep, call)

    def _write_feed_safely(self, items: list[Any], call: dict[str, Any]) -> None:
        context, path, args, kw = call["context"], call["path"], call["args"], call["kw"]
        try:
            super().write_feed(items, context, path, *args, **kw)
            return
        except Exception as error:
            logger.debug("content_guard: feed %s failed", path, exc_info=True)
            first_error = error
        broken = [item for item in items if self._breaks_feed(item, context, args, kw)]
        for item in broken:
            problems.report(
                Problem(
                    contents.source_display(item, self.settings), "file",
                    f"this page could not be put in the feed `{path}` ({_why(first_error)})",
                    RENDER_FIX, source=SOURCE,
                )
            )  # fmt: skip
        self._written_files.discard(sanitised_join(self.output_path, path))
        try:
            super().write_feed([i for i in items if i not in broken], context, path, *args, **kw)
        except Exception as error:
            problems.report(
                Problem(
                    path, "feed", f"the feed could not be written ({_why(error)})",
                    "a developer must look at the feed settings and plugins", source=SOURCE,
                )
            )  # fmt: skip

    def _breaks_feed(self, item: Any, context: dict, args: tuple, kw: dict) -> bool:
        try:
            feed = super().write_feed([item], context, None, *args, **kw)
            feed.writeString("utf-8")
        except Exception:
            return True
        return False

    def _add_item_to_the_feed(self, feed: Any, item: Any) -> None:
        """Add one item with its title as written and only text XML can carry."""
        super()._add_item_to_the_feed(feed, item)
        entry = feed.items[-1]
        entry["title"] = plain(getattr(item, "title", "") or "")
        for key in _FEED_TEXT_KEYS:
            if isinstance(entry.get(key), str):
                entry[key] = type(entry[key])(xml_safe(entry[key]))
        if entry.get("categories"):
            entry["categories"] = [xml_safe(str(c)) for c in entry["categories"]]


class _Refused(Exception):  # noqa: N818 - internal control flow, never escapes write_file
    """A page refused because another page is already written there (already reported)."""
