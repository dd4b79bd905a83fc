"""Unit tests: content checks (dates, links, readability) and the review report."""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys

import pytest
from health_review.checks import (
    check_links,
    check_readability,
    check_review_dates,
    internal_targets,
    readability_text,
)
from health_review.metadata import Review
from tools.review_report import ReviewRow, review_rows, sort_rows, write_csv

TODAY = dt.date(2026, 1, 1)


def review(next_review: dt.date | None, *, given: bool = False, **kw) -> Review:
    return Review(
        last_reviewed=dt.date(2023, 1, 1), next_review=next_review, next_review_given=given, **kw
    )


@pytest.mark.parametrize(
    ("due", "severity", "words"),
    [
        (dt.date(2025, 12, 31), "error", "review overdue"),
        (dt.date(2026, 1, 1), "warning", "due soon"),
        (dt.date(2026, 3, 31), "warning", "due soon"),
    ],
)
def test_review_date_checks(due, severity, words):
    lines = {"last_reviewed": [(7, "2023-01-01")], "next_review": [(8, "x")]}
    problems = check_review_dates(review(due), TODAY, 90, "a.md", lines)
    assert [(p.severity, words in p.problem, p.field, p.line) for p in problems] == [
        (severity, True, "last_reviewed", 7)
    ]
    given = check_review_dates(review(due, given=True), TODAY, 90, "a.md", lines)
    assert (given[0].field, given[0].line) == ("next_review", 8)


def test_fresh_and_news_have_no_date_problems():
    assert check_review_dates(review(dt.date(2027, 1, 1)), TODAY, 90, "a.md") == []
    assert check_review_dates(Review(content_type="news"), TODAY, 90, "n.md") == []


def test_future_last_reviewed_is_a_warning():
    future = Review(last_reviewed=dt.date(2026, 6, 1), next_review=dt.date(2029, 6, 1))
    assert [p.severity for p in check_review_dates(future, TODAY, 90, "a.md")] == ["warning"]


def test_internal_targets_and_broken_links():
    body = (
        '<a href="https://www.sharewell.org.uk/first-aid/cpr/">ok</a>'
        '<a href="/first-aid/missing/">missing</a><a href="../recovery-position/">rel</a>'
        '<a href="https://www.nhs.uk/">external</a><a href="#top">frag</a>'
        '<a href="mailto:a@b.c">mail</a><a href="{filename}/articles/nope.md">unresolved</a>'
        '<img src="/images/cpr.png" alt="x">'
    )
    site = "https://www.sharewell.org.uk"
    paths = [p for _, p in internal_targets(body, "first-aid/burns/", site)]
    assert paths == [
        "first-aid/cpr/",
        "first-aid/missing/",
        "first-aid/recovery-position/",
        "{filename}/articles/nope.md",
        "images/cpr.png",
    ]
    existing = {"first-aid/cpr/", "first-aid/recovery-position/", "images/cpr.png"}
    source = "T: x\n\nSee [missing](/first-aid/missing/).\n[u]({filename}/articles/nope.md)\n"
    problems = check_links(
        body,
        "a.md",
        page_url="first-aid/burns/",
        siteurl=site,
        exists=existing.__contains__,
        source_text=source,
    )
    assert [(p.severity, p.line) for p in problems] == [("error", 3), ("error", 4)]
    assert "/first-aid/missing/" in problems[0].problem


EASY = "<p>Cool the burn with water. Do it for twenty minutes. Then cover it.</p>" * 12
HARD = (
    "<p>Thermal injuries necessitate immediate irrigation utilising temperate running water "
    "for approximately twenty minutes, subsequently followed by appropriate occlusive "
    "dressings, pharmacological analgesia, and comprehensive evaluation of circumferential "
    "involvement, inhalational compromise, and systemic physiological derangement.</p>"
) * 4


def test_readability_warns_but_never_errors():
    assert check_readability(EASY, "a.md") == []
    problems = check_readability(HARD, "a.md")
    assert {p.severity for p in problems} == {"warning"}
    assert any("Flesch" in p.problem for p in problems)
    assert any("sentences average" in p.problem for p in problems)
    assert check_readability("<p>Too short to score.</p>", "a.md") == []


def test_readability_text_ends_list_items():
    text = readability_text("<ul><li>one</li><li>two!</li></ul><p>Three.</p><pre>code</pre>")
    assert text == "one. two! Three."


def test_readability_first_use_needs_no_network():
    """textstat >= 0.7.10 downloads NLTK's cmudict on first use; our pin must not."""
    code = (
        "import socket\n"
        "def no_network(*a, **k):\n"
        "    raise SystemExit('network used')\n"
        "socket.socket.connect = no_network\n"
        "socket.create_connection = no_network\n"
        "import textstat\n"
        "text = 'Cool the burn under running water. Do it for twenty minutes. ' * 5\n"
        "print(textstat.flesch_reading_ease(text), textstat.words_per_sentence(text))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr + result.stdout
    ease, per_sentence = map(float, result.stdout.split())
    assert ease > 60
    assert per_sentence == 5.5


def _row(file, days, status):
    return ReviewRow(file, file, "R", "", "", days, status)


def test_report_sorted_by_urgency():
    rows = [
        _row("c", 400, "current"),
        _row("a", -10, "overdue"),
        _row("d", None, "unreviewed"),
        _row("b", 30, "due-soon"),
        _row("e", -100, "overdue"),
    ]
    assert [r.file for r in sort_rows(rows)] == ["d", "e", "a", "b", "c"]


def test_review_rows_skip_news_and_write_csv(tmp_path):
    fresh = review(dt.date(2027, 1, 1))
    fresh.status, fresh.days_left = "current", 365
    overdue = review(dt.date(2025, 1, 1))
    overdue.status, overdue.days_left = "overdue", -365
    news = Review(content_type="news", status="not-applicable")
    rows = review_rows([("f.md", "Fresh", fresh), ("o.md", "Old", overdue), ("n.md", "N", news)])
    assert [r.file for r in rows] == ["o.md", "f.md"]
    path = write_csv(rows, tmp_path / "out" / "review-report.csv")
    data = list(csv.DictReader(path.open(encoding="utf-8")))
    assert [d["status"] for d in data] == ["overdue", "current"]
    assert data[0]["days_left"] == "-365"
    assert list(data[0]) == [
        "file",
        "title",
        "reviewer",
        "last_reviewed",
        "next_review",
        "days_left",
        "status",
    ]


def test_review_csv_is_safe_to_open_in_a_spreadsheet(tmp_path):
    hostile = review(dt.date(2027, 1, 1))
    hostile.status, hostile.days_left = "current", 365
    rows = review_rows([("=cmd.md", '=HYPERLINK("https://evil.example","x")', hostile)])
    path = write_csv(rows, tmp_path / "review-report.csv")
    [data] = list(csv.DictReader(path.open(encoding="utf-8")))
    assert data["title"] == '\'=HYPERLINK("https://evil.example","x")'
    assert data["file"] == "'=cmd.md"
    assert data["days_left"] == "365"
