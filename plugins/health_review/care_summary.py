"""The first-screen summary of a page's most urgent care card.

On a phone the first emergency card of an article is often well below the first screen. The
theme shows a short summary of it under the title ("Call 999 now if: <first sign>", linked to the
card), read from ``review.first_card``. Emergency cards win over urgent ones whatever their order:
life at risk comes first. Non-urgent cards are never summarised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from .care_cards import CARD_CLASS

SUMMARISED = ("emergency", "urgent")


@dataclass
class CareCard:
    """What a summary needs from one rendered care card."""

    level: str
    id: str
    title: str = ""
    items: list[str] = field(default_factory=list)
    first_in_body: bool = False
    prefix: str = ""  # the visually hidden words screen readers hear first ("Urgent advice: ")

    @property
    def first_item(self) -> str:
        return self.items[0] if self.items else ""

    @property
    def more(self) -> int:
        """Return how many list items the summary leaves out."""
        return max(len(self.items) - 1, 0)


class _CardParser(HTMLParser):
    """Collect the care cards of rendered Markdown (markup made by care_cards.py)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cards: list[CareCard] = []
        self._depth = 0  # element nesting (inside the current card: from its root <div>)
        self._outer = 0  # nesting outside the card, restored when it closes
        self._card: CareCard | None = None
        self._in_heading = self._hidden = 0
        self._list_depth = 0
        self._item: list[str] | None = None
        self._blocks = 0  # top-level elements seen before the first card

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if self._card is None:
            if self._depth == 0 and not self.cards and CARD_CLASS not in classes:
                self._blocks += 1
            prefix = CARD_CLASS + "--"
            level = next((c.removeprefix(prefix) for c in classes if c.startswith(prefix)), "")
            if tag == "div" and CARD_CLASS in classes and level:
                self._card = CareCard(level, dict(attrs).get("id") or "")
                self._card.first_in_body = not self.cards and self._blocks == 0
                self._outer, self._depth = self._depth, 1
            elif tag not in VOID:
                self._depth += 1
            return
        if tag in VOID:
            return
        self._depth += 1
        if f"{CARD_CLASS}__heading" in classes:
            self._in_heading = self._depth
        elif self._in_heading and "visually-hidden" in classes:
            self._hidden = self._depth
        elif tag in {"ul", "ol"}:
            self._list_depth += 1
        elif tag == "li" and self._list_depth == 1:
            self._item = []

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if self._card is None:
            self._depth = max(self._depth - 1, 0)
            return
        if self._hidden == self._depth:
            self._hidden = 0
        elif self._in_heading == self._depth:
            self._in_heading = 0
        elif tag in {"ul", "ol"}:
            self._list_depth -= 1
        elif tag == "li" and self._item is not None and self._list_depth == 1:
            self._card.items.append(" ".join("".join(self._item).split()))
            self._item = None
        self._depth -= 1
        if self._depth == 0:
            self._card.title = " ".join(self._card.title.split())
            self.cards.append(self._card)
            self._card = None
            self._depth = self._outer

    def handle_data(self, data: str) -> None:
        if self._card is None:
            return
        if self._in_heading and self._hidden:
            self._card.prefix += data
        elif self._in_heading:
            self._card.title += data
        elif self._item is not None:
            self._item.append(data)


VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


def care_cards(html: str) -> list[CareCard]:
    """Return every care card in rendered HTML, in document order."""
    parser = _CardParser()
    parser.feed(html or "")
    parser.close()
    return parser.cards


def first_card(html: str) -> CareCard | None:
    """Return the card a first-screen summary shows: the first emergency, else the first urgent."""
    if CARD_CLASS not in (html or ""):
        return None  # most pages have no care card: no need to parse them
    cards = [card for card in care_cards(html) if card.id and card.title]
    for level in SUMMARISED:
        for card in cards:
            if card.level == level:
                return card
    return None
