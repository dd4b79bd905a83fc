"""content_images: planning, encoding, the Markdown extension, a real build, cache and budgets."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from content_images.content_images import ContentImagesSettingsError, get_settings
from content_images.derivatives import ImageSourceError, encode, load, plan_image
from content_images.markdown_ext import ContentImagesExtension
from content_images.markup import picture
from markdown import Markdown
from PIL import Image
from tools.build import run_build

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "content_images" / "content"
OPTS = get_settings({})


def noise(path: Path, size: tuple[int, int], mode: str = "RGB") -> Path:
    Image.frombytes(mode, size, os.urandom(size[0] * size[1] * len(mode))).save(path)
    return path


def test_plan_never_upscales_and_names_follow_bytes_and_settings(tmp_path):
    photo = FIXTURE / "images" / "photo.jpg"
    plan = plan_image(photo, OPTS)
    assert (plan.width, plan.height, plan.fallback) == (1800, 1200, "jpeg")
    assert [c.width for c in plan.copies["jpeg"]] == [480, 800, 1200, 1600]
    assert [c.height for c in plan.copies["webp"]] == [320, 533, 800, 1067]
    assert plan.modern() == ["webp"]
    small = plan_image(FIXTURE / "images" / "diagram.png", OPTS)
    assert small.fallback == "png"  # transparency
    assert [c.width for c in small.copies["png"]] == [480, 800, 900]
    other = get_settings({"CONTENT_IMAGES_QUALITY": {"webp": 70}})
    assert plan_image(photo, other).largest("webp").name != plan.largest("webp").name
    copy = tmp_path / "photo.jpg"
    copy.write_bytes(photo.read_bytes() + b"\0")
    assert plan_image(copy, OPTS).largest().name != plan.largest().name
    assert all(c.name.startswith("photo-") for cs in plan.copies.values() for c in cs)


def test_photo_taken_on_its_side_is_planned_upright(tmp_path):
    image = Image.new("RGB", (400, 200), "red")
    exif = image.getexif()
    exif[0x0112] = 6
    path = tmp_path / "side.jpg"
    image.save(path, exif=exif)
    plan = plan_image(path, OPTS)
    assert (plan.width, plan.height) == (200, 400)
    assert load(path).size == (200, 400)


@pytest.mark.parametrize("data", [b"", b"not an image", b"\x89PNG\r\n\x1a\n" + b"\0" * 20])
def test_unreadable_sources_raise_a_clear_error(tmp_path, data):
    path = tmp_path / "bad.png"
    path.write_bytes(data)
    with pytest.raises(ImageSourceError):
        plan_image(path, OPTS)


def test_encoding_lowers_quality_to_meet_the_budget(tmp_path):
    source = noise(tmp_path / "noise.png", (800, 600))
    plan = plan_image(source, OPTS)
    image = load(source)
    copy = plan.copies["webp"][-1]
    roomy, fits = encode(image, copy, 10_000_000)
    assert fits
    tight, fits = encode(image, copy, len(roomy) * 3 // 4)
    assert fits and len(tight) < len(roomy)
    _, fits = encode(image, copy, 1000)
    assert not fits
    assert Image.open(io.BytesIO(tight)).size == (800, 600)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("CONTENT_IMAGES_WIDTHS", []),
        ("CONTENT_IMAGES_WIDTHS", [0]),
        ("CONTENT_IMAGES_FORMATS", ["gif"]),
        ("CONTENT_IMAGES_QUALITY", {"webp": 101}),
        ("CONTENT_IMAGES_OUTPUT_DIR", "../outside"),
        ("CONTENT_IMAGES_MAX_BYTES", "big"),
        ("CONTENT_IMAGES_WORKERS", -1),
        ("CONTENT_IMAGES_ENABLED", "no"),
    ],
)
def test_bad_settings_name_the_key(key, value):
    with pytest.raises(ContentImagesSettingsError, match=key):
        get_settings({key: value})


def render(text: str, pictures: dict[str, dict]) -> BeautifulSoup:
    md = Markdown(extensions=[ContentImagesExtension(picture_for=pictures.get)])
    return BeautifulSoup(md.convert(text), "html.parser")


def test_markdown_images_become_pictures_with_real_sizes():
    plan = plan_image(FIXTURE / "images" / "photo.jpg", OPTS)
    data = picture(plan, "https://x.test/images/sized", OPTS["CONTENT_IMAGES_SIZES"])
    soup = render(
        'Text.\n\n![A <b>bold</b> "alt" & more](photo.jpg "Title")\n\n'
        "![Other site](https://example.org/a.jpg)\n",
        {"photo.jpg": data},
    )
    pictures = soup.select("p > picture")
    assert len(pictures) == 1
    source = pictures[0].select_one("source")
    assert source["type"] == "image/webp"
    assert source["srcset"].count("w,") == 3 and source["sizes"] == OPTS["CONTENT_IMAGES_SIZES"]
    img = pictures[0].select_one("img")
    assert (img["width"], img["height"]) == ("1600", "1067")
    assert img["src"].endswith(".jpg") and img["src"].startswith("https://x.test/images/sized/")
    assert (img["loading"], img["decoding"], img["title"]) == ("lazy", "async", "Title")
    assert img["alt"] == 'A <b>bold</b> "alt" & more'
    other = soup.find("img", src="https://example.org/a.jpg")
    assert other["loading"] == "lazy" and other.find_parent("picture") is None


def test_real_build_publishes_cached_copies_and_a_header_picture(build_site, tmp_path):
    cache = tmp_path / "images-cache"
    settings = {
        "CONTENT_IMAGES_CACHE_PATH": str(cache),
        "READER_FEATURES_SEARCH": False,
        "OG_CARDS_ENABLED": False,
        "SITEURL": "http://127.0.0.1:8000",
    }
    content = shutil.copytree(FIXTURE, tmp_path / "content")
    out = build_site(content_path=content, settings=settings)
    page = BeautifulSoup((out / "first-aid" / "pictures" / "index.html").read_text(), "html.parser")
    header = page.select_one(".article__figure picture img")
    assert (header["width"], header["height"]) == ("1600", "1067")
    assert header.get("loading") is None, "the header image is near the top: not lazy"
    body = page.select(".article__body picture img")
    assert [img["loading"] for img in body] == ["lazy", "lazy"]
    assert (body[0]["width"], body[0]["height"]) == ("900", "600")
    assert page.select_one('.article__body img[src$="mark.svg"]')["loading"] == "lazy"
    for element in page.select("picture source, picture img"):
        for entry in (element.get("srcset") or "").split(","):
            url = entry.split()[0]
            name = url.rsplit("/", 1)[1]
            published = out / "images" / "sized" / name
            assert published.is_file(), url
            assert published.read_bytes() == (cache / name).read_bytes()
            width = int(entry.split()[1].rstrip("w"))
            assert Image.open(published).width == width
    files = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}
    assert any(n.endswith(".webp") for n in files) and any(n.endswith(".png") for n in files)
    # A second build encodes nothing; a changed image gets new names.
    second = build_site(content_path=content, settings=settings)
    assert {p.name: p.stat().st_mtime_ns for p in cache.iterdir()} == files
    assert sorted(p.name for p in (second / "images" / "sized").iterdir()) == sorted(files)
    noise(content / "images" / "diagram.png", (900, 600), "RGBA")
    third = build_site(content_path=content, settings=settings)
    assert {p.name for p in (third / "images" / "sized").iterdir()} - set(files)


def test_budgets_warn_and_the_hard_limit_fails_the_strict_build(tmp_path):
    content = shutil.copytree(FIXTURE, tmp_path / "content")
    noise(content / "images" / "huge.png", (600, 400))
    article = content / "articles" / "first-aid" / "pictures.md"
    article.write_text(article.read_text() + "\n![Noise]({static}/images/huge.png)\n")
    result = run_build(
        ROOT / "pelicanconf.py",
        output=tmp_path / "out",
        strict=True,
        quiet=True,
        override={
            "PATH": str(content),
            "CACHE_PATH": str(tmp_path / "cache"),
            "READER_FEATURES_SEARCH": False,
            "OG_CARDS_ENABLED": False,
            "CONTENT_IMAGES_SOURCE_LIMIT": 500_000,
            "CONTENT_IMAGES_MAX_BYTES": 60_000,
        },
    )
    assert result.code == 1
    mine = [p for p in result.problems if p.source == "content_images"]
    errors = [p for p in mine if p.severity == "error"]
    warnings = [p for p in mine if p.severity == "warning"]
    assert [p.file for p in errors] == ["content/images/huge.png"]
    assert "MB" in errors[0].problem and "resize" in errors[0].fix
    assert warnings and {p.file for p in warnings} == {"content/images/huge.png"}
    assert "budget" in warnings[0].problem
    assert (tmp_path / "out" / "first-aid" / "pictures" / "index.html").is_file()
