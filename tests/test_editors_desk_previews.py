"""editors_desk pure functions: truncation per network, crawler view of <head>, desk checks."""

from __future__ import annotations

import pytest
from editors_desk import get_settings
from editors_desk.crawl import check_head, crawler_view, read_head
from editors_desk.previews import (
    DEFAULT_RULES,
    ELLIPSIS,
    Fit,
    clamp_lines,
    columns,
    cut_chars,
    domain_of,
    preview,
    previews,
    rules_from_settings,
    wrap,
)
from editors_desk.problems import summary_problem, title_problems

LONG = (
    "What to do when someone faints at a crowded summer music festival, will not wake up "
    "quickly and you cannot find a first aider"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("abc", 3), ("", 0), ("日本", 4), ("🚑", 2), ("é", 1), ("e\u0301", 1), ("👩\u200d⚕️", 2)],
)
def test_columns_count_wide_characters_twice(text, expected):
    assert columns(text) == expected


def test_wrap_breaks_at_words_and_splits_long_words():
    assert wrap("one two three four", 9) == ["one two", "three", "four"]
    assert wrap("abcdefghij", 4) == ["abcd", "efgh", "ij"]
    assert wrap("  spaced   out  ", 20) == ["spaced out"]
    assert wrap("", 10) == []


def test_clamp_lines_keeps_short_text_whole():
    clamp = clamp_lines("How to do CPR", 36, 2)
    assert clamp.text == "How to do CPR"
    assert not clamp.truncated
    assert clamp.hidden == 0


def test_clamp_lines_cuts_after_the_last_visible_line_with_an_ellipsis():
    clamp = clamp_lines(LONG, 36, 2)
    assert clamp.truncated
    assert len(clamp.lines) == 2
    assert all(columns(line) <= 36 for line in clamp.lines)
    assert clamp.text.endswith(ELLIPSIS)
    assert clamp.lines[0] == "What to do when someone faints at a"
    assert clamp.text.removesuffix(ELLIPSIS) in LONG
    assert clamp.hidden > 40


def test_clamp_lines_never_ends_on_punctuation_before_the_ellipsis():
    clamp = clamp_lines("Alpha beta, gamma delta epsilon", 12, 1)
    assert clamp.text == "Alpha beta…"


@pytest.mark.parametrize(
    "text", ["<script>alert(1)</script> " * 5, "🚑" * 40, "日本語のテキスト" * 10, "مرحبا " * 30]
)
def test_clamp_lines_fits_any_script(text):
    clamp = clamp_lines(text, 20, 2)
    assert len(clamp.lines) <= 2
    assert all(columns(line) <= 20 for line in clamp.lines)


def test_clamp_lines_rejects_impossible_limits():
    with pytest.raises(ValueError, match="width"):
        clamp_lines("x", 1, 1)


def test_cut_chars_at_a_word_boundary():
    clamp = cut_chars(LONG, 80)
    assert clamp.truncated
    assert len(clamp.text) <= 80
    assert clamp.text.endswith("festival, will not…")
    assert cut_chars("short", 80).text == "short"
    assert not cut_chars("short", 80).truncated


def test_x_shows_image_and_domain_only():
    shown = preview(DEFAULT_RULES["x"], title=LONG, description="d", url="https://www.a.org/x/")
    assert shown.title is None
    assert shown.description is None
    assert shown.domain == "a.org"


def test_each_network_cuts_a_long_title_where_it_would():
    shown = {p.rule.key: p for p in previews(DEFAULT_RULES, title=LONG, description=LONG, url="")}
    for key in ("facebook", "linkedin", "whatsapp", "slack", "imessage", "bluesky"):
        rule = DEFAULT_RULES[key]
        title = shown[key].title
        assert title.truncated, key
        assert len(title.lines) == rule.title.lines
        assert all(columns(line) <= rule.title.width for line in title.lines), key
    assert shown["whatsapp"].description.truncated
    assert len(shown["whatsapp"].description.text) <= 80
    assert shown["linkedin"].description is None
    assert shown["imessage"].description is None
    assert shown["facebook"].domain == ""


def test_facebook_prints_the_domain_in_capitals():
    shown = preview(DEFAULT_RULES["facebook"], title="t", description="", url="https://b.uk/")
    assert shown.domain == "B.UK"
    assert (
        preview(DEFAULT_RULES["slack"], title="t", description="", url="", domain="c.uk").domain
        == "c.uk"
    )


def test_rules_can_be_overridden_per_network():
    rules = rules_from_settings({"facebook": {"title": {"chars": 50}, "description": None}})
    assert rules["facebook"].title == Fit(chars=50)
    assert rules["facebook"].description is None
    assert rules["whatsapp"] == DEFAULT_RULES["whatsapp"]


@pytest.mark.parametrize(
    "bad",
    [{"myspace": {}}, {"x": {"title": {"lines": 0, "width": 10}}}, {"x": {"title": "long"}},
     {"x": {"title": {"chars": 10, "lines": 2}}}],
)  # fmt: skip
def test_bad_rules_name_the_setting(bad):
    with pytest.raises(ValueError, match="EDITORS_DESK_PREVIEW_RULES"):
        rules_from_settings(bad)


def test_domain_of():
    assert domain_of("https://www.sharewell.org.uk/a/") == "sharewell.org.uk"
    assert domain_of("") == ""


HEAD = """<!DOCTYPE html><html><head><title>A &amp; B</title>
<link rel="canonical" href="https://a.org/x/">
<meta property="og:title" content="A &amp; B"><meta name="og:description" content="wrong">
<meta property="og:image" content="/og/x.png"><meta property="og:url" content="https://a.org/x/">
<meta property="og:type" content="article"><meta name="twitter:card" content="summary_large_image">
</head><body><meta property="og:title" content="in body"></body></html>"""


def test_read_head_returns_tags_in_order_and_stops_at_body():
    tags = read_head(HEAD)
    assert [t.key for t in tags][:3] == ["title", "canonical", "og:title"]
    assert tags[0].content == "A & B"
    assert all(t.content != "in body" for t in tags)


def test_crawler_view_ignores_og_tags_given_with_name():
    view = crawler_view(read_head(HEAD))
    assert view["og:title"] == "A & B"
    assert "og:description" not in view


def test_check_head_reports_misnamed_relative_and_missing_tags():
    found = {p["problem"]: p["severity"] for p in check_head(read_head(HEAD))}
    assert found["`og:description` is given with name= instead of property="] == "error"
    assert found["`og:image` is not an absolute URL (/og/x.png)"] == "error"
    assert found["the card image has no `og:image:alt`"] == "warning"
    assert check_head([])[0]["severity"] == "warning"


def test_title_problem_severity_depends_on_length():
    cut = previews(DEFAULT_RULES, title=LONG, description="", url="")
    [problem] = title_problems(cut, LONG, 70, "a.md")
    assert problem.severity == "warning"
    assert "WhatsApp" in problem.problem
    assert "X" not in problem.problem.split(":")[1]
    short = "A title that iMessage cuts off after two lines but under seventy"
    [advice] = title_problems(
        previews(DEFAULT_RULES, title=short, description="", url=""), short, 70, "a.md"
    )
    assert advice.severity == "info"
    assert (
        title_problems(
            previews(DEFAULT_RULES, title="CPR", description="", url=""), "CPR", 70, "a.md"
        )
        == []
    )


def test_summary_problem_only_for_articles_without_one():
    assert summary_problem(None, True, "a.md")[0].severity == "warning"
    assert summary_problem("Yes", True, "a.md") == []
    assert summary_problem(None, False, "a.md") == []


def test_settings_defaults_and_errors():
    config = get_settings({})
    assert config["EDITORS_DESK_ENABLED"] is False
    assert config["EDITORS_DESK_PATH"] == "_desk"
    assert config["EDITORS_DESK_TITLE_MAX"] == 70
    assert config["rules"] == DEFAULT_RULES
    for key, value in (
        ("EDITORS_DESK_ENABLED", "yes"),
        ("EDITORS_DESK_PATH", "../up"),
        ("EDITORS_DESK_TITLE_MAX", 5),
        ("EDITORS_DESK_DOMAIN", "https://x.org/"),
        ("EDITORS_DESK_PREVIEW_RULES", []),
    ):
        with pytest.raises(ValueError, match=key):
            get_settings({key: value})


def test_tags_from_og_follow_the_partial():
    from editors_desk.crawl import tags_from_og

    og = {"type": "article", "title": "T", "image": "https://a.org/og/x.png", "tags": ["cpr"],
          "twitter_card": "summary_large_image", "twitter_site": None}  # fmt: skip
    tags = tags_from_og(og)
    assert [(t.attribute, t.key) for t in tags] == [
        ("property", "og:type"), ("property", "og:title"), ("property", "og:image"),
        ("property", "article:tag"), ("name", "twitter:card"),
    ]  # fmt: skip
    assert crawler_view(tags)["og:image"] == "https://a.org/og/x.png"


def test_the_desk_shows_the_readability_health_review_measured():
    """The desk never re-scores a page: it shows content.review.readability."""
    from types import SimpleNamespace

    from editors_desk.rows import flesch

    assert flesch(SimpleNamespace(review=SimpleNamespace(readability=71.234))) == 71.2
    assert flesch(SimpleNamespace(review=SimpleNamespace(readability=None))) is None
    assert flesch(SimpleNamespace()) is None


class _Content:
    def __init__(self, status="published", date=None, **extra):
        self.status, self.date, self.metadata = status, date, {}
        self.__dict__.update(extra)


def test_content_status():
    import datetime as dt

    from editors_desk.rows import content_status
    from kernel.contracts import Schedule

    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    future = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    assert content_status(_Content(), now) == "published"
    assert content_status(_Content("draft"), now) == "draft"
    assert content_status(_Content("hidden"), now) == "hidden"
    assert content_status(_Content(date=future), now) == "scheduled"
    schedule = Schedule(goes_live=dt.date(2027, 1, 1), requested=False)
    assert content_status(_Content(schedule=schedule), now) == "scheduled"
    # With the scheduling plugin on, its decision wins over the clock.
    assert content_status(_Content(date=future, schedule=None), now) == "published"


def test_site_path_keeps_the_desk_same_origin():
    from editors_desk.rows import site_path

    assert site_path("http://127.0.0.1:8000/og/a.png", "http://127.0.0.1:8000") == "og/a.png"
    assert site_path("/og/a.png", "http://127.0.0.1:8000") == "og/a.png"
    assert site_path("https://cdn.example/og/a.png", "http://127.0.0.1:8000") is None
    assert site_path("", "http://127.0.0.1:8000") is None


def test_clamp_lines_property():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=300, deadline=None)
    @given(
        st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200),
        st.integers(min_value=2, max_value=80),
        st.integers(min_value=1, max_value=4),
    )
    def check(text, width, lines):
        clamp = clamp_lines(text, width, lines)
        assert len(clamp.lines) <= lines
        assert all(columns(line) <= width for line in clamp.lines)
        if not clamp.truncated:
            assert "".join(clamp.text.split()) == "".join(text.split())
        else:
            assert clamp.text.endswith(ELLIPSIS)

    check()


def test_columns_counts_ascii_and_other_text_alike():
    # ASCII takes a fast path (len); it must agree with the per-character rule.
    from editors_desk.previews import columns

    assert all(columns(chr(code) * 2) == 2 for code in range(128))
    assert columns("Cafe\u0301 CPR") == 8  # a combining accent takes no column
    assert columns("急救 CPR") == 8  # wide characters take two
    assert columns("\U0001f9d1\u200d\U0001f384b") == 3  # the joiner glues the two emoji
