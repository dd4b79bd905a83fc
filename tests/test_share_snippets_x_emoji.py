"""twitter-text's emoji scan is skipped only where it could not find an emoji.

The library's own answer is the reference: every emoji sequence in its list, texts around them,
and the conformance suites (test_share_snippets_reference) count the same with the shortcut.
"""

from __future__ import annotations

import importlib
import random
import re

import pytest
from share_snippets import counting, x_emoji


def _library():
    counting._twitter_text()  # installs the shortcut, as a first count does
    parse_module = importlib.import_module("twitter_text.parse_tweet")
    extract_module = importlib.import_module("twitter_text.extract_emojis")
    emoji_module = importlib.import_module("twitter_text.regexp.emoji")
    return parse_module, extract_module, emoji_module


def test_the_shortcut_is_installed_over_the_librarys_own_scan():
    parse_module, extract_module, _ = _library()
    installed = parse_module.extract_emojis_with_indices
    assert installed is not extract_module.extract_emojis_with_indices
    assert installed.__wrapped__ is extract_module.extract_emojis_with_indices
    assert x_emoji.install() is True  # a second install leaves the one wrapper


def test_required_characters_hold_no_ascii_and_cover_every_emoji_of_the_list():
    _, extract_module, emoji_module = _library()
    needed = x_emoji.required_characters(extract_module.emoji.pattern)
    assert needed and not any(c.isascii() for c in needed)
    for entry in emoji_module.emoji_list:  # keycaps (#️⃣ 1️⃣) start with ASCII
        assert not needed.isdisjoint(entry.emoji), entry


def test_every_emoji_of_the_list_is_found_as_the_library_finds_it():
    parse_module, extract_module, emoji_module = _library()
    fast = parse_module.extract_emojis_with_indices
    slow = extract_module.extract_emojis_with_indices
    for entry in emoji_module.emoji_list:
        text = f"Call 999 {entry.emoji} now #FirstAid"
        assert fast(text) == slow(text) != [], entry


def test_texts_without_emoji_count_as_without_the_shortcut():
    parse_module, extract_module, _ = _library()
    fast = parse_module.extract_emojis_with_indices
    slow = extract_module.extract_emojis_with_indices
    rng = random.Random(2026)  # noqa: S311 - repeatable test input, not a secret
    alphabet = (
        "abc XYZ 0123456789 #*@ ŵŷâêîôû ’“”–— ©®™ ↔▶☎⚠ \u20e3\ufe0f\u200d 日本語 éü \u00a0\t\n"
        "\x00\x1b\u202e\ud800"  # controls, a bidi override, a lone surrogate
    )
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        assert fast(text) == slow(text), repr(text)
    for text in ("", "a" * 10_000, "Dŵr poeth: 20 munud", "1\u20e3 #\ufe0f\u20e3 *\u20e3"):
        assert fast(text) == slow(text), repr(text)


@pytest.mark.parametrize(
    ("text", "weight"),
    [
        ("Call 999", 8),
        ("☎ Call 999", 11),  # U+260E alone is an emoji: 2, a space, 8
        ("#\ufe0f\u20e3 keycap", 9),
        ("Oerwch losg o dan ddŵr", 22),
        ("👩‍⚕️ nurse", 8),
    ],
)
def test_weighted_length_with_the_shortcut(text, weight):
    assert counting.x_length(text) == weight


def test_patterns_of_another_shape_give_no_shortcut():
    assert x_emoji.required_characters(r"a|\u2764") is None  # "a" is ASCII alone
    assert x_emoji.required_characters(r"\u2764+") is None  # a repeat
    assert x_emoji.required_characters(r"[^a]") is None  # a negated class
    assert x_emoji.required_characters(r".\u2764") is None  # a wildcard: not read further
    assert x_emoji.required_characters("#\u20e3|[\u2764-\u2765]") == frozenset("\u20e3\u2764\u2765")
    assert x_emoji.required_characters(r"\u2764", re.IGNORECASE) is None
