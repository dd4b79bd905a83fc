"""Word count and reading time of rendered article HTML."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from kernel.text import html_to_text

# Words are runs of letters/digits, joined by inner hyphens or apostrophes
# ("A&E", "don't", "well-being" count once each; "999" counts).
WORD = re.compile(r"[^\W_]+(?:[-'’.&][^\W_]+)*")


def html_text(html: str) -> str:
    """Return the visible text of an HTML fragment (the kernel's one HTML-to-text rule)."""
    return html_to_text(html)


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
    return of_words(count_words(html), words_per_minute)


def of_words(words: int, words_per_minute: int) -> Reading:
    """Return the Reading of ``words`` words at ``words_per_minute``."""
    return Reading(words, max(1, math.ceil(words / words_per_minute)))
