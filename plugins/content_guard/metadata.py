"""Read and validate the metadata header of a writer's Markdown file (pure functions)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from pelican.utils import get_date

from .problems import Problem

# Keys Pelican itself understands, plus the ones our plugins read. A setting
# (CONTENT_GUARD_KNOWN_KEYS) adds more without touching this list.
PELICAN_KEYS = frozenset(
    {
        "title",
        "date",
        "modified",
        "category",
        "tags",
        "slug",
        "author",
        "authors",
        "summary",
        "status",
        "lang",
        "translation",
        "save_as",
        "url",
        "template",
        "image",
        "image_alt",
        "keywords",
    }
)
PLUGIN_KEYS = frozenset(
    {
        # og_cards
        "og_title",
        "og_description",
        "og_image",
        "og_image_alt",
        "og_image_focus",
        "og_layout",
        "card_colour",
        # share_snippets
        "share_text",
        "share_text_x",
        "share_text_bluesky",
        "share_text_mastodon",
        "share_text_threads",
        "share_text_whatsapp",
        "share_text_telegram",
        "share_text_linkedin",
        "share_text_email",
        "share_text_reddit",
        "hashtags",
        "share",
        # health_review
        "last_reviewed",
        "next_review",
        "reviewed_by",
        "sources",
        "audience",
        "content_type",
        "about",
        "aspect",
        # link_keeper
        "aliases",
    }
)
DATE_KEYS = ("date", "modified", "last_reviewed", "next_review")
STATUSES = ("published", "draft", "hidden", "scheduled")

_KEY_LINE = re.compile(r"^(?P<key>[A-Za-z][A-Za-z0-9_ -]*?)\s*:\s*(?P<value>.*)$")
# `invoke new` writes this into the summary; a build warns until the writer replaces it.
SUMMARY_PLACEHOLDER_MARK = "WRITE ONE SENTENCE"
DATE_FIX = "write the date as YYYY-MM-DD, optionally with a time: `2025-03-15 09:00`"


@dataclass
class Header:
    """The metadata lines at the top of a Markdown file."""

    values: dict[str, str]
    lines: dict[str, int]
    raw_keys: dict[str, str]


def read_header(text: str) -> Header:
    """Parse Markdown metadata lines the way Python-Markdown's meta extension does."""
    values: dict[str, str] = {}
    lines: dict[str, int] = {}
    raw_keys: dict[str, str] = {}
    current: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            break
        if line.startswith(("    ", "\t")) and current is not None:
            values[current] = f"{values[current]}\n{line.strip()}"
            continue
        match = _KEY_LINE.match(line)
        if not match:
            break
        current = match["key"].strip().lower()
        raw_keys[current] = match["key"]
        values[current] = match["value"].strip()
        lines[current] = number
    return Header(values, lines, raw_keys)


def check_header(
    path: Path,
    header: Header,
    *,
    display_path: str,
    is_article: bool,
    known_keys: frozenset[str],
) -> list[Problem]:
    """Return every problem in one file's metadata header."""
    problems: list[Problem] = []

    def add(field: str, problem: str, fix: str, severity: str = "error") -> None:
        problems.append(
            Problem(display_path, field, problem, fix, severity, line=header.lines.get(field))
        )

    if not header.values.get("title", "").strip():
        add("title", "the article has no title", "add a first line such as `Title: How to do CPR`")
    for key in header.values:
        if "-" in key or " " in key:
            suggestion = re.sub(r"[- ]+", "_", key)
            add(
                key,
                f"metadata key `{header.raw_keys[key]}` uses a hyphen or space",
                f"write it with underscores: `{suggestion}:`",
            )
        elif key not in known_keys:
            close = difflib.get_close_matches(key, sorted(known_keys), n=1)
            hint = f"did you mean `{close[0]}`?" if close else "remove it or check the spelling"
            add(key, f"unknown metadata key `{key}`", hint, "warning")
    for key in DATE_KEYS:
        value = header.values.get(key)
        if value is None:
            continue
        try:
            get_date(value.replace("_", " "))
        except (ValueError, OverflowError):
            add(key, f"`{value}` is not a date", DATE_FIX)
    if is_article and "date" not in header.values:
        add("date", "the article has no publication date", f"add `Date:` — {DATE_FIX}")
    if SUMMARY_PLACEHOLDER_MARK in header.values.get("summary", ""):
        add(
            "summary",
            "the summary is still the placeholder from `invoke new`",
            "write one plain sentence (under 160 characters) that makes sense on its own",
            "warning",
        )
    status = header.values.get("status")
    if status is not None and status.lower() not in STATUSES:
        add("status", f"unknown status `{status}`", f"use one of: {', '.join(STATUSES)}")
    return problems
