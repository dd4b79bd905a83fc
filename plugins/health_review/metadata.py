"""Parse and validate health metadata into a ``Review`` (pure functions).

Pelican's Markdown reader lowercases keys and returns custom values as strings
(a list of strings when continuation lines follow). ``parse_review`` turns them
into typed values plus a list of Problems naming file, line, field and fix.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from kernel.clock import format_date
from kernel.header import read_header
from kernel.problems import Problem

from .care_summary import CareCard
from .config import AUDIENCES, CONTENT_TYPES
from .dates import STATUS_NOT_APPLICABLE, STATUS_UNREVIEWED, default_next_review
from .dates import to_date as _to_date

HEALTH_KEYS = ("content_type", "audience", "last_reviewed", "next_review", "reviewed_by", "sources")
AUDIENCE_ALIASES = {
    "patient": "public",
    "patients": "public",
    "clinicians": "clinician",
    "professional": "clinician",
    "professionals": "clinician",
}
SOURCE_FIX = "write one source per line as `Title of source | https://example.org/page`"


class Source(NamedTuple):
    """A cited source: (title, url)."""

    title: str
    url: str


class Reviewer(NamedTuple):
    """The clinician who signed the page off."""

    name: str
    role: str
    key: str | None = None

    def __str__(self) -> str:
        return f"{self.name}, {self.role}"


@dataclass
class Review:
    """Everything templates, checks and reports need about a page's clinical review."""

    content_type: str = "advice"
    audience: str = "public"
    about: str | None = None
    aspect: str | None = None
    last_reviewed: dt.date | None = None
    next_review: dt.date | None = None
    next_review_given: bool = False
    reviewed_by: Reviewer | None = None
    sources: list[Source] = field(default_factory=list)
    status: str = STATUS_UNREVIEWED
    days_left: int | None = None
    jsonld: object = ""  # JSON-LD text: a str, or jsonld.LazyJsonLd rendered on first use
    readability: float | None = None  # Flesch reading ease of the rendered page, when scored
    policy_url: str = "editorial-policy/"
    problems: list[Problem] = field(default_factory=list)
    # The emergency (else urgent) care card the theme summarises on the first screen.
    first_card: CareCard | None = None

    @property
    def is_health_advice(self) -> bool:
        return self.content_type == "advice"

    lang: str = "en-GB"

    @property
    def last_reviewed_text(self) -> str:
        return format_date(self.last_reviewed, self.lang)

    @property
    def next_review_text(self) -> str:
        return format_date(self.next_review, self.lang)

    @property
    def shows_dates(self) -> bool:
        """Return whether the page shows review dates (health advice with a review)."""
        return self.is_health_advice and self.last_reviewed is not None


def header_lines(text: str) -> dict[str, list[tuple[int, str]]]:
    """Return {lowercased key: [(line number, text), ...]} for a Markdown metadata header."""
    return read_header(text).line_map()


def _values(value: Any) -> list[str]:
    """Return the non-empty stripped lines of a metadata value (string or list)."""
    items = value if isinstance(value, list | tuple) else [value]
    lines: list[str] = []
    for item in items:
        lines.extend(part.strip() for part in str(item).splitlines() if part.strip())
    return lines


def is_url(text: str) -> bool:
    """Return whether ``text`` is an absolute http(s) URL with a host name."""
    parts = urlsplit(text.strip())
    return parts.scheme in {"http", "https"} and "." in parts.netloc and " " not in text.strip()


def parse_sources(value: Any) -> tuple[list[Source], list[tuple[int, str]]]:
    """Return (sources, [(index, bad line)]) from `Title | URL` lines."""
    sources: list[Source] = []
    bad: list[tuple[int, str]] = []
    for index, line in enumerate(_values(value)):
        title, sep, url = line.rpartition("|")
        title, url = title.strip(), url.strip()
        if not sep and is_url(line):
            title, url = urlsplit(line).netloc, line
        if is_url(url) and title:
            sources.append(Source(title, url))
        else:
            bad.append((index, line))
    return sources, bad


def resolve_reviewer(value: str, reviewers: Mapping[str, tuple[str, str]]) -> Reviewer | None:
    """Return the Reviewer for a settings key or a "Name, Role" string, else None."""
    text = value.strip()
    key = text.lower()
    if key in reviewers:
        name, role = reviewers[key]
        return Reviewer(name, role, key)
    if "," in text:
        name, role = (part.strip() for part in text.split(",", 1))
        if name and role:
            return Reviewer(name, role)
    return None


class _Parser:
    """Parse one page's metadata field by field, recording problems with lines."""

    def __init__(self, metadata, config, display_path, lines, timezone):
        self.metadata = metadata
        self.config = config
        self.display_path = display_path
        self.lines = lines or {}
        self.timezone = timezone
        self.review = Review(policy_url=config["HEALTH_REVIEW_POLICY_URL"])
        self.aliased: set[str] = set()
        self.bad_dates: set[str] = set()

    def line_of(self, key: str, index: int | None = None) -> int | None:
        entries = self.lines.get(key) or []
        if index is None or not entries:
            return entries[0][0] if entries else None
        numbered = [number for number, text in entries if text]
        return numbered[index] if index < len(numbered) else entries[0][0]

    def add(self, key: str, problem: str, fix: str, severity: str = "error", index=None):
        self.review.problems.append(
            Problem(
                self.display_path, key, problem, fix, severity,
                line=self.line_of(key, index), source="health_review",
            )
        )  # fmt: skip

    def hyphenated(self) -> None:
        # Pelican keeps `last-reviewed` as a separate key (content_guard names the mistake):
        # our field stays empty, so do not also say it is missing.
        for key in self.metadata:
            canonical = key.lower().replace("-", "_").replace(" ", "_")
            if key != canonical and canonical in HEALTH_KEYS and canonical not in self.metadata:
                self.aliased.add(canonical)

    def kind(self, default_type: str) -> None:
        review, metadata = self.review, self.metadata
        raw_type = str(metadata.get("content_type") or default_type).strip().lower()
        if raw_type not in CONTENT_TYPES:
            self.add(
                "content_type",
                f"content type `{raw_type}` is not known",
                f"use one of: {', '.join(CONTENT_TYPES)}",
            )
            raw_type = default_type
        review.content_type = raw_type
        default_audience = self.config["HEALTH_REVIEW_DEFAULT_AUDIENCE"]
        raw_audience = str(metadata.get("audience") or default_audience)
        audience = AUDIENCE_ALIASES.get(raw_audience.strip().lower(), raw_audience.strip().lower())
        if audience not in AUDIENCES:
            self.add(
                "audience",
                f"audience `{raw_audience}` is not known",
                f"use one of: {', '.join(AUDIENCES)}",
            )
            audience = default_audience
        review.audience = audience
        review.about = str(metadata["about"]).strip() if metadata.get("about") else None
        review.aspect = str(metadata["aspect"]).strip() if metadata.get("aspect") else None

    def dates(self) -> None:
        review = self.review
        for key in ("last_reviewed", "next_review"):
            raw = self.metadata.get(key)
            if raw in (None, ""):
                continue
            try:
                setattr(review, key, _to_date(raw, self.timezone))
            except ValueError:
                self.bad_dates.add(key)  # content_guard says why, with the ISO form meant
        review.next_review_given = review.next_review is not None
        if not review.is_health_advice:
            return
        if review.last_reviewed is None and "last_reviewed" not in self.bad_dates | self.aliased:
            self.add(
                "last_reviewed",
                "health advice has no last_reviewed date",
                "ask a clinician to review the page, then add `last_reviewed: YYYY-MM-DD`",
            )
        if (
            review.last_reviewed
            and review.next_review is None
            and "next_review" not in (self.bad_dates)
        ):
            review.next_review = default_next_review(
                review.last_reviewed,
                self.config["HEALTH_REVIEW_INTERVAL_YEARS"],
                self.config["HEALTH_REVIEW_INTERVAL_DAYS"],
            )
        if (
            review.last_reviewed
            and review.next_review_given
            and review.next_review <= review.last_reviewed
        ):
            self.add(
                "next_review",
                f"next_review ({review.next_review:%Y-%m-%d}) is not after "
                f"last_reviewed ({review.last_reviewed:%Y-%m-%d})",
                "set next_review after last_reviewed, or remove it to use the default interval",
            )

    def reviewer(self) -> None:
        raw = self.metadata.get("reviewed_by")
        names = _values(raw) if raw else []
        reviewers = self.config["HEALTH_REVIEW_REVIEWERS"]
        if names:
            self.review.reviewed_by = resolve_reviewer(names[0], reviewers)
            if self.review.reviewed_by is None:
                known = sorted(reviewers)
                close = difflib.get_close_matches(names[0].lower(), known, n=1)
                hint = f"did you mean `{close[0]}`? " if close else ""
                self.add(
                    "reviewed_by",
                    f"reviewer `{names[0]}` is not in HEALTH_REVIEW_REVIEWERS",
                    f"{hint}use one of: {', '.join(known) or '(none defined)'}, or write "
                    "`Name, Role` (e.g. `Dr Amira Khan, Consultant in Emergency Medicine`)",
                )
        elif "reviewed_by" not in self.aliased:
            self.add(
                "reviewed_by",
                "health advice has no clinical reviewer",
                "add `reviewed_by:` with a reviewer key from HEALTH_REVIEW_REVIEWERS "
                "or `Name, Role`",
            )

    def sources(self) -> None:
        sources, bad = parse_sources(self.metadata.get("sources") or [])
        for index, text in bad:
            self.add(
                "sources",
                f"source `{text}` is not `Title | URL` with an http(s) URL",
                SOURCE_FIX,
                index=index,
            )
        self.review.sources = sources
        minimum = self.config["HEALTH_REVIEW_MIN_SOURCES"]
        if (
            self.review.is_health_advice
            and len(sources) < minimum
            and not bad
            and "sources" not in self.aliased
        ):
            self.add(
                "sources",
                f"health advice cites {len(sources)} source(s); at least {minimum} needed",
                f"add `sources:` and {SOURCE_FIX}",
            )


def parse_review(
    metadata: Mapping[str, Any],
    config: Mapping[str, Any],
    *,
    display_path: str,
    lines: Mapping[str, list[tuple[int, str]]] | None = None,
    timezone: str | None = None,
    default_content_type: str | None = None,
    lang: str = "en-GB",
) -> Review:
    """Return a Review for one page's metadata; problems are in ``review.problems``.

    Hyphenated keys and dates that are not ISO 8601 are content_guard's to report (once);
    here they only leave the field empty.
    """
    parser = _Parser(metadata, config, display_path, lines, timezone)
    parser.review.lang = lang
    parser.hyphenated()
    parser.kind(default_content_type or config["HEALTH_REVIEW_DEFAULT_CONTENT_TYPE"])
    parser.dates()
    if parser.review.is_health_advice:
        parser.reviewer()
    else:
        parser.review.status = STATUS_NOT_APPLICABLE
        if metadata.get("reviewed_by"):
            parser.review.reviewed_by = resolve_reviewer(
                _values(metadata["reviewed_by"])[0], config["HEALTH_REVIEW_REVIEWERS"]
            )
    parser.sources()
    return parser.review
