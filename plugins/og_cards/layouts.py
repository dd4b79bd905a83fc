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


def _photo_layout(text_at: str) -> dict[str, Any]:
    """Return a photo layout with its text block at the "bottom" or the "top" of the card.

    The photo stays as it is except under a gradient ("scrim") behind the text block: the
    renderer darkens the scrim just enough for white text to reach ``min_contrast`` against the
    actual pixels of every text box (``measure``), so the rest of the photo keeps its colour.
    """
    bottom = text_at == "bottom"
    # Same order in both: section, title, then the site row; the scrim's solid part covers all.
    section_y, title_y = ([296, 340], [344, 500]) if bottom else ([62, 106], [110, 266])
    site_y = [526, 576] if bottom else [276, 326]
    return {
        "format": "jpeg",
        "background": "image",
        "elements": [
            # Transparent at the photo's side, solid from ``fade`` pixels on, behind the text.
            {
                "kind": "scrim",
                "box": [0, 176, 1200, 630] if bottom else [0, 0, 1200, 460],
                "from": "top" if bottom else "bottom",
                "fade": 110,
                "colour": "#000000",
                "min_contrast": 4.5,
                "min_strength": 0.45,
            },
            {
                "kind": "rect",
                "box": [0, 0, 1200, 30] if bottom else [0, 600, 1200, 630],
                "fill": "accent",
            },
            {
                "kind": "text",
                "source": "section",
                "box": [60, section_y[0], 1140, section_y[1]],
                "font": "bold",
                "max_size": 34,
                "min_size": 24,
                "max_lines": 1,
                "fill": "#ffffff",
                "measure": True,
            },
            {
                "kind": "text",
                "source": "title",
                "box": [60, title_y[0], 1140, title_y[1]],
                "font": "bold",
                "max_size": 72,
                "min_size": 40,
                "max_lines": 3,
                "line_height": 1.15,
                "fill": "#ffffff",
                "measure": True,
            },
            {
                **_MARK,
                "box": [50, site_y[0] - 6, 110, site_y[1] + 4],
                "fill": "#ffffff",
                "symbol": "accent",
            },
            {
                "kind": "text",
                "source": "site_name",
                "box": [126, site_y[0], 640, site_y[1]],
                "font": "bold",
                "max_size": 36,
                "min_size": 24,
                "max_lines": 1,
                "fill": "#ffffff",
                "valign": "middle",
                "measure": True,
            },
            {
                "kind": "text",
                "source": "reviewed",
                "box": [640, site_y[0], 1140, site_y[1]],
                "font": "regular",
                "max_size": 28,
                "min_size": 20,
                "max_lines": 1,
                "fill": "#ffffff",
                "align": "end",
                "valign": "middle",
                "measure": True,
            },
        ],
    }


PHOTO_LAYOUT = _photo_layout("bottom")
PHOTO_TOP_LAYOUT = _photo_layout("top")
# Where the photo's focal point is low, the text goes on top so the subject stays visible.
FOCUS_LOW = 0.6


FOCUS_HIGH = 0.4
PHOTO_VARIANTS = ("photo", "photo-top")


def photo_variant(layout: str, focus: tuple[float, float], calmer=None) -> str:
    """Return where a "photo" card puts its text: away from a focal point the writer gave
    (``og_image_focus`` low: "photo-top"; high: "photo"), else ``calmer()``'s choice."""
    if layout != "photo":
        return layout
    if focus[1] > FOCUS_LOW:
        return "photo-top"
    if focus[1] < FOCUS_HIGH or calmer is None:
        return "photo"
    return calmer()


# A writer's own og_image: only cropped and recompressed, no text drawn on it.
IMAGE_LAYOUT: dict[str, Any] = {"format": "jpeg", "background": "image", "elements": []}

BUILTIN_LAYOUTS: dict[str, dict[str, Any]] = {
    "text": TEXT_LAYOUT,
    "photo": PHOTO_LAYOUT,
    "photo-top": PHOTO_TOP_LAYOUT,
    "image": IMAGE_LAYOUT,
}
FALLBACK_LAYOUT = "text"


def layouts(overrides: dict[str, dict[str, Any]] | None = None) -> dict[str, dict[str, Any]]:
    """Return the built-in layouts with the ones from settings added or replaced (deep copies)."""
    merged = copy.deepcopy(BUILTIN_LAYOUTS)
    merged.update(copy.deepcopy(overrides or {}))
    return merged
