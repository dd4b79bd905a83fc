"""Build the real content/ with both configs and check what readers and crawlers get."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from site_content import published_articles, sources

PUBLIC = "https://www.sharewell.org.uk"
CATEGORY_DIRS = {"first-aid", "event-medical", "ambulance-and-clinical", "training", "living-well"}


def html_files(output: Path) -> list[Path]:
    return sorted(p for p in output.rglob("*.html") if "/theme/" not in p.as_posix())


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_content_meets_the_brief():
    articles = sources("article")
    assert len(articles) >= 12
    assert {a.path.parent.name for a in articles} >= CATEGORY_DIRS
    pages = {p.url for p in sources("page")}
    for slug in (
        "about",
        "editorial-policy",
        "medical-disclaimer",
        "privacy",
        "accessibility",
        "contact",
    ):
        assert f"{slug}/" in pages
    for article in articles:
        assert not re.search(r"\d{4}", article.url), f"date-like slug: {article.url}"


@pytest.mark.parametrize("config", ["pelicanconf", "publishconf"])
def test_every_article_and_page_is_at_its_clean_url(config, real_site, real_site_publish):
    output = real_site if config == "pelicanconf" else real_site_publish
    for source in published_articles() + sources("page"):
        page = output / source.url / "index.html"
        assert page.exists(), f"{source.path.name} should be at /{source.url}"
        document = soup(page)
        assert document.h1 is not None
        assert document.h1.get_text(strip=True) == source.title


def test_canonical_links_are_absolute_in_publish_config(real_site_publish):
    for page in html_files(real_site_publish):
        canonicals = soup(page).find_all("link", rel="canonical")
        assert len(canonicals) == 1, page
        href = canonicals[0]["href"]
        assert href.startswith(f"{PUBLIC}/"), (page, href)
        relative = page.relative_to(real_site_publish).as_posix()
        expected = re.sub(r"(^|/)index\.html$", r"\1", relative)
        assert href == f"{PUBLIC}/{expected}"


def test_every_page_has_one_h1_landmarks_and_skip_link(real_site):
    for page in html_files(real_site):
        document = soup(page)
        if document.find("meta", attrs={"http-equiv": "refresh"}):
            continue  # redirect stubs for moved articles
        assert len(document.find_all("h1")) == 1, page
        assert document.find("main", id="main"), page
        assert document.find("header") and document.find("footer") and document.find("nav")
        skip = document.find("a", class_="skip-link")
        assert skip is not None and skip["href"] == "#main"
        assert document.html.get("lang"), page
        assert "999" in document.find(class_="emergency-notice").get_text()


def _feed_links(feed: Path) -> list[str]:
    tree = ET.parse(feed)  # raises on invalid XML
    root = tree.getroot()
    if root.tag.endswith("feed"):
        ns = {"a": "http://www.w3.org/2005/Atom"}
        return [e.find("a:link", ns).get("href") for e in root.findall("a:entry", ns)]
    return [item.findtext("link") for item in root.iter("item")]


@pytest.mark.parametrize("feed", ["feeds/all.atom.xml", "feeds/all.rss.xml"])
def test_feeds_are_valid_and_list_every_article(real_site_publish, feed):
    links = _feed_links(real_site_publish / feed)
    expected = {f"{PUBLIC}/{a.url}" for a in published_articles()}
    assert set(links) == expected


def test_category_feeds_exist(real_site_publish):
    for category in CATEGORY_DIRS:
        assert _feed_links(real_site_publish / "feeds" / f"{category}.atom.xml")


def test_sitemap_lists_every_page(real_site_publish):
    tree = ET.parse(real_site_publish / "sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    listed = {loc.text for loc in tree.getroot().iterfind("s:url/s:loc", ns)}
    for source in published_articles() + sources("page"):
        assert f"{PUBLIC}/{source.url}" in listed, source.url


def test_robots_favicon_and_404(real_site_publish):
    robots = (real_site_publish / "robots.txt").read_text()
    assert f"Sitemap: {PUBLIC}/sitemap.xml" in robots
    assert (real_site_publish / "favicon.ico").stat().st_size > 0
    assert (real_site_publish / "favicon.svg").exists()
    not_found = soup(real_site_publish / "404.html")
    assert not_found.find("meta", attrs={"name": "robots", "content": "noindex"})
    assert "not found" in not_found.h1.get_text().lower()


def _resource_urls(document: BeautifulSoup) -> list[str]:
    urls = [
        tag["src"]
        for tag in document.find_all(
            ["img", "script", "iframe", "source", "audio", "video", "embed"]
        )
        if tag.get("src")
    ]
    for link in document.find_all("link", href=True):
        rel = set(link.get("rel", []))
        if rel & {
            "stylesheet",
            "icon",
            "preload",
            "prefetch",
            "modulepreload",
            "manifest",
            "apple-touch-icon",
            "dns-prefetch",
            "preconnect",
        }:
            urls.append(link["href"])
    return urls


def test_no_resource_from_another_host(real_site_publish):
    for page in html_files(real_site_publish):
        for url in _resource_urls(soup(page)):
            host = urlsplit(url).hostname
            assert host in (None, "www.sharewell.org.uk"), f"{page}: {url}"
    for css in real_site_publish.rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text()):
            assert not urlsplit(url).hostname, f"{css}: {url}"
        assert "@import" not in css.read_text()


def test_titles_are_escaped(tmp_path, build_site):
    content = tmp_path / "content"
    (content / "articles" / "first-aid").mkdir(parents=True)
    (content / "pages").mkdir()
    title = "Quotes \" ' & <script>alert(1)</script> Cymraeg ŵ ŷ عربي 🚑"
    (content / "articles" / "first-aid" / "escape-test.md").write_text(
        f"Title: {title}\nDate: 2025-01-02 10:00\nCategory: First aid\nTags: test\n"
        "Summary: A <em>short</em> summary.\n\nBody text.\n",
        encoding="utf-8",
    )
    output = build_site(content_path=content)
    html = (output / "first-aid" / "escape-test" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    document = BeautifulSoup(html, "html.parser")
    assert document.h1.get_text() == title
    assert title in document.title.get_text()
