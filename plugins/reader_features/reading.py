"""Word count and reading time of rendered article HTML."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from html.parser import HTMLParser

# Words are runs of letters/digits, joined by inner hyphens or apostrophes
# ("A&E", "don't", "well-being" count once each; "999" counts).
WORD = re.compile(r"[^\W_]+(?:[-'’.&][^\W_]+)*")
SKIP_TAGS = {"script", "style", "template", "svg"}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in SKIP_TAGS:
            self._skip += 1
        else:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP_TAGS and self._skip:
            self._skip -= 1
        else:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_text(html: str) -> str:
    """Return the visible text of an HTML fragment (tags become spaces)."""
    parser = _TextExtractor()
    parser.feed(html or "")
    parser.close()
    return "".join(parser.parts)


def count_words(html: str) -> int:
    """Return the number of words in an HTML fragment."""
    return len(WORD.findall(html_text(html)))


@dataclass(frozen=True)
class Reading:
    """``article.reading``: word count and whole minutes to read (at least 1)."""

    words: int
    minutes: int

    @property
    def words_text(self) -> str:
        """Return e.g. "1,204 words"."""
        return f"{self.words:,} word{'' if self.words == 1 else 's'}"

    @property
    def minutes_text(self) -> str:
        """Return e.g. "5 min read"."""
        return f"{self.minutes} min read"


def reading(html: str, words_per_minute: int) -> Reading:
    """Return the Reading of an HTML fragment at ``words_per_minute``."""
    words = count_words(html)
    return Reading(words, max(1, math.ceil(words / words_per_minute)))
