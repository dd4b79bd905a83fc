"""The desk's own findings (titles cut by networks, missing summaries, crawler tags).

Every other problem comes from the kernel's problem store of the build: the desk shows
exactly what the strict build and the pre-commit hook report, nothing re-run, nothing lost
to Pelican's duplicate-message filter.
"""

from __future__ import annotations

from collections.abc import Iterable

from kernel.problems import Problem, Severity

from .previews import Preview

SEVERITIES = tuple(str(s) for s in Severity)


def group_by_file(found: Iterable[Problem]) -> dict[str, list[Problem]]:
    """Return {display path: problems}, in the order they were found."""
    grouped: dict[str, list[Problem]] = {}
    for problem in found:
        grouped.setdefault(problem.file, []).append(problem)
    return grouped


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Return errors first, then warnings, then advice; by field within each."""
    return sorted(problems, key=lambda p: (p.severity.rank, p.field, p.line or 0))


def counts(problems: list[Problem]) -> dict[str, int]:
    """Return {"error": n, "warning": n, "info": n}."""
    return {s: sum(str(p.severity) == s for p in problems) for s in SEVERITIES}


def title_problems(previews: list[Preview], title: str, title_max: int, file: str) -> list[Problem]:
    """Return a problem when networks would cut the title (warning above ``title_max``)."""
    cut = [p.rule.label for p in previews if p.title is not None and p.title.truncated]
    length = len(" ".join(title.split()))
    if not cut and length <= title_max:
        return []
    where = ", ".join(cut) if cut else "search results"
    severity = "warning" if length > title_max else "info"
    return [
        Problem(
            file=file,
            field="title",
            problem=f"the title is {length} characters: {where} cut it off",
            fix=f"keep the key words in the first {title_max} characters, "
            "or set a shorter `og_title` for link previews",
            severity=severity,
            source="editors_desk",
        )
    ]


def summary_problem(summary: str | None, is_article: bool, file: str) -> list[Problem]:
    """Return the desk's own missing-summary problem (used when content_guard is off)."""
    if not is_article or (summary or "").strip():
        return []
    return [
        Problem(
            file=file,
            field="summary",
            problem="the page has no summary",
            fix="add `Summary:` — one plain sentence; the first 80 characters must stand alone",
            severity="warning",
            source="editors_desk",
        )
    ]


def head_problems(items: list[dict[str, str]], file: str) -> list[Problem]:
    """Return crawl.check_head results as desk problems (field "link preview")."""
    return [
        Problem(file, "link preview", i["problem"], i["fix"], i["severity"], source="editors_desk")
        for i in items
    ]
