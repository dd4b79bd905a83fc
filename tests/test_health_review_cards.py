"""Unit tests: the care-card Markdown extension and its source checks."""

from __future__ import annotations

import markdown
import pytest
from bs4 import BeautifulSoup
from health_review.care_cards import PREFIXES, CareCardExtension, default_title
from health_review.checks import check_care_cards
from hypothesis import given, settings
from hypothesis import strategies as st


def render(text: str, **config) -> BeautifulSoup:
    md = markdown.Markdown(
        extensions=["extra", "toc", "smarty", CareCardExtension(**config)], output_format="html5"
    )
    return BeautifulSoup(md.convert(text), "html.parser")


@pytest.mark.parametrize("level", ["non-urgent", "urgent", "emergency"])
def test_each_level_renders_accessible_card(level):
    soup = render(f'!!! {level} "Do this if:"\n    - one\n    - two\n')
    card = soup.select_one(f".care-card.care-card--{level}")
    assert card is not None
    heading = card.select_one(".care-card__heading")
    assert heading.name == "h2"  # nothing before it: one level below the page h1
    hidden = heading.select_one(".visually-hidden")
    assert hidden.get_text() == PREFIXES[level] + " "
    assert heading.get_text() == PREFIXES[level] + " Do this if:"
    assert [li.get_text() for li in card.select(".care-card__content li")] == ["one", "two"]
    assert "data-care-card" not in str(soup)


@pytest.mark.parametrize(
    ("nation", "words"),
    [
        ("england", "Call 111 or get help from 111 online if:"),
        ("wales", "NHS 111 Wales"),
        ("scotland", "NHS 24 on 111"),
        ("northern-ireland", "GP out of hours"),
    ],
)
def test_urgent_default_title_is_nation_aware(nation, words):
    soup = render("!!! urgent\n    - a\n", nation=nation)
    assert words in soup.select_one(".care-card__heading").get_text()
    assert words in default_title("urgent", nation)


def test_default_titles_and_quoting():
    soup = render('!!! emergency\n    - a\n\n!!! non-urgent ""\n    - b\n')
    headings = [h.get_text() for h in soup.select(".care-card__heading")]
    assert headings[0].endswith("Call 999 or go to A&E now if:")
    assert headings[1].endswith("See a GP if:")
    assert "A&amp;E" in str(soup.select_one(".care-card__heading"))


def test_heading_level_follows_outline():
    soup = render(
        '## Section\n\n!!! urgent "U"\n    - a\n\n### Sub\n\n!!! emergency "E"\n    - b\n'
    )
    assert [h.name for h in soup.select(".care-card__heading")] == ["h3", "h4"]
    fixed = render('## S\n\n!!! urgent "U"\n    - a\n', heading_level=2)
    assert fixed.select_one(".care-card__heading").name == "h2"


def test_nested_lists_and_continuation_blocks():
    text = (
        '!!! emergency "Call 999 if:"\n    - they are not breathing\n        - or gasping\n\n'
        "    - they have chest pain\n\nAfter the card.\n"
    )
    soup = render(text)
    card = soup.select_one(".care-card")
    assert len(card.select(".care-card__content > ul > li")) == 2
    assert card.select_one("li ul li").get_text() == "or gasping"
    assert soup.find("p", string="After the card.").find_parent(class_="care-card") is None


def test_text_before_card_in_same_block_and_case():
    soup = render('Intro line\n!!! URGENT "Call 111 if:"\n    - a\n')
    assert soup.find("p").get_text() == "Intro line"
    assert soup.select_one(".care-card--urgent") is not None


@pytest.mark.parametrize(
    "text",
    [
        '!!! warning "Not ours"\n    - a\n',  # unknown level stays text
        '!!! urgent "unterminated\n    - a\n',
        '```\n!!! urgent "in code"\n```\n',
    ],
)
def test_bad_syntax_is_never_a_card_or_a_crash(text):
    soup = render(text)
    assert soup.select(".care-card") == []


def test_card_without_list_still_renders():
    soup = render('!!! urgent "Call 111 if:"\n\nNext paragraph.\n')
    assert soup.select_one(".care-card__content").get_text(strip=True) == ""


SOURCE = """Title: Cards
Summary: x

Intro.

!!! emergency "Call 999 if:"
    - someone is unconscious
    - read [more](https://www.nhs.uk/)

!!! urgent "Call 111 if:"
    Just a paragraph, no list.

!!! warnng "Typo level"
    - a

!!! non-urgent "See a GP if:
    - unterminated title

```
!!! emergency "inside code is fine"
```

- a list item
    !!! urgent "nested"
        - a
"""


def test_check_care_cards_names_lines_and_fixes():
    problems = check_care_cards(SOURCE, "content/x.md")
    found = [(p.line, p.severity, p.problem.split(" ")[1]) for p in problems]
    assert (8, "error", "emergency") in found  # the link line, not the card line
    assert (10, "error", "urgent") in found  # no list
    assert any(p.line == 13 and "unknown care-card level `warnng`" in p.problem for p in problems)
    assert any(p.line == 16 and "double quotes" in p.problem for p in problems)
    assert any(p.line == 24 and "nested" in p.problem for p in problems)
    assert not any(p.line == 20 for p in problems)
    assert all(p.field == "care card" and p.fix for p in problems)


@pytest.mark.parametrize(
    "link",
    [
        "[NHS](https://www.nhs.uk/)",
        "<https://www.nhs.uk/>",
        "see www.nhs.uk",
        '<a href="/x/">x</a>',
        "[ref][1]",
    ],
)
def test_emergency_card_rejects_every_link_form(link):
    problems = check_care_cards(f'T: x\n\n!!! emergency "Call 999 if:"\n    - {link}\n', "f.md")
    assert [p.problem for p in problems] == ["the emergency care card contains a link"]


def test_urgent_card_may_link():
    text = 'T: x\n\n!!! urgent "Call 111 if:"\n    - use [111 online](https://111.nhs.uk/)\n'
    assert check_care_cards(text, "f.md") == []


@pytest.mark.parametrize("title", ["حروق: اتصل بالرقم 999", "Call 999 🚑 now if:", "x" * 300])
def test_rtl_emoji_and_long_titles(title):
    soup = render(f'!!! emergency "{title}"\n    - a\n')
    assert soup.select_one(".care-card__heading").get_text().endswith(title)


LINES = st.sampled_from(
    [
        '!!! emergency "E"',
        "!!! urgent",
        '!!! non-urgent "N',
        "!!! bogus",
        "    - item",
        "        - nested",
        "    text [l](https://x.org)",
        "",
        "Para",
        "- list",
        "```",
        "## H",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(LINES, max_size=14))
def test_any_arrangement_renders_and_checks_without_error(lines):
    text = "\n".join(lines) + "\n"
    render(text)
    for problem in check_care_cards("Title: x\n\n" + text, "f.md"):
        assert problem.line and problem.line >= 3
        assert problem.fix


def test_more_than_two_warning_callouts_is_a_warning():
    card = '!!! {} "Call if:"\n    - a\n\n'
    text = "T: x\n\n" + card.format("emergency") + card.format("urgent") + card.format("non-urgent")
    assert check_care_cards(text, "f.md") == []
    problems = check_care_cards(text + card.format("urgent"), "f.md")
    assert [(p.severity, p.line) for p in problems] == [("warning", 12)]
    assert "3 urgent or emergency care cards" in problems[0].problem


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_care_card_colours_meet_aa_contrast():
    import re
    from pathlib import Path

    css_file = Path(__file__).parent.parent / "theme/static/css/critical.css"
    css = css_file.read_text(encoding="utf-8")
    section = css.split("/* === health_review === */")[1].split("/* === end health_review")[0]
    colours = set(re.findall(r"#[0-9a-fA-F]{6}\b", section)) - {"#ffffff"}
    assert {"#0b5394", "#a4171c", "#8f1d21", "#1d2733"} <= colours
    for colour in colours - {"#000000"}:
        assert contrast("#ffffff", colour) >= 4.5, colour
