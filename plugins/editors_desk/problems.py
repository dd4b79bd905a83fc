"""Problems for the desk: collected from every plugin's log records, plus the desk's own checks.

Plugins log content problems with ``extra={"problem": Problem(...)}`` (content_guard's
dataclass). ``Collector`` is a logging handler that keeps those records during one build;
``health_review`` also keeps its findings (including advisory ones logged below the
console's level) in its own state, which the plugin merges in. Problems are read by
duck typing (file, field, problem, fix, severity, line), so the desk works with
content_guard's class, health_review's stand-in, or any plugin's equivalent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .previews import Preview

SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
SEVERITIES = tuple(SEVERITY_RANK)


@dataclass(frozen=True)
class DeskProblem:
    """One row of the desk's problem list for one article or page."""

    field: str
    problem: str
    fix: str
    severity: str
    source: str
    line: int | None = None

    @property
    def rank(self) -> int:
        return SEVERITY_RANK.get(self.severity, 3)


def from_record(problem: Any, source: str) -> tuple[str, DeskProblem] | None:
    """Return (file, DeskProblem) for a Problem-like object, or None if it is not one."""
    file = getattr(problem, "file", None)
    text = getattr(problem, "problem", None)
    if not file or not text:
        return None
    severity = str(getattr(problem, "severity", "warning") or "warning").lower()
    return str(file), DeskProblem(
        field=str(getattr(problem, "field", "-") or "-"),
        problem=str(text),
        fix=str(getattr(problem, "fix", "") or ""),
        severity=severity if severity in SEVERITY_RANK else "warning",
        source=source,
        line=getattr(problem, "line", None),
    )


class Collector(logging.Handler):
    """Keep every log record that carries a structured ``problem`` (any level)."""

    def __init__(self) -> None:
        super().__init__(level=logging.NOTSET)
        self.found: list[tuple[str, DeskProblem]] = []

    def emit(self, record: logging.LogRecord) -> None:
        problem = getattr(record, "problem", None)
        if problem is None:
            return
        item = from_record(problem, record.name.split(".")[0])
        if item is not None:
            self.found.append(item)


def resolve(file: str, bases: list[Path]) -> str | None:
    """Return the absolute path a problem's display path names, trying each base folder."""
    path = Path(file)
    candidates = [path] if path.is_absolute() else [base / path for base in bases]
    for candidate in candidates:
        if candidate.is_file():
            return str(candidate.resolve())
    return None


def group_by_file(
    found: list[tuple[str, DeskProblem]], bases: list[Path]
) -> dict[str, list[DeskProblem]]:
    """Return {absolute source path: unique problems}, in the order they were found."""
    grouped: dict[str, list[DeskProblem]] = {}
    for file, problem in found:
        key = resolve(file, bases)
        if key is None:
            continue
        bucket = grouped.setdefault(key, [])
        if not any(
            (p.field, p.problem, p.severity) == (problem.field, problem.problem, problem.severity)
            for p in bucket
        ):
            bucket.append(problem)
    return grouped


def sort_problems(problems: list[DeskProblem]) -> list[DeskProblem]:
    """Return errors first, then warnings, then advice; by field within each."""
    return sorted(problems, key=lambda p: (p.rank, p.field, p.line or 0))


def counts(problems: list[DeskProblem]) -> dict[str, int]:
    """Return {"error": n, "warning": n, "info": n}."""
    return {s: sum(p.severity == s for p in problems) for s in SEVERITIES}


def title_problems(previews: list[Preview], title: str, title_max: int) -> list[DeskProblem]:
    """Return a problem when networks would cut the title (warning above ``title_max``)."""
    cut = [p.rule.label for p in previews if p.title is not None and p.title.truncated]
    length = len(" ".join(title.split()))
    if not cut and length <= title_max:
        return []
    where = ", ".join(cut) if cut else "search results"
    severity = "warning" if length > title_max else "info"
    return [
        DeskProblem(
            field="title",
            problem=f"the title is {length} characters: {where} cut it off",
            fix=f"keep the key words in the first {title_max} characters, "
            "or set a shorter `og_title` for link previews",
            severity=severity,
            source="editors_desk",
        )
    ]


def summary_problem(summary: str | None, is_article: bool) -> list[DeskProblem]:
    """Return the desk's own missing-summary problem (used when health_review is off)."""
    if not is_article or (summary or "").strip():
        return []
    return [
        DeskProblem(
            field="summary",
            problem="the page has no summary",
            fix="add `Summary:` — one plain sentence; the first 80 characters must stand alone",
            severity="warning",
            source="editors_desk",
        )
    ]


def head_problems(items: list[dict[str, str]]) -> list[DeskProblem]:
    """Return crawl.check_head results as desk problems (field "link preview")."""
    return [
        DeskProblem("link preview", i["problem"], i["fix"], i["severity"], "editors_desk")
        for i in items
    ]
