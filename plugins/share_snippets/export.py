"""Write share exports for the social media manager (pure functions over plain data).

- `snippets.json`: every article x network (text, tracked URL, share link, length as the
  network counts it, limit, image URL).
- `snippets.csv`: the same rows, UTF-8, ISO 8601 times.
- `schedule-<network>.csv` (+ `-2`, `-3`... past the row limit): bulk-scheduler import with
  `date` (dd/mm/yyyy), `time_24hr` (HH:MM) and `message_text`, one post every N minutes.

Every CSV cell goes through ``kernel.text.spreadsheet_safe``: a cell a spreadsheet would run
as a formula (starting with `=`, `+`, `-`, `@`, a tab or a line break) gets a leading
apostrophe, so opening an export can never run a writer's text.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path

from kernel import files
from kernel.text import spreadsheet_safe

SNIPPET_COLUMNS = (
    "article_slug",
    "article_title",
    "article_url",
    "network",
    "text",
    "url",
    "share_link",
    "length",
    "limit",
    "image_url",
    "published",
    "modified",
    "scheduled",
)
SCHEDULER_COLUMNS = ("date", "time_24hr", "message_text")
MAX_SCHEDULER_ROWS = 350
MIN_SPACING_MINUTES = 10


def iso(value: datetime | None) -> str:
    """Return an ISO 8601 timestamp (seconds precision) or an empty string."""
    return value.isoformat(timespec="seconds") if value else ""


def schedule_times(start: datetime, spacing_minutes: int, count: int) -> list[datetime]:
    """Return count slots from start, spacing_minutes apart (at least 10 minutes)."""
    if spacing_minutes < MIN_SPACING_MINUTES:
        raise ValueError(f"spacing must be at least {MIN_SPACING_MINUTES} minutes")
    step = timedelta(minutes=spacing_minutes)
    return [start + i * step for i in range(count)]


def chunked(rows: Sequence, size: int) -> list[Sequence]:
    """Split rows into chunks of at most size rows (one empty chunk if no rows)."""
    return [rows[i : i + size] for i in range(0, len(rows), size)] or [rows[:0]]


def snippet_rows(articles: Iterable[dict], slots: dict[str, datetime]) -> Iterator[dict]:
    """Yield one CSV row per article x network (slots by URL), one at a time."""
    for art in articles:
        for key, net in art["networks"].items():
            yield {
                "article_slug": art["slug"],
                "article_title": art["title"],
                "article_url": art["url"],
                "network": key,
                "text": net["text"],
                "url": net["url"],
                "share_link": net["share_link"],
                "length": net["length"],
                "limit": "" if net["limit"] is None else net["limit"],
                "image_url": art["image_url"] or "",
                "published": art["published"],
                "modified": art["modified"],
                "scheduled": iso(slots.get(art["url"])),
            }


def write_json(path: Path, data: dict) -> Path:
    """Write data as pretty, UTF-8 JSON (non-ASCII kept as is), whole or not at all."""
    # Streamed: the whole text of a large site's snippets is tens of megabytes.
    with files.replaced(path) as handle:
        json.dump(data, handle, ensure_ascii=False, indent=2)
        handle.write("\n")
    return path


def write_csv(path: Path, columns: Sequence[str], rows: Iterable[dict]) -> Path:
    """Write rows as a UTF-8 CSV with a header line, whole or not at all."""
    with files.replaced(path, newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns))
        writer.writeheader()
        writer.writerows(
            {key: spreadsheet_safe(value) for key, value in row.items()} for row in rows
        )
    return path


def scheduler_rows(messages: Sequence[tuple[datetime, str]]) -> list[dict]:
    """Return scheduler rows: date dd/mm/yyyy, time_24hr HH:MM, message_text."""
    return [
        {"date": f"{when:%d/%m/%Y}", "time_24hr": f"{when:%H:%M}", "message_text": text}
        for when, text in messages
    ]


def write_scheduler(
    directory: Path, network: str, messages: Sequence[tuple[datetime, str]], max_rows: int
) -> list[Path]:
    """Write schedule-<network>.csv files of at most max_rows rows each."""
    if not 1 <= max_rows <= MAX_SCHEDULER_ROWS:
        raise ValueError(f"max_rows must be between 1 and {MAX_SCHEDULER_ROWS}")
    paths = []
    for n, chunk in enumerate(chunked(list(messages), max_rows), start=1):
        name = f"schedule-{network}.csv" if n == 1 else f"schedule-{network}-{n}.csv"
        paths.append(write_csv(directory / name, SCHEDULER_COLUMNS, scheduler_rows(chunk)))
    return paths


def write_all(
    directory: Path,
    data: dict,
    *,
    start: datetime,
    spacing_minutes: int,
    scheduler_networks: Sequence[str],
    max_rows: int = MAX_SCHEDULER_ROWS,
) -> list[Path]:
    """Write the JSON, the CSV and the scheduler CSVs; return the written paths."""
    articles = data["articles"]
    times = schedule_times(start, spacing_minutes, len(articles))
    slots = {art["url"]: when for art, when in zip(articles, times, strict=True)}
    for art in articles:
        art["scheduled"] = iso(slots[art["url"]])
    paths = [write_json(directory / "snippets.json", data)]
    rows = snippet_rows(articles, slots)
    paths.append(write_csv(directory / "snippets.csv", SNIPPET_COLUMNS, rows))
    for key in scheduler_networks:
        messages = [
            (slots[art["url"]], art["networks"][key]["text"])
            for art in articles
            if key in art["networks"]
        ]
        paths.extend(write_scheduler(directory, key, messages, max_rows))
    return paths
