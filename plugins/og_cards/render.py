"""Draw and encode one card from its spec (pure Pillow; runs in worker processes).

A spec is plain data (see ``spec.py``): size, layout, texts, resolved colours, font stacks, an
optional background image, format and byte budget. ``render_card`` never raises: a failure is
reported as a warning and the text-only layout is drawn instead, in the format already declared.
"""

from __future__ import annotations

import io
import json
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

from kernel import files
from PIL import Image, ImageDraw, ImageFilter, ImageOps, ImageStat

from og_cards import textfit

# Bump when drawing changes in a way that should re-render every card.
RENDERER_VERSION = "3"  # 2: bidi runs, ICU line breaks, more script fonts; 3: photo scrim
CONTRAST_WHITE = 1.0


def hex_rgb(value: str) -> tuple[int, int, int]:
    """Return an (r, g, b) tuple for '#rrggbb' or '#rgb'."""
    value = value.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    if len(value) != 6:
        raise ValueError(value)
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _linear(channel: float) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(rgb: tuple[int, int, int] | tuple[float, ...]) -> float:
    """Return the WCAG relative luminance of an sRGB colour."""
    r, g, b = (_linear(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """Return the WCAG contrast ratio of two colours."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@lru_cache(maxsize=256)
def readable_on(colour: str, background: str, ratio: float = 4.5) -> str:
    """Darken (or lighten) `colour` until it reaches `ratio` against `background`."""
    rgb, bg = hex_rgb(colour), hex_rgb(background)
    target = (0, 0, 0) if luminance(bg) > 0.18 else (255, 255, 255)
    for step in range(21):
        t = step / 20
        mixed = tuple(round(c + (g - c) * t) for c, g in zip(rgb, target, strict=True))
        if contrast(mixed, bg) >= ratio:
            return "#{:02x}{:02x}{:02x}".format(*mixed)
    return "#{:02x}{:02x}{:02x}".format(*target)


def darken_factor(image: Image.Image, min_contrast: float, min_darken: float) -> float:
    """Return the brightness factor so white text on `image` reaches `min_contrast` everywhere."""
    small = image.reduce(4)
    colours = small.getcolors(small.width * small.height) or []
    brightest = sorted((luminance(c), c) for _, c in colours)[-64:]
    limit = (1.05 / min_contrast) - 0.05
    factor = 1.0 - min_darken
    while factor > 0.02:
        scaled = (tuple(ch * factor for ch in c) for _, c in brightest)
        if max((luminance(c) for c in scaled), default=0.0) <= limit:
            break
        factor -= 0.02
    return max(factor, 0.0)


# sRGB byte -> linear light scaled to 0-255, so Image.convert("L", matrix) gives WCAG luminance.
_LINEAR = [round(_linear(v) * 255) for v in range(256)] * 3
_LUMINANCE = (0.2126, 0.7152, 0.0722, 0.0)


def brightest(card: Image.Image, box: list[float]) -> float:
    """Return the WCAG luminance (0-1) of the brightest pixel of ``card`` inside ``box``."""
    left, top, right, bottom = (round(v) for v in box)
    region = card.crop((left, top, right, bottom)).convert("RGB").point(_LINEAR)
    return region.convert("L", _LUMINANCE).getextrema()[1] / 255


def measured_contrast(card: Image.Image, boxes: list[list[float]]) -> float:
    """Return the lowest contrast of white text against the pixels behind any of ``boxes``."""
    return min((1.05 / (brightest(card, box) + 0.05) for box in boxes), default=21.0)


def _scrim_mask(size: tuple[int, int], start: str, fade: float) -> Image.Image:
    """Return an "L" mask: 0 at the ``start`` edge, full after ``fade`` pixels."""
    width, height = size
    fade = max(1, min(int(fade), height))
    ramp = Image.linear_gradient("L").resize((1, fade))  # 0 at the top, 255 at the bottom
    mask = Image.new("L", (1, height), 255)
    mask.paste(ramp, (0, 0))
    if start == "bottom":
        mask = mask.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    return mask.resize((width, height))


def apply_scrim(card: Image.Image, scrim: dict[str, Any], boxes: list[list[float]]) -> Image.Image:
    """Darken a gradient behind the text just until white text reaches the scrim's contrast."""
    left, top, right, bottom = (round(v) for v in scrim["box"])
    mask = _scrim_mask((right - left, bottom - top), scrim.get("from", "top"), scrim["fade"])
    shade = Image.new("RGB", mask.size, scrim.get("colour", "#000000"))
    target = scrim.get("min_contrast", 4.5)
    strength = scrim.get("min_strength", 0.3)
    while True:
        trial = card.copy()
        trial.paste(shade, (left, top), mask.point(lambda v, s=strength: round(v * s)))
        if strength >= 0.95 or measured_contrast(trial, boxes) >= target:
            return trial
        strength = min(0.95, strength + 0.05)


@lru_cache(maxsize=256)
def _detail(path: str, mtime_ns: int, focus: tuple[float, float], boxes: tuple) -> float:
    with Image.open(path) as opened:
        opened.draft("L", (300, 158))
        small = ImageOps.exif_transpose(opened).convert("L")
    small = ImageOps.fit(small, (300, 158), Image.Resampling.BILINEAR, centering=focus)
    edges = small.filter(ImageFilter.FIND_EDGES)
    scale = 300 / 1200
    total = 0.0
    for box in boxes:
        total += ImageStat.Stat(edges.crop(tuple(round(v * scale) for v in box))).mean[0]
    return total / max(1, len(boxes))


def calmer_layout(path: str, focus: tuple[float, float], choices: dict[str, dict]) -> str:
    """Return the name of the photo layout whose text boxes cover the least detail of the photo.

    Lines and edges behind a title make it hard to read even at 4.5:1 (the CPR heart's pulse
    line); choosing the calmer side keeps the subject clear of the text.
    """
    try:
        mtime = Path(path).stat().st_mtime_ns
        scores = {
            name: _detail(
                path,
                mtime,
                tuple(focus),
                tuple(tuple(e["box"]) for e in lay["elements"] if e.get("measure")),
            )
            for name, lay in choices.items()
        }
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return next(iter(choices))  # the renderer reports the broken photo and falls back
    return min(scores, key=lambda name: (scores[name], name != next(iter(choices))))


def _colour(name: str, colours: dict[str, str]) -> str:
    return name if name.startswith("#") else colours[name]


def _background(spec: dict[str, Any], size: tuple[int, int]) -> Image.Image:
    layout = spec["layout"]
    if layout["background"] != "image":
        return Image.new("RGB", size, _colour(layout["background"], spec["colours"]))
    info = spec["image"]
    with Image.open(info["path"]) as opened:
        opened.draft("RGB", size)  # cheap JPEG downscale while decoding
        photo = ImageOps.exif_transpose(opened).convert("RGB")
    card = ImageOps.fit(photo, size, Image.Resampling.BICUBIC, centering=info["focus"])
    if layout.get("min_contrast"):
        factor = darken_factor(card, layout["min_contrast"], layout.get("min_darken", 0.0))
        card = Image.eval(card, lambda v: int(v * factor))
    return card


def _draw_mark(draw: ImageDraw.ImageDraw, box: list[float], fill: str, symbol: str) -> None:
    left, top, right = box[:3]
    unit = (right - left) / 32
    draw.rounded_rectangle(box, radius=7 * unit, fill=fill)
    for x0, y0, x1, y1 in ((13, 6, 19, 26), (6, 13, 26, 19)):
        draw.rectangle(
            (left + x0 * unit, top + y0 * unit, left + x1 * unit, top + y1 * unit), fill=symbol
        )


def _draw_run(card: Image.Image, run: textfit.Run, x: float, baseline: float, *, size: int, fill):
    font = textfit.load_font(run.font, size)
    scale = textfit.scale_for(run.font, size)
    text, direction = textfit.run_text(run), textfit.run_direction(run)
    if scale == 1.0:
        ImageDraw.Draw(card).text(
            (x, baseline), text, font=font, fill=fill, anchor="ls", direction=direction
        )
        return
    # Colour bitmap fonts have one strike size: draw at that size, then scale the pixels.
    left, top, right, bottom = font.getbbox(text, anchor="ls")
    if right <= left or bottom <= top:
        return
    glyphs = Image.new("RGBA", (right - left, bottom - top))
    ImageDraw.Draw(glyphs).text((-left, -top), text, font=font, anchor="ls", embedded_color=True)
    target = (max(1, round(glyphs.width * scale)), max(1, round(glyphs.height * scale)))
    glyphs = glyphs.resize(target, Image.Resampling.LANCZOS)
    card.paste(glyphs, (round(x + left * scale), round(baseline + top * scale)), glyphs)


def draw_text(card: Image.Image, element: dict[str, Any], text: str, *, colours, fonts) -> None:
    """Fit `text` into the element's box and draw it, right-aligned for right-to-left text."""
    left, top, right, bottom = element["box"]
    stack = tuple(fonts[element.get("font", "bold")])
    line_height = element.get("line_height", 1.2)
    fitted = textfit.fit(
        text,
        stack,
        width=right - left,
        height=bottom - top,
        max_size=element.get("max_size", element.get("size", 40)),
        min_size=element.get("min_size", element.get("size", 40)),
        max_lines=element.get("max_lines", 1),
        line_height=line_height,
    )
    if not fitted.lines:
        return
    size = fitted.size
    ascent, descent = textfit.load_font(stack[0], size).getmetrics()
    block = (len(fitted.lines) - 1) * size * line_height + ascent + descent
    y = top + ((bottom - top - block) / 2 if element.get("valign") == "middle" else 0) + ascent
    fill = _colour(element.get("fill", "text"), colours)
    align = element.get("align", "start")
    for line in fitted.lines:
        runs = textfit.visual_runs(line, stack, fitted.rtl)
        widths = [textfit.run_width(run, size) for run in runs]
        at_end = (align == "end") != fitted.rtl
        x = right - sum(widths) if at_end else left
        if align == "center":
            x = left + (right - left - sum(widths)) / 2
        for run, width in zip(runs, widths, strict=True):
            _draw_run(card, run, x, y, size=size, fill=fill)
            x += width
        y += size * line_height


def _scaled(layout: dict[str, Any], size: tuple[int, int]) -> dict[str, Any]:
    sx, sy = size[0] / 1200, size[1] / 630
    if (sx, sy) == (1.0, 1.0):
        return layout
    elements = []
    for element in layout["elements"]:
        scaled = dict(
            element, box=[v * (sx if i % 2 == 0 else sy) for i, v in enumerate(element["box"])]
        )
        for key in ("max_size", "min_size", "size"):
            if key in element:
                scaled[key] = max(6, round(element[key] * min(sx, sy)))
        if "fade" in element:
            scaled["fade"] = element["fade"] * sy
        elements.append(scaled)
    return dict(layout, elements=elements)


# Elements that look the same on every card of a layout and colour: drawn once per process.
STATIC_SOURCES = {"site_name"}
_bases: dict[str, Image.Image] = {}


def _is_static(element: dict[str, Any]) -> bool:
    return element["kind"] != "text" or element.get("source") in STATIC_SOURCES


def _base(spec: dict[str, Any], layout: dict[str, Any], size: tuple[int, int]) -> Image.Image:
    """Return a fresh copy of the card's background with its static elements drawn."""
    if layout["background"] == "image":
        card = _background(spec, size)
        boxes = [e["box"] for e in layout["elements"] if e.get("measure")]
        for scrim in (e for e in layout["elements"] if e["kind"] == "scrim"):
            card = apply_scrim(card, scrim, boxes)
        _draw_elements(card, spec, [e for e in layout["elements"] if _is_static(e)])
        return card
    static = [e for e in layout["elements"] if _is_static(e)]
    key = json.dumps(
        [
            size,
            layout["background"],
            static,
            spec["colours"],
            spec["fonts"],
            spec["texts"].get("site_name"),
        ],
        sort_keys=True,
    )
    if key not in _bases:
        if len(_bases) > 32:
            _bases.clear()
        base = _background(spec, size)
        _draw_elements(base, spec, static)
        _bases[key] = base
    return _bases[key].copy()


def _draw_elements(card: Image.Image, spec: dict[str, Any], elements: list[dict[str, Any]]) -> None:
    draw = ImageDraw.Draw(card)
    colours, fonts = spec["colours"], spec["fonts"]
    for element in elements:
        kind = element["kind"]
        if kind == "scrim":
            continue  # drawn with the photo (_base), before everything else
        if kind == "rect":
            draw.rectangle(element["box"], fill=_colour(element["fill"], colours))
        elif kind == "mark":
            fill, symbol = (_colour(element[k], colours) for k in ("fill", "symbol"))
            _draw_mark(draw, element["box"], fill, symbol)
        elif kind == "text":
            text = spec["texts"].get(element["source"], "")
            draw_text(card, element, text, colours=colours, fonts=fonts)
        else:
            raise ValueError(f"unknown layout element kind {kind!r}")


def draw_card(spec: dict[str, Any]) -> Image.Image:
    """Draw the card described by `spec` and return an RGB image."""
    size = (int(spec["size"][0]), int(spec["size"][1]))
    layout = _scaled(spec["layout"], size)
    card = _base(spec, layout, size)
    # Static elements (bands, mark, site name) never overlap the others, so order is kept.
    _draw_elements(card, spec, [e for e in layout["elements"] if not _is_static(e)])
    return card


def encode(
    card: Image.Image, fmt: str, max_bytes: int, quality: int = 85, png_colours: int = 256
) -> bytes:
    """Encode a card as PNG or JPEG within `max_bytes` (fewer colours / lower quality if needed)."""
    buffer = io.BytesIO()
    if fmt == "png":
        # A palette PNG of a flat card is smaller and faster to save than a truecolour one.
        # The palette comes from a quarter-size copy (same colours, 16× fewer pixels to sort).
        for colours in (png_colours or None, 64):
            buffer = io.BytesIO()
            image = card
            if colours:
                palette = card.reduce(4).quantize(colours, Image.Quantize.FASTOCTREE)
                image = card.quantize(palette=palette, dither=Image.Dither.NONE)
            image.save(buffer, "PNG", compress_level=3)  # level 6: -15 % bytes, 2.5× time
            if buffer.tell() <= max_bytes:
                break
        return buffer.getvalue()
    # Lower the quality first; a very noisy photo is then softened until it fits the budget.
    attempts = [(0, q) for q in (quality, 75, 65, 55, 45, 35)]
    attempts += [(radius, 50) for radius in (1, 2, 4, 8)]
    for radius, q in attempts:
        buffer = io.BytesIO()
        image = card.filter(ImageFilter.GaussianBlur(radius)) if radius else card
        image.save(buffer, "JPEG", quality=min(q, quality), optimize=True, progressive=True)
        if buffer.tell() <= max_bytes:
            break
    return buffer.getvalue()


def render_card(spec: dict[str, Any], dest: str) -> dict[str, Any]:
    """Render, encode and write one card; on failure fall back to the text layout with a warning."""
    started = time.perf_counter()
    warning = None
    try:
        card = draw_card(spec)
    except Exception as error:
        warning = f"{type(error).__name__}: {error}"
        try:
            card = draw_card({**spec, "layout": spec["fallback_layout"], "image": None})
        except Exception as second:
            warning += f"; text layout failed too ({type(second).__name__}: {second})"
            card = Image.new("RGB", tuple(spec["size"]), spec["colours"]["accent"])
    data = encode(
        card, spec["format"], spec["max_bytes"], spec["jpeg_quality"], spec["png_colours"]
    )
    files.write_bytes(Path(dest), data)
    return {
        "bytes": len(data),
        "width": card.width,
        "height": card.height,
        "warning": warning,
        "seconds": time.perf_counter() - started,
    }
