"""Warn about card text that no vendored font can draw (a problem row, never a silent drop).

A title in a script the card fonts do not cover would otherwise be drawn with letters missing
(or as an empty title area). Each affected text field gives one warning naming the source file,
the field and the characters, reported into the kernel's problem store, so the strict build's
table and the editor's desk show it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from kernel import problems
from kernel.problems import Problem, Severity

from og_cards import textfit


def describe(chars: str, limit: int = 8) -> str:
    """Return 'ไ (U+0E44 THAI CHARACTER SARA AI MAIMALAI), …' for the first few characters."""
    parts = [
        f"{c} (U+{ord(c):04X} {unicodedata.name(c, 'unnamed character')})" for c in chars[:limit]
    ]
    more = len(chars) - limit
    return ", ".join(parts) + (f" and {more} more" if more > 0 else "")


def missing_glyphs(
    source: str, layout: Mapping[str, Any], texts: Mapping[str, str], fonts: Mapping[str, Any]
) -> list[Problem]:
    """Return one problem per text element of the layout whose text has uncovered characters."""
    problems = []
    for element in layout.get("elements", []):
        if element.get("kind") != "text":
            continue
        field = element.get("source", "")
        text = texts.get(field) or ""
        stack = tuple(fonts.get(element.get("font", "bold")) or ())
        chars = textfit.uncovered(text, stack) if text and stack else ""
        if chars:
            problems.append(
                Problem(
                    file=source,
                    field=field,
                    severity=Severity.WARNING,
                    source="og_cards",
                    problem=f"no card font has {describe(chars)}; the card leaves them out",
                    fix="write these characters in a supported script, or add a font that "
                    "has them to OG_CARDS_FONTS (see plugins/og_cards/README.md, Fonts)",
                )
            )
    return problems


def report_missing_glyphs(
    source: str, layout: Mapping[str, Any], texts: Mapping[str, str], fonts: Mapping[str, Any]
) -> None:
    """Report a warning for every field with characters no font has (``source``: display path)."""
    problems.report_all(missing_glyphs(source, layout, texts, fonts))
