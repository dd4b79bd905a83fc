"""The real bilingual site (built once per session): Welsh pages carry no English interface
string, hreflang pairs are reciprocal, and the sitemap, JSON-LD, feeds and share text agree."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup
from site_content import sources

ROOT = Path(__file__).resolve().parent.parent
CHROME = (
    "header, nav, footer, aside, .breadcrumbs, .health-review, .share, .care-summary__more, "
    ".article__meta, .article__reading, .care-card__heading, .review-note, .search-page, "
    ".section-grid, .listing-intro, .pagination, h1"
)
# English words that are the same in Welsh, or names: never evidence of a missing translation.
SAME_IN_WELSH = {"Sharewell", "Mastodon", "X", "Facebook", "LinkedIn", "WhatsApp", "Telegram",
                 "Bluesky", "Threads", "Reddit", "English", "Atom", "RSS"}  # fmt: skip


def english_msgids() -> set[str]:
    """Every English interface string of the theme and the plugins (the catalogs' msgids)."""
    found = set()
    for pot in [
        ROOT / "theme/translations/messages.pot",
        *ROOT.glob("plugins/*/translations/*.pot"),
    ]:
        with pot.open("rb") as handle:
            for message in read_po(handle):
                for msgid in message.id if isinstance(message.id, tuple) else (message.id,):
                    # The fixed words around placeholders: "Page %(number)s of" -> "Page", "of"
                    for piece in re.split(r"%\(\w+\)s|\{\w+\}", msgid or ""):
                        part = piece.strip(" .,:;()“”")
                        if len(part) > 3 and part not in SAME_IN_WELSH:
                            found.add(part)
    return found


def welsh_pages(site: Path) -> list[Path]:
    return sorted(p for p in (site / "cy").rglob("*.html"))


def page(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")


def test_welsh_pages_have_no_english_interface_string(real_site):
    msgids = english_msgids()
    assert "Skip to main content" in msgids and "Page last reviewed" in msgids
    checked = 0
    for path in welsh_pages(real_site):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for switch in soup.select(".language-switch, [lang]:not(html)"):
            switch.decompose()  # other languages' names and text marked as another language
        chrome = " ".join(el.get_text(" ", strip=True) for el in soup.select(CHROME))
        chrome += " " + " ".join(
            el.get(attr, "") for attr in ("aria-label", "placeholder", "alt")
            for el in soup.find_all(attrs={attr: True})
        )  # fmt: skip
        left = sorted(m for m in msgids if re.search(rf"(?<!\w){re.escape(m)}(?!\w)", chrome))
        assert left == [], f"{path.relative_to(real_site)}: English left: {left}"
        checked += 1
    assert checked >= 15  # articles, pages and every listing of the Welsh site


def test_every_language_version_has_reciprocal_hreflang(real_site):
    versions = [s for s in sources("article") + sources("page") if s.lang]
    assert {s.lang for s in versions} == {"cy", "ur"}
    pairs = 0
    for path in [*real_site.rglob("index.html"), real_site / "cy" / "404.html"]:
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        links = {
            link["hreflang"]: link["href"]
            for link in soup.find_all("link", rel="alternate", hreflang=True)
            if not link.get("type")
        }
        if not links:
            continue
        canonical = soup.find("link", rel="canonical")["href"]
        assert canonical in links.values(), f"{path}: the page is not among its own alternates"
        assert "x-default" in links
        for tag, href in links.items():
            other = real_site / href.split("://", 1)[1].split("/", 1)[1]
            other = other / "index.html" if not other.suffix else other
            back = BeautifulSoup(other.read_text(encoding="utf-8"), "html.parser")
            theirs = {
                link["hreflang"]: link["href"]
                for link in back.find_all("link", rel="alternate", hreflang=True)
                if not link.get("type")
            }
            assert theirs == links, f"{path} -> {tag}: not reciprocal"
            pairs += 1
    assert pairs >= 20


def test_og_locale_and_alternates(real_site):
    welsh = page(real_site, "cy/first-aid/burns-and-scalds/index.html")
    assert welsh.find("meta", property="og:locale")["content"] == "cy_GB"
    assert [m["content"] for m in welsh.find_all("meta", property="og:locale:alternate")] == [
        "en_GB"
    ]
    stroke = page(real_site, "living-well/recognising-a-stroke-fast/index.html")
    assert sorted(
        m["content"] for m in stroke.find_all("meta", property="og:locale:alternate")
    ) == ["cy_GB", "ur_PK"]
    urdu = page(real_site, "ur/living-well/recognising-a-stroke-fast/index.html")
    assert urdu.find("meta", property="og:locale")["content"] == "ur_PK"


def _graph(soup: BeautifulSoup) -> dict:
    data = json.loads(soup.find("script", type="application/ld+json").string)
    return next(node for node in data["@graph"] if node["@type"] in ("MedicalWebPage", "Article"))


def test_jsonld_names_language_and_translations(real_site):
    english = _graph(page(real_site, "first-aid/burns-and-scalds/index.html"))
    welsh = _graph(page(real_site, "cy/first-aid/burns-and-scalds/index.html"))
    assert english["inLanguage"] == "en-GB" and welsh["inLanguage"] == "cy"
    assert english["workTranslation"] == [{"@id": welsh["@id"], "inLanguage": "cy"}]
    assert welsh["translationOfWork"] == {"@id": english["@id"], "inLanguage": "en-GB"}
    assert "workTranslation" not in welsh and "translationOfWork" not in english
    # Machine-assisted: the review is the English version's, and only that version claims it.
    assert english["lastReviewed"] == "2025-07-15"
    assert english["reviewedBy"]["name"] == "Helen Byrne"
    assert "lastReviewed" not in welsh and "reviewedBy" not in welsh
    assert welsh["medicalAudience"] == english["medicalAudience"]
    crumbs = json.loads(
        page(real_site, "cy/first-aid/burns-and-scalds/index.html")
        .find("script", type="application/ld+json")
        .string
    )
    trail = next(n for n in crumbs["@graph"] if n["@type"] == "BreadcrumbList")["itemListElement"]
    assert [i["name"] for i in trail[:2]] == ["Hafan", "Cymorth cyntaf"]
    assert trail[0]["item"].endswith("/cy/")


def test_sitemap_lists_every_version_on_every_version(real_site):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ET.parse(real_site / "sitemap.xml").getroot()
    entries = {
        u.findtext("s:loc", namespaces=ns): {
            link.get("hreflang"): link.get("href") for link in u.findall("x:link", ns)
        }
        for u in root.findall("s:url", ns)
    }
    welsh = next(v for k, v in entries.items() if k.endswith("/cy/first-aid/burns-and-scalds/"))
    english = next(
        v
        for k, v in entries.items()
        if k.endswith("/first-aid/burns-and-scalds/") and "/cy/" not in k
    )
    assert welsh == english and set(welsh) == {"en-GB", "cy", "x-default"}
    assert not any("ref" in str(v) for v in entries.values())
    assert not any(k.endswith(("/cy/404.html", "/cy/search/")) for k in entries)


def test_welsh_share_text_is_welsh_and_fits_every_network(real_site):
    private = real_site.with_name(f"{real_site.name}-private")  # kernel.contents.private_folder
    snippets = json.loads((private / "share" / "snippets.json").read_text(encoding="utf-8"))
    welsh = next(
        a for a in snippets["articles"] if a["url"].endswith("/cy/first-aid/burns-and-scalds/")
    )
    assert welsh["title"].startswith("Llosgiadau a sgaldiadau")
    assert welsh["image_url"].split("/og/", 1)[1].startswith("burns-and-scalds-cy-")
    for key, network in welsh["networks"].items():
        assert "Burns and scalds" not in network["text"], key
        if network.get("limit"):
            assert network["length"] <= network["limit"], key
    assert "#CymorthCyntaf" in welsh["networks"]["mastodon"]["text"]
    soup = page(real_site, "cy/first-aid/burns-and-scalds/index.html")
    share = soup.select_one(".share")
    assert share.find("a", attrs={"data-share-network": "x"}).get_text() == "Rhannu ar X"


def test_welsh_care_cards_name_nhs_111_wales(real_site):
    soup = page(real_site, "cy/first-aid/burns-and-scalds/index.html")
    headings = [h.get_text(" ", strip=True) for h in soup.select(".care-card__heading")]
    assert any("GIG 111 Cymru" in h for h in headings)
    assert all(not h.startswith(("Urgent advice", "Immediate action")) for h in headings)
    dates = soup.select_one(".health-review__dates").get_text(" ", strip=True)
    assert "Gorffennaf" in dates


def test_a_machine_assisted_translation_credits_the_review_of_its_english_version(real_site):
    """Its review metadata is the English text's: the page must not claim more than that."""

    def review(path: str) -> tuple[str, str]:
        soup = page(real_site, path)
        return tuple(
            soup.select_one(f".health-review__{part}").get_text(" ", strip=True)
            for part in ("dates", "reviewer")
        )

    dates, reviewer = review("cy/first-aid/burns-and-scalds/index.html")
    assert dates.startswith("Adolygwyd y fersiwn Saesneg ddiwethaf: 15 Gorffennaf 2025")
    assert reviewer.startswith("Adolygwyd y fersiwn Saesneg gan ")
    dates, reviewer = review("ur/living-well/recognising-a-stroke-fast/index.html")
    assert dates.startswith("انگریزی ورژن کا آخری جائزہ:")
    assert reviewer.startswith("انگریزی ورژن کا جائزہ:")
    dates, reviewer = review("first-aid/burns-and-scalds/index.html")
    assert dates.startswith("Page last reviewed: 15 July 2025")
    assert reviewer.startswith("Reviewed by ")


def test_machine_assisted_text_says_so(real_site):
    for path in (
        "cy/first-aid/burns-and-scalds/index.html",
        "ur/living-well/recognising-a-stroke-fast/index.html",
        "cy/about/index.html",
    ):
        assert page(real_site, path).select_one(".review-note"), path
    assert (
        page(real_site, "first-aid/burns-and-scalds/index.html").select_one(".review-note") is None
    )


@pytest.mark.parametrize("feed", ["all-cy.atom.xml", "all-ur.atom.xml", "all-en-gb.atom.xml"])
def test_each_language_has_its_own_feed(real_site, feed):
    text = (real_site / "feeds" / feed).read_text(encoding="utf-8")
    langs = {
        "all-cy.atom.xml": "Llosgiadau",
        "all-ur.atom.xml": "فالج",
        "all-en-gb.atom.xml": "Burns and scalds",
    }
    assert langs[feed] in text
    if feed != "all-en-gb.atom.xml":
        assert "Burns and scalds" not in text


def test_search_index_has_a_welsh_language(real_site):
    entry = real_site / "pagefind" / "pagefind-entry.json"
    if not entry.is_file():
        pytest.skip("this build has no search index")
    languages = json.loads(entry.read_text(encoding="utf-8"))["languages"]
    assert {"cy", "ur"} <= set(languages) and languages["cy"]["page_count"] >= 4
