"""languages: translations paired, clean URLs, hreflang both ways, /cy/ listings, checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import build_report
from kernel import problems
from kernel.header import read_header
from kernel.signals import SourceFile
from kernel.sources import load_source
from languages.checks import check_file

SITEURL = "https://example.org"
HEAD = "Category: First aid\nAuthor: Writer\nSummary: {summary}\ncontent_type: news\n"
FILES = {
    "articles/first-aid/burns.md": "Title: Burns\nDate: 2025-01-01\nModified: 2025-06-01\n"
    + HEAD.format(summary="Cool it.")
    + "Tags: burns\n\nEnglish body.\n",
    "articles/first-aid/burns.cy.md": "Title: Llosgiadau\nLang: cy\ntranslation_of: burns\n"
    "Date: 2025-01-01\nModified: 2025-03-01\n"
    + HEAD.format(summary="Oerwch e.")
    + "Tags: llosgiadau\n\nCorff Cymraeg.\n",
    "articles/first-aid/cuts.md": "Title: Cuts\nDate: 2025-02-01\n"
    + HEAD.format(summary="Press.")
    + "\nBody.\n",
    "articles/first-aid/cuts.cy.md": "Title: Toriadau\nLang: cy\nSlug: cuts\nDate: 2025-02-01\n"
    "Modified: 2025-02-02\naliases: /hen/toriadau.html\n"
    + HEAD.format(summary="Gwasgwch.")
    + "\nCorff.\n",
    "articles/first-aid/stroke-ur.md": "Title: فالج کی علامات FAST\nLang: ur\nDate: 2025-03-01\n"
    + HEAD.format(summary="فوراً 999 پر کال کریں۔")
    + "\nمتن۔\n",
    "articles/first-aid/orphan.cy.md": "Title: Amddifad\nLang: cy\ntranslation_of: no-such-page\n"
    "Date: 2025-03-02\n" + HEAD.format(summary="Dim.") + "\nCorff.\n",
    "articles/first-aid/sprain.md": "Title: Sprain\nDate: 2025-01-05\n"
    + HEAD.format(summary="Rest it.")
    + "\nBody.\n",
    # Scheduled: its day (2025-07-01) is after "today" (2025-06-10).
    "articles/first-aid/sprain.cy.md": "Title: Ysigiad\nLang: cy\ntranslation_of: sprain\n"
    "Date: 2025-07-01\n" + HEAD.format(summary="Gorffwyswch.") + "\nCorff.\n",
    # Advice in Welsh needs its own review like any advice.
    "articles/first-aid/fever.md": "Title: Fever\nDate: 2025-01-06\nCategory: First aid\n"
    "Author: Writer\nSummary: Keep cool.\ncontent_type: advice\nlast_reviewed: 2025-01-01\n"
    "reviewed_by: sam-okafor\nsources: NHS: Fever | https://www.nhs.uk/\n\nBody.\n",
    "articles/first-aid/fever.cy.md": "Title: Twymyn\nLang: cy\ntranslation_of: fever\n"
    "Date: 2025-01-06\nModified: 2025-01-07\nCategory: First aid\nAuthor: Writer\n"
    "Summary: Cadwch yn oer.\ncontent_type: advice\n\nCorff.\n",
    "pages/about.md": "Title: About\n\nAbout us.\n",
    "pages/about.cy.md": "Title: Amdanom ni\nLang: cy\nSlug: about\n\nAmdanom.\n",
}
SETTINGS = {
    "PLUGINS": [
        "pelican.plugins.sitemap",
        "content_guard",
        "scheduling",
        "languages",
        "health_review",
        "og_cards",
        "link_keeper",
        "editors_desk",
    ],
    "OG_CARDS_WORKERS": 0,
    "SITEURL": SITEURL,
    "FEED_DOMAIN": SITEURL,
    "SHAREWELL_TODAY": "2025-06-10",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("languages")
    content = root / "content"
    for name, text in FILES.items():
        path = content / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return build_report(root / "output", content_path=content, settings=SETTINGS)


def soup(site, path: str) -> BeautifulSoup:
    return BeautifulSoup((site.output / path).read_text(encoding="utf-8"), "html.parser")


def alternates(page: BeautifulSoup) -> dict[str, str]:
    return {
        link["hreflang"]: link["href"]
        for link in page.find_all("link", rel="alternate", hreflang=True)
        if not link.get("type")
    }


def test_translations_live_under_their_language_and_lone_languages_keep_plain_urls(site):
    out = site.output
    assert (out / "first-aid/burns/index.html").is_file()
    assert (out / "cy/first-aid/burns/index.html").is_file()  # translation_of gave the slug
    assert (out / "cy/first-aid/cuts/index.html").is_file()  # same Slug
    assert (out / "first-aid/stroke-ur/index.html").is_file()  # no English version: plain URL
    assert not (out / "ur").exists()
    assert (out / "cy/about/index.html").is_file()


def test_hreflang_pairs_are_reciprocal_with_x_default(site):
    english, welsh = (
        soup(site, "first-aid/burns/index.html"),
        soup(site, "cy/first-aid/burns/index.html"),
    )
    expected = {
        "en-GB": f"{SITEURL}/first-aid/burns/",
        "cy": f"{SITEURL}/cy/first-aid/burns/",
        "x-default": f"{SITEURL}/first-aid/burns/",
    }
    assert alternates(english) == alternates(welsh) == expected
    assert alternates(soup(site, "first-aid/stroke-ur/index.html")) == {}
    assert alternates(soup(site, "cy/about/index.html"))["en-GB"] == f"{SITEURL}/about/"


def test_pages_say_their_language_and_direction(site):
    assert soup(site, "first-aid/burns/index.html").html.attrs == {"lang": "en-GB", "dir": "ltr"}
    assert soup(site, "cy/first-aid/burns/index.html").html.attrs == {"lang": "cy", "dir": "ltr"}
    urdu = soup(site, "first-aid/stroke-ur/index.html")
    assert urdu.html.attrs == {"lang": "ur", "dir": "rtl"}
    assert urdu.find("h1").get("dir") == "auto"


def test_switcher_links_the_other_version_without_javascript(site):
    welsh = soup(site, "cy/first-aid/burns/index.html")
    link = welsh.select_one(".language-switch a")
    assert link["href"] == f"{SITEURL}/first-aid/burns/" and link["hreflang"] == "en-GB"
    assert link.get_text(strip=True) == "English" and link["lang"] == "en-GB"
    english = soup(site, "first-aid/burns/index.html").select_one(".language-switch a")
    assert english.get_text(strip=True) == "Cymraeg" and english["lang"] == "cy"
    # A page with no Welsh version offers the Welsh home page instead.
    lone = soup(site, "first-aid/stroke-ur/index.html").select(".language-switch a")
    assert [a["href"] for a in lone] == [f"{SITEURL}/cy/", f"{SITEURL}/"]
    assert lone[0].get_text(strip=True) == "Cymraeg: Hafan"


def test_welsh_listings_list_welsh_articles_in_welsh(site):
    home = soup(site, "cy/index.html")
    assert home.html["lang"] == "cy"
    titles = [a.get_text(strip=True) for a in home.select(".article-card__title a")]
    assert titles == ["Amddifad", "Toriadau", "Twymyn", "Llosgiadau"]  # not the scheduled one
    assert alternates(home) == {
        "en-GB": f"{SITEURL}/",
        "cy": f"{SITEURL}/cy/",
        "x-default": f"{SITEURL}/",
    }
    assert alternates(soup(site, "index.html"))["cy"] == f"{SITEURL}/cy/"
    section = soup(site, "cy/first-aid/index.html")
    assert section.find("h1").get_text(strip=True) == "Cymorth cyntaf"
    assert alternates(section)["en-GB"] == f"{SITEURL}/first-aid/"
    assert (site.output / "cy/tag/llosgiadau/index.html").is_file()
    assert (site.output / "cy/search/index.html").is_file()
    assert soup(site, "cy/404.html").find("h1").get_text(strip=True) == "Heb ddod o hyd i'r dudalen"
    # Links from a Welsh page stay in the Welsh site.
    article = soup(site, "cy/first-aid/burns/index.html")
    assert article.select_one(".article__section a")["href"] == f"{SITEURL}/cy/first-aid/"
    assert article.select_one(".article__tags a")["href"] == f"{SITEURL}/cy/tag/llosgiadau/"
    # The Urdu article, with no English version, is listed with the English articles,
    # marked as Urdu so it is read right to left.
    listed = soup(site, "index.html").select_one('.article-card__title a[lang="ur"]')
    assert listed is not None and listed["dir"] == "rtl"


def test_each_language_has_its_feed_and_pages_link_their_own(site):
    feeds = site.output / "feeds"
    assert (feeds / "all-cy.atom.xml").is_file() and (feeds / "all-ur.atom.xml").is_file()
    welsh_feed = (feeds / "all-cy.atom.xml").read_text(encoding="utf-8")
    assert "Llosgiadau" in welsh_feed and "Burns" not in welsh_feed
    link = soup(site, "cy/index.html").find("link", type="application/atom+xml")
    assert link["href"] == f"{SITEURL}/feeds/all-cy.atom.xml" and link["hreflang"] == "cy"


def test_version_problems(site):
    by_field = {(p.file.rsplit("/", 1)[-1], p.field): p for p in site.problems}
    outdated = by_field[("burns.cy.md", "modified")]
    assert outdated.severity == "info" and "2025-06-01" in outdated.problem
    assert ("cuts.cy.md", "modified") not in by_field
    orphan = by_field[("orphan.cy.md", "translation_of")]
    assert "no-such-page" in orphan.problem
    info = site.content("burns.cy.md").language
    assert info.outdated and info.original == f"{SITEURL}/first-aid/burns/"
    assert [a.lang for a in info.others] == ["en-GB"]


def _source(tmp_path: Path, text: str) -> SourceFile:
    path = tmp_path / "content" / "articles" / "a.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    loaded = load_source(path, {"PATH": str(tmp_path / "content"), "DEFAULT_LANG": "en-GB"})
    assert not isinstance(loaded, problems.Problem)
    return loaded


@pytest.mark.parametrize(
    ("header", "field", "excludes"),
    [
        ("Lang: Welsh language\n", "lang", True),
        ("Lang: <script>\n", "lang", True),
        ("Lang: en\n", "lang", False),
        ("translation_of: burns\n", "translation_of", False),  # no Lang
        ("Lang: cy\ntranslation_of: Burns and scalds\n", "translation_of", False),
        ("Lang: cy\ntranslation_of: ../x\n", "translation_of", False),
        ("Lang: cy\ntranslation_of: burns\nSlug: llosgiadau\n", "slug", False),
        ("Lang: cy\nmachine_assisted: maybe\n", "machine_assisted", False),
    ],
)
def test_check_file_names_the_field(tmp_path, header, field, excludes):
    found = check_file(_source(tmp_path, "Title: T\n" + header + "\nBody.\n"))
    assert [p.field for p in found] == [field]
    assert found[0].excludes is excludes
    assert found[0].line == read_header("Title: T\n" + header).line_of(field)


def test_check_file_accepts_a_proper_translation(tmp_path):
    text = "Title: T\nLang: cy\ntranslation_of: burns-and-scalds\nmachine_assisted: yes\n\nB.\n"
    assert check_file(_source(tmp_path, text)) == []


def test_link_permanence_lists_every_language(site):
    listed = json.dumps(json.loads((site.output / "published-urls.json").read_text("utf-8")))
    for path in ("cy/first-aid/burns/", "cy/", "cy/first-aid/", "first-aid/stroke-ur/"):
        assert path in listed, path


def test_a_scheduled_translation_is_nowhere_until_its_day(site):
    out = site.output
    assert not (out / "cy/first-aid/sprain").exists()
    english = soup(site, "first-aid/sprain/index.html")
    assert alternates(english) == {}  # no hreflang to a page that is not live
    assert english.select_one(".language-switch a")["href"] == f"{SITEURL}/cy/"
    assert english.find("meta", property="og:locale:alternate") is None
    for path in ("sitemap.xml", "feeds/all-cy.atom.xml", "published-urls.json", "cy/index.html"):
        assert "cy/first-aid/sprain" not in (out / path).read_text(encoding="utf-8"), path
    assert site.content("sprain.cy.md").schedule is not None


def test_a_welsh_advice_translation_needs_its_own_review(site):
    fields = {p.field for p in site.problems if p.file.endswith("fever.cy.md") and p.is_error}
    assert {"last_reviewed", "reviewed_by", "sources"} <= fields


def test_aliases_of_a_translation_redirect_to_its_language_url(site):
    redirect = (site.output / "hen" / "toriadau.html").read_text(encoding="utf-8")
    assert f"{SITEURL}/cy/first-aid/cuts/" in redirect
    # The redirect page speaks the language of the page it leads to.
    assert '<html lang="cy" dir="ltr">' in redirect
    assert "<title>Wedi symud: Toriadau</title>" in redirect
    assert "Mae’r dudalen hon wedi symud i" in redirect and "has moved" not in redirect


def test_sitemap_names_every_live_version(site):
    text = (site.output / "sitemap.xml").read_text(encoding="utf-8")
    assert f'hreflang="cy" href="{SITEURL}/cy/first-aid/burns/"' in text
    assert f'hreflang="x-default" href="{SITEURL}/first-aid/burns/"' in text
    assert " ref=" not in text


def test_the_desk_shows_both_versions_side_by_side_and_flags_the_outdated_one(site):
    desk = site.output / "_desk"
    page = next(
        BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")
        for p in desk.glob("*/index.html")
        if "Llosgiadau" in p.read_text(encoding="utf-8")
        and "Language versions" in p.read_text(encoding="utf-8")
        and '<h1 lang="cy"' in p.read_text(encoding="utf-8")
    )
    versions = page.select(".lang-version")
    assert [v.select_one(".lang-version__title").get_text(strip=True) for v in versions] == [
        "Burns", "Llosgiadau",
    ]  # fmt: skip
    assert versions[1].select_one(".lang-version__title")["lang"] == "cy"
    assert "Older than the original" in versions[1].get_text()
    assert page.select_one(".flag--outdated")
    index = (desk / "index.html").read_text(encoding="utf-8")
    assert "cy (outdated)" in index


def test_hidden_and_listed_versions_of_one_page_are_paired(tmp_path):
    """Pelican pairs translations within listed and within hidden pages, never across."""
    files = {
        # English hidden (shared by link only), Welsh listed.
        "wasp.md": "Title: Wasp stings\nStatus: hidden\nDate: 2025-01-01\n"
        + HEAD.format(summary="Scrape it.")
        + "\nEnglish.\n",
        "wasp.cy.md": "Title: Pigiadau gwenyn meirch\nLang: cy\ntranslation_of: wasp\n"
        "Date: 2025-01-01\n" + HEAD.format(summary="Crafwch.") + "\nCymraeg.\n",
        # English listed, Welsh hidden.
        "bee.md": "Title: Bee stings\nDate: 2025-01-02\n"
        + HEAD.format(summary="Scrape it.")
        + "\nEnglish.\n",
        "bee.cy.md": "Title: Pigiadau gwenyn\nLang: cy\nSlug: bee\nStatus: hidden\n"
        "Date: 2025-01-02\n" + HEAD.format(summary="Crafwch.") + "\nCymraeg.\n",
    }
    content = tmp_path / "content"
    for name, text in files.items():
        path = content / "articles" / "first-aid" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    built = build_report(tmp_path / "output", content_path=content, settings=SETTINGS)
    assert not [p for p in built.problems if p.field == "translation_of"]
    for slug in ("wasp", "bee"):
        english = soup(built, f"first-aid/{slug}/index.html")
        welsh = soup(built, f"cy/first-aid/{slug}/index.html")
        assert english.html["lang"] == "en-GB" and welsh.html["lang"] == "cy"
        expected = {
            "en-GB": f"{SITEURL}/first-aid/{slug}/",
            "cy": f"{SITEURL}/cy/first-aid/{slug}/",
            "x-default": f"{SITEURL}/first-aid/{slug}/",
        }
        assert alternates(english) == alternates(welsh) == expected, slug
    english_home = (built.output / "index.html").read_text(encoding="utf-8")
    english_section = (built.output / "first-aid/index.html").read_text(encoding="utf-8")
    for listing in (english_home, english_section):
        assert "Bee stings" in listing
        assert "Wasp stings" not in listing and "gwenyn meirch" not in listing  # hidden; Welsh
    # listed in Welsh; the hidden Welsh one is not
    welsh_home = soup(built, "cy/index.html").select(".article-card__title a")
    assert [a.get_text(strip=True) for a in welsh_home] == ["Pigiadau gwenyn meirch"]
