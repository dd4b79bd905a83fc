"""Skip twitter-text's emoji scan for a text that cannot hold an emoji.

``parse_tweet`` runs its emoji pattern (2,564 alternatives, one per emoji sequence, and a
class of single emoji) over every text it counts, with emoji parsing on or off; with Python's
``re`` that is about 1.2 ms for a 280-character post, most of what counting costs, although
almost no share text has an emoji. Every alternative of that pattern needs at least one
character outside ASCII, and the pattern is read here (``re``'s own parser) to find, for each
alternative, one part every match must contain. A text with no character from the union of
those parts cannot match, so its list of emoji is empty without scanning; any other text is
scanned by the library as before. The parts are read from the pattern the library compiled, so
a new emoji list is followed; a pattern of another shape (a repeat, a wildcard, a negated class)
leaves the library as it is.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterable
from typing import Any

try:  # re's own parser: private, so a Python without it just counts without the shortcut
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover - not in any Python this project supports today
    _sre_parse = None


def _item_chars(op: Any, arg: Any) -> frozenset[str] | None:
    """Return the characters one pattern item matches, or None if it is not a plain set."""
    if op == _sre_parse.LITERAL:
        return frozenset(chr(arg))
    if op != _sre_parse.IN:
        return None
    chars: set[str] = set()
    for inner_op, inner_arg in arg:
        if inner_op == _sre_parse.LITERAL:
            chars.add(chr(inner_arg))
        elif inner_op == _sre_parse.RANGE:
            low, high = inner_arg
            chars.update(map(chr, range(low, high + 1)))
        else:  # NEGATE, CATEGORY: not a finite set
            return None
    return frozenset(chars)


def required_characters(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """Return characters of which every match of pattern holds one, none of them ASCII.

    None when the pattern is not an alternation of fixed sequences of literals and classes, or
    when an alternative could be matched by ASCII alone: then no such set is known.
    """
    if _sre_parse is None or flags & (re.IGNORECASE | re.VERBOSE):
        return None
    tree = list(_sre_parse.parse(pattern, flags))
    if len(tree) == 1 and tree[0][0] == _sre_parse.BRANCH:
        alternatives: Iterable[Any] = tree[0][1][1]
    else:
        alternatives = [tree]
    needed: set[str] = set()
    for alternative in alternatives:
        part = None
        for op, arg in alternative:
            chars = _item_chars(op, arg)
            if chars is None:
                return None
            if part is None and chars and not any(c.isascii() for c in chars):
                part = chars  # every match of this alternative holds one of these
        if part is None:
            return None
        needed |= part
    return frozenset(needed)


def prefiltered(
    extract: Callable[[str], list[dict]], needed: frozenset[str]
) -> Callable[[str], list[dict]]:
    """Return extract, answering [] at once for a text with none of the needed characters."""

    def extract_emojis_with_indices(text: str) -> list[dict]:
        if text.isascii() or needed.isdisjoint(text):
            return []
        return extract(text)

    extract_emojis_with_indices.__wrapped__ = extract  # type: ignore[attr-defined]
    return extract_emojis_with_indices


def install() -> bool:
    """Make parse_tweet skip the scan for emoji-free texts; return True if it now does.

    Installed once per process, the first time a text is counted. Left alone (False) when the
    library is not laid out as twitter-text-parser 3 is, or its pattern is not of the known shape.
    """
    parse_module = importlib.import_module("twitter_text.parse_tweet")
    extract_module = importlib.import_module("twitter_text.extract_emojis")
    current = getattr(parse_module, "extract_emojis_with_indices", None)
    if getattr(current, "__wrapped__", None) is not None:
        return True
    original = getattr(extract_module, "extract_emojis_with_indices", None)
    pattern = getattr(extract_module, "emoji", None)
    if current is None or current is not original or not isinstance(pattern, re.Pattern):
        return False
    needed = required_characters(pattern.pattern, pattern.flags & ~re.UNICODE)
    if not needed:
        return False
    parse_module.extract_emojis_with_indices = prefiltered(original, needed)
    return True
