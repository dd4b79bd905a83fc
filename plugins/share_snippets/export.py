"""Write share exports for the social media manager (pure functions over plain data).

- `snippets.json`: every article x network (text, tracked URL, share link, length as the
  network counts it, limit, image URL).
- `snippets.csv`: the same rows, UTF-8, ISO 8601 times.
- `schedule-<network>.csv` (+ `-2`, `-3`... past the row limit): bulk-scheduler import with
  `date` (dd/mm/yyyy), `time_24hr` (HH:MM) and `message_text`, one post every N minutes.

Every CSV cell goes through ``kernel.text.spreadsheet_safe``: a cell a spreadsheet would run
as a formula (starting with `=`, `+`, `-`, `@`, a tab or a line break) gets a leading
apostrophe, so opening an export can never run a writer's text.

All of them are written in one pass over the records, one record at a time: a large site's
records are tens of megabytes, and they were once the largest peak of a cold build.
"""

from __future__ import annotations

import contextlib
import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any

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


def snippet_rows(articles: Iterable[dict]) -> Iterator[dict]:
    """Yield one CSV row per article x network, one at a time."""
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
                "scheduled": art.get("scheduled", ""),
            }


def scheduler_rows(messages: Sequence[tuple[datetime, str]]) -> list[dict]:
    """Return scheduler rows: date dd/mm/yyyy, time_24hr HH:MM, message_text."""
    return [
        {"date": f"{when:%d/%m/%Y}", "time_24hr": f"{when:%H:%M}", "message_text": text}
        for when, text in messages
    ]


def write_scheduler(
    directory: Path, network: str, messages: Iterable[tuple[datetime, str]], max_rows: int
) -> list[Path]:
    """Write schedule-<network>.csv files of at most max_rows rows each."""
    with contextlib.ExitStack() as stack:
        scheduler = _SchedulerFiles(directory, network, max_rows, stack)
        for when, text in messages:
            scheduler.add(when, text)
        return scheduler.close()


def _safe(row: dict) -> dict:
    return {key: spreadsheet_safe(value) for key, value in row.items()}


class _JsonArticles:
    """snippets.json written one record at a time, as ``json.dump(data, indent=2)`` would.

    A large site's records are tens of megabytes: made, written and dropped one by one, they
    never are all in memory at once (they were the largest peak of a cold build).
    """

    def __init__(self, handle: IO[str], head: dict[str, Any]) -> None:
        self.handle = handle
        self.count = 0
        # The head's own keys, then "articles" last: the text up to the articles' "[".
        text = json.dumps({**head, "articles": []}, ensure_ascii=False, indent=2)
        self.handle.write(text[: text.rindex("[]")])

    def add(self, record: dict) -> None:
        # A JSON string never holds a raw line break, so every one in the text is layout.
        text = json.dumps(record, ensure_ascii=False, indent=2).replace("\n", "\n    ")
        self.handle.write(("[\n    " if self.count == 0 else ",\n    ") + text)
        self.count += 1

    def close(self) -> None:
        self.handle.write("\n  ]\n}\n" if self.count else "[]\n}\n")


class _SchedulerFiles:
    """One network's scheduler CSVs, each opened when the rows reach it (max_rows a file)."""

    def __init__(self, directory: Path, network: str, max_rows: int, outer: Any) -> None:
        if not 1 <= max_rows <= MAX_SCHEDULER_ROWS:
            raise ValueError(f"max_rows must be between 1 and {MAX_SCHEDULER_ROWS}")
        self.directory, self.network, self.max_rows = directory, network, max_rows
        self.current = contextlib.ExitStack()
        outer.enter_context(self.current)  # an error discards the file being written
        self.writer: Any = None
        self.rows = 0
        self.paths: list[Path] = []

    def _next_file(self) -> None:
        self.current.close()  # the last file is whole: it takes its name now
        n = len(self.paths) + 1
        name = f"schedule-{self.network}.csv" if n == 1 else f"schedule-{self.network}-{n}.csv"
        path = self.directory / name
        handle = self.current.enter_context(files.replaced(path, newline=""))
        self.writer = csv.DictWriter(handle, fieldnames=list(SCHEDULER_COLUMNS))
        self.writer.writeheader()
        self.paths.append(path)

    def add(self, when: datetime, text: str) -> None:
        if self.rows % self.max_rows == 0:
            self._next_file()
        self.writer.writerows(_safe(row) for row in scheduler_rows([(when, text)]))
        self.rows += 1

    def close(self) -> list[Path]:
        if not self.paths:
            self._next_file()  # no rows: a file with the header only, as the scheduler expects
        self.current.close()
        return self.paths


def write_all(
    directory: Path,
    data: dict,
    *,
    start: datetime,
    spacing_minutes: int,
    scheduler_networks: Sequence[str],
    max_rows: int = MAX_SCHEDULER_ROWS,
    count: int | None = None,
) -> list[Path]:
    """Write the JSON, the CSV and the scheduler CSVs in one pass; return the written paths.

    ``data["articles"]`` is a list of records, or any iterable of ``count`` records made one
    at a time (each is written to every file, then dropped). An error while making one
    leaves snippets.json and snippets.csv as they were.
    """
    articles = data["articles"]
    total = len(articles) if count is None else count
    times = schedule_times(start, spacing_minutes, total)
    head = {key: value for key, value in data.items() if key != "articles"}
    with contextlib.ExitStack() as stack:
        json_file = stack.enter_context(files.replaced(directory / "snippets.json"))
        csv_file = stack.enter_context(files.replaced(directory / "snippets.csv", newline=""))
        records = _JsonArticles(json_file, head)
        rows = csv.DictWriter(csv_file, fieldnames=list(SNIPPET_COLUMNS))
        rows.writeheader()
        schedulers = {key: _SchedulerFiles(directory, key, max_rows, stack)
                      for key in scheduler_networks}  # fmt: skip
        for index, art in enumerate(articles):
            if index >= total:
                raise ValueError(f"more than the {total} records announced")
            art["scheduled"] = iso(times[index])
            records.add(art)
            rows.writerows(_safe(row) for row in snippet_rows([art]))
            for key, scheduler in schedulers.items():
                if key in art["networks"]:
                    scheduler.add(times[index], art["networks"][key]["text"])
        records.close()
        scheduled = [path for scheduler in schedulers.values() for path in scheduler.close()]
    return [directory / "snippets.json", directory / "snippets.csv", *scheduled]
