"""Built-in card layouts as data: boxes in pixels on a 1200×630 canvas, fonts, colours, format.

Every box is ``[left, top, right, bottom]``. Text boxes read a field of the card spec (``source``),
draw with the ``bold`` or ``regular`` font stack and fit between ``max_size`` and ``min_size`` in at
most ``max_lines`` lines. Colours are names resolved per card (``accent`` = the category colour,
``text``, ``muted``, ``background``, ``on_accent``) or literal ``#rrggbb`` values. All text stays
inside X's 1200×600 crop and a centred ~1100×520 safe box. ``OG_CARDS_LAYOUTS`` in the settings
may replace or add layouts (same shape); cards are scaled when ``OG_CARDS_SIZE`` differs.
"""

from __future__ import annotations

import copy
from typing import Any

# The site mark from the theme header: a rounded square with a cross.
_MARK = {"kind": "mark", "box": [50, 520, 110, 580], "fill": "accent", "symbol": "background"}

TEXT_LAYOUT: dict[str, Any] = {
    "format": "png",
    "background": "background",
    "elements": [
        {"kind": "rect", "box": [0, 0, 1200, 30], "fill": "accent"},
        {"kind": "rect", "box": [0, 30, 16, 630], "fill": "accent"},
        {
            "kind": "text",
            "source": "section",
            "box": [60, 62, 1140, 112],
            "font": "bold",
            "max_size": 34,
            "min_size": 24,
            "max_lines": 1,
            "fill": "accent_text",
        },
        {
            "kind": "text",
            "source": "title",
            "box": [60, 130, 1140, 480],
            "font": "bold",
            "max_size": 84,
            "min_size": 44,
            "max_lines": 4,
            "line_height": 1.18,
            "fill": "text",
        },
        _MARK,
        {
            "kind": "text",
            "source": "site_name",
            "box": [126, 526, 640, 576],
            "font": "bold",
            "max_size": 36,
            "min_size": 24,
            "max_lines": 1,
            "fill": "text",
            "valign": "middle",
        },
        {
            "kind": "text",
            "source": "reviewed",
            "box": [640, 526, 1140, 576],
            "font": "regular",
            "max_size": 28,
            "min_size": 20,
            "max_lines": 1,
            "fill": "muted",
            "align": "end",
            "valign": "middle",
        },
    ],
}

PHOTO_LAYOUT: dict[str, Any] = {
    "format": "jpeg",
    "background": "image",
    # Darken the photo until white text reaches this WCAG contrast ratio everywhere.
    "min_contrast": 4.5,
    "min_darken": 0.35,
    "elements": [
        {"kind": "rect", "box": [0, 0, 1200, 30], "fill": "accent"},
        {
            "kind": "text",
            "source": "section",
            "box": [60, 62, 1140, 112],
            "font": "bold",
            "max_size": 34,
            "min_size": 24,
            "max_lines": 1,
            "fill": "#ffffff",
        },
        {
            "kind": "text",
            "source": "title",
            "box": [60, 130, 1140, 480],
            "font": "bold",
            "max_size": 84,
            "min_size": 44,
            "max_lines": 4,
            "line_height": 1.18,
            "fill": "#ffffff",
        },
        {**_MARK, "fill": "#ffffff", "symbol": "accent"},
        {
            "kind": "text",
            "source": "site_name",
            "box": [126, 526, 640, 576],
            "font": "bold",
            "max_size": 36,
            "min_size": 24,
            "max_lines": 1,
            "fill": "#ffffff",
            "valign": "middle",
        },
        {
            "kind": "text",
            "source": "reviewed",
            "box": [640, 526, 1140, 576],
            "font": "regular",
            "max_size": 28,
            "min_size": 20,
            "max_lines": 1,
            "fill": "#ffffff",
            "align": "end",
            "valign": "middle",
        },
    ],
}

# A writer's own og_image: only cropped and recompressed, no text drawn on it.
IMAGE_LAYOUT: dict[str, Any] = {"format": "jpeg", "background": "image", "elements": []}

BUILTIN_LAYOUTS: dict[str, dict[str, Any]] = {
    "text": TEXT_LAYOUT,
    "photo": PHOTO_LAYOUT,
    "image": IMAGE_LAYOUT,
}
FALLBACK_LAYOUT = "text"


def layouts(overrides: dict[str, dict[str, Any]] | None = None) -> dict[str, dict[str, Any]]:
    """Return the built-in layouts with the ones from settings added or replaced (deep copies)."""
    merged = copy.deepcopy(BUILTIN_LAYOUTS)
    merged.update(copy.deepcopy(overrides or {}))
    return merged
