"""The editor's review report: every health article, most urgent first (pure + output).

``review_rows`` turns reviews into rows; ``sort_rows`` orders them by urgency
(never reviewed, then overdue by most days, then due soonest); ``write_csv`` and
``render_review_table`` print or save them.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from dataclasses import astuple, dataclass, fields
from pathlib import Path

from .dates import STATUS_NOT_APPLICABLE
from .metadata import Review

STATUS_STYLE = {
    "overdue": "bold red",
    "unreviewed": "bold red",
    "due-soon": "yellow",
    "current": "green",
}


@dataclass(frozen=True)
class ReviewRow:
    """One line of the review report."""

    file: str
    title: str
    reviewer: str
    last_reviewed: str
    next_review: str
    days_left: int | None
    status: str


def review_rows(items: Iterable[tuple[str, str, Review]]) -> list[ReviewRow]:
    """Return report rows for (file, title, review) triples of health advice, sorted."""
    rows = [
        ReviewRow(
            file=file,
            title=title,
            reviewer=str(review.reviewed_by) if review.reviewed_by else "",
            last_reviewed=review.last_reviewed.isoformat() if review.last_reviewed else "",
            next_review=review.next_review.isoformat() if review.next_review else "",
            days_left=review.days_left,
            status=review.status,
        )
        for file, title, review in items
        if review.is_health_advice and review.status != STATUS_NOT_APPLICABLE
    ]
    return sort_rows(rows)


def sort_rows(rows: Iterable[ReviewRow]) -> list[ReviewRow]:
    """Return rows most urgent first: unreviewed, then fewest days left; ties by file."""
    return sorted(
        rows,
        key=lambda r: (r.days_left is not None, r.days_left or 0, r.file),
    )


def write_csv(rows: Iterable[ReviewRow], path: str | Path) -> Path:
    """Write the rows (with a header) to ``path`` and return it."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([f.name for f in fields(ReviewRow)])
        for row in rows:
            writer.writerow(["" if v is None else v for v in astuple(row)])
    return target


def render_review_table(rows: list[ReviewRow], today: dt.date, console=None) -> None:
    """Print the rows as a rich table."""
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    table = Table(title=f"Clinical review report ({today.isoformat()})", show_lines=False)
    for name in (
        "Status",
        "Days left",
        "Next review",
        "Last reviewed",
        "Reviewer",
        "Title",
        "File",
    ):
        table.add_column(name, overflow="fold", no_wrap=name in {"Status", "Days left"})
    for row in rows:
        style = STATUS_STYLE.get(row.status, "")
        status = f"[{style}]{row.status}[/{style}]" if style else row.status
        table.add_row(
            status,
            "" if row.days_left is None else str(row.days_left),
            row.next_review or "-",
            row.last_reviewed or "-",
            row.reviewer or "-",
            row.title,
            row.file,
        )
    console.print(table)
    counts = {s: sum(r.status == s for r in rows) for s in STATUS_STYLE}
    console.print(", ".join(f"{n} {s}" for s, n in counts.items()))
