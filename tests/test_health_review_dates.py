"""Unit tests: health_review date logic, settings and metadata parsing."""

from __future__ import annotations

import datetime as dt

import pytest
from health_review.config import get_settings
from health_review.dates import add_years, default_next_review, review_status, to_date
from health_review.metadata import header_lines, parse_review, parse_sources, resolve_reviewer
from kernel.clock import format_date
from kernel.settings import SettingsError

REVIEWERS = {
    "dr-amira-khan": {"name": "Dr Amira Khan", "role": "Consultant in Emergency Medicine"},
    "sam-okafor": ("Sam Okafor", "Registered Paramedic"),
}


@pytest.fixture
def config():
    return get_settings({"HEALTH_REVIEW_REVIEWERS": REVIEWERS, "TIMEZONE": "Europe/London"})


@pytest.mark.parametrize(
    ("start", "years", "expected"),
    [
        (dt.date(2025, 3, 15), 3, dt.date(2028, 3, 15)),
        (dt.date(2024, 2, 29), 3, dt.date(2027, 2, 28)),  # leap day -> 28 February
        (dt.date(2024, 2, 29), 4, dt.date(2028, 2, 29)),  # leap year again
        (dt.date(2023, 12, 31), 1, dt.date(2024, 12, 31)),
    ],
)
def test_add_years_handles_leap_days(start, years, expected):
    assert add_years(start, years) == expected


def test_default_next_review_years_or_days():
    assert default_next_review(dt.date(2025, 3, 15)) == dt.date(2028, 3, 15)
    assert default_next_review(dt.date(2025, 3, 15), interval_days=30) == dt.date(2025, 4, 14)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-03-15", dt.date(2025, 3, 15)),
        (" 2024-02-29 ", dt.date(2024, 2, 29)),
        ("2025-03-15 09:00", dt.date(2025, 3, 15)),
        # 23:30 at UTC-2 is 01:30 on the 16th in London (GMT in March).
        ("2025-03-15T23:30:00-02:00", dt.date(2025, 3, 16)),
        # 00:30 BST on 1 July is still 1 July in London, though 30 June in UTC.
        ("2025-07-01T00:30:00+01:00", dt.date(2025, 7, 1)),
        (dt.datetime(2025, 6, 30, 23, 30, tzinfo=dt.UTC), dt.date(2025, 7, 1)),
        (dt.date(2025, 1, 2), dt.date(2025, 1, 2)),
    ],
)
def test_to_date_uses_site_time_zone(value, expected):
    assert to_date(value, "Europe/London") == expected


@pytest.mark.parametrize(
    "value",
    ["2025-02-30", "2023-02-29", "soon", "", None, "15/15/2025", "01/11/2026", "15 March 2025"],
)
def test_to_date_rejects_anything_but_iso_8601(value):
    with pytest.raises(ValueError, match=r"date|empty"):
        to_date(value, "Europe/London")


@pytest.mark.parametrize(
    ("due", "status", "days"),
    [
        (dt.date(2025, 1, 1), "current", 366),
        (dt.date(2024, 3, 31), "due-soon", 90),
        (dt.date(2024, 1, 1), "due-soon", 0),
        (dt.date(2023, 12, 31), "overdue", -1),
        (None, "unreviewed", None),
    ],
)
def test_review_status(due, status, days):
    assert review_status(due, dt.date(2024, 1, 1), 90) == (status, days)


def test_review_dates_are_in_words_whatever_the_machine_locale():
    assert format_date(dt.date(2025, 3, 5)) == "5 March 2025"
    assert format_date(None) == ""


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("HEALTH_REVIEW_WARN_DAYS", -1),
        ("HEALTH_REVIEW_WARN_DAYS", "90"),
        ("HEALTH_REVIEW_NATION", "atlantis"),
        ("HEALTH_REVIEW_REVIEWERS", {"x": {"name": "No Role"}}),
        ("HEALTH_REVIEW_REVIEWERS", ["a"]),
        ("HEALTH_REVIEW_CARD_HEADING_LEVEL", 1),
        ("HEALTH_REVIEW_ADVISORY_LOG_LEVEL", "LOUD"),
    ],
)
def test_bad_settings_name_key_and_value(key, value):
    with pytest.raises(SettingsError, match=key):
        get_settings({key: value})


def test_settings_defaults_and_normalisation(config):
    assert config["HEALTH_REVIEW_INTERVAL_YEARS"] == 3
    assert config["HEALTH_REVIEW_NATION"] == "england"
    assert config["HEALTH_REVIEW_REVIEWERS"]["sam-okafor"] == ("Sam Okafor", "Registered Paramedic")
    settings = get_settings(
        {
            "HEALTH_REVIEW_NATION": "Northern Ireland",
            "DEFAULT_LANG": "en",
        }
    )
    assert settings["HEALTH_REVIEW_NATION"] == "northern-ireland"
    assert settings["HEALTH_REVIEW_LANGUAGE"] == "en-GB"


HEADER = """Title: Burns
last_reviewed: 2025-03-15
reviewed_by: dr-amira-khan
sources: NHS: Burns | https://www.nhs.uk/conditions/burns-and-scalds/
    not a url at all
    Red Cross | https://www.redcross.org.uk/first-aid

Body text.
"""


def test_header_lines_numbers_continuations():
    lines = header_lines(HEADER)
    assert lines["last_reviewed"] == [(2, "2025-03-15")]
    assert [n for n, _ in lines["sources"]] == [4, 5, 6]
    assert "body text." not in str(lines).lower()


def test_parse_sources_accepts_title_url_and_bare_url():
    sources, bad = parse_sources(
        ["A | https://a.example.org/x", "https://b.example.org/y", "No URL", "C | ftp://c.org"]
    )
    assert sources == [
        ("A", "https://a.example.org/x"),
        ("b.example.org", "https://b.example.org/y"),
    ]
    assert [index for index, _ in bad] == [2, 3]


def test_resolve_reviewer(config):
    reviewers = config["HEALTH_REVIEW_REVIEWERS"]
    assert resolve_reviewer("Dr-Amira-Khan", reviewers).role == "Consultant in Emergency Medicine"
    assert str(resolve_reviewer("Jo Bloggs, Pharmacist", reviewers)) == "Jo Bloggs, Pharmacist"
    assert resolve_reviewer("unknown-person", reviewers) is None


def _meta(**values):
    base = {
        "title": "T",
        "last_reviewed": "2025-03-15",
        "reviewed_by": "dr-amira-khan",
        "sources": "NHS | https://www.nhs.uk/",
    }
    base.update(values)
    return {k: v for k, v in base.items() if v is not None}


def test_parse_review_fresh(config):
    review = parse_review(_meta(audience="clinician", about="Burns"), config, display_path="a.md")
    assert review.problems == []
    assert review.next_review == dt.date(2028, 3, 15)
    assert review.reviewed_by.name == "Dr Amira Khan"
    assert review.audience == "clinician"
    assert review.is_health_advice
    assert review.last_reviewed_text == "15 March 2025"


def test_parse_review_problems_name_file_line_field_fix(config):
    lines = header_lines(HEADER)
    meta = {
        "last_reviewed": "2025-03-15",
        "reviewed_by": "dr-amira-kahn",
        "sources": [
            "NHS: Burns | https://www.nhs.uk/conditions/burns-and-scalds/",
            "not a url at all",
            "Red Cross | https://www.redcross.org.uk/first-aid",
        ],
    }
    review = parse_review(meta, config, display_path="content/a.md", lines=lines)
    by_field = {p.field: p for p in review.problems}
    assert by_field["reviewed_by"].line == 3
    assert "dr-amira-khan" in by_field["reviewed_by"].fix  # a did-you-mean hint
    assert by_field["sources"].line == 5
    assert "not a url at all" in by_field["sources"].problem
    assert all(p.file == "content/a.md" and p.severity == "error" for p in review.problems)
    assert len(review.sources) == 2


@pytest.mark.parametrize(
    ("meta", "field", "words"),
    [
        (_meta(reviewed_by=None), "reviewed_by", "no clinical reviewer"),
        (_meta(sources=None), "sources", "0 source"),
        (_meta(last_reviewed=None), "last_reviewed", "no last_reviewed"),
        (_meta(next_review="2025-01-01"), "next_review", "not after"),
        (_meta(content_type="blog"), "content_type", "not known"),
        (_meta(audience="aliens"), "audience", "not known"),
    ],
)
def test_parse_review_bad_input_one_message(config, meta, field, words):
    review = parse_review(meta, config, display_path="a.md")
    assert [(p.field, words in p.problem) for p in review.problems] == [(field, True)]


def test_hyphenated_key_and_bad_dates_are_not_said_twice(config):
    """content_guard names hyphenated keys and non-ISO dates; a missing field is not added."""
    meta = _meta(last_reviewed=None, **{"last-reviewed": "2025-03-15"})
    assert parse_review(meta, config, display_path="a.md").problems == []
    day_first = parse_review(_meta(last_reviewed="15/03/2025"), config, display_path="a.md")
    assert day_first.problems == []
    assert day_first.last_reviewed is None  # never guessed: no wrong date on the page


def test_news_carries_no_review_dates(config):
    review = parse_review({"content_type": "news"}, config, display_path="n.md")
    assert review.problems == []
    assert not review.is_health_advice
    assert review.status == "not-applicable"
    assert not review.shows_dates


def test_initialized_adds_care_cards_once_and_copies_markdown():
    from types import SimpleNamespace

    from health_review import health_review as plugin
    from health_review.care_cards import CareCardExtension

    shared = {"extension_configs": {"markdown.extensions.extra": {}}, "output_format": "html5"}
    pelican = SimpleNamespace(settings={"MARKDOWN": shared, "HEALTH_REVIEW_NATION": "wales"})
    plugin.initialized(pelican)
    plugin.initialized(pelican)
    extensions = pelican.settings["MARKDOWN"]["extensions"]
    assert [type(e) for e in extensions] == [CareCardExtension]
    assert extensions[0].getConfig("nation") == "wales"
    assert "extensions" not in shared  # pelicanconf's dict (or Pelican's default) is untouched


def test_a_bad_setting_stops_the_build_naming_key_and_value():
    from types import SimpleNamespace

    from health_review import health_review as plugin

    pelican = SimpleNamespace(settings={"HEALTH_REVIEW_WARN_DAYS": "soon", "MARKDOWN": {}})
    with pytest.raises(SettingsError) as caught:
        plugin.initialized(pelican)
    assert caught.value.key == "HEALTH_REVIEW_WARN_DAYS"
    assert "'soon'" in str(caught.value)
