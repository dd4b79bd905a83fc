"""The kernel's pure primitives: URLs, text, dates, settings tables, runs."""

from __future__ import annotations

import datetime as dt
import re
import sys

import pytest
from kernel import clock, runs, settings, text, urls


@pytest.mark.parametrize(
    ("siteurl", "url", "expected"),
    [
        ("https://s.org", "", "https://s.org/"),
        ("https://s.org/", "", "https://s.org/"),
        ("https://s.org", "first-aid/cpr/", "https://s.org/first-aid/cpr/"),
        ("https://s.org/", "/first-aid/cpr/", "https://s.org/first-aid/cpr/"),
        ("https://s.org", "{static}/images/a.png", "https://s.org/images/a.png"),
        ("https://s.org", "{attach}images/a.png", "https://s.org/images/a.png"),
        ("https://s.org", "https://www.nhs.uk/x", "https://www.nhs.uk/x"),
        ("https://s.org", "HTTPS://www.nhs.uk/x", "HTTPS://www.nhs.uk/x"),
        ("https://s.org", "//cdn.example/x", "https://cdn.example/x"),
        ("http://127.0.0.1:8000", "og/a-1.png", "http://127.0.0.1:8000/og/a-1.png"),
        ("", "first-aid/cpr/", "/first-aid/cpr/"),
        ("", "", "/"),
        ("https://s.org/sub", "a/", "https://s.org/sub/a/"),
        ("https://s.org", 'a b/"q"<x>/', "https://s.org/a%20b/%22q%22%3Cx%3E/"),
        ("https://s.org", "a/?q=1#top", "https://s.org/a/?q=1#top"),
    ],
)
def test_absolute_is_one_rule(siteurl, url, expected):
    assert urls.absolute(siteurl, url) == expected


@pytest.mark.parametrize(
    "url",
    ["ftp://h/x", "javascript:alert(1)", "data:text/html,x", "mailto:a@b.c", " jav\tascript:x"],
)
def test_absolute_refuses_other_schemes(url):
    with pytest.raises(urls.UnsafeURLError):
        urls.absolute("https://s.org", url)


@pytest.mark.parametrize(
    ("href", "safe"),
    [
        ("https://www.nhs.uk", True),
        ("/first-aid/", True),
        ("#steps", True),
        ("mailto:hello@sharewell.org.uk", True),
        ("tel:999", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        ("  javascript:alert(1)", False),
        ("java\nscript:alert(1)", False),
        ("jav&#x61;script:alert(1)", False),
        ("\x01javascript:alert(1)", False),
        ("data:text/html;base64,PHNjcmlwdD4=", False),
        ("vbscript:x", False),
        ("file:///etc/passwd", False),
    ],
)
def test_safe_links_see_through_obfuscation(href, safe):
    assert urls.is_safe_link(href) is safe


def test_url_paths_and_files():
    assert urls.url_path("first-aid/cpr/") == "/first-aid/cpr/"
    assert urls.url_path("https://s.org/x/") == "/x/"
    assert urls.output_file("/a/b/") == "a/b/index.html"
    assert urls.output_file("/") == "index.html"
    assert urls.path_of_file("a/b/index.html") == "/a/b/"
    assert urls.path_of_file("index.html") == "/"
    assert urls.path_of_file("feeds/all.atom.xml") == "/feeds/all.atom.xml"


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("<p>Call <strong>999</strong> now.</p>", "Call 999 now."),
        ("<p>One</p><p>Two</p>", "One Two"),
        ("a<br>b", "a b"),
        ("<script>alert(1)</script>Safe", "Safe"),
        ("<style>p{}</style>Text &amp; more &#x27;q&#x27;", "Text & more 'q'"),
        ("Fish &lt;script&gt;", "Fish <script>"),
        ("<ul><li>a</li><li>b</li></ul>", "a b"),
        ("  lots \n of\t space ", "lots of space"),
        ("<p>unclosed <em>tags", "unclosed tags"),
        (None, ""),
        ("", ""),
    ],
)
def test_html_to_text(fragment, expected):
    assert text.html_to_text(fragment) == expected


def test_html_to_text_skips_classes_and_keeps_paragraphs():
    body = '<div class="care-card emergency"><p>Call 999</p></div><p>First. Second.</p>'
    assert text.html_to_text(body, skip_classes=("care-card",)) == "First. Second."
    assert text.paragraphs(body, skip_classes=("care-card",)) == ["First. Second."]
    assert text.html_to_text(body) == "Call 999 First. Second."


def test_plain_and_shorten():
    assert text.plain("Why <script> tags &amp; matter") == "Why <script> tags & matter"
    assert text.shorten("one two three four", 12) == "one two…"
    assert len(text.shorten("x" * 10_000, 200)) == 200
    assert text.shorten("short", 10) == "short"


def test_control_characters_are_found_named_and_made_visible():
    value = "Title\x07 with\x1b[31m escape\u2028"
    assert text.control_characters(value) == ["\x07", "\x1b", "\u2028"]
    assert text.strip_control(value) == "Title with[31m escape"
    assert text.char_name("\x07") == "U+0007 (BELL)"
    assert text.visible("a\x07b\x1b") == "a\\x07b\\x1b"
    assert text.control_characters("tab\tand\nnewline") == []
    assert text.xml_safe("a\x00b\x0bc") == "abc"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-01", dt.date(2026, 11, 1)),
        ("2026-11-01 09:30", dt.datetime(2026, 11, 1, 9, 30)),
        ("2026-11-01T09:30:15", dt.datetime(2026, 11, 1, 9, 30, 15)),
        ("2026-11-01T09:30Z", dt.datetime(2026, 11, 1, 9, 30, tzinfo=dt.UTC)),
        (
            "2026-11-01T09:30+0100",
            dt.datetime(2026, 11, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        ),
        (dt.date(2026, 1, 2), dt.date(2026, 1, 2)),
    ],
)
def test_parse_date_accepts_iso_8601(value, expected):
    assert clock.parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "suggestion"),
    [
        ("01/11/2026", "2026-11-01"),  # day first, as written in the UK
        ("1/11/2026", "2026-11-01"),
        ("01.11.2026", "2026-11-01"),
        ("25/12/26", "2026-12-25"),
        ("11/25/2026", "2026-11-25"),  # only month-first makes sense
        ("2026/11/01", "2026-11-01"),
        ("1 November 2026", "2026-11-01"),
        ("1st Nov 2026", "2026-11-01"),
        ("November 1, 2026", "2026-11-01"),
        ("1 Tachwedd 2026", "2026-11-01"),
        ("2028-13-01", "2028-01-13"),
        ("01/11/2026 09:30", "2026-11-01 09:30"),
        ("2026-02-30", None),
        ("tomorrow", None),
        ("", None),
        ("31/02/2026", None),
    ],
)
def test_parse_date_refuses_everything_else_with_a_suggestion(value, suggestion):
    with pytest.raises(clock.DateError) as caught:
        clock.parse_date(value)
    assert caught.value.suggestion == suggestion
    if suggestion:
        assert suggestion in caught.value.fix


def test_local_date_uses_the_site_zone():
    assert clock.local_date("2025-03-15T23:30-02:00", "Europe/London") == dt.date(2025, 3, 16)
    assert clock.local_date("2025-03-15 23:30", "Europe/London") == dt.date(2025, 3, 15)


def test_today_order_and_errors():
    assert clock.today({}, {"SHAREWELL_TODAY": "2030-01-02"}) == dt.date(2030, 1, 2)
    assert clock.today({"SHAREWELL_TODAY": "2029-05-06"}, {}) == dt.date(2029, 5, 6)
    env_wins = clock.today({"SHAREWELL_TODAY": "2029-05-06"}, {"SHAREWELL_TODAY": "2030-01-02"})
    assert env_wins == dt.date(2030, 1, 2)
    assert clock.today({"SHAREWELL_TODAY": dt.date(2029, 1, 1)}, {}) == dt.date(2029, 1, 1)
    with pytest.raises(clock.DateError) as caught:
        clock.today({}, {"SHAREWELL_TODAY": "01/05/2028"})
    assert "environment variable" in str(caught.value)
    assert caught.value.suggestion == "2028-05-01"
    with pytest.raises(clock.DateError):
        clock.today({"SHAREWELL_TODAY": "2028-13-01"}, {})
    assert isinstance(clock.today({"TIMEZONE": "Europe/London"}, {}), dt.date)


def test_format_date_in_the_page_language():
    day = dt.date(2025, 3, 15)
    assert clock.format_date(day) == "15 March 2025"
    assert clock.format_date(day, "en") == "15 March 2025"
    assert clock.format_date(day, "cy") == "15 Mawrth 2025"
    assert clock.format_date(dt.datetime(2025, 3, 15, 9), "en-GB") == "15 March 2025"
    assert clock.format_date(day, "xx-nonsense") == "15 March 2025"
    assert clock.format_date(None) == ""


def test_settings_table_reads_checks_and_never_writes():
    table = (
        settings.Setting("X_ON", True, "switch", settings.boolean),
        settings.Setting("X_N", 3, "count", settings.integer(0, 10)),
        settings.Setting("X_MODE", "a", "mode", settings.one_of("a", "b")),
        settings.Setting("X_COLOUR", "#00425a", "colour", settings.colour),
        settings.Setting("X_DIR", "share", "folder", settings.relative_folder),
        settings.Setting("X_NETS", ["x"], "networks", settings.strings),
    )
    source = {"X_N": 5, "X_MODE": "B", "X_NETS": "x, bluesky", "X_ON": False}
    read = settings.read(source, table)
    assert read == {
        "X_ON": False,
        "X_N": 5,
        "X_MODE": "b",
        "X_COLOUR": "#00425a",
        "X_DIR": "share",
        "X_NETS": ["x", "bluesky"],
    }
    assert source == {"X_N": 5, "X_MODE": "B", "X_NETS": "x, bluesky", "X_ON": False}
    bad_values = [{"X_N": 11}, {"X_N": True}, {"X_MODE": "c"}, {"X_COLOUR": "red"}]
    bad_values += [{"X_DIR": "../x"}, {"X_DIR": "/abs"}, {"X_NETS": [1]}, {"X_ON": "yes"}]
    for bad in bad_values:
        with pytest.raises(settings.SettingsError) as caught:
            settings.read(bad, table)
        key = next(iter(bad))
        assert caught.value.key == key
        assert str(caught.value).startswith(f"{key}=")
    assert "| `X_N` | `3` | count |" in settings.markdown_table(table)


def test_run_slot_gives_each_run_a_fresh_state():
    made = []
    slot = runs.RunSlot(lambda s: made.append(s) or object())
    runs._run_started(None)
    first = slot.get({})
    assert slot.get({}) is first
    assert slot.peek() is first
    runs._run_started(None)  # autoreload: the same Pelican object runs again
    assert slot.peek() is None
    second = slot.get({})
    assert second is not first
    slot.drop()
    assert slot.peek() is None
    assert len(made) == 2


def test_collapse_treats_every_unicode_space_as_regular_expressions_do():
    collapse = text.collapse
    spaces = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if re.fullmatch(r"\s", c))
    assert spaces == "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
    assert collapse(f"{spaces}Call{spaces}999\n\n now{spaces}") == "Call 999 now"
    assert collapse(None) == collapse("") == collapse(spaces) == ""
    assert collapse("a\u200bb") == "a\u200bb"  # a zero-width space is not white space
