"""content_guard's rules for one writer's file (pure: no Pelican run, no file system).

``check_source`` is what content_guard answers to the kernel's ``check_source`` signal; the
build and the pre-commit hook both ask it. Each rule returns Problems naming the file, the
line, the field and the fix. Problems marked ``excludes`` keep the file out of the build,
because building it would publish something wrong or break other pages.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kernel import clock
from kernel.problems import Problem, Severity
from kernel.signals import SourceFile
from kernel.text import PLACEHOLDER_MARK, char_name, control_characters, is_placeholder

from . import safety, sections
from .keys import STATUSES

# `invoke new` writes placeholders (`FILL IN: …`); checks flag each one left.
SUMMARY_PLACEHOLDER_MARK = PLACEHOLDER_MARK
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LANG = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
_KEY_SHAPE = re.compile(r"^[a-z0-9_]+$")
SOURCE = "content_guard"


def _error(source: SourceFile, field: str, problem: str, fix: str, **options) -> Problem:
    options.setdefault("source", SOURCE)
    return source.problem(field, problem, fix, **options)


def check_header_shape(source: SourceFile) -> list[Problem]:
    """Return problems with the header as written: blank lines, indents, keys in the body."""
    return [
        Problem(
            source.display, issue.field, issue.problem, issue.fix, line=issue.line, source=SOURCE
        )
        for issue in source.header.issues
    ]


def check_keys(source: SourceFile) -> list[Problem]:
    """Return hyphenated or misspelt keys (unknown keys are warnings with a suggestion)."""
    problems = []
    for key, found in source.header.fields.items():
        if not _KEY_SHAPE.match(key):
            suggestion = re.sub(r"[- ]+", "_", key)
            problems.append(
                _error(
                    source, key, f"metadata key `{found.raw_key}` uses a hyphen, so it is ignored",
                    f"write it with underscores: `{suggestion}:`",
                )
            )  # fmt: skip
        elif source.known_keys and key not in source.known_keys:
            close = difflib.get_close_matches(key, sorted(source.known_keys), n=1)
            hint = f"did you mean `{close[0]}`?" if close else "remove it or check the spelling"
            problems.append(
                _error(
                    source, key, f"unknown metadata key `{key}`", hint, severity=Severity.WARNING
                )
            )
    return problems


def check_required(source: SourceFile) -> list[Problem]:
    """Return a missing title (and a missing date on an article)."""
    problems = []
    if not (source.header.first("title") or "").strip():
        problems.append(
            _error(
                source, "title", "the file has no title",
                "add a first line such as `Title: How to do CPR`",
                line=source.header.line_of("title") or 1,
                excludes=True,
            )
        )  # fmt: skip
    if source.is_article and "date" not in source.header:
        # Pelican leaves an article without a date out (unless DEFAULT_DATE gives one).
        problems.append(
            _error(
                source, "date", "the article has no publication date",
                f"add `Date:` — {clock.ISO_HELP}", line=1,
                excludes=not source.settings.get("DEFAULT_DATE"),
            )
        )  # fmt: skip
    return problems


def check_dates(source: SourceFile, date_keys: frozenset[str]) -> list[Problem]:
    """Return every date field that is not ISO 8601, with the ISO form the writer meant."""
    problems = []
    for key in sorted(date_keys & set(source.header.fields)):
        value = source.header.first(key) or ""
        try:
            clock.parse_date(value)
        except clock.DateError as error:
            meant = f" (did you mean {error.suggestion}?)" if error.suggestion else ""
            problems.append(
                _error(
                    source, key,
                    f"`{value}` is not a date Sharewell can read without guessing{meant}",
                    error.fix, excludes=key == "date",
                )
            )  # fmt: skip
    return problems


def _body_control_characters(source: SourceFile) -> list[Problem]:
    lines = source.text.lstrip("\ufeff").split("\n")  # not splitlines: \x0c is not a line end
    for number in range(source.header.body_start, len(lines) + 1):
        chars = [c for c in control_characters(lines[number - 1]) if c != "\t"]
        if chars:
            names = ", ".join(char_name(c) for c in chars)
            return [
                _error(
                    source, "body", f"the text contains the invisible control character(s) {names}",
                    "delete and retype the line (copying from a word processor or PDF can bring "
                    "these in); feeds cannot carry them", line=number,
                )
            ]  # fmt: skip
    return []


def check_values(source: SourceFile) -> list[Problem]:
    """Return control characters, unknown statuses and unsafe slugs or languages."""
    problems = []
    for key, found in source.header.fields.items():
        for index, value in enumerate(found.values):
            chars = control_characters(value)
            if chars:
                names = ", ".join(char_name(c) for c in chars)
                problems.append(
                    _error(
                        source, key, f"`{key}` contains the invisible control character(s) {names}",
                        "delete and retype the line (copying from a word processor or PDF can "
                        "bring these in)", line=found.lines[index], excludes=True,
                    )
                )  # fmt: skip
    problems += _body_control_characters(source)
    status = (source.header.first("status") or "").strip().lower()
    if status and status not in STATUSES:
        problems.append(
            _error(
                source,
                "status",
                f"unknown status `{status}`",
                f"use one of: {', '.join(STATUSES)}",
                excludes=True,
            )
        )
    slug = source.header.first("slug")
    if slug is not None and not _SLUG.match(slug.strip()):
        problems.append(
            _error(
                source, "slug",
                f"slug `{slug}` may only contain lower-case letters, digits and hyphens",
                "write it like `how-to-do-cpr` (it becomes part of the URL), or remove it to use "
                "the file name", excludes=True,
            )
        )  # fmt: skip
    lang = source.header.first("lang")
    if lang is not None and not _LANG.match(lang.strip()):
        problems.append(
            _error(
                source, "lang", f"`{lang}` is not a language code",
                "write a language code such as `cy` (Welsh), `en` or `ur`", excludes=True,
            )
        )  # fmt: skip
    template = source.header.first("template")
    theme = source.settings.get("THEME")
    if template is not None and theme:
        name = template.strip()
        file = Path(theme) / "templates" / f"{name}.html"
        if not re.fullmatch(r"[a-z0-9_-]+", name) or not file.is_file():
            problems.append(
                _error(
                    source, "template", f"the theme has no template `{template}`",
                    "remove the `template:` line to use the normal layout", excludes=True,
                )
            )  # fmt: skip
    return problems


_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\s*[\(\[]")
_FENCE = re.compile(r"^\s*(```|~~~)")
_TAGS = re.compile(r"<[^>]+>")


def check_summary(source: SourceFile, maximum: int) -> list[Problem]:
    """Return a missing summary (warning, articles) or one longer than ``maximum`` (error).

    One rule for the build and the pre-commit hook: search results and share previews cut a
    longer summary off.
    """
    raw = source.header.get("summary")
    if is_placeholder(raw):
        return []  # sections.check_placeholders says what to do
    summary = " ".join(_TAGS.sub("", raw or "").split())
    if not summary:
        if not source.is_article:
            return []
        return [
            _error(
                source, "summary", "the article has no summary",
                f"add `Summary:` — one plain sentence of at most {maximum} characters",
                severity=Severity.WARNING, line=source.header.line_of("summary") or 1,
            )
        ]  # fmt: skip
    if len(summary) > maximum:
        return [
            _error(
                source, "summary",
                f"the summary is {len(summary)} characters long (at most {maximum})",
                f"cut {len(summary) - maximum} characters: search results and share previews cut "
                "it off",
            )
        ]  # fmt: skip
    return []


def check_alt_text(source: SourceFile) -> list[Problem]:
    """Return `image` without `image_alt`, and each Markdown image with empty alt text."""
    problems = []
    header = source.header
    if (header.first("image") or "").strip() and not (header.first("image_alt") or "").strip():
        problems.append(
            _error(
                source, "image_alt", "`image` is set but `image_alt` is missing",
                "add `image_alt:` describing the picture for people who cannot see it",
                line=header.line_of("image"),
            )
        )  # fmt: skip
    in_fence = False
    lines = source.text.lstrip("\ufeff").splitlines()
    for number in range(header.body_start, len(lines) + 1):
        line = lines[number - 1]
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        for match in _IMAGE.finditer(re.sub(r"`[^`]*`", "", line)):
            if not match["alt"].strip():
                problems.append(
                    _error(
                        source, "image", "an image in the text has no alt text",
                        "describe the image in the brackets: `![A bandage on a forearm](...)`",
                        line=number,
                    )
                )  # fmt: skip
    return problems


@dataclass(frozen=True)
class Limits:
    """The numbers content_guard's rules use (from its settings)."""

    summary_max: int = 160
    title_max: int = 90
    tags: tuple[int, int] = (2, 5)
    sections: Mapping[str, str] = field(default_factory=dict)


def check_source(
    source: SourceFile,
    date_keys: frozenset[str] = frozenset({"date", "modified"}),
    limits: Limits | None = None,
) -> list[Problem]:
    """Return every generic problem in one Markdown file."""
    limits = limits or Limits()
    return [
        *check_summary(source, limits.summary_max),
        *check_alt_text(source),
        *check_header_shape(source),
        *check_required(source),
        *check_keys(source),
        *check_dates(source, date_keys),
        *check_values(source),
        *sections.check_placeholders(source),
        *sections.check_category(source, limits.sections),
        *sections.check_tags(source, *limits.tags),
        *sections.check_title_length(source, limits.title_max),
        *safety.check_source(source),
    ]
