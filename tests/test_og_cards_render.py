"""og_cards rendering: golden images, formats and byte budget, fallbacks, spec hashes, settings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from kernel.settings import SettingsError
from og_cards import render
from og_cards.layouts import PHOTO_VARIANTS, photo_variant
from og_cards.og_cards import get_settings
from og_cards.spec import build_spec, card_name, spec_hash
from PIL import Image, ImageChops, ImageDraw, ImageOps
from tools import goldens

GOLDEN = Path(__file__).resolve().parent.parent / goldens.GOLDEN_DIR
OPTS = get_settings({"SITENAME": "Sharewell", "SITEURL": "http://127.0.0.1:8000"})
TEXTS = {"title": "How to do CPR", "section": "First aid", "site_name": "Sharewell", "reviewed": ""}


@pytest.fixture(scope="module")
def golden_specs() -> dict:
    return goldens.golden_specs(GOLDEN / "photo-source.jpg")


@pytest.mark.parametrize("name", [*goldens.CASES, *goldens.LANGUAGE_CASES, "photo"])
def test_cards_match_golden_images(golden_specs, name: str) -> None:
    drawn = render.draw_card(golden_specs[name])
    with Image.open(GOLDEN / f"{name}.png") as golden:
        expected = golden.convert("RGB")
    assert drawn.size == expected.size == (1200, 630)
    assert drawn.mode == "RGB"
    diff = ImageChops.difference(drawn, expected).convert("L")
    histogram = diff.histogram()
    total = sum(histogram)
    off = sum(histogram[33:])  # pixels differing by more than 32 levels (anti-aliasing drift)
    mean = sum(level * count for level, count in enumerate(histogram)) / total
    assert off / total < 0.005, f"{name}: {off} pixels differ; run `invoke regenerate-goldens`?"
    assert mean < 1.5


def test_cards_of_pages_in_other_languages_label_in_that_language() -> None:
    """A Welsh card says "Adolygwyd", an Urdu one "جائزہ لیا گیا", with the month in words."""
    welsh, urdu = goldens.language_texts("welsh_page"), goldens.language_texts("urdu_page")
    assert welsh["reviewed"] == "Adolygwyd 15 Gorffennaf 2025"
    assert welsh["section"] == "Cymorth cyntaf"
    assert urdu["reviewed"].startswith("جائزہ لیا گیا: 15 جولائی")
    assert urdu["section"] == "صحت مند زندگی"
    assert goldens.language_texts("arabic_page")["reviewed"] == "تمت المراجعة في 15 يوليو 2025"


def test_text_card_is_png_and_photo_card_is_jpeg(tmp_path: Path, golden_specs) -> None:
    for name, fmt, ext in (("latin", "PNG", "png"), ("photo", "JPEG", "jpg")):
        dest = tmp_path / f"card.{ext}"
        result = render.render_card(golden_specs[name], str(dest))
        assert result["warning"] is None
        with Image.open(dest) as card:
            assert card.format == fmt
            assert card.size == (1200, 630)
        assert result["bytes"] == dest.stat().st_size <= 300_000
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".*"))


def test_noisy_photo_is_recompressed_under_the_budget(tmp_path: Path) -> None:
    noise = Image.effect_noise((1200, 630), 120).convert("RGB")
    noise.save(tmp_path / "noise.png")
    opts = dict(OPTS, OG_CARDS_MAX_BYTES=90_000)
    spec = build_spec(
        opts, "photo", TEXTS, "#007f3b", {"path": str(tmp_path / "noise.png"), "focus": (0.5, 0.5)}
    )
    result = render.render_card(spec, str(tmp_path / "card.jpg"))
    assert result["bytes"] <= 90_000


def _photo(path: Path, fill: str, line: str | None = None) -> Path:
    image = Image.new("RGB", (1600, 900), fill)
    if line:  # a bright stroke across the middle, where a title would sit
        ImageDraw.Draw(image).rectangle((0, 420, 1600, 470), fill=line)
    image.save(path, quality=92)
    return path


@pytest.mark.parametrize(
    ("fill", "line"),
    [("#ffffff", None), ("#fdf6e3", "#ffffff"), ("#1a1a1a", "#ffffff"), ("#ff2200", "#00ff88")],
)
@pytest.mark.parametrize("focus", [(0.5, 0.3), (0.5, 0.9)])
def test_photo_text_reaches_4_5_on_the_pixels_behind_it_and_the_rest_stays_vivid(
    tmp_path: Path, fill: str, line: str | None, focus: tuple[float, float]
) -> None:
    source = _photo(tmp_path / "photo.jpg", fill, line)
    name = photo_variant("photo", focus)
    assert name == ("photo-top" if focus[1] > 0.6 else "photo")
    layout = OPTS["layouts"][name]
    spec = build_spec(OPTS, name, TEXTS, "#007f3b", {"path": str(source), "focus": focus})
    # The backdrop: the same card with no text drawn, i.e. the pixels behind the text.
    backdrop = render.draw_card({**spec, "texts": dict.fromkeys(TEXTS, "")})
    boxes = [e["box"] for e in layout["elements"] if e.get("measure")]
    assert len(boxes) == 4
    assert render.measured_contrast(backdrop, boxes) >= 4.5
    # Outside the scrim the photo is untouched: no grey veil over the whole card.
    scrim = next(e for e in layout["elements"] if e["kind"] == "scrim")
    _, top, _, bottom = scrim["box"]
    free = (0, 40, 1200, top) if top > 0 else (0, bottom, 1200, 590)
    with Image.open(source) as photo:
        plain = ImageOps.fit(photo.convert("RGB"), (1200, 630), centering=focus)
    assert ImageChops.difference(plain.crop(free), backdrop.crop(free)).getbbox() is None
    card = render.draw_card(spec)
    assert card.size == (1200, 630)
    assert ImageChops.difference(card, backdrop).getbbox() is not None, "the text is drawn"


def test_scrim_is_only_as_dark_as_needed() -> None:
    layout = OPTS["layouts"]["photo"]
    scrim = next(e for e in layout["elements"] if e["kind"] == "scrim")
    boxes = [e["box"] for e in layout["elements"] if e.get("measure")]
    dark = Image.new("RGB", (1200, 630), "#202020")
    assert render.apply_scrim(dark, scrim, boxes).getpixel((600, 500))[0] >= 0x20 * 0.5
    white = Image.new("RGB", (1200, 630), "#ffffff")
    shaded = render.apply_scrim(white, scrim, boxes)
    assert render.measured_contrast(shaded, boxes) >= 4.5
    assert render.measured_contrast(shaded, boxes) < 6, "not darker than it must be"
    assert shaded.getpixel((600, 10)) == (255, 255, 255)


@pytest.mark.parametrize("colour", ["#ffeb3b", "#007f3b", "#00425a", "#ffffff", "#da291c"])
def test_category_label_colour_is_readable(colour: str) -> None:
    readable = render.readable_on(colour, OPTS["OG_CARDS_BACKGROUND"])
    assert (
        render.contrast(render.hex_rgb(readable), render.hex_rgb(OPTS["OG_CARDS_BACKGROUND"]))
        >= 4.5
    )


def test_corrupt_writer_image_falls_back_to_the_text_layout(tmp_path: Path) -> None:
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    spec = build_spec(OPTS, "photo", TEXTS, "#007f3b", {"path": str(bad), "focus": (0.5, 0.5)})
    result = render.render_card(spec, str(tmp_path / "card.jpg"))
    assert result["warning"]  # e.g. "OSError: Truncated File Read"
    with Image.open(tmp_path / "card.jpg") as card:
        assert card.format == "JPEG"  # the declared type is kept
        assert card.size == (1200, 630)


def test_missing_font_still_writes_a_plain_card(tmp_path: Path) -> None:
    spec = build_spec(OPTS, "text", TEXTS, "#007f3b")
    spec["fonts"] = {"bold": [str(tmp_path / "gone.ttf")], "regular": [str(tmp_path / "gone.ttf")]}
    result = render.render_card(spec, str(tmp_path / "card.png"))
    assert "text layout failed too" in result["warning"]
    assert (tmp_path / "card.png").stat().st_size > 0


def test_spec_hash_changes_with_everything_drawn() -> None:
    base = build_spec(OPTS, "text", TEXTS, "#007f3b")
    digest = spec_hash(base)
    assert spec_hash(build_spec(OPTS, "text", TEXTS, "#007f3b")) == digest
    changed = [
        build_spec(OPTS, "text", {**TEXTS, "title": "How to do CPR on a child"}, "#007f3b"),
        build_spec(OPTS, "text", TEXTS, "#da291c"),
        build_spec(OPTS, "text", {**TEXTS, "reviewed": "Reviewed 1 May 2026"}, "#007f3b"),
        build_spec(dict(OPTS, OG_CARDS_FONTS=OPTS["OG_CARDS_FONTS"][1:]), "text", TEXTS, "#007f3b"),
        {**base, "version": base["version"] + "-next"},
        {**base, "layout": OPTS["layouts"]["photo"]},
    ]
    assert len({digest, *(spec_hash(s) for s in changed)}) == len(changed) + 1


def test_spec_hash_ignores_where_the_fonts_live(tmp_path: Path) -> None:
    fonts = []
    for path in OPTS["OG_CARDS_FONTS"][:2]:
        fonts.append(str(shutil.copy(path, tmp_path)))
    a = build_spec(dict(OPTS, OG_CARDS_FONTS=OPTS["OG_CARDS_FONTS"][:2]), "text", TEXTS, "#007f3b")
    b = build_spec(dict(OPTS, OG_CARDS_FONTS=fonts), "text", TEXTS, "#007f3b")
    assert spec_hash(a) == spec_hash(b)


def test_card_names_carry_the_hash() -> None:
    assert card_name("how-to-do-cpr", "0123456789abcdef", "png") == "how-to-do-cpr-01234567.png"
    assert card_name("x", "fedcba9876543210", "jpeg") == "x-fedcba98.jpg"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("OG_CARDS_SIZE", (1200,)),
        ("OG_CARDS_SIZE", (10, 10)),
        ("OG_CARDS_ACCENT", "blue"),
        ("OG_CARDS_CATEGORY_COLOURS", {"first-aid": "red"}),
        ("OG_CARDS_LAYOUT", "fancy"),
        ("OG_CARDS_CATEGORY_LAYOUTS", {"first-aid": "fancy"}),
        ("OG_CARDS_CATEGORY_LAYOUTS", ["photo"]),
        ("OG_CARDS_FONTS", ["Missing.ttf"]),
        ("OG_CARDS_MAX_BYTES", 5),
        ("OG_CARDS_WORKERS", -1),
        ("OG_CARDS_START_METHOD", "thread"),
        ("OG_CARDS_REVIEWED_TEXT", "Reviewed"),
        ("OG_CARDS_LAYOUTS", {"odd": {"format": "gif", "elements": []}}),
    ],
)
def test_bad_settings_name_the_key_and_value(key: str, value) -> None:
    with pytest.raises(SettingsError) as error:
        get_settings({key: value})
    assert key in str(error.value)


def test_defaults() -> None:
    opts = get_settings({"SITENAME": "Sharewell", "SITE_TAGLINE": "Clear advice"})
    assert opts["OG_CARDS_SIZE"] == (1200, 630)
    assert opts["workers"] >= 1
    assert opts["site_name"] == "Sharewell"
    assert opts["default_description"] == "Clear advice"
    assert get_settings({"OG_CARDS_WORKERS": 0})["workers"] == 0
    assert all(Path(p).is_file() for p in opts["OG_CARDS_FONTS"])


@pytest.mark.parametrize(
    ("focus", "colour"), [((0.0, 0.5), (255, 0, 0)), ((1.0, 0.5), (0, 0, 255))]
)
def test_writer_image_is_cropped_around_the_focus(tmp_path: Path, focus, colour) -> None:
    wide = Image.new("RGB", (3000, 630), (255, 0, 0))
    wide.paste((0, 0, 255), (1500, 0, 3000, 630))
    wide.save(tmp_path / "wide.png")
    spec = build_spec(
        OPTS, "image", TEXTS, "#007f3b", {"path": str(tmp_path / "wide.png"), "focus": focus}
    )
    render.render_card(spec, str(tmp_path / "card.jpg"))
    with Image.open(tmp_path / "card.jpg") as card:
        assert card.size == (1200, 630)
        pixel = card.convert("RGB").getpixel((600, 315))
    assert all(abs(a - b) < 40 for a, b in zip(pixel, colour, strict=True))


def test_without_raqm_right_to_left_runs_are_reversed(monkeypatch) -> None:
    from og_cards import textfit

    run = textfit.Run("שלום", STACK_FONT_HEBREW, rtl=True)
    monkeypatch.setattr(textfit, "HAS_RAQM", False)
    assert textfit.run_text(run) == "םולש"
    monkeypatch.setattr(textfit, "HAS_RAQM", True)
    assert textfit.run_text(run) == "שלום"


STACK_FONT_HEBREW = next(p for p in OPTS["OG_CARDS_FONTS"] if "Hebrew" in p)


@pytest.mark.parametrize(("busy", "expected"), [("bottom", "photo-top"), ("top", "photo")])
def test_text_goes_to_the_calmer_side_of_the_photo(
    tmp_path: Path, busy: str, expected: str
) -> None:
    image = Image.new("RGB", (1200, 630), "#dfe9ef")
    draw = ImageDraw.Draw(image)
    rows = range(330, 630, 24) if busy == "bottom" else range(0, 300, 24)
    for y in rows:  # stripes: lots of edges where the text would sit
        draw.rectangle((0, y, 1200, y + 10), fill="#102030")
    path = tmp_path / f"busy-{busy}.png"
    image.save(path)
    choices = {name: OPTS["layouts"][name] for name in PHOTO_VARIANTS}
    assert render.calmer_layout(str(path), (0.5, 0.5), choices) == expected
    # A focal point the writer gave wins over the measurement.
    assert photo_variant("photo", (0.5, 0.9), lambda: "photo") == "photo-top"
    assert photo_variant("photo", (0.5, 0.2), lambda: "photo-top") == "photo"
    assert photo_variant("photo", (0.5, 0.5), lambda: expected) == expected
    assert photo_variant("text", (0.5, 0.9), lambda: "photo-top") == "text"
