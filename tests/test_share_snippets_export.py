"""share_snippets: exports parsed back (JSON, UTF-8 CSV, scheduler CSVs)."""

from __future__ import annotations

import csv
import itertools
import json
import re
import weakref
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from share_snippets.export import (
    SCHEDULER_COLUMNS,
    SNIPPET_COLUMNS,
    schedule_times,
    write_all,
    write_scheduler,
)

START = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
TRICKY = 'Line one, "quoted"\nline two; الإسعافات 🚑 & <script>'


def article(n: int) -> dict:
    url = f"https://www.sharewell.org.uk/first-aid/a{n}/"
    return {
        "slug": f"a{n}",
        "title": f"Article {n}",
        "description": "d",
        "url": url,
        "kit_url": "",
        "image_url": None if n % 2 else f"https://www.sharewell.org.uk/og/{n}.png",
        "published": "2026-01-01T09:00:00+00:00",
        "modified": "2026-01-02T09:00:00+00:00",
        "networks": {
            key: {
                "text": f"{TRICKY} {key} {n}",
                "url": f"{url}?utm_source={key}",
                "share_link": f"https://example/{key}",
                "length": 42,
                "limit": 280 if key == "x" else None,
            }
            for key in ("x", "bluesky", "email")
        },
    }


def read_csv(path: Path) -> list[dict]:
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_json_and_csv_round_trip(tmp_path):
    data = {"version": 1, "articles": [article(1), article(2)]}
    paths = write_all(
        tmp_path, data, start=START, spacing_minutes=30, scheduler_networks=["x", "bluesky"]
    )
    names = sorted(p.name for p in paths)
    assert names == ["schedule-bluesky.csv", "schedule-x.csv", "snippets.csv", "snippets.json"]

    loaded = json.loads((tmp_path / "snippets.json").read_text(encoding="utf-8"))
    assert loaded["articles"][0]["networks"]["x"]["text"] == f"{TRICKY} x 1"
    assert loaded["articles"][1]["scheduled"] == "2026-02-01T09:30:00+00:00"
    assert "🚑" in (tmp_path / "snippets.json").read_text(encoding="utf-8")  # not \u escapes

    rows = read_csv(tmp_path / "snippets.csv")
    assert tuple(rows[0]) == SNIPPET_COLUMNS
    assert len(rows) == 2 * 3
    assert rows[0]["text"] == f"{TRICKY} x 1"
    assert rows[0]["limit"] == "280" and rows[1]["limit"] == ""
    for row in rows:
        for column in ("published", "modified", "scheduled"):
            datetime.fromisoformat(row[column])  # ISO 8601 with offset

    schedule = read_csv(tmp_path / "schedule-x.csv")
    assert tuple(schedule[0]) == SCHEDULER_COLUMNS
    assert schedule == [
        {"date": "01/02/2026", "time_24hr": "09:00", "message_text": f"{TRICKY} x 1"},
        {"date": "01/02/2026", "time_24hr": "09:30", "message_text": f"{TRICKY} x 2"},
    ]


def test_scheduler_files_hold_at_most_350_rows(tmp_path):
    data = {"version": 1, "articles": [article(n) for n in range(401)]}
    write_all(tmp_path, data, start=START, spacing_minutes=10, scheduler_networks=["x"])
    first = read_csv(tmp_path / "schedule-x.csv")
    second = read_csv(tmp_path / "schedule-x-2.csv")
    assert (len(first), len(second)) == (350, 51)
    assert not (tmp_path / "schedule-x-3.csv").exists()
    times = [
        datetime.strptime(f"{r['date']} {r['time_24hr']}", "%d/%m/%Y %H:%M") for r in first + second
    ]
    assert all(b - a == timedelta(minutes=10) for a, b in itertools.pairwise(times))
    assert all(re.fullmatch(r"\d\d/\d\d/\d{4}", r["date"]) for r in first)
    assert all(re.fullmatch(r"[0-2]\d:[0-5]\d", r["time_24hr"]) for r in first)


def test_spacing_below_ten_minutes_is_refused():
    with pytest.raises(ValueError, match="10 minutes"):
        schedule_times(START, 9, 3)


def test_row_limit_is_bounded(tmp_path):
    with pytest.raises(ValueError, match="350"):
        write_scheduler(tmp_path, "x", [], 351)
    assert [p.name for p in write_scheduler(tmp_path, "x", [], 350)] == ["schedule-x.csv"]
    assert read_csv(tmp_path / "schedule-x.csv") == []


def _records(count: int, alive: list) -> Iterator[dict]:
    """Yield records one at a time, noting which earlier ones are still held by anyone."""
    made = []
    for n in range(count):
        alive.append(sum(ref() is not None for ref in made))
        record = Record(article(n))
        made.append(weakref.ref(record))
        yield record
        del record


class Record(dict):
    """A record that can be watched (a plain dict has no weak references)."""


@pytest.mark.parametrize("count", [0, 1, 3, 401])
def test_records_are_written_one_at_a_time_and_the_json_is_as_json_dump_writes_it(tmp_path, count):
    alive: list[int] = []
    head = {"version": 1, "site_url": "https://www.sharewell.org.uk", "networks": ["x", "email"]}
    paths = write_all(tmp_path / "streamed", {**head, "articles": _records(count, alive)},
                      count=count, start=START, spacing_minutes=10,
                      scheduler_networks=["x", "bluesky"])  # fmt: skip
    assert max(alive, default=0) <= 1, "records were kept while later ones were made"
    whole = [article(n) for n in range(count)]
    write_all(tmp_path / "whole", {**head, "articles": whole}, start=START,
              spacing_minutes=10, scheduler_networks=["x", "bluesky"])  # fmt: skip
    expected = json.dumps({**head, "articles": whole}, ensure_ascii=False, indent=2) + "\n"
    assert (tmp_path / "streamed" / "snippets.json").read_text(encoding="utf-8") == expected
    assert (tmp_path / "whole" / "snippets.json").read_text(encoding="utf-8") == expected
    for path in paths:
        assert path.read_bytes() == (tmp_path / "whole" / path.name).read_bytes(), path.name
    names = sorted(p.name for p in paths)
    more = ["schedule-bluesky-2.csv", "schedule-x-2.csv"] if count > 350 else []
    assert names == sorted(["schedule-bluesky.csv", "schedule-x.csv", "snippets.csv",
                            "snippets.json", *more])  # fmt: skip
    assert len(read_csv(tmp_path / "streamed" / "snippets.csv")) == 3 * count


def test_more_records_than_announced_is_an_error_that_keeps_the_old_files(tmp_path):
    (tmp_path / "snippets.json").write_text("{}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="more than the 1 records"):
        write_all(tmp_path, {"version": 1, "articles": iter([article(1), article(2)])},
                  count=1, start=START, spacing_minutes=10, scheduler_networks=["x"])  # fmt: skip
    assert (tmp_path / "snippets.json").read_text(encoding="utf-8") == "{}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["snippets.json"]
