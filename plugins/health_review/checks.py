"""Content checks as pure functions: each returns a list of Problems.

They take plain values (dates, HTML, Markdown source) so the Pelican build,
the pre-commit hook and tests all share them. Severity "error"
means the page must not be published as is; "warning" is advice. Readability is
only ever a warning.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from kernel.clock import format_date
from kernel.problems import Problem
from kernel.text import html_to_text
from kernel.urls import broken_link

from . import readability
from .care_cards import normalise_level
from .dates import STATUS_DUE_SOON, STATUS_OVERDUE, review_status
from .metadata import Review
from .readability import readability_text

LineMap = Mapping[str, list[tuple[int, str]]]
REVIEW_FIX = (
    "send the page to a clinician for review, then update `last_reviewed` "
    "(and `next_review` if you set one)"
)


def _line(lines: LineMap | None, key: str) -> int | None:
    entries = (lines or {}).get(key)
    return entries[0][0] if entries else None


def check_review_dates(
    review: Review,
    today: dt.date,
    warn_days: int,
    display_path: str,
    lines: LineMap | None = None,
) -> list[Problem]:
    """Return overdue (error), due-soon (warning) and future-date problems."""
    if not review.is_health_advice or review.next_review is None:
        return []
    problems: list[Problem] = []
    key = "next_review" if review.next_review_given else "last_reviewed"
    line = _line(lines, key)
    status, days_left = review_status(review.next_review, today, warn_days)
    due = format_date(review.next_review, review.lang)
    if status == STATUS_OVERDUE:
        problems.append(
            Problem(
                display_path,
                key,
                f"review overdue: it was due on {due} ({-days_left} days ago)",
                REVIEW_FIX,
                "error",
                line=line,
            )
        )
    elif status == STATUS_DUE_SOON:
        problems.append(
            Problem(
                display_path,
                key,
                f"review due soon: on {due} (in {days_left} days)",
                f"book the clinical review now; {REVIEW_FIX}",
                "warning",
                line=line,
            )
        )
    if review.last_reviewed and review.last_reviewed > today:
        problems.append(
            Problem(
                display_path,
                "last_reviewed",
                f"last_reviewed ({review.last_reviewed:%Y-%m-%d}) is in the future",
                "use the date the clinical review actually happened",
                "warning",
                line=_line(lines, "last_reviewed"),
            )
        )
    return problems


def plain_text(markup: str) -> str:
    """Return the text of an HTML fragment (the kernel's one rule)."""
    return html_to_text(markup)


def find_source_line(source_text: str | None, needle: str) -> int | None:
    """Return the 1-based line of the first occurrence of ``needle`` in the source."""
    if not source_text or not needle:
        return None
    index = source_text.find(needle)
    return source_text.count("\n", 0, index) + 1 if index >= 0 else None


_HREF = re.compile(r"""<(?:a|link)\b[^>]*?\bhref\s*=\s*(["'])(.*?)\1""", re.IGNORECASE)
_SRC = re.compile(r"""<(?:img|source)\b[^>]*?\bsrc\s*=\s*(["'])(.*?)\1""", re.IGNORECASE)


def internal_targets(body_html: str, page_url: str, siteurl: str) -> list[tuple[str, str]]:
    """Return [(link as written, site-relative path)] for links into the site."""
    base = siteurl.rstrip("/") + "/"
    page = urljoin(base, page_url or "")
    found: list[tuple[str, str]] = []
    for pattern in (_HREF, _SRC):
        for match in pattern.finditer(body_html or ""):
            raw = html.unescape(match[2]).strip()
            if not raw or raw.startswith(("#", "mailto:", "tel:", "data:", "javascript:")):
                continue
            if raw.startswith(("{", "%7B")):
                found.append((raw, raw))  # an unresolved {filename}/{static} link
                continue
            parts = urlsplit(raw)
            if parts.scheme and parts.scheme not in {"http", "https"}:
                continue
            absolute = urljoin(page, raw)
            if not absolute.startswith(base):
                continue  # another site
            path = unquote(urlsplit(absolute[len(base) :]).path)
            found.append((raw, path))
    return found


def output_exists(output_path: str, path: str) -> bool:
    """Return whether a site-relative URL path was written to ``output_path``."""
    root = Path(output_path)
    target = root / path.lstrip("/")
    if path in ("", "/") or path.endswith("/"):
        return (target / "index.html").is_file()
    return target.is_file() or (target / "index.html").is_file()


def check_links(
    body_html: str,
    display_path: str,
    *,
    page_url: str,
    siteurl: str,
    exists: Callable[[str], bool],
    source_text: str | None = None,
) -> list[Problem]:
    """Return an error for each internal link whose target is not in the site."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for raw, path in internal_targets(body_html, page_url, siteurl):
        if raw in seen or (not raw.startswith(("{", "%7B")) and exists(path)):
            continue
        seen.add(raw)
        needle = raw.split("}", 1)[-1] if raw.startswith("{") else raw
        problems.append(broken_link(display_path, raw, find_source_line(source_text, needle)))
    return problems


_CARD_LINE = re.compile(r"^(?P<indent>[ \t]*)!!!(?P<rest>.*)$")
_CARD_HEAD = re.compile(r"^[ \t]*(?P<level>[\w-]+)?[ \t]*(?P<title>.*?)[ \t]*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\S")
# A link in any Markdown form: inline `[x](…)`, reference `[x][1]` / `[x] [1]` / `[x][]`,
# raw HTML `<a`, autolinks `<https://…>` / `<mailto:…>` / `<tel:…>`, e-mail autolinks
# `<a@b.c>`, bare addresses (`https://…`, `www.…`, `mailto:`, `tel:`). Shortcut references
# (`[x]` with a `[x]: …` definition anywhere in the file) are found with the definitions.
_LINK = re.compile(
    r"\[[^\]]*\]\s*[(\[]|<a[\s>]|<[a-z][a-z0-9+.-]*:[^>\s]*>|<[^<>\s@]+@[^<>\s]+>"
    r"|\b(?:https?|ftp)://|\bwww\.\w|\b(?:mailto|tel):",
    re.IGNORECASE,
)
_DEFINITION = re.compile(r"^\s{0,3}\[(?P<label>[^\]]+)\]:\s*\S", re.MULTILINE)
_SHORTCUT = re.compile(r"(?<![\]\\])\[(?P<label>[^\]]+)\](?!\s*[(\[:])")
_FENCE = re.compile(r"^\s*(```|~~~)")
MAX_CALLOUTS = 2  # health-content guide: at most two warning callouts per page


def _card_lines(lines: list[str]) -> Iterator[tuple[int, re.Match]]:
    """Yield (index, match) for each `!!!` line after the header, outside fenced code."""
    start = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))
    in_fence = False
    for index in range(start, len(lines)):
        if _FENCE.match(lines[index]):
            in_fence = not in_fence
        match = None if in_fence else _CARD_LINE.match(lines[index])
        if match:
            yield index, match


def _card_body(lines: list[str], index: int, indent: str) -> list[tuple[int, str]]:
    """Return the (line number, text) lines indented under the card at ``index``."""
    depth = len(indent.expandtabs(4)) + 4
    body: list[tuple[int, str]] = []
    for later in range(index + 1, len(lines)):
        text = lines[later].expandtabs(4)
        if text.strip() and len(text) - len(text.lstrip()) < depth:
            break
        body.append((later + 1, lines[later]))
    return body


def _has_link(text: str, labels: frozenset[str]) -> bool:
    if _LINK.search(text):
        return True
    return any(" ".join(m["label"].lower().split()) in labels for m in _SHORTCUT.finditer(text))


def _check_card(
    level: str, title: str, body, number: int, add, *, labels: frozenset[str] = frozenset()
) -> None:
    if title and not (len(title) >= 2 and title.startswith('"') and title.endswith('"')):
        add(
            f"care-card title {title} is not in double quotes",
            f'write `!!! {level} "Title ending with if:"`',
        )
    if not any(_LIST_ITEM.match(text) for _, text in body):
        add(
            f"the {level} care card has no list",
            "indent a bullet list by 4 spaces under the `!!!` line, "
            "e.g. `    - they are not breathing`",
        )
    if level == "emergency":
        found = [(number, title), *body]
        at = next((at for at, text in found if _has_link(text, labels)), None)
        if at is not None:
            add(
                "the emergency care card contains a link",
                "remove the link: people must act now, not read more",
                at=at,
            )


def check_care_cards(source_text: str, display_path: str) -> list[Problem]:
    """Return problems in the writer's care-card blocks (level, title, list, links)."""
    problems: list[Problem] = []
    callouts: list[int] = []
    lines = source_text.splitlines()
    labels = frozenset(
        " ".join(m["label"].lower().split()) for m in _DEFINITION.finditer(source_text)
    )
    for index, match in _card_lines(lines):
        number = index + 1

        def add(problem: str, fix: str, severity: str = "error", at: int = number) -> None:
            problems.append(Problem(display_path, "care card", problem, fix, severity, line=at))

        head = _CARD_HEAD.match(match["rest"])
        word, title = head["level"] or "", head["title"]
        level = normalise_level(word)
        if level is None:
            add(
                f"unknown care-card level `{word or '(none)'}`",
                "start the card with `!!! emergency`, `!!! urgent` or `!!! non-urgent`",
            )
            continue
        if match["indent"]:
            add(
                "a care card is nested inside another block",
                "put care cards at the top level of the page, not inside lists or cards",
            )
        body = _card_body(lines, index, match["indent"])
        _check_card(level, title, body, number, add, labels=labels)
        if level in {"emergency", "urgent"}:
            callouts.append(number)
    if len(callouts) > MAX_CALLOUTS:
        problems.append(
            Problem(
                display_path,
                "care card",
                f"{len(callouts)} urgent or emergency care cards (at most {MAX_CALLOUTS} per page)",
                "keep the most important ones: too many warnings and readers stop noticing them",
                "warning",
                line=callouts[MAX_CALLOUTS],
            )
        )
    return problems


def readability_scores(text: str) -> tuple[float, float]:
    """Return (Flesch reading ease, words per sentence), scored once per distinct text."""
    return readability.scores(text)


def readability_of(body_html: str, min_words: int = 100) -> float | None:
    """Return the Flesch reading ease of a page (None when it is too short to score)."""
    text = readability_text(body_html)
    if len(text.split()) < min_words:
        return None
    try:
        return readability_scores(text)[0]
    except Exception:  # check_readability reports why
        return None


def check_readability(
    body_html: str,
    display_path: str,
    *,
    flesch_min: float = 60.0,
    sentence_max: float = 20.0,
    min_words: int = 100,
) -> list[Problem]:
    """Return warnings for a low Flesch reading ease or long sentences (never errors)."""
    text = readability_text(body_html)
    if len(text.split()) < min_words:
        return []  # scores are noise on very short pages
    try:
        scored = readability_scores(text)
    except Exception as error:
        return [not_measured(display_path, error)]
    return readability_problems(scored, display_path, flesch_min, sentence_max)


def not_measured(display_path: str, error: Exception) -> Problem:
    """Return the warning for a page textstat could not score."""
    return Problem(
        display_path,
        "readability",
        f"readability not measured ({error.__class__.__name__})",
        "install textstat 0.7.8 (ships its dictionary: no download at build time)",
        "warning",
    )


def readability_problems(
    scored: tuple[float, float] | None,
    display_path: str,
    flesch_min: float = 60.0,
    sentence_max: float = 20.0,
) -> list[Problem]:
    """Return the warnings for a page's (ease, words per sentence); None: too short, none."""
    if scored is None:
        return []
    ease, per_sentence = scored
    problems: list[Problem] = []
    if ease < flesch_min:
        problems.append(
            Problem(
                display_path,
                "readability",
                f"Flesch reading ease is {ease:.0f} (aim for {flesch_min:.0f} or more)",
                "use shorter words and sentences; put the plain term first",
                "warning",
            )
        )
    if per_sentence > sentence_max:
        problems.append(
            Problem(
                display_path,
                "readability",
                f"sentences average {per_sentence:.1f} words (aim for {sentence_max:.0f} or fewer)",
                "split long sentences; one idea per sentence",
                "warning",
            )
        )
    return problems
