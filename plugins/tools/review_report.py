"""The editor's review report: ``invoke review-report``.

Builds the site once with Pelican into a temporary folder (so review data is exactly what
readers get), collects every published page's ``content.review`` (the kernel contract) and
prints the health articles most urgent first — never reviewed, then overdue by most days,
then due soonest — and writes them as CSV. Nothing is written to OUTPUT_PATH.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import astuple, dataclass, fields
from pathlib import Path
from typing import Any

from kernel import clock, contents, problems, text
from kernel.problems import Problem
from pelican import signals

SettingsArg = str | Path | Mapping[str, Any] | None
NOT_APPLICABLE = "not-applicable"
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


def review_rows(items: Iterable[tuple[str, str, Any]]) -> list[ReviewRow]:
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
        if review.is_health_advice and review.status != NOT_APPLICABLE
    ]
    return sort_rows(rows)


def sort_rows(rows: Iterable[ReviewRow]) -> list[ReviewRow]:
    """Return rows most urgent first: unreviewed, then fewest days left; ties by file."""
    return sorted(rows, key=lambda r: (r.days_left is not None, r.days_left or 0, r.file))


def write_csv(rows: Iterable[ReviewRow], path: str | Path) -> Path:
    """Write the rows (with a header) to ``path``; every cell is safe to open in a spreadsheet."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([f.name for f in fields(ReviewRow)])
        for row in rows:
            writer.writerow([text.spreadsheet_safe("" if v is None else v) for v in astuple(row)])
    return target


def render_review_table(rows: list[ReviewRow], today: dt.date, console=None) -> None:
    """Print the rows as a rich table (writers' text shown literally)."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

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
        table.add_column(name, overflow="fold", no_wrap=name in {"Status", "Days left", "File"})
    for row in rows:
        table.add_row(
            Text(row.status, style=STATUS_STYLE.get(row.status, "")),
            "" if row.days_left is None else str(row.days_left),
            row.next_review or "-",
            row.last_reviewed or "-",
            Text(text.visible(row.reviewer or "-")),
            Text(text.visible(row.title)),
            Text(row.file),
        )
    console.print(table)
    counts = {s: sum(r.status == s for r in rows) for s in STATUS_STYLE}
    console.print(", ".join(f"{n} {s}" for s, n in counts.items()))


@dataclass
class SiteReviews:
    """What one build knows about clinical review: every page's review and every problem."""

    reviews: list[tuple[str, str, Any]]
    problems: list[Problem]
    today: dt.date


def collect(settings: SettingsArg, today: dt.date | str | None = None) -> SiteReviews:
    """Build the site into a temporary folder and return its reviews and problems."""
    from pelican import Pelican
    from pelican.log import FatalLogger
    from pelican.settings import read_settings

    seen: list[Any] = []

    def keep(generators: list[Any]) -> None:
        seen.extend(contents.published(generators))

    with tempfile.TemporaryDirectory(prefix="review-report-") as output:
        override: dict[str, Any] = {
            "OUTPUT_PATH": output,
            "CACHE_PATH": str(Path(output) / ".cache"),
            "DELETE_OUTPUT_DIRECTORY": False,
        }
        if today is not None:
            override[clock.TODAY_KEY] = clock.local_date(today).isoformat()
        if settings is None or isinstance(settings, str | Path):
            config = read_settings(str(settings) if settings else None, override=override)
        else:
            config = read_settings(None, override={**dict(settings), **override})
        store = problems.new_run()
        saved = FatalLogger.fatal_lvl
        FatalLogger.fatal_lvl = 100  # every problem, not the first (lifts --fatal warnings)
        signals.all_generators_finalized.connect(keep)
        try:
            Pelican(config).run()
        finally:
            signals.all_generators_finalized.disconnect(keep)
            FatalLogger.fatal_lvl = saved
        reviews = [
            (contents.source_display(c, config), text.plain(c.title), c.review)
            for c in seen
            if getattr(c, "review", None) is not None
        ]
        return SiteReviews(reviews, store.sorted(), clock.today(config))


def review_report(
    settings: SettingsArg,
    today: dt.date | str | None = None,
    csv_path: str | Path | None = "review-report.csv",
    console=None,
) -> list[ReviewRow]:
    """Print the review report table, write the CSV (unless csv_path is None) and return rows."""
    found = collect(settings, today)
    rows = review_rows(found.reviews)
    render_review_table(rows, found.today, console=console)
    if csv_path is not None:
        write_csv(rows, csv_path)
    return rows
