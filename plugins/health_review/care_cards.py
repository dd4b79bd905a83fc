"""Care cards: a Python-Markdown extension for NHS-style urgency boxes.

Writers type::

    !!! emergency "Call 999 or go to A&E now if:"
        - someone is unconscious

    !!! urgent
        - you are worried about a burn

Levels: ``non-urgent``, ``urgent``, ``emergency``. Without a quoted title the
card gets the standard wording, which for ``urgent`` depends on the nation
(``nation`` config / ``HEALTH_REVIEW_NATION``). Each card starts with a visually
hidden prefix for screen readers ("Immediate action required:" ...). Heading
level ``auto`` picks one below the nearest preceding heading (h2 at the least).

Checks on the writer's source (no list, links in an emergency card, unknown
level) live in ``checks.check_care_cards`` so they can name the line.

Headings and the hidden prefix are in the page's language (``Lang:`` of the document, read
from Python-Markdown's ``Meta`` before blocks are parsed), from this plugin's catalogs
(``translations/<lang>/LC_MESSAGES/health_review.po``). A page in Welsh is read in Wales, so
its urgent card names NHS 111 Wales whatever ``nation`` says (``LANGUAGE_NATIONS``).

Each card gets an ``id`` (``care-emergency-1``: level and position among the page's cards) so
the theme's first-screen summary (``care_summary.first_card``) can link to it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree  # noqa: N813 - Markdown's own idiom

from kernel import lang
from kernel.i18n import N_, plugin_translator
from markdown import Markdown
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

TRANSLATE = plugin_translator(__file__, "health_review")
LEVELS = ("non-urgent", "urgent", "emergency")
PREFIXES = {
    "non-urgent": N_("Non-urgent advice:"),
    "urgent": N_("Urgent advice:"),
    "emergency": N_("Immediate action required:"),
}
URGENT_TITLES = {
    "england": N_("Call 111 or get help from 111 online if:"),
    "wales": N_("Call NHS 111 Wales or get help from NHS 111 Wales online if:"),
    "scotland": N_("Call NHS 24 on 111 if:"),
    "northern-ireland": N_("Contact your GP out of hours service if:"),
}
DEFAULT_TITLES = {
    "non-urgent": N_("See a GP if:"),
    "emergency": N_("Call 999 or go to A&E now if:"),
}
# Languages whose readers live in one nation: their urgent cards name that nation's service.
LANGUAGE_NATIONS = {"cy": "wales"}
CARD_CLASS = "care-card"
_HEADINGS = {f"h{n}": n for n in range(1, 7)}


def default_title(level: str, nation: str = "england") -> str:
    """Return the standard heading for a care card of ``level`` in ``nation``."""
    if level == "urgent":
        return URGENT_TITLES.get(nation, URGENT_TITLES["england"])
    return DEFAULT_TITLES[level]


def nation_for(tag: str | None, nation: str) -> str:
    """Return the nation whose services a page in language ``tag`` names."""
    return LANGUAGE_NATIONS.get(lang.primary(tag), nation)


def normalise_level(word: str) -> str | None:
    """Return the canonical level for a writer's word (``non_urgent`` too), else None."""
    level = word.strip().lower().replace("_", "-")
    if level == "nonurgent":
        level = "non-urgent"
    return level if level in LEVELS else None


class CareCardProcessor(BlockProcessor):
    """Turn `!!! level "title"` plus an indented block into a care card."""

    RE = re.compile(
        r"(?:^|\n)!!![ \t]*(?P<level>non[-_]?urgent|urgent|emergency)"
        r'(?:[ \t]+"(?P<title>[^\n]*?)")?[ \t]*(?:\n|$)',
        re.IGNORECASE,
    )

    def __init__(self, parser, extension: CareCardExtension) -> None:
        super().__init__(parser)
        self.extension = extension

    def _last_card(self, parent: etree.Element) -> etree.Element | None:
        sibling = self.lastChild(parent)
        if sibling is not None and sibling.get("data-care-card"):
            return sibling
        return None

    def test(self, parent: etree.Element, block: str) -> bool:
        if self.RE.search(block):
            return True
        # An indented block straight after a card continues it (lists with blank lines).
        return block.startswith(" " * self.tab_length) and self._last_card(parent) is not None

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        block = blocks.pop(0)
        match = self.RE.search(block)
        if match:
            if match.start() > 0:
                self.parser.parseBlocks(parent, [block[: match.start()]])
            level = normalise_level(match["level"]) or "urgent"
            title = match["title"]
            tag = self._language()
            if title is None or not title.strip():
                nation = nation_for(tag, self.extension.getConfig("nation"))
                title = self._words(tag, default_title(level, nation))
            prefix = self._words(tag, PREFIXES[level]) + " "
            content = self._make_card(parent, level, title.strip(), prefix)
            block = block[match.end() :]
        else:
            card = self._last_card(parent)
            content = card[1]
        block, rest = self.detab(block)
        if block.strip():
            self.parser.parseChunk(content, block)
        if rest:
            blocks.insert(0, rest)

    def _language(self) -> str | None:
        """Return the document's ``Lang:`` (Pelican's reader runs Markdown's meta first)."""
        meta = getattr(self.parser.md, "Meta", None) or {}
        values = meta.get("lang") or []
        return str(values[0]).strip() if values else None

    def _words(self, tag: str | None, message: str) -> str:
        settings = self.extension.getConfig("settings") or {}
        return TRANSLATE(settings, tag, message) if tag else message

    def _make_card(
        self, parent: etree.Element, level: str, title: str, prefix: str
    ) -> etree.Element:
        card = etree.SubElement(parent, "div")
        card.set("class", f"{CARD_CLASS} {CARD_CLASS}--{level}")
        card.set("data-care-card", level)
        heading = etree.SubElement(card, "h3")
        heading.set("class", f"{CARD_CLASS}__heading")
        hidden = etree.SubElement(heading, "span")
        hidden.set("class", "visually-hidden")
        hidden.text = prefix
        hidden.tail = title
        content = etree.SubElement(card, "div")
        content.set("class", f"{CARD_CLASS}__content")
        return content


class CareCardHeadings(Treeprocessor):
    """Give card headings a level that fits the document outline."""

    def __init__(self, md: Markdown, extension: CareCardExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, root: etree.Element) -> None:
        fixed = self.extension.getConfig("heading_level")
        last = 1
        count = 0
        for element in root.iter():
            if element.get("data-care-card"):
                count += 1
                element.set("id", f"care-{element.get('data-care-card')}-{count}")
                heading = element[0]
                level = fixed if fixed != "auto" else min(max(last + 1, 2), 6)
                heading.tag = f"h{level}"
            elif element.tag in _HEADINGS and "care-card__heading" not in (
                element.get("class") or ""
            ):
                last = _HEADINGS[element.tag]
        for element in root.iter():
            element.attrib.pop("data-care-card", None)


class CareCardExtension(Extension):
    """Python-Markdown extension: ``!!! emergency|urgent|non-urgent "Title"`` care cards."""

    def __init__(self, **kwargs) -> None:
        self.config = {
            "nation": ["england", "england, wales, scotland or northern-ireland"],
            "heading_level": ["auto", "'auto' or 2-6"],
            "settings": [{}, "Pelican settings (DEFAULT_LANG, PATH): translations and problems"],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Markdown's API name
        md.registerExtension(self)
        # Above admonition (105) so `!!! urgent` is ours even when both are enabled.
        md.parser.blockprocessors.register(CareCardProcessor(md.parser, self), "care_card", 106)
        # After inline processing (20), before prettify (10).
        md.treeprocessors.register(CareCardHeadings(md, self), "care_card_headings", 15)


def makeExtension(**kwargs) -> CareCardExtension:  # noqa: N802 - Markdown's API name
    """Return the extension (lets MARKDOWN list it as 'health_review.care_cards')."""
    return CareCardExtension(**kwargs)
