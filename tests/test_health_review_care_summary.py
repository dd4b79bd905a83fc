"""Unit tests: the first-screen summary of the most urgent care card (care_summary.py)."""

from __future__ import annotations

import pytest
from health_review.care_cards import CareCardExtension
from health_review.care_summary import care_cards, first_card
from markdown import Markdown


def render(text: str) -> str:
    return Markdown(extensions=[CareCardExtension()]).convert(text)


def test_emergency_wins_over_an_earlier_urgent_card():
    html = render(
        "Intro.\n\n!!! urgent\n    - a burn bigger than your hand\n\n"
        '!!! emergency "Call 999 now if:"\n    - they are not breathing\n    - they will not wake\n'
    )
    card = first_card(html)
    assert card is not None
    assert (card.level, card.id) == ("emergency", "care-emergency-2")
    assert card.title == "Call 999 now if:"
    assert card.first_item == "they are not breathing"
    assert card.more == 1
    assert card.prefix == "Immediate action required: "
    assert not card.first_in_body
    assert f'id="{card.id}"' in html


def test_urgent_card_is_summarised_when_there_is_no_emergency():
    card = first_card(render("Text.\n\n!!! non-urgent\n    - x\n\n!!! urgent\n    - y\n"))
    assert (card.level, card.id, card.items) == ("urgent", "care-urgent-2", ["y"])
    assert card.more == 0


@pytest.mark.parametrize("text", ["", "Just text.", "!!! non-urgent\n    - see a GP\n", "<p>x</p>"])
def test_no_summary_without_an_urgent_card(text):
    assert first_card(render(text)) is None


def test_a_card_opening_the_body_is_marked_so_the_theme_skips_the_summary():
    assert first_card(render("!!! emergency\n    - x\n\nAfter.")).first_in_body


def test_item_text_is_plain_and_markup_is_not_trusted():
    html = render(
        '!!! emergency "Call <b>999</b> & \\"go\\""\n'
        "    - <script>alert(1)</script> **bold** item\n"
        "    - second\n        - nested, not counted\n"
    )
    card = first_card(html)
    assert "<" not in card.first_item and "bold item" in card.first_item
    assert len(card.items) == 2
    assert card.title.startswith("Call")


def test_cards_inside_other_blocks_and_ids_per_page():
    html = render("> !!! urgent\n>     - inside a quote\n\n!!! emergency\n    - after\n")
    assert [c.id for c in care_cards(html)] == ["care-urgent-1", "care-emergency-2"]
    # A second page starts counting again (one Markdown instance per page in Pelican).
    assert [c.id for c in care_cards(render("!!! urgent\n    - y\n"))] == ["care-urgent-1"]


def test_ten_thousand_items_parse_quickly():
    html = render("!!! urgent\n" + "".join(f"    - item {n}\n" for n in range(10_000)))
    assert len(first_card(html).items) == 10_000
