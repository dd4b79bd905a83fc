"""reader_features on the real content: search index, related lists, reading time, feeds."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, copy_content
from pelican import Pelican
from pelican.settings import read_settings
from site_content import published_articles

MEDIA = "{http://search.yahoo.com/mrss/}"
ATOM = "{http://www.w3.org/2005/Atom}"
# Text outside the indexed article body: header, navigation, notices, sharing, related, footer.
NOT_INDEXED = [
    "Skip to main content",
    "Clear first aid and health advice you can trust and share",
    "For urgent advice that is not an emergency",
    "Share this page",
    "Related advice",
    "This site sets no cookies",
    "Breadcrumb",
    "min read",
]


def fragments(output: Path) -> dict[str, dict]:
    """Return Pagefind's indexed pages ({url: fragment}) from a built site."""
    found = {}
    for path in sorted((output / "pagefind" / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        fragment = json.loads(data[len(b"pagefind_dcd") :])
        found[fragment["url"]] = fragment
    return found


def unique_word(output: Path) -> tuple[str, str]:
    """Return (word, url): a long word indexed for exactly one article."""
    seen: dict[str, set[str]] = {}
    for url, fragment in fragments(output).items():
        for word in re.findall(r"[a-z]{8,}", fragment["content"].lower()):
            seen.setdefault(word, set()).add(url)
    word = min(w for w, urls in seen.items() if len(urls) == 1)
    return word, next(iter(seen[word]))


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def plugins() -> list[str]:
    return read_settings(str(ROOT / "pelicanconf.py"))["PLUGINS"]


def test_reader_features_is_enabled():
    assert "reader_features" in plugins()


def test_search_index_holds_every_published_article_and_nothing_else(real_site):
    bundle = real_site / "pagefind"
    for name in ("pagefind.js", "pagefind-component-ui.js", "pagefind-component-ui.css"):
        assert (bundle / name).is_file(), name
    indexed = set(fragments(real_site))
    assert indexed == {f"/{source.url}" for source in published_articles()}


def test_search_index_excludes_navigation_and_share_text(real_site):
    for url, fragment in fragments(real_site).items():
        for text in NOT_INDEXED:
            assert text not in fragment["content"], f"{url} indexes {text!r}"
        page = soup(real_site / url.strip("/") / "index.html")
        assert page.h1.get_text(strip=True) == fragment["meta"]["title"]
        assert fragment["filters"]["section"] == [page.select_one(".article__section a").get_text()]
        topics = [a.get_text() for a in page.select(".article__tags a")]
        assert sorted(fragment["filters"]["topic"]) == sorted(topics)
        body_start = page.select_one(".article__body").get_text(" ", strip=True)[:40]
        assert body_start.split()[0] in fragment["content"]


def test_unique_word_is_indexed_for_its_article(real_site):
    word, url = unique_word(real_site)
    assert word in soup(real_site / url.strip("/") / "index.html").get_text().lower()


def related_links(output: Path) -> dict[str, list[str]]:
    """Return {article url: [related hrefs]} from a built site."""
    result = {}
    for source in published_articles():
        page = soup(output / source.url / "index.html")
        result[source.url] = [a["href"] for a in page.select(".related .related__link")]
    return result


def test_related_lists_never_hold_the_article_itself(real_site):
    urls = {source.url for source in published_articles()}
    languages = [source.lang for source in published_articles()]
    alone = {s.url for s in published_articles() if languages.count(s.lang) == 1}
    for url, links in related_links(real_site).items():
        # Related articles are in the page's language: one alone in its language has none.
        assert (0 if url in alone else 1) <= len(links) <= 3, url
        assert len(set(links)) == len(links)
        paths = [re.sub(r"^https?://[^/]+/", "", href) for href in links]
        assert url not in paths
        assert set(paths) <= urls


def test_reading_time_and_word_count_in_the_article_header(real_site):
    for source in published_articles():
        header = soup(real_site / source.url / "index.html").select_one(".article__header")
        text = header.select_one(".article__reading").get_text(" ", strip=True)
        expected = {
            "": r"\d+ min read \([\d,]+ words?\)",
            "cy": r"\d+ munud i'w ddarllen \([\d,]+ gair\)",
            "ur": r"\d+ منٹ کا مطالعہ \([\d,]+ (لفظ|الفاظ)\)",
        }[source.lang]
        assert re.fullmatch(expected, text), text


def test_related_are_stable_between_builds_and_search_can_be_turned_off(build_site, tmp_path):
    settings = {"READER_FEATURES_SEARCH": False, "SITEURL": "http://127.0.0.1:8000"}
    first = build_site(settings=settings)
    second = build_site(content_path=copy_content(tmp_path / "content"), settings=settings)
    assert related_links(first) == related_links(second)
    assert not (first / "pagefind").exists()
    home = soup(first / "index.html")
    assert home.select_one(".site-search") is None
    search = soup(first / "search" / "index.html")
    assert "not available" in search.select_one(".search-page").get_text()
    assert search.select(".section-grid a")


def test_search_page_works_without_javascript(real_site):
    page = soup(real_site / "search" / "index.html")
    form = page.select_one("form.search-form")
    assert form["method"] == "get"
    assert form["action"].endswith("/search/")
    assert form.select_one("input[name=q]")
    assert "JavaScript" in page.select_one("[data-search-status]").get_text()
    sections = {a["href"].rstrip("/").rsplit("/", 1)[-1] for a in page.select(".section-grid a")}
    english = [source for source in published_articles() if not source.lang]
    assert sections == {source.url.split("/")[0] for source in english}
    header = soup(real_site / "index.html").select_one("form.site-search")
    assert header["method"] == "get"
    assert header["action"] == form["action"]
    # Indexable (it lists every section); /search/?q=... pages share its canonical URL.
    assert page.select_one('meta[name="robots"]') is None
    assert page.select_one('link[rel="canonical"]')["href"].endswith("/search/")


def feed_items(path: Path) -> list[ET.Element]:
    root = ET.parse(path).getroot()
    return root.findall("./channel/item") or root.findall(f"{ATOM}entry")


def item_link(item: ET.Element) -> str:
    link = item.find("link")
    if link is not None and link.text:
        return link.text
    return next(a.get("href") for a in item.findall(f"{ATOM}link") if a.get("rel") == "alternate")


def test_feeds_validate_and_carry_the_card_and_summary(real_site):
    feeds = sorted((real_site / "feeds").glob("*.xml"))
    categories = {source.path.parent.name for source in published_articles()}
    names = {path.name for path in feeds}
    for category in categories:
        assert {f"{category}.atom.xml", f"{category}.rss.xml"} <= names
    og_cards = "og_cards" in plugins()
    checked = 0
    for path in feeds:
        items = feed_items(path)
        assert items, path.name
        for item in items:
            link = item_link(item)
            page = soup(real_site / re.sub(r"^https?://[^/]+/", "", link) / "index.html")
            media = item.find(f"{MEDIA}content")
            assert media is not None, f"{path.name}: {link} has no media:content"
            assert media.get("medium") == "image"
            if og_cards:
                declared = page.select_one('meta[property="og:image"]')["content"]
                assert media.get("url") == declared
                assert item.find(f"{MEDIA}thumbnail").get("url") == declared
            if path.name.endswith(".rss.xml"):
                assert item.find("enclosure").get("url") == media.get("url")
                summary = item.find("description").text
            else:
                rels = {a.get("rel"): a.get("href") for a in item.findall(f"{ATOM}link")}
                assert rels["enclosure"] == media.get("url")
                summary = item.find(f"{ATOM}summary").text
            lede = page.select_one(".article__lede").get_text(" ", strip=True)
            assert BeautifulSoup(summary, "html.parser").get_text(" ", strip=True) == lede
            checked += 1
    assert checked >= 4 * len(published_articles())


@pytest.mark.parametrize("status", ["draft", "hidden"])
def test_drafts_and_hidden_articles_are_not_indexed(build_site, tmp_path, status):
    content = copy_content(tmp_path / "content")
    source = published_articles()[0]
    path = content / source.path.relative_to(ROOT / "content")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\n\n", f"\nStatus: {status}\n\n", 1), encoding="utf-8")
    output = build_site(content_path=content, settings={"OG_CARDS_ENABLED": False})
    assert f"/{source.url}" not in fragments(output)
    assert len(fragments(output)) == len(published_articles()) - 1


def test_a_second_run_of_the_same_pelican_still_has_every_feature(tmp_path):
    """Autoreload (`invoke regenerate`) calls run() again without sending `initialized`."""
    output = tmp_path / "output"
    settings = read_settings(
        str(ROOT / "pelicanconf.py"),
        override={
            "OUTPUT_PATH": str(output),
            "CACHE_PATH": str(tmp_path / "cache"),
            "OG_CARDS_ENABLED": False,
        },
    )
    pelican = Pelican(settings)
    pelican.run()
    shutil.rmtree(output)
    pelican.run()
    assert len(fragments(output)) == len(published_articles())
    assert sum(1 for links in related_links(output).values() if links) >= len(
        [s for s in published_articles() if not s.lang]
    )
    items = feed_items(output / "feeds" / "all.rss.xml")
    assert any(item.find(f"{MEDIA}content") is not None for item in items)
