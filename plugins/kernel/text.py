"""Text: the one HTML-to-text rule, plain titles, shortening, and control characters.

Writer metadata is text. Where a field may hold HTML (Pelican renders ``summary`` and a
missing summary is cut from the body), ``html_to_text`` is the one way to get its words.
"""

from __future__ import annotations

import html
import re
import unicodedata
from html.parser import HTMLParser

ELLIPSIS = "…"
# `invoke new` writes this into every field a writer must fill in; checks flag each one left.
PLACEHOLDER_MARK = "FILL IN"
PLACEHOLDER_PROBLEM = "still the placeholder from `invoke new`"

# C0 and C1 control characters other than tab, newline and carriage return, plus the
# Unicode characters that only make trouble in metadata (line/paragraph separators,
# the BOM / zero-width no-break space inside text, noncharacters).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
# Characters that may not appear in XML 1.0 at all (feeds, sitemaps, SVG).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_BLOCK_TAGS = frozenset((
    "address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl", "dt",
    "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "td", "th", "tr",
    "ul",
))  # fmt: skip
_VOID_TAGS = frozenset((
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
))  # fmt: skip
_SILENT_TAGS = frozenset(("script", "style", "template", "noscript", "iframe", "object", "svg"))


class _TextParser(HTMLParser):
    """Collect the text of an HTML fragment; remember paragraphs outside call-out boxes."""

    def __init__(self, skip_classes: tuple[str, ...]) -> None:
        super().__init__(convert_charrefs=True)
        self.skip_classes = skip_classes
        self.parts: list[str] = []
        self.paragraphs: list[str] = []
        self._stack: list[tuple[str, bool, bool]] = []  # (tag, silent, inside a skipped box)
        self._paragraph: list[str] | None = None

    def _flags(self) -> tuple[bool, bool]:
        return (self._stack[-1][1], self._stack[-1][2]) if self._stack else (False, False)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append(" ")
        if tag in _VOID_TAGS:
            return
        silent, boxed = self._flags()
        classes = (dict(attrs).get("class") or "").split()
        boxed = boxed or any(name in classes for name in self.skip_classes)
        self._stack.append((tag, silent or tag in _SILENT_TAGS, boxed))
        if tag == "p" and self._paragraph is None and not boxed and not silent:
            self._paragraph = []

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append(" ")
        if tag == "p" and self._paragraph is not None:
            self.paragraphs.append(collapse("".join(self._paragraph)))
            self._paragraph = None
        if any(entry[0] == tag for entry in self._stack):
            while self._stack and self._stack.pop()[0] != tag:
                pass

    def handle_data(self, data: str) -> None:
        if any(self._flags()):
            return
        self.parts.append(data)
        if self._paragraph is not None:
            self._paragraph.append(data)


def collapse(text: str) -> str:
    """Collapse every run of whitespace (newlines included) to one space and strip."""
    # str.split() and re's \s are the same set (str.isspace), and split is 3× faster
    return " ".join((text or "").split())


def html_to_text(fragment: object, *, skip_classes: tuple[str, ...] = ()) -> str:
    """Return the words of an HTML fragment: tags dropped, entities decoded, spaces collapsed.

    Scripts, styles and templates contribute nothing; block elements separate words.
    ``skip_classes`` drops elements with those classes too (e.g. care cards in a description).
    """
    if fragment is None:
        return ""
    parser = _TextParser(skip_classes)
    parser.feed(str(fragment))
    parser.close()
    return collapse("".join(parser.parts))


def paragraphs(fragment: object, *, skip_classes: tuple[str, ...] = ()) -> list[str]:
    """Return the text of each non-empty ``<p>`` outside elements with ``skip_classes``."""
    parser = _TextParser(skip_classes)
    parser.feed(str(fragment or ""))
    parser.close()
    return [p for p in parser.paragraphs if p]


def plain(value: object) -> str:
    """Return a text field (a title) with entities decoded and whitespace collapsed.

    Titles are text, not HTML: ``Why <script> tags matter`` stays as written and is
    escaped wherever it is output.
    """
    if value is None:
        return ""
    return collapse(html.unescape(str(value)))


def is_placeholder(value: object) -> bool:
    """Return whether a metadata value is still an ``invoke new`` placeholder."""
    return PLACEHOLDER_MARK in str(value or "")


def shorten(text: str, limit: int) -> str:
    """Cut text at a word boundary with an ellipsis so it is at most ``limit`` characters."""
    text = collapse(text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut and not text[limit - 1].isspace():
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-–—") + ELLIPSIS


def control_characters(text: str) -> list[str]:
    """Return the distinct control characters in text, in order of first appearance."""
    seen: dict[str, None] = {}
    for match in _CONTROL.finditer(text or ""):
        seen.setdefault(match.group(0), None)
    return list(seen)


def strip_control(text: str) -> str:
    """Return text without control characters (tabs and newlines kept)."""
    return _CONTROL.sub("", text or "")


def xml_safe(text: str) -> str:
    """Return text without the characters XML 1.0 cannot carry at all."""
    return _NOT_XML.sub("", text or "")


def char_name(char: str) -> str:
    """Return ``U+0007 (BELL)``-style name of a character, for messages."""
    name = unicodedata.name(char, "") or _CONTROL_NAMES.get(ord(char), "control character")
    return f"U+{ord(char):04X} ({name})"


_CONTROL_NAMES = {
    0x00: "NULL", 0x07: "BELL", 0x08: "BACKSPACE", 0x0B: "LINE TABULATION",
    0x0C: "FORM FEED", 0x1B: "ESCAPE", 0x7F: "DELETE",
}  # fmt: skip


def visible(text: str) -> str:
    """Return text safe to print on a terminal: control characters as ``\\xNN`` escapes."""
    return re.sub(
        "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]",
        lambda m: (
            f"\\x{ord(m.group(0)):02x}" if ord(m.group(0)) < 0x100 else f"\\u{ord(m.group(0)):04x}"
        ),
        str(text),
    )


_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def spreadsheet_safe(value: object) -> str:
    """Return a CSV cell a spreadsheet will show as text, never run as a formula.

    A cell starting with ``=``, ``+``, ``-``, ``@`` (or a tab, a line break, or their
    full-width forms) gets a leading apostrophe, as OWASP advises for CSV injection.
    Numbers (``-365``, ``2.5``) are numbers, not formulas, and stay as they are.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    text = "" if value is None else str(value)
    if _NUMBER.match(text):
        return text
    return "'" + text if text.startswith(_FORMULA_START) else text
