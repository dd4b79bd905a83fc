"""List scheduled articles by reading Markdown headers (no build): ``python -m tools.scheduled``.

An article is scheduled when its ``status`` is ``scheduled`` or it is published with a
``date`` whose day is after "today" (the kernel's ``SHAREWELL_TODAY``). Drafts and hidden
articles are never scheduled. ``find_scheduled`` returns plain rows; ``render_scheduled``
prints them (``invoke check`` and the CI summary use both).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from kernel import clock
from kernel.header import read_header
from scheduling import goes_live_on

MARKDOWN_SUFFIXES = {".md", ".markdown", ".mkd", ".mdown"}


@dataclass(frozen=True)
class ScheduledItem:
    """One article waiting for its day."""

    file: str
    title: str
    url: str
    goes_live: dt.date | None
    days_left: int | None
    status: str

    def as_dict(self) -> dict:
        """Return JSON-friendly data."""
        data = asdict(self)
        data["goes_live"] = self.goes_live.isoformat() if self.goes_live else None
        return data


def _date(value: str | None) -> dt.date | dt.datetime | None:
    if not value:
        return None
    try:
        return clock.parse_date(value)
    except clock.DateError:
        return None  # content_guard names a date that is not ISO 8601


def scheduled_item(path: Path, text: str, today: dt.date, root: Path) -> ScheduledItem | None:
    """Return the row for one article if it is scheduled, else None."""
    values = read_header(text).values
    status = (values.get("status") or "published").strip().lower()
    if status in {"draft", "hidden"}:
        return None
    date = _date(values.get("date"))
    day = goes_live_on(date) if date else None
    if status != "scheduled" and (day is None or day <= today):
        return None
    if status == "scheduled" and day is not None and day <= today:
        return None  # its day has come: the next build publishes it
    slug = values.get("slug") or path.stem
    try:
        file = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        file = path.as_posix()
    return ScheduledItem(
        file=file,
        title=values.get("title", "").strip() or path.stem,
        url=f"{path.parent.name}/{slug}/",
        goes_live=day,
        days_left=(day - today).days if day else None,
        status=status,
    )


def find_scheduled(
    paths: Iterable[Path], today: dt.date, root: Path | None = None
) -> list[ScheduledItem]:
    """Return the scheduled articles among ``paths`` (files or folders), soonest first."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(p for p in path.rglob("*") if p.suffix in MARKDOWN_SUFFIXES)
        elif path.suffix in MARKDOWN_SUFFIXES and path.is_file():
            files.append(path)
    root = root or Path.cwd()
    items = []
    for path in sorted(files):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # content_guard reports unreadable files
        item = scheduled_item(path, text, today, root)
        if item is not None:
            items.append(item)
    return sorted(items, key=lambda i: (i.goes_live or dt.date.max, i.file))


def markdown_table(items: list[ScheduledItem]) -> str:
    """Return the rows as a GitHub-flavoured Markdown table (empty string if none)."""
    if not items:
        return ""
    lines = ["| Goes live | In days | Title | File |", "|---|---:|---|---|"]
    for item in items:
        when = item.goes_live.isoformat() if item.goes_live else "no date: add `Date:`"
        days = "" if item.days_left is None else str(item.days_left)
        title = item.title.replace("|", "\\|")
        lines.append(f"| {when} | {days} | {title} | `{item.file}` |")
    return "\n".join(lines)


def render_scheduled(items: list[ScheduledItem], today: dt.date, console=None) -> None:
    """Print the scheduled articles as a table (or one line when there are none)."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = console or Console(stderr=True)
    if not items:
        console.print(Text(f"Scheduled articles: none (today is {today.isoformat()})."))
        return
    table = Table(title=f"Scheduled articles (today is {today.isoformat()})")
    for name in ("Goes live", "In days", "Title", "File", "URL"):
        table.add_column(name, overflow="fold", no_wrap=name in {"Goes live", "In days", "File"})
    for item in items:
        table.add_row(
            Text(item.goes_live.isoformat()) if item.goes_live else Text("no date", style="red"),
            "" if item.days_left is None else str(item.days_left),
            Text(item.title),
            Text(item.file),
            Text(item.url),
        )
    console.print(table)
    console.print(
        f"{len(items)} scheduled article(s): each goes live on the first build on or after "
        "its date (the nightly build)."
    )


def _settings(settings_file: Path | None) -> dict:
    if settings_file is not None and Path(settings_file).is_file():
        from pelican.settings import read_settings

        return read_settings(str(settings_file))
    return {}


def print_scheduled(settings_file: Path | None, folder: Path, console=None) -> list[ScheduledItem]:
    """Print the scheduled articles under ``folder`` for `invoke check`; return them."""
    today = clock.today(_settings(settings_file))
    items = find_scheduled([Path(folder)], today, root=Path(folder).parent.parent)
    render_scheduled(items, today, console=console)
    return items


def main(argv: list[str] | None = None) -> int:
    """Print the scheduled articles (table or JSON); exit 2 on a date that is not ISO 8601."""
    parser = argparse.ArgumentParser(prog="python -m tools.scheduled", description=__doc__)
    parser.add_argument("paths", nargs="*", type=Path, default=[Path("content/articles")])
    parser.add_argument("--today", help="pretend today is YYYY-MM-DD (default: SHAREWELL_TODAY)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "-s", "--settings", type=Path, default=Path("pelicanconf.py"), help="for TIMEZONE"
    )
    args = parser.parse_args(argv)
    try:
        if args.today:
            today = clock.local_date(args.today)
        else:
            today = clock.today(_settings(args.settings))
    except clock.DateError as error:
        print(f"--today {error.value!r} {error.reason}. Fix: {error.fix}", file=sys.stderr)
        return 2
    items = find_scheduled(args.paths, today)
    if args.json:
        rows = [item.as_dict() for item in items]
        print(json.dumps({"today": today.isoformat(), "scheduled": rows}, indent=2))
    else:
        render_scheduled(items, today)
    return 0


if __name__ == "__main__":
    sys.exit(main())
