"""Measure, wrap and shrink text in pixels with per-glyph fallback across a font stack.

Pure functions over Pillow fonts; no Pelican imports. A *stack* is a tuple of font file paths,
tried in order for every character (emoji prefer a colour emoji font when the stack has one).

- Characters are grapheme clusters and lines break at UAX #14 opportunities, both from ICU
  (``icu4py``): Thai, Lao, Khmer and Burmese break between dictionary words, CJK between
  ideographs but never before closing punctuation.
- Direction comes from the Unicode bidirectional algorithm (``python-bidi``, the Rust
  ``unicode-bidi`` crate): a line is split into runs of one font and one embedding level, and
  the runs are put in visual order by rule L2. Each run is shaped by Pillow's raqm layout in its
  own direction; without raqm, right-to-left runs are reversed (Arabic joins are then lost).
- ``uncovered`` names the characters no font of the stack has, so the caller can warn.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from bidi import get_base_level, get_display
from fontTools.ttLib import TTFont
from icu4py.breakers import CharacterBreaker, LineBreaker
from PIL import ImageFont, features

logger = logging.getLogger(__name__)

ELLIPSIS = "…"
HAS_RAQM = features.check("raqm")
LAYOUT = ImageFont.Layout.RAQM if HAS_RAQM else ImageFont.Layout.BASIC


@dataclass(frozen=True)
class Run:
    """A piece of one line drawn with one font at one bidi embedding level (odd: RTL)."""

    text: str
    font: str
    rtl: bool
    level: int = 0


@dataclass(frozen=True)
class Fit:
    """The result of fitting text into a box."""

    size: int
    lines: tuple[str, ...]
    truncated: bool
    rtl: bool


@lru_cache(maxsize=64)
def coverage(path: str) -> frozenset[int]:
    """Return the code points the font file maps to glyphs."""
    with TTFont(path, lazy=True, fontNumber=0) as font:
        if "maxp" in font:
            # Only which code points have a glyph matters, not the glyphs' names: numbered
            # names keep fontTools from reading a CFF font's whole outline table (9 MB for
            # the CJK subset) to name them, which every build did in Pelican's process.
            font.setGlyphOrder([f"g{number}" for number in range(font["maxp"].numGlyphs)])
        return frozenset(font.getBestCmap())


@lru_cache(maxsize=64)
def bitmap_strike(path: str) -> int | None:
    """Return the pixel size of a bitmap-only (colour emoji) font, or None for outline fonts."""
    with TTFont(path, lazy=True, fontNumber=0) as font:
        if "CBDT" in font and "glyf" not in font and "CFF " not in font:
            return int(font["CBLC"].strikes[0].bitmapSizeTable.ppemY)
    return None


@lru_cache(maxsize=512)
def load_font(path: str, size: int) -> ImageFont.FreeTypeFont:
    """Load a font at a pixel size (bitmap fonts at their only strike size)."""
    strike = bitmap_strike(path)
    return ImageFont.truetype(path, strike or size, layout_engine=LAYOUT)


def scale_for(path: str, size: int) -> float:
    """Return how much a font loaded by load_font must be scaled to reach `size`."""
    strike = bitmap_strike(path)
    return size / strike if strike else 1.0


def is_emoji(text: str, i: int) -> bool:
    """Return True if the character at `i` should be drawn as an emoji."""
    cp = ord(text[i])
    if cp >= 0x1F000 and cp not in range(0x1F100, 0x1F1E6):
        return True
    nxt = text[i + 1] if i + 1 < len(text) else ""
    return nxt in ("\ufe0f", "\u20e3") or (nxt == "\u200d" and cp >= 0x2000)


def is_rtl(text: str) -> bool:
    """Return True if the paragraph direction of `text` is right-to-left (UBA rules P2-P3)."""
    return bool(text) and get_base_level(text) == 1


@lru_cache(maxsize=4096)
def _clusters(text: str) -> tuple[str, ...]:
    return tuple(CharacterBreaker(text, "en")) if text else ()


def clusters(text: str) -> list[str]:
    """Split text into extended grapheme clusters (UAX #29, ICU)."""
    return list(_clusters(text))


_LEVEL = re.compile(r"Level\(\s*(\d+),?\s*\)")


@lru_cache(maxsize=4096)
def bidi_levels(text: str, rtl: bool) -> tuple[int, ...]:
    """Return the resolved embedding level of every character (UBA, paragraph direction given).

    python-bidi exposes the levels only in its debug output (one per UTF-8 byte); a parse
    that does not match the text falls back to the paragraph level for every character.
    """
    base = 1 if rtl else 0
    if not text:
        return ()
    info = str(get_display(text, base_dir="R" if rtl else "L", debug=True))
    body = info.split("levels:", 1)[-1].split("paragraphs:", 1)[0]
    per_byte = [int(n) for n in _LEVEL.findall(body)]
    if len(per_byte) != len(text.encode("utf-8")):
        return (base,) * len(text)
    levels, pos = [], 0
    for char in text:
        levels.append(per_byte[pos])
        pos += len(char.encode("utf-8"))
    return tuple(levels)


@lru_cache(maxsize=64)
def _stack_info(stack: tuple[str, ...]) -> tuple[tuple[tuple[str, frozenset[int]], ...], tuple]:
    """Return (outline fonts with their coverage, (emoji font, coverage) or ())."""
    outline = tuple((p, coverage(p)) for p in stack if not bitmap_strike(p))
    emoji = next(((p, coverage(p)) for p in stack if bitmap_strike(p)), ())
    return outline, emoji


def _font_for(text: str, i: int, stack: tuple[str, ...], current: str | None) -> str | None:
    cp = ord(text[i])
    outline, emoji = _stack_info(stack)
    if emoji and cp in emoji[1] and is_emoji(text, i):
        return emoji[0]
    if current and (
        text[i].isspace() or text[i].isdigit() or unicodedata.category(text[i])[0] == "P"
    ):
        for path, covered in outline:  # neutral characters stay in the current run's font
            if path == current and cp in covered:
                return current
    for path, covered in outline:
        if cp in covered:
            return path
    return emoji[0] if emoji and cp in emoji[1] else None


def _font_runs(text: str, stack: tuple[str, ...]) -> list[tuple[str, int, str]]:
    """Return (font, start, cluster) for each cluster some font covers, in logical order."""
    out: list[tuple[str, int, str]] = []
    index = 0
    for cluster in clusters(text):
        current = out[-1][0] if out else None
        font = _font_for(text, index, stack, current)
        if font is not None:
            out.append((font, index, cluster))
        index += len(cluster)
    return out


_IGNORABLE = {"Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me"}


@lru_cache(maxsize=4096)
def uncovered(text: str, stack: tuple[str, ...]) -> str:
    """Return the characters of text that no font of the stack can draw (each once, in order)."""
    outline, emoji = _stack_info(stack)
    covered = [c for _, c in outline] + ([emoji[1]] if emoji else [])
    seen: list[str] = []
    for char in text:
        if unicodedata.category(char) in _IGNORABLE or char in seen:
            continue  # joiners, marks, spaces and controls are not drawn on their own
        if not any(ord(char) in c for c in covered):
            seen.append(char)
    return "".join(seen)


@lru_cache(maxsize=4096)
def segment(text: str, stack: tuple[str, ...], rtl: bool | None = None) -> tuple[Run, ...]:
    """Split one line into runs of one font and one bidi level (logical order).

    Characters no font has are left out here; ``uncovered`` reports them.
    """
    base = is_rtl(text) if rtl is None else rtl
    levels = bidi_levels(text, base)
    runs: list[list] = []  # [font, level, text]
    for font, start, cluster in _font_runs(text, stack):
        level = levels[start] if start < len(levels) else int(base)
        if runs and runs[-1][0] == font and runs[-1][1] == level:
            runs[-1][2] += cluster
        else:
            runs.append([font, level, cluster])
    return tuple(Run(t, f, level % 2 == 1, level) for f, level, t in runs)


def run_text(run: Run) -> str:
    """Return the text to hand to Pillow: without raqm, right-to-left runs are reversed."""
    return run.text[::-1] if run.rtl and not HAS_RAQM else run.text


def run_direction(run: Run) -> str | None:
    """Return the raqm direction of a run ('rtl'/'ltr'), or None without raqm."""
    if not HAS_RAQM:
        return None
    return "rtl" if run.rtl else "ltr"


@lru_cache(maxsize=65536)
def run_width(run: Run, size: int) -> float:
    """Return the advance width of a run in pixels at `size`."""
    font = load_font(run.font, size)
    width = font.getlength(run_text(run), direction=run_direction(run))
    return width * scale_for(run.font, size)


@lru_cache(maxsize=65536)
def measure(text: str, stack: tuple[str, ...], size: int) -> float:
    """Return the width of one line of text in pixels."""
    return sum(run_width(run, size) for run in segment(text, stack))


def visual_runs(line: str, stack: tuple[str, ...], rtl: bool) -> list[Run]:
    """Return the runs of a line in drawing order, left to right (UBA rule L2)."""
    runs = list(segment(line, stack, rtl))
    if not runs:
        return runs
    levels = [run.level for run in runs]
    lowest_odd = min(levels) | 1
    for level in range(max(levels), lowest_odd - 1, -1):
        i = 0
        while i < len(runs):  # reverse every maximal sequence of runs at >= level
            if runs[i].level < level:
                i += 1
                continue
            j = i
            while j < len(runs) and runs[j].level >= level:
                j += 1
            runs[i:j] = runs[i:j][::-1]
            i = j
    return runs


@lru_cache(maxsize=4096)
def _line_units(text: str) -> tuple[str, ...]:
    return tuple(LineBreaker(text, "en")) if text else ()


def break_units(text: str) -> list[str]:
    """Split text into pieces a line may end after (UAX #14 with ICU's dictionaries)."""
    return list(_line_units(text))


def _hard_break(unit: str, stack: tuple[str, ...], size: int, width: float) -> list[str]:
    """Break one over-long word between clusters."""
    pieces: list[str] = []
    buf = ""
    for cluster in clusters(unit):
        if buf and measure(buf + cluster, stack, size) > width:
            pieces.append(buf)
            buf = ""
        buf += cluster
    if buf:
        pieces.append(buf)
    return pieces


def wrap(text: str, stack: tuple[str, ...], size: int, width: float) -> list[str]:
    """Greedily wrap text into lines no wider than `width` pixels."""
    lines: list[str] = []
    line = ""
    for unit in break_units(text):
        candidate = line + unit
        if measure(candidate.rstrip(), stack, size) <= width:
            line = candidate
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = ""
        if measure(unit.rstrip(), stack, size) > width:
            *full, line = _hard_break(unit, stack, size, width)
            lines.extend(piece.rstrip() for piece in full)
        else:
            line = unit
    if line.strip():
        lines.append(line.rstrip())
    return lines


def ellipsize(text: str, stack: tuple[str, ...], size: int, width: float) -> str:
    """Cut text at a word (or, for one long word, a cluster) so that text + ellipsis fits."""
    if measure(text, stack, size) <= width:
        return text
    units = break_units(text)
    while len(units) > 1:
        units.pop()
        candidate = "".join(units).rstrip(" ,;:-–—") + ELLIPSIS
        if measure(candidate, stack, size) <= width:
            return candidate
    chars = clusters(units[0] if units else "")
    while chars:
        chars.pop()
        candidate = "".join(chars).rstrip() + ELLIPSIS
        if measure(candidate, stack, size) <= width:
            return candidate
    return ELLIPSIS


def fit(
    text: str,
    stack: tuple[str, ...],
    *,
    width: float,
    height: float,
    max_size: int,
    min_size: int,
    max_lines: int,
    line_height: float = 1.2,
    step: int = 4,
) -> Fit:
    """Fit text in a box: shrink from max_size to min_size, then cut the last line at a word."""
    text = " ".join(text.split())
    rtl = is_rtl(text)
    if not text:
        return Fit(max_size, (), truncated=False, rtl=False)
    sizes = [*range(max_size, min_size, -abs(step) or -1), min_size]
    lines: list[str] = []
    for size in sizes:
        allowed = max(1, min(max_lines, int(height // (size * line_height))))
        lines = wrap(text, stack, size, width)
        if len(lines) <= allowed:
            return Fit(size, tuple(lines), truncated=False, rtl=rtl)
    size = min_size
    allowed = max(1, min(max_lines, int(height // (size * line_height))))
    # The rest of the text goes onto the last line, which is then cut at a word boundary.
    head = lines[: allowed - 1]
    pos = 0
    for line in head:  # every line is a contiguous piece of the collapsed text
        pos = text.index(line, pos) + len(line)
    last = ellipsize(text[pos:].strip(), stack, size, width)
    if not last.endswith(ELLIPSIS):
        last = ellipsize(last + " " + ELLIPSIS, stack, size, width)
    return Fit(size, (*head, last), truncated=True, rtl=rtl)
