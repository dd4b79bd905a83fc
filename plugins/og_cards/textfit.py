"""Measure, wrap and shrink text in pixels with per-glyph fallback across a font stack.

Pure functions over Pillow fonts; no Pelican imports. A *stack* is a tuple of font file paths,
tried in order for every character (emoji prefer a colour emoji font when the stack has one).
Right-to-left and complex scripts are shaped by Pillow's raqm layout when it is available;
without raqm, right-to-left runs are reversed so Hebrew stays readable (Arabic joins are lost).
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from PIL import ImageFont, features

logger = logging.getLogger(__name__)

ELLIPSIS = "…"
HAS_RAQM = features.check("raqm")
LAYOUT = ImageFont.Layout.RAQM if HAS_RAQM else ImageFont.Layout.BASIC

# Characters that never start a new cluster: they join the character before them.
_JOINERS = {0x200D, 0xFE0E, 0xFE0F, 0x20E3}
# Closing punctuation must not begin a line; opening punctuation must not end one (CJK kinsoku).
_NO_LINE_START = set(
    "、。，．・：；？！）」』】〕〉》”’%)]}!?,.:;…ー々ぁぃぅぇぉっゃゅょァィゥェォッャュョ"
)
_NO_LINE_END = set("（「『【〔〈《“‘([{")


@dataclass(frozen=True)
class Run:
    """A piece of one line drawn with one font."""

    text: str
    font: str
    rtl: bool


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
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True, fontNumber=0) as font:
        return frozenset(font.getBestCmap())


@lru_cache(maxsize=64)
def bitmap_strike(path: str) -> int | None:
    """Return the pixel size of a bitmap-only (colour emoji) font, or None for outline fonts."""
    from fontTools.ttLib import TTFont

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


def is_joiner(char: str) -> bool:
    """Return True if `char` belongs to the cluster of the character before it."""
    cp = ord(char)
    return (
        cp in _JOINERS
        or 0x1F3FB <= cp <= 0x1F3FF  # skin tone modifiers
        or 0xE0020 <= cp <= 0xE007F  # emoji tag sequences (flags of UK nations)
        or unicodedata.category(char) in {"Mn", "Mc", "Me"}
    )


def is_emoji(text: str, i: int) -> bool:
    """Return True if the character at `i` should be drawn as an emoji."""
    cp = ord(text[i])
    if cp >= 0x1F000 and cp not in range(0x1F100, 0x1F1E6):
        return True
    nxt = text[i + 1] if i + 1 < len(text) else ""
    return nxt in ("\ufe0f", "\u20e3") or (nxt == "\u200d" and cp >= 0x2000)


def is_rtl(text: str) -> bool:
    """Return True if the first strong character of `text` is right-to-left."""
    for char in text:
        bidi = unicodedata.bidirectional(char)
        if bidi in ("R", "AL"):
            return True
        if bidi == "L":
            return False
    return False


def clusters(text: str) -> list[str]:
    """Split text into user-perceived characters (approximate grapheme clusters)."""
    out: list[str] = []
    for i, char in enumerate(text):
        prev = text[i - 1] if i else ""
        joins = is_joiner(char) or prev == "\u200d"
        regional = 0x1F1E6 <= ord(char) <= 0x1F1FF
        pair = regional and out and len(out[-1]) == 1 and 0x1F1E6 <= ord(out[-1]) <= 0x1F1FF
        if out and (joins or pair):
            out[-1] += char
        else:
            out.append(char)
    return out


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


@lru_cache(maxsize=4096)
def segment(text: str, stack: tuple[str, ...]) -> tuple[Run, ...]:
    """Split one line into runs of one font each; characters no font has are dropped."""
    runs: list[list[str]] = []  # [font, text]
    index = 0
    for cluster in clusters(text):
        current = runs[-1][0] if runs else None
        font = _font_for(text, index, stack, current)
        index += len(cluster)
        if font is None:
            logger.debug("og_cards: no vendored font has %r", cluster)
            continue
        if runs and runs[-1][0] == font:
            runs[-1][1] += cluster
        else:
            runs.append([font, cluster])
    return tuple(Run(t, f, is_rtl(t)) for f, t in runs)


def _run_text(run: Run) -> str:
    # Without raqm there is no bidi: reverse right-to-left runs so letters read in order.
    return run.text[::-1] if run.rtl and not HAS_RAQM else run.text


@lru_cache(maxsize=65536)
def run_width(run: Run, size: int) -> float:
    """Return the advance width of a run in pixels at `size`."""
    return load_font(run.font, size).getlength(_run_text(run)) * scale_for(run.font, size)


@lru_cache(maxsize=65536)
def measure(text: str, stack: tuple[str, ...], size: int) -> float:
    """Return the width of one line of text in pixels."""
    return sum(run_width(run, size) for run in segment(text, stack))


def visual_runs(line: str, stack: tuple[str, ...], rtl: bool) -> list[Run]:
    """Return the runs of a line in drawing order (left to right)."""
    runs = list(segment(line, stack))
    return runs[::-1] if rtl else runs


def _is_cjk(char: str) -> bool:
    cp = ord(char[0])
    return (
        0x2E80 <= cp <= 0x9FFF  # radicals, punctuation, kana, ideographs
        or 0xF900 <= cp <= 0xFAFF
        or 0xFF00 <= cp <= 0xFFEF
        or 0x20000 <= cp <= 0x3FFFF
    )


def break_units(text: str) -> list[str]:
    """Split text into units a line may break after: words with their spaces, single ideographs."""
    units: list[str] = []
    buf = ""
    for cluster in clusters(text):
        if buf and cluster in _NO_LINE_START:
            buf += cluster
            continue
        if buf and (buf[-1].isspace() and not cluster.isspace()):
            units.append(buf)
            buf = ""
        elif buf and (_is_cjk(cluster) or _is_cjk(buf[-1])) and not cluster.isspace():
            if buf[-1] not in _NO_LINE_END:
                units.append(buf)
                buf = ""
        elif buf and buf[-1] in "-/\u2010\u2013" and not cluster.isspace() and len(buf) > 1:
            units.append(buf)
            buf = ""
        buf += cluster
    if buf:
        units.append(buf)
    return units


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
