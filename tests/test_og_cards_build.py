"""og_cards in real builds of a tiny site: tags in the HTML, card files, cache behaviour."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import extruct
import pytest
from bs4 import BeautifulSoup
from og_cards import og_cards
from PIL import Image

FIXTURE = Path(__file__).parent / "fixtures" / "og_cards" / "site"
SITEURL = "http://127.0.0.1:8000"
SETTINGS = {"PLUGINS": ["og_cards"], "SITEURL": SITEURL, "OG_CARDS_WORKERS": 2}
REQUIRED_OG = [
    "og:type", "og:title", "og:description", "og:site_name", "og:locale", "og:image",
    "og:image:width", "og:image:height", "og:image:type", "og:image:alt",
]  # fmt: skip


def _pages(output: Path) -> list[Path]:
    return sorted(p for p in output.rglob("*.html") if not p.name.startswith("_"))


def _meta(soup: BeautifulSoup) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for tag in soup.head.find_all("meta"):
        key = tag.get("property") or tag.get("name")
        if key:
            found.setdefault(key, []).append(tag.get("content", ""))
    return found


def _og_images(output: Path) -> dict[str, str]:
    images = {}
    for page in _pages(output):
        soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
        tag = soup.find("meta", property="og:image")
        if tag:
            images[str(page.relative_to(output))] = tag["content"]
    return images


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    from conftest import build

    root = tmp_path_factory.mktemp("og-site")
    # Two per page so that /page/2/ exists: its og:url must follow its own canonical URL.
    settings = {**SETTINGS, "DEFAULT_PAGINATION": 2}
    return build(root / "output", content_path=FIXTURE, settings=settings, cache=root / "cache")


def test_every_page_carries_the_full_set_of_tags(site: Path) -> None:
    pages = _pages(site)
    assert len(pages) >= 10
    for page in pages:
        soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
        meta = _meta(soup)
        missing = [key for key in REQUIRED_OG if key not in meta]
        assert not missing, f"{page.relative_to(site)} lacks {missing}"
        assert meta["twitter:card"] == ["summary_large_image"]
        assert meta["og:image"][0].startswith(f"{SITEURL}/og/")
        assert meta["og:type"][0] in {"article", "website"}
        assert meta["og:locale"][0] in {"en_GB", "cy_GB"}
        assert len(meta["twitter:image:alt"][0]) <= 420
        canonical = soup.find("link", rel="canonical")
        if canonical and "og:url" in meta:
            assert meta["og:url"] == [canonical["href"]], page
        # og:* and article:* use property=, twitter:* use name= (Facebook ignores og name=).
        for tag in soup.head.find_all("meta"):
            if tag.get("name", "").startswith(("og:", "article:")):
                pytest.fail(f"{page}: {tag} uses name=")
            if tag.get("property", "").startswith("twitter:"):
                pytest.fail(f"{page}: {tag} uses property=")


def test_paginated_listings_point_og_url_at_their_own_page(site: Path) -> None:
    meta = _meta(
        BeautifulSoup((site / "page" / "2" / "index.html").read_text("utf-8"), "html.parser")
    )
    assert meta["og:url"] == [f"{SITEURL}/page/2/"]


def test_article_tags(site: Path) -> None:
    html = (site / "first-aid" / "burns" / "index.html").read_text("utf-8")
    meta = _meta(BeautifulSoup(html, "html.parser"))
    assert meta["og:type"] == ["article"]
    assert meta["og:title"] == ["Burns and scalds: first aid"]
    assert meta["og:description"] == [
        "Cool a burn under running water for 20 minutes & cover it loosely."
    ]
    assert meta["og:url"] == [f"{SITEURL}/first-aid/burns/"]
    assert meta["article:section"] == ["First aid"]
    assert meta["article:tag"] == ["first aid", "home safety"]
    assert meta["article:published_time"][0].startswith("2025-05-13T09:00:00")
    assert meta["article:modified_time"][0].startswith("2025-07-21T16:00:00")
    assert meta["article:author"] == [f"{SITEURL}/author/aisha-rahman/"]
    assert meta["og:image:type"] == ["image/png"]
    assert "article:tags" not in meta
    # Early in <head>: before the stylesheet, within the first few KB.
    assert html.index('property="og:image"') < html.index('rel="stylesheet"')


def test_listings_are_websites_with_their_own_cards(site: Path) -> None:
    images = _og_images(site)
    for page, stem in [
        ("index.html", "index-"),
        ("first-aid/index.html", "category-first-aid-"),
        ("tag/summer/index.html", "tag-summer-"),
        ("author/gareth-lloyd/index.html", "author-gareth-lloyd-"),
        ("archives/index.html", "archives-"),
        ("about/index.html", "about-"),
    ]:
        assert images[page].rsplit("/", 1)[-1].startswith(stem), page
        meta = _meta(BeautifulSoup((site / page).read_text("utf-8"), "html.parser"))
        assert meta["og:type"] == ["website"]


def test_quotes_and_markup_in_titles_are_escaped(site: Path) -> None:
    html = (site / "living-well" / "quotes" / "index.html").read_text("utf-8")
    assert '<script>"' not in html and "<script>&" not in html
    meta = _meta(BeautifulSoup(html, "html.parser"))
    assert meta["og:title"] == ["Why \"<script>\" & 'quotes' don't break previews"]


def test_photo_and_writer_images(site: Path) -> None:
    photo = _meta(
        BeautifulSoup((site / "living-well/heat/index.html").read_text("utf-8"), "html.parser")
    )
    assert photo["og:image"][0].endswith(".jpg")
    assert photo["og:image:type"] == ["image/jpeg"]
    own = _meta(
        BeautifulSoup((site / "living-well/own-image/index.html").read_text("utf-8"), "html.parser")
    )
    assert own["og:title"] == ["A shorter title for social media"]
    assert own["og:description"] == ["A description written for social media."]
    assert own["og:image:alt"] == ["Circles in warm colours"]
    assert own["og:image"][0].endswith(".jpg")


def test_card_files_match_their_declared_size_and_type(site: Path) -> None:
    seen = set()
    for page in _pages(site):
        meta = _meta(BeautifulSoup(page.read_text("utf-8"), "html.parser"))
        url = meta["og:image"][0]
        if url in seen:
            continue
        seen.add(url)
        path = site / url.removeprefix(f"{SITEURL}/")
        assert path.stat().st_size <= 300_000
        with Image.open(path) as card:
            assert card.size == (int(meta["og:image:width"][0]), int(meta["og:image:height"][0]))
            assert Image.MIME[card.format] == meta["og:image:type"][0]
    assert len(seen) >= 10


def test_a_real_metadata_extractor_reads_the_tags(site: Path) -> None:
    html = (site / "first-aid" / "burns" / "index.html").read_text("utf-8")
    data = extruct.extract(html, base_url=f"{SITEURL}/first-aid/burns/", syntaxes=["opengraph"])
    properties = data["opengraph"][0]["properties"]
    og = dict(properties)
    assert og["og:title"] == "Burns and scalds: first aid"
    assert og["og:type"] == "article"
    assert og["og:image"].startswith(f"{SITEURL}/og/burns-")
    assert og["og:image:width"] == "1200"
    assert og["og:image:height"] == "630"
    assert og["article:section"] == "First aid"
    assert [v for k, v in properties if k == "article:tag"] == ["first aid", "home safety"]


def test_second_build_renders_nothing_and_a_title_edit_renders_one(tmp_path: Path, caplog) -> None:
    from conftest import build

    content = shutil.copytree(FIXTURE, tmp_path / "content")
    cache = tmp_path / "cache"
    build(tmp_path / "out1", content_path=content, settings=SETTINGS, cache=cache)
    first = og_cards.last_build_stats(cache)
    assert first["rendered"] >= 10 and first["cached"] == 0
    before = _og_images(tmp_path / "out1")

    with caplog.at_level(logging.INFO, logger="og_cards"):
        build(tmp_path / "out2", content_path=content, settings=SETTINGS, cache=cache)
    assert og_cards.last_build_stats(cache)["rendered"] == 0
    assert og_cards.last_build_stats(cache)["cached"] == first["rendered"]
    assert f"og_cards: 0 rendered, {first['rendered']} cached in" in caplog.text
    assert _og_images(tmp_path / "out2") == before

    article = content / "articles" / "first-aid" / "burns.md"
    article.write_text(
        article.read_text("utf-8").replace("first aid\nDate", "first aid now\nDate"), "utf-8"
    )
    build(tmp_path / "out3", content_path=content, settings=SETTINGS, cache=cache)
    third = og_cards.last_build_stats(cache)
    assert third["rendered"] == 1
    assert third["wasted"] == 0  # the render started while reading was the right one
    after = _og_images(tmp_path / "out3")
    changed = {page for page in before if before[page] != after[page]}
    assert changed == {"first-aid/burns/index.html"}


def test_page_translations_get_their_own_card(site: Path) -> None:
    translated = [p for p in _pages(site) if "Amdanom ni" in p.read_text("utf-8")]
    assert translated
    meta = _meta(BeautifulSoup(translated[0].read_text("utf-8"), "html.parser"))
    assert meta["og:title"] == ["Amdanom ni"]
    assert meta["og:locale"] == ["cy_GB"]
    assert meta["og:image"][0].rsplit("/", 1)[-1].startswith("about-cy-")


def test_autoreload_runs_keep_working(tmp_path: Path) -> None:
    from conftest import ROOT
    from pelican import Pelican
    from pelican.settings import read_settings

    override = {
        **SETTINGS,
        "PATH": str(FIXTURE),
        "OUTPUT_PATH": str(tmp_path / "out"),
        "CACHE_PATH": str(tmp_path / "cache"),
    }
    pelican = Pelican(read_settings(str(ROOT / "pelicanconf.py"), override=override))
    pelican.run()
    first = og_cards.last_build_stats(tmp_path / "cache")["rendered"]
    pelican.run()  # what `pelican --autoreload` does after a change: same process, same object
    again = og_cards.last_build_stats(tmp_path / "cache")
    assert (again["rendered"], again["cached"]) == (0, first)
    assert _og_images(tmp_path / "out")["index.html"].startswith(f"{SITEURL}/og/index-")


def test_missing_writer_image_is_named_and_a_generated_card_is_used(tmp_path: Path) -> None:
    from conftest import build
    from kernel.problems import current_store

    content = shutil.copytree(FIXTURE, tmp_path / "content")
    own = content / "articles" / "living-well" / "own.md"
    own.write_text(own.read_text("utf-8").replace("images/photo.jpg", "images/gone.jpg"), "utf-8")
    out = build(
        tmp_path / "out", content_path=content, settings={**SETTINGS, "OG_CARDS_WORKERS": 0}
    )
    [problem] = [p for p in current_store() if p.source == "og_cards"]
    assert problem.file.endswith("own.md") and problem.field == "og_image"
    assert "images/gone.jpg` is not a file in the content folder" in problem.problem
    assert _og_images(out)["living-well/own-image/index.html"].endswith(".png")


@pytest.mark.parametrize("value", ["../../../../etc/passwd", "/etc/passwd", "{static}/../x.png"])
def test_images_outside_the_content_folder_are_never_read(tmp_path: Path, value: str) -> None:
    from conftest import build
    from kernel.problems import current_store

    content = shutil.copytree(FIXTURE, tmp_path / "content")
    own = content / "articles" / "living-well" / "own.md"
    own.write_text(own.read_text("utf-8").replace("images/photo.jpg", value), "utf-8")
    out = build(
        tmp_path / "out", content_path=content, settings={**SETTINGS, "OG_CARDS_WORKERS": 0}
    )
    assert any(p.field == "og_image" and p.is_error for p in current_store())
    assert _og_images(out)["living-well/own-image/index.html"].endswith(".png")


def test_a_corrupt_photo_warns_and_never_stops_the_build(tmp_path: Path) -> None:
    from conftest import build

    content = shutil.copytree(FIXTURE, tmp_path / "content")
    (content / "images" / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 truncated")
    photo = content / "articles" / "living-well" / "photo.md"
    photo.write_text(photo.read_text("utf-8").replace("photo.jpg", "broken.jpg"), "utf-8")
    from kernel.problems import current_store

    out = build(tmp_path / "out", content_path=content, settings=SETTINGS, cache=tmp_path / "c")
    [fell_back] = [p for p in current_store() if "fell back to the text layout" in p.problem]
    assert fell_back.file.endswith("photo.md") and fell_back.source == "og_cards"
    url = _og_images(out)["living-well/heat/index.html"]
    with Image.open(out / url.removeprefix(f"{SITEURL}/")) as card:
        assert (card.format, card.size) == ("JPEG", (1200, 630))
    leftovers = [p.name for p in (tmp_path / "c").rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []


def test_a_section_can_choose_its_layout(build_site) -> None:
    settings = {**SETTINGS, "OG_CARDS_CATEGORY_LAYOUTS": {"living-well": "text"}}
    out = build_site(content_path=FIXTURE, settings=settings)
    html = (out / "living-well/heat/index.html").read_text("utf-8")
    meta = _meta(BeautifulSoup(html, "html.parser"))
    assert meta["og:image:type"] == ["image/png"], "the photo article gets the section's text card"
    photo = {**SETTINGS, "OG_CARDS_CATEGORY_LAYOUTS": {"first-aid": "photo"}}
    out = build_site(content_path=FIXTURE, settings=photo)
    burns = _meta(
        BeautifulSoup((out / "first-aid/burns/index.html").read_text("utf-8"), "html.parser")
    )
    assert burns["og:image:type"] == ["image/png"], "no article image: the text card"
