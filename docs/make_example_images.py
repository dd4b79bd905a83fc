"""Draw the example article illustrations in content/images/ with Pillow.

Run from the project root: ``python docs/make_example_images.py``. Each image is a calm, flat
illustration, 1200x800 PNG, drawn at twice the size and scaled down for smooth edges, then
reduced to a small palette so every file stays well under 150 KB. No clinical advice lives in
these images: they are decoration for the articles, which carry their own alt text.
"""

from collections.abc import Callable
from math import cos, radians, sin
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "content" / "images"
W, H = 1200, 800
S = 2  # supersampling factor

# Calm, muted palette.
PALE_BLUE = (226, 238, 246)
PALE_GREEN = (227, 242, 234)
PALE_YELLOW = (250, 244, 224)
PALE_LILAC = (236, 234, 246)
NAVY = (31, 58, 96)
RED = (200, 52, 60)
DARK_RED = (160, 36, 46)
WHITE = (255, 255, 255)
GREEN = (0, 122, 84)
DARK_GREEN = (0, 94, 64)
YELLOW = (246, 196, 48)
BLUE = (64, 132, 204)
LIGHT_BLUE = (150, 196, 236)
GREY = (96, 110, 124)
SOFT_GREY = (205, 214, 222)


def s(*values: float) -> list[int]:
    """Scale coordinates from the 1200x800 design grid to the supersampled canvas."""
    return [round(v * S) for v in values]


def canvas(background: tuple[int, int, int]) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    """Return a supersampled canvas with a soft ground shape at the bottom."""
    img = Image.new("RGB", (W * S, H * S), background)
    draw = ImageDraw.Draw(img)
    shade = tuple(max(0, c - 14) for c in background)
    draw.ellipse(s(-200, 640, 1400, 1100), fill=shade)
    return img, draw


def heart(draw: ImageDraw.ImageDraw, cx: float, cy: float, size: float, fill) -> None:
    """Draw a heart from two circles and a triangle, centred on (cx, cy)."""
    r = size * 0.3
    draw.ellipse(s(cx - 2 * r, cy - 1.6 * r, cx, cy + 0.4 * r), fill=fill)
    draw.ellipse(s(cx, cy - 1.6 * r, cx + 2 * r, cy + 0.4 * r), fill=fill)
    draw.polygon(
        s(cx - 1.95 * r, cy - 0.6 * r, cx + 1.95 * r, cy - 0.6 * r, cx, cy + 2.1 * r), fill=fill
    )


def draw_cpr() -> Image.Image:
    """A heart with a pulse line running across the picture."""
    img, draw = canvas(PALE_BLUE)
    heart(draw, 600, 380, 520, RED)
    line = [
        (340, 420),
        (380, 420),
        (430, 360),
        (480, 470),
        (540, 230),
        (610, 560),
        (670, 380),
        (720, 420),
        (760, 420),
    ]
    draw.line(s(*[v for p in line for v in p]), fill=WHITE, width=24 * S, joint="curve")
    draw.line(s(80, 420, 340, 420), fill=NAVY, width=24 * S)
    draw.line(s(760, 420, 1120, 420), fill=NAVY, width=24 * S)
    for x, y in ((80, 420), (1120, 420)):
        draw.ellipse(s(x - 14, y - 14, x + 14, y + 14), fill=NAVY)
    return img


def draw_sun_and_water() -> Image.Image:
    """A sun above a water bottle and a glass of water."""
    img, draw = canvas(PALE_YELLOW)
    cx, cy = 300, 250
    for i in range(12):
        angle = i * 30
        a = radians(angle)
        x1, y1 = cx + 150 * cos(a), cy + 150 * sin(a)
        x2, y2 = cx + 210 * cos(a), cy + 210 * sin(a)
        draw.line(s(x1, y1, x2, y2), fill=YELLOW, width=22 * S)
    draw.ellipse(s(cx - 120, cy - 120, cx + 120, cy + 120), fill=YELLOW)
    draw.ellipse(s(cx - 70, cy - 80, cx - 20, cy - 30), fill=(250, 216, 110))
    # Bottle.
    draw.rounded_rectangle(s(690, 250, 850, 680), radius=40 * S, fill=BLUE)
    draw.rounded_rectangle(s(735, 190, 805, 260), radius=12 * S, fill=NAVY)
    draw.rounded_rectangle(s(710, 380, 830, 520), radius=20 * S, fill=LIGHT_BLUE)
    draw.rounded_rectangle(s(715, 280, 745, 640), radius=14 * S, fill=(110, 166, 222))
    # Glass with water.
    draw.polygon(s(900, 420, 1060, 420, 1040, 680, 920, 680), fill=SOFT_GREY)
    draw.polygon(s(908, 500, 1052, 500, 1040, 672, 920, 672), fill=LIGHT_BLUE)
    draw.line(s(935, 520, 945, 650), fill=WHITE, width=10 * S)
    return img


def draw_ambulance() -> Image.Image:
    """An ambulance made of simple shapes."""
    img, draw = canvas(PALE_GREEN)
    # Body and cab.
    draw.rounded_rectangle(s(170, 250, 760, 590), radius=30 * S, fill=WHITE)
    draw.polygon(s(740, 330, 900, 330, 1010, 450, 1010, 590, 740, 590), fill=WHITE)
    draw.polygon(s(770, 355, 885, 355, 970, 450, 770, 450), fill=LIGHT_BLUE)
    # Battenburg-style band.
    for i, x in enumerate(range(170, 1010, 70)):
        colour = GREEN if i % 2 == 0 else YELLOW
        draw.rectangle(s(x, 500, min(x + 70, 1010), 550), fill=colour)
    # A plain green cross on the side panel.
    draw.rectangle(s(410, 300, 480, 460), fill=GREEN)
    draw.rectangle(s(365, 345, 525, 415), fill=GREEN)
    # Roof light.
    draw.rounded_rectangle(s(420, 200, 520, 250), radius=14 * S, fill=BLUE)
    # Wheels.
    for x in (330, 850):
        draw.ellipse(s(x - 75, 525, x + 75, 675), fill=NAVY)
        draw.ellipse(s(x - 32, 568, x + 32, 632), fill=SOFT_GREY)
    draw.rectangle(s(990, 520, 1030, 560), fill=YELLOW)
    return img


def draw_first_aid_kit() -> Image.Image:
    """A first aid kit with a white cross, a bandage and two plasters."""
    img, draw = canvas(PALE_BLUE)
    draw.rounded_rectangle(s(480, 170, 720, 260), radius=30 * S, outline=DARK_GREEN, width=26 * S)
    draw.rounded_rectangle(s(300, 230, 900, 640), radius=50 * S, fill=GREEN)
    draw.rectangle(s(300, 330, 900, 350), fill=DARK_GREEN)
    draw.rectangle(s(560, 370, 640, 610), fill=WHITE)
    draw.rectangle(s(480, 450, 720, 530), fill=WHITE)
    # Rolled bandage.
    draw.ellipse(s(950, 470, 1110, 630), fill=WHITE)
    draw.ellipse(s(1000, 520, 1060, 580), fill=SOFT_GREY)
    draw.rectangle(s(860, 600, 1030, 630), fill=WHITE)
    # Plasters.
    for x, y in ((110, 560), (150, 470)):
        draw.rounded_rectangle(s(x, y, x + 150, y + 50), radius=25 * S, fill=(232, 196, 160))
        draw.rectangle(s(x + 55, y + 8, x + 95, y + 42), fill=(246, 226, 204))
    return img


def draw_social_media() -> Image.Image:
    """A phone with a heart on screen and three speech bubbles around it."""
    img, draw = canvas(PALE_LILAC)
    draw.rounded_rectangle(s(470, 110, 730, 660), radius=40 * S, fill=NAVY)
    draw.rounded_rectangle(s(490, 160, 710, 600), radius=16 * S, fill=WHITE)
    draw.ellipse(s(585, 615, 615, 645), fill=GREY)
    heart(draw, 600, 360, 170, RED)
    bubbles = (
        (170, 170, 400, 310, BLUE, (330, 300, 390, 360)),
        (800, 220, 1050, 360, GREEN, (820, 350, 770, 400)),
        (200, 450, 420, 580, YELLOW, (400, 560, 450, 610)),
    )
    for x1, y1, x2, y2, colour, tail in bubbles:
        draw.rounded_rectangle(s(x1, y1, x2, y2), radius=40 * S, fill=colour)
        tx1, ty1, tx2, ty2 = tail
        draw.polygon(s(tx1, ty1, tx1 + 40, ty1 - 20, tx2, ty2), fill=colour)
        for i in range(3):
            dx = x1 + (x2 - x1) * (i + 1) / 4
            dy = (y1 + y2) / 2
            draw.ellipse(s(dx - 12, dy - 12, dx + 12, dy + 12), fill=WHITE)
    return img


IMAGES: dict[str, Callable[[], Image.Image]] = {
    "cpr-heart-pulse.png": draw_cpr,
    "sun-and-water.png": draw_sun_and_water,
    "ambulance.png": draw_ambulance,
    "first-aid-kit.png": draw_first_aid_kit,
    "social-media.png": draw_social_media,
}


def main() -> None:
    """Render every illustration and report its size."""
    OUT.mkdir(parents=True, exist_ok=True)
    for name, painter in IMAGES.items():
        big = painter()
        small = big.resize((W, H), Image.Resampling.LANCZOS)
        small = small.quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        path = OUT / name
        small.save(path, optimize=True)
        print(f"{path.relative_to(OUT.parent.parent)}: {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
