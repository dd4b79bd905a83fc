"""Pelican's own warnings about content, said as problems (file, line, field, fix).

Pelican logs what it finds wrong with a file in its own words ("Skipping …: could not find
information about 'date'", "Empty alt attribute for image …", "There are 2 items … with
lang en-gb"), often without naming the field and sometimes without naming the file.
``PelicanRecords`` is a logging filter on Pelican's loggers: each known message becomes a
problem naming the file and the field (or is dropped when content_guard has already said
the same thing better), so no writer ever sees Pelican's developer wording.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kernel import contents, problems, urls
from kernel.problems import Problem, Severity

from . import attribution
from .state import RUN

SOURCE = "content_guard"
LOGGERS = ("pelican.contents", "pelican.readers", "pelican.utils", "pelican.generators",
           "pelican.writers")  # fmt: skip
# Messages content_guard's own checks (isolation: same slug) report in full.
_COVERED = (
    "There are %s items",
    "There are %s original (not translated) items",
)
# A mapper returns the problem a message stands for, None when the store already says it
# (the message is dropped either way), or KEEP to let the message through unchanged.
KEEP = object()
Mapper = Callable[[logging.LogRecord, dict[str, Any]], Any]


def _display(path: Any, settings: dict[str, Any]) -> str:
    text = str(path)
    candidate = Path(text)
    if not candidate.is_absolute() and settings.get("PATH"):
        candidate = Path(settings["PATH"]) / candidate
    return contents.display_path(candidate, settings) if settings else text


def _line_with(path: Path, needle: str) -> int | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    index = text.find(needle) if needle else -1
    return text.count("\n", 0, index) + 1 if index >= 0 else None


def _already(file: str, field: str | None = None, *, excluded: bool = False) -> bool:
    for problem in problems.current_store():
        if problem.file != file:
            continue
        if excluded and problem.excludes:
            return True
        if field is not None and problem.field == field:
            return True
    return False


def _skipping(record: logging.LogRecord, settings: dict[str, Any]) -> Problem | None:
    content, prop = record.args[0], record.args[1]
    file = _display(content, settings)
    if _already(file, excluded=True):
        return None
    words = {"title": "the file has no title", "date": "the article has no publication date"}
    return Problem(
        file, str(prop), words.get(str(prop), f"the file has no `{prop}`"),
        f"add a `{str(prop).capitalize()}:` line at the top of the file", line=1,
        source=SOURCE, excludes=True,
    )  # fmt: skip


def _outside(record: logging.LogRecord, settings: dict[str, Any]) -> Problem | None:
    file = _display(record.args[0], settings)
    if _already(file, excluded=True):
        return None
    return Problem(
        file, "save_as", f"the page would be written outside the site (`{record.args[1]}`)",
        "remove `save_as` and `url` to use the normal address", source=SOURCE, excludes=True,
    )  # fmt: skip


def _status(record: logging.LogRecord, settings: dict[str, Any]) -> Problem | None:
    file = _display(record.args[1], settings)
    if _already(file, excluded=True):
        return None
    return Problem(
        file, "status", f"unknown status `{record.args[0]}`",
        "use one of: published, draft, hidden, scheduled", source=SOURCE, excludes=True,
    )  # fmt: skip


def _duplicate(record: logging.LogRecord, settings: dict[str, Any]) -> Problem | None:
    field, file = str(record.args[0]), _display(record.args[1], settings)
    if _already(file, field):
        return None
    return Problem(
        file, field, f"`{field}` is given more than once; only the first is used",
        f"keep one `{field}:` line", severity=Severity.WARNING, source=SOURCE,
    )  # fmt: skip


def _empty_alt(record: logging.LogRecord, settings: dict[str, Any]) -> Problem | None:
    image, path = str(record.args[0]), record.args[1]
    file = _display(path, settings)
    if _already(file, "image"):
        return None
    return Problem(
        file, "image", f"the image `{image}` in the text has no alt text",
        'describe the picture: `alt="A bandage on an arm"` or `![A bandage on an arm](…)`',
        line=_line_with(Path(str(path)), image), source=SOURCE,
    )  # fmt: skip


def _attributed(field: str, problem: str, fix: str, needle: str) -> Problem | None:
    content = attribution.content_in_progress()
    if content is None:
        return KEEP
    file = contents.source_display(content)
    if any(p.file == file and needle and needle in p.problem for p in problems.current_store()):
        return None  # e.g. health_review already named this broken link
    return Problem(
        file, field, problem, fix, severity=Severity.WARNING,
        line=_line_with(Path(content.source_path), needle), source=SOURCE,
    )  # fmt: skip


def _unresolved(record: logging.LogRecord, settings: dict[str, Any]) -> Any:
    target = str(record.args[0])
    content = attribution.content_in_progress()
    if content is None:
        return KEEP
    path = Path(content.source_path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""
    written = re.search(r"\{(?:filename|static|attach)\}" + re.escape(target), text)
    raw = written.group(0) if written else target
    # The same problem health_review's link check reports, so the store keeps one.
    return urls.broken_link(
        contents.source_display(content), raw, _line_with(path, target), source=SOURCE
    )


def _indicator(record: logging.LogRecord, settings: dict[str, Any]) -> Problem | None:
    what = str(record.args[0])
    return _attributed(
        "link",
        f"a link uses `{{{what}}}`, which is not a kind of link",
        "use `{filename}` for articles and pages, `{static}` for images",
        f"{{{what}}}",
    )


def _static_by_filename(record: logging.LogRecord, settings: dict[str, Any]) -> Problem | None:
    image, source_path = str(record.args[0]), record.args[1]
    file = _display(source_path, settings)
    return Problem(
        file, "link", f"`{{filename}}` is used to link to the picture or file `{image}`",
        "write `{static}` for pictures and files", severity=Severity.WARNING,
        line=_line_with(Path(settings.get("PATH") or ".") / str(source_path), image),
        source=SOURCE,
    )  # fmt: skip


def _unreadable(record: logging.LogRecord, settings: dict[str, Any]) -> Problem | None:
    file = _display(record.args[0], settings)
    if _already(file, excluded=True):
        return None
    return Problem(
        file, "file", "Pelican could not read this file",
        "check the metadata lines at the top of the file and any HTML in it",
        source=SOURCE, excludes=True,
    )  # fmt: skip


def _all_translations(record: logging.LogRecord, settings: dict[str, Any]) -> Problem | None:
    for path in record.args[2:]:
        problems.report(
            Problem(
                _display(path, settings), "translation",
                "`translation: true` is set, but there is no original page in the site's "
                "language with the same slug",
                "remove `translation: true`, or add the original with the same `Slug:`",
                severity=Severity.WARNING, source=SOURCE,
            )
        )  # fmt: skip
    return None


MAPPERS: dict[str, Mapper] = {
    "Skipping %s: could not find information about '%s'": _skipping,
    "Skipping %s: file %r would be written outside output path": _outside,
    "Unknown status '%s' for file %s, skipping it. (Not in %s)": _status,
    "Duplicate definition of `%s` for %s. Using first one.": _duplicate,
    "Empty alt attribute for image %s in %s": _empty_alt,
    "Unable to find '%s', skipping url replacement.": _unresolved,
    "Replacement Indicator %r not recognized in %r, skipping replacement": _indicator,
    "{filename} used for linking to static content %s in %s. Use {static} instead": (
        _static_by_filename
    ),
    "Could not process %s": _unreadable,
}
_DISABLED_READER = re.compile(r"^(?P<path>.+?): (?P<why>.*(?:reader|install).*)$", re.I)


def _mapped(mapper: Mapper | None, record: logging.LogRecord, settings: dict[str, Any]) -> Any:
    if mapper is None:
        return KEEP
    try:
        return mapper(record, settings)
    except Exception:  # never let the mapping itself break a build
        return KEEP


class PelicanRecords(logging.Filter):
    """Turn Pelican's known content messages into problems (and drop the originals)."""

    def filter(self, record: logging.LogRecord) -> bool:
        state = RUN.peek()
        msg = record.msg if isinstance(record.msg, str) else ""
        args = record.args if isinstance(record.args, tuple) else ()
        if state is None or not args:
            return True  # not a content_guard build, or not a message about a file
        if msg.startswith(_COVERED):
            return False  # content_guard names both files and the fix (isolation)
        settings = dict(state.settings)
        if msg.startswith("All items (") and "are translations" in msg:
            _all_translations(record, settings)
            return False
        problem = _mapped(MAPPERS.get(msg), record, settings)
        if problem is KEEP:
            return True
        if problem is not None:
            problems.report(problem)
        return False


RECORDS = PelicanRecords("sharewell.pelican_records")


def install() -> None:
    """Put the filter on Pelican's loggers (idempotent; it acts only in content_guard runs)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if RECORDS not in logger.filters:
            logger.addFilter(RECORDS)
